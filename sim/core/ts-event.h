/* Events of the DES core: a 64-byte record (one cache line) with a 32-byte inline payload,
 * handed out by a per-simulation pool that grows in fixed chunks and recycles freed records
 * through a LIFO freelist, so a steady-state run allocates nothing per event. The queue owns
 * queued events; handlers borrow the event they are given. */
#ifndef TS_EVENT_H
#define TS_EVENT_H

#include "ts-time.h"

G_BEGIN_DECLS

struct TsComponent;

#define TS_EVENT_PAYLOAD_BYTES 32
#define TS_PORT_NONE G_MAXUINT16 /* TsEvent.port of an event not delivered through a port */

/* Event types from TS_EVENT_TYPE_RESERVED up belong to the kernel and its protocols: a model's
 * own types stay below it. */
#define TS_EVENT_TYPE_RESERVED 0xFFFF0000u
#define TS_EVENT_CREDIT 0xFFFF0001u       /* credits returned to a sender (ts_port_grant_credits) */
#define TS_EVENT_ARRIVAL 0xFFFF0002u /* the receiver's arrival queue became non-empty (ts-sim.h) */
#define TS_EVENT_MEM_REQUEST 0xFFFF0010u  /* payload: TsMemReq (ts-mem.h) */
#define TS_EVENT_MEM_RESPONSE 0xFFFF0011u /* payload: the request's TsMemReq, completed */
#define TS_EVENT_COMPUTE_REQUEST 0xFFFF0020u  /* payload: TsComputeReq (ts-compute.h) */
#define TS_EVENT_COMPUTE_RESPONSE 0xFFFF0021u /* payload: the request's TsComputeReq, done */

/* Inline payload: models pick the view they need. Larger data travels by pointer. */
typedef union TsEventPayload {
    guint8 bytes[TS_EVENT_PAYLOAD_BYTES];
    guint32 u32[TS_EVENT_PAYLOAD_BYTES / 4];
    guint64 u64[TS_EVENT_PAYLOAD_BYTES / 8];
    gint64 i64[TS_EVENT_PAYLOAD_BYTES / 8];
    double f64[TS_EVENT_PAYLOAD_BYTES / 8];
    gpointer ptr[TS_EVENT_PAYLOAD_BYTES / sizeof(gpointer)];
} TsEventPayload;

/* One event. Fields marked kernel-owned are written by the kernel only. */
typedef struct TsEvent {
    TsTick tick;                /* delivery tick in ps (kernel-owned, set when scheduled) */
    struct TsComponent *target; /* component whose handle() receives the event */
    guint32 type;               /* model-defined event type (< TS_EVENT_TYPE_RESERVED) */
    guint32 size_bytes;         /* bytes carried over a link (set by ts_port_send), else 0 */
    guint16 port;               /* receiving port index, or TS_PORT_NONE */
    guint8 priority;            /* lower runs first among events of one tick; default 0 */
    guint8 flags;               /* kernel-owned */
    guint32 slot;               /* kernel-owned: index of this record in its pool */
    TsEventPayload payload;
} TsEvent;

G_STATIC_ASSERT(sizeof(TsEvent) == 64);

/* Pool chunk size in events (power of two): 4096 x 64 B = 256 KiB per chunk. */
#define TS_EVENT_POOL_CHUNK_SHIFT 12
#define TS_EVENT_POOL_CHUNK (1u << TS_EVENT_POOL_CHUNK_SHIFT)
/* Largest number of events a pool may hold at once (slot indices are 28-bit in queue keys). */
#define TS_EVENT_POOL_MAX_SLOTS (1u << 28)

typedef struct TsEventPool TsEventPool;

/* Counters of a pool. `chunk_allocs` is the number of malloc calls the pool ever made for
 * event storage: flat in steady state. */
typedef struct TsEventPoolStats {
    guint64 capacity;     /* records owned (chunks x TS_EVENT_POOL_CHUNK) */
    guint64 live;         /* records handed out and not yet released */
    guint64 peak_live;    /* high-water mark of live */
    guint64 allocs;       /* ts_event_pool_alloc calls */
    guint64 chunk_allocs; /* chunks allocated (the only allocations the pool makes) */
} TsEventPoolStats;

/* New empty pool (no chunk until the first alloc or reserve). Free with ts_event_pool_free. */
TsEventPool *ts_event_pool_new(void);

/* Frees every chunk; any outstanding TsEvent pointers dangle afterwards. Accepts NULL. */
void ts_event_pool_free(TsEventPool *pool);

/* Grows the pool so that at least `n_events` records exist (whole chunks, allocated and not
 * touched: a record's memory is first written when the freelist reaches it). Aborts when
 * n_events exceeds TS_EVENT_POOL_MAX_SLOTS. */
void ts_event_pool_reserve(TsEventPool *pool, guint64 n_events);

/* A record from the freelist (refilled a page of never-used records at a time, growing by one
 * chunk when every record has been used). Header fields other than
 * `slot` and the payload hold stale data: callers initialise what they use. Borrowed by the
 * caller until released or handed to a queue. Aborts beyond TS_EVENT_POOL_MAX_SLOTS. */
TsEvent *ts_event_pool_alloc(TsEventPool *pool);

/* Returns a record to the freelist. The record must come from this pool and be live. */
void ts_event_pool_release(TsEventPool *pool, TsEvent *event);

/* Record of slot `slot` (0 .. capacity-1; one never handed out holds no defined data).
 * Borrowed. */
TsEvent *ts_event_pool_get(TsEventPool *pool, guint32 slot);

/* Fills *stats with the pool's counters. */
void ts_event_pool_get_stats(const TsEventPool *pool, TsEventPoolStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsEventPool, ts_event_pool_free)

G_END_DECLS

#endif /* TS_EVENT_H */
