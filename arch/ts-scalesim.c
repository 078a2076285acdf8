/* SCALE-Sim configuration and topology files (see ts-scalesim.h). The .cfg reader follows
 * Python configparser's defaults as SCALE-Sim uses them: sections in brackets, `key = value` or
 * `key : value`, case-insensitive keys, whole-line comments starting with # or ;, indented
 * continuation lines, duplicate sections and keys rejected. */
#include "ts-scalesim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ts-config.h"
#include "ts-file.h"

#define TS_SCALESIM_MAX_FILE_BYTES (64u << 20)

/* Through the shared bounded reader (common/ts-file.h), so /dev/zero or a pipe without end
 * stops at the limit. */
static gboolean read_text(const char *path, char **text, GError **error)
{
    gsize len = 0;
    if (!ts_file_read(path, TS_SCALESIM_MAX_FILE_BYTES, text, &len, error))
        return FALSE;
    if (strlen(*text) != len) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_ENCODING,
                    "%s: not a text file (it holds a NUL byte)", path);
        g_clear_pointer(text, g_free);
        return FALSE;
    }
    if (!g_utf8_validate(*text, -1, NULL)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_ENCODING, "%s: not UTF-8 text", path);
        g_clear_pointer(text, g_free);
        return FALSE;
    }
    return TRUE;
}

/* Python int() of a stripped field: optional sign, decimal digits. */
static gboolean parse_int(const char *s, gint64 *out)
{
    if (!s || !*s)
        return FALSE;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!*p)
        return FALSE;
    for (const char *q = p; *q; q++)
        if (!g_ascii_isdigit(*q))
            return FALSE;
    errno = 0;
    gint64 v = g_ascii_strtoll(s, NULL, 10);
    if (errno != 0)
        return FALSE;
    *out = v;
    return TRUE;
}

/* ---- .cfg ---- */

typedef struct {
    char *section; /* as written */
    char *key;     /* lower case */
    char *value;   /* stripped; continuation lines joined with '\n' */
    guint line, col;
    gboolean used;
} CfgEntry;

static void cfg_entry_free(gpointer p)
{
    CfgEntry *e = p;
    g_free(e->section);
    g_free(e->key);
    g_free(e->value);
    g_free(e);
}

static const CfgEntry *cfg_find(GPtrArray *entries, const char *section, const char *key)
{
    for (guint i = 0; i < entries->len; i++) {
        CfgEntry *e = entries->pdata[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            e->used = TRUE;
            return e;
        }
    }
    return NULL;
}

static gboolean cfg_parse(const char *path, const char *text, GPtrArray *entries, GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GPtrArray) sections = g_ptr_array_new_with_free_func(g_free);
    const char *section = NULL;
    CfgEntry *last = NULL;
    for (guint n = 0; lines[n]; n++) {
        char *line = lines[n];
        gsize len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        char *s = g_strstrip(g_strdup(line));
        g_autofree char *own = s;
        guint lineno = n + 1;
        if (*s == '\0') {
            last = NULL; /* a blank line ends a value */
            continue;
        }
        if (*s == '#' || *s == ';')
            continue;
        if (last && g_ascii_isspace(line[0])) { /* continuation of the previous value */
            char *v = g_strdup_printf("%s\n%s", last->value, s);
            g_free(last->value);
            last->value = v;
            continue;
        }
        if (*s == '[') {
            char *end = strrchr(s, ']');
            if (!end || end == s + 1) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                            "%s:%u:1: malformed section header '%s'", path, lineno, s);
                return FALSE;
            }
            *end = '\0';
            for (guint i = 0; i < sections->len; i++) {
                if (strcmp(sections->pdata[i], s + 1) == 0) {
                    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_DUPLICATE,
                                "%s:%u:1: section [%s] appears twice", path, lineno, s + 1);
                    return FALSE;
                }
            }
            g_ptr_array_add(sections, g_strdup(s + 1));
            section = sections->pdata[sections->len - 1];
            last = NULL;
            continue;
        }
        if (!section) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u:1: '%s' comes before any [section] header", path, lineno, s);
            return FALSE;
        }
        gsize k = strcspn(s, "=:");
        if (s[k] == '\0' || k == 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u:1: expected 'key = value' or 'key : value' (got '%s')", path, lineno,
                        s);
            return FALSE;
        }
        char *key = g_ascii_strdown(s, (gssize)k);
        g_strstrip(key);
        const char *vstart = s + k + 1;
        while (g_ascii_isspace(*vstart))
            vstart++;
        for (guint i = 0; i < entries->len; i++) {
            CfgEntry *e = entries->pdata[i];
            if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_DUPLICATE,
                            "%s:%u:1: [%s] %s is already set on line %u", path, lineno, section,
                            key, e->line);
                g_free(key);
                return FALSE;
            }
        }
        CfgEntry *e = g_new0(CfgEntry, 1);
        e->section = g_strdup(section);
        e->key = key;
        e->value = g_strdup(vstart);
        e->line = lineno;
        e->col = (guint)(strstr(line, vstart) ? strstr(line, vstart) - line + 1 : 1);
        g_ptr_array_add(entries, e);
        last = e;
    }
    return TRUE;
}

/* Keys SCALE-Sim v2 reads, per section; every other key or section is rejected. */
static const char *const arch_keys[] = {
    "arrayheight",        "arraywidth",  "ifmapsramszkb", "filtersramszkb",
    "ofmapsramszkb",      "ifmapoffset", "filteroffset",  "ofmapoffset",
    "bandwidth",          "dataflow",    "memorybanks",   "readrequestbuffer",
    "writerequestbuffer", NULL};
static const char *const general_keys[] = {"run_name", NULL};
static const char *const run_keys[] = {"interfacebandwidth", "useramulatortrace", NULL};
static const char *const network_keys[] = {"topologycsvloc", NULL};
static const char *const sparsity_keys[] = {"sparsitysupport",           "sparserep",
                                            "optimizedmapping",          "blocksize",
                                            "randomnumbergeneratorseed", NULL};

static const char *const *section_keys(const char *section)
{
    if (strcmp(section, "general") == 0)
        return general_keys;
    if (strcmp(section, "architecture_presets") == 0)
        return arch_keys;
    if (strcmp(section, "run_presets") == 0)
        return run_keys;
    if (strcmp(section, "network_presets") == 0)
        return network_keys;
    if (strcmp(section, "sparsity") == 0)
        return sparsity_keys;
    return NULL;
}

static gboolean cfg_check_keys(const char *path, GPtrArray *entries, GError **error)
{
    static const char *const sections[] = {
        "general", "architecture_presets", "run_presets", "network_presets", "sparsity", NULL};
    for (guint i = 0; i < entries->len; i++) {
        const CfgEntry *e = entries->pdata[i];
        const char *const *keys = section_keys(e->section);
        if (!keys) {
            g_autofree char *hint = ts_config_suggest(e->section, sections);
            if (strcmp(e->section, "layout") == 0)
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_UNKNOWN_KEY,
                            "%s:%u:1: section [layout] (SCALE-Sim v3 SRAM layouts and banks) is "
                            "not modelled",
                            path, e->line);
            else
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_UNKNOWN_KEY,
                            "%s:%u:1: unknown section [%s]%s", path, e->line, e->section, hint);
            return FALSE;
        }
        if (!g_strv_contains(keys, e->key)) {
            g_autofree char *hint = ts_config_suggest(e->key, keys);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_UNKNOWN_KEY,
                        "%s:%u:1: unknown key '%s' in [%s]%s", path, e->line, e->key, e->section,
                        hint);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean cfg_required(const char *path, GPtrArray *entries, const char *section,
                             const char *key, const char *shown, const CfgEntry **out,
                             GError **error)
{
    *out = cfg_find(entries, section, key);
    if (!*out) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "%s: [%s] %s is missing (SCALE-Sim requires it)", path, section, shown);
        return FALSE;
    }
    return TRUE;
}

static gboolean cfg_int(const char *path, const CfgEntry *e, const char *shown, gint64 min,
                        gint64 max, gint64 *out, GError **error)
{
    gint64 v;
    if (!parse_int(e->value, &v) || v < min || v > max) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [%s] %s must be an integer in %" G_GINT64_FORMAT
                    "..%" G_GINT64_FORMAT " (got '%s')",
                    path, e->line, e->col, e->section, shown, min, max, e->value);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean cfg_false(const CfgEntry *e)
{
    return g_ascii_strcasecmp(e->value, "false") == 0 || strcmp(e->value, "0") == 0 ||
           g_ascii_strcasecmp(e->value, "no") == 0 || g_ascii_strcasecmp(e->value, "off") == 0;
}

void ts_scalesim_config_free(TsScaleSimConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->run_name);
    g_free(cfg->topology);
    if (cfg->notes)
        g_ptr_array_unref(cfg->notes);
    g_free(cfg);
}

TsScaleSimConfig *ts_scalesim_config_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autofree char *text = NULL;
    if (!read_text(path, &text, error))
        return NULL;
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(cfg_entry_free);
    if (!cfg_parse(path, text, entries, error) || !cfg_check_keys(path, entries, error))
        return NULL;
    g_autoptr(TsScaleSimConfig) cfg = g_new0(TsScaleSimConfig, 1);
    cfg->notes = g_ptr_array_new_with_free_func(g_free);
    const CfgEntry *e;
    if (!cfg_required(path, entries, "general", "run_name", "run_name", &e, error))
        return NULL;
    cfg->run_name = g_strdup(e->value);

    if (!cfg_required(path, entries, "run_presets", "interfacebandwidth", "InterfaceBandwidth", &e,
                      error))
        return NULL;
    if (strcmp(e->value, "USER") == 0) {
        cfg->user_bandwidth = TRUE;
    } else if (strcmp(e->value, "CALC") != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [run_presets] InterfaceBandwidth must be USER or CALC (got '%s')",
                    path, e->line, e->col, e->value);
        return NULL;
    }
    if ((e = cfg_find(entries, "run_presets", "useramulatortrace")) && !cfg_false(e)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [run_presets] UseRamulatorTrace = %s: Ramulator DRAM latency "
                    "traces are not modelled (use False)",
                    path, e->line, e->col, e->value);
        return NULL;
    }

    static const struct {
        const char *key, *shown;
        gint64 min, max;
    } ints[] = {
        {"arrayheight", "ArrayHeight", 1, 65536},
        {"arraywidth", "ArrayWidth", 1, 65536},
        {"ifmapsramszkb", "IfmapSramSzkB", 1, G_GINT64_CONSTANT(1) << 30},
        {"filtersramszkb", "FilterSramSzkB", 1, G_GINT64_CONSTANT(1) << 30},
        {"ofmapsramszkb", "OfmapSramSzkB", 1, G_GINT64_CONSTANT(1) << 30},
        /* a negative offset could make an address -1, which SCALE-Sim takes for "no request" */
        {"ifmapoffset", "IfmapOffset", 0, G_GINT64_CONSTANT(1) << 62},
        {"filteroffset", "FilterOffset", 0, G_GINT64_CONSTANT(1) << 62},
        {"ofmapoffset", "OfmapOffset", 0, G_GINT64_CONSTANT(1) << 62},
    };
    gint64 v[G_N_ELEMENTS(ints)];
    for (guint i = 0; i < G_N_ELEMENTS(ints); i++) {
        if (!cfg_required(path, entries, "architecture_presets", ints[i].key, ints[i].shown, &e,
                          error) ||
            !cfg_int(path, e, ints[i].shown, ints[i].min, ints[i].max, &v[i], error))
            return NULL;
    }
    cfg->rows = (guint32)v[0];
    cfg->cols = (guint32)v[1];
    cfg->ifmap_sram_kb = (guint64)v[2];
    cfg->filter_sram_kb = (guint64)v[3];
    cfg->ofmap_sram_kb = (guint64)v[4];
    cfg->ifmap_offset = v[5];
    cfg->filter_offset = v[6];
    cfg->ofmap_offset = v[7];

    if (!cfg_required(path, entries, "architecture_presets", "dataflow", "Dataflow", &e, error))
        return NULL;
    if (strcmp(e->value, "os") == 0) {
        cfg->dataflow = TS_DATAFLOW_OS;
    } else if (strcmp(e->value, "ws") == 0) {
        cfg->dataflow = TS_DATAFLOW_WS;
    } else if (strcmp(e->value, "is") == 0) {
        cfg->dataflow = TS_DATAFLOW_IS;
    } else {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [architecture_presets] Dataflow must be os, ws or is (got '%s')",
                    path, e->line, e->col, e->value);
        return NULL;
    }

    gint64 banks = 1;
    const CfgEntry *eb = cfg_find(entries, "architecture_presets", "memorybanks");
    if (eb && !cfg_int(path, eb, "MemoryBanks", 1, 1 << 20, &banks, error))
        return NULL;
    if (banks != 1) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [architecture_presets] MemoryBanks = %" G_GINT64_FORMAT
                    ": only one memory bank is modelled",
                    path, eb->line, eb->col, banks);
        return NULL;
    }
    e = cfg_find(entries, "architecture_presets", "bandwidth");
    if (cfg->user_bandwidth) {
        if (!e) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                        "%s: [architecture_presets] Bandwidth is missing (required with "
                        "InterfaceBandwidth: USER)",
                        path);
            return NULL;
        }
        g_auto(GStrv) parts = g_strsplit(e->value, ",", -1);
        if (g_strv_length(parts) != 1) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                        "%s:%u:%u: [architecture_presets] Bandwidth lists %u values but "
                        "MemoryBanks is 1",
                        path, e->line, e->col, g_strv_length(parts));
            return NULL;
        }
        gint64 bw;
        CfgEntry tmp = *e;
        tmp.value = g_strstrip(parts[0]);
        if (!cfg_int(path, &tmp, "Bandwidth", 1, 1 << 30, &bw, error))
            return NULL;
        cfg->bandwidth = (guint32)bw;
    } else if (e) {
        g_ptr_array_add(cfg->notes, g_strdup_printf("%s:%u: Bandwidth is not used with "
                                                    "InterfaceBandwidth: CALC",
                                                    path, e->line));
    }
    for (guint i = 0; i < 2; i++) {
        const char *k = i ? "writerequestbuffer" : "readrequestbuffer";
        if ((e = cfg_find(entries, "architecture_presets", k)))
            g_ptr_array_add(cfg->notes,
                            g_strdup_printf("%s:%u: %s only sizes Ramulator's request queue: "
                                            "no effect here",
                                            path, e->line, k));
    }
    if ((e = cfg_find(entries, "network_presets", "topologycsvloc"))) {
        cfg->topology = g_strdup(e->value);
        g_ptr_array_add(cfg->notes, g_strdup_printf("%s:%u: TopologyCsvLoc is not read: the "
                                                    "topology comes from --topology",
                                                    path, e->line));
    }
    if ((e = cfg_find(entries, "sparsity", "sparsitysupport")) && !cfg_false(e)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u:%u: [sparsity] SparsitySupport = %s: sparse operands are not "
                    "modelled (use false)",
                    path, e->line, e->col, e->value);
        return NULL;
    }
    for (guint i = 0; i < entries->len; i++) {
        CfgEntry *x = entries->pdata[i];
        if (strcmp(x->section, "sparsity") == 0 && strcmp(x->key, "sparsitysupport") != 0)
            g_ptr_array_add(cfg->notes,
                            g_strdup_printf("%s:%u: [sparsity] %s has no effect without "
                                            "SparsitySupport",
                                            path, x->line, x->key));
    }
    return g_steal_pointer(&cfg);
}

/* ---- topology .csv ---- */

static void layer_free(gpointer p)
{
    TsScaleSimLayer *l = p;
    g_free(l->name);
    g_free(l);
}

void ts_scalesim_topology_free(TsScaleSimTopology *topo)
{
    if (!topo)
        return;
    if (topo->layers)
        g_ptr_array_unref(topo->layers);
    g_free(topo);
}

static const char *const gemm_cols[] = {"Layer", "M", "N", "K"};
static const char *const conv_cols[] = {"Layer name",    "IFMAP height",  "IFMAP width",
                                        "Filter height", "Filter width",  "Channels",
                                        "Num filter",    "Stride height", "Stride width"};

TsScaleSimTopology *ts_scalesim_topology_load(const char *path, TsScaleSimTopoFormat format,
                                              GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autofree char *text = NULL;
    if (!read_text(path, &text, error))
        return NULL;
    g_autoptr(TsScaleSimTopology) topo = g_new0(TsScaleSimTopology, 1);
    topo->layers = g_ptr_array_new_with_free_func(layer_free);
    topo->format = format;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint n = 1; lines[0] && lines[n]; n++) { /* line 1 is the header */
        guint lineno = n + 1;
        gsize lead = strspn(lines[n], " \t");
        char *row = g_strstrip(lines[n]);
        if (*row == '\0')
            continue;
        g_auto(GStrv) f = g_strsplit(row, ",", -1);
        guint nf = g_strv_length(f);
        guint starts[16] = {0}; /* 1-based column of each of the first fields */
        for (guint i = 0, c = (guint)lead + 1; i < nf && i < G_N_ELEMENTS(starts); i++) {
            starts[i] = c;
            c += (guint)strlen(f[i]) + 1;
        }
        if (*g_strstrip(f[nf - 1]) != '\0') {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u:%u: row does not end with ',' (SCALE-Sim drops the last field "
                        "of every row, here '%s')",
                        path, lineno, nf - 1 < G_N_ELEMENTS(starts) ? starts[nf - 1] : 1,
                        f[nf - 1]);
            return NULL;
        }
        nf--; /* the empty field after the trailing comma */
        if (topo->format == TS_SCALESIM_TOPO_AUTO) {
            if (nf == 4)
                topo->format = TS_SCALESIM_TOPO_GEMM;
            else if (nf == 8 || nf == 9)
                topo->format = TS_SCALESIM_TOPO_CONV;
            else {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                            "%s:%u:1: %u fields: a GEMM row has 4 (Layer, M, N, K), a "
                            "convolution row 8 or 9",
                            path, lineno, nf);
                return NULL;
            }
        }
        gboolean gemm = topo->format == TS_SCALESIM_TOPO_GEMM;
        if (gemm ? nf != 4 : (nf != 8 && nf != 9)) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u:1: %u fields where this %s topology needs %s", path, lineno, nf,
                        gemm ? "GEMM" : "convolution",
                        gemm ? "4 (Layer, M, N, K)"
                             : "8 or 9 (Layer name ... Stride height[, "
                               "Stride width])");
            return NULL;
        }
        gint64 v[9] = {0};
        for (guint i = 0; i < nf; i++) {
            char *x = g_strstrip(f[i]);
            if (i > 0 &&
                (!parse_int(x, &v[i]) || v[i] < 1 || v[i] > (G_GINT64_CONSTANT(1) << 40))) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                            "%s:%u:%u: %s must be an integer >= 1 (got '%s')", path, lineno,
                            starts[i], gemm ? gemm_cols[i] : conv_cols[i], x);
                return NULL;
            }
        }
        const char *name = g_strstrip(f[0]);
        TsScaleSimLayer base = {.line = lineno};
        if (gemm) {
            base.ifmap_h = (guint64)v[1];
            base.ifmap_w = (guint64)v[3];
            base.filter_h = 1;
            base.filter_w = (guint64)v[3];
            base.channels = 1;
            base.num_filters = (guint64)v[2];
            base.stride_h = base.stride_w = 1;
        } else {
            base.ifmap_h = (guint64)v[1];
            base.ifmap_w = (guint64)v[2];
            base.filter_h = (guint64)v[3];
            base.filter_w = (guint64)v[4];
            base.channels = (guint64)v[5];
            base.num_filters = (guint64)v[6];
            base.stride_h = (guint64)v[7];
            base.stride_w = (guint64)(nf == 9 ? v[8] : v[7]);
            if (base.filter_h > base.ifmap_h || base.filter_w > base.ifmap_w) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                            "%s:%u:1: filter %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT
                            " is larger than the ifmap %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT,
                            path, lineno, base.filter_h, base.filter_w, base.ifmap_h, base.ifmap_w);
                return NULL;
            }
        }
        guint64 copies = (!gemm && strstr(name, "DP")) ? base.channels : 1;
        if (copies > 65536) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                        "%s:%u:1: depthwise layer '%s' would expand into %" G_GUINT64_FORMAT
                        " layers (at most 65536)",
                        path, lineno, name, copies);
            return NULL;
        }
        for (guint64 c = 0; c < copies; c++) {
            TsScaleSimLayer *l = g_new(TsScaleSimLayer, 1);
            *l = base;
            if (copies > 1 || (!gemm && strstr(name, "DP"))) {
                l->channels = 1;
                l->name = g_strdup_printf("%sChannel_%" G_GUINT64_FORMAT, name, c);
            } else {
                l->name = g_strdup(name);
            }
            g_ptr_array_add(topo->layers, l);
        }
    }
    if (topo->layers->len == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "%s: no layers (the first line is the header)", path);
        return NULL;
    }
    return g_steal_pointer(&topo);
}
