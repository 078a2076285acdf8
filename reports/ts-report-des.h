/* Reports of a workload run through the DES executor (`tilesim simulate --engine des|both`):
 * per op the simulated cycles (and, with the analytical engine alongside, its cycles and the
 * percent difference), the stall breakdown of the compute unit, per-level counted accesses
 * against the model's, per-component utilization, the DRAM's row-hit rate and command energy;
 * the JSON of docs/cli.md ("engine": "des", each op's DESIGN.md section 9 object from the
 * DES's counted actions and cycles, with a "des" member, and an "analytical" member with
 * --engine both). Every number comes from the results given. */
#ifndef TS_REPORT_DES_H
#define TS_REPORT_DES_H

#include <glib.h>

#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-report-cost.h"
#include "ts-report-layer.h"

G_BEGIN_DECLS

typedef struct {
    const TsArch *arch;
    const TsLayerResult *layer; /* the analytical mapping and costs of the ops run */
    const TsExecResult *des;    /* the DES run of the same ops (layer's order) */
    TsReportInfo info;          /* names and notes; engine is "des" */
    gboolean reproducible;      /* wall times and events/s null / left out */
} TsDesReport;

void ts_report_des_text(GString *out, const TsDesReport *report);
/* The JSON document (pretty-printed, newly allocated): one op's object for a run of one op,
 * else {"tool", "version", "engine", "arch", "workload", "ops": [...], "totals", "des"}. */
char *ts_report_des_json_string(const TsDesReport *report);

/* What bounds an op in the DES: "compute" (or "vector") or the component the critical-path
 * stalls charge most (TsExecOpResult.bound; docs/des.md, "Stalls"); "-" when not given. */
const char *ts_report_des_bound(const TsExecOpResult *op);

/* Adds the "des" member of one op run on the DES (docs/cli.md, "JSON of a DES run"). */
void ts_report_des_op_json(JsonBuilder *b, const TsExecOpResult *op);

/* The DES parts of a layer report carrying a DES run (TsLayerReport.des; simulate with
 * --engine both, the default): the text section (the simulated layer against the model, DES
 * cycles by cause, stall cycles by component, per op its stalls, bound, DRAM row-hit rate and
 * each component's utilization, and the ops the DES did not run with the reason); per op the
 * JSON members "des" (or null) and "des_not_run" (the reason, or null); the run's members
 * "des_totals", "des_breakdown" and "simulation"; the CSV columns after des_cycles (header and
 * one op's or a totals row's fields, index -1). */
void ts_report_layer_des_text(GString *out, const TsLayerReport *rep);
void ts_report_layer_des_op_json(JsonBuilder *b, const TsLayerReport *rep, guint i);
void ts_report_layer_des_run_json(JsonBuilder *b, const TsLayerReport *rep);
void ts_report_layer_des_csv_header(GString *s, const TsLayerReport *rep);
void ts_report_layer_des_csv_fields(GString *s, const TsLayerReport *rep, int index);

G_END_DECLS

#endif /* TS_REPORT_DES_H */
