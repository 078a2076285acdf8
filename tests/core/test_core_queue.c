/* The pending-event set and the event pool: every queue structure against a reference model
 * (random ticks with many ties, FIFO on full ties), sequence renumbering, and pool reuse
 * under 10^6 events (capacity bounded, allocation counter flat). */
#include "test-core.h"

#include "ts-evq-private.h"

typedef struct {
    TsTick tick;
    guint8 prio;
    guint64 order; /* global insertion counter */
    guint32 slot;
} RefEntry;

/* Reference: linear scan for the smallest (tick, prio, order). */
static gboolean ref_pop(GArray *ref, RefEntry *out)
{
    if (ref->len == 0)
        return FALSE;
    guint best = 0;
    for (guint i = 1; i < ref->len; i++) {
        RefEntry *a = &g_array_index(ref, RefEntry, i), *b = &g_array_index(ref, RefEntry, best);
        if (a->tick < b->tick ||
            (a->tick == b->tick &&
             (a->prio < b->prio || (a->prio == b->prio && a->order < b->order))))
            best = i;
    }
    *out = g_array_index(ref, RefEntry, best);
    g_array_remove_index_fast(ref, best);
    return TRUE;
}

/* Random pushes/pops on `q` mirrored on the reference; the pop sequences must agree exactly.
 * If seq_near_limit, sequence numbers start 50 below the renumbering limit. */
static void run_against_reference(TsEvqKind kind, guint64 seed, gboolean seq_near_limit)
{
    g_autoptr(TsEvq) q = ts_evq_new(kind);
    g_autoptr(GRand) rand = g_rand_new_with_seed((guint32)seed);
    g_autoptr(GArray) ref = g_array_new(FALSE, FALSE, sizeof(RefEntry));
    g_autoptr(GArray) free_slots = g_array_new(FALSE, FALSE, sizeof(guint32));
    guint32 next_slot = 0;
    guint64 order = 0, mismatches = 0, pops = 0;
    if (seq_near_limit) {
        /* some entries before the wrap, then many after */
        for (int i = 0; i < 200; i++) {
            RefEntry e = {(TsTick)g_rand_int_range(rand, 0, 20),
                          (guint8)g_rand_int_range(rand, 0, 3), order++, next_slot++};
            ts_evq_push(q, e.tick, e.prio, e.slot);
            g_array_append_val(ref, e);
        }
        ts_evq_set_next_seq_for_testing(q, TS_EVQ_SEQ_LIMIT - 50);
    }
    for (int step = 0; step < 20000; step++) {
        if (g_rand_int_range(rand, 0, 100) < 55) {
            guint32 slot;
            if (free_slots->len) {
                slot = g_array_index(free_slots, guint32, free_slots->len - 1);
                g_array_set_size(free_slots, free_slots->len - 1);
            } else {
                slot = next_slot++;
            }
            /* few distinct ticks and priorities: many full ties */
            RefEntry e = {(TsTick)g_rand_int_range(rand, 0, 40) + (TsTick)step / 100,
                          (guint8)g_rand_int_range(rand, 0, 3), order++, slot};
            if (g_rand_int_range(rand, 0, 10) == 0)
                e.prio = 255;
            ts_evq_push(q, e.tick, e.prio, e.slot);
            g_array_append_val(ref, e);
        } else {
            RefEntry want;
            TsTick t;
            guint8 p;
            guint32 s;
            gboolean have = ref_pop(ref, &want);
            CU_ASSERT_EQUAL(ts_evq_pop(q, &t, &p, &s), have);
            if (!have)
                continue;
            pops++;
            if (t != want.tick || p != want.prio || s != want.slot)
                mismatches++;
            g_array_append_val(free_slots, s);
        }
        CU_ASSERT_EQUAL(ts_evq_size(q), ref->len);
    }
    /* drain */
    RefEntry want;
    while (ref_pop(ref, &want)) {
        TsTick t;
        guint32 s;
        CU_ASSERT_TRUE_FATAL(ts_evq_pop(q, &t, NULL, &s));
        if (t != want.tick || s != want.slot)
            mismatches++;
        pops++;
    }
    CU_ASSERT_FALSE(ts_evq_pop(q, NULL, NULL, NULL));
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_TRUE(pops > 9000);
    TsEvqStats st;
    ts_evq_get_stats(q, &st);
    CU_ASSERT_EQUAL(st.renumbers, seq_near_limit ? 1u : 0u);
}

static void test_queue_reference(void)
{
    guint64 seed = ts_test_seed(20240611);
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        run_against_reference((TsEvqKind)k, seed, FALSE);
        run_against_reference((TsEvqKind)k, seed + 1, FALSE);
    }
}

static void test_queue_renumber(void)
{
    guint64 seed = ts_test_seed(20240611);
    for (int k = 0; k < TS_EVQ_N_KINDS; k++)
        run_against_reference((TsEvqKind)k, seed + 2, TRUE);
}

static void test_queue_fifo_ties(void)
{
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        g_autoptr(TsEvq) q = ts_evq_new((TsEvqKind)k);
        /* 5000 entries at one (tick, prio) pop in push order; a lower priority goes first. */
        for (guint32 i = 0; i < 5000; i++)
            ts_evq_push(q, 77, 3, i);
        ts_evq_push(q, 77, 2, 9999);
        ts_evq_push(q, 76, 200, 8888);
        guint32 s;
        TsTick t;
        CU_ASSERT_TRUE(ts_evq_peek(q, &t, NULL, &s));
        CU_ASSERT_EQUAL(t, 76);
        CU_ASSERT_EQUAL(s, 8888);
        ts_evq_pop(q, NULL, NULL, &s);
        ts_evq_pop(q, NULL, NULL, &s);
        CU_ASSERT_EQUAL(s, 9999);
        guint32 bad = 0;
        for (guint32 i = 0; i < 5000; i++) {
            ts_evq_pop(q, &t, NULL, &s);
            bad += (s != i || t != 77);
        }
        CU_ASSERT_EQUAL(bad, 0);
        CU_ASSERT_EQUAL(ts_evq_size(q), 0);
    }
    TsEvqKind kind;
    g_autoptr(GError) error = NULL;
    CU_ASSERT_TRUE(ts_evq_kind_from_name("pairing", &kind, NULL));
    CU_ASSERT_EQUAL(kind, TS_EVQ_PAIRING);
    CU_ASSERT_FALSE(ts_evq_kind_from_name("splay", &kind, &error));
    CU_ASSERT_STRING_EQUAL(error->message,
                           "unknown event queue 'splay' (known: heap4, heap2, pairing)");
}

/* Records are threaded a page at a time as the freelist runs empty: fresh records come in
 * ascending slots across page and chunk boundaries (also after a reserve), zeroed, and a
 * released record is reused first. */
static void test_pool_fresh_order(void)
{
    g_autoptr(TsEventPool) pool = ts_event_pool_new();
    ts_event_pool_reserve(pool, 2 * TS_EVENT_POOL_CHUNK);
    TsEventPoolStats st;
    ts_event_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.capacity, 2 * TS_EVENT_POOL_CHUNK);
    CU_ASSERT_EQUAL(st.chunk_allocs, 2);
    const guint n = 2 * TS_EVENT_POOL_CHUNK + 100; /* into a third chunk */
    g_autofree TsEvent **ev = g_new(TsEvent *, n);
    guint bad_slot = 0, not_zero = 0;
    for (guint i = 0; i < n; i++) {
        ev[i] = ts_event_pool_alloc(pool);
        bad_slot += ev[i]->slot != i;
        for (guint k = 0; k < G_N_ELEMENTS(ev[i]->payload.u64); k++)
            not_zero += ev[i]->payload.u64[k] != 0;
        ev[i]->payload.u64[0] = i + 1;
        if (i == 100) { /* a release between fresh records: reused next */
            ts_event_pool_release(pool, ev[50]);
            CU_ASSERT_PTR_EQUAL(ts_event_pool_alloc(pool), ev[50]);
        }
    }
    CU_ASSERT_EQUAL(bad_slot, 0);
    CU_ASSERT_EQUAL(not_zero, 0);
    ts_event_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.chunk_allocs, 3);
    CU_ASSERT_EQUAL(st.live, n);
    guint kept = 0;
    for (guint i = 0; i < n; i++)
        kept += ev[i]->payload.u64[0] == i + 1 && ts_event_pool_get(pool, i) == ev[i];
    CU_ASSERT_EQUAL(kept, n);
    for (guint i = 0; i < n; i++)
        ts_event_pool_release(pool, ev[i]);
    CU_ASSERT_PTR_EQUAL(ts_event_pool_alloc(pool), ev[n - 1]); /* LIFO */
}

static void test_pool_standalone(void)
{
    g_autoptr(TsEventPool) pool = ts_event_pool_new();
    TsEventPoolStats st;
    ts_event_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.capacity, 0);
    TsEvent *held[100];
    for (int round = 0; round < 10000; round++) {
        for (int i = 0; i < 100; i++)
            held[i] = ts_event_pool_alloc(pool);
        for (int i = 0; i < 100; i++)
            ts_event_pool_release(pool, held[i]);
    }
    ts_event_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.capacity, TS_EVENT_POOL_CHUNK);
    CU_ASSERT_EQUAL(st.chunk_allocs, 1);
    CU_ASSERT_EQUAL(st.live, 0);
    CU_ASSERT_EQUAL(st.peak_live, 100);
    CU_ASSERT_EQUAL(st.allocs, 1000000);
    /* LIFO reuse: the record released last comes back first. */
    TsEvent *a = ts_event_pool_alloc(pool);
    ts_event_pool_release(pool, a);
    CU_ASSERT_PTR_EQUAL(ts_event_pool_alloc(pool), a);
    CU_ASSERT_PTR_EQUAL(ts_event_pool_get(pool, a->slot), a);
    /* growth beyond one chunk, and pointers stay valid across growth */
    TsEvent *first = ts_event_pool_alloc(pool);
    first->payload.u64[0] = 0xfeed;
    for (guint i = 0; i < TS_EVENT_POOL_CHUNK + 10; i++)
        ts_event_pool_alloc(pool);
    ts_event_pool_get_stats(pool, &st);
    CU_ASSERT_EQUAL(st.chunk_allocs, 2);
    CU_ASSERT_EQUAL(first->payload.u64[0], 0xfeed);
}

/* "churn": keeps `width` events in flight; each handled event schedules one more until the
 * total reaches `limit`, at a pseudo-random delay. */
typedef struct {
    TsComponent base;
    guint64 scheduled;
    guint64 limit;
    guint32 lcg;
} Churn;

static gboolean churn_init(TsComponent *self, const void *spec, const TsParams *p, GError **e)
{
    return TRUE;
}

static void churn_handle(TsComponent *self, TsEvent *ev)
{
    Churn *c = TS_COMPONENT_DOWNCAST(Churn, self);
    if (c->scheduled >= c->limit)
        return;
    c->scheduled++;
    c->lcg = c->lcg * 1664525u + 1013904223u;
    TsEvent *n = ts_sim_event_new(self->sim, self, 0);
    n->priority = (guint8)(c->lcg >> 30);
    ts_sim_schedule_in(self->sim, n, 1 + (c->lcg >> 20) % 97);
}

static const TsComponentKind churn_kind = {
    .name = "churn",
    .instance_size = sizeof(Churn),
    .init = churn_init,
    .handle = churn_handle,
};

static void test_pool_reuse_1e6(void)
{
    for (int k = 0; k < TS_EVQ_N_KINDS; k++) {
        g_autoptr(TsSim) sim = ts_sim_new();
        CU_ASSERT_TRUE_FATAL(ts_sim_set_queue(sim, (TsEvqKind)k, NULL));
        TsComponent *comp = ts_sim_add_component(sim, &churn_kind, "churn", NULL, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(comp);
        Churn *c = TS_COMPONENT_DOWNCAST(Churn, comp);
        c->limit = 1000000;
        c->lcg = 1;
        CU_ASSERT_TRUE_FATAL(ts_sim_build(sim, NULL));
        for (int i = 0; i < 100; i++)
            ts_sim_schedule(sim, ts_sim_event_new(sim, comp, 0), (TsTick)i);
        /* warm up, then the allocation counter must not move */
        CU_ASSERT_EQUAL(ts_sim_run_until(sim, 1000), TS_RUN_UNTIL);
        TsSimKernelStats warm, end;
        ts_sim_get_kernel_stats(sim, &warm);
        CU_ASSERT_EQUAL(ts_sim_run(sim), TS_RUN_EMPTY);
        ts_sim_get_kernel_stats(sim, &end);
        CU_ASSERT_EQUAL(end.events, 1000100);
        CU_ASSERT_EQUAL(end.pool.allocs, 1000100);
        CU_ASSERT_EQUAL(end.pool.chunk_allocs, warm.pool.chunk_allocs);
        CU_ASSERT_EQUAL(end.pool.chunk_allocs, 1);
        CU_ASSERT_EQUAL(end.pool.capacity, TS_EVENT_POOL_CHUNK);
        CU_ASSERT_EQUAL(end.pool.peak_live, 101); /* 100 in flight + the new one */
        CU_ASSERT_EQUAL(end.pool.live, 0);
        CU_ASSERT_EQUAL(end.queue.peak, 100);
    }
}

void test_core_register_queue(void)
{
    CU_pSuite s = CU_add_suite("core_queue", NULL, NULL);
    CU_add_test(s, "queue_reference", test_queue_reference);
    CU_add_test(s, "queue_renumber", test_queue_renumber);
    CU_add_test(s, "queue_fifo_ties", test_queue_fifo_ties);
    CU_add_test(s, "pool_standalone", test_pool_standalone);
    CU_add_test(s, "pool_fresh_order", test_pool_fresh_order);
    CU_add_test(s, "pool_reuse_1e6", test_pool_reuse_1e6);
}
