/* Number formats and precision presets: names <-> TsPrecision (bits + format) and the
 * weights / activations / outputs presets used by the transformer builders and the
 * --precision option. Integer presets store outputs at int32 (partial sums, as Gemmini's
 * accumulator and PIM-DL's int32 accumulators do). */
#include "ts-op.h"

#include <string.h>

#include "ts-workload-private.h"

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

/* ---- Arithmetic energy by precision ------------------------------------------------------ */

/* 45 nm energies per operation (pJ), Horowitz, "Computing's energy problem (and what we can
 * do about it)", ISSCC 2014, Figure 1.1.9 (0.9 V): int8 add 0.03, int32 add 0.1, int8
 * multiply 0.2, int32 multiply 3.1, fp16 add 0.4, fp32 add 0.9, fp16 multiply 1.1, fp32
 * multiply 3.7. Formats that table does not list are derived from it by the scaling its own
 * rows follow: an integer multiplier's energy grows with the product of the operand widths
 * (0.2 pJ at 8x8 bits, 3.1 at 32x32 = 15.5x for 16x the bits squared), a floating-point
 * multiplier's with the square of the significand width (hidden bit included: fp16 11 bits,
 * bf16 8, fp8_e4m3 4, fp8_e5m2 3), adders linearly with the (significand) width. */

static gboolean is_float(TsPrecision p)
{
    return p.format == TS_NUM_FP || p.format == TS_NUM_BF16 || p.format == TS_NUM_FP8_E4M3 ||
           p.format == TS_NUM_FP8_E5M2;
}

/* Significand bits (hidden bit included) of a float format. */
static double significand_bits(TsPrecision p)
{
    switch (p.format) {
    case TS_NUM_BF16:
        return 8.0;
    case TS_NUM_FP8_E4M3:
        return 4.0;
    case TS_NUM_FP8_E5M2:
        return 3.0;
    default:
        return p.bits > 16 ? 24.0 : 11.0;
    }
}

double ts_precision_add_pj_45nm(TsPrecision p)
{
    if (is_float(p)) {
        if (p.format == TS_NUM_FP && p.bits > 16)
            return 0.9;
        return 0.4 * significand_bits(p) / 11.0;
    }
    double n = (double)MAX(p.bits, (uint8_t)1);
    if (n <= 8.0)
        return 0.03 * n / 8.0;
    return 0.03 + (0.1 - 0.03) * (n - 8.0) / 24.0; /* 8 bits 0.03 pJ .. 32 bits 0.1 pJ */
}

double ts_precision_mul_pj_45nm(TsPrecision a, TsPrecision b)
{
    if (is_float(a) || is_float(b)) {
        TsPrecision f = is_float(a) ? a : b;
        if (is_float(a) && is_float(b) && significand_bits(b) > significand_bits(a))
            f = b;
        if (f.format == TS_NUM_FP && f.bits > 16)
            return 3.7;
        double s = significand_bits(f) / 11.0;
        return 1.1 * s * s;
    }
    return 0.2 * (double)MAX(a.bits, (uint8_t)1) * (double)MAX(b.bits, (uint8_t)1) / 64.0;
}

/* Integer or NormalFloat operands that meet a float operand are dequantized to its format
 * first (one multiply by the group scale at that format per use). */
static gboolean needs_dequant(TsPrecision x, TsPrecision other)
{
    return !is_float(x) && is_float(other);
}

/* Dequantizes x to the float format of other (bf16 when neither is a float: NF4) when it needs
 * it; adds the cost to *e and the step to s. Returns the format x is multiplied at. */
static TsPrecision dequantize(TsPrecision x, TsPrecision other, double *e, GString *s)
{
    if (!needs_dequant(x, other) && x.format != TS_NUM_NF4)
        return x;
    TsPrecision to = is_float(other) ? other : (TsPrecision){16, TS_NUM_BF16};
    double d = ts_precision_mul_pj_45nm(to, to);
    *e += d;
    if (s)
        g_string_append_printf(s, "dequantize %s to %s %.3g + ", ts_precision_name(x),
                               ts_precision_name(to), d);
    return to;
}

double ts_precision_mac_pj_45nm(TsPrecision a, TsPrecision b, TsPrecision acc, char *how,
                                gsize how_len)
{
    double e = 0.0;
    GString *s = how ? g_string_new(NULL) : NULL;
    TsPrecision ma = dequantize(a, b, &e, s);
    TsPrecision mb = dequantize(b, ma, &e, s);
    double m = ts_precision_mul_pj_45nm(ma, mb);
    double ad = ts_precision_add_pj_45nm(acc);
    e += m + ad;
    if (s) {
        g_string_append_printf(s, "%s x %s multiply %.3g + %s add %.3g", ts_precision_name(ma),
                               ts_precision_name(mb), m, ts_precision_name(acc), ad);
        g_strlcpy(how, s->str, how_len);
        g_string_free(s, TRUE);
    }
    return e;
}
