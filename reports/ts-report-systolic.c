/* Text and JSON reports of systolic-array runs (see ts-report-systolic.h). */
#include "ts-report-systolic.h"

#include <string.h>

#include "ts-report-json.h"
#include "ts-json-glib.h"

static void totals(const TsSystolicRun *run, TsSystolicResult *t)
{
    memset(t, 0, sizeof *t);
    for (guint i = 0; i < run->n_layers; i++) {
        const TsSystolicResult *r = &run->results[i];
        t->cycles += r->cycles;
        t->stall_cycles += r->stall_cycles;
        t->macs += r->macs;
        t->sram_ifmap_reads += r->sram_ifmap_reads;
        t->sram_filter_reads += r->sram_filter_reads;
        t->sram_ofmap_writes += r->sram_ofmap_writes;
        t->dram_ifmap_reads += r->dram_ifmap_reads;
        t->dram_filter_reads += r->dram_filter_reads;
        t->dram_ofmap_writes += r->dram_ofmap_writes;
    }
    const TsSystolicConfig *c = &run->config;
    t->overall_util_pct =
        t->cycles ? (double)t->macs * 100.0 / ((double)t->cycles * c->rows * c->cols) : 0.0;
}

void ts_report_systolic_text(const TsSystolicRun *run, FILE *out)
{
    const TsSystolicConfig *c = &run->config;
    fprintf(out,
            "%s: %ux%u %s array, SRAM ifmap/filter/ofmap %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
            "/%" G_GUINT64_FORMAT " words, ",
            run->run_name ? run->run_name : "run", c->rows, c->cols,
            ts_systolic_dataflow_name(c->dataflow), c->ifmap_sram_words, c->filter_sram_words,
            c->ofmap_sram_words);
    if (c->bandwidth_limited)
        fprintf(out, "DRAM interface %u words/cycle per SRAM (USER)\n", c->dram_words_per_cycle);
    else
        fprintf(out, "stall-free DRAM interface (CALC)\n");
    fprintf(out, "%-22s %12s %12s %7s %7s %7s %11s %11s %11s %11s %11s %11s\n", "layer", "cycles",
            "stalls", "util%", "map%", "comp%", "sram_if_rd", "sram_fl_rd", "sram_of_wr",
            "dram_if_rd", "dram_fl_rd", "dram_of_wr");
    for (guint i = 0; i <= run->n_layers; i++) {
        TsSystolicResult t;
        const TsSystolicResult *r;
        const char *name;
        if (i < run->n_layers) {
            r = &run->results[i];
            name = run->names[i];
        } else {
            totals(run, &t);
            r = &t;
            name = "total";
        }
        char mp[16] = "-", cp[16] = "-";
        if (i < run->n_layers) {
            g_snprintf(mp, sizeof mp, "%.3f", r->mapping_eff_pct);
            g_snprintf(cp, sizeof cp, "%.3f", r->compute_util_pct);
        }
        fprintf(out,
                "%-22s %12" G_GUINT64_FORMAT " %12" G_GUINT64_FORMAT
                " %7.3f %7s %7s %11" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT
                " %11" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT " %11" G_GUINT64_FORMAT
                " %11" G_GUINT64_FORMAT "\n",
                name, r->cycles, r->stall_cycles, r->overall_util_pct, mp, cp, r->sram_ifmap_reads,
                r->sram_filter_reads, r->sram_ofmap_writes, r->dram_ifmap_reads,
                r->dram_filter_reads, r->dram_ofmap_writes);
    }
    fprintf(out, "cycles: array cycles (SCALE-Sim total_cycles); accesses in words; util%% = "
                 "MACs / (cycles x PEs)\n");
    for (guint i = 0; run->notes && i < run->notes->len; i++)
        fprintf(out, "note: %s\n", (const char *)run->notes->pdata[i]);
}

static void result_members(JsonBuilder *b, const TsSystolicResult *r)
{
    ts_json_member_count(b, "cycles", r->cycles);
    ts_json_member_count(b, "stall_cycles", r->stall_cycles);
    ts_json_member_double(b, "overall_util_pct", r->overall_util_pct);
    ts_json_member_count(b, "macs", r->macs);
    ts_json_member_count(b, "sram_ifmap_reads", r->sram_ifmap_reads);
    ts_json_member_count(b, "sram_filter_reads", r->sram_filter_reads);
    ts_json_member_count(b, "sram_ofmap_writes", r->sram_ofmap_writes);
    ts_json_member_count(b, "dram_ifmap_reads", r->dram_ifmap_reads);
    ts_json_member_count(b, "dram_filter_reads", r->dram_filter_reads);
    ts_json_member_count(b, "dram_ofmap_writes", r->dram_ofmap_writes);
}

JsonNode *ts_report_systolic_json(const TsSystolicRun *run)
{
    const TsSystolicConfig *c = &run->config;
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ts_json_member_string(b, "tool", "tilesim");
    ts_json_member_string(b, "version", TILESIM_VERSION);
    ts_json_member_string(b, "engine", "des");
    ts_json_member_string(b, "model", "systolic_array");
    ts_json_member_string(b, "run_name", run->run_name);
    ts_json_member_string(b, "config", run->config_path);
    ts_json_member_string(b, "topology", run->topology_path);
    json_builder_set_member_name(b, "array");
    json_builder_begin_object(b);
    ts_json_member_int(b, "rows", c->rows);
    ts_json_member_int(b, "cols", c->cols);
    ts_json_member_string(b, "dataflow", ts_systolic_dataflow_name(c->dataflow));
    ts_json_member_count(b, "ifmap_sram_words", c->ifmap_sram_words);
    ts_json_member_count(b, "filter_sram_words", c->filter_sram_words);
    ts_json_member_count(b, "ofmap_sram_words", c->ofmap_sram_words);
    ts_json_member_string(b, "interface", c->bandwidth_limited ? "USER" : "CALC");
    if (c->bandwidth_limited)
        ts_json_member_int(b, "dram_words_per_cycle", c->dram_words_per_cycle);
    else
        ts_json_member_string(b, "dram_words_per_cycle", NULL);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "layers");
    json_builder_begin_array(b);
    for (guint i = 0; i < run->n_layers; i++) {
        const TsSystolicResult *r = &run->results[i];
        json_builder_begin_object(b);
        ts_json_member_string(b, "name", run->names[i]);
        ts_json_member_count(b, "M", r->ofmap_px);
        ts_json_member_count(b, "N", r->filters);
        ts_json_member_count(b, "K", r->window);
        ts_json_member_count(b, "folds", r->folds);
        result_members(b, r);
        ts_json_member_double(b, "mapping_eff_pct", r->mapping_eff_pct);
        ts_json_member_double(b, "compute_util_pct", r->compute_util_pct);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    TsSystolicResult t;
    totals(run, &t);
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    result_members(b, &t);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; run->notes && i < run->notes->len; i++)
        json_builder_add_string_value(b, run->notes->pdata[i]);
    json_builder_end_array(b);
    if (run->seconds >= 0)
        ts_json_member_double(b, "seconds", run->seconds);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

gboolean ts_report_systolic_write_json(const TsSystolicRun *run, const char *path, GError **error)
{
    g_return_val_if_fail(run != NULL && path != NULL, FALSE);
    g_autoptr(TsJsonNode) root = ts_report_systolic_json(run);
    return ts_json_write_file(root, path, error);
}
