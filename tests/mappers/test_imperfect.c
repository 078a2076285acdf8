/* Imperfect (ceil) factors against an explicit loop-nest walk: small GEMM-like problems on
 * hand-built hierarchies (one fan-out; two fan-outs below one another), random ceil mappings
 * with random loop orders and keep masks. The walk visits every iteration of the nest in
 * order, skipping the iterations past a dimension's size, and counts what each level instance
 * receives (a refetch when its tile changes), what each level reads for its children (one read
 * per distinct tile among the children refetching at the same step: multicast), what each
 * instance holds over the run (partition), the MACs and the steps of the busiest instance; the
 * model's reads, fills and updates, summed over instances and for the busiest instance, tiles,
 * instances, MACs and compute cycles must match exactly. Reuse follows the model's (and
 * Timeloop's) stationarity rule: a tile stays across the loops inside the innermost loop over
 * one of its dimensions and is replaced at each new index of the loops outside, in which the
 * instance works; the walk also counts how much of that an ideal buffer would skip (a tile
 * unchanged across a partial iteration) and prints it. Also: ops with sliding windows take no
 * imperfect factors (a clear reason), perfect mode refuses ceil factors. */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "ts-model-fixture.h"
#include "ts-model.h"
#include "ts-test.h"

/* ---- The walk ---------------------------------------------------------------------------- */

enum { W_T, W_X, W_Y };

typedef struct {
    guint level, dim, kind;
    uint32_t f;
    uint64_t stride; /* product of the factors of the dim's loops inside this one */
} WLoop;

typedef struct {
    const TsOp *op;
    guint nl;
    uint8_t keep[TS_ARCH_MAX_LEVELS];
    WLoop loop[TS_ARCH_MAX_LEVELS * TS_MAX_DIMS * 3];
    guint n;
    guint level_start[TS_ARCH_MAX_LEVELS + 1]; /* first loop of level l (outer index) */
    uint32_t idx[TS_ARCH_MAX_LEVELS * TS_MAX_DIMS * 3];
    GHashTable *last; /* "l|t|instance" -> box */
    GHashTable *seen; /* distinct keys */
    uint64_t del_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS], del0[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t acc_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS], acc0[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t part_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS],
        part0[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t tile[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t changed_all; /* deliveries where the tile really changed (an ideal buffer) */
    uint64_t delivered_all;
    uint64_t instances[TS_ARCH_MAX_LEVELS];
    uint64_t macs, steps0, compute_instances;
} Walk;

/* Indices of the spatial (or temporal) loops before position k, as text; *zero: all 0. */
static void indices(const Walk *w, guint k, gboolean spatial, GString *s, gboolean *zero)
{
    *zero = TRUE;
    for (guint i = 0; i < k; i++) {
        if ((w->loop[i].kind != W_T) == spatial) {
            g_string_append_printf(s, "%u.", w->idx[i]);
            *zero &= w->idx[i] == 0;
        }
    }
    g_string_append_c(s, '|');
}

static uint64_t box(const Walk *w, guint t, const uint64_t *start, const uint64_t *rem, GString *s)
{
    const TsTensor *tn = &w->op->tensors[t];
    uint64_t vol = 1;
    for (guint r = 0; r < tn->n_ranks; r++) {
        const guint d = tn->ranks[r].dim[0];
        g_string_append_printf(s, "%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT ",", start[d], rem[d]);
        vol *= rem[d];
    }
    return vol;
}

/* Dimensions of tensor t (bit d). */
static uint32_t relevant(const TsOp *op, guint t)
{
    uint32_t m = 0;
    for (guint r = 0; r < op->tensors[t].n_ranks; r++)
        m |= 1u << op->tensors[t].ranks[r].dim[0];
    return m;
}

/* A new key in the distinct set? */
static gboolean fresh(Walk *w, GString *key)
{
    if (g_hash_table_contains(w->seen, key->str))
        return FALSE;
    g_hash_table_add(w->seen, g_strdup(key->str));
    return TRUE;
}

/* Level l's tile is entered at loop position k (its own loops and everything below). */
static void visit(Walk *w, guint l, guint k, const uint64_t *start, const uint64_t *rem)
{
    g_autoptr(GString) inst = g_string_new(NULL), when = g_string_new(NULL);
    g_autoptr(GString) b = g_string_new(NULL), key = g_string_new(NULL);
    gboolean zero, tzero;
    indices(w, k, TRUE, inst, &zero);
    indices(w, k, FALSE, when, &tzero);
    g_string_printf(key, "I|%u|%s", l, inst->str);
    if (fresh(w, key))
        w->instances[l]++;
    for (guint t = 0; t < w->op->n_tensors; t++) {
        if (!(w->keep[l] >> t & 1u))
            continue;
        g_string_truncate(b, 0);
        const uint64_t vol = box(w, t, start, rem, b);
        w->tile[l][t] = MAX(w->tile[l][t], vol);
        g_autofree char *lk = g_strdup_printf("%u|%u|%s", l, t, inst->str);
        g_autofree char *bk = g_strdup_printf("B|%s", lk);
        /* Stationarity: the tile stays across the loops inside the innermost temporal loop
         * above the level over one of t's dimensions, and is replaced at each new index of
         * that loop or any loop outside it (in which the instance works). */
        int ks = -1; /* none: fetched once (loops are listed outermost first) */
        for (guint i = 0; i < k; i++)
            if (w->loop[i].kind == W_T && (relevant(w->op, t) >> w->loop[i].dim & 1u))
                ks = (int)i;
        g_autoptr(GString) outer = g_string_new(NULL);
        for (int i = 0; i <= ks; i++)
            if (w->loop[i].kind == W_T)
                g_string_append_printf(outer, "%u.", w->idx[i]);
        const char *prev = g_hash_table_lookup(w->last, lk);
        const char *prev_box = g_hash_table_lookup(w->last, bk);
        g_string_printf(key, "P|%u|%u|%s%s", l, t, inst->str, b->str);
        if (fresh(w, key)) {
            w->part_all[l][t] += vol;
            if (zero)
                w->part0[l][t] += vol;
        }
        if (prev != NULL && strcmp(prev, outer->str) == 0)
            continue; /* the tile is still there */
        if (prev_box == NULL || strcmp(prev_box, b->str) != 0)
            w->changed_all += vol;
        w->delivered_all += vol;
        g_hash_table_replace(w->last, g_steal_pointer(&lk), g_strdup(outer->str));
        g_hash_table_replace(w->last, g_steal_pointer(&bk), g_strdup(b->str));
        w->del_all[l][t] += vol;
        if (zero)
            w->del0[l][t] += vol;
        int p = (int)l - 1;
        while (p >= 0 && !(w->keep[p] >> t & 1u))
            p--;
        if (p < 0)
            continue;
        g_autoptr(GString) pinst = g_string_new(NULL);
        gboolean pzero;
        indices(w, w->level_start[p], TRUE, pinst, &pzero);
        g_string_printf(key, "A|%d|%u|%s%s%s", p, t, pinst->str, when->str, b->str);
        if (fresh(w, key)) {
            w->acc_all[p][t] += vol;
            if (pzero)
                w->acc0[p][t] += vol;
        }
    }
}

static void mac(Walk *w, const uint64_t *start)
{
    g_autoptr(GString) inst = g_string_new(NULL), when = g_string_new(NULL);
    g_autoptr(GString) key = g_string_new(NULL), b = g_string_new(NULL);
    gboolean zero, tzero;
    indices(w, w->n, TRUE, inst, &zero);
    indices(w, w->n, FALSE, when, &tzero);
    w->macs++;
    if (zero)
        w->steps0++;
    g_string_printf(key, "C|%s", inst->str);
    if (fresh(w, key))
        w->compute_instances++;
    const uint64_t one[TS_MAX_DIMS] = {1, 1, 1, 1, 1, 1, 1, 1};
    for (guint t = 0; t < w->op->n_tensors; t++) {
        int p = (int)w->nl - 1;
        while (p >= 0 && !(w->keep[p] >> t & 1u))
            p--;
        g_autoptr(GString) pinst = g_string_new(NULL);
        gboolean pzero;
        indices(w, w->level_start[p], TRUE, pinst, &pzero);
        g_string_truncate(b, 0);
        box(w, t, start, one, b);
        g_string_printf(key, "A|%d|%u|%s%s%s", p, t, pinst->str, when->str, b->str);
        if (fresh(w, key)) {
            w->acc_all[p][t]++;
            if (pzero)
                w->acc0[p][t]++;
        }
    }
}

static void walk_rec(Walk *w, guint k, const uint64_t *start, const uint64_t *rem)
{
    for (guint l = 0; l < w->nl; l++)
        if (w->level_start[l] == k)
            visit(w, l, k, start, rem);
    if (k == w->n) {
        mac(w, start);
        return;
    }
    const WLoop *lp = &w->loop[k];
    uint64_t s2[TS_MAX_DIMS], r2[TS_MAX_DIMS];
    memcpy(s2, start, sizeof s2);
    memcpy(r2, rem, sizeof r2);
    for (uint32_t i = 0; i < lp->f && (uint64_t)i * lp->stride < rem[lp->dim]; i++) {
        w->idx[k] = i;
        s2[lp->dim] = start[lp->dim] + (uint64_t)i * lp->stride;
        r2[lp->dim] = MIN(lp->stride, rem[lp->dim] - (uint64_t)i * lp->stride);
        walk_rec(w, k + 1, s2, r2);
    }
    w->idx[k] = 0;
}

/* The nest of map as the model builds it: per level, outermost first, the temporal loops in
 * permutation order, then the Y loops, then the X loops (one container per axis, X inner). */
static void walk(Walk *w, const TsOp *op, const TsMapping *map)
{
    memset(w, 0, sizeof *w);
    w->op = op;
    w->nl = map->n_levels;
    for (guint l = 0; l < w->nl; l++) {
        w->keep[l] = map->level[l].keep;
        w->level_start[l] = w->n;
        const TsMappingLevel *ml = &map->level[l];
        for (guint i = op->n_dims; i-- > 0;) {
            const guint d = ml->permutation[i];
            if (ml->temporal[d] > 1)
                w->loop[w->n++] = (WLoop){l, d, W_T, ml->temporal[d], 0};
        }
        for (guint axis = 0; axis < 2; axis++)
            for (guint i = op->n_dims; i-- > 0;) {
                const guint d = ml->spatial_permutation[i];
                const uint32_t f = axis == 0 ? ml->spatial_y[d] : ml->spatial_x[d];
                if (f > 1)
                    w->loop[w->n++] = (WLoop){l, d, axis == 0 ? W_Y : W_X, f, 0};
            }
    }
    w->level_start[w->nl] = w->n;
    uint64_t inner[TS_MAX_DIMS];
    for (guint d = 0; d < TS_MAX_DIMS; d++)
        inner[d] = 1;
    for (guint k = w->n; k-- > 0;) {
        w->loop[k].stride = inner[w->loop[k].dim];
        inner[w->loop[k].dim] *= w->loop[k].f;
    }
    w->last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    w->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    uint64_t start[TS_MAX_DIMS] = {0}, rem[TS_MAX_DIMS];
    for (guint d = 0; d < TS_MAX_DIMS; d++)
        rem[d] = d < op->n_dims ? op->dims[d] : 1;
    walk_rec(w, 0, start, rem);
    g_hash_table_destroy(w->last);
    g_hash_table_destroy(w->seen);
}

/* The walk's counts as the model's actions: the read-modify-write tensor's first read of each
 * element it holds is elided (reads and fills less the partition); the backing store (the
 * outermost keeping level) is never filled. */
static void walk_actions(const Walk *w, guint l, guint t, gboolean all, uint64_t *reads,
                         uint64_t *fills, uint64_t *updates)
{
    const gboolean rw = t == w->op->output;
    guint backing = 0;
    while (!(w->keep[backing] >> t & 1u))
        backing++;
    const uint64_t acc = all ? w->acc_all[l][t] : w->acc0[l][t];
    const uint64_t part = all ? w->part_all[l][t] : w->part0[l][t];
    const uint64_t del = all ? w->del_all[l][t] : w->del0[l][t];
    *updates = rw ? acc : 0;
    *reads = rw ? acc - part : acc;
    *fills = l == backing ? 0 : rw ? del - part : del;
}

/* ---- Architectures --------------------------------------------------------------------- */

typedef struct {
    TsLevel storage[4];
    TsLevel mac;
    guint n;
} WArch;

/* DRAM -> GlobalBuffer (fan-out 4 x 4) -> RegisterFile -> MAC: the fixture's hierarchy with a
 * small array, block size 1 and unbounded bandwidth. */
static void arch_one_fanout(WArch *a)
{
    FxArch fx;
    fx_arch(&fx);
    memset(a, 0, sizeof *a);
    a->n = 3;
    memcpy(a->storage, fx.storage, sizeof fx.storage);
    a->mac = fx.mac;
    for (guint l = 0; l < 3; l++) {
        a->storage[l].block_size = 1;
        a->storage[l].read_bw_words_per_cycle = a->storage[l].write_bw_words_per_cycle = 0;
    }
    a->storage[FX_GLB].fanout_x = a->storage[FX_GLB].fanout_y = 4;
    a->storage[FX_RF].instances = a->mac.instances = 16;
    a->storage[FX_RF].mesh_x = a->storage[FX_RF].mesh_y = a->mac.mesh_x = a->mac.mesh_y = 4;
}

/* DRAM -> GlobalBuffer (fan-out 3 along X) -> L1 x3 (fan-out 2 along Y each) -> RF x6 -> MAC. */
static void arch_two_fanouts(WArch *a)
{
    arch_one_fanout(a);
    a->n = 4;
    TsLevel rf = a->storage[FX_RF];
    a->storage[1].fanout_x = 3;
    a->storage[1].fanout_y = 1;
    a->storage[2] = rf;
    a->storage[2].name = "L1";
    a->storage[2].instances = 3;
    a->storage[2].mesh_x = 3;
    a->storage[2].mesh_y = 1;
    a->storage[2].fanout_x = 1;
    a->storage[2].fanout_y = 2;
    a->storage[2].size_words = 4096;
    a->storage[3] = rf;
    a->storage[3].instances = 6;
    a->storage[3].mesh_x = 3;
    a->storage[3].mesh_y = 2;
    a->mac.instances = 6;
    a->mac.mesh_x = 3;
    a->mac.mesh_y = 2;
}

/* ---- Random ceil mappings ---------------------------------------------------------------- */

/* Factors of each dimension: small random ones everywhere, then the outermost non-trivial loop
 * (nest order: temporal, Y, X per level) set to the ceil of the size over the others. */
static void random_mapping(GRand *rng, const WArch *a, const TsOp *op, TsMapping *map)
{
    ts_mapping_init(map, a->n, op);
    for (guint d = 0; d < op->n_dims; d++) {
        for (;;) {
            uint32_t *slot[TS_ARCH_MAX_LEVELS * 3];
            guint n = 0;
            for (guint l = 0; l < a->n; l++) {
                TsMappingLevel *ml = &map->level[l];
                ml->temporal[d] = (uint32_t)g_rand_int_range(rng, 1, 4);
                ml->spatial_y[d] = a->storage[l].fanout_y > 1 && g_rand_boolean(rng)
                                       ? (uint32_t)g_rand_int_range(rng, 1, 4)
                                       : 1;
                ml->spatial_x[d] =
                    a->storage[l].fanout_x > 1 && ml->spatial_y[d] == 1 && g_rand_boolean(rng)
                        ? (uint32_t)g_rand_int_range(rng, 1, 4)
                        : 1;
                slot[n++] = &ml->temporal[d];
                slot[n++] = &ml->spatial_y[d];
                slot[n++] = &ml->spatial_x[d];
            }
            guint top = 0;
            while (top < n && *slot[top] == 1)
                top++;
            if (top == n)
                continue;
            uint64_t inner = 1;
            for (guint i = top + 1; i < n; i++)
                inner *= *slot[i];
            if (inner >= op->dims[d])
                continue;
            *slot[top] = (uint32_t)((op->dims[d] + inner - 1) / inner);
            break;
        }
    }
    for (guint l = 0; l < a->n; l++) {
        for (guint i = op->n_dims; i > 1; i--) {
            guint j = (guint)g_rand_int_range(rng, 0, (gint32)i);
            uint8_t x = map->level[l].permutation[i - 1];
            map->level[l].permutation[i - 1] = map->level[l].permutation[j];
            map->level[l].permutation[j] = x;
        }
        if (l > 0)
            map->level[l].keep = (uint8_t)g_rand_int_range(rng, 0, 8);
    }
}

/* The factors of a mapping, for a failure message. */
static char *dump(const TsMapping *map, const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint l = 0; l < map->n_levels; l++) {
        const TsMappingLevel *ml = &map->level[l];
        g_string_append_printf(s, "  level %u keep %u perm", l, ml->keep);
        for (guint i = 0; i < op->n_dims; i++)
            g_string_append_printf(s, " %s", op->dim_names[ml->permutation[i]]);
        for (guint d = 0; d < op->n_dims; d++)
            g_string_append_printf(s, " %s=%u/X%u/Y%u", op->dim_names[d], ml->temporal[d],
                                   ml->spatial_x[d], ml->spatial_y[d]);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

static gboolean imperfect(const TsOp *op, const TsMapping *map)
{
    for (guint d = 0; d < op->n_dims; d++) {
        uint64_t p = 1;
        for (guint l = 0; l < map->n_levels; l++)
            p *= (uint64_t)map->level[l].temporal[d] * map->level[l].spatial_x[d] *
                 map->level[l].spatial_y[d];
        if (p != op->dims[d])
            return TRUE;
    }
    return FALSE;
}

static void check_against_walk(const WArch *a, const TsOp *op, guint n_maps, guint64 seed)
{
    TsModelOptions o = {.imperfect_factors = TRUE};
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) m = ts_model_new_from_levels(a->storage, a->n, &a->mac, 1e9, op, &o, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    GRand *rng = g_rand_new_with_seed((guint32)seed);
    guint checked = 0, partial = 0, refused = 0;
    uint64_t changed = 0, delivered = 0;
    for (guint iter = 0; iter < n_maps * 20 && checked < n_maps; iter++) {
        TsMapping map;
        random_mapping(rng, a, op, &map);
        TsCost c;
        TsEvalStatus st = ts_model_evaluate(m, &map, &c);
        if (st == TS_EVAL_FACTORS) {
            refused++; /* every random mapping is a ceil factorization */
            continue;
        }
        if (st != TS_EVAL_OK)
            continue;
        checked++;
        partial += imperfect(op, &map);
        Walk w;
        walk(&w, op, &map);
        changed += w.changed_all;
        delivered += w.delivered_all;
        gboolean ok = w.macs == c.macs && (double)w.steps0 == c.compute_cycles &&
                      w.compute_instances == c.compute_instances;
        for (guint l = 0; l < a->n; l++) {
            ok &= w.instances[l] == c.level[l].instances_used;
            for (guint t = 0; t < op->n_tensors; t++) {
                if (!(map.level[l].keep >> t & 1u))
                    continue;
                const TsTensorCost *tc = &c.level[l].tensor[t];
                uint64_t r, f, u, r0, f0, u0;
                walk_actions(&w, l, t, TRUE, &r, &f, &u);
                walk_actions(&w, l, t, FALSE, &r0, &f0, &u0);
                const gboolean same = r == tc->reads_all && f == tc->fills_all &&
                                      u == tc->updates_all && r0 == tc->reads && f0 == tc->fills &&
                                      u0 == tc->updates && w.tile[l][t] == tc->tile_words;
                if (!same) {
                    g_autofree char *nest = dump(&map, op);
                    fprintf(stderr,
                            "level %u tensor %s: walk reads %" G_GUINT64_FORMAT
                            " fills %" G_GUINT64_FORMAT " updates %" G_GUINT64_FORMAT
                            " (busiest %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                            "/%" G_GUINT64_FORMAT ", tile %" G_GUINT64_FORMAT
                            "); model %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                            "/%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                            "/%" G_GUINT64_FORMAT ", tile %" G_GUINT64_FORMAT ")\n%s",
                            l, op->tensors[t].name, r, f, u, r0, f0, u0, w.tile[l][t],
                            tc->reads_all, tc->fills_all, tc->updates_all, tc->reads, tc->fills,
                            tc->updates, tc->tile_words, nest);
                }
                ok &= same;
            }
        }
        if (!ok)
            fprintf(stderr,
                    "  macs %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " steps %" G_GUINT64_FORMAT
                    "/%g instances %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
                    w.macs, c.macs, w.steps0, c.compute_cycles, w.compute_instances,
                    c.compute_instances);
        CU_ASSERT(ok);
        if (!ok)
            break;
        /* Utilization counts the work done: MACs over cycles x instances. */
        CU_ASSERT_DOUBLE_EQUAL(c.utilization,
                               (double)c.macs / (c.cycles * (double)a->mac.instances), 1e-12);
    }
    fprintf(
        stderr,
        "    %u mappings checked (%u with partial tiles), %u refused; deliveries of an "
        "unchanged tile (kept by an ideal buffer, refetched by the stationarity rule): %.2f%%\n",
        checked, partial, refused,
        delivered ? 100.0 * (double)(delivered - changed) / (double)delivered : 0.0);
    CU_ASSERT(refused == 0);
    CU_ASSERT(checked == n_maps);
    CU_ASSERT(partial > n_maps / 2);
    g_rand_free(rng);
}

static void test_walk_one_fanout_gemm(void)
{
    WArch a;
    arch_one_fanout(&a);
    TsOp op;
    fx_gemm(&op, 7, 10, 5);
    check_against_walk(&a, &op, 60, ts_test_seed(11));
}

static void test_walk_two_fanouts_gemm(void)
{
    WArch a;
    arch_two_fanouts(&a);
    TsOp op;
    fx_gemm(&op, 9, 5, 11);
    check_against_walk(&a, &op, 60, ts_test_seed(12));
}

/* A batched product with an extra dimension only Outputs and Inputs see. */
static void test_walk_batched(void)
{
    WArch a;
    arch_two_fanouts(&a);
    TsOp op;
    fx_gemm(&op, 5, 6, 7);
    op.n_dims = 4;
    op.dim_names[3] = "B";
    op.dims[3] = 3;
    TsTensor *in = &op.tensors[FX_I], *out = &op.tensors[FX_O];
    ts_test_rank(in, 2, 3);
    in->n_ranks = 3;
    ts_test_rank(out, 2, 3);
    out->n_ranks = 3;
    op.macs = 5 * 6 * 7 * 3;
    check_against_walk(&a, &op, 40, ts_test_seed(13));
}

/* Perfect mode (Timeloop parity) refuses ceil factors and says how to accept them; factors
 * that are not the ceil are refused in imperfect mode too. */
static void test_refusals(void)
{
    WArch a;
    arch_one_fanout(&a);
    TsOp op;
    fx_gemm(&op, 10, 4, 4);
    TsMapping map;
    ts_mapping_init(&map, a.n, &op);
    map.level[FX_DRAM].temporal[FX_M] = 4; /* 4 x 3 = 12 >= 10: ceil */
    map.level[FX_RF].temporal[FX_M] = 3;
    g_autoptr(TsModel) perfect =
        ts_model_new_from_levels(a.storage, a.n, &a.mac, 1e9, &op, NULL, NULL);
    TsCost c;
    CU_ASSERT_EQUAL(ts_model_evaluate(perfect, &map, &c), TS_EVAL_FACTORS);
    g_autofree char *why = ts_model_explain(perfect, &map, &c);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "--factorization imperfect"));
    TsModelOptions o = {.imperfect_factors = TRUE};
    g_autoptr(TsModel) m = ts_model_new_from_levels(a.storage, a.n, &a.mac, 1e9, &op, &o, NULL);
    CU_ASSERT_EQUAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.macs, 160);
    CU_ASSERT_EQUAL(c.compute_cycles, 160.0); /* 3 + 3 + 3 + 1 rows of M, not 12 */
    /* Not a ceil factorization: 5 x 3 = 15, but ceil(10 / 3) = 4. */
    map.level[FX_DRAM].temporal[FX_M] = 5;
    map.level[FX_RF].temporal[FX_M] = 3;
    CU_ASSERT_EQUAL(ts_model_evaluate(m, &map, &c), TS_EVAL_FACTORS);
    g_autofree char *why2 = ts_model_explain(m, &map, &c);
    CU_ASSERT_PTR_NOT_NULL(strstr(why2, "ceil(size"));
    /* The inner product reaching the size is no ceil factorization either (12 >= 10). */
    map.level[FX_DRAM].temporal[FX_M] = 2;
    map.level[FX_RF].temporal[FX_M] = 12;
    CU_ASSERT_EQUAL(ts_model_evaluate(m, &map, &c), TS_EVAL_FACTORS);
}

/* A convolution (sliding-window Inputs) takes perfect factors only, with the reason. */
static void test_sliding_window_refused(void)
{
    WArch a;
    arch_one_fanout(&a);
    TsOp op;
    fx_gemm(&op, 4, 4, 4);
    /* Inputs[M + K] (a 1-D convolution: rank summing two dims). */
    TsTensor *in = &op.tensors[FX_I];
    in->n_ranks = 1;
    in->ranks[0].n_terms = 2;
    in->ranks[0].dim[0] = FX_M;
    in->ranks[0].coef[0] = 1;
    in->ranks[0].dim[1] = FX_K;
    in->ranks[0].coef[1] = 1;
    CU_ASSERT_EQUAL(ts_model_imperfect_dims(&op), 0u);
    TsModelOptions o = {.imperfect_factors = TRUE};
    g_autoptr(TsModel) m = ts_model_new_from_levels(a.storage, a.n, &a.mac, 1e9, &op, &o, NULL);
    TsMapping map;
    ts_mapping_init(&map, a.n, &op);
    map.level[FX_DRAM].temporal[FX_N] = 2;
    map.level[FX_RF].temporal[FX_N] = 3; /* 6 >= 4 */
    TsCost c;
    CU_ASSERT_EQUAL(ts_model_evaluate(m, &map, &c), TS_EVAL_FACTORS);
    g_autofree char *why = ts_model_explain(m, &map, &c);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "sliding-window"));
    /* GEMM: every dimension may take them. */
    TsOp g;
    fx_gemm(&g, 4, 4, 4);
    CU_ASSERT_EQUAL(ts_model_imperfect_dims(&g), 7u);
}

static double totals_member(const char *path, const char *key)
{
    g_autoptr(JsonParser) p = json_parser_new();
    if (!json_parser_load_from_file(p, path, NULL))
        return -1.0;
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    return json_object_get_double_member(json_object_get_object_member(o, "totals"), key);
}

/* The command line: map searches ceil factors and writes them in Timeloop's residual form,
 * model reads them back (same energy and cycles) only with --factorization imperfect, simulate
 * evaluates the same mapping, and a bad value is refused. */
static void test_cli_round_trip(void)
{
    if (g_getenv("TILESIM_BIN") == NULL) {
        fprintf(stderr, "    TILESIM_BIN unset: skipped\n");
        return;
    }
    g_autofree char *dir = g_dir_make_tmp("ts-imperfect-XXXXXX", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    g_autofree char *yaml = g_build_filename(dir, "ktq.yaml", NULL);
    g_autofree char *mjson = g_build_filename(dir, "map.json", NULL);
    g_autofree char *ejson = g_build_filename(dir, "model.json", NULL);
    g_autofree char *sjson = g_build_filename(dir, "simulate.json", NULL);
    const char *map[] = {"map",       "--arch",   "eyeriss-like", "--workload",
                         "bert-base", "--op",     "KTQ",          "--factorization",
                         "imperfect", "--budget", "6000",         "--no-polish",
                         "--threads", "1",        "--quiet",      "--mapping-out",
                         yaml,        "--json",   mjson,          NULL};
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL_FATAL(ts_test_tilesim(map, &out, &err), 0);
    g_autofree char *text = NULL;
    CU_ASSERT_FATAL(g_file_get_contents(yaml, &text, NULL, NULL));
    /* 64 and 768 on a 14 x 12 array: the best mapping uses a partial tile somewhere */
    CU_ASSERT_PTR_NOT_NULL(strstr(text, ","));
    const double energy = totals_member(mjson, "energy_pj");
    const double cycles = totals_member(mjson, "cycles");
    CU_ASSERT(energy > 0 && cycles > 0);
    const char *model[] = {"model",     "--arch", "eyeriss-like", "--workload", "bert-base",
                           "--op",      "KTQ",    "--mapping",    yaml,         "--factorization",
                           "imperfect", "--json", ejson,          "--quiet",    NULL};
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    CU_ASSERT_EQUAL(ts_test_tilesim(model, &out, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(totals_member(ejson, "energy_pj"), energy, energy * 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(totals_member(ejson, "cycles"), cycles, 1e-9);
    const char *simulate[] = {"simulate",   "--arch",    "eyeriss-like",
                              "--workload", "bert-base", "--op",
                              "KTQ",        "--mapping", yaml,
                              "--json",     sjson,       "--factorization",
                              "imperfect",  "--quiet",   NULL};
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    CU_ASSERT_EQUAL(ts_test_tilesim(simulate, &out, &err), 0);
    CU_ASSERT_DOUBLE_EQUAL(totals_member(sjson, "energy_pj"), energy, energy * 1e-12);
    /* Perfect mode (the default) refuses the ceil factors and names the option. */
    const char *strict[] = {"model", "--arch",    "eyeriss-like", "--workload", "bert-base", "--op",
                            "KTQ",   "--mapping", yaml,           "--quiet",    NULL};
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    CU_ASSERT_EQUAL(ts_test_tilesim(strict, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, "--factorization imperfect") : NULL);
    const char *bad[] = {"map",  "--arch", "eyeriss-like",    "--workload", "bert-base",
                         "--op", "KTQ",    "--factorization", "ceil",       NULL};
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    CU_ASSERT_EQUAL(ts_test_tilesim(bad, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(err != NULL ? strstr(err, "perfect or imperfect (got 'ceil')") : NULL);
    ts_test_remove_tree(dir);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("imperfect", NULL, NULL);
    CU_add_test(s, "walk_one_fanout_gemm", test_walk_one_fanout_gemm);
    CU_add_test(s, "walk_two_fanouts_gemm", test_walk_two_fanouts_gemm);
    CU_add_test(s, "walk_batched", test_walk_batched);
    CU_add_test(s, "refusals", test_refusals);
    CU_add_test(s, "sliding_window_refused", test_sliding_window_refused);
    CU_add_test(s, "cli_round_trip", test_cli_round_trip);
    return ts_test_run(argc, argv);
}
