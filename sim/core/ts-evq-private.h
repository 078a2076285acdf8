/* Private to sim/core: queue layout and always-inline push/pop for each structure, so the
 * event loop in ts-sim.c is specialised per structure with no indirect calls. A key is
 * tick << 64 | priority << 56 | seq << 28 | slot; seq is renumbered (order kept) every 2^28
 * pushes, and since keys are unique, plain integer comparison is the whole ordering. */
#ifndef TS_EVQ_PRIVATE_H
#define TS_EVQ_PRIVATE_H

#include "ts-evq.h"

G_BEGIN_DECLS

typedef unsigned __int128 TsEvqKey;

#define TS_EVQ_SLOT_BITS 28
#define TS_EVQ_SEQ_BITS 28
#define TS_EVQ_SLOT_MASK ((G_GUINT64_CONSTANT(1) << TS_EVQ_SLOT_BITS) - 1)
#define TS_EVQ_SEQ_LIMIT (G_GUINT64_CONSTANT(1) << TS_EVQ_SEQ_BITS)
#define TS_EVQ_NIL G_MAXUINT32

typedef struct TsEvqNode {
    TsEvqKey key;
    guint32 child;   /* first child slot or TS_EVQ_NIL */
    guint32 sibling; /* next sibling slot or TS_EVQ_NIL */
} TsEvqNode;

struct TsEvq {
    TsEvqKind kind;
    guint32 root; /* pairing: root slot or TS_EVQ_NIL */
    gsize size;
    TsEvqKey *heap;   /* heaps: aligned storage; logical entry p lives at heap[p + D - 1] */
    gsize cap;        /* heaps: logical capacity */
    guint64 next_seq; /* next insertion sequence (< TS_EVQ_SEQ_LIMIT) */
    TsEvqNode *nodes; /* pairing: one node per slot */
    gsize n_nodes;
    gsize peak;
    guint64 pushes;
    guint64 renumbers;
};

/* Embedded use (TsSim holds its queue by value). */
void ts_evq_init_(TsEvq *q, TsEvqKind kind);
void ts_evq_clear_(TsEvq *q);

/* Cold paths (ts-evq.c). */
void ts_evq_grow_(TsEvq *q, gsize min_cap);
void ts_evq_grow_nodes_(TsEvq *q, gsize min_nodes);
void ts_evq_renumber_(TsEvq *q);
/* Test hook: sets the next sequence number (to exercise renumbering). */
void ts_evq_set_next_seq_for_testing(TsEvq *q, guint64 next_seq);

static inline TsEvqKey ts_evq_key_(TsTick tick, guint8 prio, guint64 seq, guint32 slot)
{
    return ((TsEvqKey)tick << 64) |
           (((guint64)prio << 56) | (seq << TS_EVQ_SLOT_BITS) | (guint64)slot);
}

static inline TsTick ts_evq_key_tick_(TsEvqKey k)
{
    return (TsTick)(k >> 64);
}

static inline guint32 ts_evq_key_slot_(TsEvqKey k)
{
    return (guint32)((guint64)k & TS_EVQ_SLOT_MASK);
}

static inline guint8 ts_evq_key_prio_(TsEvqKey k)
{
    return (guint8)((guint64)k >> 56);
}

static inline guint64 ts_evq_take_seq_(TsEvq *q)
{
    if (G_UNLIKELY(q->next_seq >= TS_EVQ_SEQ_LIMIT))
        ts_evq_renumber_(q);
    return q->next_seq++;
}

/* ---- d-ary implicit heap (D = 2 or 4) ---- */

static inline __attribute__((always_inline)) void ts_evq_heap_push_(TsEvq *q, TsEvqKey key,
                                                                    const unsigned D)
{
    if (G_UNLIKELY(q->size == q->cap))
        ts_evq_grow_(q, q->size + 1);
    TsEvqKey *a = q->heap + (D - 1);
    gsize hole = q->size++;
    while (hole > 0) {
        gsize parent = (hole - 1) / D;
        TsEvqKey pk = a[parent];
        if (pk < key)
            break;
        a[hole] = pk;
        hole = parent;
    }
    a[hole] = key;
}

/* Bottom-up deletion: the hole walks to a leaf along minimum children (D-1 comparisons per
 * level, none against the displaced last entry), then the last entry sifts up from there. The
 * last entry is usually a late event, so it rarely climbs. */
static inline __attribute__((always_inline)) TsEvqKey ts_evq_heap_pop_(TsEvq *q, const unsigned D)
{
    TsEvqKey *a = q->heap + (D - 1);
    TsEvqKey top = a[0];
    gsize n = --q->size;
    if (n == 0)
        return top;
    TsEvqKey last = a[n];
    gsize hole = 0;
    for (;;) {
        gsize c = D * hole + 1;
        if (c + D <= n) {
            /* The D*D grandchildren are contiguous (D lines for D = 4): fetch them while
             * this level is compared, hiding one level of miss latency in large heaps. */
            gsize g = D * c + 1;
            if (g < n)
                for (unsigned j = 0; j < D * D; j += 64 / sizeof(TsEvqKey))
                    __builtin_prefetch(a + g + j);
            /* Plain branches: a branch-free tournament measured 1.5-2x slower (it serialises
             * the loads of the next level behind the comparisons; see docs/des.md). */
            const TsEvqKey *ch = a + c;
            gsize best = 0;
            TsEvqKey bk = ch[0];
            for (unsigned j = 1; j < D; j++) {
                if (ch[j] < bk) {
                    bk = ch[j];
                    best = j;
                }
            }
            a[hole] = bk;
            hole = c + best;
            continue;
        }
        if (c < n) {
            gsize best = c;
            TsEvqKey bk = a[c];
            for (gsize j = c + 1; j < n; j++) {
                if (a[j] < bk) {
                    bk = a[j];
                    best = j;
                }
            }
            a[hole] = bk;
            hole = best;
        }
        break;
    }
    while (hole > 0) {
        gsize parent = (hole - 1) / D;
        TsEvqKey pk = a[parent];
        if (pk < last)
            break;
        a[hole] = pk;
        hole = parent;
    }
    a[hole] = last;
    return top;
}

/* ---- pairing heap ---- */

static inline guint32 ts_evq_pair_meld_(TsEvqNode *nodes, guint32 x, guint32 y)
{
    /* Both are roots (sibling NIL); the larger becomes the first child of the smaller. */
    if (nodes[y].key < nodes[x].key) {
        guint32 t = x;
        x = y;
        y = t;
    }
    nodes[y].sibling = nodes[x].child;
    nodes[x].child = y;
    return x;
}

static inline void ts_evq_pair_push_(TsEvq *q, TsEvqKey key)
{
    guint32 slot = ts_evq_key_slot_(key);
    if (G_UNLIKELY(slot >= q->n_nodes))
        ts_evq_grow_nodes_(q, (gsize)slot + 1);
    TsEvqNode *nodes = q->nodes;
    nodes[slot].key = key;
    nodes[slot].child = TS_EVQ_NIL;
    nodes[slot].sibling = TS_EVQ_NIL;
    q->root = (q->root == TS_EVQ_NIL) ? slot : ts_evq_pair_meld_(nodes, q->root, slot);
    q->size++;
}

/* Two-pass pairing: meld children left to right in pairs, then the pairs right to left. */
static inline TsEvqKey ts_evq_pair_pop_(TsEvq *q)
{
    TsEvqNode *nodes = q->nodes;
    guint32 root = q->root;
    TsEvqKey top = nodes[root].key;
    guint32 first = nodes[root].child;
    guint32 pairs = TS_EVQ_NIL; /* melded pairs, most recent first, linked by sibling */
    while (first != TS_EVQ_NIL) {
        guint32 a = first;
        guint32 b = nodes[a].sibling;
        if (b == TS_EVQ_NIL) {
            nodes[a].sibling = pairs;
            pairs = a;
            break;
        }
        first = nodes[b].sibling;
        nodes[a].sibling = TS_EVQ_NIL;
        nodes[b].sibling = TS_EVQ_NIL;
        guint32 m = ts_evq_pair_meld_(nodes, a, b);
        nodes[m].sibling = pairs;
        pairs = m;
    }
    guint32 acc = TS_EVQ_NIL;
    while (pairs != TS_EVQ_NIL) {
        guint32 next = nodes[pairs].sibling;
        nodes[pairs].sibling = TS_EVQ_NIL;
        acc = (acc == TS_EVQ_NIL) ? pairs : ts_evq_pair_meld_(nodes, acc, pairs);
        pairs = next;
    }
    q->root = acc;
    q->size--;
    return top;
}

/* ---- dispatch (kind is a constant wherever the event loop is specialised) ---- */

static inline __attribute__((always_inline)) void ts_evq_push_k_(TsEvq *q, TsTick tick, guint8 prio,
                                                                 guint32 slot, const TsEvqKind kind)
{
    TsEvqKey key = ts_evq_key_(tick, prio, ts_evq_take_seq_(q), slot);
    switch (kind) {
    case TS_EVQ_HEAP2:
        ts_evq_heap_push_(q, key, 2);
        break;
    case TS_EVQ_PAIRING:
        ts_evq_pair_push_(q, key);
        break;
    case TS_EVQ_HEAP4:
    default:
        ts_evq_heap_push_(q, key, 4);
        break;
    }
    q->pushes++;
    if (G_UNLIKELY(q->size > q->peak))
        q->peak = q->size;
}

static inline void ts_evq_push_(TsEvq *q, TsTick tick, guint8 prio, guint32 slot)
{
    switch (q->kind) {
    case TS_EVQ_HEAP2:
        ts_evq_push_k_(q, tick, prio, slot, TS_EVQ_HEAP2);
        break;
    case TS_EVQ_PAIRING:
        ts_evq_push_k_(q, tick, prio, slot, TS_EVQ_PAIRING);
        break;
    default:
        ts_evq_push_k_(q, tick, prio, slot, TS_EVQ_HEAP4);
        break;
    }
}

/* First key; the queue must not be empty. */
static inline __attribute__((always_inline)) TsEvqKey ts_evq_top_k_(const TsEvq *q,
                                                                    const TsEvqKind kind)
{
    switch (kind) {
    case TS_EVQ_HEAP2:
        return q->heap[1];
    case TS_EVQ_PAIRING:
        return q->nodes[q->root].key;
    case TS_EVQ_HEAP4:
    default:
        return q->heap[3];
    }
}

/* Removes and returns the first key; the queue must not be empty. */
static inline __attribute__((always_inline)) TsEvqKey ts_evq_pop_k_(TsEvq *q, const TsEvqKind kind)
{
    switch (kind) {
    case TS_EVQ_HEAP2:
        return ts_evq_heap_pop_(q, 2);
    case TS_EVQ_PAIRING:
        return ts_evq_pair_pop_(q);
    case TS_EVQ_HEAP4:
    default:
        return ts_evq_heap_pop_(q, 4);
    }
}

static inline TsEvqKey ts_evq_top_(const TsEvq *q)
{
    switch (q->kind) {
    case TS_EVQ_HEAP2:
        return ts_evq_top_k_(q, TS_EVQ_HEAP2);
    case TS_EVQ_PAIRING:
        return ts_evq_top_k_(q, TS_EVQ_PAIRING);
    default:
        return ts_evq_top_k_(q, TS_EVQ_HEAP4);
    }
}

static inline TsEvqKey ts_evq_pop_any_(TsEvq *q)
{
    switch (q->kind) {
    case TS_EVQ_HEAP2:
        return ts_evq_pop_k_(q, TS_EVQ_HEAP2);
    case TS_EVQ_PAIRING:
        return ts_evq_pop_k_(q, TS_EVQ_PAIRING);
    default:
        return ts_evq_pop_k_(q, TS_EVQ_HEAP4);
    }
}

G_END_DECLS

#endif /* TS_EVQ_PRIVATE_H */
