/* `mpirun -n 3 tilesim sweep` on localhost gives the same database rows as one process: rank 0
 * owns the database, the ranks take points as they become free, and more than one rank does
 * work. Skipped (exit 77) when tilesim was built without OpenMPI or mpirun is absent. Under
 * AddressSanitizer the ranks run without leak checking (OpenMPI keeps its allocations at
 * exit); the other sweep tests check tilesim's own leaks. */
#include "sweep-cli-support.h"

static char *tmpdir, *sweep_file;

static void test_three_ranks_identical(void)
{
    g_autofree char *mpirun = g_find_program_in_path("mpirun");
    g_autofree char *one = g_build_filename(tmpdir, "one", NULL);
    g_autofree char *three = g_build_filename(tmpdir, "three", NULL);
    TsTestRun r;
    const char *args[] = {"sweep", sweep_file, "--out", one, "--threads", "1", "-q", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    const char *mpi[] = {mpirun,
                         "--oversubscribe",
                         "--allow-run-as-root",
                         "-n",
                         "3",
                         "-x",
                         "ASAN_OPTIONS",
                         ts_test_tilesim_bin(),
                         "sweep",
                         sweep_file,
                         "--out",
                         three,
                         "--threads",
                         "1",
                         "-q",
                         NULL};
    int rc = ts_test_spawn_program(&r, mpi);
    if (rc != 0)
        fprintf(stderr, "mpirun: %s\n%s\n", r.out, r.err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "16 of 16 points done in this run (16 ok"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "on 3 processes x 1 thread"));
    ts_test_run_clear(&r);
    g_autofree char *db1 = g_build_filename(one, "sweep.db", NULL);
    g_autofree char *db3 = g_build_filename(three, "sweep.db", NULL);
    g_autofree char *a = sweep_dump(db1), *b = sweep_dump(db3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    if (strcmp(a, b) != 0)
        sweep_report_diff(a, b);
    CU_ASSERT_STRING_EQUAL(a, b);

    sqlite3 *h = NULL;
    sqlite3_open_v2(db3, &h, SQLITE_OPEN_READONLY, NULL);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(h, "SELECT count(DISTINCT rank), count(*) FROM point_runs;", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    fprintf(stderr, "(%d ranks did work) ", sqlite3_column_int(st, 0));
    CU_ASSERT_TRUE(sqlite3_column_int(st, 0) >= 2);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 16);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "SELECT processes FROM runs;", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 3);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-mpi-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    sweep_file = g_build_filename(tmpdir, "small.yaml", NULL);
    return !g_file_set_contents(sweep_file, kSmallSweep, -1, NULL);
}

static int teardown(void)
{
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    g_free(sweep_file);
    return 0;
}

int main(int argc, char **argv)
{
#ifndef TILESIM_HAVE_MPI
    fprintf(stderr, "SKIP: tilesim was built without MPI (OpenMPI's libopenmpi-dev absent)\n");
    return 77;
#endif
    g_autofree char *mpirun = g_find_program_in_path("mpirun");
    if (mpirun == NULL) {
        fprintf(stderr, "SKIP: no mpirun in PATH\n");
        return 77;
    }
    /* ranks inherit this: leak checking off, the rest of the sanitizer on */
    const char *asan = g_getenv("ASAN_OPTIONS");
    g_autofree char *opts =
        g_strdup_printf("%s%sdetect_leaks=0", asan ? asan : "", asan && *asan ? ":" : "");
    g_setenv("ASAN_OPTIONS", opts, TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("sweep_mpi", setup, teardown);
    CU_add_test(s, "three_ranks_identical", test_three_ranks_identical);
    return ts_test_run(argc, argv);
}
