/* `tilesim simulate` and `tilesim compare` end to end on a BERT-base layer (small searches):
 * the JSON's structure and key order, whole-layer totals = the sum over ops of each op's
 * figure x count, every breakdown adding up to the totals, the whole-model figures = layer x
 * layers, the CSV's numbers equal to the JSON's, byte-identical output for 1 and 2 threads,
 * the plots rendered (PNG of the requested size, not blank; SVG; CSV beside), nothing but the
 * JSON on stdout with --json -, bad options refused; and the progress line's formats
 * (terminal redraw, plain lines, quiet first second, disabled). */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ts-plot.h"
#include "ts-progress.h"
#include "ts-report-json.h"
#include "ts-test-png.h"
#include "ts-test.h"

static char *tmpdir;
static JsonNode *sim; /* the simulate --json document of the suite */
static char *sim_csv;

static char *path(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static JsonNode *load_json(const char *file)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_autoptr(GError) error = NULL;
    if (!json_parser_load_from_file(p, file, &error)) {
        fprintf(stderr, "%s: %s\n", file, error ? error->message : "?");
        return NULL;
    }
    return json_node_copy(json_parser_get_root(p));
}

static gboolean close_to(double a, double b)
{
    return fabs(a - b) <= 1e-9 * MAX(fabs(a), fabs(b)) + 1e-9;
}

/* The default engine (both: the analytical report with the DES of the same mappings) on a
 * BERT-base layer of 32 tokens. */
static const char *const sim_args[] = {"simulate", "--arch", "eyeriss-like", "--workload",
                                       "bert-base", "--seq", "32", "--budget", "500",
                                       "--no-polish", "--reproducible", "--no-progress", "-q",
                                       "--layers", "model", NULL};

/* Runs simulate with sim_args plus extra (NULL-terminated); returns the exit status. */
static int run_sim(const char *const *extra, TsTestRun *r)
{
    GPtrArray *a = g_ptr_array_new();
    for (guint i = 0; sim_args[i]; i++)
        g_ptr_array_add(a, (gpointer)sim_args[i]);
    for (guint i = 0; extra && extra[i]; i++)
        g_ptr_array_add(a, (gpointer)extra[i]);
    g_ptr_array_add(a, NULL);
    int status = ts_test_spawn(r, (const char *const *)a->pdata, FALSE);
    g_ptr_array_free(a, TRUE);
    return status;
}

static int setup(void)
{
    tmpdir = g_dir_make_tmp("tilesim-simulate-XXXXXX", NULL);
    if (tmpdir == NULL)
        return 1;
    g_autofree char *json = path("sim.json"), *csv = path("sim.csv"), *plots = path("plots");
    const char *extra[] = {"--threads", "1", "--json", json, "--csv", csv, "--plot", plots, NULL};
    TsTestRun r;
    if (run_sim(extra, &r) != 0) {
        fprintf(stderr, "simulate failed: %s\n", r.err ? r.err : "(not run)");
        ts_test_run_clear(&r);
        return 0; /* the tests fail on the missing document */
    }
    ts_test_run_clear(&r);
    sim = load_json(json);
    g_file_get_contents(csv, &sim_csv, NULL, NULL);
    return 0;
}

static int teardown(void)
{
    if (sim)
        json_node_unref(sim);
    g_free(sim_csv);
    ts_test_tmpdir_done(&tmpdir);
    return 0;
}

/* The members of o, in order, start with keys (NULL-terminated). */
static void check_keys(JsonObject *o, const char *const *keys)
{
    GList *members = json_object_get_members(o); /* in insertion order */
    GList *m = members;
    for (guint i = 0; keys[i]; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        if (strcmp(m->data, keys[i]) != 0)
            fprintf(stderr, "key %u: expected %s, got %s\n", i, keys[i], (const char *)m->data);
        CU_ASSERT_STRING_EQUAL(m->data, keys[i]);
        m = m->next;
    }
    g_list_free(members);
}

static const char *classes_of(guint i)
{
    static const char *const classes[12] = {"gemm",     "attention", "non_gemm", "attention",
                                            "gemm",     "non_gemm",  "non_gemm", "gemm",
                                            "non_gemm", "gemm",      "non_gemm", "non_gemm"};
    return classes[i];
}

static void test_json_structure(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    JsonObject *root = json_node_get_object(sim);
    const char *top[] = {"tool",       "version",       "engine",     "arch",
                         "workload",   "ops",           "totals",     "breakdown",
                         "des_totals", "des_breakdown", "simulation", "model",
                         "seconds",    "notes",         NULL};
    check_keys(root, top);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(root, "engine"), "both");
    CU_ASSERT_TRUE(json_object_get_null_member(root, "seconds")); /* --reproducible */
    JsonArray *ops = json_object_get_array_member(root, "ops");
    CU_ASSERT_EQUAL(json_array_get_length(ops), 12);
    /* An einsum op: the op object of DESIGN.md section 9, then the workload-run keys. */
    JsonObject *kqv = json_array_get_object_element(ops, 0);
    const char *op_keys[] = {"tool",   "version", "engine",  "arch",    "workload", "op",
                             "totals", "levels",  "compute", "mapping", NULL};
    check_keys(kqv, op_keys);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(kqv, "class"), "gemm");
    /* every op ran on the DES: its cycles, its "des" member, no reason */
    for (guint i = 0; i < 12; i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        CU_ASSERT(json_object_get_double_member(op, "des_cycles") > 0);
        CU_ASSERT_FALSE(json_object_get_null_member(op, "des_vs_analytical"));
        CU_ASSERT_TRUE(json_object_get_null_member(op, "des_not_run"));
        JsonObject *des = json_object_get_object_member(op, "des");
        CU_ASSERT_PTR_NOT_NULL_FATAL(des);
        const char *des_keys[] = {"start_cycles", "cycles", "latency_s", "events", NULL};
        check_keys(des, des_keys);
        CU_ASSERT_TRUE(json_object_has_member(des, "stall_cycles"));
        CU_ASSERT(json_array_get_length(json_object_get_array_member(des, "components")) == 6);
        CU_ASSERT_EQUAL(json_object_has_member(op, "des_levels"),
                        strcmp(classes_of(i), "non_gemm") != 0);
    }
    const char *dt_keys[] = {"ops_run", "ops_not_run", "unavailable", "cycles", "latency_s",
                             "energy_pj", "macs", "analytical_cycles", "cycles_diff_pct", NULL};
    JsonObject *dt = json_object_get_object_member(root, "des_totals");
    check_keys(dt, dt_keys);
    CU_ASSERT_EQUAL(json_object_get_int_member(dt, "ops_run"), 12);
    CU_ASSERT_TRUE(json_object_get_null_member(dt, "unavailable"));
    const char *db_keys[] = {"cycles_by_cause", "stall_cycles_by_component", NULL};
    check_keys(json_object_get_object_member(root, "des_breakdown"), db_keys);
    const char *cause_keys[] = {"compute", "fill", "drain", "bandwidth", "latency", NULL};
    check_keys(json_object_get_object_member(json_object_get_object_member(root, "des_breakdown"),
                                             "cycles_by_cause"),
               cause_keys);
    for (guint i = 0; i < 12; i++)
        CU_ASSERT_STRING_EQUAL(
            json_object_get_string_member(json_array_get_object_element(ops, i), "class"),
            classes_of(i));
    JsonObject *bd = json_object_get_object_member(root, "breakdown");
    const char *bd_keys[] = {"energy_by_level_pj", "energy_by_tensor_pj", "energy_by_class_pj",
                             "latency_by_op",      "cycles_by_cause",     NULL};
    check_keys(bd, bd_keys);
    const char *class_keys[] = {"gemm", "attention", "non_gemm", "transfers", NULL};
    check_keys(json_object_get_object_member(bd, "energy_by_class_pj"), class_keys);
    const char *level_keys[] = {"DRAM",      "GlobalBuffer", "ifmap_spad", "weights_spad",
                                "psum_spad", "MAC",          "vector ops", NULL};
    check_keys(json_object_get_object_member(bd, "energy_by_level_pj"), level_keys);
    const char *model_keys[] = {"layers",    "phase", "tokens",       "energy_pj",    "cycles",
                                "latency_s", "macs",  "edp_j_cycles", "tokens_per_s", NULL};
    check_keys(json_object_get_object_member(root, "model"), model_keys);
}

static double sum_members(JsonObject *o, const char *skip)
{
    double s = 0;
    GList *members = json_object_get_members(o);
    for (GList *m = members; m; m = m->next)
        if (skip == NULL || strcmp(m->data, skip) != 0)
            s += json_object_get_double_member(o, m->data);
    g_list_free(members);
    return s;
}

static void test_totals_are_sums(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    JsonObject *root = json_node_get_object(sim);
    JsonObject *tot = json_object_get_object_member(root, "totals");
    JsonArray *ops = json_object_get_array_member(root, "ops");
    double e = 0, cyc = 0, lat = 0, macs = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        double count = (double)json_object_get_int_member(op, "count");
        JsonObject *t = json_object_get_object_member(op, "totals");
        e += json_object_get_double_member(t, "energy_pj") * count;
        cyc += json_object_get_double_member(t, "cycles") * count;
        lat += json_object_get_double_member(t, "latency_s") * count;
        macs += json_object_get_double_member(t, "macs") * count;
    }
    const double E = json_object_get_double_member(tot, "energy_pj");
    const double C = json_object_get_double_member(tot, "cycles");
    CU_ASSERT_TRUE(E > 0 && C > 0);
    CU_ASSERT_TRUE(close_to(e, E));
    CU_ASSERT_TRUE(close_to(cyc, C));
    CU_ASSERT_TRUE(close_to(lat, json_object_get_double_member(tot, "latency_s")));
    CU_ASSERT_TRUE(close_to(macs, json_object_get_double_member(tot, "macs")));
    CU_ASSERT_TRUE(close_to(macs, 228065280.0)); /* BERT-base layer, seq 32 */

    /* Every breakdown adds up to the totals. */
    JsonObject *bd = json_object_get_object_member(root, "breakdown");
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_level_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_tensor_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "energy_by_class_pj"), NULL), E));
    CU_ASSERT_TRUE(
        close_to(sum_members(json_object_get_object_member(bd, "cycles_by_cause"), "source"), C));
    JsonArray *lat_ops = json_object_get_array_member(bd, "latency_by_op");
    double lc = 0, share = 0;
    for (guint i = 0; i < json_array_get_length(lat_ops); i++) {
        JsonObject *o = json_array_get_object_element(lat_ops, i);
        lc += json_object_get_double_member(o, "cycles");
        share += json_object_get_double_member(o, "share");
    }
    CU_ASSERT_TRUE(close_to(lc, C));
    CU_ASSERT_TRUE(close_to(share, 1.0));

    /* The DES: each op's window is its des_cycles x count; the windows add up to the
     * simulated layer, and so do its cycles by cause. */
    JsonObject *dt = json_object_get_object_member(root, "des_totals");
    const double D = json_object_get_double_member(dt, "cycles");
    double dsum = 0, an = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        double count = (double)json_object_get_int_member(op, "count");
        const double w = json_object_get_double_member(json_object_get_object_member(op, "des"),
                                                       "cycles");
        CU_ASSERT_TRUE(close_to(json_object_get_double_member(op, "des_cycles") * count, w));
        CU_ASSERT_TRUE(close_to(json_object_get_double_member(op, "des_vs_analytical"),
                                (json_object_get_double_member(op, "des_cycles") -
                                 json_object_get_double_member(
                                     json_object_get_object_member(op, "totals"), "cycles")) /
                                    json_object_get_double_member(
                                        json_object_get_object_member(op, "totals"), "cycles")));
        dsum += w;
        an += json_object_get_double_member(json_object_get_object_member(op, "totals"),
                                            "cycles") *
              count;
    }
    CU_ASSERT_TRUE(D > 0);
    CU_ASSERT_DOUBLE_EQUAL(dsum, D, 1e-6 * D + 1.0);
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(dt, "analytical_cycles"), an));
    JsonObject *dbd = json_object_get_object_member(root, "des_breakdown");
    /* by cause: within the ops' overlap (an op computing inside the previous one's window) */
    CU_ASSERT_DOUBLE_EQUAL(sum_members(json_object_get_object_member(dbd, "cycles_by_cause"),
                                       NULL),
                           D, 0.01 * D);
    /* the DES counts the model's actions: the same energy */
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(dt, "energy_pj"), E, 1e-6 * E);

    /* Whole model: BERT-base's 12 layers, prefill of 32 tokens. */
    JsonObject *m = json_object_get_object_member(root, "model");
    CU_ASSERT_EQUAL(json_object_get_int_member(m, "layers"), 12);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(m, "phase"), "prefill");
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "energy_pj"), 12 * E));
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "cycles"), 12 * C));
    CU_ASSERT_TRUE(
        close_to(json_object_get_double_member(m, "edp_j_cycles"), 12 * E * 1e-12 * 12 * C));
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(m, "tokens_per_s"),
                            32.0 / json_object_get_double_member(m, "latency_s")));
}

/* The JSON of simulate --engine analytical with args (the arch, workload and options), whose
 * breakdowns by level, tensor and op class each add up to the total energy; NULL on failure. */
static JsonNode *breakdown_sums(const char *name, const char *const *args)
{
    g_autofree char *json = path(name);
    GPtrArray *a = g_ptr_array_new();
    g_ptr_array_add(a, (gpointer) "simulate");
    for (guint i = 0; args[i]; i++)
        g_ptr_array_add(a, (gpointer)args[i]);
    const char *tail[] = {"--engine", "analytical", "--json", json, "-q", "--no-progress", NULL};
    for (guint i = 0; i < G_N_ELEMENTS(tail); i++)
        g_ptr_array_add(a, (gpointer)tail[i]);
    TsTestRun r;
    const int status = ts_test_spawn(&r, (const char *const *)a->pdata, FALSE);
    g_ptr_array_free(a, TRUE);
    ts_test_run_clear(&r);
    CU_ASSERT_EQUAL(status, 0);
    JsonNode *doc = status == 0 ? load_json(json) : NULL;
    CU_ASSERT_PTR_NOT_NULL(doc);
    if (doc == NULL)
        return NULL;
    JsonObject *root = json_node_get_object(doc);
    const double E =
        json_object_get_double_member(json_object_get_object_member(root, "totals"), "energy_pj");
    JsonObject *bd = json_object_get_object_member(root, "breakdown");
    const char *keys[] = {"energy_by_level_pj", "energy_by_tensor_pj", "energy_by_class_pj"};
    for (guint k = 0; k < G_N_ELEMENTS(keys); k++) {
        const double sum = sum_members(json_object_get_object_member(bd, keys[k]), NULL);
        if (!close_to(sum, E))
            fprintf(stderr, "%s: %s %.9g pJ, total %.9g pJ\n", name, keys[k], sum, E);
        CU_ASSERT_TRUE(close_to(sum, E));
    }
    return doc;
}

/* LUT-NN ops run as PIM-DL's kernel on upmem-pim's DPUs (example-ops' ff_lut): their host-link
 * energy is in the energy by tensor (vector-op reads and writes) and in the transfers class. */
static void test_lut_pim_breakdown(void)
{
    const char *args[] = {"--arch", "upmem-pim", "--workload", "example-ops", "--budget", "300",
                          "--no-polish", NULL};
    JsonNode *doc = breakdown_sums("lut-pim.json", args);
    if (doc == NULL)
        return;
    JsonObject *root = json_node_get_object(doc);
    JsonArray *ops = json_object_get_array_member(root, "ops");
    double link = 0.0;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        if (json_object_has_member(op, "lut_pim"))
            link += json_object_get_double_member(json_object_get_object_member(op, "lut_pim"),
                                                  "link_pj") *
                    (double)json_object_get_int_member(op, "count");
    }
    CU_ASSERT_TRUE(link > 0.0);
    JsonObject *classes = json_object_get_object_member(
        json_object_get_object_member(root, "breakdown"), "energy_by_class_pj");
    CU_ASSERT_TRUE(json_object_get_double_member(classes, "transfers") >= link);
    json_node_unref(doc);
}

/* A layer fused head by head (--fuse attention: softmax's scores and probabilities stay in the
 * GlobalBuffer): every breakdown still adds up to the total energy (the tensor breakdown's
 * vector-op reads and writes are the fused op's, not its unfused DRAM traffic), and the level
 * breakdown is the sum of the ops' levels (a fused vector op's intermediates at their level). */
static void test_fused_breakdown(void)
{
    const char *args[] = {"--arch", "eyeriss-like", "--workload", "bert-base", "--seq", "32",
                          "--budget", "500", "--no-polish", "--fuse", "attention", NULL};
    JsonNode *doc = breakdown_sums("fused.json", args);
    if (doc == NULL)
        return;
    JsonObject *root = json_node_get_object(doc);
    JsonObject *by_level = json_object_get_object_member(
        json_object_get_object_member(root, "breakdown"), "energy_by_level_pj");
    /* the level breakdown from the ops' levels (storage levels; compute and vector ops aside) */
    JsonArray *ops = json_object_get_array_member(root, "ops");
    GHashTable *sums = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    gboolean fused_level_seen = FALSE;
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *op = json_array_get_object_element(ops, i);
        const double count = (double)json_object_get_int_member(op, "count");
        JsonArray *lv = json_object_get_array_member(op, "levels");
        const gboolean vector = json_object_has_member(op, "vector");
        for (guint l = 0; l < json_array_get_length(lv); l++) {
            JsonObject *o = json_array_get_object_element(lv, l);
            const char *name = json_object_get_string_member(o, "name");
            fused_level_seen |= vector && strcmp(name, "GlobalBuffer") == 0;
            double *v = g_hash_table_lookup(sums, name);
            if (v == NULL) {
                v = g_new0(double, 1);
                g_hash_table_insert(sums, (gpointer)name, v);
            }
            *v += json_object_get_double_member(o, "energy_pj") * count;
        }
    }
    CU_ASSERT_TRUE(fused_level_seen);
    const char *levels[] = {"DRAM", "GlobalBuffer", "psum_spad"};
    for (guint k = 0; k < G_N_ELEMENTS(levels); k++) {
        const double *v = g_hash_table_lookup(sums, levels[k]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(v);
        const double b = json_object_get_double_member(by_level, levels[k]);
        if (!close_to(*v, b))
            fprintf(stderr, "%s: ops %.9g pJ, breakdown %.9g pJ\n", levels[k], *v, b);
        CU_ASSERT_TRUE(close_to(*v, b));
    }
    g_hash_table_destroy(sums);
    json_node_unref(doc);
}

/* A systolic array's fold fill and drain (skew), inside the DES's compute-busy time and not
 * in the model's compute cycles, is said under the DES per-op table when it is over a tenth of
 * the busy time (gemmini-like's 16 x 16 array on KTQ at 64 tokens), with the JSON's figure;
 * the whole-model line says it repeats the model's layer, not the DES's. */
static void test_array_skew_line(void)
{
    g_autofree char *json = path("skew.json");
    const char *args[] = {"simulate", "--arch",   "gemmini-like", "--workload", "bert-base",
                          "--seq",    "64",       "--precision",  "int8",       "--op",
                          "KTQ",      "--budget", "500",          "--no-polish", "--json",
                          json,       "--no-progress", NULL};
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonObject *des = json_object_get_object_member(json_node_get_object(doc), "des"); /* --op */
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    const double skew = json_object_get_double_member(des, "array_fill_drain_cycles");
    const double busy = json_object_get_double_member(des, "compute_busy_cycles");
    CU_ASSERT_TRUE(skew > 0.1 * busy);
    g_autofree char *want = g_strdup_printf(
        "  1 KTQ: the array's fold fill and drain (skew) take %.0f of its %.0f compute-busy "
        "cycles; the model's compute cycles count none\n",
        skew, busy);
    if (strstr(r.out, want) == NULL)
        fprintf(stderr, "expected '%s' in:\n%s\n", want, r.out);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
    ts_test_run_clear(&r);
    json_node_unref(doc);
    /* the whole model beside the DES: the model's layer x 12, said so */
    const char *model[] = {"simulate", "--arch",   "eyeriss-like", "--workload", "bert-base",
                           "--seq",    "16",       "--budget",     "200",        "--no-polish",
                           "--layers", "model",    "--no-progress", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, model, FALSE), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\n  whole model (the analytical model's layer): 12 "
                                         "layers, prefill (embedding and LM head not included)"));
    ts_test_run_clear(&r);
}

/* tpu-like FF2 at budget 2000: the search's best mapping puts L128 on the 256 x 256 WS array,
 * which streams it instead: 2,304 one-fold passes of a 128 x 32 x 32 GEMM, 894 cycles each. The
 * model's cycles (Timeloop's semantics, 117,387) are 17.5x below; the report says so with the
 * model's fold figures (JSON systolic_folds, a note), which are what the DES's array is busy for.
 * With --systolic-folds the search charges the folds: no note, and the DES within 3x of the
 * model (its DRAM timing; every tpu-like op is ~2.3x) instead of 18x. */
static void test_systolic_folds(void)
{
    g_autofree char *json = path("folds.json");
    g_autofree char *json2 = path("folds-charged.json");
    const char *args[] = {"simulate", "--arch",  "tpu-like", "--workload",    "bert-base",
                          "--op",     "FF2",     "--budget", "2000",          "--json",
                          json,       "--no-progress", NULL};
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args, FALSE), 0);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonObject *op = json_node_get_object(doc);
    CU_ASSERT_TRUE_FATAL(json_object_has_member(op, "systolic_folds"));
    JsonObject *f = json_object_get_object_member(op, "systolic_folds");
    const double passes = json_object_get_double_member(f, "passes");
    const double fcycles = json_object_get_double_member(f, "cycles");
    const double lines = json_object_get_double_member(f, "lines_per_fold");
    double model = json_object_get_double_member(
        json_object_get_object_member(op, "totals"), "cycles");
    CU_ASSERT_EQUAL(passes, 2304);
    CU_ASSERT_EQUAL(lines, 894);
    CU_ASSERT_EQUAL(json_object_get_double_member(f, "gemm_m"), 128);
    CU_ASSERT_FALSE(json_object_get_boolean_member(f, "charged"));
    CU_ASSERT_TRUE(fcycles > 10.0 * model);
    /* the DES's array is busy for exactly the model's fold timing */
    JsonObject *des = json_object_get_object_member(op, "des");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(des, "compute_busy_cycles"), fcycles,
                           0.5);
    CU_ASSERT_TRUE(json_object_get_double_member(op, "des_cycles") > 10.0 * model);
    g_autofree char *want = g_strdup_printf(
        "note: op FF2: the 256 x 256 ws systolic array runs this mapping as %.0f passes of a "
        "GEMM M 128 x N 32 x K 32, 1 fold of 894 cycles each (128 streamed, 766 fill and "
        "drain); the mapping puts L128 on the array's axes, which a ws array streams in time "
        "(M): %.0f cycles by SCALE-Sim's fold timing, %.1fx the model's %.0f",
        passes, fcycles, fcycles / model, model);
    if (strstr(r.out, want) == NULL)
        fprintf(stderr, "expected '%s' in:\n%s\n", want, r.out);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, want));
    ts_test_run_clear(&r);
    json_node_unref(doc);

    const char *args2[] = {"simulate", "--arch",   "tpu-like", "--workload",       "bert-base",
                           "--op",     "FF2",      "--budget", "2000",             "--json",
                           json2,      "--no-progress", "--systolic-folds", NULL};
    CU_ASSERT_EQUAL_FATAL(ts_test_spawn(&r, args2, FALSE), 0);
    doc = load_json(json2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    op = json_node_get_object(doc);
    f = json_object_get_object_member(op, "systolic_folds");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_TRUE(json_object_get_boolean_member(f, "charged"));
    model = json_object_get_double_member(json_object_get_object_member(op, "totals"), "cycles");
    CU_ASSERT_TRUE(model >= json_object_get_double_member(f, "cycles"));
    CU_ASSERT_TRUE(json_object_get_double_member(op, "des_cycles") < 3.0 * model);
    CU_ASSERT_PTR_NULL(strstr(r.out, "systolic array runs this mapping"));
    ts_test_run_clear(&r);
    json_node_unref(doc);
}

/* The CSV's per-op and total rows hold the JSON's numbers exactly; total_* add up. */
static void test_csv_matches_json(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim_csv);
    g_auto(GStrv) lines = g_strsplit(sim_csv, "\n", -1);
    GPtrArray *h = ts_test_csv_split(lines[0]);
    int c_op = ts_test_csv_column(h, "op"), c_e = ts_test_csv_column(h, "energy_pj");
    int c_te = ts_test_csv_column(h, "total_energy_pj"), c_cls = ts_test_csv_column(h, "class");
    int c_dc = ts_test_csv_column(h, "des_cycles");
    int c_dt = ts_test_csv_column(h, "des_total_cycles");
    ts_test_csv_column(h, "des_bound");
    ts_test_csv_column(h, "des_bandwidth_stall_cycles");
    ts_test_csv_column(h, "des_not_run");
    ts_test_csv_column(h, "des_utilization:DRAM");
    JsonArray *ops = json_object_get_array_member(json_node_get_object(sim), "ops");
    double sum = 0;
    guint i = 0;
    for (; lines[i + 1] && i < 12; i++) {
        GPtrArray *row = ts_test_csv_split(lines[i + 1]);
        JsonObject *op = json_array_get_object_element(ops, i);
        CU_ASSERT_STRING_EQUAL(row->pdata[c_op], json_object_get_string_member(op, "name"));
        double e = g_ascii_strtod(row->pdata[c_e], NULL);
        CU_ASSERT_EQUAL(e, json_object_get_double_member(
                               json_object_get_object_member(op, "totals"), "energy_pj"));
        CU_ASSERT_STRING_EQUAL(row->pdata[c_cls], json_object_get_string_member(op, "class"));
        CU_ASSERT_EQUAL(g_ascii_strtod(row->pdata[c_dc], NULL),
                        json_object_get_double_member(op, "des_cycles"));
        CU_ASSERT_EQUAL(g_ascii_strtod(row->pdata[c_dt], NULL),
                        json_object_get_double_member(json_object_get_object_member(op, "des"),
                                                      "cycles"));
        sum += g_ascii_strtod(row->pdata[c_te], NULL);
        g_ptr_array_free(row, TRUE);
    }
    CU_ASSERT_EQUAL(i, 12);
    GPtrArray *total = ts_test_csv_split(lines[13]);
    CU_ASSERT_STRING_EQUAL(total->pdata[0], "total");
    CU_ASSERT_TRUE(close_to(sum, g_ascii_strtod(total->pdata[c_te], NULL)));
    GPtrArray *model = ts_test_csv_split(lines[14]);
    CU_ASSERT_STRING_EQUAL(model->pdata[0], "model");
    CU_ASSERT_TRUE(close_to(12 * sum, g_ascii_strtod(model->pdata[c_te], NULL)));
    g_ptr_array_free(total, TRUE);
    g_ptr_array_free(model, TRUE);
    g_ptr_array_free(h, TRUE);
}

static void check_plot(const char *dir, const char *name)
{
    g_autofree char *base = g_build_filename(dir, name, NULL);
    g_autofree char *png = g_strdup_printf("%s.png", base), *svg = g_strdup_printf("%s.svg", base),
                    *csv = g_strdup_printf("%s.csv", base);
    TsTestPng p;
    CU_ASSERT_TRUE_FATAL(ts_test_png_read(png, &p));
    CU_ASSERT_EQUAL(p.width, 1100);
    CU_ASSERT_EQUAL(p.height, 600);
    CU_ASSERT_TRUE(p.ink > 0.01);
    CU_ASSERT_TRUE(p.colours >= 8);
    g_autofree char *text = NULL, *data = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(svg, &text, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "<svg"));
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &data, NULL, NULL));
    CU_ASSERT_TRUE(strlen(data) > 40);
}

/* Every point of dir/roofline.csv lies on or below its level's roof (bandwidth x MACs per
 * byte, capped at the compute peak); returns the points checked. */
static guint check_roofline(const char *dir)
{
    g_autofree char *csvp = g_build_filename(dir, "roofline.csv", NULL), *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csvp, &csv, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    GHashTable *bw = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    double peak = INFINITY;
    /* the roofs first: the bandwidth of the first segment (GMAC/s over MACs per byte) */
    for (guint i = 1; lines[i] && lines[i][0]; i++) {
        GPtrArray *f = ts_test_csv_split(lines[i]);
        const char *name = f->pdata[0];
        const double x = g_ascii_strtod(f->pdata[1], NULL), y = g_ascii_strtod(f->pdata[2], NULL);
        const char *roof = strstr(name, " roof");
        g_autofree char *level = roof ? g_strndup(name, (gsize)(roof - name)) : NULL;
        if (g_str_has_prefix(name, "peak ")) {
            peak = y;
        } else if (level != NULL && !g_hash_table_contains(bw, level)) {
            double *v = g_new(double, 1);
            *v = y / x;
            g_hash_table_insert(bw, g_steal_pointer(&level), v);
        }
        g_ptr_array_free(f, TRUE);
    }
    guint n = 0;
    for (guint i = 1; lines[i] && lines[i][0]; i++) {
        GPtrArray *f = ts_test_csv_split(lines[i]);
        const char *name = f->pdata[0];
        const double x = g_ascii_strtod(f->pdata[1], NULL), y = g_ascii_strtod(f->pdata[2], NULL);
        const double *b = g_hash_table_lookup(bw, name);
        if (strstr(name, " roof") == NULL && !g_str_has_prefix(name, "peak ")) {
            const double roof = MIN(b ? *b * x : INFINITY, peak);
            if (y > roof * (1 + 1e-9))
                fprintf(stderr, "%s: %s point (%g, %g) above its roof %g\n", dir, name, x, y,
                        roof);
            CU_ASSERT_TRUE(y <= roof * (1 + 1e-9));
            n++;
        }
        g_ptr_array_free(f, TRUE);
    }
    g_hash_table_destroy(bw);
    return n;
}

/* LLaMA-2 decode (GEMV-like ops, bandwidth-bound) on architectures whose levels read and write
 * on separate bandwidths: no point of the roofline above its roof. */
static void test_roofline_under_roofs(void)
{
    if (!ts_plot_available())
        return;
    const char *archs[] = {"transformer-gemmini", "gemmini-like", "aim-like"};
    for (guint k = 0; k < G_N_ELEMENTS(archs); k++) {
        g_autofree char *name = g_strdup_printf("roofline-%s", archs[k]);
        g_autofree char *dir = path(name);
        const char *args[] = {"simulate", "--arch",      archs[k],     "--workload", "llama2-7b",
                              "--phase",  "decode",      "--engine",   "analytical", "--budget",
                              "300",      "--no-polish", "--threads",  "1",          "--no-progress",
                              "-q",       "--plot",      dir,          NULL};
        TsTestRun r;
        if (ts_test_spawn(&r, args, FALSE) < 0)
            return;
        if (r.status != 0)
            fprintf(stderr, "%s\n", r.err);
        CU_ASSERT_EQUAL_FATAL(r.status, 0);
        ts_test_run_clear(&r);
        CU_ASSERT(check_roofline(dir) >= 8);
    }
}

static void test_simulate_plots(void)
{
    if (!ts_plot_available())
        return;
    g_autofree char *dir = path("plots");
    check_plot(dir, "energy-by-op");
    check_plot(dir, "latency-by-op");
    check_plot(dir, "roofline");
    CU_ASSERT(check_roofline(dir) > 0);
    /* energy-by-op.csv: one row per op and level, each op x count, in uJ */
    g_autofree char *csvp = g_build_filename(dir, "energy-by-op.csv", NULL), *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csvp, &csv, NULL, NULL));
    CU_ASSERT_TRUE(g_str_has_prefix(csv, "category,group,value\nKQV,DRAM,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\nKTQ x12,MAC,"));
}

/* Threads do not change a byte; --json - leaves only the JSON on stdout. */
static void test_threads_and_stdout(void)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
    const char *extra[] = {"--threads", "2", "--json", "-", NULL};
    TsTestRun r;
    CU_ASSERT_EQUAL_FATAL(run_sim(extra, &r), 0);
    g_autofree char *first = path("sim.json"), *doc = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(first, &doc, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(r.out, doc);
    ts_test_run_clear(&r);
}

/* --engine both: the latency plot has the DES's latency beside the model's. */
static void test_both_plot(void)
{
    if (!ts_plot_available())
        return;
    g_autofree char *dir = path("both");
    const char *args[] = {
        "simulate",      "--arch", "gemmini-like", "--workload", "bert-base",   "--op",      "KTQ",
        "--engine",      "both",   "--budget",     "100",        "--no-polish", "--threads", "1",
        "--no-progress", "-q",     "--plot",       dir,          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    ts_test_run_clear(&r);
    check_plot(dir, "latency-by-op");
    g_autofree char *csvp = g_build_filename(dir, "latency-by-op.csv", NULL), *csv = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csvp, &csv, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(csv, "KTQ x12,analytical,"));
    const char *des = strstr(csv, "KTQ x12,DES,");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    CU_ASSERT_TRUE(g_ascii_strtod(des + strlen("KTQ x12,DES,"), NULL) > 0);
}

/* A LUT-NN kernel on upmem-pim's DPUs (PIM-DL's kernel): the DES runs it under the default
 * engine (the report's LUT breakdown gains the DES's phases, the JSON op's des object its
 * lut_pim phases) and under --engine des (exit 0). One sequence of 256 tokens keeps the
 * centroid search's host-memory streams short. */
static void test_des_lut(void)
{
    g_autofree char *json = path("lut.json");
    const char *args[] = {"simulate", "--arch",   "upmem-pim", "--workload",  "bert-base-lut",
                          "--seq",    "256",      "--batch",   "1",           "--op",
                          "FF2",      "--budget", "300",       "--no-polish", "--no-progress",
                          "--json",   json,       NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NULL(strstr(r.out, "not run on the DES"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "    DES: host search "));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "DES DPU kernel, per DPU: "));
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonObject *o = json_node_get_object(doc);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "both");
    CU_ASSERT_TRUE(json_object_get_null_member(o, "des_not_run"));
    JsonObject *d = json_object_get_object_member(o, "des");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    JsonObject *l = json_object_get_object_member(d, "lut_pim");
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    const char *keys[] = {"host_search_s",
                          "index_scatter_s",
                          "table_scatter_s",
                          "dpu_kernel_s",
                          "gather_s",
                          "search_read_bytes",
                          "search_write_bytes",
                          "input_bytes",
                          "table_bytes",
                          "output_bytes",
                          "lookups",
                          "dpu_cycles",
                          "dma_busy_cycles",
                          "instructions",
                          "dma_bytes",
                          NULL};
    check_keys(l, keys);
    CU_ASSERT(json_object_get_double_member(l, "dpu_kernel_s") > 0);
    CU_ASSERT_EQUAL(
        json_object_get_int_member(json_object_get_object_member(o, "des_totals"), "ops_run"), 1);
    json_node_unref(doc);
    const char *des[] = {"simulate", "--arch",        "upmem-pim", "--workload",  "bert-base-lut",
                         "--seq",    "256",           "--batch",   "1",           "--op",
                         "FF2",      "--budget",      "300",       "--no-polish", "--engine",
                         "des",      "--no-progress", NULL};
    if (ts_test_spawn(&r, des, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NULL(strstr(r.err, "CRITICAL"));
    ts_test_run_clear(&r);
}

/* One op, analytical engine: the op object carries the layer's breakdown object (same keys)
 * and null DES figures. */
static void test_op_json_breakdown(void)
{
    const char *args[] = {"simulate", "--arch",      "eyeriss-like", "--workload",
                          "bert-base", "--seq",      "32",           "--op",
                          "KTQ",      "--engine",    "analytical",   "--budget",
                          "100",      "--no-polish", "--no-progress", "--json",
                          "-",        NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, r.out, -1, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "analytical");
    CU_ASSERT_TRUE(json_object_get_null_member(o, "des_cycles"));
    CU_ASSERT_FALSE(json_object_has_member(o, "des"));
    JsonObject *bd = json_object_get_object_member(o, "breakdown");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bd);
    const char *bd_keys[] = {"energy_by_level_pj", "energy_by_tensor_pj", "energy_by_class_pj",
                             "latency_by_op", "cycles_by_cause", NULL};
    check_keys(bd, bd_keys);
    /* one op x count: the breakdowns add up to count x the op's figures */
    const double count = (double)json_object_get_int_member(o, "count");
    JsonObject *t = json_object_get_object_member(o, "totals");
    const double E = json_object_get_double_member(t, "energy_pj") * count;
    const double C = json_object_get_double_member(t, "cycles") * count;
    CU_ASSERT_TRUE(close_to(
        sum_members(json_object_get_object_member(bd, "energy_by_level_pj"), NULL), E));
    CU_ASSERT_TRUE(close_to(
        sum_members(json_object_get_object_member(bd, "energy_by_class_pj"), NULL), E));
    CU_ASSERT_TRUE(close_to(
        sum_members(json_object_get_object_member(bd, "cycles_by_cause"), "source"), C));
    ts_test_run_clear(&r);
}

static JsonObject *member(JsonObject *o, const char *name)
{
    return json_object_get_object_member(o, name);
}

static double num(JsonObject *o, const char *name)
{
    return json_object_get_double_member(o, name);
}

/* --gen: the prefill (the layer x layers) and the decode steps, totals over both; the first
 * decode step equals a decode layer run on its own at that KV length, x layers; the steps not
 * mapped are interpolated between mapped ones; the CSV's prefill, decode and model rows. */
static void test_prefill_decode(void)
{
    g_autofree char *json = path("gen.json"), *csv = path("gen.csv"), *one = path("step1.json");
    const char *args[] = {"simulate",      "--arch",        "gemmini-like", "--workload",
                          "gpt2-small",    "--seq",         "16",           "--gen",
                          "5",             "--decode-points", "3",          "--engine",
                          "analytical",    "--budget",      "200",          "--no-polish",
                          "--threads",     "1",             "--no-progress", "-q",
                          "--json",        json,            "--csv",        csv,
                          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    ts_test_run_clear(&r);
    const char *step[] = {"simulate",    "--arch",      "gemmini-like", "--workload",
                          "gpt2-small",  "--seq",       "16",           "--phase",
                          "decode",      "--kv-len",    "17",           "--engine",
                          "analytical",  "--budget",    "200",          "--no-polish",
                          "--threads",   "1",           "--no-progress", "-q",
                          "--json",      one,           NULL};
    if (ts_test_spawn(&r, step, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json), *doc1 = load_json(one);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc1);
    JsonObject *root = json_node_get_object(doc);
    JsonObject *m = member(root, "model"), *pre = member(m, "prefill"), *dec = member(m, "decode");
    JsonObject *tot = member(root, "totals");
    CU_ASSERT_EQUAL(json_object_get_int_member(m, "layers"), 12);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(m, "phase"), "prefill+decode");
    CU_ASSERT_EQUAL(json_object_get_int_member(m, "gen"), 5);
    CU_ASSERT_EQUAL(json_object_get_int_member(m, "tokens"), 21);
    CU_ASSERT_TRUE(close_to(num(pre, "latency_s"), 12 * num(tot, "latency_s")));
    CU_ASSERT_TRUE(close_to(num(pre, "energy_pj"), 12 * num(tot, "energy_pj")));
    CU_ASSERT_TRUE(close_to(num(m, "ttft_s"), num(pre, "latency_s")));
    const char *keys[] = {"latency_s", "energy_pj", "cycles", "macs", NULL};
    for (guint k = 0; keys[k]; k++)
        CU_ASSERT_TRUE(close_to(num(m, keys[k]), num(pre, keys[k]) + num(dec, keys[k])));
    CU_ASSERT_TRUE(close_to(num(m, "decode_latency_per_token_s"), num(dec, "latency_s") / 5));
    CU_ASSERT_EQUAL(json_object_get_int_member(dec, "interpolated_steps"), 2);
    JsonArray *kv = json_object_get_array_member(dec, "kv_lengths_mapped");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(kv), 3);
    CU_ASSERT_EQUAL(json_array_get_int_element(kv, 0), 17);
    CU_ASSERT_EQUAL(json_array_get_int_element(kv, 1), 19);
    CU_ASSERT_EQUAL(json_array_get_int_element(kv, 2), 21);
    /* the first step: a decode layer at KV length 17, x 12 layers */
    JsonObject *t1 = member(json_node_get_object(doc1), "totals");
    CU_ASSERT_TRUE(close_to(num(dec, "first_step_latency_s"), 12 * num(t1, "latency_s")));
    /* MACs grow with the KV length (attention): 5 steps are more than 5 x the first */
    CU_ASSERT(num(dec, "macs") > 5 * 12 * num(t1, "macs"));
    /* CSV: prefill, decode, model rows; total_* as the JSON */
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(csv, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GPtrArray *h = ts_test_csv_split(lines[0]);
    const int c_tl = ts_test_csv_column(h, "total_latency_s");
    const char *labels[] = {"prefill", "decode", "model"};
    JsonObject *objs[] = {pre, dec, m};
    guint found = 0;
    for (guint i = 1; lines[i]; i++) {
        GPtrArray *f = ts_test_csv_split(lines[i]);
        for (guint k = 0; k < 3; k++)
            if (strcmp(f->pdata[0], labels[k]) == 0) {
                CU_ASSERT_EQUAL(g_ascii_strtod(f->pdata[c_tl], NULL), num(objs[k], "latency_s"));
                found++;
            }
        g_ptr_array_free(f, TRUE);
    }
    CU_ASSERT_EQUAL(found, 3);
    g_ptr_array_free(h, TRUE);
    json_node_unref(doc);
    json_node_unref(doc1);
}

static void test_bad_options(void)
{
    const char *cases[][14] = {
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "0", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "x", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--layers", "2",
         "--op", "FF1", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--engine",
         "analytical", "--trace", "t", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--engine", "des",
         "--layers", "2", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--engine", "des",
         "--csv", "-", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "bert-base", "--gen", "4", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "gpt2-small", "--gen", "4",
         "--phase", "decode", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "gpt2-small", "--decode-points",
         "4", NULL},
        {"simulate", "--arch", "eyeriss-like", "--workload", "gpt2-small", "--gen", "200000",
         NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "FF1", "--top",
         "1", NULL},
        {"compare", "--arch", "eyeriss-like", "--arch", "gemmini-like", NULL},
        {"compare", "--arch", "eyeriss-like", "--arch", "gemmini-like", "--workload", "bert-base",
         "--top", "2", NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "softmax", "--top",
         "2", NULL},
        {"compare", "--arch", "eyeriss-like", "--workload", "bert-base", "--op", "FF1", "--budget",
         "5", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        TsTestRun r;
        if (ts_test_spawn(&r, cases[i], FALSE) < 0)
            return;
        if (r.status != 1)
            fprintf(stderr, "case %u: exit %d, %s\n", i, r.status, r.err);
        CU_ASSERT_EQUAL(r.status, 1);
        CU_ASSERT_TRUE(r.err && strstr(r.err, "tilesim") != NULL);
        ts_test_run_clear(&r);
    }
}

static void test_compare_archs(void)
{
    g_autofree char *json = path("archs.json"), *plots = path("archs");
    const char *args[] = {
        "compare",       "--arch",   "eyeriss-like", "--arch",      "gemmini-like", "--workload",
        "bert-base",     "--budget", "100",          "--no-polish", "--threads",    "1",
        "--no-progress", "--json",   json,           "--plot",      plots,          NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "ratios are to eyeriss-like"));
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonObject *root = json_node_get_object(doc);
    const char *top[] = {"tool", "version", "engine", "workload", "reference", "archs", NULL};
    check_keys(root, top);
    JsonArray *archs = json_object_get_array_member(root, "archs");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(archs), 2);
    JsonObject *a0 = json_array_get_object_element(archs, 0);
    JsonObject *a1 = json_array_get_object_element(archs, 1);
    const char *keys[] = {"arch", "totals", "ratio_to_first", "ops", "breakdown", "notes", NULL};
    check_keys(a1, keys);
    JsonObject *r0 = json_object_get_object_member(a0, "ratio_to_first");
    CU_ASSERT_EQUAL(json_object_get_double_member(r0, "energy"), 1.0);
    double e0 =
        json_object_get_double_member(json_object_get_object_member(a0, "totals"), "energy_pj");
    double e1 =
        json_object_get_double_member(json_object_get_object_member(a1, "totals"), "energy_pj");
    CU_ASSERT_TRUE(close_to(json_object_get_double_member(
                                json_object_get_object_member(a1, "ratio_to_first"), "energy"),
                            e1 / e0));
    /* per-op figures (each op x count) add up to each arch's totals */
    JsonArray *ops = json_object_get_array_member(a1, "ops");
    double s = 0;
    for (guint i = 0; i < json_array_get_length(ops); i++)
        s += json_object_get_double_member(json_array_get_object_element(ops, i), "energy_pj");
    CU_ASSERT_TRUE(close_to(s, e1));
    json_node_unref(doc);
    if (ts_plot_available()) {
        check_plot(plots, "compare-archs-energy");
        check_plot(plots, "compare-archs-latency");
    }
}

static void test_compare_top(void)
{
    g_autofree char *json = path("top.json"), *plots = path("top");
    const char *args[] = {"compare", "--arch",      "eyeriss-like", "--workload", "bert-base",
                          "--op",    "FF1",         "--top",        "3",          "--budget",
                          "300",     "--no-polish", "--threads",    "1",          "--no-progress",
                          "--json",  json,          "--plot",       plots,        NULL};
    TsTestRun r;
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return;
    CU_ASSERT_EQUAL_FATAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "#1 = the search's #1 best"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "loop nest of #3"));
    ts_test_run_clear(&r);
    JsonNode *doc = load_json(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    JsonArray *maps = json_object_get_array_member(json_node_get_object(doc), "mappings");
    CU_ASSERT_EQUAL_FATAL(json_array_get_length(maps), 3);
    double prev = 0;
    for (guint i = 0; i < 3; i++) {
        JsonObject *m = json_array_get_object_element(maps, i);
        CU_ASSERT_STRING_EQUAL(json_object_get_string_member(m, "status"), "ok");
        double edp = json_object_get_double_member(json_object_get_object_member(m, "totals"),
                                                   "edp_j_cycles");
        CU_ASSERT_TRUE(edp >= prev); /* best first */
        prev = edp;
        if (i > 0) /* distinct mappings differ in some directive */
            CU_ASSERT_TRUE(strlen(json_object_get_string_member(m, "differences_from_first")) > 0);
    }
    json_node_unref(doc);
    if (ts_plot_available()) {
        check_plot(plots, "compare-mappings-energy");
        check_plot(plots, "compare-mappings-cycles");
    }
}

/* json-glib 1.6 writes 3e-09 as "3e-09.0": repaired outside strings, nothing else touched. */
static void test_json_numbers(void)
{
    char text[] = "{\"a\" : 3e-09.0, \"s\" : \"3e-09.0 \\\" 1e5.0\", \"b\" : [1.0, -2e+20.0, "
                  "1.5e-07, 10.0, 7E3.0]}";
    CU_ASSERT_STRING_EQUAL(ts_json_repair_numbers(text),
                           "{\"a\" : 3e-09, \"s\" : \"3e-09.0 \\\" 1e5.0\", \"b\" : [1.0, -2e+20, "
                           "1.5e-07, 10.0, 7E3]}");
    /* a report's tiny figure reads back */
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ts_json_member_double(b, "latency_s", 3e-09);
    json_builder_end_object(b);
    g_autofree char *doc = ts_json_builder_to_string(b);
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(p, doc, -1, NULL));
    CU_ASSERT_EQUAL(json_object_get_double_member(json_node_get_object(json_parser_get_root(p)),
                                                  "latency_s"),
                    3e-09);
}

/* ---- Progress line ---------------------------------------------------------------------- */

static char *progress_text(gboolean tty, double quiet_s, gboolean finish)
{
    FILE *f = tmpfile();
    TsProgress *p = ts_progress_new_full("tilesim test", f, tty, 0.0, quiet_s);
    TsProgressLine l = {.what = "FF1 (op 8/12)",
                        .fraction = 0.5,
                        .share = "of the space",
                        .done = 12345,
                        .total = NAN,
                        .unit = "evaluated",
                        .rate = 2000,
                        .best = "best edp 1.5e+04",
                        .extra = "space 10^9.12"};
    ts_progress_show(p, &l, FALSE);
    l.fraction = 1.0;
    ts_progress_show(p, &l, TRUE);
    if (finish)
        ts_progress_finish(p, TRUE);
    ts_progress_free(p);
    long n = ftell(f);
    rewind(f);
    char *s = g_malloc0((gsize)n + 1);
    CU_ASSERT_EQUAL(fread(s, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return s;
}

static void test_progress(void)
{
    /* Plain lines: one per show, prefixed with the command. */
    g_autofree char *plain = progress_text(FALSE, 0.0, FALSE);
    g_auto(GStrv) lines = g_strsplit(plain, "\n", -1);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3);
    CU_ASSERT_TRUE(g_str_has_prefix(lines[0], "tilesim test: FF1 (op 8/12): 50.0% of the space, "
                                              "12.3 k evaluated (2000/s), space 10^9.12, best "
                                              "edp 1.5e+04, "));
    CU_ASSERT_PTR_NOT_NULL(strstr(lines[0], " s elapsed, ETA "));
    CU_ASSERT_TRUE(g_str_has_prefix(lines[1], "tilesim test: FF1 (op 8/12): 100.0% of the space"));
    CU_ASSERT_PTR_NULL(strstr(lines[1], "ETA"));
    CU_ASSERT_PTR_NULL(strchr(plain, '\r'));
    /* Terminal: redrawn in place with a bar; finish keeps the last line. */
    g_autofree char *tty = progress_text(TRUE, 0.0, TRUE);
    CU_ASSERT_TRUE(g_str_has_prefix(tty, "\r\033[K[############............] FF1 (op 8/12): "));
    CU_ASSERT_PTR_NOT_NULL(strstr(tty, "\r\033[K[########################] FF1"));
    CU_ASSERT_TRUE(g_str_has_suffix(tty, "\n"));
    /* Nothing during the quiet period, even when forced. */
    g_autofree char *quiet = progress_text(TRUE, 100.0, TRUE);
    CU_ASSERT_STRING_EQUAL(quiet, "");
    /* Disabled: nothing to write to. */
    TsProgress *off = ts_progress_new_full("tilesim test", NULL, TRUE, 0.0, 0.0);
    TsProgressLine l = {.what = "x", .fraction = NAN, .done = NAN, .total = NAN, .rate = NAN};
    ts_progress_show(off, &l, TRUE);
    ts_progress_finish(off, TRUE);
    CU_ASSERT_FALSE(ts_progress_is_tty(off));
    ts_progress_free(off);
}

int main(int argc, char **argv)
{
    if (g_getenv("TILESIM_BIN") == NULL) {
        ts_test_skip_all("TILESIM_BIN is not set (run through CTest)");
        return 77;
    }
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("simulate", setup, teardown);
    CU_add_test(s, "json_structure", test_json_structure);
    CU_add_test(s, "totals_are_sums", test_totals_are_sums);
    CU_add_test(s, "fused_breakdown", test_fused_breakdown);
    CU_add_test(s, "lut_pim_breakdown", test_lut_pim_breakdown);
    CU_add_test(s, "array skew and whole-model lines beside the DES", test_array_skew_line);
    CU_add_test(s, "systolic fold timing beside the model's cycles, and charged", test_systolic_folds);
    CU_add_test(s, "csv_matches_json", test_csv_matches_json);
    CU_add_test(s, "simulate_plots", test_simulate_plots);
    CU_add_test(s, "threads_and_stdout", test_threads_and_stdout);
    CU_add_test(s, "both_plot", test_both_plot);
    CU_add_test(s, "roofline_under_roofs", test_roofline_under_roofs);
    CU_add_test(s, "des_lut", test_des_lut);
    CU_add_test(s, "op_json_breakdown", test_op_json_breakdown);
    CU_add_test(s, "prefill_decode", test_prefill_decode);
    CU_add_test(s, "bad_options", test_bad_options);
    CU_add_test(s, "compare_archs", test_compare_archs);
    CU_add_test(s, "compare_top", test_compare_top);
    CU_pSuite p = CU_add_suite("progress", NULL, NULL);
    CU_add_test(p, "json_numbers", test_json_numbers);
    CU_add_test(p, "progress", test_progress);
    return ts_test_run(argc, argv);
}
