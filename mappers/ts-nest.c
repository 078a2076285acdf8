/* Nest analysis: Timeloop's per-level, per-tensor tile sizes and data movement for a
 * uniform-shape einsum, in closed form. Timeloop walks the loop nest and sums the deltas
 * between consecutive tiles; for axis-aligned boxes with perfect factorization those sums
 * have the closed forms used here (derivation in docs/model.md). Counts are in elements and
 * per instance; ts-model.c turns them into reads/fills/updates, words, energy and cycles. */
#include "ts-model-private.h"

#include <string.h>

void ts_nest_build_loops(const TsModel *model, const TsMapping *mapping, TsNest *nest)
{
    const guint nl = model->n_levels, nd = model->n_dims;
    uint64_t scale[TS_MAX_DIMS];
    for (guint d = 0; d < nd; d++)
        scale[d] = 1;
    guint n = 0;
    /* Inner level c is mapping level nl-1-c. Within a level, spatial loops are innermost (X
     * inside Y, each in spatial_permutation order, unless the X container encloses the Y
     * container), temporal loops outside them in the permutation order: the order Timeloop
     * builds the nest in. */
    for (guint c = 0; c < nl; c++) {
        const TsMappingLevel *ml = &mapping->level[nl - 1 - c];
        const gboolean x_outer = model->level[nl - 1 - c].x_outer;
        nest->level_lo[c] = n;
        for (guint i_kind = 0; i_kind < 2; i_kind++) {
            const guint kind = (i_kind == 0) != x_outer ? TS_LOOP_SPATIAL_X : TS_LOOP_SPATIAL_Y;
            const uint32_t *f = kind == TS_LOOP_SPATIAL_X ? ml->spatial_x : ml->spatial_y;
            for (guint i = 0; i < nd; i++) {
                guint d = ml->spatial_permutation[i];
                if (f[d] > 1) {
                    nest->loop[n] =
                        (TsNestLoop){(uint8_t)c, (uint8_t)d, (uint8_t)kind, f[d], scale[d]};
                    scale[d] *= f[d];
                    n++;
                }
            }
        }
        for (guint i = 0; i < nd; i++) {
            guint d = ml->permutation[i];
            if (ml->temporal[d] > 1) {
                nest->loop[n] = (TsNestLoop){(uint8_t)c, (uint8_t)d, TS_LOOP_TEMPORAL,
                                             ml->temporal[d], scale[d]};
                scale[d] *= ml->temporal[d];
                n++;
            }
        }
    }
    nest->level_lo[nl] = n;
    nest->n_loops = n;
}

uint64_t ts_nest_footprint(const TsModel *model, guint t, const uint64_t ext[TS_MAX_DIMS])
{
    const TsTensor *tensor = &model->op->tensors[t];
    uint64_t size = 1;
    for (guint r = 0; r < tensor->n_ranks; r++) {
        const TsProjection *p = &tensor->ranks[r];
        uint64_t e = 1;
        for (guint k = 0; k < p->n_terms; k++) {
            int64_t coef = p->coef[k];
            uint64_t c = (uint64_t)(coef < 0 ? -coef : coef);
            e += c * (ext[p->dim[k]] - 1);
        }
        size *= e;
    }
    return size;
}

/* Per-dimension extents of everything at or below inner level c, optionally plus the spatial
 * loops of level c+1 (the union of c's siblings, Timeloop's master-spatial tile). */
static void extents_upto(const TsModel *model, const TsNest *nest, guint c,
                         gboolean with_parent_spatial, uint64_t ext[TS_MAX_DIMS])
{
    for (guint d = 0; d < model->n_dims; d++)
        ext[d] = 1;
    for (guint k = 0; k < nest->level_lo[c + 1]; k++)
        ext[nest->loop[k].dim] *= nest->loop[k].ext;
    if (with_parent_spatial && c + 1 < model->n_levels) {
        for (guint k = nest->level_lo[c + 1]; k < nest->level_lo[c + 2]; k++)
            if (nest->loop[k].kind != TS_LOOP_TEMPORAL)
                ext[nest->loop[k].dim] *= nest->loop[k].ext;
    }
}

void ts_nest_tiles(const TsModel *model, TsNest *nest)
{
    const guint nl = model->n_levels, nt = model->n_tensors;
    uint64_t ext[TS_MAX_DIMS];
    for (guint d = 0; d < model->n_dims; d++)
        ext[d] = 1;
    for (guint c = 0; c < nl; c++) {
        for (guint k = nest->level_lo[c]; k < nest->level_lo[c + 1]; k++)
            ext[nest->loop[k].dim] *= nest->loop[k].ext;
        uint64_t clamped[TS_MAX_DIMS];
        for (guint d = 0; d < model->n_dims; d++)
            clamped[d] = MIN(ext[d], model->dims[d]);
        for (guint t = 0; t < nt; t++)
            nest->tile[c][t] = ts_nest_footprint(model, t, clamped);
    }
}

/* Sliding windows (a rank summing several dims, CNN Inputs) need the exact deltas between
 * consecutive tiles. A "step of type j" is an advance of the j-th temporal loop above c (inner
 * first) that resets the loops inside it; its tile moves by a fixed translation per rank.
 *
 * Timeloop 3.0.3 parity: Timeloop simulates only iterations 0 and 1 of each loop and scales the
 * second by (ext - 1), so the tile before a type-j step is the one at index 1 of the inner
 * loops, and the leaves (child tiles) it visits are the binary odometer over those indices.
 * Its delta rule resets on a stride change (OperationSpace::SaveAndSubtractIfSameStride): it
 * remembers the translation of the last step; a step whose translation equals it, or any step
 * when none is remembered, delivers the box difference |new \ old| (partial only when one rank
 * moves and the boxes overlap; empty when the tile stays) and remembers its translation; a step
 * with another translation refetches the whole tile and forgets the translation. So an
 * irrelevant loop (translation 0) between two sliding steps makes the next slide a refetch.
 * R(k, s) below is that simulation in closed form: the deltas of the leaves of loops 1..k after
 * the first one, given the remembered translation s (0 = none, else a class of equal
 * translation vectors), memoised on (k, s).
 *
 * exact_sliding_window_deltas: every step moves from the true previous tile (inner loops at
 * their last index) and delivers exactly the new part, |new \ old|. */

/* One leaf of type j after remembered translation s: its delta and the translation left. */
uint64_t ts_nest_slide_step(const TsNestSlide *x, guint j, guint s, guint *s_out)
{
    if (x->exact) {
        *s_out = 0;
        return x->delta[j];
    }
    if (s == 0 || s == x->cls[j]) {
        *s_out = x->cls[j];
        return x->delta[j];
    }
    *s_out = 0;
    return x->tile;
}

uint64_t ts_nest_slide_rest(TsNestSlide *x, guint k, guint s, guint *s_out)
{
    if (k == 0) {
        *s_out = s;
        return 0;
    }
    const guint at = k * TS_NEST_SLIDE_CLASSES + s;
    if (x->memo_out[at] != 0xff) {
        *s_out = x->memo_out[at];
        return x->memo_sum[at];
    }
    guint s2, s3, s4;
    uint64_t a = ts_nest_slide_rest(x, k - 1, s, &s2);
    uint64_t d = ts_nest_slide_step(x, k, s2, &s3);
    uint64_t b = ts_nest_slide_rest(x, k - 1, s3, &s4);
    x->memo_sum[at] = a + (uint64_t)(x->ext[k] - 1) * (d + b);
    x->memo_out[at] = (uint8_t)s4;
    *s_out = s4;
    return x->memo_sum[at];
}

void ts_nest_slide_init(const TsModel *model, const TsNest *nest, guint c, guint t, TsNestSlide *x)
{
    const TsTensor *tensor = &model->op->tensors[t];
    const gboolean exact = model->options.exact_sliding_window_deltas;
    x->exact = exact;
    x->tile = nest->tile[c][t];
    int64_t rank_ext[TS_MAX_RANKS];
    uint64_t ext[TS_MAX_DIMS];
    extents_upto(model, nest, c, FALSE, ext);
    for (guint r = 0; r < tensor->n_ranks; r++) {
        const TsProjection *p = &tensor->ranks[r];
        int64_t e = 1;
        for (guint k = 0; k < p->n_terms; k++) {
            int64_t coef = p->coef[k] < 0 ? -p->coef[k] : p->coef[k];
            e += coef * (int64_t)(ext[p->dim[k]] - 1);
        }
        rank_ext[r] = e;
    }
    /* Temporal loops above c, 1-based, inner first. */
    x->n = 0;
    for (guint k = nest->level_lo[c + 1]; k < nest->n_loops; k++)
        if (nest->loop[k].kind == TS_LOOP_TEMPORAL)
            x->loop[++x->n] = (uint16_t)k;
    int64_t shifts[TS_NEST_SLIDE_MAX + 1][TS_MAX_RANKS];
    x->n_classes = 0;
    for (guint j = 1; j <= x->n; j++) {
        const TsNestLoop *lj = &nest->loop[x->loop[j]];
        x->ext[j] = lj->ext;
        int64_t delta[TS_MAX_DIMS] = {0};
        delta[lj->dim] += (int64_t)lj->stride;
        for (guint i = 1; i < j; i++) {
            const TsNestLoop *li = &nest->loop[x->loop[i]];
            delta[li->dim] -= (int64_t)li->stride * (exact ? (int64_t)li->ext - 1 : 1);
        }
        guint moving = 0;
        gboolean disjoint = FALSE;
        uint64_t inter = 1;
        for (guint r = 0; r < tensor->n_ranks; r++) {
            const TsProjection *p = &tensor->ranks[r];
            int64_t shift = 0;
            for (guint k = 0; k < p->n_terms; k++) {
                int64_t coef = p->coef[k] < 0 ? -p->coef[k] : p->coef[k];
                shift += coef * delta[p->dim[k]];
            }
            shifts[j][r] = shift;
            int64_t mag = shift < 0 ? -shift : shift;
            moving += shift != 0;
            if (mag >= rank_ext[r])
                disjoint = TRUE;
            inter *= mag >= rank_ext[r] ? 0 : (uint64_t)(rank_ext[r] - mag);
        }
        if (exact) {
            x->delta[j] = x->tile - inter;
            x->cls[j] = 0;
            continue;
        }
        /* Timeloop's box difference: empty when nothing moves, the slice when one rank moves
         * within the box, else the whole tile. */
        x->delta[j] = moving == 0 ? 0 : (disjoint || moving > 1) ? x->tile : x->tile - inter;
        guint cls = 0;
        for (guint i = 1; i < j && cls == 0; i++)
            if (memcmp(shifts[i], shifts[j], tensor->n_ranks * sizeof shifts[j][0]) == 0)
                cls = x->cls[i];
        x->cls[j] = (uint8_t)(cls ? cls : ++x->n_classes);
    }
    memset(x->memo_out, 0xff, (x->n + 1) * TS_NEST_SLIDE_CLASSES);
}

static uint64_t delivered_general(const TsModel *model, const TsNest *nest, guint c, guint t,
                                  const uint64_t *suffix)
{
    TsNestSlide x; /* ~50 KiB of stack, sliding windows only */
    ts_nest_slide_init(model, nest, c, t, &x);
    if (x.exact) {
        uint64_t total = x.tile;
        for (guint j = 1; j <= x.n; j++)
            total += (uint64_t)(x.ext[j] - 1) * suffix[x.loop[j] + 1] * x.delta[j];
        return total;
    }
    guint s_end;
    return x.tile + ts_nest_slide_rest(&x, x.n, 0, &s_end);
}

/* Number of distinct tiles of tensor t among the children of inner level c's fan-out: children
 * whose tiles are equal receive one multicast (or, for the output, are reduced into one
 * update). Single-dimension ranks: the product of the relevant spatial extents. A rank summing
 * several spatially mapped dims counts its distinct offsets, within the loops of `kinds` (bit
 * per TsLoopKind): the whole fan-out, or one container's axis when the fan-out is two
 * containers analysed separately, as Timeloop does. */
static uint64_t distinct_offsets(const TsModel *model, const TsNest *nest, guint c, guint t,
                                 guint kinds)
{
    uint64_t n = 1;
    const guint lo = nest->level_lo[c], hi = nest->level_lo[c + 1];
    const TsTensor *tensor = &model->op->tensors[t];
    for (guint r = 0; r < tensor->n_ranks; r++) {
        const TsProjection *p = &tensor->ranks[r];
        guint idx[TS_NEST_MAX_LOOPS];
        int64_t step[TS_NEST_MAX_LOOPS];
        guint m = 0;
        uint64_t span = 0, prod = 1;
        for (guint k = lo; k < hi; k++) {
            const TsNestLoop *l = &nest->loop[k];
            if (l->kind == TS_LOOP_TEMPORAL || !(kinds >> l->kind & 1u))
                continue;
            for (guint q = 0; q < p->n_terms; q++) {
                if (p->dim[q] == l->dim) {
                    int64_t coef = p->coef[q] < 0 ? -p->coef[q] : p->coef[q];
                    idx[m] = k - lo;
                    step[m] = coef * (int64_t)l->stride;
                    span += (uint64_t)step[m] * (l->ext - 1);
                    prod *= l->ext;
                    m++;
                    break;
                }
            }
        }
        if (m <= 1 || span >= 65536) {
            n *= prod;
        } else {
            /* Count distinct sums of step[i] * index_i with a bitmap (at most 64 Kibit). */
            uint64_t bits[1024];
            memset(bits, 0, ((span >> 6) + 1) * sizeof bits[0]);
            guint cur[TS_NEST_MAX_LOOPS] = {0};
            uint64_t count = 0;
            for (;;) {
                uint64_t v = 0;
                for (guint i = 0; i < m; i++)
                    v += (uint64_t)step[i] * cur[i];
                if (!(bits[v >> 6] >> (v & 63) & 1u)) {
                    bits[v >> 6] |= 1ull << (v & 63);
                    count++;
                }
                guint i = 0;
                while (i < m && ++cur[i] == nest->loop[lo + idx[i]].ext)
                    cur[i++] = 0;
                if (i == m)
                    break;
            }
            n *= count;
        }
    }
    return n;
}

static uint32_t distinct_children(const TsModel *model, const TsNest *nest, guint c, guint t)
{
    const uint32_t mask = model->dim_mask[t];
    const guint lo = nest->level_lo[c], hi = nest->level_lo[c + 1];
    if (!model->multi_term[t]) {
        uint64_t n = 1;
        for (guint k = lo; k < hi; k++)
            if (nest->loop[k].kind != TS_LOOP_TEMPORAL && (mask >> nest->loop[k].dim & 1u))
                n *= nest->loop[k].ext;
        return (uint32_t)n;
    }
    const guint bx = 1u << TS_LOOP_SPATIAL_X, by = 1u << TS_LOOP_SPATIAL_Y;
    if (model->level[model->n_levels - 1 - c].per_axis_multicast)
        return (uint32_t)(distinct_offsets(model, nest, c, t, bx) *
                          distinct_offsets(model, nest, c, t, by));
    return (uint32_t)distinct_offsets(model, nest, c, t, bx | by);
}

/* Fan-out per level, instances of each level and of the arithmetic, distinct child tiles. */
static void spatial_figures(const TsModel *model, TsNest *nest)
{
    const guint nl = model->n_levels;
    uint64_t above = 1;
    for (guint c = nl; c-- > 0;) {
        uint64_t f = 1;
        for (guint k = nest->level_lo[c]; k < nest->level_lo[c + 1]; k++)
            if (nest->loop[k].kind != TS_LOOP_TEMPORAL)
                f *= nest->loop[k].ext;
        nest->fanout[c] = (uint32_t)f;
        nest->instances[c] = above;
        above *= f;
    }
    nest->compute_instances = above;
    for (guint t = 0; t < model->n_tensors; t++)
        for (guint c = 0; c < nl; c++)
            nest->distinct[c][t] = distinct_children(model, nest, c, t);
}

void ts_nest_analyze(const TsModel *model, const uint8_t keep[TS_ARCH_MAX_LEVELS], TsNest *nest)
{
    const guint nl = model->n_levels, nt = model->n_tensors;
    const guint nloops = nest->n_loops;

    /* suffix[k]: product of the temporal extents of loops k and outward. */
    uint64_t suffix[TS_NEST_MAX_LOOPS + 1];
    suffix[nloops] = 1;
    for (guint k = nloops; k-- > 0;)
        suffix[k] =
            suffix[k + 1] * (nest->loop[k].kind == TS_LOOP_TEMPORAL ? nest->loop[k].ext : 1u);
    nest->compute_iterations = suffix[0];

    spatial_figures(model, nest);

    for (guint t = 0; t < nt; t++) {
        const uint32_t mask = model->dim_mask[t];
        for (guint c = 0; c < nl; c++) {
            /* Words delivered into one instance of c. Stationarity: loops above c that are
             * inside the innermost relevant temporal loop do not refetch. */
            if (model->multi_term[t]) {
                nest->delivered[c][t] = delivered_general(model, nest, c, t, suffix);
            } else {
                uint64_t d = nest->tile[c][t];
                for (guint k = nest->level_lo[c + 1]; k < nloops; k++) {
                    const TsNestLoop *l = &nest->loop[k];
                    if (l->kind == TS_LOOP_TEMPORAL && (mask >> l->dim & 1u)) {
                        d *= suffix[k];
                        break;
                    }
                }
                nest->delivered[c][t] = d;
            }
        }
        /* Content accesses: what a level reads out for its children, a multicast word once. The
         * innermost level feeds the arithmetic every iteration (no reuse at the datapath). */
        for (guint c = 0; c < nl; c++) {
            uint64_t child = c == 0 ? nest->compute_iterations : nest->delivered[c - 1][t];
            nest->accesses[c][t] = child * nest->distinct[c][t];
        }
        /* Partition sizes, outermost first: a fan-out splits the parent's partition in the
         * ratio of a child tile to the union of the children's tiles. */
        nest->partition[nl - 1][t] = nest->tile[nl - 1][t];
        for (guint c = nl - 1; c-- > 0;) {
            if (nest->fanout[c + 1] > 1) {
                uint64_t ext[TS_MAX_DIMS];
                extents_upto(model, nest, c, TRUE, ext);
                const uint64_t uni = ts_nest_footprint(model, t, ext);
                const uint64_t p = nest->partition[c + 1][t], tl = nest->tile[c][t];
                if (p <= UINT32_MAX && tl <= UINT32_MAX)
                    nest->partition[c][t] = p * tl / uni;
                else
                    nest->partition[c][t] = (uint64_t)((unsigned __int128)p * tl / uni);
            } else {
                nest->partition[c][t] = nest->partition[c + 1][t];
            }
        }
        /* Bypass: the children of a level that does not keep t are served by the next level
         * up, whose reads grow by its own distinct-child factor. */
        for (guint c = 0; c + 1 < nl; c++) {
            if (!(keep[c] >> t & 1u))
                nest->accesses[c + 1][t] = nest->accesses[c][t] * nest->distinct[c + 1][t];
        }
    }
}

/* ---- Imperfect factors ------------------------------------------------------------------
 *
 * With ceil factors the tiles along a dimension d of size D are [i T, min((i+1) T, D)): the
 * loops of d, inner first with extents f_j and strides T_j (product of the inner extents of
 * d), visit index tuples whose start sum i_j T_j is below D; the last iteration of a loop over
 * a remainder R runs ceil(R / T_j) - 1 full sub-tiles and one partial. Every count the model
 * needs is a sum over the iterations of some loops (the "counted" ones: a refetch, a distinct
 * child, an instance) with the other loops collapsed to index 0 (stationary loops, multicast
 * children, the busiest instance), of a per-dimension value of the leaf tile (its extent for
 * a dimension of the tensor, 1 otherwise). Dimensions iterate independently, so the sum is a
 * product over dimensions of dim_sum, which walks d's loops from the outermost down: a
 * counted loop over R contributes floor(R / T) full sub-tiles and recurses into the
 * remainder; a collapsed loop keeps its first sub-tile, min(R, T). Linear in the loops of d. */

/* Per-dimension factor of tensor t's footprint for extent x along d: every rank of t is a
 * single dimension (ts_model_imperfect_dims), so the footprint is a product over dims. */
static uint64_t rank_factor(const TsModel *model, guint t, guint d, uint64_t x)
{
    const TsTensor *tensor = &model->op->tensors[t];
    uint64_t v = 1;
    for (guint r = 0; r < tensor->n_ranks; r++) {
        const TsProjection *p = &tensor->ranks[r];
        for (guint k = 0; k < p->n_terms; k++) {
            if (p->dim[k] == d && p->coef[k] != 0) {
                uint64_t c = (uint64_t)(p->coef[k] < 0 ? -p->coef[k] : p->coef[k]);
                v *= 1 + c * (x - 1);
            }
        }
    }
    return v;
}

/* The loops of dim d at or above leaf_k, innermost first, into idx; returns how many. */
static guint dim_loops(const TsNest *nest, guint d, guint leaf_k, guint *idx)
{
    guint m = 0;
    for (guint k = leaf_k; k < nest->n_loops; k++)
        if (nest->loop[k].dim == d)
            idx[m++] = k;
    return m;
}

/* Sum over the counted loops of d at or above leaf_k (counted[k] != 0), the others collapsed,
 * of the leaf tile's value: rank_factor(t, d, extent) when t >= 0, else 1 (a count). */
static uint64_t dim_sum(const TsModel *model, const TsNest *nest, guint d, guint leaf_k,
                        const uint8_t *counted, const uint32_t *fixed, int t)
{
    const uint64_t size = model->dims[d];
    guint idx[TS_NEST_MAX_LOOPS];
    const guint m = dim_loops(nest, d, leaf_k, idx);
    if (m == 0)
        return t >= 0 ? rank_factor(model, (guint)t, d, size) : 1;
    /* full[i]: value of a full sub-tile of loop idx[i] (stride-sized) */
    uint64_t full[TS_NEST_MAX_LOOPS + 1];
    const uint64_t leaf = nest->loop[idx[0]].stride;
    full[0] = t >= 0 ? rank_factor(model, (guint)t, d, leaf) : 1;
    for (guint i = 0; i < m; i++)
        full[i + 1] = full[i] * (counted[idx[i]] && !(fixed && fixed[idx[i]] != TS_NEST_FREE)
                                     ? nest->loop[idx[i]].ext
                                     : 1u);
    uint64_t remaining = size, sum = 0;
    for (guint i = m; i-- > 0;) {
        const uint64_t sub = nest->loop[idx[i]].stride;
        if (fixed && fixed[idx[i]] != TS_NEST_FREE) {
            /* one iteration: its sub-tile, partial or empty past the remainder */
            const uint64_t off = (uint64_t)fixed[idx[i]] * sub;
            if (remaining <= off)
                return sum;
            remaining = MIN(remaining - off, sub);
            if (remaining == sub)
                return sum + full[i];
        } else if (counted[idx[i]]) {
            sum += remaining / sub * full[i];
            remaining %= sub;
            if (remaining == 0)
                return sum;
        } else if (remaining >= sub) {
            return sum + full[i];
        }
    }
    return sum + (t >= 0 ? rank_factor(model, (guint)t, d, remaining) : 1);
}

void ts_nest_dim_tiles(const TsModel *model, const TsNest *nest, guint d, guint leaf_k,
                       const uint8_t *counted, uint64_t *n_full, uint64_t *full_ext,
                       uint64_t *partial_ext)
{
    const uint64_t size = model->dims[d];
    guint idx[TS_NEST_MAX_LOOPS];
    const guint m = dim_loops(nest, d, leaf_k, idx);
    *partial_ext = 0;
    if (m == 0) {
        *n_full = 1;
        *full_ext = size;
        return;
    }
    *full_ext = nest->loop[idx[0]].stride;
    /* full[i]: leaf tiles in a full sub-tile of loop idx[i] (each of the leaf's extent) */
    uint64_t full[TS_NEST_MAX_LOOPS + 1];
    full[0] = 1;
    for (guint i = 0; i < m; i++)
        full[i + 1] = full[i] * (counted[idx[i]] ? nest->loop[idx[i]].ext : 1u);
    uint64_t remaining = size, n = 0;
    for (guint i = m; i-- > 0;) {
        const uint64_t sub = nest->loop[idx[i]].stride;
        if (counted[idx[i]]) {
            n += remaining / sub * full[i];
            remaining %= sub;
        } else if (remaining >= sub) {
            n += full[i];
            remaining = 0;
        }
        if (remaining == 0)
            break;
    }
    *n_full = n;
    *partial_ext = remaining;
}

uint64_t ts_nest_count(const TsModel *model, const TsNest *nest, guint leaf_k,
                       const uint8_t *counted, const uint32_t *fixed, int t)
{
    uint64_t v = 1;
    const uint32_t mask = t >= 0 ? model->dim_mask[t] : 0;
    for (guint d = 0; d < model->n_dims && v > 0; d++)
        v *= dim_sum(model, nest, d, leaf_k, counted, fixed, (mask >> d & 1u) ? t : -1);
    return v;
}

static uint64_t all_dims(const TsModel *model, const TsNest *nest, guint leaf_k,
                         const uint8_t *counted, int t)
{
    return ts_nest_count(model, nest, leaf_k, counted, NULL, t);
}

/* Innermost temporal loop above inner level c over a dimension of t (n_loops: none). */
static guint first_relevant(const TsModel *model, const TsNest *nest, guint c, guint t)
{
    for (guint k = nest->level_lo[c + 1]; k < nest->n_loops; k++)
        if (nest->loop[k].kind == TS_LOOP_TEMPORAL &&
            (model->dim_mask[t] >> nest->loop[k].dim & 1u))
            return k;
    return nest->n_loops;
}

void ts_nest_analyze_imperfect(const TsModel *model, const uint8_t keep[TS_ARCH_MAX_LEVELS],
                               TsNest *nest)
{
    const guint nl = model->n_levels, nt = model->n_tensors, n = nest->n_loops;
    uint8_t counted[TS_NEST_MAX_LOOPS];
    spatial_figures(model, nest);

    /* Arithmetic: temporal steps of the busiest instance, utilized instances. */
    for (guint k = 0; k < n; k++)
        counted[k] = nest->loop[k].kind == TS_LOOP_TEMPORAL;
    nest->compute_iterations = all_dims(model, nest, 0, counted, -1);
    for (guint k = 0; k < n; k++)
        counted[k] = !counted[k];
    nest->compute_instances = all_dims(model, nest, 0, counted, -1);
    for (guint c = 0; c < nl; c++)
        nest->instances[c] = all_dims(model, nest, nest->level_lo[c + 1], counted, -1);

    for (guint t = 0; t < nt; t++) {
        const uint32_t mask = model->dim_mask[t];
        for (guint c = 0; c < nl; c++) {
            const guint lo = nest->level_lo[c + 1], ks = first_relevant(model, nest, c, t);
            /* Deliveries: a refetch per iteration of the loops from the innermost relevant
             * temporal loop outward; all instances, or the busiest one. */
            for (guint all = 0; all < 2; all++) {
                for (guint k = 0; k < n; k++)
                    counted[k] = nest->loop[k].kind == TS_LOOP_TEMPORAL ? k >= ks : all;
                uint64_t v = all_dims(model, nest, lo, counted, (int)t);
                if (all)
                    nest->delivered_all[c][t] = v;
                else
                    nest->delivered[c][t] = v;
            }
            /* Partition: what an instance holds over the run, the union of its tiles. */
            for (guint all = 0; all < 2; all++) {
                for (guint k = 0; k < n; k++)
                    counted[k] = nest->loop[k].kind == TS_LOOP_TEMPORAL
                                     ? (mask >> nest->loop[k].dim & 1u) != 0
                                     : all;
                uint64_t v = all_dims(model, nest, lo, counted, (int)t);
                if (all)
                    nest->partition_all[c][t] = v;
                else
                    nest->partition[c][t] = v;
            }
        }
        /* Reads of a keeping level for its nearest keeping child level b (or the arithmetic):
         * b's refetches, one per distinct tile among the children between b and c (multicast
         * over the loops of other dimensions). */
        for (guint c = 0; c < nl; c++) {
            int b = (int)c - 1;
            while (b >= 0 && !(keep[b] >> t & 1u))
                b--;
            const guint leaf = b >= 0 ? nest->level_lo[b + 1] : 0;
            const guint kb = b >= 0 ? first_relevant(model, nest, (guint)b, t) : 0;
            const guint hi = nest->level_lo[c + 1];
            for (guint all = 0; all < 2; all++) {
                for (guint k = 0; k < n; k++) {
                    const TsNestLoop *l = &nest->loop[k];
                    if (l->kind == TS_LOOP_TEMPORAL)
                        counted[k] = k >= kb;
                    else
                        counted[k] = k < hi ? (mask >> l->dim & 1u) != 0 : all;
                }
                uint64_t v = all_dims(model, nest, leaf, counted, (int)t);
                if (all)
                    nest->accesses_all[c][t] = v;
                else
                    nest->accesses[c][t] = v;
            }
        }
    }
}
