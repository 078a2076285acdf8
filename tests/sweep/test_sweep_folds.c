/* `tilesim sweep` with a systolic array's fold timing charged (`mapper.systolic_folds`,
 * `--systolic-folds`, docs/model.md "Systolic arrays") end to end on the gemmini-like 16 x 16
 * WS array: a point's op figures change (Out's best mapping streams a few words per fold
 * without the setting) and equal `tilesim map --systolic-folds` for the same arch, workload and
 * seed; the file key and the flag give the same rows; 1 and 2 threads give identical
 * databases; the setting is in the settings a resumed run checks (a database made without it
 * is never resumed with it, nor the reverse) and is stated in the summary; with `--engine
 * both` the DES runs the fold-charged mappings, as `tilesim simulate --engine both
 * --systolic-folds` does; a mistyped value or key exits 1 naming file:line:col. The in-process
 * store of searches: test_sweep.c systolic_folds_store. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sweep-cli-support.h"

static char *tmpdir;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static char *db_of(const char *dir)
{
    return g_build_filename(dir, "sweep.db", NULL);
}

/* Two design points (the scratchpad's size) of two einsum ops; short searches. extra goes into
 * the mapper mapping (", systolic_folds: true" or ""). */
static char *write_sweep(const char *name, const char *extra)
{
    char *path = tmp(name);
    g_autofree char *text = g_strdup_printf("sweep:\n"
                                            "  name: folds\n"
                                            "  arch: gemmini-like\n"
                                            "  workload: bert-base\n"
                                            "  seq: 64\n"
                                            "  ops: [KTQ, Out]\n"
                                            "  parameters:\n"
                                            "    spad:\n"
                                            "      values: [256KB, 128KB]\n"
                                            "      arch: levels[Scratchpad].attributes.size\n"
                                            "  mapper: {search: anneal, budget: 300, seed: 3%s}\n",
                                            extra);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Runs `tilesim sweep file --out out -q --no-plots --no-progress` with the extra arguments
 * (NULL-terminated); returns the exit status, r filled. */
static int run_sweep(TsTestRun *r, const char *file, const char *out, ...)
{
    const char *argv[24] = {"sweep", file, "--out", out, "-q", "--no-plots", "--no-progress"};
    guint n = 7;
    va_list ap;
    va_start(ap, out);
    for (const char *a; (a = va_arg(ap, const char *)) != NULL && n < G_N_ELEMENTS(argv) - 1;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return ts_test_spawn(r, argv, FALSE);
}

/* One value of a query on db_path (the first column of the first row) as text; NULL if none. */
static char *query_text(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    char *v = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
            v = g_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

static double query_double(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    double v = NAN;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            v = sqlite3_column_double(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

/* `tilesim map` of one op as the sweep's point 0 searches it (the sweep's anneal is unpolished:
 * --no-polish); its totals' cycles and energy (pJ). */
static void map_op(const char *op, gboolean folds, double *cycles, double *energy_pj)
{
    const char *args[] = {"map",         "--arch",        "gemmini-like",
                          "--workload",  "bert-base",     "--seq",
                          "64",          "--op",          op,
                          "--search",    "anneal",        "--budget",
                          "300",         "--seed",        "3",
                          "--no-polish", "--json",        "-",
                          "-q",          "--no-progress", folds ? "--systolic-folds" : NULL,
                          NULL};
    TsTestRun r;
    *cycles = *energy_pj = NAN;
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
    ts_test_run_clear(&r);
    JsonObject *t =
        json_object_get_object_member(json_node_get_object(json_parser_get_root(p)), "totals");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    *cycles = json_object_get_double_member(t, "cycles");
    *energy_pj = json_object_get_double_member(t, "energy_pj");
}

static double op_column(const char *db_path, const char *column, guint point, const char *op)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT %s FROM op_results WHERE point_id = %u AND op = '%s';", column, point, op);
    return query_double(db_path, sql);
}

/* Point 0's ops equal `tilesim map` with and without --systolic-folds; Out's figures change
 * with the setting (its Timeloop-semantics best mapping is fold-bound); the file key gives the
 * rows of the flag; the settings and the summary state it. */
static void test_matches_map(void)
{
    g_autofree char *plain_file = write_sweep("plain.yaml", "");
    g_autofree char *key_file = write_sweep("key.yaml", ", systolic_folds: true");
    g_autofree char *plain = tmp("plain"), *flag = tmp("flag"), *key = tmp("key");
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, plain_file, plain, "--threads", "1", NULL), 0);
    ts_test_run_clear(&r);
    const char *args[] = {
        "sweep", plain_file,         "--out", flag, "--no-plots", "--no-progress", "--threads",
        "1",     "--systolic-folds", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "sweep folds: 2 points: 2 ok"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n  model: systolic arrays charge their fold timing "
                                         "(fill and drain) in the compute cycles "
                                         "(mapper.systolic_folds, docs/model.md)\n"));
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, key_file, key, "--threads", "1", NULL), 0);
    ts_test_run_clear(&r);

    g_autofree char *db_plain = db_of(plain), *db_flag = db_of(flag), *db_key = db_of(key);
    const char *ops[] = {"KTQ", "Out"};
    for (guint i = 0; i < G_N_ELEMENTS(ops); i++) {
        double c0, e0, c1, e1;
        map_op(ops[i], FALSE, &c0, &e0);
        map_op(ops[i], TRUE, &c1, &e1);
        CU_ASSERT_EQUAL(op_column(db_plain, "cycles", 0, ops[i]), c0);
        CU_ASSERT_EQUAL(op_column(db_plain, "energy_pj", 0, ops[i]), e0);
        CU_ASSERT_EQUAL(op_column(db_flag, "cycles", 0, ops[i]), c1);
        CU_ASSERT_EQUAL(op_column(db_flag, "energy_pj", 0, ops[i]), e1);
        if (strcmp(ops[i], "Out") == 0) {
            /* the 16 x 16 WS array's fill and drain make Timeloop's best mapping slower than
             * the one the charged search picks */
            CU_ASSERT_TRUE(c1 > c0);
            CU_ASSERT_NOT_EQUAL(e1, e0);
        }
    }
    /* the layer totals and the stored mappings change with it */
    CU_ASSERT_NOT_EQUAL(query_double(db_plain, "SELECT cycles FROM points WHERE id = 0;"),
                        query_double(db_flag, "SELECT cycles FROM points WHERE id = 0;"));
    g_autofree char *m0 =
        query_text(db_plain, "SELECT mapping FROM op_results WHERE point_id = 0 AND op = 'Out';");
    g_autofree char *m1 =
        query_text(db_flag, "SELECT mapping FROM op_results WHERE point_id = 0 AND op = 'Out';");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m1);
    CU_ASSERT_STRING_NOT_EQUAL(m0, m1);

    /* the file key and the flag: the same rows and the same settings */
    g_autofree char *dflag = sweep_dump(db_flag), *dkey = sweep_dump(db_key),
                    *dplain = sweep_dump(db_plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dflag);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dkey);
    if (strcmp(dflag, dkey) != 0)
        sweep_report_diff(dflag, dkey);
    CU_ASSERT_STRING_EQUAL(dflag, dkey);
    CU_ASSERT_STRING_NOT_EQUAL(dflag, dplain);
    const char *sq = "SELECT value FROM meta WHERE key = 'settings';";
    g_autofree char *s_plain = query_text(db_plain, sq), *s_flag = query_text(db_flag, sq),
                    *s_key = query_text(db_key, sq);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s_flag);
    CU_ASSERT_PTR_NULL(strstr(s_plain, "systolic_folds"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s_flag, "\"seed\":3,\"systolic_folds\":true}"));
    CU_ASSERT_STRING_EQUAL(s_flag, s_key);
    /* summary.txt states it; a sweep without it says nothing */
    g_autofree char *sum_path = g_build_filename(flag, "summary.txt", NULL), *sum = NULL;
    g_autofree char *sum0_path = g_build_filename(plain, "summary.txt", NULL), *sum0 = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(sum_path, &sum, NULL, NULL));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(sum0_path, &sum0, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(sum, "(mapper.systolic_folds, docs/model.md)"));
    CU_ASSERT_PTR_NULL(strstr(sum0, "systolic"));
}

/* With the setting, 1 and 2 threads (and the store off) give identical databases. */
static void test_threads_identical(void)
{
    g_autofree char *file = write_sweep("threads.yaml", ", systolic_folds: true");
    g_autofree char *o1 = tmp("t1"), *o2 = tmp("t2"), *o3 = tmp("t2-nocache");
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, o1, "--threads", "1", NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, o2, "--threads", "2", NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, o3, "--threads", "2", "--no-cache", NULL), 0);
    ts_test_run_clear(&r);
    g_autofree char *db1 = db_of(o1), *db2 = db_of(o2), *db3 = db_of(o3);
    g_autofree char *d1 = sweep_dump(db1), *d2 = sweep_dump(db2), *d3 = sweep_dump(db3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d3);
    if (strcmp(d1, d2) != 0)
        sweep_report_diff(d1, d2);
    CU_ASSERT_STRING_EQUAL(d1, d2);
    CU_ASSERT_STRING_EQUAL(d1, d3);
    CU_ASSERT_PTR_NULL(strstr(d1, "'pending'"));
}

/* A database holds results of one setting: resuming it with the other is refused (nothing
 * stored), with the same one it finishes with the rows of an uninterrupted run. */
static void test_resume_keeps_setting(void)
{
    g_autofree char *file = write_sweep("resume.yaml", "");
    g_autofree char *plain = tmp("r-plain"), *folds = tmp("r-folds"), *full = tmp("r-full"),
                    *full_plain = tmp("r-full-plain");
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, full, "--systolic-folds", NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, full_plain, NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, plain, "--max-points", "1", NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, folds, "--max-points", "1", "--systolic-folds", NULL),
                          0);
    ts_test_run_clear(&r);
    g_autofree char *db_plain = db_of(plain), *db_folds = db_of(folds);
    g_autofree char *before_plain = sweep_dump(db_plain), *before_folds = sweep_dump(db_folds);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before_plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before_folds);
    CU_ASSERT_PTR_NOT_NULL(strstr(before_plain, "'pending'"));

    /* made without: not resumed with it */
    CU_ASSERT_EQUAL(run_sweep(&r, file, plain, "--resume", "--systolic-folds", NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "belongs to another sweep"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "\"systolic_folds\":true"));
    ts_test_run_clear(&r);
    /* made with: not resumed without it */
    CU_ASSERT_EQUAL(run_sweep(&r, file, folds, "--resume", NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "belongs to another sweep"));
    ts_test_run_clear(&r);
    g_autofree char *after_plain = sweep_dump(db_plain), *after_folds = sweep_dump(db_folds);
    CU_ASSERT_STRING_EQUAL(before_plain, after_plain);
    CU_ASSERT_STRING_EQUAL(before_folds, after_folds);

    /* each resumed with its own setting ends as its uninterrupted run */
    CU_ASSERT_EQUAL(run_sweep(&r, file, folds, "--resume", "--systolic-folds", NULL), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL(run_sweep(&r, file, plain, "--resume", NULL), 0);
    ts_test_run_clear(&r);
    g_autofree char *db_full = db_of(full), *db_full_plain = db_of(full_plain);
    g_autofree char *d_full = sweep_dump(db_full), *d_full_plain = sweep_dump(db_full_plain);
    g_autofree char *d_folds = sweep_dump(db_folds), *d_plain = sweep_dump(db_plain);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d_full);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d_folds);
    if (strcmp(d_full, d_folds) != 0)
        sweep_report_diff(d_full, d_folds);
    CU_ASSERT_STRING_EQUAL(d_full, d_folds);
    CU_ASSERT_STRING_EQUAL(d_full_plain, d_plain);
    CU_ASSERT_STRING_NOT_EQUAL(d_full, d_full_plain);
}

/* --engine both runs the DES on the fold-charged mapping: the point's DES and model figures are
 * those of `tilesim simulate --engine both --systolic-folds`, and differ without the setting. */
static void test_des_runs_charged_mapping(void)
{
    g_autofree char *file = tmp("des.yaml");
    g_file_set_contents(file,
                        "sweep:\n  arch: gemmini-like\n  workload: bert-base\n  seq: 64\n"
                        "  ops: [Out]\n  engine: both\n"
                        "  parameters:\n    label: {values: [a], unused: \"one point\"}\n"
                        "  mapper: {search: anneal, budget: 300, seed: 3}\n",
                        -1, NULL);
    double des[2], model[2];
    for (guint f = 0; f < 2; f++) {
        g_autofree char *out = tmp(f ? "des-folds" : "des-plain");
        TsTestRun r;
        CU_ASSERT_EQUAL_FATAL(run_sweep(&r, file, out, f ? "--systolic-folds" : NULL, NULL), 0);
        ts_test_run_clear(&r);
        const char *sim[] = {"simulate",
                             "--arch",
                             "gemmini-like",
                             "--workload",
                             "bert-base",
                             "--seq",
                             "64",
                             "--op",
                             "Out",
                             "--search",
                             "anneal",
                             "--budget",
                             "300",
                             "--seed",
                             "3",
                             "--no-polish",
                             "--engine",
                             "both",
                             "--json",
                             "-",
                             "-q",
                             f ? "--systolic-folds" : NULL,
                             NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, sim, FALSE), 0);
        g_autoptr(JsonParser) p = json_parser_new();
        CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
        ts_test_run_clear(&r);
        JsonObject *dt = json_object_get_object_member(
            json_node_get_object(json_parser_get_root(p)), "des_totals");
        CU_ASSERT_PTR_NOT_NULL_FATAL(dt);
        g_autofree char *db = db_of(out);
        des[f] = query_double(db, "SELECT des_cycles FROM points WHERE id = 0;");
        model[f] = query_double(db, "SELECT cycles FROM points WHERE id = 0;");
        CU_ASSERT_EQUAL(des[f], json_object_get_double_member(dt, "cycles"));
        CU_ASSERT_EQUAL(model[f], json_object_get_double_member(dt, "analytical_cycles"));
        CU_ASSERT_EQUAL(query_double(db, "SELECT des_energy_pj FROM points WHERE id = 0;"),
                        json_object_get_double_member(dt, "energy_pj"));
    }
    CU_ASSERT_TRUE(isfinite(des[0]) && isfinite(des[1]));
    CU_ASSERT_NOT_EQUAL(des[0], des[1]);
    CU_ASSERT_NOT_EQUAL(model[0], model[1]);
}

/* A mistyped value or key of mapper.systolic_folds exits 1 naming file:line:col; the flag
 * takes no value (GLib alone would read `--systolic-folds=no` as on). */
static void test_bad_values(void)
{
    struct {
        const char *name, *extra, *needle;
    } cases[] = {
        {"bad-value.yaml", ", systolic_folds: maybe",
         "bad-value.yaml:11:66: sweep.mapper.systolic_folds: expected true or false (got "
         "'maybe')"},
        {"bad-list.yaml", ", systolic_folds: [true]",
         "bad-list.yaml:11:66: sweep.mapper.systolic_folds: expected true or false"},
        {"bad-key.yaml", ", systolic_fold: true",
         "bad-key.yaml:11:50: sweep.mapper.systolic_fold: unknown key 'systolic_fold' (did you "
         "mean 'systolic_folds'?)"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *file = write_sweep(cases[i].name, cases[i].extra);
        g_autofree char *out = tmp("bad-out");
        TsTestRun r;
        CU_ASSERT_EQUAL(run_sweep(&r, file, out, NULL), 1);
        if (strstr(r.err, cases[i].needle) == NULL)
            fprintf(stderr, "\nexpected '%s' in '%s'\n", cases[i].needle, r.err);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, cases[i].needle));
        ts_test_run_clear(&r);
        CU_ASSERT_FALSE(g_file_test(out, G_FILE_TEST_EXISTS));
    }
    /* the flag takes no value */
    g_autofree char *file = write_sweep("flag.yaml", "");
    g_autofree char *out = tmp("flag-out");
    TsTestRun r;
    CU_ASSERT_EQUAL(run_sweep(&r, file, out, "--systolic-folds=no", NULL), 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.err, "--systolic-folds takes no value (got '--systolic-folds=no')"));
    ts_test_run_clear(&r);
    CU_ASSERT_FALSE(g_file_test(out, G_FILE_TEST_EXISTS));
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-folds-XXXXXX", NULL);
    return tmpdir == NULL;
}

static int teardown(void)
{
    ts_test_tmpdir_done(&tmpdir);
    return 0;
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("sweep_folds", setup, teardown);
    CU_add_test(s, "matches_map", test_matches_map);
    CU_add_test(s, "threads_identical", test_threads_identical);
    CU_add_test(s, "resume_keeps_setting", test_resume_keeps_setting);
    CU_add_test(s, "des_runs_charged_mapping", test_des_runs_charged_mapping);
    CU_add_test(s, "bad_values", test_bad_values);
    return ts_test_run(argc, argv);
}
