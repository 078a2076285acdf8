/* Internals shared by the analytical model's files: the prepared (arch, op) record that
 * ts_model_new builds once, and the nest analysis result that ts_nest_analyze fills per
 * mapping on the caller's stack (ts-nest.c) and ts-model.c turns into costs. Not installed. */
#ifndef TS_MODEL_PRIVATE_H
#define TS_MODEL_PRIVATE_H

#include "ts-arch-classes.h"
#include "ts-model.h"
#include "ts-residency.h"

G_BEGIN_DECLS

/* Loops of a flattened nest: each level has up to n_dims temporal and 2 x n_dims spatial. */
#define TS_NEST_MAX_LOOPS (TS_ARCH_MAX_LEVELS * TS_MAX_DIMS * 3)

typedef enum { TS_LOOP_TEMPORAL, TS_LOOP_SPATIAL_X, TS_LOOP_SPATIAL_Y } TsLoopKind;

/* One non-trivial loop of the flattened nest (innermost first). level is the storage level
 * in *inner* order (0 = innermost storage level). */
typedef struct {
    uint8_t level;
    uint8_t dim;
    uint8_t kind;
    uint32_t ext;
    uint64_t stride; /* operation-space stride: product of inner loop extents of dim */
} TsNestLoop;

/* A storage level as the model uses it, per instance. */
typedef struct {
    TsLevel spec;                        /* copy of the arch record (names borrowed) */
    uint64_t capacity_words;             /* floor(size / multiple_buffering); 0 = unbounded */
    gboolean zero_capacity;              /* holds nothing: every tensor must bypass it */
    double read_pj, write_pj, update_pj; /* per vector access */
    double link_fill_pj, link_drain_pj;  /* host-link parts of write_pj and update_pj */
    double link_call_cycles; /* landing level of a host link: arch cycles per transfer call */
    const char *link_name;   /* that link's name (borrowed from the arch), or NULL */
    /* That link's rates (a copy), the one definition both engines charge a call's bytes by
     * (ts_host_link_rate with the kind and the DPUs the call reaches); zero without a link.
     * link_above: the level is the one above such a link (its updates cross it, in calls). */
    TsHostLinkSpec link;
    gboolean link_above;
    /* A DPU's MRAM (pim_core.mram): its DMA engine's fixed cost per transfer call, read (MRAM
     * -> WRAM) and write, in arch cycles, and the largest call (bytes; 0 = unbounded). 0 for
     * every other level. */
    double dma_alpha_read, dma_alpha_write;
    uint64_t dma_max_bytes;
    uint32_t block_size;
    uint32_t clusters; /* instances / cluster_size */
    /* The fan-out below is two containers, one along X and one along Y: multicast is counted
     * per axis (Timeloop's per-spatial-level analysis) unless diagonal_multicast; x_outer: the
     * X container is the outer one, so X loops enclose Y loops. */
    gboolean per_axis_multicast;
    gboolean x_outer;
    /* words = ceil(elements * pack_num / pack_den); identity when pack_num == pack_den */
    uint32_t pack_num[TS_MAX_TENSORS];
    uint32_t pack_den[TS_MAX_TENSORS];
} TsModelLevel;

struct TsModel {
    TsModelOptions options;
    const TsOp *op;
    guint n_levels; /* storage levels */
    guint n_dims;
    guint n_tensors;
    guint output;
    uint64_t dims[TS_MAX_DIMS];
    uint64_t macs;
    uint64_t output_elements;
    TsModelLevel level[TS_ARCH_MAX_LEVELS]; /* outermost first, as mappings address them */
    TsLevel compute;
    double clock_hz;
    double mac_pj;
    double macs_per_cycle; /* per compute instance per arch cycle (1 for Timeloop input) */
    char mac_source[224];  /* where mac_pj comes from when the op's precision sets it */
    char note[320];        /* precision the MAC cannot hold, or "" */
    /* Per tensor: dims it depends on (bit d), whether a rank sums several dims (sliding
     * windows), and the read-modify-write flag. */
    uint32_t dim_mask[TS_MAX_TENSORS];
    gboolean multi_term[TS_MAX_TENSORS];
    gboolean read_write[TS_MAX_TENSORS];
    /* Dimensions that may take imperfect factors (ts_model_imperfect_dims; 0 unless
     * options.imperfect_factors). */
    uint32_t imperfect_dims;
    /* Data residency and the host-link path of the arch (ts-residency.h); inactive for
     * hand-built models and archs that declare neither. */
    TsResidency residency;
    gboolean residency_active;
};

/* What the nest analysis returns, in *inner* level order (index 0 = innermost storage level)
 * and in elements (not yet words). Counts are per instance of the level. */
typedef struct {
    guint n_loops;
    TsNestLoop loop[TS_NEST_MAX_LOOPS];
    guint level_lo[TS_ARCH_MAX_LEVELS]; /* loops of level c are [level_lo[c], level_lo[c+1]) */
    uint64_t tile[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];      /* footprint of one instance */
    uint64_t delivered[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS]; /* words received over the run */
    uint64_t accesses[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];  /* content accesses, after bypass */
    uint64_t partition[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint32_t distinct[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS]; /* distinct child tiles below */
    uint32_t fanout[TS_ARCH_MAX_LEVELS];                   /* spatial product below level */
    uint64_t instances[TS_ARCH_MAX_LEVELS];                /* utilized instances */
    uint64_t compute_iterations; /* temporal iterations = MACs per compute instance */
    uint64_t compute_instances;
    /* Imperfect factors only (ts_nest_analyze_imperfect): delivered, accesses and partition
     * summed over all utilized instances of the level; the per-instance arrays above then hold
     * the busiest instance (every spatial index 0) and instances[] the utilized count. */
    uint64_t delivered_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t accesses_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
    uint64_t partition_all[TS_ARCH_MAX_LEVELS][TS_MAX_TENSORS];
} TsNest;

/* Builds the flattened loop list of mapping (already validated for shape, permutations and
 * factors). */
void ts_nest_build_loops(const TsModel *model, const TsMapping *mapping, TsNest *nest);

/* Tile footprint (elements) of every level and tensor, into nest->tile; needs the loops. With
 * imperfect factors the extent of a dimension is clamped to its size: the largest tile. */
void ts_nest_tiles(const TsModel *model, TsNest *nest);

/* The rest of the nest analysis (delivered, accesses with bypass, partitions, instances);
 * keep[c] is the keep mask of inner level c. Needs ts_nest_tiles. */
void ts_nest_analyze(const TsModel *model, const uint8_t keep[TS_ARCH_MAX_LEVELS], TsNest *nest);

/* ts_nest_analyze for a mapping with imperfect factors (every tensor of the op has
 * single-dimension ranks, ts_model_imperfect_dims): exact counts with partial tiles, per
 * dimension, for the busiest instance and summed over instances (the *_all arrays). Needs
 * ts_nest_tiles. Also fills the per-instance arrays, fanout, distinct and compute figures. */
void ts_nest_analyze_imperfect(const TsModel *model, const uint8_t keep[TS_ARCH_MAX_LEVELS],
                               TsNest *nest);

/* One count of the imperfect nest analysis: the sum, over the iterations of the loops k >=
 * leaf_k with counted[k] (the others at index 0), of the leaf tile's footprint of tensor t
 * (t < 0: 1, a count of iterations), partial and empty tiles past a dimension's size clipped.
 * fixed (NULL or per loop) holds loops at one index instead: fixed[k] != TS_NEST_FREE runs
 * only iteration fixed[k] of loop k (the loop-nest walker's current step). */
#define TS_NEST_FREE G_MAXUINT32
uint64_t ts_nest_count(const TsModel *model, const TsNest *nest, guint leaf_k,
                       const uint8_t *counted, const uint32_t *fixed, int t);

/* The leaf tiles along dimension d over the iterations of the loops k >= leaf_k with
 * counted[k] (the others at index 0), as ts_nest_count counts them: n_full of extent full_ext
 * and, where the dimension's size leaves a remainder, one more of partial_ext (0: none). */
void ts_nest_dim_tiles(const TsModel *model, const TsNest *nest, guint d, guint leaf_k,
                       const uint8_t *counted, uint64_t *n_full, uint64_t *full_ext,
                       uint64_t *partial_ext);

/* Footprint (elements) of tensor t for per-dimension extents ext. */
uint64_t ts_nest_footprint(const TsModel *model, guint t, const uint64_t ext[TS_MAX_DIMS]);

/* Sliding-window deliveries (a rank summing several dims, CNN Inputs) of tensor t into inner
 * level c, as the nest analysis computes them (ts-nest.c explains the semantics). A "step of
 * type j" advances the j-th temporal loop above c (1-based, inner first; nest loop loop[j])
 * and resets the loops inside it. Timeloop parity (exact FALSE): a step delivers delta[j] when
 * no translation is remembered or the remembered one is its class cls[j], else the whole tile
 * (a stride change refetches); R(k, s) = ts_nest_slide_rest is the deliveries of the leaves of
 * loops 1..k after the first one given the remembered translation s, with Timeloop's
 * extrapolation (every iteration of a loop after the first behaves as the second), memoised.
 * Exact deltas (exact TRUE): a type-j step always delivers delta[j]. */
#define TS_NEST_SLIDE_MAX (TS_ARCH_MAX_LEVELS * TS_MAX_DIMS)
#define TS_NEST_SLIDE_CLASSES (TS_NEST_SLIDE_MAX + 1) /* 0 = none remembered, 1.. = classes */
typedef struct {
    gboolean exact;
    guint n; /* temporal loops above c */
    uint64_t tile;
    uint16_t loop[TS_NEST_SLIDE_MAX + 1];  /* nest loop index of loop j (1-based) */
    uint32_t ext[TS_NEST_SLIDE_MAX + 1];   /* 1-based */
    uint64_t delta[TS_NEST_SLIDE_MAX + 1]; /* |new \ old| of a type-j step */
    uint8_t cls[TS_NEST_SLIDE_MAX + 1];    /* class of the step's translation vector */
    guint n_classes;
    uint64_t memo_sum[(TS_NEST_SLIDE_MAX + 1) * TS_NEST_SLIDE_CLASSES];
    uint8_t memo_out[(TS_NEST_SLIDE_MAX + 1) * TS_NEST_SLIDE_CLASSES]; /* 0xff: not computed */
} TsNestSlide;

/* Prepares x for tensor t into inner level c (needs ts_nest_tiles). */
void ts_nest_slide_init(const TsModel *model, const TsNest *nest, guint c, guint t, TsNestSlide *x);
/* Delivery of one type-j step after remembered translation s; *s_out the translation left. */
uint64_t ts_nest_slide_step(const TsNestSlide *x, guint j, guint s, guint *s_out);
/* R(k, s) (parity mode). */
uint64_t ts_nest_slide_rest(TsNestSlide *x, guint k, guint s, guint *s_out);

/* The DMA calls a DPU's MRAM level l (dma_alpha_read / _write > 0; 0 calls elsewhere) makes
 * for tensor t (docs/pim.md, "The DPU"): each tile that moves between l and the nearest level
 * below keeping t (a fill of each version, the elided first reads of output tiles moving
 * nothing; a write-back of each output version) is ceil(tile bytes at l / dma_max_bytes)
 * calls (at least one); read_calls are the fills' (MRAM -> WRAM), write_calls the
 * write-backs'. Per instance of the level, over the whole op instance. */
void ts_model_dma_calls(const TsModel *model, const TsMapping *mapping, const TsNest *nest, guint l,
                        guint t, uint64_t *read_calls, uint64_t *write_calls);

/* Words of n elements of tensor t at storage level l (outer order). */
static inline uint64_t ts_model_words(const TsModel *model, guint l, guint t, uint64_t n)
{
    const TsModelLevel *lv = &model->level[l];
    if (lv->pack_num[t] == lv->pack_den[t])
        return n;
    unsigned __int128 x = (unsigned __int128)n * lv->pack_num[t];
    return (uint64_t)((x + lv->pack_den[t] - 1) / lv->pack_den[t]);
}

G_END_DECLS

#endif /* TS_MODEL_PRIVATE_H */
