/* The event loop end to end: dispatch order with tied ticks and priorities, run control
 * (until, stop request, watchdog by events and by time), link serialisation and queuing
 * arithmetic, a two-component ping-pong whose end tick is computed by hand, tracing, and the
 * abort report for an event scheduled in the past. */
#include "test-core.h"

#include <string.h>

static TsSim *recorder_sim(TsEvqKind kind, TestRecorder **out)
{
    TsSim *sim = ts_sim_new();
    ts_sim_set_queue(sim, kind, NULL);
    TsComponent *c = ts_sim_add_component(sim, &test_recorder_kind, "chip.r", NULL, NULL);
    ts_sim_build(sim, NULL);
    *out = TS_COMPONENT_DOWNCAST(TestRecorder, c);
    return sim;
}

static void schedule_typed(TsSim *sim, TsComponent *c, TsTick tick, guint8 prio, guint32 type)
{
    TsEvent *ev = ts_sim_event_new(sim, c, type);
    ev->priority = prio;
    ts_sim_schedule(sim, ev, tick);
}

static void test_order_ties(void)
{
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        TestRecorder *r;
        g_autoptr(TsSim) sim = recorder_sim((TsEvqKind)k, &r);
        /* (tick, priority, type) in insertion order */
        const struct {
            TsTick t;
            guint8 p;
        } in[] = {
            {100, 0}, {50, 1}, {100, 0}, {50, 0}, {100, 255}, {0, 5}, {100, 0}, {50, 1}, {100, 1},
        };
        for (guint i = 0; i < G_N_ELEMENTS(in); i++)
            schedule_typed(sim, &r->base, in[i].t, in[i].p, i);
        /* tick 0: 5; tick 50: prio 0: 3, prio 1: 1, 7 (FIFO); tick 100: prio 0: 0, 2, 6;
         * prio 1: 8; prio 255: 4 */
        const guint32 want[] = {5, 3, 1, 7, 0, 2, 6, 8, 4};
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_EMPTY);
        CU_ASSERT_EQUAL_FATAL(r->log->len, G_N_ELEMENTS(want));
        for (guint i = 0; i < G_N_ELEMENTS(want); i++)
            CU_ASSERT_EQUAL(g_array_index(r->log, TestRecord, i).type, want[i]);
        CU_ASSERT_EQUAL(ts_sim_now(sim), 100);
        CU_ASSERT_EQUAL(r->events->value, 9);
    }
}

static void test_order_same_tick_spawn(void)
{
    TestRecorder *r;
    g_autoptr(TsSim) sim = recorder_sim(TS_EVQ_DEFAULT, &r);
    /* Event 0 spawns an event at its own tick: it runs after 1 and 2, queued earlier, but
     * before anything at a later tick. */
    schedule_typed(sim, &r->base, 10, 0, TEST_SPAWN + 0);
    schedule_typed(sim, &r->base, 10, 0, 1);
    schedule_typed(sim, &r->base, 10, 0, 2);
    schedule_typed(sim, &r->base, 11, 0, 3);
    ts_sim_run(sim);
    const guint32 want[] = {TEST_SPAWN, 1, 2, 1000, 3};
    CU_ASSERT_EQUAL_FATAL(r->log->len, 5);
    for (guint i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(g_array_index(r->log, TestRecord, i).type, want[i]);
}

static TsSim *ticker_sim(gint64 stop_every, TestTicker **out)
{
    TsSim *sim = ts_sim_new();
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_int(p, "stop_every", stop_every);
    TsComponent *c = ts_sim_add_component(sim, &test_ticker_kind, "clk.t[0]", p, NULL);
    CU_ASSERT_PTR_NOT_NULL(c);
    ts_sim_build(sim, NULL);
    *out = TS_COMPONENT_DOWNCAST(TestTicker, c);
    return sim;
}

static void test_run_until(void)
{
    TestTicker *t;
    g_autoptr(TsSim) sim = ticker_sim(0, &t);
    /* ticks at 0, 1000, ..., 5000 are before 5500 */
    CU_ASSERT_EQUAL(ts_sim_run_until(sim, 5500), TS_RUN_UNTIL);
    CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 6);
    CU_ASSERT_EQUAL(ts_sim_now(sim), 5500);
    CU_ASSERT_EQUAL(ts_sim_run_until(sim, 5500), TS_RUN_UNTIL);
    CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 6);
    /* the end tick itself is excluded */
    CU_ASSERT_EQUAL(ts_sim_run_until(sim, 9000), TS_RUN_UNTIL);
    CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 9);
    CU_ASSERT_EQUAL(ts_sim_pending(sim), 1);
    CU_ASSERT_STRING_EQUAL(ts_sim_stop_message(sim),
                           "reached end tick 9000 ps after 9 events (1 pending)");
}

static void test_stop_request(void)
{
    TestTicker *t;
    g_autoptr(TsSim) sim = ticker_sim(10, &t);
    CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_STOPPED);
    CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 10);
    CU_ASSERT_EQUAL(ts_sim_now(sim), 9000);
    CU_ASSERT_STRING_EQUAL(ts_sim_stop_message(sim),
                           "stop requested by clk.t[0] at tick 9000 ps: tick quota");
    /* resumable */
    CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_STOPPED);
    CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 20);
    CU_ASSERT_EQUAL(ts_sim_last_status(sim), TS_RUN_STOPPED);
}

static void test_watchdog(void)
{
    {
        TestTicker *t;
        g_autoptr(TsSim) sim = ticker_sim(0, &t);
        ts_sim_set_watchdog(sim, 100, TS_TICK_NEVER);
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_WATCHDOG_EVENTS);
        CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 100);
        CU_ASSERT_EQUAL(t->count, 100);
        CU_ASSERT_STRING_EQUAL(ts_sim_stop_message(sim),
                               "watchdog: event limit of 100 events reached at tick 99000 ps "
                               "(1 pending, next for clk.t[0])");
        CU_ASSERT_STRING_EQUAL(ts_run_status_name(ts_sim_last_status(sim)), "watchdog_events");
        /* the limit counts the sim's lifetime: running again stops at once */
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_WATCHDOG_EVENTS);
        CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 100);
    }
    {
        TestTicker *t;
        g_autoptr(TsSim) sim = ticker_sim(0, &t);
        ts_sim_set_watchdog(sim, 0, 50500);
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_WATCHDOG_TIME);
        CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 51); /* ticks 0 .. 50000 */
        CU_ASSERT_EQUAL(ts_sim_now(sim), 50000);
        CU_ASSERT_STRING_EQUAL(ts_sim_stop_message(sim),
                               "watchdog: simulated-time limit of 50500 ps reached: next event at "
                               "tick 51000 ps for clk.t[0] (51 events processed, 1 pending)");
        /* run_until below the watchdog limit reports UNTIL, not the watchdog */
        ts_sim_set_watchdog(sim, 0, 80000);
        CU_ASSERT_EQUAL(ts_sim_run_until(sim, 60000), TS_RUN_UNTIL);
        CU_ASSERT_EQUAL(ts_sim_run_until(sim, 90000), TS_RUN_WATCHDOG_TIME);
        CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 81);
    }
}

/* ---- links ---- */

static void test_link_arithmetic(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *a = ts_sim_add_component(sim, &test_driver_kind, "a", NULL, NULL);
    TsComponent *b = ts_sim_add_component(sim, &test_driver_kind, "b", NULL, NULL);
    TsComponent *c = ts_sim_add_component(sim, &test_driver_kind, "c", NULL, NULL);
    TsComponent *d = ts_sim_add_component(sim, &test_driver_kind, "d", NULL, NULL);
    /* 1000 ps latency, 3 GB/s: one byte takes 333.33... ps; 3 bytes exactly 1000 ps */
    TsLinkSpec ab = {.latency_ps = 1000, .bw_bytes_per_s = 3000000000u};
    TsLinkSpec cd = {.latency_ps = 250, .bw_bytes_per_s = 0}; /* unlimited bandwidth */
    CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, a, "link", b, "link", &ab, NULL));
    CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, c, "link", d, "link", &cd, NULL));
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, NULL));

    test_driver_send_at(a, 0, 3);       /* 0 + 1000 ser -> 1000 + 1000 lat = 2000 */
    test_driver_send_at(a, 0, 1);       /* queued: ends 1333.3 -> 1334 + 1000 = 2334 */
    test_driver_send_at(a, 0, 1);       /* ends 1666.7 -> 1667 + 1000 = 2667 */
    test_driver_send_at(a, 0, 1);       /* ends 2000 exactly (no drift) -> 3000 */
    test_driver_send_at(a, 10000, 6);   /* idle gap: 10000 + 2000 = 12000 -> 13000 */
    test_driver_send_at(a, 11000, 300); /* waits for 12000; +100000 -> 112000 -> 113000 */
    test_driver_send_at(a, 50000, 1);   /* waits for 112000; ends 112333.3 -> 113334 */
    test_driver_send_at(a, 200000, 0);  /* empty transfer: 200000 + 1000 */
    test_driver_send_at(b, 0, 1);       /* other direction is independent: 334 + 1000 */
    test_driver_send_at(c, 5, 1000000); /* unlimited bandwidth: 5 + 250 */
    test_driver_send_at(c, 5, 7);       /* ... and no queuing either */
    CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_EMPTY);

    TestDriver *rb = TS_COMPONENT_DOWNCAST(TestDriver, b);
    const TsTick want_b[] = {2000, 2334, 2667, 3000, 13000, 113000, 113334, 201000};
    const guint32 size_b[] = {3, 1, 1, 1, 6, 300, 1, 0};
    CU_ASSERT_EQUAL_FATAL(rb->log->len, G_N_ELEMENTS(want_b));
    for (guint i = 0; i < G_N_ELEMENTS(want_b); i++) {
        TestRecord *r = &g_array_index(rb->log, TestRecord, i);
        CU_ASSERT_EQUAL(r->tick, want_b[i]);
        CU_ASSERT_EQUAL(r->size_bytes, size_b[i]);
        CU_ASSERT_EQUAL(r->port, 0);
        CU_ASSERT_EQUAL(r->type, 7);
    }
    TestDriver *ra = TS_COMPONENT_DOWNCAST(TestDriver, a);
    CU_ASSERT_EQUAL_FATAL(ra->log->len, 1);
    CU_ASSERT_EQUAL(g_array_index(ra->log, TestRecord, 0).tick, 1334);
    TestDriver *rd = TS_COMPONENT_DOWNCAST(TestDriver, d);
    CU_ASSERT_EQUAL_FATAL(rd->log->len, 2);
    CU_ASSERT_EQUAL(g_array_index(rd->log, TestRecord, 0).tick, 255);
    CU_ASSERT_EQUAL(g_array_index(rd->log, TestRecord, 1).tick, 255);
    /* a's sending direction went idle at ceil(112333.3) */
    CU_ASSERT_EQUAL(ts_port_free_tick(ts_component_port(a, 0)), 201000);
    CU_ASSERT_PTR_EQUAL(ts_port_peer_component(ts_component_port(a, 0)), b);
    CU_ASSERT_STRING_EQUAL(ts_port_name(ts_component_port(a, 0)), "link");
}

static void test_link_free_tick(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *a = ts_sim_add_component(sim, &test_driver_kind, "a", NULL, NULL);
    TsComponent *b = ts_sim_add_component(sim, &test_driver_kind, "b", NULL, NULL);
    TsLinkSpec ab = {.latency_ps = 10, .bw_bytes_per_s = 3000000000u};
    ts_sim_connect(sim, a, "link", b, "link", &ab, NULL);
    ts_sim_build(sim, NULL);
    TsPort *p = ts_component_port(a, 0);
    CU_ASSERT_EQUAL(ts_port_free_tick(p), 0);
    CU_ASSERT_EQUAL(ts_port_send(p, ts_sim_event_new(sim, a, 0), 1), 344); /* 333.3 -> 334 +10 */
    CU_ASSERT_EQUAL(ts_port_free_tick(p), 334);
    CU_ASSERT_EQUAL(ts_port_send(p, ts_sim_event_new(sim, a, 0), 2), 1010); /* ends 1000 */
    CU_ASSERT_EQUAL(ts_port_free_tick(p), 1000);
    ts_sim_run(sim);
}

/* ---- ping-pong ---- */

enum { PP_SEND = 1, PP_MSG = 2 };
static const TsParamSpec pp_params[] = {
    {"initiator", TS_PARAM_BOOL, "", "false", 0, 0, "sends the first ping"},
    {"freq_hz", TS_PARAM_INT, "Hz", "1000000000", 1, 1e12, "clock"},
    {"rounds", TS_PARAM_INT, "", "3", 1, 1e9, "round trips"},
    {"ping_bytes", TS_PARAM_INT, "bytes", "64", 0, 1e9, "ping size"},
    {"pong_bytes", TS_PARAM_INT, "bytes", "16", 0, 1e9, "pong size"},
    {"think_cycles", TS_PARAM_INT, "cycles", "2", 0, 1e9, "cycles before answering"},
};
static const TsPortSpec pp_ports[] = {{"link", TRUE, "to the peer", 0}};
static const TsStatSpec pp_stats[] = {
    {"sent", TS_STAT_COUNTER, "messages", "messages sent"},
    {"received", TS_STAT_COUNTER, "messages", "messages received"},
    {"rtt_ps", TS_STAT_ACCUMULATOR, "ps", "ping to pong round trip"},
    {"rtt_hist", TS_STAT_HISTOGRAM, "ps", "round trips in 1 ns bins from 45 ns"},
};

static gboolean pp_init(TsComponent *self, const void *spec, const TsParams *p,
                             GError **error)
{
    TestPingPong *pp = TS_COMPONENT_DOWNCAST(TestPingPong, self);
    pp->initiator = ts_params_get_bool(p, "initiator");
    pp->rounds = ts_params_get_int(p, "rounds");
    pp->ping_bytes = ts_params_get_int(p, "ping_bytes");
    pp->pong_bytes = ts_params_get_int(p, "pong_bytes");
    pp->think_cycles = ts_params_get_int(p, "think_cycles");
    if (!ts_component_set_clock(self, (guint64)ts_params_get_int(p, "freq_hz"), error))
        return FALSE;
    pp->sent = ts_component_counter(self, "sent");
    pp->received = ts_component_counter(self, "received");
    if (pp->initiator) {
        pp->rtt = ts_component_accumulator(self, "rtt_ps");
        pp->rtt_hist = ts_component_histogram(self, "rtt_hist", 45000, 1000, 4);
    }
    return TRUE;
}

static void pp_send(TestPingPong *pp, TsEvent *ev)
{
    TsComponent *self = &pp->base;
    ev->type = PP_MSG;
    if (pp->initiator)
        pp->ping_sent = ts_sim_now(self->sim);
    ts_port_send(ts_component_port(self, 0), ev,
                 (guint32)(pp->initiator ? pp->ping_bytes : pp->pong_bytes));
    ts_counter_inc(pp->sent);
    TS_TRACE(self, "sent message %" G_GUINT64_FORMAT, pp->sent ? pp->sent->value : 0);
}

static void pp_setup(TsComponent *self)
{
    TestPingPong *pp = TS_COMPONENT_DOWNCAST(TestPingPong, self);
    if (pp->initiator)
        pp_send(pp, ts_sim_event_new(self->sim, self, PP_SEND));
}

static void pp_handle(TsComponent *self, TsEvent *ev)
{
    TestPingPong *pp = TS_COMPONENT_DOWNCAST(TestPingPong, self);
    if (ev->type == PP_SEND) {
        pp_send(pp, ev);
        return;
    }
    ts_counter_inc(pp->received);
    if (pp->initiator) {
        TsTick rtt = ev->tick - pp->ping_sent;
        ts_accumulator_add(pp->rtt, (double)rtt);
        ts_histogram_add(pp->rtt_hist, (double)rtt);
        if (++pp->done >= pp->rounds)
            return; /* the kernel recycles ev; the queue drains */
    }
    /* answer `think_cycles` cycles after the first edge at or after the arrival */
    ev->type = PP_SEND;
    ts_sim_schedule(self->sim, ev, ts_component_cycles_from_now(self, (guint64)pp->think_cycles));
}

const TsComponentKind test_pingpong_kind = {
    .name = "pingpong",
    .instance_size = sizeof(TestPingPong),
    .params = pp_params,
    .n_params = G_N_ELEMENTS(pp_params),
    .ports = pp_ports,
    .n_ports = G_N_ELEMENTS(pp_ports),
    .stats = pp_stats,
    .n_stats = G_N_ELEMENTS(pp_stats),
    .init = pp_init,
    .setup = pp_setup,
    .handle = pp_handle,
};

TsSim *test_pingpong_sim(gint64 rounds, TsEvqKind queue, gboolean disable_hist)
{
    TsSim *sim = ts_sim_new();
    ts_sim_set_queue(sim, queue, NULL);
    if (disable_hist)
        ts_sim_enable_stats(sim, "*.rtt_hist", FALSE);
    g_autoptr(TsParams) ping = ts_params_new();
    ts_params_set_bool(ping, "initiator", TRUE);
    ts_params_set_int(ping, "rounds", rounds);
    g_autoptr(TsParams) pong = ts_params_new();
    ts_params_set_int(pong, "freq_hz", 1200000000);
    ts_params_set_int(pong, "think_cycles", 3);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_PTR_NOT_NULL(ts_sim_add_component(sim, &test_pingpong_kind, "pp.ping", ping, &error));
    CU_ASSERT_PTR_NOT_NULL(ts_sim_add_component(sim, &test_pingpong_kind, "pp.pong", pong, &error));
    TsLinkSpec l = {.latency_ps = 1500, .bw_bytes_per_s = 2000000000u}; /* 500 ps/byte */
    CU_ASSERT_TRUE(ts_sim_connect_paths(sim, "pp.ping", "link", "pp.pong", "link", &l, &error));
    CU_ASSERT_TRUE(ts_sim_build(sim, &error));
    return sim;
}

/* Hand computation (link: 1500 ps latency, 500 ps per byte; ping 64 B = 32000 ps, pong 16 B
 * = 8000 ps; ping side 1 GHz thinks 2 cycles, pong side 1.2 GHz (833.33 ps) thinks 3):
 *  round 1: ping sent at 0 -> arrives 0 + 32000 + 1500 = 33500.
 *           pong side: first edge >= 33500 is edge 41 (34166.7); +3 -> edge 44 = 36666.7
 *           -> 36667; pong arrives 36667 + 8000 + 1500 = 46167 (RTT 46167).
 *           ping side: first edge >= 46167 is 47000; +2 -> 49000.
 *  round 2: ping arrives 49000 + 33500 = 82500 = edge 99 exactly; +3 -> edge 102 = 85000;
 *           pong arrives 85000 + 9500 = 94500 (RTT 45500). Next ping at 95000 + 2000 = 97000.
 *  round 3: ping arrives 130500; 130500 / 833.33 = 156.6 -> edge 157; +3 -> edge 160 =
 *           133333.3 -> 133334; pong arrives 142834 (RTT 45834). Done: end tick 142834.
 * Events: 3 ping arrivals + 3 pong-side sends + 3 pong arrivals + 2 ping-side sends = 11. */
static void test_pingpong(void)
{
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        g_autoptr(TsSim) sim = test_pingpong_sim(3, (TsEvqKind)k, FALSE);
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_EMPTY);
        CU_ASSERT_EQUAL(ts_sim_now(sim), 142834);
        CU_ASSERT_EQUAL(ts_sim_events_processed(sim), 11);
        TestPingPong *ping =
            TS_COMPONENT_DOWNCAST(TestPingPong, ts_sim_find_component(sim, "pp.ping"));
        CU_ASSERT_EQUAL(ping->rtt->count, 3);
        CU_ASSERT_EQUAL(ping->rtt->min, 45500.0);
        CU_ASSERT_EQUAL(ping->rtt->max, 46167.0);
        CU_ASSERT_EQUAL(ping->rtt->sum, 137501.0);
        CU_ASSERT_EQUAL(ping->sent->value, 3);
        CU_ASSERT_EQUAL(ping->received->value, 3);
    }
}

/* ---- tracing ---- */

static void collect(const TsTraceRecord *r, gpointer user_data)
{
    guint *counts = user_data;
    counts[__builtin_ctz(r->category)]++;
    if (r->category == TS_TRACE_MODEL)
        CU_ASSERT_PTR_NOT_NULL(strstr(r->message, "sent message"));
}

static void test_trace(void)
{
    guint counts[4] = {0};
    g_autoptr(TsSim) sim = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    ts_sim_set_trace(sim, TS_TRACE_ALL, NULL, collect, counts);
    ts_sim_run(sim);
    CU_ASSERT_EQUAL(counts[0], 11); /* dispatch */
    CU_ASSERT_EQUAL(counts[1], 10); /* schedules during the run (ping 1 was sent in setup) */
    CU_ASSERT_EQUAL(counts[2], 5);  /* sends during the run */
    CU_ASSERT_EQUAL(counts[3], 5);  /* model trace points */

    /* only the pong side, dispatch only */
    guint only[4] = {0};
    g_autoptr(TsSim) sim2 = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    ts_sim_set_trace(sim2, TS_TRACE_DISPATCH, "*.pong", collect, only);
    ts_sim_run(sim2);
    CU_ASSERT_EQUAL(only[0], 6);
    CU_ASSERT_EQUAL(only[1] + only[2] + only[3], 0);

    /* off: no records */
    guint none[4] = {0};
    g_autoptr(TsSim) sim3 = test_pingpong_sim(3, TS_EVQ_DEFAULT, FALSE);
    ts_sim_set_trace(sim3, 0, NULL, NULL, none);
    ts_sim_run(sim3);
    CU_ASSERT_EQUAL(none[0] + none[1] + none[2] + none[3], 0);
    CU_ASSERT_EQUAL(ts_sim_now(sim3), 142834);
}

/* ---- broken invariant ---- */

typedef struct {
    TsComponent base;
} PastKind;
static gboolean past_init(TsComponent *s, const void *spec, const TsParams *p, GError **e)
{
    return TRUE;
}
static void past_handle(TsComponent *self, TsEvent *ev)
{
    ts_sim_schedule(self->sim, ev, ev->tick - 50); /* a bug: the past */
}
static const TsComponentKind past_kind = {
    .name = "past", .instance_size = sizeof(PastKind), .init = past_init, .handle = past_handle};

typedef struct {
    const TsComponentKind *kind;
    const char *path;
    guint32 type;
} AbortCase;

/* One event of the case's type for a fresh component of its kind, at tick 100. */
static void abort_body(gpointer data)
{
    const AbortCase *k = data;
    TsSim *sim = ts_sim_new();
    TsComponent *c = ts_sim_add_component(sim, k->kind, k->path, NULL, NULL);
    ts_sim_build(sim, NULL);
    ts_sim_schedule(sim, ts_sim_event_new(sim, c, k->type), 100);
    ts_sim_run(sim);
}

static char *run_expecting_abort(const TsComponentKind *kind, const char *path, guint32 type)
{
    AbortCase k = {kind, path, type};
    return test_run_expecting_abort(abort_body, &k);
}

static void test_abort_past(void)
{
    g_autofree char *buf = run_expecting_abort(&past_kind, "chip.bad[2]", 9);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "tilesim: broken invariant at tick 100 ps in chip.bad[2]: "
                                       "event of type 9 for chip.bad[2] scheduled in the past "
                                       "(tick 50 ps < now 100 ps) ("));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "test_core_sim.c:"));
}

/* A handler that waits "forever" through an overflowing clock conversion gets TS_TICK_NEVER
 * back; scheduling there is a broken invariant, not an event that never runs. */
static void never_handle(TsComponent *self, TsEvent *ev)
{
    TsClock clk;
    ts_clock_init(&clk, 1000000000, NULL);
    ts_sim_schedule(self->sim, ev, ts_clock_cycles_to_ticks(&clk, G_MAXUINT64));
}
static const TsComponentKind never_kind = {
    .name = "never", .instance_size = sizeof(PastKind), .init = past_init, .handle = never_handle};

static void test_abort_never(void)
{
    g_autofree char *buf = run_expecting_abort(&never_kind, "chip.idle", 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "tilesim: broken invariant at tick 100 ps in chip.idle: "
                                       "event of type 4 for chip.idle scheduled at TS_TICK_NEVER"));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "test_core_sim.c:"));
}

/* ---- continuation (ts_sim_continue_at) ---- */

/* Dispatch order shared by the components of a continuation run: (tick, who, hop). */
typedef struct {
    TsTick tick;
    guint32 who;
    guint32 hop;
} HopRecord;

typedef struct {
    TsComponent base;
    GArray *log; /* HopRecord, shared */
    guint32 id;
    gboolean use_continue;
    guint32 hops;      /* hops made */
    guint32 max_hops;  /* then it stops */
    guint32 continued; /* hops taken by continuation */
} Hopper;

typedef struct {
    GArray *log;
    guint32 id;
    gboolean use_continue;
    guint32 max_hops;
} HopperSpec;

/* Steps between hops: same-tick hops, ties with the other components' events, gaps. */
static const TsTick hop_steps[] = {0, 1000, 300, 700, 1000, 2000, 0, 500, 1000, 1000, 250};

static gboolean hopper_init(TsComponent *self, const void *spec, const TsParams *p, GError **e)
{
    Hopper *h = TS_COMPONENT_DOWNCAST(Hopper, self);
    const HopperSpec *s = spec;
    h->log = s->log;
    h->id = s->id;
    h->use_continue = s->use_continue;
    h->max_hops = s->max_hops;
    return TRUE;
}

/* Logs each event; a hopper (max_hops > 0) then hops to its next tick: by continuation when
 * the kernel allows it (use_continue), else by scheduling its event there. */
static void hopper_handle(TsComponent *self, TsEvent *ev)
{
    Hopper *h = TS_COMPONENT_DOWNCAST(Hopper, self);
    for (;;) {
        HopRecord r = {ts_sim_now(self->sim), h->id, h->hops};
        g_array_append_val(h->log, r);
        if (h->hops >= h->max_hops)
            return;
        TsTick next = ts_sim_now(self->sim) + hop_steps[h->hops % G_N_ELEMENTS(hop_steps)];
        h->hops++;
        if (h->use_continue && ts_sim_continue_at(self->sim, next, 0)) {
            h->continued++;
            continue;
        }
        ts_sim_schedule(self->sim, ev, next);
        return;
    }
}

static const TsComponentKind hopper_kind = {.name = "hopper",
                                            .instance_size = sizeof(Hopper),
                                            .spec_type = "HopperSpec",
                                            .init = hopper_init,
                                            .handle = hopper_handle};

/* Two hoppers and a logger whose events (priorities 0 and 1) tie with their hops. */
static TsSim *hop_sim(TsEvqKind kind, gboolean use_continue, GArray *log, Hopper **h0)
{
    TsSim *sim = ts_sim_new();
    ts_sim_set_queue(sim, kind, NULL);
    TsComponent *c[3];
    for (guint32 i = 0; i < 3; i++) {
        HopperSpec hs = {log, i, use_continue, i < 2 ? 40 : 0};
        g_autofree char *path = g_strdup_printf("hop[%u]", i);
        c[i] = ts_sim_add_component_typed(sim, &hopper_kind, path, TS_SPEC(HopperSpec, &hs), NULL,
                                          NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c[i]);
    }
    ts_sim_build(sim, NULL);
    schedule_typed(sim, c[0], 0, 0, 1);
    schedule_typed(sim, c[1], 5000, 0, 1);
    for (TsTick t = 0; t < 40000; t += 1700)
        schedule_typed(sim, c[2], t, (guint8)(t / 1700 % 2), 2);
    for (TsTick t = 1000; t < 40000; t += 3000)
        schedule_typed(sim, c[2], t, 0, 3); /* ties with hops on whole microseconds */
    *h0 = TS_COMPONENT_DOWNCAST(Hopper, c[0]);
    return sim;
}

static void collect_text(const TsTraceRecord *r, gpointer user_data)
{
    g_string_append_printf(user_data, "%" G_GUINT64_FORMAT " %s\n", r->now, r->target->path);
}

static gboolean same_log(GArray *a, GArray *b)
{
    return a->len == b->len && memcmp(a->data, b->data, sizeof(HopRecord) * a->len) == 0;
}

static guint64 pushes(const TsSim *sim)
{
    TsSimKernelStats st;
    ts_sim_get_kernel_stats(sim, &st);
    return st.queue.pushes;
}

/* A continued handler sees the events in the order scheduling would give, the same event
 * count, the same end of run_until windows and watchdogs; it refuses while tracing. */
static void test_continue_at(void)
{
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        g_autoptr(GArray) la = g_array_new(FALSE, FALSE, sizeof(HopRecord));
        g_autoptr(GArray) lb = g_array_new(FALSE, FALSE, sizeof(HopRecord));
        Hopper *ha, *hb;
        g_autoptr(TsSim) a = hop_sim((TsEvqKind)k, FALSE, la, &ha);
        g_autoptr(TsSim) b = hop_sim((TsEvqKind)k, TRUE, lb, &hb);
        /* windows that end between, on and just after hops */
        const TsTick ends[] = {999, 1000, 1001, 7300, 20000};
        for (guint i = 0; i < G_N_ELEMENTS(ends); i++) {
            CU_ASSERT_EQUAL(ts_sim_run_until(a, ends[i]), TS_RUN_UNTIL);
            CU_ASSERT_EQUAL(ts_sim_run_until(b, ends[i]), TS_RUN_UNTIL);
            CU_ASSERT_TRUE(same_log(la, lb));
            CU_ASSERT_EQUAL(ts_sim_events_processed(a), ts_sim_events_processed(b));
            CU_ASSERT_EQUAL(ts_sim_now(a), ts_sim_now(b));
        }
        /* an event watchdog in the middle of a run of continuations */
        const guint64 limit = ts_sim_events_processed(a) + 7;
        ts_sim_set_watchdog(a, limit, TS_TICK_NEVER);
        ts_sim_set_watchdog(b, limit, TS_TICK_NEVER);
        CU_ASSERT_EQUAL(ts_sim_run(a), TS_RUN_WATCHDOG_EVENTS);
        CU_ASSERT_EQUAL(ts_sim_run(b), TS_RUN_WATCHDOG_EVENTS);
        CU_ASSERT_TRUE(same_log(la, lb));
        CU_ASSERT_EQUAL(ts_sim_events_processed(b), limit);
        ts_sim_set_watchdog(a, 0, TS_TICK_NEVER);
        ts_sim_set_watchdog(b, 0, TS_TICK_NEVER);
        CU_ASSERT_EQUAL(ts_sim_run(a), TS_RUN_EMPTY);
        CU_ASSERT_EQUAL(ts_sim_run(b), TS_RUN_EMPTY);
        CU_ASSERT_TRUE(same_log(la, lb));
        CU_ASSERT_EQUAL(la->len, 2 * 41 + (40000 + 1699) / 1700 + (40000 - 1000 + 2999) / 3000);
        CU_ASSERT_EQUAL(ts_sim_events_processed(a), ts_sim_events_processed(b));
        CU_ASSERT_EQUAL(ts_sim_now(a), ts_sim_now(b));
        /* continuations happened, refused ones (a tie at the same tick and priority, or an
         * earlier event) too, and every continuation saved a push */
        CU_ASSERT(hb->continued > 5 && hb->continued < hb->hops);
        const Hopper *hb1 = TS_COMPONENT_DOWNCAST(Hopper, ts_sim_find_component(b, "hop[1]"));
        CU_ASSERT_EQUAL(pushes(a) - pushes(b), (guint64)hb->continued + hb1->continued);
    }
    /* Tracing on: every event goes through the queue (the trace shows it). */
    g_autoptr(GArray) la = g_array_new(FALSE, FALSE, sizeof(HopRecord));
    g_autoptr(GArray) lb = g_array_new(FALSE, FALSE, sizeof(HopRecord));
    Hopper *ha, *hb;
    g_autoptr(TsSim) a = hop_sim(TS_EVQ_HEAP4, FALSE, la, &ha);
    g_autoptr(TsSim) b = hop_sim(TS_EVQ_HEAP4, TRUE, lb, &hb);
    g_autoptr(GString) ta = g_string_new(NULL), tb = g_string_new(NULL);
    ts_sim_set_trace(a, TS_TRACE_DISPATCH, NULL, collect_text, ta);
    ts_sim_set_trace(b, TS_TRACE_DISPATCH, NULL, collect_text, tb);
    ts_sim_run(a);
    ts_sim_run(b);
    CU_ASSERT_EQUAL(hb->continued, 0);
    CU_ASSERT_TRUE(same_log(la, lb));
    CU_ASSERT_STRING_EQUAL(ta->str, tb->str);
    CU_ASSERT_EQUAL(pushes(a), pushes(b));
    /* Outside a run: nothing to continue. */
    CU_ASSERT_FALSE(ts_sim_continue_at(a, ts_sim_now(a) + 1, 0));
}

void test_core_register_sim(void)
{
    CU_pSuite s = CU_add_suite("core_sim", NULL, NULL);
    CU_add_test(s, "order_ties", test_order_ties);
    CU_add_test(s, "order_same_tick_spawn", test_order_same_tick_spawn);
    CU_add_test(s, "run_until", test_run_until);
    CU_add_test(s, "stop_request", test_stop_request);
    CU_add_test(s, "watchdog", test_watchdog);
    CU_add_test(s, "link_arithmetic", test_link_arithmetic);
    CU_add_test(s, "link_free_tick", test_link_free_tick);
    CU_add_test(s, "pingpong", test_pingpong);
    CU_add_test(s, "trace", test_trace);
    CU_add_test(s, "abort_past", test_abort_past);
    CU_add_test(s, "abort_never", test_abort_never);
    CU_add_test(s, "continue_at", test_continue_at);
}
