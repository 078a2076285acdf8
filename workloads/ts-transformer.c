/* Transformer layer builders: model presets (BERT, GPT-2, ViT, and the LLaMA family), one
 * encoder/decoder layer as KQV, KTQ, softmax, VScores, Out, residual, layernorm, FF1, gelu, FF2,
 * residual, layernorm (the activation and the residual adds can be turned off; LLaMA: RMSNorm,
 * Q/K/V with grouped-query attention, rotary embeddings, SwiGLU) with the Timeloop experiments'
 * dimension convention (D output features, E reduction, L tokens; tensors Weights[E,D],
 * Inputs[E,L], Outputs[D,L]), prefill or decode against a KV cache, precision presets, LUT-NN
 * (PIM-DL) replacement of the weight GEMMs, and the ops of a whole model around its layers
 * (embedding, final norm, LM head). */
#include "ts-workload.h"

#include <stdarg.h>
#include <string.h>

#include "ts-workload-private.h"

typedef struct {
    const char *name;
    uint64_t hidden, heads, ffn, layers, seq;
    gboolean causal;
    const char *source;
    TsModelFamily family;
    uint64_t kv_heads, vocab, sliding_window; /* kv_heads 0 = heads */
} TsModelPreset;

/* hidden, heads, ffn, layers, vocab from the published configs (the Hugging Face config.json
 * of each checkpoint named); seq: 128 for language models (the default of docs/cli.md), the
 * patch count + class token at 224x224 for ViT (196+1, 256+1), which has no vocabulary. */
static const TsModelPreset models[] = {
    {"bert-base", 768, 12, 3072, 12, 128, FALSE, "BERT-base (Devlin et al. 2019)", .vocab = 30522},
    {"bert-large", 1024, 16, 4096, 24, 128, FALSE, "BERT-large (Devlin et al. 2019)",
     .vocab = 30522},
    {"gpt2-small", 768, 12, 3072, 12, 128, TRUE, "GPT-2 small, 124M (Radford et al. 2019)",
     .vocab = 50257},
    {"gpt2-medium", 1024, 16, 4096, 24, 128, TRUE, "GPT-2 medium, 355M", .vocab = 50257},
    {"vit-base", 768, 12, 3072, 12, 197, FALSE, "ViT-B/16 at 224x224 (Dosovitskiy et al. 2021)",
     .vocab = 0},
    {"vit-huge", 1280, 16, 5120, 32, 257, FALSE, "ViT-H/14 at 224x224", .vocab = 0},
    {"llama2-7b", 4096, 32, 11008, 32, 128, TRUE,
     "Llama 2 7B (Touvron et al. 2023; meta-llama/Llama-2-7b-hf)", TS_FAMILY_LLAMA, 32, 32000, 0},
    {"llama3-8b", 4096, 32, 14336, 32, 128, TRUE,
     "Llama 3 8B (Meta 2024; meta-llama/Meta-Llama-3-8B)", TS_FAMILY_LLAMA, 8, 128256, 0},
    {"mistral-7b", 4096, 32, 14336, 32, 128, TRUE,
     "Mistral 7B (Jiang et al. 2023; mistralai/Mistral-7B-v0.1)", TS_FAMILY_LLAMA, 8, 32000, 4096},
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
    cfg->activation_op = TRUE;
    cfg->residual_ops = TRUE;
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
            cfg->family = models[i].family;
            cfg->kv_heads = models[i].kv_heads ? models[i].kv_heads : models[i].heads;
            cfg->vocab = models[i].vocab;
            cfg->sliding_window = models[i].sliding_window;
            if (cfg->family == TS_FAMILY_LLAMA)
                cfg->activation_op = FALSE; /* SwiGLU's silu is part of the layer */
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
        op->tensors[0].role = TS_TENSOR_PARAMETERS;
        op->param_elements = d * e; /* checked by the config validation */
        op->param_precision = p->weights;
    } else {
        op->param_precision = p->activations;
    }
}

/* A decode step's attention reads the key/value cache (its Weights operand, K or V), kept
 * from step to step; in prefill K and V are this pass's activations. */
static void kv_cache_role(TsOp *op, const TsTransformerConfig *c)
{
    if (c->phase == TS_PHASE_DECODE)
        op->tensors[0].role = TS_TENSOR_KV_CACHE;
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

/* Residual add over rows x cols: Inputs[E,L] + Residual[E,L] -> Outputs[E,L], one pass
 * (always elementwise: it has no einsum form in the Timeloop experiments). */
static void residual_op(TsOp *op, uint64_t rows, uint64_t cols, const TsPrecisionSet *p)
{
    memset(op, 0, sizeof *op);
    op->name = "residual";
    op->count = 1;
    static const char *const names[] = {"L", "E", "D"};
    const uint64_t sizes[] = {rows, cols, 1};
    set_dims(op, names, sizes, 3);
    enum { L, E };
    op->kind = TS_OP_ELEMENTWISE;
    op->ew_kind = TS_EW_ADD;
    op->elements = rows * cols;
    op->passes = 1;
    op->param_precision = p->activations;
    set_tensor(op, 0, "Inputs", (const int[]){E, L}, 2, FALSE, p->activations);
    set_tensor(op, 1, "Residual", (const int[]){E, L}, 2, FALSE, p->activations);
    set_tensor(op, 2, "Outputs", (const int[]){E, L}, 2, TRUE, p->activations);
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
    op->tensors[2].role = TS_TENSOR_PARAMETERS;
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
    uint64_t kvh = c->kv_heads ? c->kv_heads : c->heads;
    if (kvh > c->heads || c->heads % kvh != 0)
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "kv_heads: must divide heads (got heads %" G_GUINT64_FORMAT
                   ", kv_heads %" G_GUINT64_FORMAT ")",
                   c->heads, kvh);
    if (c->family != TS_FAMILY_LLAMA && (kvh != c->heads || c->sliding_window != 0))
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "%s: grouped-query attention and sliding windows are built for family llama "
                   "(got family transformer with kv_heads %" G_GUINT64_FORMAT
                   ", sliding_window %" G_GUINT64_FORMAT ")",
                   kvh != c->heads ? "kv_heads" : "sliding_window", kvh, c->sliding_window);
    if (c->family == TS_FAMILY_LLAMA && c->activation_op)
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "activation_op: a llama layer always has its SwiGLU silu and mul ops (got "
                   "activation_op true with family llama)");
    if (c->family == TS_FAMILY_LLAMA && !c->residual_ops)
        return bad(error, TS_CONFIG_ERROR_INVALID,
                   "residual_ops: a llama layer always has its attn_add and ffn_add ops (got "
                   "residual_ops false with family llama)");
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
    wide = MAX(wide, c->vocab);
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

static gboolean build_llama_layer(TsWorkload *w, const TsTransformerConfig *c, GError **error);

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
    if (c.family == TS_FAMILY_LLAMA) {
        if (!build_llama_layer(w, &c, error))
            return NULL;
        return g_steal_pointer(&w);
    }
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
/* The add & norm after attention and after the feed-forward block: the residual add (with
 * residual_ops) and the layernorm over the tokens. */
#define ADD_NORM()                                                                                 \
    do {                                                                                           \
        if (c.residual_ops) {                                                                      \
            residual_op(&op, tokens, c.hidden, p);                                                 \
            APPEND();                                                                              \
        }                                                                                          \
        nonlinear_op(&op, "layernorm", TS_EW_LAYERNORM, tokens, c.hidden, 3, 1, 2 * c.hidden, p,   \
                     c.nonlinear);                                                                 \
        APPEND();                                                                                  \
    } while (0)

    WEIGHT_GEMM("KQV", 3 * c.hidden, c.hidden);
    gemm_op(&op, "KTQ", k_len, head_dim, q_len, per_head, p, FALSE);
    kv_cache_role(&op, &c);
    APPEND();
    nonlinear_op(&op, "softmax", TS_EW_SOFTMAX, q_len, k_len, c.softmax_passes, per_head, 0, p,
                 c.nonlinear);
    APPEND();
    gemm_op(&op, "VScores", head_dim, k_len, q_len, per_head, p, FALSE);
    kv_cache_role(&op, &c);
    APPEND();
    WEIGHT_GEMM("Out", c.hidden, c.hidden);
    ADD_NORM();
    WEIGHT_GEMM("FF1", c.ffn, c.hidden);
    if (c.activation_op) {
        nonlinear_op(&op, ts_elementwise_kind_name(c.activation), c.activation, tokens, c.ffn, 1, 1,
                     0, p, c.nonlinear);
        APPEND();
    }
    WEIGHT_GEMM("FF2", c.hidden, c.ffn);
    ADD_NORM();
#undef ADD_NORM
#undef WEIGHT_GEMM
#undef APPEND
    if (!ts_workload_finish(w, NULL, NULL, error))
        return NULL;
    return g_steal_pointer(&w);
}

/* ---- LLaMA family ---- */

/* Keys a query attends: the sequence (prefill) or the KV cache (decode), capped by the
 * sliding window. */
static uint64_t attended_keys(const TsTransformerConfig *c)
{
    uint64_t keys = c->phase == TS_PHASE_DECODE ? c->kv_len : c->seq;
    return c->sliding_window && c->sliding_window < keys ? c->sliding_window : keys;
}

/* A projection of tokens x e -> d with its weights (or its LUT-NN replacement). */
static gboolean add_weight_gemm(TsWorkload *w, const char *name, uint64_t d, uint64_t e,
                                uint64_t tokens, const TsTransformerConfig *c, GError **error)
{
    TsOp op;
    if (c->lut_vec_len != 0)
        lut_op(&op, name, d, e, tokens, 1, c);
    else
        gemm_op(&op, name, d, e, tokens, 1, &c->precision, TRUE);
    return ts_workload_append(w, &op, NULL, NULL, error);
}

/* An elementwise op over rows x cols, count times, with params parameters. */
static gboolean add_elementwise(TsWorkload *w, const char *name, TsElementwiseKind kind,
                                uint64_t rows, uint64_t cols, uint32_t passes, uint64_t count,
                                uint64_t params, const TsTransformerConfig *c, GError **error)
{
    TsOp op;
    nonlinear_op(&op, name, kind, rows, cols, passes, count, params, &c->precision, c->nonlinear);
    return ts_workload_append(w, &op, NULL, NULL, error);
}

/* An attention product (K or V are activations), count times. */
static gboolean add_attention(TsWorkload *w, const char *name, uint64_t d, uint64_t e, uint64_t l,
                              uint64_t count, const TsTransformerConfig *c, GError **error)
{
    TsOp op;
    gemm_op(&op, name, d, e, l, count, &c->precision, FALSE);
    kv_cache_role(&op, c);
    return ts_workload_append(w, &op, NULL, NULL, error);
}

/* One LLaMA decoder layer (Hugging Face's LlamaDecoderLayer order): attn_norm, Q, K, V, rope,
 * KTQ, softmax, VScores, Out, attn_add, ffn_norm, gate, silu, up, mul, down, ffn_add.
 * Grouped-query attention: the heads / kv_heads query heads of a group share one K and V, so
 * KTQ and VScores run once per KV head and sequence with the group's queries side by side
 * (L = queries x group), reading each K and V once. */
static gboolean build_llama_layer(TsWorkload *w, const TsTransformerConfig *c, GError **error)
{
    const uint64_t h = c->hidden, hd = h / c->heads;
    const uint64_t kvh = c->kv_heads ? c->kv_heads : c->heads;
    const uint64_t group = c->heads / kvh;
    const uint64_t t = c->phase == TS_PHASE_DECODE ? c->batch : c->seq * c->batch;
    const uint64_t q_len = c->phase == TS_PHASE_DECODE ? 1 : c->seq;
    const uint64_t k_len = attended_keys(c);
    return add_elementwise(w, "attn_norm", TS_EW_RMSNORM, t, h, 2, 1, h, c, error) &&
           add_weight_gemm(w, "Q", h, h, t, c, error) &&
           add_weight_gemm(w, "K", kvh * hd, h, t, c, error) &&
           add_weight_gemm(w, "V", kvh * hd, h, t, c, error) &&
           add_elementwise(w, "rope", TS_EW_ROPE, t, (c->heads + kvh) * hd, 1, 1, 0, c, error) &&
           add_attention(w, "KTQ", k_len, hd, q_len * group, kvh * c->batch, c, error) &&
           add_elementwise(w, "softmax", TS_EW_SOFTMAX, q_len, k_len, c->softmax_passes,
                           c->heads * c->batch, 0, c, error) &&
           add_attention(w, "VScores", hd, k_len, q_len * group, kvh * c->batch, c, error) &&
           add_weight_gemm(w, "Out", h, h, t, c, error) &&
           add_elementwise(w, "attn_add", TS_EW_ADD, t, h, 1, 1, 0, c, error) &&
           add_elementwise(w, "ffn_norm", TS_EW_RMSNORM, t, h, 2, 1, h, c, error) &&
           add_weight_gemm(w, "gate", c->ffn, h, t, c, error) &&
           add_elementwise(w, "silu", TS_EW_SILU, t, c->ffn, 1, 1, 0, c, error) &&
           add_weight_gemm(w, "up", c->ffn, h, t, c, error) &&
           add_elementwise(w, "mul", TS_EW_MUL, t, c->ffn, 1, 1, 0, c, error) &&
           add_weight_gemm(w, "down", h, c->ffn, t, c, error) &&
           add_elementwise(w, "ffn_add", TS_EW_ADD, t, h, 1, 1, 0, c, error) &&
           ts_workload_finish(w, NULL, NULL, error);
}

/* ---- Ops around the layers of a whole model ---- */

static TsWorkload *model_part_new(const char *name, const TsTransformerConfig *cfg,
                                  uint64_t *tokens, GError **error)
{
    if (!check_config(cfg, error))
        return NULL;
    if (cfg->vocab == 0) {
        bad(error, TS_CONFIG_ERROR_INVALID,
            "vocab: a whole model needs a vocabulary for its embedding and LM head (got none%s%s)",
            cfg->model ? " for model " : "", cfg->model ? cfg->model : "");
        return NULL;
    }
    TsWorkload *w = ts_workload_new_empty(name, TS_WORKLOAD_SOURCE_MODEL, NULL);
    w->has_config = TRUE;
    w->config = *cfg;
    if (cfg->phase == TS_PHASE_DECODE && w->config.kv_len == 0)
        w->config.kv_len = cfg->seq;
    *tokens = cfg->phase == TS_PHASE_DECODE ? cfg->batch : cfg->seq * cfg->batch;
    return w;
}

/* Appends the n ops to *w and finishes it: the workload (stolen from *w), or NULL. */
static TsWorkload *model_part_finish(TsWorkload **w, const TsOp *ops, guint n, GError **error)
{
    for (guint i = 0; i < n; i++) {
        if (!ts_workload_append(*w, &ops[i], NULL, NULL, error))
            return NULL;
    }
    if (!ts_workload_finish(*w, NULL, NULL, error))
        return NULL;
    return g_steal_pointer(w);
}

TsWorkload *ts_transformer_build_embedding(const char *name, const TsTransformerConfig *cfg,
                                           GError **error)
{
    g_return_val_if_fail(name != NULL && cfg != NULL, NULL);
    uint64_t tokens;
    g_autoptr(TsWorkload) w = model_part_new(name, cfg, &tokens, error);
    if (w == NULL)
        return NULL;
    /* The lookup: token ids (int32) in, one hidden-wide table row per token read (the
     * parameters this op touches) and written out. Dims [L, E, D = 1 pass]. */
    TsOp op;
    memset(&op, 0, sizeof op);
    op.name = "embed";
    op.kind = TS_OP_ELEMENTWISE;
    op.ew_kind = TS_EW_EMBED;
    op.count = 1;
    static const char *const names[] = {"L", "E", "D"};
    const uint64_t sizes[] = {tokens, cfg->hidden, 1};
    set_dims(&op, names, sizes, 3);
    set_tensor(&op, 0, "Inputs", (const int[]){0}, 1, FALSE, (TsPrecision){32, TS_NUM_INT});
    set_tensor(&op, 1, "Outputs", (const int[]){1, 0}, 2, TRUE, cfg->precision.activations);
    op.elements = tokens * cfg->hidden;
    op.passes = 1;
    op.param_elements = tokens * cfg->hidden;
    op.param_precision = cfg->precision.weights;
    return model_part_finish(&w, &op, 1, error);
}

TsWorkload *ts_transformer_build_head(const char *name, const TsTransformerConfig *cfg,
                                      GError **error)
{
    g_return_val_if_fail(name != NULL && cfg != NULL, NULL);
    uint64_t tokens;
    g_autoptr(TsWorkload) w = model_part_new(name, cfg, &tokens, error);
    if (w == NULL)
        return NULL;
    TsOp ops[2];
    if (cfg->family == TS_FAMILY_LLAMA)
        nonlinear_op(&ops[0], "final_norm", TS_EW_RMSNORM, tokens, cfg->hidden, 2, 1, cfg->hidden,
                     &cfg->precision, cfg->nonlinear);
    else
        nonlinear_op(&ops[0], "final_norm", TS_EW_LAYERNORM, tokens, cfg->hidden, 3, 1,
                     2 * cfg->hidden, &cfg->precision, cfg->nonlinear);
    gemm_op(&ops[1], "lm_head", cfg->vocab, cfg->hidden, tokens, 1, &cfg->precision, TRUE);
    return model_part_finish(&w, ops, 2, error);
}
