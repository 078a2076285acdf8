/* LUT-NN kernels on DPUs, PIM-DL's way (ts-lut-pim.h; docs/pim.md, "LUT-NN on PIM"). */
#include "ts-lut-pim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ts-config.h"

/* The kernel's inner loop on the DPU ISA (PIM-DL's lookup-accumulate, written the way its DPU
 * kernels are: the accumulators of one token's f block in registers while they fit, the
 * table row of one codebook addressed from the token's index):
 *   per lookup: one table-entry load and one add at the accumulator's format (add_int32 for
 *     PIM-DL's int32); accumulators that do not fit the registers add a load and a store;
 *   per token, codebook and f block: the index load, the table-row address, the loop's
 *     increment and branch: the arch's `loop` slots;
 *   per token, f block and codebook block (accumulators in registers): loading and storing
 *     the f block's accumulators, 64-bit accesses pairing two int32 (f_block slots);
 *   per DMA call (mram_read / mram_write): the call's setup, `loop` slots.
 * A tasklet has 24 general registers; 8 hold pointers and counters, so 16 accumulators. */
#define ACC_REGISTERS 16
/* WRAM a PIM-DL kernel cannot use for tiles: each tasklet's stack (the SDK's default 1 KiB)
 * and the runtime's own data (656 B): 64 KiB - 16 x 1 KiB - 656 = 48,496 B, PIM-DL's budget. */
#define STACK_BYTES 1024
#define RUNTIME_WRAM_BYTES 656
#define DMA_ALIGN 8

static const char *const order_names[TS_LUT_ORDER_COUNT_] = {"nfc", "ncf", "fnc",
                                                             "fcn", "cnf", "cfn"};
static const char *const load_names[TS_LUT_LOAD_COUNT_] = {"static", "fine", "coarse"};

const char *ts_lut_order_name(TsLutOrder order)
{
    return (unsigned)order < TS_LUT_ORDER_COUNT_ ? order_names[order] : "?";
}

const char *ts_lut_load_name(TsLutLoad load)
{
    return (unsigned)load < TS_LUT_LOAD_COUNT_ ? load_names[load] : "?";
}

gboolean ts_lut_pim_target(const TsArch *arch, TsLutPimTarget *t)
{
    g_return_val_if_fail(arch != NULL && t != NULL, FALSE);
    memset(t, 0, sizeof *t);
    const TsLevel *core = NULL, *mram = NULL;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL && t->dpu == NULL) {
            const TsPimCoreSpec *sp = l->spec;
            if (sp->kind != TS_PIM_DPU || sp->mram_level < 0)
                continue;
            t->dpu = sp;
            core = l;
            mram = ts_arch_level(arch, (guint)sp->mram_level);
            t->tables_resident = (mram->resident & TS_RESIDENT_PARAMETERS) != 0;
        } else if (l->klass == TS_CLASS_HOST_LINK && l->spec != NULL && t->link == NULL) {
            t->link = l->spec;
            t->link_name = l->name;
        } else if (l->klass == TS_CLASS_VECTOR_UNIT && l->spec != NULL && t->host == NULL) {
            t->host = l->spec;
            t->host_name = l->name;
            t->host_hz = l->clock_hz > 0.0 ? l->clock_hz : ts_arch_clock_hz(arch);
        }
    }
    if (t->dpu == NULL)
        return FALSE;
    const char *dot = strchr(core->name, '.');
    g_strlcpy(t->dpu_name, core->name,
              dot ? MIN(sizeof t->dpu_name, (gsize)(dot - core->name) + 1) : sizeof t->dpu_name);
    const TsLevel *alu = ts_arch_compute(arch);
    t->n_dpus = alu != NULL ? alu->instances : mram->instances;
    const double block_bytes = (double)MAX(mram->block_size, 1u) * mram->word_bits / 8.0;
    t->mram_pj_per_byte = block_bytes > 0.0 ? mram->energy.read_pj / block_bytes : 0.0;
    const guint64 reserved = t->dpu->tasklets * STACK_BYTES + RUNTIME_WRAM_BYTES;
    t->wram_budget_bytes = t->dpu->wram_bytes > reserved ? t->dpu->wram_bytes - reserved : 0;
    const TsLevel *outer = ts_arch_storage(arch, 0);
    if (outer != NULL) {
        t->host_mem_bytes_per_s = ts_arch_level_read_bw_bytes_per_s(arch, outer);
        const double ob = (double)MAX(outer->block_size, 1u) * outer->word_bits / 8.0;
        t->host_mem_pj_per_byte = ob > 0.0 ? outer->energy.read_pj / ob : 0.0;
    }
    return TRUE;
}

/* DMA calls of one tasklet's transfer of bytes (split at the SDK's largest transfer). */
static double dma_calls(const TsPimCoreSpec *sp, double bytes)
{
    const double max = sp->max_dma_bytes > 0 ? (double)sp->max_dma_bytes : bytes;
    return MAX(1.0, ceil(bytes / max));
}

/* DPU cycles of one tasklet's DMA of bytes: alpha per call + beta x bytes. */
static double dma_cycles(const TsPimCoreSpec *sp, double bytes, gboolean write)
{
    const double alpha = write ? sp->dma_alpha_write_cycles : sp->dma_alpha_read_cycles;
    return dma_calls(sp, bytes) * alpha + sp->dma_beta_cycles_per_byte * bytes;
}

static double round_up(double x, double to)
{
    return ceil(x / to) * to;
}

typedef struct {
    guint64 m, n, k, cb, ct, v;
    double ib, tb, ab, xb; /* bytes: index, table entry, accumulator, host activation */
} Shape;

static gboolean lut_shape(const TsOp *op, Shape *s)
{
    const int d = ts_op_find_dim(op, "D"), cb = ts_op_find_dim(op, "CB"),
              v = ts_op_find_dim(op, "V"), c = ts_op_find_dim(op, "C"), l = ts_op_find_dim(op, "L");
    if (op->kind != TS_OP_LUT || d < 0 || cb < 0 || v < 0 || c < 0 || l < 0)
        return FALSE;
    s->m = op->dims[l];
    s->n = op->dims[d];
    s->cb = op->dims[cb];
    s->ct = op->dims[c];
    s->v = op->dims[v];
    s->k = s->cb * s->v;
    s->ib = op->lut_index.bits / 8.0;
    s->tb = op->lut_table.bits / 8.0;
    s->ab = op->lut_acc.bits / 8.0;
    s->xb = 4.0;
    for (guint t = 0; t < op->n_tensors; t++)
        if (g_strcmp0(op->tensors[t].name, "Inputs") == 0)
            s->xb = op->tensors[t].precision.bits / 8.0;
    return TRUE;
}

/* The per-tasklet terms of one DPU's kernel under p (p's sub tiles and load tiles set). */
static void kernel_terms(const TsLutPimTarget *t, const TsOp *op, const Shape *s,
                         const TsLutPimParams *p, TsLutPimTerms *k)
{
    const TsPimCoreSpec *sp = t->dpu;
    const guint64 T = MAX(sp->tasklets, (guint64)1);
    memset(k, 0, sizeof *k);
    k->tasklets = T;
    k->rows = p->n_mtile / T;
    k->n_tiles = p->n_stile / p->n_mtile;
    k->f_tiles = p->f_stile / p->f_mtile;
    k->c_tiles = s->cb / p->cb_mtile;
    k->f_inner = p->order == TS_LUT_ORDER_NCF || p->order == TS_LUT_ORDER_CNF;
    k->c_inner = p->order == TS_LUT_ORDER_NFC || p->order == TS_LUT_ORDER_FNC;
    k->in_bytes = (double)k->rows * p->cb_mtile * s->ib;
    k->out_bytes = (double)k->rows * p->f_mtile * s->ab;
    switch (p->load) {
    case TS_LUT_LOAD_STATIC:
        k->lut_tile_bytes = (double)s->cb * s->ct * p->f_stile * s->tb;
        /* each tasklet DMAs its share, rounded up to the DMA's 8-byte granule */
        k->table_bytes = round_up(k->lut_tile_bytes / (double)T, DMA_ALIGN);
        break;
    case TS_LUT_LOAD_FINE:
        k->table_bytes = round_up(p->f_load * s->tb, DMA_ALIGN);
        k->lut_tile_bytes = (double)T * k->table_bytes;
        break;
    default:
        k->lut_tile_bytes = round_up((double)p->cb_load * s->ct * p->f_load * s->tb, DMA_ALIGN * T);
        k->table_bytes = k->lut_tile_bytes / (double)T;
        break;
    }
    /* The accumulate at the accumulator's format (int32 in PIM-DL: add_int32). */
    const gboolean acc_fp = op->lut_acc.format != TS_NUM_INT && op->lut_acc.format != TS_NUM_UINT;
    const double add = ts_pim_dpu_arith_slots(sp, TS_DPU_ADD, op->lut_acc.bits, acc_fp, 0, NULL);
    const gboolean in_regs = p->f_load <= ACC_REGISTERS;
    k->lookup_slots = add < 0.0 ? -1.0 : (in_regs ? 1.0 : 3.0) + add;
    k->index_slots = sp->dpu_slots[TS_DPU_OP_loop];
    k->acc_slots = in_regs ? (double)p->f_load : 0.0;
    k->call_slots = sp->dpu_slots[TS_DPU_OP_loop];
}

gboolean ts_lut_pim_terms(const TsLutPimTarget *t, const TsOp *op, const TsLutPimParams *p,
                          TsLutPimTerms *terms)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && p != NULL && terms != NULL,
                         FALSE);
    Shape s;
    if (!lut_shape(op, &s) || p->n_mtile == 0 || p->f_mtile == 0 || p->cb_mtile == 0 ||
        p->f_load == 0 || p->cb_load == 0)
        return FALSE;
    kernel_terms(t, op, &s, p, terms);
    return terms->lookup_slots >= 0.0;
}

/* Closest-centroid search of the op's m tokens: per token, codebook and centroid, V
 * subtract-multiply-add distance terms and one compare. On the host: the vector unit's 'ccs'
 * figures per operation (3 per term, 1 per compare) when it lists them (the kernel as the
 * host's code runs it), else its 'add' and 'mul' at every lane. */
static gboolean search_cost(const TsLutPimTarget *t, const Shape *s, const TsLutPimParams *p,
                            TsLutPimCost *c, const char **why)
{
    const double terms = (double)s->m * s->cb * s->ct * s->v;
    const double compares = (double)s->m * s->cb * s->ct;
    if (!p->search_on_dpus) {
        if (t->host == NULL) {
            *why = "no host vector unit for the centroid search";
            return FALSE;
        }
        const TsVectorOp *add = ts_vector_unit_op(t->host, "add");
        const TsVectorOp *mul = ts_vector_unit_op(t->host, "mul");
        if (add == NULL || mul == NULL) {
            *why = "the host vector unit lists no add or mul for the centroid search";
            return FALSE;
        }
        const double lanes = (double)MAX(t->host->lanes, (guint64)1);
        const TsVectorOp *ccs = ts_vector_unit_op(t->host, "ccs");
        double cyc, pj;
        if (ccs != NULL) {
            c->search_ccs_ops = 3.0 * terms + compares;
            cyc = (3.0 * terms + compares) * ccs->cycles_per_element / lanes;
            pj = (3.0 * terms + compares) * ccs->energy_pj_per_element;
        } else {
            c->search_add_ops = 2.0 * terms + compares;
            c->search_mul_ops = terms;
            cyc = (terms * (2.0 * add->cycles_per_element + mul->cycles_per_element) +
                   compares * add->cycles_per_element) /
                  lanes;
            pj = terms * (2.0 * add->energy_pj_per_element + mul->energy_pj_per_element) +
                 compares * add->energy_pj_per_element;
        }
        c->search_read_bytes = (double)s->m * s->k * s->xb;
        c->search_write_bytes = (double)s->m * s->cb * s->ib;
        const double bytes = c->search_read_bytes + c->search_write_bytes;
        const double mem_s = t->host_mem_bytes_per_s > 0.0 ? bytes / t->host_mem_bytes_per_s : 0;
        c->search_s = MAX(cyc / t->host_hz, mem_s);
        c->search_pj = pj + bytes * t->host_mem_pj_per_byte;
        return TRUE;
    }
    /* On the DPUs: every DPU of an input group finds the indices of its n_stile tokens
     * (the same work in each of the lut_par DPUs of the group), streaming its fp32 inputs
     * from MRAM. */
    const char *missing = NULL;
    const TsPimCoreSpec *sp = t->dpu;
    const double sub = ts_pim_dpu_arith_slots(sp, TS_DPU_SUB, 32, TRUE, 0, &missing);
    const double mul = ts_pim_dpu_arith_slots(sp, TS_DPU_MUL, 32, TRUE, 0, &missing);
    const double add = ts_pim_dpu_arith_slots(sp, TS_DPU_ADD, 32, TRUE, 0, &missing);
    const double loop = sp->dpu_slots[TS_DPU_OP_loop];
    if (sub < 0.0 || mul < 0.0 || add < 0.0) {
        *why = "the DPU has no float add/sub/mul cost for a centroid search on the DPUs";
        return FALSE;
    }
    const double per_dpu_terms = (double)p->n_stile * s->cb * s->ct * s->v;
    const double per_dpu_cmp = (double)p->n_stile * s->cb * s->ct;
    const double slots = per_dpu_terms * (sub + mul + add + loop) + per_dpu_cmp * (sub + loop);
    const double in_bytes = (double)p->n_stile * s->k * s->xb;
    c->search_dpu_slots = slots;
    c->search_dpu_bytes = in_bytes;
    const double dma = dma_cycles(sp, in_bytes, FALSE);
    const double cycles = MAX(slots / sp->issue_fraction, dma);
    c->search_s = cycles / sp->frequency_hz;
    c->search_pj =
        (double)t->n_dpus * (slots * sp->instruction_pj + in_bytes * t->mram_pj_per_byte);
    return TRUE;
}

/* Host-link phases of a split: indices (or, searching on the DPUs, the inputs) and
 * sub-tables scattered to every DPU, outputs gathered. */
static void link_cost(const TsLutPimTarget *t, const Shape *s, const TsLutPimParams *p,
                      TsLutPimCost *c)
{
    const double in_each =
        p->search_on_dpus ? (double)p->n_stile * s->k * s->xb : (double)p->n_stile * s->cb * s->ib;
    const double lut_each = (double)s->cb * s->ct * p->f_stile * s->tb;
    const double out_each = (double)p->n_stile * p->f_stile * s->ab;
    const double nd = (double)t->n_dpus;
    c->input_bytes = in_each * nd;
    c->lut_bytes = lut_each * nd;
    c->output_bytes = out_each * nd;
    if (t->link != NULL) {
        c->input_s = ts_host_link_transfer_s(t->link, TS_XFER_PARALLEL_H2D, in_each, t->n_dpus);
        c->lut_s = ts_host_link_transfer_s(t->link, TS_XFER_PARALLEL_H2D, lut_each, t->n_dpus);
        c->gather_s = ts_host_link_transfer_s(t->link, TS_XFER_PARALLEL_D2H, out_each, t->n_dpus);
        c->link_pj = (c->input_bytes + c->lut_bytes) * 8.0 * t->link->h2d_pj_per_bit +
                     c->output_bytes * 8.0 * t->link->d2h_pj_per_bit;
    }
    c->load_s = c->load_pj = c->load_bytes = 0.0;
    if (t->tables_resident &&
        (t->table_budget_bytes == 0 || lut_each <= (double)t->table_budget_bytes)) {
        /* scattered once into the MRAM that keeps them (the per-DPU fit is checked) */
        c->load_s = c->lut_s;
        c->load_bytes = c->lut_bytes;
        c->load_pj = t->link != NULL ? c->lut_bytes * 8.0 * t->link->h2d_pj_per_bit : 0.0;
        c->link_pj -= c->load_pj;
        c->lut_s = 0.0;
    }
}

/* A lower bound on the total of every configuration of a split (p's parallelism and search
 * placement): its search and transfers, which the micro kernel does not change, plus the
 * pipeline time of the lookups alone (a table load and an add each). INFINITY when the
 * search cannot run there. */
static double split_bound(const TsLutPimTarget *t, const TsOp *op, const Shape *s,
                          const TsLutPimParams *p)
{
    TsLutPimCost c;
    memset(&c, 0, sizeof c);
    const char *why = NULL;
    if (!search_cost(t, s, p, &c, &why))
        return INFINITY;
    link_cost(t, s, p, &c);
    const TsPimCoreSpec *sp = t->dpu;
    const gboolean acc_fp = op->lut_acc.format != TS_NUM_INT && op->lut_acc.format != TS_NUM_UINT;
    const double add = ts_pim_dpu_arith_slots(sp, TS_DPU_ADD, op->lut_acc.bits, acc_fp, 0, NULL);
    const double issue = sp->issue_fraction > 0.0 ? sp->issue_fraction : 1.0;
    const double lookups = (double)p->n_stile * p->f_stile * s->cb;
    const double dpu_s = add < 0.0 ? 0.0 : lookups * (1.0 + add) / issue / sp->frequency_hz;
    return c.search_s + c.input_s + c.lut_s + c.gather_s + dpu_s;
}

gboolean ts_lut_pim_evaluate(const TsLutPimTarget *t, const TsOp *op, const TsLutPimParams *params,
                             TsLutPimCost *c, const char **why)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && params != NULL && c != NULL &&
                             why != NULL,
                         FALSE);
    memset(c, 0, sizeof *c);
    c->p = *params;
    TsLutPimParams *p = &c->p;
    Shape s;
    if (!lut_shape(op, &s)) {
        *why = "not a LUT op with dims D, CB, V, C, L";
        return FALSE;
    }
    const TsPimCoreSpec *sp = t->dpu;
    const guint64 T = MAX(sp->tasklets, (guint64)1);
    if (p->input_par == 0 || p->lut_par == 0 || p->input_par * p->lut_par != t->n_dpus) {
        *why = "input_parallelism x lut_parallelism must equal the number of DPUs";
        return FALSE;
    }
    if (s.m % p->input_par != 0 || s.n % p->lut_par != 0) {
        *why = "input_parallelism must divide the tokens and lut_parallelism the outputs";
        return FALSE;
    }
    p->n_stile = s.m / p->input_par;
    p->f_stile = s.n / p->lut_par;
    if (p->n_mtile == 0 || p->f_mtile == 0 || p->cb_mtile == 0 || p->n_stile % p->n_mtile ||
        p->f_stile % p->f_mtile || s.cb % p->cb_mtile || p->n_mtile % T) {
        *why = "micro tiles must divide the sub tiles (n_mtile a multiple of the tasklets)";
        return FALSE;
    }
    if (p->load == TS_LUT_LOAD_STATIC) {
        p->f_load = p->f_mtile;
        p->cb_load = p->cb_mtile;
    } else if (p->load == TS_LUT_LOAD_FINE) {
        p->cb_load = 1;
    }
    if (p->f_load == 0 || p->cb_load == 0 || p->f_mtile % p->f_load || p->cb_mtile % p->cb_load) {
        *why = "table load tiles must divide the micro tiles";
        return FALSE;
    }
    TsLutPimTerms k;
    kernel_terms(t, op, &s, p, &k);
    const double in_pt = k.in_bytes, out_pt = k.out_bytes;
    if (in_pt < DMA_ALIGN || out_pt < DMA_ALIGN || fmod(in_pt, DMA_ALIGN) != 0.0 ||
        fmod(out_pt, DMA_ALIGN) != 0.0) {
        *why = "each tasklet's input and output tiles must be multiples of 8 bytes";
        return FALSE;
    }
    const double lut_tile = k.lut_tile_bytes;
    const double wram =
        (double)p->n_mtile * p->cb_mtile * s.ib + (double)p->n_mtile * p->f_mtile * s.ab + lut_tile;
    if (wram > (double)t->wram_budget_bytes) {
        *why = "the tiles do not fit the WRAM budget";
        return FALSE;
    }
    c->wram_bytes = (guint64)wram;
    const double mram = (double)p->n_stile * s.cb * s.ib + (double)s.cb * s.ct * p->f_stile * s.tb +
                        (double)p->n_stile * p->f_stile * s.ab +
                        (p->search_on_dpus ? (double)p->n_stile * s.k * s.xb : 0.0);
    if (mram > (double)sp->mram_bytes) {
        *why = "a DPU's inputs, sub-table and outputs do not fit its MRAM";
        return FALSE;
    }
    c->mram_bytes = (guint64)mram;
    if (!search_cost(t, &s, p, c, why))
        return FALSE;

    /* ---- one DPU's kernel ---- */
    const double nt = (double)k.n_tiles, ft = (double)k.f_tiles, ct = (double)k.c_tiles;
    const double tiles = nt * ft * ct;
    const gboolean f_inner = k.f_inner, c_inner = k.c_inner;
    double calls = 0.0, dma_bytes = 0.0;
    /* Index tiles: reloaded unless the features loop runs inside (ncf, cnf). */
    const double in_loads = f_inner ? nt * ct : tiles;
    c->dma_input_cycles = in_loads * (double)T * dma_cycles(sp, in_pt, FALSE);
    calls += in_loads * (double)T * dma_calls(sp, in_pt);
    dma_bytes += in_loads * in_pt * (double)T;
    /* Output tiles: written once each when the codebooks loop runs inside (nfc, fnc; the
     * accumulators start at zero in WRAM); else written per visit and read on every visit
     * but the first. */
    const double out_writes = c_inner ? nt * ft : tiles;
    const double out_reads = c_inner ? 0.0 : tiles - nt * ft;
    c->dma_output_cycles = (double)T * (out_writes * dma_cycles(sp, out_pt, TRUE) +
                                        out_reads * dma_cycles(sp, out_pt, FALSE));
    calls += (double)T * (out_writes + out_reads) * dma_calls(sp, out_pt);
    dma_bytes += (double)T * (out_writes + out_reads) * out_pt;
    /* Table: static, the whole sub-table once before the loop, shared out among the
     * tasklets; fine, one DMA of f_load entries per token, codebook and f block; coarse, one
     * block per n_mtile tokens, f_load features and cb_load codebooks, shared out. */
    const double lookups = (double)p->n_stile * p->f_stile * s.cb;
    switch (p->load) {
    case TS_LUT_LOAD_STATIC: {
        const double per = k.table_bytes;
        c->dma_static_cycles = (double)T * dma_cycles(sp, per, FALSE);
        calls += (double)T * dma_calls(sp, per);
        dma_bytes += per * (double)T;
        break;
    }
    case TS_LUT_LOAD_FINE: {
        const double n_loads = (double)p->n_stile * s.cb * (double)(p->f_stile / p->f_load);
        const double b = k.table_bytes;
        c->dma_lut_cycles = n_loads * dma_cycles(sp, b, FALSE);
        calls += n_loads * dma_calls(sp, b);
        dma_bytes += n_loads * b;
        break;
    }
    default: {
        const double n_loads = lookups / ((double)p->n_mtile * p->f_load * p->cb_load);
        const double per = k.table_bytes;
        c->dma_lut_cycles = n_loads * (double)T * dma_cycles(sp, per, FALSE);
        calls += n_loads * (double)T * dma_calls(sp, per);
        dma_bytes += n_loads * lut_tile;
        break;
    }
    }
    if (k.lookup_slots < 0.0) {
        *why = "the DPU has no cost for an add at the accumulator's format";
        return FALSE;
    }
    const double issue_div = sp->issue_fraction > 0.0 ? sp->issue_fraction : 1.0;
    c->issue_lookup_cycles = lookups * k.lookup_slots / issue_div;
    c->issue_index_cycles =
        (double)p->n_stile * s.cb * (double)(p->f_stile / p->f_load) * k.index_slots / issue_div;
    c->issue_acc_cycles =
        lookups / ((double)p->f_load * (double)p->cb_load) * k.acc_slots / issue_div;
    c->issue_dma_cycles = calls * k.call_slots / issue_div;
    c->dma_cycles = c->dma_input_cycles + c->dma_output_cycles + c->dma_lut_cycles;
    c->issue_cycles =
        c->issue_lookup_cycles + c->issue_index_cycles + c->issue_acc_cycles + c->issue_dma_cycles;
    /* Tasklets overlap their own DMAs (index and output tiles, fine-grain table entries) with
     * the others' instructions; a shared table (the static load, a coarse block) is loaded by
     * all tasklets together behind a barrier, so nothing overlaps it. */
    const double shared =
        c->dma_static_cycles + (p->load == TS_LUT_LOAD_COARSE ? c->dma_lut_cycles : 0.0);
    c->dpu_cycles = shared + MAX(c->dma_cycles - (shared - c->dma_static_cycles), c->issue_cycles);
    c->dpu_s = c->dpu_cycles / sp->frequency_hz;
    c->dpu_pj = (double)t->n_dpus * (c->issue_cycles * issue_div * sp->instruction_pj +
                                     dma_bytes * t->mram_pj_per_byte);

    link_cost(t, &s, p, c);
    c->total_s = c->search_s + c->input_s + c->lut_s + c->dpu_s + c->gather_s;
    c->energy_pj = c->search_pj + c->link_pj + c->dpu_pj;
    return TRUE;
}

/* Lower total, then lower energy, then the split first in enumeration order (rank: split
 * index x 2 + search on the DPUs); within a split the first configuration found. */
static gboolean better(const TsLutPimCost *a, guint a_rank, const TsLutPimCost *b, guint b_rank)
{
    if (a->total_s != b->total_s)
        return a->total_s < b->total_s;
    if (a->energy_pj != b->energy_pj)
        return a->energy_pj < b->energy_pj;
    return a_rank < b_rank;
}

typedef struct {
    double bound;
    guint rank;
} SplitOrder;

static int split_order_cmp(const void *pa, const void *pb)
{
    const SplitOrder *a = pa, *b = pb;
    if (a->bound != b->bound)
        return a->bound < b->bound ? -1 : 1;
    return a->rank < b->rank ? -1 : a->rank > b->rank;
}

/* Divisors of x in increasing order (at most cap of them kept). */
static guint divisors(guint64 x, guint64 *out, guint cap)
{
    guint n = 0;
    for (guint64 d = 1; d <= x && n < cap; d++)
        if (x % d == 0)
            out[n++] = d;
    return n;
}

#define MAX_DIV 256

gboolean ts_lut_pim_search(const TsLutPimTarget *t, const TsOp *op, TsLutPimCost *best,
                           guint64 *evaluated, guint64 *valid, GError **error)
{
    g_return_val_if_fail(t != NULL && t->dpu != NULL && op != NULL && best != NULL, FALSE);
    Shape s;
    guint64 n_eval = 0, n_valid = 0;
    gboolean found = FALSE;
    const char *last_why = "no DPU split divides the tokens and outputs";
    if (!lut_shape(op, &s)) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s is not a LUT op with dims D, CB, V, C, L",
                        op->name ? op->name : "?");
        return FALSE;
    }
    const guint64 T = MAX(t->dpu->tasklets, (guint64)1);
    guint64 splits[MAX_DIV], nm[MAX_DIV], fm[MAX_DIV], cbm[MAX_DIV];
    const guint n_splits = divisors(t->n_dpus, splits, MAX_DIV);
    const guint n_cbm = divisors(s.cb, cbm, MAX_DIV);
    /* Splits (and search placements) in order of their lower bound, so that the best comes
     * early and the others are skipped once their bound exceeds it (exact pruning). */
    SplitOrder order[2 * MAX_DIV];
    guint n_order = 0;
    for (guint si = 0; si < n_splits; si++) {
        TsLutPimParams p = {0};
        p.input_par = splits[si];
        p.lut_par = t->n_dpus / p.input_par;
        if (s.m % p.input_par || s.n % p.lut_par)
            continue;
        p.n_stile = s.m / p.input_par;
        p.f_stile = s.n / p.lut_par;
        for (int on_dpu = 0; on_dpu < 2; on_dpu++) {
            p.search_on_dpus = on_dpu;
            order[n_order++] = (SplitOrder){split_bound(t, op, &s, &p), 2 * si + (guint)on_dpu};
        }
    }
    qsort(order, n_order, sizeof order[0], split_order_cmp);
    guint best_rank = G_MAXUINT;
    for (guint oi = 0; oi < n_order; oi++) {
        if (found && order[oi].bound > best->total_s)
            break;
        const guint si = order[oi].rank / 2;
        const guint rank = order[oi].rank;
        TsLutPimParams p = {0};
        p.input_par = splits[si];
        p.lut_par = t->n_dpus / p.input_par;
        const guint64 n_stile = s.m / p.input_par, f_stile = s.n / p.lut_par;
        guint n_nm = 0;
        for (guint64 d = T; d <= n_stile && n_nm < MAX_DIV; d += T)
            if (n_stile % d == 0)
                nm[n_nm++] = d;
        const guint n_fm = divisors(f_stile, fm, MAX_DIV);
        p.n_stile = n_stile;
        p.f_stile = f_stile;
        {
            p.search_on_dpus = rank % 2;
            for (guint a = 0; a < n_nm; a++) {
                for (guint b = 0; b < n_fm; b++) {
                    for (guint cc = 0; cc < n_cbm; cc++) {
                        p.n_mtile = nm[a];
                        p.f_mtile = fm[b];
                        p.cb_mtile = cbm[cc];
                        /* Without the table the tiles already overflow: so do larger ones. */
                        if ((double)p.n_mtile * p.cb_mtile * s.ib +
                                (double)p.n_mtile * p.f_mtile * s.ab >
                            (double)t->wram_budget_bytes)
                            break;
                        for (int ld = 0; ld < TS_LUT_LOAD_COUNT_; ld++) {
                            p.load = (TsLutLoad)ld;
                            const guint64 fmax = ld == TS_LUT_LOAD_STATIC ? 1 : p.f_mtile;
                            const guint64 cmax = ld == TS_LUT_LOAD_COARSE ? p.cb_mtile : 1;
                            for (guint64 fl = 1; fl <= fmax; fl *= 2) {
                                if (ld != TS_LUT_LOAD_STATIC && p.f_mtile % fl)
                                    break;
                                for (guint64 cl = 1; cl <= cmax; cl *= 2) {
                                    if (p.cb_mtile % cl)
                                        break;
                                    p.f_load = ld == TS_LUT_LOAD_STATIC ? 0 : fl;
                                    p.cb_load = ld == TS_LUT_LOAD_COARSE ? cl : 0;
                                    for (int o = 0; o < TS_LUT_ORDER_COUNT_; o++) {
                                        p.order = (TsLutOrder)o;
                                        TsLutPimCost c;
                                        const char *why = NULL;
                                        n_eval++;
                                        if (!ts_lut_pim_evaluate(t, op, &p, &c, &why)) {
                                            last_why = why;
                                            continue;
                                        }
                                        n_valid++;
                                        if (!found || better(&c, rank, best, best_rank)) {
                                            *best = c;
                                            best_rank = rank;
                                            found = TRUE;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if (evaluated)
        *evaluated = n_eval;
    if (valid)
        *valid = n_valid;
    if (!found) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s: no PIM-DL kernel configuration fits %s x %" G_GUINT64_FORMAT
                        " (%" G_GUINT64_FORMAT " candidates; last reason: %s)",
                        op->name ? op->name : "?", t->dpu_name, t->n_dpus, n_eval, last_why);
        return FALSE;
    }
    return TRUE;
}

const char *ts_lut_pim_bound(const TsLutPimCost *c)
{
    g_return_val_if_fail(c != NULL, "?");
    const double v[] = {c->search_s, c->input_s, c->lut_s, c->dpu_s, c->gather_s};
    const char *names[] = {c->p.search_on_dpus ? "DPU search" : "host search", "index scatter",
                           "table scatter", "DPU kernel", "gather"};
    guint best = 0;
    for (guint i = 1; i < G_N_ELEMENTS(v); i++)
        if (v[i] > v[best])
            best = i;
    return names[best];
}
