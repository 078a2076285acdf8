/* Search drivers: identical results for 1, 2 and 8 threads (every algorithm, fake and real
 * cost), exhaustive search equal to brute force over every mapping (all permutations, all
 * keep choices) under the analytical model, constrained searches that never return a
 * violating mapping, stop conditions, top-K ranking, names and metric parsing. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "search-fixture.h"
#include "ts-test.h"

static const TsSearchAlgorithm kAll[] = {TS_SEARCH_EXHAUSTIVE, TS_SEARCH_LINEAR_PRUNED,
                                         TS_SEARCH_RANDOM,     TS_SEARCH_RANDOM_PRUNED,
                                         TS_SEARCH_HYBRID,     TS_SEARCH_ANNEAL};

static void options(TsSearchOptions *o, TsSearchAlgorithm alg, guint64 budget, guint threads)
{
    ts_search_options_init(o);
    o->algorithm = alg;
    o->budget = alg == TS_SEARCH_EXHAUSTIVE ? 0 : budget;
    o->threads = threads;
    o->seed = ts_test_seed(42);
    o->top_k = 4;
}

static void expect_same(const TsMapSpace *sp, const TsSearchResult *a, const TsSearchResult *b)
{
    CU_ASSERT_EQUAL(a->evaluated, b->evaluated);
    CU_ASSERT_EQUAL(a->valid, b->valid);
    CU_ASSERT_EQUAL(a->model_calls, b->model_calls);
    CU_ASSERT_EQUAL(a->skipped_candidates, b->skipped_candidates);
    CU_ASSERT_EQUAL(a->skipped_factorizations, b->skipped_factorizations);
    for (guint k = 0; k < TS_EVAL_COUNT_; k++)
        CU_ASSERT_EQUAL(a->rejected[k], b->rejected[k]);
    CU_ASSERT_EQUAL_FATAL(a->n_best, b->n_best);
    for (guint i = 0; i < a->n_best; i++) {
        CU_ASSERT_EQUAL(ts_mapid_compare(sp, &a->best[i].id, &b->best[i].id), 0);
        CU_ASSERT_EQUAL(a->best[i].key[0], b->best[i].key[0]);
        CU_ASSERT_EQUAL(a->best[i].cost.energy_pj, b->best[i].cost.energy_pj);
        CU_ASSERT_EQUAL(a->best[i].cost.cycles, b->best[i].cost.cycles);
        CU_ASSERT(ts_mapping_equal(&a->best[i].mapping, &b->best[i].mapping));
    }
}

static void check_threads(const TsMapSpace *sp, TsSearchEvalFn fn, gpointer data,
                          TsSearchAlgorithm alg, guint64 budget)
{
    TsSearchResult r1, r2, r8;
    TsSearchOptions o;
    options(&o, alg, budget, 1);
    ts_search_run(sp, fn, data, &o, &r1);
    o.threads = 2;
    ts_search_run(sp, fn, data, &o, &r2);
    o.threads = 8;
    ts_search_run(sp, fn, data, &o, &r8);
    CU_ASSERT(r1.valid > 0);
    CU_ASSERT(r1.n_best == 4);
    expect_same(sp, &r1, &r2);
    expect_same(sp, &r1, &r8);
    ts_search_result_clear(&r1);
    ts_search_result_clear(&r2);
    ts_search_result_clear(&r8);
}

static void test_threads_fake(void)
{
    SxArch a;
    TsOp op;
    g_autoptr(TsMapSpace) sp = sx_space3(&a, &op, 16, 12, 8);
    for (guint i = 0; i < G_N_ELEMENTS(kAll); i++) {
        if (kAll[i] == TS_SEARCH_EXHAUSTIVE)
            continue; /* 1e7 points: the real-model test below covers it on a smaller op */
        check_threads(sp, sx_fake_eval, NULL, kAll[i], 3000);
    }
}

static void test_threads_model(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 8, 4, 4);
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, NULL, NULL);
    g_autoptr(TsModel) model = sx_model(&a, &op);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    for (guint i = 0; i < G_N_ELEMENTS(kAll); i++)
        check_threads(sp, ts_search_model_eval, model, kAll[i], 2000);
}

/* ---- Exhaustive = brute force ------------------------------------------------------------ */

typedef struct {
    double best[TS_METRIC_COUNT_];
    guint64 valid;
} Brute;

/* Every factorization of every dimension over every slot of the arch (one spatial axis per
 * dimension, as Timeloop's mapping format), every permutation of every level, and every keep
 * mask (keep_all: all levels keep everything). */
static void brute_force(const SxArch *a, const TsOp *op, TsModel *model, gboolean keep_all,
                        Brute *out)
{
    guint L = a->n, S = 0;
    int slot_t[SX_MAX_LEVELS], slot_x[SX_MAX_LEVELS], slot_y[SX_MAX_LEVELS];
    for (guint l = 0; l < L; l++) {
        slot_t[l] = (int)S++;
        slot_x[l] = a->space.level[l].fanout_x > 1 ? (int)S++ : -1;
        slot_y[l] = a->space.level[l].fanout_y > 1 ? (int)S++ : -1;
    }
    GArray *rows[3];
    uint32_t cur[TS_SPACE_MAX_SLOTS];
    for (guint d = 0; d < 3; d++) {
        rows[d] = g_array_new(FALSE, FALSE, sizeof(uint32_t));
        sx_splits(op->dims[d], S, 0, cur, rows[d]);
    }
    static const uint8_t perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                        {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (guint m = 0; m < TS_METRIC_COUNT_; m++)
        out->best[m] = INFINITY;
    out->valid = 0;
    guint n_keep = keep_all ? 1 : 1u << (3 * (L - 1));
    guint n_perm = 1;
    for (guint l = 0; l < L; l++)
        n_perm *= 6;
    guint nr[3] = {rows[0]->len / S, rows[1]->len / S, rows[2]->len / S};
    for (guint i0 = 0; i0 < nr[0]; i0++)
        for (guint i1 = 0; i1 < nr[1]; i1++)
            for (guint i2 = 0; i2 < nr[2]; i2++) {
                const uint32_t *row[3] = {&g_array_index(rows[0], uint32_t, i0 * S),
                                          &g_array_index(rows[1], uint32_t, i1 * S),
                                          &g_array_index(rows[2], uint32_t, i2 * S)};
                TsMapping m;
                memset(&m, 0, sizeof m);
                m.n_levels = (uint8_t)L;
                m.n_dims = 3;
                gboolean both = FALSE;
                for (guint l = 0; l < L; l++) {
                    for (guint d = 0; d < TS_MAX_DIMS; d++)
                        m.level[l].temporal[d] = m.level[l].spatial_x[d] = m.level[l].spatial_y[d] =
                            1;
                    for (guint d = 0; d < 3; d++) {
                        m.level[l].temporal[d] = row[d][slot_t[l]];
                        if (slot_x[l] >= 0)
                            m.level[l].spatial_x[d] = row[d][slot_x[l]];
                        if (slot_y[l] >= 0)
                            m.level[l].spatial_y[d] = row[d][slot_y[l]];
                        both |= m.level[l].spatial_x[d] > 1 && m.level[l].spatial_y[d] > 1;
                        m.level[l].spatial_permutation[d] = (uint8_t)d;
                    }
                }
                if (both)
                    continue;
                for (guint k = 0; k < n_keep; k++) {
                    for (guint l = 0; l < L; l++)
                        m.level[l].keep =
                            l == 0 || keep_all ? 7 : (uint8_t)((k >> (3 * (l - 1))) & 7u);
                    for (guint p = 0; p < n_perm; p++) {
                        guint q = p;
                        for (guint l = 0; l < L; l++) {
                            memcpy(m.level[l].permutation, perms[q % 6], 3);
                            q /= 6;
                        }
                        TsCost c;
                        if (ts_model_evaluate(model, &m, &c) != TS_EVAL_OK)
                            continue;
                        out->valid++;
                        for (guint mt = 0; mt < TS_METRIC_COUNT_; mt++)
                            out->best[mt] = MIN(out->best[mt], ts_metric_value(&c, (TsMetric)mt));
                    }
                }
            }
    for (guint d = 0; d < 3; d++)
        g_array_free(rows[d], TRUE);
}

static void check_exhaustive(const SxArch *a, const TsOp *op, gboolean keep_all)
{
    g_autoptr(TsModel) model = sx_model(a, op);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsRules rules;
    ts_rules_init(&rules, &a->space, op);
    if (keep_all)
        for (guint l = 0; l < a->n; l++)
            rules.level[l].keep = 7;
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a->space, op, &rules, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    Brute bf;
    brute_force(a, op, model, keep_all, &bf);
    CU_ASSERT_FATAL(bf.valid > 0);
    for (guint mt = 0; mt < TS_METRIC_COUNT_; mt++) {
        for (guint with_bound = 0; with_bound < 2; with_bound++) {
            TsSearchOptions o;
            options(&o, TS_SEARCH_EXHAUSTIVE, 0, 2);
            o.metrics[0] = (TsMetric)mt;
            o.top_k = 1;
            if (with_bound) {
                o.bound = ts_search_model_bound;
                o.bound_data = model;
                o.incumbent_budget = 200;
            }
            TsSearchResult r;
            CU_ASSERT_TRUE(ts_search_run(sp, ts_search_model_eval, model, &o, &r));
            CU_ASSERT_EQUAL_FATAL(r.n_best, 1);
            double got = r.best[0].key[0];
            CU_ASSERT_DOUBLE_EQUAL(got, bf.best[mt], fabs(bf.best[mt]) * 1e-12);
            if (fabs(got - bf.best[mt]) > fabs(bf.best[mt]) * 1e-12)
                fprintf(stderr, "metric %s bound %u: exhaustive %.17g brute force %.17g\n",
                        ts_metric_name((TsMetric)mt), with_bound, got, bf.best[mt]);
            CU_ASSERT_FALSE(r.timed_out);
            CU_ASSERT_EQUAL(r.chunks_done, r.chunks);
            CU_ASSERT_TRUE(r.complete);
            ts_search_result_clear(&r);
        }
    }
}

static void test_exhaustive_brute_force_keep_free(void)
{
    SxArch a;
    sx_arch2(&a);
    TsOp op;
    sx_gemm(&op, 4, 4, 4);
    check_exhaustive(&a, &op, FALSE);
}

static void test_exhaustive_brute_force_three_levels(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 4, 4, 2);
    check_exhaustive(&a, &op, TRUE);
}

/* The bound of the ordered walks must stay a lower bound when a compute instance does several
 * MACs per cycle (macs_per_cycle: 4): exhaustive search with the bound finds the same best
 * (top 1 and top 2) as without it, for every metric, on an M x N x K GEMM. */
static void check_bound_macs_per_cycle(uint64_t m, uint64_t n, uint64_t k_dim)
{
    static const char yaml[] =
        "architecture:\n"
        "  name: simd4\n"
        "  clock: 200MHz\n"
        "  technology: 45nm\n"
        "  levels:\n"
        "    - name: DRAM\n"
        "      class: dram\n"
        "      preset: LPDDR4-3200\n"
        "      attributes: {word_bits: 16, block_size: 4, read_bandwidth: 64, "
        "write_bandwidth: 64}\n"
        "    - name: GlobalBuffer\n"
        "      class: sram\n"
        "      attributes: {depth: 4096, width_bits: 64, word_bits: 16, read_bandwidth: 64, "
        "write_bandwidth: 64}\n"
        "    - name: PE\n"
        "      spatial: {meshX: 4}\n"
        "      levels:\n"
        "        - name: RegisterFile\n"
        "          class: regfile\n"
        "          attributes: {depth: 64, width_bits: 16, word_bits: 16}\n"
        "        - name: MACC\n"
        "          class: mac\n"
        "          attributes: {word_bits: 16, macs_per_cycle: 4}\n";
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("ts-search-XXXXXX", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    g_autofree char *path = g_build_filename(dir, "simd4.yaml", NULL);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, yaml, -1, &error));
    TsArch *arch = ts_arch_load(path, NULL, &error);
    if (arch == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsOp op;
    sx_gemm(&op, m, n, k_dim);
    TsSpaceArch sa;
    CU_ASSERT_TRUE_FATAL(ts_space_arch_from_arch(arch, &sa, &error));
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&sa, &op, NULL, &error);
    g_autoptr(TsModel) model = ts_model_new(arch, &op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    for (guint mt = 0; mt < TS_METRIC_COUNT_; mt++) {
        /* Without the bound, one walk ranks the top 2 (its rank 1 is the top 1: ties break
         * on the mapping id); with it, top 1 and top 2 are separate walks, as the bound
         * prunes against the K-th best. */
        TsSearchResult plain;
        TsSearchOptions o;
        options(&o, TS_SEARCH_EXHAUSTIVE, 0, 2);
        o.metrics[0] = (TsMetric)mt;
        o.top_k = 2;
        CU_ASSERT_TRUE(ts_search_run(sp, ts_search_model_eval, model, &o, &plain));
        CU_ASSERT_TRUE(plain.complete);
        CU_ASSERT_EQUAL_FATAL(plain.n_best, 2);
        for (guint k = 1; k <= 2; k++) {
            TsSearchResult bounded;
            options(&o, TS_SEARCH_EXHAUSTIVE, 0, 2);
            o.metrics[0] = (TsMetric)mt;
            o.top_k = k;
            o.bound = ts_search_model_bound;
            o.bound_data = model;
            o.incumbent_budget = 200;
            CU_ASSERT_TRUE(ts_search_run(sp, ts_search_model_eval, model, &o, &bounded));
            CU_ASSERT_TRUE(bounded.complete);
            CU_ASSERT_EQUAL_FATAL(bounded.n_best, k);
            for (guint i = 0; i < k; i++) {
                CU_ASSERT_EQUAL(bounded.best[i].key[0], plain.best[i].key[0]);
                if (bounded.best[i].key[0] != plain.best[i].key[0])
                    fprintf(stderr, "metric %s top %u rank %u: bound %.17g, no bound %.17g\n",
                            ts_metric_name((TsMetric)mt), k, i + 1, bounded.best[i].key[0],
                            plain.best[i].key[0]);
            }
            ts_search_result_clear(&bounded);
        }
        ts_search_result_clear(&plain);
    }
    ts_arch_free(arch);
    g_unlink(path);
    g_rmdir(dir);
}

/* A GEMM small enough for a sanitizer build (seconds) that still catches a bound ignoring
 * macs_per_cycle (checked by removing the division); the slow variant runs 8 x 16 x 16. */
static void test_bound_macs_per_cycle(void)
{
    check_bound_macs_per_cycle(4, 4, 16);
}

static void test_bound_macs_per_cycle_full(void)
{
    check_bound_macs_per_cycle(8, 16, 16);
}

/* ---- Constraints honoured ----------------------------------------------------------------- */

static void test_constrained_never_violates(void)
{
    SxArch a;
    sx_arch3(&a);
    a.storage[1].size_words = 512;
    a.storage[2].size_words = 64;
    TsOp op;
    sx_gemm(&op, 16, 12, 8);
    g_autoptr(TsModel) model = sx_model(&a, &op);
    TsRules rules;
    ts_rules_init(&rules, &a.space, &op);
    rules.level[0].temporal[SX_K].exact = 2;
    rules.level[1].spatial[SX_M].exact = 2;
    rules.level[1].axis[SX_M] = TS_AXIS_X;
    rules.level[1].temporal[SX_N].max = 3;
    rules.level[0].perm[0] = SX_N;
    rules.level[0].perm[1] = SX_M;
    rules.level[0].n_perm = 2;
    rules.level[2].bypass = 1u << SX_I;
    rules.level[1].keep = 1u << SX_O;
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, &rules, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    for (guint i = 0; i < G_N_ELEMENTS(kAll); i++) {
        TsSearchOptions o;
        options(&o, kAll[i], 3000, 2);
        o.top_k = 10;
        TsSearchResult r;
        CU_ASSERT_TRUE(ts_search_run(sp, ts_search_model_eval, model, &o, &r));
        for (guint k = 0; k < r.n_best; k++) {
            GString *why = g_string_new(NULL);
            gboolean ok = ts_rules_check(&rules, &a.space, &op, &r.best[k].mapping, why);
            if (!ok)
                fprintf(stderr, "%s: %s", ts_search_algorithm_name(kAll[i]), why->str);
            CU_ASSERT_TRUE(ok);
            g_string_free(why, TRUE);
        }
        ts_search_result_clear(&r);
    }
}

/* ---- Stop conditions, ranking ------------------------------------------------------------- */

static TsEvalStatus always_invalid(const TsMapping *m, TsCost *cost, gpointer data)
{
    (void)m;
    (void)data;
    cost->status = TS_EVAL_CAPACITY;
    return TS_EVAL_CAPACITY;
}

static void test_stop_conditions(void)
{
    SxArch a;
    TsOp op;
    g_autoptr(TsMapSpace) sp = sx_space3(&a, &op, 64, 48, 32);
    TsSearchOptions o;
    TsSearchResult r;
    /* Budget: exactly that many valid evaluations. */
    for (guint i = 1; i < G_N_ELEMENTS(kAll); i++) {
        options(&o, kAll[i], 777, 2);
        ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
        CU_ASSERT_EQUAL(r.valid, 777);
        ts_search_result_clear(&r);
    }
    /* Victory: each chunk stops after 50 non-improving valid mappings in a row. */
    options(&o, TS_SEARCH_RANDOM, 0, 2);
    o.victory = 50;
    ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
    CU_ASSERT(r.valid >= 50 * r.chunks && r.valid < 100000);
    CU_ASSERT_EQUAL(r.chunks_done, r.chunks);
    ts_search_result_clear(&r);
    /* Time limit: an unbounded search stops. */
    options(&o, TS_SEARCH_RANDOM, 0, 2);
    o.time_limit_s = 0.2;
    gint64 t0 = g_get_monotonic_time();
    ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
    double s = (double)(g_get_monotonic_time() - t0) * 1e-6;
    CU_ASSERT(r.timed_out);
    CU_ASSERT(s < 5.0);
    CU_ASSERT(r.valid > 0);
    ts_search_result_clear(&r);
    /* Nothing valid: every stream gives up after max_invalid in a row. */
    options(&o, TS_SEARCH_ANNEAL, 1000, 2);
    o.max_invalid = 500;
    CU_ASSERT_FALSE(ts_search_run(sp, always_invalid, NULL, &o, &r));
    CU_ASSERT_EQUAL(r.valid, 0);
    CU_ASSERT_EQUAL(r.n_best, 0);
    CU_ASSERT_EQUAL(r.rejected[TS_EVAL_CAPACITY] + r.rejected[TS_EVAL_FANOUT], r.evaluated);
    ts_search_result_clear(&r);
}

/* A candidate below a minimum utilization is rejected as "utilization", not "fanout", by every
 * algorithm (the sampling ones check it without the model). */
static void test_utilization_rejection_reason(void)
{
    SxArch a;
    sx_arch2(&a); /* fan-out 4 x 1 below DRAM */
    TsOp op;
    sx_gemm(&op, 6, 6, 2);
    TsRules rules;
    ts_rules_init(&rules, &a.space, &op);
    rules.min_compute_utilization = 1.0; /* only spatial K=2 x (M or N)=2 fills the 4 MACs */
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, &rules, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
    for (guint i = 0; i < G_N_ELEMENTS(kAll); i++) {
        TsSearchOptions o;
        options(&o, kAll[i], 200, 2);
        o.max_invalid = 2000;
        TsSearchResult r;
        ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
        guint64 rejected = 0;
        for (guint k = 0; k < TS_EVAL_COUNT_; k++)
            rejected += r.rejected[k];
        CU_ASSERT_EQUAL(rejected + r.valid, r.evaluated);
        if (kAll[i] != TS_SEARCH_EXHAUSTIVE && kAll[i] != TS_SEARCH_LINEAR_PRUNED) {
            /* The ordered walks skip such factorizations (skipped_factorizations). */
            CU_ASSERT(r.rejected[TS_EVAL_UTILIZATION] > 0);
            if (r.rejected[TS_EVAL_UTILIZATION] == 0)
                fprintf(stderr,
                        "%s: utilization %" G_GUINT64_FORMAT " fanout %" G_GUINT64_FORMAT "\n",
                        ts_search_algorithm_name(kAll[i]), r.rejected[TS_EVAL_UTILIZATION],
                        r.rejected[TS_EVAL_FANOUT]);
        }
        ts_search_result_clear(&r);
    }
}

static void test_top_k(void)
{
    SxArch a;
    sx_arch3(&a);
    TsOp op;
    sx_gemm(&op, 16, 12, 8);
    g_autoptr(TsMapSpace) sp = ts_mapspace_new(&a.space, &op, NULL, NULL);
    TsSearchOptions o;
    options(&o, TS_SEARCH_RANDOM, 20000, 2);
    o.top_k = 25;
    o.metrics[0] = TS_METRIC_ENERGY; /* 1000 distinct values: many ties broken by id */
    TsSearchResult r;
    ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
    CU_ASSERT_EQUAL_FATAL(r.n_best, 25);
    for (guint i = 1; i < r.n_best; i++) {
        const TsSearchEntry *p = &r.best[i - 1], *q = &r.best[i];
        CU_ASSERT(p->key[0] <= q->key[0]);
        if (p->key[0] == q->key[0])
            CU_ASSERT(ts_mapid_compare(sp, &p->id, &q->id) < 0);
    }
    /* Lexicographic metrics: energy, then delay. */
    ts_search_result_clear(&r);
    CU_ASSERT_TRUE(ts_search_parse_metrics("energy, delay", &o, NULL));
    ts_search_run(sp, sx_fake_eval, NULL, &o, &r);
    for (guint i = 1; i < r.n_best; i++) {
        const TsSearchEntry *p = &r.best[i - 1], *q = &r.best[i];
        CU_ASSERT(p->key[0] < q->key[0] || (p->key[0] == q->key[0] && p->key[1] <= q->key[1]));
    }
    ts_search_result_clear(&r);
}

static void test_names(void)
{
    TsSearchAlgorithm alg;
    for (guint i = 0; i < TS_SEARCH_COUNT_; i++) {
        CU_ASSERT_TRUE(ts_search_algorithm_from_name(ts_search_algorithm_name(i), &alg, NULL));
        CU_ASSERT_EQUAL(alg, i);
    }
    CU_ASSERT_TRUE(ts_search_algorithm_from_name("random_pruned", &alg, NULL));
    CU_ASSERT_EQUAL(alg, TS_SEARCH_RANDOM_PRUNED);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_search_algorithm_from_name("anneel", &alg, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'anneal'"));
    g_clear_error(&error);
    TsSearchOptions o;
    ts_search_options_init(&o);
    CU_ASSERT_TRUE(ts_search_parse_metrics("delay,energy", &o, NULL));
    CU_ASSERT_EQUAL(o.n_metrics, 2);
    CU_ASSERT_EQUAL(o.metrics[0], TS_METRIC_DELAY);
    CU_ASSERT_FALSE(ts_search_parse_metrics("edp,enrgy", &o, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'energy'"));
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_search_parse_metrics("edp,edp", &o, &error));
    g_clear_error(&error);
    /* The documented stream-seed derivation (docs/mapper.md) must not change silently. */
    CU_ASSERT_EQUAL(ts_search_stream_seed(1, 0), ts_search_stream_seed(1, 0));
    CU_ASSERT_NOT_EQUAL(ts_search_stream_seed(1, 0), ts_search_stream_seed(1, 1));
    CU_ASSERT_NOT_EQUAL(ts_search_stream_seed(1, 0), ts_search_stream_seed(2, 0));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    if (ts_test_slow(argc, argv)) {
        CU_pSuite slow = CU_add_suite("search (slow)", NULL, NULL);
        CU_add_test(slow, "bound with macs_per_cycle > 1 (8 x 16 x 16)",
                    test_bound_macs_per_cycle_full);
        return ts_test_run(argc, argv);
    }
    CU_pSuite s = CU_add_suite("search", NULL, NULL);
    CU_add_test(s, "1/2/8 threads identical (fake cost)", test_threads_fake);
    CU_add_test(s, "1/2/8 threads identical (model)", test_threads_model);
    CU_add_test(s, "exhaustive = brute force (keep free)", test_exhaustive_brute_force_keep_free);
    CU_add_test(s, "exhaustive = brute force (3 levels)", test_exhaustive_brute_force_three_levels);
    CU_add_test(s, "bound with macs_per_cycle > 1", test_bound_macs_per_cycle);
    CU_add_test(s, "constrained search never violates", test_constrained_never_violates);
    CU_add_test(s, "stop conditions", test_stop_conditions);
    CU_add_test(s, "utilization rejections named as such", test_utilization_rejection_reason);
    CU_add_test(s, "top K ranking", test_top_k);
    CU_add_test(s, "names and metrics", test_names);
    return ts_test_run(argc, argv);
}
