/* Text and JSON reports of analytical-model costs. The text follows the layout of Timeloop's
 * stats.txt (levels innermost first with SPECS and STATS blocks, then Summary Stats) so the two
 * can be diffed by eye; the JSON follows docs/cli.md key for key. Numbers come from the
 * TsCost and the model's level records only. */
#include "ts-report-cost.h"
#include "ts-layer.h"
#include "ts-report-json.h"

#include <math.h>
#include <string.h>
#include "ts-json-glib.h"

/* Every utilized instance does the same (perfect factors): the all-instance counts are the
 * per-instance ones times the instances, and the reports leave them out. */
static gboolean uniform_instances(const TsTensorCost *tc)
{
    return tc->reads_all == tc->reads * tc->instances &&
           tc->fills_all == tc->fills * tc->instances &&
           tc->updates_all == tc->updates * tc->instances;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void append_bw(GString *out, const char *label, double bw)
{
    if (bw > 0.0)
        g_string_append_printf(out, "        %-27s : %.2f\n", label, bw);
    else
        g_string_append_printf(out, "        %-27s : -\n", label);
}

static void op_signature(GString *out, const TsOp *op)
{
    g_string_append_printf(out, "%s (", or_dash(op->name));
    for (guint d = 0; d < op->n_dims; d++)
        g_string_append_printf(out, "%s%s=%" G_GUINT64_FORMAT, d ? " " : "",
                               or_dash(op->dim_names[d]), op->dims[d]);
    g_string_append(out, ")");
}

void ts_report_notes_text(GString *out, const char *const *notes)
{
    if (notes == NULL || notes[0] == NULL)
        return;
    g_string_append(out, "\nNotes\n-----\n");
    for (guint i = 0; notes[i]; i++)
        g_string_append_printf(out, "note: %s\n", notes[i]);
}

void ts_report_notes_json(JsonBuilder *b, const char *const *notes)
{
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; notes != NULL && notes[i]; i++)
        json_builder_add_string_value(b, notes[i]);
    json_builder_end_array(b);
}

/* Area and leakage of one level: per instance, as Timeloop v4 prints them. */
static void append_static(GString *out, const TsLevel *lv, const char *indent, int width)
{
    g_string_append_printf(out, "%s%-*s : %.6g pJ\n", indent, width, "Per-instance-cycle leakage",
                           lv->energy.leak_pj_per_cycle);
    g_string_append_printf(out, "%s%-*s : %.2f um^2 (%s)\n", indent, width, "Area (per instance)",
                           lv->area_um2, lv->area_source ? lv->area_source : "not given");
}

void ts_report_cost_text(GString *out, const TsModel *model, const TsMapping *mapping,
                         const TsCost *cost, const TsReportInfo *info)
{
    g_return_if_fail(out != NULL && model != NULL && mapping != NULL && cost != NULL);
    const TsOp *op = ts_model_op(model);
    const guint nl = ts_model_n_levels(model);
    const TsLevel *mac = ts_model_compute(model);

    g_string_append(out, "tilesim analytical model (Timeloop 3.0.3 semantics)\n");
    g_string_append(out, "op ");
    op_signature(out, op);
    g_string_append_printf(out, " of %s on %s\n", info ? or_dash(info->workload) : "-",
                           info ? or_dash(info->arch) : "-");
    if (cost->status != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, mapping, cost);
        g_string_append_printf(out, "invalid mapping (%s): %s\n", ts_eval_status_name(cost->status),
                               why);
        return;
    }

    g_autofree char *nest = ts_model_format_nest(model, mapping);
    g_string_append_printf(out,
                           "\nMapping (loop nest, as Timeloop's map.txt)\n"
                           "------------------------------------------%s\n",
                           nest);

    g_string_append(out, "Buffer and Arithmetic Levels\n----------------------------\n");
    g_string_append(out, "Level 0\n-------\n");
    g_string_append_printf(out, "=== %s ===\n\n", or_dash(mac->name));
    g_string_append(out, "    SPECS\n    -----\n");
    g_string_append_printf(out, "    Word bits             : %u\n", mac->word_bits);
    g_string_append_printf(out, "    Instances             : %u (%u*%u)\n", mac->instances,
                           mac->mesh_x, mac->mesh_y);
    g_string_append_printf(out, "    Compute energy        : %.2f pJ\n", mac->energy.mac_pj);
    g_string_append_printf(out, "    Compute energy source : %s\n", or_dash(mac->energy.source));
    append_static(out, mac, "    ", 21);
    g_string_append(out, "\n    STATS\n    -----\n");
    g_string_append_printf(out, "    Utilized instances      : %" G_GUINT64_FORMAT "\n",
                           cost->compute_instances);
    g_string_append_printf(out, "    Computes (total)        : %" G_GUINT64_FORMAT "\n",
                           cost->macs);
    g_string_append_printf(out, "    Cycles                  : %.0f\n", cost->compute_cycles);
    g_string_append_printf(out, "    Energy (total)          : %.2f pJ\n", cost->compute_energy_pj);
    g_string_append_printf(out, "    Leakage energy (total)  : %.2f pJ\n",
                           cost->compute_leakage_pj);
    g_string_append_printf(out, "    Area (total)            : %.2f um^2\n\n",
                           cost->compute_area_um2);

    for (guint k = 0; k < nl; k++) {
        const guint l = nl - 1 - k; /* innermost first, as Timeloop lists levels */
        const TsLevel *lv = ts_model_level(model, l);
        const TsLevelCost *lc = &cost->level[l];
        g_string_append_printf(out, "Level %u\n-------\n=== %s ===\n\n", k + 1, or_dash(lv->name));
        g_string_append(out, "    SPECS\n    -----\n");
        g_string_append_printf(out, "        %-27s : %s\n", "Technology", ts_class_name(lv->klass));
        if (lv->size_words)
            g_string_append_printf(out, "        %-27s : %" G_GUINT64_FORMAT "\n", "Size",
                                   lv->size_words);
        else
            g_string_append_printf(out, "        %-27s : -\n", "Size");
        g_string_append_printf(out, "        %-27s : %u\n", "Word bits", lv->word_bits);
        g_string_append_printf(out, "        %-27s : %u\n", "Block size", lv->block_size);
        g_string_append_printf(out, "        %-27s : %u\n", "Cluster size", lv->cluster_size);
        g_string_append_printf(out, "        %-27s : %u (%u*%u)\n", "Instances", lv->instances,
                               lv->mesh_x, lv->mesh_y);
        g_string_append_printf(out, "        %-27s : %u (X %u, Y %u)\n", "Fan-out below",
                               lv->fanout_x * lv->fanout_y, lv->fanout_x, lv->fanout_y);
        append_bw(out, "Shared bandwidth", lv->shared_bw_words_per_cycle);
        append_bw(out, "Read bandwidth", lv->read_bw_words_per_cycle);
        append_bw(out, "Write bandwidth", lv->write_bw_words_per_cycle);
        g_string_append_printf(out, "        %-27s : %.2f\n", "Multiple buffering",
                               lv->multiple_buffering > 0 ? lv->multiple_buffering : 1.0);
        if (lc->capacity_words)
            g_string_append_printf(out, "        %-27s : %" G_GUINT64_FORMAT "\n", "Effective size",
                                   lc->capacity_words);
        else
            g_string_append_printf(out, "        %-27s : -\n", "Effective size");
        g_string_append_printf(out, "        %-27s : %.2f\n", "Min utilization",
                               lv->min_utilization);
        g_string_append_printf(out, "        %-27s : %.2f pJ", "Vector access energy",
                               lv->energy.read_pj);
        if (lv->energy.write_pj != lv->energy.read_pj || lv->energy.update_pj != lv->energy.read_pj)
            g_string_append_printf(out, " (read; write %.2f, update %.2f)", lv->energy.write_pj,
                                   lv->energy.update_pj);
        g_string_append_printf(out, "\n        %-27s : %s\n", "Vector access energy source",
                               or_dash(lv->energy.source));
        append_static(out, lv, "        ", 27);
        g_string_append(out, "\n    STATS\n    -----\n");
        g_string_append_printf(out, "    Cycles               : %.0f\n", lc->cycles);
        g_string_append_printf(out, "    Leakage energy       : %.2f pJ (all instances)\n",
                               lc->leakage_pj);
        g_string_append_printf(out, "    Bandwidth throttling : %.2f\n", lc->throttling);
        g_string_append_printf(out, "    Capacity utilization : %.2f\n", lc->utilization);
        for (guint t = 0; t < op->n_tensors; t++) {
            if (!(lc->keep >> t & 1u))
                continue;
            const TsTensorCost *tc = &lc->tensor[t];
            const uint64_t acc = tc->reads + tc->fills + tc->updates;
            const uint64_t acc_all = tc->reads_all + tc->fills_all + tc->updates_all;
            const double per_inst = tc->instances ? tc->energy_pj / (double)tc->instances : 0.0;
            const double per_access = uniform_instances(tc)
                                          ? (acc ? per_inst / (double)acc : 0.0)
                                          : (acc_all ? tc->energy_pj / (double)acc_all : 0.0);
            g_string_append_printf(out, "    %s:\n", or_dash(op->tensors[t].name));
#define ROW_U(label, v)                                                                            \
    g_string_append_printf(out, "        %-40s : %" G_GUINT64_FORMAT "\n", label, (uint64_t)(v))
#define ROW_E(label, v) g_string_append_printf(out, "        %-40s : %.2f pJ\n", label, (double)(v))
            ROW_U("Partition size", tc->partition_words);
            ROW_U("Utilized capacity", tc->tile_words);
            ROW_U("Utilized instances (max)", tc->instances);
            ROW_U("Scalar reads (per-instance)", tc->reads);
            ROW_U("Scalar updates (per-instance)", tc->updates);
            ROW_U("Scalar fills (per-instance)", tc->fills);
            if (!uniform_instances(tc)) {
                /* imperfect factors: instances with partial tiles do less than the busiest */
                ROW_U("Scalar reads (all instances)", tc->reads_all);
                ROW_U("Scalar updates (all instances)", tc->updates_all);
                ROW_U("Scalar fills (all instances)", tc->fills_all);
            }
            ROW_U("Multicast factor (fan-out below)", tc->multicast);
            ROW_E("Energy (per-scalar-access)", per_access);
            ROW_E("Energy (per-instance)", per_inst);
            ROW_E("Energy (total)", tc->energy_pj);
#undef ROW_U
#undef ROW_E
        }
        g_string_append_c(out, '\n');
    }

    g_string_append(out, "Summary Stats\n-------------\n");
    g_string_append_printf(out, "GFLOPs (@1GHz): %.2f\n", (double)cost->total_ops / cost->cycles);
    g_string_append_printf(out, "Utilization: %.2f\n", cost->utilization);
    g_string_append_printf(out, "Cycles: %.0f\n", cost->cycles);
    g_string_append_printf(out, "Latency: %.6g s (clock %.6g Hz)\n", cost->latency_s,
                           ts_model_clock_hz(model));
    g_string_append_printf(out, "Energy: %.2f uJ (dynamic, as Timeloop 3.0.3)\n",
                           cost->energy_pj / 1e6);
    g_string_append_printf(out, "Leakage: %.6g uJ (leak per instance-cycle x cycles x instances)\n",
                           cost->leakage_pj / 1e6);
    g_string_append_printf(out, "Energy with leakage: %.2f uJ\n",
                           cost->energy_with_leakage_pj / 1e6);
    g_string_append_printf(out, "EDP(J*cycle): %.2e (dynamic energy)\n", cost->edp_j_cycles);
    g_string_append_printf(out, "Area: %.6g mm^2 (every instance of every level)\n",
                           cost->area_um2 / 1e6);
    if (cost->load_bytes > 0) {
        g_string_append_printf(out,
                               "One-time load: %.6g MB, %.6g s, %.2f uJ (resident data, once "
                               "before any inference; not in the figures above):",
                               (double)cost->load_bytes / 1e6, cost->load_s,
                               cost->load_energy_pj / 1e6);
        for (guint t = 0; t < op->n_tensors && t < TS_MAX_TENSORS; t++)
            if (cost->load_level[t] >= 0)
                g_string_append_printf(
                    out, " %s %.6g MB into %s", or_dash(op->tensors[t].name),
                    (double)cost->load_bytes_tensor[t] / 1e6,
                    or_dash(ts_model_level(model, (guint)cost->load_level[t])->name));
        g_string_append_c(out, '\n');
    }
    if (ts_model_link_name(model) != NULL) {
        g_string_append(out, "Host-link calls: ");
        ts_report_link_calls_text(out, model, cost);
        g_string_append_c(out, '\n');
    }
    g_string_append_c(out, '\n');
    g_string_append_printf(out, "Computes = %" G_GUINT64_FORMAT "\npJ/Compute\n", cost->macs);
    gsize w = strlen("Total");
    w = MAX(w, strlen(or_dash(mac->name)));
    for (guint l = 0; l < nl; l++)
        w = MAX(w, strlen(or_dash(ts_model_level(model, l)->name)));
    const double macs = (double)cost->macs;
    g_string_append_printf(out, "    %-*s = %.3f\n", (int)w, or_dash(mac->name),
                           cost->compute_energy_pj / macs);
    for (guint k = 0; k < nl; k++) {
        const guint l = nl - 1 - k;
        g_string_append_printf(out, "    %-*s = %.3f\n", (int)w,
                               or_dash(ts_model_level(model, l)->name),
                               cost->level[l].energy_pj / macs);
    }
    g_string_append_printf(out, "    %-*s = %.3f\n", (int)w, "Total", cost->pj_per_mac);
    ts_report_notes_text(out, info ? info->notes : NULL);
}

void ts_report_cost_json_totals(JsonBuilder *b, const TsCost *cost)
{
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "energy_pj");
    json_builder_add_double_value(b, cost->energy_pj);
    json_builder_set_member_name(b, "cycles");
    json_builder_add_int_value(b, (gint64)llround(cost->cycles));
    json_builder_set_member_name(b, "latency_s");
    json_builder_add_double_value(b, cost->latency_s);
    json_builder_set_member_name(b, "macs");
    json_builder_add_int_value(b, (gint64)cost->macs);
    json_builder_set_member_name(b, "utilization");
    json_builder_add_double_value(b, cost->utilization);
    json_builder_set_member_name(b, "edp_j_cycles");
    json_builder_add_double_value(b, cost->edp_j_cycles);
    json_builder_set_member_name(b, "pj_per_mac");
    json_builder_add_double_value(b, cost->pj_per_mac);
    ts_json_member_double(b, "leakage_pj", cost->leakage_pj);
    ts_json_member_double(b, "energy_with_leakage_pj", cost->energy_with_leakage_pj);
    ts_json_member_double(b, "area_um2", cost->area_um2);
    json_builder_end_object(b);
}

void ts_report_load_json(JsonBuilder *b, const TsModel *model, const TsCost *cost)
{
    g_return_if_fail(b != NULL && model != NULL && cost != NULL);
    const TsOp *op = ts_model_op(model);
    json_builder_set_member_name(b, "load");
    json_builder_begin_object(b);
    ts_json_member_count(b, "bytes", cost->load_bytes);
    ts_json_member_double(b, "energy_pj", cost->load_energy_pj);
    ts_json_member_int(b, "cycles", (gint64)cost->load_cycles);
    ts_json_member_double(b, "seconds", cost->load_s);
    json_builder_set_member_name(b, "tensors");
    json_builder_begin_object(b);
    for (guint t = 0; t < op->n_tensors && t < TS_MAX_TENSORS; t++) {
        if (cost->load_level[t] < 0)
            continue;
        json_builder_set_member_name(b, op->tensors[t].name ? op->tensors[t].name : "?");
        json_builder_begin_object(b);
        ts_json_member_string(b, "role", ts_tensor_role_name(op->tensors[t].role));
        ts_json_member_string(b, "level", ts_model_level(model, (guint)cost->load_level[t])->name);
        ts_json_member_count(b, "bytes", cost->load_bytes_tensor[t]);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    json_builder_end_object(b);
}

void ts_report_cost_json_members(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                                 const TsCost *cost, const TsReportInfo *info)
{
    g_return_if_fail(b != NULL && model != NULL && mapping != NULL && cost != NULL);
    const TsOp *op = ts_model_op(model);
    const guint nl = ts_model_n_levels(model);
    ts_report_run_json(b, info && info->engine ? info->engine : "analytical", info ? info->arch : NULL, info ? info->workload : NULL);
    ts_json_member_string(b, "op", op->name);
    ts_report_cost_json_totals(b, cost);

    json_builder_set_member_name(b, "levels");
    json_builder_begin_array(b);
    for (guint l = 0; l < nl; l++) {
        const TsLevelCost *lc = &cost->level[l];
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", ts_model_level(model, l)->name);
        json_builder_set_member_name(b, "energy_pj");
        json_builder_add_double_value(b, lc->energy_pj);
        json_builder_set_member_name(b, "instances_used");
        json_builder_add_int_value(b, (gint64)lc->instances_used);
        ts_json_member_double(b, "leakage_pj", lc->leakage_pj);
        ts_json_member_double(b, "area_um2", lc->area_um2);
        ts_json_member_string(b, "energy_source", ts_model_level(model, l)->energy.source);
        json_builder_set_member_name(b, "tensors");
        json_builder_begin_object(b);
        for (guint t = 0; t < op->n_tensors; t++) {
            if (!(lc->keep >> t & 1u))
                continue;
            const TsTensorCost *tc = &lc->tensor[t];
            json_builder_set_member_name(b, op->tensors[t].name ? op->tensors[t].name : "?");
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "tile_words");
            json_builder_add_int_value(b, (gint64)tc->tile_words);
            json_builder_set_member_name(b, "reads");
            json_builder_add_int_value(b, (gint64)tc->reads);
            json_builder_set_member_name(b, "fills");
            json_builder_add_int_value(b, (gint64)tc->fills);
            json_builder_set_member_name(b, "updates");
            json_builder_add_int_value(b, (gint64)tc->updates);
            if (!uniform_instances(tc)) {
                json_builder_set_member_name(b, "reads_all");
                json_builder_add_int_value(b, (gint64)tc->reads_all);
                json_builder_set_member_name(b, "fills_all");
                json_builder_add_int_value(b, (gint64)tc->fills_all);
                json_builder_set_member_name(b, "updates_all");
                json_builder_add_int_value(b, (gint64)tc->updates_all);
            }
            json_builder_set_member_name(b, "energy_pj");
            json_builder_add_double_value(b, tc->energy_pj);
            json_builder_end_object(b);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);

    json_builder_set_member_name(b, "compute");
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", ts_model_compute(model)->name);
    json_builder_set_member_name(b, "instances_used");
    json_builder_add_int_value(b, (gint64)cost->compute_instances);
    json_builder_set_member_name(b, "energy_pj");
    json_builder_add_double_value(b, cost->compute_energy_pj);
    ts_json_member_double(b, "leakage_pj", cost->compute_leakage_pj);
    ts_json_member_double(b, "area_um2", cost->compute_area_um2);
    ts_json_member_string(b, "energy_source", ts_model_compute(model)->energy.source);
    json_builder_end_object(b);

    g_autofree char *yaml = ts_model_mapping_yaml(model, mapping, NULL);
    ts_json_member_string(b, "mapping", yaml);

    ts_report_load_json(b, model, cost);
    ts_report_link_calls_json(b, model, cost);
    ts_report_systolic_folds_json(b, model, mapping, cost);
    ts_report_notes_json(b, info ? info->notes : NULL);
}

/* The fifth path's skip reasons (TsLinkScheduleSkip): JSON key, and the text around the
 * versions' count. */
static const struct {
    uint32_t bit;
    const char *key, *before, *after;
} link_skips[] = {
    {TS_LINK_SKIP_MANY_VERSIONS, "many_versions", "", " tile versions, more than the 65,536 it walks"},
    {TS_LINK_SKIP_ONE_VERSION, "one_version", "", " tile version"},
    {TS_LINK_SKIP_EMPTY_ITERATIONS, "empty_iterations",
     "imperfect factors whose empty iterations change the versions, ", " at most"},
    {TS_LINK_SKIP_UNEVEN_VERSIONS, "uneven_versions",
     "tensors' versions that are not multiples of one another, ", " at most"},
};

void ts_report_link_calls_json(JsonBuilder *b, const TsModel *model, const TsCost *cost)
{
    g_return_if_fail(b != NULL && model != NULL && cost != NULL);
    const char *link = ts_model_link_name(model);
    if (link == NULL)
        return;
    json_builder_set_member_name(b, "host_link_calls");
    json_builder_begin_object(b);
    ts_json_member_string(b, "link", link);
    ts_json_member_count(b, "calls", cost->link_calls);
    ts_json_member_count(b, "readbacks", cost->link_readbacks);
    ts_json_member_count(b, "batch", cost->link_batch);
    ts_json_member_double(b, "call_cycles", cost->link_call_cycles);
    ts_json_member_double(b, "added_cycles", cost->link_added_cycles);
    /* the fifth path's skips (docs/pim.md, "Host-link calls"): reason keys, versions */
    json_builder_set_member_name(b, "schedule_skipped");
    json_builder_begin_array(b);
    for (guint i = 0; i < G_N_ELEMENTS(link_skips); i++)
        if (cost->link_schedule_skipped & link_skips[i].bit) {
            json_builder_begin_object(b);
            ts_json_member_string(b, "reason", link_skips[i].key);
            ts_json_member_count(b, "versions", cost->link_schedule_versions);
            json_builder_end_object(b);
        }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static const char *dataflow_name(TsDataflow d)
{
    return d == TS_DATAFLOW_OS ? "os" : d == TS_DATAFLOW_IS ? "is" : "ws";
}

void ts_report_systolic_folds_json(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                             const TsCost *cost)
{
    g_return_if_fail(b != NULL && model != NULL && mapping != NULL && cost != NULL);
    TsSystolicFolds f;
    if (!ts_model_systolic_folds(model, mapping, &f))
        return;
    json_builder_set_member_name(b, "systolic_folds");
    json_builder_begin_object(b);
    ts_json_member_count(b, "rows", f.rows);
    ts_json_member_count(b, "cols", f.cols);
    ts_json_member_string(b, "dataflow", dataflow_name(f.dataflow));
    ts_json_member_count(b, "passes", f.passes);
    ts_json_member_count(b, "gemm_m", f.gemm_m);
    ts_json_member_count(b, "gemm_n", f.gemm_n);
    ts_json_member_count(b, "gemm_k", f.gemm_k);
    ts_json_member_count(b, "folds_per_pass", f.folds);
    ts_json_member_count(b, "lines_per_fold", f.lines);
    ts_json_member_count(b, "stream_lines", f.stream);
    ts_json_member_double(b, "cycles", f.cycles);
    ts_json_member_double(b, "skew_cycles", f.skew_cycles);
    json_builder_set_member_name(b, "charged");
    json_builder_add_boolean_value(b, ts_model_options(model)->systolic_folds);
    json_builder_end_object(b);
}

char *ts_report_systolic_note(const TsModel *model, const TsMapping *mapping, const TsCost *cost)
{
    g_return_val_if_fail(model != NULL && mapping != NULL && cost != NULL, NULL);
    TsSystolicFolds f;
    if (!ts_model_systolic_folds(model, mapping, &f) || f.cycles <= cost->cycles + 0.5)
        return NULL;
    const TsOp *op = ts_model_op(model);
    const char *cls = f.dataflow == TS_DATAFLOW_OS ? "K" : f.dataflow == TS_DATAFLOW_IS ? "N" : "M";
    GString *s = g_string_new(NULL);
    g_string_append_printf(
        s,
        "the %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " %s systolic array runs this mapping as "
        "%" G_GUINT64_FORMAT " passes of a GEMM M %" G_GUINT64_FORMAT " x N %" G_GUINT64_FORMAT
        " x K %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " fold%s of %" G_GUINT64_FORMAT
        " cycles each (%" G_GUINT64_FORMAT " streamed, %" G_GUINT64_FORMAT " fill and drain)",
        f.rows, f.cols, dataflow_name(f.dataflow), f.passes, f.gemm_m, f.gemm_n, f.gemm_k, f.folds,
        f.folds == 1 ? "" : "s", f.lines, f.stream, f.lines - f.stream);
    if (f.streamed_spatial != 0) {
        g_string_append(s, "; the mapping puts");
        gboolean first = TRUE;
        for (guint d = 0; d < op->n_dims && d < TS_MAX_DIMS; d++)
            if (f.streamed_spatial >> d & 1u) {
                g_string_append_printf(s, "%s %s%" G_GUINT64_FORMAT, first ? "" : ",",
                                       op->dim_names[d] ? op->dim_names[d] : "?",
                                       f.spatial_ext[d]);
                first = FALSE;
            }
        g_string_append_printf(s, " on the array's axes, which a %s array streams in time (%s)",
                               dataflow_name(f.dataflow), cls);
    }
    g_string_append_printf(
        s,
        ": %.0f cycles by SCALE-Sim's fold timing, %.1fx the model's %.0f (%.0f compute cycles: "
        "Timeloop's semantics count every used PE busy every cycle and no fill or drain); "
        "--systolic-folds charges the folds in the search",
        f.cycles, f.cycles / MAX(cost->cycles, 1.0), cost->cycles, cost->compute_cycles);
    return g_string_free(s, FALSE);
}

char *ts_report_link_schedule_note(const TsModel *model, const TsCost *cost)
{
    g_return_val_if_fail(model != NULL && cost != NULL, NULL);
    const char *link = ts_model_link_name(model);
    if (link == NULL || cost->link_schedule_skipped == 0)
        return NULL;
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "host link %s: the schedule of the tile versions (the fifth path of "
                           "the calls' cost, docs/pim.md) was left out (",
                           link);
    gboolean first = TRUE;
    for (guint i = 0; i < G_N_ELEMENTS(link_skips); i++)
        if (cost->link_schedule_skipped & link_skips[i].bit) {
            g_string_append_printf(s, "%s%s%" G_GUINT64_FORMAT "%s", first ? "" : "; ",
                                   link_skips[i].before, cost->link_schedule_versions,
                                   link_skips[i].after);
            first = FALSE;
        }
    g_string_append_printf(s,
                           "): the %.0f cycles the calls add come from the four other paths and "
                           "may be below what the DES takes",
                           cost->link_added_cycles);
    return g_string_free(s, FALSE);
}

void ts_report_link_calls_text(GString *out, const TsModel *model, const TsCost *cost)
{
    g_return_if_fail(out != NULL && model != NULL && cost != NULL);
    const char *link = ts_model_link_name(model);
    if (link == NULL)
        return;
    g_string_append_printf(out, "%" G_GUINT64_FORMAT " transfer calls over host link %s",
                           cost->link_calls, link);
    if (cost->link_readbacks > 0)
        g_string_append_printf(out, " (%" G_GUINT64_FORMAT " of them read partial outputs back)",
                               cost->link_readbacks);
    if (cost->link_batch > 1)
        g_string_append_printf(out, " (each shared by the op's %" G_GUINT64_FORMAT " instances)",
                               cost->link_batch);
    g_string_append_printf(out,
                           ", %.0f cycles of calls (latency + DMA setup each), %.0f cycles "
                           "added beyond compute and bandwidth",
                           cost->link_call_cycles, cost->link_added_cycles);
}

void ts_report_cost_json(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                         const TsCost *cost, const TsReportInfo *info)
{
    json_builder_begin_object(b);
    ts_report_cost_json_members(b, model, mapping, cost, info);
    json_builder_end_object(b);
}

char *ts_report_cost_json_string(const TsModel *model, const TsMapping *mapping, const TsCost *cost,
                                 const TsReportInfo *info)
{
    g_return_val_if_fail(model != NULL && mapping != NULL && cost != NULL, NULL);
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    ts_report_cost_json(b, model, mapping, cost, info);
    return ts_json_builder_to_document(b);
}

/* ---- Comparison ------------------------------------------------------------------------- */

/* Reads + fills + updates of a level over all its utilized instances. */
static uint64_t level_accesses(const TsLevelCost *lc, guint n_tensors)
{
    uint64_t s = 0;
    for (guint t = 0; t < n_tensors; t++) {
        const TsTensorCost *tc = &lc->tensor[t];
        s += tc->reads_all + tc->fills_all + tc->updates_all;
    }
    return s;
}

typedef struct {
    char *label;
    char **cells; /* n cells */
} Row;

static void add_row(GPtrArray *rows, guint n, const char *label, char **cells)
{
    Row *r = g_new0(Row, 1);
    r->label = g_strdup(label);
    r->cells = g_new0(char *, n);
    for (guint i = 0; i < n; i++)
        r->cells[i] = cells[i];
    g_ptr_array_add(rows, r);
}

void ts_report_cost_compare(GString *out, const TsModel *model, const TsMapping *mappings,
                            const TsCost *costs, const char *const *labels, guint n)
{
    g_return_if_fail(out != NULL && model != NULL && mappings != NULL && costs != NULL && n > 0);
    const guint nl = ts_model_n_levels(model);
    const TsOp *op = ts_model_op(model);
    GPtrArray *rows = g_ptr_array_new();
    char **cells = g_new0(char *, n);

#define ROW(label, ...)                                                                            \
    do {                                                                                           \
        for (guint i = 0; i < n; i++) {                                                            \
            const TsCost *c = &costs[i];                                                           \
            (void)c;                                                                               \
            cells[i] = c->status == TS_EVAL_OK ? g_strdup_printf(__VA_ARGS__) : g_strdup("-");     \
        }                                                                                          \
        add_row(rows, n, label, cells);                                                            \
    } while (0)

    for (guint i = 0; i < n; i++)
        cells[i] = g_strdup(ts_eval_status_name(costs[i].status));
    add_row(rows, n, "status", cells);
    ROW("energy (uJ)", "%.3f", c->energy_pj / 1e6);
    ROW("cycles", "%.0f", c->cycles);
    ROW("latency (s)", "%.6g", c->latency_s);
    ROW("utilization", "%.4f", c->utilization);
    ROW("EDP (J*cycle)", "%.4g", c->edp_j_cycles);
    ROW("pJ/MAC", "%.3f", c->pj_per_mac);
    ROW("MACs", "%" G_GUINT64_FORMAT, c->macs);
    ROW("compute instances used", "%" G_GUINT64_FORMAT, c->compute_instances);
    ROW("bound", "%s", ts_layer_bound_name(model, c));
    ROW("compute energy (uJ)", "%.3f", c->compute_energy_pj / 1e6);
    for (guint l = 0; l < nl; l++) {
        const char *name = ts_model_level(model, l)->name;
        g_autofree char *e = g_strdup_printf("%s energy (uJ)", name);
        ROW(e, "%.3f", c->level[l].energy_pj / 1e6);
        g_autofree char *a = g_strdup_printf("%s accesses (all instances)", name);
        ROW(a, "%" G_GUINT64_FORMAT, level_accesses(&c->level[l], op->n_tensors));
        g_autofree char *cy = g_strdup_printf("%s cycles (bandwidth)", name);
        ROW(cy, "%.0f", c->level[l].cycles);
        for (guint t = 0; t < op->n_tensors; t++) {
            g_autofree char *te = g_strdup_printf("  %s %s energy (uJ)", name, op->tensors[t].name);
            g_autofree char *ta =
                g_strdup_printf("  %s %s accesses (all instances)", name, op->tensors[t].name);
            gboolean kept = FALSE;
            for (guint i = 0; i < n; i++)
                kept |= costs[i].status == TS_EVAL_OK && (costs[i].level[l].keep >> t & 1u);
            if (!kept)
                continue;
            ROW(te, "%.3f", c->level[l].tensor[t].energy_pj / 1e6);
            ROW(ta, "%.0f",
                ((double)c->level[l].tensor[t].reads + (double)c->level[l].tensor[t].fills +
                 (double)c->level[l].tensor[t].updates) *
                    (double)c->level[l].tensor[t].instances);
        }
    }
#undef ROW

    /* Cells that differ from the first mapping's are marked with '*'. */
    gboolean any_diff = FALSE;
    for (guint r = 0; r < rows->len; r++) {
        Row *row = rows->pdata[r];
        for (guint i = 1; i < n; i++)
            if (strcmp(row->cells[i], row->cells[0]) != 0) {
                char *m = g_strconcat(row->cells[i], "*", NULL);
                g_free(row->cells[i]);
                row->cells[i] = m;
                any_diff = TRUE;
            }
    }
    gsize lw = 0;
    gsize *cw = g_new0(gsize, n);
    for (guint i = 0; i < n; i++)
        cw[i] = strlen(labels && labels[i] ? labels[i] : "mapping");
    for (guint r = 0; r < rows->len; r++) {
        Row *row = rows->pdata[r];
        lw = MAX(lw, strlen(row->label));
        for (guint i = 0; i < n; i++)
            cw[i] = MAX(cw[i], strlen(row->cells[i]));
    }
    g_string_append_printf(out, "%-*s", (int)lw, "");
    for (guint i = 0; i < n; i++)
        g_string_append_printf(out, "  %*s", (int)cw[i],
                               labels && labels[i] ? labels[i] : "mapping");
    g_string_append_c(out, '\n');
    for (guint r = 0; r < rows->len; r++) {
        Row *row = rows->pdata[r];
        g_string_append_printf(out, "%-*s", (int)lw, row->label);
        for (guint i = 0; i < n; i++)
            g_string_append_printf(out, "  %*s", (int)cw[i], row->cells[i]);
        g_string_append_c(out, '\n');
        g_free(row->label);
        for (guint i = 0; i < n; i++)
            g_free(row->cells[i]);
        g_free(row->cells);
        g_free(row);
    }
    g_ptr_array_free(rows, TRUE);
    g_free(cells);
    g_free(cw);
    if (any_diff && n > 1)
        g_string_append_printf(out, "(* differs from %s)\n",
                               labels && labels[0] ? labels[0] : "the first mapping");

    for (guint i = 0; i < n; i++) {
        if (costs[i].status != TS_EVAL_OK) {
            g_autofree char *why = ts_model_explain(model, &mappings[i], &costs[i]);
            g_string_append_printf(out, "\n%s is invalid: %s\n",
                                   labels && labels[i] ? labels[i] : "mapping", why);
        }
    }
    for (guint i = 1; i < n; i++) {
        g_autofree char *diff = ts_model_mapping_diff(model, &mappings[0], &mappings[i]);
        const char *a = labels && labels[0] ? labels[0] : "first";
        const char *b = labels && labels[i] ? labels[i] : "mapping";
        if (diff == NULL || *diff == '\0')
            g_string_append_printf(out, "\n%s and %s have the same loop nest and keep masks\n", a,
                                   b);
        else
            g_string_append_printf(out, "\nDirectives that differ (%s | %s):\n%s", a, b, diff);
    }
}
