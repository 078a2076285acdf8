/* `tilesim model`: evaluates one mapping of one op with the analytical model and prints
 * Timeloop-style stats (and the JSON of docs/cli.md with --json). Takes Timeloop inputs
 * as they are (arch, problem, map.yaml, ERT) or a tilesim workload and op name. An invalid
 * mapping is bad input: exit 1 with the reason. */
#include <stdio.h>
#include <string.h>

#include "ts-cli-model-inputs.h"
#include "ts-cli.h"
#include "ts-file.h"
#include "ts-model.h"
#include "ts-report-cost.h"

/* The directive a rejected mapping's reason points at: the spatial directive of a level whose
 * fan-out is exceeded, the datatype (else any) directive of a level over capacity, the temporal
 * directive of a level where a dimension's factors overshoot; the directive list otherwise
 * (factors that fall short, a tensor kept nowhere). */
static char *locate_reason(const char *path, const TsModel *model, const TsCost *cost)
{
    const char *level = NULL, *type = NULL;
    if (cost->bad_level >= 0 && (guint)cost->bad_level < ts_model_n_levels(model)) {
        level = ts_model_level(model, (guint)cost->bad_level)->name;
        switch (cost->status) {
        case TS_EVAL_FANOUT:
            type = "spatial";
            break;
        case TS_EVAL_CAPACITY:
        case TS_EVAL_UTILIZATION:
            type = "datatype";
            break;
        default:
            type = "temporal";
            break;
        }
    }
    return ts_mapping_locate(path, level, type);
}

static int run(int argc, char **argv)
{
    g_auto(TsCliModelInputArgs) ov_args = {0};
    g_autofree char *mapping_path = NULL, *json = NULL, *factorization = NULL;
    gboolean exact_windows = FALSE, no_elision = FALSE, quiet = FALSE, diagonal = FALSE;
    gboolean systolic_folds = FALSE;
    GOptionEntry entries[] = {
        TS_CLI_MODEL_INPUT_ENTRIES(&ov_args),
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME, &mapping_path,
         "the mapping, in Timeloop's mapping format (map.yaml)", "M"},
        {"json", 'j', 0, G_OPTION_ARG_FILENAME, &json, "write the JSON result to F (- = stdout)",
         "F"},
        TS_CLI_MODEL_OPTION_ENTRIES(&exact_windows, &diagonal),
        {"factorization", 0, 0, G_OPTION_ARG_STRING, &factorization,
         "perfect (default, as Timeloop) or imperfect: accept ceil factors whose last iteration "
         "runs a partial tile (docs/model.md)",
         "F"},
        {"systolic-folds", 0, 0, G_OPTION_ARG_NONE, &systolic_folds,
         "on a systolic array, charge the array's fold fill and drain in the compute cycles "
         "(docs/model.md)",
         NULL},
        {"no-first-read-elision", 0, 0, G_OPTION_ARG_NONE, &no_elision,
         "count the first read of each output element (Timeloop elides it)", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
         "no text stats on stdout (implied when --json goes to stdout)", NULL},
        {NULL}};
    if (!ts_cli_parse("model", "",
                      "Evaluate one mapping of one op with the analytical model (Timeloop "
                      "semantics).\n\n  tilesim model --arch A --problem P --mapping M [--ert E] "
                      "[--precision P] [--json F]\n  tilesim model --arch A --workload W --op NAME "
                      "--mapping M [--seq N] [--batch N] [--phase P] [--kv-len N] [--precision P] "
                      "[--json F]",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc > 1) {
        fprintf(stderr, "tilesim model: unexpected argument '%s'\n", argv[1]);
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(GError) error = NULL;
    if (mapping_path == NULL) {
        fprintf(stderr, "tilesim model: --mapping is required (a Timeloop map.yaml)\n");
        return TS_EXIT_BAD_INPUT;
    }
    if (!ts_output_check("--json", json, &error))
        return ts_cli_fail(error);
    TsModelOptions options = {.exact_sliding_window_deltas = exact_windows,
                              .no_first_read_elision = no_elision,
                              .diagonal_multicast = diagonal,
                              .systolic_folds = systolic_folds};
    if (!ts_cli_parse_factorization(factorization, &options.imperfect_factors, &error))
        return ts_cli_fail(error);
    TsCliModelInputs in;
    if (!ts_cli_model_inputs_load(&in, &ov_args, &options, &error)) {
        ts_cli_model_inputs_clear(&in);
        return ts_cli_fail(error);
    }
    TsMapping mapping;
    if (!ts_mapping_load(mapping_path, in.arch, in.op, &mapping, &error)) {
        ts_cli_model_inputs_clear(&in);
        return ts_cli_fail(error);
    }
    TsCost cost;
    if (ts_model_evaluate(in.model, &mapping, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(in.model, &mapping, &cost);
        g_autofree char *where = locate_reason(mapping_path, in.model, &cost);
        fprintf(stderr, "tilesim model: %s: invalid mapping (%s): %s\n",
                where ? where : mapping_path, ts_eval_status_name(cost.status), why);
        ts_cli_model_inputs_clear(&in);
        return TS_EXIT_BAD_INPUT;
    }
    /* Notes: the arch's, then the model's (a precision the MAC cannot hold, also on stderr). */
    g_autoptr(GPtrArray) notes = g_ptr_array_new();
    for (const char *const *n = ts_arch_notes(in.arch); n && *n; n++)
        g_ptr_array_add(notes, (gpointer)*n);
    if (ts_model_note(in.model) != NULL) {
        fprintf(stderr, "tilesim model: note: %s\n", ts_model_note(in.model));
        g_ptr_array_add(notes, (gpointer)ts_model_note(in.model));
    }
    /* the mapping's: a systolic array's folds beyond the cycles, the host-link schedule left
     * out */
    g_autofree char *folds_note = ts_report_systolic_note(in.model, &mapping, &cost);
    g_autofree char *sched_note = ts_report_link_schedule_note(in.model, &cost);
    if (folds_note != NULL)
        g_ptr_array_add(notes, folds_note);
    if (sched_note != NULL)
        g_ptr_array_add(notes, sched_note);
    g_ptr_array_add(notes, NULL);
    TsReportInfo info = {.arch = ts_arch_name(in.arch),
                         .workload = ts_workload_name(in.workload),
                         .engine = "analytical",
                         .notes = (const char *const *)notes->pdata};
    int rc = TS_EXIT_OK;
    if (!quiet && !ts_output_is_stdout(json)) {
        g_autoptr(GString) text = g_string_new(NULL);
        ts_report_cost_text(text, in.model, &mapping, &cost, &info);
        fputs(text->str, stdout);
    }
    if (json != NULL) {
        g_autofree char *doc = ts_report_cost_json_string(in.model, &mapping, &cost, &info);
        if (!ts_output_write("--json", json, doc, -1, &error))
            rc = ts_cli_fail(error);
    }
    ts_cli_model_inputs_clear(&in);
    return rc;
}

TS_CLI_COMMAND(model, "model", "evaluate one mapping with the analytical model (Timeloop stats)",
               run)
