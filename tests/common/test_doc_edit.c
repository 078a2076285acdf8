/* Unit tests of key paths and copy-on-write document edits (common/ts-doc-edit.c): resolution
 * by key, index and name (Timeloop "PE[0..15]" names too), errors naming the prefix that
 * resolves with a did-you-mean, edits that never change the base document, positions of new
 * values, added keys, and scalar maps that share untouched subtrees. */
#include <string.h>

#include "ts-config.h"
#include "ts-test.h"

static const char *kArch = "architecture:\n"
                           "  name: a\n"
                           "  levels:\n"
                           "    - name: DRAM\n"
                           "      attributes: {word_bits: 16}\n"
                           "    - name: GlobalBuffer\n"
                           "      attributes:\n"
                           "        depth: 1024\n"
                           "        word_bits: 16\n"
                           "    - name: PE[0..15]\n"
                           "      spatial: {meshX: 4}\n"
                           "      levels:\n"
                           "        - {name: RF, attributes: {depth: 16}}\n";

static TsDoc *base_doc(void)
{
    g_autoptr(GError) error = NULL;
    TsDoc *doc = ts_doc_load_string("base.yaml", kArch, -1, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    return doc;
}

static void test_find_path(void)
{
    g_autoptr(TsDoc) doc = base_doc();
    g_autoptr(GError) error = NULL;
    const TsNode *n =
        ts_node_find_path(doc->root, "architecture.levels[GlobalBuffer].attributes.depth", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_STRING_EQUAL(n->value, "1024");
    CU_ASSERT_EQUAL(n->line, 8);
    n = ts_node_find_path(doc->root, "architecture.levels[0].attributes.word_bits", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_STRING_EQUAL(n->value, "16");
    /* a Timeloop name with an instance range answers to its stem */
    n = ts_node_find_path(doc->root, "architecture.levels[PE].levels[RF].attributes.depth", &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_STRING_EQUAL(n->value, "16");

    CU_ASSERT_PTR_NULL(
        ts_node_find_path(doc->root, "architecture.levels[GlobalBufer].depth", &error));
    CU_ASSERT_EQUAL(error->code, TS_CONFIG_ERROR_REFERENCE);
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "did you mean 'GlobalBuffer'?"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "architecture.levels has no item named"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "base.yaml:4:5:")); /* the levels list */
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "its items: DRAM, GlobalBuffer, PE[0..15]"));
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_node_find_path(doc->root, "architecture.levels[7]", &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "has 3 items: no index 7"));
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_node_find_path(doc->root, "architecture.name.x", &error));
    CU_ASSERT_EQUAL(error->code, TS_CONFIG_ERROR_TYPE);
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_node_find_path(doc->root, "architecture..levels", &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "malformed key path"));
    g_clear_error(&error);
    CU_ASSERT_PTR_NULL(ts_node_find_path(doc->root, "architecture.levels[", &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "malformed key path"));
}

static void test_set_path_copy_on_write(void)
{
    g_autoptr(TsDoc) base = base_doc();
    g_autoptr(TsDoc) where = ts_doc_load_string("sweep.yaml", "x: 5\n", -1, NULL, NULL);
    const TsNode *origin = ts_node_get(where->root, "x");
    g_autoptr(TsDoc) doc = ts_doc_derive(base);
    g_autoptr(GError) error = NULL;
    const TsNode *v = ts_doc_new_scalar(doc, "2048", origin);
    CU_ASSERT_TRUE(
        ts_doc_set_path(doc, "architecture.levels[GlobalBuffer].attributes.depth", v, &error));
    /* an absent last key is added, and an absent mapping on the way */
    CU_ASSERT_TRUE(ts_doc_set_path(doc, "architecture.levels[DRAM].attributes.read_bandwidth",
                                   ts_doc_new_scalar(doc, "8", origin), &error));
    CU_ASSERT_TRUE(ts_doc_set_path(doc, "architecture.levels[PE].extra.deep.key",
                                   ts_doc_new_scalar(doc, "1", NULL), &error));
    const TsNode *n =
        ts_node_find_path(doc->root, "architecture.levels[GlobalBuffer].attributes.depth", NULL);
    CU_ASSERT_STRING_EQUAL(n->value, "2048");
    CU_ASSERT_STRING_EQUAL(n->doc->filename, "sweep.yaml"); /* messages point at the origin */
    CU_ASSERT_EQUAL(n->line, 1);
    CU_ASSERT_EQUAL(n->col, 4);
    n = ts_node_find_path(doc->root, "architecture.levels[DRAM].attributes.read_bandwidth", NULL);
    CU_ASSERT_STRING_EQUAL(n->value, "8");
    CU_ASSERT_PTR_NOT_NULL(
        ts_node_find_path(doc->root, "architecture.levels[PE].extra.deep.key", NULL));
    /* untouched siblings are shared, the base is unchanged */
    CU_ASSERT_PTR_EQUAL(ts_node_find_path(doc->root, "architecture.levels[PE].levels", NULL),
                        ts_node_find_path(base->root, "architecture.levels[PE].levels", NULL));
    n = ts_node_find_path(base->root, "architecture.levels[GlobalBuffer].attributes.depth", NULL);
    CU_ASSERT_STRING_EQUAL(n->value, "1024");
    CU_ASSERT_PTR_NULL(
        ts_node_find_path(base->root, "architecture.levels[DRAM].attributes.read_bandwidth", NULL));
    /* other keys of an edited mapping keep their order and values */
    n = ts_node_find_path(doc->root, "architecture.levels[GlobalBuffer].attributes", NULL);
    CU_ASSERT_EQUAL(n->n, 2);
    CU_ASSERT_STRING_EQUAL(ts_node_key(n, 0), "depth");
    CU_ASSERT_STRING_EQUAL(ts_node_key(n, 1), "word_bits");

    /* a list item cannot be created, a scalar cannot be stepped into */
    CU_ASSERT_FALSE(ts_doc_set_path(doc, "architecture.levels[Nope].attributes.depth", v, &error));
    CU_ASSERT_EQUAL(error->code, TS_CONFIG_ERROR_REFERENCE);
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_doc_set_path(doc, "architecture.missing[0]", v, &error));
    CU_ASSERT_PTR_NOT_NULL(strstr(error->message, "selects nothing"));
    g_clear_error(&error);
    CU_ASSERT_FALSE(ts_doc_set_path(doc, "architecture.name.sub", v, &error));
    CU_ASSERT_EQUAL(error->code, TS_CONFIG_ERROR_TYPE);
}

static char *double_numbers(const TsNode *scalar, gpointer data, GError **error)
{
    (void)data;
    if (strcmp(scalar->value, "bad") == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE, "bad scalar");
        return NULL;
    }
    if (strcmp(scalar->value, "16") != 0)
        return NULL;
    return g_strdup("32");
}

static void test_map_scalars(void)
{
    g_autoptr(TsDoc) base = base_doc();
    g_autoptr(TsDoc) doc = ts_doc_new("copy");
    g_autoptr(GError) error = NULL;
    const TsNode *root = ts_doc_map_scalars(doc, base->root, double_numbers, NULL, &error);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    CU_ASSERT_PTR_NOT_EQUAL(root, base->root);
    const TsNode *n =
        ts_node_find_path(root, "architecture.levels[PE].levels[RF].attributes.depth", NULL);
    CU_ASSERT_STRING_EQUAL(n->value, "32");
    CU_ASSERT_EQUAL(n->line, 13); /* positions are kept */
    n = ts_node_find_path(root, "architecture.levels[GlobalBuffer].attributes.depth", NULL);
    CU_ASSERT_STRING_EQUAL(n->value, "1024");
    /* a subtree without replacements is shared */
    CU_ASSERT_PTR_EQUAL(ts_node_find_path(root, "architecture.levels[PE].spatial", NULL),
                        ts_node_find_path(base->root, "architecture.levels[PE].spatial", NULL));
    g_autoptr(TsDoc) bad = ts_doc_load_string("b.yaml", "a: [1, bad]\n", -1, NULL, NULL);
    CU_ASSERT_PTR_NULL(ts_doc_map_scalars(doc, bad->root, double_numbers, NULL, &error));
    CU_ASSERT_STRING_EQUAL(error->message, "bad scalar");
}

static void test_new_mapping(void)
{
    g_autoptr(TsDoc) doc = ts_doc_new("built");
    const char *keys[] = {"a", "b"};
    const TsNode *vals[] = {ts_doc_new_scalar(doc, "1", NULL), ts_doc_new_scalar(doc, "x", NULL)};
    ts_doc_set_root(doc, ts_doc_new_mapping(doc, keys, vals, 2, NULL));
    CU_ASSERT_STRING_EQUAL(ts_node_get(doc->root, "b")->value, "x");
    CU_ASSERT_STRING_EQUAL(ts_node_get(doc->root, "a")->doc->filename, "built");
}

int main(int argc, char **argv)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("doc_edit", NULL, NULL);
    CU_add_test(s, "find_path", test_find_path);
    CU_add_test(s, "set_path_copy_on_write", test_set_path_copy_on_write);
    CU_add_test(s, "map_scalars", test_map_scalars);
    CU_add_test(s, "new_mapping", test_new_mapping);
    return ts_test_run(argc, argv);
}
