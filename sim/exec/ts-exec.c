/* The executor's entry points and sequencing: ops run in workload order, each op's instances
 * one after another, two at a time at most: the next starts once the running one has issued
 * its last compute step (so its parameter prefetch overlaps the other's drain); the instances
 * of an op that share each host-link call start together as one lock-step group (counting as
 * one); an op's activations are fetched once every earlier op's outputs are written. Per op it
 * records the counted actions (as a TsCost), energies, the stall breakdown, each unit's
 * utilization and the DRAM's behaviour over the op's time window. */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-fuse.h"

#define TENSOR_ALIGN 4096

/* ---- address layout ------------------------------------------------------------------------ */

static uint64_t aligned_tensor_bytes(const TsOp *op, guint t)
{
    uint64_t b = ts_op_tensor_elements(op, t) * MAX((op->tensors[t].precision.bits + 7u) / 8u, 1u);
    return (b + TENSOR_ALIGN - 1) / TENSOR_ALIGN * TENSOR_ALIGN;
}

uint64_t ts_exec_op_footprint(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0);
    uint64_t total = 0;
    for (guint t = 0; t < op->n_tensors; t++)
        total += aligned_tensor_bytes(op, t);
    return MAX(total, TENSOR_ALIGN);
}

uint64_t ts_exec_tensor_base(const TsOp *op, guint tensor, uint64_t instance)
{
    g_return_val_if_fail(op != NULL && tensor < op->n_tensors, 0);
    uint64_t at = instance * ts_exec_op_footprint(op);
    for (guint t = 0; t < tensor; t++)
        at += aligned_tensor_bytes(op, t);
    return at;
}

const char *ts_stall_kind_name(TsStallKind kind)
{
    static const char *const names[TS_STALL_COUNT_] = {"fill", "drain", "bandwidth", "latency"};
    return kind < TS_STALL_COUNT_ ? names[kind] : "?";
}

/* ---- the ops to run ------------------------------------------------------------------------ */

typedef struct {
    const TsOp *op;
    const TsModel *model;
    const TsMapping *mapping;
    gboolean einsum;
    uint64_t count;
    double analytical_cycles;   /* per instance: bounds simulated time */
    const TsVectorCost *vector; /* elementwise: the layer's cost (NULL: computed) */
    const TsLutPimCost *lut;    /* a LUT-NN op on DPUs: the configuration the mapper chose */
    gboolean fused;             /* an iteration of a fused group (runs exactly) */
} OpSpec;

typedef struct Plan {
    OpSpec *ops;
    guint n;
    TsExecOpResult *results;
    uint64_t *instances_done;
    guint ops_done; /* leading ops with every instance complete */
} Plan;

static Plan *plan_of(Exec *x)
{
    return x->plan;
}

TsExecOpResult *ts_exec_result_of(Exec *x, const OpCtx *c)
{
    return &plan_of(x)->results[c->op_index];
}

/* ---- unit statistics ----------------------------------------------------------------------- */

/* Busy time of a unit so far, ps (the busiest port / direction / channel). */
static double unit_busy_ps(const Exec *x, const Unit *u)
{
    switch (u->role) {
    case UNIT_SRAM: {
        TsSramStats st;
        ts_sram_get_stats(u->comp, &st);
        return MAX(st.read_busy_cycles, st.write_busy_cycles) * u->period_ps;
    }
    case UNIT_DRAM: {
        TsDramStats st;
        ts_dram_get_stats(u->comp, &st);
        const TsDramSpec *d = ts_arch_level(x->arch, (guint)u->level)->spec;
        /* the data buses: bursts x tBURST over the channels */
        return (double)(st.read_cmds + st.write_cmds) * (double)d->cycles.tBURST * d->tck_ps /
               (double)MAX(u->n_ports, 1u);
    }
    case UNIT_BANKS: {
        /* all-bank rows open (ACTAB to PREAB + tRP), over the channels */
        TsDramStats st;
        ts_dram_get_stats(u->comp, &st);
        return (double)st.ab_busy_cycles * u->period_ps / (double)MAX(u->n_ports, 1u);
    }
    case UNIT_LINK: {
        TsHostLinkStats st;
        ts_host_link_get_stats(u->comp, &st);
        return MAX(st.h2d_busy_ps, st.d2h_busy_ps);
    }
    case UNIT_PIM:
        return (double)ts_pim_core_busy_cycles(u->comp) * u->period_ps;
    case UNIT_SYSTOLIC: {
        guint64 cycles;
        ts_systolic_component_busy(u->comp, &cycles, NULL);
        return (double)cycles * u->period_ps;
    }
    case UNIT_MAC:
    case UNIT_VECTOR: {
        TsComputeUnitStats st;
        ts_compute_unit_get_stats(u->comp, &st);
        return st.busy_cycles * u->period_ps;
    }
    }
    return 0.0;
}

static double unit_conflicts(const Unit *u)
{
    if (u->role != UNIT_SRAM)
        return 0.0;
    TsSramStats st;
    ts_sram_get_stats(u->comp, &st);
    return st.bank_conflict_cycles;
}

double ts_exec_unit_busy(const Exec *x, guint u)
{
    return unit_busy_ps(x, &x->unit[u]);
}

double ts_exec_unit_conflicts(const Exec *x, guint u)
{
    return unit_conflicts(&x->unit[u]);
}

static const char *unit_kind(const Unit *u)
{
    return u->comp->kind->name;
}

/* ---- the critical path ---------------------------------------------------------------------- */

static CpRecord *cp_at(const Exec *x, uint64_t seq)
{
    return &x->cp[seq & (x->cp_cap - 1)];
}

uint64_t ts_exec_cp_cause(const Exec *x)
{
    if (x->cause == CP_NONE || x->cause < x->cp_first)
        return CP_NONE;
    return cp_at(x, x->cause)->end == ts_sim_now(x->sim) ? x->cause : CP_NONE;
}

static gboolean op_complete(Exec *x, guint op)
{
    const Plan *pl = plan_of(x);
    return pl->instances_done[op] == pl->ops[op].count;
}

/* The earliest time a stall window still to be charged can open: per running op, where its
 * compute unit's timeline stands (its next gap or drain opens there), or for an op before its
 * first step, the previous op's end (or where that op's timeline stands while it runs). */
static TsTick cp_horizon(Exec *x)
{
    TsTick h = ts_sim_now(x->sim);
    for (guint i = 0; i < x->n_ctx; i++) {
        const OpCtx *c = x->ctx[i];
        if (!c->active)
            continue;
        const OpTiming *t = &x->timing[c->op_index];
        TsTick lo = 0;
        if (t->started) {
            lo = t->free;
        } else if (c->op_index > 0) {
            const OpTiming *p = &x->timing[c->op_index - 1];
            lo = op_complete(x, c->op_index - 1) ? p->end : p->started ? p->free : 0;
        }
        h = MIN(h, lo);
    }
    return h;
}

void ts_exec_cp_record(Exec *x, const Job *j)
{
    if (x->cp_next - x->cp_first == x->cp_cap) {
        /* records no window can reach (they end before every window opens) are dropped;
         * records are appended in order of their end */
        const TsTick h = cp_horizon(x);
        while (x->cp_first < x->cp_next && cp_at(x, x->cp_first)->end < h)
            x->cp_first++;
        if (x->cp_next - x->cp_first == x->cp_cap) {
            const uint64_t old = x->cp_cap, n = old ? 2 * old : 256;
            CpRecord *ring = g_new(CpRecord, n);
            for (uint64_t s = x->cp_first; s < x->cp_next; s++)
                ring[s & (n - 1)] = x->cp[s & (old - 1)];
            g_free(x->cp);
            x->cp = ring;
            x->cp_cap = n;
        }
    }
    CpRecord *r = cp_at(x, x->cp_next);
    r->start = j->start;
    r->end = j->end;
    r->parent = j->cause;
    r->unit = -1;
    r->latency = FALSE;
    if (j->critical >= 0) {
        const Part *p = &j->part[j->critical];
        r->unit = p->unit;
        /* latency: the part met no queue and its time was mostly the size-independent part */
        const double took = (double)(p->done_tick - p->sent_tick);
        const gboolean queued = took > 1.05 * p->unloaded_ps + 2.0 * x->arch_period_ps;
        r->latency = !queued && p->fixed_ps >= p->unloaded_ps - p->fixed_ps;
    }
    x->cause = x->cp_next++;
}

/* Charges the compute unit's idle window [from, to) (to: now) of op timing t: to `kind`, or
 * with kind < 0 to bandwidth or latency segment by segment; and to the units along the
 * critical path that ended now: walking back from the job completed now through the jobs whose
 * completion issued each, every job's span within the window goes to the unit of its part that
 * finished last. Time the path does not reach (a job issued with no cause) goes to no unit. */
static void charge_window(Exec *x, OpTiming *t, TsTick from, TsTick to, int kind)
{
    if (to <= from)
        return;
    TsTick at = to;
    uint64_t s = ts_exec_cp_cause(x);
    while (at > from && s != CP_NONE && s >= x->cp_first) {
        const CpRecord *r = cp_at(x, s);
        if (r->end < at)
            break; /* not contiguous: the path does not reach further */
        const TsTick lo = MAX(r->start, from);
        if (at > lo) {
            const double d = (double)(at - lo);
            t->stall_ps[kind >= 0 ? kind : r->latency ? TS_STALL_LATENCY : TS_STALL_BANDWIDTH] += d;
            if (r->unit >= 0)
                t->unit_stall_ps[r->unit] += d;
            at = lo;
        }
        s = r->parent;
    }
    if (at > from)
        t->stall_ps[kind >= 0 ? kind : TS_STALL_BANDWIDTH] += (double)(at - from);
}

/* ---- the compute unit's timeline ------------------------------------------------------------ */

void ts_exec_compute_issued(Exec *x, OpCtx *c, double step_ps)
{
    OpTiming *t = &x->timing[c->op_index];
    const TsTick now = ts_sim_now(x->sim);
    if (!t->started) {
        /* the op's window opens when the previous op is complete */
        const TsTick open = c->op_index > 0 ? x->timing[c->op_index - 1].end : 0;
        t->started = TRUE;
        t->first_compute = MAX(now, open);
        t->free = t->first_compute;
        charge_window(x, t, open, t->first_compute, TS_STALL_FILL);
    }
    const TsTick start = MAX(now, t->free);
    if (start > t->free)
        charge_window(x, t, t->free, start, -1);
    t->free = start + (TsTick)ceil(step_ps);
    t->busy_ps += step_ps;
}

/* ---- starting and finishing ops ------------------------------------------------------------ */

static gboolean start_next(Exec *x);
static void dram_time(const Exec *x, guint op, TsExecOpResult *r);

/* The units' busy times and conflicts, and the op's own busy times, as its window opens. */
static void snap_units(const Exec *x, OpTiming *t)
{
    for (guint i = 0; i < x->n_units; i++) {
        t->snap_busy[i] = unit_busy_ps(x, &x->unit[i]);
        t->snap_conflicts[i] = unit_conflicts(&x->unit[i]);
    }
    memcpy(t->snap_own_ps, t->own_busy_ps, sizeof t->snap_own_ps);
    if (x->dram_unit >= 0)
        ts_dram_get_stats(x->unit[x->dram_unit].comp, &t->snap_dram_window);
    for (guint ch = 0; ch < x->chan.n; ch++)
        t->snap_idle_ps[ch] = ts_exec_channel_idle_ps(x, ch);
}

static void record_start(Exec *x, OpCtx *c)
{
    TsExecOpResult *r = ts_exec_result_of(x, c);
    OpTiming *t = &x->timing[c->op_index];
    if (c->instance != 0)
        return;
    r->n_units = x->n_units;
    t->begun = TRUE;
    t->snap_at = ts_sim_now(x->sim);
    if (c->op_index == 0 || op_complete(x, c->op_index - 1))
        snap_units(x, t);
    if (x->dram_unit >= 0)
        ts_dram_get_stats(x->unit[x->dram_unit].comp, &t->snap_dram);
    t->snap_events = ts_sim_events_processed(x->sim);
}

static gboolean begin_ctx(Exec *x, OpCtx *c, guint op_index, uint64_t instance)
{
    Plan *pl = plan_of(x);
    const OpSpec *s = &pl->ops[op_index];
    const guint slot = c->slot;
    ts_exec_ctx_clear(x, c);
    memset(c, 0, sizeof *c);
    c->slot = slot;
    c->active = TRUE;
    c->einsum = s->einsum;
    c->lut = s->lut;
    c->op_index = op_index;
    c->instance = instance;
    c->count = s->count;
    c->op = s->op;
    c->model = s->model;
    c->mapping = s->mapping;
    c->vector = s->vector;
    c->base = x->layer_base;
    x->layer_base += ts_exec_op_footprint(s->op);
    c->deps_done = pl->ops_done >= op_index;
    c->ch_sample = !s->einsum && s->count == 1 && !s->fused;
    c->st_sample = s->einsum && s->lut == NULL && s->count == 1 && !s->fused;
    record_start(x, c);
    if (s->lut != NULL)
        return ts_exec_lut_begin(x, c);
    return s->einsum ? ts_exec_op_begin(x, c) : ts_exec_ew_begin(x, c);
}

static void pump(Exec *x, OpCtx *c)
{
    if (c->einsum)
        ts_exec_op_pump(x, c);
    else if (c->lut != NULL)
        ts_exec_lut_pump(x, c);
    else
        ts_exec_ew_pump(x, c);
}

/* An inactive context: the first free one, else a new one (contexts are allocated once and
 * reused; more than EXEC_CTX only for the lanes of a lock-step group). */
static OpCtx *free_ctx(Exec *x)
{
    for (guint i = 0; i < x->n_ctx; i++)
        if (!x->ctx[i]->active)
            return x->ctx[i];
    x->ctx = g_renew(OpCtx *, x->ctx, x->n_ctx + 1);
    OpCtx *c = g_new0(OpCtx, 1);
    c->slot = x->n_ctx;
    x->ctx[x->n_ctx++] = c;
    return c;
}

/* Takes the next op instance of the plan to start: its op and instance. */
static void take_next(Exec *x, guint *op, uint64_t *inst)
{
    const Plan *pl = plan_of(x);
    *op = x->next_op;
    *inst = x->next_instance;
    if (++x->next_instance >= pl->ops[*op].count) {
        x->next_op++;
        x->next_instance = 0;
    }
}

/* Begins the other instances of the op begun in c (its instance 0) as the lanes of a
 * lock-step group, when its instances share their host-link calls. */
static gboolean begin_group(Exec *x, OpCtx *c)
{
    if (!c->einsum || c->lut != NULL || c->instance != 0 || !ts_exec_op_lockstep(c))
        return TRUE;
    if (!ts_exec_lanes_fit(c->op, c->count, ts_exec_lane_bytes(c->compute), x->lane_memory,
                           &x->error))
        return FALSE;
    const guint n = (guint)c->count;
    OpCtx **lane = g_new(OpCtx *, n);
    lane[0] = c;
    for (guint i = 1; i < n; i++) {
        guint op;
        uint64_t inst;
        take_next(x, &op, &inst);
        g_assert(op == c->op_index && inst == i);
        lane[i] = free_ctx(x);
        if (!begin_ctx(x, lane[i], op, inst)) {
            g_free(lane);
            return FALSE;
        }
        ts_exec_op_share_versions(c, lane[i]);
    }
    ts_exec_op_group(lane, n);
    return TRUE;
}

/* Starts the next op instance (or lock-step group of instances) when fewer than EXEC_CTX are
 * in flight and the running ones have issued their compute. FALSE (with x->error set) when an
 * op cannot be prepared. */
static gboolean start_next(Exec *x)
{
    Plan *pl = plan_of(x);
    while (x->next_op < pl->n) {
        guint running = 0;
        for (guint i = 0; i < x->n_ctx; i++) {
            const OpCtx *o = x->ctx[i];
            if (!o->active)
                continue;
            if (!o->issued_all)
                return TRUE; /* one op at a time on the compute unit */
            running += o->lane == 0;
        }
        if (running >= EXEC_CTX)
            return TRUE;
        OpCtx *c = free_ctx(x);
        guint op;
        uint64_t inst;
        take_next(x, &op, &inst);
        const OpSpec *s = &pl->ops[op];
        const uint64_t skip = ts_exec_sample_instance(x, op, s->op, inst, s->count, s->lut == NULL);
        if (!begin_ctx(x, c, op, inst) || !begin_group(x, c)) {
            ts_sim_request_stop(x->sim, &x->base, "an op could not be prepared");
            return FALSE;
        }
        if (skip > 0) {
            /* the next skip instances are extrapolated; the ones after run at their addresses */
            pl->instances_done[op] += skip;
            x->layer_base += skip * ts_exec_op_footprint(s->op);
            x->next_instance += skip;
            if (x->next_instance >= s->count) {
                x->next_op = op + 1;
                x->next_instance = 0;
            }
        }
        pump(x, c);
    }
    return TRUE;
}

void ts_exec_ctx_compute_done(Exec *x, OpCtx *c)
{
    c->issued_all = TRUE;
    start_next(x);
}

static void finish_result(Exec *x, OpCtx *c);

/* The op's bound (TsExecOpResult.bound) from its units' figures over its window (ps). */
static const char *op_bound(const Exec *x, const OpCtx *c, const TsExecOpResult *r,
                            double window_ps)
{
    const char *bound = c->einsum || c->lut != NULL ? "compute" : "vector";
    double most = r->compute_busy_cycles;
    const guint32 used = x->timing[c->op_index].units_used;
    for (guint i = 0; i < x->n_units && i < TS_EXEC_MAX_UNITS; i++) {
        const Unit *u = &x->unit[i];
        if (u->role == UNIT_MAC || u->role == UNIT_SYSTOLIC || u->role == UNIT_VECTOR)
            continue; /* compute: its busy time is compute_busy_cycles */
        if (!(used >> i & 1u))
            continue; /* busy in the window with another op's work (the next op's prefetch) */
        const TsExecUnitResult *ur = &r->unit[i];
        const double claim = MAX(ur->utilization * window_ps / x->arch_period_ps, ur->stall_cycles);
        if (claim > most) {
            most = claim;
            bound = ur->name;
        }
    }
    return bound;
}

/* The figures of an op's TsCost that follow from its simulated time (one instance): compute
 * busy cycles, utilization, EDP, and leakage over the simulated time (the model's leakage per
 * cycle on every instance, so the model's figure scaled by the ratio of cycles); area as the
 * model gives it. */
static void time_figures(const OpCtx *c, TsExecOpResult *r)
{
    TsCost *k = &r->cost;
    const double n = (double)MAX(r->count, 1);
    k->compute_cycles = r->compute_busy_cycles / n;
    k->edp_j_cycles = k->energy_pj * 1e-12 * k->cycles;
    if (c->lut != NULL) {
        k->utilization = r->cycles > 0 ? r->compute_busy_cycles / r->cycles : 0.0;
        return;
    }
    if (!c->einsum) {
        k->utilization = k->cycles > 0 ? c->ew.compute_cycles / k->cycles : 0.0;
        return;
    }
    TsCost an;
    if (ts_model_evaluate(c->model, c->mapping, &an) != TS_EVAL_OK || an.cycles <= 0)
        return;
    const double ratio = k->cycles / an.cycles;
    k->utilization = ratio > 0 ? an.utilization / ratio : 0.0;
    k->compute_leakage_pj = an.compute_leakage_pj * ratio;
    k->compute_area_um2 = an.compute_area_um2;
    k->leakage_pj = an.leakage_pj * ratio;
    k->area_um2 = an.area_um2;
    k->energy_with_leakage_pj = k->energy_pj + k->leakage_pj;
    k->total_ops = an.total_ops;
    for (guint l = 0; l < k->n_levels; l++) {
        k->level[l].leakage_pj = an.level[l].leakage_pj * ratio;
        k->level[l].area_um2 = an.level[l].area_um2;
        k->level[l].utilization = an.level[l].utilization;
        for (guint t = 0; t < TS_MAX_TENSORS; t++) {
            k->level[l].tensor[t].partition_words = an.level[l].tensor[t].partition_words;
            k->level[l].tensor[t].multicast = an.level[l].tensor[t].multicast;
        }
    }
}

void ts_exec_ctx_complete(Exec *x, OpCtx *c)
{
    if (!c->active)
        return;
    Plan *pl = plan_of(x);
    TsExecOpResult *r = ts_exec_result_of(x, c);
    OpTiming *tm = &x->timing[c->op_index];
    const TsTick end = c->end_tick;
    tm->end = MAX(tm->end, end);
    if (c->einsum && x->unit[x->compute_unit].role == UNIT_SYSTOLIC)
        r->array_fill_drain_cycles +=
            (c->step_compute_ps - c->step_ideal_ps) * (double)c->n_steps / x->arch_period_ps;
    if (c->instance == 0)
        finish_result(x, c);
    if (c->einsum) {
        r->link_calls += c->link_calls;
        r->link_batch = c->link_batch ? MAX(c->count, 1) : 1;
    }
    for (guint t = 0; t < TS_MAX_TENSORS; t++) {
        r->dram_request_bytes += c->dram_bytes[t];
        if (c->einsum)
            r->dram_tensor_bytes[t] += c->dram_bytes[t];
    }
    ts_exec_trace_op(x, c);
    c->active = FALSE;
    if (++pl->instances_done[c->op_index] == pl->ops[c->op_index].count) {
        /* The op's window: from the previous op's end to its own; the compute unit's idle
         * time after its last step is the drain. */
        const TsTick open = c->op_index > 0 ? x->timing[c->op_index - 1].end : 0;
        const TsTick last = MAX(tm->free, c->last_compute_end);
        charge_window(x, tm, last, tm->end, TS_STALL_DRAIN);
        for (guint k = 0; k < TS_STALL_COUNT_; k++)
            r->stall_cycles[k] = tm->stall_ps[k] / x->arch_period_ps;
        r->compute_busy_cycles = tm->busy_ps / x->arch_period_ps;
        r->start_cycles = (double)open / x->arch_period_ps;
        r->cycles = (double)(tm->end - open) / x->arch_period_ps;
        r->latency_s = r->cycles / ts_arch_clock_hz(x->arch);
        r->cost.cycles = r->cycles / (double)MAX(r->count, 1);
        r->cost.latency_s = r->cost.cycles / ts_arch_clock_hz(x->arch);
        time_figures(c, r);
        r->events = ts_sim_events_processed(x->sim) - tm->snap_events;
        /* utilization over the op's window (from the previous op's end, or its start if
         * later): the busy time its own requests sent in the window caused (a prefetch it
         * issued during the previous op's drain is before it; another op's traffic is not its
         * own); the banks' all-bank rows, which no request owns: the unit's busy time in the
         * window */
        const double window = (double)(tm->end - MAX(open, tm->snap_at));
        for (guint i = 0; i < x->n_units && i < TS_EXEC_MAX_UNITS; i++) {
            const Unit *u = &x->unit[i];
            TsExecUnitResult *ur = &r->unit[i];
            ur->name = ts_arch_level(x->arch, (guint)u->level)->name;
            ur->kind = unit_kind(u);
            if (u->role == UNIT_BANKS)
                ur->utilization = window > 0 ? (unit_busy_ps(x, u) - tm->snap_busy[i]) / window : 0;
            else
                ur->utilization = window > 0 ? MAX(tm->own_busy_ps[0][i] - tm->snap_own_ps[0][i],
                                                   tm->own_busy_ps[1][i] - tm->snap_own_ps[1][i]) /
                                                   window
                                             : 0;
            ur->stall_cycles = tm->unit_stall_ps[i] / x->arch_period_ps;
            ur->bank_conflict_cycles = unit_conflicts(u) - tm->snap_conflicts[i];
        }
        r->bound = op_bound(x, c, r, window);
        if (c->op_index + 1 < pl->n && x->timing[c->op_index + 1].begun)
            snap_units(x, &x->timing[c->op_index + 1]); /* the next op's window opens */
        if (x->dram_unit >= 0) {
            TsDramStats now;
            ts_dram_get_stats(x->unit[x->dram_unit].comp, &now);
            const TsDramStats *b = &tm->snap_dram;
            r->dram_reads = now.read_cmds - b->read_cmds;
            r->dram_writes = now.write_cmds - b->write_cmds;
            const guint64 cols = r->dram_reads + r->dram_writes;
            const guint64 hits =
                now.read_row_hits + now.write_row_hits - b->read_row_hits - b->write_row_hits;
            r->dram_row_hit_rate = cols ? (double)hits / (double)cols : 0.0;
            const TsDramSpec *ds = ts_arch_level(x->arch, (guint)x->unit[x->dram_unit].level)->spec;
            r->dram_command_energy_pj = ts_dram_spec_has_currents(ds)
                                            ? now.total_energy_pj - b->total_energy_pj
                                            : NAN; /* no IDD currents: not modelled */
            r->dram_allbank_bursts = now.ab_read_bursts + now.ab_write_bursts -
                                     b->ab_read_bursts - b->ab_write_bursts;
            r->dram_violations = now.violations;
            /* the DRAM's time in the op's window: its column commands (a request merged with
             * one queued for the same burst takes none), activates and refreshes */
            const TsDramStats *wb = &tm->snap_dram_window;
            r->dram_time.bursts = now.read_cmds + now.write_cmds - wb->read_cmds - wb->write_cmds;
            r->dram_time.activates = now.activates - wb->activates;
            r->dram_time.refreshes = now.refreshes - wb->refreshes;
        } else {
            r->dram_row_hit_rate = -1.0;
        }
        /* the time the channels its bursts reached had no request queued in its window */
        double idle_ps = 0.0;
        for (guint ch = 0; ch < x->chan.n; ch++)
            if (tm->dram_reached[ch / 64] >> (ch % 64) & 1)
                idle_ps += ts_exec_channel_idle_ps(x, ch) - tm->snap_idle_ps[ch];
        double all_window = window;
        if (ts_exec_sample_finish(x, c->op_index, r, &all_window)) {
            time_figures(c, r);
            r->bound = op_bound(x, c, r, all_window);
        }
        /* extrapolated units: at the simulated windows' share */
        tm->dram_idle_ps = window > 0 ? idle_ps * all_window / window : 0.0;
        dram_time(x, c->op_index, r);
        while (pl->ops_done < pl->n &&
               pl->instances_done[pl->ops_done] == pl->ops[pl->ops_done].count)
            pl->ops_done++;
        if (pl->ops_done == pl->n) {
            /* done: the DRAM would go on refreshing for ever */
            ts_sim_request_stop(x->sim, &x->base, "every op is complete");
            return;
        }
    }
    for (guint i = 0; i < x->n_ctx; i++) {
        OpCtx *o = x->ctx[i];
        if (o->active && !o->deps_done && pl->ops_done >= o->op_index) {
            o->deps_done = TRUE;
            pump(x, o);
        }
    }
    start_next(x);
}

/* Where the op's time went on the first timed DRAM (TsExecDramTime), from its counters over
 * the op's window (extrapolated units included) and the DRAM's timing. */
static void dram_time(const Exec *x, guint op, TsExecOpResult *r)
{
    const OpTiming *tm = &x->timing[op];
    TsExecDramTime *t = &r->dram_time;
    t->valid = FALSE;
    if (x->dram_unit < 0 || t->bursts == 0)
        return;
    const Unit *u = &x->unit[x->dram_unit];
    const TsLevel *lv = ts_arch_level(x->arch, (guint)u->level);
    const TsDramSpec *d = lv->spec;
    guint reached = 0;
    for (guint w = 0; w < G_N_ELEMENTS(tm->dram_reached); w++)
        reached += (guint)__builtin_popcountll(tm->dram_reached[w]);
    if (reached == 0)
        return;
    t->valid = TRUE;
    t->level = lv->name;
    t->channels = u->n_ports;
    t->reached = reached;
    t->tBURST = (guint)d->cycles.tBURST;
    t->tCCD_L = (guint)d->cycles.tCCD_L;
    const double cols = (double)t->bursts;
    const double hits = MAX(r->dram_row_hit_rate, 0.0) * cols;
    t->window = r->cycles * x->arch_period_ps / d->tck_ps;
    t->data = cols * (double)d->cycles.tBURST / reached;
    t->channels_extra = cols * (double)d->cycles.tBURST * (1.0 / reached - 1.0 / t->channels);
    t->refresh = (double)t->refreshes * (double)d->cycles.tRFC / t->channels;
    t->row_misses = (double)t->activates * (double)(d->cycles.tRP + d->cycles.tRCD) / reached;
    /* a row's columns lie in one bank group where the mapping's bank group bits lie above its
     * column bits (as in "rochrababgco": only the column bits below them) */
    const char *m = d->address_mapping ? d->address_mapping : "rochrababgco";
    const char *bg = strstr(m, "bg"), *co = strstr(m, "co");
    const gboolean one_group = d->bankgroups > 1 && bg != NULL && co != NULL && bg < co;
    t->spacing = one_group && d->cycles.tCCD_L > d->cycles.tBURST
                     ? hits * (double)(d->cycles.tCCD_L - d->cycles.tBURST) / reached
                     : 0.0;
    t->idle = tm->dram_idle_ps / d->tck_ps / reached;
}

/* The counted actions of one instance as a TsCost, with the model's energies per action. */
static void finish_result(Exec *x, OpCtx *c)
{
    TsExecOpResult *r = ts_exec_result_of(x, c);
    TsCost *k = &r->cost;
    memset(k, 0, sizeof *k);
    k->status = TS_EVAL_OK;
    k->bad_level = k->bad_tensor = k->bad_dim = -1;
    if (c->lut != NULL) {
        /* the model's energies of the counted phases (the counts are the model's) */
        r->einsum = FALSE;
        r->steps = c->n_steps;
        r->chunks = c->lut_run != NULL ? c->lut_run->chunks : 0; /* the host search's */
        k->energy_pj = c->lut->energy_pj;
        k->compute_energy_pj = c->lut->dpu_pj;
        return;
    }
    if (!c->einsum) {
        r->einsum = FALSE;
        k->energy_pj = c->ew.energy_pj;
        k->compute_energy_pj = c->ew.compute_energy_pj;
        r->ew_read_words = c->ew.read_words;
        r->ew_write_words = c->ew.write_words;
        r->chunks = c->chunks;
        return;
    }
    r->einsum = TRUE;
    r->depth = c->depth;
    r->steps = c->n_steps;
    const TsModel *m = c->model;
    k->n_levels = (uint8_t)c->nl;
    double total = 0.0;
    for (guint l = 0; l < c->nl; l++) {
        TsLevelCost *lc = &k->level[l];
        const uint64_t used = ts_walk_instances(c->compute, l);
        lc->instances_used = used;
        lc->capacity_words = ts_model_level(m, l)->size_words;
        for (guint t = 0; t < c->nt; t++) {
            if (!ts_walk_keeps(c->compute, l, t))
                continue;
            TsTensorCost *tc = &lc->tensor[t];
            lc->keep |= (uint8_t)(1u << t);
            tc->tile_words = ts_walk_words(c->compute, l, t, ts_walk_tile(c->compute, l, t));
            tc->reads = ts_walk_words(c->compute, l, t, c->reads[l][t]);
            tc->fills = ts_walk_words(c->compute, l, t, c->fills[l][t]);
            tc->updates = ts_walk_words(c->compute, l, t, c->updates[l][t]);
            tc->instances = used;
            if (ts_walk_imperfect(c->compute)) {
                /* instances differ: the accesses of all of them, spread over the clusters
                 * (as the model counts them) */
                tc->reads_all = ts_walk_words(c->compute, l, t, c->reads_all[l][t]);
                tc->fills_all = ts_walk_words(c->compute, l, t, c->fills_all[l][t]);
                tc->updates_all = ts_walk_words(c->compute, l, t, c->updates_all[l][t]);
                tc->energy_pj = ts_model_actions_energy_pj(m, l, tc->reads_all, tc->fills_all,
                                                           tc->updates_all, used) /
                                (double)MAX(used, 1u);
            } else {
                tc->reads_all = tc->reads * used;
                tc->fills_all = tc->fills * used;
                tc->updates_all = tc->updates * used;
                tc->energy_pj =
                    ts_model_actions_energy_pj(m, l, tc->reads, tc->fills, tc->updates, used);
            }
            lc->energy_pj += tc->energy_pj;
        }
        total += lc->energy_pj;
    }
    k->macs = c->macs;
    k->compute_instances = ts_walk_compute_instances(c->compute);
    k->compute_energy_pj = (double)c->macs * ts_model_mac_pj(m);
    k->energy_pj = total + k->compute_energy_pj;
    k->pj_per_mac = c->macs ? k->energy_pj / (double)c->macs : 0.0;
}

void ts_exec_ctx_clear(Exec *x, OpCtx *c)
{
    if (c->einsum)
        ts_exec_op_end(x, c);
    ts_exec_lut_end(c);
}

/* ---- running ------------------------------------------------------------------------------- */

static gboolean run_plan(const TsArch *arch, Plan *pl, const TsExecOptions *options,
                         char **trace_note, char ***notes, uint64_t *events, double *cycles,
                         GError **error)
{
    TsExecOptions opt = options ? *options : (TsExecOptions){0};
    Exec *x = ts_exec_build(arch, &opt, error);
    if (x == NULL)
        return FALSE;
    TsSim *sim = x->sim;
    x->plan = pl;
    x->max_steps = opt.max_steps ? opt.max_steps : TS_EXEC_DEFAULT_MAX_STEPS;
    x->lane_memory = opt.lane_memory_bytes ? opt.lane_memory_bytes : TS_EXEC_LANE_MEMORY_DEFAULT;
    x->timing = g_new0(OpTiming, pl->n);
    ts_exec_sample_init(x, pl->n, opt.instances);
    gboolean ok = TRUE;
    if (opt.trace_path != NULL)
        ok = ts_exec_trace_open(x, opt.trace_path,
                                opt.trace_max_events ? opt.trace_max_events : 200000, error);
    if (ok && !start_next(x)) {
        g_propagate_error(error, g_steal_pointer(&x->error));
        ok = FALSE;
    }
    if (ok) {
        /* A schedule that stops making progress would leave only the DRAM's refreshes: bound
         * simulated time by 1000 x the ops' analytical cycles (and at least a second). */
        double bound_ps = 1e12;
        for (guint i = 0; i < pl->n; i++)
            bound_ps += 1000.0 * pl->ops[i].analytical_cycles * (double)pl->ops[i].count *
                        x->arch_period_ps;
        ts_sim_set_watchdog(sim, 0, bound_ps < 1.8e19 ? (TsTick)bound_ps : TS_TICK_NEVER);
        TsRunStatus st = ts_sim_run(sim);
        if (x->error != NULL) {
            g_propagate_error(error, g_steal_pointer(&x->error));
            ok = FALSE;
        } else if ((st != TS_RUN_EMPTY && st != TS_RUN_STOPPED) || pl->ops_done < pl->n) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "internal: the simulation stopped with %u of %u ops done (%s)",
                        pl->ops_done, pl->n, ts_sim_stop_message(sim));
            ok = FALSE;
        }
    }
    if (x->tracing) {
        char *note = ts_exec_trace_close(x, ok, ok ? error : NULL);
        if (note == NULL && ok)
            ok = FALSE;
        if (trace_note)
            *trace_note = note;
        else
            g_free(note);
    }
    *events = ts_sim_events_processed(sim);
    *cycles = ((double)ts_sim_now(sim) + ts_exec_sample_skipped_ps(x)) / x->arch_period_ps;
    if (notes != NULL && x->notes->len > 0) {
        g_ptr_array_add(x->notes, NULL);
        *notes = (char **)g_ptr_array_steal(x->notes, NULL);
    }
    ts_exec_sample_free(x);
    g_free(x->timing);
    g_free(x->cp);
    ts_sim_free(sim);
    return ok;
}

static void init_results(Plan *pl)
{
    for (guint i = 0; i < pl->n; i++) {
        pl->results[i].op = pl->ops[i].op;
        pl->results[i].count = pl->ops[i].count;
        pl->results[i].einsum = pl->ops[i].einsum;
    }
}

/* Folds the result of one more run of an op (a fused group's iteration) into r: durations,
 * stalls, events and DRAM figures add up, utilizations are weighted by duration; the counted
 * actions are per instance (the same every iteration). */
static void fold_result(TsExecOpResult *r, const TsExecOpResult *b, double clock_hz)
{
    if (r->count == 0) {
        *r = *b;
        return;
    }
    const double ca = r->cycles, cb = b->cycles, all = MAX(ca + cb, 1e-300);
    r->count += b->count;
    r->instances_simulated += b->instances_simulated;
    r->start_cycles = MIN(r->start_cycles, b->start_cycles);
    r->cycles += b->cycles;
    r->latency_s = r->cycles / clock_hz;
    r->events += b->events;
    r->compute_busy_cycles += b->compute_busy_cycles;
    for (guint k = 0; k < TS_STALL_COUNT_; k++)
        r->stall_cycles[k] += b->stall_cycles[k];
    r->array_fill_drain_cycles += b->array_fill_drain_cycles;
    for (guint u = 0; u < r->n_units && u < b->n_units; u++) {
        r->unit[u].utilization = (r->unit[u].utilization * ca + b->unit[u].utilization * cb) / all;
        r->unit[u].stall_cycles += b->unit[u].stall_cycles;
        r->unit[u].bank_conflict_cycles += b->unit[u].bank_conflict_cycles;
    }
    const double cols_a = (double)(r->dram_reads + r->dram_writes);
    const double cols_b = (double)(b->dram_reads + b->dram_writes);
    if (r->dram_row_hit_rate >= 0 && cols_a + cols_b > 0)
        r->dram_row_hit_rate =
            (r->dram_row_hit_rate * cols_a + b->dram_row_hit_rate * cols_b) / (cols_a + cols_b);
    r->dram_reads += b->dram_reads;
    r->dram_writes += b->dram_writes;
    r->dram_command_energy_pj += b->dram_command_energy_pj;
    r->dram_request_bytes += b->dram_request_bytes;
    /* the DRAM's time: the sums over the runs (reached: the most any run reached) */
    TsExecDramTime *dt = &r->dram_time;
    const TsExecDramTime *bt = &b->dram_time;
    if (bt->valid && !dt->valid) {
        *dt = *bt;
    } else if (bt->valid) {
        dt->reached = MAX(dt->reached, bt->reached);
        dt->bursts += bt->bursts;
        dt->activates += bt->activates;
        dt->refreshes += bt->refreshes;
        dt->window += bt->window;
        dt->data += bt->data;
        dt->channels_extra += bt->channels_extra;
        dt->refresh += bt->refresh;
        dt->row_misses += bt->row_misses;
        dt->spacing += bt->spacing;
        dt->idle += bt->idle;
    }
    for (guint t = 0; t < TS_MAX_TENSORS; t++)
        r->dram_tensor_bytes[t] += b->dram_tensor_bytes[t];
    /* the figures that follow from the time, per instance */
    const double ratio = b->cost.cycles > 0 ? (r->cycles / (double)r->count) / b->cost.cycles : 1;
    r->cost.cycles = r->cycles / (double)r->count;
    r->cost.latency_s = r->cost.cycles / clock_hz;
    r->cost.compute_cycles = r->compute_busy_cycles / (double)r->count;
    r->cost.edp_j_cycles = r->cost.energy_pj * 1e-12 * r->cost.cycles;
    r->cost.utilization = b->cost.utilization / MAX(ratio, 1e-300);
    r->cost.leakage_pj = b->cost.leakage_pj * ratio;
    r->cost.compute_leakage_pj = b->cost.compute_leakage_pj * ratio;
    r->cost.energy_with_leakage_pj = r->cost.energy_pj + r->cost.leakage_pj;
    for (guint l = 0; l < r->cost.n_levels; l++)
        r->cost.level[l].leakage_pj = b->cost.level[l].leakage_pj * ratio;
}

/* Plan entry i of a layer op (its spec from the layer result). */
static gboolean spec_of(const TsLayerResult *layer, guint i, OpSpec *s, GError **error)
{
    const TsLayerOp *lo = &layer->ops[i];
    const TsLayerOp *src = &layer->ops[lo->same_as];
    s->op = lo->op;
    s->einsum = lo->einsum && src->placed_on == NULL; /* placed on the host: vector work */
    s->count = MAX(lo->op->count, 1);
    s->analytical_cycles = MAX(lo->cycles, 1.0);
    s->vector = s->einsum ? NULL : &lo->vector;
    s->lut = src->lut_pim ? &src->lut : NULL;
    if (s->einsum) {
        if (src->model == NULL || src->search.n_best == 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "op %s has no mapping to simulate", lo->op->name);
            return FALSE;
        }
        s->model = src->model;
        s->mapping = &src->search.best[0].mapping;
    }
    return TRUE;
}

/* The layer ops of a fused group, in layer order (n of them), and its iterations; FALSE when
 * the layer has no group whose ops all run once per iteration. */
static gboolean fused_group(const TsLayerResult *layer, const TsFusePlan *fuse, guint *first,
                            guint *n, uint64_t *iterations)
{
    if (fuse == NULL)
        return FALSE;
    *iterations = ts_fuse_plan_iterations(fuse);
    *n = 0;
    for (guint i = 0; i < layer->n_ops; i++) {
        const TsLayerOp *lo = &layer->ops[i];
        if (ts_fuse_plan_op(fuse, lo->index) == NULL)
            continue;
        if (*n == 0)
            *first = i;
        else if (i != *first + *n)
            return FALSE; /* not consecutive */
        if (MAX(lo->op->count, 1) != *iterations)
            return FALSE;
        (*n)++;
    }
    return *n > 1 && *iterations > 1;
}

gboolean ts_exec_run_layer(const TsArch *arch, const TsWorkload *workload,
                           const TsLayerResult *layer, const TsExecOptions *options,
                           TsExecResult *result, GError **error)
{
    g_return_val_if_fail(arch != NULL && layer != NULL && result != NULL, FALSE);
    (void)workload;
    memset(result, 0, sizeof *result);
    /* Plan entries: the layer's ops; a fused group iteration by iteration (its ops once
     * each, in order, heads x batch times), folded back per op afterwards. */
    guint g_first = 0, g_n = 0;
    uint64_t g_iter = 1;
    const gboolean interleave =
        fused_group(layer, options ? options->fuse : NULL, &g_first, &g_n, &g_iter);
    const guint n = interleave ? layer->n_ops + g_n * (guint)(g_iter - 1) : layer->n_ops;
    Plan pl = {0};
    pl.n = n;
    pl.ops = g_new0(OpSpec, n);
    pl.instances_done = g_new0(uint64_t, n);
    pl.results = g_new0(TsExecOpResult, n);
    guint *layer_of = g_new0(guint, n);
    guint e = 0;
    gboolean ok = TRUE;
    for (guint i = 0; i < layer->n_ops && ok; i++) {
        if (interleave && i >= g_first && i < g_first + g_n) {
            if (i > g_first)
                continue;
            for (uint64_t h = 0; h < g_iter && ok; h++) {
                for (guint k = 0; k < g_n && ok; k++) {
                    ok = spec_of(layer, g_first + k, &pl.ops[e], error);
                    pl.ops[e].count = 1;
                    pl.ops[e].fused = TRUE;
                    layer_of[e++] = g_first + k;
                }
            }
            continue;
        }
        ok = spec_of(layer, i, &pl.ops[e], error);
        layer_of[e++] = i;
    }
    result->n_ops = layer->n_ops;
    result->ops = g_new0(TsExecOpResult, layer->n_ops);
    if (ok) {
        init_results(&pl);
        gint64 t0 = g_get_monotonic_time();
        ok = run_plan(arch, &pl, options, &result->trace_note, &result->notes, &result->events,
                      &result->cycles, error);
        result->seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
        result->latency_s = result->cycles / ts_arch_clock_hz(arch);
        for (guint i = 0; i < n; i++)
            fold_result(&result->ops[layer_of[i]], &pl.results[i], ts_arch_clock_hz(arch));
        for (guint i = 0; i < layer->n_ops; i++) {
            const TsExecOpResult *r = &result->ops[i];
            result->energy_pj += (double)r->count * r->cost.energy_pj;
            result->macs += (double)r->count * (double)r->cost.macs;
        }
    }
    g_free(layer_of);
    g_free(pl.results);
    g_free(pl.ops);
    g_free(pl.instances_done);
    return ok;
}

gboolean ts_exec_run_op(const TsArch *arch, const TsModel *model, const TsMapping *mapping,
                        guint64 count, const TsExecOptions *options, TsExecOpResult *result,
                        GError **error)
{
    g_return_val_if_fail(arch != NULL && model != NULL && mapping != NULL && result != NULL, FALSE);
    memset(result, 0, sizeof *result);
    TsCost cost;
    if (ts_model_evaluate(model, mapping, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(model, mapping, &cost);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "invalid mapping: %s", why);
        return FALSE;
    }
    OpSpec s = {ts_model_op(model),    model, mapping, TRUE, MAX(count, 1),
                MAX(cost.cycles, 1.0), NULL,  NULL, FALSE};
    uint64_t done = 0;
    Plan pl = {&s, 1, result, &done, 0};
    init_results(&pl);
    uint64_t events;
    double cycles;
    return run_plan(arch, &pl, options, NULL, NULL, &events, &cycles, error);
}

void ts_exec_result_clear(TsExecResult *r)
{
    if (r == NULL)
        return;
    g_free(r->ops);
    g_free(r->trace_note);
    g_strfreev(r->notes);
    memset(r, 0, sizeof *r);
}
