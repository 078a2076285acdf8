/* The systolic array as a DES component kind, "systolic_array": compute steps (GEMM tiles)
 * arrive on port "ctrl"; each runs through the SCALE-Sim-semantics model (ts-systolic.h), the
 * component wakes at every fold boundary of the step's timeline (stalls included) and, after
 * the last fold, answers on "ctrl" with the step's cycles and DRAM traffic and returns the
 * step's credit. When port "mem" is connected, the DRAM traffic the model gives each fold
 * is sent there as memory requests (ts-mem.h) when the fold
 * starts, and a fold cannot end before its requests are answered: a memory slower than the
 * model's interface stalls the array further (counted as stall cycles of the step). Elementwise
 * work on the PEs as lanes (TS_SYSTOLIC_EV_LANES) takes its turn in the same queue, so one
 * component stands for the array whatever it computes. A step may be several passes of one GEMM
 * tile (TS_SYSTOLIC_EV_PASSES: the tiles a coarse step of a mapping holds), run back to back
 * exactly as that many steps of one pass would run. Each fold's boundary and DRAM words come
 * from the model when the fold starts (ts_systolic_fold_iter_next): memory does not grow with a
 * step's folds or passes. */
#ifndef TS_SYSTOLIC_COMPONENT_H
#define TS_SYSTOLIC_COMPONENT_H

#include "ts-arch-classes.h"
#include "ts-scalesim.h"
#include "ts-sim.h"
#include "ts-systolic.h"

G_BEGIN_DECLS

/* Configuration: ts_sim_add_component_typed(sim, &ts_systolic_kind, path,
 * TS_SPEC(TsSystolicSpec, spec), params, &error): rows, cols and dataflow from the arch's
 * systolic_array spec (kept by pointer), and DES-only params ifmap_sram_words,
 * filter_sram_words, ofmap_sram_words (default 65536 each: the SRAMs SCALE-Sim puts around the
 * array), bandwidth_limited (bool) and dram_words_per_cycle, clock_hz (the array's clock,
 * default 1 GHz), queue_depth (credits granted on "ctrl": steps queued, the running one
 * included), word_bytes (bytes per operand word in memory requests, default 1) and
 * mem_request_bytes (largest memory request, default 64). Statistics: steps, folds, cycles
 * (the steps' cycles as TS_SYSTOLIC_EV_DONE gives them), stall_cycles, macs, the six SRAM/DRAM
 * access counts (words), mem_requests. */
extern const TsComponentKind ts_systolic_kind;

/* Event types on port "ctrl". */
enum {
    /* in: payload u64[0..3] = M, N, K, tag: a GEMM tile A(MxK) x B(KxN). The sender's port is
     * TS_PORT_CREDITED: each step takes a credit; the array returns it when the step is done.
     * A tile the model rejects is a broken invariant. */
    TS_SYSTOLIC_EV_COMPUTE = 1,
    /* out: payload u64[0..3] = tag, cycles (SCALE-Sim total_cycles plus the cycles waited for
     * "mem"; the step occupies cycles + 1 clock cycles), stall_cycles (the model's plus those),
     * DRAM words (ifmap + filter reads, ofmap writes). */
    TS_SYSTOLIC_EV_DONE = 2,
    TS_SYSTOLIC_EV_FOLD = 3, /* internal: a fold boundary */
    /* in: payload u64[0] = cycles (>= 1), u64[3] = tag: elementwise work on the PEs as lanes,
     * queued with the GEMM steps (same credits) and occupying the array for `cycles` clock
     * cycles, with no folds, MACs or memory traffic; answered by TS_SYSTOLIC_EV_DONE with
     * cycles - 1 (the step occupies cycles + 1) and no stalls or DRAM words. */
    TS_SYSTOLIC_EV_LANES = 4,
    /* in: payload u64[0] = M, u64[1] = N, u32[4] = K, u32[5] = passes (>= 1), u64[3] = tag: one
     * step of `passes` GEMM tiles A(MxK) x B(KxN) run back to back, each on fresh buffers with
     * its own folds, fill and drain, taking and returning one credit. It takes exactly the time
     * of `passes` steps of one tile queued back to back (each occupying its cycles + 1): without
     * "mem" the passes after the first are served as one span, with "mem" fold by fold. DONE
     * gives cycles = the passes' occupancy - 1 and their stalls and DRAM words summed;
     * ts_systolic_component_last sums the counts (the GEMM view M, N, K and the per-fold means
     * are one pass's). */
    TS_SYSTOLIC_EV_PASSES = 5,
};

/* Port indices of the kind. */
enum { TS_SYSTOLIC_PORT_CTRL = 0, TS_SYSTOLIC_PORT_MEM = 1 };

/* The model's configuration and layer for SCALE-Sim's inputs (SRAM kB of 1-byte words). */
void ts_systolic_config_from_scalesim(const TsScaleSimConfig *in, TsSystolicConfig *out);
TsSystolicLayer ts_systolic_layer_from_scalesim(const TsScaleSimLayer *in);

/* The model configuration of a systolic_array component, and the result of its last finished
 * step (all zero before the first; a step of passes: their sum). Borrowed. */
const TsSystolicConfig *ts_systolic_component_config(const TsComponent *component);
const TsSystolicResult *ts_systolic_component_last(const TsComponent *component);

/* Busy cycles (steps' cycles + 1 each) and steps since the start. */
void ts_systolic_component_busy(const TsComponent *component, guint64 *cycles, guint64 *steps);

G_END_DECLS

#endif /* TS_SYSTOLIC_COMPONENT_H */
