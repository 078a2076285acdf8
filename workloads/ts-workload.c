/* TsWorkload: an ordered list of ops with interned names, built by the transformer builders or
 * loaded from YAML. ts_workload_load resolves a path or library name and dispatches on the
 * document's top-level key (`workload:` tilesim, `problem:` Timeloop); built-in model presets
 * load even without a library file. */
#include "ts-workload.h"

#include <stdarg.h>
#include <string.h>

#include "ts-library.h"
#include "ts-workload-private.h"

TsWorkload *ts_workload_new_empty(const char *name, TsWorkloadSource source, const char *path)
{
    TsWorkload *w = g_new0(TsWorkload, 1);
    w->name = g_strdup(name);
    w->path = g_strdup(path);
    w->source = source;
    w->ops = g_array_new(FALSE, TRUE, sizeof(TsOp));
    w->strings = g_string_chunk_new(256);
    w->notes = g_ptr_array_new_with_free_func(g_free);
    return w;
}

void ts_workload_free(TsWorkload *workload)
{
    if (workload == NULL)
        return;
    g_free(workload->name);
    g_free(workload->path);
    g_array_free(workload->ops, TRUE);
    g_string_chunk_free(workload->strings);
    g_ptr_array_free(workload->notes, TRUE);
    g_free(workload);
}

const char *ts_workload_intern(TsWorkload *workload, const char *text)
{
    return text ? g_string_chunk_insert_const(workload->strings, text) : NULL;
}

void ts_workload_add_note(TsWorkload *workload, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(workload->notes, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

gboolean ts_workload_append(TsWorkload *workload, const TsOp *op, const TsNode *node,
                            const char *path, GError **error)
{
    TsOp copy = *op;
    if (!ts_op_check(&copy, node, path, error))
        return FALSE;
    copy.name = ts_workload_intern(workload, copy.name);
    for (guint i = 0; i < copy.n_dims; i++)
        copy.dim_names[i] = ts_workload_intern(workload, copy.dim_names[i]);
    for (guint t = 0; t < copy.n_tensors; t++)
        copy.tensors[t].name = ts_workload_intern(workload, copy.tensors[t].name);
    g_array_append_val(workload->ops, copy);
    return TRUE;
}

gboolean ts_workload_finish(TsWorkload *workload, const TsNode *node, const char *path,
                            GError **error)
{
    uint64_t macs = 0, bytes = 0, work = 0, params = 0;
    for (guint i = 0; i < workload->ops->len; i++) {
        const TsOp *op = &g_array_index(workload->ops, TsOp, i);
        /* Per-op products were checked by ts_op_check. */
        if (!g_uint64_checked_add(&macs, macs, op->macs * op->count) ||
            !g_uint64_checked_add(&bytes, bytes, ts_op_bytes(op) * op->count) ||
            !g_uint64_checked_add(&work, work, ts_op_work(op) * op->count) ||
            !g_uint64_checked_add(&params, params, op->param_elements * op->count) ||
            macs > (uint64_t)G_MAXINT64 || bytes > (uint64_t)G_MAXINT64 ||
            work > (uint64_t)G_MAXINT64) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "workload totals overflow 64-bit counts at op '%s' (got %u ops)",
                            op->name, workload->ops->len);
            return FALSE;
        }
    }
    if (workload->ops->len == 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_MISSING, path, "workload has no ops (got 0)");
        return FALSE;
    }
    workload->total_macs = macs;
    workload->total_bytes = bytes;
    workload->total_work = work;
    workload->total_params = params;
    return TRUE;
}

/* ---- Accessors ---- */

const char *ts_workload_name(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, NULL);
    return workload->name;
}

guint ts_workload_n_ops(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->ops->len;
}

const TsOp *ts_workload_op(const TsWorkload *workload, guint index)
{
    g_return_val_if_fail(workload != NULL && index < workload->ops->len, NULL);
    return &g_array_index(workload->ops, TsOp, index);
}

const TsOp *ts_workload_find_op(const TsWorkload *workload, const char *name)
{
    g_return_val_if_fail(workload != NULL && name != NULL, NULL);
    for (guint i = 0; i < workload->ops->len; i++) {
        const TsOp *op = &g_array_index(workload->ops, TsOp, i);
        if (strcmp(op->name, name) == 0)
            return op;
    }
    return NULL;
}

TsWorkloadSource ts_workload_source(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, TS_WORKLOAD_SOURCE_OPS);
    return workload->source;
}

const char *ts_workload_path(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, NULL);
    return workload->path;
}

const TsTransformerConfig *ts_workload_transformer_config(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, NULL);
    return workload->has_config ? &workload->config : NULL;
}

uint64_t ts_workload_total_macs(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->total_macs;
}

uint64_t ts_workload_total_bytes(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->total_bytes;
}

uint64_t ts_workload_total_work(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->total_work;
}

uint64_t ts_workload_total_params(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->total_params;
}

guint ts_workload_n_notes(const TsWorkload *workload)
{
    g_return_val_if_fail(workload != NULL, 0);
    return workload->notes->len;
}

const char *ts_workload_note(const TsWorkload *workload, guint index)
{
    g_return_val_if_fail(workload != NULL && index < workload->notes->len, NULL);
    return g_ptr_array_index(workload->notes, index);
}

/* ---- Library and loading ---- */

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **ts_workload_library_names(void)
{
    g_auto(GStrv) files = ts_library_names(TS_LIBRARY_WORKLOAD);
    const char *const *models = ts_transformer_model_names();
    GPtrArray *all = g_ptr_array_new();
    for (guint i = 0; files && files[i]; i++)
        g_ptr_array_add(all, g_strdup(files[i]));
    for (guint i = 0; models[i]; i++)
        g_ptr_array_add(all, g_strdup(models[i]));
    g_ptr_array_sort(all, compare_strings);
    /* De-duplicate in place. */
    guint out = 0;
    for (guint i = 0; i < all->len; i++) {
        if (out > 0 && strcmp(g_ptr_array_index(all, out - 1), g_ptr_array_index(all, i)) == 0) {
            g_free(g_ptr_array_index(all, i));
            continue;
        }
        all->pdata[out++] = all->pdata[i];
    }
    g_ptr_array_set_size(all, out);
    g_ptr_array_add(all, NULL);
    return (char **)g_ptr_array_free(all, FALSE);
}

static gboolean is_builtin_model(const char *name)
{
    const char *const *models = ts_transformer_model_names();
    for (guint i = 0; models[i]; i++) {
        if (strcmp(models[i], name) == 0)
            return TRUE;
    }
    return strcmp(name, "gpt2") == 0;
}

static TsWorkload *build_builtin(const char *name, const TsWorkloadOverrides *overrides,
                                 GError **error)
{
    TsTransformerConfig cfg;
    if (!ts_transformer_config_init(&cfg, name, error))
        return NULL;
    if (overrides != NULL && !ts_transformer_apply_overrides(&cfg, overrides, error))
        return NULL;
    return ts_transformer_build(name, &cfg, error);
}

TsWorkload *ts_workload_load(const char *path_or_name, const TsWorkloadOverrides *overrides,
                             GError **error)
{
    g_return_val_if_fail(path_or_name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_autofree char *path = NULL;
    if (g_file_test(path_or_name, G_FILE_TEST_IS_REGULAR)) {
        path = g_strdup(path_or_name);
    } else {
        g_autoptr(GError) lib_error = NULL;
        path = ts_library_resolve(TS_LIBRARY_WORKLOAD, path_or_name, &lib_error);
        if (path == NULL) {
            if (is_builtin_model(path_or_name))
                return build_builtin(path_or_name, overrides, error);
            gboolean looks_like_path = strchr(path_or_name, '/') != NULL ||
                                       g_str_has_suffix(path_or_name, ".yaml") ||
                                       g_str_has_suffix(path_or_name, ".yml");
            if (looks_like_path) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                            "%s: cannot read workload file: no such file (got '%s')", path_or_name,
                            path_or_name);
                return NULL;
            }
            g_auto(GStrv) names = ts_workload_library_names();
            g_autofree char *hint = ts_config_suggest(path_or_name, (const char *const *)names);
            g_autofree char *list = g_strjoinv(", ", names);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                        "unknown workload '%s'%s: not a file nor a library name; library: %s "
                        "(got '%s')",
                        path_or_name, hint, list, path_or_name);
            return NULL;
        }
    }
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return NULL;
    return ts_workload_load_doc(doc, path, overrides, error);
}

TsWorkload *ts_workload_load_doc(const TsDoc *doc, const char *path,
                                 const TsWorkloadOverrides *overrides, GError **error)
{
    g_return_val_if_fail(doc != NULL && path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root, TS_CONFIG_ERROR_TYPE, NULL,
                        "%s: a workload file is a mapping with a top-level 'workload' (tilesim) "
                        "or 'problem' (Timeloop) key (got %s)",
                        path, root == NULL ? "an empty document" : "a scalar or list");
        return NULL;
    }
    if (ts_node_get(root, "problem") != NULL)
        return ts_timeloop_problem_load(doc, path, overrides, error);
    if (ts_node_get(root, "workload") != NULL)
        return ts_workload_yaml_load(doc, path, overrides, error);
    static const char *const keys[] = {"workload", "problem", NULL};
    const char *first = root->n ? ts_node_key(root, 0) : "";
    g_autofree char *hint = ts_config_suggest(first, keys);
    ts_config_error(error, root->n ? ts_node_key_node(root, 0) : root, TS_CONFIG_ERROR_MISSING,
                    NULL,
                    "not a workload: expected a top-level 'workload' (tilesim) or 'problem' "
                    "(Timeloop) key%s (got '%s')",
                    hint, first);
    return NULL;
}

gboolean ts_workload_fusion(const TsWorkload *workload, const char **group, const char **level,
                            const char **where)
{
    g_return_val_if_fail(workload != NULL, FALSE);
    if (group)
        *group = workload->fuse_group;
    if (level)
        *level = workload->fuse_level;
    if (where)
        *where = workload->fuse_where;
    return workload->fuse_group != NULL;
}
