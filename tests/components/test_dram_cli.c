/* `tilesim dram-trace` through the executable ($TILESIM_BIN): the reference config and a paced
 * trace with --check and --json (the JSON keys, values as the golden suite has them),
 * a native architecture, and exit status 1 with a message naming file:line for bad input. */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ts-test.h"

static gboolean have_bin(void)
{
    if (g_getenv("TILESIM_BIN") == NULL) {
        ts_test_skip_all("TILESIM_BIN not set");
        return FALSE;
    }
    return TRUE;
}

static void test_reference_json(void)
{
    g_autofree char *ini = ts_test_reference_path("dram/ds3_DDR4_8Gb_x8_2400_1rank_noref.ini");
    g_autofree char *tr = ts_test_reference_path("dram/traces/ds3_ddr4_rowconf1b_paced.trace");
    if (ini == NULL || !have_bin()) {
        ts_test_skip_all("../shared/reference or TILESIM_BIN missing");
        return;
    }
    g_autofree char *json = ts_test_tmp_path("ts-test-dram-cli.json");
    const char *args[] = {"dram-trace", "--config", ini,      "--trace", tr,  "--cycles",
                          "402000",     "--check",  "--json", json,      NULL};
    g_autofree char *out = NULL, *err = NULL;
    int rc = ts_test_tilesim(args, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "reads done            2000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "tilesim dram-trace: note: "));
    g_autoptr(JsonParser) p = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(p, json, NULL));
    JsonObject *o = json_node_get_object(json_parser_get_root(p));
    static const char *const keys[] = {
        "reads_done",   "writes_done", "cycles",    "bw_gbps",   "avg_read_latency_cycles",
        "row_hit_rate", "activates",   "refreshes", "energy_pj", NULL};
    for (guint i = 0; keys[i]; i++)
        CU_ASSERT_TRUE(json_object_has_member(o, keys[i]));
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "reads_done"), 2000);
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "cycles"), 402000);
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "activates"), 2000);
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "refreshes"), 0);
    CU_ASSERT_EQUAL(json_object_get_int_member(o, "timing_violations"), 0);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(o, "avg_read_latency_cycles"), 55.99,
                           0.005);
    CU_ASSERT_DOUBLE_EQUAL(json_object_get_double_member(o, "row_hit_rate"), 0.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(o, "engine"), "des");
    g_unlink(json);
}

static void test_native_and_errors(void)
{
    if (!have_bin())
        return;
    g_autofree char *tr = ts_test_tmp_path("ts-test-dram-cli.trace");
    CU_ASSERT_TRUE_FATAL(
        g_file_set_contents(tr, "0x0 READ 0\n0x40 WRITE 3\n0x40 READ 10\n", -1, NULL));
    /* A library architecture with a DRAM preset. */
    const char *ok_args[] = {"dram-trace", "--config", "tpu-like", "--trace", tr,
                             "--check",    "--json",   "-",        NULL};
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(ok_args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"reads_done\" : 2"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"writes_done\" : 1"));
    /* Bad trace line: exit 1 naming file:line. */
    g_autofree char *bad = ts_test_tmp_path("ts-test-dram-bad.trace");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(bad, "0x0 READ 0\n0x40 FETCH 3\n", -1, NULL));
    const char *bad_args[] = {"dram-trace", "--config", "tpu-like", "--trace", bad, NULL};
    g_autofree char *out2 = NULL, *err2 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(bad_args, &out2, &err2), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err2, "ts-test-dram-bad.trace:2: unknown operation 'FETCH'"));
    /* An architecture without a DRAM that has timing. */
    const char *noram[] = {"dram-trace", "--config", "nonexistent-arch-name", "--trace", tr, NULL};
    g_autofree char *out3 = NULL, *err3 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(noram, &out3, &err3), 1);
    /* Missing options and a bad --cycles. */
    const char *missing[] = {"dram-trace", "--trace", tr, NULL};
    g_autofree char *out4 = NULL, *err4 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(missing, &out4, &err4), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err4, "--config and --trace are required"));
    const char *cyc[] = {"dram-trace", "--config", "tpu-like", "--trace",
                         tr,           "--cycles", "0",        NULL};
    g_autofree char *out5 = NULL, *err5 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(cyc, &out5, &err5), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err5, "--cycles: expected an integer in 1 .. 2^64 - 1"));
    g_unlink(tr);
    g_unlink(bad);
}

/* Request cycles (and --cycles windows) past what simulated time (2^64 ps) holds at the
 * config's clock are refused naming the trace line; below that, idle time costs nothing: a
 * request at cycle 10^16 (DDR4-2400: 8.3 s of DRAM time, 1.07 x 10^12 refreshes) runs. */
static void test_cycle_overflow(void)
{
    g_autofree char *ini = ts_test_reference_path("dram/ds3_DDR4_8Gb_x8_2400_1rank_noref.ini");
    if (ini == NULL || !have_bin()) {
        ts_test_skip_all("../shared/reference or TILESIM_BIN missing");
        return;
    }
    g_autofree char *tr = ts_test_tmp_path("ts-test-dram-big.trace");
    CU_ASSERT_TRUE_FATAL(
        g_file_set_contents(tr, "0x0 READ 0\n0x40 READ 9223372036854775807\n", -1, NULL));
    const char *a1[] = {"dram-trace", "--config", ini, "--trace", tr, NULL};
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a1, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "ts-test-dram-big.trace:2: cycle 9223372036854775807 "
                                       "(and 2^36 cycles after it) overflows simulated time"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 22224924140414290"));
    CU_ASSERT_TRUE_FATAL(
        g_file_set_contents(tr, "0x0 READ 0\n\n0x40 READ 10000000000000000\n", -1, NULL));
    const char *a0[] = {"dram-trace", "--config", ini, "--trace", tr, "--json", "-", NULL};
    g_autofree char *out0 = NULL, *err0 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a0, &out0, &err0), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out0, "\"reads_done\" : 2"));
    /* this config refreshes every 10^8 cycles: the read met a refresh (tRFC 420) */
    CU_ASSERT_PTR_NOT_NULL(strstr(out0, "\"cycles\" : 10000000000000459"));
    const char *aw[] = {"dram-trace", "--config",          ini, "--trace", tr,
                        "--cycles",   "30000000000000000", NULL};
    g_autofree char *outw = NULL, *errw = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(aw, &outw, &errw), 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(errw, "a window of 30000000000000000 cycles overflows simulated time"));
    /* A 1 us clock: 10^14 cycles is past 2^64 ps. */
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(ini, &text, NULL, NULL));
    g_auto(GStrv) parts = g_strsplit(text, "tCK = 0.83", 2);
    CU_ASSERT_EQUAL_FATAL(g_strv_length(parts), 2);
    g_autofree char *slow_text = g_strjoinv("tCK = 1000", parts);
    g_autofree char *slow = ts_test_tmp_path("ts-test-dram-slow.ini");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(slow, slow_text, -1, NULL));
    CU_ASSERT_TRUE_FATAL(
        g_file_set_contents(tr, "0x0 READ 0\n0x40 READ 100000000000000\n", -1, NULL));
    const char *a2[] = {"dram-trace", "--config", slow, "--trace", tr, NULL};
    g_autofree char *out2 = NULL, *err2 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a2, &out2, &err2), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err2, "ts-test-dram-big.trace:2: cycle 100000000000000 "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err2, "overflows simulated time"));
    g_unlink(tr);
    g_unlink(slow);
}

/* A DRAMsim3 config given twice the same key is refused naming both lines; an empty one is
 * refused; keys left out are listed with the defaults used, and an ignored key one edit away
 * from one of them is named as its likely misspelling. */
static void test_ini_keys(void)
{
    if (!have_bin())
        return;
    g_autofree char *tr = ts_test_tmp_path("ts-test-dram-keys.trace");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tr, "0x0 READ 0\n", -1, NULL));
    g_autofree char *ini = ts_test_tmp_path("ts-test-dram-keys.ini");
    static const struct {
        const char *text;
        int status;
        const char *needle;
    } cases[] = {
        {"[timing]\nCL = 17\ntCK = 0.83\n[system]\nchannels = 1\n[timing]\ncl = 5\n", 1,
         "ts-test-dram-keys.ini:7: [timing] cl is given twice (first on line 2)"},
        {"", 1, "ts-test-dram-keys.ini: no 'key = value' line"},
        {"; only a comment\n[timing]\n", 1, "no 'key = value' line"},
        {"[dram_structure]\nprotocol = DDR4\n[timing]\ntRCDD = 17\n", 0,
         "tRCDD (line 4; did you mean 'tRCD'?)"},
        {"[dram_structure]\nprotocol = DDR4\n[timing]\ntRCDD = 17\n", 0,
         "not given, DRAMsim3's defaults used: "},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(ini, cases[i].text, -1, NULL));
        const char *args[] = {"dram-trace", "--config", ini, "--trace", tr, NULL};
        g_autofree char *out = NULL, *err = NULL;
        CU_ASSERT_EQUAL(ts_test_tilesim(args, &out, &err), cases[i].status);
        if (strstr(err, cases[i].needle) == NULL)
            fprintf(stderr, "\n  case %u: want '%s' in: %s\n", i, cases[i].needle, err);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].needle));
    }
    g_unlink(tr);
    g_unlink(ini);
}

/* A DRAM without VDD and IDD currents (the GDDR6 preset of aim-like) has no command energy:
 * dram-trace says so and writes null, and so does the DES report, instead of 0 pJ. */
static void test_no_currents(void)
{
    if (!have_bin())
        return;
    g_autofree char *tr = ts_test_tmp_path("ts-test-dram-idd.trace");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tr, "0x0 READ 0\n0x40 WRITE 3\n", -1, NULL));
    const char *a1[] = {"dram-trace", "--config", "aim-like", "--trace", tr, NULL};
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a1, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out, "energy                not modelled: the DRAM gives no VDD"));
    const char *a2[] = {"dram-trace", "--config", "aim-like", "--trace", tr, "--json", "-", NULL};
    g_autofree char *out2 = NULL, *err2 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a2, &out2, &err2), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out2, "\"energy_pj\" : null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out2, "\"energy_breakdown_pj\" : null"));
    /* A preset with currents keeps its figure. */
    const char *a3[] = {"dram-trace", "--config", "tpu-like", "--trace", tr, "--json", "-", NULL};
    g_autofree char *out3 = NULL, *err3 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a3, &out3, &err3), 0);
    CU_ASSERT_PTR_NULL(strstr(out3, "\"energy_pj\" : null"));
    const char *a4[] = {"simulate",  "--arch",        "aim-like", "--workload",
                        "bert-base", "--op",          "KTQ",      "--seq",
                        "16",        "--budget",      "300",      "--engine",
                        "des",       "--no-progress", NULL};
    g_autofree char *out4 = NULL, *err4 = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(a4, &out4, &err4), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(out4, "command energy not modelled (the DRAM level gives no VDD"));
    g_unlink(tr);
}

/* The trace is streamed as the run goes: a bad line at the end of a long trace still fails the
 * command naming file:line, with no report on stdout (the figures of the part run are not a
 * result), also when a --cycles window ends long before it; a window shorter than the trace
 * still reads and counts every request. */
static void test_late_bad_line(void)
{
    if (!have_bin())
        return;
    g_autoptr(GString) text = g_string_new(NULL);
    for (guint i = 0; i < 20000; i++)
        g_string_append_printf(text, "0x%X READ %u\n", i * 64, i);
    g_autofree char *tr = ts_test_tmp_path("ts-test-dram-late.trace");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tr, text->str, (gssize)text->len, NULL));
    const char *win[] = {"dram-trace", "--config", "tpu-like", "--trace",
                         tr,           "--cycles", "1000",     NULL};
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(ts_test_tilesim(win, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ": 20000 requests\n"));
    g_string_append(text, "0x40 FETCH 20001\n");
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(tr, text->str, (gssize)text->len, NULL));
    const char *full[] = {"dram-trace", "--config", "tpu-like", "--trace", tr, NULL};
    for (guint k = 0; k < 2; k++) {
        g_autofree char *out2 = NULL, *err2 = NULL;
        CU_ASSERT_EQUAL(ts_test_tilesim(k ? win : full, &out2, &err2), 1);
        CU_ASSERT_STRING_EQUAL(out2, "");
        CU_ASSERT_PTR_NOT_NULL(
            strstr(err2, "ts-test-dram-late.trace:20001: unknown operation 'FETCH'"));
    }
    g_unlink(tr);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_cli", NULL, NULL);
    CU_add_test(s, "reference config and trace, --check --json", test_reference_json);
    CU_add_test(s, "native architecture and bad input", test_native_and_errors);
    CU_add_test(s, "request cycles past simulated time", test_cycle_overflow);
    CU_add_test(s, "DRAMsim3 keys: repeated, none, misspelled, defaulted", test_ini_keys);
    CU_add_test(s, "a DRAM without IDD currents: energy not modelled", test_no_currents);
    CU_add_test(s, "a bad line at the end of a streamed trace: an error, no report",
                test_late_bad_line);
    return ts_test_run(argc, argv);
}
