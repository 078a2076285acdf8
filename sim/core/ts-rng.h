/* Deterministic random streams for models: every generator derives from the run's one master
 * seed and a stream name (usually the component path) by a documented function, so runs are
 * reproducible and streams independent of creation order. Never rand(), time() or
 * gsl_rng_env_setup(). */
#ifndef TS_RNG_H
#define TS_RNG_H

#include <glib.h>
#include <gsl/gsl_rng.h>

G_BEGIN_DECLS

/* splitmix64 finaliser (Steele et al.): a bijective 64-bit mix. */
guint64 ts_mix64(guint64 x);

/* Seed of stream `stream` under `master_seed`:
 *   ts_mix64(master_seed ^ ts_mix64(fnv1a64(stream)))
 * where fnv1a64 is 64-bit FNV-1a over the bytes of the string. */
guint64 ts_seed_derive(guint64 master_seed, const char *stream);

/* New MT19937 generator seeded with the low 32 bits of ts_seed_derive(master_seed, stream)
 * (MT19937 keeps 32 bits of seed; GSL maps a 0 seed to its default 4357). Free with
 * gsl_rng_free (g_autoptr(gsl_rng) works). */
gsl_rng *ts_rng_new(guint64 master_seed, const char *stream);

/* Same with another GSL generator type (e.g. gsl_rng_taus2), seeded with the same low 32
 * bits of ts_seed_derive (GSL's taus2 maps a 0 seed to 1). */
gsl_rng *ts_rng_new_type(const gsl_rng_type *type, guint64 master_seed, const char *stream);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gsl_rng, gsl_rng_free)

G_END_DECLS

#endif /* TS_RNG_H */
