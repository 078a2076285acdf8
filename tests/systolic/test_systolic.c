/* Unit tests of the systolic model: ts_systolic_run against the brute-force reference
 * (ts-systolic-ref.c) over random arrays, dataflows, SRAM sizes, interface bandwidths, GEMMs and
 * convolutions (overlapping, strided, padded at the edge), plus edge cases and input checks. */
#include <string.h>

#include "ts-systolic-private.h"
#include "ts-systolic-ref.h"
#include "ts-systolic.h"
#include "ts-test.h"

static int compare(const TsSystolicConfig *c, const TsSystolicLayer *l, const char *what)
{
    TsSystolicResult a, b;
    g_autoptr(GError) err = NULL;
    if (!ts_systolic_run(c, l, &a, &err)) {
        fprintf(stderr, "\n%s: %s\n", what, err->message);
        CU_FAIL("run failed");
        return 1;
    }
    ts_systolic_ref_run(c, l, &b);
    gboolean same =
        a.cycles == b.cycles && a.stall_cycles == b.stall_cycles && a.macs == b.macs &&
        a.folds == b.folds && a.sram_ifmap_reads == b.sram_ifmap_reads &&
        a.sram_filter_reads == b.sram_filter_reads && a.sram_ofmap_writes == b.sram_ofmap_writes &&
        a.dram_ifmap_reads == b.dram_ifmap_reads && a.dram_filter_reads == b.dram_filter_reads &&
        a.dram_ofmap_writes == b.dram_ofmap_writes && a.overall_util_pct == b.overall_util_pct &&
        a.mapping_eff_pct == b.mapping_eff_pct && a.compute_util_pct == b.compute_util_pct;
    if (!same) {
        fprintf(stderr,
                "\n%s: %ux%u %s %s sram %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                "/%" G_GUINT64_FORMAT " bw %u layer %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT
                " f %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT " ch %" G_GUINT64_FORMAT
                " nf %" G_GUINT64_FORMAT " s %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT "\n",
                what, c->rows, c->cols, ts_systolic_dataflow_name(c->dataflow),
                c->bandwidth_limited ? "user" : "calc", c->ifmap_sram_words, c->filter_sram_words,
                c->ofmap_sram_words, c->dram_words_per_cycle, l->ifmap_h, l->ifmap_w, l->filter_h,
                l->filter_w, l->channels, l->num_filters, l->stride_h, l->stride_w);
        const TsSystolicResult *r[2] = {&a, &b};
        for (int i = 0; i < 2; i++)
            fprintf(stderr,
                    "  %s cycles %" G_GUINT64_FORMAT " stall %" G_GUINT64_FORMAT
                    " sram %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                    " dram %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
                    i ? "ref " : "fast", r[i]->cycles, r[i]->stall_cycles, r[i]->sram_ifmap_reads,
                    r[i]->sram_filter_reads, r[i]->sram_ofmap_writes, r[i]->dram_ifmap_reads,
                    r[i]->dram_filter_reads, r[i]->dram_ofmap_writes);
    }
    CU_ASSERT_TRUE(same);
    return same ? 0 : 1;
}

static guint64 pick(GRand *r, guint64 lo, guint64 hi)
{
    return lo + (guint64)g_rand_int_range(r, 0, (gint32)(hi - lo + 1));
}

static void random_config(GRand *r, TsSystolicConfig *c, gboolean user)
{
    memset(c, 0, sizeof *c);
    c->rows = (guint32)pick(r, 1, 9);
    c->cols = (guint32)pick(r, 1, 9);
    c->dataflow = (TsSystolicDataflow)pick(r, 0, 2);
    /* below 100 words the stall-free buffer never resets; small sizes make many epochs */
    c->ifmap_sram_words = pick(r, 2, g_rand_boolean(r) ? 120 : 900);
    c->filter_sram_words = pick(r, 2, g_rand_boolean(r) ? 120 : 900);
    c->ofmap_sram_words = pick(r, 2, g_rand_boolean(r) ? 60 : 600);
    c->bandwidth_limited = user;
    c->dram_words_per_cycle = (guint32)pick(r, 1, 12);
}

static void test_random_gemm(void)
{
    guint64 seed = ts_test_seed(12);
    g_autoptr(GRand) r = g_rand_new_with_seed((guint32)seed);
    int bad = 0;
    for (int i = 0; i < 500 && bad < 5; i++) {
        TsSystolicConfig c;
        random_config(r, &c, i % 2 == 1);
        TsSystolicLayer l = ts_systolic_layer_gemm(pick(r, 1, 40), pick(r, 1, 40), pick(r, 1, 40));
        bad += compare(&c, &l, "gemm");
    }
}

static void test_random_conv(void)
{
    guint64 seed = ts_test_seed(21);
    g_autoptr(GRand) r = g_rand_new_with_seed((guint32)seed ^ 0x5a5a);
    int bad = 0;
    for (int i = 0; i < 300 && bad < 5; i++) {
        TsSystolicConfig c;
        random_config(r, &c, i % 2 == 1);
        TsSystolicLayer l;
        l.filter_h = pick(r, 1, 4);
        l.filter_w = pick(r, 1, 4);
        l.ifmap_h = pick(r, l.filter_h, 9);
        l.ifmap_w = pick(r, l.filter_w, 9);
        l.channels = pick(r, 1, 3);
        l.num_filters = pick(r, 1, 12);
        l.stride_h = pick(r, 1, 4);
        l.stride_w = pick(r, 1, 4);
        bad += compare(&c, &l, "conv");
    }
}

/* Sizes that exercise the edges: one PE, one-word lines, SRAM below 100 words (the stall-free
 * buffer never resets), an operand that fits the active half, a drain of one line. */
static void test_edges(void)
{
    const TsSystolicDataflow dfs[] = {TS_SYSTOLIC_OS, TS_SYSTOLIC_WS, TS_SYSTOLIC_IS};
    const guint64 srams[] = {2, 3, 99, 100, 101, 200, 4096};
    for (guint d = 0; d < 3; d++) {
        for (guint s = 0; s < G_N_ELEMENTS(srams); s++) {
            for (int user = 0; user < 2; user++) {
                TsSystolicConfig c = {.rows = 1 + s % 3,
                                      .cols = 1 + (s + d) % 4,
                                      .dataflow = dfs[d],
                                      .ifmap_sram_words = srams[s],
                                      .filter_sram_words = srams[(s + 1) % 7],
                                      .ofmap_sram_words = srams[(s + 2) % 7],
                                      .bandwidth_limited = user,
                                      .dram_words_per_cycle = 1 + s};
                TsSystolicLayer g1 = ts_systolic_layer_gemm(1, 1, 1);
                TsSystolicLayer g2 = ts_systolic_layer_gemm(17, 5, 23);
                compare(&c, &g1, "edge-1x1x1");
                compare(&c, &g2, "edge-17x5x23");
            }
        }
    }
}

/* A layer large enough that the stall-free buffers go through many epochs and the
 * bandwidth-limited ones wrap around their operands many times. */
static void test_larger(void)
{
    const TsSystolicDataflow dfs[] = {TS_SYSTOLIC_OS, TS_SYSTOLIC_WS, TS_SYSTOLIC_IS};
    for (guint d = 0; d < 3; d++) {
        for (int user = 0; user < 2; user++) {
            TsSystolicConfig c = {.rows = 8,
                                  .cols = 16,
                                  .dataflow = dfs[d],
                                  .ifmap_sram_words = 2048,
                                  .filter_sram_words = 1536,
                                  .ofmap_sram_words = 1024,
                                  .bandwidth_limited = user,
                                  .dram_words_per_cycle = 3};
            TsSystolicLayer l = ts_systolic_layer_gemm(70, 90, 130);
            compare(&c, &l, "larger");
            TsSystolicLayer conv = {.ifmap_h = 14,
                                    .ifmap_w = 14,
                                    .filter_h = 3,
                                    .filter_w = 3,
                                    .channels = 8,
                                    .num_filters = 20,
                                    .stride_h = 1,
                                    .stride_w = 1};
            compare(&c, &conv, "larger-conv");
        }
    }
}

/* Two-word SRAMs make every request a window slide and every write a drain: a mid-size layer
 * still runs at once (slides are counted in O(1), not one by one). */
static void test_tiny_srams(void)
{
    const TsSystolicDataflow dfs[] = {TS_SYSTOLIC_OS, TS_SYSTOLIC_WS, TS_SYSTOLIC_IS};
    for (guint d = 0; d < 3; d++) {
        TsSystolicConfig c = {.rows = 16,
                              .cols = 16,
                              .dataflow = dfs[d],
                              .ifmap_sram_words = 2,
                              .filter_sram_words = 2,
                              .ofmap_sram_words = 2,
                              .bandwidth_limited = TRUE,
                              .dram_words_per_cycle = 1};
        TsSystolicLayer l = ts_systolic_layer_gemm(300, 200, 250);
        TsSystolicResult r;
        gint64 t0 = g_get_monotonic_time();
        CU_ASSERT_TRUE(ts_systolic_run(&c, &l, &r, NULL));
        CU_ASSERT_TRUE(r.stall_cycles > 0 && r.dram_filter_reads >= 200 * 250);
        CU_ASSERT_TRUE(g_get_monotonic_time() - t0 < 30 * G_USEC_PER_SEC);
        TsSystolicLayer s = ts_systolic_layer_gemm(20, 11, 17);
        compare(&c, &s, "tiny");
    }
}

static void test_checks(void)
{
    TsSystolicConfig c = {.rows = 4,
                          .cols = 4,
                          .dataflow = TS_SYSTOLIC_OS,
                          .ifmap_sram_words = 64,
                          .filter_sram_words = 64,
                          .ofmap_sram_words = 64};
    TsSystolicLayer l = ts_systolic_layer_gemm(4, 4, 4);
    TsSystolicResult r;
    GError *err = NULL;
    c.rows = 0;
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_TRUE(g_error_matches(err, TS_SYSTOLIC_ERROR, TS_SYSTOLIC_ERROR_INVALID));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "0 x 4"));
    g_clear_error(&err);
    c.rows = 4;
    c.ofmap_sram_words = 1;
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "ofmap SRAM"));
    g_clear_error(&err);
    c.ofmap_sram_words = 64;
    c.bandwidth_limited = TRUE;
    c.dram_words_per_cycle = 0;
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "word/cycle"));
    g_clear_error(&err);
    c.bandwidth_limited = FALSE;
    l.filter_w = 9;
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "larger than the ifmap"));
    g_clear_error(&err);
    l = ts_systolic_layer_gemm(1u << 20, 1u << 20, 1u << 20);
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "too large"));
    g_clear_error(&err);
    c.rows = c.cols = 1; /* 2^15 x 2^15 folds */
    l = ts_systolic_layer_gemm(1u << 15, 1u << 15, 4);
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "1073741824 folds"));
    g_clear_error(&err);
    c.rows = c.cols = 32;
    l = (TsSystolicLayer){.ifmap_h = 20000,
                          .ifmap_w = 20000,
                          .filter_h = 3,
                          .filter_w = 3,
                          .channels = 1,
                          .num_filters = 1,
                          .stride_h = 1,
                          .stride_w = 1};
    CU_ASSERT_FALSE(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "overlapping windows too large"));
    g_clear_error(&err);
    TsSystolicDataflow df;
    CU_ASSERT_TRUE(ts_systolic_dataflow_parse("WS", &df));
    CU_ASSERT_EQUAL(df, TS_SYSTOLIC_WS);
    CU_ASSERT_FALSE(ts_systolic_dataflow_parse("rs", &df));
}

/* The skewed operands' prefetch rank in closed form (ts_systolic_valid_before_diag) against
 * counting the valid cells of each anti-diagonal, over random shapes with and without nulls in
 * the last block; the 128-bit path against the 64-bit one and a hand count; and a layer whose
 * rank table would hold 2^30 anti-diagonals (8 GB) runs in bounded memory. */
static void test_rank_closed_form(void)
{
    GRand *rng = g_rand_new_with_seed((guint32)ts_test_seed(31));
    for (int it = 0; it < 300; it++) {
        const gint64 tb = g_rand_int_range(rng, 1, 9), nb = g_rand_int_range(rng, 1, 6);
        const gint64 nc = g_rand_int_range(rng, 1, 9),
                     used = g_rand_int_range(rng, 1, (gint32)nc + 1);
        const gint64 mr = tb * nb;
        gint64 acc = 0;
        for (gint64 d = 0; d <= mr + nc; d++) {
            CU_ASSERT_EQUAL(ts_systolic_valid_before_diag(mr, nc, tb, used, d), acc);
            for (gint64 r = 0; r < mr; r++) {
                const gint64 c = d - r;
                if (c >= 0 && c < nc && (r < mr - tb || c < used))
                    acc++;
            }
        }
        CU_ASSERT_EQUAL(acc, mr * nc - tb * (nc - used));
    }
    g_rand_free(rng);
    /* x >= 2^31: 128-bit products */
    const gint64 h = G_GINT64_CONSTANT(1) << 35, w = G_GINT64_CONSTANT(1) << 20;
    CU_ASSERT_EQUAL(ts_systolic_cells_below(h, w, h + w), h * w);
    CU_ASSERT_EQUAL(ts_systolic_cells_below(h, w, h), w * h - w * (w - 1) / 2);
    CU_ASSERT_EQUAL(ts_systolic_cells_below(3, 5, G_GINT64_CONSTANT(1) << 31), 15);
    /* OS on 1x1: the ifmap is prefetched over 2^30 anti-diagonals */
    TsSystolicConfig c = {.rows = 1,
                          .cols = 1,
                          .dataflow = TS_SYSTOLIC_OS,
                          .ifmap_sram_words = 65536,
                          .filter_sram_words = 65536,
                          .ofmap_sram_words = 65536,
                          .bandwidth_limited = TRUE,
                          .dram_words_per_cycle = 10};
    TsSystolicLayer l = ts_systolic_layer_gemm(1, 1, 1u << 30);
    TsSystolicResult r;
    g_autoptr(GError) err = NULL;
    CU_ASSERT_TRUE_FATAL(ts_systolic_run(&c, &l, &r, &err));
    CU_ASSERT_EQUAL(r.cycles, (G_GUINT64_CONSTANT(1) << 30) - 1);
    CU_ASSERT_EQUAL(r.sram_ifmap_reads, G_GUINT64_CONSTANT(1) << 30);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("systolic", NULL, NULL);
    CU_add_test(s, "random_gemm", test_random_gemm);
    CU_add_test(s, "random_conv", test_random_conv);
    CU_add_test(s, "edges", test_edges);
    CU_add_test(s, "larger", test_larger);
    CU_add_test(s, "tiny_srams", test_tiny_srams);
    CU_add_test(s, "checks", test_checks);
    CU_add_test(s, "rank_closed_form", test_rank_closed_form);
    return ts_test_run(argc, argv);
}
