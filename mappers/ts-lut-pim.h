/* LUT-NN ops on UPMEM-like DPUs as PIM-DL runs them (Li et al., "PIM-DL: Expanding the
 * Applicability of Commodity DRAM-PIMs for Deep Learning via Algorithm-System Co-Optimization",
 * ASPLOS 2024): closest-centroid search (CCS) on the host's vector unit or on the DPUs, the
 * indices and the per-DPU sub-tables scattered over the host link, each DPU's
 * lookup-accumulate over its sub-tile, the outputs gathered. The kernel parameters are
 * PIM-DL's: the DPUs split into input_parallelism x lut_parallelism groups (tokens x output
 * features), a loop order over the micro tiles (nfc, ncf, fnc, fcn, cnf, cfn: n tokens, f
 * features, c codebooks, outermost first), the table load type (static: the whole sub-table in
 * WRAM; fine: one DMA of load_f entries per token and codebook; coarse: blocks of cb_load
 * codebooks x centroids x f_load features per n_mtile tokens) and the tile sizes within the
 * WRAM budget. Costs come from the arch's DPU (tasklets, issue rate, DMA alpha + beta x bytes,
 * instruction slots and energy, MRAM energy), host link and host vector unit: docs/pim.md,
 * "LUT-NN on PIM". */
#ifndef TS_LUT_PIM_H
#define TS_LUT_PIM_H

#include <glib.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-op.h"

G_BEGIN_DECLS

typedef enum {
    TS_LUT_ORDER_NFC,
    TS_LUT_ORDER_NCF,
    TS_LUT_ORDER_FNC,
    TS_LUT_ORDER_FCN,
    TS_LUT_ORDER_CNF,
    TS_LUT_ORDER_CFN,
    TS_LUT_ORDER_COUNT_
} TsLutOrder;

typedef enum {
    TS_LUT_LOAD_STATIC,
    TS_LUT_LOAD_FINE,
    TS_LUT_LOAD_COARSE,
    TS_LUT_LOAD_COUNT_
} TsLutLoad;

/* "nfc", ... and "static", "fine", "coarse" (PIM-DL's numbering is the enum order). */
const char *ts_lut_order_name(TsLutOrder order);
const char *ts_lut_load_name(TsLutLoad load);

/* One kernel configuration (PIM-DL's kernel_params). f_load / cb_load: the fine-grain load
 * width (f_load; cb_load 1) and the coarse-grain block; for static both are ignored. */
typedef struct {
    gboolean search_on_dpus; /* CCS on the DPUs instead of the host */
    guint64 input_par, lut_par;
    guint64 n_stile, f_stile;
    guint64 n_mtile, f_mtile, cb_mtile;
    guint64 f_load, cb_load;
    TsLutOrder order;
    TsLutLoad load;
} TsLutPimParams;

/* What the kernel is run on, taken from an arch (ts_lut_pim_target). */
typedef struct {
    const TsPimCoreSpec *dpu;
    char dpu_name[64]; /* the pim_core level's name without its expansion suffix */
    guint64 n_dpus;
    double mram_pj_per_byte;    /* DMA energy per byte moved (MRAM read) */
    guint64 wram_budget_bytes;  /* WRAM minus tasklet stacks and the runtime's own data */
    const TsHostLinkSpec *link; /* NULL: no host link (transfers free and noted) */
    const char *link_name;
    const TsVectorUnitSpec *host; /* host vector unit for CCS; NULL: no host search */
    const char *host_name;
    double host_hz;
    double host_mem_bytes_per_s; /* host DRAM bandwidth (outermost level), 0 = unlimited */
    double host_mem_pj_per_byte;
    /* The tables are resident (the DPU's MRAM is a home of parameters, docs/pim.md): each DPU's
     * sub-table is scattered once before any inference (the cost's load_*), not per run. */
    gboolean tables_resident;
    /* Per-DPU bytes of MRAM a resident sub-table may take (the op's share when the model's
     * tables must all stay; 0 = the whole MRAM): a larger one is scattered per run. */
    guint64 table_budget_bytes;
} TsLutPimTarget;

/* Cost of one configuration, per instance of the op. Seconds of the phases run one after
 * another (PIM-DL's runtime does: search, scatter indices, scatter tables, launch, gather). */
typedef struct {
    TsLutPimParams p;
    /* host (or DPU) closest-centroid search */
    double search_s, search_pj;
    /* its work: on the host, operations at the vector unit's 'ccs' figures (or at its 'add'
     * and 'mul' ones) and host-memory bytes (inputs read, indices written); on the DPUs, per
     * DPU, issue slots and the inputs' bytes DMAed from MRAM */
    double search_ccs_ops, search_add_ops, search_mul_ops;
    double search_read_bytes, search_write_bytes;
    double search_dpu_slots, search_dpu_bytes;
    /* host link */
    double input_bytes, lut_bytes, output_bytes; /* all DPUs together */
    double input_s, lut_s, gather_s, link_pj; /* lut_s 0 with resident tables */
    /* resident tables: their one-time scatter (not in total_s / energy_pj) */
    double load_s, load_pj, load_bytes;
    /* one DPU's kernel, in DPU cycles: the DMA engine's busy time and the pipeline's, each
     * split by what they serve; the kernel takes the shared table loads (the static table
     * before the loop, the coarse blocks: all tasklets load them together behind a barrier)
     * plus max(the tasklets' own DMAs, pipeline): tasklets overlap their own DMAs (index and
     * output tiles, fine-grain entries) with the others' instructions */
    double dma_input_cycles, dma_output_cycles, dma_lut_cycles, dma_static_cycles;
    double issue_lookup_cycles, issue_index_cycles, issue_acc_cycles, issue_dma_cycles;
    double dma_cycles, issue_cycles, dpu_cycles;
    double dpu_s, dpu_pj; /* all DPUs: instructions + MRAM traffic */
    guint64 wram_bytes;   /* the tiles' WRAM footprint */
    guint64 mram_bytes;   /* per-DPU data in MRAM */
    double total_s, energy_pj;
} TsLutPimCost;

/* One DPU's kernel under an evaluated configuration, per tasklet: the terms the model's
 * kernel cost adds up and the DES kernel (sim/exec, ts-lut-kernel.h) issues step by step.
 * Each tasklet runs `rows` tokens of every micro tile; the micro tiles are visited in the loop
 * order; an index tile is loaded per visit unless the features loop runs inside (f_inner), an
 * output tile is read and written per visit unless the codebooks loop runs inside (c_inner:
 * written once, accumulators starting at zero); the table as the load type says. */
typedef struct {
    guint64 tasklets, rows;
    guint64 n_tiles, f_tiles, c_tiles; /* micro tiles per sub tile */
    gboolean f_inner, c_inner;
    double in_bytes, out_bytes; /* one tasklet's index and output tile */
    double lut_tile_bytes;      /* the table's WRAM tile (all tasklets) */
    /* one tasklet's table DMA: its share of the static table (once) or of a coarse block
     * (per block), or one fine-grain load of f_load entries (per token, codebook, f block) */
    double table_bytes;
    double lookup_slots; /* per lookup: the entry's load (and the accumulator's load and store
                            when the f block exceeds the registers) and the add */
    double index_slots;  /* per token, codebook and f block: index load, row address, loop */
    double acc_slots;    /* per token, f block and codebook block: the accumulators' load and
                            store (f_load slots, 64-bit pairs), 0 when not in registers */
    double call_slots;   /* per DMA call: its setup */
} TsLutPimTerms;

/* The kernel terms of params as ts_lut_pim_evaluate completed them (cost->p). FALSE when they
 * are incomplete or the DPU has no add at the accumulator's format. */
gboolean ts_lut_pim_terms(const TsLutPimTarget *target, const TsOp *op,
                          const TsLutPimParams *params, TsLutPimTerms *terms);

/* The arch's DPU (the first pim_core level of kind dpu), its instance count, host link and
 * host vector unit. FALSE when the arch has no DPU (the caller costs the op otherwise). */
gboolean ts_lut_pim_target(const TsArch *arch, TsLutPimTarget *target);

/* Costs params for op (a LUT op) on target. FALSE with *why (static text) when params break a
 * rule: the DPU split, divisibility, WRAM or MRAM capacity, tasklet alignment. */
gboolean ts_lut_pim_evaluate(const TsLutPimTarget *target, const TsOp *op,
                             const TsLutPimParams *params, TsLutPimCost *cost, const char **why);

/* Searches PIM-DL's parameter space for the lowest total_s (ties: lower energy, then the
 * first in enumeration order): every DPU split, tile divisors, loop order and load type,
 * coarse blocks of powers of two, CCS on host and on the DPUs. *evaluated / *valid count the
 * candidates. Errors (TS_CONFIG_ERROR) when no configuration fits. */
gboolean ts_lut_pim_search(const TsLutPimTarget *target, const TsOp *op, TsLutPimCost *best,
                           guint64 *evaluated, guint64 *valid, GError **error);

/* The phase that takes longest: "host search", "DPU search", "index scatter", "table
 * scatter", "DPU kernel" or "gather". */
const char *ts_lut_pim_bound(const TsLutPimCost *cost);

G_END_DECLS

#endif /* TS_LUT_PIM_H */
