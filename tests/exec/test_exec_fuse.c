/* The mapping executor on a fused attention group (ts-fuse.h): BERT-base mapped with
 * `--fuse attention` on eyeriss-like and gemmini-like (and `attention-scores` on gemmini-like)
 * runs head by head through the DES. On gemmini-like, with the DRAM's timing, the intermediates
 * (Q, K, V, scores, probabilities; the last two for attention-scores) are never requested from
 * DRAM (no DRAM bytes for those tensors, none at all for softmax, nor for KTQ when KQV is in the
 * group); on both, every op's counted actions equal the fused analytical model's, and with
 * unlimited DRAM bandwidth the group takes within 5% of the model's cycles (docs/des.md,
 * "Fused groups"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-test.h"

/* Cycles of an analytical cost without the outermost level's bandwidth bound. */
static double cycles_without_dram(const TsCost *k)
{
    double c = k->compute_cycles;
    for (guint l = 1; l < k->n_levels; l++)
        c = MAX(c, k->level[l].cycles);
    return c;
}

/* with_dram: also a run with the DRAM's timing, where the requests are checked (the whole
 * layer through the DRAM: the slow part of the suite). */
static void check_arch(const char *arch_name, const char *group_name, gboolean with_dram)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsWorkloadOverrides ov = {0};
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", &ov, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    g_autoptr(TsFusePlan) plan = ts_fuse_plan_new(arch, wl, NULL, group_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plan);
    TsLayerOptions lo = {0};
    ts_search_options_init(&lo.search);
    lo.search.budget = 1000;
    lo.search.threads = 1;
    lo.search.seed = ts_test_seed(7);
    lo.fuse = plan;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &lo, &r, &error));
    for (guint ideal = with_dram ? 0 : 1; ideal < 2; ideal++) {
        TsExecOptions xo = {
            .max_steps = 64, .fuse = plan, .ideal_dram = ideal, .ideal_compute = ideal};
        TsExecResult x = {0};
        gboolean ok = ts_exec_run_layer(arch, wl, &r, &xo, &x, &error);
        if (!ok)
            fprintf(stderr, "%s: %s\n", arch_name, error->message);
        CU_ASSERT_TRUE_FATAL(ok);
        CU_ASSERT_EQUAL_FATAL(x.n_ops, r.n_ops);
        guint group = 0;
        double des_cycles = 0, an_cycles = 0;
        for (guint i = 0; i < r.n_ops; i++) {
            const TsLayerOp *o = &r.ops[i];
            const TsExecOpResult *d = &x.ops[i];
            CU_ASSERT_EQUAL(d->count, MAX(o->op->count, 1));
            const uint8_t inter = ts_fuse_plan_intermediates(plan, o->index);
            if (ts_fuse_plan_op(plan, o->index) == NULL)
                continue;
            group++;
            /* Intermediates: no DRAM request. */
            if (!ideal) {
                if (o->einsum) {
                    for (guint t = 0; t < o->op->n_tensors; t++)
                        if (inter >> t & 1u)
                            CU_ASSERT_EQUAL(d->dram_tensor_bytes[t], 0);
                    if (strcmp(o->op->name, "KTQ") == 0 && ts_fuse_plan_first(plan) == 0)
                        CU_ASSERT_EQUAL(d->dram_request_bytes, 0);
                    if (strcmp(o->op->name, "KQV") == 0)
                        CU_ASSERT(d->dram_request_bytes > 0); /* its input and weights */
                } else {
                    CU_ASSERT_EQUAL(d->dram_request_bytes, 0); /* softmax */
                }
            }
            des_cycles += d->cycles;
            if (!o->einsum) {
                CU_ASSERT_DOUBLE_EQUAL(d->cost.energy_pj, o->vector.energy_pj,
                                       1e-9 * o->vector.energy_pj);
                an_cycles += o->vector.cycles * (double)d->count;
                continue;
            }
            /* Counted actions: the fused model's. */
            const TsSearchEntry *best = &r.ops[o->same_as].search.best[0];
            const TsCost *a = &best->cost;
            for (guint l = 0; l < a->n_levels; l++) {
                for (guint t = 0; t < o->op->n_tensors; t++) {
                    const TsTensorCost *ma = &a->level[l].tensor[t],
                                       *md = &d->cost.level[l].tensor[t];
                    CU_ASSERT_EQUAL(ma->reads, md->reads);
                    CU_ASSERT_EQUAL(ma->fills, md->fills);
                    CU_ASSERT_EQUAL(ma->updates, md->updates);
                }
            }
            CU_ASSERT_DOUBLE_EQUAL(d->cost.energy_pj, a->energy_pj, 1e-9 * a->energy_pj);
            an_cycles += cycles_without_dram(a) * (double)d->count;
        }
        CU_ASSERT_EQUAL(group, TS_FUSE_GROUP_OPS - ts_fuse_plan_first(plan));
        /* Timing with unlimited DRAM bandwidth: the group (its ops interleave head by head, so
         * the time of one op is not separable) within 5% of the model's cycles. */
        if (ideal) {
            const double diff = (des_cycles - an_cycles) / an_cycles;
            if (g_getenv("TILESIM_TEST_VERBOSE") || fabs(diff) > 0.05)
                fprintf(stderr, "%s %s: DES %.0f cycles, model %.0f (%+.2f%%)\n", arch_name,
                        group_name, des_cycles, an_cycles, 100 * diff);
            CU_ASSERT(fabs(diff) <= 0.05);
        }
        ts_exec_result_clear(&x);
    }
    ts_layer_result_clear(&r);
}

static void test_eyeriss(void)
{
    check_arch("eyeriss-like", "attention", FALSE);
}

static void test_gemmini(void)
{
    check_arch("gemmini-like", "attention", TRUE);
    /* KQV unfused: Q, K and V through DRAM, the scores and probabilities on chip */
    check_arch("gemmini-like", "attention-scores", TRUE);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_fuse", NULL, NULL);
    CU_add_test(s, "eyeriss-like: fused attention in the DES", test_eyeriss);
    CU_add_test(s, "gemmini-like: fused attention in the DES", test_gemmini);
    return ts_test_run(argc, argv);
}
