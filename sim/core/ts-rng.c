/* Seed derivation for per-component GSL generators (see ts-rng.h for the exact formula,
 * which docs/des.md repeats: changing it changes every seeded result). */
#include "ts-rng.h"

#include "ts-gsl.h"

guint64 ts_mix64(guint64 x)
{
    x += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

guint64 ts_seed_derive(guint64 master_seed, const char *stream)
{
    g_return_val_if_fail(stream != NULL, 0);
    guint64 h = G_GUINT64_CONSTANT(0xcbf29ce484222325);
    for (const unsigned char *p = (const unsigned char *)stream; *p; p++) {
        h ^= *p;
        h *= G_GUINT64_CONSTANT(0x100000001b3);
    }
    return ts_mix64(master_seed ^ ts_mix64(h));
}

gsl_rng *ts_rng_new_type(const gsl_rng_type *type, guint64 master_seed, const char *stream)
{
    g_return_val_if_fail(type != NULL && stream != NULL, NULL);
    gsl_rng *r = gsl_rng_alloc(type);
    gsl_rng_set(r, (unsigned long)(ts_seed_derive(master_seed, stream) & 0xffffffffu));
    return r;
}

gsl_rng *ts_rng_new(guint64 master_seed, const char *stream)
{
    return ts_rng_new_type(gsl_rng_mt19937, master_seed, stream);
}
