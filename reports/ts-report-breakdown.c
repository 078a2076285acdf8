/* Breakdowns of a mapped workload: sums of the model's per-op figures by level, tensor, op
 * class and cause, each op counted `count` times. */
#include "ts-report-breakdown.h"
#include "ts-report-json.h"

#include <math.h>
#include <string.h>
#include "ts-json-glib.h"

static const char *const class_keys[] = {"gemm", "attention", "non_gemm", "transfers"};
static const char *const class_labels[] = {"GEMM", "attention", "non-GEMM", "transfers"};

const char *ts_op_class_key(TsOpClass c)
{
    return c < TS_OP_CLASS_COUNT_ ? class_keys[c] : "?";
}

const char *ts_op_class_label(TsOpClass c)
{
    return c < TS_OP_CLASS_COUNT_ ? class_labels[c] : "?";
}

TsOpClass ts_op_class_of(const TsOp *op)
{
    g_return_val_if_fail(op != NULL, TS_OP_CLASS_GEMM);
    switch (op->kind) {
    case TS_OP_ELEMENTWISE:
        return TS_OP_CLASS_NON_GEMM;
    case TS_OP_LUT:
        return TS_OP_CLASS_GEMM;
    case TS_OP_EINSUM:
        break;
    }
    return op->param_elements == 0 && !op->precision_is_default ? TS_OP_CLASS_ATTENTION
                                                                 : TS_OP_CLASS_GEMM;
}

/* Index of name in names (appending it when absent). */
static guint name_index(GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++)
        if (strcmp(names->pdata[i], name) == 0)
            return i;
    g_ptr_array_add(names, g_strdup(name));
    return names->len - 1;
}

static void add_at(GArray *values, guint i, double v)
{
    if (values->len <= i)
        g_array_set_size(values, i + 1);
    g_array_index(values, double, i) += v;
}

void ts_layer_breakdown_init(TsLayerBreakdown *b, const TsArch *arch, const TsLayerResult *r)
{
    g_return_if_fail(b != NULL && arch != NULL && r != NULL);
    memset(b, 0, sizeof *b);
    const guint ns = ts_arch_n_storage(arch);
    const TsLevel *compute = ts_arch_compute(arch);
    b->n_storage = ns;
    b->n_parts = ns + 2;
    b->part_names = g_new0(const char *, b->n_parts);
    for (guint l = 0; l < ns; l++)
        b->part_names[l] = ts_arch_storage(arch, l)->name;
    b->part_names[ns] = compute ? compute->name : "compute";
    b->part_names[ns + 1] = "vector ops";
    b->n_ops = r->n_ops;
    b->op_energy_pj = g_new0(double, MAX(r->n_ops, 1u) * b->n_parts);
    b->op_class = g_new0(TsOpClass, MAX(r->n_ops, 1u));
    b->op_transfer_pj = g_new0(double, MAX(r->n_ops, 1u));
    b->op_compute_cycles = g_new0(double, MAX(r->n_ops, 1u));
    b->energy_by_part_pj = g_new0(double, b->n_parts);

    GPtrArray *tensors = g_ptr_array_new_with_free_func(g_free);
    GArray *tensor_pj = g_array_new(FALSE, TRUE, sizeof(double));
    GPtrArray *causes = g_ptr_array_new_with_free_func(g_free);
    GArray *cause_cycles = g_array_new(FALSE, TRUE, sizeof(double));
    g_ptr_array_add(causes, g_strdup("compute"));
    g_array_set_size(cause_cycles, 1);
    double vec_reads = 0.0, vec_writes = 0.0, arithmetic = 0.0;

    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        const TsLayerOp *src = &r->ops[lo->same_as];
        const double count = (double)lo->op->count;
        double *row = &b->op_energy_pj[(gsize)i * b->n_parts];
        b->op_class[i] = ts_op_class_of(lo->op);
        double transfer = 0.0;
        if (src->einsum && src->placed_on == NULL) { /* placed on the host: vector work */
            const TsCost *c = &src->search.best[0].cost;
            const TsOp *op = ts_model_op(src->model);
            for (guint l = 0; l < MIN((guint)c->n_levels, ns); l++) {
                const TsLevelCost *lc = &c->level[l];
                row[l] = lc->energy_pj;
                transfer += lc->link_energy_pj;
                for (guint t = 0; t < op->n_tensors; t++)
                    if (lc->tensor[t].energy_pj != 0.0)
                        add_at(tensor_pj, name_index(tensors, lo->op->tensors[t].name),
                               lc->tensor[t].energy_pj * count);
            }
            row[ns] = c->compute_energy_pj;
            arithmetic += c->compute_energy_pj * count;
            b->op_compute_cycles[i] = c->compute_cycles;
        } else {
            const TsVectorCost *v = &src->vector;
            if (ns > 0) /* the outermost level's, and a fused group's level's */
                row[0] = v->memory_energy_pj - v->fused_energy_pj;
            if (v->fused_level > 0 && v->fused_level < ns)
                row[v->fused_level] += v->fused_energy_pj;
            row[ns + 1] = v->compute_energy_pj;
            transfer = v->link_energy_pj;
            vec_reads += v->memory_read_energy_pj * count;
            vec_writes += v->memory_write_energy_pj * count;
            arithmetic += v->compute_energy_pj * count;
            b->op_compute_cycles[i] = v->compute_cycles;
        }
        b->op_transfer_pj[i] = transfer;
        for (guint p = 0; p < b->n_parts; p++)
            b->energy_by_part_pj[p] += row[p] * count;
        b->energy_by_class_pj[TS_OP_CLASS_TRANSFERS] += transfer * count;
        b->energy_by_class_pj[b->op_class[i]] += (lo->energy_pj - transfer) * count;
        double busy = MIN(b->op_compute_cycles[i], lo->cycles);
        g_array_index(cause_cycles, double, 0) += busy * count;
        if (lo->cycles > busy) {
            g_autofree char *cause =
                g_strdup_printf("%s bandwidth", lo->bound ? lo->bound : "memory");
            add_at(cause_cycles, name_index(causes, cause), (lo->cycles - busy) * count);
        }
    }
    /* Tensor breakdown: the einsums' storage energy by tensor, then the rest of the energy. */
    const char *rest[] = {"vector-op reads", "vector-op writes", "arithmetic"};
    const double rest_pj[] = {vec_reads, vec_writes, arithmetic};
    for (guint k = 0; k < G_N_ELEMENTS(rest); k++)
        if (rest_pj[k] != 0.0 || k == 2)
            add_at(tensor_pj, name_index(tensors, rest[k]), rest_pj[k]);
    b->n_tensors = tensors->len;
    g_array_set_size(tensor_pj, tensors->len);
    g_ptr_array_add(tensors, NULL);
    b->tensor_names = (char **)g_ptr_array_free(tensors, FALSE);
    b->energy_by_tensor_pj = (double *)g_array_free(tensor_pj, FALSE);
    b->n_causes = causes->len;
    g_array_set_size(cause_cycles, causes->len);
    g_ptr_array_add(causes, NULL);
    b->cause_names = (char **)g_ptr_array_free(causes, FALSE);
    b->cycles_by_cause = (double *)g_array_free(cause_cycles, FALSE);
}

void ts_layer_breakdown_clear(TsLayerBreakdown *b)
{
    if (b == NULL)
        return;
    g_free(b->part_names);
    g_free(b->op_energy_pj);
    g_free(b->op_class);
    g_free(b->op_transfer_pj);
    g_free(b->op_compute_cycles);
    g_free(b->energy_by_part_pj);
    g_strfreev(b->tensor_names);
    g_free(b->energy_by_tensor_pj);
    g_strfreev(b->cause_names);
    g_free(b->cycles_by_cause);
    memset(b, 0, sizeof *b);
}

/* ---- Text ------------------------------------------------------------------------------- */

static double share(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}

/* Rows of a breakdown; with all, rows of 0 too. */
static void energy_rows(GString *out, const char *title, const char *const *names,
                        const double *pj, guint n, double total, gboolean all)
{
    g_string_append_printf(out, "\n  energy by %s:\n", title);
    for (guint i = 0; i < n; i++)
        if (all || pj[i] != 0.0)
            g_string_append_printf(out, "    %-22s %14.3f uJ %6.1f%%\n", names[i], pj[i] * 1e-6,
                                   share(pj[i], total));
}

void ts_layer_breakdown_text(GString *out, const TsLayerBreakdown *b, const TsLayerResult *r)
{
    g_return_if_fail(out != NULL && b != NULL && r != NULL);
    energy_rows(out, "level (each op x count)", b->part_names, b->energy_by_part_pj, b->n_parts,
                r->energy_pj, FALSE);
    energy_rows(out, "tensor", (const char *const *)b->tensor_names, b->energy_by_tensor_pj,
                b->n_tensors, r->energy_pj, FALSE);
    energy_rows(out, "op class", class_labels, b->energy_by_class_pj, TS_OP_CLASS_COUNT_,
                r->energy_pj, TRUE);
    g_string_append(out, "\n  latency by op (each op x count):\n");
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        double cyc = lo->cycles * (double)lo->op->count;
        g_string_append_printf(out, "    %-3u %-18s %14.0f cycles %12.6g s %6.1f%%\n", i + 1,
                               lo->op->name ? lo->op->name : "?", cyc,
                               lo->latency_s * (double)lo->op->count, share(cyc, r->cycles));
    }
    g_string_append(out, "\n  cycles by cause (analytical: an op's cycles beyond its compute "
                         "cycles are charged to its bounding level):\n");
    for (guint i = 0; i < b->n_causes; i++)
        g_string_append_printf(out, "    %-22s %14.0f cycles %6.1f%%\n", b->cause_names[i],
                               b->cycles_by_cause[i], share(b->cycles_by_cause[i], r->cycles));
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void named_values(JsonBuilder *jb, const char *member, const char *const *names,
                         const double *v, guint n)
{
    json_builder_set_member_name(jb, member);
    json_builder_begin_object(jb);
    for (guint i = 0; i < n; i++)
        ts_json_member_double(jb, names[i], v[i]);
    json_builder_end_object(jb);
}

void ts_layer_breakdown_json(JsonBuilder *jb, const TsLayerBreakdown *b, const TsLayerResult *r)
{
    g_return_if_fail(jb != NULL && b != NULL && r != NULL);
    json_builder_set_member_name(jb, "breakdown");
    json_builder_begin_object(jb);
    named_values(jb, "energy_by_level_pj", b->part_names, b->energy_by_part_pj, b->n_parts);
    named_values(jb, "energy_by_tensor_pj", (const char *const *)b->tensor_names,
                 b->energy_by_tensor_pj, b->n_tensors);
    named_values(jb, "energy_by_class_pj", class_keys, b->energy_by_class_pj,
                 TS_OP_CLASS_COUNT_);
    json_builder_set_member_name(jb, "latency_by_op");
    json_builder_begin_array(jb);
    for (guint i = 0; i < r->n_ops; i++) {
        const TsLayerOp *lo = &r->ops[i];
        const double count = (double)lo->op->count;
        json_builder_begin_object(jb);
        ts_json_member_int(jb, "index", (gint64)i);
        ts_json_member_string(jb, "name", lo->op->name);
        ts_json_member_count(jb, "count", lo->op->count);
        ts_json_member_double(jb, "cycles", lo->cycles * count);
        ts_json_member_double(jb, "latency_s", lo->latency_s * count);
        ts_json_member_double(jb, "share", r->cycles > 0 ? lo->cycles * count / r->cycles : NAN);
        json_builder_end_object(jb);
    }
    json_builder_end_array(jb);
    json_builder_set_member_name(jb, "cycles_by_cause");
    json_builder_begin_object(jb);
    ts_json_member_string(jb, "source", "analytical");
    for (guint i = 0; i < b->n_causes; i++)
        ts_json_member_double(jb, b->cause_names[i], b->cycles_by_cause[i]);
    json_builder_end_object(jb);
    json_builder_end_object(jb);
}
