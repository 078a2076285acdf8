/* Exact cycle <-> picosecond conversions. Integer periods take a 64-bit fast path; other
 * frequencies use unsigned __int128 so that 1e12 cycles at 350 MHz lands on the exact
 * rounded-up tick. See ts-time.h for the rounding rule (edge ticks are rounded up). */
#include "ts-time.h"

typedef unsigned __int128 TsU128;

G_DEFINE_QUARK(tilesim - core - error - quark, ts_core_error)

gboolean ts_clock_init(TsClock *clock, guint64 freq_hz, GError **error)
{
    g_return_val_if_fail(clock != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    if (freq_hz == 0 || freq_hz > TS_CLOCK_MAX_HZ) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "clock frequency must be in 1 Hz .. 1 THz (got %" G_GUINT64_FORMAT " Hz)",
                    freq_hz);
        return FALSE;
    }
    clock->freq_hz = freq_hz;
    clock->period_ps = (TS_PS_PER_S % freq_hz == 0) ? TS_PS_PER_S / freq_hz : 0;
    return TRUE;
}

TsClock *ts_clock_new(guint64 freq_hz, GError **error)
{
    TsClock tmp;
    if (!ts_clock_init(&tmp, freq_hz, error))
        return NULL;
    return g_memdup2(&tmp, sizeof tmp);
}

void ts_clock_free(TsClock *clock)
{
    g_free(clock);
}

gboolean ts_clock_try_cycles_to_ticks(const TsClock *clock, guint64 cycles, TsTick *ticks)
{
    g_return_val_if_fail(clock != NULL && clock->freq_hz != 0, FALSE);
    g_return_val_if_fail(ticks != NULL, FALSE);
    if (clock->period_ps != 0) {
        TsTick t;
        if (__builtin_mul_overflow(cycles, clock->period_ps, &t))
            return FALSE;
        *ticks = t;
        return TRUE;
    }
    TsU128 num = (TsU128)cycles * TS_PS_PER_S;
    TsU128 q = (num + clock->freq_hz - 1) / clock->freq_hz;
    if (q > G_MAXUINT64)
        return FALSE;
    *ticks = (TsTick)q;
    return TRUE;
}

TsTick ts_clock_cycles_to_ticks(const TsClock *clock, guint64 cycles)
{
    TsTick t;
    if (!ts_clock_try_cycles_to_ticks(clock, cycles, &t))
        return TS_TICK_NEVER;
    return t;
}

guint64 ts_clock_ticks_to_cycles(const TsClock *clock, TsTick ticks)
{
    g_return_val_if_fail(clock != NULL && clock->freq_hz != 0, 0);
    if (clock->period_ps != 0)
        return ticks / clock->period_ps;
    return (guint64)(((TsU128)ticks * clock->freq_hz) / TS_PS_PER_S);
}

guint64 ts_clock_edge_index_at_or_after(const TsClock *clock, TsTick tick)
{
    g_return_val_if_fail(clock != NULL && clock->freq_hz != 0, 0);
    /* Edges e_k <= tick are k = 0 .. floor(tick*f/1e12); e_k for the last one may equal tick. */
    guint64 k = ts_clock_ticks_to_cycles(clock, tick);
    TsTick e = ts_clock_cycles_to_ticks(clock, k); /* <= tick, so it fits */
    return e == tick ? k : k + 1;
}

TsTick ts_clock_next_edge(const TsClock *clock, TsTick tick)
{
    return ts_clock_edge_after(clock, tick, 0);
}

TsTick ts_clock_edge_after(const TsClock *clock, TsTick tick, guint64 cycles)
{
    g_return_val_if_fail(clock != NULL && clock->freq_hz != 0, TS_TICK_NEVER);
    guint64 k = ts_clock_edge_index_at_or_after(clock, tick);
    guint64 target;
    if (__builtin_add_overflow(k, cycles, &target))
        return TS_TICK_NEVER;
    return ts_clock_cycles_to_ticks(clock, target);
}
