/* The plots of `tilesim simulate --plot DIR` and `tilesim compare --plot DIR`, drawn with
 * ts-plot.h (PLplot's cairo driver: STEM.svg, STEM.png and the data as STEM.csv):
 *   energy-by-op      stacked bars, each op x count, by level (storage levels, compute, vector)
 *   latency-by-op     bars, each op x count (analytical; DES beside it when it ran)
 *   roofline          achieved MAC/s against MACs per byte moved at each storage level, one
 *                     series per level (ops with MACs), with the compute peak and each level's
 *                     bandwidth roof
 *   compare-mappings  energy by level stacked per mapping, and cycles per mapping
 *   compare-archs     energy by op class stacked per architecture, and latency per arch
 * Plotted numbers are the reports' own. */
#ifndef TS_REPORT_PLOTS_H
#define TS_REPORT_PLOTS_H

#include <glib.h>

#include "ts-model.h"
#include "ts-report-layer.h"

G_BEGIN_DECLS

/* Writes energy-by-op, latency-by-op and roofline of a mapped workload into dir (created if
 * missing). Errors: G_FILE_ERROR, TS_PLOT_ERROR (ts-plot.h). */
gboolean ts_report_layer_plots(const char *dir, const TsLayerReport *report, GError **error);

/* Writes compare-mappings-energy (stacked energy by level per mapping, uJ) and
 * compare-mappings-cycles (cycles per mapping) for n mappings of one op on model; invalid
 * costs (status not OK) are left out. labels name the mappings. */
gboolean ts_report_mapping_compare_plots(const char *dir, const TsModel *model,
                                         const TsCost *costs, const char *const *labels, guint n,
                                         GError **error);

/* Writes compare-archs-energy (energy by op class stacked per architecture, uJ) and
 * compare-archs-latency (latency per op, one group per architecture, us) for n runs of the
 * same workload; reports[i] names its arch in info.arch. */
gboolean ts_report_arch_compare_plots(const char *dir, const TsLayerReport *const *reports,
                                      guint n, GError **error);

G_END_DECLS

#endif /* TS_REPORT_PLOTS_H */
