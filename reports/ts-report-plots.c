/* Plots of simulate and compare: the data comes from the layer results and the breakdowns
 * (ts-report-breakdown.h); ts-plot.h draws. */
#include "ts-report-plots.h"
#include "ts-plot.h"
#include "ts-report-breakdown.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static gboolean make_dir(const char *dir, GError **error)
{
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "--plot %s: %s", dir,
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

/* "KTQ x12" for an op run count times, else its name (newly allocated). */
static char *op_label(const TsLayerOp *lo)
{
    const char *name = lo->op->name ? lo->op->name : "?";
    return lo->op->count > 1 ? g_strdup_printf("%s x%" G_GUINT64_FORMAT, name, lo->op->count)
                             : g_strdup(name);
}

static char **op_labels(const TsLayerResult *r)
{
    char **labels = g_new0(char *, r->n_ops + 1);
    for (guint i = 0; i < r->n_ops; i++)
        labels[i] = op_label(&r->ops[i]);
    return labels;
}

static gboolean energy_by_op(const char *dir, const TsLayerReport *rep, const TsLayerBreakdown *bd,
                             GError **error)
{
    const TsLayerResult *r = rep->result;
    g_auto(GStrv) labels = op_labels(r);
    /* Parts that hold energy somewhere, in the breakdown's order. */
    GPtrArray *groups = g_ptr_array_new();
    GArray *values = g_array_new(FALSE, TRUE, sizeof(double));
    for (guint p = 0; p < bd->n_parts; p++) {
        if (bd->energy_by_part_pj[p] == 0.0)
            continue;
        g_ptr_array_add(groups, (gpointer)bd->part_names[p]);
        for (guint i = 0; i < r->n_ops; i++) {
            double uj = bd->op_energy_pj[(gsize)i * bd->n_parts + p] *
                        (double)r->ops[i].op->count * 1e-6;
            g_array_append_val(values, uj);
        }
    }
    g_autofree char *title = g_strdup_printf("Energy per op by level: %s on %s (each op x count)",
                                             rep->info.workload, rep->info.arch);
    TsPlotAxes axes = {.title = title, .x_label = "op", .y_label = "energy (uJ)"};
    TsPlotBars bars = {(const char *const *)labels,          r->n_ops,
                       (const char *const *)groups->pdata,   groups->len,
                       (const double *)(void *)values->data, TRUE};
    g_autofree char *stem = g_build_filename(dir, "energy-by-op", NULL);
    gboolean ok = ts_plot_bars(stem, TS_PLOT_ALL, &axes, &bars, error);
    g_ptr_array_free(groups, TRUE);
    g_array_free(values, TRUE);
    return ok;
}

static gboolean latency_by_op(const char *dir, const TsLayerReport *rep, GError **error)
{
    const TsLayerResult *r = rep->result;
    g_auto(GStrv) labels = op_labels(r);
    const guint n_groups = rep->des_cycles ? 2 : 1;
    double *v = g_new0(double, (gsize)r->n_ops * n_groups);
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        v[i] = lo->latency_s * (double)lo->op->count * 1e6;
        if (rep->des_cycles)
            v[r->n_ops + i] = lo->cycles > 0 && isfinite(rep->des_cycles[i])
                                  ? v[i] * rep->des_cycles[i] / lo->cycles
                                  : 0.0;
    }
    const char *groups[] = {"analytical", "DES"};
    g_autofree char *title = g_strdup_printf("Latency per op: %s on %s (each op x count)",
                                             rep->info.workload, rep->info.arch);
    TsPlotAxes axes = {.title = title, .x_label = "op", .y_label = "latency (us)"};
    TsPlotBars bars = {(const char *const *)labels, r->n_ops, groups, n_groups, v, FALSE};
    g_autofree char *stem = g_build_filename(dir, "latency-by-op", NULL);
    gboolean ok = ts_plot_bars(stem, TS_PLOT_ALL, &axes, &bars, error);
    g_free(v);
    return ok;
}

/* Bytes one op instance moves at storage level l (reads, fills and updates of every utilized
 * instance, in the level's words). */
static double level_bytes(const TsLayerOp *src, guint l)
{
    const TsCost *c = &src->search.best[0].cost;
    const TsLevel *lv = ts_model_level(src->model, l);
    const TsOp *op = ts_model_op(src->model);
    double words = 0.0;
    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensorCost *tc = &c->level[l].tensor[t];
        words += ((double)tc->reads + (double)tc->fills + (double)tc->updates) *
                 (double)tc->instances;
    }
    return words * (lv->word_bits ? lv->word_bits : 16) / 8.0;
}

/* The most bytes per second all instances of a storage level can move, reads, fills and
 * updates together (what level_bytes counts), under the model's limits (ts-model.c): reads at
 * the read bandwidth, fills and updates at the write bandwidth, both within the shared
 * bandwidth; an unlimited direction without a shared limit leaves the level unbounded
 * (INFINITY: no roof). A bandwidth-bound op moves its bytes in at least bytes / this. */
static double level_roof_bytes_per_s(const TsArch *arch, const TsLevel *lv)
{
    /* bytes per second of one word per cycle, in the words level_bytes counts */
    const double one = (lv->word_bits ? lv->word_bits : 16) / 8.0 * ts_arch_clock_hz(arch);
    const double r = lv->read_bw_words_per_cycle, w = lv->write_bw_words_per_cycle;
    const double sh = lv->shared_bw_words_per_cycle;
    double words = r > 0 && w > 0 ? r + w : INFINITY;
    if (sh > 0)
        words = MIN(words, sh);
    return words * one * MAX(lv->instances, 1u);
}

/* The roofline's series while they are gathered: per series its name, points and style. */
typedef struct {
    GPtrArray *names, *xs, *ys; /* owned strings and point arrays */
    GArray *ns_pts, *styles;    /* guint each */
} SeriesList;

/* Appends one series, taking name, x and y (n points each). */
static void series_add(SeriesList *sl, char *name, double *x, double *y, guint n, guint style)
{
    g_ptr_array_add(sl->names, name);
    g_ptr_array_add(sl->xs, x);
    g_ptr_array_add(sl->ys, y);
    g_array_append_val(sl->ns_pts, n);
    g_array_append_val(sl->styles, style);
}

static gboolean roofline(const char *dir, const TsLayerReport *rep, GError **error)
{
    const TsLayerResult *r = rep->result;
    const TsArch *arch = rep->arch;
    const guint ns = ts_arch_n_storage(arch);
    const double peak = ts_arch_peak_macs_per_s(arch);
    SeriesList sl = {
        .names = g_ptr_array_new_with_free_func(g_free),
        .xs = g_ptr_array_new_with_free_func(g_free),
        .ys = g_ptr_array_new_with_free_func(g_free),
        .ns_pts = g_array_new(FALSE, FALSE, sizeof(guint)),
        .styles = g_array_new(FALSE, FALSE, sizeof(guint)),
    };
    GPtrArray *names = sl.names;
    double xmin = INFINITY, xmax = 0;
    for (guint l = 0; l < ns; l++) {
        double *x = g_new0(double, MAX(r->n_ops, 1u)), *y = g_new0(double, MAX(r->n_ops, 1u));
        guint n = 0;
        for (guint i = 0; i < r->n_ops; i++) {
            const TsLayerOp *lo = &r->ops[i];
            const TsLayerOp *src = &r->ops[lo->same_as];
            if (!src->einsum || lo->macs == 0 || lo->latency_s <= 0 || i != lo->same_as)
                continue;
            double bytes = level_bytes(src, l);
            if (bytes <= 0)
                continue;
            x[n] = (double)lo->macs / bytes;
            y[n] = (double)lo->macs / lo->latency_s * 1e-9;
            xmin = MIN(xmin, x[n]);
            xmax = MAX(xmax, x[n]);
            n++;
        }
        if (n == 0) {
            g_free(x);
            g_free(y);
            continue;
        }
        /* GMAC/s from here on */
        series_add(&sl, g_strdup_printf("%s", ts_arch_storage(arch, l)->name), x, y, n,
                   TS_PLOT_MARKERS);
    }
    const double gpeak = peak * 1e-9;
    if (names->len > 0 && peak > 0) {
        const double x0 = xmin / 4, x1 = xmax * 4;
        const guint n_pts = names->len;
        for (guint k = 0; k < n_pts; k++) {
            /* the level of series k: its name */
            const char *lname = names->pdata[k];
            const TsLevel *lv = NULL;
            for (guint l = 0; l < ns; l++)
                if (strcmp(ts_arch_storage(arch, l)->name, lname) == 0)
                    lv = ts_arch_storage(arch, l);
            const double bw = lv ? level_roof_bytes_per_s(arch, lv) : 0.0;
            if (!(bw > 0) || !isfinite(bw))
                continue;
            double knee = peak / bw;
            double *x = g_new0(double, 3), *y = g_new0(double, 3);
            x[0] = MIN(x0, knee / 4);
            y[0] = bw * x[0] * 1e-9;
            x[1] = knee;
            y[1] = gpeak;
            x[2] = MAX(x1, knee * 4);
            y[2] = gpeak;
            series_add(&sl, g_strdup_printf("%s roof", lname), x, y, 3, TS_PLOT_LINES);
        }
        double *x = g_new0(double, 2), *y = g_new0(double, 2);
        x[0] = x0;
        x[1] = x1;
        y[0] = y[1] = gpeak;
        series_add(&sl, g_strdup_printf("peak %.3g GMAC/s", gpeak), x, y, 2, TS_PLOT_LINES);
    }
    TsPlotSeries *series = g_new0(TsPlotSeries, MAX(names->len, 1u));
    for (guint k = 0; k < names->len; k++)
        series[k] =
            (TsPlotSeries){.name = names->pdata[k],
                           .x = sl.xs->pdata[k],
                           .y = sl.ys->pdata[k],
                           .n = g_array_index(sl.ns_pts, guint, k),
                           .style = g_array_index(sl.styles, guint, k),
                           .highlight = g_array_index(sl.styles, guint, k) == TS_PLOT_MARKERS};
    g_autofree char *title =
        g_strdup_printf("Roofline: %s on %s", rep->info.workload, rep->info.arch);
    TsPlotAxes axes = {.title = title,
                       .x_label = "MACs per byte moved at the level (one point per einsum shape)",
                       .y_label = "achieved GMAC/s",
                       .x_log = TRUE,
                       .y_log = TRUE};
    g_autofree char *stem = g_build_filename(dir, "roofline", NULL);
    gboolean ok = TRUE;
    if (names->len > 0)
        ok = ts_plot_xy(stem, TS_PLOT_ALL, &axes, series, names->len, error);
    g_free(series);
    g_ptr_array_free(sl.names, TRUE);
    g_ptr_array_free(sl.xs, TRUE);
    g_ptr_array_free(sl.ys, TRUE);
    g_array_free(sl.ns_pts, TRUE);
    g_array_free(sl.styles, TRUE);
    return ok;
}

gboolean ts_report_layer_plots(const char *dir, const TsLayerReport *rep, GError **error)
{
    g_return_val_if_fail(dir != NULL && rep != NULL && rep->result != NULL, FALSE);
    if (!make_dir(dir, error))
        return FALSE;
    TsLayerBreakdown bd;
    ts_layer_breakdown_init(&bd, rep->arch, rep->result);
    gboolean ok = energy_by_op(dir, rep, &bd, error) && latency_by_op(dir, rep, error) &&
                  roofline(dir, rep, error);
    ts_layer_breakdown_clear(&bd);
    return ok;
}

gboolean ts_report_mapping_compare_plots(const char *dir, const TsModel *model,
                                         const TsCost *costs, const char *const *labels, guint n,
                                         GError **error)
{
    g_return_val_if_fail(dir != NULL && model != NULL && costs != NULL && labels != NULL, FALSE);
    if (!make_dir(dir, error))
        return FALSE;
    const guint nl = ts_model_n_levels(model);
    GPtrArray *cats = g_ptr_array_new();
    GArray *idx = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < n; i++)
        if (costs[i].status == TS_EVAL_OK) {
            g_ptr_array_add(cats, (gpointer)labels[i]);
            g_array_append_val(idx, i);
        }
    if (cats->len == 0) {
        g_ptr_array_free(cats, TRUE);
        g_array_free(idx, TRUE);
        g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA,
                    "--plot: no valid mapping to plot");
        return FALSE;
    }
    const guint nc = cats->len;
    const char **groups = g_new0(const char *, nl + 1);
    double *v = g_new0(double, (gsize)(nl + 1) * nc);
    for (guint l = 0; l <= nl; l++) {
        groups[l] = l < nl ? ts_model_level(model, l)->name : ts_model_compute(model)->name;
        for (guint c = 0; c < nc; c++) {
            const TsCost *k = &costs[g_array_index(idx, guint, c)];
            v[(gsize)l * nc + c] = (l < nl ? k->level[l].energy_pj : k->compute_energy_pj) * 1e-6;
        }
    }
    const TsOp *op = ts_model_op(model);
    g_autofree char *t1 = g_strdup_printf("Energy by level per mapping of %s", op->name ? op->name : "the op");
    TsPlotAxes a1 = {.title = t1, .x_label = "mapping", .y_label = "energy (uJ)"};
    TsPlotBars b1 = {(const char *const *)cats->pdata, nc, groups, nl + 1, v, TRUE};
    g_autofree char *s1 = g_build_filename(dir, "compare-mappings-energy", NULL);
    gboolean ok = ts_plot_bars(s1, TS_PLOT_ALL, &a1, &b1, error);
    if (ok) {
        double *cyc = g_new0(double, nc), most = 0;
        for (guint c = 0; c < nc; c++) {
            cyc[c] = costs[g_array_index(idx, guint, c)].cycles;
            most = MAX(most, cyc[c]);
        }
        /* Millions past 10^5: long tick labels would run into the axis label. */
        const gboolean mega = most >= 1e5;
        for (guint c = 0; mega && c < nc; c++)
            cyc[c] *= 1e-6;
        const char *g = "cycles";
        g_autofree char *t2 =
            g_strdup_printf("Cycles per mapping of %s", op->name ? op->name : "the op");
        TsPlotAxes a2 = {.title = t2,
                         .x_label = "mapping",
                         .y_label = mega ? "cycles (millions, arch clock)" : "cycles (arch clock)"};
        TsPlotBars b2 = {(const char *const *)cats->pdata, nc, &g, 1, cyc, FALSE};
        g_autofree char *s2 = g_build_filename(dir, "compare-mappings-cycles", NULL);
        ok = ts_plot_bars(s2, TS_PLOT_ALL, &a2, &b2, error);
        g_free(cyc);
    }
    g_free(groups);
    g_free(v);
    g_ptr_array_free(cats, TRUE);
    g_array_free(idx, TRUE);
    return ok;
}

gboolean ts_report_arch_compare_plots(const char *dir, const TsLayerReport *const *reports,
                                      guint n, GError **error)
{
    g_return_val_if_fail(dir != NULL && reports != NULL && n > 0, FALSE);
    if (!make_dir(dir, error))
        return FALSE;
    const char **archs = g_new0(const char *, n);
    double *v = g_new0(double, (gsize)TS_OP_CLASS_COUNT_ * n);
    const char *classes[TS_OP_CLASS_COUNT_];
    for (guint k = 0; k < TS_OP_CLASS_COUNT_; k++)
        classes[k] = ts_op_class_label((TsOpClass)k);
    for (guint a = 0; a < n; a++) {
        archs[a] = reports[a]->info.arch;
        TsLayerBreakdown bd;
        ts_layer_breakdown_init(&bd, reports[a]->arch, reports[a]->result);
        for (guint k = 0; k < TS_OP_CLASS_COUNT_; k++)
            v[(gsize)k * n + a] = MAX(bd.energy_by_class_pj[k], 0.0) * 1e-6;
        ts_layer_breakdown_clear(&bd);
    }
    const char *wl = reports[0]->info.workload;
    g_autofree char *t1 = g_strdup_printf("Energy by op class per architecture: %s", wl);
    TsPlotAxes a1 = {.title = t1, .x_label = "architecture", .y_label = "energy (uJ)"};
    TsPlotBars b1 = {archs, n, classes, TS_OP_CLASS_COUNT_, v, TRUE};
    g_autofree char *s1 = g_build_filename(dir, "compare-archs-energy", NULL);
    gboolean ok = ts_plot_bars(s1, TS_PLOT_ALL, &a1, &b1, error);
    if (ok) {
        const TsLayerResult *r0 = reports[0]->result;
        g_auto(GStrv) labels = op_labels(r0);
        double *lat = g_new0(double, (gsize)n * r0->n_ops);
        for (guint a = 0; a < n; a++)
            for (guint i = 0; i < r0->n_ops && i < reports[a]->result->n_ops; i++) {
                const TsLayerOp *lo = &reports[a]->result->ops[i];
                lat[(gsize)a * r0->n_ops + i] = lo->latency_s * (double)lo->op->count * 1e6;
            }
        g_autofree char *t2 =
            g_strdup_printf("Latency per op and architecture: %s (each op x count)", wl);
        TsPlotAxes a2 = {.title = t2, .x_label = "op", .y_label = "latency (us)"};
        TsPlotBars b2 = {(const char *const *)labels, r0->n_ops, archs, n, lat, FALSE};
        g_autofree char *s2 = g_build_filename(dir, "compare-archs-latency", NULL);
        ok = ts_plot_bars(s2, TS_PLOT_ALL, &a2, &b2, error);
        g_free(lat);
    }
    g_free(archs);
    g_free(v);
    return ok;
}
