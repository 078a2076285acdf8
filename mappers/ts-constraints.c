/* Constraint files: the Timeloop forms (v0.4 `targets`, older lists, constraints embedded in
 * v0.4 architecture nodes) and tilesim's per-level form are read into directives that keep
 * their YAML nodes; ts-constraints-resolve.c turns them into TsRules for one (arch, op) pair,
 * reporting every bad name or conflict at its file:line:col. Semantics follow Timeloop's
 * constraint reader (factors `=`, `<=`, `>=`, `0` = the whole dimension; permutations innermost
 * first as a required prefix; `split` of the spatial permutation between X and Y). */
#include "ts-constraints.h"

#include <math.h>
#include <string.h>

#include "ts-constraints-private.h"

static const char *const kTypes[] = {"temporal",    "spatial",     "datatype",
                                     "dataspace",   "bypass",      "bypassing",
                                     "utilization", "parallelism", NULL};
static const char *const kIgnoredTypes[] = {"max_overbooked_proportion",
                                            "skew",
                                            "no_multicast",
                                            "no_reduction",
                                            "no_multicast_no_reduction",
                                            "no_link_transfer",
                                            "no_link_transfer_no_multicast",
                                            NULL};
static const char *const kDirectiveKeys[] = {"target",        "name",
                                             "type",          "factors",
                                             "permutation",   "split",
                                             "keep",          "bypass",
                                             "min",           "min_utilization",
                                             "maximize_dims", "maximize_dims_capacity",
                                             "no_coalesce",   "no_multicast",
                                             "no_reduction",  "no_link_transfer",
                                             "modulo",        "terms",
                                             "proportion",    "attributes",
                                             "constraints",   NULL};
/* Keys accepted (Timeloop forks' search hints and model options) but not applied. */
static const char *const kNotAppliedKeys[] = {"maximize_dims", "maximize_dims_capacity",
                                              "no_coalesce",   "no_multicast",
                                              "no_reduction",  "no_link_transfer",
                                              "modulo",        "terms",
                                              "proportion",    NULL};

static gboolean in_list(const char *s, const char *const *list)
{
    for (guint i = 0; list[i]; i++)
        if (g_strcmp0(s, list[i]) == 0)
            return TRUE;
    return FALSE;
}

void ts_constraints_add_note(TsConstraints *c, const TsNode *node, const char *path,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    GString *s = g_string_new(NULL);
    if (node && node->doc)
        g_string_append_printf(s, "%s:%u:%u: ", node->doc->filename, node->line, node->col);
    if (path && *path)
        g_string_append_printf(s, "%s: ", path);
    g_string_append(s, msg);
    for (guint i = 0; i < c->notes->len; i++) {
        if (strcmp(g_ptr_array_index(c->notes, i), s->str) == 0) {
            g_string_free(s, TRUE); /* the same note from resolving another op */
            return;
        }
    }
    g_ptr_array_add(c->notes, g_string_free(s, FALSE));
}

static void directive_clear(gpointer p)
{
    TsDirective *d = p;
    g_free(d->path);
}

TsConstraints *ts_constraints_new(void)
{
    TsConstraints *c = g_new0(TsConstraints, 1);
    c->docs = g_ptr_array_new_with_free_func((GDestroyNotify)ts_doc_free);
    c->dirs = g_array_new(FALSE, TRUE, sizeof(TsDirective));
    g_array_set_clear_func(c->dirs, directive_clear);
    c->notes = g_ptr_array_new_with_free_func(g_free);
    return c;
}

void ts_constraints_free(TsConstraints *c)
{
    if (c == NULL)
        return;
    g_array_unref(c->dirs);
    g_ptr_array_unref(c->notes);
    g_ptr_array_unref(c->docs); /* last: directives point into the documents */
    g_free(c);
}

guint ts_constraints_count(const TsConstraints *c)
{
    g_return_val_if_fail(c != NULL, 0);
    return c->dirs->len;
}

guint ts_constraints_n_notes(const TsConstraints *c)
{
    g_return_val_if_fail(c != NULL, 0);
    return c->notes->len;
}

const char *ts_constraints_note(const TsConstraints *c, guint index)
{
    g_return_val_if_fail(c != NULL && index < c->notes->len, NULL);
    return g_ptr_array_index(c->notes, index);
}

/* ---- Lexical checks (at load time) ------------------------------------------------------ */

/* Parses "K=4 M>=2 N<=8", "M2 N6 K12" or one list item; calls back per term. */
static gboolean parse_factor_text(const char *text, const TsNode *node, const char *path,
                                  GArray *out, GError **error)
{
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            return TRUE;
        TsFactorTerm t = {0};
        guint n = 0;
        while (g_ascii_isalpha(*p) || *p == '_') {
            if (n + 1 < sizeof t.name)
                t.name[n++] = *p;
            p++;
        }
        t.name[n] = '\0';
        if (n == 0) {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                            "expected DIM=N, DIM>=N or DIM<=N (got '%s')", text);
            return FALSE;
        }
        while (*p == ' ')
            p++;
        t.op = '=';
        if (p[0] == '>' && p[1] == '=') {
            t.op = '>';
            p += 2;
        } else if (p[0] == '<' && p[1] == '=') {
            t.op = '<';
            p += 2;
        } else if (*p == '=') {
            p++;
        }
        while (*p == ' ')
            p++;
        if (!g_ascii_isdigit(*p)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                            "factor of %s needs a non-negative integer (got '%s')", t.name, text);
            return FALSE;
        }
        t.value = 0;
        while (g_ascii_isdigit(*p)) {
            t.value = t.value * 10 + (uint64_t)(*p - '0');
            if (t.value > G_MAXUINT32) {
                ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                                "factor of %s is too large (got '%s')", t.name, text);
                return FALSE;
            }
            p++;
        }
        if (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',') {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                            "unexpected '%c' in factors (got '%s')", *p, text);
            return FALSE;
        }
        if (t.op != '=' && t.value == 0) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "bound on %s must be >= 1 (got '%s')", t.name, text);
            return FALSE;
        }
        if (out)
            g_array_append_val(out, t);
    }
}

/* factors node: a string or a list of strings. */
gboolean ts_constraints_parse_factors(const TsNode *node, const char *path, GArray *out,
                                      GError **error)
{
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    if (node->kind == TS_NODE_SCALAR)
        return parse_factor_text(node->value, node, path, out, error);
    if (node->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < node->n; i++) {
            const TsNode *it = node->items[i];
            g_autofree char *ip = ts_path_index(path, i);
            if (it->kind != TS_NODE_SCALAR) {
                ts_config_error(error, it, TS_CONFIG_ERROR_TYPE, ip,
                                "expected a factor such as K=4");
                return FALSE;
            }
            if (!parse_factor_text(it->value, it, ip, out, error))
                return FALSE;
        }
        return TRUE;
    }
    ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path,
                    "expected a string (\"K=4 M=2\") or a list ([K=4, M=2])");
    return FALSE;
}

/* Permutation / keep / bypass lists: a list of scalars, or a string. */
static gboolean check_name_list(const TsNode *node, const char *path, gboolean allow_string,
                                GError **error)
{
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    if (node->kind == TS_NODE_SCALAR && allow_string)
        return TRUE;
    if (node->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a list of names");
        return FALSE;
    }
    for (guint i = 0; i < node->n; i++) {
        if (node->items[i]->kind != TS_NODE_SCALAR) {
            g_autofree char *ip = ts_path_index(path, i);
            ts_config_error(error, node->items[i], TS_CONFIG_ERROR_TYPE, ip, "expected a name");
            return FALSE;
        }
    }
    return TRUE;
}

/* A permutation names dimensions: identifiers (letters, digits, '_') separated by blanks or
 * commas in a string, or one identifier per list item. Anything else ("(((%%$$") is refused
 * here rather than skipped as names of another problem's dimensions. */
static gboolean check_permutation_names(const TsNode *node, const char *path, GError **error)
{
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    guint n = node->kind == TS_NODE_SEQUENCE ? node->n : 1;
    for (guint i = 0; i < n; i++) {
        const TsNode *it = node->kind == TS_NODE_SEQUENCE ? node->items[i] : node;
        gboolean list = node->kind == TS_NODE_SEQUENCE;
        const char *bad = NULL;
        for (const char *p = it->value; *p && bad == NULL; p++)
            if (!(g_ascii_isalnum(*p) || *p == '_' || (!list && strchr(" ,\t", *p))))
                bad = p;
        if (bad != NULL || it->value[0] == '\0') {
            g_autofree char *ip = list ? ts_path_index(path, i) : g_strdup(path);
            ts_config_error(error, it, TS_CONFIG_ERROR_TYPE, ip,
                            "expected dimension names such as \"KMN\", \"K M N\" or [K, M, N] "
                            "(got '%s')",
                            it->value);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean check_directive_values(const TsDirective *d, GError **error)
{
    g_autofree char *pf = ts_path_key(d->path, "factors");
    if (!ts_constraints_parse_factors(d->factors, pf, NULL, error))
        return FALSE;
    g_autofree char *pp = ts_path_key(d->path, "permutation");
    if (!check_name_list(d->permutation, pp, TRUE, error) ||
        !check_permutation_names(d->permutation, pp, error))
        return FALSE;
    g_autofree char *pk = ts_path_key(d->path, "keep");
    if (!check_name_list(d->keep, pk, TRUE, error))
        return FALSE;
    g_autofree char *pb = ts_path_key(d->path, "bypass");
    if (!check_name_list(d->bypass, pb, TRUE, error))
        return FALSE;
    if (d->split) {
        g_autofree char *ps = ts_path_key(d->path, "split");
        guint64 v;
        if (!ts_node_uint(d->split, ps, &v, error))
            return FALSE;
    }
    if (d->min_util) {
        g_autofree char *pu = ts_path_key(d->path, "min");
        double v;
        if (!ts_node_double(d->min_util, pu, &v, error))
            return FALSE;
        if (!(v >= 0.0 && v <= 1.0)) {
            ts_config_error(error, d->min_util, TS_CONFIG_ERROR_RANGE, pu,
                            "utilization must be within 0 .. 1 (got %s)", d->min_util->value);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- TsDirective readers ------------------------------------------------------------------ */

static gboolean read_target(const TsNode *map, const char *path, TsDirective *d, GError **error)
{
    const TsNode *t = ts_node_get(map, "target");
    if (t == NULL)
        t = ts_node_get(map, "name");
    if (t == NULL) {
        ts_config_error(error, map, TS_CONFIG_ERROR_MISSING, path,
                        "missing 'target' (a storage level name)");
        return FALSE;
    }
    g_autofree char *pt = ts_path_key(path, "target");
    if (t->kind != TS_NODE_SCALAR || ts_node_is_null(t)) {
        ts_config_error(error, t, TS_CONFIG_ERROR_TYPE, pt, "expected a level name");
        return FALSE;
    }
    d->target_node = t;
    d->target_id = -1;
    gint64 id;
    if (t->plain && g_ascii_isdigit(t->value[0]) && ts_node_int(t, pt, &id, NULL)) {
        d->target_id = (int)id;
        d->target = NULL;
    } else {
        d->target = t->value;
    }
    return TRUE;
}

static gboolean type_kind(const TsNode *tn, const char *path, TsDirKind *kind, gboolean *ignored,
                          GError **error)
{
    *ignored = FALSE;
    const char *type = tn->value;
    if (tn->kind != TS_NODE_SCALAR || type == NULL) {
        ts_config_error(error, tn, TS_CONFIG_ERROR_TYPE, path, "expected a constraint type");
        return FALSE;
    }
    if (strcmp(type, "temporal") == 0)
        *kind = TS_DIR_TEMPORAL;
    else if (strcmp(type, "spatial") == 0)
        *kind = TS_DIR_SPATIAL;
    else if (strcmp(type, "datatype") == 0 || strcmp(type, "dataspace") == 0 ||
             strcmp(type, "bypass") == 0 || strcmp(type, "bypassing") == 0)
        *kind = TS_DIR_DATASPACE;
    else if (strcmp(type, "utilization") == 0 || strcmp(type, "parallelism") == 0)
        *kind = TS_DIR_UTILIZATION;
    else if (in_list(type, kIgnoredTypes))
        *ignored = TRUE;
    else {
        g_autofree char *hint = ts_config_suggest(type, kTypes);
        ts_config_error(error, tn, TS_CONFIG_ERROR_REFERENCE, path,
                        "unknown constraint type '%s'%s (expected temporal, spatial, "
                        "dataspace/datatype/bypass, utilization)",
                        type, hint);
        return FALSE;
    }
    return TRUE;
}

static void fill_fields(TsDirective *d, const TsNode *attrs)
{
    d->factors = ts_node_get(attrs, "factors");
    d->permutation = ts_node_get(attrs, "permutation");
    d->split = ts_node_get(attrs, "split");
    d->keep = ts_node_get(attrs, "keep");
    d->bypass = ts_node_get(attrs, "bypass");
    d->min_util = ts_node_get(attrs, "min");
    if (d->min_util == NULL)
        d->min_util = ts_node_get(attrs, "min_utilization");
}

static gboolean check_kind_fields(TsConstraints *c, TsDirective *d, GError **error)
{
    /* Fields that do not belong to the directive's kind are errors (a typo such as a keep
     * list on a temporal directive would otherwise be ignored). */
    struct {
        const TsNode *n;
        const char *key;
        gboolean ok;
    } f[] = {
        {d->factors, "factors", d->kind == TS_DIR_TEMPORAL || d->kind == TS_DIR_SPATIAL},
        {d->permutation, "permutation", d->kind == TS_DIR_TEMPORAL || d->kind == TS_DIR_SPATIAL},
        {d->split, "split", d->kind == TS_DIR_SPATIAL},
        {d->keep, "keep", d->kind == TS_DIR_DATASPACE},
        {d->bypass, "bypass", d->kind == TS_DIR_DATASPACE},
        {d->min_util, "min", d->kind == TS_DIR_UTILIZATION || d->kind == TS_DIR_SPATIAL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(f); i++) {
        if (f[i].n && !f[i].ok) {
            g_autofree char *p = ts_path_key(d->path, f[i].key);
            ts_config_error(error, f[i].n, TS_CONFIG_ERROR_INVALID, p,
                            "'%s' does not apply to a %s constraint", f[i].key,
                            d->kind == TS_DIR_TEMPORAL    ? "temporal"
                            : d->kind == TS_DIR_SPATIAL   ? "spatial"
                            : d->kind == TS_DIR_DATASPACE ? "dataspace"
                                                          : "utilization");
            return FALSE;
        }
    }
    if (d->kind == TS_DIR_UTILIZATION && d->min_util == NULL) {
        ts_config_error(error, d->node, TS_CONFIG_ERROR_MISSING, d->path,
                        "a utilization constraint needs 'min'");
        return FALSE;
    }
    (void)c;
    return TRUE;
}

static void note_unapplied(TsConstraints *c, const TsNode *map, const char *path)
{
    for (guint i = 0; i < map->n; i++) {
        const char *k = ts_node_key(map, i);
        if (in_list(k, kNotAppliedKeys)) {
            g_autofree char *p = ts_path_key(path, k);
            ts_constraints_add_note(c, ts_node_key_node(map, i), p,
                                    "accepted but not applied (tilesim's search does not use '%s')",
                                    k);
        }
    }
}

/* One Timeloop list item: {target, type, factors, ...} (attributes may nest under
 * `attributes`; a v0.2 item may carry a `constraints` list for its target). */
static gboolean read_list_item(TsConstraints *c, const TsNode *item, const char *path,
                               GError **error)
{
    if (item->kind != TS_NODE_MAPPING) {
        ts_config_error(error, item, TS_CONFIG_ERROR_TYPE, path,
                        "expected a constraint mapping {target, type, ...}");
        return FALSE;
    }
    if (!ts_schema_check_keys(item, path, kDirectiveKeys, error))
        return FALSE;
    const TsNode *nested = ts_node_get(item, "constraints");
    if (nested) {
        g_autofree char *pn = ts_path_key(path, "constraints");
        if (nested->kind != TS_NODE_SEQUENCE) {
            ts_config_error(error, nested, TS_CONFIG_ERROR_TYPE, pn, "expected a list");
            return FALSE;
        }
        for (guint j = 0; j < nested->n; j++) {
            const TsNode *sub = nested->items[j];
            g_autofree char *ps = ts_path_index(pn, j);
            if (sub->kind != TS_NODE_MAPPING) {
                ts_config_error(error, sub, TS_CONFIG_ERROR_TYPE, ps, "expected a mapping");
                return FALSE;
            }
            if (!ts_schema_check_keys(sub, ps, kDirectiveKeys, error))
                return FALSE;
            TsDirective d = {0};
            if (!read_target(item, path, &d, error))
                return FALSE;
            const TsNode *tn = ts_node_get(sub, "type");
            if (tn == NULL) {
                ts_config_error(error, sub, TS_CONFIG_ERROR_MISSING, ps, "missing 'type'");
                return FALSE;
            }
            gboolean ignored;
            g_autofree char *pt = ts_path_key(ps, "type");
            if (!type_kind(tn, pt, &d.kind, &ignored, error))
                return FALSE;
            if (ignored) {
                ts_constraints_add_note(c, tn, pt, "constraint type '%s' accepted but not applied",
                                        tn->value);
                continue;
            }
            const TsNode *attrs = ts_node_get(sub, "attributes");
            fill_fields(&d, attrs ? attrs : sub);
            d.node = sub;
            d.path = g_strdup(ps);
            note_unapplied(c, attrs ? attrs : sub, ps);
            if (!check_kind_fields(c, &d, error) || !check_directive_values(&d, error)) {
                g_free(d.path);
                return FALSE;
            }
            g_array_append_val(c->dirs, d);
        }
        return TRUE;
    }
    TsDirective d = {0};
    const TsNode *tn = ts_node_get(item, "type");
    if (tn == NULL) {
        ts_config_error(error, item, TS_CONFIG_ERROR_MISSING, path,
                        "missing 'type' (temporal, spatial, dataspace, utilization)");
        return FALSE;
    }
    gboolean ignored;
    g_autofree char *pt = ts_path_key(path, "type");
    if (!type_kind(tn, pt, &d.kind, &ignored, error))
        return FALSE;
    if (!read_target(item, path, &d, error))
        return FALSE;
    if (ignored) {
        ts_constraints_add_note(c, tn, pt, "constraint type '%s' accepted but not applied",
                                tn->value);
        return TRUE;
    }
    const TsNode *attrs = ts_node_get(item, "attributes");
    fill_fields(&d, attrs ? attrs : item);
    d.node = item;
    d.path = g_strdup(path);
    note_unapplied(c, attrs ? attrs : item, path);
    if (!check_kind_fields(c, &d, error) || !check_directive_values(&d, error)) {
        g_free(d.path);
        return FALSE;
    }
    g_array_append_val(c->dirs, d);
    return TRUE;
}

static gboolean read_list(TsConstraints *c, const TsNode *list, const char *path, GError **error)
{
    if (ts_node_is_null(list))
        return TRUE;
    if (list->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, list, TS_CONFIG_ERROR_TYPE, path, "expected a list of constraints");
        return FALSE;
    }
    for (guint i = 0; i < list->n; i++) {
        g_autofree char *ip = ts_path_index(path, i);
        if (!read_list_item(c, list->items[i], ip, error))
            return FALSE;
    }
    return TRUE;
}

/* A per-level block {temporal: {...}, spatial: {...}, dataspace: {...}} (v0.4 architecture
 * node constraints and tilesim's format), for target name. */
static gboolean read_level_block(TsConstraints *c, const TsNode *block, const TsNode *name_node,
                                 const char *target, const char *path, GError **error)
{
    static const char *const keys[] = {"temporal", "spatial",   "dataspace",   "datatype",
                                       "bypass",   "bypassing", "utilization", NULL};
    static const char *const sub_keys[] = {"factors",
                                           "permutation",
                                           "split",
                                           "keep",
                                           "bypass",
                                           "min",
                                           "min_utilization",
                                           "maximize_dims",
                                           "maximize_dims_capacity",
                                           "no_coalesce",
                                           "no_multicast",
                                           "no_reduction",
                                           "no_link_transfer",
                                           NULL};
    if (block->kind != TS_NODE_MAPPING) {
        ts_config_error(error, block, TS_CONFIG_ERROR_TYPE, path,
                        "expected a mapping {temporal, spatial, dataspace}");
        return FALSE;
    }
    if (!ts_schema_check_keys(block, path, keys, error))
        return FALSE;
    for (guint i = 0; i < block->n; i++) {
        const char *k = ts_node_key(block, i);
        const TsNode *v = ts_node_value(block, i);
        g_autofree char *pk = ts_path_key(path, k);
        if (ts_node_is_null(v))
            continue;
        if (v->kind != TS_NODE_MAPPING) {
            ts_config_error(error, v, TS_CONFIG_ERROR_TYPE, pk, "expected a mapping");
            return FALSE;
        }
        if (!ts_schema_check_keys(v, pk, sub_keys, error))
            return FALSE;
        TsDirective d = {0};
        d.kind = strcmp(k, "temporal") == 0      ? TS_DIR_TEMPORAL
                 : strcmp(k, "spatial") == 0     ? TS_DIR_SPATIAL
                 : strcmp(k, "utilization") == 0 ? TS_DIR_UTILIZATION
                                                 : TS_DIR_DATASPACE;
        d.target = target;
        d.target_id = -1;
        d.target_node = name_node;
        d.node = v;
        fill_fields(&d, v);
        d.path = g_strdup(pk);
        note_unapplied(c, v, pk);
        if (!check_kind_fields(c, &d, error) || !check_directive_values(&d, error)) {
            g_free(d.path);
            return FALSE;
        }
        g_array_append_val(c->dirs, d);
    }
    return TRUE;
}

/* tilesim's form: constraints: {levels: {NAME: {temporal, spatial, dataspace}},
 * min_compute_utilization: X}. */
static gboolean read_tilesim(TsConstraints *c, const TsNode *root, const char *path, GError **error)
{
    static const char *const keys[] = {"format", "version", "levels", "min_compute_utilization",
                                       NULL};
    if (!ts_schema_check_keys(root, path, keys, error))
        return FALSE;
    const TsNode *levels = ts_node_get(root, "levels");
    g_autofree char *pl = ts_path_key(path, "levels");
    if (levels && !ts_node_is_null(levels)) {
        if (levels->kind != TS_NODE_MAPPING) {
            ts_config_error(error, levels, TS_CONFIG_ERROR_TYPE, pl,
                            "expected a mapping of level names to constraints");
            return FALSE;
        }
        for (guint i = 0; i < levels->n; i++) {
            g_autofree char *pk = ts_path_key(pl, ts_node_key(levels, i));
            if (!read_level_block(c, ts_node_value(levels, i), ts_node_key_node(levels, i),
                                  ts_node_key(levels, i), pk, error))
                return FALSE;
        }
    }
    const TsNode *u = ts_node_get(root, "min_compute_utilization");
    if (u) {
        TsDirective d = {0};
        d.kind = TS_DIR_UTILIZATION;
        d.target_id = -1;
        d.node = u;
        d.min_util = u;
        d.path = ts_path_key(path, "min_compute_utilization");
        if (!check_directive_values(&d, error)) {
            g_free(d.path);
            return FALSE;
        }
        g_array_append_val(c->dirs, d);
    }
    return TRUE;
}

static gboolean read_root(TsConstraints *c, const TsNode *root, GError **error)
{
    if (root == NULL || ts_node_is_null(root))
        return TRUE; /* an empty file: no constraints */
    if (root->kind == TS_NODE_SEQUENCE)
        return read_list(c, root, "", error);
    if (root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root, TS_CONFIG_ERROR_TYPE, NULL,
                        "expected a constraints file (a mapping with 'constraints', "
                        "'mapspace_constraints' or 'mapspace', or a list)");
        return FALSE;
    }
    static const char *const roots[] = {"constraints", "mapspace_constraints",
                                        "mapspace",    "architecture_constraints",
                                        "targets",     NULL};
    gboolean found = FALSE;
    for (guint r = 0; roots[r]; r++) {
        const TsNode *v = ts_node_get(root, roots[r]);
        if (v == NULL)
            continue;
        found = TRUE;
        const char *path = roots[r];
        if (ts_node_is_null(v))
            continue;
        if (v->kind == TS_NODE_SEQUENCE) {
            if (!read_list(c, v, path, error))
                return FALSE;
            continue;
        }
        if (v->kind != TS_NODE_MAPPING) {
            ts_config_error(error, v, TS_CONFIG_ERROR_TYPE, path,
                            "expected a list of constraints or a mapping with 'targets'");
            return FALSE;
        }
        if (ts_node_get(v, "levels")) {
            if (!read_tilesim(c, v, path, error))
                return FALSE;
            continue;
        }
        static const char *const keys[] = {"version", "targets", "template", NULL};
        if (!ts_schema_check_keys(v, path, keys, error))
            return FALSE;
        const TsNode *targets = ts_node_get(v, "targets");
        if (targets) {
            g_autofree char *pt = ts_path_key(path, "targets");
            if (!read_list(c, targets, pt, error))
                return FALSE;
        }
    }
    if (!found) {
        g_autofree char *hint = ts_config_suggest(ts_node_key(root, 0), roots);
        ts_config_error(error, root, TS_CONFIG_ERROR_MISSING, NULL,
                        "no constraints found: expected a top-level 'constraints', "
                        "'mapspace_constraints' or 'mapspace' key (got '%s'%s)",
                        root->n ? ts_node_key(root, 0) : "", hint);
        return FALSE;
    }
    return TRUE;
}

static gboolean load_doc(TsConstraints *c, TsDoc *doc, GError **error)
{
    g_ptr_array_add(c->docs, doc);
    guint before = c->dirs->len;
    if (!read_root(c, doc->root, error)) {
        g_array_set_size(c->dirs, before);
        return FALSE;
    }
    return TRUE;
}

gboolean ts_constraints_load_node(TsConstraints *c, const TsNode *root, GError **error)
{
    g_return_val_if_fail(c != NULL, FALSE);
    guint before = c->dirs->len;
    if (!read_root(c, root, error)) {
        g_array_set_size(c->dirs, before);
        return FALSE;
    }
    return TRUE;
}

gboolean ts_constraints_load_file(TsConstraints *c, const char *path, GError **error)
{
    g_return_val_if_fail(c != NULL && path != NULL, FALSE);
    TsDoc *doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    return load_doc(c, doc, error);
}

gboolean ts_constraints_load_string(TsConstraints *c, const char *name, const char *text,
                                    GError **error)
{
    g_return_val_if_fail(c != NULL && name != NULL && text != NULL, FALSE);
    TsDoc *doc = ts_doc_load_string(name, text, -1, NULL, error);
    if (doc == NULL)
        return FALSE;
    return load_doc(c, doc, error);
}

/* ---- Constraints embedded in an architecture --------------------------------------------- */

/* The `constraints:` block of node (if any), as a level block targeting name. */
static gboolean read_node_constraints(TsConstraints *c, const TsNode *node, const TsNode *name,
                                      const char *path, GError **error)
{
    const TsNode *cons = ts_node_get(node, "constraints");
    if (cons == NULL || ts_node_is_null(cons))
        return TRUE;
    g_autofree char *pc = ts_path_key(path, "constraints");
    if (name == NULL || name->kind != TS_NODE_SCALAR) {
        /* A !Nothing placeholder inside !Parallel: its constraints have no target. */
        ts_constraints_add_note(c, cons, pc,
                                "constraints on an unnamed node accepted but not applied");
        return TRUE;
    }
    return read_level_block(c, cons, name, name->value, pc, error);
}

/* A Timeloop v0.4 `nodes:` list (nested through `nodes` of !Parallel / !Hierarchical). A
 * container's constraints concern its fan-out: resolving finds the storage level it belongs to
 * in the architecture's component view (ts_space_arch_from_arch). */
static gboolean walk_nodes(TsConstraints *c, const TsNode *nodes, const char *path, GError **error)
{
    if (nodes == NULL || nodes->kind != TS_NODE_SEQUENCE)
        return TRUE;
    for (guint i = 0; i < nodes->n; i++) {
        const TsNode *n = nodes->items[i];
        g_autofree char *ip = ts_path_index(path, i);
        if (n->kind != TS_NODE_MAPPING)
            continue;
        const TsNode *sub = ts_node_get(n, "nodes");
        if (sub) {
            g_autofree char *pn = ts_path_key(ip, "nodes");
            if (!walk_nodes(c, sub, pn, error))
                return FALSE;
        }
        if (!read_node_constraints(c, n, ts_node_get(n, "name"), ip, error))
            return FALSE;
    }
    return TRUE;
}

/* The native tilesim format: `levels:` entries, containers holding `levels:` of their own;
 * a `constraints:` block on an entry has the syntax of a tilesim constraints file's level
 * block. */
static gboolean walk_levels(TsConstraints *c, const TsNode *levels, const char *path,
                            GError **error)
{
    if (levels == NULL || levels->kind != TS_NODE_SEQUENCE)
        return TRUE;
    for (guint i = 0; i < levels->n; i++) {
        const TsNode *n = levels->items[i];
        g_autofree char *ip = ts_path_index(path, i);
        if (n->kind != TS_NODE_MAPPING)
            continue;
        const TsNode *name = ts_node_get(n, "name");
        if (name == NULL || name->kind != TS_NODE_SCALAR)
            continue; /* the arch loader reports it */
        if (!read_node_constraints(c, n, name, ip, error))
            return FALSE;
        const TsNode *sub = ts_node_get(n, "levels");
        if (sub != NULL) {
            g_autofree char *pl = ts_path_key(ip, "levels");
            if (!walk_levels(c, sub, pl, error))
                return FALSE;
        }
    }
    return TRUE;
}

gboolean ts_constraints_load_arch_file(TsConstraints *c, const char *arch_path, GError **error)
{
    g_return_val_if_fail(c != NULL && arch_path != NULL, FALSE);
    TsDoc *doc = ts_doc_load_file(arch_path, NULL, error);
    if (doc == NULL)
        return FALSE;
    g_ptr_array_add(c->docs, doc);
    return ts_constraints_load_arch_doc(c, doc, error);
}

gboolean ts_constraints_load_arch_doc(TsConstraints *c, const TsDoc *doc, GError **error)
{
    g_return_val_if_fail(c != NULL && doc != NULL, FALSE);
    const TsNode *arch = doc->root ? ts_node_get(doc->root, "architecture") : NULL;
    const TsNode *nodes = arch ? ts_node_get(arch, "nodes") : NULL;
    const TsNode *levels = arch ? ts_node_get(arch, "levels") : NULL;
    if (nodes == NULL && levels == NULL)
        return TRUE; /* not a v0.4 or native architecture: nothing embedded */
    guint before = c->dirs->len;
    gboolean ok = nodes != NULL ? walk_nodes(c, nodes, "architecture.nodes", error)
                                : walk_levels(c, levels, "architecture.levels", error);
    if (!ok)
        g_array_set_size(c->dirs, before);
    return ok;
}
