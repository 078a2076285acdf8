/* Side-by-side reports of one workload on several architectures. */
#include "ts-report-compare.h"
#include "ts-report-breakdown.h"
#include "ts-report-json.h"

#include <math.h>
#include <string.h>
#include "ts-json-glib.h"

static double ratio(double v, double ref)
{
    return ref > 0 && isfinite(v) ? v / ref : NAN;
}

static void ratio_text(GString *out, double r)
{
    if (isfinite(r))
        g_string_append_printf(out, " %8.3fx", r);
    else
        g_string_append_printf(out, " %9s", "-");
}

static const char *arch_name(const TsLayerReport *rep)
{
    return rep->info.arch ? rep->info.arch : "?";
}

void ts_report_arch_compare_text(GString *out, const TsLayerReport *const *runs, guint n)
{
    g_return_if_fail(out != NULL && runs != NULL && n > 0);
    const TsLayerResult *r0 = runs[0]->result;
    g_string_append_printf(out,
                           "tilesim compare: %s on %u architectures (analytical engine); ratios "
                           "are to %s\n",
                           runs[0]->info.workload ? runs[0]->info.workload : "-", n,
                           arch_name(runs[0]));
    g_string_append_printf(out, "\n  %-20s %14s %9s %14s %12s %9s %14s %9s %8s %11s\n", "arch",
                           "energy (uJ)", "ratio", "cycles", "latency (s)", "ratio",
                           "EDP (J x s)", "ratio", "pJ/MAC", "utilization");
    const double edp0 = r0->energy_pj * 1e-12 * r0->latency_s;
    for (guint a = 0; a < n; a++) {
        const TsLayerResult *r = runs[a]->result;
        const double edp = r->energy_pj * 1e-12 * r->latency_s;
        g_string_append_printf(out, "  %-20s %14.3f", arch_name(runs[a]), r->energy_pj * 1e-6);
        ratio_text(out, ratio(r->energy_pj, r0->energy_pj));
        g_string_append_printf(out, " %14.0f %12.6g", r->cycles, r->latency_s);
        ratio_text(out, ratio(r->latency_s, r0->latency_s));
        g_string_append_printf(out, " %14.6g", edp);
        ratio_text(out, ratio(edp, edp0));
        g_string_append_printf(out, " %8.3f %11.3f\n", r->pj_per_mac, r->utilization);
    }

    /* Per op: latency and energy of each arch (each op x count), ratio to the first. */
    for (guint what = 0; what < 2; what++) {
        g_string_append_printf(out, "\n  %s per op (each op x count; ratio to %s):\n",
                               what == 0 ? "latency (us)" : "energy (uJ)", arch_name(runs[0]));
        g_string_append_printf(out, "    %-3s %-10s", "#", "op");
        for (guint a = 0; a < n; a++) {
            g_string_append_printf(out, " %14.14s", arch_name(runs[a]));
            if (a)
                g_string_append_printf(out, " %9s", "ratio");
        }
        g_string_append_c(out, '\n');
        for (guint i = 0; i < r0->n_ops; i++) {
            const TsLayerOp *o0 = &r0->ops[i];
            g_string_append_printf(out, "    %-3u %-10s", i + 1, o0->op->name ? o0->op->name : "?");
            const double c0 = (double)o0->op->count;
            const double v0 = what == 0 ? o0->latency_s * c0 * 1e6 : o0->energy_pj * c0 * 1e-6;
            for (guint a = 0; a < n; a++) {
                const TsLayerResult *r = runs[a]->result;
                if (i >= r->n_ops) {
                    g_string_append_printf(out, " %14s", "-");
                    continue;
                }
                const TsLayerOp *o = &r->ops[i];
                const double c = (double)o->op->count;
                const double v = what == 0 ? o->latency_s * c * 1e6 : o->energy_pj * c * 1e-6;
                g_string_append_printf(out, " %14.3f", v);
                if (a > 0)
                    ratio_text(out, ratio(v, v0));
            }
            g_string_append_c(out, '\n');
        }
    }

    /* Where each arch spends its energy. */
    g_string_append(out, "\n  energy by op class (share of each arch's energy):\n");
    g_string_append_printf(out, "    %-20s", "arch");
    for (guint k = 0; k < TS_OP_CLASS_COUNT_; k++)
        g_string_append_printf(out, " %11s", ts_op_class_label((TsOpClass)k));
    g_string_append_c(out, '\n');
    for (guint a = 0; a < n; a++) {
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, runs[a]->arch, runs[a]->result);
        const double e = runs[a]->result->energy_pj;
        g_string_append_printf(out, "    %-20s", arch_name(runs[a]));
        for (guint k = 0; k < TS_OP_CLASS_COUNT_; k++)
            g_string_append_printf(out, " %10.1f%%", e > 0 ? 100.0 * bd.energy_by_class_pj[k] / e : 0.0);
        g_string_append_c(out, '\n');
        ts_layer_breakdown_clear(&bd);
    }
    g_string_append(out, "\n  energy by level (share of each arch's energy):\n");
    for (guint a = 0; a < n; a++) {
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, runs[a]->arch, runs[a]->result);
        const double e = runs[a]->result->energy_pj;
        g_string_append_printf(out, "    %-20s", arch_name(runs[a]));
        for (guint p = 0; p < bd.n_parts; p++)
            if (bd.energy_by_part_pj[p] != 0.0)
                g_string_append_printf(out, " %s %.1f%%", bd.part_names[p],
                                       e > 0 ? 100.0 * bd.energy_by_part_pj[p] / e : 0.0);
        g_string_append_c(out, '\n');
        ts_layer_breakdown_clear(&bd);
    }
    for (guint a = 0; a < n; a++) {
        const char *const *notes = runs[a]->info.notes;
        for (guint k = 0; notes && notes[k]; k++)
            g_string_append_printf(out, "  note (%s): %s\n", arch_name(runs[a]), notes[k]);
    }
}

static void totals_json(JsonBuilder *b, const TsLayerResult *r)
{
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    ts_json_member_double(b, "energy_pj", r->energy_pj);
    ts_json_member_double(b, "cycles", r->cycles);
    ts_json_member_double(b, "latency_s", r->latency_s);
    ts_json_member_double(b, "macs", r->macs);
    ts_json_member_double(b, "utilization", r->utilization);
    ts_json_member_double(b, "edp_j_cycles", r->edp_j_cycles);
    ts_json_member_double(b, "edp_j_s", r->energy_pj * 1e-12 * r->latency_s);
    ts_json_member_double(b, "pj_per_mac", r->macs > 0 ? r->pj_per_mac : NAN);
    ts_json_member_double(b, "leakage_pj", r->leakage_pj);
    ts_json_member_double(b, "area_um2", r->area_um2);
    json_builder_end_object(b);
}

char *ts_report_arch_compare_json_string(const TsLayerReport *const *runs, guint n)
{
    g_return_val_if_fail(runs != NULL && n > 0, NULL);
    const TsLayerResult *r0 = runs[0]->result;
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ts_json_member_string(b, "tool", "tilesim");
    ts_json_member_string(b, "version", TILESIM_VERSION);
    ts_json_member_string(b, "engine", "analytical");
    ts_json_member_string(b, "workload", runs[0]->info.workload);
    ts_json_member_string(b, "reference", runs[0]->info.arch);
    json_builder_set_member_name(b, "archs");
    json_builder_begin_array(b);
    const double edp0 = r0->energy_pj * 1e-12 * r0->latency_s;
    for (guint a = 0; a < n; a++) {
        const TsLayerResult *r = runs[a]->result;
        json_builder_begin_object(b);
        ts_json_member_string(b, "arch", runs[a]->info.arch);
        totals_json(b, r);
        json_builder_set_member_name(b, "ratio_to_first");
        json_builder_begin_object(b);
        ts_json_member_double(b, "energy", ratio(r->energy_pj, r0->energy_pj));
        ts_json_member_double(b, "cycles", ratio(r->cycles, r0->cycles));
        ts_json_member_double(b, "latency", ratio(r->latency_s, r0->latency_s));
        ts_json_member_double(b, "edp", ratio(r->energy_pj * 1e-12 * r->latency_s, edp0));
        json_builder_end_object(b);
        json_builder_set_member_name(b, "ops");
        json_builder_begin_array(b);
        for (guint i = 0; i < r->n_ops; i++) {
            const TsLayerOp *o = &r->ops[i];
            const double c = (double)o->op->count;
            json_builder_begin_object(b);
            ts_json_member_string(b, "name", o->op->name);
            ts_json_member_count(b, "count", o->op->count);
            ts_json_member_double(b, "cycles", o->cycles * c);
            ts_json_member_double(b, "latency_s", o->latency_s * c);
            ts_json_member_double(b, "energy_pj", o->energy_pj * c);
            ts_json_member_string(b, "bound", o->bound);
            const TsLayerOp *ref = i < r0->n_ops ? &r0->ops[i] : NULL;
            const double rc = ref ? (double)ref->op->count : NAN;
            ts_json_member_double(b, "latency_ratio",
                                  ref ? ratio(o->latency_s * c, ref->latency_s * rc) : NAN);
            ts_json_member_double(b, "energy_ratio",
                                  ref ? ratio(o->energy_pj * c, ref->energy_pj * rc) : NAN);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, runs[a]->arch, r);
        ts_layer_breakdown_json(b, &bd, r);
        ts_layer_breakdown_clear(&bd);
        ts_report_notes_json(b, runs[a]->info.notes);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    return ts_json_builder_to_document(b);
}
