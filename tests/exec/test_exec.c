/* The mapping executor against the analytical model, counts: over many random valid mappings
 * of several ops (GEMMs, the einsums of a small transformer layer, a convolution with sliding
 * windows) on several architectures, the reads, fills and updates the DES counts per level and
 * tensor, its MACs and energies, equal the model's, and the figures that follow from the
 * simulated time (utilization, EDP, leakage) are the model's scaled by the ratio of cycles.
 * Seed printed; TILESIM_TEST_SEED overrides it. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-test-mappings.h"
#include "ts-test-ops.h"
#include "ts-test.h"

/* Runs one mapping through the DES and compares its counted actions with the model's. */
static gboolean check_counts(const TsArch *arch, const TsModel *m, const TsMapping *map,
                             const char *what)
{
    g_autoptr(GError) error = NULL;
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, map, &cost), TS_EVAL_OK);
    TsExecOptions opt = {.max_steps = 512};
    TsExecOpResult r;
    gboolean ok = ts_exec_run_op(arch, m, map, 1, &opt, &r, &error);
    CU_ASSERT_TRUE(ok);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", what, error ? error->message : "?");
        return FALSE;
    }
    CU_ASSERT_EQUAL(r.cost.macs, cost.macs);
    CU_ASSERT(r.cycles > 0);
    const TsOp *op = ts_model_op(m);
    for (guint l = 0; l < ts_model_n_levels(m); l++) {
        for (guint t = 0; t < op->n_tensors; t++) {
            const TsTensorCost *a = &cost.level[l].tensor[t], *d = &r.cost.level[l].tensor[t];
            if (a->reads != d->reads || a->fills != d->fills || a->updates != d->updates ||
                a->reads_all != d->reads_all || a->fills_all != d->fills_all ||
                a->updates_all != d->updates_all || a->tile_words != d->tile_words) {
                fprintf(stderr,
                        "%s: %s %s: DES reads %" G_GUINT64_FORMAT " fills %" G_GUINT64_FORMAT
                        " updates %" G_GUINT64_FORMAT " tile %" G_GUINT64_FORMAT
                        ", model %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                        " %" G_GUINT64_FORMAT "\n",
                        what, ts_model_level(m, l)->name, op->tensors[t].name, d->reads, d->fills,
                        d->updates, d->tile_words, a->reads, a->fills, a->updates, a->tile_words);
                g_autofree char *nest = ts_model_format_nest(m, map);
                fprintf(stderr, "%s", nest);
                CU_FAIL("DES counts differ from the model");
                return FALSE;
            }
        }
        /* energy from the same counts and per-action energies */
        CU_ASSERT_DOUBLE_EQUAL(r.cost.level[l].energy_pj, cost.level[l].energy_pj,
                               1e-9 * fabs(cost.level[l].energy_pj) + 1e-9);
    }
    CU_ASSERT_DOUBLE_EQUAL(r.cost.energy_pj, cost.energy_pj, 1e-9 * cost.energy_pj + 1e-9);
    /* the figures that follow from the simulated time */
    CU_ASSERT(r.cost.utilization > 0 && r.cost.utilization <= 1 + 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.utilization * r.cost.cycles, cost.utilization * cost.cycles,
                           1e-6 * cost.utilization * cost.cycles);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.edp_j_cycles, r.cost.energy_pj * 1e-12 * r.cost.cycles,
                           1e-9 * r.cost.edp_j_cycles);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.leakage_pj * cost.cycles, cost.leakage_pj * r.cost.cycles,
                           1e-6 * cost.leakage_pj * r.cost.cycles + 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.area_um2, cost.area_um2, 1e-9 * cost.area_um2);
    return TRUE;
}

/* n random valid mappings of op on arch: with imperfect, only mappings with ceil factors. */
static void check_pair_full(const char *arch_name, const TsOp *op, GRand *rng, guint n,
                            gboolean imperfect)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(arch_name, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsModelOptions mo = {.imperfect_factors = imperfect};
    g_autoptr(TsModel) m = ts_model_new_full(arch, op, &mo, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsMapping *maps = g_new0(TsMapping, n);
    guint found = ts_test_random_mappings_full(
        arch, m, op, rng, maps, n, 400 * n, imperfect ? ts_model_imperfect_dims(op) : 0, imperfect);
    CU_ASSERT(found >= n / 2);
    g_autofree char *what =
        g_strdup_printf("%s on %s%s", op->name, arch_name, imperfect ? " (imperfect)" : "");
    guint checked = 0;
    for (guint i = 0; i < found; i++)
        checked += check_counts(arch, m, &maps[i], what);
    CU_ASSERT_EQUAL(checked, found);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "%s: %u mappings\n", what, found);
    g_free(maps);
}

static void check_pair(const char *arch_name, const TsOp *op, GRand *rng, guint n)
{
    check_pair_full(arch_name, op, rng, n, FALSE);
}

static const char *const kArchs[] = {"eyeriss-like", "gemmini-like", "transformer-gemmini",
                                     "simba-like", NULL};

static GRand *new_rng(void)
{
    return g_rand_new_with_seed((guint32)ts_test_seed(20261205));
}

static void test_counts_gemms(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_gemm(&op, 16, 24, 36);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 12);
    ts_test_gemm(&op, 64, 12, 128);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 8);
}

static void test_counts_layer_ops(void)
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
            check_pair(kArchs[a], op, rng, 4);
    }
}

static void test_counts_sliding_windows(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_conv2d(&op, 8, 3, 6, 3);
    for (guint a = 0; kArchs[a]; a++)
        check_pair(kArchs[a], &op, rng, 8);
}

/* Imperfect (ceil) factors: partial tiles, empty iterations skipped, instances that differ
 * (the busiest instance's counts and the counts summed over instances both checked). */
static void test_counts_imperfect(void)
{
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_gemm(&op, 13, 22, 37);
    for (guint a = 0; kArchs[a]; a++)
        check_pair_full(kArchs[a], &op, rng, 10, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) wl = ts_test_small_transformer(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *lop = ts_workload_op(wl, i);
        if (lop->kind != TS_OP_EINSUM)
            continue;
        for (guint a = 0; kArchs[a]; a++)
            check_pair_full(kArchs[a], lop, rng, 3, TRUE);
    }
}

/* PIM archs: upmem-pim (the 12-channel host DRAM, the host link, the DPU's pim_core), hbm-pim
 * and aim-like (bank units): the GEMMs and the small layer's einsums. */
static void test_counts_pim(void)
{
    static const char *const pim[] = {"upmem-pim", "hbm-pim", "aim-like", NULL};
    g_autoptr(GRand) rng = new_rng();
    TsOp op;
    ts_test_gemm(&op, 16, 24, 36);
    for (guint a = 0; pim[a]; a++)
        check_pair(pim[a], &op, rng, 6);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) wl = ts_test_small_transformer(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *o = ts_workload_op(wl, i);
        if (o->kind != TS_OP_EINSUM)
            continue;
        for (guint a = 0; pim[a]; a++)
            check_pair(pim[a], o, rng, 2);
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec", NULL, NULL);
    CU_add_test(s, "GEMMs: DES counts equal the model's", test_counts_gemms);
    CU_add_test(s, "transformer layer ops: DES counts equal the model's", test_counts_layer_ops);
    CU_add_test(s, "sliding windows: DES counts equal the model's", test_counts_sliding_windows);
    CU_add_test(s, "imperfect factors: DES counts equal the model's", test_counts_imperfect);
    CU_add_test(s, "PIM archs: DES counts equal the model's", test_counts_pim);
    return ts_test_run(argc, argv);
}
