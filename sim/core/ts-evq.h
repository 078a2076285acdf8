/* The pending-event set of the DES core. Entries are (tick, priority, insertion sequence,
 * pool slot) packed into one 16-byte key, so ordering is total and ties are FIFO. Three
 * structures share the interface (measured in docs/des.md): a 4-ary implicit heap (default),
 * a binary heap, and a pairing heap. */
#ifndef TS_EVQ_H
#define TS_EVQ_H

#include "ts-time.h"

G_BEGIN_DECLS

typedef enum {
    TS_EVQ_HEAP4,   /* 4-ary implicit heap of 16-byte keys, children on one cache line */
    TS_EVQ_HEAP2,   /* binary implicit heap of 16-byte keys */
    TS_EVQ_PAIRING, /* pairing heap, nodes indexed by pool slot */
    TS_EVQ_N_KINDS
} TsEvqKind;

#define TS_EVQ_DEFAULT TS_EVQ_HEAP4
#define TS_EVQ_MAX_SLOT ((1u << 28) - 1) /* slots are 28-bit in keys */

typedef struct TsEvq TsEvq;

/* Queue statistics. */
typedef struct TsEvqStats {
    guint64 size;      /* entries queued now */
    guint64 peak;      /* high-water mark of size */
    guint64 pushes;    /* total pushes */
    guint64 renumbers; /* sequence renumberings (one per 2^28 pushes) */
} TsEvqStats;

/* Name of a kind ("heap4", "heap2", "pairing"); static string. */
const char *ts_evq_kind_name(TsEvqKind kind);

/* Parses a kind name; FALSE with TS_CORE_ERROR_INVALID (listing the names) when unknown. */
gboolean ts_evq_kind_from_name(const char *name, TsEvqKind *kind, GError **error);

/* New empty queue of the given structure. Free with ts_evq_free (accepts NULL). */
TsEvq *ts_evq_new(TsEvqKind kind);
void ts_evq_free(TsEvq *queue);

/* Structure of the queue. */
TsEvqKind ts_evq_kind(const TsEvq *queue);

/* Makes room for n entries without further allocation (heaps: entry array; pairing: nodes
 * for slots 0 .. n-1). */
void ts_evq_reserve(TsEvq *queue, gsize n);

/* Queues `slot` (0 .. TS_EVQ_MAX_SLOT; at most once at a time) at (tick, priority); it pops
 * after every entry of a smaller (tick, priority) and after every entry of equal
 * (tick, priority) pushed earlier. */
void ts_evq_push(TsEvq *queue, TsTick tick, guint8 priority, guint32 slot);

/* Removes the first entry; FALSE when empty. Any out pointer may be NULL. */
gboolean ts_evq_pop(TsEvq *queue, TsTick *tick, guint8 *priority, guint32 *slot);

/* The first entry without removing it; FALSE when empty. Any out pointer may be NULL. */
gboolean ts_evq_peek(const TsEvq *queue, TsTick *tick, guint8 *priority, guint32 *slot);

/* Number of queued entries. */
gsize ts_evq_size(const TsEvq *queue);

/* Fills *stats. */
void ts_evq_get_stats(const TsEvq *queue, TsEvqStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsEvq, ts_evq_free)

G_END_DECLS

#endif /* TS_EVQ_H */
