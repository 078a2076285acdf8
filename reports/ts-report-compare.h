/* Reports of `tilesim compare --arch A --arch B ... --workload W`: one workload mapped on
 * several architectures, side by side. Totals (energy, cycles, latency, EDP, pJ/MAC,
 * utilization) with the ratio of each to the first architecture, per-op latency and energy
 * (each op x count) with ratios, and where each architecture spends its energy (by op class
 * and by level, ts-report-breakdown.h). Latency is compared in seconds: architectures may run
 * different clocks, so cycles are shown but not the basis of the ratios of time. */
#ifndef TS_REPORT_COMPARE_H
#define TS_REPORT_COMPARE_H

#include <glib.h>

#include "ts-report-layer.h"

G_BEGIN_DECLS

/* Appends the text comparison of n runs (n >= 1) of the same workload; runs[0] is the
 * reference of the ratios. Each run names its arch in info.arch. */
void ts_report_arch_compare_text(GString *out, const TsLayerReport *const *runs, guint n);

/* The JSON document (newly allocated, pretty-printed): {"tool", "version", "engine",
 * "workload", "reference": first arch name, "archs": [{"arch", "totals": {...as a workload
 * run}, "ratio_to_first": {"energy", "cycles", "latency", "edp"}, "ops": [{"name", "count",
 * "cycles", "latency_s", "energy_pj", "bound", "latency_ratio", "energy_ratio"}] (each op x
 * count), "breakdown": {...}}], "notes": [...]}. */
char *ts_report_arch_compare_json_string(const TsLayerReport *const *runs, guint n);

G_END_DECLS

#endif /* TS_REPORT_COMPARE_H */
