/* The analytical model on architectures loaded from tilesim YAML: compute throughput other
 * than one MAC per cycle per instance (a DPU's software multiply, SIMD lanes) scales compute
 * cycles and utilization, never MAC counts or energy; an op whose smallest tiles exceed a
 * level's capacity (transformer-pim's 16-bit memristor cell and bert-base-lut's fp32 K) fails
 * naming the level, its capacity and what to change, not the search's limits. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "ts-arch.h"
#include "ts-constraints.h"
#include "ts-layer.h"
#include "ts-library.h"
#include "ts-search.h"
#include "ts-model.h"
#include "ts-workload.h"
#include "ts-test.h"

static const char *arch_text = "architecture:\n"
                               "  name: rate-test\n"
                               "  clock: 1GHz\n"
                               "  technology: 45nm\n"
                               "  levels:\n"
                               "    - name: DRAM\n"
                               "      class: dram\n"
                               "      preset: DDR4-2400\n"
                               "      attributes: {word_bits: 16}\n"
                               "    - name: PE\n"
                               "      spatial: {meshX: 4}\n"
                               "      levels:\n"
                               "        - name: RF\n"
                               "          class: regfile\n"
                               "          attributes: {depth: 64, width_bits: 16, word_bits: 16}\n"
                               "        - name: MAC\n"
                               "          class: mac\n"
                               "          attributes: {word_bits: 16, macs_per_cycle: %s}\n";

static gboolean eval_with_rate(const char *rate, TsCost *cost)
{
    g_autofree char *dir = g_dir_make_tmp("tilesim-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "arch.yaml", NULL);
    g_autofree char *text = g_strdup_printf(arch_text, rate);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load(path, NULL, &error);
    g_unlink(path);
    g_rmdir(dir);
    if (arch == NULL) {
        fprintf(stderr, "arch: %s\n", error->message);
        return FALSE;
    }
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    const TsOp *op = ts_workload_find_op(wl, "FF1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(op);
    g_autoptr(TsModel) model = ts_model_new(arch, op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(model);
    TsMapping map;
    ts_mapping_init(&map, ts_arch_n_storage(arch), op);
    return ts_model_evaluate(model, &map, cost) == TS_EVAL_OK;
}

static void test_compute_rate(void)
{
    TsCost one, quarter, four;
    CU_ASSERT_TRUE_FATAL(eval_with_rate("1", &one));
    CU_ASSERT_TRUE_FATAL(eval_with_rate("0.25", &quarter));
    CU_ASSERT_TRUE_FATAL(eval_with_rate("4", &four));
    CU_ASSERT_EQUAL(one.macs, quarter.macs);
    CU_ASSERT_DOUBLE_EQUAL(quarter.compute_cycles, 4.0 * one.compute_cycles, 0);
    CU_ASSERT_DOUBLE_EQUAL(four.compute_cycles, one.compute_cycles / 4.0, 0);
    CU_ASSERT_DOUBLE_EQUAL(quarter.compute_energy_pj, one.compute_energy_pj, 1e-6);
    /* Utilization is MACs over peak MACs in the run's cycles, so it stays <= 1. */
    CU_ASSERT(quarter.utilization <= 1.0 + 1e-12);
    CU_ASSERT(four.utilization <= 1.0 + 1e-12);
    CU_ASSERT(quarter.cycles >= quarter.compute_cycles);
}

static void test_smallest_tiles(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsArch) arch = ts_arch_load("transformer-pim", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    g_autoptr(TsWorkload) wl = ts_workload_load("bert-base-lut", NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(wl);
    TsLayerOptions o = {0};
    ts_search_options_init(&o.search);
    o.search.algorithm = TS_SEARCH_RANDOM;
    o.search.budget = 100;
    o.search.max_invalid = 2000;
    o.search.threads = 1;
    o.only_op = "KTQ";
    g_autofree char *path = ts_library_resolve(TS_LIBRARY_ARCH, "transformer-pim", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    g_autoptr(TsConstraints) cons = ts_constraints_new();
    CU_ASSERT_TRUE_FATAL(ts_constraints_load_arch_file(cons, path, &error));
    o.constraints = cons; /* the cell keeps the weights: the CLI's map space */
    TsLayerResult r;
    const gboolean mapped = ts_layer_map(arch, wl, &o, &r, &error);
    ts_layer_result_clear(&r);
    CU_ASSERT_FALSE_FATAL(mapped);
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    printf("\n  %s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "even the smallest tiles"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "scratchpad: tiles need 2 words, capacity 1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "word_bits"));
    CU_ASSERT_PTR_NULL(strstr(error->message, "--max-invalid 0"));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("model_arch", NULL, NULL);
    CU_add_test(s, "compute_rate", test_compute_rate);
    CU_add_test(s, "smallest_tiles", test_smallest_tiles);
    return ts_test_run(argc, argv);
}
