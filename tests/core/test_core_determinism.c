/* PHOLD determinism on the DES kernel: the same seed gives the same committed count and final
 * state hash (across runs and across queue structures), a different seed a different hash;
 * the fixed-delay committed count matches ROSS's formula N*S*(ceil(end)-1) exactly. */
#include <CUnit/CUnit.h>

#include "ts-phold.h"
#include "ts-test.h"

static void run(TsPholdConfig *cfg, guint64 *committed, guint64 *hash)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsPhold) ph = ts_phold_new(cfg, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ph);
    *committed = ts_phold_run(ph);
    *hash = ts_phold_state_hash(ph);
}

static void small(TsPholdConfig *cfg, double mean)
{
    ts_phold_config_init(cfg);
    cfg->n_lp = 64;
    cfg->start_events = 4;
    cfg->end = 200;
    cfg->mean = mean;
    cfg->seed = ts_test_seed(7);
}

static void test_phold_fixed(void)
{
    TsPholdConfig cfg;
    small(&cfg, 1.0);
    guint64 c[TS_EVQ_N_KINDS], h[TS_EVQ_N_KINDS];
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        cfg.queue = (TsEvqKind)k;
        run(&cfg, &c[k], &h[k]);
        CU_ASSERT_EQUAL(c[k], 64u * 4u * 199u); /* N*S*(ceil(end)-1) = 50944 */
        CU_ASSERT_EQUAL(c[k], ts_phold_expected_fixed(&cfg));
        CU_ASSERT_EQUAL(h[k], h[0]);
    }
    guint64 c2, h2;
    cfg.queue = TS_EVQ_DEFAULT;
    run(&cfg, &c2, &h2);
    CU_ASSERT_EQUAL(h2, h[0]);
    cfg.seed += 1;
    run(&cfg, &c2, &h2);
    CU_ASSERT_EQUAL(c2, c[0]); /* fixed delay: the count does not depend on the seed */
    CU_ASSERT_NOT_EQUAL(h2, h[0]);
    /* ROSS's n1024 s1 shape, shortened: 1024 * 1 * 99 */
    ts_phold_config_init(&cfg);
    cfg.end = 100;
    run(&cfg, &c2, &h2);
    CU_ASSERT_EQUAL(c2, 101376);
}

static void test_phold_exp(void)
{
    TsPholdConfig cfg;
    small(&cfg, 2.0);
    cfg.end = 400;
    guint64 c[TS_EVQ_N_KINDS], h[TS_EVQ_N_KINDS];
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        cfg.queue = (TsEvqKind)k;
        run(&cfg, &c[k], &h[k]);
        CU_ASSERT_EQUAL(c[k], c[0]);
        CU_ASSERT_EQUAL(h[k], h[0]);
    }
    /* roughly N*S*end/mean events */
    CU_ASSERT_TRUE(c[0] > 45000 && c[0] < 57000);
    guint64 c2, h2;
    cfg.queue = TS_EVQ_DEFAULT;
    run(&cfg, &c2, &h2);
    CU_ASSERT_EQUAL(c2, c[0]);
    CU_ASSERT_EQUAL(h2, h[0]);
    cfg.seed += 1;
    run(&cfg, &c2, &h2);
    CU_ASSERT_NOT_EQUAL(h2, h[0]);
    /* the other generator is just as deterministic */
    cfg.rng = gsl_rng_mt19937;
    guint64 c3, h3;
    run(&cfg, &c2, &h2);
    run(&cfg, &c3, &h3);
    CU_ASSERT_EQUAL(c2, c3);
    CU_ASSERT_EQUAL(h2, h3);
}

static void test_phold_bad_config(void)
{
    TsPholdConfig cfg;
    ts_phold_config_init(&cfg);
    cfg.mean = 0.5; /* below the lookahead */
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(ts_phold_new(&cfg, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID));
    CU_ASSERT_STRING_EQUAL(error->message, "phold: need lookahead > 0 and mean >= lookahead");
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("core_determinism", NULL, NULL);
    CU_add_test(s, "phold_fixed", test_phold_fixed);
    CU_add_test(s, "phold_exp", test_phold_exp);
    CU_add_test(s, "phold_bad_config", test_phold_bad_config);
    return ts_test_run(argc, argv);
}
