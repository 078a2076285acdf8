/* The kernel seams the component models build on: clocks from an exact rational period
 * (DDR4-2400's tCK of 2500/3 ps, GDDR6's 570 ps), typed component specs checked by name,
 * per-instance port arrays ("out[167]"), and credit-based flow control with the memory-request
 * payload (a bounded queue back-pressures its sender; a send without a credit aborts), quiet
 * credits and the credit callback, and arrival queues (batched sends read by the receiver as
 * its events would deliver them). */
#include "test-core.h"

#include <string.h>

/* ---- clocks from a period ---- */

static void test_clock_period_ddr4(void)
{
    TsClock c;
    CU_ASSERT_TRUE_FATAL(ts_clock_init_period(&c, 2500, 3, NULL)); /* 833.33 ps */
    CU_ASSERT_EQUAL(c.freq_hz, 1200000000);
    CU_ASSERT_EQUAL(c.period_ps, 0);
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, 1), 834);
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, 3), 2500);
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, 2400), 2000000);
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, 17), 14167); /* CL 17: 14166.67 ps */
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, 833), 0);
    CU_ASSERT_EQUAL(ts_clock_ticks_to_cycles(&c, 834), 1);
    CU_ASSERT_EQUAL(ts_clock_next_edge(&c, 1), 834);
    CU_ASSERT_EQUAL(ts_clock_edge_after(&c, 834, 2), 2500);
    /* A clock from 1.2 GHz is the same clock. */
    TsClock f;
    CU_ASSERT_TRUE_FATAL(ts_clock_init(&f, 1200000000, NULL));
    CU_ASSERT_EQUAL(f.period_num, 2500);
    CU_ASSERT_EQUAL(f.period_den, 3);
    /* Stepping edge to edge a million times lands on the exact edge, and round trips hold. */
    TsTick t = 0;
    for (guint64 k = 1; k <= 1000000; k++) {
        t = ts_clock_edge_after(&c, t + 1, 0);
        if (t != ts_clock_cycles_to_ticks(&c, k) || ts_clock_ticks_to_cycles(&c, t) != k) {
            CU_FAIL("edge walk drifted");
            break;
        }
    }
    CU_ASSERT_EQUAL(t, G_GUINT64_CONSTANT(833333334));
    CU_ASSERT_DOUBLE_EQUAL(ts_clock_period_ps(&c), 833.3333333, 1e-6);
}

static void test_clock_period_gddr6_and_errors(void)
{
    TsClock c;
    CU_ASSERT_TRUE_FATAL(ts_clock_init_period(&c, 570, 1, NULL));
    CU_ASSERT_EQUAL(c.period_ps, 570);
    CU_ASSERT_EQUAL(c.freq_hz, 0); /* 1.754386 GHz is not a whole number of Hz */
    CU_ASSERT_EQUAL(ts_clock_cycles_to_ticks(&c, 1000), 570000);
    CU_ASSERT_TRUE_FATAL(ts_clock_init_period(&c, 1140, 2, NULL)); /* reduced */
    CU_ASSERT_EQUAL(c.period_num, 570);
    CU_ASSERT_EQUAL(c.period_den, 1);
    g_autoptr(GError) e = NULL;
    CU_ASSERT_FALSE(ts_clock_init_period(&c, 1, 2, &e));
    ASSERT_ERROR(
        e, TS_CORE_ERROR_INVALID,
        "clock period 1/2 ps must be at least 1 ps with terms at most 2^40 after reduction");
    g_clear_error(&e);
    CU_ASSERT_FALSE(ts_clock_init_period(&c, 0, 1, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_INVALID,
                 "clock period 0/1 ps: numerator and denominator must be positive");
}

/* ---- typed spec and port arrays: "fan" ---- */

typedef struct {
    guint n_out;
    guint queue_slots; /* credits the fan grants on "in" */
} FanSpec;

typedef struct {
    TsComponent base;
    const FanSpec *spec;
    GArray *arrivals; /* guint element of "out" each event arrived on */
} Fan;

static const TsPortSpec fan_ports[] = {
    {"in", FALSE, "credited input", 0},
    {"out", TRUE, "one per consumer", TS_PORT_ARRAY},
};

static gboolean fan_init(TsComponent *self, const void *spec, const TsParams *params,
                         GError **error)
{
    Fan *f = TS_COMPONENT_DOWNCAST(Fan, self);
    f->spec = spec;
    f->arrivals = g_array_new(FALSE, FALSE, sizeof(guint));
    return ts_component_set_port_count(self, "out", f->spec->n_out, error);
}

static void fan_handle(TsComponent *self, TsEvent *ev)
{
    Fan *f = TS_COMPONENT_DOWNCAST(Fan, self);
    if (ev->port != TS_PORT_NONE) {
        TsPort *p = ts_component_port_of_event(self, ev);
        if (strcmp(ts_port_name(p), "out") == 0) {
            guint e = ts_port_element(p);
            g_array_append_val(f->arrivals, e);
        }
    }
}

static void fan_destroy(TsComponent *self)
{
    g_array_unref(TS_COMPONENT_DOWNCAST(Fan, self)->arrivals);
}

static const TsComponentKind fan_kind = {
    .name = "fan",
    .instance_size = sizeof(Fan),
    .ports = fan_ports,
    .n_ports = G_N_ELEMENTS(fan_ports),
    .spec_type = "FanSpec",
    .init = fan_init,
    .handle = fan_handle,
    .destroy = fan_destroy,
};

static void test_typed_spec_errors(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(GError) e = NULL;
    FanSpec fs = {2, 1};
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &fan_kind, "chip.fan", NULL, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_SPEC_TYPE, "chip.fan: kind 'fan' needs a FanSpec (none given)");
    g_clear_error(&e);
    TsClock wrong;
    CU_ASSERT_PTR_NULL(
        ts_sim_add_component_typed(sim, &fan_kind, "chip.fan", TS_SPEC(TsClock, &wrong), NULL, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_SPEC_TYPE, "chip.fan: kind 'fan' takes a FanSpec, got a TsClock");
    g_clear_error(&e);
    CU_ASSERT_PTR_NULL(ts_sim_add_component_typed(sim, &test_recorder_kind, "chip.r",
                                                  TS_SPEC(FanSpec, &fs), NULL, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_SPEC_TYPE,
                 "chip.r: kind 'recorder' takes no typed spec (got a FanSpec)");
    g_clear_error(&e);
    TsComponent *c =
        ts_sim_add_component_typed(sim, &fan_kind, "chip.fan", TS_SPEC(FanSpec, &fs), NULL, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_PTR_EQUAL(TS_COMPONENT_DOWNCAST(Fan, c)->spec, &fs);
    CU_ASSERT_EQUAL(ts_component_port_count(c, 1), 2);
    CU_ASSERT_EQUAL(c->n_port_slots, 3);
}

/* A buffer feeding 168 PEs: one port array element per PE, each PE answers on its element. */
static void test_port_array_168(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(GError) e = NULL;
    FanSpec fs = {168, 1};
    TsComponent *fan =
        ts_sim_add_component_typed(sim, &fan_kind, "chip.glb", TS_SPEC(FanSpec, &fs), NULL, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fan);
    TsComponent *pe[168];
    const TsLinkSpec l = {.latency_ps = 1000, .bw_bytes_per_s = 0};
    for (guint i = 0; i < 168; i++) {
        char path[32], port[32];
        g_snprintf(path, sizeof path, "chip.pe[%u]", i);
        g_snprintf(port, sizeof port, "out[%u]", i);
        pe[i] = ts_sim_add_component(sim, &test_driver_kind, path, NULL, NULL);
        if (i == 100)
            continue; /* left dangling on purpose, connected below */
        CU_ASSERT_TRUE(ts_sim_connect(sim, fan, port, pe[i], "link", &l, NULL));
    }
    CU_ASSERT_FALSE(ts_sim_connect(sim, fan, "out[168]", pe[100], "link", &l, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_UNKNOWN_PORT,
                 "chip.glb: unknown port 'out[168]' for kind 'fan' (ports: in, out[0..167])");
    g_clear_error(&e);
    CU_ASSERT_FALSE(ts_sim_connect(sim, fan, "out[3]", pe[100], "link", &l, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_PORT_CONNECTED,
                 "chip.glb:out[3] is already connected to chip.pe[3]:link; cannot also connect it "
                 "to chip.pe[100]:link");
    g_clear_error(&e);
    CU_ASSERT_FALSE(ts_sim_build(sim, &e));
    ASSERT_ERROR(e, TS_CORE_ERROR_PORT_UNCONNECTED,
                 "required port not connected: chip.glb:out[100]");
    g_clear_error(&e);
    CU_ASSERT_TRUE(ts_sim_connect(sim, fan, "out[100]", pe[100], "link", &l, NULL));
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &e));
    CU_ASSERT_EQUAL(ts_port_element(ts_component_port_by_name(fan, "out[167]")), 167);
    /* PE i sends at tick 10 * i; the fan sees each on element i, in that order. */
    for (guint i = 0; i < 168; i++)
        test_driver_send_at(pe[167 - i], 10 * (TsTick)i, 8);
    ts_sim_run(sim);
    GArray *arr = TS_COMPONENT_DOWNCAST(Fan, fan)->arrivals;
    CU_ASSERT_EQUAL_FATAL(arr->len, 168);
    for (guint i = 0; i < 168; i++)
        CU_ASSERT_EQUAL(g_array_index(arr, guint, i), 167 - i);
}

/* ---- credits and the memory-request payload ---- */

/* "server": a queue of `slots` requests served one every 10 ns; grants a credit back each time
 * one leaves the queue and answers each with a TS_EVENT_MEM_RESPONSE. */
typedef struct {
    TsComponent base;
    guint slots, queued, peak;
    gboolean busy;
    TsMemReq queue[8];
    guint head;
} Server;

enum { SERVE = 1, PRODUCE = 2 };

static const TsPortSpec server_ports[] = {{"req", TRUE, "requests in", 0}};

static gboolean server_init(TsComponent *self, const void *spec, const TsParams *params,
                            GError **error)
{
    Server *s = TS_COMPONENT_DOWNCAST(Server, self);
    s->slots = (guint)ts_params_get_int(params, "slots");
    return TRUE;
}

static void server_setup(TsComponent *self)
{
    Server *s = TS_COMPONENT_DOWNCAST(Server, self);
    ts_port_grant_credits(ts_component_port(self, 0), s->slots);
}

static void server_kick(Server *s)
{
    if (!s->busy && s->queued > 0) {
        s->busy = TRUE;
        ts_sim_schedule_in(s->base.sim, ts_sim_event_new(s->base.sim, &s->base, SERVE), 10000);
    }
}

/* Serves the first queued request: its slot's credit goes back, the response out. */
static TsMemReq server_serve(Server *s)
{
    TsMemReq r = s->queue[s->head];
    s->head = (s->head + 1) % 8;
    s->queued--;
    s->busy = FALSE;
    TsPort *p = ts_component_port(&s->base, 0);
    ts_port_grant_credits(p, 1);
    TsEvent *resp = ts_sim_event_new(s->base.sim, NULL, TS_EVENT_MEM_RESPONSE);
    r.done_tick = ts_sim_now(s->base.sim);
    *ts_mem_req(resp) = r;
    ts_port_send(p, resp, 0);
    server_kick(s);
    return r;
}

static void server_handle(TsComponent *self, TsEvent *ev)
{
    Server *s = TS_COMPONENT_DOWNCAST(Server, self);
    if (ev->type == TS_EVENT_MEM_REQUEST) {
        CU_ASSERT_TRUE(s->queued < s->slots);
        s->queue[(s->head + s->queued) % 8] = *ts_mem_req(ev);
        s->queued++;
        s->peak = MAX(s->peak, s->queued);
        server_kick(s);
    } else if (ev->type == SERVE) {
        server_serve(s);
    }
}

static const TsParamSpec server_params[] = {
    {"slots", TS_PARAM_INT, "requests", "2", 1, 8, "queue slots"}};

static const TsComponentKind server_kind = {
    .name = "server",
    .instance_size = sizeof(Server),
    .params = server_params,
    .n_params = 1,
    .ports = server_ports,
    .n_ports = 1,
    .init = server_init,
    .setup = server_setup,
    .handle = server_handle,
};

/* "producer": sends `total` reads as fast as credits allow; records response tags in order. */
typedef struct {
    TsComponent base;
    guint total, sent, done, credit_events, credit_calls;
    TsTick last_depart;
    gboolean cheat; /* send without looking at the credits (must abort) */
    TsTick last_done;
    guint64 tag_sum;
} Producer;

static const TsPortSpec producer_ports[] = {{"mem", TRUE, "requests out", TS_PORT_CREDITED}};

static gboolean producer_init(TsComponent *self, const void *spec, const TsParams *params,
                              GError **error)
{
    Producer *p = TS_COMPONENT_DOWNCAST(Producer, self);
    p->total = (guint)ts_params_get_int(params, "total");
    p->cheat = ts_params_get_bool(params, "cheat");
    ts_sim_schedule(self->sim, ts_sim_event_new(self->sim, self, PRODUCE), 0);
    return TRUE;
}

static void producer_pump(Producer *p)
{
    TsPort *port = ts_component_port(&p->base, 0);
    while (p->sent < p->total && (p->cheat || ts_port_credits(port) > 0)) {
        TsEvent *ev = ts_sim_event_new(p->base.sim, NULL, TS_EVENT_MEM_REQUEST);
        *ts_mem_req(ev) = (TsMemReq){.addr = 64 * (guint64)p->sent,
                                     .tag = p->sent,
                                     .bytes = 64,
                                     .tensor = 3,
                                     .op = TS_MEM_READ};
        ts_port_send(port, ev, 16);
        p->sent++;
    }
}

static void producer_handle(TsComponent *self, TsEvent *ev)
{
    Producer *p = TS_COMPONENT_DOWNCAST(Producer, self);
    if (ev->type == TS_EVENT_CREDIT)
        p->credit_events++;
    if (ev->type == TS_EVENT_MEM_RESPONSE) {
        const TsMemReq *r = ts_mem_req_const(ev);
        CU_ASSERT_EQUAL(r->tag, p->done);
        CU_ASSERT_EQUAL(r->addr, 64 * r->tag);
        CU_ASSERT_EQUAL(r->tensor, 3);
        p->done++;
        p->last_done = r->done_tick;
    }
    producer_pump(p);
}

static const TsParamSpec producer_params[] = {
    {"total", TS_PARAM_INT, "requests", "10", 1, 1000, "requests to send"},
    {"cheat", TS_PARAM_BOOL, "", "false", 0, 0, "ignore credits"}};

static const TsComponentKind producer_kind = {
    .name = "producer",
    .instance_size = sizeof(Producer),
    .params = producer_params,
    .n_params = 2,
    .ports = producer_ports,
    .n_ports = 1,
    .init = producer_init,
    .handle = producer_handle,
};

/* The producer with TS_PORT_CREDIT_QUIET: credit events only while it holds none. */
static const TsPortSpec quiet_producer_ports[] = {
    {"mem", TRUE, "requests out", TS_PORT_CREDITED | TS_PORT_CREDIT_QUIET}};

static const TsComponentKind quiet_producer_kind = {
    .name = "quiet_producer",
    .instance_size = sizeof(Producer),
    .params = producer_params,
    .n_params = 2,
    .ports = quiet_producer_ports,
    .n_ports = 1,
    .init = producer_init,
    .handle = producer_handle,
};

static TsSim *credit_sim_with(const TsComponentKind *kind, gboolean cheat, guint total,
                              TsTick latency_ps, TsComponent **prod, TsComponent **srv)
{
    TsSim *sim = ts_sim_new();
    g_autoptr(TsParams) pp = ts_params_new();
    ts_params_set_int(pp, "total", total);
    ts_params_set_bool(pp, "cheat", cheat);
    *prod = ts_sim_add_component(sim, kind, "cpu", pp, NULL);
    *srv = ts_sim_add_component(sim, &server_kind, "mem", NULL, NULL);
    const TsLinkSpec l = {.latency_ps = latency_ps, .bw_bytes_per_s = 0};
    ts_sim_connect(sim, *prod, "mem", *srv, "req", &l, NULL);
    ts_sim_build(sim, NULL);
    return sim;
}

static TsSim *credit_sim(gboolean cheat, TsComponent **prod, TsComponent **srv)
{
    return credit_sim_with(&producer_kind, cheat, 10, 1000, prod, srv);
}

static void test_credits_bound_queue(void)
{
    TsComponent *pc, *sc;
    g_autoptr(TsSim) sim = credit_sim(FALSE, &pc, &sc);
    CU_ASSERT_EQUAL(ts_port_credits(ts_component_port(pc, 0)), 2); /* granted in setup */
    CU_ASSERT_EQUAL(ts_port_credits(ts_component_port(sc, 0)), G_MAXUINT32);
    ts_sim_run(sim);
    Producer *p = TS_COMPONENT_DOWNCAST(Producer, pc);
    Server *s = TS_COMPONENT_DOWNCAST(Server, sc);
    CU_ASSERT_EQUAL(p->done, 10);
    CU_ASSERT_EQUAL(s->peak, 2); /* never more than the slots granted */
    CU_ASSERT_EQUAL(p->credit_events, 10);
    /* First request arrives at 1 ns, served 10 ns apart: the last completes at 101 ns (the
     * queue never empties, credits return in time). */
    CU_ASSERT_EQUAL(p->last_done, 101000);
    CU_ASSERT_EQUAL(ts_port_credits(ts_component_port(pc, 0)), 2);
}

/* TS_PORT_CREDIT_QUIET: over a zero-latency link, credits granted while the sender holds one
 * are added without an event; granted while it holds none, or over a link with latency, they
 * come as TS_EVENT_CREDIT as usual. The requests complete as without the flag. */
static void test_quiet_credits(void)
{
    static const struct {
        guint total;
        TsTick latency_ps;
        guint credit_events;
    } cases[] = {
        {1, 0, 0},    /* holds 1 of 2 credits throughout: never waits */
        {10, 0, 9},   /* waits at 0 for the first 9 returns; the 10th comes while it holds 1 */
        {1, 1000, 1}, /* link latency: the credits must not be seen before they arrive */
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsComponent *pc, *sc;
        g_autoptr(TsSim) sim =
            credit_sim_with(&quiet_producer_kind, FALSE, cases[i].total, cases[i].latency_ps, &pc,
                            &sc);
        ts_sim_run(sim);
        Producer *p = TS_COMPONENT_DOWNCAST(Producer, pc);
        CU_ASSERT_EQUAL(p->done, cases[i].total);
        CU_ASSERT_EQUAL(p->credit_events, cases[i].credit_events);
        CU_ASSERT_EQUAL(ts_port_credits(ts_component_port(pc, 0)), 2);
        CU_ASSERT_EQUAL(TS_COMPONENT_DOWNCAST(Server, sc)->peak, MIN(cases[i].total, 2));
    }
}

/* A quiet producer with a credit callback: the credits it waits on come through the callback
 * at once, with no TS_EVENT_CREDIT, and the requests complete at the same ticks. */
static void quiet_producer_credit(TsComponent *self, TsPort *port)
{
    Producer *p = TS_COMPONENT_DOWNCAST(Producer, self);
    CU_ASSERT_EQUAL(port, ts_component_port(self, 0));
    CU_ASSERT_EQUAL(ts_sim_current(self->sim), self);
    p->credit_calls++;
    producer_pump(p);
}

static const TsComponentKind callback_producer_kind = {
    .name = "callback_producer",
    .instance_size = sizeof(Producer),
    .params = producer_params,
    .n_params = 2,
    .ports = quiet_producer_ports,
    .n_ports = 1,
    .init = producer_init,
    .handle = producer_handle,
    .credit = quiet_producer_credit,
};

static void test_credit_callback(void)
{
    TsComponent *qc, *qs, *cc, *cs;
    g_autoptr(TsSim) quiet = credit_sim_with(&quiet_producer_kind, FALSE, 10, 0, &qc, &qs);
    g_autoptr(TsSim) cb = credit_sim_with(&callback_producer_kind, FALSE, 10, 0, &cc, &cs);
    ts_sim_run(quiet);
    ts_sim_run(cb);
    Producer *q = TS_COMPONENT_DOWNCAST(Producer, qc), *c = TS_COMPONENT_DOWNCAST(Producer, cc);
    CU_ASSERT_EQUAL(c->done, 10);
    CU_ASSERT_EQUAL(c->last_done, q->last_done);
    CU_ASSERT_EQUAL(q->credit_events, 9);
    CU_ASSERT_EQUAL(c->credit_events, 0);
    CU_ASSERT_EQUAL(c->credit_calls, 9);
    CU_ASSERT_EQUAL(ts_sim_events_processed(cb) + 9, ts_sim_events_processed(quiet));
    /* Over a link with latency the credits travel as events. */
    TsComponent *lc, *ls;
    g_autoptr(TsSim) lat = credit_sim_with(&callback_producer_kind, FALSE, 10, 1000, &lc, &ls);
    ts_sim_run(lat);
    CU_ASSERT_EQUAL(TS_COMPONENT_DOWNCAST(Producer, lc)->credit_calls, 0);
    CU_ASSERT_EQUAL(TS_COMPONENT_DOWNCAST(Producer, lc)->credit_events, 10);
}

/* ---- arrival queues ----
 * "tserver": the server reading a batched sender's requests from its arrival queue. Before it
 * acts at (tick, priority) it takes the arrivals at or before that point and queues each as it
 * queues a request event; while arrivals wait it keeps an event at the first one's tick. Its
 * service starts 10 ns after a request's own tick, so reading late changes nothing. "tproducer"
 * sends its reads on a TS_PORT_BATCH port, each departing 3 ns after the previous one (timed
 * ahead of now). A traced run (every send an event) is the reference. */
typedef struct {
    Server s;
    guint taken, notices, looks;
    TsTick log[64]; /* per tag: the tick its response left */
} TServer;

enum { LOOK = 3 };

static const TsPortSpec tserver_ports[] = {{"req", TRUE, "requests in", TS_PORT_ARRIVALS}};

static void tserver_queue(TServer *t, const TsEvent *ev)
{
    Server *s = &t->s;
    CU_ASSERT_TRUE(s->queued < s->slots);
    s->queue[(s->head + s->queued) % 8] = *ts_mem_req_const(ev);
    s->queued++;
    s->peak = MAX(s->peak, s->queued);
    if (!s->busy) {
        s->busy = TRUE;
        TsEvent *serve = ts_sim_event_new(s->base.sim, &s->base, SERVE);
        ts_sim_schedule(s->base.sim, serve, ev->tick + 10000);
    }
}

static void tserver_handle(TsComponent *self, TsEvent *ev)
{
    TServer *t = (TServer *)(void *)TS_COMPONENT_DOWNCAST(Server, self);
    Server *s = &t->s;
    const TsEvent *a;
    while ((a = ts_component_arrival_due(self, ev->tick, ev->priority)) != NULL) {
        tserver_queue(t, a);
        t->taken++;
        ts_component_drop_arrival(self);
    }
    if (ev->type == TS_EVENT_MEM_REQUEST) {
        tserver_queue(t, ev);
    } else if (ev->type == TS_EVENT_ARRIVAL) {
        t->notices++;
    } else if (ev->type == LOOK) {
        t->looks++;
    } else if (ev->type == SERVE) {
        const TsMemReq r = server_serve(s);
        t->log[r.tag % 64] = r.done_tick;
    }
    const TsEvent *first = ts_component_next_arrival(self);
    if (first != NULL) {
        TsEvent *look = ts_sim_event_new(self->sim, self, LOOK);
        look->priority = first->priority;
        ts_sim_schedule(self->sim, look, first->tick);
    }
}

static const TsComponentKind tserver_kind = {
    .name = "tserver",
    .instance_size = sizeof(TServer),
    .params = server_params,
    .n_params = 1,
    .ports = tserver_ports,
    .n_ports = 1,
    .init = server_init,
    .setup = server_setup,
    .handle = tserver_handle,
};

static const TsPortSpec tproducer_ports[] = {
    {"mem", TRUE, "requests out", TS_PORT_CREDITED | TS_PORT_BATCH}};

static void tproducer_handle(TsComponent *self, TsEvent *ev)
{
    Producer *p = TS_COMPONENT_DOWNCAST(Producer, self);
    if (ev->type == TS_EVENT_MEM_RESPONSE) {
        CU_ASSERT_EQUAL(ts_mem_req_const(ev)->tag, p->done);
        p->done++;
        p->last_done = ts_mem_req_const(ev)->done_tick;
    }
    TsPort *port = ts_component_port(self, 0);
    while (p->sent < p->total && ts_port_credits(port) > 0) {
        TsEvent *req = ts_sim_event_new(self->sim, NULL, TS_EVENT_MEM_REQUEST);
        *ts_mem_req(req) = (TsMemReq){.addr = 64 * (guint64)p->sent, .tag = p->sent, .bytes = 64};
        p->last_depart = MAX(ts_sim_now(self->sim), p->last_depart + 3000);
        ts_port_send_from(port, req, 16, p->last_depart);
        p->sent++;
    }
}

static const TsComponentKind tproducer_kind = {
    .name = "tproducer",
    .instance_size = sizeof(Producer),
    .params = producer_params,
    .n_params = 2,
    .ports = tproducer_ports,
    .n_ports = 1,
    .init = producer_init,
    .handle = tproducer_handle,
};

static void trace_sink(const TsTraceRecord *r, gpointer user)
{
    (void)r;
    (void)user;
}

static void test_arrival_queue(void)
{
    TServer *srv[2];
    Producer *prod[2];
    for (guint traced = 0; traced < 2; traced++) {
        g_autoptr(TsSim) sim = ts_sim_new();
        g_autoptr(TsParams) pp = ts_params_new();
        ts_params_set_int(pp, "total", 40);
        g_autoptr(TsParams) sp = ts_params_new();
        ts_params_set_int(sp, "slots", 4);
        TsComponent *pc = ts_sim_add_component(sim, &tproducer_kind, "cpu", pp, NULL);
        TsComponent *sc = ts_sim_add_component(sim, &tserver_kind, "mem", sp, NULL);
        const TsLinkSpec l = {.latency_ps = 1000, .bw_bytes_per_s = 4000000000};
        CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, pc, "mem", sc, "req", &l, NULL));
        CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, NULL));
        if (traced) /* a category nothing emits: every send an event, through the traced loop */
            ts_sim_set_trace(sim, TS_TRACE_MODEL, "cpu", trace_sink, NULL);
        ts_sim_run(sim);
        srv[traced] = g_memdup2(TS_COMPONENT_DOWNCAST(Server, sc), sizeof(TServer));
        prod[traced] = g_memdup2(TS_COMPONENT_DOWNCAST(Producer, pc), sizeof(Producer));
    }
    CU_ASSERT_EQUAL(prod[0]->done, 40);
    CU_ASSERT_EQUAL(prod[1]->done, 40);
    CU_ASSERT_EQUAL(prod[0]->last_done, prod[1]->last_done);
    CU_ASSERT_EQUAL(memcmp(srv[0]->log, srv[1]->log, sizeof srv[0]->log), 0);
    CU_ASSERT_EQUAL(srv[0]->s.peak, 4);
    /* Untraced: every request came through the arrival queue, announced by TS_EVENT_ARRIVAL
     * when the queue was empty; traced: none did. */
    CU_ASSERT_EQUAL(srv[0]->taken, 40);
    CU_ASSERT(srv[0]->notices > 0);
    CU_ASSERT_EQUAL(srv[1]->taken, 0);
    CU_ASSERT_EQUAL(srv[1]->notices, 0);
    for (guint i = 0; i < 2; i++) {
        g_free(srv[i]);
        g_free(prod[i]);
    }
}

static void test_batch_connect_errors(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *pc = ts_sim_add_component(sim, &tproducer_kind, "cpu", NULL, NULL);
    TsComponent *sc = ts_sim_add_component(sim, &server_kind, "mem", NULL, NULL);
    const TsLinkSpec l = {0, 0};
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_sim_connect(sim, pc, "mem", sc, "req", &l, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_STRING_EQUAL(error->message, "cpu:mem sends batched arrivals (TS_PORT_BATCH) but "
                                           "mem:req does not read them (no TS_PORT_ARRIVALS)");
}

static void cheat_body(gpointer data)
{
    TsComponent *pc, *sc;
    TsSim *sim = credit_sim(TRUE, &pc, &sc);
    ts_sim_run(sim);
}

static void test_send_without_credit_aborts(void)
{
    g_autofree char *buf = test_run_expecting_abort(cheat_body, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "tilesim: broken invariant at tick 0 ps in cpu: send on "
                                       "credited port 'mem' element 0 without a credit"));
}

void test_core_register_seams(void)
{
    CU_pSuite s = CU_add_suite("core_seams", NULL, NULL);
    CU_add_test(s, "clock_period_ddr4", test_clock_period_ddr4);
    CU_add_test(s, "clock_period_gddr6_and_errors", test_clock_period_gddr6_and_errors);
    CU_add_test(s, "typed_spec_errors", test_typed_spec_errors);
    CU_add_test(s, "port_array_168", test_port_array_168);
    CU_add_test(s, "credits_bound_queue", test_credits_bound_queue);
    CU_add_test(s, "send_without_credit_aborts", test_send_without_credit_aborts);
    CU_add_test(s, "quiet_credits", test_quiet_credits);
    CU_add_test(s, "credit_callback", test_credit_callback);
    CU_add_test(s, "arrival_queue", test_arrival_queue);
    CU_add_test(s, "batch_connect_errors", test_batch_connect_errors);
}
