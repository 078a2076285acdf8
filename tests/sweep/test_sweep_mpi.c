/* `mpirun -n 3 tilesim sweep` on localhost gives the same database rows as one process (the
 * analytical engine and the DES engine): rank 0 owns the database, the ranks take points as
 * they become free, and more than one rank does work. Skipped (exit 77) when tilesim was built
 * without OpenMPI or mpirun is absent. Under AddressSanitizer the ranks run without leak checking
 * (OpenMPI keeps its allocations at exit); the other sweep tests check tilesim's own leaks. */
#include "sweep-cli-support.h"

static char *tmpdir, *sweep_file, *des_file;

/* One process against three ranks for the sweep file at file (outputs under tmpdir/NAME-1 and
 * NAME-3): identical rows, at least min_ranks ranks did work. */
static void three_ranks_identical(const char *file, const char *name, int n_points, int min_ranks)
{
    g_autofree char *mpirun = g_find_program_in_path("mpirun");
    g_autofree char *n1 = g_strdup_printf("%s-1", name), *n3 = g_strdup_printf("%s-3", name);
    g_autofree char *one = g_build_filename(tmpdir, n1, NULL);
    g_autofree char *three = g_build_filename(tmpdir, n3, NULL);
    TsTestRun r;
    const char *args[] = {"sweep", file, "--out", one, "--threads", "1", "-q", NULL};
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
                         file,
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
    g_autofree char *done =
        g_strdup_printf("%d of %d points done in this run (%d ok", n_points, n_points, n_points);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, done));
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
    CU_ASSERT_TRUE(sqlite3_column_int(st, 0) >= min_ranks);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), n_points);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "SELECT processes FROM runs;", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 3);
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void test_three_ranks_identical(void)
{
    three_ranks_identical(sweep_file, "small", 16, 2);
}

/* The DES engine: the same rows whatever the process count. */
static void test_three_ranks_identical_des(void)
{
    three_ranks_identical(des_file, "des", 2, 1);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-mpi-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    sweep_file = g_build_filename(tmpdir, "small.yaml", NULL);
    des_file = g_build_filename(tmpdir, "tiny-des.yaml", NULL);
    g_autofree char *des = g_strconcat(kDesSweep, "  engine: des\n", NULL);
    return !g_file_set_contents(sweep_file, kSmallSweep, -1, NULL) ||
           !g_file_set_contents(des_file, des, -1, NULL);
}

static int teardown(void)
{
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    g_free(sweep_file);
    g_free(des_file);
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
    CU_add_test(s, "three_ranks_identical_des", test_three_ranks_identical_des);
    return ts_test_run(argc, argv);
}
