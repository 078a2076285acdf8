/* Checking a mapping against resolved rules (ts_rules_check): every violated factor, axis,
 * permutation, keep/bypass and utilization rule, one line each. */
#include "ts-constraints.h"

#include <string.h>

#include "ts-constraints-private.h"

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
