/* Map-space search: exhaustive (with fan-out and capacity pruning), linear-pruned, random,
 * random-pruned and hybrid (as Timeloop names them) and simulated annealing, over a TsMapSpace
 * with any cost function. The work is cut into chunks whose number does not depend on the
 * thread count; each chunk has its own GSL random stream and budget share, and chunk results
 * merge in chunk order, so the best mappings, their costs and every count are the same for 1,
 * 2 or 8 threads. The winner is the lowest (cost, mapping id). Only --time-limit can make two
 * runs differ. */
#ifndef TS_SEARCH_H
#define TS_SEARCH_H

#include <glib.h>
#include <stdint.h>

#include "ts-mapspace.h"
#include "ts-model.h"

G_BEGIN_DECLS

typedef enum {
    TS_SEARCH_EXHAUSTIVE,
    TS_SEARCH_LINEAR_PRUNED,
    TS_SEARCH_RANDOM,
    TS_SEARCH_RANDOM_PRUNED,
    TS_SEARCH_HYBRID,
    TS_SEARCH_ANNEAL,
    TS_SEARCH_COUNT_
} TsSearchAlgorithm;

typedef enum {
    TS_METRIC_EDP,    /* energy x delay, J x cycles (cost->edp_j_cycles) */
    TS_METRIC_ENERGY, /* pJ (cost->energy_pj) */
    TS_METRIC_DELAY,  /* cycles (cost->cycles) */
    TS_METRIC_COUNT_
} TsMetric;

#define TS_SEARCH_MAX_METRICS 3

/* The cost function: evaluates mapping into *cost (status, and when TS_EVAL_OK at least
 * energy_pj, cycles and edp_j_cycles). Called from several threads at once with per-thread
 * mapping and cost buffers; must not allocate if the search is to stay allocation-free.
 * ts_search_model_eval() adapts ts_model_evaluate (user_data = the TsModel). */
typedef TsEvalStatus (*TsSearchEvalFn)(const TsMapping *mapping, TsCost *cost, gpointer user_data);

TsEvalStatus ts_search_model_eval(const TsMapping *mapping, TsCost *cost, gpointer model);

/* Optional lower bounds for branch and bound in the ordered walks: fills lower[m] (indexed by
 * TsMetric) with values that no keep choice or loop order of any mapping whose dimensions in
 * the mask fixed (bit d) have the factorizations id->fact[d] (the others unknown) can beat; all
 * dimensions fixed bounds one factorization. ts_search_model_bound() gives them for a TsModel
 * (user_data = the model). */
typedef void (*TsSearchBoundFn)(const TsMapSpace *space, const TsMapId *id, uint32_t fixed,
                                double lower[TS_METRIC_COUNT_], gpointer user_data);

/* Model bounds (docs/mapper.md, "Lower bounds"): energy >= MACs x MAC energy + per level and
 * kept tensor the traffic no loop order avoids (every element of a tensor once per spatial copy,
 * refetched by the irrelevant loops that enclose every relevant loop above the level; the
 * innermost keeping level serves every MAC); cycles >= compute cycles (MACs over the spatial
 * product, or over the most a prefix's free dimensions could add) and, for a whole
 * factorization, each level's traffic per instance over its bandwidth; edp their product. */
void ts_search_model_bound(const TsMapSpace *space, const TsMapId *id, uint32_t fixed,
                           double lower[TS_METRIC_COUNT_], gpointer model);

/* A snapshot for a progress line (counts so far, over all threads). */
typedef struct {
    double elapsed_s;
    guint64 evaluated;
    guint64 valid;
    gboolean have_best;
    double best[TS_SEARCH_MAX_METRICS]; /* metric values of the best so far */
    /* Ordered walks (exhaustive, linear-pruned): share of the space's factorizations walked
     * or skipped by pruning, 0 .. 1; NAN for the sampling searches. */
    double space_fraction;
} TsSearchProgress;

typedef void (*TsSearchProgressFn)(const TsSearchProgress *progress, gpointer user_data);

typedef struct {
    TsSearchAlgorithm algorithm;
    TsMetric metrics[TS_SEARCH_MAX_METRICS]; /* lexicographic, most significant first */
    guint n_metrics;
    guint64 budget;      /* valid evaluations over the whole run; 0 = unlimited */
    double time_limit_s; /* wall seconds; 0 = none (the only source of nondeterminism) */
    guint64 victory;     /* stop a chunk after this many non-improving valid evaluations in a
                            row; 0 = off (ignored by exhaustive) */
    guint64 max_invalid; /* stop a chunk after this many invalid candidates in a row (as
                            Timeloop's timeout); 0 = never (exhaustive ignores it) */
    guint threads;       /* worker threads, >= 1 */
    guint64 seed;        /* master seed of the per-chunk random streams */
    guint top_k;         /* best mappings kept, >= 1 */
    guint chunks;        /* 0 = the algorithm's default (16 random streams, 64 ranges) */
    guint orders_per_factorization; /* random-pruned: loop-order draws per factorization (16) */
    /* Exhaustive and linear-pruned: skip factorizations whose bound on the first metric
     * exceeds the chunk's K-th best (exact: never skips a mapping that could rank). With
     * top_k == 1, exhaustive first runs a short anneal (incumbent_budget valid evaluations,
     * same seed and chunks rule) whose best value starts every chunk's threshold. */
    TsSearchBoundFn bound;
    gpointer bound_data;
    guint64 incumbent_budget; /* 0 = no incumbent pass */
    /* TRUE: the incumbent anneal runs without its polish (as --no-polish asks); FALSE
     * (default): polished, as the default search of `tilesim map`. */
    gboolean incumbent_no_polish;
    /* Sampling algorithms with a bound: after the streams, polish the best by exhaustive
     * walks of the sub-spaces that keep all but two dimensions' factorizations (every pair),
     * pruned by the bound, until a round improves nothing (docs/mapper.md). Counted in the
     * totals; beyond the budget. */
    gboolean polish;
    /* Anneal: stream i < n_start starts from start[i] instead of a random point (the others
     * at random). Borrowed; ids of the searched space. */
    const TsMapId *start;
    guint n_start;
    TsSearchProgressFn progress; /* called from the calling thread, or NULL */
    gpointer progress_data;
    double progress_interval_s;
} TsSearchOptions;

/* Defaults: hybrid, edp, budget 0, no time limit, victory 0, max_invalid 100000, 1 thread,
 * seed 1, top 1, default chunks, 16 orders per factorization, no progress, 0.5 s. */
void ts_search_options_init(TsSearchOptions *options);

/* One ranked mapping. key holds the metric values in options order. */
typedef struct {
    TsMapId id;
    TsMapping mapping;
    TsCost cost;
    double key[TS_SEARCH_MAX_METRICS];
} TsSearchEntry;

typedef struct {
    TsSearchAlgorithm algorithm;
    guint64 evaluated; /* candidates given a verdict (model calls + candidates rejected by the
                          free fan-out pre-check) */
    guint64 valid;
    guint64 rejected[TS_EVAL_COUNT_]; /* by reason; rejected[TS_EVAL_OK] is 0 */
    guint64 model_calls;              /* calls of the cost function */
    /* Skipped without a verdict: loop orders and keep choices of a candidate whose sibling
     * failed for a reason they share (capacity and keep do not depend on loop order), and
     * factorizations cut by the fan-out prefix check of the ordered walks. */
    guint64 skipped_candidates;
    double skipped_factorizations;
    double bounded_factorizations; /* of which cut by the bound */
    guint chunks, chunks_done;
    double seconds;           /* wall */
    double cpu_seconds;       /* summed over worker threads */
    double evaluations_per_s; /* evaluated / seconds */
    double valid_per_cpu_s;   /* valid / cpu_seconds */
    gboolean timed_out;
    /* Exhaustive / linear-pruned: every chunk walked its whole range (no budget, time limit
     * or other stop): for exhaustive, best[0] is the optimum of the space. */
    gboolean complete;
    /* Exhaustive / linear-pruned with a bound: a lower bound of the first metric over the whole
     * space (the least bound over what was left unwalked, and the best found). Equal to
     * best[0].key[0] when complete: the optimality certificate; below it when stopped early,
     * best / lower_bound - 1 is the largest the remaining gap can be. -inf when unknown (no
     * bound, or a sampling algorithm). */
    double lower_bound;
    guint n_best;
    TsSearchEntry *best; /* n_best entries, best first (owned) */
} TsSearchResult;

/* Runs the search. space and user_data are shared read-only by the worker threads. result is
 * overwritten (call ts_search_result_clear to free it). Returns TRUE when at least one valid
 * mapping was found. A random algorithm needs a budget, a victory condition or a time limit
 * (g_return_val_if_fail otherwise). */
gboolean ts_search_run(const TsMapSpace *space, TsSearchEvalFn eval_fn, gpointer user_data,
                       const TsSearchOptions *options, TsSearchResult *result);

void ts_search_result_clear(TsSearchResult *result);

/* Makes dest an independent copy of src (its own best array; clear both). */
void ts_search_result_copy(TsSearchResult *dest, const TsSearchResult *src);

/* Names as on the command line: "exhaustive", "linear-pruned", "random", "random-pruned",
 * "hybrid", "anneal"; metrics "edp", "energy", "delay". */
const char *ts_search_algorithm_name(TsSearchAlgorithm algorithm);
gboolean ts_search_algorithm_from_name(const char *name, TsSearchAlgorithm *algorithm,
                                       GError **error);
const char *ts_metric_name(TsMetric metric);
/* Parses "edp" or a comma list such as "delay,energy" into options (TS_CONFIG_ERROR). */
gboolean ts_search_parse_metrics(const char *text, TsSearchOptions *options, GError **error);

/* Seed of the random stream of chunk index for master seed (documented derivation:
 * low 32 bits of splitmix64(seed + (index + 1) * 0x9E3779B97F4A7C15), 0 mapped to 4357). */
guint32 ts_search_stream_seed(guint64 seed, guint index);

/* Metric value of a cost. */
double ts_metric_value(const TsCost *cost, TsMetric metric);

G_END_DECLS

#endif /* TS_SEARCH_H */
