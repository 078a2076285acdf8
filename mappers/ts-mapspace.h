/* The map space of one op on one architecture under constraints: every perfect factorization
 * (and optionally imperfect ones, ts_mapspace_new_full) of each dimension over the temporal slot of
 * each storage level and the X and Y axes of each fan-out (from prime factors, no duplicates), the
 * loop orders of each level up to cost equivalence (one representative per class, see
 * docs/mapper.md), and the keep/bypass choices. Every point has an id (TsMapId) that orders the
 * space; search splits and ties break on it. */
#ifndef TS_MAPSPACE_H
#define TS_MAPSPACE_H

#include <glib.h>
#include <stdint.h>

#include "ts-constraints.h"
#include "ts-mapping.h"
#include "ts-op.h"

G_BEGIN_DECLS

/* Slots of a factorization: temporal slot per level, plus X and Y slots for each level with a
 * fan-out > 1 along that axis. */
#define TS_SPACE_MAX_SLOTS (3 * TS_ARCH_MAX_LEVELS)

/* Identifies a point of the space. Points are ordered lexicographically by (fact[0 .. n_dims-1],
 * keep, perm[0 .. n_levels-1]): factorization index per dimension, keep/bypass index, and per
 * level the loop-order class among those of its set of loops with a factor > 1. */
typedef struct {
    uint32_t fact[TS_MAX_DIMS];
    uint32_t keep;
    uint16_t perm[TS_ARCH_MAX_LEVELS];
} TsMapId;

typedef enum {
    TS_SLOT_TEMPORAL,
    TS_SLOT_X,
    TS_SLOT_Y,
} TsSlotKind;

/* Size of the space (of ids; fan-out and capacity are checked later). exact is FALSE when the
 * count is a lower bound (too many loop-order patterns to sum exactly); log10 is always set;
 * text is the exact decimal count when it fits in 128 bits, else "~1.2e+48". */
typedef struct {
    gboolean exact;
    double log10;
    double factorizations; /* product of per-dimension factorization counts */
    uint32_t keep_choices;
    char text[48];
} TsSpaceSize;

typedef struct TsMapSpace TsMapSpace;

/* Builds the space of op over arch under rules (NULL = unconstrained). arch and op are copied
 * (names stay borrowed and must outlive the space). Errors (TS_CONFIG_ERROR): a dimension
 * with no factorization allowed by the rules (message names the dimension, its size and the
 * constraints on it), an op that is not an einsum, too many levels, dimensions or slots, or a
 * factorization list beyond the indexing limit (TS_CONFIG_ERROR_LIMIT). */
TsMapSpace *ts_mapspace_new(const TsSpaceArch *arch, const TsOp *op, const TsRules *rules,
                            GError **error);
/* As ts_mapspace_new, with imperfect (ceil) factorizations of the dimensions in
 * imperfect_dims (bit d; give ts_model_imperfect_dims(op) to search them, 0 for perfect only):
 * the outermost slot with a factor > 1 (slot order, a dimension's X and Y of one level not
 * both > 1) holds q = ceil(size / T) over an inner tile T taken among ceil(size / k), k = 2 ..
 * size (the least tile of each outer count q: a larger tile with the same q only adds
 * capacity), the inner slots a perfect factorization of T under the rules. Perfect
 * factorizations are the tiles T dividing the size. See docs/mapper.md, "Imperfect factors". */
TsMapSpace *ts_mapspace_new_full(const TsSpaceArch *arch, const TsOp *op, const TsRules *rules,
                                 uint32_t imperfect_dims, GError **error);
/* Dimensions with imperfect factorizations in the space (bit d). */
uint32_t ts_mapspace_imperfect_dims(const TsMapSpace *space);
void ts_mapspace_free(TsMapSpace *space);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsMapSpace, ts_mapspace_free)

/* Borrowed views of what the space was built from. */
const TsSpaceArch *ts_mapspace_arch(const TsMapSpace *space);
const TsOp *ts_mapspace_op(const TsMapSpace *space);
const TsRules *ts_mapspace_rules(const TsMapSpace *space);

guint ts_mapspace_n_levels(const TsMapSpace *space);
guint ts_mapspace_n_dims(const TsMapSpace *space);
guint ts_mapspace_n_slots(const TsMapSpace *space);
/* Level and kind of slot s. */
void ts_mapspace_slot(const TsMapSpace *space, guint s, guint *level, TsSlotKind *kind);

/* Factorizations of dimension dim: count, and the factor per slot of factorization index
 * (n_slots values, borrowed). Factorizations are sorted lexicographically by slot. */
uint32_t ts_mapspace_n_factorizations(const TsMapSpace *space, guint dim);
const uint32_t *ts_mapspace_factorization(const TsMapSpace *space, guint dim, uint32_t index);
/* Index of a factorization given as n_slots factors, or -1 when it is not in the space. */
int64_t ts_mapspace_find_factorization(const TsMapSpace *space, guint dim, const uint32_t *factors);

/* Keep/bypass choices (2 ^ free keep bits). */
uint32_t ts_mapspace_n_keep(const TsMapSpace *space);
/* Keep mask of level for keep index k. */
uint8_t ts_mapspace_keep_mask(const TsMapSpace *space, uint32_t k, guint level);

/* Loop-order classes at level for the set of dimensions (bit mask) whose temporal factor at
 * that level is > 1, and the representative order of class c (innermost first, popcount(mask)
 * dimension indices, borrowed). */
guint ts_mapspace_n_orders(const TsMapSpace *space, guint level, uint32_t nonunit_mask);
const uint8_t *ts_mapspace_order(const TsMapSpace *space, guint level, uint32_t nonunit_mask,
                                 guint c);
/* Mask of dimensions with a temporal factor > 1 at level for the factorizations in id. */
uint32_t ts_mapspace_nonunit_mask(const TsMapSpace *space, const TsMapId *id, guint level);

/* Equivalence key of a loop order (innermost first, n loops with factors > 1): two orders of
 * the same loops have equal keys exactly when tilesim treats them as one class (see
 * docs/mapper.md, "Loop-order classes"). */
uint64_t ts_mapspace_order_key(const TsMapSpace *space, const uint8_t *order, guint n);

/* Size of the id space. */
void ts_mapspace_size(const TsMapSpace *space, TsSpaceSize *size);

/* TRUE when the spatial factors of id fit every fan-out (X and Y) and meet the utilization
 * rules; these checks need no model. */
gboolean ts_mapspace_fanout_ok(const TsMapSpace *space, const TsMapId *id);

/* Fills mapping for id. Returns FALSE when a perm class index is out of range for the
 * factorizations of id (mapping is then unspecified). No allocation. */
gboolean ts_mapspace_build(const TsMapSpace *space, const TsMapId *id, TsMapping *mapping);

/* The id of mapping's class: its factorizations, keep masks and loop-order classes. Returns
 * FALSE when mapping is outside the space (a factorization or keep choice the rules exclude,
 * or a required loop order violated). */
gboolean ts_mapspace_locate(const TsMapSpace *space, const TsMapping *mapping, TsMapId *id);

/* Lexicographic order of ids (negative, 0, positive). */
int ts_mapid_compare(const TsMapSpace *space, const TsMapId *a, const TsMapId *b);
/* "f=12.3.400 k=5 p=0.2.1" (newly allocated). */
char *ts_mapid_to_string(const TsMapSpace *space, const TsMapId *id);

G_END_DECLS

#endif /* TS_MAPSPACE_H */
