/* YAML documents as immutable node trees with 1-based positions, parsed from libyaml events
 * under explicit bounds (file size, nesting depth, nodes after alias expansion), plus the
 * shared machinery every loader uses: positioned errors, did-you-mean, scalar readers and
 * schema tables. The only file in tilesim that includes <yaml.h>. */
#include "ts-config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <yaml.h>

#include "ts-file.h"
#include "ts-config-private.h"

G_DEFINE_QUARK(ts - config - error - quark, ts_config_error)

#define TS_DEFAULT_MAX_FILE_BYTES TS_FILE_MAX_INPUT_BYTES
#define TS_DEFAULT_MAX_DEPTH 64u
#define TS_DEFAULT_MAX_NODES 4000000u

/* ---- Errors and paths ------------------------------------------------------------------- */

void ts_config_error(GError **error, const TsNode *node, TsConfigError code, const char *path,
                     const char *fmt, ...)
{
    if (error == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    GString *s = g_string_new(NULL);
    if (node != NULL && node->doc != NULL)
        g_string_append_printf(s, "%s:%u:%u: ", node->doc->filename, node->line, node->col);
    if (path != NULL && path[0] != '\0')
        g_string_append_printf(s, "%s: ", path);
    g_string_append(s, msg);
    g_set_error_literal(error, TS_CONFIG_ERROR, code, s->str);
    g_string_free(s, TRUE);
}

static guint edit_distance(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return G_MAXUINT;
    guint row[65];
    for (gsize j = 0; j <= lb; j++)
        row[j] = (guint)j;
    for (gsize i = 1; i <= la; i++) {
        guint prev = row[0];
        row[0] = (guint)i;
        for (gsize j = 1; j <= lb; j++) {
            guint cur = row[j];
            guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
            guint best = MIN(row[j] + 1, row[j - 1] + 1);
            row[j] = MIN(best, prev + cost);
            prev = cur;
        }
    }
    return row[lb];
}

char *ts_config_suggest(const char *name, const char *const *candidates)
{
    if (name == NULL || candidates == NULL)
        return g_strdup("");
    const char *best = NULL;
    guint best_d = G_MAXUINT;
    for (guint i = 0; candidates[i]; i++) {
        guint d = edit_distance(name, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    guint limit = MAX(2u, (guint)strlen(name) / 3u);
    if (best == NULL || best_d > limit)
        return g_strdup("");
    return g_strdup_printf(" (did you mean '%s'?)", best);
}

char *ts_path_index(const char *path, guint index)
{
    return g_strdup_printf("%s[%u]", path ? path : "", index);
}

char *ts_path_key(const char *path, const char *key)
{
    if (path == NULL || path[0] == '\0')
        return g_strdup(key);
    return g_strdup_printf("%s.%s", path, key);
}

/* ---- Parsing ---------------------------------------------------------------------------- */

typedef struct {
    TsNode *node;
    GPtrArray *children; /* sequence items, or key, value, key, value ... */
    guint64 weight;      /* nodes in the expanded subtree so far */
    char *anchor;        /* anchor of this collection, or NULL */
} TsFrame;

typedef struct {
    TsDocImpl *doc;
    TsDocLimits limits;
    GHashTable *anchors; /* anchor name -> TsNode*, weights in anchor_weight */
    GHashTable *anchor_weight;
    GArray *stack; /* TsFrame */
    guint64 total_nodes;
    guint documents; /* documents finished so far: a second one is an error */
    GError **error;
} TsParser;

void *ts_doc_alloc(TsDocImpl *doc, gsize size)
{
    void *p = g_malloc0(size);
    g_ptr_array_add(doc->blocks, p);
    return p;
}

TsDocImpl *ts_doc_impl_new(const char *filename)
{
    TsDocImpl *doc = g_new0(TsDocImpl, 1);
    doc->pub.filename = g_strdup(filename);
    doc->strings = g_string_chunk_new(4096);
    doc->blocks = g_ptr_array_new_with_free_func(g_free);
    return doc;
}

static TsNode *new_node(TsParser *ps, TsNodeKind kind, const yaml_mark_t *mark,
                        const yaml_char_t *tag)
{
    TsNode *n = ts_doc_alloc(ps->doc, sizeof *n);
    n->kind = kind;
    n->line = (guint)mark->line + 1; /* libyaml marks are 0-based */
    n->col = (guint)mark->column + 1;
    n->doc = &ps->doc->pub;
    if (tag != NULL)
        n->tag = g_string_chunk_insert(ps->doc->strings, (const char *)tag);
    return n;
}

static gboolean count_nodes(TsParser *ps, guint64 weight, const yaml_mark_t *mark)
{
    ps->total_nodes += weight;
    if (ps->total_nodes > ps->limits.max_nodes) {
        TsNode where = {
            .line = (guint)mark->line + 1, .col = (guint)mark->column + 1, .doc = &ps->doc->pub};
        ts_config_error(ps->error, &where, TS_CONFIG_ERROR_LIMIT, NULL,
                        "document expands to more than %u nodes (alias bomb or runaway file)",
                        ps->limits.max_nodes);
        return FALSE;
    }
    return TRUE;
}

/* Attaches a finished node (with its expanded weight) to the enclosing collection. */
static gboolean attach(TsParser *ps, const TsNode *node, guint64 weight)
{
    if (ps->stack->len == 0) {
        ps->doc->pub.root = node;
        return TRUE;
    }
    TsFrame *top = &g_array_index(ps->stack, TsFrame, ps->stack->len - 1);
    if (top->node->kind == TS_NODE_MAPPING && (top->children->len % 2) == 0) {
        if (node->kind != TS_NODE_SCALAR) {
            ts_config_error(ps->error, node, TS_CONFIG_ERROR_TYPE, NULL,
                            "mapping keys must be plain scalars");
            return FALSE;
        }
    }
    g_ptr_array_add(top->children, (gpointer)node);
    top->weight += weight;
    return TRUE;
}

static const TsNode *pair_key(GPtrArray *children, guint i)
{
    return children->pdata[2 * i];
}

/* Mappings with more pairs than this index their keys in a hash table for the duplicate and
 * merge checks, so a mapping of n keys costs O(n), not O(n^2). */
#define TS_KEY_INDEX_MIN 16u

/* The keys present so far in a mapping being finished: linear search while small. */
typedef struct {
    GPtrArray *out;     /* key, value, key, value ... */
    GHashTable *index;  /* key text -> key node, or NULL while small */
} TsKeySet;

static const TsNode *keyset_find(const TsKeySet *ks, const char *key)
{
    if (ks->index != NULL)
        return g_hash_table_lookup(ks->index, key);
    for (guint j = 0; j < ks->out->len; j += 2) {
        const TsNode *prev = ks->out->pdata[j];
        if (strcmp(prev->value, key) == 0)
            return prev;
    }
    return NULL;
}

static void keyset_add(TsKeySet *ks, const TsNode *k, const TsNode *v)
{
    g_ptr_array_add(ks->out, (gpointer)k);
    g_ptr_array_add(ks->out, (gpointer)v);
    if (ks->index != NULL) {
        g_hash_table_insert(ks->index, (gpointer)k->value, (gpointer)k);
    } else if (ks->out->len / 2 > TS_KEY_INDEX_MIN) {
        ks->index = g_hash_table_new(g_str_hash, g_str_equal);
        for (guint j = 0; j < ks->out->len; j += 2) {
            const TsNode *key = ks->out->pdata[j];
            g_hash_table_insert(ks->index, (gpointer)key->value, (gpointer)key);
        }
    }
}

/* Finishes a mapping: checks duplicate keys and applies merge keys ("<<"). */
static gboolean finish_mapping(TsParser *ps, TsFrame *frame)
{
    GPtrArray *in = frame->children;
    guint pairs = in->len / 2;
    TsKeySet ks = {.out = g_ptr_array_sized_new(in->len)};
    GPtrArray *merged = g_ptr_array_new();
    gboolean ok = TRUE;
    for (guint i = 0; i < pairs && ok; i++) {
        const TsNode *k = pair_key(in, i);
        const TsNode *v = in->pdata[2 * i + 1];
        if (k->plain && strcmp(k->value, "<<") == 0) {
            if (v->kind == TS_NODE_MAPPING) {
                g_ptr_array_add(merged, (gpointer)v);
            } else if (v->kind == TS_NODE_SEQUENCE) {
                for (guint j = 0; j < v->n; j++) {
                    if (v->items[j]->kind != TS_NODE_MAPPING) {
                        ts_config_error(ps->error, v->items[j], TS_CONFIG_ERROR_TYPE, NULL,
                                        "merge key '<<' needs mappings");
                        ok = FALSE;
                        break;
                    }
                    g_ptr_array_add(merged, (gpointer)v->items[j]);
                }
            } else {
                ts_config_error(ps->error, v, TS_CONFIG_ERROR_TYPE, NULL,
                                "merge key '<<' needs a mapping or a list of mappings");
                ok = FALSE;
            }
            continue;
        }
        const TsNode *prev = keyset_find(&ks, k->value);
        if (prev != NULL) {
            ts_config_error(ps->error, k, TS_CONFIG_ERROR_DUPLICATE, NULL,
                            "duplicate key '%s' (first at line %u)", k->value, prev->line);
            ok = FALSE;
            break;
        }
        keyset_add(&ks, k, v);
    }
    /* Merged pairs come after explicit ones and never override them. */
    for (guint m = 0; m < merged->len && ok; m++) {
        const TsNode *src = merged->pdata[m];
        for (guint i = 0; i < src->n; i++) {
            const TsNode *k = src->items[2 * i];
            if (keyset_find(&ks, k->value) == NULL)
                keyset_add(&ks, k, src->items[2 * i + 1]);
        }
    }
    GPtrArray *out = ks.out;
    if (ok) {
        frame->node->n = out->len / 2;
        const TsNode **items = ts_doc_alloc(ps->doc, sizeof(TsNode *) * MAX(out->len, 1u));
        if (out->len > 0) /* pdata is NULL for an empty array */
            memcpy(items, out->pdata, sizeof(TsNode *) * out->len);
        frame->node->items = items;
    }
    g_ptr_array_free(out, TRUE);
    if (ks.index != NULL)
        g_hash_table_destroy(ks.index);
    g_ptr_array_free(merged, TRUE);
    return ok;
}

static gboolean handle_event(TsParser *ps, yaml_event_t *ev, gboolean *done)
{
    switch (ev->type) {
    case YAML_STREAM_START_EVENT:
        return TRUE;
    case YAML_DOCUMENT_START_EVENT:
        if (ps->documents > 0) {
            /* Everything after the first document would be ignored: refuse instead. */
            TsNode where = {.line = (guint)ev->start_mark.line + 1,
                            .col = (guint)ev->start_mark.column + 1,
                            .doc = &ps->doc->pub};
            ts_config_error(ps->error, &where, TS_CONFIG_ERROR_SYNTAX, NULL,
                            "a second YAML document starts here ('---'); a file holds one "
                            "document: split it into one file per document");
            return FALSE;
        }
        return TRUE;
    case YAML_DOCUMENT_END_EVENT:
        ps->documents++;
        return TRUE;
    case YAML_STREAM_END_EVENT:
        *done = TRUE;
        return TRUE;
    case YAML_SCALAR_EVENT: {
        if (!count_nodes(ps, 1, &ev->start_mark))
            return FALSE;
        TsNode *n = new_node(ps, TS_NODE_SCALAR, &ev->start_mark, ev->data.scalar.tag);
        n->value = g_string_chunk_insert_len(ps->doc->strings, (const char *)ev->data.scalar.value,
                                             (gssize)ev->data.scalar.length);
        if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
            ts_config_error(ps->error, n, TS_CONFIG_ERROR_ENCODING, NULL,
                            "scalar contains a NUL character");
            return FALSE;
        }
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (ev->data.scalar.anchor != NULL) {
            g_hash_table_replace(ps->anchors, g_strdup((const char *)ev->data.scalar.anchor), n);
            g_hash_table_replace(ps->anchor_weight, g_strdup((const char *)ev->data.scalar.anchor),
                                 GSIZE_TO_POINTER(1));
        }
        return attach(ps, n, 1);
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        const TsNode *target = g_hash_table_lookup(ps->anchors, name);
        if (target == NULL) {
            TsNode where = {.line = (guint)ev->start_mark.line + 1,
                            .col = (guint)ev->start_mark.column + 1,
                            .doc = &ps->doc->pub};
            ts_config_error(ps->error, &where, TS_CONFIG_ERROR_SYNTAX, NULL, "unknown alias '*%s'",
                            name);
            return FALSE;
        }
        guint64 w = GPOINTER_TO_SIZE(g_hash_table_lookup(ps->anchor_weight, name));
        if (!count_nodes(ps, w, &ev->start_mark))
            return FALSE;
        return attach(ps, target, w);
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (ps->stack->len >= ps->limits.max_depth) {
            TsNode where = {.line = (guint)ev->start_mark.line + 1,
                            .col = (guint)ev->start_mark.column + 1,
                            .doc = &ps->doc->pub};
            ts_config_error(ps->error, &where, TS_CONFIG_ERROR_LIMIT, NULL,
                            "nesting deeper than %u levels", ps->limits.max_depth);
            return FALSE;
        }
        if (!count_nodes(ps, 1, &ev->start_mark))
            return FALSE;
        gboolean seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *tag = seq ? ev->data.sequence_start.tag : ev->data.mapping_start.tag;
        TsNode *n = new_node(ps, seq ? TS_NODE_SEQUENCE : TS_NODE_MAPPING, &ev->start_mark, tag);
        const yaml_char_t *anchor =
            seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        TsFrame frame = {.node = n,
                         .children = g_ptr_array_new(),
                         .weight = 1,
                         .anchor = g_strdup((const char *)anchor)};
        g_array_append_val(ps->stack, frame);
        return TRUE;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        TsFrame frame = g_array_index(ps->stack, TsFrame, ps->stack->len - 1);
        g_array_set_size(ps->stack, ps->stack->len - 1);
        gboolean ok = TRUE;
        if (frame.node->kind == TS_NODE_MAPPING) {
            ok = finish_mapping(ps, &frame);
        } else {
            frame.node->n = frame.children->len;
            const TsNode **items =
                ts_doc_alloc(ps->doc, sizeof(TsNode *) * MAX(frame.children->len, 1u));
            if (frame.children->len > 0)
                memcpy(items, frame.children->pdata, sizeof(TsNode *) * frame.children->len);
            frame.node->items = items;
        }
        g_ptr_array_free(frame.children, TRUE);
        if (!ok) {
            g_free(frame.anchor);
            return FALSE;
        }
        /* An anchor becomes usable when its collection ends (YAML forbids recursive aliases);
         * its expanded weight makes every alias to it count in full. */
        if (frame.anchor != NULL) {
            g_hash_table_replace(ps->anchor_weight, g_strdup(frame.anchor),
                                 GSIZE_TO_POINTER((gsize)MIN(frame.weight, G_MAXSIZE)));
            g_hash_table_replace(ps->anchors, frame.anchor, frame.node);
        }
        return attach(ps, frame.node, frame.weight);
    }
    default:
        return TRUE;
    }
}

/* Position (1-based line, column in characters) of byte offset in text. */
static void offset_position(const char *text, gsize offset, guint *line, guint *col)
{
    *line = 1;
    *col = 1;
    for (gsize i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((guchar)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Offset of the first Jinja2 marker ("{{ ... }}" or "{% ... %}") in text, or -1: a document
 * that fails to parse and holds one is a template (timeloopfe renders such files). */
static gssize template_marker(const char *text, gsize size)
{
    for (gsize i = 0; i + 1 < size; i++) {
        if (text[i] != '{' || (text[i + 1] != '{' && text[i + 1] != '%'))
            continue;
        const char *close = text[i + 1] == '{' ? "}}" : "%}";
        const char *end = g_strstr_len(text + i + 2, (gssize)(size - i - 2), close);
        const char *nl = memchr(text + i + 2, '\n', size - i - 2);
        if (end != NULL && (nl == NULL || end < nl))
            return (gssize)i;
    }
    return -1;
}

TsDoc *ts_doc_load_string(const char *name, const char *text, gssize len, const TsDocLimits *limits,
                          GError **error)
{
    g_return_val_if_fail(name != NULL && text != NULL, NULL);
    gsize size = len < 0 ? strlen(text) : (gsize)len;
    TsDocLimits lim = {TS_DEFAULT_MAX_FILE_BYTES, TS_DEFAULT_MAX_DEPTH, TS_DEFAULT_MAX_NODES};
    if (limits != NULL) {
        if (limits->max_file_bytes)
            lim.max_file_bytes = limits->max_file_bytes;
        if (limits->max_depth)
            lim.max_depth = limits->max_depth;
        if (limits->max_nodes)
            lim.max_nodes = limits->max_nodes;
    }

    TsDocImpl *doc = ts_doc_impl_new(name);
    TsNode file_pos = {.line = 1, .col = 1, .doc = &doc->pub};

    if (size > lim.max_file_bytes) {
        ts_config_error(error, &file_pos, TS_CONFIG_ERROR_LIMIT, NULL,
                        "file is %" G_GSIZE_FORMAT " bytes, over the %" G_GSIZE_FORMAT
                        "-byte limit",
                        size, lim.max_file_bytes);
        ts_doc_free(&doc->pub);
        return NULL;
    }
    const char *bad = NULL;
    if (!g_utf8_validate(text, (gssize)size, &bad)) {
        TsNode where = {.doc = &doc->pub};
        offset_position(text, (gsize)(bad - text), &where.line, &where.col);
        ts_config_error(error, &where, TS_CONFIG_ERROR_ENCODING, NULL,
                        "file is not valid UTF-8 (byte 0x%02x at offset %" G_GSIZE_FORMAT ")",
                        (guchar)*bad, (gsize)(bad - text));
        ts_doc_free(&doc->pub);
        return NULL;
    }

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: cannot initialise YAML parser",
                    name);
        ts_doc_free(&doc->pub);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);

    TsParser ps = {
        .doc = doc,
        .limits = lim,
        .anchors = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .anchor_weight = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .stack = g_array_new(FALSE, FALSE, sizeof(TsFrame)),
        .error = error,
    };
    gboolean ok = TRUE, done = FALSE;
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            TsNode where = {.line = (guint)parser.problem_mark.line + 1,
                            .col = (guint)parser.problem_mark.column + 1,
                            .doc = &doc->pub};
            if (parser.context != NULL)
                ts_config_error(error, &where, TS_CONFIG_ERROR_SYNTAX, NULL,
                                "YAML syntax error: %s %s (line %u)", parser.problem,
                                parser.context, (guint)parser.context_mark.line + 1);
            else
                ts_config_error(error, &where, TS_CONFIG_ERROR_SYNTAX, NULL,
                                "YAML syntax error: %s",
                                parser.problem ? parser.problem : "malformed input");
            ok = FALSE;
            break;
        }
        ok = handle_event(&ps, &ev, &done);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    for (guint i = 0; i < ps.stack->len; i++) {
        g_ptr_array_free(g_array_index(ps.stack, TsFrame, i).children, TRUE);
        g_free(g_array_index(ps.stack, TsFrame, i).anchor);
    }
    g_array_free(ps.stack, TRUE);
    g_hash_table_destroy(ps.anchors);
    g_hash_table_destroy(ps.anchor_weight);
    gssize tpl = ok ? -1 : template_marker(text, size);
    if (tpl >= 0) {
        TsNode where = {.doc = &doc->pub};
        offset_position(text, (gsize)tpl, &where.line, &where.col);
        const char *eol = memchr(text + tpl, '\n', size - (gsize)tpl);
        g_autofree char *snippet =
            g_strndup(text + tpl, MIN((gsize)40, (eol ? (gsize)(eol - text) : size) - (gsize)tpl));
        g_clear_error(error);
        ts_config_error(error, &where, TS_CONFIG_ERROR_SYNTAX, NULL,
                        "this file is a template: render it first (Jinja2 '%s'; the Timeloop "
                        "front end renders such files before loading them)",
                        snippet);
    }
    if (!ok) {
        ts_doc_free(&doc->pub);
        return NULL;
    }
    return &doc->pub;
}

TsDoc *ts_doc_load_file(const char *path, const TsDocLimits *limits, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    gsize max =
        limits && limits->max_file_bytes ? limits->max_file_bytes : TS_DEFAULT_MAX_FILE_BYTES;
    g_autofree char *text = NULL;
    gsize len = 0;
    if (!ts_file_read(path, max, &text, &len, error))
        return NULL;
    return ts_doc_load_string(path, text, (gssize)len, limits, error);
}

void ts_doc_free(TsDoc *doc)
{
    if (doc == NULL)
        return;
    TsDocImpl *impl = (TsDocImpl *)doc;
    g_free(impl->pub.filename);
    g_string_chunk_free(impl->strings);
    g_ptr_array_free(impl->blocks, TRUE);
    g_free(impl);
}

/* ---- Node access ------------------------------------------------------------------------ */

const TsNode *ts_node_get(const TsNode *map, const char *key)
{
    if (map == NULL || map->kind != TS_NODE_MAPPING || key == NULL)
        return NULL;
    for (guint i = 0; i < map->n; i++) {
        if (strcmp(map->items[2 * i]->value, key) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

const char *ts_node_key(const TsNode *map, guint i)
{
    g_return_val_if_fail(map != NULL && map->kind == TS_NODE_MAPPING && i < map->n, NULL);
    return map->items[2 * i]->value;
}

const TsNode *ts_node_key_node(const TsNode *map, guint i)
{
    g_return_val_if_fail(map != NULL && map->kind == TS_NODE_MAPPING && i < map->n, NULL);
    return map->items[2 * i];
}

const TsNode *ts_node_value(const TsNode *map, guint i)
{
    g_return_val_if_fail(map != NULL && map->kind == TS_NODE_MAPPING && i < map->n, NULL);
    return map->items[2 * i + 1];
}

gboolean ts_node_is_null(const TsNode *node)
{
    if (node == NULL)
        return TRUE;
    if (node->kind != TS_NODE_SCALAR || !node->plain)
        return FALSE;
    const char *v = node->value;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

const char *ts_node_kind_name(TsNodeKind kind)
{
    switch (kind) {
    case TS_NODE_SCALAR:
        return "a scalar";
    case TS_NODE_MAPPING:
        return "a mapping";
    case TS_NODE_SEQUENCE:
        return "a list";
    }
    return "?";
}

static gboolean need_scalar(const TsNode *node, const char *path, const char *what, GError **error)
{
    if (node == NULL) {
        ts_config_error(error, NULL, TS_CONFIG_ERROR_MISSING, path, "missing %s", what);
        return FALSE;
    }
    if (node->kind != TS_NODE_SCALAR) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected %s, got %s", what,
                        ts_node_kind_name(node->kind));
        return FALSE;
    }
    return TRUE;
}

gboolean ts_node_string(const TsNode *node, const char *path, const char **out, GError **error)
{
    if (!need_scalar(node, path, "a string", error))
        return FALSE;
    *out = node->value;
    return TRUE;
}

gboolean ts_node_bool(const TsNode *node, const char *path, gboolean *out, GError **error)
{
    if (!need_scalar(node, path, "true or false", error))
        return FALSE;
    static const char *const yes[] = {"true", "yes", "on", "y", NULL};
    static const char *const no[] = {"false", "no", "off", "n", NULL};
    for (guint i = 0; yes[i]; i++) {
        if (g_ascii_strcasecmp(node->value, yes[i]) == 0) {
            *out = TRUE;
            return TRUE;
        }
    }
    for (guint i = 0; no[i]; i++) {
        if (g_ascii_strcasecmp(node->value, no[i]) == 0) {
            *out = FALSE;
            return TRUE;
        }
    }
    ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected true or false (got '%s')",
                    node->value);
    return FALSE;
}

/* Parses a number, or failing that an arithmetic expression without names. */
static gboolean scalar_number(const TsNode *node, const char *path, double *out, GError **error)
{
    if (!need_scalar(node, path, "a number", error))
        return FALSE;
    const char *v = node->value;
    char *end = NULL;
    errno = 0;
    double d = g_ascii_strtod(v, &end);
    if (end != v && *end == '\0' && isfinite(d) && !(v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))) {
        *out = d;
        return TRUE;
    }
    g_autoptr(GError) local = NULL;
    if (ts_expr_eval(v, NULL, NULL, out, &local))
        return TRUE;
    ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a number (got '%s')", v);
    return FALSE;
}

gboolean ts_node_double(const TsNode *node, const char *path, double *out, GError **error)
{
    return scalar_number(node, path, out, error);
}

gboolean ts_node_int(const TsNode *node, const char *path, gint64 *out, GError **error)
{
    double d;
    if (!need_scalar(node, path, "an integer", error))
        return FALSE;
    /* Exact integers first: doubles lose precision above 2^53. */
    char *end = NULL;
    errno = 0;
    gint64 v = g_ascii_strtoll(node->value, &end, 10);
    if (end != node->value && *end == '\0') {
        if (errno == ERANGE) {
            ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                            "integer out of 64-bit range (got %s)", node->value);
            return FALSE;
        }
        *out = v;
        return TRUE;
    }
    if (!scalar_number(node, path, &d, error))
        return FALSE;
    if (d != floor(d)) {
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected an integer (got %s)",
                        node->value);
        return FALSE;
    }
    if (d >= 9.2e18 || d <= -9.2e18) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                        "integer out of 64-bit range (got %s)", node->value);
        return FALSE;
    }
    *out = (gint64)d;
    return TRUE;
}

gboolean ts_node_uint(const TsNode *node, const char *path, guint64 *out, GError **error)
{
    gint64 v;
    if (!need_scalar(node, path, "a non-negative integer", error))
        return FALSE;
    if (node->value[0] != '-') {
        char *end = NULL;
        errno = 0;
        guint64 u = g_ascii_strtoull(node->value, &end, 10);
        if (end != node->value && *end == '\0' && g_ascii_isdigit(node->value[0])) {
            if (errno == ERANGE) {
                ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path,
                                "integer out of 64-bit range (got %s)", node->value);
                return FALSE;
            }
            *out = u;
            return TRUE;
        }
    }
    if (!ts_node_int(node, path, &v, error))
        return FALSE;
    if (v < 0) {
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path, "must be >= 0 (got %s)",
                        node->value);
        return FALSE;
    }
    *out = (guint64)v;
    return TRUE;
}

/* "a frequency", "an energy". */
static const char *article(TsUnitKind kind)
{
    return strchr("aeiou", ts_unit_kind_name(kind)[0]) ? "an" : "a";
}

/* TRUE when text ends in a unit suffix (every suffix of ts-units.c ends in a letter). */
static gboolean ends_with_unit(const char *text)
{
    gsize n = strlen(text);
    while (n > 0 && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    return n > 0 && g_ascii_isalpha(text[n - 1]);
}

gboolean ts_node_quantity(const TsNode *node, const char *path, TsUnitKind kind, double *out,
                          GError **error)
{
    if (!need_scalar(node, path, "a quantity", error))
        return FALSE;
    const char *why = NULL;
    gboolean ok = ts_unit_parse(node->value, kind, out, &why);
    /* A bare arithmetic expression is a number in the base unit. */
    g_autoptr(GError) local = NULL;
    if (!ok && strcmp(why, "not a number") == 0 &&
        ts_expr_eval(node->value, NULL, NULL, out, &local))
        ok = TRUE;
    if (ok && *out != 0 && ts_unit_needs_suffix(kind) && !ends_with_unit(node->value)) {
        /* "clock: 200" (MHz meant, 200 Hz read) or "tCK: 0.83" (ns meant, 0.83 ps read):
         * a number without a unit is ambiguous for these kinds. */
        ts_config_error(error, node, TS_CONFIG_ERROR_UNIT, path,
                        "missing unit: expected %s %s in %s (got '%s')", article(kind),
                        ts_unit_kind_name(kind), ts_unit_accepted(kind), node->value);
        return FALSE;
    }
    if (ok)
        return TRUE;
    if (kind == TS_UNIT_NONE)
        ts_config_error(error, node, TS_CONFIG_ERROR_TYPE, path, "expected a number (got '%s')",
                        node->value);
    else
        ts_config_error(error, node, TS_CONFIG_ERROR_UNIT, path,
                        "%s: expected %s %s in %s (got '%s')", why, article(kind),
                        ts_unit_kind_name(kind), ts_unit_accepted(kind), node->value);
    return FALSE;
}

/* ---- Schema tables ---------------------------------------------------------------------- */

const char *ts_field_type_name(const TsField *field)
{
    static const char *const quantity_names[TS_UNIT_COUNT_] = {
        [TS_UNIT_NONE] = "number",        [TS_UNIT_FREQUENCY] = "frequency (Hz)",
        [TS_UNIT_TIME] = "time (ps)",     [TS_UNIT_BANDWIDTH] = "bandwidth (B/s)",
        [TS_UNIT_ENERGY] = "energy (pJ)", [TS_UNIT_ENERGY_PER_BIT] = "energy per bit (pJ/bit)",
        [TS_UNIT_SIZE] = "size (B)",      [TS_UNIT_POWER] = "power (W)",
        [TS_UNIT_AREA] = "area (um^2)",   [TS_UNIT_LENGTH_NM] = "length (nm)",
    };
    switch (field->type) {
    case TS_FIELD_INT:
        return "integer";
    case TS_FIELD_UINT:
        return "non-negative integer";
    case TS_FIELD_DOUBLE:
        return "number";
    case TS_FIELD_QUANTITY:
        return field->unit < TS_UNIT_COUNT_ ? quantity_names[field->unit] : "quantity";
    case TS_FIELD_BOOL:
        return "boolean";
    case TS_FIELD_STRING:
        return "string";
    case TS_FIELD_ENUM:
        return "one of";
    case TS_FIELD_NODE:
        return "mapping or list";
    }
    return "?";
}

gboolean ts_schema_check_keys(const TsNode *map, const char *path, const char *const *keys,
                              GError **error)
{
    if (map == NULL || ts_node_is_null(map))
        return TRUE;
    if (map->kind != TS_NODE_MAPPING) {
        ts_config_error(error, map, TS_CONFIG_ERROR_TYPE, path, "expected a mapping, got %s",
                        ts_node_kind_name(map->kind));
        return FALSE;
    }
    for (guint i = 0; i < map->n; i++) {
        const char *k = ts_node_key(map, i);
        gboolean known = FALSE;
        for (guint j = 0; keys[j] && !known; j++)
            known = strcmp(k, keys[j]) == 0;
        if (!known) {
            g_autofree char *hint = ts_config_suggest(k, keys);
            g_autofree char *kp = ts_path_key(path, k);
            ts_config_error(error, ts_node_key_node(map, i), TS_CONFIG_ERROR_UNKNOWN_KEY, kp,
                            "unknown key '%s'%s", k, hint);
            return FALSE;
        }
    }
    return TRUE;
}

/* A range bound as text: integers exactly (2^50 = 1125899906842624), others to 15 digits. */
static char *bound_text(double v)
{
    if (v == floor(v) && fabs(v) < 1e17)
        return g_strdup_printf("%.0f", v);
    return g_strdup_printf("%.15g", v);
}

static gboolean check_range(const TsField *f, const TsNode *node, const char *path, double v,
                            GError **error)
{
    if (f->min == 0.0 && f->max == 0.0 && !f->min_exclusive)
        return TRUE;
    const char *unit = f->type == TS_FIELD_QUANTITY ? ts_unit_base_name(f->unit) : "";
    const char *sep = unit[0] ? " " : "";
    const char *got = node ? node->value : f->default_text;
    if (f->min_exclusive ? !(v > f->min) : !(v >= f->min)) {
        g_autofree char *lo = bound_text(f->min);
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path, "must be %s %s%s%s (got %s)",
                        f->min_exclusive ? ">" : ">=", lo, sep, unit, got);
        return FALSE;
    }
    if (f->max > f->min && v > f->max) {
        g_autofree char *hi = bound_text(f->max);
        ts_config_error(error, node, TS_CONFIG_ERROR_RANGE, path, "must be <= %s%s%s (got %s)",
                        hi, sep, unit, got);
        return FALSE;
    }
    return TRUE;
}

/* Parses one field's node (or its default, when node is a synthetic scalar) into out. */
static gboolean apply_field(const TsField *f, const TsNode *node, const char *path, void *out,
                            GError **error)
{
    char *dst = (char *)out + f->offset;
    switch (f->type) {
    case TS_FIELD_INT: {
        gint64 v;
        if (!ts_node_int(node, path, &v, error) || !check_range(f, node, path, (double)v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_UINT: {
        guint64 v;
        gint64 signed_v;
        /* A negative value gets the field's own bound in the message ("must be > 0"). */
        if (node->kind == TS_NODE_SCALAR && node->value[0] == '-' &&
            ts_node_int(node, path, &signed_v, NULL) && signed_v < 0 &&
            !check_range(f, node, path, (double)signed_v, error))
            return FALSE;
        if (!ts_node_uint(node, path, &v, error) || !check_range(f, node, path, (double)v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_DOUBLE: {
        double v;
        if (!ts_node_double(node, path, &v, error) || !check_range(f, node, path, v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_QUANTITY: {
        double v;
        if (!ts_node_quantity(node, path, f->unit, &v, error) ||
            !check_range(f, node, path, v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_BOOL: {
        gboolean v;
        if (!ts_node_bool(node, path, &v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_STRING: {
        const char *v;
        if (!ts_node_string(node, path, &v, error))
            return FALSE;
        memcpy(dst, &v, sizeof v);
        return TRUE;
    }
    case TS_FIELD_ENUM: {
        const char *v;
        if (!ts_node_string(node, path, &v, error))
            return FALSE;
        for (int i = 0; f->choices[i]; i++) {
            if (g_ascii_strcasecmp(v, f->choices[i]) == 0) {
                memcpy(dst, &i, sizeof i);
                return TRUE;
            }
        }
        g_autofree char *hint = ts_config_suggest(v, f->choices);
        g_autofree char *list = g_strjoinv(", ", (char **)f->choices);
        ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path,
                        "unknown value '%s'%s; expected one of %s", v, hint, list);
        return FALSE;
    }
    case TS_FIELD_NODE:
        memcpy(dst, &node, sizeof node);
        return TRUE;
    }
    return FALSE;
}

gboolean ts_schema_apply(const TsField *fields, const TsNode *map, const char *path, void *out,
                         guint64 *set_mask, gboolean allow_unknown, GError **error)
{
    g_return_val_if_fail(fields != NULL && out != NULL, FALSE);
    if (map != NULL && ts_node_is_null(map))
        map = NULL;
    if (map != NULL && map->kind != TS_NODE_MAPPING) {
        ts_config_error(error, map, TS_CONFIG_ERROR_TYPE, path, "expected a mapping, got %s",
                        ts_node_kind_name(map->kind));
        return FALSE;
    }
    guint n_fields = 0;
    while (fields[n_fields].key != NULL)
        n_fields++;
    if (map != NULL && !allow_unknown) {
        const char **keys = g_newa(const char *, n_fields + 1);
        for (guint i = 0; i < n_fields; i++)
            keys[i] = fields[i].key;
        keys[n_fields] = NULL;
        if (!ts_schema_check_keys(map, path, keys, error))
            return FALSE;
    }
    guint64 mask = 0;
    for (guint i = 0; i < n_fields; i++) {
        const TsField *f = &fields[i];
        const TsNode *node = map ? ts_node_get(map, f->key) : NULL;
        g_autofree char *kp = ts_path_key(path, f->key);
        if (node != NULL) {
            if (i < 64)
                mask |= G_GUINT64_CONSTANT(1) << i;
            if (!apply_field(f, node, kp, out, error))
                return FALSE;
        } else if (f->required) {
            ts_config_error(error, map, TS_CONFIG_ERROR_MISSING, path, "missing required key '%s'",
                            f->key);
            return FALSE;
        } else if (f->default_text != NULL && f->type != TS_FIELD_NODE) {
            TsNode def = {.kind = TS_NODE_SCALAR, .value = f->default_text, .plain = TRUE};
            if (!apply_field(f, &def, kp, out, error))
                return FALSE;
        }
    }
    if (set_mask != NULL)
        *set_mask = mask;
    return TRUE;
}
