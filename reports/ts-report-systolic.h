/* Reports of systolic-array runs (tilesim scalesim): one row per layer with SCALE-Sim's
 * figures (cycles, stall cycles, utilisations, SRAM and DRAM accesses in words), as an aligned
 * text table and as JSON (`layers[]`, `totals`, the array and interface, notes). */
#ifndef TS_REPORT_SYSTOLIC_H
#define TS_REPORT_SYSTOLIC_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "ts-systolic.h"

G_BEGIN_DECLS

/* What was run: borrowed strings and arrays. */
typedef struct TsSystolicRun {
    const char *run_name;      /* SCALE-Sim run_name */
    const char *config_path;   /* the .cfg file */
    const char *topology_path; /* the .csv file */
    TsSystolicConfig config;
    guint n_layers;
    const char *const *names;        /* n_layers layer names */
    const TsSystolicResult *results; /* n_layers results */
    const GPtrArray *notes;          /* char*: inputs read without effect; may be NULL */
    double seconds;                  /* run time; < 0 leaves it out (reproducible output) */
} TsSystolicRun;

void ts_report_systolic_text(const TsSystolicRun *run, FILE *out);
/* The JSON document (a new node). */
JsonNode *ts_report_systolic_json(const TsSystolicRun *run);
/* Writes the JSON to path ('-' = stdout). */
gboolean ts_report_systolic_write_json(const TsSystolicRun *run, const char *path, GError **error);

G_END_DECLS

#endif /* TS_REPORT_SYSTOLIC_H */
