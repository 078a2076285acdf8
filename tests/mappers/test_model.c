/* Unit tests of the analytical model on hierarchies and ops built in code: the counts of the
 * worked example (docs/model.md), bypass, spatial reduction, precision packing, sliding
 * windows (Timeloop's approximation with its stride-change refetch, and the exact option),
 * two-container multicast, leakage and area, the first-read-elision option, each
 * invalid-mapping reason with its message, thread safety and a randomised robustness check. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-model-fixture.h"
#include "ts-model.h"
#include "ts-test.h"

static TsModel *fx_model(const FxArch *a, const TsOp *op, const TsModelOptions *o)
{
    g_autoptr(GError) error = NULL;
    TsModel *m = ts_model_new_from_levels(a->storage, FX_NLEVELS, &a->mac, 1e9, op, o, &error);
    if (m == NULL)
        fprintf(stderr, "model: %s\n", error->message);
    return m;
}

static void expect_counts(const TsTensorCost *tc, uint64_t tile, uint64_t reads, uint64_t fills,
                          uint64_t updates)
{
    CU_ASSERT_EQUAL(tc->tile_words, tile);
    CU_ASSERT_EQUAL(tc->reads, reads);
    CU_ASSERT_EQUAL(tc->fills, fills);
    CU_ASSERT_EQUAL(tc->updates, updates);
}

/* The worked example of docs/model.md (model_qkv_eyeriss_fixed, Timeloop's stats.txt). */
static void test_fixed_mapping_counts(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost c;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);

    const TsLevelCost *rf = &c.level[FX_RF], *glb = &c.level[FX_GLB], *dram = &c.level[FX_DRAM];
    expect_counts(&rf->tensor[FX_W], 16, 294912, 294912, 0);
    expect_counts(&rf->tensor[FX_I], 16, 294912, 294912, 0);
    expect_counts(&rf->tensor[FX_O], 1, 294528, 1152, 294912);
    expect_counts(&glb->tensor[FX_W], 3072, 4718592, 589824, 0);
    expect_counts(&glb->tensor[FX_I], 24576, 4718592, 98304, 0);
    expect_counts(&glb->tensor[FX_O], 2048, 294912, 294912, 393216);
    expect_counts(&dram->tensor[FX_W], 589824, 589824, 0, 0);
    expect_counts(&dram->tensor[FX_I], 98304, 98304, 0, 0);
    expect_counts(&dram->tensor[FX_O], 98304, 294912, 0, 393216);
    CU_ASSERT_EQUAL(rf->tensor[FX_W].partition_words, 36864);
    CU_ASSERT_EQUAL(rf->tensor[FX_O].partition_words, 384);
    CU_ASSERT_EQUAL(glb->tensor[FX_W].multicast, 16); /* N across X: 16 rows share a weight */
    CU_ASSERT_EQUAL(glb->tensor[FX_I].multicast, 16);
    CU_ASSERT_EQUAL(glb->tensor[FX_O].multicast, 1);
    CU_ASSERT_EQUAL(rf->instances_used, 256);
    CU_ASSERT_EQUAL(glb->instances_used, 1);
    CU_ASSERT_EQUAL(c.compute_instances, 256);
    CU_ASSERT_EQUAL(c.macs, 75497472);
    CU_ASSERT_DOUBLE_EQUAL(c.compute_cycles, 294912, 0);
    /* GlobalBuffer reads 33 words per compute cycle against 16: throttled to 608256 cycles. */
    CU_ASSERT_DOUBLE_EQUAL(glb->cycles, 608256, 0);
    CU_ASSERT_DOUBLE_EQUAL(glb->throttling, 16.0 / 33.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.cycles, 608256, 0);
    CU_ASSERT_DOUBLE_EQUAL(c.energy_pj / 1e6, 886.21, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(glb->tensor[FX_W].energy_pj, 1327104 * 29.62816, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(c.utilization, 294912.0 / 608256.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.edp_j_cycles, c.energy_pj * 1e-12 * 608256, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(c.latency_s, 608256e-9, 1e-15);
    CU_ASSERT_EQUAL(c.total_ops, 2 * 75497472ull - 98304);
}

/* Limits of the network into a level (a host link) throttle fills and updates separately,
 * on top of the level's own write bandwidth. */
static void test_fill_and_update_bandwidth(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost base;
    {
        g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &base), TS_EVAL_OK);
    }
    const TsLevelCost *g = &base.level[FX_GLB];
    double fills = 0, updates = 0;
    for (guint t = 0; t < 3; t++) {
        fills += (double)g->tensor[t].fills;
        updates += (double)g->tensor[t].updates;
    }
    CU_ASSERT_DOUBLE_EQUAL(fills, 589824 + 98304 + 294912, 0);
    CU_ASSERT_DOUBLE_EQUAL(updates, 393216, 0);
    const double ccd = base.compute_cycles;

    /* Fills at 1/4 word per cycle: GlobalBuffer cycles = fills / 0.25. */
    a.storage[FX_GLB].fill_bw_words_per_cycle = 0.25;
    TsCost c;
    {
        g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
        CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    }
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_GLB].throttling, 0.25 / (fills / ccd), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_GLB].cycles, ceil(fills / 0.25), 0);
    CU_ASSERT_DOUBLE_EQUAL(c.energy_pj, base.energy_pj, 1e-6);

    /* Updates only: a limit on fills of a level that is never filled changes nothing. */
    a.storage[FX_GLB].fill_bw_words_per_cycle = 0;
    a.storage[FX_DRAM].fill_bw_words_per_cycle = 1e-6;
    a.storage[FX_GLB].update_bw_words_per_cycle = 0.5;
    {
        g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
        CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    }
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_DRAM].throttling, base.level[FX_DRAM].throttling, 0);
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_GLB].cycles, ceil(updates / 0.5), 0);
}

/* ey_bert_qkv_null_rp_fb10k_t1: the GlobalBuffer bypasses Weights, so the RegisterFiles are
 * filled straight from DRAM (counts from Timeloop's stats.txt). */
static void test_bypass(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping map;
    ts_mapping_init(&map, FX_NLEVELS, &op);
    fx_temporal(&map, &op, FX_RF, (const uint32_t[]){1, 3, 2}, "NKM");
    fx_temporal(&map, &op, FX_GLB, (const uint32_t[]){128, 4, 6}, "MKN");
    fx_temporal(&map, &op, FX_DRAM, (const uint32_t[]){1, 4, 4}, "KNM");
    map.level[FX_GLB].spatial_x[FX_K] = 16;
    map.level[FX_GLB].spatial_y[FX_N] = 16;
    map.level[FX_GLB].spatial_permutation[0] = FX_K;
    map.level[FX_GLB].spatial_permutation[1] = FX_N;
    map.level[FX_GLB].spatial_permutation[2] = FX_M;
    map.level[FX_GLB].keep = (1u << FX_I) | (1u << FX_O);
    TsCost c;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    expect_counts(&c.level[FX_RF].tensor[FX_W], 6, 294912, 2304, 0);
    expect_counts(&c.level[FX_RF].tensor[FX_I], 2, 294912, 98304, 0);
    expect_counts(&c.level[FX_RF].tensor[FX_O], 3, 288768, 141312, 294912);
    expect_counts(&c.level[FX_GLB].tensor[FX_I], 24576, 1572864, 393216, 0);
    expect_counts(&c.level[FX_GLB].tensor[FX_O], 24576, 2260992, 0, 2359296);
    expect_counts(&c.level[FX_DRAM].tensor[FX_W], 589824, 589824, 0, 0);
    expect_counts(&c.level[FX_DRAM].tensor[FX_I], 98304, 393216, 0, 0);
    expect_counts(&c.level[FX_DRAM].tensor[FX_O], 98304, 0, 0, 98304);
    CU_ASSERT_EQUAL(c.level[FX_GLB].tensor[FX_W].tile_words, 0); /* bypassed: nothing held */
    CU_ASSERT_EQUAL(c.level[FX_GLB].keep, (1u << FX_I) | (1u << FX_O));
    CU_ASSERT_DOUBLE_EQUAL(c.energy_pj / 1e6, 702.90, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(c.cycles, 294912, 0);
}

static TsEvalStatus eval_status(const TsModel *m, const TsMapping *map, TsCost *c, char **why)
{
    TsEvalStatus st = ts_model_evaluate(m, map, c);
    *why = ts_model_explain(m, map, c);
    fprintf(stderr, "    [%s] %s\n", ts_eval_status_name(st), *why);
    return st;
}

static void test_invalid_reasons(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping base, map;
    fx_fixed_mapping(&base, &op);
    TsCost c;
    char *why = NULL;

    /* shape */
    map = base;
    map.n_levels = 2;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_SHAPE);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "2 levels"));
    g_free(why);

    /* permutation with a repeated dimension */
    map = base;
    map.level[FX_GLB].permutation[1] = map.level[FX_GLB].permutation[0];
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_PERMUTATION);
    CU_ASSERT_EQUAL(c.bad_level, FX_GLB);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "GlobalBuffer"));
    g_free(why);

    /* factors that do not multiply to the dimension */
    map = base;
    map.level[FX_DRAM].temporal[FX_K] = 2;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_FACTORS);
    CU_ASSERT_EQUAL(c.bad_dim, FX_K);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "dimension K: factors multiply to 384"));
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "768"));
    g_free(why);

    /* a zero factor */
    map = base;
    map.level[FX_RF].temporal[FX_M] = 0;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_FACTORS);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "a factor is 0"));
    g_free(why);

    /* fan-out along X: 32 columns of a 16-wide array */
    map = base;
    map.level[FX_GLB].spatial_x[FX_N] = 32;
    map.level[FX_DRAM].temporal[FX_N] = 24;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_FANOUT);
    CU_ASSERT_EQUAL(c.bad_level, FX_GLB);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "GlobalBuffer: spatial X factors multiply to 32, the "
                                       "fan-out along X is 16"));
    g_free(why);

    /* fan-out along Y */
    map = base;
    map.level[FX_GLB].spatial_y[FX_M] = 32;
    map.level[FX_GLB].temporal[FX_M] = 4;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_FANOUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "along Y is 16"));
    g_free(why);

    /* fan-out below the register file (to the MACs) is 1 */
    map = base;
    map.level[FX_RF].spatial_x[FX_K] = 2;
    map.level[FX_RF].temporal[FX_K] = 8;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_FANOUT);
    CU_ASSERT_EQUAL(c.bad_level, FX_RF);
    g_free(why);

    /* a tensor kept by no level */
    map = base;
    for (guint l = 0; l < FX_NLEVELS; l++)
        map.level[l].keep &= (uint8_t) ~(1u << FX_I);
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_KEEP);
    CU_ASSERT_EQUAL(c.bad_tensor, FX_I);
    CU_ASSERT_STRING_EQUAL(why, "Inputs is kept by no level (every level bypasses it)");
    g_free(why);

    /* capacity: the GlobalBuffer tile of Inputs grows to 128 x 768 */
    map = base;
    map.level[FX_GLB].temporal[FX_K] = 48;
    map.level[FX_DRAM].temporal[FX_K] = 1;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_CAPACITY);
    CU_ASSERT_EQUAL(c.bad_level, FX_GLB);
    CU_ASSERT_EQUAL(c.bad_tensor, FX_I);
    CU_ASSERT_STRING_EQUAL(why, "GlobalBuffer: tiles need 112640 words, capacity 65536 (Weights "
                                "12288, Inputs 98304, Outputs 2048)");
    g_free(why);

    /* capacity in the register file */
    map = base;
    map.level[FX_RF].temporal[FX_K] = 256;
    map.level[FX_GLB].temporal[FX_K] = 1;
    map.level[FX_DRAM].temporal[FX_K] = 3;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_CAPACITY);
    CU_ASSERT_EQUAL(c.bad_level, FX_RF);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "RegisterFile: tiles need 513 words, capacity 256"));
    g_free(why);
}

/* The outermost level may bypass a tensor: the next keeping level is its backing store
 * (never filled, first read of outputs elided against its partition), as Timeloop does for a
 * TPU's separate weight DRAM. */
static void test_outermost_bypass(void)
{
    FxArch a;
    fx_arch(&a);
    a.storage[FX_GLB].size_words = 1u << 22; /* large enough to hold whole tensors */
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    map.level[FX_GLB].temporal[FX_N] = 48;
    map.level[FX_GLB].temporal[FX_K] = 48;
    map.level[FX_GLB].permutation[0] = FX_K;
    map.level[FX_GLB].permutation[1] = FX_M;
    map.level[FX_GLB].permutation[2] = FX_N;
    map.level[FX_DRAM].temporal[FX_N] = 1;
    map.level[FX_DRAM].temporal[FX_K] = 1;
    TsCost with, without;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &with), TS_EVAL_OK);
    map.level[FX_DRAM].keep = 1u << FX_I; /* DRAM keeps only Inputs */
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &without), TS_EVAL_OK);
    const TsTensorCost *w = &without.level[FX_GLB].tensor[FX_W];
    const TsTensorCost *o = &without.level[FX_GLB].tensor[FX_O];
    CU_ASSERT_EQUAL(w->fills, 0);
    CU_ASSERT_EQUAL(w->reads, with.level[FX_GLB].tensor[FX_W].reads);
    CU_ASSERT_EQUAL(o->fills, 0);
    CU_ASSERT_EQUAL(o->updates, with.level[FX_GLB].tensor[FX_O].updates);
    CU_ASSERT_EQUAL(o->reads, o->updates - 98304);
    CU_ASSERT_EQUAL(without.level[FX_DRAM].tensor[FX_W].reads, 0);
    CU_ASSERT(without.energy_pj < with.energy_pj);
}

static void test_multiple_buffering_and_min_utilization(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost c;
    char *why = NULL;

    /* The fixed mapping holds 29696 words in the GlobalBuffer: fits double buffering (32768),
     * not quadruple buffering (16384). */
    a.storage[FX_GLB].multiple_buffering = 2.0;
    g_autoptr(TsModel) m2 = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL(ts_model_evaluate(m2, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.level[FX_GLB].capacity_words, 32768);
    a.storage[FX_GLB].multiple_buffering = 4.0;
    g_autoptr(TsModel) m4 = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL(eval_status(m4, &map, &c, &why), TS_EVAL_CAPACITY);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "tiles need 29696 words, capacity 16384 (size 65536 / "
                                       "multiple buffering 4)"));
    g_free(why);

    a.storage[FX_GLB].multiple_buffering = 1.0;
    a.storage[FX_GLB].min_utilization = 0.5;
    g_autoptr(TsModel) mu = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL(eval_status(mu, &map, &c, &why), TS_EVAL_UTILIZATION);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "below the minimum utilization 0.5"));
    g_free(why);
}

static void test_zero_capacity_level(void)
{
    FxArch a;
    fx_arch(&a);
    a.storage[FX_RF].zero_capacity = TRUE;
    a.storage[FX_RF].size_words = 0;
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost c;
    char *why = NULL;
    CU_ASSERT_EQUAL(eval_status(m, &map, &c, &why), TS_EVAL_CAPACITY);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "must bypass it"));
    g_free(why);
    /* Bypassing everything there: operands stream from the GlobalBuffer into the MACs. */
    map.level[FX_RF].keep = 0;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    /* Each MAC's operands are read every cycle, Weights shared by the 16 PEs of a column. */
    CU_ASSERT_EQUAL(c.level[FX_GLB].tensor[FX_W].reads, 294912ull * 16);
    CU_ASSERT_EQUAL(c.level[FX_GLB].tensor[FX_O].updates, 294912ull * 256);
}

/* Spatial reduction: K across the array makes 16 PEs update one output; the parent sees one
 * update per output element and step. */
static void test_spatial_reduction(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 64, 64, 64);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping map;
    ts_mapping_init(&map, FX_NLEVELS, &op);
    fx_temporal(&map, &op, FX_RF, (const uint32_t[]){1, 1, 4}, "KMN");
    fx_temporal(&map, &op, FX_GLB, (const uint32_t[]){64, 4, 1}, "MNK");
    fx_temporal(&map, &op, FX_DRAM, (const uint32_t[]){1, 1, 1}, "MNK");
    map.level[FX_GLB].spatial_x[FX_N] = 16;
    map.level[FX_GLB].spatial_y[FX_K] = 16;
    map.level[FX_GLB].spatial_permutation[0] = FX_N;
    map.level[FX_GLB].spatial_permutation[1] = FX_K;
    map.level[FX_GLB].spatial_permutation[2] = FX_M;
    TsCost c;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    const TsTensorCost *o = &c.level[FX_GLB].tensor[FX_O];
    CU_ASSERT_EQUAL(o->multicast, 16);
    /* each RF drains its output 64*4 times; 16 columns of distinct outputs */
    CU_ASSERT_EQUAL(o->updates, 256ull * 16);
    CU_ASSERT_EQUAL(o->reads, 256ull * 16 - 4096);
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[FX_O].partition_words, 4096 / 16);
}

/* int4 weights in 16-bit words: four per word, so a quarter of the words and bandwidth. */
static void test_precision_packing(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost c16, c4;
    g_autoptr(TsModel) m16 = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m16, &map, &c16), TS_EVAL_OK);
    op.tensors[FX_W].precision = (TsPrecision){4, TS_NUM_INT};
    g_autoptr(TsModel) m4 = fx_model(&a, &op, NULL);
    CU_ASSERT_DOUBLE_EQUAL(ts_model_words_per_element(m4, FX_GLB, FX_W), 0.25, 0);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m4, &map, &c4), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c4.level[FX_GLB].tensor[FX_W].tile_words, 3072 / 4);
    CU_ASSERT_EQUAL(c4.level[FX_GLB].tensor[FX_W].reads, 4718592 / 4);
    CU_ASSERT_EQUAL(c4.level[FX_RF].tensor[FX_W].tile_words, 4);
    CU_ASSERT_EQUAL(c4.level[FX_DRAM].tensor[FX_W].reads, 589824 / 4);
    CU_ASSERT(c4.energy_pj < c16.energy_pj);
    CU_ASSERT_EQUAL(c4.level[FX_GLB].tensor[FX_I].reads, c16.level[FX_GLB].tensor[FX_I].reads);
    /* Timeloop problems carry placeholder precisions: words come from the arch. */
    op.precision_is_default = TRUE;
    g_autoptr(TsModel) md = fx_model(&a, &op, NULL);
    CU_ASSERT_DOUBLE_EQUAL(ts_model_words_per_element(md, FX_GLB, FX_W), 1.0, 0);
    /* 32-bit outputs take two 16-bit words. */
    op.precision_is_default = FALSE;
    op.tensors[FX_W].precision = (TsPrecision){16, TS_NUM_FP};
    op.tensors[FX_O].precision = (TsPrecision){32, TS_NUM_FP};
    g_autoptr(TsModel) m32 = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m32, &map, &c4), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c4.level[FX_GLB].tensor[FX_O].tile_words, 4096);
    CU_ASSERT_EQUAL(c4.level[FX_DRAM].tensor[FX_O].updates, 2 * 393216);
}

static void test_first_read_elision_option(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsModelOptions o = {.no_first_read_elision = TRUE};
    g_autoptr(TsModel) m = fx_model(&a, &op, &o);
    TsCost c;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    expect_counts(&c.level[FX_RF].tensor[FX_O], 1, 294912, 1536, 294912);
    expect_counts(&c.level[FX_DRAM].tensor[FX_O], 98304, 393216, 0, 393216);
}

/* A 1-D convolution: Inputs W = P + R. */
static void fx_conv1d(TsOp *op, uint64_t p, uint64_t r)
{
    memset(op, 0, sizeof *op);
    op->name = "conv1d";
    op->kind = TS_OP_EINSUM;
    op->n_dims = 2;
    op->dim_names[0] = "P";
    op->dim_names[1] = "R";
    op->dims[0] = p;
    op->dims[1] = r;
    op->n_tensors = 3;
    op->tensors[0] = (TsTensor){.name = "Weights", .n_ranks = 1};
    op->tensors[0].ranks[0] = (TsProjection){1, {1}, {1}};
    op->tensors[1] = (TsTensor){.name = "Inputs", .n_ranks = 1};
    op->tensors[1].ranks[0] = (TsProjection){2, {0, 1}, {1, 1}};
    op->tensors[2] = (TsTensor){.name = "Outputs", .n_ranks = 1, .read_write = TRUE};
    op->tensors[2].ranks[0] = (TsProjection){1, {0}, {1}};
    op->output = 2;
    op->precision_is_default = TRUE;
    op->macs = p * r;
}

static void test_sliding_window(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_conv1d(&op, 8, 3);
    TsMapping map;
    ts_mapping_init(&map, FX_NLEVELS, &op);
    /* RF holds R3 (tile W = 3); GLB P4 (stride 1); DRAM P2 (stride 4). */
    map.level[FX_RF].temporal[0] = 1;
    map.level[FX_RF].temporal[1] = 3;
    map.level[FX_GLB].temporal[0] = 4;
    map.level[FX_GLB].temporal[1] = 1;
    map.level[FX_DRAM].temporal[0] = 2;
    map.level[FX_DRAM].temporal[1] = 1;
    TsCost c;
    g_autoptr(TsModel) tl = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(tl, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].tile_words, 3);
    CU_ASSERT_EQUAL(c.level[FX_GLB].tensor[1].tile_words, 6);
    /* Timeloop: first tile 3, six one-word slides, and after the outer step its two-iteration
     * extrapolation compares P=4..6 with P=1..3 and refetches all 3 words: 3+6+3 = 12. */
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].fills, 12);
    TsModelOptions o = {.exact_sliding_window_deltas = TRUE};
    g_autoptr(TsModel) ex = fx_model(&a, &op, &o);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(ex, &map, &c), TS_EVAL_OK);
    /* Exact halo reuse: every input word once, 10 = 8 + 3 - 1. */
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].fills, 10);
    CU_ASSERT_EQUAL(c.level[FX_DRAM].tensor[1].tile_words, 10);
}

/* Timeloop 3.0.3 refetches a sliding tile whose translation changes: an irrelevant loop (no
 * translation) between two sliding steps makes every slide a stride change. conv1d with output
 * channels: Weights[R,K], Inputs[P+R], Outputs[K,P]; RF holds R3 (tile W = 3); GLB loops K2
 * (inner, irrelevant to Inputs) and P8 (outer). */
static void fx_conv1d_k(TsOp *op, uint64_t p, uint64_t r, uint64_t k)
{
    memset(op, 0, sizeof *op);
    op->name = "conv1d_k";
    op->kind = TS_OP_EINSUM;
    op->n_dims = 3;
    op->dim_names[0] = "P";
    op->dim_names[1] = "R";
    op->dim_names[2] = "K";
    op->dims[0] = p;
    op->dims[1] = r;
    op->dims[2] = k;
    op->n_tensors = 3;
    op->tensors[0] = (TsTensor){.name = "Weights", .n_ranks = 2};
    op->tensors[0].ranks[0] = (TsProjection){1, {1}, {1}};
    op->tensors[0].ranks[1] = (TsProjection){1, {2}, {1}};
    op->tensors[1] = (TsTensor){.name = "Inputs", .n_ranks = 1};
    op->tensors[1].ranks[0] = (TsProjection){2, {0, 1}, {1, 1}};
    op->tensors[2] = (TsTensor){.name = "Outputs", .n_ranks = 2, .read_write = TRUE};
    op->tensors[2].ranks[0] = (TsProjection){1, {2}, {1}};
    op->tensors[2].ranks[1] = (TsProjection){1, {0}, {1}};
    op->output = 2;
    op->precision_is_default = TRUE;
    op->macs = p * r * k;
}

static void test_stride_change_refetch(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_conv1d_k(&op, 8, 3, 2);
    TsMapping map;
    ts_mapping_init(&map, FX_NLEVELS, &op);
    for (guint d = 0; d < 3; d++)
        map.level[FX_DRAM].temporal[d] = 1;
    map.level[FX_RF].temporal[1] = 3;
    map.level[FX_GLB].temporal[0] = 8;
    map.level[FX_GLB].temporal[2] = 2;
    map.level[FX_GLB].permutation[0] = 2; /* K innermost */
    map.level[FX_GLB].permutation[1] = 0; /* then P */
    map.level[FX_GLB].permutation[2] = 1;
    TsCost c;
    g_autoptr(TsModel) tl = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(tl, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].tile_words, 3);
    /* The first tile, then each of the 7 slides after a K step: a stride change, 3 words. */
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].fills, 3 + 7 * 3);
    TsModelOptions o = {.exact_sliding_window_deltas = TRUE};
    g_autoptr(TsModel) ex = fx_model(&a, &op, &o);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(ex, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].fills, 10); /* every input word once */
    /* P inner, K outer: slides keep their one-word halo until K steps back to P = 0. */
    map.level[FX_GLB].permutation[0] = 0;
    map.level[FX_GLB].permutation[1] = 2;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(tl, &map, &c), TS_EVAL_OK);
    CU_ASSERT_EQUAL(c.level[FX_RF].tensor[1].fills, 3 + 7 + 3 + 7);
}

/* Two containers below the GlobalBuffer, PE_column along X (4) and PE along Y (3), as
 * Eyeriss: Timeloop analyses each as its own spatial level, so a 2-D convolution's input rows
 * h = q + s with Q on X and S on Y are 4 x 3 = 12 distinct tiles; counted over the whole
 * fan-out (diagonal_multicast, or one container with both axes) they are 6 (h = 0..5). */
static void test_two_container_multicast(void)
{
    FxArch a;
    fx_arch(&a);
    a.storage[FX_GLB].fanout_x = 4;
    a.storage[FX_GLB].fanout_y = 3;
    a.storage[FX_RF].instances = 12;
    a.storage[FX_RF].mesh_x = 4;
    a.storage[FX_RF].mesh_y = 3;
    a.mac.instances = 12;
    a.storage[FX_GLB].n_stages = 2;
    a.storage[FX_GLB].stages[0] = (TsFanoutStage){"PE_column", 4, 1};
    a.storage[FX_GLB].stages[1] = (TsFanoutStage){"PE", 1, 3};
    TsOp op;
    ts_test_conv2d(&op, 8, 3, 4, 3);
    TsMapping map;
    ts_mapping_init(&map, FX_NLEVELS, &op);
    for (guint d = 0; d < 4; d++)
        map.level[FX_DRAM].temporal[d] = 1;
    map.level[FX_RF].temporal[0] = 8; /* P8 R3 in each PE: tile W = 10, H = 1 */
    map.level[FX_RF].temporal[1] = 3;
    map.level[FX_GLB].spatial_x[2] = 4; /* Q on X */
    map.level[FX_GLB].spatial_y[3] = 3; /* S on Y */
    TsCost per_axis, diag, single;
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &per_axis), TS_EVAL_OK);
    const uint64_t tile = per_axis.level[FX_RF].tensor[1].tile_words;
    CU_ASSERT_EQUAL(tile, 10);
    CU_ASSERT_EQUAL(per_axis.level[FX_GLB].tensor[1].reads, tile * 12);
    CU_ASSERT_EQUAL(per_axis.level[FX_GLB].tensor[1].multicast, 1);
    TsModelOptions o = {.diagonal_multicast = TRUE};
    g_autoptr(TsModel) md = fx_model(&a, &op, &o);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(md, &map, &diag), TS_EVAL_OK);
    CU_ASSERT_EQUAL(diag.level[FX_GLB].tensor[1].reads, tile * 6);
    CU_ASSERT_EQUAL(diag.level[FX_GLB].tensor[1].multicast, 2);
    /* One container spanning both axes is one spatial level in Timeloop: diagonals shared. */
    a.storage[FX_GLB].n_stages = 0;
    g_autoptr(TsModel) ms = fx_model(&a, &op, NULL);
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(ms, &map, &single), TS_EVAL_OK);
    CU_ASSERT_EQUAL(single.level[FX_GLB].tensor[1].reads, tile * 6);
    /* Everything else is the same. */
    CU_ASSERT_EQUAL(per_axis.level[FX_RF].tensor[1].fills, diag.level[FX_RF].tensor[1].fills);
    CU_ASSERT_EQUAL(per_axis.level[FX_GLB].tensor[0].reads, diag.level[FX_GLB].tensor[0].reads);
}

/* Leakage = leak per instance-cycle x cycles x every instance; area of every instance; neither
 * enters the dynamic energy. */
static void test_leakage_and_area(void)
{
    FxArch a;
    fx_arch(&a);
    a.storage[FX_GLB].energy.leak_pj_per_cycle = 2.0;
    a.storage[FX_GLB].area_um2 = 1000.0;
    a.storage[FX_RF].energy.leak_pj_per_cycle = 0.01;
    a.storage[FX_RF].area_um2 = 50.0;
    a.mac.energy.leak_pj_per_cycle = 0.005;
    a.mac.area_um2 = 100.0;
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsCost c;
    CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
    CU_ASSERT_DOUBLE_EQUAL(c.cycles, 608256, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_GLB].leakage_pj, 2.0 * 608256, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(c.level[FX_RF].leakage_pj, 0.01 * 608256 * 256, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(c.compute_leakage_pj, 0.005 * 608256 * 256, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(c.leakage_pj, (2.0 + 0.01 * 256 + 0.005 * 256) * 608256, 1e-3);
    CU_ASSERT_DOUBLE_EQUAL(c.area_um2, 1000.0 + 50.0 * 256 + 100.0 * 256, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(c.energy_pj / 1e6, 886.21, 0.005); /* dynamic energy unchanged */
    CU_ASSERT_DOUBLE_EQUAL(c.energy_with_leakage_pj, c.energy_pj + c.leakage_pj, 1e-3);
}

/* ---- Sliding windows against a literal simulation ----------------------------------------
 * A 2-D convolution (Inputs W = P + R, H = Q + S) under random temporal mappings: the fills of
 * Inputs at the GlobalBuffer and the RegisterFile must equal (a) a literal re-implementation of
 * Timeloop 3.0.3's delta walk (iterations 0 and 1 of each loop, the second scaled; box
 * difference while the translation repeats, the whole tile on a stride change) and (b) with
 * the exact option, the true |new \ old| summed over every step of the full loop nest. */

typedef struct {
    uint8_t dim;
    uint32_t ext;
    uint64_t stride;
} LitLoop;

typedef struct {
    int64_t lo[2], hi[2];
} LitBox;

typedef struct {
    LitBox last;
    gboolean have;
    gboolean has_t; /* a translation is remembered */
    int64_t t[2];   /* the remembered translation (per rank) */
    uint64_t total;
    uint64_t ext[4];
} LitState;

static int64_t lit_size(const LitBox *b)
{
    return MAX(0, b->hi[0] - b->lo[0]) * MAX(0, b->hi[1] - b->lo[1]);
}

static LitBox lit_box(const uint64_t *origin, const uint64_t *ext)
{
    LitBox b;
    b.lo[0] = (int64_t)(origin[0] + origin[1]);
    b.hi[0] = b.lo[0] + (int64_t)(ext[0] + ext[1] - 1);
    b.lo[1] = (int64_t)(origin[2] + origin[3]);
    b.hi[1] = b.lo[1] + (int64_t)(ext[2] + ext[3] - 1);
    return b;
}

/* Timeloop's box difference new \ old: empty when equal, the slice when one rank moves and
 * the boxes overlap, else the whole new box. */
static int64_t lit_diff(const LitBox *nb, const LitBox *ob)
{
    if (memcmp(nb, ob, sizeof *nb) == 0)
        return 0;
    int moving = 0, r_mv = 0;
    for (int r = 0; r < 2; r++) {
        if (ob->hi[r] <= nb->lo[r] || ob->lo[r] >= nb->hi[r])
            return lit_size(nb);
        if (nb->lo[r] != ob->lo[r] || nb->hi[r] != ob->hi[r]) {
            moving++;
            r_mv = r;
        }
    }
    if (moving > 1)
        return lit_size(nb);
    LitBox part = *nb;
    if (ob->lo[r_mv] <= nb->lo[r_mv])
        part.lo[r_mv] = ob->hi[r_mv];
    else
        part.hi[r_mv] = ob->lo[r_mv];
    return lit_size(&part);
}

/* Timeloop 3.0.3's SaveAndSubtractIfSameStride on one data space: the difference while the
 * translation repeats (or none is remembered), the whole tile on a stride change. */
static int64_t lit_minus(LitState *st, const LitBox *nb)
{
    if (!st->have)
        return lit_size(nb);
    const int64_t t[2] = {nb->lo[0] - st->last.lo[0], nb->lo[1] - st->last.lo[1]};
    if (!st->has_t || (t[0] == st->t[0] && t[1] == st->t[1])) {
        st->has_t = TRUE;
        st->t[0] = t[0];
        st->t[1] = t[1];
        return lit_diff(nb, &st->last);
    }
    st->has_t = FALSE;
    return lit_size(nb);
}

static void lit_walk(LitState *st, const LitLoop *above, int k, uint64_t *origin, uint64_t ep)
{
    if (k < 0) {
        LitBox b = lit_box(origin, st->ext);
        st->total += (uint64_t)lit_minus(st, &b) * ep;
        st->last = b;
        st->have = TRUE;
        return;
    }
    lit_walk(st, above, k - 1, origin, ep);
    origin[above[k].dim] += above[k].stride;
    lit_walk(st, above, k - 1, origin, ep * (above[k].ext - 1));
    origin[above[k].dim] -= above[k].stride;
}

/* True new data over the full nest (grid of at most 64 x 64 input points). */
static uint64_t lit_exact(const LitLoop *above, guint n, const uint64_t *ext)
{
    static gboolean held[64][64];
    memset(held, 0, sizeof held);
    uint32_t idx[16] = {0};
    uint64_t total = 0;
    for (;;) {
        uint64_t origin[4] = {0};
        for (guint i = 0; i < n; i++)
            origin[above[i].dim] += above[i].stride * idx[i];
        LitBox b = lit_box(origin, ext);
        static gboolean now[64][64];
        memset(now, 0, sizeof now);
        for (int64_t w = b.lo[0]; w < b.hi[0]; w++)
            for (int64_t h = b.lo[1]; h < b.hi[1]; h++) {
                now[w][h] = TRUE;
                total += !held[w][h];
            }
        memcpy(held, now, sizeof held);
        guint i = 0;
        while (i < n && ++idx[i] == above[i].ext)
            idx[i++] = 0;
        if (i == n)
            break;
    }
    return total;
}

static void test_sliding_window_literal(void)
{
    TsOp op;
    ts_test_conv2d(&op, 1, 1, 1, 1);
    FxArch a;
    fx_arch(&a);
    for (guint l = 0; l < FX_NLEVELS; l++) {
        a.storage[l].size_words = 0; /* capacity is not the point here */
        a.storage[l].fanout_x = a.storage[l].fanout_y = 1;
    }
    a.mac.instances = 1;
    GRand *rng = g_rand_new_with_seed((guint32)ts_test_seed(99));
    static const uint64_t sizes[4][5] = {
        {4, 6, 8, 12, 16}, {1, 2, 3, 5, 3}, {1, 2, 4, 6, 4}, {1, 3, 1, 3, 1}};
    guint checked = 0;
    for (guint iter = 0; iter < 200; iter++) {
        for (guint d = 0; d < 4; d++)
            op.dims[d] = sizes[d][g_rand_int_range(rng, 0, 5)];
        TsMapping map;
        ts_mapping_init(&map, FX_NLEVELS, &op);
        for (guint d = 0; d < 4; d++) {
            uint64_t n = op.dims[d];
            map.level[0].temporal[d] = 1;
            for (guint l = 2; l > 0; l--) {
                uint64_t f;
                do
                    f = (uint64_t)g_rand_int_range(rng, 1, (gint32)n + 1);
                while (n % f);
                map.level[l].temporal[d] = (uint32_t)f;
                n /= f;
            }
            map.level[0].temporal[d] = (uint32_t)n;
        }
        for (guint l = 0; l < FX_NLEVELS; l++)
            for (guint i = 3; i > 0; i--) {
                guint j = (guint)g_rand_int_range(rng, 0, (gint32)i + 1);
                uint8_t t = map.level[l].permutation[i];
                map.level[l].permutation[i] = map.level[l].permutation[j];
                map.level[l].permutation[j] = t;
            }
        for (guint exact = 0; exact < 2; exact++) {
            TsModelOptions o = {.exact_sliding_window_deltas = exact};
            TsModel *m =
                ts_model_new_from_levels(a.storage, FX_NLEVELS, &a.mac, 1e9, &op, &o, NULL);
            TsCost c;
            CU_ASSERT_EQUAL_FATAL(ts_model_evaluate(m, &map, &c), TS_EVAL_OK);
            /* child levels: GlobalBuffer (inner 1) and RegisterFile (inner 0) */
            for (guint child = FX_GLB; child <= FX_RF; child++) {
                LitLoop above[16];
                guint n = 0;
                uint64_t scale[4] = {1, 1, 1, 1}, ext[4] = {1, 1, 1, 1};
                for (guint l = FX_NLEVELS; l-- > 0;) { /* innermost level first */
                    for (guint i = 0; i < 4; i++) {
                        guint d = map.level[l].permutation[i];
                        uint32_t e = map.level[l].temporal[d];
                        if (e <= 1)
                            continue;
                        if (l >= child)
                            ext[d] *= e;
                        else
                            above[n++] = (LitLoop){(uint8_t)d, e, scale[d]};
                        scale[d] *= e;
                    }
                }
                uint64_t want;
                if (exact) {
                    want = lit_exact(above, n, ext);
                } else {
                    LitState st;
                    memset(&st, 0, sizeof st);
                    memcpy(st.ext, ext, sizeof ext);
                    uint64_t origin[4] = {0};
                    lit_walk(&st, above, (int)n - 1, origin, 1);
                    want = st.total;
                }
                CU_ASSERT_EQUAL(c.level[child].tensor[1].fills, want);
                checked++;
            }
            ts_model_free(m);
        }
    }
    g_rand_free(rng);
    CU_ASSERT_EQUAL(checked, 800);
}

typedef struct {
    const TsModel *model;
    const TsMapping *map;
    TsCost cost;
} ThreadJob;

static gpointer thread_eval(gpointer data)
{
    ThreadJob *job = data;
    for (guint i = 0; i < 2000; i++)
        ts_model_evaluate(job->model, job->map, &job->cost);
    return NULL;
}

static void test_threads_share_model(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    TsMapping map;
    fx_fixed_mapping(&map, &op);
    TsCost ref;
    memset(&ref, 0, sizeof ref); /* padding too, for memcmp */
    ts_model_evaluate(m, &map, &ref);
    ThreadJob jobs[4];
    GThread *th[4];
    for (guint i = 0; i < 4; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].model = m;
        jobs[i].map = &map;
        th[i] = g_thread_new("eval", thread_eval, &jobs[i]);
    }
    for (guint i = 0; i < 4; i++) {
        g_thread_join(th[i]);
        CU_ASSERT_EQUAL(memcmp(&jobs[i].cost, &ref, sizeof ref), 0);
    }
}

/* Random factorizations, orders, splits and keep masks: evaluation never crashes, invalid
 * mappings always carry a reason, and valid ones satisfy conservation laws. */
static void test_random_mappings(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(TsModel) m = fx_model(&a, &op, NULL);
    GRand *rng = g_rand_new_with_seed((guint32)ts_test_seed(12345));
    const uint32_t primes[3][12] = {
        {2, 2, 2, 2, 2, 2, 2}, {2, 2, 2, 2, 2, 2, 2, 2, 3}, {2, 2, 2, 2, 2, 2, 2, 2, 3}};
    const guint nprimes[3] = {7, 9, 9};
    guint valid = 0, by_reason[TS_EVAL_COUNT_] = {0};
    for (guint iter = 0; iter < 20000; iter++) {
        TsMapping map;
        ts_mapping_init(&map, FX_NLEVELS, &op);
        for (guint d = 0; d < 3; d++) {
            map.level[0].temporal[d] = 1;
            for (guint k = 0; k < nprimes[d]; k++) {
                guint slot = (guint)g_rand_int_range(rng, 0, 5);
                uint32_t *f = slot < 3    ? &map.level[slot].temporal[d]
                              : slot == 3 ? &map.level[FX_GLB].spatial_x[d]
                                          : &map.level[FX_GLB].spatial_y[d];
                *f *= primes[d][k];
            }
            if (g_rand_int_range(rng, 0, 50) == 0)
                map.level[FX_RF].temporal[d] *= 2; /* sometimes a wrong product */
        }
        for (guint l = 0; l < FX_NLEVELS; l++) {
            for (guint i = 2; i > 0; i--) {
                guint j = (guint)g_rand_int_range(rng, 0, (gint32)i + 1);
                uint8_t t = map.level[l].permutation[i];
                map.level[l].permutation[i] = map.level[l].permutation[j];
                map.level[l].permutation[j] = t;
            }
            if (l > 0)
                map.level[l].keep = (uint8_t)g_rand_int_range(rng, 0, 8);
        }
        TsCost c;
        TsEvalStatus st = ts_model_evaluate(m, &map, &c);
        CU_ASSERT(st < TS_EVAL_COUNT_);
        by_reason[st]++;
        if (st != TS_EVAL_OK) {
            g_autofree char *why = ts_model_explain(m, &map, &c);
            CU_ASSERT(why != NULL && strlen(why) > 5);
            continue;
        }
        valid++;
        CU_ASSERT(c.cycles >= c.compute_cycles);
        CU_ASSERT(c.energy_pj > 0 && isfinite(c.energy_pj));
        CU_ASSERT_EQUAL(c.compute_cycles * (double)c.compute_instances, (double)c.macs);
        /* The backing store reads each read-only tensor at least once in full. */
        CU_ASSERT(c.level[FX_DRAM].tensor[FX_W].reads >= 589824);
        CU_ASSERT(c.level[FX_DRAM].tensor[FX_I].reads >= 98304);
        CU_ASSERT(c.level[FX_DRAM].tensor[FX_O].updates >= 98304);
        /* Fills of a level equal what its parent delivered per child (no multicast below). */
        for (guint l = 0; l < FX_NLEVELS; l++)
            for (guint t = 0; t < 3; t++)
                if (!(c.level[l].keep >> t & 1u))
                    CU_ASSERT_EQUAL(c.level[l].tensor[t].reads + c.level[l].tensor[t].fills, 0);
    }
    fprintf(stderr, "    %u valid of 20000 (factors %u, fanout %u, capacity %u)\n", valid,
            by_reason[TS_EVAL_FACTORS], by_reason[TS_EVAL_FANOUT], by_reason[TS_EVAL_CAPACITY]);
    CU_ASSERT(valid > 100);
    g_rand_free(rng);
}

static void test_bad_model_inputs(void)
{
    FxArch a;
    fx_arch(&a);
    TsOp op;
    fx_gemm(&op, 128, 768, 768);
    g_autoptr(GError) error = NULL;
    op.kind = TS_OP_ELEMENTWISE;
    TsModel *m = ts_model_new_from_levels(a.storage, FX_NLEVELS, &a.mac, 1e9, &op, NULL, &error);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID));
    g_clear_error(&error);
    op.kind = TS_OP_EINSUM;
    op.dims[FX_M] = 0;
    m = ts_model_new_from_levels(a.storage, FX_NLEVELS, &a.mac, 1e9, &op, NULL, &error);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT(g_error_matches(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE));
    g_clear_error(&error);
    op.dims[FX_M] = 128;
    m = ts_model_new_from_levels(a.storage, FX_NLEVELS, &a.mac, 0.0, &op, NULL, &error);
    CU_ASSERT_PTR_NULL(m);
    g_clear_error(&error);
    m = ts_model_new_from_levels(a.storage, 0, &a.mac, 1e9, &op, NULL, &error);
    CU_ASSERT_PTR_NULL(m);
    g_clear_error(&error);
    op.dims[FX_M] = op.dims[FX_N] = op.dims[FX_K] = 4000000000ull; /* 6.4e28 MACs */
    m = ts_model_new_from_levels(a.storage, FX_NLEVELS, &a.mac, 1e9, &op, NULL, &error);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_PTR_NOT_NULL(error && strstr(error->message, "too large"));
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("model", NULL, NULL);
    CU_add_test(s, "fixed_mapping_counts", test_fixed_mapping_counts);
    CU_add_test(s, "bypass", test_bypass);
    CU_add_test(s, "fill_and_update_bandwidth", test_fill_and_update_bandwidth);
    CU_add_test(s, "invalid_reasons", test_invalid_reasons);
    CU_add_test(s, "outermost_bypass", test_outermost_bypass);
    CU_add_test(s, "multiple_buffering_and_min_utilization",
                test_multiple_buffering_and_min_utilization);
    CU_add_test(s, "zero_capacity_level", test_zero_capacity_level);
    CU_add_test(s, "spatial_reduction", test_spatial_reduction);
    CU_add_test(s, "precision_packing", test_precision_packing);
    CU_add_test(s, "first_read_elision_option", test_first_read_elision_option);
    CU_add_test(s, "sliding_window", test_sliding_window);
    CU_add_test(s, "sliding_window_literal", test_sliding_window_literal);
    CU_add_test(s, "stride_change_refetch", test_stride_change_refetch);
    CU_add_test(s, "two_container_multicast", test_two_container_multicast);
    CU_add_test(s, "leakage_and_area", test_leakage_and_area);
    CU_add_test(s, "threads_share_model", test_threads_share_model);
    CU_add_test(s, "random_mappings", test_random_mappings);
    CU_add_test(s, "bad_model_inputs", test_bad_model_inputs);
    return ts_test_run(argc, argv);
}
