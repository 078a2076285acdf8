/* `evq_hold`: the classic "hold" benchmark of a pending-event set, used to choose the
 * kernel's queue structure (docs/des.md). For each structure and size n: fill n entries,
 * then time M hold operations (pop the first, push it back at its tick + increment), with
 * increments precomputed so the RNG is not timed. Distributions: "exp" (1 + Exp(1) units, as
 * PHOLD's exp variant) and "tie" (exactly 1 unit: every entry of a step ties, FIFO). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ts-sim.h"

#define N_INC (1u << 20)
#define UNIT_PS 1000000.0

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double hold(TsEvqKind kind, guint32 n, guint64 ops, const TsTick *inc, guint64 *check)
{
    g_autoptr(TsEvq) q = ts_evq_new(kind);
    ts_evq_reserve(q, n);
    guint64 k = 0;
    for (guint32 i = 0; i < n; i++)
        ts_evq_push(q, inc[k++ & (N_INC - 1)], 0, i);
    double t0 = now_seconds();
    guint64 sum = 0;
    for (guint64 i = 0; i < ops; i++) {
        TsTick t;
        guint32 slot;
        ts_evq_pop(q, &t, NULL, &slot);
        sum += slot;
        ts_evq_push(q, t + inc[k++ & (N_INC - 1)], 0, slot);
    }
    double secs = now_seconds() - t0;
    *check = sum;
    return secs / (double)ops * 1e9;
}

int main(int argc, char **argv)
{
    guint64 ops = argc > 1 ? g_ascii_strtoull(argv[1], NULL, 10) : 10000000;
    const guint32 sizes[] = {1024, 16384, 262144};
    TsTick *inc_exp = g_new(TsTick, N_INC), *inc_tie = g_new(TsTick, N_INC);
    g_autoptr(gsl_rng) r = ts_rng_new(1, "evq_hold");
    for (guint32 i = 0; i < N_INC; i++) {
        inc_exp[i] = (TsTick)((1.0 - log(gsl_rng_uniform_pos(r))) * UNIT_PS + 0.5);
        inc_tie[i] = (TsTick)UNIT_PS;
    }
    printf("%-8s %-4s %8s %10s\n", "queue", "dist", "n", "ns/hold");
    for (int d = 0; d < 2; d++) {
        for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
            for (int kind = 0; kind < TS_EVQ_N_KINDS; kind++) {
                guint64 check;
                double ns = hold((TsEvqKind)kind, sizes[s], ops, d ? inc_tie : inc_exp, &check);
                printf("%-8s %-4s %8u %10.1f\n", ts_evq_kind_name((TsEvqKind)kind),
                       d ? "tie" : "exp", sizes[s], ns);
            }
        }
    }
    g_free(inc_exp);
    g_free(inc_tie);
    return 0;
}
