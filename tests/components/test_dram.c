/* The dram component beyond the DRAMsim3 reference: per-timing edge tests of the engine and
 * the legality checker (not ready at t + tX - 1, ready at t + tX; the checker flags the first
 * and accepts the second), the checker catching illegal sequences, unloaded hit / miss /
 * conflict latencies of every preset, every preset and controller variant under random mixed
 * read/write traffic with the checker on every command, write semantics, the completion hook
 * against the response events, address mapping, and bad configs and traces. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ts-arch-classes.h"
#include "ts-arch.h"
#include "ts-dram-private.h"
#include "ts-dram.h"
#include "ts-dram-trace.h"
#include "ts-dram.h"
#include "ts-test.h"

/* ---- helpers ---- */

/* A derived copy of a preset with optional changes (the caller frees it). */
static TsDramSpec *preset(const char *name)
{
    const TsDramSpec *p = ts_dram_preset(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    TsDramSpec *s = g_memdup2(p, sizeof *p);
    return s;
}

static void derive(TsDramSpec *s)
{
    g_autofree char *why = NULL;
    if (!ts_dram_spec_derive(s, &why))
        fprintf(stderr, "derive: %s\n", why);
    CU_ASSERT_PTR_NULL_FATAL(why);
}

static TsDramTrace *trace_new(gsize n)
{
    TsDramTrace *t = g_new0(TsDramTrace, 1);
    t->entries = g_new0(TsDramTraceEntry, n);
    t->n = n;
    t->file = g_strdup("(test)");
    return t;
}

/* ---- engine and checker at each timing's edge ---- */

typedef struct {
    TsDramCmd cmd;
    guint rank, bg, bank;
    guint64 row;
    gint64 at; /* absolute cycle */
} Step;

/* A checker fed `pre`, then `next` at expect - 1 (one violation) and at expect (none). */
static void checker_edge(const TsDramSpec *s, const char *what, const Step *pre, guint n_pre,
                         Step next, guint64 expect)
{
    for (int late = 0; late < 2; late++) {
        TsDramChecker *c = ts_dram_checker_new(s, what);
        for (guint i = 0; i < n_pre; i++)
            ts_dram_checker_command(c, (guint64)pre[i].at, pre[i].cmd, pre[i].rank, pre[i].bg,
                                    pre[i].bank, pre[i].row);
        CU_ASSERT_EQUAL(ts_dram_checker_violations(c), 0);
        ts_dram_checker_command(c, expect - 1 + (guint64)late, next.cmd, next.rank, next.bg,
                                next.bank, next.row);
        guint64 v = ts_dram_checker_violations(c);
        if ((v == 0) != (late != 0))
            fprintf(stderr, "\n  %s at %s: %" G_GUINT64_FORMAT " violations (%s)\n", what,
                    late ? "t+tX" : "t+tX-1", v,
                    ts_dram_checker_first(c) ? ts_dram_checker_first(c) : "none");
        /* Too early breaks the rule (and possibly rules implied by it); on time breaks none. */
        CU_ASSERT((v == 0) == (late != 0));
        ts_dram_checker_free(c);
    }
}

/* Replays `pre` on a fresh engine and checker, then checks that `next` is ready exactly at
 * `expect`: the engine's earliest cycle, a checker fed next at expect - 1 (one violation) and
 * one fed it at expect (none). */
static void edge(const TsDramSpec *s, const char *what, const Step *pre, guint n_pre, Step next,
                 guint64 expect)
{
    TsDramEngine e;
    g_autofree char *why = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_engine_init(&e, s, &why));
    for (guint i = 0; i < n_pre; i++)
        ts_dram_engine_issue(&e, pre[i].cmd, pre[i].rank, pre[i].bg * (guint)s->banks + pre[i].bank,
                             pre[i].row, (guint64)pre[i].at);
    guint64 got =
        ts_dram_engine_earliest(&e, next.cmd, next.rank, next.bg * (guint)s->banks + next.bank);
    if (got != expect)
        fprintf(stderr,
                "\n  %s: engine says %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT "\n", what,
                got, expect);
    CU_ASSERT_EQUAL(got, expect);
    ts_dram_engine_clear(&e);
    checker_edge(s, what, pre, n_pre, next, expect);
}

#define N(a) G_N_ELEMENTS(a)

static void test_edges_ddr4(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->ranks = 2;
    s->cycles.tRC = 60; /* above tRAS + tRP so that tRC itself is the binding constraint */
    derive(s);
    const TsDramTimings *t = &s->cycles;
    const guint64 T0 = 1000, BL = t->tBURST, CL = t->tCL, CWL = t->tCWL;
    const Step act = {TS_DCMD_ACT, 0, 0, 0, 5, T0};
    /* tRCD: ACT -> RD / WR of the bank. */
    edge(s, "tRCD", &act, 1, (Step){TS_DCMD_RD, 0, 0, 0, 5, 0}, T0 + t->tRCD);
    edge(s, "tRCD (WR)", &act, 1, (Step){TS_DCMD_WR, 0, 0, 0, 5, 0}, T0 + t->tRCD);
    /* tRAS: ACT -> PRE. */
    edge(s, "tRAS", &act, 1, (Step){TS_DCMD_PRE, 0, 0, 0, 5, 0}, T0 + t->tRAS);
    /* tRP: PRE -> ACT (tRC is not binding after a late PRE). */
    Step pre1[] = {act, {TS_DCMD_PRE, 0, 0, 0, 5, (gint64)(T0 + 100)}};
    edge(s, "tRP", pre1, N(pre1), (Step){TS_DCMD_ACT, 0, 0, 0, 6, 0}, T0 + 100 + t->tRP);
    /* tRC: ACT -> ACT of the bank, PRE as early as allowed. */
    Step rc[] = {act, {TS_DCMD_PRE, 0, 0, 0, 5, (gint64)(T0 + t->tRAS)}};
    edge(s, "tRC", rc, N(rc), (Step){TS_DCMD_ACT, 0, 0, 0, 6, 0}, T0 + t->tRC);
    /* tRRD_L / tRRD_S: ACT -> ACT in the same / another bank group. */
    edge(s, "tRRD_L", &act, 1, (Step){TS_DCMD_ACT, 0, 0, 1, 5, 0}, T0 + t->tRRD_L);
    edge(s, "tRRD_S", &act, 1, (Step){TS_DCMD_ACT, 0, 1, 0, 5, 0}, T0 + t->tRRD_S);
    /* tFAW: four ACTs tRRD_S apart in four bank groups; the fifth waits for the window. */
    Step faw[] = {{TS_DCMD_ACT, 0, 0, 0, 1, (gint64)T0},
                  {TS_DCMD_ACT, 0, 1, 0, 1, (gint64)(T0 + 4)},
                  {TS_DCMD_ACT, 0, 2, 0, 1, (gint64)(T0 + 8)},
                  {TS_DCMD_ACT, 0, 3, 0, 1, (gint64)(T0 + 12)}};
    edge(s, "tFAW", faw, N(faw), (Step){TS_DCMD_ACT, 0, 1, 1, 1, 0}, T0 + t->tFAW);
    /* Column commands: ACT two banks in two bank groups and a third bank, then RD at T1. */
    const gint64 T1 = (gint64)T0 + 100;
    Step cols[] = {{TS_DCMD_ACT, 0, 0, 0, 7, (gint64)T0},
                   {TS_DCMD_ACT, 0, 0, 1, 7, (gint64)(T0 + 10)},
                   {TS_DCMD_ACT, 0, 1, 0, 7, (gint64)(T0 + 20)},
                   {TS_DCMD_ACT, 1, 0, 0, 7, (gint64)(T0 + 30)},
                   {TS_DCMD_RD, 0, 0, 0, 7, T1}};
    edge(s, "tCCD_L", cols, N(cols), (Step){TS_DCMD_RD, 0, 0, 1, 7, 0}, (guint64)T1 + t->tCCD_L);
    edge(s, "tCCD_S", cols, N(cols), (Step){TS_DCMD_RD, 0, 1, 0, 7, 0},
         (guint64)T1 + MAX(t->tCCD_S, BL));
    edge(s, "tRTP", cols, N(cols), (Step){TS_DCMD_PRE, 0, 0, 0, 7, 0}, (guint64)T1 + t->tRTP);
    edge(s, "RD->WR turnaround", cols, N(cols), (Step){TS_DCMD_WR, 0, 0, 1, 7, 0},
         (guint64)T1 + CL + BL - CWL + t->tRTRS);
    edge(s, "rank switch (RD->RD, tRTRS)", cols, N(cols), (Step){TS_DCMD_RD, 1, 0, 0, 7, 0},
         (guint64)T1 + BL + t->tRTRS);
    Step wr[] = {cols[0], cols[1], cols[2], cols[3], {TS_DCMD_WR, 0, 0, 0, 7, T1}};
    edge(s, "tWR", wr, N(wr), (Step){TS_DCMD_PRE, 0, 0, 0, 7, 0}, (guint64)T1 + CWL + BL + t->tWR);
    edge(s, "tWTR_L", wr, N(wr), (Step){TS_DCMD_RD, 0, 0, 1, 7, 0},
         (guint64)T1 + CWL + BL + t->tWTR_L);
    edge(s, "tWTR_S", wr, N(wr), (Step){TS_DCMD_RD, 0, 1, 0, 7, 0},
         (guint64)T1 + CWL + BL + t->tWTR_S);
    edge(s, "tCCD_L (WR)", wr, N(wr), (Step){TS_DCMD_WR, 0, 0, 1, 7, 0}, (guint64)T1 + t->tCCD_L);
    /* tRFC: REF of a precharged rank -> ACT. */
    Step ref[] = {{TS_DCMD_REF, 0, 0, 0, 0, (gint64)T0}};
    edge(s, "tRFC", ref, N(ref), (Step){TS_DCMD_ACT, 0, 2, 3, 9, 0}, T0 + t->tRFC);
    /* REF after a precharge waits tRP. */
    Step pre_ref[] = {act, {TS_DCMD_PRE, 0, 0, 0, 5, (gint64)(T0 + 100)}};
    edge(s, "tRP before REF", pre_ref, N(pre_ref), (Step){TS_DCMD_REF, 0, 0, 0, 0, 0},
         T0 + 100 + t->tRP);
    /* Read data: CL + burst after RD. */
    TsDramEngine e;
    g_autofree char *why = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_engine_init(&e, s, &why));
    CU_ASSERT_EQUAL(e.read_delay, CL + BL);
    CU_ASSERT_EQUAL(e.write_delay, CWL + BL);
    ts_dram_engine_clear(&e);
}

/* GDDR6 (tPPD, t32AW off, tRCDWR) and LPDDR4 (one bank group: the _L delays are the _S ones). */
static void test_edges_other_standards(void)
{
    g_autofree TsDramSpec *g = preset("GDDR6");
    derive(g);
    const Step act = {TS_DCMD_ACT, 0, 0, 0, 5, 1000};
    edge(g, "GDDR6 tRCDWR", &act, 1, (Step){TS_DCMD_WR, 0, 0, 0, 5, 0}, 1000 + g->cycles.tRCDWR);
    edge(g, "GDDR6 tRCD (RD)", &act, 1, (Step){TS_DCMD_RD, 0, 0, 0, 5, 0}, 1000 + g->cycles.tRCD);
    Step two[] = {act, {TS_DCMD_ACT, 0, 1, 0, 5, 1010}, {TS_DCMD_PRE, 0, 0, 0, 5, 1100}};
    edge(g, "GDDR6 tPPD", two, N(two), (Step){TS_DCMD_PRE, 0, 1, 0, 5, 0}, 1100 + g->cycles.tPPD);
    g_autofree TsDramSpec *l = preset("LPDDR4-3200");
    derive(l);
    edge(l, "LPDDR4 tRRD (one group)", &act, 1, (Step){TS_DCMD_ACT, 0, 0, 1, 5, 0},
         1000 + l->cycles.tRRD_S);
    Step rd[] = {act, {TS_DCMD_ACT, 0, 0, 1, 5, 1100}, {TS_DCMD_RD, 0, 0, 0, 5, 1200}};
    edge(l, "LPDDR4 tCCD (one group)", rd, N(rd), (Step){TS_DCMD_RD, 0, 0, 1, 5, 0},
         1200 + MAX(l->cycles.tCCD_S, l->cycles.tBURST));
    g_autofree TsDramSpec *h = preset("HBM2");
    derive(h);
    Step faw[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 1000},
                  {TS_DCMD_ACT, 0, 1, 0, 1, 1004},
                  {TS_DCMD_ACT, 0, 2, 0, 1, 1008},
                  {TS_DCMD_ACT, 0, 3, 0, 1, 1012}};
    edge(h, "HBM2 tFAW", faw, N(faw), (Step){TS_DCMD_ACT, 0, 0, 1, 1, 0}, 1000 + h->cycles.tFAW);
}

static void expect_violation(const TsDramSpec *s, const Step *steps, guint n, const char *needle)
{
    TsDramChecker *c = ts_dram_checker_new(s, "test");
    for (guint i = 0; i < n; i++)
        ts_dram_checker_command(c, (guint64)steps[i].at, steps[i].cmd, steps[i].rank, steps[i].bg,
                                steps[i].bank, steps[i].row);
    CU_ASSERT(ts_dram_checker_violations(c) >= 1);
    const char *first = ts_dram_checker_first(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(first);
    if (strstr(first, needle) == NULL)
        fprintf(stderr, "\n  first violation '%s' lacks '%s'\n", first, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, needle));
    ts_dram_checker_free(c);
}

static void test_checker_catches(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    derive(s);
    Step rd_closed[] = {{TS_DCMD_RD, 0, 0, 0, 1, 100}};
    expect_violation(s, rd_closed, 1, "bank closed");
    Step act_open[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 100}, {TS_DCMD_ACT, 0, 0, 0, 2, 300}};
    expect_violation(s, act_open, 2, "bank already open");
    Step wrong_row[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 100}, {TS_DCMD_RD, 0, 0, 0, 2, 200}};
    expect_violation(s, wrong_row, 2, "is not the open row");
    Step same_cycle[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 100}, {TS_DCMD_ACT, 0, 1, 0, 1, 100}};
    expect_violation(s, same_cycle, 2, "command bus");
    Step ref_open[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 100}, {TS_DCMD_REF, 0, 0, 0, 0, 500}};
    expect_violation(s, ref_open, 2, "of the rank is open");
    Step bus[] = {{TS_DCMD_ACT, 0, 0, 0, 1, 100},
                  {TS_DCMD_ACT, 0, 1, 0, 1, 110},
                  {TS_DCMD_WR, 0, 0, 0, 1, 200},
                  {TS_DCMD_RD, 0, 1, 0, 1, 203}};
    expect_violation(s, bus, 4, "tWTR_S");
    /* Refresh starvation: no REF for ten refresh intervals. */
    TsDramChecker *c = ts_dram_checker_new(s, "test");
    ts_dram_checker_finish(c, 10 * s->cycles.tREFI);
    CU_ASSERT_EQUAL(ts_dram_checker_violations(c), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(ts_dram_checker_first(c), "not refreshed"));
    ts_dram_checker_free(c);
}

/* ---- all-bank (PIM) mode at each timing's edge ---- */

/* As edge(), with all-bank commands in `pre` or `next` (ts_dram_allbank_* for them, the
 * engine for the others). */
static void ab_edge(const TsDramSpec *s, const char *what, const Step *pre, guint n_pre, Step next,
                    guint64 expect)
{
    TsDramEngine e;
    TsDramAllBank a;
    g_autofree char *why = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_engine_init(&e, s, &why));
    CU_ASSERT_TRUE_FATAL(ts_dram_allbank_init(&a, s, 1, &why));
    for (guint i = 0; i < n_pre; i++) {
        if (pre[i].cmd >= TS_DCMD_ACTAB)
            ts_dram_allbank_issue(&a, &e, pre[i].cmd, pre[i].row, (guint64)pre[i].at);
        else
            ts_dram_engine_issue(&e, pre[i].cmd, pre[i].rank,
                                 pre[i].bg * (guint)s->banks + pre[i].bank, pre[i].row,
                                 (guint64)pre[i].at);
    }
    guint64 got = next.cmd >= TS_DCMD_ACTAB
                      ? ts_dram_allbank_earliest(&a, &e, next.cmd)
                      : ts_dram_engine_earliest(&e, next.cmd, next.rank,
                                                next.bg * (guint)s->banks + next.bank);
    if (got != expect)
        fprintf(stderr,
                "\n  %s: engine says %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT "\n", what,
                got, expect);
    CU_ASSERT_EQUAL(got, expect);
    ts_dram_engine_clear(&e);
    checker_edge(s, what, pre, n_pre, next, expect);
}

/* Every all-bank rule on HBM2 (tCCDab unset: tCCD_L) and GDDR6 with AiM's tCCDab of 2. */
static void test_edges_all_bank(void)
{
    for (int k = 0; k < 2; k++) {
        g_autofree TsDramSpec *s = preset(k == 0 ? "HBM2" : "GDDR6");
        if (k == 1)
            s->cycles.tCCDab = 2;
        derive(s);
        const TsDramTimings *t = &s->cycles;
        const guint64 T0 = 1000, BL = t->tBURST, AL = t->AL;
        const guint64 RL = AL + t->tCL, WL = AL + t->tCWL;
        const guint64 COL = MAX(t->tCCDab ? t->tCCDab : t->tCCD_L, BL);
        const Step actab = {TS_DCMD_ACTAB, 0, 0, 0, 3, (gint64)T0};
        const Step rdab = {TS_DCMD_RDAB, 0, 0, 0, 3, 0}, wrab = {TS_DCMD_WRAB, 0, 0, 0, 3, 0};
        const Step preab = {TS_DCMD_PREAB, 0, 0, 0, 3, 0};
        ab_edge(s, "ACTAB -> RDAB tRCD", &actab, 1, rdab, T0 + t->tRCD - AL);
        ab_edge(s, "ACTAB -> WRAB tRCDWR", &actab, 1, wrab, T0 + t->tRCDWR - AL);
        ab_edge(s, "ACTAB -> PREAB tRAS", &actab, 1, preab, T0 + t->tRAS);
        const gint64 T1 = (gint64)T0 + 100;
        Step rd[] = {actab, {TS_DCMD_RDAB, 0, 0, 0, 3, T1}};
        ab_edge(s, "RDAB -> RDAB tCCDab", rd, N(rd), rdab, (guint64)T1 + COL);
        ab_edge(s, "RDAB -> WRAB turnaround", rd, N(rd), wrab,
                (guint64)T1 + RL + BL - WL + t->tRTRS);
        ab_edge(s, "RDAB -> PREAB tRTP", rd, N(rd), preab, (guint64)T1 + AL + t->tRTP);
        Step wr[] = {actab, {TS_DCMD_WRAB, 0, 0, 0, 3, T1}};
        ab_edge(s, "WRAB -> WRAB tCCDab", wr, N(wr), wrab, (guint64)T1 + COL);
        ab_edge(s, "WRAB -> RDAB tWTR_L", wr, N(wr), rdab, (guint64)T1 + WL + BL + t->tWTR_L);
        ab_edge(s, "WRAB -> PREAB tWR", wr, N(wr), preab, (guint64)T1 + WL + BL + t->tWR);
        /* PREAB closes every bank: a normal ACT and the next ACTAB wait tRP (tRC after a
         * late precharge is not binding). */
        Step pre[] = {actab, {TS_DCMD_PREAB, 0, 0, 0, 3, T1}};
        ab_edge(s, "PREAB -> ACT tRP", pre, N(pre), (Step){TS_DCMD_ACT, 0, 1, 2, 4, 0},
                (guint64)T1 + t->tRP);
        ab_edge(s, "PREAB -> ACTAB tRP", pre, N(pre), (Step){TS_DCMD_ACTAB, 0, 0, 0, 4, 0},
                (guint64)T1 + t->tRP);
        /* ACTAB after normal-mode commands: tRP of one bank precharged late, tRC of a bank
         * activated, tRFC after REF. */
        Step one[] = {{TS_DCMD_ACT, 0, 2, 1, 7, (gint64)T0},
                      {TS_DCMD_PRE, 0, 2, 1, 7, (gint64)T0 + 200}};
        ab_edge(s, "PRE (one bank) -> ACTAB tRP", one, N(one), (Step){TS_DCMD_ACTAB, 0, 0, 0, 4, 0},
                T0 + 200 + t->tRP);
        Step rc[] = {{TS_DCMD_ACT, 0, 1, 3, 7, (gint64)T0},
                     {TS_DCMD_PRE, 0, 1, 3, 7, (gint64)(T0 + t->tRAS)}};
        ab_edge(s, "ACT -> ACTAB tRC", rc, N(rc), (Step){TS_DCMD_ACTAB, 0, 0, 0, 4, 0},
                T0 + MAX(t->tRC, t->tRAS + t->tRP));
        Step ref[] = {{TS_DCMD_REF, 0, 0, 0, 0, (gint64)T0}};
        ab_edge(s, "REF -> ACTAB tRFC", ref, N(ref), (Step){TS_DCMD_ACTAB, 0, 0, 0, 4, 0},
                T0 + t->tRFC);
        Step ab_ref[] = {actab, {TS_DCMD_PREAB, 0, 0, 0, 3, T1}};
        ab_edge(s, "PREAB -> REF tRP", ab_ref, N(ab_ref), (Step){TS_DCMD_REF, 0, 0, 0, 0, 0},
                (guint64)T1 + t->tRP);
        /* An ACTAB counts as an ACT of every bank in the activation window. */
        Step win[] = {actab, {TS_DCMD_PREAB, 0, 0, 0, 3, (gint64)(T0 + t->tRAS)}};
        ab_edge(s, "ACTAB -> ACTAB (tRC, tFAW)", win, N(win), (Step){TS_DCMD_ACTAB, 0, 0, 0, 4, 0},
                T0 + MAX(MAX(t->tRC, t->tRAS + t->tRP), t->tFAW));
    }
    /* Illegal all-bank sequences the checker names. */
    g_autofree TsDramSpec *h = preset("HBM2");
    derive(h);
    Step open[] = {{TS_DCMD_ACT, 0, 3, 3, 1, 100}, {TS_DCMD_ACTAB, 0, 0, 0, 2, 400}};
    expect_violation(h, open, N(open), "already open");
    Step closed[] = {{TS_DCMD_RDAB, 0, 0, 0, 2, 100}};
    expect_violation(h, closed, N(closed), "closed");
    Step row[] = {{TS_DCMD_ACTAB, 0, 0, 0, 2, 100}, {TS_DCMD_RDAB, 0, 0, 0, 5, 200}};
    expect_violation(h, row, N(row), "open row");
}

/* ---- all-bank (PIM) mode on the component ---- */

/* A requester of the dram's "req" and "pim" elements: `ab_reqs` all-bank reads of `ab_bytes`
 * each, in order, on pim[0]; `normal` random reads on req[0] (channel 0), all at time 0. */
typedef struct {
    TsComponent base;
    guint n_units;
    guint64 ab_reqs, ab_bytes, ab_sent, ab_done, normal, normal_sent, normal_done;
    TsTick ab_end;
    TsComponent *dram;
    GRand *rng;
} AbDriver;

static const TsPortSpec ab_driver_ports[] = {
    {"out", FALSE, "req[i] then pim[i]", TS_PORT_ARRAY | TS_PORT_CREDITED},
};
static const TsParamSpec ab_driver_params[] = {
    {"units", TS_PARAM_INT, "", "1", 1, 64, "channels"},
};

static gboolean ab_driver_init(TsComponent *self, const void *spec, const TsParams *p,
                               GError **error)
{
    (void)spec;
    AbDriver *d = TS_COMPONENT_DOWNCAST(AbDriver, self);
    d->n_units = (guint)ts_params_get_int(p, "units");
    return ts_component_set_clock(self, 1000000000, error) &&
           ts_component_set_port_count(self, "out", 2 * d->n_units, error);
}

static void ab_driver_pump(AbDriver *d)
{
    TsPort *pim = ts_component_port_at(&d->base, 0, d->n_units);
    while (d->ab_sent < d->ab_reqs && ts_port_credits(pim) > 0) {
        TsEvent *ev = ts_sim_event_new(d->base.sim, &d->base, TS_EVENT_MEM_REQUEST);
        TsMemReq *r = ts_mem_req(ev);
        r->addr = d->ab_sent * d->ab_bytes;
        r->bytes = (guint32)d->ab_bytes;
        r->op = TS_MEM_READ;
        r->tag = 1;
        ts_port_send(pim, ev, 0);
        d->ab_sent++;
    }
    TsPort *req = ts_component_port_at(&d->base, 0, 0);
    const guint32 burst = ts_dram_burst_bytes(d->dram);
    while (d->normal_sent < d->normal && ts_port_credits(req) > 0) {
        guint64 a;
        do
            a = (guint64)g_rand_int(d->rng) * burst;
        while (ts_dram_unit_of(d->dram, a) != 0);
        TsEvent *ev = ts_sim_event_new(d->base.sim, &d->base, TS_EVENT_MEM_REQUEST);
        TsMemReq *r = ts_mem_req(ev);
        r->addr = a;
        r->bytes = burst;
        r->op = TS_MEM_READ;
        r->tag = 0;
        ts_port_send(req, ev, 0);
        d->normal_sent++;
    }
}

static void ab_driver_handle(TsComponent *self, TsEvent *ev)
{
    AbDriver *d = TS_COMPONENT_DOWNCAST(AbDriver, self);
    if (ev->type == TS_EVENT_MEM_RESPONSE) {
        if (ts_mem_req_const(ev)->tag == 1) {
            d->ab_done++;
            d->ab_end = ts_sim_now(self->sim);
        } else {
            d->normal_done++;
        }
        if (d->ab_done == d->ab_reqs && d->normal_done == d->normal)
            ts_sim_request_stop(self->sim, self, "done"); /* refresh would go on forever */
    }
    ab_driver_pump(d);
}

static void ab_driver_setup(TsComponent *self)
{
    AbDriver *d = TS_COMPONENT_DOWNCAST(AbDriver, self);
    ab_driver_pump(d);
}

static const TsComponentKind ab_driver_kind = {
    .name = "ab_driver",
    .instance_size = sizeof(AbDriver),
    .params = ab_driver_params,
    .n_params = G_N_ELEMENTS(ab_driver_params),
    .ports = ab_driver_ports,
    .n_ports = G_N_ELEMENTS(ab_driver_ports),
    .init = ab_driver_init,
    .setup = ab_driver_setup,
    .handle = ab_driver_handle,
};

/* Streams `rows` all-bank rows per unit (requests of 4 rows) through channel 0 of spec, with
 * `normal` random reads on the same channel; the checker on. Returns the cycles to the last
 * all-bank response and fills *st. */
static double ab_stream(const TsDramSpec *s, guint64 rows, guint64 normal, TsDramStats *st)
{
    g_autoptr(GError) err = NULL;
    TsSim *sim = ts_sim_new();
    g_autoptr(TsParams) dp = ts_params_new();
    ts_params_set_bool(dp, "check", TRUE);
    TsComponent *dram =
        ts_sim_add_component_typed(sim, &ts_dram_kind, "dram", TS_SPEC(TsDramSpec, s), dp, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dram);
    const guint n = ts_dram_n_units(dram);
    g_autoptr(TsParams) rp = ts_params_new();
    ts_params_set_int(rp, "units", n);
    TsComponent *drv = ts_sim_add_component(sim, &ab_driver_kind, "drv", rp, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(drv);
    AbDriver *d = TS_COMPONENT_DOWNCAST(AbDriver, drv);
    const guint64 row_bytes = s->columns * s->bus_width_bits / 8;
    d->dram = dram;
    d->ab_bytes = 4 * row_bytes;
    d->ab_reqs = rows / 4;
    d->normal = normal;
    d->rng = g_rand_new_with_seed(7);
    for (guint i = 0; i < n; i++) {
        g_autofree char *o1 = g_strdup_printf("out[%u]", i);
        g_autofree char *o2 = g_strdup_printf("out[%u]", n + i);
        g_autofree char *r1 = g_strdup_printf("req[%u]", i);
        CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, drv, o1, dram, r1, &(TsLinkSpec){0}, &err));
        if (i == 0)
            CU_ASSERT_TRUE_FATAL(
                ts_sim_connect(sim, drv, o2, dram, "pim[0]", &(TsLinkSpec){0}, &err));
    }
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
    ts_sim_run(sim);
    CU_ASSERT_EQUAL(d->ab_done, d->ab_reqs);
    CU_ASSERT_EQUAL(d->normal_done, normal);
    ts_dram_get_stats(dram, st);
    if (st->violations)
        fprintf(stderr, "\n  %s\n", ts_dram_first_violation(dram));
    CU_ASSERT_EQUAL(st->violations, 0);
    CU_ASSERT(st->commands_checked > 0);
    const double cycles = (double)d->ab_end / (double)s->tck_ps;
    g_rand_free(d->rng);
    ts_sim_free(sim);
    return cycles;
}

/* The all-bank rate on the component against the analytical model's (ts-arch-derive.c: the row
 * cycle over 1 - the refresh share) on HBM2 and GDDR6 with AiM's tCCDab: within 2% (the DES
 * also pays the first row's tRCD + RL + tBURST and re-opens the row each refresh closed); the
 * in-bank bursts and their energy from the command counts; normal reads on the same channel
 * take turns with it (every request completes, every command legal, the stream slower). */
static void test_all_bank_stream(void)
{
    for (int k = 0; k < 2; k++) {
        g_autofree TsDramSpec *s = preset(k == 0 ? "HBM2" : "GDDR6");
        if (k == 1)
            s->cycles.tCCDab = 2;
        derive(s);
        const TsDramTimings *t = &s->cycles;
        const double bursts = (double)(s->columns * s->bus_width_bits / 8 / s->burst_bytes);
        const double col = (double)MAX(t->tCCDab ? t->tCCDab : t->tCCD_L, t->tBURST);
        const double cycle =
            MAX(MAX((double)t->tRAS, (double)t->tRCD + (bursts - 1) * col + (double)t->tRTP) +
                    (double)t->tRP,
                MAX((double)t->tRC, (double)t->tFAW));
        const double row_tck = cycle / (1.0 - (double)t->tRFC / (double)t->tREFI);
        const guint64 rows = 512;
        TsDramStats st, mixed;
        const double got = ab_stream(s, rows, 0, &st);
        const double want = (double)rows * row_tck;
        const double diff = (got - want) / want;
        if (g_getenv("TILESIM_TEST_VERBOSE") || fabs(diff) > 0.02)
            fprintf(stderr,
                    "\n  %s all-bank stream of %" G_GUINT64_FORMAT " rows: %.0f cycles, "
                    "model %.0f (%+.2f%%)\n",
                    s->preset, rows, got, want, 100 * diff);
        CU_ASSERT(fabs(diff) <= 0.02);
        const guint64 units = s->ranks * s->bankgroups * s->banks;
        CU_ASSERT_EQUAL(st.ab_read_bursts, rows * (guint64)bursts * units);
        CU_ASSERT(st.ab_activates >= rows);
        CU_ASSERT(st.refreshes > 0);
        CU_ASSERT_EQUAL(st.read_cmds, 0);
        if (s->idd0_ma > 0) {
            const double rd = s->read_burst_pj * (double)st.ab_read_bursts;
            CU_ASSERT_DOUBLE_EQUAL(st.read_energy_pj, rd, 1e-6 * rd);
            const double act = s->activate_pj * (double)(st.ab_activates * units);
            CU_ASSERT_DOUBLE_EQUAL(st.act_energy_pj, act, 1e-6 * act);
        }
        const double slow = ab_stream(s, rows, 2000, &mixed);
        CU_ASSERT(slow > got);
        CU_ASSERT_EQUAL(mixed.reads_done, 2000);
    }
}

/* The all-bank turn length (controller key allbank_turn_rows, default 8): an all-bank stream
 * sharing an HBM2 channel with random normal reads takes turns with them of at least that many
 * all-bank row cycles; with 1-row turns the mode switches (PREAB, the normal scheduler's
 * activates, a new ACTAB) come far more often. The stream's cycles change with the value and
 * are the same for the default and an explicit 8; every command stays legal. */
static void test_all_bank_turns(void)
{
    double cycles[3];
    const guint64 turns[3] = {0, 1, 32};
    for (int k = 0; k < 3; k++) {
        g_autofree TsDramSpec *s = preset("HBM2");
        s->allbank_turn_rows = turns[k];
        derive(s);
        CU_ASSERT_EQUAL(s->allbank_turn_rows, k == 0 ? 8 : turns[k]);
        TsDramStats st;
        cycles[k] = ab_stream(s, 256, 2000, &st);
        CU_ASSERT_EQUAL(st.reads_done, 2000);
    }
    g_autofree TsDramSpec *s8 = preset("HBM2");
    s8->allbank_turn_rows = 8;
    derive(s8);
    TsDramStats st;
    CU_ASSERT_EQUAL(ab_stream(s8, 256, 2000, &st), cycles[0]);
    if (g_getenv("TILESIM_TEST_VERBOSE"))
        fprintf(stderr, "\n  HBM2 all-bank stream of 256 rows beside 2000 reads: turns of 8 rows "
                        "%.0f cycles, 1 row %.0f, 32 rows %.0f\n",
                cycles[0], cycles[1], cycles[2]);
    CU_ASSERT(cycles[1] > cycles[0]);
    CU_ASSERT(cycles[2] != cycles[0]);
}

/* ---- whole-component runs ---- */

/* Runs trace on spec with the checker; the run must complete every request legally. */
static void run_checked(const TsDramSpec *s, const TsDramTrace *tr, TsDramTraceResult *res,
                        const char *what)
{
    g_autoptr(GError) error = NULL;
    gboolean ok = ts_dram_trace_run(s, tr, 0, TRUE, res, &error);
    if (!ok)
        fprintf(stderr, "\n  %s: %s\n", what, error->message);
    CU_ASSERT_TRUE_FATAL(ok);
    guint64 writes = 0;
    for (gsize i = 0; i < tr->n; i++)
        writes += tr->entries[i].is_write;
    if (res->stats.violations || res->stats.reads_done + res->stats.writes_done != tr->n)
        fprintf(stderr,
                "\n  %s: %" G_GUINT64_FORMAT " reads + %" G_GUINT64_FORMAT
                " writes of %" G_GSIZE_FORMAT ", %" G_GUINT64_FORMAT " violations\n",
                what, res->stats.reads_done, res->stats.writes_done, tr->n, res->stats.violations);
    CU_ASSERT_EQUAL(res->stats.violations, 0);
    CU_ASSERT(res->stats.commands_checked > 0);
    CU_ASSERT_EQUAL(res->stats.writes_done, writes);
    CU_ASSERT_EQUAL(res->stats.reads_done, tr->n - writes);
}

/* Unloaded latencies from acceptance: miss tRCD + CL + BL + 1, hit CL + BL + 1, conflict
 * tRP + tRCD + CL + BL + 1 (the +1: a transaction moves to its command queue in the cycle it
 * is accepted, its first command issues in the next). */
static void test_unloaded_latencies_all_presets(void)
{
    const char *const *names = ts_dram_preset_names();
    for (guint p = 0; names[p]; p++) {
        g_autofree TsDramSpec *s = preset(names[p]);
        derive(s);
        g_autoptr(TsDramTrace) tr = trace_new(1);
        TsComponent *dram = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, TRUE, TRUE, &dram, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
        const TsDramTimings *t = &s->cycles;
        guint64 hit = t->tCL + t->tBURST + 1;
        guint64 miss = t->tRCD + t->tCL + t->tBURST + 1;
        guint64 conflict = t->tRP + miss;
        guint64 want[3] = {miss, hit, conflict};
        guint64 rows[3] = {3, 3, 4};
        for (guint k = 0; k < 3; k++) {
            /* A fresh DRAM for the miss; the hit and the conflict follow on an open row, so
             * replay the earlier requests first, far apart. */
            g_autoptr(TsDramTrace) seq = trace_new(k + 1);
            for (guint j = 0; j <= k; j++)
                seq->entries[j] = (TsDramTraceEntry){ts_dram_address(dram, 0, 0, 1, 1, rows[j], j),
                                                     200 * (guint64)j, FALSE};
            TsDramTraceResult r;
            run_checked(s, seq, &r, names[p]);
            guint64 total = 0;
            for (guint j = 0; j <= k; j++)
                total += want[j];
            if (r.stats.read_latency_sum != total)
                fprintf(stderr,
                        "\n  %s: latencies sum %" G_GUINT64_FORMAT " (want %" G_GUINT64_FORMAT
                        ")\n",
                        names[p], r.stats.read_latency_sum, total);
            CU_ASSERT_EQUAL(r.stats.read_latency_sum, total);
        }
    }
}

/* Random mixed traffic (70% reads, bursts and gaps, hot rows) over every preset and controller
 * variant: every request completes, every command is legal. */
static void random_trace(TsDramTrace *tr, TsComponent *dram, guint64 seed)
{
    GRand *rng = g_rand_new_with_seed((guint32)seed);
    guint64 cycle = 0;
    guint units = ts_dram_n_units(dram);
    for (gsize i = 0; i < tr->n; i++) {
        if (g_rand_int_range(rng, 0, 4) == 0)
            cycle += (guint64)g_rand_int_range(rng, 0, 60);
        guint64 row = (guint64)g_rand_int_range(rng, 0, 4);
        guint64 a = ts_dram_address(
            dram, (guint)g_rand_int_range(rng, 0, (gint32)units),
            (guint)g_rand_int_range(rng, 0, 2), (guint)g_rand_int_range(rng, 0, 4),
            (guint)g_rand_int_range(rng, 0, 4), row * 97, (guint64)g_rand_int_range(rng, 0, 8));
        tr->entries[i] = (TsDramTraceEntry){a, cycle, g_rand_int_range(rng, 0, 10) < 3};
    }
    g_rand_free(rng);
}

typedef struct {
    const char *preset;
    const char *variant;
} Case;

static void apply_variant(TsDramSpec *s, const char *v)
{
    if (strcmp(v, "close_page") == 0)
        s->page_policy = TS_DRAM_PAGE_CLOSE;
    else if (strcmp(v, "2_ranks") == 0)
        s->ranks = 2;
    else if (strcmp(v, "2_ranks_simultaneous") == 0) {
        s->ranks = 2;
        s->refresh_policy = TS_DRAM_REFRESH_RANK_SIMULTANEOUS;
    } else if (strcmp(v, "bank_refresh") == 0) {
        s->refresh_policy = TS_DRAM_REFRESH_BANK_STAGGERED;
        if (s->cycles.tREFIb == 0) {
            s->cycles.tREFIb = s->cycles.tREFI / (s->bankgroups * s->banks);
            s->cycles.tRFCb = s->cycles.tRFC / 4;
        }
    } else if (strcmp(v, "per_rank_queues") == 0)
        s->queue_structure = TS_DRAM_QUEUE_PER_RANK;
    else if (strcmp(v, "unified_queue") == 0)
        s->unified_queue = TRUE;
    else if (strcmp(v, "pseudo_channels") == 0)
        s->pseudo_channels = 2;
    else if (strcmp(v, "small_queues") == 0) {
        s->trans_queue_size = 4;
        s->cmd_queue_size = 2;
        s->write_buf_size = 2;
    } else if (strcmp(v, "no_refresh") == 0)
        s->refresh_policy = TS_DRAM_REFRESH_NONE;
}

static void test_random_all_presets_and_variants(void)
{
    static const char *const variants[] = {
        "default",         "close_page",    "2_ranks",      "2_ranks_simultaneous", "bank_refresh",
        "per_rank_queues", "unified_queue", "small_queues", "no_refresh",           NULL};
    const char *const *names = ts_dram_preset_names();
    guint64 seed = ts_test_seed(12);
    for (guint p = 0; names[p]; p++) {
        for (guint v = 0; variants[v]; v++) {
            g_autofree TsDramSpec *s = preset(names[p]);
            apply_variant(s, variants[v]);
            derive(s);
            g_autoptr(TsDramTrace) tr = trace_new(1500);
            TsComponent *dram = NULL;
            g_autoptr(GError) error = NULL;
            g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
            CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
            random_trace(tr, dram, seed + p * 31 + v);
            g_autofree char *what = g_strdup_printf("%s %s", names[p], variants[v]);
            TsDramTraceResult r;
            run_checked(s, tr, &r, what);
            CU_ASSERT(r.stats.activates > 0);
            CU_ASSERT(r.stats.total_energy_pj > 0 || s->idd0_ma == 0);
        }
    }
    /* HBM2 in pseudo-channel mode: 16 units of 64 bits. */
    g_autofree TsDramSpec *h = preset("HBM2");
    apply_variant(h, "pseudo_channels");
    derive(h);
    g_autoptr(TsDramTrace) tr = trace_new(1500);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) probe = ts_dram_trace_sim_new(h, tr, FALSE, TRUE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    CU_ASSERT_EQUAL(ts_dram_n_units(dram), 16);
    CU_ASSERT_EQUAL(ts_dram_burst_bytes(dram), 32);
    random_trace(tr, dram, seed);
    TsDramTraceResult r;
    run_checked(h, tr, &r, "HBM2 pseudo-channels");
}

/* ---- completions: the hook reports what the response events deliver ---- */

#define HOOK_REQS 600

/* "requester": sends a trace's requests in order as credits allow, records each completion
 * tick by tag, from TS_EVENT_MEM_RESPONSE events or from the dram's completion hook. */
typedef struct {
    const TsDramTrace *trace;
    TsComponent *dram;
} RequesterSpec;

typedef struct {
    TsComponent base;
    const TsDramTrace *trace;
    TsComponent *dram;
    gsize next;
    guint n_done;
    TsTick done[HOOK_REQS];
} Requester;

static const TsPortSpec requester_ports[] = {
    {"mem", TRUE, "one per unit", TS_PORT_ARRAY | TS_PORT_CREDITED}};

static gboolean requester_init(TsComponent *self, const void *spec, const TsParams *params,
                               GError **error)
{
    Requester *r = TS_COMPONENT_DOWNCAST(Requester, self);
    const RequesterSpec *s = spec;
    r->trace = s->trace;
    r->dram = s->dram;
    ts_sim_schedule(self->sim, ts_sim_event_new(self->sim, self, 1), 0);
    return ts_component_set_port_count(self, "mem", ts_dram_n_units(s->dram), error);
}

static void record_done(Requester *r, const TsMemReq *req, TsTick done_tick)
{
    CU_ASSERT_FATAL(req->tag < HOOK_REQS);
    CU_ASSERT_EQUAL(r->done[req->tag], 0);
    r->done[req->tag] = done_tick;
    r->n_done++;
}

static void requester_hook(gpointer user, const TsMemReq *req, TsTick done_tick)
{
    Requester *r = user;
    CU_ASSERT(done_tick >= ts_sim_now(r->base.sim));
    record_done(r, req, done_tick);
}

static void requester_handle(TsComponent *self, TsEvent *ev)
{
    Requester *r = TS_COMPONENT_DOWNCAST(Requester, self);
    if (ev->type == TS_EVENT_MEM_RESPONSE) {
        CU_ASSERT_EQUAL(ts_mem_req_const(ev)->done_tick, ts_sim_now(self->sim));
        record_done(r, ts_mem_req_const(ev), ts_sim_now(self->sim));
        return;
    }
    for (; r->next < r->trace->n; r->next++) {
        const TsDramTraceEntry *e = &r->trace->entries[r->next];
        TsPort *p = ts_component_port_at(self, 0, ts_dram_unit_of(r->dram, e->addr));
        if (ts_port_credits(p) == 0)
            return; /* the credit event resumes */
        TsEvent *req = ts_sim_event_new(self->sim, NULL, TS_EVENT_MEM_REQUEST);
        *ts_mem_req(req) = (TsMemReq){.addr = e->addr,
                                      .tag = r->next,
                                      .bytes = ts_dram_burst_bytes(r->dram),
                                      .tensor = TS_MEM_TENSOR_NONE,
                                      .op = e->is_write ? TS_MEM_WRITE : TS_MEM_READ};
        ts_port_send(p, req, 0);
    }
}

static const TsComponentKind requester_kind = {
    .name = "requester",
    .instance_size = sizeof(Requester),
    .ports = requester_ports,
    .n_ports = G_N_ELEMENTS(requester_ports),
    .spec_type = "RequesterSpec",
    .init = requester_init,
    .handle = requester_handle,
};

/* Runs tr on a DRAM of s with the requester; with_hook takes completions through the hook. */
static void run_requester(const TsDramSpec *s, const TsDramTrace *tr, gboolean with_hook,
                          Requester *out, TsDramStats *st)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_bool(p, "check", TRUE);
    TsComponent *dram = ts_sim_add_component_typed(sim, &ts_dram_kind, "dram",
                                                   TS_SPEC(TsDramSpec, s), p, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dram);
    RequesterSpec rs = {tr, dram};
    TsComponent *req = ts_sim_add_component_typed(sim, &requester_kind, "cpu",
                                                  TS_SPEC(RequesterSpec, &rs), NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(req);
    const TsLinkSpec wire = {0, 0};
    for (guint u = 0; u < ts_dram_n_units(dram); u++) {
        g_autofree char *a = g_strdup_printf("mem[%u]", u);
        g_autofree char *b = g_strdup_printf("req[%u]", u);
        CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, req, a, dram, b, &wire, &error));
    }
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &error));
    Requester *r = TS_COMPONENT_DOWNCAST(Requester, req);
    if (with_hook)
        ts_dram_set_done_hook(dram, requester_hook, r);
    /* Refresh keeps the dram waking: run a window every request completes in. */
    ts_sim_run_until(sim, ts_clock_cycles_to_ticks(&dram->clock, 200000));
    ts_dram_get_stats(dram, st);
    *out = *r;
}

static void test_done_hook_matches_responses(void)
{
    const char *const names[] = {"DDR4-2400", "HBM2"};
    for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
        g_autofree TsDramSpec *s = preset(names[k]);
        derive(s);
        g_autoptr(TsDramTrace) tr = trace_new(HOOK_REQS);
        TsComponent *dram = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
        random_trace(tr, dram, ts_test_seed(5) + k);
        static Requester ev, hook;
        TsDramStats st_ev, st_hook;
        run_requester(s, tr, FALSE, &ev, &st_ev);
        run_requester(s, tr, TRUE, &hook, &st_hook);
        CU_ASSERT_EQUAL(ev.n_done, HOOK_REQS);
        CU_ASSERT_EQUAL(hook.n_done, HOOK_REQS);
        CU_ASSERT_EQUAL(memcmp(ev.done, hook.done, sizeof ev.done), 0);
        CU_ASSERT_EQUAL(st_ev.reads_done + st_ev.writes_done, HOOK_REQS);
        CU_ASSERT_EQUAL(st_hook.reads_done, st_ev.reads_done);
        CU_ASSERT_EQUAL(st_hook.read_latency_sum, st_ev.read_latency_sum);
        CU_ASSERT_EQUAL(st_hook.activates, st_ev.activates);
        CU_ASSERT_EQUAL(st_hook.violations, 0);
        CU_ASSERT_EQUAL(st_ev.violations, 0);
    }
}

/* ---- the trace driver's batched requests read as events would be ----
 * The driver sends on a TS_PORT_BATCH port (requests reach the dram's arrival queue, read when
 * its clock gets there) and takes credits through its credit callback; a traced run sends every
 * request and credit as an event. Both give the same statistics, in windows that end between a
 * request's arrival and its acceptance as well as to completion. */

static void trace_noop(const TsTraceRecord *r, gpointer user)
{
    (void)r;
    (void)user;
}

static void run_windows(const TsDramSpec *s, const TsDramTrace *tr, gboolean traced,
                        TsDramStats *st, guint n_windows, guint64 *events)
{
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, TRUE, FALSE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    if (traced) /* a model-trace category no model emits: every event through the loop */
        ts_sim_set_trace(sim, TS_TRACE_MODEL, "cpu", trace_noop, NULL);
    /* Window ends at 1/3 of a cycle past an edge land between arrivals and acceptances. */
    for (guint w = 0; w < n_windows; w++) {
        TsTick end = ts_clock_cycles_to_ticks(&dram->clock, 977 * (guint64)(w + 1)) +
                     ts_clock_cycles_to_ticks(&dram->clock, 1) / 3;
        ts_sim_run_until(sim, end);
        ts_dram_get_stats(dram, &st[w]);
    }
    *events = ts_sim_events_processed(sim);
}

static void test_batched_requests_exact(void)
{
    const char *const names[] = {"DDR4-2400", "HBM2"};
    for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
        g_autofree TsDramSpec *s = preset(names[k]);
        derive(s);
        g_autoptr(TsDramTrace) tr = trace_new(3000);
        TsComponent *dram = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
        random_trace(tr, dram, ts_test_seed(9) + k);
        /* Every other request back to back: the queues fill and credits run out. */
        for (gsize i = 0; i < tr->n; i++)
            tr->entries[i].cycle = i % 2 ? tr->entries[i].cycle / 8 : 0;
        for (gsize i = 1; i < tr->n; i++)
            tr->entries[i].cycle = MAX(tr->entries[i].cycle, tr->entries[i - 1].cycle);
        enum { W = 40 };
        TsDramStats batched[W], traced[W];
        guint64 ev_batched = 0, ev_traced = 0;
        run_windows(s, tr, FALSE, batched, W, &ev_batched);
        run_windows(s, tr, TRUE, traced, W, &ev_traced);
        for (guint w = 0; w < W; w++) {
            if (memcmp(&batched[w], &traced[w], sizeof batched[w]) != 0) {
                fprintf(stderr, "\n  %s: window %u differs (reads %" G_GUINT64_FORMAT
                        " vs %" G_GUINT64_FORMAT ")\n",
                        names[k], w, batched[w].reads_done, traced[w].reads_done);
                CU_FAIL("batched requests differ from request events");
                break;
            }
        }
        CU_ASSERT(batched[W - 1].reads_done + batched[W - 1].writes_done > 2000);
        CU_ASSERT_EQUAL(batched[W - 1].violations, 0);
        CU_ASSERT(ev_batched < ev_traced); /* no event per request or per credit */
    }
    /* A window ending after a read's arrival and before its acceptance: the read, served from
     * the buffered write, counts its latency of 1 cycle when it arrives. */
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(2);
    tr->entries[0] = (TsDramTraceEntry){0x40, 0, TRUE};
    tr->entries[1] = (TsDramTraceEntry){0x40, 1, FALSE};
    for (guint traced = 0; traced < 2; traced++) {
        TsComponent *dram = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, FALSE, FALSE, &dram, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
        if (traced)
            ts_sim_set_trace(sim, TS_TRACE_MODEL, "cpu", trace_noop, NULL);
        ts_sim_run_until(sim, ts_clock_cycles_to_ticks(&dram->clock, 1) + 100);
        TsDramStats st;
        ts_dram_get_stats(dram, &st);
        CU_ASSERT_EQUAL(st.read_latency_min, 1);
        CU_ASSERT_EQUAL(st.read_latency_max, 1);
    }
}

/* Per-bank refresh on a device without tREFIb names the key to set, not a division by ranks. */
static void test_bank_refresh_needs_trefib(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    CU_ASSERT_EQUAL_FATAL(s->cycles.tREFIb, 0);
    s->refresh_policy = TS_DRAM_REFRESH_BANK_STAGGERED;
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(4);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
    CU_ASSERT_PTR_NULL(sim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "bank_staggered needs the per-bank refresh "
                                                  "interval tREFIb"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "set tREFIb and tRFCb"));
    CU_ASSERT_PTR_NULL(strstr(error->message, "/ ranks"));
}

/* Writes are posted (acknowledged a cycle after acceptance), a read of a buffered write is
 * served from the buffer, and a second write to a buffered address merges. */
static void test_write_semantics(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->refresh_policy = TS_DRAM_REFRESH_NONE;
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(4);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
    guint64 a = ts_dram_address(dram, 0, 0, 2, 1, 40, 3);
    tr->entries[0] = (TsDramTraceEntry){a, 0, TRUE};
    tr->entries[1] = (TsDramTraceEntry){a, 1, FALSE}; /* served from the write buffer */
    tr->entries[2] = (TsDramTraceEntry){a, 2, TRUE};  /* merged with the buffered write */
    tr->entries[3] = (TsDramTraceEntry){a + 64, 3, FALSE};
    TsDramTraceResult r;
    run_checked(s, tr, &r, "writes");
    CU_ASSERT_EQUAL(r.stats.write_cmds, 0); /* 2 buffered writes < write_buf_size: no drain */
    CU_ASSERT_EQUAL(r.stats.read_cmds, 1);
    CU_ASSERT_EQUAL(r.stats.read_latency_min, 1);
}

/* Reads are counted when their READ issues and left out of the statistics while their data
 * has not returned: many reads of a few addresses merge, so one READ completes many reads and
 * the pending reads outgrow the completion ring's first size (four times RL + BL). Run to the
 * end, every read is counted; over a window that ends before the first READ's data returns,
 * none is (the READs have issued by then). */
static void test_merged_reads_counted(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->refresh_policy = TS_DRAM_REFRESH_NONE;
    s->cycles.tCL = 2; /* read_delay 2 + tBURST: a small ring */
    s->cycles.tCWL = 2;
    s->cycles.tRCD = 200; /* the first reads wait long for their rows: most merge */
    s->trans_queue_size = 256;
    derive(s);
    enum { N = 600, ADDRS = 4 };
    g_autoptr(TsDramTrace) tr = trace_new(N);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) probe = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    for (guint i = 0; i < N; i++)
        tr->entries[i] =
            (TsDramTraceEntry){ts_dram_address(dram, 0, 0, i % ADDRS, 1, 40, 3), 0, FALSE};
    TsDramTraceResult r;
    run_checked(s, tr, &r, "merged reads");
    CU_ASSERT_EQUAL(r.stats.reads_done, N);
    CU_ASSERT_EQUAL(r.stats.violations, 0);
    CU_ASSERT(r.stats.read_cmds < N / 2); /* most reads merged */
    CU_ASSERT(r.stats.read_latency_sum >= N * r.stats.read_latency_min);
    /* the first READ issues after tRCD; a window ending before its data counts no read */
    TsDramTraceResult w;
    g_autoptr(GError) werr = NULL;
    const guint64 end = s->cycles.tRCD + 3;
    CU_ASSERT_TRUE_FATAL(ts_dram_trace_run(s, tr, end, TRUE, &w, &werr));
    CU_ASSERT(w.stats.read_cmds > 0);
    CU_ASSERT_EQUAL(w.stats.reads_done, 0);
    CU_ASSERT_EQUAL(w.stats.read_latency_sum, 0);
}

/* The trace driver sends requests ahead of their cycle: a window that ends between a sent
 * request's send and its cycle does not count it. Entry i at cycle 10 i; windows ending 1 to
 * 10 cycles after an entry's cycle count exactly the entries whose cycle lies before the end. */
static void test_requests_sent_in_window(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->refresh_policy = TS_DRAM_REFRESH_NONE;
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(40);
    for (gsize i = 0; i < tr->n; i++)
        tr->entries[i] = (TsDramTraceEntry){(guint64)i * 64, 10 * i, i % 3 == 0};
    for (guint64 end = 201; end <= 210; end++) {
        g_autoptr(GError) error = NULL;
        TsDramTraceResult r;
        CU_ASSERT_TRUE_FATAL(ts_dram_trace_run(s, tr, end, FALSE, &r, &error));
        CU_ASSERT_EQUAL(r.requests_sent, 21); /* cycles 0, 10, ..., 200 */
    }
    g_autoptr(GError) error = NULL;
    TsDramTraceResult r;
    CU_ASSERT_TRUE_FATAL(ts_dram_trace_run(s, tr, 0, FALSE, &r, &error));
    CU_ASSERT_EQUAL(r.requests_sent, tr->n);
    CU_ASSERT_EQUAL(r.stats.reads_done + r.stats.writes_done, tr->n);
}

/* The address mapping: every field lands where the mapping string puts it, and decoding
 * inverts ts_dram_address. */
static void test_address_mapping(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->channels = 2;
    s->ranks = 2;
    s->address_mapping = "rochrababgco";
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(1);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    /* From the LSB: 6 offset bits, 7 column bits, 2 bg, 2 ba, 1 ra, 1 ch, 16 row bits. */
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 0, 0, 0, 0, 1), 64);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 0, 1, 0, 0, 0), G_GUINT64_CONSTANT(1) << 13);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 0, 0, 1, 0, 0), G_GUINT64_CONSTANT(1) << 15);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 1, 0, 0, 0, 0), G_GUINT64_CONSTANT(1) << 17);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 1, 0, 0, 0, 0, 0), G_GUINT64_CONSTANT(1) << 18);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 0, 0, 0, 1, 0), G_GUINT64_CONSTANT(1) << 19);
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, G_GUINT64_CONSTANT(1) << 18), 1);
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, (G_GUINT64_CONSTANT(1) << 18) - 1), 0);
}

/* 12 channels (a host with 6 two-channel controllers): the channel is a digit of radix 12 at
 * the mapping's ch position, the fields above it counted in units of 12 channels; decoding
 * inverts ts_dram_address and a trace over every channel runs on each its share. */
static void test_address_mapping_modulo(void)
{
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->channels = 12;
    s->address_mapping = "rochrababgco";
    s->refresh_policy = TS_DRAM_REFRESH_NONE;
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(48);
    TsComponent *dram = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSim) sim = ts_dram_trace_sim_new(s, tr, FALSE, TRUE, &dram, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    /* From the LSB: 6 offset bits, 7 column bits, 2 bg, 2 ba, the channel digit at bit 17. */
    const guint64 ch = G_GUINT64_CONSTANT(1) << 17;
    CU_ASSERT_EQUAL(ts_dram_address(dram, 5, 0, 0, 0, 0, 0), 5 * ch);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 0, 0, 0, 0, 1, 0), 12 * ch);
    CU_ASSERT_EQUAL(ts_dram_address(dram, 7, 0, 3, 1, 2, 5), (2 * 12 + 7) * ch + 5 * 64 +
                                                                 (G_GUINT64_CONSTANT(3) << 13) +
                                                                 (G_GUINT64_CONSTANT(1) << 15));
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, 11 * ch), 11);
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, 12 * ch), 0);
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, 13 * ch + 64), 1);
    CU_ASSERT_EQUAL(ts_dram_unit_of(dram, ch - 1), 0);
    /* rows 0..3 of each channel, bank 0: 4 activates per channel, nothing lost */
    for (guint i = 0; i < tr->n; i++)
        tr->entries[i] = (TsDramTraceEntry){i * ch, 0, FALSE};
    TsDramTraceResult r;
    run_checked(s, tr, &r, "12 channels");
    CU_ASSERT_EQUAL(r.stats.activates, 48);
    CU_ASSERT_EQUAL(r.stats.read_row_hits, 0);
}

/* ---- bad input ---- */

static char *write_temp(const char *name, const char *text)
{
    char *path = ts_test_tmp_path(name);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static void expect_ini_error(const char *text, const char *needle)
{
    g_autofree char *p = write_temp("ts-test-dram.ini", text);
    GStringChunk *strings = g_string_chunk_new(64);
    g_autoptr(GError) error = NULL;
    TsDramSpec *s = ts_dram_spec_load_ini(p, strings, NULL, &error);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (strstr(error->message, needle) == NULL)
        fprintf(stderr, "\n  got '%s', want '%s'\n", error->message, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
    g_free(s);
    g_string_chunk_free(strings);
    g_unlink(p);
}

static void expect_trace_error(const char *text, const char *needle)
{
    g_autofree char *p = write_temp("ts-test-dram.trace", text);
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTrace) t = ts_dram_trace_load(p, &error);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    if (strstr(error->message, needle) == NULL)
        fprintf(stderr, "\n  got '%s', want '%s'\n", error->message, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
    g_unlink(p);
}

static void test_bad_input(void)
{
    expect_ini_error("[timing]\nCL = 17x\n",
                     "ts-test-dram.ini:2: [timing] CL: expected an integer, got '17x'");
    expect_ini_error("[dram_structure]\nprotocol = DDR9\n",
                     "[dram_structure] protocol: unknown value 'DDR9'");
    expect_ini_error("[dram_structure]\nprotocol = HMC\n", "HMC");
    expect_ini_error("[dram_structure]\nBL = 0\n", "BL = 0");
    expect_ini_error("[system]\naddress_mapping = rochrababgcx\n",
                     "field 'cx' at position 6 is unknown");
    expect_ini_error("[system]\nenable_self_refresh = true\n",
                     "enable_self_refresh = true is not modelled");
    expect_ini_error("just text\n", "ts-test-dram.ini:1: expected 'key = value'");
    expect_ini_error("[timing\n", "has no closing ']'");
    expect_trace_error("0x40 READ 0\n0x80 FETCH 1\n",
                       "ts-test-dram.trace:2: unknown operation 'FETCH'");
    expect_trace_error("0xZZ READ 0\n", ":1: address '0xZZ' is not a hexadecimal number");
    expect_trace_error("0x40 READ\n", ":1: expected 'ADDRESS OP CYCLE'");
    expect_trace_error("0x40 READ -3\n", ":1: cycle '-3' is not a decimal number");
    expect_trace_error("\n\n", "the trace is empty");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NULL(ts_dram_trace_load("/nonexistent/t.trace", &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "no such trace file"));
    /* A spec the model cannot run: non-power-of-two banks (the arch accepts them). */
    g_autofree TsDramSpec *s = preset("DDR4-2400");
    s->banks = 3;
    derive(s);
    g_autoptr(TsDramTrace) tr = trace_new(1);
    TsDramTraceResult r;
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_dram_trace_run(s, tr, 10, FALSE, &r, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "banks = 3 is not a power of two"));
}

/* Mutated configs and traces (bytes flipped, lines dropped or cut) load or fail with an error
 * naming the file; they never crash, hang or load an inconsistent spec. */
static void test_fuzz_inputs(void)
{
    static const char *const ini =
        "[dram_structure]\nprotocol = DDR4\nbankgroups = 4\nbanks_per_group = 4\nrows = 65536\n"
        "columns = 1024\ndevice_width = 8\nBL = 8\n[timing]\ntCK = 0.83\nCL = 17\nCWL = 12\n"
        "tRCD = 17\ntRP = 17\ntRAS = 39\ntRFC = 420\ntREFI = 9360\ntRRD_S = 4\ntRRD_L = 6\n"
        "tFAW = 26\n[system]\nchannel_size = 8192\naddress_mapping = rochrababgco\n"
        "cmd_queue_size = 8\ntrans_queue_size = 32\n";
    static const char *const trace = "0x0 READ 0\n0x40 WRITE 3\n0x1f40 READ 10\n0x2000 READ 12\n";
    GRand *rng = g_rand_new_with_seed((guint32)ts_test_seed(99));
    g_autofree char *ini_path = ts_test_tmp_path("ts-test-fuzz.ini");
    g_autofree char *tr_path = ts_test_tmp_path("ts-test-fuzz.trace");
    static const char junk[] = "=;[]# \n0x-9zREADWRITE";
    guint loaded = 0, rejected = 0;
    for (guint round = 0; round < 400; round++) {
        const char *base = round % 2 ? trace : ini;
        GString *m = g_string_new(base);
        guint edits = (guint)g_rand_int_range(rng, 1, 5);
        for (guint k = 0; k < edits && m->len > 0; k++) {
            guint at = (guint)g_rand_int_range(rng, 0, (gint32)m->len);
            switch (g_rand_int_range(rng, 0, 3)) {
            case 0:
                m->str[at] = junk[g_rand_int_range(rng, 0, (gint32)sizeof junk - 1)];
                break;
            case 1:
                g_string_truncate(m, at);
                break;
            default:
                g_string_insert_c(m, at, junk[g_rand_int_range(rng, 0, (gint32)sizeof junk - 1)]);
            }
        }
        const char *path = round % 2 ? tr_path : ini_path;
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, m->str, (gssize)m->len, NULL));
        g_autoptr(GError) error = NULL;
        if (round % 2) {
            g_autoptr(TsDramTrace) t = ts_dram_trace_load(path, &error);
            if (t) {
                loaded++;
                TsDramTraceResult r;
                g_autofree TsDramSpec *s = preset("DDR4-2400");
                derive(s);
                CU_ASSERT_TRUE(ts_dram_trace_run(s, t, 0, TRUE, &r, NULL));
                CU_ASSERT_EQUAL(r.stats.violations, 0);
            }
        } else {
            GStringChunk *strings = g_string_chunk_new(64);
            TsDramSpec *s = ts_dram_spec_load_ini(path, strings, NULL, &error);
            if (s) {
                loaded++;
                g_autoptr(TsDramTrace) t = trace_new(2);
                t->entries[1] = (TsDramTraceEntry){64, 5, TRUE};
                TsDramTraceResult r;
                g_autoptr(GError) run_error = NULL;
                if (ts_dram_trace_run(s, t, 0, TRUE, &r, &run_error))
                    CU_ASSERT_EQUAL(r.stats.violations, 0);
                g_free(s);
            }
            g_string_chunk_free(strings);
        }
        if (error) {
            rejected++;
            CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "ts-test-fuzz"));
        }
        g_string_free(m, TRUE);
    }
    CU_ASSERT(loaded > 20 && rejected > 20);
    g_rand_free(rng);
    g_unlink(ini_path);
    g_unlink(tr_path);
}

/* The native YAML preset runs the same cycles as the .ini (only tCK differs: 2500/3 ps). */
static void test_native_yaml_matches_ini(void)
{
    g_autofree char *ini = ts_test_reference_path("dram/ds3_DDR4_8Gb_x8_2400_1rank.ini");
    g_autofree char *trp = ts_test_reference_path("dram/traces/ds3_ddr4_rand_paced.trace");
    if (ini == NULL) {
        fprintf(stderr, "SKIP %s: ../shared/reference not found\n", __func__);
        return;
    }
    g_autoptr(GError) error = NULL;
    GStringChunk *strings = g_string_chunk_new(64);
    g_autofree TsDramSpec *from_ini = ts_dram_spec_load_ini(ini, strings, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(from_ini);
    g_autofree char *yaml =
        write_temp("ts-test-dram.yaml", "architecture:\n  name: d\n  clock: 1GHz\n  levels:\n"
                                        "    - {name: DRAM, class: dram, preset: DDR4-2400}\n"
                                        "    - {name: MAC, class: mac}\n");
    g_autoptr(TsArch) arch = ts_arch_load(yaml, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    const TsDramSpec *native = ts_arch_level(arch, 0)->spec;
    g_autoptr(TsDramTrace) tr = ts_dram_trace_load(trp, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
    TsDramTraceResult a, b;
    CU_ASSERT_TRUE(ts_dram_trace_run(from_ini, tr, 402000, FALSE, &a, NULL));
    CU_ASSERT_TRUE(ts_dram_trace_run(native, tr, 402000, FALSE, &b, NULL));
    CU_ASSERT_EQUAL(a.stats.reads_done, b.stats.reads_done);
    CU_ASSERT_EQUAL(a.stats.read_latency_sum, b.stats.read_latency_sum);
    CU_ASSERT_EQUAL(a.stats.activates, b.stats.activates);
    CU_ASSERT_EQUAL(a.stats.refreshes, b.stats.refreshes);
    CU_ASSERT_DOUBLE_EQUAL(b.tck_ps, 2500.0 / 3.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(a.bw_gbps / b.bw_gbps, (2500.0 / 3.0) / 830.0, 1e-9);
    g_string_chunk_free(strings);
    g_unlink(yaml);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram", NULL, NULL);
    CU_add_test(s, "edge timings DDR4 (engine and checker)", test_edges_ddr4);
    CU_add_test(s, "edge timings GDDR6, LPDDR4, HBM2", test_edges_other_standards);
    CU_add_test(s, "checker catches illegal sequences", test_checker_catches);
    CU_add_test(s, "edge timings of the all-bank (PIM) commands", test_edges_all_bank);
    CU_add_test(s, "all-bank stream: the model's rate, energy, normal reads taking turns",
                test_all_bank_stream);
    CU_add_test(s, "all-bank turn length (allbank_turn_rows) changes the stream's cycles",
                test_all_bank_turns);
    CU_add_test(s, "unloaded latencies of every preset", test_unloaded_latencies_all_presets);
    CU_add_test(s, "random mixed traffic, every preset and variant",
                test_random_all_presets_and_variants);
    CU_add_test(s, "write semantics", test_write_semantics);
    CU_add_test(s, "completion hook matches the response events", test_done_hook_matches_responses);
    CU_add_test(s, "bank refresh without tREFIb", test_bank_refresh_needs_trefib);
    CU_add_test(s, "requests sent within a window", test_requests_sent_in_window);
    CU_add_test(s, "batched requests read as request events", test_batched_requests_exact);
    CU_add_test(s, "merged reads counted at their READ", test_merged_reads_counted);
    CU_add_test(s, "address mapping", test_address_mapping);
    CU_add_test(s, "address mapping over 12 channels", test_address_mapping_modulo);
    CU_add_test(s, "bad configs and traces", test_bad_input);
    CU_add_test(s, "native YAML preset matches the .ini", test_native_yaml_matches_ini);
    CU_add_test(s, "mutated configs and traces", test_fuzz_inputs);
    return ts_test_run(argc, argv);
}
