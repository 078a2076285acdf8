/* The systolic_array DES component: a driver sends GEMM tiles over a link; the completions
 * arrive at the tick the model's cycles say (fold boundaries visited one by one, steps queued
 * back to back), carry the model's figures, and the statistics add up. Bad parameters fail
 * init with the key named. */
#include <string.h>

#include "ts-systolic-component.h"
#include "ts-test.h"

typedef struct {
    TsComponent base;
    guint n_sent, n_done;
    guint64 tags[8], done_tick[8], done_cycles[8], done_stall[8], done_dram[8];
} Driver;

static const TsPortSpec driver_ports[] = {{"out", TRUE, "to the array", 0}};

static gboolean driver_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    return ts_component_set_clock(self, 1000000000, error);
}

static void driver_handle(TsComponent *self, TsEvent *ev)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
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

static void run_steps(const char *dataflow, gboolean limited)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = ts_params_new();
    TsSystolicSpec spec = {.rows = 8, .cols = 16, .dataflow = TS_DATAFLOW_WS};
    ts_systolic_params_from_spec(&spec, p);
    ts_params_set_string(p, "dataflow", dataflow);
    ts_params_set_int(p, "ifmap_sram_words", 1024);
    ts_params_set_int(p, "filter_sram_words", 2048);
    ts_params_set_int(p, "ofmap_sram_words", 512);
    ts_params_set_bool(p, "bandwidth_limited", limited);
    ts_params_set_int(p, "dram_words_per_cycle", 4);
    ts_params_set_int(p, "clock_hz", 500000000); /* 2000 ps per cycle */
    g_autoptr(GError) err = NULL;
    TsComponent *arr = ts_sim_add_component(sim, &ts_systolic_kind, "sa", p, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
    TsComponent *drv = ts_sim_add_component(sim, &driver_kind, "drv", NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(drv);
    TsLinkSpec link = {.latency_ps = 1000};
    CU_ASSERT_TRUE_FATAL(ts_sim_connect(sim, drv, "out", arr, "ctrl", &link, &err));
    CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, &err));
    TsPort *out = ts_component_port(drv, 0);
    for (guint i = 0; i < 3; i++) {
        TsEvent *ev = ts_sim_event_new(sim, drv, TS_SYSTOLIC_EV_COMPUTE);
        memcpy(ev->payload.u64, tiles[i], sizeof tiles[i]);
        ev->payload.u64[3] = 100 + i;
        ts_port_send(out, ev, 32);
    }
    ts_sim_run(sim);
    ts_sim_finish(sim);
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

static void test_bad_params(void)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_int(p, "rows", 4);
    ts_params_set_int(p, "cols", 4);
    ts_params_set_string(p, "dataflow", "rs");
    g_autoptr(GError) err = NULL;
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &ts_systolic_kind, "sa", p, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "dataflow must be os, ws or is (got 'rs')"));
    g_clear_error(&err);
    ts_params_set_string(p, "dataflow", "os");
    ts_params_set_int(p, "ofmap_sram_words", 1);
    CU_ASSERT_PTR_NULL(ts_sim_add_component(sim, &ts_systolic_kind, "sb", p, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "ofmap_sram_words"));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("systolic_des", NULL, NULL);
    CU_add_test(s, "steps", test_steps);
    CU_add_test(s, "fold_ends", test_fold_ends);
    CU_add_test(s, "bad_params", test_bad_params);
    return ts_test_run(argc, argv);
}
