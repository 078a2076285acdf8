/* Private to sim/core: the event pool's layout and its inline hot-path operations, shared by
 * ts-event.c (the exported wrappers) and ts-sim.c (the event loop and scheduling). The
 * freelist is threaded through the `tick` field of free records. */
#ifndef TS_EVENT_PRIVATE_H
#define TS_EVENT_PRIVATE_H

#include "ts-event.h"

G_BEGIN_DECLS

#define TS_SLOT_NONE G_MAXUINT32

enum {
    TS_EVENT_FLAG_QUEUED = 1 << 0, /* owned by a queue */
    TS_EVENT_FLAG_FREE = 1 << 1,   /* on the pool's freelist */
};

struct TsEventPool {
    TsEvent **chunks;  /* n_chunks chunks of TS_EVENT_POOL_CHUNK records, 64-byte aligned */
    guint32 free_head; /* first free slot or TS_SLOT_NONE */
    guint32 fresh;     /* records from this slot on have never been on the freelist */
    guint32 n_chunks;
    guint32 chunks_cap;
    guint64 live;
    guint64 peak_live;
    guint64 allocs;
    guint64 chunk_allocs;
};

/* Embedded use (TsSim holds its pool by value). */
void ts_event_pool_init_(TsEventPool *pool);
void ts_event_pool_clear_(TsEventPool *pool);

/* Refills the empty freelist with the next 64 never-used records (zeroed, ascending slot
 * order), adding a chunk when every record has been used. */
void ts_event_pool_grow_(TsEventPool *pool);

static inline TsEvent *ts_event_pool_at_(const TsEventPool *pool, guint32 slot)
{
    return &pool->chunks[slot >> TS_EVENT_POOL_CHUNK_SHIFT][slot & (TS_EVENT_POOL_CHUNK - 1)];
}

static inline TsEvent *ts_event_pool_alloc_(TsEventPool *pool)
{
    if (G_UNLIKELY(pool->free_head == TS_SLOT_NONE))
        ts_event_pool_grow_(pool);
    TsEvent *ev = ts_event_pool_at_(pool, pool->free_head);
    pool->free_head = (guint32)ev->tick;
    ev->flags = 0;
    pool->allocs++;
    if (++pool->live > pool->peak_live)
        pool->peak_live = pool->live;
    return ev;
}

static inline void ts_event_pool_release_(TsEventPool *pool, TsEvent *ev)
{
    ev->tick = pool->free_head;
    ev->flags = TS_EVENT_FLAG_FREE;
    pool->free_head = ev->slot;
    pool->live--;
}

G_END_DECLS

#endif /* TS_EVENT_PRIVATE_H */
