/* `tilesim compare`: side by side under the analytical model, either
 *   - mappings of one op: --mapping files, or the K best of a search (--top K): totals,
 *     per-level energy, accesses and bandwidth cycles, the bounding level, and the directives
 *     in which each mapping differs from the first (invalid mappings shown with their reason);
 *   - architectures on one workload (--arch A --arch B ... --workload W): every op mapped on
 *     each arch with the search of `tilesim map` (same defaults), per-op and total latency,
 *     energy, EDP, the ratio to the first arch, and where each spends its energy.
 * --json F writes the comparison as JSON, --plot DIR its bar charts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-cli-model-inputs.h"
#include "ts-cli.h"
#include "ts-constraints.h"
#include "ts-file.h"
#include "ts-layer.h"
#include "ts-library.h"
#include "ts-model.h"
#include "ts-progress.h"
#include "ts-report-compare.h"
#include "ts-report-cost.h"
#include "ts-report-json.h"
#include "ts-report-plots.h"
#include "ts-json-glib.h"

/* The search of `tilesim map` (docs/mapper.md, "Defaults"). */
#define COMPARE_DEFAULT_BUDGET 200000

typedef struct {
    char *search, *budget, *seed, *threads, *plot, *json;
    gboolean quiet, no_progress, no_polish;
} CompareArgs;

static gboolean search_options(const CompareArgs *c, guint top, TsSearchOptions *o, GError **error)
{
    ts_search_options_init(o);
    if (!ts_search_algorithm_from_name(c->search ? c->search : "anneal", &o->algorithm, error))
        return FALSE;
    guint64 budget = COMPARE_DEFAULT_BUDGET, seed = 1, threads = 0;
    if (o->algorithm == TS_SEARCH_EXHAUSTIVE || o->algorithm == TS_SEARCH_LINEAR_PRUNED)
        budget = 0;
    if (!ts_cli_parse_uint("--budget", c->budget, 0, G_MAXUINT64, &budget, error) ||
        !ts_cli_parse_uint("--seed", c->seed, 0, G_MAXUINT64, &seed, error) ||
        !ts_cli_parse_uint("--threads", c->threads, 0, 1024, &threads, error))
        return FALSE;
    if (budget == 0 && o->algorithm != TS_SEARCH_EXHAUSTIVE &&
        o->algorithm != TS_SEARCH_LINEAR_PRUNED) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--search %s with --budget 0 would never stop",
                    ts_search_algorithm_name(o->algorithm));
        return FALSE;
    }
    o->budget = budget;
    o->seed = seed;
    o->threads = threads ? (guint)threads : MAX(g_get_num_processors(), 1u);
    o->top_k = top;
    o->polish = o->algorithm == TS_SEARCH_ANNEAL && !c->no_polish;
    return TRUE;
}

/* ---- Progress ---------------------------------------------------------------------------- */

typedef struct {
    TsProgress *line;
    const char *arch; /* NULL in a mapping comparison */
    const char *op;
    guint index, n_ops;
    guint64 budget;
} CompareProgress;

static void on_progress(const TsSearchProgress *p, gpointer data)
{
    CompareProgress *cp = data;
    char what[160];
    g_snprintf(what, sizeof what, "%s%s%s (op %u/%u)", cp->arch ? cp->arch : "",
               cp->arch ? ": " : "", cp->op ? cp->op : "?", cp->index + 1, cp->n_ops);
    TsProgressLine l = {.what = what};
    ts_progress_search_line(&l, p->space_fraction, p->valid, p->evaluated, p->elapsed_s,
                            cp->budget);
    ts_progress_show(cp->line, &l, FALSE);
}

static void on_begin(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    CompareProgress *cp = data;
    cp->op = op->op->name;
    cp->index = index;
    cp->n_ops = n;
    ts_progress_restart(cp->line);
}

static void on_done(const TsLayerOp *op, guint index, guint n, gpointer data)
{
    (void)op;
    (void)index;
    (void)n;
    ts_progress_finish(((CompareProgress *)data)->line, FALSE);
}

static void layer_options(TsLayerOptions *lo, const TsSearchOptions *so, CompareProgress *cp,
                          gboolean progress)
{
    memset(lo, 0, sizeof *lo);
    lo->search = *so;
    lo->begin = on_begin;
    lo->done = on_done;
    lo->done_data = cp;
    cp->budget = so->budget;
    if (progress) {
        lo->search.progress = on_progress;
        lo->search.progress_data = cp;
        lo->search.progress_interval_s = 0.25;
    }
}

/* ---- Architectures ----------------------------------------------------------------------- */

typedef struct {
    TsArch *arch;
    TsWorkload *workload;
    TsConstraints *constraints;
    TsLayerResult result;
    char **notes;
    TsLayerReport report;
} ArchRun;

static void arch_run_clear(ArchRun *r)
{
    ts_layer_result_clear(&r->result);
    ts_constraints_free(r->constraints);
    ts_workload_free(r->workload);
    ts_arch_free(r->arch);
    g_strfreev(r->notes);
    memset(r, 0, sizeof *r);
}

static gboolean arch_run(ArchRun *run, const char *arch_path, const TsCliModelInputArgs *in,
                         const TsLayerOptions *lo, GError **error)
{
    TsWorkloadOverrides ov;
    if (!ts_cli_model_input_args_parse(in, &ov, error))
        return FALSE;
    const char *tables[] = {in->ert ? in->ert : in->art, in->ert ? in->art : NULL, NULL};
    run->arch = ts_arch_load_full(arch_path, tables, error);
    if (run->arch == NULL)
        return FALSE;
    g_autofree char *resolved = ts_library_resolve(TS_LIBRARY_ARCH, arch_path, error);
    if (resolved == NULL)
        return FALSE;
    run->workload = ts_workload_load(in->workload, &ov, error);
    if (run->workload == NULL)
        return FALSE;
    run->constraints = ts_constraints_new();
    if (!ts_constraints_load_arch_file(run->constraints, resolved, error))
        return FALSE;
    TsLayerOptions o = *lo;
    o.constraints = run->constraints;
    o.only_op = in->op;
    if (!ts_layer_map(run->arch, run->workload, &o, &run->result, error)) {
        g_prefix_error(error, "%s: ", ts_arch_name(run->arch));
        return FALSE;
    }
    run->notes = ts_report_layer_notes(run->arch, &run->result);
    run->report = (TsLayerReport){.arch = run->arch,
                                  .workload = run->workload,
                                  .result = &run->result,
                                  .info = {.arch = ts_arch_name(run->arch),
                                           .workload = ts_workload_name(run->workload),
                                           .engine = "analytical",
                                           .notes = (const char *const *)run->notes},
                                  .with_breakdown = TRUE,
                                  .reproducible = TRUE};
    return TRUE;
}

static int compare_archs(char **archs, const TsCliModelInputArgs *in, const CompareArgs *c)
{
    g_autoptr(GError) error = NULL;
    if (in->workload == NULL || in->problem != NULL) {
        fprintf(stderr, "tilesim compare: several --arch compare one --workload W (a library "
                        "name or a workload file)\n");
        return TS_EXIT_BAD_INPUT;
    }
    TsSearchOptions so;
    if (!search_options(c, 1, &so, &error) || !ts_output_check("--json", c->json, &error) ||
        (c->plot && !ts_output_check_dir("--plot", c->plot, &error)))
        return ts_cli_fail(error);
    const guint n = g_strv_length(archs);
    ArchRun *runs = g_new0(ArchRun, n);
    CompareProgress cp = {.line = ts_progress_new("tilesim compare", !c->no_progress)};
    TsLayerOptions lo;
    layer_options(&lo, &so, &cp, !c->no_progress);
    int rc = TS_EXIT_OK;
    for (guint a = 0; a < n && rc == TS_EXIT_OK; a++) {
        cp.arch = archs[a];
        if (!arch_run(&runs[a], archs[a], in, &lo, &error))
            rc = ts_cli_fail(error);
    }
    ts_progress_finish(cp.line, FALSE);
    ts_progress_free(cp.line);
    if (rc == TS_EXIT_OK) {
        /* The workload is the same for every arch: its ops must line up. */
        for (guint a = 1; a < n && rc == TS_EXIT_OK; a++)
            if (runs[a].result.n_ops != runs[0].result.n_ops) {
                fprintf(stderr, "tilesim compare: %s maps %u ops and %s %u\n", archs[0],
                        runs[0].result.n_ops, archs[a], runs[a].result.n_ops);
                rc = TS_EXIT_INTERNAL;
            }
    }
    if (rc == TS_EXIT_OK) {
        const TsLayerReport **reps = g_new0(const TsLayerReport *, n);
        for (guint a = 0; a < n; a++)
            reps[a] = &runs[a].report;
        if (!c->quiet && !ts_output_is_stdout(c->json)) {
            g_autoptr(GString) text = g_string_new(NULL);
            ts_report_arch_compare_text(text, reps, n);
            fputs(text->str, stdout);
            fflush(stdout);
        }
        if (c->json) {
            g_autofree char *doc = ts_report_arch_compare_json_string(reps, n);
            if (!ts_output_write("--json", c->json, doc, -1, &error))
                rc = ts_cli_fail(error);
        }
        if (rc == TS_EXIT_OK && c->plot && !ts_report_arch_compare_plots(c->plot, reps, n, &error))
            rc = ts_cli_fail(error);
        g_free(reps);
    }
    for (guint a = 0; a < n; a++)
        arch_run_clear(&runs[a]);
    g_free(runs);
    return rc;
}

/* ---- Mappings ---------------------------------------------------------------------------- */

static void mapping_json(JsonBuilder *b, const TsModel *model, const TsMapping *maps,
                         const TsCost *costs, char **labels, char **files, guint n,
                         const TsReportInfo *info)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "mappings");
    json_builder_begin_array(b);
    for (guint i = 0; i < n; i++) {
        json_builder_begin_object(b);
        ts_json_member_string(b, "label", labels[i]);
        ts_json_member_string(b, "file", files ? files[i] : NULL);
        ts_json_member_string(b, "status", ts_eval_status_name(costs[i].status));
        if (costs[i].status == TS_EVAL_OK) {
            ts_report_cost_json_members(b, model, &maps[i], &costs[i], info);
            ts_json_member_string(b, "bound", ts_layer_bound_name(model, &costs[i]));
            /* the directives in which it differs from the first mapping */
            g_autofree char *diff = i ? ts_model_mapping_diff(model, &maps[0], &maps[i]) : NULL;
            ts_json_member_string(b, "differences_from_first", diff);
        } else {
            g_autofree char *why = ts_model_explain(model, &maps[i], &costs[i]);
            ts_json_member_string(b, "reason", why);
        }
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
}

static int compare_mappings(char **mapping_files, guint top, const TsCliModelInputArgs *in_args,
                            const CompareArgs *c)
{
    g_autoptr(GError) error = NULL;
    guint n_files = mapping_files ? g_strv_length(mapping_files) : 0;
    if (top > 0 && n_files > 0) {
        fprintf(stderr, "tilesim compare: give --mapping files or --top K, not both\n");
        return TS_EXIT_BAD_INPUT;
    }
    if (top == 0 && n_files < 2) {
        fprintf(stderr,
                "tilesim compare: give at least two --mapping files (got %u), --top K "
                "(the K best of a search), or several --arch\n",
                n_files);
        return TS_EXIT_BAD_INPUT;
    }
    if (top == 0 && (c->search || c->budget || c->seed || c->threads || c->no_polish)) {
        fprintf(stderr, "tilesim compare: --search, --budget, --seed, --threads and --no-polish "
                        "apply to "
                        "--top K or several --arch\n");
        return TS_EXIT_BAD_INPUT;
    }
    TsSearchOptions so;
    if ((top > 0 && !search_options(c, top, &so, &error)) ||
        !ts_output_check("--json", c->json, &error) ||
        (c->plot && !ts_output_check_dir("--plot", c->plot, &error)))
        return ts_cli_fail(error);
    TsCliModelInputs in;
    if (!ts_cli_model_inputs_load(&in, in_args, NULL, &error)) {
        ts_cli_model_inputs_clear(&in);
        return ts_cli_fail(error);
    }
    int rc = TS_EXIT_OK;
    guint n = n_files;
    TsMapping *maps = NULL;
    TsCost *costs = NULL;
    char **labels = NULL, **sources = NULL;
    TsLayerResult r = {0};
    TsConstraints *cons = NULL;
    if (top > 0) {
        if (in.op->kind != TS_OP_EINSUM) {
            fprintf(stderr, "tilesim compare: op %s is an elementwise op: it has no mappings\n",
                    in.op->name);
            rc = TS_EXIT_BAD_INPUT;
            goto out;
        }
        g_autofree char *resolved = ts_library_resolve(TS_LIBRARY_ARCH, in_args->arch, &error);
        cons = ts_constraints_new();
        if (resolved == NULL || !ts_constraints_load_arch_file(cons, resolved, &error)) {
            rc = ts_cli_fail(error);
            goto out;
        }
        CompareProgress cp = {.line = ts_progress_new("tilesim compare", !c->no_progress)};
        TsLayerOptions lo;
        layer_options(&lo, &so, &cp, !c->no_progress);
        lo.constraints = cons;
        lo.only_op = in.op->name;
        gboolean ok = ts_layer_map(in.arch, in.workload, &lo, &r, &error);
        ts_progress_finish(cp.line, FALSE);
        ts_progress_free(cp.line);
        if (!ok) {
            rc = ts_cli_fail(error);
            goto out;
        }
        const TsLayerOp *src = &r.ops[r.ops[0].same_as];
        n = src->search.n_best;
        maps = g_new0(TsMapping, MAX(n, 1u));
        costs = g_new0(TsCost, MAX(n, 1u));
        labels = g_new0(char *, n + 1);
        for (guint i = 0; i < n; i++) {
            maps[i] = src->search.best[i].mapping;
            costs[i] = src->search.best[i].cost;
            labels[i] = g_strdup_printf("#%u", i + 1);
        }
        if (n < top)
            fprintf(stderr,
                    "tilesim compare: note: the search found %u valid mapping%s (asked "
                    "for --top %u)\n",
                    n, n == 1 ? "" : "s", top);
    } else {
        maps = g_new0(TsMapping, n);
        costs = g_new0(TsCost, n);
        labels = g_new0(char *, n + 1);
        sources = mapping_files;
        for (guint i = 0; i < n && rc == TS_EXIT_OK; i++) {
            if (!ts_mapping_load(mapping_files[i], in.arch, in.op, &maps[i], &error)) {
                rc = ts_cli_fail(error);
                break;
            }
            ts_model_evaluate(in.model, &maps[i], &costs[i]);
            labels[i] = g_strdup_printf("M%u", i + 1);
        }
    }
    if (rc != TS_EXIT_OK)
        goto out;
    if (!c->quiet && !ts_output_is_stdout(c->json)) {
        g_autoptr(GString) text = g_string_new(NULL);
        g_string_append_printf(text, "op %s of %s on %s\n", in.op->name ? in.op->name : "-",
                               ts_workload_name(in.workload), ts_arch_name(in.arch));
        for (guint i = 0; i < n; i++) {
            if (sources)
                g_string_append_printf(text, "  %s = %s\n", labels[i], sources[i]);
            else
                g_string_append_printf(text, "  %s = the search's #%u best (%s, metric %s)\n",
                                       labels[i], i + 1, ts_search_algorithm_name(so.algorithm),
                                       ts_metric_name(so.metrics[0]));
        }
        g_string_append_c(text, '\n');
        ts_report_cost_compare(text, in.model, maps, costs, (const char *const *)labels, n);
        for (guint i = 0; i < n; i++) {
            if (costs[i].status != TS_EVAL_OK)
                continue;
            g_autofree char *nest = ts_model_format_nest(in.model, &maps[i]);
            g_string_append_printf(text, "\nloop nest of %s (as Timeloop's map.txt):%s\n",
                                   labels[i], nest);
        }
        fputs(text->str, stdout);
        fflush(stdout);
    }
    if (c->json != NULL) {
        TsReportInfo info = {.arch = ts_arch_name(in.arch),
                             .workload = ts_workload_name(in.workload)};
        g_autoptr(TsJsonBuilder) b = json_builder_new();
        mapping_json(b, in.model, maps, costs, labels, sources, n, &info);
        g_autofree char *docnl = ts_json_builder_to_document(b);
        if (!ts_output_write("--json", c->json, docnl, -1, &error)) {
            rc = ts_cli_fail(error);
            goto out;
        }
    }
    if (c->plot && !ts_report_mapping_compare_plots(c->plot, in.model, costs,
                                                    (const char *const *)labels, n, &error))
        rc = ts_cli_fail(error);
out:
    g_free(maps);
    g_free(costs);
    g_strfreev(labels);
    ts_layer_result_clear(&r);
    ts_constraints_free(cons);
    ts_cli_model_inputs_clear(&in);
    return rc;
}

static int run(int argc, char **argv)
{
    g_auto(TsCliModelInputArgs) in = {0};
    g_auto(GStrv) mappings = NULL;
    g_auto(GStrv) archs = NULL;
    g_autofree char *top = NULL;
    CompareArgs c = {0};
    g_autoptr(GError) error = NULL;
    GOptionEntry entries[] = {
        TS_CLI_MODEL_INPUT_ENTRIES(&in),
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME_ARRAY, &mappings,
         "a mapping in Timeloop's format; give two or more", "M"},
        {"top", 'k', 0, G_OPTION_ARG_STRING, &top,
         "compare the K best mappings of a search of the op (2 .. 100)", "K"},
        {"search", 's', 0, G_OPTION_ARG_STRING, &c.search,
         "--top or several --arch: search algorithm (default anneal, then the polish, as "
         "`tilesim map`)",
         "ALG"},
        {"budget", 'b', 0, G_OPTION_ARG_STRING, &c.budget,
         "--top or several --arch: valid evaluations per op (default 200000; 0 = unlimited "
         "for exhaustive)",
         "N"},
        {"no-polish", 0, 0, G_OPTION_ARG_NONE, &c.no_polish,
         "anneal: skip the polish (bounded exhaustive walks of every pair of dimensions around "
         "the best)",
         NULL},
        {"seed", 0, 0, G_OPTION_ARG_STRING, &c.seed, "master seed of the search (default 1)", "N"},
        {"threads", 't', 0, G_OPTION_ARG_STRING, &c.threads,
         "search threads (default: the processors; results do not depend on it)", "N"},
        {"json", 'j', 0, G_OPTION_ARG_FILENAME, &c.json,
         "write the comparison as JSON to F (- = stdout, which then carries only the JSON): "
         "{\"mappings\": [...]} or {\"archs\": [...]} (docs/cli.md)",
         "F"},
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &c.plot,
         "write bar charts to DIR (created; SVG, PNG and CSV each): compare-mappings-energy and "
         "-cycles, or compare-archs-energy and -latency",
         "DIR"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &c.quiet, "no text report on stdout", NULL},
        {"no-progress", 0, 0, G_OPTION_ARG_NONE, &c.no_progress,
         "no progress on stderr (default: a line on a terminal, a plain line every 10 s "
         "otherwise, nothing for runs under a second)",
         NULL},
        {NULL}};
    /* --arch may be repeated: several architectures on one workload. */
    entries[0].arg = G_OPTION_ARG_FILENAME_ARRAY;
    entries[0].arg_data = &archs;
    entries[0].description = "architecture: a path (tilesim or Timeloop YAML) or a library "
                             "name; repeat to compare architectures on --workload";
    int rc = TS_EXIT_BAD_INPUT;
    if (!ts_cli_parse("compare", "",
                      "Compare mappings of one op, or architectures on one workload, with the "
                      "analytical model.\n\n"
                      "  tilesim compare --arch A --workload W --op NAME --mapping M1 --mapping M2 "
                      "[...]\n  tilesim compare --arch A --problem P --mapping M1 --mapping M2\n"
                      "  tilesim compare --arch A --workload W --op NAME --top K [--budget N]\n"
                      "  tilesim compare --arch A --arch B [...] --workload W [--op NAME] "
                      "[--json F] [--plot DIR]",
                      entries, &argc, &argv))
        goto out;
    if (argc > 1) {
        fprintf(stderr, "tilesim compare: unexpected argument '%s'\n", argv[1]);
        goto out;
    }
    guint n_archs = archs ? g_strv_length(archs) : 0;
    if (n_archs >= 2) {
        if (mappings || top) {
            fprintf(stderr, "tilesim compare: several --arch compare architectures on one "
                            "workload: --mapping and --top compare mappings on one arch\n");
            goto out;
        }
        rc = compare_archs(archs, &in, &c);
        goto out;
    }
    in.arch = n_archs ? g_strdup(archs[0]) : NULL;
    guint64 k = 0;
    if (!ts_cli_parse_uint("--top", top, 2, 100, &k, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    rc = compare_mappings(mappings, (guint)k, &in, &c);
out:
    g_free(c.search);
    g_free(c.budget);
    g_free(c.seed);
    g_free(c.threads);
    g_free(c.plot);
    g_free(c.json);
    return rc;
}

TS_CLI_COMMAND(compare, "compare",
               "compare mappings of one op, or architectures on one workload (analytical model)",
               run)
