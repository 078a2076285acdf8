/* Private to common/: the document implementation behind TsDoc (two arenas owning every node,
 * pointer array and string), shared by the parser (ts-config.c) and the editor
 * (ts-doc-edit.c). */
#ifndef TS_COMMON_CONFIG_PRIVATE_H
#define TS_COMMON_CONFIG_PRIVATE_H

#include <glib.h>

#include "ts-config.h"

G_BEGIN_DECLS

typedef struct {
    TsDoc pub;
    GStringChunk *strings;
    GPtrArray *blocks; /* node and pointer-array allocations, freed with the document */
} TsDocImpl;

/* Zeroed block of size bytes owned by doc. */
void *ts_doc_alloc(TsDocImpl *doc, gsize size);

/* An empty document named filename (no root). */
TsDocImpl *ts_doc_impl_new(const char *filename);

G_END_DECLS

#endif /* TS_COMMON_CONFIG_PRIVATE_H */
