/* Subcommand registry of the tilesim executable. Each cmd-*.c file registers its command
 * with TS_CLI_COMMAND; main() dispatches on argv[1] and lists commands sorted by name.
 * Exit codes (contract): 0 ok, 1 bad input (message on stderr), 2 internal error. */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <glib.h>

#define TS_EXIT_OK 0
#define TS_EXIT_BAD_INPUT 1
#define TS_EXIT_INTERNAL 2

/* A subcommand: argv[0] is "tilesim NAME"; returns an exit code. */
typedef int (*TsCliFunc)(int argc, char **argv);

typedef struct {
    const char *name;
    const char *summary; /* one line for `tilesim --help` */
    TsCliFunc run;
} TsCliCommand;

void ts_cli_register(const TsCliCommand *command);

#define TS_CLI_COMMAND(ident, name_, summary_, func_)                                              \
    static const TsCliCommand ts_cli_cmd_##ident = {name_, summary_, func_};                       \
    __attribute__((constructor)) static void ts_cli_register_##ident(void)                         \
    {                                                                                              \
        ts_cli_register(&ts_cli_cmd_##ident);                                                      \
    }

/* Parses options with a GOptionContext; on a bad option prints "tilesim NAME: message" and
 * returns FALSE (caller exits 1). summary is the one-line description shown by --help. */
gboolean ts_cli_parse(const char *name, const char *parameter_string, const char *summary,
                      GOptionEntry *entries, int *argc, char ***argv);

/* Parses the text of an integer option (NULL: not given, *out left alone) in min .. max.
 * Options are read as text so that every value given is checked: no value can pass for "not
 * given" (--budget -1, --seq -9223372036854775808). Errors: TS_CONFIG_ERROR_RANGE
 * "OPTION: expected a positive integer (got 'TEXT')" (min 1, no max), "... a non-negative
 * integer ..." (min 0) or "... an integer within MIN .. MAX ...". */
gboolean ts_cli_parse_uint(const char *option, const char *text, guint64 min, guint64 max,
                           guint64 *out, GError **error);

/* Parses the text of a size option in bytes (NULL: not given, *out left alone) in min .. max:
 * ts_unit_parse_bytes (a bare number of bytes, B, KB/KiB, MB/MiB, GB/GiB, all x1024, and the
 * shorthand K, M, G: 512M, 2G). Errors: TS_CONFIG_ERROR_RANGE "OPTION: expected a size such as
 * 512M, 2G or 1GiB from MIN to MAX (got 'TEXT': WHY)". */
gboolean ts_cli_parse_size(const char *option, const char *text, guint64 min, guint64 max,
                           guint64 *out, GError **error);

/* Prints "tilesim: MESSAGE" on stderr for a GError and returns the exit code for its domain
 * (TS_EXIT_BAD_INPUT for input errors, TS_EXIT_INTERNAL otherwise). */
int ts_cli_fail(const GError *error);

/* --factorization: NULL or "perfect" sets *imperfect FALSE, "imperfect" TRUE; anything else is
 * TS_CONFIG_ERROR_INVALID naming the option and the value. */
gboolean ts_cli_parse_factorization(const char *text, gboolean *imperfect, GError **error);

/* The two deviations from Timeloop 3.0.3 that `model` and `map` switch on (TsModelOptions,
 * docs/model.md): entries writing to gboolean *exact and *diagonal. */
#define TS_CLI_MODEL_OPTION_ENTRIES(exact, diagonal)                                               \
    {"exact-sliding-windows",                                                                      \
     0,                                                                                            \
     0,                                                                                            \
     G_OPTION_ARG_NONE,                                                                            \
     (exact),                                                                                      \
     "count sliding-window halo reuse exactly (Timeloop refetches on a stride change; "            \
     "docs/model.md)",                                                                             \
     NULL},                                                                                        \
    {                                                                                              \
        "diagonal-multicast", 0, 0, G_OPTION_ARG_NONE, (diagonal),                                 \
            "multicast shared inputs along the diagonals of a two-container fan-out (Timeloop "    \
            "analyses each container alone; docs/model.md)",                                       \
            NULL                                                                                   \
    }

#endif /* TS_CLI_H */
