/* Input handling shared by `tilesim model` and `tilesim compare` (ts-cli-model-inputs.h). */
#include "ts-cli-model-inputs.h"

#include <stdio.h>
#include <string.h>

#include "ts-cli.h"

void ts_cli_model_input_args_clear(TsCliModelInputArgs *a)
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

gboolean ts_cli_model_input_args_parse(const TsCliModelInputArgs *a, TsWorkloadOverrides *ov,
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

void ts_cli_model_inputs_clear(TsCliModelInputs *in)
{
    ts_model_free(in->model);
    ts_workload_free(in->workload);
    ts_arch_free(in->arch);
    memset(in, 0, sizeof *in);
}

gboolean ts_cli_model_inputs_load(TsCliModelInputs *in, const TsCliModelInputArgs *overrides,
                                  const TsModelOptions *options, GError **error)
{
    const char *arch = overrides->arch, *ert = overrides->ert, *workload = overrides->workload;
    const char *problem = overrides->problem, *op_name = overrides->op;
    memset(in, 0, sizeof *in);
    TsWorkloadOverrides ov = {0};
    if (!ts_cli_model_input_args_parse(overrides, &ov, error))
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
