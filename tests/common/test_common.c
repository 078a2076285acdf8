/* Unit tests of common/: units, YAML document bounds and positions, expressions and schema
 * tables. Every error case checks the domain, the code and the text of the message. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "ts-config.h"
#include "ts-test.h"
#include "ts-units.h"

#define ASSERT_ERR(err, code_, needle)                                                             \
    do {                                                                                           \
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);                                                         \
        CU_ASSERT_EQUAL((err)->domain, TS_CONFIG_ERROR);                                           \
        CU_ASSERT_EQUAL((err)->code, (code_));                                                     \
        if (strstr((err)->message, (needle)) == NULL)                                              \
            fprintf(stderr, "\nmessage '%s' lacks '%s'\n", (err)->message, (needle));              \
        CU_ASSERT_PTR_NOT_NULL(strstr((err)->message, (needle)));                                  \
    } while (0)

static void test_units_parse(void)
{
    double v;
    const char *why;
    CU_ASSERT_TRUE(ts_unit_parse("200MHz", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 2e8, 1e-6);
    CU_ASSERT_TRUE(ts_unit_parse("1.2 GHz", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 1.2e9, 1e-3);
    CU_ASSERT_TRUE(ts_unit_parse("10ns", TS_UNIT_TIME, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 1e4, 1e-9);
    CU_ASSERT_TRUE(ts_unit_parse("25.6GB/s", TS_UNIT_BANDWIDTH, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 25.6e9, 1.0);
    CU_ASSERT_TRUE(ts_unit_parse("0.95pJ/bit", TS_UNIT_ENERGY_PER_BIT, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 0.95, 1e-12);
    CU_ASSERT_TRUE(ts_unit_parse("8pJ/B", TS_UNIT_ENERGY_PER_BIT, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 1.0, 1e-12);
    CU_ASSERT_TRUE(ts_unit_parse("64KiB", TS_UNIT_SIZE, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 65536.0, 0);
    CU_ASSERT_TRUE(ts_unit_parse("64KB", TS_UNIT_SIZE, &v, &why)); /* JEDEC: KB = 1024 B */
    CU_ASSERT_DOUBLE_EQUAL(v, 65536.0, 0);
    CU_ASSERT_TRUE(ts_unit_parse("45nm", TS_UNIT_LENGTH_NM, &v, &why));
    CU_ASSERT_DOUBLE_EQUAL(v, 45.0, 0);
    CU_ASSERT_TRUE(ts_unit_parse("42", TS_UNIT_TIME, &v, &why)); /* bare = base unit */
    CU_ASSERT_DOUBLE_EQUAL(v, 42.0, 0);

    CU_ASSERT_FALSE(ts_unit_parse("200MHZ", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_STRING_EQUAL(why, "unknown unit");
    CU_ASSERT_FALSE(ts_unit_parse("10ns", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_FALSE(ts_unit_parse("GHz", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_STRING_EQUAL(why, "not a number");
    CU_ASSERT_FALSE(ts_unit_parse("inf", TS_UNIT_TIME, &v, &why));
    CU_ASSERT_FALSE(ts_unit_parse("0x10", TS_UNIT_NONE, &v, &why));
    CU_ASSERT_FALSE(ts_unit_parse("5 ns extra", TS_UNIT_TIME, &v, &why));
    /* A finite number times its unit must stay finite. */
    CU_ASSERT_FALSE(ts_unit_parse("1e308GHz", TS_UNIT_FREQUENCY, &v, &why));
    CU_ASSERT_STRING_EQUAL(why, "value overflows");
    CU_ASSERT_TRUE(ts_unit_parse("1e-300Hz", TS_UNIT_FREQUENCY, &v, &why)); /* the schema's
                                                                               range refuses it */
}

static void test_units_format(void)
{
    g_autofree char *a = ts_unit_format(2e8, TS_UNIT_FREQUENCY);
    CU_ASSERT_STRING_EQUAL(a, "200 MHz");
    g_autofree char *b = ts_unit_format(131072, TS_UNIT_SIZE);
    CU_ASSERT_STRING_EQUAL(b, "128 KiB");
    g_autofree char *c = ts_unit_format(19.2e9, TS_UNIT_BANDWIDTH);
    CU_ASSERT_STRING_EQUAL(c, "19.2 GB/s");
    g_autofree char *d = ts_unit_format(0.5, TS_UNIT_ENERGY);
    CU_ASSERT_STRING_EQUAL(d, "500 fJ");
}

static void test_doc_positions(void)
{
    const char *text = "a: 1\nb:\n  - x\n  - {c: 2}\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("t.yaml", text, -1, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const TsNode *b = ts_node_get(doc->root, "b");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->kind, TS_NODE_SEQUENCE);
    CU_ASSERT_EQUAL(b->n, 2);
    const TsNode *c = ts_node_get(b->items[1], "c");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_STRING_EQUAL(c->value, "2");
    CU_ASSERT_EQUAL(c->line, 4);
    CU_ASSERT_EQUAL(c->col, 9);
    CU_ASSERT_PTR_NULL(ts_node_get(doc->root, "missing"));

    g_autoptr(TsDoc) empty = ts_doc_load_string("e.yaml", "a: {}\nb: []\n", -1, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(empty);
    CU_ASSERT_EQUAL(ts_node_get(empty->root, "a")->n, 0);
    CU_ASSERT_EQUAL(ts_node_get(empty->root, "b")->n, 0);
}

static void test_doc_tags_and_merge(void)
{
    const char *text = "base: &b {x: 1, y: 2}\n"
                       "n: !Component {name: q}\n"
                       "m:\n  <<: *b\n  y: 3\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("t.yaml", text, -1, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const TsNode *n = ts_node_get(doc->root, "n");
    CU_ASSERT_STRING_EQUAL(n->tag, "!Component");
    const TsNode *m = ts_node_get(doc->root, "m");
    CU_ASSERT_EQUAL(m->n, 2);
    CU_ASSERT_STRING_EQUAL(ts_node_get(m, "y")->value, "3"); /* explicit wins over merge */
    CU_ASSERT_STRING_EQUAL(ts_node_get(m, "x")->value, "1");
}

static void test_doc_syntax_error(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("bad.yaml", "a: [1, 2\nb: 3\n", -1, NULL, &err);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_SYNTAX, "bad.yaml:");
    ASSERT_ERR(err, TS_CONFIG_ERROR_SYNTAX, "YAML syntax error");
}

/* A Jinja2 template (as timeloopfe renders them) is named for what it is, at its first
 * marker; a document that parses is never second-guessed. */
static void test_doc_template(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string(
        "arch.yaml", "variables:\n  W: {{psum_datawidth}}\n  class: {{mac_class}}\n", -1, NULL,
        &err);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_SYNTAX,
               "arch.yaml:2:6: this file is a template: render it first (Jinja2 "
               "'{{psum_datawidth}}'");
    g_autoptr(GError) err2 = NULL;
    g_autoptr(TsDoc) blk =
        ts_doc_load_string("b.yaml", "a: 1\n{% if x %}\nb: [\n", -1, NULL, &err2);
    CU_ASSERT_PTR_NULL(blk);
    ASSERT_ERR(err2, TS_CONFIG_ERROR_SYNTAX, "b.yaml:2:1: this file is a template");
    g_autoptr(GError) err3 = NULL;
    g_autoptr(TsDoc) ok =
        ts_doc_load_string("q.yaml", "note: \"{{ not a template }}\"\n", -1, NULL, &err3);
    CU_ASSERT_PTR_NOT_NULL(ok);
}

static void test_doc_duplicate_key(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("d.yaml", "a: 1\nb: 2\na: 3\n", -1, NULL, &err);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_DUPLICATE, "d.yaml:3:1: duplicate key 'a' (first at line 1)");
}

/* 25,000 distinct keys, then a duplicate of the first: the key index keeps the check linear
 * (a pairwise check took 58 s under ASan). Merge keys use the same index. */
static void test_doc_many_keys(void)
{
    GString *s = g_string_new("m:\n");
    for (int i = 0; i < 25000; i++)
        g_string_append_printf(s, "  k%d: %d\n", i, i);
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("keys.yaml", s->str, -1, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const TsNode *m = ts_node_get(doc->root, "m");
    CU_ASSERT_EQUAL(m->n, 25000);
    CU_ASSERT_STRING_EQUAL(ts_node_key(m, 24999), "k24999"); /* order kept */
    g_string_append(s, "  k0: again\n");
    g_autoptr(TsDoc) dup = ts_doc_load_string("keys.yaml", s->str, -1, NULL, &err);
    CU_ASSERT_PTR_NULL(dup);
    ASSERT_ERR(err, TS_CONFIG_ERROR_DUPLICATE, "keys.yaml:25002:3: duplicate key 'k0' (first at line 2)");
    double seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    CU_ASSERT(seconds < 10.0);
    g_string_free(s, TRUE);

    g_autoptr(GError) err2 = NULL;
    GString *mg = g_string_new("base: &b\n");
    for (int i = 0; i < 40; i++)
        g_string_append_printf(mg, "  k%d: %d\n", i, i);
    g_string_append(mg, "derived:\n  <<: *b\n  k3: own\n  extra: 1\n");
    g_autoptr(TsDoc) merged = ts_doc_load_string("merge.yaml", mg->str, -1, NULL, &err2);
    g_string_free(mg, TRUE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(merged);
    const TsNode *d = ts_node_get(merged->root, "derived");
    CU_ASSERT_EQUAL(d->n, 41);
    CU_ASSERT_STRING_EQUAL(ts_node_get(d, "k3")->value, "own");
    CU_ASSERT_STRING_EQUAL(ts_node_get(d, "k39")->value, "39");
}

/* Everything after the first document would be ignored: a second one is an error. */
static void test_doc_multi_document(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc =
        ts_doc_load_string("two.yaml", "a: 1\n---\nb: 2\n", -1, NULL, &err);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_SYNTAX, "two.yaml:2:1: a second YAML document starts here");
    g_autoptr(GError) err2 = NULL;
    g_autoptr(TsDoc) one = ts_doc_load_string("one.yaml", "---\na: 1\n...\n", -1, NULL, &err2);
    CU_ASSERT_PTR_NOT_NULL(one);
}

static void test_doc_utf8(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("u.yaml", "a: 1\nb: \xff\xfe\n", -1, NULL, &err);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_ENCODING, "u.yaml:2:4: file is not valid UTF-8");
}

static void test_doc_alias_bomb(void)
{
    /* Each level multiplies by 9: 9^9 = 387 M nodes if expanded. */
    GString *s = g_string_new("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i <= 9; i++)
        g_string_append_printf(s,
                               "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                               i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("bomb.yaml", s->str, -1, NULL, &err);
    g_string_free(s, TRUE);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_LIMIT, "alias bomb");
}

static void test_doc_depth_and_size(void)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < 100; i++)
        g_string_append_c(s, '[');
    for (int i = 0; i < 100; i++)
        g_string_append_c(s, ']');
    g_autoptr(GError) err = NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_string("deep.yaml", s->str, -1, NULL, &err);
    g_string_free(s, TRUE);
    CU_ASSERT_PTR_NULL(doc);
    ASSERT_ERR(err, TS_CONFIG_ERROR_LIMIT, "nesting deeper than 64 levels");

    g_autoptr(GError) err2 = NULL;
    TsDocLimits lim = {.max_file_bytes = 8};
    g_autoptr(TsDoc) doc2 = ts_doc_load_string("big.yaml", "a: 123456789\n", -1, &lim, &err2);
    CU_ASSERT_PTR_NULL(doc2);
    ASSERT_ERR(err2, TS_CONFIG_ERROR_LIMIT, "over the 8-byte limit");

    g_autoptr(GError) err3 = NULL;
    g_autoptr(TsDoc) doc3 = ts_doc_load_file("/nonexistent/x.yaml", NULL, &err3);
    CU_ASSERT_PTR_NULL(doc3);
    ASSERT_ERR(err3, TS_CONFIG_ERROR_IO, "/nonexistent/x.yaml: cannot open");
}

static void test_expr(void)
{
    double v;
    g_autoptr(GError) err = NULL;
    CU_ASSERT_TRUE(ts_expr_eval("262144*2", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 524288, 0);
    CU_ASSERT_TRUE(ts_expr_eval("(3 + 1) * 4 - 10 / 5", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 14, 0);
    CU_ASSERT_TRUE(ts_expr_eval("-2 * -3 % 4", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 2, 0);
    CU_ASSERT_TRUE(ts_expr_eval("-7 % 4", NULL, NULL, &v, &err)); /* Python's sign */
    CU_ASSERT_DOUBLE_EQUAL(v, 1, 0);
    CU_ASSERT_TRUE(ts_expr_eval("24*2**20", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 25165824, 0);
    CU_ASSERT_TRUE(ts_expr_eval("-2**2", NULL, NULL, &v, &err)); /* -(2**2) */
    CU_ASSERT_DOUBLE_EQUAL(v, -4, 0);
    CU_ASSERT_TRUE(ts_expr_eval("2**3**2", NULL, NULL, &v, &err)); /* right-associative */
    CU_ASSERT_DOUBLE_EQUAL(v, 512, 0);
    CU_ASSERT_TRUE(ts_expr_eval("(512*8)//(8*3)", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 170, 0);
    CU_ASSERT_TRUE(ts_expr_eval("max(32, 7, 40) + ceil(2.1) + log2(1024)", NULL, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 53, 0);
    CU_ASSERT_FALSE(ts_expr_eval("sqrt(4)", NULL, NULL, &v, &err));
    ASSERT_ERR(err, TS_CONFIG_ERROR_TYPE, "unknown function");
    g_clear_error(&err);
    CU_ASSERT_FALSE(ts_expr_eval("1/0", NULL, NULL, &v, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err->message, "division by zero"));
    g_clear_error(&err);
    CU_ASSERT_FALSE(ts_expr_eval("EMBEDDING*3", NULL, NULL, &v, &err));
    ASSERT_ERR(err, TS_CONFIG_ERROR_REFERENCE, "unknown name 'EMBEDDING'");
    g_clear_error(&err);
    CU_ASSERT_FALSE(ts_expr_eval("2 +", NULL, NULL, &v, &err));
    g_clear_error(&err);
    CU_ASSERT_FALSE(ts_expr_eval("(2", NULL, NULL, &v, &err));
    ASSERT_ERR(err, TS_CONFIG_ERROR_TYPE, "missing ')'");
}

static gboolean lookup_embedding(const char *name, double *value, gpointer user_data)
{
    (void)user_data;
    if (strcmp(name, "EMBEDDING") == 0) {
        *value = 768;
        return TRUE;
    }
    return FALSE;
}

static void test_expr_lookup(void)
{
    double v;
    g_autoptr(GError) err = NULL;
    CU_ASSERT_TRUE(ts_expr_eval("EMBEDDING*3", lookup_embedding, NULL, &v, &err));
    CU_ASSERT_DOUBLE_EQUAL(v, 2304, 0);
}

typedef struct {
    guint64 depth;
    double clock_hz;
    double trcd_ps;
    gboolean enabled;
    const char *name;
    int dataflow;
    gint64 offset;
} TestSpec;

static const char *const dataflows[] = {"ws", "os", "is", NULL};

static const TsField test_fields[] = {
    {"depth", TS_FIELD_UINT, TS_UNIT_NONE, TRUE, NULL, 1, 1e12, FALSE, NULL,
     offsetof(TestSpec, depth), "words"},
    {"clock", TS_FIELD_QUANTITY, TS_UNIT_FREQUENCY, FALSE, "1GHz", 0, 0, TRUE, NULL,
     offsetof(TestSpec, clock_hz), "clock"},
    {"tRCD", TS_FIELD_QUANTITY, TS_UNIT_TIME, FALSE, NULL, 0, 0, TRUE, NULL,
     offsetof(TestSpec, trcd_ps), "activate to read"},
    {"enabled", TS_FIELD_BOOL, TS_UNIT_NONE, FALSE, "true", 0, 0, FALSE, NULL,
     offsetof(TestSpec, enabled), "on"},
    {"name", TS_FIELD_STRING, TS_UNIT_NONE, FALSE, NULL, 0, 0, FALSE, NULL,
     offsetof(TestSpec, name), "name"},
    {"dataflow", TS_FIELD_ENUM, TS_UNIT_NONE, FALSE, "ws", 0, 0, FALSE, dataflows,
     offsetof(TestSpec, dataflow), "dataflow"},
    {"offset", TS_FIELD_INT, TS_UNIT_NONE, FALSE, "0", -10, 10, FALSE, NULL,
     offsetof(TestSpec, offset), "offset"},
    {NULL},
};

static gboolean apply_text(const char *text, TestSpec *spec, guint64 *mask, GError **err)
{
    g_autoptr(TsDoc) doc = ts_doc_load_string("s.yaml", text, -1, NULL, err);
    if (doc == NULL)
        return FALSE;
    return ts_schema_apply(test_fields, doc->root, "levels[0].attributes", spec, mask, FALSE, err);
}

static void test_schema_ok(void)
{
    TestSpec spec = {0};
    guint64 mask = 0;
    g_autoptr(GError) err = NULL;
    CU_ASSERT_TRUE(apply_text("depth: 16384*2\ntRCD: 13.32ns\ndataflow: OS\n", &spec, &mask, &err));
    CU_ASSERT_EQUAL(spec.depth, 32768);
    CU_ASSERT_DOUBLE_EQUAL(spec.clock_hz, 1e9, 0);
    CU_ASSERT_DOUBLE_EQUAL(spec.trcd_ps, 13320, 1e-6);
    CU_ASSERT_TRUE(spec.enabled);
    CU_ASSERT_EQUAL(spec.dataflow, 1);
    CU_ASSERT_EQUAL(mask, (1u << 0) | (1u << 2) | (1u << 5));
}

static void test_schema_errors(void)
{
    TestSpec spec = {0};
    struct {
        const char *text;
        TsConfigError code;
        const char *needle;
    } cases[] = {
        {"depth: 4\ndpeth: 5\n", TS_CONFIG_ERROR_UNKNOWN_KEY,
         "s.yaml:2:1: levels[0].attributes.dpeth: unknown key 'dpeth' (did you mean 'depth'?)"},
        {"clock: 1GHz\n", TS_CONFIG_ERROR_MISSING,
         "levels[0].attributes: missing required key 'depth'"},
        {"depth: 0\n", TS_CONFIG_ERROR_RANGE,
         "s.yaml:1:8: levels[0].attributes.depth: must be >= 1 (got 0)"},
        {"depth: -4\n", TS_CONFIG_ERROR_RANGE, "levels[0].attributes.depth: must be >= 1 (got -4)"},
        {"depth: 4\ntRCD: -3ns\n", TS_CONFIG_ERROR_RANGE,
         "s.yaml:2:7: levels[0].attributes.tRCD: must be > 0 ps (got -3ns)"},
        {"depth: 4\ntRCD: 0\n", TS_CONFIG_ERROR_RANGE,
         "s.yaml:2:7: levels[0].attributes.tRCD: must be > 0 ps (got 0)"},
        /* A bare number is ambiguous for a frequency or a time: 200 Hz? 0.83 ps? */
        {"depth: 4\nclock: 200\n", TS_CONFIG_ERROR_UNIT,
         "s.yaml:2:8: levels[0].attributes.clock: missing unit: expected a frequency in Hz, kHz, "
         "MHz, GHz (got '200')"},
        {"depth: 4\nclock: (2*100)\n", TS_CONFIG_ERROR_UNIT,
         "levels[0].attributes.clock: missing unit: expected a frequency"},
        {"depth: 4\ntRCD: 13.32\n", TS_CONFIG_ERROR_UNIT,
         "levels[0].attributes.tRCD: missing unit: expected a time in ps, ns"},
        {"depth: 4\nclock: 10ns\n", TS_CONFIG_ERROR_UNIT,
         "levels[0].attributes.clock: unknown unit: expected a frequency in Hz, kHz, MHz, GHz "
         "(got '10ns')"},
        {"depth: [1]\n", TS_CONFIG_ERROR_TYPE,
         "levels[0].attributes.depth: expected a non-negative integer, got a list"},
        {"depth: 1.5\n", TS_CONFIG_ERROR_TYPE, "expected an integer (got 1.5)"},
        {"depth: 4\nenabled: maybe\n", TS_CONFIG_ERROR_TYPE,
         "expected true or false (got 'maybe')"},
        {"depth: 4\ndataflow: wss\n", TS_CONFIG_ERROR_REFERENCE,
         "unknown value 'wss' (did you mean 'ws'?); expected one of ws, os, is"},
        {"depth: 4\noffset: 11\n", TS_CONFIG_ERROR_RANGE, "must be <= 10 (got 11)"},
        {"depth: 99999999999999999999999\n", TS_CONFIG_ERROR_RANGE, "out of 64-bit range"},
        {"- 1\n", TS_CONFIG_ERROR_TYPE, "levels[0].attributes: expected a mapping, got a list"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        CU_ASSERT_FALSE(apply_text(cases[i].text, &spec, NULL, &err));
        ASSERT_ERR(err, cases[i].code, cases[i].needle);
    }
}

static void test_suggest(void)
{
    const char *const names[] = {"simulate", "map", "model", "compare", NULL};
    g_autofree char *a = ts_config_suggest("modle", names);
    CU_ASSERT_STRING_EQUAL(a, " (did you mean 'model'?)");
    g_autofree char *b = ts_config_suggest("zzzzzzzz", names);
    CU_ASSERT_STRING_EQUAL(b, "");
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("common", NULL, NULL);
    CU_add_test(s, "template", test_doc_template);
    CU_add_test(s, "units_parse", test_units_parse);
    CU_add_test(s, "units_format", test_units_format);
    CU_add_test(s, "doc_positions", test_doc_positions);
    CU_add_test(s, "doc_tags_and_merge", test_doc_tags_and_merge);
    CU_add_test(s, "doc_syntax_error", test_doc_syntax_error);
    CU_add_test(s, "doc_duplicate_key", test_doc_duplicate_key);
    CU_add_test(s, "doc_many_keys", test_doc_many_keys);
    CU_add_test(s, "doc_multi_document", test_doc_multi_document);
    CU_add_test(s, "doc_utf8", test_doc_utf8);
    CU_add_test(s, "doc_alias_bomb", test_doc_alias_bomb);
    CU_add_test(s, "doc_depth_and_size", test_doc_depth_and_size);
    CU_add_test(s, "expr", test_expr);
    CU_add_test(s, "expr_lookup", test_expr_lookup);
    CU_add_test(s, "schema_ok", test_schema_ok);
    CU_add_test(s, "schema_errors", test_schema_errors);
    CU_add_test(s, "suggest", test_suggest);
    return ts_test_run(argc, argv);
}
