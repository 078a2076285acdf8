/* Reports of a workload run through the DES executor: text tables and the JSON of docs/cli.md. */
#include "ts-report-des.h"

#include <math.h>
#include <string.h>

#include "ts-report-csv.h"
#include "ts-report-json.h"
#include "ts-report-table.h"
#include "ts-json-glib.h"

static const TsLayerOp *owner(const TsLayerResult *r, const TsLayerOp *lo)
{
    return &r->ops[lo->same_as];
}

static double pct(double des, double ref)
{
    return ref != 0.0 ? 100.0 * (des - ref) / ref : (des == 0.0 ? 0.0 : NAN);
}

/* Words moved at level l of a cost: reads + fills + updates over every tensor and utilized
 * instance. */
static double level_accesses(const TsCost *k, guint l)
{
    const TsLevelCost *lc = &k->level[l];
    double s = 0.0;
    for (guint t = 0; t < TS_MAX_TENSORS; t++) {
        const TsTensorCost *tc = &lc->tensor[t];
        s += (double)(tc->reads + tc->fills + tc->updates) * (double)MAX(tc->instances, 1);
    }
    return s;
}

/* What bounds an op: "compute" or the component (TsExecOpResult.bound). */
const char *ts_report_des_bound(const TsExecOpResult *o)
{
    return o->bound != NULL ? o->bound : "-";
}

/* ---- text ---------------------------------------------------------------------------------- */

static void op_detail_text(GString *out, const TsDesReport *rep, guint i)
{
    const TsExecOpResult *o = &rep->des->ops[i];
    g_string_append_printf(out, "\n%s (x%" G_GUINT64_FORMAT "): %.0f cycles from cycle %.0f",
                           o->op->name, o->count, o->cycles, o->start_cycles);
    if (o->einsum)
        g_string_append_printf(out,
                               ", %" G_GUINT64_FORMAT " tile steps per instance (walk depth %u)",
                               o->steps, o->depth);
    g_string_append_printf(out, ", %" G_GUINT64_FORMAT " events\n", o->events);
    const gboolean by_chunk = o->chunks_simulated < o->chunks;
    const gboolean by_step = o->einsum && o->steps_simulated < o->steps;
    if (o->instances_simulated < o->count || by_chunk || by_step) {
        const char *unit = by_chunk ? "chunk" : by_step ? "tile step" : "instance";
        const uint64_t all = by_chunk ? o->chunks : by_step ? o->steps : o->count;
        const uint64_t sim = by_chunk  ? o->chunks_simulated
                             : by_step ? o->steps_simulated
                                       : o->instances_simulated;
        g_string_append_printf(out,
                               "  %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                               " %ss simulated, %" G_GUINT64_FORMAT
                               " extrapolated from %s: %.0f cycles per %s (the last "
                               "two windows of %" G_GUINT64_FORMAT " %ss %s %.2f%%)\n",
                               sim, all, unit, all - sim,
                               o->steady  ? "the steady state"
                               : by_chunk ? "the last chunks (not steady)"
                               : by_step  ? "the last tile steps (not steady)"
                                          : "the last instances (not steady)",
                               o->steady_period_cycles, unit, o->steady_window, unit,
                               o->steady ? "within" : "differ by", 100.0 * o->steady_spread);
    }
    g_string_append_printf(out,
                           "  compute busy %.0f, stalls: fill %.0f, drain %.0f, bandwidth %.0f, "
                           "latency %.0f cycles",
                           o->compute_busy_cycles, o->stall_cycles[TS_STALL_FILL],
                           o->stall_cycles[TS_STALL_DRAIN], o->stall_cycles[TS_STALL_BANDWIDTH],
                           o->stall_cycles[TS_STALL_LATENCY]);
    if (o->array_fill_drain_cycles > 0)
        g_string_append_printf(out, "; array skew fill/drain within compute %.0f",
                               o->array_fill_drain_cycles);
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "  %-16s %-14s %12s %14s %14s\n", "component", "kind",
                           "utilization", "stall cycles", "bank conflicts");
    for (guint u = 0; u < o->n_units; u++) {
        const TsExecUnitResult *ur = &o->unit[u];
        g_string_append_printf(out, "  %-16s %-14s %11.1f%% %14.0f %14.0f\n", ur->name, ur->kind,
                               100.0 * ur->utilization, ur->stall_cycles, ur->bank_conflict_cycles);
    }
    if (o->dram_row_hit_rate >= 0 && isfinite(o->dram_command_energy_pj))
        g_string_append_printf(out,
                               "  DRAM: %" G_GUINT64_FORMAT " read and %" G_GUINT64_FORMAT
                               " write bursts, row-hit rate %.3f, command energy %.4g pJ\n",
                               o->dram_reads, o->dram_writes, o->dram_row_hit_rate,
                               o->dram_command_energy_pj);
    else if (o->dram_row_hit_rate >= 0)
        g_string_append_printf(out,
                               "  DRAM: %" G_GUINT64_FORMAT " read and %" G_GUINT64_FORMAT
                               " write bursts, row-hit rate %.3f, command energy not modelled "
                               "(the DRAM level gives no VDD and IDD currents)\n",
                               o->dram_reads, o->dram_writes, o->dram_row_hit_rate);
    if (o->lut.ran) {
        const TsExecLut *l = &o->lut;
        g_string_append_printf(
            out,
            "  LUT kernel (PIM-DL), all instances: %s search %.4g ms | index scatter %.4g ms | "
            "table scatter %.4g ms | DPU kernel %.4g ms (%.4g cycles per DPU) | gather %.4g ms\n",
            l->search_on_dpus ? "DPU" : "host", l->search_s * 1e3, l->input_s * 1e3,
            l->table_s * 1e3, l->dpu_s * 1e3, l->dpu_cycles, l->gather_s * 1e3);
    }
}

void ts_report_des_text(GString *out, const TsDesReport *rep)
{
    g_return_if_fail(out != NULL && rep != NULL && rep->layer != NULL && rep->des != NULL);
    const TsExecResult *d = rep->des;
    g_string_append_printf(out, "tilesim simulate: %s on %s, %s\n",
                           rep->info.workload ? rep->info.workload : "-",
                           rep->info.arch ? rep->info.arch : "-",
                           "discrete-event simulation (DES)");
    g_string_append_printf(out, "%-12s %6s %14s %14s %10s %10s\n", "op", "count", "cycles",
                           "energy pJ", "compute %", "bound");
    for (guint i = 0; i < d->n_ops; i++) {
        const TsExecOpResult *o = &d->ops[i];
        const double en = o->cost.energy_pj * (double)o->count;
        g_string_append_printf(out, "%-12s %6" G_GUINT64_FORMAT " %14.0f %14.4g %9.1f%% %10s\n",
                               o->op->name, o->count, o->cycles, en,
                               o->cycles > 0 ? 100.0 * o->compute_busy_cycles / o->cycles : 0.0,
                               ts_report_des_bound(o));
    }
    g_string_append_printf(out, "%-12s %6s %14.0f %14.4g\n", "total", "", d->cycles,
                           d->energy_pj);
    g_string_append_printf(out,
                           "DES: %.6g s at the arch clock; ops overlap where their dependencies "
                           "allow (analytical: one after another)\n",
                           d->latency_s);
    for (guint i = 0; i < d->n_ops; i++)
        op_detail_text(out, rep, i);
    if (!rep->reproducible)
        g_string_append_printf(out, "\n%" G_GUINT64_FORMAT " events in %.3f s (%.3g events/s)\n",
                               d->events, d->seconds,
                               d->seconds > 0 ? (double)d->events / d->seconds : 0.0);
    else
        g_string_append_printf(out, "\n%" G_GUINT64_FORMAT " events\n", d->events);
    if (d->trace_note)
        g_string_append_printf(out, "trace: %s\n", d->trace_note);
    for (guint i = 0; d->notes && d->notes[i]; i++)
        g_string_append_printf(out, "DES note: %s\n", d->notes[i]);
    ts_report_notes_text(out, rep->info.notes);
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static double dram_rest(const TsExecDramTime *t);

/* The DRAM's time of an op (TsExecDramTime; docs/cli.md, "des.dram_time"): tCK per channel of
 * the first timed DRAM over the op's window; null when no timed DRAM served its bursts. */
static void dram_time_json(JsonBuilder *b, const TsExecDramTime *t)
{
    json_builder_set_member_name(b, "dram_time");
    if (!t->valid) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    ts_json_member_string(b, "level", t->level);
    ts_json_member_int(b, "channels", t->channels);
    ts_json_member_int(b, "channels_reached", t->reached);
    ts_json_member_int(b, "tburst_tck", t->tBURST);
    ts_json_member_int(b, "tccd_l_tck", t->tCCD_L);
    ts_json_member_count(b, "column_commands", t->bursts);
    ts_json_member_count(b, "activates", t->activates);
    ts_json_member_count(b, "refreshes", t->refreshes);
    ts_json_member_double(b, "window_tck", t->window);
    ts_json_member_double(b, "data_bus_tck", t->data);
    ts_json_member_double(b, "channels_not_reached_tck", t->channels_extra);
    ts_json_member_double(b, "no_request_tck", t->idle);
    ts_json_member_double(b, "column_spacing_max_tck", t->spacing);
    ts_json_member_double(b, "row_misses_max_tck", t->row_misses);
    ts_json_member_double(b, "refresh_tck", t->refresh);
    ts_json_member_double(b, "unexplained_min_tck", dram_rest(t));
    json_builder_end_object(b);
}

void ts_report_des_op_json(JsonBuilder *b, const TsExecOpResult *o)
{
    json_builder_set_member_name(b, "des");
    json_builder_begin_object(b);
    ts_json_member_double(b, "start_cycles", o->start_cycles);
    ts_json_member_double(b, "cycles", o->cycles);
    ts_json_member_double(b, "latency_s", o->latency_s);
    ts_json_member_count(b, "events", o->events);
    ts_json_member_count(b, "instances_simulated", o->instances_simulated);
    ts_json_member_count(b, "instances_extrapolated",
                         o->count > o->instances_simulated ? o->count - o->instances_simulated : 0);
    if (o->chunks > 0) {
        ts_json_member_count(b, "chunks", o->chunks);
        ts_json_member_count(b, "chunks_simulated", o->chunks_simulated);
        ts_json_member_count(b, "chunks_extrapolated", o->chunks - o->chunks_simulated);
    }
    json_builder_set_member_name(b, "steady_state");
    const gboolean chunks = o->chunks_simulated < o->chunks;
    const gboolean steps = o->einsum && o->steps_simulated < o->steps;
    if (o->instances_simulated < o->count || chunks || steps) {
        json_builder_begin_object(b);
        ts_json_member_string(b, "of", chunks ? "chunks" : steps ? "steps" : "instances");
        ts_json_member_double(b, "period_cycles", o->steady_period_cycles);
        ts_json_member_count(b, "window", o->steady_window);
        ts_json_member_double(b, "spread", o->steady_spread);
        json_builder_set_member_name(b, "steady");
        json_builder_add_boolean_value(b, o->steady);
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    if (o->einsum) {
        ts_json_member_count(b, "steps", o->steps);
        ts_json_member_count(b, "steps_simulated", o->steps_simulated);
        ts_json_member_count(b, "steps_extrapolated", o->steps - o->steps_simulated);
        ts_json_member_int(b, "walk_depth", o->depth);
    }
    ts_json_member_string(b, "bound", ts_report_des_bound(o));
    ts_json_member_double(b, "compute_busy_cycles", o->compute_busy_cycles);
    json_builder_set_member_name(b, "stall_cycles");
    json_builder_begin_object(b);
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        ts_json_member_double(b, ts_stall_kind_name((TsStallKind)k), o->stall_cycles[k]);
    json_builder_end_object(b);
    ts_json_member_double(b, "array_fill_drain_cycles", o->array_fill_drain_cycles);
    json_builder_set_member_name(b, "components");
    json_builder_begin_array(b);
    for (guint u = 0; u < o->n_units; u++) {
        const TsExecUnitResult *ur = &o->unit[u];
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", ur->name);
        ts_json_member_string(b, "kind", ur->kind);
        ts_json_member_double(b, "utilization", ur->utilization);
        ts_json_member_double(b, "stall_cycles", ur->stall_cycles);
        ts_json_member_double(b, "bank_conflict_cycles", ur->bank_conflict_cycles);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "dram");
    if (o->dram_row_hit_rate < 0) {
        json_builder_add_null_value(b);
    } else {
        json_builder_begin_object(b);
        ts_json_member_count(b, "read_bursts", o->dram_reads);
        ts_json_member_count(b, "write_bursts", o->dram_writes);
        ts_json_member_double(b, "row_hit_rate", o->dram_row_hit_rate);
        ts_json_member_double(b, "command_energy_pj", o->dram_command_energy_pj);
        ts_json_member_count(b, "request_bytes", o->dram_request_bytes);
        json_builder_end_object(b);
    }
    dram_time_json(b, &o->dram_time);
    if (o->link_calls > 0) {
        json_builder_set_member_name(b, "host_link_calls");
        json_builder_begin_object(b);
        ts_json_member_count(b, "calls", o->link_calls);
        ts_json_member_count(b, "batch", o->link_batch);
        json_builder_end_object(b);
    }
    if (o->lut.ran) {
        /* PIM-DL's phases as simulated (seconds over all instances; bytes per instance) */
        const TsExecLut *l = &o->lut;
        json_builder_set_member_name(b, "lut_pim");
        json_builder_begin_object(b);
        ts_json_member_double(b, l->search_on_dpus ? "dpu_search_s" : "host_search_s", l->search_s);
        ts_json_member_double(b, "index_scatter_s", l->input_s);
        ts_json_member_double(b, "table_scatter_s", l->table_s);
        ts_json_member_double(b, "dpu_kernel_s", l->dpu_s);
        ts_json_member_double(b, "gather_s", l->gather_s);
        ts_json_member_double(b, "search_read_bytes", l->search_read_bytes);
        ts_json_member_double(b, "search_write_bytes", l->search_write_bytes);
        ts_json_member_double(b, "input_bytes", l->input_bytes);
        ts_json_member_double(b, "table_bytes", l->table_bytes);
        ts_json_member_double(b, "output_bytes", l->output_bytes);
        ts_json_member_double(b, "lookups", l->lookups);
        ts_json_member_double(b, "dpu_cycles", l->dpu_cycles);
        ts_json_member_double(b, "dma_busy_cycles", l->dma_busy_cycles);
        ts_json_member_double(b, "instructions", l->issued);
        ts_json_member_double(b, "dma_bytes", l->dma_bytes);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

/* Per storage level of an einsum run on the DES: the model's accesses (reads + fills +
 * updates, all utilized instances) and the DES's, their difference, the level's analytical
 * cycles and both energies. Nothing for other ops. */
static void levels_json(JsonBuilder *b, const char *member, const TsExecOpResult *o,
                        const TsLayerOp *src)
{
    if (!o->einsum || !src->einsum || src->search.n_best == 0)
        return;
    const TsCost *a = &src->search.best[0].cost;
    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (guint l = 0; l < o->cost.n_levels && l < a->n_levels; l++) {
        const double an = level_accesses(a, l), de = level_accesses(&o->cost, l);
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", ts_model_level(src->model, l)->name);
        ts_json_member_double(b, "accesses", an);
        ts_json_member_double(b, "des_accesses", de);
        ts_json_member_double(b, "accesses_diff_pct", pct(de, an));
        ts_json_member_double(b, "cycles", a->level[l].cycles);
        ts_json_member_double(b, "energy_pj", a->level[l].energy_pj);
        ts_json_member_double(b, "des_energy_pj", o->cost.level[l].energy_pj);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void vector_members(JsonBuilder *b, const TsDesReport *rep, const TsExecOpResult *o,
                           const TsReportInfo *info)
{
    ts_report_run_json(b, "des", info->arch, info->workload);
    ts_json_member_string(b, "op", o->op->name);
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    ts_json_member_double(b, "energy_pj", o->cost.energy_pj);
    ts_json_member_int(b, "cycles", (gint64)llround(o->cost.cycles));
    ts_json_member_double(b, "latency_s", o->cost.latency_s);
    ts_json_member_int(b, "macs", 0);
    ts_json_member_double(b, "utilization", o->cost.utilization);
    ts_json_member_double(b, "edp_j_cycles", o->cost.energy_pj * 1e-12 * o->cost.cycles);
    ts_json_member_double(b, "pj_per_mac", NAN);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "levels");
    json_builder_begin_array(b);
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", ts_arch_storage(rep->arch, 0)->name);
    ts_json_member_double(b, "energy_pj", o->cost.energy_pj - o->cost.compute_energy_pj);
    ts_json_member_int(b, "instances_used", 1);
    ts_json_member_double(b, "read_words", o->ew_read_words);
    ts_json_member_double(b, "write_words", o->ew_write_words);
    json_builder_end_object(b);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "compute");
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", "vector");
    ts_json_member_double(b, "energy_pj", o->cost.compute_energy_pj);
    json_builder_end_object(b);
    ts_json_member_string(b, "mapping", NULL);
}

static void op_members(JsonBuilder *b, const TsDesReport *rep, guint i)
{
    const TsExecOpResult *o = &rep->des->ops[i];
    const TsLayerOp *lo = &rep->layer->ops[i];
    const TsLayerOp *src = owner(rep->layer, lo);
    TsReportInfo info = rep->info;
    info.engine = "des";
    if (rep->des->n_ops > 1)
        info.notes = NULL;
    if (o->einsum && src->einsum && src->search.n_best > 0)
        ts_report_cost_json_members(b, src->model, &src->search.best[0].mapping, &o->cost, &info);
    else
        vector_members(b, rep, o, &info);
    ts_json_member_string(b, "name", lo->op->name);
    ts_json_member_int(b, "count", (gint64)o->count);
    ts_report_des_op_json(b, o);
}

/* The "simulation" member: events, wall time and rate (null when reproducible), what the trace
 * holds, the simulation's notes; null without a run. */
static void simulation_json(JsonBuilder *b, const TsExecResult *d, gboolean reproducible)
{
    json_builder_set_member_name(b, "simulation");
    if (d == NULL) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    ts_json_member_count(b, "events", d->events);
    ts_json_member_double(b, "seconds", reproducible ? NAN : d->seconds);
    ts_json_member_double(b, "events_per_s",
                          reproducible || d->seconds <= 0 ? NAN
                                                               : (double)d->events / d->seconds);
    ts_json_member_string(b, "trace", d->trace_note);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; d->notes && d->notes[i]; i++)
        json_builder_add_string_value(b, d->notes[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
}

char *ts_report_des_json_string(const TsDesReport *rep)
{
    g_return_val_if_fail(rep != NULL && rep->layer != NULL && rep->des != NULL, NULL);
    const TsExecResult *d = rep->des;
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    if (d->n_ops == 1) {
        op_members(b, rep, 0);
    } else {
        ts_report_run_json(b, "des", rep->info.arch, rep->info.workload);
        json_builder_set_member_name(b, "ops");
        json_builder_begin_array(b);
        for (guint i = 0; i < d->n_ops; i++) {
            json_builder_begin_object(b);
            op_members(b, rep, i);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "totals");
        json_builder_begin_object(b);
        ts_json_member_double(b, "energy_pj", d->energy_pj);
        ts_json_member_int(b, "cycles", (gint64)llround(d->cycles));
        ts_json_member_double(b, "latency_s", d->latency_s);
        ts_json_member_int(b, "macs", (gint64)d->macs);
        ts_json_member_double(b, "edp_j_cycles", d->energy_pj * 1e-12 * d->cycles);
        ts_json_member_double(b, "pj_per_mac", d->macs > 0 ? d->energy_pj / d->macs : NAN);
        json_builder_end_object(b);
        ts_report_notes_json(b, rep->info.notes);
    }
    simulation_json(b, d, rep->reproducible);
    json_builder_end_object(b);
    return ts_json_builder_to_document(b);
}

/* ---- the DES parts of a layer report (simulate --engine both) -------------------------------- */

/* Component u of an op's result by name, or "name (kind)" when another component of the
 * simulation has the same name (a systolic array's level also holds the mac_array of vector
 * work): keys stay unique. Newly allocated. */
static char *unit_label(const TsExecOpResult *o, guint u)
{
    for (guint v = 0; v < o->n_units; v++)
        if (v != u && strcmp(o->unit[v].name, o->unit[u].name) == 0)
            return g_strdup_printf("%s (%s)", o->unit[u].name, o->unit[u].kind);
    return g_strdup(o->unit[u].name);
}

static gboolean ran(const TsLayerReport *rep, guint i)
{
    return rep->des != NULL && i < rep->des->n_ops &&
           (rep->des_not_run == NULL || rep->des_not_run[i] == NULL) && rep->des->ops[i].count > 0;
}

/* The ops run: their number, their analytical cycles (each x count) and the first run op
 * (whose component list every op shares: one simulation), or -1. */
static int des_summary(const TsLayerReport *rep, guint *n_run, double *an_cycles)
{
    int first = -1;
    *n_run = 0;
    *an_cycles = 0.0;
    for (guint i = 0; i < rep->result->n_ops; i++)
        if (ran(rep, i)) {
            (*n_run)++;
            *an_cycles += rep->result->ops[i].cycles * (double)rep->result->ops[i].op->count;
            if (first < 0)
                first = (int)i;
        }
    return first;
}

/* Sums over the ops run: the compute unit's busy cycles, its stalls by kind and (unit_stall
 * of n_units entries, or NULL) the stall cycles charged to each component. */
static void des_causes(const TsLayerReport *rep, double *busy, double stall[TS_STALL_COUNT_],
                       double *unit_stall, guint n_units)
{
    *busy = 0.0;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        stall[k] = 0.0;
    for (guint i = 0; i < rep->result->n_ops; i++) {
        if (!ran(rep, i))
            continue;
        const TsExecOpResult *o = &rep->des->ops[i];
        *busy += o->compute_busy_cycles;
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            stall[k] += o->stall_cycles[k];
        for (guint u = 0; unit_stall && u < n_units && u < o->n_units; u++)
            unit_stall[u] += o->unit[u].stall_cycles;
    }
}

static void not_run_text(GString *out, const TsLayerReport *rep)
{
    gboolean header = FALSE;
    for (guint i = 0; rep->des_not_run && i < rep->result->n_ops; i++) {
        if (rep->des_not_run[i] == NULL)
            continue;
        if (!header)
            g_string_append(out, "\n  not run on the DES (the model's figures stand):\n");
        header = TRUE;
        g_string_append_printf(out, "    #%u %s: %s\n", i + 1, rep->result->ops[i].op->name,
                               rep->des_not_run[i]);
    }
}

/* What none of the DRAM's causes accounts for in an op's window (TsExecDramTime), the bounds
 * taken whole: read/write turnarounds, bank conflicts; at least this (tCK per channel), and 0
 * when the causes cover the window. */
static double dram_rest(const TsExecDramTime *t)
{
    const double rest =
        t->window - t->data - t->channels_extra - t->spacing - t->row_misses - t->refresh - t->idle;
    return MAX(rest, 0.0);
}

/* An op the DES takes notably longer than the model (by TS_REPORT_DES_DRAM_GAP at least)
 * whose bound is the DRAM: a line naming where the DRAM's time went beyond its bursts' data,
 * from the DES's counters (TsExecDramTime), the largest cause first. */
#define TS_REPORT_DES_DRAM_GAP 0.10
typedef struct {
    double tck;
    char *text;
} DramCause;

static int cause_cmp(const void *a, const void *b)
{
    const double x = ((const DramCause *)a)->tck, y = ((const DramCause *)b)->tck;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void dram_cause_text(GString *out, guint i, const TsExecOpResult *o, double model)
{
    const TsExecDramTime *t = &o->dram_time;
    if (!t->valid || t->window <= 0 || model <= 0 ||
        o->cycles < (1 + TS_REPORT_DES_DRAM_GAP) * model || o->bound == NULL || t->level == NULL ||
        strcmp(o->bound, t->level) != 0)
        return;
    const double w = t->window;
    DramCause c[6];
    guint n = 0;
    if (t->reached < t->channels)
        c[n++] = (DramCause){t->channels_extra,
                             g_strdup_printf("channels reached, %u of %u: %.1f%%", t->reached,
                                             t->channels, 100.0 * t->channels_extra / w)};
    if (t->idle > 0)
        c[n++] =
            (DramCause){t->idle, g_strdup_printf("no request queued %.1f%% (measured, the "
                                                 "channels' mean: no burst for them, the transfers "
                                                 "waiting for another channel's queue, the compute "
                                                 "or their dependencies)",
                                                 100.0 * t->idle / w)};
    if (t->spacing > 0)
        c[n++] = (DramCause){t->spacing,
                             g_strdup_printf("column spacing, at most %.1f%% (row-hit bursts x "
                                             "(tCCD_L %u - tBURST %u) tCK: a row's bursts lie in "
                                             "one bank group)",
                                             100.0 * t->spacing / w, t->tCCD_L, t->tBURST)};
    c[n++] =
        (DramCause){t->row_misses, g_strdup_printf("row misses, at most %.1f%% (%" G_GUINT64_FORMAT
                                                   " activates x (tRP + tRCD))",
                                                   100.0 * t->row_misses / w, t->activates)};
    c[n++] = (DramCause){t->refresh, g_strdup_printf("refresh %.1f%% (%" G_GUINT64_FORMAT
                                                     " refreshes x tRFC over the channels)",
                                                     100.0 * t->refresh / w, t->refreshes)};
    const double rest = dram_rest(t);
    if (rest > 0)
        c[n++] = (DramCause){rest, g_strdup_printf("none of these (read/write turnarounds, bank "
                                                   "conflicts), at least %.1f%%",
                                                   100.0 * rest / w)};
    qsort(c, n, sizeof *c, cause_cmp);
    g_string_append_printf(out,
                           "  %u %s: %+.1f%% over the model, bound by the %s: the data bus of "
                           "the channels its bursts reached (%u of %u) busy %.1f%% of its "
                           "cycles; the largest cause beyond: %s",
                           i + 1, o->op->name, 100.0 * (o->cycles - model) / model, t->level,
                           t->reached, t->channels, 100.0 * t->data / w, c[0].text);
    for (guint k = 1; k < n; k++)
        if (c[k].tck >= 0.01 * w)
            g_string_append_printf(out, "; %s", c[k].text);
    g_string_append(out, "\n");
    for (guint k = 0; k < n; k++)
        g_free(c[k].text);
}

void ts_report_layer_des_text(GString *out, const TsLayerReport *rep)
{
    g_return_if_fail(out != NULL && rep != NULL && rep->result != NULL);
    const TsLayerResult *r = rep->result;
    const TsExecResult *d = rep->des;
    guint n_run;
    double an;
    const int first = des_summary(rep, &n_run, &an);
    g_string_append(out, "\n  discrete-event simulation (DES) of the same mappings: tile transfers "
                         "and compute steps on component models, ops in layer order (an op's "
                         "window runs from the previous op's end to its own):\n");
    if (first < 0 && rep->des_unavailable != NULL) {
        g_string_append_printf(out, "    not run: %s; the model's figures stand\n",
                               rep->des_unavailable);
        return;
    }
    if (first < 0) {
        not_run_text(out, rep);
        return;
    }
    g_string_append_printf(out,
                           "    %u of %u ops run: %.0f cycles, %.6g s (the model: %.0f cycles, "
                           "%+.2f%%); energy of the counted actions %.3f uJ (the model's "
                           "per-action energies)\n",
                           n_run, r->n_ops, d->cycles, d->latency_s, an,
                           an > 0 ? 100.0 * (d->cycles - an) / an : NAN, d->energy_pj * 1e-6);
    if (!rep->reproducible)
        g_string_append_printf(out, "    %" G_GUINT64_FORMAT " events in %.3f s (%.3g events/s)\n",
                               d->events, d->seconds,
                               d->seconds > 0 ? (double)d->events / d->seconds : 0.0);
    else
        g_string_append_printf(out, "    %" G_GUINT64_FORMAT " events\n", d->events);
    /* cycles by cause */
    double busy, stall[TS_STALL_COUNT_];
    const guint n_units = d->ops[first].n_units;
    double *unit_stall = g_new0(double, MAX(n_units, 1u));
    des_causes(rep, &busy, stall, unit_stall, n_units);
    double sum = busy;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        sum += stall[k];
    const double tot = sum > 0 ? sum : 1.0;
    g_string_append(out, "\n  DES cycles by cause (the ops run: the compute unit's busy and "
                         "stalled time per op; where an op starts computing inside the previous "
                         "op's window the sum differs from the simulated layer by that "
                         "overlap):\n");
    g_string_append_printf(out, "    %-28s %14.0f cycles %6.1f%%\n", "compute busy", busy,
                           100.0 * busy / tot);
    for (guint k = 0; k < TS_STALL_COUNT_; k++) {
        g_autofree char *label = g_strdup_printf("%s stall", ts_stall_kind_name((TsStallKind)k));
        g_string_append_printf(out, "    %-28s %14.0f cycles %6.1f%%\n", label, stall[k],
                               100.0 * stall[k] / tot);
    }
    g_string_append(out, "  DES stall cycles charged to components (the component that "
                         "limited the transfer the compute unit waited for):\n");
    for (guint u = 0; u < n_units; u++) {
        g_autofree char *label = unit_label(&d->ops[first], u);
        g_string_append_printf(out, "    %-28s %14.0f cycles %6.1f%%\n", label, unit_stall[u],
                               100.0 * unit_stall[u] / tot);
    }
    g_free(unit_stall);

    /* per op: stalls, bound, DRAM row hits */
    {
        static const char *const h[] = {"#",    "op",        "DES cycles", "busy %",
                                        "fill", "drain",     "bandwidth",  "latency",
                                        "bound", "DRAM row hits"};
        static const gboolean right[] = {FALSE, FALSE, TRUE, TRUE, TRUE,
                                         TRUE,  TRUE,  TRUE, FALSE, TRUE};
        TsTable t = ts_table_new(G_N_ELEMENTS(h), h, right);
        for (guint i = 0; i < r->n_ops; i++) {
            char **c = g_new0(char *, G_N_ELEMENTS(h) + 1);
            c[0] = g_strdup_printf("%u", i + 1);
            c[1] = g_strdup(r->ops[i].op->name);
            if (!ran(rep, i)) {
                c[2] = g_strdup("not run");
                for (guint k = 3; k < G_N_ELEMENTS(h); k++)
                    c[k] = g_strdup("-");
            } else {
                const TsExecOpResult *o = &d->ops[i];
                c[2] = g_strdup_printf("%.0f", o->cycles);
                c[3] = g_strdup_printf("%.1f", o->cycles > 0 ? 100.0 * o->compute_busy_cycles / o->cycles
                                                 : 0.0);
                c[4] = g_strdup_printf("%.0f", o->stall_cycles[TS_STALL_FILL]);
                c[5] = g_strdup_printf("%.0f", o->stall_cycles[TS_STALL_DRAIN]);
                c[6] = g_strdup_printf("%.0f", o->stall_cycles[TS_STALL_BANDWIDTH]);
                c[7] = g_strdup_printf("%.0f", o->stall_cycles[TS_STALL_LATENCY]);
                c[8] = g_strdup(ts_report_des_bound(o));
                c[9] = o->dram_row_hit_rate >= 0 ? g_strdup_printf("%.3f", o->dram_row_hit_rate)
                                                 : g_strdup("-");
            }
            ts_table_add(&t, c);
        }
        g_string_append(out, "\n  DES per op (all instances; stalls in cycles of the arch clock; "
                             "DRAM row hits / column commands):\n");
        ts_table_print(&t, out);
        /* a systolic array's fold skew, inside compute busy, which the model does not count */
        for (guint i = 0; i < r->n_ops; i++) {
            const TsExecOpResult *o = &d->ops[i];
            if (ran(rep, i) && o->array_fill_drain_cycles > 0.1 * o->compute_busy_cycles &&
                o->array_fill_drain_cycles > 0)
                g_string_append_printf(
                    out,
                    "  %u %s: the array's fold fill and drain (skew) take %.0f of its %.0f "
                    "compute-busy cycles; the model's compute cycles count none\n",
                    i + 1, r->ops[i].op->name, o->array_fill_drain_cycles,
                    o->compute_busy_cycles);
        }
        for (guint i = 0; i < r->n_ops; i++)
            if (ran(rep, i))
                dram_cause_text(out, i, &d->ops[i], r->ops[i].cycles * (double)r->ops[i].op->count);
    }
    /* per op: each component's utilization */
    {
        const guint nc = 2 + n_units;
        char **labels = g_new0(char *, nc + 1);
        gboolean *right = g_new0(gboolean, nc);
        labels[0] = g_strdup("#");
        labels[1] = g_strdup("op");
        for (guint u = 0; u < n_units; u++) {
            labels[2 + u] = unit_label(&d->ops[first], u);
            right[2 + u] = TRUE;
        }
        const char *const *h = (const char *const *)labels;
        TsTable t = ts_table_new(nc, h, right);
        for (guint i = 0; i < r->n_ops; i++) {
            char **c = g_new0(char *, nc + 1);
            c[0] = g_strdup_printf("%u", i + 1);
            c[1] = g_strdup(r->ops[i].op->name);
            for (guint u = 0; u < n_units; u++)
                c[2 + u] = ran(rep, i) && u < d->ops[i].n_units
                               ? g_strdup_printf("%.1f%%", 100.0 * d->ops[i].unit[u].utilization)
                               : g_strdup("-");
            ts_table_add(&t, c);
        }
        g_string_append(out, "\n  DES utilization of each component (busy time / the op's "
                             "window):\n");
        ts_table_print(&t, out);
        g_strfreev(labels);
        g_free(right);
    }
    not_run_text(out, rep);
    if (d->trace_note)
        g_string_append_printf(out, "  trace: %s\n", d->trace_note);
    for (guint i = 0; d->notes && d->notes[i]; i++)
        g_string_append_printf(out, "  DES note: %s\n", d->notes[i]);
}

void ts_report_layer_des_op_json(JsonBuilder *b, const TsLayerReport *rep, guint i)
{
    g_return_if_fail(b != NULL && rep != NULL);
    if (ran(rep, i)) {
        ts_report_des_op_json(b, &rep->des->ops[i]);
    } else {
        json_builder_set_member_name(b, "des");
        json_builder_add_null_value(b);
    }
    if (ran(rep, i))
        levels_json(b, "des_levels", &rep->des->ops[i], owner(rep->result, &rep->result->ops[i]));
    ts_json_member_string(b, "des_not_run",
                          ran(rep, i)                  ? NULL
                          : rep->des_not_run && rep->des_not_run[i] ? rep->des_not_run[i]
                          : rep->des_unavailable ? rep->des_unavailable
                                                 : "not run");
}

void ts_report_layer_des_run_json(JsonBuilder *b, const TsLayerReport *rep)
{
    g_return_if_fail(b != NULL && rep != NULL && rep->result != NULL);
    const TsLayerResult *r = rep->result;
    const TsExecResult *d = rep->des;
    guint n_run;
    double an;
    const int first = des_summary(rep, &n_run, &an);
    json_builder_set_member_name(b, "des_totals");
    json_builder_begin_object(b);
    ts_json_member_int(b, "ops_run", n_run);
    ts_json_member_int(b, "ops_not_run", (gint64)r->n_ops - n_run);
    ts_json_member_string(b, "unavailable", rep->des_unavailable);
    ts_json_member_double(b, "cycles", first >= 0 ? d->cycles : NAN);
    ts_json_member_double(b, "latency_s", first >= 0 ? d->latency_s : NAN);
    ts_json_member_double(b, "energy_pj", first >= 0 ? d->energy_pj : NAN);
    ts_json_member_double(b, "macs", first >= 0 ? d->macs : NAN);
    ts_json_member_double(b, "analytical_cycles", first >= 0 ? an : NAN);
    ts_json_member_double(b, "cycles_diff_pct",
                          first >= 0 && an > 0 ? 100.0 * (d->cycles - an) / an : NAN);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "des_breakdown");
    if (first < 0) {
        json_builder_add_null_value(b);
    } else {
        const guint n_units = d->ops[first].n_units;
        double busy, stall[TS_STALL_COUNT_];
        double *unit_stall = g_new0(double, MAX(n_units, 1u));
        des_causes(rep, &busy, stall, unit_stall, n_units);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "cycles_by_cause");
        json_builder_begin_object(b);
        ts_json_member_double(b, "compute", busy);
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            ts_json_member_double(b, ts_stall_kind_name((TsStallKind)k), stall[k]);
        json_builder_end_object(b);
        json_builder_set_member_name(b, "stall_cycles_by_component");
        json_builder_begin_object(b);
        for (guint u = 0; u < n_units; u++) {
            g_autofree char *label = unit_label(&d->ops[first], u);
            ts_json_member_double(b, label, unit_stall[u]);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
        g_free(unit_stall);
    }
    simulation_json(b, d, rep->reproducible);
}

/* Components of the run (one simulation: every op run lists the same), or 0. */
static guint csv_units(const TsLayerReport *rep, int *first)
{
    guint n_run;
    double an;
    *first = des_summary(rep, &n_run, &an);
    return *first >= 0 ? rep->des->ops[*first].n_units : 0;
}

void ts_report_layer_des_csv_header(GString *s, const TsLayerReport *rep)
{
    g_string_append(s, ",des_total_cycles,des_bound,des_compute_busy_cycles");
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        g_string_append_printf(s, ",des_%s_stall_cycles", ts_stall_kind_name((TsStallKind)k));
    g_string_append(s, ",des_dram_row_hit_rate,des_not_run");
    int first;
    const guint n = csv_units(rep, &first);
    for (guint u = 0; u < n; u++) {
        g_autofree char *label = unit_label(&rep->des->ops[first], u);
        g_autofree char *name = g_strdup_printf("des_utilization:%s", label);
        g_string_append_c(s, ',');
        ts_csv_text(s, name);
    }
}

void ts_report_layer_des_csv_fields(GString *s, const TsLayerReport *rep, int index)
{
    int first;
    const guint n = csv_units(rep, &first);
    if (index < -1) {
        /* a whole-model row: the DES ran one layer */
        for (guint k = 0; k < 5 + TS_STALL_COUNT_ + n; k++)
            g_string_append_c(s, ',');
        return;
    }
    if (index < 0) {
        /* totals row: the simulated layer's cycles and its causes */
        g_string_append_c(s, ',');
        if (first >= 0)
            ts_csv_double(s, rep->des->cycles);
        g_string_append_c(s, ',');
        if (first >= 0) {
            double busy, stall[TS_STALL_COUNT_];
            des_causes(rep, &busy, stall, NULL, 0);
            g_string_append_c(s, ',');
            ts_csv_double(s, busy);
            for (guint k = 0; k < TS_STALL_COUNT_; k++) {
                g_string_append_c(s, ',');
                ts_csv_double(s, stall[k]);
            }
        } else {
            g_string_append(s, ",");
            for (guint k = 0; k < TS_STALL_COUNT_; k++)
                g_string_append_c(s, ',');
        }
        g_string_append(s, ",,");
        ts_csv_text(s, first < 0 ? rep->des_unavailable : NULL);
        for (guint u = 0; u < n; u++)
            g_string_append_c(s, ',');
        return;
    }
    const guint i = (guint)index;
    if (!ran(rep, i)) {
        g_string_append(s, ",,,");
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            g_string_append_c(s, ',');
        g_string_append(s, ",,");
        ts_csv_text(s, rep->des_not_run && rep->des_not_run[i] ? rep->des_not_run[i]
                       : rep->des_unavailable                  ? rep->des_unavailable
                                                               : "not run");
        for (guint u = 0; u < n; u++)
            g_string_append_c(s, ',');
        return;
    }
    const TsExecOpResult *o = &rep->des->ops[i];
    g_string_append_c(s, ',');
    ts_csv_double(s, o->cycles);
    g_string_append_c(s, ',');
    ts_csv_text(s, ts_report_des_bound(o));
    g_string_append_c(s, ',');
    ts_csv_double(s, o->compute_busy_cycles);
    for (guint k = 0; k < TS_STALL_COUNT_; k++) {
        g_string_append_c(s, ',');
        ts_csv_double(s, o->stall_cycles[k]);
    }
    g_string_append_c(s, ',');
    if (o->dram_row_hit_rate >= 0)
        ts_csv_double(s, o->dram_row_hit_rate);
    g_string_append_c(s, ',');
    for (guint u = 0; u < n; u++) {
        g_string_append_c(s, ',');
        if (u < o->n_units)
            ts_csv_double(s, o->unit[u].utilization);
    }
}
