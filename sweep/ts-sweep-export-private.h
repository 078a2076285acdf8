/* Private to sweep/: the results of a sweep as read back from its database for the exports
 * (CSV, JSONL, Pareto front, summary) and the plots. Per-op detail (mappings) is streamed from
 * the database, never held for the whole sweep. */
#ifndef TS_SWEEP_EXPORT_PRIVATE_H
#define TS_SWEEP_EXPORT_PRIVATE_H

#include <glib.h>

#include "ts-sweep.h"

G_BEGIN_DECLS

typedef struct {
    gint64 id;
    char **values;       /* n_params texts (NULL: none) */
    gboolean *is_number; /* n_params */
    double *numbers;     /* n_params */
    TsSweepStatus status;
    char *reason;
    double v[TS_SWEEP_OBJ_COUNT_]; /* energy_pj, latency_s, cycles, edp, area, des_latency_s,
                                      des_cycles (NAN: none) */
    double macs, utilization, pj_per_mac;
    double des_energy_pj, des_diff; /* the DES's (NAN: none) */
    char *des_bound, *des_not_run;
    gint64 des_events;
    gboolean pareto;
    /* per op name (TsExportData.op_names): cycles and energy (pJ) of all its instances in the
     * layer (count x one instance, summed over ops of that name); NULL without ops */
    double *op_cycles, *op_energy;
    double *op_des_cycles; /* as op_cycles, the DES's (NAN: not run); NULL unless des */
} TsExportRow;

typedef struct {
    char *name;
    guint n_params;
    char **param_names, **param_kinds;
    gboolean *param_varies; /* takes two or more values among the points */
    GArray *rows;           /* TsExportRow, by id (row i is point i) */
    char **op_names;        /* in order of first appearance (by point, then position) */
    guint n_op_names;
    TsSweepObjective objectives[3];
    guint n_objectives;
    TsSweepObjective rank;
    gboolean des; /* the sweep's engine runs the DES: the DES columns are exported */
    gboolean systolic_folds; /* the settings' mapper.systolic_folds (stated in the summary) */
} TsExportData;

/* The row of point id, or NULL. */
TsExportRow *ts_export_row(const TsExportData *data, gint64 id);

/* The plots of docs/sweeps.md under dir (created): pareto, sensitivity (one per parameter
 * that varies and a summary bar chart), energy-by-op; each STEM.svg, STEM.png and STEM.csv. */
gboolean ts_sweep_plots(const TsExportData *data, const char *dir, GError **error);

G_END_DECLS

#endif /* TS_SWEEP_EXPORT_PRIVATE_H */
