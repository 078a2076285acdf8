/* Timeloop problem YAML as one einsum op: v0.3 (`data-spaces`, `read-write`) and v0.4
 * (`data_spaces`, `read_write`, `version: 0.4`) shapes, Timeloop's built-in `cnn-layer` shape
 * (dims R S P Q C K N, used when `shape` is absent or names it), the legacy form with dims
 * directly under `problem`, coefficients with defaults overridden by the instance, and
 * instance values that are names resolved through variables (timeloopfe semantics). The
 * file's `dimensions` order is kept: the model prints loops in it. */
#include "ts-workload.h"

#include <string.h>

#include "ts-workload-private.h"

/* Timeloop's built-in shape (problem-shapes/cnn-layer.yaml): the same dims, coefficients and
 * projections, restated. */
static const char cnn_layer_yaml[] =
    "shape:\n"
    "  name: CNN-Layer\n"
    "  dimensions: [R, S, P, Q, C, K, N]\n"
    "  coefficients:\n"
    "    - {name: Wstride, default: 1}\n"
    "    - {name: Hstride, default: 1}\n"
    "    - {name: Wdilation, default: 1}\n"
    "    - {name: Hdilation, default: 1}\n"
    "  data-spaces:\n"
    "    - name: Weights\n"
    "      projection: [[[C]], [[K]], [[R]], [[S]]]\n"
    "    - name: Inputs\n"
    "      projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], "
    "[[S, Hdilation], [Q, Hstride]]]\n"
    "    - name: Outputs\n"
    "      projection: [[[N]], [[K]], [[Q]], [[P]]]\n"
    "      read-write: true\n";

#define TS_MAX_COEFS 16

/* Top-level sections of timeloopfe's combined files that are not the problem. */
static const char *const other_sections[] = {"architecture",
                                             "arch",
                                             "mapper",
                                             "mapping",
                                             "mapspace",
                                             "mapspace_constraints",
                                             "constraints",
                                             "components",
                                             "compound_components",
                                             "globals",
                                             "sparse_optimizations",
                                             "ERT",
                                             "ART",
                                             "model",
                                             NULL};

char *ts_timeloop_op_name(const char *filename)
{
    g_autofree char *base = g_path_get_basename(filename);
    static const char *const suffixes[] = {".yaml", ".yml", ".prob", "_layer", NULL};
    for (guint i = 0; suffixes[i]; i++) {
        if (g_str_has_suffix(base, suffixes[i]) && strlen(base) > strlen(suffixes[i]))
            base[strlen(base) - strlen(suffixes[i])] = '\0';
    }
    return g_steal_pointer(&base);
}

/* Workload name of a problem file: the basename without .yaml/.yml and .prob. */
static char *file_stem(const char *filename)
{
    g_autofree char *base = g_path_get_basename(filename);
    static const char *const suffixes[] = {".yaml", ".yml", ".prob", NULL};
    for (guint i = 0; suffixes[i]; i++) {
        if (g_str_has_suffix(base, suffixes[i]) && strlen(base) > strlen(suffixes[i]))
            base[strlen(base) - strlen(suffixes[i])] = '\0';
    }
    return g_steal_pointer(&base);
}

static gboolean check_version(const TsNode *node, GError **error)
{
    if (node == NULL)
        return TRUE;
    if (node->kind == TS_NODE_SCALAR &&
        (strcmp(node->value, "0.3") == 0 || strcmp(node->value, "0.4") == 0))
        return TRUE;
    ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, "problem.version",
                    "unsupported Timeloop problem version; tilesim reads 0.3 and 0.4 (got '%s')",
                    node->kind == TS_NODE_SCALAR ? node->value : "a collection");
    return FALSE;
}

/* Parsed shape: dims, coefficients and the data-space nodes (projections are resolved after
 * the instance, which may override coefficients). */
typedef struct {
    const char *name;
    const TsNode *node;
    guint n_dims;
    const TsNode *dims[TS_MAX_DIMS];
    guint n_coefs;
    TsCoef coefs[TS_MAX_COEFS];
    const TsNode *spaces;
    const char *spaces_key;
} TsShape;

static gboolean parse_shape(const TsNode *shape, TsShape *out, GError **error)
{
    static const char *const keys[] = {"name",        "dimensions",  "coefficients",
                                       "data-spaces", "data_spaces", NULL};
    if (!ts_schema_check_keys(shape, "problem.shape", keys, error))
        return FALSE;
    memset(out, 0, sizeof *out);
    out->node = shape;
    const TsNode *name = ts_node_get(shape, "name");
    out->name = name && name->kind == TS_NODE_SCALAR ? name->value : "unnamed";

    const TsNode *dims = ts_node_get(shape, "dimensions");
    if (dims == NULL) {
        ts_config_error(error, shape, TS_CONFIG_ERROR_MISSING, "problem.shape",
                        "missing required key 'dimensions' (got none)");
        return FALSE;
    }
    if (dims->kind != TS_NODE_SEQUENCE || dims->n == 0) {
        ts_config_error(error, dims, TS_CONFIG_ERROR_TYPE, "problem.shape.dimensions",
                        "expected a non-empty list of dimension names (got %s)",
                        dims->kind == TS_NODE_SEQUENCE ? "an empty list" : "no list");
        return FALSE;
    }
    if (dims->n > TS_MAX_DIMS) {
        ts_config_error(error, dims, TS_CONFIG_ERROR_LIMIT, "problem.shape.dimensions",
                        "at most %d dimensions are supported (got %u)", TS_MAX_DIMS, dims->n);
        return FALSE;
    }
    for (guint i = 0; i < dims->n; i++) {
        const TsNode *d = dims->items[i];
        g_autofree char *p = ts_path_index("problem.shape.dimensions", i);
        if (d->kind != TS_NODE_SCALAR || d->value[0] == '\0') {
            ts_config_error(error, d, TS_CONFIG_ERROR_TYPE, p, "expected a dimension name (got %s)",
                            d->kind == TS_NODE_SCALAR ? "''" : "a collection");
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(out->dims[j]->value, d->value) == 0) {
                ts_config_error(error, d, TS_CONFIG_ERROR_DUPLICATE, p,
                                "dimension listed twice (got '%s')", d->value);
                return FALSE;
            }
        }
        out->dims[out->n_dims++] = d;
    }

    const TsNode *coefs = ts_node_get(shape, "coefficients");
    if (coefs != NULL && !ts_node_is_null(coefs)) {
        if (coefs->kind != TS_NODE_SEQUENCE) {
            ts_config_error(error, coefs, TS_CONFIG_ERROR_TYPE, "problem.shape.coefficients",
                            "expected a list of {name, default} (got %s)",
                            coefs->kind == TS_NODE_MAPPING ? "a mapping" : "a scalar");
            return FALSE;
        }
        if (coefs->n > TS_MAX_COEFS) {
            ts_config_error(error, coefs, TS_CONFIG_ERROR_LIMIT, "problem.shape.coefficients",
                            "at most %d coefficients are supported (got %u)", TS_MAX_COEFS,
                            coefs->n);
            return FALSE;
        }
        for (guint i = 0; i < coefs->n; i++) {
            const TsNode *c = coefs->items[i];
            g_autofree char *p = ts_path_index("problem.shape.coefficients", i);
            static const char *const ckeys[] = {"name", "default", NULL};
            if (!ts_schema_check_keys(c, p, ckeys, error))
                return FALSE;
            if (c->kind != TS_NODE_MAPPING) {
                ts_config_error(error, c, TS_CONFIG_ERROR_TYPE, p,
                                "expected {name, default} (got %s)",
                                c->value ? c->value : "a list");
                return FALSE;
            }
            const char *cname;
            g_autofree char *np = ts_path_key(p, "name");
            if (!ts_node_string(ts_node_get(c, "name"), np, &cname, error))
                return FALSE;
            for (guint d = 0; d < out->n_dims; d++) {
                if (strcmp(out->dims[d]->value, cname) == 0) {
                    ts_config_error(error, c, TS_CONFIG_ERROR_DUPLICATE, np,
                                    "coefficient has the name of a dimension (got '%s')", cname);
                    return FALSE;
                }
            }
            gint64 def = 1; /* Timeloop's default when `default` is absent */
            const TsNode *dn = ts_node_get(c, "default");
            g_autofree char *dp = ts_path_key(p, "default");
            if (dn != NULL && !ts_node_int(dn, dp, &def, error))
                return FALSE;
            if (def < 0) {
                ts_config_error(error, dn, TS_CONFIG_ERROR_RANGE, dp, "must be >= 0 (got %s)",
                                dn->value);
                return FALSE;
            }
            out->coefs[out->n_coefs].name = cname;
            out->coefs[out->n_coefs].value = def;
            out->n_coefs++;
        }
    }

    const TsNode *s3 = ts_node_get(shape, "data-spaces");
    const TsNode *s4 = ts_node_get(shape, "data_spaces");
    if (s3 != NULL && s4 != NULL) {
        ts_config_error(error, s4, TS_CONFIG_ERROR_DUPLICATE, "problem.shape.data_spaces",
                        "give either data-spaces (v0.3) or data_spaces (v0.4), not both (got "
                        "both)");
        return FALSE;
    }
    out->spaces = s3 ? s3 : s4;
    out->spaces_key = s3 ? "problem.shape.data-spaces" : "problem.shape.data_spaces";
    if (out->spaces == NULL) {
        ts_config_error(error, shape, TS_CONFIG_ERROR_MISSING, "problem.shape",
                        "missing required key 'data_spaces' (or 'data-spaces') (got none)");
        return FALSE;
    }
    if (out->spaces->kind != TS_NODE_SEQUENCE || out->spaces->n == 0) {
        ts_config_error(error, out->spaces, TS_CONFIG_ERROR_TYPE, out->spaces_key,
                        "expected a non-empty list of data spaces (got %s)",
                        out->spaces->kind == TS_NODE_SEQUENCE ? "an empty list" : "no list");
        return FALSE;
    }
    if (out->spaces->n > TS_MAX_TENSORS) {
        ts_config_error(error, out->spaces, TS_CONFIG_ERROR_LIMIT, out->spaces_key,
                        "at most %d data spaces are supported (got %u)", TS_MAX_TENSORS,
                        out->spaces->n);
        return FALSE;
    }
    return TRUE;
}

static int shape_coef(const TsShape *shape, const char *name)
{
    for (guint i = 0; i < shape->n_coefs; i++) {
        if (strcmp(shape->coefs[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

static int shape_dim(const TsShape *shape, const char *name)
{
    for (guint i = 0; i < shape->n_dims; i++) {
        if (strcmp(shape->dims[i]->value, name) == 0)
            return (int)i;
    }
    return -1;
}

static gboolean parse_instance(const TsNode *inst, const char *ipath, gboolean legacy,
                               TsShape *shape, TsVars *vars, TsWorkload *w, TsOp *op,
                               GError **error)
{
    if (inst == NULL || inst->kind != TS_NODE_MAPPING) {
        ts_config_error(error, inst, TS_CONFIG_ERROR_TYPE, ipath,
                        "expected a mapping of dimension sizes (got %s)",
                        inst == NULL ? "none" : "a scalar or list");
        return FALSE;
    }
    gboolean have[TS_MAX_DIMS] = {FALSE};
    GPtrArray *extras = g_ptr_array_new();
    gboolean ok = TRUE;
    for (guint i = 0; i < inst->n && ok; i++) {
        const char *key = ts_node_key(inst, i);
        const TsNode *value = ts_node_value(inst, i);
        if (legacy && (strcmp(key, "shape") == 0 || strcmp(key, "version") == 0))
            continue;
        g_autofree char *kp = ts_path_key(ipath, key);
        int d = shape_dim(shape, key), c = shape_coef(shape, key);
        if (d >= 0) {
            ok = ts_vars_eval_node(vars, value, kp, 1, &op->dims[d], error);
            have[d] = TRUE;
            if (ok && value->kind == TS_NODE_SCALAR && !g_ascii_isdigit(value->value[0]))
                ts_workload_add_note(w, "%s = %s = %" G_GUINT64_FORMAT, kp, value->value,
                                     op->dims[d]);
        } else if (c >= 0) {
            uint64_t v;
            ok = ts_vars_eval_node(vars, value, kp, 0, &v, error);
            if (ok && v > (uint64_t)G_MAXINT32) {
                ts_config_error(error, value, TS_CONFIG_ERROR_RANGE, kp,
                                "coefficient too large (got %s)", value->value);
                ok = FALSE;
            }
            if (ok)
                shape->coefs[c].value = (int64_t)v;
        } else if (strcmp(key, "densities") == 0 || strcmp(key, "commonDensity") == 0) {
            ts_config_error(error, ts_node_key_node(inst, i), TS_CONFIG_ERROR_INVALID, kp,
                            "sparse tensor densities are not modelled: tilesim treats every "
                            "tensor as dense (got '%s')",
                            key);
            ok = FALSE;
        } else {
            g_ptr_array_add(extras, (gpointer)key);
        }
    }
    if (ok) {
        for (guint d = 0; d < shape->n_dims; d++) {
            if (have[d])
                continue;
            g_ptr_array_add(extras, NULL);
            g_autofree char *hint =
                ts_config_suggest(shape->dims[d]->value, (const char *const *)extras->pdata);
            g_ptr_array_remove_index(extras, extras->len - 1);
            GString *dl = g_string_new(NULL);
            for (guint k = 0; k < shape->n_dims; k++)
                g_string_append_printf(dl, "%s%s", k ? ", " : "", shape->dims[k]->value);
            ts_config_error(error, inst, TS_CONFIG_ERROR_MISSING, ipath,
                            "missing size of dimension '%s'%s; shape '%s' has dimensions %s "
                            "(got none)",
                            shape->dims[d]->value, hint, shape->name, dl->str);
            g_string_free(dl, TRUE);
            ok = FALSE;
            break;
        }
    }
    if (ok && extras->len > 0) {
        GString *s = g_string_new(NULL);
        for (guint i = 0; i < extras->len; i++)
            g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)extras->pdata[i]);
        ts_workload_add_note(w,
                             "%s: ignored %s (not a dimension or coefficient of shape '%s'; "
                             "Timeloop ignores them too)",
                             ipath, s->str, shape->name);
        g_string_free(s, TRUE);
    }
    g_ptr_array_free(extras, TRUE);
    return ok;
}

static gboolean parse_spaces(const TsShape *shape, TsWorkload *w, TsOp *op, GError **error)
{
    const TsNode *spaces = shape->spaces;
    for (guint i = 0; i < spaces->n; i++) {
        const TsNode *s = spaces->items[i];
        g_autofree char *p = ts_path_index(shape->spaces_key, i);
        static const char *const keys[] = {"name", "projection", "read-write", "read_write", NULL};
        if (s->kind != TS_NODE_MAPPING) {
            ts_config_error(error, s, TS_CONFIG_ERROR_TYPE, p,
                            "expected a data space {name, projection, read-write} (got %s)",
                            s->kind == TS_NODE_SEQUENCE ? "a list" : s->value);
            return FALSE;
        }
        if (!ts_schema_check_keys(s, p, keys, error))
            return FALSE;
        TsTensor *t = &op->tensors[i];
        const char *name;
        g_autofree char *np = ts_path_key(p, "name");
        if (!ts_node_string(ts_node_get(s, "name"), np, &name, error))
            return FALSE;
        if (name[0] == '\0') {
            ts_config_error(error, ts_node_get(s, "name"), TS_CONFIG_ERROR_TYPE, np,
                            "expected a data space name (got '')");
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            if (strcmp(op->tensors[j].name, name) == 0) {
                ts_config_error(error, ts_node_get(s, "name"), TS_CONFIG_ERROR_DUPLICATE, np,
                                "data space named twice (got '%s')", name);
                return FALSE;
            }
        }
        t->name = ts_workload_intern(w, name);
        const TsNode *rw3 = ts_node_get(s, "read-write"), *rw4 = ts_node_get(s, "read_write");
        if (rw3 && rw4) {
            ts_config_error(error, rw4, TS_CONFIG_ERROR_DUPLICATE, p,
                            "give either read-write or read_write, not both (got both)");
            return FALSE;
        }
        t->read_write = FALSE;
        if (rw3 || rw4) {
            g_autofree char *rp = ts_path_key(p, rw3 ? "read-write" : "read_write");
            if (!ts_node_bool(rw3 ? rw3 : rw4, rp, &t->read_write, error))
                return FALSE;
        }
        const TsNode *proj = ts_node_get(s, "projection");
        g_autofree char *pp = ts_path_key(p, "projection");
        if (proj == NULL) {
            ts_config_error(error, s, TS_CONFIG_ERROR_MISSING, p,
                            "missing required key 'projection' (got none)");
            return FALSE;
        }
        if (proj->kind != TS_NODE_SEQUENCE) {
            ts_config_error(error, proj, TS_CONFIG_ERROR_TYPE, pp,
                            "expected a list of ranks (got %s)",
                            proj->kind == TS_NODE_MAPPING ? "a mapping" : proj->value);
            return FALSE;
        }
        if (proj->n > TS_MAX_RANKS) {
            ts_config_error(error, proj, TS_CONFIG_ERROR_LIMIT, pp,
                            "at most %d ranks per data space are supported (got %u)", TS_MAX_RANKS,
                            proj->n);
            return FALSE;
        }
        t->n_ranks = (uint8_t)proj->n;
        for (guint r = 0; r < proj->n; r++) {
            g_autofree char *rp = ts_path_index(pp, r);
            if (!ts_projection_parse(proj->items[r], rp, op, shape->coefs, shape->n_coefs,
                                     &t->ranks[r], error))
                return FALSE;
        }
        t->precision = (TsPrecision){16, TS_NUM_INT};
    }
    op->n_tensors = (uint8_t)spaces->n;
    int output = -1;
    for (guint i = 0; i < op->n_tensors; i++) {
        if (!op->tensors[i].read_write)
            continue;
        if (output >= 0) {
            g_autofree char *p = ts_path_index(shape->spaces_key, i);
            ts_config_error(error, spaces->items[i], TS_CONFIG_ERROR_INVALID, p,
                            "two read-write data spaces; an op has exactly one output (got %s "
                            "and %s)",
                            op->tensors[output].name, op->tensors[i].name);
            return FALSE;
        }
        output = (int)i;
    }
    if (output < 0) {
        ts_config_error(error, spaces, TS_CONFIG_ERROR_INVALID, shape->spaces_key,
                        "no output: exactly one data space must be read-write (got none of %u)",
                        op->n_tensors);
        return FALSE;
    }
    op->output = (uint8_t)output;
    return TRUE;
}

gboolean ts_timeloop_problem_parse(const TsDoc *doc, TsVars *vars, TsWorkload *w,
                                   const char *op_name, TsOp *op, GError **error)
{
    const TsNode *root = doc->root;
    for (guint i = 0; i < root->n; i++) {
        const char *key = ts_node_key(root, i);
        if (strcmp(key, "problem") == 0 || strcmp(key, "variables") == 0)
            continue;
        gboolean other = FALSE;
        for (guint j = 0; other_sections[j] && !other; j++)
            other = strcmp(key, other_sections[j]) == 0;
        if (!other) {
            static const char *const keys[] = {"problem", "variables", NULL};
            g_autofree char *hint = ts_config_suggest(key, keys);
            ts_config_error(error, ts_node_key_node(root, i), TS_CONFIG_ERROR_UNKNOWN_KEY, key,
                            "unknown top-level key '%s'%s in a Timeloop problem file (got '%s')",
                            key, hint, key);
            return FALSE;
        }
        ts_workload_add_note(w, "%s: top-level '%s' ignored (not part of the problem)",
                             doc->filename, key);
    }
    const TsNode *problem = ts_node_get(root, "problem");
    if (problem->kind != TS_NODE_MAPPING) {
        ts_config_error(error, problem, TS_CONFIG_ERROR_TYPE, "problem",
                        "expected a mapping with shape and instance (got %s)",
                        problem->kind == TS_NODE_SEQUENCE ? "a list" : problem->value);
        return FALSE;
    }
    if (!check_version(ts_node_get(problem, "version"), error))
        return FALSE;

    const TsNode *shape_node = ts_node_get(problem, "shape");
    g_autoptr(TsDoc) builtin = NULL;
    if (shape_node == NULL || shape_node->kind == TS_NODE_SCALAR) {
        const char *name = shape_node ? shape_node->value : "cnn-layer";
        if (g_ascii_strcasecmp(name, "cnn-layer") != 0 &&
            g_ascii_strcasecmp(name, "cnn_layer") != 0) {
            static const char *const known[] = {"cnn-layer", NULL};
            g_autofree char *hint = ts_config_suggest(name, known);
            ts_config_error(error, shape_node, TS_CONFIG_ERROR_REFERENCE, "problem.shape",
                            "unknown built-in shape '%s'%s; tilesim knows cnn-layer, or write "
                            "the shape out (got '%s')",
                            name, hint, name);
            return FALSE;
        }
        builtin = ts_doc_load_string("built-in cnn-layer shape", cnn_layer_yaml, -1, NULL, error);
        if (builtin == NULL)
            return FALSE;
        shape_node = ts_node_get(builtin->root, "shape");
        if (ts_node_get(problem, "shape") == NULL)
            ts_workload_add_note(w, "problem.shape absent: Timeloop's built-in cnn-layer "
                                    "(R S P Q C K N)");
    } else if (shape_node->kind != TS_NODE_MAPPING) {
        ts_config_error(error, shape_node, TS_CONFIG_ERROR_TYPE, "problem.shape",
                        "expected a shape mapping or a built-in shape name (got a list)");
        return FALSE;
    }
    TsShape shape;
    if (!parse_shape(shape_node, &shape, error))
        return FALSE;

    memset(op, 0, sizeof *op);
    op->name = ts_workload_intern(w, op_name);
    op->kind = TS_OP_EINSUM;
    op->count = 1;
    op->n_dims = (uint8_t)shape.n_dims;
    for (guint i = 0; i < shape.n_dims; i++)
        op->dim_names[i] = ts_workload_intern(w, shape.dims[i]->value);

    const TsNode *inst = ts_node_get(problem, "instance");
    if (inst != NULL) {
        static const char *const keys[] = {"version", "shape", "instance", NULL};
        if (!ts_schema_check_keys(problem, "problem", keys, error))
            return FALSE;
        if (!parse_instance(inst, "problem.instance", FALSE, &shape, vars, w, op, error))
            return FALSE;
    } else {
        /* Legacy form: dimension sizes directly under `problem`. */
        if (!parse_instance(problem, "problem", TRUE, &shape, vars, w, op, error))
            return FALSE;
    }
    if (!parse_spaces(&shape, w, op, error))
        return FALSE;
    op->precision_is_default = TRUE;
    op->param_precision = (TsPrecision){16, TS_NUM_INT};
    op->param_elements = 0;
    return ts_op_check(op, problem, "problem", error);
}

TsWorkload *ts_timeloop_problem_load(const TsDoc *doc, const char *path,
                                     const TsWorkloadOverrides *overrides, GError **error)
{
    g_autofree char *stem = file_stem(path);
    g_autofree char *op_name = ts_timeloop_op_name(path);
    g_autoptr(TsWorkload) w = ts_workload_new_empty(stem, TS_WORKLOAD_SOURCE_TIMELOOP, path);
    g_autoptr(TsVars) vars = ts_vars_new();
    if (!ts_vars_add_node(vars, ts_node_get(doc->root, "variables"), "variables", error))
        return NULL;
    if (overrides != NULL) {
        if (overrides->phase != NULL || overrides->kv_len != 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "%s: phase and kv_len apply to transformer model workloads, not to a "
                        "Timeloop problem (got %s%s)",
                        path, overrides->phase ? "phase " : "kv_len",
                        overrides->phase ? overrides->phase : "");
            return NULL;
        }
        if (overrides->variables_file != NULL &&
            !ts_vars_add_file(vars, overrides->variables_file, error))
            return NULL;
        if (overrides->seq != 0)
            ts_vars_set_override(vars, "SEQ_LENGTH", overrides->seq, "--seq");
        if (overrides->batch != 0)
            ts_vars_set_override(vars, "BATCH", overrides->batch, "--batch");
        if (!ts_vars_add_overrides(vars, overrides->vars, error))
            return NULL;
    }
    TsOp op;
    if (!ts_timeloop_problem_parse(doc, vars, w, op_name, &op, error))
        return NULL;
    if (overrides != NULL && overrides->precision != NULL) {
        TsPrecisionSet set;
        g_autoptr(GError) local = NULL;
        if (!ts_precision_preset(overrides->precision, &set, &local)) {
            g_set_error(error, TS_CONFIG_ERROR, local->code, "--precision: %s (problem %s)",
                        local->message, path);
            return NULL;
        }
        ts_op_apply_precision(&op, &set, FALSE);
    }
    if (!ts_vars_check_overrides_used(vars, path, error))
        return NULL;
    g_autofree char *used = ts_vars_describe_used(vars);
    if (used[0] != '\0')
        ts_workload_add_note(w, "variables: %s", used);
    if (op.precision_is_default)
        ts_workload_add_note(w, "precision not given (Timeloop problem): 16-bit placeholders; "
                                "the architecture's word bits apply");
    const TsNode *problem = ts_node_get(doc->root, "problem");
    if (!ts_workload_append(w, &op, problem, "problem", error) ||
        !ts_workload_finish(w, problem, "problem", error))
        return NULL;
    return g_steal_pointer(&w);
}
