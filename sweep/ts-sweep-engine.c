/* Evaluation engines of a sweep and the store of searched sub-problems. The analytical engine
 * maps every op of a point with the analytical model (ts_layer_map); identical einsum searches
 * across points (the key of ts_layer_problem_key) are answered from the store, which gives the
 * same result the search would (the search is deterministic in its key). The discrete-event
 * engines (des, both) then run every op's best mapping through the mapping executor
 * (sim/exec), as `tilesim simulate --engine both` does: the DES figures go beside the
 * analytical ones, an op the DES cannot run is recorded with the reason. */
#include <string.h>

#include "ts-exec.h"
#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-sweep-private.h"

/* ---- Sub-problem store -------------------------------------------------------------------- */

struct TsSweepCache {
    GMutex lock;
    GHashTable *entries; /* key (owned) -> TsSearchResult* (owned copy) */
    gsize bytes, max_bytes;
    guint64 lookups, hits;
};

static void entry_free(gpointer p)
{
    TsSearchResult *r = p;
    ts_search_result_clear(r);
    g_free(r);
}

TsSweepCache *ts_sweep_cache_new(gsize max_bytes)
{
    TsSweepCache *c = g_new0(TsSweepCache, 1);
    g_mutex_init(&c->lock);
    c->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
    c->max_bytes = max_bytes;
    return c;
}

void ts_sweep_cache_free(TsSweepCache *c)
{
    if (c == NULL)
        return;
    g_hash_table_destroy(c->entries);
    g_mutex_clear(&c->lock);
    g_free(c);
}

void ts_sweep_cache_stats(const TsSweepCache *c, guint64 *lookups, guint64 *hits, guint *entries,
                          gsize *bytes)
{
    g_return_if_fail(c != NULL);
    TsSweepCache *m = (TsSweepCache *)c;
    g_mutex_lock(&m->lock);
    if (lookups)
        *lookups = c->lookups;
    if (hits)
        *hits = c->hits;
    if (entries)
        *entries = g_hash_table_size(c->entries);
    if (bytes)
        *bytes = c->bytes;
    g_mutex_unlock(&m->lock);
}

static gboolean cache_lookup(const char *key, TsSearchResult *result, gpointer data)
{
    TsSweepCache *c = data;
    g_mutex_lock(&c->lock);
    c->lookups++;
    const TsSearchResult *r = g_hash_table_lookup(c->entries, key);
    if (r != NULL) {
        c->hits++;
        ts_search_result_copy(result, r);
    }
    g_mutex_unlock(&c->lock);
    return r != NULL;
}

static void cache_store(const char *key, const TsSearchResult *result, gpointer data)
{
    TsSweepCache *c = data;
    gsize size = strlen(key) + 1 + sizeof *result + result->n_best * sizeof(TsSearchEntry);
    g_mutex_lock(&c->lock);
    if (!g_hash_table_contains(c->entries, key) && c->bytes + size <= c->max_bytes) {
        TsSearchResult *copy = g_new0(TsSearchResult, 1);
        ts_search_result_copy(copy, result);
        g_hash_table_insert(c->entries, g_strdup(key), copy);
        c->bytes += size;
    }
    g_mutex_unlock(&c->lock);
}

const TsLayerCache *ts_sweep_cache_layer(TsSweepCache *cache, TsLayerCache *out)
{
    g_return_val_if_fail(cache != NULL && out != NULL, NULL);
    *out = (TsLayerCache){cache_lookup, cache_store, cache};
    return out;
}

/* ---- Analytical engine -------------------------------------------------------------------- */

static double arch_area_um2(const TsArch *arch)
{
    double area = 0;
    gboolean any = FALSE;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->area_um2 > 0) {
            area += (double)MAX(l->instances, 1u) * l->area_um2;
            any = TRUE;
        }
    }
    return any ? area : NAN;
}

static const char *op_kind(const TsOp *op)
{
    return op->kind == TS_OP_ELEMENTWISE ? ts_elementwise_kind_name(op->ew_kind)
                                         : ts_op_kind_name(op->kind);
}

static gboolean fill_result(const TsLayerResult *r, TsSweepResult *out, GError **error)
{
    out->status = TS_SWEEP_OK;
    out->energy_pj = r->energy_pj;
    out->cycles = r->cycles;
    out->latency_s = r->latency_s;
    out->macs = r->macs;
    out->utilization = r->utilization;
    out->edp_j_cycles = r->edp_j_cycles;
    out->pj_per_mac = r->pj_per_mac;
    out->cache_hits = r->cache_hits;
    out->n_ops = r->n_ops;
    out->ops = g_new0(TsSweepOp, MAX(r->n_ops, 1u));
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        const TsLayerOp *src = &r->ops[lo->same_as];
        TsSweepOp *o = &out->ops[i];
        o->name = g_strdup(lo->op->name);
        o->count = MAX(lo->op->count, (uint64_t)1);
        o->kind = g_strdup(op_kind(lo->op));
        o->macs = lo->macs;
        o->energy_pj = lo->energy_pj;
        o->cycles = lo->cycles;
        o->latency_s = lo->latency_s;
        o->utilization = lo->utilization;
        o->bound = g_strdup(lo->bound ? lo->bound : "");
        o->des_cycles = o->des_latency_s = o->des_energy_pj = NAN;
        if (src->einsum) {
            o->evaluated = src->search.evaluated;
            o->valid = src->search.valid;
            o->mapping = ts_model_mapping_yaml(src->model, &src->search.best[0].mapping, error);
            if (o->mapping == NULL)
                return FALSE;
        }
    }
    return TRUE;
}

/* The DES of the mapped layer r (fused with plan, or NULL) into out's DES fields. Ops the
 * executor refuses, or an arch it cannot build, are recorded with the reason; the layer's
 * DES totals stand only when every op ran. */
static void run_des(const TsSweep *s, const TsArch *arch, const TsWorkload *workload,
                    const TsLayerResult *r, const TsFusePlan *plan, TsSweepResult *out)
{
    const guint n = r->n_ops;
    gboolean *run = g_new0(gboolean, MAX(n, 1u));
    GString *not_run = g_string_new(NULL);
    TsExecOptions xo = {.max_steps = s->des_max_steps,
                        .instances = s->des_instances,
                        .lane_memory_bytes = s->des_lane_memory,
                        .fuse = plan};
    for (guint i = 0; i < n; i++) {
        out->ops[i].des_not_run = ts_exec_op_refusal_with(arch, r, i, &xo);
        run[i] = out->ops[i].des_not_run == NULL;
        if (!run[i])
            g_string_append_printf(not_run, "%s%s: %s", not_run->len ? "; " : "",
                                   r->ops[i].op->name, out->ops[i].des_not_run);
    }
    TsExecResult x = {0};
    g_autoptr(GError) derr = NULL;
    gint64 t0 = g_get_monotonic_time();
    gboolean ran = ts_exec_run_layer_subset(arch, workload, r, run, &xo, &x, &derr);
    out->des_seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    if (!ran) {
        g_string_truncate(not_run, 0);
        g_string_append_printf(not_run, "the DES did not run: %s", derr->message);
        for (guint i = 0; i < n; i++)
            if (out->ops[i].des_not_run == NULL)
                out->ops[i].des_not_run = g_strdup("the DES did not run (see the point)");
    }
    double worst = -1;
    for (guint i = 0; ran && i < n && i < x.n_ops; i++) {
        const TsExecOpResult *xr = &x.ops[i];
        if (!run[i] || xr->count == 0)
            continue;
        TsSweepOp *o = &out->ops[i];
        const double count = (double)xr->count;
        o->des_cycles = xr->cycles / count;
        o->des_latency_s = xr->latency_s / count;
        o->des_energy_pj = xr->cost.energy_pj;
        o->des_bound = g_strdup(xr->bound ? xr->bound : "");
        if (xr->cycles > worst) {
            worst = xr->cycles;
            g_free(out->des_bound);
            out->des_bound = g_strdup(o->des_bound);
        }
    }
    if (ran)
        out->des_events = x.events;
    if (ran && not_run->len == 0) {
        out->des_cycles = x.cycles;
        out->des_latency_s = x.latency_s;
        out->des_energy_pj = x.energy_pj;
        out->des_diff = out->cycles > 0 ? x.cycles / out->cycles - 1.0 : NAN;
    } else {
        g_clear_pointer(&out->des_bound, g_free);
        out->des_not_run = g_strdup(not_run->str);
    }
    g_string_free(not_run, TRUE);
    ts_exec_result_clear(&x);
    g_free(run);
}

/* Maps every op of point with the analytical model; with des, then runs the mappings through
 * the DES. */
static gboolean evaluate(const TsSweep *s, guint point, const TsSweepEvalContext *ctx, gboolean des,
                         TsSweepResult *result, GError **error)
{
    ts_sweep_result_init(result, point);
    TsSweepPointInputs in;
    if (!ts_sweep_point_build(s, point, &in, error))
        return FALSE;
    gboolean ok = TRUE;
    if (in.reason != NULL) {
        result->status = TS_SWEEP_INVALID;
        result->reason = g_steal_pointer(&in.reason);
        ts_sweep_point_clear(&in);
        return TRUE;
    }
    TsLayerCache cache = {cache_lookup, cache_store, ctx->cache};
    TsLayerOptions lo = {0};
    lo.search = s->search;
    lo.search.threads = MAX(ctx->threads, 1u);
    lo.model_options.imperfect_factors = s->imperfect;
    lo.model_options.systolic_folds = s->systolic_folds;
    lo.constraints = in.constraints;
    lo.only_ops = (const char *const *)s->ops;
    lo.cache = ctx->cache != NULL ? &cache : NULL;
    TsLayerResult r = {0};
    g_autoptr(GError) bad = NULL;
    /* The workload's `fusion:` spec: the point's layer runs fused (a refusal, e.g. a buffer too
     * small for the intermediates, makes the point unmapped with the reason). */
    const char *fgroup = NULL, *flevel = NULL, *fwhere = NULL;
    g_autoptr(TsFusePlan) plan = NULL;
    if (ts_workload_fusion(in.workload, &fgroup, &flevel, &fwhere)) {
        plan = ts_fuse_plan_new(in.arch, in.workload, in.constraints, fgroup, flevel, &bad);
        if (plan == NULL) {
            result->status = TS_SWEEP_UNMAPPED;
            result->reason = ts_fuse_source_text(bad->message, fwhere);
            ts_sweep_point_clear(&in);
            return TRUE;
        }
        lo.fuse = plan;
    }
    if (!ts_layer_map(in.arch, in.workload, &lo, &r, &bad)) {
        result->status = TS_SWEEP_UNMAPPED;
        result->reason = g_strdup(bad->message);
    } else {
        ok = fill_result(&r, result, error);
        result->area_um2 = arch_area_um2(in.arch);
        if (ok && des)
            run_des(s, in.arch, in.workload, &r, plan, result);
    }
    ts_layer_result_clear(&r);
    ts_sweep_point_clear(&in);
    return ok;
}

static gboolean analytical_evaluate(const TsSweep *s, guint point, const TsSweepEvalContext *ctx,
                                    TsSweepResult *result, GError **error)
{
    return evaluate(s, point, ctx, FALSE, result, error);
}

static gboolean des_evaluate(const TsSweep *s, guint point, const TsSweepEvalContext *ctx,
                             TsSweepResult *result, GError **error)
{
    return evaluate(s, point, ctx, TRUE, result, error);
}

/* ---- Registry ----------------------------------------------------------------------------- */

static const TsSweepEngine kEngines[] = {
    {"analytical", "the analytical model (Timeloop semantics) with the mapper's search",
     analytical_evaluate, NULL},
    {"both",
     "the analytical model and search, then the discrete-event simulation of each op's best "
     "mapping beside it",
     des_evaluate, NULL},
    {"des", "as both, with the DES latency as the default second Pareto objective (docs/sweeps.md)",
     des_evaluate, NULL},
};

const TsSweepEngine *ts_sweep_engine_lookup(const char *name, GError **error)
{
    g_return_val_if_fail(name != NULL, NULL);
    const char *names[G_N_ELEMENTS(kEngines) + 1] = {0};
    for (guint i = 0; i < G_N_ELEMENTS(kEngines); i++) {
        names[i] = kEngines[i].name;
        if (strcmp(name, kEngines[i].name) != 0)
            continue;
        if (kEngines[i].unavailable != NULL) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "engine %s is not available yet: %s", name, kEngines[i].unavailable);
            return NULL;
        }
        return &kEngines[i];
    }
    g_autofree char *hint = ts_config_suggest(name, names);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown engine '%s'%s; sweeps run with analytical, both or des", name, hint);
    return NULL;
}
