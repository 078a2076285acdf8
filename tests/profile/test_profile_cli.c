/* Command-line tests of `tilesim simulate --engine profile`: a layer and a whole model in text,
 * JSON (docs/cli.md, engine "profile") and CSV, the layer map file, --overlap and
 * --profile-mode, and exit status 1 with a clear message on input it cannot honour. Uses a
 * device file written here, so it runs without ../shared. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ts-test.h"

static char *tmpdir, *devices, *map;

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-profile-cli-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    devices = g_build_filename(tmpdir, "devices.yaml", NULL);
    map = g_build_filename(tmpdir, "map.yaml", NULL);
    const char *dev = "GPU_big:\n"
                      "    host_to_device_bw_GBs: 64\n    host_to_device_pj_per_bit: 27\n"
                      "    device_to_host_bw_GBs: 64\n    device_to_host_pj_per_bit: 27\n"
                      "    mem_bw_GBs: 2000\n    mem_pj_per_bit: 7\n"
                      "    tflops: 756.5\n    pj_per_tflop: 0.5e+12\n"
                      "PIM_small:\n"
                      "    host_to_device_bw_GBs: 22\n    host_to_device_pj_per_bit: 200\n"
                      "    device_to_host_bw_GBs: 88\n    device_to_host_pj_per_bit: 50\n"
                      "    mem_bw_GBs: 6553.6\n    mem_pj_per_bit: 0.95\n"
                      "    tflops: 320\n    pj_per_tflop: 0.4e+12\n";
    const char *m = "# Llama: projections on the PIM, the rest on the GPU\n"
                    "default: GPU-big\n"
                    "layer_mapping:\n"
                    "  q_proj: PIM-small,t\n  k_proj: PIM-small\n  v_proj: PIM-small\n"
                    "  o_proj: PIM-small,t\n  gate_proj: PIM-small,t\n  up_proj: PIM-small,t\n"
                    "  down_proj: PIM-small,t\n  lm_head: PIM-small,t\n";
    if (!g_file_set_contents(devices, dev, -1, NULL) || !g_file_set_contents(map, m, -1, NULL))
        return 1;
    return 0;
}

static int teardown(void)
{
    g_remove(devices);
    g_remove(map);
    g_rmdir(tmpdir);
    g_free(devices);
    g_free(map);
    g_free(tmpdir);
    return 0;
}

#define RUN(status_want, out, err, ...)                                                            \
    do {                                                                                           \
        const char *args_[] = {__VA_ARGS__, NULL};                                                 \
        int st_ = ts_test_tilesim(args_, &(out), &(err));                                          \
        if (st_ < 0) {                                                                             \
            fprintf(stderr, "SKIP %s: TILESIM_BIN not set\n", __func__);                           \
            return;                                                                                \
        }                                                                                          \
        if (st_ != (status_want))                                                                  \
            fprintf(stderr, "\n  exit %d, stderr: %s\n", st_, err);                                \
        CU_ASSERT_EQUAL_FATAL(st_, (status_want));                                                 \
    } while (0)

static JsonObject *parse(JsonParser *p, const char *text)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(json_parser_load_from_data(p, text, -1, &error));
    return json_node_get_object(json_parser_get_root(p));
}

static void test_layer(void)
{
    g_autofree char *out = NULL, *err = NULL;
    RUN(0, out, err, "simulate", "--engine", "profile", "--arch", devices, "--device", "PIM-small",
        "--workload", "bert-base", "--seq", "128", "--precision", "bf16");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "profile engine"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "KQV"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "(from host)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "the profiler's sum, no overlap"));
    g_autofree char *j = NULL, *e2 = NULL;
    RUN(0, j, e2, "simulate", "--engine", "profile", "--arch", devices, "--device", "PIM-small",
        "--workload", "bert-base", "--json", "-", "--quiet");
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *root = parse(p, j);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "engine"), "profile");
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "mode"), "compat");
    JsonArray *ops = json_object_get_array_member(root, "ops");
    /* the layer's ops, the four projections and softmax among them */
    CU_ASSERT(json_array_get_length(ops) >= 9);
    static const char *const must[] = {"KQV", "softmax", "Out", "FF1", "FF2", NULL};
    for (guint k = 0; must[k]; k++) {
        gboolean seen = FALSE;
        for (guint i = 0; i < json_array_get_length(ops); i++)
            seen |=
                strcmp(json_object_get_string_member(json_array_get_object_element(ops, i), "name"),
                       must[k]) == 0;
        CU_ASSERT_TRUE(seen);
    }
    static const char *const keys[] = {
        "name",          "time_ns", "compute_ns", "mem_ns",  "energy_compute_pj",
        "energy_mem_pj", "h2d_ns",  "d2h_ns",     "bound",   "count",
        "totals",        "levels",  "compute",    "mapping", "transfer",
        "engine",        NULL};
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        for (guint k = 0; keys[k]; k++)
            CU_ASSERT_TRUE(json_object_has_member(o, keys[k]));
    }
    /* totals: the sum of the op times and transfers */
    JsonObject *phase = json_object_get_object_member(root, "phase");
    double sum = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        JsonObject *t = json_object_get_object_member(o, "transfer");
        sum += json_object_get_double_member(o, "time_ns") +
               json_object_get_double_member(t, "h2d_ns") +
               json_object_get_double_member(t, "d2h_ns");
    }
    JsonObject *ret = json_object_get_object_member(root, "return");
    sum += json_object_get_double_member(ret, "d2h_ns");
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(phase, "time_ns"), sum, 1e-6 * sum);
    JsonObject *tot = json_object_get_object_member(root, "totals");
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(tot, "latency_s"), sum * 1e-9,
                           1e-6 * sum * 1e-9);
}

static void test_model_with_map(void)
{
    g_autofree char *j = NULL, *err = NULL;
    g_autofree char *csv = g_build_filename(tmpdir, "model.csv", NULL);
    RUN(0, j, err, "simulate", "--engine", "profile", "--arch", devices, "--map", map, "--workload",
        "llama2-7b", "--seq", "32", "--gen", "8", "--layers", "4", "--overlap", "--json", "-",
        "--csv", csv, "--quiet");
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *root = parse(p, j);
    JsonObject *sum = json_object_get_object_member(root, "summary");
    double tps = json_object_get_double_member(sum, "tokens_per_s");
    double dec = json_object_get_double_member(sum, "decode_s");
    CU_ASSERT(tps > 0);
    CU_ASSERT_DOUBLE_EQUAL(tps, 8.0 / dec, 1e-9 * tps);
    CU_ASSERT_TRUE(json_object_has_member(sum, "ttft_s"));
    CU_ASSERT_TRUE(json_object_has_member(sum, "energy_per_token_j"));
    CU_ASSERT_TRUE(json_object_has_member(sum, "decode_power_w"));
    JsonObject *ov = json_object_get_object_member(sum, "overlap");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ov);
    CU_ASSERT(json_object_get_double_member(ov, "ttft_s") <=
              json_object_get_double_member(sum, "ttft_s"));
    JsonObject *model = json_object_get_object_member(root, "model");
    CU_ASSERT_EQUAL(json_object_get_int_member(model, "layers"), 4);
    JsonArray *ops = json_object_get_array_member(root, "ops");
    gboolean q_on_pim = FALSE;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        if (strcmp(json_object_get_string_member(o, "name"), "Q") == 0)
            q_on_pim = strcmp(json_object_get_string_member(o, "device"), "PIM_small") == 0;
    }
    CU_ASSERT_TRUE(q_on_pim);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &text, NULL, NULL));
    CU_ASSERT_TRUE(g_str_has_prefix(text, "phase,op,device,executions,time_ns"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "decode,total,"));
    g_remove(csv);
    /* the summary text, like the profiler's */
    g_autofree char *out = NULL, *e2 = NULL;
    RUN(0, out, e2, "simulate", "--engine", "profile", "--arch", devices, "--map", map,
        "--workload", "llama2-7b", "--seq", "32", "--gen", "8", "--layers", "4", "--overlap");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Generated tokens: 8 in"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tokens/s"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "SUMMARIZATION"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "double-buffered"));
}

static void expect_bad(const char *needle, const char *const *args)
{
    g_autofree char *out = NULL, *err = NULL;
    int st = ts_test_tilesim(args, &out, &err);
    if (st < 0)
        return;
    CU_ASSERT_EQUAL(st, 1);
    if (err == NULL || strstr(err, needle) == NULL)
        fprintf(stderr, "\n  expected '%s' in: %s\n", needle, err ? err : "");
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, needle));
}

static void test_bad_input(void)
{
    const char *base[] = {"simulate", "--engine",   "profile",  "--arch",
                          devices,    "--workload", "bert-base"};
#define BAD(needle, ...)                                                                           \
    do {                                                                                           \
        const char *a_[] = {base[0], base[1], base[2],     base[3], base[4],                       \
                            base[5], base[6], __VA_ARGS__, NULL};                                  \
        expect_bad(needle, a_);                                                                    \
    } while (0)
    BAD("needs a default device", "--seq", "16");
    BAD("unknown device 'GPU'", "--device", "GPU");
    BAD("did you mean", "--device", "GPU-bigg");
    BAD("--budget applies to the analytical engine", "--device", "GPU-big", "--budget", "10");
    BAD("--phase does not apply", "--device", "GPU-big", "--gen", "2", "--phase", "decode");
    BAD("unknown profile mode", "--device", "GPU-big", "--profile-mode", "exactish");
    BAD("no op named", "--device", "GPU-big", "--op", "FF9");
    BAD("map.yaml:4:3: layer_mapping.q_proj", "--map", map); /* no Q in BERT */
    const char *no_dev[] = {"simulate", "--engine", "profile",    "--arch",    "eyeriss-like",
                            "--device", "X",        "--workload", "bert-base", NULL};
    expect_bad("no device_profile level", no_dev);
    const char *vit[] = {"simulate", "--engine",   "profile",  "--arch", devices, "--device",
                         "GPU-big",  "--workload", "vit-base", "--gen",  "2",     NULL};
    expect_bad("vocabulary", vit);
    g_autofree char *prob = g_build_filename(tmpdir, "ff1.prob.yaml", NULL);
    g_assert(g_file_set_contents(prob,
                                 "problem:\n  shape:\n    name: GEMM\n    dimensions: [M, N, K]\n"
                                 "    data-spaces:\n      - {name: Weights, projection: [[[K]], "
                                 "[[N]]]}\n      - {name: Inputs, projection: [[[M]], [[K]]]}\n"
                                 "      - {name: Outputs, projection: [[[M]], [[N]]], read-write: "
                                 "True}\n  instance: {M: 4, N: 8, K: 8}\n",
                                 -1, NULL));
    const char *tl[] = {"simulate", "--engine", "profile",    "--arch", devices,
                        "--device", "GPU-big",  "--workload", prob,     NULL};
    expect_bad("Timeloop problem", tl);
    g_remove(prob);
    const char *ana[] = {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--gen",
                         "2",        NULL};
    expect_bad("must be an autoregressive model", ana);
#undef BAD
}

int main(int argc, char **argv)
{
    g_setenv("TILESIM_WORKLOAD_PATH", "", TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("profile_cli", setup, teardown);
    CU_add_test(s, "layer", test_layer);
    CU_add_test(s, "model with a map", test_model_with_map);
    CU_add_test(s, "bad input", test_bad_input);
    return ts_test_run(argc, argv);
}
