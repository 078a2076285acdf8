/* Text and JSON reports of a workload: one row per op (dims, MACs, bytes moved, work per byte),
 * one row per tensor (ranks, precision, elements, bytes), LUT-NN figures, whole-layer totals
 * (each op counted `count` times) and the loader's notes. Formatting only: every number is
 * read from ts-op.h accessors. */
#include "ts-report-workload.h"
#include "ts-report-json.h"
#include "ts-report-table.h"

#include <string.h>
#include "ts-json-glib.h"

/* ---- Formatting ---- */

/* 1234567 -> "1,234,567" (newly allocated). */
static char *fmt_u64(uint64_t v)
{
    char digits[32];
    g_snprintf(digits, sizeof digits, "%" G_GUINT64_FORMAT, v);
    GString *s = g_string_new(NULL);
    gsize n = strlen(digits);
    for (gsize i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append_c(s, ',');
        g_string_append_c(s, digits[i]);
    }
    return g_string_free(s, FALSE);
}

/* v scaled by base until below it (at most 6 times) with `digits` significant digits and the
 * prefix units[u] ("%.3g MiB"); below base itself, the whole number followed by unit0 (newly
 * allocated). */
static char *fmt_prefixed(uint64_t v, double base, const char *const units[7], const char *unit0,
                          int digits)
{
    double x = (double)v;
    guint u = 0;
    while (x >= base && u + 1 < 7) {
        x /= base;
        u++;
    }
    return u == 0 ? g_strdup_printf("%" G_GUINT64_FORMAT "%s", v, unit0)
                  : g_strdup_printf("%.*g %s", digits, x, units[u]);
}

/* Bytes with a binary prefix: "3.38 MiB" (newly allocated). */
static char *fmt_bytes(uint64_t v)
{
    static const char *const units[7] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    return fmt_prefixed(v, 1024.0, units, " B", 3);
}

/* Decimal prefix for counts: "931 M", "1.86 G" (newly allocated). */
static char *fmt_si(uint64_t v)
{
    static const char *const units[7] = {"", "k", "M", "G", "T", "P", "E"};
    return fmt_prefixed(v, 1000.0, units, "", 4);
}

static char *ranks_text(const TsOp *op, guint t)
{
    const TsTensor *ts = &op->tensors[t];
    GString *s = g_string_new(NULL);
    for (guint r = 0; r < ts->n_ranks; r++) {
        g_string_append_c(s, '[');
        for (guint k = 0; k < ts->ranks[r].n_terms; k++) {
            if (k)
                g_string_append_c(s, '+');
            if (ts->ranks[r].coef[k] != 1)
                g_string_append_printf(s, "%" G_GINT64_FORMAT "*", ts->ranks[r].coef[k]);
            g_string_append(s, op->dim_names[ts->ranks[r].dim[k]]);
        }
        g_string_append_c(s, ']');
    }
    if (ts->n_ranks == 0)
        g_string_append(s, "(scalar)");
    return g_string_free(s, FALSE);
}

static char *dims_text(const TsOp *op)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < op->n_dims; i++)
        g_string_append_printf(s, "%s%s=%" G_GUINT64_FORMAT, i ? " " : "", op->dim_names[i],
                               op->dims[i]);
    return g_string_free(s, FALSE);
}

static const char *kind_text(const TsOp *op)
{
    return op->kind == TS_OP_ELEMENTWISE ? ts_elementwise_kind_name(op->ew_kind)
                                         : ts_op_kind_name(op->kind);
}

/* Prints a shared aligned table to a stream. */
static void table_print(TsTable *t, FILE *out)
{
    g_autoptr(GString) text = g_string_new(NULL);
    ts_table_print(t, text);
    g_ptr_array_free(t->rows, TRUE);
    fputs(text->str, out);
}

/* ---- Text ---- */

static const char *source_name(TsWorkloadSource s)
{
    switch (s) {
    case TS_WORKLOAD_SOURCE_MODEL:
        return "model";
    case TS_WORKLOAD_SOURCE_OPS:
        return "ops";
    case TS_WORKLOAD_SOURCE_TIMELOOP:
        return "timeloop";
    }
    return "?";
}

static void text_header(const TsWorkload *w, FILE *out)
{
    const char *path = ts_workload_path(w);
    fprintf(out, "workload %s (%s%s%s)\n", ts_workload_name(w), source_name(ts_workload_source(w)),
            path ? ": " : ", built in", path ? path : "");
    const TsTransformerConfig *c = ts_workload_transformer_config(w);
    if (c == NULL)
        return;
    fprintf(out,
            "  model %s: hidden %" G_GUINT64_FORMAT ", heads %" G_GUINT64_FORMAT
            " (head dim %" G_GUINT64_FORMAT "), ffn %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
            " layers%s\n",
            c->model ? c->model : "custom", c->hidden, c->heads, c->hidden / c->heads, c->ffn,
            c->layers, c->causal ? ", causal" : "");
    if (c->family == TS_FAMILY_LLAMA) {
        uint64_t kvh = c->kv_heads ? c->kv_heads : c->heads;
        fprintf(out, "  llama layer: RMSNorm, %" G_GUINT64_FORMAT " KV heads (%s), RoPE, SwiGLU",
                kvh, kvh == c->heads ? "multi-head" : "grouped-query");
        if (c->sliding_window)
            fprintf(out, ", sliding window %" G_GUINT64_FORMAT " keys", c->sliding_window);
        fputc('\n', out);
    }
    if (c->vocab)
        fprintf(out,
                "  vocabulary %" G_GUINT64_FORMAT " (embedding and LM head of a whole model)\n",
                c->vocab);
    if (c->phase == TS_PHASE_DECODE)
        fprintf(out,
                "  decode: 1 new token x batch %" G_GUINT64_FORMAT
                " against kv_len %" G_GUINT64_FORMAT " keys\n",
                c->batch, c->kv_len);
    else
        fprintf(out, "  prefill: seq %" G_GUINT64_FORMAT " x batch %" G_GUINT64_FORMAT " tokens\n",
                c->seq, c->batch);
    fprintf(out, "  precision %s: weights %s, activations %s, outputs %s\n", c->precision_name,
            ts_precision_name(c->precision.weights), ts_precision_name(c->precision.activations),
            ts_precision_name(c->precision.outputs));
    fprintf(out, "  softmax %u passes, nonlinear ops as %s\n", c->softmax_passes,
            c->nonlinear == TS_NONLINEAR_EINSUM ? "Timeloop einsums" : "elementwise ops");
    if (c->lut_vec_len)
        fprintf(out,
                "  LUT-NN (PIM-DL): vec_len %u, %u centroids; index %s, table %s, accumulator "
                "%s\n",
                c->lut_vec_len, c->lut_centroids, ts_precision_name(c->lut_index),
                ts_precision_name(c->lut_table), ts_precision_name(c->lut_acc));
}

void ts_report_workload_text(const TsWorkload *w, FILE *out)
{
    g_return_if_fail(w != NULL && out != NULL);
    text_header(w, out);

    fprintf(out, "\nops (per instance unless marked x count; work = MACs, element-passes or "
                 "LUT search MACs + lookups):\n");
    static const char *const oh[] = {"#",    "op",           "kind",  "count",         "dims",
                                     "MACs", "MACs x count", "bytes", "bytes x count", "work/B"};
    static const gboolean oright[] = {TRUE, FALSE, FALSE, TRUE, FALSE,
                                      TRUE, TRUE,  TRUE,  TRUE, TRUE};
    TsTable ops = ts_table_new(G_N_ELEMENTS(oh), oh, oright);
    gboolean any_lut = FALSE;
    for (guint i = 0; i < ts_workload_n_ops(w); i++) {
        const TsOp *op = ts_workload_op(w, i);
        any_lut |= op->kind == TS_OP_LUT;
        char **cells = g_new0(char *, G_N_ELEMENTS(oh) + 1);
        cells[0] = g_strdup_printf("%u", i + 1);
        cells[1] = g_strdup(op->name);
        cells[2] = g_strdup(kind_text(op));
        cells[3] = fmt_u64(op->count);
        cells[4] = dims_text(op);
        cells[5] = fmt_u64(op->macs);
        cells[6] = fmt_u64(op->macs * op->count);
        cells[7] = fmt_bytes(ts_op_bytes(op));
        cells[8] = fmt_bytes(ts_op_bytes(op) * op->count);
        cells[9] = g_strdup_printf("%.3g", ts_op_intensity(op));
        ts_table_add(&ops, cells);
    }
    table_print(&ops, out);

    fprintf(out, "\ntensors (one instance of each op):\n");
    static const char *const th[] = {"op",       "tensor",    "ranks", "precision",
                                     "elements", "bytes (B)", "note"};
    static const gboolean tright[] = {FALSE, FALSE, FALSE, FALSE, TRUE, TRUE, FALSE};
    TsTable tensors = ts_table_new(G_N_ELEMENTS(th), th, tright);
    for (guint i = 0; i < ts_workload_n_ops(w); i++) {
        const TsOp *op = ts_workload_op(w, i);
        for (guint t = 0; t < op->n_tensors; t++) {
            char **cells = g_new0(char *, G_N_ELEMENTS(th) + 1);
            cells[0] = g_strdup(t == 0 ? op->name : "");
            cells[1] = g_strdup(op->tensors[t].name);
            cells[2] = ranks_text(op, t);
            cells[3] = g_strdup(ts_precision_name(op->tensors[t].precision));
            cells[4] = fmt_u64(ts_op_tensor_elements(op, t));
            cells[5] = fmt_u64(ts_op_tensor_bytes(op, t));
            cells[6] = g_strdup_printf("%s%s%s", t == op->output ? "output (read-write)" : "",
                                       t == op->output && op->precision_is_default ? "; " : "",
                                       op->precision_is_default ? "precision not given" : "");
            ts_table_add(&tensors, cells);
        }
        if (op->kind == TS_OP_ELEMENTWISE && op->param_elements > 0) {
            char **cells = g_new0(char *, G_N_ELEMENTS(th) + 1);
            cells[0] = g_strdup("");
            cells[1] = g_strdup("(params)");
            cells[2] = g_strdup(op->ew_kind == TS_EW_LAYERNORM ? "gamma, beta"
                                : op->ew_kind == TS_EW_RMSNORM ? "gamma"
                                : op->ew_kind == TS_EW_EMBED   ? "table rows"
                                                               : "");
            cells[3] = g_strdup(ts_precision_name(op->param_precision));
            cells[4] = fmt_u64(op->param_elements);
            cells[5] = fmt_u64(ts_op_param_bytes(op));
            cells[6] = g_strdup("not a tensor of the op; counted in bytes");
            ts_table_add(&tensors, cells);
        }
    }
    table_print(&tensors, out);

    if (any_lut) {
        fprintf(out, "\nLUT-NN ops (per instance):\n");
        static const char *const lh[] = {"op",          "vec_len",       "centroids",
                                         "codebooks",   "table entries", "table bytes",
                                         "search MACs", "lookups"};
        static const gboolean lright[] = {FALSE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE};
        TsTable lut = ts_table_new(G_N_ELEMENTS(lh), lh, lright);
        for (guint i = 0; i < ts_workload_n_ops(w); i++) {
            const TsOp *op = ts_workload_op(w, i);
            if (op->kind != TS_OP_LUT)
                continue;
            char **cells = g_new0(char *, G_N_ELEMENTS(lh) + 1);
            cells[0] = g_strdup(op->name);
            cells[1] = g_strdup_printf("%u", op->lut_vec_len);
            cells[2] = g_strdup_printf("%u", op->lut_centroids);
            cells[3] = fmt_u64(op->lut_codebooks);
            cells[4] = fmt_u64(op->lut_table_entries);
            cells[5] = fmt_bytes(ts_op_param_bytes(op));
            cells[6] = fmt_u64(op->lut_search_macs);
            cells[7] = fmt_u64(op->lut_lookups);
            ts_table_add(&lut, cells);
        }
        table_print(&lut, out);
    }

    g_autofree char *macs = fmt_u64(ts_workload_total_macs(w));
    g_autofree char *macs_si = fmt_si(ts_workload_total_macs(w));
    g_autofree char *bytes = fmt_bytes(ts_workload_total_bytes(w));
    g_autofree char *work = fmt_u64(ts_workload_total_work(w));
    g_autofree char *params = fmt_u64(ts_workload_total_params(w));
    fprintf(out, "\ntotals (each op x count):\n");
    fprintf(out, "  MACs        %s (%sMAC)\n", macs, macs_si);
    fprintf(out, "  work        %s ops\n", work);
    fprintf(out, "  bytes       %s (compulsory: each tensor once)\n", bytes);
    fprintf(out, "  parameters  %s elements\n", params);
    const TsTransformerConfig *c = ts_workload_transformer_config(w);
    if (c != NULL && c->layers > 1) {
        uint64_t model_macs;
        if (g_uint64_checked_mul(&model_macs, ts_workload_total_macs(w), c->layers)) {
            g_autofree char *mm = fmt_si(model_macs);
            fprintf(out, "  model       %sMAC over %" G_GUINT64_FORMAT " layers\n", mm, c->layers);
        }
    }
    if (ts_workload_n_notes(w) > 0) {
        fprintf(out, "\nnotes:\n");
        for (guint i = 0; i < ts_workload_n_notes(w); i++)
            fprintf(out, "  - %s\n", ts_workload_note(w, i));
    }
}

/* ---- JSON ---- */

static void json_model(JsonBuilder *b, const TsTransformerConfig *c)
{
    json_builder_set_member_name(b, "model");
    json_builder_begin_object(b);
    ts_json_member_string(b, "model", c->model);
    ts_json_member_count(b, "hidden", c->hidden);
    ts_json_member_count(b, "heads", c->heads);
    ts_json_member_count(b, "ffn", c->ffn);
    ts_json_member_count(b, "layers", c->layers);
    ts_json_member_count(b, "seq", c->seq);
    ts_json_member_count(b, "batch", c->batch);
    ts_json_member_string(b, "phase", c->phase == TS_PHASE_DECODE ? "decode" : "prefill");
    ts_json_member_count(b, "kv_len", c->kv_len);
    json_builder_set_member_name(b, "precision");
    json_builder_begin_object(b);
    ts_json_member_string(b, "preset", c->precision_name);
    ts_json_member_string(b, "weights", ts_precision_name(c->precision.weights));
    ts_json_member_string(b, "activations", ts_precision_name(c->precision.activations));
    ts_json_member_string(b, "outputs", ts_precision_name(c->precision.outputs));
    json_builder_end_object(b);
    ts_json_member_count(b, "softmax_passes", c->softmax_passes);
    ts_json_member_string(b, "nonlinear",
                          c->nonlinear == TS_NONLINEAR_EINSUM ? "einsum" : "elementwise");
    json_builder_set_member_name(b, "causal");
    json_builder_add_boolean_value(b, c->causal);
    ts_json_member_string(b, "family", c->family == TS_FAMILY_LLAMA ? "llama" : "transformer");
    ts_json_member_count(b, "kv_heads", c->kv_heads ? c->kv_heads : c->heads);
    ts_json_member_count(b, "vocab", c->vocab);
    ts_json_member_count(b, "sliding_window", c->sliding_window);
    json_builder_set_member_name(b, "lut");
    if (c->lut_vec_len) {
        json_builder_begin_object(b);
        ts_json_member_count(b, "vec_len", c->lut_vec_len);
        ts_json_member_count(b, "centroids", c->lut_centroids);
        ts_json_member_string(b, "index", ts_precision_name(c->lut_index));
        ts_json_member_string(b, "table", ts_precision_name(c->lut_table));
        ts_json_member_string(b, "acc", ts_precision_name(c->lut_acc));
        json_builder_end_object(b);
    } else {
        json_builder_add_null_value(b);
    }
    json_builder_end_object(b);
}

static void json_op(JsonBuilder *b, const TsOp *op)
{
    json_builder_begin_object(b);
    ts_json_member_string(b, "name", op->name);
    ts_json_member_string(b, "kind", ts_op_kind_name(op->kind));
    ts_json_member_count(b, "count", op->count);
    json_builder_set_member_name(b, "dims");
    json_builder_begin_object(b);
    for (guint i = 0; i < op->n_dims; i++)
        ts_json_member_count(b, op->dim_names[i], op->dims[i]);
    json_builder_end_object(b);
    ts_json_member_count(b, "macs", op->macs);
    json_builder_set_member_name(b, "bytes");
    json_builder_begin_object(b);
    for (guint t = 0; t < op->n_tensors; t++)
        ts_json_member_count(b, op->tensors[t].name, ts_op_tensor_bytes(op, t));
    json_builder_end_object(b);
    json_builder_set_member_name(b, "elements");
    json_builder_begin_object(b);
    for (guint t = 0; t < op->n_tensors; t++)
        ts_json_member_count(b, op->tensors[t].name, ts_op_tensor_elements(op, t));
    json_builder_end_object(b);
    json_builder_set_member_name(b, "precision");
    json_builder_begin_object(b);
    for (guint t = 0; t < op->n_tensors; t++)
        ts_json_member_string(b, op->tensors[t].name, ts_precision_name(op->tensors[t].precision));
    json_builder_end_object(b);
    json_builder_set_member_name(b, "ranks");
    json_builder_begin_object(b);
    for (guint t = 0; t < op->n_tensors; t++) {
        g_autofree char *r = ranks_text(op, t);
        ts_json_member_string(b, op->tensors[t].name, r);
    }
    json_builder_end_object(b);
    ts_json_member_string(b, "output", op->tensors[op->output].name);
    json_builder_set_member_name(b, "precision_is_default");
    json_builder_add_boolean_value(b, op->precision_is_default);
    ts_json_member_count(b, "bytes_total", ts_op_bytes(op));
    ts_json_member_count(b, "work", ts_op_work(op));
    json_builder_set_member_name(b, "intensity_work_per_byte");
    json_builder_add_double_value(b, ts_op_intensity(op));
    ts_json_member_count(b, "params", op->param_elements);
    ts_json_member_count(b, "param_bytes", ts_op_param_bytes(op));
    if (op->kind == TS_OP_ELEMENTWISE) {
        json_builder_set_member_name(b, "elementwise");
        json_builder_begin_object(b);
        ts_json_member_string(b, "op", ts_elementwise_kind_name(op->ew_kind));
        ts_json_member_count(b, "elements", op->elements);
        ts_json_member_count(b, "passes", op->passes);
        json_builder_end_object(b);
    }
    if (op->kind == TS_OP_LUT) {
        json_builder_set_member_name(b, "lut");
        json_builder_begin_object(b);
        ts_json_member_count(b, "vec_len", op->lut_vec_len);
        ts_json_member_count(b, "centroids", op->lut_centroids);
        ts_json_member_count(b, "codebooks", op->lut_codebooks);
        ts_json_member_count(b, "table_entries", op->lut_table_entries);
        ts_json_member_count(b, "search_macs", op->lut_search_macs);
        ts_json_member_count(b, "lookups", op->lut_lookups);
        ts_json_member_string(b, "index", ts_precision_name(op->lut_index));
        ts_json_member_string(b, "table", ts_precision_name(op->lut_table));
        ts_json_member_string(b, "acc", ts_precision_name(op->lut_acc));
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

JsonNode *ts_report_workload_json(const TsWorkload *w)
{
    g_return_val_if_fail(w != NULL, NULL);
    g_autoptr(TsJsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ts_json_member_string(b, "tool", "tilesim");
    ts_json_member_string(b, "version", TILESIM_VERSION);
    ts_json_member_string(b, "workload", ts_workload_name(w));
    ts_json_member_string(b, "source", source_name(ts_workload_source(w)));
    ts_json_member_string(b, "path", ts_workload_path(w));
    const TsTransformerConfig *c = ts_workload_transformer_config(w);
    if (c != NULL)
        json_model(b, c);
    json_builder_set_member_name(b, "ops");
    json_builder_begin_array(b);
    for (guint i = 0; i < ts_workload_n_ops(w); i++)
        json_op(b, ts_workload_op(w, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "totals");
    json_builder_begin_object(b);
    ts_json_member_count(b, "macs", ts_workload_total_macs(w));
    ts_json_member_count(b, "bytes", ts_workload_total_bytes(w));
    ts_json_member_count(b, "work", ts_workload_total_work(w));
    ts_json_member_count(b, "params", ts_workload_total_params(w));
    ts_json_member_count(b, "ops", ts_workload_n_ops(w));
    uint64_t model_macs;
    if (c != NULL && g_uint64_checked_mul(&model_macs, ts_workload_total_macs(w), c->layers) &&
        model_macs <= (uint64_t)G_MAXINT64)
        ts_json_member_count(b, "model_macs", model_macs);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "notes");
    json_builder_begin_array(b);
    for (guint i = 0; i < ts_workload_n_notes(w); i++)
        json_builder_add_string_value(b, ts_workload_note(w, i));
    json_builder_end_array(b);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

gboolean ts_report_workload_write_json(const TsWorkload *w, const char *path, GError **error)
{
    g_return_val_if_fail(w != NULL && path != NULL, FALSE);
    g_autoptr(TsJsonNode) root = ts_report_workload_json(w);
    return ts_json_write_file(root, path, error);
}
