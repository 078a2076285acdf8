/* Small JSON builder helpers shared by the reports: one member of each value kind, with the
 * conventions every report follows (absent strings and non-finite numbers are null, counts
 * above 2^63 - 1 are written as doubles rather than wrapping negative). */
#ifndef TS_REPORT_JSON_H
#define TS_REPORT_JSON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

#include "ts-json-text.h" /* ts_json_repair_numbers */

G_BEGIN_DECLS

/* "name": value, or null when value is NULL. */
void ts_json_member_string(JsonBuilder *b, const char *name, const char *value);
/* "name": value, or null when value is NaN or infinite. */
void ts_json_member_double(JsonBuilder *b, const char *name, double value);
/* "name": value (signed). */
void ts_json_member_int(JsonBuilder *b, const char *name, gint64 value);
/* "name": value (a count; above 2^63 - 1 written as a double). */
void ts_json_member_count(JsonBuilder *b, const char *name, uint64_t value);

/* The document b built, pretty-printed with a 2-space indent (newly allocated). */
char *ts_json_builder_to_string(JsonBuilder *b);
/* The same with a final newline: the text a report's --json file holds (newly allocated). */
char *ts_json_builder_to_document(JsonBuilder *b);

/* Writes `root` pretty-printed with a final newline to `path` through the output writer of
 * common/ts-file.h ('-' = stdout; regular files replaced atomically, anything else written in
 * place). FALSE with a GFileError naming "--json PATH" when it cannot be written. */
gboolean ts_json_write_file(JsonNode *root, const char *path, GError **error);

/* Adds the members a run's JSON object starts with (DESIGN.md section 9): "tool" ("tilesim"),
 * "version", "engine", "arch" and "workload" (null when NULL). */
void ts_report_run_json(JsonBuilder *b, const char *engine, const char *arch, const char *workload);

G_END_DECLS

#endif /* TS_REPORT_JSON_H */
