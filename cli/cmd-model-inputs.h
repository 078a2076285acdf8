/* Input handling shared by `tilesim model` and `tilesim compare`: load the architecture (with an
 * optional Accelergy ERT), the op (a Timeloop problem, or one op of a workload by name, with the
 * workload overrides --seq, --batch, --phase, --kv-len, --precision that `workload show` and
 * `map` take) and prepare the analytical model. Static functions: included by the two command
 * files only. */
#ifndef TS_CMD_MODEL_INPUTS_H
#define TS_CMD_MODEL_INPUTS_H

#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-model.h"

/* The inputs as given on the command line (owned strings, NULL when absent): architecture,
 * ERT, workload and op or Timeloop problem, and the workload overrides. */
typedef struct {
    char *arch, *ert, *art, *workload, *op, *problem;
    char *seq, *batch, *phase, *kv_len, *precision;
    char **vars;     /* --var NAME=VALUE of a Timeloop problem (repeatable) */
    char *variables; /* --variables F: a timeloopfe variables YAML */
} TsModelInputArgs;

#define TS_MODEL_INPUT_ENTRIES(a)                                                                    \
    {"arch",     'a',                                                                                \
     0,          G_OPTION_ARG_FILENAME,                                                              \
     &(a)->arch, "architecture: a path (tilesim or Timeloop YAML) or a library name",                \
     "A"},                                                                                           \
        {"ert",     0,                                                                               \
         0,         G_OPTION_ARG_FILENAME,                                                           \
         &(a)->ert, "Accelergy energy reference table overriding the arch's energies",               \
         "E"},                                                                                       \
        {"art",     0,                                                                               \
         0,         G_OPTION_ARG_FILENAME,                                                           \
         &(a)->art, "Accelergy area reference table (area per instance of each level)",              \
         "A"},                                                                                       \
        {"workload",                                                                                 \
         'w',                                                                                        \
         0,                                                                                          \
         G_OPTION_ARG_FILENAME,                                                                      \
         &(a)->workload,                                                                             \
         "workload: a path or a library name (with --op)",                                           \
         "W"},                                                                                       \
        {"op", 0, 0, G_OPTION_ARG_STRING, &(a)->op, "op of the workload (KQV, FF1, ...)", "NAME"},   \
        {"problem", 'p', 0, G_OPTION_ARG_FILENAME, &(a)->problem, "a Timeloop problem YAML", "P"},   \
        {"seq", 0, 0, G_OPTION_ARG_STRING, &(a)->seq, "sequence length (tokens per sequence)", "N"}, \
        {"batch", 0, 0, G_OPTION_ARG_STRING, &(a)->batch, "sequences per batch", "N"},               \
        {"phase", 0, 0, G_OPTION_ARG_STRING, &(a)->phase, "prefill or decode", "P"},                 \
        {"kv-len",                                                                                   \
         0,                                                                                          \
         0,                                                                                          \
         G_OPTION_ARG_STRING,                                                                        \
         &(a)->kv_len,                                                                               \
         "decode: keys attended (KV cache incl. the new token; default seq)",                        \
         "N"},                                                                                       \
        {"precision",                                                                                \
         0,                                                                                          \
         0,                                                                                          \
         G_OPTION_ARG_STRING,                                                                        \
         &(a)->precision,                                                                            \
         "precision preset (fp16, int8, w4a16, ...); replaces a Timeloop problem's placeholders",    \
         "P"},                                                                                       \
        {"var",       0,                                                                             \
         0,           G_OPTION_ARG_STRING_ARRAY,                                                     \
         &(a)->vars,  "variable of a Timeloop problem (NAME=VALUE; repeatable)",                     \
         "NAME=VALUE"},                                                                              \
    {                                                                                                \
        "variables", 0, 0, G_OPTION_ARG_FILENAME, &(a)->variables,                                   \
            "timeloopfe variables YAML for a Timeloop problem", "F"                                  \
    }

static void ts_model_input_args_clear(TsModelInputArgs *a)
{
    g_free(a->arch);
    g_free(a->ert);
    g_free(a->art);
    g_free(a->workload);
    g_free(a->op);
    g_free(a->problem);
    g_free(a->seq);
    g_free(a->batch);
    g_free(a->phase);
    g_free(a->kv_len);
    g_free(a->precision);
    g_strfreev(a->vars);
    g_free(a->variables);
    memset(a, 0, sizeof *a);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TsModelInputArgs, ts_model_input_args_clear)

/* Converts the option strings into overrides (which borrow phase and precision from a). */
static gboolean ts_model_input_args_parse(const TsModelInputArgs *a, TsWorkloadOverrides *ov,
                                          GError **error)
{
    memset(ov, 0, sizeof *ov);
    ov->phase = a->phase;
    ov->precision = a->precision;
    ov->vars = (const char *const *)a->vars;
    ov->variables_file = a->variables;
    return ts_cli_parse_uint("--seq", a->seq, 1, G_MAXUINT64, &ov->seq, error) &&
           ts_cli_parse_uint("--batch", a->batch, 1, G_MAXUINT64, &ov->batch, error) &&
           ts_cli_parse_uint("--kv-len", a->kv_len, 1, G_MAXUINT64, &ov->kv_len, error);
}

typedef struct {
    TsArch *arch;
    TsWorkload *workload;
    const TsOp *op;
    TsModel *model;
} TsModelInputs;

static void ts_model_inputs_clear(TsModelInputs *in)
{
    ts_model_free(in->model);
    ts_workload_free(in->workload);
    ts_arch_free(in->arch);
    memset(in, 0, sizeof *in);
}

/* Loads everything; on failure sets error (TS_CONFIG_ERROR for bad input). overrides (may be
 * NULL) apply to the workload or problem as in `tilesim workload show`. */
static gboolean ts_model_inputs_load(TsModelInputs *in, const TsModelInputArgs *overrides,
                                     const TsModelOptions *options, GError **error)
{
    const char *arch = overrides->arch, *ert = overrides->ert, *workload = overrides->workload;
    const char *problem = overrides->problem, *op_name = overrides->op;
    memset(in, 0, sizeof *in);
    TsWorkloadOverrides ov = {0};
    if (!ts_model_input_args_parse(overrides, &ov, error))
        return FALSE;
    if (arch == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "--arch is required (a path or a library name such as eyeriss-like)");
        return FALSE;
    }
    if ((workload == NULL) == (problem == NULL)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "give exactly one of --workload W (with --op NAME) or --problem P");
        return FALSE;
    }
    if (problem != NULL && op_name != NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "--op applies to --workload; a --problem file holds one op");
        return FALSE;
    }
    const char *tables[] = {ert ? ert : overrides->art, ert ? overrides->art : NULL, NULL};
    in->arch = ts_arch_load_full(arch, tables, error);
    if (in->arch == NULL)
        return FALSE;
    in->workload = ts_workload_load(problem ? problem : workload, &ov, error);
    if (in->workload == NULL)
        return FALSE;
    const guint n = ts_workload_n_ops(in->workload);
    if (op_name != NULL) {
        in->op = ts_workload_find_op(in->workload, op_name);
        if (in->op == NULL) {
            const char **names = g_new0(const char *, n + 1);
            GString *all = g_string_new(NULL);
            for (guint i = 0; i < n; i++) {
                names[i] = ts_workload_op(in->workload, i)->name;
                g_string_append_printf(all, "%s%s", i ? ", " : "", names[i]);
            }
            g_autofree char *hint = ts_config_suggest(op_name, names);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                        "workload %s has no op '%s'%s; its ops are %s",
                        ts_workload_name(in->workload), op_name, hint, all->str);
            g_string_free(all, TRUE);
            g_free(names);
            return FALSE;
        }
    } else if (n == 1) {
        in->op = ts_workload_op(in->workload, 0);
    } else {
        GString *all = g_string_new(NULL);
        for (guint i = 0; i < n; i++)
            g_string_append_printf(all, "%s%s", i ? ", " : "",
                                   ts_workload_op(in->workload, i)->name);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "workload %s has %u ops: choose one with --op (%s)",
                    ts_workload_name(in->workload), n, all->str);
        g_string_free(all, TRUE);
        return FALSE;
    }
    in->model = ts_model_new_full(in->arch, in->op, options, error);
    return in->model != NULL;
}

#endif /* TS_CMD_MODEL_INPUTS_H */
