/* `tilesim scalesim --config C.cfg --topology T.csv [--json F]`: runs SCALE-Sim's own
 * configuration and topology files (GEMM or convolution rows) through the systolic-array model
 * and prints SCALE-Sim's per-layer figures as a text table and, with --json, as JSON. */
#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-file.h"
#include "ts-report-systolic.h"
#include "ts-scalesim.h"
#include "ts-systolic-component.h"

static int run(int argc, char **argv)
{
    g_autofree char *config = NULL, *topology = NULL, *json = NULL, *format = NULL;
    gboolean reproducible = FALSE;
    GOptionEntry entries[] = {
        {"config", 0, 0, G_OPTION_ARG_FILENAME, &config, "SCALE-Sim configuration (.cfg)", "C"},
        {"topology", 0, 0, G_OPTION_ARG_FILENAME, &topology, "SCALE-Sim topology (.csv)", "T"},
        {"format", 0, 0, G_OPTION_ARG_STRING, &format,
         "Topology rows: gemm (Layer, M, N, K), conv, or auto (by the number of fields; default)",
         "F"},
        {"json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write JSON to FILE ('-' = stdout)", "F"},
        {"reproducible", 0, 0, G_OPTION_ARG_NONE, &reproducible,
         "Leave the measured run time out of the JSON (byte-identical reports)", NULL},
        {NULL}};
    if (!ts_cli_parse("scalesim", "--config C.cfg --topology T.csv",
                      "Run SCALE-Sim's configuration and topology files, unmodified, through the "
                      "systolic-array model (SCALE-Sim v2 semantics: fold timing, double-buffered "
                      "SRAMs, CALC or USER DRAM interface). Prints per-layer cycles, stall cycles, "
                      "utilisations and SRAM/DRAM accesses in words.",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc != 1 || !config || !topology) {
        fprintf(stderr, "usage: tilesim scalesim --config C.cfg --topology T.csv [--format "
                        "gemm|conv|auto] [--json F] [--reproducible]\n");
        return TS_EXIT_BAD_INPUT;
    }
    TsScaleSimTopoFormat fmt = TS_SCALESIM_TOPO_AUTO;
    if (format && strcmp(format, "gemm") == 0) {
        fmt = TS_SCALESIM_TOPO_GEMM;
    } else if (format && strcmp(format, "conv") == 0) {
        fmt = TS_SCALESIM_TOPO_CONV;
    } else if (format && strcmp(format, "auto") != 0) {
        fprintf(stderr, "tilesim scalesim: --format must be gemm, conv or auto (got '%s')\n",
                format);
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(GError) error = NULL;
    if (!ts_output_check("--json", json, &error))
        return ts_cli_fail(error);
    g_autoptr(TsScaleSimConfig) cfg = ts_scalesim_config_load(config, &error);
    if (!cfg)
        return ts_cli_fail(error);
    g_autoptr(TsScaleSimTopology) topo = ts_scalesim_topology_load(topology, fmt, &error);
    if (!topo)
        return ts_cli_fail(error);

    TsSystolicConfig sc;
    ts_systolic_config_from_scalesim(cfg, &sc);
    guint n = topo->layers->len;
    g_autofree TsSystolicResult *results = g_new0(TsSystolicResult, n);
    g_autofree const char **names = g_new0(const char *, n + 1);
    gint64 t0 = g_get_monotonic_time();
    for (guint i = 0; i < n; i++) {
        const TsScaleSimLayer *l = topo->layers->pdata[i];
        TsSystolicLayer layer = ts_systolic_layer_from_scalesim(l);
        names[i] = l->name;
        if (!ts_systolic_run(&sc, &layer, &results[i], &error)) {
            fprintf(stderr, "tilesim: %s:%u: layer '%s': %s\n", topology, l->line, l->name,
                    error->message);
            return TS_EXIT_BAD_INPUT;
        }
    }
    double seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    TsSystolicRun report = {.run_name = cfg->run_name,
                            .config_path = config,
                            .topology_path = topology,
                            .config = sc,
                            .n_layers = n,
                            .names = names,
                            .results = results,
                            .notes = cfg->notes,
                            .seconds = reproducible ? -1.0 : seconds};
    if (!ts_output_is_stdout(json))
        ts_report_systolic_text(&report, stdout);
    if (json != NULL && !ts_report_systolic_write_json(&report, json, &error))
        return ts_cli_fail(error);
    return TS_EXIT_OK;
}

TS_CLI_COMMAND(scalesim, "scalesim",
               "run SCALE-Sim config and topology files through the systolic-array model", run)
