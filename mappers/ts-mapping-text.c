/* Human views of a mapping: the loop nest as Timeloop's map.txt prints it (levels outermost
 * first, each with its tiles and its non-trivial loops, spatial loops marked Spatial-X/Y),
 * and a directive-by-directive difference of two mappings for `tilesim compare`. */
#include "ts-mapping.h"

#include <string.h>

#include "ts-mapping-private.h"
#include "ts-model-private.h"

static const char *dname(const TsOp *op, guint d)
{
    return d < op->n_dims && op->dim_names[d] ? op->dim_names[d] : "?";
}

/* Footprint of tensor t for per-dimension extents, straight from the op's projections. */
static uint64_t footprint(const TsOp *op, guint t, const uint64_t *ext)
{
    uint64_t size = 1;
    const TsTensor *tensor = &op->tensors[t];
    for (guint r = 0; r < tensor->n_ranks && r < TS_MAX_RANKS; r++) {
        const TsProjection *p = &tensor->ranks[r];
        uint64_t e = 1;
        for (guint k = 0; k < p->n_terms && k < TS_MAX_TERMS; k++) {
            if (p->dim[k] >= op->n_dims)
                continue;
            int64_t c = p->coef[k] < 0 ? -p->coef[k] : p->coef[k];
            e += (uint64_t)c * (ext[p->dim[k]] - 1);
        }
        size *= e;
    }
    return size;
}

uint32_t ts_mapping_levels_x_outer(const TsMappingLevels *levels)
{
    uint32_t mask = 0;
    for (guint l = 0; l < levels->n_levels; l++) {
        if (levels->n_stages[l] != 2)
            continue;
        const TsFanoutStage *a = &levels->stages[l][0], *b = &levels->stages[l][1];
        if (a->mesh_y == 1 && b->mesh_x == 1)
            mask |= 1u << l;
    }
    return mask;
}

void ts_mapping_residuals(const TsMapping *m, const TsOp *op, uint32_t x_outer, guint d,
                          uint32_t residual[TS_ARCH_MAX_LEVELS][3])
{
    uint64_t inner[TS_ARCH_MAX_LEVELS][3], below = 1;
    for (guint l = m->n_levels; l-- > 0;) {
        /* Nest order, outermost first: per level the temporal loop, then the outer
         * container's axis (Y unless x_outer), then the inner one. */
        const guint *order =
            (x_outer >> l & 1u) ? (const guint[]){0, 1, 2} : (const guint[]){0, 2, 1};
        const TsMappingLevel *ml = &m->level[l];
        const uint32_t f[3] = {ml->temporal[d], ml->spatial_x[d], ml->spatial_y[d]};
        for (guint i = 3; i-- > 0;) {
            inner[l][order[i]] = below;
            below *= MAX(f[order[i]], 1u);
        }
    }
    uint64_t remaining = op->dims[d];
    for (guint l = 0; l < m->n_levels; l++) {
        const guint *order =
            (x_outer >> l & 1u) ? (const guint[]){0, 1, 2} : (const guint[]){0, 2, 1};
        const TsMappingLevel *ml = &m->level[l];
        const uint32_t f[3] = {ml->temporal[d], ml->spatial_x[d], ml->spatial_y[d]};
        for (guint i = 0; i < 3; i++) {
            const guint k = order[i];
            const uint64_t sub = inner[l][k];
            uint64_t it = remaining == 0 ? 0 : (remaining + sub - 1) / sub;
            if (it > f[k])
                it = f[k];
            residual[l][k] = (uint32_t)it;
            if (it > 0)
                remaining -= (it - 1) * sub;
            if (remaining > sub)
                remaining = sub;
        }
    }
}

static gboolean shape_ok(const TsMapping *m, const TsMappingLevels *levels, const TsOp *op)
{
    if (m->n_levels != levels->n_levels || m->n_dims != op->n_dims || op->n_dims == 0 ||
        op->n_dims > TS_MAX_DIMS || m->n_levels == 0 || m->n_levels > TS_ARCH_MAX_LEVELS ||
        op->n_tensors > TS_MAX_TENSORS)
        return FALSE;
    for (guint l = 0; l < m->n_levels; l++) {
        for (guint i = 0; i < op->n_dims; i++)
            if (m->level[l].permutation[i] >= op->n_dims ||
                m->level[l].spatial_permutation[i] >= op->n_dims)
                return FALSE;
    }
    return TRUE;
}

char *ts_mapping_nest_text(const TsMapping *mapping, const TsMappingLevels *levels, const TsOp *op,
                           const TsModel *model)
{
    if (!shape_ok(mapping, levels, op))
        return g_strdup_printf("(mapping shape %u levels x %u dims does not match the "
                               "architecture and op)\n",
                               mapping->n_levels, mapping->n_dims);
    const guint nl = mapping->n_levels, nd = op->n_dims;
    GString *s = g_string_new(NULL);
    guint depth = 0;
    for (guint l = 0; l < nl; l++) {
        const TsMappingLevel *ml = &mapping->level[l];
        uint64_t ext[TS_MAX_DIMS];
        for (guint d = 0; d < nd; d++) {
            ext[d] = 1;
            for (guint k = l; k < nl; k++)
                ext[d] *= (uint64_t)mapping->level[k].temporal[d] * mapping->level[k].spatial_x[d] *
                          mapping->level[k].spatial_y[d];
            ext[d] = MIN(ext[d], op->dims[d]); /* imperfect factors: the largest tile */
        }
        uint32_t res[TS_MAX_DIMS][3];
        for (guint d = 0; d < nd; d++) {
            uint32_t all[TS_ARCH_MAX_LEVELS][3];
            ts_mapping_residuals(mapping, op, ts_mapping_levels_x_outer(levels), d, all);
            memcpy(res[d], all[l], sizeof res[d]);
        }
        GString *head = g_string_new(NULL);
        g_string_append_printf(head, "%s [ ", levels->names[l] ? levels->names[l] : "?");
        for (guint t = 0; t < op->n_tensors; t++) {
            if (!(ml->keep >> t & 1u))
                continue;
            uint64_t e = footprint(op, t, ext);
            g_string_append_printf(head, "%s:%" G_GUINT64_FORMAT,
                                   op->tensors[t].name ? op->tensors[t].name : "?", e);
            if (model != NULL && model->n_levels == nl && t < model->n_tensors)
                g_string_append_printf(head, " (%" G_GUINT64_FORMAT ")",
                                       ts_model_words(model, l, t, e));
            g_string_append_c(head, ' ');
        }
        g_string_append(head, "] ");
        g_string_append_printf(s, "\n%s\n", head->str);
        for (gsize i = 0; i + 1 < head->len; i++)
            g_string_append_c(s, '-');
        g_string_append_c(s, '\n');
        g_string_free(head, TRUE);

        guint n_temporal = 0;
        for (guint i = nd; i-- > 0;) {
            guint d = ml->permutation[i];
            if (ml->temporal[d] > 1) {
                g_string_append_printf(s, "|%*s for %s in [0:%u", (int)(2 * depth), "",
                                       dname(op, d), ml->temporal[d]);
                if (res[d][0] != ml->temporal[d])
                    g_string_append_printf(s, ",%u", res[d][0]);
                g_string_append(s, ")\n");
                depth++;
                n_temporal++;
            }
        }
        if (n_temporal == 0) {
            /* Timeloop gives every level at least one temporal loop: a trivial one over the
             * op's last dimension. */
            g_string_append_printf(s, "|%*s for %s in [0:1)\n", (int)(2 * depth), "",
                                   dname(op, nd - 1));
            depth++;
        }
        for (guint axis = 0; axis < 2; axis++) {
            const uint32_t *f = axis == 0 ? ml->spatial_y : ml->spatial_x;
            for (guint i = nd; i-- > 0;) {
                guint d = ml->spatial_permutation[i];
                if (f[d] > 1) {
                    const uint32_t r = res[d][axis == 0 ? 2 : 1];
                    g_string_append_printf(s, "|%*s for %s in [0:%u", (int)(2 * depth), "",
                                           dname(op, d), f[d]);
                    if (r != f[d])
                        g_string_append_printf(s, ",%u", r);
                    g_string_append_printf(s, ") (Spatial-%c)\n", axis == 0 ? 'Y' : 'X');
                    depth++;
                }
            }
        }
    }
    g_string_append_c(s, '\n'); /* Timeloop's map.txt ends with an empty line */
    return g_string_free(s, FALSE);
}

static char *describe_temporal(const TsMappingLevel *ml, const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint i = op->n_dims; i-- > 0;) {
        guint d = ml->permutation[i];
        if (ml->temporal[d] > 1)
            g_string_append_printf(s, "%s%s%u", s->len ? " " : "", dname(op, d), ml->temporal[d]);
    }
    if (s->len == 0)
        g_string_append(s, "-");
    else
        g_string_append(s, " (outermost first)");
    return g_string_free(s, FALSE);
}

static char *describe_spatial(const TsMappingLevel *ml, const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint axis = 0; axis < 2; axis++) {
        const uint32_t *f = axis == 0 ? ml->spatial_x : ml->spatial_y;
        GString *part = g_string_new(NULL);
        for (guint i = 0; i < op->n_dims; i++) {
            guint d = ml->spatial_permutation[i];
            if (f[d] > 1)
                g_string_append_printf(part, "%s%s%u", part->len ? " " : "", dname(op, d), f[d]);
        }
        if (part->len)
            g_string_append_printf(s, "%s%c: %s", s->len ? ", " : "", axis == 0 ? 'X' : 'Y',
                                   part->str);
        g_string_free(part, TRUE);
    }
    if (s->len == 0)
        g_string_append(s, "-");
    return g_string_free(s, FALSE);
}

static char *describe_keep(const TsMappingLevel *ml, const TsOp *op)
{
    GString *s = g_string_new("keep");
    gboolean any = FALSE;
    for (guint t = 0; t < op->n_tensors; t++) {
        if (ml->keep >> t & 1u) {
            g_string_append_printf(s, "%s%s", any ? ", " : " ",
                                   op->tensors[t].name ? op->tensors[t].name : "?");
            any = TRUE;
        }
    }
    if (!any)
        g_string_append(s, " nothing");
    return g_string_free(s, FALSE);
}

char *ts_mapping_diff_text(const TsMapping *a, const TsMapping *b, const TsMappingLevels *levels,
                           const TsOp *op)
{
    if (!shape_ok(a, levels, op) || !shape_ok(b, levels, op))
        return g_strdup("the mappings do not have the architecture's and op's shape\n");
    GString *s = g_string_new(NULL);
    typedef char *(*Describe)(const TsMappingLevel *, const TsOp *);
    static const Describe describe[3] = {describe_temporal, describe_spatial, describe_keep};
    static const char *const kinds[3] = {"temporal", "spatial", "datatype"};
    for (guint l = 0; l < a->n_levels; l++) {
        for (guint k = 0; k < 3; k++) {
            g_autofree char *x = describe[k](&a->level[l], op);
            g_autofree char *y = describe[k](&b->level[l], op);
            if (strcmp(x, y) != 0)
                g_string_append_printf(s, "%s %s: %s | %s\n", levels->names[l], kinds[k], x, y);
        }
    }
    return g_string_free(s, FALSE);
}
