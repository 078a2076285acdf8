/* `tilesim simulate` and `tilesim compare` end to end on a BERT-base layer (small searches):
 * the JSON's structure and key order, whole-layer totals = the sum over ops of each op's
 * figure x count, every breakdown adding up to the totals, the whole-model figures = layer x
 * layers, the CSV's numbers equal to the JSON's, byte-identical output for 1 and 2 threads,
 * the plots rendered (PNG of the requested size, not blank; SVG; CSV beside), nothing but the
 * JSON on stdout with --json -, bad options refused; and the progress line's formats
 * (terminal redraw, plain lines, quiet first second, disabled). */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ts-plot.h"
#include "ts-progress.h"
#include "ts-test-png.h"
#include "ts-test.h"

static char *tmpdir;
static JsonNode *sim; /* the simulate --json document of the suite */
static char *sim_csv;

static char *path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static JsonNode *load_json(const char *file)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(p, file, &error)) {
        fprintf(stderr, "%s: %s\n", file, error ? error->message : "?");
        return NULL;
    }
    return json_node_copy(json_parser_get_root(p));
}

static gboolean close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * MAX(fabs(a), fabs(b)) + 1e-9;
}

static const char *const sim_args[] = {
    "simulate",    "--arch",         "eyeriss-like",  "--workload", "bert-base", "--budget", "120",
    "--no-polish", "--reproducible", "--no-progress", "-q",         "--layers",  "model",    NULL};

/* Runs simulate with sim_args plus extra (NULL-terminated); returns the exit status. */
static int run_sim(const char *const *extra, TsTestRun *r)
{
    GPtrArray *a = g_ptr_array_new();
    for (guint i = 0; sim_args[i]; i++)
        g_ptr_array_add(a, (gpointer)sim_args[i]);
    for (guint i = 0; extra && extra[i]; i++)
        g_ptr_array_add(a, (gpointer)extra[i]);
    g_ptr_array_add(a, NULL);
    int status = ts_test_spawn(r, (const char *const *)a->pdata, FALSE);
    g_ptr_array_free(a, TRUE);
    return status;
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-simulate-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    g_autofree char *json = path("sim.json"), *csv = path("sim.csv"), *plots = path("plots");
    const char *extra[] = {"--threads", "1", "--json", json, "--csv", csv, "--plot", plots, NULL};
    TsTestRun r;
    if (run_sim(extra, &r) != 0) {
        fprintf(stderr, "simulate failed: %s\n", r.err ? r.err : "(not run)");
        ts_test_run_clear(&r);
        return 0; /* the tests fail on the missing document */
    }
    ts_test_run_clear(&r);
    sim = load_json(json);
    g_file_get_contents(csv, &sim_csv, NULL, NULL);
    return 0;
}

static int teardown(void)
{
    if (sim)
        json_node_unref(sim);
    g_free(sim_csv);
    if (g_getenv("TILESIM_TEST_KEEP") != NULL)
        fprintf(stderr, "outputs kept in %s\n", tmpdir);
    else
        ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    return 0;
}

/* The members of o, in order, start with keys (NULL-terminated). */
static void check_keys(JsonObject *o, const char *const *keys)
{
    GList *members = json_object_get_members(o); /* in insertion order */
    GList *m = members;
    for (guint i = 0; keys[i]; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        if (strcmp(m->data, keys[i]) != 0)
            fprintf(stderr, "key %u: expected %s, got %s\n", i, keys[i], (const char *)m->data);
        CU_ASSERT_STRING_EQUAL(m->data, keys[i]);
        m = m->next;
    }
    g_list_free(members);
}

static void test_json_structure(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    JsonObject *root = json_node_get_object(sim);
    const char *top[] = {"tool",   "version",   "engine", "arch",    "workload", "ops",
                         "totals", "breakdown", "model",  "seconds", "notes",    NULL};
    check_keys(root, top);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "engine"), "analytical");
    CU_ASSERT_TRUE(json_object_get_null_member(root, "seconds")); /* --reproducible */
    JsonArray *ops = json_object_get_array_member(root, "ops");
    CU_ASSERT_EQUAL(json_array_get_length(ops), 12);
    /* An einsum op: the op object of DESIGN.md section 9, then the workload-run keys. */
    JsonObject *kqv = json_array_get_object_element(ops, 0);
    const char *op_keys[] = {"tool",   "version", "engine",  "arch",    "workload", "op",
                             "totals", "levels",  "compute", "mapping", NULL};
    check_keys(kqv, op_keys);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(kqv, "class"), "gemm");
    CU_ASSERT_TRUE(json_object_get_null_member(kqv, "des_cycles"));
    CU_ASSERT_TRUE(json_object_get_null_member(kqv, "des_vs_analytical"));
    const char *classes[12] = {"gemm",     "attention", "non_gemm", "attention",
                               "gemm",     "non_gemm",  "non_gemm", "gemm",
                               "non_gemm", "gemm",      "non_gemm", "non_gemm"};
    for (guint i = 0; i < 12; i++)
        CU_ASSERT_STRING_EQUAL(
            json_object_get_string_member(json_array_get_object_element(ops, i), "class"),
            classes[i]);
    JsonObject *bd = json_object_get_object_member(root, "breakdown");
    const char *bd_keys[] = {"energy_by_level_pj", "energy_by_tensor_pj", "energy_by_class_pj",
                             "latency_by_op",      "cycles_by_cause",     NULL};
    check_keys(bd, bd_keys);
    const char *class_keys[] = {"gemm", "attention", "non_gemm", "transfers", NULL};
    check_keys(json_object_get_object_member(bd, "energy_by_class_pj"), class_keys);
    const char *level_keys[] = {"DRAM",      "GlobalBuffer", "ifmap_spad", "weights_spad",
                                "psum_spad", "MAC",          "vector ops", NULL};
    check_keys(json_object_get_object_member(bd, "energy_by_level_pj"), level_keys);
    const char *model_keys[] = {"layers",    "phase", "tokens",       "energy_pj",    "cycles",
                                "latency_s", "macs",  "edp_j_cycles", "tokens_per_s", NULL};
    check_keys(json_object_get_object_member(root, "model"), model_keys);
}

static double sum_members(JsonObject *o, const char *skip)
{
    double s = 0;
    GList *members = json_object_get_members(o);
    for (GList *m = members; m; m = m->next)
        if (skip == NULL || strcmp(m->data, skip) != 0)
            s += json_object_get_double_member(o, m->data);
    g_list_free(members);
    return s;
}

static void test_totals_are_sums(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    JsonObject *root = json_node_get_object(sim);
    JsonObject *tot = json_object_get_object_member(root, "totals");
    JsonArray *ops = json_object_get_array_member(root, "ops");
    double e = 0, cyc = 0, lat = 0, macs = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        double count = (double)json_object_get_int_member(op, "count");
        JsonObject *t = json_object_get_object_member(op, "totals");
        e += json_object_get_double_member(t, "energy_pj") * count;
        cyc += json_object_get_double_member(t, "cycles") * count;
        lat += json_object_get_double_member(t, "latency_s") * count;
        macs += json_object_get_double_member(t, "macs") * count;
    }
    const double E = json_object_get_double_member(tot, "energy_pj");
    const double C = json_object_get_double_member(tot, "cycles");
    CU_ASSERT_TRUE(E > 0 && C > 0);
    CU_ASSERT_TRUE(close_to(e, E));
    CU_ASSERT_TRUE(close_to(cyc, C));
    CU_ASSERT_TRUE(close_to(lat, json_object_get_double_member(tot, "latency_s")));
    CU_ASSERT_TRUE(close_to(macs, json_object_get_double_member(tot, "macs")));
    CU_ASSERT_TRUE(close_to(macs, 931135488.0)); /* BERT-base layer, seq 128 */

    /* Every breakdown adds up to the totals. */
    JsonObject *bd = json_object_get_object_member(root, "breakdown");
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_level_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_tensor_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_class_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "cycles_by_cause"), "source"), C));
    JsonArray *lat_ops = json_object_get_array_member(bd, "latency_by_op");
    double lc = 0, share = 0;
    for (guint i = 0; i < json_array_get_length(lat_ops); i++) {
        JsonObject *o = json_array_get_object_element(lat_ops, i);
        lc += json_object_get_double_member(o, "cycles");
        share += json_object_get_double_member(o, "share");
    }
    CU_ASSERT_TRUE(close_to(lc, C));
    CU_ASSERT_TRUE(close_to(share, 1.0));

    /* Whole model: BERT-base's 12 layers, prefill of 128 tokens. */
    JsonObject *m = json_object_get_object_member(root, "model");
    CU_ASSERT_EQUAL(json_object_get_int_member(m, "layers"), 12);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(m, "phase"), "prefill");
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "energy_pj"), 12 * E));
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "cycles"), 12 * C));
    CU_ASSERT_TRUE(
        close_to(json_object_get_double_member(m, "edp_j_cycles"), 12 * E * 1e-12 * 12 * C));
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "tokens_per_s"),
                            128.0 / json_object_get_double_member(m, "latency_s")));
}

/* The CSV's per-op and total rows hold the JSON's numbers exactly; total_* add up. */
static void test_csv_matches_json(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim_csv);
    g_auto(GStrv) lines = g_strsplit(sim_csv, "\n", -1);
    GPtrArray *h = ts_test_csv_split(lines[0]);
    int c_op = ts_test_csv_column(h, "op"), c_e = ts_test_csv_column(h, "energy_pj");
    int c_te = ts_test_csv_column(h, "total_energy_pj"), c_cls = ts_test_csv_column(h, "class");
    ts_test_csv_column(h, "des_cycles");
    JsonArray *ops = json_object_get_array_member(json_node_get_object(sim), "ops");
    double sum = 0;
    guint i = 0;
    for (; lines[i + 1] && i < 12; i++) {
        GPtrArray *row = ts_test_csv_split(lines[i + 1]);
        JsonObject *op = json_array_get_object_element(ops, i);
        CU_ASSERT_STRING_EQUAL(row->pdata[c_op], json_object_get_string_member(op, "name"));
        double e = g_ascii_strtod(row->pdata[c_e], NULL);
        CU_ASSERT_EQUAL(e, json_object_get_double_member(
                               json_object_get_object_member(op, "totals"), "energy_pj"));
        CU_ASSERT_STRING_EQUAL(row->pdata[c_cls], json_object_get_string_member(op, "class"));
        sum += g_ascii_strtod(row->pdata[c_te], NULL);
        g_ptr_array_free(row, TRUE);
    }
    CU_ASSERT_EQUAL(i, 12);
    GPtrArray *total = ts_test_csv_split(lines[13]);
    CU_ASSERT_STRING_EQUAL(total->pdata[0], "total");
    CU_ASSERT_TRUE(close_to(sum, g_ascii_strtod(total->pdata[c_te], NULL)));
    GPtrArray *model = ts_test_csv_split(lines[14]);
    CU_ASSERT_STRING_EQUAL(model->pdata[0], "model");
    CU_ASSERT_TRUE(close_to(12 * sum, g_ascii_strtod(model->pdata[c_te], NULL)));
    g_ptr_array_free(total, TRUE);
    g_ptr_array_free(model, TRUE);
    g_ptr_array_free(h, TRUE);
}

static void check_plot(const char *dir, const char *name)
{
    g_autofree char *base = g_build_filename(dir, name, NULL);
    g_autofree char *png = g_strdup_printf("%s.png", base), *svg = g_strdup_printf("%s.svg", base),
                    *csv = g_strdup_printf("%s.csv", base);
    TsTestPng p;
    CU_ASSERT_TRUE_FATAL(ts_test_png_read(png, &p));
    CU_ASSERT_EQUAL(p.width, 1100);
    CU_ASSERT_EQUAL(p.height, 600);
    CU_ASSERT_TRUE(p.ink > 0.01);
    CU_ASSERT_TRUE(p.colours >= 8);
    g_autofree char *text = NULL, *data = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(svg, &text, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<svg"));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &data, NULL, NULL));
    CU_ASSERT_TRUE(strlen(data) > 40);
}

static void test_simulate_plots(void)
{
    if (!ts_plot_available())
        return;
    g_autofree char *dir = path("plots");
    check_plot(dir, "energy-by-op");
    check_plot(dir, "latency-by-op");
    check_plot(dir, "roofline");
    /* energy-by-op.csv: one row per op and level, each op x count, in uJ */
    g_autofree char *csvp = g_build_filename(dir, "energy-by-op.csv", NULL), *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csvp, &csv, NULL, NULL));
    CU_ASSERT_TRUE(g_str_has_prefix(csv, "category,group,value\nKQV,DRAM,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nKTQ x12,MAC,"));
}

/* Threads do not change a byte; --json - leaves only the JSON on stdout. */
static void test_threads_and_stdout(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    const char *extra[] = {"--threads", "2", "--json", "-", NULL};
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(run_sim(extra, &r), 0);
    g_autofree char *first = path("sim.json"), *doc = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(first, &doc, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(r.out, doc);
    ts_test_run_clear(&r);
}

/* --engine both: the latency plot has the DES's latency beside the model's. */
static void test_both_plot(void)
{
    if (!ts_plot_available())
        return;
    g_autofree char *dir = path("both");
    const char *args[] = {
        "simulate",      "--arch", "gemmini-like", "--workload", "bert-base",   "--op",      "KTQ",
        "--engine",      "both",   "--budget",     "100",        "--no-polish", "--threads", "1",
        "--no-progress", "-q",     "--plot",       dir,          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    ts_test_run_clear(&r);
    check_plot(dir, "latency-by-op");
    g_autofree char *csvp = g_build_filename(dir, "latency-by-op.csv", NULL), *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csvp, &csv, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "KTQ x12,analytical,"));
    const char *des = strstr(csv, "KTQ x12,DES,");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    CU_ASSERT_TRUE(g_ascii_strtod(des + strlen("KTQ x12,DES,"), NULL) > 0);
}

static void test_bad_options(void)
{
    const char *cases[][12] = {
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "0", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "x", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "2", "--op",
         "FF1", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--trace", "t", NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "FF1", "--top",
         "1", NULL},
        {"compare", "--arch", "eyeriss-like", "--arch", "gemmini-like", NULL},
        {"compare", "--arch", "eyeriss-like", "--arch", "gemmini-like", "--workload", "bert-base",
         "--top", "2", NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "softmax", "--top",
         "2", NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "FF1", "--budget",
         "5", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsTestRun r;
        if (ts_test_spawn(&r, cases[i], FALSE) < 0)
            return;
        if (r.status != 1)
            fprintf(stderr, "case %u: exit %d, %s\n", i, r.status, r.err);
        CU_ASSERT_EQUAL(r.status, 1);
        CU_ASSERT_TRUE(r.err && strstr(r.err, "tilesim") != NULL);
        ts_test_run_clear(&r);
    }
}

static void test_compare_archs(void)
{
    g_autofree char *json = path("archs.json"), *plots = path("archs");
    const char *args[] = {
        "compare",       "--arch",   "eyeriss-like", "--arch",      "gemmini-like", "--workload",
        "bert-base",     "--budget", "100",          "--no-polish", "--threads",    "1",
        "--no-progress", "--json",   json,           "--plot",      plots,          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "ratios are to eyeriss-like"));
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonObject *root = json_node_get_object(doc);
    const char *top[] = {"tool", "version", "engine", "workload", "reference", "archs", NULL};
    check_keys(root, top);
    JsonArray *archs = json_object_get_array_member(root, "archs");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(archs), 2);
    JsonObject *a0 = json_array_get_object_element(archs, 0);
    JsonObject *a1 = json_array_get_object_element(archs, 1);
    const char *keys[] = {"arch", "totals", "ratio_to_first", "ops", "breakdown", "notes", NULL};
    check_keys(a1, keys);
    JsonObject *r0 = json_object_get_object_member(a0, "ratio_to_first");
    CU_ASSERT_EQUAL(json_object_get_double_member(r0, "energy"), 1.0);
    double e0 =
        json_object_get_double_member(json_object_get_object_member(a0, "totals"), "energy_pj");
    double e1 =
        json_object_get_double_member(json_object_get_object_member(a1, "totals"), "energy_pj");
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(
                                json_object_get_object_member(a1, "ratio_to_first"), "energy"),
                            e1 / e0));
    /* per-op figures (each op x count) add up to each arch's totals */
    JsonArray *ops = json_object_get_array_member(a1, "ops");
    double s = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++)
        s += json_object_get_double_member(json_array_get_object_element(ops, i), "energy_pj");
    CU_ASSERT_TRUE(close_to(s, e1));
    json_node_unref(doc);
    if (ts_plot_available()) {
        check_plot(plots, "compare-archs-energy");
        check_plot(plots, "compare-archs-latency");
    }
}

static void test_compare_top(void)
{
    g_autofree char *json = path("top.json"), *plots = path("top");
    const char *args[] = {"compare", "--arch",      "eyeriss-like", "--workload", "bert-base",
                          "--op",    "FF1",         "--top",        "3",          "--budget",
                          "300",     "--no-polish", "--threads",    "1",          "--no-progress",
                          "--json",  json,          "--plot",       plots,        NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "#1 = the search's #1 best"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "loop nest of #3"));
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonArray *maps = json_object_get_array_member(json_node_get_object(doc), "mappings");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(maps), 3);
    double prev = 0;
    for (guint i = 0; i < 3; i++) {
        JsonObject *m = json_array_get_object_element(maps, i);
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(m, "status"), "ok");
        double edp = json_object_get_double_member(json_object_get_object_member(m, "totals"),
                                                   "edp_j_cycles");
        CU_ASSERT_TRUE(edp >= prev); /* best first */
        prev = edp;
        if (i > 0) /* distinct mappings differ in some directive */
            CU_ASSERT_TRUE(strlen(json_object_get_string_member(m, "differences_from_first")) > 0);
    }
    json_node_unref(doc);
    if (ts_plot_available()) {
        check_plot(plots, "compare-mappings-energy");
        check_plot(plots, "compare-mappings-cycles");
    }
}

/* ---- Progress line ---------------------------------------------------------------------- */

static char *progress_text(gboolean tty, double quiet_s, gboolean finish)
{
    FILE *f = tmpfile();
    TsProgress *p = ts_progress_new_full("tilesim test", f, tty, 0.0, quiet_s);
    TsProgressLine l = {.what = "FF1 (op 8/12)",
                        .fraction = 0.5,
                        .share = "of the space",
                        .done = 12345,
                        .total = NAN,
                        .unit = "evaluated",
                        .rate = 2000,
                        .best = "best edp 1.5e+04",
                        .extra = "space 10^9.12"};
    ts_progress_show(p, &l, FALSE);
    l.fraction = 1.0;
    ts_progress_show(p, &l, TRUE);
    if (finish)
        ts_progress_finish(p, TRUE);
    ts_progress_free(p);
    long n = ftell(f);
    rewind(f);
    char *s = g_malloc0((gsize)n + 1);
    CU_ASSERT_EQUAL(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static void test_progress(void)
{
    /* Plain lines: one per show, prefixed with the command. */
    g_autofree char *plain = progress_text(FALSE, 0.0, FALSE);
    g_auto(GStrv) lines = g_strsplit(plain, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);
    CU_ASSERT_TRUE(g_str_has_prefix(lines[0], "tilesim test: FF1 (op 8/12): 50.0% of the space, "
                                              "12.3 k evaluated (2000/s), space 10^9.12, best "
                                              "edp 1.5e+04, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[0], " s elapsed, ETA "));
    CU_ASSERT_TRUE(g_str_has_prefix(lines[1], "tilesim test: FF1 (op 8/12): 100.0% of the space"));
    CU_ASSERT_PTR_NULL(strstr(lines[1], "ETA"));
    CU_ASSERT_PTR_NULL(strchr(plain, '\r'));
    /* Terminal: redrawn in place with a bar; finish keeps the last line. */
    g_autofree char *tty = progress_text(TRUE, 0.0, TRUE);
    CU_ASSERT_TRUE(g_str_has_prefix(tty, "\r\033[K[############............] FF1 (op 8/12): "));
    CU_ASSERT_PTR_NOT_NULL(strstr(tty, "\r\033[K[########################] FF1"));
    CU_ASSERT_TRUE(g_str_has_suffix(tty, "\n"));
    /* Nothing during the quiet period, even when forced. */
    g_autofree char *quiet = progress_text(TRUE, 100.0, TRUE);
    CU_ASSERT_STRING_EQUAL(quiet, "");
    /* Disabled: nothing to write to. */
    TsProgress *off = ts_progress_new_full("tilesim test", NULL, TRUE, 0.0, 0.0);
    TsProgressLine l = {.what = "x", .fraction = NAN, .done = NAN, .total = NAN, .rate = NAN};
    ts_progress_show(off, &l, TRUE);
    ts_progress_finish(off, TRUE);
    CU_ASSERT_FALSE(ts_progress_is_tty(off));
    ts_progress_free(off);
}

int main(int argc, char **argv)
{
    if (g_getenv("TILESIM_BIN") == NULL) {
        ts_test_skip_all("TILESIM_BIN is not set (run through CTest)");
        return 77;
    }
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("simulate", setup, teardown);
    CU_add_test(s, "json_structure", test_json_structure);
    CU_add_test(s, "totals_are_sums", test_totals_are_sums);
    CU_add_test(s, "csv_matches_json", test_csv_matches_json);
    CU_add_test(s, "simulate_plots", test_simulate_plots);
    CU_add_test(s, "threads_and_stdout", test_threads_and_stdout);
    CU_add_test(s, "both_plot", test_both_plot);
    CU_add_test(s, "bad_options", test_bad_options);
    CU_add_test(s, "compare_archs", test_compare_archs);
    CU_add_test(s, "compare_top", test_compare_top);
    CU_pSuite p = CU_add_suite("progress", NULL, NULL);
    CU_add_test(p, "progress", test_progress);
    return ts_test_run(argc, argv);
}
