/* Runs ops through a layer map as the UPMEM LLM profiler's simulator walks a forward pass:
 * the current device starts as the host; at an op placed on another device, or marked as a
 * transfer point, the op's input goes device -> host from the current device and host ->
 * device to the op's device; times add up without overlap. A whole model runs a prefill
 * forward and one decode forward per generated token. Beside the sums it keeps the
 * double-buffered schedule of docs/profile.md (transfers streamed in row chunks against the
 * previous op's compute), with and without the devices' efficiency curves. */
#include "ts-profile.h"

#include <math.h>
#include <string.h>

#include "ts-config.h"

/* Rows are streamed in at most this many chunks in the double-buffered schedule. */
#define TS_PROFILE_MAX_CHUNKS 64

/* ---- Double-buffered schedule ------------------------------------------------------------ */

typedef struct {
    const TsDeviceProfile *dev;
    double compute, h2d, d2h; /* times (ns) each resource is next free */
} TsRes;

typedef struct {
    GArray *res;  /* TsRes */
    double *end;  /* chunk end times of the previous op */
    double *next; /* scratch */
    guint n_end;
    double now; /* start of the current forward */
} TsSched;

static void sched_init(TsSched *s)
{
    memset(s, 0, sizeof *s);
    s->res = g_array_new(FALSE, TRUE, sizeof(TsRes));
    s->end = g_new0(double, TS_PROFILE_MAX_CHUNKS);
    s->next = g_new0(double, TS_PROFILE_MAX_CHUNKS);
}

static void sched_clear(TsSched *s)
{
    if (s->res)
        g_array_unref(s->res);
    g_free(s->end);
    g_free(s->next);
    memset(s, 0, sizeof *s);
}

static TsRes *sched_res(TsSched *s, const TsDeviceProfile *dev)
{
    for (guint i = 0; i < s->res->len; i++) {
        TsRes *r = &g_array_index(s->res, TsRes, i);
        if (r->dev == dev)
            return r;
    }
    TsRes r = {dev, s->now, s->now, s->now};
    g_array_append_val(s->res, r);
    return &g_array_index(s->res, TsRes, s->res->len - 1);
}

/* A forward starts when the previous one has finished: its input is ready at now. */
static void sched_begin(TsSched *s)
{
    for (guint i = 0; i < s->res->len; i++) {
        TsRes *r = &g_array_index(s->res, TsRes, i);
        r->compute = MAX(r->compute, s->now);
        r->h2d = MAX(r->h2d, s->now);
        r->d2h = MAX(r->d2h, s->now);
    }
    s->n_end = 1;
    s->end[0] = s->now;
}

static double sched_last(const TsSched *s)
{
    return s->end[s->n_end - 1];
}

/* One op: its input rows in n chunks; chunk k waits for the share of the previous op's
 * output it needs, goes D2H on the source device and H2D on the op's device (when the op is
 * a transfer point), then computes on the op's device; each resource serves one chunk at a
 * time. after_ns: a return to the host after the op (moe_end), serial. */
static void sched_op(TsSched *s, const TsDeviceProfile *dev, const TsDeviceProfile *from,
                     double d2h_ns, double h2d_ns, double time_ns, double rows, double after_ns)
{
    guint n = (guint)CLAMP(floor(rows), 1.0, (double)TS_PROFILE_MAX_CHUNKS);
    TsRes *rd = sched_res(s, dev);
    TsRes *rf = from ? sched_res(s, from) : NULL;
    rd = sched_res(s, dev); /* the array may have grown */
    for (guint k = 0; k < n; k++) {
        guint need = (guint)(((guint64)(k + 1) * s->n_end + n - 1) / n); /* ceil */
        double t = s->end[MAX(need, 1u) - 1];
        if (rf != NULL && d2h_ns > 0) {
            t = MAX(t, rf->d2h) + d2h_ns / n;
            rf->d2h = t;
        }
        if (h2d_ns > 0) {
            t = MAX(t, rd->h2d) + h2d_ns / n;
            rd->h2d = t;
        }
        t = MAX(t, rd->compute) + time_ns / n;
        rd->compute = t;
        s->next[k] = t;
    }
    if (after_ns > 0) {
        double t = MAX(s->next[n - 1], rd->d2h) + after_ns;
        rd->d2h = t;
        for (guint k = 0; k < n; k++)
            s->next[k] = MAX(s->next[k], t);
    }
    double *tmp = s->end;
    s->end = s->next;
    s->next = tmp;
    s->n_end = n;
}

/* A serial transfer at the end of a forward (the result back to the host). */
static void sched_tail(TsSched *s, const TsDeviceProfile *from, double ns)
{
    double t = sched_last(s);
    if (from != NULL && ns > 0) {
        TsRes *r = sched_res(s, from);
        t = MAX(t, r->d2h) + ns;
        r->d2h = t;
    }
    s->n_end = 1;
    s->end[0] = t;
}

/* Ends a forward: returns its duration and moves now to its end. */
static double sched_end(TsSched *s)
{
    double end = sched_last(s);
    double d = end - s->now;
    s->now = end;
    return d;
}

/* ---- The walk ------------------------------------------------------------------------------ */

typedef struct {
    const TsProfileMap *map;
    const TsProfileOptions *opt;
    const TsDeviceProfile *cur; /* NULL: the data is on the host */
    TsSched peak, eff;
    /* per-op summaries (model runs) */
    GHashTable *index; /* name -> index + 1 */
    GArray *ops;       /* TsProfileOpSummary */
    GStringChunk *strings;
} TsRunner;

static void runner_init(TsRunner *r, const TsProfileMap *map, const TsProfileOptions *opt)
{
    memset(r, 0, sizeof *r);
    r->map = map;
    r->opt = opt;
    sched_init(&r->peak);
    sched_init(&r->eff);
}

static void runner_clear(TsRunner *r)
{
    sched_clear(&r->peak);
    sched_clear(&r->eff);
    if (r->index)
        g_hash_table_unref(r->index);
    if (r->ops)
        g_array_unref(r->ops);
}

static void phase_add_transfer(TsProfilePhase *ph, double d2h_b, double d2h_ns, double d2h_pj,
                               double h2d_b, double h2d_ns, double h2d_pj)
{
    ph->d2h_bytes += d2h_b;
    ph->d2h_ns += d2h_ns;
    ph->energy_d2h_pj += d2h_pj;
    ph->h2d_bytes += h2d_b;
    ph->h2d_ns += h2d_ns;
    ph->energy_h2d_pj += h2d_pj;
    ph->time_ns += d2h_ns + h2d_ns;
    ph->time_eff_ns += d2h_ns + h2d_ns;
}

/* Adds `times` runs of a step to a phase. */
static void phase_add_step(TsProfilePhase *ph, const TsProfileStep *st, double times)
{
    const TsProfileOpCost *c = &st->cost;
    ph->time_ns += times * c->time_ns;
    ph->time_eff_ns += times * c->time_eff_ns;
    ph->compute_ns += times * c->compute_ns;
    ph->mem_ns += times * c->mem_ns;
    ph->kv_ns += times * c->kv_ns;
    ph->energy_compute_pj += times * c->energy_compute_pj;
    ph->energy_mem_pj += times * c->energy_mem_pj;
    ph->flops += times * c->flops;
    phase_add_transfer(ph, times * st->xfer_d2h_bytes, times * st->xfer_d2h_ns,
                       times * st->xfer_d2h_pj, times * st->xfer_h2d_bytes, times * st->xfer_h2d_ns,
                       times * st->xfer_h2d_pj);
}

/* Decides the transfers at op (placement p, cost c) from the current device and moves the
 * current device; fills the step's transfer fields. */
static void step_transfers(TsRunner *r, TsProfileStep *st, const TsDeviceProfile **from)
{
    const TsProfilePlacement *p = &st->placement;
    const TsProfileOpCost *c = &st->cost;
    const TsDeviceProfile *dev = p->device;
    *from = NULL;
    gboolean change = dev != r->cur;
    if (!(change || p->transfer || p->moe))
        return;
    /* 't': every instance's input (the profiler pays it at each call); otherwise, a device
     * change or 'm', the input once: for 'm' one instance's (shared by the experts). */
    double bytes = p->transfer ? c->in_bytes : p->moe ? c->in_bytes_instance : c->in_bytes;
    if (r->cur != NULL) {
        st->xfer_d2h_bytes = bytes;
        st->xfer_d2h_ns = bytes / r->cur->d2h_bw_bytes_per_s * 1e9;
        st->xfer_d2h_pj = bytes * 8.0 * r->cur->d2h_pj_per_bit;
        *from = r->cur;
    }
    st->xfer_h2d_bytes = bytes;
    st->xfer_h2d_ns = bytes / dev->h2d_bw_bytes_per_s * 1e9;
    st->xfer_h2d_pj = bytes * 8.0 * dev->h2d_pj_per_bit;
    st->xfer_reason = r->cur == NULL ? "from host"
                      : p->transfer  ? "transfer point ('t')"
                      : change       ? "device change"
                                     : "MoE transfer point ('m')";
    r->cur = dev;
}

/* moe_end: the other experts' outputs (experts_per_token - 1 instances) return to the host. */
static double moe_return(TsRunner *r, const TsOp *op, TsProfileStep *st)
{
    const char *end = ts_profile_map_moe_end(r->map);
    guint k = ts_profile_map_experts_per_token(r->map);
    if (end == NULL || k < 2 || strcmp(end, op->name) != 0 || op->count == 0)
        return 0.0;
    const TsDeviceProfile *dev = st->placement.device;
    double bytes = st->cost.out_bytes / (double)op->count * (double)(k - 1);
    double ns = bytes / dev->d2h_bw_bytes_per_s * 1e9;
    st->xfer_d2h_bytes += bytes;
    st->xfer_d2h_ns += ns;
    st->xfer_d2h_pj += bytes * 8.0 * dev->d2h_pj_per_bit;
    st->xfer_reason = st->xfer_reason ? "transfer, then moe_end return" : "moe_end return";
    return ns;
}

/* An op the profiler does not trace (compat mode: a residual add, SwiGLU's product) is not
 * seen by its simulator: it moves no data and runs where the data is, whatever the map says.
 * Returns TRUE for such an op. */
static gboolean follow_data(TsRunner *r, TsProfileStep *st)
{
    if (strcmp(st->cost.bound, "untraced") != 0)
        return FALSE;
    const TsDeviceProfile *d = r->cur;
    if (d == NULL)
        return TRUE; /* still on the host: nothing to follow */
    st->placement = (TsProfilePlacement){d, FALSE, FALSE};
    TsProfileOpCost *c = &st->cost;
    c->h2d_ns = c->in_bytes / d->h2d_bw_bytes_per_s * 1e9;
    c->h2d_pj = c->in_bytes * 8.0 * d->h2d_pj_per_bit;
    c->d2h_ns = c->out_bytes / d->d2h_bw_bytes_per_s * 1e9;
    c->d2h_pj = c->out_bytes * 8.0 * d->d2h_pj_per_bit;
    return TRUE;
}

/* One op executed once: transfers, schedule, phase sums. */
static void run_step(TsRunner *r, TsProfileStep *st, TsProfilePhase *ph)
{
    const TsDeviceProfile *from = NULL;
    st->xfer_h2d_bytes = st->xfer_h2d_ns = st->xfer_h2d_pj = 0;
    st->xfer_d2h_bytes = st->xfer_d2h_ns = st->xfer_d2h_pj = 0;
    st->xfer_reason = NULL;
    if (!follow_data(r, st))
        step_transfers(r, st, &from);
    double d2h_in = st->xfer_d2h_ns;
    double after = moe_return(r, st->op, st);
    phase_add_step(ph, st, 1.0);
    if (r->opt->overlap) {
        const TsDeviceProfile *dev = st->placement.device;
        sched_op(&r->peak, dev, from, d2h_in, st->xfer_h2d_ns, st->cost.time_ns, st->cost.rows,
                 after);
        sched_op(&r->eff, dev, from, d2h_in, st->xfer_h2d_ns, st->cost.time_eff_ns, st->cost.rows,
                 after);
    }
}

static void forward_begin(TsRunner *r)
{
    if (r->opt->overlap) {
        sched_begin(&r->peak);
        sched_begin(&r->eff);
    }
}

/* The result returns to the host at the end of a forward (from the current device). */
static void forward_return(TsRunner *r, double bytes, TsProfilePhase *ph, double *ns_out,
                           double *pj_out)
{
    double ns = 0, pj = 0;
    const TsDeviceProfile *from = r->cur;
    if (from != NULL && bytes > 0) {
        ns = bytes / from->d2h_bw_bytes_per_s * 1e9;
        pj = bytes * 8.0 * from->d2h_pj_per_bit;
        if (ph != NULL)
            phase_add_transfer(ph, bytes, ns, pj, 0, 0, 0);
    }
    if (r->opt->overlap) {
        sched_tail(&r->peak, from, ns);
        sched_tail(&r->eff, from, ns);
    }
    if (ns_out)
        *ns_out = ns;
    if (pj_out)
        *pj_out = pj;
}

static void forward_end(TsRunner *r, TsProfilePhase *ph)
{
    ph->forwards++;
    if (r->opt->overlap) {
        ph->overlap_ns += sched_end(&r->peak);
        ph->overlap_eff_ns += sched_end(&r->eff);
    }
}

/* Placement and cost of every op of a part (the same for each layer it runs). */
static gboolean prepare_part(TsRunner *r, const TsWorkload *w, const char *only_op, GArray *steps,
                             GError **error)
{
    const TsTransformerConfig *cfg = ts_workload_transformer_config(w);
    if (ts_workload_source(w) == TS_WORKLOAD_SOURCE_TIMELOOP) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "workload %s is a Timeloop problem, which does not say which tensor holds "
                    "parameters: the profile engine needs the weights it reads (write the op "
                    "in a tilesim workload, where Weights are parameters)",
                    ts_workload_name(w));
        return FALSE;
    }
    g_array_set_size(steps, 0);
    for (guint i = 0; i < ts_workload_n_ops(w); i++) {
        const TsOp *op = ts_workload_op(w, i);
        if (only_op != NULL && strcmp(op->name, only_op) != 0)
            continue;
        TsProfileStep st = {0};
        st.op = op;
        st.placement = ts_profile_map_place(r->map, op);
        if (!ts_profile_op_cost(st.placement.device, op, cfg, r->opt, &st.cost, error))
            return FALSE;
        g_array_append_val(steps, st);
    }
    return TRUE;
}

/* ---- One layer (or any op list) ------------------------------------------------------------ */

gboolean ts_profile_run_layer(const TsWorkload *workload, const TsProfileMap *map,
                              const char *only_op, const TsProfileOptions *options,
                              TsProfileLayerResult *result, GError **error)
{
    g_return_val_if_fail(workload != NULL && map != NULL && options != NULL && result != NULL,
                         FALSE);
    memset(result, 0, sizeof *result);
    if (!ts_profile_map_has_default(map)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "no default device: give --device NAME or `default:` in the map");
        return FALSE;
    }
    if (only_op != NULL && ts_workload_find_op(workload, only_op) == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                    "--op: workload %s has no op named '%s'", ts_workload_name(workload), only_op);
        return FALSE;
    }
    TsRunner r;
    runner_init(&r, map, options);
    g_autoptr(GArray) steps = g_array_new(FALSE, TRUE, sizeof(TsProfileStep));
    gboolean ok = prepare_part(&r, workload, only_op, steps, error);
    if (ok) {
        forward_begin(&r);
        for (guint i = 0; i < steps->len; i++)
            run_step(&r, &g_array_index(steps, TsProfileStep, i), &result->total);
        if (steps->len > 0) {
            const TsProfileStep *last = &g_array_index(steps, TsProfileStep, steps->len - 1);
            result->return_bytes = last->cost.out_bytes;
            forward_return(&r, result->return_bytes, &result->total, &result->return_ns,
                           &result->return_pj);
        }
        forward_end(&r, &result->total);
        result->n_steps = steps->len;
        result->steps = (TsProfileStep *)g_array_steal(steps, NULL);
    }
    runner_clear(&r);
    return ok;
}

void ts_profile_layer_result_clear(TsProfileLayerResult *result)
{
    if (result == NULL)
        return;
    g_free(result->steps);
    memset(result, 0, sizeof *result);
}

/* ---- Whole model ------------------------------------------------------------------------------
 */

static TsProfileOpSummary *summary_for(TsRunner *r, const TsProfileStep *st)
{
    gpointer v = g_hash_table_lookup(r->index, st->op->name);
    if (v != NULL)
        return &g_array_index(r->ops, TsProfileOpSummary, GPOINTER_TO_UINT(v) - 1);
    TsProfileOpSummary s = {0};
    s.name = g_string_chunk_insert_const(r->strings, st->op->name);
    s.device = g_string_chunk_insert_const(r->strings, st->placement.device->name);
    g_array_append_val(r->ops, s);
    g_hash_table_insert(r->index, (gpointer)s.name, GUINT_TO_POINTER(r->ops->len));
    return &g_array_index(r->ops, TsProfileOpSummary, r->ops->len - 1);
}

/* Runs the steps of a part `times` times (layers) into the phase and the per-op summaries. */
static void run_part(TsRunner *r, GArray *steps, uint64_t times, TsProfilePhase *ph,
                     gboolean decode)
{
    for (uint64_t l = 0; l < times; l++) {
        for (guint i = 0; i < steps->len; i++) {
            TsProfileStep *st = &g_array_index(steps, TsProfileStep, i);
            run_step(r, st, ph);
            TsProfileOpSummary *s = summary_for(r, st);
            TsProfilePhase *sp = decode ? &s->decode : &s->prefill;
            phase_add_step(sp, st, 1.0);
            sp->forwards++;
        }
    }
}

static TsWorkload *build_part(int which, const TsTransformerConfig *c, GError **error)
{
    switch (which) {
    case 0:
        return ts_transformer_build_embedding("embedding", c, error);
    case 1:
        return ts_transformer_build("layer", c, error);
    default:
        return ts_transformer_build_head("head", c, error);
    }
}

gboolean ts_profile_run_model(const TsProfileModelSpec *spec, TsProfileMap *map,
                              const TsProfileOptions *options, TsProfileModelResult *result,
                              GError **error)
{
    g_return_val_if_fail(spec != NULL && spec->cfg != NULL && map != NULL && options != NULL &&
                             result != NULL,
                         FALSE);
    memset(result, 0, sizeof *result);
    result->strings = g_string_chunk_new(256);
    TsTransformerConfig pre = *spec->cfg;
    pre.phase = TS_PHASE_PREFILL;
    pre.kv_len = 0;
    TsTransformerConfig dec = pre;
    dec.phase = TS_PHASE_DECODE;
    dec.kv_len = pre.seq + 1;
    uint64_t layers = spec->layers ? spec->layers : pre.layers;
    if (layers == 0 || layers > 100000) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "layers: must be within 1 .. 100000 (got %" G_GUINT64_FORMAT ")", layers);
        return FALSE;
    }
    if (spec->gen > TS_PROFILE_MAX_GEN) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "--gen: at most %u decode steps (got %" G_GUINT64_FORMAT ")",
                    TS_PROFILE_MAX_GEN, spec->gen);
        return FALSE;
    }
    /* Every part of both phases but the decode layers (built per step): prefill embedding,
     * layer and head, decode embedding and head. */
    const TsTransformerConfig *part_cfg[] = {&pre, &pre, &pre, &dec, &dec};
    const int part_kind[] = {0, 1, 2, 0, 2};
    g_autoptr(GPtrArray) built = g_ptr_array_new_with_free_func((GDestroyNotify)ts_workload_free);
    for (guint i = 0; i < G_N_ELEMENTS(part_kind); i++) {
        TsWorkload *w = build_part(part_kind[i], part_cfg[i], error);
        if (w == NULL)
            return FALSE;
        g_ptr_array_add(built, w);
    }
    const TsWorkload *p_embed = built->pdata[0], *p_layer = built->pdata[1],
                     *p_head = built->pdata[2], *d_embed = built->pdata[3],
                     *d_head = built->pdata[4];
    {
        const TsWorkload *parts[] = {p_embed, p_layer, p_head};
        if (!ts_profile_map_check(map, parts, 3, parts, 3, error))
            return FALSE;
    }
    result->prompt = pre.seq;
    result->gen = spec->gen;
    result->batch = pre.batch;
    result->layers = layers;

    TsRunner r;
    runner_init(&r, map, options);
    r.index = g_hash_table_new(g_str_hash, g_str_equal);
    r.ops = g_array_new(FALSE, TRUE, sizeof(TsProfileOpSummary));
    r.strings = result->strings;
    g_autoptr(GArray) s_embed = g_array_new(FALSE, TRUE, sizeof(TsProfileStep));
    g_autoptr(GArray) s_layer = g_array_new(FALSE, TRUE, sizeof(TsProfileStep));
    g_autoptr(GArray) s_head = g_array_new(FALSE, TRUE, sizeof(TsProfileStep));
    const gboolean compat = options->mode == TS_PROFILE_COMPAT;
    gboolean ok = prepare_part(&r, p_embed, NULL, s_embed, error) &&
                  prepare_part(&r, p_layer, NULL, s_layer, error) &&
                  prepare_part(&r, p_head, NULL, s_head, error);
    double lm_in = 0.0, logits = 0.0;
    if (ok) {
        /* Prefill: the prompt, producing the first token. */
        forward_begin(&r);
        run_part(&r, s_embed, 1, &result->prefill, FALSE);
        run_part(&r, s_layer, layers, &result->prefill, FALSE);
        run_part(&r, s_head, 1, &result->prefill, FALSE);
        const TsProfileStep *lm = &g_array_index(s_head, TsProfileStep, s_head->len - 1);
        lm_in = lm->cost.in_bytes;
        /* corrected: the last position's logits return for sampling */
        logits = lm->cost.out_bytes / (double)pre.seq;
        if (!compat) {
            forward_return(&r, logits, &result->prefill, NULL, NULL);
            r.cur = NULL;
        }
        forward_end(&r, &result->prefill);
    }
    if (ok && spec->gen > 0) {
        ok = prepare_part(&r, d_embed, NULL, s_embed, error) &&
             prepare_part(&r, d_head, NULL, s_head, error);
        const TsProfileStep *lm =
            ok ? &g_array_index(s_head, TsProfileStep, s_head->len - 1) : NULL;
        if (lm) {
            lm_in = lm->cost.in_bytes;
            logits = lm->cost.out_bytes;
        }
        for (uint64_t d = 1; ok && d <= spec->gen; d++) {
            dec.kv_len = pre.seq + d;
            g_autoptr(TsWorkload) layer = build_part(1, &dec, error);
            ok = layer != NULL && prepare_part(&r, layer, NULL, s_layer, error);
            if (!ok)
                break;
            forward_begin(&r);
            run_part(&r, s_embed, 1, &result->decode, TRUE);
            run_part(&r, s_layer, layers, &result->decode, TRUE);
            run_part(&r, s_head, 1, &result->decode, TRUE);
            if (!compat) {
                forward_return(&r, logits, &result->decode, NULL, NULL);
                r.cur = NULL;
            }
            forward_end(&r, &result->decode);
        }
    }
    if (ok && compat) {
        /* The profiler's end of run: the last forward's LM head input, once per forward,
         * from the current device; its generation time includes it. */
        result->end_bytes = lm_in * (double)(spec->gen + 1);
        TsProfilePhase *ph = spec->gen > 0 ? &result->decode : NULL;
        if (r.opt->overlap)
            forward_begin(&r);
        forward_return(&r, result->end_bytes, ph, &result->end_ns, &result->end_pj);
        if (r.opt->overlap) {
            double o = sched_end(&r.peak), oe = sched_end(&r.eff);
            if (ph != NULL) {
                ph->overlap_ns += o;
                ph->overlap_eff_ns += oe;
            }
        }
    }
    if (ok) {
        result->n_ops = r.ops->len;
        result->ops = (TsProfileOpSummary *)g_array_steal(r.ops, NULL);
        TsProfilePhase *pf = &result->prefill, *dc = &result->decode;
        result->ttft_s = pf->time_ns * 1e-9;
        result->decode_s = dc->time_ns * 1e-9;
        result->total_s =
            result->ttft_s + result->decode_s + (spec->gen == 0 ? result->end_ns * 1e-9 : 0.0);
        double tokens = (double)(spec->gen * pre.batch);
        if (spec->gen > 0 && dc->time_ns > 0) {
            result->tokens_per_s = tokens / result->decode_s;
            result->energy_per_token_j = ts_profile_phase_energy_pj(dc) * 1e-12 / tokens;
            result->decode_power_w = ts_profile_phase_energy_pj(dc) * 1e-12 / result->decode_s;
        }
        if (pf->time_ns > 0)
            result->prefill_power_w = ts_profile_phase_energy_pj(pf) * 1e-12 / result->ttft_s;
    }
    runner_clear(&r);
    return ok;
}

void ts_profile_model_result_clear(TsProfileModelResult *result)
{
    if (result == NULL)
        return;
    g_free(result->ops);
    if (result->strings)
        g_string_chunk_free(result->strings);
    memset(result, 0, sizeof *result);
}
