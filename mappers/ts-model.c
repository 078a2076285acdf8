/* The analytical model proper: prepares an (arch, op) pair once, then per mapping validates
 * it (shape, permutations, factors, fan-outs, keep masks, capacities), runs the nest analysis
 * (ts-nest.c) and turns its counts into Timeloop's per-level reads, fills and updates, words,
 * energy (vector accesses x energy per access) and cycles (bandwidth throttling). No
 * allocation on the evaluation path; the prepared model is read-only. */
#include "ts-model.h"

#include <math.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-model-private.h"

static const char *const status_names[TS_EVAL_COUNT_] = {
    [TS_EVAL_OK] = "ok",
    [TS_EVAL_FACTORS] = "factors",
    [TS_EVAL_FANOUT] = "fanout",
    [TS_EVAL_CAPACITY] = "capacity",
    [TS_EVAL_KEEP] = "keep",
    [TS_EVAL_UTILIZATION] = "utilization",
    [TS_EVAL_PERMUTATION] = "permutation",
    [TS_EVAL_SHAPE] = "shape",
    [TS_EVAL_RESIDENCY] = "residency",
};

const char *ts_eval_status_name(TsEvalStatus status)
{
    if ((guint)status >= TS_EVAL_COUNT_)
        return "unknown";
    return status_names[status];
}

/* ---- Preparation ------------------------------------------------------------------------ */

static gboolean check_op(const TsOp *op, GError **error)
{
    if (op->kind != TS_OP_EINSUM) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "op %s: the analytical model costs einsum ops only (got %s)",
                    op->name ? op->name : "?",
                    op->kind == TS_OP_ELEMENTWISE ? "an elementwise op" : "a LUT op");
        return FALSE;
    }
    if (op->n_dims == 0 || op->n_dims > TS_MAX_DIMS || op->n_tensors == 0 ||
        op->n_tensors > TS_MAX_TENSORS || op->output >= op->n_tensors) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "op %s: %u dims and %u tensors are outside the model's limits (1..%d, "
                    "1..%d) or the output index is invalid",
                    op->name ? op->name : "?", op->n_dims, op->n_tensors, TS_MAX_DIMS,
                    TS_MAX_TENSORS);
        return FALSE;
    }
    for (guint d = 0; d < op->n_dims; d++) {
        if (op->dims[d] == 0 || op->dims[d] > UINT32_MAX) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                        "op %s: dimension %s must be in [1, %u] (got %" G_GUINT64_FORMAT ")",
                        op->name ? op->name : "?", op->dim_names[d] ? op->dim_names[d] : "?",
                        UINT32_MAX, op->dims[d]);
            return FALSE;
        }
    }
    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensor *tensor = &op->tensors[t];
        if (tensor->n_ranks > TS_MAX_RANKS) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                        "op %s: tensor %s has %u ranks (at most %d)", op->name ? op->name : "?",
                        tensor->name ? tensor->name : "?", tensor->n_ranks, TS_MAX_RANKS);
            return FALSE;
        }
        for (guint r = 0; r < tensor->n_ranks; r++) {
            const TsProjection *p = &tensor->ranks[r];
            if (p->n_terms > TS_MAX_TERMS) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                            "op %s: tensor %s rank %u has %u terms (at most %d)",
                            op->name ? op->name : "?", tensor->name ? tensor->name : "?", r,
                            p->n_terms, TS_MAX_TERMS);
                return FALSE;
            }
            for (guint k = 0; k < p->n_terms; k++) {
                if (p->dim[k] >= op->n_dims || p->coef[k] > (1 << 20) || p->coef[k] < -(1 << 20)) {
                    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                                "op %s: tensor %s rank %u names dimension %u with coefficient "
                                "%" G_GINT64_FORMAT " (out of range)",
                                op->name ? op->name : "?", tensor->name ? tensor->name : "?", r,
                                p->dim[k], p->coef[k]);
                    return FALSE;
                }
            }
        }
    }
    return TRUE;
}

TsModel *ts_model_new_from_levels(const TsLevel *storage, guint n_storage, const TsLevel *compute,
                                  double clock_hz, const TsOp *op, const TsModelOptions *options,
                                  GError **error)
{
    g_return_val_if_fail(storage != NULL && compute != NULL && op != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    if (n_storage == 0 || n_storage > TS_ARCH_MAX_LEVELS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "the analytical model needs 1 to %d storage levels (got %u)",
                    TS_ARCH_MAX_LEVELS, n_storage);
        return NULL;
    }
    if (!(clock_hz > 0.0) || !isfinite(clock_hz)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "the architecture clock must be > 0 Hz (got %g)", clock_hz);
        return NULL;
    }
    if (!check_op(op, error))
        return NULL;

    /* Bound every count the nest analysis forms. For single-dimension ranks every delivery or
     * access count is at most the MAC count (a tile times the loops that refetch it never
     * exceeds the iteration space); a sliding-window rank can exceed it by its coefficient sum.
     * Keep MACs x that factor x 64 (word packing) below 2^63. */
    double macs_d = 1.0;
    uint64_t macs = 1;
    for (guint d = 0; d < op->n_dims; d++) {
        macs_d *= (double)op->dims[d];
        macs *= op->dims[d];
    }
    double halo = 1.0;
    for (guint t = 0; t < op->n_tensors; t++) {
        double h = 1.0;
        for (guint r = 0; r < op->tensors[t].n_ranks; r++) {
            const TsProjection *p = &op->tensors[t].ranks[r];
            double x = 0.0;
            for (guint k = 0; k < p->n_terms; k++)
                x += fabs((double)p->coef[k]);
            h *= MAX(1.0, x);
        }
        halo = MAX(halo, h);
    }
    if (macs_d * halo * 64.0 > 9.2e18) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "op %s is too large for 64-bit access counts (%.3g MACs)",
                    op->name ? op->name : "?", macs_d);
        return NULL;
    }

    TsModel *m = g_new0(TsModel, 1);
    if (options)
        m->options = *options;
    m->op = op;
    m->n_levels = n_storage;
    m->n_dims = op->n_dims;
    m->n_tensors = op->n_tensors;
    m->output = op->output;
    for (guint d = 0; d < op->n_dims; d++)
        m->dims[d] = op->dims[d];
    m->macs = macs;
    m->clock_hz = clock_hz;
    m->compute = *compute;
    if (m->compute.instances == 0)
        m->compute.instances = 1;
    m->mac_pj = compute->energy.mac_pj;
    m->macs_per_cycle = 1.0;

    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensor *tensor = &op->tensors[t];
        uint32_t mask = 0;
        for (guint r = 0; r < tensor->n_ranks; r++) {
            const TsProjection *p = &tensor->ranks[r];
            guint nonzero = 0;
            for (guint k = 0; k < p->n_terms; k++) {
                if (p->coef[k] != 0) {
                    mask |= 1u << p->dim[k];
                    nonzero++;
                }
            }
            if (nonzero > 1)
                m->multi_term[t] = TRUE;
        }
        m->dim_mask[t] = mask;
        m->read_write[t] = t == op->output || tensor->read_write;
    }
    if (m->options.imperfect_factors)
        m->imperfect_dims = ts_model_imperfect_dims(op);
    uint64_t ones[TS_MAX_DIMS];
    for (guint d = 0; d < TS_MAX_DIMS; d++)
        ones[d] = d < op->n_dims ? op->dims[d] : 1;
    m->output_elements = ts_nest_footprint(m, op->output, ones);

    for (guint l = 0; l < n_storage; l++) {
        TsModelLevel *lv = &m->level[l];
        const TsLevel *s = &storage[l];
        lv->spec = *s;
        if (lv->spec.instances == 0)
            lv->spec.instances = 1;
        if (lv->spec.fanout_x == 0)
            lv->spec.fanout_x = 1;
        if (lv->spec.fanout_y == 0)
            lv->spec.fanout_y = 1;
        lv->block_size = s->block_size ? s->block_size : 1;
        lv->zero_capacity = s->zero_capacity;
        double mb = s->multiple_buffering > 0.0 ? s->multiple_buffering : 1.0;
        lv->capacity_words = s->size_words ? (uint64_t)floor((double)s->size_words / mb) : 0;
        if (s->class_text != NULL && strcmp(s->class_text, "pim_core.mram") == 0 &&
            s->spec != NULL) {
            const TsPimCoreSpec *pc = s->spec;
            const double scale = pc->frequency_hz > 0.0 ? clock_hz / pc->frequency_hz : 1.0;
            lv->dma_alpha_read = pc->dma_alpha_read_cycles * scale;
            lv->dma_alpha_write = pc->dma_alpha_write_cycles * scale;
            lv->dma_max_bytes = pc->max_dma_bytes;
        }
        lv->read_pj = s->energy.read_pj;
        lv->write_pj = s->energy.write_pj;
        lv->update_pj = s->energy.update_pj;
        uint32_t cluster = s->cluster_size ? s->cluster_size : 1;
        lv->clusters = MAX(1u, lv->spec.instances / cluster);
        if (s->n_stages == 2) {
            const TsFanoutStage *a = &s->stages[0], *b = &s->stages[1];
            const gboolean ax = a->mesh_y == 1, ay = a->mesh_x == 1;
            const gboolean bx = b->mesh_y == 1, by = b->mesh_x == 1;
            if ((ax && by) || (ay && bx)) {
                lv->x_outer = ax && by;
                lv->per_axis_multicast = !m->options.diagonal_multicast;
            }
        }
        for (guint t = 0; t < op->n_tensors; t++) {
            uint32_t bits = op->tensors[t].precision.bits;
            uint32_t word = s->word_bits;
            if (op->precision_is_default || bits == 0 || word == 0 || bits == word) {
                lv->pack_num[t] = lv->pack_den[t] = 1;
            } else {
                lv->pack_num[t] = bits;
                lv->pack_den[t] = word;
            }
        }
    }
    return m;
}

/* The op's operands: its first two read-only tensors (one tensor serves as both). */
static void operand_precisions(const TsOp *op, TsPrecision *a, TsPrecision *b, TsPrecision *acc)
{
    guint n = 0;
    TsPrecision in[2] = {{16, TS_NUM_FP}, {16, TS_NUM_FP}};
    for (guint t = 0; t < op->n_tensors && n < 2; t++)
        if (t != op->output && !op->tensors[t].read_write)
            in[n++] = op->tensors[t].precision;
    if (n == 1)
        in[1] = in[0];
    *a = in[0];
    *b = in[1];
    *acc = op->tensors[op->output].precision;
}

/* MAC energy from the op's precision when the arch's is a built-in default; notes when the
 * MAC cannot hold the operands. */
static void precision_mac_energy(TsModel *m, const TsArch *arch, const TsLevel *compute,
                                 const TsOp *op)
{
    if (op->precision_is_default)
        return;
    TsPrecision a, b, acc;
    operand_precisions(op, &a, &b, &acc);
    uint32_t wa = compute->word_bits, wb = compute->compute_word_bits_b, wacc = 0;
    if (compute->klass == TS_CLASS_MAC && compute->spec != NULL) {
        const TsMacSpec *ms = compute->spec;
        wa = (uint32_t)ms->operand_a_bits;
        wb = (uint32_t)ms->operand_b_bits;
        wacc = (uint32_t)ms->accumulator_bits;
    } else if (compute->klass == TS_CLASS_SYSTOLIC_ARRAY && compute->spec != NULL) {
        wacc = (uint32_t)((const TsSystolicSpec *)compute->spec)->accumulator_bits;
    }
    if (wb == 0)
        wb = wa;
    const gboolean fp = a.format != TS_NUM_INT && a.format != TS_NUM_UINT;
    const gboolean fpb = b.format != TS_NUM_INT && b.format != TS_NUM_UINT;
    const gboolean int_mac = compute->class_text && strstr(compute->class_text, "intmac") != NULL;
    /* A DPU costs each precision by its instruction routines (dpu_mac): nothing to note. */
    const gboolean dpu_by_precision =
        compute->klass == TS_CLASS_PIM_CORE && compute->spec != NULL &&
        ((const TsPimCoreSpec *)compute->spec)->kind == TS_PIM_DPU &&
        !(((const TsPimCoreSpec *)compute->spec)->cycles_per_mac > 0.0);
    /* The operands fit when one goes to each multiplier input, in either order. */
    const gboolean fits = (a.bits <= wa && b.bits <= wb) || (a.bits <= wb && b.bits <= wa);
    if (!dpu_by_precision && wa && !fits)
        g_snprintf(m->note, sizeof m->note,
                   "op %s: %s x %s operands are wider than the %u x %u-bit operands of MAC "
                   "'%s': costed as if the MAC took them (give the arch a wider MAC, or a "
                   "narrower --precision)",
                   op->name ? op->name : "?", ts_precision_name(a), ts_precision_name(b), wa, wb,
                   compute->name);
    else if (!dpu_by_precision && int_mac && (fp || fpb))
        g_snprintf(m->note, sizeof m->note,
                   "op %s: floating-point operands (%s x %s) on the integer MAC '%s' (class %s): "
                   "costed as if the MAC computed them",
                   op->name ? op->name : "?", ts_precision_name(a), ts_precision_name(b),
                   compute->name, compute->class_text);
    else if (wacc && acc.bits > wacc)
        g_snprintf(m->note, sizeof m->note,
                   "op %s: %s outputs are wider than the %u-bit accumulator of MAC '%s': "
                   "partial sums costed as if it held them (give the MAC a wider "
                   "accumulator_bits, or a narrower output precision)",
                   op->name ? op->name : "?", ts_precision_name(acc), wacc, compute->name);
    const char *src = compute->energy.source;
    if (src == NULL || !(g_str_has_prefix(src, "table:") || strcmp(src, "pat") == 0))
        return; /* an energy given in the YAML or an ERT describes the MAC as built */
    char how[160];
    double e = ts_precision_mac_pj_45nm(a, b, acc, how, sizeof how);
    uint32_t nm = ts_arch_technology_nm(arch);
    double scale = nm ? (double)nm / 45.0 : 1.0;
    m->mac_pj = e * scale;
    m->compute.energy.mac_pj = m->mac_pj;
    g_snprintf(m->mac_source, sizeof m->mac_source, "precision:%s x %s -> %s (%s pJ at 45 nm%s%s)",
               ts_precision_name(a), ts_precision_name(b), ts_precision_name(acc), how,
               nm ? ", x node/45 nm at " : "", nm ? "" : "");
    if (nm) {
        gsize len = strlen(m->mac_source);
        if (len > 0 && len + 16 < sizeof m->mac_source)
            g_snprintf(m->mac_source + len - 1, sizeof m->mac_source - len + 1, "%u nm)", nm);
    }
    m->compute.energy.source = m->mac_source;
}

/* A DPU's MAC at the op's precision (docs/pim.md): issue slots of its loop, multiply and add
 * from the arch's instruction costs, at the issue rate of its tasklets; energy = slots x the
 * energy per instruction unless the arch gives a MAC energy. cycles_per_mac, when the arch
 * gives it, stands for every precision. */
static gboolean dpu_mac(TsModel *m, const TsArch *arch, const TsLevel *compute, const TsOp *op,
                        GError **error)
{
    if (compute->klass != TS_CLASS_PIM_CORE || compute->spec == NULL)
        return TRUE;
    const TsPimCoreSpec *sp = compute->spec;
    if (sp->kind != TS_PIM_DPU || sp->cycles_per_mac > 0.0 || op->precision_is_default)
        return TRUE;
    TsPrecision a, b, acc;
    operand_precisions(op, &a, &b, &acc);
#define IS_FP(p) ((p).format != TS_NUM_INT && (p).format != TS_NUM_UINT && (p).format != TS_NUM_NF4)
    const char *missing = NULL;
    double slots = ts_pim_dpu_mac_slots(sp, a.bits, IS_FP(a), b.bits, IS_FP(b), acc.bits,
                                        IS_FP(acc), &missing);
#undef IS_FP
    if (slots <= 0.0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "op %s: %s x %s -> %s MACs on DPU '%s' need the cost of '%s' (give "
                    "instructions.%s, the issue slots of that operation, or cycles_per_mac)",
                    op->name ? op->name : "?", ts_precision_name(a), ts_precision_name(b),
                    ts_precision_name(acc), compute->name, missing ? missing : "?",
                    missing ? missing : "?");
        return FALSE;
    }
    m->macs_per_cycle = sp->issue_fraction / slots * sp->frequency_hz / ts_arch_clock_hz(arch);
    if (compute->energy.source != NULL && g_str_has_prefix(compute->energy.source, "dpu:")) {
        m->mac_pj = slots * sp->instruction_pj;
        m->compute.energy.mac_pj = m->mac_pj;
        g_snprintf(m->mac_source, sizeof m->mac_source,
                   "dpu:%s x %s -> %s MAC = %.4g issue slots x %.4g pJ per instruction",
                   ts_precision_name(a), ts_precision_name(b), ts_precision_name(acc), slots,
                   sp->instruction_pj);
        m->compute.energy.source = m->mac_source;
    }
    return TRUE;
}

const char *ts_model_note(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, NULL);
    return model->note[0] ? model->note : NULL;
}

TsModel *ts_model_new_full(const TsArch *arch, const TsOp *op, const TsModelOptions *options,
                           GError **error)
{
    g_return_val_if_fail(arch != NULL && op != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    guint n = ts_arch_n_storage(arch);
    const TsLevel *compute = ts_arch_compute(arch);
    if (n == 0 || compute == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "architecture %s has no storage level or no compute level: the analytical "
                    "model cannot map onto it",
                    ts_arch_name(arch));
        return NULL;
    }
    if (n > TS_ARCH_MAX_LEVELS) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "architecture %s has %u storage levels (the model handles at most %d)",
                    ts_arch_name(arch), n, TS_ARCH_MAX_LEVELS);
        return NULL;
    }
    TsLevel levels[TS_ARCH_MAX_LEVELS];
    for (guint l = 0; l < n; l++)
        levels[l] = *ts_arch_storage(arch, l);
    TsModel *m =
        ts_model_new_from_levels(levels, n, compute, ts_arch_clock_hz(arch), op, options, error);
    /* A compute instance slower than one MAC per cycle (a DPU issuing a multiply as a
     * software routine) or faster (SIMD lanes) scales compute cycles, not MAC counts. */
    double mpc = ts_arch_compute_macs_per_cycle(arch);
    if (m != NULL && mpc > 0.0 && isfinite(mpc))
        m->macs_per_cycle = mpc;
    if (m != NULL && !dpu_mac(m, arch, compute, op, error)) {
        ts_model_free(m);
        return NULL;
    }
    if (m != NULL) {
        precision_mac_energy(m, arch, compute, op);
        ts_residency_init(&m->residency, arch, op);
        m->residency_active = ts_residency_active(&m->residency);
    }
    for (guint l = 0; m != NULL && l < n; l++) {
        ts_arch_storage_link_pj(arch, l, &m->level[l].link_fill_pj, &m->level[l].link_drain_pj);
        m->level[l].link_call_cycles =
            ts_arch_storage_link_call_s(arch, l, &m->level[l].link_name) * m->clock_hz;
        const TsHostLinkSpec *link = ts_arch_storage_link_spec(arch, l);
        if (link != NULL && m->level[l].link_call_cycles > 0.0) {
            m->level[l].link = *link;
            if (l > 0)
                m->level[l - 1].link_above = TRUE;
        }
    }
    return m;
}

TsModel *ts_model_new(const TsArch *arch, const TsOp *op, GError **error)
{
    return ts_model_new_full(arch, op, NULL, error);
}

void ts_model_free(TsModel *model)
{
    g_free(model);
}

const TsOp *ts_model_op(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, NULL);
    return model->op;
}

guint ts_model_n_levels(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, 0);
    return model->n_levels;
}

const char *ts_model_link_name(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, NULL);
    for (guint l = 0; l < model->n_levels; l++)
        if (model->level[l].link_call_cycles > 0.0)
            return model->level[l].link_name;
    return NULL;
}

const TsLevel *ts_model_level(const TsModel *model, guint storage_index)
{
    g_return_val_if_fail(model != NULL && storage_index < model->n_levels, NULL);
    return &model->level[storage_index].spec;
}

const TsLevel *ts_model_compute(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, NULL);
    return &model->compute;
}

double ts_model_clock_hz(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, 0.0);
    return model->clock_hz;
}

double ts_model_macs_per_cycle(const TsModel *model)
{
    g_return_val_if_fail(model != NULL, 0.0);
    return model->macs_per_cycle;
}

double ts_model_words_per_element(const TsModel *model, guint level, guint tensor)
{
    g_return_val_if_fail(model != NULL && level < model->n_levels && tensor < model->n_tensors,
                         0.0);
    return (double)model->level[level].pack_num[tensor] / model->level[level].pack_den[tensor];
}

double ts_model_actions_energy_pj(const TsModel *m, guint l, uint64_t reads, uint64_t fills,
                                  uint64_t updates, uint64_t instances_used)
{
    g_return_val_if_fail(m != NULL && l < m->n_levels, 0.0);
    const TsModelLevel *lv = &m->level[l];
    const uint64_t b = lv->block_size, clusters = MIN(instances_used, (uint64_t)lv->clusters);
    const double e = (double)((reads + b - 1) / b) * lv->read_pj +
                     (double)((fills + b - 1) / b) * lv->write_pj +
                     (double)((updates + b - 1) / b) * lv->update_pj;
    return e * (double)clusters;
}

double ts_model_mac_pj(const TsModel *m)
{
    g_return_val_if_fail(m != NULL, 0.0);
    return m->mac_pj;
}

/* ---- Validation ------------------------------------------------------------------------- */

static TsEvalStatus fail(TsCost *cost, TsEvalStatus status, int level, int tensor, int dim)
{
    cost->status = status;
    cost->bad_level = (int8_t)level;
    cost->bad_tensor = (int8_t)tensor;
    cost->bad_dim = (int8_t)dim;
    return status;
}

static gboolean is_permutation(const uint8_t *perm, guint n, int *bad)
{
    uint32_t seen = 0;
    for (guint i = 0; i < n; i++) {
        if (perm[i] >= n || (seen >> perm[i] & 1u)) {
            *bad = perm[i] < n ? perm[i] : -1;
            return FALSE;
        }
        seen |= 1u << perm[i];
    }
    return TRUE;
}

uint32_t ts_model_imperfect_dims(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, 0);
    uint32_t ok = (uint32_t)((1ull << op->n_dims) - 1u);
    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensor *tensor = &op->tensors[t];
        uint32_t seen = 0;
        for (guint r = 0; r < tensor->n_ranks; r++) {
            const TsProjection *p = &tensor->ranks[r];
            guint nonzero = 0;
            for (guint k = 0; k < p->n_terms; k++)
                nonzero += p->coef[k] != 0;
            if (nonzero > 1)
                return 0; /* a sliding window: perfect factors only */
            for (guint k = 0; k < p->n_terms; k++) {
                if (p->coef[k] == 0 || p->dim[k] >= op->n_dims)
                    continue;
                const uint32_t bit = 1u << p->dim[k];
                if ((p->coef[k] != 1 && p->coef[k] != -1) || (seen & bit))
                    ok &= ~bit;
                seen |= bit;
            }
        }
    }
    return ok;
}

/* Imperfect factors of dimension d: the outermost loop of d with a factor > 1, in nest order
 * (levels outermost first; within a level the temporal loop, then the outer spatial
 * container's), has factor ceil(size / inner), where inner, the product of every other factor
 * of d, is below the size. A dimension of size 1 has every factor 1. */
static gboolean ceil_factors_ok(const TsModel *m, const TsMapping *map, guint d)
{
    const uint64_t size = m->dims[d];
    uint64_t inner = 1;
    uint32_t top = 0;
    for (guint l = 0; l < m->n_levels; l++) {
        const TsMappingLevel *ml = &map->level[l];
        const gboolean x_outer = m->level[l].x_outer;
        const uint32_t f[3] = {ml->temporal[d], x_outer ? ml->spatial_x[d] : ml->spatial_y[d],
                               x_outer ? ml->spatial_y[d] : ml->spatial_x[d]};
        for (guint i = 0; i < 3; i++) {
            if (f[i] == 0)
                return FALSE;
            if (top == 0 && f[i] > 1) {
                top = f[i];
                continue;
            }
            inner *= f[i];
            if (inner >= size)
                return FALSE;
        }
    }
    if (top == 0)
        return size == 1;
    return (size + inner - 1) / inner == top;
}

/* Structural checks shared by evaluate and explain. Returns TS_EVAL_OK or the first reason. */
static TsEvalStatus check_structure(const TsModel *m, const TsMapping *map, TsCost *cost,
                                    gboolean *imperfect)
{
    *imperfect = FALSE;
    const guint nl = m->n_levels, nd = m->n_dims, nt = m->n_tensors;
    if (map->n_levels != nl || map->n_dims != nd)
        return fail(cost, TS_EVAL_SHAPE, -1, -1, -1);
    for (guint l = 0; l < nl; l++) {
        int bad = -1;
        if (!is_permutation(map->level[l].permutation, nd, &bad) ||
            !is_permutation(map->level[l].spatial_permutation, nd, &bad))
            return fail(cost, TS_EVAL_PERMUTATION, (int)l, -1, bad);
    }
    /* Dimension sizes are < 2^32 and so are factors: a running product kept <= the size never
     * overflows 64 bits. A dimension whose factors do not multiply to its size may still be a
     * ceil factorization when imperfect factors are on. */
    for (guint d = 0; d < nd; d++) {
        uint64_t prod = 1;
        const uint64_t size = m->dims[d];
        int bad_level = -1;
        for (guint l = 0; l < nl && bad_level < 0; l++) {
            const TsMappingLevel *ml = &map->level[l];
            const uint32_t f[3] = {ml->temporal[d], ml->spatial_x[d], ml->spatial_y[d]};
            for (guint i = 0; i < 3 && bad_level < 0; i++) {
                prod *= f[i];
                if (prod == 0 || prod > size)
                    bad_level = (int)l;
            }
        }
        if (bad_level < 0 && prod == size)
            continue;
        if ((m->imperfect_dims >> d & 1u) && ceil_factors_ok(m, map, d)) {
            *imperfect = TRUE;
            continue;
        }
        return fail(cost, TS_EVAL_FACTORS, bad_level, -1, (int)d);
    }
    for (guint l = 0; l < nl; l++) {
        const TsMappingLevel *ml = &map->level[l];
        uint64_t x = 1, y = 1;
        for (guint d = 0; d < nd; d++) {
            x *= ml->spatial_x[d];
            y *= ml->spatial_y[d];
        }
        if (x > m->level[l].spec.fanout_x || y > m->level[l].spec.fanout_y)
            return fail(cost, TS_EVAL_FANOUT, (int)l, -1, -1);
    }
    /* Every tensor needs a backing store: its outermost keeping level. Levels above it may
     * bypass it (Timeloop allows this, e.g. a TPU's separate weight DRAM). */
    const uint8_t all = (uint8_t)((1u << nt) - 1u);
    uint8_t kept = 0;
    for (guint l = 0; l < nl; l++)
        kept |= map->level[l].keep;
    if ((kept & all) != all) {
        for (guint t = 0; t < nt; t++)
            if (!(kept >> t & 1u))
                return fail(cost, TS_EVAL_KEEP, -1, (int)t, -1);
    }
    for (guint l = 0; l < nl; l++) {
        if (m->level[l].zero_capacity && (map->level[l].keep & all)) {
            for (guint t = 0; t < nt; t++)
                if (map->level[l].keep >> t & 1u)
                    return fail(cost, TS_EVAL_CAPACITY, (int)l, (int)t, -1);
        }
    }
    int rl, rt, rd;
    if (m->residency_active && !ts_residency_check(&m->residency, map, &rl, &rt, &rd))
        return fail(cost, TS_EVAL_RESIDENCY, rl, rt, rd);
    return TS_EVAL_OK;
}

/* Capacity and minimum utilization of every level, from the tiles. */
static TsEvalStatus check_capacity(const TsModel *m, const TsMapping *map, const TsNest *nest,
                                   TsCost *cost)
{
    const guint nl = m->n_levels, nt = m->n_tensors;
    for (guint l = 0; l < nl; l++) {
        const TsModelLevel *lv = &m->level[l];
        if (lv->capacity_words == 0)
            continue;
        const guint c = nl - 1 - l;
        uint64_t total = 0, biggest = 0;
        int big_t = -1;
        for (guint t = 0; t < nt; t++) {
            if (!(map->level[l].keep >> t & 1u))
                continue;
            uint64_t w = ts_model_words(m, l, t, nest->tile[c][t]);
            total += w;
            if (w > biggest) {
                biggest = w;
                big_t = (int)t;
            }
        }
        if (total + m->options.reserved_words[l] > lv->capacity_words)
            return fail(cost, TS_EVAL_CAPACITY, (int)l, big_t, -1);
        if (lv->spec.min_utilization > 0.0 &&
            (double)total < (double)lv->capacity_words * lv->spec.min_utilization)
            return fail(cost, TS_EVAL_UTILIZATION, (int)l, -1, -1);
    }
    return TS_EVAL_OK;
}

/* Reads, fills and updates (elements) of tensor t at inner level c: of the busiest instance,
 * or (all) summed over instances (imperfect factors). The read-modify-write tensor elides the
 * first read of each element it is responsible for (its partition); the backing store is
 * never filled. */
static void action_counts(const TsModel *m, const TsNest *nest, guint c, guint t, gboolean backing,
                          gboolean all, uint64_t *reads, uint64_t *fills, uint64_t *updates)
{
    const uint64_t acc = all ? nest->accesses_all[c][t] : nest->accesses[c][t];
    const uint64_t part = all ? nest->partition_all[c][t] : nest->partition[c][t];
    const uint64_t del = all ? nest->delivered_all[c][t] : nest->delivered[c][t];
    if (m->read_write[t]) {
        const gboolean elide = !m->options.no_first_read_elision;
        *updates = acc;
        *reads = elide ? (acc > part ? acc - part : 0) : acc;
        if (backing)
            *fills = 0;
        else if (elide)
            *fills = del > part ? del - part : 0;
        else
            *fills = del;
    } else {
        *reads = acc;
        *updates = 0;
        *fills = backing ? 0 : del;
    }
}

static inline uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* ---- Host-link calls ------------------------------------------------------------------------ */

/* The loops that give tensor t a new tile at inner level c (counted[k]: the temporal loops
 * above c from the outermost down to the innermost one over a dimension of t); returns the
 * first loop above c. */
static guint version_loops(const TsModel *m, const TsNest *nest, guint c, guint t,
                           uint8_t counted[TS_NEST_MAX_LOOPS])
{
    const guint lo = nest->level_lo[c + 1];
    guint ks = nest->n_loops;
    for (guint k = lo; k < nest->n_loops && ks == nest->n_loops; k++)
        if (nest->loop[k].kind == TS_LOOP_TEMPORAL && (m->dim_mask[t] >> nest->loop[k].dim & 1u))
            ks = k;
    for (guint k = 0; k < nest->n_loops; k++)
        counted[k] = nest->loop[k].kind == TS_LOOP_TEMPORAL && k >= ks;
    return lo;
}

/* The tile moves of tensor t into inner level c: its versions are the temporal iterations above
 * c that give t a new tile (every loop from the outermost down to the innermost one over a
 * dimension of t: Timeloop's refetches), its distinct tiles those of the loops over its
 * dimensions alone; empty iterations past a dimension's size (imperfect factors) left out.
 * Fills: every version of an input, an output's versions but its elided first reads (one per
 * distinct tile); write-backs: every version of an output. */
static void tile_moves(const TsModel *m, const TsNest *nest, guint c, guint t, uint64_t *fills,
                       uint64_t *wbs, uint64_t *versions)
{
    uint8_t counted[TS_NEST_MAX_LOOPS];
    const guint lo = version_loops(m, nest, c, t, counted);
    const uint64_t v = ts_nest_count(m, nest, lo, counted, NULL, -1);
    const gboolean out = m->read_write[t];
    *fills = v;
    *wbs = out ? v : 0;
    if (versions)
        *versions = v;
    if (!out || m->options.no_first_read_elision)
        return;
    for (guint k = 0; k < nest->n_loops; k++)
        counted[k] = nest->loop[k].kind == TS_LOOP_TEMPORAL && k >= lo &&
                     (m->dim_mask[t] >> nest->loop[k].dim & 1u);
    const uint64_t d = ts_nest_count(m, nest, lo, counted, NULL, -1);
    *fills = v > d ? v - d : 0;
}

/* The product of the spatial factors of the levels p .. l - 1 (the fan-out from p down to l)
 * over the dimensions tensor t does not have: the instances of l that share each tile of t. */
static double spread(const TsModel *m, const TsMapping *map, guint p, guint l, guint t)
{
    double n = 1.0;
    for (guint k = p; k < l; k++)
        for (guint d = 0; d < m->n_dims; d++)
            if (!(m->dim_mask[t] >> d & 1u))
                n *= (double)map->level[k].spatial_x[d] * (double)map->level[k].spatial_y[d];
    return n;
}

/* Cycles the link takes for bytes moved by calls of a kind reaching n instances of level l
 * (ts_host_link_rate, as the DES host_link charges them). */
static double link_bytes_cycles(const TsModel *m, guint l, TsXferKind kind, uint64_t n,
                                double bytes)
{
    const double rate = ts_host_link_rate(&m->level[l].link, kind, n);
    return rate > 0.0 ? bytes / rate * m->clock_hz : 0.0;
}

/* One landing level's calls, for the schedule of its tile versions (link_schedule). */
typedef struct {
    guint n;                          /* tensors moved over the link */
    guint out;                        /* the output's index among them (n: none) */
    uint64_t units;                   /* G: the most versions of any moved tensor */
    uint64_t period[TS_MAX_TENSORS];  /* units per version (G / versions) */
    uint64_t versions[TS_MAX_TENSORS];
    uint64_t tile[TS_MAX_TENSORS];    /* tile words of one version */
    guint slots[TS_MAX_TENSORS];      /* 1 or 2, as the DES gives them */
    double fill_b[TS_MAX_TENSORS];    /* bytes' cycles of one fill call, per instance */
    double wb_b[TS_MAX_TENSORS];      /* of one write-back call */
    double work;                      /* the work below the level over the op, per instance */
    double call;                      /* a call's latency and setup (cycles) */
    uint64_t calls;                   /* the level's calls */
    gboolean bad;                     /* versions with empty iterations: no schedule */
    double bytes;                     /* their bytes' cycles, per instance */
    /* the output's version loops (outermost temporal loops above the level down to the
     * innermost one over its dimensions), innermost first: extents and whether the output
     * has the loop's dimension; a version is a first visit (no read-back) when every loop over
     * a reduction dimension is at index 0 */
    uint64_t outer; /* the extent of the outermost loop above the level (every tensor's) */
    guint n_out_loops;
    uint32_t out_ext[TS_NEST_MAX_LOOPS];
    uint8_t out_dim[TS_NEST_MAX_LOOPS];
} LinkSched;

/* Whether output version j is a first visit of its tile (its fill is elided). */
static gboolean first_visit(const LinkSched *s, uint64_t j)
{
    for (guint i = 0; i < s->n_out_loops; i++) {
        const uint64_t digit = j % s->out_ext[i];
        j /= s->out_ext[i];
        if (!s->out_dim[i] && digit > 0)
            return FALSE;
    }
    return TRUE;
}

/* Tensor t's versions into inner level c for the schedule (entry i of s): the product of the
 * extents of its version loops (tile_moves); for the output, those loops too. */
static void sched_tensor(const TsModel *m, const TsNest *nest, guint c, guint t, LinkSched *s,
                         guint i)
{
    uint8_t counted[TS_NEST_MAX_LOOPS];
    version_loops(m, nest, c, t, counted);
    uint64_t v = 1;
    const gboolean out = m->read_write[t];
    for (guint k = 0; k < nest->n_loops; k++) {
        if (!counted[k])
            continue;
        v *= nest->loop[k].ext;
        if (out && s->n_out_loops < TS_NEST_MAX_LOOPS) {
            s->out_ext[s->n_out_loops] = MAX(nest->loop[k].ext, 1u);
            s->out_dim[s->n_out_loops++] = m->dim_mask[t] >> nest->loop[k].dim & 1u;
        }
    }
    s->versions[i] = v;
}

/* Completes level lv's schedule s: its units and every tensor's period, and the slots as the DES
 * gives them (a second one to the tensors with the most versions, while the level's size holds
 * every tile kept there); FALSE when there is nothing to schedule. */
static gboolean sched_finish(const TsModel *m, const TsModelLevel *lv, const TsLevelCost *lc,
                             uint32_t keep, double below, LinkSched *s, uint32_t *skip)
{
    *skip = 0;
    s->work = below;
    if (s->n == 0)
        return FALSE;
    s->units = 0;
    for (guint i = 0; i < s->n; i++)
        s->units = MAX(s->units, s->versions[i]);
    if (s->bad) {
        *skip = TS_LINK_SKIP_EMPTY_ITERATIONS;
        return FALSE;
    }
    for (guint i = 0; i < s->n; i++) {
        if (s->versions[i] == 0 || s->units % s->versions[i] != 0) {
            *skip = TS_LINK_SKIP_UNEVEN_VERSIONS;
            return FALSE;
        }
        s->period[i] = s->units / s->versions[i];
        s->slots[i] = 1;
        if (s->versions[i] % s->outer != 0)
            s->outer = 1; /* not every tensor's version loop: no iterations to compare */
    }
    uint64_t held = 0;
    for (guint t = 0; t < m->n_tensors; t++)
        if (keep >> t & 1u)
            held += lc->tensor[t].tile_words;
    const uint64_t size = lv->spec.size_words;
    for (;;) {
        int best = -1;
        for (guint i = 0; i < s->n; i++) {
            if (s->slots[i] == 2 || s->versions[i] < 2 ||
                (size > 0 && held + s->tile[i] > size))
                continue;
            if (best < 0 || s->versions[i] > s->versions[best])
                best = (int)i;
        }
        if (best < 0)
            break;
        s->slots[best] = 2;
        held += s->tile[best];
    }
    return TRUE;
}

/* Versions the schedule of one landing level takes at most (its cost grows with them); a
 * mapping with more (as many calls at least) keeps the four other paths. */
#define LINK_SCHED_MAX_UNITS TS_LINK_SCHEDULE_MAX_VERSIONS

/* The schedule's state at the start of an outer iteration, relative to it (the versions issued,
 * written back and done less the iteration's first ones; the times that still matter less the
 * last unit's end): two iterations' states equal but for `base` repeat. */
typedef struct {
    double base;
    double link;
    int64_t issued[TS_MAX_TENSORS], wb;
    double landed[TS_MAX_TENSORS][2], vend[TS_MAX_TENSORS][2], wb_end[2];
} SchedState;

static void swap2(double *a)
{
    const double t = a[0];
    a[0] = a[1];
    a[1] = t;
}

/* The times of versions j - 1 and j - 2 of a ring (0 before version 0), relative to base. */
static void ring_rel(const double ring[2], uint64_t j, double base, double rel[2])
{
    for (guint r = 0; r < 2; r++)
        rel[r] = j > r ? ring[(j - 1 - r) & 1] - base : 0.0;
}

static void sched_state(const LinkSched *s, uint64_t it, const uint64_t *issued,
                        const uint64_t *cur, uint64_t wb_next,
                        const double landed[][2], const double vend[][2],
                        const double wb_end[2], double link_free, double compute_end,
                        SchedState *st)
{
    memset(st, 0, sizeof *st);
    st->base = compute_end;
    st->link = link_free - compute_end;
    for (guint t = 0; t < s->n; t++) {
        const uint64_t first = it * (s->versions[t] / s->outer);
        st->issued[t] = (int64_t)issued[t] - (int64_t)first;
        ring_rel(landed[t], issued[t], compute_end, st->landed[t]);
        ring_rel(vend[t], cur[t], compute_end, st->vend[t]);
    }
    if (s->out < s->n) {
        st->wb = (int64_t)wb_next - (int64_t)(it * (s->versions[s->out] / s->outer));
        ring_rel(wb_end, wb_next, compute_end, st->wb_end);
    }
}

static gboolean near(double a, double b, double tol)
{
    return fabs(a - b) <= tol;
}

/* Whether b repeats a (equal but for the base, to rounding). */
static gboolean sched_periodic(const LinkSched *s, const SchedState *a, const SchedState *b)
{
    const double tol = 1e-9 * (b->base + 1.0);
    if (a->wb != b->wb || !near(a->link, b->link, tol) || !near(a->wb_end[0], b->wb_end[0], tol) ||
        !near(a->wb_end[1], b->wb_end[1], tol))
        return FALSE;
    for (guint t = 0; t < s->n; t++)
        if (a->issued[t] != b->issued[t] || !near(a->landed[t][0], b->landed[t][0], tol) ||
            !near(a->landed[t][1], b->landed[t][1], tol) || !near(a->vend[t][0], b->vend[t][0], tol) ||
            !near(a->vend[t][1], b->vend[t][1], tol))
            return FALSE;
    return TRUE;
}

/* The schedule of one landing level's tile versions as the DES runs it (docs/pim.md, "Host-link
 * calls", the fifth path), per instance (a call costs call_t + its bytes): the work is G units
 * of work / G in series (the most refilled tensor's versions); a unit starts when
 * every moved tensor's version covering it has landed. A tensor's next version is issued once
 * its slot is free: the version `slots` back has finished its units and, for an output, been
 * written back (a read-back thus follows its tile's gather); an output's first visit of a tile
 * moves nothing. An output version is written back once its last unit is done. Calls join the
 * link's queue when issued (ties: fills first, the version needed first, then tensor order)
 * and it serves them one at a time. The iterations of the outermost loop above the level after
 * the first are alike: from 1,024 units on, the states at the start of iterations 1 and 2, 2
 * and 3, 4 and 5, 8 and 9 ... are compared, and once two are equal but for a shift the
 * schedule jumps to the start of the last iteration (the same result, to rounding). Returns
 * the end of the last unit and write-back, or 0 when the schedule has fewer than 2 units (the
 * chain path is then exact) or more than LINK_SCHED_MAX_UNITS. No allocation. */
static double link_schedule(const LinkSched *s, double call_t)
{
    if (s->units < 2 || s->units > LINK_SCHED_MAX_UNITS)
        return 0.0;
    const double w = s->work / (double)s->units;
    uint64_t issued[TS_MAX_TENSORS] = {0}, cur[TS_MAX_TENSORS] = {0}, pos[TS_MAX_TENSORS] = {0};
    uint64_t wb_next = 0, unit = 0;
    double landed[TS_MAX_TENSORS][2] = {{0.0}}, vend[TS_MAX_TENSORS][2] = {{0.0}};
    double wb_end[2] = {0.0, 0.0};
    double link_free = 0.0, compute_end = 0.0;
    const guint out = s->out;
    /* the outer loop's iterations: the state at the start of each (iteration >= 1, all alike)
     * against the previous one's, to jump over the periodic middle */
    const uint64_t q = s->outer > 3 && s->units >= 1024 ? s->units / s->outer : 0;
    SchedState prev = {0};
    uint64_t check = 1; /* compares iterations check and check + 1, then twice as far */
    uint64_t next = q * check; /* the unit the next state is taken at */
    gboolean jumped = q == 0;
    for (;;) {
        /* the units whose versions have all landed (cur: each tensor's version at `unit`, pos:
         * the units of it done) */
        while (unit < s->units) {
            double start = compute_end;
            guint i = 0;
            for (; i < s->n && issued[i] > cur[i]; i++)
                start = MAX(start, landed[i][cur[i] & 1]);
            if (i < s->n)
                break;
            compute_end = start + w;
            for (i = 0; i < s->n; i++)
                if (++pos[i] == s->period[i]) {
                    vend[i][cur[i]++ & 1] = compute_end;
                    pos[i] = 0;
                }
            unit++;
            if (jumped || unit != next)
                continue;
            /* the start of outer iteration it = unit / q */
            SchedState now;
            sched_state(s, unit / q, issued, cur, wb_next, landed, vend, wb_end, link_free,
                        compute_end, &now);
            if (unit / q == check) {
                prev = now;
                next = unit + q;
                continue;
            }
            check *= 2;
            next = q * check;
            if (sched_periodic(s, &prev, &now)) {
                /* every later iteration repeats this one, delta later: jump to the start of
                 * the last one */
                const uint64_t it = unit / q, m = s->outer - 1 > it ? s->outer - 1 - it : 0;
                const double shift = (double)m * (now.base - prev.base);
                for (guint t = 0; t < s->n; t++) {
                    const uint64_t dv = m * (s->versions[t] / s->outer);
                    for (guint r = 0; r < 2; r++) {
                        landed[t][r] += shift;
                        vend[t][r] += shift;
                    }
                    if (dv & 1) {
                        swap2(landed[t]);
                        swap2(vend[t]);
                    }
                    issued[t] += dv;
                    cur[t] += dv;
                }
                if (out < s->n) {
                    const uint64_t dv = m * (s->versions[out] / s->outer);
                    wb_end[0] += shift;
                    wb_end[1] += shift;
                    if (dv & 1)
                        swap2(wb_end);
                    wb_next += dv;
                }
                link_free += shift;
                compute_end += shift;
                unit += m * q;
                jumped = TRUE;
            }
        }
        /* the call issued first: a fill whose slot is free, or the next write-back */
        int best = -1;
        double ready = 0.0;
        uint64_t best_first = 0;
        for (guint i = 0; i < s->n; i++) {
            const uint64_t j = issued[i];
            if (j >= s->versions[i])
                continue;
            double r = 0.0;
            if (j >= s->slots[i]) {
                const uint64_t k = j - s->slots[i]; /* the version whose slot it takes */
                if (cur[i] <= k || (i == out && wb_next <= k))
                    continue;
                r = vend[i][k & 1];
                if (i == out)
                    r = MAX(r, wb_end[k & 1]);
            }
            const uint64_t first = j * s->period[i];
            if (best < 0 || r < ready || (r == ready && first < best_first)) {
                best = (int)i;
                ready = r;
                best_first = first;
            }
        }
        gboolean wb = FALSE;
        if (out < s->n && wb_next < s->versions[out] && cur[out] > wb_next) {
            const double r = vend[out][wb_next & 1];
            if (best < 0 || r < ready) {
                wb = TRUE;
                ready = r;
            }
        }
        if (wb) {
            link_free = MAX(link_free, ready) + call_t + s->wb_b[out];
            wb_end[wb_next & 1] = link_free;
            wb_next++;
            continue;
        }
        if (best < 0)
            break;
        const guint i = (guint)best;
        const uint64_t j = issued[i]++;
        if (i == out && first_visit(s, j)) {
            landed[i][j & 1] = ready;
            continue;
        }
        link_free = MAX(link_free, ready) + call_t + s->fill_b[i];
        landed[i][j & 1] = link_free;
    }
    if (unit < s->units)
        return 0.0; /* not reached: every version's slot frees once earlier units run */
    return MAX(compute_end, link_free);
}

/* The calls over the host links into landing levels and what they add to cycles (TsCost's
 * link_* fields): max_cycles is the max of compute and the levels' bandwidth cycles, compute
 * the compute cycles. A call's bytes cross at the rate of its kind (a broadcast when the
 * instances of the level it reaches share the tile, a scatter otherwise, a gather back) with
 * the instances it reaches. The largest of five paths (docs/pim.md, "Host-link calls"):
 * - the work and the edges: max_cycles plus the calls no step can overlap, the first fill of
 *   each input tensor and the last write-back of each output (with its bytes);
 * - the link in series: every call and its bytes, one at a time;
 * - the chain through the last version: every fill (the link serves them one at a time), then
 *   the work of the last version of the landing level's tiles, which needs the last fill (its
 *   share 1 / V of the slowest of compute and the levels below, V the versions of the most
 *   refilled filled tensor: the iterations of the loops above the level down to the innermost
 *   one giving a filled tensor a new tile), then the last write-back of each output, which
 *   needs that work. The other write-backs may overlap it;
 * - the link in series with its forced idle time: with G >= 2 versions (the most of any tensor
 *   the level moves), while the first version's work (1 / G of the slowest of compute and the
 *   levels below) runs, the link can only prefetch the second version of each input tensor
 *   with a second buffer slot (no output version is complete, no other slot free), and while
 *   the last version's runs, only write back the previous version of each output that has one
 *   (every fill is in: the last version needs them all); it idles for the rest;
 * - the schedule of the versions (link_schedule): each landing level's fills, read-backs of
 *   partial outputs and write-backs in the order the DES issues them, each version's work
 *   after its fills, a fill after its slot's previous version (and a read-back after its
 *   tile's write-back); it covers outputs read back and tensors refilled at different rates,
 *   where the link idles in the middle of the run too. */
static double link_calls(const TsModel *m, const TsMapping *map, const TsNest *nest,
                         const guint *outermost, double max_cycles, double compute, TsCost *cost)
{
    const guint nl = m->n_levels;
    const uint64_t count = MAX(m->op->count, 1u);
    uint64_t calls = 0, readbacks = 0;
    double call_cycles = 0.0, edge_cycles = 0.0, bytes_cycles = 0.0, edge_bytes = 0.0;
    /* the chain through the last version: every fill, its work, the last write-backs */
    double chain_cycles = 0.0, chain_bytes = 0.0, tail = 0.0;
    /* the forced idle time: the first and the last version's work, the calls the link can make
     * during each (per landing level, summed) */
    double work_v[TS_ARCH_MAX_LEVELS], first_t[TS_ARCH_MAX_LEVELS], last_t[TS_ARCH_MAX_LEVELS];
    double first_b[TS_ARCH_MAX_LEVELS], last_b[TS_ARCH_MAX_LEVELS];
    guint n_idle = 0;
    /* the schedule of each landing level's versions */
    LinkSched sched[TS_ARCH_MAX_LEVELS];
    guint n_sched = 0;
    /* schedules left out before they start (their work, calls, bytes and reason) */
    double skip_work[TS_ARCH_MAX_LEVELS], skip_calls[TS_ARCH_MAX_LEVELS];
    double skip_bytes[TS_ARCH_MAX_LEVELS];
    uint32_t skip_why[TS_ARCH_MAX_LEVELS];
    uint64_t skip_units[TS_ARCH_MAX_LEVELS];
    guint n_skip = 0;
    gboolean batch = count > 1;
    for (guint l = 1; l < nl; l++) {
        const TsModelLevel *lv = &m->level[l];
        if (lv->link_call_cycles <= 0.0)
            continue;
        const guint c = nl - 1 - l;
        const TsLevelCost *lc = &cost->level[l];
        const uint64_t used = MAX(lc->instances_used, (uint64_t)1);
        const double wbytes = (double)MAX(lv->spec.word_bits, 1u) / 8.0;
        uint64_t held = 0, each = 0, last_version = 0, versions = 0;
        uint64_t moved_v[TS_MAX_TENSORS] = {0};
        double call_b[TS_MAX_TENSORS] = {0}; /* bytes' cycles of one call of t, per instance */
        LinkSched *sc = &sched[n_sched];
        sc->n = 0;
        sc->out = TS_MAX_TENSORS;
        sc->units = 0;
        sc->n_out_loops = 0;
        sc->call = lv->link_call_cycles;
        sc->calls = 0;
        sc->bytes = 0.0;
        sc->bad = FALSE;
        for (guint t = 0; t < m->n_tensors; t++) {
            if (!(map->level[l].keep >> t & 1u))
                continue;
            held += lc->tensor[t].tile_words;
            if (l == outermost[t])
                continue; /* backed here (resident): one copy serves every instance */
            each += lc->tensor[t].tile_words;
            uint64_t fills, wbs, v;
            tile_moves(m, nest, c, t, &fills, &wbs, &v);
            const gboolean out = m->read_write[t];
            calls += fills + wbs;
            if (out)
                readbacks += fills;
            if (fills > 0)
                last_version = MAX(last_version, v);
            guint si = TS_MAX_TENSORS;
            sc->calls += fills + wbs;
            if (fills + wbs > 0) {
                versions = MAX(versions, v);
                moved_v[t] = v;
                si = sc->n++;
                sched_tensor(m, nest, c, t, sc, si);
                if (sc->versions[si] != v)
                    sc->bad = TRUE; /* empty iterations (imperfect factors): not scheduled */
                sc->tile[si] = lc->tensor[t].tile_words;
                sc->fill_b[si] = sc->wb_b[si] = 0.0;
                if (out)
                    sc->out = si;
            }
            /* the first tile's fill comes before the first step, the last write-back after the
             * last step */
            const uint64_t e = (!out && fills > 0) + (wbs > 0);
            call_cycles += (double)(fills + wbs) * lv->link_call_cycles;
            edge_cycles += (double)e * lv->link_call_cycles;
            chain_cycles += (double)(fills + (wbs > 0)) * lv->link_call_cycles;
            /* the nearest level above that keeps t: the fills come from it, the write-backs
             * land in it */
            int p = (int)l - 1;
            while (p >= 0 && !(map->level[p].keep >> t & 1u))
                p--;
            if (fills > 0 && p >= 0) {
                const TsXferKind kind = spread(m, map, (guint)p, l, t) > 1.0
                                            ? TS_XFER_BROADCAST
                                            : TS_XFER_PARALLEL_H2D;
                const double b = link_bytes_cycles(m, l, kind, used,
                                                   (double)lc->tensor[t].fills_all * wbytes);
                bytes_cycles += b;
                chain_bytes += b;
                call_b[t] = b / (double)fills;
                sc->fill_b[si] = call_b[t];
                sc->bytes += b;
            }
            /* each instance of the landing level sends its own tile (a gather: instances
             * splitting a reduction between them send their partial sums, which the parent's
             * updates count once) */
            if (out && wbs > 0 && p >= 0) {
                const double pbytes = (double)MAX(m->level[p].spec.word_bits, 1u) / 8.0;
                const double words =
                    (double)cost->level[p].tensor[t].updates * spread(m, map, (guint)p, l, t);
                const double b =
                    link_bytes_cycles(m, l, TS_XFER_PARALLEL_D2H, used, words * pbytes);
                bytes_cycles += b;
                chain_bytes += b / (double)wbs;
                edge_bytes += b / (double)wbs;
                call_b[t] = b / (double)wbs;
                sc->wb_b[si] = call_b[t];
                sc->bytes += b;
            }
        }
        double below = compute;
        for (guint k = l + 1; k < nl; k++)
            below = MAX(below, cost->level[k].cycles);
        if (last_version > 0)
            tail = MAX(tail, below / (double)last_version);
        sc->outer = 1;
        for (guint k = nest->level_lo[c + 1]; k < nest->n_loops; k++)
            if (nest->loop[k].kind == TS_LOOP_TEMPORAL)
                sc->outer = MAX(nest->loop[k].ext, 1u);
        uint32_t why = 0;
        if (sched_finish(m, lv, lc, map->level[l].keep, below, sc, &why)) {
            n_sched++;
        } else if (why != 0) {
            skip_work[n_skip] = sc->work;
            skip_calls[n_skip] = (double)sc->calls * sc->call;
            skip_bytes[n_skip] = sc->bytes;
            skip_units[n_skip] = sc->units;
            skip_why[n_skip++] = why;
        }
        const uint64_t cap = lv->capacity_words;
        if (cap > 0 && (double)held + (double)each * (double)(count - 1) > (double)cap)
            batch = FALSE;
        if (versions < 2)
            continue;
        /* the calls the link can make while the first version and the last one work */
        uint64_t first = 0, last = 0;
        first_b[n_idle] = last_b[n_idle] = 0.0;
        for (guint t = 0; t < m->n_tensors; t++) {
            if (moved_v[t] < 2)
                continue;
            if (m->read_write[t]) {
                last++;
                last_b[n_idle] += call_b[t];
            } else if (cap == 0 || held + lc->tensor[t].tile_words <= cap) {
                first++; /* a second slot for its next version */
                first_b[n_idle] += call_b[t];
            }
        }
        work_v[n_idle] = below / (double)versions;
        first_t[n_idle] = (double)first * lv->link_call_cycles;
        last_t[n_idle++] = (double)last * lv->link_call_cycles;
    }
    cost->link_calls = calls;
    cost->link_readbacks = readbacks;
    cost->link_batch = batch ? count : 1;
    if (calls == 0)
        return max_cycles;
    const double share = 1.0 / (double)cost->link_batch;
    cost->link_call_cycles = call_cycles * share;
    /* instances sharing the calls run each version in lock-step (its work is theirs together)
     * and each call carries their bytes; per instance: */
    double idle = 0.0;
    for (guint i = 0; i < n_idle; i++)
        idle += MAX(0.0, work_v[i] - first_t[i] * share - first_b[i]) +
                MAX(0.0, work_v[i] - last_t[i] * share - last_b[i]);
    const double serial = call_cycles * share + bytes_cycles;
    double cycles = MAX(MAX(max_cycles + edge_cycles * share + edge_bytes, serial),
                        MAX(chain_cycles * share + chain_bytes + tail, serial + idle));
    for (guint i = 0; i < n_sched; i++) {
        /* the schedule ends by the time its work and its calls take in series */
        if (sched[i].work + (double)sched[i].calls * sched[i].call * share + sched[i].bytes <=
            cycles)
            continue;
        if (sched[i].units < 2 || sched[i].units > LINK_SCHED_MAX_UNITS) {
            cost->link_schedule_skipped |=
                sched[i].units < 2 ? TS_LINK_SKIP_ONE_VERSION : TS_LINK_SKIP_MANY_VERSIONS;
            cost->link_schedule_versions = MAX(cost->link_schedule_versions, sched[i].units);
            continue;
        }
        cycles = MAX(cycles, link_schedule(&sched[i], sched[i].call * share));
    }
    for (guint i = 0; i < n_skip; i++)
        if (skip_work[i] + skip_calls[i] * share + skip_bytes[i] > cycles) {
            cost->link_schedule_skipped |= skip_why[i];
            cost->link_schedule_versions = MAX(cost->link_schedule_versions, skip_units[i]);
        }
    cost->link_added_cycles = cycles - max_cycles;
    return cycles;
}

/* ---- MRAM <-> WRAM DMA -------------------------------------------------------------------- */

/* The DMA calls of one move of a tile of t of the given elements at a DPU's MRAM level l: one
 * per max_dma_bytes (at least one). */
static uint64_t tile_dma_calls(const TsModel *m, guint l, guint t, uint64_t elements)
{
    const TsModelLevel *lv = &m->level[l];
    const double wbytes = MAX(lv->spec.word_bits, 1u) / 8.0;
    const double bytes = (double)ts_model_words(m, l, t, elements) * wbytes;
    return lv->dma_max_bytes > 0 ? (uint64_t)MAX(1.0, ceil(bytes / (double)lv->dma_max_bytes)) : 1;
}

void ts_model_dma_calls(const TsModel *m, const TsMapping *map, const TsNest *nest, guint l,
                        guint t, uint64_t *read_calls, uint64_t *write_calls)
{
    const TsModelLevel *lv = &m->level[l];
    const guint nl = m->n_levels;
    *read_calls = *write_calls = 0;
    if ((lv->dma_alpha_read <= 0.0 && lv->dma_alpha_write <= 0.0) ||
        !(map->level[l].keep >> t & 1u))
        return;
    guint child = l + 1;
    while (child < nl && !(map->level[child].keep >> t & 1u))
        child++;
    if (child >= nl)
        return;
    const guint c = nl - 1 - child;
    uint64_t fills, wbs, v;
    tile_moves(m, nest, c, t, &fills, &wbs, &v);
    if (m->imperfect_dims == 0 || lv->dma_max_bytes == 0) {
        const uint64_t calls = tile_dma_calls(m, l, t, nest->tile[c][t]);
        *read_calls = calls * fills;
        *write_calls = calls * wbs;
        return;
    }
    /* Imperfect factors: a partial tile moves its own bytes, so its own calls. Along each
     * dimension of t the versions' tiles are full but for one partial one (ts_nest_dim_tiles);
     * the dimensions are independent, so the versions are every combination of them, each
     * repeated by the loops over the other dimensions (v over their product). */
    uint8_t counted[TS_NEST_MAX_LOOPS];
    const guint lo = version_loops(m, nest, c, t, counted);
    uint64_t n_full[TS_MAX_DIMS], full_ext[TS_MAX_DIMS], part_ext[TS_MAX_DIMS];
    guint dims[TS_MAX_DIMS], nd = 0;
    uint64_t tiles = 1;
    for (guint d = 0; d < m->n_dims; d++) {
        if (!(m->dim_mask[t] >> d & 1u))
            continue;
        ts_nest_dim_tiles(m, nest, d, lo, counted, &n_full[d], &full_ext[d], &part_ext[d]);
        tiles *= n_full[d] + (part_ext[d] > 0);
        dims[nd++] = d;
    }
    if (tiles == 0)
        return;
    const uint64_t repeat = v / tiles;
    const gboolean elide = m->read_write[t] && !m->options.no_first_read_elision;
    for (uint32_t pick = 0; pick < 1u << nd; pick++) {
        uint64_t ext[TS_MAX_DIMS], n = 1;
        for (guint d = 0; d < m->n_dims; d++)
            ext[d] = 1;
        for (guint i = 0; i < nd; i++) {
            const guint d = dims[i];
            const gboolean part = pick >> i & 1u;
            ext[d] = part ? part_ext[d] : full_ext[d];
            n *= part ? (part_ext[d] > 0) : n_full[d];
        }
        if (n == 0)
            continue;
        const uint64_t calls = tile_dma_calls(m, l, t, ts_nest_footprint(m, t, ext));
        if (!m->read_write[t])
            *read_calls += calls * n * repeat;
        else {
            *read_calls += calls * n * (elide ? repeat - 1 : repeat);
            *write_calls += calls * n * repeat;
        }
    }
}

/* Arch cycles of a DPU's MRAM level l (docs/pim.md, "The DPU"): the DMA calls of
 * ts_model_dma_calls, each paying alpha (read or write), and every word the level reads or
 * writes crossing at its bandwidth (beta per byte), reads and writes on their own ports as the
 * level's bandwidths say; the host's transfers over the link pay no alpha. */
static double dma_cycles(const TsModel *m, const TsMapping *map, const TsNest *nest, guint l,
                         const TsLevelCost *lc)
{
    const TsModelLevel *lv = &m->level[l];
    double alpha_r = 0.0, alpha_w = 0.0, rd = 0.0, wr = 0.0;
    for (guint t = 0; t < m->n_tensors; t++) {
        if (!(map->level[l].keep >> t & 1u))
            continue;
        const TsTensorCost *tc = &lc->tensor[t];
        rd += (double)tc->reads;
        wr += (double)(tc->fills + tc->updates);
        uint64_t rc, wc;
        ts_model_dma_calls(m, map, nest, l, t, &rc, &wc);
        alpha_r += (double)rc * lv->dma_alpha_read;
        alpha_w += (double)wc * lv->dma_alpha_write;
    }
    const TsLevel *s = &lv->spec;
    if (s->shared_bw_words_per_cycle > 0.0)
        return alpha_r + alpha_w + (rd + wr) / s->shared_bw_words_per_cycle;
    const double r =
        alpha_r + (s->read_bw_words_per_cycle > 0.0 ? rd / s->read_bw_words_per_cycle : 0.0);
    const double w =
        alpha_w + (s->write_bw_words_per_cycle > 0.0 ? wr / s->write_bw_words_per_cycle : 0.0);
    return MAX(r, w);
}

/* ---- Evaluation ------------------------------------------------------------------------- */

/* The one-time load of the resident tensors (docs/pim.md): each utilized instance of the home
 * receives its partition (the tile it keeps for the whole run), read at the outermost level,
 * carried over any host link (part of the landing level's fill energy and bandwidth) and
 * written at every level from the one below the outermost down to the home. Cycles: the
 * slowest stage, in arch cycles. */
static void resident_load(const TsModel *m, const TsNest *nest, TsCost *cost)
{
    const TsModelLevel *src = &m->level[0];
    double read_words = 0.0, cycles = 0.0, energy = 0.0;
    for (guint t = 0; t < m->n_tensors; t++) {
        const int h = m->residency.home[t];
        if (h <= 0)
            continue;
        const TsTensorCost *hc = &cost->level[h].tensor[t];
        const double copies = (double)hc->instances;
        const uint64_t elements = nest->tile[m->n_levels - 1 - (guint)h][t];
        const double elements_tile = (double)elements;
        const double bits = elements_tile * copies * m->op->tensors[t].precision.bits;
        cost->load_level[t] = (int8_t)h;
        cost->load_bytes_tensor[t] = (uint64_t)ceil(bits / 8.0);
        cost->load_bytes += cost->load_bytes_tensor[t];
        const double src_words = ceil(bits / MAX(1u, src->spec.word_bits));
        read_words += src_words;
        energy += ceil(src_words / src->block_size) * src->read_pj;
        for (guint l = 1; l <= (guint)h; l++) {
            const TsModelLevel *lv = &m->level[l];
            const double tile = (double)ts_model_words(m, l, t, elements);
            energy += ceil(tile / lv->block_size) * lv->write_pj * copies;
            if (l < (guint)h)
                energy += ceil(tile / lv->block_size) * lv->read_pj * copies;
            const TsLevel *s = &lv->spec;
            double bw = s->write_bw_words_per_cycle;
            if (s->shared_bw_words_per_cycle > 0.0 &&
                (bw == 0.0 || s->shared_bw_words_per_cycle < bw))
                bw = s->shared_bw_words_per_cycle;
            if (bw > 0.0)
                cycles = MAX(cycles, tile / bw);
            /* A host link's bandwidth is shared by all instances of its landing level. */
            if (s->fill_bw_words_per_cycle > 0.0)
                cycles = MAX(cycles,
                             tile * copies / (s->fill_bw_words_per_cycle * (double)s->instances));
        }
    }
    const TsLevel *ss = &src->spec;
    double rbw = ss->read_bw_words_per_cycle > 0.0 ? ss->read_bw_words_per_cycle
                                                   : ss->shared_bw_words_per_cycle;
    if (rbw > 0.0)
        cycles = MAX(cycles, read_words / rbw);
    cost->load_energy_pj = energy;
    cost->load_cycles = ceil(cycles);
    cost->load_s = cost->load_cycles / m->clock_hz;
}

TsEvalStatus ts_model_evaluate(const TsModel *m, const TsMapping *map, TsCost *cost)
{
    g_return_val_if_fail(m != NULL && map != NULL && cost != NULL, TS_EVAL_SHAPE);
    const guint nl = m->n_levels, nt = m->n_tensors;

    cost->status = TS_EVAL_OK;
    cost->bad_level = cost->bad_tensor = cost->bad_dim = -1;
    cost->n_levels = (uint8_t)nl;
    cost->macs = m->macs;
    cost->total_ops = 2 * m->macs - m->output_elements;
    cost->compute_instances = 0;
    cost->compute_cycles = cost->compute_energy_pj = cost->energy_pj = cost->cycles = 0.0;
    cost->latency_s = cost->utilization = cost->edp_j_cycles = cost->pj_per_mac = 0.0;
    cost->compute_leakage_pj = cost->compute_area_um2 = cost->leakage_pj = cost->area_um2 = 0.0;
    cost->energy_with_leakage_pj = 0.0;
    cost->load_bytes = 0;
    cost->load_energy_pj = cost->load_cycles = cost->load_s = 0.0;
    cost->link_calls = cost->link_readbacks = 0;
    cost->link_batch = 1;
    cost->link_call_cycles = cost->link_added_cycles = 0.0;
    cost->link_schedule_skipped = 0;
    cost->link_schedule_versions = 0;
    for (guint t = 0; t < TS_MAX_TENSORS; t++) {
        cost->load_level[t] = -1;
        cost->load_bytes_tensor[t] = 0;
    }
    memset(cost->level, 0, nl * sizeof cost->level[0]);

    gboolean imperfect;
    TsEvalStatus st = check_structure(m, map, cost, &imperfect);
    if (st != TS_EVAL_OK)
        return st;

    TsNest nest;
    ts_nest_build_loops(m, map, &nest);
    ts_nest_tiles(m, &nest);
    st = check_capacity(m, map, &nest, cost);
    if (st != TS_EVAL_OK)
        return st;

    uint8_t keep[TS_ARCH_MAX_LEVELS];
    for (guint c = 0; c < nl; c++)
        keep[c] = map->level[nl - 1 - c].keep;
    if (imperfect)
        ts_nest_analyze_imperfect(m, keep, &nest);
    else
        ts_nest_analyze(m, keep, &nest);

    /* Outermost keeping level of each tensor: the backing store, which is never filled. */
    guint outermost[TS_MAX_TENSORS];
    for (guint t = 0; t < nt; t++) {
        outermost[t] = 0;
        for (guint l = 0; l < nl; l++) {
            if (map->level[l].keep >> t & 1u) {
                outermost[t] = l;
                break;
            }
        }
    }

    const uint64_t cc = nest.compute_iterations;
    double ccd = m->macs_per_cycle == 1.0 ? (double)cc : ceil((double)cc / m->macs_per_cycle);
    if (m->options.systolic_folds) {
        TsSystolicFolds folds;
        if (ts_model_systolic_folds(m, map, &folds))
            ccd = MAX(ccd, folds.cycles);
    }
    double total_energy = 0.0, max_cycles = ccd;
    for (guint l = 0; l < nl; l++) {
        const guint c = nl - 1 - l;
        const TsModelLevel *lv = &m->level[l];
        TsLevelCost *lc = &cost->level[l];
        const uint64_t used = nest.instances[c];
        const uint64_t clusters = MIN(used, (uint64_t)lv->clusters);
        lc->instances_used = used;
        lc->keep = map->level[l].keep;
        lc->capacity_words = lv->capacity_words;
        double read_bw = 0.0, write_bw = 0.0, fill_bw = 0.0, update_bw = 0.0, energy = 0.0;
        double link_energy = 0.0;
        uint64_t held = 0;
        for (guint t = 0; t < nt; t++) {
            TsTensorCost *tc = &lc->tensor[t];
            if (!(map->level[l].keep >> t & 1u))
                continue;
            uint64_t reads, fills, updates, reads_all = 0, fills_all = 0, updates_all = 0;
            action_counts(m, &nest, c, t, l == outermost[t], FALSE, &reads, &fills, &updates);
            if (imperfect)
                action_counts(m, &nest, c, t, l == outermost[t], TRUE, &reads_all, &fills_all,
                              &updates_all);
            tc->tile_words = ts_model_words(m, l, t, nest.tile[c][t]);
            tc->reads = ts_model_words(m, l, t, reads);
            tc->fills = ts_model_words(m, l, t, fills);
            tc->updates = ts_model_words(m, l, t, updates);
            tc->partition_words = ts_model_words(m, l, t, nest.partition[c][t]);
            tc->instances = used;
            tc->multicast = nest.fanout[c] / MAX(1u, nest.distinct[c][t]);
            if (imperfect) {
                tc->reads_all = ts_model_words(m, l, t, reads_all);
                tc->fills_all = ts_model_words(m, l, t, fills_all);
                tc->updates_all = ts_model_words(m, l, t, updates_all);
            } else {
                tc->reads_all = tc->reads * used;
                tc->fills_all = tc->fills * used;
                tc->updates_all = tc->updates * used;
            }
            held += tc->tile_words;
            /* Energy per instance: vector accesses of each action type (rounded up to whole
             * blocks) times its energy; spread over the utilized clusters. */
            const uint64_t b = lv->block_size;
            if (imperfect) {
                /* Instances differ: the vector accesses of all of them, counted on the total
                 * words, spread over the utilized clusters. */
                double e = (double)ceil_div(tc->reads_all, b) * lv->read_pj +
                           (double)ceil_div(tc->fills_all, b) * lv->write_pj +
                           (double)ceil_div(tc->updates_all, b) * lv->update_pj;
                tc->energy_pj = e * (double)clusters / (double)MAX(used, 1u);
            } else {
                double e = (double)ceil_div(tc->reads, b) * lv->read_pj +
                           (double)ceil_div(tc->fills, b) * lv->write_pj +
                           (double)ceil_div(tc->updates, b) * lv->update_pj;
                tc->energy_pj = e * (double)clusters;
            }
            energy += tc->energy_pj;
            link_energy += ((double)ceil_div(tc->fills, b) * lv->link_fill_pj +
                            (double)ceil_div(tc->updates, b) * lv->link_drain_pj) *
                           (double)clusters;
            /* Bandwidth demand per instance, summed per tensor as Timeloop does. */
            read_bw += (double)tc->reads / ccd;
            write_bw += (double)(tc->fills + tc->updates) / ccd;
            fill_bw += (double)tc->fills / ccd;
            update_bw += (double)tc->updates / ccd;
        }
        double slowdown = 1.0;
        const TsLevel *s = &lv->spec;
        if (s->read_bw_words_per_cycle > 0.0 && s->read_bw_words_per_cycle < read_bw)
            slowdown = MIN(slowdown, s->read_bw_words_per_cycle / read_bw);
        if (s->write_bw_words_per_cycle > 0.0 && s->write_bw_words_per_cycle < write_bw)
            slowdown = MIN(slowdown, s->write_bw_words_per_cycle / write_bw);
        if (s->shared_bw_words_per_cycle > 0.0 && s->shared_bw_words_per_cycle < read_bw + write_bw)
            slowdown = MIN(slowdown, s->shared_bw_words_per_cycle / (read_bw + write_bw));
        /* The network into the level (a host link): fills and updates separately. A link
         * moving data in calls charges its bytes with the calls instead (link_calls), at the
         * rate of the DPUs each call reaches. */
        if (s->fill_bw_words_per_cycle > 0.0 && s->fill_bw_words_per_cycle < fill_bw &&
            lv->link_call_cycles <= 0.0)
            slowdown = MIN(slowdown, s->fill_bw_words_per_cycle / fill_bw);
        if (s->update_bw_words_per_cycle > 0.0 && s->update_bw_words_per_cycle < update_bw &&
            !lv->link_above)
            slowdown = MIN(slowdown, s->update_bw_words_per_cycle / update_bw);
        lc->throttling = slowdown;
        lc->cycles = ceil(ccd / slowdown);
        if (lv->dma_alpha_read > 0.0 || lv->dma_alpha_write > 0.0)
            lc->cycles = MAX(lc->cycles, ceil(dma_cycles(m, map, &nest, l, lc)));
        lc->energy_pj = energy;
        lc->link_energy_pj = link_energy;
        lc->utilization = s->size_words ? (double)held / (double)s->size_words : 0.0;
        total_energy += energy;
        if (lc->cycles > max_cycles)
            max_cycles = lc->cycles;
    }

    max_cycles = link_calls(m, map, &nest, outermost, max_cycles, ccd, cost);
    cost->compute_instances = nest.compute_instances;
    cost->compute_cycles = ccd;
    cost->compute_energy_pj = (double)m->macs * m->mac_pj;
    total_energy += cost->compute_energy_pj;
    cost->energy_pj = total_energy;
    cost->cycles = max_cycles;
    /* Leakage over the whole run on every instance, and area. */
    const TsLevel *mc = &m->compute;
    cost->compute_leakage_pj = mc->energy.leak_pj_per_cycle * max_cycles * (double)mc->instances;
    cost->compute_area_um2 = mc->area_um2 * (double)mc->instances;
    double leak = cost->compute_leakage_pj, area = cost->compute_area_um2;
    for (guint l = 0; l < nl; l++) {
        const TsLevel *s = &m->level[l].spec;
        TsLevelCost *lc = &cost->level[l];
        lc->leakage_pj = s->energy.leak_pj_per_cycle * max_cycles * (double)s->instances;
        lc->area_um2 = s->area_um2 * (double)s->instances;
        leak += lc->leakage_pj;
        area += lc->area_um2;
    }
    cost->leakage_pj = leak;
    cost->area_um2 = area;
    cost->energy_with_leakage_pj = total_energy + leak;
    cost->latency_s = max_cycles / m->clock_hz;
    cost->utilization =
        (double)m->macs / (max_cycles * (double)m->compute.instances * m->macs_per_cycle);
    cost->edp_j_cycles = total_energy * 1e-12 * max_cycles;
    cost->pj_per_mac = total_energy / (double)m->macs;
    if (m->residency_active)
        resident_load(m, &nest, cost);
    return TS_EVAL_OK;
}

/* ---- Explanations (slow path) ----------------------------------------------------------- */

static const char *dim_name(const TsModel *m, int d)
{
    if (d < 0 || (guint)d >= m->n_dims || m->op->dim_names[d] == NULL)
        return "?";
    return m->op->dim_names[d];
}

static const char *tensor_name(const TsModel *m, int t)
{
    if (t < 0 || (guint)t >= m->n_tensors || m->op->tensors[t].name == NULL)
        return "?";
    return m->op->tensors[t].name;
}

static const char *level_name(const TsModel *m, int l)
{
    if (l < 0 || (guint)l >= m->n_levels || m->level[l].spec.name == NULL)
        return "?";
    return m->level[l].spec.name;
}

char *ts_model_explain(const TsModel *m, const TsMapping *map, const TsCost *cost)
{
    g_return_val_if_fail(m != NULL && map != NULL && cost != NULL, NULL);
    const guint nl = m->n_levels, nd = m->n_dims, nt = m->n_tensors;
    const int l = cost->bad_level;
    switch (cost->status) {
    case TS_EVAL_OK:
        return g_strdup("ok");
    case TS_EVAL_SHAPE:
        return g_strdup_printf("mapping has %u levels and %u dimensions; the architecture has %u "
                               "storage levels and op %s has %u dimensions",
                               map->n_levels, map->n_dims, nl, m->op->name ? m->op->name : "?", nd);
    case TS_EVAL_PERMUTATION:
        return g_strdup_printf("%s: a permutation does not list each of the op's %u dimensions "
                               "exactly once (repeated or out of range: %s)",
                               level_name(m, l), nd, dim_name(m, cost->bad_dim));
    case TS_EVAL_FACTORS: {
        const int d = cost->bad_dim;
        if (d < 0 || (guint)d >= nd)
            return g_strdup("factors do not multiply to the dimension sizes");
        GString *s = g_string_new(NULL);
        double prod = 1.0;
        gboolean zero = FALSE;
        for (guint k = 0; k < nl; k++) {
            const TsMappingLevel *ml = &map->level[k];
            prod *= (double)ml->temporal[d] * ml->spatial_x[d] * ml->spatial_y[d];
            zero |= ml->temporal[d] == 0 || ml->spatial_x[d] == 0 || ml->spatial_y[d] == 0;
            g_string_append_printf(s, "%s%s %u", k ? ", " : "", level_name(m, (int)k),
                                   ml->temporal[d]);
            if (ml->spatial_x[d] > 1)
                g_string_append_printf(s, " x X%u", ml->spatial_x[d]);
            if (ml->spatial_y[d] > 1)
                g_string_append_printf(s, " x Y%u", ml->spatial_y[d]);
        }
        const char *why = "";
        if (m->options.imperfect_factors && !zero && !(m->imperfect_dims >> d & 1u))
            why = "; imperfect factors are modelled only for ops without sliding-window ranks, "
                  "on dimensions indexing a rank alone with coefficient 1: this one takes "
                  "perfect factors";
        else if (m->options.imperfect_factors && !zero)
            why = "; imperfect factors need the outermost loop of the dimension with a factor "
                  "> 1 to be ceil(size / product of the other factors), that product below the "
                  "size";
        else if (!zero && prod > (double)m->dims[d])
            why = " (--factorization imperfect accepts ceil factors)";
        char *r = g_strdup_printf("dimension %s: factors multiply to %s%.0f, the dimension size "
                                  "is %" G_GUINT64_FORMAT " (%s)%s",
                                  dim_name(m, d), zero ? "0 (a factor is 0) instead of " : "",
                                  zero ? 0.0 : prod, m->dims[d], s->str, why);
        g_string_free(s, TRUE);
        return r;
    }
    case TS_EVAL_FANOUT: {
        if (l < 0 || (guint)l >= nl)
            return g_strdup("spatial factors exceed a fan-out");
        const TsMappingLevel *ml = &map->level[l];
        uint64_t x = 1, y = 1;
        for (guint d = 0; d < nd; d++) {
            x *= ml->spatial_x[d];
            y *= ml->spatial_y[d];
        }
        const TsLevel *s = &m->level[l].spec;
        if (x > s->fanout_x)
            return g_strdup_printf("%s: spatial X factors multiply to %" G_GUINT64_FORMAT
                                   ", the fan-out along X is %u",
                                   level_name(m, l), x, s->fanout_x);
        return g_strdup_printf("%s: spatial Y factors multiply to %" G_GUINT64_FORMAT
                               ", the fan-out along Y is %u",
                               level_name(m, l), y, s->fanout_y);
    }
    case TS_EVAL_RESIDENCY: {
        const char *names[TS_ARCH_MAX_LEVELS];
        for (guint k = 0; k < nl; k++)
            names[k] = m->level[k].spec.name;
        return ts_residency_explain(&m->residency, m->op, names, cost->bad_level, cost->bad_tensor,
                                    cost->bad_dim);
    }
    case TS_EVAL_KEEP:
        return g_strdup_printf("%s is kept by no level (every level bypasses it)",
                               tensor_name(m, cost->bad_tensor));
    case TS_EVAL_CAPACITY:
    case TS_EVAL_UTILIZATION: {
        if (l < 0 || (guint)l >= nl)
            return g_strdup("tiles exceed a capacity");
        const TsModelLevel *lv = &m->level[l];
        if (lv->zero_capacity)
            return g_strdup_printf("%s: the level has no capacity (size 0) but keeps %s; every "
                                   "tensor must bypass it",
                                   level_name(m, l), tensor_name(m, cost->bad_tensor));
        TsNest nest;
        TsCost scratch;
        gboolean imperfect;
        if (check_structure(m, map, &scratch, &imperfect) != TS_EVAL_OK)
            return g_strdup("the mapping is malformed");
        ts_nest_build_loops(m, map, &nest);
        ts_nest_tiles(m, &nest);
        const guint c = nl - 1 - (guint)l;
        GString *s = g_string_new(NULL);
        uint64_t total = 0;
        for (guint t = 0; t < nt; t++) {
            if (!(map->level[l].keep >> t & 1u))
                continue;
            uint64_t w = ts_model_words(m, (guint)l, t, nest.tile[c][t]);
            total += w;
            g_string_append_printf(s, "%s%s %" G_GUINT64_FORMAT, s->len ? ", " : "",
                                   tensor_name(m, (int)t), w);
        }
        if (m->options.reserved_words[l] > 0) {
            total += m->options.reserved_words[l];
            g_string_append_printf(s, "%sheld by a fused group %" G_GUINT64_FORMAT,
                                   s->len ? ", " : "", m->options.reserved_words[l]);
        }
        const TsLevel *spec = &lv->spec;
        char *buf = spec->multiple_buffering > 1.0
                        ? g_strdup_printf(" (size %" G_GUINT64_FORMAT " / multiple buffering "
                                          "%g)",
                                          spec->size_words, spec->multiple_buffering)
                        : g_strdup("");
        char *r;
        if (cost->status == TS_EVAL_CAPACITY)
            r = g_strdup_printf("%s: tiles need %" G_GUINT64_FORMAT " words, capacity "
                                "%" G_GUINT64_FORMAT "%s (%s)",
                                level_name(m, l), total, lv->capacity_words, buf, s->str);
        else
            r = g_strdup_printf("%s: tiles use %" G_GUINT64_FORMAT " words, below the minimum "
                                "utilization %g of capacity %" G_GUINT64_FORMAT "%s (%s)",
                                level_name(m, l), total, spec->min_utilization, lv->capacity_words,
                                buf, s->str);
        g_free(buf);
        g_string_free(s, TRUE);
        return r;
    }
    case TS_EVAL_COUNT_:
        break;
    }
    return g_strdup("unknown reason");
}
