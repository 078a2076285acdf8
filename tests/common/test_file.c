/* Unit tests of common/ts-file: the bounded reader stops at its limit on regular files,
 * /dev/zero and a FIFO fed without end; the output writer replaces regular files (keeping their
 * permission bits), writes through symlinks and FIFOs without replacing them, reports a full
 * device, and the checks refuse directories and missing directories before any work. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts-config.h"
#include "ts-file.h"
#include "ts-test.h"

static char *tmpdir;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static void test_read_limits(void)
{
    g_autofree char *small = tmp("small.yaml");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(small, "a: 1\n", -1, NULL));
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_file_read(small, 0, &text, &len, &error));
    CU_ASSERT_EQUAL(len, 5);
    CU_ASSERT_STRING_EQUAL(text, "a: 1\n");
    g_clear_pointer(&text, g_free);

    /* A regular file over the limit is refused from its size, before reading. */
    CU_ASSERT_FALSE(ts_file_read(small, 4, &text, &len, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "small.yaml:1:1: file is 5 bytes, over the "
                                                  "4-byte input limit"));
    g_clear_error(&error);

    /* A device without end stops one byte past the limit. */
    CU_ASSERT_FALSE(ts_file_read("/dev/zero", 100000, &text, &len, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "/dev/zero:1:1: file is larger than the "
                                                  "100000-byte input limit"));
    CU_ASSERT_PTR_NULL(text);
    g_clear_error(&error);

    CU_ASSERT_FALSE(ts_file_read(tmpdir, 0, &text, &len, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "is a directory"));
    g_clear_error(&error);
    g_autofree char *missing = tmp("missing.yaml");
    CU_ASSERT_FALSE(ts_file_read(missing, 0, &text, &len, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO));
    g_unlink(small);
}

static void test_read_fifo(void)
{
    g_autofree char *fifo = tmp("endless.fifo");
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    GThread *writer = g_thread_new("writer", ts_test_feed_forever, fifo);
    g_autofree char *text = NULL;
    gsize len = 0;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_file_read(fifo, 65536, &text, &len, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    g_thread_join(writer);
    /* ts_doc_load_file reads through the same reader. */
    g_clear_error(&error);
    writer = g_thread_new("writer", ts_test_feed_forever, fifo);
    TsDocLimits lim = {.max_file_bytes = 65536};
    TsDoc *doc = ts_doc_load_file(fifo, &lim, &error);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_LIMIT));
    g_thread_join(writer);
    g_unlink(fifo);
}

static char *read_all(const char *path)
{
    char *text = NULL;
    return g_file_get_contents(path, &text, NULL, NULL) ? text : NULL;
}

static void test_write_regular(void)
{
    g_autofree char *path = tmp("out.json");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_output_write("--json", path, "{}\n", -1, &error));
    g_autofree char *a = read_all(path);
    CU_ASSERT_STRING_EQUAL(a, "{}\n");
    /* Replaced by rename: the permission bits of the old file are kept. */
    CU_ASSERT_EQUAL(g_chmod(path, 0640), 0);
    CU_ASSERT_TRUE(ts_output_write("--json", path, "{\"a\": 1}\n", -1, &error));
    g_autofree char *b = read_all(path);
    CU_ASSERT_STRING_EQUAL(b, "{\"a\": 1}\n");
    struct stat st;
    CU_ASSERT_EQUAL(lstat(path, &st), 0);
    CU_ASSERT_TRUE(S_ISREG(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
    g_unlink(path);
}

static void test_write_through_symlink(void)
{
    g_autofree char *target = tmp("target.csv");
    g_autofree char *link = tmp("link.csv");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(target, "old\n", -1, NULL));
    CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_output_write("--csv", link, "new\n", -1, &error));
    struct stat st;
    CU_ASSERT_EQUAL(lstat(link, &st), 0);
    CU_ASSERT_TRUE(S_ISLNK(st.st_mode)); /* the link itself is not replaced */
    g_autofree char *t = read_all(target);
    CU_ASSERT_STRING_EQUAL(t, "new\n");
    g_unlink(link);
    g_unlink(target);
}

typedef struct {
    char *path;
    char *got;
} FifoReader;

static gpointer fifo_reader(gpointer data)
{
    FifoReader *r = data;
    r->got = read_all(r->path);
    return NULL;
}

static void test_write_fifo(void)
{
    g_autofree char *fifo = tmp("out.fifo");
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    FifoReader r = {.path = fifo};
    GThread *reader = g_thread_new("reader", fifo_reader, &r);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_output_write("--json", fifo, "{\"fifo\": true}\n", -1, &error));
    g_thread_join(reader);
    CU_ASSERT_STRING_EQUAL(r.got, "{\"fifo\": true}\n");
    g_free(r.got);
    struct stat st;
    CU_ASSERT_EQUAL(lstat(fifo, &st), 0);
    CU_ASSERT_TRUE(S_ISFIFO(st.st_mode));
    g_unlink(fifo);
}

/* Devices are written in place. The symlink case runs first (and is fatal): a writer that
 * renamed over non-regular files would replace the link, never the device itself. */
static void test_write_devices(void)
{
    g_autofree char *link = tmp("full");
    CU_ASSERT_EQUAL_FATAL(symlink("/dev/full", link), 0);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_output_write("--json", link, "{}\n", -1, &error));
    CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "No space left on device") : NULL);
    g_clear_error(&error);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(lstat(link, &st), 0);
    CU_ASSERT_TRUE_FATAL(S_ISLNK(st.st_mode));
    g_unlink(link);

    CU_ASSERT_FALSE(ts_output_write("--json", "/dev/full", "{}\n", -1, &error));
    CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC));
    CU_ASSERT_PTR_NOT_NULL(error
                               ? strstr(error->message, "--json /dev/full: write failed: No space "
                                                        "left on device")
                               : NULL);
    g_clear_error(&error);
    CU_ASSERT_TRUE(ts_output_write("--csv", "/dev/null", "x\n", -1, &error));
    CU_ASSERT_EQUAL(lstat("/dev/full", &st), 0);
    CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
    CU_ASSERT_EQUAL(lstat("/dev/null", &st), 0);
    CU_ASSERT_TRUE(S_ISCHR(st.st_mode));
}

static void test_checks(void)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_output_check("--json", NULL, &error));
    CU_ASSERT_TRUE(ts_output_check("--json", "-", &error));
    CU_ASSERT_TRUE(ts_output_check("--json", "/dev/null", &error));
    g_autofree char *fresh = tmp("fresh.json");
    CU_ASSERT_TRUE(ts_output_check("--json", fresh, &error));
    CU_ASSERT_FALSE(g_file_test(fresh, G_FILE_TEST_EXISTS)); /* a check creates nothing */

    CU_ASSERT_FALSE(ts_output_check("--json", tmpdir, &error));
    CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR));
    g_clear_error(&error);
    g_autofree char *nodir = tmp("no/such/dir/x.json");
    CU_ASSERT_FALSE(ts_output_check("--json", nodir, &error));
    CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "cannot create the file in its directory"));
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_output_check("--csv", "", &error));
    g_clear_error(&error);

    /* Directories for --mapping-out: created with parents under a writable ancestor. */
    CU_ASSERT_TRUE(ts_output_check_dir("--mapping-out", nodir, &error));
    CU_ASSERT_FALSE(ts_output_check_dir("--mapping-out", "-", &error));
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_output_check_dir("--mapping-out", "/dev/null/x", &error));
    g_clear_error(&error);

    /* Read-only places: only an ordinary user is refused (root may write anywhere). */
    g_autofree char *ro = tmp("readonly.json");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(ro, "{}\n", -1, NULL));
    CU_ASSERT_EQUAL(g_chmod(ro, 0444), 0);
    if (geteuid() != 0) {
        CU_ASSERT_FALSE(ts_output_check("--json", ro, &error));
        CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_ACCES));
        g_clear_error(&error);
    }
    g_unlink(ro);

    const char *const options[] = {"--json", "--csv", "--mapping-out", NULL};
    const char *const one[] = {"-", "x.csv", NULL, NULL};
    const char *const two[] = {"-", NULL, "-", NULL};
    CU_ASSERT_TRUE(ts_output_check_one_stdout(options, one, &error));
    CU_ASSERT_FALSE(ts_output_check_one_stdout(options, two, &error));
    CU_ASSERT_PTR_NOT_NULL(error ? strstr(error->message, "--mapping-out -: only one output can "
                                                          "go to standard output (--json "
                                                          "already does)")
                                 : NULL);
    CU_ASSERT_TRUE(ts_output_is_stdout("-"));
    CU_ASSERT_TRUE(ts_output_is_stdout("/dev/stdout"));
    CU_ASSERT_FALSE(ts_output_is_stdout(NULL));
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* the endless FIFO writer ends on EPIPE */
    tmpdir = g_dir_make_tmp("tilesim-file-XXXXXX", NULL);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("file", NULL, NULL);
    CU_add_test(s, "bounded reads: regular file, /dev/zero, directory", test_read_limits);
    CU_add_test(s, "bounded reads: a FIFO fed without end", test_read_fifo);
    CU_add_test(s, "regular files replaced, permission bits kept", test_write_regular);
    CU_add_test(s, "symlinks written through, not replaced", test_write_through_symlink);
    CU_add_test(s, "FIFOs written in place", test_write_fifo);
    CU_add_test(s, "devices written in place, a full device reported", test_write_devices);
    CU_add_test(s, "output checks before any work", test_checks);
    int rc = ts_test_run(argc, argv);
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}
