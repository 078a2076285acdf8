/* SCALE-Sim input files: a good configuration and topology of each kind load with SCALE-Sim's
 * meaning; every bad one is rejected with TS_CONFIG_ERROR naming file:line(:col) and the key. */
#include <string.h>

#include <glib/gstdio.h>

#include "ts-config.h"
#include "ts-scalesim.h"
#include "ts-test.h"

static char *tmpdir;

static char *write_tmp(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

#define GOOD_ARCH                                                                                  \
    "[general]\nrun_name = t\n\n[architecture_presets]\nArrayHeight:    8\nArrayWidth:     4\n"    \
    "IfmapSramSzkB:   2\nFilterSramSzkB:  3\nOfmapSramSzkB:   1\nIfmapOffset:    0\n"              \
    "FilterOffset:   10000000\nOfmapOffset:    20000000\nDataflow : ws\n"

static void test_config_ok(void)
{
    g_autofree char *p = write_tmp("ok.cfg", "# comment\n" GOOD_ARCH "Bandwidth : 16\n"
                                             "MemoryBanks:   1\n\n[run_presets]\n"
                                             "InterfaceBandwidth: USER\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(TsScaleSimConfig) c = ts_scalesim_config_load(p, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->run_name, "t");
    CU_ASSERT_EQUAL(c->rows, 8);
    CU_ASSERT_EQUAL(c->cols, 4);
    CU_ASSERT_EQUAL(c->ifmap_sram_kb, 2);
    CU_ASSERT_EQUAL(c->filter_sram_kb, 3);
    CU_ASSERT_EQUAL(c->ofmap_sram_kb, 1);
    CU_ASSERT_EQUAL(c->dataflow, TS_DATAFLOW_WS);
    CU_ASSERT_TRUE(c->user_bandwidth);
    CU_ASSERT_EQUAL(c->bandwidth, 16);
    CU_ASSERT_EQUAL(c->notes->len, 0);

    g_autofree char *q = write_tmp("calc.cfg", GOOD_ARCH "Bandwidth : 16\n\n[run_presets]\n"
                                                         "InterfaceBandwidth: CALC\n");
    g_autoptr(TsScaleSimConfig) d = ts_scalesim_config_load(q, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_FALSE(d->user_bandwidth);
    CU_ASSERT_EQUAL(d->bandwidth, 0);
    CU_ASSERT_EQUAL(d->notes->len, 1); /* Bandwidth unused in CALC mode */
}

static void expect_config_error(const char *text, int code, const char *needle)
{
    g_autofree char *p = write_tmp("bad.cfg", text);
    g_autoptr(GError) err = NULL;
    g_autoptr(TsScaleSimConfig) c = ts_scalesim_config_load(p, &err);
    CU_ASSERT_PTR_NULL(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_EQUAL(err->domain, TS_CONFIG_ERROR);
    CU_ASSERT_EQUAL(err->code, code);
    if (!strstr(err->message, needle))
        fprintf(stderr, "\nmessage '%s' lacks '%s'\n", err->message, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, needle));
}

static void test_config_errors(void)
{
    const char *run = "\n[run_presets]\nInterfaceBandwidth: CALC\n";
    g_autofree char *a = g_strconcat(GOOD_ARCH, "ArrayHeigth: 4\n", run, NULL);
    expect_config_error(a, TS_CONFIG_ERROR_UNKNOWN_KEY, "bad.cfg:14:1: unknown key 'arrayheigth'");
    g_autofree char *b = g_strconcat(GOOD_ARCH, run, NULL);
    b[strstr(b, "8\n") - b] = 'x';
    expect_config_error(b, TS_CONFIG_ERROR_RANGE,
                        "bad.cfg:5:17: [architecture_presets] "
                        "ArrayHeight must be an integer");
    expect_config_error("[general]\nrun_name = t\n[run_presets]\nInterfaceBandwidth: CALC\n",
                        TS_CONFIG_ERROR_MISSING, "ArrayHeight is missing");
    g_autofree char *c =
        g_strconcat(GOOD_ARCH, "\n[run_presets]\nInterfaceBandwidth: USER\n", NULL);
    expect_config_error(c, TS_CONFIG_ERROR_MISSING, "Bandwidth is missing");
    g_autofree char *d =
        g_strconcat(GOOD_ARCH, "\n[run_presets]\nInterfaceBandwidth: user\n", NULL);
    expect_config_error(d, TS_CONFIG_ERROR_RANGE, "InterfaceBandwidth must be USER or CALC");
    g_autofree char *e = g_strconcat(GOOD_ARCH, run, NULL);
    char *ws = strstr(e, "ws");
    ws[0] = 'r';
    expect_config_error(e, TS_CONFIG_ERROR_RANGE, "Dataflow must be os, ws or is (got 'rs')");
    g_autofree char *f = g_strconcat(GOOD_ARCH, "Bandwidth: 10,10\nMemoryBanks: 2\n",
                                     "\n[run_presets]\nInterfaceBandwidth: USER\n", NULL);
    expect_config_error(f, TS_CONFIG_ERROR_RANGE, "only one memory bank is modelled");
    g_autofree char *g = g_strconcat(GOOD_ARCH, run, "[layout]\nIfmapCustomLayout: False\n", NULL);
    expect_config_error(g, TS_CONFIG_ERROR_UNKNOWN_KEY, "[layout]");
    g_autofree char *h = g_strconcat(GOOD_ARCH, run, "[sparsity]\nSparsitySupport : true\n", NULL);
    expect_config_error(h, TS_CONFIG_ERROR_RANGE, "sparse operands are not modelled");
    g_autofree char *i = g_strconcat(GOOD_ARCH, "DataFlow : os\n", run, NULL);
    expect_config_error(i, TS_CONFIG_ERROR_DUPLICATE, "dataflow is already set on line 13");
    expect_config_error("run_name = t\n", TS_CONFIG_ERROR_SYNTAX, "before any [section]");
    g_autofree char *j = g_strconcat(GOOD_ARCH, run, "[general]\n", NULL);
    expect_config_error(j, TS_CONFIG_ERROR_DUPLICATE, "section [general] appears twice");
    g_autofree char *k = g_strconcat(GOOD_ARCH, "IfmapOffset2\n", run, NULL);
    expect_config_error(k, TS_CONFIG_ERROR_SYNTAX, "bad.cfg:14:1: expected 'key = value'");
    g_autofree char *l = g_strconcat(GOOD_ARCH, run, NULL);
    memcpy(strstr(l, "IfmapOffset:    0"), "IfmapOffset:   -1", 17);
    expect_config_error(l, TS_CONFIG_ERROR_RANGE, "IfmapOffset must be an integer in 0..");
    g_autofree char *m = g_strconcat(GOOD_ARCH, run, "[unknown]\nx = 1\n", NULL);
    expect_config_error(m, TS_CONFIG_ERROR_UNKNOWN_KEY, "unknown section [unknown]");
    g_autofree char *n = g_strconcat(GOOD_ARCH, run, "UseRamulatorTrace: True\n", NULL);
    expect_config_error(n, TS_CONFIG_ERROR_RANGE, "Ramulator");
    g_autoptr(GError) err = NULL;
    CU_ASSERT_PTR_NULL(ts_scalesim_config_load("/nonexistent/x.cfg", &err));
    CU_ASSERT_TRUE(g_error_matches(err, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO));
}

static void test_topology_ok(void)
{
    g_autofree char *p = write_tmp("g.csv", "Layer, M, N, K,\nA, 4, 5, 6,\n\nB,7,8,9,\n");
    g_autoptr(GError) err = NULL;
    g_autoptr(TsScaleSimTopology) t = ts_scalesim_topology_load(p, TS_SCALESIM_TOPO_AUTO, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->format, TS_SCALESIM_TOPO_GEMM);
    CU_ASSERT_EQUAL(t->layers->len, 2);
    const TsScaleSimLayer *a = t->layers->pdata[0];
    CU_ASSERT_STRING_EQUAL(a->name, "A");
    CU_ASSERT_EQUAL(a->line, 2);
    /* M x K ifmap, 1 x K filter, N filters */
    CU_ASSERT_TRUE(a->ifmap_h == 4 && a->ifmap_w == 6 && a->filter_h == 1 && a->filter_w == 6 &&
                   a->channels == 1 && a->num_filters == 5 && a->stride_h == 1);
    g_autofree char *q = write_tmp("c.csv", "Layer name, IFMAP height, IFMAP width, Filter "
                                            "height, Filter width, Channels, Num filter, Stride "
                                            "height,\nConv1, 10, 12, 3, 3, 4, 8, 2,\n"
                                            "DP2, 6, 6, 3, 3, 3, 1, 1, 1,\n");
    g_autoptr(TsScaleSimTopology) c = ts_scalesim_topology_load(q, TS_SCALESIM_TOPO_AUTO, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->format, TS_SCALESIM_TOPO_CONV);
    CU_ASSERT_EQUAL(c->layers->len, 4); /* the depthwise row: one layer per channel */
    const TsScaleSimLayer *c1 = c->layers->pdata[0], *d2 = c->layers->pdata[3];
    CU_ASSERT_TRUE(c1->stride_h == 2 && c1->stride_w == 2 && c1->channels == 4);
    CU_ASSERT_STRING_EQUAL(d2->name, "DP2Channel_2");
    CU_ASSERT_EQUAL(d2->channels, 1);
}

static void expect_topo_error(const char *text, TsScaleSimTopoFormat f, const char *needle)
{
    g_autofree char *p = write_tmp("bad.csv", text);
    g_autoptr(GError) err = NULL;
    g_autoptr(TsScaleSimTopology) t = ts_scalesim_topology_load(p, f, &err);
    CU_ASSERT_PTR_NULL(t);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_EQUAL(err->domain, TS_CONFIG_ERROR);
    if (!strstr(err->message, needle))
        fprintf(stderr, "\nmessage '%s' lacks '%s'\n", err->message, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, needle));
}

static void test_topology_errors(void)
{
    expect_topo_error("Layer,M,N,K,\nA,4,5,6\n", TS_SCALESIM_TOPO_AUTO,
                      "bad.csv:2:7: row does not end with ','");
    expect_topo_error("Layer,M,N,K,\nA,4,x,6,\n", TS_SCALESIM_TOPO_AUTO,
                      "bad.csv:2:5: N must be an integer >= 1 (got 'x')");
    expect_topo_error("Layer,M,N,K,\nA,4,0,6,\n", TS_SCALESIM_TOPO_AUTO, "N must be");
    expect_topo_error("Layer,M,N,K,\nA,4,5,\n", TS_SCALESIM_TOPO_AUTO, "bad.csv:2:1: 3 fields");
    expect_topo_error("Layer,M,N,K,\nA,4,5,6,\nB,1,2,3,4,5,6,7,\n", TS_SCALESIM_TOPO_AUTO,
                      "bad.csv:3:1: 8 fields where this GEMM topology needs 4");
    expect_topo_error("h,\nA,4,5,6,\n", TS_SCALESIM_TOPO_CONV, "needs 8 or 9");
    expect_topo_error("h,\nC,4,4,5,3,1,1,1,\n", TS_SCALESIM_TOPO_AUTO,
                      "bad.csv:2:1: filter 5x3 is larger than the ifmap 4x4");
    expect_topo_error("Layer,M,N,K,\n\n", TS_SCALESIM_TOPO_AUTO, "no layers");
}

int main(int argc, char **argv)
{
    tmpdir = g_dir_make_tmp("tilesim-scalesim-XXXXXX", NULL);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("scalesim_input", NULL, NULL);
    CU_add_test(s, "config_ok", test_config_ok);
    CU_add_test(s, "config_errors", test_config_errors);
    CU_add_test(s, "topology_ok", test_topology_ok);
    CU_add_test(s, "topology_errors", test_topology_errors);
    int rc = ts_test_run(argc, argv);
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    return rc;
}
