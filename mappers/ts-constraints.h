/* Map-space constraints: Timeloop's constraint YAML (`targets` v0.4, `mapspace_constraints` /
 * `constraints` / `mapspace` lists, constraints embedded in v0.4 architecture nodes) and
 * tilesim's own per-level form, parsed into directives that keep their file:line:col, then
 * resolved against one (architecture, op) pair into TsRules: per storage level and dimension
 * fixed or bounded factors, spatial axes, required innermost loop orders, keep/bypass masks and
 * minimum utilizations. The map space enumerates only what TsRules allows. */
#ifndef TS_CONSTRAINTS_H
#define TS_CONSTRAINTS_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
#include "ts-config.h"
#include "ts-mapping.h"
#include "ts-op.h"

G_BEGIN_DECLS

/* ---- What the map space sees of an architecture ----------------------------------------- */

typedef enum { TS_AXIS_ANY = -1, TS_AXIS_X = 0, TS_AXIS_Y = 1 } TsAxis;

#define TS_SPACE_MAX_ALIASES 16

/* One storage level a mapping addresses, outermost first: its name and the fan-out below it
 * (to the next inner storage level, or to the compute units for the innermost one). */
typedef struct {
    const char *name;
    uint32_t fanout_x, fanout_y;
} TsSpaceLevel;

/* The storage levels plus names of other architecture nodes that constraints may target
 * (containers with a spatial fan-out, from the architecture's component view): each alias
 * stands for the storage level whose fan-out it describes. Names are borrowed. */
typedef struct {
    guint n_levels;
    TsSpaceLevel level[TS_ARCH_MAX_LEVELS];
    guint n_aliases;
    const char *alias_name[TS_SPACE_MAX_ALIASES];
    uint8_t alias_level[TS_SPACE_MAX_ALIASES];
    int8_t alias_axis[TS_SPACE_MAX_ALIASES]; /* TsAxis: the container spans only X or only Y */
} TsSpaceArch;

/* Fills space with the storage levels of arch and, as aliases, the containers of its
 * component view that have a `spatial:` key (each standing for the nearest storage level
 * declared before it; names borrowed from arch). Returns FALSE with TS_CONFIG_ERROR when arch
 * has no storage level or more than TS_ARCH_MAX_LEVELS. */
gboolean ts_space_arch_from_arch(const TsArch *arch, TsSpaceArch *space, GError **error);

/* ---- Resolved rules --------------------------------------------------------------------- */

/* A factor of one dimension at one level: exact (0 = free) or within [min, max]. where is the
 * directive that set it (for messages), or NULL. */
typedef struct {
    uint32_t exact;
    uint32_t min;
    uint32_t max;
    const TsNode *where;
} TsFactorRule;

typedef struct {
    TsFactorRule temporal[TS_MAX_DIMS];
    /* The spatial factor of a dimension at this level's fan-out. As in Timeloop a dimension is
     * spread along X or along Y, never both; axis fixes which (TsAxis). */
    TsFactorRule spatial[TS_MAX_DIMS];
    int8_t axis[TS_MAX_DIMS];
    /* Rules on the X or Y factor alone (constraints on a container that spans one axis). */
    TsFactorRule spatial_x[TS_MAX_DIMS];
    TsFactorRule spatial_y[TS_MAX_DIMS];
    /* A dimension may use X and Y at once: the fan-out comes from two Timeloop v0.4
     * containers (one per axis), each with its own spatial loops. */
    gboolean both_axes;
    /* Required innermost temporal loops, innermost first (Timeloop's partial permutation: the
     * listed dimensions with a factor > 1 come first in this order, the rest above them). */
    uint8_t perm[TS_MAX_DIMS];
    uint8_t n_perm;
    const TsNode *perm_where;
    uint8_t keep;   /* tensor bits this level must keep */
    uint8_t bypass; /* tensor bits this level must bypass */
    const TsNode *keep_where;
    double min_spatial_utilization; /* used fan-out / fan-out at this level; 0 = none */
    const TsNode *util_where;
} TsLevelRules;

typedef struct {
    uint8_t n_levels, n_dims, n_tensors;
    TsLevelRules level[TS_ARCH_MAX_LEVELS];
    /* Timeloop's `utilization` / `parallelism` constraint: product of all spatial factors over
     * the product of all fan-outs must be >= this; 0 = none. */
    double min_compute_utilization;
    const TsNode *compute_util_where;
} TsRules;

/* Unconstrained rules for arch and op (every factor free, every axis, every order; the
 * outermost level keeps every tensor, as Timeloop requires). */
void ts_rules_init(TsRules *rules, const TsSpaceArch *arch, const TsOp *op);

/* Checks mapping against rules. Returns TRUE when satisfied; otherwise FALSE and, when why is
 * not NULL, appends one line per violation ("GlobalBuffer: temporal K=8, constraint K=4"). */
gboolean ts_rules_check(const TsRules *rules, const TsSpaceArch *arch, const TsOp *op,
                        const TsMapping *mapping, GString *why);

/* ---- Constraint files ------------------------------------------------------------------- */

typedef struct TsConstraints TsConstraints;

/* An empty set of constraints (owned). */
TsConstraints *ts_constraints_new(void);
void ts_constraints_free(TsConstraints *constraints);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsConstraints, ts_constraints_free)

/* Adds the directives of a constraints file in any supported form (see docs/mapper.md): a
 * Timeloop v0.4 `constraints: {targets: [...]}` or `mapspace: {targets: [...]}`, an older
 * top-level list under `mapspace_constraints`, `constraints` or `mapspace`, a bare list, or
 * tilesim's `constraints: {levels: {NAME: {...}}}`. Directive syntax is checked here; names of
 * levels, dimensions and tensors are checked by ts_constraints_resolve. Errors:
 * TS_CONFIG_ERROR naming file:line:col and the key path. */
gboolean ts_constraints_load_file(TsConstraints *constraints, const char *path, GError **error);
gboolean ts_constraints_load_string(TsConstraints *constraints, const char *name, const char *text,
                                    GError **error);

/* As ts_constraints_load_string on a parsed tree (a document root, or a list or mapping inside
 * one, e.g. a sweep file's per-point constraints). The nodes are borrowed: their documents
 * must outlive constraints. */
gboolean ts_constraints_load_node(TsConstraints *constraints, const TsNode *root, GError **error);

/* Adds the constraints embedded in an architecture file (`constraints:` blocks on Timeloop
 * v0.4 `nodes` and on native `levels` entries). Targets naming containers resolve through the
 * aliases ts_space_arch_from_arch takes from the architecture's component view. A file in
 * another format adds nothing. */
gboolean ts_constraints_load_arch_file(TsConstraints *constraints, const char *arch_path,
                                       GError **error);

/* As ts_constraints_load_arch_file on a parsed (possibly edited) architecture document,
 * borrowed: it must outlive constraints. */
gboolean ts_constraints_load_arch_doc(TsConstraints *constraints, const TsDoc *doc, GError **error);

/* Number of directives loaded so far. */
guint ts_constraints_count(const TsConstraints *constraints);

/* Notes about accepted keys that tilesim does not apply (e.g. `maximize_dims` of a Timeloop
 * fork), one line each with file:line:col; borrowed, valid while constraints lives. */
guint ts_constraints_n_notes(const TsConstraints *constraints);
const char *ts_constraints_note(const TsConstraints *constraints, guint index);

/* Resolves every directive against arch and op into rules (starting from ts_rules_init).
 * Errors (TS_CONFIG_ERROR with file:line:col): unknown target (did-you-mean), unknown dimension
 * or tensor, a factor that does not divide the dimension, a spatial constraint on a level
 * without fan-out, conflicting re-specification, keep and bypass of the same tensor. */
gboolean ts_constraints_resolve(const TsConstraints *constraints, const TsSpaceArch *arch,
                                const TsOp *op, TsRules *rules, GError **error);

G_END_DECLS

#endif /* TS_CONSTRAINTS_H */
