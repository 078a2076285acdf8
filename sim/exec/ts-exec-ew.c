/* Elementwise and LUT-NN ops (softmax, layernorm, GELU, residual adds, ...) in the executor:
 * the op's traffic at the outermost level, as the analytical vector cost counts it (inputs and
 * parameters read once, the output written once), streams in chunks through the compute: a
 * chunk is read (one request per chunk, bursts at the tensors' addresses), computed on the
 * vector unit (or, without one, on the compute level's instances as lanes: the analytical
 * default) and written back; two chunks are in flight, so reads, compute and writes overlap.
 * The reads wait for the previous op's outputs. An op of one instance is sampled by chunk
 * (ts_exec_sample_chunk): once the chunks' period is steady, chunks not begun are extrapolated
 * and the chunks issued after that stand for the last ones, at their addresses. */
#include "ts-exec-private.h"

#include <math.h>
#include <string.h>


#define EW_MAX_CHUNKS 64
#define EW_CHUNK_BYTES 32768

static double outer_word_bytes(const Exec *x)
{
    return MAX(ts_arch_storage(x->arch, 0)->word_bits, 1u) / 8.0;
}

gboolean ts_exec_ew_begin(Exec *x, OpCtx *c)
{
    TsVectorCost vc;
    if (c->vector != NULL)
        vc = *c->vector;
    else if (!ts_layer_vector_cost(x->arch, c->op, &vc, &x->error))
        return FALSE;
    c->ew = vc;
    if (vc.vector_unit == NULL && x->unit[x->lane_unit].role == UNIT_PIM) {
        /* a DPU's elementwise lanes have no cost model (a LUT-NN op: the analytical model
         * costs PIM-DL's kernel instead) */
        g_set_error(&x->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the DES cannot run elementwise work on the DPUs (%s has no vector "
                    "unit for it%s); docs/pim.md, \"PIM architectures in the DES\"",
                    c->op->name ? c->op->name : "?", ts_arch_name(x->arch),
                    c->op->kind == TS_OP_LUT ? "; the analytical model costs PIM-DL's LUT-NN kernel"
                                             : "");
        return FALSE;
    }
    const double wb = outer_word_bytes(x);
    c->ew_read_bytes = (uint64_t)ceil(vc.read_words * wb);
    c->ew_write_bytes = (uint64_t)ceil(vc.write_words * wb);
    /* a fused op: its intermediates read and written at the fusion level */
    c->ew_fused_unit = -1;
    c->ew_fused_read_bytes = c->ew_fused_write_bytes = 0;
    if (vc.fused_level > 0 && vc.fused_level < ts_arch_n_storage(x->arch)) {
        const double fb = MAX(ts_arch_storage(x->arch, vc.fused_level)->word_bits, 1u) / 8.0;
        c->ew_fused_unit = x->storage_unit[vc.fused_level];
        c->ew_fused_read_bytes = (uint64_t)ceil(vc.fused_read_words * fb);
        c->ew_fused_write_bytes = (uint64_t)ceil(vc.fused_write_words * fb);
    }
    const uint64_t total =
        c->ew_read_bytes + c->ew_write_bytes + c->ew_fused_read_bytes + c->ew_fused_write_bytes;
    c->chunks = CLAMP((total + EW_CHUNK_BYTES - 1) / EW_CHUNK_BYTES, 1, EW_MAX_CHUNKS);
    c->ew_element_passes = (uint64_t)ceil(vc.element_passes);
    c->ew_vop = -1;
    if (x->vector_unit >= 0 && vc.vector_unit != NULL && vc.vector_op != NULL)
        c->ew_vop = ts_vector_unit_op_index(vc.vector_unit, vc.vector_op);
    c->start_tick = ts_sim_now(x->sim);
    c->n_steps = c->chunks;
    return TRUE;
}

/* Bytes of chunk i of a total. */
static uint64_t share(uint64_t total, uint64_t chunks, uint64_t i)
{
    return total * (i + 1) / chunks - total * i / chunks;
}

/* The op's chunk that simulated chunk j (in issue order) stands for. */
static uint64_t chunk_of(const OpCtx *c, uint64_t j)
{
    return j < c->ch_skip_at ? j : j + c->ch_skip;
}

/* Chunks simulated. */
static uint64_t sim_chunks(const OpCtx *c)
{
    return c->chunks - c->ch_skip;
}

/* After a chunk's compute was issued: whether the chunks not begun are extrapolated; the bytes
 * those request at the DRAM are counted exactly (their shares). */
static void sample_chunks(Exec *x, OpCtx *c)
{
    if (!c->ch_sample || c->ch_skip > 0 || c->ch_comp >= c->chunks)
        return;
    const uint64_t skip =
        ts_exec_sample_chunk(x, c->op_index, c->op, c->ch_comp, c->ch_read, c->chunks);
    if (skip == 0)
        return;
    c->ch_skip_at = c->ch_read;
    c->ch_skip = skip;
    if (x->unit[x->storage_unit[0]].role == UNIT_DRAM) {
        const uint64_t a = c->ch_read, b = c->ch_read + skip;
        for (guint k = 0; k < 2; k++) {
            const uint64_t total = k ? c->ew_write_bytes : c->ew_read_bytes;
            c->dram_bytes[0] += total * b / c->chunks - total * a / c->chunks;
            /* their bursts, chunk by chunk at its addresses (as dram_or_sram streams them) */
            const uint64_t base = c->base + (k ? ts_exec_op_footprint(c->op) / 2 : 0);
            uint64_t bursts = 0;
            for (uint64_t i = a; i < b; i++)
                bursts += ts_exec_linear_bursts(x, base + total * i / c->chunks,
                                                share(total, c->chunks, i));
            ts_exec_skip_dram(x, c, x->storage_unit[0], k ? TS_MEM_WRITE : TS_MEM_READ, bursts);
        }
    }
}

/* Chunk i's traffic in direction op: at the outermost level (a DRAM stream or an sram
 * request) and, for a fused op, at the fusion level. */
static void dram_or_sram(Exec *x, OpCtx *c, Job *j, TsMemOp op, uint64_t addr, uint64_t bytes,
                         uint64_t i)
{
    const int ui = x->storage_unit[0];
    if (bytes > 0 || c->ew_fused_unit < 0) {
        Part *p = ts_exec_part_mem(x, j, ui, op, addr, bytes);
        if (x->unit[ui].role == UNIT_DRAM && bytes > 0) {
            ts_exec_part_linear(x, j, p, c->base + addr);
            c->dram_bytes[0] += bytes;
        }
    }
    if (c->ew_fused_unit >= 0) {
        const uint64_t total = op == TS_MEM_READ ? c->ew_fused_read_bytes : c->ew_fused_write_bytes;
        const uint64_t b = share(total, c->chunks, i);
        if (b > 0)
            ts_exec_part_mem(x, j, c->ew_fused_unit, op, total * i / c->chunks, b);
    }
}

void ts_exec_ew_pump(Exec *x, OpCtx *c)
{
    if (!c->active)
        return;
    if (c->pumping) {
        c->repump = TRUE;
        return;
    }
    c->pumping = TRUE;
    const uint64_t in_base = 0, out_base = ts_exec_op_footprint(c->op) / 2;
    gboolean progress = TRUE;
    while (progress || c->repump) {
        progress = c->repump = FALSE;
        if (c->deps_done && c->ch_read < sim_chunks(c) && c->ch_read < c->ch_write_done + 2) {
            const uint64_t i = chunk_of(c, c->ch_read);
            const int ji = ts_exec_job_new(x, JOB_EW_READ, c->slot);
            Job *j = &x->jobs[ji];
            j->step = c->ch_read++;
            const uint64_t b = share(c->ew_read_bytes, c->chunks, i);
            dram_or_sram(x, c, j, TS_MEM_READ, in_base + c->ew_read_bytes * i / c->chunks, b, i);
            ts_exec_job_start(x, ji);
            progress = TRUE;
        }
        if (c->ch_comp < c->ch_read_done && c->ch_comp < c->ch_comp_done + 2) {
            const uint64_t i = chunk_of(c, c->ch_comp);
            const int ji = ts_exec_job_new(x, JOB_EW_COMPUTE, c->slot);
            Job *j = &x->jobs[ji];
            j->step = c->ch_comp++;
            const uint64_t passes = share(c->ew_element_passes, c->chunks, i);
            Part *p;
            double cycles;
            if (c->ew_vop >= 0) {
                p = ts_exec_part_compute(x, j, x->vector_unit, passes, 1);
                p->vop = (uint16_t)c->ew_vop;
                cycles =
                    ts_compute_unit_cycles(x->unit[x->vector_unit].comp, passes, (guint)c->ew_vop) *
                    x->unit[x->vector_unit].period_ps;
            } else {
                /* the default: the compute instances as lanes */
                const uint64_t lanes = MAX((uint64_t)c->ew.lanes, 1);
                const uint64_t work = (passes + lanes - 1) / lanes;
                const Unit *lu = &x->unit[x->lane_unit];
                if (lu->role == UNIT_SYSTOLIC) {
                    /* the array's PEs at the compute level's MACs per cycle each */
                    const TsLevel *cl = ts_arch_level(x->arch, (guint)lu->level);
                    const double mpc = cl->macs_per_cycle > 0.0 ? cl->macs_per_cycle : 1.0;
                    const uint64_t n = MAX((uint64_t)ceil((double)work / mpc), 1);
                    p = ts_exec_part_compute(x, j, x->lane_unit, n, (uint32_t)lanes);
                    cycles = (double)n * lu->period_ps;
                } else {
                    p = ts_exec_part_compute(x, j, x->lane_unit, work, (uint32_t)lanes);
                    cycles = ts_compute_unit_cycles(lu->comp, work, 0) * lu->period_ps;
                }
            }
            ts_exec_compute_issued(x, c, cycles);
            sample_chunks(x, c);
            if (c->ch_comp == sim_chunks(c))
                ts_exec_ctx_compute_done(x, c);
            ts_exec_job_start(x, ji);
            progress = TRUE;
        }
        if (c->ch_write < c->ch_comp_done) {
            const uint64_t i = chunk_of(c, c->ch_write);
            const int ji = ts_exec_job_new(x, JOB_EW_WRITE, c->slot);
            Job *j = &x->jobs[ji];
            j->step = c->ch_write++;
            dram_or_sram(x, c, j, TS_MEM_WRITE, out_base + c->ew_write_bytes * i / c->chunks,
                         share(c->ew_write_bytes, c->chunks, i), i);
            ts_exec_job_start(x, ji);
            progress = TRUE;
        }
    }
    c->pumping = FALSE;
    if (c->ch_write_done == sim_chunks(c)) {
        c->end_tick = ts_sim_now(x->sim);
        ts_exec_ctx_complete(x, c);
    }
}

static void advance(uint64_t *done, gboolean *flags, uint64_t issued, uint64_t i)
{
    flags[i % EW_MAX_CHUNKS] = TRUE;
    while (*done < issued && flags[*done % EW_MAX_CHUNKS]) {
        flags[*done % EW_MAX_CHUNKS] = FALSE;
        (*done)++;
    }
}

void ts_exec_ew_job_done(Exec *x, OpCtx *c, Job *j)
{
    if (j->kind == JOB_EW_READ)
        advance(&c->ch_read_done, c->ch_read_flag, c->ch_read, j->step);
    else if (j->kind == JOB_EW_COMPUTE)
        advance(&c->ch_comp_done, c->ch_comp_flag, c->ch_comp, j->step);
    else
        advance(&c->ch_write_done, c->ch_write_flag, c->ch_write, j->step);
    if (j->kind == JOB_EW_COMPUTE)
        c->last_compute_end = MAX(c->last_compute_end, j->end);
    ts_exec_trace_job(x, c, j);
    ts_exec_job_free(x, (int)(j - x->jobs));
    ts_exec_ew_pump(x, c);
}
