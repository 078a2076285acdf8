/* The systolic array as a DES component kind, "systolic_array": compute steps (GEMM tiles)
 * arrive on port "ctrl"; each runs through the SCALE-Sim-semantics model (ts-systolic.h), the
 * component wakes at every fold boundary of the step's timeline (stalls included) and, after
 * the last fold, answers on "ctrl" with the step's cycles and DRAM traffic, which also return
 * its credit. */
#ifndef TS_SYSTOLIC_COMPONENT_H
#define TS_SYSTOLIC_COMPONENT_H

#include "ts-arch-classes.h"
#include "ts-scalesim.h"
#include "ts-sim.h"
#include "ts-systolic.h"

G_BEGIN_DECLS

/* Parameters: rows, cols (PEs); dataflow ("os", "ws", "is"); ifmap_sram_words,
 * filter_sram_words, ofmap_sram_words; bandwidth_limited (bool) and dram_words_per_cycle; clock_hz;
 * queue_depth (steps a sender may have outstanding: its credits). Statistics: steps, folds,
 * cycles, stall_cycles, macs, the six SRAM/DRAM access counts (words). */
extern const TsComponentKind ts_systolic_kind;

/* Event types on port "ctrl". */
enum {
    /* in: payload u64[0..3] = M, N, K, tag: a GEMM tile A(MxK) x B(KxN). A sender must hold a
     * credit per step outstanding (queue_depth to start with, one back with each DONE); a step
     * beyond them, or a tile the model rejects, is a broken invariant. */
    TS_SYSTOLIC_EV_COMPUTE = 1,
    /* out: payload u64[0..3] = tag, cycles (SCALE-Sim total_cycles: the step occupies
     * cycles + 1 clock cycles), stall_cycles, DRAM words (ifmap + filter reads, ofmap writes). */
    TS_SYSTOLIC_EV_DONE = 2,
    TS_SYSTOLIC_EV_FOLD = 3, /* internal: a fold boundary */
};

/* Port indices of the kind. */
enum { TS_SYSTOLIC_PORT_CTRL = 0 };

/* Fills rows, cols and dataflow of a component parameter set from the arch's systolic_array
 * spec; the SRAM sizes and the interface come from the levels around the array. */
void ts_systolic_params_from_spec(const TsSystolicSpec *spec, TsParams *params);

/* The model's configuration and layer for SCALE-Sim's inputs (SRAM kB of 1-byte words). */
void ts_systolic_config_from_scalesim(const TsScaleSimConfig *in, TsSystolicConfig *out);
TsSystolicLayer ts_systolic_layer_from_scalesim(const TsScaleSimLayer *in);

/* The model configuration of a systolic_array component, and the result of its last finished
 * step (all zero before the first). Borrowed. */
const TsSystolicConfig *ts_systolic_component_config(const TsComponent *component);
const TsSystolicResult *ts_systolic_component_last(const TsComponent *component);

G_END_DECLS

#endif /* TS_SYSTOLIC_COMPONENT_H */
