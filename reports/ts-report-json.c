/* JSON member helpers shared by the reports (see ts-report-json.h). */
#include "ts-report-json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ts-file.h"
#include "ts-json-glib.h"

void ts_json_member_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    if (value != NULL)
        json_builder_add_string_value(b, value);
    else
        json_builder_add_null_value(b);
}

void ts_json_member_double(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    if (isfinite(value))
        json_builder_add_double_value(b, value);
    else
        json_builder_add_null_value(b);
}

void ts_json_member_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

void ts_json_member_count(JsonBuilder *b, const char *name, uint64_t value)
{
    json_builder_set_member_name(b, name);
    if (value > (uint64_t)G_MAXINT64)
        json_builder_add_double_value(b, (double)value);
    else
        json_builder_add_int_value(b, (gint64)value);
}

char *ts_json_builder_to_string(JsonBuilder *b)
{
    g_autoptr(TsJsonNode) root = json_builder_get_root(b);
    g_autoptr(TsJsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_indent(gen, 2);
    json_generator_set_root(gen, root);
    return ts_json_repair_numbers(json_generator_to_data(gen, NULL));
}

char *ts_json_builder_to_document(JsonBuilder *b)
{
    g_autofree char *text = ts_json_builder_to_string(b);
    return g_strconcat(text, "\n", NULL);
}

gboolean ts_json_write_file(JsonNode *root, const char *path, GError **error)
{
    g_return_val_if_fail(root != NULL && path != NULL, FALSE);
    g_autoptr(TsJsonGenerator) gen = json_generator_new();
    json_generator_set_pretty(gen, TRUE);
    json_generator_set_root(gen, root);
    g_autofree char *text = ts_json_repair_numbers(json_generator_to_data(gen, NULL));
    g_autofree char *with_nl = g_strconcat(text, "\n", NULL);
    return ts_output_write("--json", path, with_nl, -1, error);
}

void ts_report_run_json(JsonBuilder *b, const char *engine, const char *arch, const char *workload)
{
    ts_json_member_string(b, "tool", "tilesim");
    ts_json_member_string(b, "version", TILESIM_VERSION);
    ts_json_member_string(b, "engine", engine);
    ts_json_member_string(b, "arch", arch);
    ts_json_member_string(b, "workload", workload);
}
