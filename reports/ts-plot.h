/* Plots through PLplot's cairo driver (SVG and PNG) with the plotted data written beside them
 * as CSV: XY plots (scatter, lines, or both; a highlighted series drawn on top, e.g. a Pareto
 * front over all design points) and bar charts (grouped or stacked, e.g. energy per op).
 * Series take 12 distinct colours in order (the Okabe-Ito colour-blind safe palette first); axes carry labels with units,
 * every series a legend entry (right of the plot); linear or log axes; categorical
 * x axes with tick labels. Thread-safe (PLplot's state is serialised); no output is written
 * unless the whole plot is. */
#ifndef TS_PLOT_H
#define TS_PLOT_H

#include <glib.h>

G_BEGIN_DECLS

#define TS_PLOT_ERROR (ts_plot_error_quark())
GQuark ts_plot_error_quark(void);
typedef enum {
    TS_PLOT_ERROR_NO_DEVICE, /* PLplot or its cairo driver is not installed */
    TS_PLOT_ERROR_NO_DATA,   /* nothing plottable, or a value the chart cannot show */
} TsPlotError;

/* Which files to write for a plot stem: STEM.svg, STEM.png, STEM.csv. */
enum { TS_PLOT_SVG = 1u << 0, TS_PLOT_PNG = 1u << 1, TS_PLOT_CSV = 1u << 2, TS_PLOT_ALL = 7u };

/* How a series is drawn (bits). */
enum { TS_PLOT_MARKERS = 1u << 0, TS_PLOT_LINES = 1u << 1 };

typedef struct {
    const char *name; /* legend entry and CSV "series" column */
    const double *x, *y;
    guint n;            /* points; non-finite values (and <= 0 on a log axis) are skipped */
    guint style;        /* TS_PLOT_MARKERS and/or TS_PLOT_LINES */
    gboolean highlight; /* drawn last, with larger markers and thicker lines */
} TsPlotSeries;

typedef struct {
    const char *title;
    const char *x_label, *y_label; /* with units: "latency (ms)" */
    gboolean x_log, y_log;         /* honoured when the data span at least a decade (PLplot labels
                                      log axes at decades), else the axis is linear */
    /* Categorical x axis: labels of x = 0, 1, ... n_x_ticks - 1 (NULL = numeric axis) */
    const char *const *x_ticks;
    guint n_x_ticks;
    guint width_px, height_px; /* 0 = 1100 x 600 */
} TsPlotAxes;

/* Writes an XY plot of n_series series to STEM.svg / STEM.png (formats) and its data to
 * STEM.csv (series,x,y; with x_ticks also x_label). Errors: G_FILE_ERROR when a file cannot be
 * written, TS_PLOT_ERROR_NO_DEVICE when PLplot or its cairo driver is missing, TS_PLOT_ERROR_NO_DATA
 * when no series has a plottable point. */
gboolean ts_plot_xy(const char *stem, guint formats, const TsPlotAxes *axes,
                    const TsPlotSeries *series, guint n_series, GError **error);

typedef struct {
    const char *const *categories; /* along x */
    guint n_categories;
    const char *const *groups; /* legend entries: one bar (or stack segment) per category */
    guint n_groups;
    const double *values; /* values[g * n_categories + c]; >= 0 when stacked */
    gboolean stacked;
} TsPlotBars;

/* Writes a bar chart (groups side by side, or stacked) to STEM.svg / STEM.png and its data to
 * STEM.csv (category,group,value). Errors as ts_plot_xy; a negative value in a stacked chart
 * is TS_PLOT_ERROR_NO_DATA. */
gboolean ts_plot_bars(const char *stem, guint formats, const TsPlotAxes *axes,
                      const TsPlotBars *bars, GError **error);

/* TRUE when PLplot and its cairo driver (pngcairo, svgcairo) are available. PLplot is loaded
 * (dlopen) by the first call of this or of a plotting function, never at process start. */
gboolean ts_plot_available(void);

G_END_DECLS

#endif /* TS_PLOT_H */
