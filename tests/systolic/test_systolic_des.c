/* The systolic_array DES component: a driver sends GEMM tiles over a credited link; the
 * completions arrive at the tick the model's cycles say (fold boundaries visited one by one,
 * steps queued back to back), carry the model's figures, return their credits, and the
 * statistics add up; elementwise lane steps take their turn between tiles. With "mem"
 * connected, each fold's DRAM words go out as memory requests: an unlimited memory leaves the
 * timing alone, a slow one stalls the array. A step of passes (TS_SYSTOLIC_EV_PASSES) takes
 * exactly the time, stalls, DRAM words, memory requests and statistics of as many steps of one
 * pass queued back to back, with and without "mem". A step of a million folds runs in memory
 * that does not grow with its folds. Bad configurations fail init with the key named. */
#include <string.h>
#include <sys/resource.h>

#include "ts-alloc-count.h"
#include "ts-sram.h"
#include "ts-systolic-component.h"
#include "ts-test.h"

typedef struct {
    TsComponent base;
    guint n_sent, n_done;
    guint64 tags[8], done_tick[8], done_cycles[8], done_stall[8], done_dram[8];
} Driver;

static const TsPortSpec driver_ports[] = {{"out", TRUE, "to the array", TS_PORT_CREDITED}};

static gboolean driver_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    return ts_component_set_clock(self, 1000000000, error);
}

static void driver_handle(TsComponent *self, TsEvent *ev)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    if (ev->type == TS_EVENT_CREDIT)
        return;
    CU_ASSERT_EQUAL(ev->type, TS_SYSTOLIC_EV_DONE);
    guint i = d->n_done++;
    d->tags[i] = ev->payload.u64[0];
    d->done_cycles[i] = ev->payload.u64[1];
    d->done_stall[i] = ev->payload.u64[2];
    d->done_dram[i] = ev->payload.u64[3];
    d->done_tick[i] = ts_sim_now(self->sim);
}

static const TsComponentKind driver_kind = {
    .name = "driver",
    .instance_size = sizeof(Driver),
    .ports = driver_ports,
    .n_ports = 1,
    .init = driver_init,
    .handle = driver_handle,
};

static const guint64 tiles[3][3] = {{64, 48, 40}, {17, 33, 9}, {128, 64, 128}};

static TsDataflow dataflow_of(const char *name)
{
    return strcmp(name, "os") == 0   ? TS_DATAFLOW_OS
           : strcmp(name, "ws") == 0 ? TS_DATAFLOW_WS
                                     : TS_DATAFLOW_IS;
}

static TsParams *array_params(gboolean limited)
{
    TsParams *p = ts_params_new();
    ts_params_set_int(p, "ifmap_sram_words", 1024);
    ts_params_set_int(p, "filter_sram_words", 2048);
    ts_params_set_int(p, "ofmap_sram_words", 512);
    ts_params_set_bool(p, "bandwidth_limited", limited);
    ts_params_set_int(p, "dram_words_per_cycle", 4);
    ts_params_set_int(p, "clock_hz", 500000000); /* 2000 ps per cycle */
    return p;
}

/* An array of spec (kept by the caller) with params p, fed by a driver over a link of
 * latency_ps; not built. */
static void add_array(TsSim *sim, TsSystolicSpec *spec, const TsParams *p, guint64 latency_ps,
                      TsComponent **arr, TsComponent **drv)
{
    g_autoptr(GError) err = NULL;
    *arr = ts_sim_add_component_typed(sim, &ts_systolic_kind, "sa", TS_SPEC(TsSystolicSpec, spec),
                                      p, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*arr);
    *drv = ts_sim_add_component(sim, &driver_kind, "drv", NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*drv);
    TsLinkSpec link = {.latency_ps = latency_ps};
    CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, *drv, "out", *arr, "ctrl", &link, &err));
}

/* A memory (1-byte words at 500 MHz; slow: one word per cycle, else unlimited) on the array's
 * "mem" port over a 0 ps link. */
static TsComponent *add_mem(TsSim *sim, TsComponent *arr, gboolean slow)
{
    g_autoptr(GError) err = NULL;
    TsLevel lv = {.name = "mem",
                  .klass = TS_CLASS_SRAM,
                  .is_storage = TRUE,
                  .instances = 1,
                  .word_bits = 8,
                  .block_size = 1,
                  .clock_hz = 5e8,
                  .shared_bw_words_per_cycle = slow ? 1.0 : 0.0};
    TsComponent *m =
        ts_sim_add_component_typed(sim, &ts_sram_kind, "mem", TS_SPEC(TsLevel, &lv), NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsLinkSpec link = {.latency_ps = 0};
    CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, arr, "mem", m, "req[0]", &link, &err));
    return m;
}

/* An 8 x 16 array (spec kept by the caller) fed by a driver over a 1000 ps link, built. */
static void open_array(TsSim *sim, TsSystolicSpec *spec, gboolean limited, TsComponent **arr,
                       TsComponent **drv)
{
    g_autoptr(TsParams) p = array_params(limited);
    g_autoptr(GError) err = NULL;
    add_array(sim, spec, p, 1000, arr, drv);
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
}

static void run_steps(const char *dataflow, gboolean limited)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsSystolicSpec spec = {.rows = 8, .cols = 16, .dataflow = dataflow_of(dataflow)};
    TsComponent *arr, *drv;
    open_array(sim, &spec, limited, &arr, &drv);
    TsPort *out = ts_component_port(drv, 0);
    CU_ASSERT_EQUAL(ts_port_credits(out), 4); /* queue_depth */
    for (guint i = 0; i < 3; i++) {
        TsEvent *ev = ts_sim_event_new(sim, drv, TS_SYSTOLIC_EV_COMPUTE);
        memcpy(ev->payload.u64, tiles[i], sizeof tiles[i]);
        ev->payload.u64[3] = 100 + i;
        ts_port_send(out, ev, 32);
    }
    CU_ASSERT_EQUAL(ts_port_credits(out), 1);
    ts_sim_run(sim);
    ts_sim_finish(sim);
    CU_ASSERT_EQUAL(ts_port_credits(out), 4); /* every step returned its credit */
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 3);
    /* The steps arrive together at 1000 ps (cycle edge 1 at 2000 ps) and run back to back:
     * each occupies cycles + 1 array cycles. */
    guint64 edge = 1, folds = 0, cycles = 0, stalls = 0;
    const TsSystolicConfig *cfg = ts_systolic_component_config(arr);
    for (guint i = 0; i < 3; i++) {
        TsSystolicLayer l = ts_systolic_layer_gemm(tiles[i][0], tiles[i][1], tiles[i][2]);
        TsSystolicResult r;
        CU_ASSERT_TRUE_FATAL(ts_systolic_run(cfg, &l, &r, NULL));
        edge += r.cycles + 1;
        folds += r.folds;
        cycles += r.cycles;
        CU_ASSERT_EQUAL(d->tags[i], 100 + i);
        CU_ASSERT_EQUAL(d->done_cycles[i], r.cycles);
        CU_ASSERT_EQUAL(d->done_stall[i], r.stall_cycles);
        CU_ASSERT_EQUAL(d->done_dram[i],
                        r.dram_ifmap_reads + r.dram_filter_reads + r.dram_ofmap_writes);
        CU_ASSERT_EQUAL(d->done_tick[i], edge * 2000 + 1000);
        stalls += r.stall_cycles;
    }
    CU_ASSERT_TRUE(limited ? stalls > 0 : stalls == 0); /* 4 words/cycle starves these tiles */
    CU_ASSERT_EQUAL(ts_systolic_component_last(arr)->macs, 128ull * 64 * 128);
    g_autofree char *json = ts_sim_stats_to_json(sim, FALSE);
    g_autofree char *f = g_strdup_printf(
        "\"folds\":{\"type\":\"counter\",\"unit\":\"folds\",\"value\":%" G_GUINT64_FORMAT "}",
        folds);
    g_autofree char *c = g_strdup_printf(
        "\"cycles\":{\"type\":\"counter\",\"unit\":\"cycles\",\"value\":%" G_GUINT64_FORMAT "}",
        cycles);
    if (!strstr(json, f) || !strstr(json, c))
        fprintf(stderr, "\n%s lacks %s or %s\n", json, f, c);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, f));
    CU_ASSERT_PTR_NOT_NULL(strstr(json, c));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(json, "\"steps\":{\"type\":\"counter\",\"unit\":\"steps\",\"value\":3}"));
}

/* Elementwise lane steps queue with the GEMM tiles: a tile, 50 cycles of lane work, a tile run
 * back to back on the one array; the lane step answers with 49 (it occupies cycles + 1) and no
 * stalls or DRAM words, and adds its 50 cycles to the busy time. */
static void test_lanes(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    TsSystolicSpec spec = {.rows = 8, .cols = 16, .dataflow = TS_DATAFLOW_OS};
    TsComponent *arr, *drv;
    open_array(sim, &spec, FALSE, &arr, &drv);
    TsPort *out = ts_component_port(drv, 0);
    for (guint i = 0; i < 3; i++) {
        TsEvent *ev =
            ts_sim_event_new(sim, drv, i == 1 ? TS_SYSTOLIC_EV_LANES : TS_SYSTOLIC_EV_COMPUTE);
        if (i == 1)
            ev->payload.u64[0] = 50;
        else
            memcpy(ev->payload.u64, tiles[i], sizeof tiles[i]);
        ev->payload.u64[3] = 100 + i;
        ts_port_send(out, ev, 32);
    }
    ts_sim_run(sim);
    ts_sim_finish(sim);
    CU_ASSERT_EQUAL(ts_port_credits(out), 4);
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 3);
    const TsSystolicConfig *cfg = ts_systolic_component_config(arr);
    TsSystolicResult r[3];
    for (guint i = 0; i < 3; i += 2) {
        TsSystolicLayer l = ts_systolic_layer_gemm(tiles[i][0], tiles[i][1], tiles[i][2]);
        CU_ASSERT_TRUE_FATAL(ts_systolic_run(cfg, &l, &r[i], NULL));
    }
    const guint64 edge0 = 1 + r[0].cycles + 1, edge1 = edge0 + 50, edge2 = edge1 + r[2].cycles + 1;
    CU_ASSERT_EQUAL(d->done_tick[0], edge0 * 2000 + 1000);
    CU_ASSERT_EQUAL(d->tags[1], 101);
    CU_ASSERT_EQUAL(d->done_cycles[1], 49);
    CU_ASSERT_EQUAL(d->done_stall[1], 0);
    CU_ASSERT_EQUAL(d->done_dram[1], 0);
    CU_ASSERT_EQUAL(d->done_tick[1], edge1 * 2000 + 1000);
    CU_ASSERT_EQUAL(d->done_tick[2], edge2 * 2000 + 1000);
    guint64 busy = 0, steps = 0;
    ts_systolic_component_busy(arr, &busy, &steps);
    CU_ASSERT_EQUAL(busy, r[0].cycles + 1 + 50 + r[2].cycles + 1);
    CU_ASSERT_EQUAL(steps, 3);
}

static void test_steps(void)
{
    static const char *const dfs[] = {"os", "ws", "is"};
    for (guint i = 0; i < 3; i++) {
        run_steps(dfs[i], FALSE);
        run_steps(dfs[i], TRUE);
    }
}

/* Fold boundaries: non-decreasing, the last one is the step's cycles. */
static void test_fold_ends(void)
{
    TsSystolicConfig c = {.rows = 4,
                          .cols = 8,
                          .dataflow = TS_SYSTOLIC_IS,
                          .ifmap_sram_words = 300,
                          .filter_sram_words = 300,
                          .ofmap_sram_words = 200,
                          .bandwidth_limited = TRUE,
                          .dram_words_per_cycle = 2};
    TsSystolicLayer l = ts_systolic_layer_gemm(30, 20, 50);
    guint64 n = ts_systolic_n_folds(&c, &l), ends[64];
    CU_ASSERT_EQUAL_FATAL(n, 13 * 4);
    TsSystolicResult r;
    CU_ASSERT_TRUE_FATAL(ts_systolic_run_folds(&c, &l, &r, ends, G_N_ELEMENTS(ends), NULL));
    for (guint i = 1; i < n; i++)
        CU_ASSERT_TRUE(ends[i] > ends[i - 1]);
    CU_ASSERT_EQUAL(ends[n - 1], r.cycles);
}

/* With "mem" connected to a memory: each fold's DRAM words become requests; an unlimited
 * memory keeps the model's cycles, one word per cycle stalls the array. */
static void run_mem(gboolean slow, guint64 *cycles, guint64 *requests, guint64 *dram_words)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = array_params(TRUE);
    TsSystolicSpec spec = {.rows = 8, .cols = 8, .dataflow = TS_DATAFLOW_WS};
    g_autoptr(GError) err = NULL;
    TsComponent *arr, *drv;
    add_array(sim, &spec, p, 0, &arr, &drv);
    TsComponent *m = add_mem(sim, arr, slow);
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
    TsEvent *ev = ts_sim_event_new(sim, drv, TS_SYSTOLIC_EV_COMPUTE);
    ev->payload.u64[0] = 40;
    ev->payload.u64[1] = 24;
    ev->payload.u64[2] = 36;
    ev->payload.u64[3] = 7;
    ts_port_send(ts_component_port(drv, 0), ev, 32);
    ts_sim_run(sim);
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 1);
    *cycles = d->done_cycles[0];
    *dram_words = d->done_dram[0];
    TsSramStats st;
    ts_sram_get_stats(m, &st);
    *requests = st.read_requests + st.write_requests;
    CU_ASSERT_EQUAL(st.read_bytes + st.write_bytes, *dram_words); /* 1-byte words */
}

static void test_mem_port(void)
{
    TsSystolicConfig cfg = {.rows = 8,
                            .cols = 8,
                            .dataflow = TS_SYSTOLIC_WS,
                            .ifmap_sram_words = 1024,
                            .filter_sram_words = 2048,
                            .ofmap_sram_words = 512,
                            .bandwidth_limited = TRUE,
                            .dram_words_per_cycle = 4};
    TsSystolicLayer l = ts_systolic_layer_gemm(40, 24, 36);
    TsSystolicResult r;
    CU_ASSERT_TRUE_FATAL(ts_systolic_run(&cfg, &l, &r, NULL));
    guint64 cycles, reqs, words;
    run_mem(FALSE, &cycles, &reqs, &words);
    CU_ASSERT_EQUAL(cycles, r.cycles);
    CU_ASSERT(reqs >= words / 64 && reqs > 0);
    guint64 slow_cycles, slow_reqs, slow_words;
    run_mem(TRUE, &slow_cycles, &slow_reqs, &slow_words);
    CU_ASSERT_EQUAL(slow_words, words);
    CU_ASSERT_EQUAL(slow_reqs, reqs);
    CU_ASSERT(slow_cycles + 1 >= words); /* one word per cycle; the step occupies cycles + 1 */
    CU_ASSERT(slow_cycles > r.cycles);
}

/* What a run of 3 passes of one tile gives: the driver's completions, the array's statistics
 * (JSON) and busy cycles, the memory's requests. */
typedef struct {
    guint n_done;
    guint64 last_tick, cycles, stalls, dram;
    guint64 busy, requests, mem_bytes;
    char *stats;
} PassRun;

/* 3 passes of tile (M, N, K) = tl on an 8 x 16 array under dataflow df (bandwidth-limited or
 * not), "mem" connected to a memory (slow: one word per cycle) when mem: as one
 * TS_SYSTOLIC_EV_PASSES step (as_passes) or as 3 TS_SYSTOLIC_EV_COMPUTE steps. */
static void run_passes(TsDataflow df, gboolean limited, gboolean mem, gboolean slow,
                       const guint64 tl[3], gboolean as_passes, PassRun *out)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = array_params(limited);
    TsSystolicSpec spec = {.rows = 8, .cols = 16, .dataflow = df};
    g_autoptr(GError) err = NULL;
    TsComponent *arr, *drv;
    add_array(sim, &spec, p, 1000, &arr, &drv);
    TsComponent *m = mem ? add_mem(sim, arr, slow) : NULL;
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
    TsPort *port = ts_component_port(drv, 0);
    for (guint i = 0; i < (as_passes ? 1u : 3u); i++) {
        TsEvent *ev =
            ts_sim_event_new(sim, drv, as_passes ? TS_SYSTOLIC_EV_PASSES : TS_SYSTOLIC_EV_COMPUTE);
        ev->payload.u64[0] = tl[0];
        ev->payload.u64[1] = tl[1];
        if (as_passes) {
            ev->payload.u32[4] = (guint32)tl[2];
            ev->payload.u32[5] = 3;
        } else {
            ev->payload.u64[2] = tl[2];
        }
        ev->payload.u64[3] = 50 + i;
        ts_port_send(port, ev, 32);
    }
    ts_sim_run(sim);
    ts_sim_finish(sim);
    CU_ASSERT_EQUAL(ts_port_credits(port), 4);
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    memset(out, 0, sizeof *out);
    out->n_done = d->n_done;
    CU_ASSERT_FATAL(d->n_done >= 1);
    out->last_tick = d->done_tick[d->n_done - 1];
    for (guint i = 0; i < d->n_done; i++) {
        out->cycles += d->done_cycles[i] + 1; /* each occupies its cycles + 1 */
        out->stalls += d->done_stall[i];
        out->dram += d->done_dram[i];
    }
    ts_systolic_component_busy(arr, &out->busy, NULL);
    if (m != NULL) {
        TsSramStats st;
        ts_sram_get_stats(m, &st);
        out->requests = st.read_requests + st.write_requests;
        out->mem_bytes = st.read_bytes + st.write_bytes;
    }
    /* the statistics but the steps' count and cycles (one step against three) */
    g_autofree char *json = ts_sim_stats_to_json(sim, FALSE);
    GString *keep = g_string_new(NULL);
    static const char *const keys[] = {"\"folds\"",
                                       "\"stall_cycles\"",
                                       "\"macs\"",
                                       "\"sram_ifmap_reads\"",
                                       "\"sram_filter_reads\"",
                                       "\"sram_ofmap_writes\"",
                                       "\"dram_ifmap_reads\"",
                                       "\"dram_filter_reads\"",
                                       "\"dram_ofmap_writes\"",
                                       "\"mem_requests\""};
    for (gsize k = 0; k < G_N_ELEMENTS(keys); k++) {
        const char *at = strstr(json, keys[k]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(at);
        const char *end = strchr(at, '}');
        g_string_append_len(keep, at, end - at + 1);
    }
    out->stats = g_string_free(keep, FALSE);
}

/* A step of 3 passes against 3 steps of one pass: the same completion tick (the last step's),
 * occupancy, stalls, DRAM words, statistics and busy cycles; with "mem", the same requests,
 * and with a slow memory the array stalls in both alike. */
static void test_passes(void)
{
    static const TsDataflow dfs[] = {TS_DATAFLOW_OS, TS_DATAFLOW_WS, TS_DATAFLOW_IS};
    static const guint64 tl[2][3] = {{40, 24, 36}, {17, 33, 9}};
    guint stalled = 0;
    for (guint f = 0; f < 3; f++)
        for (guint t = 0; t < 2; t++)
            for (guint mode = 0; mode < 4; mode++) {
                /* 0: stall-free, 1: bandwidth-limited, 2: + "mem", 3: + a slow "mem" */
                const gboolean limited = mode > 0, mem = mode >= 2, slow = mode == 3;
                PassRun a, b;
                run_passes(dfs[f], limited, mem, slow, tl[t], TRUE, &a);
                run_passes(dfs[f], limited, mem, slow, tl[t], FALSE, &b);
                CU_ASSERT_EQUAL(a.n_done, 1);
                CU_ASSERT_EQUAL(b.n_done, 3);
                if (a.last_tick != b.last_tick || a.cycles != b.cycles || a.stalls != b.stalls)
                    fprintf(stderr,
                            "\ndataflow %u tile %u mode %u: passes end %" G_GUINT64_FORMAT
                            " ps, %" G_GUINT64_FORMAT " cycles, %" G_GUINT64_FORMAT
                            " stalls; steps %" G_GUINT64_FORMAT " ps, %" G_GUINT64_FORMAT
                            ", %" G_GUINT64_FORMAT "\n",
                            f, t, mode, a.last_tick, a.cycles, a.stalls, b.last_tick, b.cycles,
                            b.stalls);
                CU_ASSERT_EQUAL(a.last_tick, b.last_tick);
                CU_ASSERT_EQUAL(a.cycles, b.cycles);
                CU_ASSERT_EQUAL(a.busy, b.busy);
                CU_ASSERT_EQUAL(a.busy, a.cycles);
                CU_ASSERT_EQUAL(a.stalls, b.stalls);
                CU_ASSERT_EQUAL(a.dram, b.dram);
                CU_ASSERT_EQUAL(a.requests, b.requests);
                CU_ASSERT_EQUAL(a.mem_bytes, b.mem_bytes);
                CU_ASSERT_STRING_EQUAL(a.stats, b.stats);
                CU_ASSERT_TRUE(!mem || a.requests > 0);
                stalled += slow && a.stalls > 0;
                g_free(a.stats);
                g_free(b.stats);
            }
    CU_ASSERT(stalled >= 3); /* the slow memory shows */
}

/* Peak resident set, bytes. */
static guint64 peak_rss(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (guint64)u.ru_maxrss * 1024;
}

/* One GEMM step of 2^20 folds on a 1x1 array (OS, stall-free: 2^19 x 2 outputs, each a fold of
 * K = 4 lines): the component takes each fold's boundary from the model when it reaches it, so
 * no allocation during the run grows with the folds (a boundary buffer took 24 B per fold, 24
 * MiB here) and the peak RSS barely moves; the step takes the closed form's folds x lines - 1
 * cycles (no stalls: one word per 4 cycles drains at one per cycle), as the model says. */
static void test_many_folds(void)
{
    const guint64 m = 1 << 19, n = 2, k = 4, folds = m * n;
    TsSystolicConfig cfg = {.rows = 1,
                            .cols = 1,
                            .dataflow = TS_SYSTOLIC_OS,
                            .ifmap_sram_words = 65536,
                            .filter_sram_words = 65536,
                            .ofmap_sram_words = 65536};
    TsSystolicLayer l = ts_systolic_layer_gemm(m, n, k);
    TsSystolicResult r;
    CU_ASSERT_TRUE_FATAL(ts_systolic_run(&cfg, &l, &r, NULL));
    CU_ASSERT_EQUAL_FATAL(r.folds, folds);
    CU_ASSERT_EQUAL(r.cycles, folds * k - 1);
    CU_ASSERT_EQUAL(r.stall_cycles, 0);

    g_autoptr(TsSim) sim = ts_sim_new();
    TsSystolicSpec spec = {.rows = 1, .cols = 1, .dataflow = TS_DATAFLOW_OS};
    g_autoptr(TsParams) p = ts_params_new();
    g_autoptr(GError) err = NULL;
    TsComponent *arr, *drv;
    add_array(sim, &spec, p, 0, &arr, &drv);
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
    TsEvent *ev = ts_sim_event_new(sim, drv, TS_SYSTOLIC_EV_COMPUTE);
    ev->payload.u64[0] = m;
    ev->payload.u64[1] = n;
    ev->payload.u64[2] = k;
    ev->payload.u64[3] = 9;
    ts_port_send(ts_component_port(drv, 0), ev, 32);
    const guint64 rss0 = peak_rss();
    ts_alloc_count = 0;
    ts_alloc_max_bytes = 0;
    ts_alloc_counting = TRUE;
    ts_sim_run(sim);
    ts_alloc_counting = FALSE;
    const guint64 grown = peak_rss() - rss0;
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    CU_ASSERT_EQUAL_FATAL(d->n_done, 1);
    CU_ASSERT_EQUAL(d->done_cycles[0], folds * k - 1);
    CU_ASSERT_EQUAL(d->done_stall[0], 0);
    CU_ASSERT_EQUAL(d->done_dram[0],
                    r.dram_ifmap_reads + r.dram_filter_reads + r.dram_ofmap_writes);
    CU_ASSERT_EQUAL(d->done_tick[0], (folds * k - 1 + 1) * 1000); /* 1 GHz, from tick 0 */
    g_autofree char *json = ts_sim_stats_to_json(sim, FALSE);
    g_autofree char *f = g_strdup_printf(
        "\"folds\":{\"type\":\"counter\",\"unit\":\"folds\",\"value\":%" G_GUINT64_FORMAT "}",
        folds);
    CU_ASSERT_PTR_NOT_NULL(strstr(json, f));
#ifndef TS_ALLOC_COUNT_UNAVAILABLE
    if (ts_alloc_max_bytes >= 64 * 1024 || ts_alloc_count >= 64 || grown >= (4u << 20))
        fprintf(stderr,
                "\n%" G_GUINT64_FORMAT " allocations, largest %zu B, peak RSS +%" G_GUINT64_FORMAT
                " B\n",
                (guint64)ts_alloc_count, (size_t)ts_alloc_max_bytes, grown);
    CU_ASSERT(ts_alloc_max_bytes < 64 * 1024);
    CU_ASSERT(ts_alloc_count < 64);
    CU_ASSERT(grown < (4u << 20));
#else
    (void)grown; /* the sanitizer owns the allocator and the resident set */
#endif
}

static void test_bad_params(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = ts_params_new();
    TsSystolicSpec bad = {.rows = 0, .cols = 4, .dataflow = TS_DATAFLOW_OS};
    g_autoptr(GError) err = NULL;
    CU_ASSERT_PTR_NULL(ts_sim_add_component_typed(sim, &ts_systolic_kind, "sa",
                                                  TS_SPEC(TsSystolicSpec, &bad), p, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "rows and cols must be in [1, 65536]"));
    g_clear_error(&err);
    TsSystolicSpec spec = {.rows = 4, .cols = 4, .dataflow = TS_DATAFLOW_OS};
    ts_params_set_int(p, "ofmap_sram_words", 1);
    CU_ASSERT_PTR_NULL(ts_sim_add_component_typed(sim, &ts_systolic_kind, "sb",
                                                  TS_SPEC(TsSystolicSpec, &spec), p, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "ofmap_sram_words"));
    g_clear_error(&err);
    /* the spec is required and must be a TsSystolicSpec */
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &ts_systolic_kind, "sc", NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("systolic_des", NULL, NULL);
    CU_add_test(s, "steps", test_steps);
    CU_add_test(s, "a million folds in bounded memory", test_many_folds);
    CU_add_test(s, "fold_ends", test_fold_ends);
    CU_add_test(s, "mem port", test_mem_port);
    CU_add_test(s, "elementwise lane steps", test_lanes);
    CU_add_test(s, "a step of passes: as many steps of one pass, with and without mem",
                test_passes);
    CU_add_test(s, "bad_params", test_bad_params);
    return ts_test_run(argc, argv);
}
