/* `tilesim check FILE...`: validates each file and prints a summary (levels, instances,
 * capacities, bandwidths, energies, peak MAC/s for architectures); every file is checked and
 * every error printed; the exit code is 1 when any file had an error. */
#include <stdio.h>

#include "ts-arch.h"
#include "ts-cli.h"

static int run(int argc, char **argv)
{
    GOptionEntry entries[] = {{NULL}};
    if (!ts_cli_parse("check", "FILE...",
                      "Validate architecture files (tilesim, Timeloop v0.3/v0.4, UPMEM profiler "
                      "device profiles, Accelergy ERTs and component libraries) and summarise "
                      "them. Other inputs are recognised and reported as not architectures.",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc < 2) {
        fprintf(stderr, "tilesim check: expected at least one FILE\n");
        return TS_EXIT_BAD_INPUT;
    }
    int status = TS_EXIT_OK;
    int n_ok = 0, n_skipped = 0, n_bad = 0;
    for (int i = 1; i < argc; i++) {
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GError) error = NULL;
        gboolean checked = FALSE;
        if (ts_arch_check_file(argv[i], out, &checked, &error)) {
            fputs(out->str, stdout);
            if (checked)
                n_ok++;
            else
                n_skipped++;
        } else {
            fflush(stdout);
            int code = ts_cli_fail(error);
            status = MAX(status, code);
            n_bad++;
        }
        fflush(stdout);
    }
    if (argc > 2)
        printf("checked %d file(s): %d ok, %d not architectures, %d with errors\n", argc - 1, n_ok,
               n_skipped, n_bad);
    return status;
}

TS_CLI_COMMAND(check, "check", "validate architecture files and summarise them", run)
