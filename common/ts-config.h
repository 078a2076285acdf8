/* Configuration input shared by every loader: a YAML document parsed into an immutable tree
 * whose nodes carry file:line:col, bounded against alias bombs, deep nesting, huge files and
 * non-UTF-8 text; the TS_CONFIG_ERROR domain; and schema tables that validate a mapping node
 * (unknown keys with did-you-mean, types, units, ranges, required keys) into a C struct.
 * Only ts-config.c includes <yaml.h>. */
#ifndef TS_COMMON_CONFIG_H
#define TS_COMMON_CONFIG_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "ts-units.h"

G_BEGIN_DECLS

#define TS_CONFIG_ERROR (ts_config_error_quark())
GQuark ts_config_error_quark(void);

typedef enum {
    TS_CONFIG_ERROR_IO,          /* file missing, unreadable */
    TS_CONFIG_ERROR_LIMIT,       /* file too large, nesting too deep, alias expansion too big */
    TS_CONFIG_ERROR_ENCODING,    /* not UTF-8 */
    TS_CONFIG_ERROR_SYNTAX,      /* YAML syntax error */
    TS_CONFIG_ERROR_UNKNOWN_KEY, /* key not in the schema */
    TS_CONFIG_ERROR_MISSING,     /* required key absent */
    TS_CONFIG_ERROR_TYPE,        /* wrong node kind or unparsable scalar */
    TS_CONFIG_ERROR_UNIT,        /* bad or incompatible unit */
    TS_CONFIG_ERROR_RANGE,       /* value outside [min, max], zero/negative size, overflow */
    TS_CONFIG_ERROR_DUPLICATE,   /* duplicate key or name */
    TS_CONFIG_ERROR_REFERENCE,   /* unknown name: preset, class, level, dimension, tensor ... */
    TS_CONFIG_ERROR_INVALID,     /* semantically inconsistent (fan-out does not divide, ...) */
} TsConfigError;

/* ---- Document tree ---------------------------------------------------------------------- */

typedef enum { TS_NODE_SCALAR, TS_NODE_MAPPING, TS_NODE_SEQUENCE } TsNodeKind;

typedef struct TsDoc TsDoc;
typedef struct TsNode TsNode;

struct TsNode {
    TsNodeKind kind;
    const char *tag;      /* explicit tag such as "!Component", or NULL */
    const char *value;    /* scalar text (NUL-terminated); NULL for collections */
    gboolean plain;       /* scalar was unquoted (so "null", "~", "" mean null) */
    guint line, col;      /* 1-based position of the node in its file */
    guint n;              /* sequence items or mapping pairs */
    const TsNode **items; /* sequence: n items; mapping: keys at [2i], values at [2i+1] */
    const TsDoc *doc;     /* owning document (file name for messages) */
};

/* Bounds applied while parsing; zero fields take the defaults below. */
typedef struct {
    gsize max_file_bytes; /* default 16 MiB */
    guint max_depth;      /* default 64 nested collections */
    guint max_nodes;      /* default 4,000,000 nodes after alias expansion */
} TsDocLimits;

struct TsDoc {
    char *filename;     /* as given, used in messages */
    const TsNode *root; /* NULL for an empty document */
};

/* Parses a YAML file holding one document (a second `---` document is a SYNTAX error, never
 * ignored), read through ts_file_read under max_file_bytes. Returns an owned TsDoc or NULL with
 * TS_CONFIG_ERROR set (IO, LIMIT, ENCODING, SYNTAX, DUPLICATE for repeated mapping keys).
 * limits may be NULL. Aliases are expanded (shared, not copied) and counted against
 * max_nodes; merge keys ("<<") are honoured. */
TsDoc *ts_doc_load_file(const char *path, const TsDocLimits *limits, GError **error);

/* As ts_doc_load_file on an in-memory buffer; name is used in messages. */
TsDoc *ts_doc_load_string(const char *name, const char *text, gssize len, const TsDocLimits *limits,
                          GError **error);

void ts_doc_free(TsDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsDoc, ts_doc_free)

/* Mapping lookup: the value node for key, or NULL. Linear in the mapping size: a loader that
 * looks up every key of a large user mapping indexes it in a hash table instead. */
const TsNode *ts_node_get(const TsNode *map, const char *key);
/* Key (string) and value of pair i of a mapping. */
const char *ts_node_key(const TsNode *map, guint i);
const TsNode *ts_node_key_node(const TsNode *map, guint i);
const TsNode *ts_node_value(const TsNode *map, guint i);
/* "a scalar", "a mapping" or "a list", for messages. */
const char *ts_node_kind_name(TsNodeKind kind);
/* TRUE for a plain null scalar ("", "~", "null", "Null", "NULL"). */
gboolean ts_node_is_null(const TsNode *node);

/* ---- Key paths and edited documents (ts-doc-edit.c) ----------------------------------------
 * A key path names a node from a root: KEY ('.' KEY | '[' INDEX ']' | '[' NAME ']')*, e.g.
 * "architecture.levels[GlobalBuffer].attributes.depth" or "subtree[0].local[2]". [INDEX] is a
 * 0-based sequence index; [NAME] selects the sequence item (a mapping) whose `name` is NAME,
 * where a Timeloop name such as "PE[0..255]" also answers to "PE". */

/* The node at path under node, or NULL with TS_CONFIG_ERROR_REFERENCE (a key, name or index
 * that selects nothing: the message names the longest prefix that resolves and the keys or
 * names found there, with a did-you-mean) or TS_CONFIG_ERROR_TYPE (the path steps into a
 * scalar, or is malformed). Positions are those of the node where the walk stopped. */
const TsNode *ts_node_find_path(const TsNode *node, const char *path, GError **error);

/* An empty document named filename, for building trees with the functions below. */
TsDoc *ts_doc_new(const char *filename);

/* A document whose root is base's root and which shares every node with base until an edit
 * replaces the path to it (copy on write): base is never changed and must outlive the result.
 * Named as base, so messages about unchanged nodes name base's file. */
TsDoc *ts_doc_derive(const TsDoc *base);

/* Sets doc's root (a node of doc or of a document that outlives doc). */
void ts_doc_set_root(TsDoc *doc, const TsNode *root);

/* A plain scalar owned by doc holding text, at the file, line and column of where (NULL: doc's
 * file, line 0), so messages about it point at where the value came from. */
const TsNode *ts_doc_new_scalar(TsDoc *doc, const char *text, const TsNode *where);

/* A mapping owned by doc with the n keys and values given (values borrowed: their documents
 * must outlive doc), positioned at where (may be NULL). */
const TsNode *ts_doc_new_mapping(TsDoc *doc, const char *const *keys, const TsNode *const *values,
                                 guint n, const TsNode *where);

/* Sets the node at path (from doc's root) to value (borrowed: its document must outlive doc).
 * The collections on the path are copied into doc; an absent last key is added, and so are
 * absent keys of mappings before it (as new mappings positioned at value). Errors as for
 * ts_node_find_path, plus TS_CONFIG_ERROR_REFERENCE when a [NAME] or [INDEX] step would have to
 * create a sequence item. */
gboolean ts_doc_set_path(TsDoc *doc, const char *path, const TsNode *value, GError **error);
/* As ts_doc_set_path, with the keys and mappings it adds positioned at key_where (NULL: at
 * value), e.g. the key path's own line, so a message about an added key points there. */
gboolean ts_doc_set_path_at(TsDoc *doc, const char *path, const TsNode *value,
                            const TsNode *key_where, GError **error);

/* Replaces scalar values (not mapping keys) of the subtree at node: map returns a newly
 * allocated replacement text, NULL with *error unset to keep the scalar, or NULL with *error
 * set to fail. Replaced scalars keep their position; collections with no replacement below
 * them are shared, the others copied into doc. Returns the (possibly new) subtree, or NULL with
 * error. */
typedef char *(*TsScalarMapFn)(const TsNode *scalar, gpointer data, GError **error);
const TsNode *ts_doc_map_scalars(TsDoc *doc, const TsNode *node, TsScalarMapFn map, gpointer data,
                                 GError **error);

/* ---- Errors ----------------------------------------------------------------------------- */

/* Sets error as "FILE:LINE:COL: PATH: MESSAGE". node may be NULL (no position), path may be
 * NULL or "" (omitted). */
void ts_config_error(GError **error, const TsNode *node, TsConfigError code, const char *path,
                     const char *fmt, ...) G_GNUC_PRINTF(5, 6);

/* "did you mean 'x'?" suffix (newly allocated, "" when nothing is close) for name among the
 * NULL-terminated candidates, by edit distance. */
char *ts_config_suggest(const char *name, const char *const *candidates);

/* Key path helpers: "levels[3]" and "levels[3].attributes" (newly allocated). */
char *ts_path_index(const char *path, guint index);
char *ts_path_key(const char *path, const char *key);

/* ---- Scalars ---------------------------------------------------------------------------- */

/* Scalar readers: node must be a scalar of the right form, else TS_CONFIG_ERROR_TYPE naming
 * path and the offending text. Integers accept arithmetic expressions (see ts_expr_eval). */
gboolean ts_node_string(const TsNode *node, const char *path, const char **out, GError **error);
gboolean ts_node_bool(const TsNode *node, const char *path, gboolean *out, GError **error);
gboolean ts_node_int(const TsNode *node, const char *path, gint64 *out, GError **error);
gboolean ts_node_uint(const TsNode *node, const char *path, guint64 *out, GError **error);
gboolean ts_node_double(const TsNode *node, const char *path, double *out, GError **error);
/* A number with an optional unit of the given kind ("200MHz", "10 ns", "25.6GB/s"), returned
 * in the kind's base unit (see ts-units.h). A bare number takes the kind's base unit, except
 * that a non-zero bare number of a kind where it is ambiguous (ts_unit_needs_suffix():
 * frequency, time, bandwidth, size) is a TS_CONFIG_ERROR_UNIT "missing unit" error. */
gboolean ts_node_quantity(const TsNode *node, const char *path, TsUnitKind kind, double *out,
                          GError **error);

/* Arithmetic on scalars as found in Timeloop inputs ("262144*2", "24*2**20",
 * "(SP_SIZE*8)//(IN_BITWIDTH*DIM)", "max(32, width)"): Python syntax and precedence over
 * decimals, + - * / // % **, parentheses, min max ceil floor log2 round int abs, with names
 * resolved by lookup (may be NULL). Returns FALSE with error set (code REFERENCE for an
 * unknown name, TYPE otherwise; no position: callers wrap it). ts-expr.c. */
typedef gboolean (*TsExprLookup)(const char *name, double *value, gpointer user_data);
gboolean ts_expr_eval(const char *text, TsExprLookup lookup, gpointer user_data, double *out,
                      GError **error);

/* ---- Schema tables ---------------------------------------------------------------------- */

typedef enum {
    TS_FIELD_INT,      /* gint64 at offset */
    TS_FIELD_UINT,     /* guint64 at offset */
    TS_FIELD_DOUBLE,   /* double at offset */
    TS_FIELD_QUANTITY, /* double at offset, in the base unit of .unit */
    TS_FIELD_BOOL,     /* gboolean at offset */
    TS_FIELD_STRING,   /* const char * at offset, borrowed from the document */
    TS_FIELD_ENUM,     /* int at offset: index into .choices */
    TS_FIELD_NODE,     /* const TsNode * at offset: validated by the caller */
} TsFieldType;

/* One key of a YAML mapping. Ranges are inclusive and in the base unit; min_exclusive makes
 * the lower bound strict (sizes must be > 0). Tables end with a {NULL} entry. */
typedef struct {
    const char *key;
    TsFieldType type;
    TsUnitKind unit;
    gboolean required;
    const char *default_text; /* parsed like YAML input when the key is absent; NULL = none */
    double min, max;          /* ignored when min == max == 0 */
    gboolean min_exclusive;
    const char *const *choices; /* TS_FIELD_ENUM: NULL-terminated names */
    size_t offset;              /* offsetof(struct, member) */
    const char *doc;            /* one line for docs and `tilesim list components` */
} TsField;

/* Validates map (a mapping node, or NULL meaning empty) against fields and stores each value
 * at out + offset; set_mask (may be NULL) gets bit i for field i present in the input (up to
 * 64 fields). Unknown keys are errors with a did-you-mean unless allow_unknown. Errors name
 * file:line:col and path.key. */
gboolean ts_schema_apply(const TsField *fields, const TsNode *map, const char *path, void *out,
                         guint64 *set_mask, gboolean allow_unknown, GError **error);

/* Checks that every key of map is one of the NULL-terminated keys (did-you-mean otherwise). */
gboolean ts_schema_check_keys(const TsNode *map, const char *path, const char *const *keys,
                              GError **error);

/* Human text of a field's type and unit, e.g. "quantity (Hz)", for docs and listings. */
const char *ts_field_type_name(const TsField *field);

G_END_DECLS

#endif /* TS_COMMON_CONFIG_H */
