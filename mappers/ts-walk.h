/* The loop-nest walker: a mapping's loop nest as the sequence of tile steps a machine executes,
 * with the data each step moves, in loop order. Built on the analytical model's nest analysis,
 * so that the counts of a whole walk are exactly the model's: summed over every step, the
 * reads, fills and updates of each level and tensor equal ts_model_evaluate's (in elements;
 * ts_walk_words converts totals to the level's words as TsCost does).
 *
 * A walk has a depth d (a storage level, outer index): its steps are the tiles of level d, one
 * per iteration of the temporal loops of the levels above d, in loop order (innermost loop
 * fastest). Each step lists
 *   - before: the fills of levels 1..d the step needs, outermost level first (a new tile
 *     version of a level: the whole tile, or for a sliding window the part not already held;
 *     a revisited output tile reads its partial sums back, a first visit is elided);
 *   - after: the write-backs (updates of the peer above) of output tiles the step completes,
 *     innermost level first;
 *   - the compute iterations of the step and every action inside it that no transfer lists:
 *     operand reads for the compute, and the fills, reads and updates of the levels below d,
 *     whose loops run inside the step.
 * A transfer's peer is the nearest level above that keeps the tensor (levels between bypass
 * it); multicast and spatial reduction to the distinct tiles below are in peer_elements. Steps
 * are generated in O(levels x tensors) each, allocation-free; a depth whose step count is
 * small keeps a simulation of a mapping with billions of MACs to few events.
 *
 * Imperfect (ceil) factors: a loop over a remainder runs a partial tile in its last iteration
 * and skips iterations past the dimension's size, exactly as the model counts them
 * (ts-nest.c, "Imperfect factors"): steps whose tile is empty for every instance are not
 * listed (the step count is the non-empty ones), a step's transfers and actions are those of
 * its partial tiles, the per-instance figures are the busiest instance's (every spatial index
 * 0, which is never emptier than another) and the *_all figures sum every instance, so that a
 * whole walk gives the model's reads/fills/updates and their *_all. */
#ifndef TS_WALK_H
#define TS_WALK_H

#include <glib.h>
#include <stdint.h>

#include "ts-model.h"

G_BEGIN_DECLS

typedef struct TsWalk TsWalk;

typedef enum {
    TS_WALK_FILL = 0,   /* peer -> level: a new tile version (or its new part) */
    TS_WALK_UPDATE = 1, /* level -> peer: an output tile written back */
} TsWalkKind;

#define TS_WALK_MAX_XFERS (TS_ARCH_MAX_LEVELS * TS_MAX_TENSORS)

typedef struct {
    uint8_t kind;   /* TsWalkKind */
    uint8_t level;  /* storage level filled / writing back (outer index) */
    uint8_t peer;   /* nearest level above keeping the tensor */
    uint8_t tensor; /* op tensor index */
    /* The tile version of (level, tensor) the transfer concerns, counted from 0. */
    uint64_t version;
    /* Elements into (fill) or out of (update) each utilized instance of level; 0 for the
     * elided first fill of an output tile (its region is visited for the first time). */
    uint64_t elements;
    /* Elements read (fill) or updated (update) at each utilized instance of the peer: the
     * distinct tiles of its fan-out below, multicast or reduced. */
    uint64_t peer_elements;
    /* The same two summed over every utilized instance (the model's *_all counts): with
     * imperfect factors instances differ (elements and peer_elements are then those of the
     * busiest instance, every spatial index 0), else they are elements x instances. */
    uint64_t elements_all, peer_elements_all;
    /* Output fills of a revisited region: how many versions back the previous visit of the
     * same region is (its write-back must have landed first); 0 otherwise. */
    uint64_t prev_visit;
    /* Operation-space origin of the tile (per dimension) and, with ts_walk_box, the extents of
     * the data moved at the peer (the union of the distinct tiles). */
    uint64_t origin[TS_MAX_DIMS];
} TsWalkXfer;

/* Elements per utilized instance of a level. */
/* Elements per utilized instance of a level (the busiest one with imperfect factors) and
 * summed over the utilized instances. */
typedef struct {
    uint64_t reads, fills, updates;
    uint64_t reads_all, fills_all, updates_all;
} TsWalkCounts;

typedef struct {
    uint64_t index; /* 0 .. ts_walk_n_steps() - 1 */
    guint n_before, n_after;
    TsWalkXfer before[TS_WALK_MAX_XFERS];
    TsWalkXfer after[TS_WALK_MAX_XFERS];
    /* Temporal iterations of the compute inside the step (MACs per utilized compute
     * instance). */
    uint64_t iterations;
    /* MACs of the step over every utilized compute instance. */
    uint64_t macs;
    /* Actions inside the step that no transfer above lists, per level (outer index) and
     * tensor. */
    TsWalkCounts inner[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
} TsWalkStep;

/* Prepares a walk of mapping on the model's (arch, op) at depth (a storage level, 0 ..
 * levels - 1). The mapping must be valid for the model (TS_CONFIG_ERROR_INVALID with the
 * model's reason otherwise). model must outlive the walk; mapping is copied. */
TsWalk *ts_walk_new(const TsModel *model, const TsMapping *mapping, guint depth, GError **error);
void ts_walk_free(TsWalk *walk);
/* A walk of the same mapping at the same depth, at its first step as ts_walk_new makes it:
 * it shares walk's read-only loop nest and analysis (the largest tables; freed with the last
 * walk that holds them) and owns its position, version counters and per-(level, tensor)
 * figures (nl x tensors rows, not the maximum). walk may have been walked. */
TsWalk *ts_walk_copy(const TsWalk *walk);
/* Bytes walk owns (the record, its (level, tensor) rows and their sliding-window and
 * output-region state), excluding the tables its copies share (ts_walk_shared_bytes). */
gsize ts_walk_bytes(const TsWalk *walk);
gsize ts_walk_shared_bytes(const TsWalk *walk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsWalk, ts_walk_free)

/* The deepest depth at which the walk has at most max_steps steps (0 always qualifies: one
 * step). The mapping must be structurally valid (as for ts_walk_new). */
guint ts_walk_depth_for(const TsModel *model, const TsMapping *mapping, uint64_t max_steps);

/* Fills step with the next step; FALSE (step untouched) after the last. */
gboolean ts_walk_next(TsWalk *walk, TsWalkStep *step);
/* Back to the first step. */
void ts_walk_reset(TsWalk *walk);

guint ts_walk_depth(const TsWalk *walk);
/* Whether the mapping has imperfect (ceil) factors: partial tiles, figures per busiest
 * instance and *_all sums that differ from per-instance x instances. */
gboolean ts_walk_imperfect(const TsWalk *walk);
uint64_t ts_walk_n_steps(const TsWalk *walk);
/* The step loops (the temporal loops of the levels above the depth, inner first, extents of 1
 * included) and the steps one iteration of step loop i spans (i = ts_walk_n_step_loops: every
 * step; with perfect factors the product of the extents of the loops inside it). */
guint ts_walk_n_step_loops(const TsWalk *walk);
uint64_t ts_walk_step_span(const TsWalk *walk, guint i);
const TsModel *ts_walk_model(const TsWalk *walk);
/* The mapping walked (borrowed). */
const TsMapping *ts_walk_mapping(const TsWalk *walk);

/* Per (level, tensor): whether the level keeps the tensor; the tile (elements per instance,
 * the largest with imperfect factors);
 * the number of tile versions over the whole walk; utilized instances of the level. */
gboolean ts_walk_keeps(const TsWalk *walk, guint level, guint tensor);
uint64_t ts_walk_tile(const TsWalk *walk, guint level, guint tensor);
uint64_t ts_walk_versions(const TsWalk *walk, guint level, guint tensor);
uint64_t ts_walk_instances(const TsWalk *walk, guint level);
/* Compute iterations (MACs per utilized compute instance) inside one step. */
uint64_t ts_walk_step_iterations(const TsWalk *walk);
/* Utilized compute instances and compute iterations of the whole walk. */
uint64_t ts_walk_compute_instances(const TsWalk *walk);
uint64_t ts_walk_compute_iterations(const TsWalk *walk);
/* Extents per dimension of the data a transfer into (out of) level moves at its peer: the
 * tile's extents times the spatial factors of the fan-outs between (borrowed, n_dims). */
const uint64_t *ts_walk_box(const TsWalk *walk, guint level, guint tensor);

/* Words of n elements of tensor at level, as TsCost counts them (precision packing, rounded
 * up once over a total). */
uint64_t ts_walk_words(const TsWalk *walk, guint level, guint tensor, uint64_t elements);

/* The MRAM-WRAM DMA calls of a DPU's MRAM level (0 at any other level) for tensor, over the
 * whole walk, as the model charges them (docs/pim.md, "The DPU"): read_calls for the fills
 * of the nearest level below keeping the tensor, write_calls for its write-backs; each tile
 * moved is ceil(its bytes / max_dma_bytes) calls. */
void ts_walk_dma_calls(const TsWalk *walk, guint level, guint tensor, uint64_t *read_calls,
                       uint64_t *write_calls);

G_END_DECLS

#endif /* TS_WALK_H */
