/* `simulate --des-lane-memory SIZE`, the budget of the instances that run in lock-step in the DES
 * (TsExecOptions.lane_memory_bytes): the sizes it reads (ts_unit_parse_bytes: 512M, 2G, 1GiB,
 * bytes); upmem-pim's KTQ on the DPUs (a mapping file: its 12 heads share each host-link call)
 * refused under 100K with the note and the JSON's des_not_run (engine both, exit 0) or an
 * error (engine des, exit 1), and simulated under 512M and 2G; bad values and the analytical
 * engine refused with exit 1 before any search. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "ts-test.h"
#include "ts-units.h"

static void test_parse_bytes(void)
{
    static const struct {
        const char *text;
        guint64 bytes;
    } good[] = {{"512M", 512ull << 20}, {"2G", 2ull << 30},      {"1GiB", 1ull << 30},
                {"1GB", 1ull << 30},    {"100K", 100ull << 10},  {"4096", 4096},
                {"1.5K", 1536},         {"64 KiB", 64ull << 10}, {"8Kbit", 1024}};
    for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
        guint64 v = 0;
        const char *why = NULL;
        CU_ASSERT_TRUE(ts_unit_parse_bytes(good[i].text, 1, G_GUINT64_CONSTANT(1) << 40, &v, &why));
        CU_ASSERT_EQUAL(v, good[i].bytes);
    }
    static const char *const bad[] = {"", "abc", "-1M", "0", "1.3B", "2T", "2 Q", "0x10", "1e30"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint64 v = 7;
        const char *why = NULL;
        CU_ASSERT_FALSE(ts_unit_parse_bytes(bad[i], 1, G_GUINT64_CONSTANT(1) << 40, &v, &why));
        CU_ASSERT_PTR_NOT_NULL(why);
        CU_ASSERT_EQUAL(v, 7);
    }
}

/* KTQ's DPU mapping (the search's with this seed: 12 heads in lock-step), written to a file. */
static char *ktq_mapping(void)
{
    char *map = ts_test_tmp_path("ktq.map");
    const char *args[] = {
        "map", "--arch", "upmem-pim", "--workload",  "bert-base",     "--op", "KTQ", "--budget",
        "300", "--seed", "7",         "--no-polish", "--mapping-out", map,    "-q",  NULL};
    TsTestRun r = {0};
    if (ts_test_spawn(&r, args, FALSE) < 0) {
        g_free(map);
        return NULL;
    }
    CU_ASSERT_EQUAL(r.status, 0);
    if (r.status != 0)
        fprintf(stderr, "%s\n", r.err);
    ts_test_run_clear(&r);
    return map;
}

/* simulate KTQ with the mapping under a budget; the JSON's des_not_run (NULL when it ran). */
static int run_ktq(const char *map, const char *engine, const char *budget, TsTestRun *r,
                   char **not_run)
{
    g_autofree char *json = ts_test_tmp_path("ktq.json");
    const char *args[] = {
        "simulate",      "--arch",    "upmem-pim", "--workload",        "bert-base", "--op",
        "KTQ",           "--mapping", map,         "--engine",          engine,      "--quiet",
        "--no-progress", "--json",    json,        "--des-lane-memory", budget,      NULL};
    if (ts_test_spawn(r, args, FALSE) < 0)
        return -1;
    *not_run = NULL;
    if (r->status != 0 || strcmp(engine, "both") != 0)
        return r->status;
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p, json, NULL));
    g_autofree char *text = json_to_string(json_parser_get_root(p), FALSE);
    const char *at = strstr(text, "\"des_not_run\":");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    at += strlen("\"des_not_run\":");
    if (*at == '"')
        *not_run = g_strndup(at + 1, strcspn(at + 1, "\""));
    return r->status;
}

static void test_budget(void)
{
    g_autofree char *map = ktq_mapping();
    if (map == NULL)
        return;
    const char *want = "op KTQ: its 12 instances share each host-link call and would run in "
                       "lock-step in the DES";
    TsTestRun r = {0};
    g_autofree char *why = NULL;
    CU_ASSERT_EQUAL(run_ktq(map, "both", "100K", &r, &why), 0);
    ts_test_expect_in(r.err, "note: the DES does not run KTQ: op KTQ");
    ts_test_expect_in(r.err, "over the executor's budget of 100.0 KiB for a lock-step group; its "
                             "analytical figures stand");
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    ts_test_expect_in(why, want);
    ts_test_run_clear(&r);

    g_autofree char *des_why = NULL; /* the des engine writes no des_not_run */
    CU_ASSERT_EQUAL(run_ktq(map, "des", "100K", &r, &des_why), 1);
    ts_test_expect_in(r.err, want);
    ts_test_run_clear(&r);

    static const char *const enough[] = {"512M", "2G"};
    for (guint i = 0; i < G_N_ELEMENTS(enough); i++) {
        g_autofree char *none = NULL;
        CU_ASSERT_EQUAL(run_ktq(map, "both", enough[i], &r, &none), 0);
        CU_ASSERT_PTR_NULL(none);
        CU_ASSERT_PTR_NULL(strstr(r.err, "does not run"));
        ts_test_run_clear(&r);
    }
}

static void test_bad_values(void)
{
    static const char *const bad[] = {"0", "100", "abc", "2T", "-1M", "1.3B", "", "2048G"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *args[] = {"simulate", "--arch", "upmem-pim",         "--workload", "bert-base",
                              "--op",     "KTQ",    "--des-lane-memory", bad[i],       NULL};
        g_autofree char *want = g_strdup_printf(
            "--des-lane-memory: expected a size such as 512M, 2G or 1GiB from 1 KiB to 1 TiB "
            "(got '%s': ",
            bad[i]);
        CU_ASSERT(ts_test_refused(args, want));
    }
    const char *args[] = {"simulate", "--arch", "upmem-pim", "--workload", "bert-base",
                          "--op",     "KTQ",    "--engine",  "analytical", "--des-lane-memory",
                          "1G",       NULL};
    CU_ASSERT(ts_test_refused(args, "--des-lane-memory (DES engine: --engine des or both) is not "
                                    "available with --engine analytical"));
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("cli_des_lane_memory", NULL, NULL);
    CU_add_test(s, "sizes", test_parse_bytes);
    CU_add_test(s, "a lock-step group over and within the budget", test_budget);
    CU_add_test(s, "bad values", test_bad_values);
    return ts_test_run(argc, argv);
}
