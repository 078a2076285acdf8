/* Mapping a whole workload (one transformer layer, or any op list): every einsum op gets a map
 * space under the constraints and a search with the analytical model (ops of identical shape
 * are searched once and share the result); elementwise ops (softmax, layernorm, GELU, ...)
 * get the vector-unit cost of docs/mapper.md; whole-layer totals count each op `count` times
 * and assume ops run one after another. */
#ifndef TS_LAYER_H
#define TS_LAYER_H

#include <glib.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-lut-pim.h"
#include "ts-model.h"
#include "ts-workload.h"
#include "ts-search.h"

G_BEGIN_DECLS

/* Cost of an elementwise op on the vector unit (or the documented default), per instance. */
typedef struct {
    double element_passes;     /* elements x passes */
    double lanes;              /* elements processed per cycle and pass */
    double cycles_per_element; /* per lane and pass */
    double pj_per_element;     /* arithmetic energy per element and pass */
    double compute_cycles;
    double compute_energy_pj;
    double read_words, write_words; /* at the outermost level (backing store) */
    double memory_cycles;
    double memory_energy_pj;
    double fused_energy_pj; /* of memory_energy_pj, at a fusion level (ts-fuse.h); else 0 */
    /* Words read and written at that fusion level (storage index fused_level; 0: none). */
    double fused_read_words, fused_write_words;
    guint fused_level;
    double memory_read_energy_pj, memory_write_energy_pj; /* its two parts */
    double link_energy_pj; /* part of the writes crossing a host link (ts_arch_storage_link_pj) */
    double cycles;         /* max(compute, memory), arch clock */
    double energy_pj;      /* compute + memory */
    double latency_s;
    double utilization;         /* compute_cycles / cycles */
    const char *bound;          /* "vector" or the outermost level's name */
    char source[224];           /* where the per-element figures come from */
    const TsLevel *vector_unit; /* the vector unit costed on (NULL: the default) */
    const char *vector_op;      /* its operation used (borrowed from the arch), or NULL */
    /* Empty, or why the figures may not describe the unit: the op's elements are wider than
     * the vector unit's word_bits (costed as if a lane took them). */
    char note[224];
} TsVectorCost;

/* Costs an elementwise or LUT-NN op on arch (ts_layer_map costs LUT ops on an arch with DPUs
 * with ts_lut_pim_search instead) (a LUT op's element-passes are its
 * closest-centroid search MACs plus its table lookup-accumulates): the first level of class
 * vector_unit (lanes, and the op's per-element figures by name: the op kind, then its main
 * operation), else the default of docs/mapper.md (one element per compute instance and cycle;
 * Horowitz's 45 nm add + multiply energy at the op's precision, scaled linearly with the technology
 * node). Memory: every element of the inputs (and parameters) read once and of the output written
 * once at the outermost level. Errors: TS_CONFIG_ERROR when op is neither elementwise nor LUT, or
 * arch has no compute level. */
gboolean ts_layer_vector_cost(const TsArch *arch, const TsOp *op, TsVectorCost *out,
                              GError **error);

/* The host of an arch with one: its first vector unit when that lies above a host link (a PIM
 * server's CPU), else NULL. An einsum costed by ts_layer_vector_cost on such an arch is vector
 * work on it: element-passes = MACs at the unit's 'mac' (else 'mul') figures, operands read
 * and the result written once in host memory. */
const TsLevel *ts_layer_host_unit(const TsArch *arch);

/* Per-op progress report (called after each op is done, from the calling thread). */
typedef struct TsLayerOp TsLayerOp;
typedef void (*TsLayerOpDoneFn)(const TsLayerOp *op, guint index, guint n_ops, gpointer data);

/* The note of op i of a layer result (its model's, or its vector cost's), or NULL: ops that
 * share another op's result (same_as != i) have none of their own. */
const char *ts_layer_op_note(const TsLayerOp *op, guint i);

/* A store of searched sub-problems shared by ts_layer_map calls (the design points of a
 * sweep): before searching an einsum, ts_layer_map asks lookup with the problem's canonical key
 * (ts_layer_problem_key); on a hit the stored result stands for the search (lookup fills
 * result with an owned copy, see ts_search_result_copy); after a search it offers the result
 * to store (which copies what it keeps). Called from every thread running ts_layer_map:
 * implementations lock. */
typedef struct {
    gboolean (*lookup)(const char *key, TsSearchResult *result, gpointer data);
    void (*store)(const char *key, const TsSearchResult *result, gpointer data);
    gpointer data;
} TsLayerCache;

typedef struct TsFusePlan TsFusePlan; /* mappers/ts-fuse.h */

typedef struct {
    TsSearchOptions search;           /* per einsum op */
    const TsConstraints *constraints; /* may be NULL; resolved per op */
    const char *only_op;              /* map only ops of this name (NULL = all) */
    const char *const *only_ops;      /* or only ops with one of these names (NULL-terminated;
                                         NULL = all); each name must name an op */
    const char *mapping_path;     /* evaluate this mapping (Timeloop format) instead of searching;
                                     only_op must then select one einsum op (NULL = search) */
    TsLayerOpDoneFn begin;        /* before each op's search or cost (an einsum's space and size are
                                     set by then); may be NULL */
    TsLayerOpDoneFn done;         /* after each op (may be NULL) */
    gpointer done_data;           /* for both */
    TsModelOptions model_options; /* zero: Timeloop 3.0.3 parity */
    const TsLayerCache *cache;    /* searched sub-problems to reuse (NULL = search every
                                     shape); not used with mapping_path or a time limit */
    const TsFusePlan *fuse;       /* fuse a group of ops (ts_fuse_plan_new on the same arch and
                                     workload; NULL = none) */
} TsLayerOptions;

struct TsLayerOp {
    const TsOp *op; /* borrowed from the workload */
    guint index;    /* position in the workload */
    guint same_as;  /* index (in the result) of the op whose result it shares, or own */
    gboolean einsum;
    /* einsum ops (owned by the first op of each shape; shared ones point to it) */
    TsModel *model;
    TsMapSpace *space;
    TsRules rules;
    TsSpaceArch space_arch;
    TsSpaceSize size;
    TsSearchResult search;
    /* the cost used in the tables: einsum best mapping, vector cost, or (a LUT op on an arch
     * with DPUs) PIM-DL's kernel: the searched configuration and its phases */
    TsVectorCost vector;
    gboolean lut_pim;
    TsLutPimCost lut;
    guint64 lut_evaluated, lut_valid;
    double energy_pj, cycles, latency_s, utilization;
    uint64_t macs;
    const char *bound; /* level that sets the cycles ("compute" when the arithmetic does) */
    /* Op placement (docs/pim.md, "Op placement"): an einsum placed on the host's vector unit
     * (ts_layer_host_unit) because it costs less there by the search's first metric than its
     * best mapping (then vector holds its cost and the table figures are the host's), else
     * NULL; mapped_* the best mapping's figures either way (0 when no host was considered). */
    const TsLevel *placed_on;
    double mapped_cycles, mapped_energy_pj;
    /* One-time load of the op's resident tensors (TsCost load_*; docs/pim.md), per instance:
     * not part of energy_pj / cycles. */
    double load_energy_pj, load_s;
    uint64_t load_bytes;
};

typedef struct {
    guint n_ops;
    TsLayerOp *ops;   /* workload order (only_op filters) */
    double energy_pj; /* sum over ops of count x energy */
    double cycles;    /* sum over ops of count x cycles (ops run one after another) */
    double latency_s;
    double macs;
    /* Over the ops that have MACs only (einsums; not elementwise or LUT ops, whose work is
     * not MACs): their energy and cycles (count x each), and from them pJ per MAC; and
     * utilization = MACs / (cycles x peak MACs per cycle) over those that ran on the compute
     * level (not on the host, TsLayerOp.placed_on). */
    double mac_op_energy_pj;
    double mac_op_cycles;
    double utilization;
    double edp_j_cycles;
    double pj_per_mac;
    /* Static: every level of the arch leaks for the whole layer (leak per cycle x instances x
     * cycles); area of every level and instance. Not part of energy_pj. */
    double leakage_pj;
    double area_um2;
    double seconds; /* wall time of the whole mapping */
    /* One-time load of the resident tensors of the layer (each op x count; docs/pim.md): once
     * per model before any inference, not part of energy_pj / cycles / latency_s. */
    double load_energy_pj, load_s, load_bytes;
    guint unique_einsums;
    guint cache_hits; /* einsum shapes whose result came from options->cache */
} TsLayerResult;

/* Maps the ops of workload on arch. result must be cleared with ts_layer_result_clear whether
 * or not the call succeeds. Errors (TS_CONFIG_ERROR): no op named only_op, an op
 * whose constraints do not resolve or whose space is empty, an op with no valid mapping
 * (message lists the rejection counts); with mapping_path, a selection that is not one
 * einsum op, or a mapping that does not load or is invalid (with the model's reason). */
gboolean ts_layer_map(const TsArch *arch, const TsWorkload *workload, const TsLayerOptions *options,
                      TsLayerResult *result, GError **error);
void ts_layer_result_clear(TsLayerResult *result);

/* Canonical description of one einsum search, the key of TsLayerCache: every field of the
 * storage and compute levels the model copies (floats in exact hexadecimal, energy and area
 * sources, fan-out stages), the clock, technology node and MACs per cycle, the model options
 * (NULL = zero), the op's dimensions, tensors, projections and precisions (not its name or
 * count), the map-space view of the arch, the resolved rules, and the search options that
 * shape the result (everything but threads and progress). Equal keys give identical search
 * results. NULL when the search is not repeatable (a time limit). Newly allocated. */
char *ts_layer_problem_key(const TsArch *arch, const TsOp *op, const TsSpaceArch *space_arch,
                           const TsRules *rules, const TsModelOptions *model_options,
                           const TsSearchOptions *search);

/* Name of the level that bounds a cost's cycles: "compute" when the compute cycles equal
 * the total, else the storage level with the most cycles, or the host link when the cycles
 * its calls add (TsCost.link_added_cycles) exceed those and the compute cycles (static or the
 * model's name). */
const char *ts_layer_bound_name(const TsModel *model, const TsCost *cost);

G_END_DECLS

#endif /* TS_LAYER_H */
