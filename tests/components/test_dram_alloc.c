/* No allocation per request or DRAM command in steady state: malloc, calloc and realloc are
 * interposed for the whole process (GLib's g_malloc included) and counted while a saturated
 * random trace runs on a warmed-up DRAM. Interposition conflicts with the sanitizers' own
 * allocator, so the sanitizer build skips this test (the Debug build runs it). */
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-dram-trace.h"
#include "ts-test.h"

#include "ts-alloc-count.h"

static void test_steady_state(void)
{
#ifdef TS_ALLOC_COUNT_UNAVAILABLE
    ts_test_skip_all("malloc interposition is off under the address sanitizer");
#else
    const TsDramSpec *p = ts_dram_preset("DDR4-2400");
    g_autofree TsDramSpec *s = g_memdup2(p, sizeof *p);
    g_autofree char *why = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_spec_derive(s, &why));
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
    TsTick warm = ts_clock_cycles_to_ticks(&dram->clock, 20000);
    TsTick end = ts_clock_cycles_to_ticks(&dram->clock, 200000);
    ts_sim_run_until(sim, warm);
    TsDramStats before, after;
    ts_dram_get_stats(dram, &before);
    ts_alloc_count = 0;
    ts_alloc_counting = TRUE;
    ts_sim_run_until(sim, end);
    ts_alloc_counting = FALSE;
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

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_alloc", NULL, NULL);
    CU_add_test(s, "no allocation per DRAM command in steady state", test_steady_state);
    return ts_test_run(argc, argv);
}
