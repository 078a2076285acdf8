/* Unit tests of the mapping module: Timeloop-format reading (all accepted spellings), writing
 * and the round trip, every reader error with its file:line:col message, semantic equality,
 * the map.txt loop-nest view and the directive diff. Inputs are inline YAML strings. */
#include <stdio.h>
#include <string.h>

#include "ts-mapping-private.h"
#include "ts-model-fixture.h"
#include "ts-test.h"

static const char *const fixed_yaml = "# the model_qkv_eyeriss_fixed mapping\n"
                                      "mapping:\n"
                                      "  - target: RegisterFile\n"
                                      "    type: datatype\n"
                                      "    keep: [ Weights, Inputs, Outputs ]\n"
                                      "    bypass: []\n"
                                      "  - target: RegisterFile\n"
                                      "    type: temporal\n"
                                      "    factors: M1 N1 K16\n"
                                      "    permutation: KMN\n"
                                      "  - target: GlobalBuffer\n"
                                      "    type: spatial\n"
                                      "    factors: M16 N16 K1\n"
                                      "    permutation: NMK\n"
                                      "    split: 1\n"
                                      "  - target: GlobalBuffer\n"
                                      "    type: temporal\n"
                                      "    factors: M8 N1 K12\n"
                                      "    permutation: KMN\n"
                                      "  - target: DRAM\n"
                                      "    type: temporal\n"
                                      "    factors: M1 N48 K4\n"
                                      "    permutation: NKM\n";

typedef struct {
    FxArch arch;
    TsOp op;
    TsModel *model;
    TsMappingLevels levels;
} Ctx;

static void ctx_init(Ctx *c)
{
    fx_arch(&c->arch);
    fx_gemm(&c->op, 128, 768, 768);
    c->model = ts_model_new_from_levels(c->arch.storage, FX_NLEVELS, &c->arch.mac, 1e9, &c->op,
                                        NULL, NULL);
    ts_mapping_levels_from_model(&c->levels, c->model);
}

static gboolean parse(const Ctx *c, const char *text, TsMapping *out, GError **error)
{
    g_autoptr(TsDoc) doc = ts_doc_load_string("map.yaml", text, -1, NULL, error);
    if (doc == NULL)
        return FALSE;
    return ts_mapping_parse(doc->root, &c->levels, &c->op, out, error);
}

static void test_read_fixed(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping got, want;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(parse(&c, fixed_yaml, &got, &error));
    fx_fixed_mapping(&want, &c.op);
    CU_ASSERT_TRUE(ts_mapping_equal(&got, &want));
    CU_ASSERT_EQUAL(got.level[FX_GLB].spatial_x[FX_N], 16);
    CU_ASSERT_EQUAL(got.level[FX_GLB].spatial_y[FX_M], 16);
    CU_ASSERT_EQUAL(got.level[FX_DRAM].permutation[0], FX_N);
    CU_ASSERT_EQUAL(got.level[FX_DRAM].permutation[1], FX_K);
    CU_ASSERT_EQUAL(got.level[FX_GLB].keep, 7);
    ts_model_free(c.model);
}

/* Other spellings Timeloop files use: K=4 tokens, factor lists, permutation lists, a factor
 * mapping, the older `bypass` type, no split (all X), a level without a datatype directive. */
static void test_read_spellings(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping a, b;
    g_autoptr(GError) error = NULL;
    const char *text =
        "mapping:\n"
        "- {target: RegisterFile, type: temporal, factors: [K=16], permutation: [K, M, N]}\n"
        "- target: GlobalBuffer\n  type: spatial\n  factors: \"N=16\"\n  permutation: N M K\n"
        "- target: GlobalBuffer\n  type: temporal\n  factors: {M: 128, K: 12}\n"
        "  permutation: K,M\n"
        "- target: GlobalBuffer\n  type: bypass\n  bypass: [Weights]\n"
        "- target: DRAM\n  type: temporal\n  factors: N3 K4\n";
    CU_ASSERT_TRUE_FATAL(parse(&c, text, &a, &error));
    CU_ASSERT_EQUAL(a.level[FX_RF].temporal[FX_K], 16);
    CU_ASSERT_EQUAL(a.level[FX_RF].temporal[FX_M], 1);
    CU_ASSERT_EQUAL(a.level[FX_GLB].spatial_x[FX_N], 16); /* no split: X */
    CU_ASSERT_EQUAL(a.level[FX_GLB].spatial_y[FX_N], 1);
    CU_ASSERT_EQUAL(a.level[FX_GLB].temporal[FX_M], 128);
    CU_ASSERT_EQUAL(a.level[FX_GLB].permutation[0], FX_K);
    CU_ASSERT_EQUAL(a.level[FX_GLB].permutation[1], FX_M);
    CU_ASSERT_EQUAL(a.level[FX_GLB].permutation[2], FX_N); /* unlisted: outermost */
    CU_ASSERT_EQUAL(a.level[FX_GLB].keep, (1u << FX_I) | (1u << FX_O));
    CU_ASSERT_EQUAL(a.level[FX_DRAM].keep, 7); /* no datatype directive: keeps all */
    CU_ASSERT_EQUAL(a.level[FX_DRAM].temporal[FX_M], 1);
    /* A bare directive list (no `mapping:` key) reads the same. */
    const char *list = strchr(text, '\n') + 1;
    CU_ASSERT_TRUE_FATAL(parse(&c, list, &b, &error));
    CU_ASSERT_TRUE(ts_mapping_equal(&a, &b));
    ts_model_free(c.model);
}

static void round_trip(const Ctx *c, const TsMapping *m)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *yaml = ts_mapping_write(m, &c->levels, &c->op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
    TsMapping back;
    CU_ASSERT_TRUE_FATAL(parse(c, yaml, &back, &error));
    CU_ASSERT_TRUE(ts_mapping_equal(m, &back));
    g_autofree char *again = ts_mapping_write(&back, &c->levels, &c->op, &error);
    CU_ASSERT_STRING_EQUAL(yaml, again);
}

static void test_round_trip(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping m;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(parse(&c, fixed_yaml, &m, &error));
    round_trip(&c, &m);
    /* with bypass, Y and X on several dims, non-trivial permutations everywhere */
    m.level[FX_GLB].keep = 1u << FX_O | 1u << FX_I;
    m.level[FX_RF].keep = 1u << FX_W;
    m.level[FX_GLB].spatial_x[FX_K] = 2;
    m.level[FX_GLB].spatial_y[FX_N] = 1;
    round_trip(&c, &m);
    /* the model reads the written mapping back with the same cost */
    g_autofree char *yaml = ts_mapping_write(&m, &c.levels, &c.op, &error);
    TsMapping back;
    CU_ASSERT_TRUE_FATAL(parse(&c, yaml, &back, &error));
    TsCost x, y;
    CU_ASSERT_EQUAL(ts_model_evaluate(c.model, &m, &x), ts_model_evaluate(c.model, &back, &y));
    CU_ASSERT_DOUBLE_EQUAL(x.energy_pj, y.energy_pj, 0);

    /* random mappings of a multi-letter-dimension op round-trip too */
    TsOp op2;
    fx_gemm(&op2, 64, 96, 48);
    op2.dim_names[FX_M] = "Seq";
    op2.dim_names[FX_N] = "Hid2";
    op2.dim_names[FX_K] = "Red";
    Ctx c2 = c;
    c2.op = op2;
    GRand *rng = g_rand_new_with_seed((guint32)ts_test_seed(777));
    for (guint iter = 0; iter < 200; iter++) {
        TsMapping r;
        ts_mapping_init(&r, FX_NLEVELS, &op2);
        for (guint l = 0; l < FX_NLEVELS; l++) {
            for (guint d = 0; d < 3; d++) {
                r.level[l].temporal[d] = (uint32_t)g_rand_int_range(rng, 1, 9);
                if (l == FX_GLB) {
                    uint32_t f = (uint32_t)g_rand_int_range(rng, 1, 5);
                    if (g_rand_boolean(rng))
                        r.level[l].spatial_x[d] = f;
                    else
                        r.level[l].spatial_y[d] = f;
                }
            }
            for (guint i = 2; i > 0; i--) {
                guint j = (guint)g_rand_int_range(rng, 0, (gint32)i + 1);
                uint8_t t = r.level[l].permutation[i];
                r.level[l].permutation[i] = r.level[l].permutation[j];
                r.level[l].permutation[j] = t;
                t = r.level[l].spatial_permutation[i];
                r.level[l].spatial_permutation[i] = r.level[l].spatial_permutation[j];
                r.level[l].spatial_permutation[j] = t;
            }
            r.level[l].keep = (uint8_t)g_rand_int_range(rng, 0, 8);
        }
        round_trip(&c2, &r);
    }
    g_rand_free(rng);
    ts_model_free(c.model);
}

/* Each reader error: code and the message with position, path and value. */
static void expect_error(const Ctx *c, const char *text, TsConfigError code, const char *needle)
{
    TsMapping m;
    g_autoptr(GError) error = NULL;
    gboolean ok = parse(c, text, &m, &error);
    CU_ASSERT_FALSE(ok);
    if (ok)
        return;
    fprintf(stderr, "    %s\n", error->message);
    CU_ASSERT(g_error_matches(error, TS_CONFIG_ERROR, code));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
}

/* A dimension split over both X and Y at one level is written as the level's X part and Y
 * part in two spatial directives; the reader takes them back. */
static void test_write_split_xy(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping m, back;
    fx_fixed_mapping(&m, &c.op);
    m.level[FX_GLB].spatial_x[FX_M] = 2; /* M on both X (2) and Y (16) */
    m.level[FX_GLB].temporal[FX_M] = 4;
    g_autoptr(GError) error = NULL;
    g_autofree char *yaml = ts_mapping_write(&m, &c.levels, &c.op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
    CU_ASSERT_PTR_NOT_NULL(strstr(yaml, "split: 0"));
    CU_ASSERT_TRUE_FATAL(parse(&c, yaml, &back, &error));
    CU_ASSERT_TRUE(ts_mapping_equal(&m, &back));
    CU_ASSERT_EQUAL(back.level[FX_GLB].spatial_x[FX_M], 2);
    CU_ASSERT_EQUAL(back.level[FX_GLB].spatial_y[FX_M], 16);
    ts_model_free(c.model);
}

/* Timeloop v0.4 inputs: the older `dataspace` type, containers named as targets (or as the
 * inter_<container>_spatial levels timeloopfe generates), with an Eyeriss-like fan-out made
 * of a PE_column container along X and a PE container along Y below the GlobalBuffer. */
static void test_read_containers(void)
{
    Ctx c;
    ctx_init(&c);
    c.levels.n_stages[FX_GLB] = 2;
    c.levels.stages[FX_GLB][0] = (TsFanoutStage){"PE_column", 16, 1};
    c.levels.stages[FX_GLB][1] = (TsFanoutStage){"PE", 1, 16};
    const char *text = "mapping:\n"
                       "- {target: RegisterFile, type: dataspace, keep: [Weights], bypass: "
                       "[Inputs, Outputs]}\n"
                       "- {target: inter_PE_spatial, type: datatype, keep: [], bypass: [Weights, "
                       "Inputs, Outputs]}\n"
                       "- {target: inter_PE_spatial, type: temporal, factors: M1 N1 K1}\n"
                       "- {target: inter_PE_spatial, type: spatial, factors: M8 N1 K2, "
                       "permutation: MKN, split: 0}\n"
                       "- {target: PE_column, type: spatial, factors: N16, permutation: NMK, "
                       "split: 1}\n";
    TsMapping m;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(parse(&c, text, &m, &error));
    CU_ASSERT_EQUAL(m.level[FX_RF].keep, 1u << FX_W);
    CU_ASSERT_EQUAL(m.level[FX_GLB].spatial_x[FX_N], 16);
    CU_ASSERT_EQUAL(m.level[FX_GLB].spatial_y[FX_M], 8);
    CU_ASSERT_EQUAL(m.level[FX_GLB].spatial_y[FX_K], 2);
    /* written back per container, read back equal */
    g_autofree char *yaml = ts_mapping_write(&m, &c.levels, &c.op, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(yaml);
    CU_ASSERT_PTR_NOT_NULL(strstr(yaml, "target: PE_column"));
    CU_ASSERT_PTR_NOT_NULL(strstr(yaml, "target: PE\n"));
    TsMapping back;
    CU_ASSERT_TRUE_FATAL(parse(&c, yaml, &back, &error));
    CU_ASSERT_TRUE(ts_mapping_equal(&m, &back));
    /* a container holds nothing and has no temporal loops; its factors fit its own mesh */
    expect_error(&c, "mapping:\n- {target: PE, type: datatype, keep: [Inputs]}\n",
                 TS_CONFIG_ERROR_INVALID,
                 "'PE' is a container (part of the fan-out below GlobalBuffer): it holds no "
                 "tensors, so it cannot keep Inputs");
    expect_error(&c, "mapping:\n- {target: inter_PE_column_spatial, type: temporal, factors: M2}\n",
                 TS_CONFIG_ERROR_INVALID, "its factors must be 1 (got M=2)");
    expect_error(&c, "mapping:\n- {target: PE, type: spatial, factors: M4, split: 1}\n",
                 TS_CONFIG_ERROR_RANGE,
                 "container PE spans 1x16 (meshX x meshY); spatial factors need 4x1");
    expect_error(&c, "mapping:\n- {target: PE_colum, type: spatial}\n", TS_CONFIG_ERROR_REFERENCE,
                 "did you mean 'PE_column'?");
    ts_model_free(c.model);
}

static void test_read_errors(void)
{
    Ctx c;
    ctx_init(&c);
    expect_error(&c, "mapping:\n- target: GlobalBufer\n  type: temporal\n",
                 TS_CONFIG_ERROR_REFERENCE,
                 "map.yaml:2:11: mapping[0].target: unknown storage level 'GlobalBufer' (did you "
                 "mean 'GlobalBuffer'?)");
    expect_error(&c, "mapping:\n- target: MACC\n  type: temporal\n", TS_CONFIG_ERROR_REFERENCE,
                 "'MACC' is the compute level, not a storage level");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporl\n", TS_CONFIG_ERROR_REFERENCE,
                 "map.yaml:3:9: mapping[0].type: unknown directive type 'temporl' (did you mean "
                 "'temporal'?)");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  factors: M1 X4\n",
                 TS_CONFIG_ERROR_REFERENCE,
                 "map.yaml:4:12: mapping[0].factors: unknown dimension 'X'");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  factors: M\n",
                 TS_CONFIG_ERROR_TYPE,
                 "expected factors as NAME<number> or NAME=<number> (got "
                 "'M')");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  factors: M0\n",
                 TS_CONFIG_ERROR_RANGE, "factor of M must be in [1, 4294967295] (got 0)");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  factors: M2 M4\n",
                 TS_CONFIG_ERROR_DUPLICATE, "dimension M is given twice (got 'M4')");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  permutation: MKM\n",
                 TS_CONFIG_ERROR_DUPLICATE, "dimension M appears twice in the permutation");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  permutation: MQ\n",
                 TS_CONFIG_ERROR_REFERENCE, "unknown dimension 'Q'");
    expect_error(&c,
                 "mapping:\n- target: DRAM\n  type: temporal\n- target: DRAM\n  type: temporal\n",
                 TS_CONFIG_ERROR_DUPLICATE,
                 "map.yaml:4:11: mapping[1].target: a second temporal directive for DRAM (the "
                 "first is at line 2)");
    expect_error(&c,
                 "mapping:\n- {target: GlobalBuffer, type: spatial, factors: M2, split: 3}\n"
                 "- {target: GlobalBuffer, type: spatial, factors: N2, split: 3}\n",
                 TS_CONFIG_ERROR_DUPLICATE,
                 "a second spatial directive for GlobalBuffer (the first is at line 2); two are "
                 "accepted only when one puts every factor on X and the other every factor on Y");
    expect_error(&c,
                 "mapping:\n- target: DRAM\n  type: datatype\n  keep: [Inputs]\n  bypass: "
                 "[Inputs]\n",
                 TS_CONFIG_ERROR_INVALID, "tensor Inputs is both kept and bypassed at DRAM");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: datatype\n  keep: [Input]\n",
                 TS_CONFIG_ERROR_REFERENCE,
                 "mapping[0].keep[0]: unknown tensor 'Input' (did you mean 'Inputs'?)");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  fctors: M1\n",
                 TS_CONFIG_ERROR_UNKNOWN_KEY, "unknown key 'fctors' (did you mean 'factors'?)");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  split: 1\n",
                 TS_CONFIG_ERROR_UNKNOWN_KEY,
                 "mapping[0].split: 'split' does not apply to a temporal directive");
    expect_error(&c, "mapping:\n- target: GlobalBuffer\n  type: spatial\n  split: 9\n",
                 TS_CONFIG_ERROR_RANGE,
                 "split must be in [0, 3], the number of dimensions (got 9)");
    expect_error(&c, "mapping:\n- target: DRAM\n", TS_CONFIG_ERROR_MISSING,
                 "mapping[0]: missing key 'type'");
    expect_error(&c, "mapping:\n- type: temporal\n", TS_CONFIG_ERROR_MISSING,
                 "mapping[0]: missing key 'target'");
    expect_error(&c, "mapping: 3\n", TS_CONFIG_ERROR_TYPE, "expected a list of directives");
    expect_error(&c, "mapping:\n- 3\n", TS_CONFIG_ERROR_TYPE, "mapping[0]: expected a directive");
    expect_error(&c, "problem: {}\n", TS_CONFIG_ERROR_MISSING, "missing key 'mapping'");
    expect_error(&c, "mappings: []\n", TS_CONFIG_ERROR_UNKNOWN_KEY,
                 "unknown key 'mappings' (did you mean 'mapping'?)");
    expect_error(&c, "mapping:\n- target: DRAM\n  type: temporal\n  factors: [[M1]]\n",
                 TS_CONFIG_ERROR_TYPE, "expected a factor such as K=4");
    ts_model_free(c.model);
}

static void test_equal_ignores_trivial_loops(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping a, b;
    fx_fixed_mapping(&a, &c.op);
    b = a;
    /* RF has only K non-trivial: its M/N order does not matter */
    b.level[FX_RF].permutation[1] = FX_N;
    b.level[FX_RF].permutation[2] = FX_M;
    CU_ASSERT_TRUE(ts_mapping_equal(&a, &b));
    /* GLB has M8 K12: swapping them does */
    b = a;
    b.level[FX_GLB].permutation[0] = FX_M;
    b.level[FX_GLB].permutation[1] = FX_K;
    CU_ASSERT_FALSE(ts_mapping_equal(&a, &b));
    b = a;
    b.level[FX_GLB].keep = 3;
    CU_ASSERT_FALSE(ts_mapping_equal(&a, &b));
    ts_model_free(c.model);
}

/* The loop nest reproduces Timeloop's map.txt for the fixed mapping, byte for byte. */
static void test_nest_text(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping m;
    fx_fixed_mapping(&m, &c.op);
    g_autofree char *text = ts_model_format_nest(c.model, &m);
    const char *want =
        "\n"
        "DRAM [ Weights:589824 (589824) Inputs:98304 (98304) Outputs:98304 (98304) ] \n"
        "---------------------------------------------------------------------------\n"
        "| for K in [0:4)\n"
        "|   for N in [0:48)\n"
        "\n"
        "GlobalBuffer [ Weights:3072 (3072) Inputs:24576 (24576) Outputs:2048 (2048) ] \n"
        "-----------------------------------------------------------------------------\n"
        "|     for M in [0:8)\n"
        "|       for K in [0:12)\n"
        "|         for M in [0:16) (Spatial-Y)\n"
        "|           for N in [0:16) (Spatial-X)\n"
        "\n"
        "RegisterFile [ Weights:16 (16) Inputs:16 (16) Outputs:1 (1) ] \n"
        "-------------------------------------------------------------\n"
        "|             for K in [0:16)\n"
        "\n";
    CU_ASSERT_STRING_EQUAL(text, want);
    /* with the reference map.txt when present */
    g_autofree char *ref = ts_test_reference_path("timeloop/cases/model_qkv_eyeriss_fixed/map.txt");
    g_autofree char *contents = NULL;
    if (ref && g_file_get_contents(ref, &contents, NULL, NULL))
        CU_ASSERT_STRING_EQUAL(text, contents);
    ts_model_free(c.model);
}

static void test_diff(void)
{
    Ctx c;
    ctx_init(&c);
    TsMapping a, b;
    fx_fixed_mapping(&a, &c.op);
    b = a;
    g_autofree char *same = ts_model_mapping_diff(c.model, &a, &b);
    CU_ASSERT_STRING_EQUAL(same, "");
    b.level[FX_GLB].keep = 6;
    b.level[FX_DRAM].permutation[0] = FX_K;
    b.level[FX_DRAM].permutation[1] = FX_N;
    g_autofree char *d = ts_model_mapping_diff(c.model, &a, &b);
    CU_ASSERT_STRING_EQUAL(d, "DRAM temporal: K4 N48 (outermost first) | N48 K4 (outermost first)\n"
                              "GlobalBuffer datatype: keep Weights, Inputs, Outputs | keep Inputs, "
                              "Outputs\n");
    ts_model_free(c.model);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("mapping", NULL, NULL);
    CU_add_test(s, "read_fixed", test_read_fixed);
    CU_add_test(s, "read_spellings", test_read_spellings);
    CU_add_test(s, "round_trip", test_round_trip);
    CU_add_test(s, "write_split_xy", test_write_split_xy);
    CU_add_test(s, "read_errors", test_read_errors);
    CU_add_test(s, "read_containers", test_read_containers);
    CU_add_test(s, "equal_ignores_trivial_loops", test_equal_ignores_trivial_loops);
    CU_add_test(s, "nest_text", test_nest_text);
    CU_add_test(s, "diff", test_diff);
    return ts_test_run(argc, argv);
}
