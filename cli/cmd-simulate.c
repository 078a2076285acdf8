/* `tilesim simulate`: runs a workload on an architecture. Each op's mapping is searched exactly
 * as `tilesim map` does (same defaults, same results) or given with --mapping for one op. By
 * default (--engine both) the analytical layer report (per-op table, totals, breakdowns) gains
 * the discrete-event simulation of the same mappings (sim/exec, docs/des.md): per-op DES
 * cycles, stalls by cause and by component, component utilization, optionally a Chrome /
 * Perfetto trace (--trace); ops the DES refuses keep their analytical figures with the
 * reason. --engine analytical is the model alone, --engine des the DES report alone. --layers
 * scales the layer to the whole model and --gen runs it autoregressively (the prefill, then
 * the decode steps mapped at a few KV lengths); --plot draws the plots. Profile engine
 * (--engine profile): the UPMEM LLM profiler's simulation on device profiles, one layer or
 * (with --gen) a whole model with tokens/s, under a layer map (--map, --device), with the
 * efficiency curves and --overlap past its limits (docs/profile.md). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-cli-map.h"
#include "ts-cli.h"
#include "ts-exec.h"
#include "ts-file.h"
#include "ts-profile.h"
#include "ts-report-des.h"
#include "ts-report-plots.h"
#include "ts-report-profile.h"
#include "ts-sweep.h"

/* simulate's own options (the profile engine's, the whole model's). */
typedef struct {
    char *map, *mode;
    char *gen, *layers; /* as given (NULL = not given), checked by ts_cli_parse_uint */
    gboolean overlap;
    char *decode_points;   /* whole model with --gen: decode steps mapped (NULL = the default) */
    char *des_instances;   /* DES: auto, all or N (NULL = auto) */
    char *des_lane_memory; /* DES: the lock-step lanes' budget, a size (NULL = the default) */
    char *des_max_steps;   /* DES: tile steps per instance the walk may take (NULL = default) */
} TsSimulateArgs;

/* --des-instances auto|all|N as TsExecOptions.instances. */
static gboolean parse_des_instances(const char *text, uint64_t *out, GError **error)
{
    *out = 0;
    if (text == NULL || strcmp(text, "auto") == 0)
        return TRUE;
    if (strcmp(text, "all") == 0) {
        *out = TS_EXEC_INSTANCES_ALL;
        return TRUE;
    }
    if (!g_ascii_isdigit(text[0])) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--des-instances: expected auto, all or a number of instances from %d to "
                    "%d, got '%s'",
                    TS_EXEC_SAMPLE_N_MIN, TS_EXEC_SAMPLE_N_MAX, text);
        return FALSE;
    }
    guint64 v = 0;
    if (!ts_cli_parse_uint("--des-instances", text, TS_EXEC_SAMPLE_N_MIN, TS_EXEC_SAMPLE_N_MAX, &v,
                           error))
        return FALSE;
    *out = v;
    return TRUE;
}

/* Decode steps mapped by default in an autoregressive whole-model run (--gen); the others are
 * interpolated linearly in the KV length. */
#define DECODE_POINTS_DEFAULT 16
#define DECODE_MAX_GEN 131072u

/* The prefill (the mapped layer x layers) and gen decode steps of an autoregressive model:
 * the decode layer mapped (with the run's search options; identical op shapes searched once
 * across steps) at `points` KV lengths from prompt + 1 to prompt + gen (every step when
 * points is 0 or at least gen), the steps between interpolated linearly in the KV length.
 * mapped_kv receives the KV lengths mapped (guint64). */
static gboolean run_decode(const TsCliMapInputs *in, const TsLayerOptions *lo0,
                           const TsLayerResult *prefill, const TsTransformerConfig *cfg0,
                           guint64 layers, guint64 gen, guint64 points, TsModelPhases *ph,
                           GArray *mapped_kv, GError **error)
{
    TsTransformerConfig cfg = *cfg0;
    const double L = (double)layers;
    memset(ph, 0, sizeof *ph);
    ph->gen = gen;
    ph->prompt = cfg.seq;
    ph->batch = cfg.batch;
    ph->prefill_energy_pj = prefill->energy_pj * L;
    ph->prefill_cycles = prefill->cycles * L;
    ph->prefill_latency_s = prefill->latency_s * L;
    ph->prefill_macs = prefill->macs * L;
    if (gen == 0)
        return TRUE;
    const guint64 n = points == 0 || points >= gen ? gen : MAX(points, 2u);
    guint64 *step = g_new(guint64, n);
    double *fig = g_new0(double, 4 * n); /* energy, cycles, latency, macs per step */
    for (guint64 k = 0; k < n; k++)
        step[k] = n == gen ? k + 1
                           : 1 + (guint64)llround((double)k * (double)(gen - 1) / (double)(n - 1));
    TsSweepCache *cache = ts_sweep_cache_new((gsize)256 << 20);
    TsLayerCache lc;
    TsLayerOptions lo = *lo0;
    lo.cache = ts_sweep_cache_layer(cache, &lc);
    lo.only_op = NULL;
    lo.mapping_path = NULL;
    lo.fuse = NULL;
    lo.begin = lo.done = NULL;
    gboolean ok = TRUE;
    for (guint64 k = 0; ok && k < n; k++) {
        cfg.phase = TS_PHASE_DECODE;
        cfg.kv_len = cfg.seq + step[k];
        g_autoptr(TsWorkload) w = ts_transformer_build("decode", &cfg, error);
        TsLayerResult r = {0};
        ok = w != NULL && ts_layer_map(in->arch, w, &lo, &r, error);
        if (ok) {
            fig[4 * k] = r.energy_pj;
            fig[4 * k + 1] = r.cycles;
            fig[4 * k + 2] = r.latency_s;
            fig[4 * k + 3] = r.macs;
            guint64 kv = cfg.kv_len;
            g_array_append_val(mapped_kv, kv);
        } else if (error != NULL && *error != NULL) {
            g_prefix_error(error,
                           "decode step %" G_GUINT64_FORMAT " (KV length %" G_GUINT64_FORMAT "): ",
                           step[k], cfg.kv_len);
        }
        ts_layer_result_clear(&r);
    }
    ts_sweep_cache_free(cache);
    if (ok) {
        /* every step d = 1 .. gen: its segment's linear interpolation (exact at mapped steps) */
        double sum[4] = {0};
        guint64 seg = 0;
        for (guint64 d = 1; d <= gen; d++) {
            while (seg + 1 < n && step[seg + 1] < d)
                seg++;
            double v[4];
            if (n == 1 || step[seg] == d) {
                for (guint j = 0; j < 4; j++)
                    v[j] = fig[4 * seg + j];
            } else {
                const guint64 a = step[seg], b = step[seg + 1];
                const double f = (double)(d - a) / (double)(b - a);
                for (guint j = 0; j < 4; j++)
                    v[j] = fig[4 * seg + j] + f * (fig[4 * (seg + 1) + j] - fig[4 * seg + j]);
            }
            for (guint j = 0; j < 4; j++)
                sum[j] += v[j];
        }
        ph->decode_energy_pj = sum[0] * L;
        ph->decode_cycles = sum[1] * L;
        ph->decode_latency_s = sum[2] * L;
        ph->decode_macs = sum[3] * L;
        ph->first_step_latency_s = fig[2] * L;
        ph->last_step_latency_s = fig[4 * (n - 1) + 2] * L;
        ph->n_mapped = mapped_kv->len;
        ph->mapped_kv = (const guint64 *)(gpointer)mapped_kv->data;
    }
    g_free(step);
    g_free(fig);
    return ok;
}

/* Options of the analytical engine that the profile engine cannot honour. */
static const char *profile_refused(const TsCliMapArgs *a)
{
    return a->mapping          ? "--mapping"
           : a->problem        ? "--problem (the profile engine runs --workload)"
           : a->ert            ? "--ert"
           : a->constraints    ? "--constraints"
           : a->search         ? "--search"
           : a->metric         ? "--metric"
           : a->budget         ? "--budget"
           : a->victory        ? "--victory"
           : a->max_invalid    ? "--max-invalid"
           : a->time_limit > 0 ? "--time-limit"
           : a->threads > 0    ? "--threads"
           : a->top != 1       ? "--top"
           : a->vars           ? "--var"
           : a->variables      ? "--variables"
           : a->trace          ? "--trace"
           : a->plot           ? "--plot"
                               : NULL;
}

static gboolean profile_emit(const TsCliMapArgs *a, const char *text, char *json, char *csv,
                             GError **error)
{
    g_autofree char *j = json, *c = csv;
    if (!a->quiet && !ts_cli_map_stdout_taken(a)) {
        fputs(text, stdout);
        fflush(stdout);
    }
    if (a->json && !ts_output_write("--json", a->json, j, -1, error))
        return FALSE;
    if (a->csv && !ts_output_write("--csv", a->csv, c, -1, error))
        return FALSE;
    return TRUE;
}

static int run_profile(const TsCliMapArgs *a, const TsSimulateArgs *pa)
{
    g_autoptr(GError) error = NULL;
    const char *refused = profile_refused(a);
    if (refused != NULL) {
        fprintf(stderr,
                "tilesim simulate: %s applies to the analytical engine, not to --engine "
                "profile\n",
                refused);
        return TS_EXIT_BAD_INPUT;
    }
    if (a->arch == NULL || a->workload == NULL) {
        fprintf(stderr, "tilesim simulate: --engine profile needs --arch (a device file such as "
                        "sim_architectures.yaml) and --workload\n");
        return TS_EXIT_BAD_INPUT;
    }
    TsProfileOptions opt = {.mode = TS_PROFILE_COMPAT, .overlap = pa->overlap};
    if (pa->mode && !ts_profile_mode_parse(pa->mode, &opt.mode, &error))
        return ts_cli_fail(error);
    gboolean model = pa->gen != NULL || pa->layers != NULL;
    guint64 gen = 0, layers = 0;
    if (!ts_cli_parse_uint("--gen", pa->gen, 0, G_MAXUINT64, &gen, &error) ||
        !ts_cli_parse_uint("--layers", pa->layers, 1, G_MAXUINT64, &layers, &error) ||
        !ts_cli_map_check_outputs(a, &error))
        return ts_cli_fail(error);
    if (model && (a->phase || a->kv_len || a->op)) {
        fprintf(stderr,
                "tilesim simulate: a whole-model run (--gen, --layers) runs the prefill "
                "of --seq tokens then --gen decode steps: %s does not apply\n",
                a->phase ? "--phase"
                : a->op  ? "--op"
                         : "--kv-len");
        return TS_EXIT_BAD_INPUT;
    }
    g_autoptr(TsProfileDevices) devs = ts_profile_devices_new();
    if (!ts_profile_devices_add_file(devs, a->arch, &error))
        return ts_cli_fail(error);
    g_autoptr(TsProfileMap) map = pa->map ? ts_profile_map_load(pa->map, devs, &error)
                                          : ts_profile_map_new(NULL, devs, &error);
    if (map == NULL)
        return ts_cli_fail(error);
    if (a->device && !ts_profile_map_set_default(map, a->device, devs, &error)) {
        g_prefix_error(&error, "--device: ");
        return ts_cli_fail(error);
    }
    if (!ts_profile_map_has_default(map)) {
        fprintf(stderr,
                "tilesim simulate: --engine profile needs a default device: --device "
                "NAME (a profile of %s) or `default:` in the --map file\n",
                a->arch);
        return TS_EXIT_BAD_INPUT;
    }
    TsWorkloadOverrides ov;
    if (!ts_cli_map_overrides(a, &ov, &error))
        return ts_cli_fail(error);
    g_autoptr(TsWorkload) w = ts_workload_load(a->workload, &ov, &error);
    if (w == NULL)
        return ts_cli_fail(error);
    for (guint i = 0; i < ts_workload_n_notes(w); i++)
        fprintf(stderr, "tilesim simulate: note: %s\n", ts_workload_note(w, i));
    const TsTransformerConfig *cfg = ts_workload_transformer_config(w);
    TsProfileReportInfo info = {.arch = a->arch,
                                .workload = ts_workload_name(w),
                                .map = pa->map,
                                .device = a->device,
                                .precision = cfg ? cfg->precision_name : a->precision,
                                .mode = opt.mode,
                                .overlap = pa->overlap};
    g_autoptr(GString) text = g_string_new(NULL);
    gboolean ok;
    if (model) {
        if (cfg == NULL) {
            fprintf(stderr, "tilesim simulate: --gen and --layers run a whole model: --workload "
                            "must be a model (bert-base, llama2-7b, ...), not explicit ops\n");
            return TS_EXIT_BAD_INPUT;
        }
        TsProfileModelSpec spec = {cfg, layers, gen};
        TsProfileModelResult r;
        ok = ts_profile_run_model(&spec, map, &opt, &r, &error);
        if (ok) {
            info.notes = ts_profile_map_notes(map);
            ts_report_profile_model_text(text, &r, &info);
            ok = profile_emit(a, text->str, ts_report_profile_model_json(&r, &info),
                              ts_report_profile_model_csv(&r), &error);
        }
        ts_profile_model_result_clear(&r);
    } else {
        /* The map may name ops of the whole model around this layer (lm_head, ...). */
        g_autoptr(TsWorkload) embed = NULL, head = NULL;
        if (cfg != NULL && cfg->vocab > 0 && cfg->nonlinear == TS_NONLINEAR_ELEMENTWISE) {
            embed = ts_transformer_build_embedding("embedding", cfg, NULL);
            head = ts_transformer_build_head("head", cfg, NULL);
        }
        const TsWorkload *run[] = {w};
        const TsWorkload *all[] = {w, embed, head};
        ok = ts_profile_map_check(map, run, 1, all, embed && head ? 3 : 1, &error);
        TsProfileLayerResult r = {0};
        if (ok)
            ok = ts_profile_run_layer(w, map, a->op, &opt, &r, &error);
        if (ok) {
            info.notes = ts_profile_map_notes(map);
            ts_report_profile_layer_text(text, &r, &info);
            ok = profile_emit(a, text->str, ts_report_profile_layer_json(&r, &info),
                              ts_report_profile_layer_csv(&r), &error);
        }
        ts_profile_layer_result_clear(&r);
    }
    return ok ? TS_EXIT_OK : ts_cli_fail(error);
}

/* Runs the mapped ops through the DES and emits its report (text, --json); the trace is
 * written by the executor. */
static int run_des(const TsCliMapArgs *a, const TsCliMapInputs *in, const TsLayerResult *r,
                   const TsFusePlan *fuse, const TsExecOptions *des_opt, char **notes)
{
    g_autoptr(GError) error = NULL;
    TsExecOptions xo = *des_opt;
    xo.trace_path = a->trace;
    xo.fuse = fuse;
    TsExecResult x = {0};
    gboolean ok = ts_exec_run_layer(in->arch, in->workload, r, &xo, &x, &error);
    for (guint i = 0; ok && x.notes && x.notes[i]; i++)
        fprintf(stderr, "tilesim simulate: note: %s\n", x.notes[i]);
    if (ok && x.trace_note != NULL)
        fprintf(stderr, "tilesim simulate: trace %s\n", x.trace_note);
    if (ok) {
        TsDesReport rep = {.arch = in->arch,
                           .layer = r,
                           .des = &x,
                           .info = {.arch = ts_arch_name(in->arch),
                                    .workload = ts_workload_name(in->workload),
                                    .engine = "des",
                                    .notes = (const char *const *)notes},
                           .reproducible = a->reproducible};
        if (!a->quiet && !ts_cli_map_stdout_taken(a)) {
            g_autoptr(GString) text = g_string_new(NULL);
            ts_report_des_text(text, &rep);
            fputs(text->str, stdout);
            fflush(stdout);
        }
        if (a->json) {
            g_autofree char *doc = ts_report_des_json_string(&rep);
            ok = ts_output_write("--json", a->json, doc, -1, &error);
        }
    }
    if (ok && a->plot) {
        /* The analytical plots, with each op's DES cycles (one instance) beside. */
        double *des_cycles = g_new0(double, MAX(r->n_ops, 1u));
        for (guint i = 0; i < r->n_ops; i++)
            des_cycles[i] = i < x.n_ops && r->ops[i].op->count > 0
                                ? x.ops[i].cycles / (double)r->ops[i].op->count
                                : NAN;
        TsLayerReport lr = {
            .arch = in->arch,
            .workload = in->workload,
            .result = r,
            .info = {.arch = ts_arch_name(in->arch), .workload = ts_workload_name(in->workload)},
            .with_breakdown = TRUE,
            .des_cycles = des_cycles};
        ok = ts_report_layer_plots(a->plot, &lr, &error);
        g_free(des_cycles);
    }
    ts_exec_result_clear(&x);
    return ok ? TS_EXIT_OK : ts_cli_fail(error);
}

/* The analytical layer report with the DES run of the same mappings (--engine both, the
 * default): the ops the DES refuses, or all of them when it cannot simulate the arch, keep
 * their analytical figures and the report says why; the exit status stays 0 but for the
 * outputs (a --trace, --json or --csv that cannot be written). */
static int run_both(const TsCliMapArgs *a, const TsCliMapInputs *in, const TsLayerResult *r,
                    const TsLayerOptions *lo, const TsFusePlan *plan, const TsFuseSummary *summary,
                    guint64 layers, const TsModelPhases *phases, const TsExecOptions *des_opt,
                    char **notes)
{
    g_autoptr(GError) error = NULL;
    const guint n = r->n_ops;
    gboolean *run = g_new0(gboolean, MAX(n, 1u));
    char **not_run = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++) {
        not_run[i] = ts_exec_op_refusal_with(in->arch, r, i, des_opt);
        run[i] = not_run[i] == NULL;
        if (not_run[i] != NULL && r->ops[i].same_as == i)
            fprintf(stderr,
                    "tilesim simulate: note: the DES does not run %s: %s; its analytical "
                    "figures stand\n",
                    r->ops[i].op->name, not_run[i]);
    }
    TsExecOptions xo = *des_opt;
    xo.trace_path = a->trace;
    xo.fuse = plan;
    TsExecResult x = {0};
    g_autoptr(GError) derr = NULL;
    g_autofree char *unavailable = NULL;
    if (!ts_exec_run_layer_subset(in->arch, in->workload, r, run, &xo, &x, &derr)) {
        if (derr->domain != TS_CONFIG_ERROR) { /* the trace file */
            g_propagate_error(&error, g_steal_pointer(&derr));
            ts_exec_result_clear(&x);
            g_free(run);
            g_strfreev(not_run);
            return ts_cli_fail(error);
        }
        unavailable = g_strdup(derr->message);
        fprintf(stderr,
                "tilesim simulate: note: the DES did not run: %s; the analytical figures "
                "stand\n",
                unavailable);
    }
    for (guint i = 0; x.notes && x.notes[i]; i++)
        fprintf(stderr, "tilesim simulate: note: %s\n", x.notes[i]);
    if (x.trace_note != NULL)
        fprintf(stderr, "tilesim simulate: trace %s\n", x.trace_note);
    double *des_cycles = g_new0(double, MAX(n, 1u));
    for (guint i = 0; i < n; i++)
        des_cycles[i] = x.ops[i].count > 0 ? x.ops[i].cycles / (double)x.ops[i].count : NAN;
    TsLayerReport rep = {.arch = in->arch,
                         .workload = in->workload,
                         .result = r,
                         .options = a->mapping ? NULL : lo,
                         .info = {.arch = ts_arch_name(in->arch),
                                  .workload = ts_workload_name(in->workload),
                                  .engine = "both",
                                  .notes = (const char *const *)notes},
                         .reproducible = a->reproducible,
                         .fuse = plan,
                         .fuse_summary = plan ? summary : NULL,
                         .with_breakdown = TRUE,
                         .des_cycles = des_cycles,
                         .des = &x,
                         .des_not_run = (const char *const *)not_run,
                         .des_unavailable = unavailable,
                         .layers = layers,
                         .phases = phases};
    gboolean ok = ts_cli_map_emit(a, &rep, &error);
    if (ok && a->plot)
        ok = ts_report_layer_plots(a->plot, &rep, &error);
    g_free(des_cycles);
    ts_exec_result_clear(&x);
    g_free(run);
    g_strfreev(not_run);
    return ok ? TS_EXIT_OK : ts_cli_fail(error);
}

static int run(int argc, char **argv)
{
    TsCliMapArgs a;
    ts_cli_map_args_init(&a);
    TsSimulateArgs pa = {0};
    const GOptionEntry extra[] = {
        {"engine", 'e', 0, G_OPTION_ARG_STRING, &a.engine,
         "both (default: the analytical report with the discrete-event simulation of the same "
         "mappings beside it), analytical (the model alone, faster), des (the DES report alone) "
         "or profile",
         "E"},
        {"mapping", 'm', 0, G_OPTION_ARG_FILENAME, &a.mapping,
         "use this mapping (Timeloop format) for the op chosen with --op instead of a search", "M"},
        {"device", 0, 0, G_OPTION_ARG_STRING, &a.device,
         "profile engine: default device, a profile of --arch (PIM-AI-4chip), optionally with "
         "the profiler's options (,t ,m)",
         "NAME[,OPTS]"},
        {"map", 0, 0, G_OPTION_ARG_FILENAME, &pa.map,
         "profile engine: layer map YAML (the profiler's name: device,options pairs)", "F"},
        {"gen", 0, 0, G_OPTION_ARG_STRING, &pa.gen,
         "whole model: prefill of --seq tokens then G decode steps, tokens (0: prefill only; "
         "analytical and both: an autoregressive model, the layers x --layers, default the "
         "model's count; profile: embedding and LM head included)",
         "G"},
        {"decode-points", 0, 0, G_OPTION_ARG_STRING, &pa.decode_points,
         "with --gen (analytical, both): decode steps mapped, evenly spread over the KV lengths, "
         "the others interpolated linearly (default 16; 0: map every step)",
         "N"},
        {"layers", 0, 0, G_OPTION_ARG_STRING, &pa.layers,
         "whole model: N layers, or `model` for the model's layer count (both, analytical: the "
         "layer x N, embedding and LM head not included, default with --gen the model's; "
         "profile: with --gen, default the model's)",
         "N|model"},
        {"overlap", 0, 0, G_OPTION_ARG_NONE, &pa.overlap,
         "profile engine: also the double-buffered schedule (transfers against compute)", NULL},
        {"profile-mode", 0, 0, G_OPTION_ARG_STRING, &pa.mode,
         "profile engine: compat (the profiler's numbers, default) or corrected", "MODE"},
        {"des-instances", 0, 0, G_OPTION_ARG_STRING, &pa.des_instances,
         "DES: instances simulated per op whose instances run one after another: auto "
         "(default: until their periods are steady, 16 to 64; the others extrapolated, with a "
         "note; an elementwise op of one instance likewise by its chunks), all, or at most N "
         "(4 to 65536)",
         "auto|all|N"},
        {"des-lane-memory", 0, 0, G_OPTION_ARG_STRING, &pa.des_lane_memory,
         "DES: the schedule state instances in lock-step (sharing each host-link call) may "
         "hold, e.g. 512M, 2G, 1GiB (x1024; default 1G); a larger group's op is refused and "
         "keeps its analytical figures (both) or fails the run (des)",
         "SIZE"},
        {"des-max-steps", 0, 0, G_OPTION_ARG_STRING, &pa.des_max_steps,
         "DES: an op's tiles are walked at the deepest storage level with at most N tile steps "
         "per instance (default 16384; levels below run inside each step; a smaller N runs "
         "coarser steps, faster)",
         "N"},
        {"trace", 0, 0, G_OPTION_ARG_FILENAME, &a.trace,
         "DES: Chrome / Perfetto trace-event JSON of the simulation (bounded in size)", "F"},
        {"plot", 0, 0, G_OPTION_ARG_FILENAME, &a.plot,
         "write plots to DIR (created): energy-by-op, latency-by-op (with the DES's beside it "
         "with --engine both), roofline; SVG, PNG and the data as CSV each",
         "DIR"},
    };
    g_autofree GOptionEntry *entries = ts_cli_map_entries(&a, extra, G_N_ELEMENTS(extra));
    if (!ts_cli_parse("simulate", "",
                      "Run a workload on an architecture: the analytical model and the "
                      "discrete-event simulation (DES) of the same mappings (default), either "
                      "alone, or the profile engine.\n\n"
                      "  tilesim simulate --arch A --workload W [--op NAME] [--seq N] [--batch N]"
                      " [--precision P]\n      [--mapping M | search options] [--engine "
                      "both|analytical|des] [--layers N|model]\n      [--gen G [--decode-points "
                      "N]] [--json F] [--csv F] [--trace F] [--plot DIR]\n"
                      "      [--des-instances auto|all|N] [--des-lane-memory SIZE] "
                      "[--des-max-steps N]\n"
                      "  tilesim simulate --engine profile --arch DEVICES.yaml (--device NAME | "
                      "--map F) --workload W\n      [--seq N] [--precision P] [--gen G "
                      "[--layers N]] [--overlap] [--profile-mode compat|corrected]",
                      entries, &argc, &argv)) {
        ts_cli_map_args_clear(&a);
        return TS_EXIT_BAD_INPUT;
    }
    int rc = TS_EXIT_OK;
    g_autoptr(GError) error = NULL;
    TsLayerOptions lo;
    TsCliMapInputs in = {0};
    TsLayerResult r = {0};
    TsLayerResult unfused = {0};
    TsFusePlan *plan = NULL;
    TsFuseSummary summary = {0};
    TsModelPhases phases = {0};
    GArray *mapped_kv = g_array_new(FALSE, FALSE, sizeof(guint64));
    if (argc > 1) {
        fprintf(stderr, "tilesim simulate: unexpected argument '%s'\n", argv[1]);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const char *engine = a.engine ? a.engine : "both";
    if (strcmp(engine, "profile") == 0) {
        rc = run_profile(&a, &pa);
        goto out;
    }
    if (pa.map || pa.mode || pa.overlap) {
        fprintf(stderr, "tilesim simulate: --map, --overlap and --profile-mode "
                        "belong to --engine profile\n");
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const gboolean des = strcmp(engine, "des") == 0, both = strcmp(engine, "both") == 0;
    if (strcmp(engine, "analytical") != 0 && !des && !both) {
        static const char *const engines[] = {"analytical", "des", "both", "profile", NULL};
        g_autofree char *hint = ts_config_suggest(engine, engines);
        fprintf(stderr,
                "tilesim simulate: unknown engine '%s'%s (analytical, des, both, profile)\n",
                engine, hint);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const char *unavailable =
        a.device                      ? "--device (profile engine)"
        : a.trace && !des && !both    ? "--trace (DES engine: --engine des or both)"
        : a.csv && des                ? "--csv (the DES report: use --json, or --engine "
                                        "both for the CSV with the DES columns)"
        : pa.layers && des            ? "--layers (the whole model: --engine both or analytical)"
        : pa.gen && des               ? "--gen (the whole model: --engine both or analytical)"
        : pa.decode_points && !pa.gen ? "--decode-points without --gen"
        : pa.des_instances && !des && !both ? "--des-instances (DES engine: --engine des or both)"
        : pa.des_lane_memory && !des && !both
            ? "--des-lane-memory (DES engine: --engine des or both)"
        : pa.des_max_steps && !des && !both ? "--des-max-steps (DES engine: --engine des or both)"
        /* an out-of-range --top gets the range error of the option checks */
        : a.top > 1 && a.top <= 10000 ? "--top (the K best mappings of an op: tilesim map --top K "
                                        "or tilesim compare --top K)"
                                      : NULL;
    if (unavailable) {
        fprintf(stderr, "tilesim simulate: %s is not available with --engine %s\n", unavailable,
                engine);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    const char *search_option = a.search           ? "--search"
                                : a.metric         ? "--metric"
                                : a.budget         ? "--budget"
                                : a.time_limit > 0 ? "--time-limit"
                                : a.victory        ? "--victory"
                                : a.max_invalid    ? "--max-invalid"
                                : a.no_polish      ? "--no-polish"
                                                   : NULL;
    if (a.mapping && search_option) {
        fprintf(stderr,
                "tilesim simulate: %s sets the search, and --mapping replaces the search: give "
                "one of them\n",
                search_option);
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    if (a.trace && ts_output_is_stdout(a.trace)) {
        fprintf(stderr, "tilesim simulate: --trace needs a file (the trace is not written to "
                        "stdout)\n");
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    if (a.trace && !ts_output_check("--trace", a.trace, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    guint64 layers = 0, gen = 0, decode_points = DECODE_POINTS_DEFAULT;
    TsExecOptions des_opt = {0};
    if (!parse_des_instances(pa.des_instances, &des_opt.instances, &error) ||
        !ts_cli_parse_size("--des-lane-memory", pa.des_lane_memory, TS_EXEC_LANE_MEMORY_MIN,
                           TS_EXEC_LANE_MEMORY_MAX, &des_opt.lane_memory_bytes, &error) ||
        !ts_cli_parse_uint("--des-max-steps", pa.des_max_steps, 1, G_MAXUINT64, &des_opt.max_steps,
                           &error) ||
        !ts_cli_parse_uint("--gen", pa.gen, 0, DECODE_MAX_GEN, &gen, &error) ||
        !ts_cli_parse_uint("--decode-points", pa.decode_points, 0, 4096, &decode_points, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    if (pa.gen && (a.phase || a.kv_len || a.fuse)) {
        fprintf(stderr,
                "tilesim simulate: --gen runs the prefill of --seq tokens then the decode steps: "
                "%s does not apply\n",
                a.phase    ? "--phase"
                : a.kv_len ? "--kv-len"
                           : "--fuse (decode is not fused)");
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    gboolean model_layers =
        (pa.layers != NULL && strcmp(pa.layers, "model") == 0) || (pa.gen && !pa.layers);
    if (!ts_cli_map_options(&a, &lo, &error) || !ts_cli_map_check_outputs(&a, &error) ||
        (!model_layers &&
         !ts_cli_parse_uint("--layers", pa.layers, 1, G_MAXUINT32, &layers, &error)) ||
        (a.plot && !ts_output_check_dir("--plot", a.plot, &error)) ||
        !ts_cli_map_inputs_load(&in, &a, &error)) {
        rc = ts_cli_fail(error);
        goto out;
    }
    if (model_layers) {
        const TsTransformerConfig *cfg = ts_workload_transformer_config(in.workload);
        if (cfg == NULL || cfg->layers == 0) {
            fprintf(stderr, "tilesim simulate: --layers model needs a model workload (bert-base, "
                            "llama2-7b, ...) that states its layer count; give --layers N\n");
            rc = TS_EXIT_BAD_INPUT;
            goto out;
        }
        layers = cfg->layers;
    }
    const TsTransformerConfig *model_cfg = ts_workload_transformer_config(in.workload);
    if (pa.gen &&
        (model_cfg == NULL || (!model_cfg->causal && model_cfg->family != TS_FAMILY_LLAMA))) {
        fprintf(stderr,
                "tilesim simulate: --gen decodes token by token: --workload must be an "
                "autoregressive model (gpt2-small, llama2-7b, ...)%s\n",
                model_cfg ? ", not an encoder" : "");
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    if (layers > 0 && a.op) {
        fprintf(stderr, "tilesim simulate: --layers repeats the whole layer: it does not apply "
                        "with --op\n");
        rc = TS_EXIT_BAD_INPUT;
        goto out;
    }
    lo.mapping_path = a.mapping;
    /* The report carries the arch's notes and the models'; the models' (a precision the MAC
     * cannot hold) go to stderr instead when no text report is shown. */
    TsCliMapProgress mp;
    char **notes =
        ts_cli_map_search(&a, &in, "simulate", &lo, &mp, &r, &unfused, &plan, &summary, &error);
    if (notes == NULL) {
        rc = ts_cli_fail(error);
        goto out;
    }
    if (pa.gen && !run_decode(&in, &lo, &r, model_cfg, layers, gen, decode_points, &phases,
                              mapped_kv, &error)) {
        g_strfreev(notes);
        rc = ts_cli_fail(error);
        goto out;
    }
    const TsModelPhases *ph = pa.gen ? &phases : NULL;
    if (des || both) {
        rc = des ? run_des(&a, &in, &r, plan, &des_opt, notes)
                 : run_both(&a, &in, &r, &lo, plan, &summary, layers, ph, &des_opt, notes);
        g_strfreev(notes);
        goto out;
    }
    TsLayerReport rep = {.arch = in.arch,
                         .workload = in.workload,
                         .result = &r,
                         .options = a.mapping ? NULL : &lo,
                         .info = {.arch = ts_arch_name(in.arch),
                                  .workload = ts_workload_name(in.workload),
                                  .engine = "analytical",
                                  .notes = (const char *const *)notes},
                         .with_search = FALSE,
                         .show_nest = FALSE,
                         .reproducible = a.reproducible,
                         .fuse = plan,
                         .fuse_summary = plan ? &summary : NULL,
                         .with_breakdown = TRUE,
                         .des_cycles = NULL,
                         .layers = layers,
                         .phases = ph};
    gboolean emitted = ts_cli_map_emit(&a, &rep, &error);
    if (emitted && a.plot)
        emitted = ts_report_layer_plots(a.plot, &rep, &error);
    g_strfreev(notes);
    if (!emitted) {
        rc = ts_cli_fail(error);
        goto out;
    }
out:
    ts_layer_result_clear(&unfused);
    ts_fuse_plan_free(plan);
    g_free(pa.map);
    g_free(pa.mode);
    g_free(pa.gen);
    g_free(pa.layers);
    g_free(pa.decode_points);
    g_free(pa.des_instances);
    g_free(pa.des_lane_memory);
    g_free(pa.des_max_steps);
    g_array_free(mapped_kv, TRUE);
    ts_layer_result_clear(&r);
    ts_cli_map_inputs_clear(&in);
    ts_cli_map_args_clear(&a);
    return rc;
}

TS_CLI_COMMAND(simulate, "simulate",
               "run a workload on an architecture: the analytical model and the discrete-event "
               "simulation of the same mappings (or either alone), or the profile engine on "
               "device profiles",
               run)
