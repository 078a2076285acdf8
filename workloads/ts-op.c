/* Op helpers and checks: dimension/tensor lookup, rank extents and tensor sizes, the checks
 * every op passes before a workload holds it (positive dims, known dims in projections, one
 * read-write tensor, valid precisions, 64-bit counts without overflow), and the parser of
 * projection ranks shared by the Timeloop and tilesim loaders. */
#include "ts-op.h"

#include <string.h>

#include "ts-workload-private.h"

int ts_op_find_dim(const TsOp *op, const char *name)
{
    g_return_val_if_fail(op != NULL && name != NULL, -1);
    for (guint i = 0; i < op->n_dims; i++) {
        if (op->dim_names[i] && strcmp(op->dim_names[i], name) == 0)
            return (int)i;
    }
    return -1;
}

int ts_op_find_tensor(const TsOp *op, const char *name)
{
    g_return_val_if_fail(op != NULL && name != NULL, -1);
    for (guint i = 0; i < op->n_tensors; i++) {
        if (op->tensors[i].name && strcmp(op->tensors[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

const char *ts_op_kind_name(TsOpKind kind)
{
    switch (kind) {
    case TS_OP_EINSUM:
        return "einsum";
    case TS_OP_ELEMENTWISE:
        return "elementwise";
    case TS_OP_LUT:
        return "lut";
    }
    return "?";
}

const char *ts_tensor_role_name(TsTensorRole role)
{
    switch (role) {
    case TS_TENSOR_DATA:
        return "data";
    case TS_TENSOR_PARAMETERS:
        return "parameters";
    case TS_TENSOR_KV_CACHE:
        return "kv_cache";
    case TS_TENSOR_ROLE_COUNT_:
        break;
    }
    return "?";
}

static const char *const ew_names[TS_EW_COUNT_] = {
    [TS_EW_SOFTMAX] = "softmax", [TS_EW_LAYERNORM] = "layernorm",
    [TS_EW_GELU] = "gelu",       [TS_EW_SILU] = "silu",
    [TS_EW_ADD] = "add",         [TS_EW_RMSNORM] = "rmsnorm",
    [TS_EW_ROPE] = "rope",       [TS_EW_MUL] = "mul",
    [TS_EW_EMBED] = "embed",
};

const char *ts_elementwise_kind_name(TsElementwiseKind kind)
{
    return (unsigned)kind < TS_EW_COUNT_ ? ew_names[kind] : "?";
}

/* Extent with overflow detection; returns FALSE on overflow. */
static gboolean rank_extent(const TsOp *op, const TsProjection *p, uint64_t *out)
{
    uint64_t ext = 1;
    for (guint t = 0; t < p->n_terms; t++) {
        uint64_t span;
        if (p->coef[t] < 0 || p->dim[t] >= op->n_dims || op->dims[p->dim[t]] == 0)
            return FALSE;
        if (!g_uint64_checked_mul(&span, (uint64_t)p->coef[t], op->dims[p->dim[t]] - 1) ||
            !g_uint64_checked_add(&ext, ext, span))
            return FALSE;
    }
    *out = ext;
    return TRUE;
}

static gboolean tensor_elements(const TsOp *op, guint tensor, uint64_t *out)
{
    const TsTensor *t = &op->tensors[tensor];
    uint64_t n = 1;
    for (guint r = 0; r < t->n_ranks; r++) {
        uint64_t ext;
        if (!rank_extent(op, &t->ranks[r], &ext) || !g_uint64_checked_mul(&n, n, ext))
            return FALSE;
    }
    *out = n;
    return TRUE;
}

/* ceil(elements x bits / 8) without forming elements x bits, which overflows for tensors whose
 * byte count still fits (2^62 fp16 elements). */
static gboolean bits_to_bytes(uint64_t elements, unsigned bits, uint64_t *out)
{
    uint64_t whole;
    if (!g_uint64_checked_mul(&whole, elements / 8, bits))
        return FALSE;
    return g_uint64_checked_add(out, whole, ((elements % 8) * bits + 7) / 8);
}

uint64_t ts_op_rank_extent(const TsOp *op, guint tensor, guint rank)
{
    g_return_val_if_fail(op != NULL && tensor < op->n_tensors, 0);
    g_return_val_if_fail(rank < op->tensors[tensor].n_ranks, 0);
    uint64_t ext = 0;
    rank_extent(op, &op->tensors[tensor].ranks[rank], &ext);
    return ext;
}

uint64_t ts_op_tensor_elements(const TsOp *op, guint tensor)
{
    g_return_val_if_fail(op != NULL && tensor < op->n_tensors, 0);
    uint64_t n = 0;
    tensor_elements(op, tensor, &n);
    return n;
}

uint64_t ts_op_tensor_bytes(const TsOp *op, guint tensor)
{
    g_return_val_if_fail(op != NULL && tensor < op->n_tensors, 0);
    uint64_t bytes = 0;
    bits_to_bytes(ts_op_tensor_elements(op, tensor), op->tensors[tensor].precision.bits, &bytes);
    return bytes;
}

uint64_t ts_op_param_bytes(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0);
    uint64_t bytes = 0;
    bits_to_bytes(op->param_elements, op->param_precision.bits, &bytes);
    return bytes;
}

/* Sum of tensor bytes (+ parameters of elementwise ops), with overflow detection. */
static gboolean op_bytes(const TsOp *op, uint64_t *out)
{
    uint64_t sum = 0;
    for (guint t = 0; t < op->n_tensors; t++) {
        uint64_t n, b;
        if (!tensor_elements(op, t, &n) || !bits_to_bytes(n, op->tensors[t].precision.bits, &b) ||
            !g_uint64_checked_add(&sum, sum, b))
            return FALSE;
    }
    if (op->kind == TS_OP_ELEMENTWISE && op->param_elements > 0) {
        uint64_t b;
        if (!bits_to_bytes(op->param_elements, op->param_precision.bits, &b) ||
            !g_uint64_checked_add(&sum, sum, b))
            return FALSE;
    }
    *out = sum;
    return TRUE;
}

uint64_t ts_op_bytes(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0);
    uint64_t b = 0;
    op_bytes(op, &b);
    return b;
}

static gboolean op_work(const TsOp *op, uint64_t *out)
{
    switch (op->kind) {
    case TS_OP_EINSUM:
        *out = op->macs;
        return TRUE;
    case TS_OP_ELEMENTWISE:
        return g_uint64_checked_mul(out, op->elements, op->passes);
    case TS_OP_LUT:
        return g_uint64_checked_add(out, op->lut_search_macs, op->lut_lookups);
    }
    return FALSE;
}

uint64_t ts_op_work(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0);
    uint64_t w = 0;
    op_work(op, &w);
    return w;
}

double ts_op_intensity(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0.0);
    uint64_t b = ts_op_bytes(op);
    return b ? (double)ts_op_work(op) / (double)b : 0.0;
}

/* ---- Checks ---- */

static char *dims_text(const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < op->n_dims; i++)
        g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, i ? " " : "",
                               op->dim_names[i] ? op->dim_names[i] : "?", op->dims[i]);
    return g_string_free(s, FALSE);
}

static gboolean overflow(GError **error, const TsNode *node, const char *path, const TsOp *op,
                         const char *what)
{
    g_autofree char *dims = dims_text(op);
    ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                    "op '%s': %s overflows 64-bit counts (got %s, count %" G_GUINT64_FORMAT ")",
                    op->name ? op->name : "?", what, dims, op->count);
    return FALSE;
}

gboolean ts_op_check(TsOp *op, const TsNode *node, const char *path, GError **error)
{
    const char *name = op->name ? op->name : "?";
    if (op->name == NULL || op->name[0] == '\0') {
        ts_config_error(error, node, TS_CONFIG_ERROR_MISSING, path, "op has no name (got '')");
        return FALSE;
    }
    if ((unsigned)op->kind > TS_OP_LUT) {
        ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path, "op '%s': bad kind (got %d)",
                        name, (int)op->kind);
        return FALSE;
    }
    if (op->count == 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "op '%s': count must be > 0 (got 0)", name);
        return FALSE;
    }
    if (op->n_dims == 0 || op->n_dims > TS_MAX_DIMS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "op '%s': needs 1 to %d dimensions (got %u)", name, TS_MAX_DIMS,
                        op->n_dims);
        return FALSE;
    }
    for (guint i = 0; i < op->n_dims; i++) {
        if (op->dim_names[i] == NULL || op->dim_names[i][0] == '\0') {
            ts_config_error(error, node, TS_CONFIG_ERROR_MISSING, path,
                            "op '%s': dimension %u has no name (got '')", name, i);
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(op->dim_names[i], op->dim_names[j]) == 0) {
                ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                                "op '%s': dimension named twice (got '%s')", name,
                                op->dim_names[i]);
                return FALSE;
            }
        }
        if (op->dims[i] == 0) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "op '%s': dimension %s must be > 0 (got 0)", name, op->dim_names[i]);
            return FALSE;
        }
    }
    if (op->n_tensors == 0 || op->n_tensors > TS_MAX_TENSORS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "op '%s': needs 1 to %d tensors (got %u)", name, TS_MAX_TENSORS,
                        op->n_tensors);
        return FALSE;
    }
    int output = -1;
    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensor *ts = &op->tensors[t];
        if (ts->name == NULL || ts->name[0] == '\0') {
            ts_config_error(error, node, TS_CONFIG_ERROR_MISSING, path,
                            "op '%s': tensor %u has no name (got '')", name, t);
            return FALSE;
        }
        for (guint u = 0; u < t; u++) {
            if (strcmp(ts->name, op->tensors[u].name) == 0) {
                ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                                "op '%s': tensor named twice (got '%s')", name, ts->name);
                return FALSE;
            }
        }
        if (ts->n_ranks > TS_MAX_RANKS) {
            ts_config_error(error, node, TS_CONFIG_ERROR_LIMIT, path,
                            "op '%s': tensor %s has more than %d ranks (got %u)", name, ts->name,
                            TS_MAX_RANKS, ts->n_ranks);
            return FALSE;
        }
        for (guint r = 0; r < ts->n_ranks; r++) {
            const TsProjection *p = &ts->ranks[r];
            if (p->n_terms == 0 || p->n_terms > TS_MAX_TERMS) {
                ts_config_error(error, node, TS_CONFIG_ERROR_LIMIT, path,
                                "op '%s': tensor %s rank %u needs 1 to %d terms (got %u)", name,
                                ts->name, r, TS_MAX_TERMS, p->n_terms);
                return FALSE;
            }
            for (guint k = 0; k < p->n_terms; k++) {
                if (p->dim[k] >= op->n_dims || p->coef[k] < 0) {
                    ts_config_error(
                        error, node, TS_CONFIG_ERROR_REFERENCE, path,
                        "op '%s': tensor %s rank %u names no dimension of the op "
                        "or has a negative coefficient (got dim %u, coef %" G_GINT64_FORMAT ")",
                        name, ts->name, r, p->dim[k], p->coef[k]);
                    return FALSE;
                }
            }
        }
        if (!ts_precision_valid(ts->precision)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                            "op '%s': tensor %s has an unsupported precision (got %u bits, "
                            "format %d)",
                            name, ts->name, ts->precision.bits, (int)ts->precision.format);
            return FALSE;
        }
        if (ts->read_write) {
            if (output >= 0) {
                ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path,
                                "op '%s': two read-write tensors; an op has exactly one output "
                                "(got %s and %s)",
                                name, op->tensors[output].name, ts->name);
                return FALSE;
            }
            output = (int)t;
        }
    }
    if (output < 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path,
                        "op '%s': no output: exactly one tensor must be read-write (got none "
                        "of %u tensors)",
                        name, op->n_tensors);
        return FALSE;
    }
    op->output = (uint8_t)output;

    /* Derived counts, each checked. */
    uint64_t product = 1;
    for (guint i = 0; i < op->n_dims; i++) {
        if (!g_uint64_checked_mul(&product, product, op->dims[i]))
            return overflow(error, node, path, op, "the product of the dimensions");
    }
    switch (op->kind) {
    case TS_OP_EINSUM:
        op->macs = product;
        break;
    case TS_OP_ELEMENTWISE:
        op->macs = 0;
        if (op->elements == 0 || op->passes == 0 || (unsigned)op->ew_kind >= TS_EW_COUNT_) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "op '%s': elementwise op needs elements > 0 and passes > 0 (got "
                            "%" G_GUINT64_FORMAT " elements, %u passes)",
                            name, op->elements, op->passes);
            return FALSE;
        }
        break;
    case TS_OP_LUT: {
        op->macs = 0;
        int d = ts_op_find_dim(op, "D"), cb = ts_op_find_dim(op, "CB"), v = ts_op_find_dim(op, "V"),
            c = ts_op_find_dim(op, "C"), l = ts_op_find_dim(op, "L");
        if (d < 0 || cb < 0 || v < 0 || c < 0 || l < 0 || op->lut_vec_len == 0 ||
            op->lut_centroids == 0 || op->dims[v] != op->lut_vec_len ||
            op->dims[c] != op->lut_centroids) {
            ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path,
                            "op '%s': a LUT op needs dims D, CB, V (= vec_len), C (= centroids) "
                            "and L (got vec_len %u, centroids %u)",
                            name, op->lut_vec_len, op->lut_centroids);
            return FALSE;
        }
        if (!ts_precision_valid(op->lut_index) || !ts_precision_valid(op->lut_table) ||
            !ts_precision_valid(op->lut_acc)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                            "op '%s': unsupported LUT index/table/accumulator precision (got "
                            "%u/%u/%u bits)",
                            name, op->lut_index.bits, op->lut_table.bits, op->lut_acc.bits);
            return FALSE;
        }
        if (op->lut_index.format == TS_NUM_UINT && op->lut_index.bits < 32 &&
            (uint64_t)op->lut_centroids > (G_GUINT64_CONSTANT(1) << op->lut_index.bits)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "op '%s': %u centroids do not fit a %s index (got centroids %u)", name,
                            op->lut_centroids, ts_precision_name(op->lut_index), op->lut_centroids);
            return FALSE;
        }
        op->lut_codebooks = op->dims[cb];
        if (!g_uint64_checked_mul(&op->lut_table_entries, op->dims[cb], op->dims[c]) ||
            !g_uint64_checked_mul(&op->lut_table_entries, op->lut_table_entries, op->dims[d]) ||
            !g_uint64_checked_mul(&op->lut_lookups, op->dims[l], op->dims[d]) ||
            !g_uint64_checked_mul(&op->lut_lookups, op->lut_lookups, op->dims[cb]))
            return overflow(error, node, path, op, "the LUT size");
        uint64_t search = 1;
        const int parts[] = {l, cb, c, v};
        for (guint i = 0; i < 4; i++) {
            if (!g_uint64_checked_mul(&search, search, op->dims[parts[i]]))
                return overflow(error, node, path, op, "the centroid search count");
        }
        op->lut_search_macs = search;
        break;
    }
    }
    if (op->param_elements > 0 && !ts_precision_valid(op->param_precision)) {
        ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                        "op '%s': unsupported parameter precision (got %u bits)", name,
                        op->param_precision.bits);
        return FALSE;
    }
    uint64_t bytes, work, tmp;
    if (!op_bytes(op, &bytes))
        return overflow(error, node, path, op, "a tensor size in bytes");
    if (!op_work(op, &work))
        return overflow(error, node, path, op, "the work count");
    if (!g_uint64_checked_mul(&tmp, op->macs, op->count) ||
        !g_uint64_checked_mul(&tmp, bytes, op->count) ||
        !g_uint64_checked_mul(&tmp, work, op->count) ||
        !g_uint64_checked_mul(&tmp, op->param_elements, op->count) ||
        !bits_to_bytes(op->param_elements, op->param_precision.bits, &tmp))
        return overflow(error, node, path, op, "count x per-instance figures");
    /* JSON carries signed 64-bit integers: keep every whole-op figure below 2^63. */
    if (op->macs * op->count > (uint64_t)G_MAXINT64 || bytes * op->count > (uint64_t)G_MAXINT64 ||
        work * op->count > (uint64_t)G_MAXINT64)
        return overflow(error, node, path, op, "a whole-op count (limit 2^63 - 1)");
    return TRUE;
}

gboolean ts_op_finalize(TsOp *op, GError **error)
{
    g_return_val_if_fail(op != NULL, FALSE);
    return ts_op_check(op, NULL, NULL, error);
}

void ts_op_apply_precision(TsOp *op, const TsPrecisionSet *set, gboolean weights_are_activations)
{
    for (guint t = 0; t < op->n_tensors; t++) {
        TsTensor *ts = &op->tensors[t];
        if (ts->read_write)
            ts->precision = set->outputs;
        else if (strcmp(ts->name, "Weights") == 0 && !weights_are_activations)
            ts->precision = set->weights;
        else
            ts->precision = set->activations;
    }
    op->param_precision = weights_are_activations ? set->activations : set->weights;
    op->precision_is_default = FALSE;
}

/* ---- Projections ---- */

static gboolean coef_value(const char *text, const TsCoef *coefs, guint n_coefs, int64_t *out)
{
    for (guint i = 0; i < n_coefs; i++) {
        if (strcmp(coefs[i].name, text) == 0) {
            *out = coefs[i].value;
            return TRUE;
        }
    }
    char *end = NULL;
    gint64 v = g_ascii_strtoll(text, &end, 10);
    if (end != text && *end == '\0' && v >= 0) {
        *out = v;
        return TRUE;
    }
    return FALSE;
}

static gboolean unknown_dim(const TsNode *node, const char *path, const TsOp *op, const char *name,
                            GError **error)
{
    const char *names[TS_MAX_DIMS + 1];
    for (guint i = 0; i < op->n_dims; i++)
        names[i] = op->dim_names[i];
    names[op->n_dims] = NULL;
    g_autofree char *hint = ts_config_suggest(name, names);
    g_autofree char *list = g_strjoinv(", ", (char **)names);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                    "unknown dimension '%s'%s in projection; dimensions are %s (got '%s')", name,
                    hint, list, name);
    return FALSE;
}

/* One term: a dim with an optional coefficient, given as factors. */
static gboolean add_term(const TsNode *node, const char *path, const TsOp *op, const TsCoef *coefs,
                         guint n_coefs, char **factors, TsProjection *out, GError **error)
{
    int dim = -1;
    int64_t coef = 1;
    for (guint i = 0; factors[i]; i++) {
        char *f = g_strstrip(factors[i]);
        int d = ts_op_find_dim(op, f);
        int64_t c;
        if (d >= 0) {
            if (dim >= 0) {
                ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path,
                                "a projection term multiplies two dimensions, which is not "
                                "affine (got '%s' and '%s')",
                                op->dim_names[dim], f);
                return FALSE;
            }
            dim = d;
        } else if (coef_value(f, coefs, n_coefs, &c)) {
            if (__builtin_mul_overflow(coef, c, &coef)) {
                ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                                "projection coefficient overflows (got '%s')", f);
                return FALSE;
            }
        } else if (f[0] == '\0') {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                            "empty term in projection (got '%s')", node->value ? node->value : "");
            return FALSE;
        } else if (g_ascii_isalpha(f[0]) || f[0] == '_') {
            return unknown_dim(node, path, op, f, error);
        } else {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                            "projection factor is neither a dimension, a coefficient nor a "
                            "non-negative integer (got '%s')",
                            f);
            return FALSE;
        }
    }
    if (dim < 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, path,
                        "projection term names no dimension (got '%s')",
                        node->value ? node->value : "a list");
        return FALSE;
    }
    if (out->n_terms >= TS_MAX_TERMS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_LIMIT, path,
                        "a rank holds at most %d terms (got more)", TS_MAX_TERMS);
        return FALSE;
    }
    out->dim[out->n_terms] = (uint8_t)dim;
    out->coef[out->n_terms] = coef;
    out->n_terms++;
    return TRUE;
}

gboolean ts_projection_parse(const TsNode *rank, const char *path, const TsOp *op,
                             const TsCoef *coefs, guint n_coefs, TsProjection *out, GError **error)
{
    memset(out, 0, sizeof *out);
    if (rank == NULL) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, path, "missing projection rank");
        return FALSE;
    }
    if (rank->kind == TS_NODE_SCALAR) {
        if (strchr(rank->value, '-') || strchr(rank->value, '(') || strchr(rank->value, '/')) {
            ts_config_error(error, rank, TS_CONFIG_ERROR_TYPE, path,
                            "a projection rank is a sum of [coefficient *] dimension terms "
                            "(got '%s')",
                            rank->value);
            return FALSE;
        }
        g_auto(GStrv) terms = g_strsplit(rank->value, "+", -1);
        for (guint i = 0; terms[i]; i++) {
            g_auto(GStrv) factors = g_strsplit(terms[i], "*", -1);
            if (!add_term(rank, path, op, coefs, n_coefs, factors, out, error))
                return FALSE;
        }
        return TRUE;
    }
    if (rank->kind != TS_NODE_SEQUENCE || rank->n == 0) {
        ts_config_error(error, rank, TS_CONFIG_ERROR_TYPE, path,
                        "expected a projection rank: a list of terms such as [[R, Wdilation], "
                        "[P, Wstride]] or a string such as 'P*Wstride + R' (got %s)",
                        rank->kind == TS_NODE_MAPPING ? "a mapping" : "an empty list");
        return FALSE;
    }
    for (guint i = 0; i < rank->n; i++) {
        const TsNode *term = rank->items[i];
        g_autofree char *tp = ts_path_index(path, i);
        if (term->kind == TS_NODE_SCALAR) {
            /* Shorthand: [K] for one term [[K]]. */
            g_auto(GStrv) factors = g_strsplit(term->value, "*", -1);
            if (!add_term(term, tp, op, coefs, n_coefs, factors, out, error))
                return FALSE;
            continue;
        }
        if (term->kind != TS_NODE_SEQUENCE || term->n == 0 || term->n > 2) {
            ts_config_error(error, term, TS_CONFIG_ERROR_TYPE, tp,
                            "expected a term [dimension] or [dimension, coefficient] (got %s)",
                            term->kind == TS_NODE_MAPPING ? "a mapping" : "a list of that length");
            return FALSE;
        }
        char *factors[3] = {NULL, NULL, NULL};
        for (guint k = 0; k < term->n; k++) {
            const TsNode *f = term->items[k];
            if (f->kind != TS_NODE_SCALAR) {
                for (guint j = 0; j < k; j++)
                    g_free(factors[j]);
                ts_config_error(error, f, TS_CONFIG_ERROR_TYPE, tp,
                                "expected a dimension or coefficient name (got a collection)");
                return FALSE;
            }
            factors[k] = g_strdup(f->value);
        }
        gboolean ok = add_term(term->items[0], tp, op, coefs, n_coefs, factors, out, error);
        for (guint k = 0; k < term->n; k++)
            g_free(factors[k]);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}
