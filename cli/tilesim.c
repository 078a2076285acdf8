/* tilesim entry point: dispatches `tilesim COMMAND ...` to the registered subcommands and
 * prints the version and the command list. Only this file calls exit codes into the shell. */
#include "ts-cli.h"

#include <stdio.h>
#include <string.h>

#include "ts-config.h"
#include "ts-file.h"
#include "ts-units.h"

#define TS_CLI_MAX_COMMANDS 32

static const TsCliCommand *commands[TS_CLI_MAX_COMMANDS];
static guint n_commands;

void ts_cli_register(const TsCliCommand *command)
{
    g_assert(n_commands < TS_CLI_MAX_COMMANDS);
    commands[n_commands++] = command;
}

static int compare_commands(const void *a, const void *b)
{
    const TsCliCommand *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: tilesim COMMAND [OPTIONS]\n\ncommands:\n");
    for (guint i = 0; i < n_commands; i++)
        fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n`tilesim COMMAND --help` shows a command's options; `tilesim --version` the "
                 "version.\n");
}

gboolean ts_cli_parse(const char *name, const char *parameter_string, const char *summary,
                      GOptionEntry *entries, int *argc, char ***argv)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(parameter_string);
    g_autoptr(GError) error = NULL;
    g_autofree char *prgname = g_strdup_printf("tilesim %s", name);
    g_set_prgname(prgname);
    g_option_context_set_summary(ctx, summary);
    g_option_context_add_main_entries(ctx, entries, NULL);
    /* GLib takes `--flag=VALUE` of a flag without a value as `--flag`, whatever VALUE says
     * (`--systolic-folds=no` would turn it on): refuse it. The value of an option that takes
     * one (`--out --x=y`) is not an option. */
    for (int i = 1; i < *argc && strcmp((*argv)[i], "--") != 0; i++) {
        const char *arg = (*argv)[i];
        if (arg[0] != '-' || arg[1] == '\0')
            continue;
        const gboolean is_long = arg[1] == '-';
        const char *eq = is_long ? strchr(arg, '=') : NULL;
        const size_t len = is_long ? (eq ? (size_t)(eq - arg - 2) : strlen(arg + 2)) : 0;
        for (const GOptionEntry *e = entries; e->long_name != NULL; e++) {
            gboolean match =
                is_long ? strlen(e->long_name) == len && strncmp(arg + 2, e->long_name, len) == 0
                        : arg[2] == '\0' && e->short_name == arg[1];
            if (!match)
                continue;
            if (e->arg == G_OPTION_ARG_NONE && eq != NULL) {
                fprintf(stderr, "tilesim %s: --%s takes no value (got '%s')\n", name, e->long_name,
                        arg);
                return FALSE;
            }
            if (e->arg != G_OPTION_ARG_NONE && eq == NULL)
                i++; /* its value */
            break;
        }
    }
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        fprintf(stderr, "tilesim %s: %s\n", name, error->message);
        return FALSE;
    }
    return TRUE;
}

gboolean ts_cli_parse_factorization(const char *text, gboolean *imperfect, GError **error)
{
    *imperfect = FALSE;
    if (text == NULL || strcmp(text, "perfect") == 0)
        return TRUE;
    if (strcmp(text, "imperfect") == 0) {
        *imperfect = TRUE;
        return TRUE;
    }
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                "--factorization must be perfect or imperfect (got '%s')", text);
    return FALSE;
}

gboolean ts_cli_parse_uint(const char *option, const char *text, guint64 min, guint64 max,
                           guint64 *out, GError **error)
{
    if (text == NULL)
        return TRUE;
    guint64 v;
    if (g_ascii_isdigit(text[0]) && g_ascii_string_to_unsigned(text, 10, min, max, &v, NULL)) {
        *out = v;
        return TRUE;
    }
    if (max == G_MAXUINT64 && min <= 1)
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s: expected a %s integer (got '%s')", option,
                    min == 1 ? "positive" : "non-negative", text);
    else
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s: expected an integer within %" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
                    " (got '%s')",
                    option, min, max, text);
    return FALSE;
}

gboolean ts_cli_parse_size(const char *option, const char *text, guint64 min, guint64 max,
                           guint64 *out, GError **error)
{
    const char *why = NULL;
    if (text == NULL || ts_unit_parse_bytes(text, min, max, out, &why))
        return TRUE;
    g_autofree char *lo = ts_unit_format((double)min, TS_UNIT_SIZE);
    g_autofree char *hi = ts_unit_format((double)max, TS_UNIT_SIZE);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                "%s: expected a size such as 512M, 2G or 1GiB from %s to %s (got '%s': %s)", option,
                lo, hi, text, why);
    return FALSE;
}

int ts_cli_fail(const GError *error)
{
    fprintf(stderr, "tilesim: %s\n", error->message);
    if (error->domain == TS_CONFIG_ERROR || error->domain == G_OPTION_ERROR ||
        error->domain == G_FILE_ERROR)
        return TS_EXIT_BAD_INPUT;
    return TS_EXIT_INTERNAL;
}

/* A report that did not reach stdout (a full disk, a closed descriptor) fails the command. */
static int finish(int rc)
{
    g_autoptr(GError) error = NULL;
    if (!ts_output_flush_stdout(&error)) {
        fprintf(stderr, "tilesim: %s\n", error->message);
        rc = MAX(rc, TS_EXIT_BAD_INPUT);
    }
    return rc;
}

int main(int argc, char **argv)
{
    qsort(commands, n_commands, sizeof commands[0], compare_commands);
    if (argc < 2) {
        usage(stderr);
        return TS_EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("tilesim %s\n", TILESIM_VERSION);
        return finish(TS_EXIT_OK);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return finish(TS_EXIT_OK);
    }
    for (guint i = 0; i < n_commands; i++) {
        if (strcmp(argv[1], commands[i]->name) == 0)
            return finish(commands[i]->run(argc - 1, argv + 1));
    }
    const char *names[TS_CLI_MAX_COMMANDS + 1];
    for (guint i = 0; i < n_commands; i++)
        names[i] = commands[i]->name;
    names[n_commands] = NULL;
    g_autofree char *hint = ts_config_suggest(argv[1], names);
    fprintf(stderr, "tilesim: unknown command '%s'%s\n", argv[1], hint);
    usage(stderr);
    return TS_EXIT_BAD_INPUT;
}
