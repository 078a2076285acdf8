/* Unit tests of the workloads module: precisions and presets, the transformer builders
 * (shapes, decode, LUT-NN, einsum form of nonlinear ops), explicit-op files, Timeloop problem
 * forms written inline, and one test per bad-input case checking the error message and its
 * file:line:col. */
#include "ts-workload.h"

#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>

#include "ts-test.h"

/* ---- Helpers ---- */

static char *tmp_dir;

/* Writes text to a fresh file in the test's temp dir; returns its path (owned). */
static char *write_file(const char *name, const char *text)
{
    char *path = g_build_filename(tmp_dir, name, NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

/* text with the first occurrence of old replaced by new (owned). */
static char *subst(const char *text, const char *old, const char *new_text)
{
    const char *p = strstr(text, old);
    g_assert(p != NULL);
    return g_strdup_printf("%.*s%s%s", (int)(p - text), text, new_text, p + strlen(old));
}

/* Loads text as a workload file; returns the workload or NULL with *message set. */
static TsWorkload *load_text(const char *name, const char *text, const TsWorkloadOverrides *ov,
                             char **message)
{
    g_autofree char *path = write_file(name, text);
    GError *error = NULL;
    TsWorkload *w = ts_workload_load(path, ov, &error);
    if (w == NULL) {
        CU_ASSERT_PTR_NOT_NULL(error);
        if (error)
            CU_ASSERT_EQUAL(error->domain, TS_CONFIG_ERROR);
        if (message)
            *message = g_strdup(error ? error->message : "");
        g_clear_error(&error);
    }
    return w;
}

/* Asserts text fails to load with a message containing every NULL-terminated fragment. */
static void expect_error(const char *name, const char *text, const TsWorkloadOverrides *ov, ...)
{
    char *message = NULL;
    TsWorkload *w = load_text(name, text, ov, &message);
    CU_ASSERT_PTR_NULL(w);
    ts_workload_free(w);
    if (message == NULL)
        return;
    va_list ap;
    va_start(ap, ov);
    const char *frag;
    while ((frag = va_arg(ap, const char *)) != NULL) {
        if (strstr(message, frag) == NULL) {
            fprintf(stderr, "\n  message: %s\n  missing: %s\n", message, frag);
            CU_FAIL("error message lacks an expected fragment");
        }
    }
    va_end(ap);
    g_free(message);
}

static const char *gemm_problem = "problem:\n"
                                  "  shape:\n"
                                  "    name: GEMM\n"
                                  "    dimensions: [M, N, K]\n"
                                  "    data-spaces:\n"
                                  "      - name: Weights\n"
                                  "        projection: [[[K]], [[N]]]\n"
                                  "      - name: Inputs\n"
                                  "        projection: [[[M]], [[K]]]\n"
                                  "      - name: Outputs\n"
                                  "        projection: [[[M]], [[N]]]\n"
                                  "        read-write: True\n"
                                  "  instance: {M: 128, N: 768, K: 768}\n";

/* ---- Precisions ---- */

static void test_precision_names(void)
{
    static const char *const names[] = {"int1",     "int2",     "int4",  "int8",  "int16",
                                        "int32",    "uint1",    "uint2", "uint4", "uint8",
                                        "uint16",   "uint32",   "fp16",  "fp32",  "bf16",
                                        "fp8_e4m3", "fp8_e5m2", "nf4",   NULL};
    for (guint i = 0; names[i]; i++) {
        TsPrecision p;
        CU_ASSERT_TRUE(ts_precision_parse(names[i], &p, NULL));
        CU_ASSERT_STRING_EQUAL(ts_precision_name(p), names[i]);
    }
    TsPrecision p;
    CU_ASSERT_TRUE(ts_precision_parse("E4M3", &p, NULL));
    CU_ASSERT_EQUAL(p.bits, 8);
    CU_ASSERT_EQUAL(p.format, TS_NUM_FP8_E4M3);
    CU_ASSERT_STRING_EQUAL(ts_precision_name((TsPrecision){12, TS_NUM_INT}), "invalid");
    GError *error = NULL;
    CU_ASSERT_FALSE(ts_precision_parse("fp8", &p, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "fp8_e4m3 or fp8_e5m2"));
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_precision_parse("int7", &p, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "(got 'int7')"));
    g_clear_error(&error);
}

static void test_precision_presets(void)
{
    TsPrecisionSet s;
    CU_ASSERT_TRUE(ts_precision_preset("int8", &s, NULL));
    CU_ASSERT_STRING_EQUAL(ts_precision_name(s.weights), "int8");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(s.activations), "int8");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(s.outputs), "int32");
    CU_ASSERT_TRUE(ts_precision_preset("w4a16", &s, NULL));
    CU_ASSERT_STRING_EQUAL(ts_precision_name(s.weights), "int4");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(s.activations), "fp16");
    CU_ASSERT_TRUE(ts_precision_preset("w1a8", &s, NULL));
    CU_ASSERT_EQUAL(s.weights.bits, 1);
    const char *const *names = ts_precision_preset_names();
    for (guint i = 0; names[i]; i++)
        CU_ASSERT_TRUE(ts_precision_preset(names[i], &s, NULL));
    GError *error = NULL;
    CU_ASSERT_FALSE(ts_precision_preset("w4a17", &s, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'w4a16'"));
    g_clear_error(&error);
}

/* The MAC energy table (docs/energy.md): Horowitz ISSCC 2014 at 45 nm for int8, int32, fp16
 * and fp32; other formats scaled from it; weight-only quantization dequantizes per MAC. */
static void test_precision_energies(void)
{
    const TsPrecision i4 = {4, TS_NUM_INT}, i8 = {8, TS_NUM_INT}, i32 = {32, TS_NUM_INT};
    const TsPrecision h = {16, TS_NUM_FP}, f = {32, TS_NUM_FP}, b = {16, TS_NUM_BF16};
    const TsPrecision e4 = {8, TS_NUM_FP8_E4M3};
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mac_pj_45nm(i8, i8, i32, NULL, 0), 0.2 + 0.1, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mac_pj_45nm(h, h, h, NULL, 0), 1.1 + 0.4, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mac_pj_45nm(f, f, f, NULL, 0), 3.7 + 0.9, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mac_pj_45nm(i4, i4, i32, NULL, 0), 0.05 + 0.1, 1e-12);
    /* bf16 (8-bit significand) and fp8 e4m3 (4-bit) from fp16's 11 bits */
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mul_pj_45nm(b, b), 1.1 * 64.0 / 121.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mul_pj_45nm(e4, e4), 1.1 * 16.0 / 121.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_add_pj_45nm(b), 0.4 * 8.0 / 11.0, 1e-12);
    /* W4A16: dequantize the int4 weight to fp16 (one fp16 multiply), then the fp16 MAC */
    char how[160];
    CU_ASSERT_DOUBLE_EQUAL(ts_precision_mac_pj_45nm(i4, h, h, how, sizeof how), 1.1 + 1.5, 1e-12);
    CU_ASSERT_PTR_NOT_NULL(strstr(how, "dequantize int4 to fp16"));
    /* ordering the presets must respect */
    CU_ASSERT_TRUE(ts_precision_mac_pj_45nm(i8, i8, i32, NULL, 0) <
                   ts_precision_mac_pj_45nm(e4, e4, b, NULL, 0));
    CU_ASSERT_TRUE(ts_precision_mac_pj_45nm(e4, e4, b, NULL, 0) <
                   ts_precision_mac_pj_45nm(b, b, b, NULL, 0));
    CU_ASSERT_TRUE(ts_precision_mac_pj_45nm(b, b, b, NULL, 0) <
                   ts_precision_mac_pj_45nm(h, h, h, NULL, 0));
}

/* ---- Builders ---- */

static void test_bert_base_layer(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    static const char *const order[] = {"KQV",  "KTQ",      "softmax",   "VScores",
                                        "Out",  "residual", "layernorm", "FF1",
                                        "gelu", "FF2",      "residual",  "layernorm"};
    CU_ASSERT_EQUAL_FATAL(ts_workload_n_ops(w), G_N_ELEMENTS(order));
    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        CU_ASSERT_STRING_EQUAL(ts_workload_op(w, i)->name, order[i]);
    CU_ASSERT_EQUAL(ts_workload_total_macs(w), G_GUINT64_CONSTANT(931135488));
    /* GELU over the FF1 output; each residual add reads the sublayer output and the residual
     * and writes their sum: 3 x 128 x 768 fp16 values. */
    const TsOp *gelu = ts_workload_find_op(w, "gelu");
    CU_ASSERT_EQUAL(gelu->kind, TS_OP_ELEMENTWISE);
    CU_ASSERT_EQUAL(gelu->ew_kind, TS_EW_GELU);
    CU_ASSERT_EQUAL(gelu->elements, 128u * 3072u);
    const TsOp *res = ts_workload_find_op(w, "residual");
    CU_ASSERT_EQUAL(res->ew_kind, TS_EW_ADD);
    CU_ASSERT_EQUAL(res->elements, 128u * 768u);
    CU_ASSERT_EQUAL(res->n_tensors, 3);
    CU_ASSERT_EQUAL(ts_op_bytes(res), 3u * 128u * 768u * 2u);
    CU_ASSERT_EQUAL(res->param_elements, 0);
    const TsOp *kqv = ts_workload_find_op(w, "KQV");
    CU_ASSERT_EQUAL(kqv->macs, G_GUINT64_CONSTANT(226492416));
    CU_ASSERT_EQUAL(kqv->dims[ts_op_find_dim(kqv, "D")], 2304);
    CU_ASSERT_EQUAL(kqv->dims[ts_op_find_dim(kqv, "E")], 768);
    CU_ASSERT_EQUAL(kqv->dims[ts_op_find_dim(kqv, "L")], 128);
    CU_ASSERT_EQUAL(ts_op_find_tensor(kqv, "Weights"), 0);
    CU_ASSERT_EQUAL(kqv->output, 2);
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(kqv, 0), 768u * 2304u * 2u); /* fp16 */
    CU_ASSERT_EQUAL(kqv->param_elements, 768u * 2304u);
    const TsOp *ktq = ts_workload_find_op(w, "KTQ");
    CU_ASSERT_EQUAL(ktq->count, 12);
    CU_ASSERT_EQUAL(ktq->macs, 128u * 128u * 64u);
    CU_ASSERT_EQUAL(ktq->param_elements, 0);
    const TsOp *sm = ts_workload_find_op(w, "softmax");
    CU_ASSERT_EQUAL(sm->kind, TS_OP_ELEMENTWISE);
    CU_ASSERT_EQUAL(sm->ew_kind, TS_EW_SOFTMAX);
    CU_ASSERT_EQUAL(sm->elements, 128u * 128u);
    CU_ASSERT_EQUAL(sm->passes, 2);
    CU_ASSERT_EQUAL(sm->macs, 0);
    const TsOp *ln = ts_workload_find_op(w, "layernorm");
    CU_ASSERT_EQUAL(ln->passes, 3);
    CU_ASSERT_EQUAL(ln->param_elements, 1536);
    /* Arithmetic intensity: MACs / compulsory bytes. */
    double bytes = 2.0 * (768 * 2304 + 768 * 128 + 2304 * 128);
    CU_ASSERT_DOUBLE_EQUAL(ts_op_intensity(kqv), 226492416.0 / bytes, 1e-9);
    const TsTransformerConfig *cfg = ts_workload_transformer_config(w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    CU_ASSERT_EQUAL(cfg->layers, 12);
    CU_ASSERT_STRING_EQUAL(cfg->precision_name, "fp16");
    CU_ASSERT_EQUAL(ts_workload_source(w), TS_WORKLOAD_SOURCE_MODEL);
}

static void test_overrides(void)
{
    TsWorkloadOverrides ov = {.seq = 512, .batch = 2, .precision = "int8"};
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *kqv = ts_workload_find_op(w, "KQV");
    CU_ASSERT_EQUAL(kqv->dims[ts_op_find_dim(kqv, "L")], 1024); /* seq x batch */
    CU_ASSERT_STRING_EQUAL(ts_precision_name(kqv->tensors[0].precision), "int8");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(kqv->tensors[2].precision), "int32");
    const TsOp *ktq = ts_workload_find_op(w, "KTQ");
    CU_ASSERT_EQUAL(ktq->count, 24); /* heads x batch */
    CU_ASSERT_EQUAL(ktq->dims[ts_op_find_dim(ktq, "L")], 512);
    CU_ASSERT_STRING_EQUAL(ts_precision_name(ktq->tensors[0].precision), "int8");
    CU_ASSERT_EQUAL(ts_workload_transformer_config(w)->seq, 512);
}

static void test_decode(void)
{
    TsWorkloadOverrides ov = {.phase = "decode", .kv_len = 1000, .batch = 4};
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_workload_load("gpt2-small", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *kqv = ts_workload_find_op(w, "KQV");
    CU_ASSERT_EQUAL(kqv->dims[ts_op_find_dim(kqv, "L")], 4);
    const TsOp *ktq = ts_workload_find_op(w, "KTQ");
    CU_ASSERT_EQUAL(ktq->dims[ts_op_find_dim(ktq, "D")], 1000);
    CU_ASSERT_EQUAL(ktq->dims[ts_op_find_dim(ktq, "L")], 1);
    CU_ASSERT_EQUAL(ktq->count, 48);
    const TsOp *vs = ts_workload_find_op(w, "VScores");
    CU_ASSERT_EQUAL(vs->dims[ts_op_find_dim(vs, "E")], 1000);
    const TsOp *sm = ts_workload_find_op(w, "softmax");
    CU_ASSERT_EQUAL(sm->elements, 1000);
    /* Library decode file: kv_len 512, batch 8. */
    g_autoptr(TsWorkload) lib = ts_workload_load("gpt2-small-decode", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
    CU_ASSERT_EQUAL(ts_workload_find_op(lib, "KTQ")->dims[0], 64); /* E first */
    CU_ASSERT_EQUAL(ts_workload_find_op(lib, "KTQ")->dims[1], 512);
    /* Decode without kv_len takes seq, with a note. */
    TsTransformerConfig cfg;
    CU_ASSERT_TRUE(ts_transformer_config_init(&cfg, "bert-base", NULL));
    cfg.phase = TS_PHASE_DECODE;
    g_autoptr(TsWorkload) d = ts_transformer_build("d", &cfg, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(ts_workload_transformer_config(d)->kv_len, 128);
    CU_ASSERT_TRUE(ts_workload_n_notes(d) >= 1);
}

static void test_lut(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_workload_load("bert-base-lut", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *kqv = ts_workload_find_op(w, "KQV");
    CU_ASSERT_EQUAL(kqv->kind, TS_OP_LUT);
    CU_ASSERT_EQUAL(kqv->macs, 0);
    uint64_t tokens = 512 * 64, cb = 768 / 4;
    CU_ASSERT_EQUAL(kqv->lut_codebooks, cb);
    CU_ASSERT_EQUAL(kqv->lut_table_entries, cb * 16 * 2304);
    CU_ASSERT_EQUAL(kqv->lut_lookups, tokens * 2304 * cb);
    CU_ASSERT_EQUAL(kqv->lut_search_macs, tokens * 768 * 16);
    int t = ts_op_find_tensor(kqv, "Tables");
    CU_ASSERT_EQUAL(ts_op_tensor_elements(kqv, (guint)t), cb * 16 * 2304);
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(kqv, (guint)t), cb * 16 * 2304); /* int8 */
    int idx = ts_op_find_tensor(kqv, "Indices");
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(kqv, (guint)idx), tokens * cb * 2); /* uint16 */
    int out = ts_op_find_tensor(kqv, "Outputs");
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(kqv, (guint)out), tokens * 2304 * 4); /* int32 */
    CU_ASSERT_EQUAL(out, kqv->output);
    /* Attention stays einsum. */
    CU_ASSERT_EQUAL(ts_workload_find_op(w, "KTQ")->kind, TS_OP_EINSUM);
    CU_ASSERT_EQUAL(ts_workload_find_op(w, "FF2")->lut_codebooks, 3072 / 4);
}

static void test_einsum_nonlinear_and_activation(void)
{
    TsTransformerConfig cfg;
    CU_ASSERT_TRUE(ts_transformer_config_init(&cfg, "bert-base", NULL));
    cfg.nonlinear = TS_NONLINEAR_EINSUM;
    cfg.softmax_passes = 3;
    cfg.residual_ops = FALSE;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_transformer_build("x", &cfg, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(ts_workload_n_ops(w), 10);
    const TsOp *sm = ts_workload_find_op(w, "softmax");
    CU_ASSERT_EQUAL(sm->kind, TS_OP_EINSUM);
    CU_ASSERT_EQUAL(sm->macs, 128u * 128u * 3u);
    CU_ASSERT_EQUAL(ts_op_find_tensor(sm, "Weights"), 0);
    CU_ASSERT_STRING_EQUAL(ts_workload_op(w, 7)->name, "gelu");
    CU_ASSERT_EQUAL(ts_workload_op(w, 7)->elements, 128u * 3072u);
    /* Without the activation and the residual adds: the reference table's nine ops. */
    cfg.activation_op = FALSE;
    g_autoptr(TsWorkload) w9 = ts_transformer_build("y", &cfg, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w9);
    CU_ASSERT_EQUAL(ts_workload_n_ops(w9), 9);
    CU_ASSERT_PTR_NULL(ts_workload_find_op(w9, "gelu"));
    CU_ASSERT_PTR_NULL(ts_workload_find_op(w9, "residual"));
}

static void test_library(void)
{
    g_auto(GStrv) names = ts_workload_library_names();
    guint n = g_strv_length(names);
    CU_ASSERT_TRUE(n >= 10);
    for (guint i = 0; i + 1 < n; i++)
        CU_ASSERT_TRUE(strcmp(names[i], names[i + 1]) < 0);
    static const char *const required[] = {"bert-base",        "bert-large",    "gpt2-small",
                                           "gpt2-medium",      "vit-base",      "vit-huge",
                                           "bert-base-decode", "bert-base-lut", NULL};
    for (guint i = 0; required[i]; i++)
        CU_ASSERT_TRUE(g_strv_contains((const char *const *)names, required[i]));
    for (guint i = 0; i < n; i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(TsWorkload) w = ts_workload_load(names[i], NULL, &error);
        if (w == NULL)
            fprintf(stderr, "\n  %s: %s\n", names[i], error->message);
        CU_ASSERT_PTR_NOT_NULL(w);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) vit = ts_workload_load("vit-huge", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(vit);
    const TsOp *ff1 = ts_workload_find_op(vit, "FF1");
    CU_ASSERT_EQUAL(ff1->macs, 257u * 1280u * 5120u);
    CU_ASSERT_EQUAL(ts_workload_find_op(vit, "KTQ")->dims[0], 80); /* head dim 1280/16 */
}

static void test_explicit_ops(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) w = ts_workload_load("example-ops", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(ts_workload_source(w), TS_WORKLOAD_SOURCE_OPS);
    const TsOp *proj = ts_workload_find_op(w, "proj");
    CU_ASSERT_EQUAL(proj->dims[0], 256);                                           /* M: TOKENS */
    CU_ASSERT_STRING_EQUAL(ts_precision_name(proj->tensors[0].precision), "int8"); /* w8a16 */
    CU_ASSERT_STRING_EQUAL(ts_precision_name(proj->tensors[1].precision), "fp16");
    CU_ASSERT_EQUAL(proj->param_elements, 1024u * 1024u);
    const TsOp *conv = ts_workload_find_op(w, "conv3x3s2");
    int in = ts_op_find_tensor(conv, "Inputs");
    CU_ASSERT_EQUAL(ts_op_rank_extent(conv, (guint)in, 2), 2u * 55u + 2u + 1u);
    CU_ASSERT_EQUAL(ts_op_tensor_elements(conv, (guint)in), 32u * 113u * 113u);
    CU_ASSERT_STRING_EQUAL(ts_precision_name(conv->tensors[2].precision), "int32");
    CU_ASSERT_STRING_EQUAL(conv->dim_names[6], "S"); /* file order kept */
    const TsOp *sm = ts_workload_find_op(w, "softmax");
    CU_ASSERT_EQUAL(sm->passes, 3);
    CU_ASSERT_EQUAL(sm->count, 16);
    const TsOp *lut = ts_workload_find_op(w, "ff_lut");
    CU_ASSERT_EQUAL(lut->lut_table_entries, 256u * 16u * 4096u);
}

static void test_timeloop_forms(void)
{
    /* Legacy v0.2 form: no shape (built-in cnn-layer), dims directly under problem. */
    char *msg = NULL;
    g_autoptr(TsWorkload) w = load_text("legacy.yaml",
                                        "problem:\n  R: 3\n  S: 3\n  P: 16\n  Q: 16\n  C: 8\n"
                                        "  K: 4\n  N: 1\n  Wstride: 2\n",
                                        NULL, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *op = ts_workload_op(w, 0);
    CU_ASSERT_STRING_EQUAL(op->dim_names[0], "R");
    CU_ASSERT_STRING_EQUAL(op->dim_names[5], "K");
    CU_ASSERT_EQUAL(op->macs, 3u * 3u * 16u * 16u * 8u * 4u);
    int in = ts_op_find_tensor(op, "Inputs");
    CU_ASSERT_EQUAL(ts_op_rank_extent(op, (guint)in, 2), 2u * 15u + 2u + 1u); /* Wstride 2 */
    CU_ASSERT_EQUAL(ts_op_rank_extent(op, (guint)in, 3), 15u + 2u + 1u);
    CU_ASSERT_TRUE(op->precision_is_default);
    CU_ASSERT_EQUAL(op->tensors[0].precision.bits, 16);

    /* Variables, --var, a variables file and --seq; precision override. */
    const char *text = "problem:\n  version: 0.4\n  shape:\n    name: G\n"
                       "    dimensions: [L, E, D]\n    data_spaces:\n"
                       "    - {name: Weights, projection: [[[D]], [[E]]]}\n"
                       "    - {name: Inputs, projection: [[[E]], [[L]]]}\n"
                       "    - {name: Outputs, projection: [[[D]], [[L]]], read_write: true}\n"
                       "  instance: {L: SEQ_LENGTH, E: EMBEDDING, D: EMBEDDING_3}\n";
    g_autoptr(TsWorkload) a = load_text("vars.yaml", text, NULL, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(ts_workload_op(a, 0)->macs, 128u * 768u * 2304u);
    CU_ASSERT_STRING_EQUAL(ts_workload_op(a, 0)->name, "vars");
    const char *const vars[] = {"EMBEDDING=1024", NULL};
    TsWorkloadOverrides ov = {.vars = vars, .seq = 512, .precision = "int8"};
    g_autoptr(TsWorkload) b = load_text("vars.yaml", text, &ov, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    const TsOp *bo = ts_workload_op(b, 0);
    CU_ASSERT_EQUAL(bo->macs, 512u * 1024u * 3072u); /* EMBEDDING_3 derived from the override */
    CU_ASSERT_FALSE(bo->precision_is_default);
    CU_ASSERT_STRING_EQUAL(ts_precision_name(bo->tensors[0].precision), "int8");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(bo->tensors[2].precision), "int32");
    g_autofree char *vf =
        write_file("variables.yaml", "variables:\n  version: 0.4\n  technology: \"32nm\"\n"
                                     "  EMBEDDING: 512\n  SEQ_LENGTH: 64\n  EMBEDDING_3: "
                                     "EMBEDDING * 3\n");
    TsWorkloadOverrides ov2 = {.variables_file = vf};
    g_autoptr(TsWorkload) c = load_text("vars.yaml", text, &ov2, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(ts_workload_op(c, 0)->macs, 64u * 512u * 1536u);
}

static void test_include_problem(void)
{
    g_autofree char *sub = g_build_filename(tmp_dir, "layers", NULL);
    g_mkdir_with_parents(sub, 0700);
    g_autofree char *prob = g_build_filename(sub, "FF1_layer.yaml", NULL);
    g_assert(g_file_set_contents(prob,
                                 "problem:\n  version: 0.4\n  shape:\n    name: FF1\n"
                                 "    dimensions: [L, E, D]\n    data_spaces:\n"
                                 "    - {name: Weights, projection: [[[D]], [[E]]]}\n"
                                 "    - {name: Inputs, projection: [[[E]], [[L]]]}\n"
                                 "    - {name: Outputs, projection: [[[D]], [[L]]], "
                                 "read_write: true}\n"
                                 "  instance: {L: SEQ_LENGTH, E: EMBEDDING, D: FF_DIM}\n",
                                 -1, NULL));
    const char *text = "workload:\n  variables: {SEQ_LENGTH: 64}\n  ops:\n"
                       "  - {problem: layers/FF1_layer.yaml, count: 2}\n"
                       "  - {problem: layers/FF1_layer.yaml, name: ff1q, precision: int8}\n"
                       "  - {name: ln, kind: layernorm, rows: SEQ_LENGTH, cols: 768}\n";
    char *msg = NULL;
    g_autoptr(TsWorkload) w = load_text("inc.yaml", text, NULL, &msg);
    if (w == NULL)
        fprintf(stderr, "\n  %s\n", msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *a = ts_workload_op(w, 0), *b = ts_workload_op(w, 1), *ln = ts_workload_op(w, 2);
    CU_ASSERT_STRING_EQUAL(a->name, "FF1");
    CU_ASSERT_EQUAL(a->count, 2);
    CU_ASSERT_EQUAL(a->macs, 64u * 768u * 3072u);
    CU_ASSERT_TRUE(a->precision_is_default);
    CU_ASSERT_STRING_EQUAL(b->name, "ff1q");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(b->tensors[0].precision), "int8");
    CU_ASSERT_STRING_EQUAL(ts_precision_name(b->tensors[2].precision), "int32");
    CU_ASSERT_EQUAL(ln->passes, 3);
    CU_ASSERT_EQUAL(ln->param_elements, 1536);
    CU_ASSERT_EQUAL(ts_workload_total_macs(w), 3u * 64u * 768u * 3072u);
    g_autofree char *bad = subst(text, "layers/FF1_layer.yaml, count", "layers/FF9.yaml, count");
    expect_error("inc-bad.yaml", bad, NULL,
                 "inc-bad.yaml:4:15: workload.ops[0].problem: cannot "
                 "read Timeloop problem",
                 NULL);
    g_remove(prob);
    g_rmdir(sub);
}

/* ---- Bad input: one test per case ---- */

static void test_err_heads_not_dividing(void)
{
    g_autofree char *p = g_build_filename(tmp_dir, "heads.yaml", NULL);
    g_autofree char *where = g_strdup_printf("%s:3:10: workload.heads: must divide hidden", p);
    expect_error("heads.yaml", "workload:\n  model: bert-base\n  heads: 7\n", NULL, where,
                 "(got hidden 768, heads 7)", NULL);
}

static void test_err_zero_dim(void)
{
    g_autofree char *text = subst(gemm_problem, "M: 128", "M: 0");
    expect_error("zero.yaml", text, NULL, "zero.yaml:13:", "problem.instance.M: must be > 0",
                 "(got 0)", NULL);
    expect_error("zero-model.yaml", "workload:\n  model: gpt2\n  seq: 0\n", NULL,
                 "zero-model.yaml:3:8: workload.seq: must be > 0 (got 0)", NULL);
    expect_error("zero-ops.yaml",
                 "workload:\n  ops:\n  - name: a\n    dims: {M: 4, N: 0}\n    tensors:\n"
                 "    - {name: O, projection: [M, N], read_write: true}\n",
                 NULL, "zero-ops.yaml:4:21: workload.ops[0].dims.N: must be > 0 (got 0)", NULL);
}

static void test_err_unknown_precision(void)
{
    expect_error("prec.yaml", "workload:\n  model: bert-base\n  precision: fp17\n", NULL,
                 "prec.yaml:3:14: workload.precision: unknown precision preset 'fp17'",
                 "did you mean 'fp16'?", NULL);
    expect_error("prec2.yaml",
                 "workload:\n  ops:\n  - name: a\n    dims: {M: 4}\n    tensors:\n"
                 "    - {name: O, projection: [M], read_write: true, precision: int7}\n",
                 NULL, "workload.ops[0].tensors[0].precision: unknown precision 'int7'",
                 "(got 'int7')", NULL);
    TsWorkloadOverrides ov = {.precision = "int9"};
    GError *error = NULL;
    TsWorkload *w = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "unknown precision preset 'int9'"));
    /* the value came from an option: the message names it first, not the library file */
    CU_ASSERT_TRUE(g_str_has_prefix(error->message, "--precision: unknown precision preset"));
    g_clear_error(&error);
}

/* Bad override values are blamed on the option (--phase, --kv-len, --precision), not on the
 * workload file they were applied to: the file holds nothing wrong. */
static void test_err_override_names_option(void)
{
    static const struct {
        const char *workload;
        TsWorkloadOverrides ov;
        const char *prefix;
    } cases[] = {
        {"gpt2-small", {.phase = "decod"}, "--phase: unknown phase 'decod' (did you mean"},
        {"bert-base", {.kv_len = 4}, "--kv-len: applies to phase decode only (got --kv-len 4"},
        {"example-ops", {.precision = "fp17"}, "--precision: unknown precision preset 'fp17'"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        TsWorkload *w = ts_workload_load(cases[i].workload, &cases[i].ov, &error);
        CU_ASSERT_PTR_NULL(w);
        ts_workload_free(w);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        if (!g_str_has_prefix(error->message, cases[i].prefix))
            fprintf(stderr, "\n  message: %s\n  expected prefix: %s\n", error->message,
                    cases[i].prefix);
        CU_ASSERT_TRUE(g_str_has_prefix(error->message, cases[i].prefix));
        g_clear_error(&error);
    }
    /* decode from the file plus --kv-len is fine */
    TsWorkloadOverrides ov = {.kv_len = 1024};
    GError *error = NULL;
    TsWorkload *w = ts_workload_load("gpt2-small-decode", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL(w);
    CU_ASSERT_PTR_NULL(error);
    if (w != NULL)
        CU_ASSERT_EQUAL(ts_workload_find_op(w, "KTQ")->dims[1], 1024);
    ts_workload_free(w);
    g_clear_error(&error);
}

static void test_err_unknown_model(void)
{
    expect_error("model.yaml", "workload:\n  model: bert-bsae\n", NULL,
                 "model.yaml:2:10: workload.model: unknown model 'bert-bsae'",
                 "did you mean 'bert-base'?", NULL);
    GError *error = NULL;
    TsWorkload *w = ts_workload_load("gtp2-small", NULL, &error);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_EQUAL(error->code, TS_CONFIG_ERROR_REFERENCE);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'gpt2-small'?"));
    g_clear_error(&error);
    TsTransformerConfig cfg;
    CU_ASSERT_FALSE(ts_transformer_config_init(&cfg, "vit-hug", &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'vit-huge'?"));
    g_clear_error(&error);
}

static void test_err_unknown_dim_in_projection(void)
{
    g_autofree char *text = subst(gemm_problem, "[[[K]], [[N]]]", "[[[X]], [[N]]]");
    expect_error("dim.yaml", text, NULL, "dim.yaml:7:", "problem.shape.data-spaces[0]",
                 "unknown dimension 'X'", "dimensions are M, N, K (got 'X')", NULL);
    expect_error("dim2.yaml",
                 "workload:\n  ops:\n  - name: a\n    dims: {M: 4, N: 2}\n    tensors:\n"
                 "    - {name: O, projection: [M, \"2*Q + N\"], read_write: true}\n",
                 NULL, "workload.ops[0].tensors[0].projection[1]: unknown dimension 'Q'", NULL);
}

static void test_err_two_read_write(void)
{
    g_autofree char *fixed = subst(gemm_problem, "        projection: [[[M]], [[K]]]\n",
                                   "        projection: [[[M]], [[K]]]\n"
                                   "        read-write: true\n");
    expect_error("rw.yaml", fixed, NULL, "rw.yaml:", "two read-write data spaces",
                 "(got Inputs and Outputs)", NULL);
}

static void test_err_no_output(void)
{
    g_autofree char *text = subst(gemm_problem, "read-write: True", "read-write: no");
    expect_error("noout.yaml", text, NULL,
                 "noout.yaml:6:7: problem.shape.data-spaces:", "no output", "(got none of 3)",
                 NULL);
}

static void test_err_overflow(void)
{
    expect_error("ovf.yaml",
                 "workload:\n  ops:\n  - name: big\n"
                 "    dims: {M: 4294967296, N: 4294967296, K: 2}\n    tensors:\n"
                 "    - {name: O, projection: [M, N], read_write: true}\n",
                 NULL, "ovf.yaml:3:5: workload.ops[0]: op 'big':",
                 "overflows 64-bit counts (got M=4294967296 N=4294967296 K=2", NULL);
    expect_error("ovf2.yaml",
                 "workload:\n  model: bert-base\n  seq: 100000000000\n  batch: 100000\n", NULL,
                 "ovf2.yaml:", "overflow 64-bit counts", NULL);
    /* Exactly 2^64 elements x 16 bits must not wrap. */
    expect_error("ovf3.yaml",
                 "problem:\n  shape:\n    dimensions: [A, B]\n    data-spaces:\n"
                 "    - {name: O, projection: [[[A]], [[B]]], read-write: true}\n"
                 "  instance: {A: 4294967296, B: 4294967296}\n",
                 NULL, "overflows 64-bit counts", NULL);
}

/* The overflow check is on the bytes, not on elements x bits: 4e18 fp16 elements are 8e18 bytes,
 * below 2^63 - 1, and load; the same tensor at fp32 (1.6e19 bytes) is rejected. Sub-byte
 * tensors round up: 9 int4 elements are 5 bytes, 3 int1 elements 1 byte. */
static void test_bytes_near_limit(void)
{
    const char *text = "workload:\n  precision: fp16\n  ops:\n  - name: a\n"
                       "    dims: {M: 4000000000, N: 1000000000}\n    tensors:\n"
                       "    - {name: A, projection: [M, N]}\n"
                       "    - {name: O, projection: [M], read_write: true}\n";
    char *message = NULL;
    TsWorkload *w = load_text("near.yaml", text, NULL, &message);
    CU_ASSERT_PTR_NOT_NULL(w);
    if (w == NULL)
        fprintf(stderr, "\n  message: %s\n", message);
    g_free(message);
    if (w != NULL) {
        const TsOp *op = ts_workload_op(w, 0);
        CU_ASSERT_EQUAL(ts_op_tensor_bytes(op, 0), UINT64_C(8000000000000000000));
        CU_ASSERT_EQUAL(ts_op_tensor_bytes(op, 1), UINT64_C(8000000000));
    }
    ts_workload_free(w);
    g_autofree char *fp32 = subst(text, "precision: fp16", "precision: fp32");
    expect_error("near32.yaml", fp32, NULL, "overflows 64-bit counts", NULL);
    w = load_text("sub.yaml",
                  "workload:\n  precision: int4\n  ops:\n  - name: a\n    dims: {M: 3, N: 3}\n"
                  "    tensors:\n    - {name: A, projection: [M, N]}\n"
                  "    - {name: O, projection: [M], read_write: true, precision: int1}\n",
                  NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(ts_workload_op(w, 0), 0), 5);
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(ts_workload_op(w, 0), 1), 1);
    ts_workload_free(w);
}

static void test_err_unknown_key(void)
{
    expect_error("key.yaml", "workload:\n  modle: bert-base\n", NULL,
                 "key.yaml:2:3: workload.modle: unknown key 'modle' (did you mean 'model'?)", NULL);
    g_autofree char *text = g_strconcat(gemm_problem, "  shapes: 1\n", NULL);
    expect_error("key2.yaml", text, NULL, "unknown key 'shapes'", NULL);
    expect_error("key3.yaml", "architecture: {name: x}\n", NULL,
                 "expected a top-level 'workload' (tilesim) or 'problem' (Timeloop) key", NULL);
}

static void test_err_missing_instance_dim(void)
{
    g_autofree char *text = subst(gemm_problem, ", K: 768", ", Kk: 768");
    expect_error("miss.yaml", text, NULL,
                 "miss.yaml:13:13: problem.instance:", "missing size of dimension 'K'",
                 "did you mean 'Kk'?", "M, N, K", NULL);
}

static void test_err_unknown_variable(void)
{
    expect_error("var.yaml",
                 "problem:\n  shape:\n    dimensions: [A]\n    data_spaces:\n"
                 "    - {name: O, projection: [[[A]]], read_write: true}\n"
                 "  instance: {A: EMBEDING * 2}\n",
                 NULL, "var.yaml:6:17: problem.instance.A: unknown variable 'EMBEDING'",
                 "did you mean 'EMBEDDING'?", "(got 'EMBEDING * 2')", NULL);
    expect_error("cycle.yaml",
                 "variables: {X: Y + 1, Y: X}\nproblem:\n  shape:\n    dimensions: [A]\n"
                 "    data_spaces:\n    - {name: O, projection: [[[A]]], read_write: true}\n"
                 "  instance: {A: X}\n",
                 NULL, "variables.", "refers to itself", NULL);
}

static void test_err_unused_override(void)
{
    const char *const vars[] = {"FOO=3", NULL};
    TsWorkloadOverrides ov = {.vars = vars};
    expect_error("unused.yaml", gemm_problem, &ov, "--var FOO=3 is not used", NULL);
    TsWorkloadOverrides ov2 = {.seq = 256};
    expect_error("unused2.yaml", gemm_problem, &ov2, "--seq SEQ_LENGTH=256 is not used", NULL);
    const char *const bad[] = {"3X=1", NULL};
    TsWorkloadOverrides ov3 = {.vars = bad};
    expect_error("badvar.yaml", gemm_problem, &ov3, "--var: expected NAME=VALUE", NULL);
    TsWorkloadOverrides ov4 = {.phase = "decode"};
    expect_error("phase.yaml", gemm_problem, &ov4, "not to a Timeloop problem", NULL);
}

static void test_err_kv_len_prefill(void)
{
    expect_error("kv.yaml", "workload:\n  model: gpt2\n  kv_len: 64\n", NULL,
                 "kv.yaml:3:11: workload.kv_len: applies to phase decode only", NULL);
    TsWorkloadOverrides ov = {.phase = "decoed"};
    GError *error = NULL;
    TsWorkload *w = ts_workload_load("gpt2-small", &ov, &error);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'decode'?"));
    g_clear_error(&error);
}

static void test_err_lut(void)
{
    expect_error("lut.yaml", "workload:\n  model: bert-base\n  lut: {vec_len: 5, centroids: 16}\n",
                 NULL, "lut.yaml:3:18: workload.lut.vec_len: must divide", NULL);
    expect_error("lut2.yaml", "workload:\n  model: bert-base\n  lut: {centroids: 16}\n", NULL,
                 "lut2.yaml:3:8: workload.lut: missing required key 'vec_len'", NULL);
    expect_error("lut3.yaml",
                 "workload:\n  model: bert-base\n  lut: {vec_len: 4, centroids: 70000}\n", NULL,
                 "70000 centroids do not fit a uint16 index", NULL);
}

static void test_err_misc(void)
{
    g_autofree char *dtext = subst(gemm_problem, "K: 768}", "K: 768, densities: {Weights: 0.5}}");
    expect_error("dens.yaml", dtext, NULL, "sparse tensor densities are not modelled", NULL);
    expect_error("mixed.yaml",
                 "workload:\n  model: bert-base\n  ops:\n  - {name: a, kind: softmax, rows: 1, "
                 "cols: 1}\n",
                 NULL, "mixed.yaml:2:10: workload.model: a workload lists either a model", NULL);
    expect_error("kind.yaml", "workload:\n  ops:\n  - {name: a, kind: sofmax, rows: 1, cols: 1}\n",
                 NULL, "workload.ops[0].kind: unknown op kind 'sofmax' (did you mean 'softmax'?)",
                 NULL);
    expect_error("shape.yaml", "problem:\n  shape: dw-conv\n  instance: {A: 1}\n", NULL,
                 "problem.shape: unknown built-in shape 'dw-conv'", NULL);
    expect_error("empty.yaml", "", NULL, "empty document", NULL);
    expect_error("version.yaml", "problem:\n  version: 0.5\n", NULL,
                 "problem.version: unsupported Timeloop problem version", NULL);
    expect_error("nonaffine.yaml",
                 "workload:\n  ops:\n  - name: a\n    dims: {M: 4, N: 2}\n    tensors:\n"
                 "    - {name: O, projection: [\"M*N\"], read_write: true}\n",
                 NULL, "not affine", NULL);
}

static void test_finalize_in_code(void)
{
    TsOp op;
    memset(&op, 0, sizeof op);
    op.name = "g";
    op.kind = TS_OP_EINSUM;
    op.count = 2;
    op.n_dims = 2;
    op.dim_names[0] = "M";
    op.dim_names[1] = "N";
    op.dims[0] = 3;
    op.dims[1] = 5;
    op.n_tensors = 1;
    op.tensors[0].name = "Z";
    op.tensors[0].n_ranks = 2;
    op.tensors[0].ranks[0] = (TsProjection){1, {0}, {1}};
    op.tensors[0].ranks[1] = (TsProjection){1, {1}, {1}};
    op.tensors[0].read_write = TRUE;
    op.tensors[0].precision = (TsPrecision){8, TS_NUM_INT};
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_op_finalize(&op, &error));
    CU_ASSERT_EQUAL(op.macs, 15);
    CU_ASSERT_EQUAL(ts_op_bytes(&op), 15);
    op.tensors[0].precision = (TsPrecision){4, TS_NUM_INT};
    CU_ASSERT_EQUAL(ts_op_tensor_bytes(&op, 0), 8); /* ceil(15 * 4 / 8) */
    op.tensors[0].read_write = FALSE;
    CU_ASSERT_FALSE(ts_op_finalize(&op, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "no output"));
}

/* ---- LLaMA family and whole-model parts ---- */

static void test_llama_layers(void)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 16};
    g_autoptr(TsWorkload) w = ts_workload_load("llama2-7b", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    static const char *const names[] = {
        "attn_norm", "Q",        "K",    "V",    "rope", "KTQ", "softmax", "VScores", "Out",
        "attn_add",  "ffn_norm", "gate", "silu", "up",   "mul", "down",    "ffn_add"};
    CU_ASSERT_EQUAL_FATAL(ts_workload_n_ops(w), G_N_ELEMENTS(names));
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        CU_ASSERT_STRING_EQUAL(ts_workload_op(w, i)->name, names[i]);
    /* projections 4 x 4096^2 + SwiGLU 3 x 4096 x 11008 per token; QK^T and PV 32 heads x
     * 16 x 16 x 128 each */
    uint64_t macs = 16ull * (4ull * 4096 * 4096 + 3ull * 4096 * 11008) + 2ull * 32 * 16 * 16 * 128;
    CU_ASSERT_EQUAL(ts_workload_total_macs(w), macs);
    const TsOp *n = ts_workload_find_op(w, "attn_norm");
    CU_ASSERT_EQUAL(n->ew_kind, TS_EW_RMSNORM);
    CU_ASSERT_EQUAL(n->param_elements, 4096);
    CU_ASSERT_EQUAL(ts_workload_find_op(w, "rope")->elements, 16u * (32 + 32) * 128);
    const TsTransformerConfig *c = ts_workload_transformer_config(w);
    CU_ASSERT_EQUAL(c->family, TS_FAMILY_LLAMA);
    CU_ASSERT_EQUAL(c->vocab, 32000);
    CU_ASSERT_EQUAL(c->layers, 32);

    /* Llama 3: 8 KV heads; a group's 4 queries share one K, V (decode: L = 4) */
    TsWorkloadOverrides dv = {.phase = "decode", .kv_len = 300, .batch = 2};
    g_autoptr(TsWorkload) l3 = ts_workload_load("llama3-8b", &dv, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l3);
    const TsOp *v = ts_workload_find_op(l3, "V"), *pv = ts_workload_find_op(l3, "VScores");
    CU_ASSERT_EQUAL(v->dims[ts_op_find_dim(v, "D")], 1024);
    CU_ASSERT_EQUAL(v->dims[ts_op_find_dim(v, "L")], 2);
    CU_ASSERT_EQUAL(pv->count, 16); /* 8 KV heads x batch 2 */
    CU_ASSERT_EQUAL(pv->dims[ts_op_find_dim(pv, "E")], 300);
    CU_ASSERT_EQUAL(pv->dims[ts_op_find_dim(pv, "L")], 4);
    CU_ASSERT_EQUAL(ts_workload_find_op(l3, "softmax")->count, 64);
    CU_ASSERT_EQUAL(ts_workload_find_op(l3, "gate")->param_elements, 4096u * 14336);

    /* Mistral: the 4096-key window caps the keys of a long prompt */
    TsWorkloadOverrides mo = {.seq = 5000};
    g_autoptr(TsWorkload) mw = ts_workload_load("mistral-7b", &mo, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mw);
    const TsOp *k = ts_workload_find_op(mw, "KTQ");
    CU_ASSERT_EQUAL(k->dims[ts_op_find_dim(k, "D")], 4096);
    CU_ASSERT_EQUAL(k->dims[ts_op_find_dim(k, "L")], 5000u * 4);

    /* A custom llama-family layer from a file, and the explicit-op kinds */
    g_autoptr(TsWorkload) cw =
        load_text("tiny-llama.yaml",
                  "workload:\n  family: llama\n  hidden: 64\n  heads: 4\n  kv_heads: 2\n"
                  "  ffn: 128\n  vocab: 100\n  sliding_window: 8\n  seq: 12\n",
                  NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cw);
    CU_ASSERT_EQUAL(ts_workload_find_op(cw, "K")->dims[1], 32);
    const TsOp *ck = ts_workload_find_op(cw, "KTQ");
    CU_ASSERT_EQUAL(ck->dims[ts_op_find_dim(ck, "D")], 8);
    g_autoptr(TsWorkload) ow = load_text(
        "ops-llama.yaml",
        "workload:\n  ops:\n    - {name: n, kind: rmsnorm, rows: 4, cols: 64}\n"
        "    - {name: r, kind: rope, rows: 4, cols: 96}\n    - {name: m, kind: mul, rows: 4, "
        "cols: 128}\n",
        NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ow);
    CU_ASSERT_EQUAL(ts_workload_find_op(ow, "n")->passes, 2);
    CU_ASSERT_EQUAL(ts_workload_find_op(ow, "n")->param_elements, 64);
    CU_ASSERT_EQUAL(ts_workload_find_op(ow, "m")->ew_kind, TS_EW_MUL);
}

static void test_model_parts(void)
{
    g_autoptr(GError) error = NULL;
    TsWorkloadOverrides ov = {.seq = 10, .batch = 3};
    g_autoptr(TsWorkload) g = ts_workload_load("gpt2-small", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    const TsTransformerConfig *c = ts_workload_transformer_config(g);
    g_autoptr(TsWorkload) e = ts_transformer_build_embedding("e", c, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    const TsOp *emb = ts_workload_find_op(e, "embed");
    CU_ASSERT_EQUAL(emb->ew_kind, TS_EW_EMBED);
    CU_ASSERT_EQUAL(emb->param_elements, 30u * 768);    /* one row per token read */
    CU_ASSERT_EQUAL(ts_op_tensor_elements(emb, 0), 30); /* token ids */
    g_autoptr(TsWorkload) h = ts_transformer_build_head("h", c, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(ts_workload_op(h, 0)->name, "final_norm");
    CU_ASSERT_EQUAL(ts_workload_op(h, 0)->ew_kind, TS_EW_LAYERNORM);
    const TsOp *lm = ts_workload_find_op(h, "lm_head");
    CU_ASSERT_EQUAL(lm->macs, 30ull * 768 * 50257);
    CU_ASSERT_EQUAL(lm->param_elements, 768u * 50257);
    /* decode: one token per sequence */
    TsTransformerConfig d = *c;
    d.phase = TS_PHASE_DECODE;
    g_autoptr(TsWorkload) hd = ts_transformer_build_head("h", &d, &error);
    CU_ASSERT_EQUAL(ts_workload_find_op(hd, "lm_head")->macs, 3ull * 768 * 50257);
    /* ViT has no vocabulary */
    g_autoptr(TsWorkload) vit = ts_workload_load("vit-base", NULL, &error);
    CU_ASSERT_PTR_NULL(ts_transformer_build_head("h", ts_workload_transformer_config(vit), &error));
    CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "vocabulary"));
}

static void test_err_llama(void)
{
    expect_error("kvh.yaml", "workload:\n  model: llama3-8b\n  kv_heads: 5\n", NULL,
                 "kvh.yaml:", "kv_heads: must divide heads", "got heads 32, kv_heads 5", NULL);
    expect_error("kvh2.yaml", "workload:\n  model: bert-base\n  kv_heads: 4\n", NULL,
                 "kv_heads: grouped-query attention and sliding windows are built for family "
                 "llama",
                 NULL);
    expect_error("win.yaml", "workload:\n  model: gpt2\n  sliding_window: 64\n", NULL,
                 "family llama", NULL);
    expect_error("act.yaml", "workload:\n  model: llama2-7b\n  activation_op: true\n", NULL,
                 "activation_op: a llama layer always has its SwiGLU", NULL);
    expect_error("fam.yaml", "workload:\n  model: llama2-7b\n  family: lama\n", NULL,
                 "fam.yaml:3:", "family", NULL);
    expect_error("famops.yaml",
                 "workload:\n  family: llama\n  ops:\n    - {name: n, kind: add, rows: 1, "
                 "cols: 1}\n",
                 NULL, "not both", NULL);
}

int main(int argc, char **argv)
{
    tmp_dir = g_dir_make_tmp("tilesim-wl-XXXXXX", NULL);
    g_assert(tmp_dir != NULL);
    g_setenv("TILESIM_WORKLOAD_PATH", "", TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("workloads", NULL, NULL);
    CU_add_test(s, "precision_names", test_precision_names);
    CU_add_test(s, "precision_presets", test_precision_presets);
    CU_add_test(s, "precision_energies", test_precision_energies);
    CU_add_test(s, "bert_base_layer", test_bert_base_layer);
    CU_add_test(s, "overrides", test_overrides);
    CU_add_test(s, "decode", test_decode);
    CU_add_test(s, "lut", test_lut);
    CU_add_test(s, "einsum_nonlinear_and_activation", test_einsum_nonlinear_and_activation);
    CU_add_test(s, "library", test_library);
    CU_add_test(s, "explicit_ops", test_explicit_ops);
    CU_add_test(s, "timeloop_forms", test_timeloop_forms);
    CU_add_test(s, "finalize_in_code", test_finalize_in_code);
    CU_add_test(s, "include_problem", test_include_problem);
    CU_add_test(s, "llama_layers", test_llama_layers);
    CU_add_test(s, "model_parts", test_model_parts);
    CU_pSuite e = CU_add_suite("bad_input", NULL, NULL);
    CU_add_test(e, "heads_not_dividing", test_err_heads_not_dividing);
    CU_add_test(e, "zero_dim", test_err_zero_dim);
    CU_add_test(e, "unknown_precision", test_err_unknown_precision);
    CU_add_test(e, "unknown_model", test_err_unknown_model);
    CU_add_test(e, "unknown_dim_in_projection", test_err_unknown_dim_in_projection);
    CU_add_test(e, "two_read_write", test_err_two_read_write);
    CU_add_test(e, "no_output", test_err_no_output);
    CU_add_test(e, "overflow", test_err_overflow);
    CU_add_test(e, "bytes_near_limit", test_bytes_near_limit);
    CU_add_test(e, "unknown_key", test_err_unknown_key);
    CU_add_test(e, "missing_instance_dim", test_err_missing_instance_dim);
    CU_add_test(e, "unknown_variable", test_err_unknown_variable);
    CU_add_test(e, "unused_override", test_err_unused_override);
    CU_add_test(e, "kv_len_prefill", test_err_kv_len_prefill);
    CU_add_test(e, "override_names_option", test_err_override_names_option);
    CU_add_test(e, "lut", test_err_lut);
    CU_add_test(e, "misc", test_err_misc);
    CU_add_test(e, "llama", test_err_llama);
    int rc = ts_test_run(argc, argv);
    ts_test_remove_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
