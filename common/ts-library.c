/* Library name resolution over the search path described in ts-library.h. */
#include "ts-library.h"

#include <string.h>

#include "ts-config.h"

static const char *env_var(TsLibraryKind kind)
{
    return kind == TS_LIBRARY_ARCH ? "TILESIM_ARCH_PATH" : "TILESIM_WORKLOAD_PATH";
}

char **ts_library_dirs(TsLibraryKind kind)
{
    GPtrArray *dirs = g_ptr_array_new();
    const char *env = g_getenv(env_var(kind));
    if (env != NULL && env[0] != '\0') {
        g_auto(GStrv) parts = g_strsplit(env, ":", -1);
        for (guint i = 0; parts[i]; i++) {
            if (parts[i][0] != '\0')
                g_ptr_array_add(dirs, g_strdup(parts[i]));
        }
    }
    const char *sub = kind == TS_LIBRARY_ARCH ? "arch" : "workloads";
    g_ptr_array_add(dirs, g_build_filename(TILESIM_SOURCE_DIR, sub, "library", NULL));
    g_ptr_array_add(dirs, g_build_filename(TILESIM_DATA_DIR,
                                           kind == TS_LIBRARY_ARCH ? "arch" : "workloads", NULL));
    g_ptr_array_add(dirs, NULL);
    return (char **)g_ptr_array_free(dirs, FALSE);
}

static int compare_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **ts_library_names(TsLibraryKind kind)
{
    g_auto(GStrv) dirs = ts_library_dirs(kind);
    GPtrArray *names = g_ptr_array_new();
    for (guint i = 0; dirs[i]; i++) {
        GDir *d = g_dir_open(dirs[i], 0, NULL);
        if (d == NULL)
            continue;
        const char *f;
        while ((f = g_dir_read_name(d)) != NULL) {
            if (!g_str_has_suffix(f, ".yaml"))
                continue;
            char *stem = g_strndup(f, strlen(f) - 5);
            gboolean dup = FALSE;
            for (guint j = 0; j < names->len && !dup; j++)
                dup = strcmp(names->pdata[j], stem) == 0;
            if (dup)
                g_free(stem);
            else
                g_ptr_array_add(names, stem);
        }
        g_dir_close(d);
    }
    g_ptr_array_sort(names, compare_str);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

char *ts_library_resolve(TsLibraryKind kind, const char *path_or_name, GError **error)
{
    g_return_val_if_fail(path_or_name != NULL, NULL);
    if (g_file_test(path_or_name, G_FILE_TEST_IS_REGULAR))
        return g_strdup(path_or_name);
    const char *what = kind == TS_LIBRARY_ARCH ? "architecture" : "workload";
    if (strchr(path_or_name, '/') != NULL || g_str_has_suffix(path_or_name, ".yaml")) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: no such %s file", path_or_name,
                    what);
        return NULL;
    }
    g_auto(GStrv) dirs = ts_library_dirs(kind);
    g_autofree char *file = g_strconcat(path_or_name, ".yaml", NULL);
    for (guint i = 0; dirs[i]; i++) {
        char *cand = g_build_filename(dirs[i], file, NULL);
        if (g_file_test(cand, G_FILE_TEST_IS_REGULAR))
            return cand;
        g_free(cand);
    }
    g_auto(GStrv) names = ts_library_names(kind);
    g_autofree char *hint = ts_config_suggest(path_or_name, (const char *const *)names);
    g_autofree char *list = g_strjoinv(", ", names);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown %s '%s'%s: not a file, and not in the library (%s)", what, path_or_name,
                hint, list[0] ? list : "empty");
    return NULL;
}
