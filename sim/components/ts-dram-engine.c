/* The bank-timing engine of the dram component. The JEDEC constraints are one declarative
 * table (`rules` below: after command A, in scope S, command B waits delay D), with each delay
 * a named formula over the spec's timings (`delay_formula`), resolved to command-clock cycles
 * once at init. Issuing a command raises the earliest-issue cycle of every affected command
 * in every affected bank (the method DRAMsim3's ChannelState uses: each bank keeps the
 * earliest cycle of each command kind), so a readiness query is one array read plus the
 * activation windows for ACT. The table follows DRAMsim3's timing.cc for every command that
 * DRAMsim3 models consistently; per-bank refresh follows JEDEC (see docs/des.md). Wider
 * scopes are stored once per bank group and rank (TsDramScopeNext), so an issue updates a
 * handful of entries instead of every bank of the rank (ts_dram_engine_issue, inline in
 * ts-dram-private.h: the controller calls it for every command). */
#include "ts-dram-private.h"

#include <string.h>

const char *ts_dram_cmd_name(TsDramCmd cmd)
{
    static const char *const names[TS_DCMD_ALL_COUNT] = {
        "ACT", "PRE", "RD", "WR", "RDA", "WRA", "REF", "REFB", "ACTAB", "RDAB", "WRAB", "PREAB"};
    return cmd < TS_DCMD_ALL_COUNT ? names[cmd] : "?";
}

/* Named delays. Formulas (all in tCK; RL = AL + tCL, WL = AL + tCWL, BL = tBURST):
 *   RD_RD_L  max(BL, tCCD_L)        RD_RD_S  max(BL, tCCD_S)        RD_RD_O  BL + tRTRS
 *   RD_WR    RL + BL - WL + tRTRS   RD_WR_O  RL + BL + BL + tRTRS - (WL + BL)
 *   RD_PRE   AL + tRTP              RDA_ACT  AL + BL + tRTP + tRP    RD_ACT   RD_PRE + tRP
 *   WR_RD_L  WL + BL + tWTR_L       WR_RD_S  WL + BL + tWTR_S
 *   WR_RD_O  WL + BL + BL + tRTRS - (RL + BL)
 *   WR_WR_L  max(BL, tCCD_L)        WR_WR_S  max(BL, tCCD_S)        WR_WR_O  BL
 *   WR_PRE   WL + BL + tWR          WR_ACT   WR_PRE + tRP
 *   PRE_ACT  tRP                    PRE_PRE  tPPD
 *   ACT_ACT  tRC                    ACT_ACT_L tRRD_L                ACT_ACT_S tRRD_S
 *   ACT_PRE  tRAS                   ACT_RD   tRCD - AL              ACT_WR   tRCDWR - AL
 *   ACT_REFB tRRD_S                 REF_ACT  tRFC                   REFB_ACT tRFCb
 * With one bank group the _L delays take their _S values. Negative values clamp to 0. */
/* clang-format off */
typedef enum {
    RD_RD_L, RD_RD_S, RD_RD_O, RD_WR, RD_WR_O, RD_PRE, RDA_ACT, RD_ACT,
    WR_RD_L, WR_RD_S, WR_RD_O, WR_WR_L, WR_WR_S, WR_WR_O, WR_PRE, WR_ACT,
    PRE_ACT, PRE_PRE, ACT_ACT, ACT_ACT_L, ACT_ACT_S, ACT_PRE, ACT_RD, ACT_WR, ACT_REFB,
    REF_ACT, REFB_ACT, N_DELAYS
} DelayId;

static gint64 delay_formula(DelayId id, const TsDramTimings *t)
{
    gint64 al = (gint64)t->AL, bl = (gint64)t->tBURST, rtrs = (gint64)t->tRTRS;
    gint64 rl = al + (gint64)t->tCL, wl = al + (gint64)t->tCWL;
    switch (id) {
    case RD_RD_L: return MAX(bl, (gint64)t->tCCD_L);
    case RD_RD_S: return MAX(bl, (gint64)t->tCCD_S);
    case RD_RD_O: return bl + rtrs;
    case RD_WR: return rl + bl - wl + rtrs;
    case RD_WR_O: return rl + bl + bl + rtrs - (wl + bl);
    case RD_PRE: return al + (gint64)t->tRTP;
    case RDA_ACT: return al + bl + (gint64)t->tRTP + (gint64)t->tRP;
    case RD_ACT: return al + (gint64)t->tRTP + (gint64)t->tRP;
    case WR_RD_L: return wl + bl + (gint64)t->tWTR_L;
    case WR_RD_S: return wl + bl + (gint64)t->tWTR_S;
    case WR_RD_O: return wl + bl + bl + rtrs - (rl + bl);
    case WR_WR_L: return MAX(bl, (gint64)t->tCCD_L);
    case WR_WR_S: return MAX(bl, (gint64)t->tCCD_S);
    case WR_WR_O: return bl;
    case WR_PRE: return wl + bl + (gint64)t->tWR;
    case WR_ACT: return wl + bl + (gint64)t->tWR + (gint64)t->tRP;
    case PRE_ACT: return (gint64)t->tRP;
    case PRE_PRE: return (gint64)t->tPPD;
    case ACT_ACT: return (gint64)t->tRC;
    case ACT_ACT_L: return (gint64)t->tRRD_L;
    case ACT_ACT_S: return (gint64)t->tRRD_S;
    case ACT_PRE: return (gint64)t->tRAS;
    case ACT_RD: return (gint64)t->tRCD - al;
    case ACT_WR: return (gint64)t->tRCDWR - al;
    case ACT_REFB: return (gint64)t->tRRD_S;
    case REF_ACT: return (gint64)t->tRFC;
    case REFB_ACT: return (gint64)t->tRFCb;
    default: return 0;
    }
}
/* clang-format on */

typedef struct {
    guint8 after;
    guint8 scope;
    guint8 next;
    guint8 delay;
} Rule;

#define A TS_DCMD_ACT
#define P TS_DCMD_PRE
#define R TS_DCMD_RD
#define W TS_DCMD_WR
#define RA TS_DCMD_RDA
#define WA TS_DCMD_WRA
#define F TS_DCMD_REF
#define FB TS_DCMD_REFB
#define SB TS_DSCOPE_BANK
#define SG TS_DSCOPE_GROUP
#define SR TS_DSCOPE_RANK
#define SO TS_DSCOPE_OTHER
#define SA TS_DSCOPE_ALL_RANK

/* clang-format off */
static const Rule rules[] = {
    /* READ (and READ with auto-precharge, which adds its own same-bank rules) */
    {R, SB, R, RD_RD_L}, {R, SB, W, RD_WR}, {R, SB, RA, RD_RD_L}, {R, SB, WA, RD_WR}, {R, SB, P, RD_PRE},
    {R, SG, R, RD_RD_L}, {R, SG, W, RD_WR}, {R, SG, RA, RD_RD_L}, {R, SG, WA, RD_WR},
    {R, SR, R, RD_RD_S}, {R, SR, W, RD_WR}, {R, SR, RA, RD_RD_S}, {R, SR, WA, RD_WR},
    {R, SO, R, RD_RD_O}, {R, SO, W, RD_WR_O}, {R, SO, RA, RD_RD_O}, {R, SO, WA, RD_WR_O},
    {RA, SB, A, RDA_ACT}, {RA, SB, F, RD_ACT}, {RA, SB, FB, RD_ACT},
    {RA, SG, R, RD_RD_L}, {RA, SG, W, RD_WR}, {RA, SG, RA, RD_RD_L}, {RA, SG, WA, RD_WR},
    {RA, SR, R, RD_RD_S}, {RA, SR, W, RD_WR}, {RA, SR, RA, RD_RD_S}, {RA, SR, WA, RD_WR},
    {RA, SO, R, RD_RD_O}, {RA, SO, W, RD_WR_O}, {RA, SO, RA, RD_RD_O}, {RA, SO, WA, RD_WR_O},
    /* WRITE */
    {W, SB, R, WR_RD_L}, {W, SB, W, WR_WR_L}, {W, SB, RA, WR_RD_L}, {W, SB, WA, WR_WR_L}, {W, SB, P, WR_PRE},
    {W, SG, R, WR_RD_L}, {W, SG, W, WR_WR_L}, {W, SG, RA, WR_RD_L}, {W, SG, WA, WR_WR_L},
    {W, SR, R, WR_RD_S}, {W, SR, W, WR_WR_S}, {W, SR, RA, WR_RD_S}, {W, SR, WA, WR_WR_S},
    {W, SO, R, WR_RD_O}, {W, SO, W, WR_WR_O}, {W, SO, RA, WR_RD_O}, {W, SO, WA, WR_WR_O},
    {WA, SB, A, WR_ACT}, {WA, SB, F, WR_ACT}, {WA, SB, FB, WR_ACT},
    {WA, SG, R, WR_RD_L}, {WA, SG, W, WR_WR_L}, {WA, SG, RA, WR_RD_L}, {WA, SG, WA, WR_WR_L},
    {WA, SR, R, WR_RD_S}, {WA, SR, W, WR_WR_S}, {WA, SR, RA, WR_RD_S}, {WA, SR, WA, WR_WR_S},
    {WA, SO, R, WR_RD_O}, {WA, SO, W, WR_WR_O}, {WA, SO, RA, WR_RD_O}, {WA, SO, WA, WR_WR_O},
    /* ACTIVATE */
    {A, SB, A, ACT_ACT}, {A, SB, R, ACT_RD}, {A, SB, W, ACT_WR}, {A, SB, RA, ACT_RD}, {A, SB, WA, ACT_WR},
    {A, SB, P, ACT_PRE},
    {A, SG, A, ACT_ACT_L}, {A, SG, FB, ACT_REFB},
    {A, SR, A, ACT_ACT_S}, {A, SR, FB, ACT_REFB},
    /* PRECHARGE (PRE to PRE of other banks only where the standard has tPPD) */
    {P, SB, A, PRE_ACT}, {P, SB, F, PRE_ACT}, {P, SB, FB, PRE_ACT},
    {P, SG, P, PRE_PRE}, {P, SR, P, PRE_PRE},
    /* REFRESH (all banks of the rank) and per-bank REFRESH */
    {F, SA, A, REF_ACT}, {F, SA, F, REF_ACT}, {F, SA, FB, REF_ACT},
    {FB, SB, A, REFB_ACT}, {FB, SB, FB, REFB_ACT},
    {FB, SG, FB, REFB_ACT}, {FB, SR, FB, REFB_ACT},
};
/* clang-format on */

/* Drops the rules of `after` in scope `narrow` that a rule of scope `wide` (whose arrays every
 * bank of `narrow` also reads) for the same command covers. */
static void prune_covered(TsDramEngine *e, int after, TsDramScope narrow, TsDramScope wide)
{
    guint n = 0;
    for (guint k = 0; k < e->rules->n[after][narrow]; k++) {
        const TsDramDelay d = e->rules->d[after][narrow][k];
        gboolean covered = FALSE;
        for (guint j = 0; j < e->rules->n[after][wide]; j++)
            covered |= e->rules->d[after][wide][j].next == d.next &&
                       e->rules->d[after][wide][j].cycles >= d.cycles;
        if (!covered)
            e->rules->d[after][narrow][n++] = d;
    }
    e->rules->n[after][narrow] = (guint8)n;
}

gboolean ts_dram_engine_init(TsDramEngine *e, const TsDramSpec *spec, char **why)
{
    memset(e, 0, sizeof *e);
    const TsDramTimings *t = &spec->cycles;
    if (t->AL > t->tRCD || t->AL > t->tRCDWR) {
        *why = g_strdup_printf("AL %" G_GUINT64_FORMAT " exceeds tRCD %" G_GUINT64_FORMAT, t->AL,
                               t->tRCD);
        return FALSE;
    }
    e->rules = g_rc_box_new0(TsDramRules);
    e->ranks = (guint)spec->ranks;
    e->bankgroups = (guint)spec->bankgroups;
    e->banks_per_group = (guint)spec->banks;
    e->banks_per_rank = e->bankgroups * e->banks_per_group;
    e->faw = t->tFAW;
    e->aw32 = t->t32AW;
    e->read_delay = (guint32)(t->AL + t->tCL + t->tBURST);
    e->write_delay = (guint32)(t->AL + t->tCWL + t->tBURST);
    guint32 value[N_DELAYS];
    for (int d = 0; d < N_DELAYS; d++) {
        gint64 v = delay_formula((DelayId)d, t);
        value[d] = v < 0 ? 0 : (guint32)MIN(v, (gint64)G_MAXUINT32);
    }
    if (e->bankgroups == 1) { /* no bank groups: the long delays are the short ones */
        value[RD_RD_L] = value[RD_RD_S];
        value[WR_RD_L] = value[WR_RD_S];
        value[WR_WR_L] = value[WR_WR_S];
        value[ACT_ACT_L] = value[ACT_ACT_S];
    }
    /* Commands the controller never issues under this spec are not tracked: the column
     * commands of the other page policy, and per-bank refresh without its refresh policy. */
    guint32 untracked = spec->page_policy == TS_DRAM_PAGE_CLOSE
                            ? (1u << TS_DCMD_RD) | (1u << TS_DCMD_WR)
                            : (1u << TS_DCMD_RDA) | (1u << TS_DCMD_WRA);
    if (spec->refresh_policy != TS_DRAM_REFRESH_BANK_STAGGERED)
        untracked |= 1u << TS_DCMD_REFB;
    for (guint i = 0; i < G_N_ELEMENTS(rules); i++) {
        const Rule *r = &rules[i];
        if ((r->delay == PRE_PRE && t->tPPD == 0) || value[r->delay] == 0 ||
            (untracked & (1u << r->next)))
            continue;
        guint8 *n = &e->rules->n[r->after][r->scope];
        g_assert(*n < TS_DRAM_MAX_RULES);
        e->rules->d[r->after][r->scope][*n] = (TsDramDelay){r->next, value[r->delay]};
        (*n)++;
        if (r->scope != TS_DSCOPE_BANK)
            e->wide_mask[r->after] |= (guint8)(1u << r->next);
    }
    if (e->faw || e->aw32)
        e->wide_mask[TS_DCMD_ACT] |= 1u << TS_DCMD_ACT;
    /* The scope arrays need every same-bank rule at least as long as the group rule for the
     * same command, and long timings at least the short ones (see TsDramScopeNext). */
    for (int a = 0; a < TS_DCMD_COUNT; a++) {
        for (guint gi = 0; gi < e->rules->n[a][TS_DSCOPE_GROUP]; gi++) {
            const TsDramDelay *gd = &e->rules->d[a][TS_DSCOPE_GROUP][gi];
            guint32 same = 0, rank_v = 0;
            for (guint k = 0; k < e->rules->n[a][TS_DSCOPE_BANK]; k++)
                if (e->rules->d[a][TS_DSCOPE_BANK][k].next == gd->next)
                    same = e->rules->d[a][TS_DSCOPE_BANK][k].cycles;
            for (guint k = 0; k < e->rules->n[a][TS_DSCOPE_RANK]; k++)
                if (e->rules->d[a][TS_DSCOPE_RANK][k].next == gd->next)
                    rank_v = e->rules->d[a][TS_DSCOPE_RANK][k].cycles;
            /* A bank a command closes (RDA, WRA, PRE) or opens (ACT) cannot take the target
             * command before it changes state again, far later: those pairs are exempt. */
            gboolean state_change = a == TS_DCMD_RDA || a == TS_DCMD_WRA || a == TS_DCMD_PRE ||
                                    (a == TS_DCMD_ACT && gd->next != TS_DCMD_ACT);
            if ((!state_change && same < gd->cycles) || rank_v > gd->cycles) {
                *why = g_strdup_printf("timing table: after %s, %s in the bank group (%u cycles) "
                                       "is shorter than in the bank (%u) or the rank (%u); check "
                                       "that tCCD_L >= tCCD_S, tRRD_L >= tRRD_S, tWTR_L >= "
                                       "tWTR_S and tRC >= tRRD_L",
                                       ts_dram_cmd_name((TsDramCmd)a),
                                       ts_dram_cmd_name((TsDramCmd)gd->next), gd->cycles, same,
                                       rank_v);
                return FALSE;
            }
        }
    }
    for (int a = 0; a < TS_DCMD_COUNT; a++) {
        for (guint k = 0; k < e->rules->n[a][TS_DSCOPE_RANK]; k++) {
            const TsDramDelay *rd = &e->rules->d[a][TS_DSCOPE_RANK][k];
            gboolean covered = FALSE;
            for (guint gi = 0; gi < e->rules->n[a][TS_DSCOPE_GROUP]; gi++)
                covered |= e->rules->d[a][TS_DSCOPE_GROUP][gi].next == rd->next &&
                           e->rules->d[a][TS_DSCOPE_GROUP][gi].cycles >= rd->cycles;
            if (!covered && e->bankgroups > 1) {
                *why = g_strdup_printf("timing table: after %s, %s has a rank rule but no longer "
                                       "bank-group rule",
                                       ts_dram_cmd_name((TsDramCmd)a),
                                       ts_dram_cmd_name((TsDramCmd)rd->next));
                return FALSE;
            }
        }
    }
    /* A rule that a wider scope's rule for the same command covers (as long or longer) changes
     * no earliest cycle, every bank reading the max over its bank, group and rank: dropped. */
    for (int a = 0; a < TS_DCMD_COUNT; a++) {
        prune_covered(e, a, TS_DSCOPE_BANK, TS_DSCOPE_GROUP);
        prune_covered(e, a, TS_DSCOPE_BANK, TS_DSCOPE_RANK);
        prune_covered(e, a, TS_DSCOPE_GROUP, TS_DSCOPE_RANK);
    }
    guint nb = e->ranks * e->banks_per_rank;
    e->bank = g_new0(TsDramBank, nb);
    e->group = g_new0(TsDramScopeNext, e->ranks * e->bankgroups);
    e->rank = g_new0(TsDramScopeNext, e->ranks);
    for (guint i = 0; i < nb; i++) {
        e->bank[i].open_row = -1;
        e->bank[i].group = i / e->banks_per_group; /* rank * bankgroups + bank group */
        e->bank[i].rank = i / e->banks_per_rank;
    }
    e->act_times = g_malloc0_n(e->ranks, sizeof(guint64[4]));
    e->act_head = g_new0(guint, e->ranks);
    e->act32 = g_new0(guint64, (gsize)e->ranks * 32);
    e->act32_head = g_new0(guint, e->ranks);
    e->n_acts = g_new0(guint64, e->ranks);
    e->open_banks = g_new0(guint, e->ranks);
    return TRUE;
}

void ts_dram_engine_share_rules(TsDramEngine *e, const TsDramEngine *from)
{
    g_return_if_fail(e->rules != NULL && from->rules != NULL);
    g_rc_box_release(e->rules);
    e->rules = g_rc_box_acquire(from->rules);
}

void ts_dram_engine_clear(TsDramEngine *e)
{
    if (e->rules != NULL)
        g_rc_box_release(e->rules);
    g_free(e->bank);
    g_free(e->group);
    g_free(e->rank);
    g_free(e->act_times);
    g_free(e->act_head);
    g_free(e->act32);
    g_free(e->act32_head);
    g_free(e->n_acts);
    g_free(e->open_banks);
    memset(e, 0, sizeof *e);
}
