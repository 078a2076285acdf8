/* `tilesim sweep` end to end through the built executable: a run killed with SIGKILL at random
 * moments (several seeds; $TILESIM_TEST_SEED overrides) and resumed ends with the same rows as
 * an uninterrupted run, none lost or repeated; 1 and 2 threads and the sub-problem store on or
 * off give identical databases; an invalid point is recorded and the sweep goes on; the exports
 * (CSV, JSONL, Pareto front, summary) and every plot (PNG of the right size, not blank, with
 * its CSV); the database in the sqlite3 shell; --export from the database alone; an existing
 * database is never overwritten and a changed sweep never resumed into it; an unknown engine
 * and bad input exit 1 (the DES engines: test_sweep_des.c). */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sweep-cli-support.h"
#include "ts-test-png.h"

static char *tmpdir, *sweep_file, *reference_db;
static double reference_seconds;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static char *db_of(const char *dir)
{
    return g_build_filename(dir, "sweep.db", NULL);
}

/* The uninterrupted run every other run is compared with (1 thread). */
static void test_reference_run(void)
{
    g_autofree char *out = tmp("ref");
    TsTestRun r;
    gint64 t0 = g_get_monotonic_time();
    const char *args[] = {"sweep", sweep_file, "--out", out, "--threads", "1", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    reference_seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    fprintf(stderr, "(uninterrupted run: %.2f s) ", reference_seconds);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep small: 16 points: 16 ok, 0 invalid, 0 unmapped, "
                                         "0 pending; ranked by edp"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "best by EDP"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "16 of 16 points done in this run (16 ok"));
    ts_test_run_clear(&r);
    reference_db = db_of(out);
    g_autofree char *dump = sweep_dump(reference_db);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dump);
    CU_ASSERT_PTR_NULL(strstr(dump, "'pending'"));
}

static void expect_same_as_reference(const char *db, const char *what)
{
    g_autofree char *a = sweep_dump(reference_db), *b = sweep_dump(db);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "%s differs from the uninterrupted 1-thread run\n", what);
        sweep_report_diff(a, b);
    }
    CU_ASSERT_STRING_EQUAL(a, b);
}

static void test_threads_and_cache_identical(void)
{
    const char *variants[][3] = {{"t2", "2", NULL}, {"t2nocache", "2", "--no-cache"}};
    for (guint v = 0; v < G_N_ELEMENTS(variants); v++) {
        g_autofree char *out = tmp(variants[v][0]);
        TsTestRun r;
        const char *args[] = {
            "sweep", sweep_file,   "--out",        out, "--threads", variants[v][1],
            "-q",    "--no-plots", variants[v][2], NULL};
        CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
        ts_test_run_clear(&r);
        g_autofree char *db = db_of(out);
        expect_same_as_reference(db, variants[v][0]);
    }
}

static void test_resume_after_sigkill(void)
{
    guint64 base = ts_test_seed(20240611);
    for (guint round = 0; round < 3; round++) {
        guint64 seed = base + round;
        GRand *rng = g_rand_new_with_seed((guint32)seed);
        g_autofree char *name = g_strdup_printf("kill%u", round);
        g_autofree char *out = tmp(name);
        guint kills = 0;
        /* one to three kills at random moments, from the first milliseconds (the database
         * being created) to past the end of an uninterrupted run, then a final --resume */
        guint attempts = 1 + (guint)g_rand_int_range(rng, 0, 3);
        for (guint k = 0; k < attempts; k++) {
            double delay = g_rand_double_range(rng, 0.0, 1.1 * reference_seconds);
            if (k == 0 && round == 0)
                delay = 0.003;
            kills += sweep_run_and_kill(sweep_file, out, NULL, delay, k > 0);
        }
        g_rand_free(rng);
        TsTestRun r;
        const char *args[] = {"sweep", sweep_file, "--out",      out,  "--threads",
                              "2",     "--resume", "--no-plots", "-q", NULL};
        CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "of 16 points done in this run"));
        ts_test_run_clear(&r);
        g_autofree char *db = db_of(out);
        g_autofree char *what =
            g_strdup_printf("seed %" G_GUINT64_FORMAT " (%u kills)", seed, kills);
        fprintf(stderr, "(%s) ", what);
        expect_same_as_reference(db, what);
        /* each point was stored by exactly one run */
        sqlite3 *h = NULL;
        sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(h, "SELECT count(*), count(DISTINCT point_id) FROM point_runs;", -1, &st,
                           NULL);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 16);
        CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 16);
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
}

static void test_max_points_then_resume(void)
{
    g_autofree char *out = tmp("chunks");
    TsTestRun r;
    const char *first[] = {"sweep", sweep_file, "--out",      out, "--max-points",
                           "5",     "-q",       "--no-plots", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, first, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "5 of 16 points done in this run"));
    ts_test_run_clear(&r);
    g_autofree char *csv = g_build_filename(out, "results.csv", NULL), *text = NULL;
    CU_ASSERT_TRUE(g_file_get_contents(csv, &text, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, ",pending,"));
    const char *rest[] = {"sweep", sweep_file, "--out", out, "--resume", "-q", "--no-plots", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, rest, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "11 of 16 points done in this run"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "5 done before"));
    ts_test_run_clear(&r);
    g_autofree char *db = db_of(out);
    expect_same_as_reference(db, "--max-points 5 then --resume");
}

static void test_exports_and_plots(void)
{
    g_autofree char *out = g_path_get_dirname(reference_db);
    g_autofree char *csv_path = g_build_filename(out, "results.csv", NULL);
    g_autofree char *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv_path, &csv, NULL, NULL));
    CU_ASSERT_TRUE(g_str_has_prefix(csv, "id,glb_kb,pe_x,spad,seq,status,energy_pj,cycles,"
                                         "latency_s,macs,utilization,edp_j_cycles,pj_per_mac,"
                                         "area_um2,pareto,reason\n0,54,7,112,64,ok,"));
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    CU_ASSERT_EQUAL(g_strv_length(lines), 18); /* header, 16 points, final "" */

    g_autofree char *jl_path = g_build_filename(out, "results.jsonl", NULL), *jl = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(jl_path, &jl, NULL, NULL));
    g_auto(GStrv) jlines = g_strsplit(jl, "\n", -1);
    CU_ASSERT_EQUAL(g_strv_length(jlines), 17);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, jlines[3], -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "id"), 3);
    CU_ASSERT_EQUAL(json_object_get_int_member(json_object_get_object_member(o, "params"), "seq"),
                    128);
    JsonArray *ops = json_object_get_array_member(o, "ops");
    CU_ASSERT_EQUAL(json_array_get_length(ops), 3);
    JsonObject *ktq = json_array_get_object_element(ops, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(ktq, "name"), "KTQ");
    CU_ASSERT_EQUAL(json_object_get_int_member(ktq, "count"), 12);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string_member(ktq, "mapping"), "mapping:"));
    JsonObject *tot = json_object_get_object_member(o, "totals");
    CU_ASSERT_TRUE(json_object_get_double_member(tot, "energy_pj") > 0);

    const char *files[] = {"pareto.csv", "ops.csv", "summary.txt"};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *f = g_build_filename(out, files[i], NULL);
        CU_ASSERT_TRUE(g_file_test(f, G_FILE_TEST_IS_REGULAR));
    }
    /* every plot: PNG 1100 x 600 and not blank, SVG, and its data as CSV */
    const char *plots[] = {"pareto",           "sensitivity",      "sensitivity-glb_kb",
                           "sensitivity-pe_x", "sensitivity-spad", "sensitivity-seq",
                           "energy-by-op"};
    for (guint i = 0; i < G_N_ELEMENTS(plots); i++) {
        g_autofree char *base = g_build_filename(out, "plots", plots[i], NULL);
        g_autofree char *png = g_strdup_printf("%s.png", base),
                        *svg = g_strdup_printf("%s.svg", base),
                        *pcsv = g_strdup_printf("%s.csv", base);
        TsTestPng img;
        CU_ASSERT_TRUE_FATAL(ts_test_png_read(png, &img));
        CU_ASSERT_EQUAL(img.width, 1100);
        CU_ASSERT_EQUAL(img.height, 600);
        if (img.ink < 0.01 || img.colours < 8)
            fprintf(stderr, "%s: ink %.4f, %u colours\n", png, img.ink, img.colours);
        CU_ASSERT_TRUE(img.ink > 0.01);
        CU_ASSERT_TRUE(img.colours >= 8);
        CU_ASSERT_TRUE(g_file_test(svg, G_FILE_TEST_IS_REGULAR));
        CU_ASSERT_TRUE(g_file_test(pcsv, G_FILE_TEST_IS_REGULAR));
    }

    /* --export from the database alone gives the same files */
    g_autofree char *copy = tmp("exported");
    g_mkdir_with_parents(copy, 0755);
    g_autofree char *db_copy = db_of(copy), *db_text = NULL;
    gsize len = 0;
    g_file_get_contents(reference_db, &db_text, &len, NULL);
    g_file_set_contents(db_copy, db_text, (gssize)len, NULL);
    TsTestRun r;
    const char *args[] = {"sweep", "--export", "--out", copy, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep small: 16 points"));
    ts_test_run_clear(&r);
    const char *same[] = {"results.csv", "results.jsonl", "ops.csv", "pareto.csv", "summary.txt"};
    for (guint i = 0; i < G_N_ELEMENTS(same); i++) {
        g_autofree char *a = g_build_filename(out, same[i], NULL),
                        *b = g_build_filename(copy, same[i], NULL);
        g_autofree char *ta = NULL, *tb = NULL;
        g_file_get_contents(a, &ta, NULL, NULL);
        g_file_get_contents(b, &tb, NULL, NULL);
        CU_ASSERT_STRING_EQUAL(ta, tb);
    }
}

/* The database opens in the sqlite3 shell with the documented tables. */
static void test_sqlite3_shell(void)
{
    g_autofree char *shell = g_find_program_in_path("sqlite3");
    if (shell == NULL) {
        fprintf(stderr, "SKIP %s: no sqlite3 shell\n", __func__);
        return;
    }
    TsTestRun r;
    const char *tables[] = {shell, "-readonly", reference_db, ".tables", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn_program(&r, tables), 0);
    const char *names[] = {"meta", "op_results", "parameters", "point_runs", "points", "runs"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, names[i]));
    ts_test_run_clear(&r);
    const char *query[] = {shell, "-readonly", reference_db,
                           "SELECT count(*), sum(status = 'ok') FROM points; SELECT value FROM "
                           "meta WHERE key = 'tool';",
                           NULL};
    CU_ASSERT_EQUAL(ts_test_spawn_program(&r, query), 0);
    CU_ASSERT_STRING_EQUAL(r.out, "16|16\ntilesim\n");
    ts_test_run_clear(&r);
}

static void test_invalid_points_and_errors(void)
{
    g_autofree char *bad = g_strdup_printf("%s", kSmallSweep);
    /* a zero-sized buffer is invalid for the loader: the point is recorded, the sweep goes on */
    char *at = strstr(bad, "values: [54, 108]");
    memcpy(at, "values: [00, 108]", 17);
    g_autofree char *file = tmp("invalid.yaml");
    g_file_set_contents(file, bad, -1, NULL);
    g_autofree char *out = tmp("invalid");
    TsTestRun r;
    const char *args[] = {"sweep", file, "--out", out, "--no-plots", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "16 points: 8 ok, 8 invalid"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "invalid: 8 points (0, 1, 2, 3, 4, 5, 6, 7): "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "invalid.yaml:10:47: levels[1].attributes.size: must "
                                         "be > 0 B (got 00KB)"));
    ts_test_run_clear(&r);

    /* an existing database is never overwritten */
    g_autofree char *db = db_of(out), *before = NULL, *after = NULL;
    g_file_get_contents(db, &before, NULL, NULL);
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cannot create: File exists (give --resume"));
    ts_test_run_clear(&r);
    g_file_get_contents(db, &after, NULL, NULL);
    CU_ASSERT_TRUE(strcmp(before, after) == 0);

    /* a changed sweep is not resumed into it */
    char *v = strstr(bad, "values: [7, 14]");
    memcpy(v, "values: [7, 12]", 15);
    g_file_set_contents(file, bad, -1, NULL);
    const char *resume[] = {"sweep", file, "--out", out, "--resume", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, resume, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "belongs to another sweep: the sweep input"));
    ts_test_run_clear(&r);

    const char *des[] = {"sweep", sweep_file, "--engine", "dse", "--out", out, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, des, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "unknown engine 'dse' (did you mean 'des'?)"));
    ts_test_run_clear(&r);

    g_autofree char *broken = tmp("broken.yaml");
    g_file_set_contents(broken,
                        "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                        "  parameters:\n    x:\n      values: [1]\n"
                        "      arch: levels[PE_column].spatial.mesh_x\n",
                        -1, NULL);
    const char *b[] = {"sweep", broken, "--out", out, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, b, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "a key path sets a key the loader does not accept: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "broken.yaml:7:13: levels[2].spatial.mesh_x: unknown key "
                                         "'mesh_x' (did you mean 'meshX'?)"));
    ts_test_run_clear(&r);

    const char *none[] = {"sweep", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, none, FALSE), 1);
    ts_test_run_clear(&r);
    const char *badexp[] = {"sweep", "--export", "--out", tmpdir, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, badexp, FALSE), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no such sweep database"));
    ts_test_run_clear(&r);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-cli-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    sweep_file = tmp("small.yaml");
    return !g_file_set_contents(sweep_file, kSmallSweep, -1, NULL);
}

static int teardown(void)
{
    ts_test_tmpdir_done(&tmpdir);
    g_free(sweep_file);
    g_free(reference_db);
    return 0;
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("sweep_cli", setup, teardown);
    CU_add_test(s, "reference_run", test_reference_run);
    CU_add_test(s, "threads_and_cache_identical", test_threads_and_cache_identical);
    CU_add_test(s, "resume_after_sigkill", test_resume_after_sigkill);
    CU_add_test(s, "max_points_then_resume", test_max_points_then_resume);
    CU_add_test(s, "exports_and_plots", test_exports_and_plots);
    CU_add_test(s, "sqlite3_shell", test_sqlite3_shell);
    CU_add_test(s, "invalid_points_and_errors", test_invalid_points_and_errors);
    return ts_test_run(argc, argv);
}
