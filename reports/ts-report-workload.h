/* Reports of a workload (`tilesim workload show`): aligned text tables of ops, tensors and
 * totals, and JSON of the shape {"ops":[{"name","count","dims","macs","bytes"}],
 * "totals":{"macs"}} with the extra keys listed in docs/workloads.md. Every figure comes from
 * the workload module (ts-op.h); nothing is computed here but formatting. */
#ifndef TS_REPORT_WORKLOAD_H
#define TS_REPORT_WORKLOAD_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "ts-workload.h"

G_BEGIN_DECLS

/* JSON tree of the workload (owned; json_node_unref). Ops in workload order, dims in each
 * op's dimension order, tensors in op order: the output never follows hash order. */
JsonNode *ts_report_workload_json(const TsWorkload *workload);

/* Writes ts_report_workload_json pretty-printed to path ("-" = stdout). Fails with a
 * G_FILE_ERROR naming the path when it cannot be written. */
gboolean ts_report_workload_write_json(const TsWorkload *workload, const char *path,
                                       GError **error);

/* Writes the text report to out: header (source, model config, precision), op table (kind,
 * count, dims, MACs per instance and x count, bytes, work per byte), tensor table (ranks,
 * precision, elements, bytes), LUT table when the workload has LUT ops, totals and notes. */
void ts_report_workload_text(const TsWorkload *workload, FILE *out);

G_END_DECLS

#endif /* TS_REPORT_WORKLOAD_H */
