/* Exact cycle <-> picosecond conversions for clocks of rational period num/den ps. Integer
 * periods take a 64-bit fast path; the rest use unsigned __int128 so that 1e12 cycles at
 * 350 MHz (period 20000/7 ps) lands on the exact rounded-up tick. See ts-time.h for the
 * rounding rule (edge ticks are rounded up). */
#include "ts-time.h"

typedef unsigned __int128 TsU128;

G_DEFINE_QUARK(tilesim - core - error - quark, ts_core_error)

static guint64 gcd64(guint64 a, guint64 b)
{
    while (b != 0) {
        guint64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Fills the derived members of a clock whose reduced period is num/den. */
static void clock_set(TsClock *clock, guint64 num, guint64 den)
{
    clock->period_num = num;
    clock->period_den = den;
    clock->period_ps = den == 1 ? num : 0;
    /* f = 1e12 * den / num; exact when num divides 1e12 * den. */
    TsU128 scaled = (TsU128)TS_PS_PER_S * den;
    clock->freq_hz =
        (scaled % num == 0 && scaled / num <= G_MAXUINT64) ? (guint64)(scaled / num) : 0;
}

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
    guint64 g = gcd64(TS_PS_PER_S, freq_hz);
    clock_set(clock, TS_PS_PER_S / g, freq_hz / g);
    return TRUE;
}

gboolean ts_clock_init_period(TsClock *clock, guint64 num_ps, guint64 den, GError **error)
{
    g_return_val_if_fail(clock != NULL, FALSE);
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    if (num_ps == 0 || den == 0) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "clock period %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                    " ps: numerator and denominator must be positive",
                    num_ps, den);
        return FALSE;
    }
    guint64 g = gcd64(num_ps, den);
    guint64 num = num_ps / g, d = den / g;
    if (num < d || num > TS_CLOCK_MAX_PERIOD_TERM || d > TS_CLOCK_MAX_PERIOD_TERM) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "clock period %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                    " ps must be at least 1 ps with terms at most 2^40 after reduction",
                    num_ps, den);
        return FALSE;
    }
    clock_set(clock, num, d);
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

double ts_clock_period_ps(const TsClock *clock)
{
    g_return_val_if_fail(clock != NULL && clock->period_num != 0, 0.0);
    return (double)clock->period_num / (double)clock->period_den;
}

gboolean ts_clock_try_cycles_to_ticks(const TsClock *clock, guint64 cycles, TsTick *ticks)
{
    g_return_val_if_fail(clock != NULL && clock->period_num != 0, FALSE);
    g_return_val_if_fail(ticks != NULL, FALSE);
    if (clock->period_ps != 0) {
        TsTick t;
        if (__builtin_mul_overflow(cycles, clock->period_ps, &t))
            return FALSE;
        *ticks = t;
        return TRUE;
    }
    TsU128 num = (TsU128)cycles * clock->period_num;
    TsU128 q = (num + clock->period_den - 1) / clock->period_den;
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
    g_return_val_if_fail(clock != NULL && clock->period_num != 0, 0);
    if (clock->period_ps != 0)
        return ticks / clock->period_ps;
    return (guint64)(((TsU128)ticks * clock->period_den) / clock->period_num);
}

guint64 ts_clock_edge_index_at_or_after(const TsClock *clock, TsTick tick)
{
    g_return_val_if_fail(clock != NULL && clock->period_num != 0, 0);
    /* Edges e_k <= tick are k = 0 .. floor(tick*den/num); e_k for the last one may equal tick. */
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
    g_return_val_if_fail(clock != NULL && clock->period_num != 0, TS_TICK_NEVER);
    guint64 k = ts_clock_edge_index_at_or_after(clock, tick);
    guint64 target;
    if (__builtin_add_overflow(k, cycles, &target))
        return TS_TICK_NEVER;
    return ts_clock_cycles_to_ticks(clock, target);
}
