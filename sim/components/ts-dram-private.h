/* Private to the dram component and its tests: the bank-timing engine (the declarative JEDEC
 * constraint table resolved to command-clock cycles once, per-bank earliest-issue cycles,
 * activation windows) and the command legality checker, an independent re-statement of every
 * timing rule that re-checks each issued command. */
#ifndef TS_DRAM_PRIVATE_H
#define TS_DRAM_PRIVATE_H

#include <glib.h>

#include "ts-arch-classes.h"
#include "ts-time.h"

G_BEGIN_DECLS

/* DRAM commands. */
typedef enum {
    TS_DCMD_ACT,
    TS_DCMD_PRE,
    TS_DCMD_RD,
    TS_DCMD_WR,
    TS_DCMD_RDA, /* read with auto-precharge (close-page policy) */
    TS_DCMD_WRA,
    TS_DCMD_REF,  /* all-bank refresh of a rank */
    TS_DCMD_REFB, /* per-bank refresh */
    TS_DCMD_COUNT,
    /* All-bank (PIM) commands, outside the engine's per-bank table: every bank of the
     * (pseudo-)channel at once (Samsung HBM-PIM's AB-PIM mode, SK hynix AiM's ACTAB/MACAB). */
    TS_DCMD_ACTAB = TS_DCMD_COUNT, /* open one row in every bank */
    TS_DCMD_RDAB,                  /* one burst from every bank (of one bank slot per PIM unit)
                                      into its unit, not onto the data bus */
    TS_DCMD_WRAB,                  /* one burst from every unit into its bank */
    TS_DCMD_PREAB,                 /* close every bank */
    TS_DCMD_ALL_COUNT
} TsDramCmd;

const char *ts_dram_cmd_name(TsDramCmd cmd);

/* Scopes of a timing rule, relative to the bank a command is issued to. */
typedef enum {
    TS_DSCOPE_BANK,     /* the same bank */
    TS_DSCOPE_GROUP,    /* other banks of the same bank group */
    TS_DSCOPE_RANK,     /* banks of other bank groups of the same rank */
    TS_DSCOPE_OTHER,    /* banks of other ranks of the channel */
    TS_DSCOPE_ALL_RANK, /* every bank of the same rank (rank commands: REF) */
    TS_DSCOPE_COUNT
} TsDramScope;

/* One resolved constraint: after a command, `next` waits `cycles` in a scope. */
typedef struct {
    guint8 next;
    guint32 cycles;
} TsDramDelay;

#define TS_DRAM_MAX_RULES 8

/* The resolved constraint table: after command A, in scope S, the n[A][S] delays d[A][S]. It
 * depends on the spec alone, so the units of one dram share one copy (reference counted,
 * read-only once built), which stays in cache whichever unit issues. */
typedef struct {
    TsDramDelay d[TS_DCMD_COUNT][TS_DSCOPE_COUNT][TS_DRAM_MAX_RULES];
    guint8 n[TS_DCMD_COUNT][TS_DSCOPE_COUNT];
} TsDramRules;

typedef struct {
    gint64 open_row; /* -1 = closed */
    guint32 row_hits;
    guint32 group; /* index of its bank group in TsDramEngine.group */
    guint32 rank;
    guint64 next[TS_DCMD_COUNT]; /* earliest cycle of each command from same-bank rules */
} TsDramBank;

/* Earliest cycles of each command from the rules of a wider scope, kept once per bank group
 * (group scope) and per rank (the rank-scope rules of its own commands, the other-rank rules of
 * the other ranks' commands, REF's all-bank rules, and the activation windows, which only move
 * when an ACT issues) instead of in every bank: a bank's earliest cycle is the max over its
 * bank, group and rank. The issuing bank itself receives the group and rank values too, which
 * never binds because every same-bank rule is at least as long as the group rule for the same
 * command and the long (_L) timings are at least the short ones (checked at init). */
typedef struct {
    guint64 next[TS_DCMD_COUNT];
} TsDramScopeNext;

/* The timing engine of one (pseudo-)channel. */
typedef struct {
    guint ranks, bankgroups, banks_per_group, banks_per_rank;
    guint64 faw, aw32;   /* tFAW; t32AW (0 = none) */
    guint32 read_delay;  /* RL + tBURST: READ to the end of its data */
    guint32 write_delay; /* WL + tBURST */
    TsDramRules *rules;  /* a reference (g_rc_box) */
    /* Per command: the commands (bits) whose earliest cycle it may raise in banks other than
     * its own (every rule outside the bank scope, and ACT's activation windows). */
    guint8 wide_mask[TS_DCMD_COUNT];
    TsDramBank *bank;        /* ranks x banks_per_rank */
    TsDramScopeNext *group;  /* ranks x bankgroups */
    TsDramScopeNext *rank;   /* ranks: rank, other-rank and all-rank rules, activation windows */
    guint64 (*act_times)[4]; /* per rank: the last four ACT cycles, ring */
    guint *act_head;
    guint64 *act32; /* per rank: the last 32 ACT cycles, ring (t32AW) */
    guint *act32_head;
    guint64 *n_acts;   /* per rank */
    guint *open_banks; /* per rank */
} TsDramEngine;

/* Builds the engine's constraint table from the spec (cycles, once). FALSE with a message in
 * *why for timings the table cannot express (AL above tRCD). */
gboolean ts_dram_engine_init(TsDramEngine *e, const TsDramSpec *spec, char **why);
/* Drops e's constraint table for a reference to that of `from`, an engine of the same spec. */
void ts_dram_engine_share_rules(TsDramEngine *e, const TsDramEngine *from);
void ts_dram_engine_clear(TsDramEngine *e);

static inline TsDramBank *ts_dram_engine_bank(TsDramEngine *e, guint rank, guint bank_in_rank)
{
    return &e->bank[rank * e->banks_per_rank + bank_in_rank];
}

/* Earliest cycle `cmd` may issue to the bank (rank, bank_in_rank), or to bank number `bank`
 * (rank * banks_per_rank + bank_in_rank) for _at, including the activation windows for ACT.
 * Readiness only: the bank's state (open row) is the caller's business. Only the commands the
 * spec's controller issues are tracked: RD and WR with an open-page policy, RDA and WRA with close
 * page, REFB only with per-bank refresh (for the others the value is meaningless). Every command
 * only raises these cycles (constraints accumulate by max), so a value read once stays a lower
 * bound until the bank's state changes. */
static inline guint64 ts_dram_engine_earliest_at(const TsDramEngine *e, TsDramCmd cmd, guint bank)
{
    const TsDramBank *b = &e->bank[bank];
    guint64 g = e->group[b->group].next[cmd], r = e->rank[b->rank].next[cmd];
    return MAX(b->next[cmd], MAX(g, r));
}

static inline guint64 ts_dram_engine_earliest(const TsDramEngine *e, TsDramCmd cmd, guint rank,
                                              guint bank_in_rank)
{
    return ts_dram_engine_earliest_at(e, cmd, rank * e->banks_per_rank + bank_in_rank);
}

/* Raises next[] by each of the n delays after `cycle`. */
static inline void ts_dram_engine_apply_(guint64 *next, const TsDramDelay *d, guint n,
                                         guint64 cycle)
{
    for (guint i = 0; i < n; i++) {
        guint64 t = cycle + d[i].cycles;
        if (next[d[i].next] < t)
            next[d[i].next] = t;
    }
}

/* Applies `cmd` issued at `cycle`: bank state (open row, row hits) and every constraint. For
 * REF, bank_in_rank is ignored. Inline: the controller issues every command through it.
 * one_rank (a constant at each call): the engine has one rank and no t32AW. */
static inline __attribute__((always_inline)) void
ts_dram_engine_issue_(TsDramEngine *e, TsDramCmd cmd, guint rank, guint bank_in_rank, guint64 row,
                      guint64 cycle, const gboolean one_rank)
{
    TsDramBank *rb = &e->bank[rank * e->banks_per_rank];
    switch (cmd) {
    case TS_DCMD_ACT: {
        TsDramBank *b = &rb[bank_in_rank];
        b->open_row = (gint64)row;
        b->row_hits = 0;
        e->open_banks[rank]++;
        e->act_times[rank][e->act_head[rank]] = cycle;
        e->act_head[rank] = (e->act_head[rank] + 1) & 3;
        e->n_acts[rank]++;
        /* The activation windows: the next ACT of the rank waits for the 4th (32nd) most
         * recent one + tFAW (t32AW), the oldest entry of the ring now. */
        guint64 *act = &e->rank[rank].next[TS_DCMD_ACT];
        if (e->faw && e->n_acts[rank] >= 4)
            *act = MAX(*act, e->act_times[rank][e->act_head[rank]] + e->faw);
        if (!one_rank && e->aw32) {
            e->act32[(gsize)rank * 32 + e->act32_head[rank]] = cycle;
            e->act32_head[rank] = (e->act32_head[rank] + 1) & 31;
            if (e->n_acts[rank] >= 32)
                *act = MAX(*act, e->act32[(gsize)rank * 32 + e->act32_head[rank]] + e->aw32);
        }
        break;
    }
    case TS_DCMD_RD:
    case TS_DCMD_WR:
        rb[bank_in_rank].row_hits++;
        break;
    case TS_DCMD_RDA:
    case TS_DCMD_WRA:
    case TS_DCMD_PRE:
        rb[bank_in_rank].open_row = -1;
        rb[bank_in_rank].row_hits = 0;
        e->open_banks[rank]--;
        break;
    default:
        break;
    }
    if (cmd == TS_DCMD_REF) {
        ts_dram_engine_apply_(e->rank[rank].next, e->rules->d[cmd][TS_DSCOPE_ALL_RANK],
                              e->rules->n[cmd][TS_DSCOPE_ALL_RANK], cycle);
        return;
    }
    ts_dram_engine_apply_(rb[bank_in_rank].next, e->rules->d[cmd][TS_DSCOPE_BANK],
                          e->rules->n[cmd][TS_DSCOPE_BANK], cycle);
    ts_dram_engine_apply_(e->group[rb[bank_in_rank].group].next, e->rules->d[cmd][TS_DSCOPE_GROUP],
                          e->rules->n[cmd][TS_DSCOPE_GROUP], cycle);
    ts_dram_engine_apply_(e->rank[rank].next, e->rules->d[cmd][TS_DSCOPE_RANK],
                          e->rules->n[cmd][TS_DSCOPE_RANK], cycle);
    guint no = !one_rank && e->ranks > 1 ? e->rules->n[cmd][TS_DSCOPE_OTHER] : 0;
    for (guint r = 0; no && r < e->ranks; r++)
        if (r != rank)
            ts_dram_engine_apply_(e->rank[r].next, e->rules->d[cmd][TS_DSCOPE_OTHER], no, cycle);
}

static inline void ts_dram_engine_issue(TsDramEngine *e, TsDramCmd cmd, guint rank,
                                        guint bank_in_rank, guint64 row, guint64 cycle)
{
    ts_dram_engine_issue_(e, cmd, rank, bank_in_rank, row, cycle, FALSE);
}

/* ---- all-bank (PIM) mode (ts-dram-allbank.c) ---- */

/* The all-bank timing of one (pseudo-)channel and its state. Every PIM unit sits beside
 * banks_per_unit banks and reads them in turn; an all-bank row is the same row in every bank.
 * A unit's byte offset maps to (row, bank slot, column): rows of banks_per_unit x row_bytes,
 * each the row of slot 0, then slot 1, ... Delays (cycles; RL = AL + tCL, WL = AL + tCWL,
 * BL = tBURST, tCOL = max(tCCDab (tCCD_L when 0), BL)):
 *   ACTAB -> RDAB tRCD - AL, -> WRAB tRCDWR - AL, -> PREAB tRAS; and every bank's ACT rules
 *   RDAB -> RDAB tCOL, -> WRAB RL + BL - WL + tRTRS, -> PREAB AL + tRTP
 *   WRAB -> WRAB tCOL, -> RDAB WL + BL + tWTR_L, -> PREAB WL + BL + tWR
 *   PREAB: every bank's PRE rules (ACT and REF wait tRP)
 * ACTAB also waits for every bank's ACT constraints in the engine (tRP after a precharge, tRC,
 * tRFC after REF, tRFCb after REFB, tRRD and the activation window after normal ACTs), and
 * counts as an ACT of every bank there (the activation window fills). */
typedef struct {
    guint32 banks_per_unit, units; /* units = banks of the channel / banks_per_unit */
    guint32 row_bytes, burst_bytes;
    guint64 rows;
    guint32 t_col, act_rd, act_wr, act_pre, rd_wr, rd_pre, wr_rd, wr_pre;
    guint32 read_delay, write_delay; /* RDAB to the data in the unit, WRAB to it in the bank */
    guint32 row_cycle; /* a whole row streamed: max(tRAS, tRCD + (bursts - 1) tCOL + tRTP) + tRP */
    gint64 open_row;   /* -1 = closed */
    guint64 act_cycle;
    guint64 next[4]; /* earliest ACTAB, RDAB, WRAB, PREAB from the all-bank rules */
} TsDramAllBank;

/* FALSE with *why when banks_per_unit does not divide the channel's banks. */
gboolean ts_dram_allbank_init(TsDramAllBank *a, const TsDramSpec *spec, guint banks_per_unit,
                              char **why);
/* Earliest cycle an all-bank command may issue (ACTAB: every bank closed is the caller's). */
guint64 ts_dram_allbank_earliest(const TsDramAllBank *a, const TsDramEngine *e, TsDramCmd cmd);
/* Applies an all-bank command at `cycle` to the all-bank state and every bank of the engine. */
void ts_dram_allbank_issue(TsDramAllBank *a, TsDramEngine *e, TsDramCmd cmd, guint64 row,
                           guint64 cycle);
/* The all-bank row, bank slot and column burst of a unit's byte offset. */
static inline void ts_dram_allbank_locate(const TsDramAllBank *a, guint64 offset, guint64 *row,
                                          guint *slot, guint *col)
{
    const guint64 set = (guint64)a->banks_per_unit * a->row_bytes;
    *row = (offset / set) % a->rows;
    *slot = (guint)(offset % set / a->row_bytes);
    *col = (guint)(offset % a->row_bytes / a->burst_bytes);
}

/* ---- clock conversions on the hot path ---- */

/* ts_clock_cycles_to_ticks (the tick of edge c, ceil(c * num / den)) in 64-bit arithmetic
 * while the product fits, that function beyond: the same value, without its 128-bit
 * division. */
static inline TsTick ts_dram_cycle_tick(const TsClock *k, guint64 c)
{
    guint64 x;
    if (G_LIKELY(!__builtin_mul_overflow(c, k->period_num, &x) && x <= G_MAXUINT64 - k->period_den))
        return k->period_den == 1 ? x : (x + k->period_den - 1) / k->period_den;
    return ts_clock_cycles_to_ticks(k, c);
}

/* ts_clock_ticks_to_cycles (edges in (0, t]: floor(t * den / num)) likewise; plus one, the
 * first edge after t. */
static inline guint64 ts_dram_cycles_at(const TsClock *k, TsTick t)
{
    guint64 x;
    if (G_LIKELY(!__builtin_mul_overflow(t, k->period_den, &x)))
        return x / k->period_num;
    return ts_clock_ticks_to_cycles(k, t);
}

/* ts_clock_edge_index_at_or_after (the first edge at or after tick t), likewise. */
static inline guint64 ts_dram_edge_at_or_after(const TsClock *k, TsTick t)
{
    guint64 x;
    if (G_LIKELY(!__builtin_mul_overflow(t, k->period_den, &x))) {
        guint64 c = x / k->period_num; /* edges in (0, t] */
        return ts_dram_cycle_tick(k, c) == t ? c : c + 1;
    }
    return ts_clock_edge_index_at_or_after(k, t);
}

/* ---- legality checker ---- */

typedef struct TsDramChecker TsDramChecker;

/* A checker for one (pseudo-)channel of spec. dual_command allows one row and one column
 * command per cycle. */
TsDramChecker *ts_dram_checker_new(const TsDramSpec *spec, const char *name);
void ts_dram_checker_free(TsDramChecker *c);
/* Re-checks one issued command against the bank state and every timing rule. Commands must
 * come in non-decreasing cycle order. All-bank commands (TS_DCMD_ACTAB ...) address every
 * bank of the channel (rank, bankgroup and bank ignored; row the all-bank row); their column
 * interval is max(tCCDab (tCCD_L when 0), tBURST). */
void ts_dram_checker_command(TsDramChecker *c, guint64 cycle, TsDramCmd cmd, guint rank,
                             guint bankgroup, guint bank, guint64 row);
/* One refresh command of a round that the controller repeats while idle. */
typedef struct {
    guint64 cycle;
    TsDramCmd cmd; /* TS_DCMD_REF or TS_DCMD_REFB */
    guint rank, bankgroup, bank;
} TsDramRefCmd;

/* The n refresh commands of `round` (already given to ts_dram_checker_command, cycles
 * ascending) issued again `times` more times, repeat i at their cycles + i x `period`: what
 * an idle controller does over a long gap, checked without stepping through every command.
 * Repeats 1 and 2 go through ts_dram_checker_command; every later repeat meets the state of
 * the one before shifted by one period (REF and REFB read only the bank state, which they do
 * not change, precharges and refreshes older than a period, and the round's own commands), so
 * it has repeat 2's violations, which are counted again, and the state ends as after the
 * last repeat. Needs tRP, tRFC and tRFCb at most `period` (older constraints then never bind
 * after repeat 1). */
void ts_dram_checker_refresh_repeat(TsDramChecker *c, const TsDramRefCmd *round, guint n,
                                    guint64 period, guint64 times);
/* Checks the refresh interval up to `end_cycle` (a rank may postpone at most 8 refreshes). */
void ts_dram_checker_finish(TsDramChecker *c, guint64 end_cycle);
guint64 ts_dram_checker_violations(const TsDramChecker *c);
guint64 ts_dram_checker_commands(const TsDramChecker *c);
/* The first violation's description, or NULL. Borrowed. */
const char *ts_dram_checker_first(const TsDramChecker *c);

G_END_DECLS

#endif /* TS_DRAM_PRIVATE_H */
