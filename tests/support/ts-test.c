/* CUnit driver and reference-file helpers shared by every test binary. */
#include "ts-test.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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

gboolean ts_test_cli(TsTestCli *run, const char *const *argv)
{
    memset(run, 0, sizeof *run);
    const char *bin = g_getenv("TILESIM_BIN");
    if (bin == NULL) {
        fprintf(stderr, "SKIP: TILESIM_BIN not set\n");
        return FALSE;
    }
    GPtrArray *all = g_ptr_array_new();
    g_ptr_array_add(all, (gpointer)bin);
    for (guint i = 0; argv[i]; i++)
        g_ptr_array_add(all, (gpointer)argv[i]);
    g_ptr_array_add(all, NULL);
    GError *error = NULL;
    int wait = 0;
    gboolean ok = g_spawn_sync(NULL, (char **)all->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait, &error);
    g_ptr_array_free(all, TRUE);
    if (!ok) {
        fprintf(stderr, "cannot run %s: %s\n", bin, error->message);
        g_error_free(error);
        CU_FAIL("cannot run tilesim");
        return FALSE;
    }
    run->status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
    return TRUE;
}

void ts_test_cli_clear(TsTestCli *run)
{
    g_free(run->out);
    g_free(run->err);
    memset(run, 0, sizeof *run);
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

GPtrArray *ts_test_csv_split(const char *line)
{
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    gboolean quoted = FALSE;
    for (const char *p = line; *p; p++) {
        if (quoted) {
            if (*p == '"' && p[1] == '"') {
                g_string_append_c(cur, '"');
                p++;
            } else if (*p == '"') {
                quoted = FALSE;
            } else {
                g_string_append_c(cur, *p);
            }
        } else if (*p == '"') {
            quoted = TRUE;
        } else if (*p == ',') {
            g_ptr_array_add(fields, g_string_free(cur, FALSE));
            cur = g_string_new(NULL);
        } else if (*p != '\r') {
            g_string_append_c(cur, *p);
        }
    }
    g_ptr_array_add(fields, g_string_free(cur, FALSE));
    return fields;
}

int ts_test_csv_column(GPtrArray *header, const char *name)
{
    for (guint i = 0; i < header->len; i++) {
        if (strcmp(g_ptr_array_index(header, i), name) == 0)
            return (int)i;
    }
    CU_FAIL("CSV column missing");
    return 0;
}

int ts_test_tilesim(const char *const *args, char **out, char **err)
{
    const char *bin = g_getenv("TILESIM_BIN");
    if (bin == NULL)
        return -1;
    GPtrArray *argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)bin);
    for (guint i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    int status = -1;
    GError *error = NULL;
    gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out,
                               err, &status, &error);
    g_ptr_array_free(argv, TRUE);
    if (!ok) {
        fprintf(stderr, "spawn failed: %s\n", error->message);
        g_error_free(error);
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
