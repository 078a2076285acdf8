/* Golden tests against SCALE-Sim v2 (../shared/reference/scalesim/): its own configuration and
 * topology files through ts_scalesim_*_load and ts_systolic_run. The stall-free 32x32 OS, WS and
 * IS runs must match every cycle and access count, the bandwidth-limited 32x32 IS run (10
 * words/cycle) its cycles, stall cycles and access counts; utilisations match to the 3 decimals
 * SCALE-Sim prints. Also runs `tilesim scalesim --json` on one of them. */
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "ts-scalesim.h"
#include "ts-systolic-component.h"
#include "ts-test.h"

/* Reference rows keyed by "run/layer": the CSV fields by column name. */
typedef struct {
    GHashTable *rows; /* char* key -> GHashTable (column -> value) */
} RefTable;

static gboolean load_table(RefTable *t, const char *rel)
{
    g_autofree char *path = ts_test_reference_path(rel);
    g_autofree char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_auto(GStrv) head = g_strsplit(lines[0], ",", -1);
    for (guint i = 1; lines[i]; i++) {
        if (*g_strstrip(lines[i]) == '\0')
            continue;
        g_auto(GStrv) f = g_strsplit(lines[i], ",", -1);
        GHashTable *row = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        for (guint c = 0; head[c] && f[c]; c++)
            g_hash_table_insert(row, g_strdup(g_strstrip(head[c])), g_strdup(g_strstrip(f[c])));
        char *key = g_strdup_printf("%s/%s", (char *)g_hash_table_lookup(row, "run"),
                                    (char *)g_hash_table_lookup(row, "layer"));
        g_hash_table_insert(t->rows, key, row);
    }
    return TRUE;
}

static guint64 col_u(GHashTable *row, const char *c)
{
    const char *v = g_hash_table_lookup(row, c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return g_ascii_strtoull(v, NULL, 10);
}

static double col_d(GHashTable *row, const char *c)
{
    const char *v = g_hash_table_lookup(row, c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    return g_ascii_strtod(v, NULL);
}

#define CHECK_EQ(what, ours, theirs)                                                               \
    do {                                                                                           \
        if ((ours) != (theirs))                                                                    \
            fprintf(stderr, "\n%s %s: %s %" G_GUINT64_FORMAT " vs SCALE-Sim %" G_GUINT64_FORMAT,   \
                    run, l->name, what, (guint64)(ours), (guint64)(theirs));                       \
        CU_ASSERT_EQUAL(ours, theirs);                                                             \
    } while (0)

static void check_run(RefTable *t, const char *cfg_rel, gboolean all_counts)
{
    g_autofree char *cfg_path = ts_test_reference_path(cfg_rel);
    g_autofree char *topo_path = ts_test_reference_path("scalesim/bert_base_s128.csv");
    g_autoptr(GError) err = NULL;
    g_autoptr(TsScaleSimConfig) cfg = ts_scalesim_config_load(cfg_path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
    g_autoptr(TsScaleSimTopology) topo =
        ts_scalesim_topology_load(topo_path, TS_SCALESIM_TOPO_GEMM, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(topo);
    CU_ASSERT_EQUAL(topo->layers->len, 6);
    TsSystolicConfig sc;
    ts_systolic_config_from_scalesim(cfg, &sc);
    const char *run = cfg->run_name;
    for (guint i = 0; i < topo->layers->len; i++) {
        const TsScaleSimLayer *l = topo->layers->pdata[i];
        g_autofree char *key = g_strdup_printf("%s/%s", run, l->name);
        GHashTable *row = g_hash_table_lookup(t->rows, key);
        CU_ASSERT_PTR_NOT_NULL_FATAL(row);
        TsSystolicLayer layer = ts_systolic_layer_from_scalesim(l);
        TsSystolicResult r;
        CU_ASSERT_TRUE_FATAL(ts_systolic_run(&sc, &layer, &r, &err));
        CHECK_EQ("total_cycles", r.cycles, col_u(row, "total_cycles"));
        CHECK_EQ("stall_cycles", r.stall_cycles, col_u(row, "stall_cycles"));
        CHECK_EQ("MACs", r.macs, col_u(row, "MACs"));
        if (all_counts) {
            CHECK_EQ("sram_ifmap_reads", r.sram_ifmap_reads, col_u(row, "sram_ifmap_reads"));
            CHECK_EQ("sram_filter_reads", r.sram_filter_reads, col_u(row, "sram_filter_reads"));
            CHECK_EQ("sram_ofmap_writes", r.sram_ofmap_writes, col_u(row, "sram_ofmap_writes"));
            CHECK_EQ("dram_ifmap_reads", r.dram_ifmap_reads, col_u(row, "dram_ifmap_reads"));
            CHECK_EQ("dram_filter_reads", r.dram_filter_reads, col_u(row, "dram_filter_reads"));
            CHECK_EQ("dram_ofmap_writes", r.dram_ofmap_writes, col_u(row, "dram_ofmap_writes"));
        }
        /* SCALE-Sim prints utilisations rounded to 3 decimals */
        CU_ASSERT_DOUBLE_EQUAL(r.overall_util_pct, col_d(row, "overall_util_pct"), 0.0005001);
        CU_ASSERT_DOUBLE_EQUAL(r.mapping_eff_pct, col_d(row, "mapping_eff_pct"), 0.0005001);
        CU_ASSERT_DOUBLE_EQUAL(r.compute_util_pct, col_d(row, "compute_util_pct"), 0.0005001);
    }
}

static RefTable calc, user;

static void test_calc(void)
{
    check_run(&calc, "scalesim/configs/sa32x32_os_calc.cfg", TRUE);
    check_run(&calc, "scalesim/configs/sa32x32_ws_calc.cfg", TRUE);
    check_run(&calc, "scalesim/configs/sa32x32_is_calc.cfg", TRUE);
}

static void test_user(void)
{
    check_run(&user, "scalesim/configs/sa32x32_is_user_bw10.cfg", TRUE);
}

/* The command writes the same figures under the JSON keys of docs/cli.md. */
static void test_cli_json(void)
{
    if (g_getenv("TILESIM_BIN") == NULL) {
        fprintf(stderr, "SKIP: TILESIM_BIN not set\n");
        return;
    }
    g_autofree char *cfg = ts_test_reference_path("scalesim/configs/sa32x32_ws_calc.cfg");
    g_autofree char *topo = ts_test_reference_path("scalesim/bert_base_s128.csv");
    g_autofree char *dir = g_dir_make_tmp("tilesim-scalesim-XXXXXX", NULL);
    g_autofree char *json = g_build_filename(dir, "out.json", NULL);
    const char *argv[] = {"scalesim", "--config",       cfg, "--topology", topo, "--json",
                          json,       "--reproducible", NULL};
    g_autofree char *out = NULL;
    CU_ASSERT_EQUAL_FATAL(ts_test_tilesim(argv, &out, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "FF1"));
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p, json, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(p));
    JsonArray *layers = json_object_get_array_member(root, "layers");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(layers), 6);
    GHashTable *row = g_hash_table_lookup(calc.rows, "sa32x32_ws_calc/FF1");
    JsonObject *ff1 = json_array_get_object_element(layers, 4);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(ff1, "name"), "FF1");
    static const char *const keys[] = {
        "stall_cycles",     "sram_ifmap_reads",  "sram_filter_reads", "sram_ofmap_writes",
        "dram_ifmap_reads", "dram_filter_reads", "dram_ofmap_writes", NULL};
    for (guint i = 0; keys[i]; i++)
        CU_ASSERT_EQUAL((guint64)json_object_get_int_member(ff1, keys[i]), col_u(row, keys[i]));
    CU_ASSERT_EQUAL((guint64)json_object_get_int_member(ff1, "cycles"), col_u(row, "total_cycles"));
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ff1, "overall_util_pct"),
                           col_d(row, "overall_util_pct"), 0.0005001);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ff1, "mapping_eff_pct"), 100.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ff1, "compute_util_pct"),
                           col_d(row, "compute_util_pct"), 0.0005001);
    g_unlink(json);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    g_autofree char *dir = ts_test_reference_path("scalesim");
    if (!dir || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        ts_test_skip_all("../shared/reference/scalesim not found (set TILESIM_SHARED)");
        return ts_test_run(argc, argv);
    }
    calc.rows =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
    user.rows =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
    load_table(&calc, "scalesim/results_32x32_calc.csv");
    load_table(&user, "scalesim/results_32x32_is_user_bw10.csv");
    CU_pSuite s = CU_add_suite("systolic_golden", NULL, NULL);
    CU_add_test(s, "calc_32x32_os_ws_is", test_calc);
    CU_add_test(s, "user_32x32_is_bw10", test_user);
    CU_add_test(s, "cli_json", test_cli_json);
    int rc = ts_test_run(argc, argv);
    g_hash_table_unref(calc.rows);
    g_hash_table_unref(user.rows);
    return rc;
}
