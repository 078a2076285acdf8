/* Fusion of consecutive ops of a layer: the attention group KQV -> KTQ -> softmax -> VScores
 * runs head by head (the fusion dimension), and its intermediate tensors (each head's Q, K and
 * V, the scores, the probabilities) stay at one on-chip storage level: they are never written
 * to nor read back from the backing store. A plan resolves the group's ops in a workload,
 * chooses the fusion level (given, or the outermost on-chip level that holds the group's
 * resident intermediates), and per op adjusts the map-space rules (intermediates bypass every
 * level above the fusion level, which keeps them; loops above it are 1 over their dimensions)
 * and the capacity the op may use there. Semantics and figures: docs/mapper.md, "Fusion". */
#ifndef TS_FUSE_H
#define TS_FUSE_H

#include <glib.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-layer.h"
#include "ts-model.h"
#include "ts-workload.h"

G_BEGIN_DECLS

#define TS_FUSE_GROUP_OPS 4     /* KQV, KTQ, softmax, VScores */
#define TS_FUSE_INTERMEDIATES 5 /* Q, K, V, scores, probs */

/* Group names ts_fuse_plan_new accepts (NULL-terminated, static): "attention" (KQV -> KTQ ->
 * softmax -> VScores, KQV split per head) and "attention-scores" (KTQ -> softmax -> VScores:
 * only the scores and probabilities stay on chip). */
const char *const *ts_fuse_group_names(void);

/* constraints (may be NULL) are those the layer is mapped under: keep/bypass directives on
 * intermediates at or above the fusion level give way to the fusion, each listed as a note. */
/* A fusion message (an error or a note of ts_fuse_plan_new, worded for the options:
 * "--fuse attention: ...", "--fuse: op KQV: ...", "--fuse-level L: ...") said for its source:
 * a copy for the options (where NULL), else "WHERE: workload.fusion: " (where: the workload
 * spec's file:line:col, ts_workload_fusion) with the option names replaced by the spec's keys
 * ("group attention: ...", "level L: ..."). Owned. */
char *ts_fuse_source_text(const char *msg, const char *where);

/* Plans the fusion of group (a name of ts_fuse_group_names) in workload on arch. level_name
 * names the fusion level (a storage level below the outermost) or is NULL for the default:
 * the outermost on-chip level whose capacity (one instance) holds the intermediates the group
 * keeps resident at its fullest step. Errors (TS_CONFIG_ERROR): unknown group or level, the
 * outermost level given, a workload without the group's ops in order (or a decode phase, a
 * LUT-NN KQV, shapes that do not split per head), and no level (or not the given one) holding
 * the resident intermediates: the message names each level's capacity and the words needed. */
TsFusePlan *ts_fuse_plan_new(const TsArch *arch, const TsWorkload *workload,
                             const TsConstraints *constraints, const char *group,
                             const char *level_name, GError **error);
void ts_fuse_plan_free(TsFusePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsFusePlan, ts_fuse_plan_free)

const char *ts_fuse_plan_group(const TsFusePlan *plan);
/* The group's first op position (0: KQV, for "attention"; 1: KTQ, for "attention-scores",
 * whose KQV stays an unfused layer op), and whether intermediate i < TS_FUSE_INTERMEDIATES is
 * kept at the fusion level ("attention-scores": the scores and probabilities only). Summary
 * entries before the first position are left zero (name set). */
guint ts_fuse_plan_first(const TsFusePlan *plan);
gboolean ts_fuse_plan_keeps(const TsFusePlan *plan, guint i);
guint ts_fuse_plan_level(const TsFusePlan *plan); /* storage index */
const char *ts_fuse_plan_level_name(const TsFusePlan *plan);
gboolean ts_fuse_plan_level_given(const TsFusePlan *plan);
uint64_t ts_fuse_plan_capacity_words(const TsFusePlan *plan); /* one instance (0 = unbounded) */
/* Words of intermediates resident at the fusion level at the group's fullest step, and that
 * step's op name. */
uint64_t ts_fuse_plan_peak_words(const TsFusePlan *plan);
const char *ts_fuse_plan_peak_op(const TsFusePlan *plan);
uint64_t ts_fuse_plan_iterations(const TsFusePlan *plan); /* heads x batch */
/* Name of intermediate i < TS_FUSE_INTERMEDIATES ("Q", "K", "V", "scores", "probs") and its
 * words at the fusion level for one head (words may be NULL). */
const char *ts_fuse_plan_intermediate(const TsFusePlan *plan, guint i, uint64_t *words);
/* One line per level considered by the default choice ("GlobalBuffer: needs 40960 words,
 * capacity 27648"), borrowed. */
const char *ts_fuse_plan_choice(const TsFusePlan *plan);
/* Constraints the fusion overrides, one line each (borrowed). */
guint ts_fuse_plan_n_notes(const TsFusePlan *plan);
const char *ts_fuse_plan_note(const TsFusePlan *plan, guint i);

/* The op that runs in place of workload op index within the fused group (KQV becomes one
 * head's slice of it, run heads x batch times), the op itself for the group's other ops, or
 * NULL when index is not in the group. Borrowed from plan or workload. */
const TsOp *ts_fuse_plan_op(const TsFusePlan *plan, guint workload_index);
/* Tensor bits of that op that are intermediates of the group (0 outside the group). */
uint8_t ts_fuse_plan_intermediates(const TsFusePlan *plan, guint workload_index);

/* Adjusts the resolved rules of the group's einsum op at workload_index: its intermediates
 * bypass every level above the fusion level and are kept there (overriding keep/bypass
 * constraints on them); every loop above it over a
 * dimension of an intermediate is 1 (temporal and spatial). Sets model_options->reserved_words
 * at the fusion level to the other intermediates resident while the op runs. Errors
 * (TS_CONFIG_ERROR): a constraint that fixes a factor above 1 that fusion needs at 1 (naming
 * the level, dimension and constraint). */
gboolean ts_fuse_apply(const TsFusePlan *plan, guint workload_index, TsRules *rules,
                       TsModelOptions *model_options, GError **error);

/* Fused cost of the group's elementwise op at workload_index: its intermediate inputs are read
 * from and its intermediate outputs written to the fusion level (read and write energy and
 * bandwidth of that level) instead of the backing store; the arithmetic as unfused. cost holds
 * the unfused ts_layer_vector_cost on entry and the fused one on return. Errors: the fusion
 * level cannot hold the op's intermediates with the others resident. */
gboolean ts_fuse_vector_cost(const TsFusePlan *plan, const TsArch *arch, guint workload_index,
                             TsVectorCost *cost, GError **error);

/* Traffic and energy of the group's ops, fused against unfused: per op of the group, backing
 * store words moved (reads + fills + updates of every tensor, all utilized instances; for an
 * elementwise op its read and written words) and energy, each times the op's count. */
typedef struct {
    const char *name;
    uint64_t count_unfused, count_fused;
    double dram_words_unfused, dram_words_fused;
    double dram_energy_pj_unfused, dram_energy_pj_fused; /* at the backing store */
    double energy_pj_unfused, energy_pj_fused;           /* the op's whole energy */
    double cycles_unfused, cycles_fused;
} TsFuseOpSummary;

typedef struct {
    TsFuseOpSummary op[TS_FUSE_GROUP_OPS];
    double dram_words_unfused, dram_words_fused, dram_words_saved;
    double dram_energy_pj_saved;  /* backing-store energy saved */
    double other_energy_pj_saved; /* the rest: on-chip levels and arithmetic (may be < 0) */
    double energy_pj_unfused, energy_pj_fused, energy_pj_saved;
    double cycles_unfused, cycles_fused;
    double layer_energy_pj_unfused, layer_energy_pj_fused;
} TsFuseSummary;

/* Compares the group's ops in an unfused and a fused ts_layer_map result of the same workload
 * (the fused one mapped with plan). FALSE when either result lacks one of the group's ops. */
gboolean ts_fuse_summarize(const TsFusePlan *plan, const TsLayerResult *unfused,
                           const TsLayerResult *fused, TsFuseSummary *out);

G_END_DECLS

#endif /* TS_FUSE_H */
