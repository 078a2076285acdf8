/* The plotting module (reports/ts-plot.h) through PLplot's cairo driver: every kind of plot
 * (scatter with a highlighted series, lines on log axes, categorical x, grouped and stacked
 * bars) is rendered to SVG and PNG; each PNG has the requested size and is not blank (enough
 * ink and colours: axes, labels, markers and the series colours), the SVG is an SVG, and the
 * CSV beside it holds the plotted data. Bad input gives errors and writes nothing. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ts-plot.h"
#include "ts-test-png.h"
#include "ts-test.h"

static char *tmpdir;

static char *stem(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* The PNG is the size asked for and drawn on; the SVG is an SVG with text; the CSV has rows. */
static void check_outputs(const char *base, guint w, guint h, guint min_csv_lines)
{
    g_autofree char *png = g_strdup_printf("%s.png", base), *svg = g_strdup_printf("%s.svg", base),
                    *csv = g_strdup_printf("%s.csv", base);
    TsTestPng p;
    CU_ASSERT_TRUE_FATAL(ts_test_png_read(png, &p));
    CU_ASSERT_EQUAL(p.width, w);
    CU_ASSERT_EQUAL(p.height, h);
    if (p.ink < 0.01 || p.colours < 8)
        fprintf(stderr, "%s: ink %.4f, %u colours\n", png, p.ink, p.colours);
    CU_ASSERT_TRUE(p.ink > 0.01); /* a blank or background-only image has none */
    CU_ASSERT_TRUE(p.colours >= 8);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(svg, &text, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<svg"));
    CU_ASSERT_TRUE(strlen(text) > 2000);
    g_autofree char *data = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &data, NULL, NULL));
    guint lines = 0;
    for (const char *c = data; *c; c++)
        lines += *c == '\n';
    CU_ASSERT_TRUE(lines >= min_csv_lines);
}

static void test_scatter_with_front(void)
{
    double x[40], y[40], fx[6], fy[6];
    for (guint i = 0; i < 40; i++) {
        x[i] = 1.0 + i % 8;
        y[i] = 100.0 / x[i] + (i * 7) % 13;
    }
    for (guint i = 0; i < 6; i++) {
        fx[i] = 1.0 + i;
        fy[i] = 100.0 / fx[i];
    }
    TsPlotSeries s[2] = {{"design points", x, y, 40, TS_PLOT_MARKERS, FALSE},
                         {"Pareto front", fx, fy, 6, TS_PLOT_MARKERS | TS_PLOT_LINES, TRUE}};
    TsPlotAxes a = {
        .title = "energy against latency", .x_label = "latency (ms)", .y_label = "energy (µJ)"};
    g_autofree char *base = stem("scatter");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_plot_xy(base, TS_PLOT_ALL, &a, s, 2, &error));
    check_outputs(base, 1100, 600, 47);
    g_autofree char *csvp = g_strdup_printf("%s.csv", base), *csv = NULL;
    g_file_get_contents(csvp, &csv, NULL, NULL);
    CU_ASSERT_TRUE(g_str_has_prefix(csv, "series,x,y\ndesign points,1,100\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "Pareto front,6,16.666666666666668\n"));
}

static void test_lines_log_and_categories(void)
{
    double x[5] = {1024, 4096, 16384, 65536, 262144}, y[5] = {4, 2.5, 1.4, 1.1, 1.0};
    double y2[5] = {1, 1.2, 1.5, 2, 3};
    TsPlotSeries s[2] = {{"best EDP", x, y, 5, TS_PLOT_MARKERS | TS_PLOT_LINES, FALSE},
                         {"best energy #2", x, y2, 5, TS_PLOT_LINES, FALSE}};
    TsPlotAxes a = {.title = "log axes",
                    .x_label = "depth (words)",
                    .y_label = "ratio",
                    .x_log = TRUE,
                    .y_log = TRUE,
                    .width_px = 640,
                    .height_px = 480};
    g_autofree char *base = stem("lines");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_plot_xy(base, TS_PLOT_ALL, &a, s, 2, &error));
    check_outputs(base, 640, 480, 11);

    const char *ticks[] = {"WS", "OS", "IS"};
    double cx[3] = {0, 1, 2}, cy[3] = {1.0, 1.7, 1.3};
    TsPlotSeries c = {"best EDP", cx, cy, 3, TS_PLOT_MARKERS | TS_PLOT_LINES, FALSE};
    TsPlotAxes ca = {.title = "dataflow",
                     .x_label = "dataflow",
                     .y_label = "relative EDP",
                     .x_ticks = ticks,
                     .n_x_ticks = 3};
    g_autofree char *cbase = stem("categories");
    CU_ASSERT_TRUE_FATAL(ts_plot_xy(cbase, TS_PLOT_ALL, &ca, &c, 1, &error));
    check_outputs(cbase, 1100, 600, 4);
    g_autofree char *csvp = g_strdup_printf("%s.csv", cbase), *csv = NULL;
    g_file_get_contents(csvp, &csv, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "best EDP,1,OS,1.7\n"));
}

static void test_bars(void)
{
    const char *cats[] = {"#3", "#17", "#5", "#9"};
    const char *groups[] = {"KQV", "FF1", "softmax"};
    double v[12] = {10, 12, 9, 11, 30, 28, 35, 25, 1, 2, 1.5, 0.5};
    TsPlotBars b = {cats, 4, groups, 3, v, TRUE};
    TsPlotAxes a = {.title = "energy by op", .x_label = "design point", .y_label = "energy (µJ)"};
    g_autofree char *base = stem("stacked");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_plot_bars(base, TS_PLOT_ALL, &a, &b, &error));
    check_outputs(base, 1100, 600, 13);
    b.stacked = FALSE;
    g_autofree char *gbase = stem("grouped");
    CU_ASSERT_TRUE_FATAL(
        ts_plot_bars(gbase, TS_PLOT_PNG | TS_PLOT_SVG | TS_PLOT_CSV, &a, &b, &error));
    check_outputs(gbase, 1100, 600, 13);
}

static void test_errors(void)
{
    g_autoptr(GError) error = NULL;
    double x[2] = {NAN, 1}, y[2] = {1, -1};
    TsPlotSeries s = {"s", x, y, 2, TS_PLOT_MARKERS, FALSE};
    TsPlotAxes a = {.title = "t", .x_label = "x", .y_label = "y", .y_log = TRUE};
    g_autofree char *base = stem("empty");
    CU_ASSERT_FALSE(ts_plot_xy(base, TS_PLOT_ALL, &a, &s, 1, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA));
    g_clear_error(&error);
    g_autofree char *png = g_strdup_printf("%s.png", base);
    CU_ASSERT_FALSE(g_file_test(png, G_FILE_TEST_EXISTS));

    const char *cats[] = {"a"}, *groups[] = {"g"};
    double v[1] = {-2};
    TsPlotBars b = {cats, 1, groups, 1, v, TRUE};
    CU_ASSERT_FALSE(ts_plot_bars(base, TS_PLOT_ALL, &a, &b, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_PLOT_ERROR, TS_PLOT_ERROR_NO_DATA));
    g_clear_error(&error);

    double ok[1] = {1};
    TsPlotSeries one = {"s", ok, ok, 1, TS_PLOT_MARKERS, FALSE};
    a.y_log = FALSE;
    CU_ASSERT_FALSE(ts_plot_xy("/nonexistent-dir/plot", TS_PLOT_ALL, &a, &one, 1, &error));
    CU_ASSERT_EQUAL(error->domain, G_FILE_ERROR);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-plot-XXXXXX", NULL);
    return tmpdir == NULL;
}

static int teardown(void)
{
    ts_test_tmpdir_done(&tmpdir);
    return 0;
}

int main(int argc, char **argv)
{
    if (!ts_plot_available()) {
        ts_test_skip_all("PLplot's cairo driver (plplot-driver-cairo) is not installed");
        return 77;
    }
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("plot", setup, teardown);
    CU_add_test(s, "scatter_with_front", test_scatter_with_front);
    CU_add_test(s, "lines_log_and_categories", test_lines_log_and_categories);
    CU_add_test(s, "bars", test_bars);
    CU_add_test(s, "errors", test_errors);
    return ts_test_run(argc, argv);
}
