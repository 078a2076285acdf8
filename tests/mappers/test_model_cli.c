/* CLI tests of `tilesim model` and `tilesim compare` (the binary named by $TILESIM_BIN): stats
 * on Timeloop inputs as they are, the JSON contract of docs/cli.md key by key, a
 * library workload op giving the same figures as its Timeloop problem, and exit code 1 with the
 * reason for invalid mappings, malformed mapping files and missing options. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "ts-test.h"

static gboolean run_tilesim(TsTestRun *r, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL; a = va_arg(ap, const char *))
        g_ptr_array_add(argv, (gpointer)a);
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    gboolean ok = ts_test_spawn(r, (const char *const *)argv->pdata, FALSE) >= 0;
    g_ptr_array_free(argv, TRUE);
    return ok;
}

static char *ref(const char *rel)
{
    return ts_test_reference_path(rel);
}

#define REQUIRE_REF()                                                                              \
    g_autofree char *arch = ref("timeloop/arch/eyeriss_like_3level.arch.yaml");                    \
    g_autofree char *prob = ref("timeloop/prob/bert_qkv.prob.yaml");                               \
    g_autofree char *fixed = ref("timeloop/cases/model_qkv_eyeriss_fixed/map.yaml");               \
    if (arch == NULL) {                                                                            \
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);                     \
        return;                                                                                    \
    }

static void test_model_text(void)
{
    REQUIRE_REF();
    TsTestRun r;
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", fixed, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 886.21 uJ"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Cycles: 608256"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "|           for N in [0:16) (Spatial-X)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Scalar reads (per-instance)              : 294528"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "    Total        = 11.738"));
    ts_test_run_clear(&r);
    /* with the ERT: Timeloop's model_qkv_eyeriss_fixed_ERT figures */
    g_autofree char *ert = ref("timeloop/ert/eyeriss_like_handwritten.ERT.yaml");
    if (!run_tilesim(&r, "model", "--arch", arch, "--ert", ert, "--problem", prob, "--mapping",
                     fixed, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 687.96 uJ"));
    ts_test_run_clear(&r);
}

static void test_model_json(void)
{
    REQUIRE_REF();
    g_autofree char *dir = g_dir_make_tmp("tilesim-model-XXXXXX", NULL);
    g_autofree char *json = g_build_filename(dir, "out.json", NULL);
    TsTestRun r;
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", fixed, "--json",
                     json, "--quiet", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_STRING_EQUAL(r.out, "");
    ts_test_run_clear(&r);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p, json, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    const char *keys[] = {"tool",   "version", "engine",  "arch", "workload", "op",
                          "totals", "levels",  "compute", "load", "mapping",  "notes"};
    CU_ASSERT_EQUAL(json_object_get_size(o), G_N_ELEMENTS(keys));
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
        CU_ASSERT_TRUE(json_object_has_member(o, keys[i]));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "tool"), "tilesim");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "analytical");
    JsonObject *tot = json_object_get_object_member(o, "totals");
    const char *tkeys[] = {"energy_pj",  "cycles",      "latency_s",
                           "macs",       "utilization", "edp_j_cycles",
                           "pj_per_mac", "leakage_pj",  "energy_with_leakage_pj",
                           "area_um2"};
    CU_ASSERT_EQUAL(json_object_get_size(tot), G_N_ELEMENTS(tkeys));
    for (guint i = 0; i < G_N_ELEMENTS(tkeys); i++)
        CU_ASSERT_TRUE(json_object_has_member(tot, tkeys[i]));
    CU_ASSERT_EQUAL(json_object_get_int_member(tot, "cycles"), 608256);
    CU_ASSERT_EQUAL(json_object_get_int_member(tot, "macs"), 75497472);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(tot, "energy_pj") / 1e6, 886.21, 0.005);
    JsonArray *levels = json_object_get_array_member(o, "levels");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(levels), 3);
    JsonObject *dram = json_array_get_object_element(levels, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(dram, "name"), "DRAM");
    JsonObject *rf = json_array_get_object_element(levels, 2);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(rf, "name"), "RegisterFile");
    CU_ASSERT_EQUAL(json_object_get_int_member(rf, "instances_used"), 256);
    JsonObject *rfo =
        json_object_get_object_member(json_object_get_object_member(rf, "tensors"), "Outputs");
    CU_ASSERT_EQUAL(json_object_get_int_member(rfo, "tile_words"), 1);
    CU_ASSERT_EQUAL(json_object_get_int_member(rfo, "reads"), 294528);
    CU_ASSERT_EQUAL(json_object_get_int_member(rfo, "fills"), 1152);
    CU_ASSERT_EQUAL(json_object_get_int_member(rfo, "updates"), 294912);
    CU_ASSERT_TRUE(json_object_has_member(rfo, "energy_pj"));
    JsonObject *comp = json_object_get_object_member(o, "compute");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(comp, "name"), "MACC");
    CU_ASSERT_EQUAL(json_object_get_int_member(comp, "instances_used"), 256);
    /* The mapping in the JSON is a mapping file: feeding it back gives the same figures. */
    const char *yaml = json_object_get_string_member(o, "mapping");
    g_autofree char *again = g_build_filename(dir, "again.yaml", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(again, yaml, -1, NULL));
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", again, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 886.21 uJ"));
    ts_test_run_clear(&r);
    g_unlink(json);
    g_unlink(again);
    g_rmdir(dir);
}

/* The library's BERT-base FF1 on the library's Eyeriss-like 3-level arch, with the reference
 * mapping renamed to the op's dims, gives Timeloop's counts and cycles for
 * ey_bert_ff1_rp_fb10k_t1; its energy differs only by the MAC, which follows the op's fp16
 * precision (1.5 pJ, docs/energy.md) where Timeloop's precision-less problem gets PAT's 1.0 pJ:
 * 3862.62 uJ + 301989888 MACs x 0.5 pJ = 4013.62 uJ. */
static void test_model_workload_op(void)
{
    g_autofree char *map = ts_test_source_path("bench/model_eval/ff1-eyeriss-like-3level.map.yaml");
    TsTestRun r;
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 4013.62 uJ"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Cycles: 1179648"));
    ts_test_run_clear(&r);
    /* an unknown op: did-you-mean and the op list */
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF3", "--mapping", map, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "no op 'FF3'"));
    ts_test_run_clear(&r);
    /* a non-einsum op cannot be mapped */
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "softmax", "--mapping", map, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "einsum ops only"));
    ts_test_run_clear(&r);
}

/* The workload overrides of `workload show` and `map` (docs/workloads.md: "--workload of every
 * other command takes the same overrides") apply to model and compare too: --precision w4a16
 * gives the figures of a workload file with `precision: w4a16` (int4 weights take a quarter of
 * the 16-bit words; each MAC dequantizes its int4 weight to fp16: 2.6 pJ), --seq changes the
 * op's shape, bad values are exit 1. */
static void test_model_workload_overrides(void)
{
    g_autofree char *map = ts_test_source_path("bench/model_eval/ff1-eyeriss-like-3level.map.yaml");
    TsTestRun r;
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, "--precision", "w4a16", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 3302.48 uJ"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "RegisterFile [ Weights:192 (48) Inputs:48 (48)"));
    ts_test_run_clear(&r);
    g_autofree char *dir = g_dir_make_tmp("tilesim-model-XXXXXX", NULL);
    g_autofree char *w4 = g_build_filename(dir, "w4.yaml", NULL);
    CU_ASSERT_TRUE(
        g_file_set_contents(w4, "workload:\n  model: bert-base\n  precision: w4a16\n", -1, NULL));
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", w4, "--op", "FF1",
                     "--mapping", map, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Energy: 3302.48 uJ"));
    ts_test_run_clear(&r);
    /* --seq 256: the mapping's L factors (128) no longer cover L */
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, "--seq", "256", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "the dimension size is 256"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, "--seq", "0", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--seq: expected a positive integer (got '0')"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, "--precision", "w4a17", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "did you mean 'w4a16'?"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "compare", "--arch", "eyeriss-like-3level", "--workload", "bert-base",
                     "--op", "FF1", "--mapping", map, "--mapping", map, "--precision", "w4a16",
                     NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "3302.475"));
    ts_test_run_clear(&r);
    g_unlink(w4);
    g_rmdir(dir);
}

static void test_model_bad_input(void)
{
    REQUIRE_REF();
    g_autofree char *dir = g_dir_make_tmp("tilesim-model-XXXXXX", NULL);
    g_autofree char *big = g_build_filename(dir, "big.yaml", NULL);
    g_autofree char *typo = g_build_filename(dir, "typo.yaml", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(big,
                                       "mapping:\n"
                                       "  - {target: RegisterFile, type: temporal, factors: K16}\n"
                                       "  - {target: GlobalBuffer, type: spatial, factors: M16 "
                                       "N16, permutation: NMK, split: 1}\n"
                                       "  - {target: GlobalBuffer, type: temporal, factors: M8 "
                                       "K48}\n"
                                       "  - {target: DRAM, type: temporal, factors: N48}\n",
                                       -1, NULL));
    CU_ASSERT_TRUE(g_file_set_contents(typo,
                                       "mapping:\n  - target: GlobalBuffer\n    type: temporal\n"
                                       "    factors: M8 Q12\n",
                                       -1, NULL));
    TsTestRun r;
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", big, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "invalid mapping (capacity): GlobalBuffer: tiles need "
                                         "112640 words, capacity 65536"));
    /* the model's verdict names the directive of the level it is about (file:line:col) */
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "big.yaml:3:5: mapping[1]: invalid mapping (capacity)"));
    CU_ASSERT_STRING_EQUAL(r.out, "");
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", typo, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "typo.yaml:4:14: mapping[0].factors: unknown dimension "
                                         "'Q'"));
    ts_test_run_clear(&r);
    /* fan-out exceeded: the spatial directive; factors falling short: the directive list */
    g_autofree char *wide = g_build_filename(dir, "wide.yaml", NULL);
    CU_ASSERT_TRUE(g_file_set_contents(wide,
                                       "mapping:\n"
                                       "  - {target: DRAM, type: temporal, factors: M4 N48 K768}\n"
                                       "  - {target: GlobalBuffer, type: spatial, factors: M32 "
                                       "N16, split: 1}\n",
                                       -1, NULL));
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", wide, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "wide.yaml:3:5: mapping[1]: invalid mapping (fanout): "
                                         "GlobalBuffer: spatial X factors multiply to 32"));
    ts_test_run_clear(&r);
    CU_ASSERT_TRUE(g_file_set_contents(
        wide, "mapping:\n  - {target: DRAM, type: temporal, factors: M4 N48 K768}\n", -1, NULL));
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping", wide, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "wide.yaml:2:3: mapping: invalid mapping (factors): "
                                         "dimension M: factors multiply to 4"));
    ts_test_run_clear(&r);
    g_unlink(wide);
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--mapping is required"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--problem", prob, "--mapping", fixed, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--arch is required"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--arch", arch, "--mapping", fixed, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "model", "--arch", arch, "--problem", prob, "--mapping",
                     "/nonexistent/map.yaml", NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    ts_test_run_clear(&r);
    g_unlink(big);
    g_unlink(typo);
    g_rmdir(dir);
}

static void test_compare(void)
{
    REQUIRE_REF();
    g_autofree char *other = ref("timeloop/cases/ey_bert_qkv_null_rp_fb10k_t1/map.yaml");
    TsTestRun r;
    if (!run_tilesim(&r, "compare", "--arch", arch, "--problem", prob, "--mapping", fixed,
                     "--mapping", other, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "energy (uJ)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "886.210"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "702.900"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Directives that differ (M1 | M2):"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "GlobalBuffer datatype: keep Weights, Inputs, Outputs | "
                                         "keep Inputs, Outputs"));
    ts_test_run_clear(&r);
    if (!run_tilesim(&r, "compare", "--arch", arch, "--problem", prob, "--mapping", fixed, NULL))
        return;
    CU_ASSERT_EQUAL(r.status, 1);
    ts_test_run_clear(&r);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("model_cli", NULL, NULL);
    CU_add_test(s, "model_text", test_model_text);
    CU_add_test(s, "model_json", test_model_json);
    CU_add_test(s, "model_workload_op", test_model_workload_op);
    CU_add_test(s, "model_workload_overrides", test_model_workload_overrides);
    CU_add_test(s, "model_bad_input", test_model_bad_input);
    CU_add_test(s, "compare", test_compare);
    return ts_test_run(argc, argv);
}
