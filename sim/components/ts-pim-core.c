/* The pim_core component for a UPMEM-like DPU (see ts-pim-core.h): tasklets stepping through a
 * kernel body, the revolver pipeline shared by the tasklets that are ready to issue, one DMA
 * engine serving MRAM <-> WRAM transfers in order, barriers. Time advances from one change of
 * the ready set to the next: with k tasklets computing, each issues once every
 * P = max(k, revolver) cycles, so the next change is the earliest of the first compute step to
 * end (its remaining slots x P) and the running DMA's end. */
#include "ts-pim-core.h"

#include <math.h>
#include <string.h>

#include "ts-mem.h"

enum { T_IDLE, T_COMPUTE, T_WAIT_DMA, T_BARRIER, T_DONE };

typedef struct {
    guint8 state;
    guint pc;
    guint64 iter, iterations;
    double remaining;    /* slots left in the current compute step */
    gboolean in_timed;   /* inside a timed interval */
    guint64 timed_start; /* cycle the interval began */
    guint64 timed_sum;
} Tasklet;

#define TS_PIM_MAX_TASKLETS 64

typedef struct {
    TsComponent base;
    const TsPimCoreSpec *spec;
    Tasklet t[TS_PIM_MAX_TASKLETS];
    guint dma_queue[TS_PIM_MAX_TASKLETS]; /* ring of waiting tasklets */
    guint dma_head, dma_count;
    gboolean dma_busy;
    guint dma_owner;
    guint64 dma_done; /* cycle the running DMA ends */
    const TsDpuKernel *kernel;
    guint64 tag;
    gboolean running;
    guint64 start;   /* cycle the kernel was launched */
    guint64 now;     /* cycle of the last advance */
    guint64 wake_at; /* cycle of the pending wake event, or G_MAXUINT64 */
    guint barrier_waiting;
    TsDpuKernelResult cur, last;
    TsCounter *kernels, *cycles, *issued, *dma_reads, *dma_writes, *dma_busy_c, *host_bytes;
} TsPimCore;

static const TsParamSpec params[] = {
    {"host_credits", TS_PARAM_INT, "requests", "16", 1, 65536,
     "requests a host link may have outstanding on \"host\""},
};

static const TsPortSpec ports[] = {
    {"ctrl", FALSE, "kernels in (TS_PIM_EV_LAUNCH), completions out (TS_PIM_EV_DONE)", 0},
    {"host", FALSE, "MRAM reads and writes from a host link (TsMemReq)", TS_PORT_CREDITED},
};

static const TsStatSpec stats[] = {
    {"kernels", TS_STAT_COUNTER, "kernels", "kernels finished"},
    {"cycles", TS_STAT_COUNTER, "cycles", "DPU cycles of the kernels"},
    {"issued", TS_STAT_COUNTER, "instructions", "instructions issued"},
    {"dma_reads", TS_STAT_COUNTER, "bytes", "MRAM -> WRAM bytes"},
    {"dma_writes", TS_STAT_COUNTER, "bytes", "WRAM -> MRAM bytes"},
    {"dma_busy_cycles", TS_STAT_COUNTER, "cycles", "cycles the DMA engine transferred"},
    {"host_bytes", TS_STAT_COUNTER, "bytes", "bytes the host wrote or read in MRAM"},
};

gboolean ts_pim_kernel_check(const TsPimCoreSpec *spec, const TsDpuKernel *k, GError **error)
{
    g_return_val_if_fail(spec != NULL && k != NULL, FALSE);
    if (spec->kind != TS_PIM_DPU) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "a kernel runs on a DPU (pim_core kind dpu), not on a bank unit");
        return FALSE;
    }
    guint64 max_t = MIN(spec->max_tasklets, (guint64)TS_PIM_MAX_TASKLETS);
    if (k->tasklets == 0 || k->tasklets > max_t) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "kernel tasklets must be in [1, %" G_GUINT64_FORMAT "] (got %u)", max_t,
                    k->tasklets);
        return FALSE;
    }
    if (k->body == NULL || k->n_body == 0 || (k->iterations == 0 && k->iterations_of == NULL)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "a kernel needs a non-empty body and at least one iteration");
        return FALSE;
    }
    for (guint i = 0; i < k->n_body; i++) {
        const TsDpuStep *s = &k->body[i];
        if (s->kind == TS_DPU_STEP_COMPUTE && !(s->amount >= 0.0 && s->amount < 1e15)) {
            g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                        "kernel step %u: compute slots must be in [0, 1e15) (got %g)", i,
                        s->amount);
            return FALSE;
        }
        if ((s->kind == TS_DPU_STEP_MRAM_READ || s->kind == TS_DPU_STEP_MRAM_WRITE) &&
            !(s->amount >= 8.0 && s->amount <= (double)spec->max_dma_bytes &&
              fmod(s->amount, 8.0) == 0.0)) {
            g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                        "kernel step %u: a DMA moves 8 to %" G_GUINT64_FORMAT
                        " bytes, a multiple of 8 (got %g)",
                        i, spec->max_dma_bytes, s->amount);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean pim_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    TsPimCore *c = TS_COMPONENT_DOWNCAST(TsPimCore, self);
    c->spec = spec;
    if (c->spec->kind != TS_PIM_DPU) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "pim_core models a DPU (kind dpu); a bank unit is costed by its DRAM's "
                    "all-bank mode");
        return FALSE;
    }
    double f = c->spec->frequency_hz;
    if (!(f >= 1.0 && f <= 1e12 && f == floor(f))) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "DPU frequency must be a whole number of Hz in [1, 1e12] (got %g)", f);
        return FALSE;
    }
    if (!ts_component_set_clock(self, (guint64)f, error))
        return FALSE;
    (void)ts_params_get_int(p, "host_credits");
    c->wake_at = G_MAXUINT64;
    c->kernels = ts_component_counter(self, "kernels");
    c->cycles = ts_component_counter(self, "cycles");
    c->issued = ts_component_counter(self, "issued");
    c->dma_reads = ts_component_counter(self, "dma_reads");
    c->dma_writes = ts_component_counter(self, "dma_writes");
    c->dma_busy_c = ts_component_counter(self, "dma_busy_cycles");
    c->host_bytes = ts_component_counter(self, "host_bytes");
    return TRUE;
}

static void pim_setup(TsComponent *self)
{
    TsPort *host = ts_component_port(self, TS_PIM_PORT_HOST);
    if (ts_port_is_connected(host))
        ts_port_grant_credits(host, 16);
    TsPort *ctrl = ts_component_port(self, TS_PIM_PORT_CTRL);
    if (ts_port_is_connected(ctrl))
        ts_port_grant_credits(ctrl, 1);
}

/* ---- Tasklets ----------------------------------------------------------------------------- */

static void dma_enqueue(TsPimCore *c, guint id)
{
    c->dma_queue[(c->dma_head + c->dma_count) % TS_PIM_MAX_TASKLETS] = id;
    c->dma_count++;
}

static void enter_step(TsPimCore *c, guint id);

/* The tasklets at the barrier go on when every tasklet still running has arrived. */
static void barrier_check(TsPimCore *c)
{
    guint running = 0;
    for (guint i = 0; i < c->kernel->tasklets; i++)
        running += c->t[i].state != T_DONE;
    if (c->barrier_waiting == 0 || c->barrier_waiting < running)
        return;
    c->barrier_waiting = 0;
    for (guint i = 0; i < c->kernel->tasklets; i++) {
        if (c->t[i].state == T_BARRIER) {
            c->t[i].pc++;
            enter_step(c, i);
        }
    }
}

/* Starts tasklet id's current step (after its pc or iteration moved), skipping empty compute
 * steps; keeps the timed intervals. */
static void enter_step(TsPimCore *c, guint id)
{
    Tasklet *t = &c->t[id];
    const TsDpuKernel *k = c->kernel;
    for (;;) {
        if (t->pc >= k->n_body) {
            t->pc = 0;
            if (++t->iter >= t->iterations) {
                if (t->in_timed) {
                    t->timed_sum += c->now - t->timed_start;
                    t->in_timed = FALSE;
                }
                t->state = T_DONE;
                barrier_check(c);
                return;
            }
        }
        const TsDpuStep *s = &k->body[t->pc];
        if (s->timed && !t->in_timed) {
            t->in_timed = TRUE;
            t->timed_start = c->now;
        } else if (!s->timed && t->in_timed) {
            t->timed_sum += c->now - t->timed_start;
            t->in_timed = FALSE;
        }
        switch (s->kind) {
        case TS_DPU_STEP_COMPUTE:
            if (s->amount <= 0.0) {
                t->pc++;
                continue;
            }
            t->state = T_COMPUTE;
            t->remaining = s->amount;
            return;
        case TS_DPU_STEP_MRAM_READ:
        case TS_DPU_STEP_MRAM_WRITE:
            t->state = T_WAIT_DMA;
            dma_enqueue(c, id);
            return;
        case TS_DPU_STEP_BARRIER:
            t->state = T_BARRIER;
            c->barrier_waiting++;
            barrier_check(c);
            return;
        }
    }
}

static void dma_start(TsPimCore *c)
{
    if (c->dma_busy || c->dma_count == 0)
        return;
    guint id = c->dma_queue[c->dma_head];
    c->dma_head = (c->dma_head + 1) % TS_PIM_MAX_TASKLETS;
    c->dma_count--;
    const TsDpuStep *s = &c->kernel->body[c->t[id].pc];
    const gboolean write = s->kind == TS_DPU_STEP_MRAM_WRITE;
    guint64 d = (guint64)ceil(ts_pim_dpu_dma_cycles(c->spec, s->amount, write));
    c->dma_busy = TRUE;
    c->dma_owner = id;
    c->dma_done = c->now + MAX(d, (guint64)1);
    c->cur.dma_busy_cycles += MAX(d, (guint64)1);
    c->cur.dma_transfers++;
    if (write)
        c->cur.dma_write_bytes += (guint64)s->amount;
    else
        c->cur.dma_read_bytes += (guint64)s->amount;
}

static void finish_kernel(TsPimCore *c)
{
    c->running = FALSE;
    c->cur.cycles = c->now - c->start;
    guint64 timed = 0;
    for (guint i = 0; i < c->kernel->tasklets; i++)
        timed = MAX(timed, c->t[i].timed_sum);
    c->cur.timed_cycles = timed;
    c->last = c->cur;
    ts_counter_inc(c->kernels);
    ts_counter_add(c->cycles, c->cur.cycles);
    ts_counter_add(c->issued, (guint64)llround(c->cur.issued));
    ts_counter_add(c->dma_reads, c->cur.dma_read_bytes);
    ts_counter_add(c->dma_writes, c->cur.dma_write_bytes);
    ts_counter_add(c->dma_busy_c, c->cur.dma_busy_cycles);
    TsPort *ctrl = ts_component_port(&c->base, TS_PIM_PORT_CTRL);
    if (ts_port_is_connected(ctrl)) {
        TsEvent *done = ts_sim_event_new(c->base.sim, &c->base, TS_PIM_EV_DONE);
        done->payload.u64[0] = c->tag;
        done->payload.u64[1] = c->cur.cycles;
        done->payload.u64[2] = c->cur.timed_cycles;
        done->payload.u64[3] = (guint64)llround(c->cur.issued);
        ts_port_send(ctrl, done, 32);
        ts_port_grant_credits(ctrl, 1);
    }
}

/* Moves the state from c->now to cycle `to`: compute progress of the ready tasklets, then the
 * DMA completion and the steps that end exactly there. */
static void advance(TsPimCore *c, guint64 to)
{
    const guint nt = c->kernel->tasklets;
    const double rev = (double)MAX(c->spec->revolver_cycles, (guint64)1);
    guint k = 0;
    for (guint i = 0; i < nt; i++)
        k += c->t[i].state == T_COMPUTE;
    if (k > 0 && to > c->now) {
        const double period = MAX((double)k, rev);
        const double slots = (double)(to - c->now) / period;
        for (guint i = 0; i < nt; i++) {
            if (c->t[i].state != T_COMPUTE)
                continue;
            double used = MIN(slots, c->t[i].remaining);
            c->t[i].remaining -= used;
            c->cur.issued += used;
        }
    }
    c->now = to;
    if (c->dma_busy && c->dma_done <= c->now) {
        c->dma_busy = FALSE;
        Tasklet *t = &c->t[c->dma_owner];
        t->pc++;
        enter_step(c, c->dma_owner);
        (void)t;
    }
    for (guint i = 0; i < nt; i++) {
        if (c->t[i].state == T_COMPUTE && c->t[i].remaining <= 1e-9) {
            c->t[i].pc++;
            enter_step(c, i);
        }
    }
    dma_start(c);
}

/* The cycle of the next change: the first compute step to end or the running DMA's end. */
static guint64 next_change(const TsPimCore *c)
{
    const guint nt = c->kernel->tasklets;
    const double rev = (double)MAX(c->spec->revolver_cycles, (guint64)1);
    guint k = 0;
    double rmin = INFINITY;
    for (guint i = 0; i < nt; i++) {
        if (c->t[i].state == T_COMPUTE) {
            k++;
            rmin = MIN(rmin, c->t[i].remaining);
        }
    }
    guint64 next = G_MAXUINT64;
    if (k > 0)
        next = c->now + (guint64)MAX(1.0, ceil(rmin * MAX((double)k, rev) - 1e-9));
    if (c->dma_busy)
        next = MIN(next, c->dma_done);
    return next;
}

static void schedule_wake(TsPimCore *c)
{
    for (;;) {
        gboolean all_done = TRUE;
        for (guint i = 0; i < c->kernel->tasklets; i++)
            all_done &= c->t[i].state == T_DONE;
        if (all_done) {
            finish_kernel(c);
            return;
        }
        guint64 next = next_change(c);
        if (next == G_MAXUINT64)
            TS_ABORT(&c->base,
                     "kernel %" G_GUINT64_FORMAT ": every tasklet waits (a barrier "
                     "some tasklets never reach)",
                     c->tag);
        if (next > c->now) {
            c->wake_at = next;
            TsEvent *ev = ts_sim_event_new(c->base.sim, &c->base, TS_PIM_EV_WAKE);
            ts_sim_schedule(c->base.sim, ev, ts_clock_cycles_to_ticks(&c->base.clock, next));
            return;
        }
        advance(c, next);
    }
}

static void launch(TsPimCore *c, const TsDpuKernel *k, guint64 tag)
{
    GError *e = NULL;
    if (!ts_pim_kernel_check(c->spec, k, &e))
        TS_ABORT(&c->base, "kernel %" G_GUINT64_FORMAT ": %s", tag, e->message);
    if (c->running)
        TS_ABORT(&c->base, "kernel %" G_GUINT64_FORMAT " launched while one runs (one credit)",
                 tag);
    c->kernel = k;
    c->tag = tag;
    c->running = TRUE;
    c->now = c->start = ts_clock_edge_index_at_or_after(&c->base.clock, ts_sim_now(c->base.sim));
    memset(&c->cur, 0, sizeof c->cur);
    memset(c->t, 0, sizeof c->t);
    c->dma_head = c->dma_count = 0;
    c->dma_busy = FALSE;
    c->barrier_waiting = 0;
    for (guint i = 0; i < k->tasklets; i++) {
        c->t[i].iterations = k->iterations_of ? k->iterations_of[i] : k->iterations;
        c->t[i].iter = 0;
        if (c->t[i].iterations == 0) {
            c->t[i].state = T_DONE;
            continue;
        }
        c->t[i].state = T_IDLE;
    }
    for (guint i = 0; i < k->tasklets; i++)
        if (c->t[i].state == T_IDLE)
            enter_step(c, i);
    dma_start(c);
    schedule_wake(c);
}

static void pim_handle(TsComponent *self, TsEvent *ev)
{
    TsPimCore *c = TS_COMPONENT_DOWNCAST(TsPimCore, self);
    switch (ev->type) {
    case TS_PIM_EV_LAUNCH:
        launch(c, ev->payload.ptr[0], ev->payload.u64[1]);
        break;
    case TS_PIM_EV_WAKE:
        if (!c->running)
            break;
        advance(c, c->wake_at);
        schedule_wake(c);
        break;
    case TS_EVENT_MEM_REQUEST: {
        /* The host link writes or reads MRAM over the DDR interface; the link timed it. */
        TsMemReq *r = ts_mem_req(ev);
        ts_counter_add(c->host_bytes, r->bytes);
        r->done_tick = ts_sim_now(c->base.sim);
        TsPort *host = ts_component_port(self, TS_PIM_PORT_HOST);
        ev->type = TS_EVENT_MEM_RESPONSE;
        ts_port_send(host, ev, 0);
        ts_port_grant_credits(host, 1);
        break;
    }
    default:
        TS_ABORT(self, "unknown event type %u", ev->type);
    }
}

const TsComponentKind ts_pim_core_kind = {
    .name = "pim_core",
    .description = "UPMEM-like DPU: tasklets on a revolver pipeline (one issue per tasklet "
                   "every revolver_cycles, one per cycle in all), one MRAM <-> WRAM DMA engine "
                   "(alpha + beta x bytes), barriers",
    .instance_size = sizeof(TsPimCore),
    TS_COMPONENT_KIND_TABLES(params, ports, stats),
    .spec_type = "TsPimCoreSpec",
    .init = pim_init,
    .setup = pim_setup,
    .handle = pim_handle,
};

const TsDpuKernelResult *ts_pim_core_last(const TsComponent *component)
{
    g_return_val_if_fail(component != NULL && component->kind == &ts_pim_core_kind, NULL);
    return &TS_COMPONENT_DOWNCAST(const TsPimCore, component)->last;
}

guint64 ts_pim_core_busy_cycles(const TsComponent *component)
{
    g_return_val_if_fail(component != NULL && component->kind == &ts_pim_core_kind, 0);
    const TsPimCore *c = TS_COMPONENT_DOWNCAST(const TsPimCore, component);
    return c->cycles->value + (c->running ? c->now - c->start : 0);
}

gboolean ts_pim_run_kernel(const TsPimCoreSpec *spec, const TsDpuKernel *kernel,
                           TsDpuKernelResult *result, GError **error)
{
    g_return_val_if_fail(spec != NULL && kernel != NULL && result != NULL, FALSE);
    if (!ts_pim_kernel_check(spec, kernel, error))
        return FALSE;
    g_autoptr(TsSim) sim = ts_sim_new();
    TsComponent *dpu = ts_sim_add_component_typed(sim, &ts_pim_core_kind, "dpu",
                                                  TS_SPEC(TsPimCoreSpec, spec), NULL, error);
    if (dpu == NULL || !ts_sim_build(sim, error))
        return FALSE;
    TsEvent *ev = ts_sim_event_new(sim, dpu, TS_PIM_EV_LAUNCH);
    ev->payload.ptr[0] = (gpointer)kernel;
    ev->payload.u64[1] = 0;
    ts_sim_schedule(sim, ev, 0);
    ts_sim_run(sim);
    *result = *ts_pim_core_last(dpu);
    ts_sim_finish(sim);
    return TRUE;
}
