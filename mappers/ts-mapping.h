/* A mapping of one op onto an architecture, in Timeloop's sense: for each storage level,
 * outermost first, temporal factors per dimension with a loop order, spatial factors over X
 * and Y for the fan-out below the level, and which tensors the level keeps. Fixed-size plain
 * data so that search threads copy and mutate mappings without allocating. YAML I/O uses
 * Timeloop's mapping format; the text view mirrors Timeloop's map.txt loop nest.
 *
 * Changes since the lead's contract (additive): init / equal / diff helpers, Timeloop-format
 * reader (file, string, node) and writer, the loop-nest text view. */
#ifndef TS_MAPPING_H
#define TS_MAPPING_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-config.h"
#include "ts-op.h"

G_BEGIN_DECLS

typedef struct {
    uint32_t temporal[TS_MAX_DIMS];
    uint8_t permutation[TS_MAX_DIMS]; /* dimension indices, innermost loop first */
    uint32_t spatial_x[TS_MAX_DIMS];  /* fan-out below this level, along X */
    uint32_t spatial_y[TS_MAX_DIMS];
    uint8_t spatial_permutation[TS_MAX_DIMS]; /* display order of spatial loops, innermost first */
    uint8_t keep;                             /* bit t set: this level keeps tensor t */
} TsMappingLevel;

typedef struct {
    uint8_t n_levels; /* = ts_arch_n_storage(arch) */
    uint8_t n_dims;   /* = op->n_dims */
    TsMappingLevel level[TS_ARCH_MAX_LEVELS];
} TsMapping;

/* Sets mapping to the trivial mapping of op on n_levels storage levels: every loop of the op
 * at the outermost level (temporal factor = dimension size), all other factors 1, identity
 * permutations (dimension 0 innermost), every level keeps every tensor. n_levels must be in
 * [1, TS_ARCH_MAX_LEVELS]. */
void ts_mapping_init(TsMapping *mapping, guint n_levels, const TsOp *op);

/* TRUE when a and b describe the same loop nest: same shape, factors and keep masks, and the
 * same order of the non-trivial loops (loops of factor 1 may sit anywhere). */
gboolean ts_mapping_equal(const TsMapping *a, const TsMapping *b);

/* Reads a mapping in Timeloop's format (a `mapping:` list of directives with `target`,
 * `type: temporal|spatial|datatype|bypass`, `factors` as "M1 N48 K4", "M=1 N=48" or a list of
 * such tokens, `permutation` innermost first as "KMN" or a list of names, `split`, `keep`,
 * `bypass`) for op on arch. Unspecified factors are 1, unlisted dimensions go outermost in
 * dimension order, a level without a datatype directive keeps every tensor, a spatial
 * directive without `split` puts every dimension on X. Unknown targets, types, dimensions or
 * tensors, malformed factors, repeated directives and a tensor both kept and bypassed are
 * TS_CONFIG_ERROR with "FILE:LINE:COL: mapping[i].key: message (got VALUE)". Whether the
 * factors multiply to the dimension sizes, fit the fan-outs and the capacities is the model's
 * business (ts_model_evaluate), not the reader's. */
gboolean ts_mapping_load(const char *path, const TsArch *arch, const TsOp *op, TsMapping *out,
                         GError **error);
/* As ts_mapping_load on text in memory; name is used in messages. */
gboolean ts_mapping_load_string(const char *name, const char *text, const TsArch *arch,
                                const TsOp *op, TsMapping *out, GError **error);
/* As ts_mapping_load on a parsed node: the document root (a mapping with a `mapping` key) or
 * the directive list itself. */
gboolean ts_mapping_from_node(const TsNode *node, const TsArch *arch, const TsOp *op,
                              TsMapping *out, GError **error);

/* Where a mapping file addresses storage level level_name, for messages about a mapping the
 * model rejects (its verdict has no place in the file of its own): "FILE:LINE:COL:
 * mapping[i]" of the first directive targeting the level with type `type` ("temporal",
 * "spatial", "datatype"; "bypass" counts as "datatype"), else of the first directive
 * targeting it with any type, else "FILE:LINE:COL: mapping" of the directive list (also when
 * level_name or type is NULL). Newly allocated; NULL when the file cannot be read or holds
 * no directive list. */
char *ts_mapping_locate(const char *path, const char *level_name, const char *type);

/* Writes mapping in Timeloop's format (datatype, spatial and temporal directives per level,
 * innermost level first, as timeloop-mapper writes map.yaml), readable by ts_mapping_load and
 * by Timeloop. Returns a newly allocated string, or NULL with TS_CONFIG_ERROR_INVALID when the
 * mapping cannot be written in that format (a dimension split over both X and Y at one
 * level, or a shape that does not match arch/op). */
char *ts_mapping_to_yaml(const TsMapping *mapping, const TsArch *arch, const TsOp *op,
                         GError **error);

/* The loop nest as Timeloop's map.txt prints it: per storage level, outermost first, a header
 * "NAME [ Tensor:elements (words) ... ]" with the tile of each kept tensor, then the level's
 * non-trivial loops "for K in [0:8)", spatial ones marked "(Spatial-X)" / "(Spatial-Y)".
 * Newly allocated. The shape of mapping must match arch/op (else a one-line notice). */
char *ts_mapping_format_nest(const TsMapping *mapping, const TsArch *arch, const TsOp *op);

/* Residuals of dimension d under ceil factors (docs/mapper.md, "Imperfect factors"):
 * residual[l][0 / 1 / 2] is how many iterations the temporal / X / Y loop of d at level l runs
 * in the last, partial iteration of the loops enclosing it, as Timeloop's imperfect-factor
 * form "M=6,2" (factor 6, residual 2) gives it. Nest order per level: temporal, then Y, then X,
 * or X before Y where bit l of x_outer is set (the level's X container encloses its Y one).
 * Equal to the factor for perfect factors. */
void ts_mapping_residuals(const TsMapping *mapping, const TsOp *op, uint32_t x_outer, guint d,
                          uint32_t residual[TS_ARCH_MAX_LEVELS][3]);

/* One line per directive that differs between a and b ("GlobalBuffer temporal: M8 K12 perm
 * KMN | M4 N16 perm NMK"), in level order; newly allocated, "" when they are equal. */
char *ts_mapping_diff(const TsMapping *a, const TsMapping *b, const TsArch *arch, const TsOp *op);

G_END_DECLS

#endif /* TS_MAPPING_H */
