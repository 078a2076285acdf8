/* Golden tests of the workloads module against ../shared/reference: every row of the model op
 * table (models/transformer_layer_ops.csv) and its per-layer summary JSON, every Timeloop
 * problem file (timeloop/prob, timeloop-experiments layers incl. the old/, conv_benchmarks/,
 * resnet/ and vgg/ subfolders), and Timeloop's own stats of the experiments' KQV and VScores
 * (MACs and tensor sizes). Exact comparisons: these are counts. */
#include "ts-workload.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "ts-test.h"

static guint64 num(GPtrArray *row, int col)
{
    return g_ascii_strtoull(g_ptr_array_index(row, (guint)col), NULL, 10);
}

static uint64_t dim(const TsOp *op, const char *name)
{
    int d = ts_op_find_dim(op, name);
    CU_ASSERT_TRUE(d >= 0);
    return d >= 0 ? op->dims[d] : 0;
}

/* The k-th op (1-based) named name. */
static const TsOp *nth_op(const TsWorkload *w, const char *name, guint k)
{
    for (guint i = 0; i < ts_workload_n_ops(w); i++) {
        const TsOp *op = ts_workload_op(w, i);
        if (strcmp(op->name, name) == 0 && --k == 0)
            return op;
    }
    return NULL;
}

#define EQ(what, got, want)                                                                        \
    do {                                                                                           \
        guint64 g_ = (got), w_ = (want);                                                           \
        if (g_ != w_) {                                                                            \
            fprintf(stderr,                                                                        \
                    "\n  %s %s seq %s %s: %s = %" G_GUINT64_FORMAT                                 \
                    ", reference %" G_GUINT64_FORMAT "\n",                                         \
                    model, (const char *)g_ptr_array_index(row, 2), seq_text, opname, what, g_,    \
                    w_);                                                                           \
            CU_FAIL("mismatch with transformer_layer_ops.csv");                                    \
        }                                                                                          \
    } while (0)

static void test_model_op_table(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *path = ts_test_reference_path("models/transformer_layer_ops.csv");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *header = ts_test_csv_split(lines[0]);
    int c_model = ts_test_csv_column(header, "model"),
        c_batch = ts_test_csv_column(header, "batch"), c_seq = ts_test_csv_column(header, "seq"),
        c_op = ts_test_csv_column(header, "op"), c_kind = ts_test_csv_column(header, "kind"),
        c_d = ts_test_csv_column(header, "timeloop_D"),
        c_e = ts_test_csv_column(header, "timeloop_E"),
        c_l = ts_test_csv_column(header, "timeloop_L"),
        c_rep = ts_test_csv_column(header, "repeat"), c_m = ts_test_csv_column(header, "M"),
        c_n = ts_test_csv_column(header, "N"), c_k = ts_test_csv_column(header, "K"),
        c_macs = ts_test_csv_column(header, "macs"), c_flops = ts_test_csv_column(header, "flops"),
        c_out = ts_test_csv_column(header, "out_elems"),
        c_w = ts_test_csv_column(header, "weight_elems");
    guint rows = 0;
    char *last_key = NULL;
    guint index_in_layer = 0;
    TsWorkload *w = NULL;
    for (guint i = 1; lines[i]; i++) {
        if (lines[i][0] == '\0')
            continue;
        GPtrArray *row = ts_test_csv_split(lines[i]);
        const char *model = g_ptr_array_index(row, (guint)c_model);
        const char *seq_text = g_ptr_array_index(row, (guint)c_seq);
        const char *opname = g_ptr_array_index(row, (guint)c_op);
        const char *kind = g_ptr_array_index(row, (guint)c_kind);
        g_autofree char *key = g_strdup_printf(
            "%s/%s/%s", model, (const char *)g_ptr_array_index(row, (guint)c_batch), seq_text);
        if (last_key == NULL || strcmp(key, last_key) != 0) {
            ts_workload_free(w);
            TsWorkloadOverrides ov = {.seq = num(row, c_seq), .batch = num(row, c_batch)};
            g_autoptr(GError) error = NULL;
            w = ts_workload_load(model, &ov, &error);
            if (w == NULL)
                fprintf(stderr, "\n  %s: %s\n", model, error->message);
            CU_ASSERT_PTR_NOT_NULL_FATAL(w);
            g_free(last_key);
            last_key = g_strdup(key);
            index_in_layer = 0;
        }
        /* layernorm1 / layernorm2: the first and second op named layernorm. */
        const TsOp *op;
        if (g_str_has_prefix(opname, "layernorm") && opname[9] != '\0')
            op = nth_op(w, "layernorm", (guint)(opname[9] - '0'));
        else
            op = nth_op(w, opname, 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(op);
        /* Same order as the reference table, whose layernorm rows include the residual add and
         * whose FF1 row includes the GELU: skip the ops tilesim lists separately. */
        while (index_in_layer < ts_workload_n_ops(w) &&
               (strcmp(ts_workload_op(w, index_in_layer)->name, "residual") == 0 ||
                strcmp(ts_workload_op(w, index_in_layer)->name, "gelu") == 0))
            index_in_layer++;
        CU_ASSERT_PTR_EQUAL(op, ts_workload_op(w, index_in_layer));
        index_in_layer++;

        gboolean gemm = strcmp(kind, "gemm") == 0, batched = strcmp(kind, "batched_gemm") == 0;
        gboolean ew = strcmp(kind, "elementwise_rowwise") == 0;
        CU_ASSERT_TRUE(gemm || batched || ew);
        CU_ASSERT_EQUAL(op->kind, ew ? TS_OP_ELEMENTWISE : TS_OP_EINSUM);
        if (gemm)
            CU_ASSERT_EQUAL(op->count, 1);
        EQ("D", dim(op, "D"), num(row, c_d));
        EQ("E", dim(op, "E"), num(row, c_e));
        EQ("L", dim(op, "L"), num(row, c_l));
        EQ("repeat", op->count, num(row, c_rep));
        EQ("M", dim(op, "L"), num(row, c_m));
        EQ("N", ew ? dim(op, "E") : dim(op, "D"), num(row, c_n));
        EQ("K", ew ? 0 : dim(op, "E"), num(row, c_k));
        EQ("macs", op->macs * op->count, num(row, c_macs));
        EQ("flops", 2 * op->macs * op->count, num(row, c_flops));
        EQ("out_elems", ts_op_tensor_elements(op, op->output) * op->count, num(row, c_out));
        EQ("weight_elems", op->param_elements * op->count, num(row, c_w));
        if (ew)
            EQ("passes", op->passes, num(row, c_d));
        rows++;
        g_ptr_array_free(row, TRUE);
    }
    ts_workload_free(w);
    g_free(last_key);
    g_ptr_array_free(header, TRUE);
    fprintf(stderr, "\n  compared %u rows of transformer_layer_ops.csv\n", rows);
    CU_ASSERT_TRUE(rows >= 63);
}

static void test_model_summary(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *path = ts_test_reference_path("models/model_dims_and_layer_summary.json");
    g_autoptr(JsonParser) parser = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(parser, path, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *models = json_object_get_object_member(root, "models");
    JsonObject *summary = json_object_get_object_member(root, "per_layer_summary");
    GList *keys = json_object_get_members(summary);
    guint n = 0;
    for (GList *k = keys; k; k = k->next) {
        const char *key = k->data; /* "bert-base@seq128" */
        g_auto(GStrv) parts = g_strsplit(key, "@seq", 2);
        JsonObject *s = json_object_get_object_member(summary, key);
        JsonObject *m = json_object_get_object_member(models, parts[0]);
        TsWorkloadOverrides ov = {.seq = g_ascii_strtoull(parts[1], NULL, 10)};
        g_autoptr(GError) error = NULL;
        g_autoptr(TsWorkload) w = ts_workload_load(parts[0], &ov, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        const TsTransformerConfig *cfg = ts_workload_transformer_config(w);
        CU_ASSERT_EQUAL(cfg->hidden, (uint64_t)json_object_get_int_member(m, "hidden"));
        CU_ASSERT_EQUAL(cfg->heads, (uint64_t)json_object_get_int_member(m, "heads"));
        CU_ASSERT_EQUAL(cfg->ffn, (uint64_t)json_object_get_int_member(m, "ffn"));
        CU_ASSERT_EQUAL(cfg->layers, (uint64_t)json_object_get_int_member(m, "layers"));
        CU_ASSERT_EQUAL(cfg->causal, json_object_get_boolean_member(m, "causal"));
        CU_ASSERT_EQUAL(ts_workload_total_macs(w),
                        (uint64_t)json_object_get_int_member(s, "macs_per_layer"));
        CU_ASSERT_EQUAL(ts_workload_total_params(w),
                        (uint64_t)json_object_get_int_member(s, "weight_elems_per_layer"));
        JsonObject *g = json_object_get_object_member(s, "gemm_macs");
        GList *ops = json_object_get_members(g);
        for (GList *o = ops; o; o = o->next) {
            const TsOp *op = ts_workload_find_op(w, o->data);
            CU_ASSERT_PTR_NOT_NULL_FATAL(op);
            CU_ASSERT_EQUAL(op->macs * op->count, (uint64_t)json_object_get_int_member(g, o->data));
        }
        g_list_free(ops);
        n++;
    }
    g_list_free(keys);
    CU_ASSERT_TRUE(n >= 7);
}

/* ---- Timeloop problem files ---- */

static GPtrArray *yaml_files(const char *dir)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *n;
    while (d && (n = g_dir_read_name(d)) != NULL) {
        if (g_str_has_suffix(n, ".yaml"))
            g_ptr_array_add(files, g_build_filename(dir, n, NULL));
    }
    if (d)
        g_dir_close(d);
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0); /* deterministic order */
    return files;
}

static TsWorkload *load_or_report(const char *path, const TsWorkloadOverrides *ov)
{
    g_autoptr(GError) error = NULL;
    TsWorkload *w = ts_workload_load(path, ov, &error);
    if (w == NULL)
        fprintf(stderr, "\n  %s: %s\n", path, error->message);
    CU_ASSERT_PTR_NOT_NULL(w);
    return w;
}

static void test_timeloop_prob_files(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *dir = ts_test_reference_path("timeloop/prob");
    g_autoptr(GPtrArray) files = yaml_files(dir);
    CU_ASSERT_TRUE(files->len >= 7);
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        g_autoptr(TsWorkload) w = load_or_report(path, NULL);
        if (w == NULL)
            continue;
        CU_ASSERT_EQUAL(ts_workload_n_ops(w), 1);
        const TsOp *op = ts_workload_op(w, 0);
        CU_ASSERT_TRUE(op->precision_is_default);
        /* The file's own comment "# MACs = N", when present. */
        g_autofree char *text = NULL;
        g_file_get_contents(path, &text, NULL, NULL);
        const char *m = strstr(text, "# MACs = ");
        if (m != NULL)
            CU_ASSERT_EQUAL(op->macs, g_ascii_strtoull(m + 9, NULL, 10));
        /* GEMM files: M N K with Weights[K,N], Inputs[M,K], Outputs[M,N]. */
        if (ts_op_find_dim(op, "M") >= 0) {
            CU_ASSERT_STRING_EQUAL(op->dim_names[0], "M");
            CU_ASSERT_STRING_EQUAL(op->dim_names[2], "K");
            CU_ASSERT_EQUAL(ts_op_tensor_elements(op, 0), dim(op, "K") * dim(op, "N"));
            CU_ASSERT_EQUAL(ts_op_tensor_elements(op, 1), dim(op, "M") * dim(op, "K"));
            CU_ASSERT_EQUAL(ts_op_tensor_elements(op, 2), dim(op, "M") * dim(op, "N"));
            CU_ASSERT_EQUAL(op->output, 2);
        }
    }
    /* The CNN-layer form of the Q projection: the file's dimension order, Timeloop's
     * projections, the same MACs and tensor sizes as bert_qkv. */
    g_autofree char *conv = ts_test_reference_path("timeloop/prob/bert_qkv_as_conv.prob.yaml");
    g_autoptr(TsWorkload) w = load_or_report(conv, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *op = ts_workload_op(w, 0);
    static const char *const order[] = {"C", "K", "R", "S", "N", "P", "Q"};
    CU_ASSERT_EQUAL_FATAL(op->n_dims, 7);
    for (guint i = 0; i < 7; i++)
        CU_ASSERT_STRING_EQUAL(op->dim_names[i], order[i]);
    CU_ASSERT_STRING_EQUAL(op->name, "bert_qkv_as_conv");
    CU_ASSERT_EQUAL(op->macs, G_GUINT64_CONSTANT(75497472));
    int in = ts_op_find_tensor(op, "Inputs");
    CU_ASSERT_EQUAL(op->tensors[in].ranks[2].n_terms, 2);
    CU_ASSERT_EQUAL(ts_op_rank_extent(op, (guint)in, 2), 128); /* R + P - 1 */
    CU_ASSERT_EQUAL(ts_op_tensor_elements(op, (guint)in), 128u * 768u);
    CU_ASSERT_EQUAL(ts_op_tensor_elements(op, 0), 768u * 768u);
    CU_ASSERT_EQUAL(op->output, 2);
}

/* Experiments' layer files at BERT-base seq 128 (the built-in variable defaults) against the
 * builder's ops: same D/E/L and, for the GEMMs, the same MACs. */
static void test_experiments_layers(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsWorkload) bert = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bert);
    static const char *const dirs[] = {"transformer_gemmini/layers", "transformer_pim/layers"};
    guint loaded = 0;
    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autofree char *rel = g_build_filename("timeloop-experiments", dirs[d], NULL);
        g_autofree char *dir = ts_test_reference_path(rel);
        g_autoptr(GPtrArray) files = yaml_files(dir);
        CU_ASSERT_TRUE(files->len >= 8);
        for (guint i = 0; i < files->len; i++) {
            g_autoptr(TsWorkload) w = load_or_report(g_ptr_array_index(files, i), NULL);
            if (w == NULL)
                continue;
            loaded++;
            const TsOp *op = ts_workload_op(w, 0);
            const TsOp *ref = ts_workload_find_op(bert, op->name);
            if (ref == NULL)
                continue; /* MB, Square: not layer ops */
            CU_ASSERT_EQUAL(dim(op, "D"),
                            ref->kind == TS_OP_ELEMENTWISE ? ref->passes : dim(ref, "D"));
            CU_ASSERT_EQUAL(dim(op, "E"), dim(ref, "E"));
            CU_ASSERT_EQUAL(dim(op, "L"), dim(ref, "L"));
            if (ref->kind == TS_OP_EINSUM) {
                CU_ASSERT_EQUAL(op->macs, ref->macs);
                /* Same tensor sizes through the 8-dim CNN form. */
                for (guint t = 0; t < 3; t++) {
                    int u = ts_op_find_tensor(op, ref->tensors[t].name);
                    CU_ASSERT_TRUE_FATAL(u >= 0);
                    CU_ASSERT_EQUAL(ts_op_tensor_elements(op, (guint)u),
                                    ts_op_tensor_elements(ref, t));
                }
            } else {
                CU_ASSERT_EQUAL(op->macs, dim(op, "L") * dim(op, "E") * dim(op, "D"));
            }
        }
    }
    fprintf(stderr, "\n  loaded %u timeloop-experiments layer files\n", loaded);
    /* The softmax file in Timeloop form equals the builder's einsum form of softmax. */
    TsTransformerConfig cfg;
    ts_transformer_config_init(&cfg, "bert-base", NULL);
    cfg.nonlinear = TS_NONLINEAR_EINSUM;
    g_autoptr(TsWorkload) eins = ts_transformer_build("x", &cfg, &error);
    g_autofree char *smf = ts_test_reference_path(
        "timeloop-experiments/transformer_gemmini/layers/softmax_layer.yaml");
    g_autoptr(TsWorkload) sm = load_or_report(smf, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sm);
    CU_ASSERT_EQUAL(ts_workload_op(sm, 0)->macs, ts_workload_find_op(eins, "softmax")->macs);
}

static void test_experiments_subfolders(void)
{
    TS_TEST_REQUIRE_SHARED();
    static const char *const dirs[] = {
        "transformer_gemmini/layers/old", "transformer_pim/layers/old",
        "transformer_gemmini/layers/conv_benchmarks", "transformer_gemmini/layers/resnet",
        "transformer_gemmini/layers/vgg"};
    guint loaded = 0;
    for (guint d = 0; d < G_N_ELEMENTS(dirs); d++) {
        g_autofree char *rel = g_build_filename("timeloop-experiments", dirs[d], NULL);
        g_autofree char *dir = ts_test_reference_path(rel);
        g_autoptr(GPtrArray) files = yaml_files(dir);
        for (guint i = 0; i < files->len; i++) {
            g_autoptr(TsWorkload) w = load_or_report(g_ptr_array_index(files, i), NULL);
            loaded += w != NULL;
        }
    }
    fprintf(stderr, "\n  loaded %u files from old/, conv_benchmarks/, resnet/, vgg/\n", loaded);
    CU_ASSERT_TRUE(loaded >= 50);
    /* ResNet conv1: 7x7 stride 2 over 224x224 -> 112x112: input extent 2*111 + 6 + 1 = 229. */
    g_autofree char *r0 = ts_test_reference_path(
        "timeloop-experiments/transformer_gemmini/layers/resnet/resnetL0_layer.yaml");
    g_autoptr(TsWorkload) w = load_or_report(r0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    const TsOp *op = ts_workload_op(w, 0);
    int in = ts_op_find_tensor(op, "Inputs");
    CU_ASSERT_EQUAL(ts_op_tensor_elements(op, (guint)in), 3u * 229u * 229u);
    CU_ASSERT_EQUAL(op->macs, 7u * 7u * 112u * 112u * 3u * 64u);
}

/* Timeloop's stats of the experiments' KQV and VScores (BERT-large, seq 4096, the gemmini
 * variables file): Computes = our MACs; the largest partition of each data space = the whole
 * tensor. */
static void test_against_timeloop_stats(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *vars =
        ts_test_reference_path("timeloop-experiments/transformer_gemmini/mapper/variables.yaml");
    g_autofree char *dir = ts_test_reference_path("timeloop-experiments/results_against_ff");
    GDir *d = g_dir_open(dir, 0, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    while ((n = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(n, "stats_") && g_str_has_suffix(n, ".txt"))
            g_ptr_array_add(names, g_strdup(n));
    }
    g_dir_close(d);
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    guint checked = 0;
    for (guint i = 0; i < names->len; i++) {
        const char *file = g_ptr_array_index(names, i);
        g_autofree char *layer = g_strndup(file + 6, strcspn(file + 6, "_"));
        g_autofree char *rel =
            g_strdup_printf("timeloop-experiments/transformer_gemmini/layers/%s_layer.yaml", layer);
        g_autofree char *prob = ts_test_reference_path(rel);
        TsWorkloadOverrides ov = {.variables_file = vars};
        g_autoptr(TsWorkload) w = load_or_report(prob, &ov);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        const TsOp *op = ts_workload_op(w, 0);
        g_autofree char *path = g_build_filename(dir, file, NULL);
        g_autofree char *text = NULL;
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
        g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
        guint64 computes = 0, partition[TS_MAX_TENSORS] = {0};
        int current = -1;
        for (guint k = 0; lines[k]; k++) {
            const char *l = lines[k];
            g_autofree char *trimmed = g_strstrip(g_strdup(l));
            if (g_str_has_prefix(trimmed, "Computes (total)"))
                computes = g_ascii_strtoull(strchr(trimmed, ':') + 1, NULL, 10);
            if (g_str_has_suffix(trimmed, ":") && strchr(trimmed, ' ') == NULL) {
                trimmed[strlen(trimmed) - 1] = '\0';
                current = ts_op_find_tensor(op, trimmed);
            }
            if (current >= 0 && g_str_has_prefix(trimmed, "Partition size")) {
                guint64 v = g_ascii_strtoull(strchr(trimmed, ':') + 1, NULL, 10);
                partition[current] = MAX(partition[current], v);
            }
        }
        CU_ASSERT_EQUAL(op->macs, computes);
        for (guint t = 0; t < op->n_tensors; t++)
            CU_ASSERT_EQUAL(ts_op_tensor_elements(op, t), partition[t]);
        checked++;
    }
    g_ptr_array_free(names, TRUE);
    fprintf(stderr, "\n  checked %u Timeloop stats files\n", checked);
    CU_ASSERT_TRUE(checked >= 10);
}

int main(int argc, char **argv)
{
    g_setenv("TILESIM_WORKLOAD_PATH", "", TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("workloads_golden", NULL, NULL);
    CU_add_test(s, "model_op_table", test_model_op_table);
    CU_add_test(s, "model_summary", test_model_summary);
    CU_add_test(s, "timeloop_prob_files", test_timeloop_prob_files);
    CU_add_test(s, "experiments_layers", test_experiments_layers);
    CU_add_test(s, "experiments_subfolders", test_experiments_subfolders);
    CU_add_test(s, "against_timeloop_stats", test_against_timeloop_stats);
    if (ts_test_shared_dir() == NULL)
        ts_test_skip_all("../shared/reference not found (set TILESIM_SHARED)");
    return ts_test_run(argc, argv);
}
