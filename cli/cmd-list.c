/* `tilesim list archs|workloads|components`: what the libraries and the component classes
 * offer, one item a line, sorted. */
#include <stdio.h>
#include <string.h>

#include "ts-cli.h"
#include "ts-library.h"

static int list_library(TsLibraryKind kind)
{
    g_auto(GStrv) names = ts_library_names(kind);
    for (guint i = 0; names[i]; i++)
        printf("%s\n", names[i]);
    return TS_EXIT_OK;
}

static int run(int argc, char **argv)
{
    GOptionEntry entries[] = {{NULL}};
    if (!ts_cli_parse("list", "archs|workloads|components",
                      "List the architecture library, the workload library or the component "
                      "classes.",
                      entries, &argc, &argv))
        return TS_EXIT_BAD_INPUT;
    if (argc != 2) {
        fprintf(stderr, "tilesim list: expected one of archs, workloads, components\n");
        return TS_EXIT_BAD_INPUT;
    }
    if (strcmp(argv[1], "archs") == 0)
        return list_library(TS_LIBRARY_ARCH);
    if (strcmp(argv[1], "workloads") == 0)
        return list_library(TS_LIBRARY_WORKLOAD);
    fprintf(stderr, "tilesim list: unknown list '%s'; expected archs, workloads or components\n",
            argv[1]);
    return TS_EXIT_BAD_INPUT;
}

TS_CLI_COMMAND(list, "list", "list library architectures, workloads or component classes", run)
