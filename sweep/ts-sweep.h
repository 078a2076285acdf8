/* Design-space sweeps (docs/sweeps.md): a sweep file names a base architecture and workload and
 * the parameters to vary (key paths into the architecture or workload document, named
 * parameters the inputs declare, workload options), their values (lists, ranges, explicit
 * points such as the Timeloop experiments' hw_configs.json, combined by cross product or zip),
 * per-point constraints, mapper settings and objectives. Each design point is built (an invalid
 * point is recorded with the loader's reason), mapped and evaluated by an engine; results go to
 * an SQLite database one transaction per completed point, so a run killed at any moment resumes
 * with nothing lost or repeated; CSV, JSONL, the Pareto front, a summary table and plots are
 * exported from the database. Points run on a thread pool and, built with OpenMPI, across MPI
 * ranks (rank 0 owns the database); results do not depend on either count. */
#ifndef TS_SWEEP_H
#define TS_SWEEP_H

#include <glib.h>
#include <math.h>

#include "ts-config.h"
#include "ts-layer.h"

G_BEGIN_DECLS

/* ---- The sweep specification (ts-sweep-spec.c, ts-sweep-points.c) ----------------------- */

typedef struct TsSweep TsSweep;

typedef struct {
    const char *points_path;   /* replaces the file's `points` (a JSON or YAML list), or NULL */
    gboolean cross;            /* explicit points become the cross product of each parameter's
                                  distinct values (the Timeloop experiments' "mixup") */
    const char *engine;        /* replaces the file's `engine`, or NULL */
    const char *factorization; /* replaces the file's `mapper.factorization` ("perfect" or
                                  "imperfect"), or NULL */
    gboolean systolic_folds;   /* TRUE: charge systolic fold timing whatever the file's
                                  `mapper.systolic_folds` says (FALSE: the file decides) */
} TsSweepLoadOptions;

/* Limit on the number of design points of one sweep. */
#define TS_SWEEP_MAX_POINTS 1000000u

/* Loads and checks a sweep file: every key path must resolve in the base architecture or
 * workload (an absent last key is added, with a note), every point parameter must be declared,
 * and every parameter must change something (or say `unused: reason`). options may be NULL.
 * Errors: TS_CONFIG_ERROR naming file:line:col and the key path. */
TsSweep *ts_sweep_load(const char *path, const TsSweepLoadOptions *options, GError **error);
void ts_sweep_free(TsSweep *sweep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsSweep, ts_sweep_free)

const char *ts_sweep_name(const TsSweep *sweep);
const char *ts_sweep_path(const TsSweep *sweep);
const char *ts_sweep_engine_name(const TsSweep *sweep);
guint ts_sweep_n_points(const TsSweep *sweep);
guint ts_sweep_n_params(const TsSweep *sweep);
const char *ts_sweep_param_name(const TsSweep *sweep, guint param);
/* What a parameter sets: "arch", "workload", "arch+workload", "workload option", "arch
 * variable", "workload variable", "label" (used by conditions and templates only) or "unused". */
const char *ts_sweep_param_kind(const TsSweep *sweep, guint param);
/* Human description of the targets ("levels[PERows].spatial.meshY = pe_rows; ...") or the
 * reason it is unused. Borrowed. */
const char *ts_sweep_param_targets(const TsSweep *sweep, guint param);

/* One value of a parameter at a point: its text as written ("524288", "WS") and, when it reads
 * as a number, the number. origin is the node it came from (values list, range, points file). */
typedef struct {
    const char *text;
    gboolean is_number;
    double number;
    const TsNode *origin;
} TsSweepValue;

/* Value of param at point (0 <= point < n_points). Borrowed. */
const TsSweepValue *ts_sweep_value(const TsSweep *sweep, guint point, guint param);

/* Notes found while loading (absent keys added, unused parameters, constraint keys not
 * applied): one line each, borrowed, NULL-terminated. */
const char *const *ts_sweep_notes(const TsSweep *sweep);

/* The inputs that make the sweep (the sweep file, points file, base architecture, workload,
 * constraint files, ERT) with the SHA-256 of their contents, and the effective settings
 * (engine, mapper, objectives, options) as JSON: what a resumed run must find unchanged. */
guint ts_sweep_n_inputs(const TsSweep *sweep);
void ts_sweep_input(const TsSweep *sweep, guint index, const char **label, const char **path,
                    const char **sha256);
const char *ts_sweep_settings_json(const TsSweep *sweep);
/* Whether the model charges a systolic array's fold timing in the search
 * (TsModelOptions.systolic_folds, docs/model.md "Systolic arrays"): the file's
 * `mapper.systolic_folds` or TsSweepLoadOptions.systolic_folds. */
gboolean ts_sweep_systolic_folds(const TsSweep *sweep);
/* Text of the sweep file and of the points file (NULL when none), stored with the results. */
const char *ts_sweep_text(const TsSweep *sweep);
const char *ts_sweep_points_text(const TsSweep *sweep);

/* Pareto objectives and the ranking metric of summaries and "best so far". */
typedef enum {
    TS_SWEEP_OBJ_ENERGY,  /* energy_pj */
    TS_SWEEP_OBJ_LATENCY, /* latency_s (cycles / clock) */
    TS_SWEEP_OBJ_CYCLES,  /* cycles */
    TS_SWEEP_OBJ_EDP,     /* edp_j_cycles */
    TS_SWEEP_OBJ_AREA,    /* area_um2 */
    /* The discrete-event simulation's figures of the same mappings (engine des or both; NAN
     * when the DES did not run every op of the point) */
    TS_SWEEP_OBJ_DES_LATENCY, /* des_latency_s */
    TS_SWEEP_OBJ_DES_CYCLES,  /* des_cycles */
    TS_SWEEP_OBJ_COUNT_
} TsSweepObjective;

const char *ts_sweep_objective_name(TsSweepObjective objective);
gboolean ts_sweep_objective_from_name(const char *name, TsSweepObjective *objective);
/* Unit of an objective's values ("pJ", "s", "cycles", "J x cycles", "um^2"). */
const char *ts_sweep_objective_unit(TsSweepObjective objective);
/* TRUE for the objectives only an engine running the DES fills (des_latency, des_cycles). */
gboolean ts_sweep_objective_is_des(TsSweepObjective objective);
/* TRUE when the sweep's engine runs the discrete-event simulation ("des" or "both"). */
gboolean ts_sweep_runs_des(const TsSweep *sweep);
/* TRUE for the engine names that run the discrete-event simulation ("des", "both"). */
gboolean ts_sweep_engine_runs_des(const char *engine);

/* ---- Results of one design point (ts-sweep-result.c) ------------------------------------ */

typedef enum {
    TS_SWEEP_PENDING,  /* not evaluated yet */
    TS_SWEEP_OK,       /* every op mapped */
    TS_SWEEP_INVALID,  /* the point's architecture, workload or constraints do not build */
    TS_SWEEP_UNMAPPED, /* built, but an op has no valid mapping (or an empty map space) */
} TsSweepStatus;

const char *ts_sweep_status_name(TsSweepStatus status); /* "pending", "ok", ... */
gboolean ts_sweep_status_from_name(const char *name, TsSweepStatus *status);

/* One op of a point: per instance figures (count instances per layer). */
typedef struct {
    char *name;
    guint64 count;
    char *kind; /* "einsum", "softmax", ... */
    guint64 macs;
    double energy_pj, cycles, latency_s, utilization;
    char *bound;              /* level bounding the cycles, "compute", or "vector" */
    guint64 evaluated, valid; /* search counts of the op's shape (0 for vector ops) */
    char *mapping;            /* best mapping in Timeloop's YAML format, NULL for vector ops */
    /* The discrete-event simulation of the op's mapping (engines des and both), per instance
     * as the analytical figures: NAN (des_bound NULL) when it did not run, then des_not_run
     * says why (NULL when it ran or the engine runs no DES). des_bound: "compute", "vector"
     * or the arch level of the component bounding the op (docs/des.md, "Stalls"). */
    double des_cycles, des_latency_s, des_energy_pj;
    char *des_bound;
    char *des_not_run;
} TsSweepOp;

typedef struct {
    guint point;
    TsSweepStatus status;
    char *reason; /* invalid / unmapped: the loader's or mapper's message */
    /* whole workload: each op x count, one after another (ts-layer.h) */
    double energy_pj, cycles, latency_s, macs, utilization, edp_j_cycles, pj_per_mac;
    double area_um2; /* sum of instances x area of the levels that give one; NAN if none */
    /* The discrete-event simulation of every op's best mapping (engines des and both): the
     * layer's cycles (ops overlap where dependencies allow), latency, counted energy, the
     * relative difference against the analytical cycles (des / model - 1), the bound of the
     * op with the most DES cycles; NAN (des_bound NULL) unless every op ran, then des_not_run
     * names each op left out and why, or why the DES could not run at all. des_events: the
     * simulation events (0 when it did not run). */
    double des_cycles, des_latency_s, des_energy_pj, des_diff;
    char *des_bound;
    char *des_not_run;
    guint64 des_events;
    guint n_ops;
    TsSweepOp *ops;
    /* How the point ran (not part of the results: kept apart in the database) */
    double seconds;
    double des_seconds; /* wall time of the discrete-event simulation (part of seconds) */
    guint cache_hits;
    int rank;
} TsSweepResult;

void ts_sweep_result_init(TsSweepResult *result, guint point);
void ts_sweep_result_clear(TsSweepResult *result);
/* Exact binary round trip (GVariant) for sending results between MPI ranks. */
GBytes *ts_sweep_result_serialize(const TsSweepResult *result);
gboolean ts_sweep_result_deserialize(GBytes *bytes, TsSweepResult *result, GError **error);
/* Value of an objective, NAN when the point has none (area not given, not ok). */
double ts_sweep_result_objective(const TsSweepResult *result, TsSweepObjective objective);

/* ---- Engines (ts-sweep-engine.c) -------------------------------------------------------- */

/* Searched sub-problems shared by the points evaluated in one process (TsLayerCache):
 * identical einsum searches (same op shape on the same storage and compute levels, rules and
 * search settings) are mapped once. Bounded by max_bytes (further results are not kept). */
typedef struct TsSweepCache TsSweepCache;
TsSweepCache *ts_sweep_cache_new(gsize max_bytes);
void ts_sweep_cache_free(TsSweepCache *cache);
void ts_sweep_cache_stats(const TsSweepCache *cache, guint64 *lookups, guint64 *hits,
                          guint *entries, gsize *bytes);
/* The cache as ts_layer_map's TsLayerCache (for other runs that map many similar layers, such
 * as a whole model's decode steps): fills out (borrowing cache) and returns it. */
const TsLayerCache *ts_sweep_cache_layer(TsSweepCache *cache, TsLayerCache *out);

typedef struct {
    guint threads;       /* search threads for this point (results do not depend on it) */
    TsSweepCache *cache; /* may be NULL */
} TsSweepEvalContext;

/* An evaluation engine. evaluate fills result for point (status ok, invalid or unmapped with
 * the reason) and returns FALSE with error only for failures that must stop the sweep; it is
 * called from several threads at once. */
typedef struct {
    const char *name;
    const char *summary;
    gboolean (*evaluate)(const TsSweep *sweep, guint point, const TsSweepEvalContext *ctx,
                         TsSweepResult *result, GError **error);
    const char *unavailable; /* non-NULL: named but not runnable in this version (why) */
} TsSweepEngine;

/* The engine of that name: "analytical" (the model with the mapper's search), "both" (the
 * same, then the discrete-event simulation of every op's best mapping: the DES columns beside
 * the analytical ones) or "des" (as both, with DES latency as the default second Pareto
 * objective); an unknown name is a TS_CONFIG_ERROR naming the engines. */
const TsSweepEngine *ts_sweep_engine_lookup(const char *name, GError **error);

/* ---- The results database (ts-sweep-db.c) ----------------------------------------------- */

typedef struct TsSweepDb TsSweepDb;

/* Creates path with the schema of docs/sweeps.md, the sweep's inputs, settings and every point
 * (status pending). Fails (TS_CONFIG_ERROR_IO) when path exists: never overwrites. */
TsSweepDb *ts_sweep_db_create(const char *path, const TsSweep *sweep, GError **error);
/* Opens an existing database (read-only unless writable). */
TsSweepDb *ts_sweep_db_open(const char *path, gboolean writable, GError **error);
void ts_sweep_db_close(TsSweepDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsSweepDb, ts_sweep_db_close)

/* Checks that db was made by this sweep (same inputs, settings and points); the error names
 * what changed. */
gboolean ts_sweep_db_matches(TsSweepDb *db, const TsSweep *sweep, GError **error);
/* Ids of the points still pending, ascending (owned GArray of guint). */
GArray *ts_sweep_db_pending(TsSweepDb *db, GError **error);

typedef struct {
    int processes;
    guint threads; /* per process */
    const char *engine;
} TsSweepRunInfo;

/* Records the start of a run; returns its id (> 0) or 0 with error. */
gint64 ts_sweep_db_begin_run(TsSweepDb *db, const TsSweepRunInfo *info, GError **error);
/* Stores one completed point in one transaction (its row, its ops, how it ran). */
gboolean ts_sweep_db_store(TsSweepDb *db, gint64 run_id, const TsSweepResult *result,
                           GError **error);
gboolean ts_sweep_db_end_run(TsSweepDb *db, gint64 run_id, guint points_done, guint64 cache_hits,
                             double seconds, GError **error);

/* ---- Running (ts-sweep-run.c, ts-sweep-mpi.c) ------------------------------------------- */

/* MPI: initialises MPI when this process was started by mpirun/mpiexec (and the build has
 * OpenMPI), else does nothing. A launch by mpirun with several ranks in a build without MPI is
 * an error (the ranks would each run the whole sweep). Call before any thread starts. */
gboolean ts_sweep_mpi_init(int *argc, char ***argv, GError **error);
void ts_sweep_mpi_finalize(void);
int ts_sweep_mpi_rank(void);
int ts_sweep_mpi_size(void);
/* TRUE when this build can run across MPI ranks. */
gboolean ts_sweep_mpi_available(void);
/* Collectives for agreeing on errors (every rank calls them in the same order): TRUE on every
 * rank when ok is TRUE on every rank; rank 0's ok on every rank. */
gboolean ts_sweep_mpi_all(gboolean ok);
gboolean ts_sweep_mpi_root_ok(gboolean ok);

typedef struct {
    const char *out_dir; /* results directory (created); holds sweep.db */
    gboolean resume;     /* continue out_dir/sweep.db (a new one is made when absent) */
    guint threads;       /* per process; 0 = processors / processes on this machine */
    gboolean cache;      /* reuse identical sub-problems (default on) */
    gboolean progress;   /* progress on stderr: a bar on a terminal, periodic lines otherwise */
    guint max_points;    /* evaluate at most this many pending points in this run (0 = all) */
    const TsSweepEngine *engine;
} TsSweepRunOptions;

typedef struct {
    guint total, done_before, done_now, ok, invalid, unmapped;
    double seconds;
    guint64 cache_lookups, cache_hits;
    int processes;
    guint threads;
} TsSweepRunStats;

/* Runs the pending points of sweep into out_dir/sweep.db (every MPI rank calls it; rank 0
 * owns the database). Errors: the database exists without resume, belongs to another sweep,
 * or an engine failure; TS_CONFIG_ERROR. On ranks other than 0 stats hold that rank's work. */
gboolean ts_sweep_run(const TsSweep *sweep, const TsSweepRunOptions *options,
                      TsSweepRunStats *stats, GError **error);

/* ---- Exports (ts-sweep-export.c, ts-sweep-plots.c) -------------------------------------- */

typedef struct {
    gboolean plots; /* also the SVG/PNG plots with their CSV */
} TsSweepExportOptions;

/* Writes, from the database alone, out_dir/results.csv, results.jsonl, ops.csv, pareto.csv,
 * summary.txt and (with plots) the Pareto and sensitivity plots, each with its data as CSV;
 * appends the summary table to summary (may be NULL). */
gboolean ts_sweep_export(TsSweepDb *db, const char *out_dir, const TsSweepExportOptions *options,
                         GString *summary, GError **error);

G_END_DECLS

#endif /* TS_SWEEP_H */
