/* The DRAM command legality checker: every command the controller issues is re-checked
 * against the bank state and every JEDEC timing rule, written here directly from the
 * definitions (last-command times per bank, bank group and rank, the four- and
 * thirty-two-activate windows, the data bus) rather than through the engine's constraint
 * table, so a wrong table entry, a missed scope or a lost update shows up as a violation.
 * With RL = AL + tCL, WL = AL + tCWL, BL = tBURST (cycles):
 *   ACT   bank closed; >= tRC after its ACT; >= tRP after its precharge (explicit, or the
 *         auto-precharge of RDA at RD + AL + tRTP, of WRA at WR + WL + BL + tWR); >= tRRD_L
 *         after an ACT in its bank group, >= tRRD_S after one in its rank; at most 4 ACTs in
 *         any tFAW window (32 in t32AW); >= tRFC after REF of its rank, tRFCb after REFB of
 *         the bank
 *   RD/WR bank open at the addressed row; >= tRCD - AL (tRCDWR - AL for writes) after ACT;
 *         column to column in the rank: >= max(BL, tCCD_L) in the bank group, max(BL,
 *         tCCD_S) elsewhere; RD >= WL + BL + tWTR_L / tWTR_S after a WR of the rank;
 *         data bursts never overlap on the channel, and a burst after one of the other
 *         direction, or a read burst after one of another rank, leaves tRTRS
 *   PRE   bank open; >= tRAS after ACT; >= AL + tRTP after RD; >= WL + BL + tWR after WR;
 *         >= tPPD after a PRE of another bank of the rank
 *   REF   every bank of the rank closed and precharged for tRP; >= tRFC after the last REF;
 *         consecutive REFs of a rank at most 9 tREFI apart (8 postponed, as JEDEC allows)
 *   bus   one command per cycle (one row and one column command with dual command issue)
 * All-bank (PIM) commands address every bank of the channel, with tCOL = max(tCCDab (tCCD_L
 * when 0), BL):
 *   ACTAB every bank closed and each ready for an ACT as above (tRC, tRP, tRFC, tRFCb), >=
 *         tRRD_S after the last ACT of a rank, the activation windows; counts as an ACT of
 *         every bank (the windows fill)
 *   RDAB/WRAB every bank open at the all-bank row; >= tRCD - AL (tRCDWR - AL) after each
 *         bank's ACT; >= tCOL after the last all-bank column command of the same direction;
 *         RDAB >= WL + BL + tWTR_L after a WRAB, WRAB >= RL + BL - WL + tRTRS after an RDAB;
 *         >= tCOL after a normal column command of the channel; the data stays in the banks'
 *         units (no data-bus burst)
 *   PREAB every bank open; each >= tRAS after its ACT, >= AL + tRTP after its last read (RD or
 *         RDAB), >= WL + BL + tWR after its last write */
#include "ts-dram-private.h"

#include <string.h>

#define NEVER G_MININT64 / 4

typedef struct {
    gboolean open;
    guint64 row;
    gint64 act, pre_done, rd, wr, refb;
} CBank;

struct TsDramChecker {
    char *name;
    TsDramTimings t;
    gboolean dual, refresh_on, bank_refresh;
    guint ranks, groups, bpg, bpr;
    guint64 refi_rank, refi_bank;
    CBank *bank;
    gint64 *ref;         /* per rank: last REF */
    gint64 *ref_first;   /* per rank: start of the refresh interval check */
    gint64 *act_g;       /* per rank x group: last ACT */
    gint64 *act_r;       /* per rank: last ACT */
    gint64 *rd_g, *wr_g; /* per rank x group: last RD / WR */
    gint64 *rd_r, *wr_r; /* per rank */
    gint64 *pre_r;       /* per rank: last explicit PRE */
    gint64 (*acts)[32];  /* per rank: ring of the last 32 ACTs */
    guint64 *n_acts;
    gint64 bus_end; /* end of the last data burst */
    gint bus_rank;
    gboolean bus_write;
    gint64 ab_rd, ab_wr; /* last RDAB / WRAB */
    gint64 last_cycle;
    guint n_row_cmds, n_col_cmds;
    guint64 commands, violations;
    char *first;
};

TsDramChecker *ts_dram_checker_new(const TsDramSpec *spec, const char *name)
{
    TsDramChecker *c = g_new0(TsDramChecker, 1);
    c->name = g_strdup(name);
    c->t = spec->cycles;
    c->dual = spec->dual_command;
    c->refresh_on = spec->refresh_policy != TS_DRAM_REFRESH_NONE;
    c->bank_refresh = spec->refresh_policy == TS_DRAM_REFRESH_BANK_STAGGERED;
    c->ranks = (guint)spec->ranks;
    c->groups = (guint)spec->bankgroups;
    c->bpg = (guint)spec->banks;
    c->bpr = c->groups * c->bpg;
    c->refi_rank = spec->cycles.tREFI;
    c->refi_bank = spec->cycles.tREFIb * c->bpr * c->ranks;
    c->bank = g_new0(CBank, c->ranks * c->bpr);
    for (guint i = 0; i < c->ranks * c->bpr; i++)
        c->bank[i] = (CBank){FALSE, 0, NEVER, NEVER, NEVER, NEVER, NEVER};
    guint nrg = c->ranks * c->groups;
    c->ref = g_new(gint64, c->ranks);
    c->ref_first = g_new0(gint64, c->ranks);
    c->act_r = g_new(gint64, c->ranks);
    c->rd_r = g_new(gint64, c->ranks);
    c->wr_r = g_new(gint64, c->ranks);
    c->pre_r = g_new(gint64, c->ranks);
    c->act_g = g_new(gint64, nrg);
    c->rd_g = g_new(gint64, nrg);
    c->wr_g = g_new(gint64, nrg);
    for (guint r = 0; r < c->ranks; r++)
        c->ref[r] = c->act_r[r] = c->rd_r[r] = c->wr_r[r] = c->pre_r[r] = NEVER;
    for (guint i = 0; i < nrg; i++)
        c->act_g[i] = c->rd_g[i] = c->wr_g[i] = NEVER;
    c->acts = g_malloc0_n(c->ranks, sizeof(gint64[32]));
    c->n_acts = g_new0(guint64, c->ranks);
    c->bus_end = NEVER;
    c->bus_rank = -1;
    c->ab_rd = c->ab_wr = NEVER;
    c->last_cycle = -1;
    return c;
}

void ts_dram_checker_free(TsDramChecker *c)
{
    if (c == NULL)
        return;
    g_free(c->name);
    g_free(c->bank);
    g_free(c->ref);
    g_free(c->ref_first);
    g_free(c->act_r);
    g_free(c->rd_r);
    g_free(c->wr_r);
    g_free(c->pre_r);
    g_free(c->act_g);
    g_free(c->rd_g);
    g_free(c->wr_g);
    g_free(c->acts);
    g_free(c->n_acts);
    g_free(c->first);
    g_free(c);
}

G_GNUC_PRINTF(5, 6)
static void violate(TsDramChecker *c, guint64 cycle, TsDramCmd cmd, const char *where,
                    const char *fmt, ...)
{
    c->violations++;
    if (c->first != NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    c->first = g_strdup_printf("%s: cycle %" G_GUINT64_FORMAT ": %s to %s: %s", c->name, cycle,
                               ts_dram_cmd_name(cmd), where, msg);
}

/* cycle >= since + gap, else a violation naming the rule. */
#define NEED(since, gap, rule)                                                                     \
    do {                                                                                           \
        gint64 s_ = (since), g_ = (gint64)(gap);                                                   \
        if (s_ > NEVER && (gint64)cycle < s_ + g_)                                                 \
            violate(c, cycle, cmd, where,                                                          \
                    "%s: %" G_GINT64_FORMAT " cycles after the last, needs %" G_GINT64_FORMAT,     \
                    rule, (gint64)cycle - s_, g_);                                                 \
    } while (0)

/* An all-bank command (the rules in the header comment). */
static void all_bank(TsDramChecker *c, guint64 cycle, TsDramCmd cmd, guint64 row)
{
    const TsDramTimings *t = &c->t;
    const char *where = "every bank";
    gint64 al = (gint64)t->AL, bl = (gint64)t->tBURST;
    gint64 rl = al + (gint64)t->tCL, wl = al + (gint64)t->tCWL;
    gint64 tcol = MAX((gint64)(t->tCCDab ? t->tCCDab : t->tCCD_L), bl);
    const guint nb = c->ranks * c->bpr;
    switch (cmd) {
    case TS_DCMD_ACTAB:
        for (guint k = 0; k < nb; k++) {
            CBank *b = &c->bank[k];
            if (b->open)
                violate(c, cycle, cmd, where, "bank %u already open", k);
            NEED(b->act, t->tRC, "tRC");
            NEED(b->pre_done, t->tRP, "tRP");
            NEED(b->refb, t->tRFCb, "tRFCb");
        }
        for (guint r = 0; r < c->ranks; r++) {
            NEED(c->act_r[r], t->tRRD_S, "tRRD_S");
            NEED(c->ref[r], t->tRFC, "tRFC");
            if (t->tFAW && c->n_acts[r] >= 4)
                NEED(c->acts[r][(c->n_acts[r] - 4) % 32], t->tFAW, "tFAW (4 ACTs in the window)");
            if (t->t32AW && c->n_acts[r] >= 32)
                NEED(c->acts[r][(c->n_acts[r] - 32) % 32], t->t32AW, "t32AW");
        }
        for (guint k = 0; k < nb; k++) {
            CBank *b = &c->bank[k];
            const guint r = k / c->bpr;
            b->open = TRUE;
            b->row = row;
            b->act = (gint64)cycle;
            c->act_g[r * c->groups + (k % c->bpr) / c->bpg] = c->act_r[r] = (gint64)cycle;
            c->acts[r][c->n_acts[r] % 32] = (gint64)cycle;
            c->n_acts[r]++;
        }
        break;
    case TS_DCMD_RDAB:
    case TS_DCMD_WRAB: {
        const gboolean wr = cmd == TS_DCMD_WRAB;
        for (guint k = 0; k < nb; k++) {
            CBank *b = &c->bank[k];
            if (!b->open)
                violate(c, cycle, cmd, where, "bank %u closed", k);
            else if (b->row != row)
                violate(c, cycle, cmd, where,
                        "row %" G_GUINT64_FORMAT " is not bank %u's open row %" G_GUINT64_FORMAT,
                        row, k, b->row);
            NEED(b->act, (wr ? (gint64)t->tRCDWR : (gint64)t->tRCD) - al, wr ? "tRCDWR" : "tRCD");
        }
        if (wr) {
            NEED(c->ab_wr, tcol, "tCCDab (WRAB after WRAB)");
            NEED(c->ab_rd, rl + bl - wl + (gint64)t->tRTRS, "RDAB->WRAB turnaround");
        } else {
            NEED(c->ab_rd, tcol, "tCCDab (RDAB after RDAB)");
            NEED(c->ab_wr, wl + bl + (gint64)t->tWTR_L, "tWTR_L (RDAB after WRAB)");
        }
        for (guint r = 0; r < c->ranks; r++) {
            NEED(c->rd_r[r], tcol, "tCCD (all-bank after a column command)");
            NEED(c->wr_r[r], tcol, "tCCD (all-bank after a column command)");
        }
        for (guint k = 0; k < nb; k++) {
            if (wr)
                c->bank[k].wr = (gint64)cycle;
            else
                c->bank[k].rd = (gint64)cycle;
        }
        if (wr)
            c->ab_wr = (gint64)cycle;
        else
            c->ab_rd = (gint64)cycle;
        break;
    }
    case TS_DCMD_PREAB:
        for (guint k = 0; k < nb; k++) {
            CBank *b = &c->bank[k];
            if (!b->open)
                violate(c, cycle, cmd, where, "bank %u already closed", k);
            NEED(b->act, t->tRAS, "tRAS");
            NEED(b->rd, al + (gint64)t->tRTP, "tRTP");
            NEED(b->wr, wl + bl + (gint64)t->tWR, "tWR");
            b->open = FALSE;
            b->pre_done = (gint64)cycle;
        }
        break;
    default:
        violate(c, cycle, cmd, where, "unknown command");
    }
}

void ts_dram_checker_command(TsDramChecker *c, guint64 cycle, TsDramCmd cmd, guint rank,
                             guint bankgroup, guint bank, guint64 row)
{
    const TsDramTimings *t = &c->t;
    char where[64];
    g_snprintf(where, sizeof where, "rank %u bg %u bank %u", rank, bankgroup, bank);
    c->commands++;
    if ((gint64)cycle < c->last_cycle)
        violate(c, cycle, cmd, where,
                "issued before the previous command (cycle %" G_GINT64_FORMAT ")", c->last_cycle);
    if ((gint64)cycle != c->last_cycle) {
        c->last_cycle = (gint64)cycle;
        c->n_row_cmds = c->n_col_cmds = 0;
    }
    gboolean column = cmd == TS_DCMD_RD || cmd == TS_DCMD_WR || cmd == TS_DCMD_RDA ||
                      cmd == TS_DCMD_WRA || cmd == TS_DCMD_RDAB || cmd == TS_DCMD_WRAB;
    if (column)
        c->n_col_cmds++;
    else
        c->n_row_cmds++;
    if (c->dual ? (c->n_row_cmds > 1 || c->n_col_cmds > 1) : (c->n_row_cmds + c->n_col_cmds > 1))
        violate(c, cycle, cmd, where, "second command on the command bus in one cycle");

    gint64 al = (gint64)t->AL, bl = (gint64)t->tBURST;
    gint64 rl = al + (gint64)t->tCL, wl = al + (gint64)t->tCWL;
    if (cmd >= TS_DCMD_ACTAB) {
        all_bank(c, cycle, cmd, row);
        return;
    }
    guint gi = rank * c->groups + bankgroup;
    CBank *b = &c->bank[rank * c->bpr + bankgroup * c->bpg + bank];
    switch (cmd) {
    case TS_DCMD_ACT: {
        if (b->open)
            violate(c, cycle, cmd, where, "bank already open (row %" G_GUINT64_FORMAT ")", b->row);
        NEED(b->act, t->tRC, "tRC");
        NEED(b->pre_done, t->tRP, "tRP");
        NEED(c->act_g[gi], c->groups > 1 ? t->tRRD_L : t->tRRD_S, "tRRD_L");
        NEED(c->act_r[rank], t->tRRD_S, "tRRD_S");
        if (t->tFAW && c->n_acts[rank] >= 4)
            NEED(c->acts[rank][(c->n_acts[rank] - 4) % 32], t->tFAW, "tFAW (4 ACTs in the window)");
        if (t->t32AW && c->n_acts[rank] >= 32)
            NEED(c->acts[rank][(c->n_acts[rank] - 32) % 32], t->t32AW, "t32AW");
        NEED(c->ref[rank], t->tRFC, "tRFC");
        NEED(b->refb, t->tRFCb, "tRFCb");
        b->open = TRUE;
        b->row = row;
        b->act = (gint64)cycle;
        c->act_g[gi] = c->act_r[rank] = (gint64)cycle;
        c->acts[rank][c->n_acts[rank] % 32] = (gint64)cycle;
        c->n_acts[rank]++;
        break;
    }
    case TS_DCMD_RD:
    case TS_DCMD_RDA:
    case TS_DCMD_WR:
    case TS_DCMD_WRA: {
        gboolean wr = cmd == TS_DCMD_WR || cmd == TS_DCMD_WRA;
        if (!b->open)
            violate(c, cycle, cmd, where, "bank closed");
        else if (b->row != row)
            violate(c, cycle, cmd, where,
                    "row %" G_GUINT64_FORMAT " is not the open row %" G_GUINT64_FORMAT, row,
                    b->row);
        NEED(b->act, (wr ? (gint64)t->tRCDWR : (gint64)t->tRCD) - al, wr ? "tRCDWR" : "tRCD");
        gint64 ccd_l = MAX(bl, (gint64)(c->groups > 1 ? t->tCCD_L : t->tCCD_S));
        gint64 ccd_s = MAX(bl, (gint64)t->tCCD_S);
        if (!wr) {
            NEED(c->rd_g[gi], ccd_l, "tCCD_L (RD after RD)");
            NEED(c->rd_r[rank], ccd_s, "tCCD_S (RD after RD)");
            NEED(c->wr_g[gi], wl + bl + (gint64)(c->groups > 1 ? t->tWTR_L : t->tWTR_S), "tWTR_L");
            NEED(c->wr_r[rank], wl + bl + (gint64)t->tWTR_S, "tWTR_S");
        } else {
            NEED(c->wr_g[gi], ccd_l, "tCCD_L (WR after WR)");
            NEED(c->wr_r[rank], ccd_s, "tCCD_S (WR after WR)");
        }
        gint64 start = (gint64)cycle + (wr ? wl : rl);
        gint64 gap = 0;
        if (c->bus_rank >= 0 && (c->bus_write != wr || (!wr && c->bus_rank != (gint)rank)))
            gap = (gint64)t->tRTRS;
        if (c->bus_end > NEVER && start < c->bus_end + gap)
            violate(c, cycle, cmd, where,
                    "data burst from cycle %" G_GINT64_FORMAT
                    " overlaps the bus (free at %" G_GINT64_FORMAT " + tRTRS gap %" G_GINT64_FORMAT
                    ")",
                    start, c->bus_end, gap);
        c->bus_end = start + bl;
        c->bus_rank = (gint)rank;
        c->bus_write = wr;
        if (wr) {
            b->wr = (gint64)cycle;
            c->wr_g[gi] = c->wr_r[rank] = (gint64)cycle;
        } else {
            b->rd = (gint64)cycle;
            c->rd_g[gi] = c->rd_r[rank] = (gint64)cycle;
        }
        if (cmd == TS_DCMD_RDA) {
            b->open = FALSE;
            b->pre_done = (gint64)cycle + al + (gint64)t->tRTP;
        } else if (cmd == TS_DCMD_WRA) {
            b->open = FALSE;
            b->pre_done = (gint64)cycle + wl + bl + (gint64)t->tWR;
        }
        break;
    }
    case TS_DCMD_PRE:
        if (!b->open)
            violate(c, cycle, cmd, where, "bank already closed");
        NEED(b->act, t->tRAS, "tRAS");
        NEED(b->rd, al + (gint64)t->tRTP, "tRTP");
        NEED(b->wr, wl + bl + (gint64)t->tWR, "tWR");
        if (t->tPPD)
            NEED(c->pre_r[rank], t->tPPD, "tPPD");
        b->open = FALSE;
        b->pre_done = (gint64)cycle;
        c->pre_r[rank] = (gint64)cycle;
        break;
    case TS_DCMD_REF:
        for (guint k = 0; k < c->bpr; k++) {
            CBank *o = &c->bank[rank * c->bpr + k];
            if (o->open)
                violate(c, cycle, cmd, where, "bank %u of the rank is open", k);
            NEED(o->pre_done, t->tRP, "tRP before REF");
            NEED(o->refb, t->tRFCb, "tRFCb before REF");
        }
        NEED(c->ref[rank], t->tRFC, "tRFC");
        if (c->refresh_on && !c->bank_refresh) {
            gint64 since = c->ref[rank] > NEVER ? c->ref[rank] : c->ref_first[rank];
            if ((gint64)cycle - since > 9 * (gint64)c->refi_rank)
                violate(c, cycle, cmd, where,
                        "refresh interval %" G_GINT64_FORMAT " exceeds 9 tREFI",
                        (gint64)cycle - since);
        }
        c->ref[rank] = (gint64)cycle;
        break;
    case TS_DCMD_REFB:
        if (b->open)
            violate(c, cycle, cmd, where, "bank open");
        NEED(b->pre_done, t->tRP, "tRP before REFb");
        NEED(b->refb, t->tRFCb, "tRFCb");
        NEED(c->ref[rank], t->tRFC, "tRFC");
        b->refb = (gint64)cycle;
        break;
    default:
        violate(c, cycle, cmd, where, "unknown command");
    }
}

void ts_dram_checker_refresh_repeat(TsDramChecker *c, const TsDramRefCmd *round, guint n,
                                    guint64 period, guint64 times)
{
    if (n == 0 || times == 0)
        return;
    guint64 v = 0;
    for (guint64 i = 1; i <= MIN(times, 2); i++) {
        const guint64 before = c->violations;
        for (guint k = 0; k < n; k++) {
            g_return_if_fail(round[k].cmd == TS_DCMD_REF || round[k].cmd == TS_DCMD_REFB);
            ts_dram_checker_command(c, round[k].cycle + i * period, round[k].cmd, round[k].rank,
                                    round[k].bankgroup, round[k].bank, 0);
        }
        v = c->violations - before;
    }
    if (times <= 2)
        return;
    const guint64 rest = times - 2;
    c->commands += rest * n;
    c->violations += rest * v;
    for (guint k = 0; k < n; k++) {
        const gint64 at = (gint64)(round[k].cycle + times * period);
        if (round[k].cmd == TS_DCMD_REF)
            c->ref[round[k].rank] = at;
        else
            c->bank[round[k].rank * c->bpr + round[k].bankgroup * c->bpg + round[k].bank].refb = at;
    }
    c->last_cycle = (gint64)(round[n - 1].cycle + times * period);
}

void ts_dram_checker_finish(TsDramChecker *c, guint64 end_cycle)
{
    if (!c->refresh_on)
        return;
    for (guint r = 0; r < c->ranks; r++) {
        if (c->bank_refresh) {
            for (guint k = 0; k < c->bpr; k++) {
                CBank *b = &c->bank[r * c->bpr + k];
                gint64 since = b->refb > NEVER ? b->refb : 0;
                if ((gint64)end_cycle - since > 9 * (gint64)c->refi_bank)
                    violate(c, end_cycle, TS_DCMD_REFB, "end of run",
                            "rank %u bank %u not refreshed for %" G_GINT64_FORMAT " cycles", r, k,
                            (gint64)end_cycle - since);
            }
            continue;
        }
        gint64 since = c->ref[r] > NEVER ? c->ref[r] : c->ref_first[r];
        if ((gint64)end_cycle - since > 9 * (gint64)c->refi_rank)
            violate(c, end_cycle, TS_DCMD_REF, "end of run",
                    "rank %u not refreshed for %" G_GINT64_FORMAT " cycles (> 9 tREFI)", r,
                    (gint64)end_cycle - since);
    }
}

guint64 ts_dram_checker_violations(const TsDramChecker *c)
{
    return c->violations;
}

guint64 ts_dram_checker_commands(const TsDramChecker *c)
{
    return c->commands;
}

const char *ts_dram_checker_first(const TsDramChecker *c)
{
    return c->first;
}
