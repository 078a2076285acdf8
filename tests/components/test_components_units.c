/* The request-serving components on their own (ts-sram.h, ts-host-link.h, ts-compute-unit.h):
 * a driver component sends memory requests or compute steps over credited, zero-latency links
 * and records each response's tick; the ticks are checked against the headers' contracts worked
 * out by hand. Every component here runs at 1 GHz (1000 ps per cycle) and every request is sent
 * at tick 0 unless said otherwise. */
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-compute-unit.h"
#include "ts-compute.h"
#include "ts-host-link.h"
#include "ts-mem.h"
#include "ts-sram.h"
#include "ts-test.h"

#define MAX_REQ 16
#define CYCLE 1000 /* ps at 1 GHz */

/* ---- driver: sends requests on out[i]; with a backlog, sends the next one on out[0] each time
 * a credit comes back; records responses by tag ---- */

typedef struct {
    TsComponent base;
    guint n_done;
    TsTick done_tick[MAX_REQ];
    guint64 cycles[MAX_REQ]; /* compute responses */
    /* backlog on out[0]: requests of `backlog_bytes` bytes sent as credits allow */
    guint backlog, n_sent;
    guint32 backlog_bytes;
    TsTick sent_tick[MAX_REQ];
} Driver;

static const TsParamSpec driver_params[] = {
    {"ports", TS_PARAM_INT, "ports", "1", 1, 16, "elements of out"},
};
static const TsPortSpec driver_ports[] = {
    {"out", FALSE, "requests out", TS_PORT_ARRAY | TS_PORT_CREDITED}};

static gboolean driver_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    return ts_component_set_clock(self, 1000000000, error) &&
           ts_component_set_port_count(self, "out", (guint)ts_params_get_int(p, "ports"), error);
}

static void send_mem(TsComponent *drv, guint port, guint64 tag, TsMemOp op, guint64 addr,
                     guint32 bytes, guint8 flags)
{
    TsEvent *ev = ts_sim_event_new(drv->sim, drv, TS_EVENT_MEM_REQUEST);
    TsMemReq *r = ts_mem_req(ev);
    r->addr = addr;
    r->tag = tag;
    r->bytes = bytes;
    r->tensor = TS_MEM_TENSOR_NONE;
    r->op = (guint8)op;
    r->flags = flags;
    ts_port_send(ts_component_port_at(drv, 0, port), ev, 32);
}

static void send_step(TsComponent *drv, guint64 tag, guint64 work, guint32 instances, guint16 op)
{
    TsEvent *ev = ts_sim_event_new(drv->sim, drv, TS_EVENT_COMPUTE_REQUEST);
    TsComputeReq *r = ts_compute_req(ev);
    r->tag = tag;
    r->work = work;
    r->instances = instances;
    r->op = op;
    ts_port_send(ts_component_port_at(drv, 0, 0), ev, 32);
}

static void driver_pump(Driver *d)
{
    TsPort *out = ts_component_port_at(&d->base, 0, 0);
    while (d->n_sent < d->backlog && ts_port_credits(out) > 0) {
        d->sent_tick[d->n_sent] = ts_sim_now(d->base.sim);
        send_mem(&d->base, 0, d->n_sent, TS_MEM_READ, 0, d->backlog_bytes, 0);
        d->n_sent++;
    }
}

static void driver_handle(TsComponent *self, TsEvent *ev)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    if (ev->type == TS_EVENT_CREDIT) {
        driver_pump(d);
        return;
    }
    guint64 tag;
    if (ev->type == TS_EVENT_MEM_RESPONSE) {
        const TsMemReq *r = ts_mem_req_const(ev);
        tag = r->tag;
        CU_ASSERT_EQUAL(r->done_tick, ts_sim_now(self->sim));
    } else {
        CU_ASSERT_EQUAL_FATAL(ev->type, TS_EVENT_COMPUTE_RESPONSE);
        tag = ts_compute_req_const(ev)->tag;
        d->cycles[tag < MAX_REQ ? tag : 0] = ts_compute_req_const(ev)->cycles;
    }
    CU_ASSERT_FATAL(tag < MAX_REQ);
    d->done_tick[tag] = ts_sim_now(self->sim);
    d->n_done++;
}

static const TsComponentKind driver_kind = {
    .name = "driver",
    .instance_size = sizeof(Driver),
    .params = driver_params,
    .n_params = G_N_ELEMENTS(driver_params),
    .ports = driver_ports,
    .n_ports = G_N_ELEMENTS(driver_ports),
    .init = driver_init,
    .handle = driver_handle,
};

/* A sim with the unit under test (kind, level, params) and a driver joined to its req[i] for
 * i < requesters. */
typedef struct {
    TsSim *sim;
    TsComponent *unit;
    TsComponent *drv;
} Bench;

static void bench_open(Bench *b, const TsComponentKind *kind, const TsLevel *level,
                       guint requesters, gint64 queue_depth, gint64 pipeline)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsParams) up = ts_params_new();
    g_autoptr(TsParams) dp = ts_params_new();
    ts_params_set_int(up, "requesters", requesters);
    if (queue_depth > 0)
        ts_params_set_int(up, "queue_depth", queue_depth);
    if (pipeline >= 0)
        ts_params_set_int(up, "pipeline_cycles", pipeline);
    ts_params_set_int(dp, "ports", requesters);
    b->sim = ts_sim_new();
    b->unit = ts_sim_add_component_typed(b->sim, kind, "unit", TS_SPEC(TsLevel, level), up, &err);
    if (err != NULL)
        fprintf(stderr, "\n%s\n", err->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b->unit);
    b->drv = ts_sim_add_component(b->sim, &driver_kind, "drv", dp, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b->drv);
    TsLinkSpec link = {.latency_ps = 0};
    for (guint i = 0; i < requesters; i++) {
        g_autofree char *out = g_strdup_printf("out[%u]", i);
        g_autofree char *req = g_strdup_printf("req[%u]", i);
        CU_ASSERT_TRUE_FATAL(ts_sim_connect(b->sim, b->drv, out, b->unit, req, &link, &err));
    }
    CU_ASSERT_TRUE_FATAL(ts_sim_build(b->sim, &err));
}

static Driver *bench_run(Bench *b)
{
    ts_sim_run(b->sim);
    ts_sim_finish(b->sim);
    return TS_COMPONENT_DOWNCAST(Driver, b->drv);
}

static void bench_close(Bench *b)
{
    ts_sim_free(b->sim);
}

/* ---- sram ---- */

/* Bytes-wide words, 1 GHz, read port `rd` and write port `wr` bytes per cycle. */
static TsLevel sram_level(TsSramSpec *spec, double rd, double wr)
{
    return (TsLevel){.name = "buf",
                     .klass = TS_CLASS_SRAM,
                     .is_storage = TRUE,
                     .instances = 1,
                     .word_bits = 8,
                     .block_size = 1,
                     .clock_hz = 1e9,
                     .read_bw_words_per_cycle = rd,
                     .write_bw_words_per_cycle = wr,
                     .spec = spec};
}

/* A read of B bytes: read latency + B / bytes per cycle, rounded up to the clock edge. */
static void test_sram_read_latency(void)
{
    static const guint32 sizes[] = {1, 4, 10, 64, 1000};
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        TsSramSpec spec = {.width_bits = 32, .banks = 1, .ports = 1, .read_latency_cycles = 3};
        TsLevel l = sram_level(&spec, 4, 2);
        Bench b;
        bench_open(&b, &ts_sram_kind, &l, 1, 0, -1);
        send_mem(b.drv, 0, 0, TS_MEM_READ, 0, sizes[i], 0);
        Driver *d = bench_run(&b);
        CU_ASSERT_EQUAL(d->n_done, 1);
        guint64 cycles = 3 + (sizes[i] + 3) / 4;
        CU_ASSERT_EQUAL(d->done_tick[0], cycles * CYCLE);
        CU_ASSERT_DOUBLE_EQUAL(ts_sram_unloaded_cycles(b.unit, sizes[i], TS_MEM_READ),
                               3 + sizes[i] / 4.0, 1e-9);
        /* writes: the write port's time, no read latency */
        CU_ASSERT_DOUBLE_EQUAL(ts_sram_unloaded_cycles(b.unit, sizes[i], TS_MEM_WRITE),
                               sizes[i] / 2.0, 1e-9);
        TsSramStats st;
        ts_sram_get_stats(b.unit, &st);
        CU_ASSERT_EQUAL(st.read_requests, 1);
        CU_ASSERT_EQUAL(st.read_bytes, sizes[i]);
        CU_ASSERT_DOUBLE_EQUAL(st.read_busy_cycles, sizes[i] / 4.0, 1e-9);
        bench_close(&b);
    }
}

/* Back-to-back reads on one port are pipelined behind the latency and the port's fractional
 * time accumulates exactly: 10 bytes at 4 bytes/cycle end at 2.5, 5.0, 7.5 cycles. A read and
 * a write at once use separate ports and do not slow each other. */
static void test_sram_ports(void)
{
    TsSramSpec spec = {.width_bits = 32, .banks = 1, .ports = 1, .read_latency_cycles = 3};
    TsLevel l = sram_level(&spec, 4, 2);
    Bench b;
    bench_open(&b, &ts_sram_kind, &l, 2, 0, -1);
    for (guint i = 0; i < 3; i++)
        send_mem(b.drv, 0, i, TS_MEM_READ, 0, 10, 0);
    send_mem(b.drv, 1, 3, TS_MEM_WRITE, 0, 10, 0);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 4);
    CU_ASSERT_EQUAL(d->done_tick[0], 6 * CYCLE);  /* ceil(2.5 + 3) */
    CU_ASSERT_EQUAL(d->done_tick[1], 8 * CYCLE);  /* 5.0 + 3 */
    CU_ASSERT_EQUAL(d->done_tick[2], 11 * CYCLE); /* ceil(7.5 + 3) */
    CU_ASSERT_EQUAL(d->done_tick[3], 5 * CYCLE);  /* 10 / 2, alone on the write port */
    TsSramStats st;
    ts_sram_get_stats(b.unit, &st);
    CU_ASSERT_EQUAL(st.read_requests, 3);
    CU_ASSERT_EQUAL(st.write_requests, 1);
    CU_ASSERT_DOUBLE_EQUAL(st.read_busy_cycles, 7.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(st.write_busy_cycles, 5.0, 1e-9);
    bench_close(&b);
    /* a shared port serves both directions in arrival order at its rate; read and write
     * bandwidths given beside it still cap their direction (the write: 10 / 2 cycles from its
     * start at 2.5 on the shared port) */
    for (int capped = 0; capped < 2; capped++) {
        l.shared_bw_words_per_cycle = 4;
        l.read_bw_words_per_cycle = capped ? 4 : 0;
        l.write_bw_words_per_cycle = capped ? 2 : 0;
        bench_open(&b, &ts_sram_kind, &l, 2, 0, -1);
        send_mem(b.drv, 0, 0, TS_MEM_READ, 0, 10, 0);
        send_mem(b.drv, 1, 1, TS_MEM_WRITE, 0, 10, 0);
        d = bench_run(&b);
        CU_ASSERT_EQUAL_FATAL(d->n_done, 2);
        CU_ASSERT_EQUAL(d->done_tick[0], 6 * CYCLE);                /* ceil(2.5 + 3) */
        CU_ASSERT_EQUAL(d->done_tick[1], (capped ? 8 : 5) * CYCLE); /* ceil(7.5) or 2.5 + 2.5 */
        ts_sram_get_stats(b.unit, &st);
        CU_ASSERT_DOUBLE_EQUAL(st.read_busy_cycles, 5.0, 1e-9); /* the shared port */
        CU_ASSERT_DOUBLE_EQUAL(st.write_busy_cycles, 0.0, 1e-9);
        bench_close(&b);
    }
}

/* Banks: 4-byte rows in 4 banks, one row per bank per cycle, a 16 bytes/cycle port (0.25 cycle
 * per one-row read). Eight one-row reads at tick 0 start on the port every 0.25 cycle. All in
 * bank 0 they serialize on the bank (done at 1, 2, ..., 8 cycles); spread over the four banks
 * they overlap (bank b's reads at start + 1: 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75). */
static void run_banks(gboolean same_bank, TsTick *done, double *conflict)
{
    TsSramSpec spec = {.width_bits = 32, .banks = 4, .ports = 1, .read_latency_cycles = 2};
    TsLevel l = sram_level(&spec, 16, 16);
    Bench b;
    bench_open(&b, &ts_sram_kind, &l, 1, 8, -1);
    for (guint i = 0; i < 8; i++)
        send_mem(b.drv, 0, i, TS_MEM_READ, same_bank ? 16 * i : 4 * i, 4, 0);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 8);
    memcpy(done, d->done_tick, 8 * sizeof *done);
    TsSramStats st;
    ts_sram_get_stats(b.unit, &st);
    CU_ASSERT_EQUAL(st.banks, 4);
    *conflict = st.bank_conflict_cycles;
    bench_close(&b);
}

/* Conflict cycles are the waits for a bank busy with another request: read i of the same-bank
 * run starts on the port at 0.25 i and would be done at 0.25 i + 1 with its bank free, but
 * its bank is busy until i: 0.75 i cycles each, 21 in all. Spread over the banks, each read
 * finds its bank free (bank b is free again at 0.25 (i - 4) + 1 = 0.25 i when read i starts):
 * no conflict, though each read takes its bank 1 cycle against 0.25 on the port. */
static void test_sram_banks(void)
{
    TsTick same[8], spread[8];
    double c_same, c_spread;
    run_banks(TRUE, same, &c_same);
    run_banks(FALSE, spread, &c_spread);
    double conflict_same = 0;
    for (guint i = 0; i < 8; i++) {
        double start = 0.25 * i;
        double bank_same = i + 1.0, bank_spread = start + 1.0;
        CU_ASSERT_EQUAL(same[i], (TsTick)ceil(bank_same + 2) * CYCLE);
        CU_ASSERT_EQUAL(spread[i], (TsTick)ceil(bank_spread + 2) * CYCLE);
        conflict_same += bank_same - (start + 1.0);
    }
    CU_ASSERT_EQUAL(same[7], 10 * CYCLE);
    CU_ASSERT_EQUAL(spread[7], 5 * CYCLE);
    CU_ASSERT_DOUBLE_EQUAL(c_same, conflict_same, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(c_same, 21.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(c_spread, 0.0, 1e-9);
}

/* An idle sram counts no conflict: one 64-byte read of 4-byte rows over 2 banks (8 rows each,
 * 8 cycles per bank against 4 on the 16 bytes/cycle port) is bank-limited, done at 8 + 2, and
 * collides with nothing. A second read sent with it to the same rows starts on the port at 4
 * and would end at 4 + 8 = 12 with its banks free; they are busy until 8, so it ends at 16:
 * 4 conflict cycles. */
static void test_sram_banks_idle(void)
{
    TsSramSpec spec = {.width_bits = 32, .banks = 2, .ports = 1, .read_latency_cycles = 2};
    TsLevel l = sram_level(&spec, 16, 16);
    for (guint n = 1; n <= 2; n++) {
        Bench b;
        bench_open(&b, &ts_sram_kind, &l, 1, 8, -1);
        for (guint i = 0; i < n; i++)
            send_mem(b.drv, 0, i, TS_MEM_READ, 0, 64, 0);
        Driver *d = bench_run(&b);
        CU_ASSERT_EQUAL_FATAL(d->n_done, n);
        CU_ASSERT_EQUAL(d->done_tick[0], 10 * CYCLE);
        TsSramStats st;
        ts_sram_get_stats(b.unit, &st);
        CU_ASSERT_DOUBLE_EQUAL(st.read_busy_cycles, 4.0 * n, 1e-9);
        if (n == 1) {
            CU_ASSERT_DOUBLE_EQUAL(st.bank_conflict_cycles, 0.0, 1e-9);
        } else {
            CU_ASSERT_EQUAL(d->done_tick[1], 18 * CYCLE);
            CU_ASSERT_DOUBLE_EQUAL(st.bank_conflict_cycles, 16.0 - 12.0, 1e-9);
        }
        bench_close(&b);
    }
}

/* Credits: queue_depth 2, a requester with 6 eight-cycle reads (32 bytes at 4 bytes/cycle,
 * latency 1) sends while it holds credits. Credits return when a read starts service, so the
 * reads sent are 0, 1 (both credits) and 2 (read 0 starts at once) at tick 0, then read k at
 * the start of read k - 2 (8 (k - 2) cycles); no more than 2 reads ever wait unserved. */
static void test_sram_credits(void)
{
    TsSramSpec spec = {.width_bits = 32, .banks = 1, .ports = 1, .read_latency_cycles = 1};
    TsLevel l = sram_level(&spec, 4, 4);
    Bench b;
    bench_open(&b, &ts_sram_kind, &l, 1, 2, -1);
    TsPort *out = ts_component_port_at(b.drv, 0, 0);
    CU_ASSERT_EQUAL(ts_port_credits(out), 2);
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, b.drv);
    d->backlog = 6;
    d->backlog_bytes = 32;
    driver_pump(d);
    CU_ASSERT_EQUAL(d->n_sent, 2);
    CU_ASSERT_EQUAL(ts_port_credits(out), 0);
    bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 6);
    CU_ASSERT_EQUAL(d->n_sent, 6);
    CU_ASSERT_EQUAL(ts_port_credits(out), 2); /* all returned */
    for (guint k = 0; k < 6; k++) {
        TsTick start = 8 * k * CYCLE;
        CU_ASSERT_EQUAL(d->done_tick[k], start + 9 * CYCLE);
        CU_ASSERT_EQUAL(d->sent_tick[k], k < 3 ? 0 : 8 * (k - 2) * CYCLE);
        /* reads sent and not yet started just after read k was sent */
        guint waiting = 0;
        for (guint j = 0; j <= k; j++)
            waiting += 8 * j * CYCLE > d->sent_tick[k];
        CU_ASSERT_TRUE(waiting <= 2);
        CU_ASSERT_EQUAL(waiting, MIN(k, 2));
    }
    bench_close(&b);
}

/* A UPMEM DPU's MRAM: DMA setup alpha (cycles of the DPU clock, 500 MHz: twice as many of the
 * level's 1 GHz clock) per request on top of the bytes at the port's rate: a 64-byte read at
 * 2 bytes/cycle with alpha 10 takes 20 + 32 cycles, a 64-byte write with alpha 5, 10 + 32.
 * Back to back on one port, the second read's setup waits for the first. */
static void test_sram_mram_dma(void)
{
    TsPimCoreSpec pc = {.kind = TS_PIM_DPU,
                        .frequency_hz = 5e8,
                        .dma_alpha_read_cycles = 10,
                        .dma_alpha_write_cycles = 5};
    TsLevel l = sram_level(NULL, 2, 2);
    l.klass = TS_CLASS_PIM_CORE;
    l.class_text = "pim_core.mram";
    l.spec = &pc;
    Bench b;
    bench_open(&b, &ts_sram_kind, &l, 2, 0, -1);
    send_mem(b.drv, 0, 0, TS_MEM_READ, 0, 64, 0);
    send_mem(b.drv, 0, 1, TS_MEM_READ, 0, 64, 0);
    send_mem(b.drv, 1, 2, TS_MEM_WRITE, 0, 64, 0);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 3);
    CU_ASSERT_EQUAL(d->done_tick[0], 52 * CYCLE);
    CU_ASSERT_EQUAL(d->done_tick[1], 104 * CYCLE);
    CU_ASSERT_EQUAL(d->done_tick[2], 42 * CYCLE);
    CU_ASSERT_DOUBLE_EQUAL(ts_sram_unloaded_cycles(b.unit, 64, TS_MEM_READ), 52, 1e-9);
    bench_close(&b);
}

/* ---- host link ---- */

/* h2d 1 byte/ns, d2h 0.5 byte/ns, latency 500 ps, DMA setup 2000 ps per transfer. */
static TsLevel link_level(TsHostLinkSpec *spec, double broadcast_bw)
{
    *spec = (TsHostLinkSpec){.h2d_bw_bytes_per_s = 1e9,
                             .d2h_bw_bytes_per_s = 0.5e9,
                             .broadcast_bw_bytes_per_s = broadcast_bw,
                             .latency_ps = 500,
                             .dma_setup_ps = 2000};
    return (TsLevel){
        .name = "pcie", .klass = TS_CLASS_HOST_LINK, .instances = 1, .clock_hz = 1e9, .spec = spec};
}

typedef struct {
    TsMemOp op;
    guint32 bytes;
    guint64 targets;
    guint8 flags;
} Xfer;

static void run_link(const Xfer *x, guint n, double broadcast_bw, TsTick *done, TsHostLinkStats *st)
{
    TsHostLinkSpec spec;
    TsLevel l = link_level(&spec, broadcast_bw);
    Bench b;
    bench_open(&b, &ts_host_link_kind, &l, n, 0, -1);
    for (guint i = 0; i < n; i++)
        send_mem(b.drv, i, i, x[i].op, x[i].targets, x[i].bytes, x[i].flags);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, n);
    memcpy(done, d->done_tick, n * sizeof *done);
    ts_host_link_get_stats(b.unit, st);
    bench_close(&b);
}

/* One transfer: setup + bytes / bandwidth + latency. Calls are served one at a time whatever
 * their direction (a synchronous host API): H2D and D2H at once, the D2H starts when the H2D
 * call has returned; two H2D at once, the second likewise (setup, bytes and latency each). */
static void test_link_bandwidth(void)
{
    TsTick t[2];
    TsHostLinkStats st;
    const Xfer h2d = {TS_MEM_WRITE, 1000, 1, 0}, d2h = {TS_MEM_READ, 1000, 1, 0};
    run_link(&h2d, 1, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 1000000 + 500);
    run_link(&d2h, 1, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 2000000 + 500);
    const Xfer both[2] = {h2d, d2h};
    run_link(both, 2, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 1000000 + 500);
    CU_ASSERT_EQUAL(t[1], 2000 + 1000000 + 500 + 2000 + 2000000 + 500);
    CU_ASSERT_EQUAL(st.h2d_bytes, 1000);
    CU_ASSERT_EQUAL(st.d2h_bytes, 1000);
    CU_ASSERT_DOUBLE_EQUAL(st.h2d_busy_ps, 1002500, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(st.d2h_busy_ps, 2002500, 1e-6);
    const Xfer two[2] = {h2d, h2d};
    run_link(two, 2, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 1000000 + 500);
    CU_ASSERT_EQUAL(t[1], 2 * (2000 + 1000000 + 500));
    CU_ASSERT_EQUAL(st.h2d_transfers, 2);
    CU_ASSERT_EQUAL(st.h2d_bytes, 2000);
}

/* 100 bytes to 4 targets: scattered, 400 bytes cross; broadcast with a broadcast bandwidth
 * (4 bytes/ns): every copy counts, 400 bytes at that rate (100 ns); broadcast without one, the
 * copies at the h2d rate; a gather of 100 bytes from each of 4 targets, 400 bytes at the d2h
 * rate; targets 0 taken as 1. */
static void test_link_targets(void)
{
    TsTick t[1];
    TsHostLinkStats st;
    const Xfer scatter = {TS_MEM_WRITE, 100, 4, 0};
    run_link(&scatter, 1, 4e9, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 400000 + 500);
    CU_ASSERT_EQUAL(st.h2d_bytes, 400);
    const Xfer bcast = {TS_MEM_WRITE, 100, 4, TS_HOST_LINK_BROADCAST};
    run_link(&bcast, 1, 4e9, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 100000 + 500);
    CU_ASSERT_EQUAL(st.h2d_bytes, 400);
    run_link(&bcast, 1, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 400000 + 500);
    CU_ASSERT_EQUAL(st.h2d_bytes, 400);
    const Xfer gather = {TS_MEM_READ, 100, 4, 0};
    run_link(&gather, 1, 4e9, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 800000 + 500);
    CU_ASSERT_EQUAL(st.d2h_bytes, 400);
    const Xfer zero = {TS_MEM_WRITE, 100, 0, 0};
    run_link(&zero, 1, 0, t, &st);
    CU_ASSERT_EQUAL(t[0], 2000 + 100000 + 500);
    /* the unloaded figure agrees, and so does the analytical model's ts_host_link_transfer_s */
    TsHostLinkSpec spec;
    TsLevel l = link_level(&spec, 4e9);
    Bench b;
    bench_open(&b, &ts_host_link_kind, &l, 1, 0, -1);
    CU_ASSERT_DOUBLE_EQUAL(ts_host_link_unloaded_ps(b.unit, 100, 4, TRUE, TS_MEM_WRITE), 102500,
                           1e-6);
    CU_ASSERT_DOUBLE_EQUAL(ts_host_link_transfer_s(&spec, TS_XFER_BROADCAST, 100, 4) * 1e12, 102500,
                           1e-3);
    CU_ASSERT_DOUBLE_EQUAL(ts_host_link_unloaded_ps(b.unit, 100, 4, FALSE, TS_MEM_READ), 802500,
                           1e-6);
    CU_ASSERT_DOUBLE_EQUAL(ts_host_link_transfer_s(&spec, TS_XFER_PARALLEL_D2H, 100, 4) * 1e12,
                           802500, 1e-3);
    bench_close(&b);
}

/* PIM DIMM rates, 2 devices per rank (bytes/ns): device 0.5 h2d / 0.2 d2h, rank 0.8 / 0.3,
 * host-wide 1 / 0.5, broadcast 0.625 per rank; setup 2000 ps, latency 500 ps. 100 bytes per
 * target: to 1 target at the device rate (200 ns); to 2 (one rank) min(2 x 0.5, 0.8) = 0.8
 * (250 ns); to 4 (two ranks) min(2 x 0.8, 1) = 1 (400 ns); broadcast to 4: 2 ranks x
 * min(2 x 0.5, 0.625) = 1.25 (320 ns: a broadcast is not held to the host-wide cap); broadcast
 * to 1: the device rate (200 ns); gather from 1: 0.2 (500 ns), from 4: min(2 x min(0.4, 0.3),
 * 0.5) = 0.5 (800 ns). Each as ts_host_link_transfer_s() gives. */
static void test_link_ranks(void)
{
    static const struct {
        Xfer x;
        TsXferKind kind;
        TsTick ps;
    } cases[] = {
        {{TS_MEM_WRITE, 100, 1, 0}, TS_XFER_PARALLEL_H2D, 200000},
        {{TS_MEM_WRITE, 100, 2, 0}, TS_XFER_PARALLEL_H2D, 250000},
        {{TS_MEM_WRITE, 100, 4, 0}, TS_XFER_PARALLEL_H2D, 400000},
        {{TS_MEM_WRITE, 100, 4, TS_HOST_LINK_BROADCAST}, TS_XFER_BROADCAST, 320000},
        {{TS_MEM_WRITE, 100, 1, TS_HOST_LINK_BROADCAST}, TS_XFER_BROADCAST, 200000},
        {{TS_MEM_READ, 100, 1, 0}, TS_XFER_PARALLEL_D2H, 500000},
        {{TS_MEM_READ, 100, 4, 0}, TS_XFER_PARALLEL_D2H, 800000},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsHostLinkSpec spec;
        TsLevel l = link_level(&spec, 0.625e9);
        spec.devices_per_rank = 2;
        spec.device_h2d_bw_bytes_per_s = 0.5e9;
        spec.device_d2h_bw_bytes_per_s = 0.2e9;
        spec.rank_h2d_bw_bytes_per_s = 0.8e9;
        spec.rank_d2h_bw_bytes_per_s = 0.3e9;
        Bench b;
        bench_open(&b, &ts_host_link_kind, &l, 1, 0, -1);
        const Xfer *x = &cases[i].x;
        send_mem(b.drv, 0, 0, x->op, x->targets, x->bytes, x->flags);
        Driver *d = bench_run(&b);
        CU_ASSERT_EQUAL_FATAL(d->n_done, 1);
        CU_ASSERT_EQUAL(d->done_tick[0], 2000 + cases[i].ps + 500);
        const double model_ps =
            ts_host_link_transfer_s(&spec, cases[i].kind, x->bytes, x->targets) * 1e12;
        CU_ASSERT_DOUBLE_EQUAL(model_ps, (double)(2000 + cases[i].ps + 500), 1e-3);
        CU_ASSERT_DOUBLE_EQUAL(ts_host_link_unloaded_ps(b.unit, x->bytes, x->targets,
                                                        x->flags & TS_HOST_LINK_BROADCAST, x->op),
                               model_ps, 1e-3);
        bench_close(&b);
    }
}

/* ---- compute units ---- */

/* 16 MACs per cycle, pipeline 3: 100 MACs take ceil(100 / 16) = 7 cycles, results 3 later;
 * a second step of 32 starts at 7 (2 cycles), out at 12. */
static void test_mac_array(void)
{
    TsLevel l = {.name = "mac",
                 .klass = TS_CLASS_MAC,
                 .is_compute = TRUE,
                 .instances = 4,
                 .clock_hz = 1e9,
                 .macs_per_cycle = 16};
    Bench b;
    bench_open(&b, &ts_mac_array_kind, &l, 1, 0, 3);
    send_step(b.drv, 0, 100, 4, 0);
    send_step(b.drv, 1, 32, 4, 0);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 2);
    CU_ASSERT_EQUAL(d->done_tick[0], 10 * CYCLE);
    CU_ASSERT_EQUAL(d->cycles[0], 7);
    CU_ASSERT_EQUAL(d->done_tick[1], 12 * CYCLE);
    CU_ASSERT_EQUAL(d->cycles[1], 2);
    TsComputeUnitStats st;
    ts_compute_unit_get_stats(b.unit, &st);
    CU_ASSERT_EQUAL(st.steps, 2);
    CU_ASSERT_EQUAL(st.work, 132 * 4);
    CU_ASSERT_DOUBLE_EQUAL(st.busy_cycles, 9, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(ts_compute_unit_cycles(b.unit, 100, 0), 7, 1e-9);
    bench_close(&b);
    /* without the param, a plain MAC level has no pipeline latency */
    bench_open(&b, &ts_mac_array_kind, &l, 1, 0, -1);
    send_step(b.drv, 0, 100, 1, 0);
    d = bench_run(&b);
    CU_ASSERT_EQUAL(d->done_tick[0], 7 * CYCLE);
    bench_close(&b);
    /* a UPMEM DPU's pipeline stages by default */
    TsPimCoreSpec pc = {.kind = TS_PIM_DPU, .pipeline_stages = 14};
    TsLevel dpu = l;
    dpu.klass = TS_CLASS_PIM_CORE;
    dpu.spec = &pc;
    dpu.macs_per_cycle = 0.5;
    bench_open(&b, &ts_mac_array_kind, &dpu, 1, 0, -1);
    send_step(b.drv, 0, 5, 1, 0);
    d = bench_run(&b);
    CU_ASSERT_EQUAL(d->cycles[0], 10);
    CU_ASSERT_EQUAL(d->done_tick[0], 24 * CYCLE);
    bench_close(&b);
}

/* 8 lanes; add 1 cycle per element, exp 4: 20 exp take ceil(80 / 8) = 10 cycles, then 20 adds
 * ceil(20 / 8) = 3, done at 13. */
static void test_vector_unit(void)
{
    TsVectorOp ops[] = {{.op = "add", .cycles_per_element = 1},
                        {.op = "exp", .cycles_per_element = 4}};
    TsVectorUnitSpec vs = {.lanes = 8, .word_bits = 16, .n_ops = 2, .ops = ops};
    TsLevel l = {.name = "vec",
                 .klass = TS_CLASS_VECTOR_UNIT,
                 .is_compute = TRUE,
                 .instances = 1,
                 .clock_hz = 1e9,
                 .spec = &vs};
    int add = ts_vector_unit_op_index(&l, "add"), exp = ts_vector_unit_op_index(&l, "exp");
    CU_ASSERT_EQUAL(add, 0);
    CU_ASSERT_EQUAL(exp, 1);
    CU_ASSERT_EQUAL(ts_vector_unit_op_index(&l, "tanh"), -1);
    Bench b;
    bench_open(&b, &ts_vector_unit_kind, &l, 1, 0, -1);
    send_step(b.drv, 0, 20, 1, (guint16)exp);
    send_step(b.drv, 1, 20, 1, (guint16)add);
    Driver *d = bench_run(&b);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 2);
    CU_ASSERT_EQUAL(d->cycles[0], 10);
    CU_ASSERT_EQUAL(d->done_tick[0], 10 * CYCLE);
    CU_ASSERT_EQUAL(d->cycles[1], 3);
    CU_ASSERT_EQUAL(d->done_tick[1], 13 * CYCLE);
    TsComputeUnitStats st;
    ts_compute_unit_get_stats(b.unit, &st);
    CU_ASSERT_EQUAL(st.work, 40);
    CU_ASSERT_DOUBLE_EQUAL(st.busy_cycles, 13, 1e-9);
    bench_close(&b);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("components_units", NULL, NULL);
    CU_add_test(s, "sram read latency", test_sram_read_latency);
    CU_add_test(s, "sram ports", test_sram_ports);
    CU_add_test(s, "sram: no bank conflict on an idle sram", test_sram_banks_idle);
    CU_add_test(s, "sram banks", test_sram_banks);
    CU_add_test(s, "sram credits", test_sram_credits);
    CU_add_test(s, "sram mram dma", test_sram_mram_dma);
    CU_add_test(s, "host_link bandwidth", test_link_bandwidth);
    CU_add_test(s, "host_link targets", test_link_targets);
    CU_add_test(s, "host_link PIM DIMM ranks", test_link_ranks);
    CU_add_test(s, "mac_array", test_mac_array);
    CU_add_test(s, "vector_unit", test_vector_unit);
    return ts_test_run(argc, argv);
}
