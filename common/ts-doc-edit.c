/* Key paths into YAML node trees and copy-on-write edits of documents: a derived document
 * shares its base's nodes and copies only the collections on the path to an edited value, so
 * a design-space sweep can vary a few keys of an architecture per point without re-reading or
 * copying the file, and every unchanged node keeps its file:line:col for messages. */
#include "ts-config.h"

#include <string.h>

#include "ts-config-private.h"

/* ---- Path parsing ----------------------------------------------------------------------- */

typedef enum { STEP_KEY, STEP_INDEX, STEP_NAME } StepKind;

typedef struct {
    StepKind kind;
    char *text; /* key or name */
    guint index;
    gsize end; /* offset in the path just after this step (for prefixes in messages) */
} Step;

static void steps_free(GArray *steps)
{
    for (guint i = 0; i < steps->len; i++)
        g_free(g_array_index(steps, Step, i).text);
    g_array_free(steps, TRUE);
}

static GArray *parse_path(const char *path, GError **error)
{
    GArray *steps = g_array_new(FALSE, TRUE, sizeof(Step));
    gsize i = 0, len = strlen(path);
    gboolean want_key = TRUE; /* a key is expected at the start and after '.' */
    while (i < len || want_key) {
        Step st = {0};
        if (want_key) {
            gsize j = i;
            while (j < len && path[j] != '.' && path[j] != '[')
                j++;
            if (j == i)
                goto bad;
            st.kind = STEP_KEY;
            st.text = g_strndup(path + i, j - i);
            i = j;
        } else if (path[i] == '.') {
            i++;
            want_key = TRUE;
            continue;
        } else if (path[i] == '[') {
            const char *close = strchr(path + i + 1, ']');
            if (close == NULL || close == path + i + 1)
                goto bad;
            gsize j = (gsize)(close - path);
            st.text = g_strndup(path + i + 1, j - i - 1);
            char *end = NULL;
            guint64 v = g_ascii_strtoull(st.text, &end, 10);
            if (g_ascii_isdigit(st.text[0]) && *end == '\0' && v < G_MAXUINT) {
                st.kind = STEP_INDEX;
                st.index = (guint)v;
            } else {
                st.kind = STEP_NAME;
            }
            i = j + 1;
        } else {
            goto bad;
        }
        st.end = i;
        want_key = FALSE;
        g_array_append_val(steps, st);
    }
    return steps;
bad:
    steps_free(steps);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                "malformed key path '%s' (expected KEY, .KEY, [INDEX] or [NAME] steps, e.g. "
                "levels[GlobalBuffer].attributes.depth)",
                path);
    return NULL;
}

/* ---- Resolution ------------------------------------------------------------------------- */

/* The `name` of a sequence item, or NULL. */
static const char *item_name(const TsNode *item)
{
    const TsNode *n = item->kind == TS_NODE_MAPPING ? ts_node_get(item, "name") : NULL;
    return n != NULL && n->kind == TS_NODE_SCALAR ? n->value : NULL;
}

static gboolean name_matches(const char *have, const char *want)
{
    if (strcmp(have, want) == 0)
        return TRUE;
    gsize n = strlen(want);
    return strncmp(have, want, n) == 0 && have[n] == '[';
}

/* What a step can select in node, for messages: "keys a, b" or "items named a, b". */
static char *choices_text(const TsNode *node, const char **names, guint n_max)
{
    GString *s = g_string_new(NULL);
    guint n = 0;
    for (guint i = 0; i < node->n && n < n_max; i++) {
        const char *x =
            node->kind == TS_NODE_MAPPING ? ts_node_key(node, i) : item_name(node->items[i]);
        if (x == NULL)
            continue;
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", x);
        names[n++] = x;
    }
    names[n] = NULL;
    return g_string_free(s, FALSE);
}

/* Index of the item or pair selected by step in node, or -1 with error. prefix names the path
 * up to node. */
static int select_step(const TsNode *node, const Step *st, const char *prefix, GError **error)
{
    const char *where = prefix[0] ? prefix : "the document root";
    if (st->kind == STEP_KEY) {
        if (node->kind != TS_NODE_MAPPING) {
            ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, NULL,
                            "%s is %s, not a mapping with key '%s'", where,
                            ts_node_kind_name(node->kind), st->text);
            return -1;
        }
        for (guint i = 0; i < node->n; i++)
            if (strcmp(ts_node_key(node, i), st->text) == 0)
                return (int)i;
        return -2; /* absent key: the caller decides */
    }
    if (node->kind != TS_NODE_SEQUENCE) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, NULL,
                        "%s is %s, not a list to index with [%s]", where,
                        ts_node_kind_name(node->kind), st->text);
        return -1;
    }
    if (st->kind == STEP_INDEX) {
        if (st->index < node->n)
            return (int)st->index;
        ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, NULL,
                        "%s has %u item%s: no index %u", where, node->n, node->n == 1 ? "" : "s",
                        st->index);
        return -1;
    }
    int found = -1;
    for (guint i = 0; i < node->n; i++) {
        const char *name = item_name(node->items[i]);
        if (name != NULL && name_matches(name, st->text)) {
            if (found >= 0) {
                ts_config_error(error, node->items[i], TS_CONFIG_ERROR_DUPLICATE, NULL,
                                "%s has two items named '%s': select one with [INDEX]", where,
                                st->text);
                return -1;
            }
            found = (int)i;
        }
    }
    if (found >= 0)
        return found;
    const char **names = g_new0(const char *, node->n + 1);
    g_autofree char *list = choices_text(node, names, node->n);
    g_autofree char *hint = ts_config_suggest(st->text, names);
    g_free(names);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, NULL,
                    "%s has no item named '%s'%s; its items: %s", where, st->text, hint,
                    list[0] ? list : "(none named)");
    return -1;
}

static void absent_key_error(const TsNode *node, const Step *st, const char *prefix, GError **error)
{
    const char **names = g_new0(const char *, node->n + 1);
    g_autofree char *list = choices_text(node, names, node->n);
    g_autofree char *hint = ts_config_suggest(st->text, names);
    g_free(names);
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, NULL,
                    "%s has no key '%s'%s; its keys: %s", prefix[0] ? prefix : "the document root",
                    st->text, hint, list[0] ? list : "(none)");
}

const TsNode *ts_node_find_path(const TsNode *node, const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    GArray *steps = parse_path(path, error);
    if (steps == NULL)
        return NULL;
    if (node == NULL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE, "%s: the document is empty",
                    path);
        steps_free(steps);
        return NULL;
    }
    g_autofree char *prefix = g_strdup("");
    for (guint i = 0; i < steps->len && node != NULL; i++) {
        const Step *st = &g_array_index(steps, Step, i);
        int k = select_step(node, st, prefix, error);
        if (k == -2)
            absent_key_error(node, st, prefix, error);
        if (k < 0) {
            node = NULL;
            break;
        }
        node = st->kind == STEP_KEY ? ts_node_value(node, (guint)k) : node->items[k];
        g_free(prefix);
        prefix = g_strndup(path, st->end);
    }
    steps_free(steps);
    return node;
}

/* ---- Building and editing ---------------------------------------------------------------- */

TsDoc *ts_doc_new(const char *filename)
{
    g_return_val_if_fail(filename != NULL, NULL);
    return &ts_doc_impl_new(filename)->pub;
}

TsDoc *ts_doc_derive(const TsDoc *base)
{
    g_return_val_if_fail(base != NULL, NULL);
    TsDoc *doc = ts_doc_new(base->filename);
    doc->root = base->root;
    return doc;
}

void ts_doc_set_root(TsDoc *doc, const TsNode *root)
{
    g_return_if_fail(doc != NULL);
    doc->root = root;
}

static TsNode *new_node(TsDoc *doc, TsNodeKind kind, const TsNode *where)
{
    TsNode *n = ts_doc_alloc((TsDocImpl *)doc, sizeof *n);
    n->kind = kind;
    n->plain = TRUE;
    if (where != NULL) {
        n->line = where->line;
        n->col = where->col;
        n->doc = where->doc;
    } else {
        n->doc = doc;
    }
    return n;
}

const TsNode *ts_doc_new_scalar(TsDoc *doc, const char *text, const TsNode *where)
{
    g_return_val_if_fail(doc != NULL && text != NULL, NULL);
    TsNode *n = new_node(doc, TS_NODE_SCALAR, where);
    n->value = g_string_chunk_insert(((TsDocImpl *)doc)->strings, text);
    return n;
}

const TsNode *ts_doc_new_mapping(TsDoc *doc, const char *const *keys, const TsNode *const *values,
                                 guint n, const TsNode *where)
{
    g_return_val_if_fail(doc != NULL && (n == 0 || (keys != NULL && values != NULL)), NULL);
    TsNode *m = new_node(doc, TS_NODE_MAPPING, where);
    const TsNode **items = ts_doc_alloc((TsDocImpl *)doc, sizeof(TsNode *) * MAX(2 * n, 1u));
    for (guint i = 0; i < n; i++) {
        items[2 * i] = ts_doc_new_scalar(doc, keys[i], where);
        items[2 * i + 1] = values[i];
    }
    m->n = n;
    m->items = items;
    return m;
}

/* A copy of collection node in doc, with room for one more pair (mapping) or item. */
static TsNode *copy_collection(TsDoc *doc, const TsNode *node)
{
    TsNode *c = ts_doc_alloc((TsDocImpl *)doc, sizeof *c);
    *c = *node;
    guint slots = node->kind == TS_NODE_MAPPING ? 2 * (node->n + 1) : node->n + 1;
    const TsNode **items = ts_doc_alloc((TsDocImpl *)doc, sizeof(TsNode *) * slots);
    guint used = node->kind == TS_NODE_MAPPING ? 2 * node->n : node->n;
    if (used > 0)
        memcpy(items, node->items, sizeof(TsNode *) * used);
    c->items = items;
    return c;
}

/* Returns node (or NULL: absent) with the value at steps[i..] set, as a new node of doc. */
static const TsNode *set_steps(TsDoc *doc, const TsNode *node, GArray *steps, guint i,
                               const char *path, const TsNode *value, const TsNode *key_where,
                               GError **error)
{
    if (i == steps->len)
        return value;
    const Step *st = &g_array_index(steps, Step, i);
    g_autofree char *prefix =
        i == 0 ? g_strdup("") : g_strndup(path, g_array_index(steps, Step, i - 1).end);
    if (node == NULL) {
        /* An absent key on the way: a new mapping can be made, a list item cannot. */
        if (st->kind != STEP_KEY) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                        "%s: %s is absent, so [%s] selects nothing", path, prefix, st->text);
            return NULL;
        }
        node = ts_doc_new_mapping(doc, NULL, NULL, 0, key_where);
    }
    int k = select_step(node, st, prefix, error);
    if (k == -1)
        return NULL;
    const TsNode *child = NULL;
    if (k >= 0)
        child = st->kind == STEP_KEY ? ts_node_value(node, (guint)k) : node->items[k];
    const TsNode *new_child = set_steps(doc, child, steps, i + 1, path, value, key_where, error);
    if (new_child == NULL)
        return NULL;
    TsNode *copy = copy_collection(doc, node);
    if (st->kind != STEP_KEY) {
        copy->items[k] = new_child;
    } else if (k >= 0) {
        copy->items[2 * k + 1] = new_child;
    } else {
        copy->items[2 * copy->n] = ts_doc_new_scalar(doc, st->text, key_where);
        copy->items[2 * copy->n + 1] = new_child;
        copy->n++;
    }
    return copy;
}

gboolean ts_doc_set_path(TsDoc *doc, const char *path, const TsNode *value, GError **error)
{
    return ts_doc_set_path_at(doc, path, value, NULL, error);
}

gboolean ts_doc_set_path_at(TsDoc *doc, const char *path, const TsNode *value,
                            const TsNode *key_where, GError **error)
{
    g_return_val_if_fail(doc != NULL && path != NULL && value != NULL, FALSE);
    GArray *steps = parse_path(path, error);
    if (steps == NULL)
        return FALSE;
    const TsNode *root =
        set_steps(doc, doc->root, steps, 0, path, value, key_where ? key_where : value, error);
    steps_free(steps);
    if (root == NULL)
        return FALSE;
    doc->root = root;
    return TRUE;
}

const TsNode *ts_doc_map_scalars(TsDoc *doc, const TsNode *node, TsScalarMapFn map, gpointer data,
                                 GError **error)
{
    g_return_val_if_fail(doc != NULL && node != NULL && map != NULL, NULL);
    if (node->kind == TS_NODE_SCALAR) {
        GError *local = NULL;
        char *text = map(node, data, &local);
        if (local != NULL) {
            g_propagate_error(error, local);
            g_free(text);
            return NULL;
        }
        if (text == NULL)
            return node;
        TsNode *n = ts_doc_alloc((TsDocImpl *)doc, sizeof *n);
        *n = *node;
        n->value = g_string_chunk_insert(((TsDocImpl *)doc)->strings, text);
        g_free(text);
        return n;
    }
    TsNode *copy = NULL;
    gboolean mapping = node->kind == TS_NODE_MAPPING;
    for (guint i = 0; i < node->n; i++) {
        const TsNode *child = mapping ? ts_node_value(node, i) : node->items[i];
        const TsNode *nc = ts_doc_map_scalars(doc, child, map, data, error);
        if (nc == NULL)
            return NULL;
        if (nc == child)
            continue;
        if (copy == NULL)
            copy = copy_collection(doc, node);
        copy->items[mapping ? 2 * i + 1 : i] = nc;
    }
    return copy != NULL ? copy : node;
}
