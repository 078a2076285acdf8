/* json-glib loaded with dlopen by its soname at the first JSON call (see ts-json-glib.h). */
#define TS_JSON_GLIB_LOADER
#include "ts-json-glib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

const TsJsonGlib *ts_json_glib_api;
static TsJsonGlib api;

static gpointer load_once(gpointer unused)
{
    (void)unused;
    void *handle = dlopen(TILESIM_JSON_GLIB_SONAME, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        fprintf(stderr, "tilesim: cannot load json-glib (%s): %s\n", TILESIM_JSON_GLIB_SONAME,
                dlerror());
        exit(1);
    }
#define TS_JSON_GLIB_LOAD(f)                                                                   \
    if ((api.f = dlsym(handle, #f)) == NULL) {                                                  \
        fprintf(stderr, "tilesim: %s has no %s\n", TILESIM_JSON_GLIB_SONAME, #f);               \
        exit(1);                                                                               \
    }
    TS_JSON_GLIB_FUNCTIONS(TS_JSON_GLIB_LOAD)
#undef TS_JSON_GLIB_LOAD
    g_atomic_pointer_set(&ts_json_glib_api, &api);
    return &api; /* the handle stays open for the life of the process */
}

const TsJsonGlib *ts_json_glib_load(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, load_once, NULL);
}

void ts_json_node_free(TsJsonNode *node)
{
    if (node != NULL)
        ts_json_glib()->json_node_unref(node);
}

void ts_json_object_free(gpointer object)
{
    if (object != NULL)
        ts_json_glib()->g_object_unref(object);
}
