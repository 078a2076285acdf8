/* A mapping of one op onto an architecture, in Timeloop's sense: for each storage level,
 * outermost first, temporal factors per dimension with a loop order, spatial factors over X
 * and Y for the fan-out below the level, and which tensors the level keeps. Fixed-size plain
 * data so that search threads copy and mutate mappings without allocating. YAML I/O uses
 * Timeloop's mapping format; the text view mirrors Timeloop's map.txt loop nest. */
#ifndef TS_MAPPING_H
#define TS_MAPPING_H

#include <glib.h>
#include <stdint.h>

#include "ts-arch.h"
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

G_END_DECLS

#endif /* TS_MAPPING_H */
