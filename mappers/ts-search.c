/* Search drivers over a TsMapSpace. Work is cut into a fixed number of chunks (contiguous
 * factorization ranges for the ordered walks, independent random streams for the others);
 * worker threads take chunks in any order but each chunk's result depends only on its index,
 * and results merge in chunk order, so nothing but the time limit depends on scheduling.
 * Per-thread scratch (mapping, cost) is reused for every candidate: no allocation per
 * evaluation; a chunk's top-K array is allocated once. */
#include "ts-search.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "ts-gsl.h"
#include "ts-search-private.h"

typedef unsigned __int128 u128;

#define DEFAULT_RANDOM_CHUNKS 16
#define DEFAULT_LINEAR_CHUNKS 64
#define CHECK_EVERY 256 /* candidates between clock checks and progress flushes */

/* ---- Names and options ------------------------------------------------------------------ */

static const char *const kAlgorithmNames[TS_SEARCH_COUNT_] = {
    "exhaustive", "linear-pruned", "random", "random-pruned", "hybrid", "anneal"};
static const char *const kMetricNames[TS_METRIC_COUNT_] = {"edp", "energy", "delay"};

const char *ts_search_algorithm_name(TsSearchAlgorithm algorithm)
{
    g_return_val_if_fail((guint)algorithm < TS_SEARCH_COUNT_, "?");
    return kAlgorithmNames[algorithm];
}

gboolean ts_search_algorithm_from_name(const char *name, TsSearchAlgorithm *algorithm,
                                       GError **error)
{
    g_return_val_if_fail(name != NULL && algorithm != NULL, FALSE);
    for (guint i = 0; i < TS_SEARCH_COUNT_; i++) {
        if (strcmp(name, kAlgorithmNames[i]) == 0) {
            *algorithm = (TsSearchAlgorithm)i;
            return TRUE;
        }
    }
    /* Timeloop spells them with underscores in v0.4 files. */
    g_autofree char *dashed = g_strdup(name);
    g_strdelimit(dashed, "_", '-');
    for (guint i = 0; i < TS_SEARCH_COUNT_; i++) {
        if (strcmp(dashed, kAlgorithmNames[i]) == 0) {
            *algorithm = (TsSearchAlgorithm)i;
            return TRUE;
        }
    }
    const char *names[TS_SEARCH_COUNT_ + 1];
    for (guint i = 0; i < TS_SEARCH_COUNT_; i++)
        names[i] = kAlgorithmNames[i];
    names[TS_SEARCH_COUNT_] = NULL;
    g_autofree char *hint = ts_config_suggest(name, names);
    ts_config_error(error, NULL, TS_CONFIG_ERROR_REFERENCE, "--search",
                    "unknown search algorithm '%s'%s (exhaustive, linear-pruned, random, "
                    "random-pruned, hybrid, anneal)",
                    name, hint);
    return FALSE;
}

const char *ts_metric_name(TsMetric metric)
{
    g_return_val_if_fail((guint)metric < TS_METRIC_COUNT_, "?");
    return kMetricNames[metric];
}

gboolean ts_search_parse_metrics(const char *text, TsSearchOptions *options, GError **error)
{
    g_return_val_if_fail(text != NULL && options != NULL, FALSE);
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    guint n = 0;
    TsMetric m[TS_SEARCH_MAX_METRICS];
    for (guint i = 0; parts[i]; i++) {
        char *p = g_strstrip(parts[i]);
        int found = -1;
        for (guint k = 0; k < TS_METRIC_COUNT_; k++)
            if (strcmp(p, kMetricNames[k]) == 0)
                found = (int)k;
        if (found < 0) {
            const char *names[] = {"edp", "energy", "delay", NULL};
            g_autofree char *hint = ts_config_suggest(p, names);
            ts_config_error(error, NULL, TS_CONFIG_ERROR_REFERENCE, "--metric",
                            "unknown metric '%s'%s (edp, energy, delay, or a comma list)", p, hint);
            return FALSE;
        }
        for (guint k = 0; k < n; k++) {
            if (m[k] == (TsMetric)found) {
                ts_config_error(error, NULL, TS_CONFIG_ERROR_DUPLICATE, "--metric",
                                "metric '%s' listed twice (got '%s')", p, text);
                return FALSE;
            }
        }
        if (n == TS_SEARCH_MAX_METRICS) {
            ts_config_error(error, NULL, TS_CONFIG_ERROR_RANGE, "--metric",
                            "at most %d metrics (got '%s')", TS_SEARCH_MAX_METRICS, text);
            return FALSE;
        }
        m[n++] = (TsMetric)found;
    }
    if (n == 0) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, "--metric",
                        "no metric given (edp, energy, delay)");
        return FALSE;
    }
    memcpy(options->metrics, m, sizeof m[0] * n);
    options->n_metrics = n;
    return TRUE;
}

void ts_search_options_init(TsSearchOptions *o)
{
    g_return_if_fail(o != NULL);
    memset(o, 0, sizeof *o);
    o->algorithm = TS_SEARCH_HYBRID;
    o->metrics[0] = TS_METRIC_EDP;
    o->n_metrics = 1;
    o->max_invalid = 100000;
    o->threads = 1;
    o->seed = 1;
    o->top_k = 1;
    o->orders_per_factorization = 16;
    o->progress_interval_s = 0.5;
}

double ts_metric_value(const TsCost *cost, TsMetric metric)
{
    switch (metric) {
    case TS_METRIC_EDP:
        return cost->edp_j_cycles;
    case TS_METRIC_ENERGY:
        return cost->energy_pj;
    case TS_METRIC_DELAY:
        return cost->cycles;
    case TS_METRIC_COUNT_:
        break;
    }
    return INFINITY;
}

TsEvalStatus ts_search_model_eval(const TsMapping *mapping, TsCost *cost, gpointer model)
{
    return ts_model_evaluate(model, mapping, cost);
}

static guint64 splitmix64(guint64 x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

guint32 ts_search_stream_seed(guint64 seed, guint index)
{
    guint64 z = splitmix64(seed + (guint64)(index + 1) * 0x9E3779B97F4A7C15ull);
    guint32 s = (guint32)(z & 0xffffffffu);
    return s ? s : 4357u;
}

/* ---- Run state -------------------------------------------------------------------------- */

typedef struct {
    guint index;
    guint64 budget; /* valid evaluations for this chunk; 0 = unlimited */
    u128 lo, hi;    /* ordered walks: factorization range */
    gboolean started, done;
    gboolean walked;              /* ordered walk reached the end of its range */
    u128 stopped_at;              /* ordered walks: first id not walked to the end (kept current) */
    guint64 visits, visit_budget; /* ordered walks: factorizations visited; 0 = no cap */

    guint64 evaluated, valid, model_calls, skipped;
    double skipped_facts, bounded_facts;
    double threshold; /* bound pruning: first-metric value to beat (incumbent), or +inf */
    guint64 rejected[TS_EVAL_COUNT_];
    gboolean timed_out;
    guint n_best;
    TsSearchEntry *best; /* top_k entries */
} Chunk;

typedef struct {
    const TsMapSpace *sp;
    TsSearchEvalFn fn;
    gpointer ud;
    const TsSearchOptions *opt;
    uint8_t walk[TS_MAX_DIMS]; /* ordered walks: dimensions, most significant first */
    /* Ordered walks: factorizations base[d] .. base[d] + nf[d] - 1 of each dimension (all of
     * them, or one for a dimension pinned by the polish). */
    uint32_t base[TS_MAX_DIMS], nf[TS_MAX_DIMS];
    gboolean util_rules; /* the space has minimum-utilization rules */
    Chunk *chunks;
    guint n_chunks;
    gint next;
    gint64 start_us, deadline_us; /* deadline 0 = none */
    gint stop;                    /* set once the deadline passed */

    GMutex lock;
    GCond cond;
    guint running;
    guint64 evaluated, valid; /* progress, flushed every CHECK_EVERY */
    double walked;            /* ordered walks: share of the id range walked or skipped */
    double total_ids;         /* ordered walks: the id range (> 0) */
    gboolean have_best;
    double best_key[TS_SEARCH_MAX_METRICS];
    double cpu_s;
} Run;

/* Per worker thread, reused for every candidate. */
typedef struct {
    Run *run;
    Chunk *c;
    TsMapping m;
    TsCost cost;
    guint since_check;
    guint64 flushed_eval, flushed_valid;
    u128 flushed_at; /* ordered walks: c->stopped_at when last flushed */
    guint64 invalid_streak, stale_streak;
    gboolean stop;
    /* Ordered walks with the model bound: what each prefix of the walk contributes. */
    TsBoundPrefix pre[TS_MAX_DIMS];
    double prefix_energy; /* energy bound of the walk prefix of n_dims - 1 that passed */
} Ctx;

static int key_compare(const double *a, const double *b, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (a[i] < b[i])
            return -1;
        if (a[i] > b[i])
            return 1;
    }
    return 0;
}

static int entry_compare(const TsMapSpace *sp, guint n_metrics, const TsSearchEntry *a,
                         const TsSearchEntry *b)
{
    int c = key_compare(a->key, b->key, n_metrics);
    return c ? c : ts_mapid_compare(sp, &a->id, &b->id);
}

static void flush_progress(Ctx *x)
{
    Run *r = x->run;
    guint64 de = x->c->evaluated - x->flushed_eval, dv = x->c->valid - x->flushed_valid;
    u128 dw = x->c->stopped_at - x->flushed_at;
    if (de == 0 && dv == 0 && dw == 0)
        return;
    g_mutex_lock(&r->lock);
    r->evaluated += de;
    r->valid += dv;
    r->walked += (double)dw / r->total_ids;
    g_mutex_unlock(&r->lock);
    x->flushed_eval = x->c->evaluated;
    x->flushed_valid = x->c->valid;
    x->flushed_at = x->c->stopped_at;
}

/* Clock check every CHECK_EVERY candidates; sets x->stop at the deadline. */
static inline void tick(Ctx *x)
{
    if (++x->since_check < CHECK_EVERY)
        return;
    x->since_check = 0;
    flush_progress(x);
    Run *r = x->run;
    if (g_atomic_int_get(&r->stop)) {
        x->stop = TRUE;
        x->c->timed_out = TRUE;
        return;
    }
    if (r->deadline_us && g_get_monotonic_time() >= r->deadline_us) {
        g_atomic_int_set(&r->stop, 1);
        x->stop = TRUE;
        x->c->timed_out = TRUE;
    }
}

/* Offers the evaluated candidate (x->m, x->cost) with id to the chunk's top-K. Returns TRUE
 * when it improves on the chunk's best (strictly, by metric values). */
static gboolean offer(Ctx *x, const TsMapId *id)
{
    const TsSearchOptions *o = x->run->opt;
    const TsMapSpace *sp = x->run->sp;
    Chunk *c = x->c;
    double key[TS_SEARCH_MAX_METRICS];
    for (guint i = 0; i < o->n_metrics; i++) {
        key[i] = ts_metric_value(&x->cost, o->metrics[i]);
        if (isnan(key[i]))
            key[i] = INFINITY;
    }
    gboolean improves = c->n_best == 0 || key_compare(key, c->best[0].key, o->n_metrics) < 0;
    /* Position among (key, id). */
    TsSearchEntry probe;
    memcpy(probe.key, key, sizeof key);
    probe.id = *id;
    if (c->n_best == o->top_k &&
        entry_compare(sp, o->n_metrics, &probe, &c->best[c->n_best - 1]) >= 0)
        return improves;
    guint pos = c->n_best;
    while (pos > 0) {
        int cmp = entry_compare(sp, o->n_metrics, &probe, &c->best[pos - 1]);
        if (cmp == 0)
            return improves; /* same id already ranked (random revisits) */
        if (cmp > 0)
            break;
        pos--;
    }
    guint last = c->n_best < o->top_k ? c->n_best : o->top_k - 1;
    if (last > pos)
        memmove(&c->best[pos + 1], &c->best[pos], (last - pos) * sizeof(TsSearchEntry));
    TsSearchEntry *e = &c->best[pos];
    e->id = *id;
    e->mapping = x->m;
    e->cost = x->cost;
    memcpy(e->key, key, sizeof key);
    if (c->n_best < o->top_k)
        c->n_best++;
    if (pos == 0) {
        Run *r = x->run;
        g_mutex_lock(&r->lock);
        if (!r->have_best || key_compare(key, r->best_key, o->n_metrics) < 0) {
            memcpy(r->best_key, key, sizeof key);
            r->have_best = TRUE;
        }
        g_mutex_unlock(&r->lock);
    }
    return improves;
}

/* Evaluates id (already known to be within the orders' ranges). */
static TsEvalStatus eval_id(Ctx *x, const TsMapId *id)
{
    Run *r = x->run;
    Chunk *c = x->c;
    ts_mapspace_build(r->sp, id, &x->m);
    TsEvalStatus st = r->fn(&x->m, &x->cost, r->ud);
    c->model_calls++;
    c->evaluated++;
    if (st == TS_EVAL_OK) {
        c->valid++;
        x->invalid_streak = 0;
        if (offer(x, id))
            x->stale_streak = 0;
        else
            x->stale_streak++;
    } else {
        if ((guint)st >= TS_EVAL_COUNT_)
            st = TS_EVAL_SHAPE;
        c->rejected[st]++;
        x->invalid_streak++;
    }
    tick(x);
    return st;
}

/* A candidate rejected by the spatial pre-check (no model call), under its reason (fan-out or
 * utilization). */
static void reject_spatial(Ctx *x, TsEvalStatus st)
{
    x->c->evaluated++;
    x->c->rejected[st]++;
    x->invalid_streak++;
    tick(x);
}

/* Stop conditions common to the sampling algorithms. */
static gboolean should_stop(Ctx *x)
{
    const TsSearchOptions *o = x->run->opt;
    Chunk *c = x->c;
    if (x->stop)
        return TRUE;
    if (c->budget && c->valid >= c->budget)
        return TRUE;
    if (o->victory && x->stale_streak >= o->victory)
        return TRUE;
    if (o->max_invalid && x->invalid_streak >= o->max_invalid)
        return TRUE;
    return FALSE;
}

/* Statuses that no loop order can change (checked on the first order of a candidate). */
static gboolean order_independent(TsEvalStatus st)
{
    return st == TS_EVAL_CAPACITY || st == TS_EVAL_KEEP || st == TS_EVAL_UTILIZATION ||
           st == TS_EVAL_FANOUT || st == TS_EVAL_FACTORS || st == TS_EVAL_SHAPE;
}

/* ---- Ordered walks: exhaustive and linear-pruned ---------------------------------------- */

/* Number of order combinations for the factorizations in id; fills counts[l]. */
static double order_combos(const TsMapSpace *sp, const TsMapId *id, guint *counts)
{
    double n = 1;
    for (guint l = 0; l < sp->n_levels; l++) {
        counts[l] = sp->table[l]->count[ts_mapspace_nonunit_mask(sp, id, l)];
        n *= counts[l];
    }
    return n;
}

/* Evaluates every keep choice and loop order of the factorization in id (fact[] set).
 * Returns FALSE when the chunk must stop. */
static gboolean walk_factorization(Ctx *x, TsMapId *id, gboolean all_orders, guint n_draws,
                                   gsl_rng *rng)
{
    const TsMapSpace *sp = x->run->sp;
    guint counts[TS_ARCH_MAX_LEVELS];
    double combos = order_combos(sp, id, counts);
    for (uint32_t k = 0; k < sp->n_keep; k++) {
        id->keep = k;
        gboolean first = TRUE;
        if (all_orders) {
            memset(id->perm, 0, sizeof id->perm);
            for (;;) {
                TsEvalStatus st = eval_id(x, id);
                if (should_stop(x))
                    return FALSE;
                if (first && order_independent(st)) {
                    x->c->skipped += (guint64)(combos - 1);
                    if (st == TS_EVAL_FANOUT) {
                        x->c->skipped += (guint64)((sp->n_keep - k - 1) * combos);
                        return TRUE;
                    }
                    break;
                }
                first = FALSE;
                /* next order combination: last level fastest */
                guint l = sp->n_levels;
                gboolean more = FALSE;
                while (l > 0) {
                    l--;
                    if (++id->perm[l] < counts[l]) {
                        more = TRUE;
                        break;
                    }
                    id->perm[l] = 0;
                }
                if (!more)
                    break;
            }
        } else {
            for (guint draw = 0; draw < n_draws; draw++) {
                for (guint l = 0; l < sp->n_levels; l++)
                    id->perm[l] =
                        (uint16_t)(counts[l] > 1 ? gsl_rng_uniform_int(rng, counts[l]) : 0);
                TsEvalStatus st = eval_id(x, id);
                if (should_stop(x))
                    return FALSE;
                if (draw == 0 && order_independent(st)) {
                    x->c->skipped += n_draws - 1;
                    if (st == TS_EVAL_FANOUT)
                        return TRUE;
                    break;
                }
            }
        }
    }
    return TRUE;
}

/* Factorization indices of walk position v: walk[0] is the most significant dimension. */
static void decode_walk(const Run *r, u128 v, uint32_t *idx)
{
    for (guint i = r->sp->n_dims; i > 0; i--) {
        const guint d = r->walk[i - 1];
        idx[d] = r->base[d] + (uint32_t)(v % r->nf[d]);
        v /= r->nf[d];
    }
}

/* Lower bound of the first metric when the dimensions walk[0 .. depth-1] have the
 * factorizations of idx (depth = n_dims: one factorization), with the generic bound. */
static double prefix_lower(const Run *r, const uint32_t *idx, guint depth)
{
    const TsSearchOptions *o = r->opt;
    TsMapId id = {0};
    uint32_t fixed = 0;
    for (guint i = 0; i < depth; i++) {
        id.fact[r->walk[i]] = idx[r->walk[i]];
        fixed |= 1u << r->walk[i];
    }
    double lower[TS_METRIC_COUNT_];
    o->bound(r->sp, &id, fixed, lower, o->bound_data);
    return lower[o->metrics[0]];
}

/* The chunk's threshold: its incumbent or its K-th best, +inf while unknown. */
static double chunk_threshold(const Ctx *x)
{
    const Chunk *c = x->c;
    double thr = c->threshold;
    if (c->n_best == x->run->opt->top_k)
        thr = MIN(thr, c->best[c->n_best - 1].key[0]);
    return thr;
}

static inline void id_from_idx(TsMapId *id, const uint32_t *idx, guint n_dims)
{
    memset(id, 0, sizeof *id);
    for (guint d = 0; d < n_dims; d++)
        id->fact[d] = idx[d];
}

/* The leaves of one prefix: the factorizations [f, f_end) of the last walk dimension z under
 * the fixed walk[0 .. n_dims-2] of idx (whose spatial products per level are px, py and whose
 * bound was prepared in x->pre[n_dims-1] when ready). Each is checked for fan-out, minimum
 * utilization and the bound (a quick test first: the prefix's energy bound times the compute
 * cycles), and walked when it passes. Returns FALSE when the chunk must stop; *done is the
 * number of leaves handled. */
static gboolean walk_leaves(Ctx *x, uint32_t *idx, uint32_t f, uint32_t f_end, const uint64_t *px,
                            const uint64_t *py, gboolean ready, uint64_t *done)
{
    const Run *r = x->run;
    const TsMapSpace *sp = r->sp;
    const TsSearchOptions *o = r->opt;
    Chunk *c = x->c;
    const guint D = sp->n_dims, L = sp->n_levels, z = r->walk[D - 1];
    const gboolean model_bound = o->bound == ts_search_model_bound;
    const TsModel *mo = model_bound ? o->bound_data : NULL;
    uint64_t skipped = 0, bounded = 0;
    *done = 0;
    for (; f < f_end; f++) {
        if (c->visit_budget && c->visits >= c->visit_budget) {
            x->stop = TRUE; /* the polish's cap: this chunk is done, unfinished */
            break;
        }
        c->visits++;
        (*done)++;
        const uint32_t *row = sp->facts[z] + (size_t)f * sp->n_slots;
        double spatial = 1.0;
        gboolean fits = TRUE;
        for (guint l = 0; l < L && fits; l++) {
            const uint64_t x1 = px[l] * (sp->slot_x[l] >= 0 ? row[sp->slot_x[l]] : 1u);
            const uint64_t y1 = py[l] * (sp->slot_y[l] >= 0 ? row[sp->slot_y[l]] : 1u);
            fits = x1 <= MAX(sp->arch.level[l].fanout_x, 1u) &&
                   y1 <= MAX(sp->arch.level[l].fanout_y, 1u);
            spatial *= (double)x1 * (double)y1;
        }
        idx[z] = f;
        if (!fits) {
            skipped++;
            continue;
        }
        TsMapId id;
        if (r->util_rules) {
            id_from_idx(&id, idx, D);
            if (!ts_mapspace_fanout_ok(sp, &id)) {
                skipped++;
                continue;
            }
        }
        if (o->bound) {
            const double thr = chunk_threshold(x);
            if (isfinite(thr)) {
                double low;
                if (model_bound && ready) {
                    if (o->metrics[0] != TS_METRIC_ENERGY && D > 1) {
                        const double ccd =
                            ceil((double)mo->macs / spatial / mo->macs_per_cycle - 1e-9);
                        const double quick =
                            o->metrics[0] == TS_METRIC_DELAY ? ccd : x->prefix_energy * 1e-12 * ccd;
                        if (quick > thr * (1.0 + 1e-9)) {
                            skipped++;
                            bounded++;
                            continue;
                        }
                    }
                    double lower[TS_METRIC_COUNT_];
                    ts_bound_prefix_finish(&x->pre[D - 1], (int)z, f, lower);
                    low = lower[o->metrics[0]];
                } else {
                    low = prefix_lower(r, idx, D);
                }
                if (low > thr * (1.0 + 1e-9)) {
                    skipped++;
                    bounded++;
                    continue;
                }
            }
        }
        id_from_idx(&id, idx, D);
        if (!walk_factorization(x, &id, TRUE, 0, NULL)) {
            (*done)--;
            c->skipped_facts += (double)skipped;
            c->bounded_facts += (double)bounded;
            return FALSE;
        }
    }
    c->skipped_facts += (double)skipped;
    c->bounded_facts += (double)bounded;
    return !x->stop;
}

/* Walks the chunk's range of walk positions (dimensions in walk order, walk[0] most
 * significant) as an odometer over the prefixes walk[0 .. n_dims-2], each followed by its
 * leaves (walk_leaves). A prefix whose fan-out already overflows, or whose bound exceeds the
 * threshold, is skipped with its whole subtree. What a prefix contributes (spatial products,
 * the bound's preparation) is kept until the prefix changes, and a prefix that passed the
 * bound stays passed (the threshold only falls). */
static void run_ordered(Ctx *x)
{
    const Run *r = x->run;
    const TsMapSpace *sp = r->sp;
    const TsSearchOptions *o = r->opt;
    Chunk *c = x->c;
    const guint D = sp->n_dims, L = sp->n_levels;
    const uint8_t *walk = r->walk;
    const gboolean model_bound = o->bound == ts_search_model_bound;
    const guint z = walk[D - 1];
    uint32_t idx[TS_MAX_DIMS];
    u128 sub[TS_MAX_DIMS]; /* positions below one value of walk[0..k] */
    sub[D - 1] = 1;
    for (guint i = D - 1; i > 0; i--)
        sub[i - 1] = sub[i] * r->nf[walk[i]];
    /* Spatial products of walk[0..k] per level along X and Y (row 0: nothing fixed). */
    uint64_t px[TS_MAX_DIMS + 1][TS_ARCH_MAX_LEVELS], py[TS_MAX_DIMS + 1][TS_ARCH_MAX_LEVELS];
    for (guint l = 0; l < L; l++)
        px[0][l] = py[0][l] = 1;
    guint fit = 0;    /* walk prefixes of length 1 .. fit have their products and fit */
    guint passed = 0; /* prefixes of length 1 .. passed passed the bound */
    guint ready = 0;  /* x->pre[0 .. ready-1] are prepared */
    u128 v = c->lo;
    if (v < c->hi)
        decode_walk(r, v, idx);
    while (v < c->hi && !x->stop) {
        /* Fan-out of the prefix (walk[0 .. D-2]) not yet checked. */
        int skip_at = -1;
        for (guint i = fit; i + 1 < D && skip_at < 0; i++) {
            const guint d = walk[i];
            const uint32_t *row = sp->facts[d] + (size_t)idx[d] * sp->n_slots;
            for (guint l = 0; l < L; l++) {
                px[i + 1][l] = px[i][l] * (sp->slot_x[l] >= 0 ? row[sp->slot_x[l]] : 1u);
                py[i + 1][l] = py[i][l] * (sp->slot_y[l] >= 0 ? row[sp->slot_y[l]] : 1u);
                if (px[i + 1][l] > MAX(sp->arch.level[l].fanout_x, 1u) ||
                    py[i + 1][l] > MAX(sp->arch.level[l].fanout_y, 1u))
                    skip_at = (int)i;
            }
            if (skip_at < 0)
                fit = i + 1;
        }
        gboolean bounded = FALSE;
        const double thr = o->bound ? chunk_threshold(x) : INFINITY;
        if (skip_at < 0 && o->bound && isfinite(thr)) {
            for (guint depth = passed; depth + 1 < D; depth++) {
                double low;
                if (model_bound) {
                    while (ready <= depth) {
                        TsMapId id = {0};
                        uint32_t fixed = 0;
                        for (guint i = 0; i < ready; i++) {
                            id.fact[walk[i]] = idx[walk[i]];
                            fixed |= 1u << walk[i];
                        }
                        ts_bound_prefix_init(&x->pre[ready], sp, o->bound_data, &id, fixed);
                        ready++;
                    }
                    double lower[TS_METRIC_COUNT_];
                    ts_bound_prefix_finish(&x->pre[depth], walk[depth], idx[walk[depth]], lower);
                    low = lower[o->metrics[0]];
                    if (depth + 2 == D)
                        x->prefix_energy = lower[TS_METRIC_ENERGY];
                } else {
                    low = prefix_lower(r, idx, depth + 1);
                }
                if (low > thr * (1.0 + 1e-9)) {
                    skip_at = (int)depth;
                    bounded = TRUE;
                    break;
                }
                passed = depth + 1;
            }
        }
        guint k;
        if (skip_at >= 0) {
            k = (guint)skip_at;
            u128 off = 0;
            for (guint i = k + 1; i < D; i++)
                off += (u128)(idx[walk[i]] - r->base[walk[i]]) * sub[i];
            u128 next = v - off + sub[k];
            if (next > c->hi)
                next = c->hi;
            c->skipped_facts += (double)(next - v);
            if (bounded)
                c->bounded_facts += (double)(next - v);
            v = next;
            c->stopped_at = v;
        } else {
            /* The leaves of this prefix, up to the end of its subtree or of the chunk. */
            if (model_bound && o->bound && isfinite(thr)) {
                while (ready < D) {
                    TsMapId id = {0};
                    uint32_t fixed = 0;
                    for (guint i = 0; i < ready; i++) {
                        id.fact[walk[i]] = idx[walk[i]];
                        fixed |= 1u << walk[i];
                    }
                    ts_bound_prefix_init(&x->pre[ready], sp, o->bound_data, &id, fixed);
                    ready++;
                }
            }
            u128 left = c->hi - v;
            uint32_t f_end = r->base[z] + r->nf[z];
            if (left < (u128)(f_end - idx[z]))
                f_end = idx[z] + (uint32_t)left;
            uint64_t done;
            gboolean more = walk_leaves(x, idx, idx[z], f_end, px[D - 1], py[D - 1],
                                        model_bound && ready == D, &done);
            v += done;
            c->stopped_at = v;
            if (!more || v >= c->hi)
                break;
            k = D - 1;
            idx[z] = r->base[z] + r->nf[z] - 1; /* the carry below moves to the next prefix */
        }
        for (guint i = k + 1; i < D; i++)
            idx[walk[i]] = r->base[walk[i]];
        guint changed = k; /* first walk position whose digit changes */
        for (;;) {
            const guint d = walk[changed];
            if (++idx[d] < r->base[d] + r->nf[d] || changed == 0)
                break;
            idx[d] = r->base[d];
            changed--;
        }
        fit = MIN(fit, changed);
        passed = MIN(passed, changed);
        ready = MIN(ready, changed + 1);
    }
    c->walked = v >= c->hi && !x->stop;
    c->stopped_at = v;
}

/* Sort key of the exhaustive walk order (larger first). */
static double walk_rank(const Run *r, guint d)
{
    return r->nf[d] == 1 ? INFINITY : (double)r->nf[d];
}

/* Lower bound of the first metric over the ids of [v, hi) of a chunk that did not finish: the
 * least bound over the values of dimension 0 left to walk (the gap of an interrupted proof). */
static double remaining_lower(const Run *r, const Chunk *c, u128 v)
{
    const TsMapSpace *sp = r->sp;
    if (v >= c->hi)
        return INFINITY;
    if (r->opt->bound == NULL)
        return -INFINITY;
    /* The first walk position with a choice (those before it hold one factorization). */
    guint p = 0;
    while (p + 1 < sp->n_dims && r->nf[r->walk[p]] == 1)
        p++;
    u128 sub = 1;
    for (guint i = p + 1; i < sp->n_dims; i++)
        sub *= r->nf[r->walk[i]];
    const uint32_t first = (uint32_t)(v / sub), last = (uint32_t)((c->hi - 1) / sub);
    double low = INFINITY;
    uint32_t idx[TS_MAX_DIMS];
    memcpy(idx, r->base, sizeof idx);
    for (uint32_t f = first; f <= last; f++) {
        idx[r->walk[p]] = r->base[r->walk[p]] + f;
        low = MIN(low, prefix_lower(r, idx, p + 1));
    }
    return low;
}

/* ---- Random sampling -------------------------------------------------------------------- */

static void random_factorization(const TsMapSpace *sp, gsl_rng *rng, TsMapId *id)
{
    for (guint d = 0; d < sp->n_dims; d++)
        id->fact[d] = sp->n_facts[d] > 1 ? (uint32_t)gsl_rng_uniform_int(rng, sp->n_facts[d]) : 0;
}

static void random_orders(const TsMapSpace *sp, gsl_rng *rng, TsMapId *id)
{
    for (guint l = 0; l < sp->n_levels; l++) {
        guint n = sp->table[l]->count[ts_mapspace_nonunit_mask(sp, id, l)];
        id->perm[l] = (uint16_t)(n > 1 ? gsl_rng_uniform_int(rng, n) : 0);
    }
}

static void run_random(Ctx *x, gsl_rng *rng)
{
    const TsMapSpace *sp = x->run->sp;
    while (!should_stop(x)) {
        TsMapId id = {0};
        random_factorization(sp, rng, &id);
        id.keep = sp->n_keep > 1 ? (uint32_t)gsl_rng_uniform_int(rng, sp->n_keep) : 0;
        random_orders(sp, rng, &id);
        TsEvalStatus pre = ts_mapspace_spatial_status(sp, &id);
        if (pre != TS_EVAL_OK) {
            reject_spatial(x, pre);
            continue;
        }
        eval_id(x, &id);
    }
}

static void run_random_factorizations(Ctx *x, gsl_rng *rng, gboolean all_orders)
{
    const TsMapSpace *sp = x->run->sp;
    guint draws = MAX(x->run->opt->orders_per_factorization, 1u);
    while (!should_stop(x)) {
        TsMapId id = {0};
        random_factorization(sp, rng, &id);
        TsEvalStatus pre = ts_mapspace_spatial_status(sp, &id);
        if (pre != TS_EVAL_OK) {
            reject_spatial(x, pre);
            continue;
        }
        if (!walk_factorization(x, &id, all_orders, draws, rng))
            break;
    }
}

/* ---- Simulated annealing ---------------------------------------------------------------- */

/* Smallest prime factor of v > 1. */
static uint32_t least_prime(uint32_t v)
{
    for (uint32_t p = 2; (uint64_t)p * p <= v; p++)
        if (v % p == 0)
            return p;
    return v;
}

/* A move within the imperfect factorizations of d: one prime of a slot's factor goes to
 * another slot, then the outermost slot with a factor > 1 is reset to the ceil of the size
 * over the others. FALSE when the result is not in the space. */
static gboolean move_imperfect(const TsMapSpace *sp, gsl_rng *rng, guint d, uint32_t *row,
                               TsMapId *id)
{
    guint from[TS_SPACE_MAX_SLOTS], n_from = 0;
    for (guint s = 0; s < sp->n_slots; s++)
        if (row[s] > 1)
            from[n_from++] = s;
    if (n_from == 0)
        return FALSE;
    const guint s = from[gsl_rng_uniform_int(rng, n_from)];
    guint t = (guint)gsl_rng_uniform_int(rng, sp->n_slots - 1);
    if (t >= s)
        t++;
    const uint32_t p = least_prime(row[s]);
    row[s] /= p;
    row[t] *= p;
    guint top = 0;
    while (top < sp->n_slots && row[top] == 1)
        top++;
    if (top == sp->n_slots)
        return FALSE;
    uint64_t inner = 1;
    for (guint i = top + 1; i < sp->n_slots; i++)
        inner *= row[i];
    const uint64_t size = sp->op.dims[d];
    if (inner >= size)
        return FALSE;
    row[top] = (uint32_t)((size + inner - 1) / inner);
    int64_t f = ts_mapspace_find_factorization(sp, d, row);
    if (f < 0)
        return FALSE;
    id->fact[d] = (uint32_t)f;
    return TRUE;
}

/* Moves one prime factor of a random dimension between two slots. Returns FALSE when no
 * such move stays inside the space after a few tries. */
static gboolean move_factor(const TsMapSpace *sp, gsl_rng *rng, TsMapId *id)
{
    guint movable[TS_MAX_DIMS], n_mov = 0;
    for (guint d = 0; d < sp->n_dims; d++)
        if (sp->n_facts[d] > 1)
            movable[n_mov++] = d;
    if (n_mov == 0)
        return FALSE;
    for (guint attempt = 0; attempt < 8; attempt++) {
        guint d = movable[gsl_rng_uniform_int(rng, n_mov)];
        uint32_t row[TS_SPACE_MAX_SLOTS];
        memcpy(row, sp->facts[d] + (size_t)id->fact[d] * sp->n_slots,
               sizeof(uint32_t) * sp->n_slots);
        if (sp->imperfect_dims >> d & 1u) {
            if (move_imperfect(sp, rng, d, row, id))
                return TRUE;
            continue;
        }
        uint32_t p = sp->primes[d][gsl_rng_uniform_int(rng, sp->n_primes[d])];
        guint from[TS_SPACE_MAX_SLOTS], n_from = 0;
        for (guint s = 0; s < sp->n_slots; s++)
            if (row[s] % p == 0)
                from[n_from++] = s;
        if (n_from == 0)
            continue;
        guint s = from[gsl_rng_uniform_int(rng, n_from)];
        guint t = (guint)gsl_rng_uniform_int(rng, sp->n_slots - 1);
        if (t >= s)
            t++;
        row[s] /= p;
        row[t] *= p;
        int64_t f = ts_mapspace_find_factorization(sp, d, row);
        if (f >= 0) {
            id->fact[d] = (uint32_t)f;
            return TRUE;
        }
    }
    /* Fall back to a fresh factorization of one dimension. */
    guint d = movable[gsl_rng_uniform_int(rng, n_mov)];
    id->fact[d] = (uint32_t)gsl_rng_uniform_int(rng, sp->n_facts[d]);
    return TRUE;
}

static void fix_orders(const TsMapSpace *sp, gsl_rng *rng, TsMapId *id)
{
    for (guint l = 0; l < sp->n_levels; l++) {
        guint n = sp->table[l]->count[ts_mapspace_nonunit_mask(sp, id, l)];
        if (id->perm[l] >= n)
            id->perm[l] = (uint16_t)(n > 1 ? gsl_rng_uniform_int(rng, n) : 0);
    }
}

static void propose(const TsMapSpace *sp, gsl_rng *rng, TsMapId *id)
{
    double u = gsl_rng_uniform(rng);
    if (u < 0.15 && sp->n_keep > 1) {
        guint bits = (guint)__builtin_ctz(sp->n_keep); /* n_keep = 2^bits */
        id->keep ^= 1u << gsl_rng_uniform_int(rng, bits);
        return;
    }
    if (u < 0.40) {
        guint l = (guint)gsl_rng_uniform_int(rng, sp->n_levels);
        guint n = sp->table[l]->count[ts_mapspace_nonunit_mask(sp, id, l)];
        if (n > 1) {
            guint c = (guint)gsl_rng_uniform_int(rng, n - 1);
            id->perm[l] = (uint16_t)(c >= id->perm[l] ? c + 1 : c);
            return;
        }
    }
    move_factor(sp, rng, id);
    if (gsl_rng_uniform(rng) < 0.3)
        move_factor(sp, rng, id);
    fix_orders(sp, rng, id);
}

static void run_anneal(Ctx *x, gsl_rng *rng)
{
    const TsMapSpace *sp = x->run->sp;
    const TsSearchOptions *o = x->run->opt;
    Chunk *c = x->c;
    const double t_start = 0.08, t_end = 0.002;
    const guint64 period = c->budget ? c->budget : 20000; /* cooling length (valid evals) */
    TsMapId cur = {0};
    double cur_e = INFINITY;
    gboolean have_cur = FALSE;
    TsMapId best_id = {0};
    double best_e = INFINITY;
    guint64 since_best = 0, step_valid = 0;
    gboolean tried_start = FALSE;

    while (!should_stop(x)) {
        TsMapId cand;
        if (!have_cur && c->index < o->n_start && !tried_start) {
            cand = o->start[c->index];
            tried_start = TRUE;
        } else if (!have_cur) {
            cand = (TsMapId){0};
            random_factorization(sp, rng, &cand);
            cand.keep = sp->n_keep > 1 ? (uint32_t)gsl_rng_uniform_int(rng, sp->n_keep) : 0;
            random_orders(sp, rng, &cand);
        } else {
            cand = cur;
            propose(sp, rng, &cand);
        }
        TsEvalStatus pre = ts_mapspace_spatial_status(sp, &cand);
        if (pre != TS_EVAL_OK) {
            reject_spatial(x, pre);
            continue;
        }
        if (eval_id(x, &cand) != TS_EVAL_OK)
            continue;
        double e = ts_metric_value(&x->cost, o->metrics[0]);
        e = e > 0 && isfinite(e) ? log(e) : (isfinite(e) ? -745.0 : INFINITY);
        step_valid++;
        if (!have_cur) {
            cur = cand;
            cur_e = e;
            have_cur = TRUE;
        } else {
            double frac = (double)(step_valid % period) / (double)period;
            double temp = t_start * pow(t_end / t_start, frac);
            double delta = e - cur_e;
            if (delta <= 0 || gsl_rng_uniform(rng) < exp(-delta / temp)) {
                cur = cand;
                cur_e = e;
            }
        }
        if (e < best_e) {
            best_e = e;
            best_id = cand;
            since_best = 0;
        } else if (++since_best >= MAX(period / 8, 200u)) {
            /* Reheat from the best point found by this stream. */
            cur = best_id;
            cur_e = best_e;
            since_best = 0;
        }
    }
}

/* ---- Workers ---------------------------------------------------------------------------- */

static double thread_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_chunk(Run *r, Ctx *x, Chunk *c)
{
    x->c = c;
    x->since_check = 0;
    x->flushed_eval = x->flushed_valid = 0;
    x->flushed_at = c->stopped_at;
    x->invalid_streak = x->stale_streak = 0;
    x->stop = g_atomic_int_get(&r->stop) != 0;
    c->started = TRUE;
    if (x->stop) {
        c->timed_out = TRUE;
        return;
    }
    if (r->opt->budget && c->budget == 0)
        goto done; /* budget smaller than the number of chunks */
    gsl_rng *rng = NULL;
    TsSearchAlgorithm alg = r->opt->algorithm;
    if (alg != TS_SEARCH_EXHAUSTIVE && alg != TS_SEARCH_LINEAR_PRUNED) {
        rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, ts_search_stream_seed(r->opt->seed, c->index));
    }
    switch (alg) {
    case TS_SEARCH_EXHAUSTIVE:
    case TS_SEARCH_LINEAR_PRUNED:
        run_ordered(x);
        break;
    case TS_SEARCH_RANDOM:
        run_random(x, rng);
        break;
    case TS_SEARCH_RANDOM_PRUNED:
        run_random_factorizations(x, rng, FALSE);
        break;
    case TS_SEARCH_HYBRID:
        run_random_factorizations(x, rng, TRUE);
        break;
    case TS_SEARCH_ANNEAL:
        run_anneal(x, rng);
        break;
    case TS_SEARCH_COUNT_:
        break;
    }
    if (rng)
        gsl_rng_free(rng);
done:
    flush_progress(x);
    c->done = !c->timed_out;
}

static gpointer worker(gpointer data)
{
    Run *r = data;
    Ctx *x = g_new0(Ctx, 1); /* per-thread scratch: mapping and cost buffers */
    x->run = r;
    double cpu0 = thread_cpu_s();
    for (;;) {
        gint i = g_atomic_int_add(&r->next, 1);
        if (i >= (gint)r->n_chunks)
            break;
        run_chunk(r, x, &r->chunks[i]);
    }
    double cpu = thread_cpu_s() - cpu0;
    g_free(x);
    g_mutex_lock(&r->lock);
    r->cpu_s += cpu;
    r->running--;
    g_cond_signal(&r->cond);
    g_mutex_unlock(&r->lock);
    return NULL;
}

/* ---- Driver ----------------------------------------------------------------------------- */

static int compare_entries_qsort(const void *a, const void *b, void *data)
{
    const Run *r = data;
    return entry_compare(r->sp, r->opt->n_metrics, a, b);
}

/* Dimensions held at one factorization in a run (the polish's sub-spaces). */
typedef struct {
    uint32_t mask;
    uint32_t fact[TS_MAX_DIMS];
} Pins;

/* One run of the chunks of an algorithm over the space (or over the sub-space of pins, for
 * the ordered walks), every chunk's threshold starting at threshold; an ordered walk stops
 * after visit_cap factorizations (shared by the chunks; 0 = no cap). Fills result (counts,
 * best, completeness and the lower bound of the ordered walks); seconds from start_us. */
static void search_core(const TsMapSpace *sp, TsSearchEvalFn eval_fn, gpointer user_data,
                        const TsSearchOptions *options, const Pins *pins, double threshold,
                        guint64 visit_cap, gint64 start_us, TsSearchResult *result)
{
    TsSearchOptions opt = *options;
    const gboolean ordered =
        opt.algorithm == TS_SEARCH_EXHAUSTIVE || opt.algorithm == TS_SEARCH_LINEAR_PRUNED;
    memset(result, 0, sizeof *result);
    result->algorithm = opt.algorithm;
    result->lower_bound = -INFINITY;

    Run r = {0};
    r.sp = sp;
    r.fn = eval_fn;
    r.ud = user_data;
    r.opt = &opt;
    for (guint d = 0; d < sp->n_dims; d++) {
        const gboolean pin = pins && (pins->mask >> d & 1u);
        r.base[d] = pin ? pins->fact[d] : 0;
        r.nf[d] = pin ? 1 : sp->n_facts[d];
    }
    /* Ordered walks: exhaustive puts the dimensions with the most factorizations first, so the
     * bound of a long prefix cuts the most; linear-pruned keeps the id order (Timeloop's linear
     * walk). Ties in cost break on the id whatever the walk, as every mapping that could rank
     * is evaluated. */
    for (guint d = 0; d < sp->n_dims; d++)
        r.walk[d] = (uint8_t)d;
    if (opt.algorithm == TS_SEARCH_EXHAUSTIVE) {
        /* Dimensions with one factorization first (they fix nothing to walk), then the most
         * factorizations first. */
        for (guint i = 1; i < sp->n_dims; i++) {
            uint8_t w = r.walk[i];
            guint j = i;
            while (j > 0 && walk_rank(&r, r.walk[j - 1]) < walk_rank(&r, w)) {
                r.walk[j] = r.walk[j - 1];
                j--;
            }
            r.walk[j] = w;
        }
    }
    r.util_rules = sp->rules.min_compute_utilization > 0;
    for (guint l = 0; l < sp->n_levels; l++)
        r.util_rules |= sp->rules.level[l].min_spatial_utilization > 0;
    g_mutex_init(&r.lock);
    g_cond_init(&r.cond);

    /* Chunks. Factorization index range; beyond 2^120 (only absurd spaces) an ordered walk
     * covers the first 2^120 and never reports itself complete. */
    const u128 cap = (u128)1 << 120;
    u128 total = 1;
    gboolean huge = FALSE;
    for (guint d = 0; d < sp->n_dims; d++) {
        if (total > cap / r.nf[d]) {
            total = cap;
            huge = TRUE;
            break;
        }
        total *= r.nf[d];
    }
    guint n_chunks =
        opt.chunks ? opt.chunks : (ordered ? DEFAULT_LINEAR_CHUNKS : DEFAULT_RANDOM_CHUNKS);
    if (ordered && (u128)n_chunks > total)
        n_chunks = (guint)total;
    r.n_chunks = n_chunks;
    r.total_ids = (double)total;
    r.chunks = g_new0(Chunk, n_chunks);
    for (guint i = 0; i < n_chunks; i++) {
        Chunk *c = &r.chunks[i];
        c->index = i;
        c->budget = opt.budget ? opt.budget / n_chunks + (i < opt.budget % n_chunks ? 1 : 0) : 0;
        c->lo = total * i / n_chunks;
        c->hi = total * (i + 1) / n_chunks;
        c->stopped_at = c->lo;
        c->visit_budget =
            visit_cap ? MAX(1u, visit_cap / n_chunks + (i < visit_cap % n_chunks ? 1 : 0)) : 0;
        c->best = g_new0(TsSearchEntry, opt.top_k);
        c->threshold = threshold;
    }

    r.start_us = start_us;
    r.deadline_us = opt.time_limit_s > 0 ? start_us + (gint64)(opt.time_limit_s * 1e6) : 0;
    guint n_threads = MIN(opt.threads, n_chunks);
    r.running = n_threads;
    GThread **threads = g_new0(GThread *, n_threads);
    for (guint t = 0; t < n_threads; t++)
        threads[t] = g_thread_new("tilesim-search", worker, &r);

    g_mutex_lock(&r.lock);
    while (r.running > 0) {
        if (opt.progress) {
            gint64 until =
                g_get_monotonic_time() + (gint64)(MAX(opt.progress_interval_s, 0.05) * 1e6);
            g_cond_wait_until(&r.cond, &r.lock, until);
            TsSearchProgress p = {0};
            p.elapsed_s = (double)(g_get_monotonic_time() - r.start_us) * 1e-6;
            p.evaluated = r.evaluated;
            p.valid = r.valid;
            p.have_best = r.have_best;
            p.space_fraction = ordered && !huge ? MIN(r.walked, 1.0) : NAN;
            memcpy(p.best, r.best_key, sizeof p.best);
            g_mutex_unlock(&r.lock);
            opt.progress(&p, opt.progress_data);
            g_mutex_lock(&r.lock);
        } else {
            g_cond_wait(&r.cond, &r.lock);
        }
    }
    g_mutex_unlock(&r.lock);
    for (guint t = 0; t < n_threads; t++)
        g_thread_join(threads[t]);
    g_free(threads);

    /* Merge in chunk order. */
    result->cpu_seconds = r.cpu_s;
    result->chunks = n_chunks;
    guint n_all = 0;
    for (guint i = 0; i < n_chunks; i++)
        n_all += r.chunks[i].n_best;
    TsSearchEntry *all = g_new0(TsSearchEntry, MAX(n_all, 1u));
    gboolean walked_all = TRUE;
    n_all = 0;
    for (guint i = 0; i < n_chunks; i++) {
        Chunk *c = &r.chunks[i];
        result->evaluated += c->evaluated;
        result->valid += c->valid;
        result->model_calls += c->model_calls;
        result->skipped_candidates += c->skipped;
        result->skipped_factorizations += c->skipped_facts;
        result->bounded_factorizations += c->bounded_facts;
        for (guint k = 0; k < TS_EVAL_COUNT_; k++)
            result->rejected[k] += c->rejected[k];
        result->timed_out |= c->timed_out;
        if (c->done)
            result->chunks_done++;
        walked_all &= c->walked;
        memcpy(&all[n_all], c->best, c->n_best * sizeof(TsSearchEntry));
        n_all += c->n_best;
        g_free(c->best);
        c->best = NULL;
    }
    g_qsort_with_data(all, (gint)n_all, sizeof(TsSearchEntry), compare_entries_qsort, &r);
    /* De-duplicate ids (random streams may meet) and keep the top K. */
    guint n_best = 0;
    for (guint i = 0; i < n_all && n_best < opt.top_k; i++) {
        if (n_best && ts_mapid_compare(sp, &all[i].id, &all[n_best - 1].id) == 0)
            continue;
        if (n_best != i)
            all[n_best] = all[i];
        n_best++;
    }
    result->n_best = n_best;
    result->best = all;
    result->complete = ordered && walked_all && !result->timed_out && !huge;
    /* Certificate of an ordered walk: the least lower bound over what was left unwalked
     * (every subtree the bound cut exceeded a mapping found, so it cannot hold a better one). */
    if (ordered && opt.bound && !huge) {
        double low = n_best > 0 ? all[0].key[0] : threshold;
        for (guint i = 0; i < n_chunks; i++)
            if (!r.chunks[i].walked)
                low = MIN(low, remaining_lower(&r, &r.chunks[i], r.chunks[i].stopped_at));
        result->lower_bound = low;
    } else if (result->complete && n_best > 0) {
        result->lower_bound = all[0].key[0];
    }
    g_free(r.chunks);
    g_mutex_clear(&r.lock);
    g_cond_clear(&r.cond);
}

/* Adds src's counts to dst and merges the best entries (by cost, then id; one entry per id; top
 * K). src is cleared. */
static void merge_result(const TsMapSpace *sp, const TsSearchOptions *opt, TsSearchResult *dst,
                         TsSearchResult *src)
{
    dst->evaluated += src->evaluated;
    dst->valid += src->valid;
    dst->model_calls += src->model_calls;
    dst->skipped_candidates += src->skipped_candidates;
    dst->skipped_factorizations += src->skipped_factorizations;
    dst->bounded_factorizations += src->bounded_factorizations;
    for (guint k = 0; k < TS_EVAL_COUNT_; k++)
        dst->rejected[k] += src->rejected[k];
    dst->cpu_seconds += src->cpu_seconds;
    dst->timed_out |= src->timed_out;
    guint n_all = dst->n_best + src->n_best;
    TsSearchEntry *all = g_new0(TsSearchEntry, MAX(n_all, 1u));
    if (dst->n_best)
        memcpy(all, dst->best, dst->n_best * sizeof(TsSearchEntry));
    if (src->n_best)
        memcpy(all + dst->n_best, src->best, src->n_best * sizeof(TsSearchEntry));
    Run cmp = {.sp = sp, .opt = opt};
    g_qsort_with_data(all, (gint)n_all, sizeof(TsSearchEntry), compare_entries_qsort, &cmp);
    guint n_best = 0;
    for (guint i = 0; i < n_all && n_best < opt->top_k; i++) {
        if (n_best && ts_mapid_compare(sp, &all[i].id, &all[n_best - 1].id) == 0)
            continue;
        if (n_best != i)
            all[n_best] = all[i];
        n_best++;
    }
    g_free(dst->best);
    dst->best = all;
    dst->n_best = n_best;
    ts_search_result_clear(src);
}

/* The polish of a sampling search: exhaustive walks of the sub-spaces where every dimension but
 * two keeps the best mapping's factorization (every pair of dimensions that have a choice, or
 * the one such dimension), pruned by the bound from the best value; repeated while a round
 * improves it (at most 4 rounds). Each walk stops after visiting POLISH_VISITS_PER_VALID
 * factorizations per valid evaluation of the search's budget (2^21 without a budget) or after
 * that budget of valid evaluations (both shared by its chunks: deterministic), which bounds
 * its cost on spaces where the bound cuts little. Adds to result. */
#define POLISH_VISITS_PER_VALID 10u
static void polish(const TsMapSpace *sp, TsSearchEvalFn eval_fn, gpointer user_data,
                   const TsSearchOptions *opt, gint64 start_us, TsSearchResult *result)
{
    guint free_dims[TS_MAX_DIMS], n_free = 0;
    for (guint d = 0; d < sp->n_dims; d++)
        if (sp->n_facts[d] > 1)
            free_dims[n_free++] = d;
    if (n_free == 0)
        return;
    TsSearchOptions po = *opt;
    po.algorithm = TS_SEARCH_EXHAUSTIVE;
    po.budget = opt->budget; /* valid evaluations of each walk */
    po.victory = 0;
    po.max_invalid = 0;
    po.chunks = 16;
    po.top_k = 1;
    po.progress = NULL;
    po.polish = FALSE;
    const guint64 visit_cap = opt->budget ? opt->budget * POLISH_VISITS_PER_VALID : 1u << 21;
    for (guint round = 0; round < 4; round++) {
        gboolean improved = FALSE;
        for (guint i = 0; i < n_free; i++) {
            for (guint j = i + 1; j < MAX(n_free, i + 2); j++) {
                if (result->n_best == 0 || result->timed_out)
                    return;
                const TsMapId cur = result->best[0].id;
                const double cur_key = result->best[0].key[0];
                Pins pins = {.mask = (1u << sp->n_dims) - 1u};
                pins.mask &= ~(1u << free_dims[i]);
                if (j < n_free)
                    pins.mask &= ~(1u << free_dims[j]);
                memcpy(pins.fact, cur.fact, sizeof pins.fact);
                TsSearchResult pr;
                search_core(sp, eval_fn, user_data, &po, &pins, cur_key, visit_cap, start_us, &pr);
                const gboolean better = pr.n_best > 0 && pr.best[0].key[0] < cur_key;
                merge_result(sp, opt, result, &pr);
                improved |= better;
            }
        }
        if (!improved)
            break;
    }
}

gboolean ts_search_run(const TsMapSpace *space, TsSearchEvalFn eval_fn, gpointer user_data,
                       const TsSearchOptions *options, TsSearchResult *result)
{
    g_return_val_if_fail(space != NULL && eval_fn != NULL && options != NULL && result != NULL,
                         FALSE);
    g_return_val_if_fail(options->n_metrics >= 1 && options->n_metrics <= TS_SEARCH_MAX_METRICS,
                         FALSE);
    g_return_val_if_fail(options->top_k >= 1 && options->threads >= 1, FALSE);
    g_return_val_if_fail((guint)options->algorithm < TS_SEARCH_COUNT_, FALSE);
    gboolean ordered =
        options->algorithm == TS_SEARCH_EXHAUSTIVE || options->algorithm == TS_SEARCH_LINEAR_PRUNED;
    g_return_val_if_fail(
        ordered || options->budget || options->victory || options->time_limit_s > 0, FALSE);
    const TsMapSpace *sp = space;

    TsSearchOptions opt = *options;
    /* The model bounds assume full tiles (every loop runs its factor): with imperfect
     * factorizations they are not lower bounds, so the walks run without them. */
    if (space->imperfect_dims && opt.bound == ts_search_model_bound)
        opt.bound = NULL;
    if (opt.algorithm == TS_SEARCH_EXHAUSTIVE) {
        opt.victory = 0;
        opt.max_invalid = 0;
    }
    /* linear-pruned honours --max-invalid like the sampling searches (Timeloop's timeout):
     * its walk in id order can cross long invalid stretches, so an infeasible or sparse space
     * stops with a clear "no valid mapping" instead of walking 10^13 points; --max-invalid 0
     * walks on. */

    /* Incumbent for branch and bound (exhaustive, top 1): the default search (an anneal of
     * incumbent_budget valid evaluations, polished unless incumbent_no_polish), whose best
     * starts every chunk's threshold. It counts as part of the run. */
    gint64 t0 = g_get_monotonic_time();
    TsSearchResult inc = {0};
    double threshold = INFINITY;
    if (opt.algorithm == TS_SEARCH_EXHAUSTIVE && opt.bound && opt.top_k == 1 &&
        opt.incumbent_budget) {
        TsSearchOptions io = opt;
        io.algorithm = TS_SEARCH_ANNEAL;
        io.budget = opt.incumbent_budget;
        io.victory = 0;
        io.max_invalid = options->max_invalid ? options->max_invalid : 100000;
        io.chunks = 0;
        io.incumbent_budget = 0;
        io.progress = NULL;
        io.polish = !opt.incumbent_no_polish;
        if (ts_search_run(space, eval_fn, user_data, &io, &inc))
            threshold = inc.best[0].key[0];
    }

    search_core(sp, eval_fn, user_data, &opt, NULL, threshold, 0, t0, result);
    if (inc.evaluated || inc.n_best) {
        const double lower = result->lower_bound;
        merge_result(sp, &opt, result, &inc);
        result->lower_bound = lower;
    }
    if (opt.polish && !ordered && opt.bound && result->n_best > 0 && !result->timed_out) {
        polish(sp, eval_fn, user_data, &opt, t0, result);
        result->lower_bound = -INFINITY;
    }
    if (result->n_best > 0 && result->lower_bound > result->best[0].key[0])
        result->lower_bound = result->best[0].key[0];
    result->algorithm = options->algorithm;
    result->seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    result->evaluations_per_s = result->seconds > 0 ? result->evaluated / result->seconds : 0;
    result->valid_per_cpu_s = result->cpu_seconds > 0 ? result->valid / result->cpu_seconds : 0;
    return result->valid > 0;
}

void ts_search_result_copy(TsSearchResult *dest, const TsSearchResult *src)
{
    g_return_if_fail(dest != NULL && src != NULL);
    *dest = *src;
    dest->best = src->n_best ? g_memdup2(src->best, src->n_best * sizeof(TsSearchEntry)) : NULL;
}

void ts_search_result_clear(TsSearchResult *result)
{
    if (result == NULL)
        return;
    g_free(result->best);
    memset(result, 0, sizeof *result);
}
