/* The analytical model: Timeloop's nest analysis for uniform-shape einsums (tile sizes,
 * reads, fills, updates with temporal reuse, spatial multicast and reduction, the
 * read-modify-write rule), energy as action counts times energy per action, cycles as the
 * max of compute and bandwidth-implied cycles. A TsModel is prepared once per (arch, op) and
 * is then read-only; ts_model_evaluate allocates nothing and is safe to call from many threads
 * at once. */
#ifndef TS_MODEL_H
#define TS_MODEL_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-mapping.h"
#include "ts-op.h"

G_BEGIN_DECLS

/* Why a mapping is invalid (hot-path outcome, never a GError). */
typedef enum {
    TS_EVAL_OK,
    TS_EVAL_FACTORS,     /* product of a dimension's factors != its size */
    TS_EVAL_FANOUT,      /* spatial factors exceed a level's fan-out (X or Y) */
    TS_EVAL_CAPACITY,    /* tiles exceed a level's capacity (with multiple buffering) */
    TS_EVAL_KEEP,        /* a tensor is kept by no level, or the outermost level bypasses it */
    TS_EVAL_UTILIZATION, /* below a level's min_utilization */
    TS_EVAL_PERMUTATION, /* permutation is not a permutation of the op's dimensions */
    TS_EVAL_SHAPE,       /* mapping level/dimension count does not match (arch, op) */
    TS_EVAL_COUNT_
} TsEvalStatus;

typedef struct {
    uint64_t tile_words;  /* utilized capacity of one instance, words */
    uint64_t reads;       /* per utilized instance */
    uint64_t fills;       /* per utilized instance */
    uint64_t updates;     /* per utilized instance */
    uint64_t instances;   /* utilized instances holding this tensor */
    double energy_pj;     /* all instances */
} TsTensorCost;

typedef struct {
    TsTensorCost tensor[TS_MAX_TENSORS];
    uint64_t instances_used;
    double energy_pj;
    double cycles; /* cycles implied by this level's bandwidth */
    double utilization; /* utilized capacity / capacity */
} TsLevelCost;

typedef struct {
    TsEvalStatus status;
    int8_t bad_level;  /* storage level of the first reason, or -1 */
    int8_t bad_tensor; /* tensor of the first reason, or -1 */
    uint8_t n_levels;
    TsLevelCost level[TS_ARCH_MAX_LEVELS];
    uint64_t macs;
    uint64_t compute_instances;
    double compute_cycles;
    double compute_energy_pj;
    double energy_pj;
    double cycles;
    double latency_s;
    double utilization; /* macs / (cycles * compute instances) */
    double edp_j_cycles;
    double pj_per_mac;
} TsCost;

typedef struct TsModel TsModel;

/* Prepares the model of op on arch (copies what it needs; arch and op must outlive it).
 * Fails with TS_CONFIG_ERROR when the pair cannot be modelled (too many levels or dims, an op
 * kind the analytical model does not cost). */
TsModel *ts_model_new(const TsArch *arch, const TsOp *op, GError **error);
void ts_model_free(TsModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsModel, ts_model_free)

/* Evaluates mapping; fills *cost (status and, when OK, every figure). No allocation. */
TsEvalStatus ts_model_evaluate(const TsModel *model, const TsMapping *mapping, TsCost *cost);

const char *ts_eval_status_name(TsEvalStatus status); /* "capacity", "fanout", ... */

G_END_DECLS

#endif /* TS_MODEL_H */
