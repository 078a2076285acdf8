/* The DES running PIM-DL's LUT-NN kernel (sim/exec/ts-exec-lut.c) against the analytical
 * model's cost of the same configuration (mappers/ts-lut-pim.c): a bert-base LUT layer of 128
 * tokens on upmem-pim, its four LUT ops mapped by the layer mapper. Counts equal the model's:
 * host-memory bytes of the centroid search, host-link bytes per phase (indices, tables: none,
 * resident), lookups, the DPU kernel's DMA busy cycles and instructions. Times: the index
 * scatter and gather within 1% (the host link is the model's one definition, one call each);
 * the DPU kernel within 5% (tasklets on the revolver pipeline against the model's overlap
 * rule); the host search within 10% (the DES streams host DRAM through its DDR4 timing in
 * chunks beside the vector unit, the model takes the larger of the two at the arch's
 * bandwidth); the op within 5%. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-lut-pim.h"
#include "ts-test.h"
#include "ts-workload.h"

/* bert-base-lut (sub-vectors of 4, 16 centroids) at seq tokens of one sequence. */
static TsWorkload *small_lut_workload(guint seq)
{
    TsWorkloadOverrides ov = {.seq = seq, .batch = 1};
    return ts_workload_load("bert-base-lut", &ov, NULL);
}

static gboolean near(double des, double model, double tol)
{
    return model > 0 ? fabs(des / model - 1.0) <= tol : des == 0.0;
}

static void test_lut_layer(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("upmem-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = small_lut_workload(128);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    static const char *const ops[] = {"KQV", "Out", "FF1", "FF2", NULL};
    TsLayerOptions lo = {0};
    ts_search_options_init(&lo.search);
    lo.search.budget = 1000;
    lo.search.threads = 1;
    lo.only_ops = ops;
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &lo, &r, &error));
    CU_ASSERT_EQUAL_FATAL(r.n_ops, 4);
    for (guint i = 0; i < r.n_ops; i++) {
        CU_ASSERT_TRUE_FATAL(r.ops[i].lut_pim);
        char *why = ts_exec_op_refusal(arch, &r, i);
        CU_ASSERT_PTR_NULL(why);
        g_free(why);
    }
    TsExecOptions xo = {0};
    TsExecResult x = {0};
    const gboolean ok = ts_exec_run_layer(arch, wl, &r, &xo, &x, &error);
    if (!ok)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_TRUE_FATAL(ok);
    CU_ASSERT_EQUAL_FATAL(x.n_ops, r.n_ops);
    const TsLevel *dpu = ts_arch_compute(arch);
    const TsPimCoreSpec *sp = dpu->spec;
    printf("\n");
    for (guint i = 0; i < r.n_ops; i++) {
        const TsLutPimCost *c = &r.ops[i].lut;
        const TsExecOpResult *d = &x.ops[i];
        const TsExecLut *l = &d->lut;
        const TsOp *op = r.ops[i].op;
        CU_ASSERT_TRUE_FATAL(l->ran);
        printf("  %-4s model: search %.4g ms, indices %.4g ms, kernel %.4g ms, gather %.4g ms, "
               "total %.4g ms | DES: %.4g, %.4g, %.4g, %.4g ms, op %.4g ms (%+.2f%%)\n",
               op->name, c->search_s * 1e3, c->input_s * 1e3, c->dpu_s * 1e3, c->gather_s * 1e3,
               c->total_s * 1e3, l->search_s * 1e3, l->input_s * 1e3, l->dpu_s * 1e3,
               l->gather_s * 1e3, d->latency_s * 1e3, 100.0 * (d->latency_s / c->total_s - 1.0));
        /* counts */
        CU_ASSERT_DOUBLE_EQUAL(l->search_read_bytes, c->search_read_bytes, 0.5);
        CU_ASSERT_DOUBLE_EQUAL(l->search_write_bytes, c->search_write_bytes, 0.5);
        CU_ASSERT_EQUAL(d->dram_request_bytes,
                        (uint64_t)llround(c->search_read_bytes + c->search_write_bytes));
        CU_ASSERT_DOUBLE_EQUAL(l->input_bytes, c->input_bytes, 0.5);
        CU_ASSERT_DOUBLE_EQUAL(l->output_bytes, c->output_bytes, 0.5);
        CU_ASSERT(c->load_bytes > 0); /* resident tables: no scatter per run */
        CU_ASSERT_EQUAL(l->table_bytes, 0.0);
        CU_ASSERT_EQUAL(l->table_s, 0.0);
        const double m = (double)op->dims[ts_op_find_dim(op, "L")],
                     n = (double)op->dims[ts_op_find_dim(op, "D")],
                     cb = (double)op->dims[ts_op_find_dim(op, "CB")];
        CU_ASSERT_DOUBLE_EQUAL(l->lookups, m * n * cb, 0.5);
        CU_ASSERT_DOUBLE_EQUAL(l->dma_busy_cycles, c->dma_cycles + c->dma_static_cycles,
                               1e-6 * l->dma_busy_cycles + 1.0);
        CU_ASSERT_DOUBLE_EQUAL(l->issued, c->issue_cycles * sp->issue_fraction, 1e-6 * l->issued);
        CU_ASSERT_DOUBLE_EQUAL(d->cost.energy_pj, c->energy_pj, 1e-9 * c->energy_pj);
        /* times */
        CU_ASSERT(near(l->input_s, c->input_s, 0.01));
        CU_ASSERT(near(l->gather_s, c->gather_s, 0.01));
        CU_ASSERT(near(l->dpu_cycles, c->dpu_cycles, 0.05));
        CU_ASSERT(near(l->dpu_s, c->dpu_s, 0.05));
        CU_ASSERT(near(l->search_s, c->search_s, 0.10));
        CU_ASSERT(near(d->latency_s, c->total_s, 0.05));
    }
    ts_exec_result_clear(&x);
    ts_layer_result_clear(&r);
}

/* The phases the mapper does not choose on upmem-pim, run on a configuration set by hand: the
 * centroid search on the DPUs (the inputs scattered instead of the indices, the search a
 * pim_core kernel) and the tables scattered per run (not resident). */
static void test_lut_dpu_search(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("upmem-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = small_lut_workload(128);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    TsLayerOptions lo = {0};
    ts_search_options_init(&lo.search);
    lo.only_op = "Out";
    TsLayerResult r = {0};
    CU_ASSERT_TRUE_FATAL(ts_layer_map(arch, wl, &lo, &r, &error));
    CU_ASSERT_EQUAL_FATAL(r.n_ops, 1);
    TsLutPimTarget t;
    CU_ASSERT_TRUE_FATAL(ts_lut_pim_target(arch, &t));
    t.tables_resident = FALSE;
    const TsOp *op = r.ops[0].op;
    /* 128 tokens x 768 outputs over 1024 DPUs: 8 input groups of 16 tokens, 128 LUT groups of
     * 6 outputs */
    const TsLutPimParams p = {.search_on_dpus = TRUE,
                              .input_par = 8,
                              .lut_par = 128,
                              .n_mtile = 16,
                              .f_mtile = 6,
                              .cb_mtile = 64,
                              .f_load = 2,
                              .cb_load = 16,
                              .order = TS_LUT_ORDER_CNF,
                              .load = TS_LUT_LOAD_COARSE};
    TsLutPimCost c;
    const char *why = NULL;
    const gboolean valid = ts_lut_pim_evaluate(&t, op, &p, &c, &why);
    if (!valid)
        fprintf(stderr, "%s\n", why);
    CU_ASSERT_TRUE_FATAL(valid);
    CU_ASSERT(c.lut_s > 0 && c.load_bytes == 0);
    r.ops[0].lut = c;
    r.ops[0].cycles = c.total_s * ts_arch_clock_hz(arch);
    TsExecOptions xo = {0};
    TsExecResult x = {0};
    const gboolean ok = ts_exec_run_layer(arch, wl, &r, &xo, &x, &error);
    if (!ok)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_TRUE_FATAL(ok);
    const TsExecOpResult *d = &x.ops[0];
    const TsExecLut *l = &d->lut;
    CU_ASSERT_TRUE_FATAL(l->ran && l->search_on_dpus);
    printf("\n  Out, DPU search, tables per run: model search %.4g ms, inputs %.4g ms, tables "
           "%.4g ms, kernel %.4g ms, gather %.4g ms, total %.4g ms | DES %.4g, %.4g, %.4g, "
           "%.4g, %.4g ms, op %.4g ms (%+.2f%%)\n",
           c.search_s * 1e3, c.input_s * 1e3, c.lut_s * 1e3, c.dpu_s * 1e3, c.gather_s * 1e3,
           c.total_s * 1e3, l->search_s * 1e3, l->input_s * 1e3, l->table_s * 1e3, l->dpu_s * 1e3,
           l->gather_s * 1e3, d->latency_s * 1e3, 100.0 * (d->latency_s / c.total_s - 1.0));
    CU_ASSERT_EQUAL(d->dram_request_bytes, 0); /* nothing searched in host memory */
    CU_ASSERT_DOUBLE_EQUAL(l->input_bytes, c.input_bytes, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(l->table_bytes, c.lut_bytes, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(l->output_bytes, c.output_bytes, 0.5);
    CU_ASSERT(near(l->input_s, c.input_s, 0.01));
    CU_ASSERT(near(l->table_s, c.lut_s, 0.01));
    CU_ASSERT(near(l->gather_s, c.gather_s, 0.01));
    /* the search kernel: the model takes max(pipeline, one DMA stream); the DES's tasklets
     * each wait for their own input DMAs (10%) */
    CU_ASSERT(near(l->search_s, c.search_s, 0.10));
    CU_ASSERT(near(l->dpu_cycles, c.dpu_cycles, 0.20)); /* small coarse blocks: test_lut_pim */
    CU_ASSERT(near(d->latency_s, c.total_s, 0.05));
    ts_exec_result_clear(&x);
    ts_layer_result_clear(&r);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_lut", NULL, NULL);
    CU_add_test(s, "lut_layer", test_lut_layer);
    CU_add_test(s, "lut_dpu_search", test_lut_dpu_search);
    return ts_test_run(argc, argv);
}
