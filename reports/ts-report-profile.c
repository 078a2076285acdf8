/* Text, JSON and CSV of profile-engine runs (see ts-report-profile.h). */
#include "ts-report-profile.h"

#include <math.h>
#include <string.h>

#include "ts-report-json.h"
#include "ts-report-table.h"
#include "ts-json-glib.h"

static char *fmt(const char *format, double v)
{
    return g_strdup_printf(format, v);
}

static const char *op_kind(const TsOp *op)
{
    return op->kind == TS_OP_ELEMENTWISE ? ts_elementwise_kind_name(op->ew_kind)
                                         : ts_op_kind_name(op->kind);
}

static gboolean any_efficiency(const TsProfileLayerResult *r)
{
    for (guint i = 0; i < r->n_steps; i++) {
        if (r->steps[i].cost.eff_compute != 1.0 || r->steps[i].cost.eff_memory != 1.0)
            return TRUE;
    }
    return FALSE;
}

static void header(GString *out, const TsProfileReportInfo *info, const char *what)
{
    g_string_append_printf(out,
                           "profile engine (UPMEM LLM profiler semantics, mode %s): %s %s on %s\n",
                           ts_profile_mode_name(info->mode), what,
                           info->workload ? info->workload : "-", info->arch ? info->arch : "-");
    g_string_append_printf(out, "  default device %s; layer map %s; precision %s\n",
                           info->device ? info->device : "(from the map)",
                           info->map ? info->map : "none", info->precision ? info->precision : "-");
}

static void notes_text(GString *out, const TsProfileReportInfo *info)
{
    for (guint i = 0; info->notes && info->notes[i]; i++)
        g_string_append_printf(out, "  note: %s\n", info->notes[i]);
}

/* ---- Layer: text ----------------------------------------------------------------------------- */

void ts_report_profile_layer_text(GString *out, const TsProfileLayerResult *r,
                                  const TsProfileReportInfo *info)
{
    g_return_if_fail(out != NULL && r != NULL && info != NULL);
    header(out, info, "workload");
    gboolean eff = any_efficiency(r);
    g_string_append_printf(out,
                           "  times in us, energies in uJ; offload h2d / d2h: the op's input to "
                           "its device and output back, on their own (the profiler's "
                           "host_transfer); charged: the transfers this run paid at the op\n\n");
    static const char *const h[] = {
        "#",      "op",   "device", "count",  "GFLOP",       "weights MB",  "KV MB",   "compute",
        "memory", "time", "bound",  "energy", "offload h2d", "offload d2h", "charged", "time eff"};
    static const gboolean right[] = {TRUE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE,
                                     TRUE, TRUE,  FALSE, TRUE, TRUE, TRUE, TRUE, TRUE};
    guint n_cols = eff ? G_N_ELEMENTS(h) : G_N_ELEMENTS(h) - 1;
    TsTable t = ts_table_new(n_cols, h, right);
    for (guint i = 0; i < r->n_steps; i++) {
        const TsProfileStep *s = &r->steps[i];
        const TsProfileOpCost *c = &s->cost;
        char **cells = g_new0(char *, G_N_ELEMENTS(h) + 1);
        cells[0] = g_strdup_printf("%u", i + 1);
        cells[1] = g_strdup(s->op->name);
        cells[2] =
            g_strdup_printf("%s%s%s", s->placement.device->name, s->placement.transfer ? ",t" : "",
                            s->placement.moe ? (s->placement.transfer ? "m" : ",m") : "");
        cells[3] = g_strdup_printf("%" G_GUINT64_FORMAT, s->op->count);
        cells[4] = fmt("%.4f", c->flops * 1e-9);
        cells[5] = fmt("%.3f", c->weight_bytes * 1e-6);
        cells[6] = fmt("%.3f", c->kv_bytes * 1e-6);
        cells[7] = fmt("%.3f", c->compute_ns * 1e-3);
        cells[8] = fmt("%.3f", (c->mem_ns + c->kv_ns) * 1e-3);
        cells[9] = fmt("%.3f", c->time_ns * 1e-3);
        cells[10] = g_strdup(c->bound);
        cells[11] = fmt("%.3f", (c->energy_compute_pj + c->energy_mem_pj) * 1e-6);
        cells[12] = fmt("%.3f", c->h2d_ns * 1e-3);
        cells[13] = fmt("%.3f", c->d2h_ns * 1e-3);
        double xfer = s->xfer_h2d_ns + s->xfer_d2h_ns;
        cells[14] =
            xfer > 0 ? g_strdup_printf("%.3f (%s)", xfer * 1e-3, s->xfer_reason) : g_strdup("-");
        cells[15] = eff ? fmt("%.3f", c->time_eff_ns * 1e-3) : NULL;
        ts_table_add(&t, cells);
    }
    ts_table_print(&t, out);
    const TsProfilePhase *p = &r->total;
    double ops_ns = p->time_ns - p->h2d_ns - p->d2h_ns;
    g_string_append_printf(out,
                           "\n  total (the profiler's sum, no overlap): %.3f us = ops %.3f + "
                           "host transfers %.3f (h2d %.3f, d2h %.3f, incl. the output's return "
                           "%.3f); %.4f GFLOP\n",
                           p->time_ns * 1e-3, ops_ns * 1e-3, (p->h2d_ns + p->d2h_ns) * 1e-3,
                           p->h2d_ns * 1e-3, p->d2h_ns * 1e-3, r->return_ns * 1e-3,
                           p->flops * 1e-9);
    g_string_append_printf(
        out,
        "  energy %.3f uJ: compute %.3f, memory %.3f, host->device %.3f, "
        "device->host %.3f; average power %.3f W\n",
        ts_profile_phase_energy_pj(p) * 1e-6, p->energy_compute_pj * 1e-6, p->energy_mem_pj * 1e-6,
        p->energy_h2d_pj * 1e-6, p->energy_d2h_pj * 1e-6,
        p->time_ns > 0 ? ts_profile_phase_energy_pj(p) * 1e-3 / p->time_ns : 0.0);
    if (eff)
        g_string_append_printf(out,
                               "  with the devices' efficiency curves: %.3f us (%.2fx the "
                               "peak-only figure)\n",
                               p->time_eff_ns * 1e-3,
                               p->time_ns > 0 ? p->time_eff_ns / p->time_ns : 0.0);
    if (info->overlap) {
        g_string_append_printf(out,
                               "  double-buffered (transfers streamed against compute): %.3f "
                               "us (%.1f%% of the sum)",
                               p->overlap_ns * 1e-3,
                               p->time_ns > 0 ? 100.0 * p->overlap_ns / p->time_ns : 0.0);
        if (eff)
            g_string_append_printf(out, "; with efficiency curves %.3f us",
                                   p->overlap_eff_ns * 1e-3);
        g_string_append_c(out, '\n');
    }
    /* One line per rule used, naming its ops. */
    g_autoptr(GPtrArray) hows = g_ptr_array_new();
    for (guint i = 0; i < r->n_steps; i++) {
        const char *how = r->steps[i].cost.how;
        if (how == NULL || g_ptr_array_find(hows, how, NULL))
            continue;
        g_ptr_array_add(hows, (gpointer)how);
        GString *names = g_string_new(NULL);
        for (guint j = i; j < r->n_steps; j++) {
            if (r->steps[j].cost.how == how && !strstr(names->str, r->steps[j].op->name))
                g_string_append_printf(names, "%s%s", names->len ? ", " : "", r->steps[j].op->name);
        }
        g_string_append_printf(out, "  %s: %s\n", names->str, how);
        g_string_free(names, TRUE);
    }
    notes_text(out, info);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void json_info(JsonBuilder *b, const TsProfileReportInfo *info)
{
    ts_report_run_json(b, "profile", info->arch, info->workload);
    ts_json_member_string(b, "device", info->device);
    ts_json_member_string(b, "map", info->map);
    ts_json_member_string(b, "mode", ts_profile_mode_name(info->mode));
    ts_json_member_string(b, "precision", info->precision);
    json_builder_set_member_name(b, "overlap");
    json_builder_add_boolean_value(b, info->overlap);
}

static void json_notes(JsonBuilder *b, const TsProfileReportInfo *info)
{
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; info->notes && info->notes[i]; i++)
        json_builder_add_string_value(b, info->notes[i]);
    json_builder_end_array(b);
}

/* "name": a whole count from a double (rounded; a double above 2^63). */
static void json_whole(JsonBuilder *b, const char *name, double v)
{
    if (v >= 0 && v < 9.2e18)
        ts_json_member_count(b, name, (uint64_t)llround(v));
    else
        ts_json_member_double(b, name, v);
}

/* The contract totals (docs/cli.md) of a time and energy: a device profile has a nominal
 * 1 GHz clock, so cycles = ns. */
static void json_contract_totals(JsonBuilder *b, double time_ns, double energy_pj, double flops,
                                 double utilization)
{
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    ts_json_member_double(b, "energy_pj", energy_pj);
    json_whole(b, "cycles", time_ns);
    ts_json_member_double(b, "latency_s", time_ns * 1e-9);
    json_whole(b, "macs", flops / 2.0);
    ts_json_member_double(b, "utilization", utilization);
    ts_json_member_double(b, "edp_j_cycles", energy_pj * 1e-12 * time_ns);
    ts_json_member_double(b, "pj_per_mac", flops > 0 ? energy_pj / (flops / 2.0) : NAN);
    json_builder_end_object(b);
}

static void json_phase(JsonBuilder *b, const char *name, const TsProfilePhase *p, gboolean overlap)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    ts_json_member_double(b, "time_ns", p->time_ns);
    ts_json_member_double(b, "compute_ns", p->compute_ns);
    ts_json_member_double(b, "mem_ns", p->mem_ns);
    ts_json_member_double(b, "kv_ns", p->kv_ns);
    ts_json_member_double(b, "h2d_ns", p->h2d_ns);
    ts_json_member_double(b, "d2h_ns", p->d2h_ns);
    ts_json_member_double(b, "energy_pj", ts_profile_phase_energy_pj(p));
    ts_json_member_double(b, "energy_compute_pj", p->energy_compute_pj);
    ts_json_member_double(b, "energy_mem_pj", p->energy_mem_pj);
    ts_json_member_double(b, "energy_h2d_pj", p->energy_h2d_pj);
    ts_json_member_double(b, "energy_d2h_pj", p->energy_d2h_pj);
    ts_json_member_double(b, "h2d_bytes", p->h2d_bytes);
    ts_json_member_double(b, "d2h_bytes", p->d2h_bytes);
    ts_json_member_double(b, "flops", p->flops);
    ts_json_member_count(b, "forwards", p->forwards);
    ts_json_member_double(b, "time_eff_ns", p->time_eff_ns);
    ts_json_member_double(b, "overlap_ns", overlap ? p->overlap_ns : NAN);
    ts_json_member_double(b, "overlap_eff_ns", overlap ? p->overlap_eff_ns : NAN);
    json_builder_end_object(b);
}

static void json_step(JsonBuilder *b, const TsProfileStep *s, const TsProfileReportInfo *info)
{
    const TsProfileOpCost *c = &s->cost;
    json_builder_begin_object(b);
    json_info(b, info);
    ts_json_member_string(b, "op", s->op->name);
    ts_json_member_string(b, "name", s->op->name);
    ts_json_member_count(b, "count", s->op->count);
    ts_json_member_string(b, "kind", op_kind(s->op));
    ts_json_member_string(b, "device", s->placement.device->name);
    json_builder_set_member_name(b, "transfer_point");
    json_builder_add_boolean_value(b, s->placement.transfer);
    json_builder_set_member_name(b, "moe");
    json_builder_add_boolean_value(b, s->placement.moe);
    ts_json_member_double(b, "time_ns", c->time_ns);
    ts_json_member_double(b, "compute_ns", c->compute_ns);
    ts_json_member_double(b, "mem_ns", c->mem_ns);
    ts_json_member_double(b, "kv_ns", c->kv_ns);
    ts_json_member_double(b, "energy_compute_pj", c->energy_compute_pj);
    ts_json_member_double(b, "energy_mem_pj", c->energy_mem_pj);
    ts_json_member_double(b, "h2d_ns", c->h2d_ns);
    ts_json_member_double(b, "d2h_ns", c->d2h_ns);
    ts_json_member_double(b, "h2d_pj", c->h2d_pj);
    ts_json_member_double(b, "d2h_pj", c->d2h_pj);
    ts_json_member_string(b, "bound", c->bound);
    ts_json_member_double(b, "flops", c->flops);
    ts_json_member_double(b, "peak_flops_per_s", c->peak_flops_per_s);
    ts_json_member_double(b, "weight_bytes", c->weight_bytes);
    ts_json_member_double(b, "kv_bytes", c->kv_bytes);
    ts_json_member_double(b, "in_bytes", c->in_bytes);
    ts_json_member_double(b, "out_bytes", c->out_bytes);
    ts_json_member_string(b, "how", c->how);
    json_builder_set_member_name(b, "efficiency");
    json_builder_begin_object(b);
    ts_json_member_double(b, "rows", c->rows);
    ts_json_member_double(b, "compute", c->eff_compute);
    ts_json_member_double(b, "memory", c->eff_memory);
    ts_json_member_double(b, "time_ns", c->time_eff_ns);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "transfer");
    json_builder_begin_object(b);
    ts_json_member_double(b, "h2d_bytes", s->xfer_h2d_bytes);
    ts_json_member_double(b, "h2d_ns", s->xfer_h2d_ns);
    ts_json_member_double(b, "h2d_pj", s->xfer_h2d_pj);
    ts_json_member_double(b, "d2h_bytes", s->xfer_d2h_bytes);
    ts_json_member_double(b, "d2h_ns", s->xfer_d2h_ns);
    ts_json_member_double(b, "d2h_pj", s->xfer_d2h_pj);
    ts_json_member_string(b, "reason", s->xfer_reason);
    json_builder_end_object(b);
    /* The contract's per-op shape: the device is the one level and the compute. */
    gboolean roofline = strcmp(c->bound, "compute") == 0 || strcmp(c->bound, "memory") == 0;
    json_contract_totals(b, c->time_ns, c->energy_compute_pj + c->energy_mem_pj, c->flops,
                         roofline && c->time_ns > 0 ? c->compute_ns / c->time_ns : 0.0);
    json_builder_set_member_name(b, "levels");
    json_builder_begin_array(b);
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", s->placement.device->name);
    ts_json_member_double(b, "energy_pj", c->energy_mem_pj);
    ts_json_member_int(b, "instances_used", 1);
    json_builder_set_member_name(b, "tensors");
    json_builder_begin_object(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "compute");
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", s->placement.device->name);
    ts_json_member_int(b, "instances_used", 1);
    ts_json_member_double(b, "energy_pj", c->energy_compute_pj);
    json_builder_end_object(b);
    ts_json_member_string(b, "mapping", NULL);
    json_builder_end_object(b);
}

char *ts_report_profile_layer_json(const TsProfileLayerResult *r, const TsProfileReportInfo *info)
{
    g_return_val_if_fail(r != NULL && info != NULL, NULL);
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_info(b, info);
    json_builder_set_member_name(b, "ops");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->n_steps; i++)
        json_step(b, &r->steps[i], info);
    json_builder_end_array(b);
    const TsProfilePhase *p = &r->total;
    double util = 0.0;
    for (guint i = 0; i < r->n_steps; i++) {
        const TsProfileOpCost *c = &r->steps[i].cost;
        if (strcmp(c->bound, "compute") == 0 || strcmp(c->bound, "memory") == 0)
            util += c->compute_ns;
    }
    json_contract_totals(b, p->time_ns, ts_profile_phase_energy_pj(p), p->flops,
                         p->time_ns > 0 ? util / p->time_ns : 0.0);
    json_phase(b, "phase", p, info->overlap);
    json_builder_set_member_name(b, "return");
    json_builder_begin_object(b);
    ts_json_member_double(b, "d2h_bytes", r->return_bytes);
    ts_json_member_double(b, "d2h_ns", r->return_ns);
    ts_json_member_double(b, "d2h_pj", r->return_pj);
    json_builder_end_object(b);
    json_notes(b, info);
    json_builder_end_object(b);
    return ts_json_builder_to_string(b);
}

char *ts_report_profile_layer_csv(const TsProfileLayerResult *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    GString *s = g_string_new("op,count,kind,device,flops,weight_bytes,kv_bytes,compute_ns,"
                              "mem_ns,kv_ns,time_ns,energy_compute_pj,energy_mem_pj,h2d_ns,"
                              "d2h_ns,h2d_pj,d2h_pj,bound,xfer_h2d_ns,xfer_d2h_ns,"
                              "xfer_h2d_pj,xfer_d2h_pj,time_eff_ns\n");
    for (guint i = 0; i < r->n_steps; i++) {
        const TsProfileStep *st = &r->steps[i];
        const TsProfileOpCost *c = &st->cost;
        g_string_append_printf(
            s,
            "%s,%" G_GUINT64_FORMAT ",%s,%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,"
            "%.17g,%.17g,%.17g,%.17g,%.17g,%s,%.17g,%.17g,%.17g,%.17g,%.17g\n",
            st->op->name, st->op->count, op_kind(st->op), st->placement.device->name, c->flops,
            c->weight_bytes, c->kv_bytes, c->compute_ns, c->mem_ns, c->kv_ns, c->time_ns,
            c->energy_compute_pj, c->energy_mem_pj, c->h2d_ns, c->d2h_ns, c->h2d_pj, c->d2h_pj,
            c->bound, st->xfer_h2d_ns, st->xfer_d2h_ns, st->xfer_h2d_pj, st->xfer_d2h_pj,
            c->time_eff_ns);
    }
    const TsProfilePhase *p = &r->total;
    g_string_append_printf(s,
                           "total,,,,%.17g,,,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,,,,,,%.17g,"
                           "%.17g,%.17g,%.17g,%.17g\n",
                           p->flops, p->compute_ns, p->mem_ns, p->kv_ns, p->time_ns,
                           p->energy_compute_pj, p->energy_mem_pj, p->h2d_ns, p->d2h_ns,
                           p->energy_h2d_pj, p->energy_d2h_pj, p->time_eff_ns);
    return g_string_free(s, FALSE);
}

/* ---- Whole model: text -------------------------------------------------------------------- */

static double share(double part, double whole)
{
    return whole > 0 ? part / whole : 0.0;
}

static void phase_text(GString *out, const char *title, const TsProfilePhase *p,
                       double per_token_div)
{
    double time_s = p->time_ns * 1e-9;
    g_string_append_printf(out, "%s summary\n", title);
    g_string_append_printf(out,
                           "  transferred data: host_to_device %.6g MB, device_to_host %.6g MB",
                           p->h2d_bytes * 1e-6, p->d2h_bytes * 1e-6);
    if (per_token_div > 0)
        g_string_append_printf(out, " (%.6g + %.6g MB/token)", p->h2d_bytes * 1e-6 / per_token_div,
                               p->d2h_bytes * 1e-6 / per_token_div);
    g_string_append_c(out, '\n');
    double e_mj = ts_profile_phase_energy_pj(p) * 1e-9;
    g_string_append_printf(out,
                           "  energy: compute %.6g mJ, main_mem %.6g mJ, host_to_device %.6g "
                           "mJ, device_to_host %.6g mJ; total %.6g mJ",
                           p->energy_compute_pj * 1e-9, p->energy_mem_pj * 1e-9,
                           p->energy_h2d_pj * 1e-9, p->energy_d2h_pj * 1e-9, e_mj);
    if (per_token_div > 0)
        g_string_append_printf(out, " (%.6g mJ/token)", e_mj / per_token_div);
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "  power: %.6g W\n", time_s > 0 ? e_mj * 1e-3 / time_s : 0.0);
    g_string_append_printf(out,
                           "  time breakdown (ms, share of the phase; compute and memory overlap "
                           "within an op): host_to_device %.6g (%.3f), device_to_host %.6g "
                           "(%.3f), compute %.6g (%.3f), mem_transfer %.6g (%.3f), kv_load %.6g "
                           "(%.3f)\n",
                           p->h2d_ns * 1e-6, share(p->h2d_ns, p->time_ns), p->d2h_ns * 1e-6,
                           share(p->d2h_ns, p->time_ns), p->compute_ns * 1e-6,
                           share(p->compute_ns, p->time_ns), p->mem_ns * 1e-6,
                           share(p->mem_ns, p->time_ns), p->kv_ns * 1e-6,
                           share(p->kv_ns, p->time_ns));
}

void ts_report_profile_model_text(GString *out, const TsProfileModelResult *r,
                                  const TsProfileReportInfo *info)
{
    g_return_if_fail(out != NULL && r != NULL && info != NULL);
    header(out, info, "model");
    g_string_append_printf(out,
                           "  %" G_GUINT64_FORMAT
                           " layers + embedding + LM head; prompt %" G_GUINT64_FORMAT
                           " tokens x batch %" G_GUINT64_FORMAT ", then %" G_GUINT64_FORMAT
                           " decode steps (step d attends to prompt + d keys)\n\n",
                           r->layers, r->prompt, r->batch, r->gen);
    const TsProfilePhase *pf = &r->prefill, *dc = &r->decode;
    double tokens = (double)(r->gen * r->batch);
    g_string_append(out, "##### summary (the profiler's assumptions: peak performance, transfers "
                         "not overlapped) #####\n");
    g_string_append_printf(
        out,
        "Total time (SUM + GEN): %.9g s, with data type: %s, batch size: %" G_GUINT64_FORMAT "\n",
        r->total_s, info->precision ? info->precision : "-", r->batch);
    g_string_append_printf(out, "Generated tokens: %.0f in %.9g s, with tokens/s: %.9g\n", tokens,
                           r->decode_s, r->tokens_per_s);
    g_string_append_printf(out,
                           "Summarization step took: %.9g s (time to first token), weight in the "
                           "execution: SUM: %.6g%%, GEN: %.6g%%\n",
                           r->ttft_s, 100.0 * share(r->ttft_s, r->total_s),
                           100.0 * share(r->decode_s, r->total_s));
    if (r->gen > 0)
        g_string_append_printf(out,
                               "Energy per generated token: %.6g mJ; average power: prefill %.6g "
                               "W, decode %.6g W\n",
                               r->energy_per_token_j * 1e3, r->prefill_power_w, r->decode_power_w);
    if (r->end_bytes > 0)
        g_string_append_printf(out,
                               "End of run: %.6g MB back to the host in %.6g ms (the profiler's "
                               "final transfer, %s)\n",
                               r->end_bytes * 1e-6, r->end_ns * 1e-6,
                               r->gen > 0 ? "counted in generation" : "after the prefill");
    phase_text(out, "SUMMARIZATION (prefill)", pf, 0.0);
    if (r->gen > 0)
        phase_text(out, "GENERATION (decode)", dc, tokens);

    gboolean eff = pf->time_eff_ns != pf->time_ns || dc->time_eff_ns != dc->time_ns;
    if (eff || info->overlap) {
        g_string_append(out, "\npast the profiler's limits (same ops and transfers):\n");
        static const char *const h[] = {"schedule", "prefill s", "decode s", "tokens/s",
                                        "vs profiler"};
        static const gboolean right[] = {FALSE, TRUE, TRUE, TRUE, TRUE};
        TsTable t = ts_table_new(G_N_ELEMENTS(h), h, right);
        static const char *const names[] = {"profiler (peak, summed)", "efficiency curves",
                                            "double-buffered", "double-buffered + efficiency"};
        for (guint v = 0; v < 4; v++) {
            if ((v == 1 || v == 3) && !eff)
                continue;
            if (v >= 2 && !info->overlap)
                continue;
            double ps = ts_profile_phase_time_ns(pf, v) * 1e-9;
            double ds = ts_profile_phase_time_ns(dc, v) * 1e-9;
            char **cells = g_new0(char *, G_N_ELEMENTS(h) + 1);
            cells[0] = g_strdup(names[v]);
            cells[1] = fmt("%.6g", ps);
            cells[2] = r->gen > 0 ? fmt("%.6g", ds) : g_strdup("-");
            cells[3] = r->gen > 0 && ds > 0 ? fmt("%.6g", tokens / ds) : g_strdup("-");
            double base = r->ttft_s + r->decode_s;
            cells[4] = fmt("%.3fx", share(ps + ds, base));
            ts_table_add(&t, cells);
        }
        ts_table_print(&t, out);
    }

    g_string_append(out, "\nper op (sums over layers and steps; ms):\n");
    static const char *const oh[] = {"op",        "device", "prefill ms", "share",
                                     "decode ms", "share",  "energy mJ",  "transfers ms"};
    static const gboolean oright[] = {FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE};
    TsTable t = ts_table_new(G_N_ELEMENTS(oh), oh, oright);
    for (guint i = 0; i < r->n_ops; i++) {
        const TsProfileOpSummary *s = &r->ops[i];
        char **cells = g_new0(char *, G_N_ELEMENTS(oh) + 1);
        cells[0] = g_strdup(s->name);
        cells[1] = g_strdup(s->device);
        cells[2] = fmt("%.6g", s->prefill.time_ns * 1e-6);
        cells[3] = fmt("%.3f", share(s->prefill.time_ns, pf->time_ns));
        cells[4] = fmt("%.6g", s->decode.time_ns * 1e-6);
        cells[5] = fmt("%.3f", share(s->decode.time_ns, dc->time_ns));
        cells[6] = fmt("%.6g", (ts_profile_phase_energy_pj(&s->prefill) +
                                ts_profile_phase_energy_pj(&s->decode)) *
                                   1e-9);
        cells[7] = fmt(
            "%.6g",
            (s->prefill.h2d_ns + s->prefill.d2h_ns + s->decode.h2d_ns + s->decode.d2h_ns) * 1e-6);
        ts_table_add(&t, cells);
    }
    ts_table_print(&t, out);
    notes_text(out, info);
}

/* ---- Whole model: JSON and CSV ------------------------------------------------------------ */

static void json_summary_variant(JsonBuilder *b, const char *name, const TsProfileModelResult *r,
                                 guint variant)
{
    double ps = ts_profile_phase_time_ns(&r->prefill, variant) * 1e-9;
    double ds = ts_profile_phase_time_ns(&r->decode, variant) * 1e-9;
    double tokens = (double)(r->gen * r->batch);
    json_builder_set_member_name(b, name);
    json_builder_begin_object(b);
    ts_json_member_double(b, "ttft_s", ps);
    ts_json_member_double(b, "decode_s", ds);
    ts_json_member_double(b, "tokens_per_s", r->gen > 0 && ds > 0 ? tokens / ds : NAN);
    json_builder_end_object(b);
}

char *ts_report_profile_model_json(const TsProfileModelResult *r, const TsProfileReportInfo *info)
{
    g_return_val_if_fail(r != NULL && info != NULL, NULL);
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_info(b, info);
    json_builder_set_member_name(b, "model");
    json_builder_begin_object(b);
    ts_json_member_count(b, "layers", r->layers);
    ts_json_member_count(b, "prompt", r->prompt);
    ts_json_member_count(b, "gen", r->gen);
    ts_json_member_count(b, "batch", r->batch);
    json_builder_end_object(b);
    double tokens = (double)(r->gen * r->batch);
    json_builder_set_member_name(b, "summary");
    json_builder_begin_object(b);
    ts_json_member_double(b, "total_s", r->total_s);
    ts_json_member_double(b, "ttft_s", r->ttft_s);
    ts_json_member_double(b, "decode_s", r->decode_s);
    ts_json_member_double(b, "tokens", tokens);
    ts_json_member_double(b, "tokens_per_s", r->gen > 0 ? r->tokens_per_s : NAN);
    ts_json_member_double(b, "energy_per_token_j", r->gen > 0 ? r->energy_per_token_j : NAN);
    ts_json_member_double(b, "prefill_power_w", r->prefill_power_w);
    ts_json_member_double(b, "decode_power_w", r->gen > 0 ? r->decode_power_w : NAN);
    ts_json_member_double(b, "prefill_share", share(r->ttft_s, r->total_s));
    ts_json_member_double(b, "decode_share", share(r->decode_s, r->total_s));
    ts_json_member_double(b, "end_transfer_bytes", r->end_bytes);
    ts_json_member_double(b, "end_transfer_s", r->end_ns * 1e-9);
    ts_json_member_double(b, "end_transfer_pj", r->end_pj);
    json_summary_variant(b, "efficiency", r, 1);
    if (info->overlap) {
        json_summary_variant(b, "overlap", r, 2);
        json_summary_variant(b, "overlap_efficiency", r, 3);
    } else {
        ts_json_member_string(b, "overlap", NULL);
        ts_json_member_string(b, "overlap_efficiency", NULL);
    }
    json_builder_end_object(b);
    json_builder_set_member_name(b, "phases");
    json_builder_begin_object(b);
    json_phase(b, "prefill", &r->prefill, info->overlap);
    json_phase(b, "decode", &r->decode, info->overlap);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "ops");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->n_ops; i++) {
        const TsProfileOpSummary *s = &r->ops[i];
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", s->name);
        ts_json_member_string(b, "device", s->device);
        json_phase(b, "prefill", &s->prefill, FALSE);
        json_phase(b, "decode", &s->decode, FALSE);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    double e = ts_profile_phase_energy_pj(&r->prefill) + ts_profile_phase_energy_pj(&r->decode) +
               (r->gen == 0 ? r->end_pj : 0.0);
    double compute = 0.0;
    for (guint i = 0; i < r->n_ops; i++)
        compute += r->ops[i].prefill.compute_ns + r->ops[i].decode.compute_ns;
    json_contract_totals(b, r->total_s * 1e9, e, r->prefill.flops + r->decode.flops,
                         share(compute, r->total_s * 1e9));
    json_notes(b, info);
    json_builder_end_object(b);
    return ts_json_builder_to_string(b);
}

char *ts_report_profile_model_csv(const TsProfileModelResult *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    GString *s = g_string_new("phase,op,device,executions,time_ns,compute_ns,mem_ns,kv_ns,"
                              "h2d_ns,d2h_ns,energy_pj,h2d_bytes,d2h_bytes,flops,time_eff_ns\n");
    static const char *const phases[] = {"prefill", "decode"};
    for (guint ph = 0; ph < 2; ph++) {
        for (guint i = 0; i < r->n_ops; i++) {
            const TsProfileOpSummary *o = &r->ops[i];
            const TsProfilePhase *p = ph ? &o->decode : &o->prefill;
            g_string_append_printf(s,
                                   "%s,%s,%s,%" G_GUINT64_FORMAT ",%.17g,%.17g,%.17g,%.17g,%.17g,"
                                   "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                                   phases[ph], o->name, o->device, p->forwards, p->time_ns,
                                   p->compute_ns, p->mem_ns, p->kv_ns, p->h2d_ns, p->d2h_ns,
                                   ts_profile_phase_energy_pj(p), p->h2d_bytes, p->d2h_bytes,
                                   p->flops, p->time_eff_ns);
        }
        const TsProfilePhase *p = ph ? &r->decode : &r->prefill;
        g_string_append_printf(s,
                               "%s,total,,%" G_GUINT64_FORMAT ",%.17g,%.17g,%.17g,%.17g,%.17g,"
                               "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                               phases[ph], p->forwards, p->time_ns, p->compute_ns, p->mem_ns,
                               p->kv_ns, p->h2d_ns, p->d2h_ns, ts_profile_phase_energy_pj(p),
                               p->h2d_bytes, p->d2h_bytes, p->flops, p->time_eff_ns);
    }
    return g_string_free(s, FALSE);
}
