/* Brute-force reference for the systolic model: builds SCALE-Sim v2's operand matrices, per-fold
 * demand matrices (one row per cycle, -1 for idle lanes) and prefetch matrices in full, then
 * pushes every demand line through literal models of its double-buffered read buffers (the
 * stall-free estimating buffer and the bandwidth-limited prefetching buffer) and its write
 * buffer, element by element. Memory and time grow with cycles x array width: small layers only.
 * Tests compare ts_systolic_run against it. */
#ifndef TS_SYSTOLIC_REF_H
#define TS_SYSTOLIC_REF_H

#include "ts-systolic.h"

void ts_systolic_ref_run(const TsSystolicConfig *cfg, const TsSystolicLayer *layer,
                         TsSystolicResult *out);

#endif
