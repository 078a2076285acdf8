/* Refresh while the controller is idle: the dram counts the refreshes of an idle gap instead
 * of ticking each one (docs/des.md section 11), and every figure must be that of ticking them
 * (TILESIM_DRAM_REFRESH_STEP). Traces with long idle gaps (10^5 .. 10^8 cycles) and gaps
 * ending one cycle before, on and after a refresh falling due (and inside a rank-simultaneous
 * batch), on every refresh policy, one and several ranks, open and close page, several
 * channels, with and without a --cycles window, the checker on; a request at cycle 10^15; and
 * the checker's repeated refresh rounds against the same commands given one by one. */
#include <stdio.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-dram-private.h"
#include "ts-dram-trace.h"
#include "ts-dram.h"
#include "ts-test.h"

#define STEP_ENV "TILESIM_DRAM_REFRESH_STEP"

static TsDramSpec *variant(const char *preset, guint ranks, TsDramRefreshPolicy policy,
                           gboolean close_page)
{
    const TsDramSpec *p = ts_dram_preset(preset);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    TsDramSpec *s = g_memdup2(p, sizeof *p);
    s->ranks = ranks;
    s->refresh_policy = policy;
    if (close_page) {
        s->page_policy = TS_DRAM_PAGE_CLOSE;
        s->queue_structure = TS_DRAM_QUEUE_PER_RANK;
    }
    if (policy == TS_DRAM_REFRESH_BANK_STAGGERED && s->cycles.tREFIb == 0) {
        s->cycles.tREFIb = s->cycles.tREFI / (s->bankgroups * s->banks);
        s->cycles.tRFCb = s->cycles.tRFC / 4;
    }
    g_autofree char *why = NULL;
    if (!ts_dram_spec_derive(s, &why))
        fprintf(stderr, "derive: %s\n", why);
    CU_ASSERT_PTR_NULL_FATAL(why);
    return s;
}

/* Cycles between two refreshes falling due on a channel (0: none). */
static guint64 refresh_period(const TsDramSpec *s)
{
    switch (s->refresh_policy) {
    case TS_DRAM_REFRESH_RANK_STAGGERED:
        return s->cycles.tREFI / s->ranks;
    case TS_DRAM_REFRESH_RANK_SIMULTANEOUS:
        return s->cycles.tREFI;
    case TS_DRAM_REFRESH_BANK_STAGGERED:
        return s->cycles.tREFIb;
    default:
        return 0;
    }
}

static TsDramTrace *trace_new(gsize n)
{
    TsDramTrace *t = g_new0(TsDramTrace, 1);
    t->entries = g_new0(TsDramTraceEntry, n);
    t->n = n;
    t->file = g_strdup("(test)");
    return t;
}

/* Bursts of 1-6 requests (random channel, rank, bank, row; 60% reads) separated by gaps: long
 * ones (10^5 .. 10^8 cycles, one of them 10^8) and ones whose next request is accepted (one
 * cycle after its trace cycle) at -3 .. +3 cycles around a refresh falling due. */
static TsDramTrace *gap_trace(const TsDramSpec *s, TsComponent *dram, guint64 seed)
{
    GRand *rng = g_rand_new_with_seed((guint32)seed);
    const guint64 period = refresh_period(s) ? refresh_period(s) : 9360;
    enum { BURSTS = 24 };
    g_autoptr(GArray) a = g_array_new(FALSE, FALSE, sizeof(TsDramTraceEntry));
    guint64 cycle = 0;
    for (guint b = 0; b < BURSTS; b++) {
        guint n = (guint)g_rand_int_range(rng, 1, 7);
        for (guint j = 0; j < n; j++) {
            guint64 addr = ts_dram_address(
                dram, (guint)g_rand_int_range(rng, 0, (gint32)ts_dram_n_units(dram)),
                (guint)g_rand_int_range(rng, 0, (gint32)s->ranks),
                (guint)g_rand_int_range(rng, 0, (gint32)s->bankgroups),
                (guint)g_rand_int_range(rng, 0, (gint32)s->banks),
                (guint64)g_rand_int_range(rng, 0, 64), (guint64)g_rand_int_range(rng, 0, 8));
            TsDramTraceEntry e = {addr, cycle, g_rand_int_range(rng, 0, 10) < 4};
            g_array_append_val(a, e);
            cycle += (guint64)g_rand_int_range(rng, 0, 4);
        }
        if (b == BURSTS / 2) {
            cycle += 100000000;
        } else if (b % 2 == 0) {
            cycle += (guint64)g_rand_double_range(rng, 1e5, 1e7);
        } else {
            /* accepted at due + d: the trace cycle is one less */
            gint64 d = g_rand_int_range(rng, -3, 4);
            guint64 due = (cycle / period + (guint64)g_rand_int_range(rng, 2, 200)) * period;
            cycle = (guint64)((gint64)due + d - 1);
        }
    }
    g_rand_free(rng);
    TsDramTrace *t = trace_new(a->len);
    memcpy(t->entries, a->data, sizeof(TsDramTraceEntry) * a->len);
    return t;
}

static void run(const TsDramSpec *s, const TsDramTrace *tr, guint64 cycles, gboolean step,
                TsDramTraceResult *r)
{
    if (step)
        g_setenv(STEP_ENV, "1", TRUE);
    else
        g_unsetenv(STEP_ENV);
    g_autoptr(GError) error = NULL;
    gboolean ok = ts_dram_trace_run(s, tr, cycles, TRUE, r, &error);
    g_unsetenv(STEP_ENV);
    if (!ok)
        fprintf(stderr, "\n  %s\n", error->message);
    CU_ASSERT_TRUE_FATAL(ok);
}

static void test_idle_gaps_match_stepping(void)
{
    static const struct {
        const char *preset;
        guint ranks;
        TsDramRefreshPolicy policy;
        gboolean close_page;
    } cases[] = {
        {"DDR4-2400", 1, TS_DRAM_REFRESH_RANK_STAGGERED, FALSE},
        {"DDR4-2400", 2, TS_DRAM_REFRESH_RANK_STAGGERED, TRUE},
        {"DDR4-2400", 4, TS_DRAM_REFRESH_RANK_SIMULTANEOUS, FALSE},
        {"DDR4-2400", 1, TS_DRAM_REFRESH_BANK_STAGGERED, FALSE},
        {"DDR4-2400", 2, TS_DRAM_REFRESH_BANK_STAGGERED, TRUE},
        {"DDR4-2400", 1, TS_DRAM_REFRESH_NONE, FALSE},
        {"HBM2", 2, TS_DRAM_REFRESH_RANK_STAGGERED, FALSE},
        {"GDDR6", 1, TS_DRAM_REFRESH_BANK_STAGGERED, FALSE},
        {"LPDDR4-3200", 2, TS_DRAM_REFRESH_RANK_SIMULTANEOUS, TRUE},
    };
    const guint64 seed = ts_test_seed(2207);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree TsDramSpec *s =
            variant(cases[i].preset, cases[i].ranks, cases[i].policy, cases[i].close_page);
        g_autoptr(TsDramTrace) probe_tr = trace_new(1);
        TsComponent *dram = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, probe_tr, FALSE, TRUE, &dram, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
        g_autoptr(TsDramTrace) tr = gap_trace(s, dram, seed + i);
        const guint64 period = refresh_period(s);
        /* until every request completed, and windows ending on, just before and just after a
         * refresh falling due in the middle of the trace */
        const guint64 mid = tr->entries[tr->n / 2].cycle + 5000000;
        const guint64 due = period ? (mid / period) * period : mid;
        const guint64 windows[] = {0, due - 1, due, due + 1};
        for (guint w = 0; w < G_N_ELEMENTS(windows); w++) {
            TsDramTraceResult skip, step;
            run(s, tr, windows[w], FALSE, &skip);
            run(s, tr, windows[w], TRUE, &step);
            gboolean same = memcmp(&skip.stats, &step.stats, sizeof skip.stats) == 0 &&
                            skip.cycles == step.cycles && skip.requests_sent == step.requests_sent;
            if (!same || skip.stats.violations)
                fprintf(stderr,
                        "\n  %s ranks %u policy %d close %d window %" G_GUINT64_FORMAT
                        " (seed %" G_GUINT64_FORMAT "): refreshes %" G_GUINT64_FORMAT
                        " / %" G_GUINT64_FORMAT
                        ", energy %.1f / %.1f, violations %" G_GUINT64_FORMAT "\n",
                        cases[i].preset, cases[i].ranks, cases[i].policy, cases[i].close_page,
                        windows[w], seed + i, skip.stats.refreshes + skip.stats.bank_refreshes,
                        step.stats.refreshes + step.stats.bank_refreshes,
                        skip.stats.total_energy_pj, step.stats.total_energy_pj,
                        skip.stats.violations);
            CU_ASSERT_TRUE(same);
            CU_ASSERT_EQUAL(skip.stats.violations, 0);
            CU_ASSERT(skip.stats.commands_checked > 0);
            if (w == 0) {
                CU_ASSERT_EQUAL(skip.stats.reads_done + skip.stats.writes_done, tr->n);
            }
            /* the refreshes of the gaps were counted, not ticked */
            if (period) {
                CU_ASSERT(skip.events * 4 < step.events);
            } else {
                CU_ASSERT_EQUAL(skip.events, step.events);
            }
        }
    }
}

/* A request at cycle 10^15 (near the 2^50 bound the trace reader had when every refresh was
 * ticked: about 10^11 refreshes). Every refresh of a one-rank DDR4 falls due at a multiple of
 * tREFI and issues then, so the count is the number of multiples below the end. */
static void test_far_request(void)
{
    g_autofree TsDramSpec *s = variant("DDR4-2400", 1, TS_DRAM_REFRESH_RANK_STAGGERED, FALSE);
    g_autoptr(TsDramTrace) tr = trace_new(2);
    tr->entries[0] = (TsDramTraceEntry){0, 0, FALSE};
    tr->entries[1] = (TsDramTraceEntry){64, G_GUINT64_CONSTANT(1000000000000000), FALSE};
    TsDramTraceResult r;
    run(s, tr, 0, FALSE, &r);
    CU_ASSERT_EQUAL(r.stats.reads_done, 2);
    CU_ASSERT_EQUAL(r.stats.violations, 0);
    CU_ASSERT_EQUAL(r.stats.refreshes, (r.cycles - 1) / s->cycles.tREFI);
    /* every refresh was checked: ACT, RD, PRE before the first refresh, ACT, RD at the end */
    CU_ASSERT_EQUAL(r.stats.commands_checked, r.stats.refreshes + 5);
    CU_ASSERT(r.events < 100);
    /* Refresh energy from the count, background energy over every cycle. */
    CU_ASSERT(r.stats.refresh_energy_pj > 1e15);
}

/* ts_dram_checker_refresh_repeat against the same commands one by one: legal rounds (rank
 * staggered over 2 ranks, per-bank over 4 banks) and an illegal one (a period below tRFC), then
 * one more command and the end-of-run interval check. */
static void test_checker_repeat(void)
{
    g_autofree TsDramSpec *s = variant("DDR4-2400", 2, TS_DRAM_REFRESH_RANK_STAGGERED, FALSE);
    g_autofree TsDramSpec *sb = variant("DDR4-2400", 1, TS_DRAM_REFRESH_BANK_STAGGERED, FALSE);
    const guint64 trefi = s->cycles.tREFI, trfc = s->cycles.tRFC, trefib = sb->cycles.tREFIb;
    const struct {
        const TsDramSpec *spec;
        TsDramRefCmd round[4];
        guint n;
        guint64 period, times;
    } cases[] = {
        {s, {{1000, TS_DCMD_REF, 0, 0, 0}, {1000 + trefi / 2, TS_DCMD_REF, 1, 0, 0}}, 2, trefi, 57},
        {s,
         {{1000, TS_DCMD_REF, 0, 0, 0}, {1000 + trefi / 2, TS_DCMD_REF, 1, 0, 0}},
         2,
         trfc - 1,
         9},
        {sb,
         {{500, TS_DCMD_REFB, 0, 0, 0},
          {500 + trefib, TS_DCMD_REFB, 0, 0, 1},
          {500 + 2 * trefib, TS_DCMD_REFB, 0, 1, 0},
          {500 + 3 * trefib, TS_DCMD_REFB, 0, 1, 1}},
         4,
         4 * trefib,
         31},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsDramChecker *a = ts_dram_checker_new(cases[i].spec, "repeat");
        TsDramChecker *b = ts_dram_checker_new(cases[i].spec, "one by one");
        guint64 last = 0;
        for (guint64 t = 0; t <= cases[i].times; t++) {
            for (guint k = 0; k < cases[i].n; k++) {
                const TsDramRefCmd *c = &cases[i].round[k];
                last = c->cycle + t * cases[i].period;
                ts_dram_checker_command(b, last, c->cmd, c->rank, c->bankgroup, c->bank, 0);
                if (t == 0)
                    ts_dram_checker_command(a, c->cycle, c->cmd, c->rank, c->bankgroup, c->bank, 0);
            }
        }
        ts_dram_checker_refresh_repeat(a, cases[i].round, cases[i].n, cases[i].period,
                                       cases[i].times);
        CU_ASSERT_EQUAL(ts_dram_checker_commands(a), ts_dram_checker_commands(b));
        CU_ASSERT_EQUAL(ts_dram_checker_violations(a), ts_dram_checker_violations(b));
        CU_ASSERT_EQUAL(ts_dram_checker_violations(a) == 0, i != 1);
        /* an ACT tRFC (tRFCb) after the last refresh minus one, then the interval check */
        for (guint k = 0; k < 2; k++) {
            TsDramChecker *c = k ? b : a;
            ts_dram_checker_command(c, last + cases[i].spec->cycles.tRFCb + trfc - 1, TS_DCMD_ACT,
                                    cases[i].round[cases[i].n - 1].rank,
                                    cases[i].round[cases[i].n - 1].bankgroup,
                                    cases[i].round[cases[i].n - 1].bank, 3);
            ts_dram_checker_finish(c, last + 20 * trefi);
        }
        CU_ASSERT_EQUAL(ts_dram_checker_violations(a), ts_dram_checker_violations(b));
        ts_dram_checker_free(a);
        ts_dram_checker_free(b);
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_refresh", NULL, NULL);
    CU_add_test(s, "idle gaps: counted refreshes match ticked ones", test_idle_gaps_match_stepping);
    CU_add_test(s, "a request at cycle 10^15", test_far_request);
    CU_add_test(s, "checker: repeated refresh rounds", test_checker_repeat);
    return ts_test_run(argc, argv);
}
