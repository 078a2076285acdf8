/* Unit tests of sweep/: sweep files (values, ranges, zip and cross, explicit points and points
 * files, templates, conditional blocks, named parameters) and their errors; the Timeloop
 * experiments' hw_configs.json loading as it is (and the shipped gemmini example holding the
 * same points); design points built from edited documents (an invalid point carries the
 * loader's message); the analytical engine with and without the sub-problem store (identical
 * results); systolic fold timing charged (the setting in the store's key and the settings);
 * exact result round trips; the database (never overwritten, one row per point,
 * resume checks). */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "ts-sweep.h"
#include "ts-test.h"

static char *tmpdir;

static char *write_tmp(const char *name, const char *text)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_assert(g_file_set_contents(path, text, -1, NULL));
    return path;
}

static TsSweep *load_text(const char *name, const char *text, const TsSweepLoadOptions *o,
                          GError **error)
{
    g_autofree char *path = write_tmp(name, text);
    return ts_sweep_load(path, o, error);
}

#define ASSERT_MSG(err, needle)                                                                    \
    do {                                                                                           \
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);                                                         \
        if (strstr((err)->message, (needle)) == NULL)                                              \
            fprintf(stderr, "\nmessage '%s' lacks '%s'\n", (err)->message, (needle));              \
        CU_ASSERT_PTR_NOT_NULL(strstr((err)->message, (needle)));                                  \
    } while (0)

static const char *kBase = "sweep:\n"
                           "  arch: eyeriss-like\n"
                           "  workload: bert-base\n"
                           "  ops: [KTQ, softmax]\n"
                           "  mapper: {budget: 800}\n";

static char *with_base(const char *rest)
{
    return g_strconcat(kBase, rest, NULL);
}

static const char *value(const TsSweep *s, guint point, const char *param)
{
    for (guint k = 0; k < ts_sweep_n_params(s); k++)
        if (strcmp(ts_sweep_param_name(s, k), param) == 0)
            return ts_sweep_value(s, point, k)->text;
    return NULL;
}

static void test_values_cross_zip_ranges(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *t1 =
        with_base("  parameters:\n"
                  "    glb_kb:\n"
                  "      values: [32, 64, 108]\n"
                  "      arch:\n"
                  "        levels[GlobalBuffer].attributes.size: \"${glb_kb}KB\"\n"
                  "    pe_x:\n"
                  "      range: {from: 2, to: 14, step: 6}\n"
                  "      arch: levels[PE_column].spatial.meshX\n");
    g_autoptr(TsSweep) s = load_text("cross.yaml", t1, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(ts_sweep_n_points(s), 9); /* 3 x {2, 8, 14}, first parameter slowest */
    CU_ASSERT_STRING_EQUAL(value(s, 0, "glb_kb"), "32");
    CU_ASSERT_STRING_EQUAL(value(s, 0, "pe_x"), "2");
    CU_ASSERT_STRING_EQUAL(value(s, 1, "pe_x"), "8");
    CU_ASSERT_STRING_EQUAL(value(s, 3, "glb_kb"), "64");
    CU_ASSERT_STRING_EQUAL(value(s, 8, "pe_x"), "14");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(s, 0), "arch");
    CU_ASSERT_STRING_EQUAL(ts_sweep_name(s), "cross");

    g_autofree char *t2 =
        with_base("  combine: zip\n"
                  "  parameters:\n"
                  "    depth:\n"
                  "      range: {from: 1024, to: 65536, steps: 7, scale: log}\n"
                  "      arch:\n"
                  "        levels[PE_column].levels[PE].levels[weights_spad].attributes.entries: "
                  "\"${depth // 64}\"\n"
                  "    seq:\n"
                  "      range: {from: 16, to: 1024, factor: 2}\n");
    g_autoptr(TsSweep) z = load_text("zip.yaml", t2, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    CU_ASSERT_EQUAL(ts_sweep_n_points(z), 7);
    CU_ASSERT_STRING_EQUAL(value(z, 0, "depth"), "1024");
    CU_ASSERT_STRING_EQUAL(value(z, 1, "depth"), "2048"); /* exact powers despite exp/log */
    CU_ASSERT_STRING_EQUAL(value(z, 6, "depth"), "65536");
    CU_ASSERT_STRING_EQUAL(value(z, 6, "seq"), "1024");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(z, 1), "workload option");

    g_autofree char *t3 = with_base(
        "  combine: zip\n"
        "  parameters:\n"
        "    a: {values: [1, 2], arch: \"levels[PE_column].spatial.meshX\"}\n"
        "    b: {values: [1, 2, 3], arch: \"levels[PE_column].levels[PE].spatial.meshY\"}\n");
    g_autoptr(TsSweep) bad = load_text("badzip.yaml", t3, NULL, &error);
    CU_ASSERT_PTR_NULL(bad);
    ASSERT_MSG(error, "zip needs value lists of one length: a has 2 values, b has 3");
}

static void test_points_templates_blocks(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *t =
        with_base("  parameters:\n"
                  "    pe_x:\n"
                  "      arch: levels[PE_column].spatial.meshX\n"
                  "    dataflow: {default: WS}\n"
                  "    note: {unused: \"a label for the report\"}\n"
                  "  constraints:\n"
                  "    - when: {dataflow: [OS, IS]}\n"
                  "      arch:\n"
                  "        levels[PE_column].levels[PE].levels[psum_spad].attributes.entries: "
                  "\"${pe_x * 4}\"\n"
                  "      targets:\n"
                  "        - {target: PE_column, type: spatial, factors: [\"E>=${pe_x // 2}\"]}\n"
                  "  points:\n"
                  "    - {pe_x: 14, note: first}\n"
                  "    - {pe_x: 7, dataflow: OS, note: second}\n");
    g_autoptr(TsSweep) s = load_text("points.yaml", t, NULL, &error);
    if (s == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(ts_sweep_n_points(s), 2);
    CU_ASSERT_STRING_EQUAL(value(s, 0, "dataflow"), "WS"); /* the default */
    CU_ASSERT_STRING_EQUAL(value(s, 1, "dataflow"), "OS");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(s, 1), "label");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(s, 2), "unused");
    gboolean noted = FALSE;
    for (const char *const *n = ts_sweep_notes(s); *n; n++)
        noted |= strstr(*n, "parameter note changes nothing: a label for the report") != NULL;
    CU_ASSERT_TRUE(noted);

    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    TsSweepEvalContext ctx = {1, NULL};
    TsSweepResult r0, r1;
    CU_ASSERT_TRUE(e->evaluate(s, 0, &ctx, &r0, &error));
    CU_ASSERT_TRUE(e->evaluate(s, 1, &ctx, &r1, &error));
    CU_ASSERT_EQUAL(r0.status, TS_SWEEP_OK);
    CU_ASSERT_EQUAL(r1.status, TS_SWEEP_OK);
    CU_ASSERT_EQUAL(r0.n_ops, 2);
    CU_ASSERT_STRING_EQUAL(r0.ops[0].name, "KTQ");
    CU_ASSERT_PTR_NOT_NULL(r0.ops[0].mapping);
    CU_ASSERT_PTR_NULL(r0.ops[1].mapping); /* softmax: vector op */
    /* KTQ on 14 vs 7 columns: a different mapping, a different cost */
    CU_ASSERT_NOT_EQUAL(r0.ops[0].cycles, r1.ops[0].cycles);
    ts_sweep_result_clear(&r0);
    ts_sweep_result_clear(&r1);

    /* points name only declared parameters */
    g_autofree char *t2 = with_base("  parameters:\n"
                                    "    pe_x: {arch: \"levels[PE_column].spatial.meshX\"}\n"
                                    "  points:\n"
                                    "    - {pe_x: 14, pe_xx: 3}\n");
    g_autoptr(TsSweep) bad = load_text("undeclared.yaml", t2, NULL, &error);
    CU_ASSERT_PTR_NULL(bad);
    ASSERT_MSG(error, "undeclared.yaml:9:18: sweep.points[0].pe_xx: 'pe_xx' is not a parameter "
                      "of the sweep (did you mean 'pe_x'?)");
}

static void test_spec_errors(void)
{
    struct {
        const char *text, *needle;
    } cases[] = {
        {"  parameters:\n    x: {values: [1, 2]}\n", "parameter x changes nothing"},
        {"  parameters:\n    x:\n      values: [1]\n      arch: "
         "levels[GlobalBufer].attributes.depth\n",
         "key path architecture.levels[GlobalBufer].attributes.depth does not resolve in the base "
         "architecture"},
        {"  parameters:\n    x:\n      values: [1]\n      arch: "
         "levels[GlobalBufer].attributes.depth\n",
         "did you mean 'GlobalBuffer'?"},
        {"  parameters:\n    status: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
         "'status' is a column of the results"},
        {"  parameters:\n    x:\n      range: {from: 0, to: 8, steps: 3, scale: log}\n"
         "      arch: levels[PE_column].spatial.meshX\n",
         "a log range needs from > 0 and to > 0"},
        {"  parameters:\n    x: {arch: \"levels[PE_column].spatial.meshX\"}\n",
         "parameter x has no values"},
        {"  parameters:\n    x:\n      values: [1]\n      arch: {levels[PE_column].spatial.meshX: "
         "\"${y+1}\"}\n",
         "YAML syntax error"},
        {"  parameters:\n    x:\n      values: [1]\n      arch:\n        "
         "levels[PE_column].spatial.meshX: "
         "\"${y+1}\"\n",
         "a template reads 'y', which is not a parameter"},
        {"  parameters:\n    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n"
         "  constraints:\n    - when: {xx: 1}\n      file: nope.yaml\n",
         "no such file"},
        {"  parameters:\n    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n"
         "  objectives: [energy, cycles, latency]\n",
         "names the same objective twice"},
        {"  parameters:\n    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n"
         "  bogus: 1\n",
         "bogus"},
        {"  parameters:\n    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n"
         "  op: KQV\n",
         "did you mean 'ops'?"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *t = with_base(cases[i].text);
        g_autofree char *name = g_strdup_printf("err%u.yaml", i);
        g_autoptr(TsSweep) s = load_text(name, t, NULL, &error);
        CU_ASSERT_PTR_NULL(s);
        if (error == NULL) {
            fprintf(stderr, "case %u loaded\n", i);
            continue;
        }
        CU_ASSERT_EQUAL(error->domain, TS_CONFIG_ERROR);
        ASSERT_MSG(error, cases[i].needle);
        ASSERT_MSG(error, name);
    }
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSweep) nv =
        load_text("victory.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  mapper: {search: anneal, budget: 0}\n  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(nv);
    ASSERT_MSG(error, "victory.yaml:4:11: sweep.mapper: search anneal with budget 0 needs a "
                      "victory condition");
    g_clear_error(&error);
    g_autoptr(TsSweep) np =
        load_text("polish.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  mapper: {search: exhaustive, polish: true}\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(np);
    ASSERT_MSG(error, "polish.yaml:4:40: sweep.mapper.polish: polish applies to the anneal search "
                      "only (search is exhaustive)");
    g_clear_error(&error);
    g_autoptr(TsSweep) pb =
        load_text("polish-bool.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  mapper: {polish: maybe}\n  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(pb);
    ASSERT_MSG(error,
               "polish-bool.yaml:4:20: sweep.mapper.polish: expected true or false (got 'maybe')");
    g_clear_error(&error);
    g_autoptr(TsSweep) badop =
        load_text("badop.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  ops: [KTQ, FFF1]\n  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(badop);
    ASSERT_MSG(error, "badop.yaml:4:8: sweep.ops: workload bert-base has no op 'FFF1' (did you "
                      "mean 'FF1'?)");
    g_clear_error(&error);
    CU_ASSERT_PTR_NOT_NULL(ts_sweep_engine_lookup("des", &error));
    CU_ASSERT_PTR_NOT_NULL(ts_sweep_engine_lookup("both", &error));
    CU_ASSERT_PTR_NULL(ts_sweep_engine_lookup("analytic", &error));
    ASSERT_MSG(error, "did you mean 'analytical'?");
    g_clear_error(&error);
    /* DES objectives and settings need an engine that runs the DES */
    g_autoptr(TsSweep) desobj =
        load_text("desobj.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  objectives: [energy, des_latency]\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(desobj);
    ASSERT_MSG(error, "desobj.yaml:4:24: sweep.objectives[1]: des_latency is measured by the "
                      "discrete-event simulation: it needs engine des or both (the engine is "
                      "analytical)");
    g_clear_error(&error);
    g_autoptr(TsSweep) dessteps =
        load_text("dessteps.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  engine: both\n  des: {max_steps: 0}\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(dessteps);
    ASSERT_MSG(error, "sweep.des.max_steps: must be > 0 (got 0)");
    g_clear_error(&error);
    g_autoptr(TsSweep) desinst =
        load_text("desinst.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  engine: both\n  des: {instances: 2}\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(desinst);
    ASSERT_MSG(error, "desinst.yaml:5:20: sweep.des.instances: expected auto, all or a number "
                      "of instances from 4 to 65536 (got '2')");
    g_clear_error(&error);
    static const char *const bad_lm[] = {"3X", "0", "2T", "1.3B"};
    for (guint i = 0; i < G_N_ELEMENTS(bad_lm); i++) {
        g_autofree char *text =
            g_strdup_printf("sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                            "  engine: both\n  des: {lane_memory: %s}\n"
                            "  parameters:\n"
                            "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                            bad_lm[i]);
        g_autoptr(TsSweep) deslm = load_text("deslm.yaml", text, NULL, &error);
        CU_ASSERT_PTR_NULL(deslm);
        g_autofree char *want = g_strdup_printf(
            "deslm.yaml:5:22: sweep.des.lane_memory: expected a size such as 512M, 2G or 1GiB "
            "from 1 KiB to 1 TiB (got '%s': ",
            bad_lm[i]);
        ASSERT_MSG(error, want);
        g_clear_error(&error);
    }
    g_autoptr(TsSweep) desana =
        load_text("desana.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                  "  des: {max_steps: 64}\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(desana);
    ASSERT_MSG(error, "sweep.des: sets the discrete-event simulation: it applies to engine des or "
                      "both (the engine is analytical)");
    g_clear_error(&error);
    g_autoptr(TsSweep) twice =
        load_text("twice.yaml",
                  "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n  engine: des\n"
                  "  objectives: [des_cycles, energy, des_latency]\n"
                  "  parameters:\n"
                  "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NULL(twice);
    ASSERT_MSG(error, "names the same objective twice");
}

/* An invalid point is an outcome, with the loader's own message (not an error). */
static void test_invalid_point(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *t =
        with_base("  parameters:\n"
                  "    glb_kb:\n"
                  "      values: [64, 0]\n"
                  "      arch:\n"
                  "        levels[GlobalBuffer].attributes.size: \"${glb_kb}KB\"\n");
    g_autoptr(TsSweep) s = load_text("invalid.yaml", t, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    TsSweepEvalContext ctx = {1, NULL};
    TsSweepResult r;
    CU_ASSERT_TRUE(e->evaluate(s, 1, &ctx, &r, &error));
    CU_ASSERT_EQUAL(r.status, TS_SWEEP_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.reason, "invalid.yaml:10:47: levels[1].attributes.size: must "
                                            "be > 0 B (got 0KB)"));
    CU_ASSERT_EQUAL(r.n_ops, 0);
    CU_ASSERT_FALSE(isfinite(ts_sweep_result_objective(&r, TS_SWEEP_OBJ_ENERGY)));
    ts_sweep_result_clear(&r);
}

static gboolean same_results(const TsSweepResult *a, const TsSweepResult *b)
{
    if (a->status != b->status || a->n_ops != b->n_ops || a->energy_pj != b->energy_pj ||
        a->cycles != b->cycles || a->edp_j_cycles != b->edp_j_cycles ||
        g_strcmp0(a->reason, b->reason) != 0)
        return FALSE;
    for (guint i = 0; i < a->n_ops; i++)
        if (a->ops[i].energy_pj != b->ops[i].energy_pj || a->ops[i].cycles != b->ops[i].cycles ||
            a->ops[i].evaluated != b->ops[i].evaluated ||
            g_strcmp0(a->ops[i].mapping, b->ops[i].mapping) != 0)
            return FALSE;
    return TRUE;
}

/* Sub-problems found in the store give exactly what a search gives; serialised results come
 * back bit for bit. */
static void test_cache_and_serialize(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *t =
        with_base("  ops: [KTQ, Out, softmax]\n"
                  "  parameters:\n"
                  "    label: {values: [a, b], unused: \"same design twice\"}\n"
                  "    pe_x: {values: [7, 14], arch: \"levels[PE_column].spatial.meshX\"}\n");
    /* `ops` given twice is a duplicate key: use a fresh base instead */
    g_autofree char *t2 =
        g_strdup("sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                 "  ops: [KTQ, Out, softmax]\n  mapper: {budget: 800}\n"
                 "  parameters:\n"
                 "    label: {values: [a, b], unused: \"same design twice\"}\n"
                 "    pe_x: {values: [7, 14], arch: \"levels[PE_column].spatial.meshX\"}\n");
    g_autoptr(TsSweep) dup = load_text("dup.yaml", t, NULL, &error);
    CU_ASSERT_PTR_NULL(dup);
    g_clear_error(&error);
    g_autoptr(TsSweep) s = load_text("cache.yaml", t2, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    TsSweepCache *cache = ts_sweep_cache_new(64 << 20);
    TsSweepEvalContext with = {1, cache}, without = {2, NULL};
    for (guint p = 0; p < ts_sweep_n_points(s); p++) {
        TsSweepResult a, b;
        CU_ASSERT_TRUE(e->evaluate(s, p, &with, &a, &error));
        CU_ASSERT_TRUE(e->evaluate(s, p, &without, &b, &error));
        CU_ASSERT_TRUE(same_results(&a, &b));
        /* points 2 and 3 repeat points 0 and 1: both einsum shapes come from the store */
        CU_ASSERT_EQUAL(a.cache_hits, p >= 2 ? 2u : 0u);
        GBytes *bytes = ts_sweep_result_serialize(&a);
        TsSweepResult c;
        CU_ASSERT_TRUE(ts_sweep_result_deserialize(bytes, &c, &error));
        CU_ASSERT_TRUE(same_results(&a, &c));
        CU_ASSERT_EQUAL(c.point, p);
        g_bytes_unref(bytes);
        ts_sweep_result_clear(&a);
        ts_sweep_result_clear(&b);
        ts_sweep_result_clear(&c);
    }
    guint64 lookups = 0, hits = 0;
    ts_sweep_cache_stats(cache, &lookups, &hits, NULL, NULL);
    CU_ASSERT_EQUAL(lookups, 8);
    CU_ASSERT_EQUAL(hits, 4);
    ts_sweep_cache_free(cache);
}

/* The first note of s that holds needle, or NULL. */
static const char *find_note(const TsSweep *s, const char *needle)
{
    for (const char *const *n = ts_sweep_notes(s); *n; n++)
        if (strstr(*n, needle) != NULL)
            return *n;
    return NULL;
}

/* mapper.systolic_folds and TsSweepLoadOptions.systolic_folds (which turns it on whatever the
 * file says): in the settings a resumed run checks, in every point's search (the gemmini-like
 * WS array's Out changes), and in the store's key: a store filled by one setting answers no
 * search of the other, and each setting's repeat comes from the store with its own results. On
 * an array that is not systolic the setting changes nothing, with a note. */
static void test_systolic_folds_store(void)
{
    g_autoptr(GError) error = NULL;
    static const char *text = "sweep:\n  arch: gemmini-like\n  workload: bert-base\n  seq: 64\n"
                              "  ops: [KTQ, Out]\n"
                              "  mapper: {search: anneal, budget: 300, seed: 3%s}\n"
                              "  parameters:\n"
                              "    label: {values: [a], unused: \"one design\"}\n";
    g_autofree char *plain_text = g_strdup_printf(text, "");
    g_autofree char *off_text = g_strdup_printf(text, ", systolic_folds: false");
    g_autofree char *on_text = g_strdup_printf(text, ", systolic_folds: true");
    g_autofree char *path = write_tmp("folds.yaml", plain_text);
    g_autoptr(TsSweep) plain = ts_sweep_load(path, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
    g_autoptr(TsSweep) folds =
        ts_sweep_load(path, &(TsSweepLoadOptions){.systolic_folds = TRUE}, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(folds);
    g_autoptr(TsSweep) off = load_text("folds-off.yaml", off_text,
                                       &(TsSweepLoadOptions){.systolic_folds = TRUE}, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(off);
    g_autoptr(TsSweep) on = load_text("folds-on.yaml", on_text, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(on);
    CU_ASSERT_FALSE(ts_sweep_systolic_folds(plain));
    CU_ASSERT_TRUE(ts_sweep_systolic_folds(folds));
    CU_ASSERT_TRUE(ts_sweep_systolic_folds(off));
    CU_ASSERT_TRUE(ts_sweep_systolic_folds(on));
    CU_ASSERT_PTR_NULL(strstr(ts_sweep_settings_json(plain), "systolic_folds"));
    CU_ASSERT_PTR_NOT_NULL(strstr(ts_sweep_settings_json(folds), "\"systolic_folds\":true"));
    CU_ASSERT_STRING_EQUAL(ts_sweep_settings_json(folds), ts_sweep_settings_json(on));
    CU_ASSERT_PTR_NULL(find_note(folds, "systolic"));

    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    TsSweepCache *cache = ts_sweep_cache_new(64 << 20);
    TsSweepEvalContext ctx = {1, cache};
    TsSweepResult p1, f1, f2, p2;
    CU_ASSERT_TRUE_FATAL(e->evaluate(plain, 0, &ctx, &p1, &error));
    CU_ASSERT_TRUE_FATAL(e->evaluate(folds, 0, &ctx, &f1, &error));
    CU_ASSERT_TRUE_FATAL(e->evaluate(folds, 0, &ctx, &f2, &error));
    CU_ASSERT_TRUE_FATAL(e->evaluate(plain, 0, &ctx, &p2, &error));
    CU_ASSERT_EQUAL(p1.status, TS_SWEEP_OK);
    CU_ASSERT_EQUAL(f1.status, TS_SWEEP_OK);
    /* the store filled without the setting answers nothing with it */
    CU_ASSERT_EQUAL(p1.cache_hits, 0);
    CU_ASSERT_EQUAL(f1.cache_hits, 0);
    CU_ASSERT_EQUAL(f2.cache_hits, 2);
    CU_ASSERT_EQUAL(p2.cache_hits, 2);
    CU_ASSERT_TRUE(same_results(&f1, &f2));
    CU_ASSERT_TRUE(same_results(&p1, &p2));
    CU_ASSERT_FALSE(same_results(&p1, &f1));
    CU_ASSERT_TRUE(f1.cycles > p1.cycles);
    CU_ASSERT_EQUAL_FATAL(f1.n_ops, 2);
    CU_ASSERT_STRING_EQUAL(f1.ops[1].name, "Out");
    CU_ASSERT_TRUE(f1.ops[1].cycles > p1.ops[1].cycles);
    CU_ASSERT_STRING_NOT_EQUAL(f1.ops[1].mapping, p1.ops[1].mapping);
    guint64 lookups = 0, hits = 0;
    guint entries = 0;
    ts_sweep_cache_stats(cache, &lookups, &hits, &entries, NULL);
    CU_ASSERT_EQUAL(lookups, 8);
    CU_ASSERT_EQUAL(hits, 4);
    CU_ASSERT_EQUAL(entries, 4);
    ts_sweep_result_clear(&p1);
    ts_sweep_result_clear(&p2);
    ts_sweep_result_clear(&f1);
    ts_sweep_result_clear(&f2);
    ts_sweep_cache_free(cache);

    /* a database holds one setting's results */
    g_autofree char *db_path = g_build_filename(tmpdir, "folds.db", NULL);
    TsSweepDb *db = ts_sweep_db_create(db_path, plain, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_TRUE(ts_sweep_db_matches(db, plain, &error));
    CU_ASSERT_FALSE(ts_sweep_db_matches(db, folds, &error));
    ASSERT_MSG(error, "belongs to another sweep");
    ASSERT_MSG(error, "\"systolic_folds\":true");
    g_clear_error(&error);
    ts_sweep_db_close(db);

    /* not a systolic array: a note, and the same figures */
    g_autofree char *ey = g_strdup_printf(
        "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n  seq: 32\n  ops: [KTQ]\n"
        "  mapper: {budget: 100, seed: 3%s}\n"
        "  parameters:\n    label: {values: [a], unused: \"one design\"}\n",
        ", systolic_folds: true");
    g_autofree char *ey_plain = g_strdup_printf(
        "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n  seq: 32\n  ops: [KTQ]\n"
        "  mapper: {budget: 100, seed: 3%s}\n"
        "  parameters:\n    label: {values: [a], unused: \"one design\"}\n",
        "");
    g_autoptr(TsSweep) es = load_text("folds-eyeriss.yaml", ey, NULL, &error);
    g_autoptr(TsSweep) ep = load_text("plain-eyeriss.yaml", ey_plain, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(es);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ep);
    const char *note = find_note(es, "systolic");
    CU_ASSERT_PTR_NOT_NULL_FATAL(note);
    CU_ASSERT_PTR_NOT_NULL(strstr(note, "mapper.systolic_folds: the compute level MAC of "
                                        "eyeriss-like has class mac, not systolic_array: the fold "
                                        "timing changes no figure of its points"));
    TsSweepResult a, b;
    CU_ASSERT_TRUE_FATAL(e->evaluate(es, 0, &(TsSweepEvalContext){1, NULL}, &a, &error));
    CU_ASSERT_TRUE_FATAL(e->evaluate(ep, 0, &(TsSweepEvalContext){1, NULL}, &b, &error));
    CU_ASSERT_TRUE(same_results(&a, &b));
    ts_sweep_result_clear(&a);
    ts_sweep_result_clear(&b);
}

/* examples/sweeps/gemmini-array-folds.yaml charges the folds; its 16 x 16 points have the
 * cycles docs/sweeps.md and docs/model.md quote (WS 8,383,608, OS 12,329,592). */
static void test_folds_example(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *example = ts_test_source_path("examples/sweeps/gemmini-array-folds.yaml");
    g_autoptr(TsSweep) s = ts_sweep_load(example, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(ts_sweep_systolic_folds(s));
    CU_ASSERT_EQUAL_FATAL(ts_sweep_n_points(s), 18);
    CU_ASSERT_PTR_NULL(find_note(s, "systolic"));
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    const struct {
        guint point;
        const char *dataflow;
        double cycles;
    } want[] = {{8, "ws", 8383608}, {9, "os", 12329592}};
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        CU_ASSERT_STRING_EQUAL(value(s, want[i].point, "rows"), "16");
        CU_ASSERT_STRING_EQUAL(value(s, want[i].point, "cols"), "16");
        CU_ASSERT_STRING_EQUAL(value(s, want[i].point, "dataflow"), want[i].dataflow);
        TsSweepResult r;
        CU_ASSERT_TRUE_FATAL(
            e->evaluate(s, want[i].point, &(TsSweepEvalContext){2, NULL}, &r, &error));
        CU_ASSERT_EQUAL(r.status, TS_SWEEP_OK);
        if (r.cycles != want[i].cycles)
            fprintf(stderr, "\npoint %u: %.0f cycles, docs say %.0f\n", want[i].point, r.cycles,
                    want[i].cycles);
        CU_ASSERT_EQUAL(r.cycles, want[i].cycles);
        ts_sweep_result_clear(&r);
    }
}

/* The discrete-event engines: the analytical figures are the analytical engine's, every op's
 * mapping runs through the DES (per-op and layer figures, the bound), the settings carry the
 * DES options, and a result round-trips through serialisation. */
static void test_des_engine(void)
{
    g_autoptr(GError) error = NULL;
    const char *t = "sweep:\n  arch: eyeriss-like\n  workload: bert-base\n  seq: 64\n"
                    "  ops: [KTQ, softmax]\n  mapper: {budget: 300, seed: 5}\n"
                    "  engine: des\n  des: {max_steps: 64, instances: 8}\n"
                    "  parameters:\n"
                    "    pe_x: {values: [7, 14], arch: \"levels[PE_column].spatial.meshX\"}\n";
    g_autoptr(TsSweep) s = load_text("des.yaml", t, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(ts_sweep_runs_des(s));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(ts_sweep_settings_json(s), "\"des\":{\"max_steps\":64,\"instances\":8}"));
    /* des: lane_memory, a size: in the settings in bytes when given, absent at the default */
    static const char *const lm[] = {"512M", "512MiB", "0.5G", "536870912"};
    for (guint i = 0; i < G_N_ELEMENTS(lm); i++) {
        g_autofree char *tl =
            g_strdup_printf("sweep:\n  arch: eyeriss-like\n  workload: bert-base\n"
                            "  engine: both\n  des: {instances: 8, lane_memory: %s}\n"
                            "  parameters:\n"
                            "    x: {values: [1], arch: \"levels[PE_column].spatial.meshX\"}\n",
                            lm[i]);
        g_autoptr(TsSweep) sl = load_text("deslm.yaml", tl, NULL, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
        CU_ASSERT_PTR_NOT_NULL(
            strstr(ts_sweep_settings_json(sl), "\"instances\":8,\"lane_memory_bytes\":536870912}"));
    }
    CU_ASSERT_PTR_NOT_NULL(
        strstr(ts_sweep_settings_json(s), "\"objectives\":[\"energy\",\"des_latency\"]"));
    TsSweepLoadOptions ana = {.engine = "analytical"};
    g_autoptr(TsSweep) sa = load_text("des-ana.yaml", t, &ana, &error);
    CU_ASSERT_PTR_NULL(sa); /* des: applies to the DES engines only */
    g_clear_error(&error);
    const TsSweepEngine *e = ts_sweep_engine_lookup(ts_sweep_engine_name(s), &error);
    const TsSweepEngine *a = ts_sweep_engine_lookup("analytical", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    TsSweepEvalContext ctx = {1, NULL};
    for (guint p = 0; p < ts_sweep_n_points(s); p++) {
        TsSweepResult d, m, c;
        CU_ASSERT_TRUE_FATAL(e->evaluate(s, p, &ctx, &d, &error));
        CU_ASSERT_TRUE_FATAL(a->evaluate(s, p, &ctx, &m, &error));
        CU_ASSERT_EQUAL_FATAL(d.status, TS_SWEEP_OK);
        CU_ASSERT_TRUE(same_results(&d, &m));
        CU_ASSERT_TRUE(isnan(m.des_cycles) && m.des_bound == NULL && m.des_not_run == NULL);
        CU_ASSERT_PTR_NULL(d.des_not_run);
        CU_ASSERT_TRUE(d.des_cycles > 0 && d.des_latency_s > 0 && d.des_energy_pj > 0);
        CU_ASSERT_TRUE(d.des_events > 0);
        CU_ASSERT_DOUBLE_EQUAL(d.des_diff, d.des_cycles / d.cycles - 1.0, 1e-12);
        CU_ASSERT_PTR_NOT_NULL_FATAL(d.des_bound);
        CU_ASSERT_EQUAL(ts_sweep_result_objective(&d, TS_SWEEP_OBJ_DES_CYCLES), d.des_cycles);
        CU_ASSERT_EQUAL(ts_sweep_result_objective(&d, TS_SWEEP_OBJ_DES_LATENCY), d.des_latency_s);
        /* ops run one after another at most: the layer is no longer than their sum, and as
         * long as the longest; the layer's bound is the longest op's */
        double sum = 0, longest = 0;
        const char *longest_bound = NULL;
        for (guint i = 0; i < d.n_ops; i++) {
            const TsSweepOp *o = &d.ops[i];
            CU_ASSERT_TRUE(o->des_cycles > 0 && o->des_bound != NULL && o->des_not_run == NULL);
            sum += o->des_cycles * (double)o->count;
            if (o->des_cycles * (double)o->count > longest) {
                longest = o->des_cycles * (double)o->count;
                longest_bound = o->des_bound;
            }
        }
        CU_ASSERT_TRUE(d.des_cycles <= sum * (1 + 1e-12) && d.des_cycles >= longest);
        CU_ASSERT_STRING_EQUAL(d.des_bound, longest_bound);
        GBytes *bytes = ts_sweep_result_serialize(&d);
        CU_ASSERT_TRUE(ts_sweep_result_deserialize(bytes, &c, &error));
        g_bytes_unref(bytes);
        CU_ASSERT_TRUE(same_results(&d, &c));
        CU_ASSERT_EQUAL(c.des_cycles, d.des_cycles);
        CU_ASSERT_EQUAL(c.des_latency_s, d.des_latency_s);
        CU_ASSERT_EQUAL(c.des_energy_pj, d.des_energy_pj);
        CU_ASSERT_EQUAL(c.des_events, d.des_events);
        CU_ASSERT_STRING_EQUAL(c.des_bound, d.des_bound);
        for (guint i = 0; i < d.n_ops; i++) {
            CU_ASSERT_EQUAL(c.ops[i].des_cycles, d.ops[i].des_cycles);
            CU_ASSERT_STRING_EQUAL(c.ops[i].des_bound, d.ops[i].des_bound);
        }
        ts_sweep_result_clear(&d);
        ts_sweep_result_clear(&m);
        ts_sweep_result_clear(&c);
    }
}

/* A point whose architecture the DES cannot build (a DRAM of 3 banks, which the model takes
 * and the DRAM's address mapping cannot): ok with its analytical figures, every DES figure
 * absent and the reason recorded for the point and each op. */
static void test_des_not_run(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSweep) s =
        load_text("desnot.yaml",
                  "sweep:\n  arch: gemmini-like\n  workload: bert-base\n  seq: 32\n"
                  "  ops: [KTQ]\n  mapper: {budget: 100}\n  engine: both\n"
                  "  des: {max_steps: 64}\n"
                  "  parameters:\n"
                  "    banks: {values: [3], arch: \"levels[DRAM].attributes.banks\"}\n",
                  NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const TsSweepEngine *e = ts_sweep_engine_lookup("both", &error);
    TsSweepEvalContext ctx = {1, NULL};
    TsSweepResult r;
    CU_ASSERT_TRUE_FATAL(e->evaluate(s, 0, &ctx, &r, &error));
    CU_ASSERT_EQUAL(r.status, TS_SWEEP_OK);
    CU_ASSERT_TRUE(r.cycles > 0 && r.energy_pj > 0);
    CU_ASSERT_TRUE(isnan(r.des_cycles) && isnan(r.des_latency_s) && isnan(r.des_energy_pj) &&
                   isnan(r.des_diff));
    CU_ASSERT_PTR_NULL(r.des_bound);
    CU_ASSERT_EQUAL(r.des_events, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.des_not_run);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.des_not_run, "the DES did not run: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.des_not_run, "cannot be simulated by the DES"));
    CU_ASSERT_TRUE(isnan(ts_sweep_result_objective(&r, TS_SWEEP_OBJ_DES_LATENCY)));
    CU_ASSERT_EQUAL_FATAL(r.n_ops, 1);
    CU_ASSERT_TRUE(isnan(r.ops[0].des_cycles));
    CU_ASSERT_PTR_NOT_NULL(r.ops[0].des_not_run);
    ts_sweep_result_clear(&r);
}

static void test_database(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *t =
        with_base("  parameters:\n"
                  "    pe_x: {values: [7, 14], arch: \"levels[PE_column].spatial.meshX\"}\n");
    g_autofree char *path = write_tmp("db.yaml", t);
    g_autoptr(TsSweep) s = ts_sweep_load(path, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    g_autofree char *db_path = g_build_filename(tmpdir, "unit.db", NULL);
    TsSweepDb *db = ts_sweep_db_create(db_path, s, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    GArray *pending = ts_sweep_db_pending(db, &error);
    CU_ASSERT_EQUAL(pending->len, 2);
    g_array_unref(pending);
    gint64 run = ts_sweep_db_begin_run(db, &(TsSweepRunInfo){1, 1, "analytical"}, &error);
    CU_ASSERT_TRUE(run > 0);
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", NULL);
    TsSweepResult r;
    CU_ASSERT_TRUE(e->evaluate(s, 1, &(TsSweepEvalContext){1, NULL}, &r, &error));
    CU_ASSERT_TRUE(ts_sweep_db_store(db, run, &r, &error));
    CU_ASSERT_FALSE(ts_sweep_db_store(db, run, &r, &error)); /* a point is stored once */
    ASSERT_MSG(error, "point 1 is not pending");
    g_clear_error(&error);
    ts_sweep_result_clear(&r);
    pending = ts_sweep_db_pending(db, &error);
    CU_ASSERT_EQUAL(pending->len, 1);
    CU_ASSERT_EQUAL(g_array_index(pending, guint, 0), 0);
    g_array_unref(pending);
    CU_ASSERT_TRUE(ts_sweep_db_matches(db, s, &error));
    ts_sweep_db_close(db);

    /* never overwritten */
    CU_ASSERT_PTR_NULL(ts_sweep_db_create(db_path, s, &error));
    ASSERT_MSG(error, "give --resume");
    g_clear_error(&error);

    /* a changed sweep file does not match */
    g_autofree char *t2 =
        with_base("  parameters:\n"
                  "    pe_x: {values: [7, 12], arch: \"levels[PE_column].spatial.meshX\"}\n");
    g_file_set_contents(path, t2, -1, NULL);
    g_autoptr(TsSweep) s2 = ts_sweep_load(path, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s2);
    db = ts_sweep_db_open(db_path, TRUE, &error);
    CU_ASSERT_FALSE(ts_sweep_db_matches(db, s2, &error));
    ASSERT_MSG(error, "the sweep input");
    ASSERT_MSG(error, "changed since it was made");
    ts_sweep_db_close(db);

    /* the documented tables and the parameter as a column */
    sqlite3 *h = NULL;
    CU_ASSERT_EQUAL(sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(h,
                       "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
                       "WHERE type = 'table' ORDER BY name);",
                       -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0),
                           "meta op_results parameters point_runs points runs");
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "SELECT pe_x, status FROM points ORDER BY id;", -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 7);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), "pending");
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), "ok");
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* The Timeloop experiments' hw_configs.json files load as they are: a list of points, or with
 * cross the product of every key's distinct values. */
static void test_hw_configs(void)
{
    TS_TEST_REQUIRE_SHARED();
    g_autofree char *gem =
        ts_test_reference_path("timeloop-experiments/transformer_gemmini/hw_configs.json");
    g_autofree char *pim =
        ts_test_reference_path("timeloop-experiments/transformer_pim/hw_configs.json");
    g_autofree char *example = ts_test_source_path("examples/sweeps/gemmini-bert-base.yaml");
    g_autoptr(GError) error = NULL;
    TsSweepLoadOptions o = {.points_path = gem};
    g_autoptr(TsSweep) s = ts_sweep_load(example, &o, &error);
    if (s == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(ts_sweep_n_points(s), 20);
    CU_ASSERT_STRING_EQUAL(value(s, 0, "pe_rows"), "16");
    CU_ASSERT_STRING_EQUAL(value(s, 8, "dataflow"), "OS");
    CU_ASSERT_STRING_EQUAL(value(s, 19, "pe_rows"), "256");
    CU_ASSERT_STRING_EQUAL(value(s, 19, "accumulator_size"), "1024");

    /* the example's own points are the file's, in order */
    g_autoptr(TsSweep) own = ts_sweep_load(example, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(own);
    CU_ASSERT_EQUAL(ts_sweep_n_points(own), ts_sweep_n_points(s));
    for (guint p = 0; p < ts_sweep_n_points(s); p++)
        for (guint k = 0; k < ts_sweep_n_params(s); k++)
            CU_ASSERT_STRING_EQUAL(ts_sweep_value(own, p, k)->text, ts_sweep_value(s, p, k)->text);

    /* --cross: accumulator_size {16384, 32768, 8192, 4096, 2048, 1024} x pe_rows {16, 8, 32,
     * 64, 128, 256} x pe_cols {16, 32, 8, 64, 128, 256} x dataflow {WS, OS} */
    o.cross = TRUE;
    g_autoptr(TsSweep) x = ts_sweep_load(example, &o, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(ts_sweep_n_points(x), 6 * 6 * 6 * 2);
    CU_ASSERT_STRING_EQUAL(value(x, 1, "dataflow"), "OS");
    CU_ASSERT_STRING_EQUAL(value(x, 2, "pe_cols"), "32");

    /* the PIM experiments' file, with a sweep that says what its keys set on the library's
     * transformer-pim (the experiments' system_PIM.yaml) */
    g_autofree char *pim_sweep = write_tmp(
        "pim.yaml", "sweep:\n"
                    "  arch: transformer-pim\n"
                    "  workload: bert-base\n"
                    "  ops: [KTQ]\n"
                    "  mapper: {budget: 500}\n"
                    "  parameters:\n"
                    "    shared_glb_size:\n"
                    "      arch: levels[shared_glb].attributes.entries\n"
                    "    shared_glb_bandwidth:\n"
                    "      arch:\n"
                    "        - levels[shared_glb].attributes.read_bandwidth\n"
                    "        - levels[shared_glb].attributes.write_bandwidth\n"
                    "    pe_rows:\n"
                    "      arch: levels[Array].spatial.meshY\n"
                    "    pe_cols:\n"
                    "      arch: levels[Array].spatial.meshX\n"
                    "    dataflow: {}\n"
                    "    use_IMC_as_buffer: {unused: not implemented by the experiments either}\n"
                    "    IMC_buffer_bandwidth: {unused: normalization-op architecture only}\n"
                    "    rf_size: {unused: normalization-op architecture only}\n"
                    "  constraints:\n"
                    "    - when: {dataflow: WS}\n"
                    "      targets:\n"
                    "        - {target: scratchpad, type: dataspace, keep: [Weights],\n"
                    "           bypass: [Inputs, Outputs]}\n");
    TsSweepLoadOptions pimo = {.points_path = pim};
    g_autoptr(TsSweep) ps = ts_sweep_load(pim_sweep, &pimo, &error);
    if (ps == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ps);
    CU_ASSERT_EQUAL(ts_sweep_n_points(ps), 6);
    CU_ASSERT_STRING_EQUAL(value(ps, 3, "shared_glb_size"), "524288");
    CU_ASSERT_STRING_EQUAL(value(ps, 5, "pe_rows"), "256");
    CU_ASSERT_STRING_EQUAL(value(ps, 0, "use_IMC_as_buffer"), "false");
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    TsSweepResult r;
    CU_ASSERT_TRUE(e->evaluate(ps, 4, &(TsSweepEvalContext){1, NULL}, &r, &error));
    CU_ASSERT_EQUAL(r.status, TS_SWEEP_OK);
    ts_sweep_result_clear(&r);

    /* the PIM experiments' file names keys the Gemmini sweep does not declare */
    TsSweepLoadOptions po = {.points_path = pim};
    g_autoptr(TsSweep) p = ts_sweep_load(example, &po, &error);
    CU_ASSERT_PTR_NULL(p);
    ASSERT_MSG(error, "hw_configs.json:3:9: [0].shared_glb_size: 'shared_glb_size' is not a "
                      "parameter of the sweep");
}

/* Timeloop v0.4 architectures: a parameter named after a declared variable sets it; key paths
 * address `nodes[NAME]`; each point's Timeloop file goes through the Timeloop loader. */
static void test_timeloop_arch(void)
{
    g_autofree char *arch = write_tmp("tl.yaml", "variables:\n"
                                                 "  GLB_DEPTH: 2048\n"
                                                 "architecture:\n"
                                                 "  version: 0.4\n"
                                                 "  nodes:\n"
                                                 "  - !Container\n"
                                                 "    name: System\n"
                                                 "  - !Component\n"
                                                 "    name: DRAM\n"
                                                 "    class: DRAM\n"
                                                 "    attributes: {width: 64, datawidth: 16}\n"
                                                 "  - !Component\n"
                                                 "    name: GLB\n"
                                                 "    class: SRAM\n"
                                                 "    attributes: {depth: GLB_DEPTH, width: 64, "
                                                 "datawidth: 16, read_bandwidth: 4}\n"
                                                 "  - !Container\n"
                                                 "    name: PE\n"
                                                 "    spatial: {meshX: 8}\n"
                                                 "  - !Component\n"
                                                 "    name: MAC\n"
                                                 "    class: intmac\n"
                                                 "    attributes: {datawidth: 16}\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(TsSweep) s =
        load_text("tlsweep.yaml",
                  "sweep:\n  arch: tl.yaml\n  workload: bert-base\n  ops: [KTQ]\n"
                  "  mapper: {budget: 500}\n  parameters:\n"
                  "    GLB_DEPTH: {values: [64, 4096]}\n"
                  "    bw:\n      values: [1, 8]\n"
                  "      arch: nodes[GLB].attributes.read_bandwidth\n",
                  NULL, &error);
    if (s == NULL)
        fprintf(stderr, "%s\n", error->message);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(s, 0), "arch variable");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_targets(s, 0),
                           "architecture variable variables.GLB_DEPTH");
    CU_ASSERT_STRING_EQUAL(ts_sweep_param_kind(s, 1), "arch");
    const TsSweepEngine *e = ts_sweep_engine_lookup("analytical", &error);
    TsSweepResult r[4];
    for (guint p = 0; p < 4; p++) {
        CU_ASSERT_TRUE(e->evaluate(s, p, &(TsSweepEvalContext){1, NULL}, &r[p], &error));
        CU_ASSERT_EQUAL(r[p].status, TS_SWEEP_OK);
    }
    /* the buffer's depth and bandwidth both change the cost */
    CU_ASSERT_NOT_EQUAL(r[0].energy_pj, r[2].energy_pj);
    CU_ASSERT_NOT_EQUAL(r[0].cycles, r[1].cycles);
    for (guint p = 0; p < 4; p++)
        ts_sweep_result_clear(&r[p]);
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-sweep-XXXXXX", NULL);
    return tmpdir == NULL;
}

static int teardown(void)
{
    ts_test_remove_tree(tmpdir);
    g_free(tmpdir);
    return 0;
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("sweep", setup, teardown);
    CU_add_test(s, "values_cross_zip_ranges", test_values_cross_zip_ranges);
    CU_add_test(s, "points_templates_blocks", test_points_templates_blocks);
    CU_add_test(s, "spec_errors", test_spec_errors);
    CU_add_test(s, "invalid_point", test_invalid_point);
    CU_add_test(s, "cache_and_serialize", test_cache_and_serialize);
    CU_add_test(s, "systolic_folds_store", test_systolic_folds_store);
    CU_add_test(s, "folds_example", test_folds_example);
    CU_add_test(s, "des_engine", test_des_engine);
    CU_add_test(s, "des_not_run", test_des_not_run);
    CU_add_test(s, "database", test_database);
    CU_add_test(s, "hw_configs", test_hw_configs);
    CU_add_test(s, "timeloop_arch", test_timeloop_arch);
    return ts_test_run(argc, argv);
}
