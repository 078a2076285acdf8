/* The all-bank (PIM) timing of the dram component: the delays between all-bank commands
 * (ts-dram-private.h, TsDramAllBank) resolved to cycles once, and the issue of ACTAB / PREAB
 * as an ACT / PRE of every bank in the engine, so that normal-mode commands after all-bank
 * work (and refresh) see every bank's state and constraints. The column commands stream into
 * the banks' PIM units, not onto the channel's data bus: they keep their own cadence (tCCDab)
 * and leave the engine's column rules alone. */
#include "ts-dram-private.h"

#include <string.h>

enum { AB_ACT, AB_RD, AB_WR, AB_PRE };

static guint32 nonneg(gint64 v)
{
    return v < 0 ? 0 : (guint32)MIN(v, (gint64)G_MAXUINT32);
}

gboolean ts_dram_allbank_init(TsDramAllBank *a, const TsDramSpec *spec, guint banks_per_unit,
                              char **why)
{
    memset(a, 0, sizeof *a);
    const guint64 banks = spec->ranks * spec->bankgroups * spec->banks;
    if (banks_per_unit == 0 || banks % banks_per_unit != 0) {
        *why = g_strdup_printf(
            "all-bank mode: %u banks per PIM unit do not divide the %" G_GUINT64_FORMAT
            " banks of a channel",
            banks_per_unit, banks);
        return FALSE;
    }
    const TsDramTimings *t = &spec->cycles;
    const gint64 al = (gint64)t->AL, bl = (gint64)t->tBURST;
    const gint64 rl = al + (gint64)t->tCL, wl = al + (gint64)t->tCWL;
    a->banks_per_unit = banks_per_unit;
    a->units = (guint32)(banks / banks_per_unit);
    a->row_bytes = (guint32)(spec->columns / spec->pseudo_channels * spec->bus_width_bits /
                             spec->pseudo_channels / 8);
    a->burst_bytes =
        (guint32)(spec->bus_width_bits / spec->pseudo_channels / 8 * spec->burst_length);
    a->rows = spec->rows;
    a->t_col = nonneg(MAX((gint64)(t->tCCDab ? t->tCCDab : t->tCCD_L), bl));
    a->act_rd = nonneg((gint64)t->tRCD - al);
    a->act_wr = nonneg((gint64)t->tRCDWR - al);
    a->act_pre = nonneg((gint64)t->tRAS);
    a->rd_wr = nonneg(rl + bl - wl + (gint64)t->tRTRS);
    a->rd_pre = nonneg(al + (gint64)t->tRTP);
    a->wr_rd = nonneg(wl + bl + (gint64)t->tWTR_L);
    a->wr_pre = nonneg(wl + bl + (gint64)t->tWR);
    a->read_delay = nonneg(rl + bl);
    a->write_delay = nonneg(wl + bl);
    const gint64 bursts = MAX(a->row_bytes / MAX(a->burst_bytes, 1u), 1u);
    a->row_cycle = nonneg(
        MAX((gint64)a->act_pre, (gint64)a->act_rd + (bursts - 1) * a->t_col + (gint64)a->rd_pre) +
        (gint64)t->tRP);
    a->open_row = -1;
    return TRUE;
}

guint64 ts_dram_allbank_earliest(const TsDramAllBank *a, const TsDramEngine *e, TsDramCmd cmd)
{
    const guint nb = e->ranks * e->banks_per_rank;
    guint64 t;
    switch (cmd) {
    case TS_DCMD_ACTAB:
        t = a->next[AB_ACT];
        for (guint b = 0; b < nb; b++)
            t = MAX(t, ts_dram_engine_earliest_at(e, TS_DCMD_ACT, b));
        return t;
    case TS_DCMD_RDAB:
        return a->next[AB_RD];
    case TS_DCMD_WRAB:
        return a->next[AB_WR];
    case TS_DCMD_PREAB:
        t = a->next[AB_PRE];
        for (guint b = 0; b < nb; b++)
            t = MAX(t, ts_dram_engine_earliest_at(e, TS_DCMD_PRE, b));
        return t;
    default:
        g_return_val_if_reached(G_MAXUINT64);
    }
}

static inline void ab_raise(guint64 *next, guint64 t)
{
    if (*next < t)
        *next = t;
}

void ts_dram_allbank_issue(TsDramAllBank *a, TsDramEngine *e, TsDramCmd cmd, guint64 row,
                           guint64 cycle)
{
    switch (cmd) {
    case TS_DCMD_ACTAB:
        for (guint r = 0; r < e->ranks; r++)
            for (guint k = 0; k < e->banks_per_rank; k++)
                ts_dram_engine_issue(e, TS_DCMD_ACT, r, k, row, cycle);
        a->open_row = (gint64)row;
        a->act_cycle = cycle;
        ab_raise(&a->next[AB_RD], cycle + a->act_rd);
        ab_raise(&a->next[AB_WR], cycle + a->act_wr);
        ab_raise(&a->next[AB_PRE], cycle + a->act_pre);
        break;
    case TS_DCMD_RDAB:
        ab_raise(&a->next[AB_RD], cycle + a->t_col);
        ab_raise(&a->next[AB_WR], cycle + a->rd_wr);
        ab_raise(&a->next[AB_PRE], cycle + a->rd_pre);
        break;
    case TS_DCMD_WRAB:
        ab_raise(&a->next[AB_WR], cycle + a->t_col);
        ab_raise(&a->next[AB_RD], cycle + a->wr_rd);
        ab_raise(&a->next[AB_PRE], cycle + a->wr_pre);
        break;
    case TS_DCMD_PREAB:
        for (guint r = 0; r < e->ranks; r++)
            for (guint k = 0; k < e->banks_per_rank; k++)
                ts_dram_engine_issue(e, TS_DCMD_PRE, r, k, 0, cycle);
        a->open_row = -1;
        break;
    default:
        g_return_if_reached();
    }
}
