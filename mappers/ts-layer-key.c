/* The canonical description of one einsum search (ts_layer_problem_key): what the analytical
 * model, the map space and the search read, written as text with floats in exact hexadecimal
 * so that equal keys mean identical inputs and therefore identical results. A design-space
 * sweep keys its store of searched sub-problems on it. */
#include "ts-layer.h"

#include "ts-arch-classes.h"

#include <string.h>

/* Every field of these structs is in the key (except where a level or rule was declared, and
 * the class-specific spec, of which the model reads only a DPU's instruction costs and, with
 * systolic_folds, a systolic array's shape and dataflow: those are in the key too), and of TsSearchOptions every field
 * that shapes a result. A new field changes a size below: put it in the key, then update the
 * size here, so that no input of the search can be left out of the key unnoticed. */
G_STATIC_ASSERT(sizeof(TsLevel) == 344);
G_STATIC_ASSERT(sizeof(TsEnergy) == 72);
G_STATIC_ASSERT(sizeof(TsFanoutStage) == 16);
G_STATIC_ASSERT(sizeof(TsModelOptions) == 6 * sizeof(gboolean) + TS_ARCH_MAX_LEVELS * 8); /* 5 flags, padded */
G_STATIC_ASSERT(sizeof(TsSpaceArch) == 304);
G_STATIC_ASSERT(sizeof(TsFactorRule) == 24);
G_STATIC_ASSERT(sizeof(TsLevelRules) == 832);
G_STATIC_ASSERT(sizeof(TsRules) == 6680);
G_STATIC_ASSERT(sizeof(TsSearchOptions) == 160);

static void put_level(GString *s, const char *tag, const TsLevel *l)
{
    const TsEnergy *e = &l->energy;
    g_string_append_printf(
        s,
        "%s %s class=%d/%s storage=%d compute=%d inst=%u mesh=%ux%u fan=%ux%u "
        "size=%" G_GUINT64_FORMAT " zero=%d word=%u block=%u cluster=%u bw=%a/%a/%a fillbw=%a "
        "updbw=%a mb=%a minutil=%a e=%a/%a/%a/%a/%a/%a/%a/%a/%s area=%a/%s clock=%a wordb=%u "
        "mpc=%a resident=%u landing=%d stages=",
        tag, l->name, (int)l->klass, l->class_text ? l->class_text : "", l->is_storage,
        l->is_compute, l->instances, l->mesh_x, l->mesh_y, l->fanout_x, l->fanout_y,
        (guint64)l->size_words, l->zero_capacity, l->word_bits, l->block_size, l->cluster_size,
        l->read_bw_words_per_cycle, l->write_bw_words_per_cycle, l->shared_bw_words_per_cycle,
        l->fill_bw_words_per_cycle, l->update_bw_words_per_cycle, l->multiple_buffering,
        l->min_utilization, e->read_pj, e->write_pj, e->update_pj, e->leak_pj_per_cycle, e->mac_pj,
        e->per_bit_pj, e->activate_pj, e->refresh_pj, e->source ? e->source : "", l->area_um2,
        l->area_source ? l->area_source : "", l->clock_hz, l->compute_word_bits_b,
        l->macs_per_cycle, l->resident, l->link_landing);
    for (guint k = 0; k < l->n_stages && k < TS_MAX_FANOUT_STAGES; k++)
        g_string_append_printf(s, "%s:%ux%u,", l->stages[k].name, l->stages[k].mesh_x,
                               l->stages[k].mesh_y);
    g_string_append_c(s, '\n');
    if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL) {
        const TsPimCoreSpec *sp = l->spec;
        if (sp->kind == TS_PIM_DPU) {
            g_string_append_printf(s,
                                   "dpu issue=%a freq=%a mac=%a pj=%a slots=", sp->issue_fraction,
                                   sp->frequency_hz, sp->cycles_per_mac, sp->instruction_pj);
            for (guint k = 0; k < TS_DPU_OP_COUNT_; k++)
                g_string_append_printf(s, "%a,", sp->dpu_slots[k]);
            g_string_append_c(s, '\n');
        }
    }
}

static void put_rule(GString *s, const char *what, guint d, const TsFactorRule *r)
{
    if (r->exact || r->min || r->max)
        g_string_append_printf(s, " %s%u=%u/%u/%u", what, d, r->exact, r->min, r->max);
}

char *ts_layer_problem_key(const TsArch *arch, const TsOp *op, const TsSpaceArch *space_arch,
                           const TsRules *rules, const TsModelOptions *model_options,
                           const TsSearchOptions *search)
{
    g_return_val_if_fail(
        arch != NULL && op != NULL && space_arch != NULL && rules != NULL && search != NULL, NULL);
    if (search->time_limit_s > 0 || search->n_start > 0)
        return NULL; /* machine-dependent, or started from caller-chosen points */
    TsModelOptions mo = {0};
    if (model_options != NULL)
        mo = *model_options;
    GString *s = g_string_new("tilesim einsum search v2\n");
    g_string_append_printf(s, "clock=%a macs_per_cycle=%a technology=%u options=%d/%d/%d\n",
                           ts_arch_clock_hz(arch), ts_arch_compute_macs_per_cycle(arch),
                           ts_arch_technology_nm(arch), mo.exact_sliding_window_deltas,
                           mo.no_first_read_elision, mo.diagonal_multicast);
    if (mo.imperfect_factors)
        g_string_append(s, "factorization=imperfect\n");
    /* the fold timing reads the systolic array's shape and dataflow */
    const TsLevel *cl = ts_arch_compute(arch);
    if (mo.systolic_folds && cl != NULL && cl->klass == TS_CLASS_SYSTOLIC_ARRAY &&
        cl->spec != NULL) {
        const TsSystolicSpec *sp = cl->spec;
        g_string_append_printf(s, "systolic_folds rows=%" G_GUINT64_FORMAT " cols=%" G_GUINT64_FORMAT
                                  " dataflow=%d\n",
                               (guint64)sp->rows, (guint64)sp->cols, (int)sp->dataflow);
    }
    g_string_append(s, "reserved_words");
    for (guint l = 0; l < TS_ARCH_MAX_LEVELS; l++)
        g_string_append_printf(s, " %" G_GUINT64_FORMAT, mo.reserved_words[l]);
    g_string_append_c(s, '\n');
    for (guint l = 0; l < ts_arch_n_storage(arch); l++)
        put_level(s, "storage", ts_arch_storage(arch, l));
    if (ts_arch_compute(arch) != NULL)
        put_level(s, "compute", ts_arch_compute(arch));

    g_string_append_printf(s, "op kind=%d default_precision=%d output=%u dims", (int)op->kind,
                           op->precision_is_default, op->output);
    for (guint d = 0; d < op->n_dims; d++)
        g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT, op->dim_names[d], op->dims[d]);
    g_string_append_c(s, '\n');
    for (guint t = 0; t < op->n_tensors; t++) {
        const TsTensor *x = &op->tensors[t];
        g_string_append_printf(s, "tensor %s rw=%d role=%d prec=%u/%d ranks", x->name,
                               x->read_write, (int)x->role, x->precision.bits,
                               (int)x->precision.format);
        for (guint r = 0; r < x->n_ranks; r++) {
            g_string_append_c(s, ' ');
            for (guint k = 0; k < x->ranks[r].n_terms; k++)
                g_string_append_printf(s, "%s%" G_GINT64_FORMAT "*%u", k ? "+" : "",
                                       x->ranks[r].coef[k], x->ranks[r].dim[k]);
        }
        g_string_append_c(s, '\n');
    }

    for (guint l = 0; l < space_arch->n_levels; l++)
        g_string_append_printf(s, "space %s fan=%ux%u\n", space_arch->level[l].name,
                               space_arch->level[l].fanout_x, space_arch->level[l].fanout_y);
    for (guint a = 0; a < space_arch->n_aliases; a++)
        g_string_append_printf(s, "alias %s level=%u axis=%d\n", space_arch->alias_name[a],
                               space_arch->alias_level[a], space_arch->alias_axis[a]);

    g_string_append_printf(s, "rules levels=%u dims=%u tensors=%u compute_util=%a\n",
                           rules->n_levels, rules->n_dims, rules->n_tensors,
                           rules->min_compute_utilization);
    for (guint l = 0; l < rules->n_levels; l++) {
        const TsLevelRules *lr = &rules->level[l];
        g_string_append_printf(s, "rule %u keep=%u bypass=%u both=%d util=%a perm=", l, lr->keep,
                               lr->bypass, lr->both_axes, lr->min_spatial_utilization);
        for (guint p = 0; p < lr->n_perm; p++)
            g_string_append_printf(s, "%u,", lr->perm[p]);
        for (guint d = 0; d < rules->n_dims; d++) {
            put_rule(s, "t", d, &lr->temporal[d]);
            put_rule(s, "s", d, &lr->spatial[d]);
            put_rule(s, "x", d, &lr->spatial_x[d]);
            put_rule(s, "y", d, &lr->spatial_y[d]);
            g_string_append_printf(s, " a%u=%d", d, lr->axis[d]);
        }
        g_string_append_c(s, '\n');
    }

    g_string_append_printf(s, "search alg=%d metrics", (int)search->algorithm);
    for (guint m = 0; m < search->n_metrics; m++)
        g_string_append_printf(s, " %d", (int)search->metrics[m]);
    g_string_append_printf(
        s,
        " budget=%" G_GUINT64_FORMAT " victory=%" G_GUINT64_FORMAT " max_invalid=%" G_GUINT64_FORMAT
        " seed=%" G_GUINT64_FORMAT " top=%u chunks=%u orders=%u incumbent=%" G_GUINT64_FORMAT
        " polish=%d\n",
        search->budget, search->victory, search->max_invalid, search->seed, search->top_k,
        search->chunks, search->orders_per_factorization, search->incumbent_budget, search->polish);
    if (search->incumbent_no_polish)
        g_string_append(s, "incumbent_no_polish\n");
    return g_string_free(s, FALSE);
}
