/* Device profiles of the UPMEM LLM profiler (upmem_llm_framework's sim_architectures.yaml,
 * validated like its architectures_schema.json: the eight bandwidth/energy/compute keys are
 * required, three per-element latencies and tflops_int4 optional, nothing else allowed). A
 * profile loads as an arch with one device_profile level. Device names follow the profiler's
 * rule: underscores in a profile name become hyphens in its layer mapping, so "PIM-AI-4dimm"
 * selects PIM_AI_4dimm. */
#include "ts-arch-private.h"
#include "ts-doc-kind.h"

#include <string.h>

char **ts_arch_upmem_names(const TsDoc *doc, GError **error)
{
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING) {
        ts_config_error(error, root, TS_CONFIG_ERROR_TYPE, NULL,
                        "expected a mapping of profile name -> profile");
        return NULL;
    }
    GStrvBuilder *b = g_strv_builder_new();
    for (guint i = 0; i < root->n; i++)
        g_strv_builder_add(b, ts_node_key(root, i));
    char **names = g_strv_builder_end(b);
    g_strv_builder_unref(b);
    return names;
}

gboolean ts_arch_device_name_matches(const char *profile_name, const char *name)
{
    g_return_val_if_fail(profile_name != NULL && name != NULL, FALSE);
    if (strcmp(profile_name, name) == 0)
        return TRUE;
    g_autofree char *hy = g_strdup(profile_name);
    g_strdelimit(hy, "_", '-');
    return strcmp(hy, name) == 0;
}

TsArch *ts_arch_load_upmem(const TsDoc *doc, const char *file, const char *device, GError **error)
{
    const TsNode *root = doc->root;
    const TsNode *profile = NULL, *key_node = NULL;
    const char *name = NULL;
    for (guint i = 0; root != NULL && root->kind == TS_NODE_MAPPING && i < root->n; i++) {
        if (ts_arch_device_name_matches(ts_node_key(root, i), device)) {
            name = ts_node_key(root, i);
            profile = ts_node_value(root, i);
            key_node = ts_node_key_node(root, i);
            break;
        }
    }
    if (profile == NULL) {
        g_auto(GStrv) names = ts_arch_upmem_names(doc, error);
        if (names == NULL)
            return NULL;
        /* Suggest among both spellings. */
        GStrvBuilder *b = g_strv_builder_new();
        for (guint i = 0; names[i]; i++) {
            g_strv_builder_add(b, names[i]);
            g_autofree char *hy = g_strdup(names[i]);
            g_strdelimit(hy, "_", '-');
            g_strv_builder_add(b, hy);
        }
        g_auto(GStrv) both = g_strv_builder_end(b);
        g_strv_builder_unref(b);
        g_autofree char *hint = ts_config_suggest(device, (const char *const *)both);
        g_autofree char *list = g_strjoinv(", ", names);
        ts_config_error(error, root, TS_CONFIG_ERROR_REFERENCE, NULL,
                        "unknown device '%s'%s; profiles (underscores may be written as "
                        "hyphens): %s",
                        device, hint, list);
        return NULL;
    }
    TsUpmemRaw raw = {0};
    if (!ts_schema_apply(ts_arch_upmem_profile_fields(), profile, name, &raw, NULL, FALSE, error))
        return NULL;
    g_autoptr(TsArch) arch = ts_arch_new_empty(file, TS_ARCH_FORMAT_UPMEM_PROFILE);
    arch->name = g_strdup(name);
    arch->clock_hz = 1e9;
    g_free(arch->clock_source);
    arch->clock_source = g_strdup("a device profile has no clock: 1 GHz nominal");
    int idx = ts_arch_add_level(arch, name, TS_CLASS_DEVICE_PROFILE, key_node, error);
    if (idx < 0)
        return NULL;
    TsDeviceProfile *p = ts_arch_alloc(arch, sizeof *p);
    p->name = ts_arch_intern(arch, name);
    p->h2d_bw_bytes_per_s = raw.h2d_gbs * 1e9;
    p->h2d_pj_per_bit = raw.h2d_pj_per_bit;
    p->d2h_bw_bytes_per_s = raw.d2h_gbs * 1e9;
    p->d2h_pj_per_bit = raw.d2h_pj_per_bit;
    p->mem_bw_bytes_per_s = raw.mem_gbs * 1e9;
    p->mem_pj_per_bit = raw.mem_pj_per_bit;
    p->flops_per_s = raw.tflops * 1e12;
    p->pj_per_tflop = raw.pj_per_tflop;
    p->flops_int4_per_s = raw.tflops_int4 * 1e12;
    p->softmax_ns_per_element = raw.softmax_ns;
    p->silu_ns_per_element = raw.silu_ns;
    p->rmsnorm_ns_per_element = raw.rmsnorm_ns;
    TsLevel *l = ts_arch_level_mut(arch, (guint)idx);
    l->spec = p;
    l->energy.per_bit_pj = p->mem_pj_per_bit;
    l->energy.source = "yaml";
    arch->profile = p;
    return g_steal_pointer(&arch);
}
