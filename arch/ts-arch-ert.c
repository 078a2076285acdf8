/* Accelergy energy reference tables (ERT, v0.2 mapping form and v0.3 list form) applied to an
 * architecture the way Timeloop 3 does: a table entry matches the level named like the last
 * dotted component of the entry name; storage actions map to read / fill / update through
 * Timeloop's priority lists, compute to a MAC; energies are per vector access and are divided
 * by the level's cluster size. */
#include "ts-arch-private.h"

#include <math.h>
#include <string.h>

typedef struct {
    const char *name;
    double energy;
} ErtAction;

/* Last dotted component of a component path, [..] range removed: "System.PE[0..3].RF" -> RF. */
static char *leaf_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *leaf = dot ? dot + 1 : path;
    const char *br = strchr(leaf, '[');
    return br ? g_strndup(leaf, (gsize)(br - leaf)) : g_strdup(leaf);
}

static gboolean action_energy(const TsNode *entry, const char *path, double *out, GError **error)
{
    if (entry->kind != TS_NODE_MAPPING) {
        ts_config_error(error, entry, TS_CONFIG_ERROR_TYPE, path, "expected a mapping with energy");
        return FALSE;
    }
    const TsNode *e = ts_node_get(entry, "energy");
    g_autofree char *ep = ts_path_key(path, "energy");
    if (e == NULL) {
        ts_config_error(error, entry, TS_CONFIG_ERROR_MISSING, path,
                        "missing required key 'energy'");
        return FALSE;
    }
    if (!ts_node_double(e, ep, out, error))
        return FALSE;
    if (*out < 0) {
        ts_config_error(error, e, TS_CONFIG_ERROR_RANGE, ep, "must be >= 0 (got %s)", e->value);
        return FALSE;
    }
    return TRUE;
}

/* Collects (action, energy) pairs of one table; an action listed with several argument sets
 * takes the largest energy. */
static gboolean collect_actions(const TsNode *actions, const char *path, GArray *out,
                                GError **error)
{
    if (actions->kind == TS_NODE_SEQUENCE) { /* v0.3: [{name, energy, arguments}] */
        for (guint i = 0; i < actions->n; i++) {
            const TsNode *a = actions->items[i];
            g_autofree char *ap = ts_path_index(path, i);
            const TsNode *nm = a->kind == TS_NODE_MAPPING ? ts_node_get(a, "name") : NULL;
            const char *name;
            g_autofree char *np = ts_path_key(ap, "name");
            if (nm == NULL) {
                ts_config_error(error, a, TS_CONFIG_ERROR_MISSING, ap,
                                "missing required key 'name'");
                return FALSE;
            }
            if (!ts_node_string(nm, np, &name, error))
                return FALSE;
            double e;
            if (!action_energy(a, ap, &e, error))
                return FALSE;
            gboolean merged = FALSE;
            for (guint k = 0; k < out->len; k++) {
                ErtAction *x = &g_array_index(out, ErtAction, k);
                if (strcmp(x->name, name) == 0) {
                    x->energy = MAX(x->energy, e);
                    merged = TRUE;
                }
            }
            if (!merged) {
                ErtAction x = {name, e};
                g_array_append_val(out, x);
            }
        }
        return TRUE;
    }
    if (actions->kind == TS_NODE_MAPPING) { /* v0.2: {action: [{arguments, energy}] | {energy}} */
        for (guint i = 0; i < actions->n; i++) {
            const char *name = ts_node_key(actions, i);
            const TsNode *v = ts_node_value(actions, i);
            g_autofree char *ap = ts_path_key(path, name);
            double best = 0;
            if (v->kind == TS_NODE_SEQUENCE) {
                for (guint k = 0; k < v->n; k++) {
                    g_autofree char *kp = ts_path_index(ap, k);
                    double e;
                    if (!action_energy(v->items[k], kp, &e, error))
                        return FALSE;
                    best = MAX(best, e);
                }
            } else if (!action_energy(v, ap, &best, error)) {
                return FALSE;
            }
            ErtAction x = {name, best};
            g_array_append_val(out, x);
        }
        return TRUE;
    }
    ts_config_error(error, actions, TS_CONFIG_ERROR_TYPE, path, "expected a list of actions");
    return FALSE;
}

static const ErtAction *find_action(GArray *acts, const char *const *prio)
{
    for (guint p = 0; prio[p]; p++) {
        for (guint k = 0; k < acts->len; k++) {
            const ErtAction *x = &g_array_index(acts, ErtAction, k);
            if (strcmp(x->name, prio[p]) == 0)
                return x;
        }
    }
    return NULL;
}

static gboolean apply_entry(TsArch *arch, const char *component, GArray *acts)
{
    g_autofree char *leaf = leaf_name(component);
    if (strcmp(leaf, "wire") == 0 || strcmp(leaf, "Wire") == 0) {
        ts_arch_add_note(arch, "ERT entry '%s': wire energy ignored (networks carry no energy)",
                         component);
        return TRUE;
    }
    int idx = ts_arch_find_level(arch, leaf);
    if (idx < 0) {
        ts_arch_add_note(arch, "ERT entry '%s' matches no level: unused, as in Timeloop",
                         component);
        return TRUE;
    }
    TsLevel *l = ts_arch_level_mut(arch, (guint)idx);
    TsLevelPriv *p = ts_arch_level_priv(arch, (guint)idx);
    double max = 0;
    for (guint k = 0; k < acts->len; k++)
        max = MAX(max, g_array_index(acts, ErtAction, k).energy);
    if (l->is_storage) {
        static const char *const rd[] = {"random_read", "read", NULL};
        static const char *const fill[] = {"random_fill", "random_write", "fill", "write", NULL};
        static const char *const upd[] = {"random_update", "random_write", "update", "write", NULL};
        double cl = (double)l->cluster_size;
        const ErtAction *a;
        l->energy.read_pj = ((a = find_action(acts, rd)) ? a->energy : max) / cl;
        l->energy.write_pj = ((a = find_action(acts, fill)) ? a->energy : max) / cl;
        l->energy.update_pj = ((a = find_action(acts, upd)) ? a->energy : max) / cl;
        p->energy_set |= TS_E_READ | TS_E_WRITE | TS_E_UPDATE;
        l->energy.source = "ert";
    } else if (l->is_compute) {
        static const char *const mac[] = {"mac_random", "mult_random", "mac",
                                          "mult",       "compute",     NULL};
        const ErtAction *a = find_action(acts, mac);
        l->energy.mac_pj = a ? a->energy : max;
        p->energy_set |= TS_E_MAC;
        l->energy.source = "ert";
    } else {
        ts_arch_add_note(arch,
                         "ERT entry '%s' matches level '%s', which has no storage or MAC "
                         "actions: unused",
                         component, l->name);
    }
    return TRUE;
}

typedef gboolean (*ErtVisit)(const char *component, GArray *acts, gpointer data);

static gboolean walk_ert(const TsDoc *ert, ErtVisit visit, gpointer data, GError **error)
{
    const TsNode *root = ts_node_get(ert->root, "ERT");
    if (root == NULL || root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root ? root : ert->root, TS_CONFIG_ERROR_TYPE, "ERT",
                        "expected a mapping with version and tables");
        return FALSE;
    }
    static const char *const keys[] = {"version", "tables", NULL};
    if (!ts_schema_check_keys(root, "ERT", keys, error))
        return FALSE;
    const TsNode *tables = ts_node_get(root, "tables");
    if (tables == NULL) {
        ts_config_error(error, root, TS_CONFIG_ERROR_MISSING, "ERT",
                        "missing required key 'tables'");
        return FALSE;
    }
    if (tables->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < tables->n; i++) {
            const TsNode *t = tables->items[i];
            g_autofree char *tp = ts_path_index("ERT.tables", i);
            if (t->kind != TS_NODE_MAPPING) {
                ts_config_error(error, t, TS_CONFIG_ERROR_TYPE, tp, "expected {name, actions}");
                return FALSE;
            }
            static const char *const tkeys[] = {"name", "actions", NULL};
            if (!ts_schema_check_keys(t, tp, tkeys, error))
                return FALSE;
            const TsNode *nm = ts_node_get(t, "name"), *acts = ts_node_get(t, "actions");
            g_autofree char *np = ts_path_key(tp, "name");
            g_autofree char *ap = ts_path_key(tp, "actions");
            const char *name;
            if (nm == NULL || acts == NULL) {
                ts_config_error(error, t, TS_CONFIG_ERROR_MISSING, tp, "missing required key '%s'",
                                nm ? "actions" : "name");
                return FALSE;
            }
            if (!ts_node_string(nm, np, &name, error))
                return FALSE;
            g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(ErtAction));
            if (!collect_actions(acts, ap, list, error) || !visit(name, list, data))
                return FALSE;
        }
        return TRUE;
    }
    if (tables->kind == TS_NODE_MAPPING) {
        for (guint i = 0; i < tables->n; i++) {
            const char *name = ts_node_key(tables, i);
            g_autofree char *tp = ts_path_key("ERT.tables", name);
            g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(ErtAction));
            if (!collect_actions(ts_node_value(tables, i), tp, list, error) ||
                !visit(name, list, data))
                return FALSE;
        }
        return TRUE;
    }
    ts_config_error(error, tables, TS_CONFIG_ERROR_TYPE, "ERT.tables",
                    "expected a list or mapping");
    return FALSE;
}

static gboolean visit_apply(const char *component, GArray *acts, gpointer data)
{
    return apply_entry(data, component, acts);
}

gboolean ts_arch_apply_ert(TsArch *arch, const TsDoc *ert, GError **error)
{
    g_return_val_if_fail(arch != NULL && ert != NULL, FALSE);
    return walk_ert(ert, visit_apply, arch, error);
}

static gboolean visit_summary(const char *component, GArray *acts, gpointer data)
{
    GString *out = data;
    g_string_append_printf(out, "  %-40s", component);
    for (guint k = 0; k < acts->len; k++) {
        const ErtAction *a = &g_array_index(acts, ErtAction, k);
        g_string_append_printf(out, " %s=%.4g pJ", a->name, a->energy);
    }
    g_string_append_c(out, '\n');
    return TRUE;
}

gboolean ts_arch_ert_summary(const TsDoc *ert, GString *out, GError **error)
{
    return walk_ert(ert, visit_summary, out, error);
}
