/* Reports of a mapped workload (`tilesim map`, `tilesim simulate --engine analytical`): the
 * search summary of each op, the best K mappings, the per-op table (op, count, MACs, cycles,
 * energy, pJ/MAC, utilization, bounding level) with whole-layer totals, the JSON of
 * docs/cli.md with the "search" and "best" members, and the CSV of docs/cli.md. Numbers come
 * from the results. */
#ifndef TS_REPORT_LAYER_H
#define TS_REPORT_LAYER_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ts-exec.h"
#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-report-cost.h"

G_BEGIN_DECLS

/* A whole model run autoregressively: the prefill of the prompt (the report's layer) then gen
 * decode steps, step d attending to prompt + d keys; figures of all layers (the layer x
 * layers), embedding and LM head not included. Decode steps are mapped at the KV lengths
 * listed; the steps between them are interpolated linearly in the KV length. */
typedef struct {
    guint64 gen;                     /* decode steps (tokens generated per sequence) */
    guint64 prompt, batch;           /* prompt tokens per sequence, sequences */
    double prefill_energy_pj, prefill_cycles, prefill_latency_s, prefill_macs;
    double decode_energy_pj, decode_cycles, decode_latency_s, decode_macs;
    double first_step_latency_s, last_step_latency_s; /* one decode step, all layers */
    guint n_mapped;
    const guint64 *mapped_kv; /* the KV lengths whose decode layer was mapped (n_mapped) */
} TsModelPhases;

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
    /* The DES run of the same mappings (ts_exec_run_layer_subset: one entry per op of result),
     * or NULL: the text gains the DES section, the JSON per op "des" and "des_not_run" and the
     * run's "des_totals", "des_breakdown" and "simulation", the CSV the des_* columns
     * (ts-report-des.h). des_not_run[i] says why op i did not run (NULL: it ran; the array may
     * be NULL); des_unavailable why no op ran (the DES could not simulate the arch), or NULL. */
    const TsExecResult *des;
    const char *const *des_not_run;
    const char *des_unavailable;
    /* Whole model: the layer repeated `layers` times (0 = a layer only): text section, JSON
     * "model" {"layers", "phase", "tokens", "energy_pj", "cycles", "latency_s", "macs",
     * "edp_j_cycles", "tokens_per_s"} and a CSV "model" row. */
    guint64 layers;
    /* With layers: the prefill then decode of an autoregressive model (NULL: the layer's own
     * phase only). The text gains the phases, the JSON "model" the keys of docs/cli.md
     * ("gen", "ttft_s", "decode_latency_per_token_s", "prefill", "decode") with its totals
     * over both phases, the CSV "prefill" and "decode" rows before "model". */
    const TsModelPhases *phases;
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
