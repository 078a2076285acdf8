/* Compute components served by compute steps (ts-compute.h), in order and back to back:
 *
 * mac_array: the arch's compute level (class mac, a PIM core's ALU, ...): `work` MACs on each
 * utilized instance in lockstep take ceil(work / macs_per_cycle) cycles of the level's clock
 * (TsLevel.macs_per_cycle: a DPU's issue rate over its cycles per MAC, SIMD lanes, ...); the
 * results are out pipeline_cycles later (a UPMEM DPU's pipeline_stages; else 0 unless the
 * `pipeline_cycles` param says otherwise), the next step starting meanwhile.
 *
 * vector_unit: the arch's vector_unit level: `work` element-passes of operation `op` (an index
 * into its TsVectorUnitSpec ops, sorted by name; ts_vector_unit_op_index) take
 * ceil(work x cycles_per_element / lanes) cycles of the unit's clock.
 *
 * Configuration: TS_SPEC(TsLevel, level) (kept by pointer) and DES-only params `requesters`
 * (elements of "req", default 1), `queue_depth` (credits per requester: steps queued, default 2)
 * and, for mac_array, `pipeline_cycles` (default -1: from the spec). The response's `cycles` is
 * the time the step occupied the unit; its credit returns when it starts. */
#ifndef TS_COMPUTE_UNIT_H
#define TS_COMPUTE_UNIT_H

#include "ts-arch.h"
#include "ts-sim.h"

G_BEGIN_DECLS

extern const TsComponentKind ts_mac_array_kind;
extern const TsComponentKind ts_vector_unit_kind;

typedef struct {
    guint64 steps;
    guint64 work;       /* MACs (x instances) or element-passes */
    double busy_cycles; /* of the unit's clock */
} TsComputeUnitStats;

void ts_compute_unit_get_stats(const TsComponent *unit, TsComputeUnitStats *stats);

/* Cycles (the unit's clock) a step of `work` would take on an idle unit (op: vector units). */
double ts_compute_unit_cycles(const TsComponent *unit, guint64 work, guint op);
/* The same as its busy statistics add it (TsComputeUnitStats.busy_cycles), whenever served. */
double ts_compute_unit_busy_cycles(const TsComponent *unit, guint64 work, guint op);

/* Index of operation `name` in a vector unit level's spec, or -1. */
int ts_vector_unit_op_index(const TsLevel *vector_unit, const char *name);

G_END_DECLS

#endif /* TS_COMPUTE_UNIT_H */
