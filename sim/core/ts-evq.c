/* Queue set-up, growth, sequence renumbering and the exported (non-inline) entry points.
 * The hot push/pop live in ts-evq-private.h so the event loop can inline them. */
#include "ts-evq.h"

#include <stdlib.h>
#include <string.h>

#include "ts-evq-private.h"

static const char *const kind_names[TS_EVQ_N_KINDS] = {"heap4", "heap2", "pairing"};

const char *ts_evq_kind_name(TsEvqKind kind)
{
    g_return_val_if_fail((unsigned)kind < TS_EVQ_N_KINDS, "invalid");
    return kind_names[kind];
}

gboolean ts_evq_kind_from_name(const char *name, TsEvqKind *kind, GError **error)
{
    g_return_val_if_fail(name != NULL && kind != NULL, FALSE);
    for (unsigned i = 0; i < TS_EVQ_N_KINDS; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (TsEvqKind)i;
            return TRUE;
        }
    }
    g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                "unknown event queue '%s' (known: heap4, heap2, pairing)", name);
    return FALSE;
}

void ts_evq_init_(TsEvq *q, TsEvqKind kind)
{
    memset(q, 0, sizeof *q);
    q->kind = kind;
    q->root = TS_EVQ_NIL;
}

void ts_evq_clear_(TsEvq *q)
{
    g_aligned_free(q->heap);
    g_free(q->nodes);
    memset(q, 0, sizeof *q);
    q->root = TS_EVQ_NIL;
}

TsEvq *ts_evq_new(TsEvqKind kind)
{
    g_return_val_if_fail((unsigned)kind < TS_EVQ_N_KINDS, NULL);
    TsEvq *q = g_new(TsEvq, 1);
    ts_evq_init_(q, kind);
    return q;
}

void ts_evq_free(TsEvq *queue)
{
    if (queue == NULL)
        return;
    ts_evq_clear_(queue);
    g_free(queue);
}

TsEvqKind ts_evq_kind(const TsEvq *queue)
{
    g_return_val_if_fail(queue != NULL, TS_EVQ_DEFAULT);
    return queue->kind;
}

void ts_evq_grow_(TsEvq *q, gsize min_cap)
{
    gsize cap = q->cap ? q->cap : 1024;
    while (cap < min_cap)
        cap *= 2;
    if (cap == q->cap)
        return;
    /* Three spare leading entries put each 4-ary sibling group on one 64-byte line. */
    TsEvqKey *heap = g_aligned_alloc(cap + 4, sizeof(TsEvqKey), 64);
    if (q->heap != NULL) {
        memcpy(heap, q->heap, (q->cap + 4) * sizeof(TsEvqKey));
        g_aligned_free(q->heap);
    }
    q->heap = heap;
    q->cap = cap;
}

void ts_evq_grow_nodes_(TsEvq *q, gsize min_nodes)
{
    gsize n = q->n_nodes ? q->n_nodes : 1024;
    while (n < min_nodes)
        n *= 2;
    if (n == q->n_nodes)
        return;
    q->nodes = g_renew(TsEvqNode, q->nodes, n);
    q->n_nodes = n;
}

void ts_evq_reserve(TsEvq *queue, gsize n)
{
    g_return_if_fail(queue != NULL);
    if (queue->kind == TS_EVQ_PAIRING)
        ts_evq_grow_nodes_(queue, n);
    else
        ts_evq_grow_(queue, n);
}

static int compare_keys(const void *pa, const void *pb)
{
    TsEvqKey a = *(const TsEvqKey *)pa, b = *(const TsEvqKey *)pb;
    return (a > b) - (a < b);
}

static TsEvqKey reseq(TsEvqKey k, guint64 seq)
{
    return ts_evq_key_(ts_evq_key_tick_(k), ts_evq_key_prio_(k), seq, ts_evq_key_slot_(k));
}

/* Reassigns sequence numbers 0 .. size-1 in queue order, keeping the relative order of every
 * entry, so pushes may continue with seq = size. O(n log n), once per 2^28 pushes. */
void ts_evq_renumber_(TsEvq *q)
{
    gsize n = q->size;
    if (q->kind == TS_EVQ_PAIRING) {
        TsEvqKey *keys = g_new(TsEvqKey, n ? n : 1);
        guint32 *stack = g_new(guint32, n ? n : 1);
        gsize n_keys = 0, depth = 0;
        if (q->root != TS_EVQ_NIL)
            stack[depth++] = q->root;
        while (depth > 0) {
            guint32 s = stack[--depth];
            keys[n_keys++] = q->nodes[s].key;
            for (guint32 c = q->nodes[s].child; c != TS_EVQ_NIL; c = q->nodes[c].sibling)
                stack[depth++] = c;
        }
        g_assert(n_keys == n);
        qsort(keys, n, sizeof *keys, compare_keys);
        /* Rebuild as a chain: each node's only child is its successor. */
        guint32 next = TS_EVQ_NIL;
        for (gsize i = n; i-- > 0;) {
            guint32 s = ts_evq_key_slot_(keys[i]);
            q->nodes[s].key = reseq(keys[i], i);
            q->nodes[s].child = next;
            q->nodes[s].sibling = TS_EVQ_NIL;
            next = s;
        }
        q->root = next;
        g_free(stack);
        g_free(keys);
    } else {
        unsigned d = (q->kind == TS_EVQ_HEAP2) ? 2 : 4;
        TsEvqKey *a = q->heap + (d - 1);
        /* A sorted array is a valid d-ary heap. */
        qsort(a, n, sizeof *a, compare_keys);
        for (gsize i = 0; i < n; i++)
            a[i] = reseq(a[i], i);
    }
    q->next_seq = n;
    q->renumbers++;
}

void ts_evq_set_next_seq_for_testing(TsEvq *q, guint64 next_seq)
{
    g_return_if_fail(q != NULL && next_seq <= TS_EVQ_SEQ_LIMIT);
    q->next_seq = next_seq;
}

void ts_evq_push(TsEvq *queue, TsTick tick, guint8 priority, guint32 slot)
{
    g_return_if_fail(queue != NULL);
    g_return_if_fail(slot <= TS_EVQ_MAX_SLOT);
    ts_evq_push_(queue, tick, priority, slot);
}

static void unpack(TsEvqKey k, TsTick *tick, guint8 *priority, guint32 *slot)
{
    if (tick)
        *tick = ts_evq_key_tick_(k);
    if (priority)
        *priority = ts_evq_key_prio_(k);
    if (slot)
        *slot = ts_evq_key_slot_(k);
}

gboolean ts_evq_pop(TsEvq *queue, TsTick *tick, guint8 *priority, guint32 *slot)
{
    g_return_val_if_fail(queue != NULL, FALSE);
    if (queue->size == 0)
        return FALSE;
    unpack(ts_evq_pop_any_(queue), tick, priority, slot);
    return TRUE;
}

gboolean ts_evq_peek(const TsEvq *queue, TsTick *tick, guint8 *priority, guint32 *slot)
{
    g_return_val_if_fail(queue != NULL, FALSE);
    if (queue->size == 0)
        return FALSE;
    unpack(ts_evq_top_(queue), tick, priority, slot);
    return TRUE;
}

gsize ts_evq_size(const TsEvq *queue)
{
    g_return_val_if_fail(queue != NULL, 0);
    return queue->size;
}

void ts_evq_get_stats(const TsEvq *queue, TsEvqStats *stats)
{
    g_return_if_fail(queue != NULL && stats != NULL);
    stats->size = queue->size;
    stats->peak = queue->peak;
    stats->pushes = queue->pushes;
    stats->renumbers = queue->renumbers;
}
