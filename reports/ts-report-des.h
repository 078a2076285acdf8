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

G_BEGIN_DECLS

typedef struct {
    const TsArch *arch;
    const TsLayerResult *layer; /* the analytical mapping and costs of the ops run */
    const TsExecResult *des;    /* the DES run of the same ops (layer's order) */
    TsReportInfo info;          /* names and notes; engine is "des" */
    gboolean both;              /* analytical figures alongside */
    gboolean reproducible;      /* wall times and events/s null / left out */
} TsDesReport;

void ts_report_des_text(GString *out, const TsDesReport *report);
/* The JSON document (pretty-printed, newly allocated): one op's object for a run of one op,
 * else {"tool", "version", "engine", "arch", "workload", "ops": [...], "totals", "des"}. */
char *ts_report_des_json_string(const TsDesReport *report);

G_END_DECLS

#endif /* TS_REPORT_DES_H */
