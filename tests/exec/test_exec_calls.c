/* Host-link transfer calls (docs/pim.md, "Host-link calls"), hand-derived on upmem-pim (one
 * call: the link's 3.7 ms latency = 1,295,000 cycles at 350 MHz), in both engines.
 *
 * An int8 GEMM M=8, N=64, K=64 on 4 DPUs (the WRAM holding K64) (the HostDRAM level's fan-out
 * splits N by 4: every DPU gets the same Inputs tile, a broadcast, and its own Outputs tile, a
 * gather), the weights resident in MRAM, a temporal M2 above the MRAM: the MRAM holds 2 versions of
 * Inputs (M, K) and of Outputs (M, N). Calls per instance: 2 Inputs fills (broadcasts), no Outputs
 * fill (the first read of each output tile is elided), 2 Outputs write-backs (gathers): 4. The
 * first fill comes before any compute step and the last write-back after the last one; the
 * link serves one call at a time, so an instance takes at least 4 calls (the compute, 8 x 16
 * x 64 MACs x 7 issue slots = 57,344 cycles, hides behind them).
 * - one instance: 4 calls in both engines, cycles 4 x 1,295,000 + the bytes' time;
 * - 3 instances that fit the MRAM together: still 4 calls, each carrying the 3 instances'
 *   tiles (link_batch 3), the op 4 calls + bytes, not 12;
 * - 3 instances whose tiles do not fit together (MRAM cut to 2 KB: one instance's weights
 *   (1,024 words of 8 bits) and activation tiles (Inputs 4 x 64, Outputs 4 x 16 x 4 bytes: 512
 *   words) fit, three instances' activations beside the weights (2,560 words) do not): one
 *   call per instance's transfer, 12 calls, 12 x 1,295,000 cycles;
 * - the DES agrees with the model within 1%, with shared calls too: both take the 3 instances
 *   in lock-step. A version's compute is 28,672 cycles per instance, 86,016 for the 3; with T
 *   = 1,295,000 the link runs Inputs v0 [0, T], Inputs v1 [T, 2T] (the second slot), the
 *   gather of Outputs v0 [2T, 3T] (the 3 instances' v0 compute ended at T + 86,016) and of v1
 *   [3T, 4T] (their v1 compute, from 2T, ended at 2T + 86,016): 4T and the bytes, as the model's
 *   max(3 x 57,344 + 2T, 4T + 3B) = 4T + 3B. (Run one after another, the gathers were the
 *   last instance's, whose v0 compute came after the other two's whole compute: the link idle
 *   about 100,000 cycles after the v1 fill, +2%.)
 * - with max_steps 1 (by steps alone the walk would stop at the HostDRAM, the MRAM's versions
 *   aggregated inside one step, crossing no link), the MRAM is still walked: the same 4 calls;
 *   a mapping needing over 2^20 steps to reach the MRAM is refused, named. */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-arch.h"
#include "ts-exec.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-walk.h"
#include "ts-test-arch.h"
#include "ts-test-exec-runs.h"
#include "ts-test-ops.h"
#include "ts-test.h"

#define CALL_CYCLES 1295000.0 /* 3.7 ms at 350 MHz */

/* upmem-pim with one edit (NULL: none). */
static TsArch *load_upmem(const char *edit_from, const char *edit_to)
{
    const char *const edits[] = {edit_from, edit_to, NULL};
    return ts_test_arch_edited("upmem-pim", edits, NULL);
}

static int storage_index(const TsArch *arch, const char *name)
{
    for (guint l = 0; l < ts_arch_n_storage(arch); l++)
        if (strcmp(ts_arch_storage(arch, l)->name, name) == 0)
            return (int)l;
    return -1;
}

/* The op (int8 operands, int32 sums) and the mapping described above. */
static void op_and_mapping(const TsArch *arch, uint64_t count, TsOp *op, TsMapping *m)
{
    ts_test_gemm(op, 8, 64, 64);
    op->count = count;
    op->tensors[TS_TEST_WEIGHTS].precision = (TsPrecision){8, TS_NUM_INT};
    op->tensors[TS_TEST_WEIGHTS].role = TS_TENSOR_PARAMETERS;
    op->tensors[TS_TEST_INPUTS].precision = (TsPrecision){8, TS_NUM_INT};
    op->tensors[TS_TEST_INPUTS].role = TS_TENSOR_DATA;
    op->tensors[TS_TEST_OUTPUTS].precision = (TsPrecision){32, TS_NUM_INT};
    op->tensors[TS_TEST_OUTPUTS].role = TS_TENSOR_DATA;
    op->param_elements = 64 * 64;
    const guint nl = ts_arch_n_storage(arch);
    ts_mapping_init(m, nl, op);
    const int host = storage_index(arch, "HostDRAM"), mram = storage_index(arch, "DPU.mram");
    CU_ASSERT_FATAL(host == 0 && mram > 0);
    TsMappingLevel *h = &m->level[host], *mr = &m->level[mram];
    h->temporal[TS_TEST_DIM_M] = 2;
    h->temporal[TS_TEST_DIM_N] = 1;
    h->temporal[TS_TEST_DIM_K] = 1;
    h->spatial_x[TS_TEST_DIM_N] = 4;
    h->keep = 1u << TS_TEST_INPUTS | 1u << TS_TEST_OUTPUTS;
    mr->temporal[TS_TEST_DIM_M] = 4;
    mr->temporal[TS_TEST_DIM_N] = 16;
    mr->temporal[TS_TEST_DIM_K] = 1;
    m->level[mram + 1].temporal[TS_TEST_DIM_K] = 64; /* the WRAM */
}

typedef struct {
    TsCost cost;
    TsExecOpResult des;
} Run;

static void run(const TsArch *arch, uint64_t count, double tol, Run *r)
{
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, count, &op, &m);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsEvalStatus st = ts_model_evaluate(model, &m, &r->cost);
    if (st != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, &m, &r->cost);
        fprintf(stderr, "mapping: %s\n", why);
    }
    CU_ASSERT_EQUAL_FATAL(st, TS_EVAL_OK);
    TsExecOptions opt = {0}; /* the default walk depth: every level explicit */
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, count, &opt, &r->des, &error));
    const double an = r->cost.cycles * (double)count;
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "count %" G_GUINT64_FORMAT ": model %.0f cycles (compute %.0f, %" G_GUINT64_FORMAT
                " calls / %" G_GUINT64_FORMAT
                ", %.0f call cycles, %.0f added), DES %.0f, %" G_GUINT64_FORMAT " calls\n",
                count, an, r->cost.compute_cycles, r->cost.link_calls, r->cost.link_batch,
                r->cost.link_call_cycles, r->cost.link_added_cycles, r->des.cycles,
                r->des.link_calls);
    CU_ASSERT(fabs(r->des.cycles - an) <= tol * an);
}

static void test_one_instance(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    Run r;
    run(arch, 1, 0.01, &r);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.compute_cycles, 8.0 * 16 * 64 * 7, 0.5);
    CU_ASSERT_EQUAL(r.cost.link_calls, 4);
    CU_ASSERT_EQUAL(r.cost.link_batch, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.link_call_cycles, 4 * CALL_CYCLES, 1.0);
    /* the link's serial time: 4 calls and the bytes (a few KB: under 1% of a call) */
    CU_ASSERT(r.cost.cycles >= 4 * CALL_CYCLES && r.cost.cycles <= 4.04 * CALL_CYCLES);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.link_added_cycles, r.cost.cycles - r.cost.compute_cycles, 1.0);
    CU_ASSERT_EQUAL(r.des.link_calls, 4);
    CU_ASSERT_EQUAL(r.des.link_batch, 1);
}

static void test_batched(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    Run r;
    run(arch, 3, 0.01, &r);
    CU_ASSERT_EQUAL(r.cost.link_calls, 4);
    CU_ASSERT_EQUAL(r.cost.link_batch, 3);
    /* each instance's share: a third of the 4 calls */
    CU_ASSERT_DOUBLE_EQUAL(r.cost.link_call_cycles, 4 * CALL_CYCLES / 3, 1.0);
    CU_ASSERT(3 * r.cost.cycles >= 4 * CALL_CYCLES && 3 * r.cost.cycles <= 4.1 * CALL_CYCLES);
    CU_ASSERT_EQUAL(r.des.link_calls, 4);
    CU_ASSERT_EQUAL(r.des.link_batch, 3);
}

static void test_unbatched(void)
{
    g_autoptr(TsArch) arch = load_upmem("mram_size: 64MB", "mram_size: 2KB");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    Run r;
    run(arch, 3, 0.01, &r);
    CU_ASSERT_EQUAL(r.cost.link_calls, 4);
    CU_ASSERT_EQUAL(r.cost.link_batch, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.cost.link_call_cycles, 4 * CALL_CYCLES, 1.0);
    CU_ASSERT(3 * r.cost.cycles >= 12 * CALL_CYCLES && 3 * r.cost.cycles <= 12.2 * CALL_CYCLES);
    CU_ASSERT_EQUAL(r.des.link_calls, 12);
    CU_ASSERT_EQUAL(r.des.link_batch, 1);
}

/* The MRAM <-> WRAM DMA (alpha read cycles per call, here 610 (ten times upmem-pim's, so that
 * the DMA bounds the MRAM level over the compute's 57,344 cycles), alpha write 77, beta 0.5
 * cycle per byte on each of the MRAM's read and write ports) charged per tile transfer. The
 * GEMM above with the WRAM holding K64 (tiles: Inputs 1 x 64, Weights 64 x 1, Outputs 1 x 1 of
 * 4 bytes, each one DMA call), the MRAM M4 (inner) N16, the HostDRAM M2: per DPU, Inputs
 * refilled at every M4 x N16 x M2 iteration (128 calls), Weights at every N16 x M2 one (32),
 * Outputs written back 128 times (their first reads elided). Reads: 160 x (610 + 64 x 0.5) =
 * 102,720 cycles; writes: 128 x (77 + 4 x 0.5) + the host's 2 fills of 4 x 64 bytes (no alpha:
 * not the DPU's DMA) = 10,368: the MRAM level's cycles 102,720 in the model. The DES (the WRAM
 * explicit: 128 tile steps) serves the same requests on its MRAM's read port, and the host
 * link's 2 write-backs of 4 x 16 x 4 bytes from it (no alpha): 102,720 + 2 x 128 busy cycles.
 * With max_steps 2 the walk stops at the MRAM (2 steps; the link's landing level): the WRAM's
 * tiles move inside the steps, each step's reads one request of 80 tiles' 5,120 bytes, which
 * by its bytes alone would be 3 calls (2,048 B each); it carries the 80 tiles' calls instead
 * (ts_walk_dma_calls in proportion to the step's reads), so the read port is busy the same
 * 102,720 + 2 x 128 cycles (by bytes: 2 x 3 x 610 + 5,120 + 256 = 9,036). */
static double mram_busy(const TsExecOpResult *x)
{
    for (guint u = 0; u < x->n_units; u++)
        if (strcmp(x->unit[u].name, "DPU.mram") == 0)
            return x->unit[u].utilization * x->cycles;
    return -1;
}

static void test_dma_alpha(void)
{
    g_autoptr(TsArch) arch = load_upmem("dma_alpha_read: 61", "dma_alpha_read: 610");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 1, &op, &m);
    const int mram = storage_index(arch, "DPU.mram"), wram = storage_index(arch, "DPU.wram");
    CU_ASSERT_FATAL(mram > 0 && wram == mram + 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    CU_ASSERT_DOUBLE_EQUAL(cost.level[mram].cycles, 102720, 0.5);
    TsExecOptions opt = {0};
    TsExecOpResult x;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &opt, &x, &error));
    CU_ASSERT_EQUAL(x.depth, (guint)wram);
    const double busy = mram_busy(&x);
    if (g_getenv("TILESIM_TEST_VERBOSE")) {
        fprintf(stderr, "MRAM: model %.0f cycles, DES busy %.1f (%.0f cycles)\n",
                cost.level[mram].cycles, busy, x.cycles);
    }
    CU_ASSERT_DOUBLE_EQUAL(busy, 102720 + 2 * 128, 1.0);
    TsExecOptions shallow = {.max_steps = 2};
    TsExecOpResult y;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &shallow, &y, &error));
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "max_steps 2: depth %u, %" G_GUINT64_FORMAT " steps, MRAM busy %.1f\n",
                y.depth, y.steps, mram_busy(&y));
    CU_ASSERT_EQUAL(y.depth, (guint)mram);
    CU_ASSERT_EQUAL(y.steps, 2);
    CU_ASSERT_DOUBLE_EQUAL(mram_busy(&y), 102720 + 2 * 128, 1.0);
}

/* A DMA-bound op: the GEMM above on upmem-pim with the host link's latency cut to 1 ns (its 4
 * calls then take a few thousand cycles of bytes) and the WRAM's tiles tiny: K8 (Inputs 1 x 8
 * and Weights 8 x 1 of 1 byte, Outputs 1 x 1 of 4 bytes), the MRAM's loops M4 (innermost) N16
 * K8, the HostDRAM's M2. Per DPU: Inputs refilled at each of the 2 x 8 x 16 x 4 = 1,024 WRAM
 * steps (1,024 calls), Weights at each change of N or K (256), Outputs written back at each of
 * the 1,024 and read back at all but the 128 first visits of their (M, N) tiles (896). Read
 * port: 2,176 calls x 61 + (8,192 + 2,048 + 896 x 4) x 0.5 = 139,648 cycles; write port:
 * 1,024 x (77 + 2) + the host's fills = 81,152; compute 57,344: the model's op is the MRAM's
 * 139,648 cycles and the link's few (within 2%). The DES's read port also serves the host's 2
 * write-backs of 256 bytes (no alpha): 139,904 busy cycles. The DES at the default depth (the
 * WRAM explicit, 1,024 steps: one request per tile) and with max_steps 2 (the walk at the
 * MRAM, 2 steps: the WRAM's tiles inside them, each step's reads one request of 6,912 bytes
 * carrying its 1,088 calls) takes the model's cycles within 3%; by its bytes alone a step's
 * read would be 4 calls, 488 cycles of alpha in the op instead of 132,736. */
static void test_dma_bound(void)
{
    g_autoptr(TsArch) arch = load_upmem("latency: 3.7ms", "latency: 1ns");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 1, &op, &m);
    const int mram = storage_index(arch, "DPU.mram"), wram = storage_index(arch, "DPU.wram");
    m.level[mram].temporal[TS_TEST_DIM_K] = 8;
    m.level[wram].temporal[TS_TEST_DIM_K] = 8;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    CU_ASSERT_EQUAL(cost.link_calls, 4);
    CU_ASSERT_DOUBLE_EQUAL(cost.level[mram].cycles, 139648, 0.5);
    CU_ASSERT(cost.cycles >= 139648 && cost.cycles <= 1.02 * 139648);
    TsExecOptions deep = {0}, shallow = {.max_steps = 2};
    TsExecOpResult a, b;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &deep, &a, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &shallow, &b, &error));
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "DMA-bound: model %.0f cycles; DES depth %u (%" G_GUINT64_FORMAT
                " steps) %.0f cycles, MRAM busy %.1f; depth %u (%" G_GUINT64_FORMAT
                " steps) %.0f cycles, MRAM busy %.1f\n",
                cost.cycles, a.depth, a.steps, a.cycles, mram_busy(&a), b.depth, b.steps, b.cycles,
                mram_busy(&b));
    CU_ASSERT_EQUAL(a.depth, (guint)wram);
    CU_ASSERT_EQUAL(b.depth, (guint)mram);
    CU_ASSERT_DOUBLE_EQUAL(mram_busy(&a), 139648 + 256, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(mram_busy(&b), 139648 + 256, 1.0);
    CU_ASSERT(fabs(a.cycles - cost.cycles) <= 0.03 * cost.cycles);
    CU_ASSERT(fabs(b.cycles - cost.cycles) <= 0.03 * cost.cycles);
}

/* Partial tiles (imperfect factors) pay the DMA calls of their own bytes in both engines: an
 * int8 GEMM M=4, N=1, K=5,000 on one DPU (weights resident in MRAM), the WRAM holding K4096
 * (a ceil factor: the MRAM's K2 runs the tiles 4,096 and 904), the MRAM's loops K2 (inner) and
 * M4. Per DPU, Inputs (1 x K) and Weights (K x 1) move into the WRAM at each of the 8 (M, K)
 * iterations: 4 full tiles of 4,096 B (2 calls of 2,048 B each) and 4 partial ones of 904 B
 * (1 call), 12 calls each, 24 in all (full tiles everywhere would be 32); Outputs (1 x 1 of 4
 * bytes) written back once per M, 4 calls. With alpha read 61,000 cycles (1,000 times
 * upmem-pim's, so that the DMA bounds the MRAM level over the compute's 231,492 cycles), the
 * read port: 24 x 61,000 + 40,000 B x 0.5 = 1,484,000 cycles in the model (32 calls would be
 * 1,972,000); the DES (the WRAM explicit, 8 tile steps, each tile its own request) busy the
 * same plus the host's gather of the 16 output bytes (8 cycles, no alpha), and so at the
 * MRAM's depth (max_steps 1), whose one step carries the model's calls. */
static void test_dma_partial_tiles(void)
{
    g_autoptr(TsArch) arch = load_upmem("dma_alpha_read: 61", "dma_alpha_read: 61000");
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 1, &op, &m);
    op.dims[TS_TEST_DIM_M] = 4;
    op.dims[TS_TEST_DIM_N] = 1;
    op.dims[TS_TEST_DIM_K] = 5000;
    op.param_elements = 5000;
    const int mram = storage_index(arch, "DPU.mram"), wram = storage_index(arch, "DPU.wram");
    CU_ASSERT_FATAL(mram == 1 && wram == 2);
    for (guint d = 0; d < 3; d++) {
        m.level[0].temporal[d] = m.level[mram].temporal[d] = m.level[wram].temporal[d] = 1;
        m.level[0].spatial_x[d] = 1;
    }
    m.level[mram].temporal[TS_TEST_DIM_M] = 4;
    m.level[mram].temporal[TS_TEST_DIM_K] = 2;
    const uint8_t order[3] = {TS_TEST_DIM_K, TS_TEST_DIM_N, TS_TEST_DIM_M}; /* innermost first */
    memcpy(m.level[mram].permutation, order, sizeof order);
    m.level[wram].temporal[TS_TEST_DIM_K] = 4096;
    g_autoptr(GError) error = NULL;
    TsModelOptions mo = {.imperfect_factors = TRUE};
    g_autoptr(TsModel) model = ts_model_new_full(arch, &op, &mo, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    uint64_t rc[3], wc[3];
    g_autoptr(TsWalk) walk = ts_walk_new(model, &m, (guint)wram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(walk);
    for (guint t = 0; t < 3; t++)
        ts_walk_dma_calls(walk, (guint)mram, t, &rc[t], &wc[t]);
    CU_ASSERT_EQUAL(rc[TS_TEST_INPUTS], 12);
    CU_ASSERT_EQUAL(rc[TS_TEST_WEIGHTS], 12);
    CU_ASSERT_EQUAL(rc[TS_TEST_OUTPUTS] + wc[TS_TEST_INPUTS] + wc[TS_TEST_WEIGHTS], 0);
    CU_ASSERT_EQUAL(wc[TS_TEST_OUTPUTS], 4);
    CU_ASSERT_DOUBLE_EQUAL(cost.level[mram].cycles, 1484000, 0.5);
    TsExecOptions deep = {0}, shallow = {.max_steps = 1};
    TsExecOpResult a, b;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &deep, &a, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &shallow, &b, &error));
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "partial tiles: model MRAM %.0f cycles; DES depth %u (%" G_GUINT64_FORMAT
                " steps) MRAM busy %.1f; depth %u (%" G_GUINT64_FORMAT " steps) MRAM busy %.1f\n",
                cost.level[mram].cycles, a.depth, a.steps, mram_busy(&a), b.depth, b.steps,
                mram_busy(&b));
    CU_ASSERT_EQUAL(a.depth, (guint)wram);
    CU_ASSERT_EQUAL(a.steps, 8);
    CU_ASSERT_EQUAL(b.depth, (guint)mram);
    CU_ASSERT_DOUBLE_EQUAL(mram_busy(&a), 1484000 + 8, 1.0);
    CU_ASSERT_DOUBLE_EQUAL(mram_busy(&b), 1484000 + 8, 1.0);
}

/* The host link's busy cycles in an op's window (its busier direction). */
static double link_busy(const TsExecOpResult *x)
{
    for (guint u = 0; u < x->n_units; u++)
        if (strcmp(x->unit[u].kind, "host_link") == 0)
            return x->unit[u].utilization * x->cycles;
    return -1;
}

/* The mapping above with the walk bounded to 1 step per instance (TsExecOptions.max_steps):
 * by steps alone the walk depth would be the HostDRAM (level 0, the MRAM's 2 versions inside
 * one step, aggregated, crossing no link); the link's landing level is made explicit instead
 * (ts_exec_link_depth: the MRAM, 2 steps), so the DES makes the model's 4 calls and the link
 * carries the same calls and bytes as at the default depth (WRAM): busy in its busier
 * direction for 2 calls and their bytes; the op's cycles within 1% of the model's. */
static void test_below_walk_depth(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 1, &op, &m);
    const int mram = storage_index(arch, "DPU.mram");
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    CU_ASSERT_EQUAL(ts_walk_depth_for(model, &m, 1), 0u);
    TsExecOptions deep = {0}, shallow = {.max_steps = 1};
    TsExecOpResult a, b;
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &deep, &a, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 1, &shallow, &b, &error));
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "model %.0f cycles, %" G_GUINT64_FORMAT
                " calls; DES depth %u: %.0f cycles, %" G_GUINT64_FORMAT
                " calls, link busy %.0f; depth %u: %.0f cycles, %" G_GUINT64_FORMAT
                " calls, link busy %.0f\n",
                cost.cycles, cost.link_calls, a.depth, a.cycles, a.link_calls, link_busy(&a),
                b.depth, b.cycles, b.link_calls, link_busy(&b));
    CU_ASSERT_EQUAL(b.depth, (guint)mram);
    CU_ASSERT_EQUAL(b.steps, 2);
    CU_ASSERT_EQUAL(b.link_calls, cost.link_calls);
    CU_ASSERT_EQUAL(b.link_calls, 4);
    CU_ASSERT_DOUBLE_EQUAL(link_busy(&b), link_busy(&a), 1.0);
    CU_ASSERT(link_busy(&b) >= 2 * CALL_CYCLES && link_busy(&b) <= 2.02 * CALL_CYCLES);
    CU_ASSERT(fabs(b.cycles - cost.cycles) <= 0.01 * cost.cycles);
    /* the counted actions are the model's at any depth */
    for (guint t = 0; t < op.n_tensors; t++)
        CU_ASSERT_EQUAL(b.cost.level[mram].tensor[t].fills, cost.level[mram].tensor[t].fills);
}

/* The DES's refusal of op 0 of a one-op layer mapped with m under options (NULL: the defaults;
 * ts_exec_op_refusal_with), owned. */
static char *refusal_with(const TsArch *arch, const TsOp *op, TsModel *model, const TsMapping *m,
                          const TsExecOptions *options)
{
    TsSearchEntry best = {.mapping = *m};
    CU_ASSERT_EQUAL(ts_model_evaluate(model, m, &best.cost), TS_EVAL_OK);
    TsLayerOp lo = {.op = op, .einsum = TRUE, .model = model};
    lo.search.n_best = 1;
    lo.search.best = &best;
    TsLayerResult layer = {.n_ops = 1, .ops = &lo};
    return options ? ts_exec_op_refusal_with(arch, &layer, 0, options)
                   : ts_exec_op_refusal(arch, &layer, 0);
}

static char *refusal(const TsArch *arch, const TsOp *op, TsModel *model, const TsMapping *m)
{
    return refusal_with(arch, op, model, m, NULL);
}

/* Reaching the link's landing level takes more than TS_EXEC_LINK_MAX_STEPS (2^20) steps per
 * instance: the mapping above with M = 2^21 and the HostDRAM's temporal M2 made M2^21 (the
 * MRAM's M4 made 1): 2^21 MRAM steps. The op is refused naming the op and the level, by
 * ts_exec_op_refusal (so simulate and sweeps leave it out with the reason) and by a run of it
 * alone; the small mapping is not refused. */
static void test_link_depth_refused(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 1, &op, &m);
    const int mram = storage_index(arch, "DPU.mram");
    g_autoptr(GError) error = NULL;
    {
        g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(model);
        g_autofree char *why = refusal(arch, &op, model, &m);
        CU_ASSERT_PTR_NULL(why);
    }
    op.dims[TS_TEST_DIM_M] = G_GUINT64_CONSTANT(1) << 21;
    m.level[0].temporal[TS_TEST_DIM_M] = 1u << 21;
    m.level[mram].temporal[TS_TEST_DIM_M] = 1;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(model, &m, &cost), TS_EVAL_OK);
    CU_ASSERT(cost.link_calls > 0);
    const char *want = "op gemm: its host-link transfers land at level DPU.mram, whose tile "
                       "steps per instance exceed the executor's 1048576";
    g_autofree char *why = refusal(arch, &op, model, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
    TsExecOptions opt = {0};
    TsExecOpResult x;
    CU_ASSERT_FALSE(ts_exec_run_op(arch, model, &m, 1, &opt, &x, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, want));
}

/* The schedule state per lock-step lane of the GEMM above x3 under max_steps (0: the default),
 * bytes, as the refusal of a run under a budget too small for any lane states it. */
static double lane_bytes_at(const TsArch *arch, TsModel *model, const TsMapping *m,
                            uint64_t max_steps)
{
    g_autoptr(GError) error = NULL;
    TsExecOptions tiny = {.max_steps = max_steps, .lane_memory_bytes = 1};
    TsExecOpResult x;
    CU_ASSERT_FALSE(ts_exec_run_op(arch, model, m, 3, &tiny, &x, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    const char *at = strstr(error->message, "MiB of schedule state (");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    return 1024.0 * g_ascii_strtod(at + strlen("MiB of schedule state ("), NULL);
}

/* Instances in lock-step hold their schedule state at once (docs/des.md section 12): a group
 * whose lanes would exceed the budget (TsExecOptions.lane_memory_bytes) is refused before its
 * lanes are allocated, naming the op and the figures, and runs as before within it. With the
 * default budget (1 GiB), the GEMM above x 3 runs; x 20,000 (the tiles still fit the MRAM
 * together, so the model shares each call among them) is refused by ts_exec_op_refusal (so
 * simulate and sweeps keep its analytical figures) and by a run of it alone. The refusal
 * applies the budget at the walk depth of the options' max_steps (a sweep's `des: max_steps`),
 * as the run does: walked to the MRAM (max_steps 1; its host-link level) the GEMM x 3 holds
 * less per lane than walked to the WRAM (the default); under a budget between the two, max_steps
 * 1 is neither refused nor fails, the default is refused and fails. */
static void test_lane_budget(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 3, &op, &m);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsExecOpResult a, b;
    TsExecOptions small = {.lane_memory_bytes = 100 << 10}, enough = {.lane_memory_bytes = 4 << 20};
    CU_ASSERT_FALSE(ts_exec_run_op(arch, model, &m, 3, &small, &a, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "op gemm: its 3 instances share each host-link "
                                                  "call and would run in lock-step in the DES"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "over the executor's budget of 100.0 KiB"));
    double per_lane = 0.0;
    const char *at = strstr(error->message, "MiB of schedule state (");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    per_lane = g_ascii_strtod(at + strlen("MiB of schedule state ("), NULL);
    if (per_lane <= 8.0 || per_lane >= 100.0)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT(per_lane > 8.0 && per_lane < 400.0); /* KiB per lane */
    g_clear_error(&error);
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 3, &enough, &a, &error));
    CU_ASSERT_TRUE_FATAL(ts_exec_run_op(arch, model, &m, 3, &(TsExecOptions){0}, &b, &error));
    CU_ASSERT_EQUAL(a.link_calls, 4);
    CU_ASSERT_EQUAL(a.link_batch, 3);
    CU_ASSERT_DOUBLE_EQUAL(a.cycles, b.cycles, 0.0);
    g_autofree char *ok = refusal(arch, &op, model, &m);
    CU_ASSERT_PTR_NULL(ok);

    const double shallow = lane_bytes_at(arch, model, &m, 1), deep = lane_bytes_at(arch, model, &m, 0);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "per lane: max_steps 1 %.0f B, default %.0f B\n", shallow, deep);
    CU_ASSERT_FATAL(shallow > 1024.0 && deep > 1.1 * shallow);
    const uint64_t between = (uint64_t)(3.0 * (shallow + deep) / 2.0);
    TsExecOptions one = {.max_steps = 1, .lane_memory_bytes = between},
                  dflt = {.lane_memory_bytes = between};
    g_autofree char *none = refusal_with(arch, &op, model, &m, &one);
    if (none != NULL)
        fprintf(stderr, "refused at max_steps 1: %s\n", none);
    CU_ASSERT_PTR_NULL(none);
    CU_ASSERT_TRUE(ts_exec_run_op(arch, model, &m, 3, &one, &a, &error));
    g_clear_error(&error);
    g_autofree char *over = refusal_with(arch, &op, model, &m, &dflt);
    CU_ASSERT_PTR_NOT_NULL(over);
    CU_ASSERT_FALSE(ts_exec_run_op(arch, model, &m, 3, &dflt, &a, &error));
    g_clear_error(&error);

    op.count = 20000;
    g_autoptr(TsModel) many = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(many);
    TsCost cost;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(many, &m, &cost), TS_EVAL_OK);
    CU_ASSERT_EQUAL_FATAL(cost.link_batch, 20000);
    const char *want = "op gemm: its 20000 instances share each host-link call";
    g_autofree char *why = refusal(arch, &op, many, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "over the executor's budget of 1024.0 MiB"));
    CU_ASSERT_FALSE(ts_exec_run_op(arch, many, &m, 20000, &(TsExecOptions){0}, &a, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, want));
}

/* Random valid mappings of ops with several instances on upmem-pim (the GEMM above x3, the
 * small transformer's attention einsums x4 heads, 16 mappings each): whether the instances
 * share each call or not (their tiles fit the MRAM together or not, as each mapping has it),
 * the DES completes, makes the model's calls (calls x count / batch, the same batch), counts
 * instance 0's reads, fills and updates as the model's per-instance figures, and takes the
 * model's cycles x count within 3%. The calls dominate these ops (each 1,295,000 cycles against
 * a few hundred thousand of compute), so the cycles check the model's call formula (docs/pim.md,
 * "Host-link calls"): the calls in series, the edges, and the chain through the last version
 * (every fill, the last version's compute, the last write-backs), which the DES's lock-step
 * lanes cannot shorten. Without the chain the model was up to 15% below the DES (a KTQ x4 whose
 * 4 fills precede its last version's 1.02 M cycles of compute, then its one gather); with it,
 * over 1,968 mappings (41 seeds), every one was within 1.3% (test_exec_link checks the link's
 * idle time and its rate per DPU over more mappings). Seed printed; TILESIM_TEST_SEED
 * overrides it. */
static void check_random_run(const TsModel *model, const TsMapping *mapping, const TsCost *cost,
                             const TsExecOpResult *x, uint64_t count, void *data)
{
    (void)mapping;
    guint *shared = data;
    const TsOp *op = ts_model_op(model);
    CU_ASSERT_EQUAL(x->link_batch, cost->link_batch);
    CU_ASSERT_EQUAL(x->link_calls * x->link_batch, cost->link_calls * count);
    *shared += cost->link_batch > 1 && cost->link_calls > 0;
    const double model_cycles = cost->cycles * (double)count;
    CU_ASSERT(fabs(x->cycles - model_cycles) <= 0.03 * model_cycles);
    for (guint l = 0; l < cost->n_levels; l++)
        for (guint t = 0; t < op->n_tensors; t++) {
            const TsTensorCost *a = &cost->level[l].tensor[t], *d = &x->cost.level[l].tensor[t];
            CU_ASSERT(a->reads == d->reads && a->fills == d->fills && a->updates == d->updates);
        }
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr,
                "%s x%" G_GUINT64_FORMAT ": batch %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                " calls, DES %.0f cycles, model %.0f (%+.1f%%)\n",
                op->name, count, x->link_batch, x->link_calls, x->cycles, model_cycles,
                100.0 * (x->cycles / model_cycles - 1.0));
}

static guint check_random(const TsArch *arch, const TsOp *op, GRand *rng, guint n, guint *shared)
{
    return ts_test_exec_random_runs(arch, op, rng, n, FALSE, check_random_run, shared);
}

static void test_random_instances(void)
{
    g_autoptr(TsArch) arch = load_upmem(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(GRand) rng = g_rand_new_with_seed((guint32)ts_test_seed(20261206));
    guint found = 0, shared = 0;
    TsOp op;
    TsMapping m;
    op_and_mapping(arch, 3, &op, &m);
    found += check_random(arch, &op, rng, 16, &shared);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) wl = ts_test_small_transformer(&error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    for (guint i = 0; i < ts_workload_n_ops(wl); i++) {
        const TsOp *o = ts_workload_op(wl, i);
        if (o->kind == TS_OP_EINSUM && o->count > 1)
            found += check_random(arch, o, rng, 16, &shared);
    }
    CU_ASSERT(found >= 24);
    CU_ASSERT(shared >= 8); /* lock-step groups among them */
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("exec_calls", NULL, NULL);
    CU_add_test(s, "one instance: 4 calls (2 broadcast fills, 2 gathers), both engines",
                test_one_instance);
    CU_add_test(s, "3 instances sharing each call: 4 calls, not 12", test_batched);
    CU_add_test(s, "3 instances whose tiles do not fit together: 12 calls", test_unbatched);
    CU_add_test(s, "MRAM-WRAM DMA alpha per tile transfer, both engines", test_dma_alpha);
    CU_add_test(s, "MRAM-WRAM DMA alpha per tile, both engines, at a walk depth above the WRAM",
                test_dma_bound);
    CU_add_test(s, "partial tiles: DMA calls of their own bytes, both engines",
                test_dma_partial_tiles);
    CU_add_test(s, "host-link fills below the step bound's depth still make their calls",
                test_below_walk_depth);
    CU_add_test(s, "host-link level over 2^20 steps deep: refused, named", test_link_depth_refused);
    CU_add_test(s, "lock-step lanes over the memory budget (at max_steps' depth): refused, named",
                test_lane_budget);
    CU_add_test(s, "random mappings of ops with instances: the model's calls, counts and cycles",
                test_random_instances);
    return ts_test_run(argc, argv);
}
