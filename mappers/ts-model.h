/* The analytical model: Timeloop's nest analysis for uniform-shape einsums (tile sizes,
 * reads, fills, updates with temporal reuse, spatial multicast and reduction, the
 * read-modify-write rule), energy as action counts times energy per action, cycles as the
 * max of compute and bandwidth-implied cycles. A TsModel is prepared once per (arch, op) and
 * is then read-only; ts_model_evaluate allocates nothing and is safe to call from many threads
 * at once.
 *
 * Changes since the lead's contract (all additive, signatures unchanged): TsModelOptions and
 * ts_model_new_full(); ts_model_new_from_levels() for hand-built hierarchies; fields
 * partition_words / multicast (TsTensorCost), keep / throttling / capacity_words
 * (TsLevelCost), bad_dim / total_ops / compute_utilization (TsCost); ts_model_explain() for
 * the human reason of an invalid mapping; TS_EVAL_KEEP only when a tensor is kept nowhere (the
 * outermost level may bypass a tensor, as in Timeloop); accessors for the prepared levels; mapping
 * views (YAML, loop nest) against a model. */
#ifndef TS_MODEL_H
#define TS_MODEL_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-mapping.h"
#include "ts-op.h"

G_BEGIN_DECLS

/* Why a mapping is invalid (hot-path outcome, never a GError). */
typedef enum {
    TS_EVAL_OK,
    TS_EVAL_FACTORS,     /* product of a dimension's factors != its size (imperfect factors:
                            not a ceil factorization, or a dimension that takes none) */
    TS_EVAL_FANOUT,      /* spatial factors exceed a level's fan-out (X or Y) */
    TS_EVAL_CAPACITY,    /* tiles exceed a level's capacity (with multiple buffering) */
    TS_EVAL_KEEP,        /* a tensor is kept by no level (levels above its outermost keeping
                            level may bypass it: that level is its backing store, as in
                            Timeloop) */
    TS_EVAL_UTILIZATION, /* below a level's min_utilization */
    TS_EVAL_PERMUTATION, /* permutation is not a permutation of the op's dimensions */
    TS_EVAL_SHAPE,       /* mapping level/dimension count does not match (arch, op) */
    TS_EVAL_RESIDENCY,   /* breaks data residency or the host-link path (ts-residency.h) */
    TS_EVAL_COUNT_
} TsEvalStatus;

typedef struct {
    uint64_t tile_words; /* utilized capacity of one instance, words */
    uint64_t reads;      /* per utilized instance */
    uint64_t fills;      /* per utilized instance */
    uint64_t updates;    /* per utilized instance */
    uint64_t instances;  /* utilized instances holding this tensor */
    double energy_pj;    /* all instances */
    /* Added: Timeloop's "Partition size" (words one instance is responsible for over the
     * run) and the multicast factor of the fan-out below this level (children receiving
     * each word read here; for the read-write tensor, children reduced into one update). */
    uint64_t partition_words;
    uint32_t multicast;
    /* Reads, fills and updates (words) summed over all utilized instances. With perfect
     * factors every instance does the same: reads * instances. With imperfect factors the
     * instances holding partial tiles do less; the per-instance fields above are then those
     * of the busiest instance (every spatial index 0), which sets the bandwidth demand. */
    uint64_t reads_all;
    uint64_t fills_all;
    uint64_t updates_all;
} TsTensorCost;

typedef struct {
    TsTensorCost tensor[TS_MAX_TENSORS];
    uint64_t instances_used;
    double energy_pj;
    double cycles;      /* cycles implied by this level's bandwidth */
    double utilization; /* utilized capacity / capacity */
    /* Added. */
    uint8_t keep;            /* bit t: the level holds tensor t (copied from the mapping) */
    double throttling;       /* Timeloop's "Bandwidth throttling": 1.0 = not bandwidth bound */
    uint64_t capacity_words; /* effective capacity of one instance (0 = unbounded) */
    /* Static figures: leakage = leak per instance-cycle x cycles x all instances (no power
     * gating; Accelergy's leak action, Timeloop v4's "Leakage energy"); area of all instances.
     * Not part of energy_pj (Timeloop 3.0.3 has no leakage). */
    double leakage_pj;
    double area_um2;
    /* Part of energy_pj spent crossing a host link: fills arriving over a link above the
     * level, updates leaving over a link below it (ts_arch_storage_link_pj). */
    double link_energy_pj;
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
    /* Added. */
    int8_t bad_dim;     /* dimension of a TS_EVAL_FACTORS / FANOUT / PERMUTATION reason, or -1 */
    uint64_t total_ops; /* Timeloop's "Total ops": MACs + reduction adds (MACs - outputs) */
    /* Leakage over the run and area, all instances (see TsLevelCost): of the compute level,
     * and totals over storage and compute. energy_pj stays dynamic energy (Timeloop 3.0.3
     * parity); energy_with_leakage_pj = energy_pj + leakage_pj (Timeloop v4's total). */
    double compute_leakage_pj;
    double compute_area_um2;
    double leakage_pj;
    double area_um2;
    double energy_with_leakage_pj;
    /* Data residency (docs/pim.md): the one-time load of the resident tensors into their
     * homes, before any inference; not part of the per-inference figures above (whose fills of
     * those tensors are 0). Per tensor: its home (storage level, -1 when not resident) and the
     * bytes written there (every utilized instance's partition); totals: energy (reading it at
     * the outermost level, crossing any host link, writing it at every level on the way down),
     * cycles (the slowest stage: the source's read bandwidth, the host link, each level's fill
     * bandwidth) and seconds. */
    int8_t load_level[TS_MAX_TENSORS];
    uint64_t load_bytes_tensor[TS_MAX_TENSORS];
    uint64_t load_bytes;
    double load_energy_pj;
    double load_cycles;
    double load_s;
    /* Host-link transfer calls (docs/pim.md, "Host-link calls"), on archs whose storage has a
     * host link landing in it (0 elsewhere: the figures above keep Timeloop's semantics). A call
     * moves one tile version of one tensor between the link's two sides, to or from every
     * instance of the landing level that holds it (UPMEM's parallel transfer: a buffer per DPU,
     * one dpu_push_xfer): the fills of each tensor kept at the landing level (first reads of
     * elided output tiles move nothing) and the write-backs of each output version. With an op
     * of count > 1 whose every instance's per-inference tiles fit the landing level together
     * (beside the resident tiles it backs, one copy for all), the instances run in lock-step
     * and each call carries all of them (link_batch = count); else 1.
     * link_calls: the calls of one instance's mapping; link_call_cycles: this instance's share
     * of their time (calls x (latency + DMA setup) / link_batch, arch cycles); link_added_cycles:
     * what they add to cycles beyond the max of compute and the levels' bandwidth cycles: the
     * calls before the first compute step and after the last one cannot overlap it, the link
     * serves one call at a time, and the last version's work waits for the last fill and the
     * last write-back for it (cycles = max(that max + those edge calls' share + the last
     * write-backs' bytes, the link's serial time: calls' share + the bytes, the chain: the
     * fills' and last write-backs' share and bytes + the last version's work, the serial time
     * + the link's forced idle time while the first and the last version work, beyond the
     * calls it can make meanwhile, the schedule of the versions: the calls in the order they
     * are issued, each version's work after its fills, a fill after its slot's previous
     * version is done and written back, so an output tile read back waits for its gather).
     * Bytes cross at the rate of the call's kind (broadcast,
     * scatter, gather) with the landing instances the mapping uses (ts_host_link_rate, as the
     * DES host_link). A write-back's bytes are every landing instance's tile: instances
     * splitting a reduction send their partial sums (a gather), not the reduced words. */
    uint64_t link_calls;
    uint64_t link_readbacks; /* of link_calls: fills of output tiles read back (partial sums) */
    uint64_t link_batch;
    double link_call_cycles;
    double link_added_cycles;
    /* Why the fifth path (the schedule of a landing level's tile versions) was left out where
     * it could have raised cycles (its work and calls in series exceed the other paths'
     * cycles): TsLinkScheduleSkip bits, 0 when it ran or could not matter; link_cycles then
     * come from the four other paths. link_schedule_versions: the most versions of such a
     * level. Recorded for reports; the cost is the same either way. */
    uint32_t link_schedule_skipped;
    uint64_t link_schedule_versions;
} TsCost;

/* Reasons the schedule of the versions (docs/pim.md, "Host-link calls", the fifth path) is
 * left out (TsCost.link_schedule_skipped). */
typedef enum {
    TS_LINK_SKIP_MANY_VERSIONS = 1u << 0,    /* more versions than it walks (65,536) */
    TS_LINK_SKIP_ONE_VERSION = 1u << 1,      /* one version: the chain path is exact */
    TS_LINK_SKIP_EMPTY_ITERATIONS = 1u << 2, /* imperfect factors whose empty iterations change
                                                the versions */
    TS_LINK_SKIP_UNEVEN_VERSIONS = 1u << 3,  /* tensors' versions not multiples of each other */
} TsLinkScheduleSkip;

/* Maximum number of tile versions the fifth path walks per landing level. */
#define TS_LINK_SCHEDULE_MAX_VERSIONS ((uint64_t)1 << 16)

/* Behaviour switches. The zero value (or NULL) is Timeloop 3.0.3 parity. */
typedef struct {
    /* Timeloop extrapolates uniform temporal loops from their first two iterations, so when an
     * outer loop advances it compares the new tile of a sliding window (CNN Inputs) with the
     * tile of the inner loops' *second* iteration rather than their last one. TRUE compares
     * with the true previous tile (exact halo reuse). No effect on GEMM-like ops, whose
     * consecutive tiles never overlap. See docs/model.md. */
    gboolean exact_sliding_window_deltas;
    /* Timeloop elides the first read of each output element (the buffer starts at zero):
     * reads = accesses - partition size. TRUE disables the elision, as Timeloop does with
     * TIMELOOP_ENABLE_FIRST_READ_ELISION=0. */
    gboolean no_first_read_elision;
    /* A fan-out made of two containers, one along X and one along Y (Eyeriss's PE columns and
     * PEs), is two spatial levels in Timeloop: multicast is found within each, so children of
     * a sliding-window tensor that share data only along a diagonal (input row h = q + s with
     * q on X and s on Y) count as distinct. TRUE counts distinct tiles over the whole fan-out
     * instead, as hardware multicasting along diagonals would. See docs/model.md. */
    gboolean diagonal_multicast;
    /* Accept imperfect (ceil) factors: a dimension's factors may multiply to more than its
     * size when the outermost loop of the dimension with a factor > 1 is the smallest count
     * that covers it (factor = ceil(size / product of the inner factors)); the last iteration
     * of a loop over a remainder runs partially. Tiles, accesses, utilization and cycles count
     * the partial tiles exactly (work never done is not counted; Timeloop's imperfect factors
     * pad instead). Only for dimensions in ts_model_imperfect_dims(); FALSE (Timeloop parity):
     * the factors must multiply to the size. See docs/model.md, "Imperfect factors". */
    gboolean imperfect_factors;
    /* Words of each storage level (outermost first) already held by data outside the op: the
     * intermediates a fused group keeps resident there while this op runs (mappers/ts-fuse.h).
     * The op's tiles must fit in the capacity minus this. 0 = the whole capacity. */
    uint64_t reserved_words[TS_ARCH_MAX_LEVELS];
    /* On an arch whose compute level is a systolic_array: compute cycles are at least the
     * array's fold timing of the mapping (ts_model_systolic_folds: every pass's folds with
     * their fill and drain, as the DES runs them), not only MACs / utilized instances. No
     * effect elsewhere. FALSE: Timeloop's semantics (the array is a fan-out of MACs, no fill or
     * drain). See docs/model.md, "Systolic arrays". */
    gboolean systolic_folds;
} TsModelOptions;

/* Bit d set when dimension d of op may take imperfect factors: no tensor of op has a
 * sliding-window rank (several dimensions summed: the partial deltas of sliding windows are
 * not modelled, so such ops take perfect factors only), and every rank indexed by d is d alone
 * with coefficient +-1, in at most one rank per tensor. */
uint32_t ts_model_imperfect_dims(const TsOp *op);

typedef struct TsModel TsModel;

/* Prepares the model of op on arch (copies what it needs; arch and op must outlive it).
 * Fails with TS_CONFIG_ERROR when the pair cannot be modelled (too many levels or dims, an op
 * kind the analytical model does not cost). */
TsModel *ts_model_new(const TsArch *arch, const TsOp *op, GError **error);

/* As ts_model_new with options (NULL = Timeloop parity; copied). When the op carries a
 * precision (not a Timeloop problem's placeholders) and the arch's MAC energy is a built-in
 * default, the energy per MAC follows the op's operand and output precisions
 * (ts_precision_mac_pj_45nm, scaled by the technology node as the arch's tables are); an
 * energy given in the YAML or an ERT is kept. */
TsModel *ts_model_new_full(const TsArch *arch, const TsOp *op, const TsModelOptions *options,
                           GError **error);

/* Builds a model from level records instead of a loaded arch: storage holds n_storage storage
 * levels outermost first (name, instances, fanout_x/y, size_words, multiple_buffering,
 * word_bits, block_size, cluster_size, bandwidths, energy.read/write/update_pj are read),
 * compute the arithmetic level (instances, energy.mac_pj). clock_hz > 0. Records are copied
 * (names borrowed: they must outlive the model). For tests and for callers that derive a
 * hierarchy in code. Errors as ts_model_new. */
TsModel *ts_model_new_from_levels(const TsLevel *storage, guint n_storage, const TsLevel *compute,
                                  double clock_hz, const TsOp *op, const TsModelOptions *options,
                                  GError **error);

void ts_model_free(TsModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsModel, ts_model_free)

/* Evaluates mapping; fills *cost (status and, when OK, every figure). No allocation. */
TsEvalStatus ts_model_evaluate(const TsModel *model, const TsMapping *mapping, TsCost *cost);

const char *ts_eval_status_name(TsEvalStatus status); /* "capacity", "fanout", ... */

/* Human reason for an invalid cost as returned by ts_model_evaluate for mapping, naming the
 * level, tensor, dimension and numbers ("GlobalBuffer: tiles need 70000 words, capacity
 * 65536"). Newly allocated; "ok" for a valid cost. */
char *ts_model_explain(const TsModel *model, const TsMapping *mapping, const TsCost *cost);

/* A note about the (arch, op) pair the user should see, or NULL: operand precisions wider than
 * the MAC's operands, float operands on an integer MAC. Borrowed. */
const char *ts_model_note(const TsModel *model);

/* A systolic array's fold timing of a mapping, with SCALE-Sim's stall-free semantics
 * (docs/des.md section 10.1) as the DES runs the mapping at its finest walk (a tile step per
 * iteration of the loops above the innermost storage level). Each such iteration is a *pass*:
 * the GEMM of the pass's extents (every spatial loop and the innermost storage level's temporal
 * loops; K the dimensions the output lacks, N the output's dimensions the Inputs lack, M the
 * rest), which the array folds by its dataflow (WS: K on rows, N on columns, M streamed; OS: M
 * on rows, N on columns, K streamed; IS: K on rows, M on columns, N streamed) whatever axis the
 * mapping gave each dimension. A fold takes `lines` array cycles: the streamed extent plus the
 * skew (2R + C - 2 under WS and IS, R + C - 2 under OS). Cycles of the arch clock. */
typedef struct {
    uint64_t rows, cols;
    TsDataflow dataflow;
    uint64_t gemm_m, gemm_n, gemm_k; /* one pass */
    uint64_t passes;
    uint64_t folds;  /* per pass: ceil(rows needed / rows) x ceil(columns needed / cols) */
    uint64_t lines;  /* per fold */
    uint64_t stream; /* of lines, the streamed operand's (the rest is fill and drain) */
    double cycles;   /* passes x folds x lines */
    double skew_cycles; /* passes x folds x (lines - stream) */
    /* Dimensions the mapping places on the array's axes that the dataflow streams in time
     * instead (bit d; with their spatial extents), e.g. a WS array's M. */
    uint32_t streamed_spatial;
    uint64_t spatial_ext[TS_MAX_DIMS];
} TsSystolicFolds;

/* Fills *folds for mapping (valid for model) when the model's compute level is a
 * systolic_array; FALSE (and *folds zeroed) otherwise. With imperfect factors the passes are
 * the ceil of each dimension over the pass's extent (partial passes count whole). No
 * allocation. */
gboolean ts_model_systolic_folds(const TsModel *model, const TsMapping *mapping,
                                 TsSystolicFolds *folds);

/* Read-only views of what the model was prepared with. */
const TsOp *ts_model_op(const TsModel *model);
const TsModelOptions *ts_model_options(const TsModel *model);
guint ts_model_n_levels(const TsModel *model);                            /* storage levels */
const TsLevel *ts_model_level(const TsModel *model, guint storage_index); /* outermost first */
/* The name of the host link whose calls TsCost.link_* count, or NULL when none lands in the
 * model's levels. */
const char *ts_model_link_name(const TsModel *model);
const TsLevel *ts_model_compute(const TsModel *model);
double ts_model_clock_hz(const TsModel *model);
/* MACs per compute instance per arch cycle for this op (a DPU's at the op's precision). */
double ts_model_macs_per_cycle(const TsModel *model);
/* Words one element of tensor t takes at storage level l (word_bits / precision packing). */
double ts_model_words_per_element(const TsModel *model, guint level, guint tensor);

/* Energy (pJ, all utilized instances) of counted actions at storage level l for tensor t, as
 * ts_model_evaluate charges them: words per utilized instance, rounded up to whole vector
 * accesses of each action type, times the energy per access, over the utilized clusters. For
 * engines that count actions themselves (the DES executor). */
double ts_model_actions_energy_pj(const TsModel *model, guint level, uint64_t reads_words,
                                  uint64_t fills_words, uint64_t updates_words,
                                  uint64_t instances_used);
/* Energy of one MAC (pJ), as the model charges it (the op's precision where it applies). */
double ts_model_mac_pj(const TsModel *model);

/* Mapping views against the model's levels (for callers that hold a model, not an arch):
 * ts_mapping_to_yaml and ts_mapping_format_nest (tiles with words per level). Newly
 * allocated; the YAML writer may fail as ts_mapping_to_yaml does. */
char *ts_model_mapping_yaml(const TsModel *model, const TsMapping *mapping, GError **error);
char *ts_model_format_nest(const TsModel *model, const TsMapping *mapping);
/* ts_mapping_diff against the model's levels. */
char *ts_model_mapping_diff(const TsModel *model, const TsMapping *a, const TsMapping *b);

G_END_DECLS

#endif /* TS_MODEL_H */
