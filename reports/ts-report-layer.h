/* Reports of a mapped workload (`tilesim map`, `tilesim simulate --engine analytical`): the
 * search summary of each op, the best K mappings, the per-op table (op, count, MACs, cycles,
 * energy, pJ/MAC, utilization, bounding level) with whole-layer totals, the JSON of
 * docs/cli.md with the "search" and "best" members, and the CSV of docs/cli.md. Numbers come
 * from the results. */
#ifndef TS_REPORT_LAYER_H
#define TS_REPORT_LAYER_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-report-cost.h"

G_BEGIN_DECLS

typedef struct {
    const TsArch *arch;
    const TsWorkload *workload;
    const TsLayerResult *result;
    const TsLayerOptions *options; /* search settings, printed in the header */
    TsReportInfo info;             /* names; engine "analytical" when NULL */
    gboolean with_search;          /* search lines, top K and JSON "search"/"best" (map) */
    gboolean show_nest;            /* the best mapping's loop nest (single op) */
    gboolean reproducible;         /* no wall/CPU times or thread count: the same inputs and
                                    * seed give byte-identical reports on any machine and for
                                    * any thread count (timing keys are null in JSON) */
    const TsFusePlan *fuse;              /* a fused group: its section and JSON "fusion" */
    const TsFuseSummary *fuse_summary;   /* with fuse */
    /* simulate: the breakdowns of ts-report-breakdown.h (text sections, JSON "breakdown",
     * per-op "class", "des_cycles" and "des_vs_analytical"; CSV "class" column). */
    gboolean with_breakdown;
    /* DES cycles of each op (one instance, result order; NAN where the DES did not run the
     * op), or NULL when no op ran on the DES: the text table gains a "DES diff" column and
     * the JSON's des_* keys carry numbers instead of null. */
    const double *des_cycles;
    /* Whole model: the layer repeated `layers` times (0 = a layer only): text section, JSON
     * "model" {"layers", "phase", "tokens", "energy_pj", "cycles", "latency_s", "macs",
     * "edp_j_cycles", "tokens_per_s"} and a CSV "model" row. */
    guint64 layers;
} TsLayerReport;

/* Appends the text report: header, one search line per mapped op (with_search), the best K
 * of each op when K > 1 or a single op, the loop nest of a single op's best mapping
 * (show_nest), the per-op table and the totals. */
void ts_report_layer_text(GString *out, const TsLayerReport *report);

/* The JSON document (pretty-printed, newly allocated). A run of one op (one entry in the
 * result) gives that op's object (docs/cli.md) with "name", "count", "space",
 * "search" and "best" added; a run of several gives {"tool", "version", "engine", "arch",
 * "workload", "ops": [...], "totals": {...}}. */
char *ts_report_layer_json_string(const TsLayerReport *report);

/* The CSV of docs/cli.md (newly allocated): a header, one row per op in workload order and a
 * "total" row. Per-op figures are for one instance of the op; total_* columns are count x
 * those (what the layer totals add up); arch, workload and precision name the run. Numbers
 * are written at full precision (the shortest text that reads back as the same double);
 * text fields are quoted when they hold a comma, a quote or a line break. */
char *ts_report_layer_csv_string(const TsLayerReport *report);

/* Adds the "search" member of one op's search (algorithm, evaluated, valid, rejected by
 * reason, seconds, evaluations_per_s, and the extras documented in docs/mapper.md); with
 * reproducible, the timing members and the thread count are null. */
void ts_report_search_json(JsonBuilder *b, const TsSearchResult *search,
                           const TsSearchOptions *options, gboolean reproducible);

/* The notes a mapped workload's report carries: the arch loader's, then each einsum op's model
 * note (ts_model_note), each once. Newly allocated strv (g_strfreev). */
char **ts_report_layer_notes(const TsArch *arch, const TsLayerResult *result);

G_END_DECLS

#endif /* TS_REPORT_LAYER_H */
