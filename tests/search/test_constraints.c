/* Constraint files: every accepted form (Timeloop v0.4 targets, older lists, `mapspace`
 * roots, bare lists, tilesim's per-level form, v0.4 arch-embedded blocks), Timeloop's factor
 * semantics (=, <=, >=, 0 = whole dimension, clamping), permutations and splits, keep/bypass,
 * utilization, and every bad input with its file:line:col message. */
#include <stdio.h>
#include <string.h>

#include "search-fixture.h"
#include "ts-constraints.h"
#include "ts-test.h"

#include <glib/gstdio.h>

typedef struct {
    SxArch a;
    TsOp op;
} Fx;

static void fx(Fx *f)
{
    sx_arch3(&f->a);
    sx_gemm(&f->op, 12, 8, 6);
}

/* Loads text and resolves it; returns the rules through out (when not NULL). */
static gboolean resolve(const Fx *f, const char *text, TsRules *out, GError **error,
                        TsConstraints **keep)
{
    TsConstraints *c = ts_constraints_new();
    TsRules rules;
    gboolean ok = ts_constraints_load_string(c, "c.yaml", text, error) &&
                  ts_constraints_resolve(c, &f->a.space, &f->op, &rules, error);
    if (ok && out)
        *out = rules;
    if (keep)
        *keep = c;
    else
        ts_constraints_free(c);
    return ok;
}

static void expect_error(const Fx *f, const char *text, TsConfigError code, const char *needle)
{
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(resolve(f, text, NULL, &error, NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT(error->domain == TS_CONFIG_ERROR);
    if (error->code != (gint)code)
        fprintf(stderr, "code %d, want %d: %s\n", error->code, code, error->message);
    CU_ASSERT_EQUAL(error->code, code);
    if (strstr(error->message, needle) == NULL)
        fprintf(stderr, "message: %s\nwant:    %s\n", error->message, needle);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, needle));
}

static void test_timeloop_v04(void)
{
    Fx f;
    fx(&f);
    TsRules r;
    g_autoptr(GError) error = NULL;
    const char *text = "constraints:\n"
                       "  version: 0.4\n"
                       "  targets:\n"
                       "    - {target: DRAM, type: temporal, factors: [M=3, K>=2, N<=4],"
                       " permutation: [K, M]}\n"
                       "    - {target: Buffer, type: spatial, factors: [N=2], permutation: [N, M],"
                       " split: 1}\n"
                       "    - {target: RF, type: dataspace, keep: [Weights], bypass: [Outputs]}\n"
                       "    - {target: RF, type: utilization, min: 0.5}\n";
    CU_ASSERT_TRUE_FATAL(resolve(&f, text, &r, &error, NULL));
    CU_ASSERT_EQUAL(r.level[0].temporal[SX_M].exact, 3);
    CU_ASSERT_EQUAL(r.level[0].temporal[SX_K].min, 2);
    CU_ASSERT_EQUAL(r.level[0].temporal[SX_N].max, 4);
    CU_ASSERT_EQUAL(r.level[0].n_perm, 2);
    CU_ASSERT_EQUAL(r.level[0].perm[0], SX_K);
    CU_ASSERT_EQUAL(r.level[0].perm[1], SX_M);
    CU_ASSERT_EQUAL(r.level[1].spatial[SX_N].exact, 2);
    CU_ASSERT_EQUAL(r.level[1].axis[SX_N], TS_AXIS_X); /* first `split` names go to X */
    CU_ASSERT_EQUAL(r.level[1].axis[SX_M], TS_AXIS_Y);
    CU_ASSERT_EQUAL(r.level[1].axis[SX_K], TS_AXIS_Y); /* unlisted: after the listed ones */
    CU_ASSERT_EQUAL(r.level[2].keep, 1u << SX_W);
    CU_ASSERT_EQUAL(r.level[2].bypass, 1u << SX_O);
    CU_ASSERT_DOUBLE_EQUAL(r.min_compute_utilization, 0.5, 1e-12);
    CU_ASSERT_PTR_NOT_NULL(r.level[0].temporal[SX_M].where);
}

static void test_older_forms(void)
{
    Fx f;
    fx(&f);
    TsRules r;
    g_autoptr(GError) error = NULL;
    /* mapspace_constraints list, string factors (with and without '='), string permutation,
     * the datatype type, numeric target (0 = innermost), 0 = whole dimension. */
    const char *text = "mapspace_constraints:\n"
                       "  - target: Buffer\n    type: temporal\n    factors: M2 N=0 K1\n"
                       "    permutation: KNM\n"
                       "  - target: 0\n    type: datatype\n    keep: [Inputs]\n    bypass: []\n";
    CU_ASSERT_TRUE_FATAL(resolve(&f, text, &r, &error, NULL));
    CU_ASSERT_EQUAL(r.level[1].temporal[SX_M].exact, 2);
    CU_ASSERT_EQUAL(r.level[1].temporal[SX_N].exact, 8);
    CU_ASSERT_EQUAL(r.level[1].temporal[SX_K].exact, 1);
    /* K is fixed to 1 there: dropped from the required order */
    CU_ASSERT_EQUAL(r.level[1].n_perm, 2);
    CU_ASSERT_EQUAL(r.level[1].perm[0], SX_N);
    CU_ASSERT_EQUAL(r.level[2].keep, 1u << SX_I);
    /* mapspace: {targets} with the bypassing type, and a bare list */
    CU_ASSERT_TRUE(resolve(&f,
                           "mapspace:\n  targets:\n  - {target: Buffer, type: bypassing, "
                           "keep: [], bypass: [Inputs, Outputs]}\n",
                           &r, &error, NULL));
    CU_ASSERT_EQUAL(r.level[1].bypass, (1u << SX_I) | (1u << SX_O));
    CU_ASSERT_TRUE(resolve(&f, "- {target: RF, type: temporal, factors: K=6}\n", &r, &error, NULL));
    CU_ASSERT_EQUAL(r.level[2].temporal[SX_K].exact, 6);
    /* empty file, empty list */
    CU_ASSERT_TRUE(resolve(&f, "", &r, &error, NULL));
    CU_ASSERT_TRUE(resolve(&f, "mapspace_constraints: []\n", &r, &error, NULL));
}

static void test_tilesim_form_and_notes(void)
{
    Fx f;
    fx(&f);
    TsRules r;
    g_autoptr(GError) error = NULL;
    TsConstraints *c = NULL;
    const char *text = "constraints:\n"
                       "  format: tilesim\n"
                       "  levels:\n"
                       "    Buffer:\n"
                       "      temporal: {factors: \"K=3\", permutation: [M]}\n"
                       "      spatial: {factors: [M=2], min_utilization: 0.5}\n"
                       "      dataspace: {keep: [Outputs]}\n"
                       "    DRAM:\n"
                       "      temporal: {factors: [N=16], maximize_dims: [[N]]}\n"
                       "  min_compute_utilization: 0.25\n";
    CU_ASSERT_TRUE_FATAL(resolve(&f, text, &r, &error, &c));
    CU_ASSERT_EQUAL(r.level[1].temporal[SX_K].exact, 3);
    CU_ASSERT_EQUAL(r.level[1].spatial[SX_M].exact, 2);
    CU_ASSERT_DOUBLE_EQUAL(r.level[1].min_spatial_utilization, 0.5, 1e-12);
    CU_ASSERT_EQUAL(r.level[1].keep, 1u << SX_O);
    CU_ASSERT_DOUBLE_EQUAL(r.min_compute_utilization, 0.25, 1e-12);
    /* N=16 exceeds N (8): clamped to 8 as Timeloop does, with a note; maximize_dims noted */
    CU_ASSERT_EQUAL(r.level[0].temporal[SX_N].exact, 8);
    CU_ASSERT_EQUAL(ts_constraints_n_notes(c), 2);
    gboolean clamp = FALSE, hint = FALSE;
    for (guint i = 0; i < ts_constraints_n_notes(c); i++) {
        clamp |= strstr(ts_constraints_note(c, i), "taken as N=8") != NULL;
        hint |= strstr(ts_constraints_note(c, i), "c.yaml:9:") != NULL &&
                strstr(ts_constraints_note(c, i), "maximize_dims") != NULL;
    }
    CU_ASSERT_TRUE(clamp);
    CU_ASSERT_TRUE(hint);
    ts_constraints_free(c);
}

static void test_respecification(void)
{
    Fx f;
    fx(&f);
    TsRules r;
    g_autoptr(GError) error = NULL;
    /* the same factor twice, and orders that agree once unit loops are dropped: accepted */
    CU_ASSERT_TRUE(resolve(&f,
                           "- {target: RF, type: temporal, factors: [K=2, M=1],"
                           " permutation: [M, K, N]}\n"
                           "- {target: RF, type: temporal, factors: [K=2], permutation: [K, N]}\n",
                           &r, &error, NULL));
    CU_ASSERT_EQUAL(r.level[2].n_perm, 2);
    expect_error(&f,
                 "- {target: RF, type: temporal, factors: [K=2]}\n"
                 "- {target: RF, type: temporal, factors: [K=3]}\n",
                 TS_CONFIG_ERROR_DUPLICATE,
                 "c.yaml:2:41: [1].factors: temporal factor K=3 conflicts with K=2 set at "
                 "c.yaml:1:41");
    expect_error(&f,
                 "- {target: DRAM, type: temporal, permutation: [K, N]}\n"
                 "- {target: DRAM, type: temporal, permutation: [N, K]}\n",
                 TS_CONFIG_ERROR_DUPLICATE,
                 "permutation of DRAM conflicts with the one at c.yaml:1");
    expect_error(&f,
                 "- {target: RF, type: dataspace, keep: [Inputs]}\n"
                 "- {target: RF, type: dataspace, bypass: [Inputs]}\n",
                 TS_CONFIG_ERROR_DUPLICATE, "keep/bypass of RF conflicts");
}

static void test_bad_inputs(void)
{
    Fx f;
    fx(&f);
    expect_error(&f, "- {target: GlobalBufer, type: temporal, factors: [K=2]}\n",
                 TS_CONFIG_ERROR_REFERENCE, "c.yaml:1:12: [0].target: unknown level 'GlobalBufer'");
    expect_error(&f, "- {target: Bufer, type: temporal, factors: [K=2]}\n",
                 TS_CONFIG_ERROR_REFERENCE,
                 "(did you mean 'Buffer'?) (storage levels: DRAM, Buffer, RF)");
    expect_error(&f, "- {target: RF, type: temporal, factors: [Q=2]}\n", TS_CONFIG_ERROR_REFERENCE,
                 "unknown dimension 'Q'");
    expect_error(
        &f, "- {target: RF, type: temporal, factors: [K=]}\n", TS_CONFIG_ERROR_TYPE,
        "c.yaml:1:42: [0].factors[0]: factor of K needs a non-negative integer (got 'K=')");
    expect_error(&f, "- {target: RF, type: temporal, factors: \"K=2 ?\"}\n", TS_CONFIG_ERROR_TYPE,
                 "expected DIM=N, DIM>=N or DIM<=N (got 'K=2 ?')");
    expect_error(&f, "- {target: RF, type: temporal, factors: [K>=0]}\n", TS_CONFIG_ERROR_RANGE,
                 "bound on K must be >= 1");
    expect_error(&f, "- {target: RF, type: dataspace, keep: [Weight]}\n", TS_CONFIG_ERROR_REFERENCE,
                 "unknown tensor 'Weight' (did you mean 'Weights'?)");
    expect_error(&f, "- {target: RF, type: dataspace, keep: [Inputs], bypass: [Inputs]}\n",
                 TS_CONFIG_ERROR_INVALID, "tensor Inputs is both kept and bypassed");
    expect_error(&f, "- {target: RF, type: temporl, factors: [K=2]}\n", TS_CONFIG_ERROR_REFERENCE,
                 "unknown constraint type 'temporl' (did you mean 'temporal'?)");
    expect_error(&f, "- {target: RF, type: temporal, factor: [K=2]}\n", TS_CONFIG_ERROR_UNKNOWN_KEY,
                 "factor");
    expect_error(&f, "- {type: temporal, factors: [K=2]}\n", TS_CONFIG_ERROR_MISSING,
                 "missing 'target'");
    expect_error(&f, "- {target: RF, type: temporal, keep: [Inputs]}\n", TS_CONFIG_ERROR_INVALID,
                 "'keep' does not apply to a temporal constraint");
    expect_error(&f, "- {target: RF, type: utilization}\n", TS_CONFIG_ERROR_MISSING,
                 "a utilization constraint needs 'min'");
    expect_error(&f, "- {target: RF, type: utilization, min: 1.5}\n", TS_CONFIG_ERROR_RANGE,
                 "utilization must be within 0 .. 1 (got 1.5)");
    expect_error(&f, "- {target: DRAM, type: spatial, factors: [K=2]}\n", TS_CONFIG_ERROR_INVALID,
                 "level DRAM has no spatial fan-out below it");
    expect_error(&f, "- {target: Buffer, type: spatial, factors: [K=2], split: 1}\n",
                 TS_CONFIG_ERROR_MISSING, "'split' needs a spatial 'permutation'");
    expect_error(&f, "- {target: 5, type: temporal, factors: [K=2]}\n", TS_CONFIG_ERROR_RANGE,
                 "storage level id 5 out of range 0..2");
    expect_error(&f, "architecture: {}\n", TS_CONFIG_ERROR_MISSING, "no constraints found");
    expect_error(&f, "constraints: {version: 0.4, targts: []}\n", TS_CONFIG_ERROR_UNKNOWN_KEY,
                 "targts");
    expect_error(&f, "- [1, 2]\n", TS_CONFIG_ERROR_TYPE, "expected a constraint mapping");
    expect_error(&f, "constraints: {levels: {RF: {temporal: {factor: K=2}}}}\n",
                 TS_CONFIG_ERROR_UNKNOWN_KEY, "factor");
    expect_error(&f, "- {target: RF, type: temporal, factors: [K=2]\n", TS_CONFIG_ERROR_SYNTAX,
                 "c.yaml");
}

/* Timeloop v0.4 architecture with embedded constraints and single-axis containers. */
static void test_arch_embedded(void)
{
    Fx f;
    fx(&f);
    g_autofree char *dir = g_dir_make_tmp("tilesim-cons-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "arch.yaml", NULL);
    const char *text = "architecture:\n"
                       "  version: 0.4\n"
                       "  nodes:\n"
                       "  - !Container {name: System}\n"
                       "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, "
                       "datawidth: 16}}\n"
                       "  - !Component\n"
                       "    name: Buffer\n"
                       "    class: SRAM\n"
                       "    attributes: {depth: 512, width: 64, datawidth: 16}\n"
                       "    constraints: {dataspace: {keep: [Inputs]}}\n"
                       "  - !Container\n"
                       "    name: Cols\n"
                       "    spatial: {meshX: 2}\n"
                       "    constraints: {spatial: {factors: [K=2]}, temporal: {factors: [M=1]}}\n"
                       "  - !Container\n"
                       "    name: Rows\n"
                       "    spatial: {meshY: 2}\n"
                       "    constraints: {spatial: {factors: [K=1]}}\n"
                       "  - !Component {name: RF, class: regfile, attributes: {depth: 16, "
                       "width: 16, datawidth: 16}}\n"
                       "  - !Component {name: MAC, class: intmac, attributes: {datawidth: 16}}\n";
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
    g_autoptr(TsConstraints) c = ts_constraints_new();
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_constraints_load_arch_file(c, path, &error));
    /* the containers come from the architecture's component view */
    g_autoptr(TsArch) arch = ts_arch_load(path, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(arch);
    TsSpaceArch sa;
    CU_ASSERT_TRUE_FATAL(ts_space_arch_from_arch(arch, &sa, &error));
    CU_ASSERT_EQUAL_FATAL(sa.n_levels, 3);
    CU_ASSERT_EQUAL_FATAL(sa.n_aliases, 2);
    CU_ASSERT_STRING_EQUAL(sa.alias_name[0], "Cols");
    CU_ASSERT_EQUAL(sa.alias_level[0], 1);
    CU_ASSERT_EQUAL(sa.alias_axis[0], TS_AXIS_X);
    CU_ASSERT_EQUAL(sa.alias_axis[1], TS_AXIS_Y);
    TsRules r;
    CU_ASSERT_TRUE_FATAL(ts_constraints_resolve(c, &sa, &f.op, &r, &error));
    CU_ASSERT_EQUAL(r.level[1].keep, 1u << SX_I);
    CU_ASSERT_EQUAL(r.level[1].spatial_x[SX_K].exact, 2);
    CU_ASSERT_EQUAL(r.level[1].spatial_y[SX_K].exact, 1);
    CU_ASSERT_TRUE(r.level[1].both_axes);
    /* a container cannot hold loops: a temporal factor > 1 there is refused */
    g_autoptr(TsConstraints) c2 = ts_constraints_new();
    CU_ASSERT_TRUE_FATAL(ts_constraints_load_arch_file(c2, path, &error));
    CU_ASSERT_TRUE_FATAL(ts_constraints_load_string(
        c2, "x.yaml", "- {target: Rows, type: temporal, factors: [M=2]}\n", &error));
    CU_ASSERT_FALSE(ts_constraints_resolve(c2, &sa, &f.op, &r, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "'Rows' is a container without temporal loops"));
    g_clear_error(&error);
    /* timeloopfe's generated name for a container targets the same fan-out */
    g_autoptr(TsConstraints) c3 = ts_constraints_new();
    CU_ASSERT_TRUE_FATAL(ts_constraints_load_string(
        c3, "y.yaml", "- {target: inter_Cols_spatial, type: spatial, factors: [M=2]}\n", &error));
    CU_ASSERT_TRUE_FATAL(ts_constraints_resolve(c3, &sa, &f.op, &r, &error));
    CU_ASSERT_EQUAL(r.level[1].spatial_x[SX_M].exact, 2);
    g_unlink(path);
    g_rmdir(dir);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("constraints", NULL, NULL);
    CU_add_test(s, "Timeloop v0.4 targets", test_timeloop_v04);
    CU_add_test(s, "older Timeloop forms", test_older_forms);
    CU_add_test(s, "tilesim form and notes", test_tilesim_form_and_notes);
    CU_add_test(s, "re-specification", test_respecification);
    CU_add_test(s, "bad inputs", test_bad_inputs);
    CU_add_test(s, "v0.4 arch-embedded constraints", test_arch_embedded);
    return ts_test_run(argc, argv);
}
