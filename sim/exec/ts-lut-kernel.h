/* PIM-DL's LUT-NN kernel on one DPU as kernels of the DES pim_core component (ts-pim-core.h):
 * the steps each tasklet runs, built from the model's kernel terms (ts_lut_pim_terms), so the
 * analytical cost and the DES run one description. Per tasklet (all alike: each runs `rows`
 * tokens of every micro tile):
 *   static table: its share of the sub-table (DMA calls of at most max_dma_bytes, each after
 *     the call's setup slots), then a barrier (a kernel of its own, before the loop);
 *   per micro-tile visit, in the loop order: the index tile (unless the features loop runs
 *     inside and this is not its first f tile), the output tile read (codebooks not inside,
 *     not the first codebook tile), the table and the lookups: static, the visit's slots in
 *     one step; fine, per token, codebook and f block one DMA of f_load entries and its
 *     lookups, index step and accumulators; coarse, per table block one DMA of the tasklet's
 *     share between two barriers around its rows' lookups; then the output tile written
 *     (codebooks not inside, or the last codebook tile).
 * Every outer-loop iteration runs the same steps except the first when the codebooks loop is
 * outermost (no output read): that one is a kernel of its own, so a barrier ends it (the
 * model has none there). The centroid search on the DPUs: each tasklet streams its share of
 * the inputs in DMA calls, each followed by its share of the distance slots. Docs:
 * docs/pim.md, "PIM architectures in the DES". */
#ifndef TS_LUT_KERNEL_H
#define TS_LUT_KERNEL_H

#include <glib.h>

#include "ts-lut-pim.h"
#include "ts-pim-core.h"

G_BEGIN_DECLS

#define TS_LUT_KERNEL_MAX_SEGMENTS 3
/* Steps per kernel segment the builder accepts (a configuration whose one outer-loop
 * iteration needs more is refused with an error naming it). */
#define TS_LUT_KERNEL_MAX_STEPS (1u << 22)

typedef struct {
    TsDpuKernel seg[TS_LUT_KERNEL_MAX_SEGMENTS]; /* run one after another */
    guint n_seg;
    GArray *steps[TS_LUT_KERNEL_MAX_SEGMENTS]; /* TsDpuStep, owned */
    double lookups;                            /* per DPU, all segments */
    double dma_bytes;                          /* per DPU, MRAM <-> WRAM, all segments */
} TsLutKernel;

/* One DPU's kernel of op under cost (a ts_lut_pim_evaluate result on target). FALSE with
 * TS_CONFIG_ERROR when the terms are missing or a segment would exceed the step bound. */
gboolean ts_lut_kernel_build(const TsLutPimTarget *target, const TsOp *op, const TsLutPimCost *cost,
                             TsLutKernel *kernel, GError **error);

/* What ts_lut_kernel_build would refuse, without building (counting the steps). */
gboolean ts_lut_kernel_check(const TsLutPimTarget *target, const TsOp *op, const TsLutPimCost *cost,
                             GError **error);

/* The centroid search on one DPU (cost->p.search_on_dpus): one segment. */
gboolean ts_lut_search_kernel_build(const TsLutPimTarget *target, const TsOp *op,
                                    const TsLutPimCost *cost, TsLutKernel *kernel, GError **error);

void ts_lut_kernel_clear(TsLutKernel *kernel);

/* Runs every segment of kernel on a DPU of spec in a simulation of its own; *result sums the
 * segments (cycles, issued, DMA bytes, busy cycles and transfers). */
gboolean ts_lut_kernel_run(const TsPimCoreSpec *spec, const TsLutKernel *kernel,
                           TsDpuKernelResult *result, GError **error);

G_END_DECLS

#endif /* TS_LUT_KERNEL_H */
