/* The systolic_array DES component (see ts-systolic-component.h): a FIFO of at most
 * queue_depth compute steps, one running at a time; the running step's fold boundaries come
 * from the model's timeline and are visited by one self-event each, chained. With "mem"
 * connected, a fold's DRAM words go out as requests when it starts and the boundary waits for
 * the last response, pushing the rest of the step later. Each fold's boundary and DRAM words
 * are computed when the fold starts (ts_systolic_fold_iter_next), so memory does not grow with
 * a step's folds; nothing is allocated per event, the model's state once per pass. A step of
 * several passes runs them back to back, each with fresh buffers as a step of its own would;
 * without "mem" every pass after the first is the first one again, so they take one self-event
 * together. */
#include "ts-systolic-component.h"

#include <string.h>

typedef struct {
    guint64 m, n, k, tag;
    guint64 passes; /* a GEMM tile: passes of (m, n, k), >= 1 */
    guint64 lanes;  /* an elementwise step: its cycles; 0 for a GEMM tile */
} Step;

typedef struct {
    TsComponent base;
    TsSystolicConfig cfg;
    guint32 depth, head, count; /* ring of queued steps (the running one included) */
    Step *queue;
    gboolean running;
    guint64 start_edge; /* clock edge the running pass began on */
    guint64 fold, n_folds;
    guint64 pass, n_passes;          /* the running step's pass (0-based) and its passes */
    gboolean tail;                   /* passes 1 .. n_passes - 1 as one span (no "mem") */
    TsSystolicResult acc;            /* the step's passes finished so far, summed (step_add) */
    TsSystolicFoldIter *folds_it;    /* the running GEMM step's folds; NULL for a lanes step */
    guint64 fold_end;                /* the running fold's boundary, cycles from the step's start */
    guint64 fold_reads, fold_writes; /* DRAM words up to the end of the previous fold */
    TsSystolicResult cur, last;
    /* memory traffic of the running fold */
    guint64 word_bytes, req_bytes;
    guint64 rd_left, wr_left; /* bytes still to request */
    guint64 outstanding;      /* requests awaiting a response */
    gboolean boundary;        /* the fold's timeline boundary has passed */
    guint64 mem_addr[2];      /* next read / write address */
    guint64 shift;            /* cycles the step was pushed back waiting for memory */
    guint64 busy_cycles, n_steps;
    TsCounter *steps, *folds, *cycles, *stalls, *macs, *mem_reqs;
    TsCounter *sram_if, *sram_fl, *sram_of, *dram_if, *dram_fl, *dram_of;
} TsSystolicComp;

static const TsParamSpec params[] = {
    {"ifmap_sram_words", TS_PARAM_INT, "words", "65536", 2, 1099511627776.0,
     "ifmap SRAM (double buffered)"},
    {"filter_sram_words", TS_PARAM_INT, "words", "65536", 2, 1099511627776.0,
     "filter SRAM (double buffered)"},
    {"ofmap_sram_words", TS_PARAM_INT, "words", "65536", 2, 1099511627776.0,
     "ofmap SRAM (double buffered)"},
    {"bandwidth_limited", TS_PARAM_BOOL, "", "false", 0, 0,
     "true: SRAM <-> DRAM at dram_words_per_cycle (SCALE-Sim USER); false: stall-free (CALC)"},
    {"dram_words_per_cycle", TS_PARAM_INT, "words/cycle", "10", 1, 1073741824.0,
     "interface bandwidth per SRAM when bandwidth_limited"},
    {"clock_hz", TS_PARAM_INT, "Hz", "1000000000", 1, 1e12, "array clock"},
    {"queue_depth", TS_PARAM_INT, "steps", "4", 1, 65536, "credits: steps a sender may queue"},
    {"word_bytes", TS_PARAM_INT, "bytes", "1", 1, 64, "bytes per operand word in memory"},
    {"mem_request_bytes", TS_PARAM_INT, "bytes", "64", 1, 1 << 20, "largest memory request on mem"},
};

static const TsPortSpec ports[] = {
    {"ctrl", FALSE,
     "steps in (TS_SYSTOLIC_EV_COMPUTE, ..._PASSES, ..._LANES), completions out (..._DONE)", 0},
    {"mem", FALSE, "the folds' DRAM traffic out as memory requests (TsMemReq)", TS_PORT_CREDITED},
};

static const TsStatSpec stats[] = {
    {"steps", TS_STAT_COUNTER, "steps", "compute steps finished"},
    {"folds", TS_STAT_COUNTER, "folds", "folds finished"},
    {"cycles", TS_STAT_COUNTER, "cycles", "sum of the steps' cycles"},
    {"stall_cycles", TS_STAT_COUNTER, "cycles", "cycles waiting for prefetches, drains or mem"},
    {"macs", TS_STAT_COUNTER, "MACs", "multiply-accumulates"},
    {"sram_ifmap_reads", TS_STAT_COUNTER, "words", "ifmap SRAM reads"},
    {"sram_filter_reads", TS_STAT_COUNTER, "words", "filter SRAM reads"},
    {"sram_ofmap_writes", TS_STAT_COUNTER, "words", "ofmap SRAM writes (with partial sums)"},
    {"dram_ifmap_reads", TS_STAT_COUNTER, "words", "ifmap DRAM reads"},
    {"dram_filter_reads", TS_STAT_COUNTER, "words", "filter DRAM reads"},
    {"dram_ofmap_writes", TS_STAT_COUNTER, "words", "ofmap DRAM writes"},
    {"mem_requests", TS_STAT_COUNTER, "requests", "memory requests sent on mem"},
};

static TsSystolicDataflow dataflow_of(TsDataflow d)
{
    return d == TS_DATAFLOW_OS   ? TS_SYSTOLIC_OS
           : d == TS_DATAFLOW_WS ? TS_SYSTOLIC_WS
                                 : TS_SYSTOLIC_IS;
}

static gboolean sys_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    TsSystolicComp *s = TS_COMPONENT_DOWNCAST(TsSystolicComp, self);
    const TsSystolicSpec *sp = spec;
    if (sp->rows < 1 || sp->cols < 1 || sp->rows > 65536 || sp->cols > 65536) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE,
                    "rows and cols must be in [1, 65536] (got %" G_GUINT64_FORMAT
                    " x %" G_GUINT64_FORMAT ")",
                    sp->rows, sp->cols);
        return FALSE;
    }
    s->cfg.rows = (guint32)sp->rows;
    s->cfg.cols = (guint32)sp->cols;
    s->cfg.dataflow = dataflow_of(sp->dataflow);
    s->cfg.ifmap_sram_words = (guint64)ts_params_get_int(p, "ifmap_sram_words");
    s->cfg.filter_sram_words = (guint64)ts_params_get_int(p, "filter_sram_words");
    s->cfg.ofmap_sram_words = (guint64)ts_params_get_int(p, "ofmap_sram_words");
    s->cfg.bandwidth_limited = ts_params_get_bool(p, "bandwidth_limited");
    s->cfg.dram_words_per_cycle = (guint32)ts_params_get_int(p, "dram_words_per_cycle");
    GError *e = NULL;
    if (!ts_systolic_config_check(&s->cfg, &e)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_PARAM_RANGE, "%s", e->message);
        g_error_free(e);
        return FALSE;
    }
    if (!ts_component_set_clock(self, (guint64)ts_params_get_int(p, "clock_hz"), error))
        return FALSE;
    s->depth = (guint32)ts_params_get_int(p, "queue_depth");
    s->word_bytes = (guint64)ts_params_get_int(p, "word_bytes");
    s->req_bytes = (guint64)ts_params_get_int(p, "mem_request_bytes");
    s->queue = g_new0(Step, s->depth);
    s->steps = ts_component_counter(self, "steps");
    s->folds = ts_component_counter(self, "folds");
    s->cycles = ts_component_counter(self, "cycles");
    s->stalls = ts_component_counter(self, "stall_cycles");
    s->macs = ts_component_counter(self, "macs");
    s->sram_if = ts_component_counter(self, "sram_ifmap_reads");
    s->sram_fl = ts_component_counter(self, "sram_filter_reads");
    s->sram_of = ts_component_counter(self, "sram_ofmap_writes");
    s->dram_if = ts_component_counter(self, "dram_ifmap_reads");
    s->dram_fl = ts_component_counter(self, "dram_filter_reads");
    s->dram_of = ts_component_counter(self, "dram_ofmap_writes");
    s->mem_reqs = ts_component_counter(self, "mem_requests");
    return TRUE;
}

static void sys_setup(TsComponent *self)
{
    TsSystolicComp *s = TS_COMPONENT_DOWNCAST(TsSystolicComp, self);
    TsPort *ctrl = ts_component_port(self, TS_SYSTOLIC_PORT_CTRL);
    if (ts_port_is_connected(ctrl))
        ts_port_grant_credits(ctrl, s->depth);
}

static gboolean mem_on(TsSystolicComp *s)
{
    return ts_port_is_connected(ts_component_port(&s->base, TS_SYSTOLIC_PORT_MEM));
}

static void schedule_fold(TsSystolicComp *s)
{
    TsSim *sim = s->base.sim;
    TsTick t = ts_clock_cycles_to_ticks(&s->base.clock, s->start_edge + s->fold_end + 1 + s->shift);
    TsEvent *ev = ts_sim_event_new(sim, &s->base, TS_SYSTOLIC_EV_FOLD);
    ts_sim_schedule(sim, ev, MAX(t, ts_sim_now(sim)));
}

/* Sends the running fold's remaining requests while "mem" has credits. */
static void issue_mem(TsSystolicComp *s)
{
    TsPort *mem = ts_component_port(&s->base, TS_SYSTOLIC_PORT_MEM);
    while ((s->rd_left > 0 || s->wr_left > 0) && ts_port_credits(mem) > 0) {
        const gboolean rd = s->rd_left > 0;
        guint64 *left = rd ? &s->rd_left : &s->wr_left;
        guint64 b = MIN(*left, s->req_bytes);
        TsEvent *ev = ts_sim_event_new(s->base.sim, NULL, TS_EVENT_MEM_REQUEST);
        TsMemReq *r = ts_mem_req(ev);
        r->addr = s->mem_addr[rd ? 0 : 1];
        r->bytes = (guint32)b;
        r->op = rd ? TS_MEM_READ : TS_MEM_WRITE;
        r->tensor = TS_MEM_TENSOR_NONE;
        r->tag = s->fold;
        s->mem_addr[rd ? 0 : 1] += b;
        *left -= b;
        s->outstanding++;
        ts_counter_inc(s->mem_reqs);
        ts_port_send(mem, ev, rd ? 16 : (guint32)b);
    }
}

/* Starts the running GEMM step's next fold: the model serves it now, giving its boundary and
 * DRAM words; after the last one the step's figures are complete. */
static void start_fold(TsSystolicComp *s)
{
    guint64 reads, writes;
    if (!ts_systolic_fold_iter_next(s->folds_it, &s->fold_end, &reads, &writes))
        TS_ABORT(&s->base, "fold %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " past the model's",
                 s->fold, s->n_folds);
    if (s->fold + 1 == s->n_folds) {
        s->cur = *ts_systolic_fold_iter_result(s->folds_it);
        writes = s->cur.dram_ofmap_writes; /* the last fold carries what is staged at the end */
    }
    s->boundary = FALSE;
    if (mem_on(s)) {
        s->rd_left = (reads - s->fold_reads) * s->word_bytes;
        s->wr_left = (writes - s->fold_writes) * s->word_bytes;
        issue_mem(s);
    }
    s->fold_reads = reads;
    s->fold_writes = writes;
    schedule_fold(s);
}

/* An elementwise step: one fold of its cycles, no memory traffic. */
static void start_lanes(TsSystolicComp *s, const Step *q)
{
    memset(&s->cur, 0, sizeof s->cur);
    s->cur.cycles = q->lanes - 1;
    s->fold_end = q->lanes - 1;
    s->fold_reads = s->fold_writes = 0;
    s->running = TRUE;
    s->fold = 0;
    s->n_folds = 1;
    s->shift = 0;
    s->start_edge = ts_clock_edge_index_at_or_after(&s->base.clock, ts_sim_now(s->base.sim));
    s->boundary = FALSE;
    s->rd_left = s->wr_left = 0;
    schedule_fold(s);
}

/* Starts the running GEMM step's next pass (s->pass) on s->start_edge, with fresh buffers. */
static void start_pass(TsSystolicComp *s)
{
    const Step *q = &s->queue[s->head];
    TsSystolicLayer layer = ts_systolic_layer_gemm(q->m, q->n, q->k);
    GError *e = NULL;
    s->folds_it = ts_systolic_fold_iter_new(&s->cfg, &layer, &e);
    if (s->folds_it == NULL)
        TS_ABORT(&s->base, "compute step %" G_GUINT64_FORMAT ": %s", q->tag, e->message);
    const guint64 n = ts_systolic_fold_iter_folds(s->folds_it);
    s->cur = *ts_systolic_fold_iter_result(s->folds_it);
    s->fold = 0;
    s->n_folds = n;
    s->fold_reads = s->fold_writes = 0;
    s->shift = 0;
    if (s->pass == 0)
        TS_TRACE(&s->base,
                 "step %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                 "x%" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
                 " folds per pass",
                 q->tag, q->passes, q->m, q->n, q->k, n);
    start_fold(s);
}

static void start_next(TsSystolicComp *s)
{
    const Step *q = &s->queue[s->head];
    if (q->lanes > 0) {
        start_lanes(s, q);
        return;
    }
    s->running = TRUE;
    s->pass = 0;
    s->n_passes = q->passes;
    s->tail = FALSE;
    memset(&s->acc, 0, sizeof s->acc);
    s->start_edge = ts_clock_edge_index_at_or_after(&s->base.clock, ts_sim_now(s->base.sim));
    start_pass(s);
}

/* Adds n passes of result r (its cycles and stalls with the waits for "mem") to the running
 * step's sum: counts and stalls added, cycles so that the step occupies the passes' cycles + 1
 * each (back to back, as steps of one pass each would). */
static void step_add(TsSystolicComp *s, const TsSystolicResult *r, guint64 n)
{
    TsSystolicResult *a = &s->acc;
    const gboolean first = a->folds == 0;
    if (n > (G_GUINT64_CONSTANT(1) << 62) / (r->cycles + 1) ||
        a->cycles + 1 > (G_GUINT64_CONSTANT(1) << 62) - n * (r->cycles + 1))
        TS_ABORT(&s->base,
                 "compute step %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
                 " passes of %" G_GUINT64_FORMAT " cycles overflow the cycle count",
                 s->queue[s->head].tag, s->n_passes, r->cycles + 1);
    if (first)
        *a = *r; /* the pass's GEMM view and per-fold means */
    a->cycles = (first ? 0 : a->cycles + 1) + n * (r->cycles + 1) - 1;
    a->stall_cycles = (first ? 0 : a->stall_cycles) + n * r->stall_cycles;
    a->macs = (first ? 0 : a->macs) + n * r->macs;
    a->folds = (first ? 0 : a->folds) + n * r->folds;
    a->sram_ifmap_reads = (first ? 0 : a->sram_ifmap_reads) + n * r->sram_ifmap_reads;
    a->sram_filter_reads = (first ? 0 : a->sram_filter_reads) + n * r->sram_filter_reads;
    a->sram_ofmap_writes = (first ? 0 : a->sram_ofmap_writes) + n * r->sram_ofmap_writes;
    a->dram_ifmap_reads = (first ? 0 : a->dram_ifmap_reads) + n * r->dram_ifmap_reads;
    a->dram_filter_reads = (first ? 0 : a->dram_filter_reads) + n * r->dram_filter_reads;
    a->dram_ofmap_writes = (first ? 0 : a->dram_ofmap_writes) + n * r->dram_ofmap_writes;
    a->overall_util_pct = 100.0 * (double)a->macs / ((double)a->cycles * s->cfg.rows * s->cfg.cols);
}

static void finish_step(TsSystolicComp *s, TsSystolicResult *r)
{
    TS_TRACE(&s->base, "step %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT " cycles",
             s->queue[s->head].tag, r->cycles);
    guint64 tag = s->queue[s->head].tag;
    ts_counter_inc(s->steps);
    ts_counter_add(s->cycles, r->cycles);
    ts_counter_add(s->stalls, r->stall_cycles);
    ts_counter_add(s->macs, r->macs);
    ts_counter_add(s->sram_if, r->sram_ifmap_reads);
    ts_counter_add(s->sram_fl, r->sram_filter_reads);
    ts_counter_add(s->sram_of, r->sram_ofmap_writes);
    ts_counter_add(s->dram_if, r->dram_ifmap_reads);
    ts_counter_add(s->dram_fl, r->dram_filter_reads);
    ts_counter_add(s->dram_of, r->dram_ofmap_writes);
    s->busy_cycles += r->cycles + 1;
    s->n_steps++;
    s->last = *r;
    s->head = (s->head + 1) % s->depth;
    s->count--;
    s->running = FALSE;
    TsPort *ctrl = ts_component_port(&s->base, TS_SYSTOLIC_PORT_CTRL);
    if (ts_port_is_connected(ctrl)) {
        TsEvent *done = ts_sim_event_new(s->base.sim, NULL, TS_SYSTOLIC_EV_DONE);
        done->payload.u64[0] = tag;
        done->payload.u64[1] = r->cycles;
        done->payload.u64[2] = r->stall_cycles;
        done->payload.u64[3] = r->dram_ifmap_reads + r->dram_filter_reads + r->dram_ofmap_writes;
        ts_port_send(ctrl, done, 32);
        ts_port_grant_credits(ctrl, 1);
    }
    if (s->count > 0)
        start_next(s);
}

/* The running GEMM step's pass is over (on clock edge `edge`): the next one starts, or the
 * step is done. Without "mem" the passes after the first are the first again (the same GEMM
 * on fresh buffers, nothing waiting outside the model): they run as one span. */
static void end_pass(TsSystolicComp *s, guint64 edge)
{
    ts_systolic_fold_iter_free(s->folds_it);
    s->folds_it = NULL;
    s->cur.cycles += s->shift;
    s->cur.stall_cycles += s->shift;
    step_add(s, &s->cur, 1);
    if (++s->pass == s->n_passes) {
        finish_step(s, &s->acc);
        return;
    }
    s->start_edge = edge;
    if (mem_on(s)) {
        start_pass(s);
        return;
    }
    s->tail = TRUE;
    s->fold = 0;
    s->n_folds = 1;
    s->shift = 0;
    s->boundary = FALSE;
    s->fold_end = (s->n_passes - s->pass) * (s->cur.cycles + 1) - 1;
    schedule_fold(s);
}

/* The running fold is over when its boundary has passed and its memory traffic is answered;
 * a wait for memory pushes the rest of the step back. */
static void try_end_fold(TsSystolicComp *s)
{
    if (!s->boundary || s->outstanding > 0 || s->rd_left > 0 || s->wr_left > 0)
        return;
    guint64 now_edge = ts_clock_edge_index_at_or_after(&s->base.clock, ts_sim_now(s->base.sim));
    guint64 due = s->start_edge + s->fold_end + 1 + s->shift;
    if (now_edge > due)
        s->shift += now_edge - due;
    if (s->tail) {
        /* the span of the passes after the first */
        const guint64 rest = s->n_passes - s->pass;
        ts_counter_add(s->folds, rest * s->cur.folds);
        step_add(s, &s->cur, rest);
        s->pass = s->n_passes;
        finish_step(s, &s->acc);
        return;
    }
    ts_counter_inc(s->folds);
    if (++s->fold < s->n_folds)
        start_fold(s);
    else if (s->folds_it == NULL)
        finish_step(s, &s->cur); /* an elementwise step */
    else
        end_pass(s, now_edge);
}

static void sys_handle(TsComponent *self, TsEvent *ev)
{
    TsSystolicComp *s = TS_COMPONENT_DOWNCAST(TsSystolicComp, self);
    switch (ev->type) {
    case TS_SYSTOLIC_EV_COMPUTE: {
        if (s->count == s->depth)
            TS_ABORT(self, "compute step %" G_GUINT64_FORMAT " beyond the %u credits",
                     ev->payload.u64[3], s->depth);
        Step *q = &s->queue[(s->head + s->count) % s->depth];
        *q = (Step){
            ev->payload.u64[0], ev->payload.u64[1], ev->payload.u64[2], ev->payload.u64[3], 1, 0};
        s->count++;
        if (!s->running)
            start_next(s);
        break;
    }
    case TS_SYSTOLIC_EV_PASSES: {
        if (s->count == s->depth)
            TS_ABORT(self, "compute step %" G_GUINT64_FORMAT " beyond the %u credits",
                     ev->payload.u64[3], s->depth);
        if (ev->payload.u32[5] == 0)
            TS_ABORT(self, "compute step %" G_GUINT64_FORMAT " of 0 passes", ev->payload.u64[3]);
        Step *q = &s->queue[(s->head + s->count) % s->depth];
        *q = (Step){ev->payload.u64[0], ev->payload.u64[1], ev->payload.u32[4],
                    ev->payload.u64[3], ev->payload.u32[5], 0};
        s->count++;
        if (!s->running)
            start_next(s);
        break;
    }
    case TS_SYSTOLIC_EV_LANES: {
        if (s->count == s->depth)
            TS_ABORT(self, "elementwise step %" G_GUINT64_FORMAT " beyond the %u credits",
                     ev->payload.u64[3], s->depth);
        if (ev->payload.u64[0] == 0)
            TS_ABORT(self, "elementwise step %" G_GUINT64_FORMAT " of 0 cycles",
                     ev->payload.u64[3]);
        Step *q = &s->queue[(s->head + s->count) % s->depth];
        *q = (Step){0, 0, 0, ev->payload.u64[3], 0, ev->payload.u64[0]};
        s->count++;
        if (!s->running)
            start_next(s);
        break;
    }
    case TS_SYSTOLIC_EV_FOLD:
        s->boundary = TRUE;
        try_end_fold(s);
        break;
    case TS_EVENT_MEM_RESPONSE:
        s->outstanding--;
        try_end_fold(s);
        break;
    case TS_EVENT_CREDIT:
        if (s->running)
            issue_mem(s);
        break;
    default:
        TS_ABORT(self, "unknown event type %u", ev->type);
    }
}

static void sys_destroy(TsComponent *self)
{
    TsSystolicComp *s = TS_COMPONENT_DOWNCAST(TsSystolicComp, self);
    g_free(s->queue);
    ts_systolic_fold_iter_free(s->folds_it);
}

const TsComponentKind ts_systolic_kind = {
    .name = "systolic_array",
    .description = "rows x cols PE array with WS/OS/IS dataflows and double-buffered SRAMs "
                   "(SCALE-Sim v2 timing), one GEMM tile per compute step",
    .instance_size = sizeof(TsSystolicComp),
    TS_COMPONENT_KIND_TABLES(params, ports, stats),
    .spec_type = "TsSystolicSpec",
    .init = sys_init,
    .setup = sys_setup,
    .handle = sys_handle,
    .destroy = sys_destroy,
};

const TsSystolicConfig *ts_systolic_component_config(const TsComponent *c)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_systolic_kind, NULL);
    return &TS_COMPONENT_DOWNCAST(const TsSystolicComp, c)->cfg;
}

const TsSystolicResult *ts_systolic_component_last(const TsComponent *c)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_systolic_kind, NULL);
    return &TS_COMPONENT_DOWNCAST(const TsSystolicComp, c)->last;
}

void ts_systolic_component_busy(const TsComponent *c, guint64 *cycles, guint64 *steps)
{
    g_return_if_fail(c != NULL && c->kind == &ts_systolic_kind);
    const TsSystolicComp *s = TS_COMPONENT_DOWNCAST(const TsSystolicComp, c);
    if (cycles)
        *cycles = s->busy_cycles;
    if (steps)
        *steps = s->n_steps;
}

void ts_systolic_config_from_scalesim(const TsScaleSimConfig *in, TsSystolicConfig *out)
{
    g_return_if_fail(in != NULL && out != NULL);
    *out = (TsSystolicConfig){
        .rows = in->rows,
        .cols = in->cols,
        .dataflow = dataflow_of(in->dataflow),
        .ifmap_sram_words = in->ifmap_sram_kb * 1024,
        .filter_sram_words = in->filter_sram_kb * 1024,
        .ofmap_sram_words = in->ofmap_sram_kb * 1024,
        .bandwidth_limited = in->user_bandwidth,
        .dram_words_per_cycle = in->bandwidth,
    };
}

TsSystolicLayer ts_systolic_layer_from_scalesim(const TsScaleSimLayer *in)
{
    TsSystolicLayer l = {in->ifmap_h,  in->ifmap_w,     in->filter_h, in->filter_w,
                         in->channels, in->num_filters, in->stride_h, in->stride_w};
    return l;
}
