/* `tilesim simulate`: runs a workload on an architecture. This version has the analytical
 * engine only: each op's mapping is searched exactly as `tilesim map` does (same defaults,
 * same results) or given with --mapping for one op, and the per-op table with whole-layer
 * totals is printed. --engine des / both / profile and the DES outputs (--trace, --plot,
 * --device) are refused with exit 1 until the DES lands. */
#include "cmd-map-common.h"

#include "ts-mapping.h"

/* Evaluates a given mapping of the single einsum op selected (--mapping M). */
static gboolean run_given_mapping(const TsMapInputs *in, const TsMapArgs *a, TsLayerOptions *lo,
                                  TsLayerResult *r, GError **error)
{
    /* Build the one-op result by hand from the model's cost of the mapping. */
    guint n = ts_workload_n_ops(in->workload);
    const TsOp *op = NULL;
    guint index = 0, matches = 0;
    for (guint i = 0; i < n; i++) {
        const TsOp *o = ts_workload_op(in->workload, i);
        if (a->op == NULL || g_strcmp0(o->name, a->op) == 0) {
            if (op == NULL) {
                op = o;
                index = i;
            }
            matches++;
        }
    }
    if (op == NULL || (a->op == NULL && n > 1)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "--mapping needs one op: give --op NAME (workload %s has %u ops)%s",
                    ts_workload_name(in->workload), n,
                    op == NULL && a->op ? "; no op has that name" : "");
        return FALSE;
    }
    (void)matches;
    if (op->kind != TS_OP_EINSUM) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--mapping: op %s is not an einsum (elementwise ops have no mapping)",
                    op->name);
        return FALSE;
    }
    memset(r, 0, sizeof *r);
    r->ops = g_new0(TsLayerOp, 1);
    r->n_ops = 1;
    TsLayerOp *l = &r->ops[0];
    l->op = op;
    l->index = index;
    l->einsum = TRUE;
    l->model = ts_model_new(in->arch, op, error);
    if (l->model == NULL)
        return FALSE;
    TsMapping m;
    if (!ts_mapping_load(a->mapping, in->arch, op, &m, error))
        return FALSE;
    TsCost cost;
    if (ts_model_evaluate(l->model, &m, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(l->model, &m, &cost);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "%s: invalid mapping (%s): %s",
                    a->mapping, ts_eval_status_name(cost.status), why);
        return FALSE;
    }
    l->search.best = g_new0(TsSearchEntry, 1);
    l->search.n_best = 1;
    l->search.best[0].mapping = m;
    l->search.best[0].cost = cost;
    l->energy_pj = cost.energy_pj;
    l->cycles = cost.cycles;
    l->latency_s = cost.latency_s;
    l->utilization = cost.utilization;
    l->macs = cost.macs;
    l->bound = ts_layer_bound_name(l->model, &cost);
    double count = (double)MAX(op->count, (uint64_t)1);
    r->energy_pj = count * cost.energy_pj;
    r->cycles = count * cost.cycles;
    r->macs = count * (double)cost.macs;
    double clock = ts_arch_clock_hz(in->arch);
    r->latency_s = clock > 0 ? r->cycles / clock : 0.0;
    const TsLevel *pe = ts_arch_compute(in->arch);
    r->utilization = r->cycles > 0 ? r->macs / (r->cycles * (pe ? pe->instances : 1)) : 0.0;
    r->edp_j_cycles = r->energy_pj * 1e-12 * r->cycles;
    r->pj_per_mac = r->macs > 0 ? r->energy_pj / r->macs : 0.0;
    (void)lo;
    return TRUE;
}

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
    gboolean ok = a.mapping ? run_given_mapping(&in, &a, &lo, &r, &error)
                            : ts_layer_map(in.arch, in.workload, &lo, &r, &error);
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
    if (!a.quiet) {
        g_autoptr(GString) text = g_string_new(NULL);
        ts_report_layer_text(text, &rep);
        fputs(text->str, stdout);
        fflush(stdout);
    }
    if (a.json) {
        g_autofree char *doc = ts_report_layer_json_string(&rep);
        if (!ts_map_write(a.json, doc, &error)) {
            rc = ts_cli_fail(error);
            goto out;
        }
    }
    if (a.csv) {
        g_autofree char *doc = ts_map_csv(&r);
        if (!ts_map_write(a.csv, doc, &error)) {
            rc = ts_cli_fail(error);
            goto out;
        }
    }
out:
    ts_layer_result_clear(&r);
    ts_map_inputs_clear(&in);
    ts_map_args_clear(&a);
    return rc;
}

TS_CLI_COMMAND(simulate, "simulate", "run a workload on an architecture (analytical engine)", run)
