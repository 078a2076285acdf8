/* The event pool: fixed 256 KiB chunks of 64-byte records, never moved (handlers hold
 * pointers), recycled LIFO so the record freed last, still in cache, is reused first.
 * The only allocations are one per chunk plus the chunk table's doublings. */
#include "ts-event.h"

#include <string.h>

#include "ts-event-private.h"

void ts_event_pool_init_(TsEventPool *pool)
{
    memset(pool, 0, sizeof *pool);
    pool->free_head = TS_SLOT_NONE;
}

void ts_event_pool_clear_(TsEventPool *pool)
{
    for (guint32 i = 0; i < pool->n_chunks; i++)
        g_aligned_free(pool->chunks[i]);
    g_free(pool->chunks);
    ts_event_pool_init_(pool);
}

TsEventPool *ts_event_pool_new(void)
{
    TsEventPool *pool = g_new(TsEventPool, 1);
    ts_event_pool_init_(pool);
    return pool;
}

void ts_event_pool_free(TsEventPool *pool)
{
    if (pool == NULL)
        return;
    ts_event_pool_clear_(pool);
    g_free(pool);
}

void ts_event_pool_grow_(TsEventPool *pool)
{
    guint64 capacity = (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK;
    if (capacity + TS_EVENT_POOL_CHUNK > TS_EVENT_POOL_MAX_SLOTS)
        g_error("event pool exhausted: %" G_GUINT64_FORMAT " events live (limit %u)", pool->live,
                TS_EVENT_POOL_MAX_SLOTS);
    if (pool->n_chunks == pool->chunks_cap) {
        pool->chunks_cap = pool->chunks_cap ? 2 * pool->chunks_cap : 16;
        pool->chunks = g_renew(TsEvent *, pool->chunks, pool->chunks_cap);
    }
    TsEvent *chunk = g_aligned_alloc0(TS_EVENT_POOL_CHUNK, sizeof(TsEvent), 64);
    guint32 base = (guint32)capacity;
    /* Thread the new records in ascending order ahead of whatever is free already. */
    for (guint32 i = 0; i < TS_EVENT_POOL_CHUNK; i++) {
        chunk[i].slot = base + i;
        chunk[i].flags = TS_EVENT_FLAG_FREE;
        chunk[i].tick = (i + 1 < TS_EVENT_POOL_CHUNK) ? base + i + 1 : pool->free_head;
    }
    pool->chunks[pool->n_chunks++] = chunk;
    pool->free_head = base;
    pool->chunk_allocs++;
}

void ts_event_pool_reserve(TsEventPool *pool, guint64 n_events)
{
    g_return_if_fail(pool != NULL);
    while ((guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK < n_events)
        ts_event_pool_grow_(pool);
}

TsEvent *ts_event_pool_alloc(TsEventPool *pool)
{
    g_return_val_if_fail(pool != NULL, NULL);
    return ts_event_pool_alloc_(pool);
}

void ts_event_pool_release(TsEventPool *pool, TsEvent *event)
{
    g_return_if_fail(pool != NULL && event != NULL);
    g_return_if_fail((event->flags & TS_EVENT_FLAG_FREE) == 0);
    g_return_if_fail((guint64)event->slot < (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK);
    g_return_if_fail(ts_event_pool_at_(pool, event->slot) == event);
    ts_event_pool_release_(pool, event);
}

TsEvent *ts_event_pool_get(TsEventPool *pool, guint32 slot)
{
    g_return_val_if_fail(pool != NULL, NULL);
    g_return_val_if_fail((guint64)slot < (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK, NULL);
    return ts_event_pool_at_(pool, slot);
}

void ts_event_pool_get_stats(const TsEventPool *pool, TsEventPoolStats *stats)
{
    g_return_if_fail(pool != NULL && stats != NULL);
    stats->capacity = (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK;
    stats->live = pool->live;
    stats->peak_live = pool->peak_live;
    stats->allocs = pool->allocs;
    stats->chunk_allocs = pool->chunk_allocs;
}
