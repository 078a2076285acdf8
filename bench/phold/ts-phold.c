/* PHOLD on the DES kernel. Each processed event draws U1 (and a destination when
 * U1 <= remote) and, when mean > lookahead, an exponential; it then schedules exactly one new
 * event at now + delay unless that lands at or after `end`. One GSL stream serves the whole
 * model: the kernel's deterministic (tick, priority, FIFO) order fixes the draw order. */
#include "ts-phold.h"

#include <math.h>

typedef struct {
    TsComponent base;
    TsPhold *model;
    guint32 id;
    guint64 processed;
    guint64 hash;
} PholdLp;

struct TsPhold {
    TsPholdConfig cfg;
    TsSim *sim;
    gsl_rng *rng;
    TsComponent **lps;
    TsTick lookahead_ps;
    TsTick end_ps;
    double exp_mean; /* mean of the exponential part, in ROSS units (0 = fixed delay) */
    double unit_ps;
};

/* The typed spec of an LP: the model it belongs to (shared by every LP). */
typedef struct {
    TsPhold *model;
} PholdLpSpec;

static gboolean lp_init(TsComponent *self, const void *spec, const TsParams *params,
                        GError **error)
{
    PholdLp *lp = TS_COMPONENT_DOWNCAST(PholdLp, self);
    lp->model = ((const PholdLpSpec *)spec)->model;
    lp->id = self->id; /* LPs are the model's only components, created in id order */
    return TRUE;
}

static inline TsTick draw_delay(TsPhold *m)
{
    TsTick d = m->lookahead_ps;
    /* Exp(mu) as ROSS's tw_rand_exponential draws it: -mu * ln(U), U in (0, 1); rounded to
     * the nearest picosecond. */
    if (m->exp_mean > 0)
        d += (TsTick)(-m->exp_mean * log(gsl_rng_uniform_pos(m->rng)) * m->unit_ps + 0.5);
    return d;
}

static void lp_handle(TsComponent *self, TsEvent *ev)
{
    PholdLp *lp = TS_COMPONENT_DOWNCAST(PholdLp, self);
    TsPhold *m = lp->model;
    lp->processed++;
    lp->hash = ts_mix64(lp->hash ^ ev->tick ^ ((guint64)ev->payload.u32[0] << 40));

    double u = gsl_rng_uniform(m->rng);
    guint32 dest = lp->id;
    if (u <= m->cfg.remote)
        dest = (guint32)gsl_rng_uniform_int(m->rng, m->cfg.n_lp);
    TsTick t = ev->tick + draw_delay(m);
    if (t < m->end_ps) {
        TsEvent *next = ts_sim_event_new(self->sim, m->lps[dest], 0);
        next->payload.u32[0] = lp->id;
        ts_sim_schedule(self->sim, next, t);
    }
}

static const TsComponentKind phold_lp_kind = {
    .name = "phold_lp",
    .description = "PHOLD logical process (ROSS models/phold)",
    .instance_size = sizeof(PholdLp),
    .spec_type = "PholdLpSpec",
    .init = lp_init,
    .handle = lp_handle,
};

void ts_phold_config_init(TsPholdConfig *c)
{
    g_return_if_fail(c != NULL);
    *c = (TsPholdConfig){
        .n_lp = 1024,
        .start_events = 1,
        .end = 50000,
        .remote = 0.25,
        .mean = 1.0,
        .lookahead = 1.0,
        .seed = 1,
        .time_unit_ps = TS_PS_PER_US,
        .queue = TS_EVQ_DEFAULT,
        .rng = gsl_rng_taus2,
    };
}

guint64 ts_phold_expected_fixed(const TsPholdConfig *c)
{
    g_return_val_if_fail(c != NULL, 0);
    if (c->mean != 1.0 || c->lookahead != 1.0 || c->end < 1)
        return 0;
    return (guint64)c->n_lp * c->start_events * ((guint64)ceil(c->end) - 1);
}

static gboolean invalid(GError **error, const char *what)
{
    g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "phold: %s", what);
    return FALSE;
}

TsPhold *ts_phold_new(const TsPholdConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    if (cfg->n_lp < 1 || cfg->n_lp > (1u << 24))
        return invalid(error, "--nlp must be in 1 .. 16777216"), NULL;
    if (cfg->start_events < 1)
        return invalid(error, "--start-events must be >= 1"), NULL;
    if (!(cfg->remote >= 0 && cfg->remote <= 1))
        return invalid(error, "--remote must be in [0, 1]"), NULL;
    if (!(cfg->lookahead > 0) || !(cfg->mean >= cfg->lookahead) || !isfinite(cfg->mean))
        return invalid(error, "need lookahead > 0 and mean >= lookahead"), NULL;
    if (cfg->time_unit_ps < 1)
        return invalid(error, "time unit must be >= 1 ps"), NULL;
    if (!(cfg->end > 0) || cfg->end * (double)cfg->time_unit_ps > 9.0e18)
        return invalid(error, "--end must be > 0 and end * time unit must fit 2^63 ps"), NULL;
    guint64 pending = (guint64)cfg->n_lp * cfg->start_events;
    if (pending + 1 > TS_EVENT_POOL_MAX_SLOTS - TS_EVENT_POOL_CHUNK)
        return invalid(error, "nlp * start-events exceeds the event pool limit"), NULL;

    g_autoptr(TsPhold) m = g_new0(TsPhold, 1);
    m->cfg = *cfg;
    m->unit_ps = (double)cfg->time_unit_ps;
    m->lookahead_ps = (TsTick)llround(cfg->lookahead * m->unit_ps);
    m->end_ps = (TsTick)llround(cfg->end * m->unit_ps);
    m->exp_mean = cfg->mean - cfg->lookahead;
    m->sim = ts_sim_new();
    m->rng = ts_rng_new_type(cfg->rng ? cfg->rng : gsl_rng_taus2, cfg->seed, "phold");
    ts_sim_set_seed(m->sim, cfg->seed);
    if (!ts_sim_set_queue(m->sim, cfg->queue, error))
        return NULL;

    m->lps = g_new(TsComponent *, cfg->n_lp);
    const PholdLpSpec lp_spec = {m};
    for (guint32 i = 0; i < cfg->n_lp; i++) {
        char path[32];
        g_snprintf(path, sizeof path, "lp[%u]", i);
        /* The spec is read during init only, so a local is enough. */
        TsComponent *c = ts_sim_add_component_typed(m->sim, &phold_lp_kind, path,
                                                    TS_SPEC(PholdLpSpec, &lp_spec), NULL, error);
        if (c == NULL)
            return NULL;
        m->lps[i] = c;
    }
    if (!ts_sim_build(m->sim, error))
        return NULL;
    /* All pending events fit from the start: the loop allocates nothing. The +1 covers the
     * handler's new event, allocated before the handled one is recycled. */
    ts_sim_reserve_events(m->sim, pending + 1);
    for (guint32 i = 0; i < cfg->n_lp; i++) {
        for (guint32 s = 0; s < cfg->start_events; s++) {
            TsTick t = draw_delay(m);
            if (t >= m->end_ps)
                continue;
            TsEvent *ev = ts_sim_event_new(m->sim, m->lps[i], 0);
            ev->payload.u32[0] = i;
            ts_sim_schedule(m->sim, ev, t);
        }
    }
    return g_steal_pointer(&m);
}

void ts_phold_free(TsPhold *m)
{
    if (m == NULL)
        return;
    ts_sim_free(m->sim);
    if (m->rng)
        gsl_rng_free(m->rng);
    g_free(m->lps);
    g_free(m);
}

guint64 ts_phold_run(TsPhold *m)
{
    g_return_val_if_fail(m != NULL, 0);
    guint64 before = ts_sim_events_processed(m->sim);
    ts_sim_run(m->sim);
    return ts_sim_events_processed(m->sim) - before;
}

guint64 ts_phold_state_hash(const TsPhold *m)
{
    g_return_val_if_fail(m != NULL, 0);
    guint64 h = ts_mix64(m->cfg.n_lp);
    for (guint32 i = 0; i < m->cfg.n_lp; i++) {
        const PholdLp *lp = TS_COMPONENT_DOWNCAST(PholdLp, m->lps[i]);
        h = ts_mix64(h ^ lp->hash);
        h = ts_mix64(h ^ lp->processed);
    }
    return h;
}

TsSim *ts_phold_sim(TsPhold *m)
{
    g_return_val_if_fail(m != NULL, NULL);
    return m->sim;
}

const gsl_rng *ts_phold_rng(const TsPhold *m)
{
    g_return_val_if_fail(m != NULL, NULL);
    return m->rng;
}
