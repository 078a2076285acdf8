/* Options and input handling shared by `tilesim map` and `tilesim simulate` (analytical
 * engine): architecture (path or library name, with the constraints embedded in a Timeloop
 * v0.4 file), workload or Timeloop problem with overrides, constraint files, search options
 * with the defaults of docs/mapper.md, a progress line on a terminal, and output files.
 * Static functions: included by cmd-map.c and cmd-simulate.c only. */
#ifndef TS_CMD_MAP_COMMON_H
#define TS_CMD_MAP_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-cli.h"
#include "ts-layer.h"
#include "ts-library.h"
#include "ts-report-layer.h"

/* Defaults (docs/mapper.md, "Defaults"): annealing, 200,000 valid evaluations per op shape. */
#define TS_MAP_DEFAULT_BUDGET 200000
#define TS_MAP_DEFAULT_ALGORITHM "anneal"

typedef struct {
    char *arch, *ert, *art, *workload, *problem, *op, *search, *metric, *json, *csv, *mapping_out;
    char *precision, *phase, *variables;
    char **constraints;
    char **vars;
    gint64 budget, victory, seed, seq, batch, kv_len, max_invalid;
    double time_limit;
    gint threads, top;
    gboolean quiet, no_progress, reproducible;
    /* simulate */
    char *engine, *mapping, *device, *trace, *plot;
} TsMapArgs;

static void ts_map_args_init(TsMapArgs *a)
{
    memset(a, 0, sizeof *a);
    a->budget = -1;
    a->seq = a->batch = a->kv_len = G_MININT64; /* not given: the workload's own value */
    a->victory = -1;
    a->seed = 1;
    a->threads = 0;
    a->top = 1;
    a->max_invalid = -1;
}

static void ts_map_args_clear(TsMapArgs *a)
{
    char **strs[] = {&a->arch,        &a->ert,       &a->art,    &a->workload,  &a->problem,
                     &a->op,          &a->search,    &a->metric, &a->json,      &a->csv,
                     &a->mapping_out, &a->precision, &a->phase,  &a->variables, &a->engine,
                     &a->mapping,     &a->device,    &a->trace,  &a->plot};
    for (guint i = 0; i < G_N_ELEMENTS(strs); i++)
        g_clear_pointer(strs[i], g_free);
    g_clear_pointer(&a->constraints, g_strfreev);
    g_clear_pointer(&a->vars, g_strfreev);
}

/* Entries common to both commands, terminated (room for `extra` more before the NULL). */
static GOptionEntry *ts_map_entries(TsMapArgs *a, const GOptionEntry *extra, guint n_extra)
{
    const GOptionEntry common[] = {
        {"arch", 'a', 0, G_OPTION_ARG_FILENAME, &a->arch,
         "architecture: a path (tilesim or Timeloop YAML) or a library name", "A"},
        {"ert", 0, 0, G_OPTION_ARG_FILENAME, &a->ert,
         "Accelergy energy reference table overriding the arch's energies", "E"},
        {"art", 0, 0, G_OPTION_ARG_FILENAME, &a->art,
         "Accelergy area reference table (area per instance of each level)", "A"},
        {"workload", 'w', 0, G_OPTION_ARG_FILENAME, &a->workload,
         "workload: a path or a library name (bert-base, ...)", "W"},
        {"op", 0, 0, G_OPTION_ARG_STRING, &a->op, "only the ops of this name (KQV, FF1, ...)",
         "NAME"},
        {"problem", 'p', 0, G_OPTION_ARG_FILENAME, &a->problem, "a Timeloop problem YAML", "P"},
        {"seq", 0, 0, G_OPTION_ARG_INT64, &a->seq, "sequence length (transformer workloads)", "N"},
        {"batch", 0, 0, G_OPTION_ARG_INT64, &a->batch, "batch size (transformer workloads)", "N"},
        {"precision", 0, 0, G_OPTION_ARG_STRING, &a->precision,
         "precision preset (fp16, int8, w4a16, ...)", "P"},
        {"phase", 0, 0, G_OPTION_ARG_STRING, &a->phase, "prefill or decode", "PHASE"},
        {"kv-len", 0, 0, G_OPTION_ARG_INT64, &a->kv_len,
         "decode: keys attended (KV cache incl. the new token; default seq)", "N"},
        {"var", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->vars,
         "variable of a Timeloop problem (NAME=VALUE; repeatable)", "NAME=VALUE"},
        {"variables", 0, 0, G_OPTION_ARG_FILENAME, &a->variables,
         "timeloopfe variables YAML for a Timeloop problem", "F"},
        {"constraints", 'c', 0, G_OPTION_ARG_FILENAME_ARRAY, &a->constraints,
         "map-space constraints (Timeloop or tilesim YAML; repeatable)", "C"},
        {"search", 's', 0, G_OPTION_ARG_STRING, &a->search,
         "exhaustive, linear-pruned, random, random-pruned, hybrid or anneal (default anneal)",
         "ALG"},
        {"metric", 0, 0, G_OPTION_ARG_STRING, &a->metric,
         "edp, energy, delay, or a comma list for lexicographic ties (default edp)", "M"},
        {"budget", 'b', 0, G_OPTION_ARG_INT64, &a->budget,
         "valid evaluations per op (default 200000; 0 = unlimited)", "N"},
        {"time-limit", 0, 0, G_OPTION_ARG_DOUBLE, &a->time_limit,
         "seconds per op (makes results depend on machine speed)", "S"},
        {"victory", 0, 0, G_OPTION_ARG_INT64, &a->victory,
         "stop a search stream after N non-improving valid mappings in a row (0 = off)", "N"},
        {"max-invalid", 0, 0, G_OPTION_ARG_INT64, &a->max_invalid,
         "stop a search stream after N invalid candidates in a row (default 100000)", "N"},
        {"threads", 't', 0, G_OPTION_ARG_INT, &a->threads,
         "worker threads (default: the processors; results do not depend on it)", "N"},
        {"seed", 0, 0, G_OPTION_ARG_INT64, &a->seed, "master seed (default 1)", "N"},
        {"top", 'k', 0, G_OPTION_ARG_INT, &a->top, "keep and print the best K mappings", "K"},
        {"json", 'j', 0, G_OPTION_ARG_FILENAME, &a->json, "write the JSON result to F (- = stdout)",
         "F"},
        {"csv", 0, 0, G_OPTION_ARG_FILENAME, &a->csv, "write one CSV row per op to F", "F"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "no report on stdout", NULL},
        {"reproducible", 0, 0, G_OPTION_ARG_NONE, &a->reproducible,
         "leave measured times and the thread count out of the reports (JSON: null), so the "
         "same inputs and seed give byte-identical output",
         NULL},
        {"no-progress", 0, 0, G_OPTION_ARG_NONE, &a->no_progress,
         "no progress line on stderr (it only appears on a terminal)", NULL},
    };
    guint n = G_N_ELEMENTS(common);
    GOptionEntry *all = g_new0(GOptionEntry, n + n_extra + 1);
    memcpy(all, common, sizeof common);
    if (n_extra)
        memcpy(all + n, extra, n_extra * sizeof *extra);
    return all;
}

static gboolean ts_map_fail_arg(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean ts_map_fail_arg(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, msg);
    return FALSE;
}

/* Turns the arguments into layer options (search settings checked here). */
static gboolean ts_map_options(const TsMapArgs *a, TsLayerOptions *lo, GError **error)
{
    memset(lo, 0, sizeof *lo);
    TsSearchOptions *o = &lo->search;
    ts_search_options_init(o);
    if (!ts_search_algorithm_from_name(a->search ? a->search : TS_MAP_DEFAULT_ALGORITHM,
                                       &o->algorithm, error))
        return FALSE;
    if (a->metric && !ts_search_parse_metrics(a->metric, o, error))
        return FALSE;
    if (a->budget < -1)
        return ts_map_fail_arg(error, "--budget must be >= 0 (got %" G_GINT64_FORMAT ")",
                               a->budget);
    if (a->victory < -1)
        return ts_map_fail_arg(error, "--victory must be >= 0 (got %" G_GINT64_FORMAT ")",
                               a->victory);
    if (a->max_invalid < -1)
        return ts_map_fail_arg(error, "--max-invalid must be >= 0 (got %" G_GINT64_FORMAT ")",
                               a->max_invalid);
    if (!(a->time_limit >= 0) || a->time_limit > 1e7)
        return ts_map_fail_arg(error, "--time-limit must be within 0 .. 1e7 s (got %g)",
                               a->time_limit);
    if (a->threads < 0 || a->threads > 1024)
        return ts_map_fail_arg(
            error, "--threads must be within 0 .. 1024, 0 = the processors (got %d)", a->threads);
    if (a->top < 1 || a->top > 10000)
        return ts_map_fail_arg(error, "--top must be within 1 .. 10000 (got %d)", a->top);
    if (a->seed < 0)
        return ts_map_fail_arg(error, "--seed must be >= 0 (got %" G_GINT64_FORMAT ")", a->seed);
    gboolean ordered = o->algorithm == TS_SEARCH_EXHAUSTIVE;
    o->budget = a->budget >= 0 ? (guint64)a->budget : (ordered ? 0 : TS_MAP_DEFAULT_BUDGET);
    o->victory = a->victory >= 0 ? (guint64)a->victory : 0;
    if (a->max_invalid >= 0)
        o->max_invalid = (guint64)a->max_invalid;
    o->time_limit_s = a->time_limit;
    o->threads = a->threads > 0 ? (guint)a->threads : MAX(g_get_num_processors(), 1u);
    o->seed = (guint64)a->seed;
    o->top_k = (guint)a->top;
    if (!ordered && o->algorithm != TS_SEARCH_LINEAR_PRUNED && o->budget == 0 && o->victory == 0 &&
        o->time_limit_s <= 0)
        return ts_map_fail_arg(error,
                               "--search %s with --budget 0 needs --victory or --time-limit "
                               "(it would never stop)",
                               ts_search_algorithm_name(o->algorithm));
    return TRUE;
}

typedef struct {
    TsArch *arch;
    TsWorkload *workload;
    TsConstraints *constraints;
    char *arch_path;
} TsMapInputs;

static void ts_map_inputs_clear(TsMapInputs *in)
{
    ts_constraints_free(in->constraints);
    ts_workload_free(in->workload);
    ts_arch_free(in->arch);
    g_free(in->arch_path);
    memset(in, 0, sizeof *in);
}

/* The workload overrides of the options (--seq, --batch, --kv-len checked > 0). */
static gboolean ts_map_overrides(const TsMapArgs *a, TsWorkloadOverrides *ov, GError **error)
{
    memset(ov, 0, sizeof *ov);
    if (a->seq != G_MININT64 && a->seq <= 0)
        return ts_map_fail_arg(error, "--seq must be > 0 (got %" G_GINT64_FORMAT ")", a->seq);
    if (a->batch != G_MININT64 && a->batch <= 0)
        return ts_map_fail_arg(error, "--batch must be > 0 (got %" G_GINT64_FORMAT ")", a->batch);
    if (a->kv_len != G_MININT64 && a->kv_len <= 0)
        return ts_map_fail_arg(error, "--kv-len must be > 0 (got %" G_GINT64_FORMAT ")", a->kv_len);
    ov->kv_len = a->kv_len > 0 ? (uint64_t)a->kv_len : 0;
    ov->seq = a->seq > 0 ? (uint64_t)a->seq : 0;
    ov->batch = a->batch > 0 ? (uint64_t)a->batch : 0;
    ov->precision = a->precision;
    ov->phase = a->phase;
    ov->vars = (const char *const *)a->vars;
    ov->variables_file = a->variables;
    return TRUE;
}

static gboolean ts_map_inputs_load(TsMapInputs *in, const TsMapArgs *a, GError **error)
{
    memset(in, 0, sizeof *in);
    if (a->arch == NULL)
        return ts_map_fail_arg(error, "--arch is required (a path or a library name such as "
                                      "eyeriss-like)");
    if ((a->workload == NULL) == (a->problem == NULL))
        return ts_map_fail_arg(error, "give exactly one of --workload W or --problem P");
    if (a->problem && a->op)
        return ts_map_fail_arg(error, "--op applies to --workload; a --problem file holds one op");
    const char *tables[] = {a->ert ? a->ert : a->art, a->ert ? a->art : NULL, NULL};
    in->arch = ts_arch_load_full(a->arch, tables, error);
    if (in->arch == NULL)
        return FALSE;
    in->arch_path = ts_library_resolve(TS_LIBRARY_ARCH, a->arch, error);
    if (in->arch_path == NULL)
        return FALSE;
    TsWorkloadOverrides ov;
    if (!ts_map_overrides(a, &ov, error))
        return FALSE;
    in->workload = ts_workload_load(a->problem ? a->problem : a->workload, &ov, error);
    if (in->workload == NULL)
        return FALSE;
    in->constraints = ts_constraints_new();
    if (!ts_constraints_load_arch_file(in->constraints, in->arch_path, error))
        return FALSE;
    for (guint i = 0; a->constraints && a->constraints[i]; i++)
        if (!ts_constraints_load_file(in->constraints, a->constraints[i], error))
            return FALSE;
    return TRUE;
}

/* ---- Progress line (stderr, terminals only) --------------------------------------------- */

typedef struct {
    gboolean on;
    const char *op;
    const TsSearchOptions *search;
} TsMapProgress;

static void ts_map_progress(const TsSearchProgress *p, gpointer data)
{
    TsMapProgress *mp = data;
    char best[64] = "-";
    if (p->have_best)
        g_snprintf(best, sizeof best, "%.4g", p->best[0]);
    fprintf(stderr,
            "\r\033[K  %s: %.1f s, %" G_GUINT64_FORMAT " evaluated (%.0f/s), %" G_GUINT64_FORMAT
            " valid, best %s %s",
            mp->op ? mp->op : "?", p->elapsed_s, p->evaluated,
            p->elapsed_s > 0 ? (double)p->evaluated / p->elapsed_s : 0.0, p->valid,
            ts_metric_name(mp->search->metrics[0]), best);
    fflush(stderr);
}

static void ts_map_begin(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    (void)index;
    (void)n;
    TsMapProgress *mp = data;
    mp->op = op->op->name;
    if (mp->on && op->einsum && op->space) {
        fprintf(stderr, "\r\033[K  %s: map space %s%s mappings (10^%.2f), searching...\n", mp->op,
                op->size.text, op->size.exact ? "" : " (lower bound)", op->size.log10);
        fflush(stderr);
    }
}

static void ts_map_done(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    (void)op;
    (void)index;
    (void)n;
    TsMapProgress *mp = data;
    if (mp->on) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

static void ts_map_setup_progress(TsLayerOptions *lo, TsMapProgress *mp, const TsMapArgs *a)
{
    mp->on = !a->no_progress && isatty(STDERR_FILENO);
    mp->search = &lo->search;
    lo->begin = ts_map_begin;
    lo->done = ts_map_done;
    lo->done_data = mp;
    if (mp->on) {
        lo->search.progress = ts_map_progress;
        lo->search.progress_data = mp;
        lo->search.progress_interval_s = 0.25;
    }
}

/* ---- Outputs ---------------------------------------------------------------------------- */

static gboolean ts_map_write(const char *path, const char *text, GError **error)
{
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        fflush(stdout);
        return TRUE;
    }
    return g_file_set_contents(path, text, -1, error);
}

/* One CSV row per op (docs/mapper.md, "CSV"). */
static char *ts_map_csv(const TsLayerResult *r)
{
    GString *s = g_string_new("op,count,kind,macs,cycles,energy_pj,latency_s,pj_per_mac,"
                              "utilization,bound\n");
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        g_string_append_printf(
            s, "%s,%" G_GUINT64_FORMAT ",%s,%" G_GUINT64_FORMAT ",%.0f,%.6g,%.6g,", lo->op->name,
            lo->op->count,
            lo->op->kind == TS_OP_ELEMENTWISE ? ts_elementwise_kind_name(lo->op->ew_kind)
                                              : ts_op_kind_name(lo->op->kind),
            lo->macs, lo->cycles, lo->energy_pj, lo->latency_s);
        if (lo->macs)
            g_string_append_printf(s, "%.6g", lo->energy_pj / (double)lo->macs);
        g_string_append_printf(s, ",%.6g,%s\n", lo->utilization, lo->bound ? lo->bound : "");
    }
    /* pJ/MAC is left empty, not 0, where there are no MACs. */
    g_string_append_printf(s, "total,,,%.0f,%.0f,%.6g,%.6g,", r->macs, r->cycles, r->energy_pj,
                           r->latency_s);
    if (r->macs > 0)
        g_string_append_printf(s, "%.6g", r->pj_per_mac);
    g_string_append_printf(s, ",%.6g,\n", r->utilization);
    return g_string_free(s, FALSE);
}

/* The models' notes (a precision the MAC cannot hold) on stderr, with the other input notes. */
static void ts_map_print_model_notes(const TsLayerResult *r, const char *cmd)
{
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *o = &r->ops[i];
        const char *note = o->einsum && o->same_as == i ? ts_model_note(o->model) : NULL;
        if (note != NULL)
            fprintf(stderr, "tilesim %s: note: %s\n", cmd, note);
    }
}

static void ts_map_print_notes(const TsMapInputs *in, const char *cmd)
{
    for (guint i = 0; i < ts_workload_n_notes(in->workload); i++)
        fprintf(stderr, "tilesim %s: note: %s\n", cmd, ts_workload_note(in->workload, i));
    for (guint i = 0; i < ts_constraints_n_notes(in->constraints); i++)
        fprintf(stderr, "tilesim %s: note: %s\n", cmd, ts_constraints_note(in->constraints, i));
}

/* Prints the text report (unless --quiet) and writes --json and --csv: the outputs `map` and
 * `simulate` share. */
static gboolean ts_map_emit(const TsMapArgs *a, const TsLayerReport *rep, GError **error)
{
    if (!a->quiet) {
        g_autoptr(GString) text = g_string_new(NULL);
        ts_report_layer_text(text, rep);
        fputs(text->str, stdout);
        fflush(stdout);
    }
    if (a->json) {
        g_autofree char *doc = ts_report_layer_json_string(rep);
        if (!ts_map_write(a->json, doc, error))
            return FALSE;
    }
    if (a->csv) {
        g_autofree char *doc = ts_map_csv(rep->result);
        if (!ts_map_write(a->csv, doc, error))
            return FALSE;
    }
    return TRUE;
}

#endif /* TS_CMD_MAP_COMMON_H */
