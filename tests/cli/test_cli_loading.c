/* What the tilesim process loads ($TILESIM_BIN): at start only the libraries every command
 * needs, never OpenMPI or PLplot (they are loaded when a sweep runs under mpirun and when a
 * plot is drawn); under an MPI starter the MPI module (tilesim-mpi.so) is found beside the
 * binary, and a binary without it exits 1 naming the module and where it looked. The MPI run
 * itself is tests/sweep/test_sweep_mpi.c, the plots tests/reports/test_plot.c. */
#include <stdio.h>
#include <string.h>

#include "ts-test.h"

/* The dynamic loader's list of the objects loaded at start (what ldd prints). */
static void test_start_loads_no_mpi_or_plplot(void)
{
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(ts_test_shell(&r, "LD_TRACE_LOADED_OBJECTS=1 exec \"$TILESIM\""), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "libglib-2.0.so"));
    static const char *const absent[] = {"libmpi.so", "libopen-pal.so", "libopen-rte.so",
                                         "libplplot.so", "libhwloc.so", NULL};
    for (guint i = 0; absent[i]; i++) {
        if (strstr(r.out, absent[i]) != NULL)
            fprintf(stderr, "\n  %s is loaded at start:\n%s\n", absent[i], r.out);
        CU_ASSERT_PTR_NULL(strstr(r.out, absent[i]));
    }
    ts_test_run_clear(&r);
}

/* A copy of the binary alone in a directory, started as an MPI rank would be (the starter's
 * environment variable): the missing module is an error before any work. */
static void test_missing_mpi_module(void)
{
#ifndef TILESIM_HAVE_MPI
    fprintf(stderr, "SKIP %s: built without MPI\n", __func__);
#else
    if (g_file_test(TILESIM_MODULE_DIR "/" TILESIM_MPI_MODULE, G_FILE_TEST_EXISTS)) {
        fprintf(stderr, "SKIP %s: an installed %s/%s would be found\n", __func__,
                TILESIM_MODULE_DIR, TILESIM_MPI_MODULE);
        return;
    }
    g_autofree char *dir = ts_test_tmp_path("alone");
    g_autofree char *script = g_strdup_printf(
        "mkdir -p '%s' && cp \"$TILESIM\" '%s/tilesim' && "
        "OMPI_COMM_WORLD_SIZE=2 exec '%s/tilesim' sweep nothing.yaml --out '%s/out'",
        dir, dir, dir, dir);
    TsTestRun r;
    CU_ASSERT_EQUAL(ts_test_shell(&r, script), 1);
    g_autofree char *beside = g_strdup_printf("%s/%s", dir, TILESIM_MPI_MODULE);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "started by mpirun with 2 processes, but the MPI module "
                                         TILESIM_MPI_MODULE " is missing"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, beside));
    g_autofree char *out = g_build_filename(dir, "out", NULL);
    CU_ASSERT_FALSE(g_file_test(out, G_FILE_TEST_EXISTS));
    if (r.status != 1)
        fprintf(stderr, "\n  exit %d, stderr: %s\n", r.status, r.err);
    ts_test_run_clear(&r);
#endif
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("cli_loading", NULL, NULL);
    CU_add_test(s, "start_loads_no_mpi_or_plplot", test_start_loads_no_mpi_or_plplot);
    CU_add_test(s, "missing_mpi_module", test_missing_mpi_module);
    return ts_test_run(argc, argv);
}
