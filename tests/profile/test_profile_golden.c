/* Golden test of the profile engine against the UPMEM LLM profiler's own results
 * (../shared/reference/upmem/golden_bert_layers.csv: its functions on BERT-base/large KQV,
 * Out, FF1, FF2 and softmax at M in {1, 128, 512} on six device profiles, bf16): every row,
 * every column (time, compute, memory, energies, host transfers and their energies, bound)
 * within 0.1%, through the library and, for one device, through `tilesim simulate --json`. */
#include "ts-profile.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ts-test.h"

#define TOL 1e-3 /* 0.1% */

static gboolean close_to(double got, double want)
{
    if (want == 0.0)
        return fabs(got) < 1e-9;
    return fabs(got - want) <= TOL * fabs(want);
}

typedef struct {
    GPtrArray *row;
    const char *device, *model, *op;
    guint64 seq;
} TsRowKey;

static const char *cell(GPtrArray *row, int col)
{
    return g_ptr_array_index(row, (guint)col);
}

static void check(const TsRowKey *k, const char *what, double got, const char *want_text,
                  guint *checked)
{
    if (want_text[0] == '\0')
        return;
    double want = g_ascii_strtod(want_text, NULL);
    (*checked)++;
    if (!close_to(got, want)) {
        fprintf(stderr, "\n  %s %s seq %" G_GUINT64_FORMAT " %s: %s = %.10g, profiler %.10g\n",
                k->device, k->model, k->seq, k->op, what, got, want);
        CU_FAIL("profile engine differs from golden_bert_layers.csv by more than 0.1%");
    }
}

/* The layer of model at seq on device, run alone on it (cached across rows). */
typedef struct {
    char *key;
    TsWorkload *w;
    TsProfileMap *map;
    TsProfileLayerResult r;
} TsLayerCache;

static void cache_clear(TsLayerCache *c)
{
    g_free(c->key);
    ts_workload_free(c->w);
    ts_profile_map_free(c->map);
    ts_profile_layer_result_clear(&c->r);
    memset(c, 0, sizeof *c);
}

static const TsProfileStep *find_step(const TsProfileLayerResult *r, const char *name)
{
    for (guint i = 0; i < r->n_steps; i++) {
        if (strcmp(r->steps[i].op->name, name) == 0)
            return &r->steps[i];
    }
    return NULL;
}

static void test_golden_rows(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *csv = ts_test_reference_path("upmem/golden_bert_layers.csv");
    g_autofree char *devfile = ts_test_reference_path("upmem/sim_architectures.yaml");
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &text, NULL, NULL));
    g_autoptr(TsProfileDevices) devs = ts_profile_devices_new();
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_profile_devices_add_file(devs, devfile, &error));
    CU_ASSERT_EQUAL(ts_profile_devices_n(devs), 29);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *h = ts_test_csv_split(lines[0]);
    int c_dev = ts_test_csv_column(h, "device"), c_dtb = ts_test_csv_column(h, "data_type_bytes"),
        c_model = ts_test_csv_column(h, "model"), c_seq = ts_test_csv_column(h, "seq"),
        c_op = ts_test_csv_column(h, "op"), c_m = ts_test_csv_column(h, "M"),
        c_k = ts_test_csv_column(h, "K"), c_n = ts_test_csv_column(h, "N"),
        c_time = ts_test_csv_column(h, "time_ns"), c_comp = ts_test_csv_column(h, "compute_ns"),
        c_mem = ts_test_csv_column(h, "mem_ns"), c_ec = ts_test_csv_column(h, "energy_compute_pJ"),
        c_em = ts_test_csv_column(h, "energy_mem_pJ"), c_h2d = ts_test_csv_column(h, "h2d_ns"),
        c_h2dp = ts_test_csv_column(h, "h2d_pJ"), c_d2h = ts_test_csv_column(h, "d2h_ns"),
        c_d2hp = ts_test_csv_column(h, "d2h_pJ"), c_bound = ts_test_csv_column(h, "bound");
    g_ptr_array_unref(h);
    TsProfileOptions opt = {TS_PROFILE_COMPAT, FALSE};
    TsLayerCache cache = {0};
    guint rows = 0, checked = 0;
    for (guint i = 1; lines[i]; i++) {
        if (lines[i][0] == '\0')
            continue;
        GPtrArray *row = ts_test_csv_split(lines[i]);
        TsRowKey k = {row, cell(row, c_dev), cell(row, c_model), cell(row, c_op),
                      g_ascii_strtoull(cell(row, c_seq), NULL, 10)};
        CU_ASSERT_STRING_EQUAL(cell(row, c_dtb), "2.0"); /* bf16 */
        g_autofree char *key =
            g_strdup_printf("%s/%s/%" G_GUINT64_FORMAT, k.device, k.model, k.seq);
        if (cache.key == NULL || strcmp(cache.key, key) != 0) {
            cache_clear(&cache);
            cache.key = g_strdup(key);
            TsWorkloadOverrides ov = {.seq = k.seq, .precision = "bf16"};
            cache.w = ts_workload_load(k.model, &ov, &error);
            CU_ASSERT_PTR_NOT_NULL_FATAL(cache.w);
            /* the profiler spells devices with hyphens in its mappings */
            g_autofree char *hy = g_strdup(k.device);
            g_strdelimit(hy, "_", '-');
            cache.map = ts_profile_map_new(hy, devs, &error);
            CU_ASSERT_PTR_NOT_NULL_FATAL(cache.map);
            CU_ASSERT_TRUE_FATAL(
                ts_profile_run_layer(cache.w, cache.map, NULL, &opt, &cache.r, &error));
        }
        /* "softmax[1,12,S,S]": the layer's softmax over all heads */
        const char *name = g_str_has_prefix(k.op, "softmax") ? "softmax" : k.op;
        const TsProfileStep *st = find_step(&cache.r, name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(st);
        const TsProfileOpCost *c = &st->cost;
        CU_ASSERT_STRING_EQUAL(st->placement.device->name, k.device);
        if (cell(row, c_m)[0] != '\0') {
            /* the GEMM shape M x K x N of the table */
            int e = ts_op_find_dim(st->op, "E"), d = ts_op_find_dim(st->op, "D"),
                l = ts_op_find_dim(st->op, "L");
            CU_ASSERT_EQUAL(st->op->dims[l], g_ascii_strtoull(cell(row, c_m), NULL, 10));
            CU_ASSERT_EQUAL(st->op->dims[e], g_ascii_strtoull(cell(row, c_k), NULL, 10));
            CU_ASSERT_EQUAL(st->op->dims[d], g_ascii_strtoull(cell(row, c_n), NULL, 10));
        }
        check(&k, "time_ns", c->time_ns, cell(row, c_time), &checked);
        check(&k, "compute_ns", c->compute_ns, cell(row, c_comp), &checked);
        check(&k, "mem_ns", c->mem_ns, cell(row, c_mem), &checked);
        check(&k, "energy_compute_pJ", c->energy_compute_pj, cell(row, c_ec), &checked);
        check(&k, "energy_mem_pJ", c->energy_mem_pj, cell(row, c_em), &checked);
        check(&k, "h2d_ns", c->h2d_ns, cell(row, c_h2d), &checked);
        check(&k, "h2d_pJ", c->h2d_pj, cell(row, c_h2dp), &checked);
        check(&k, "d2h_ns", c->d2h_ns, cell(row, c_d2h), &checked);
        check(&k, "d2h_pJ", c->d2h_pj, cell(row, c_d2hp), &checked);
        const char *bound = cell(row, c_bound);
        if (bound[0] != '\0') {
            checked++;
            CU_ASSERT_STRING_EQUAL(c->bound, bound);
        }
        rows++;
        g_ptr_array_unref(row);
    }
    cache_clear(&cache);
    CU_ASSERT_EQUAL(rows, 156);
    CU_ASSERT(checked > 1300);
}

/* The contract path: `tilesim simulate --engine profile --json` on one device and size. */
static void test_golden_cli_json(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *devfile = ts_test_reference_path("upmem/sim_architectures.yaml");
    const char *args[] = {"simulate",   "--arch",     devfile,   "--device", "PIM-AI-4chip",
                          "--workload", "bert-large", "--seq",   "512",      "--precision",
                          "bf16",       "--engine",   "profile", "--json",   "-",
                          "--quiet",    NULL};
    g_autofree char *out = NULL, *err = NULL;
    int status = ts_test_tilesim(args, &out, &err);
    if (status < 0) {
        fprintf(stderr, "SKIP %s: TILESIM_BIN not set\n", __func__);
        return;
    }
    if (status != 0)
        fprintf(stderr, "%s", err);
    CU_ASSERT_EQUAL_FATAL(status, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, out, -1, &error));
    JsonObject *root = json_node_get_object(json_parser_get_root(p));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "engine"), "profile");
    JsonArray *ops = json_object_get_array_member(root, "ops");
    /* PIM_AI_4chip,2.0,bert-large,512,FF2,512,4096,1024: the table's row */
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        if (strcmp(json_object_get_string_member(o, "name"), "FF2") != 0)
            continue;
        found = TRUE;
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "profile");
        CU_ASSERT(close_to(json_object_get_double_member(o, "time_ns"), 214748.3648));
        CU_ASSERT(close_to(json_object_get_double_member(o, "compute_ns"), 214748.3648));
        CU_ASSERT(close_to(json_object_get_double_member(o, "mem_ns"), 20480.0));
        CU_ASSERT(close_to(json_object_get_double_member(o, "energy_compute_pj"), 1717986918.4));
        CU_ASSERT(close_to(json_object_get_double_member(o, "energy_mem_pj"), 63753420.8));
        CU_ASSERT(close_to(json_object_get_double_member(o, "h2d_ns"), 327680.0));
        CU_ASSERT(close_to(json_object_get_double_member(o, "d2h_ns"), 20480.0));
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "bound"), "compute");
        CU_ASSERT_TRUE(json_object_has_member(o, "totals"));
        CU_ASSERT_TRUE(json_object_has_member(o, "levels"));
    }
    CU_ASSERT_TRUE(found);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("profile_golden", NULL, NULL);
    CU_add_test(s, "every row of golden_bert_layers.csv", test_golden_rows);
    CU_add_test(s, "simulate --engine profile --json", test_golden_cli_json);
    if (ts_test_shared_dir() == NULL)
        ts_test_skip_all("../shared/reference not found (set TILESIM_SHARED)");
    return ts_test_run(argc, argv);
}
