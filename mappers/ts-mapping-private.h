/* Internals of the mapping files: the level names a mapping is read against, so that the
 * reader, writer and text view work from a loaded arch or from a prepared model alike. Not
 * installed. */
#ifndef TS_MAPPING_PRIVATE_H
#define TS_MAPPING_PRIVATE_H

#include "ts-mapping.h"
#include "ts-model.h"

G_BEGIN_DECLS

typedef struct {
    guint n_levels;
    const char *names[TS_ARCH_MAX_LEVELS + 1]; /* storage levels, outermost first; NULL-ended */
    uint32_t fanout_x[TS_ARCH_MAX_LEVELS];
    uint32_t fanout_y[TS_ARCH_MAX_LEVELS];
    const char *compute_name; /* the arithmetic level, or NULL */
    /* The containers making up each level's fan-out (TsLevel.stages), outermost first. */
    uint8_t n_stages[TS_ARCH_MAX_LEVELS];
    TsFanoutStage stages[TS_ARCH_MAX_LEVELS][TS_MAX_FANOUT_STAGES];
} TsMappingLevels;

void ts_mapping_levels_from_arch(TsMappingLevels *out, const TsArch *arch);
/* Bit l set when level l's fan-out is two containers with the X one outside the Y one (the
 * model's nest order, TsModelLevel.x_outer). */
uint32_t ts_mapping_levels_x_outer(const TsMappingLevels *levels);
void ts_mapping_levels_from_model(TsMappingLevels *out, const TsModel *model);

gboolean ts_mapping_parse(const TsNode *node, const TsMappingLevels *levels, const TsOp *op,
                          TsMapping *out, GError **error);
char *ts_mapping_write(const TsMapping *mapping, const TsMappingLevels *levels, const TsOp *op,
                       GError **error);
/* model may be NULL (tiles in elements only, no words). */
char *ts_mapping_nest_text(const TsMapping *mapping, const TsMappingLevels *levels, const TsOp *op,
                           const TsModel *model);
char *ts_mapping_diff_text(const TsMapping *a, const TsMapping *b, const TsMappingLevels *levels,
                           const TsOp *op);

G_END_DECLS

#endif /* TS_MAPPING_PRIVATE_H */
