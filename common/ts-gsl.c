/* GSL loaded with dlopen by its soname at the first generator (see ts-gsl.h). */
#define TS_GSL_LOADER
#include "ts-gsl.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

const TsGsl *ts_gsl_api;
static TsGsl api;

static void *symbol(void *handle, const char *name)
{
    void *p = dlsym(handle, name);
    if (p == NULL) {
        fprintf(stderr, "tilesim: %s has no %s\n", TILESIM_GSL_SONAME, name);
        exit(1);
    }
    return p;
}

static gpointer load_once(gpointer unused)
{
    (void)unused;
    void *handle = dlopen(TILESIM_GSL_SONAME, RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        fprintf(stderr, "tilesim: cannot load GSL (%s): %s\n", TILESIM_GSL_SONAME, dlerror());
        exit(1);
    }
#define TS_GSL_LOAD(f) api.f = symbol(handle, #f);
    TS_GSL_FUNCTIONS(TS_GSL_LOAD)
#undef TS_GSL_LOAD
    api.gsl_rng_mt19937 = symbol(handle, "gsl_rng_mt19937");
    g_atomic_pointer_set(&ts_gsl_api, &api);
    return &api; /* the handle stays open for the life of the process */
}

const TsGsl *ts_gsl_load(void)
{
    static GOnce once = G_ONCE_INIT;
    return g_once(&once, load_once, NULL);
}
