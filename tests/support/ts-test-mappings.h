/* Random valid mappings for the suites that check an engine against the analytical model over
 * many mappings: samples the map space of (arch, op) without user constraints but with the
 * arch's residency rules (the space the mapper searches; docs/pim.md) uniformly by
 * factorization, keep choice and loop-order class, and keeps what the model accepts. Also the
 * fixed mappings more than one suite runs. */
#ifndef TS_TEST_MAPPINGS_H
#define TS_TEST_MAPPINGS_H

#include <glib.h>

#include "ts-constraints.h"
#include "ts-mapspace.h"
#include "ts-model.h"
#include "ts-residency.h"

/* Whether a mapping has imperfect (ceil) factors: some dimension's factors multiply to more
 * than its size. */
static inline gboolean ts_test_mapping_imperfect(const TsOp *op, const TsMapping *map,
                                                 guint n_levels)
{
    for (guint d = 0; d < op->n_dims; d++) {
        uint64_t prod = 1;
        for (guint l = 0; l < n_levels; l++)
            prod *= (uint64_t)map->level[l].temporal[d] * map->level[l].spatial_x[d] *
                    map->level[l].spatial_y[d];
        if (prod != op->dims[d])
            return TRUE;
    }
    return FALSE;
}

/* As ts_test_random_mappings, drawing from the space with imperfect (ceil) factorizations of
 * the dimensions in imperfect_dims (the model must accept them: options.imperfect_factors);
 * with only_imperfect, keeps only mappings with at least one ceil factor. */
static inline guint ts_test_random_mappings_full(const TsArch *arch, const TsModel *model,
                                                 const TsOp *op, GRand *rng, TsMapping *mappings,
                                                 guint n, guint tries, uint32_t imperfect_dims,
                                                 gboolean only_imperfect)
{
    TsSpaceArch sa;
    if (!ts_space_arch_from_arch(arch, &sa, NULL))
        return 0;
    TsRules rules;
    ts_rules_init(&rules, &sa, op);
    TsResidency res;
    ts_residency_init(&res, arch, op);
    if (!ts_residency_apply_rules(&res, &sa, op, &rules, NULL))
        return 0;
    g_autoptr(TsMapSpace) space = ts_mapspace_new_full(&sa, op, &rules, imperfect_dims, NULL);
    if (space == NULL)
        return 0;
    guint found = 0;
    for (guint i = 0; i < tries && found < n; i++) {
        TsMapId id = {0};
        for (guint d = 0; d < op->n_dims; d++)
            id.fact[d] = (uint32_t)g_rand_int_range(
                rng, 0, (gint32)MIN(ts_mapspace_n_factorizations(space, d), (uint32_t)G_MAXINT32));
        id.keep = (uint32_t)g_rand_int_range(
            rng, 0, (gint32)MIN(ts_mapspace_n_keep(space), (uint32_t)G_MAXINT32));
        for (guint l = 0; l < ts_mapspace_n_levels(space); l++) {
            guint orders = ts_mapspace_n_orders(space, l, ts_mapspace_nonunit_mask(space, &id, l));
            id.perm[l] = (uint16_t)g_rand_int_range(rng, 0, (gint32)MAX(orders, 1u));
        }
        if (!ts_mapspace_fanout_ok(space, &id) || !ts_mapspace_build(space, &id, &mappings[found]))
            continue;
        if (only_imperfect && !ts_test_mapping_imperfect(op, &mappings[found], sa.n_levels))
            continue;
        TsCost cost;
        if (ts_model_evaluate(model, &mappings[found], &cost) == TS_EVAL_OK)
            found++;
    }
    return found;
}

/* Up to n valid mappings of op on arch (model prepared for the pair), drawn with rng; at most
 * tries candidates. Returns the number found (mappings[0 .. found-1]). */
static inline guint ts_test_random_mappings(const TsArch *arch, const TsModel *model,
                                            const TsOp *op, GRand *rng, TsMapping *mappings,
                                            guint n, guint tries)
{
    return ts_test_random_mappings_full(arch, model, op, rng, mappings, n, tries, 0, FALSE);
}

/* The mapping simulate's search gives BERT-base's Out on tpu-like (input-stationary: 3 steps, each
 * streaming a 256 x 768 slice of the weights, 384 KiB, from DRAM past every on-chip level). */
static const char ts_test_tpu_out_mapping[] =
    "mapping:\n"
    "  - {target: MatrixUnit.regs, type: datatype, keep: [Inputs], bypass: [Weights, Outputs]}\n"
    "  - {target: Accumulators, type: datatype, keep: [Outputs], bypass: [Weights, Inputs]}\n"
    "  - {target: UnifiedBuffer, type: datatype, keep: [Inputs], bypass: [Weights, Outputs]}\n"
    "  - {target: DRAM, type: datatype, keep: [Weights, Inputs, Outputs], bypass: []}\n"
    "  - {target: MatrixUnit.regs, type: temporal, factors: E1 D768 L1, permutation: DEL}\n"
    "  - {target: Accumulators, type: spatial, factors: E256 D1 L128, permutation: LED, "
    "split: 1}\n"
    "  - {target: Accumulators, type: temporal, factors: E3 D1 L1, permutation: EDL}\n"
    "  - {target: UnifiedBuffer, type: temporal, factors: E1 D1 L1, permutation: EDL}\n"
    "  - {target: DRAM, type: temporal, factors: E1 D1 L1, permutation: EDL}\n";

#endif /* TS_TEST_MAPPINGS_H */
