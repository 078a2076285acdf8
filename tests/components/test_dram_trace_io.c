/* Writing DRAM traces (ts_dram_trace_save): the exact DRAMsim3 text of a trace with reads,
 * writes, 64-bit addresses and request cycles, read back by ts_dram_trace_load entry for entry;
 * an unwritable path reported with the path; and DRAMsim3's own reference traces
 * (shared/reference/dram, the paced ones) written back byte for byte, as dram_bench
 * --write-traces hands them to DRAMsim3 (bench/dram/dramsim3.sh). Streaming them
 * (TsDramTraceReader): a long trace of every line form read through buffers smaller than it
 * (lines across buffer boundaries, CRLF, a last line without a newline, .xz) gives the entries
 * the whole load gives, reading no further ahead than its buffer, with a buffer whose size does
 * not depend on the trace's length; a bad line at the end is reported at its line after every
 * request before it; runs of a streamed trace give the figures of the loaded one, and a bad line
 * or a request cycle past simulated time late in the trace fails the run. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

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

/* Line i of a generated trace, in one of the forms (the fast path's and the full parser's),
 * and its entry. */
static void gen_line(GString *out, guint i, TsDramTraceEntry *e)
{
    guint64 addr = (guint64)(i * 2654435761u) << 6;
    guint64 cycle = (guint64)i * 3 + (i % 7);
    gboolean w = i % 5 == 0;
    *e = (TsDramTraceEntry){addr, cycle, w};
    switch (i % 8) {
    case 0:
    case 1:
    case 2:
        g_string_append_printf(out, "0x%" G_GINT64_MODIFIER "X %s %" G_GUINT64_FORMAT "\n", addr,
                               w ? "WRITE" : "READ", cycle);
        break;
    case 3: /* CRLF, tabs, lower-case hex */
        g_string_append_printf(out, "\t0x%" G_GINT64_MODIFIER "x\t%s\t%" G_GUINT64_FORMAT " \r\n",
                               addr, w ? "WRITE" : "READ", cycle);
        break;
    case 4: /* other operation names, no 0x */
        g_string_append_printf(out, "%" G_GINT64_MODIFIER "x %s %" G_GUINT64_FORMAT "\n", addr,
                               w ? "P_MEM_WR" : "P_FETCH", cycle);
        break;
    case 5: /* a blank line before, a long padded line */
        g_string_append_printf(out, "\n0x%" G_GINT64_MODIFIER "X %s %" G_GUINT64_FORMAT "%*s\n",
                               addr, w ? "write" : "read", cycle, (int)(i % 300), "");
        break;
    case 6: /* leading zeros */
        g_string_append_printf(
            out, "0x000000000000000000%" G_GINT64_MODIFIER "X READ 000%" G_GUINT64_FORMAT "\n",
            addr, cycle);
        e->is_write = FALSE;
        break;
    default:
        g_string_append_printf(out, "0X%" G_GINT64_MODIFIER "X  %s  %" G_GUINT64_FORMAT "\r\n",
                               addr, w ? "WRITE" : "READ", cycle);
        break;
    }
}

#define GEN_N 40000u

/* A trace of GEN_N requests in every form, its last line without a newline. */
static char *gen_trace(const char *name, TsDramTraceEntry **want, gsize *len)
{
    GString *text = g_string_new(NULL);
    *want = g_new(TsDramTraceEntry, GEN_N);
    for (guint i = 0; i < GEN_N; i++)
        gen_line(text, i, &(*want)[i]);
    g_string_truncate(text, text->len - 1 - (text->str[text->len - 2] == '\r'));
    char *path = ts_test_tmp_path(name);
    CU_ASSERT_FATAL(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
    *len = text->len;
    g_string_free(text, TRUE);
    return path;
}

/* Reads `path` through a buffer of `buffer` bytes: every entry as `want`, none read further
 * ahead than the buffer. */
static void check_stream(const char *path, gsize buffer, const TsDramTraceEntry *want, gsize n,
                         gsize file_bytes)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_open(path, buffer, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsize cap = 0;
    guint64 got_bytes = 0;
    ts_dram_trace_reader_io(r, &cap, &got_bytes);
    CU_ASSERT_EQUAL(
        cap, MAX(buffer ? buffer : TS_DRAM_TRACE_BUFFER_BYTES, (gsize)TS_DRAM_TRACE_MAX_LINE + 1));
    CU_ASSERT_EQUAL(got_bytes, 0); /* nothing read before the first request is asked for */
    TsDramTraceEntry e;
    gsize i = 0, bad = 0;
    for (; ts_dram_trace_reader_next(r, &e) > 0; i++) {
        if (i < n &&
            (e.addr != want[i].addr || e.cycle != want[i].cycle ||
             e.is_write != want[i].is_write) &&
            bad++ == 0)
            fprintf(stderr, "\n  entry %" G_GSIZE_FORMAT " differs\n", i);
        if (i == 0) {
            ts_dram_trace_reader_io(r, NULL, &got_bytes);
            CU_ASSERT(got_bytes <= cap);
        }
    }
    CU_ASSERT_PTR_NULL(ts_dram_trace_reader_error(r));
    CU_ASSERT_EQUAL(i, n);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(ts_dram_trace_reader_count(r), n);
    ts_dram_trace_reader_io(r, &cap, &got_bytes);
    CU_ASSERT_EQUAL(got_bytes, file_bytes);
    CU_ASSERT_EQUAL(ts_dram_trace_reader_next(r, &e), 0); /* the end stays the end */
    CU_ASSERT_TRUE(ts_dram_trace_reader_finish(r, &error));
}

static void test_stream_forms(void)
{
    g_autofree TsDramTraceEntry *want = NULL;
    gsize len = 0;
    g_autofree char *path = gen_trace("gen.trace", &want, &len);
    CU_ASSERT(len > 40 * (TS_DRAM_TRACE_MAX_LINE + 1));
    /* the whole load reads the same */
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTrace) t = ts_dram_trace_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL_FATAL(t->n, GEN_N);
    gsize differ = 0;
    for (gsize i = 0; i < GEN_N; i++)
        differ += t->entries[i].addr != want[i].addr || t->entries[i].cycle != want[i].cycle ||
                  t->entries[i].is_write != want[i].is_write;
    CU_ASSERT_EQUAL(differ, 0);
    /* the smallest buffer (one longest line), odd sizes, the default */
    const gsize sizes[] = {1, TS_DRAM_TRACE_MAX_LINE + 1, 4099, 6007, 0};
    for (guint k = 0; k < G_N_ELEMENTS(sizes); k++)
        check_stream(path, sizes[k], want, GEN_N, len);
    /* the buffer is the same for a trace of one line */
    g_autofree char *one = ts_test_tmp_path("one.trace");
    CU_ASSERT_FATAL(g_file_set_contents(one, "0x40 READ 3", -1, NULL));
    const TsDramTraceEntry w1 = {0x40, 3, FALSE};
    check_stream(one, 0, &w1, 1, 11);
    /* .xz through xz -dc */
    g_autofree char *xz = g_find_program_in_path("xz");
    if (xz != NULL) {
        const char *argv[] = {xz, "-z", "-k", "-f", "-0", path, NULL};
        gint status = 0;
        CU_ASSERT_TRUE_FATAL(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                          NULL, NULL, &status, NULL));
        CU_ASSERT_EQUAL_FATAL(status, 0);
        g_autofree char *xzpath = g_strconcat(path, ".xz", NULL);
        check_stream(xzpath, TS_DRAM_TRACE_MAX_LINE + 1, want, GEN_N, len);
        /* a truncated .xz (xz says so on stderr): an error, never a shorter trace */
        g_autofree char *data = NULL;
        gsize n = 0;
        CU_ASSERT_TRUE_FATAL(g_file_get_contents(xzpath, &data, &n, NULL));
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(xzpath, data, (gssize)(n / 2), NULL));
        g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_open(xzpath, 0, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_FALSE(ts_dram_trace_reader_finish(r, &error));
        CU_ASSERT_PTR_NOT_NULL(ts_dram_trace_reader_error(r));
        g_clear_error(&error);
        g_unlink(xzpath);
    } else {
        fprintf(stderr, "\n  xz not installed: the .xz path is not checked\n");
    }
    g_unlink(one);
    g_unlink(path);
}

/* Errors late in a long trace: every request before the bad line is read, then the error
 * names its line, as the whole load reports it. Lines of 4096 characters are read (across
 * buffer boundaries), one more is refused. */
static void test_stream_late_errors(void)
{
    GString *good = g_string_new(NULL);
    TsDramTraceEntry e;
    for (guint i = 0; i < 20000; i++)
        gen_line(good, i * 8, &e); /* the fast-path form: one line each */
    g_string_append_printf(good, "%-4096s\n", "0x40 READ 1");
    const guint n_good = 20001;
    g_autofree char *path = ts_test_tmp_path("late.trace");
    struct {
        const char *tail, *msg;
    } cases[] = {
        {"0x40 FETCH 5\n", ":20002: unknown operation 'FETCH'"},
        {"0x40 READ 5 6", ":20002: expected 'ADDRESS OP CYCLE', got an extra token '6'"},
        {"0x40 READ 5\r\n0x4g READ 6\r\n", ":20003: address '0x4g'"},
        {NULL, ":20002: line longer than 4096 characters"},
    };
    for (guint k = 0; k < G_N_ELEMENTS(cases); k++) {
        g_autoptr(GString) text = g_string_new_len(good->str, (gssize)good->len);
        if (cases[k].tail)
            g_string_append(text, cases[k].tail);
        else
            g_string_append_printf(text, "%-4097s\n", "0x40 READ 1");
        CU_ASSERT_FATAL(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
        g_autoptr(GError) error = NULL;
        g_autoptr(TsDramTrace) t = ts_dram_trace_load(path, &error);
        CU_ASSERT_PTR_NULL(t);
        CU_ASSERT_PTR_NOT_NULL_FATAL(error);
        CU_ASSERT_PTR_NOT_NULL(strstr(error->message, cases[k].msg));
        g_autoptr(TsDramTraceReader) r =
            ts_dram_trace_reader_open(path, TS_DRAM_TRACE_MAX_LINE + 1, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        guint got = 0;
        while (ts_dram_trace_reader_next(r, &e) > 0)
            got++;
        CU_ASSERT_EQUAL(got, n_good + (k == 2));
        const GError *re = ts_dram_trace_reader_error(r);
        CU_ASSERT_PTR_NOT_NULL_FATAL(re);
        CU_ASSERT_STRING_EQUAL(re->message, error->message);
        CU_ASSERT_EQUAL(ts_dram_trace_reader_next(r, &e), -1); /* the error stays */
    }
    g_string_free(good, TRUE);
    g_unlink(path);
}

static TsDramSpec *ddr4(void)
{
    const TsDramSpec *p = ts_dram_preset("DDR4-2400");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    TsDramSpec *s = g_memdup2(p, sizeof *p);
    g_autofree char *why = NULL;
    CU_ASSERT_TRUE_FATAL(ts_dram_spec_derive(s, &why));
    return s;
}

/* A streamed trace runs as the loaded one (until done, and over a window shorter than the
 * trace, after which the rest is still read and counted); a bad line or a request cycle past
 * simulated time late in the trace fails the run with the error the load (or the loaded run)
 * gives. */
static void test_stream_run(void)
{
    g_autofree TsDramTraceEntry *want = NULL;
    gsize len = 0;
    g_autofree char *path = gen_trace("run.trace", &want, &len);
    g_autofree TsDramSpec *s = ddr4();
    g_autoptr(GError) error = NULL;
    g_autoptr(TsDramTrace) t = ts_dram_trace_load(path, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    const guint64 windows[] = {0, 20000};
    for (guint k = 0; k < G_N_ELEMENTS(windows); k++) {
        TsDramTraceResult a, b;
        CU_ASSERT_TRUE_FATAL(ts_dram_trace_run(s, t, windows[k], TRUE, &a, &error));
        g_autoptr(TsDramTraceReader) r =
            ts_dram_trace_reader_open(path, TS_DRAM_TRACE_MAX_LINE + 1, &error);
        CU_ASSERT_PTR_NOT_NULL_FATAL(r);
        CU_ASSERT_TRUE_FATAL(ts_dram_trace_run_reader(s, r, windows[k], TRUE, &b, &error));
        CU_ASSERT_EQUAL(memcmp(&a.stats, &b.stats, sizeof a.stats), 0);
        CU_ASSERT_EQUAL(a.cycles, b.cycles);
        CU_ASSERT_EQUAL(a.requests_sent, b.requests_sent);
        CU_ASSERT_EQUAL(a.events, b.events);
        CU_ASSERT_EQUAL(a.stats.violations, 0);
        CU_ASSERT_EQUAL(ts_dram_trace_reader_count(r), GEN_N);
        if (windows[k] > 0) {
            CU_ASSERT(b.requests_sent < GEN_N / 2);
        } else {
            CU_ASSERT_EQUAL(b.stats.reads_done + b.stats.writes_done, GEN_N);
        }
    }
    /* late errors, until done and after a window that ends before them */
    g_autofree char *text = NULL;
    CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
    guint lines = 1; /* the generated trace's, its last one without a newline */
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    const char *tails[] = {
        "\n0x40 FETCH 5\n",
        "\n0x40 READ 9223372036854775807\n0x80 READ 9223372036854775807\n0x40 READ 5\n",
    };
    g_autofree char *bad = ts_test_tmp_path("run-bad.trace");
    for (guint k = 0; k < G_N_ELEMENTS(tails); k++) {
        g_autofree char *all = g_strconcat(text, tails[k], NULL);
        CU_ASSERT_TRUE_FATAL(g_file_set_contents(bad, all, -1, NULL));
        g_autofree char *msg =
            k == 0 ? g_strdup_printf("%s:%u: unknown operation 'FETCH'", bad, lines + 1)
                   : g_strdup_printf("cpu: %s:%u: cycle 9223372036854775807 (and 2^36 cycles "
                                     "after it) overflows simulated time (2^64 ps) at this "
                                     "clock: at most ",
                                     bad, lines + 1);
        for (guint w = 0; w < G_N_ELEMENTS(windows); w++) {
            g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_open(bad, 0, &error);
            CU_ASSERT_PTR_NOT_NULL_FATAL(r);
            TsDramTraceResult b;
            g_autoptr(GError) e = NULL;
            CU_ASSERT_FALSE(ts_dram_trace_run_reader(s, r, windows[w], FALSE, &b, &e));
            CU_ASSERT_PTR_NOT_NULL_FATAL(e);
            if (strstr(e->message, msg) == NULL)
                fprintf(stderr, "\n  %s\n", e->message);
            CU_ASSERT_PTR_NOT_NULL(strstr(e->message, msg));
            /* a text error is the reader's; a cycle past time is the run's */
            CU_ASSERT_EQUAL(ts_dram_trace_reader_error(r) != NULL, k == 0);
            /* the loaded trace gives the same error */
            g_autoptr(GError) le = NULL;
            g_autoptr(TsDramTrace) lt = ts_dram_trace_load(bad, &le);
            if (k == 0) {
                CU_ASSERT_PTR_NULL(lt);
                CU_ASSERT_STRING_EQUAL(le->message, e->message);
            } else {
                CU_ASSERT_PTR_NOT_NULL_FATAL(lt);
                CU_ASSERT_FALSE(ts_dram_trace_run(s, lt, windows[w], FALSE, &b, &le));
                CU_ASSERT_STRING_EQUAL(le->message, e->message);
            }
        }
    }
    /* a trace in memory without a request */
    TsDramTrace empty = {NULL, 0, (char *)"(empty)", 0};
    TsDramTraceResult b;
    g_autoptr(GError) ee = NULL;
    CU_ASSERT_FALSE(ts_dram_trace_run(s, &empty, 0, FALSE, &b, &ee));
    CU_ASSERT_PTR_NOT_NULL_FATAL(ee);
    CU_ASSERT_PTR_NOT_NULL(strstr(ee->message, "(empty): the trace is empty"));
    g_unlink(bad);
    g_unlink(path);
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("dram_trace_io", NULL, NULL);
    CU_add_test(s, "save: exact text, loaded back entry for entry", test_round_trip);
    CU_add_test(s, "save: unwritable path named in the error", test_unwritable);
    CU_add_test(s, "save: reference traces written back byte for byte", test_reference_bytes);
    CU_add_test(s, "load: the common line and every other form read alike", test_load_forms);
    CU_add_test(s, "stream: every form through small buffers, .xz, bounded read-ahead",
                test_stream_forms);
    CU_add_test(s, "stream: a bad line at the end, after every request before it",
                test_stream_late_errors);
    CU_add_test(s, "stream: runs as loaded; late errors fail the run", test_stream_run);
    return ts_test_run(argc, argv);
}
