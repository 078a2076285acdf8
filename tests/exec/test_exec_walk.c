/* A systolic array's timing in the DES does not depend on how finely the executor walks the
 * mapping (docs/des.md section 12, "Systolic steps and the walk depth"): a compute step of a
 * coarse walk runs as the passes its inner loops imply, each pass the GEMM of the finest walk's
 * step, with its folds, fill and drain.
 * - tpu-like FF2 (BERT-base, sequence 128) with the mapping `tilesim simulate --arch tpu-like
 *   --workload bert-base --budget 2000` finds: 2,304 passes of a 128 x 32 x 32 GEMM, 894
 *   cycles each; walked with max_steps 2000 and 32 (32 steps of 72 passes), 1 (one step) and at
 *   the finest depth, the array is busy for the model's fold timing (2,059,776 cycles) at every
 *   depth (before steps ran as their passes: 263,732 cycles at max_steps 2000, one 128 x 768 x
 *   96 GEMM of 3 folds per step), and the op's cycles are within 1% of the finest walk's;
 * - the BERT-base einsums on gemmini-like and tpu-like, mapped by the search: at every walk
 *   depth the array's busy cycles, fill and drain and MACs equal the finest walk's exactly and
 *   the op's cycles lie within WALK_TOL of them;
 * - random GEMM mappings on both, with perfect factors (busy cycles equal) and imperfect ones
 *   (within 2%, test_random). Seed printed; TILESIM_TEST_SEED overrides it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-walk.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-test.h"

/* The op's cycles at a coarser walk against the finest walk's (the array's busy time is equal,
 * to the picosecond's rounding): a coarse step moves the inner levels' tiles inside it rather
 * than as transfers of their own, which changes what waits for what around the array's passes
 * (the stalls), not the passes. Measured: at most 4.7% (gemmini-like VScores walked as one
 * step, whose inner transfers hide the op's first fill and last write-back, 4,028 cycles of
 * 86,972), 1.8% at other depths; a coarser walk never came out slower. */
#define WALK_TOL 0.05

static const uint64_t depths_steps[] = {1, 4, 32, 256, 2000};

/* Runs op with mapping m at max_steps (0: the default) with every instance simulated. */
static void run_at(const TsArch *arch, const TsModel *model, const TsMapping *m, uint64_t count,
                   uint64_t max_steps, TsExecOpResult *r)
{
    g_autoptr(GError) error = NULL;
    TsExecOptions opt = {.max_steps = max_steps, .instances = TS_EXEC_INSTANCES_ALL};
    gboolean ok = ts_exec_run_op(arch, model, m, count, &opt, r, &error);
    if (!ok)
        fprintf(stderr, "max_steps %" G_GUINT64_FORMAT ": %s\n", max_steps, error->message);
    CU_ASSERT_TRUE_FATAL(ok);
}

/* The largest relative differences check_depths saw, busy and cycles. */
static double worst_busy, worst_cycles, slowest;

/* The finest walk of m and the walks at depths_steps: the array's busy time within busy_tol
 * (relative) of the finest walk's, the op's cycles within cycles_tol; returns how many coarser
 * depths were compared. */
static guint check_depths_tol(const TsArch *arch, const TsModel *model, const TsMapping *m,
                              uint64_t count, const char *what, double busy_tol, double cycles_tol)
{
    const guint nl = ts_model_n_levels(model);
    TsExecOpResult fine;
    /* the finest walk: every storage level's tiles as steps */
    uint64_t fine_steps = 16384;
    while (ts_walk_depth_for(model, m, fine_steps) < nl - 1)
        fine_steps *= 2;
    run_at(arch, model, m, count, fine_steps, &fine);
    CU_ASSERT_EQUAL_FATAL(fine.depth, nl - 1);
    TsSystolicFolds f;
    CU_ASSERT_TRUE_FATAL(ts_model_systolic_folds(model, m, &f));
    /* the array's busy time at the finest walk: the model's fold timing, plus the cycle each
     * pass's last line takes (a step occupies its cycles + 1) */
    if (!ts_test_mapping_imperfect(ts_model_op(model), m, nl) && busy_tol <= 1e-9)
        CU_ASSERT_DOUBLE_EQUAL(fine.compute_busy_cycles, f.cycles * (double)count,
                               1e-9 * fine.compute_busy_cycles);
    guint compared = 0;
    guint last_depth = G_MAXUINT;
    for (gsize i = 0; i < G_N_ELEMENTS(depths_steps); i++) {
        const guint d = ts_walk_depth_for(model, m, depths_steps[i]);
        if (d == nl - 1 || d == last_depth)
            continue;
        last_depth = d;
        TsExecOpResult r;
        run_at(arch, model, m, count, depths_steps[i], &r);
        CU_ASSERT_EQUAL(r.depth, d);
        const double rel = fabs(r.cycles - fine.cycles) / fine.cycles;
        const double busy_rel =
            fabs(r.compute_busy_cycles - fine.compute_busy_cycles) / fine.compute_busy_cycles;
        const gboolean same = busy_rel <= busy_tol;
        worst_busy = MAX(worst_busy, busy_rel);
        worst_cycles = MAX(worst_cycles, rel);
        slowest = MAX(slowest, r.cycles / fine.cycles - 1);
        if (!same || rel > cycles_tol || g_getenv("TILESIM_TEST_VERBOSE"))
            fprintf(
                stderr,
                "%s max_steps %" G_GUINT64_FORMAT " (depth %u, %" G_GUINT64_FORMAT
                " steps): busy %.0f cycles %.0f fill/drain %.0f; finest (depth %u, "
                "%" G_GUINT64_FORMAT " steps): busy %.0f cycles %.0f fill/drain %.0f (%+.3f%%)\n",
                what, depths_steps[i], d, r.steps, r.compute_busy_cycles, r.cycles,
                r.array_fill_drain_cycles, fine.depth, fine.steps, fine.compute_busy_cycles,
                fine.cycles, fine.array_fill_drain_cycles, 100.0 * (r.cycles / fine.cycles - 1));
        CU_ASSERT_TRUE(same);
        if (busy_tol <= 1e-9)
            CU_ASSERT_DOUBLE_EQUAL(r.array_fill_drain_cycles, fine.array_fill_drain_cycles,
                                   1e-9 * fine.array_fill_drain_cycles + 1e-6);
        CU_ASSERT_EQUAL(r.cost.macs, fine.cost.macs);
        CU_ASSERT(rel <= cycles_tol);
        compared++;
    }
    return compared;
}

static guint check_depths(const TsArch *arch, const TsModel *model, const TsMapping *m,
                          uint64_t count, const char *what)
{
    return check_depths_tol(arch, model, m, count, what, 1e-9, WALK_TOL);
}

static const char ff2_mapping[] = "mapping:\n"
                                  "  - {target: MatrixUnit.regs, type: datatype, keep: [], "
                                  "bypass: [Weights, Inputs, Outputs]}\n"
                                  "  - {target: Accumulators, type: datatype, keep: [Outputs], "
                                  "bypass: [Weights, Inputs]}\n"
                                  "  - {target: UnifiedBuffer, type: datatype, keep: [Inputs], "
                                  "bypass: [Weights, Outputs]}\n"
                                  "  - {target: DRAM, type: datatype, keep: [Weights, Inputs, "
                                  "Outputs], bypass: []}\n"
                                  "  - {target: MatrixUnit.regs, type: temporal, factors: E4 D1 "
                                  "L1, permutation: EDL}\n"
                                  "  - {target: Accumulators, type: spatial, factors: E8 D32 "
                                  "L128, permutation: EDL, split: 2}\n"
                                  "  - {target: Accumulators, type: temporal, factors: E3 D24 "
                                  "L1, permutation: EDL}\n"
                                  "  - {target: UnifiedBuffer, type: temporal, factors: E32 D1 "
                                  "L1, permutation: EDL}\n"
                                  "  - {target: DRAM, type: temporal, factors: E1 D1 L1, "
                                  "permutation: EDL}\n";

/* The mapping of the brief's example: every depth gives the fold timing. */
static void test_tpu_ff2(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("tpu-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    const TsOp *op = ts_workload_find_op(wl, "FF2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    TsMapping m;
    CU_ASSERT_TRUE_FATAL(ts_mapping_load_string("ff2.map", ff2_mapping, arch, op, &m, &error));
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    TsSystolicFolds f;
    CU_ASSERT_TRUE_FATAL(ts_model_systolic_folds(model, &m, &f));
    CU_ASSERT_EQUAL(f.passes, 2304);
    CU_ASSERT_EQUAL(f.lines, 894);
    CU_ASSERT_DOUBLE_EQUAL(f.cycles, 2059776.0, 0.5);
    /* 2000: the Accumulators' depth, 32 steps of 72 passes (128 x 768 x 96 as one GEMM) */
    CU_ASSERT_EQUAL(ts_walk_depth_for(model, &m, 2000), ts_model_n_levels(model) - 2);
    CU_ASSERT(check_depths(arch, model, &m, MAX(op->count, 1), "tpu-like FF2") >= 2);
    TsExecOpResult fine, r;
    run_at(arch, model, &m, MAX(op->count, 1), 0, &fine);
    CU_ASSERT_EQUAL(fine.steps, 2304);
    run_at(arch, model, &m, MAX(op->count, 1), 2000, &r);
    CU_ASSERT_EQUAL(r.steps, 32);
    CU_ASSERT_DOUBLE_EQUAL(r.compute_busy_cycles, 2059776.0, 0.5);
    CU_ASSERT(fabs(r.cycles - fine.cycles) <= 0.01 * fine.cycles);
}

/* The BERT-base einsums on arch_name, mapped by the search (a small budget, one seed). */
static void check_arch(const char *arch_name)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkloadOverrides ov = {.seq = 32, .batch = 1};
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    /* gemmini-like's KQV, Out and FF2 walk 98,304 to 442,368 finest steps: left out there to
     * keep the suite short under the sanitizers */
    static const char *const all[] = {"KQV", "KTQ", "VScores", "Out", "FF1", "FF2", NULL};
    static const char *const few[] = {"KTQ", "VScores", "FF1", NULL};
    const char *const *ops = strcmp(arch_name, "gemmini-like") == 0 ? few : all;
    TsLayerOptions lo = {.only_ops = ops};
    ts_search_options_init(&lo.search);
    lo.search.budget = 500;
    lo.search.seed = 3;
    lo.search.threads = 1;
    TsLayerResult lr;
    gboolean ok = ts_layer_map(arch, wl, &lo, &lr, &error);
    if (!ok)
        fprintf(stderr, "map: %s\n", error->message);
    CU_ASSERT_TRUE_FATAL(ok);
    guint compared = 0;
    for (guint i = 0; i < lr.n_ops; i++) {
        const TsLayerOp *o = &lr.ops[i];
        if (!o->einsum || o->same_as != i || o->search.n_best == 0)
            continue;
        g_autofree char *what = g_strdup_printf("%s %s", arch_name, o->op->name);
        compared +=
            check_depths(arch, o->model, &o->search.best[0].mapping, MAX(o->op->count, 1), what);
    }
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "%s: %u coarser walks compared\n", arch_name, compared);
    CU_ASSERT(compared >= 6);
    ts_layer_result_clear(&lr);
}

/* n random valid mappings of a GEMM (M 96, N 80, K 72; imperfect: M 100, N 60, K 50 with
 * ceil factors) on arch_name, every walk depth against the finest. */
static void check_random(const char *arch_name, gboolean imperfect, guint n, double busy_tol,
                         double cycles_tol)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    if (imperfect)
        ts_test_gemm(&op, 100, 60, 50);
    else
        ts_test_gemm(&op, 96, 80, 72);
    TsModelOptions mo = {.imperfect_factors = imperfect};
    g_autoptr(TsModel) model = ts_model_new_full(arch, &op, &mo, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    g_autoptr(GRand) rng = g_rand_new_with_seed((guint32)ts_test_seed(20261206));
    TsMapping *maps = g_new0(TsMapping, n);
    const guint found =
        ts_test_random_mappings_full(arch, model, &op, rng, maps, n, 400 * n,
                                     imperfect ? ts_model_imperfect_dims(&op) : 0, imperfect);
    CU_ASSERT(found >= n / 2);
    guint compared = 0;
    worst_busy = worst_cycles = slowest = 0;
    for (guint i = 0; i < found; i++) {
        g_autofree char *what =
            g_strdup_printf("%s %s mapping %u", arch_name, imperfect ? "imperfect" : "perfect", i);
        compared += check_depths_tol(arch, model, &maps[i], 1, what, busy_tol, cycles_tol);
    }
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "%s %s: %u mappings, %u coarser walks, worst busy %.3g cycles %.3f%% (slower by "
                "at most %.3f%%)\n",
                arch_name, imperfect ? "imperfect" : "perfect", found, compared, worst_busy,
                100 * worst_cycles, 100 * slowest);
    CU_ASSERT(compared >= n / 2);
    g_free(maps);
}

/* Random mappings: the array's busy time only. The op's cycles move with the transfers around
 * the passes far more on such mappings than on the search's (a fine walk of small steps exposes
 * per-transfer latency, docs/des.md section 12): measured over seeds 1-6, up to 10% on perfect
 * mappings (coarser walks up to 8% slower, mostly faster) and 70% on imperfect ones (coarser
 * faster). With imperfect factors a partial step runs ceil(iterations / a pass's) passes with
 * the partial rows spread evenly, which differs from the finest walk's partial passes where a
 * step's partial passes lie along two or more partial dimensions (fewer passes: less fill and
 * drain); over seeds 1-6 (about 350 coarser walks) the busy time came out equal to 1e-12,
 * allowed 2% here. */
static void test_random_perfect(void)
{
    check_random("gemmini-like", FALSE, 16, 1e-9, INFINITY);
    check_random("tpu-like", FALSE, 16, 1e-9, INFINITY);
}

static void test_random_imperfect(void)
{
    check_random("gemmini-like", TRUE, 16, 0.02, INFINITY);
    check_random("tpu-like", TRUE, 16, 0.02, INFINITY);
}

/* A step of 2^33 passes (a GEMM M 2^18 x N 2^15 x K 1 on gemmini-like, M iterated in DRAM and N
 * in the Scratchpad, walked as one step): beyond what a step carries, refused naming the op and the
 * way out. */
static void test_too_many_passes(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("gemmini-like", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    ts_test_gemm(&op, 1u << 18, 1u << 15, 1);
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    if (model == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsMapping m;
    ts_mapping_init(&m, ts_model_n_levels(model), &op);
    m.level[0].temporal[TS_TEST_DIM_M] = 1u << 18; /* DRAM */
    m.level[0].temporal[TS_TEST_DIM_N] = 1;
    m.level[0].temporal[TS_TEST_DIM_K] = 1;
    m.level[1].temporal[TS_TEST_DIM_N] = 1u << 15;  /* Scratchpad */
    m.level[ts_model_n_levels(model) - 1].keep = 0; /* the PE registers keep nothing */
    TsCost cost;
    const TsEvalStatus st = ts_model_evaluate(model, &m, &cost);
    if (st != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, &m, &cost);
        fprintf(stderr, "%s\n", why);
    }
    CU_ASSERT_EQUAL_FATAL(st, TS_EVAL_OK);
    CU_ASSERT_EQUAL(ts_walk_depth_for(model, &m, 1), 0u);
    TsExecOptions opt = {.max_steps = 1};
    TsExecOpResult r;
    CU_ASSERT_FALSE(ts_exec_run_op(arch, model, &m, 1, &opt, &r, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "op gemm: a compute step of 8589934592 passes"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "a larger max_steps"));
}

static void test_gemmini(void)
{
    check_arch("gemmini-like");
}

static void test_tpu(void)
{
    check_arch("tpu-like");
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    /* Three CTest entries of one source, each well under a minute under the sanitizers
     * (TS_EXEC_WALK_PART): 2, test_exec_walk_einsums, the mapped BERT einsums; 3,
     * test_exec_walk_imperfect, random mappings with imperfect factors; otherwise
     * test_exec_walk, the rest. */
    CU_pSuite s = CU_add_suite("exec_walk", NULL, NULL);
#if TS_EXEC_WALK_PART == 2
    CU_add_test(s, "gemmini-like einsums: the same array time at every walk depth", test_gemmini);
    CU_add_test(s, "tpu-like einsums: the same array time at every walk depth", test_tpu);
#elif TS_EXEC_WALK_PART == 3
    CU_add_test(s, "random GEMM mappings, imperfect, at every walk depth", test_random_imperfect);
#else
    CU_add_test(s, "tpu-like FF2: the array's fold timing at every walk depth", test_tpu_ff2);
    CU_add_test(s, "random GEMM mappings, perfect, at every walk depth", test_random_perfect);
    CU_add_test(s, "a step of 2^33 passes: refused, named", test_too_many_passes);
#endif
    (void)test_gemmini;
    (void)test_tpu;
    (void)test_tpu_ff2;
    (void)test_random_perfect;
    (void)test_random_imperfect;
    (void)test_too_many_passes;
    return ts_test_run(argc, argv);
}
