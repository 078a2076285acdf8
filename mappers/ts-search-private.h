/* Internals of the search drivers: the model bound in two steps, so that the ordered walks
 * prepare what a prefix of fixed dimensions contributes once and then bound each factorization
 * of one more dimension cheaply (ts-search-bound.c). Not installed. */
#ifndef TS_SEARCH_PRIVATE_H
#define TS_SEARCH_PRIVATE_H

#include "ts-mapspace-private.h"
#include "ts-model-private.h"
#include "ts-search.h"

G_BEGIN_DECLS

/* What the fixed dimensions of a prefix contribute to the bound of docs/mapper.md ("Lower
 * bounds"), per storage level (outer index) and tensor; free dimensions count at their
 * smallest (largest where a quantity is subtracted). Plain data, on the caller's stack. */
typedef struct {
    const TsMapSpace *sp;
    const TsModel *m;
    uint32_t fixed;
    double px[TS_ARCH_MAX_LEVELS], py[TS_ARCH_MAX_LEVELS]; /* spatial X / Y products */
    double used[TS_ARCH_MAX_LEVELS];                        /* instances of each level */
    double spare;    /* spatial product the free dimensions could still add */
    double free_acc[TS_ARCH_MAX_LEVELS][TS_MAX_DIMS]; /* a free irrelevant dim's MAC-side factor */
    double part[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    double part_max[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    double acc_inner[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    int8_t star[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS]; /* innermost level above with a relevant
                                                        temporal loop, or -1 */
    double cum_irrel[TS_MAX_TENSORS][TS_ARCH_MAX_LEVELS + 1];
    uint8_t innermost[TS_ARCH_MAX_LEVELS]; /* bit t: no level below can keep t */
    uint8_t backing[TS_ARCH_MAX_LEVELS];   /* bit t: no level above surely keeps t */
} TsBoundPrefix;

/* Prepares the contribution of the dimensions in fixed (factorizations id->fact[d]). */
void ts_bound_prefix_init(TsBoundPrefix *pre, const TsMapSpace *sp, const TsModel *m,
                          const TsMapId *id, uint32_t fixed);

/* Lower bounds (indexed by TsMetric) with dimension z added at factorization fz (z not in the
 * prefix), or with nothing added when z < 0. */
void ts_bound_prefix_finish(const TsBoundPrefix *pre, int z, uint32_t fz,
                            double lower[TS_METRIC_COUNT_]);

G_END_DECLS

#endif /* TS_SEARCH_PRIVATE_H */
