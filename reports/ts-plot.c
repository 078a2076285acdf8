/* Plots with PLplot's cairo driver: one PLplot stream per file, created and ended under a
 * global lock (PLplot keeps global state), on a white page with the Okabe-Ito colour-blind safe
 * palette; the data goes to a CSV beside the images. Files are written to temporary names and
 * renamed, so a plot is complete or absent. PLplot (TILESIM_PLPLOT_SONAME) is loaded with
 * dlopen at the first plot or availability check, so a process that draws nothing never loads
 * it and its dependencies. */
#include "ts-plot.h"

#include "ts-file.h"
#include "ts-report-csv.h"

#include <dlfcn.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <plplot/plplot.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK(ts - plot - error - quark, ts_plot_error)

static GMutex plot_lock;

/* The PLplot functions used here, by their API names (plplot.h maps most to c_pl...). */
#define PLPLOT_FUNCTIONS(X)                                                                    \
    X(pladv) X(plbox) X(plcol0) X(plend1) X(plfill) X(plgDevs) X(plgstrm) X(plinit) X(pllegend) \
    X(plline) X(plmkstrm) X(plmtex) X(plschr) X(plscol0a) X(plsdev) X(plsfnam) X(plspage)       \
    X(plsstrm) X(plstring) X(plvpor) X(plwidth) X(plwind)
#define PLPLOT_STR(f) PLPLOT_STR2(f)
#define PLPLOT_STR2(f) #f

/* Entry points of the loaded library (under plot_lock): pl.plinit() calls PLplot's plinit. */
static struct {
#define PLPLOT_FIELD(f) __typeof__(f) *f;
    PLPLOT_FUNCTIONS(PLPLOT_FIELD)
#undef PLPLOT_FIELD
} pl;
static gboolean pl_loaded;
static char *pl_load_error; /* why the library could not be loaded (kept: each call reports it) */

/* Loads PLplot once (call under plot_lock); FALSE when it is missing or incomplete. */
static gboolean load_plplot(void)
{
    if (pl_loaded || pl_load_error != NULL)
        return pl_loaded;
    void *handle = dlopen(TILESIM_PLPLOT_SONAME, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        pl_load_error = g_strdup(dlerror());
        return FALSE;
    }
#define PLPLOT_LOAD(f)                                                                         \
    if (pl_load_error == NULL && (pl.f = dlsym(handle, PLPLOT_STR(f))) == NULL)                 \
        pl_load_error = g_strdup_printf("%s: no symbol %s", TILESIM_PLPLOT_SONAME, PLPLOT_STR(f));
    PLPLOT_FUNCTIONS(PLPLOT_LOAD)
#undef PLPLOT_LOAD
    pl_loaded = pl_load_error == NULL;
    return pl_loaded; /* the handle stays open for the life of the process */
}

/* cmap0: 0 background, 1 axes and text, 2 .. 13 series: the Okabe and Ito colour-blind safe
 * palette ("Color Universal Design") then five of Paul Tol's muted scheme, 14 grey, 15 the
 * light grey of the grid. */
static const guint8 kPalette[][3] = {
    {255, 255, 255}, {0, 0, 0},       {0, 114, 178},   {213, 94, 0},
    {0, 158, 115},   {230, 159, 0},   {86, 180, 233},  {204, 121, 167},
    {240, 228, 66},  {136, 34, 85},   {68, 170, 153},  {153, 153, 51},
    {51, 34, 136},   {221, 204, 119}, {120, 120, 120}, {215, 215, 215},
};
#define N_SERIES_COLOURS 12 /* indices 2 .. 13 */
#define COLOUR_GRID 15

static const char *kMarker = "●"; /* drawn with the cairo driver's fonts */

/* TRUE when PLplot loads and has the device (call under plot_lock). */
static gboolean has_device(const char *device)
{
    if (!load_plplot())
        return FALSE;
    int n = 128;
    const char **menu = g_new0(const char *, n), **names = g_new0(const char *, n);
    pl.plgDevs(&menu, &names, &n);
    gboolean found = FALSE;
    for (int i = 0; i < n && !found; i++)
        found = names[i] != NULL && strcmp(names[i], device) == 0;
    g_free(menu);
    g_free(names);
    return found;
}

gboolean ts_plot_available(void)
{
    g_mutex_lock(&plot_lock);
    gboolean ok = has_device("pngcairo") && has_device("svgcairo");
    g_mutex_unlock(&plot_lock);
    return ok;
}

/* PLplot treats '#' as an escape: a literal one is "##". */
static char *escape(const char *text)
{
    if (text == NULL)
        return g_strdup("");
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p++) {
        if (*p == '#')
            g_string_append_c(s, '#');
        g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

static gboolean write_atomically(const char *path, const char *text, gsize len, GError **error)
{
    return ts_output_write("plot data", path, text, (gssize)len, error);
}

/* Renders to a temporary file beside path, then renames it over path. */
typedef void (*DrawFn)(gpointer data);

static gboolean render(const char *path, const char *device, const TsPlotAxes *axes, DrawFn draw,
                       gpointer data, GError **error)
{
    g_autofree char *tmp = g_strdup_printf("%s.tmp-%d", path, (int)getpid());
    FILE *probe = g_fopen(tmp, "wb");
    if (probe == NULL) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    fclose(probe);
    PLINT strm = 0, prev = 0;
    pl.plgstrm(&prev);
    pl.plmkstrm(&strm);
    pl.plsdev(device);
    pl.plsfnam(tmp);
    pl.plspage(0, 0, (PLINT)(axes->width_px ? axes->width_px : 1100),
            (PLINT)(axes->height_px ? axes->height_px : 600), 0, 0);
    for (guint i = 0; i < G_N_ELEMENTS(kPalette); i++)
        pl.plscol0a((PLINT)i, kPalette[i][0], kPalette[i][1], kPalette[i][2], 1.0);
    pl.plinit();
    pl.pladv(0);
    draw(data);
    pl.plend1();
    pl.plsstrm(prev);
    if (g_rename(tmp, path) != 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                    g_strerror(e));
        g_unlink(tmp);
        return FALSE;
    }
    return TRUE;
}

/* ---- Axes --------------------------------------------------------------------------------- */

typedef struct {
    double lo, hi;
    gboolean any;
} Range;

static void range_add(Range *r, double v, gboolean log_axis)
{
    if (!isfinite(v) || (log_axis && v <= 0))
        return;
    double t = log_axis ? log10(v) : v;
    if (!r->any) {
        r->lo = r->hi = t;
        r->any = TRUE;
    } else {
        r->lo = MIN(r->lo, t);
        r->hi = MAX(r->hi, t);
    }
}

static void range_pad(Range *r, gboolean from_zero)
{
    if (from_zero && r->lo > 0)
        r->lo = 0;
    double span = r->hi - r->lo;
    if (span <= 0)
        span = r->hi != 0 ? fabs(r->hi) * 0.2 : 1.0;
    r->hi += 0.06 * span;
    if (!from_zero || r->lo < 0)
        r->lo -= 0.06 * span;
}

/* Margins around the plot in pixels; the legend sits in the right one. */
#define MARGIN_LEFT 95.0
#define MARGIN_RIGHT 300.0
#define MARGIN_BOTTOM 70.0
#define MARGIN_TOP 45.0

static void frame(const TsPlotAxes *axes, Range x, Range y, gboolean categorical)
{
    double w = axes->width_px ? axes->width_px : 1100, h = axes->height_px ? axes->height_px : 600;
    /* Vertical tick labels (more than 8 categories): room for the longest one. */
    gboolean vertical = categorical && axes->n_x_ticks > 8;
    gsize longest = 0;
    for (guint i = 0; vertical && i < axes->n_x_ticks; i++)
        longest = MAX(longest, g_utf8_strlen(axes->x_ticks[i] ? axes->x_ticks[i] : "", -1));
    double bottom = MARGIN_BOTTOM + (vertical ? MAX(40.0, 10.0 * (double)longest) : 0.0);
    pl.plvpor(MARGIN_LEFT / w, 1.0 - MARGIN_RIGHT / w, bottom / h, 1.0 - MARGIN_TOP / h);
    pl.plwind(x.lo, x.hi, y.lo, y.hi);
    pl.plwidth(1.0);
    pl.plschr(0, 0.9);
    const char *xl = axes->x_log && !categorical ? "l" : "", *yl = axes->y_log ? "l" : "";
    g_autofree char *xgrid = g_strdup_printf("%s%s", categorical ? "" : "g", xl);
    g_autofree char *ygrid = g_strdup_printf("g%s", yl);
    pl.plcol0(COLOUR_GRID);
    pl.plbox(xgrid, 0.0, 0, ygrid, 0.0, 0);
    pl.plcol0(1);
    /* "f": numbers as they are, never a separate "(x10^4)" factor beside the axis */
    g_autofree char *xopt = g_strdup_printf("bc%s%s", categorical ? "" : "nstf", xl);
    g_autofree char *yopt = g_strdup_printf("bcnstvf%s", yl);
    pl.plbox(xopt, 0.0, 0, yopt, 0.0, 0);
    if (categorical) {
        for (guint i = 0; i < axes->n_x_ticks; i++) {
            g_autofree char *t = escape(axes->x_ticks[i]);
            double pos = ((double)i - x.lo) / (x.hi - x.lo);
            if (vertical)
                pl.plmtex("bv", 0.7, pos, 1.0, t);
            else
                pl.plmtex("b", 1.6, pos, 0.5, t);
        }
    }
    g_autofree char *xlab = escape(axes->x_label), *ylab = escape(axes->y_label),
                    *tl = escape(axes->title);
    pl.plschr(0, 1.0);
    pl.plmtex("b", vertical ? MAX(5.5, 2.5 + 0.62 * (double)longest) : 3.2, 0.5, 0.5, xlab);
    pl.plmtex("l", 5.0, 0.5, 0.5, ylab);
    pl.plschr(0, 1.1);
    pl.plmtex("t", 1.5, 0.5, 0.5, tl);
    pl.plschr(0, 1.0);
}

static void legend(guint n, const char *const *names, const PLINT *opts, const PLINT *colours,
                   gboolean boxes)
{
    if (n == 0)
        return;
    PLINT *text_colors = g_new(PLINT, n), *styles = g_new(PLINT, n), *patterns = g_new(PLINT, n),
          *numbers = g_new(PLINT, n);
    PLFLT *widths = g_new(PLFLT, n), *scales = g_new(PLFLT, n), *bscales = g_new(PLFLT, n),
          *bwidths = g_new(PLFLT, n);
    const char **symbols = g_new(const char *, n);
    char **texts = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++) {
        text_colors[i] = 1;
        styles[i] = 1;
        patterns[i] = 0;
        numbers[i] = 1;
        widths[i] = 2.0;
        scales[i] = 1.0;
        bscales[i] = 0.8;
        bwidths[i] = 1.0;
        symbols[i] = kMarker;
        texts[i] = escape(names[i]);
    }
    PLFLT w = 0, h = 0;
    pl.plschr(0, 0.85);
    pl.pllegend(&w, &h, PL_LEGEND_BACKGROUND, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.05,
             0, 1, 1, 0, 0, (PLINT)n, opts, 1.0, 1.0, 1.8, 0.0, text_colors,
             (const char *const *)texts, boxes ? colours : NULL, boxes ? patterns : NULL,
             boxes ? bscales : NULL, boxes ? bwidths : NULL, colours, styles, widths, colours,
             scales, numbers, symbols);
    pl.plschr(0, 1.0);
    g_free(text_colors);
    g_free(styles);
    g_free(patterns);
    g_free(numbers);
    g_free(widths);
    g_free(scales);
    g_free(bscales);
    g_free(bwidths);
    g_free(symbols);
    g_strfreev(texts);
}

/* ---- XY ----------------------------------------------------------------------------------- */

typedef struct {
    const TsPlotAxes *axes;
    const TsPlotSeries *series;
    guint n;
    Range x, y;
} XyPlot;

static PLINT series_colour(guint index)
{
    return (PLINT)(2 + (index % N_SERIES_COLOURS));
}

static void draw_series(const XyPlot *p, const TsPlotSeries *s, PLINT colour)
{
    PLFLT *x = g_new(PLFLT, MAX(s->n, 1u)), *y = g_new(PLFLT, MAX(s->n, 1u));
    PLINT k = 0;
    for (guint i = 0; i < s->n; i++) {
        double xv = s->x[i], yv = s->y[i];
        if (!isfinite(xv) || !isfinite(yv) || (p->axes->x_log && xv <= 0) ||
            (p->axes->y_log && yv <= 0))
            continue;
        x[k] = p->axes->x_log ? log10(xv) : xv;
        y[k] = p->axes->y_log ? log10(yv) : yv;
        k++;
    }
    pl.plcol0(colour);
    if ((s->style & TS_PLOT_LINES) && k > 1) {
        pl.plwidth(s->highlight ? 2.5 : 1.8);
        pl.plline(k, x, y);
    }
    if (s->style & TS_PLOT_MARKERS) {
        pl.plschr(0, s->highlight ? 1.1 : 0.8);
        pl.plstring(k, x, y, kMarker);
        pl.plschr(0, 1.0);
    }
    pl.plwidth(1.0);
    g_free(x);
    g_free(y);
}

static void draw_xy(gpointer data)
{
    XyPlot *p = data;
    frame(p->axes, p->x, p->y, p->axes->x_ticks != NULL);
    /* ordinary series first, highlighted ones on top */
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < p->n; i++)
            if (p->series[i].highlight == (pass == 1))
                draw_series(p, &p->series[i], series_colour(i));
    const char **names = g_new(const char *, p->n);
    PLINT *opts = g_new(PLINT, p->n), *colours = g_new(PLINT, p->n);
    for (guint i = 0; i < p->n; i++) {
        names[i] = p->series[i].name;
        opts[i] = ((p->series[i].style & TS_PLOT_LINES) ? PL_LEGEND_LINE : 0) |
                  ((p->series[i].style & TS_PLOT_MARKERS) ? PL_LEGEND_SYMBOL : 0);
        colours[i] = series_colour(i);
    }
    legend(p->n, names, opts, colours, FALSE);
    g_free(names);
    g_free(opts);
    g_free(colours);
}

static gboolean write_outputs(const char *stem, guint formats, const TsPlotAxes *axes, DrawFn draw,
                              gpointer data, const GString *csv, GError **error)
{
    g_mutex_lock(&plot_lock);
    gboolean ok = TRUE;
    struct {
        guint bit;
        const char *device, *ext;
    } outs[] = {{TS_PLOT_SVG, "svgcairo", "svg"}, {TS_PLOT_PNG, "pngcairo", "png"}};
    for (guint i = 0; ok && i < G_N_ELEMENTS(outs); i++) {
        if (!(formats & outs[i].bit))
            continue;
        if (!load_plplot()) {
            g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DEVICE,
                        "%s.%s: PLplot cannot be loaded (install libplplot and "
                        "plplot-driver-cairo): %s",
                        stem, outs[i].ext, pl_load_error);
            ok = FALSE;
            break;
        }
        if (!has_device(outs[i].device)) {
            g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DEVICE,
                        "%s.%s: PLplot has no %s device (install plplot-driver-cairo)", stem,
                        outs[i].ext, outs[i].device);
            ok = FALSE;
            break;
        }
        g_autofree char *path = g_strdup_printf("%s.%s", stem, outs[i].ext);
        ok = render(path, outs[i].device, axes, draw, data, error);
    }
    g_mutex_unlock(&plot_lock);
    if (ok && (formats & TS_PLOT_CSV)) {
        g_autofree char *path = g_strdup_printf("%s.csv", stem);
        ok = write_atomically(path, csv->str, csv->len, error);
    }
    return ok;
}

gboolean ts_plot_xy(const char *stem, guint formats, const TsPlotAxes *axes,
                    const TsPlotSeries *series, guint n_series, GError **error)
{
    g_return_val_if_fail(stem != NULL && axes != NULL && (series != NULL || n_series == 0), FALSE);
    XyPlot p = {axes, series, n_series, {0, 0, FALSE}, {0, 0, FALSE}};
    g_autoptr(GString) csv = g_string_new(axes->x_ticks ? "series,x,x_label,y\n" : "series,x,y\n");
    for (guint i = 0; i < n_series; i++) {
        const TsPlotSeries *s = &series[i];
        for (guint k = 0; k < s->n; k++) {
            gboolean plotted = isfinite(s->x[k]) && isfinite(s->y[k]) &&
                               !(axes->x_log && s->x[k] <= 0) && !(axes->y_log && s->y[k] <= 0);
            if (plotted) {
                range_add(&p.x, s->x[k], axes->x_log);
                range_add(&p.y, s->y[k], axes->y_log);
            }
            ts_csv_text(csv, s->name);
            g_string_append_c(csv, ',');
            ts_csv_double(csv, s->x[k]);
            if (axes->x_ticks) {
                guint xi = (guint)s->x[k];
                g_string_append_c(csv, ',');
                ts_csv_text(csv,
                            isfinite(s->x[k]) && xi < axes->n_x_ticks ? axes->x_ticks[xi] : "");
            }
            g_string_append_c(csv, ',');
            ts_csv_double(csv, s->y[k]);
            g_string_append_c(csv, '\n');
        }
    }
    if (!p.x.any) {
        g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA,
                    "%s: nothing to plot (no finite%s "
                    "point)",
                    stem, axes->x_log || axes->y_log ? ", positive" : "");
        return FALSE;
    }
    if ((axes->x_log && p.x.hi - p.x.lo < 1.0) || (axes->y_log && p.y.hi - p.y.lo < 1.0)) {
        /* PLplot labels log axes at decades only: under one decade, draw that axis linear */
        TsPlotAxes lin = *axes;
        lin.x_log = axes->x_log && p.x.hi - p.x.lo >= 1.0;
        lin.y_log = axes->y_log && p.y.hi - p.y.lo >= 1.0;
        return ts_plot_xy(stem, formats, &lin, series, n_series, error);
    }
    if (axes->x_ticks) {
        p.x.lo = -0.5;
        p.x.hi = axes->n_x_ticks - 0.5;
    } else {
        range_pad(&p.x, FALSE);
    }
    range_pad(&p.y, FALSE);
    return write_outputs(stem, formats, axes, draw_xy, &p, csv, error);
}

/* ---- Bars --------------------------------------------------------------------------------- */

typedef struct {
    const TsPlotAxes *axes;
    const TsPlotBars *bars;
    Range y;
} BarPlot;

static void draw_bars(gpointer data)
{
    BarPlot *p = data;
    const TsPlotBars *b = p->bars;
    TsPlotAxes a = *p->axes;
    a.x_ticks = b->categories;
    a.n_x_ticks = b->n_categories;
    a.x_log = a.y_log = FALSE;
    Range x = {-0.5, b->n_categories - 0.5, TRUE};
    frame(&a, x, p->y, TRUE);
    double width = 0.8;
    for (guint c = 0; c < b->n_categories; c++) {
        double base = 0;
        for (guint g = 0; g < b->n_groups; g++) {
            double v = b->values[g * b->n_categories + c];
            if (!isfinite(v))
                continue;
            double x0, x1, y0, y1;
            if (b->stacked) {
                x0 = c - width / 2;
                x1 = c + width / 2;
                y0 = base;
                y1 = base + v;
                base = y1;
            } else {
                double w = width / b->n_groups;
                x0 = c - width / 2 + g * w;
                x1 = x0 + w;
                y0 = 0;
                y1 = v;
            }
            PLFLT bx[4] = {x0, x1, x1, x0}, by[4] = {y0, y0, y1, y1};
            pl.plcol0((PLINT)(2 + g % N_SERIES_COLOURS));
            pl.plfill(4, bx, by);
            pl.plcol0(1);
            pl.plwidth(0.5);
            PLFLT lx[5] = {x0, x1, x1, x0, x0}, ly[5] = {y0, y0, y1, y1, y0};
            pl.plline(5, lx, ly);
            pl.plwidth(1.0);
        }
    }
    PLINT *opts = g_new(PLINT, b->n_groups), *colours = g_new(PLINT, b->n_groups);
    for (guint g = 0; g < b->n_groups; g++) {
        opts[g] = PL_LEGEND_COLOR_BOX;
        colours[g] = (PLINT)(2 + g % N_SERIES_COLOURS);
    }
    legend(b->n_groups, (const char *const *)b->groups, opts, colours, TRUE);
    g_free(opts);
    g_free(colours);
}

gboolean ts_plot_bars(const char *stem, guint formats, const TsPlotAxes *axes,
                      const TsPlotBars *bars, GError **error)
{
    g_return_val_if_fail(stem != NULL && axes != NULL && bars != NULL, FALSE);
    BarPlot p = {axes, bars, {0, 0, FALSE}};
    g_autoptr(GString) csv = g_string_new("category,group,value\n");
    range_add(&p.y, 0.0, FALSE);
    gboolean any = FALSE;
    for (guint c = 0; c < bars->n_categories; c++) {
        double total = 0;
        for (guint g = 0; g < bars->n_groups; g++) {
            double v = bars->values[g * bars->n_categories + c];
            ts_csv_text(csv, bars->categories[c]);
            g_string_append_c(csv, ',');
            ts_csv_text(csv, bars->groups[g]);
            g_string_append_c(csv, ',');
            ts_csv_double(csv, v);
            g_string_append_c(csv, '\n');
            if (!isfinite(v))
                continue;
            if (bars->stacked && v < 0) {
                g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA,
                            "%s: a stacked bar cannot hold a negative value (%s, %s: %g)", stem,
                            bars->categories[c], bars->groups[g], v);
                return FALSE;
            }
            any = TRUE;
            total = bars->stacked ? total + v : v;
            range_add(&p.y, total, FALSE);
        }
    }
    if (!any || bars->n_categories == 0 || bars->n_groups == 0) {
        g_set_error(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA, "%s: nothing to plot", stem);
        return FALSE;
    }
    range_pad(&p.y, TRUE);
    return write_outputs(stem, formats, axes, draw_bars, &p, csv, error);
}
