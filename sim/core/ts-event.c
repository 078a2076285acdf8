/* The event pool: fixed 256 KiB chunks of 64-byte records, never moved (handlers hold
 * pointers), recycled LIFO so the record freed last, still in cache, is reused first.
 * The only allocations are one per chunk plus the chunk table's doublings. Records never
 * handed out yet are zeroed and threaded onto the freelist a page (64 records) at a time, when
 * the freelist runs empty: a run touches the pages of the records it has used at once, not
 * the whole chunk (a page's first touch is a page fault, some 10 us on a virtual machine). */
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

/* Records threaded onto the freelist at a time: one 4 KiB page of them. */
#define POOL_BATCH 64u
G_STATIC_ASSERT(TS_EVENT_POOL_CHUNK % POOL_BATCH == 0);

static void pool_add_chunk(TsEventPool *pool)
{
    guint64 capacity = (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK;
    if (capacity + TS_EVENT_POOL_CHUNK > TS_EVENT_POOL_MAX_SLOTS)
        g_error("event pool exhausted: %" G_GUINT64_FORMAT " events live (limit %u)", pool->live,
                TS_EVENT_POOL_MAX_SLOTS);
    if (pool->n_chunks == pool->chunks_cap) {
        pool->chunks_cap = pool->chunks_cap ? 2 * pool->chunks_cap : 16;
        pool->chunks = g_renew(TsEvent *, pool->chunks, pool->chunks_cap);
    }
    /* Not zeroed here: each record is zeroed when first threaded. */
    pool->chunks[pool->n_chunks++] = g_aligned_alloc(TS_EVENT_POOL_CHUNK, sizeof(TsEvent), 64);
    pool->chunk_allocs++;
}

void ts_event_pool_grow_(TsEventPool *pool)
{
    g_assert(pool->free_head == TS_SLOT_NONE);
    if ((guint64)pool->fresh == (guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK)
        pool_add_chunk(pool);
    /* The next batch of never-used records (within one chunk: fresh is a multiple of the
     * batch), in ascending order. */
    const guint32 base = pool->fresh;
    TsEvent *rec = ts_event_pool_at_(pool, base);
    memset(rec, 0, POOL_BATCH * sizeof *rec);
    for (guint32 i = 0; i < POOL_BATCH; i++) {
        rec[i].slot = base + i;
        rec[i].flags = TS_EVENT_FLAG_FREE;
        rec[i].tick = i + 1 < POOL_BATCH ? base + i + 1 : TS_SLOT_NONE;
    }
    pool->free_head = base;
    pool->fresh = base + POOL_BATCH;
}

void ts_event_pool_reserve(TsEventPool *pool, guint64 n_events)
{
    g_return_if_fail(pool != NULL);
    while ((guint64)pool->n_chunks * TS_EVENT_POOL_CHUNK < n_events)
        pool_add_chunk(pool);
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
