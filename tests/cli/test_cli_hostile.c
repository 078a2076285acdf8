/* Hostile input through the tilesim executable ($TILESIM_BIN), one case per finding of the
 * fuzzing campaign: each exits 1 within seconds (under ASan too) with a message naming
 * file:line:col and the offending key or value. Big inputs are generated here: variable
 * chains of 10,000 and 30,000 links (problem and Timeloop arch variables), variables that each
 * sum the previous one ten times, a mapping of 25,000 keys, /dev/zero and a FIFO fed without
 * end, values that overflow or underflow, option values equal to the old "not given"
 * sentinels, garbage permutations and a second YAML document. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ts-test.h"

static char *tmpdir;

/* Seconds any case may take (ASan on a loaded 2-core machine included). */
#define QUICK_S 20.0

static char *write_tmp(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, text, -1, &error))
        fprintf(stderr, "%s: %s\n", path, error->message);
    return path;
}

/* Runs args; expects status, a quick exit and each NULL-terminated needle in stderr. */
static void expect(const char *const *args, int status, const char *const *needles)
{
    TsTestRun r;
    int got = ts_test_spawn(&r, args, FALSE);
    if (got != status)
        fprintf(stderr, "\n  %s ... exited %d, expected %d\n  stderr: %.1000s\n", args[0], got,
                status, r.err);
    CU_ASSERT_EQUAL(got, status);
    CU_ASSERT(r.seconds < QUICK_S);
    if (r.seconds >= QUICK_S)
        fprintf(stderr, "\n  %s ... took %.1f s\n", args[0], r.seconds);
    for (guint i = 0; needles && needles[i]; i++) {
        if (strstr(r.err, needles[i]) == NULL)
            fprintf(stderr, "\n  expected '%s' in stderr: %.1000s\n", needles[i], r.err);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, needles[i]));
    }
    ts_test_run_clear(&r);
}

#define NEEDLES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A GEMM Timeloop problem whose M is the expression m, with extra variables appended. */
static char *problem(const char *name, const char *m, const char *variables)
{
    g_autofree char *text =
        g_strdup_printf("problem:\n"
                        "  shape:\n"
                        "    name: gemm\n"
                        "    dimensions: [M, N, K]\n"
                        "    data_spaces:\n"
                        "      - {name: Weights, projection: [[[K]], [[N]]]}\n"
                        "      - {name: Inputs, projection: [[[M]], [[K]]]}\n"
                        "      - {name: Outputs, projection: [[[M]], [[N]]], read_write: true}\n"
                        "  instance: {M: %s, N: 8, K: 8}\n"
                        "variables:\n%s",
                        m, variables);
    return write_tmp(name, text);
}

/* "  V0: 2\n  V1: V0\n ..." : a chain of n links, V(n-1) at the end. */
static char *chain(guint n)
{
    GString *s = g_string_new("  V0: 2\n");
    for (guint i = 1; i < n; i++)
        g_string_append_printf(s, "  V%u: V%u\n", i, i - 1);
    return g_string_free(s, FALSE);
}

/* "  W0: 1\n  W1: W0+W0+...(10 times)\n ..." : 10^levels if expanded naively. */
static char *sums(guint levels)
{
    GString *s = g_string_new("  W0: 1\n");
    for (guint i = 1; i <= levels; i++) {
        g_string_append_printf(s, "  W%u: W%u", i, i - 1);
        for (guint k = 1; k < 10; k++)
            g_string_append_printf(s, "+W%u", i - 1);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

static void test_variable_chains(void)
{
    for (guint n = 10000; n <= 30000; n += 20000) {
        g_autofree char *vars = chain(n);
        g_autofree char *m = g_strdup_printf("V%u", n - 1);
        g_autofree char *name = g_strdup_printf("chain%u.prob.yaml", n);
        g_autofree char *p = problem(name, m, vars);
        const char *args[] = {"workload", "show", p, NULL};
        /* The error names the variable 100 links down the chain: V(n-101), on line n - 90. */
        g_autofree char *where = g_strdup_printf("%s:%u:", name, n - 90);
        expect(args, 1, NEEDLES(where, "variables refer to variables more than 100 deep"));
    }
    /* Ten references per level, memoised: exact and immediate at 8 levels ... */
    g_autofree char *s8 = sums(8);
    g_autofree char *p8 = problem("sums8.prob.yaml", "W8", s8);
    const char *a8[] = {"workload", "show", p8, "--json", "-", NULL};
    TsTestRun r;
    CU_ASSERT_EQUAL(ts_test_spawn(&r, a8, FALSE), 0);
    CU_ASSERT(r.seconds < QUICK_S);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "100000000"));
    ts_test_run_clear(&r);
    /* ... and 10^30 at 30 levels is refused, not computed. */
    g_autofree char *s30 = sums(30);
    g_autofree char *p30 = problem("sums30.prob.yaml", "W30", s30);
    const char *a30[] = {"workload", "show", p30, NULL};
    expect(a30, 1, NEEDLES("sums30.prob.yaml:9:", "problem.instance.M", "too large"));
}

/* The same in a Timeloop architecture's variables (evaluated by the arch loader). */
static void test_arch_variable_chains(void)
{
    static const char head[] =
        "architecture:\n"
        "  version: 0.4\n"
        "  nodes:\n"
        "  - !Container\n"
        "    name: System\n"
        "  - !Component\n"
        "    name: DRAM\n"
        "    class: DRAM\n"
        "    attributes: {width: 64, datawidth: 16}\n"
        "  - !Component\n"
        "    name: Buffer\n"
        "    class: SRAM\n"
        "    attributes: {depth: %s, width: 64, datawidth: 16}\n"
        "  - !Component\n"
        "    name: MAC\n"
        "    class: intmac\n"
        "    attributes: {datawidth: 16}\n"
        "variables:\n%s";
    g_autofree char *vars = chain(30000);
    g_autofree char *text = g_strdup_printf(head, "V29999", vars);
    g_autofree char *p = write_tmp("chain.arch.yaml", text);
    const char *args[] = {"check", p, NULL};
    expect(args, 1,
           NEEDLES("chain.arch.yaml:13:", "attributes.depth", "variables refer to variables more "
                                                              "than 100 deep"));
    g_autofree char *s8 = sums(8);
    g_autofree char *text8 = g_strdup_printf(head, "W8 // 10000", s8);
    g_autofree char *p8 = write_tmp("sums.arch.yaml", text8);
    const char *a8[] = {"check", p8, NULL};
    expect(a8, 0, NULL);
    g_autofree char *cyc = g_strdup_printf(head, "A", "  A: B + 1\n  B: A\n");
    g_autofree char *pc = write_tmp("cycle.arch.yaml", cyc);
    const char *ac[] = {"check", pc, NULL};
    expect(ac, 1, NEEDLES("cycle.arch.yaml:", "refers to itself"));
}

/* 25,000 distinct keys load in linear time; the mapping reader then names the first key it
 * does not know. */
static void test_many_keys(void)
{
    GString *s = g_string_new("mapping:\n  - target: DRAM\n    type: temporal\n");
    for (guint i = 0; i < 25000; i++)
        g_string_append_printf(s, "    k%u: 1\n", i);
    g_autofree char *p = write_tmp("keys.map.yaml", s->str);
    g_string_free(s, TRUE);
    const char *args[] = {"model", "--arch", "eyeriss-like", "--workload", "bert-base",
                          "--op",  "FF1",    "--mapping",    p,            NULL};
    expect(args, 1, NEEDLES("keys.map.yaml:4:5:", "unknown key 'k0'"));
}

static void test_endless_inputs(void)
{
    const char *a1[] = {"check", "/dev/zero", NULL};
    expect(a1, 1, NEEDLES("/dev/zero:1:1: file is larger than the 16777216-byte input limit"));
    g_autofree char *fifo = g_build_filename(tmpdir, "yes.fifo", NULL);
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    GThread *t = g_thread_new("yes", ts_test_feed_forever, fifo);
    const char *a2[] = {"check", fifo, NULL};
    expect(a2, 1, NEEDLES("yes.fifo:1:1: file is larger than the 16777216-byte input limit"));
    /* Should tilesim not have opened the FIFO, a reader of our own releases the feeder. */
    int fd = g_open(fifo, O_RDONLY | O_NONBLOCK, 0);
    if (fd >= 0)
        close(fd);
    g_thread_join(t);
    g_unlink(fifo);
    const char *a3[] = {"map",        "--arch",    "eyeriss-like",  "--workload",
                        "bert-base",  "--op",      "FF1",           "--constraints",
                        "/dev/zero",  NULL};
    expect(a3, 1, NEEDLES("/dev/zero:1:1: file is larger than"));
    /* Every loader reads through the same bounded reader: SCALE-Sim files too (64 MiB). */
    const char *a4[] = {"scalesim", "--config", "/dev/zero", "--topology", "/dev/zero", NULL};
    expect(a4, 1, NEEDLES("/dev/zero:1:1: file is larger than the 67108864-byte input limit"));
    /* A DRAM trace is streamed: a line is bounded before it is stored. */
    GString *longline = g_string_new("0x0 READ 0\n");
    for (guint i = 0; i < 100000; i++)
        g_string_append_c(longline, 'x');
    g_string_append_c(longline, '\n');
    g_autofree char *trace = write_tmp("long.trace", longline->str);
    g_string_free(longline, TRUE);
    const char *a5[] = {"dram-trace", "--config", "eyeriss-like", "--trace", trace, NULL};
    expect(a5, 1, NEEDLES("long.trace:2: line longer than 4096 characters"));
}

/* Overflow and underflow: out of the documented physical ranges (docs/arch-reference.md). */
static void test_out_of_range_values(void)
{
    g_autofree char *lib = ts_test_source_path("arch/library/eyeriss-like.yaml");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(lib, &text, NULL, NULL));
    static const struct {
        const char *from, *to, *needle;
    } cases[] = {
        {"clock: 200MHz", "clock: 1e308GHz", "architecture.clock: value overflows"},
        {"clock: 200MHz", "clock: 1e-300Hz", "architecture.clock: must be >= 1000 Hz"},
        {"entries: 12,", "entries: 9223372036854775807,",
         "attributes.entries: must be <= 1099511627776"},
        {"read_bandwidth: 16", "read_bandwidth: 1e300",
         "attributes.read_bandwidth: must be > 0 and <= 1e+15 B/s per instance"},
        {"size: 108KB", "size: 1e30KB", "attributes.size: must be <= 1125899906842624 B"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(text, cases[i].from));
        g_autoptr(GString) s = g_string_new(text);
        g_string_replace(s, cases[i].from, cases[i].to, 1);
        g_autofree char *name = g_strdup_printf("range%u.yaml", i);
        g_autofree char *p = write_tmp(name, s->str);
        const char *args[] = {"check", p, NULL};
        g_autofree char *where = g_strdup_printf("%s:", name);
        expect(args, 1, NEEDLES(where, cases[i].needle));
    }
    g_autofree char *up = write_tmp("profiles.yaml", "DEV:\n"
                                                      "  host_to_device_bw_GBs: 64\n"
                                                      "  host_to_device_pj_per_bit: 27\n"
                                                      "  device_to_host_bw_GBs: 64\n"
                                                      "  device_to_host_pj_per_bit: 27\n"
                                                      "  mem_bw_GBs: 1e308\n"
                                                      "  mem_pj_per_bit: 7\n"
                                                      "  tflops: 112\n"
                                                      "  pj_per_tflop: 0.5e+12\n");
    const char *a_up[] = {"check", up, "--device", "DEV", NULL};
    expect(a_up, 1, NEEDLES("profiles.yaml:6:15: DEV.mem_bw_GBs: must be <= 1000000 (got 1e308)"));
    /* Timeloop input is not read through the schema: the levels are checked after loading. */
    g_autofree char *tl = write_tmp("huge.arch.yaml", "architecture:\n"
                                                      "  version: 0.4\n"
                                                      "  nodes:\n"
                                                      "  - !Component\n"
                                                      "    name: DRAM\n"
                                                      "    class: DRAM\n"
                                                      "    attributes: {datawidth: 16}\n"
                                                      "  - !Component\n"
                                                      "    name: Buffer\n"
                                                      "    class: SRAM\n"
                                                      "    attributes: {depth: 2**52, width: 16,"
                                                      " datawidth: 16}\n"
                                                      "  - !Component\n"
                                                      "    name: MAC\n"
                                                      "    class: intmac\n"
                                                      "    attributes: {datawidth: 16}\n");
    const char *a_tl[] = {"check", tl, NULL};
    expect(a_tl, 1, NEEDLES("huge.arch.yaml:", "capacity 4.5036e+15 words per instance is "
                                               "outside the physical range"));
}

/* Values that used to equal the "not given" sentinels must be errors, like any other. */
static void test_cli_sentinels(void)
{
#define MAP "map", "--arch", "eyeriss-like", "--workload", "bert-base"
    const char *a1[] = {MAP, "--seq", "-9223372036854775808", NULL};
    expect(a1, 1, NEEDLES("--seq: expected a positive integer (got '-9223372036854775808')"));
    const char *a2[] = {MAP, "--budget", "-1", NULL};
    expect(a2, 1, NEEDLES("--budget: expected a non-negative integer (got '-1')"));
    const char *a3[] = {MAP, "--victory", "-1", NULL};
    expect(a3, 1, NEEDLES("--victory: expected a non-negative integer (got '-1')"));
    const char *a4[] = {MAP, "--max-invalid", "-1", NULL};
    expect(a4, 1, NEEDLES("--max-invalid: expected a non-negative integer (got '-1')"));
    const char *a5[] = {MAP, "--batch", "-9223372036854775808", NULL};
    expect(a5, 1, NEEDLES("--batch: expected a positive integer"));
    const char *a6[] = {MAP, "--kv-len", "0", "--phase", "decode", NULL};
    expect(a6, 1, NEEDLES("--kv-len: expected a positive integer (got '0')"));
    const char *a7[] = {MAP, "--budget", "99999999999999999999", NULL};
    expect(a7, 1, NEEDLES("--budget: expected a non-negative integer"));
    const char *a8[] = {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--seq",
                        "-1", NULL};
    expect(a8, 1, NEEDLES("--seq: expected a positive integer (got '-1')"));
    const char *a9[] = {"workload", "show", "bert-base", "--seq", "-9223372036854775808", NULL};
    expect(a9, 1, NEEDLES("--seq: expected a positive integer"));
    g_autofree char *devices = ts_test_source_path("arch/library/upmem-pim.yaml");
    const char *a10[] = {"simulate", "--engine", "profile",   "--arch", devices,
                         "--workload", "bert-base", "--gen", "-1", NULL};
    expect(a10, 1, NEEDLES("--gen: expected a non-negative integer (got '-1')"));
    const char *a11[] = {"simulate",   "--engine",  "profile",  "--arch", devices,
                         "--workload", "bert-base", "--layers", "-1",     NULL};
    expect(a11, 1, NEEDLES("--layers: expected a positive integer (got '-1')"));
#undef MAP
}

/* Options a command would accept and ignore are refused: simulate reports one mapping per op
 * (--top is map's and compare's), and a given --mapping replaces the search its options set. */
static void test_ignored_options(void)
{
    const char *a1[] = {"simulate", "--arch", "gemmini-like", "--workload", "bert-base",
                        "--op",     "KTQ",    "--top",        "3",          NULL};
    expect(a1, 1, NEEDLES("--top (the K best mappings of an op: tilesim map --top K"));
    const char *a2[] = {"simulate", "--arch",    "gemmini-like", "--workload", "bert-base", "--op",
                        "KTQ",      "--mapping", "ktq.yaml",     "--budget",   "5",         NULL};
    expect(a2, 1, NEEDLES("--budget sets the search, and --mapping replaces the search"));
    const char *a3[] = {"simulate", "--arch",    "gemmini-like", "--workload",  "bert-base", "--op",
                        "KTQ",      "--mapping", "ktq.yaml",     "--no-polish", "--engine",  "des",
                        NULL};
    expect(a3, 1, NEEDLES("--no-polish sets the search"));
}

static void test_garbage_permutation(void)
{
    g_autofree char *p = write_tmp("garbage.constraints.yaml", "constraints:\n"
                                                               "  targets:\n"
                                                               "    - target: GlobalBuffer\n"
                                                               "      type: temporal\n"
                                                               "      permutation: \"(((%%$$\"\n");
    const char *a1[] = {"check", p, NULL};
    expect(a1, 1,
           NEEDLES("garbage.constraints.yaml:5:20: constraints.targets[0].permutation: expected "
                   "dimension names",
                   "(got '(((%%$$')"));
    const char *a2[] = {"map", "--arch",   "eyeriss-like", "--workload",    "bert-base", "--op",
                        "FF1", "--budget", "100",          "--constraints", p,           NULL};
    expect(a2, 1, NEEDLES("garbage.constraints.yaml:5:20:"));
    g_autofree char *l =
        write_tmp("garbage-list.constraints.yaml", "constraints:\n"
                                                   "  targets:\n"
                                                   "    - target: GlobalBuffer\n"
                                                   "      type: temporal\n"
                                                   "      permutation: [K, \"M N\", $]\n");
    const char *a3[] = {"check", l, NULL};
    expect(a3, 1, NEEDLES("garbage-list.constraints.yaml:5:", "permutation[1]"));
}

static void test_second_document(void)
{
    g_autofree char *lib = ts_test_source_path("arch/library/eyeriss-like.yaml");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(lib, &text, NULL, NULL));
    g_autofree char *two = g_strconcat(text, "---\narchitecture: {name: other}\n", NULL);
    g_autofree char *p = write_tmp("two-docs.yaml", two);
    guint lines = 1;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    g_autofree char *where = g_strdup_printf("two-docs.yaml:%u:1: a second YAML document starts "
                                             "here",
                                             lines);
    const char *a1[] = {"check", p, NULL};
    expect(a1, 1, NEEDLES(where));
    const char *a2[] = {"map", "--arch", p, "--workload", "bert-base", NULL};
    expect(a2, 1, NEEDLES(where));
}

/* An out-of-range --top is said to be out of range whatever the engine; -q silences the echo
 * of a workload's variables (it warns of nothing), which prints without it. */
static void test_top_range_and_quiet(void)
{
    const char *a1[] = {"simulate", "--arch",   "eyeriss-like", "--workload", "bert-base",
                        "--top",    "0",        "--engine",     "analytical", NULL};
    expect(a1, 1, NEEDLES("--top must be within 1 .. 10000 (got 0)"));
    for (int quiet = 0; quiet < 2; quiet++) {
        const char *a2[] = {"simulate",   "--arch",   "eyeriss-like", "--workload",
                            "example-ops", "--engine", "analytical",   "--budget",
                            "50",         "--threads", "1",           "--no-progress",
                            quiet ? "-q" : NULL, NULL};
        TsTestRun r;
        if (ts_test_spawn(&r, a2, FALSE) < 0)
            return;
        CU_ASSERT_EQUAL(r.status, 0);
        const gboolean said = strstr(r.err, "note: variables: TOKENS=256") != NULL;
        if (said == quiet)
            fprintf(stderr, "\n  quiet %d: stderr: %.1000s\n", quiet, r.err);
        CU_ASSERT(said != quiet);
        ts_test_run_clear(&r);
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* the FIFO feeder ends on EPIPE */
    tmpdir = g_dir_make_tmp("tilesim-hostile-XXXXXX", NULL);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("hostile input", NULL, NULL);
    CU_add_test(s, "variable chains of 10,000 and 30,000 links; sums", test_variable_chains);
    CU_add_test(s, "Timeloop arch variables: chains, sums, cycles", test_arch_variable_chains);
    CU_add_test(s, "a mapping of 25,000 keys", test_many_keys);
    CU_add_test(s, "/dev/zero and a FIFO fed without end", test_endless_inputs);
    CU_add_test(s, "values outside the physical ranges", test_out_of_range_values);
    CU_add_test(s, "option values equal to old sentinels", test_cli_sentinels);
    CU_add_test(s, "options that would be ignored", test_ignored_options);
    CU_add_test(s, "--top out of range; -q and the variables note", test_top_range_and_quiet);
    CU_add_test(s, "garbage permutations", test_garbage_permutation);
    CU_add_test(s, "a second YAML document", test_second_document);
    int rc = ts_test_run(argc, argv);
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    return rc;
}
