/* CUnit driver and reference-file helpers shared by every test binary. */
#include "ts-test.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

static gboolean skip_all = FALSE;

const char *ts_test_shared_dir(void)
{
    static char *dir = NULL;
    static gboolean looked = FALSE;
    if (!looked) {
        const char *env = g_getenv("TILESIM_SHARED");
        const char *cand = env ? env : TILESIM_SHARED_DIR_DEFAULT;
        g_autofree char *ref = g_build_filename(cand, "reference", NULL);
        if (g_file_test(ref, G_FILE_TEST_IS_DIR))
            dir = g_strdup(cand);
        looked = TRUE;
    }
    return dir;
}

char *ts_test_reference_path(const char *relative)
{
    const char *dir = ts_test_shared_dir();
    if (dir == NULL)
        return NULL;
    return g_build_filename(dir, "reference", relative, NULL);
}

char *ts_test_source_path(const char *relative)
{
    return g_build_filename(TILESIM_SOURCE_DIR, relative, NULL);
}

guint64 ts_test_seed(guint64 default_seed)
{
    const char *env = g_getenv("TILESIM_TEST_SEED");
    guint64 seed = env ? g_ascii_strtoull(env, NULL, 0) : default_seed;
    static gboolean printed = FALSE;
    if (!printed) {
        fprintf(stderr, "test seed: %" G_GUINT64_FORMAT " (override with TILESIM_TEST_SEED)\n",
                seed);
        printed = TRUE;
    }
    return seed;
}

void ts_test_skip_all(const char *reason)
{
    fprintf(stderr, "SKIP: %s\n", reason);
    skip_all = TRUE;
}

int ts_test_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (failed)
        return 1;
    if (skip_all || run == 0)
        return 77;
    return 0;
}
