/* Mapping basics: the trivial mapping, semantic equality, and the public entry points of the
 * reader, writer and text views, which resolve level names from an arch or a model and call
 * the implementations in ts-mapping-yaml.c and ts-mapping-text.c. */
#include "ts-mapping.h"

#include <string.h>

#include "ts-mapping-private.h"
#include "ts-model-private.h"

void ts_mapping_init(TsMapping *mapping, guint n_levels, const TsOp *op)
{
    g_return_if_fail(mapping != NULL && op != NULL);
    g_return_if_fail(n_levels >= 1 && n_levels <= TS_ARCH_MAX_LEVELS);
    g_return_if_fail(op->n_dims <= TS_MAX_DIMS && op->n_tensors <= TS_MAX_TENSORS);
    memset(mapping, 0, sizeof *mapping);
    mapping->n_levels = (uint8_t)n_levels;
    mapping->n_dims = op->n_dims;
    for (guint l = 0; l < n_levels; l++) {
        TsMappingLevel *ml = &mapping->level[l];
        for (guint d = 0; d < TS_MAX_DIMS; d++) {
            ml->temporal[d] = 1;
            ml->spatial_x[d] = 1;
            ml->spatial_y[d] = 1;
            ml->permutation[d] = (uint8_t)d;
            ml->spatial_permutation[d] = (uint8_t)d;
        }
        ml->keep = (uint8_t)((1u << op->n_tensors) - 1u);
    }
    for (guint d = 0; d < op->n_dims; d++)
        mapping->level[0].temporal[d] = (uint32_t)MIN(op->dims[d], (uint64_t)UINT32_MAX);
}

/* Dims of the non-trivial loops of one kind, innermost first. */
static guint nontrivial(const uint8_t *order, const uint32_t *factors, guint nd, uint8_t *out)
{
    guint n = 0;
    for (guint i = 0; i < nd; i++) {
        uint8_t d = order[i];
        if (d < nd && factors[d] > 1)
            out[n++] = d;
    }
    return n;
}

gboolean ts_mapping_equal(const TsMapping *a, const TsMapping *b)
{
    g_return_val_if_fail(a != NULL && b != NULL, FALSE);
    if (a->n_levels != b->n_levels || a->n_dims != b->n_dims)
        return FALSE;
    const guint nd = MIN(a->n_dims, (uint8_t)TS_MAX_DIMS);
    for (guint l = 0; l < a->n_levels && l < TS_ARCH_MAX_LEVELS; l++) {
        const TsMappingLevel *x = &a->level[l], *y = &b->level[l];
        if (x->keep != y->keep)
            return FALSE;
        for (guint d = 0; d < nd; d++) {
            if (x->temporal[d] != y->temporal[d] || x->spatial_x[d] != y->spatial_x[d] ||
                x->spatial_y[d] != y->spatial_y[d])
                return FALSE;
        }
        uint8_t ox[TS_MAX_DIMS], oy[TS_MAX_DIMS];
        guint nx = nontrivial(x->permutation, x->temporal, nd, ox);
        guint ny = nontrivial(y->permutation, y->temporal, nd, oy);
        if (nx != ny || memcmp(ox, oy, nx) != 0)
            return FALSE;
        nx = nontrivial(x->spatial_permutation, x->spatial_x, nd, ox);
        ny = nontrivial(y->spatial_permutation, y->spatial_x, nd, oy);
        if (nx != ny || memcmp(ox, oy, nx) != 0)
            return FALSE;
        nx = nontrivial(x->spatial_permutation, x->spatial_y, nd, ox);
        ny = nontrivial(y->spatial_permutation, y->spatial_y, nd, oy);
        if (nx != ny || memcmp(ox, oy, nx) != 0)
            return FALSE;
    }
    return TRUE;
}

void ts_mapping_levels_from_arch(TsMappingLevels *out, const TsArch *arch)
{
    memset(out, 0, sizeof *out);
    guint n = MIN(ts_arch_n_storage(arch), (guint)TS_ARCH_MAX_LEVELS);
    out->n_levels = n;
    for (guint l = 0; l < n; l++) {
        const TsLevel *lv = ts_arch_storage(arch, l);
        out->names[l] = lv->name;
        out->fanout_x[l] = lv->fanout_x ? lv->fanout_x : 1;
        out->fanout_y[l] = lv->fanout_y ? lv->fanout_y : 1;
        out->n_stages[l] = MIN(lv->n_stages, (uint8_t)TS_MAX_FANOUT_STAGES);
        memcpy(out->stages[l], lv->stages, sizeof out->stages[l]);
    }
    const TsLevel *c = ts_arch_compute(arch);
    out->compute_name = c ? c->name : NULL;
}

void ts_mapping_levels_from_model(TsMappingLevels *out, const TsModel *model)
{
    memset(out, 0, sizeof *out);
    out->n_levels = model->n_levels;
    for (guint l = 0; l < model->n_levels; l++) {
        const TsLevel *lv = &model->level[l].spec;
        out->names[l] = lv->name;
        out->fanout_x[l] = lv->fanout_x;
        out->fanout_y[l] = lv->fanout_y;
        out->n_stages[l] = MIN(lv->n_stages, (uint8_t)TS_MAX_FANOUT_STAGES);
        memcpy(out->stages[l], lv->stages, sizeof out->stages[l]);
    }
    out->compute_name = model->compute.name;
}

gboolean ts_mapping_from_node(const TsNode *node, const TsArch *arch, const TsOp *op,
                              TsMapping *out, GError **error)
{
    g_return_val_if_fail(arch != NULL && op != NULL && out != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    TsMappingLevels levels;
    ts_mapping_levels_from_arch(&levels, arch);
    return ts_mapping_parse(node, &levels, op, out, error);
}

gboolean ts_mapping_load(const char *path, const TsArch *arch, const TsOp *op, TsMapping *out,
                         GError **error)
{
    g_return_val_if_fail(path != NULL && arch != NULL && op != NULL && out != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    if (doc->root == NULL) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, NULL,
                        "%s: empty document: expected a `mapping:` list", path);
        return FALSE;
    }
    return ts_mapping_from_node(doc->root, arch, op, out, error);
}

gboolean ts_mapping_load_string(const char *name, const char *text, const TsArch *arch,
                                const TsOp *op, TsMapping *out, GError **error)
{
    g_return_val_if_fail(name != NULL && text != NULL, FALSE);
    g_return_val_if_fail(arch != NULL && op != NULL && out != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    g_autoptr(TsDoc) doc = ts_doc_load_string(name, text, -1, NULL, error);
    if (doc == NULL)
        return FALSE;
    if (doc->root == NULL) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, NULL,
                        "%s: empty document: expected a `mapping:` list", name);
        return FALSE;
    }
    return ts_mapping_from_node(doc->root, arch, op, out, error);
}

static gboolean directive_is(const TsNode *dir, const char *level_name, const char *type)
{
    const TsNode *t = ts_node_get(dir, "target");
    if (t == NULL || t->kind != TS_NODE_SCALAR || strcmp(t->value, level_name) != 0)
        return FALSE;
    if (type == NULL)
        return TRUE;
    const TsNode *y = ts_node_get(dir, "type");
    if (y == NULL || y->kind != TS_NODE_SCALAR)
        return FALSE;
    if (strcmp(type, "datatype") == 0 && strcmp(y->value, "bypass") == 0)
        return TRUE;
    return strcmp(y->value, type) == 0;
}

char *ts_mapping_locate(const char *path, const char *level_name, const char *type)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, NULL);
    if (doc == NULL || doc->root == NULL)
        return NULL;
    const TsNode *list = doc->root;
    if (list->kind == TS_NODE_MAPPING)
        list = ts_node_get(list, "mapping");
    if (list == NULL || list->kind != TS_NODE_SEQUENCE)
        return NULL;
    if (level_name != NULL) {
        for (guint pass = 0; pass < 2; pass++) {
            if (pass == 1 && type == NULL)
                break;
            for (guint i = 0; i < list->n; i++) {
                const TsNode *dir = list->items[i];
                if (dir->kind == TS_NODE_MAPPING &&
                    directive_is(dir, level_name, pass == 0 ? type : NULL))
                    return g_strdup_printf("%s:%u:%u: mapping[%u]", doc->filename, dir->line,
                                           dir->col, i);
            }
        }
    }
    return g_strdup_printf("%s:%u:%u: mapping", doc->filename, list->line, list->col);
}

char *ts_mapping_to_yaml(const TsMapping *mapping, const TsArch *arch, const TsOp *op,
                         GError **error)
{
    g_return_val_if_fail(mapping != NULL && arch != NULL && op != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_arch(&levels, arch);
    return ts_mapping_write(mapping, &levels, op, error);
}

char *ts_mapping_format_nest(const TsMapping *mapping, const TsArch *arch, const TsOp *op)
{
    g_return_val_if_fail(mapping != NULL && arch != NULL && op != NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_arch(&levels, arch);
    g_autoptr(TsModel) model = ts_model_new(arch, op, NULL);
    return ts_mapping_nest_text(mapping, &levels, op, model);
}

char *ts_mapping_diff(const TsMapping *a, const TsMapping *b, const TsArch *arch, const TsOp *op)
{
    g_return_val_if_fail(a != NULL && b != NULL && arch != NULL && op != NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_arch(&levels, arch);
    return ts_mapping_diff_text(a, b, &levels, op);
}

char *ts_model_mapping_yaml(const TsModel *model, const TsMapping *mapping, GError **error)
{
    g_return_val_if_fail(model != NULL && mapping != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_model(&levels, model);
    return ts_mapping_write(mapping, &levels, model->op, error);
}

char *ts_model_format_nest(const TsModel *model, const TsMapping *mapping)
{
    g_return_val_if_fail(model != NULL && mapping != NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_model(&levels, model);
    return ts_mapping_nest_text(mapping, &levels, model->op, model);
}

char *ts_model_mapping_diff(const TsModel *model, const TsMapping *a, const TsMapping *b)
{
    g_return_val_if_fail(model != NULL && a != NULL && b != NULL, NULL);
    TsMappingLevels levels;
    ts_mapping_levels_from_model(&levels, model);
    return ts_mapping_diff_text(a, b, &levels, model->op);
}
