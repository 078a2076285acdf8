/* json-glib, loaded when tilesim first builds, writes or reads a JSON document rather than at
 * process start: json-glib brings GObject, GIO and GIO's chain of libraries, a large share of
 * the start-up of a command that writes no JSON. Every tilesim .c file that calls json-glib
 * includes this header after <json-glib/json-glib.h> or the headers that include it: each
 * json-glib function tilesim calls is then a macro for the entry point of the loaded library,
 * the way OpenGL loaders map gl* names, so the calls read as json-glib's own API and behave
 * identically. A call of another json-glib function fails to link the tilesim binary until it
 * is added to TS_JSON_GLIB_FUNCTIONS. GObject, which only json-glib needs, is loaded with it
 * (g_object_unref is in the table, not a macro). g_autoptr(JsonNode) and g_autoptr(JsonBuilder)
 * would call json-glib and GObject directly: use g_autoptr(TsJsonNode), g_autoptr(TsJsonBuilder)
 * and so on. Programs that link json-glib themselves need not include this. */
#ifndef TS_JSON_GLIB_H
#define TS_JSON_GLIB_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TS_JSON_GLIB_FUNCTIONS(X)                                                              \
    X(json_array_get_length) X(json_array_get_string_element)                                  \
    X(json_builder_add_boolean_value) X(json_builder_add_double_value)                         \
    X(json_builder_add_int_value) X(json_builder_add_null_value)                               \
    X(json_builder_add_string_value) X(json_builder_begin_array) X(json_builder_begin_object)   \
    X(json_builder_end_array) X(json_builder_end_object) X(json_builder_get_root)              \
    X(json_builder_new) X(json_builder_set_member_name) X(json_generator_new)                  \
    X(json_generator_set_indent) X(json_generator_set_pretty) X(json_generator_set_root)       \
    X(json_generator_to_data) X(json_node_get_object) X(json_node_unref)                       \
    X(json_object_get_array_member) X(json_object_get_boolean_member_with_default)             \
    X(json_object_get_object_member) X(json_object_get_string_member)                          \
    X(json_object_get_string_member_with_default) X(json_parser_get_root)                      \
    X(json_parser_load_from_data) X(json_parser_new) X(g_object_unref)

typedef struct {
#define TS_JSON_GLIB_FIELD(f) __typeof__(f) *f;
    TS_JSON_GLIB_FUNCTIONS(TS_JSON_GLIB_FIELD)
#undef TS_JSON_GLIB_FIELD
} TsJsonGlib;

/* The loaded entry points, NULL until the first call of ts_json_glib(). */
extern const TsJsonGlib *ts_json_glib_api;
/* Loads json-glib (TILESIM_JSON_GLIB_SONAME) once, thread-safe; exits with status 1 and a
 * message naming the library when it cannot be loaded (the binary would not have started had it
 * been linked). */
const TsJsonGlib *ts_json_glib_load(void);

static inline const TsJsonGlib *ts_json_glib(void)
{
    const TsJsonGlib *api = g_atomic_pointer_get(&ts_json_glib_api);
    return G_LIKELY(api != NULL) ? api : ts_json_glib_load();
}

/* Owned json-glib values through g_autoptr(TsJsonNode) (and TsJsonBuilder, TsJsonGenerator,
 * TsJsonParser), released through the loaded libraries: json-glib's own g_autoptr(JsonNode)
 * and g_autoptr(JsonBuilder) would link json-glib and GObject into the binary. */
typedef JsonNode TsJsonNode;
typedef JsonBuilder TsJsonBuilder;
typedef JsonGenerator TsJsonGenerator;
typedef JsonParser TsJsonParser;
void ts_json_node_free(TsJsonNode *node);
/* g_object_unref of a json-glib object (a builder, generator or parser); NULL is ignored. */
void ts_json_object_free(gpointer object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsJsonNode, ts_json_node_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsJsonBuilder, ts_json_object_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsJsonGenerator, ts_json_object_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsJsonParser, ts_json_object_free)

#ifndef TS_JSON_GLIB_LOADER /* ts-json-glib.c names json-glib's real functions */
#define json_array_get_length (ts_json_glib()->json_array_get_length)
#define json_array_get_string_element (ts_json_glib()->json_array_get_string_element)
#define json_builder_add_boolean_value (ts_json_glib()->json_builder_add_boolean_value)
#define json_builder_add_double_value (ts_json_glib()->json_builder_add_double_value)
#define json_builder_add_int_value (ts_json_glib()->json_builder_add_int_value)
#define json_builder_add_null_value (ts_json_glib()->json_builder_add_null_value)
#define json_builder_add_string_value (ts_json_glib()->json_builder_add_string_value)
#define json_builder_begin_array (ts_json_glib()->json_builder_begin_array)
#define json_builder_begin_object (ts_json_glib()->json_builder_begin_object)
#define json_builder_end_array (ts_json_glib()->json_builder_end_array)
#define json_builder_end_object (ts_json_glib()->json_builder_end_object)
#define json_builder_get_root (ts_json_glib()->json_builder_get_root)
#define json_builder_new (ts_json_glib()->json_builder_new)
#define json_builder_set_member_name (ts_json_glib()->json_builder_set_member_name)
#define json_generator_new (ts_json_glib()->json_generator_new)
#define json_generator_set_indent (ts_json_glib()->json_generator_set_indent)
#define json_generator_set_pretty (ts_json_glib()->json_generator_set_pretty)
#define json_generator_set_root (ts_json_glib()->json_generator_set_root)
#define json_generator_to_data (ts_json_glib()->json_generator_to_data)
#define json_node_get_object (ts_json_glib()->json_node_get_object)
#define json_node_unref (ts_json_glib()->json_node_unref)
#define json_object_get_array_member (ts_json_glib()->json_object_get_array_member)
#define json_object_get_boolean_member_with_default                                            \
    (ts_json_glib()->json_object_get_boolean_member_with_default)
#define json_object_get_object_member (ts_json_glib()->json_object_get_object_member)
#define json_object_get_string_member (ts_json_glib()->json_object_get_string_member)
#define json_object_get_string_member_with_default                                             \
    (ts_json_glib()->json_object_get_string_member_with_default)
#define json_parser_get_root (ts_json_glib()->json_parser_get_root)
#define json_parser_load_from_data (ts_json_glib()->json_parser_load_from_data)
#define json_parser_new (ts_json_glib()->json_parser_new)
#endif

G_END_DECLS

#endif /* TS_JSON_GLIB_H */
