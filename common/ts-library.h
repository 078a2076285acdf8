/* Library lookup: `--arch eyeriss-like` and `--workload bert-base` name YAML files in the
 * reference libraries. A name resolves, in order, to an existing path as given, then NAME.yaml
 * in $TILESIM_<KIND>_PATH (colon-separated), the source tree's <kind>/library (a build used in
 * place) and the installed data directory. */
#ifndef TS_COMMON_LIBRARY_H
#define TS_COMMON_LIBRARY_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    TS_LIBRARY_ARCH,     /* arch/library, $TILESIM_ARCH_PATH */
    TS_LIBRARY_WORKLOAD, /* workloads/library, $TILESIM_WORKLOAD_PATH */
} TsLibraryKind;

/* Resolves path_or_name to a readable file (newly allocated path) or sets TS_CONFIG_ERROR
 * (REFERENCE) listing the library's names with a did-you-mean. */
char *ts_library_resolve(TsLibraryKind kind, const char *path_or_name, GError **error);

/* Sorted, de-duplicated names (file stems) available in the library search path, first
 * directory winning. Returns a NULL-terminated owned string vector (g_strfreev). */
char **ts_library_names(TsLibraryKind kind);

/* The search directories in order (owned string vector), for messages and `tilesim list`. */
char **ts_library_dirs(TsLibraryKind kind);

G_END_DECLS

#endif /* TS_COMMON_LIBRARY_H */
