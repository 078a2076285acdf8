/* Options and input handling shared by `tilesim map` and `tilesim simulate` (analytical
 * engine): architecture (path or library name, with the constraints embedded in a Timeloop
 * v0.4 file), workload or Timeloop problem with overrides, constraint files, search options
 * with the defaults of docs/mapper.md, a progress line on a terminal, and output files. */
#ifndef TS_CLI_MAP_H
#define TS_CLI_MAP_H

#include <glib.h>

#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-progress.h"
#include "ts-report-layer.h"

/* Defaults (docs/mapper.md, "Defaults"): annealing, 200,000 valid evaluations per op shape. */
#define TS_CLI_MAP_DEFAULT_BUDGET 200000
#define TS_CLI_MAP_DEFAULT_ALGORITHM "anneal"

typedef struct {
    char *arch, *ert, *art, *workload, *problem, *op, *search, *metric, *json, *csv, *mapping_out;
    char *precision, *phase, *variables, *factorization;
    char **constraints;
    char **vars;
    /* Integer options as given (NULL = not given), checked by ts_cli_parse_uint. */
    char *budget, *victory, *seq, *batch, *kv_len, *max_invalid;
    gint64 seed;
    double time_limit;
    gint threads, top;
    gboolean quiet, no_progress, reproducible, no_polish, systolic_folds;
    /* simulate */
    char *engine, *mapping, *device, *trace, *plot;
    /* fusion (map, simulate) */
    char *fuse, *fuse_level;
} TsCliMapArgs;

/* Zeroes a and sets the defaults (seed 1, top 1, threads 0 = the processors). */
void ts_cli_map_args_init(TsCliMapArgs *a);
/* Frees the strings of a and zeroes them. */
void ts_cli_map_args_clear(TsCliMapArgs *a);

/* Entries common to both commands, writing into a, followed by the n_extra entries of extra and
 * a terminating zero entry. Free with g_free. */
GOptionEntry *ts_cli_map_entries(TsCliMapArgs *a, const GOptionEntry *extra, guint n_extra);

/* Turns the arguments into layer options (search settings checked here). Errors:
 * TS_CONFIG_ERROR naming the option and the value. */
gboolean ts_cli_map_options(const TsCliMapArgs *a, TsLayerOptions *lo, GError **error);

typedef struct {
    TsArch *arch;
    TsWorkload *workload;
    TsConstraints *constraints;
    char *arch_path;
} TsCliMapInputs;

void ts_cli_map_inputs_clear(TsCliMapInputs *in);

/* The workload overrides of the options (--seq, --batch, --kv-len: positive integers; 0 in
 * the overrides = not given, the workload's own value). ov borrows strings from a. */
gboolean ts_cli_map_overrides(const TsCliMapArgs *a, TsWorkloadOverrides *ov, GError **error);

/* Loads the architecture (with --ert/--art and the constraints its file embeds), the workload
 * or problem with the overrides, and the --constraints files. Free with
 * ts_cli_map_inputs_clear, also on failure. */
gboolean ts_cli_map_inputs_load(TsCliMapInputs *in, const TsCliMapArgs *a, GError **error);

/* The progress line state (stderr, ts-progress.h). */
typedef struct {
    TsProgress *line;
    const char *op;
    guint index, n_ops;
    char space[64];
    const TsSearchOptions *search;
} TsCliMapProgress;

/* A progress line for command ("tilesim map") unless --no-progress: redrawn on a terminal,
 * plain lines every 10 s otherwise, nothing for a run shorter than a second. Free with
 * ts_cli_map_progress_clear. */
void ts_cli_map_setup_progress(TsLayerOptions *lo, TsCliMapProgress *mp, const TsCliMapArgs *a,
                               const char *command);
void ts_cli_map_progress_clear(TsCliMapProgress *mp);

/* Every output path is checked before the inputs load and the search runs; at most one of
 * them may be standard output, which then carries only that output. */
gboolean ts_cli_map_check_outputs(const TsCliMapArgs *a, GError **error);

/* TRUE when --json, --csv or --mapping-out writes to standard output. */
gboolean ts_cli_map_stdout_taken(const TsCliMapArgs *a);

/* The models' notes (a precision the MAC cannot hold), once: the text report on stdout carries
 * them, so they go to stderr (with the other input notes) only when no text report is shown
 * there (--quiet, or stdout taken by --json/--csv/--mapping-out). */
void ts_cli_map_print_model_notes(const TsCliMapArgs *a, const TsLayerResult *r, const char *cmd);
/* The notes of the workload and of the constraints on stderr; with --quiet, not the echo of
 * the workload's variables ("variables: TOKENS=256 (FILE)"), which warns of nothing. */
void ts_cli_map_print_notes(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd);

/* Maps the workload; with --fuse or the workload's `fusion:` spec, first unfused (into
 * *unfused), then fused with *plan (into r) and the comparison into *summary. The fusion's
 * notes go to stderr as "tilesim CMD: note: ", and its notes and errors name their source (the
 * options, or the spec's file:line:col and keys). Errors: --fuse-level without --fuse, --fuse
 * with --op, --mapping or --problem, and those of ts_fuse_plan_new and ts_layer_map (a fused
 * layer that does not map says so and what to change). */
gboolean ts_cli_map_run(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd,
                        TsLayerOptions *lo, TsLayerResult *r, TsLayerResult *unfused,
                        TsFusePlan **plan, TsFuseSummary *summary, GError **error);

/* The search of `map` or `simulate` (cmd, as the notes name it): lo takes the inputs'
 * constraints and --op, ts_cli_map_run maps under a progress line ("tilesim CMD", in mp, which
 * the caller keeps while lo is used: lo's callbacks point to it; freed here), the input notes go
 * to stderr (ts_cli_map_print_notes), then on success the models' notes
 * (ts_cli_map_print_model_notes). Returns the report's notes (ts_report_layer_notes; free with
 * g_strfreev), or NULL with the error of ts_cli_map_run. */
char **ts_cli_map_search(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd,
                         TsLayerOptions *lo, TsCliMapProgress *mp, TsLayerResult *r,
                         TsLayerResult *unfused, TsFusePlan **plan, TsFuseSummary *summary,
                         GError **error);

/* Prints the text report (unless --quiet or an output goes to stdout) and writes --json and
 * --csv: the outputs `map` and `simulate` share. */
gboolean ts_cli_map_emit(const TsCliMapArgs *a, const TsLayerReport *rep, GError **error);

#endif /* TS_CLI_MAP_H */
