/* PIM-DL's LUT-NN kernel as pim_core kernels (ts-lut-kernel.h). */
#include "ts-lut-kernel.h"

#include <math.h>
#include <string.h>

#include "ts-config.h"

#define DMA_ALIGN 8.0

/* Steps are appended to a, or only counted (a NULL: n, with the last kind for merging). */
typedef struct {
    GArray *a;
    const TsPimCoreSpec *sp;
    double call_slots;
    double dma_bytes; /* this segment, one tasklet */
    guint64 n;
    TsDpuStepKind last;
} Builder;

static void append(Builder *b, TsDpuStepKind kind, double amount)
{
    b->n++;
    b->last = kind;
    if (b->a != NULL) {
        const TsDpuStep s = {kind, amount, FALSE};
        g_array_append_val(b->a, s);
    }
}

static void compute(Builder *b, double slots)
{
    if (slots <= 0.0)
        return;
    if (b->n > 0 && b->last == TS_DPU_STEP_COMPUTE) {
        if (b->a != NULL)
            g_array_index(b->a, TsDpuStep, b->a->len - 1).amount += slots;
        return;
    }
    append(b, TS_DPU_STEP_COMPUTE, slots);
}

/* One tasklet's DMA of bytes: calls of at most max_dma_bytes, each after its setup slots. */
static void dma(Builder *b, TsDpuStepKind kind, double bytes)
{
    const double max = b->sp->max_dma_bytes > 0 ? (double)b->sp->max_dma_bytes : bytes;
    double left = bytes;
    while (left > 0.0) {
        const double chunk = MIN(left, max);
        compute(b, b->call_slots);
        append(b, kind, chunk);
        left -= chunk;
    }
    b->dma_bytes += bytes;
}

static void barrier(Builder *b)
{
    append(b, TS_DPU_STEP_BARRIER, 0.0);
}

/* One micro-tile visit of one tasklet. */
static void visit(Builder *b, const TsLutPimParams *p, const TsLutPimTerms *k, gboolean first_f,
                  gboolean first_c, gboolean last_c)
{
    const double rows = (double)k->rows;
    if (!k->f_inner || first_f)
        dma(b, TS_DPU_STEP_MRAM_READ, k->in_bytes);
    if (!k->c_inner && !first_c)
        dma(b, TS_DPU_STEP_MRAM_READ, k->out_bytes);
    const double f_blocks = (double)(p->f_mtile / p->f_load);
    const double c_blocks = (double)(p->cb_mtile / p->cb_load);
    switch (p->load) {
    case TS_LUT_LOAD_STATIC:
        compute(b, rows * ((double)p->f_mtile * p->cb_mtile * k->lookup_slots +
                           (double)p->cb_mtile * f_blocks * k->index_slots +
                           f_blocks * c_blocks * k->acc_slots));
        break;
    case TS_LUT_LOAD_FINE: {
        const double per = (double)p->f_load * k->lookup_slots + k->index_slots + k->acc_slots;
        const guint64 loads = k->rows * p->cb_mtile * (p->f_mtile / p->f_load);
        for (guint64 i = 0; i < loads; i++) {
            dma(b, TS_DPU_STEP_MRAM_READ, k->table_bytes);
            compute(b, per);
        }
        break;
    }
    default: {
        const double per = rows * ((double)p->cb_load * p->f_load * k->lookup_slots +
                                   (double)p->cb_load * k->index_slots + k->acc_slots);
        const guint64 blocks = (p->cb_mtile / p->cb_load) * (p->f_mtile / p->f_load);
        for (guint64 i = 0; i < blocks; i++) {
            dma(b, TS_DPU_STEP_MRAM_READ, k->table_bytes);
            barrier(b);
            compute(b, per);
            barrier(b);
        }
        break;
    }
    }
    if (!k->c_inner || last_c)
        dma(b, TS_DPU_STEP_MRAM_WRITE, k->out_bytes);
}

/* Index of dimension d (0 n, 1 f, 2 c) at loop position pos (0 outermost) of an order. */
static const guint order_dims[TS_LUT_ORDER_COUNT_][3] = {
    {0, 1, 2}, /* nfc */
    {0, 2, 1}, /* ncf */
    {1, 0, 2}, /* fnc */
    {1, 2, 0}, /* fcn */
    {2, 0, 1}, /* cnf */
    {2, 1, 0}, /* cfn */
};

static gboolean too_long(const Builder *b, const TsOp *op, GError **error)
{
    if (b->n <= TS_LUT_KERNEL_MAX_STEPS)
        return FALSE;
    ts_config_error(error, NULL, TS_CONFIG_ERROR_LIMIT, NULL,
                    "op %s: one loop iteration of its LUT kernel takes more than %u tasklet steps "
                    "(fine-grain table loads of small f_load over large tiles); the DES runs "
                    "at most that many",
                    op->name ? op->name : "?", TS_LUT_KERNEL_MAX_STEPS);
    return TRUE;
}

/* Closes the builder's array as segment k->n_seg, run `iterations` times. */
static void close_segment(TsLutKernel *kernel, Builder *b, guint64 tasklets, guint64 iterations)
{
    const guint i = kernel->n_seg++;
    kernel->steps[i] = b->a;
    kernel->seg[i] = (TsDpuKernel){(const TsDpuStep *)(void *)b->a->data, b->a->len,
                                   (guint)tasklets, iterations, NULL};
    kernel->dma_bytes += b->dma_bytes * (double)iterations * (double)tasklets;
    b->a = NULL;
}

/* The steps of outer-loop iteration o (every visit of the middle and inner loops); FALSE
 * (counting) once they exceed the bound. */
static gboolean outer_iteration(Builder *b, const TsLutPimParams *p, const TsLutPimTerms *k,
                                guint64 o)
{
    const guint *dims = order_dims[p->order];
    const guint64 extent[3] = {k->n_tiles, k->f_tiles, k->c_tiles};
    for (guint64 i = 0; i < extent[dims[1]]; i++) {
        for (guint64 j = 0; j < extent[dims[2]]; j++) {
            guint64 idx[3];
            idx[dims[0]] = o;
            idx[dims[1]] = i;
            idx[dims[2]] = j;
            visit(b, p, k, idx[1] == 0, idx[2] == 0, idx[2] + 1 == k->c_tiles);
            if (b->n > TS_LUT_KERNEL_MAX_STEPS)
                return FALSE;
        }
    }
    return TRUE;
}

/* Builds (kernel non-NULL) or only checks the segments: the static table's load, then the
 * outer loop's iterations (the first apart when the codebooks loop is outermost). */
static gboolean segments(const TsLutPimTarget *t, const TsOp *op, const TsLutPimCost *cost,
                         TsLutKernel *kernel, GError **error)
{
    const TsLutPimParams *p = &cost->p;
    TsLutPimTerms k;
    if (!ts_lut_pim_terms(t, op, p, &k)) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s: no LUT kernel terms for its configuration",
                        op->name ? op->name : "?");
        return FALSE;
    }
    Builder b = {0};
    b.sp = t->dpu;
    b.call_slots = k.call_slots;
    if (p->load == TS_LUT_LOAD_STATIC && kernel != NULL) {
        b.a = g_array_new(FALSE, FALSE, sizeof(TsDpuStep));
        dma(&b, TS_DPU_STEP_MRAM_READ, k.table_bytes);
        close_segment(kernel, &b, k.tasklets, 1);
    }
    const guint *dims = order_dims[p->order];
    const guint64 extent[3] = {k.n_tiles, k.f_tiles, k.c_tiles};
    const guint64 outer = extent[dims[0]];
    const gboolean first_apart = dims[0] == 2 && outer > 1;
    for (guint pass = first_apart ? 0 : 1; pass < 2; pass++) {
        const guint64 o = pass == 0 ? 0 : first_apart ? 1 : 0;
        /* count first: nothing is allocated for a kernel beyond the bound */
        Builder count = b;
        count.a = NULL;
        count.n = 0;
        outer_iteration(&count, p, &k, o);
        if (too_long(&count, op, error))
            return FALSE;
        if (kernel == NULL)
            continue;
        b.a = g_array_sized_new(FALSE, FALSE, sizeof(TsDpuStep), (guint)count.n);
        b.n = 0;
        b.dma_bytes = 0.0;
        outer_iteration(&b, p, &k, o);
        close_segment(kernel, &b, k.tasklets, pass == 0 ? 1 : outer - (first_apart ? 1 : 0));
    }
    if (kernel != NULL)
        kernel->lookups =
            (double)p->n_stile * (double)p->f_stile * (double)(k.c_tiles * p->cb_mtile);
    return TRUE;
}

gboolean ts_lut_kernel_build(const TsLutPimTarget *t, const TsOp *op, const TsLutPimCost *cost,
                             TsLutKernel *kernel, GError **error)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && cost != NULL && kernel,
                         FALSE);
    memset(kernel, 0, sizeof *kernel);
    if (!segments(t, op, cost, kernel, error)) {
        ts_lut_kernel_clear(kernel);
        return FALSE;
    }
    return TRUE;
}

gboolean ts_lut_kernel_check(const TsLutPimTarget *t, const TsOp *op, const TsLutPimCost *cost,
                             GError **error)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && cost != NULL, FALSE);
    return segments(t, op, cost, NULL, error);
}

gboolean ts_lut_search_kernel_build(const TsLutPimTarget *t, const TsOp *op,
                                    const TsLutPimCost *cost, TsLutKernel *kernel, GError **error)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && cost != NULL && kernel,
                         FALSE);
    memset(kernel, 0, sizeof *kernel);
    const guint64 T = MAX(t->dpu->tasklets, (guint64)1);
    if (cost->search_dpu_bytes <= 0.0 || cost->search_dpu_slots <= 0.0) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s: its configuration has no centroid search on the DPUs",
                        op->name ? op->name : "?");
        return FALSE;
    }
    /* each tasklet its share of the inputs (whole 8-byte granules), a call at a time, each
     * followed by its share of the distance slots; no call setup slots (the model's search
     * counts none) */
    Builder b = {0};
    b.a = g_array_new(FALSE, FALSE, sizeof(TsDpuStep));
    b.sp = t->dpu;
    const double share = ceil(cost->search_dpu_bytes / (double)T / DMA_ALIGN) * DMA_ALIGN;
    const double max = t->dpu->max_dma_bytes > 0 ? (double)t->dpu->max_dma_bytes : share;
    const double calls = MAX(1.0, ceil(share / max));
    const double slots = cost->search_dpu_slots / (double)T / calls;
    double left = share;
    while (left > 0.0) {
        const double chunk = MIN(left, max);
        append(&b, TS_DPU_STEP_MRAM_READ, chunk);
        compute(&b, slots);
        left -= chunk;
        b.dma_bytes += chunk;
    }
    if (too_long(&b, op, error)) {
        g_array_free(b.a, TRUE);
        return FALSE;
    }
    close_segment(kernel, &b, T, 1);
    return TRUE;
}

void ts_lut_kernel_clear(TsLutKernel *kernel)
{
    if (kernel == NULL)
        return;
    for (guint i = 0; i < TS_LUT_KERNEL_MAX_SEGMENTS; i++)
        if (kernel->steps[i] != NULL)
            g_array_free(kernel->steps[i], TRUE);
    memset(kernel, 0, sizeof *kernel);
}

gboolean ts_lut_kernel_run(const TsPimCoreSpec *spec, const TsLutKernel *kernel,
                           TsDpuKernelResult *result, GError **error)
{
    g_return_val_if_fail(spec != NULL && kernel != NULL && result != NULL, FALSE);
    memset(result, 0, sizeof *result);
    for (guint i = 0; i < kernel->n_seg; i++) {
        TsDpuKernelResult r;
        if (!ts_pim_run_kernel(spec, &kernel->seg[i], &r, error))
            return FALSE;
        result->cycles += r.cycles;
        result->timed_cycles += r.timed_cycles;
        result->issued += r.issued;
        result->dma_read_bytes += r.dma_read_bytes;
        result->dma_write_bytes += r.dma_write_bytes;
        result->dma_busy_cycles += r.dma_busy_cycles;
        result->dma_transfers += r.dma_transfers;
    }
    return TRUE;
}
