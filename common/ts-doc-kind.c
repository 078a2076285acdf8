/* Document kinds by top-level keys (ts-doc-kind.h). */
#include "ts-doc-kind.h"

/* The UPMEM LLM profiler's device-profile keys (upmem_llm_framework's
 * architectures_schema.json), as arch/ts-arch-schema.c validates them. */
static const char *const upmem_profile_keys[] = {
    "host_to_device_bw_GBs",
    "host_to_device_pj_per_bit",
    "device_to_host_bw_GBs",
    "device_to_host_pj_per_bit",
    "mem_bw_GBs",
    "mem_pj_per_bit",
    "tflops",
    "pj_per_tflop",
    "tflops_int4",
    "softmax_ns_per_element",
    "SiLU_ns_per_element",
    "RMSNorm_ns_per_element",
    NULL,
};

const char *const *ts_doc_kind_upmem_profile_keys(void)
{
    return upmem_profile_keys;
}

gboolean ts_doc_kind_is_upmem_profiles(const TsDoc *doc)
{
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING || root->n == 0)
        return FALSE;
    const TsNode *first = ts_node_value(root, 0);
    if (first->kind != TS_NODE_MAPPING)
        return FALSE;
    for (guint i = 0; upmem_profile_keys[i]; i++) {
        if (ts_node_get(first, upmem_profile_keys[i]) != NULL)
            return TRUE;
    }
    return FALSE;
}

const char *ts_doc_kind_name(TsDocKind kind)
{
    switch (kind) {
    case TS_DOC_KIND_UNKNOWN:
        return "an unrecognised document";
    case TS_DOC_KIND_TILESIM_ARCH:
        return "a tilesim architecture";
    case TS_DOC_KIND_TIMELOOP_ARCH:
        return "a Timeloop architecture";
    case TS_DOC_KIND_UPMEM_PROFILES:
        return "a UPMEM-profiler device-profile file";
    case TS_DOC_KIND_ACCELERGY_ERT:
        return "an Accelergy energy reference table (ERT)";
    case TS_DOC_KIND_ACCELERGY_ART:
        return "an Accelergy area reference table (ART)";
    case TS_DOC_KIND_ACCELERGY_COMPONENTS:
        return "an Accelergy compound-component library";
    case TS_DOC_KIND_TIMELOOP_PROBLEM:
        return "a Timeloop problem (workload)";
    case TS_DOC_KIND_TIMELOOP_MAPPING:
        return "a Timeloop mapping";
    case TS_DOC_KIND_TIMELOOP_CONSTRAINTS:
        return "Timeloop mapspace constraints";
    case TS_DOC_KIND_TIMELOOP_MAPPER:
        return "a Timeloop mapper configuration";
    case TS_DOC_KIND_TIMELOOP_VARIABLES:
        return "a Timeloop variables file";
    case TS_DOC_KIND_TILESIM_WORKLOAD:
        return "a tilesim workload";
    case TS_DOC_KIND_JSON_SCHEMA:
        return "a JSON schema";
    case TS_DOC_KIND_PIM_DL_CONFIG:
        return "a PIM-DL tuner/engine configuration (its system_params correspond to the "
               "library arch upmem-pim)";
    }
    return "?";
}

TsDocKind ts_doc_kind_of(const TsDoc *doc)
{
    g_return_val_if_fail(doc != NULL, TS_DOC_KIND_UNKNOWN);
    const TsNode *root = doc->root;
    if (root == NULL || root->kind != TS_NODE_MAPPING)
        return TS_DOC_KIND_UNKNOWN;
    const TsNode *a = ts_node_get(root, "architecture");
    if (a != NULL) {
        if (a->kind == TS_NODE_MAPPING &&
            (ts_node_get(a, "subtree") != NULL || ts_node_get(a, "nodes") != NULL))
            return TS_DOC_KIND_TIMELOOP_ARCH;
        return TS_DOC_KIND_TILESIM_ARCH;
    }
    /* Each kind is recognised by a top-level key whose value is a collection. */
    static const struct {
        const char *key;
        TsDocKind kind;
    } keys[] = {
        {"ERT", TS_DOC_KIND_ACCELERGY_ERT},
        {"ART", TS_DOC_KIND_ACCELERGY_ART},
        {"compound_components", TS_DOC_KIND_ACCELERGY_COMPONENTS},
        {"problem", TS_DOC_KIND_TIMELOOP_PROBLEM},
        {"mapping", TS_DOC_KIND_TIMELOOP_MAPPING},
        {"constraints", TS_DOC_KIND_TIMELOOP_CONSTRAINTS},
        {"mapspace", TS_DOC_KIND_TIMELOOP_CONSTRAINTS},
        {"mapspace_constraints", TS_DOC_KIND_TIMELOOP_CONSTRAINTS},
        {"mapper", TS_DOC_KIND_TIMELOOP_MAPPER},
        {"variables", TS_DOC_KIND_TIMELOOP_VARIABLES},
        {"workload", TS_DOC_KIND_TILESIM_WORKLOAD},
        {"system_params", TS_DOC_KIND_PIM_DL_CONFIG},
    };
    for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
        const TsNode *v = ts_node_get(root, keys[i].key);
        if (v != NULL && v->kind != TS_NODE_SCALAR)
            return keys[i].kind;
    }
    if (ts_node_get(root, "$schema") != NULL ||
        (ts_node_get(root, "type") != NULL && (ts_node_get(root, "properties") != NULL ||
                                               ts_node_get(root, "additionalProperties") != NULL)))
        return TS_DOC_KIND_JSON_SCHEMA;
    if (ts_doc_kind_is_upmem_profiles(doc))
        return TS_DOC_KIND_UPMEM_PROFILES;
    return TS_DOC_KIND_UNKNOWN;
}
