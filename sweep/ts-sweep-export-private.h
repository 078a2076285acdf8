/* Private to sweep/: the results of a sweep as read back from its database for the exports
 * (CSV, JSONL, Pareto front, summary) and the plots. */
#ifndef TS_SWEEP_EXPORT_PRIVATE_H
#define TS_SWEEP_EXPORT_PRIVATE_H

#include <glib.h>

#include "ts-sweep.h"

G_BEGIN_DECLS

typedef struct {
    gint64 point;
    char *op, *kind, *bound, *mapping;
    gint64 count, macs, evaluated, valid;
    double energy_pj, cycles, latency_s, utilization, edp_j_cycles;
} TsExportOp;

typedef struct {
    gint64 id;
    char **values;       /* n_params texts (NULL: none) */
    gboolean *is_number; /* n_params */
    double *numbers;     /* n_params */
    TsSweepStatus status;
    char *reason;
    double v[TS_SWEEP_OBJ_COUNT_]; /* energy_pj, latency_s, cycles, edp, area (NAN: none) */
    double macs, utilization, pj_per_mac;
    gboolean pareto;
    guint first_op, n_ops; /* into ops */
} TsExportRow;

typedef struct {
    char *name;
    guint n_params;
    char **param_names, **param_kinds;
    gboolean *param_varies; /* takes two or more values among the points */
    GArray *rows;           /* TsExportRow, by id */
    GArray *ops;            /* TsExportOp, by point then position */
    TsSweepObjective objectives[3];
    guint n_objectives;
    TsSweepObjective rank;
} TsExportData;

/* The op names of the results in first-appearance order (borrowed strings; free the array
 * with g_ptr_array_unref). */
GPtrArray *ts_export_op_names(const TsExportData *data);

/* The plots of docs/sweeps.md under dir (created): pareto, sensitivity (one per parameter
 * that varies and a summary bar chart), energy-by-op; each STEM.svg, STEM.png and STEM.csv. */
gboolean ts_sweep_plots(const TsExportData *data, const char *dir, GError **error);

G_END_DECLS

#endif /* TS_SWEEP_EXPORT_PRIVATE_H */
