/* No allocation per request or DRAM command in steady state: malloc, calloc and realloc are
 * interposed for the whole process (GLib's g_malloc included) and counted while a saturated
 * random trace runs on a warmed-up DRAM, from memory and streamed from a file (whose reader
 * reads into its one buffer). Interposition conflicts with the sanitizers' own
 * allocator, so the sanitizer build skips this test (the Debug build runs it). */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ts-arch-classes.h"
#include "ts-dram-trace.h"
#include "ts-test.h"

#include "ts-alloc-count.h"

#ifndef TS_ALLOC_COUNT_UNAVAILABLE
enum { WARM_CYCLES = 20000, END_CYCLES = 200000 };

/* The DDR4-2400 preset with its derived values; NULL if it does not derive. */
static TsDramSpec *ddr4_2400(void)
{
    const TsDramSpec *p = ts_dram_preset("DDR4-2400");
    TsDramSpec *s = g_memdup2(p, sizeof *p);
    g_autofree char *why = NULL;
    if (!ts_dram_spec_derive(s, &why)) {
        g_free(s);
        return NULL;
    }
    return s;
}

/* Runs sim from the warm-up to END_CYCLES of dram's clock, counting allocations in
 * ts_alloc_count. */
static void run_counted(TsSim *sim, const TsComponent *dram)
{
    TsTick end = ts_clock_cycles_to_ticks(&dram->clock, END_CYCLES);
    ts_alloc_count = 0;
    ts_alloc_counting = TRUE;
    ts_sim_run_until(sim, end);
    ts_alloc_counting = FALSE;
}
#endif

static void test_steady_state(void)
{
#ifdef TS_ALLOC_COUNT_UNAVAILABLE
    ts_test_skip_all("malloc interposition is off under the address sanitizer");
#else
    g_autofree TsDramSpec *s = ddr4_2400();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    TsDramTrace tr = {.entries = g_new0(TsDramTraceEntry, 60000), .n = 60000};
    GRand *rng = g_rand_new_with_seed(5);
    for (gsize i = 0; i < tr.n; i++)
        tr.entries[i] =
            (TsDramTraceEntry){(guint64)g_rand_int(rng) << 6, 0, g_rand_int_range(rng, 0, 4) == 0};
    g_rand_free(rng);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, &tr, FALSE, FALSE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    ts_sim_run_until(sim, ts_clock_cycles_to_ticks(&dram->clock, WARM_CYCLES));
    TsDramStats before, after;
    ts_dram_get_stats(dram, &before);
    run_counted(sim, dram);
    ts_dram_get_stats(dram, &after);
    guint64 cmds = (after.read_cmds + after.write_cmds + after.activates + after.precharges +
                    after.refreshes) -
                   (before.read_cmds + before.write_cmds + before.activates + before.precharges +
                    before.refreshes);
    fprintf(stderr,
            "\n  %" G_GUINT64_FORMAT " commands, %" G_GUINT64_FORMAT
            " requests completed, %" G_GUINT64_FORMAT " allocations\n",
            cmds, after.reads_done + after.writes_done - before.reads_done - before.writes_done,
            (guint64)ts_alloc_count);
    CU_ASSERT(cmds > 50000);
    /* What remains is ts_sim_run_until's stop message, formatted once per call (vasprintf's
     * malloc and its final realloc), independent of the number of commands. */
    CU_ASSERT(ts_alloc_count <= 2);
    g_free(tr.entries);
#endif
}

static void test_stream_steady_state(void)
{
#ifdef TS_ALLOC_COUNT_UNAVAILABLE
    ts_test_skip_all("malloc interposition is off under the address sanitizer");
#else
    g_autofree TsDramSpec *s = ddr4_2400();
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    GString *text = g_string_new(NULL);
    GRand *rng = g_rand_new_with_seed(7);
    for (guint i = 0; i < 60000; i++) /* both parsers: "P_MEM_WR" takes the full one */
        g_string_append_printf(text, "0x%X %s 0\n", g_rand_int(rng) << 6,
                               g_rand_int_range(rng, 0, 4) == 0 ? "P_MEM_WR" : "READ");
    g_rand_free(rng);
    g_autofree char *path = ts_test_tmp_path("alloc-stream.trace");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
    g_string_free(text, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_open(path, 0, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    TsComponent *dram = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new_reader(s, r, FALSE, FALSE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    ts_sim_run_until(sim, ts_clock_cycles_to_ticks(&dram->clock, WARM_CYCLES));
    guint64 before = ts_dram_trace_reader_count(r);
    run_counted(sim, dram);
    guint64 read = ts_dram_trace_reader_count(r) - before;
    fprintf(stderr, "\n  %" G_GUINT64_FORMAT " requests read, %" G_GUINT64_FORMAT " allocations\n",
            read, (guint64)ts_alloc_count);
    CU_ASSERT(read > 10000);
    CU_ASSERT(ts_alloc_count <= 2); /* ts_sim_run_until's stop message, as above */
    g_unlink(path);
#endif
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_alloc", NULL, NULL);
    CU_add_test(s, "no allocation per DRAM command in steady state", test_steady_state);
    CU_add_test(s, "no allocation per request streamed from a file", test_stream_steady_state);
    return ts_test_run(argc, argv);
}
