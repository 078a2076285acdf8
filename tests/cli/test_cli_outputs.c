/* Outputs of the tilesim executable ($TILESIM_BIN): "-" is standard output and then carries
 * only that output; regular files are replaced (permission bits kept), symlinks, FIFOs and
 * devices written in place and never replaced (/dev/stdout, /dev/full); a failed write exits 1
 * with a message, also for the text report (> /dev/full); an unwritable output fails before
 * the search, for an ordinary user too (run as nobody when the tests run as root); the CSV
 * carries full-precision numbers equal to the JSON's, per-count totals, arch, workload and
 * precision; the JSON's per-op whole `cycles` x count sum to the layer's `totals.cycles`. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts-test.h"

static char *tmpdir;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

/* A quick search of the whole BERT-base layer; extra arguments appended. */
#define MAP_ARGS "map", "--arch", "eyeriss-like", "--workload", "bert-base", "--budget", "300"

static JsonNode *parse_json(const char *text)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_data(p, text, -1, &error)) {
        fprintf(stderr, "\n  not JSON (%s): %.300s\n", error->message, text);
        return NULL;
    }
    return json_node_copy(json_parser_get_root(p));
}

/* ---- Standard output -------------------------------------------------------------------- */

static void test_stdout_carries_one_output(void)
{
    TsTestRun r;
    const char *json_args[] = {MAP_ARGS, "--json", "-", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, json_args, FALSE), 0);
    g_autoptr(JsonNode) root = parse_json(r.out); /* the whole of stdout, no text report */
    CU_ASSERT_PTR_NOT_NULL(root);
    ts_test_run_clear(&r);

    const char *csv_args[] = {MAP_ARGS, "--csv", "-", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, csv_args, FALSE), 0);
    g_auto(GStrv) lines = g_strsplit(r.out, "\n", -1);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "op,count,kind,"));
    for (guint i = 0; lines[i] && lines[i][0]; i++) {
        g_auto(GStrv) cells = g_strsplit(lines[i], ",", -1);
        CU_ASSERT_EQUAL(g_strv_length(cells), 17);
    }
    ts_test_run_clear(&r);

    const char *wl_args[] = {"workload", "show", "bert-base", "--json", "-", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, wl_args, FALSE), 0);
    g_autoptr(JsonNode) wl = parse_json(r.out);
    CU_ASSERT_PTR_NOT_NULL(wl);
    ts_test_run_clear(&r);

    /* --mapping-out - for one op: the mapping alone, and `model` reads it back. */
    const char *mo_args[] = {MAP_ARGS, "--op", "FF1", "--mapping-out", "-", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, mo_args, FALSE), 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "mapping:"));
    g_autofree char *map = tmp("ff1.map.yaml");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(map, r.out, -1, NULL));
    ts_test_run_clear(&r);
    const char *model_args[] = {"model", "--arch", "eyeriss-like", "--workload", "bert-base",
                                "--op",  "FF1",    "--mapping",    map,          "--json",
                                "-",     NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, model_args, FALSE), 0);
    g_autoptr(JsonNode) m = parse_json(r.out);
    CU_ASSERT_PTR_NOT_NULL(m);
    ts_test_run_clear(&r);
    const char *cmp_args[] = {
        "compare",   "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "FF1",
        "--mapping", map,      "--mapping",    map,          "--json",    "-",    NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, cmp_args, FALSE), 0);
    g_autoptr(JsonNode) c = parse_json(r.out);
    CU_ASSERT_PTR_NOT_NULL(c);
    ts_test_run_clear(&r);
    g_unlink(map);

    const char *two[] = {MAP_ARGS, "--json", "-", "--csv", "-", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, two, FALSE), 1);
    ts_test_expect_in(r.err,
                      "--csv -: only one output can go to standard output (--json already does)");
    ts_test_run_clear(&r);
}

/* `--csv /dev/stdout` writes to standard output through the symlink and leaves it alone. */
static void test_dev_stdout(void)
{
    TsTestRun r;
    const char *args[] = {MAP_ARGS, "--csv", "/dev/stdout", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "op,count,kind,"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "totals (each op")); /* no text report mixed in */
    ts_test_run_clear(&r);
    struct stat st;
    CU_ASSERT_EQUAL(lstat("/dev/stdout", &st), 0);
    CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
}

/* ---- Files, symlinks, FIFOs, devices ---------------------------------------------------- */

static void test_regular_and_symlink(void)
{
    g_autofree char *out = tmp("map.json");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(out, "old", -1, NULL));
    CU_ASSERT_EQUAL(g_chmod(out, 0640), 0);
    TsTestRun r;
    const char *args[] = {MAP_ARGS, "-q", "--json", out, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE(g_file_get_contents(out, &text, NULL, NULL));
    g_autoptr(JsonNode) root = parse_json(text);
    CU_ASSERT_PTR_NOT_NULL(root);
    struct stat st;
    CU_ASSERT_EQUAL(lstat(out, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);

    g_autofree char *link = tmp("link.csv");
    g_autofree char *target = tmp("target.csv");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(target, "old", -1, NULL));
    CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
    const char *args2[] = {MAP_ARGS, "-q", "--csv", link, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args2, FALSE), 0);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL(lstat(link, &st), 0);
    CU_ASSERT_TRUE(S_ISLNK(st.st_mode));
    g_autofree char *csv = NULL;
    CU_ASSERT_TRUE(g_file_get_contents(target, &csv, NULL, NULL));
    CU_ASSERT_TRUE(csv && g_str_has_prefix(csv, "op,count,kind,"));
    g_unlink(link);
    g_unlink(target);
    g_unlink(out);
}

typedef struct {
    char *path;
    char *got;
} Reader;

static gpointer read_fifo(gpointer data)
{
    Reader *rd = data;
    if (!g_file_get_contents(rd->path, &rd->got, NULL, NULL))
        rd->got = NULL;
    return NULL;
}

static void test_fifo(void)
{
    g_autofree char *fifo = tmp("out.fifo");
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    Reader rd = {.path = fifo};
    GThread *t = g_thread_new("reader", read_fifo, &rd);
    TsTestRun r;
    const char *args[] = {"workload", "show", "bert-base", "--json", fifo, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    /* Should tilesim not have opened the FIFO, a writer of our own releases the reader. */
    int fd = g_open(fifo, O_WRONLY | O_NONBLOCK, 0);
    if (fd >= 0)
        close(fd);
    g_thread_join(t);
    CU_ASSERT_PTR_NOT_NULL(rd.got);
    g_autoptr(JsonNode) root = rd.got ? parse_json(rd.got) : NULL;
    CU_ASSERT_PTR_NOT_NULL(root);
    g_free(rd.got);
    struct stat st;
    CU_ASSERT_EQUAL(lstat(fifo, &st), 0);
    CU_ASSERT_TRUE(S_ISFIFO(st.st_mode));
    g_unlink(fifo);
}

/* A full device: through a symlink of ours first (fatal: a writer that renamed over
 * non-regular files would replace the link), then /dev/full itself. */
static void test_full_device(void)
{
    g_autofree char *link = tmp("full");
    CU_ASSERT_EQUAL_FATAL(symlink("/dev/full", link), 0);
    TsTestRun r;
    const char *a1[] = {"workload", "show", "bert-base", "--json", link, NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, a1, FALSE), 1);
    ts_test_expect_in(r.err, "No space left on device");
    ts_test_run_clear(&r);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(lstat(link, &st), 0);
    CU_ASSERT_TRUE_FATAL(S_ISLNK(st.st_mode));
    g_unlink(link);

    const char *a2[] = {MAP_ARGS, "-q", "--json", "/dev/full", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, a2, FALSE), 1);
    ts_test_expect_in(r.err, "--json /dev/full: write failed: No space left on device");
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL(lstat("/dev/full", &st), 0);
    CU_ASSERT_TRUE(S_ISCHR(st.st_mode));

    /* The text report itself. */
    CU_ASSERT_EQUAL(ts_test_shell(&r, "exec \"$TILESIM\" list archs > /dev/full"), 1);
    ts_test_expect_in(r.err, "cannot write to standard output: No space left on device");
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL(ts_test_shell(&r, "exec \"$TILESIM\" workload show bert-base > /dev/full"), 1);
    ts_test_expect_in(r.err, "No space left on device");
    ts_test_run_clear(&r);
}

/* ---- Checked before the search ---------------------------------------------------------- */

/* An exhaustive search of BERT-base takes minutes: a quick exit shows the check came first. */
#define SLOW_MAP                                                                                   \
    "map", "--arch", "eyeriss-like", "--workload", "bert-base", "--search", "exhaustive"

static void expect_quick_failure(const char *const *args, gboolean as_nobody, const char *needle)
{
    TsTestRun r;
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, as_nobody), 1);
    ts_test_expect_in(r.err, needle);
    CU_ASSERT(r.seconds < 30.0);
    if (r.seconds >= 30.0)
        fprintf(stderr, "\n  took %.1f s: the output was not checked before the search\n",
                r.seconds);
    ts_test_run_clear(&r);
}

static void test_checked_before_search(void)
{
    const char *a1[] = {SLOW_MAP, "--json", "/nonexistent-dir/map.json", NULL};
    expect_quick_failure(a1, FALSE,
                         "--json /nonexistent-dir/map.json: cannot create the file in "
                         "its directory: No such file or directory");
    const char *a2[] = {SLOW_MAP, "--csv", tmpdir, NULL};
    expect_quick_failure(a2, FALSE, "Is a directory");
    g_autofree char *file = tmp("plain");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(file, "x", -1, NULL));
    g_autofree char *under_file = tmp("plain/best");
    const char *a3[] = {SLOW_MAP, "--mapping-out", under_file, NULL};
    expect_quick_failure(a3, FALSE, "--mapping-out");
    g_unlink(file);
    const char *a4[] = {"workload", "show", "bert-base", "--json", "/nonexistent-dir/w.json", NULL};
    expect_quick_failure(a4, FALSE, "cannot create the file in its directory");
    const char *a4b[] = {"scalesim",
                         "--config",
                         "/dev/null",
                         "--topology",
                         "/dev/null",
                         "--json",
                         "/nonexistent-dir/s.json",
                         NULL};
    expect_quick_failure(a4b, FALSE, "--json /nonexistent-dir/s.json: cannot create the file");

    /* An ordinary user: a read-only directory and a read-only file. */
    if (geteuid() == 0 && !g_file_test("/usr/bin/setpriv", G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr, "\n  SKIP non-root cases: running as root without setpriv\n");
        return;
    }
    g_autofree char *ro_dir = tmp("ro");
    CU_ASSERT_EQUAL_FATAL(g_mkdir(ro_dir, 0555), 0);
    CU_ASSERT_EQUAL(g_chmod(ro_dir, 0555), 0);
    g_autofree char *in_ro = tmp("ro/map.json");
    const char *a5[] = {SLOW_MAP, "--json", in_ro, NULL};
    expect_quick_failure(a5, TRUE, "cannot create the file in its directory: Permission denied");
    g_autofree char *ro_file = tmp("ro.csv");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(ro_file, "keep", -1, NULL));
    CU_ASSERT_EQUAL(g_chmod(ro_file, 0444), 0);
    const char *a6[] = {SLOW_MAP, "--csv", ro_file, NULL};
    expect_quick_failure(a6, TRUE, "cannot write: Permission denied");
    g_autofree char *kept = NULL;
    CU_ASSERT_TRUE(g_file_get_contents(ro_file, &kept, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(kept, "keep");
    g_unlink(ro_file);
    g_rmdir(ro_dir);
}

/* ---- CSV -------------------------------------------------------------------------------- */

static double cell_double(const char *cell)
{
    char *end = NULL;
    double v = g_ascii_strtod(cell, &end);
    CU_ASSERT_TRUE(end != cell && *end == '\0');
    return v;
}

static void test_csv_full_precision(void)
{
    g_autofree char *json = tmp("layer.json");
    g_autofree char *csv = tmp("layer.csv");
    TsTestRun r;
    const char *args[] = {MAP_ARGS, "-q",    "--precision", "int8", "--json",
                          json,     "--csv", csv,           NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    g_autofree char *jtext = NULL, *ctext = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(json, &jtext, NULL, NULL));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &ctext, NULL, NULL));
    g_autoptr(JsonNode) root = parse_json(jtext);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *o = json_node_get_object(root);
    JsonArray *ops = json_object_get_array_member(o, "ops");
    g_auto(GStrv) lines = g_strsplit(ctext, "\n", -1);
    CU_ASSERT_STRING_EQUAL(lines[0], "op,count,kind,macs,cycles,energy_pj,latency_s,pj_per_mac,"
                                     "utilization,bound,total_macs,total_cycles,total_energy_pj,"
                                     "total_latency_s,arch,workload,precision");
    guint n = json_array_get_length(ops);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), n + 3); /* header, ops, total, "" */
    double sum_energy = 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        JsonObject *tot = json_object_get_object_member(op, "totals");
        g_auto(GStrv) c = g_strsplit(lines[i + 1], ",", -1);
        CU_ASSERT_EQUAL_FATAL(g_strv_length(c), 17);
        CU_ASSERT_STRING_EQUAL(c[0], json_object_get_string_member(op, "name"));
        double count = cell_double(c[1]);
        CU_ASSERT_EQUAL(count, (double)json_object_get_int_member(op, "count"));
        /* The same doubles as the JSON, not 6 significant digits. */
        double e = cell_double(c[5]);
        CU_ASSERT_EQUAL(e, json_object_get_double_member(tot, "energy_pj"));
        CU_ASSERT_EQUAL(cell_double(c[6]), json_object_get_double_member(tot, "latency_s"));
        CU_ASSERT_EQUAL(cell_double(c[12]), e * count);
        CU_ASSERT_EQUAL(cell_double(c[13]), cell_double(c[6]) * count);
        CU_ASSERT_EQUAL(cell_double(c[11]), cell_double(c[4]) * count);
        CU_ASSERT_STRING_EQUAL(c[14], "eyeriss-like");
        CU_ASSERT_STRING_EQUAL(c[15], "bert-base");
        CU_ASSERT_TRUE(strcmp(c[16], "int8") == 0 || strstr(c[16], "int8") != NULL);
        sum_energy += e * count;
    }
    g_auto(GStrv) t = g_strsplit(lines[n + 1], ",", -1);
    CU_ASSERT_STRING_EQUAL(t[0], "total");
    JsonObject *tot = json_object_get_object_member(o, "totals");
    CU_ASSERT_EQUAL(cell_double(t[5]), json_object_get_double_member(tot, "energy_pj"));
    CU_ASSERT_EQUAL(cell_double(t[12]), json_object_get_double_member(tot, "energy_pj"));
    CU_ASSERT_DOUBLE_EQUAL(cell_double(t[12]), sum_energy, sum_energy * 1e-12);
    CU_ASSERT_STRING_EQUAL(t[16], "int8");
    g_unlink(json);
    g_unlink(csv);
}

/* ---- Whole cycles --------------------------------------------------------------------- */

/* Each op's `cycles` (its figure to the nearest cycle) x its count sum to the layer's
 * totals.cycles exactly, on archs whose ops take fractional cycles (upmem-pim's DPU and host
 * rates) and on others. */
static void test_op_cycles_sum_to_total(void)
{
    static const char *const archs[] = {"upmem-pim", "eyeriss-like", "gemmini-like", "hbm-pim"};
    for (guint a = 0; a < G_N_ELEMENTS(archs); a++) {
        const char *args[] = {"simulate", "--arch",     archs[a],   "--workload",    "bert-base",
                              "--engine", "analytical", "--budget", "200",           "--threads",
                              "1",        "--json",     "-",        "--no-progress", NULL};
        TsTestRun r;
        if (ts_test_spawn(&r, args, FALSE) < 0)
            return;
        CU_ASSERT_EQUAL(r.status, 0);
        g_autoptr(JsonNode) root = parse_json(r.out);
        ts_test_run_clear(&r);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        JsonObject *o = json_node_get_object(root);
        JsonArray *ops = json_object_get_array_member(o, "ops");
        gint64 sum = 0;
        for (guint i = 0; i < json_array_get_length(ops); i++) {
            JsonObject *op = json_array_get_object_element(ops, i);
            JsonObject *t = json_object_get_object_member(op, "totals");
            sum +=
                json_object_get_int_member(op, "count") * json_object_get_int_member(t, "cycles");
        }
        const gint64 total =
            json_object_get_int_member(json_object_get_object_member(o, "totals"), "cycles");
        if (sum != total)
            fprintf(stderr,
                    "\n  %s: ops sum to %" G_GINT64_FORMAT " cycles, total %" G_GINT64_FORMAT "\n",
                    archs[a], sum, total);
        CU_ASSERT_EQUAL(sum, total);
    }
}

int main(int argc, char **argv)
{
    tmpdir = g_dir_make_tmp("tilesim-out-XXXXXX", NULL);
    g_chmod(tmpdir, 0777); /* the cases run as nobody create files here */
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("outputs", NULL, NULL);
    CU_add_test(s, "'-' is stdout, which carries only that output", test_stdout_carries_one_output);
    CU_add_test(s, "--csv /dev/stdout", test_dev_stdout);
    CU_add_test(s, "regular files replaced, symlinks written through", test_regular_and_symlink);
    CU_add_test(s, "FIFOs written in place", test_fifo);
    CU_add_test(s, "a full device: exit 1, nodes intact", test_full_device);
    CU_add_test(s, "unwritable outputs fail before the search", test_checked_before_search);
    CU_add_test(s, "per-op whole cycles sum to the total", test_op_cycles_sum_to_total);
    CU_add_test(s, "CSV: full precision, totals, arch, workload, precision",
                test_csv_full_precision);
    int rc = ts_test_run(argc, argv);
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}
