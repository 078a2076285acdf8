/* Statistic storage and JSON output. Each statistic is one allocation made at registration
 * (never on the hot path); handles point into it and stay valid until the set is freed. */
#include "ts-stats.h"

#include <math.h>
#include <string.h>
#include "ts-json-glib.h"

typedef struct {
    const TsStatSpec *spec;
    union {
        TsCounter counter;
        TsAccumulator accum;
        TsHistogram hist;
    } u;
} TsStat;

struct TsStatSet {
    GPtrArray *stats; /* TsStat*, registration order */
};

static void stat_free(gpointer p)
{
    TsStat *s = p;
    if (s->spec->kind == TS_STAT_HISTOGRAM)
        g_free(s->u.hist.bins);
    g_free(s);
}

TsStatSet *ts_stat_set_new(void)
{
    TsStatSet *set = g_new(TsStatSet, 1);
    set->stats = g_ptr_array_new_with_free_func(stat_free);
    return set;
}

void ts_stat_set_free(TsStatSet *set)
{
    if (set == NULL)
        return;
    g_ptr_array_unref(set->stats);
    g_free(set);
}

guint ts_stat_set_size(const TsStatSet *set)
{
    g_return_val_if_fail(set != NULL, 0);
    return set->stats->len;
}

const char *ts_stat_kind_name(TsStatKind kind)
{
    switch (kind) {
    case TS_STAT_COUNTER:
        return "counter";
    case TS_STAT_ACCUMULATOR:
        return "accumulator";
    case TS_STAT_HISTOGRAM:
        return "histogram";
    }
    return "invalid";
}

const TsStatSpec *ts_stat_spec_find(const TsStatSpec *specs, guint n_specs, const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);
    for (guint i = 0; i < n_specs; i++)
        if (strcmp(specs[i].name, name) == 0)
            return &specs[i];
    return NULL;
}

static TsStat *lookup(TsStatSet *set, const TsStatSpec *spec)
{
    for (guint i = 0; i < set->stats->len; i++) {
        TsStat *s = g_ptr_array_index(set->stats, i);
        if (s->spec == spec || strcmp(s->spec->name, spec->name) == 0)
            return s;
    }
    return NULL;
}

static void accum_reset(TsAccumulator *a)
{
    memset(a, 0, sizeof *a);
    a->min = INFINITY;
    a->max = -INFINITY;
}

static TsStat *add(TsStatSet *set, const TsStatSpec *spec, TsStatKind kind)
{
    g_return_val_if_fail(set != NULL && spec != NULL && spec->name != NULL, NULL);
    g_return_val_if_fail(spec->kind == kind, NULL);
    TsStat *s = lookup(set, spec);
    if (s != NULL) {
        g_return_val_if_fail(s->spec->kind == kind, NULL);
        return s;
    }
    s = g_new0(TsStat, 1);
    s->spec = spec;
    if (kind == TS_STAT_ACCUMULATOR)
        accum_reset(&s->u.accum);
    g_ptr_array_add(set->stats, s);
    return s;
}

TsCounter *ts_stat_set_add_counter(TsStatSet *set, const TsStatSpec *spec)
{
    TsStat *s = add(set, spec, TS_STAT_COUNTER);
    return s ? &s->u.counter : NULL;
}

TsAccumulator *ts_stat_set_add_accumulator(TsStatSet *set, const TsStatSpec *spec)
{
    TsStat *s = add(set, spec, TS_STAT_ACCUMULATOR);
    return s ? &s->u.accum : NULL;
}

TsHistogram *ts_stat_set_add_histogram(TsStatSet *set, const TsStatSpec *spec, double lo,
                                       double bin_width, guint32 n_bins)
{
    g_return_val_if_fail(bin_width > 0 && isfinite(bin_width) && isfinite(lo), NULL);
    g_return_val_if_fail(n_bins >= 1 && n_bins <= (1u << 24), NULL);
    TsStat *s = add(set, spec, TS_STAT_HISTOGRAM);
    if (s == NULL)
        return NULL;
    if (s->u.hist.bins == NULL) {
        s->u.hist.lo = lo;
        s->u.hist.bin_width = bin_width;
        s->u.hist.n_bins = n_bins;
        s->u.hist.bins = g_new0(guint64, n_bins);
    }
    return &s->u.hist;
}

void ts_stat_set_reset(TsStatSet *set)
{
    g_return_if_fail(set != NULL);
    for (guint i = 0; i < set->stats->len; i++) {
        TsStat *s = g_ptr_array_index(set->stats, i);
        switch (s->spec->kind) {
        case TS_STAT_COUNTER:
            s->u.counter.value = 0;
            break;
        case TS_STAT_ACCUMULATOR:
            accum_reset(&s->u.accum);
            break;
        case TS_STAT_HISTOGRAM:
            s->u.hist.count = s->u.hist.underflow = s->u.hist.overflow = 0;
            s->u.hist.sum = 0;
            memset(s->u.hist.bins, 0, s->u.hist.n_bins * sizeof(guint64));
            break;
        }
    }
}

double ts_accumulator_mean(const TsAccumulator *a)
{
    g_return_val_if_fail(a != NULL, 0.0);
    return a->count ? a->sum / (double)a->count : 0.0;
}

/* JSON has no NaN or infinity: such a value (and an absent one) is written as null. */
static void add_double_or_null(JsonBuilder *b, const char *name, gboolean present, double v)
{
    json_builder_set_member_name(b, name);
    if (present && isfinite(v))
        json_builder_add_double_value(b, v);
    else
        json_builder_add_null_value(b);
}

/* Counts are uint64; json-glib integers are int64: counts above 2^63 - 1 go out as doubles
 * rather than wrapping negative. */
static void add_count_value(JsonBuilder *b, guint64 v)
{
    if (v > (guint64)G_MAXINT64)
        json_builder_add_double_value(b, (double)v);
    else
        json_builder_add_int_value(b, (gint64)v);
}

static void add_count(JsonBuilder *b, const char *name, guint64 v)
{
    json_builder_set_member_name(b, name);
    add_count_value(b, v);
}

void ts_stat_set_to_json(const TsStatSet *set, JsonBuilder *b)
{
    g_return_if_fail(set != NULL && b != NULL);
    for (guint i = 0; i < set->stats->len; i++) {
        const TsStat *s = g_ptr_array_index(set->stats, i);
        json_builder_set_member_name(b, s->spec->name);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, ts_stat_kind_name(s->spec->kind));
        json_builder_set_member_name(b, "unit");
        json_builder_add_string_value(b, s->spec->unit ? s->spec->unit : "");
        switch (s->spec->kind) {
        case TS_STAT_COUNTER:
            add_count(b, "value", s->u.counter.value);
            break;
        case TS_STAT_ACCUMULATOR: {
            const TsAccumulator *a = &s->u.accum;
            gboolean any = a->count > 0;
            double mean = any ? a->sum / (double)a->count : 0.0;
            double var = any ? a->sum_sq / (double)a->count - mean * mean : 0.0;
            add_count(b, "count", a->count);
            add_double_or_null(b, "sum", TRUE, a->sum);
            add_double_or_null(b, "min", any, a->min);
            add_double_or_null(b, "max", any, a->max);
            add_double_or_null(b, "mean", any, mean);
            add_double_or_null(b, "stddev", any, var > 0 ? sqrt(var) : 0.0);
            break;
        }
        case TS_STAT_HISTOGRAM: {
            const TsHistogram *h = &s->u.hist;
            add_count(b, "count", h->count);
            add_double_or_null(b, "sum", TRUE, h->sum);
            add_double_or_null(b, "lo", TRUE, h->lo);
            add_double_or_null(b, "bin_width", TRUE, h->bin_width);
            add_count(b, "underflow", h->underflow);
            add_count(b, "overflow", h->overflow);
            json_builder_set_member_name(b, "bins");
            json_builder_begin_array(b);
            for (guint32 k = 0; k < h->n_bins; k++)
                add_count_value(b, h->bins[k]);
            json_builder_end_array(b);
            break;
        }
        }
        json_builder_end_object(b);
    }
}
