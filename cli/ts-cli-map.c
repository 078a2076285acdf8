/* Options, inputs, progress and outputs shared by `tilesim map` and `tilesim simulate`
 * (ts-cli-map.h). */
#include "ts-cli-map.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-file.h"
#include "ts-fuse.h"
#include "ts-layer.h"
#include "ts-library.h"
#include "ts-progress.h"
#include "ts-report-layer.h"

void ts_cli_map_args_init(TsCliMapArgs *a)
{
    memset(a, 0, sizeof *a);
    a->seed = 1;
    a->threads = 0;
    a->top = 1;
}

void ts_cli_map_args_clear(TsCliMapArgs *a)
{
    char **strs[] = {&a->arch,        &a->ert,       &a->art,         &a->workload,
                     &a->problem,     &a->op,        &a->search,      &a->metric,
                     &a->json,        &a->csv,       &a->mapping_out, &a->precision,
                     &a->phase,       &a->variables, &a->engine,      &a->mapping,
                     &a->device,      &a->trace,     &a->plot,        &a->budget,
                     &a->victory,     &a->seq,       &a->batch,       &a->kv_len,
                     &a->max_invalid, &a->fuse,      &a->fuse_level,  &a->factorization};
    for (guint i = 0; i < G_N_ELEMENTS(strs); i++)
        g_clear_pointer(strs[i], g_free);
    g_clear_pointer(&a->constraints, g_strfreev);
    g_clear_pointer(&a->vars, g_strfreev);
}

/* Entries common to both commands, terminated (room for `extra` more before the NULL). */
GOptionEntry *ts_cli_map_entries(TsCliMapArgs *a, const GOptionEntry *extra, guint n_extra)
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
        {"seq", 0, 0, G_OPTION_ARG_STRING, &a->seq,
         "sequence length, tokens (transformer workloads; default 128)", "N"},
        {"batch", 0, 0, G_OPTION_ARG_STRING, &a->batch,
         "batch size, sequences (transformer workloads; default 1)", "N"},
        {"precision", 0, 0, G_OPTION_ARG_STRING, &a->precision,
         "precision preset (fp16, int8, w4a16, ...; default fp16)", "P"},
        {"phase", 0, 0, G_OPTION_ARG_STRING, &a->phase, "prefill or decode (default prefill)",
         "PHASE"},
        {"kv-len", 0, 0, G_OPTION_ARG_STRING, &a->kv_len,
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
        {"budget", 'b', 0, G_OPTION_ARG_STRING, &a->budget,
         "valid evaluations per op (default 200000; 0 = unlimited)", "N"},
        {"time-limit", 0, 0, G_OPTION_ARG_DOUBLE, &a->time_limit,
         "seconds per op (default none; makes results depend on machine speed)", "S"},
        {"victory", 0, 0, G_OPTION_ARG_STRING, &a->victory,
         "stop a search stream after N non-improving valid mappings in a row (0 = off)", "N"},
        {"max-invalid", 0, 0, G_OPTION_ARG_STRING, &a->max_invalid,
         "stop a search stream after N invalid candidates in a row (default 100000)", "N"},
        {"factorization", 0, 0, G_OPTION_ARG_STRING, &a->factorization,
         "perfect (default, as Timeloop) or imperfect: also search ceil factors whose last "
         "iteration runs a partial tile (docs/mapper.md)",
         "F"},
        {"systolic-folds", 0, 0, G_OPTION_ARG_NONE, &a->systolic_folds,
         "on a systolic array, charge the array's fold fill and drain in the model's compute "
         "cycles (the search then avoids mappings that stream a few words per fold; default: "
         "Timeloop's semantics, no fill or drain; docs/model.md)",
         NULL},
        {"no-polish", 0, 0, G_OPTION_ARG_NONE, &a->no_polish,
         "anneal (and an exhaustive search's incumbent anneal): skip the polish (bounded "
         "exhaustive walks of every pair of dimensions around the best)",
         NULL},
        {"threads", 't', 0, G_OPTION_ARG_INT, &a->threads,
         "worker threads (default: the processors; results do not depend on it)", "N"},
        {"seed", 0, 0, G_OPTION_ARG_INT64, &a->seed, "master seed (default 1)", "N"},
        {"top", 'k', 0, G_OPTION_ARG_INT, &a->top, "keep and print the best K mappings (default 1)",
         "K"},
        {"json", 'j', 0, G_OPTION_ARG_FILENAME, &a->json,
         "write the JSON result to F (- = stdout, which then carries only the JSON)", "F"},
        {"csv", 0, 0, G_OPTION_ARG_FILENAME, &a->csv,
         "write one CSV row per op to F (- = stdout, which then carries only the CSV)", "F"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "no text report on stdout", NULL},
        {"reproducible", 0, 0, G_OPTION_ARG_NONE, &a->reproducible,
         "leave measured times and the thread count out of the reports (JSON: null), so the "
         "same inputs and seed give byte-identical output",
         NULL},
        {"no-progress", 0, 0, G_OPTION_ARG_NONE, &a->no_progress,
         "no progress on stderr (default: a line redrawn on a terminal, a plain line every 10 s "
         "otherwise, nothing for runs under a second)",
         NULL},
        {"fuse", 0, 0, G_OPTION_ARG_STRING, &a->fuse,
         "fuse a group of ops, keeping its intermediates on chip (attention: KQV, KTQ, softmax, "
         "VScores; attention-scores: KTQ, softmax, VScores; auto: the one of least layer energy); "
         "the report adds the saving against the unfused layer",
         "GROUP"},
        {"fuse-level", 0, 0, G_OPTION_ARG_STRING, &a->fuse_level,
         "storage level that keeps the fused group's intermediates (default: the outermost "
         "on-chip level that holds them)",
         "NAME"},
    };
    guint n = G_N_ELEMENTS(common);
    GOptionEntry *all = g_new0(GOptionEntry, n + n_extra + 1);
    memcpy(all, common, sizeof common);
    if (n_extra)
        memcpy(all + n, extra, n_extra * sizeof *extra);
    return all;
}

static gboolean ts_cli_map_fail_arg(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean ts_cli_map_fail_arg(GError **error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, msg);
    return FALSE;
}

/* Turns the arguments into layer options (search settings checked here). */
gboolean ts_cli_map_options(const TsCliMapArgs *a, TsLayerOptions *lo, GError **error)
{
    memset(lo, 0, sizeof *lo);
    TsSearchOptions *o = &lo->search;
    ts_search_options_init(o);
    if (!ts_search_algorithm_from_name(a->search ? a->search : TS_CLI_MAP_DEFAULT_ALGORITHM,
                                       &o->algorithm, error))
        return FALSE;
    if (a->metric && !ts_search_parse_metrics(a->metric, o, error))
        return FALSE;
    guint64 budget = 0, victory = 0, max_invalid = 0;
    if (!ts_cli_parse_uint("--budget", a->budget, 0, G_MAXUINT64, &budget, error) ||
        !ts_cli_parse_uint("--victory", a->victory, 0, G_MAXUINT64, &victory, error) ||
        !ts_cli_parse_uint("--max-invalid", a->max_invalid, 0, G_MAXUINT64, &max_invalid, error))
        return FALSE;
    if (!(a->time_limit >= 0) || a->time_limit > 1e7)
        return ts_cli_map_fail_arg(error, "--time-limit must be within 0 .. 1e7 s (got %g)",
                                   a->time_limit);
    if (a->threads < 0 || a->threads > 1024)
        return ts_cli_map_fail_arg(
            error, "--threads must be within 0 .. 1024, 0 = the processors (got %d)", a->threads);
    if (a->top < 1 || a->top > 10000)
        return ts_cli_map_fail_arg(error, "--top must be within 1 .. 10000 (got %d)", a->top);
    if (a->seed < 0)
        return ts_cli_map_fail_arg(error, "--seed must be >= 0 (got %" G_GINT64_FORMAT ")",
                                   a->seed);
    gboolean ordered = o->algorithm == TS_SEARCH_EXHAUSTIVE;
    o->budget = a->budget != NULL ? budget : (ordered ? 0 : TS_CLI_MAP_DEFAULT_BUDGET);
    o->victory = victory;
    if (a->max_invalid != NULL)
        o->max_invalid = max_invalid;
    o->time_limit_s = a->time_limit;
    o->threads = a->threads > 0 ? (guint)a->threads : MAX(g_get_num_processors(), 1u);
    o->seed = (guint64)a->seed;
    o->top_k = (guint)a->top;
    o->polish = o->algorithm == TS_SEARCH_ANNEAL && !a->no_polish;
    o->incumbent_no_polish = a->no_polish; /* an exhaustive search's incumbent anneal */
    if (!ts_cli_parse_factorization(a->factorization, &lo->model_options.imperfect_factors, error))
        return FALSE;
    lo->model_options.systolic_folds = a->systolic_folds;
    if (!ordered && o->algorithm != TS_SEARCH_LINEAR_PRUNED && o->budget == 0 && o->victory == 0 &&
        o->time_limit_s <= 0)
        return ts_cli_map_fail_arg(error,
                                   "--search %s with --budget 0 needs --victory or --time-limit "
                                   "(it would never stop)",
                                   ts_search_algorithm_name(o->algorithm));
    return TRUE;
}

void ts_cli_map_inputs_clear(TsCliMapInputs *in)
{
    ts_constraints_free(in->constraints);
    ts_workload_free(in->workload);
    ts_arch_free(in->arch);
    g_free(in->arch_path);
    memset(in, 0, sizeof *in);
}

/* The workload overrides of the options (--seq, --batch, --kv-len: positive integers; 0 in
 * the overrides = not given, the workload's own value). */
gboolean ts_cli_map_overrides(const TsCliMapArgs *a, TsWorkloadOverrides *ov, GError **error)
{
    memset(ov, 0, sizeof *ov);
    if (!ts_cli_parse_uint("--seq", a->seq, 1, G_MAXUINT64, &ov->seq, error) ||
        !ts_cli_parse_uint("--batch", a->batch, 1, G_MAXUINT64, &ov->batch, error) ||
        !ts_cli_parse_uint("--kv-len", a->kv_len, 1, G_MAXUINT64, &ov->kv_len, error))
        return FALSE;
    ov->precision = a->precision;
    ov->phase = a->phase;
    ov->vars = (const char *const *)a->vars;
    ov->variables_file = a->variables;
    return TRUE;
}

gboolean ts_cli_map_inputs_load(TsCliMapInputs *in, const TsCliMapArgs *a, GError **error)
{
    memset(in, 0, sizeof *in);
    if (a->arch == NULL)
        return ts_cli_map_fail_arg(error, "--arch is required (a path or a library name such as "
                                          "eyeriss-like)");
    if ((a->workload == NULL) == (a->problem == NULL))
        return ts_cli_map_fail_arg(error, "give exactly one of --workload W or --problem P");
    if (a->problem && a->op)
        return ts_cli_map_fail_arg(error,
                                   "--op applies to --workload; a --problem file holds one op");
    const char *tables[] = {a->ert ? a->ert : a->art, a->ert ? a->art : NULL, NULL};
    in->arch = ts_arch_load_full(a->arch, tables, error);
    if (in->arch == NULL)
        return FALSE;
    in->arch_path = ts_library_resolve(TS_LIBRARY_ARCH, a->arch, error);
    if (in->arch_path == NULL)
        return FALSE;
    TsWorkloadOverrides ov;
    if (!ts_cli_map_overrides(a, &ov, error))
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

/* ---- Progress line (stderr, ts-progress.h) ---------------------------------------------- */

static void ts_cli_map_progress(const TsSearchProgress *p, gpointer data)
{
    TsCliMapProgress *mp = data;
    const TsSearchOptions *o = mp->search;
    char what[128], best[96];
    g_snprintf(what, sizeof what, "%s (op %u/%u)", mp->op ? mp->op : "?", mp->index + 1, mp->n_ops);
    if (p->have_best)
        g_snprintf(best, sizeof best, "best %s %.4g", ts_metric_name(o->metrics[0]), p->best[0]);
    TsProgressLine l = {
        .what = what, .best = p->have_best ? best : NULL, .extra = mp->space[0] ? mp->space : NULL};
    ts_progress_search_line(&l, p->space_fraction, p->valid, p->evaluated, p->elapsed_s, o->budget);
    ts_progress_show(mp->line, &l, FALSE);
}

static void ts_cli_map_begin(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    TsCliMapProgress *mp = data;
    mp->op = op->op->name;
    mp->index = index;
    mp->n_ops = n;
    mp->space[0] = '\0';
    if (op->einsum && op->space)
        g_snprintf(mp->space, sizeof mp->space, "space 10^%.2f", op->size.log10);
    ts_progress_restart(mp->line);
}

static void ts_cli_map_done(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    (void)op;
    (void)index;
    (void)n;
    TsCliMapProgress *mp = data;
    ts_progress_finish(mp->line, FALSE);
}

/* A progress line for command ("tilesim map") unless --no-progress: redrawn on a terminal,
 * plain lines every 10 s otherwise, nothing for a run shorter than a second. Free with
 * ts_cli_map_progress_clear. */
void ts_cli_map_setup_progress(TsLayerOptions *lo, TsCliMapProgress *mp, const TsCliMapArgs *a,
                               const char *command)
{
    memset(mp, 0, sizeof *mp);
    mp->line = ts_progress_new(command, !a->no_progress);
    mp->search = &lo->search;
    lo->begin = ts_cli_map_begin;
    lo->done = ts_cli_map_done;
    lo->done_data = mp;
    if (!a->no_progress) {
        lo->search.progress = ts_cli_map_progress;
        lo->search.progress_data = mp;
        lo->search.progress_interval_s = 0.25;
    }
}

void ts_cli_map_progress_clear(TsCliMapProgress *mp)
{
    ts_progress_finish(mp->line, FALSE);
    g_clear_pointer(&mp->line, ts_progress_free);
}

/* ---- Outputs ---------------------------------------------------------------------------- */

/* Every output path is checked before the inputs load and the search runs; at most one of
 * them may be standard output, which then carries only that output. */
gboolean ts_cli_map_check_outputs(const TsCliMapArgs *a, GError **error)
{
    const char *const options[] = {"--json", "--csv", "--mapping-out", NULL};
    const char *const paths[] = {a->json, a->csv, a->mapping_out, NULL};
    if (!ts_output_check("--json", a->json, error) || !ts_output_check("--csv", a->csv, error) ||
        !ts_output_check_one_stdout(options, paths, error))
        return FALSE;
    if (a->mapping_out == NULL || ts_output_is_stdout(a->mapping_out))
        return TRUE;
    /* --mapping-out names a file for one op shape, a directory for several. */
    if (g_file_test(a->mapping_out, G_FILE_TEST_EXISTS) &&
        !g_file_test(a->mapping_out, G_FILE_TEST_IS_DIR))
        return ts_output_check("--mapping-out", a->mapping_out, error);
    return ts_output_check_dir("--mapping-out", a->mapping_out, error);
}

gboolean ts_cli_map_stdout_taken(const TsCliMapArgs *a)
{
    return ts_output_is_stdout(a->json) || ts_output_is_stdout(a->csv) ||
           ts_output_is_stdout(a->mapping_out);
}

void ts_cli_map_print_model_notes(const TsCliMapArgs *a, const TsLayerResult *r, const char *cmd)
{
    if (!a->quiet && !ts_cli_map_stdout_taken(a))
        return; /* the text report on stdout says them */
    for (guint i = 0; i < r->n_ops; i++) {
        const char *note = ts_layer_op_note(&r->ops[i], i);
        if (note != NULL)
            fprintf(stderr, "tilesim %s: note: %s\n", cmd, note);
    }
}

void ts_cli_map_print_notes(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd)
{
    for (guint i = 0; i < ts_workload_n_notes(in->workload); i++) {
        const char *note = ts_workload_note(in->workload, i);
        if (!(a->quiet && g_str_has_prefix(note, "variables: ")))
            fprintf(stderr, "tilesim %s: note: %s\n", cmd, note);
    }
    for (guint i = 0; i < ts_constraints_n_notes(in->constraints); i++)
        fprintf(stderr, "tilesim %s: note: %s\n", cmd, ts_constraints_note(in->constraints, i));
}

static void fuse_source_error(GError **error, const char *where)
{
    if (error == NULL || *error == NULL || where == NULL)
        return;
    char *m = ts_fuse_source_text((*error)->message, where);
    g_free((*error)->message);
    (*error)->message = m;
}

/* --fuse auto: maps the layer unfused and fused with each attention group ts_fuse_plan_new
 * accepts on this arch ("attention", "attention-scores"), keeps the fused layer of least
 * energy (into r, its plan and summary) and says on stderr what was chosen and why. */
static gboolean fuse_auto(const TsCliMapInputs *in, const char *cmd, const char *where,
                          TsLayerOptions *lo, const char *level, TsLayerResult *r,
                          TsLayerResult *unfused, TsFusePlan **plan, TsFuseSummary *summary,
                          GError **error)
{
    static const char *const groups[] = {"attention", "attention-scores"};
    if (!ts_layer_map(in->arch, in->workload, lo, unfused, error))
        return FALSE;
    g_autoptr(GString) why = g_string_new(NULL);
    double best = INFINITY;
    for (guint g = 0; g < G_N_ELEMENTS(groups); g++) {
        g_autoptr(GError) e = NULL;
        TsFusePlan *p =
            ts_fuse_plan_new(in->arch, in->workload, in->constraints, groups[g], level, &e);
        if (p == NULL) {
            g_string_append_printf(why, "; %s not possible (%s)", groups[g], e->message);
            continue;
        }
        TsLayerResult fused = {0};
        TsFuseSummary s;
        lo->fuse = p;
        gboolean ok = ts_layer_map(in->arch, in->workload, lo, &fused, error);
        lo->fuse = NULL;
        if (!ok || !ts_fuse_summarize(p, unfused, &fused, &s)) {
            ts_layer_result_clear(&fused);
            ts_fuse_plan_free(p);
            if (ok)
                ts_cli_map_fail_arg(error, "--fuse: the group's ops were not all mapped");
            return FALSE;
        }
        g_string_append_printf(why, "; %s: layer %.1f uJ, group DRAM words %.0f -> %.0f", groups[g],
                               fused.energy_pj * 1e-6, s.dram_words_unfused, s.dram_words_fused);
        if (fused.energy_pj < best) {
            best = fused.energy_pj;
            if (*plan != NULL) {
                ts_layer_result_clear(r);
                ts_fuse_plan_free(*plan);
            }
            *r = fused;
            *plan = p;
            *summary = s;
        } else {
            ts_layer_result_clear(&fused);
            ts_fuse_plan_free(p);
        }
    }
    if (*plan == NULL) {
        ts_cli_map_fail_arg(error, "--fuse auto: no attention group can be fused%s", why->str);
        fuse_source_error(error, where);
        return FALSE;
    }
    g_autofree char *chose = g_strdup_printf(
        "--fuse auto: chose %s, the least layer energy (unfused %.1f uJ%s)%s",
        ts_fuse_plan_group(*plan), unfused->energy_pj * 1e-6, why->str,
        best < unfused->energy_pj ? "" : "; it saves no energy against the unfused layer");
    g_autofree char *said = ts_fuse_source_text(chose, where);
    fprintf(stderr, "tilesim %s: note: %s\n", cmd, said);
    for (guint i = 0; i < ts_fuse_plan_n_notes(*plan); i++) {
        g_autofree char *note = ts_fuse_source_text(ts_fuse_plan_note(*plan, i), where);
        fprintf(stderr, "tilesim %s: note: %s\n", cmd, note);
    }
    return TRUE;
}

/* Maps the workload; with --fuse, first unfused (into *unfused), then fused with *plan (into
 * r) and the comparison into *summary. Errors: --fuse-level without --fuse, --fuse with --op,
 * --mapping or --problem, and those of ts_fuse_plan_new and ts_layer_map. */
gboolean ts_cli_map_run(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd,
                        TsLayerOptions *lo, TsLayerResult *r, TsLayerResult *unfused,
                        TsFusePlan **plan, TsFuseSummary *summary, GError **error)
{
    const char *group = a->fuse, *level = a->fuse_level, *where = NULL;
    if (level && !group)
        return ts_cli_map_fail_arg(error, "--fuse-level needs --fuse GROUP");
    /* The workload's `fusion:` spec applies unless --fuse is given, and not to one op. */
    if (!group && !a->op && !a->mapping &&
        ts_workload_fusion(in->workload, &group, &level, &where) == FALSE)
        group = NULL;
    if (!group)
        return ts_layer_map(in->arch, in->workload, lo, r, error);
    if (a->op || a->mapping || a->problem)
        return ts_cli_map_fail_arg(error, "--fuse maps the whole group of a workload: drop %s",
                                   a->op        ? "--op"
                                   : a->mapping ? "--mapping"
                                                : "--problem");
    if (strcmp(group, "auto") == 0)
        return fuse_auto(in, cmd, where, lo, level, r, unfused, plan, summary, error);
    *plan = ts_fuse_plan_new(in->arch, in->workload, in->constraints, group, level, error);
    if (*plan == NULL) {
        fuse_source_error(error, where);
        return FALSE;
    }
    for (guint i = 0; i < ts_fuse_plan_n_notes(*plan); i++) {
        g_autofree char *note = ts_fuse_source_text(ts_fuse_plan_note(*plan, i), where);
        fprintf(stderr, "tilesim %s: note: %s\n", cmd, note);
    }
    if (!ts_layer_map(in->arch, in->workload, lo, unfused, error))
        return FALSE;
    lo->fuse = *plan;
    gboolean ok = ts_layer_map(in->arch, in->workload, lo, r, error);
    lo->fuse = NULL;
    if (!ok) {
        /* The layer maps unfused: the fusion is what no mapping satisfies. */
        g_autofree char *fix =
            where ? g_strdup("remove the workload's `fusion:` entry, or give it another "
                             "`level`")
                  : g_strdup("drop --fuse, or give another --fuse-level");
        g_autofree char *head = g_strdup_printf(
            "--fuse %s: the fused layer cannot be mapped, though it maps unfused (%s): ", group,
            fix);
        g_autofree char *said = ts_fuse_source_text(head, where);
        g_prefix_error(error, "%s", said);
        return FALSE;
    }
    if (ok && !ts_fuse_summarize(*plan, unfused, r, summary))
        return ts_cli_map_fail_arg(error, "--fuse: the group's ops were not all mapped");
    return ok;
}

gboolean ts_cli_map_emit(const TsCliMapArgs *a, const TsLayerReport *rep, GError **error)
{
    if (!a->quiet && !ts_cli_map_stdout_taken(a)) {
        g_autoptr(GString) text = g_string_new(NULL);
        ts_report_layer_text(text, rep);
        fputs(text->str, stdout);
        fflush(stdout);
    }
    if (a->json) {
        g_autofree char *doc = ts_report_layer_json_string(rep);
        if (!ts_output_write("--json", a->json, doc, -1, error))
            return FALSE;
    }
    if (a->csv) {
        g_autofree char *doc = ts_report_layer_csv_string(rep);
        if (!ts_output_write("--csv", a->csv, doc, -1, error))
            return FALSE;
    }
    return TRUE;
}

char **ts_cli_map_search(const TsCliMapArgs *a, const TsCliMapInputs *in, const char *cmd,
                         TsLayerOptions *lo, TsCliMapProgress *mp, TsLayerResult *r,
                         TsLayerResult *unfused, TsFusePlan **plan, TsFuseSummary *summary,
                         GError **error)
{
    lo->constraints = in->constraints;
    lo->only_op = a->op;
    g_autofree char *command = g_strconcat("tilesim ", cmd, NULL);
    ts_cli_map_setup_progress(lo, mp, a, command);
    gboolean ok = ts_cli_map_run(a, in, cmd, lo, r, unfused, plan, summary, error);
    ts_cli_map_progress_clear(mp);
    ts_cli_map_print_notes(a, in, cmd);
    if (!ok)
        return NULL;
    char **notes = ts_report_layer_notes(in->arch, r);
    ts_cli_map_print_model_notes(a, r, cmd);
    return notes;
}
