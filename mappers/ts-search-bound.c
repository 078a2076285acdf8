/* Lower bounds of the analytical model's energy, cycles and EDP over every keep choice and loop
 * order of a factorization, or of every completion of a partial one (the dimensions of a mask
 * fixed): the branch and bound of the ordered walks. A prefix of fixed dimensions is prepared
 * once (ts_bound_prefix_init) and each factorization of one more dimension is then bounded in
 * a few hundred operations (ts_bound_prefix_finish). The derivation (per-level stationarity,
 * spatial copies, the compute-fed innermost level, bandwidth) is in docs/mapper.md, "Lower
 * bounds". Allocation-free; reads the prepared model and the space's factorization lists. */
#include "ts-search-private.h"

#include <math.h>
#include <string.h>

void ts_bound_prefix_init(TsBoundPrefix *pre, const TsMapSpace *sp, const TsModel *m,
                          const TsMapId *id, uint32_t fixed)
{
    const guint L = sp->n_levels, D = sp->n_dims, T = m->n_tensors;
    pre->sp = sp;
    pre->m = m;
    pre->fixed = fixed & ((1u << D) - 1u);
    fixed = pre->fixed;
    double s[TS_ARCH_MAX_LEVELS][TS_MAX_DIMS], tm[TS_ARCH_MAX_LEVELS][TS_MAX_DIMS];
    double above[TS_ARCH_MAX_LEVELS + 1][TS_MAX_DIMS], below[TS_ARCH_MAX_LEVELS + 1][TS_MAX_DIMS];
    for (guint l = 0; l < L; l++) {
        pre->px[l] = pre->py[l] = 1.0;
        for (guint d = 0; d < D; d++) {
            if (fixed >> d & 1u) {
                const double x = ts_space_factor(sp, d, id->fact[d], sp->slot_x[l]);
                const double y = ts_space_factor(sp, d, id->fact[d], sp->slot_y[l]);
                pre->px[l] *= x;
                pre->py[l] *= y;
                s[l][d] = x * y;
                tm[l][d] = ts_space_factor(sp, d, id->fact[d], sp->slot_t[l]);
            } else {
                s[l][d] = tm[l][d] = 1.0;
            }
        }
    }
    double spare = 1.0, free_size = 1.0;
    for (guint l = 0; l < L; l++)
        spare *= floor((double)MAX(sp->arch.level[l].fanout_x, 1u) / pre->px[l]) *
                 floor((double)MAX(sp->arch.level[l].fanout_y, 1u) / pre->py[l]);
    for (guint d = 0; d < D; d++) {
        if (!(fixed >> d & 1u))
            free_size *= (double)m->dims[d];
        above[0][d] = 1.0;
        below[L][d] = 1.0;
        for (guint l = 0; l < L; l++)
            above[l + 1][d] = above[l][d] * s[l][d];
        for (guint l = L; l > 0; l--)
            below[l - 1][d] = below[l][d] * s[l - 1][d];
    }
    pre->spare = MAX(1.0, MIN(spare, free_size));
    for (guint l = 0; l < L; l++) {
        pre->used[l] = 1.0;
        for (guint d = 0; d < D; d++) {
            pre->used[l] *= above[l][d];
            pre->free_acc[l][d] =
                (fixed >> d & 1u)
                    ? 1.0
                    : MAX(1.0, (double)m->dims[d] / MIN((double)m->dims[d], pre->spare));
        }
    }
    for (guint t = 0; t < T; t++) {
        const uint32_t rel = m->dim_mask[t];
        pre->cum_irrel[t][0] = 1.0;
        for (guint k = 0; k < L; k++) {
            double x = 1.0;
            for (guint d = 0; d < D; d++)
                if (!(rel >> d & 1u))
                    x *= tm[k][d];
            pre->cum_irrel[t][k + 1] = pre->cum_irrel[t][k] * x;
        }
        int star = -1;
        for (guint l = 0; l < L; l++) {
            pre->star[l][t] = (int8_t)star; /* levels 0 .. l-1 seen */
            for (guint d = 0; d < D; d++)
                if ((rel >> d & 1u) && tm[l][d] > 1.0)
                    star = (int)l;
        }
        for (guint l = 0; l < L; l++) {
            double part = 1.0, part_max = 1.0, acc = 1.0;
            for (guint d = 0; d < D; d++) {
                const double n = (double)m->dims[d];
                if (rel >> d & 1u) {
                    part *= n;
                    part_max *= n;
                    acc *= n;
                } else if (fixed >> d & 1u) {
                    part *= above[l][d];
                    part_max *= above[l][d];
                    acc *= MAX(1.0, n / below[l][d]);
                } else {
                    part_max *= n;
                    acc *= pre->free_acc[l][d];
                }
            }
            pre->part[l][t] = part;
            pre->part_max[l][t] = part_max;
            pre->acc_inner[l][t] = acc;
        }
    }
    for (guint l = 0; l < L; l++) {
        uint8_t inner = 0, back = 0;
        for (guint t = 0; t < T; t++) {
            gboolean innermost = TRUE, backing = TRUE;
            for (guint k = l + 1; k < L; k++)
                if ((sp->keep_forced[k] | sp->keep_free[k]) >> t & 1u)
                    innermost = FALSE;
            for (guint k = 0; k < l; k++)
                if (sp->keep_forced[k] >> t & 1u)
                    backing = FALSE;
            inner |= (uint8_t)(innermost << t);
            back |= (uint8_t)(backing << t);
        }
        pre->innermost[l] = inner;
        pre->backing[l] = back;
    }
}

/* Refetch factor of t's tile at level j: the irrelevant temporal factors outer to the innermost
 * level above j that holds a relevant temporal loop (those loops enclose every relevant loop
 * above j whatever the orders). A free relevant dimension can only add a relevant loop, which
 * moves that level inward and adds factors; the least over the completions is therefore the
 * fixed dimensions' level (docs/mapper.md, "Lower bounds"). */
static inline double refetch(const TsBoundPrefix *pre, guint t, guint j, gboolean z_rel,
                             const int8_t *zlast, const double *zcum)
{
    if (j == 0)
        return 1.0;
    int star = pre->star[j][t];
    if (z_rel && zlast[j] > star)
        star = zlast[j];
    if (star < 0)
        return 1.0; /* no relevant loop above: the tile stays for the whole run */
    return pre->cum_irrel[t][star] * (z_rel ? 1.0 : zcum[star]);
}

void ts_bound_prefix_finish(const TsBoundPrefix *pre, int z, uint32_t fz,
                            double lower[TS_METRIC_COUNT_])
{
    const TsMapSpace *sp = pre->sp;
    const TsModel *m = pre->m;
    const guint L = sp->n_levels, D = sp->n_dims, T = m->n_tensors;
    const uint32_t all = (1u << D) - 1u;
    const uint32_t fixed = z >= 0 ? pre->fixed | 1u << z : pre->fixed;
    const gboolean full = fixed == all;

    /* The added dimension's factors: spatial X / Y and temporal per level, spatial products
     * outer to and at-or-below each level, the innermost level above each level with a
     * temporal loop of it (zlast), and its temporal products outer to each level (zcum). */
    double zx[TS_ARCH_MAX_LEVELS], zy[TS_ARCH_MAX_LEVELS], zt[TS_ARCH_MAX_LEVELS];
    double zabove[TS_ARCH_MAX_LEVELS + 1], zbelow[TS_ARCH_MAX_LEVELS + 1];
    double zcum[TS_ARCH_MAX_LEVELS + 1];
    int8_t zlast[TS_ARCH_MAX_LEVELS + 1];
    double nz = 1.0;
    for (guint l = 0; l < L; l++) {
        if (z >= 0) {
            zx[l] = ts_space_factor(sp, (guint)z, fz, sp->slot_x[l]);
            zy[l] = ts_space_factor(sp, (guint)z, fz, sp->slot_y[l]);
            zt[l] = ts_space_factor(sp, (guint)z, fz, sp->slot_t[l]);
        } else {
            zx[l] = zy[l] = zt[l] = 1.0;
        }
    }
    if (z >= 0)
        nz = (double)m->dims[z];
    zabove[0] = zcum[0] = 1.0;
    zlast[0] = -1;
    for (guint l = 0; l < L; l++) {
        zabove[l + 1] = zabove[l] * zx[l] * zy[l];
        zcum[l + 1] = zcum[l] * zt[l];
        zlast[l + 1] = zt[l] > 1.0 ? (int8_t)l : zlast[l];
    }
    zbelow[L] = 1.0;
    for (guint l = L; l > 0; l--)
        zbelow[l - 1] = zbelow[l] * zx[l - 1] * zy[l - 1];

    /* Compute cycles: MACs over the spatial product, or over the most the free dimensions
     * could add within what is left of each fan-out. */
    double spatial = 1.0, spare = 1.0, free_size = 1.0;
    for (guint l = 0; l < L; l++) {
        const double px = pre->px[l] * zx[l], py = pre->py[l] * zy[l];
        spatial *= px * py;
        spare *= floor((double)MAX(sp->arch.level[l].fanout_x, 1u) / px) *
                 floor((double)MAX(sp->arch.level[l].fanout_y, 1u) / py);
    }
    for (guint d = 0; d < D; d++)
        if (!(fixed >> d & 1u))
            free_size *= (double)m->dims[d];
    const double macs = (double)m->macs;
    const double ccd =
        ceil(macs / (spatial * (full ? 1.0 : MAX(1.0, MIN(spare, free_size)))) / m->macs_per_cycle -
             1e-9);

    double energy = macs * m->mac_pj;
    double max_cycles = ccd;
    const gboolean elide = !m->options.no_first_read_elision;
    for (guint l = 0; l < L; l++) {
        const TsModelLevel *lv = &m->level[l];
        const double used = pre->used[l] * zabove[l];
        /* Energy is per instance times min(used, clusters): a share clusters / used of the
         * total; for a prefix, used is at most the level's instances. */
        const double share = full ? MIN(1.0, (double)lv->clusters / used)
                                  : MIN(1.0, (double)lv->clusters / (double)lv->spec.instances);
        double reads_all = 0.0, writes_all = 0.0, fills_all = 0.0, updates_all = 0.0;
        double e = 0.0;
        for (guint t = 0; t < T; t++) {
            if (!(sp->keep_forced[l] >> t & 1u))
                continue; /* may be bypassed: no certain traffic here */
            const uint32_t rel = m->dim_mask[t];
            const double pack = (double)lv->pack_num[t] / (double)lv->pack_den[t];
            double reads = 0.0, fills = 0.0, updates = 0.0;
            if (sp->windowed[t]) {
                /* Sliding windows: only the backing store's compulsory traffic is certain. (A
                 * rank whose other terms are dimensions of size 1 is no window: its tiles are
                 * disjoint as a single dimension's, and the model's deltas never fall below
                 * that.) */
                if (l == 0) {
                    const double words = (double)ts_op_tensor_elements(m->op, t);
                    if (m->read_write[t])
                        updates = words;
                    else
                        reads = words;
                }
            } else {
                const gboolean z_rel = z >= 0 && (rel >> z & 1u);
                const gboolean z_irr = z >= 0 && !z_rel;
                /* Partition (total over instances): each relevant element once per copy the
                 * irrelevant spatial loops above l make. */
                const double part = pre->part[l][t] * (z_irr ? zabove[l] : 1.0);
                const double part_max = pre->part_max[l][t] * (z_irr ? zabove[l] / nz : 1.0);
                const double delivered = part * refetch(pre, t, l, z_rel, zlast, zcum);
                /* Accesses: the innermost level that can keep t serves every MAC (the datapath
                 * has no reuse); any other level at least what the level below is delivered,
                 * once per distinct child. */
                double acc;
                if (pre->innermost[l] >> t & 1u)
                    acc = pre->acc_inner[l][t] *
                          (z_irr ? MAX(1.0, nz / zbelow[l]) / pre->free_acc[l][z] : 1.0);
                else
                    acc = part * refetch(pre, t, l + 1, z_rel, zlast, zcum);
                const gboolean backing = pre->backing[l] >> t & 1u;
                if (m->read_write[t]) {
                    updates = acc;
                    reads = elide ? MAX(0.0, acc - part_max) : acc;
                    fills = backing ? 0.0 : (elide ? MAX(0.0, delivered - part_max) : delivered);
                } else {
                    reads = acc;
                    fills = backing ? 0.0 : delivered;
                }
            }
            reads *= pack;
            fills *= pack;
            updates *= pack;
            e += reads * lv->read_pj + fills * lv->write_pj + updates * lv->update_pj;
            reads_all += reads;
            writes_all += fills + updates;
            fills_all += fills;
            updates_all += updates;
        }
        energy += e / (double)lv->block_size * share;
        if (!full)
            continue;
        /* Bandwidth: a level moving n words per instance at w words per cycle needs n / w
         * cycles (the model's throttled cycles, ceil(compute cycles / slowdown)). */
        const TsLevel *s = &lv->spec;
        const double r = reads_all / used, w = writes_all / used;
        double c = 0.0;
        if (s->read_bw_words_per_cycle > 0.0)
            c = MAX(c, r / s->read_bw_words_per_cycle);
        if (s->write_bw_words_per_cycle > 0.0)
            c = MAX(c, w / s->write_bw_words_per_cycle);
        if (s->shared_bw_words_per_cycle > 0.0)
            c = MAX(c, (r + w) / s->shared_bw_words_per_cycle);
        /* a host link moving data in calls throttles neither side (the model charges its
         * bytes with the calls, at the rate of the DPUs each reaches) */
        if (s->fill_bw_words_per_cycle > 0.0 && lv->link_call_cycles <= 0.0)
            c = MAX(c, fills_all / used / s->fill_bw_words_per_cycle);
        if (s->update_bw_words_per_cycle > 0.0 && !lv->link_above)
            c = MAX(c, updates_all / used / s->update_bw_words_per_cycle);
        max_cycles = MAX(max_cycles, floor(c * (1.0 - 1e-9)));
    }
    lower[TS_METRIC_ENERGY] = energy * (1.0 - 1e-9);
    lower[TS_METRIC_DELAY] = max_cycles;
    lower[TS_METRIC_EDP] = lower[TS_METRIC_ENERGY] * 1e-12 * max_cycles;
}

void ts_search_model_bound(const TsMapSpace *space, const TsMapId *id, uint32_t fixed,
                           double lower[TS_METRIC_COUNT_], gpointer model)
{
    g_return_if_fail(space != NULL && id != NULL && lower != NULL && model != NULL);
    fixed &= (1u << space->n_dims) - 1u;
    TsBoundPrefix pre;
    if (fixed == 0) {
        ts_bound_prefix_init(&pre, space, model, id, 0);
        ts_bound_prefix_finish(&pre, -1, 0, lower);
        return;
    }
    const int z = 31 - __builtin_clz(fixed);
    ts_bound_prefix_init(&pre, space, model, id, fixed & ~(1u << z));
    ts_bound_prefix_finish(&pre, z, id->fact[z], lower);
}
