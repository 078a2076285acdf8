/* `tilesim workload show W [options]`: builds or loads a workload (library name, tilesim
 * workload YAML or Timeloop problem YAML), applies the overrides and prints its ops, tensors
 * and totals as text tables, or JSON with --json. `tilesim workload list` lists the library. */
#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-file.h"
#include "ts-workload.h"
#include "ts-report-workload.h"

static int run(int argc, char **argv)
{
    g_autofree char *seq = NULL, *batch = NULL, *kv_len = NULL, *phase = NULL;
    g_autofree char *precision = NULL, *json = NULL, *variables = NULL;
    g_auto(GStrv) vars = NULL;
    GOptionEntry entries[] = {
        {"seq", 0, 0, G_OPTION_ARG_STRING, &seq, "Sequence length (tokens per sequence)", "N"},
        {"batch", 0, 0, G_OPTION_ARG_STRING, &batch, "Sequences per batch", "N"},
        {"phase", 0, 0, G_OPTION_ARG_STRING, &phase, "prefill or decode", "P"},
        {"kv-len", 0, 0, G_OPTION_ARG_STRING, &kv_len,
         "Decode: keys attended (KV cache incl. the new token; default seq)", "N"},
        {"precision", 0, 0, G_OPTION_ARG_STRING, &precision,
         "Precision preset: fp16, bf16, fp32, fp8, int8, w8a8, int4, w4a4, w4a8, w2a8, w1a8, "
         "w8a16, w4a16, w2a16, nf4",
         "P"},
        {"var", 0, 0, G_OPTION_ARG_STRING_ARRAY, &vars,
         "Timeloop problems / explicit ops: set a variable (repeatable)", "NAME=VALUE"},
        {"variables", 0, 0, G_OPTION_ARG_FILENAME, &variables,
         "Timeloop problems: a timeloopfe variables file", "FILE"},
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write JSON to FILE ('-' = stdout)", "F"},
        {NULL}};
    if (!ts_cli_parse("workload", "show WORKLOAD | list",
                      "Show a workload's ops, tensor sizes, MACs and arithmetic intensity. "
                      "WORKLOAD is a library name (bert-base, gpt2-small, vit-huge, ...), a "
                      "tilesim workload YAML or a Timeloop problem YAML.",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc >= 2 && strcmp(argv[1], "list") == 0) {
        if (argc != 2) {
            fprintf(stderr, "tilesim workload list: takes no arguments (got '%s')\n", argv[2]);
            return TS_EXIT_BAD_INPUT;
        }
        g_auto(GStrv) names = ts_workload_library_names();
        for (guint i = 0; names[i]; i++)
            printf("%s\n", names[i]);
        return TS_EXIT_OK;
    }
    if (argc != 3 || strcmp(argv[1], "show") != 0) {
        fprintf(stderr, "usage: tilesim workload show WORKLOAD [--seq N] [--batch N] [--phase P] "
                        "[--kv-len N] [--precision P] [--var NAME=VALUE] [--variables F] "
                        "[--json F]\n       tilesim workload list\n");
        return TS_EXIT_BAD_INPUT;
    }
    TsWorkloadOverrides ov = {.phase = phase,
                              .precision = precision,
                              .vars = (const char *const *)vars,
                              .variables_file = variables};
    g_autoptr(GError) error = NULL;
    if (!ts_cli_parse_uint("--seq", seq, 1, G_MAXUINT64, &ov.seq, &error) ||
        !ts_cli_parse_uint("--batch", batch, 1, G_MAXUINT64, &ov.batch, &error) ||
        !ts_cli_parse_uint("--kv-len", kv_len, 1, G_MAXUINT64, &ov.kv_len, &error))
        return ts_cli_fail(error);
    if (!ts_output_check("--json", json, &error))
        return ts_cli_fail(error);
    g_autoptr(TsWorkload) w = ts_workload_load(argv[2], &ov, &error);
    if (w == NULL)
        return ts_cli_fail(error);
    if (!ts_output_is_stdout(json))
        ts_report_workload_text(w, stdout);
    if (json != NULL && !ts_report_workload_write_json(w, json, &error))
        return ts_cli_fail(error);
    return TS_EXIT_OK;
}

TS_CLI_COMMAND(workload, "workload", "show a workload's ops, shapes, bytes and MACs", run)
