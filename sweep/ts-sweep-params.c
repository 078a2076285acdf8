/* Parameters and constraint blocks of a sweep file: key paths into the base architecture or
 * workload document (checked against it when the sweep loads: a path that does not resolve is
 * an error, an absent last key a note), named parameters (workload options, variables the
 * inputs declare, labels read by conditions and templates, declared-unused ones), and
 * `constraints:` blocks with their conditions, files, template targets and key settings. */
#include <string.h>

#include "ts-sweep-private.h"

static const char *const kOptionNames[] = {"seq", "batch", "kv_len", "phase", "precision", NULL};

/* Column names of the points table that parameters may not take (docs/sweeps.md). */
static const char *const kReserved[] = {"id",           "status",     "reason",   "energy_pj",
                                        "cycles",       "latency_s",  "macs",     "utilization",
                                        "edp_j_cycles", "pj_per_mac", "area_um2", NULL};

static char *rooted_path(const TsDoc *doc, const char *path)
{
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING)
        return g_strdup(path);
    gsize n = strcspn(path, ".[");
    g_autofree char *first = g_strndup(path, n);
    if (ts_node_get(root, first) != NULL)
        return g_strdup(path);
    static const char *const roots[] = {"architecture", "workload", "problem", NULL};
    for (guint i = 0; roots[i]; i++)
        if (ts_node_get(root, roots[i]) != NULL)
            return g_strdup_printf("%s.%s", roots[i], path);
    return g_strdup(path);
}

/* Offset where the last step of a key path starts (0 when it has one step). */
static gsize last_step(const char *path)
{
    gsize at = 0;
    int depth = 0;
    for (gsize i = 0; path[i]; i++) {
        if (path[i] == '[') {
            if (depth == 0)
                at = i;
            depth++;
        } else if (path[i] == ']') {
            depth--;
        } else if (path[i] == '.' && depth == 0) {
            at = i;
        }
    }
    return at;
}

/* Checks that path resolves in doc (its last key may be absent: a note says it is added). */
static gboolean check_path(TsSweep *s, const TsDoc *doc, const char *what, const char *path,
                           const TsNode *node, const char *key_path, GError **error)
{
    g_autoptr(GError) local = NULL;
    if (ts_node_find_path(doc->root, path, &local) != NULL)
        return TRUE;
    gsize cut = last_step(path);
    g_autofree char *parent = g_strndup(path, cut);
    g_autoptr(GError) local2 = NULL;
    const TsNode *pn = cut > 0 ? ts_node_find_path(doc->root, parent, &local2) : doc->root;
    gboolean key_step = path[cut] == '.' || cut == 0;
    if (pn != NULL && pn->kind == TS_NODE_MAPPING && key_step) {
        ts_sweep_note(s, "%s:%u:%u: %s: %s is not in the base %s: each point adds it",
                      node->doc ? node->doc->filename : s->path, node->line, node->col, key_path,
                      path, what);
        return TRUE;
    }
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, key_path,
                    "key path %s does not resolve in the base %s: %s", path, what,
                    (local2 ? local2 : local)->message);
    return FALSE;
}

/* Reads `arch:` or `workload:` of a parameter (owner its name) or of a conditional block
 * (owner NULL: templates required) into sets: a path, a list of paths (each set to the
 * parameter's value) or a mapping of paths to templates. */
static gboolean read_sets(TsSweep *s, const char *owner, const TsNode *node, const char *key_path,
                          const TsDoc *doc, const char *what, GPtrArray *sets, GString *desc,
                          GError **error)
{
    if (doc == NULL) {
        ts_config_error(error, node, TS_CONFIG_ERROR_INVALID, key_path,
                        "the base %s is a built-in model without a document: key paths need a "
                        "workload file or an inline workload",
                        what);
        return FALSE;
    }
    if (owner == NULL && node->kind != TS_NODE_MAPPING) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, key_path,
                        "expected a mapping of key paths to values or ${templates}");
        return FALSE;
    }
    GPtrArray *pairs = g_ptr_array_new(); /* path node, template node (or NULL) */
    if (node->kind == TS_NODE_SCALAR) {
        g_ptr_array_add(pairs, (gpointer)node);
        g_ptr_array_add(pairs, NULL);
    } else if (node->kind == TS_NODE_SEQUENCE) {
        for (guint i = 0; i < node->n; i++) {
            g_ptr_array_add(pairs, (gpointer)node->items[i]);
            g_ptr_array_add(pairs, NULL);
        }
    } else {
        for (guint i = 0; i < node->n; i++) {
            g_ptr_array_add(pairs, (gpointer)ts_node_key_node(node, i));
            g_ptr_array_add(pairs, (gpointer)ts_node_value(node, i));
        }
    }
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < pairs->len; i += 2) {
        const TsNode *pn = pairs->pdata[i], *tn = pairs->pdata[i + 1];
        const char *ptext = NULL;
        if (!ts_sweep_node_text(pn, key_path, &ptext, error)) {
            ok = FALSE;
            break;
        }
        if (tn != NULL && tn->kind != TS_NODE_SCALAR) {
            ts_config_error(error, tn, TS_CONFIG_ERROR_TYPE, key_path,
                            "%s: expected a value or a template such as \"${x*2}\"", ptext);
            ok = FALSE;
            break;
        }
        TsSweepSet *set = g_new0(TsSweepSet, 1);
        set->path = rooted_path(doc, ptext);
        set->template_text = tn ? g_strdup(tn->value) : NULL;
        set->node = tn ? tn : pn;
        g_ptr_array_add(sets, set);
        g_string_append_printf(desc, "%s%s%s = %s", desc->len ? "; " : "",
                               strcmp(what, "architecture") == 0 ? "" : "workload: ", ptext,
                               set->template_text ? set->template_text : owner);
        ok = check_path(s, doc, what, set->path, pn, key_path, error);
    }
    g_ptr_array_free(pairs, TRUE);
    return ok;
}

/* values: [..] or range: {from, to, step | steps | factor, scale, round} */
gboolean ts_sweep_read_param(TsSweep *s, const TsNode *name_node, const TsNode *entry,
                             GError **error)
{
    const char *name = name_node->value;
    g_autofree char *path = g_strdup_printf("sweep.parameters.%s", name);
    if (!ts_sweep_is_identifier(name)) {
        ts_config_error(error, name_node, TS_CONFIG_ERROR_INVALID, path,
                        "a parameter name is a letter or _ followed by letters, digits and _ "
                        "(it names a column and appears in ${expressions}) (got '%s')",
                        name);
        return FALSE;
    }
    if (g_strv_contains(kReserved, name)) {
        g_autofree char *list = g_strjoinv(", ", (char **)kReserved);
        ts_config_error(error, name_node, TS_CONFIG_ERROR_INVALID, path,
                        "'%s' is a column of the results (reserved: %s): rename the parameter",
                        name, list);
        return FALSE;
    }
    TsSweepParam *p = g_new0(TsSweepParam, 1);
    p->name = g_strdup(name);
    p->node = entry;
    p->arch_sets = g_ptr_array_new_with_free_func(ts_sweep_set_free);
    p->workload_sets = g_ptr_array_new_with_free_func(ts_sweep_set_free);
    g_ptr_array_add(s->params, p);
    if (entry == NULL || ts_node_is_null(entry))
        entry = NULL;
    else if (entry->kind != TS_NODE_MAPPING) {
        ts_config_error(error, entry, TS_CONFIG_ERROR_TYPE, path,
                        "expected a mapping (values, range, default, arch, workload, unused, "
                        "description)");
        return FALSE;
    }
    static const char *const keys[] = {"values",   "range",  "default",     "arch",
                                       "workload", "unused", "description", NULL};
    if (entry != NULL && !ts_schema_check_keys(entry, path, keys, error))
        return FALSE;
    const TsNode *vals = ts_node_get(entry, "values"), *range = ts_node_get(entry, "range"),
                 *def = ts_node_get(entry, "default"), *arch = ts_node_get(entry, "arch"),
                 *wl = ts_node_get(entry, "workload"), *unused = ts_node_get(entry, "unused");
    if (vals && range) {
        ts_config_error(error, range, TS_CONFIG_ERROR_INVALID, path,
                        "give values or range, not both");
        return FALSE;
    }
    if (vals != NULL) {
        g_autofree char *pv = ts_path_key(path, "values");
        if (vals->kind != TS_NODE_SEQUENCE || vals->n == 0) {
            ts_config_error(error, vals, TS_CONFIG_ERROR_TYPE, pv, "expected a non-empty list");
            return FALSE;
        }
        p->values = g_ptr_array_new();
        for (guint i = 0; i < vals->n; i++) {
            const char *t = NULL;
            g_autofree char *pi = ts_path_index(pv, i);
            if (!ts_sweep_node_text(vals->items[i], pi, &t, error))
                return FALSE;
            g_ptr_array_add(p->values, ts_sweep_value_new(s, t, vals->items[i]));
        }
    } else if (range != NULL) {
        g_autofree char *pr = ts_path_key(path, "range");
        if (!ts_sweep_read_range(s, p, range, pr, error))
            return FALSE;
    }
    if (def != NULL) {
        const char *t = NULL;
        g_autofree char *pd = ts_path_key(path, "default");
        if (!ts_sweep_node_text(def, pd, &t, error))
            return FALSE;
        p->default_value = ts_sweep_value_new(s, t, def);
    }
    GString *desc = g_string_new(NULL);
    gboolean ok = TRUE;
    if (arch != NULL) {
        g_autofree char *pa = ts_path_key(path, "arch");
        ok =
            read_sets(s, p->name, arch, pa, s->arch_doc, "architecture", p->arch_sets, desc, error);
        p->kinds |= TS_SWEEP_KIND_ARCH;
    }
    if (ok && wl != NULL) {
        g_autofree char *pw = ts_path_key(path, "workload");
        ok = read_sets(s, p->name, wl, pw, s->workload_doc, "workload", p->workload_sets, desc,
                       error);
        p->kinds |= TS_SWEEP_KIND_WORKLOAD;
    }
    if (ok && unused != NULL) {
        const char *why = NULL;
        g_autofree char *pu = ts_path_key(path, "unused");
        ok = ts_sweep_node_text(unused, pu, &why, error);
        if (ok && (arch || wl)) {
            ts_config_error(error, unused, TS_CONFIG_ERROR_INVALID, pu,
                            "a parameter that sets keys is not unused");
            ok = FALSE;
        }
        if (ok) {
            p->kinds |= TS_SWEEP_KIND_UNUSED;
            g_string_append_printf(desc, "unused: %s", why);
            ts_sweep_note(s, "%s:%u:%u: parameter %s changes nothing: %s", s->path, unused->line,
                          unused->col, name, why);
        }
    }
    p->targets_text = g_string_free(desc, FALSE);
    return ok;
}

/* Variables declared by a document: `variables.NAME` at the root, or a scalar `NAME` of the
 * v0.4 `architecture:` mapping (Timeloop's own variables), or `workload.variables.NAME`. */
static char *declared_variable(const TsDoc *doc, const char *name)
{
    if (doc == NULL || doc->root == NULL || doc->root->kind != TS_NODE_MAPPING)
        return NULL;
    const TsNode *vars = ts_node_get(doc->root, "variables");
    if (vars && vars->kind == TS_NODE_MAPPING && ts_node_get(vars, name))
        return g_strdup_printf("variables.%s", name);
    const TsNode *an = ts_node_get(doc->root, "architecture");
    static const char *const structural[] = {"version",     "subtree", "nodes", "local",
                                             "name",        "levels",  "clock", "technology",
                                             "description", NULL};
    if (an && an->kind == TS_NODE_MAPPING && ts_node_get(an, "nodes") != NULL &&
        !g_strv_contains(structural, name)) {
        const TsNode *v = ts_node_get(an, name);
        if (v && v->kind == TS_NODE_SCALAR)
            return g_strdup_printf("architecture.%s", name);
    }
    const TsNode *wl = ts_node_get(doc->root, "workload");
    const TsNode *wv = wl && wl->kind == TS_NODE_MAPPING ? ts_node_get(wl, "variables") : NULL;
    if (wv && wv->kind == TS_NODE_MAPPING && ts_node_get(wv, name))
        return g_strdup_printf("workload.variables.%s", name);
    return NULL;
}

/* Scalars of a template tree (constraint targets): their parameter names go to names. */
static void tree_names(const TsNode *n, GPtrArray *names)
{
    if (n == NULL)
        return;
    if (n->kind == TS_NODE_SCALAR) {
        if (strstr(n->value, "${") != NULL)
            ts_sweep_template_names(n->value, names);
        return;
    }
    for (guint i = 0; i < n->n; i++)
        tree_names(n->kind == TS_NODE_MAPPING ? ts_node_value(n, i) : n->items[i], names);
}

gboolean ts_sweep_read_constraints(TsSweep *s, const TsNode *list, GError **error)
{
    const char *path = "sweep.constraints";
    if (list->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, list, TS_CONFIG_ERROR_TYPE, path,
                        "expected a list of constraint files or {when, targets | file} blocks");
        return FALSE;
    }
    for (guint i = 0; i < list->n; i++) {
        const TsNode *it = list->items[i];
        g_autofree char *pi = ts_path_index(path, i);
        TsSweepConstraintBlock *b = g_new0(TsSweepConstraintBlock, 1);
        b->when_params = g_ptr_array_new();
        b->when_values = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
        b->arch_sets = g_ptr_array_new_with_free_func(ts_sweep_set_free);
        b->workload_sets = g_ptr_array_new_with_free_func(ts_sweep_set_free);
        b->node = it;
        g_ptr_array_add(s->constraints, b);
        const TsNode *file = it, *when = NULL;
        if (it->kind == TS_NODE_MAPPING) {
            static const char *const keys[] = {"when", "targets", "file", "arch", "workload", NULL};
            if (!ts_schema_check_keys(it, pi, keys, error))
                return FALSE;
            file = ts_node_get(it, "file");
            when = ts_node_get(it, "when");
            b->targets = ts_node_get(it, "targets");
            const TsNode *arch = ts_node_get(it, "arch"), *wl = ts_node_get(it, "workload");
            if ((file != NULL && b->targets != NULL) ||
                (file == NULL && b->targets == NULL && arch == NULL && wl == NULL)) {
                ts_config_error(error, it, TS_CONFIG_ERROR_INVALID, pi,
                                "give file or targets (and/or arch, workload key settings)");
                return FALSE;
            }
            g_autoptr(GString) desc = g_string_new(NULL);
            g_autofree char *pa = ts_path_key(pi, "arch"), *pw = ts_path_key(pi, "workload");
            if (arch != NULL && !read_sets(s, NULL, arch, pa, s->arch_doc, "architecture",
                                           b->arch_sets, desc, error))
                return FALSE;
            if (wl != NULL && !read_sets(s, NULL, wl, pw, s->workload_doc, "workload",
                                         b->workload_sets, desc, error))
                return FALSE;
        }
        if (file != NULL) {
            const char *t = NULL;
            if (!ts_sweep_node_text(file, pi, &t, error))
                return FALSE;
            g_autofree char *fp =
                ts_sweep_resolve_file(s, TS_LIBRARY_ARCH, FALSE, t, file, pi, error);
            if (fp == NULL)
                return FALSE;
            b->file_doc = ts_doc_load_file(fp, NULL, error);
            if (b->file_doc == NULL || !ts_sweep_add_input(s, "constraints", fp, error))
                return FALSE;
            /* Syntax checked now, names per point. */
            g_autoptr(TsConstraints) probe = ts_constraints_new();
            if (!ts_constraints_load_node(probe, b->file_doc->root, error))
                return FALSE;
        }
        if (when != NULL) {
            g_autofree char *pw = ts_path_key(pi, "when");
            if (when->kind != TS_NODE_MAPPING || when->n == 0) {
                ts_config_error(error, when, TS_CONFIG_ERROR_TYPE, pw,
                                "expected {PARAMETER: value or [values], ...}");
                return FALSE;
            }
            for (guint k = 0; k < when->n; k++) {
                const char *pname = ts_node_key(when, k);
                int idx = ts_sweep_param_index(s, pname);
                g_autofree char *pk = ts_path_key(pw, pname);
                if (idx < 0) {
                    const char **names = g_new0(const char *, s->params->len + 1);
                    for (guint j = 0; j < s->params->len; j++)
                        names[j] = ((TsSweepParam *)s->params->pdata[j])->name;
                    g_autofree char *hint = ts_config_suggest(pname, names);
                    g_free(names);
                    ts_config_error(error, ts_node_key_node(when, k), TS_CONFIG_ERROR_REFERENCE, pk,
                                    "no parameter named '%s'%s", pname, hint);
                    return FALSE;
                }
                g_ptr_array_add(b->when_params, GINT_TO_POINTER(idx));
                GPtrArray *vals = g_ptr_array_new();
                const TsNode *v = ts_node_value(when, k);
                const TsNode *const *items = v->kind == TS_NODE_SEQUENCE ? v->items : &v;
                guint n = v->kind == TS_NODE_SEQUENCE ? v->n : 1;
                g_ptr_array_add(b->when_values, vals);
                for (guint j = 0; j < n; j++) {
                    const char *t = NULL;
                    if (!ts_sweep_node_text(items[j], pk, &t, error))
                        return FALSE;
                    g_ptr_array_add(vals, (gpointer)t);
                }
            }
        }
        if (b->targets != NULL && b->targets->kind != TS_NODE_SEQUENCE) {
            g_autofree char *pt = ts_path_key(pi, "targets");
            ts_config_error(error, b->targets, TS_CONFIG_ERROR_TYPE, pt,
                            "expected a list of Timeloop constraint targets");
            return FALSE;
        }
    }
    return TRUE;
}

/* Kinds of parameters that set no key: workload options, declared variables, labels. */
gboolean ts_sweep_classify(TsSweep *s, GError **error)
{
    GPtrArray *used = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < s->params->len; i++) {
        TsSweepParam *p = s->params->pdata[i];
        GPtrArray *sets[] = {p->arch_sets, p->workload_sets};
        for (guint k = 0; k < 2; k++)
            for (guint j = 0; j < sets[k]->len; j++) {
                const TsSweepSet *set = sets[k]->pdata[j];
                if (set->template_text)
                    ts_sweep_template_names(set->template_text, used);
            }
    }
    for (guint i = 0; i < s->constraints->len; i++) {
        const TsSweepConstraintBlock *b = s->constraints->pdata[i];
        for (guint k = 0; k < b->when_params->len; k++)
            g_ptr_array_add(
                used,
                g_strdup(
                    ((TsSweepParam *)s->params->pdata[GPOINTER_TO_INT(b->when_params->pdata[k])])
                        ->name));
        tree_names(b->targets, used);
        GPtrArray *bsets[] = {b->arch_sets, b->workload_sets};
        for (guint k = 0; k < 2; k++)
            for (guint j = 0; j < bsets[k]->len; j++)
                ts_sweep_template_names(((TsSweepSet *)bsets[k]->pdata[j])->template_text, used);
    }
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < s->params->len; i++) {
        TsSweepParam *p = s->params->pdata[i];
        gboolean referenced = FALSE;
        for (guint k = 0; k < used->len; k++)
            referenced |= strcmp(used->pdata[k], p->name) == 0;
        if (g_strv_contains(kOptionNames, p->name) && !(p->kinds & TS_SWEEP_KIND_WORKLOAD)) {
            p->kinds |= TS_SWEEP_KIND_OPTION;
            g_free(p->targets_text);
            p->targets_text = g_strdup_printf("workload option %s", p->name);
            continue;
        }
        if (p->kinds & (TS_SWEEP_KIND_ARCH | TS_SWEEP_KIND_WORKLOAD | TS_SWEEP_KIND_UNUSED))
            continue;
        g_autofree char *avar = declared_variable(s->arch_doc, p->name);
        g_autofree char *wvar = avar ? NULL : declared_variable(s->workload_doc, p->name);
        if (avar || wvar) {
            TsSweepSet *set = g_new0(TsSweepSet, 1);
            set->path = g_strdup(avar ? avar : wvar);
            set->node = p->node;
            g_ptr_array_add(avar ? p->arch_sets : p->workload_sets, set);
            p->kinds |= avar ? TS_SWEEP_KIND_ARCH_VAR : TS_SWEEP_KIND_WORKLOAD_VAR;
            g_free(p->targets_text);
            p->targets_text =
                g_strdup_printf("%s variable %s", avar ? "architecture" : "workload", set->path);
            continue;
        }
        if (referenced) {
            p->kinds |= TS_SWEEP_KIND_LABEL;
            g_free(p->targets_text);
            p->targets_text = g_strdup("read by constraint conditions or templates");
            continue;
        }
        ts_config_error(error, p->node, TS_CONFIG_ERROR_INVALID,
                        p->node ? NULL : "sweep.parameters",
                        "parameter %s changes nothing: give arch: or workload: key paths, name a "
                        "workload option (seq, batch, kv_len, phase, precision) or a variable "
                        "the architecture or workload declares, use it in a constraint "
                        "condition or ${template}, or say unused: REASON",
                        p->name);
        ok = FALSE;
    }
    for (guint k = 0; ok && k < used->len; k++) {
        const char *n = used->pdata[k];
        static const char *const fns[] = {"min",   "max", "ceil", "floor", "log2",
                                          "round", "int", "abs",  NULL};
        if (ts_sweep_param_index(s, n) < 0 && !g_strv_contains(fns, n)) {
            ts_config_error(error, s->doc->root, TS_CONFIG_ERROR_REFERENCE, "sweep",
                            "a template reads '%s', which is not a parameter", n);
            ok = FALSE;
        }
    }
    g_ptr_array_unref(used);
    return ok;
}
