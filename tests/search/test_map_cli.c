/* `tilesim map` and `tilesim simulate` through the built executable ($TILESIM_BIN): the JSON
 * contract (docs/cli.md with "search" and "best"), the best mapping written with
 * --mapping-out accepted by `tilesim model` with the same cost, a whole workload with totals
 * equal to the sum of count x per-op figures, simulate giving the same per-op results as map,
 * thread-count independence, and bad input giving exit 1 with a file:line message. */
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-test.h"

static char *tmpdir;

static char *tmp(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static JsonObject *load_json(JsonParser *p, const char *path)
{
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(p, path, &error)) {
        fprintf(stderr, "%s: %s\n", path, error->message);
        return NULL;
    }
    return json_node_get_object(json_parser_get_root(p));
}

static void expect_members(JsonObject *o, const char *const *keys)
{
    for (guint i = 0; keys[i]; i++) {
        if (!json_object_has_member(o, keys[i]))
            fprintf(stderr, "missing key '%s'\n", keys[i]);
        CU_ASSERT_TRUE(json_object_has_member(o, keys[i]));
    }
}

static const char *const kTotals[] = {"energy_pj",   "cycles",       "latency_s",  "macs",
                                      "utilization", "edp_j_cycles", "pj_per_mac", NULL};

static void test_map_problem_json_and_mapping_out(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *arch = ts_test_reference_path("timeloop/arch/eyeriss_like_3level.arch.yaml");
    g_autofree char *prob = ts_test_reference_path("timeloop/prob/bert_attn_qk.prob.yaml");
    g_autofree char *cons =
        ts_test_reference_path("timeloop/constraints/eyeriss_like_keepall.constraints.yaml");
    g_autofree char *json = tmp("map.json"), *best = tmp("best.yaml"), *mjson = tmp("model.json");
    TsTestRun r;
    const char *args[] = {"map", "--arch",   arch,    "--problem",     prob, "--constraints",
                          cons,  "--budget", "20000", "--threads",     "2",  "--top",
                          "3",   "--json",   json,    "--mapping-out", best, "--no-polish",
                          NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "best 3 of"));
    ts_test_run_clear(&r);
    /* A metric list names every metric of the ranking, not only the first. */
    const char *lex[] = {"map",  "--arch", arch, "--problem", prob,           "--budget",
                         "2000", "--top",  "2",  "--metric",  "energy,delay", NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, lex, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(r.out, "ranked by energy (pJ), then delay (cycles), then mapping id:"));
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = load_json(p, json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    const char *top[] = {"tool", "version", "engine", "arch",    "workload",
                         "op",   "totals",  "levels", "compute", "mapping",
                         "name", "count",   "search", "best",    NULL};
    expect_members(o, top);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "tool"), "tilesim");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "analytical");
    expect_members(json_object_get_object_member(o, "totals"), kTotals);
    JsonObject *s = json_object_get_object_member(o, "search");
    const char *search_keys[] = {"algorithm", "evaluated",         "valid", "rejected",
                                 "seconds",   "evaluations_per_s", NULL};
    expect_members(s, search_keys);
    CU_ASSERT_EQUAL(json_object_get_int_member(s, "valid"), 20000); /* --no-polish: budget */
    CU_ASSERT_FALSE(json_object_get_boolean_member(s, "polish"));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(s, "algorithm"), "anneal");
    JsonArray *b = json_object_get_array_member(o, "best");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(b), 3);
    JsonObject *b0 = json_array_get_object_element(b, 0);
    const char *best_keys[] = {"totals", "mapping", NULL};
    expect_members(b0, best_keys);
    double edp0 =
        json_object_get_double_member(json_object_get_object_member(b0, "totals"), "edp_j_cycles");
    double edp1 = json_object_get_double_member(
        json_object_get_object_member(json_array_get_object_element(b, 1), "totals"),
        "edp_j_cycles");
    CU_ASSERT(edp0 <= edp1);
    double energy =
        json_object_get_double_member(json_object_get_object_member(o, "totals"), "energy_pj");
    /* tilesim model accepts the written mapping and gives the same cost */
    const char *margs[] = {"model", "--arch", arch,  "--problem", prob, "--mapping",
                           best,    "--json", mjson, "--quiet",   NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, margs, FALSE), 0);
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *m = load_json(p2, mjson);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_DOUBLE_EQUAL(
        json_object_get_double_member(json_object_get_object_member(m, "totals"), "energy_pj"),
        energy, energy * 1e-12);
    /* and so does simulate with the given mapping */
    g_autofree char *sjson = tmp("given.json");
    const char *sargs[] = {"simulate", "--arch", arch,  "--problem", prob, "--mapping",
                           best,       "--json", sjson, "--quiet",   NULL};
    CU_ASSERT_EQUAL(ts_test_spawn(&r, sargs, FALSE), 0);
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p3 = json_parser_new();
    JsonObject *g = load_json(p3, sjson);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_DOUBLE_EQUAL(
        json_object_get_double_member(json_object_get_object_member(g, "totals"), "energy_pj"),
        energy, energy * 1e-12);
    CU_ASSERT_FALSE(json_object_has_member(g, "search"));
}

static JsonObject *map_workload(JsonParser *p, const char *cmd, const char *threads,
                                const char *json)
{
    TsTestRun r;
    /* simulate: the analytical engine alone, the figures map gives */
    const gboolean sim = strcmp(cmd, "simulate") == 0;
    const char *args[] = {cmd,        "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                          "--budget", "4000",   "--threads",           threads,      "--json",
                          json,       sim ? "--engine" : NULL, "analytical", NULL};
    int status = ts_test_spawn(&r, args, FALSE);
    CU_ASSERT_EQUAL(status, 0);
    if (status != 0)
        fprintf(stderr, "%s\n", r.err);
    ts_test_run_clear(&r);
    return status == 0 ? load_json(p, json) : NULL;
}

static void test_workload_totals_and_simulate(void)
{
    g_autofree char *j1 = tmp("w1.json"), *j3 = tmp("w3.json"), *js = tmp("sim.json");
    g_autoptr(JsonParser) p1 = json_parser_new(), p3 = json_parser_new(), ps = json_parser_new();
    JsonObject *a = map_workload(p1, "map", "1", j1);
    JsonObject *c = map_workload(p3, "map", "3", j3);
    JsonObject *s = map_workload(ps, "simulate", "2", js);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const char *keys[] = {"tool", "version", "engine", "arch", "workload", "ops", "totals", NULL};
    expect_members(a, keys);
    JsonArray *ops = json_object_get_array_member(a, "ops");
    JsonArray *ops3 = json_object_get_array_member(c, "ops");
    JsonArray *opss = json_object_get_array_member(s, "ops");
    guint n = json_array_get_length(ops);
    CU_ASSERT_EQUAL(n, 12);
    CU_ASSERT_EQUAL(json_array_get_length(ops3), n);
    CU_ASSERT_EQUAL(json_array_get_length(opss), n);
    double energy = 0, cycles = 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        JsonObject *o3 = json_array_get_object_element(ops3, i);
        JsonObject *os = json_array_get_object_element(opss, i);
        const char *op_keys[] = {"name", "count", "totals", "levels", "compute", "mapping", NULL};
        expect_members(o, op_keys);
        JsonObject *t = json_object_get_object_member(o, "totals");
        double count = (double)json_object_get_int_member(o, "count");
        energy += count * json_object_get_double_member(t, "energy_pj");
        cycles += count * (double)json_object_get_int_member(t, "cycles");
        /* same per-op results for 1 and 3 threads, and from simulate */
        JsonObject *t3 = json_object_get_object_member(o3, "totals");
        JsonObject *ts = json_object_get_object_member(os, "totals");
        CU_ASSERT_EQUAL(json_object_get_double_member(t3, "energy_pj"),
                        json_object_get_double_member(t, "energy_pj"));
        CU_ASSERT_EQUAL(json_object_get_double_member(ts, "energy_pj"),
                        json_object_get_double_member(t, "energy_pj"));
        CU_ASSERT_EQUAL(json_object_get_int_member(ts, "cycles"),
                        json_object_get_int_member(t, "cycles"));
        if (json_object_has_member(o, "search")) {
            JsonObject *sa = json_object_get_object_member(o, "search");
            JsonObject *s3 = json_object_get_object_member(o3, "search");
            CU_ASSERT_EQUAL(json_object_get_int_member(sa, "evaluated"),
                            json_object_get_int_member(s3, "evaluated"));
            CU_ASSERT_EQUAL(json_object_get_int_member(sa, "valid"),
                            json_object_get_int_member(s3, "valid"));
            /* the default anneal is polished, and its extra work is counted */
            CU_ASSERT_TRUE(json_object_get_boolean_member(sa, "polish"));
            CU_ASSERT(json_object_get_int_member(sa, "valid") >= 4000);
        }
    }
    JsonObject *tot = json_object_get_object_member(a, "totals");
    expect_members(tot, kTotals);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(tot, "energy_pj"), energy, energy * 1e-9);
    CU_ASSERT_DOUBLE_EQUAL((double)json_object_get_int_member(tot, "cycles"), cycles, 0.5);
}

/* With --reproducible the whole report, text and JSON, is byte-identical for 1, 2 and 5
 * threads: measured times and the thread count are left out, everything else is a result. */
static void test_reproducible_bytes(void)
{
    g_autofree char *first_json = NULL, *first_text = NULL;
    static const char *const threads[] = {"1", "2", "5"};
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++) {
        g_autofree char *name = g_strdup_printf("repro-%s.json", threads[i]);
        g_autofree char *json = tmp(name);
        TsTestRun r;
        const char *args[] = {"map",       "--arch",         "eyeriss-like", "--workload",
                              "bert-base", "--budget",       "3000",         "--threads",
                              threads[i],  "--reproducible", "--json",       json,
                              NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
        g_autofree char *bytes = NULL;
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(json, &bytes, NULL, NULL));
        CU_ASSERT_PTR_NOT_NULL(strstr(bytes, "\"seconds\" : null"));
        if (i == 0) {
            first_json = g_steal_pointer(&bytes);
            first_text = g_strdup(r.out);
        } else {
            CU_ASSERT_STRING_EQUAL(bytes, first_json);
            CU_ASSERT_STRING_EQUAL(r.out, first_text);
        }
        ts_test_run_clear(&r);
    }
}

/* A Timeloop-experiments problem with a variables file: the mapping --mapping-out writes is
 * evaluated by `tilesim model` with the same --variables to the same energy and cycles. */
static void test_variables_round_trip(void)
{
    g_autofree char *dir = ts_test_reference_path("timeloop-experiments/transformer_gemmini");
    if (dir == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autofree char *arch = g_build_filename(dir, "arch", "system_gemmini.yaml", NULL);
    g_autofree char *prob = g_build_filename(dir, "layers", "VScores_layer.yaml", NULL);
    g_autofree char *vars = g_build_filename(dir, "mapper", "variables.yaml", NULL);
    g_autofree char *out = tmp("vscores.map.yaml");
    g_autofree char *j1 = tmp("vscores-map.json");
    g_autofree char *j2 = tmp("vscores-model.json");
    TsTestRun r;
    const char *m[] = {"map",      "--arch", arch, "--problem", prob, "--variables",   vars,
                       "--budget", "2000",   "-q", "--json",    j1,   "--mapping-out", out,
                       NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, m, FALSE), 0);
    ts_test_run_clear(&r);
    const char *v[] = {"model",     "--arch", arch, "--problem", prob, "--variables", vars,
                       "--mapping", out,      "-q", "--json",    j2,   NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, v, FALSE), 0);
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p1 = json_parser_new();
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *a = load_json(p1, j1), *b = load_json(p2, j2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    JsonObject *ta = json_object_get_object_member(a, "totals");
    JsonObject *tb = json_object_get_object_member(b, "totals");
    CU_ASSERT_EQUAL(json_object_get_int_member(ta, "cycles"),
                    json_object_get_int_member(tb, "cycles"));
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ta, "energy_pj"),
                           json_object_get_double_member(tb, "energy_pj"), 1e-3);
}

/* Constraints written on the levels of a native architecture are honoured: Eyeriss-like's
 * scratchpads hold their own tensor only and its global buffer bypasses the weights. */
/* An 8 x 16-bit MAC takes w8a16 operands (the 8-bit weights on one input) but not fp16 x fp16:
 * each operand goes to one input, so the note compares the pair, not each operand with the
 * wider input. */
static void test_operand_pair_note(void)
{
    g_autofree char *arch = g_strdup_printf("%s/mac8x16.yaml", tmpdir);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(
        arch,
        "architecture:\n  name: mac8x16\n  clock: 1GHz\n  levels:\n"
        "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
        "    - {name: Buf, class: sram, attributes: {size: 64KB}}\n"
        "    - {name: MAC, class: mac, attributes: {word_bits: 16, operand_a_bits: 8}}\n",
        -1, NULL));
    static const struct {
        const char *op, *precision;
        gboolean note;
    } cases[] = {{"KTQ", "fp16", TRUE}, {"FF1", "w8a16", FALSE}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsTestRun r;
        const char *args[] = {
            "map", "--arch", arch,        "--workload",  "bert-base",        "--seq",
            "16",  "--op",   cases[i].op, "--precision", cases[i].precision, "--budget",
            "200", "-q",     NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
        gboolean noted = strstr(r.err, "operands are wider than the 8 x 16-bit operands") != NULL;
        CU_ASSERT_EQUAL(noted, cases[i].note);
        ts_test_run_clear(&r);
    }
}

/* An int8 layer accumulates at int32 (docs/workloads.md): an 8-bit MAC whose accumulator is
 * the default 2 x 8 bits cannot hold the partial sums, which the model notes; one given
 * accumulator_bits: 32 can. Likewise a systolic array's (its compute level Array.mac). */
static void test_accumulator_note(void)
{
    static const struct {
        const char *compute, *acc, *want;
        gboolean note;
    } cases[] = {
        {"{name: MAC, class: mac, attributes: {word_bits: 8%s}}", "", "MAC 'MAC'", TRUE},
        {"{name: MAC, class: mac, attributes: {word_bits: 8%s}}", ", accumulator_bits: 32",
         "MAC 'MAC'", FALSE},
        {"{name: Array, class: systolic_array, attributes: {rows: 4, cols: 4, dataflow: ws, "
         "word_bits: 8%s}}",
         "", "MAC 'Array.mac'", TRUE},
        {"{name: Array, class: systolic_array, attributes: {rows: 4, cols: 4, dataflow: ws, "
         "word_bits: 8%s}}",
         ", accumulator_bits: 32", "MAC 'Array.mac'", FALSE}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *arch = g_strdup_printf("%s/acc%u.yaml", tmpdir, i);
        g_autofree char *compute = g_strdup_printf(cases[i].compute, cases[i].acc);
        g_autofree char *text =
            g_strdup_printf("architecture:\n  name: acc\n  clock: 1GHz\n  levels:\n"
                            "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
                            "    - {name: Buf, class: sram, attributes: {size: 64KB}}\n"
                            "    - %s\n",
                            compute);
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(arch, text, -1, NULL));
        TsTestRun r;
        const char *args[] = {"map",   "--arch",   arch,   "--workload", "bert-base",
                              "--seq", "16",       "--op", "FF1",        "--precision",
                              "int8",  "--budget", "200",  "-q",         NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
        g_autofree char *want =
            g_strdup_printf("int32 outputs are wider than the 16-bit accumulator of %s",
                            cases[i].want);
        gboolean noted = strstr(r.err, want) != NULL;
        if (noted != cases[i].note)
            fprintf(stderr, "case %u: %s\n", i, r.err);
        CU_ASSERT_EQUAL(noted, cases[i].note);
        ts_test_run_clear(&r);
    }
}

/* A vector unit's lane holds word_bits: fp16 softmax elements on 8-bit lanes are noted,
 * on 16-bit lanes not; int8 elements fit 8-bit lanes. */
static void test_vector_width_note(void)
{
    static const struct {
        guint bits;
        const char *precision;
        gboolean note;
    } cases[] = {{8, "fp16", TRUE}, {16, "fp16", FALSE}, {8, "int8", FALSE}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *arch = g_strdup_printf("%s/vec%u.yaml", tmpdir, i);
        g_autofree char *text = g_strdup_printf(
            "architecture:\n  name: vec\n  clock: 1GHz\n  levels:\n"
            "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
            "    - {name: VU, class: vector_unit, attributes: {lanes: 64, word_bits: %u, "
            "ops: {add: {cycles: 1, energy: 0.1pJ}, exp: {cycles: 4, energy: 1pJ}}}}\n"
            "    - {name: Buf, class: sram, attributes: {size: 64KB}}\n"
            "    - {name: MAC, class: mac, attributes: {word_bits: 16}}\n",
            cases[i].bits);
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(arch, text, -1, NULL));
        TsTestRun r;
        const char *args[] = {
            "map", "--arch", arch,      "--workload",  "bert-base",        "--seq",
            "16",  "--op",   "softmax", "--precision", cases[i].precision, "--budget",
            "200", "-q",     NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
        g_autofree char *want = g_strdup_printf(
            "op softmax: %s elements are wider than the %u-bit lanes of vector unit 'VU'",
            cases[i].precision, cases[i].bits);
        gboolean noted = strstr(r.err, want) != NULL;
        CU_ASSERT_EQUAL(noted, cases[i].note);
        if (noted != cases[i].note)
            fprintf(stderr, "case %u stderr:\n%s\n", i, r.err);
        ts_test_run_clear(&r);
    }
}

static void test_native_arch_constraints(void)
{
    g_autofree char *json = tmp("eyeriss-ff1.json");
    TsTestRun r;
    const char *args[] = {"map", "--arch",   "eyeriss-like", "--workload", "bert-base", "--op",
                          "FF1", "--budget", "3000",         "-q",         "--json",    json,
                          NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *root = load_json(p, json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    static const struct {
        const char *level, *tensor;
    } only[] = {{"ifmap_spad", "Inputs"}, {"weights_spad", "Weights"}, {"psum_spad", "Outputs"}};
    JsonArray *levels = json_object_get_array_member(root, "levels");
    guint checked = 0;
    for (guint i = 0; i < json_array_get_length(levels); i++) {
        JsonObject *l = json_array_get_object_element(levels, i);
        const char *name = json_object_get_string_member(l, "name");
        JsonObject *t = json_object_get_object_member(l, "tensors");
        if (strcmp(name, "GlobalBuffer") == 0) {
            CU_ASSERT_FALSE(json_object_has_member(t, "Weights"));
            checked++;
        }
        for (guint k = 0; k < G_N_ELEMENTS(only); k++) {
            if (strcmp(name, only[k].level) != 0)
                continue;
            CU_ASSERT_EQUAL(json_object_get_size(t), 1);
            CU_ASSERT_TRUE(json_object_has_member(t, only[k].tensor));
            checked++;
        }
    }
    CU_ASSERT_EQUAL(checked, 4);
}

/* LUT-NN ops (PIM-DL) on DPUs run as PIM-DL runs them: a LUT op costs time and energy, has no
 * MACs of its own, and carries its kernel configuration and phases (lut_pim), which add up to
 * its latency. */
static void test_lut_workload(void)
{
    g_autofree char *json = tmp("lut.json");
    TsTestRun r;
    const char *args[] = {"map",      "--arch", "upmem-pim", "--workload", "bert-base-lut",
                          "--budget", "2000",   "--json",    json,         NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *root = load_json(p, json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    JsonArray *ops = json_object_get_array_member(root, "ops");
    gboolean saw_lut = FALSE;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        if (strcmp(json_object_get_string_member(op, "op"), "FF1") != 0)
            continue;
        JsonObject *tot = json_object_get_object_member(op, "totals");
        CU_ASSERT(json_object_get_double_member(tot, "energy_pj") > 0);
        CU_ASSERT(json_object_get_int_member(tot, "cycles") > 0);
        CU_ASSERT_EQUAL(json_object_get_int_member(tot, "macs"), 0);
        CU_ASSERT_TRUE_FATAL(json_object_has_member(op, "lut_pim"));
        JsonObject *lp = json_object_get_object_member(op, "lut_pim");
        const double phases = json_object_get_double_member(lp, "search_s") +
                              json_object_get_double_member(lp, "index_scatter_s") +
                              json_object_get_double_member(lp, "table_scatter_s") +
                              json_object_get_double_member(lp, "dpu_s") +
                              json_object_get_double_member(lp, "gather_s");
        const double total = json_object_get_double_member(lp, "total_s");
        CU_ASSERT_DOUBLE_EQUAL(phases, total, 1e-9 * total);
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(tot, "latency_s"), total,
                               1e-9 * total);
        CU_ASSERT_EQUAL(json_object_get_int_member(lp, "input_parallelism") *
                            json_object_get_int_member(lp, "lut_parallelism"),
                        1024);
        saw_lut = TRUE;
    }
    CU_ASSERT_TRUE(saw_lut);
    /* Layer pJ/MAC and utilization over the ops that have MACs (the attention GEMMs here), not
     * all energy over their MACs. */
    JsonObject *tot = json_object_get_object_member(root, "totals");
    double mac_energy = 0, mac_cycles = 0, all_energy = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        JsonObject *t = json_object_get_object_member(op, "totals");
        double count = (double)json_object_get_int_member(op, "count");
        all_energy += count * json_object_get_double_member(t, "energy_pj");
        if (json_object_get_int_member(t, "macs") > 0) {
            mac_energy += count * json_object_get_double_member(t, "energy_pj");
            mac_cycles += count * (double)json_object_get_int_member(t, "cycles");
        }
    }
    double macs = (double)json_object_get_int_member(tot, "macs");
    CU_ASSERT_TRUE(mac_energy > 0 && mac_energy < all_energy);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(tot, "pj_per_mac"), mac_energy / macs,
                           1e-9 * mac_energy / macs);
    CU_ASSERT_TRUE(json_object_get_double_member(tot, "utilization") * mac_cycles <= macs);
}

/* --precision int8 on eyeriss-like costs less than fp16: an int8 MAC (Horowitz: 0.2 pJ
 * multiply + 0.1 pJ int32 add) against an fp16 MAC (1.1 + 0.4 pJ) outweighs the int32 partial
 * sums taking two 16-bit words. fp32 is wider than the 16-bit MAC: a note says so. */
static void test_precision_energy(void)
{
    double energy[3] = {0};
    static const char *const precs[] = {"fp16", "int8", "fp32"};
    for (guint i = 0; i < 3; i++) {
        g_autofree char *json = g_strdup_printf("%s/prec-%s.json", tmpdir, precs[i]);
        TsTestRun r;
        const char *args[] = {"map",   "--arch", "eyeriss-like", "--workload", "bert-base",
                              "--op",  "FF1",    "--precision",  precs[i],     "--budget",
                              "20000", "--json", json,           "-q",         NULL};
        CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
        if (i == 2) {
            CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "fp32 x fp32 operands are wider than the 16 x "
                                                 "16-bit operands of MAC 'MAC'"));
        } else {
            CU_ASSERT_PTR_NULL(strstr(r.err, "wider than"));
        }
        ts_test_run_clear(&r);
        g_autoptr(JsonParser) p = json_parser_new();
        JsonObject *root = load_json(p, json);
        CU_ASSERT_PTR_NOT_NULL_FATAL(root);
        JsonObject *compute = json_object_get_object_member(root, "compute");
        CU_ASSERT_PTR_NOT_NULL(
            strstr(json_object_get_string_member(compute, "energy_source"), "precision:"));
        energy[i] = json_object_get_double_member(json_object_get_object_member(root, "totals"),
                                                  "energy_pj");
    }
    CU_ASSERT_TRUE(energy[1] < energy[0]);
    CU_ASSERT_TRUE(energy[0] < energy[2]);
}

static void expect_bad(const char *const *args, const char *needle)
{
    TsTestRun r;
    CU_ASSERT_EQUAL(ts_test_spawn(&r, args, FALSE), 1);
    if (strstr(r.err, needle) == NULL)
        fprintf(stderr, "stderr: %s\nwant: %s\n", r.err, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, needle));
    ts_test_run_clear(&r);
}

static void test_bad_input(void)
{
    g_autofree char *bad = tmp("bad.constraints.yaml");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(
        bad,
        "constraints:\n  targets:\n  - {target: GlobalBufer, type: temporal, factors: [E=2]}\n", -1,
        NULL));
    const char *a1[] = {"map",  "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                        "--op", "KTQ",    "--constraints",       bad,          NULL};
    expect_bad(a1, "bad.constraints.yaml:3:14: constraints.targets[0].target: unknown level "
                   "'GlobalBufer' (did you mean 'GlobalBuffer'?)");
    const char *a2[] = {"map",        "--arch",    "eyeriss-like-3level",
                        "--workload", "bert-base", "--search",
                        "anneel",     NULL};
    expect_bad(a2, "did you mean 'anneal'");
    const char *a3[] = {"map",        "--arch",    "eyeriss-like-3level",
                        "--workload", "bert-base", "--metric",
                        "power",      NULL};
    expect_bad(a3, "unknown metric 'power'");
    const char *a_seq[] = {
        "map", "--arch", "eyeriss-like-3level", "--workload", "bert-base", "--seq", "0", NULL};
    expect_bad(a_seq, "--seq: expected a positive integer (got '0')");
    const char *a_batch[] = {
        "map", "--arch", "eyeriss-like-3level", "--workload", "bert-base", "--batch", "-1", NULL};
    expect_bad(a_batch, "--batch: expected a positive integer (got '-1')");
    const char *a_kv[] = {"map",        "--arch",    "eyeriss-like-3level",
                          "--workload", "bert-base", "--phase",
                          "decode",     "--kv-len",  "0",
                          NULL};
    expect_bad(a_kv, "--kv-len: expected a positive integer (got '0')");
    const char *a4[] = {"map", "--workload", "bert-base", NULL};
    expect_bad(a4, "--arch is required");
    const char *a5[] = {"map", "--arch", "eyeriss-like-3level", "--workload", "bert-base", "--op",
                        "FF3", NULL};
    expect_bad(a5, "no op 'FF3' (did you mean 'FF1'?)");
    const char *a6[] = {"map", "--arch", "eyeriss-like-3level", "--workload", "bert-base", "--top",
                        "0",   NULL};
    expect_bad(a6, "--top must be within");
    const char *a7[] = {"map",        "--arch",    "eyeriss-like-3level",
                        "--workload", "bert-base", "--search",
                        "random",     "--budget",  "0",
                        NULL};
    expect_bad(a7, "would never stop");
    const char *a8[] = {"map",        "--arch",    "eyeriss-like-3level",
                        "--workload", "bert-base", "--budget",
                        "many",       NULL};
    expect_bad(a8, "budget");
    /* Spatial factors that can never fit the 16 x 16 fan-out: the ordered walks skip every
     * factorization unevaluated, and the message says so rather than "0 rejected: none". */
    g_autofree char *wide = tmp("wide.constraints.yaml");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(wide,
                                             "mapspace_constraints:\n"
                                             "  - {target: GlobalBuffer, type: spatial, "
                                             "factors: E=16 D=16 L=16}\n",
                                             -1, NULL));
    const char *a9[] = {
        "map", "--arch",   "eyeriss-like-3level", "--workload",    "bert-base", "--op",
        "KTQ", "--search", "linear-pruned",       "--constraints", wide,        NULL};
    expect_bad(a9, "factorizations skipped unevaluated (spatial factors over a fan-out");
    const char *a10[] = {
        "map", "--arch",   "eyeriss-like-3level", "--workload",    "bert-base", "--op",
        "KTQ", "--search", "exhaustive",          "--constraints", wide,        NULL};
    expect_bad(a10, "; the whole space was walked)");
    g_unlink(wide);
    const char *s1[] = {"simulate", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                        "--engine", "des",    "--layers",            "2",          NULL};
    expect_bad(s1, "--layers (the whole model: --engine both or analytical) is not available "
                   "with --engine des");
    const char *s2[] = {"simulate",   "--arch",    "eyeriss-like-3level",
                        "--workload", "bert-base", "--engine",
                        "dse",        NULL};
    expect_bad(s2, "unknown engine 'dse' (did you mean 'des'?)");
    g_unlink(bad);
}

int main(int argc, char **argv)
{
    tmpdir = g_dir_make_tmp("tilesim-map-XXXXXX", NULL);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("map cli", NULL, NULL);
    CU_add_test(s, "map --problem: JSON and --mapping-out", test_map_problem_json_and_mapping_out);
    CU_add_test(s, "workload totals, threads, simulate", test_workload_totals_and_simulate);
    CU_add_test(s, "bad input exits 1", test_bad_input);
    CU_add_test(s, "LUT-NN workload", test_lut_workload);
    CU_add_test(s, "precision drives MAC energy", test_precision_energy);
    CU_add_test(s, "operand widths: the pair against the MAC's inputs", test_operand_pair_note);
    CU_add_test(s, "accumulator width: int32 partial sums on a 16-bit accumulator noted",
                test_accumulator_note);
    CU_add_test(s, "vector width: elements wider than the vector unit's lanes noted",
                test_vector_width_note);
    CU_add_test(s, "constraints in a native architecture", test_native_arch_constraints);
    CU_add_test(s, "--variables round trip through model", test_variables_round_trip);
    CU_add_test(s, "--reproducible: byte-identical across thread counts", test_reproducible_bytes);
    int rc = ts_test_run(argc, argv);
    const char *names[] = {"map.json", "best.yaml", "model.json", "w1.json",
                           "w3.json",  "sim.json",  NULL};
    for (guint i = 0; names[i]; i++) {
        g_autofree char *p = g_build_filename(tmpdir, names[i], NULL);
        g_unlink(p);
    }
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}
