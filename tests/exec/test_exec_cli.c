/* `tilesim simulate --engine des|both`: the run of an op and of a whole BERT-base layer end to
 * end, the JSON of docs/cli.md (engine "des" with the DES members; engine "both", the default:
 * the analytical op object with the DES members beside), the Chrome / Perfetto trace (valid JSON,
 * one track per component and the ops track, slices and counters, bounded as said in the file), and
 * refused inputs. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-model.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-walk.h"
#include "ts-test.h"

static JsonNode *parse_file(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_file(p, path, &error)) {
        fprintf(stderr, "%s: %s\n", path, error->message);
        return NULL;
    }
    return json_node_copy(json_parser_get_root(p));
}

static char *tmp_path(const char *name)
{
    return ts_test_tmp_path(name);
}

/* The trace: traceEvents with a thread_name per component track and the ops track, complete
 * slices with non-negative durations, counters; otherData with the bound. Returns the number
 * of slice and counter events. */
static guint check_trace(const char *path, guint64 bound)
{
    g_autoptr(JsonNode) root = parse_file(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *o = json_node_get_object(root);
    CU_ASSERT_TRUE_FATAL(json_object_has_member(o, "traceEvents"));
    JsonArray *ev = json_object_get_array_member(o, "traceEvents");
    guint threads = 0, slices = 0, counters = 0;
    gboolean ops_track = FALSE, dram_track = FALSE, compute_slice = FALSE, queue_counter = FALSE;
    for (guint i = 0; i < json_array_get_length(ev); i++) {
        JsonObject *e = json_array_get_object_element(ev, i);
        const char *ph = json_object_get_string_member(e, "ph");
        if (strcmp(ph, "M") == 0 &&
            strcmp(json_object_get_string_member(e, "name"), "thread_name") == 0) {
            const char *n =
                json_object_get_string_member(json_object_get_object_member(e, "args"), "name");
            threads++;
            ops_track |= strcmp(n, "ops") == 0;
            dram_track |= strstr(n, "(dram)") != NULL;
        } else if (strcmp(ph, "X") == 0) {
            slices++;
            CU_ASSERT(json_object_get_double_member(e, "dur") >= 0);
            CU_ASSERT(json_object_get_double_member(e, "ts") >= 0);
            compute_slice |= strcmp(json_object_get_string_member(e, "cat"), "step") == 0;
        } else if (strcmp(ph, "C") == 0) {
            counters++;
            queue_counter |= g_str_has_prefix(json_object_get_string_member(e, "name"), "queue ");
        }
    }
    CU_ASSERT(threads >= 4);
    CU_ASSERT(ops_track);
    CU_ASSERT(dram_track);
    CU_ASSERT(compute_slice);
    CU_ASSERT(slices > 0);
    CU_ASSERT(counters > 0);
    CU_ASSERT(queue_counter);
    CU_ASSERT(slices + counters <= bound);
    JsonObject *other = json_object_get_object_member(o, "otherData");
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    CU_ASSERT_EQUAL(json_object_get_int_member(other, "max_events"), (gint64)bound);
    CU_ASSERT_EQUAL(json_object_get_int_member(other, "events_written"), slices + counters);
    return slices + counters;
}

static void test_both_one_op(void)
{
    g_autofree char *json = tmp_path("tilesim-test-exec-both.json");
    g_autofree char *trace = tmp_path("tilesim-test-exec-both.trace.json");
    const char *args[] = {
        "simulate", "--arch",   "gemmini-like", "--workload", "bert-base",     "--op",
        "KTQ",      "--engine", "both",         "--search",   "random-pruned", "--budget",
        "2000",     "--json",   json,           "--trace",    trace,           NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DES cycles"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DRAM row hits"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "events (bound"));
    ts_test_run_clear(&r);
    g_autoptr(JsonNode) root = parse_file(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *o = json_node_get_object(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "both");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "op"), "KTQ");
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "count"), 12);
    JsonObject *totals = json_object_get_object_member(o, "totals");
    CU_ASSERT(json_object_get_int_member(totals, "cycles") > 0);
    CU_ASSERT(json_object_get_int_member(totals, "macs") == 128 * 128 * 64);
    CU_ASSERT_TRUE(json_object_has_member(o, "levels"));
    JsonObject *des = json_object_get_object_member(o, "des");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    CU_ASSERT_TRUE(json_object_has_member(des, "stall_cycles"));
    CU_ASSERT(json_array_get_length(json_object_get_array_member(des, "components")) >= 4);
    JsonObject *dram = json_object_get_object_member(des, "dram");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dram);
    const double hit = json_object_get_double_member(dram, "row_hit_rate");
    CU_ASSERT(hit >= 0 && hit <= 1);
    /* stalls and busy time add up to the op's cycles */
    JsonObject *st = json_object_get_object_member(des, "stall_cycles");
    double sum = json_object_get_double_member(des, "compute_busy_cycles");
    GList *names = json_object_get_members(st);
    for (GList *it = names; it; it = it->next)
        sum += json_object_get_double_member(st, it->data);
    g_list_free(names);
    CU_ASSERT_DOUBLE_EQUAL(sum, json_object_get_double_member(des, "cycles"), 1e-6 * sum + 2.0);
    /* the DES's counted accesses per level equal the model's */
    JsonArray *lv = json_object_get_array_member(o, "des_levels");
    CU_ASSERT_PTR_NOT_NULL_FATAL(lv);
    CU_ASSERT(json_array_get_length(lv) >= 2);
    for (guint i = 0; i < json_array_get_length(lv); i++)
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(json_array_get_object_element(lv, i),
                                                             "accesses_diff_pct"),
                               0.0, 1e-9);
    check_trace(trace, 200000);
    g_unlink(json);
    g_unlink(trace);
}

/* A whole layer (einsums and elementwise ops) through the DES: ops in order, each component
 * of the arch listed once. */
static void test_des_layer(void)
{
    g_autofree char *json = tmp_path("tilesim-test-exec-layer.json");
    const char *args[] = {"simulate",      "--arch",   "gemmini-like", "--workload", "bert-base",
                          "--seq",         "32",       "--engine",     "des",        "--search",
                          "random-pruned", "--budget", "500",          "--json",     json,
                          "--quiet",       NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    ts_test_run_clear(&r);
    g_autoptr(JsonNode) root = parse_file(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *o = json_node_get_object(root);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "des");
    JsonArray *ops = json_object_get_array_member(o, "ops");
    CU_ASSERT(json_array_get_length(ops) > 6);
    double prev_end = 0, last_end = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        JsonObject *des = json_object_get_object_member(op, "des");
        const double start = json_object_get_double_member(des, "start_cycles");
        const double cycles = json_object_get_double_member(des, "cycles");
        CU_ASSERT(cycles > 0);
        /* each declared component once; elementwise work without a vector unit runs on the
         * systolic array's PEs (its busy time), not on a second compute unit */
        JsonArray *comps = json_object_get_array_member(des, "components");
        g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
        double array_busy = -1;
        for (guint k = 0; k < json_array_get_length(comps); k++) {
            JsonObject *cp = json_array_get_object_element(comps, k);
            const char *name = json_object_get_string_member(cp, "name");
            CU_ASSERT_FALSE(g_hash_table_contains(seen, name));
            g_hash_table_add(seen, (gpointer)name);
            CU_ASSERT_STRING_NOT_EQUAL(json_object_get_string_member(cp, "kind"), "mac_array");
            if (strcmp(json_object_get_string_member(cp, "kind"), "systolic_array") == 0)
                array_busy = json_object_get_double_member(cp, "utilization");
        }
        CU_ASSERT(array_busy > 0);
        /* in order: an op's window opens when the previous op is complete */
        CU_ASSERT_DOUBLE_EQUAL(start, prev_end, 1.0);
        prev_end = start + cycles;
        last_end = MAX(last_end, prev_end);
    }
    JsonObject *totals = json_object_get_object_member(o, "totals");
    CU_ASSERT_DOUBLE_EQUAL((double)json_object_get_int_member(totals, "cycles"), last_end,
                           1.0 + 1e-6 * last_end);
    g_unlink(json);
}

/* The bound: a small one samples the slices and says so in the file. */
static void test_trace_bound(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("gemmini-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    ts_test_gemm(&op, 64, 64, 256);
    g_autoptr(TsModel) m = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    g_autofree char *trace = tmp_path("tilesim-test-exec-bound.trace.json");
    /* of a few random valid mappings, the one with the most tile steps */
    g_autoptr(GRand) rng = g_rand_new_with_seed(3);
    TsMapping maps[16], map;
    const guint found = ts_test_random_mappings(arch, m, &op, rng, maps, 16, 4000);
    CU_ASSERT_FATAL(found > 0);
    uint64_t most = 0;
    for (guint i = 0; i < found; i++) {
        g_autoptr(TsWalk) w = ts_walk_new(m, &maps[i], ts_walk_depth_for(m, &maps[i], 16384), NULL);
        if (w != NULL && ts_walk_n_steps(w) >= most) {
            most = ts_walk_n_steps(w);
            map = maps[i];
        }
    }
    CU_ASSERT_FATAL(most >= 16);
    TsExecOptions opt = {.trace_path = trace, .trace_max_events = 100, .ideal_compute = TRUE};
    TsExecOpResult r;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, m, &map, 4, &opt, &r, &error));
    const guint n = check_trace(trace, 100);
    CU_ASSERT(n <= 100);
    g_autoptr(JsonNode) root = parse_file(trace);
    JsonObject *other = json_object_get_object_member(json_node_get_object(root), "otherData");
    CU_ASSERT(json_object_get_int_member(other, "events_dropped") > 0);
    CU_ASSERT(json_object_get_int_member(other, "sampling_stride") > 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string_member(other, "note"), "every 2nd"));
    g_unlink(trace);
}

/* --mapping M: the given mapping is the one simulated (its JSON "mapping" member). */
static void test_given_mapping(void)
{
    g_autofree char *map = tmp_path("tilesim-test-exec-map.yaml");
    g_autofree char *json = tmp_path("tilesim-test-exec-map.json");
    const char *m[] = {"map",        "--arch",    "gemmini-like",
                       "--workload", "bert-base", "--op",
                       "KTQ",        "--search",  "random-pruned",
                       "--budget",   "200",       "--mapping-out",
                       map,          "--quiet",   NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, m, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    ts_test_run_clear(&r);
    const char *s[] = {"simulate", "--arch", "gemmini-like", "--workload", "bert-base",
                       "--op",     "KTQ",    "--mapping",    map,          "--engine",
                       "des",      "--json", json,           "--quiet",    NULL};
    if (ts_test_spawn(&r, s, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    ts_test_run_clear(&r);
    g_autofree char *given = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(map, &given, NULL, NULL));
    g_autoptr(JsonNode) root = parse_file(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    const char *written = json_object_get_string_member(json_node_get_object(root), "mapping");
    CU_ASSERT_PTR_NOT_NULL_FATAL(written);
    /* the same directives: every line of the written mapping is in the given file */
    g_auto(GStrv) lines = g_strsplit(written, "\n", -1);
    for (guint i = 0; lines[i]; i++)
        if (strstr(lines[i], "factors") != NULL)
            CU_ASSERT_PTR_NOT_NULL(strstr(given, g_strstrip(lines[i])));
    g_unlink(map);
    g_unlink(json);
}

/* The percentage after `label` in a line of text (NAN when absent). */
static double pct_after(const char *line, const char *label)
{
    const char *at = strstr(line, label);
    double v = NAN;
    if (at == NULL || sscanf(at + strlen(label), "%lf", &v) != 1)
        return NAN;
    return v;
}

/* The DRAM's time of an op in the JSON (des.dram_time) against the DES's counters and the
 * DRAM's timing (DDR4-2400: tRCD = tRP = 17, tRFC = 420 tCK of 833.33 ps; tpu-like's clock
 * 700 MHz), and against the line under the DES table that names the causes: BERT-base's Out
 * on tpu-like under the mapping simulate's search gives (one weight transfer at a time over two
 * coarsely interleaved channels: no request queued about half the window). */
static void test_dram_time_json(void)
{
    g_autofree char *map = tmp_path("tilesim-test-exec-dram-time.yaml");
    g_autofree char *json = tmp_path("tilesim-test-exec-dram-time.json");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(map, ts_test_tpu_out_mapping, -1, NULL));
    const char *args[] = {"simulate", "--arch", "tpu-like",  "--workload", "bert-base",
                          "--op",     "Out",    "--mapping", map,          "--engine",
                          "both",     "--json", json,        NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    g_autofree char *line = NULL;
    {
        const char *at = strstr(r.out, "\n  1 Out: +");
        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        const char *end = strchr(at + 1, '\n');
        line = g_strndup(at + 1, end ? (gsize)(end - at - 1) : strlen(at + 1));
    }
    ts_test_run_clear(&r);
    g_autoptr(JsonNode) root = parse_file(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *des = json_object_get_object_member(json_node_get_object(root), "des");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    JsonObject *dram = json_object_get_object_member(des, "dram");
    JsonObject *t = json_object_get_object_member(des, "dram_time");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dram);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
#define D(o, k) json_object_get_double_member(o, k)
#define I(o, k) json_object_get_int_member(o, k)
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(t, "level"), "DRAM");
    CU_ASSERT_EQUAL(I(t, "channels"), 2);
    CU_ASSERT_EQUAL(I(t, "channels_reached"), 2);
    CU_ASSERT_EQUAL(I(t, "tburst_tck"), 4);
    CU_ASSERT_EQUAL(I(t, "tccd_l_tck"), 6);
    /* one op from the run's start: the window's commands are the op's bursts */
    const gint64 cols = I(t, "column_commands");
    CU_ASSERT_EQUAL(cols, I(dram, "read_bursts") + I(dram, "write_bursts"));
    CU_ASSERT(cols > 0);
    const double tck_ps = 2500.0 / 3.0, w = D(t, "window_tck");
    CU_ASSERT_DOUBLE_EQUAL(w, D(des, "cycles") * (1e12 / 700e6) / tck_ps, 1e-6 * w);
    CU_ASSERT_DOUBLE_EQUAL(D(t, "data_bus_tck"), cols * 4.0 / 2.0, 1e-9 * cols);
    CU_ASSERT_DOUBLE_EQUAL(D(t, "channels_not_reached_tck"), 0.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(D(t, "refresh_tck"), I(t, "refreshes") * 420.0 / 2.0, 1e-9 * w);
    CU_ASSERT_DOUBLE_EQUAL(D(t, "row_misses_max_tck"), I(t, "activates") * 34.0 / 2.0, 1e-9 * w);
    /* every row hit pays tCCD_L - tBURST at most (rochrababgco: a row in one bank group) */
    CU_ASSERT_DOUBLE_EQUAL(D(t, "column_spacing_max_tck"),
                           D(dram, "row_hit_rate") * cols * 2.0 / 2.0, 1e-6 * w);
    const double idle = D(t, "no_request_tck");
    CU_ASSERT(idle >= 0.35 * w && idle <= 0.6 * w);
    CU_ASSERT(D(t, "data_bus_tck") + idle <= 1.001 * w);
    double rest = w - D(t, "data_bus_tck") - D(t, "column_spacing_max_tck") -
                  D(t, "row_misses_max_tck") - D(t, "refresh_tck") - idle;
    CU_ASSERT_DOUBLE_EQUAL(D(t, "unexplained_min_tck"), MAX(rest, 0.0), 1e-6 * w);
    /* the text line: the same figures as percentages of the window, one decimal */
    fprintf(stderr, "%s\n", line);
    CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "busy "), 100.0 * D(t, "data_bus_tck") / w, 0.051);
    CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "no request queued "), 100.0 * idle / w, 0.051);
    CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "column spacing, at most "),
                           100.0 * D(t, "column_spacing_max_tck") / w, 0.051);
    CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "refresh "), 100.0 * D(t, "refresh_tck") / w, 0.051);
    CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "row misses, at most "),
                           100.0 * D(t, "row_misses_max_tck") / w, 0.051);
    if (D(t, "unexplained_min_tck") >= 0.01 * w)
        CU_ASSERT_DOUBLE_EQUAL(pct_after(line, "bank conflicts), at least "),
                               100.0 * D(t, "unexplained_min_tck") / w, 0.051);
#undef D
#undef I
    g_unlink(map);
    g_unlink(json);
}

static void expect_refused(const char *const *args, const char *needle)
{
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, needle));
    if (strstr(r.err, needle) == NULL)
        fprintf(stderr, "stderr: %s\n", r.err);
    ts_test_run_clear(&r);
}

static void test_refused(void)
{
    const char *bogus[] = {"simulate",  "--arch",   "gemmini-like", "--workload",
                           "bert-base", "--engine", "dess",         NULL};
    expect_refused(bogus, "unknown engine 'dess'");
    const char *csv[] = {"simulate", "--arch", "gemmini-like", "--workload", "bert-base",
                         "--engine", "des",    "--csv",        "/tmp/x.csv", NULL};
    expect_refused(csv, "--csv");
    const char *trace_an[] = {"simulate", "--arch",     "gemmini-like", "--workload",  "bert-base",
                              "--engine", "analytical", "--trace",      "/tmp/x.json", NULL};
    expect_refused(trace_an, "--trace");
    const char *trace_dir[] = {"simulate",   "--arch",    "gemmini-like",
                               "--workload", "bert-base", "--engine",
                               "des",        "--trace",   "/nonexistent-dir/t.json",
                               NULL};
    expect_refused(trace_dir, "--trace");
    const char *trace_stdout[] = {"simulate", "--arch", "gemmini-like", "--workload", "bert-base",
                                  "--engine", "des",    "--trace",      "-",          NULL};
    expect_refused(trace_stdout, "--trace");
    /* a PIM arch runs: the 12-channel host DRAM (channel by modulo), the host link, the DPUs'
     * pim_core */
    const char *pim[] = {"simulate",      "--arch",   "upmem-pim", "--workload",
                         "bert-base",     "--seq",    "32",        "--op",
                         "KQV",           "--engine", "both",      "--search",
                         "random-pruned", "--budget", "50",        NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, pim, FALSE) >= 0) {
        CU_ASSERT_EQUAL(r.status, 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "1 of 1 ops run"));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DPU.alu"));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "HostLink"));
        ts_test_run_clear(&r);
    }
}

/* The default engine (both) on an architecture the DES cannot simulate (gemmini-like with 3 DRAM
 * banks, which the analytical model takes and the DRAM's address mapping cannot): the
 * analytical figures stand, the report says why, exit 0. */
static void test_both_unavailable(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *lib = ts_test_source_path("arch/library/gemmini-like.yaml");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(lib, &text, NULL, &error));
    GString *edited = g_string_new(text);
    CU_ASSERT_FATAL(g_string_replace(edited, "attributes: {word_bits: 8}",
                                     "attributes: {word_bits: 8, banks: 3}", 1) == 1);
    g_autofree char *arch = tmp_path("tilesim-test-exec-3banks.yaml");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(arch, edited->str, -1, &error));
    g_string_free(edited, TRUE);
    const char *args[] = {"simulate", "--arch", arch,  "--workload", "bert-base",     "--seq",
                          "32",       "--op",   "KTQ", "--search",   "random-pruned", "--budget",
                          "50",       "--json", "-",   NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "the DES did not run"));
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "both");
    CU_ASSERT(json_object_get_int_member(json_object_get_object_member(o, "totals"), "cycles") > 0);
    CU_ASSERT_TRUE(json_object_get_null_member(o, "des"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json_object_get_string_member(o, "des_not_run"), "cannot be simulated by the DES"));
    JsonObject *dt = json_object_get_object_member(o, "des_totals");
    CU_ASSERT_EQUAL(json_object_get_int_member(dt, "ops_run"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(json_object_get_string_member(dt, "unavailable"), "banks = 3"));
    ts_test_run_clear(&r);
    g_unlink(arch);
}

/* A DRAM whose given bandwidth differs from its timing's peak: said on stderr and in the JSON. */
static void test_bandwidth_note(void)
{
    g_autofree char *json = tmp_path("tilesim-test-exec-note.json");
    const char *args[] = {"simulate",
                          "--arch",
                          "transformer-gemmini",
                          "--workload",
                          "bert-base",
                          "--seq",
                          "32",
                          "--op",
                          "KTQ",
                          "--engine",
                          "des",
                          "--search",
                          "random-pruned",
                          "--budget",
                          "50",
                          "--json",
                          json,
                          "--quiet",
                          NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "the DES runs its DRAM timing instead"));
    ts_test_run_clear(&r);
    g_autoptr(JsonNode) root = parse_file(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonObject *sim = json_object_get_object_member(json_node_get_object(root), "simulation");
    CU_ASSERT_EQUAL(json_array_get_length(json_object_get_array_member(sim, "notes")), 1);
    g_unlink(json);
}

static guint count_of(const char *text, const char *needle)
{
    guint n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The operand-width note is said once: in the text report, or on stderr when no text report
 * is shown (--quiet). */
static void test_model_note_once(void)
{
    const char *const needle = "op KTQ: fp32 x fp32 operands are wider than the 16 x 16-bit";
    for (guint quiet = 0; quiet < 2; quiet++) {
        const char *args[] = {"simulate",   "--arch",        "eyeriss-like",
                              "--workload", "bert-base",     "--seq",
                              "32",         "--op",          "KTQ",
                              "--engine",   "des",           "--precision",
                              "fp32",       "--budget",      "200",
                              "--search",   "random-pruned", quiet ? "--quiet" : NULL,
                              NULL};
        TsTestRun r = {0};
        if (ts_test_spawn(&r, args, FALSE) < 0)
            return;
        CU_ASSERT_EQUAL(r.status, 0);
        CU_ASSERT_EQUAL(count_of(r.err, needle), quiet ? 1u : 0u);
        CU_ASSERT_EQUAL(count_of(r.out, needle), quiet ? 0u : 1u);
        ts_test_run_clear(&r);
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_cli", NULL, NULL);
    CU_add_test(s, "simulate --engine both: one op, JSON and trace", test_both_one_op);
    CU_add_test(s, "simulate --engine des: a whole layer in order", test_des_layer);
    CU_add_test(s, "trace bounded by sampling", test_trace_bound);
    CU_add_test(s, "simulate --mapping M", test_given_mapping);
    CU_add_test(s, "the DRAM's time in the JSON: counters, timing and the text line",
                test_dram_time_json);
    CU_add_test(s, "refused inputs", test_refused);
    CU_add_test(s, "DRAM bandwidth note", test_bandwidth_note);
    CU_add_test(s, "operand-width note said once", test_model_note_once);
    CU_add_test(s, "simulate (both) on an arch the DES cannot build", test_both_unavailable);
    return ts_test_run(argc, argv);
}
