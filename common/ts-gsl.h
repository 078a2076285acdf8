/* GSL's random number generators, loaded when the first generator is made rather than at
 * process start (GSL is a large library, and only the mapper's random searches and seeded
 * models use it). Every tilesim .c file that calls GSL includes this header instead of
 * <gsl/gsl_rng.h>: each GSL name tilesim uses is then a macro for the entry point (or the
 * generator type) of the loaded library, as in ts-json-glib.h, so the calls read as GSL's own
 * API and give the same numbers. A call of another GSL function fails to link the tilesim
 * binary until it is added to TS_GSL_FUNCTIONS. g_autoptr(gsl_rng) would call GSL directly.
 * Programs that link GSL themselves need not include this. */
#ifndef TS_GSL_H
#define TS_GSL_H

#include <glib.h>
#include <gsl/gsl_rng.h>

G_BEGIN_DECLS

#define TS_GSL_FUNCTIONS(X) X(gsl_rng_alloc) X(gsl_rng_free) X(gsl_rng_set) X(gsl_rng_uniform) \
    X(gsl_rng_uniform_int)

typedef struct {
#define TS_GSL_FIELD(f) __typeof__(f) *f;
    TS_GSL_FUNCTIONS(TS_GSL_FIELD)
#undef TS_GSL_FIELD
    const gsl_rng_type *const *gsl_rng_mt19937; /* GSL's variable holding the type */
} TsGsl;

/* The loaded entry points, NULL until the first call of ts_gsl(). */
extern const TsGsl *ts_gsl_api;
/* Loads GSL (TILESIM_GSL_SONAME) once, thread-safe; exits with status 1 and a message naming
 * the library when it cannot be loaded (the binary would not have started had it been linked). */
const TsGsl *ts_gsl_load(void);

static inline const TsGsl *ts_gsl(void)
{
    const TsGsl *api = g_atomic_pointer_get(&ts_gsl_api);
    return G_LIKELY(api != NULL) ? api : ts_gsl_load();
}

#ifndef TS_GSL_LOADER /* ts-gsl.c names GSL's real functions */
#define gsl_rng_alloc (ts_gsl()->gsl_rng_alloc)
#define gsl_rng_free (ts_gsl()->gsl_rng_free)
#define gsl_rng_set (ts_gsl()->gsl_rng_set)
#define gsl_rng_uniform (ts_gsl()->gsl_rng_uniform)
#define gsl_rng_uniform_int (ts_gsl()->gsl_rng_uniform_int)
#define gsl_rng_mt19937 (*ts_gsl()->gsl_rng_mt19937)
#endif

G_END_DECLS

#endif /* TS_GSL_H */
