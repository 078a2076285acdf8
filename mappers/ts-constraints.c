/* Constraint files: the Timeloop forms (v0.4 `targets`, older lists, constraints embedded in
 * v0.4 architecture nodes) and tilesim's per-level form are read into directives that keep
 * their YAML nodes; ts_constraints_resolve turns them into TsRules for one (arch, op) pair,
 * reporting every bad name or conflict at its file:line:col. Semantics follow Timeloop's
 * constraint reader (factors `=`, `<=`, `>=`, `0` = the whole dimension; permutations innermost
 * first as a required prefix; `split` of the spatial permutation between X and Y). */
#include "ts-constraints.h"

#include <math.h>
#include <string.h>

typedef enum {
    DIR_TEMPORAL,
    DIR_SPATIAL,
    DIR_DATASPACE,
    DIR_UTILIZATION,
} DirKind;

typedef struct {
    DirKind kind;
    const char *target;        /* level name, or NULL with target_id */
    int target_id;             /* Timeloop numeric target (0 = innermost), or -1 */
    const TsNode *target_node; /* for messages */
    const TsNode *node;        /* the directive (messages) */
    const TsNode *factors, *permutation, *split, *keep, *bypass, *min_util;
    char *path;
} Directive;

struct TsConstraints {
    GPtrArray *docs;  /* TsDoc */
    GArray *dirs;     /* Directive */
    GPtrArray *notes; /* char * */
    /* Containers of a v0.4 architecture: name, axis, and the component names before it. */
    GPtrArray *cont_names;  /* char * */
    GArray *cont_axis;      /* int8_t */
    GPtrArray *cont_before; /* GPtrArray of char * (component names outermost first) */
};

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

static void add_note(TsConstraints *c, const TsNode *node, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void add_note(TsConstraints *c, const TsNode *node, const char *path, const char *fmt, ...)
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
    Directive *d = p;
    g_free(d->path);
}

TsConstraints *ts_constraints_new(void)
{
    TsConstraints *c = g_new0(TsConstraints, 1);
    c->docs = g_ptr_array_new_with_free_func((GDestroyNotify)ts_doc_free);
    c->dirs = g_array_new(FALSE, TRUE, sizeof(Directive));
    g_array_set_clear_func(c->dirs, directive_clear);
    c->notes = g_ptr_array_new_with_free_func(g_free);
    c->cont_names = g_ptr_array_new_with_free_func(g_free);
    c->cont_axis = g_array_new(FALSE, TRUE, sizeof(int8_t));
    c->cont_before = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    return c;
}

void ts_constraints_free(TsConstraints *c)
{
    if (c == NULL)
        return;
    g_array_unref(c->dirs);
    g_ptr_array_unref(c->notes);
    g_ptr_array_unref(c->cont_names);
    g_array_unref(c->cont_axis);
    g_ptr_array_unref(c->cont_before);
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

typedef struct {
    char name[64];
    char op; /* '=', '<', '>' */
    uint64_t value;
} FactorTerm;

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
        FactorTerm t = {0};
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
static gboolean parse_factors(const TsNode *node, const char *path, GArray *out, GError **error)
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

static gboolean check_directive_values(const Directive *d, GError **error)
{
    g_autofree char *pf = ts_path_key(d->path, "factors");
    if (!parse_factors(d->factors, pf, NULL, error))
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

/* ---- Directive readers ------------------------------------------------------------------ */

static gboolean read_target(const TsNode *map, const char *path, Directive *d, GError **error)
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

static gboolean type_kind(const TsNode *tn, const char *path, DirKind *kind, gboolean *ignored,
                          GError **error)
{
    *ignored = FALSE;
    const char *type = tn->value;
    if (tn->kind != TS_NODE_SCALAR || type == NULL) {
        ts_config_error(error, tn, TS_CONFIG_ERROR_TYPE, path, "expected a constraint type");
        return FALSE;
    }
    if (strcmp(type, "temporal") == 0)
        *kind = DIR_TEMPORAL;
    else if (strcmp(type, "spatial") == 0)
        *kind = DIR_SPATIAL;
    else if (strcmp(type, "datatype") == 0 || strcmp(type, "dataspace") == 0 ||
             strcmp(type, "bypass") == 0 || strcmp(type, "bypassing") == 0)
        *kind = DIR_DATASPACE;
    else if (strcmp(type, "utilization") == 0 || strcmp(type, "parallelism") == 0)
        *kind = DIR_UTILIZATION;
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

static void fill_fields(Directive *d, const TsNode *attrs)
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

static gboolean check_kind_fields(TsConstraints *c, Directive *d, GError **error)
{
    /* Fields that do not belong to the directive's kind are errors (a typo such as a keep
     * list on a temporal directive would otherwise be ignored). */
    struct {
        const TsNode *n;
        const char *key;
        gboolean ok;
    } f[] = {
        {d->factors, "factors", d->kind == DIR_TEMPORAL || d->kind == DIR_SPATIAL},
        {d->permutation, "permutation", d->kind == DIR_TEMPORAL || d->kind == DIR_SPATIAL},
        {d->split, "split", d->kind == DIR_SPATIAL},
        {d->keep, "keep", d->kind == DIR_DATASPACE},
        {d->bypass, "bypass", d->kind == DIR_DATASPACE},
        {d->min_util, "min", d->kind == DIR_UTILIZATION || d->kind == DIR_SPATIAL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(f); i++) {
        if (f[i].n && !f[i].ok) {
            g_autofree char *p = ts_path_key(d->path, f[i].key);
            ts_config_error(error, f[i].n, TS_CONFIG_ERROR_INVALID, p,
                            "'%s' does not apply to a %s constraint", f[i].key,
                            d->kind == DIR_TEMPORAL    ? "temporal"
                            : d->kind == DIR_SPATIAL   ? "spatial"
                            : d->kind == DIR_DATASPACE ? "dataspace"
                                                       : "utilization");
            return FALSE;
        }
    }
    if (d->kind == DIR_UTILIZATION && d->min_util == NULL) {
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
            add_note(c, ts_node_key_node(map, i), p,
                     "accepted but not applied (tilesim's search does not use '%s')", k);
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
            Directive d = {0};
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
                add_note(c, tn, pt, "constraint type '%s' accepted but not applied", tn->value);
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
    Directive d = {0};
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
        add_note(c, tn, pt, "constraint type '%s' accepted but not applied", tn->value);
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
        Directive d = {0};
        d.kind = strcmp(k, "temporal") == 0      ? DIR_TEMPORAL
                 : strcmp(k, "spatial") == 0     ? DIR_SPATIAL
                 : strcmp(k, "utilization") == 0 ? DIR_UTILIZATION
                                                 : DIR_DATASPACE;
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
        Directive d = {0};
        d.kind = DIR_UTILIZATION;
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

/* ---- Constraints embedded in a Timeloop v0.4 architecture ------------------------------- */

typedef struct {
    TsConstraints *c;
    GPtrArray *before; /* component names seen so far, outermost first */
} ArchWalk;

static int8_t spatial_axis_of(const TsNode *node)
{
    const TsNode *sp = ts_node_get(node, "spatial");
    if (sp == NULL || sp->kind != TS_NODE_MAPPING)
        return -2; /* no spatial */
    gboolean x = ts_node_get(sp, "meshX") != NULL, y = ts_node_get(sp, "meshY") != NULL;
    if (x && !y)
        return TS_AXIS_X;
    if (y && !x)
        return TS_AXIS_Y;
    return TS_AXIS_ANY;
}

/* A container with a spatial fan-out: its name becomes an alias of the storage level above it
 * (the last component seen so far). */
static void register_container(ArchWalk *w, const TsNode *node, const char *name)
{
    int8_t axis = spatial_axis_of(node);
    if (axis == -2)
        return;
    g_ptr_array_add(w->c->cont_names, g_strdup(name));
    g_array_append_val(w->c->cont_axis, axis);
    GPtrArray *copy = g_ptr_array_new_with_free_func(g_free);
    for (guint k = 0; k < w->before->len; k++)
        g_ptr_array_add(copy, g_strdup(g_ptr_array_index(w->before, k)));
    g_ptr_array_add(w->c->cont_before, copy);
}

/* The `constraints:` block of node (if any), as a level block targeting name. */
static gboolean read_node_constraints(ArchWalk *w, const TsNode *node, const TsNode *name,
                                      const char *path, GError **error)
{
    const TsNode *cons = ts_node_get(node, "constraints");
    if (cons == NULL || ts_node_is_null(cons))
        return TRUE;
    g_autofree char *pc = ts_path_key(path, "constraints");
    if (name == NULL || name->kind != TS_NODE_SCALAR) {
        /* A !Nothing placeholder inside !Parallel: its constraints have no target. */
        add_note(w->c, cons, pc, "constraints on an unnamed node accepted but not applied");
        return TRUE;
    }
    return read_level_block(w->c, cons, name, name->value, pc, error);
}

static gboolean walk_nodes(ArchWalk *w, const TsNode *nodes, const char *path, GError **error)
{
    if (nodes == NULL || nodes->kind != TS_NODE_SEQUENCE)
        return TRUE;
    for (guint i = 0; i < nodes->n; i++) {
        const TsNode *n = nodes->items[i];
        g_autofree char *ip = ts_path_index(path, i);
        if (n->kind != TS_NODE_MAPPING)
            continue;
        const TsNode *name = ts_node_get(n, "name");
        const char *nm = name && name->kind == TS_NODE_SCALAR ? name->value : NULL;
        const TsNode *sub = ts_node_get(n, "nodes");
        gboolean is_container = n->tag && strcmp(n->tag, "!Container") == 0;
        if (sub) {
            g_autofree char *pn = ts_path_key(ip, "nodes");
            if (!walk_nodes(w, sub, pn, error))
                return FALSE;
        }
        if (nm && !is_container && !sub)
            g_ptr_array_add(w->before, g_strdup(nm));
        if (nm && is_container)
            register_container(w, n, nm);
        if (!read_node_constraints(w, n, name, ip, error))
            return FALSE;
    }
    return TRUE;
}

/* The native tilesim format: `levels:` entries, containers holding `levels:` of their own;
 * a `constraints:` block on an entry has the syntax of a tilesim constraints file's level
 * block. A container's constraints concern its fan-out, which belongs to the storage level
 * above it (registered as an alias, as for v0.4 containers). */
static gboolean walk_levels(ArchWalk *w, const TsNode *levels, const char *path, GError **error)
{
    if (levels == NULL || levels->kind != TS_NODE_SEQUENCE)
        return TRUE;
    for (guint i = 0; i < levels->n; i++) {
        const TsNode *n = levels->items[i];
        g_autofree char *ip = ts_path_index(path, i);
        if (n->kind != TS_NODE_MAPPING)
            continue;
        const TsNode *name = ts_node_get(n, "name");
        const char *nm = name && name->kind == TS_NODE_SCALAR ? name->value : NULL;
        const TsNode *sub = ts_node_get(n, "levels");
        if (nm == NULL)
            continue; /* the arch loader reports it */
        if (sub != NULL)
            register_container(w, n, nm);
        else
            g_ptr_array_add(w->before, g_strdup(nm));
        if (!read_node_constraints(w, n, name, ip, error))
            return FALSE;
        if (sub != NULL) {
            g_autofree char *pl = ts_path_key(ip, "levels");
            if (!walk_levels(w, sub, pl, error))
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
    ArchWalk w = {c, g_ptr_array_new_with_free_func(g_free)};
    guint before = c->dirs->len;
    gboolean ok = nodes != NULL ? walk_nodes(&w, nodes, "architecture.nodes", error)
                                : walk_levels(&w, levels, "architecture.levels", error);
    g_ptr_array_unref(w.before);
    if (!ok)
        g_array_set_size(c->dirs, before);
    return ok;
}

void ts_constraints_add_aliases(const TsConstraints *c, TsSpaceArch *arch)
{
    g_return_if_fail(c != NULL && arch != NULL);
    for (guint i = 0; i < c->cont_names->len; i++) {
        const char *name = g_ptr_array_index(c->cont_names, i);
        gboolean exists = FALSE;
        for (guint l = 0; l < arch->n_levels; l++)
            if (strcmp(arch->level[l].name, name) == 0)
                exists = TRUE;
        for (guint a = 0; a < arch->n_aliases; a++)
            if (strcmp(arch->alias_name[a], name) == 0)
                exists = TRUE;
        if (exists || arch->n_aliases >= TS_SPACE_MAX_ALIASES)
            continue;
        GPtrArray *before = g_ptr_array_index(c->cont_before, i);
        for (guint k = before->len; k > 0; k--) {
            const char *b = g_ptr_array_index(before, k - 1);
            int found = -1;
            for (guint l = 0; l < arch->n_levels; l++)
                if (strcmp(arch->level[l].name, b) == 0)
                    found = (int)l;
            if (found >= 0) {
                arch->alias_name[arch->n_aliases] = name;
                arch->alias_level[arch->n_aliases] = (uint8_t)found;
                arch->alias_axis[arch->n_aliases] = g_array_index(c->cont_axis, int8_t, i);
                arch->n_aliases++;
                break;
            }
        }
    }
}

/* ---- Architecture view ------------------------------------------------------------------ */

gboolean ts_space_arch_from_arch(const TsArch *arch, TsSpaceArch *space, GError **error)
{
    g_return_val_if_fail(arch != NULL && space != NULL, FALSE);
    memset(space, 0, sizeof *space);
    guint n = ts_arch_n_storage(arch);
    if (n == 0 || n > TS_ARCH_MAX_LEVELS) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "architecture %s has %u storage levels; the map space needs 1..%d",
                        ts_arch_name(arch), n, TS_ARCH_MAX_LEVELS);
        return FALSE;
    }
    space->n_levels = n;
    for (guint l = 0; l < n; l++) {
        const TsLevel *lv = ts_arch_storage(arch, l);
        space->level[l].name = lv->name;
        space->level[l].fanout_x = MAX(lv->fanout_x, 1u);
        space->level[l].fanout_y = MAX(lv->fanout_y, 1u);
    }
    return TRUE;
}

/* ---- Rules ------------------------------------------------------------------------------ */

static void factor_rule_init(TsFactorRule *r)
{
    r->exact = 0;
    r->min = 1;
    r->max = G_MAXUINT32;
    r->where = NULL;
}

void ts_rules_init(TsRules *rules, const TsSpaceArch *arch, const TsOp *op)
{
    g_return_if_fail(rules != NULL && arch != NULL && op != NULL);
    memset(rules, 0, sizeof *rules);
    rules->n_levels = (uint8_t)arch->n_levels;
    rules->n_dims = op->n_dims;
    rules->n_tensors = op->n_tensors;
    for (guint l = 0; l < TS_ARCH_MAX_LEVELS; l++) {
        TsLevelRules *lr = &rules->level[l];
        for (guint d = 0; d < TS_MAX_DIMS; d++) {
            factor_rule_init(&lr->temporal[d]);
            factor_rule_init(&lr->spatial[d]);
            factor_rule_init(&lr->spatial_x[d]);
            factor_rule_init(&lr->spatial_y[d]);
            lr->axis[d] = TS_AXIS_ANY;
        }
    }
    for (guint l = 0; l < arch->n_levels; l++) {
        gboolean x = FALSE, y = FALSE;
        for (guint a = 0; a < arch->n_aliases; a++) {
            if (arch->alias_level[a] != l)
                continue;
            x |= arch->alias_axis[a] == TS_AXIS_X;
            y |= arch->alias_axis[a] == TS_AXIS_Y;
        }
        rules->level[l].both_axes = x && y;
    }
}

static const char *where_text(const TsNode *n, char *buf, gsize len)
{
    if (n && n->doc)
        g_snprintf(buf, len, "%s:%u:%u", n->doc->filename, n->line, n->col);
    else
        g_snprintf(buf, len, "an earlier constraint");
    return buf;
}

/* Finds the storage level (and axis for a one-axis container) of a directive's target. */
static gboolean resolve_target(const Directive *d, const TsSpaceArch *arch, guint *level, int *axis,
                               gboolean *is_alias, GError **error)
{
    *axis = TS_AXIS_ANY;
    *is_alias = FALSE;
    g_autofree char *pt = ts_path_key(d->path, "target");
    if (d->target == NULL && d->target_id < 0) {
        *level = arch->n_levels - 1; /* tilesim's global utilization */
        return TRUE;
    }
    if (d->target == NULL) {
        if (d->target_id >= (int)arch->n_levels) {
            ts_config_error(error, d->target_node, TS_CONFIG_ERROR_RANGE, pt,
                            "storage level id %d out of range 0..%u (0 = innermost)", d->target_id,
                            arch->n_levels - 1);
            return FALSE;
        }
        *level = arch->n_levels - 1 - (guint)d->target_id;
        return TRUE;
    }
    for (guint l = 0; l < arch->n_levels; l++) {
        if (strcmp(arch->level[l].name, d->target) == 0) {
            *level = l;
            return TRUE;
        }
    }
    for (guint a = 0; a < arch->n_aliases; a++) {
        /* the container by name, or as the level timeloopfe generates for it */
        const char *c = arch->alias_name[a];
        gsize n = strlen(c);
        if (strcmp(c, d->target) == 0 ||
            (g_str_has_prefix(d->target, "inter_") && strncmp(d->target + 6, c, n) == 0 &&
             strcmp(d->target + 6 + n, "_spatial") == 0)) {
            *level = arch->alias_level[a];
            *axis = arch->alias_axis[a];
            *is_alias = TRUE;
            return TRUE;
        }
    }
    const char *names[TS_ARCH_MAX_LEVELS + TS_SPACE_MAX_ALIASES + 1];
    guint n = 0;
    for (guint l = 0; l < arch->n_levels; l++)
        names[n++] = arch->level[l].name;
    for (guint a = 0; a < arch->n_aliases; a++)
        names[n++] = arch->alias_name[a];
    names[n] = NULL;
    g_autofree char *hint = ts_config_suggest(d->target, names);
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", names[i]);
    ts_config_error(error, d->target_node, TS_CONFIG_ERROR_REFERENCE, pt,
                    "unknown level '%s'%s (storage levels: %s)", d->target, hint, list->str);
    g_string_free(list, TRUE);
    return FALSE;
}

static int find_dim(const TsOp *op, const char *name)
{
    for (guint d = 0; d < op->n_dims; d++)
        if (g_strcmp0(op->dim_names[d], name) == 0)
            return (int)d;
    return -1;
}

static void dim_names(const TsOp *op, const char **names)
{
    guint i = 0;
    for (; i < op->n_dims; i++)
        names[i] = op->dim_names[i];
    names[i] = NULL;
}

static gboolean unknown_dim(const TsOp *op, const TsNode *node, const char *path, const char *name,
                            GError **error)
{
    const char *names[TS_MAX_DIMS + 1];
    dim_names(op, names);
    g_autofree char *hint = ts_config_suggest(name, names);
    g_autofree char *all = g_strjoinv(", ", (char **)names);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                    "unknown dimension '%s'%s (op %s has %s)", name, hint,
                    op->name ? op->name : "?", all);
    return FALSE;
}

static gboolean set_factor(TsFactorRule *r, const FactorTerm *t, uint64_t dim_size,
                           const TsNode *node, const char *path, const char *what,
                           TsConstraints *notes, GError **error)
{
    char where[256];
    if (t->op == '=') {
        uint64_t v = t->value == 0 ? dim_size : t->value; /* Timeloop: 0 = whole dimension */
        if (v > dim_size) {
            /* Timeloop clamps a factor beyond the dimension to the dimension (with a warning);
             * so does tilesim, with a note. */
            add_note(notes, node, path,
                     "%s factor %s=%" G_GUINT64_FORMAT
                     " exceeds the dimension (size %" G_GUINT64_FORMAT
                     "); taken as %s=%" G_GUINT64_FORMAT " as Timeloop does",
                     what, t->name, v, dim_size, t->name, dim_size);
            v = dim_size;
        }
        if (r->exact != 0 && r->exact != v) {
            ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                            "%s factor %s=%" G_GUINT64_FORMAT " conflicts with %s=%u set at %s",
                            what, t->name, v, t->name, r->exact,
                            where_text(r->where, where, sizeof where));
            return FALSE;
        }
        r->exact = (uint32_t)v;
        r->where = node;
    } else if (t->op == '>') {
        r->min = MAX(r->min, (uint32_t)t->value);
        if (r->where == NULL)
            r->where = node;
    } else {
        r->max = MIN(r->max, (uint32_t)t->value);
        if (r->where == NULL)
            r->where = node;
    }
    return TRUE;
}

/* Names of a permutation node: list items, or a string split on spaces/commas, or (Timeloop)
 * one character per dimension. Names absent from op are skipped (constraint files list the
 * dimensions of several problem shapes). */
static gboolean resolve_permutation(const TsNode *node, const char *path, const TsOp *op,
                                    uint8_t *out, uint8_t *n_out, GError **error)
{
    *n_out = 0;
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    if (node->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < node->n; i++)
            g_ptr_array_add(names, g_strdup(node->items[i]->value));
    } else {
        const char *s = node->value;
        if (find_dim(op, s) >= 0) {
            g_ptr_array_add(names, g_strdup(s));
        } else if (strpbrk(s, " ,\t")) {
            g_auto(GStrv) parts = g_strsplit_set(s, " ,\t", -1);
            for (guint i = 0; parts[i]; i++)
                if (parts[i][0])
                    g_ptr_array_add(names, g_strdup(parts[i]));
        } else {
            for (const char *p = s; *p; p++)
                g_ptr_array_add(names, g_strndup(p, 1));
        }
    }
    uint32_t seen = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *nm = g_ptr_array_index(names, i);
        int d = find_dim(op, nm);
        if (d < 0) {
            /* Single letters of CNN-shaped files (N, R, S, Q ...) on a GEMM: skip. A name that
             * is close to one of the op's dimensions is more likely a typo. */
            const char *all[TS_MAX_DIMS + 1];
            dim_names(op, all);
            g_autofree char *hint = ts_config_suggest(nm, all);
            if (strlen(nm) > 1 && hint[0])
                return unknown_dim(op, node, path, nm, error);
            continue;
        }
        if (seen & (1u << d)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_DUPLICATE, path,
                            "dimension %s listed twice in the permutation", nm);
            return FALSE;
        }
        seen |= 1u << d;
        out[(*n_out)++] = (uint8_t)d;
    }
    return TRUE;
}

static gboolean tensor_mask(const TsNode *node, const char *path, const TsOp *op, uint8_t *mask,
                            GError **error)
{
    *mask = 0;
    if (node == NULL || ts_node_is_null(node))
        return TRUE;
    guint n = node->kind == TS_NODE_SEQUENCE ? node->n : 1;
    for (guint i = 0; i < n; i++) {
        const TsNode *it = node->kind == TS_NODE_SEQUENCE ? node->items[i] : node;
        int t = -1;
        for (guint k = 0; k < op->n_tensors; k++)
            if (g_strcmp0(op->tensors[k].name, it->value) == 0)
                t = (int)k;
        if (t < 0) {
            const char *names[TS_MAX_TENSORS + 1];
            guint k = 0;
            for (; k < op->n_tensors; k++)
                names[k] = op->tensors[k].name;
            names[k] = NULL;
            g_autofree char *hint = ts_config_suggest(it->value, names);
            g_autofree char *all = g_strjoinv(", ", (char **)names);
            g_autofree char *ip =
                node->kind == TS_NODE_SEQUENCE ? ts_path_index(path, i) : g_strdup(path);
            ts_config_error(error, it, TS_CONFIG_ERROR_REFERENCE, ip,
                            "unknown tensor '%s'%s (op %s has %s)", it->value, hint,
                            op->name ? op->name : "?", all);
            return FALSE;
        }
        *mask |= (uint8_t)(1u << t);
    }
    return TRUE;
}

typedef struct {
    guint n;
    struct {
        uint8_t perm[TS_MAX_DIMS];
        uint8_t n;
        const TsNode *where;
        const char *path;
    } item[16];
} PermList;

static gboolean resolve_one(const TsConstraints *c, const Directive *d, const TsSpaceArch *arch,
                            const TsOp *op, TsRules *rules, PermList *perms, GError **error)
{
    guint l;
    int axis;
    gboolean is_alias;
    if (!resolve_target(d, arch, &l, &axis, &is_alias, error))
        return FALSE;
    TsLevelRules *lr = &rules->level[l];
    char where[256];

    if (d->kind == DIR_UTILIZATION) {
        double v = 0;
        g_autofree char *pu = ts_path_key(d->path, "min");
        if (!ts_node_double(d->min_util, pu, &v, error))
            return FALSE;
        if (rules->min_compute_utilization > 0 && rules->min_compute_utilization != v) {
            ts_config_error(error, d->min_util, TS_CONFIG_ERROR_DUPLICATE, pu,
                            "minimum utilization %g conflicts with %g set at %s", v,
                            rules->min_compute_utilization,
                            where_text(rules->compute_util_where, where, sizeof where));
            return FALSE;
        }
        rules->min_compute_utilization = v;
        rules->compute_util_where = d->min_util;
        return TRUE;
    }

    if (d->kind == DIR_DATASPACE) {
        uint8_t keep, bypass;
        g_autofree char *pk = ts_path_key(d->path, "keep");
        g_autofree char *pb = ts_path_key(d->path, "bypass");
        if (!tensor_mask(d->keep, pk, op, &keep, error) ||
            !tensor_mask(d->bypass, pb, op, &bypass, error))
            return FALSE;
        if (is_alias) {
            /* A container holds nothing: it may only bypass. */
            if (keep) {
                ts_config_error(error, d->keep, TS_CONFIG_ERROR_INVALID, pk,
                                "'%s' is a container, not a storage level: it cannot keep "
                                "tensors",
                                d->target);
                return FALSE;
            }
            return TRUE;
        }
        if (keep & bypass) {
            ts_config_error(error, d->node, TS_CONFIG_ERROR_INVALID, d->path,
                            "tensor %s is both kept and bypassed",
                            op->tensors[__builtin_ctz(keep & bypass)].name);
            return FALSE;
        }
        if ((keep & lr->bypass) || (bypass & lr->keep)) {
            ts_config_error(error, d->node, TS_CONFIG_ERROR_DUPLICATE, d->path,
                            "keep/bypass of %s conflicts with the setting at %s",
                            arch->level[l].name, where_text(lr->keep_where, where, sizeof where));
            return FALSE;
        }
        lr->keep |= keep;
        lr->bypass |= bypass;
        lr->keep_where = d->node;
        return TRUE;
    }

    /* Temporal or spatial. */
    g_autofree char *pf = ts_path_key(d->path, "factors");
    g_autoptr(GArray) terms = g_array_new(FALSE, FALSE, sizeof(FactorTerm));
    if (!parse_factors(d->factors, pf, terms, error))
        return FALSE;
    gboolean spatial = d->kind == DIR_SPATIAL;
    if (spatial && arch->level[l].fanout_x <= 1 && arch->level[l].fanout_y <= 1) {
        /* Only unit spatial factors make sense without a fan-out. */
        for (guint i = 0; i < terms->len; i++) {
            FactorTerm *t = &g_array_index(terms, FactorTerm, i);
            int dd = find_dim(op, t->name);
            uint64_t v = t->op == '=' && t->value == 0 && dd >= 0 ? op->dims[dd] : t->value;
            if ((t->op == '=' && v > 1) || (t->op == '>' && v > 1)) {
                ts_config_error(
                    error, d->factors, TS_CONFIG_ERROR_INVALID, pf,
                    "level %s has no spatial fan-out below it, so spatial %s=%" G_GUINT64_FORMAT
                    " cannot hold",
                    arch->level[l].name, t->name, v);
                return FALSE;
            }
        }
    }
    if (!spatial && is_alias) {
        /* A container has no temporal loops of its own in tilesim (its fan-out belongs to the
         * storage level above): unit factors hold trivially, others cannot. */
        for (guint i = 0; i < terms->len; i++) {
            FactorTerm *t = &g_array_index(terms, FactorTerm, i);
            if ((t->op == '=' && t->value == 1) || t->op == '<' || (t->op == '>' && t->value <= 1))
                continue;
            ts_config_error(error, d->factors, TS_CONFIG_ERROR_INVALID, pf,
                            "'%s' is a container without temporal loops in tilesim: only "
                            "factors of 1 can be required there (got %s%s%" G_GUINT64_FORMAT ")",
                            d->target, t->name,
                            t->op == '='   ? "="
                            : t->op == '>' ? ">="
                                           : "<=",
                            t->value);
            return FALSE;
        }
        return TRUE;
    }
    for (guint i = 0; i < terms->len; i++) {
        FactorTerm *t = &g_array_index(terms, FactorTerm, i);
        int dd = find_dim(op, t->name);
        if (dd < 0) {
            /* A dimension the op does not have: a factor of 1 (or 0, "all of it") constrains
             * nothing; anything else is an error. */
            if ((t->op == '=' && t->value <= 1) || t->op == '<' || (t->op == '>' && t->value <= 1))
                continue;
            return unknown_dim(op, d->factors, pf, t->name, error);
        }
        TsFactorRule *r;
        if (!spatial)
            r = &lr->temporal[dd];
        else if (axis == TS_AXIS_X)
            r = &lr->spatial_x[dd];
        else if (axis == TS_AXIS_Y)
            r = &lr->spatial_y[dd];
        else
            r = &lr->spatial[dd];
        if (!set_factor(r, t, op->dims[dd], d->factors, pf, spatial ? "spatial" : "temporal",
                        (TsConstraints *)c, error))
            return FALSE;
    }

    uint8_t perm[TS_MAX_DIMS], n_perm;
    g_autofree char *pp = ts_path_key(d->path, "permutation");
    if (!resolve_permutation(d->permutation, pp, op, perm, &n_perm, error))
        return FALSE;
    if (!spatial && n_perm > 0) {
        /* Merged after every directive is read (ts_constraints_resolve): orders that differ
         * only in loops whose factor is 1 agree. */
        PermList *pl = &perms[l];
        if (pl->n < G_N_ELEMENTS(pl->item)) {
            memcpy(pl->item[pl->n].perm, perm, n_perm);
            pl->item[pl->n].n = n_perm;
            pl->item[pl->n].where = d->permutation;
            pl->item[pl->n].path = d->path;
            pl->n++;
        }
    }
    if (spatial && d->split && axis == TS_AXIS_ANY) {
        g_autofree char *ps = ts_path_key(d->path, "split");
        guint64 split = 0;
        if (!ts_node_uint(d->split, ps, &split, error))
            return FALSE;
        if (d->permutation == NULL) {
            ts_config_error(error, d->split, TS_CONFIG_ERROR_MISSING, ps,
                            "'split' needs a spatial 'permutation' to split");
            return FALSE;
        }
        /* Positions are counted in the file's permutation (all names, as Timeloop). */
        g_autoptr(GPtrArray) names = g_ptr_array_new();
        const TsNode *pn = d->permutation;
        guint total = pn->kind == TS_NODE_SEQUENCE ? pn->n : 0;
        for (guint i = 0; i < total; i++) {
            int dd = find_dim(op, pn->items[i]->value);
            if (dd < 0)
                continue;
            int want = i < split ? TS_AXIS_X : TS_AXIS_Y;
            if (lr->axis[dd] != TS_AXIS_ANY && lr->axis[dd] != want) {
                ts_config_error(error, d->split, TS_CONFIG_ERROR_DUPLICATE, ps,
                                "split puts %s on %s, conflicting with an earlier constraint",
                                op->dim_names[dd], want == TS_AXIS_X ? "X" : "Y");
                return FALSE;
            }
            lr->axis[dd] = (int8_t)want;
        }
        if (pn->kind != TS_NODE_SEQUENCE) {
            /* String permutation: one axis per resolved dimension in order. */
            for (guint i = 0; i < n_perm; i++)
                lr->axis[perm[i]] = (int8_t)(i < split ? TS_AXIS_X : TS_AXIS_Y);
            total = n_perm;
        }
        /* Dimensions not listed come after the listed ones. */
        if (split <= total || split >= (guint64)total + op->n_dims) {
            int rest = split <= total ? TS_AXIS_Y : TS_AXIS_X;
            for (guint dd = 0; dd < op->n_dims; dd++) {
                gboolean listed = FALSE;
                for (guint i = 0; i < pn->n && pn->kind == TS_NODE_SEQUENCE; i++)
                    if (g_strcmp0(pn->items[i]->value, op->dim_names[dd]) == 0)
                        listed = TRUE;
                for (guint i = 0; i < n_perm && pn->kind != TS_NODE_SEQUENCE; i++)
                    if (perm[i] == dd)
                        listed = TRUE;
                if (!listed && lr->axis[dd] == TS_AXIS_ANY)
                    lr->axis[dd] = (int8_t)rest;
            }
        }
    }
    if (spatial && d->min_util) {
        g_autofree char *pu = ts_path_key(d->path, "min_utilization");
        double v = 0;
        if (!ts_node_double(d->min_util, pu, &v, error))
            return FALSE;
        lr->min_spatial_utilization = MAX(lr->min_spatial_utilization, v);
        lr->util_where = d->min_util;
    }
    return TRUE;
}

gboolean ts_constraints_resolve(const TsConstraints *c, const TsSpaceArch *arch, const TsOp *op,
                                TsRules *rules, GError **error)
{
    g_return_val_if_fail(c != NULL && arch != NULL && op != NULL && rules != NULL, FALSE);
    ts_rules_init(rules, arch, op);
    PermList perms[TS_ARCH_MAX_LEVELS];
    memset(perms, 0, sizeof perms);
    for (guint i = 0; i < c->dirs->len; i++) {
        const Directive *d = &g_array_index(c->dirs, Directive, i);
        if (!resolve_one(c, d, arch, op, rules, perms, error))
            return FALSE;
    }
    /* Required loop orders: drop loops that are always 1 (size-1 dimensions, factor fixed to
     * 1 at the level), then one order must extend the other. */
    for (guint l = 0; l < arch->n_levels; l++) {
        TsLevelRules *lr = &rules->level[l];
        for (guint i = 0; i < perms[l].n; i++) {
            uint8_t q[TS_MAX_DIMS];
            uint8_t n = 0;
            for (guint k = 0; k < perms[l].item[i].n; k++) {
                guint dd = perms[l].item[i].perm[k];
                if (op->dims[dd] == 1 || lr->temporal[dd].exact == 1)
                    continue;
                q[n++] = (uint8_t)dd;
            }
            guint common = MIN(n, lr->n_perm);
            if (memcmp(q, lr->perm, common) != 0) {
                char where[256];
                g_autofree char *pp = ts_path_key(perms[l].item[i].path, "permutation");
                ts_config_error(error, perms[l].item[i].where, TS_CONFIG_ERROR_DUPLICATE, pp,
                                "permutation of %s conflicts with the one at %s",
                                arch->level[l].name,
                                where_text(lr->perm_where, where, sizeof where));
                return FALSE;
            }
            if (n > lr->n_perm) {
                memcpy(lr->perm, q, n);
                lr->n_perm = n;
                lr->perm_where = perms[l].item[i].where;
            } else if (lr->perm_where == NULL) {
                lr->perm_where = perms[l].item[i].where;
            }
        }
    }
    return TRUE;
}

/* ---- Checking a mapping ----------------------------------------------------------------- */

static gboolean check_rule(const TsFactorRule *r, uint32_t v)
{
    if (r->exact && v != r->exact)
        return FALSE;
    return v >= r->min && v <= r->max;
}

static void describe_rule(GString *why, const char *level, const char *what, const char *dim,
                          uint32_t v, const TsFactorRule *r)
{
    if (why == NULL)
        return;
    g_string_append_printf(why, "%s: %s %s=%u, constraint", level, what, dim, v);
    if (r->exact)
        g_string_append_printf(why, " %s=%u", dim, r->exact);
    if (r->min > 1)
        g_string_append_printf(why, " %s>=%u", dim, r->min);
    if (r->max != G_MAXUINT32)
        g_string_append_printf(why, " %s<=%u", dim, r->max);
    if (r->where && r->where->doc)
        g_string_append_printf(why, " (%s:%u:%u)", r->where->doc->filename, r->where->line,
                               r->where->col);
    g_string_append_c(why, '\n');
}

gboolean ts_rules_check(const TsRules *rules, const TsSpaceArch *arch, const TsOp *op,
                        const TsMapping *m, GString *why)
{
    g_return_val_if_fail(rules != NULL && arch != NULL && op != NULL && m != NULL, FALSE);
    gboolean ok = TRUE;
    if (m->n_levels != rules->n_levels || m->n_dims != rules->n_dims) {
        if (why)
            g_string_append(why, "mapping shape does not match the rules\n");
        return FALSE;
    }
    double used_all = 1.0, fan_all = 1.0;
    for (guint l = 0; l < rules->n_levels; l++) {
        const TsLevelRules *lr = &rules->level[l];
        const TsMappingLevel *ml = &m->level[l];
        const char *ln = arch->level[l].name;
        double used = 1.0;
        for (guint d = 0; d < rules->n_dims; d++) {
            const char *dn = op->dim_names[d];
            uint32_t x = ml->spatial_x[d], y = ml->spatial_y[d];
            if (!check_rule(&lr->temporal[d], ml->temporal[d])) {
                describe_rule(why, ln, "temporal", dn, ml->temporal[d], &lr->temporal[d]);
                ok = FALSE;
            }
            if (!check_rule(&lr->spatial[d], x * y)) {
                describe_rule(why, ln, "spatial", dn, x * y, &lr->spatial[d]);
                ok = FALSE;
            }
            if (!check_rule(&lr->spatial_x[d], x)) {
                describe_rule(why, ln, "spatial X", dn, x, &lr->spatial_x[d]);
                ok = FALSE;
            }
            if (!check_rule(&lr->spatial_y[d], y)) {
                describe_rule(why, ln, "spatial Y", dn, y, &lr->spatial_y[d]);
                ok = FALSE;
            }
            if ((lr->axis[d] == TS_AXIS_X && y > 1) || (lr->axis[d] == TS_AXIS_Y && x > 1)) {
                if (why)
                    g_string_append_printf(why, "%s: spatial %s must be along %s\n", ln, dn,
                                           lr->axis[d] == TS_AXIS_X ? "X" : "Y");
                ok = FALSE;
            }
            used *= (double)x * (double)y;
        }
        double fan = (double)MAX(arch->level[l].fanout_x, 1u) * MAX(arch->level[l].fanout_y, 1u);
        if (lr->min_spatial_utilization > 0 && used < lr->min_spatial_utilization * fan - 1e-9) {
            if (why)
                g_string_append_printf(why, "%s: spatial utilization %.3f below %.3f\n", ln,
                                       used / fan, lr->min_spatial_utilization);
            ok = FALSE;
        }
        used_all *= used;
        fan_all *= fan;
        /* Required loop order: the listed loops with factors > 1 come first, in order. */
        if (lr->n_perm) {
            uint8_t got[TS_MAX_DIMS];
            guint n_got = 0;
            for (guint i = 0; i < rules->n_dims; i++) {
                guint d = ml->permutation[i];
                if (d < rules->n_dims && ml->temporal[d] > 1)
                    got[n_got++] = (uint8_t)d;
            }
            guint k = 0;
            for (guint i = 0; i < lr->n_perm; i++) {
                guint d = lr->perm[i];
                if (ml->temporal[d] <= 1)
                    continue;
                if (k >= n_got || got[k] != d) {
                    if (why)
                        g_string_append_printf(why,
                                               "%s: loop order does not start with the "
                                               "required permutation\n",
                                               ln);
                    ok = FALSE;
                    break;
                }
                k++;
            }
        }
        uint8_t keep = ml->keep;
        if ((keep & lr->keep) != lr->keep || (keep & lr->bypass)) {
            if (why)
                g_string_append_printf(why, "%s: keep/bypass differs from the constraint\n", ln);
            ok = FALSE;
        }
    }
    if (rules->min_compute_utilization > 0 &&
        used_all < rules->min_compute_utilization * fan_all - 1e-9) {
        if (why)
            g_string_append_printf(why, "compute utilization %.3f below %.3f\n", used_all / fan_all,
                                   rules->min_compute_utilization);
        ok = FALSE;
    }
    return ok;
}
