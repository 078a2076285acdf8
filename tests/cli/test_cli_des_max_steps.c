/* `simulate --des-max-steps N`, the DES walk's granularity (TsExecOptions.max_steps): tpu-like's
 * bert-base FF2 walked at most 2000 tile steps per instance takes fewer, coarser steps than at
 * the default (16384) and gives the same DES cycles within 0.1% (a systolic step runs as its
 * passes at any depth); bad values and the analytical engine are refused with exit 1 before
 * any search. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "ts-test.h"

typedef struct {
    gint64 steps, depth;
    double cycles;
} Walk;

/* simulate FF2 on tpu-like with the DES alone (max_steps NULL: the default); its walk. */
static gboolean run_ff2(const char *max_steps, Walk *w)
{
    g_autofree char *json = ts_test_tmp_path("ff2.json");
    const char *args[] = {
        "simulate",      "--arch",   "tpu-like", "--workload",
        "bert-base",     "--op",     "FF2",      "--budget",
        "2000",          "--engine", "des",      "--quiet",
        "--no-progress", "--json",   json,       max_steps ? "--des-max-steps" : NULL,
        max_steps,       NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0)
        return FALSE;
    CU_ASSERT_EQUAL(r.status, 0);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    const gboolean ok = r.status == 0;
    ts_test_run_clear(&r);
    if (!ok)
        return FALSE;
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p, json, NULL));
    /* one op: its report is the document */
    JsonObject *op = json_node_get_object(json_parser_get_root(p));
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(op, "name"), "FF2");
    JsonObject *des = json_object_get_object_member(op, "des");
    CU_ASSERT_PTR_NOT_NULL_FATAL(des);
    w->steps = json_object_get_int_member(des, "steps");
    w->depth = json_object_get_int_member(des, "walk_depth");
    w->cycles = json_object_get_double_member(des, "cycles");
    return TRUE;
}

static void test_walk(void)
{
    Walk fine = {0}, coarse = {0};
    if (!run_ff2(NULL, &fine) || !run_ff2("2000", &coarse))
        return;
    CU_ASSERT(fine.steps > 2000); /* 2304 at the Accumulators, walk depth 3 */
    CU_ASSERT(fine.steps <= 16384);
    CU_ASSERT(coarse.steps >= 1);
    CU_ASSERT(coarse.steps <= 2000); /* 32, walk depth 2 */
    CU_ASSERT(coarse.depth < fine.depth);
    CU_ASSERT(fine.cycles > 0);
    CU_ASSERT_DOUBLE_EQUAL(coarse.cycles / fine.cycles, 1.0, 1e-3);
}

static void test_bad_values(void)
{
    static const char *const bad[] = {"0", "-1", "abc", "", "2k", "1e3", "18446744073709551616"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *args[] = {"simulate", "--arch", "tpu-like",        "--workload", "bert-base",
                              "--op",     "FF2",    "--des-max-steps", bad[i],       NULL};
        g_autofree char *want =
            g_strdup_printf("--des-max-steps: expected a positive integer (got '%s')", bad[i]);
        CU_ASSERT(ts_test_refused(args, want));
    }
    const char *args[] = {"simulate", "--arch", "tpu-like", "--workload", "bert-base",
                          "--op",     "FF2",    "--engine", "analytical", "--des-max-steps",
                          "2000",     NULL};
    CU_ASSERT(ts_test_refused(args, "--des-max-steps (DES engine: --engine des or both) is not "
                                    "available with --engine analytical"));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("cli_des_max_steps", NULL, NULL);
    CU_add_test(s, "a coarser walk: fewer steps, the same cycles", test_walk);
    CU_add_test(s, "bad values", test_bad_values);
    return ts_test_run(argc, argv);
}
