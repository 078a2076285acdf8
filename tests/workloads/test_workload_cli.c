/* Command-line tests of `tilesim workload`: text and JSON output of library, Timeloop and
 * explicit-op workloads, overrides, and exit code 1 with a positioned message on bad input.
 * Runs $TILESIM_BIN (set by CTest). */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "ts-test.h"

static const char *bin;
static char *tmp_dir;

/* Runs tilesim with args; returns the exit status, stdout and stderr (owned). */
static int run_cli(const char *const *args, char **out, char **err)
{
    return ts_test_tilesim(args, out, err);
}

#define REQUIRE_BIN()                                                                              \
    do {                                                                                           \
        if (bin == NULL) {                                                                         \
            fprintf(stderr, "SKIP %s: TILESIM_BIN not set\n", __func__);                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static JsonObject *op_named(JsonArray *ops, const char *name)
{
    for (guint i = 0; i < json_array_get_length(ops); i++) {
        JsonObject *o = json_array_get_object_element(ops, i);
        if (strcmp(json_object_get_string_member(o, "name"), name) == 0)
            return o;
    }
    return NULL;
}

static void test_show_text_and_json(void)
{
    REQUIRE_BIN();
    g_autofree char *json = g_build_filename(tmp_dir, "bert.json", NULL);
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = {"workload", "show", "bert-base", "--json", json, NULL};
    CU_ASSERT_EQUAL_FATAL(run_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "KQV"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "931,135,488"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "MACs"));
    g_autoptr(JsonParser) parser = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_file(parser, json, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonArray *ops = json_object_get_array_member(root, "ops");
    CU_ASSERT_EQUAL(json_array_get_length(ops), 12);
    JsonObject *kqv = json_array_get_object_element(ops, 0);
    CU_ASSERT_STRING_EQUAL(json_object_get_string_member(kqv, "name"), "KQV");
    CU_ASSERT_EQUAL(json_object_get_int_member(kqv, "count"), 1);
    CU_ASSERT_EQUAL(json_object_get_int_member(kqv, "macs"), 226492416);
    JsonObject *dims = json_object_get_object_member(kqv, "dims");
    CU_ASSERT_EQUAL(json_object_get_int_member(dims, "D"), 2304);
    CU_ASSERT_EQUAL(json_object_get_int_member(dims, "E"), 768);
    CU_ASSERT_EQUAL(json_object_get_int_member(dims, "L"), 128);
    JsonObject *bytes = json_object_get_object_member(kqv, "bytes");
    CU_ASSERT_EQUAL(json_object_get_int_member(bytes, "Weights"), 768 * 2304 * 2);
    JsonObject *ktq = op_named(ops, "KTQ");
    CU_ASSERT_EQUAL(json_object_get_int_member(ktq, "count"), 12);
    CU_ASSERT_EQUAL(json_object_get_int_member(ktq, "macs"), 128 * 128 * 64);
    JsonObject *totals = json_object_get_object_member(root, "totals");
    CU_ASSERT_EQUAL(json_object_get_int_member(totals, "macs"), 931135488);
    CU_ASSERT_EQUAL(json_object_get_int_member(totals, "params"), 7080960);
}

static void test_show_overrides_json_stdout(void)
{
    REQUIRE_BIN();
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = {"workload",    "show", "bert-base", "--seq", "512",
                          "--precision", "int8", "--json",    "-",     NULL};
    CU_ASSERT_EQUAL_FATAL(run_cli(args, &out, &err), 0);
    g_autoptr(JsonParser) parser = json_parser_new();
    CU_ASSERT_TRUE_FATAL(json_parser_load_from_data(parser, out, -1, NULL));
    JsonObject *root = json_node_get_object(json_parser_get_root(parser));
    JsonObject *totals = json_object_get_object_member(root, "totals");
    CU_ASSERT_EQUAL(json_object_get_int_member(totals, "macs"), G_GINT64_CONSTANT(4026531840));
    JsonObject *kqv = json_array_get_object_element(json_object_get_array_member(root, "ops"), 0);
    JsonObject *bytes = json_object_get_object_member(kqv, "bytes");
    CU_ASSERT_EQUAL(json_object_get_int_member(bytes, "Weights"), 768 * 2304);
    CU_ASSERT_EQUAL(json_object_get_int_member(bytes, "Outputs"), 512 * 2304 * 4);
    JsonObject *model = json_object_get_object_member(root, "model");
    CU_ASSERT_EQUAL(json_object_get_int_member(model, "seq"), 512);
}

static void test_show_timeloop_and_decode(void)
{
    REQUIRE_BIN();
    g_autofree char *prob = g_build_filename(tmp_dir, "kqv.yaml", NULL);
    g_file_set_contents(prob,
                        "problem:\n  version: 0.4\n  shape:\n    name: KQV\n"
                        "    dimensions: [L, E, D]\n    data_spaces:\n"
                        "    - {name: Weights, projection: [[[D]], [[E]]]}\n"
                        "    - {name: Inputs, projection: [[[E]], [[L]]]}\n"
                        "    - {name: Outputs, projection: [[[D]], [[L]]], read_write: true}\n"
                        "  instance: {L: SEQ_LENGTH, E: EMBEDDING, D: EMBEDDING_3}\n",
                        -1, NULL);
    g_autofree char *out = NULL, *err = NULL;
    const char *args[] = {"workload",       "show",  prob,  "--var",
                          "EMBEDDING=1024", "--seq", "256", NULL};
    CU_ASSERT_EQUAL_FATAL(run_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "L=256 E=1024 D=3072"));
    g_autofree char *out2 = NULL, *err2 = NULL;
    const char *args2[] = {"workload", "show",     "gpt2-small", "--phase",
                           "decode",   "--kv-len", "1024",       NULL};
    CU_ASSERT_EQUAL_FATAL(run_cli(args2, &out2, &err2), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out2, "E=64 D=1024 L=1"));
    g_autofree char *out3 = NULL, *err3 = NULL;
    const char *args3[] = {"workload", "list", NULL};
    CU_ASSERT_EQUAL_FATAL(run_cli(args3, &out3, &err3), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out3, "bert-base\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out3, "vit-huge\n"));
}

static void expect_exit1(const char *const *args, const char *fragment)
{
    g_autofree char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(run_cli(args, &out, &err), 1);
    if (err == NULL || strstr(err, fragment) == NULL) {
        fprintf(stderr, "\n  stderr: %s\n  missing: %s\n", err ? err : "(none)", fragment);
        CU_FAIL("stderr lacks the expected message");
    }
}

static void test_bad_input(void)
{
    REQUIRE_BIN();
    const char *a1[] = {"workload", "show", "bert-bsae", NULL};
    expect_exit1(a1, "did you mean 'bert-base'?");
    const char *a2[] = {"workload", "show", "bert-base", "--seq", "12x", NULL};
    expect_exit1(a2, "--seq: expected a positive integer (got '12x')");
    const char *a3[] = {"workload", "show", "bert-base", "--precision", "fp17", NULL};
    expect_exit1(a3, "unknown precision preset 'fp17'");
    g_autofree char *bad = g_build_filename(tmp_dir, "bad.yaml", NULL);
    g_file_set_contents(bad, "workload:\n  model: bert-base\n  heads: 5\n", -1, NULL);
    const char *a4[] = {"workload", "show", bad, NULL};
    g_autofree char *where = g_strdup_printf("%s:3:10: workload.heads: must divide hidden", bad);
    expect_exit1(a4, where);
    const char *a5[] = {"workload", NULL};
    expect_exit1(a5, "usage: tilesim workload show");
    const char *a6[] = {"workload", "show", "bert-base", "--var", "X=1", NULL};
    expect_exit1(a6, "--var applies to Timeloop problems");
    const char *a7[] = {"workload", "show", "no/such/file.yaml", NULL};
    expect_exit1(a7, "no such file");
}

int main(int argc, char **argv)
{
    bin = g_getenv("TILESIM_BIN");
    tmp_dir = g_dir_make_tmp("tilesim-wlcli-XXXXXX", NULL);
    g_setenv("TILESIM_WORKLOAD_PATH", "", TRUE);
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("workload_cli", NULL, NULL);
    CU_add_test(s, "show_text_and_json", test_show_text_and_json);
    CU_add_test(s, "show_overrides_json_stdout", test_show_overrides_json_stdout);
    CU_add_test(s, "show_timeloop_and_decode", test_show_timeloop_and_decode);
    CU_add_test(s, "bad_input", test_bad_input);
    if (bin == NULL)
        ts_test_skip_all("TILESIM_BIN not set (run through ctest)");
    int rc = ts_test_run(argc, argv);
    ts_test_remove_tree(tmp_dir);
    g_free(tmp_dir);
    return rc;
}
