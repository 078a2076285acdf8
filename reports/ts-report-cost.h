/* Reports of one op evaluated by the analytical model: Timeloop-style text stats (per level
 * specs, per tensor utilized capacity / reads / fills / updates / energy, the loop nest as
 * map.txt, Summary Stats with pJ/compute per level), the JSON object of docs/cli.md
 * (reusable by `tilesim map` and the workload wrapper), and a side-by-side comparison of
 * several mappings of one op. Every number printed comes from the TsCost given. */
#ifndef TS_REPORT_COST_H
#define TS_REPORT_COST_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ts-model.h"

G_BEGIN_DECLS

/* Names the report prints for the inputs (any may be NULL: "-" is printed / the JSON key is
 * written as null). */
typedef struct {
    const char *arch;     /* architecture name ("eyeriss-like") */
    const char *workload; /* workload name ("bert-base", or the problem file's name) */
    const char *engine;   /* "analytical" when NULL */
    /* Notes about the inputs (the arch loader's: ERT/ART entries that match no level, levels no
     * ERT names, assumed values), NULL-terminated or NULL; printed after the text report and
     * written as the JSON "notes" array. */
    const char *const *notes;
} TsReportInfo;

/* Appends "Notes" lines for notes (NULL or empty: nothing). */
void ts_report_notes_text(GString *out, const char *const *notes);
/* Adds the "notes" array member (always present, possibly empty). */
void ts_report_notes_json(JsonBuilder *b, const char *const *notes);

/* Appends the Timeloop-style stats of a valid cost (status TS_EVAL_OK) of mapping on model to
 * out. For an invalid cost, appends one line with the reason. */
void ts_report_cost_text(GString *out, const TsModel *model, const TsMapping *mapping,
                         const TsCost *cost, const TsReportInfo *info);

/* Adds the members of one evaluated op to the JSON object b is building (the caller has
 * called json_builder_begin_object and may add more members, e.g. "name" and "count" in a
 * workload run): "tool", "version", "engine", "arch", "workload", "op", "totals", "levels"
 * (outermost first, tensors the level keeps, counts per utilized instance), "compute",
 * "mapping" (the mapping in Timeloop's YAML format, or null when that format cannot express
 * it), then "load" (below) and the notes. cost must be valid. */
void ts_report_cost_json_members(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                                 const TsCost *cost, const TsReportInfo *info);

/* Adds the "load" member: the one-time load of the op's resident tensors (bytes, energy_pj,
 * cycles, seconds, and per tensor its role, home level and bytes; docs/cli.md). Written by
 * ts_report_cost_json_members. */
void ts_report_load_json(JsonBuilder *b, const TsModel *model, const TsCost *cost);
/* The host-link calls of a cost (TsCost.link_*; docs/pim.md, "Host-link calls"): a JSON member
 * "host_link_calls" {link, calls, batch, call_cycles, added_cycles} and a text phrase; nothing
 * when no host link lands in the model's levels. */
void ts_report_link_calls_json(JsonBuilder *b, const TsModel *model, const TsCost *cost);
void ts_report_link_calls_text(GString *out, const TsModel *model, const TsCost *cost);
/* A note when the fifth path of the calls' cost was left out where it could have raised the
 * cycles (TsCost.link_schedule_skipped), naming the link, the reasons and the versions; NULL
 * otherwise. Newly allocated. The JSON "host_link_calls" member lists the same reasons as
 * "schedule_skipped" [{reason, versions}]. */
char *ts_report_link_schedule_note(const TsModel *model, const TsCost *cost);
/* A note when the model's cycles of mapping are below its systolic array's fold timing
 * (ts_model_systolic_folds), with the passes, their GEMM, folds, fold length, fill and drain
 * and the model's own compute cycles; NULL otherwise (no systolic array, or the cycles cover
 * the folds). Newly allocated. */
char *ts_report_systolic_note(const TsModel *model, const TsMapping *mapping, const TsCost *cost);
/* Adds the "systolic_folds" member {rows, cols, dataflow, passes, gemm_m, gemm_n, gemm_k,
 * folds_per_pass, lines_per_fold, stream_lines, cycles, skew_cycles, charged} when the model's
 * compute level is a systolic array; nothing otherwise. Written by ts_report_cost_json_members. */
void ts_report_systolic_folds_json(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                             const TsCost *cost);
/* As ts_report_cost_json_members, wrapped in its own object. */
void ts_report_cost_json(JsonBuilder *b, const TsModel *model, const TsMapping *mapping,
                         const TsCost *cost, const TsReportInfo *info);

/* Adds a "totals" member (energy_pj, cycles, latency_s, macs, utilization, edp_j_cycles,
 * pj_per_mac, leakage_pj, energy_with_leakage_pj, area_um2) of cost to the object b is
 * building. */
void ts_report_cost_json_totals(JsonBuilder *b, const TsCost *cost);

/* The complete JSON document of one op, pretty-printed, newly allocated. */
char *ts_report_cost_json_string(const TsModel *model, const TsMapping *mapping, const TsCost *cost,
                                 const TsReportInfo *info);

/* Appends a side-by-side table of n mappings of one op (labels name the columns): status,
 * totals, per-level energy and accesses (reads + fills + updates over all instances), then the
 * directives where each mapping differs from the first. costs[i] may be invalid (its column
 * shows the reason). */
void ts_report_cost_compare(GString *out, const TsModel *model, const TsMapping *mappings,
                            const TsCost *costs, const char *const *labels, guint n);

G_END_DECLS

#endif /* TS_REPORT_COST_H */
