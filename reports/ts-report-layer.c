/* Text and JSON reports of a mapped workload. The per-op table lists every op of the run in
 * workload order (ops of identical shape show the shared result, marked "= #N"); totals count
 * each op `count` times, ops one after another. The JSON extends the per-op object of
 * docs/cli.md (ts_report_cost_json_members) with "name", "count", "space", "search"
 * and "best". */
#include "ts-report-layer.h"

#include "ts-report-breakdown.h"
#include "ts-report-des.h"
#include "ts-report-fuse.h"
#include "ts-report-csv.h"
#include "ts-report-json.h"

#include <math.h>
#include <string.h>
#include "ts-json-glib.h"

/* ---- Formatting ------------------------------------------------------------------------- */

/* 1234567 -> "1,234,567" (into buf). */
static const char *grouped(double v, char *buf, gsize len)
{
    char raw[64];
    if (!isfinite(v)) {
        g_snprintf(buf, len, "-");
        return buf;
    }
    g_snprintf(raw, sizeof raw, "%.0f", v);
    const char *p = raw;
    gboolean neg = *p == '-';
    if (neg)
        p++;
    gsize n = strlen(p), o = 0;
    if (neg && o + 1 < len)
        buf[o++] = '-';
    for (gsize i = 0; i < n && o + 1 < len; i++) {
        buf[o++] = p[i];
        gsize left = n - 1 - i;
        if (left > 0 && left % 3 == 0 && o + 1 < len)
            buf[o++] = ',';
    }
    buf[o] = '\0';
    return buf;
}

static const char *metric_unit(TsMetric m)
{
    switch (m) {
    case TS_METRIC_EDP:
        return "EDP (J x cycles)";
    case TS_METRIC_ENERGY:
        return "energy (pJ)";
    case TS_METRIC_DELAY:
        return "delay (cycles)";
    case TS_METRIC_COUNT_:
        break;
    }
    return "?";
}

static const TsLayerOp *owner(const TsLayerResult *r, const TsLayerOp *lo)
{
    return &r->ops[lo->same_as];
}

/* Whole-model figures: the layer repeated rep->layers times. */
typedef struct {
    double energy_pj, cycles, latency_s, macs, edp_j_cycles;
    double tokens, tokens_per_s; /* NAN without a transformer config */
    const char *phase;           /* NULL without a transformer config */
} ModelTotals;

static gboolean model_totals(const TsLayerReport *rep, ModelTotals *m)
{
    memset(m, 0, sizeof *m);
    if (rep->layers == 0)
        return FALSE;
    const TsLayerResult *r = rep->result;
    const double n = (double)rep->layers;
    m->energy_pj = r->energy_pj * n;
    m->cycles = r->cycles * n;
    m->latency_s = r->latency_s * n;
    m->macs = r->macs * n;
    m->edp_j_cycles = m->energy_pj * 1e-12 * m->cycles;
    const TsTransformerConfig *cfg =
        rep->workload ? ts_workload_transformer_config(rep->workload) : NULL;
    m->tokens = m->tokens_per_s = NAN;
    const TsModelPhases *ph = rep->phases;
    if (ph != NULL) {
        m->energy_pj = ph->prefill_energy_pj + ph->decode_energy_pj;
        m->cycles = ph->prefill_cycles + ph->decode_cycles;
        m->latency_s = ph->prefill_latency_s + ph->decode_latency_s;
        m->macs = ph->prefill_macs + ph->decode_macs;
        m->edp_j_cycles = m->energy_pj * 1e-12 * m->cycles;
        m->phase = "prefill+decode";
        m->tokens = (double)ph->batch * (double)(ph->prompt + ph->gen);
        m->tokens_per_s = m->latency_s > 0 ? m->tokens / m->latency_s : NAN;
        return TRUE;
    }
    if (cfg != NULL) {
        m->phase = cfg->phase == TS_PHASE_DECODE ? "decode" : "prefill";
        m->tokens = (double)cfg->batch * (cfg->phase == TS_PHASE_DECODE ? 1.0 : (double)cfg->seq);
        m->tokens_per_s = m->latency_s > 0 ? m->tokens / m->latency_s : NAN;
    }
    return TRUE;
}

/* DES cycles of op i against the analytical cycles, as a signed percentage; NAN when the DES
 * did not run it. */
static double des_diff(const TsLayerReport *rep, guint i)
{
    if (rep->des_cycles == NULL || !isfinite(rep->des_cycles[i]))
        return NAN;
    double a = rep->result->ops[i].cycles;
    return a > 0 ? 100.0 * (rep->des_cycles[i] - a) / a : NAN;
}

static void metrics_text(GString *s, const TsSearchOptions *o)
{
    for (guint i = 0; i < o->n_metrics; i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", ts_metric_name(o->metrics[i]));
}

static void search_line(GString *out, const TsLayerOp *lo, gboolean reproducible)
{
    const TsSearchResult *s = &lo->search;
    char a[32], b[32], c[32], d[32];
    g_string_append_printf(out, "  %-10s space %s%s mappings (10^%.2f), evaluated %s, valid %s",
                           lo->op->name ? lo->op->name : "?", lo->size.text,
                           lo->size.exact ? "" : " (lower bound)", lo->size.log10,
                           grouped((double)s->evaluated, a, sizeof a),
                           grouped((double)s->valid, b, sizeof b));
    GString *rej = g_string_new(NULL);
    for (guint k = 1; k < TS_EVAL_COUNT_; k++)
        if (s->rejected[k])
            g_string_append_printf(rej, "%s%s %s", rej->len ? ", " : "",
                                   ts_eval_status_name((TsEvalStatus)k),
                                   grouped((double)s->rejected[k], c, sizeof c));
    g_string_append_printf(out, ", rejected: %s", rej->len ? rej->str : "none");
    g_string_free(rej, TRUE);
    if (!reproducible)
        g_string_append_printf(out, "; %.2f s, %s evaluations/s, %s valid/CPU-s", s->seconds,
                               grouped(s->evaluations_per_s, c, sizeof c),
                               grouped(s->valid_per_cpu_s, d, sizeof d));
    g_string_append_printf(out, "%s%s\n", s->timed_out ? " (time limit reached)" : "",
                           s->algorithm == TS_SEARCH_EXHAUSTIVE && s->complete
                               ? " (exhaustive: optimum of the space)"
                               : "");
    /* The certificate of an exhaustive walk, or what is left of the gap when it stopped. */
    if ((s->algorithm == TS_SEARCH_EXHAUSTIVE || s->algorithm == TS_SEARCH_LINEAR_PRUNED) &&
        s->n_best > 0 && isfinite(s->lower_bound)) {
        const double best = s->best[0].key[0];
        if (s->complete && s->algorithm == TS_SEARCH_EXHAUSTIVE)
            g_string_append_printf(out,
                                   "             optimality certificate: every mapping of the "
                                   "space evaluated or bounded at >= %.6g, the best found\n",
                                   best);
        else
            g_string_append_printf(out,
                                   "             %sno mapping of the space is below %.6g, the "
                                   "best found is %.6g (gap <= %.3g%%)\n",
                                   s->complete ? "" : "stopped early: ", s->lower_bound, best,
                                   s->lower_bound > 0 ? 100.0 * (best / s->lower_bound - 1.0)
                                                      : INFINITY);
    }
}

static void best_table(GString *out, const TsLayerReport *rep, const TsLayerOp *lo)
{
    const TsSearchOptions *o = &rep->options->search;
    const TsSearchResult *s = &lo->search;
    /* Every metric of a lexicographic list, then the id: the full ranking rule. */
    g_string_append_printf(out, "\n  best %u of %s, ranked by ", s->n_best, lo->op->name);
    for (guint i = 0; i < o->n_metrics; i++)
        g_string_append_printf(out, "%s%s", i ? ", then " : "", metric_unit(o->metrics[i]));
    g_string_append(out, ", then mapping id:\n");
    g_string_append_printf(out, "    %-4s %-16s %14s %14s %12s %8s  %s\n", "rank", "EDP (J*cycles)",
                           "energy (uJ)", "cycles", "utilization", "pJ/MAC", "id");
    for (guint i = 0; i < s->n_best; i++) {
        const TsCost *c = &s->best[i].cost;
        char cy[32];
        g_autofree char *id = ts_mapid_to_string(lo->space, &s->best[i].id);
        g_string_append_printf(out, "    %-4u %-16.6g %14.3f %14s %12.3f %8.3f  %s\n", i + 1,
                               c->edp_j_cycles, c->energy_pj * 1e-6,
                               grouped(c->cycles, cy, sizeof cy), c->utilization, c->pj_per_mac,
                               id);
    }
}

/* PIM-DL's breakdown of one LUT kernel: its configuration, then the phases. */
static void lut_pim_text(GString *out, const TsLayerOp *lo)
{
    const TsLutPimCost *c = &lo->lut;
    const TsLutPimParams *p = &c->p;
    g_string_append_printf(
        out,
        "  %s (LUT kernel, PIM-DL): %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
        " evaluated configurations valid; centroid search on the %s; input x LUT parallelism "
        "%" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " (sub tiles n %" G_GUINT64_FORMAT
        ", f %" G_GUINT64_FORMAT "); loop %s; table %s",
        lo->op->name, lo->lut_valid, lo->lut_evaluated, p->search_on_dpus ? "DPUs" : "host",
        p->input_par, p->lut_par, p->n_stile, p->f_stile, ts_lut_order_name(p->order),
        ts_lut_load_name(p->load));
    if (p->load == TS_LUT_LOAD_FINE)
        g_string_append_printf(out, " (f_load %" G_GUINT64_FORMAT ")", p->f_load);
    else if (p->load == TS_LUT_LOAD_COARSE)
        g_string_append_printf(out,
                               " (f_load %" G_GUINT64_FORMAT ", cb_load %" G_GUINT64_FORMAT ")",
                               p->f_load, p->cb_load);
    g_string_append_printf(out,
                           "; micro tiles n %" G_GUINT64_FORMAT ", f %" G_GUINT64_FORMAT
                           ", cb %" G_GUINT64_FORMAT "; WRAM %" G_GUINT64_FORMAT
                           " B, MRAM %.4g MB per DPU\n",
                           p->n_mtile, p->f_mtile, p->cb_mtile, c->wram_bytes, c->mram_bytes / 1e6);
    const double tot = c->total_s > 0.0 ? c->total_s : 1.0;
    g_string_append_printf(
        out,
        "    %s search %.4g ms (%.0f%%) | index scatter %.4g ms, %.4g MB (%.0f%%) | table "
        "scatter %.4g ms, %.4g MB (%.0f%%) | DPU kernel %.4g ms (%.0f%%) | gather %.4g ms, "
        "%.4g MB (%.0f%%) | total %.4g ms, %.4g uJ\n",
        p->search_on_dpus ? "DPU" : "host", c->search_s * 1e3, 100.0 * c->search_s / tot,
        c->input_s * 1e3, c->input_bytes / 1e6, 100.0 * c->input_s / tot, c->lut_s * 1e3,
        c->lut_bytes / 1e6, 100.0 * c->lut_s / tot, c->dpu_s * 1e3, 100.0 * c->dpu_s / tot,
        c->gather_s * 1e3, c->output_bytes / 1e6, 100.0 * c->gather_s / tot, c->total_s * 1e3,
        c->energy_pj * 1e-6);
    if (c->load_bytes > 0.0)
        g_string_append_printf(out,
                               "    tables resident in MRAM: scattered once before any "
                               "inference, %.4g MB in %.4g ms (in the one-time load)\n",
                               c->load_bytes / 1e6, c->load_s * 1e3);
    g_string_append_printf(
        out,
        "    DPU kernel, cycles per DPU: %.4g = static table %.4g + max(DMA %.4g: indices %.4g, "
        "outputs %.4g, table %.4g; pipeline %.4g: lookups %.4g, index steps %.4g, "
        "accumulators %.4g, DMA calls %.4g)\n",
        c->dpu_cycles, c->dma_static_cycles, c->dma_cycles, c->dma_input_cycles,
        c->dma_output_cycles, c->dma_lut_cycles, c->issue_cycles, c->issue_lookup_cycles,
        c->issue_index_cycles, c->issue_acc_cycles, c->issue_dma_cycles);
}

/* The same LUT kernel's phases as the DES ran them (ts-exec-lut.c), next to the model's. */
static void lut_des_text(GString *out, const TsLayerOp *lo, const TsExecOpResult *o)
{
    const TsExecLut *d = &o->lut;
    const TsLutPimCost *c = &lo->lut;
    const double n = (double)MAX(o->count, 1);
    const double tot = (d->search_s + d->input_s + d->table_s + d->dpu_s + d->gather_s) / n;
    const double model = c->total_s;
    g_string_append_printf(out, "    DES: %s search %.4g ms | index scatter %.4g ms, %.4g MB | ",
                           d->search_on_dpus ? "DPU" : "host", d->search_s / n * 1e3,
                           d->input_s / n * 1e3, d->input_bytes / 1e6);
    if (c->load_bytes > 0.0)
        g_string_append(out, "table scatter none (resident) | ");
    else
        g_string_append_printf(out, "table scatter %.4g ms, %.4g MB | ", d->table_s / n * 1e3,
                               d->table_bytes / 1e6);
    g_string_append_printf(
        out,
        "DPU kernel %.4g ms | gather %.4g ms, %.4g MB | total %.4g ms (%+.2f%% of the model's)\n",
        d->dpu_s / n * 1e3, d->gather_s / n * 1e3, d->output_bytes / 1e6, tot * 1e3,
        model > 0 ? 100.0 * (tot / model - 1.0) : 0.0);
    g_string_append_printf(out,
                           "    DES DPU kernel, per DPU: %.4g cycles (model %.4g, %+.2f%%), DMA "
                           "busy %.4g, %.4g instructions, %.4g lookups over the DPUs\n",
                           d->dpu_cycles, c->dpu_cycles,
                           c->dpu_cycles > 0 ? 100.0 * (d->dpu_cycles / c->dpu_cycles - 1.0) : 0.0,
                           d->dma_busy_cycles, d->issued, d->lookups);
}

/* The two phases of an autoregressive run: time to first token, per-token decode latency,
 * energies, and which decode steps were mapped. */
static void phases_text(GString *out, const TsModelPhases *ph)
{
    char cyc[32];
    g_string_append_printf(out,
                           "    prefill: %" G_GUINT64_FORMAT " tokens x %" G_GUINT64_FORMAT
                           " sequence%s: %.6g s (time to first token), %.6g mJ, %s cycles\n",
                           ph->prompt, ph->batch, ph->batch == 1 ? "" : "s", ph->prefill_latency_s,
                           ph->prefill_energy_pj * 1e-9, grouped(ph->prefill_cycles, cyc, sizeof cyc));
    if (ph->gen == 0) {
        g_string_append(out, "    decode: no steps (--gen 0)\n");
        return;
    }
    const double g = (double)ph->gen;
    g_string_append_printf(
        out,
        "    decode: %" G_GUINT64_FORMAT " steps (KV cache %" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
        " keys): %.6g s, %.6g s per token (first step %.6g s, last %.6g s), %.6g mJ (%.6g uJ "
        "per token), %s cycles, %.6g tokens/s\n",
        ph->gen, ph->prompt + 1, ph->prompt + ph->gen, ph->decode_latency_s,
        ph->decode_latency_s / g, ph->first_step_latency_s, ph->last_step_latency_s,
        ph->decode_energy_pj * 1e-9, ph->decode_energy_pj * 1e-6 / (g * (double)ph->batch),
        grouped(ph->decode_cycles, cyc, sizeof cyc),
        ph->decode_latency_s > 0 ? g * (double)ph->batch / ph->decode_latency_s : NAN);
    g_string_append_printf(out, "    decode layers mapped at %u KV length%s:", ph->n_mapped,
                           ph->n_mapped == 1 ? "" : "s");
    for (guint k = 0; k < ph->n_mapped; k++)
        g_string_append_printf(out, "%s %" G_GUINT64_FORMAT, k ? "," : "", ph->mapped_kv[k]);
    if (ph->n_mapped < ph->gen)
        g_string_append_printf(out, "; the other %" G_GUINT64_FORMAT " steps interpolated "
                                    "linearly in the KV length (--decode-points)",
                               ph->gen - ph->n_mapped);
    g_string_append_c(out, '\n');
    g_string_append_printf(out,
                           "    total: %.6g s (prefill %.1f%%, decode %.1f%%), %.6g mJ\n",
                           ph->prefill_latency_s + ph->decode_latency_s,
                           100.0 * ph->prefill_latency_s /
                               MAX(ph->prefill_latency_s + ph->decode_latency_s, 1e-300),
                           100.0 * ph->decode_latency_s /
                               MAX(ph->prefill_latency_s + ph->decode_latency_s, 1e-300),
                           (ph->prefill_energy_pj + ph->decode_energy_pj) * 1e-9);
}

static void phases_json(JsonBuilder *b, const TsModelPhases *ph)
{
    const double g = (double)ph->gen, bt = (double)ph->batch;
    ts_json_member_count(b, "gen", ph->gen);
    ts_json_member_double(b, "ttft_s", ph->prefill_latency_s);
    ts_json_member_double(b, "decode_latency_per_token_s",
                          ph->gen ? ph->decode_latency_s / g : NAN);
    json_builder_set_member_name(b, "prefill");
    json_builder_begin_object(b);
    ts_json_member_count(b, "tokens", ph->prompt * ph->batch);
    ts_json_member_double(b, "energy_pj", ph->prefill_energy_pj);
    ts_json_member_double(b, "cycles", ph->prefill_cycles);
    ts_json_member_double(b, "latency_s", ph->prefill_latency_s);
    ts_json_member_double(b, "macs", ph->prefill_macs);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "decode");
    json_builder_begin_object(b);
    ts_json_member_count(b, "steps", ph->gen);
    ts_json_member_count(b, "tokens", ph->gen * ph->batch);
    ts_json_member_double(b, "energy_pj", ph->decode_energy_pj);
    ts_json_member_double(b, "cycles", ph->decode_cycles);
    ts_json_member_double(b, "latency_s", ph->decode_latency_s);
    ts_json_member_double(b, "macs", ph->decode_macs);
    ts_json_member_double(b, "latency_per_token_s", ph->gen ? ph->decode_latency_s / g : NAN);
    ts_json_member_double(b, "energy_per_token_pj",
                          ph->gen ? ph->decode_energy_pj / (g * bt) : NAN);
    ts_json_member_double(b, "tokens_per_s",
                          ph->decode_latency_s > 0 ? g * bt / ph->decode_latency_s : NAN);
    ts_json_member_double(b, "first_step_latency_s", ph->gen ? ph->first_step_latency_s : NAN);
    ts_json_member_double(b, "last_step_latency_s", ph->gen ? ph->last_step_latency_s : NAN);
    json_builder_set_member_name(b, "kv_lengths_mapped");
    json_builder_begin_array(b);
    for (guint k = 0; k < ph->n_mapped; k++)
        json_builder_add_int_value(b, (gint64)ph->mapped_kv[k]);
    json_builder_end_array(b);
    ts_json_member_count(b, "interpolated_steps", ph->gen - MIN(ph->gen, ph->n_mapped));
    json_builder_end_object(b);
}

void ts_report_layer_text(GString *out, const TsLayerReport *rep)
{
    g_return_if_fail(out != NULL && rep != NULL && rep->result != NULL);
    const TsLayerResult *r = rep->result;
    const TsSearchOptions *o = rep->options ? &rep->options->search : NULL;
    const char *engine = rep->info.engine ? rep->info.engine : "analytical";
    g_string_append_printf(
        out, "tilesim %s: %s on %s (%s%s), %u op%s\n", rep->with_search ? "map" : "simulate",
        rep->info.workload ? rep->info.workload : "-", rep->info.arch ? rep->info.arch : "-",
        strcmp(engine, "both") == 0 ? "analytical engine and discrete-event simulation" : engine,
        strcmp(engine, "both") == 0 ? "" : " engine", r->n_ops, r->n_ops == 1 ? "" : "s");
    if (o) {
        GString *m = g_string_new(NULL);
        metrics_text(m, o);
        char bud[32], thr[32] = "", vic[64] = "no victory condition";
        if (o->victory > 0)
            g_snprintf(vic, sizeof vic, "victory after %" G_GUINT64_FORMAT " non-improving",
                       o->victory);
        if (!rep->reproducible)
            g_snprintf(thr, sizeof thr, ", %u thread%s", o->threads, o->threads == 1 ? "" : "s");
        g_string_append_printf(
            out,
            "search: %s%s, metric %s, budget %s valid per op, %s, seed %" G_GUINT64_FORMAT "%s%s\n",
            ts_search_algorithm_name(o->algorithm),
            o->polish ? " then polish (bounded walks of dimension pairs)" : "", m->str,
            o->budget ? grouped((double)o->budget, bud, sizeof bud) : "unlimited", vic, o->seed,
            thr, o->time_limit_s > 0 ? ", time limit per op" : "");
        if (rep->options->model_options.imperfect_factors) {
            if (o->algorithm == TS_SEARCH_EXHAUSTIVE || o->algorithm == TS_SEARCH_LINEAR_PRUNED)
                g_string_append(out,
                                "factorization: imperfect (ceil factors; the lower bounds assume "
                                "full tiles, so the walk runs without them: no gap bound, and "
                                "the optimum is proved only when every mapping is evaluated)\n");
            else
                g_string_append(out, "factorization: imperfect (ceil factors; the perfect search "
                                     "runs first, its best starts the first anneal stream over the "
                                     "ceil factorizations, where no bounds or polish apply: no "
                                     "optimality certificate or gap bound)\n");
        }
        g_string_free(m, TRUE);
    }
    if (rep->with_search) {
        g_string_append(out, "\nsearch per op shape (identical shapes are searched once):\n");
        for (guint i = 0; i < r->n_ops; i++) {
            const TsLayerOp *lo = &r->ops[i];
            if (lo->same_as == i && lo->einsum)
                search_line(out, lo, rep->reproducible);
        }
        for (guint i = 0; i < r->n_ops; i++) {
            const TsLayerOp *lo = &r->ops[i];
            if (lo->same_as == i && lo->einsum && (lo->search.n_best > 1 || r->n_ops == 1))
                best_table(out, rep, lo);
        }
    }
    if (rep->show_nest) {
        for (guint i = 0; i < r->n_ops; i++) {
            const TsLayerOp *lo = &r->ops[i];
            if (lo->same_as != i || !lo->einsum)
                continue;
            g_autofree char *nest = ts_model_format_nest(lo->model, &lo->search.best[0].mapping);
            g_string_append_printf(out,
                                   "\n  best mapping of %s (loop nest, as Timeloop's "
                                   "map.txt):%s\n",
                                   lo->op->name, nest);
        }
    }

    const gboolean des = rep->des_cycles != NULL;
    g_string_append_printf(out, "\n  %-3s %-10s %6s %15s %14s %12s %14s %9s %11s%s  %s\n", "#",
                           "op", "count", "MACs", "cycles", "latency (s)", "energy (uJ)",
                           "pJ/MAC", "utilization", des ? "     DES cycles  DES diff" : "",
                           "bound");
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        char macs[32], cyc[32], same[16] = "";
        if (lo->same_as != i)
            g_snprintf(same, sizeof same, " (= #%u)", lo->same_as + 1);
        double pj_mac = lo->macs ? lo->energy_pj / (double)lo->macs : NAN;
        char pjm[32];
        if (isnan(pj_mac))
            g_snprintf(pjm, sizeof pjm, "-");
        else
            g_snprintf(pjm, sizeof pjm, "%.3f", pj_mac);
        /* Vector ops are bound by the vector unit or by the backing store's bandwidth. */
        const char *bound = lo->bound ? lo->bound : "-";
        const char *suffix = "";
        if (lo->lut_pim) {
            suffix = " (LUT-NN op)";
        } else if (owner(r, lo)->placed_on != NULL) {
            suffix = " (einsum placed on the host)";
            if (strcmp(bound, "vector") == 0)
                bound = owner(r, lo)->placed_on->name;
        } else if (!lo->einsum) {
            if (strcmp(bound, "vector") == 0)
                bound = "vector unit";
            else
                suffix = " (vector op)";
        }
        char dd[64] = "";
        if (des) {
            double d = des_diff(rep, i);
            char dc[32];
            if (isfinite(rep->des_cycles[i]))
                grouped(rep->des_cycles[i], dc, sizeof dc);
            else
                g_snprintf(dc, sizeof dc, "not run");
            if (isfinite(d))
                g_snprintf(dd, sizeof dd, "  %13s  %+7.2f%%", dc, d);
            else
                g_snprintf(dd, sizeof dd, "  %13s  %8s", dc, "-");
        }
        g_string_append_printf(
            out,
            "  %-3u %-10s %6" G_GUINT64_FORMAT " %15s %14s %12.6g %14.3f %9s %11.3f%s  %s%s%s\n",
            i + 1, lo->op->name ? lo->op->name : "?", lo->op->count,
            grouped((double)lo->macs, macs, sizeof macs), grouped(lo->cycles, cyc, sizeof cyc),
            lo->latency_s, lo->energy_pj * 1e-6, pjm, lo->utilization, dd, bound, suffix, same);
    }
    char macs[32], cyc[32], dtot[64] = "";
    if (des && rep->des != NULL && rep->des->events > 0) {
        /* the simulated layer (ops run) against the model's cycles of the same ops */
        double an = 0.0;
        gboolean all = TRUE;
        for (guint i = 0; i < r->n_ops; i++) {
            if (isfinite(rep->des_cycles[i]))
                an += r->ops[i].cycles * (double)r->ops[i].op->count;
            else
                all = FALSE;
        }
        char dc[32];
        grouped(rep->des->cycles, dc, sizeof dc);
        g_snprintf(dtot, sizeof dtot, "  %13s  %+7.2f%%%s", dc,
                   an > 0 ? 100.0 * (rep->des->cycles - an) / an : NAN,
                   all ? "" : "  (DES: the ops run)");
    }
    g_string_append_printf(out, "  %-3s %-10s %6s %15s %14s %12.6g %14.3f %9.3f %11.3f%s\n", "",
                           "total", "", grouped(r->macs, macs, sizeof macs),
                           grouped(r->cycles, cyc, sizeof cyc), r->latency_s, r->energy_pj * 1e-6,
                           r->pj_per_mac, r->utilization, dtot);
    g_string_append_printf(out,
                           "\n  totals (each op x count, one after another): energy %.3f uJ, "
                           "%s cycles, latency %.6g s, EDP %.6g J x cycles; over the ops with "
                           "MACs %.3f pJ/MAC, utilization %.3f; leakage %.6g uJ (all levels for "
                           "the whole layer, not in energy), area %.6g mm^2",
                           r->energy_pj * 1e-6, grouped(r->cycles, cyc, sizeof cyc), r->latency_s,
                           r->edp_j_cycles, r->pj_per_mac, r->utilization, r->leakage_pj * 1e-6,
                           r->area_um2 * 1e-6);
    if (!rep->reproducible)
        g_string_append_printf(out, "; mapped in %.2f s", r->seconds);
    g_string_append_c(out, '\n');
    if (r->load_bytes > 0) {
        const TsTransformerConfig *cfg = ts_workload_transformer_config(rep->workload);
        g_string_append_printf(out,
                               "  one-time load of resident data (once before any inference, not "
                               "in the totals above): %.6g MB, %.6g s, %.3f uJ per layer",
                               r->load_bytes / 1e6, r->load_s, r->load_energy_pj * 1e-6);
        if (cfg != NULL && cfg->layers > 1)
            g_string_append_printf(out, " (x %" G_GUINT64_FORMAT " layers: %.6g MB, %.6g s)",
                                   cfg->layers, r->load_bytes * (double)cfg->layers / 1e6,
                                   r->load_s * (double)cfg->layers);
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        if (lo->same_as == i && !lo->einsum)
            g_string_append_printf(out, "  %s: %s\n", lo->op->name, lo->vector.source);
        else if (lo->same_as == i && lo->placed_on != NULL)
            g_string_append_printf(out,
                                   "  %s: placed on the host (%s); its best mapping on %s: %.0f "
                                   "cycles, %.3f uJ\n",
                                   lo->op->name, lo->vector.source,
                                   ts_model_compute(lo->model)->name, lo->mapped_cycles,
                                   lo->mapped_energy_pj * 1e-6);
    }
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        if (lo->same_as != i || !lo->einsum || lo->placed_on != NULL || lo->lut_pim ||
            ts_model_link_name(lo->model) == NULL)
            continue;
        g_string_append_printf(out, "  %s (per instance): ", lo->op->name);
        ts_report_link_calls_text(out, lo->model, &lo->search.best[0].cost);
        g_string_append_c(out, '\n');
    }
    for (guint i = 0; i < r->n_ops; i++)
        if (r->ops[i].same_as == i && r->ops[i].lut_pim) {
            lut_pim_text(out, &r->ops[i]);
            if (rep->des != NULL && i < rep->des->n_ops && rep->des->ops[i].lut.ran)
                lut_des_text(out, &r->ops[i], &rep->des->ops[i]);
        }
    if (rep->with_breakdown) {
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, rep->arch, r);
        ts_layer_breakdown_text(out, &bd, r);
        ts_layer_breakdown_clear(&bd);
    }
    if (rep->des != NULL)
        ts_report_layer_des_text(out, rep);
    ModelTotals m;
    if (model_totals(rep, &m)) {
        /* with the DES beside it: the model's layer repeated, not the simulated one */
        g_string_append_printf(out,
                               "\n  whole model%s: %" G_GUINT64_FORMAT " layers%s%s (embedding and "
                               "LM head not included): energy %.6g mJ, %s cycles, latency %.6g "
                               "s, EDP %.6g J x cycles",
                               rep->des != NULL ? " (the analytical model's layer)" : "",
                               rep->layers, m.phase ? ", " : "", m.phase ? m.phase : "",
                               m.energy_pj * 1e-9, grouped(m.cycles, cyc, sizeof cyc), m.latency_s,
                               m.edp_j_cycles);
        if (isfinite(m.tokens_per_s))
            g_string_append_printf(out, "; %.0f token%s in %.6g s: %.6g tokens/s", m.tokens,
                                   m.tokens == 1 ? "" : "s", m.latency_s, m.tokens_per_s);
        g_string_append_c(out, '\n');
        if (rep->phases != NULL)
            phases_text(out, rep->phases);
    }
    if (rep->fuse != NULL && rep->fuse_summary != NULL)
        ts_report_fuse_text(out, rep->fuse, rep->fuse_summary);
    ts_report_notes_text(out, rep->info.notes);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void lut_pim_json(JsonBuilder *b, const TsLayerOp *lo)
{
    const TsLutPimCost *c = &lo->lut;
    json_builder_set_member_name(b, "lut_pim");
    json_builder_begin_object(b);
    ts_json_member_int(b, "configurations", (gint64)lo->lut_evaluated);
    ts_json_member_int(b, "valid", (gint64)lo->lut_valid);
    ts_json_member_string(b, "search_on", c->p.search_on_dpus ? "dpus" : "host");
    ts_json_member_int(b, "input_parallelism", (gint64)c->p.input_par);
    ts_json_member_int(b, "lut_parallelism", (gint64)c->p.lut_par);
    ts_json_member_int(b, "n_stile", (gint64)c->p.n_stile);
    ts_json_member_int(b, "feature_stile", (gint64)c->p.f_stile);
    ts_json_member_int(b, "n_mtile", (gint64)c->p.n_mtile);
    ts_json_member_int(b, "feature_mtile", (gint64)c->p.f_mtile);
    ts_json_member_int(b, "cb_mtile", (gint64)c->p.cb_mtile);
    ts_json_member_string(b, "loop_order", ts_lut_order_name(c->p.order));
    ts_json_member_string(b, "lut_load", ts_lut_load_name(c->p.load));
    ts_json_member_int(b, "feature_load_tile", (gint64)c->p.f_load);
    ts_json_member_int(b, "cb_load_tile", (gint64)c->p.cb_load);
    ts_json_member_int(b, "wram_bytes", (gint64)c->wram_bytes);
    ts_json_member_int(b, "mram_bytes", (gint64)c->mram_bytes);
    ts_json_member_double(b, "search_s", c->search_s);
    ts_json_member_double(b, "index_scatter_s", c->input_s);
    ts_json_member_double(b, "table_scatter_s", c->lut_s);
    ts_json_member_double(b, "table_load_s", c->load_s);
    ts_json_member_double(b, "table_load_bytes", c->load_bytes);
    ts_json_member_double(b, "dpu_s", c->dpu_s);
    ts_json_member_double(b, "gather_s", c->gather_s);
    ts_json_member_double(b, "total_s", c->total_s);
    ts_json_member_double(b, "index_bytes", c->input_bytes);
    ts_json_member_double(b, "table_bytes", c->lut_bytes);
    ts_json_member_double(b, "output_bytes", c->output_bytes);
    ts_json_member_double(b, "dpu_cycles", c->dpu_cycles);
    ts_json_member_double(b, "dma_cycles", c->dma_cycles);
    ts_json_member_double(b, "issue_cycles", c->issue_cycles);
    ts_json_member_double(b, "dma_static_table_cycles", c->dma_static_cycles);
    ts_json_member_double(b, "dma_index_cycles", c->dma_input_cycles);
    ts_json_member_double(b, "dma_output_cycles", c->dma_output_cycles);
    ts_json_member_double(b, "dma_table_cycles", c->dma_lut_cycles);
    ts_json_member_double(b, "issue_lookup_cycles", c->issue_lookup_cycles);
    ts_json_member_double(b, "issue_index_cycles", c->issue_index_cycles);
    ts_json_member_double(b, "issue_accumulator_cycles", c->issue_acc_cycles);
    ts_json_member_double(b, "issue_dma_cycles", c->issue_dma_cycles);
    ts_json_member_double(b, "search_pj", c->search_pj);
    ts_json_member_double(b, "link_pj", c->link_pj);
    ts_json_member_double(b, "dpu_pj", c->dpu_pj);
    json_builder_end_object(b);
}

void ts_report_search_json(JsonBuilder *b, const TsSearchResult *s, const TsSearchOptions *o,
                           gboolean reproducible)
{
    /* Measured times are not results: null in reproducible reports. */
    const double no = NAN;
    json_builder_set_member_name(b, "search");
    json_builder_begin_object(b);
    ts_json_member_string(b, "algorithm", ts_search_algorithm_name(s->algorithm));
    ts_json_member_int(b, "evaluated", (gint64)s->evaluated);
    ts_json_member_int(b, "valid", (gint64)s->valid);
    json_builder_set_member_name(b, "rejected");
    json_builder_begin_object(b);
    for (guint k = 1; k < TS_EVAL_COUNT_; k++)
        ts_json_member_int(b, ts_eval_status_name((TsEvalStatus)k), (gint64)s->rejected[k]);
    json_builder_end_object(b);
    ts_json_member_double(b, "seconds", reproducible ? no : s->seconds);
    ts_json_member_double(b, "evaluations_per_s", reproducible ? no : s->evaluations_per_s);
    /* extras (docs/mapper.md) */
    ts_json_member_double(b, "cpu_seconds", reproducible ? no : s->cpu_seconds);
    ts_json_member_double(b, "valid_per_cpu_s", reproducible ? no : s->valid_per_cpu_s);
    ts_json_member_int(b, "model_calls", (gint64)s->model_calls);
    ts_json_member_int(b, "skipped_candidates", (gint64)s->skipped_candidates);
    ts_json_member_double(b, "skipped_factorizations", s->skipped_factorizations);
    ts_json_member_double(b, "bounded_factorizations", s->bounded_factorizations);
    if (o) {
        json_builder_set_member_name(b, "metrics");
        json_builder_begin_array(b);
        for (guint i = 0; i < o->n_metrics; i++)
            json_builder_add_string_value(b, ts_metric_name(o->metrics[i]));
        json_builder_end_array(b);
        ts_json_member_int(b, "budget", (gint64)o->budget);
        ts_json_member_int(b, "victory", (gint64)o->victory);
        ts_json_member_double(b, "time_limit_s", o->time_limit_s);
        ts_json_member_int(b, "seed", (gint64)o->seed);
        if (reproducible) {
            json_builder_set_member_name(b, "threads");
            json_builder_add_null_value(b);
        } else {
            ts_json_member_int(b, "threads", (gint64)o->threads);
        }
    }
    ts_json_member_int(b, "chunks", (gint64)s->chunks);
    ts_json_member_int(b, "chunks_done", (gint64)s->chunks_done);
    json_builder_set_member_name(b, "timed_out");
    json_builder_add_boolean_value(b, s->timed_out);
    json_builder_set_member_name(b, "complete");
    json_builder_add_boolean_value(b, s->complete);
    if (o) {
        json_builder_set_member_name(b, "polish");
        json_builder_add_boolean_value(b, o->polish);
    }
    /* Ordered walks with a bound: a lower bound of the first metric over the whole space
     * (= the best when complete: the optimality certificate) and the largest remaining gap. */
    if (isfinite(s->lower_bound) && s->n_best > 0) {
        ts_json_member_double(b, "lower_bound", s->lower_bound);
        ts_json_member_double(b, "gap",
                              s->lower_bound > 0 ? s->best[0].key[0] / s->lower_bound - 1.0 : no);
        json_builder_set_member_name(b, "proved_optimal");
        json_builder_add_boolean_value(b, s->complete && s->algorithm == TS_SEARCH_EXHAUSTIVE);
    }
    json_builder_end_object(b);
}

static void best_json(JsonBuilder *b, const TsLayerOp *lo)
{
    json_builder_set_member_name(b, "best");
    json_builder_begin_array(b);
    for (guint i = 0; i < lo->search.n_best; i++) {
        const TsSearchEntry *e = &lo->search.best[i];
        json_builder_begin_object(b);
        ts_json_member_int(b, "rank", (gint64)i + 1);
        g_autofree char *id = ts_mapid_to_string(lo->space, &e->id);
        ts_json_member_string(b, "id", id);
        ts_report_cost_json_totals(b, &e->cost);
        g_autofree char *yaml = ts_model_mapping_yaml(lo->model, &e->mapping, NULL);
        ts_json_member_string(b, "mapping", yaml);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void space_json(JsonBuilder *b, const TsLayerOp *lo)
{
    json_builder_set_member_name(b, "space");
    json_builder_begin_object(b);
    ts_json_member_string(b, "size", lo->size.text);
    ts_json_member_double(b, "log10", lo->size.log10);
    json_builder_set_member_name(b, "exact");
    json_builder_add_boolean_value(b, lo->size.exact);
    ts_json_member_double(b, "factorizations", lo->size.factorizations);
    ts_json_member_int(b, "keep_choices", lo->size.keep_choices);
    json_builder_end_object(b);
}

static void vector_op_json(JsonBuilder *b, const TsLayerReport *rep, const TsLayerOp *lo)
{
    const TsVectorCost *v = &lo->vector;
    ts_report_run_json(b, rep->info.engine ? rep->info.engine : "analytical", rep->info.arch,
                       rep->info.workload);
    ts_json_member_string(b, "op", lo->op->name);
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    ts_json_member_double(b, "energy_pj", v->energy_pj);
    ts_json_member_int(b, "cycles", (gint64)llround(v->cycles));
    ts_json_member_double(b, "latency_s", v->latency_s);
    /* an einsum placed on the host keeps its MACs */
    ts_json_member_int(b, "macs", (gint64)lo->macs);
    ts_json_member_double(b, "utilization", v->utilization);
    ts_json_member_double(b, "edp_j_cycles", v->energy_pj * 1e-12 * v->cycles);
    ts_json_member_double(b, "pj_per_mac", lo->macs > 0 ? v->energy_pj / (double)lo->macs : NAN);
    json_builder_end_object(b);
    const TsLevel *outer = ts_arch_storage(rep->arch, 0);
    json_builder_set_member_name(b, "levels");
    json_builder_begin_array(b);
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", outer->name);
    ts_json_member_double(b, "energy_pj", v->memory_energy_pj - v->fused_energy_pj);
    ts_json_member_int(b, "instances_used", 1);
    ts_json_member_double(b, "read_words", v->read_words);
    ts_json_member_double(b, "write_words", v->write_words);
    json_builder_end_object(b);
    if (v->fused_level > 0 && v->fused_level < ts_arch_n_storage(rep->arch)) {
        /* a fused group's intermediates at its level */
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", ts_arch_storage(rep->arch, v->fused_level)->name);
        ts_json_member_double(b, "energy_pj", v->fused_energy_pj);
        ts_json_member_int(b, "instances_used", 1);
        ts_json_member_double(b, "read_words", v->fused_read_words);
        ts_json_member_double(b, "write_words", v->fused_write_words);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "compute");
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", "vector");
    ts_json_member_int(b, "instances_used", (gint64)v->lanes);
    ts_json_member_double(b, "energy_pj", v->compute_energy_pj);
    json_builder_end_object(b);
    ts_json_member_string(b, "mapping", NULL);
    json_builder_set_member_name(b, "vector");
    json_builder_begin_object(b);
    ts_json_member_string(
        b, "kind", lo->op->kind == TS_OP_LUT ? "lut" : ts_elementwise_kind_name(lo->op->ew_kind));
    ts_json_member_double(b, "element_passes", v->element_passes);
    ts_json_member_double(b, "lanes", v->lanes);
    ts_json_member_double(b, "cycles_per_element", v->cycles_per_element);
    ts_json_member_double(b, "pj_per_element", v->pj_per_element);
    ts_json_member_double(b, "compute_cycles", v->compute_cycles);
    ts_json_member_double(b, "memory_cycles", v->memory_cycles);
    ts_json_member_string(b, "bound", v->bound);
    ts_json_member_string(b, "source", v->source);
    json_builder_end_object(b);
}

static void op_members(JsonBuilder *b, const TsLayerReport *rep, guint i)
{
    const TsLayerResult *r = rep->result;
    const TsLayerOp *lo = &r->ops[i];
    const TsLayerOp *src = owner(r, lo);
    if (src->einsum && src->placed_on == NULL) {
        const TsSearchEntry *best = &src->search.best[0];
        TsReportInfo info = rep->info;
        if (r->n_ops > 1)
            info.notes = NULL; /* once, at the top level */
        ts_report_cost_json_members(b, src->model, &best->mapping, &best->cost, &info);
        /* the op's own name, not the shape owner's */
        ts_json_member_string(b, "name", lo->op->name);
    } else {
        vector_op_json(b, rep, src);
        ts_json_member_string(b, "name", lo->op->name);
        if (src->lut_pim)
            lut_pim_json(b, src);
        if (src->placed_on != NULL) {
            ts_json_member_string(b, "placed_on", src->placed_on->name);
            json_builder_set_member_name(b, "mapped");
            json_builder_begin_object(b);
            ts_json_member_string(b, "compute", ts_model_compute(src->model)->name);
            ts_json_member_double(b, "cycles", src->mapped_cycles);
            ts_json_member_double(b, "energy_pj", src->mapped_energy_pj);
            json_builder_end_object(b);
        }
    }
    ts_json_member_int(b, "count", (gint64)lo->op->count);
    ts_json_member_string(b, "bound", lo->bound);
    if (rep->with_breakdown) {
        ts_json_member_string(b, "class", ts_op_class_key(ts_op_class_of(lo->op)));
        ts_json_member_double(b, "des_cycles", rep->des_cycles ? rep->des_cycles[i] : NAN);
        double d = des_diff(rep, i);
        ts_json_member_double(b, "des_vs_analytical", isfinite(d) ? d / 100.0 : NAN);
        if (rep->des != NULL)
            ts_report_layer_des_op_json(b, rep, i);
    }
    if (lo->same_as != i)
        ts_json_member_int(b, "same_shape_as", (gint64)lo->same_as);
    if (rep->with_search && src->einsum) {
        space_json(b, src);
        if (rep->options && rep->options->model_options.imperfect_factors)
            ts_json_member_string(b, "factorization", "imperfect");
        ts_report_search_json(b, &src->search, rep->options ? &rep->options->search : NULL,
                              rep->reproducible);
        best_json(b, src);
    }
}

/* The run's "breakdown" (with_breakdown) and the DES's members (with a DES run). */
static void breakdown_json(JsonBuilder *b, const TsLayerReport *rep)
{
    if (rep->with_breakdown) {
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, rep->arch, rep->result);
        ts_layer_breakdown_json(b, &bd, rep->result);
        ts_layer_breakdown_clear(&bd);
    }
    if (rep->des != NULL)
        ts_report_layer_des_run_json(b, rep);
}

char *ts_report_layer_json_string(const TsLayerReport *rep)
{
    g_return_val_if_fail(rep != NULL && rep->result != NULL, NULL);
    const TsLayerResult *r = rep->result;
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    if (r->n_ops == 1) {
        op_members(b, rep, 0);
        breakdown_json(b, rep);
    } else {
        ts_report_run_json(b, rep->info.engine ? rep->info.engine : "analytical", rep->info.arch,
                           rep->info.workload);
        json_builder_set_member_name(b, "ops");
        json_builder_begin_array(b);
        for (guint i = 0; i < r->n_ops; i++) {
            json_builder_begin_object(b);
            op_members(b, rep, i);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "totals");
        json_builder_begin_object(b);
        ts_json_member_double(b, "energy_pj", r->energy_pj);
        ts_json_member_int(b, "cycles", (gint64)llround(r->cycles));
        ts_json_member_double(b, "latency_s", r->latency_s);
        ts_json_member_int(b, "macs", (gint64)r->macs);
        ts_json_member_double(b, "utilization", r->utilization);
        ts_json_member_double(b, "edp_j_cycles", r->edp_j_cycles);
        ts_json_member_double(b, "pj_per_mac", r->macs > 0 ? r->pj_per_mac : NAN);
        ts_json_member_double(b, "leakage_pj", r->leakage_pj);
        ts_json_member_double(b, "energy_with_leakage_pj", r->energy_pj + r->leakage_pj);
        ts_json_member_double(b, "area_um2", r->area_um2);
        json_builder_set_member_name(b, "load");
        json_builder_begin_object(b);
        ts_json_member_double(b, "bytes", r->load_bytes);
        ts_json_member_double(b, "energy_pj", r->load_energy_pj);
        ts_json_member_double(b, "seconds", r->load_s);
        json_builder_end_object(b);
        json_builder_end_object(b);
        breakdown_json(b, rep);
        ModelTotals m;
        if (model_totals(rep, &m)) {
            json_builder_set_member_name(b, "model");
            json_builder_begin_object(b);
            ts_json_member_count(b, "layers", rep->layers);
            ts_json_member_string(b, "phase", m.phase);
            if (isfinite(m.tokens))
                ts_json_member_count(b, "tokens", (uint64_t)m.tokens);
            else
                ts_json_member_double(b, "tokens", NAN);
            ts_json_member_double(b, "energy_pj", m.energy_pj);
            ts_json_member_double(b, "cycles", m.cycles);
            ts_json_member_double(b, "latency_s", m.latency_s);
            ts_json_member_double(b, "macs", m.macs);
            ts_json_member_double(b, "edp_j_cycles", m.edp_j_cycles);
            ts_json_member_double(b, "tokens_per_s", m.tokens_per_s);
            if (rep->phases != NULL)
                phases_json(b, rep->phases);
            json_builder_end_object(b);
        }
        if (rep->fuse != NULL && rep->fuse_summary != NULL)
            ts_report_fuse_json(b, rep->fuse, rep->fuse_summary);
        ts_json_member_double(b, "seconds", rep->reproducible ? NAN : r->seconds);
        ts_report_notes_json(b, rep->info.notes);
    }
    json_builder_end_object(b);
    return ts_json_builder_to_document(b);
}

char **ts_report_layer_notes(const TsArch *arch, const TsLayerResult *result)
{
    g_return_val_if_fail(arch != NULL && result != NULL, NULL);
    GPtrArray *all = g_ptr_array_new();
    const char *const *an = ts_arch_notes(arch);
    for (guint i = 0; an != NULL && an[i]; i++)
        g_ptr_array_add(all, g_strdup(an[i]));
    for (guint i = 0; i < result->n_ops; i++) {
        const TsLayerOp *lo = &result->ops[i];
        const char *note = ts_layer_op_note(lo, i);
        if (note != NULL)
            g_ptr_array_add(all, g_strdup(note));
        /* the best mapping's: a systolic array's folds beyond the model's cycles, the host-link
         * schedule left out */
        if (lo->same_as != i || !lo->einsum || lo->placed_on != NULL || lo->model == NULL ||
            lo->search.n_best == 0)
            continue;
        const TsSearchEntry *best = &lo->search.best[0];
        char *extra[] = {ts_report_systolic_note(lo->model, &best->mapping, &best->cost),
                         ts_report_link_schedule_note(lo->model, &best->cost)};
        for (guint k = 0; k < G_N_ELEMENTS(extra); k++)
            if (extra[k] != NULL) {
                g_ptr_array_add(all, g_strdup_printf("op %s: %s", lo->op->name, extra[k]));
                g_free(extra[k]);
            }
    }
    g_ptr_array_add(all, NULL);
    return (char **)g_ptr_array_free(all, FALSE);
}

/* ---- CSV -------------------------------------------------------------------------------- */

/* The op's precision: one name when every tensor has it ("fp16"), else "Weights:int4
 * Inputs:fp16 ..."; "arch word bits" when the input gave none (Timeloop problems). */
static char *op_precision(const TsOp *op)
{
    if (op->precision_is_default)
        return g_strdup("arch word bits");
    gboolean uniform = TRUE;
    for (guint t = 1; t < op->n_tensors; t++)
        uniform &= op->tensors[t].precision.bits == op->tensors[0].precision.bits &&
                   op->tensors[t].precision.format == op->tensors[0].precision.format;
    if (op->n_tensors == 0)
        return g_strdup("");
    if (uniform)
        return g_strdup(ts_precision_name(op->tensors[0].precision));
    GString *s = g_string_new(NULL);
    for (guint t = 0; t < op->n_tensors; t++)
        g_string_append_printf(s, "%s%s:%s", t ? " " : "", op->tensors[t].name,
                               ts_precision_name(op->tensors[t].precision));
    return g_string_free(s, FALSE);
}

/* The run's columns, then (with_breakdown) class and des_cycles: index is the op's index
 * in the result, -1 for the total row (the simulated layer's DES figures), -2 for the
 * whole-model rows (no DES figures). */
static void csv_run_columns(GString *s, const TsLayerReport *rep, const char *precision,
                            int index)
{
    g_string_append_c(s, ',');
    ts_csv_text(s, rep->info.arch);
    g_string_append_c(s, ',');
    ts_csv_text(s, rep->info.workload);
    g_string_append_c(s, ',');
    ts_csv_text(s, precision);
    if (rep->with_breakdown) {
        g_string_append_c(s, ',');
        if (index >= 0)
            g_string_append(s, ts_op_class_key(ts_op_class_of(rep->result->ops[index].op)));
        g_string_append_c(s, ',');
        if (index >= 0 && rep->des_cycles)
            ts_csv_double(s, rep->des_cycles[index]);
        if (rep->des != NULL)
            ts_report_layer_des_csv_fields(s, rep, index);
    }
    g_string_append_c(s, '\n');
}

/* A totals row up to its total_* columns: label, count (0: empty), the layer's figures in the
 * per-instance columns, sums (macs, cycles, energy, latency) in the total_* columns. */
static void csv_totals_row(GString *s, const char *label, guint64 count, const TsLayerResult *r,
                           const double *sums)
{
    const double layer[] = {r->macs, r->cycles, r->energy_pj, r->latency_s};
    g_string_append_printf(s, "%s,", label);
    if (count)
        g_string_append_printf(s, "%" G_GUINT64_FORMAT, count);
    g_string_append(s, ",,");
    for (guint k = 0; k < G_N_ELEMENTS(layer); k++) {
        ts_csv_double(s, layer[k]);
        g_string_append_c(s, ',');
    }
    if (r->macs > 0)
        ts_csv_double(s, r->pj_per_mac);
    g_string_append_c(s, ',');
    ts_csv_double(s, r->utilization);
    g_string_append(s, ",,");
    for (guint k = 0; k < G_N_ELEMENTS(layer); k++) {
        if (k)
            g_string_append_c(s, ',');
        ts_csv_double(s, sums[k]);
    }
}

char *ts_report_layer_csv_string(const TsLayerReport *rep)
{
    g_return_val_if_fail(rep != NULL && rep->result != NULL, NULL);
    const TsLayerResult *r = rep->result;
    GString *s = g_string_new("op,count,kind,macs,cycles,energy_pj,latency_s,pj_per_mac,"
                              "utilization,bound,total_macs,total_cycles,total_energy_pj,"
                              "total_latency_s,arch,workload,precision");
    if (rep->with_breakdown)
        g_string_append(s, ",class,des_cycles");
    if (rep->with_breakdown && rep->des != NULL)
        ts_report_layer_des_csv_header(s, rep);
    g_string_append_c(s, '\n');
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        const double count = (double)lo->op->count;
        ts_csv_text(s, lo->op->name);
        g_string_append_printf(s, ",%" G_GUINT64_FORMAT ",%s,%" G_GUINT64_FORMAT ",", lo->op->count,
                               lo->op->kind == TS_OP_ELEMENTWISE
                                   ? ts_elementwise_kind_name(lo->op->ew_kind)
                                   : ts_op_kind_name(lo->op->kind),
                               lo->macs);
        ts_csv_double(s, lo->cycles);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->energy_pj);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->latency_s);
        g_string_append_c(s, ',');
        if (lo->macs) /* empty, not 0, where there are no MACs */
            ts_csv_double(s, lo->energy_pj / (double)lo->macs);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->utilization);
        g_string_append_c(s, ',');
        ts_csv_text(s, lo->bound);
        g_string_append_c(s, ',');
        ts_csv_double(s, (double)lo->macs * count);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->cycles * count);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->energy_pj * count);
        g_string_append_c(s, ',');
        ts_csv_double(s, lo->latency_s * count);
        g_autofree char *precision = op_precision(lo->op);
        csv_run_columns(s, rep, precision, (int)i);
    }
    const TsTransformerConfig *cfg =
        rep->workload ? ts_workload_transformer_config(rep->workload) : NULL;
    const double totals[] = {r->macs, r->cycles, r->energy_pj, r->latency_s};
    csv_totals_row(s, "total", 0, r, totals);
    csv_run_columns(s, rep, cfg ? cfg->precision_name : NULL, -1);
    ModelTotals m;
    const TsModelPhases *ph = rep->phases;
    if (ph != NULL && model_totals(rep, &m)) {
        /* prefill: count = layers, per-instance columns one layer; decode: count = steps,
         * per-instance columns one step of every layer (the mean) */
        const double pre[] = {ph->prefill_macs, ph->prefill_cycles, ph->prefill_energy_pj,
                              ph->prefill_latency_s};
        csv_totals_row(s, "prefill", rep->layers, r, pre);
        csv_run_columns(s, rep, cfg ? cfg->precision_name : NULL, -2);
        const double g = (double)MAX(ph->gen, 1u);
        const double dec[] = {ph->decode_macs, ph->decode_cycles, ph->decode_energy_pj,
                              ph->decode_latency_s};
        g_string_append_printf(s, "decode,%" G_GUINT64_FORMAT ",,", ph->gen);
        for (guint k = 0; k < G_N_ELEMENTS(dec); k++) {
            if (ph->gen)
                ts_csv_double(s, dec[k] / g);
            g_string_append_c(s, ',');
        }
        if (ph->decode_macs > 0)
            ts_csv_double(s, ph->decode_energy_pj / ph->decode_macs);
        g_string_append(s, ",,,");
        for (guint k = 0; k < G_N_ELEMENTS(dec); k++) {
            if (k)
                g_string_append_c(s, ',');
            ts_csv_double(s, dec[k]);
        }
        csv_run_columns(s, rep, cfg ? cfg->precision_name : NULL, -2);
    }
    if (model_totals(rep, &m)) {
        /* The whole model: count = layers, per-instance columns hold one layer. */
        const double model[] = {m.macs, m.cycles, m.energy_pj, m.latency_s};
        csv_totals_row(s, "model", rep->layers, r, model);
        csv_run_columns(s, rep, cfg ? cfg->precision_name : NULL, -2);
    }
    return g_string_free(s, FALSE);
}
