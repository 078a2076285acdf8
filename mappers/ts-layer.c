/* Whole-workload mapping: per einsum shape a model, a map space under the resolved constraints
 * and a search; per elementwise op the vector-unit cost; totals with each op counted `count`
 * times, run one after another. The default elementwise cost (no vector unit in the arch)
 * is documented in docs/mapper.md, "Non-GEMM ops". */
#include "ts-layer.h"

#include <math.h>
#include <string.h>

#include "ts-arch-classes.h"
#include "ts-fuse.h"
#include "ts-lut-pim.h"
#include "ts-mapping.h"
#include "ts-residency.h"

/* ---- Elementwise ops -------------------------------------------------------------------- */

/* One add and one multiply at the op's precision per element-pass (an add alone for a
 * residual add): Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, and the formats
 * scaled from it (docs/energy.md, "Arithmetic by precision"). */
static double default_pj_per_element_45nm(TsPrecision p, TsElementwiseKind kind)
{
    if (kind == TS_EW_ADD)
        return ts_precision_add_pj_45nm(p);
    return ts_precision_add_pj_45nm(p) + ts_precision_mul_pj_45nm(p, p);
}

static const char *main_operation(TsElementwiseKind kind)
{
    switch (kind) {
    case TS_EW_SOFTMAX:
        return "exp";
    case TS_EW_LAYERNORM:
    case TS_EW_RMSNORM:
    case TS_EW_ROPE:
    case TS_EW_MUL:
        return "mul";
    case TS_EW_GELU:
    case TS_EW_SILU:
        return "exp";
    case TS_EW_ADD:
    case TS_EW_EMBED:
    case TS_EW_COUNT_:
        break;
    }
    return "add";
}

gboolean ts_layer_vector_cost(const TsArch *arch, const TsOp *op, TsVectorCost *out, GError **error)
{
    g_return_val_if_fail(arch != NULL && op != NULL && out != NULL, FALSE);
    memset(out, 0, sizeof *out);
    const gboolean einsum = op->kind == TS_OP_EINSUM;
    if (op->kind != TS_OP_ELEMENTWISE && op->kind != TS_OP_LUT &&
        !(einsum && ts_layer_host_unit(arch) != NULL)) {
        ts_config_error(
            error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
            "op %s is neither an elementwise nor a LUT-NN op%s", op->name ? op->name : "?",
            einsum ? " (an einsum runs as vector work only on a host's vector unit)" : "");
        return FALSE;
    }
    gboolean lut = op->kind == TS_OP_LUT;
    const TsLevel *compute = ts_arch_compute(arch);
    if (compute == NULL || ts_arch_n_storage(arch) == 0) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "architecture %s has no compute or storage level to run %s on",
                        ts_arch_name(arch), op->name ? op->name : "?");
        return FALSE;
    }
    double clock = ts_arch_clock_hz(arch);
    /* A LUT-NN op (PIM-DL) is vector work: each closest-centroid distance term and each
     * table lookup-accumulate is one element-pass of an add/multiply. */
    out->element_passes = lut      ? (double)op->lut_search_macs + (double)op->lut_lookups
                          : einsum ? (double)op->macs
                                   : (double)op->elements * (double)MAX(op->passes, 1u);
    const TsLevel *vu = NULL;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_VECTOR_UNIT && l->spec != NULL) {
            vu = l;
            break;
        }
    }
    TsPrecision prec = op->tensors[op->output].precision;
    const TsVectorOp *vop = NULL;
    if (vu) {
        const TsVectorUnitSpec *spec = vu->spec;
        /* an einsum's MAC: the unit's 'mac' (a fused multiply-add), else its 'mul' */
        const char *kind = lut ? "lut" : einsum ? "mac" : ts_elementwise_kind_name(op->ew_kind);
        const char *main_op = lut ? "add" : einsum ? "mul" : main_operation(op->ew_kind);
        vop = ts_vector_unit_op(spec, kind);
        if (vop == NULL)
            vop = ts_vector_unit_op(spec, main_op);
        if (vop == NULL)
            vop = ts_vector_unit_op(spec, "add");
        if (vop == NULL) {
            ts_config_error(error, NULL, TS_CONFIG_ERROR_REFERENCE, NULL,
                            "vector unit %s lists neither '%s', '%s' nor 'add': cannot cost %s",
                            vu->name, kind, main_op, op->name ? op->name : "?");
            return FALSE;
        }
        out->lanes = (double)MAX(spec->lanes, (guint64)1);
        out->vector_unit = vu;
        out->vector_op = vop->op;
        out->cycles_per_element = vop->cycles_per_element;
        out->pj_per_element = vop->energy_pj_per_element;
        /* cycles of the unit's clock, expressed in arch cycles */
        double scale = vu->clock_hz > 0 && clock > 0 ? clock / vu->clock_hz : 1.0;
        out->cycles_per_element *= scale;
        g_snprintf(out->source, sizeof out->source,
                   "vector unit %s: %g lanes, '%s' %g cycles and %g pJ per element", vu->name,
                   out->lanes, vop->op, vop->cycles_per_element, vop->energy_pj_per_element);
        /* A lane holds word_bits: wider elements are noted, not split across lanes (the
         * per-element figures describe the unit as given). */
        uint32_t widest = 0;
        for (guint t = 0; !op->precision_is_default && t < op->n_tensors; t++)
            widest = MAX(widest, op->tensors[t].precision.bits);
        if (spec->word_bits > 0 && widest > spec->word_bits) {
            TsPrecision wp = {0};
            for (guint t = 0; t < op->n_tensors; t++)
                if (op->tensors[t].precision.bits == widest) {
                    wp = op->tensors[t].precision;
                    break;
                }
            g_snprintf(out->note, sizeof out->note,
                       "op %s: %s elements are wider than the %" G_GUINT64_FORMAT
                       "-bit lanes of vector unit '%s': costed as if a lane took them (give the "
                       "unit a wider word_bits, or a narrower precision)",
                       op->name ? op->name : "?", ts_precision_name(wp), spec->word_bits, vu->name);
        }
    } else {
        uint32_t nm = ts_arch_technology_nm(arch);
        double node = nm ? (double)nm : 45.0;
        /* One element-pass per MAC slot: a compute instance slower than a MAC per cycle
         * (a DPU) is as slow on elementwise work. */
        double rate = ts_arch_compute_macs_per_cycle(arch);
        out->lanes = (double)MAX(compute->instances, 1u);
        out->cycles_per_element = rate > 0.0 ? 1.0 / rate : 1.0;
        const gboolean add_only = op->kind == TS_OP_ELEMENTWISE && op->ew_kind == TS_EW_ADD;
        out->pj_per_element =
            default_pj_per_element_45nm(prec, add_only ? TS_EW_ADD : TS_EW_COUNT_) * node / 45.0;
        if (lut && out->element_passes > 0) {
            /* Lookup-accumulates are a load and an add, not a multiply: one cycle (an arch
             * with DPUs runs LUT ops as PIM-DL does, ts-lut-pim.h). Distance terms of the
             * search stay MACs. */
            const double lookup = 1.0;
            out->cycles_per_element = ((double)op->lut_search_macs * out->cycles_per_element +
                                       (double)op->lut_lookups * lookup) /
                                      out->element_passes;
            g_snprintf(out->source, sizeof out->source,
                       "default: %g lanes (the %s instances); search MACs at %g cycles, "
                       "lookups at %g; %.3g pJ per element-pass (%s, Horowitz 45 nm x %g/45 nm)",
                       out->lanes, compute->name, rate > 0.0 ? 1.0 / rate : 1.0, lookup,
                       out->pj_per_element, ts_precision_name(prec), node);
        } else {
            g_snprintf(out->source, sizeof out->source,
                       "default: %g lanes (the %s instances), %g cycle%s and %.3g pJ per "
                       "element-pass (%s add%s, Horowitz 45 nm x %g/45 nm)",
                       out->lanes, compute->name, out->cycles_per_element,
                       out->cycles_per_element == 1.0 ? "" : "s", out->pj_per_element,
                       ts_precision_name(prec), add_only ? "" : " + multiply", node);
        }
    }
    out->compute_cycles = ceil(out->element_passes * out->cycles_per_element / out->lanes);
    out->compute_energy_pj = out->element_passes * out->pj_per_element;

    /* Backing store traffic: inputs (and parameters) read once, the output written once. */
    const TsLevel *outer = ts_arch_storage(arch, 0);
    double word_bits = outer->word_bits ? (double)outer->word_bits : 16.0;
    double block = (double)MAX(outer->block_size, 1u);
    double rd_bits = 0, wr_bits = 0;
    for (guint t = 0; t < op->n_tensors; t++) {
        double bits = (double)ts_op_tensor_elements(op, t) * op->tensors[t].precision.bits;
        if (op->tensors[t].read_write)
            wr_bits += bits;
        else
            rd_bits += bits;
    }
    rd_bits += (double)op->param_elements * op->param_precision.bits;
    out->read_words = ceil(rd_bits / word_bits);
    out->write_words = ceil(wr_bits / word_bits);
    out->memory_read_energy_pj = out->read_words / block * outer->energy.read_pj;
    out->memory_write_energy_pj = out->write_words / block * outer->energy.update_pj;
    out->memory_energy_pj = out->memory_read_energy_pj + out->memory_write_energy_pj;
    double drain_pj = 0.0;
    ts_arch_storage_link_pj(arch, 0, NULL, &drain_pj);
    out->link_energy_pj = out->write_words / block * drain_pj;
    double rc = 0, wc = 0;
    if (outer->shared_bw_words_per_cycle > 0) {
        rc = (out->read_words + out->write_words) / outer->shared_bw_words_per_cycle;
    } else {
        if (outer->read_bw_words_per_cycle > 0)
            rc = out->read_words / outer->read_bw_words_per_cycle;
        if (outer->write_bw_words_per_cycle > 0)
            wc = out->write_words / outer->write_bw_words_per_cycle;
    }
    out->memory_cycles = ceil(MAX(rc, wc));
    out->cycles = MAX(out->compute_cycles, out->memory_cycles);
    out->energy_pj = out->compute_energy_pj + out->memory_energy_pj;
    out->latency_s = clock > 0 ? out->cycles / clock : 0.0;
    out->utilization = out->cycles > 0 ? out->compute_cycles / out->cycles : 0.0;
    out->bound = out->memory_cycles > out->compute_cycles ? outer->name : "vector";
    return TRUE;
}

const char *ts_layer_op_note(const TsLayerOp *op, guint i)
{
    if (op->same_as != i)
        return NULL;
    const char *note = op->einsum && op->model != NULL ? ts_model_note(op->model) : NULL;
    if (note == NULL && (!op->einsum || op->placed_on != NULL) && !op->lut_pim &&
        op->vector.note[0] != '\0')
        note = op->vector.note;
    return note;
}

const TsLevel *ts_layer_host_unit(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    const TsLevel *vu = NULL;
    for (guint i = 0; i < ts_arch_n_levels(arch); i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        if (l->klass == TS_CLASS_VECTOR_UNIT && l->spec != NULL && vu == NULL)
            vu = l;
        else if (l->klass == TS_CLASS_HOST_LINK)
            return vu; /* the first vector unit, when it lies above a host link */
    }
    return NULL;
}

/* ---- Einsum ops ------------------------------------------------------------------------- */

/* Op placement: an einsum none of whose tensors lives resident below the host link may run on
 * the host instead (ts_layer_host_unit: its vector unit, operands read from and the result
 * written to host memory once, as ts_layer_vector_cost costs it). The best mapping's cost
 * includes the operands' host-link transfers (its fills and write-backs cross the link); the
 * host's does not need them (the operands are in host memory). The op runs where the search's
 * first metric is lower. */
static gboolean place_op(const TsArch *arch, const TsLayerOptions *opt, TsLayerOp *lo,
                         GError **error)
{
    const TsLevel *host = ts_layer_host_unit(arch);
    if (host == NULL || lo->search.n_best == 0)
        return TRUE;
    guint resident = 0;
    for (guint s = 0; s < ts_arch_n_storage(arch); s++)
        resident |= ts_arch_storage(arch, s)->resident;
    for (guint t = 0; t < lo->op->n_tensors; t++) {
        const TsTensorRole role = lo->op->tensors[t].role;
        if ((role == TS_TENSOR_PARAMETERS && (resident & TS_RESIDENT_PARAMETERS)) ||
            (role == TS_TENSOR_KV_CACHE && (resident & TS_RESIDENT_KV_CACHE)))
            return TRUE;
    }
    TsVectorCost v;
    if (!ts_layer_vector_cost(arch, lo->op, &v, error))
        return FALSE;
    const TsMetric metric = opt->search.n_metrics > 0 ? opt->search.metrics[0] : TS_METRIC_EDP;
    const TsCost *best = &lo->search.best[0].cost;
    TsCost on_host = {.energy_pj = v.energy_pj, .cycles = v.cycles};
    on_host.edp_j_cycles = v.energy_pj * 1e-12 * v.cycles;
    lo->mapped_cycles = best->cycles;
    lo->mapped_energy_pj = best->energy_pj;
    if (!(ts_metric_value(&on_host, metric) < ts_metric_value(best, metric)))
        return TRUE;
    lo->placed_on = host;
    lo->vector = v;
    lo->energy_pj = v.energy_pj;
    lo->cycles = v.cycles;
    lo->latency_s = v.latency_s;
    lo->utilization = v.utilization;
    lo->bound = v.bound;
    lo->load_energy_pj = lo->load_s = 0.0;
    lo->load_bytes = 0;
    return TRUE;
}

const char *ts_layer_bound_name(const TsModel *model, const TsCost *cost)
{
    if (cost->compute_cycles >= cost->cycles)
        return "compute";
    int best = -1;
    double most = cost->compute_cycles;
    for (guint l = 0; l < cost->n_levels; l++) {
        if (cost->level[l].cycles > most) {
            most = cost->level[l].cycles;
            best = (int)l;
        }
    }
    /* host-link calls adding more than any level's or the compute's cycles */
    const char *link = ts_model_link_name(model);
    if (link != NULL && cost->link_added_cycles > most)
        return link;
    return best < 0 ? "compute" : ts_model_level(model, (guint)best)->name;
}

/* Shape identity: ops that differ only by name and count are mapped once. */
static gboolean same_shape(const TsOp *a, const TsOp *b)
{
    if (a->kind != b->kind || a->n_dims != b->n_dims || a->n_tensors != b->n_tensors ||
        a->output != b->output || a->elements != b->elements || a->passes != b->passes ||
        a->ew_kind != b->ew_kind || a->param_elements != b->param_elements)
        return FALSE;
    for (guint d = 0; d < a->n_dims; d++)
        if (a->dims[d] != b->dims[d] || g_strcmp0(a->dim_names[d], b->dim_names[d]) != 0)
            return FALSE;
    for (guint t = 0; t < a->n_tensors; t++) {
        const TsTensor *x = &a->tensors[t], *y = &b->tensors[t];
        if (g_strcmp0(x->name, y->name) != 0 || x->n_ranks != y->n_ranks ||
            x->read_write != y->read_write || x->role != y->role ||
            x->precision.bits != y->precision.bits || x->precision.format != y->precision.format)
            return FALSE;
        for (guint r = 0; r < x->n_ranks; r++) {
            if (x->ranks[r].n_terms != y->ranks[r].n_terms)
                return FALSE;
            for (guint k = 0; k < x->ranks[r].n_terms; k++)
                if (x->ranks[r].dim[k] != y->ranks[r].dim[k] ||
                    x->ranks[r].coef[k] != y->ranks[r].coef[k])
                    return FALSE;
        }
    }
    return TRUE;
}

static char *rejections_text(const TsSearchResult *r)
{
    GString *s = g_string_new(NULL);
    for (guint k = 1; k < TS_EVAL_COUNT_; k++)
        if (r->rejected[k])
            g_string_append_printf(s, "%s%s %" G_GUINT64_FORMAT, s->len ? ", " : "",
                                   ts_eval_status_name((TsEvalStatus)k), r->rejected[k]);
    if (s->len == 0)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

/* Why no mapping fits when even the smallest tiles fail: every loop at the outermost level
 * (each inner level holds one element of each tensor it keeps) under each keep/bypass choice
 * the rules allow (the first 64). When all of them exceed a capacity, the reason of the first
 * (the level, its capacity and the words its one-element tiles need) and what to change;
 * NULL when one of them passes the capacity check (the search's capacity rejections were then
 * about larger tiles). */
static char *smallest_tiles_text(const TsLayerOp *lo)
{
    if (lo->space == NULL || lo->model == NULL)
        return NULL;
    const guint nl = ts_mapspace_n_levels(lo->space);
    const uint32_t n_keep = MIN(ts_mapspace_n_keep(lo->space), 64u);
    char *why = NULL;
    for (uint32_t k = 0; k < n_keep; k++) {
        TsMapping m;
        ts_mapping_init(&m, nl, lo->op);
        for (guint l = 0; l < nl; l++)
            m.level[l].keep = ts_mapspace_keep_mask(lo->space, k, l);
        TsCost cost;
        if (ts_model_evaluate(lo->model, &m, &cost) != TS_EVAL_CAPACITY) {
            g_free(why);
            return NULL;
        }
        if (why == NULL)
            why = ts_model_explain(lo->model, &m, &cost);
    }
    if (why == NULL)
        return NULL;
    char *r = g_strdup_printf("; even the smallest tiles (every loop at the outermost level, one "
                              "element per tensor below it) exceed a capacity: %s; raise that "
                              "level's capacity (entries or word_bits) in the arch, or choose a "
                              "narrower --precision",
                              why);
    g_free(why);
    return r;
}

/* The op's table figures from its best mapping. */
static gboolean set_op_cost(TsLayerOp *lo)
{
    const TsCost *c = &lo->search.best[0].cost;
    lo->energy_pj = c->energy_pj;
    lo->cycles = c->cycles;
    lo->latency_s = c->latency_s;
    lo->utilization = c->utilization;
    lo->macs = c->macs;
    lo->bound = ts_layer_bound_name(lo->model, c);
    lo->load_energy_pj = c->load_energy_pj;
    lo->load_s = c->load_s;
    lo->load_bytes = c->load_bytes;
    return TRUE;
}

/* A given mapping instead of a search: loaded for this op, evaluated, and kept as the one
 * "best" entry so that reports treat it as a search result of one mapping. */
static gboolean evaluate_given(const TsArch *arch, const char *path, TsLayerOp *lo, GError **error)
{
    TsMapping m;
    if (!ts_mapping_load(path, arch, lo->op, &m, error))
        return FALSE;
    TsCost cost;
    if (ts_model_evaluate(lo->model, &m, &cost) != TS_EVAL_OK) {
        g_autofree char *why = ts_model_explain(lo->model, &m, &cost);
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "%s: invalid mapping (%s): %s",
                    path, ts_eval_status_name(cost.status), why);
        return FALSE;
    }
    lo->search.best = g_new0(TsSearchEntry, 1);
    lo->search.n_best = 1;
    lo->search.best[0].mapping = m;
    lo->search.best[0].cost = cost;
    lo->search.evaluated = lo->search.valid = 1;
    return TRUE;
}

static gboolean map_einsum(const TsArch *arch, const TsLayerOptions *opt, TsLayerOp *lo,
                           guint index, guint n_ops, gboolean *cache_hit, GError **error)
{
    const TsOp *op = lo->op;
    TsModelOptions mo = opt->model_options;
    lo->model = ts_model_new_full(arch, op, &mo, error);
    if (lo->model == NULL)
        return FALSE;
    if (!ts_space_arch_from_arch(arch, &lo->space_arch, error))
        return FALSE;
    if (opt->constraints) {
        if (!ts_constraints_resolve(opt->constraints, &lo->space_arch, op, &lo->rules, error))
            return FALSE;
    } else {
        ts_rules_init(&lo->rules, &lo->space_arch, op);
    }
    if (opt->fuse != NULL && !ts_fuse_apply(opt->fuse, lo->index, &lo->rules, &mo, error))
        return FALSE;
    if (opt->fuse != NULL && ts_fuse_plan_op(opt->fuse, lo->index) != NULL) {
        ts_model_free(lo->model);
        lo->model = ts_model_new_full(arch, op, &mo, error);
        if (lo->model == NULL)
            return FALSE;
    }
    TsResidency res;
    ts_residency_init(&res, arch, op);
    if (!ts_residency_apply_rules(&res, &lo->space_arch, op, &lo->rules, error))
        return FALSE;
    TsSearchOptions so = opt->search;
    if (so.algorithm == TS_SEARCH_EXHAUSTIVE || so.algorithm == TS_SEARCH_LINEAR_PRUNED ||
        so.polish) {
        so.bound = ts_search_model_bound;
        so.bound_data = lo->model;
        if (so.algorithm == TS_SEARCH_EXHAUSTIVE && so.incumbent_budget == 0)
            so.incumbent_budget = 50000;
    }
    g_autofree char *key = NULL;
    if (opt->cache != NULL && opt->mapping_path == NULL) {
        key = ts_layer_problem_key(arch, op, &lo->space_arch, &lo->rules, &mo, &so);
        if (key != NULL && opt->cache->lookup(key, &lo->search, opt->cache->data)) {
            *cache_hit = TRUE;
            if (opt->begin)
                opt->begin(lo, index, n_ops, opt->done_data);
            return set_op_cost(lo);
        }
    }
    lo->space = ts_mapspace_new_full(
        &lo->space_arch, op, &lo->rules,
        opt->model_options.imperfect_factors ? ts_model_imperfect_dims(op) : 0, error);
    if (lo->space == NULL)
        return FALSE;
    ts_mapspace_size(lo->space, &lo->size);
    if (opt->begin)
        opt->begin(lo, index, n_ops, opt->done_data); /* the size is known before the search */
    if (opt->mapping_path != NULL) {
        if (!evaluate_given(arch, opt->mapping_path, lo, error))
            return FALSE;
        return set_op_cost(lo);
    }
    /* Imperfect factors, anneal: the perfect space first (its bounds and polish apply there),
     * whose best starts the first stream of the anneal over the ceil factorizations (a
     * superset; the other streams start at random): the result is never worse than the
     * perfect search's. Its work is added to the counts. */
    TsSearchResult first = {0};
    TsMapId start;
    if (ts_mapspace_imperfect_dims(lo->space) != 0 && so.algorithm == TS_SEARCH_ANNEAL) {
        g_autoptr(TsMapSpace) perfect = ts_mapspace_new(&lo->space_arch, op, &lo->rules, error);
        if (perfect == NULL)
            return FALSE;
        if (ts_search_run(perfect, ts_search_model_eval, lo->model, &so, &first) &&
            first.n_best > 0 && ts_mapspace_locate(lo->space, &first.best[0].mapping, &start)) {
            so.start = &start;
            so.n_start = 1;
        }
    }
    const gboolean found =
        ts_search_run(lo->space, ts_search_model_eval, lo->model, &so, &lo->search);
    if (first.evaluated > 0) {
        TsSearchResult *r = &lo->search;
        r->evaluated += first.evaluated;
        r->valid += first.valid;
        r->model_calls += first.model_calls;
        for (guint i = 0; i < TS_EVAL_COUNT_; i++)
            r->rejected[i] += first.rejected[i];
        r->skipped_candidates += first.skipped_candidates;
        r->seconds += first.seconds;
        r->cpu_seconds += first.cpu_seconds;
        r->evaluations_per_s = r->seconds > 0 ? (double)r->evaluated / r->seconds : 0.0;
        r->valid_per_cpu_s = r->cpu_seconds > 0 ? (double)r->valid / r->cpu_seconds : 0.0;
    }
    ts_search_result_clear(&first);
    if (!found) {
        g_autofree char *why = rejections_text(&lo->search);
        /* The ordered walks skip factorizations whose spatial factors cannot fit without
         * evaluating them: say so, or a space with nothing that fits reads "0 rejected". */
        g_autofree char *skipped =
            lo->search.skipped_factorizations > 0
                ? g_strdup_printf("; %.0f factorizations skipped unevaluated (spatial factors "
                                  "over a fan-out or below a minimum utilization)",
                                  lo->search.skipped_factorizations)
                : g_strdup("");
        g_autofree char *smallest =
            lo->search.rejected[TS_EVAL_CAPACITY] > 0 ? smallest_tiles_text(lo) : NULL;
        ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, NULL,
                        "op %s: no valid mapping found (%s search, %" G_GUINT64_FORMAT
                        " candidates rejected: %s%s%s%s%s%s)",
                        op->name ? op->name : "?", ts_search_algorithm_name(so.algorithm),
                        lo->search.evaluated, why, skipped, smallest ? smallest : "",
                        lo->search.complete ? "; the whole space was walked" : "",
                        lo->search.timed_out ? "; the time limit stopped the search" : "",
                        !lo->search.complete && !lo->search.timed_out && so.max_invalid > 0 &&
                                smallest == NULL
                            ? "; each search stream stopped after --max-invalid invalid "
                              "candidates in a row: relax the constraints, or give "
                              "--max-invalid 0 to search on"
                            : "");
        return FALSE;
    }
    if (key != NULL)
        opt->cache->store(key, &lo->search, opt->cache->data);
    return set_op_cost(lo);
}

static char *op_names_text(const TsWorkload *workload)
{
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < ts_workload_n_ops(workload); i++)
        g_string_append_printf(all, "%s%s", i ? ", " : "", ts_workload_op(workload, i)->name);
    return g_string_free(all, FALSE);
}

gboolean ts_layer_map(const TsArch *arch, const TsWorkload *workload, const TsLayerOptions *options,
                      TsLayerResult *result, GError **error)
{
    g_return_val_if_fail(arch != NULL && workload != NULL && options != NULL && result != NULL,
                         FALSE);
    memset(result, 0, sizeof *result);
    gint64 t0 = g_get_monotonic_time();
    guint n = ts_workload_n_ops(workload);
    GArray *ops = g_array_new(FALSE, TRUE, sizeof(TsLayerOp));
    for (guint k = 0; options->only_ops && options->only_ops[k]; k++) {
        if (ts_workload_find_op(workload, options->only_ops[k]) == NULL) {
            g_autofree char *all = op_names_text(workload);
            ts_config_error(error, NULL, TS_CONFIG_ERROR_REFERENCE, NULL,
                            "workload %s has no op '%s'; its ops are %s",
                            ts_workload_name(workload), options->only_ops[k], all);
            return FALSE;
        }
    }
    for (guint i = 0; i < n; i++) {
        const TsOp *op = ts_workload_op(workload, i);
        if (options->only_op && g_strcmp0(op->name, options->only_op) != 0)
            continue;
        if (options->only_ops && !g_strv_contains(options->only_ops, op->name))
            continue;
        TsLayerOp lo = {0};
        lo.op = op;
        if (options->fuse != NULL && ts_fuse_plan_op(options->fuse, i) != NULL)
            lo.op = ts_fuse_plan_op(options->fuse, i); /* KQV runs one head at a time */
        lo.index = i;
        lo.same_as = ops->len;
        g_array_append_val(ops, lo);
    }
    result->n_ops = ops->len;
    result->ops = (TsLayerOp *)(void *)g_array_free(ops, FALSE);
    if (result->n_ops == 0) {
        const char **names = g_new0(const char *, n + 1);
        GString *all = g_string_new(NULL);
        for (guint i = 0; i < n; i++) {
            names[i] = ts_workload_op(workload, i)->name;
            g_string_append_printf(all, "%s%s", i ? ", " : "", names[i]);
        }
        g_autofree char *hint = ts_config_suggest(options->only_op, names);
        ts_config_error(error, NULL, TS_CONFIG_ERROR_REFERENCE, "--op",
                        "workload %s has no op '%s'%s; its ops are %s", ts_workload_name(workload),
                        options->only_op ? options->only_op : "", hint, all->str);
        g_string_free(all, TRUE);
        g_free(names);
        return FALSE;
    }
    if (options->mapping_path != NULL &&
        (result->n_ops != 1 || result->ops[0].op->kind != TS_OP_EINSUM)) {
        if (result->n_ops != 1)
            ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, "--mapping",
                            "a mapping belongs to one op: give --op NAME (workload %s has %u "
                            "op%s%s)",
                            ts_workload_name(workload), result->n_ops,
                            result->n_ops == 1 ? "" : "s", options->only_op ? " of that name" : "");
        else
            ts_config_error(error, NULL, TS_CONFIG_ERROR_INVALID, "--mapping",
                            "op %s is not an einsum (elementwise and LUT ops have no mapping)",
                            result->ops[0].op->name);
        return FALSE;
    }
    const TsLevel *compute = ts_arch_compute(arch);
    TsLutPimTarget lut_target;
    double compute_macs = 0.0, compute_cycles = 0.0; /* the MAC ops on the compute level */
    for (guint i = 0; i < result->n_ops; i++) {
        TsLayerOp *lo = &result->ops[i];
        const TsOp *op = lo->op;
        const gboolean fused = options->fuse != NULL && ts_fuse_plan_op(options->fuse, lo->index);
        for (guint j = 0; j < i && !fused; j++) {
            if (result->ops[j].same_as == j &&
                !(options->fuse != NULL && ts_fuse_plan_op(options->fuse, result->ops[j].index)) &&
                same_shape(result->ops[j].op, op)) {
                lo->same_as = j;
                break;
            }
        }
        lo->einsum = op->kind == TS_OP_EINSUM;
        if (options->begin && !(lo->einsum && lo->same_as == i))
            options->begin(lo, i, result->n_ops, options->done_data);
        if (lo->same_as != i) {
            const TsLayerOp *src = &result->ops[lo->same_as];
            lo->vector = src->vector;
            lo->lut_pim = src->lut_pim;
            lo->placed_on = src->placed_on;
            lo->mapped_cycles = src->mapped_cycles;
            lo->mapped_energy_pj = src->mapped_energy_pj;
            lo->lut = src->lut;
            lo->lut_evaluated = src->lut_evaluated;
            lo->lut_valid = src->lut_valid;
            lo->energy_pj = src->energy_pj;
            lo->cycles = src->cycles;
            lo->latency_s = src->latency_s;
            lo->utilization = src->utilization;
            lo->macs = src->macs;
            lo->bound = src->bound;
            lo->load_energy_pj = src->load_energy_pj;
            lo->load_s = src->load_s;
            lo->load_bytes = src->load_bytes;
        } else if (lo->einsum) {
            gboolean hit = FALSE;
            if (!map_einsum(arch, options, lo, i, result->n_ops, &hit, error))
                return FALSE;
            if (options->mapping_path == NULL && !place_op(arch, options, lo, error))
                return FALSE;
            result->unique_einsums++;
            result->cache_hits += hit;
        } else if (op->kind == TS_OP_LUT && ts_lut_pim_target(arch, &lut_target)) {
            /* Resident tables of every LUT op of every layer share each DPU's MRAM evenly. */
            const TsTransformerConfig *cfg = ts_workload_transformer_config(workload);
            double lut_ops = 0.0;
            for (guint k = 0; k < ts_workload_n_ops(workload); k++) {
                const TsOp *o = ts_workload_op(workload, k);
                if (o->kind == TS_OP_LUT)
                    lut_ops += (double)MAX(o->count, (uint64_t)1);
            }
            lut_ops *= cfg != NULL ? (double)MAX(cfg->layers, (uint64_t)1) : 1.0;
            lut_target.table_budget_bytes =
                (guint64)((double)lut_target.dpu->mram_bytes / MAX(lut_ops, 1.0));
            if (!ts_lut_pim_search(&lut_target, op, &lo->lut, &lo->lut_evaluated, &lo->lut_valid,
                                   error))
                return FALSE;
            lo->lut_pim = TRUE;
            lo->energy_pj = lo->lut.energy_pj;
            lo->latency_s = lo->lut.total_s;
            lo->cycles = ceil(lo->lut.total_s * ts_arch_clock_hz(arch));
            lo->utilization = lo->lut.total_s > 0.0 ? lo->lut.dpu_s / lo->lut.total_s : 0.0;
            lo->macs = 0;
            lo->bound = ts_lut_pim_bound(&lo->lut);
            lo->load_s = lo->lut.load_s; /* resident tables: their one-time scatter */
            lo->load_energy_pj = lo->lut.load_pj;
            lo->load_bytes = (uint64_t)lo->lut.load_bytes;
            TsVectorCost *v = &lo->vector; /* the op's totals in the vector-op form */
            v->element_passes = (double)op->lut_search_macs + (double)op->lut_lookups;
            v->compute_energy_pj = lo->lut.search_pj + lo->lut.dpu_pj;
            v->memory_energy_pj = lo->lut.link_pj;
            /* its host-link transfers: the gather's bytes leave the DPUs, the rest enter them */
            v->memory_write_energy_pj =
                lut_target.link != NULL
                    ? lo->lut.output_bytes * 8.0 * lut_target.link->d2h_pj_per_bit
                    : 0.0;
            v->memory_read_energy_pj = lo->lut.link_pj - v->memory_write_energy_pj;
            v->link_energy_pj = lo->lut.link_pj;
            v->energy_pj = lo->energy_pj;
            v->cycles = lo->cycles;
            v->latency_s = lo->latency_s;
            v->utilization = lo->utilization;
            v->bound = lo->bound;
            g_snprintf(v->source, sizeof v->source,
                       "PIM-DL LUT kernel on %" G_GUINT64_FORMAT " x %s (%s search, %s table "
                       "loads, loop %s)",
                       lut_target.n_dpus, lut_target.dpu_name,
                       lo->lut.p.search_on_dpus ? "DPU" : "host", ts_lut_load_name(lo->lut.p.load),
                       ts_lut_order_name(lo->lut.p.order));
        } else {
            if (!ts_layer_vector_cost(arch, op, &lo->vector, error))
                return FALSE;
            if (fused && !ts_fuse_vector_cost(options->fuse, arch, lo->index, &lo->vector, error))
                return FALSE;
            lo->energy_pj = lo->vector.energy_pj;
            lo->cycles = lo->vector.cycles;
            lo->latency_s = lo->vector.latency_s;
            lo->utilization = lo->vector.utilization;
            lo->macs = 0;
            lo->bound = lo->vector.bound;
        }
        double count = (double)MAX(op->count, (uint64_t)1);
        /* The layer's cycles add each op's whole cycles (its figure to the nearest cycle, as
         * the reports print it), so the ops' printed cycles x count sum to the layer's. */
        const double op_cycles = round(lo->cycles);
        result->energy_pj += count * lo->energy_pj;
        result->cycles += count * op_cycles;
        result->macs += count * (double)lo->macs;
        result->load_energy_pj += count * lo->load_energy_pj;
        result->load_s += count * lo->load_s;
        result->load_bytes += count * (double)lo->load_bytes;
        if (lo->macs > 0) {
            result->mac_op_energy_pj += count * lo->energy_pj;
            result->mac_op_cycles += count * op_cycles;
            if (lo->placed_on == NULL) {
                compute_macs += count * (double)lo->macs;
                compute_cycles += count * op_cycles;
            }
        }
        if (options->done)
            options->done(lo, i, result->n_ops, options->done_data);
    }
    double clock = ts_arch_clock_hz(arch);
    result->latency_s = clock > 0 ? result->cycles / clock : 0.0;
    double pes = compute ? (double)MAX(compute->instances, 1u) : 1.0;
    double rate = ts_arch_compute_macs_per_cycle(arch);
    if (rate > 0.0)
        pes *= rate; /* peak MACs per cycle of the whole compute level */
    result->utilization = compute_cycles > 0 ? compute_macs / (compute_cycles * pes) : 0.0;
    result->edp_j_cycles = result->energy_pj * 1e-12 * result->cycles;
    result->pj_per_mac = result->macs > 0 ? result->mac_op_energy_pj / result->macs : 0.0;
    result->leakage_pj = ts_arch_leak_pj_per_cycle(arch) * result->cycles;
    result->area_um2 = ts_arch_area_um2(arch);
    result->seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    return TRUE;
}

void ts_layer_result_clear(TsLayerResult *result)
{
    if (result == NULL)
        return;
    for (guint i = 0; i < result->n_ops; i++) {
        TsLayerOp *lo = &result->ops[i];
        if (lo->same_as != i)
            continue;
        ts_search_result_clear(&lo->search);
        ts_mapspace_free(lo->space);
        ts_model_free(lo->model);
    }
    g_free(result->ops);
    memset(result, 0, sizeof *result);
}
