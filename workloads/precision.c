/* Number formats and precision presets: names <-> TsPrecision (bits + format) and the
 * weights / activations / outputs presets used by the transformer builders and the
 * --precision option. Integer presets store outputs at int32 (partial sums, as Gemmini's
 * accumulator and PIM-DL's int32 accumulators do). */
#include "ts-op.h"

#include <string.h>

#include "workloads-private.h"

typedef struct {
    const char *name;
    uint8_t bits;
    TsNumFormat format;
} TsFormatName;

/* Canonical names first: ts_precision_name returns the first match. */
static const TsFormatName formats[] = {
    {"int1", 1, TS_NUM_INT},
    {"int2", 2, TS_NUM_INT},
    {"int4", 4, TS_NUM_INT},
    {"int8", 8, TS_NUM_INT},
    {"int16", 16, TS_NUM_INT},
    {"int32", 32, TS_NUM_INT},
    {"uint1", 1, TS_NUM_UINT},
    {"uint2", 2, TS_NUM_UINT},
    {"uint4", 4, TS_NUM_UINT},
    {"uint8", 8, TS_NUM_UINT},
    {"uint16", 16, TS_NUM_UINT},
    {"uint32", 32, TS_NUM_UINT},
    {"fp16", 16, TS_NUM_FP},
    {"fp32", 32, TS_NUM_FP},
    {"bf16", 16, TS_NUM_BF16},
    {"fp8_e4m3", 8, TS_NUM_FP8_E4M3},
    {"fp8_e5m2", 8, TS_NUM_FP8_E5M2},
    {"nf4", 4, TS_NUM_NF4},
    /* aliases */
    {"e4m3", 8, TS_NUM_FP8_E4M3},
    {"e5m2", 8, TS_NUM_FP8_E5M2},
    {"float16", 16, TS_NUM_FP},
    {"float32", 32, TS_NUM_FP},
    {"bfloat16", 16, TS_NUM_BF16},
    {"binary", 1, TS_NUM_INT},
};

#define N_FORMATS G_N_ELEMENTS(formats)
#define N_CANONICAL 18

gboolean ts_precision_parse(const char *text, TsPrecision *out, GError **error)
{
    g_return_val_if_fail(text != NULL && out != NULL, FALSE);
    for (guint i = 0; i < N_FORMATS; i++) {
        if (g_ascii_strcasecmp(text, formats[i].name) == 0) {
            out->bits = formats[i].bits;
            out->format = formats[i].format;
            return TRUE;
        }
    }
    const char *names[N_FORMATS + 1];
    for (guint i = 0; i < N_FORMATS; i++)
        names[i] = formats[i].name;
    names[N_FORMATS] = NULL;
    g_autofree char *hint = ts_config_suggest(text, names);
    const char *extra = g_ascii_strcasecmp(text, "fp8") == 0
                            ? " (fp8 is ambiguous: write fp8_e4m3 or fp8_e5m2)"
                            : "";
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown precision '%s'%s%s; expected int1..int32, uint1..uint32, fp16, fp32, "
                "bf16, fp8_e4m3, fp8_e5m2 or nf4 (got '%s')",
                text, hint, extra, text);
    return FALSE;
}

const char *ts_precision_name(TsPrecision precision)
{
    for (guint i = 0; i < N_CANONICAL; i++) {
        if (formats[i].bits == precision.bits && formats[i].format == precision.format)
            return formats[i].name;
    }
    return "invalid";
}

gboolean ts_precision_valid(TsPrecision precision)
{
    return strcmp(ts_precision_name(precision), "invalid") != 0;
}

gboolean ts_precision_from_node(const TsNode *node, const char *path, TsPrecision *out,
                                GError **error)
{
    const char *text;
    if (!ts_node_string(node, path, &text, error))
        return FALSE;
    g_autoptr(GError) local = NULL;
    if (ts_precision_parse(text, out, &local))
        return TRUE;
    ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path, "%s", local->message);
    return FALSE;
}

/* ---- Presets ---- */

#define P(b, f)                                                                                    \
    {                                                                                              \
        (b), TS_NUM_##f                                                                            \
    }

typedef struct {
    const char *name;
    TsPrecisionSet set;
    const char *doc;
} TsPreset;

static const TsPreset presets[] = {
    {"fp32", {P(32, FP), P(32, FP), P(32, FP)}, "IEEE binary32 everywhere"},
    {"fp16", {P(16, FP), P(16, FP), P(16, FP)}, "IEEE binary16 everywhere (default)"},
    {"bf16", {P(16, BF16), P(16, BF16), P(16, BF16)}, "bfloat16 everywhere"},
    {"fp8",
     {P(8, FP8_E4M3), P(8, FP8_E4M3), P(16, BF16)},
     "fp8 e4m3 weights and activations, bf16 outputs"},
    {"int8", {P(8, INT), P(8, INT), P(32, INT)}, "int8 weights and activations, int32 outputs"},
    {"w8a8", {P(8, INT), P(8, INT), P(32, INT)}, "same as int8"},
    {"int4", {P(4, INT), P(4, INT), P(32, INT)}, "int4 weights and activations, int32 outputs"},
    {"w4a4", {P(4, INT), P(4, INT), P(32, INT)}, "same as int4"},
    {"w4a8", {P(4, INT), P(8, INT), P(32, INT)}, "int4 weights, int8 activations, int32 outputs"},
    {"w2a8", {P(2, INT), P(8, INT), P(32, INT)}, "int2 weights, int8 activations, int32 outputs"},
    {"w1a8", {P(1, INT), P(8, INT), P(32, INT)}, "binary weights, int8 activations, int32 outputs"},
    {"w8a16", {P(8, INT), P(16, FP), P(16, FP)}, "int8 weights, fp16 activations and outputs"},
    {"w4a16", {P(4, INT), P(16, FP), P(16, FP)}, "int4 weights, fp16 activations and outputs"},
    {"w2a16", {P(2, INT), P(16, FP), P(16, FP)}, "int2 weights, fp16 activations and outputs"},
    {"nf4",
     {P(4, NF4), P(16, BF16), P(16, BF16)},
     "NormalFloat4 weights (QLoRA), bf16 activations and outputs"},
};

#undef P

gboolean ts_precision_preset(const char *name, TsPrecisionSet *out, GError **error)
{
    g_return_val_if_fail(name != NULL && out != NULL, FALSE);
    for (guint i = 0; i < G_N_ELEMENTS(presets); i++) {
        if (g_ascii_strcasecmp(name, presets[i].name) == 0) {
            *out = presets[i].set;
            return TRUE;
        }
    }
    const char *const *names = ts_precision_preset_names();
    g_autofree char *hint = ts_config_suggest(name, names);
    g_autofree char *list = g_strjoinv(", ", (char **)names);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "unknown precision preset '%s'%s; expected one of %s (got '%s')", name, hint, list,
                name);
    return FALSE;
}

const char *const *ts_precision_preset_names(void)
{
    static const char *names[G_N_ELEMENTS(presets) + 1];
    static gsize init = 0;
    if (g_once_init_enter(&init)) {
        for (guint i = 0; i < G_N_ELEMENTS(presets); i++)
            names[i] = presets[i].name;
        names[G_N_ELEMENTS(presets)] = NULL;
        g_once_init_leave(&init, 1);
    }
    return names;
}

gboolean ts_precision_set_from_node(const TsNode *node, const char *path, TsPrecisionSet *out,
                                    const char **name_out, GError **error)
{
    if (node == NULL)
        return TRUE;
    if (node->kind == TS_NODE_SCALAR) {
        g_autoptr(GError) local = NULL;
        if (!ts_precision_preset(node->value, out, &local)) {
            ts_config_error(error, node, TS_CONFIG_ERROR_REFERENCE, path, "%s", local->message);
            return FALSE;
        }
        if (name_out != NULL) {
            for (guint i = 0; i < G_N_ELEMENTS(presets); i++) {
                if (g_ascii_strcasecmp(node->value, presets[i].name) == 0)
                    *name_out = presets[i].name;
            }
        }
        return TRUE;
    }
    static const char *const keys[] = {"preset", "weights", "activations", "outputs", NULL};
    if (!ts_schema_check_keys(node, path, keys, error))
        return FALSE;
    const TsNode *preset = ts_node_get(node, "preset");
    const char *name = "custom";
    if (preset != NULL) {
        g_autofree char *kp = ts_path_key(path, "preset");
        if (!ts_precision_set_from_node(preset, kp, out, &name, error))
            return FALSE;
        if (preset->kind != TS_NODE_SCALAR) {
            ts_config_error(error, preset, TS_CONFIG_ERROR_TYPE, kp,
                            "expected a preset name, got a collection");
            return FALSE;
        }
    }
    TsPrecision *slots[] = {&out->weights, &out->activations, &out->outputs};
    gboolean custom = FALSE;
    for (guint i = 0; i < 3; i++) {
        const TsNode *v = ts_node_get(node, keys[i + 1]);
        if (v == NULL)
            continue;
        g_autofree char *kp = ts_path_key(path, keys[i + 1]);
        if (!ts_precision_from_node(v, kp, slots[i], error))
            return FALSE;
        custom = TRUE;
    }
    if (name_out != NULL)
        *name_out = custom ? "custom" : name;
    return TRUE;
}
