/* `tilesim sweep`: runs a design-space sweep file (docs/sweeps.md) into OUT/sweep.db (SQLite,
 * one transaction per completed point; --resume continues a killed run), then exports
 * results.csv, results.jsonl, ops.csv, pareto.csv, summary.txt and the plots from the database
 * and prints the summary table. Under `mpirun -n N` rank 0 owns the database and the other
 * ranks evaluate points; --export re-exports an existing database without running. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-cli.h"
#include "ts-file.h"
#include "ts-sweep.h"

typedef struct {
    char *out, *points, *engine, *factorization;
    gint threads;
    gint64 max_points;
    gboolean resume, cross, export_only, no_cache, no_plots, no_progress, quiet, systolic_folds;
} SweepArgs;

static void args_clear(SweepArgs *a)
{
    g_free(a->out);
    g_free(a->points);
    g_free(a->engine);
    g_free(a->factorization);
}

static int finish(int rc)
{
    ts_sweep_mpi_finalize();
    return rc;
}

static void print_notes(const TsSweep *sweep)
{
    for (const char *const *n = ts_sweep_notes(sweep); *n; n++)
        fprintf(stderr, "tilesim sweep: note: %s\n", *n);
}

static gboolean export_and_summarise(TsSweepDb *db, const SweepArgs *a, GError **error)
{
    TsSweepExportOptions eo = {.plots = !a->no_plots};
    g_autoptr(GString) summary = g_string_new(NULL);
    if (!ts_sweep_export(db, a->out, &eo, summary, error))
        return FALSE;
    if (!a->quiet) {
        fputs(summary->str, stdout);
        fflush(stdout);
    }
    return TRUE;
}

static int run_export(SweepArgs *a)
{
    if (ts_sweep_mpi_rank() != 0)
        return TS_EXIT_OK;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(a->out, "sweep.db", NULL);
    g_autoptr(TsSweepDb) db = ts_sweep_db_open(path, TRUE, &error);
    if (db == NULL || !export_and_summarise(db, a, &error))
        return ts_cli_fail(error);
    return TS_EXIT_OK;
}

static int run(int argc, char **argv)
{
    SweepArgs a = {0};
    const GOptionEntry entries[] = {
        {"out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out,
         "results directory (default: NAME-sweep, NAME the sweep's name); holds sweep.db", "DIR"},
        {"resume", 'r', 0, G_OPTION_ARG_NONE, &a.resume,
         "continue DIR/sweep.db: skip the points it holds (same sweep inputs required)", NULL},
        {"threads", 't', 0, G_OPTION_ARG_INT, &a.threads,
         "worker threads per process (default: the processors, divided among the MPI ranks of "
         "a machine); results do not depend on it",
         "N"},
        {"cross", 0, 0, G_OPTION_ARG_NONE, &a.cross,
         "explicit points become the cross product of each parameter's distinct values", NULL},
        {"points", 0, 0, G_OPTION_ARG_FILENAME, &a.points,
         "design points from F (a JSON or YAML list such as hw_configs.json) instead of the "
         "file's points",
         "F"},
        {"engine", 0, 0, G_OPTION_ARG_STRING, &a.engine,
         "analytical (default: the model and the search), both (then the discrete-event "
         "simulation of every op's best mapping, its columns beside the model's) or des (as "
         "both, DES latency the default second Pareto objective); replaces the file's engine",
         "E"},
        {"export", 0, 0, G_OPTION_ARG_NONE, &a.export_only,
         "only export DIR/sweep.db (CSV, JSONL, Pareto front, summary, plots); SWEEP optional",
         NULL},
        {"max-points", 0, 0, G_OPTION_ARG_INT64, &a.max_points,
         "evaluate at most N pending points in this run (--resume continues)", "N"},
        {"factorization", 0, 0, G_OPTION_ARG_STRING, &a.factorization,
         "perfect or imperfect: replaces the sweep's mapper.factorization (default perfect, as "
         "Timeloop; docs/mapper.md)",
         "F"},
        {"systolic-folds", 0, 0, G_OPTION_ARG_NONE, &a.systolic_folds,
         "on a systolic array, charge the array's fold fill and drain in the model's compute "
         "cycles, as tilesim map --systolic-folds (turns on the sweep's mapper.systolic_folds; "
         "default: Timeloop's semantics; docs/model.md)",
         NULL},
        {"no-cache", 0, 0, G_OPTION_ARG_NONE, &a.no_cache,
         "search every op shape of every point (no reuse of identical sub-problems)", NULL},
        {"no-plots", 0, 0, G_OPTION_ARG_NONE, &a.no_plots, "export no SVG/PNG plots", NULL},
        {"no-progress", 0, 0, G_OPTION_ARG_NONE, &a.no_progress, "no progress on stderr", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "no summary table on stdout", NULL},
        {NULL},
    };
    if (!ts_cli_parse("sweep", "SWEEP",
                      "Run a design-space sweep (docs/sweeps.md).\n\n"
                      "  tilesim sweep SWEEP.yaml [--out DIR] [--resume] [--threads N] [--cross]\n"
                      "      [--points F] [--engine analytical|both|des] [--max-points N]\n"
                      "      [--factorization perfect|imperfect] [--systolic-folds]\n"
                      "  tilesim sweep --export --out DIR\n"
                      "  mpirun -n N tilesim sweep SWEEP.yaml --out DIR   (rank 0 owns DIR)",
                      (GOptionEntry *)entries, &argc, &argv)) {
        args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    int rc = TS_EXIT_OK;
    g_autoptr(GError) error = NULL;
    if (argc > 2 || (argc < 2 && !a.export_only)) {
        fprintf(stderr, "tilesim sweep: %s\n",
                argc > 2 ? "give one sweep file" : "missing the sweep file (SWEEP.yaml)");
        args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    if (a.threads < 0 || a.threads > 1024 || a.max_points < 0) {
        fprintf(stderr, "tilesim sweep: %s\n",
                a.max_points < 0 ? "--max-points must be >= 0"
                                 : "--threads must be within 0 .. 1024 (0 = the processors)");
        args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    if (!ts_sweep_mpi_init(&argc, &argv, &error)) {
        rc = ts_cli_fail(error);
        args_clear(&a);
        return rc;
    }
    int rank = ts_sweep_mpi_rank();
    if (a.export_only && argc < 2) {
        if (a.out == NULL) {
            if (rank == 0)
                fprintf(stderr, "tilesim sweep: --export needs --out DIR (or the sweep file)\n");
            args_clear(&a);
            return finish(TS_EXIT_BAD_INPUT);
        }
        rc = run_export(&a);
        args_clear(&a);
        return finish(rc);
    }

    TsSweepLoadOptions lo = {.points_path = a.points,
                             .cross = a.cross,
                             .engine = a.engine,
                             .factorization = a.factorization,
                             .systolic_folds = a.systolic_folds};
    g_autoptr(TsSweep) sweep = ts_sweep_load(argv[1], &lo, &error);
    const TsSweepEngine *engine =
        sweep != NULL ? ts_sweep_engine_lookup(ts_sweep_engine_name(sweep), &error) : NULL;
    gboolean ok = engine != NULL;
    if (!ts_sweep_mpi_all(ok)) {
        gboolean root_ok = ts_sweep_mpi_root_ok(ok);
        if (!ok && (rank == 0 || root_ok))
            rc = ts_cli_fail(error);
        else
            rc = TS_EXIT_BAD_INPUT;
        if (rank == 0 && ok)
            fprintf(stderr,
                    "tilesim sweep: another MPI rank could not load %s (its message "
                    "says why)\n",
                    argv[1]);
        args_clear(&a);
        return finish(rc);
    }
    if (a.out == NULL)
        a.out = g_strdup_printf("%s-sweep", ts_sweep_name(sweep));
    if (a.export_only) {
        rc = run_export(&a);
        args_clear(&a);
        return finish(rc);
    }
    /* rank 0 writes DIR: check it before any work (every rank learns the outcome) */
    gboolean out_ok = rank != 0 || ts_output_check_dir("--out", a.out, &error);
    if (!ts_sweep_mpi_root_ok(out_ok)) {
        rc = rank == 0 ? ts_cli_fail(error) : TS_EXIT_BAD_INPUT;
        args_clear(&a);
        return finish(rc);
    }
    if (rank == 0)
        print_notes(sweep);
    TsSweepRunOptions ro = {.out_dir = a.out,
                            .resume = a.resume,
                            .threads = (guint)a.threads,
                            .cache = !a.no_cache,
                            .progress = !a.no_progress && rank == 0,
                            .max_points = (guint)MIN(a.max_points, (gint64)G_MAXUINT),
                            .engine = engine};
    TsSweepRunStats st;
    if (!ts_sweep_run(sweep, &ro, &st, &error)) {
        rc =
            rank == 0 || error->code != TS_CONFIG_ERROR_IO ? ts_cli_fail(error) : TS_EXIT_BAD_INPUT;
        args_clear(&a);
        return finish(rc);
    }
    if (rank == 0) {
        fprintf(
            stderr,
            "tilesim sweep: %u of %u points done in this run (%u ok, %u invalid, %u "
            "unmapped) in %.1f s on %d process%s x %u thread%s; %u done before; %" G_GUINT64_FORMAT
            " op searches reused; results in %s/sweep.db\n",
            st.done_now, st.total, st.ok, st.invalid, st.unmapped, st.seconds, st.processes,
            st.processes == 1 ? "" : "es", st.threads, st.threads == 1 ? "" : "s", st.done_before,
            st.cache_hits, a.out);
        g_autofree char *path = g_build_filename(a.out, "sweep.db", NULL);
        g_autoptr(TsSweepDb) db = ts_sweep_db_open(path, TRUE, &error);
        if (db == NULL || !export_and_summarise(db, &a, &error))
            rc = ts_cli_fail(error);
    }
    args_clear(&a);
    return finish(rc);
}

TS_CLI_COMMAND(sweep, "sweep",
               "run a design-space sweep into an SQLite database (analytical model, optionally the "
               "discrete-event simulation beside it)",
               run)
