/* Plots of a sweep (reports/ts-plot.h), each as SVG and PNG with its data as CSV:
 * pareto (energy against latency or cycles, the DES's when that is an objective, for every
 * usable point, the front highlighted), pareto-area (energy against area, when area is an
 * objective), sensitivity-PARAM (for each parameter that varies: the best energy, latency and
 * EDP over the points with each value, relative to the best of the whole sweep), sensitivity
 * (per parameter, how far the best EDP moves across its values) and energy-by-op (the energy of
 * each op on the Pareto points). */
#include <glib/gstdio.h>
#include <string.h>

#include "ts-plot.h"
#include "ts-sweep-export-private.h"

#define MAX_BAR_POINTS 16

static gboolean usable(const TsExportRow *r)
{
    return r->status == TS_SWEEP_OK;
}

/* Scale and label to plot an objective with, its unit chosen for the largest value shown:
 * energy in pJ .. J, latency in ns .. s, area in um^2 or mm^2. */
static double axis_scale(TsSweepObjective o, double largest, const char **label)
{
    static const struct {
        double limit, scale;
        const char *label;
    } energy[] = {{1e12, 1e-12, "energy per layer (J)"},
                  {1e9, 1e-9, "energy per layer (mJ)"},
                  {1e6, 1e-6, "energy per layer (µJ)"},
                  {1e3, 1e-3, "energy per layer (nJ)"},
                  {0, 1, "energy per layer (pJ)"}},
      latency[] = {{1, 1, "latency per layer (s)"},
                   {1e-3, 1e3, "latency per layer (ms)"},
                   {1e-6, 1e6, "latency per layer (µs)"},
                   {0, 1e9, "latency per layer (ns)"}},
      des_latency[] = {{1, 1, "DES latency per layer (s)"},
                       {1e-3, 1e3, "DES latency per layer (ms)"},
                       {1e-6, 1e6, "DES latency per layer (µs)"},
                       {0, 1e9, "DES latency per layer (ns)"}},
      area[] = {{1e6, 1e-6, "area (mm²)"}, {0, 1, "area (µm²)"}};
    const typeof(energy[0]) *table = NULL;
    guint n = 0;
    switch (o) {
    case TS_SWEEP_OBJ_ENERGY:
        table = energy, n = G_N_ELEMENTS(energy);
        break;
    case TS_SWEEP_OBJ_LATENCY:
        table = latency, n = G_N_ELEMENTS(latency);
        break;
    case TS_SWEEP_OBJ_AREA:
        table = area, n = G_N_ELEMENTS(area);
        break;
    case TS_SWEEP_OBJ_DES_LATENCY:
        table = des_latency, n = G_N_ELEMENTS(des_latency);
        break;
    case TS_SWEEP_OBJ_CYCLES:
        *label = "cycles per layer";
        return 1.0;
    case TS_SWEEP_OBJ_DES_CYCLES:
        *label = "DES cycles per layer";
        return 1.0;
    case TS_SWEEP_OBJ_EDP:
    case TS_SWEEP_OBJ_COUNT_:
        *label = "EDP (J x cycles)";
        return 1.0;
    }
    for (guint i = 0; i + 1 < n; i++) {
        if (largest >= table[i].limit) {
            *label = table[i].label;
            return table[i].scale;
        }
    }
    *label = table[n - 1].label;
    return table[n - 1].scale;
}

/* Log axis when the positive values span more than two decades. */
static gboolean wants_log(const double *v, guint n)
{
    double lo = INFINITY, hi = 0;
    for (guint i = 0; i < n; i++)
        if (isfinite(v[i]) && v[i] > 0) {
            lo = MIN(lo, v[i]);
            hi = MAX(hi, v[i]);
        }
    return hi > 0 && lo > 0 && hi / lo > 100;
}

static gboolean scatter(const TsExportData *d, const char *stem, TsSweepObjective xo,
                        TsSweepObjective yo, GError **error)
{
    GArray *ax = g_array_new(FALSE, FALSE, sizeof(double)),
           *ay = g_array_new(FALSE, FALSE, sizeof(double)),
           *fx = g_array_new(FALSE, FALSE, sizeof(double)),
           *fy = g_array_new(FALSE, FALSE, sizeof(double));
    double xmax = 0, ymax = 0;
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (usable(r) && isfinite(r->v[xo]) && isfinite(r->v[yo])) {
            xmax = MAX(xmax, r->v[xo]);
            ymax = MAX(ymax, r->v[yo]);
        }
    }
    const char *xl = NULL, *yl = NULL;
    double xs = axis_scale(xo, xmax, &xl), ys = axis_scale(yo, ymax, &yl);
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (!usable(r) || !isfinite(r->v[xo]) || !isfinite(r->v[yo]))
            continue;
        double x = r->v[xo] * xs, y = r->v[yo] * ys;
        g_array_append_val(ax, x);
        g_array_append_val(ay, y);
    }
    /* the front of these two objectives, by increasing x */
    GPtrArray *order = g_ptr_array_new();
    for (guint i = 0; i < d->rows->len; i++) {
        TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (usable(r) && isfinite(r->v[xo]) && isfinite(r->v[yo]))
            g_ptr_array_add(order, r);
    }
    for (guint i = 1; i < order->len; i++) /* insertion sort: stable, small inputs */
        for (guint j = i; j > 0; j--) {
            TsExportRow *a = order->pdata[j - 1], *b = order->pdata[j];
            if (a->v[xo] < b->v[xo] || (a->v[xo] == b->v[xo] && a->v[yo] <= b->v[yo]))
                break;
            order->pdata[j - 1] = b;
            order->pdata[j] = a;
        }
    double best_y = INFINITY;
    for (guint i = 0; i < order->len; i++) {
        const TsExportRow *r = order->pdata[i];
        if (r->v[yo] < best_y) {
            best_y = r->v[yo];
            double x = r->v[xo] * xs, y = r->v[yo] * ys;
            g_array_append_val(fx, x);
            g_array_append_val(fy, y);
        }
    }
    g_ptr_array_free(order, TRUE);
    TsPlotSeries series[2] = {
        {"design points", (double *)(void *)ax->data, (double *)(void *)ay->data, ax->len,
         TS_PLOT_MARKERS, FALSE},
        {"Pareto front", (double *)(void *)fx->data, (double *)(void *)fy->data, fx->len,
         TS_PLOT_MARKERS | TS_PLOT_LINES, TRUE},
    };
    g_autofree char *title =
        g_strdup_printf("%s: %s against %s (%u points, %u on the front)", d->name,
                        ts_sweep_objective_name(yo), ts_sweep_objective_name(xo), ax->len, fx->len);
    TsPlotAxes axes = {.title = title,
                       .x_label = xl,
                       .y_label = yl,
                       .x_log = wants_log((double *)(void *)ax->data, ax->len),
                       .y_log = wants_log((double *)(void *)ay->data, ay->len)};
    gboolean ok = ts_plot_xy(stem, TS_PLOT_ALL, &axes, series, 2, error);
    g_array_free(ax, TRUE);
    g_array_free(ay, TRUE);
    g_array_free(fx, TRUE);
    g_array_free(fy, TRUE);
    return ok;
}

/* Distinct values of parameter k among usable rows: numeric ones sorted, text in first
 * appearance order. Returns indices of representative rows. */
static GPtrArray *distinct_values(const TsExportData *d, guint k, gboolean *numeric)
{
    GPtrArray *vals = g_ptr_array_new(); /* const TsExportRow* with that value */
    *numeric = TRUE;
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (!usable(r) || r->values[k] == NULL)
            continue;
        gboolean seen = FALSE;
        for (guint j = 0; j < vals->len && !seen; j++)
            seen = strcmp(((const TsExportRow *)vals->pdata[j])->values[k], r->values[k]) == 0;
        if (!seen) {
            g_ptr_array_add(vals, (gpointer)r);
            *numeric &= r->is_number[k];
        }
    }
    if (*numeric)
        for (guint i = 1; i < vals->len; i++)
            for (guint j = i; j > 0; j--) {
                const TsExportRow *a = vals->pdata[j - 1], *b = vals->pdata[j];
                if (a->numbers[k] <= b->numbers[k])
                    break;
                vals->pdata[j - 1] = (gpointer)b;
                vals->pdata[j] = (gpointer)a;
            }
    return vals;
}

/* Best (lowest) objective among usable rows whose parameter k equals value. */
static double best_with(const TsExportData *d, guint k, const char *value, TsSweepObjective o)
{
    double best = INFINITY;
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (usable(r) && g_strcmp0(r->values[k], value) == 0 && isfinite(r->v[o]))
            best = MIN(best, r->v[o]);
    }
    return best;
}

static double best_overall(const TsExportData *d, TsSweepObjective o)
{
    double best = INFINITY;
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (usable(r) && isfinite(r->v[o]))
            best = MIN(best, r->v[o]);
    }
    return best;
}

static gboolean sensitivity(const TsExportData *d, const char *dir, GError **error)
{
    static const TsSweepObjective objs[] = {TS_SWEEP_OBJ_ENERGY, TS_SWEEP_OBJ_LATENCY,
                                            TS_SWEEP_OBJ_EDP};
    static const char *const names[] = {"best energy", "best latency", "best EDP"};
    GPtrArray *bar_names = g_ptr_array_new_with_free_func(g_free);
    GArray *spread = g_array_new(FALSE, FALSE, sizeof(double));
    double edp_best = best_overall(d, TS_SWEEP_OBJ_EDP);
    gboolean ok = TRUE;
    for (guint k = 0; ok && k < d->n_params; k++) {
        gboolean numeric = FALSE;
        GPtrArray *vals = distinct_values(d, k, &numeric);
        if (vals->len < 2) {
            g_ptr_array_free(vals, TRUE);
            continue;
        }
        guint n = vals->len;
        double *x = g_new(double, n), *y[3];
        const char **ticks = g_new0(const char *, n + 1);
        double lo = INFINITY, hi = -INFINITY;
        for (guint m = 0; m < 3; m++)
            y[m] = g_new(double, n);
        for (guint i = 0; i < n; i++) {
            const TsExportRow *r = vals->pdata[i];
            x[i] = numeric ? r->numbers[k] : (double)i;
            ticks[i] = r->values[k];
            for (guint m = 0; m < 3; m++) {
                double b = best_overall(d, objs[m]);
                y[m][i] = best_with(d, k, r->values[k], objs[m]) / b;
            }
            double e = best_with(d, k, r->values[k], TS_SWEEP_OBJ_EDP);
            lo = MIN(lo, e);
            hi = MAX(hi, e);
        }
        TsPlotSeries series[3];
        for (guint m = 0; m < 3; m++)
            series[m] =
                (TsPlotSeries){names[m], x, y[m], n, TS_PLOT_MARKERS | TS_PLOT_LINES, FALSE};
        g_autofree char *title =
            g_strdup_printf("%s: sensitivity to %s", d->name, d->param_names[k]);
        g_autofree char *xlabel = g_strdup_printf("%s (%s)", d->param_names[k], d->param_kinds[k]);
        gboolean positive = numeric;
        for (guint i = 0; i < n; i++)
            positive &= x[i] > 0;
        TsPlotAxes axes = {.title = title,
                           .x_label = xlabel,
                           .y_label = "best design with this value / best overall",
                           .x_log = positive && x[n - 1] / x[0] > 16,
                           .x_ticks = numeric ? NULL : ticks,
                           .n_x_ticks = numeric ? 0 : n};
        g_autofree char *base = g_strdup_printf("sensitivity-%s", d->param_names[k]);
        g_autofree char *stem = g_build_filename(dir, base, NULL);
        ok = ts_plot_xy(stem, TS_PLOT_ALL, &axes, series, 3, error);
        double sp = lo > 0 && isfinite(hi) ? hi / lo : NAN;
        if (isfinite(edp_best) && isfinite(sp)) {
            g_ptr_array_add(bar_names, g_strdup(d->param_names[k]));
            g_array_append_val(spread, sp);
        }
        for (guint m = 0; m < 3; m++)
            g_free(y[m]);
        g_free(x);
        g_free(ticks);
        g_ptr_array_free(vals, TRUE);
    }
    if (ok && bar_names->len > 0) {
        const char *group = "best EDP spread";
        TsPlotBars bars = {(const char *const *)bar_names->pdata, bar_names->len, &group, 1,
                           (double *)(void *)spread->data,        FALSE};
        g_autofree char *title =
            g_strdup_printf("%s: how much each parameter moves the best EDP", d->name);
        TsPlotAxes axes = {
            .title = title, .x_label = "parameter", .y_label = "best EDP per value: max / min"};
        g_autofree char *stem = g_build_filename(dir, "sensitivity", NULL);
        ok = ts_plot_bars(stem, TS_PLOT_ALL, &axes, &bars, error);
    }
    g_ptr_array_unref(bar_names);
    g_array_free(spread, TRUE);
    return ok;
}

static gboolean energy_by_op(const TsExportData *d, const char *dir, GError **error)
{
    GPtrArray *front = g_ptr_array_new();
    for (guint i = 0; i < d->rows->len; i++) {
        const TsExportRow *r = &g_array_index(d->rows, TsExportRow, i);
        if (r->pareto && r->op_energy != NULL)
            g_ptr_array_add(front, (gpointer)r);
    }
    if (front->len == 0 || d->n_op_names == 0) {
        g_ptr_array_free(front, TRUE);
        return TRUE;
    }
    /* at most MAX_BAR_POINTS points, evenly spaced along the front (by id order) */
    guint n = MIN(front->len, MAX_BAR_POINTS), n_ops = d->n_op_names;
    double largest = 0;
    for (guint i = 0; i < front->len; i++)
        largest = MAX(largest, ((const TsExportRow *)front->pdata[i])->v[TS_SWEEP_OBJ_ENERGY]);
    const char *ylabel = NULL;
    double scale = axis_scale(TS_SWEEP_OBJ_ENERGY, largest, &ylabel);
    char **cats = g_new0(char *, n + 1);
    double *values = g_new0(double, n_ops *n);
    for (guint c = 0; c < n; c++) {
        const TsExportRow *r = front->pdata[front->len == n ? c : c * (front->len - 1) / (n - 1)];
        cats[c] = g_strdup_printf("#%" G_GINT64_FORMAT, r->id);
        for (guint g = 0; g < n_ops; g++)
            values[g * n + c] = isfinite(r->op_energy[g]) ? r->op_energy[g] * scale : 0.0;
    }
    TsPlotBars bars = {
        (const char *const *)cats, n, (const char *const *)d->op_names, n_ops, values, TRUE};
    g_autofree char *title =
        g_strdup_printf("%s: energy of each op (times its count), Pareto points", d->name);
    TsPlotAxes axes = {
        .title = title, .x_label = "design point on the Pareto front (id)", .y_label = ylabel};
    g_autofree char *stem = g_build_filename(dir, "energy-by-op", NULL);
    gboolean ok = ts_plot_bars(stem, TS_PLOT_ALL, &axes, &bars, error);
    g_strfreev(cats);
    g_free(values);
    g_ptr_array_free(front, TRUE);
    return ok;
}

gboolean ts_sweep_plots(const TsExportData *d, const char *dir, GError **error)
{
    guint usable_points = 0;
    for (guint i = 0; i < d->rows->len; i++)
        usable_points += usable(&g_array_index(d->rows, TsExportRow, i));
    if (usable_points == 0)
        return TRUE; /* nothing to draw yet */
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot create: %s", dir,
                    g_strerror(e));
        return FALSE;
    }
    TsSweepObjective time_axis = TS_SWEEP_OBJ_LATENCY;
    gboolean area = FALSE;
    for (guint k = 0; k < d->n_objectives; k++) {
        if (d->objectives[k] == TS_SWEEP_OBJ_CYCLES || ts_sweep_objective_is_des(d->objectives[k]))
            time_axis = d->objectives[k];
        area |= d->objectives[k] == TS_SWEEP_OBJ_AREA;
    }
    g_autofree char *pareto = g_build_filename(dir, "pareto", NULL);
    gboolean ok = scatter(d, pareto, time_axis, TS_SWEEP_OBJ_ENERGY, error);
    if (ok && area) {
        g_autofree char *pa = g_build_filename(dir, "pareto-area", NULL);
        ok = scatter(d, pa, TS_SWEEP_OBJ_AREA, TS_SWEEP_OBJ_ENERGY, error);
    }
    return ok && sensitivity(d, dir, error) && energy_by_op(d, dir, error);
}
