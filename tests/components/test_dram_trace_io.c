/* Writing DRAM traces (ts_dram_trace_save): the exact DRAMsim3 text of a trace with reads,
 * writes, 64-bit addresses and request cycles, read back by ts_dram_trace_load entry for entry;
 * an unwritable path reported with the path; and DRAMsim3's own reference traces
 * (shared/reference/dram, the paced ones) written back byte for byte, as dram_bench
 * --write-traces hands them to DRAMsim3 (bench/dram/dramsim3.sh). */
#include <string.h>

#include "ts-dram-trace.h"
#include "ts-test.h"

static void test_round_trip(void)
{
    TsDramTraceEntry e[] = {
        {0x0, 0, FALSE},
        {0x1EA308640, 5, FALSE},
        {0x40, 5, TRUE},
        {G_GUINT64_CONSTANT(0xFFFFFFFFFFFFFFC0), G_GUINT64_CONSTANT(123456789012), TRUE},
    };
    TsDramTrace t = {e, G_N_ELEMENTS(e), (char *)"(test)", 0};
    g_autofree char *path = ts_test_tmp_path("round.trace");
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_trace_save(&t, path, &error));
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(text, "0x0 READ 0\n"
                                 "0x1EA308640 READ 5\n"
                                 "0x40 WRITE 5\n"
                                 "0xFFFFFFFFFFFFFFC0 WRITE 123456789012\n");
    g_autoptr(TsDramTrace) back = ts_dram_trace_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL_FATAL(back->n, t.n);
    for (gsize i = 0; i < t.n; i++) {
        CU_ASSERT_EQUAL(back->entries[i].addr, e[i].addr);
        CU_ASSERT_EQUAL(back->entries[i].cycle, e[i].cycle);
        CU_ASSERT_EQUAL(back->entries[i].is_write, e[i].is_write);
    }
    /* Saving replaces the file: an empty trace leaves an empty file. */
    TsDramTrace empty = {NULL, 0, (char *)"(empty)", 0};
    CU_ASSERT_TRUE(ts_dram_trace_save(&empty, path, &error));
    g_free(text);
    text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(text, "");
}

static void test_unwritable(void)
{
    TsDramTraceEntry e = {0x40, 0, FALSE};
    TsDramTrace t = {&e, 1, (char *)"(test)", 0};
    g_autofree char *dir = ts_test_tmp_path("no-such-dir");
    g_autofree char *path = g_build_filename(dir, "x.trace", NULL);
    g_autoptr(GError) error = NULL;
    CU_ASSERT_FALSE(ts_dram_trace_save(&t, path, &error));
    CU_ASSERT_PTR_NOT_NULL_FATAL(error);
    CU_ASSERT_TRUE(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, path));
}

/* The loader reads the common "0xHEX READ|WRITE DECIMAL" line without tokenising and every
 * other line through the full parser: both accept the same lines with the same values, and
 * lines only the full parser reads (other operation names, no "0x", leading zeros beyond 16
 * hex digits, CRLF and tabs) or refuses (overflow, a "0x" with no digits) behave as it says. */
static void test_load_forms(void)
{
    g_autofree char *path = ts_test_tmp_path("forms.trace");
    const char *text = "0x1f READ 5\n"
                       "  0X1F\tWRITE\t7 \r\n"
                       "\n"
                       "1f P_MEM_RD 9\n"
                       "0x0000000000000000001 read 11\n"
                       "0xffffffffffffffff WRITE 18446744073709551615\n"
                       "0xABCDEF0123456789 P_MEM_WR 0000000000000000000012\n";
    CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, -1, NULL));
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTrace) t = ts_dram_trace_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const TsDramTraceEntry want[] = {
        {0x1f, 5, FALSE},
        {0x1f, 7, TRUE},
        {0x1f, 9, FALSE},
        {0x1, 11, FALSE},
        {G_MAXUINT64, G_MAXUINT64, TRUE},
        {G_GUINT64_CONSTANT(0xABCDEF0123456789), 12, TRUE},
    };
    CU_ASSERT_EQUAL_FATAL(t->n, G_N_ELEMENTS(want));
    for (gsize i = 0; i < t->n; i++) {
        CU_ASSERT_EQUAL(t->entries[i].addr, want[i].addr);
        CU_ASSERT_EQUAL(t->entries[i].cycle, want[i].cycle);
        CU_ASSERT_EQUAL(t->entries[i].is_write, want[i].is_write);
    }
    const char *bad[][2] = {
        {"0x40 READ 1\n0x10000000000000000 READ 2\n", ":2: address '0x10000000000000000'"},
        {"0x READ 2\n", ":1: address '0x'"},
        {"0x40 READ 18446744073709551616\n", ":1: cycle '18446744073709551616'"},
        {"0x40 READX 3\n", ":1: unknown operation 'READX'"},
        {"0x40 READ 3x\n", ":1: cycle '3x'"},
        {"0x4g READ 3\n", ":1: address '0x4g'"},
        {"0x40 READ 3 4\n", ":1: expected 'ADDRESS OP CYCLE', got an extra token '4'"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, bad[i][0], -1, NULL));
        g_clear_error(&error);
        TsDramTrace *b = ts_dram_trace_load(path, &error);
        CU_ASSERT_PTR_NULL(b);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        if (strstr(error->message, bad[i][1]) == NULL)
            fprintf(stderr, "\n  line set %" G_GSIZE_FORMAT ": %s\n", i, error->message);
        CU_ASSERT_PTR_NOT_NULL(strstr(error->message, bad[i][1]));
        ts_dram_trace_free(b);
    }
}

static void test_reference_bytes(void)
{
    static const char *const patterns[] = {"seq", "rand", "rowhit1b", "rowconf1b", "rowconfallb"};
    for (guint p = 0; p < G_N_ELEMENTS(patterns); p++) {
        g_autofree char *rel = g_strdup_printf("dram/traces/ds3_ddr4_%s_paced.trace", patterns[p]);
        g_autofree char *ref = ts_test_reference_path(rel);
        if (ref == NULL || !g_file_test(ref, G_FILE_TEST_EXISTS)) {
            ts_test_skip_all("../shared/reference/dram not found");
            return;
        }
        g_autoptr(GError) error = NULL;
        g_autoptr(TsDramTrace) t = ts_dram_trace_load(ref, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        g_autofree char *out = ts_test_tmp_path("ref.trace");
        CU_ASSERT_TRUE_FATAL(ts_dram_trace_save(t, out, &error));
        g_autofree char *a = NULL, *b = NULL;
        gsize na = 0, nb = 0;
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(ref, &a, &na, NULL));
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(out, &b, &nb, NULL));
        CU_ASSERT_EQUAL(na, nb);
        CU_ASSERT_TRUE(na == nb && memcmp(a, b, na) == 0);
    }
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_trace_io", NULL, NULL);
    CU_add_test(s, "save: exact text, loaded back entry for entry", test_round_trip);
    CU_add_test(s, "save: unwritable path named in the error", test_unwritable);
    CU_add_test(s, "save: reference traces written back byte for byte", test_reference_bytes);
    CU_add_test(s, "load: the common line and every other form read alike", test_load_forms);
    return ts_test_run(argc, argv);
}
