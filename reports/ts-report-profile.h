/* Reports of the profile engine (`tilesim simulate --engine profile`): a layer run as a
 * per-op table (device, FLOPs, roofline times, energies, the op's own host transfers, the
 * transfers the run charged) with totals, and a whole-model run as the UPMEM profiler's
 * summary (total, generated tokens and tokens/s, summarization vs generation share,
 * transferred data, energy and power per phase, time breakdown) followed by the variants past
 * its limits and a per-op table. JSON (docs/cli.md, engine "profile") and CSV of both. Every
 * number comes from the results. */
#ifndef TS_REPORT_PROFILE_H
#define TS_REPORT_PROFILE_H

#include <glib.h>

#include "ts-profile.h"

G_BEGIN_DECLS

typedef struct {
    const char *arch;      /* device file as given */
    const char *workload;  /* workload name */
    const char *map;       /* layer map file, or NULL */
    const char *device;    /* default device as given, or NULL */
    const char *precision; /* precision preset name */
    TsProfileMode mode;
    gboolean overlap;
    const char *const *notes; /* NULL-terminated, may be NULL */
} TsProfileReportInfo;

void ts_report_profile_layer_text(GString *out, const TsProfileLayerResult *result,
                                  const TsProfileReportInfo *info);
/* {"tool", "version", "engine": "profile", "arch", "workload", "device", "map", "mode",
 * "precision", "ops": [...], "totals": {...}, "phase": {...}, "return": {...}, "notes"},
 * pretty-printed, newly allocated. */
char *ts_report_profile_layer_json(const TsProfileLayerResult *result,
                                   const TsProfileReportInfo *info);
/* One row per op, then a total row. */
char *ts_report_profile_layer_csv(const TsProfileLayerResult *result);

void ts_report_profile_model_text(GString *out, const TsProfileModelResult *result,
                                  const TsProfileReportInfo *info);
char *ts_report_profile_model_json(const TsProfileModelResult *result,
                                   const TsProfileReportInfo *info);
/* One row per (phase, op), then a row per phase total. */
char *ts_report_profile_model_csv(const TsProfileModelResult *result);

G_END_DECLS

#endif /* TS_REPORT_PROFILE_H */
