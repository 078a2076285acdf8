/* Simulated time and clock domains of the DES core. Time is an unsigned 64-bit count of
 * picoseconds (TsTick); a TsClock, built from an integer frequency or from an exact rational
 * period, converts cycles <-> ticks exactly through 128-bit intermediates (no drift at any
 * cycle count). Also declares the module's error domain (TS_CORE_ERROR), since every other
 * core header includes this one. */
#ifndef TS_TIME_H
#define TS_TIME_H

#include <glib.h>

G_BEGIN_DECLS

/* Simulated time in picoseconds. 2^64 ps is about 213 days of simulated time. */
typedef guint64 TsTick;

#define TS_TICK_NEVER G_MAXUINT64 /* "no such tick": overflow or no event */
#define TS_PS_PER_NS G_GUINT64_CONSTANT(1000)
#define TS_PS_PER_US G_GUINT64_CONSTANT(1000000)
#define TS_PS_PER_MS G_GUINT64_CONSTANT(1000000000)
#define TS_PS_PER_S G_GUINT64_CONSTANT(1000000000000)
#define TS_CLOCK_MAX_HZ TS_PS_PER_S /* a period of at least 1 ps keeps round trips exact */

/* Error domain of sim/core: bad input to the builder (names, params, ports, links, clocks). */
#define TS_CORE_ERROR (ts_core_error_quark())
GQuark ts_core_error_quark(void);

typedef enum {
    TS_CORE_ERROR_INVALID,        /* a value out of range (clock 0 Hz, bandwidth too large) */
    TS_CORE_ERROR_BAD_NAME,       /* malformed hierarchical component path */
    TS_CORE_ERROR_DUPLICATE_NAME, /* two components with one path */
    TS_CORE_ERROR_UNKNOWN_COMPONENT,
    TS_CORE_ERROR_UNKNOWN_PORT,
    TS_CORE_ERROR_PORT_CONNECTED,   /* a port joined to a second link */
    TS_CORE_ERROR_PORT_UNCONNECTED, /* a required port left dangling at build time */
    TS_CORE_ERROR_UNKNOWN_PARAM,
    TS_CORE_ERROR_PARAM_TYPE,    /* value of the wrong type for the spec */
    TS_CORE_ERROR_PARAM_MISSING, /* required parameter (no default) not given */
    TS_CORE_ERROR_PARAM_RANGE,   /* value outside the spec's [min, max] */
    TS_CORE_ERROR_OVERFLOW,      /* a time computation does not fit 64 bits */
    TS_CORE_ERROR_STATE,         /* call in the wrong phase (connect after build, ...) */
    TS_CORE_ERROR_SPEC_TYPE,     /* typed spec missing or of another type than the kind takes */
} TsCoreError;

/* A clock domain with an exact rational period of period_num / period_den picoseconds (DRAM
 * standards define tCK, not a frequency: DDR4-2400's tCK is 2500/3 = 833.33 ps, GDDR6's 570
 * ps). Edge k (k >= 0) lies at the exact instant k * period_num / period_den ps; its tick is
 * that instant rounded UP to the next whole picosecond (edge 0 at tick 0). All conversions
 * below follow from this one rule. A clock built from a frequency f Hz has the period
 * 1e12 / f ps (reduced). The period is at least 1 ps, so round trips are exact. */
typedef struct TsClock {
    guint64 period_num; /* period = period_num / period_den ps, reduced; 0 = never initialised */
    guint64 period_den;
    guint64 freq_hz;   /* exact frequency when 1e12 * period_den / period_num is whole, else 0 */
    guint64 period_ps; /* exact integer period when period_den == 1, else 0 (fast path) */
} TsClock;

/* Largest numerator or denominator of a period (keeps every product within 128 bits). */
#define TS_CLOCK_MAX_PERIOD_TERM (G_GUINT64_CONSTANT(1) << 40)

/* Initialises a caller-owned clock from a frequency. freq_hz must be in 1 .. TS_CLOCK_MAX_HZ
 * (1 THz): else FALSE with TS_CORE_ERROR_INVALID naming the value. */
gboolean ts_clock_init(TsClock *clock, guint64 freq_hz, GError **error);

/* Initialises a caller-owned clock from an exact period of num / den ps (reduced here):
 * ts_clock_init_period(&c, 2500, 3, &e) is DDR4-2400's tCK, (&c, 570, 1, &e) GDDR6's. The
 * period must be at least 1 ps and num, den at most TS_CLOCK_MAX_PERIOD_TERM (after
 * reduction): else FALSE with TS_CORE_ERROR_INVALID naming the values. */
gboolean ts_clock_init_period(TsClock *clock, guint64 num_ps, guint64 den, GError **error);

/* Heap-allocated clock (for holders that keep clocks by pointer); NULL + error as for
 * ts_clock_init. Free with ts_clock_free (accepts NULL). */
TsClock *ts_clock_new(guint64 freq_hz, GError **error);
void ts_clock_free(TsClock *clock);

/* The period in ps as a double (for reports only; conversions are exact). */
double ts_clock_period_ps(const TsClock *clock);

/* Tick of edge `cycles` = ceil(cycles * period_num / period_den). Exact for every cycle count
 * (128-bit intermediate). Returns FALSE and leaves *ticks untouched when the tick exceeds 2^64-1.
 */
gboolean ts_clock_try_cycles_to_ticks(const TsClock *clock, guint64 cycles, TsTick *ticks);

/* As ts_clock_try_cycles_to_ticks, returning TS_TICK_NEVER on overflow. */
TsTick ts_clock_cycles_to_ticks(const TsClock *clock, guint64 cycles);

/* Number of edges in (0, ticks], i.e. completed cycles at `ticks` =
 * floor(ticks * period_den / period_num).
 * Never overflows. Round trip: ts_clock_ticks_to_cycles(ts_clock_cycles_to_ticks(c)) == c for
 * every c whose tick fits (needs a period >= 1 ps, guaranteed by ts_clock_init). */
guint64 ts_clock_ticks_to_cycles(const TsClock *clock, TsTick ticks);

/* Index of the first edge at or after `tick` (the cycle a component woken at `tick` can act). */
guint64 ts_clock_edge_index_at_or_after(const TsClock *clock, TsTick tick);

/* Tick of the first edge at or after `tick` (== tick when tick lies on an edge);
 * TS_TICK_NEVER on overflow. */
TsTick ts_clock_next_edge(const TsClock *clock, TsTick tick);

/* Tick of the edge `cycles` cycles after the first edge at or after `tick`: the way to wait
 * N cycles from now without accumulating rounding. TS_TICK_NEVER on overflow. */
TsTick ts_clock_edge_after(const TsClock *clock, TsTick tick, guint64 cycles);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsClock, ts_clock_free)

G_END_DECLS

#endif /* TS_TIME_H */
