/* Design points of a sweep: explicit points (an inline list or a JSON/YAML file such as the
 * Timeloop experiments' hw_configs.json, optionally replaced by the cross product of each
 * parameter's distinct values) times the combinations of the parameters that have value lists
 * (cross product with the first parameter varying slowest, or zip). Point i's values are
 * computed from i, never materialised, so a sweep of a million points costs no memory. */
#include <string.h>

#include "ts-file.h"
#include "ts-sweep-private.h"

static gboolean scalar_text(const TsNode *node, const char *path, const char **out, GError **error)
{
    if (node == NULL || node->kind != TS_NODE_SCALAR || ts_node_is_null(node)) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a value");
        return FALSE;
    }
    *out = node->value;
    return TRUE;
}

static char *param_names(const TsSweep *s, const char **names)
{
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < s->params->len; i++) {
        names[i] = ((TsSweepParam *)s->params->pdata[i])->name;
        g_string_append_printf(all, "%s%s", i ? ", " : "", names[i]);
    }
    names[s->params->len] = NULL;
    return g_string_free(all, FALSE);
}

/* Reads the list of explicit points. */
static gboolean read_points(TsSweep *s, const TsNode *list, const char *path, GError **error)
{
    if (list->kind != TS_NODE_SEQUENCE || list->n == 0) {
        ts_config_error(error, list, TS_CONFIG_ERROR_TYPE, path,
                        "expected a non-empty list of points ({PARAMETER: value, ...})");
        return FALSE;
    }
    guint np = s->params->len;
    const char **names = g_new0(const char *, np + 1);
    g_autofree char *all = param_names(s, names);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < list->n; i++) {
        const TsNode *pt = list->items[i];
        g_autofree char *pi = ts_path_index(path, i);
        if (pt->kind != TS_NODE_MAPPING) {
            ts_config_error(error, pt, TS_CONFIG_ERROR_TYPE, pi,
                            "expected a mapping of parameters to values");
            ok = FALSE;
            break;
        }
        TsSweepValue **row = g_new0(TsSweepValue *, np);
        g_ptr_array_add(s->explicit_points, row);
        for (guint k = 0; ok && k < pt->n; k++) {
            const char *key = ts_node_key(pt, k);
            g_autofree char *pk = ts_path_key(pi, key);
            int idx = ts_sweep_param_index(s, key);
            if (idx < 0) {
                g_autofree char *hint = ts_config_suggest(key, names);
                ts_config_error(error, ts_node_key_node(pt, k), TS_CONFIG_ERROR_REFERENCE, pk,
                                "'%s' is not a parameter of the sweep%s: declare it under "
                                "sweep.parameters with what it sets (parameters: %s)",
                                key, hint, all);
                ok = FALSE;
                break;
            }
            TsSweepParam *p = s->params->pdata[idx];
            if (p->values != NULL) {
                ts_config_error(error, ts_node_key_node(pt, k), TS_CONFIG_ERROR_INVALID, pk,
                                "parameter %s has a value list in the sweep file and a value in "
                                "the points: give one",
                                key);
                ok = FALSE;
                break;
            }
            const char *t = NULL;
            if (!scalar_text(ts_node_value(pt, k), pk, &t, error)) {
                ok = FALSE;
                break;
            }
            row[idx] = ts_sweep_value_new(s, t, ts_node_value(pt, k));
            p->in_points = TRUE;
        }
    }
    g_free(names);
    if (!ok)
        return FALSE;
    /* every point must give every point parameter that has no default */
    for (guint i = 0; i < s->explicit_points->len; i++) {
        TsSweepValue **row = s->explicit_points->pdata[i];
        for (guint k = 0; k < np; k++) {
            TsSweepParam *p = s->params->pdata[k];
            if (!p->in_points || row[k] != NULL || p->default_value != NULL)
                continue;
            g_autofree char *pi = ts_path_index(path, i);
            ts_config_error(error, list->items[i], TS_CONFIG_ERROR_MISSING, pi,
                            "point gives no %s (other points do; give it, or a default in "
                            "sweep.parameters.%s)",
                            p->name, p->name);
            return FALSE;
        }
    }
    return TRUE;
}

/* Explicit points -> the cross product of each point parameter's distinct values (first
 * appearance order; parameters in declaration order, the first varying slowest). */
static gboolean cross_points(TsSweep *s, GError **error)
{
    guint np = s->params->len;
    GPtrArray *distinct[np];
    double total = 1;
    for (guint k = 0; k < np; k++) {
        distinct[k] = g_ptr_array_new();
        TsSweepParam *p = s->params->pdata[k];
        if (!p->in_points)
            continue;
        for (guint i = 0; i < s->explicit_points->len; i++) {
            TsSweepValue *v = ((TsSweepValue **)s->explicit_points->pdata[i])[k];
            if (v == NULL)
                v = p->default_value;
            gboolean seen = FALSE;
            for (guint j = 0; j < distinct[k]->len && !seen; j++)
                seen = strcmp(((TsSweepValue *)distinct[k]->pdata[j])->text, v->text) == 0;
            if (!seen)
                g_ptr_array_add(distinct[k], v);
        }
        total *= distinct[k]->len;
    }
    gboolean ok = total <= TS_SWEEP_MAX_POINTS;
    if (!ok)
        ts_config_error(error, s->doc->root, TS_CONFIG_ERROR_LIMIT, "sweep.cross",
                        "the cross product of the points' values has %.0f points, over the limit "
                        "of %u",
                        total, TS_SWEEP_MAX_POINTS);
    GPtrArray *rows = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; ok && i < (guint)total; i++) {
        TsSweepValue **row = g_new0(TsSweepValue *, np);
        guint rest = i;
        for (guint k = np; k-- > 0;) {
            if (distinct[k]->len == 0)
                continue;
            row[k] = distinct[k]->pdata[rest % distinct[k]->len];
            rest /= distinct[k]->len;
        }
        g_ptr_array_add(rows, row);
    }
    for (guint k = 0; k < np; k++)
        g_ptr_array_free(distinct[k], TRUE);
    if (!ok) {
        g_ptr_array_unref(rows);
        return FALSE;
    }
    g_ptr_array_unref(s->explicit_points);
    s->explicit_points = rows;
    return TRUE;
}

gboolean ts_sweep_points_setup(TsSweep *s, const TsNode *map, const TsSweepLoadOptions *options,
                               GError **error)
{
    s->explicit_points = g_ptr_array_new_with_free_func(g_free);
    s->value_params = g_array_new(FALSE, FALSE, sizeof(guint));
    const TsNode *combine = ts_node_get(map, "combine");
    if (combine != NULL) {
        const char *t = NULL;
        if (!scalar_text(combine, "sweep.combine", &t, error))
            return FALSE;
        if (strcmp(t, "zip") == 0) {
            s->zip = TRUE;
        } else if (strcmp(t, "cross") != 0) {
            ts_config_error(error, combine, TS_CONFIG_ERROR_REFERENCE, "sweep.combine",
                            "expected cross or zip (got '%s')", t);
            return FALSE;
        }
    }
    const TsNode *points = ts_node_get(map, "points");
    const char *ppath = "sweep.points";
    if (options->points_path != NULL) {
        s->points_path = g_strdup(options->points_path);
        ppath = "";
    } else if (points != NULL && points->kind == TS_NODE_SCALAR) {
        s->points_path =
            ts_sweep_resolve_file(s, TS_LIBRARY_ARCH, FALSE, points->value, points, ppath, error);
        if (s->points_path == NULL)
            return FALSE;
        ppath = "";
    }
    if (s->points_path != NULL) {
        gsize len = 0;
        if (!ts_file_read(s->points_path, 0, &s->points_text, &len, error))
            return FALSE;
        /* JSON is read as YAML (a JSON list of objects is a YAML flow sequence). */
        s->points_doc =
            ts_doc_load_string(s->points_path, s->points_text, (gssize)len, NULL, error);
        if (s->points_doc == NULL)
            return FALSE;
        points = s->points_doc->root;
        if (points == NULL) {
            ts_config_error(error, NULL, TS_CONFIG_ERROR_TYPE, s->points_path,
                            "the points file is empty");
            return FALSE;
        }
    }
    if (points != NULL && !read_points(s, points, ppath, error))
        return FALSE;
    if (points == NULL && options->cross) {
        /* --cross without explicit points: value lists combine by cross product anyway */
        s->zip = FALSE;
    }
    if (points != NULL && options->cross && !cross_points(s, error))
        return FALSE;
    if (s->explicit_points->len == 0)
        g_ptr_array_add(s->explicit_points, g_new0(TsSweepValue *, s->params->len));

    double combos = 1;
    guint zip_len = 0;
    const TsSweepParam *zip_first = NULL;
    for (guint k = 0; k < s->params->len; k++) {
        TsSweepParam *p = s->params->pdata[k];
        if (p->values == NULL) {
            if (!p->in_points && p->default_value == NULL) {
                ts_config_error(error, p->node, TS_CONFIG_ERROR_MISSING,
                                p->node ? NULL : "sweep.parameters",
                                "parameter %s has no values: give values or range, set it in "
                                "the points, or give a default",
                                p->name);
                return FALSE;
            }
            continue;
        }
        g_array_append_val(s->value_params, k);
        if (s->zip) {
            if (zip_first != NULL && p->values->len != zip_len) {
                ts_config_error(error, p->node, TS_CONFIG_ERROR_INVALID, NULL,
                                "combine: zip needs value lists of one length: %s has %u values, "
                                "%s has %u",
                                zip_first->name, zip_len, p->name, p->values->len);
                return FALSE;
            }
            zip_first = zip_first ? zip_first : p;
            zip_len = p->values->len;
        } else {
            combos *= p->values->len;
        }
    }
    if (s->zip && zip_first != NULL)
        combos = zip_len;
    /* strides of the cross product: the last value parameter varies fastest */
    double stride = 1;
    for (guint i = s->value_params->len; i-- > 0;) {
        TsSweepParam *p = s->params->pdata[g_array_index(s->value_params, guint, i)];
        p->stride = (guint)MIN(stride, (double)G_MAXUINT);
        stride *= p->values->len;
    }
    double total = combos * s->explicit_points->len;
    if (total > TS_SWEEP_MAX_POINTS) {
        ts_config_error(error, map, TS_CONFIG_ERROR_LIMIT, "sweep",
                        "%.0f design points (%u explicit x %.0f combinations), over the limit of "
                        "%u: narrow the ranges or zip lists",
                        total, s->explicit_points->len, combos, TS_SWEEP_MAX_POINTS);
        return FALSE;
    }
    s->n_combos = (guint)combos;
    s->n_points = (guint)total;
    return TRUE;
}

const TsSweepValue *ts_sweep_value(const TsSweep *s, guint point, guint param)
{
    g_return_val_if_fail(s != NULL && point < s->n_points && param < s->params->len, NULL);
    const TsSweepParam *p = s->params->pdata[param];
    guint combo = point % s->n_combos;
    if (p->values != NULL) {
        guint idx = s->zip ? combo : (combo / p->stride) % p->values->len;
        return p->values->pdata[idx];
    }
    TsSweepValue **row = s->explicit_points->pdata[point / s->n_combos];
    return row[param] != NULL ? row[param] : p->default_value;
}
