/* PHOLD, the standard DES benchmark, exactly as ROSS's models/phold runs it, built on the
 * tilesim DES kernel: each logical process (LP) is a TsComponent and every event goes through
 * the kernel's pool and queue. Shared by the `phold` benchmark and the determinism tests. */
#ifndef TS_PHOLD_H
#define TS_PHOLD_H

#include "ts-sim.h"

G_BEGIN_DECLS

/* Configuration in ROSS units (one ROSS time unit = time_unit_ps picoseconds). */
typedef struct TsPholdConfig {
    guint32 n_lp;            /* N logical processes (>= 1) */
    guint32 start_events;    /* S events per LP at start (>= 1) */
    double end;              /* end time: events with receive time >= end are never scheduled */
    double remote;           /* probability bound: U1 <= remote sends to a uniform LP */
    double mean;             /* mean delay; delay = lookahead + Exp(mean - lookahead) */
    double lookahead;        /* minimum delay (> 0) */
    guint64 seed;            /* master seed; stream ts_rng_new_type(rng, seed, "phold") */
    const gsl_rng_type *rng; /* GSL generator: gsl_rng_taus2 (default) or gsl_rng_mt19937 */
    TsTick time_unit_ps;     /* ps per ROSS time unit (default 1,000,000) */
    TsEvqKind queue;
} TsPholdConfig;

/* ROSS's defaults: N=1024, S=1, end 50000, remote 0.25, mean 1.0, lookahead 1.0, seed 1,
 * 1e6 ps per unit, heap4, taus2. */
void ts_phold_config_init(TsPholdConfig *config);

typedef struct TsPhold TsPhold;

/* Builds the simulation (N components "lp[i]", the start events). NULL with
 * TS_CORE_ERROR_INVALID on a bad configuration (message names the field). Free with
 * ts_phold_free (accepts NULL). */
TsPhold *ts_phold_new(const TsPholdConfig *config, GError **error);
void ts_phold_free(TsPhold *phold);

/* Runs to completion; returns the committed events (handler executions, all with t < end). */
guint64 ts_phold_run(TsPhold *phold);

/* Hash of the final state: every LP's processed count and the running hash of the
 * (tick, sender) of each event it received, combined in LP order. */
guint64 ts_phold_state_hash(const TsPhold *phold);

/* The model's generator (borrowed). */
const gsl_rng *ts_phold_rng(const TsPhold *phold);

/* The kernel simulation (borrowed). */
TsSim *ts_phold_sim(TsPhold *phold);

/* N * S * (ceil(end) - 1): the committed count when the delay is exactly 1 unit
 * (mean == lookahead == 1), 0 otherwise. */
guint64 ts_phold_expected_fixed(const TsPholdConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsPhold, ts_phold_free)

G_END_DECLS

#endif /* TS_PHOLD_H */
