/* TsArch: construction shared by the loaders, read-only accessors, and ts_arch_load(), which
 * resolves a library name, recognises the input format by content (tilesim, Timeloop v0.3 /
 * v0.4, UPMEM-profiler device file) and applies an optional Accelergy ERT before the single
 * derivation pass (ts-arch-derive.c). */
#include "ts-arch.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ts-arch-private.h"
#include "ts-doc-kind.h"
#include "ts-library.h"

static const char *const class_names[TS_CLASS_COUNT_] = {
    [TS_CLASS_DRAM] = "dram",
    [TS_CLASS_SRAM] = "sram",
    [TS_CLASS_REGFILE] = "regfile",
    [TS_CLASS_HOST_LINK] = "host_link",
    [TS_CLASS_SYSTOLIC_ARRAY] = "systolic_array",
    [TS_CLASS_PIM_CORE] = "pim_core",
    [TS_CLASS_MAC] = "mac",
    [TS_CLASS_VECTOR_UNIT] = "vector_unit",
    [TS_CLASS_DEVICE_PROFILE] = "device_profile",
};

const char *ts_efficiency_by_name(TsEfficiencyBy by)
{
    switch (by) {
    case TS_EFFICIENCY_BY_M:
        return "M";
    case TS_EFFICIENCY_BY_FLOPS:
        return "flops";
    case TS_EFFICIENCY_BY_BYTES:
        return "bytes";
    }
    return "?";
}

double ts_efficiency_at(const TsEfficiencyCurve *curve, double x)
{
    g_return_val_if_fail(curve != NULL, 1.0);
    if (curve->n == 0)
        return 1.0;
    if (!(x > curve->x[0]))
        return curve->y[0];
    for (guint i = 1; i < curve->n; i++) {
        if (x <= curve->x[i]) {
            double t = log(x / curve->x[i - 1]) / log(curve->x[i] / curve->x[i - 1]);
            return curve->y[i - 1] + t * (curve->y[i] - curve->y[i - 1]);
        }
    }
    return curve->y[curve->n - 1];
}

const char *ts_class_name(TsClass klass)
{
    g_return_val_if_fail(klass < TS_CLASS_COUNT_, "?");
    return class_names[klass];
}

const char *ts_resident_role_name(guint i)
{
    static const char *const names[] = {"parameters", "kv_cache", NULL};
    return i < G_N_ELEMENTS(names) ? names[i] : NULL;
}

int ts_class_from_name(const char *name)
{
    g_return_val_if_fail(name != NULL, -1);
    for (int i = 0; i < TS_CLASS_COUNT_; i++) {
        if (strcmp(name, class_names[i]) == 0)
            return i;
    }
    return -1;
}

/* ---- Builder ------------------------------------------------------------------------------ */

TsArch *ts_arch_new_empty(const char *file, TsArchFormat format)
{
    TsArch *arch = g_new0(TsArch, 1);
    arch->file = g_strdup(file ? file : "");
    arch->format = format;
    arch->levels = g_array_new(FALSE, TRUE, sizeof(TsLevel));
    arch->priv = g_array_new(FALSE, TRUE, sizeof(TsLevelPriv));
    arch->strings = g_string_chunk_new(1024);
    arch->blocks = g_ptr_array_new_with_free_func(g_free);
    arch->notes = g_ptr_array_new_with_free_func(g_free);
    arch->compute = -1;
    arch->clock_source = g_strdup("yaml");
    arch->components = g_array_new(FALSE, TRUE, sizeof(TsArchComponent));
    arch->open = g_array_new(FALSE, FALSE, sizeof(int));
    arch->open_component = -1;
    return arch;
}

const char *ts_arch_intern(TsArch *arch, const char *text)
{
    if (text == NULL)
        return NULL;
    return g_string_chunk_insert_const(arch->strings, text);
}

gpointer ts_arch_alloc(TsArch *arch, gsize size)
{
    gpointer p = g_malloc0(size);
    g_ptr_array_add(arch->blocks, p);
    return p;
}

int ts_arch_add_level(TsArch *arch, const char *name, TsClass klass, const TsNode *node,
                      GError **error)
{
    if (arch->levels->len >= TS_ARCH_MAX_ALL_LEVELS) {
        ts_config_error(error, node, TS_CONFIG_ERROR_LIMIT, NULL, "too many levels (more than %d)",
                        TS_ARCH_MAX_ALL_LEVELS);
        return -1;
    }
    TsLevel level = {0};
    level.name = ts_arch_intern(arch, name);
    level.klass = klass;
    level.class_text = ts_arch_intern(arch, ts_class_name(klass));
    level.instances = 1;
    level.mesh_x = level.mesh_y = 1;
    level.fanout_x = level.fanout_y = 1;
    level.word_bits = 16;
    level.block_size = 1;
    level.cluster_size = 1;
    level.multiple_buffering = 1.0;
    if (node != NULL && node->doc != NULL) {
        level.file = ts_arch_intern(arch, node->doc->filename);
        level.line = node->line;
        level.col = node->col;
    } else {
        level.file = ts_arch_intern(arch, arch->file);
    }
    g_array_append_val(arch->levels, level);
    TsLevelPriv priv = {0};
    priv.macs_per_cycle = 1.0;
    priv.component = arch->open_component;
    g_array_append_val(arch->priv, priv);
    return (int)arch->levels->len - 1;
}

TsLevel *ts_arch_level_mut(TsArch *arch, guint index)
{
    g_return_val_if_fail(index < arch->levels->len, NULL);
    return &g_array_index(arch->levels, TsLevel, index);
}

void ts_arch_set_level_path(TsArch *arch, guint index, const char *path)
{
    ts_arch_level_priv(arch, index)->path = ts_arch_intern(arch, path);
}

TsLevelPriv *ts_arch_level_priv(TsArch *arch, guint index)
{
    g_return_val_if_fail(index < arch->priv->len, NULL);
    return &g_array_index(arch->priv, TsLevelPriv, index);
}

static void attr_clear(gpointer p)
{
    TsArchAttr *a = p;
    g_free(a->key);
    g_free(a->value);
}

void ts_arch_keep_attr(TsArch *arch, guint level, const char *key, const char *value)
{
    TsLevelPriv *priv = ts_arch_level_priv(arch, level);
    if (priv->attrs == NULL) {
        priv->attrs = g_array_new(FALSE, TRUE, sizeof(TsArchAttr));
        g_array_set_clear_func(priv->attrs, attr_clear);
    }
    TsArchAttr a = {g_strdup(key), g_strdup(value ? value : "")};
    g_array_append_val(priv->attrs, a);
}

void ts_arch_add_fanout_stage(TsArch *arch, const char *name, guint64 mx, guint64 my)
{
    g_return_if_fail(arch != NULL && name != NULL);
    if (mx * my <= 1)
        return;
    for (guint i = arch->levels->len; i-- > 0;) {
        TsLevel *l = ts_arch_level_mut(arch, i);
        if (!l->is_storage)
            continue;
        if (l->n_stages >= TS_MAX_FANOUT_STAGES) {
            ts_arch_add_note(arch,
                             "%s: more than %d containers below it; '%s' is counted with the "
                             "others as one fan-out",
                             l->name, TS_MAX_FANOUT_STAGES, name);
            l->n_stages = TS_MAX_FANOUT_STAGES + 1; /* marks the level for the check */
            return;
        }
        l->stages[l->n_stages++] =
            (TsFanoutStage){ts_arch_intern(arch, name), (uint32_t)mx, (uint32_t)my};
        return;
    }
}

void ts_arch_add_note(TsArch *arch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(arch->notes, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void ts_arch_free(TsArch *arch)
{
    if (arch == NULL)
        return;
    for (guint i = 0; i < arch->priv->len; i++) {
        TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, i);
        if (p->attrs)
            g_array_unref(p->attrs);
    }
    g_array_unref(arch->levels);
    g_array_unref(arch->priv);
    g_array_unref(arch->components);
    g_array_unref(arch->open);
    g_string_chunk_free(arch->strings);
    g_ptr_array_unref(arch->blocks);
    g_ptr_array_unref(arch->notes);
    g_free(arch->name);
    g_free(arch->file);
    g_free(arch->clock_source);
    g_free(arch);
}

/* ---- Loading ------------------------------------------------------------------------------ */

TsArch *ts_arch_load_from_doc_full(const TsDoc *doc, const char *file, const char *const *tables,
                                   GError **error)
{
    g_return_val_if_fail(doc != NULL && file != NULL, NULL);
    TsDocKind kind = ts_doc_kind_of(doc);
    g_autoptr(TsArch) arch = NULL;
    switch (kind) {
    case TS_DOC_KIND_TILESIM_ARCH:
        arch = ts_arch_load_native(doc, file, error);
        break;
    case TS_DOC_KIND_TIMELOOP_ARCH:
        arch = ts_arch_load_timeloop(doc, file, error);
        break;
    case TS_DOC_KIND_UPMEM_PROFILES: {
        g_auto(GStrv) names = ts_arch_upmem_names(doc, error);
        if (names == NULL)
            return NULL;
        if (g_strv_length(names) != 1) {
            g_autofree char *list = g_strjoinv(", ", names);
            ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL,
                            "a UPMEM-profiler device file with %u profiles: summarise one with "
                            "tilesim check FILE --device NAME (one of %s); a device profile is "
                            "a roofline description without storage and compute levels, not "
                            "an architecture to map",
                            g_strv_length(names), list);
            return NULL;
        }
        arch = ts_arch_load_upmem(doc, file, names[0], error);
        break;
    }
    default:
        ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, doc->root == NULL ? file : NULL,
                        "not an architecture: this is %s", ts_doc_kind_name(kind));
        return NULL;
    }
    if (arch == NULL)
        return NULL;
    for (guint i = 0; tables != NULL && tables[i] != NULL; i++) {
        g_autoptr(TsDoc) t = ts_doc_load_file(tables[i], NULL, error);
        if (t == NULL)
            return NULL;
        const TsNode *root = t->root;
        const TsNode *e = root && root->kind == TS_NODE_MAPPING ? ts_node_get(root, "ERT") : NULL;
        const TsNode *a = root && root->kind == TS_NODE_MAPPING ? ts_node_get(root, "ART") : NULL;
        if (e == NULL && a == NULL) {
            ts_config_error(error, root, TS_CONFIG_ERROR_INVALID, root == NULL ? tables[i] : NULL,
                            "not an Accelergy ERT or ART (no top-level 'ERT' or 'ART' key): "
                            "this is %s",
                            ts_doc_kind_name(ts_doc_kind_of(t)));
            return NULL;
        }
        if (e != NULL && !ts_arch_apply_ert(arch, t, error))
            return NULL;
        if (a != NULL && !ts_arch_apply_art(arch, t, error))
            return NULL;
    }
    if (!ts_arch_finalize(arch, error))
        return NULL;
    return g_steal_pointer(&arch);
}

TsArch *ts_arch_load_doc(const TsDoc *doc, const char *file, const char *ert_path, GError **error)
{
    g_return_val_if_fail(doc != NULL && file != NULL, NULL);
    const char *tables[] = {ert_path, NULL};
    return ts_arch_load_from_doc_full(doc, file, tables, error);
}

TsArch *ts_arch_load_full(const char *path_or_name, const char *const *tables, GError **error)
{
    g_return_val_if_fail(path_or_name != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_autofree char *path = ts_library_resolve(TS_LIBRARY_ARCH, path_or_name, error);
    if (path == NULL)
        return NULL;
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return NULL;
    return ts_arch_load_from_doc_full(doc, path, tables, error);
}

TsArch *ts_arch_load(const char *path_or_name, const char *ert_path, GError **error)
{
    const char *tables[] = {ert_path, NULL};
    return ts_arch_load_full(path_or_name, tables, error);
}

TsArch *ts_arch_load_device(const char *path, const char *device, GError **error)
{
    g_return_val_if_fail(path != NULL && device != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return NULL;
    if (!ts_doc_kind_is_upmem_profiles(doc)) {
        ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL,
                        "--device needs a UPMEM-profiler device file (profile name -> "
                        "host_to_device_bw_GBs, ...): this is %s",
                        ts_doc_kind_name(ts_doc_kind_of(doc)));
        return NULL;
    }
    g_autoptr(TsArch) arch = ts_arch_load_upmem(doc, path, device, error);
    if (arch == NULL || !ts_arch_finalize(arch, error))
        return NULL;
    return g_steal_pointer(&arch);
}

char **ts_arch_device_names(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return NULL;
    if (!ts_doc_kind_is_upmem_profiles(doc)) {
        ts_config_error(error, doc->root, TS_CONFIG_ERROR_INVALID, NULL,
                        "not a UPMEM-profiler device file: this is %s",
                        ts_doc_kind_name(ts_doc_kind_of(doc)));
        return NULL;
    }
    return ts_arch_upmem_names(doc, error);
}

char **ts_arch_library_names(void)
{
    return ts_library_names(TS_LIBRARY_ARCH);
}

/* ---- Accessors ---------------------------------------------------------------------------- */

const char *ts_arch_name(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return arch->name;
}

double ts_arch_clock_hz(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0.0);
    return arch->clock_hz;
}

uint32_t ts_arch_technology_nm(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0);
    return arch->technology_nm;
}

guint ts_arch_n_levels(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0);
    return arch->levels->len;
}

const TsLevel *ts_arch_level(const TsArch *arch, guint index)
{
    g_return_val_if_fail(arch != NULL && index < arch->levels->len, NULL);
    return &g_array_index(arch->levels, TsLevel, index);
}

int ts_arch_find_level(const TsArch *arch, const char *name)
{
    g_return_val_if_fail(arch != NULL && name != NULL, -1);
    for (guint i = 0; i < arch->levels->len; i++) {
        if (strcmp(g_array_index(arch->levels, TsLevel, i).name, name) == 0)
            return (int)i;
    }
    return -1;
}

guint ts_arch_n_storage(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0);
    return arch->n_storage;
}

const TsLevel *ts_arch_storage(const TsArch *arch, guint storage_index)
{
    g_return_val_if_fail(arch != NULL && storage_index < arch->n_storage, NULL);
    return ts_arch_level(arch, arch->storage[storage_index]);
}

void ts_arch_storage_link_pj(const TsArch *arch, guint storage_index, double *fill_pj,
                             double *drain_pj)
{
    g_return_if_fail(arch != NULL && storage_index < arch->n_storage);
    const TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, arch->storage[storage_index]);
    if (fill_pj)
        *fill_pj = p->link_fill_pj;
    if (drain_pj)
        *drain_pj = p->link_drain_pj;
}

double ts_arch_storage_link_call_s(const TsArch *arch, guint storage_index,
                                   const char **link_name)
{
    g_return_val_if_fail(arch != NULL && storage_index < arch->n_storage, 0.0);
    const TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, arch->storage[storage_index]);
    if (link_name != NULL)
        *link_name = p->link_name;
    return p->link_call_s;
}

const TsHostLinkSpec *ts_arch_storage_link_spec(const TsArch *arch, guint storage_index)
{
    g_return_val_if_fail(arch != NULL && storage_index < arch->n_storage, NULL);
    return g_array_index(arch->priv, TsLevelPriv, arch->storage[storage_index]).link_spec;
}

const TsLevel *ts_arch_compute(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return arch->compute >= 0 ? ts_arch_level(arch, (guint)arch->compute) : NULL;
}

const char *ts_arch_file(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return arch->file;
}

TsArchFormat ts_arch_format(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, TS_ARCH_FORMAT_TILESIM);
    return arch->format;
}

const char *ts_arch_format_name(TsArchFormat format)
{
    switch (format) {
    case TS_ARCH_FORMAT_TILESIM:
        return "tilesim";
    case TS_ARCH_FORMAT_TIMELOOP_V03:
        return "Timeloop v0.3 (subtree/local)";
    case TS_ARCH_FORMAT_TIMELOOP_V04:
        return "Timeloop v0.4 (nodes)";
    case TS_ARCH_FORMAT_UPMEM_PROFILE:
        return "UPMEM LLM profiler device profile";
    }
    return "?";
}

const char *ts_arch_clock_source(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return arch->clock_source;
}

gboolean ts_arch_is_mappable(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, FALSE);
    return arch->n_storage > 0 && arch->compute >= 0;
}

const TsDeviceProfile *ts_arch_device_profile(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return arch->profile;
}

static const TsArchAttr *level_attr(const TsArch *arch, guint level, guint i)
{
    g_return_val_if_fail(arch != NULL && level < arch->priv->len, NULL);
    const TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, level);
    g_return_val_if_fail(p->attrs != NULL && i < p->attrs->len, NULL);
    return &g_array_index(p->attrs, TsArchAttr, i);
}

guint ts_arch_level_n_attributes(const TsArch *arch, guint level)
{
    g_return_val_if_fail(arch != NULL && level < arch->priv->len, 0);
    const TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, level);
    return p->attrs ? p->attrs->len : 0;
}

const char *ts_arch_level_attribute_key(const TsArch *arch, guint level, guint i)
{
    const TsArchAttr *a = level_attr(arch, level, i);
    return a ? a->key : NULL;
}

const char *ts_arch_level_attribute_value(const TsArch *arch, guint level, guint i)
{
    const TsArchAttr *a = level_attr(arch, level, i);
    return a ? a->value : NULL;
}

const char *ts_arch_level_attribute(const TsArch *arch, guint level, const char *key)
{
    g_return_val_if_fail(key != NULL, NULL);
    guint n = ts_arch_level_n_attributes(arch, level);
    for (guint i = 0; i < n; i++) {
        const TsArchAttr *a = level_attr(arch, level, i);
        if (strcmp(a->key, key) == 0)
            return a->value;
    }
    return NULL;
}

const char *const *ts_arch_notes(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    return (const char *const *)arch->notes->pdata;
}

double ts_level_capacity_bytes(const TsLevel *level)
{
    g_return_val_if_fail(level != NULL, 0.0);
    if (!level->is_storage)
        return 0.0;
    return (double)level->size_words * level->word_bits / 8.0;
}

/* Bytes per second of a direction's words per cycle, the shared bandwidth when the direction
 * has none of its own (0). */
static double bw_bytes(const TsArch *arch, const TsLevel *level, double words_per_cycle)
{
    if (words_per_cycle == 0.0)
        words_per_cycle = level->shared_bw_words_per_cycle;
    return words_per_cycle * level->word_bits / 8.0 * arch->clock_hz;
}

double ts_arch_level_read_bw_bytes_per_s(const TsArch *arch, const TsLevel *level)
{
    g_return_val_if_fail(arch != NULL && level != NULL, 0.0);
    return bw_bytes(arch, level, level->read_bw_words_per_cycle);
}

double ts_arch_level_write_bw_bytes_per_s(const TsArch *arch, const TsLevel *level)
{
    g_return_val_if_fail(arch != NULL && level != NULL, 0.0);
    return bw_bytes(arch, level, level->write_bw_words_per_cycle);
}

double ts_arch_leak_pj_per_cycle(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0.0);
    double s = 0.0;
    for (guint i = 0; i < arch->levels->len; i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        s += l->energy.leak_pj_per_cycle * (double)MAX(l->instances, 1u);
    }
    return s;
}

double ts_arch_area_um2(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0.0);
    double s = 0.0;
    for (guint i = 0; i < arch->levels->len; i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        s += l->area_um2 * (double)MAX(l->instances, 1u);
    }
    return s;
}

double ts_arch_compute_macs_per_cycle(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0.0);
    if (arch->compute < 0)
        return 0.0;
    return g_array_index(arch->priv, TsLevelPriv, arch->compute).macs_per_cycle;
}

double ts_arch_peak_macs_per_s(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, 0.0);
    if (arch->compute < 0)
        return 0.0;
    const TsLevel *c = ts_arch_level(arch, (guint)arch->compute);
    const TsLevelPriv *p = &g_array_index(arch->priv, TsLevelPriv, arch->compute);
    return (double)c->instances * p->macs_per_cycle * arch->clock_hz;
}

/* ---- Describe and diff ------------------------------------------------------------------- */

static char *fmt_unit(double v, TsUnitKind kind)
{
    return ts_unit_format(v, kind);
}

char *ts_arch_describe(const TsArch *arch)
{
    g_return_val_if_fail(arch != NULL, NULL);
    GString *s = g_string_new(NULL);
    g_autofree char *clk = fmt_unit(arch->clock_hz, TS_UNIT_FREQUENCY);
    g_string_append_printf(s, "architecture %s (%s)\n", arch->name,
                           ts_arch_format_name(arch->format));
    g_string_append_printf(s, "  clock %s (%s), technology ", clk, arch->clock_source);
    if (arch->technology_nm)
        g_string_append_printf(s, "%u nm\n", arch->technology_nm);
    else
        g_string_append(s, "not given\n");
    g_string_append_printf(s, "  %-22s %-15s %9s %9s %7s %13s %5s %5s %13s %13s %11s %s\n", "level",
                           "class", "instances", "mesh", "fanout", "capacity/inst", "word", "block",
                           "read BW/inst", "write BW/inst", "read E", "");
    for (guint i = 0; i < arch->levels->len; i++) {
        const TsLevel *l = ts_arch_level(arch, i);
        g_autofree char *mesh = g_strdup_printf("%ux%u", l->mesh_x, l->mesh_y);
        g_autofree char *fan = g_strdup_printf("%ux%u", l->fanout_x, l->fanout_y);
        g_autofree char *cap = NULL;
        g_autofree char *rbw = NULL;
        g_autofree char *wbw = NULL;
        g_autofree char *energy = NULL;
        const char *role = l->is_storage ? "storage" : l->is_compute ? "compute" : "";
        if (l->is_storage) {
            if (l->zero_capacity)
                cap = g_strdup("0 B (bypass)");
            else if (l->size_words == 0)
                cap = g_strdup("unbounded");
            else
                cap = fmt_unit(ts_level_capacity_bytes(l), TS_UNIT_SIZE);
            double r = ts_arch_level_read_bw_bytes_per_s(arch, l);
            double w = ts_arch_level_write_bw_bytes_per_s(arch, l);
            rbw = r > 0 ? fmt_unit(r, TS_UNIT_BANDWIDTH) : g_strdup("unlimited");
            wbw = w > 0 ? fmt_unit(w, TS_UNIT_BANDWIDTH) : g_strdup("unlimited");
            energy = g_strdup_printf("%.2f pJ", l->energy.read_pj);
        } else if (l->is_compute) {
            cap = g_strdup("-");
            rbw = g_strdup("-");
            wbw = g_strdup("-");
            energy = g_strdup_printf("%.3f pJ/MAC", l->energy.mac_pj);
        } else {
            cap = g_strdup("-");
            rbw = g_strdup("-");
            wbw = g_strdup("-");
            energy = g_strdup("-");
        }
        g_string_append_printf(s, "  %-22s %-15s %9u %9s %7s %13s %4ub %5u %13s %13s %11s %s%s%s\n",
                               l->name, l->class_text, l->instances, mesh, fan, cap, l->word_bits,
                               l->block_size, rbw, wbw, energy, role,
                               l->energy.source ? " energy:" : "",
                               l->energy.source ? l->energy.source : "");
        if (l->klass == TS_CLASS_DRAM && l->spec != NULL) {
            const TsDramSpec *d = l->spec;
            if (d->has_timing) {
                g_autofree char *pk = fmt_unit(d->peak_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
                g_autofree char *capd = fmt_unit((double)d->capacity_bytes, TS_UNIT_SIZE);
                g_string_append_printf(
                    s,
                    "      %s%s%s: %" G_GUINT64_FORMAT " ch x %" G_GUINT64_FORMAT
                    " rank x %" G_GUINT64_FORMAT " banks, %" G_GUINT64_FORMAT
                    "-bit bus, %.0f MT/s, tCK %.0f ps, peak %s, %s; tRCD-tCL-tRP %" G_GUINT64_FORMAT
                    "-%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "\n",
                    d->protocol ? d->protocol : "DRAM", d->preset ? " preset " : "",
                    d->preset ? d->preset : "", d->channels, d->ranks, d->total_banks,
                    d->bus_width_bits, d->data_rate_mtps, d->tck_ps, pk, capd, d->cycles.tRCD,
                    d->cycles.tCL, d->cycles.tRP);
            }
        }
        if (l->is_storage && l->resident != 0) {
            g_string_append(s, "      resident (loaded once, read in place):");
            for (guint r = 0; ts_resident_role_name(r) != NULL; r++)
                if (l->resident >> r & 1u)
                    g_string_append_printf(s, " %s", ts_resident_role_name(r));
            g_string_append_c(s, '\n');
        }
        if (l->link_landing)
            g_string_append(s, "      lands the host link above: every tensor crossing it is "
                               "kept here\n");
        if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL && l->is_storage) {
            const TsPimCoreSpec *p = l->spec;
            if (p->kind == TS_PIM_BANK_UNIT && p->bank_level == (int)i && p->dram_level >= 0) {
                g_autofree char *bw = fmt_unit(p->bank_unit_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
                g_string_append_printf(
                    s,
                    "      all-bank mode of %s: %.0f B rows of %.0f bursts of %.0f B, row cycle "
                    "%.0f tCK, %" G_GUINT64_FORMAT " bank%s per unit, refresh %.1f%% of the "
                    "time: %.1f tCK per row, %s per unit%s; %.4g pJ per in-bank burst (%s)\n",
                    ts_arch_level(arch, (guint)p->dram_level)->name, p->bank_row_bytes,
                    p->bank_row_bytes / p->bank_burst_bytes, p->bank_burst_bytes,
                    p->bank_row_cycle_tck, p->banks_per_unit, p->banks_per_unit == 1 ? "" : "s",
                    100.0 * p->bank_refresh_fraction, p->bank_unit_row_tck, bw,
                    p->bank_bw_bytes_per_cycle > 0 ? " (bank_bandwidth given: that is used)" : "",
                    p->bank_burst_pj, p->bank_energy_source ? p->bank_energy_source : "table");
            }
        }
        if (l->klass == TS_CLASS_HOST_LINK && l->spec != NULL) {
            const TsHostLinkSpec *h = l->spec;
            g_autofree char *a = fmt_unit(h->h2d_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
            g_autofree char *b = fmt_unit(h->d2h_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
            g_string_append_printf(s,
                                   "      host->device %s (%.2f pJ/bit), device->host %s "
                                   "(%.2f pJ/bit)\n",
                                   a, h->h2d_pj_per_bit, b, h->d2h_pj_per_bit);
        }
        if (l->klass == TS_CLASS_VECTOR_UNIT && l->spec != NULL) {
            const TsVectorUnitSpec *v = l->spec;
            g_autofree char *f =
                fmt_unit(l->clock_hz > 0 ? l->clock_hz : arch->clock_hz, TS_UNIT_FREQUENCY);
            g_string_append_printf(
                s, "      %" G_GUINT64_FORMAT " lanes at %s%s, per element:", v->lanes, f,
                l->clock_hz > 0 && l->clock_hz != arch->clock_hz ? " (its own clock)" : "");
            for (guint k = 0; k < v->n_ops; k++)
                g_string_append_printf(s, " %s (%.4g cycles, %.4g pJ)", v->ops[k].op,
                                       v->ops[k].cycles_per_element,
                                       v->ops[k].energy_pj_per_element);
            g_string_append_c(s, '\n');
        }
        if (l->klass == TS_CLASS_SYSTOLIC_ARRAY && l->spec != NULL && l->is_compute) {
            static const char *const flows[] = {"ws (weight-stationary)", "os (output-stationary)",
                                                "is (input-stationary)"};
            const TsSystolicSpec *y = l->spec;
            g_string_append_printf(
                s,
                "      %" G_GUINT64_FORMAT " x %" G_GUINT64_FORMAT
                " systolic array, dataflow %s, %" G_GUINT64_FORMAT
                "-bit operands, %" G_GUINT64_FORMAT "-bit accumulators, %" G_GUINT64_FORMAT
                " register word%s per PE\n",
                y->rows, y->cols,
                (guint)y->dataflow < G_N_ELEMENTS(flows) ? flows[y->dataflow] : "?", y->word_bits,
                y->accumulator_bits, y->pe_reg_words, y->pe_reg_words == 1 ? "" : "s");
        }
    }
    for (guint li = 0; li < arch->levels->len; li++) {
        const TsLevel *pl = ts_arch_level(arch, li);
        if (pl->klass != TS_CLASS_DEVICE_PROFILE || pl->spec == NULL)
            continue;
        const TsDeviceProfile *p = pl->spec;
        g_autofree char *h2d = fmt_unit(p->h2d_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_autofree char *d2h = fmt_unit(p->d2h_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_autofree char *mem = fmt_unit(p->mem_bw_bytes_per_s, TS_UNIT_BANDWIDTH);
        g_string_append_printf(s,
                               "  device profile %s: %.4g TFLOP/s (%.3g pJ/FLOP), memory %s "
                               "(%.3g pJ/bit), host->device %s (%.3g pJ/bit), device->host %s "
                               "(%.3g pJ/bit)",
                               p->name, p->flops_per_s / 1e12, p->pj_per_tflop / 1e12, mem,
                               p->mem_pj_per_bit, h2d, p->h2d_pj_per_bit, d2h, p->d2h_pj_per_bit);
        if (p->flops_int4_per_s > 0)
            g_string_append_printf(s, ", int4 %.4g TOP/s", p->flops_int4_per_s / 1e12);
        if (p->softmax_ns_per_element > 0)
            g_string_append_printf(s, ", softmax %.4g ns/elem", p->softmax_ns_per_element);
        if (p->silu_ns_per_element > 0)
            g_string_append_printf(s, ", SiLU %.4g ns/elem", p->silu_ns_per_element);
        if (p->rmsnorm_ns_per_element > 0)
            g_string_append_printf(s, ", RMSNorm %.4g ns/elem", p->rmsnorm_ns_per_element);
        g_string_append_c(s, '\n');
        const TsEfficiencyCurve *curves[] = {&p->compute_efficiency, &p->memory_efficiency};
        static const char *const what[] = {"compute", "memory"};
        for (guint k = 0; k < 2; k++) {
            if (curves[k]->n == 0)
                continue;
            g_string_append_printf(s, "    %s efficiency by %s:", what[k],
                                   ts_efficiency_by_name(curves[k]->by));
            for (guint i = 0; i < curves[k]->n; i++)
                g_string_append_printf(s, "%s %.4g: %.3g%% of peak", i ? "," : "", curves[k]->x[i],
                                       100.0 * curves[k]->y[i]);
            g_string_append_c(s, '\n');
        }
    }
    if (arch->compute >= 0) {
        double peak = ts_arch_peak_macs_per_s(arch);
        const TsLevel *c = ts_arch_level(arch, (guint)arch->compute);
        /* SI prefix (45.88 TMAC/s, not 4.588e+04 GMAC/s) and the MACs per cycle per instance,
         * which is not 1 for a PIM core (1 / cycles_per_mac) or a multi-MAC unit. */
        static const struct {
            double f;
            const char *p;
        } pre[] = {{1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
        double f = 1.0;
        const char *prefix = "";
        for (guint k = 0; k < G_N_ELEMENTS(pre) && f == 1.0; k++)
            if (peak >= pre[k].f) {
                f = pre[k].f;
                prefix = pre[k].p;
            }
        double per = c->instances > 0 ? peak / ((double)c->instances * arch->clock_hz) : 0.0;
        g_string_append_printf(s, "  peak %.4g %sMAC/s (%u %s instances x %.4g MAC/cycle at %s)\n",
                               peak / f, prefix, c->instances, c->name, per, clk);
    }
    g_string_append_printf(s,
                           "  static: leakage %.6g pJ per cycle (%.6g W), area %.6g mm^2 (all "
                           "levels and instances)\n",
                           ts_arch_leak_pj_per_cycle(arch),
                           ts_arch_leak_pj_per_cycle(arch) * 1e-12 * arch->clock_hz,
                           ts_arch_area_um2(arch) / 1e6);
    g_string_append_printf(s, "  mappable by the analytical model: %s",
                           ts_arch_is_mappable(arch) ? "yes" : "no");
    if (ts_arch_is_mappable(arch))
        g_string_append_printf(s, " (%u storage levels + compute)\n", arch->n_storage);
    else
        g_string_append(s, " (needs storage levels and one compute level)\n");
    for (guint i = 0; i < arch->notes->len && arch->notes->pdata[i]; i++)
        g_string_append_printf(s, "  note: %s\n", (const char *)arch->notes->pdata[i]);
    return g_string_free(s, FALSE);
}

static gboolean close_enough(double a, double b)
{
    if (a == b)
        return TRUE;
    return fabs(a - b) <= 1e-9 * MAX(fabs(a), fabs(b));
}

char *ts_arch_diff(const TsArch *a, const TsArch *b, gboolean energies)
{
    g_return_val_if_fail(a != NULL && b != NULL, NULL);
    if (a->levels->len != b->levels->len)
        return g_strdup_printf("level count %u != %u", a->levels->len, b->levels->len);
    if (a->n_storage != b->n_storage || a->compute != b->compute)
        return g_strdup_printf("storage/compute split differs (%u/%d vs %u/%d)", a->n_storage,
                               a->compute, b->n_storage, b->compute);
    for (guint i = 0; i < a->levels->len; i++) {
        const TsLevel *x = ts_arch_level(a, i), *y = ts_arch_level(b, i);
#define TS_DIFF_INT(f)                                                                             \
    if ((guint64)x->f != (guint64)y->f)                                                            \
        return g_strdup_printf("level %u (%s): " #f " %" G_GUINT64_FORMAT                          \
                               " != %" G_GUINT64_FORMAT,                                           \
                               i, x->name, (guint64)x->f, (guint64)y->f);
#define TS_DIFF_DBL(f)                                                                             \
    if (!close_enough(x->f, y->f))                                                                 \
        return g_strdup_printf("level %u (%s): " #f " %.9g != %.9g", i, x->name, x->f, y->f);
        if (strcmp(x->name, y->name) != 0)
            return g_strdup_printf("level %u: name '%s' != '%s'", i, x->name, y->name);
        TS_DIFF_INT(klass)
        TS_DIFF_INT(is_storage)
        TS_DIFF_INT(is_compute)
        TS_DIFF_INT(instances)
        TS_DIFF_INT(mesh_x)
        TS_DIFF_INT(mesh_y)
        TS_DIFF_INT(fanout_x)
        TS_DIFF_INT(fanout_y)
        TS_DIFF_INT(size_words)
        TS_DIFF_INT(zero_capacity)
        TS_DIFF_INT(word_bits)
        TS_DIFF_INT(block_size)
        TS_DIFF_INT(cluster_size)
        TS_DIFF_DBL(read_bw_words_per_cycle)
        TS_DIFF_DBL(write_bw_words_per_cycle)
        TS_DIFF_DBL(fill_bw_words_per_cycle)
        TS_DIFF_DBL(update_bw_words_per_cycle)
        TS_DIFF_DBL(shared_bw_words_per_cycle)
        TS_DIFF_DBL(multiple_buffering)
        TS_DIFF_DBL(min_utilization)
        if (!energies)
            continue;
        TS_DIFF_DBL(energy.read_pj)
        TS_DIFF_DBL(energy.write_pj)
        TS_DIFF_DBL(energy.update_pj)
        TS_DIFF_DBL(energy.mac_pj)
#undef TS_DIFF_INT
#undef TS_DIFF_DBL
    }
    return NULL;
}

static int compare_op_name(const void *key, const void *elem)
{
    return strcmp(key, ((const TsVectorOp *)elem)->op);
}

const TsVectorOp *ts_vector_unit_op(const TsVectorUnitSpec *spec, const char *op)
{
    g_return_val_if_fail(spec != NULL && op != NULL, NULL);
    return bsearch(op, spec->ops, spec->n_ops, sizeof(TsVectorOp), compare_op_name);
}
