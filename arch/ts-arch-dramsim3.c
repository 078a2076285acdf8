/* DRAMsim3 .ini configurations as TsDramSpec, read the way DRAMsim3's Config reads them
 * (DRAMsim3 src/configuration.cc): every key it reads, with its default when absent; the
 * number of ranks from channel_size; tRC = tRAS + tRP (a tRC key is ignored, as DRAMsim3
 * does); tRCDRD / tRCDWR instead of tRCD for GDDR and HBM; the burst's bus cycles BL/2 (BL/4
 * GDDR5, BL/8 GDDR5X, BL/16 GDDR6); physical columns = columns x BL for GDDR and x 2 for HBM.
 * Keys DRAMsim3 reads for features this model does not have (power-down and self-refresh
 * timings, thermal, output) and keys DRAMsim3 itself ignores are accepted and listed as notes;
 * settings that would change results but are not modelled (self refresh, HMC) are errors. */
#include "ts-arch-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ts-file.h"

typedef struct {
    char *section, *key, *value;
    guint line;
    gboolean used;
} IniEntry;

typedef struct {
    const char *file;
    GArray *entries; /* IniEntry */
    GPtrArray *absent; /* "key = default" of each key looked up and not given */
    GHashTable *index; /* "section.key" in lower case -> its entry's index + 1 (keys are unique) */
} Ini;

/* The index key of section/key: both in lower case, as inih compares them. */
static char *ini_index_key(const char *section, const char *key)
{
    g_autofree char *s = g_ascii_strdown(section, -1);
    g_autofree char *k = g_ascii_strdown(key, -1);
    return g_strconcat(s, ".", k, NULL);
}

/* Frees what ini_parse made, also after it failed part way. */
static void ini_clear(Ini *ini)
{
    if (ini->entries == NULL)
        return;
    for (guint i = 0; i < ini->entries->len; i++) {
        IniEntry *e = &g_array_index(ini->entries, IniEntry, i);
        g_free(e->section);
        g_free(e->key);
        g_free(e->value);
    }
    g_array_unref(ini->entries);
    g_ptr_array_unref(ini->absent);
    g_hash_table_unref(ini->index);
}

static gboolean ini_parse(Ini *ini, const char *path, GError **error)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    /* The shared bounded reader: a DRAMsim3 config is at most 1 MiB (/dev/zero stops there). */
    if (!ts_file_read(path, (gsize)1 << 20, &text, &len, error))
        return FALSE;
    if (memchr(text, '\0', len) != NULL || !g_utf8_validate(text, (gssize)len, NULL)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_ENCODING,
                    "%s: not a text file (NUL byte or invalid UTF-8)", path);
        return FALSE;
    }
    ini->file = path;
    ini->entries = g_array_new(FALSE, TRUE, sizeof(IniEntry));
    ini->absent = g_ptr_array_new_with_free_func(g_free);
    /* A key given twice in a section is an error (inih versions differ on which value
     * DRAMsim3 then reads), so the index holds one entry per key. */
    ini->index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *section = g_strdup("");
    char **lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        char *l = g_strstrip(lines[i]);
        if (*l == '\0' || *l == ';' || *l == '#')
            continue;
        if (*l == '[') {
            char *end = strchr(l, ']');
            if (end == NULL) {
                g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                            "%s:%u: section header '%s' has no closing ']'", path, i + 1, l);
                g_strfreev(lines);
                return FALSE;
            }
            *end = '\0';
            g_free(section);
            section = g_strdup(g_strstrip(l + 1));
            continue;
        }
        char *eq = strchr(l, '=');
        if (eq == NULL)
            eq = strchr(l, ':');
        if (eq == NULL) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u: expected 'key = value' or a [section], got '%s'", path, i + 1, l);
            g_strfreev(lines);
            return FALSE;
        }
        *eq = '\0';
        char *value = eq + 1;
        char *comment = strchr(value, ';'); /* inline comments, as inih reads DRAMsim3's files */
        if (comment)
            *comment = '\0';
        IniEntry e = {g_strdup(section), g_strdup(g_strstrip(l)), g_strdup(g_strstrip(value)),
                      i + 1, FALSE};
        char *sk = ini_index_key(e.section, e.key);
        guint first = GPOINTER_TO_UINT(g_hash_table_lookup(ini->index, sk));
        if (first != 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_DUPLICATE,
                        "%s:%u: [%s] %s is given twice (first on line %u): give it once", path,
                        e.line, e.section, e.key,
                        g_array_index(ini->entries, IniEntry, first - 1).line);
            g_free(sk);
            g_free(e.section);
            g_free(e.key);
            g_free(e.value);
            g_strfreev(lines);
            return FALSE;
        }
        g_array_append_val(ini->entries, e);
        g_hash_table_insert(ini->index, sk, GUINT_TO_POINTER(ini->entries->len));
    }
    g_strfreev(lines);
    if (ini->entries->len == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_MISSING,
                    "%s: no 'key = value' line: not a DRAMsim3 config", path);
        return FALSE;
    }
    return TRUE;
}

/* The entry of section/key (case-insensitive, as inih; given at most once), marked used, or
 * NULL. */
static IniEntry *ini_find(Ini *ini, const char *section, const char *key)
{
    g_autofree char *sk = ini_index_key(section, key);
    guint i = GPOINTER_TO_UINT(g_hash_table_lookup(ini->index, sk));
    if (i == 0)
        return NULL;
    IniEntry *e = &g_array_index(ini->entries, IniEntry, i - 1);
    e->used = TRUE;
    return e;
}

static gboolean ini_int(Ini *ini, const char *section, const char *key, gint64 def, gint64 lo,
                        gint64 hi, gint64 *out, GError **error)
{
    IniEntry *e = ini_find(ini, section, key);
    if (e == NULL) {
        *out = def;
        g_ptr_array_add(ini->absent, g_strdup_printf("%s = %" G_GINT64_FORMAT, key, def));
        return TRUE;
    }
    errno = 0;
    char *end = NULL;
    gint64 v = g_ascii_strtoll(e->value, &end, 0);
    if (e->value[0] == '\0' || end == NULL || *end != '\0' || errno != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                    "%s:%u: [%s] %s: expected an integer, got '%s'", ini->file, e->line, section,
                    key, e->value);
        return FALSE;
    }
    if (v < lo || v > hi) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u: [%s] %s: %" G_GINT64_FORMAT " is outside [%" G_GINT64_FORMAT
                    ", %" G_GINT64_FORMAT "]",
                    ini->file, e->line, section, key, v, lo, hi);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean ini_real(Ini *ini, const char *section, const char *key, double def, double lo,
                         double hi, double *out, GError **error)
{
    IniEntry *e = ini_find(ini, section, key);
    if (e == NULL) {
        *out = def;
        g_ptr_array_add(ini->absent, g_strdup_printf("%s = %g", key, def));
        return TRUE;
    }
    char *end = NULL;
    double v = g_ascii_strtod(e->value, &end);
    if (e->value[0] == '\0' || end == NULL || *end != '\0' || !isfinite(v)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                    "%s:%u: [%s] %s: expected a number, got '%s'", ini->file, e->line, section, key,
                    e->value);
        return FALSE;
    }
    if (v < lo || v > hi) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                    "%s:%u: [%s] %s: %g is outside [%g, %g]", ini->file, e->line, section, key, v,
                    lo, hi);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean ini_bool(Ini *ini, const char *section, const char *key, gboolean def,
                         gboolean *out, GError **error)
{
    IniEntry *e = ini_find(ini, section, key);
    if (e == NULL) {
        *out = def;
        return TRUE;
    }
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (guint i = 0; i < 4; i++) {
        if (g_ascii_strcasecmp(e->value, yes[i]) == 0) {
            *out = TRUE;
            return TRUE;
        }
        if (g_ascii_strcasecmp(e->value, no[i]) == 0) {
            *out = FALSE;
            return TRUE;
        }
    }
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                "%s:%u: [%s] %s: expected true or false, got '%s'", ini->file, e->line, section,
                key, e->value);
    return FALSE;
}

/* A string key among choices; *out is the index. */
static gboolean ini_choice(Ini *ini, const char *section, const char *key, const char *def,
                           const char *const *choices, int *out, GError **error)
{
    IniEntry *e = ini_find(ini, section, key);
    const char *v = e ? e->value : def;
    if (e == NULL)
        g_ptr_array_add(ini->absent, g_strdup_printf("%s = %s", key, def));
    for (int i = 0; choices[i] != NULL; i++) {
        if (strcmp(v, choices[i]) == 0) {
            *out = i;
            return TRUE;
        }
    }
    g_autofree char *list = g_strjoinv(", ", (char **)choices);
    g_autofree char *hint = ts_config_suggest(v, choices);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                "%s:%u: [%s] %s: unknown value '%s'%s; expected one of %s", ini->file,
                e ? e->line : 0, section, key, v, hint, list);
    return FALSE;
}

static const char *const protocols[] = {"DDR3",   "DDR4",   "GDDR5", "GDDR5X", "GDDR6", "LPDDR",
                                        "LPDDR3", "LPDDR4", "HBM",   "HBM2",   "HMC",   NULL};
enum {
    P_DDR3,
    P_DDR4,
    P_GDDR5,
    P_GDDR5X,
    P_GDDR6,
    P_LPDDR,
    P_LPDDR3,
    P_LPDDR4,
    P_HBM,
    P_HBM2,
    P_HMC
};

/* Keys DRAMsim3 reads for what this model leaves out (or only prints). */
static const char *const read_not_modelled[] = {
    "tCKE",  "tCKESR", "tXS",   "tXP",      "tRPRE",          "tWPRE",
    "IDD2P", "IDD3P",  "IDD6x", "num_dies", "sref_threshold", "ideal_memory_latency",
    "tRC",   "tMRD",   "tMOD",  "tPDM_RD",  "is_LRDIMM",      NULL};

/* Whether a and b differ by one inserted, deleted, replaced or two swapped neighbouring
 * characters (case-insensitive): a misspelled key, not another standard's key. */
static gboolean one_edit_apart(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b);
    if (la < lb)
        return one_edit_apart(b, a);
    if (la - lb > 1)
        return FALSE;
    gsize i = 0;
    while (i < lb && g_ascii_tolower(a[i]) == g_ascii_tolower(b[i]))
        i++;
    if (i == lb)
        return la != lb; /* equal strings are not a misspelling */
    if (la > lb)         /* one inserted */
        return g_ascii_strcasecmp(a + i + 1, b + i) == 0;
    if (g_ascii_strcasecmp(a + i + 1, b + i + 1) == 0) /* one replaced */
        return TRUE;
    return i + 1 < la && g_ascii_tolower(a[i]) == g_ascii_tolower(b[i + 1]) &&
           g_ascii_tolower(a[i + 1]) == g_ascii_tolower(b[i]) &&
           g_ascii_strcasecmp(a + i + 2, b + i + 2) == 0; /* two swapped */
}

/* Whether the absent key of "key = default" changes nothing for this protocol and refresh
 * policy (DRAMsim3 reads it for other standards or for bank-level refresh only). */
static gboolean absent_unused(const char *absent, int proto, int refp)
{
    gboolean gddr = proto == P_GDDR5 || proto == P_GDDR5X || proto == P_GDDR6;
    gboolean hbm = proto == P_HBM || proto == P_HBM2;
    static const char *const bank_refresh[] = {"tRFCb", "tREFIb", "IDD5PB", NULL};
    gsize n = strcspn(absent, " ");
    g_autofree char *key = g_strndup(absent, n);
    if (strcmp(key, "tPPD") == 0)
        return !(gddr || proto == P_LPDDR4);
    if (strcmp(key, "t32AW") == 0)
        return !gddr;
    if (strcmp(key, "tRCDRD") == 0 || strcmp(key, "tRCDWR") == 0)
        return !(gddr || hbm);
    if (strcmp(key, "tRCD") == 0)
        return gddr || hbm;
    return g_strv_contains(bank_refresh, key) && refp != 2; /* 2: BANK_LEVEL_STAGGERED */
}

TsDramSpec *ts_dram_spec_load_ini(const char *path, GStringChunk *strings, GPtrArray *notes,
                                  GError **error)
{
    g_return_val_if_fail(path != NULL && strings != NULL, NULL);
    Ini ini = {0};
    if (!ini_parse(&ini, path, error)) {
        ini_clear(&ini);
        return NULL;
    }
    g_autofree TsDramSpec *d = g_new0(TsDramSpec, 1);
    g_autofree char *why = NULL; /* before the first goto: every exit frees it */
    gboolean ok = FALSE;
    int proto = 0, qs = 0, rbp = 0, refp = 0;
    gint64 bankgroups, bpg, rows, columns, dw, bl, channel_size, channels, bus, cmdq, transq, wbuf;
    gint64 v[40];
    double tck, power[11];
    gboolean bg_enable, dual, unified, sref, aggressive;
    const gint64 BIG = G_GINT64_CONSTANT(1) << 40;
#define INT(sec, key, def, lo, hi, out)                                                            \
    if (!ini_int(&ini, sec, key, def, lo, hi, &(out), error))                                      \
        goto done;
    if (!ini_choice(&ini, "dram_structure", "protocol", "DDR3", protocols, &proto, error))
        goto done;
    if (proto == P_HMC) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: protocol HMC (a packetised cube with its own link model) is not modelled; "
                    "use an HBM or DDR config",
                    path);
        goto done;
    }
    gboolean gddr = proto == P_GDDR5 || proto == P_GDDR5X || proto == P_GDDR6;
    gboolean hbm = proto == P_HBM || proto == P_HBM2;
    INT("dram_structure", "bankgroups", 2, 1, 64, bankgroups);
    INT("dram_structure", "banks_per_group", 2, 1, 64, bpg);
    if (!ini_bool(&ini, "dram_structure", "bankgroup_enable", TRUE, &bg_enable, error))
        goto done;
    if (!bg_enable) {
        bpg *= bankgroups;
        bankgroups = 1;
    }
    INT("dram_structure", "rows", 1 << 16, 1, BIG, rows);
    INT("dram_structure", "columns", 1 << 10, 1, BIG, columns);
    INT("dram_structure", "device_width", 8, 1, 1024, dw);
    INT("dram_structure", "BL", 8, 0, 256, bl);
    if (!ini_bool(&ini, "dram_structure", "hbm_dual_cmd", TRUE, &dual, error))
        goto done;
    if (bl == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: BL = 0 (DRAMsim3's ideal-bandwidth mode) is not modelled", path);
        goto done;
    }
    gint64 burst_cycle = proto == P_GDDR5    ? bl / 4
                         : proto == P_GDDR5X ? bl / 8
                         : proto == P_GDDR6  ? bl / 16
                                             : bl / 2;
    if (burst_cycle == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: BL %" G_GINT64_FORMAT " is shorter than one bus cycle for %s", path, bl,
                    protocols[proto]);
        goto done;
    }
    if (gddr)
        columns *= bl;
    else if (hbm)
        columns *= 2;

    INT("system", "channel_size", 1024, 1, BIG, channel_size);
    INT("system", "channels", 1, 1, 1024, channels);
    INT("system", "bus_width", 64, 1, 4096, bus);
    IniEntry *am = ini_find(&ini, "system", "address_mapping");
    const char *mapping = am ? am->value : "chrobabgraco";
    if (am == NULL)
        g_ptr_array_add(ini.absent, g_strdup_printf("address_mapping = %s", mapping));
    if (!ts_dram_address_mapping_valid(mapping, &why)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "%s:%u: [system] %s", path,
                    am ? am->line : 0, why);
        goto done;
    }
    static const char *const qs_choices[] = {"PER_BANK", "PER_RANK", NULL};
    static const char *const rbp_choices[] = {"OPEN_PAGE", "CLOSE_PAGE", NULL};
    static const char *const ref_choices[] = {"RANK_LEVEL_STAGGERED", "RANK_LEVEL_SIMULTANEOUS",
                                              "BANK_LEVEL_STAGGERED", NULL};
    if (!ini_choice(&ini, "system", "queue_structure", "PER_BANK", qs_choices, &qs, error) ||
        !ini_choice(&ini, "system", "row_buf_policy", "OPEN_PAGE", rbp_choices, &rbp, error) ||
        !ini_choice(&ini, "system", "refresh_policy", "RANK_LEVEL_STAGGERED", ref_choices, &refp,
                    error))
        goto done;
    INT("system", "cmd_queue_size", 16, 1, 4096, cmdq);
    INT("system", "trans_queue_size", 32, 1, 4096, transq);
    INT("system", "write_buf_size", 16, 1, 4096, wbuf);
    if (!ini_bool(&ini, "system", "unified_queue", FALSE, &unified, error) ||
        !ini_bool(&ini, "system", "enable_self_refresh", FALSE, &sref, error) ||
        !ini_bool(&ini, "system", "aggressive_precharging_enabled", FALSE, &aggressive, error))
        goto done;
    if (sref || aggressive) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: [system] %s = true is not modelled (remove it or set it false)", path,
                    sref ? "enable_self_refresh" : "aggressive_precharging_enabled");
        goto done;
    }

    if (!ini_real(&ini, "timing", "tCK", 1.0, 1e-3, 1e3, &tck, error))
        goto done;
    static const struct {
        const char *key;
        gint64 def;
    } tk[] = {{"AL", 0},    {"CL", 12},     {"CWL", 12},     {"tCCD_L", 6},    {"tCCD_S", 4},
              {"tRTRS", 2}, {"tRTP", 5},    {"tWTR_L", 5},   {"tWTR_S", 5},    {"tWR", 10},
              {"tRP", 10},  {"tRRD_L", 4},  {"tRRD_S", 4},   {"tRAS", 24},     {"tRCD", 10},
              {"tRFC", 74}, {"tRFCb", 20},  {"tREFI", 7800}, {"tREFIb", 1950}, {"tFAW", 50},
              {"tPPD", 0},  {"t32AW", 330}, {"tRCDRD", 24},  {"tRCDWR", 20}};
    for (guint i = 0; i < G_N_ELEMENTS(tk); i++)
        INT("timing", tk[i].key, tk[i].def, 0, G_GINT64_CONSTANT(1) << 40, v[i]);
#undef INT
    static const struct {
        const char *key;
        double def;
    } pk[] = {{"VDD", 1.2},   {"IDD0", 48},   {"IDD2N", 34},   {"IDD3N", 43},
              {"IDD4W", 123}, {"IDD4R", 135}, {"IDD5AB", 250}, {"IDD5PB", 5}};
    for (guint i = 0; i < G_N_ELEMENTS(pk); i++)
        if (!ini_real(&ini, "power", pk[i].key, pk[i].def, 0, 1e6, &power[i], error))
            goto done;

    /* Ranks from the channel size (DRAMsim3's CalculateSize). */
    gint64 devices = bus / dw;
    if (devices < 1 || bus % dw != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: bus_width %" G_GINT64_FORMAT
                    " is not a multiple of device_width %" G_GINT64_FORMAT,
                    path, bus, dw);
        goto done;
    }
    gint64 page_bytes = columns * dw / 8;
    gint64 megs_per_bank = page_bytes * (rows / 1024) / 1024;
    gint64 megs_per_rank = megs_per_bank * bankgroups * bpg * devices;
    gint64 ranks = 1;
    if (megs_per_rank > 0 && megs_per_rank <= channel_size)
        ranks = channel_size / megs_per_rank;
    else if (notes != NULL)
        g_ptr_array_add(notes, g_strdup_printf("%s: channel_size %" G_GINT64_FORMAT
                                               " MB is below one rank (%" G_GINT64_FORMAT
                                               " MB): one rank, as DRAMsim3 uses",
                                               path, channel_size, megs_per_rank));

    d->preset = NULL;
    d->protocol = g_string_chunk_insert_const(strings, protocols[proto]);
    d->has_timing = TRUE;
    d->channels = (guint64)channels;
    d->ranks = (guint64)ranks;
    d->bankgroups = (guint64)bankgroups;
    d->banks = (guint64)bpg;
    d->rows = (guint64)rows;
    d->columns = (guint64)columns;
    d->device_width_bits = (guint64)dw;
    d->bus_width_bits = (guint64)bus;
    d->burst_length = (guint64)bl;
    d->tck_ps = tck * 1000.0;
    d->data_rate_mtps = (double)bl / ((double)burst_cycle * tck) * 1000.0;
    TsDramTimings *t = &d->cycles;
    t->AL = (guint64)v[0];
    t->tCL = (guint64)v[1];
    t->tCWL = (guint64)v[2];
    t->tCCD_L = (guint64)v[3];
    t->tCCD_S = (guint64)v[4];
    t->tRTRS = (guint64)v[5];
    t->tRTP = (guint64)v[6];
    t->tWTR_L = (guint64)v[7];
    t->tWTR_S = (guint64)v[8];
    t->tWR = (guint64)v[9];
    t->tRP = (guint64)v[10];
    t->tRRD_L = (guint64)v[11];
    t->tRRD_S = (guint64)v[12];
    t->tRAS = (guint64)v[13];
    t->tRCD = (guint64)v[14];
    t->tRFC = (guint64)v[15];
    t->tRFCb = (guint64)v[16];
    t->tREFI = (guint64)v[17];
    t->tREFIb = (guint64)v[18];
    t->tFAW = (guint64)v[19];
    t->tPPD = (gddr || proto == P_LPDDR4) ? (guint64)v[20] : 0;
    t->t32AW = gddr ? (guint64)v[21] : 0;
    if (gddr || hbm) {
        t->tRCD = (guint64)v[22];
        t->tRCDWR = (guint64)v[23];
    } else {
        t->tRCDWR = t->tRCD;
    }
    t->tRC = t->tRAS + t->tRP;
    t->tBURST = (guint64)burst_cycle;
    d->vdd_v = power[0];
    d->idd0_ma = power[1];
    d->idd2n_ma = power[2];
    d->idd3n_ma = power[3];
    d->idd4w_ma = power[4];
    d->idd4r_ma = power[5];
    d->idd5ab_ma = power[6];
    d->idd5pb_ma = power[7];
    d->address_mapping = g_string_chunk_insert_const(strings, mapping);
    d->pseudo_channels = 1;
    d->trans_queue_size = (guint64)transq;
    d->cmd_queue_size = (guint64)cmdq;
    d->write_buf_size = (guint64)MIN(wbuf, transq);
    d->page_policy = rbp == 0 ? TS_DRAM_PAGE_OPEN : TS_DRAM_PAGE_CLOSE;
    d->refresh_policy = (TsDramRefreshPolicy)refp;
    d->queue_structure = qs == 0 ? TS_DRAM_QUEUE_PER_BANK : TS_DRAM_QUEUE_PER_RANK;
    d->unified_queue = unified;
    d->dual_command = dual && hbm;
    if (t->tRCD < t->AL || t->tRCDWR < t->AL) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: AL %" G_GUINT64_FORMAT " exceeds tRCD %" G_GUINT64_FORMAT, path, t->AL,
                    t->tRCD);
        goto done;
    }
    if (!ts_dram_spec_derive(d, &why)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "%s: %s", path, why);
        goto done;
    }
    /* Everything DRAMsim3 reads and this model leaves out, everything it ignores, and the keys
     * it read with their defaults: one note each, listing the keys with their lines; an ignored
     * key close to a defaulted one is named as the likely misspelling. */
    if (notes != NULL) {
        g_autoptr(GPtrArray) defaulted = g_ptr_array_new_with_free_func(g_free);
        GString *absent = g_string_new(NULL);
        for (guint i = 0; i < ini.absent->len; i++) {
            const char *a = g_ptr_array_index(ini.absent, i);
            if (absent_unused(a, proto, refp))
                continue;
            g_ptr_array_add(defaulted, g_strndup(a, strcspn(a, " ")));
            g_string_append_printf(absent, "%s%s", absent->len ? ", " : "", a);
        }
        g_ptr_array_add(defaulted, NULL);
        GString *lists[3] = {g_string_new(NULL), g_string_new(NULL), g_string_new(NULL)};
        for (guint i = 0; i < ini.entries->len; i++) {
            IniEntry *e = &g_array_index(ini.entries, IniEntry, i);
            if (e->used || strcmp(e->section, "thermal") == 0 || strcmp(e->section, "other") == 0)
                continue; /* thermal model and output settings change no DRAM figure */
            guint k = 1;
            if (g_ascii_strcasecmp(e->key, "tRC") == 0)
                k = 0;
            for (guint j = 0; read_not_modelled[j] && k == 1; j++)
                if (g_ascii_strcasecmp(e->key, read_not_modelled[j]) == 0)
                    k = 2;
            const char *near = NULL;
            for (guint j = 0; k == 1 && near == NULL && j + 1 < defaulted->len; j++)
                if (one_edit_apart(e->key, g_ptr_array_index(defaulted, j)))
                    near = g_ptr_array_index(defaulted, j);
            g_string_append_printf(lists[k], "%s%s (line %u%s%s%s)", lists[k]->len ? ", " : "",
                                   e->key, e->line, near ? "; did you mean '" : "",
                                   near ? near : "", near ? "'?" : "");
        }
        static const char *const what[3] = {
            "ignored, tRC = tRAS + tRP as DRAMsim3 computes it",
            "not DRAMsim3 keys, ignored as DRAMsim3 ignores them",
            "read by DRAMsim3 for power-down, self-refresh or output only, not modelled"};
        for (guint k = 0; k < 3; k++) {
            if (lists[k]->len)
                g_ptr_array_add(notes, g_strdup_printf("%s: %s: %s", path, what[k], lists[k]->str));
            g_string_free(lists[k], TRUE);
        }
        if (absent->len)
            g_ptr_array_add(notes, g_strdup_printf("%s: not given, DRAMsim3's defaults used: %s",
                                                   path, absent->str));
        g_string_free(absent, TRUE);
    }
    ok = TRUE;
done:
    ini_clear(&ini);
    return ok ? g_steal_pointer(&d) : NULL;
}
