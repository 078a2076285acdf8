/* Accelergy energy and area reference tables (ERT and ART, v0.2 mapping form and v0.3/v0.4
 * list form) applied to an architecture the way Timeloop 3 does: a table entry matches the
 * level named like the entry name without its trailing instance range, after its last '.';
 * storage actions map to read / fill / update through Timeloop's priority lists, compute to a
 * MAC, `leak` to the leakage per cycle; energies are per vector access and are divided by the
 * level's cluster size. Entries that match no level become notes. */
#include "ts-arch-private.h"

#include <math.h>
#include <string.h>

typedef struct {
    const char *name;
    double energy;
} ErtAction;

/* The level name an ERT/ART entry addresses, as Timeloop 3.0.3 derives it: a trailing
 * instance range "[lo..hi]" is dropped, then the text after the last '.' is kept
 * ("System_top_level.MainMemory[1..1]" -> "MainMemory", "A.PE[0..255].RF" -> "RF"). The
 * result is compared with level names exactly (case-sensitive). */
char *ts_arch_ert_leaf_name(const char *path)
{
    gsize len = strlen(path);
    if (len > 0 && path[len - 1] == ']') {
        const char *open = g_strrstr_len(path, (gssize)len, "[");
        if (open != NULL && strstr(open, "..") != NULL)
            len = (gsize)(open - path);
    }
    const char *leaf = path;
    for (gsize i = 0; i < len; i++)
        if (path[i] == '.')
            leaf = path + i + 1;
    return g_strndup(leaf, len - (gsize)(leaf - path));
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

typedef struct {
    TsArch *arch;
    gboolean matched[TS_ARCH_MAX_ALL_LEVELS]; /* level received an ERT entry */
} ErtApply;

static gboolean apply_entry(ErtApply *st, const char *component, GArray *acts)
{
    TsArch *arch = st->arch;
    g_autofree char *leaf = ts_arch_ert_leaf_name(component);
    if (strcmp(leaf, "wire") == 0 || strcmp(leaf, "Wire") == 0) {
        ts_arch_add_note(arch, "ERT entry '%s': wire energy ignored (networks carry no energy)",
                         component);
        return TRUE;
    }
    int idx = ts_arch_find_level(arch, leaf);
    if (idx < 0) {
        ts_arch_add_note(arch,
                         "ERT entry '%s' (level name '%s') matches no level: unused, as in "
                         "Timeloop",
                         component, leaf);
        return TRUE;
    }
    TsLevel *l = ts_arch_level_mut(arch, (guint)idx);
    TsLevelPriv *p = ts_arch_level_priv(arch, (guint)idx);
    double max = 0;
    for (guint k = 0; k < acts->len; k++)
        max = MAX(max, g_array_index(acts, ErtAction, k).energy);
    static const char *const leak[] = {"leak", NULL};
    const ErtAction *lk = find_action(acts, leak);
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
        if (lk != NULL) {
            l->energy.leak_pj_per_cycle = lk->energy / cl;
            p->energy_set |= TS_E_LEAK;
        }
        l->energy.source = "ert";
        st->matched[idx] = TRUE;
    } else if (l->is_compute) {
        static const char *const mac[] = {"mac_random", "mult_random", "mac",
                                          "mult",       "compute",     NULL};
        const ErtAction *a = find_action(acts, mac);
        l->energy.mac_pj = a ? a->energy : max;
        p->energy_set |= TS_E_MAC;
        if (lk != NULL) {
            l->energy.leak_pj_per_cycle = lk->energy;
            p->energy_set |= TS_E_LEAK;
        }
        l->energy.source = "ert";
        st->matched[idx] = TRUE;
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
    ErtApply st = {.arch = arch};
    if (!walk_ert(ert, visit_apply, &st, error))
        return FALSE;
    /* Levels the table does not name keep the YAML or built-in energies: say so, since a
     * user passing an ERT expects it to cover the architecture. */
    for (guint i = 0; i < ts_arch_n_levels(arch) && i < TS_ARCH_MAX_ALL_LEVELS; i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if ((l->is_storage || l->is_compute) && !st.matched[i])
            ts_arch_add_note(arch,
                             "no ERT entry names level '%s': its energies come from the "
                             "architecture file or the built-in model (energy source %s)",
                             l->name, l->energy.source ? l->energy.source : "built-in");
    }
    return TRUE;
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

/* ---- Accelergy ART (area reference table) ------------------------------------------------- */

/* ART: {version, tables: [{name, area}]} (v0.3/v0.4) or tables: {name: area} (v0.2-style):
 * area in um^2 per instance of the component, matched to levels by the ERT's name rule. */
typedef gboolean (*ArtVisit)(const char *component, double area_um2, gpointer data);

static gboolean art_area(const TsNode *v, const char *path, double *out, GError **error)
{
    if (!ts_node_double(v, path, out, error))
        return FALSE;
    if (!(*out >= 0) || !isfinite(*out)) {
        ts_config_error(error, v, TS_CONFIG_ERROR_RANGE, path, "must be >= 0 um^2 (got %s)",
                        v->value);
        return FALSE;
    }
    return TRUE;
}

static gboolean walk_art(const TsDoc *art, ArtVisit visit, gpointer data, GError **error)
{
    const TsNode *root = ts_node_get(art->root, "ART");
    if (root == NULL || root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root ? root : art->root, TS_CONFIG_ERROR_TYPE, "ART",
                        "expected a mapping with version and tables");
        return FALSE;
    }
    static const char *const keys[] = {"version", "tables", NULL};
    if (!ts_schema_check_keys(root, "ART", keys, error))
        return FALSE;
    const TsNode *tables = ts_node_get(root, "tables");
    if (tables == NULL) {
        ts_config_error(error, root, TS_CONFIG_ERROR_MISSING, "ART",
                        "missing required key 'tables'");
        return FALSE;
    }
    if (tables->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < tables->n; i++) {
            const TsNode *t = tables->items[i];
            g_autofree char *tp = ts_path_index("ART.tables", i);
            if (t->kind != TS_NODE_MAPPING) {
                ts_config_error(error, t, TS_CONFIG_ERROR_TYPE, tp, "expected {name, area}");
                return FALSE;
            }
            static const char *const tkeys[] = {"name", "area", NULL};
            if (!ts_schema_check_keys(t, tp, tkeys, error))
                return FALSE;
            const TsNode *nm = ts_node_get(t, "name"), *ar = ts_node_get(t, "area");
            if (nm == NULL || ar == NULL) {
                ts_config_error(error, t, TS_CONFIG_ERROR_MISSING, tp, "missing required key '%s'",
                                nm ? "area" : "name");
                return FALSE;
            }
            g_autofree char *np = ts_path_key(tp, "name");
            g_autofree char *ap = ts_path_key(tp, "area");
            const char *name;
            double area;
            if (!ts_node_string(nm, np, &name, error) || !art_area(ar, ap, &area, error) ||
                !visit(name, area, data))
                return FALSE;
        }
        return TRUE;
    }
    if (tables->kind == TS_NODE_MAPPING) {
        for (guint i = 0; i < tables->n; i++) {
            const char *name = ts_node_key(tables, i);
            const TsNode *v = ts_node_value(tables, i);
            g_autofree char *tp = ts_path_key("ART.tables", name);
            if (v->kind == TS_NODE_MAPPING) {
                static const char *const tkeys[] = {"area", NULL};
                if (!ts_schema_check_keys(v, tp, tkeys, error))
                    return FALSE;
                v = ts_node_get(v, "area");
                if (v == NULL) {
                    ts_config_error(error, ts_node_value(tables, i), TS_CONFIG_ERROR_MISSING, tp,
                                    "missing required key 'area'");
                    return FALSE;
                }
            }
            double area;
            if (!art_area(v, tp, &area, error) || !visit(name, area, data))
                return FALSE;
        }
        return TRUE;
    }
    ts_config_error(error, tables, TS_CONFIG_ERROR_TYPE, "ART.tables",
                    "expected a list or mapping");
    return FALSE;
}

static gboolean visit_art_apply(const char *component, double area_um2, gpointer data)
{
    TsArch *arch = data;
    g_autofree char *leaf = ts_arch_ert_leaf_name(component);
    int idx = ts_arch_find_level(arch, leaf);
    if (idx < 0) {
        ts_arch_add_note(arch,
                         "ART entry '%s' (level name '%s') matches no level: its area is not "
                         "counted",
                         component, leaf);
        return TRUE;
    }
    TsLevel *l = ts_arch_level_mut(arch, (guint)idx);
    l->area_um2 = area_um2;
    l->area_source = "art";
    return TRUE;
}

gboolean ts_arch_apply_art(TsArch *arch, const TsDoc *art, GError **error)
{
    g_return_val_if_fail(arch != NULL && art != NULL, FALSE);
    return walk_art(art, visit_art_apply, arch, error);
}

static gboolean visit_art_summary(const char *component, double area_um2, gpointer data)
{
    g_string_append_printf(data, "  %-40s area=%.6g um^2\n", component, area_um2);
    return TRUE;
}

gboolean ts_arch_art_summary(const TsDoc *art, GString *out, GError **error)
{
    return walk_art(art, visit_art_summary, out, error);
}
