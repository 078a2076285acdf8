/* tilesim command-line entry point (placeholder until subcommands land). */
#include <glib.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("tilesim %s\n", TILESIM_VERSION);
        return 0;
    }
    fprintf(stderr, "usage: tilesim --version\n");
    return 1;
}
