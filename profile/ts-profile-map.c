/* Device profiles by name and the layer map: which device each op runs on and where its
 * input crosses the host, in the form of the UPMEM LLM profiler's layer_mapping
 * (`name: "device,options"`, options 't' transfer point and 'm' MoE transfer point), by op
 * name, by the Hugging Face module names the profiler's LLaMA examples map, or by op class. */
#include "ts-profile.h"

#include <stdarg.h>
#include <string.h>

#include "ts-config.h"
#include "ts-doc-kind.h"
#include "ts-library.h"

/* ---- Devices ------------------------------------------------------------------------------ */

typedef struct {
    const char *name; /* the profile's name (owned by its arch) */
    const TsDeviceProfile *profile;
} TsDeviceEntry;

struct TsProfileDevices {
    GPtrArray *archs; /* TsArch *, owned */
    GArray *entries;  /* TsDeviceEntry, file order */
};

TsProfileDevices *ts_profile_devices_new(void)
{
    TsProfileDevices *d = g_new0(TsProfileDevices, 1);
    d->archs = g_ptr_array_new_with_free_func((GDestroyNotify)ts_arch_free);
    d->entries = g_array_new(FALSE, TRUE, sizeof(TsDeviceEntry));
    return d;
}

void ts_profile_devices_free(TsProfileDevices *devices)
{
    if (devices == NULL)
        return;
    g_ptr_array_unref(devices->archs);
    g_array_unref(devices->entries);
    g_free(devices);
}

guint ts_profile_devices_n(const TsProfileDevices *devices)
{
    g_return_val_if_fail(devices != NULL, 0);
    return devices->entries->len;
}

const TsDeviceProfile *ts_profile_devices_find(const TsProfileDevices *devices, const char *name)
{
    g_return_val_if_fail(devices != NULL && name != NULL, NULL);
    for (guint i = 0; i < devices->entries->len; i++) {
        const TsDeviceEntry *e = &g_array_index(devices->entries, TsDeviceEntry, i);
        if (ts_arch_device_name_matches(e->name, name))
            return e->profile;
    }
    return NULL;
}

const TsDeviceProfile *ts_profile_devices_lookup(const TsProfileDevices *devices, const char *name,
                                                 GError **error)
{
    const TsDeviceProfile *p = ts_profile_devices_find(devices, name);
    if (p != NULL)
        return p;
    GStrvBuilder *b = g_strv_builder_new();
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < devices->entries->len; i++) {
        const TsDeviceEntry *e = &g_array_index(devices->entries, TsDeviceEntry, i);
        g_autofree char *hy = g_strdup(e->name);
        g_strdelimit(hy, "_", '-');
        g_strv_builder_add(b, e->name);
        g_strv_builder_add(b, hy);
        g_string_append_printf(list, "%s%s", i ? ", " : "", hy);
    }
    g_auto(GStrv) names = g_strv_builder_end(b);
    g_strv_builder_unref(b);
    g_autofree char *hint = ts_config_suggest(name, (const char *const *)names);
    if (g_ascii_strcasecmp(name, "HOST") == 0)
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                    "device 'HOST': every op runs on a device profile here (the profiler's HOST "
                    "placeholder, 1 TFLOP/s and 1 GB/s, is not modelled); devices: %s",
                    list->str);
    else
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                    "unknown device '%s'%s; devices: %s", name, hint,
                    list->len ? list->str : "(none loaded)");
    g_string_free(list, TRUE);
    return NULL;
}

static gboolean add_device(TsProfileDevices *d, const char *name, const TsDeviceProfile *p,
                           const char *file, GError **error)
{
    for (guint i = 0; i < d->entries->len; i++) {
        const TsDeviceEntry *e = &g_array_index(d->entries, TsDeviceEntry, i);
        if (ts_arch_device_name_matches(e->name, name) ||
            ts_arch_device_name_matches(name, e->name)) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_DUPLICATE,
                        "%s: device '%s' is already defined by an earlier device file (got it "
                        "again)",
                        file, name);
            return FALSE;
        }
    }
    TsDeviceEntry e = {name, p};
    g_array_append_val(d->entries, e);
    return TRUE;
}

gboolean ts_profile_devices_add_file(TsProfileDevices *devices, const char *path_or_name,
                                     GError **error)
{
    g_return_val_if_fail(devices != NULL && path_or_name != NULL, FALSE);
    g_autofree char *path = ts_library_resolve(TS_LIBRARY_ARCH, path_or_name, error);
    if (path == NULL)
        return FALSE;
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return FALSE;
    if (ts_doc_kind_of(doc) == TS_DOC_KIND_UPMEM_PROFILES) {
        g_auto(GStrv) names = ts_arch_device_names(path, error);
        if (names == NULL)
            return FALSE;
        for (guint i = 0; names[i]; i++) {
            TsArch *a = ts_arch_load_device(path, names[i], error);
            if (a == NULL)
                return FALSE;
            g_ptr_array_add(devices->archs, a);
            const TsDeviceProfile *p = ts_arch_device_profile(a);
            if (!add_device(devices, p->name, p, path, error))
                return FALSE;
        }
        return TRUE;
    }
    TsArch *a = ts_arch_load(path, NULL, error);
    if (a == NULL)
        return FALSE;
    g_ptr_array_add(devices->archs, a);
    guint found = 0;
    for (guint i = 0; i < ts_arch_n_levels(a); i++) {
        const TsLevel *l = ts_arch_level(a, i);
        if (l->klass != TS_CLASS_DEVICE_PROFILE || l->spec == NULL)
            continue;
        const TsDeviceProfile *p = l->spec;
        if (!add_device(devices, p->name, p, path, error))
            return FALSE;
        found++;
    }
    if (found == 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: architecture %s has no device_profile level: the profile engine runs "
                    "on device profiles (a UPMEM-profiler device file such as "
                    "sim_architectures.yaml, or levels of class device_profile)",
                    path, ts_arch_name(a));
        return FALSE;
    }
    return TRUE;
}

/* ---- Layer map ---------------------------------------------------------------------------- */

typedef enum { TS_MAP_BY_OP, TS_MAP_BY_ALIAS, TS_MAP_BY_CLASS } TsMapTier;

typedef struct {
    char *name;
    TsProfilePlacement placement;
    TsMapTier tier;
    const char *target; /* alias: the op name; class: the canonical class */
    guint line, col;
} TsMapEntry;

struct TsProfileMap {
    char *file; /* for messages; NULL when built in code */
    TsProfilePlacement def;
    gboolean has_def;
    GArray *entries; /* TsMapEntry, file order */
    char *moe_end;
    guint moe_line, moe_col;
    guint experts;
    GPtrArray *notes; /* char *, NULL-terminated on demand */
};

/* The Hugging Face module names of LlamaForCausalLM the profiler's LLaMA examples map, and the
 * tilesim op each one is. */
static const struct {
    const char *hf, *op;
} aliases[] = {
    {"embed_tokens", "embed"}, {"input_layernorm", "attn_norm"},
    {"q_proj", "Q"},           {"k_proj", "K"},
    {"v_proj", "V"},           {"rotary_emb", "rope"},
    {"o_proj", "Out"},         {"post_attention_layernorm", "ffn_norm"},
    {"gate_proj", "gate"},     {"act_fn", "silu"},
    {"up_proj", "up"},         {"down_proj", "down"},
    {"norm", "final_norm"},
};

/* Op classes: tilesim's broad classes, the elementwise kinds, and the profiler's class-name
 * keys (it maps functional layers such as LlamaRMSNorm by class). Canonical name first. */
static const struct {
    const char *name, *canonical;
} classes[] = {
    {"linear", "linear"},
    {"attention", "attention"},
    {"normalization", "normalization"},
    {"activation", "activation"},
    {"softmax", "softmax"},
    {"layernorm", "layernorm"},
    {"rmsnorm", "rmsnorm"},
    {"gelu", "gelu"},
    {"silu", "silu"},
    {"add", "add"},
    {"mul", "mul"},
    {"rope", "rope"},
    {"embed", "embed"},
    {"Linear", "linear"},
    {"LlamaRMSNorm", "rmsnorm"},
    {"SiLU", "silu"},
    {"Softmax", "softmax"},
    {"LayerNorm", "layernorm"},
    {"NewGELUActivation", "gelu"},
    {"Embedding", "embed"},
    {"LlamaRotaryEmbedding", "rope"},
};

static gboolean op_in_class(const TsOp *op, const char *cls)
{
    gboolean ew = op->kind == TS_OP_ELEMENTWISE;
    if (strcmp(cls, "linear") == 0)
        return op->kind == TS_OP_EINSUM && op->param_elements > 0;
    if (strcmp(cls, "attention") == 0)
        return (op->kind == TS_OP_EINSUM && op->param_elements == 0) ||
               (ew && op->ew_kind == TS_EW_SOFTMAX);
    if (strcmp(cls, "normalization") == 0)
        return ew && (op->ew_kind == TS_EW_LAYERNORM || op->ew_kind == TS_EW_RMSNORM);
    if (strcmp(cls, "activation") == 0)
        return ew && (op->ew_kind == TS_EW_GELU || op->ew_kind == TS_EW_SILU);
    return ew && strcmp(ts_elementwise_kind_name(op->ew_kind), cls) == 0;
}

static gboolean entry_matches(const TsMapEntry *e, const TsOp *op)
{
    switch (e->tier) {
    case TS_MAP_BY_OP:
        return strcmp(e->name, op->name) == 0;
    case TS_MAP_BY_ALIAS:
        return strcmp(e->target, op->name) == 0;
    case TS_MAP_BY_CLASS:
        return op_in_class(op, e->target);
    }
    return FALSE;
}

static void entry_clear(gpointer p)
{
    g_free(((TsMapEntry *)p)->name);
}

static TsProfileMap *map_new(void)
{
    TsProfileMap *m = g_new0(TsProfileMap, 1);
    m->entries = g_array_new(FALSE, TRUE, sizeof(TsMapEntry));
    g_array_set_clear_func(m->entries, entry_clear);
    m->notes = g_ptr_array_new_with_free_func(g_free);
    m->experts = 2;
    return m;
}

void ts_profile_map_free(TsProfileMap *map)
{
    if (map == NULL)
        return;
    g_array_unref(map->entries);
    g_ptr_array_unref(map->notes);
    g_free(map->moe_end);
    g_free(map->file);
    g_free(map);
}

/* "DEVICE[,OPTS]" with OPTS letters t and m (the profiler reads them by substring). */
static gboolean parse_spec(const char *spec, const TsProfileDevices *devices,
                           TsProfilePlacement *out, GError **error)
{
    memset(out, 0, sizeof *out);
    const char *comma = strchr(spec, ',');
    g_autofree char *dev = comma ? g_strndup(spec, (gsize)(comma - spec)) : g_strdup(spec);
    g_strstrip(dev);
    if (dev[0] == '\0') {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "expected DEVICE[,OPTIONS] with options t and m (got '%s')", spec);
        return FALSE;
    }
    for (const char *o = comma ? comma + 1 : ""; *o; o++) {
        if (*o == 't')
            out->transfer = TRUE;
        else if (*o == 'm')
            out->moe = TRUE;
        else if (*o != ' ') {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "unknown option '%c' in '%s': the options are t (transfer point) and m "
                        "(MoE transfer point)",
                        *o, spec);
            return FALSE;
        }
    }
    out->device = ts_profile_devices_lookup(devices, dev, error);
    return out->device != NULL;
}

/* Places a position-less error at node (file:line:col: path: message). */
static gboolean at_node(GError **error, GError *local, const TsNode *node, const char *path)
{
    ts_config_error(error, node, (TsConfigError)local->code, path, "%s", local->message);
    return FALSE;
}

TsProfileMap *ts_profile_map_new(const char *default_spec, const TsProfileDevices *devices,
                                 GError **error)
{
    g_autoptr(TsProfileMap) m = map_new();
    if (default_spec != NULL && !ts_profile_map_set_default(m, default_spec, devices, error))
        return NULL;
    return g_steal_pointer(&m);
}

gboolean ts_profile_map_set_default(TsProfileMap *map, const char *spec,
                                    const TsProfileDevices *devices, GError **error)
{
    g_return_val_if_fail(map != NULL && spec != NULL && devices != NULL, FALSE);
    if (!parse_spec(spec, devices, &map->def, error))
        return FALSE;
    map->has_def = TRUE;
    return TRUE;
}

gboolean ts_profile_map_has_default(const TsProfileMap *map)
{
    return map != NULL && map->has_def;
}

static gboolean add_pair(TsProfileMap *m, const char *name, const TsNode *key_node,
                         const TsNode *value, const char *path, const TsProfileDevices *devices,
                         GError **error)
{
    const char *spec;
    if (!ts_node_string(value, path, &spec, error))
        return FALSE;
    TsMapEntry e = {0};
    g_autoptr(GError) local = NULL;
    if (!parse_spec(spec, devices, &e.placement, &local))
        return at_node(error, local, value, path);
    e.tier = TS_MAP_BY_OP;
    for (guint i = 0; i < G_N_ELEMENTS(aliases); i++) {
        if (strcmp(name, aliases[i].hf) == 0) {
            e.tier = TS_MAP_BY_ALIAS;
            e.target = aliases[i].op;
        }
    }
    /* an op named like a class ("softmax") is the op itself; check resolves the rest */
    for (guint i = 0; i < G_N_ELEMENTS(classes) && e.tier == TS_MAP_BY_OP; i++) {
        if (strcmp(name, classes[i].name) == 0) {
            e.tier = TS_MAP_BY_CLASS;
            e.target = classes[i].canonical;
        }
    }
    e.name = g_strdup(name);
    e.line = key_node->line;
    e.col = key_node->col;
    g_array_append_val(m->entries, e);
    return TRUE;
}

TsProfileMap *ts_profile_map_load(const char *path, TsProfileDevices *devices, GError **error)
{
    g_return_val_if_fail(path != NULL && devices != NULL, NULL);
    g_autoptr(TsDoc) doc = ts_doc_load_file(path, NULL, error);
    if (doc == NULL)
        return NULL;
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root, TS_CONFIG_ERROR_TYPE, NULL,
                        "expected a layer map: a mapping with layer_mapping and default");
        return NULL;
    }
    static const char *const keys[] = {
        "default", "devices", "layer_mapping", "moe_end", "experts_per_token", "description", NULL};
    if (!ts_schema_check_keys(root, "", keys, error))
        return NULL;
    const TsNode *lm = ts_node_get(root, "layer_mapping");
    if (lm == NULL || lm->kind != TS_NODE_MAPPING) {
        ts_config_error(error, lm ? lm : root, lm ? TS_CONFIG_ERROR_TYPE : TS_CONFIG_ERROR_MISSING,
                        "layer_mapping",
                        "expected a mapping of op / module / class names to 'DEVICE[,OPTIONS]'");
        return NULL;
    }
    g_autoptr(TsProfileMap) m = map_new();
    m->file = g_strdup(path);
    const TsNode *dv = ts_node_get(root, "devices");
    if (dv != NULL) {
        if (dv->kind != TS_NODE_SEQUENCE) {
            ts_config_error(error, dv, TS_CONFIG_ERROR_TYPE, "devices",
                            "expected a list of device files");
            return NULL;
        }
        g_autofree char *dir = g_path_get_dirname(path);
        for (guint i = 0; i < dv->n; i++) {
            g_autofree char *ip = ts_path_index("devices", i);
            const char *f;
            if (!ts_node_string(dv->items[i], ip, &f, error))
                return NULL;
            g_autofree char *full =
                g_path_is_absolute(f) ? g_strdup(f) : g_build_filename(dir, f, NULL);
            g_autoptr(GError) local = NULL;
            if (!ts_profile_devices_add_file(devices, full, &local)) {
                at_node(error, local, dv->items[i], ip);
                return NULL;
            }
        }
    }
    const TsNode *dn = ts_node_get(root, "default");
    if (dn != NULL) {
        const char *spec;
        if (!ts_node_string(dn, "default", &spec, error))
            return NULL;
        g_autoptr(GError) local = NULL;
        if (!ts_profile_map_set_default(m, spec, devices, &local)) {
            at_node(error, local, dn, "default");
            return NULL;
        }
    }
    for (guint i = 0; i < lm->n; i++) {
        const char *name = ts_node_key(lm, i);
        g_autofree char *kp = ts_path_key("layer_mapping", name);
        if (!add_pair(m, name, ts_node_key_node(lm, i), ts_node_value(lm, i), kp, devices, error))
            return NULL;
    }
    const TsNode *me = ts_node_get(root, "moe_end");
    if (me != NULL) {
        const char *name;
        if (!ts_node_string(me, "moe_end", &name, error))
            return NULL;
        m->moe_end = g_strdup(name);
        m->moe_line = me->line;
        m->moe_col = me->col;
    }
    const TsNode *ep = ts_node_get(root, "experts_per_token");
    if (ep != NULL) {
        guint64 k;
        if (!ts_node_uint(ep, "experts_per_token", &k, error))
            return NULL;
        if (k < 1 || k > 1024) {
            ts_config_error(error, ep, TS_CONFIG_ERROR_RANGE, "experts_per_token",
                            "must be within 1 .. 1024 (got %" G_GUINT64_FORMAT ")", k);
            return NULL;
        }
        if (me == NULL) {
            ts_config_error(error, ep, TS_CONFIG_ERROR_INVALID, "experts_per_token",
                            "applies with moe_end (the op after which the other experts' outputs "
                            "return to the host); got experts_per_token without moe_end");
            return NULL;
        }
        m->experts = (guint)k;
    }
    return g_steal_pointer(&m);
}

/* Does any op of the parts match e? */
static gboolean entry_hits(const TsMapEntry *e, const TsWorkload *const *parts, guint n)
{
    for (guint p = 0; p < n; p++) {
        for (guint i = 0; i < ts_workload_n_ops(parts[p]); i++) {
            if (entry_matches(e, ts_workload_op(parts[p], i)))
                return TRUE;
        }
    }
    return FALSE;
}

static gboolean op_named(const char *name, const TsWorkload *const *parts, guint n)
{
    for (guint p = 0; p < n; p++) {
        if (ts_workload_find_op(parts[p], name) != NULL)
            return TRUE;
    }
    return FALSE;
}

static gboolean map_error(const TsProfileMap *m, GError **error, guint line, guint col,
                          TsConfigError code, const char *fmt, ...) G_GNUC_PRINTF(6, 7);
static gboolean map_error(const TsProfileMap *m, GError **error, guint line, guint col,
                          TsConfigError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (m->file != NULL)
        g_set_error(error, TS_CONFIG_ERROR, code, "%s:%u:%u: %s", m->file, line, col, msg);
    else
        g_set_error_literal(error, TS_CONFIG_ERROR, code, msg);
    return FALSE;
}

gboolean ts_profile_map_check(TsProfileMap *map, const TsWorkload *const *run_parts, guint n_run,
                              const TsWorkload *const *all_parts, guint n_all, GError **error)
{
    g_return_val_if_fail(map != NULL, FALSE);
    if (!map->has_def)
        return map_error(map, error, 1, 1, TS_CONFIG_ERROR_MISSING,
                         "default: no default device (give `default: DEVICE` in the map or "
                         "--device NAME)");
    g_ptr_array_set_size(map->notes, 0);
    for (guint i = 0; i < map->entries->len; i++) {
        const TsMapEntry *e = &g_array_index(map->entries, TsMapEntry, i);
        if (entry_hits(e, run_parts, n_run))
            continue;
        if (entry_hits(e, all_parts, n_all)) {
            g_ptr_array_add(map->notes,
                            g_strdup_printf("layer_mapping.%s: matches no op of this run (it "
                                            "names ops of the whole model: run it with --gen)",
                                            e->name));
            continue;
        }
        /* Candidates for a did-you-mean: op names, aliases, classes. */
        GStrvBuilder *b = g_strv_builder_new();
        for (guint p = 0; p < n_all; p++)
            for (guint k = 0; k < ts_workload_n_ops(all_parts[p]); k++)
                g_strv_builder_add(b, ts_workload_op(all_parts[p], k)->name);
        if (e->tier == TS_MAP_BY_OP) {
            for (guint k = 0; k < G_N_ELEMENTS(aliases); k++)
                g_strv_builder_add(b, aliases[k].hf);
            for (guint k = 0; k < G_N_ELEMENTS(classes); k++)
                g_strv_builder_add(b, classes[k].name);
        }
        g_auto(GStrv) cands = g_strv_builder_end(b);
        g_strv_builder_unref(b);
        g_autofree char *hint = ts_config_suggest(e->name, (const char *const *)cands);
        g_autofree char *what =
            e->tier == TS_MAP_BY_OP ? g_strdup("no op of the workload has this name")
            : e->tier == TS_MAP_BY_ALIAS
                ? g_strdup_printf("the Hugging Face module names op %s of LLaMA-family layers, "
                                  "which this workload does not have",
                                  e->target)
                : g_strdup_printf("no op of class %s here", e->target);
        return map_error(map, error, e->line, e->col, TS_CONFIG_ERROR_REFERENCE,
                         "layer_mapping.%s: %s%s (got '%s')", e->name, what, hint, e->name);
    }
    if (map->moe_end != NULL && !op_named(map->moe_end, all_parts, n_all))
        return map_error(map, error, map->moe_line, map->moe_col, TS_CONFIG_ERROR_REFERENCE,
                         "moe_end: no op of the workload is named '%s'", map->moe_end);
    return TRUE;
}

TsProfilePlacement ts_profile_map_place(const TsProfileMap *map, const TsOp *op)
{
    static const TsMapTier tiers[] = {TS_MAP_BY_OP, TS_MAP_BY_ALIAS, TS_MAP_BY_CLASS};
    for (guint t = 0; t < G_N_ELEMENTS(tiers); t++) {
        for (guint i = 0; i < map->entries->len; i++) {
            const TsMapEntry *e = &g_array_index(map->entries, TsMapEntry, i);
            if (e->tier == tiers[t] && entry_matches(e, op))
                return e->placement;
        }
    }
    return map->def;
}

const char *const *ts_profile_map_notes(const TsProfileMap *map)
{
    g_return_val_if_fail(map != NULL, NULL);
    if (map->notes->len == 0 || g_ptr_array_index(map->notes, map->notes->len - 1) != NULL)
        g_ptr_array_add(map->notes, NULL);
    return (const char *const *)map->notes->pdata;
}

const char *ts_profile_map_moe_end(const TsProfileMap *map)
{
    return map->moe_end;
}

guint ts_profile_map_experts_per_token(const TsProfileMap *map)
{
    return map->experts;
}
