/* Transformer layer builders: model presets (BERT, GPT-2, ViT), one encoder/decoder layer as
 * KQV, KTQ, softmax, VScores, Out, layernorm, FF1, [gelu,] FF2, layernorm with the Timeloop
 * experiments' dimension convention (D output features, E reduction, L tokens; tensors
 * Weights[E,D], Inputs[E,L], Outputs[D,L]), prefill or decode against a KV cache, precision
 * presets, and LUT-NN (PIM-DL) replacement of the weight GEMMs. */
#include "ts-op.h"

#include <stdarg.h>
#include <string.h>

#include "workloads-private.h"

typedef struct {
    const char *name;
    uint64_t hidden, heads, ffn, layers, seq;
    gboolean causal;
    const char *source;
} TsModelPreset;

/* hidden, heads, ffn, layers from the published configs; seq: 128 for language models (the
 * the default of docs/cli.md), the patch count + class token at 224x224 for ViT (196+1, 256+1). */
static const TsModelPreset models[] = {
    {"bert-base", 768, 12, 3072, 12, 128, FALSE, "BERT-base (Devlin et al. 2019)"},
    {"bert-large", 1024, 16, 4096, 24, 128, FALSE, "BERT-large (Devlin et al. 2019)"},
    {"gpt2-small", 768, 12, 3072, 12, 128, TRUE, "GPT-2 small, 124M (Radford et al. 2019)"},
    {"gpt2-medium", 1024, 16, 4096, 24, 128, TRUE, "GPT-2 medium, 355M"},
    {"vit-base", 768, 12, 3072, 12, 197, FALSE, "ViT-B/16 at 224x224 (Dosovitskiy et al. 2021)"},
    {"vit-huge", 1280, 16, 5120, 32, 257, FALSE, "ViT-H/14 at 224x224"},
};

const char *const *ts_transformer_model_names(void)
{
    static const char *names[G_N_ELEMENTS(models) + 1];
    static gsize init = 0;
    if (g_once_init_enter(&init)) {
        for (guint i = 0; i < G_N_ELEMENTS(models); i++)
            names[i] = models[i].name;
        names[G_N_ELEMENTS(models)] = NULL;
        g_once_init_leave(&init, 1);
    }
    return names;
}

gboolean ts_transformer_config_init(TsTransformerConfig *cfg, const char *model, GError **error)
{
    g_return_val_if_fail(cfg != NULL, FALSE);
    memset(cfg, 0, sizeof *cfg);
    cfg->seq = 128;
    cfg->batch = 1;
    cfg->layers = 1;
    cfg->phase = TS_PHASE_PREFILL;
    ts_precision_preset("fp16", &cfg->precision, NULL);
    cfg->precision_name = "fp16";
    cfg->softmax_passes = 2;
    cfg->nonlinear = TS_NONLINEAR_ELEMENTWISE;
    cfg->activation = TS_EW_GELU;
    cfg->lut_index = (TsPrecision){16, TS_NUM_UINT};
    cfg->lut_table = (TsPrecision){8, TS_NUM_INT};
    cfg->lut_acc = (TsPrecision){32, TS_NUM_INT};
    if (model == NULL)
        return TRUE;
    const char *lookup = strcmp(model, "gpt2") == 0 ? "gpt2-small" : model;
    for (guint i = 0; i < G_N_ELEMENTS(models); i++) {
        if (strcmp(lookup, models[i].name) == 0) {
            cfg->model = models[i].name;
            cfg->hidden = models[i].hidden;
            cfg->heads = models[i].heads;
            cfg->ffn = models[i].ffn;
            cfg->layers = models[i].layers;
            cfg->seq = models[i].seq;
            cfg->causal = models[i].causal;
            return TRUE;
        }
    }
    const char *const *names = ts_transformer_model_names();
    g_autofree char *hint = ts_config_suggest(model, names);
    g_autofree char *list = g_strjoinv(", ", (char **)names);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown model '%s'%s; models: %s, gpt2 (got '%s')", model, hint, list, model);
    return FALSE;
}

gboolean ts_transformer_apply_overrides(TsTransformerConfig *cfg, const TsWorkloadOverrides *ov,
                                        GError **error)
{
    if (ov->vars != NULL && ov->vars[0] != NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--var applies to Timeloop problems and explicit-op files, not to a model "
                    "workload: use --seq, --batch, --phase, --kv-len, --precision (got '%s')",
                    ov->vars[0]);
        return FALSE;
    }
    if (ov->variables_file != NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "a variables file applies to Timeloop problems, not to a model workload "
                    "(got '%s')",
                    ov->variables_file);
        return FALSE;
    }
    if (ov->seq != 0)
        cfg->seq = ov->seq;
    if (ov->batch != 0)
        cfg->batch = ov->batch;
    if (ov->phase != NULL) {
        if (strcmp(ov->phase, "prefill") == 0)
            cfg->phase = TS_PHASE_PREFILL;
        else if (strcmp(ov->phase, "decode") == 0)
            cfg->phase = TS_PHASE_DECODE;
        else {
            static const char *const phases[] = {"prefill", "decode", NULL};
            g_autofree char *hint = ts_config_suggest(ov->phase, phases);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                        "--phase: unknown phase '%s'%s; expected prefill or decode (got '%s')",
                        ov->phase, hint, ov->phase);
            return FALSE;
        }
    }
    if (ov->kv_len != 0) {
        /* Checked here, not by the builder, so that the message names the option rather than
         * a place in the workload file. */
        if (cfg->phase != TS_PHASE_DECODE) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "--kv-len: applies to phase decode only (got --kv-len %" G_GUINT64_FORMAT
                        " with phase prefill; add --phase decode)",
                        ov->kv_len);
            return FALSE;
        }
        cfg->kv_len = ov->kv_len;
    }
    if (ov->precision != NULL) {
        g_autoptr(GError) local = NULL;
        if (!ts_precision_preset(ov->precision, &cfg->precision, &local)) {
            g_set_error(error, TS_CONFIG_ERROR, local->code, "--precision: %s", local->message);
            return FALSE;
        }
        const char *const *names = ts_precision_preset_names();
        for (guint i = 0; names[i]; i++) {
            if (g_ascii_strcasecmp(names[i], ov->precision) == 0)
                cfg->precision_name = names[i];
        }
    }
    return TRUE;
}

/* ---- Op constructors ---- */

static void set_dims(TsOp *op, const char *const *names, const uint64_t *sizes, guint n)
{
    op->n_dims = (uint8_t)n;
    for (guint i = 0; i < n; i++) {
        op->dim_names[i] = names[i];
        op->dims[i] = sizes[i];
    }
}

/* Tensor whose ranks are single dims (coefficient 1), by dim index. */
static void set_tensor(TsOp *op, guint t, const char *name, const int *dims, guint n_ranks,
                       gboolean rw, TsPrecision precision)
{
    TsTensor *ts = &op->tensors[t];
    ts->name = name;
    ts->n_ranks = (uint8_t)n_ranks;
    for (guint r = 0; r < n_ranks; r++) {
        ts->ranks[r].n_terms = 1;
        ts->ranks[r].dim[0] = (uint8_t)dims[r];
        ts->ranks[r].coef[0] = 1;
    }
    ts->read_write = rw;
    ts->precision = precision;
    if (t + 1 > op->n_tensors)
        op->n_tensors = (uint8_t)(t + 1);
}

/* GEMM in D/E/L form: dims [E, D, L] (the Timeloop experiments' order), Weights[E,D],
 * Inputs[E,L], Outputs[D,L]. weights_are_params: projection weights (vs K or V in
 * attention, which are activations). */
static void gemm_op(TsOp *op, const char *name, uint64_t d, uint64_t e, uint64_t l, uint64_t count,
                    const TsPrecisionSet *p, gboolean weights_are_params)
{
    memset(op, 0, sizeof *op);
    op->name = name;
    op->kind = TS_OP_EINSUM;
    op->count = count;
    static const char *const names[] = {"E", "D", "L"};
    const uint64_t sizes[] = {e, d, l};
    set_dims(op, names, sizes, 3);
    enum { E, D, L };
    set_tensor(op, 0, "Weights", (const int[]){E, D}, 2, FALSE,
               weights_are_params ? p->weights : p->activations);
    set_tensor(op, 1, "Inputs", (const int[]){E, L}, 2, FALSE, p->activations);
    set_tensor(op, 2, "Outputs", (const int[]){D, L}, 2, TRUE, p->outputs);
    if (weights_are_params) {
        op->param_elements = d * e; /* checked by the config validation */
        op->param_precision = p->weights;
    } else {
        op->param_precision = p->activations;
    }
}

/* Softmax / layernorm / activation over rows x cols with passes sweeps. Elementwise form:
 * dims [L, E, D] with D = passes, Inputs[E,L] -> Outputs[E,L]. Einsum form (Timeloop
 * experiments' softmax_layer / layernorm_layer): the same dims with a Weights[D] data space
 * and D as a reduction, so MACs = L*E*D. */
static void nonlinear_op(TsOp *op, const char *name, TsElementwiseKind kind, uint64_t rows,
                         uint64_t cols, uint32_t passes, uint64_t count, uint64_t params,
                         const TsPrecisionSet *p, TsNonlinearForm form)
{
    memset(op, 0, sizeof *op);
    op->name = name;
    op->count = count;
    static const char *const names[] = {"L", "E", "D"};
    const uint64_t sizes[] = {rows, cols, passes};
    set_dims(op, names, sizes, 3);
    enum { L, E, D };
    op->ew_kind = kind;
    op->elements = rows * cols;
    op->passes = passes;
    op->param_elements = params;
    op->param_precision = p->activations;
    if (form == TS_NONLINEAR_EINSUM) {
        op->kind = TS_OP_EINSUM;
        set_tensor(op, 0, "Weights", (const int[]){D}, 1, FALSE, p->activations);
        set_tensor(op, 1, "Inputs", (const int[]){E, L}, 2, FALSE, p->activations);
        set_tensor(op, 2, "Outputs", (const int[]){E, L}, 2, TRUE, p->activations);
    } else {
        op->kind = TS_OP_ELEMENTWISE;
        set_tensor(op, 0, "Inputs", (const int[]){E, L}, 2, FALSE, p->activations);
        set_tensor(op, 1, "Outputs", (const int[]){E, L}, 2, TRUE, p->activations);
    }
}

/* LUT-NN op (PIM-DL) replacing GEMM d x e x l: dims [D, CB, V, C, L]; Inputs[CB,V,L] at the
 * activation precision, Indices[CB,L] (closest centroid per sub-vector), Tables[CB,C,D]
 * (precomputed centroid x weight products), Outputs[D,L] accumulated at lut_acc. */
static void lut_op(TsOp *op, const char *name, uint64_t d, uint64_t e, uint64_t l, uint64_t count,
                   const TsTransformerConfig *cfg)
{
    memset(op, 0, sizeof *op);
    op->name = name;
    op->kind = TS_OP_LUT;
    op->count = count;
    static const char *const names[] = {"D", "CB", "V", "C", "L"};
    const uint64_t sizes[] = {d, e / cfg->lut_vec_len, cfg->lut_vec_len, cfg->lut_centroids, l};
    set_dims(op, names, sizes, 5);
    enum { D, CB, V, C, L };
    set_tensor(op, 0, "Inputs", (const int[]){CB, V, L}, 3, FALSE, cfg->precision.activations);
    set_tensor(op, 1, "Indices", (const int[]){CB, L}, 2, FALSE, cfg->lut_index);
    set_tensor(op, 2, "Tables", (const int[]){CB, C, D}, 3, FALSE, cfg->lut_table);
    set_tensor(op, 3, "Outputs", (const int[]){D, L}, 2, TRUE, cfg->lut_acc);
    op->lut_vec_len = cfg->lut_vec_len;
    op->lut_centroids = cfg->lut_centroids;
    op->lut_index = cfg->lut_index;
    op->lut_table = cfg->lut_table;
    op->lut_acc = cfg->lut_acc;
    op->param_elements = sizes[CB] * sizes[C] * d; /* table entries; checked by ts_op_check */
    op->param_precision = cfg->lut_table;
}

/* ---- Validation and build ---- */

static gboolean bad(GError **error, TsConfigError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean bad(GError **error, TsConfigError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, TS_CONFIG_ERROR, code, msg);
    return FALSE;
}

static gboolean check_config(const TsTransformerConfig *c, GError **error)
{
    const struct {
        const char *key;
        uint64_t v;
    } sizes[] = {{"hidden", c->hidden}, {"heads", c->heads}, {"ffn", c->ffn},
                 {"seq", c->seq},       {"batch", c->batch}, {"layers", c->layers}};
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        if (sizes[i].v == 0)
            return bad(error, TS_CONFIG_ERROR_RANGE, "%s: must be > 0 (got 0)", sizes[i].key);
    }
    if (c->hidden % c->heads != 0)
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "heads: must divide hidden (got hidden %" G_GUINT64_FORMAT
                   ", heads %" G_GUINT64_FORMAT ")",
                   c->hidden, c->heads);
    if (c->softmax_passes < 1 || c->softmax_passes > 3)
        return bad(error, TS_CONFIG_ERROR_RANGE, "softmax_passes: must be 1, 2 or 3 (got %u)",
                   c->softmax_passes);
    if (c->phase == TS_PHASE_PREFILL && c->kv_len != 0)
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "kv_len: applies to phase decode only (got kv_len %" G_GUINT64_FORMAT
                   " with phase prefill)",
                   c->kv_len);
    if (!ts_precision_valid(c->precision.weights) ||
        !ts_precision_valid(c->precision.activations) || !ts_precision_valid(c->precision.outputs))
        return bad(error, TS_CONFIG_ERROR_REFERENCE, "precision: unsupported (got %u/%u/%u bits)",
                   c->precision.weights.bits, c->precision.activations.bits,
                   c->precision.outputs.bits);
    if (c->lut_vec_len != 0 || c->lut_centroids != 0) {
        if (c->lut_vec_len == 0 || c->lut_centroids == 0)
            return bad(error, TS_CONFIG_ERROR_RANGE,
                       "lut: vec_len and centroids must both be > 0 (got vec_len %u, "
                       "centroids %u)",
                       c->lut_vec_len, c->lut_centroids);
        if (c->hidden % c->lut_vec_len != 0 || c->ffn % c->lut_vec_len != 0)
            return bad(error, TS_CONFIG_ERROR_INVALID,
                       "lut.vec_len: must divide the reduction dims hidden and ffn (got vec_len "
                       "%u, hidden %" G_GUINT64_FORMAT ", ffn %" G_GUINT64_FORMAT ")",
                       c->lut_vec_len, c->hidden, c->ffn);
    }
    /* Every per-op product the constructors form is bounded by one of these; checked here
     * so they can multiply freely (ts_op_check checks the ops again). */
    uint64_t kv = c->phase == TS_PHASE_DECODE ? (c->kv_len ? c->kv_len : c->seq) : c->seq;
    uint64_t wide = MAX(3 * (c->hidden > G_MAXUINT64 / 3 ? G_MAXUINT64 / 3 : c->hidden), c->ffn);
    uint64_t cent = MAX(c->lut_centroids, 1u);
    const uint64_t products[][4] = {
        {c->seq, c->batch, wide, cent}, /* tokens x widest feature dim (x centroids) */
        {c->hidden, wide, cent, 1},     /* weights / LUT tables */
        {kv, kv, c->heads, c->batch},   /* attention scores of all heads */
        {kv, c->hidden, c->batch, 1},   /* K / V of all heads */
    };
    for (guint i = 0; i < G_N_ELEMENTS(products); i++) {
        uint64_t x = 1;
        for (guint j = 0; j < 4; j++) {
            if (!g_uint64_checked_mul(&x, x, products[i][j]) || x > (uint64_t)G_MAXINT64)
                return bad(error, TS_CONFIG_ERROR_RANGE,
                           "model sizes overflow 64-bit counts (got hidden %" G_GUINT64_FORMAT
                           ", ffn %" G_GUINT64_FORMAT ", seq %" G_GUINT64_FORMAT
                           ", batch %" G_GUINT64_FORMAT ", kv_len %" G_GUINT64_FORMAT ")",
                           c->hidden, c->ffn, c->seq, c->batch, c->kv_len);
        }
    }
    return TRUE;
}

TsWorkload *ts_transformer_build(const char *name, const TsTransformerConfig *cfg, GError **error)
{
    g_return_val_if_fail(name != NULL && cfg != NULL, NULL);
    if (!check_config(cfg, error))
        return NULL;
    TsTransformerConfig c = *cfg;
    g_autoptr(TsWorkload) w = ts_workload_new_empty(name, TS_WORKLOAD_SOURCE_MODEL, NULL);
    if (c.phase == TS_PHASE_DECODE && c.kv_len == 0) {
        c.kv_len = c.seq;
        ts_workload_add_note(w, "decode: kv_len not given, using seq = %" G_GUINT64_FORMAT, c.seq);
    }
    w->has_config = TRUE;
    w->config = c;
    uint64_t head_dim = c.hidden / c.heads;
    /* Tokens through the projections (weights shared across the batch) and query / key
     * lengths of attention. Decode: one new token per sequence against kv_len keys. */
    uint64_t tokens, q_len, k_len;
    if (c.phase == TS_PHASE_DECODE) {
        tokens = c.batch;
        q_len = 1;
        k_len = c.kv_len;
    } else {
        tokens = c.seq * c.batch;
        q_len = c.seq;
        k_len = c.seq;
    }
    uint64_t per_head = c.heads * c.batch;
    const TsPrecisionSet *p = &c.precision;
    gboolean lut = c.lut_vec_len != 0;
    TsOp op;
#define APPEND()                                                                                   \
    do {                                                                                           \
        if (!ts_workload_append(w, &op, NULL, NULL, error))                                        \
            return NULL;                                                                           \
    } while (0)
#define WEIGHT_GEMM(nm, d, e)                                                                      \
    do {                                                                                           \
        if (lut)                                                                                   \
            lut_op(&op, nm, d, e, tokens, 1, &c);                                                  \
        else                                                                                       \
            gemm_op(&op, nm, d, e, tokens, 1, p, TRUE);                                            \
        APPEND();                                                                                  \
    } while (0)

    WEIGHT_GEMM("KQV", 3 * c.hidden, c.hidden);
    gemm_op(&op, "KTQ", k_len, head_dim, q_len, per_head, p, FALSE);
    APPEND();
    nonlinear_op(&op, "softmax", TS_EW_SOFTMAX, q_len, k_len, c.softmax_passes, per_head, 0, p,
                 c.nonlinear);
    APPEND();
    gemm_op(&op, "VScores", head_dim, k_len, q_len, per_head, p, FALSE);
    APPEND();
    WEIGHT_GEMM("Out", c.hidden, c.hidden);
    nonlinear_op(&op, "layernorm", TS_EW_LAYERNORM, tokens, c.hidden, 3, 1, 2 * c.hidden, p,
                 c.nonlinear);
    APPEND();
    WEIGHT_GEMM("FF1", c.ffn, c.hidden);
    if (c.activation_op) {
        nonlinear_op(&op, ts_elementwise_kind_name(c.activation), c.activation, tokens, c.ffn, 1, 1,
                     0, p, c.nonlinear);
        APPEND();
    }
    WEIGHT_GEMM("FF2", c.hidden, c.ffn);
    nonlinear_op(&op, "layernorm", TS_EW_LAYERNORM, tokens, c.hidden, 3, 1, 2 * c.hidden, p,
                 c.nonlinear);
    APPEND();
#undef WEIGHT_GEMM
#undef APPEND
    if (!ts_workload_finish(w, NULL, NULL, error))
        return NULL;
    return g_steal_pointer(&w);
}
