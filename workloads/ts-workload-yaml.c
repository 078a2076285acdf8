/* tilesim workload YAML: a top-level `workload:` mapping that either configures a transformer
 * model (model preset, sizes, phase, precision preset, LUT-NN) or lists explicit ops
 * (einsums with dims, tensors, projections and precisions; elementwise ops; LUT ops; Timeloop
 * problem files included as ops). Schema tables from common/ts-config.h; every error names
 * file:line:col and the key path. */
#include "ts-workload.h"

#include <stddef.h>
#include <string.h>

#include "ts-workload-private.h"

typedef struct {
    const char *name, *description, *model;
    guint64 hidden, heads, ffn, layers, seq, batch, kv_len, softmax_passes;
    guint64 kv_heads, vocab, sliding_window;
    int phase, nonlinear, activation, family;
    gboolean activation_op, residual_ops, causal;
    const TsNode *precision, *lut, *variables, *ops, *fusion;
} TsWorkloadFile;

static const char *const phase_choices[] = {"prefill", "decode", NULL};
static const char *const nonlinear_choices[] = {"elementwise", "einsum", NULL};
static const char *const activation_choices[] = {"gelu", "silu", NULL};
static const char *const family_choices[] = {"transformer", "llama", NULL};

#define POS(k, m, d)                                                                               \
    {                                                                                              \
        .key = k, .type = TS_FIELD_UINT, .min_exclusive = TRUE, .max = 9.2e18,                     \
        .offset = offsetof(TsWorkloadFile, m), .doc = d                                            \
    }

/* Bit i of the set mask is field i: keep the enum below in step. */
static const TsField file_fields[] = {
    {.key = "name",
     .type = TS_FIELD_STRING,
     .offset = offsetof(TsWorkloadFile, name),
     .doc = "workload name (default: the file name)"},
    {.key = "description",
     .type = TS_FIELD_STRING,
     .offset = offsetof(TsWorkloadFile, description),
     .doc = "free text"},
    {.key = "model",
     .type = TS_FIELD_STRING,
     .offset = offsetof(TsWorkloadFile, model),
     .doc = "model preset: bert-base, bert-large, gpt2-small, gpt2-medium, vit-base, vit-huge"},
    POS("hidden", hidden, "hidden size (D of KQV's E)"),
    POS("heads", heads, "attention heads; must divide hidden"),
    POS("ffn", ffn, "feed-forward inner size"),
    POS("layers", layers, "layers in the model (reported; ops are one layer)"),
    POS("seq", seq, "sequence length (prefill tokens per sequence)"),
    POS("batch", batch, "sequences per batch"),
    POS("kv_len", kv_len, "decode: keys attended (KV cache incl. the new token)"),
    {.key = "phase",
     .type = TS_FIELD_ENUM,
     .choices = phase_choices,
     .offset = offsetof(TsWorkloadFile, phase),
     .doc = "prefill or decode"},
    {.key = "softmax_passes",
     .type = TS_FIELD_UINT,
     .min = 1,
     .max = 3,
     .offset = offsetof(TsWorkloadFile, softmax_passes),
     .doc = "sweeps of softmax: 2 (Timeloop D=2) or 3 (max subtraction)"},
    {.key = "nonlinear",
     .type = TS_FIELD_ENUM,
     .choices = nonlinear_choices,
     .offset = offsetof(TsWorkloadFile, nonlinear),
     .doc = "softmax/layernorm as elementwise ops or as Timeloop einsums"},
    {.key = "activation_op",
     .type = TS_FIELD_BOOL,
     .offset = offsetof(TsWorkloadFile, activation_op),
     .doc = "the FF activation (gelu/silu) after FF1 (default true)"},
    {.key = "activation",
     .type = TS_FIELD_ENUM,
     .choices = activation_choices,
     .offset = offsetof(TsWorkloadFile, activation),
     .doc = "FF activation"},
    {.key = "residual_ops",
     .type = TS_FIELD_BOOL,
     .offset = offsetof(TsWorkloadFile, residual_ops),
     .doc = "the two residual adds (after Out and FF2) as elementwise ops (default true)"},
    {.key = "causal",
     .type = TS_FIELD_BOOL,
     .offset = offsetof(TsWorkloadFile, causal),
     .doc = "decoder-style mask (informational)"},
    {.key = "precision",
     .type = TS_FIELD_NODE,
     .offset = offsetof(TsWorkloadFile, precision),
     .doc = "preset name or {weights, activations, outputs}"},
    {.key = "lut",
     .type = TS_FIELD_NODE,
     .offset = offsetof(TsWorkloadFile, lut),
     .doc = "LUT-NN: {vec_len, centroids, index, table, acc}"},
    {.key = "variables",
     .type = TS_FIELD_NODE,
     .offset = offsetof(TsWorkloadFile, variables),
     .doc = "names for dims of explicit ops and included Timeloop problems"},
    {.key = "ops",
     .type = TS_FIELD_NODE,
     .offset = offsetof(TsWorkloadFile, ops),
     .doc = "explicit ops (instead of a model)"},
    {.key = "family",
     .type = TS_FIELD_ENUM,
     .choices = family_choices,
     .offset = offsetof(TsWorkloadFile, family),
     .doc = "layer structure: transformer (BERT, GPT-2, ViT) or llama (RMSNorm, GQA, RoPE, "
            "SwiGLU)"},
    POS("kv_heads", kv_heads,
        "key/value heads (grouped-query attention, llama); must divide heads"),
    {.key = "vocab",
     .type = TS_FIELD_UINT,
     .max = 9.2e18,
     .offset = offsetof(TsWorkloadFile, vocab),
     .doc = "vocabulary (embedding rows, LM head outputs; whole-model runs); 0 = none"},
    {.key = "sliding_window",
     .type = TS_FIELD_UINT,
     .max = 9.2e18,
     .offset = offsetof(TsWorkloadFile, sliding_window),
     .doc = "llama: most keys a query attends (Mistral's 4096); 0 = unlimited"},
    {.key = "fusion",
     .type = TS_FIELD_NODE,
     .offset = offsetof(TsWorkloadFile, fusion),
     .doc = "ops fused with their intermediates on chip: {group: attention, level: NAME} "
            "(level optional; as --fuse / --fuse-level)"},
    {NULL},
};

enum {
    FB_NAME,
    FB_DESCRIPTION,
    FB_MODEL,
    FB_HIDDEN,
    FB_HEADS,
    FB_FFN,
    FB_LAYERS,
    FB_SEQ,
    FB_BATCH,
    FB_KV_LEN,
    FB_PHASE,
    FB_SOFTMAX,
    FB_NONLINEAR,
    FB_ACTOP,
    FB_ACTIVATION,
    FB_RESIDUAL,
    FB_CAUSAL,
    FB_PRECISION,
    FB_LUT,
    FB_VARIABLES,
    FB_OPS,
    FB_FAMILY,
    FB_KV_HEADS,
    FB_VOCAB,
    FB_WINDOW,
    FB_FUSION,
};
#define HAS(mask, bit) (((mask) >> (bit)) & 1)

static char *file_stem(const char *filename)
{
    g_autofree char *base = g_path_get_basename(filename);
    if (g_str_has_suffix(base, ".yaml") && strlen(base) > 5)
        base[strlen(base) - 5] = '\0';
    else if (g_str_has_suffix(base, ".yml") && strlen(base) > 4)
        base[strlen(base) - 4] = '\0';
    return g_steal_pointer(&base);
}

/* Places a position-less builder error at the key it names ("heads: must divide ..."). */
static void place_error(GError **error, GError *local, const TsNode *wnode)
{
    const char *msg = local->message;
    const char *colon = strchr(msg, ':');
    const TsNode *at = wnode;
    g_autofree char *key = colon ? g_strndup(msg, (gsize)(colon - msg)) : NULL;
    if (key != NULL && strchr(key, ' ') == NULL) {
        g_auto(GStrv) parts = g_strsplit(key, ".", -1);
        const TsNode *n = wnode;
        for (guint i = 0; parts[i] && n && n->kind == TS_NODE_MAPPING; i++)
            n = ts_node_get(n, parts[i]);
        if (n != NULL)
            at = n;
        ts_config_error(error, at, (TsConfigError)local->code, NULL, "workload.%s", msg);
    } else {
        ts_config_error(error, at, (TsConfigError)local->code, "workload", "%s", msg);
    }
}

/* ---- Model workloads ---- */

static gboolean parse_lut(const TsNode *lut, TsTransformerConfig *cfg, GError **error)
{
    typedef struct {
        guint64 vec_len, centroids;
        const TsNode *index, *table, *acc;
    } TsLutFile;
    static const TsField fields[] = {
        {.key = "vec_len",
         .type = TS_FIELD_UINT,
         .required = TRUE,
         .min = 1,
         .max = 65536,
         .offset = offsetof(TsLutFile, vec_len),
         .doc = "sub-vector length V"},
        {.key = "centroids",
         .type = TS_FIELD_UINT,
         .required = TRUE,
         .min = 1,
         .max = 4294967295.0,
         .offset = offsetof(TsLutFile, centroids),
         .doc = "centroids per codebook C"},
        {.key = "index",
         .type = TS_FIELD_NODE,
         .offset = offsetof(TsLutFile, index),
         .doc = "index precision (uint16)"},
        {.key = "table",
         .type = TS_FIELD_NODE,
         .offset = offsetof(TsLutFile, table),
         .doc = "table entry precision (int8)"},
        {.key = "acc",
         .type = TS_FIELD_NODE,
         .offset = offsetof(TsLutFile, acc),
         .doc = "accumulator precision (int32)"},
        {NULL},
    };
    if (lut == NULL || ts_node_is_null(lut))
        return TRUE;
    TsLutFile f = {0};
    if (!ts_schema_apply(fields, lut, "workload.lut", &f, NULL, FALSE, error))
        return FALSE;
    cfg->lut_vec_len = (uint32_t)f.vec_len;
    cfg->lut_centroids = (uint32_t)f.centroids;
    if (f.index && !ts_precision_from_node(f.index, "workload.lut.index", &cfg->lut_index, error))
        return FALSE;
    if (f.table && !ts_precision_from_node(f.table, "workload.lut.table", &cfg->lut_table, error))
        return FALSE;
    if (f.acc && !ts_precision_from_node(f.acc, "workload.lut.acc", &cfg->lut_acc, error))
        return FALSE;
    return TRUE;
}

static TsWorkload *load_model(const TsNode *wnode, const TsWorkloadFile *f, guint64 mask,
                              const char *path, const TsWorkloadOverrides *ov, GError **error)
{
    if (HAS(mask, FB_VARIABLES)) {
        ts_config_error(error, f->variables, TS_CONFIG_ERROR_INVALID, "workload.variables",
                        "variables apply to explicit ops, not to a model workload (got a "
                        "variables mapping)");
        return NULL;
    }
    TsTransformerConfig cfg;
    g_autoptr(GError) local = NULL;
    if (!ts_transformer_config_init(&cfg, f->model, &local)) {
        ts_config_error(error, ts_node_get(wnode, "model"), (TsConfigError)local->code,
                        "workload.model", "%s", local->message);
        return NULL;
    }
    if (f->model == NULL) {
        static const int need[] = {FB_HIDDEN, FB_HEADS, FB_FFN};
        for (guint i = 0; i < G_N_ELEMENTS(need); i++) {
            if (!HAS(mask, need[i])) {
                ts_config_error(error, wnode, TS_CONFIG_ERROR_MISSING, "workload",
                                "missing required key '%s': give a model preset or hidden, "
                                "heads and ffn (got neither)",
                                file_fields[need[i]].key);
                return NULL;
            }
        }
    }
    const gboolean preset_mha = cfg.kv_heads == cfg.heads;
    if (HAS(mask, FB_HIDDEN))
        cfg.hidden = f->hidden;
    if (HAS(mask, FB_HEADS))
        cfg.heads = f->heads;
    if (HAS(mask, FB_FFN))
        cfg.ffn = f->ffn;
    if (HAS(mask, FB_LAYERS))
        cfg.layers = f->layers;
    if (HAS(mask, FB_SEQ))
        cfg.seq = f->seq;
    if (HAS(mask, FB_BATCH))
        cfg.batch = f->batch;
    if (HAS(mask, FB_KV_LEN))
        cfg.kv_len = f->kv_len;
    if (HAS(mask, FB_PHASE))
        cfg.phase = f->phase == 1 ? TS_PHASE_DECODE : TS_PHASE_PREFILL;
    if (HAS(mask, FB_SOFTMAX))
        cfg.softmax_passes = (uint32_t)f->softmax_passes;
    if (HAS(mask, FB_NONLINEAR))
        cfg.nonlinear = f->nonlinear == 1 ? TS_NONLINEAR_EINSUM : TS_NONLINEAR_ELEMENTWISE;
    if (HAS(mask, FB_ACTOP))
        cfg.activation_op = f->activation_op;
    if (HAS(mask, FB_ACTIVATION))
        cfg.activation = f->activation == 1 ? TS_EW_SILU : TS_EW_GELU;
    if (HAS(mask, FB_RESIDUAL))
        cfg.residual_ops = f->residual_ops;
    if (HAS(mask, FB_CAUSAL))
        cfg.causal = f->causal;
    if (HAS(mask, FB_FAMILY)) {
        cfg.family = f->family == 1 ? TS_FAMILY_LLAMA : TS_FAMILY_TRANSFORMER;
        if (cfg.family == TS_FAMILY_LLAMA && !HAS(mask, FB_ACTOP))
            cfg.activation_op = FALSE; /* SwiGLU's silu is part of the layer */
    }
    /* kv_heads: as given; else a preset's multi-head attention (kv_heads = heads) follows a
     * changed heads, and a preset's grouped-query kv_heads stays as published. */
    if (HAS(mask, FB_KV_HEADS))
        cfg.kv_heads = f->kv_heads;
    else if (HAS(mask, FB_HEADS) && preset_mha)
        cfg.kv_heads = 0;
    if (HAS(mask, FB_VOCAB))
        cfg.vocab = f->vocab;
    if (HAS(mask, FB_WINDOW))
        cfg.sliding_window = f->sliding_window;
    if (HAS(mask, FB_PRECISION) &&
        !ts_precision_set_from_node(f->precision, "workload.precision", &cfg.precision,
                                    &cfg.precision_name, error))
        return NULL;
    if (!parse_lut(f->lut, &cfg, error))
        return NULL;
    if (ov != NULL && !ts_transformer_apply_overrides(&cfg, ov, &local)) {
        /* the value at fault is an option, not a place in the file: name the file after it */
        g_set_error(error, TS_CONFIG_ERROR, local->code, "%s (workload %s)", local->message, path);
        return NULL;
    }
    g_autofree char *stem = file_stem(path);
    TsWorkload *w = ts_transformer_build(f->name ? f->name : stem, &cfg, &local);
    if (w == NULL) {
        place_error(error, local, wnode);
        return NULL;
    }
    w->path = g_strdup(path);
    return w;
}

/* ---- Explicit ops ---- */

typedef struct {
    const char *path; /* workload file (for includes) */
    TsVars *vars;
    TsPrecisionSet precision;
    gboolean precision_given;
    TsWorkload *w;
} TsOpsCtx;

static const char *const op_kinds[] = {"einsum", "softmax", "layernorm", "gelu", "silu", "add",
                                       "lut",    "rmsnorm", "rope",      "mul",  NULL};

static gboolean eval_key(TsOpsCtx *ctx, const TsNode *map, const char *path, const char *key,
                         gboolean required, uint64_t min, uint64_t *out, GError **error)
{
    const TsNode *n = ts_node_get(map, key);
    if (n == NULL) {
        if (required) {
            ts_config_error(error, map, TS_CONFIG_ERROR_MISSING, path,
                            "missing required key '%s' (got none)", key);
            return FALSE;
        }
        return TRUE;
    }
    g_autofree char *kp = ts_path_key(path, key);
    return ts_vars_eval_node(ctx->vars, n, kp, min, out, error);
}

static gboolean op_precision(TsOpsCtx *ctx, const TsNode *map, const char *path,
                             TsPrecisionSet *set, gboolean *given, GError **error)
{
    *set = ctx->precision;
    *given = ctx->precision_given;
    const TsNode *p = ts_node_get(map, "precision");
    if (p == NULL)
        return TRUE;
    *given = TRUE;
    g_autofree char *kp = ts_path_key(path, "precision");
    return ts_precision_set_from_node(p, kp, set, NULL, error);
}

static gboolean parse_einsum(TsOpsCtx *ctx, const TsNode *map, const char *path, TsOp *op,
                             GError **error)
{
    static const char *const keys[] = {"name",         "kind",      "count",  "dims", "tensors",
                                       "coefficients", "precision", "params", NULL};
    if (!ts_schema_check_keys(map, path, keys, error))
        return FALSE;
    op->kind = TS_OP_EINSUM;
    const TsNode *dims = ts_node_get(map, "dims");
    g_autofree char *dp = ts_path_key(path, "dims");
    if (dims == NULL || dims->kind != TS_NODE_MAPPING || dims->n == 0) {
        ts_config_error(
            error, dims ? dims : map, dims ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING,
            dims ? dp : path, "%s (got %s)",
            dims ? "expected a mapping of dimension names to sizes, in loop order"
                 : "missing required key 'dims'",
            dims ? (dims->kind == TS_NODE_MAPPING ? "an empty mapping" : "no mapping") : "none");
        return FALSE;
    }
    if (dims->n > TS_MAX_DIMS) {
        ts_config_error(error, dims, TS_CONFIG_ERROR_LIMIT, dp,
                        "at most %d dimensions are supported (got %u)", TS_MAX_DIMS, dims->n);
        return FALSE;
    }
    op->n_dims = (uint8_t)dims->n;
    for (guint i = 0; i < dims->n; i++) {
        const char *dn = ts_node_key(dims, i);
        g_autofree char *kp = ts_path_key(dp, dn);
        op->dim_names[i] = ts_workload_intern(ctx->w, dn);
        if (!ts_vars_eval_node(ctx->vars, ts_node_value(dims, i), kp, 1, &op->dims[i], error))
            return FALSE;
    }
    TsCoef coefs[16];
    guint n_coefs = 0;
    const TsNode *cn = ts_node_get(map, "coefficients");
    if (cn != NULL) {
        g_autofree char *cp = ts_path_key(path, "coefficients");
        if (cn->kind != TS_NODE_MAPPING || cn->n > G_N_ELEMENTS(coefs)) {
            ts_config_error(error, cn, TS_CONFIG_ERROR_TYPE, cp,
                            "expected a mapping of at most 16 coefficient names to integers "
                            "(got %s)",
                            cn->kind == TS_NODE_MAPPING ? "too many" : "no mapping");
            return FALSE;
        }
        for (guint i = 0; i < cn->n; i++) {
            g_autofree char *kp = ts_path_key(cp, ts_node_key(cn, i));
            uint64_t v;
            if (!ts_vars_eval_node(ctx->vars, ts_node_value(cn, i), kp, 0, &v, error))
                return FALSE;
            if (v > (uint64_t)G_MAXINT32) {
                ts_config_error(error, ts_node_value(cn, i), TS_CONFIG_ERROR_RANGE, kp,
                                "coefficient too large (got %" G_GUINT64_FORMAT ")", v);
                return FALSE;
            }
            coefs[n_coefs].name = ts_node_key(cn, i);
            coefs[n_coefs].value = (int64_t)v;
            n_coefs++;
        }
    }
    TsPrecisionSet set;
    gboolean given;
    if (!op_precision(ctx, map, path, &set, &given, error))
        return FALSE;
    const TsNode *tensors = ts_node_get(map, "tensors");
    g_autofree char *tp = ts_path_key(path, "tensors");
    if (tensors == NULL || tensors->kind != TS_NODE_SEQUENCE || tensors->n == 0) {
        ts_config_error(error, tensors ? tensors : map,
                        tensors ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING,
                        tensors ? tp : path, "%s (got %s)",
                        tensors ? "expected a list of tensors" : "missing required key 'tensors'",
                        tensors ? "no list or an empty one" : "none");
        return FALSE;
    }
    if (tensors->n > TS_MAX_TENSORS) {
        ts_config_error(error, tensors, TS_CONFIG_ERROR_LIMIT, tp,
                        "at most %d tensors per op are supported (got %u)", TS_MAX_TENSORS,
                        tensors->n);
        return FALSE;
    }
    static const char *const roles[] = {"weights", "activations", "outputs", "kv_cache", NULL};
    uint64_t weight_elements = 0;
    gboolean weight_overflow = FALSE;
    int output = -1;
    op->n_tensors = (uint8_t)tensors->n;
    for (guint t = 0; t < tensors->n; t++) {
        const TsNode *tn = tensors->items[t];
        g_autofree char *p = ts_path_index(tp, t);
        static const char *const tkeys[] = {"name",      "projection", "read_write", "read-write",
                                            "precision", "role",       NULL};
        if (tn->kind != TS_NODE_MAPPING) {
            ts_config_error(error, tn, TS_CONFIG_ERROR_TYPE, p,
                            "expected a tensor {name, projection, ...} (got %s)",
                            tn->kind == TS_NODE_SEQUENCE ? "a list" : tn->value);
            return FALSE;
        }
        if (!ts_schema_check_keys(tn, p, tkeys, error))
            return FALSE;
        TsTensor *ts = &op->tensors[t];
        const char *name;
        g_autofree char *np = ts_path_key(p, "name");
        if (!ts_node_string(ts_node_get(tn, "name"), np, &name, error))
            return FALSE;
        for (guint u = 0; u < t; u++) {
            if (strcmp(op->tensors[u].name, name) == 0) {
                ts_config_error(error, ts_node_get(tn, "name"), TS_CONFIG_ERROR_DUPLICATE, np,
                                "tensor named twice (got '%s')", name);
                return FALSE;
            }
        }
        ts->name = ts_workload_intern(ctx->w, name);
        const TsNode *rw = ts_node_get(tn, "read_write");
        const char *rwkey = "read_write";
        if (rw == NULL) {
            rw = ts_node_get(tn, "read-write");
            rwkey = "read-write";
        }
        if (rw != NULL) {
            g_autofree char *rp = ts_path_key(p, rwkey);
            if (!ts_node_bool(rw, rp, &ts->read_write, error))
                return FALSE;
        }
        if (ts->read_write) {
            if (output >= 0) {
                ts_config_error(error, rw, TS_CONFIG_ERROR_INVALID, p,
                                "two read-write tensors; an op has exactly one output (got %s "
                                "and %s)",
                                op->tensors[output].name, ts->name);
                return FALSE;
            }
            output = (int)t;
        }
        int role = ts->read_write ? 2 : strcmp(ts->name, "Weights") == 0 ? 0 : 1;
        const TsNode *rn = ts_node_get(tn, "role");
        if (rn != NULL) {
            g_autofree char *rp = ts_path_key(p, "role");
            const char *r;
            if (!ts_node_string(rn, rp, &r, error))
                return FALSE;
            role = -1;
            for (int i = 0; roles[i]; i++) {
                if (strcmp(r, roles[i]) == 0)
                    role = i;
            }
            if (role < 0) {
                g_autofree char *hint = ts_config_suggest(r, roles);
                ts_config_error(error, rn, TS_CONFIG_ERROR_REFERENCE, rp,
                                "unknown role '%s'%s; expected weights, activations, outputs or "
                                "kv_cache "
                                "(got '%s')",
                                r, hint, r);
                return FALSE;
            }
        }
        ts->precision = role == 0 ? set.weights : role == 2 ? set.outputs : set.activations;
        ts->role = role == 0   ? TS_TENSOR_PARAMETERS
                   : role == 3 ? TS_TENSOR_KV_CACHE
                               : TS_TENSOR_DATA;
        const TsNode *pn = ts_node_get(tn, "precision");
        if (pn != NULL) {
            g_autofree char *pp = ts_path_key(p, "precision");
            if (!ts_precision_from_node(pn, pp, &ts->precision, error))
                return FALSE;
        }
        const TsNode *proj = ts_node_get(tn, "projection");
        g_autofree char *pp = ts_path_key(p, "projection");
        if (proj == NULL) {
            ts_config_error(error, tn, TS_CONFIG_ERROR_MISSING, p,
                            "missing required key 'projection' (got none)");
            return FALSE;
        }
        if (proj->kind != TS_NODE_SEQUENCE || proj->n > TS_MAX_RANKS) {
            ts_config_error(error, proj,
                            proj->kind == TS_NODE_SEQUENCE ? TS_CONFIG_ERROR_LIMIT
                                                           : TS_CONFIG_ERROR_TYPE,
                            pp, "expected a list of at most %d ranks (got %s)", TS_MAX_RANKS,
                            proj->kind == TS_NODE_SEQUENCE ? "more" : "no list");
            return FALSE;
        }
        ts->n_ranks = (uint8_t)proj->n;
        for (guint r = 0; r < proj->n; r++) {
            g_autofree char *rp = ts_path_index(pp, r);
            if (!ts_projection_parse(proj->items[r], rp, op, coefs, n_coefs, &ts->ranks[r], error))
                return FALSE;
        }
        if (role == 0) {
            uint64_t n = ts_op_tensor_elements(op, t);
            if (n == 0 || !g_uint64_checked_add(&weight_elements, weight_elements, n))
                weight_overflow = TRUE;
        }
    }
    if (output < 0) {
        ts_config_error(error, tensors, TS_CONFIG_ERROR_INVALID, tp,
                        "no output: exactly one tensor must be read_write (got none of %u)",
                        op->n_tensors);
        return FALSE;
    }
    op->output = (uint8_t)output;
    op->param_precision = set.weights;
    op->precision_is_default = FALSE;
    if (ts_node_get(map, "params") != NULL) {
        if (!eval_key(ctx, map, path, "params", FALSE, 0, &op->param_elements, error))
            return FALSE;
    } else if (weight_overflow) {
        ts_config_error(error, tensors, TS_CONFIG_ERROR_RANGE, tp,
                        "op '%s': weight tensor size overflows 64-bit counts (got dims as "
                        "given)",
                        op->name);
        return FALSE;
    } else {
        op->param_elements = weight_elements;
    }
    return TRUE;
}

static gboolean parse_elementwise(TsOpsCtx *ctx, const TsNode *map, const char *path,
                                  TsElementwiseKind kind, TsOp *op, GError **error)
{
    static const char *const keys[] = {"name",   "kind",   "count",     "rows", "cols",
                                       "passes", "params", "precision", NULL};
    if (!ts_schema_check_keys(map, path, keys, error))
        return FALSE;
    uint64_t rows = 0, cols = 0,
             passes = kind == TS_EW_SOFTMAX || kind == TS_EW_RMSNORM ? 2
                      : kind == TS_EW_LAYERNORM                      ? 3
                                                                     : 1;
    if (!eval_key(ctx, map, path, "rows", TRUE, 1, &rows, error) ||
        !eval_key(ctx, map, path, "cols", TRUE, 1, &cols, error) ||
        !eval_key(ctx, map, path, "passes", FALSE, 1, &passes, error))
        return FALSE;
    if (passes > 64) {
        ts_config_error(error, ts_node_get(map, "passes"), TS_CONFIG_ERROR_RANGE, path,
                        "passes: must be <= 64 (got %" G_GUINT64_FORMAT ")", passes);
        return FALSE;
    }
    uint64_t elements;
    if (!g_uint64_checked_mul(&elements, rows, cols)) {
        ts_config_error(error, map, TS_CONFIG_ERROR_RANGE, path,
                        "rows x cols overflows 64-bit counts (got %" G_GUINT64_FORMAT
                        " x %" G_GUINT64_FORMAT ")",
                        rows, cols);
        return FALSE;
    }
    uint64_t params = 0;
    if (kind == TS_EW_LAYERNORM && !g_uint64_checked_mul(&params, cols, 2))
        params = G_MAXUINT64;
    if (kind == TS_EW_RMSNORM)
        params = cols; /* gamma */
    if (!eval_key(ctx, map, path, "params", FALSE, 0, &params, error))
        return FALSE;
    TsPrecisionSet set;
    gboolean given;
    if (!op_precision(ctx, map, path, &set, &given, error))
        return FALSE;
    static const char *const names[] = {"L", "E", "D"};
    op->kind = TS_OP_ELEMENTWISE;
    op->ew_kind = kind;
    op->n_dims = 3;
    for (guint i = 0; i < 3; i++)
        op->dim_names[i] = names[i];
    op->dims[0] = rows;
    op->dims[1] = cols;
    op->dims[2] = passes;
    op->elements = elements;
    op->passes = (uint32_t)passes;
    op->param_elements = params;
    op->param_precision = set.activations;
    for (guint t = 0; t < 2; t++) {
        TsTensor *ts = &op->tensors[t];
        ts->name = t == 0 ? "Inputs" : "Outputs";
        ts->n_ranks = 2;
        ts->ranks[0] = (TsProjection){.n_terms = 1, .dim = {1}, .coef = {1}};
        ts->ranks[1] = (TsProjection){.n_terms = 1, .dim = {0}, .coef = {1}};
        ts->read_write = t == 1;
        ts->precision = set.activations;
    }
    op->n_tensors = 2;
    op->output = 1;
    return TRUE;
}

static gboolean parse_lut_op(TsOpsCtx *ctx, const TsNode *map, const char *path, TsOp *op,
                             GError **error)
{
    static const char *const keys[] = {"name", "kind",      "count",     "tokens", "in",
                                       "out",  "vec_len",   "centroids", "index",  "table",
                                       "acc",  "precision", NULL};
    if (!ts_schema_check_keys(map, path, keys, error))
        return FALSE;
    uint64_t tokens, in, out, vec_len, centroids;
    if (!eval_key(ctx, map, path, "tokens", TRUE, 1, &tokens, error) ||
        !eval_key(ctx, map, path, "in", TRUE, 1, &in, error) ||
        !eval_key(ctx, map, path, "out", TRUE, 1, &out, error) ||
        !eval_key(ctx, map, path, "vec_len", TRUE, 1, &vec_len, error) ||
        !eval_key(ctx, map, path, "centroids", TRUE, 1, &centroids, error))
        return FALSE;
    if (vec_len > G_MAXUINT32 || centroids > G_MAXUINT32) {
        ts_config_error(error, map, TS_CONFIG_ERROR_RANGE, path,
                        "vec_len and centroids must fit 32 bits (got %" G_GUINT64_FORMAT
                        ", %" G_GUINT64_FORMAT ")",
                        vec_len, centroids);
        return FALSE;
    }
    if (in % vec_len != 0) {
        g_autofree char *vp = ts_path_key(path, "vec_len");
        ts_config_error(error, ts_node_get(map, "vec_len"), TS_CONFIG_ERROR_INVALID, vp,
                        "must divide in (got vec_len %" G_GUINT64_FORMAT ", in %" G_GUINT64_FORMAT
                        ")",
                        vec_len, in);
        return FALSE;
    }
    TsPrecisionSet set;
    gboolean given;
    if (!op_precision(ctx, map, path, &set, &given, error))
        return FALSE;
    TsTransformerConfig cfg;
    ts_transformer_config_init(&cfg, NULL, NULL);
    cfg.precision = set;
    cfg.lut_vec_len = (uint32_t)vec_len;
    cfg.lut_centroids = (uint32_t)centroids;
    static const char *const pk[] = {"index", "table", "acc"};
    TsPrecision *slots[] = {&cfg.lut_index, &cfg.lut_table, &cfg.lut_acc};
    for (guint i = 0; i < 3; i++) {
        const TsNode *n = ts_node_get(map, pk[i]);
        g_autofree char *kp = ts_path_key(path, pk[i]);
        if (n != NULL && !ts_precision_from_node(n, kp, slots[i], error))
            return FALSE;
    }
    /* Dims and tensors as the builders make them (see ts-transformer.c). */
    uint64_t cb = in / vec_len, entries;
    if (!g_uint64_checked_mul(&entries, cb, centroids) ||
        !g_uint64_checked_mul(&entries, entries, out)) {
        ts_config_error(error, map, TS_CONFIG_ERROR_RANGE, path,
                        "LUT size (in / vec_len) x centroids x out overflows 64-bit counts (got "
                        "%" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT ")",
                        cb, centroids, out);
        return FALSE;
    }
    static const char *const names[] = {"D", "CB", "V", "C", "L"};
    const uint64_t sizes[] = {out, cb, vec_len, centroids, tokens};
    const char *name = op->name;
    uint64_t count = op->count;
    memset(op, 0, sizeof *op);
    op->name = name;
    op->count = count;
    op->kind = TS_OP_LUT;
    op->n_dims = 5;
    for (guint i = 0; i < 5; i++) {
        op->dim_names[i] = names[i];
        op->dims[i] = sizes[i];
    }
    const struct {
        const char *name;
        int dims[3];
        guint n;
        TsPrecision p;
    } spec[] = {{"Inputs", {1, 2, 4}, 3, set.activations},
                {"Indices", {1, 4, 0}, 2, cfg.lut_index},
                {"Tables", {1, 3, 0}, 3, cfg.lut_table},
                {"Outputs", {0, 4, 0}, 2, cfg.lut_acc}};
    for (guint t = 0; t < 4; t++) {
        TsTensor *ts = &op->tensors[t];
        ts->name = spec[t].name;
        ts->n_ranks = (uint8_t)spec[t].n;
        ts->precision = spec[t].p;
        ts->read_write = t == 3;
        ts->role = t == 2 ? TS_TENSOR_PARAMETERS : TS_TENSOR_DATA;
        for (guint r = 0; r < spec[t].n; r++)
            ts->ranks[r] =
                (TsProjection){.n_terms = 1, .dim = {(uint8_t)spec[t].dims[r]}, .coef = {1}};
    }
    op->n_tensors = 4;
    op->output = 3;
    op->lut_vec_len = cfg.lut_vec_len;
    op->lut_centroids = cfg.lut_centroids;
    op->lut_index = cfg.lut_index;
    op->lut_table = cfg.lut_table;
    op->lut_acc = cfg.lut_acc;
    op->param_elements = entries;
    op->param_precision = cfg.lut_table;
    return TRUE;
}

static gboolean parse_include(TsOpsCtx *ctx, const TsNode *map, const char *path, TsOp *op,
                              GError **error)
{
    static const char *const keys[] = {"name", "count", "problem", "precision", NULL};
    if (!ts_schema_check_keys(map, path, keys, error))
        return FALSE;
    const TsNode *pn = ts_node_get(map, "problem");
    g_autofree char *pp = ts_path_key(path, "problem");
    const char *file;
    if (!ts_node_string(pn, pp, &file, error))
        return FALSE;
    g_autofree char *dir = g_path_get_dirname(ctx->path);
    g_autofree char *full =
        g_path_is_absolute(file) ? g_strdup(file) : g_build_filename(dir, file, NULL);
    if (!g_file_test(full, G_FILE_TEST_IS_REGULAR)) {
        ts_config_error(error, pn, TS_CONFIG_ERROR_IO, pp,
                        "cannot read Timeloop problem '%s' (got '%s')", full, file);
        return FALSE;
    }
    g_autoptr(TsDoc) doc = ts_doc_load_file(full, NULL, error);
    if (doc == NULL)
        return FALSE;
    if (doc->root == NULL || doc->root->kind != TS_NODE_MAPPING ||
        ts_node_get(doc->root, "problem") == NULL) {
        ts_config_error(error, pn, TS_CONFIG_ERROR_TYPE, pp,
                        "not a Timeloop problem file: no top-level 'problem' (got '%s')", file);
        return FALSE;
    }
    if (ts_node_get(doc->root, "variables") != NULL) {
        ts_config_error(error, ts_node_get(doc->root, "variables"), TS_CONFIG_ERROR_INVALID,
                        "variables",
                        "an included problem's own variables are not supported: move them to "
                        "the workload's variables (got a variables mapping)");
        return FALSE;
    }
    const char *name = op->name;
    uint64_t count = op->count;
    g_autofree char *default_name = ts_timeloop_op_name(full);
    if (!ts_timeloop_problem_parse(doc, ctx->vars, ctx->w, name ? name : default_name, op, error))
        return FALSE;
    op->count = count;
    TsPrecisionSet set;
    gboolean given;
    if (!op_precision(ctx, map, path, &set, &given, error))
        return FALSE;
    if (given)
        ts_op_apply_precision(op, &set, FALSE);
    return TRUE;
}

static TsWorkload *load_ops(const TsNode *wnode, const TsWorkloadFile *f, guint64 mask,
                            const char *path, const TsWorkloadOverrides *ov, GError **error)
{
    static const int model_keys[] = {
        FB_MODEL,  FB_HIDDEN, FB_HEADS,   FB_FFN,       FB_LAYERS, FB_SEQ,        FB_BATCH,
        FB_KV_LEN, FB_PHASE,  FB_SOFTMAX, FB_NONLINEAR, FB_ACTOP,  FB_ACTIVATION, FB_RESIDUAL,
        FB_CAUSAL, FB_LUT,    FB_FAMILY,  FB_KV_HEADS,  FB_VOCAB,  FB_WINDOW};
    for (guint i = 0; i < G_N_ELEMENTS(model_keys); i++) {
        if (HAS(mask, model_keys[i])) {
            const char *key = file_fields[model_keys[i]].key;
            g_autofree char *kp = ts_path_key("workload", key);
            ts_config_error(error, ts_node_get(wnode, key), TS_CONFIG_ERROR_INVALID, kp,
                            "a workload lists either a model config or explicit ops, not both "
                            "(got '%s' with 'ops')",
                            key);
            return NULL;
        }
    }
    if (ov != NULL && (ov->phase != NULL || ov->kv_len != 0)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: phase and kv_len apply to model workloads, not to explicit ops (got %s)",
                    path, ov->phase ? ov->phase : "kv_len");
        return NULL;
    }
    const TsNode *ops = f->ops;
    if (ops->kind != TS_NODE_SEQUENCE || ops->n == 0) {
        ts_config_error(error, ops, TS_CONFIG_ERROR_TYPE, "workload.ops",
                        "expected a non-empty list of ops (got %s)",
                        ops->kind == TS_NODE_SEQUENCE ? "an empty list" : "no list");
        return NULL;
    }
    g_autofree char *stem = file_stem(path);
    g_autoptr(TsWorkload) w =
        ts_workload_new_empty(f->name ? f->name : stem, TS_WORKLOAD_SOURCE_OPS, path);
    g_autoptr(TsVars) vars = ts_vars_new();
    TsOpsCtx ctx = {.path = path, .vars = vars, .w = w};
    ts_precision_preset("fp16", &ctx.precision, NULL);
    if (HAS(mask, FB_PRECISION)) {
        ctx.precision_given = TRUE;
        if (!ts_precision_set_from_node(f->precision, "workload.precision", &ctx.precision, NULL,
                                        error))
            return NULL;
    }
    if (!ts_vars_add_node(vars, f->variables, "workload.variables", error))
        return NULL;
    if (ov != NULL) {
        if (ov->variables_file != NULL && !ts_vars_add_file(vars, ov->variables_file, error))
            return NULL;
        if (ov->seq != 0)
            ts_vars_set_override(vars, "SEQ_LENGTH", ov->seq, "--seq");
        if (ov->batch != 0)
            ts_vars_set_override(vars, "BATCH", ov->batch, "--batch");
        if (!ts_vars_add_overrides(vars, ov->vars, error))
            return NULL;
        if (ov->precision != NULL) {
            g_autoptr(GError) local = NULL;
            if (!ts_precision_preset(ov->precision, &ctx.precision, &local)) {
                g_set_error(error, TS_CONFIG_ERROR, local->code, "--precision: %s (workload %s)",
                            local->message, path);
                return NULL;
            }
            ctx.precision_given = TRUE;
        }
    }
    for (guint i = 0; i < ops->n; i++) {
        const TsNode *on = ops->items[i];
        g_autofree char *p = ts_path_index("workload.ops", i);
        if (on->kind != TS_NODE_MAPPING) {
            ts_config_error(error, on, TS_CONFIG_ERROR_TYPE, p, "expected an op mapping (got %s)",
                            on->kind == TS_NODE_SEQUENCE ? "a list" : on->value);
            return NULL;
        }
        TsOp op;
        memset(&op, 0, sizeof op);
        op.count = 1;
        const TsNode *nn = ts_node_get(on, "name");
        if (nn != NULL) {
            g_autofree char *np = ts_path_key(p, "name");
            if (!ts_node_string(nn, np, &op.name, error))
                return NULL;
        }
        if (!eval_key(&ctx, on, p, "count", FALSE, 1, &op.count, error))
            return NULL;
        gboolean ok;
        if (ts_node_get(on, "problem") != NULL) {
            ok = parse_include(&ctx, on, p, &op, error);
        } else {
            if (op.name == NULL) {
                ts_config_error(error, on, TS_CONFIG_ERROR_MISSING, p,
                                "missing required key 'name' (got none)");
                return NULL;
            }
            int kind = 0;
            const TsNode *kn = ts_node_get(on, "kind");
            if (kn != NULL) {
                g_autofree char *kp = ts_path_key(p, "kind");
                const char *k;
                if (!ts_node_string(kn, kp, &k, error))
                    return NULL;
                kind = -1;
                for (int j = 0; op_kinds[j]; j++) {
                    if (strcmp(k, op_kinds[j]) == 0)
                        kind = j;
                }
                if (kind < 0) {
                    g_autofree char *hint = ts_config_suggest(k, op_kinds);
                    g_autofree char *list = g_strjoinv(", ", (char **)op_kinds);
                    ts_config_error(error, kn, TS_CONFIG_ERROR_REFERENCE, kp,
                                    "unknown op kind '%s'%s; expected one of %s (got '%s')", k,
                                    hint, list, k);
                    return NULL;
                }
            }
            static const TsElementwiseKind ew[] = {
                0, TS_EW_SOFTMAX, TS_EW_LAYERNORM, TS_EW_GELU, TS_EW_SILU, TS_EW_ADD,
                0, TS_EW_RMSNORM, TS_EW_ROPE,      TS_EW_MUL};
            if (kind == 0)
                ok = parse_einsum(&ctx, on, p, &op, error);
            else if (kind == 6)
                ok = parse_lut_op(&ctx, on, p, &op, error);
            else
                ok = parse_elementwise(&ctx, on, p, ew[kind], &op, error);
        }
        if (!ok || !ts_workload_append(w, &op, on, p, error))
            return NULL;
    }
    if (!ts_vars_check_overrides_used(vars, path, error))
        return NULL;
    g_autofree char *used = ts_vars_describe_used(vars);
    if (used[0] != '\0')
        ts_workload_add_note(w, "variables: %s", used);
    if (!ts_workload_finish(w, wnode, "workload", error))
        return NULL;
    return g_steal_pointer(&w);
}

/* `fusion: {group: NAME, level: NAME}`: kept as given (the mapper checks the names against
 * its groups and the architecture's levels, citing where). */
static gboolean load_fusion(TsWorkload *w, const TsNode *n, GError **error)
{
    static const char *const keys[] = {"group", "level", NULL};
    if (n == NULL || n->kind != TS_NODE_MAPPING) {
        ts_config_error(error, n, TS_CONFIG_ERROR_TYPE, "workload.fusion",
                        "expected a mapping {group: attention, level: NAME}");
        return FALSE;
    }
    if (!ts_schema_check_keys(n, "workload.fusion", keys, error))
        return FALSE;
    const TsNode *g = ts_node_get(n, "group"), *l = ts_node_get(n, "level");
    if (g == NULL || g->kind != TS_NODE_SCALAR || g->value == NULL || !*g->value) {
        ts_config_error(error, g ? g : n, TS_CONFIG_ERROR_MISSING, "workload.fusion.group",
                        "missing the group to fuse (attention)");
        return FALSE;
    }
    if (l != NULL && (l->kind != TS_NODE_SCALAR || l->value == NULL || !*l->value)) {
        ts_config_error(error, l, TS_CONFIG_ERROR_TYPE, "workload.fusion.level",
                        "expected a storage level name");
        return FALSE;
    }
    w->fuse_group = ts_workload_intern(w, g->value);
    w->fuse_level = l ? ts_workload_intern(w, l->value) : NULL;
    g_autofree char *where =
        g_strdup_printf("%s:%u:%u", n->doc ? n->doc->filename : "?", n->line, n->col);
    w->fuse_where = ts_workload_intern(w, where);
    return TRUE;
}
TsWorkload *ts_workload_yaml_load(const TsDoc *doc, const char *path,
                                  const TsWorkloadOverrides *overrides, GError **error)
{
    const TsNode *root = doc->root;
    static const char *const top[] = {"workload", NULL};
    if (!ts_schema_check_keys(root, "", top, error))
        return NULL;
    const TsNode *wnode = ts_node_get(root, "workload");
    TsWorkloadFile f;
    memset(&f, 0, sizeof f);
    guint64 mask = 0;
    if (!ts_schema_apply(file_fields, wnode, "workload", &f, &mask, FALSE, error))
        return NULL;
    if (wnode == NULL || wnode->kind != TS_NODE_MAPPING) {
        ts_config_error(error, wnode, TS_CONFIG_ERROR_TYPE, "workload",
                        "expected a mapping (got an empty value)");
        return NULL;
    }
    TsWorkload *w = HAS(mask, FB_OPS) ? load_ops(wnode, &f, mask, path, overrides, error)
                                      : load_model(wnode, &f, mask, path, overrides, error);
    if (w != NULL && HAS(mask, FB_FUSION) && !load_fusion(w, f.fusion, error)) {
        ts_workload_free(w);
        return NULL;
    }
    return w;
}
