/* `tilesim simulate`: runs a workload on an architecture. This version has the analytical
 * engine only: each op's mapping is searched exactly as `tilesim map` does (same defaults,
 * same results) or given with --mapping for one op, and the per-op table with whole-layer
 * totals is printed. --engine des / both / profile and the DES outputs (--trace, --plot,
 * --device) are refused with exit 1 until the DES lands. */
#include "cmd-map-common.h"

static int run(int argc, char **argv)
{
    TsMapArgs a;
    ts_map_args_init(&a);
    const GOptionEntry extra[] = {
        {"engine", 'e', 0, G_OPTION_ARG_STRING, &a.engine,
         "analytical (default); des, both and profile are not available yet", "E"},
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME, &a.mapping,
         "use this mapping (Timeloop format) for the op chosen with --op instead of a search", "M"},
        {"device", 0, 0, G_OPTION_ARG_STRING, &a.device,
         "device profile (profile engine; not available yet)", "NAME"},
        {"trace", 0, 0, G_OPTION_ARG_FILENAME, &a.trace, "event trace (DES; not available yet)",
         "F"},
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &a.plot, "plots (not available yet)", "DIR"},
    };
    g_autofree GOptionEntry *entries = ts_map_entries(&a, extra, G_N_ELEMENTS(extra));
    if (!ts_cli_parse("simulate", "",
                      "Run a workload on an architecture (analytical engine in this version).\n\n"
                      "  tilesim simulate --arch A --workload W [--op NAME] [--seq N] [--batch N]"
                      " [--precision P]\n      [--mapping M | search options] [--engine "
                      "analytical] [--json F] [--csv F]",
                      entries, &argc, &argv)) {
        ts_map_args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    int rc = TS_EXIT_OK;
    g_autoptr(GError) error = NULL;
    TsLayerOptions lo;
    TsMapInputs in = {0};
    TsLayerResult r = {0};
    if (argc > 1) {
        fprintf(stderr, "tilesim simulate: unexpected argument '%s'\n", argv[1]);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const char *engine = a.engine ? a.engine : "analytical";
    if (strcmp(engine, "analytical") != 0) {
        static const char *const engines[] = {"analytical", "des", "both", "profile", NULL};
        gboolean known = FALSE;
        for (guint i = 0; engines[i]; i++)
            known |= strcmp(engine, engines[i]) == 0;
        if (known) {
            fprintf(stderr,
                    "tilesim simulate: --engine %s is not available yet: this version has the "
                    "analytical engine only (--engine analytical)\n",
                    engine);
        } else {
            g_autofree char *hint = ts_config_suggest(engine, engines);
            fprintf(stderr,
                    "tilesim simulate: unknown engine '%s'%s (analytical, des, both, profile)\n",
                    engine, hint);
        }
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const char *unavailable = a.device  ? "--device"
                              : a.trace ? "--trace"
                              : a.plot  ? "--plot"
                                        : NULL;
    if (unavailable) {
        fprintf(stderr,
                "tilesim simulate: %s is not available yet (it belongs to the DES and profile "
                "engines)\n",
                unavailable);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    if (!ts_map_options(&a, &lo, &error) || !ts_map_inputs_load(&in, &a, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    lo.constraints = in.constraints;
    lo.only_op = a.op;
    TsMapProgress mp = {0};
    ts_map_setup_progress(&lo, &mp, &a);
    lo.mapping_path = a.mapping;
    gboolean ok = ts_layer_map(in.arch, in.workload, &lo, &r, &error);
    ts_map_print_notes(&in, "simulate");
    if (!ok) {
        rc = ts_cli_fail(error);
        goto out;
    }
    TsLayerReport rep = {.arch = in.arch,
                         .workload = in.workload,
                         .result = &r,
                         .options = a.mapping ? NULL : &lo,
                         .info = {.arch = ts_arch_name(in.arch),
                                  .workload = ts_workload_name(in.workload),
                                  .engine = "analytical"},
                         .with_search = FALSE,
                         .show_nest = FALSE,
                         .reproducible = a.reproducible};
    if (!ts_map_emit(&a, &rep, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
out:
    ts_layer_result_clear(&r);
    ts_map_inputs_clear(&in);
    ts_map_args_clear(&a);
    return rc;
}

TS_CLI_COMMAND(simulate, "simulate", "run a workload on an architecture (analytical engine)", run)
