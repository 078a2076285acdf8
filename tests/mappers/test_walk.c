/* The loop-nest walker against the analytical model: over many random valid mappings of
 * several ops (GEMMs, the ops of a small transformer layer, a convolution with sliding
 * windows, in Timeloop-parity and exact-delta modes) on several architectures, the reads,
 * fills and updates a whole walk lists, at every depth whose step count is small enough,
 * equal the model's per level and tensor, and so do the compute iterations. Seed printed;
 * TILESIM_TEST_SEED overrides it. */
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-model.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-test.h"
#include "ts-walk.h"

#define MAX_STEPS 20000 /* per walk: keeps the suite to seconds in Debug */

typedef struct {
    uint64_t reads[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t fills[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t updates[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    /* summed over instances */
    uint64_t reads_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t fills_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t updates_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t iterations, steps, macs;
} Totals;

static void walk_totals(TsWalk *w, Totals *t)
{
    memset(t, 0, sizeof *t);
    TsWalkStep st;
    const guint nl = ts_model_n_levels(ts_walk_model(w));
    while (ts_walk_next(w, &st)) {
        CU_ASSERT_EQUAL(st.index, t->steps);
        t->steps++;
        t->iterations += st.iterations;
        t->macs += st.macs;
        CU_ASSERT(st.iterations > 0);
        for (guint l = 0; l < nl; l++) {
            for (guint k = 0; k < TS_MAX_TENSORS; k++) {
                t->reads[l][k] += st.inner[l][k].reads;
                t->fills[l][k] += st.inner[l][k].fills;
                t->updates[l][k] += st.inner[l][k].updates;
                t->reads_all[l][k] += st.inner[l][k].reads_all;
                t->fills_all[l][k] += st.inner[l][k].fills_all;
                t->updates_all[l][k] += st.inner[l][k].updates_all;
            }
        }
        for (guint i = 0; i < st.n_before; i++) {
            const TsWalkXfer *x = &st.before[i];
            CU_ASSERT_EQUAL(x->kind, TS_WALK_FILL);
            CU_ASSERT(x->peer < x->level && x->level <= ts_walk_depth(w));
            t->fills[x->level][x->tensor] += x->elements;
            t->reads[x->peer][x->tensor] += x->peer_elements;
            t->fills_all[x->level][x->tensor] += x->elements_all;
            t->reads_all[x->peer][x->tensor] += x->peer_elements_all;
        }
        for (guint i = 0; i < st.n_after; i++) {
            const TsWalkXfer *x = &st.after[i];
            CU_ASSERT_EQUAL(x->kind, TS_WALK_UPDATE);
            t->updates[x->peer][x->tensor] += x->peer_elements;
            t->updates_all[x->peer][x->tensor] += x->peer_elements_all;
        }
    }
}

static gboolean same_xfer(const TsWalkXfer *a, const TsWalkXfer *b, guint nd)
{
    if (a->kind != b->kind || a->level != b->level || a->peer != b->peer ||
        a->tensor != b->tensor || a->version != b->version || a->elements != b->elements ||
        a->peer_elements != b->peer_elements || a->elements_all != b->elements_all ||
        a->peer_elements_all != b->peer_elements_all || a->prev_visit != b->prev_visit)
        return FALSE;
    return memcmp(a->origin, b->origin, nd * sizeof a->origin[0]) == 0;
}

/* Set while the walks have sliding windows (each walk owns its windows' memo of deliveries). */
static gboolean g_sliding;

/* A copy of a walked walk (ts_walk_copy) lists the same steps as a new walk, sharing its loop
 * nest: what it owns is sized by the mapping's levels, not the walker's maxima, and is smaller
 * than the shared tables (without output regions or sliding windows to track: those are per
 * walk). */
static void check_copy(TsWalk *w)
{
    ts_walk_reset(w);
    g_autoptr(TsWalk) c = ts_walk_copy(w);
    const TsModel *m = ts_walk_model(w);
    const guint nl = ts_model_n_levels(m), nd = ts_model_op(m)->n_dims;
    const guint nt = ts_model_op(m)->n_tensors;
    if (!ts_walk_imperfect(w) && !g_sliding) {
        CU_ASSERT(ts_walk_bytes(c) < ts_walk_shared_bytes(c));
        CU_ASSERT(ts_walk_bytes(c) <= 16384);
    }
    TsWalkStep a, b;
    gboolean more;
    do {
        more = ts_walk_next(w, &a);
        CU_ASSERT_EQUAL_FATAL(ts_walk_next(c, &b), more);
        if (!more)
            break;
        CU_ASSERT_EQUAL_FATAL(a.index, b.index);
        CU_ASSERT_EQUAL_FATAL(a.n_before, b.n_before);
        CU_ASSERT_EQUAL_FATAL(a.n_after, b.n_after);
        CU_ASSERT_EQUAL(a.iterations, b.iterations);
        CU_ASSERT_EQUAL(a.macs, b.macs);
        for (guint i = 0; i < a.n_before; i++)
            CU_ASSERT(same_xfer(&a.before[i], &b.before[i], nd));
        for (guint i = 0; i < a.n_after; i++)
            CU_ASSERT(same_xfer(&a.after[i], &b.after[i], nd));
        for (guint l = 0; l < nl; l++)
            for (guint k = 0; k < nt; k++)
                CU_ASSERT(memcmp(&a.inner[l][k], &b.inner[l][k], sizeof a.inner[l][k]) == 0);
    } while (more);
}

/* Compares one walk with the model; returns FALSE (after printing) on the first difference. */
static gboolean check_walk(const TsModel *m, const TsMapping *map, guint depth, const char *what,
                           gboolean copy)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWalk) w = ts_walk_new(m, map, depth, &error);
    CU_ASSERT_PTR_NOT_NULL(w);
    if (w == NULL) {
        fprintf(stderr, "%s: %s\n", what, error->message);
        return FALSE;
    }
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, map, &cost), TS_EVAL_OK);
    Totals t;
    walk_totals(w, &t);
    CU_ASSERT_EQUAL(t.steps, ts_walk_n_steps(w));
    CU_ASSERT_EQUAL(t.iterations, ts_walk_compute_iterations(w));
    if (!ts_walk_imperfect(w))
        CU_ASSERT_EQUAL(t.iterations * ts_walk_compute_instances(w), cost.macs);
    CU_ASSERT_EQUAL(t.macs, cost.macs);
    const TsOp *op = ts_model_op(m);
    for (guint l = 0; l < ts_model_n_levels(m); l++) {
        for (guint k = 0; k < op->n_tensors; k++) {
            const TsTensorCost *tc = &cost.level[l].tensor[k];
            const gboolean kept = (map->level[l].keep >> k) & 1u;
            uint64_t r = kept ? ts_walk_words(w, l, k, t.reads[l][k]) : t.reads[l][k];
            uint64_t f = kept ? ts_walk_words(w, l, k, t.fills[l][k]) : t.fills[l][k];
            uint64_t u = kept ? ts_walk_words(w, l, k, t.updates[l][k]) : t.updates[l][k];
            /* summed over instances: the model's *_all (words of the total with imperfect
             * factors, per-instance words x instances otherwise) */
            const uint64_t inst = ts_walk_instances(w, l);
            uint64_t ra = !kept                  ? t.reads_all[l][k]
                          : ts_walk_imperfect(w) ? ts_walk_words(w, l, k, t.reads_all[l][k])
                                                 : r * inst;
            uint64_t fa = !kept                  ? t.fills_all[l][k]
                          : ts_walk_imperfect(w) ? ts_walk_words(w, l, k, t.fills_all[l][k])
                                                 : f * inst;
            uint64_t ua = !kept                  ? t.updates_all[l][k]
                          : ts_walk_imperfect(w) ? ts_walk_words(w, l, k, t.updates_all[l][k])
                                                 : u * inst;
            if (!ts_walk_imperfect(w))
                CU_ASSERT_EQUAL(t.reads_all[l][k], t.reads[l][k] * inst);
            if (r != tc->reads || f != tc->fills || u != tc->updates ||
                (kept && (ra != tc->reads_all || fa != tc->fills_all || ua != tc->updates_all)) ||
                (kept && ts_walk_instances(w, l) != tc->instances)) {
                fprintf(stderr,
                        "%s depth %u: %s %s: walk reads %" G_GUINT64_FORMAT
                        " fills %" G_GUINT64_FORMAT " updates %" G_GUINT64_FORMAT
                        " (all %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                        "), model %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                        " (all %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                        ")\n",
                        what, depth, ts_model_level(m, l)->name, op->tensors[k].name, r, f, u, ra,
                        fa, ua, tc->reads, tc->fills, tc->updates, tc->reads_all, tc->fills_all,
                        tc->updates_all);
                g_autofree char *nest = ts_model_format_nest(m, map);
                fprintf(stderr, "%s", nest);
                CU_FAIL("walk counts differ from the model");
                return FALSE;
            }
        }
    }
    if (copy)
        check_copy(w);
    return TRUE;
}

/* Every depth whose walk stays below MAX_STEPS steps. */
static guint check_mapping(const TsModel *m, const TsMapping *map, const char *what)
{
    const guint deepest = ts_walk_depth_for(m, map, MAX_STEPS);
    guint walks = 0;
    for (guint d = 0; d <= deepest; d++) {
        if (!check_walk(m, map, d, what, d == deepest)) /* copies: at the deepest depth */
            return walks;
        walks++;
    }
    return walks;
}

static void check_pair(const char *arch_name, const TsOp *op, const TsModelOptions *opt, GRand *rng,
                       guint n)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsModel) m = ts_model_new_full(arch, op, opt, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsMapping *maps = g_new0(TsMapping, n);
    const gboolean imperfect = opt && opt->imperfect_factors;
    guint found = ts_test_random_mappings_full(
        arch, m, op, rng, maps, n, 400 * n, imperfect ? ts_model_imperfect_dims(op) : 0, imperfect);
    CU_ASSERT(found >= n / 2);
    guint walks = 0;
    g_autofree char *what =
        g_strdup_printf("%s on %s%s", op->name, arch_name,
                        opt && opt->exact_sliding_window_deltas ? " (exact)" : "");
    for (guint i = 0; i < found; i++)
        walks += check_mapping(m, &maps[i], what);
    CU_ASSERT(walks >= found);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "%s: %u mappings, %u walks\n", what, found, walks);
    g_free(maps);
}

static const char *const kArchs[] = {"eyeriss-like", "gemmini-like", "transformer-gemmini",
                                     "simba-like",   "upmem-pim",    NULL};

static GRand *new_rng(void)
{
    return g_rand_new_with_seed((guint32)ts_test_seed(20240611));
}

static void test_gemms(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_gemm(&op, 16, 24, 36);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, NULL, rng, 40);
    ts_test_gemm(&op, 64, 12, 128);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, NULL, rng, 30);
    /* the model's options: no first-read elision, multicast over a whole two-container fan-out */
    TsModelOptions opt = {.no_first_read_elision = TRUE, .diagonal_multicast = TRUE};
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, &opt, rng, 20);
}

/* The einsums of a small transformer layer (batched attention products included). */
static void test_layer_ops(void)
{
    g_autoptr(GRand) rng = new_rng();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) wl = ts_test_small_transformer(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *op = ts_workload_op(wl, i);
        if (op->kind != TS_OP_EINSUM)
            continue;
        for (guint a = 0; kArchs[a]; a++)
            check_pair(kArchs[a], op, NULL, rng, 12);
    }
}

static void test_sliding_windows(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_conv2d(&op, 8, 3, 6, 3);
    TsModelOptions exact = {.exact_sliding_window_deltas = TRUE};
    g_sliding = TRUE;
    for (guint a = 0; kArchs[a]; a++) {
        check_pair(kArchs[a], &op, NULL, rng, 30);
        check_pair(kArchs[a], &op, &exact, rng, 15);
    }
    g_sliding = FALSE;
}

/* Imperfect (ceil) factors: partial tiles in the last iteration of a loop over a remainder,
 * iterations past the size skipped; the busiest instance's counts and the counts summed over
 * instances equal the model's (which test_imperfect checks against an iteration-by-iteration
 * walk), on GEMMs of awkward sizes and the transformer layer's einsums. */
static void test_imperfect(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsModelOptions opt = {.imperfect_factors = TRUE};
    TsOp op;
    ts_test_gemm(&op, 13, 22, 37);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, &opt, rng, 20);
    ts_test_gemm(&op, 50, 14, 96);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, &opt, rng, 12);
    TsModelOptions opt2 = {.imperfect_factors = TRUE, .no_first_read_elision = TRUE};
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, &opt2, rng, 6);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) wl = ts_test_small_transformer(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *lop = ts_workload_op(wl, i);
        if (lop->kind != TS_OP_EINSUM)
            continue;
        for (guint a = 0; kArchs[a]; a++)
            check_pair(kArchs[a], lop, &opt, rng, 5);
    }
}

/* Transfers at the explicit levels: versions and origins follow the loops. */
static void test_transfers(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("gemmini-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    ts_test_gemm(&op, 32, 32, 64);
    g_autoptr(TsModel) m = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    /* DRAM: M2 N2 (perm M innermost); Scratchpad holds Weights and Inputs; Accumulator the
     * outputs; the array K64 under M16 N16 spatially. */
    const char *text = "mapping:\n"
                       "- {target: DRAM, type: temporal, factors: M2 N2 K1, permutation: MNK}\n"
                       "- {target: Scratchpad, type: datatype, keep: [Weights, Inputs], "
                       "bypass: [Outputs]}\n"
                       "- {target: Scratchpad, type: temporal, factors: M1 N1 K1}\n"
                       "- {target: Accumulator, type: datatype, keep: [Outputs], "
                       "bypass: [Weights, Inputs]}\n"
                       "- {target: Accumulator, type: temporal, factors: M1 N1 K1}\n"
                       "- {target: Accumulator, type: spatial, factors: M16 N16 K1, split: 1}\n"
                       "- {target: Array.regs, type: datatype, keep: [], "
                       "bypass: [Weights, Inputs, Outputs]}\n"
                       "- {target: Array.regs, type: temporal, factors: M1 N1 K64}\n";
    TsMapping map;
    CU_ASSERT_TRUE_FATAL(ts_mapping_load_string("t.yaml", text, arch, &op, &map, &error));
    g_autoptr(TsWalk) w = ts_walk_new(m, &map, 2, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(ts_walk_n_steps(w), 4);
    TsWalkStep st;
    guint weights_fills = 0, inputs_fills = 0, writebacks = 0;
    while (ts_walk_next(w, &st)) {
        CU_ASSERT_EQUAL(st.iterations, 64);
        for (guint i = 0; i < st.n_before; i++) {
            const TsWalkXfer *x = &st.before[i];
            if (x->tensor == TS_TEST_WEIGHTS) {
                weights_fills++;
                CU_ASSERT_EQUAL(x->origin[TS_TEST_DIM_N], 16 * (st.index / 2));
            }
            if (x->tensor == TS_TEST_INPUTS) {
                inputs_fills++;
                CU_ASSERT_EQUAL(x->origin[TS_TEST_DIM_M], 16 * (st.index % 2));
                CU_ASSERT_EQUAL(x->elements, 16 * 64);
            }
            if (x->tensor == TS_TEST_OUTPUTS)
                CU_ASSERT_EQUAL(x->elements, 0); /* each output tile visited once: elided */
        }
        for (guint i = 0; i < st.n_after; i++) {
            CU_ASSERT_EQUAL(st.after[i].tensor, TS_TEST_OUTPUTS);
            CU_ASSERT_EQUAL(st.after[i].level, 2);
            CU_ASSERT_EQUAL(st.after[i].peer, 0);
            writebacks++;
        }
    }
    /* Weights change with N only (every other step: M is the inner loop), Inputs with M. */
    CU_ASSERT_EQUAL(weights_fills, 2);
    CU_ASSERT_EQUAL(inputs_fills, 4);
    CU_ASSERT_EQUAL(writebacks, 4);
    const uint64_t *box = ts_walk_box(w, 1, TS_TEST_INPUTS);
    CU_ASSERT_EQUAL(box[TS_TEST_DIM_M], 16);
    CU_ASSERT_EQUAL(box[TS_TEST_DIM_K], 64);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("walk", NULL, NULL);
    CU_add_test(s, "transfers, versions and origins", test_transfers);
    CU_add_test(s, "GEMMs: counts equal the model's", test_gemms);
    CU_add_test(s, "transformer layer ops: counts equal the model's", test_layer_ops);
    CU_add_test(s, "sliding windows: counts equal the model's", test_sliding_windows);
    CU_add_test(s, "imperfect factors: counts equal the model's", test_imperfect);
    return ts_test_run(argc, argv);
}
