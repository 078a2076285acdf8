/* Statistics of the DES core: counters, accumulators (count/sum/min/max/mean/stddev) and
 * fixed-bin histograms, declared by each component kind in a static spec table and registered
 * by name. A disabled statistic is a NULL handle and every update is an inline that tests
 * that one pointer (SST's null statistic), so it costs nothing on the hot path. A TsStatSet
 * keeps registration order and dumps as JSON through json-glib. */
#ifndef TS_STATS_H
#define TS_STATS_H

#include <json-glib/json-glib.h>

#include "ts-time.h"

G_BEGIN_DECLS

typedef enum {
    TS_STAT_COUNTER,
    TS_STAT_ACCUMULATOR,
    TS_STAT_HISTOGRAM,
} TsStatKind;

/* One entry of a kind's statistics table (static const data). */
typedef struct TsStatSpec {
    const char *name; /* e.g. "reads"; unique within the kind */
    TsStatKind kind;
    const char *unit; /* "events", "bytes", "ps", ... */
    const char *description;
} TsStatSpec;

typedef struct TsCounter {
    guint64 value;
} TsCounter;

typedef struct TsAccumulator {
    guint64 count;
    double sum;
    double sum_sq;
    double min; /* +inf while empty */
    double max; /* -inf while empty */
} TsAccumulator;

typedef struct TsHistogram {
    guint64 count;
    guint64 underflow; /* values < lo (and NaN) */
    guint64 overflow;  /* values >= lo + n_bins * bin_width */
    double lo;
    double bin_width;
    guint32 n_bins;
    double sum;
    guint64 *bins;
} TsHistogram;

/* ---- hot-path updates: all accept NULL (a disabled statistic) and then do nothing ---- */

static inline void ts_counter_add(TsCounter *c, guint64 n)
{
    if (c != NULL)
        c->value += n;
}

static inline void ts_counter_inc(TsCounter *c)
{
    if (c != NULL)
        c->value++;
}

static inline void ts_accumulator_add(TsAccumulator *a, double v)
{
    if (a == NULL)
        return;
    a->count++;
    a->sum += v;
    a->sum_sq += v * v;
    if (v < a->min)
        a->min = v;
    if (v > a->max)
        a->max = v;
}

static inline void ts_histogram_add(TsHistogram *h, double v)
{
    if (h == NULL)
        return;
    h->count++;
    h->sum += v;
    double x = (v - h->lo) / h->bin_width;
    if (!(x >= 0)) /* also NaN */
        h->underflow++;
    else if (x >= (double)h->n_bins)
        h->overflow++;
    else
        h->bins[(guint32)x]++;
}

/* Mean of an accumulator (0 when empty). */
double ts_accumulator_mean(const TsAccumulator *a);

/* ---- sets ---- */

typedef struct TsStatSet TsStatSet;

/* New empty set. Free with ts_stat_set_free (accepts NULL), which frees every statistic. */
TsStatSet *ts_stat_set_new(void);
void ts_stat_set_free(TsStatSet *set);

/* Registers a statistic described by `spec` (borrowed: must outlive the set, as static
 * tables do). Registering the same spec again returns the existing handle. The spec's kind
 * must match the call (API misuse otherwise). Handles are owned by the set. Histograms need
 * bin_width > 0 and 1 <= n_bins <= 2^24. */
TsCounter *ts_stat_set_add_counter(TsStatSet *set, const TsStatSpec *spec);
TsAccumulator *ts_stat_set_add_accumulator(TsStatSet *set, const TsStatSpec *spec);
TsHistogram *ts_stat_set_add_histogram(TsStatSet *set, const TsStatSpec *spec, double lo,
                                       double bin_width, guint32 n_bins);

/* Number of registered statistics. */
guint ts_stat_set_size(const TsStatSet *set);

/* Zeroes every statistic (keeps registrations and histogram bins). */
void ts_stat_set_reset(TsStatSet *set);

/* Writes the set as one JSON object member per statistic, in registration order, into the
 * object the builder is currently building:
 *   "name": {"type": "counter", "unit": u, "value": n}
 *   "name": {"type": "accumulator", "unit": u, "count", "sum", "min", "max", "mean", "stddev"}
 *   "name": {"type": "histogram", "unit": u, "count", "sum", "lo", "bin_width", "underflow",
 *            "overflow", "bins": [...]}
 * min/max/mean/stddev are null while count is 0. */
void ts_stat_set_to_json(const TsStatSet *set, JsonBuilder *builder);

/* Spec named `name` in a table, or NULL. */
const TsStatSpec *ts_stat_spec_find(const TsStatSpec *specs, guint n_specs, const char *name);

/* Kind name ("counter", "accumulator", "histogram"). */
const char *ts_stat_kind_name(TsStatKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsStatSet, ts_stat_set_free)

G_END_DECLS

#endif /* TS_STATS_H */
