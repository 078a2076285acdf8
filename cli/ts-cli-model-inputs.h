/* Input handling shared by `tilesim model` and `tilesim compare`: load the architecture (with an
 * optional Accelergy ERT), the op (a Timeloop problem, or one op of a workload by name, with the
 * workload overrides --seq, --batch, --phase, --kv-len, --precision that `workload show` and
 * `map` take) and prepare the analytical model. */
#ifndef TS_CLI_MODEL_INPUTS_H
#define TS_CLI_MODEL_INPUTS_H

#include <glib.h>

#include "ts-model.h"
#include "ts-workload.h"

/* The inputs as given on the command line (owned strings, NULL when absent): architecture,
 * ERT, workload and op or Timeloop problem, and the workload overrides. */
typedef struct {
    char *arch, *ert, *art, *workload, *op, *problem;
    char *seq, *batch, *phase, *kv_len, *precision;
    char **vars;     /* --var NAME=VALUE of a Timeloop problem (repeatable) */
    char *variables; /* --variables F: a timeloopfe variables YAML */
} TsCliModelInputArgs;

#define TS_CLI_MODEL_INPUT_ENTRIES(a)                                                                \
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

/* Frees the strings of a and zeroes them. */
void ts_cli_model_input_args_clear(TsCliModelInputArgs *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(TsCliModelInputArgs, ts_cli_model_input_args_clear)

/* Converts the option strings into overrides (which borrow phase and precision from a). */
gboolean ts_cli_model_input_args_parse(const TsCliModelInputArgs *a, TsWorkloadOverrides *ov,
                                       GError **error);

typedef struct {
    TsArch *arch;
    TsWorkload *workload;
    const TsOp *op;
    TsModel *model;
} TsCliModelInputs;

void ts_cli_model_inputs_clear(TsCliModelInputs *in);

/* Loads everything; on failure sets error (TS_CONFIG_ERROR for bad input). overrides (may be
 * NULL) apply to the workload or problem as in `tilesim workload show`. */
gboolean ts_cli_model_inputs_load(TsCliModelInputs *in, const TsCliModelInputArgs *overrides,
                                  const TsModelOptions *options, GError **error);

#endif /* TS_CLI_MODEL_INPUTS_H */
