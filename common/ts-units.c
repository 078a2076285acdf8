/* Unit parsing and formatting for configuration quantities. Each kind has one base unit and a
 * table of accepted suffixes with their factor to the base. Memory sizes follow the JEDEC
 * convention (KB = 1024 B, as memory datasheets use it; KiB is accepted too); rates and
 * frequencies are decimal SI (GB/s = 1e9 B/s). */
#include "ts-units.h"

#include <math.h>
#include <string.h>

typedef struct {
    const char *suffix;
    double factor; /* value in base unit = number * factor */
} TsUnitSuffix;

static const TsUnitSuffix freq_units[] = {{"Hz", 1.0},  {"kHz", 1e3}, {"KHz", 1e3},
                                          {"MHz", 1e6}, {"GHz", 1e9}, {NULL, 0}};
static const TsUnitSuffix time_units[] = {{"fs", 1e-3},       {"ps", 1.0}, {"ns", 1e3}, {"us", 1e6},
                                          {"\xc2\xb5s", 1e6}, {"ms", 1e9}, {"s", 1e12}, {NULL, 0}};
static const TsUnitSuffix bw_units[] = {{"B/s", 1.0},
                                        {"KB/s", 1e3},
                                        {"kB/s", 1e3},
                                        {"MB/s", 1e6},
                                        {"GB/s", 1e9},
                                        {"TB/s", 1e12},
                                        {"KiB/s", 1024.0},
                                        {"MiB/s", 1048576.0},
                                        {"GiB/s", 1073741824.0},
                                        {"TiB/s", 1099511627776.0},
                                        {"bit/s", 0.125},
                                        {"Kbit/s", 125.0},
                                        {"Mbit/s", 1.25e5},
                                        {"Gbit/s", 1.25e8},
                                        {"Tbit/s", 1.25e11},
                                        {"Kb/s", 125.0},
                                        {"Mb/s", 1.25e5},
                                        {"Gb/s", 1.25e8},
                                        {"Tb/s", 1.25e11},
                                        {"Bps", 1.0},
                                        {"GBps", 1e9},
                                        {"MBps", 1e6},
                                        {NULL, 0}};
static const TsUnitSuffix energy_units[] = {{"fJ", 1e-3}, {"pJ", 1.0}, {"nJ", 1e3}, {"uJ", 1e6},
                                            {"mJ", 1e9},  {"J", 1e12}, {NULL, 0}};
static const TsUnitSuffix epb_units[] = {{"fJ/bit", 1e-3},  {"pJ/bit", 1.0},    {"nJ/bit", 1e3},
                                         {"fJ/b", 1e-3},    {"pJ/b", 1.0},      {"nJ/b", 1e3},
                                         {"pJ/B", 0.125},   {"pJ/byte", 0.125}, {"nJ/B", 125.0},
                                         {"fJ/B", 1.25e-4}, {NULL, 0}};
static const TsUnitSuffix size_units[] = {{"B", 1.0},
                                          {"KB", 1024.0},
                                          {"kB", 1024.0},
                                          {"MB", 1048576.0},
                                          {"GB", 1073741824.0},
                                          {"TB", 1099511627776.0},
                                          {"KiB", 1024.0},
                                          {"MiB", 1048576.0},
                                          {"GiB", 1073741824.0},
                                          {"TiB", 1099511627776.0},
                                          {"bit", 0.125},
                                          {"bits", 0.125},
                                          {"Kbit", 128.0},
                                          {"Mbit", 131072.0},
                                          {"Gbit", 134217728.0},
                                          {"Kib", 128.0},
                                          {"Mib", 131072.0},
                                          {"Gib", 134217728.0},
                                          {NULL, 0}};
static const TsUnitSuffix power_units[] = {
    {"uW", 1e-6}, {"mW", 1e-3}, {"W", 1.0}, {"kW", 1e3}, {NULL, 0}};
static const TsUnitSuffix area_units[] = {
    {"um^2", 1.0}, {"um2", 1.0}, {"mm^2", 1e6}, {"mm2", 1e6}, {NULL, 0}};
static const TsUnitSuffix length_units[] = {{"nm", 1.0}, {"um", 1e3}, {NULL, 0}};
static const TsUnitSuffix none_units[] = {{NULL, 0}};

typedef struct {
    const char *kind_name;
    const char *base;
    const char *accepted;
    const TsUnitSuffix *suffixes;
} TsUnitKindInfo;

static const TsUnitKindInfo kinds[TS_UNIT_COUNT_] = {
    [TS_UNIT_NONE] = {"number", "", "no unit", none_units},
    [TS_UNIT_FREQUENCY] = {"frequency", "Hz", "Hz, kHz, MHz, GHz", freq_units},
    [TS_UNIT_TIME] = {"time", "ps", "ps, ns, us, ms, s", time_units},
    [TS_UNIT_BANDWIDTH] = {"bandwidth", "B/s",
                           "B/s, KB/s, MB/s, GB/s, TB/s (x1000), KiB/s, MiB/s, GiB/s (x1024), "
                           "Mbit/s, Gbit/s, Gb/s",
                           bw_units},
    [TS_UNIT_ENERGY] = {"energy", "pJ", "fJ, pJ, nJ, uJ, mJ, J", energy_units},
    [TS_UNIT_ENERGY_PER_BIT] = {"energy per bit", "pJ/bit", "fJ/bit, pJ/bit, nJ/bit, pJ/B",
                                epb_units},
    [TS_UNIT_SIZE] = {"size", "B", "B, KB/KiB, MB/MiB, GB/GiB (x1024), bit, Kbit, Mbit, Gbit",
                      size_units},
    [TS_UNIT_POWER] = {"power", "W", "uW, mW, W, kW", power_units},
    [TS_UNIT_AREA] = {"area", "um^2", "um^2, mm^2", area_units},
    [TS_UNIT_LENGTH_NM] = {"length", "nm", "nm, um", length_units},
};

const char *ts_unit_base_name(TsUnitKind kind)
{
    g_return_val_if_fail(kind < TS_UNIT_COUNT_, "");
    return kinds[kind].base;
}

const char *ts_unit_kind_name(TsUnitKind kind)
{
    g_return_val_if_fail(kind < TS_UNIT_COUNT_, "");
    return kinds[kind].kind_name;
}

gboolean ts_unit_needs_suffix(TsUnitKind kind)
{
    return kind == TS_UNIT_FREQUENCY || kind == TS_UNIT_TIME || kind == TS_UNIT_BANDWIDTH ||
           kind == TS_UNIT_SIZE;
}

const char *ts_unit_accepted(TsUnitKind kind)
{
    g_return_val_if_fail(kind < TS_UNIT_COUNT_, "");
    return kinds[kind].accepted;
}

gboolean ts_unit_parse(const char *text, TsUnitKind kind, double *out, const char **why)
{
    g_return_val_if_fail(text != NULL && out != NULL && kind < TS_UNIT_COUNT_, FALSE);
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    char *end = NULL;
    double number = g_ascii_strtod(p, &end);
    if (end == p) {
        if (why)
            *why = "not a number";
        return FALSE;
    }
    if (!isfinite(number)) {
        if (why)
            *why = "not a finite number";
        return FALSE;
    }
    /* g_ascii_strtod also takes hexadecimal floats; configuration numbers are decimal. */
    const char *digits = (*p == '-' || *p == '+') ? p + 1 : p;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        if (why)
            *why = "not a decimal number";
        return FALSE;
    }
    while (*end == ' ' || *end == '\t')
        end++;
    /* Trailing blanks after the unit are tolerated. */
    g_autofree char *unit = g_strdup(end);
    g_strchomp(unit);
    if (unit[0] == '\0') {
        *out = number;
        return TRUE;
    }
    for (const TsUnitSuffix *s = kinds[kind].suffixes; s->suffix; s++) {
        if (strcmp(unit, s->suffix) == 0) {
            if (!isfinite(number * s->factor)) { /* 1e308GHz */
                if (why)
                    *why = "value overflows";
                return FALSE;
            }
            *out = number * s->factor;
            return TRUE;
        }
    }
    if (why)
        *why = kind == TS_UNIT_NONE ? "expected a plain number" : "unknown unit";
    return FALSE;
}

gboolean ts_unit_parse_bytes(const char *text, guint64 min, guint64 max, guint64 *out,
                             const char **why)
{
    g_return_val_if_fail(text != NULL && out != NULL, FALSE);
    const gsize n = strlen(text);
    g_autofree char *full =
        n > 0 && strchr("KMG", text[n - 1]) ? g_strconcat(text, "B", NULL) : g_strdup(text);
    const char *w = NULL;
    double v = 0.0;
    if (!ts_unit_parse(full, TS_UNIT_SIZE, &v, &w))
        ; /* w is set */
    else if (v != floor(v))
        w = "not a whole number of bytes";
    else if (v < (double)min || v > (double)max)
        w = "out of range";
    if (w != NULL) {
        if (why)
            *why = w;
        return FALSE;
    }
    *out = (guint64)v;
    return TRUE;
}

char *ts_unit_format(double value, TsUnitKind kind)
{
    g_return_val_if_fail(kind < TS_UNIT_COUNT_, g_strdup(""));
    if (kind == TS_UNIT_NONE || kind == TS_UNIT_LENGTH_NM || kind == TS_UNIT_AREA ||
        kind == TS_UNIT_ENERGY_PER_BIT)
        return g_strdup_printf("%.4g%s%s", value, kinds[kind].base[0] ? " " : "", kinds[kind].base);
    /* Pick the largest suffix whose factor does not exceed |value|, among suffixes that are
     * plain decimal (sizes: binary) multiples of the base. */
    static const char *const preferred[TS_UNIT_COUNT_][8] = {
        [TS_UNIT_FREQUENCY] = {"Hz", "kHz", "MHz", "GHz", NULL},
        [TS_UNIT_TIME] = {"fs", "ps", "ns", "us", "ms", "s", NULL},
        [TS_UNIT_BANDWIDTH] = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s", NULL},
        [TS_UNIT_ENERGY] = {"fJ", "pJ", "nJ", "uJ", "mJ", "J", NULL},
        [TS_UNIT_SIZE] = {"B", "KiB", "MiB", "GiB", "TiB", NULL},
        [TS_UNIT_POWER] = {"uW", "mW", "W", "kW", NULL},
    };
    const char *best = kinds[kind].base;
    double best_factor = 1.0;
    double mag = fabs(value);
    for (guint i = 0; preferred[kind][i]; i++) {
        for (const TsUnitSuffix *s = kinds[kind].suffixes; s->suffix; s++) {
            if (strcmp(s->suffix, preferred[kind][i]) != 0)
                continue;
            if (i == 0 || mag >= s->factor) {
                best = s->suffix;
                best_factor = s->factor;
            }
        }
    }
    return g_strdup_printf("%.4g %s", value / best_factor, best);
}
