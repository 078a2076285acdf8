/* CUnit driver of the sim/core unit suites (time, queue and pool, event loop and links,
 * graph building and params, statistics). The shared test component kinds live here too. */
#include "test-core.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *test_run_expecting_abort(void (*body)(gpointer data), gpointer data)
{
    int fds[2];
    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    CU_ASSERT_TRUE_FATAL(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        body(data);
        _exit(0); /* not reached when the kernel aborts */
    }
    close(fds[1]);
    char *buf = g_malloc0(1024);
    gsize got = 0;
    ssize_t n;
    while (got < 1023 && (n = read(fds[0], buf + got, 1023 - got)) > 0)
        got += (gsize)n;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CU_ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    return buf;
}

/* ---- recorder ---- */

static const TsPortSpec recorder_ports[] = {{"in", FALSE, "anything", 0}};
static const TsStatSpec recorder_stats[] = {{"events", TS_STAT_COUNTER, "events", "handled"}};

static gboolean recorder_init(TsComponent *self, const void *spec, const TsParams *params,
                              GError **error)
{
    TestRecorder *r = TS_COMPONENT_DOWNCAST(TestRecorder, self);
    r->log = g_array_new(FALSE, FALSE, sizeof(TestRecord));
    r->events = ts_component_counter(self, "events");
    return TRUE;
}

static void record(GArray *log, const TsEvent *ev)
{
    TestRecord rec = {ev->tick, ev->type, ev->priority, ev->port, ev->size_bytes};
    g_array_append_val(log, rec);
}

static void recorder_handle(TsComponent *self, TsEvent *ev)
{
    TestRecorder *r = TS_COMPONENT_DOWNCAST(TestRecorder, self);
    record(r->log, ev);
    ts_counter_inc(r->events);
    if (ev->type >= TEST_SPAWN) {
        TsEvent *child = ts_sim_event_new(self->sim, self, ev->type - TEST_SPAWN + 1000);
        ts_sim_schedule(self->sim, child, ev->tick);
    }
}

static void recorder_destroy(TsComponent *self)
{
    TestRecorder *r = TS_COMPONENT_DOWNCAST(TestRecorder, self);
    g_array_unref(r->log);
}

const TsComponentKind test_recorder_kind = {
    .name = "recorder",
    .instance_size = sizeof(TestRecorder),
    .ports = recorder_ports,
    .n_ports = G_N_ELEMENTS(recorder_ports),
    .stats = recorder_stats,
    .n_stats = G_N_ELEMENTS(recorder_stats),
    .init = recorder_init,
    .handle = recorder_handle,
    .destroy = recorder_destroy,
};

/* ---- driver ---- */

static const TsPortSpec driver_ports[] = {{"link", FALSE, "bidirectional", 0}};
static const TsParamSpec driver_params[] = {
    {"depth", TS_PARAM_INT, "entries", "4", 1, 1024, "unused; exercises validation"},
    {"scale", TS_PARAM_DOUBLE, "", "1.5", 0, 0, "unused"},
    {"mode", TS_PARAM_STRING, "", "fast", 0, 0, "unused"},
};

static gboolean driver_init(TsComponent *self, const void *spec, const TsParams *params,
                            GError **error)
{
    TestDriver *d = TS_COMPONENT_DOWNCAST(TestDriver, self);
    d->log = g_array_new(FALSE, FALSE, sizeof(TestRecord));
    if (strcmp(ts_params_get_string(params, "mode"), "fail") == 0) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "mode 'fail' requested");
        return FALSE;
    }
    return TRUE;
}

static void driver_handle(TsComponent *self, TsEvent *ev)
{
    TestDriver *d = TS_COMPONENT_DOWNCAST(TestDriver, self);
    if (ev->port == TS_PORT_NONE && ev->type == TEST_DRIVER_SEND) {
        /* Reuse the event: it becomes the transfer. */
        guint32 bytes = (guint32)ev->payload.u64[0];
        ev->type = 7;
        ts_port_send(ts_component_port(self, 0), ev, bytes);
        return;
    }
    record(d->log, ev);
}

static void driver_destroy(TsComponent *self)
{
    TestDriver *d = TS_COMPONENT_DOWNCAST(TestDriver, self);
    if (d->log)
        g_array_unref(d->log);
}

const TsComponentKind test_driver_kind = {
    .name = "driver",
    .instance_size = sizeof(TestDriver),
    .params = driver_params,
    .n_params = G_N_ELEMENTS(driver_params),
    .ports = driver_ports,
    .n_ports = G_N_ELEMENTS(driver_ports),
    .init = driver_init,
    .handle = driver_handle,
    .destroy = driver_destroy,
};

void test_driver_send_at(TsComponent *d, TsTick tick, guint64 bytes)
{
    TsEvent *ev = ts_sim_event_new(d->sim, d, TEST_DRIVER_SEND);
    ev->payload.u64[0] = bytes;
    ts_sim_schedule(d->sim, ev, tick);
}

/* ---- ticker ---- */

static const TsParamSpec ticker_params[] = {
    {"period_ps", TS_PARAM_INT, "ps", "1000", 1, 1e12, "self-event period"},
    {"stop_every", TS_PARAM_INT, "events", "0", 0, 0, "request a stop every N events"},
};

static gboolean ticker_init(TsComponent *self, const void *spec, const TsParams *params,
                            GError **error)
{
    TestTicker *t = TS_COMPONENT_DOWNCAST(TestTicker, self);
    t->period_ps = (TsTick)ts_params_get_int(params, "period_ps");
    t->stop_every = ts_params_get_int(params, "stop_every");
    ts_sim_schedule(self->sim, ts_sim_event_new(self->sim, self, 0), 0);
    return TRUE;
}

static void ticker_handle(TsComponent *self, TsEvent *ev)
{
    TestTicker *t = TS_COMPONENT_DOWNCAST(TestTicker, self);
    t->count++;
    ts_sim_schedule_in(self->sim, ev, t->period_ps); /* reuse the handled event */
    if (t->stop_every > 0 && t->count % (guint64)t->stop_every == 0)
        ts_sim_request_stop(self->sim, self, "tick quota");
}

const TsComponentKind test_ticker_kind = {
    .name = "ticker",
    .instance_size = sizeof(TestTicker),
    .params = ticker_params,
    .n_params = G_N_ELEMENTS(ticker_params),
    .init = ticker_init,
    .handle = ticker_handle,
};

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    test_core_register_time();
    test_core_register_queue();
    test_core_register_sim();
    test_core_register_graph();
    test_core_register_stats();
    test_core_register_seams();
    return ts_test_run(argc, argv);
}
