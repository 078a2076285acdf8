/* Report of a fused group (`--fuse`): the fusion level and why, the intermediates resident
 * there, and per op of the group the backing-store words and energy fused against unfused,
 * as a text section and as the JSON "fusion" member of docs/cli.md. */
#ifndef TS_REPORT_FUSE_H
#define TS_REPORT_FUSE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ts-fuse.h"

G_BEGIN_DECLS

/* Appends the "Fusion" text section. */
void ts_report_fuse_text(GString *out, const TsFusePlan *plan, const TsFuseSummary *summary);

/* Adds the member "fusion": {"group", "ops", "level", "level_given", "choice",
 * "capacity_words", "peak_words", "peak_op", "iterations", "intermediates": {name: words},
 * "per_op": [...], "dram_words_unfused", "dram_words_fused", "dram_words_saved",
 * "dram_energy_pj_saved", "other_energy_pj_saved", "energy_pj_unfused", "energy_pj_fused",
 * "energy_pj_saved", "cycles_unfused", "cycles_fused", "layer_energy_pj_unfused",
 * "layer_energy_pj_fused"}. */
void ts_report_fuse_json(JsonBuilder *b, const TsFusePlan *plan, const TsFuseSummary *summary);

G_END_DECLS

#endif /* TS_REPORT_FUSE_H */
