/* Golden test on the Timeloop/Accelergy tutorial exercises as users bring them
 * (../shared/reference/timeloop-exercises, unmodified inputs; see its README): for each of the
 * 19 cases (model exercises 00-04, mapper exercises 05 and 06, timeloop+accelergy with an
 * integer and a floating-point MAC, the four example designs),
 *   - `tilesim check ARCH --ert ERT` accepts the arch and every level's energy comes from the
 *     ERT (Timeloop 3.0.3's ERT name rule);
 *   - `tilesim model` evaluates the exercise's mapping (hand-written, or the one Timeloop's
 *     mapper found) and, where listed below, gives the counts and energies Timeloop printed in
 *     the exercises' published stats.txt (Accelergy-Project/timeloop-accelergy-exercises,
 *     ref-output; those runs add leakage to the storage levels, so their energies are compared
 *     with leakage added);
 *   - `tilesim map` searches the problem under the exercise's constraints and writes its best
 *     mapping with --mapping-out; `tilesim model` on that file gives the same totals;
 * and every file of the folder passes `tilesim check` (the Jinja2 arch template with "this
 * file is a template: render it first"). The timeloop+accelergy arch is rendered as its run
 * script does (mac_class intmac, 8-bit inputs and weights, 16-bit partial sums; fpmac, 32,
 * 32). Exits 77 when the folder is absent. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-test.h"

#define TUT "tutorial_exercises/01_accelergy_timeloop_2020_ispass/"
#define EX "example_designs/example_designs/"

/* A count Timeloop printed: per-instance "Scalar reads/fills/updates" or the utilized
 * capacity ("tile_words") of one tensor at one level. */
typedef struct {
    const char *level, *tensor, *field;
    int64_t value;
} Count;

/* Timeloop's "pJ/Compute" of a level (dynamic + leakage), and the decimals it printed. */
typedef struct {
    const char *level;
    double pj_per_compute;
    double tolerance;
} PerCompute;

typedef struct {
    const char *name;
    const char *dir;                                   /* under timeloop-exercises/ */
    const char *arch, *ert, *prob, *map, *constraints; /* relative to dir (NULL: none) */
    const char *mac_class, *iw_bits, *psum_bits;       /* template values (NULL: no template) */
    Count counts[16];
    PerCompute per_compute[8];
} Case;

/* ref-output/os/timeloop-model.stats.txt of exercise 01 */
#define COUNTS_01_OS                                                                               \
    {                                                                                              \
        {"Buffer", "Weights", "reads", 48}, {"Buffer", "Weights", "fills", 3},                     \
            {"Buffer", "Inputs", "reads", 48}, {"Buffer", "Inputs", "fills", 18},                  \
            {"Buffer", "Outputs", "reads", 32}, {"Buffer", "Outputs", "updates", 48},              \
            {"MainMemory", "Weights", "reads", 3}, {"MainMemory", "Inputs", "reads", 18},          \
        {                                                                                          \
            "MainMemory", "Outputs", "updates", 16                                                 \
        }                                                                                          \
    }

/* ref-output/timeloop-mapper.stats.txt of exercise 06 (the mapping of mapper-found/) */
#define COUNTS_06                                                                                  \
    {                                                                                              \
        {"psum_spad", "Outputs", "reads", 5490688}, {"psum_spad", "Outputs", "fills", 215040},     \
            {"psum_spad", "Outputs", "updates", 5505024},                                          \
            {"weights_spad", "Weights", "fills", 688128},                                          \
            {"ifmap_spad", "Inputs", "tile_words", 24}, {"ifmap_spad", "Inputs", "fills", 286720}, \
            {"ifmap_spad", "Inputs", "reads", 5505024},                                            \
            {"shared_glb", "Inputs", "tile_words", 5120},                                          \
            {"shared_glb", "Inputs", "reads", 12042240},                                           \
            {"shared_glb", "Inputs", "fills", 573440},                                             \
            {"shared_glb", "Outputs", "reads", 12042240},                                          \
            {"shared_glb", "Outputs", "fills", 2408448},                                           \
            {"shared_glb", "Outputs", "updates", 12845056}, {"DRAM", "Weights", "reads", 8257536}, \
        {                                                                                          \
            "DRAM", "Inputs", "reads", 573440                                                      \
        }                                                                                          \
    }

#define CASE(n, d, a, e, p, m, ...)                                                                \
    {                                                                                              \
        .name = n, .dir = d, .arch = a, .ert = e, .prob = p, .map = m, __VA_ARGS__                 \
    }

#define T00 TUT "timeloop/00-model-conv1d-1level/"
#define T01 TUT "timeloop/01-model-conv1d-2level/"
#define T02 TUT "timeloop/02-model-conv1d+oc-2level/"
#define T03 TUT "timeloop/03-model-conv1d+oc-3level/"
#define T04 TUT "timeloop/04-model-conv1d+oc-3levelspatial/"
#define T05 TUT "timeloop/05-mapper-conv1d+oc-3level/"
#define T06 TUT "timeloop/06-mapper-convlayer-eyeriss/"
#define TA TUT "timeloop+accelergy/"
#define PROB_EX "../_include/default_problem.yaml"
#define MAP_EX "mapper-found/default_problem.map.yaml"

static const Case cases[] = {
    CASE("00 1-level", T00, "arch/1level.arch.yaml", "arch/1level.ERT.yaml",
         "prob/conv1d.prob.yaml", "map/conv1d-1level.map.yaml", .constraints = NULL),
    CASE("01 2-level output stationary", T01, "arch/2level.arch.yaml", "arch/2level.ERT.yaml",
         "prob/conv1d.prob.yaml", "map/conv1d-2level-os.map.yaml", .counts = COUNTS_01_OS),
    CASE("01 2-level weight stationary", T01, "arch/2level.arch.yaml", "arch/2level.ERT.yaml",
         "prob/conv1d.prob.yaml", "map/conv1d-2level-ws.map.yaml", .constraints = NULL),
    CASE("02 untiled", T02, "arch/2level.arch.yaml", "arch/2level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "map/conv1d+oc-2level-os.map.yaml", .constraints = NULL),
    CASE("02 tiled", T02, "arch/2level.arch.yaml", "arch/2level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "map/conv1d+oc-2level-os-tiled.map.yaml", .constraints = NULL),
    CASE("03 3-level", T03, "arch/3level.arch.yaml", "arch/3level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "map/conv1d+oc-3level.map.yaml", .constraints = NULL),
    /* ref-output/bypass/timeloop-model.stats.txt, printed with 2 decimals */
    CASE("03 3-level bypass (dataspace directives)", T03, "arch/3level.arch.yaml",
         "arch/3level.ERT.yaml", "prob/conv1d+oc.prob.yaml", "map/conv1d+oc-3level-bypass.map.yaml",
         .per_compute = {{"MACC", 0.85, 0.005},
                         {"RegisterFile", 0.71, 0.005},
                         {"GlobalBuffer", 11.15, 0.005},
                         {"MainMemory", 26.67, 0.005}}),
    CASE("04 C-parallel (container target PE)", T04, "arch/3levelspatial.arch.yaml",
         "arch/3levelspatial.ERT.yaml", "prob/conv1d+oc+ic.prob.yaml",
         "map/conv1d+oc+ic-3levelspatial-cp-ws.map.yaml", .constraints = NULL),
    CASE("04 K-parallel (container target PE)", T04, "arch/3levelspatial.arch.yaml",
         "arch/3levelspatial.ERT.yaml", "prob/conv1d+oc+ic.prob.yaml",
         "map/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml", .constraints = NULL),
    CASE("05 1mapping", T05, "arch/3level.arch.yaml", "arch/3level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "mapper-found/baked.map.yaml",
         .constraints = "constraints/conv1d+oc-3level-1mapping.constraints.yaml"),
    CASE("05 freebypass", T05, "arch/3level.arch.yaml", "arch/3level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "mapper-found/freebypass.map.yaml",
         .constraints = "constraints/conv1d+oc-3level-freebypass.constraints.yaml"),
    CASE("05 null", T05, "arch/3level.arch.yaml", "arch/3level.ERT.yaml",
         "prob/conv1d+oc.prob.yaml", "mapper-found/null.map.yaml",
         .constraints = "constraints/null.constraints.yaml"),
    CASE("06 Eyeriss VGG02 layer 5", T06, "arch/eyeriss_like.yaml", "arch/eyeriss_like.ERT.yaml",
         "prob/VGG02_layer5.yaml", "mapper-found/VGG02_layer5.map.yaml", .counts = COUNTS_06),
    CASE("timeloop+accelergy intmac", TA, "arch/arch.yaml", "arch/arch-intmac.ERT.yaml",
         "prob/prob.yaml", "mapper-found/intmac.map.yaml", .mac_class = "intmac", .iw_bits = "8",
         .psum_bits = "16"),
    /* ref-output/fpmac/timeloop-mapper.stats.txt, fJ/Compute with 2 decimals */
    CASE("timeloop+accelergy fpmac", TA, "arch/arch.yaml", "arch/arch-fpmac.ERT.yaml",
         "prob/prob.yaml", "mapper-found/fpmac.map.yaml", .mac_class = "fpmac", .iw_bits = "32",
         .psum_bits = "32",
         .per_compute = {{"mac", 51.97900, 0.000006},
                         {"psum_spad", 1.61411, 0.000006},
                         {"weights_spad", 6.69483, 0.000006},
                         {"ifmap_spad", 0.61953, 0.000006},
                         {"shared_glb", 1.34868, 0.000006},
                         {"DRAM", 5.04762, 0.000006}}),
    CASE("example eyeriss_like", EX "eyeriss_like/", "arch.yaml", "arch.ERT.yaml", PROB_EX, MAP_EX,
         .constraints = NULL),
    CASE("example simba_like", EX "simba_like/", "arch.yaml", "arch.ERT.yaml", PROB_EX, MAP_EX,
         .constraints = NULL),
    CASE("example simple_output_stationary", EX "simple_output_stationary/", "arch.yaml",
         "arch.ERT.yaml", PROB_EX, MAP_EX, .constraints = NULL),
    CASE("example simple_weight_stationary", EX "simple_weight_stationary/", "arch.yaml",
         "arch.ERT.yaml", PROB_EX, MAP_EX, .constraints = NULL),
};

/* The old (commit 2ffec69) arch of exercise 04, with the PE container above the GlobalBuffer:
 * its published stats (ref-output/kp, fJ/Compute with 2 decimals) are for that arch. */
static const Case case_04_old =
    CASE("04 K-parallel on the 2ffec69 arch", T04, "arch-2ffec69/3levelspatial.arch.yaml",
         "arch/3levelspatial.ERT.yaml", "prob/conv1d+oc+ic.prob.yaml",
         "map/conv1d+oc+ic-3levelspatial-kp-ws.map.yaml",
         .counts = {{"GlobalBuffer", "Outputs", "reads", 992},
                    {"GlobalBuffer", "Outputs", "updates", 1024},
                    {"MainMemory", "Weights", "reads", 3072},
                    {"MainMemory", "Inputs", "reads", 576},
                    {"MainMemory", "Outputs", "updates", 512}},
         .per_compute = {{"MACC", 0.84500, 0.000006},
                         {"RegisterFile", 2.02265, 0.000006},
                         {"GlobalBuffer", 6.38031, 0.000006},
                         {"MainMemory", 5.41667, 0.000006}});

static char *tmp_dir;

static char *case_path(const Case *c, const char *rel)
{
    g_autofree char *base = ts_test_reference_path("timeloop-exercises");
    return g_build_filename(base, c->dir, rel, NULL);
}

/* The arch as tilesim should load it: as it is, or rendered like the exercise's run script. */
static char *arch_path(const Case *c)
{
    g_autofree char *src = case_path(c, c->arch);
    if (c->mac_class == NULL)
        return g_steal_pointer(&src);
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(src, &text, NULL, NULL));
    const char *keys[] = {"{{mac_class}}", "{{input_weight_datawidth}}", "{{psum_datawidth}}"};
    const char *vals[] = {c->mac_class, c->iw_bits, c->psum_bits};
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        g_auto(GStrv) parts = g_strsplit(text, keys[i], -1);
        g_free(text);
        text = g_strjoinv(vals[i], parts);
    }
    CU_ASSERT_PTR_NULL(strstr(text, "{{"));
    g_autofree char *name = g_strdup_printf("arch-%s.yaml", c->mac_class);
    char *out = g_build_filename(tmp_dir, name, NULL);
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(out, text, -1, NULL));
    return out;
}

static JsonObject *parse_json(JsonParser *p, const char *path)
{
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(p, path, &error)) {
        fprintf(stderr, "  %s: %s\n", path, error->message);
        CU_FAIL("JSON output does not parse");
        return NULL;
    }
    return json_node_get_object(json_parser_get_root(p));
}

static JsonObject *find_level(JsonObject *o, const char *name)
{
    if (strcmp(name, json_object_get_string_member(json_object_get_object_member(o, "compute"),
                                                   "name")) == 0)
        return json_object_get_object_member(o, "compute");
    JsonArray *levels = json_object_get_array_member(o, "levels");
    for (guint i = 0; i < json_array_get_length(levels); i++) {
        JsonObject *l = json_array_get_object_element(levels, i);
        if (strcmp(json_object_get_string_member(l, "name"), name) == 0)
            return l;
    }
    fprintf(stderr, "  no level %s\n", name);
    CU_FAIL("level missing");
    return NULL;
}

/* `tilesim model` on the case's mapping: valid, energies from the ERT, Timeloop's figures. */
static gboolean model_case(const Case *c, const char *arch, const char *mapping, const char *json)
{
    g_autofree char *ert = case_path(c, c->ert);
    g_autofree char *prob = case_path(c, c->prob);
    const char *argv[] = {"model", "-q",        "--arch", arch,     "--ert", ert, "--problem",
                          prob,    "--mapping", mapping,  "--json", json,    NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, argv, FALSE) < 0)
        return FALSE;
    if (r.status != 0)
        fprintf(stderr, "  %s: model exit %d: %s\n", c->name, r.status, r.err);
    CU_ASSERT_EQUAL(r.status, 0);
    gboolean ok = r.status == 0;
    ts_test_run_clear(&r);
    return ok;
}

static void check_figures(const Case *c, JsonObject *o)
{
    /* Every storage and compute level takes its energies from the ERT. */
    JsonArray *levels = json_object_get_array_member(o, "levels");
    for (guint i = 0; i < json_array_get_length(levels); i++) {
        JsonObject *l = json_array_get_object_element(levels, i);
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(l, "energy_source"), "ert");
    }
    CU_ASSERT_STRING_EQUAL(
        json_object_get_string_member(json_object_get_object_member(o, "compute"), "energy_source"),
        "ert");
    CU_ASSERT_EQUAL(json_array_get_length(json_object_get_array_member(o, "notes")), 0);
    for (guint i = 0; i < G_N_ELEMENTS(c->counts) && c->counts[i].level; i++) {
        const Count *k = &c->counts[i];
        JsonObject *l = find_level(o, k->level);
        if (l == NULL)
            continue;
        JsonObject *t =
            json_object_get_object_member(json_object_get_object_member(l, "tensors"), k->tensor);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        int64_t got = json_object_get_int_member(t, k->field);
        if (got != k->value)
            fprintf(stderr,
                    "  %s: %s %s %s = %" G_GINT64_FORMAT ", Timeloop %" G_GINT64_FORMAT "\n",
                    c->name, k->level, k->tensor, k->field, got, k->value);
        CU_ASSERT_EQUAL(got, k->value);
    }
    double macs =
        (double)json_object_get_int_member(json_object_get_object_member(o, "totals"), "macs");
    for (guint i = 0; i < G_N_ELEMENTS(c->per_compute) && c->per_compute[i].level; i++) {
        const PerCompute *p = &c->per_compute[i];
        JsonObject *l = find_level(o, p->level);
        if (l == NULL)
            continue;
        /* Timeloop adds leakage to storage levels only; tilesim also reports the arithmetic
         * level's (leakage_pj of "compute"), not part of this comparison. */
        const gboolean compute = l == json_object_get_object_member(o, "compute");
        double got = (json_object_get_double_member(l, "energy_pj") +
                      (compute ? 0.0 : json_object_get_double_member(l, "leakage_pj"))) /
                     macs;
        if (fabs(got - p->pj_per_compute) > p->tolerance)
            fprintf(stderr, "  %s: %s %.6f pJ/compute, Timeloop %.6f\n", c->name, p->level, got,
                    p->pj_per_compute);
        CU_ASSERT_DOUBLE_EQUAL(got, p->pj_per_compute, p->tolerance);
    }
}

/* `tilesim map` (small budget) with --mapping-out, then `tilesim model` on the written file:
 * the same totals. */
static void map_case(const Case *c, const char *arch, guint index, JsonObject *given)
{
    g_autofree char *ert = case_path(c, c->ert);
    g_autofree char *prob = case_path(c, c->prob);
    g_autofree char *cons = c->constraints ? case_path(c, c->constraints) : NULL;
    g_autofree char *out = g_strdup_printf("%s/map%u.yaml", tmp_dir, index);
    g_autofree char *json = g_strdup_printf("%s/map%u.json", tmp_dir, index);
    g_autofree char *again = g_strdup_printf("%s/again%u.json", tmp_dir, index);
    const char *argv[] = {"map",
                          "-q",
                          "--arch",
                          arch,
                          "--ert",
                          ert,
                          "--problem",
                          prob,
                          "--budget",
                          "400",
                          "--threads",
                          "1",
                          "--no-progress",
                          "--no-polish",
                          "--reproducible",
                          "--mapping-out",
                          out,
                          "--json",
                          json,
                          cons ? "--constraints" : NULL,
                          cons,
                          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, argv, FALSE) < 0)
        return;
    if (r.status != 0)
        fprintf(stderr, "  %s: map exit %d: %s\n", c->name, r.status, r.err);
    CU_ASSERT_EQUAL(r.status, 0);
    ts_test_run_clear(&r);
    if (!model_case(c, arch, out, again))
        return;
    g_autoptr(JsonParser) p1 = json_parser_new();
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *a = parse_json(p1, json), *b = parse_json(p2, again);
    if (a == NULL || b == NULL)
        return;
    JsonObject *ta = json_object_get_object_member(a, "totals");
    JsonObject *tb = json_object_get_object_member(b, "totals");
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ta, "energy_pj"),
                           json_object_get_double_member(tb, "energy_pj"),
                           1e-9 * json_object_get_double_member(tb, "energy_pj"));
    CU_ASSERT_EQUAL(json_object_get_int_member(ta, "cycles"),
                    json_object_get_int_member(tb, "cycles"));
    /* 05 1mapping: the constraints leave one mapping, the one Timeloop's mapper found. */
    if (strstr(c->name, "1mapping") != NULL)
        CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(ta, "energy_pj"),
                               json_object_get_double_member(
                                   json_object_get_object_member(given, "totals"), "energy_pj"),
                               1e-9 * json_object_get_double_member(ta, "energy_pj"));
}

static void run_case(const Case *c, guint index, gboolean with_map)
{
    g_autofree char *arch = arch_path(c);
    g_autofree char *ert = case_path(c, c->ert);
    /* check: the arch with its ERT lists every level's energy source */
    const char *check[] = {"check", arch, "--ert", ert, NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, check, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "energy sources (per level):"));
    CU_ASSERT_PTR_NULL(strstr(r.out, "note:"));
    ts_test_run_clear(&r);

    g_autofree char *mapping = case_path(c, c->map);
    g_autofree char *json = g_strdup_printf("%s/model%u.json", tmp_dir, index);
    if (!model_case(c, arch, mapping, json))
        return;
    g_autoptr(JsonParser) p = json_parser_new();
    JsonObject *o = parse_json(p, json);
    if (o == NULL)
        return;
    check_figures(c, o);
    if (with_map)
        map_case(c, arch, index, o);
}

static gboolean have_exercises(void)
{
    g_autofree char *dir = ts_test_reference_path("timeloop-exercises");
    if (dir == NULL || !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        fprintf(stderr, "SKIP: ../shared/reference/timeloop-exercises not found\n");
        return FALSE;
    }
    return TRUE;
}

static void test_cases(void)
{
    if (!have_exercises())
        return;
    CU_ASSERT_EQUAL(G_N_ELEMENTS(cases), 19);
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        fprintf(stderr, "\n    %s", cases[i].name);
        run_case(&cases[i], i, TRUE);
    }
    fprintf(stderr, "\n    %s\n", case_04_old.name);
    run_case(&case_04_old, 99, FALSE);
}

/* Every file of the folder passes `tilesim check`, the template with its own message. */
static void test_check_every_file(void)
{
    if (!have_exercises())
        return;
    g_autofree char *root = ts_test_reference_path("timeloop-exercises");
    GPtrArray *stack = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(stack, g_strdup(root));
    while (stack->len > 0) {
        char *dir = g_ptr_array_steal_index(stack, stack->len - 1);
        GDir *d = g_dir_open(dir, 0, NULL);
        const char *n;
        while (d && (n = g_dir_read_name(d)) != NULL) {
            char *full = g_build_filename(dir, n, NULL);
            if (g_file_test(full, G_FILE_TEST_IS_DIR))
                g_ptr_array_add(stack, full);
            else if (g_str_has_suffix(n, ".yaml"))
                g_ptr_array_add(files, full);
            else
                g_free(full);
        }
        if (d)
            g_dir_close(d);
        g_free(dir);
    }
    g_ptr_array_sort(files, (GCompareFunc)g_strcmp0);
    /* One `tilesim check` over every file but the templates, one per template. */
    GPtrArray *plain = g_ptr_array_new();
    GPtrArray *templates = g_ptr_array_new();
    g_ptr_array_add(plain, (gpointer) "check");
    for (guint i = 0; i < files->len; i++) {
        const char *f = g_ptr_array_index(files, i);
        g_autofree char *text = NULL;
        g_file_get_contents(f, &text, NULL, NULL);
        g_ptr_array_add(text != NULL && strstr(text, "{{") != NULL ? templates : plain,
                        (gpointer)f);
    }
    g_ptr_array_add(plain, NULL);
    TsTestRun r;
    if (ts_test_spawn(&r, (const char *const *)plain->pdata, FALSE) >= 0) {
        if (r.status != 0)
            fprintf(stderr, "\n%s", r.err);
        CU_ASSERT_EQUAL(r.status, 0);
        g_autofree char *want = g_strdup_printf("checked %u file(s): ", plain->len - 2);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
        CU_ASSERT_PTR_NOT_NULL(strstr(r.out, " 0 with errors"));
        ts_test_run_clear(&r);
    }
    CU_ASSERT_TRUE(plain->len - 2 >= 70);
    CU_ASSERT_EQUAL(templates->len, 1);
    for (guint i = 0; i < templates->len; i++) {
        const char *argv[] = {"check", g_ptr_array_index(templates, i), NULL};
        if (ts_test_spawn(&r, argv, FALSE) < 0)
            break;
        CU_ASSERT_EQUAL(r.status, 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "this file is a template: render it first"));
        ts_test_run_clear(&r);
    }
    g_ptr_array_free(plain, TRUE);
    g_ptr_array_free(templates, TRUE);
    g_ptr_array_free(files, TRUE);
    g_ptr_array_free(stack, TRUE);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("timeloop_exercises", NULL, NULL);
    CU_add_test(s, "cases", test_cases);
    CU_add_test(s, "check_every_file", test_check_every_file);
    tmp_dir = g_dir_make_tmp("tilesim-exercises-XXXXXX", NULL);
    if (!have_exercises())
        ts_test_skip_all("../shared/reference/timeloop-exercises not found");
    int rc = ts_test_run(argc, argv);
    ts_test_remove_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
