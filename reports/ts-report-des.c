/* Reports of a workload run through the DES executor: text tables and the JSON of docs/cli.md. */
#include "ts-report-des.h"

#include <math.h>
#include <string.h>

#include "ts-report-json.h"

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
static const char *des_bound(const TsExecOpResult *o)
{
    return o->bound != NULL ? o->bound : "-";
}

/* ---- text ---------------------------------------------------------------------------------- */

static void op_detail_text(GString *out, const TsDesReport *rep, guint i)
{
    const TsExecOpResult *o = &rep->des->ops[i];
    const TsLayerOp *lo = &rep->layer->ops[i];
    const TsLayerOp *src = owner(rep->layer, lo);
    g_string_append_printf(out, "\n%s (x%" G_GUINT64_FORMAT "): %.0f cycles from cycle %.0f",
                           o->op->name, o->count, o->cycles, o->start_cycles);
    if (o->einsum)
        g_string_append_printf(out,
                               ", %" G_GUINT64_FORMAT " tile steps per instance (walk depth %u)",
                               o->steps, o->depth);
    g_string_append_printf(out, ", %" G_GUINT64_FORMAT " events\n", o->events);
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
    if (o->einsum && rep->both && src->einsum && src->search.n_best > 0) {
        const TsCost *a = &src->search.best[0].cost;
        g_string_append_printf(out, "  %-16s %16s %16s %8s %14s\n", "level", "accesses (an.)",
                               "accesses (DES)", "diff %", "an. cycles");
        for (guint l = 0; l < o->cost.n_levels && l < a->n_levels; l++) {
            const double an = level_accesses(a, l), de = level_accesses(&o->cost, l);
            g_string_append_printf(out, "  %-16s %16.0f %16.0f %8.2f %14.0f\n",
                                   ts_model_level(src->model, l)->name, an, de, pct(de, an),
                                   a->level[l].cycles);
        }
    }
    g_string_append_printf(out, "  %-16s %-14s %12s %14s %14s\n", "component", "kind",
                           "utilization", "stall cycles", "bank conflicts");
    for (guint u = 0; u < o->n_units; u++) {
        const TsExecUnitResult *ur = &o->unit[u];
        g_string_append_printf(out, "  %-16s %-14s %11.1f%% %14.0f %14.0f\n", ur->name, ur->kind,
                               100.0 * ur->utilization, ur->stall_cycles, ur->bank_conflict_cycles);
    }
    if (o->dram_row_hit_rate >= 0)
        g_string_append_printf(out,
                               "  DRAM: %" G_GUINT64_FORMAT " read and %" G_GUINT64_FORMAT
                               " write bursts, row-hit rate %.3f, command energy %.4g pJ\n",
                               o->dram_reads, o->dram_writes, o->dram_row_hit_rate,
                               o->dram_command_energy_pj);
}

void ts_report_des_text(GString *out, const TsDesReport *rep)
{
    g_return_if_fail(out != NULL && rep != NULL && rep->layer != NULL && rep->des != NULL);
    const TsExecResult *d = rep->des;
    const TsLayerResult *r = rep->layer;
    g_string_append_printf(out, "tilesim simulate: %s on %s, %s\n",
                           rep->info.workload ? rep->info.workload : "-",
                           rep->info.arch ? rep->info.arch : "-",
                           rep->both ? "analytical model and discrete-event simulation (DES)"
                                     : "discrete-event simulation (DES)");
    if (rep->both)
        g_string_append_printf(out, "%-12s %6s %14s %14s %8s %14s %14s %10s\n", "op", "count",
                               "an. cycles", "DES cycles", "diff %", "an. energy pJ",
                               "DES energy pJ", "DES bound");
    else
        g_string_append_printf(out, "%-12s %6s %14s %14s %10s %10s\n", "op", "count", "cycles",
                               "energy pJ", "compute %", "bound");
    for (guint i = 0; i < d->n_ops; i++) {
        const TsExecOpResult *o = &d->ops[i];
        const TsLayerOp *lo = &r->ops[i];
        const double an_cycles = lo->cycles * (double)o->count;
        const double en = o->cost.energy_pj * (double)o->count;
        if (rep->both)
            g_string_append_printf(
                out, "%-12s %6" G_GUINT64_FORMAT " %14.0f %14.0f %8.2f %14.4g %14.4g %10s\n",
                o->op->name, o->count, an_cycles, o->cycles, pct(o->cycles, an_cycles),
                lo->energy_pj * (double)o->count, en, des_bound(o));
        else
            g_string_append_printf(out, "%-12s %6" G_GUINT64_FORMAT " %14.0f %14.4g %9.1f%% %10s\n",
                                   o->op->name, o->count, o->cycles, en,
                                   o->cycles > 0 ? 100.0 * o->compute_busy_cycles / o->cycles : 0.0,
                                   des_bound(o));
    }
    if (rep->both)
        g_string_append_printf(out, "%-12s %6s %14.0f %14.0f %8.2f %14.4g %14.4g\n", "total", "",
                               r->cycles, d->cycles, pct(d->cycles, r->cycles), r->energy_pj,
                               d->energy_pj);
    else
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

static void des_member(JsonBuilder *b, const TsExecOpResult *o)
{
    json_builder_set_member_name(b, "des");
    json_builder_begin_object(b);
    ts_json_member_double(b, "start_cycles", o->start_cycles);
    ts_json_member_double(b, "cycles", o->cycles);
    ts_json_member_double(b, "latency_s", o->latency_s);
    ts_json_member_count(b, "events", o->events);
    if (o->einsum) {
        ts_json_member_count(b, "steps", o->steps);
        ts_json_member_int(b, "walk_depth", o->depth);
    }
    ts_json_member_string(b, "bound", des_bound(o));
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
    json_builder_end_object(b);
}

static void analytical_member(JsonBuilder *b, const TsDesReport *rep, guint i)
{
    const TsExecOpResult *o = &rep->des->ops[i];
    const TsLayerOp *lo = &rep->layer->ops[i];
    const TsLayerOp *src = owner(rep->layer, lo);
    json_builder_set_member_name(b, "analytical");
    json_builder_begin_object(b);
    ts_json_member_double(b, "cycles", lo->cycles);
    ts_json_member_double(b, "energy_pj", lo->energy_pj);
    ts_json_member_double(b, "cycles_diff_pct", pct(o->cost.cycles, lo->cycles));
    ts_json_member_string(b, "bound", lo->bound);
    if (o->einsum && src->einsum && src->search.n_best > 0) {
        const TsCost *a = &src->search.best[0].cost;
        json_builder_set_member_name(b, "levels");
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
    json_builder_end_object(b);
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
    des_member(b, o);
    if (rep->both)
        analytical_member(b, rep, i);
}

char *ts_report_des_json_string(const TsDesReport *rep)
{
    g_return_val_if_fail(rep != NULL && rep->layer != NULL && rep->des != NULL, NULL);
    const TsExecResult *d = rep->des;
    g_autoptr(JsonBuilder) b = json_builder_new();
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
        if (rep->both) {
            json_builder_set_member_name(b, "analytical_totals");
            json_builder_begin_object(b);
            ts_json_member_double(b, "energy_pj", rep->layer->energy_pj);
            ts_json_member_double(b, "cycles", rep->layer->cycles);
            ts_json_member_double(b, "cycles_diff_pct", pct(d->cycles, rep->layer->cycles));
            json_builder_end_object(b);
        }
        ts_report_notes_json(b, rep->info.notes);
    }
    json_builder_set_member_name(b, "simulation");
    json_builder_begin_object(b);
    ts_json_member_count(b, "events", d->events);
    ts_json_member_double(b, "seconds", rep->reproducible ? NAN : d->seconds);
    ts_json_member_double(b, "events_per_s",
                          rep->reproducible || d->seconds <= 0 ? NAN
                                                               : (double)d->events / d->seconds);
    ts_json_member_string(b, "trace", d->trace_note);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; d->notes && d->notes[i]; i++)
        json_builder_add_string_value(b, d->notes[i]);
    json_builder_end_array(b);
    json_builder_end_object(b);
    json_builder_end_object(b);
    g_autofree char *text = ts_json_builder_to_string(b);
    return g_strconcat(text, "\n", NULL);
}
