/* Resolving constraints: the map space's view of an architecture (storage levels, fan-outs,
 * and the containers of the component view as aliases of the storage level whose fan-out they
 * describe), unconstrained rules, and ts_constraints_resolve, which turns the directives read
 * by ts-constraints.c into TsRules for one (arch, op) pair: factors, axes, permutations,
 * keep/bypass masks and utilizations, each bad name or conflict reported at its file:line:col. */
#include "ts-constraints.h"

#include <math.h>
#include <string.h>

#include "ts-constraints-private.h"

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
    /* Containers with a `spatial:` key: their fan-out belongs to the nearest storage level
     * declared before them; one naming only meshX (meshY) spans that axis alone. */
    for (guint i = 0; i < ts_arch_n_components(arch); i++) {
        const TsArchComponent *e = ts_arch_component(arch, i);
        if (e->kind != TS_ARCH_CONTAINER || !e->spatial || e->storage_above < 0 ||
            space->n_aliases >= TS_SPACE_MAX_ALIASES)
            continue;
        gboolean taken = FALSE;
        for (guint l = 0; l < n; l++)
            taken |= strcmp(space->level[l].name, e->name) == 0;
        for (guint a = 0; a < space->n_aliases; a++)
            taken |= strcmp(space->alias_name[a], e->name) == 0;
        int level = -1;
        for (guint l = 0; l < n; l++)
            if (ts_arch_storage(arch, l) == ts_arch_level(arch, (guint)e->storage_above))
                level = (int)l;
        if (taken || level < 0)
            continue;
        space->alias_name[space->n_aliases] = e->name;
        space->alias_level[space->n_aliases] = (uint8_t)level;
        space->alias_axis[space->n_aliases] = e->mesh_axes == TS_MESH_AXIS_X   ? TS_AXIS_X
                                              : e->mesh_axes == TS_MESH_AXIS_Y ? TS_AXIS_Y
                                                                               : TS_AXIS_ANY;
        space->n_aliases++;
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
static gboolean resolve_target(const TsDirective *d, const TsSpaceArch *arch, guint *level,
                               int *axis, gboolean *is_alias, GError **error)
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

static gboolean set_factor(TsFactorRule *r, const TsFactorTerm *t, uint64_t dim_size,
                           const TsNode *node, const char *path, const char *what,
                           TsConstraints *notes, GError **error)
{
    char where[256];
    if (t->op == '=') {
        uint64_t v = t->value == 0 ? dim_size : t->value; /* Timeloop: 0 = whole dimension */
        if (v > dim_size) {
            /* Timeloop clamps a factor beyond the dimension to the dimension (with a warning);
             * so does tilesim, with a note. */
            ts_constraints_add_note(notes, node, path,
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

static gboolean resolve_one(const TsConstraints *c, const TsDirective *d, const TsSpaceArch *arch,
                            const TsOp *op, TsRules *rules, PermList *perms, GError **error)
{
    guint l;
    int axis;
    gboolean is_alias;
    if (!resolve_target(d, arch, &l, &axis, &is_alias, error))
        return FALSE;
    TsLevelRules *lr = &rules->level[l];
    char where[256];

    if (d->kind == TS_DIR_UTILIZATION) {
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

    if (d->kind == TS_DIR_DATASPACE) {
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
    g_autoptr(GArray) terms = g_array_new(FALSE, FALSE, sizeof(TsFactorTerm));
    if (!ts_constraints_parse_factors(d->factors, pf, terms, error))
        return FALSE;
    gboolean spatial = d->kind == TS_DIR_SPATIAL;
    if (spatial && arch->level[l].fanout_x <= 1 && arch->level[l].fanout_y <= 1) {
        /* Only unit spatial factors make sense without a fan-out. */
        for (guint i = 0; i < terms->len; i++) {
            TsFactorTerm *t = &g_array_index(terms, TsFactorTerm, i);
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
            TsFactorTerm *t = &g_array_index(terms, TsFactorTerm, i);
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
        TsFactorTerm *t = &g_array_index(terms, TsFactorTerm, i);
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
        const TsDirective *d = &g_array_index(c->dirs, TsDirective, i);
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
