/* Input handling shared by `tilesim model` and `tilesim compare`: load the architecture (with an
 * optional Accelergy ERT), the op (a Timeloop problem, or one op of a workload by name) and
 * prepare the analytical model. Static functions: included by the two command files only. */
#ifndef TS_CMD_MODEL_INPUTS_H
#define TS_CMD_MODEL_INPUTS_H

#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-model.h"

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

/* Loads everything; on failure sets error (TS_CONFIG_ERROR for bad input). */
static gboolean ts_model_inputs_load(TsModelInputs *in, const char *arch, const char *ert,
                                     const char *workload, const char *problem, const char *op_name,
                                     const TsModelOptions *options, GError **error)
{
    memset(in, 0, sizeof *in);
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
    in->arch = ts_arch_load(arch, ert, error);
    if (in->arch == NULL)
        return FALSE;
    in->workload = ts_workload_load(problem ? problem : workload, NULL, error);
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

/* Writes text to path ("-" = stdout). */
static gboolean ts_model_write_output(const char *path, const char *text, GError **error)
{
    if (strcmp(path, "-") == 0) {
        fputs(text, stdout);
        return TRUE;
    }
    return g_file_set_contents(path, text, -1, error);
}

#endif /* TS_CMD_MODEL_INPUTS_H */
