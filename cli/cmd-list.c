/* `tilesim list archs|workloads|components`: what the libraries and the component classes
 * offer, one item a line, sorted. */
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-cli.h"
#include "ts-workload.h"

static int print_names(char **names)
{
    for (guint i = 0; names[i]; i++)
        printf("%s\n", names[i]);
    g_strfreev(names);
    return TS_EXIT_OK;
}

static int run(int argc, char **argv)
{
    gboolean markdown = FALSE;
    GOptionEntry entries[] = {
        {"markdown", 0, 0, G_OPTION_ARG_NONE, &markdown,
         "components: print the class reference as Markdown (docs/arch-reference.md)", NULL},
        {NULL}};
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
        return print_names(ts_arch_library_names());
    if (strcmp(argv[1], "workloads") == 0)
        return print_names(ts_workload_library_names());
    if (strcmp(argv[1], "components") == 0) {
        g_autofree char *text = ts_arch_components_text(markdown);
        fputs(text, stdout);
        return TS_EXIT_OK;
    }
    fprintf(stderr, "tilesim list: unknown list '%s'; expected archs, workloads or components\n",
            argv[1]);
    return TS_EXIT_BAD_INPUT;
}

TS_CLI_COMMAND(list, "list", "list library architectures, workloads or component classes", run)
