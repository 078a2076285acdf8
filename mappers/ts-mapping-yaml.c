/* Timeloop's mapping format, read and written: a list of directives, each naming a storage
 * level (`target`) and a `type` (temporal, spatial, datatype, or the older bypass), with
 * factors, a permutation listed innermost first, a spatial split (the first `split` dims of
 * the permutation go to X, the rest to Y) and keep/bypass lists. Reading walks the common
 * TsNode tree; every error names file:line:col and the key path. */
#include "ts-mapping.h"

#include <string.h>

#include "ts-mapping-private.h"

typedef enum { DIR_TEMPORAL, DIR_SPATIAL, DIR_DATATYPE, DIR_COUNT_ } DirKind;

static const char *const dir_type_names[] = {"temporal",  "spatial", "datatype",
                                             "dataspace", "bypass",  NULL};

/* Top-level keys of Timeloop input files that may share a document with the mapping. */
static const char *const timeloop_top_keys[] = {"mapping",
                                                "architecture",
                                                "arch",
                                                "problem",
                                                "mapper",
                                                "mapspace",
                                                "mapspace_constraints",
                                                "constraints",
                                                "ERT",
                                                "ART",
                                                "variables",
                                                "globals",
                                                "compound_components",
                                                "components",
                                                "model",
                                                NULL};

static gboolean find_dim(const TsOp *op, const char *name, gsize len, guint *out)
{
    for (guint d = 0; d < op->n_dims; d++) {
        const char *n = op->dim_names[d];
        if (n != NULL && strlen(n) == len && strncmp(n, name, len) == 0) {
            *out = d;
            return TRUE;
        }
    }
    return FALSE;
}

static char *dim_suggestion(const TsOp *op, const char *name)
{
    const char *cands[TS_MAX_DIMS + 1];
    guint n = 0;
    for (guint d = 0; d < op->n_dims; d++)
        if (op->dim_names[d])
            cands[n++] = op->dim_names[d];
    cands[n] = NULL;
    return ts_config_suggest(name, cands);
}

static char *dim_list(const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint d = 0; d < op->n_dims; d++)
        g_string_append_printf(s, "%s%s", d ? ", " : "", op->dim_names[d] ? op->dim_names[d] : "?");
    return g_string_free(s, FALSE);
}

static gboolean unknown_dim(const TsNode *node, const char *path, const TsOp *op, const char *name,
                            GError **error)
{
    g_autofree char *hint = dim_suggestion(op, name);
    g_autofree char *dims = dim_list(op);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                    "unknown dimension '%s'%s; op %s has %s", name, hint, op->name ? op->name : "?",
                    dims);
    return FALSE;
}

/* One factor token: "K4", "K=4", "K:4". */
static gboolean parse_factor_token(const TsNode *node, const char *path, const TsOp *op,
                                   const char *tok, uint32_t *factors, uint32_t *seen,
                                   guint *dim_out, GError **error)
{
    gsize len = strlen(tok);
    const char *sep = strpbrk(tok, "=:");
    gsize name_len;
    const char *num;
    if (sep != NULL) {
        name_len = (gsize)(sep - tok);
        num = sep + 1;
    } else {
        gsize i = len;
        while (i > 0 && g_ascii_isdigit(tok[i - 1]))
            i--;
        name_len = i;
        num = tok + i;
    }
    g_autofree char *name = g_strndup(tok, name_len);
    if (name_len == 0 || *num == '\0') {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                        "expected factors as NAME<number> or NAME=<number> (got '%s')", tok);
        return FALSE;
    }
    guint d;
    if (!find_dim(op, name, name_len, &d))
        return unknown_dim(node, path, op, name, error);
    char *end = NULL;
    guint64 v = g_ascii_strtoull(num, &end, 10);
    if (end == num || *end != '\0' || !g_ascii_isdigit(num[0])) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                        "factor of %s must be a positive integer (got '%s')", name, num);
        return FALSE;
    }
    if (v == 0 || v > UINT32_MAX) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "factor of %s must be in [1, %u] (got %s)", name, UINT32_MAX, num);
        return FALSE;
    }
    if (*seen >> d & 1u) {
        ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                        "dimension %s is given twice (got '%s')", name, tok);
        return FALSE;
    }
    *seen |= 1u << d;
    factors[d] = (uint32_t)v;
    *dim_out = d;
    return TRUE;
}

/* The residual after "NAME=F,": Timeloop's imperfect-factor form (docs/mapper.md). */
typedef struct {
    const TsNode *node; /* the factors node */
    guint index;        /* directive */
    guint level, dim;
    guint axis; /* 0 temporal, 1 X, 2 Y */
    uint32_t residual;
} ResidualGiven;

static gboolean parse_residual(const TsNode *node, const char *path, const TsOp *op,
                               const char *num, guint d, const uint32_t *factors,
                               uint32_t *residuals, GError **error)
{
    char *end = NULL;
    guint64 v = g_ascii_strtoull(num, &end, 10);
    if (end == num || *end != '\0' || v == 0 || v > factors[d]) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "residual of %s must be an integer in [1, %u], its factor (got '%s')",
                        op->dim_names[d], factors[d], num);
        return FALSE;
    }
    residuals[d] = (uint32_t)v;
    return TRUE;
}

/* Tokens separated by blanks or commas; a number alone after "NAME=F," is F's residual. */
static gboolean parse_factor_text(const TsNode *node, const char *path, const TsOp *op,
                                  const char *text, uint32_t *factors, uint32_t *residuals,
                                  uint32_t *seen, GError **error)
{
    g_auto(GStrv) toks = g_strsplit_set(text, " \t,", -1);
    int last = -1;
    gboolean comma = FALSE; /* a comma since the last token */
    gsize at = 0;
    for (guint i = 0; toks[i]; i++) {
        if (i > 0 && text[at - 1] == ',')
            comma = TRUE;
        at += strlen(toks[i]) + 1;
        if (toks[i][0] == '\0')
            continue;
        const gboolean after_comma = comma;
        comma = FALSE;
        if (after_comma && last >= 0 && g_ascii_isdigit(toks[i][0])) {
            if (!parse_residual(node, path, op, toks[i], (guint)last, factors, residuals, error))
                return FALSE;
            last = -1;
            continue;
        }
        guint d = 0;
        if (!parse_factor_token(node, path, op, toks[i], factors, seen, &d, error))
            return FALSE;
        last = (int)d;
    }
    return TRUE;
}

static gboolean parse_factors(const TsNode *node, const char *path, const TsOp *op,
                              uint32_t *factors, uint32_t *residuals, GError **error)
{
    uint32_t seen = 0;
    for (guint d = 0; d < TS_MAX_DIMS; d++) {
        factors[d] = 1;
        residuals[d] = 0;
    }
    if (ts_node_is_null(node))
        return TRUE;
    if (node->kind == TS_NODE_SCALAR)
        return parse_factor_text(node, path, op, node->value, factors, residuals, &seen, error);
    if (node->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < node->n; i++) {
            const TsNode *item = node->items[i];
            g_autofree char *ip = ts_path_index(path, i);
            if (item->kind != TS_NODE_SCALAR) {
                ts_config_error(error, item, TS_CONFIG_ERROR_TYPE, ip,
                                "expected a factor such as K=4");
                return FALSE;
            }
            if (!parse_factor_text(item, ip, op, item->value, factors, residuals, &seen, error))
                return FALSE;
        }
        return TRUE;
    }
    if (node->kind == TS_NODE_MAPPING) { /* {K: 4, M: 2} */
        for (guint i = 0; i < node->n; i++) {
            const char *k = ts_node_key(node, i);
            const TsNode *v = ts_node_value(node, i);
            g_autofree char *kp = ts_path_key(path, k);
            guint d;
            if (!find_dim(op, k, strlen(k), &d))
                return unknown_dim(ts_node_key_node(node, i), kp, op, k, error);
            guint64 x;
            if (!ts_node_uint(v, kp, &x, error))
                return FALSE;
            if (x == 0 || x > UINT32_MAX) {
                ts_config_error(error, v, TS_CONFIG_ERROR_RANGE, kp,
                                "factor must be in [1, %u] (got %s)", UINT32_MAX, v->value);
                return FALSE;
            }
            factors[d] = (uint32_t)x;
        }
        return TRUE;
    }
    ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                    "expected factors such as \"M1 N48 K4\"");
    return FALSE;
}

static gboolean add_perm_dim(const TsNode *node, const char *path, const TsOp *op, const char *name,
                             gsize len, uint8_t *perm, guint *n, uint32_t *seen, GError **error)
{
    guint d;
    if (!find_dim(op, name, len, &d)) {
        g_autofree char *nm = g_strndup(name, len);
        return unknown_dim(node, path, op, nm, error);
    }
    if (*seen >> d & 1u) {
        ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                        "dimension %s appears twice in the permutation", op->dim_names[d]);
        return FALSE;
    }
    *seen |= 1u << d;
    perm[(*n)++] = (uint8_t)d;
    return TRUE;
}

/* "KMN" (one-letter dims), "K M N", "K,M,N" or a list; innermost first. Unlisted dims are
 * appended outermost in dimension order. */
static gboolean parse_permutation(const TsNode *node, const char *path, const TsOp *op,
                                  uint8_t *perm, GError **error)
{
    guint n = 0;
    uint32_t seen = 0;
    if (ts_node_is_null(node)) {
        /* fall through to the fill below */
    } else if (node->kind == TS_NODE_SCALAR) {
        const char *text = node->value;
        if (strpbrk(text, " \t,") != NULL) {
            g_auto(GStrv) toks = g_strsplit_set(text, " \t,", -1);
            for (guint i = 0; toks[i]; i++) {
                if (toks[i][0] == '\0')
                    continue;
                if (!add_perm_dim(node, path, op, toks[i], strlen(toks[i]), perm, &n, &seen, error))
                    return FALSE;
            }
        } else {
            guint d;
            if (find_dim(op, text, strlen(text), &d)) {
                if (!add_perm_dim(node, path, op, text, strlen(text), perm, &n, &seen, error))
                    return FALSE;
            } else {
                /* Concatenated names: longest match first at each position. */
                gsize pos = 0, len = strlen(text);
                while (pos < len) {
                    gsize best = 0;
                    for (guint k = 0; k < op->n_dims; k++) {
                        const char *nm = op->dim_names[k];
                        gsize l = nm ? strlen(nm) : 0;
                        if (l > best && l <= len - pos && strncmp(text + pos, nm, l) == 0)
                            best = l;
                    }
                    if (best == 0) {
                        g_autofree char *rest = g_strdup(text + pos);
                        return unknown_dim(node, path, op, rest, error);
                    }
                    if (!add_perm_dim(node, path, op, text + pos, best, perm, &n, &seen, error))
                        return FALSE;
                    pos += best;
                }
            }
        }
    } else if (node->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < node->n; i++) {
            const TsNode *item = node->items[i];
            g_autofree char *ip = ts_path_index(path, i);
            const char *name;
            if (!ts_node_string(item, ip, &name, error))
                return FALSE;
            if (!add_perm_dim(item, ip, op, name, strlen(name), perm, &n, &seen, error))
                return FALSE;
        }
    } else {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                        "expected a permutation such as \"KMN\" or a list of dimension names");
        return FALSE;
    }
    for (guint d = 0; d < op->n_dims; d++)
        if (!(seen >> d & 1u))
            perm[n++] = (uint8_t)d;
    return TRUE;
}

static gboolean parse_tensor_list(const TsNode *node, const char *path, const TsOp *op,
                                  uint8_t *mask, GError **error)
{
    *mask = 0;
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    const TsNode *const *items = &node;
    guint n = 1;
    if (node->kind == TS_NODE_SEQUENCE) {
        items = node->items;
        n = node->n;
    } else if (node->kind != TS_NODE_SCALAR) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a list of tensor names");
        return FALSE;
    }
    for (guint i = 0; i < n; i++) {
        g_autofree char *ip =
            node->kind == TS_NODE_SEQUENCE ? ts_path_index(path, i) : g_strdup(path);
        const char *name;
        if (!ts_node_string(items[i], ip, &name, error))
            return FALSE;
        int t = -1;
        for (guint k = 0; k < op->n_tensors; k++)
            if (op->tensors[k].name && strcmp(op->tensors[k].name, name) == 0)
                t = (int)k;
        if (t < 0) {
            const char *cands[TS_MAX_TENSORS + 1];
            GString *all = g_string_new(NULL);
            for (guint k = 0; k < op->n_tensors; k++) {
                cands[k] = op->tensors[k].name ? op->tensors[k].name : "?";
                g_string_append_printf(all, "%s%s", k ? ", " : "", cands[k]);
            }
            cands[op->n_tensors] = NULL;
            g_autofree char *hint = ts_config_suggest(name, cands);
            ts_config_error(error, items[i], TS_CONFIG_ERROR_REFERENCE, ip,
                            "unknown tensor '%s'%s; op %s has %s", name, hint,
                            op->name ? op->name : "?", all->str);
            g_string_free(all, TRUE);
            return FALSE;
        }
        *mask |= (uint8_t)(1u << t);
    }
    return TRUE;
}

/* Name of the generated level Timeloop's v0.4 front end (timeloopfe) makes for container c. */
static gboolean is_inter_name(const char *name, const char *container)
{
    gsize n = strlen(container);
    return g_str_has_prefix(name, "inter_") && strncmp(name + 6, container, n) == 0 &&
           strcmp(name + 6 + n, "_spatial") == 0;
}

/* Resolves a directive target: a storage level (*stage = -1), or a container making up the
 * fan-out of storage level *level (*stage >= 0), named as in the arch or as timeloopfe's
 * generated inter_<container>_spatial level. */
static gboolean find_target(const TsNode *node, const char *path, const TsMappingLevels *levels,
                            guint *out, int *stage, GError **error)
{
    const char *name;
    if (!ts_node_string(node, path, &name, error))
        return FALSE;
    *stage = -1;
    for (guint l = 0; l < levels->n_levels; l++) {
        if (levels->names[l] && strcmp(levels->names[l], name) == 0) {
            *out = l;
            return TRUE;
        }
    }
    for (guint l = 0; l < levels->n_levels; l++) {
        for (guint k = 0; k < levels->n_stages[l]; k++) {
            const char *c = levels->stages[l][k].name;
            if (c != NULL && (strcmp(c, name) == 0 || is_inter_name(name, c))) {
                *out = l;
                *stage = (int)k;
                return TRUE;
            }
        }
    }
    g_autoptr(GPtrArray) cands = g_ptr_array_new_with_free_func(g_free);
    for (guint l = 0; l < levels->n_levels; l++)
        g_ptr_array_add(cands, g_strdup(levels->names[l] ? levels->names[l] : "?"));
    GString *conts = g_string_new(NULL);
    for (guint l = 0; l < levels->n_levels; l++) {
        for (guint k = 0; k < levels->n_stages[l]; k++) {
            const char *c = levels->stages[l][k].name;
            g_string_append_printf(conts, "%s%s (or inter_%s_spatial)", conts->len ? ", " : "", c,
                                   c);
            g_ptr_array_add(cands, g_strdup(c));
            g_ptr_array_add(cands, g_strdup_printf("inter_%s_spatial", c));
        }
    }
    g_ptr_array_add(cands, NULL);
    g_autofree char *all = g_strjoinv(", ", (char **)levels->names);
    g_autofree char *extra =
        conts->len ? g_strdup_printf("; containers %s", conts->str) : g_strdup("");
    g_string_free(conts, TRUE);
    if (levels->compute_name && strcmp(levels->compute_name, name) == 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                        "'%s' is the compute level, not a storage level; targets are %s%s", name,
                        all, extra);
        return FALSE;
    }
    g_autofree char *hint = ts_config_suggest(name, (const char *const *)cands->pdata);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                    "unknown storage level '%s'%s; targets are %s%s", name, hint, all, extra);
    return FALSE;
}

gboolean ts_mapping_parse(const TsNode *node, const TsMappingLevels *levels, const TsOp *op,
                          TsMapping *out, GError **error)
{
    g_return_val_if_fail(levels != NULL && op != NULL && out != NULL, FALSE);
    if (node == NULL) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, NULL, "no mapping given");
        return FALSE;
    }
    if (levels->n_levels == 0 || levels->n_levels > TS_ARCH_MAX_LEVELS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, NULL,
                        "the architecture has %u storage levels (1 to %d can be mapped)",
                        levels->n_levels, TS_ARCH_MAX_LEVELS);
        return FALSE;
    }
    if (op->n_dims == 0 || op->n_dims > TS_MAX_DIMS || op->n_tensors == 0 ||
        op->n_tensors > TS_MAX_TENSORS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, NULL,
                        "op %s cannot be mapped (%u dims, %u tensors)", op->name ? op->name : "?",
                        op->n_dims, op->n_tensors);
        return FALSE;
    }
    const TsNode *list = node;
    const char *path = "mapping";
    if (node->kind == TS_NODE_MAPPING) {
        if (!ts_schema_check_keys(node, NULL, timeloop_top_keys, error))
            return FALSE;
        list = ts_node_get(node, "mapping");
        if (list == NULL) {
            ts_config_error(error, node, TS_CONFIG_ERROR_MISSING, NULL,
                            "missing key 'mapping' (a list of Timeloop mapping directives)");
            return FALSE;
        }
    }
    if (list->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, list, TS_CONFIG_ERROR_TYPE, path,
                        "expected a list of directives (target, type, factors, ...)");
        return FALSE;
    }

    TsMapping m;
    ts_mapping_init(&m, levels->n_levels, op);
    for (guint d = 0; d < op->n_dims; d++)
        m.level[0].temporal[d] = 1; /* unspecified factors are 1 everywhere */
    /* First directive of each kind per target (the level itself, then its containers), and
     * the axes of the first spatial one (bit 0: a factor > 1 on X, bit 1: on Y). */
    const TsNode *seen[TS_ARCH_MAX_LEVELS][TS_MAX_FANOUT_STAGES + 1][DIR_COUNT_];
    uint8_t seen_axes[TS_ARCH_MAX_LEVELS][TS_MAX_FANOUT_STAGES + 1];
    memset(seen, 0, sizeof seen);
    memset(seen_axes, 0, sizeof seen_axes);
    /* Spatial loops per level in the order written: X dims, then Y dims. */
    uint8_t xorder[TS_ARCH_MAX_LEVELS][TS_MAX_DIMS], yorder[TS_ARCH_MAX_LEVELS][TS_MAX_DIMS];
    guint nx[TS_ARCH_MAX_LEVELS] = {0}, ny[TS_ARCH_MAX_LEVELS] = {0};
    guint n_spatial[TS_ARCH_MAX_LEVELS] = {0};
    /* Residuals written (checked once the whole nest is known). */
    ResidualGiven given[TS_ARCH_MAX_LEVELS * 2 * TS_MAX_DIMS];
    guint n_given = 0;

    for (guint i = 0; i < list->n; i++) {
        const TsNode *dir = list->items[i];
        g_autofree char *dp = ts_path_index(path, i);
        if (dir->kind != TS_NODE_MAPPING) {
            ts_config_error(error, dir, TS_CONFIG_ERROR_TYPE, dp,
                            "expected a directive (a mapping with target and type)");
            return FALSE;
        }
        static const char *const keys[] = {"target", "type", "factors", "permutation",
                                           "split",  "keep", "bypass",  NULL};
        if (!ts_schema_check_keys(dir, dp, keys, error))
            return FALSE;
        g_autofree char *tp = ts_path_key(dp, "target");
        g_autofree char *yp = ts_path_key(dp, "type");
        const TsNode *tnode = ts_node_get(dir, "target");
        const TsNode *ynode = ts_node_get(dir, "type");
        if (tnode == NULL) {
            ts_config_error(error, dir, TS_CONFIG_ERROR_MISSING, dp, "missing key 'target'");
            return FALSE;
        }
        if (ynode == NULL) {
            ts_config_error(error, dir, TS_CONFIG_ERROR_MISSING, dp, "missing key 'type'");
            return FALSE;
        }
        guint l;
        int stage;
        if (!find_target(tnode, tp, levels, &l, &stage, error))
            return FALSE;
        const char *type;
        if (!ts_node_string(ynode, yp, &type, error))
            return FALSE;
        DirKind kind;
        if (strcmp(type, "temporal") == 0) {
            kind = DIR_TEMPORAL;
        } else if (strcmp(type, "spatial") == 0) {
            kind = DIR_SPATIAL;
        } else if (strcmp(type, "datatype") == 0 || strcmp(type, "dataspace") == 0 ||
                   strcmp(type, "bypass") == 0) {
            /* dataspace: the older name of Timeloop's keep/bypass directive */
            kind = DIR_DATATYPE;
        } else {
            g_autofree char *hint = ts_config_suggest(type, dir_type_names);
            ts_config_error(error, ynode, TS_CONFIG_ERROR_REFERENCE, yp,
                            "unknown directive type '%s'%s; expected temporal, spatial, "
                            "datatype (or dataspace) or bypass",
                            type, hint);
            return FALSE;
        }
        const char *tname = tnode->value;
        const TsNode *first = seen[l][stage + 1][kind];
        if (first != NULL && kind != DIR_SPATIAL) {
            ts_config_error(error, tnode, TS_CONFIG_ERROR_DUPLICATE, tp,
                            "a second %s directive for %s (the first is at line %u)",
                            kind == DIR_DATATYPE ? "datatype/bypass" : type, tname, first->line);
            return FALSE;
        }
        if (first == NULL)
            seen[l][stage + 1][kind] = dir;

        /* Keys that do not apply to this type are errors, not silently ignored. */
        static const char *const per_kind[DIR_COUNT_][4] = {
            [DIR_TEMPORAL] = {"factors", "permutation", NULL},
            [DIR_SPATIAL] = {"factors", "permutation", "split", NULL},
            [DIR_DATATYPE] = {"keep", "bypass", NULL},
        };
        for (guint k = 0; k < dir->n; k++) {
            const char *key = ts_node_key(dir, k);
            if (strcmp(key, "target") == 0 || strcmp(key, "type") == 0)
                continue;
            gboolean ok = FALSE;
            for (guint j = 0; per_kind[kind][j] && !ok; j++)
                ok = strcmp(per_kind[kind][j], key) == 0;
            if (!ok) {
                g_autofree char *kp = ts_path_key(dp, key);
                ts_config_error(error, ts_node_key_node(dir, k), TS_CONFIG_ERROR_UNKNOWN_KEY, kp,
                                "'%s' does not apply to a %s directive", key, type);
                return FALSE;
            }
        }

        TsMappingLevel *ml = &m.level[l];
        if (kind == DIR_DATATYPE && stage >= 0) {
            /* A container holds nothing: Timeloop's generated level bypasses every tensor. */
            g_autofree char *kp = ts_path_key(dp, "keep");
            uint8_t keep = 0, bypass = 0;
            g_autofree char *bp = ts_path_key(dp, "bypass");
            if (!parse_tensor_list(ts_node_get(dir, "keep"), kp, op, &keep, error) ||
                !parse_tensor_list(ts_node_get(dir, "bypass"), bp, op, &bypass, error))
                return FALSE;
            if (keep != 0) {
                guint t = (guint)__builtin_ctz(keep);
                ts_config_error(error, ts_node_get(dir, "keep"), TS_CONFIG_ERROR_INVALID, kp,
                                "'%s' is a container (part of the fan-out below %s): it holds "
                                "no tensors, so it cannot keep %s",
                                tname, levels->names[l], op->tensors[t].name);
                return FALSE;
            }
            continue;
        }
        if (kind == DIR_DATATYPE) {
            g_autofree char *kp = ts_path_key(dp, "keep");
            g_autofree char *bp = ts_path_key(dp, "bypass");
            uint8_t keep = 0, bypass = 0;
            const TsNode *kn = ts_node_get(dir, "keep");
            const TsNode *bn = ts_node_get(dir, "bypass");
            if (!parse_tensor_list(kn, kp, op, &keep, error) ||
                !parse_tensor_list(bn, bp, op, &bypass, error))
                return FALSE;
            if (keep & bypass) {
                guint t = (guint)__builtin_ctz(keep & bypass);
                ts_config_error(error, bn, TS_CONFIG_ERROR_INVALID, bp,
                                "tensor %s is both kept and bypassed at %s", op->tensors[t].name,
                                levels->names[l]);
                return FALSE;
            }
            /* Tensors named in neither list stay kept (Timeloop's default for a mapping). */
            ml->keep = (uint8_t)((ml->keep | keep) & ~bypass);
            continue;
        }

        g_autofree char *fp = ts_path_key(dp, "factors");
        g_autofree char *pp = ts_path_key(dp, "permutation");
        uint32_t factors[TS_MAX_DIMS], residuals[TS_MAX_DIMS];
        uint8_t perm[TS_MAX_DIMS];
        if (!parse_factors(ts_node_get(dir, "factors"), fp, op, factors, residuals, error) ||
            !parse_permutation(ts_node_get(dir, "permutation"), pp, op, perm, error))
            return FALSE;
        if (kind == DIR_TEMPORAL && stage >= 0) {
            for (guint d = 0; d < op->n_dims; d++) {
                if (factors[d] > 1) {
                    ts_config_error(error, ts_node_get(dir, "factors"), TS_CONFIG_ERROR_INVALID, fp,
                                    "'%s' is a container (part of the fan-out below %s): tilesim "
                                    "has no temporal loops between a level and its fan-out, so "
                                    "its factors must be 1 (got %s=%u)",
                                    tname, levels->names[l], op->dim_names[d], factors[d]);
                    return FALSE;
                }
            }
            continue;
        }
        if (kind == DIR_TEMPORAL) {
            for (guint d = 0; d < op->n_dims; d++)
                if (residuals[d] != 0 && n_given < G_N_ELEMENTS(given))
                    given[n_given++] = (ResidualGiven){
                        ts_node_get(dir, "factors"), (guint)i, l, d, 0, residuals[d]};
            memcpy(ml->temporal, factors, sizeof ml->temporal);
            memcpy(ml->permutation, perm, op->n_dims);
        } else {
            guint64 split = op->n_dims;
            const TsNode *sn = ts_node_get(dir, "split");
            if (sn != NULL) {
                g_autofree char *sp = ts_path_key(dp, "split");
                if (!ts_node_uint(sn, sp, &split, error))
                    return FALSE;
                if (split > op->n_dims) {
                    ts_config_error(error, sn, TS_CONFIG_ERROR_RANGE, sp,
                                    "split must be in [0, %u], the number of dimensions (got "
                                    "%s)",
                                    op->n_dims, sn->value);
                    return FALSE;
                }
            }
            uint64_t fx = 1, fy = 1;
            uint8_t axes = 0;
            for (guint k = 0; k < op->n_dims; k++) {
                guint d = perm[k];
                if (factors[d] > 1)
                    axes |= k < split ? 1u : 2u;
                if (k < split)
                    fx *= factors[d];
                else
                    fy *= factors[d];
            }
            if (first != NULL) {
                /* A second spatial directive for one target: accepted only as the X and the Y
                 * part of the level written separately (how a dimension split over both axes
                 * is written); anything else is a duplicate. */
                const uint8_t a0 = seen_axes[l][stage + 1];
                if (!((a0 & 2u) == 0 && (axes & 1u) == 0) &&
                    !((a0 & 1u) == 0 && (axes & 2u) == 0)) {
                    ts_config_error(error, tnode, TS_CONFIG_ERROR_DUPLICATE, tp,
                                    "a second spatial directive for %s (the first is at line %u); "
                                    "two are accepted only when one puts every factor on X and "
                                    "the other every factor on Y",
                                    tname, first->line);
                    return FALSE;
                }
            }
            seen_axes[l][stage + 1] |= axes;
            if (stage >= 0) {
                const TsFanoutStage *st = &levels->stages[l][stage];
                if (fx > st->mesh_x || fy > st->mesh_y) {
                    ts_config_error(error, ts_node_get(dir, "factors"), TS_CONFIG_ERROR_RANGE, fp,
                                    "container %s spans %ux%u (meshX x meshY); spatial factors "
                                    "need %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT,
                                    st->name, st->mesh_x, st->mesh_y, fx, fy);
                    return FALSE;
                }
            }
            if (n_spatial[l]++ == 0)
                memcpy(ml->spatial_permutation, perm, op->n_dims);
            for (guint k = 0; k < op->n_dims; k++) {
                guint d = perm[k];
                if (residuals[d] != 0 && n_given < G_N_ELEMENTS(given))
                    given[n_given++] =
                        (ResidualGiven){ts_node_get(dir, "factors"), (guint)i,    l, d,
                                        k < split ? 1u : 2u,         residuals[d]};
                if (factors[d] <= 1)
                    continue;
                uint32_t *f = k < split ? &ml->spatial_x[d] : &ml->spatial_y[d];
                if ((uint64_t)*f * factors[d] > UINT32_MAX) {
                    ts_config_error(error, ts_node_get(dir, "factors"), TS_CONFIG_ERROR_RANGE, fp,
                                    "spatial factors of %s multiply past %u", op->dim_names[d],
                                    UINT32_MAX);
                    return FALSE;
                }
                *f *= factors[d];
                if (k < split && nx[l] < TS_MAX_DIMS)
                    xorder[l][nx[l]++] = (uint8_t)d;
                else if (k >= split && ny[l] < TS_MAX_DIMS)
                    yorder[l][ny[l]++] = (uint8_t)d;
            }
        }
    }
    /* Residuals given (Timeloop's "M=6,2"): they must be what the ceil factors imply. */
    for (guint g = 0; g < n_given; g++) {
        const ResidualGiven *rg = &given[g];
        uint32_t r[TS_ARCH_MAX_LEVELS][3];
        ts_mapping_residuals(&m, op, ts_mapping_levels_x_outer(levels), rg->dim, r);
        const guint k = rg->axis;
        if (r[rg->level][k] != rg->residual) {
            g_autofree char *dp = ts_path_index("mapping", rg->index);
            g_autofree char *fp = ts_path_key(dp, "factors");
            ts_config_error(error, rg->node, TS_CONFIG_ERROR_INVALID, fp,
                            "residual %u of %s (%s loop of %s) does not match the factors: "
                            "with ceil factors the loop runs %u iteration(s) in the last, "
                            "partial iteration of the loops around it",
                            rg->residual, op->dim_names[rg->dim],
                            k == 0   ? "temporal"
                            : k == 1 ? "spatial X"
                                     : "spatial Y",
                            levels->names[rg->level], r[rg->level][k]);
            return FALSE;
        }
    }
    /* Levels whose fan-out was written in several directives (its containers): the spatial
     * order is the X loops as written, then the Y loops, then the rest. */
    for (guint l = 0; l < levels->n_levels; l++) {
        if (n_spatial[l] < 2)
            continue;
        uint8_t perm[TS_MAX_DIMS];
        uint32_t used = 0;
        guint n = 0;
        for (guint i = 0; i < nx[l] + ny[l]; i++) {
            uint8_t d = i < nx[l] ? xorder[l][i] : yorder[l][i - nx[l]];
            if (!(used >> d & 1u)) {
                used |= 1u << d;
                perm[n++] = d;
            }
        }
        for (guint i = 0; i < op->n_dims; i++) {
            uint8_t d = m.level[l].spatial_permutation[i];
            if (!(used >> d & 1u)) {
                used |= 1u << d;
                perm[n++] = d;
            }
        }
        memcpy(m.level[l].spatial_permutation, perm, op->n_dims);
    }
    *out = m;
    return TRUE;
}

/* ---- Writer ----------------------------------------------------------------------------- */

static gboolean plain_name(const char *s)
{
    if (s == NULL || *s == '\0')
        return FALSE;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.' && *p != '[' && *p != ']')
            return FALSE;
    return !g_ascii_isdigit(s[0]) && s[0] != '-' && strcmp(s, "null") != 0 &&
           strcmp(s, "true") != 0 && strcmp(s, "false") != 0;
}

static void append_name(GString *s, const char *name)
{
    if (plain_name(name)) {
        g_string_append(s, name);
        return;
    }
    g_string_append_c(s, '"');
    for (const char *p = name ? name : ""; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '"');
}

/* Timeloop's compact forms need one-letter dims ("KMN") and names without trailing digits
 * ("K4"); otherwise write "K=4" and space-separated permutations. */
static gboolean compact_dims(const TsOp *op, gboolean *letters)
{
    gboolean compact = TRUE;
    *letters = TRUE;
    for (guint d = 0; d < op->n_dims; d++) {
        const char *n = op->dim_names[d];
        gsize len = n ? strlen(n) : 0;
        if (len == 0 || !plain_name(n) || g_ascii_isdigit(n[len - 1]) || strchr(n, '=') ||
            strchr(n, ':'))
            compact = FALSE;
        if (len != 1 || !g_ascii_isalpha(n[0]))
            *letters = FALSE;
    }
    return compact;
}

/* Factors "M1 N48" (or "M=1 N=48"); a factor whose loop runs a partial last iteration gets
 * its residual, Timeloop's "N=6,2" (residual[d] != f[d]; residual NULL: none). */
static void append_factors(GString *s, const TsOp *op, const uint32_t *f, const uint32_t *residual,
                           gboolean compact)
{
    g_string_append(s, "    factors: ");
    gboolean quoted = !compact;
    if (quoted)
        g_string_append_c(s, '"');
    for (guint d = 0; d < op->n_dims; d++) {
        const gboolean res = residual != NULL && residual[d] != f[d];
        g_string_append_printf(s, "%s%s%s%u", d ? " " : "", op->dim_names[d],
                               compact && !res ? "" : "=", f[d]);
        if (res)
            g_string_append_printf(s, ",%u", residual[d]);
    }
    if (quoted)
        g_string_append_c(s, '"');
    g_string_append_c(s, '\n');
}

static void append_permutation(GString *s, const TsOp *op, const uint8_t *perm, gboolean letters)
{
    g_string_append(s, "    permutation: ");
    if (letters) {
        for (guint i = 0; i < op->n_dims; i++)
            g_string_append(s, op->dim_names[perm[i]]);
    } else {
        g_string_append_c(s, '[');
        for (guint i = 0; i < op->n_dims; i++) {
            g_string_append(s, i ? ", " : "");
            append_name(s, op->dim_names[perm[i]]);
        }
        g_string_append_c(s, ']');
    }
    g_string_append_c(s, '\n');
}

static void append_tensor_list(GString *s, const char *key, const TsOp *op, uint8_t mask)
{
    g_string_append_printf(s, "    %s: [", key);
    gboolean first = TRUE;
    for (guint t = 0; t < op->n_tensors; t++) {
        if (!(mask >> t & 1u))
            continue;
        g_string_append(s, first ? "" : ", ");
        append_name(s, op->tensors[t].name);
        first = FALSE;
    }
    g_string_append(s, "]\n");
}

char *ts_mapping_write(const TsMapping *mapping, const TsMappingLevels *levels, const TsOp *op,
                       GError **error)
{
    const guint nl = levels->n_levels, nd = op->n_dims;
    if (mapping->n_levels != nl || mapping->n_dims != nd || nd == 0 || nd > TS_MAX_DIMS ||
        op->n_tensors > TS_MAX_TENSORS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "mapping has %u levels and %u dimensions; the architecture has %u storage "
                    "levels and op %s has %u dimensions",
                    mapping->n_levels, mapping->n_dims, nl, op->name ? op->name : "?", nd);
        return NULL;
    }
    for (guint l = 0; l < nl; l++) {
        const TsMappingLevel *ml = &mapping->level[l];
        uint32_t seen = 0, seen_sp = 0;
        for (guint i = 0; i < nd; i++) {
            if (ml->permutation[i] >= nd || ml->spatial_permutation[i] >= nd ||
                (seen >> ml->permutation[i] & 1u) || (seen_sp >> ml->spatial_permutation[i] & 1u)) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                            "%s: a permutation does not list each dimension once",
                            levels->names[l]);
                return NULL;
            }
            seen |= 1u << ml->permutation[i];
            seen_sp |= 1u << ml->spatial_permutation[i];
        }
        for (guint d = 0; d < nd; d++) {
            if (ml->temporal[d] == 0 || ml->spatial_x[d] == 0 || ml->spatial_y[d] == 0) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                            "%s: dimension %s has a factor of 0", levels->names[l],
                            op->dim_names[d]);
                return NULL;
            }
        }
    }
    gboolean letters;
    const gboolean compact = compact_dims(op, &letters);
    uint32_t res[TS_MAX_DIMS][TS_ARCH_MAX_LEVELS][3];
    for (guint d = 0; d < nd; d++)
        ts_mapping_residuals(mapping, op, ts_mapping_levels_x_outer(levels), d, res[d]);
    const uint8_t all = (uint8_t)((1u << op->n_tensors) - 1u);

    GString *s = g_string_new("mapping:\n");
    for (guint k = nl; k-- > 0;) {
        g_string_append(s, "  - target: ");
        append_name(s, levels->names[k]);
        g_string_append(s, "\n    type: datatype\n");
        append_tensor_list(s, "keep", op, mapping->level[k].keep & all);
        append_tensor_list(s, "bypass", op, (uint8_t)(~mapping->level[k].keep & all));
    }
    for (guint k = nl; k-- > 0;) {
        const TsMappingLevel *ml = &mapping->level[k];
        gboolean any_spatial = levels->fanout_x[k] * (uint64_t)levels->fanout_y[k] > 1;
        gboolean both = FALSE;
        for (guint d = 0; d < nd; d++) {
            any_spatial |= ml->spatial_x[d] > 1 || ml->spatial_y[d] > 1;
            both |= ml->spatial_x[d] > 1 && ml->spatial_y[d] > 1;
        }
        if (any_spatial) {
            /* Two containers, one per axis: each gets its own directive (Timeloop's own form
             * for them). Otherwise one directive on the level, or, when a dimension is split
             * over both axes, its X part and its Y part as two directives (a tilesim extension:
             * Timeloop reads one spatial directive per target). */
            const char *xname = levels->names[k], *yname = levels->names[k];
            gboolean split_dirs = both;
            if (levels->n_stages[k] == 2) {
                const TsFanoutStage *a = &levels->stages[k][0], *b = &levels->stages[k][1];
                if (a->mesh_y == 1 && b->mesh_x == 1) {
                    xname = a->name;
                    yname = b->name;
                    split_dirs = TRUE;
                } else if (a->mesh_x == 1 && b->mesh_y == 1) {
                    xname = b->name;
                    yname = a->name;
                    split_dirs = TRUE;
                }
            }
            for (guint part = 0; part < (split_dirs ? 2u : 1u); part++) {
                uint32_t f[TS_MAX_DIMS];
                uint8_t perm[TS_MAX_DIMS];
                guint n = 0;
                for (guint i = 0; i < nd; i++) {
                    guint d = ml->spatial_permutation[i];
                    f[d] = !split_dirs ? ml->spatial_x[d] * ml->spatial_y[d]
                           : part == 0 ? ml->spatial_x[d]
                                       : ml->spatial_y[d];
                    if (part == 0 && ml->spatial_x[d] > 1)
                        perm[n++] = (uint8_t)d;
                }
                const guint split = n;
                for (guint i = 0; i < nd; i++) {
                    guint d = ml->spatial_permutation[i];
                    if (!(part == 0 && ml->spatial_x[d] > 1))
                        perm[n++] = (uint8_t)d;
                }
                g_string_append(s, "  - target: ");
                append_name(s, part == 0 ? xname : yname);
                g_string_append(s, "\n    type: spatial\n");
                uint32_t r[TS_MAX_DIMS];
                for (guint d = 0; d < nd; d++) {
                    const guint axis = !split_dirs ? (ml->spatial_x[d] > 1 ? 1u : 2u)
                                       : part == 0 ? 1u
                                                   : 2u;
                    r[d] = f[d] > 1 ? res[d][k][axis] : f[d];
                }
                append_factors(s, op, f, r, compact);
                append_permutation(s, op, perm, letters && compact);
                g_string_append_printf(s, "    split: %u\n", part == 0 ? split : 0u);
            }
        }
        g_string_append(s, "  - target: ");
        append_name(s, levels->names[k]);
        g_string_append(s, "\n    type: temporal\n");
        uint32_t r[TS_MAX_DIMS];
        for (guint d = 0; d < nd; d++)
            r[d] = ml->temporal[d] > 1 ? res[d][k][0] : ml->temporal[d];
        append_factors(s, op, ml->temporal, r, compact);
        append_permutation(s, op, ml->permutation, letters && compact);
    }
    return g_string_free(s, FALSE);
}
