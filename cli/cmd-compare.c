/* `tilesim compare`: several mappings of one op side by side under the analytical model:
 * totals, per-level energy, accesses and bandwidth cycles, and the directives in which each
 * mapping differs from the first. Invalid mappings are shown with their reason, not refused. */
#include <stdio.h>
#include <string.h>

#include "cmd-model-inputs.h"
#include "ts-cli.h"
#include "ts-file.h"
#include "ts-model.h"
#include "ts-report-cost.h"

static int run(int argc, char **argv)
{
    g_auto(TsModelInputArgs) ov_args = {0};
    g_autofree char *json = NULL;
    g_auto(GStrv) mappings = NULL;
    GOptionEntry entries[] = {
        TS_MODEL_INPUT_ENTRIES(&ov_args),
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME_ARRAY, &mappings,
         "a mapping in Timeloop's format; give two or more", "M"},
        {"json", 'j', 0, G_OPTION_ARG_FILENAME, &json,
         "write {\"mappings\":[...]} with one op object (docs/cli.md) per valid mapping to F "
         "(- = stdout, which then carries only the JSON)",
         "F"},
        {NULL}};
    if (!ts_cli_parse("compare", "",
                      "Compare mappings of one op side by side with the analytical model.\n\n"
                      "  tilesim compare --arch A --workload W --op NAME --mapping M1 --mapping M2 "
                      "[...]\n  tilesim compare --arch A --problem P --mapping M1 --mapping M2",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc > 1) {
        fprintf(stderr, "tilesim compare: unexpected argument '%s'\n", argv[1]);
        return TS_EXIT_BAD_INPUT;
    }
    guint n = mappings ? g_strv_length(mappings) : 0;
    if (n < 2) {
        fprintf(stderr, "tilesim compare: give at least two --mapping files (got %u)\n", n);
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(GError) error = NULL;
    if (!ts_output_check("--json", json, &error))
        return ts_cli_fail(error);
    TsModelInputs in;
    if (!ts_model_inputs_load(&in, &ov_args, NULL, &error)) {
        ts_model_inputs_clear(&in);
        return ts_cli_fail(error);
    }
    TsMapping *maps = g_new0(TsMapping, n);
    TsCost *costs = g_new0(TsCost, n);
    char **labels = g_new0(char *, n + 1);
    int rc = TS_EXIT_OK;
    for (guint i = 0; i < n && rc == TS_EXIT_OK; i++) {
        if (!ts_mapping_load(mappings[i], in.arch, in.op, &maps[i], &error)) {
            rc = ts_cli_fail(error);
            break;
        }
        ts_model_evaluate(in.model, &maps[i], &costs[i]);
        labels[i] = g_strdup_printf("M%u", i + 1);
    }
    if (rc == TS_EXIT_OK) {
        g_autoptr(GString) text = g_string_new(NULL);
        g_string_append(text, "op ");
        g_string_append(text, in.op->name ? in.op->name : "-");
        g_string_append_printf(text, " of %s on %s\n", ts_workload_name(in.workload),
                               ts_arch_name(in.arch));
        for (guint i = 0; i < n; i++)
            g_string_append_printf(text, "  %s = %s\n", labels[i], mappings[i]);
        g_string_append_c(text, '\n');
        ts_report_cost_compare(text, in.model, maps, costs, (const char *const *)labels, n);
        if (!ts_output_is_stdout(json))
            fputs(text->str, stdout);
        if (json != NULL) {
            TsReportInfo info = {.arch = ts_arch_name(in.arch),
                                 .workload = ts_workload_name(in.workload)};
            g_autoptr(JsonBuilder) b = json_builder_new();
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "mappings");
            json_builder_begin_array(b);
            for (guint i = 0; i < n; i++) {
                json_builder_begin_object(b);
                json_builder_set_member_name(b, "file");
                json_builder_add_string_value(b, mappings[i]);
                json_builder_set_member_name(b, "status");
                json_builder_add_string_value(b, ts_eval_status_name(costs[i].status));
                if (costs[i].status == TS_EVAL_OK) {
                    ts_report_cost_json_members(b, in.model, &maps[i], &costs[i], &info);
                } else {
                    g_autofree char *why = ts_model_explain(in.model, &maps[i], &costs[i]);
                    json_builder_set_member_name(b, "reason");
                    json_builder_add_string_value(b, why);
                }
                json_builder_end_object(b);
            }
            json_builder_end_array(b);
            json_builder_end_object(b);
            g_autoptr(JsonNode) root = json_builder_get_root(b);
            g_autoptr(JsonGenerator) gen = json_generator_new();
            json_generator_set_pretty(gen, TRUE);
            json_generator_set_root(gen, root);
            g_autofree char *doc = json_generator_to_data(gen, NULL);
            g_autofree char *docnl = g_strconcat(doc, "\n", NULL);
            if (!ts_output_write("--json", json, docnl, -1, &error))
                rc = ts_cli_fail(error);
        }
    }
    g_free(maps);
    g_free(costs);
    g_strfreev(labels);
    ts_model_inputs_clear(&in);
    return rc;
}

TS_CLI_COMMAND(compare, "compare", "compare mappings of one op side by side (analytical model)",
               run)
