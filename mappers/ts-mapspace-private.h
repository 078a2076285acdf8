/* Internals of TsMapSpace shared by the map space and the search drivers (ts-search*.c), which
 * walk factorization lists and loop-order tables directly on their hot paths. Not installed;
 * nothing outside mappers/ts-mapspace*.c and mappers/ts-search*.c includes it. */
#ifndef TS_MAPSPACE_PRIVATE_H
#define TS_MAPSPACE_PRIVATE_H

#include "ts-mapspace.h"
#include "ts-model.h"

G_BEGIN_DECLS

/* ts_mapspace_fanout_ok with the reason: TS_EVAL_OK, TS_EVAL_FANOUT (spatial factors exceed a
 * fan-out) or TS_EVAL_UTILIZATION (below a level's or the compute minimum utilization), so the
 * search counts a pre-check rejection under the model's own reason. */
TsEvalStatus ts_mapspace_spatial_status(const TsMapSpace *space, const TsMapId *id);

/* Loop-order classes of one level: for each mask of dimensions with a factor > 1, the
 * representatives (popcount(mask) dims each, innermost first) at reps + offset[mask] * n_dims. */
typedef struct {
    uint32_t *offset; /* 1 << n_dims entries */
    uint16_t *count;  /* 1 << n_dims entries */
    uint8_t *reps;    /* total reps x n_dims */
    guint total;
    gboolean single; /* every order is one class (the innermost storage level) */
} TsOrderTable;

struct TsMapSpace {
    TsSpaceArch arch;
    TsOp op;
    TsRules rules;
    guint n_levels, n_dims, n_tensors;

    /* Slots: per level the temporal slot and the X / Y slots (-1 when the axis has fan-out 1). */
    guint n_slots;
    uint8_t slot_level[TS_SPACE_MAX_SLOTS];
    uint8_t slot_kind[TS_SPACE_MAX_SLOTS]; /* TsSlotKind */
    int8_t slot_t[TS_ARCH_MAX_LEVELS], slot_x[TS_ARCH_MAX_LEVELS], slot_y[TS_ARCH_MAX_LEVELS];

    /* Per dimension: sorted factorizations, n_slots factors each. */
    uint32_t n_facts[TS_MAX_DIMS];
    uint32_t *facts[TS_MAX_DIMS];
    /* Per dimension and factorization: bit l set when the temporal factor at level l is > 1. */
    uint16_t *pattern[TS_MAX_DIMS];
    /* Dimensions whose factorizations include imperfect (ceil) ones (ts_mapspace_new_full). */
    uint32_t imperfect_dims;
    /* Prime factors of each dimension (with multiplicity not needed: distinct primes). */
    uint32_t primes[TS_MAX_DIMS][16];
    guint n_primes[TS_MAX_DIMS];

    /* Loop-order tables per level (levels without an order rule share one table; the
     * innermost level has one class per loop set). */
    TsOrderTable *table[TS_ARCH_MAX_LEVELS];
    TsOrderTable *owned[TS_ARCH_MAX_LEVELS + 1];
    guint n_owned;

    /* Keep choices: forced keep bits and free bits per level; n_keep = 2 ^ total free bits. */
    uint8_t keep_forced[TS_ARCH_MAX_LEVELS];
    uint8_t keep_free[TS_ARCH_MAX_LEVELS];
    uint8_t keep_shift[TS_ARCH_MAX_LEVELS]; /* first bit of the level's free bits in k */
    uint32_t n_keep;

    /* Tensors: dims relevant to each (bit mask) and whether a rank sums several dims. */
    uint32_t relevant[TS_MAX_TENSORS];
    gboolean windowed[TS_MAX_TENSORS];
    gboolean any_windowed;

    /* Fan-out per level (product X * Y) and the whole-chip product, for utilization rules. */
    double total_fanout;
};

/* Temporal / spatial factors of dimension d at level l for factorization f. */
static inline uint32_t ts_space_factor(const TsMapSpace *s, guint d, uint32_t f, int slot)
{
    return slot < 0 ? 1u : s->facts[d][(size_t)f * s->n_slots + (guint)slot];
}

/* Keep mask of level l for keep index k. */
static inline uint8_t ts_space_keep(const TsMapSpace *s, uint32_t k, guint l)
{
    uint8_t free_bits = s->keep_free[l];
    uint8_t mask = s->keep_forced[l];
    uint32_t bits = k >> s->keep_shift[l];
    for (guint t = 0; t < s->n_tensors; t++) {
        if (free_bits & (1u << t)) {
            if (bits & 1u)
                mask |= (uint8_t)(1u << t);
            bits >>= 1;
        }
    }
    return mask;
}

G_END_DECLS

#endif /* TS_MAPSPACE_PRIVATE_H */
