/* CUnit driver (with per-test wall times), reference-file helpers and a runner for the built
 * tilesim, shared by every test binary. */
#include "ts-test.h"

#include <CUnit/Basic.h>
#include <CUnit/TestRun.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static int spawn(TsTestRun *r, char **argv, char **envp)
{
    memset(r, 0, sizeof *r);
    int wait = 0;
    g_autoptr(GError) error = NULL;
    gint64 t0 = g_get_monotonic_time();
    gboolean ok = g_spawn_sync(NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL, NULL, &r->out, &r->err,
                               &wait, &error);
    r->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    if (!ok) {
        fprintf(stderr, "spawn %s: %s\n", argv[0], error->message);
        CU_FAIL("cannot run the program");
        r->out = g_strdup("");
        r->err = g_strdup("");
        r->status = -1;
        return -1;
    }
    r->status = WIFEXITED(wait) ? WEXITSTATUS(wait) : -1;
    if (r->status != 0 && r->status != 1)
        fprintf(stderr, "%s exited with %d\nstdout: %.2000s\nstderr: %.2000s\n", argv[0], r->status,
                r->out, r->err);
    return r->status;
}

const char *ts_test_tilesim_bin(void)
{
    const char *bin = g_getenv("TILESIM_BIN");
    return bin ? bin : "tilesim";
}

int ts_test_spawn(TsTestRun *r, const char *const *args, gboolean as_nobody)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    if (as_nobody && geteuid() == 0) {
        static const char *const drop[] = {
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", NULL};
        for (guint i = 0; drop[i]; i++)
            g_ptr_array_add(argv, (gpointer)drop[i]);
    }
    g_ptr_array_add(argv, (gpointer)ts_test_tilesim_bin());
    for (guint i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    return spawn(r, (char **)argv->pdata, NULL);
}

gboolean ts_test_refused(const char *const *args, const char *needle)
{
    TsTestRun r = {0};
    ts_test_spawn(&r, args, FALSE);
    gboolean ok = r.status == 1;
    if (!ok)
        fprintf(stderr, "\n  expected exit status 1, got %d\n", r.status);
    ok = ts_test_contains(r.err, needle) && ok;
    ts_test_run_clear(&r);
    return ok;
}

int ts_test_spawn_program(TsTestRun *r, const char *const *argv)
{
    return spawn(r, (char **)argv, NULL);
}

int ts_test_shell(TsTestRun *r, const char *script)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "TILESIM", ts_test_tilesim_bin(), TRUE);
    return spawn(r, argv, env);
}

void ts_test_run_clear(TsTestRun *r)
{
    g_clear_pointer(&r->out, g_free);
    g_clear_pointer(&r->err, g_free);
}

gpointer ts_test_feed_forever(gpointer path)
{
    int fd = g_open(path, O_WRONLY, 0);
    if (fd < 0)
        return NULL;
    static char y[65536];
    for (gsize i = 0; i < sizeof y; i += 2)
        memcpy(y + i, "y\n", 2);
    while (write(fd, y, sizeof y) > 0) {
    }
    close(fd);
    return NULL;
}

void ts_test_remove_tree(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *n;
        while (d && (n = g_dir_read_name(d)) != NULL) {
            char *p = g_build_filename(path, n, NULL);
            ts_test_remove_tree(p);
            g_free(p);
        }
        if (d)
            g_dir_close(d);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

void ts_test_tmpdir_done(char **dir)
{
    if (*dir == NULL)
        return;
    if (g_getenv("TILESIM_TEST_KEEP") != NULL)
        fprintf(stderr, "outputs kept in %s\n", *dir);
    else
        ts_test_remove_tree(*dir);
    g_clear_pointer(dir, g_free);
}

void ts_test_skip_all(const char *reason)
{
    fprintf(stderr, "SKIP: %s\n", reason);
    skip_all = TRUE;
}

gboolean ts_test_slow(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--slow") == 0)
            return TRUE;
    return FALSE;
}

/* A verbose runner like CUnit's basic one that also prints each test's wall time, so slow
 * tests show up in every CTest log (--output-on-failure, -V). */
static gint64 test_started_us;

static void on_suite_start(const CU_pSuite suite)
{
    printf("\nSuite: %s\n", suite->pName);
}

static void on_test_start(const CU_pTest test, const CU_pSuite suite)
{
    (void)suite;
    printf("  Test: %s ...", test->pName);
    fflush(stdout);
    test_started_us = g_get_monotonic_time();
}

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
                             const CU_pFailureRecord failures)
{
    (void)test;
    (void)suite;
    double s = (double)(g_get_monotonic_time() - test_started_us) / 1e6;
    printf("%s (%.2f s)\n", failures ? "FAILED" : "passed", s);
    int i = 1;
    for (CU_pFailureRecord f = failures; f; f = f->pNext)
        printf("    %d. %s:%u  - %s\n", i++, f->strFileName ? f->strFileName : "", f->uiLineNumber,
               f->strCondition ? f->strCondition : "");
    fflush(stdout);
}

static void on_suite_init_failure(const CU_pSuite suite)
{
    printf("\nWARNING - Suite initialization failed for '%s'.\n", suite->pName);
}

static void on_suite_cleanup_failure(const CU_pSuite suite)
{
    printf("\nWARNING - Suite cleanup failed for '%s'.\n", suite->pName);
}

static char *process_tmpdir;

char *ts_test_tmp_path(const char *name)
{
    if (process_tmpdir == NULL) {
        g_autoptr(GError) error = NULL;
        process_tmpdir = g_dir_make_tmp("tilesim-test-XXXXXX", &error);
        if (process_tmpdir == NULL)
            g_error("cannot create a temporary directory: %s", error->message);
    }
    return g_build_filename(process_tmpdir, name, NULL);
}

int ts_test_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    CU_set_suite_start_handler(on_suite_start);
    CU_set_test_start_handler(on_test_start);
    CU_set_test_complete_handler(on_test_complete);
    CU_set_suite_init_failure_handler(on_suite_init_failure);
    CU_set_suite_cleanup_failure_handler(on_suite_cleanup_failure);
    CU_run_all_tests();
    printf("\n");
    CU_print_run_results(stdout);
    fflush(stdout);
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
                      CU_get_number_of_suites_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (process_tmpdir != NULL) {
        ts_test_remove_tree(process_tmpdir);
        g_clear_pointer(&process_tmpdir, g_free);
    }
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
    if (g_getenv("TILESIM_BIN") == NULL)
        return -1;
    TsTestRun r;
    ts_test_spawn(&r, args, FALSE);
    if (out != NULL)
        *out = g_steal_pointer(&r.out);
    if (err != NULL)
        *err = g_steal_pointer(&r.err);
    ts_test_run_clear(&r);
    return r.status;
}

gboolean ts_test_contains(const char *haystack, const char *needle)
{
    if (haystack != NULL && strstr(haystack, needle) != NULL)
        return TRUE;
    fprintf(stderr, "\n  expected '%s' in: %.3000s\n", needle, haystack ? haystack : "(null)");
    return FALSE;
}
