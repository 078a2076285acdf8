/* Clock-domain conversions at extreme values: 1e12 cycles at 350 MHz, 1.2 GHz and 3 GHz
 * (exact rounded-up ticks, computed with exact rationals), round trips, next-edge alignment
 * and overflow rejection. */
#include "test-core.h"

static void check_clock(guint64 freq, TsTick expect_ticks_1e12)
{
    TsClock c;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_clock_init(&c, freq, &error));
    TsTick t = 0;
    CU_ASSERT_TRUE(ts_clock_try_cycles_to_ticks(&c, G_GUINT64_CONSTANT(1000000000000), &t));
    CU_ASSERT_EQUAL(t, expect_ticks_1e12);
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, t), G_GUINT64_CONSTANT(1000000000000));
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, t - 1), G_GUINT64_CONSTANT(999999999999));
    /* Round trip over a sweep including the first few and a large stride. */
    for (guint64 k = 0; k < 5000; k++)
        CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, ts_clock_cycles_to_ticks(&c, k)), k);
    for (guint64 k = 1; k < G_GUINT64_CONSTANT(1) << 52; k = k * 3 + 7)
        CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, ts_clock_cycles_to_ticks(&c, k)), k);
}

static void test_clock_extremes(void)
{
    /* 1e24 / 350e6 = 2857142857142857.142... -> rounded up */
    check_clock(350000000, G_GUINT64_CONSTANT(2857142857142858));
    /* 1e24 / 1.2e9 = 833333333333333.33... */
    check_clock(1200000000, G_GUINT64_CONSTANT(833333333333334));
    /* 1e24 / 3e9 = 333333333333333.33... */
    check_clock(3000000000u, G_GUINT64_CONSTANT(333333333333334));
    /* odd frequency: 1e24 / 333333333 = 3000000003000000.003 */
    check_clock(333333333, G_GUINT64_CONSTANT(3000000003000001));
    /* integer periods take the fast path: 1 GHz = 1000 ps, 1 THz = 1 ps */
    check_clock(1000000000, G_GUINT64_CONSTANT(1000000000000000));
    check_clock(TS_CLOCK_MAX_HZ, G_GUINT64_CONSTANT(1000000000000));
}

static void test_clock_overflow(void)
{
    TsClock c;
    CU_ASSERT_TRUE_FATAL(ts_clock_init(&c, 350000000, NULL));
    TsTick t = 12345;
    /* Largest cycle count that fits at 350 MHz: floor((2^64-1) * 350e6 / 1e12). */
    guint64 max_c = G_GUINT64_CONSTANT(6456360425798343);
    CU_ASSERT_TRUE(ts_clock_try_cycles_to_ticks(&c, max_c, &t));
    CU_ASSERT_EQUAL(t, G_GUINT64_CONSTANT(18446744073709551429));
    t = 12345;
    CU_ASSERT_FALSE(ts_clock_try_cycles_to_ticks(&c, max_c + 1, &t));
    CU_ASSERT_EQUAL(t, 12345); /* untouched */
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, G_MAXUINT64), TS_TICK_NEVER);
    CU_ASSERT_EQUAL(ts_clock_edge_after(&c, 0, max_c + 1), TS_TICK_NEVER);
    CU_ASSERT_EQUAL(ts_clock_edge_after(&c, 10, G_MAXUINT64), TS_TICK_NEVER);

    TsClock g;
    CU_ASSERT_TRUE_FATAL(ts_clock_init(&g, 1000000000, NULL)); /* fast path */
    CU_ASSERT_FALSE(ts_clock_try_cycles_to_ticks(&g, G_MAXUINT64 / 1000 + 1, &t));
    CU_ASSERT_TRUE(ts_clock_try_cycles_to_ticks(&g, G_MAXUINT64 / 1000, &t));
    CU_ASSERT_EQUAL(t, (G_MAXUINT64 / 1000) * 1000);
    /* ticks -> cycles never overflows */
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, G_MAXUINT64), max_c);

    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_clock_init(&c, 0, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID));
    CU_ASSERT_STRING_EQUAL(error->message, "clock frequency must be in 1 Hz .. 1 THz (got 0 Hz)");
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_clock_new(TS_CLOCK_MAX_HZ + 1, &error));
    CU_ASSERT_TRUE(g_error_matches(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID));
}

static void test_clock_edges(void)
{
    g_autoptr(TsClock) c = ts_clock_new(1200000000, NULL); /* period 833.33 ps */
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* edges: 0, 834 (833.3), 1667 (1666.7), 2500, 3334 (3333.3) */
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 0), 0);
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 1), 834);
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 834), 834);
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 835), 1667);
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 2500), 2500);
    CU_ASSERT_EQUAL(ts_clock_next_edge(c, 2501), 3334);
    CU_ASSERT_EQUAL(ts_clock_edge_index_at_or_after(c, 2500), 3);
    CU_ASSERT_EQUAL(ts_clock_edge_index_at_or_after(c, 2501), 4);
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(c, 833), 0);
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(c, 834), 1);
    /* 3 cycles after the first edge at/after 33500: edge 41 (34166.7) + 3 = edge 44 */
    CU_ASSERT_EQUAL(ts_clock_edge_after(c, 33500, 3), 36667);
    /* No drift: stepping one cycle at a time from edge to edge lands on edge 1e6 exactly. */
    TsTick t = 0;
    for (int i = 0; i < 1000000; i++)
        t = ts_clock_edge_after(c, t, 1);
    CU_ASSERT_EQUAL(t, ts_clock_cycles_to_ticks(c, 1000000));
    CU_ASSERT_EQUAL(t, G_GUINT64_CONSTANT(833333334)); /* ceil(1e18 / 1.2e9) */
}

void test_core_register_time(void)
{
    CU_pSuite s = CU_add_suite("core_time", NULL, NULL);
    CU_add_test(s, "clock_extremes", test_clock_extremes);
    CU_add_test(s, "clock_overflow", test_clock_overflow);
    CU_add_test(s, "clock_edges", test_clock_edges);
}
