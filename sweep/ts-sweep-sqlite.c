/* SQLite for the sweep database, loaded with dlopen by its soname at the first database open
 * (ts-sweep-sqlite-private.h): a tilesim command that opens no database never maps it. */
#define TS_SWEEP_SQLITE_LOADER
#include "ts-sweep-sqlite-private.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "ts-config.h"

static TsSweepSqlite api;
static char *load_error; /* set once when loading failed */

static gpointer load_once(gpointer unused)
{
    (void)unused;
    void *handle = dlopen(TILESIM_SQLITE_SONAME, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        load_error = g_strdup_printf("cannot load SQLite (%s): %s", TILESIM_SQLITE_SONAME,
                                     dlerror());
        return NULL;
    }
#define TS_SWEEP_SQLITE_LOAD(f)                                                                \
    if (load_error == NULL && (api.f = dlsym(handle, #f)) == NULL)                              \
        load_error = g_strdup_printf("%s has no %s", TILESIM_SQLITE_SONAME, #f);
    TS_SWEEP_SQLITE_FUNCTIONS(TS_SWEEP_SQLITE_LOAD)
#undef TS_SWEEP_SQLITE_LOAD
    return load_error == NULL ? &api : NULL; /* the handle stays open for the process */
}

static const TsSweepSqlite *load(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, load_once, NULL);
}

gboolean ts_sweep_sqlite_load(GError **error)
{
    if (load() != NULL)
        return TRUE;
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s", load_error);
    return FALSE;
}

const TsSweepSqlite *ts_sweep_sqlite(void)
{
    const TsSweepSqlite *s = load();
    if (s == NULL) {
        fprintf(stderr, "tilesim: %s\n", load_error);
        exit(1);
    }
    return s;
}
