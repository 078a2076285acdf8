/* What a parsed YAML/JSON document is, recognised by its top-level keys: one place every loader
 * and `tilesim check` share, so an architecture, a workload, a Timeloop problem, mapping or
 * constraints file, an Accelergy table or a UPMEM-profiler device file is named the same way
 * in every message. */
#ifndef TS_COMMON_DOC_KIND_H
#define TS_COMMON_DOC_KIND_H

#include <glib.h>

#include "ts-config.h"

G_BEGIN_DECLS

typedef enum {
    TS_DOC_KIND_UNKNOWN,
    TS_DOC_KIND_TILESIM_ARCH,
    TS_DOC_KIND_TIMELOOP_ARCH,
    TS_DOC_KIND_UPMEM_PROFILES,
    TS_DOC_KIND_ACCELERGY_ERT,
    TS_DOC_KIND_ACCELERGY_ART,        /* area reference table (ART:) */
    TS_DOC_KIND_ACCELERGY_COMPONENTS, /* compound_components: class definitions */
    TS_DOC_KIND_TIMELOOP_PROBLEM,
    TS_DOC_KIND_TIMELOOP_MAPPING,
    TS_DOC_KIND_TIMELOOP_CONSTRAINTS,
    TS_DOC_KIND_TIMELOOP_MAPPER,
    TS_DOC_KIND_TIMELOOP_VARIABLES,
    TS_DOC_KIND_TILESIM_WORKLOAD,
    TS_DOC_KIND_JSON_SCHEMA,
    TS_DOC_KIND_PIM_DL_CONFIG, /* PIM-DL tuner / engine configuration (system_params: ...) */
} TsDocKind;

/* Recognises a document by its top-level keys. doc may have a NULL root. */
TsDocKind ts_doc_kind_of(const TsDoc *doc);
/* "a tilesim architecture", "a Timeloop problem (workload)", ...: static, for messages. */
const char *ts_doc_kind_name(TsDocKind kind);

/* TRUE when doc looks like a UPMEM LLM profiler architectures file: a mapping of profile name
 * -> profile whose first profile carries one of the keys of
 * ts_doc_kind_upmem_profile_keys(). */
gboolean ts_doc_kind_is_upmem_profiles(const TsDoc *doc);
/* The keys of a UPMEM-profiler device profile (NULL-terminated, static): the same keys, in the
 * same order, as the arch module's profile schema (ts_arch_upmem_profile_fields). */
const char *const *ts_doc_kind_upmem_profile_keys(void);

G_END_DECLS

#endif /* TS_COMMON_DOC_KIND_H */
