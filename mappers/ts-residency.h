/* Data residency and the physical path through a host link (docs/pim.md, "Residency"). An
 * architecture declares the home of tensor roles (TsLevel.resident: a PIM core's MRAM or
 * banks hold the parameters, and the KV cache in decode): such a tensor is loaded into its
 * home once, before any inference, and read there in place; the levels above bypass it and no
 * temporal loop above its home walks its dimensions (its home holds the whole partition). Every
 * other tensor is per-inference data that starts at the outermost level; where a host link
 * stands between that level and the compute, the data crosses it into the link's landing level
 * and nowhere else, so a mapping keeps it there. The map space gets these as rules; the model
 * re-checks every mapping (a given --mapping included) and costs the one-time load apart from
 * the per-inference figures. */
#ifndef TS_RESIDENCY_H
#define TS_RESIDENCY_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-mapping.h"
#include "ts-op.h"

G_BEGIN_DECLS

typedef struct {
    int8_t home[TS_MAX_TENSORS]; /* storage index where tensor t is resident, or -1 */
    uint8_t landing;             /* storage levels below a host link (bit l) */
    uint8_t n_tensors;
    uint32_t dim_mask[TS_MAX_TENSORS]; /* dimensions each tensor's coordinates depend on */
} TsResidency;

/* Residency of op's tensors on arch: a tensor of role parameters or kv_cache whose role has a
 * home in arch is resident there. Tensors of role data, and every tensor of an op whose file
 * gives no roles (Timeloop problems), are per-inference data. */
void ts_residency_init(TsResidency *res, const TsArch *arch, const TsOp *op);

/* TRUE when the residency or a host link constrains mappings at all. */
gboolean ts_residency_active(const TsResidency *res);

/* Adds the residency rules to rules (resolved for the same arch and op): resident tensors
 * bypass every level above their home, are kept at it, and the temporal factors above it of
 * the dimensions they depend on are 1; every other tensor is kept at each landing level.
 * TS_CONFIG_ERROR when a constraint demands the opposite (naming it). */
gboolean ts_residency_apply_rules(const TsResidency *res, const TsSpaceArch *space, const TsOp *op,
                                  TsRules *rules, GError **error);

/* The first rule a mapping breaks: TRUE when it keeps them all; otherwise FALSE with the
 * storage level, tensor and (for a temporal loop above a home) dimension, -1 where none
 * applies. No allocation. */
gboolean ts_residency_check(const TsResidency *res, const TsMapping *mapping, int *level,
                            int *tensor, int *dim);

/* Human reason for a rule broken at (level, tensor, dim) as ts_residency_check reports it;
 * level_names are the storage levels' names, outermost first. Newly allocated. */
char *ts_residency_explain(const TsResidency *res, const TsOp *op, const char *const *level_names,
                           int level, int tensor, int dim);

G_END_DECLS

#endif /* TS_RESIDENCY_H */
