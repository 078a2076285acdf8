/* A LUT-NN op on DPUs in the executor, as PIM-DL's runtime runs it and the analytical model
 * costs it (mappers/ts-lut-pim.h, the layer's chosen configuration), its phases one after
 * another:
 *   centroid search on the host: the inputs read and the indices written in host memory (DRAM
 *     streams) in chunks, each chunk's operations on the host's vector unit at its 'ccs' (or
 *     'add' and 'mul') figures, two chunks in flight; an op of one instance sampled by chunk
 *     (ts_exec_sample_chunk) as elementwise ops are, the chunks issued after the skip standing
 *     for the last ones, at their addresses;
 *   index scatter (or, searching on the DPUs, the inputs): one parallel host-to-DPU transfer
 *     over the host link to every DPU;
 *   centroid search on the DPUs: its pim_core kernel (ts_lut_search_kernel_build);
 *   table scatter: per run only when the tables are not resident (resident ones are in the
 *     one-time load, as the model reports them);
 *   the DPU kernel: its pim_core kernel segments (ts_lut_kernel_build), one DPU standing for
 *     all (every DPU runs the same sub tile sizes in lockstep);
 *   gather: one parallel DPU-to-host transfer of every DPU's outputs.
 * The search waits for the previous op's outputs; the next op may start once the DPU kernel
 * is launched. The compute unit's timeline is the DPU's: the search and scatters before the
 * kernel are its fill, the gather its drain. */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>

#define LUT_SEARCH_CHUNKS 64

static TsExecOpResult *result_of(Exec *x, const OpCtx *c)
{
    return ts_exec_result_of(x, c);
}

gboolean ts_exec_lut_begin(Exec *x, OpCtx *c)
{
    const TsLutPimCost *cost = c->lut;
    LutRun *L = g_new0(LutRun, 1);
    c->lut_run = L;
    L->link = -1;
    for (guint i = 0; i < x->n_units; i++)
        if (x->unit[i].role == UNIT_LINK && L->link < 0)
            L->link = (int)i;
    const char *name = c->op->name ? c->op->name : "?";
    if (!ts_lut_pim_target(x->arch, &L->target) || x->unit[x->compute_unit].role != UNIT_PIM) {
        g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the DES runs a LUT-NN kernel on a DPU compute level only (%s)", name,
                    ts_arch_name(x->arch));
        return FALSE;
    }
    if (L->link < 0 && (cost->input_bytes > 0 || cost->output_bytes > 0)) {
        g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the LUT kernel's scatter and gather need a host link, which %s has "
                    "no component for",
                    name, ts_arch_name(x->arch));
        return FALSE;
    }
    if (!ts_lut_kernel_build(&L->target, c->op, cost, &L->kernel, &x->error))
        return FALSE;
    if (cost->p.search_on_dpus) {
        if (!ts_lut_search_kernel_build(&L->target, c->op, cost, &L->search, &x->error))
            return FALSE;
        L->phase = LUT_INPUT;
    } else {
        if (x->vector_unit < 0) {
            g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "op %s: the centroid search runs on the host, and %s has no vector unit "
                        "component for it",
                        name, ts_arch_name(x->arch));
            return FALSE;
        }
        const TsLevel *vl = ts_arch_level(x->arch, (guint)x->unit[x->vector_unit].level);
        L->vop_ccs = ts_vector_unit_op_index(vl, "ccs");
        L->vop_add = ts_vector_unit_op_index(vl, "add");
        L->vop_mul = ts_vector_unit_op_index(vl, "mul");
        if (cost->search_ccs_ops > 0 ? L->vop_ccs < 0 : L->vop_add < 0 || L->vop_mul < 0) {
            g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "op %s: the host vector unit %s lacks the operations the centroid "
                        "search is costed at",
                        name, vl->name);
            return FALSE;
        }
        L->chunks = LUT_SEARCH_CHUNKS;
        L->phase = LUT_SEARCH_HOST;
    }
    TsExecOpResult *r = result_of(x, c);
    r->lut.ran = TRUE;
    r->lut.search_on_dpus = cost->p.search_on_dpus;
    c->start_tick = ts_sim_now(x->sim);
    c->n_steps = L->kernel.n_seg;
    return TRUE;
}

void ts_exec_lut_end(OpCtx *c)
{
    if (c->lut_run == NULL)
        return;
    ts_lut_kernel_clear(&c->lut_run->kernel);
    ts_lut_kernel_clear(&c->lut_run->search);
    g_free(c->lut_run);
    c->lut_run = NULL;
}

TsDpuKernel *ts_exec_lut_segment(OpCtx *c, const Part *p)
{
    LutRun *L = c->lut_run;
    TsLutKernel *k = L->phase == LUT_SEARCH_DPU ? &L->search : &L->kernel;
    return &k->seg[MIN(p->work, (uint64_t)k->n_seg - 1)];
}

static uint64_t share(double total, uint64_t chunks, uint64_t i)
{
    const uint64_t t = (uint64_t)llround(total);
    return t * (i + 1) / chunks - t * i / chunks;
}

/* Host memory traffic of a search chunk: a DRAM stream, or an sram request. */
static void host_mem(Exec *x, OpCtx *c, Job *j, TsMemOp op, uint64_t offset, uint64_t bytes)
{
    if (bytes == 0)
        return;
    const int ui = x->storage_unit[0];
    Part *p = ts_exec_part_mem(x, j, ui, op, offset, bytes);
    if (x->unit[ui].role == UNIT_DRAM) {
        ts_exec_part_linear(x, j, p, c->base + offset);
        c->dram_bytes[0] += bytes;
    }
}

/* Search chunks simulated (the others extrapolated). */
static uint64_t search_chunks(const LutRun *L)
{
    return L->chunks - L->ch_skip;
}

/* Before chunk `begun - 1` (>= 1) is issued: whether the chunks not begun are extrapolated;
 * the host-memory bytes those request are counted exactly (their shares). */
static void sample_search(Exec *x, OpCtx *c, uint64_t begun)
{
    LutRun *L = c->lut_run;
    if (!c->ch_sample || L->ch_skip > 0 || begun < 2)
        return;
    const uint64_t skip = ts_exec_sample_chunk(x, c->op_index, c->op, begun - 1, begun, L->chunks);
    if (skip == 0)
        return;
    L->ch_skip_at = begun;
    L->ch_skip = skip;
    /* the search is the DPU's fill (its timeline is charged from the kernel's launch): so is
     * the extrapolated search time, which the sampler charged to bandwidth */
    OpTiming *tm = &x->timing[c->op_index];
    const double ps = MIN(ts_exec_sample_op_skipped_ps(x, c->op_index),
                          tm->stall_ps[TS_STALL_BANDWIDTH]);
    tm->stall_ps[TS_STALL_BANDWIDTH] -= ps;
    tm->stall_ps[TS_STALL_FILL] += ps;
    if (x->unit[x->storage_unit[0]].role == UNIT_DRAM) {
        const uint64_t a = begun, b = begun + skip;
        const double totals[2] = {c->lut->search_read_bytes, c->lut->search_write_bytes};
        for (guint d = 0; d < 2; d++) {
            const uint64_t t = (uint64_t)llround(totals[d]);
            c->dram_bytes[0] += t * b / L->chunks - t * a / L->chunks;
            /* their bursts, chunk by chunk at its addresses (as search_chunk streams them) */
            const uint64_t base = c->base + (d ? (uint64_t)llround(totals[0]) : 0);
            uint64_t bursts = 0;
            for (uint64_t i = a; i < b; i++)
                bursts += ts_exec_linear_bursts(x, base + t * i / L->chunks,
                                                t * (i + 1) / L->chunks - t * i / L->chunks);
            ts_exec_skip_dram(x, c, x->storage_unit[0], d ? TS_MEM_WRITE : TS_MEM_READ, bursts);
        }
    }
}

static void search_chunk(Exec *x, OpCtx *c)
{
    LutRun *L = c->lut_run;
    const TsLutPimCost *k = c->lut;
    sample_search(x, c, L->ch_issued + 1);
    const uint64_t j = L->ch_issued++;
    const uint64_t i = j < L->ch_skip_at ? j : j + L->ch_skip; /* the chunk it stands for */
    const int ji = ts_exec_job_new(x, JOB_LUT_SEARCH, c->slot);
    Job *jb = &x->jobs[ji];
    jb->step = j;
    const uint64_t rd = share(k->search_read_bytes, L->chunks, i);
    const uint64_t rd_total = (uint64_t)llround(k->search_read_bytes);
    host_mem(x, c, jb, TS_MEM_READ, (uint64_t)llround(k->search_read_bytes) * i / L->chunks, rd);
    host_mem(x, c, jb, TS_MEM_WRITE,
             rd_total + (uint64_t)llround(k->search_write_bytes) * i / L->chunks,
             share(k->search_write_bytes, L->chunks, i));
    if (k->search_ccs_ops > 0) {
        Part *p =
            ts_exec_part_compute(x, jb, x->vector_unit, share(k->search_ccs_ops, L->chunks, i), 1);
        p->vop = (uint16_t)L->vop_ccs;
    } else {
        Part *p =
            ts_exec_part_compute(x, jb, x->vector_unit, share(k->search_add_ops, L->chunks, i), 1);
        p->vop = (uint16_t)L->vop_add;
        p = ts_exec_part_compute(x, jb, x->vector_unit, share(k->search_mul_ops, L->chunks, i), 1);
        p->vop = (uint16_t)L->vop_mul;
    }
    ts_exec_job_start(x, ji);
}

/* One host-link transfer to (or from) every DPU: bytes in all. */
static void link_job(Exec *x, OpCtx *c, JobKind kind, TsMemOp op, double bytes)
{
    LutRun *L = c->lut_run;
    const int ji = ts_exec_job_new(x, kind, c->slot);
    Job *j = &x->jobs[ji];
    const uint64_t n = MAX(L->target.n_dpus, (guint64)1);
    if (L->link >= 0 && bytes > 0) {
        Part *p =
            ts_exec_part_link(x, j, L->link, op, (uint64_t)llround(bytes / (double)n), n, FALSE);
        const Unit *u = &x->unit[L->link];
        p->unloaded_ps = ts_host_link_unloaded_ps(u->comp, p->bytes, n, FALSE, op);
        p->fixed_ps = ts_host_link_unloaded_ps(u->comp, 0, 1, FALSE, op);
    }
    ts_exec_job_start(x, ji);
}

static void kernel_job(Exec *x, OpCtx *c, JobKind kind, guint seg)
{
    const int ji = ts_exec_job_new(x, kind, c->slot);
    Job *j = &x->jobs[ji];
    j->step = seg;
    ts_exec_part_compute(x, j, x->compute_unit, seg, 1);
    ts_exec_job_start(x, ji);
}

/* The next phase after L->phase. */
static LutPhase next_phase(const OpCtx *c, LutPhase ph)
{
    const TsLutPimCost *k = c->lut;
    switch (ph) {
    case LUT_SEARCH_HOST:
        return LUT_INPUT;
    case LUT_INPUT:
        return k->p.search_on_dpus ? LUT_SEARCH_DPU : k->load_bytes > 0 ? LUT_KERNEL : LUT_TABLE;
    case LUT_SEARCH_DPU:
        return k->load_bytes > 0 ? LUT_KERNEL : LUT_TABLE;
    case LUT_TABLE:
        return LUT_KERNEL;
    case LUT_KERNEL:
        return LUT_GATHER;
    default:
        return LUT_DONE;
    }
}

void ts_exec_lut_pump(Exec *x, OpCtx *c)
{
    if (!c->active || c->lut_run == NULL)
        return;
    LutRun *L = c->lut_run;
    const TsLutPimCost *k = c->lut;
    if (!c->deps_done)
        return; /* the search (or the inputs' scatter) reads the previous op's outputs */
    if (!L->phase_issued) {
        L->phase_issued = TRUE;
        L->phase_start = ts_sim_now(x->sim);
        switch (L->phase) {
        case LUT_SEARCH_HOST:
            break;
        case LUT_INPUT:
            link_job(x, c, JOB_LUT_SCATTER, TS_MEM_WRITE, k->input_bytes);
            return;
        case LUT_SEARCH_DPU:
            kernel_job(x, c, JOB_LUT_SEARCH, 0);
            return;
        case LUT_TABLE:
            link_job(x, c, JOB_LUT_SCATTER, TS_MEM_WRITE, k->lut_bytes);
            return;
        case LUT_KERNEL:
            L->seg = 0;
            ts_exec_compute_issued(x, c, 0.0);
            kernel_job(x, c, JOB_LUT_KERNEL, L->seg++);
            if (L->seg == L->kernel.n_seg)
                ts_exec_ctx_compute_done(x, c);
            return;
        case LUT_GATHER:
            link_job(x, c, JOB_LUT_GATHER, TS_MEM_READ, k->output_bytes);
            return;
        case LUT_DONE:
            return;
        }
    }
    if (L->phase == LUT_SEARCH_HOST)
        while (L->ch_issued < search_chunks(L) && L->ch_issued < L->ch_done + 2)
            search_chunk(x, c);
}

/* The phase just ended: its figures, then the next one (or the op's end). */
static void phase_done(Exec *x, OpCtx *c)
{
    LutRun *L = c->lut_run;
    TsExecLut *r = &result_of(x, c)->lut;
    const double s = (double)(ts_sim_now(x->sim) - L->phase_start) * 1e-12;
    const TsLutPimCost *k = c->lut;
    const gboolean first = c->instance == 0;
    switch (L->phase) {
    case LUT_SEARCH_HOST:
        r->search_s += s + ts_exec_sample_op_skipped_ps(x, c->op_index) * 1e-12;
        if (first) {
            r->search_read_bytes = k->search_read_bytes;
            r->search_write_bytes = k->search_write_bytes;
        }
        break;
    case LUT_SEARCH_DPU: {
        r->search_s += s;
        if (first)
            r->search_dpu_cycles = (double)ts_pim_core_last(x->unit[x->compute_unit].comp)->cycles;
        break;
    }
    case LUT_INPUT:
        r->input_s += s;
        break;
    case LUT_TABLE:
        r->table_s += s;
        break;
    case LUT_KERNEL:
        r->dpu_s += s;
        break;
    case LUT_GATHER:
        r->gather_s += s;
        break;
    case LUT_DONE:
        break;
    }
    if (first && L->phase == LUT_INPUT)
        r->input_bytes =
            L->link >= 0 ? (double)(uint64_t)llround(k->input_bytes / (double)L->target.n_dpus) *
                               (double)L->target.n_dpus
                         : 0.0;
    if (first && L->phase == LUT_TABLE)
        r->table_bytes = L->link >= 0
                             ? (double)(uint64_t)llround(k->lut_bytes / (double)L->target.n_dpus) *
                                   (double)L->target.n_dpus
                             : 0.0;
    if (first && L->phase == LUT_GATHER)
        r->output_bytes =
            L->link >= 0 ? (double)(uint64_t)llround(k->output_bytes / (double)L->target.n_dpus) *
                               (double)L->target.n_dpus
                         : 0.0;
    L->phase = next_phase(c, L->phase);
    L->phase_issued = FALSE;
    if (L->phase == LUT_DONE) {
        c->end_tick = ts_sim_now(x->sim);
        ts_exec_ctx_complete(x, c);
        return;
    }
    ts_exec_lut_pump(x, c);
}

void ts_exec_lut_job_done(Exec *x, OpCtx *c, Job *j)
{
    LutRun *L = c->lut_run;
    TsExecLut *r = &result_of(x, c)->lut;
    gboolean ended = TRUE;
    if (j->kind == JOB_LUT_SEARCH && L->phase == LUT_SEARCH_HOST) {
        L->ch_done++;
        ended = L->ch_done == search_chunks(L);
    } else if (j->kind == JOB_LUT_KERNEL) {
        /* the DPU busy from the segment's launch: the compute unit's timeline */
        OpTiming *t = &x->timing[c->op_index];
        const double took = (double)(j->end - j->start);
        t->busy_ps += took;
        t->free = MAX(t->free, j->end);
        c->last_compute_end = MAX(c->last_compute_end, j->end);
        const TsDpuKernelResult *d = ts_pim_core_last(x->unit[x->compute_unit].comp);
        if (c->instance == 0) {
            r->dpu_cycles += (double)d->cycles;
            r->dma_busy_cycles += (double)d->dma_busy_cycles;
            r->issued += d->issued;
            r->dma_bytes += (double)(d->dma_read_bytes + d->dma_write_bytes);
        }
        ended = L->seg == L->kernel.n_seg;
        if (!ended) {
            kernel_job(x, c, JOB_LUT_KERNEL, L->seg++);
            if (L->seg == L->kernel.n_seg)
                ts_exec_ctx_compute_done(x, c);
        } else if (c->instance == 0) {
            r->lookups = L->kernel.lookups * (double)L->target.n_dpus;
        }
    }
    ts_exec_trace_job(x, c, j);
    ts_exec_job_free(x, (int)(j - x->jobs));
    if (ended)
        phase_done(x, c);
    else
        ts_exec_lut_pump(x, c);
}
