/* Unit tests of the profile engine: the per-op rules (linear roofline, attention in compat and
 * corrected modes, per-element latencies and their defaults, untraced ops, int4), transfer
 * points and MoE points through a layer map, decode with a KV cache growing per token,
 * grouped-query attention and sliding windows, efficiency curves, the double-buffered
 * schedule, map resolution (op names, the profiler's module names, classes) and bad maps.
 * Expected figures are worked out here from the profiler's formulas, not read back. */
#include "ts-profile.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ts-test.h"

static char *tmpdir;

static char *write_file(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* Two devices in the profiler's format with round figures, and a third with int4 and
 * per-element latencies. */
static const char *devices_yaml =
    "DevA:\n"
    "    host_to_device_bw_GBs: 10\n    host_to_device_pj_per_bit: 10\n"
    "    device_to_host_bw_GBs: 20\n    device_to_host_pj_per_bit: 20\n"
    "    mem_bw_GBs: 100\n    mem_pj_per_bit: 1\n"
    "    tflops: 1\n    pj_per_tflop: 0.5e+12\n"
    "Dev_B:\n"
    "    host_to_device_bw_GBs: 5\n    host_to_device_pj_per_bit: 40\n"
    "    device_to_host_bw_GBs: 50\n    device_to_host_pj_per_bit: 4\n"
    "    mem_bw_GBs: 1000\n    mem_pj_per_bit: 2\n"
    "    tflops: 10\n    pj_per_tflop: 0.4e+12\n"
    "DevC:\n"
    "    host_to_device_bw_GBs: 10\n    host_to_device_pj_per_bit: 10\n"
    "    device_to_host_bw_GBs: 10\n    device_to_host_pj_per_bit: 10\n"
    "    mem_bw_GBs: 100\n    mem_pj_per_bit: 1\n"
    "    tflops: 2\n    tflops_int4: 8\n    pj_per_tflop: 0.4e+12\n"
    "    softmax_ns_per_element: 0.1\n    SiLU_ns_per_element: 0.2\n"
    "    RMSNorm_ns_per_element: 0.3\n";

/* Explicit ops: A (M 4, K 8, N 16), B (M 4, K 16, N 8), C (M 4, K 8, N 8), X (count 2,
 * M 4, K 8, N 8), a softmax and a residual add. fp16. */
static const char *ops_yaml =
    "workload:\n  name: chain\n  precision: fp16\n  ops:\n"
    "    - {name: A, dims: {M: 4, N: 16, K: 8}, tensors: [{name: Weights, projection: [K, N]},"
    " {name: Inputs, projection: [M, K]}, {name: Outputs, projection: [M, N], read_write: "
    "true}]}\n"
    "    - {name: B, dims: {M: 4, N: 8, K: 16}, tensors: [{name: Weights, projection: [K, N]},"
    " {name: Inputs, projection: [M, K]}, {name: Outputs, projection: [M, N], read_write: "
    "true}]}\n"
    "    - {name: C, dims: {M: 4, N: 8, K: 8}, tensors: [{name: Weights, projection: [K, N]},"
    " {name: Inputs, projection: [M, K]}, {name: Outputs, projection: [M, N], read_write: "
    "true}]}\n"
    "    - {name: X, count: 2, dims: {M: 4, N: 8, K: 8}, tensors: [{name: Weights, "
    "projection: [K, N]}, {name: Inputs, projection: [M, K]}, {name: Outputs, projection: [M, "
    "N], read_write: true}]}\n"
    "    - {name: sm, kind: softmax, rows: 4, cols: 8, count: 3}\n"
    "    - {name: res, kind: add, rows: 4, cols: 8}\n";

static char *devices_path, *ops_path;

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-profile-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    devices_path = write_file("devices.yaml", devices_yaml);
    ops_path = write_file("chain.yaml", ops_yaml);
    return 0;
}

static int teardown(void)
{
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    g_free(devices_path);
    g_free(ops_path);
    return 0;
}

#define NEAR(got, want) CU_ASSERT_DOUBLE_EQUAL((got), (want), 1e-9 * fabs((double)(want)) + 1e-12)

static TsProfileDevices *devices(void)
{
    TsProfileDevices *d = ts_profile_devices_new();
    g_autoptr(GError) error = NULL;
    gboolean ok = ts_profile_devices_add_file(d, devices_path, &error);
    if (!ok)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_TRUE(ok);
    return d;
}

static TsWorkload *load(const char *name, const TsWorkloadOverrides *ov)
{
    g_autoptr(GError) error = NULL;
    TsWorkload *w = ts_workload_load(name, ov, &error);
    if (w == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(w);
    return w;
}

static TsProfileMap *map_text(const char *yaml, TsProfileDevices *devs, GError **error)
{
    g_autofree char *p = write_file("map.yaml", yaml);
    return ts_profile_map_load(p, devs, error);
}

static const TsProfileStep *step(const TsProfileLayerResult *r, const char *name)
{
    for (guint i = 0; i < r->n_steps; i++)
        if (strcmp(r->steps[i].op->name, name) == 0)
            return &r->steps[i];
    CU_FAIL("no such step");
    return NULL;
}

/* ---- Per-op rules -------------------------------------------------------------------------- */

static void test_linear_roofline(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    const TsDeviceProfile *a = ts_profile_devices_find(devs, "DevA");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileOpCost c;
    CU_ASSERT_TRUE_FATAL(ts_profile_op_cost(a, ts_workload_find_op(w, "A"), NULL, &opt, &c, NULL));
    NEAR(c.flops, 2.0 * 4 * 8 * 16);
    NEAR(c.weight_bytes, 8 * 16 * 2);
    NEAR(c.compute_ns, 1024.0 / 1e12 * 1e9);
    NEAR(c.mem_ns, 256.0 / 100e9 * 1e9);
    NEAR(c.time_ns, c.mem_ns);
    CU_ASSERT_STRING_EQUAL(c.bound, "memory");
    NEAR(c.energy_compute_pj, 1024 * 0.5);
    NEAR(c.energy_mem_pj, 256 * 8 * 1.0);
    /* on its own: input 4 x 8 in, output 4 x 16 back, 2 bytes each */
    NEAR(c.h2d_ns, 64.0 / 10e9 * 1e9);
    NEAR(c.h2d_pj, 64 * 8 * 10.0);
    NEAR(c.d2h_ns, 128.0 / 20e9 * 1e9);
    NEAR(c.d2h_pj, 128 * 8 * 20.0);
    NEAR(c.eff_compute, 1.0);
    NEAR(c.time_eff_ns, c.time_ns);
}

static void test_per_element_and_untraced(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    const TsOp *sm = ts_workload_find_op(w, "sm"), *res = ts_workload_find_op(w, "res");
    TsProfileOptions compat = {TS_PROFILE_COMPAT, FALSE}, fixed = {TS_PROFILE_CORRECTED, FALSE};
    TsProfileOpCost c;
    /* DevA gives no softmax latency: the profiler's default 0.4 ns per element */
    CU_ASSERT_TRUE(
        ts_profile_op_cost(ts_profile_devices_find(devs, "DevA"), sm, NULL, &compat, &c, NULL));
    NEAR(c.time_ns, 3 * 32 * 0.4);
    NEAR(c.energy_compute_pj, 3 * 32 * 1500 * 0.5);
    NEAR(c.mem_ns, 0.0);
    CU_ASSERT_STRING_EQUAL(c.bound, "per-element");
    CU_ASSERT_TRUE(
        ts_profile_op_cost(ts_profile_devices_find(devs, "DevC"), sm, NULL, &compat, &c, NULL));
    NEAR(c.time_ns, 3 * 32 * 0.1);
    /* residual add: untraced by the profiler; corrected: 1 FLOP per element at peak */
    CU_ASSERT_TRUE(
        ts_profile_op_cost(ts_profile_devices_find(devs, "DevA"), res, NULL, &compat, &c, NULL));
    NEAR(c.time_ns, 0.0);
    NEAR(c.energy_compute_pj, 0.0);
    CU_ASSERT_STRING_EQUAL(c.bound, "untraced");
    CU_ASSERT_TRUE(
        ts_profile_op_cost(ts_profile_devices_find(devs, "DevA"), res, NULL, &fixed, &c, NULL));
    NEAR(c.time_ns, 32.0 / 1e12 * 1e9);
    NEAR(c.energy_compute_pj, 32 * 0.5);
}

/* BERT-base prefill: the profiler's sdpa path charges 2 x batch x query elements per product;
 * corrected mode 2 FLOPs per MAC. */
static void test_attention_flops(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    TsWorkloadOverrides ov = {.seq = 128, .batch = 2, .precision = "bf16"};
    g_autoptr(TsWorkload) w = load("bert-base", &ov);
    const TsTransformerConfig *cfg = ts_workload_transformer_config(w);
    const TsDeviceProfile *b = ts_profile_devices_find(devs, "Dev-B");
    TsProfileOptions compat = {TS_PROFILE_COMPAT, FALSE}, fixed = {TS_PROFILE_CORRECTED, FALSE};
    TsProfileOpCost c;
    const TsOp *ktq = ts_workload_find_op(w, "KTQ"), *vs = ts_workload_find_op(w, "VScores");
    CU_ASSERT_TRUE(ts_profile_op_cost(b, ktq, cfg, &compat, &c, NULL));
    NEAR(c.flops, 2.0 * 2 * (2 * 12 * 128 * 64));
    NEAR(c.kv_bytes, 0.0); /* prefill: nothing loaded */
    CU_ASSERT_TRUE(ts_profile_op_cost(b, vs, cfg, &compat, &c, NULL));
    NEAR(c.flops, 2.0 * 2 * (2 * 12 * 128 * 64));
    CU_ASSERT_TRUE(ts_profile_op_cost(b, ktq, cfg, &fixed, &c, NULL));
    NEAR(c.flops, 2.0 * 128 * 128 * 64 * 12 * 2);
}

static void test_int4_and_mixed_precision(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    const TsDeviceProfile *c4 = ts_profile_devices_find(devs, "DevC");
    const TsDeviceProfile *a = ts_profile_devices_find(devs, "DevA");
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileOpCost c;
    TsWorkloadOverrides ov = {.seq = 16, .precision = "int4"};
    g_autoptr(TsWorkload) w = load("bert-base", &ov);
    const TsOp *ff1 = ts_workload_find_op(w, "FF1");
    CU_ASSERT_TRUE(ts_profile_op_cost(c4, ff1, ts_workload_transformer_config(w), &opt, &c, NULL));
    NEAR(c.weight_bytes, 0.5 * 768 * 3072);
    NEAR(c.peak_flops_per_s, 8e12); /* tflops_int4 */
    NEAR(c.compute_ns, 2.0 * 16 * 768 * 3072 / 8e12 * 1e9);
    NEAR(c.h2d_ns, 0.5 * 16 * 768 / 10e9 * 1e9); /* transfers at 4 bits too */
    /* a device without tflops_int4 keeps its peak */
    CU_ASSERT_TRUE(ts_profile_op_cost(a, ff1, ts_workload_transformer_config(w), &opt, &c, NULL));
    NEAR(c.peak_flops_per_s, 1e12);
    /* int4 weights with fp16 activations compute at the fp16 peak */
    TsWorkloadOverrides ov2 = {.seq = 16, .precision = "w4a16"};
    g_autoptr(TsWorkload) w2 = load("bert-base", &ov2);
    const TsOp *f2 = ts_workload_find_op(w2, "FF1");
    CU_ASSERT_TRUE(ts_profile_op_cost(c4, f2, ts_workload_transformer_config(w2), &opt, &c, NULL));
    NEAR(c.peak_flops_per_s, 2e12);
    NEAR(c.weight_bytes, 0.5 * 768 * 3072);
    NEAR(c.h2d_ns, 2.0 * 16 * 768 / 10e9 * 1e9);
}

/* ---- Transfer points and MoE points -------------------------------------------------------- */

static void test_transfer_points(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsProfileMap) m = map_text("default: DevA\n"
                                         "layer_mapping:\n  B: Dev-B\n  C: Dev-B,t\n  X: Dev-B\n"
                                         "  sm: Dev-B\n  res: Dev-B\n",
                                         devs, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    const TsWorkload *parts[] = {w};
    CU_ASSERT_TRUE_FATAL(ts_profile_map_check(m, parts, 1, parts, 1, &error));
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileLayerResult r;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_layer(w, m, NULL, &opt, &r, &error));
    /* A: its input comes from the host to DevA; nothing leaves a device yet */
    const TsProfileStep *a = step(&r, "A");
    NEAR(a->xfer_h2d_bytes, 64);
    NEAR(a->xfer_h2d_ns, 64 / 10e9 * 1e9);
    NEAR(a->xfer_d2h_bytes, 0);
    CU_ASSERT_STRING_EQUAL(a->xfer_reason, "from host");
    /* B: another device: its input (4 x 16 x 2 B) leaves DevA (20 GB/s) and enters Dev_B
     * (5 GB/s) */
    const TsProfileStep *b = step(&r, "B");
    NEAR(b->xfer_d2h_bytes, 128);
    NEAR(b->xfer_d2h_ns, 128 / 20e9 * 1e9);
    NEAR(b->xfer_d2h_pj, 128 * 8 * 20.0);
    NEAR(b->xfer_h2d_ns, 128 / 5e9 * 1e9);
    NEAR(b->xfer_h2d_pj, 128 * 8 * 40.0);
    CU_ASSERT_STRING_EQUAL(b->xfer_reason, "device change");
    /* C: same device, transfer point: Dev_B -> host -> Dev_B */
    const TsProfileStep *c = step(&r, "C");
    NEAR(c->xfer_d2h_ns, 64 / 50e9 * 1e9);
    NEAR(c->xfer_h2d_ns, 64 / 5e9 * 1e9);
    CU_ASSERT_STRING_EQUAL(c->xfer_reason, "transfer point ('t')");
    /* X, sm, res stay on Dev_B: no transfer */
    NEAR(step(&r, "X")->xfer_h2d_ns + step(&r, "X")->xfer_d2h_ns, 0.0);
    /* the last output (res: 4 x 8 x 2 B) returns from Dev_B */
    NEAR(r.return_bytes, 64);
    NEAR(r.return_ns, 64 / 50e9 * 1e9);
    /* totals: op times plus every transfer, nothing overlapped */
    double sum = r.return_ns;
    for (guint i = 0; i < r.n_steps; i++)
        sum += r.steps[i].cost.time_ns + r.steps[i].xfer_h2d_ns + r.steps[i].xfer_d2h_ns;
    NEAR(r.total.time_ns, sum);
    NEAR(r.total.h2d_bytes, 64 + 128 + 64);
    NEAR(r.total.d2h_bytes, 128 + 64 + 64);
    ts_profile_layer_result_clear(&r);
}

static void test_moe_points(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    const TsWorkload *parts[] = {w};
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    g_autoptr(GError) error = NULL;
    /* 'm': the two experts share their input: one instance (4 x 8 x 2 B) crosses */
    g_autoptr(TsProfileMap) m = map_text("default: DevA\nlayer_mapping:\n  X: Dev-B,m\n"
                                         "moe_end: X\nexperts_per_token: 2\n",
                                         devs, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_TRUE_FATAL(ts_profile_map_check(m, parts, 1, parts, 1, &error));
    TsProfileLayerResult r;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_layer(w, m, NULL, &opt, &r, &error));
    const TsProfileStep *x = step(&r, "X");
    NEAR(x->xfer_h2d_bytes, 64);
    /* D2H: its input from DevA, then moe_end returns the other expert's output (64 B) */
    NEAR(x->xfer_d2h_bytes, 64 + 64);
    NEAR(x->xfer_d2h_ns, 64 / 20e9 * 1e9 + 64 / 50e9 * 1e9);
    CU_ASSERT_STRING_EQUAL(x->xfer_reason, "transfer, then moe_end return");
    ts_profile_layer_result_clear(&r);
    /* 't': each expert pays its own input */
    g_autoptr(TsProfileMap) t =
        map_text("default: DevA\nlayer_mapping:\n  X: Dev-B,t\n", devs, &error);
    CU_ASSERT_TRUE_FATAL(ts_profile_run_layer(w, t, NULL, &opt, &r, &error));
    NEAR(step(&r, "X")->xfer_h2d_bytes, 128);
    NEAR(step(&r, "X")->xfer_d2h_bytes, 128);
    ts_profile_layer_result_clear(&r);
    /* 'm' on the op's own device (no change): still sent once, from the device itself */
    g_autoptr(TsProfileMap) s =
        map_text("default: DevA\nlayer_mapping:\n  X: DevA,m\n", devs, &error);
    CU_ASSERT_TRUE_FATAL(ts_profile_run_layer(w, s, NULL, &opt, &r, &error));
    NEAR(step(&r, "X")->xfer_h2d_bytes, 64);
    CU_ASSERT_STRING_EQUAL(step(&r, "X")->xfer_reason, "MoE transfer point ('m')");
    ts_profile_layer_result_clear(&r);
}

/* ---- Whole models: decode with a growing KV cache ------------------------------------------ */

static void test_decode_growing_kv(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 16, .precision = "bf16"};
    g_autoptr(TsWorkload) w = load("llama2-7b", &ov);
    g_autoptr(TsProfileMap) m = ts_profile_map_new("DevA", devs, &error);
    TsProfileModelSpec spec = {ts_workload_transformer_config(w), 2, 4};
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileModelResult r;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&spec, m, &opt, &r, &error));
    CU_ASSERT_EQUAL(r.prefill.forwards, 1);
    CU_ASSERT_EQUAL(r.decode.forwards, 4);
    CU_ASSERT_EQUAL(r.layers, 2);
    /* step d attends to 16 + d keys: K and V of 32 heads x 128, 2 bytes, 2 layers */
    double rows = 17 + 18 + 19 + 20;
    double kv = 2.0 /* K and V */ * 2 /* layers */ * 2.0 * 32 * 128 * rows;
    NEAR(r.decode.kv_ns, kv / 100e9 * 1e9);
    NEAR(r.prefill.kv_ns, 0.0);
    /* decode: weights of every projection and the LM head once per step */
    double w_per_step = 2.0 * 2 * (4 * 4096.0 * 4096 + 3 * 4096.0 * 11008) + 2.0 * 4096 * 32000;
    /* plus the 1x1 "weight" (2 B) the profiler's generic layer reads for rope and the
     * embedding */
    NEAR(r.decode.mem_ns,
         4 * w_per_step / 100e9 * 1e9 + 4 * 2 * 2.0 / 100e9 * 1e9 + 4 * 2.0 / 100e9 * 1e9);
    /* tokens/s = generated tokens / decode time; TTFT = prefill time */
    NEAR(r.tokens_per_s, 4.0 / (r.decode.time_ns * 1e-9));
    NEAR(r.ttft_s, r.prefill.time_ns * 1e-9);
    NEAR(r.energy_per_token_j, ts_profile_phase_energy_pj(&r.decode) * 1e-12 / 4);
    /* the profiler's end of run: the LM head input (1 x 4096 x 2 B) x 5 forwards */
    NEAR(r.end_bytes, 5 * 4096 * 2.0);
    ts_profile_model_result_clear(&r);

    /* corrected: the KV cache at the activation precision (int8: 1 byte) */
    TsWorkloadOverrides ov8 = {.seq = 16, .precision = "int8"};
    g_autoptr(TsWorkload) w8 = load("llama2-7b", &ov8);
    TsProfileModelSpec s8 = {ts_workload_transformer_config(w8), 2, 4};
    TsProfileOptions fixed = {TS_PROFILE_CORRECTED, FALSE};
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&s8, m, &fixed, &r, &error));
    NEAR(r.decode.kv_ns, kv / 2 / 100e9 * 1e9);
    NEAR(r.end_bytes, 0.0);
    ts_profile_model_result_clear(&r);
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&s8, m, &opt, &r, &error));
    NEAR(r.decode.kv_ns, kv / 100e9 * 1e9); /* compat: 2 bytes whatever the type */
    ts_profile_model_result_clear(&r);
}

/* Grouped-query attention (Llama 3: 8 KV heads for 32 query heads) and Mistral's window. */
static void test_gqa_and_window(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    TsWorkloadOverrides ov = {.phase = "decode", .kv_len = 100, .precision = "bf16"};
    g_autoptr(TsWorkload) w = load("llama3-8b", &ov);
    const TsOp *k = ts_workload_find_op(w, "K"), *ktq = ts_workload_find_op(w, "KTQ");
    CU_ASSERT_EQUAL(k->dims[ts_op_find_dim(k, "D")], 8 * 128);
    CU_ASSERT_EQUAL(ktq->count, 8);
    CU_ASSERT_EQUAL(ktq->dims[ts_op_find_dim(ktq, "L")], 4); /* the group's 4 queries */
    CU_ASSERT_EQUAL(ktq->dims[ts_op_find_dim(ktq, "D")], 100);
    CU_ASSERT_EQUAL(ktq->macs * ktq->count, 32u * 100 * 128); /* as many MACs as MHA */
    const TsDeviceProfile *a = ts_profile_devices_find(devs, "DevA");
    TsProfileOptions compat = {TS_PROFILE_COMPAT, FALSE}, fixed = {TS_PROFILE_CORRECTED, FALSE};
    TsProfileOpCost c;
    CU_ASSERT_TRUE(
        ts_profile_op_cost(a, ktq, ts_workload_transformer_config(w), &compat, &c, NULL));
    NEAR(c.kv_bytes, 2.0 * 8 * 100 * 128);       /* K of the 8 KV heads only */
    NEAR(c.time_ns, MAX(c.compute_ns, c.kv_ns)); /* load overlapped with the product */
    /* Mistral: 4096-key window; the profiler loads the window's rows even for a shorter
     * cache, corrected mode the keys actually cached */
    TsWorkloadOverrides mo = {.phase = "decode", .kv_len = 1000, .precision = "bf16"};
    g_autoptr(TsWorkload) mw = load("mistral-7b", &mo);
    const TsOp *mk = ts_workload_find_op(mw, "KTQ");
    CU_ASSERT_TRUE(
        ts_profile_op_cost(a, mk, ts_workload_transformer_config(mw), &compat, &c, NULL));
    NEAR(c.kv_bytes, 2.0 * 8 * 4096 * 128);
    CU_ASSERT_TRUE(ts_profile_op_cost(a, mk, ts_workload_transformer_config(mw), &fixed, &c, NULL));
    NEAR(c.kv_bytes, 2.0 * 8 * 1000 * 128);
    TsWorkloadOverrides lo = {.phase = "decode", .kv_len = 9000, .precision = "bf16"};
    g_autoptr(TsWorkload) lw = load("mistral-7b", &lo);
    const TsOp *lk = ts_workload_find_op(lw, "KTQ");
    CU_ASSERT_EQUAL(lk->dims[ts_op_find_dim(lk, "D")], 4096);
}

/* ---- Past the limits ------------------------------------------------------------------------ */

static void test_efficiency_curves(void)
{
    g_autofree char *arch = write_file(
        "eff.yaml", "architecture:\n  name: eff\n  clock: 1GHz\n  levels:\n"
                    "    - name: DevE\n      class: device_profile\n      attributes:\n"
                    "        host_to_device_bandwidth: 10GB/s\n"
                    "        host_to_device_energy_per_bit: 10pJ/bit\n"
                    "        device_to_host_bandwidth: 10GB/s\n"
                    "        device_to_host_energy_per_bit: 10pJ/bit\n"
                    "        memory_bandwidth: 100GB/s\n        memory_energy_per_bit: 1pJ/bit\n"
                    "        tflops: 1\n        energy_per_flop: 0.5pJ\n"
                    "        compute_efficiency: {by: M, points: [[1, 0.1], [64, 0.5], "
                    "[1024, 0.8]]}\n"
                    "        memory_efficiency: {by: bytes, points: [[100, 0.5], [10000, "
                    "0.9]]}\n");
    g_autoptr(TsProfileDevices) devs = ts_profile_devices_new();
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_profile_devices_add_file(devs, arch, &error));
    const TsDeviceProfile *e = ts_profile_devices_find(devs, "DevE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    /* log-linear between points, flat outside */
    NEAR(ts_efficiency_at(&e->compute_efficiency, 8), 0.1 + 0.5 * 0.4);
    NEAR(ts_efficiency_at(&e->compute_efficiency, 0.5), 0.1);
    NEAR(ts_efficiency_at(&e->compute_efficiency, 4096), 0.8);
    NEAR(ts_efficiency_at(&e->memory_efficiency, 1000), 0.7);
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileOpCost c;
    /* A: M 4 -> compute 0.1 + 0.4 x log(4)/log(64); 256 weight bytes -> memory 0.5 + 0.4 x
     * log(2.56)/log(100) */
    CU_ASSERT_TRUE(ts_profile_op_cost(e, ts_workload_find_op(w, "A"), NULL, &opt, &c, NULL));
    double ec = 0.1 + 0.4 * log(4.0) / log(64.0), em = 0.5 + 0.4 * log(2.56) / log(100.0);
    NEAR(c.eff_compute, ec);
    NEAR(c.eff_memory, em);
    NEAR(c.time_eff_ns, MAX(c.compute_ns / ec, c.mem_ns / em));
    NEAR(c.time_ns, MAX(c.compute_ns, c.mem_ns)); /* the profiler's figure is unchanged */
    /* per-element latencies are measured figures: no curve */
    CU_ASSERT_TRUE(ts_profile_op_cost(e, ts_workload_find_op(w, "sm"), NULL, &opt, &c, NULL));
    NEAR(c.time_eff_ns, c.time_ns);
}

static void test_overlap_schedule(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = load(ops_path, NULL);
    g_autoptr(TsProfileMap) m = ts_profile_map_new("DevA", devs, &error);
    TsProfileOptions opt = {TS_PROFILE_COMPAT, TRUE};
    /* One op of 4 rows from the host: H2D h and compute c in 4 chunks, then the return r. */
    TsProfileLayerResult r;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_layer(w, m, "A", &opt, &r, &error));
    double h = r.steps[0].xfer_h2d_ns, c = r.steps[0].cost.time_ns, ret = r.return_ns;
    double t_h = 0, t_c = 0;
    for (int k = 0; k < 4; k++) {
        t_h += h / 4;
        t_c = MAX(t_c, t_h) + c / 4;
    }
    NEAR(r.total.overlap_ns, t_c + ret);
    NEAR(r.total.time_ns, h + c + ret);
    CU_ASSERT(r.total.overlap_ns < r.total.time_ns);
    NEAR(r.total.overlap_eff_ns, r.total.overlap_ns); /* no curves */
    ts_profile_layer_result_clear(&r);

    /* Decode at batch 1 (one row per op): every op waits for its whole input, so the
     * schedule equals the profiler's sum. */
    TsWorkloadOverrides ov = {.seq = 8, .precision = "bf16"};
    g_autoptr(TsWorkload) l = load("llama2-7b", &ov);
    g_autoptr(TsProfileMap) mm =
        map_text("default: DevA\nlayer_mapping:\n  linear: Dev-B,t\n", devs, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mm);
    TsProfileModelSpec spec = {ts_workload_transformer_config(l), 2, 3};
    TsProfileModelResult mr;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&spec, mm, &opt, &mr, &error));
    NEAR(mr.decode.overlap_ns, mr.decode.time_ns);
    /* prefill streams 8 rows: transfers hide behind the other device's compute */
    CU_ASSERT(mr.prefill.overlap_ns < mr.prefill.time_ns);
    CU_ASSERT(mr.prefill.overlap_ns > 0.5 * mr.prefill.time_ns);
    ts_profile_model_result_clear(&mr);
}

/* ---- Maps ------------------------------------------------------------------------------------ */

static void test_map_resolution(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 8};
    g_autoptr(TsWorkload) w = load("llama2-7b", &ov);
    /* the profiler's module names, its RMSNorm class key, a tilesim class, an op name
     * beating its class */
    g_autoptr(TsProfileMap) m = map_text("default: DevA\nlayer_mapping:\n  q_proj: Dev-B,t\n"
                                         "  LlamaRMSNorm: DevC,t\n  linear: Dev-B\n"
                                         "  down: DevC\n  lm_head: DevC\n",
                                         devs, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    const TsWorkload *run[] = {w};
    g_autoptr(TsWorkload) head =
        ts_transformer_build_head("head", ts_workload_transformer_config(w), &error);
    const TsWorkload *all[] = {w, head};
    CU_ASSERT_TRUE_FATAL(ts_profile_map_check(m, run, 1, all, 2, &error));
    /* lm_head is not in a layer: a note, not an error */
    const char *const *notes = ts_profile_map_notes(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(notes[0]);
    CU_ASSERT_PTR_NOT_NULL(strstr(notes[0], "lm_head"));
    TsProfilePlacement p = ts_profile_map_place(m, ts_workload_find_op(w, "Q"));
    CU_ASSERT_STRING_EQUAL(p.device->name, "Dev_B");
    CU_ASSERT_TRUE(p.transfer);
    p = ts_profile_map_place(m, ts_workload_find_op(w, "K"));
    CU_ASSERT_STRING_EQUAL(p.device->name, "Dev_B");
    CU_ASSERT_FALSE(p.transfer);
    p = ts_profile_map_place(m, ts_workload_find_op(w, "down"));
    CU_ASSERT_STRING_EQUAL(p.device->name, "DevC");
    p = ts_profile_map_place(m, ts_workload_find_op(w, "ffn_norm"));
    CU_ASSERT_STRING_EQUAL(p.device->name, "DevC");
    CU_ASSERT_TRUE(p.transfer);
    p = ts_profile_map_place(m, ts_workload_find_op(w, "softmax"));
    CU_ASSERT_STRING_EQUAL(p.device->name, "DevA");
}

static void expect_map_error(TsProfileDevices *devs, const char *yaml, TsConfigError code,
                             const char *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsProfileMap) m = map_text(yaml, devs, &error);
    if (m != NULL) {
        g_autoptr(TsWorkload) w = load(ops_path, NULL);
        const TsWorkload *parts[] = {w};
        CU_ASSERT_FALSE(ts_profile_map_check(m, parts, 1, parts, 1, &error));
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, (gint)code));
    if (strstr(error->message, needle) == NULL)
        fprintf(stderr, "\n  expected '%s' in: %s\n", needle, error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
}

static void test_map_errors(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    expect_map_error(devs, "default: DevA\nlayer_mapping:\n  Bx: DevA\n", TS_CONFIG_ERROR_REFERENCE,
                     "map.yaml:3:3: layer_mapping.Bx");
    expect_map_error(devs, "default: DevA\nlayer_mapping:\n  Bx: DevA\n", TS_CONFIG_ERROR_REFERENCE,
                     "did you mean");
    expect_map_error(devs, "default: DevA\nlayer_mapping:\n  B: DevZ\n", TS_CONFIG_ERROR_REFERENCE,
                     "unknown device 'DevZ'");
    expect_map_error(devs, "default: DevA\nlayer_mapping:\n  B: DevA,x\n", TS_CONFIG_ERROR_INVALID,
                     "unknown option 'x'");
    expect_map_error(devs, "default: HOST\nlayer_mapping: {}\n", TS_CONFIG_ERROR_REFERENCE,
                     "HOST placeholder");
    expect_map_error(devs, "default: DevA\n", TS_CONFIG_ERROR_MISSING, "layer_mapping");
    expect_map_error(devs, "default: DevA\nlayer_mapping: {}\nexperts_per_token: 2\n",
                     TS_CONFIG_ERROR_INVALID, "without moe_end");
    expect_map_error(devs, "default: DevA\nlayer_mapping: {}\nmoe_end: nope\n",
                     TS_CONFIG_ERROR_REFERENCE, "moe_end: no op");
    expect_map_error(devs, "layer_mapping:\n  B: DevA\n", TS_CONFIG_ERROR_MISSING,
                     "no default device");
    expect_map_error(devs, "default: DevA\nlayer_mapping: {}\ndevice: x\n",
                     TS_CONFIG_ERROR_UNKNOWN_KEY, "devices");
    expect_map_error(devs, "default: DevA\nlayer_mapping:\n  rmsnorm: DevA\n",
                     TS_CONFIG_ERROR_REFERENCE, "no op of class rmsnorm");
    /* a device file listed twice defines its devices twice */
    g_autofree char *twice =
        g_strdup_printf("default: DevA\ndevices: [%s]\nlayer_mapping: {}\n", devices_path);
    expect_map_error(devs, twice, TS_CONFIG_ERROR_DUPLICATE, "already defined");
    /* an architecture without device profiles */
    g_autoptr(GError) error = NULL;
    g_autoptr(TsProfileDevices) d2 = ts_profile_devices_new();
    CU_ASSERT_FALSE(ts_profile_devices_add_file(d2, "eyeriss-like", &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID));
    /* LUT-NN ops have no rule */
    g_clear_error(&error);
    g_autoptr(TsWorkload) lut = load("bert-base-lut", NULL);
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsProfileOpCost c;
    CU_ASSERT_FALSE(ts_profile_op_cost(ts_profile_devices_find(devs, "DevA"),
                                       ts_workload_find_op(lut, "FF1"), NULL, &opt, &c, &error));
    CU_ASSERT_PTR_NOT_NULL(error);
}

static void test_determinism(void)
{
    g_autoptr(TsProfileDevices) devs = devices();
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 32, .batch = 2};
    g_autoptr(TsWorkload) w = load("mistral-7b", &ov);
    g_autoptr(TsProfileMap) m =
        map_text("default: DevA\nlayer_mapping:\n  attention: Dev-B,t\n", devs, &error);
    TsProfileModelSpec spec = {ts_workload_transformer_config(w), 3, 5};
    TsProfileOptions opt = {TS_PROFILE_CORRECTED, TRUE};
    TsProfileModelResult a, b;
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&spec, m, &opt, &a, &error));
    CU_ASSERT_TRUE_FATAL(ts_profile_run_model(&spec, m, &opt, &b, &error));
    CU_ASSERT_EQUAL(memcmp(&a.prefill, &b.prefill, sizeof a.prefill), 0);
    CU_ASSERT_EQUAL(memcmp(&a.decode, &b.decode, sizeof a.decode), 0);
    CU_ASSERT_EQUAL(a.n_ops, b.n_ops);
    /* the phase is the sum of the per-op summaries plus, in corrected mode, the logits
     * returned after each forward (batch 2 x 32,000 x 2 B from DevA at 20 GB/s) */
    double t = 0;
    for (guint i = 0; i < a.n_ops; i++)
        t += a.ops[i].decode.time_ns;
    NEAR(a.decode.time_ns - t, 5 * (2 * 32000 * 2.0) / 20e9 * 1e9);
    ts_profile_model_result_clear(&a);
    ts_profile_model_result_clear(&b);
}

int main(int argc, char **argv)
{
    g_setenv("TILESIM_WORKLOAD_PATH", "", TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("profile", setup, teardown);
    CU_add_test(s, "linear roofline", test_linear_roofline);
    CU_add_test(s, "per-element and untraced ops", test_per_element_and_untraced);
    CU_add_test(s, "attention FLOPs", test_attention_flops);
    CU_add_test(s, "int4 and mixed precision", test_int4_and_mixed_precision);
    CU_add_test(s, "transfer points", test_transfer_points);
    CU_add_test(s, "MoE points", test_moe_points);
    CU_add_test(s, "decode with a growing KV cache", test_decode_growing_kv);
    CU_add_test(s, "GQA and sliding window", test_gqa_and_window);
    CU_add_test(s, "efficiency curves", test_efficiency_curves);
    CU_add_test(s, "double-buffered schedule", test_overlap_schedule);
    CU_add_test(s, "map resolution", test_map_resolution);
    CU_add_test(s, "map errors", test_map_errors);
    CU_add_test(s, "determinism", test_determinism);
    return ts_test_run(argc, argv);
}
