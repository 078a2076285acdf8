/* Jobs of the executor: a transfer or a compute step is a job of up to PART_MAX parts, each a
 * request to one unit (a DRAM part is a stream of bursts over a tensor box); a part waits in
 * its unit's FIFO while the executor's port has no credit, a DRAM stream in the DRAM's FIFO of
 * streams (each stream's bursts in order; a stream waiting for its next burst's channel does
 * not hold back the streams behind it). When every part is answered the job is done and its op
 * context is told. Jobs and streams come from pools that grow to the largest number in flight and
 * are then reused. */
#include "ts-exec-private.h"

#include <string.h>

/* ---- pools ---------------------------------------------------------------------------------- */

int ts_exec_job_new(Exec *x, JobKind kind, guint ctx)
{
    if (x->free_job == 0 || x->free_job > x->n_jobs) {
        guint old = x->n_jobs, n = MAX(64u, 2 * old);
        x->jobs = g_renew(Job, x->jobs, n);
        memset(x->jobs + old, 0, (n - old) * sizeof(Job));
        for (guint i = old; i < n; i++)
            x->jobs[i].next_free = i + 1 < n ? (int)(i + 2) : 0; /* 1-based links, 0 = none */
        x->free_job = old + 1;
        x->n_jobs = n;
    }
    int j = (int)x->free_job - 1;
    Job *job = &x->jobs[j];
    x->free_job = (guint)job->next_free;
    memset(job, 0, sizeof *job);
    job->in_use = TRUE;
    job->kind = (guint8)kind;
    job->ctx = (guint32)ctx;
    job->critical = -1;
    job->cause = ts_exec_cp_cause(x);
    job->start = ts_sim_now(x->sim);
    return j;
}

void ts_exec_job_free(Exec *x, int j)
{
    Job *job = &x->jobs[j];
    job->in_use = FALSE;
    job->next_free = (int)x->free_job;
    x->free_job = (guint)j + 1;
}

static int stream_new(Exec *x)
{
    if (x->free_stream < 0) {
        guint old = x->n_streams, n = MAX(32u, 2 * old);
        x->streams = g_renew(Stream, x->streams, n);
        x->stream_next = g_renew(int, x->stream_next, n);
        x->stream_job = g_renew(guint32, x->stream_job, n);
        for (guint i = old; i < n; i++)
            x->stream_next[i] = i + 1 < n ? (int)(i + 1) : -1;
        x->free_stream = (int)old;
        x->n_streams = n;
    }
    int s = x->free_stream;
    x->free_stream = x->stream_next[s];
    x->stream_next[s] = -1;
    memset(&x->streams[s], 0, sizeof(Stream));
    return s;
}

static void stream_free(Exec *x, int s)
{
    x->stream_next[s] = x->free_stream;
    x->free_stream = s;
}

/* ---- parts ---------------------------------------------------------------------------------- */

static Part *add_part(Job *j, int unit, guint8 op)
{
    g_assert(j->n_parts < PART_MAX);
    Part *p = &j->part[j->n_parts++];
    memset(p, 0, sizeof *p);
    p->unit = (guint8)unit;
    p->op = op;
    p->stream = -1;
    return p;
}

Part *ts_exec_part_mem(Exec *x, Job *j, int unit, TsMemOp op, uint64_t addr, uint64_t bytes)
{
    (void)x;
    Part *p = add_part(j, unit, (guint8)op);
    p->addr = addr;
    p->bytes = bytes;
    return p;
}

Part *ts_exec_part_link(Exec *x, Job *j, int unit, TsMemOp op, uint64_t bytes, uint64_t targets,
                        gboolean broadcast)
{
    (void)x;
    Part *p = add_part(j, unit, (guint8)op);
    p->bytes = bytes;
    p->targets = MAX(targets, 1);
    p->flags = broadcast ? TS_HOST_LINK_BROADCAST : 0;
    return p;
}

Part *ts_exec_part_compute(Exec *x, Job *j, int unit, uint64_t work, uint32_t instances)
{
    (void)x;
    Part *p = add_part(j, unit, PART_COMPUTE);
    p->work = work;
    p->instances = instances;
    return p;
}

/* st: a row-major stream over the box [lo, lo + len) of each rank. */
static void stream_box(Stream *st, const TsOp *op, guint t, uint64_t base, const uint64_t *origin,
                       const uint64_t *box, uint64_t bytes)
{
    const TsTensor *tensor = &op->tensors[t];
    st->base = base;
    st->elem_bytes = MAX((tensor->precision.bits + 7u) / 8u, 1u);
    st->n_ranks = tensor->n_ranks;
    for (guint r = 0; r < tensor->n_ranks; r++) {
        const TsProjection *pr = &tensor->ranks[r];
        uint64_t lo = 0, len = 1;
        for (guint k = 0; k < pr->n_terms; k++) {
            uint64_t c = (uint64_t)(pr->coef[k] < 0 ? -pr->coef[k] : pr->coef[k]);
            lo += c * origin[pr->dim[k]];
            len += c * (box[pr->dim[k]] - 1);
        }
        st->extent[r] = MAX(ts_op_rank_extent(op, t, r), 1);
        st->lo[r] = MIN(lo, st->extent[r] - 1);
        st->len[r] = MIN(len, st->extent[r] - st->lo[r]);
    }
    if (st->n_ranks == 0) {
        st->n_ranks = 1;
        st->extent[0] = st->len[0] = 1;
    }
    /* Ranks after `outer` are covered whole but the first of them: one run per outer index. */
    guint j_rank = st->n_ranks - 1;
    while (j_rank > 0 && st->lo[j_rank] == 0 && st->len[j_rank] == st->extent[j_rank])
        j_rank--;
    st->outer = (uint8_t)j_rank;
    uint64_t inner = 1;
    for (guint r = j_rank + 1; r < st->n_ranks; r++)
        inner *= st->extent[r];
    st->run_len = st->len[j_rank] * inner * st->elem_bytes;
    st->budget = bytes;
    st->last_burst = G_MAXUINT64;
    st->burst = st->burst_end = 0;
    st->idx[0] = G_MAXUINT64; /* no run started */
}

void ts_exec_part_stream(Exec *x, Job *j, Part *p, const TsOp *op, guint t, uint64_t base,
                         const uint64_t *origin, const uint64_t *box, uint64_t bytes)
{
    int s = stream_new(x);
    stream_box(&x->streams[s], op, t, base, origin, box, bytes);
    p->stream = s;
    x->stream_job[s] = (guint32)((j - x->jobs) << 8 | (p - j->part));
}

void ts_exec_part_linear(Exec *x, Job *j, Part *p, uint64_t addr)
{
    int s = stream_new(x);
    Stream *st = &x->streams[s];
    st->base = addr;
    st->elem_bytes = 1;
    st->n_ranks = 1;
    st->extent[0] = st->len[0] = MAX(p->bytes, 1);
    st->outer = 0;
    st->run_len = p->bytes;
    st->budget = p->bytes;
    st->last_burst = G_MAXUINT64;
    st->idx[0] = G_MAXUINT64;
    p->stream = s;
    x->stream_job[s] = (guint32)((j - x->jobs) << 8 | (p - j->part));
}

/* Start address of the current run. */
static uint64_t run_start(const Stream *st)
{
    uint64_t off = 0, stride = st->elem_bytes;
    for (guint r = st->n_ranks; r-- > 0;) {
        uint64_t i = st->lo[r] + (r < st->outer ? st->idx[r] : 0);
        off += i * stride;
        stride *= st->extent[r];
    }
    return st->base + off;
}

/* Advances to the next run; FALSE when the box is done. */
static gboolean next_run(Stream *st, uint32_t burst)
{
    if (st->idx[0] == G_MAXUINT64) {
        memset(st->idx, 0, sizeof st->idx);
    } else {
        guint r = st->outer;
        for (;;) {
            if (r == 0)
                return FALSE;
            r--;
            if (++st->idx[r] < st->len[r])
                break;
            st->idx[r] = 0;
        }
    }
    uint64_t a = run_start(st);
    uint64_t len = MIN(st->run_len, st->budget);
    st->budget -= len;
    st->burst = a / burst * burst;
    st->burst_end = a + len;
    return TRUE;
}

/* The next burst address of a stream, or G_MAXUINT64 when it is done. */
static uint64_t stream_next(Stream *st, uint32_t burst)
{
    for (;;) {
        while (st->burst >= st->burst_end) {
            if (st->budget == 0 || !next_run(st, burst))
                return G_MAXUINT64;
        }
        uint64_t b = st->burst;
        st->burst += burst;
        if (b != st->last_burst) {
            st->last_burst = b;
            return b;
        }
    }
}

/* Bursts of the stream over a box as it would send them (consecutive duplicates merged), counted
 * run by run without sending. */
uint64_t ts_exec_box_bursts(const Exec *x, const TsOp *op, guint t, uint64_t base,
                            const uint64_t *origin, const uint64_t *box, uint64_t bytes)
{
    if (bytes == 0)
        return 0;
    Stream st;
    memset(&st, 0, sizeof st);
    stream_box(&st, op, t, base, origin, box, bytes);
    const uint32_t b = MAX(x->dram_burst, 1u);
    uint64_t n = 0, last = G_MAXUINT64;
    while (st.budget > 0 && next_run(&st, b)) {
        if (st.burst >= st.burst_end)
            continue;
        const uint64_t first = st.burst, end = (st.burst_end + b - 1) / b * b;
        n += (end - first) / b - (first == last);
        last = end - b;
    }
    return n;
}

uint64_t ts_exec_linear_bursts(const Exec *x, uint64_t addr, uint64_t bytes)
{
    const uint64_t b = MAX(x->dram_burst, 1u);
    return bytes ? (addr + bytes + b - 1) / b - addr / b : 0;
}

/* ---- sending -------------------------------------------------------------------------------- */

static TsPort *unit_port(Exec *x, const Unit *u, guint element)
{
    return ts_component_port_at(&x->base, 0, u->first_port + element);
}

static void part_finish(Exec *x, int job, int part);

/* Channel ch of the first timed DRAM has a request queued (a send): its time without one ends. */
static inline void channel_busy(Exec *x, guint ch)
{
    ExecChannels *c = &x->chan;
    if (c->idle[ch]) {
        c->idle_ps[ch] += (double)(ts_sim_now(x->sim) - c->idle_since[ch]);
        c->idle[ch] = FALSE;
    }
}

/* After a credit or a read's answer on channel ch (its port): with no read outstanding and
 * every credit back, its time without a request queued starts. */
static inline void channel_check(Exec *x, guint ch, const TsPort *port)
{
    ExecChannels *c = &x->chan;
    if (c->idle[ch] || c->reads[ch] > 0)
        return;
    const guint32 credits = ts_port_credits(port);
    c->cap[ch] = MAX(c->cap[ch], credits);
    if (credits >= c->cap[ch]) {
        c->idle[ch] = TRUE;
        c->idle_since[ch] = ts_sim_now(x->sim);
    }
}

double ts_exec_channel_idle_ps(const Exec *x, guint ch)
{
    const ExecChannels *c = &x->chan;
    if (ch >= c->n)
        return 0.0;
    return c->idle_ps[ch] + (c->idle[ch] ? (double)(ts_sim_now(x->sim) - c->idle_since[ch]) : 0.0);
}

static void send_part(Exec *x, int job, int part)
{
    Job *j = &x->jobs[job];
    Part *p = &j->part[part];
    Unit *u = &x->unit[p->unit];
    TsPort *port = unit_port(x, u, 0);
    const guint64 tag = (guint64)job << 8 | (guint64)part;
    TsEvent *ev;
    if (u->role == UNIT_PIM && x->ctx[j->ctx]->lut != NULL) {
        /* a LUT-NN op's kernel segment (ts-exec-lut.c) */
        ev = ts_sim_event_new(x->sim, NULL, TS_PIM_EV_LAUNCH);
        ev->payload.ptr[0] = ts_exec_lut_segment(x->ctx[j->ctx], p);
        ev->payload.u64[1] = tag;
    } else if (u->role == UNIT_PIM) {
        /* the step's MACs on every utilized DPU in lockstep: one DPU's kernel, its tasklets
         * sharing the MACs, each MAC the issue slots of the op's precision */
        const TsPimCoreSpec *sp = ts_arch_level(x->arch, (guint)u->level)->spec;
        const guint tasklets = (guint)MAX(sp->tasklets, 1u);
        x->dpu_step =
            (TsDpuStep){TS_DPU_STEP_COMPUTE,
                        (double)p->work * x->ctx[j->ctx]->dpu_slots_per_mac / tasklets, FALSE};
        x->dpu_kernel = (TsDpuKernel){&x->dpu_step, 1, tasklets, 1, NULL};
        ev = ts_sim_event_new(x->sim, NULL, TS_PIM_EV_LAUNCH);
        ev->payload.ptr[0] = &x->dpu_kernel;
        ev->payload.u64[1] = tag;
    } else if (u->role == UNIT_SYSTOLIC && p->n == 0) {
        /* elementwise work on the PEs as lanes: p->work cycles */
        ev = ts_sim_event_new(x->sim, NULL, TS_SYSTOLIC_EV_LANES);
        ev->payload.u64[0] = p->work;
        ev->payload.u64[3] = tag;
    } else if (u->role == UNIT_SYSTOLIC && p->passes > 1) {
        /* the step's passes (ts_exec_op_begin keeps K and the passes within 32 bits) */
        ev = ts_sim_event_new(x->sim, NULL, TS_SYSTOLIC_EV_PASSES);
        ev->payload.u64[0] = p->work;
        ev->payload.u64[1] = p->n;
        ev->payload.u32[4] = (guint32)p->k;
        ev->payload.u32[5] = (guint32)p->passes;
        ev->payload.u64[3] = tag;
    } else if (u->role == UNIT_SYSTOLIC) {
        ev = ts_sim_event_new(x->sim, NULL, TS_SYSTOLIC_EV_COMPUTE);
        ev->payload.u64[0] = p->work;
        ev->payload.u64[1] = p->n;
        ev->payload.u64[2] = p->k;
        ev->payload.u64[3] = tag;
    } else if (p->op == PART_COMPUTE) {
        ev = ts_sim_event_new(x->sim, NULL, TS_EVENT_COMPUTE_REQUEST);
        TsComputeReq *r = ts_compute_req(ev);
        r->tag = tag;
        r->work = p->work;
        r->instances = p->instances;
        r->op = p->vop;
        /* the unit's busy time for it: its cycles in the unit's fixed point */
        ts_exec_own_busy(x, j, p->unit, 0,
                         ts_compute_unit_busy_cycles(u->comp, p->work, p->vop) * u->period_ps);
    } else if (u->role == UNIT_BANKS) {
        /* every unit's bytes in lockstep: the same request to every channel */
        p->outstanding = u->n_ports;
        for (guint i = 0; i < u->n_ports; i++) {
            ev = ts_sim_event_new(x->sim, NULL, TS_EVENT_MEM_REQUEST);
            TsMemReq *r = ts_mem_req(ev);
            r->tag = tag;
            r->addr = p->addr;
            r->bytes = (guint32)MIN(p->bytes, (uint64_t)G_MAXUINT32);
            r->op = p->op;
            r->tensor = j->tensor;
            ts_port_send(unit_port(x, u, i), ev, 0);
        }
        p->sent = TRUE;
        p->sent_tick = ts_sim_now(x->sim);
        return;
    } else {
        ev = ts_sim_event_new(x->sim, NULL, TS_EVENT_MEM_REQUEST);
        TsMemReq *r = ts_mem_req(ev);
        r->tag = tag;
        r->addr = u->role == UNIT_LINK ? p->targets : p->addr;
        r->bytes = (guint32)MIN(p->bytes, (uint64_t)G_MAXUINT32);
        r->op = p->op;
        r->flags = p->flags;
        r->tensor = j->tensor;
        r->dma_calls = p->dma_calls;
        if (u->role == UNIT_LINK) {
            ts_exec_own_busy(x, j, p->unit, r->op == TS_MEM_WRITE ? 0 : 1,
                             ts_host_link_request_busy_ps(u->comp, r));
        } else {
            gboolean rd;
            const double cycles = ts_sram_request_busy_cycles(u->comp, r, &rd);
            ts_exec_own_busy(x, j, p->unit, rd ? 0 : 1, cycles * u->period_ps);
        }
    }
    p->sent = TRUE;
    p->sent_tick = ts_sim_now(x->sim);
    ts_port_send(port, ev, 0);
}

/* Credits of a unit's ports: its port's, or for all-bank requests the fewest of its
 * channels'. */
static guint32 unit_credits(Exec *x, const Unit *u)
{
    guint32 n = ts_port_credits(unit_port(x, u, 0));
    for (guint i = 1; u->role == UNIT_BANKS && i < u->n_ports; i++)
        n = MIN(n, ts_port_credits(unit_port(x, u, i)));
    return n;
}

/* Sends waiting parts of a (non-DRAM) unit while its port has credits. */
static void drain_unit(Exec *x, int ui)
{
    Unit *u = &x->unit[ui];
    while (u->wait_len > 0 && unit_credits(x, u) > 0) {
        guint32 w = u->wait[u->wait_head];
        u->wait_head = (u->wait_head + 1) & (u->wait_cap - 1);
        u->wait_len--;
        send_part(x, (int)(w >> 8), (int)(w & 0xff));
    }
}

/* Sends bursts of the DRAM unit's streams while their channels have credits: each stream's
 * bursts in order, the streams in FIFO order; a stream whose next burst's channel has no
 * credit is passed over (it keeps its place and its order) and the streams behind it go on
 * to the channels that have credits, so that one stream waiting on a busy channel leaves the
 * other channels working (docs/des.md section 12, "DRAM bursts"). */
static void pump_dram(Exec *x, int ui)
{
    Unit *u = &x->unit[ui];
    /* a burst's busy time: tBURST on its channel's data bus, over the unit's channels */
    const TsDramSpec *d = ts_arch_level(x->arch, (guint)u->level)->spec;
    const double burst_ps = (double)d->cycles.tBURST * d->tck_ps / (double)MAX(u->n_ports, 1u);
    /* channels found without a credit in this pass (a later stream's burst for one of them
     * waits too) */
    guint64 full[(EXEC_MAX_PORTS + 63) / 64] = {0};
    guint n_full = 0;
    if (u->pumping) {
        /* a stream's part finished inside the pass and started a job: the pass starts over */
        u->repump = TRUE;
        return;
    }
    u->pumping = TRUE;
    int prev = -1, s = u->s_head;
    while (s >= 0 && n_full < u->n_ports) {
        Stream *st = &x->streams[s];
        const guint32 jp = x->stream_job[s];
        Job *j = &x->jobs[jp >> 8];
        Part *p = &j->part[jp & 0xff];
        gboolean blocked = FALSE;
        while (!st->done) {
            /* the next burst, kept until it can go */
            if (!st->peeked) {
                st->peek = stream_next(st, x->dram_burst);
                st->peeked = TRUE;
                if (st->peek != G_MAXUINT64)
                    st->channel = ts_dram_unit_of(u->comp, st->peek);
            }
            if (st->peek == G_MAXUINT64) {
                st->done = TRUE;
                break;
            }
            const guint ch = st->channel;
            if (full[ch / 64] >> (ch % 64) & 1) {
                blocked = TRUE;
                break;
            }
            TsPort *port = unit_port(x, u, ch);
            const guint32 credits = ts_port_credits(port);
            if (G_UNLIKELY(ui == x->dram_unit && x->chan.cap[ch] == 0))
                x->chan.cap[ch] = credits; /* before the channel's first send: all of them */
            if (credits == 0) {
                full[ch / 64] |= G_GUINT64_CONSTANT(1) << (ch % 64);
                n_full++;
                blocked = TRUE;
                break;
            }
            TsEvent *ev = ts_sim_event_new(x->sim, NULL, TS_EVENT_MEM_REQUEST);
            TsMemReq *r = ts_mem_req(ev);
            /* the burst's channel + 1 above the job and part: its answer names it */
            r->tag = jp | (guint64)(ch + 1) << EXEC_TAG_CHANNEL_SHIFT;
            r->addr = st->peek;
            r->bytes = x->dram_burst;
            r->op = p->op;
            r->tensor = j->tensor;
            st->peeked = FALSE;
            p->outstanding++;
            st->bursts++;
            if (ui == x->dram_unit)
                x->timing[x->ctx[j->ctx]->op_index].dram_reached[ch / 64] |= G_GUINT64_CONSTANT(1)
                                                                             << (ch % 64);
            ts_exec_own_busy(x, j, ui, 0, burst_ps);
            ts_port_send(port, ev, 0);
            if (ui == x->dram_unit) {
                if (p->op != TS_MEM_WRITE)
                    x->chan.reads[ch]++;
                channel_busy(x, ch);
            }
        }
        const int next = x->stream_next[s];
        if (blocked) {
            prev = s;
            s = next;
            continue;
        }
        /* every burst sent: off the FIFO, its bursts counted */
        if (ui == x->dram_unit)
            x->timing[x->ctx[j->ctx]->op_index].dram_own_bursts[p->op == TS_MEM_WRITE] +=
                st->bursts;
        if (prev >= 0)
            x->stream_next[prev] = next;
        else
            u->s_head = next;
        if (u->s_tail == s)
            u->s_tail = prev;
        p->sent = TRUE;
        stream_free(x, s);
        p->stream = -1;
        s = next;
        if (p->outstanding == 0) {
            part_finish(x, (int)(jp >> 8), (int)(jp & 0xff));
            if (u->repump) {
                /* streams added: from the head again (the channels found full stay full: no
                 * credit returns within the pass) */
                u->repump = FALSE;
                prev = -1;
                s = u->s_head;
            }
        }
    }
    u->pumping = FALSE;
}

/* Every part answered: the job's critical-path record, then its context is told. */
static void job_complete(Exec *x, Job *j)
{
    j->end = ts_sim_now(x->sim);
    ts_exec_cp_record(x, j);
    OpCtx *c = x->ctx[j->ctx];
    if (c->einsum)
        ts_exec_op_job_done(x, c, j);
    else if (c->lut != NULL)
        ts_exec_lut_job_done(x, c, j);
    else
        ts_exec_ew_job_done(x, c, j);
}

void *ts_exec_ring_grow(void *ring, gsize elem, guint *cap, guint *head, guint len, guint first)
{
    const guint n = *cap ? 2 * *cap : first;
    char *to = g_malloc_n(n, elem);
    const char *from = ring;
    for (guint i = 0; i < len; i++)
        memcpy(to + i * elem, from + ((*head + i) & (*cap - 1)) * elem, elem);
    g_free(ring);
    *cap = n;
    *head = 0;
    return to;
}

/* Doubles a unit's ring of waiting parts (EXEC_WAIT_RING at first), keeping their order. */
static void wait_grow(Unit *u)
{
    u->wait = ts_exec_ring_grow(u->wait, sizeof *u->wait, &u->wait_cap, &u->wait_head, u->wait_len,
                                EXEC_WAIT_RING);
}

void ts_exec_job_start(Exec *x, int job)
{
    Job *j = &x->jobs[job];
    if (j->n_parts == 0) {
        job_complete(x, j);
        return;
    }
    const guint n = j->n_parts;
    OpTiming *tm = &x->timing[x->ctx[j->ctx]->op_index];
    for (guint i = 0; i < n; i++) {
        Part *p = &x->jobs[job].part[i];
        Unit *u = &x->unit[p->unit];
        tm->units_used |= 1u << p->unit;
        p->sent_tick = ts_sim_now(x->sim);
        if (u->role == UNIT_DRAM) {
            if (p->stream < 0 || p->bytes == 0) {
                if (p->stream >= 0) {
                    stream_free(x, p->stream);
                    p->stream = -1;
                }
                p->sent = TRUE;
                part_finish(x, job, (int)i);
                continue;
            }
            const int s = p->stream;
            x->stream_next[s] = -1;
            if (u->s_tail >= 0)
                x->stream_next[u->s_tail] = s;
            else
                u->s_head = s;
            u->s_tail = s;
            pump_dram(x, p->unit);
            continue;
        }
        if (u->wait_len >= u->wait_cap)
            wait_grow(u);
        u->wait[(u->wait_head + u->wait_len) & (u->wait_cap - 1)] = (guint32)job << 8 | i;
        u->wait_len++;
        drain_unit(x, p->unit);
    }
}

/* ---- completion ----------------------------------------------------------------------------- */

static void part_finish(Exec *x, int job, int part)
{
    Job *j = &x->jobs[job];
    Part *p = &j->part[part];
    if (p->done)
        return;
    p->done = TRUE;
    p->done_tick = ts_sim_now(x->sim);
    j->critical = part;
    if (++j->parts_done < j->n_parts)
        return;
    job_complete(x, j);
}

void ts_exec_on_response(Exec *x, TsEvent *ev)
{
    guint64 tag;
    if (ev->type == TS_SYSTOLIC_EV_DONE || ev->type == TS_PIM_EV_DONE)
        tag = ev->payload.u64[0];
    else if (ev->type == TS_EVENT_COMPUTE_RESPONSE)
        tag = ts_compute_req_const(ev)->tag;
    else if (ev->type == TS_EVENT_MEM_RESPONSE)
        tag = ts_mem_req_const(ev)->tag;
    else
        TS_ABORT(&x->base, "unexpected event type 0x%x", ev->type);
    const int job = (int)(tag >> 8 & G_MAXUINT32), part = (int)(tag & 0xff);
    Job *j = &x->jobs[job];
    Part *p = &j->part[part];
    /* compute units: the cycles the step occupied the unit, as its busy statistics add them */
    if (ev->type == TS_PIM_EV_DONE)
        ts_exec_own_busy(x, j, p->unit, 0, (double)ev->payload.u64[1] * x->unit[p->unit].period_ps);
    else if (ev->type == TS_SYSTOLIC_EV_DONE)
        ts_exec_own_busy(x, j, p->unit, 0,
                         (double)(ev->payload.u64[1] + 1) * x->unit[p->unit].period_ps);
    if (x->unit[p->unit].role == UNIT_DRAM || x->unit[p->unit].role == UNIT_BANKS) {
        if ((int)p->unit == x->dram_unit && p->op != TS_MEM_WRITE) {
            const guint ch = (guint)(tag >> EXEC_TAG_CHANNEL_SHIFT) - 1;
            if (--x->chan.reads[ch] == 0)
                channel_check(x, ch, unit_port(x, &x->unit[p->unit], ch));
        }
        p->outstanding--;
        if (p->sent && p->outstanding == 0)
            part_finish(x, job, part);
        return;
    }
    part_finish(x, job, part);
}

void ts_exec_on_credit(Exec *x, TsEvent *ev)
{
    const TsPort *port = ts_component_port_of_event(&x->base, ev);
    const guint element = ts_port_element(port);
    const int ui = (int)x->port_unit[element];
    if (ui == x->dram_unit)
        channel_check(x, element - x->unit[ui].first_port, port);
    if (x->unit[ui].role == UNIT_DRAM)
        pump_dram(x, ui);
    else
        drain_unit(x, ui);
}
