/* Data residency rules (see ts-residency.h and docs/pim.md): which tensors live in which
 * level, the rules they add to the map space, the per-mapping check the model runs, and the
 * messages. The one-time load is costed by the model (ts-model.c) from these homes. */
#include "ts-residency.h"

#include <string.h>

/* Residency role bit (TsLevel.resident) of a tensor role, 0 for per-inference data. */
static uint8_t role_bit(TsTensorRole role)
{
    switch (role) {
    case TS_TENSOR_PARAMETERS:
        return TS_RESIDENT_PARAMETERS;
    case TS_TENSOR_KV_CACHE:
        return TS_RESIDENT_KV_CACHE;
    case TS_TENSOR_DATA:
    case TS_TENSOR_ROLE_COUNT_:
        break;
    }
    return 0;
}

void ts_residency_init(TsResidency *res, const TsArch *arch, const TsOp *op)
{
    g_return_if_fail(res != NULL && arch != NULL && op != NULL);
    memset(res, 0, sizeof *res);
    res->n_tensors = MIN(op->n_tensors, (uint8_t)TS_MAX_TENSORS);
    for (guint t = 0; t < TS_MAX_TENSORS; t++)
        res->home[t] = -1;
    guint n = MIN(ts_arch_n_storage(arch), (guint)TS_ARCH_MAX_LEVELS);
    for (guint t = 0; t < res->n_tensors; t++) {
        const TsTensor *ts = &op->tensors[t];
        for (guint r = 0; r < ts->n_ranks; r++)
            for (guint k = 0; k < ts->ranks[r].n_terms; k++)
                if (ts->ranks[r].coef[k] != 0)
                    res->dim_mask[t] |= 1u << ts->ranks[r].dim[k];
        uint8_t bit = role_bit(ts->role);
        for (guint l = 0; l < n && bit != 0; l++) {
            if (ts_arch_storage(arch, l)->resident & bit) {
                res->home[t] = (int8_t)l;
                break;
            }
        }
    }
    for (guint l = 0; l < n; l++)
        if (ts_arch_storage(arch, l)->link_landing)
            res->landing |= (uint8_t)(1u << l);
}

gboolean ts_residency_active(const TsResidency *res)
{
    g_return_val_if_fail(res != NULL, FALSE);
    if (res->landing != 0)
        return TRUE;
    for (guint t = 0; t < res->n_tensors; t++)
        if (res->home[t] >= 0)
            return TRUE;
    return FALSE;
}

static char *where_of(const TsNode *n)
{
    if (n == NULL || n->doc == NULL)
        return g_strdup("a constraint");
    return g_strdup_printf("the constraint at %s:%u:%u", n->doc->filename, n->line, n->col);
}

gboolean ts_residency_apply_rules(const TsResidency *res, const TsSpaceArch *space, const TsOp *op,
                                  TsRules *rules, GError **error)
{
    g_return_val_if_fail(res != NULL && space != NULL && op != NULL && rules != NULL, FALSE);
    const guint nl = MIN(space->n_levels, (guint)TS_ARCH_MAX_LEVELS);
    for (guint t = 0; t < res->n_tensors; t++) {
        const uint8_t bit = (uint8_t)(1u << t);
        const char *tn = op->tensors[t].name ? op->tensors[t].name : "?";
        const int h = res->home[t];
        if (h >= 0 && (guint)h < nl) {
            for (guint l = 0; l < (guint)h; l++) {
                TsLevelRules *lr = &rules->level[l];
                if (lr->keep & bit) {
                    g_autofree char *w = where_of(lr->keep_where);
                    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                                "%s keeps %s at %s, but %s (%s) lives in %s (the architecture's "
                                "resident: list): levels above its home bypass it",
                                w, tn, space->level[l].name, tn,
                                ts_tensor_role_name(op->tensors[t].role), space->level[h].name);
                    return FALSE;
                }
                lr->bypass |= bit;
                for (guint d = 0; d < op->n_dims; d++) {
                    if (!(res->dim_mask[t] >> d & 1u))
                        continue;
                    TsFactorRule *fr = &lr->temporal[d];
                    if ((fr->exact != 0 && fr->exact != 1) || fr->min > 1) {
                        g_autofree char *w = where_of(fr->where);
                        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                                    "%s asks for a temporal factor of %s above %s at %s, but %s "
                                    "is resident in %s: its home holds the whole partition, so "
                                    "no loop above it walks %s",
                                    w, op->dim_names[d] ? op->dim_names[d] : "?",
                                    space->level[h].name, space->level[l].name, tn,
                                    space->level[h].name,
                                    op->dim_names[d] ? op->dim_names[d] : "?");
                        return FALSE;
                    }
                    fr->exact = 1;
                    fr->min = fr->max = 1;
                }
            }
            TsLevelRules *hr = &rules->level[h];
            if (hr->bypass & bit) {
                g_autofree char *w = where_of(hr->keep_where);
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                            "%s bypasses %s at %s, its home (the architecture's resident: list)", w,
                            tn, space->level[h].name);
                return FALSE;
            }
            hr->keep |= bit;
            continue;
        }
        for (guint l = 0; l < nl; l++) {
            if (!(res->landing >> l & 1u))
                continue;
            TsLevelRules *lr = &rules->level[l];
            if (lr->bypass & bit) {
                g_autofree char *w = where_of(lr->keep_where);
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                            "%s bypasses %s at %s, but %s comes over the host link above %s "
                            "and lands there (the only physical path)",
                            w, tn, space->level[l].name, tn, space->level[l].name);
                return FALSE;
            }
            lr->keep |= bit;
        }
    }
    return TRUE;
}

gboolean ts_residency_check(const TsResidency *res, const TsMapping *map, int *level, int *tensor,
                            int *dim)
{
    *level = *tensor = *dim = -1;
    const guint nl = map->n_levels;
    for (guint t = 0; t < res->n_tensors; t++) {
        const uint8_t bit = (uint8_t)(1u << t);
        const int h = res->home[t];
        int backing = -1;
        if (h >= 0 && (guint)h < nl) {
            for (guint l = 0; l < (guint)h; l++) {
                if (map->level[l].keep & bit) {
                    *level = (int)l;
                    *tensor = (int)t;
                    return FALSE;
                }
                for (guint d = 0; d < map->n_dims; d++) {
                    if ((res->dim_mask[t] >> d & 1u) && map->level[l].temporal[d] > 1) {
                        *level = (int)l;
                        *tensor = (int)t;
                        *dim = (int)d;
                        return FALSE;
                    }
                }
            }
            if (!(map->level[h].keep & bit)) {
                *level = h;
                *tensor = (int)t;
                return FALSE;
            }
            backing = h;
        } else {
            for (guint l = 0; l < nl && backing < 0; l++)
                if (map->level[l].keep & bit)
                    backing = (int)l;
            if (backing < 0)
                continue; /* kept nowhere: the model's TS_EVAL_KEEP */
        }
        for (guint l = 0; l < nl; l++) {
            if (!(res->landing >> l & 1u))
                continue;
            /* Per-inference data starts above the link; whatever starts above crosses it into
             * the landing level. */
            if ((h < 0 && backing >= (int)l) || (backing < (int)l && !(map->level[l].keep & bit))) {
                *level = (int)l;
                *tensor = (int)t;
                return FALSE;
            }
        }
    }
    return TRUE;
}

char *ts_residency_explain(const TsResidency *res, const TsOp *op, const char *const *level_names,
                           int level, int tensor, int dim)
{
    g_return_val_if_fail(res != NULL && op != NULL && level_names != NULL, NULL);
    if (tensor < 0 || (guint)tensor >= res->n_tensors || level < 0)
        return g_strdup("the mapping breaks a residency rule");
    const char *tn = op->tensors[tensor].name ? op->tensors[tensor].name : "?";
    const char *ln = level_names[level] ? level_names[level] : "?";
    const int h = res->home[tensor];
    if (h >= 0) {
        const char *hn = level_names[h] ? level_names[h] : "?";
        if (dim >= 0)
            return g_strdup_printf("%s: a temporal loop over %s walks %s (%s), which is resident "
                                   "in %s: its home holds its whole partition, so no loop above "
                                   "it may walk %s",
                                   ln, op->dim_names[dim] ? op->dim_names[dim] : "?", tn,
                                   ts_tensor_role_name(op->tensors[tensor].role), hn,
                                   op->dim_names[dim] ? op->dim_names[dim] : "?");
        if (level == h)
            return g_strdup_printf("%s: bypasses %s (%s), whose home it is (the architecture's "
                                   "resident: list)",
                                   ln, tn, ts_tensor_role_name(op->tensors[tensor].role));
        return g_strdup_printf("%s: keeps %s (%s), which is resident in %s and loaded there "
                               "once: the levels above its home bypass it",
                               ln, tn, ts_tensor_role_name(op->tensors[tensor].role), hn);
    }
    return g_strdup_printf("%s: %s is per-inference data: it starts at %s and crosses the host "
                           "link into %s, the only physical path, so %s must keep it (and no "
                           "level below the link may be its first)",
                           ln, tn, level_names[0] ? level_names[0] : "?", ln, ln);
}
