/* The event loop and everything on its hot path: event allocation, scheduling, the run loop
 * (specialised per queue structure and traced/untraced, so an untraced run tests no trace
 * mask at all), run control with watchdog and stop requests, tracing and abort reports. */
#include "ts-sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ts-sim-private.h"

TsSim *ts_sim_new(void)
{
    TsSim *sim = g_new0(TsSim, 1);
    ts_evq_init_(&sim->evq, TS_EVQ_DEFAULT);
    ts_event_pool_init_(&sim->pool);
    sim->event_limit = G_MAXUINT64;
    sim->components = g_ptr_array_new();
    sim->graveyard = g_ptr_array_new();
    sim->by_path = g_hash_table_new(g_str_hash, g_str_equal);
    sim->links = g_ptr_array_new_with_free_func(g_free);
    sim->stat_rules = g_array_new(FALSE, FALSE, sizeof(TsStatRule));
    sim->wd_max_tick = TS_TICK_NEVER;
    sim->last_status = TS_RUN_EMPTY;
    return sim;
}

void ts_sim_free(TsSim *sim)
{
    if (sim == NULL)
        return;
    for (guint i = 0; i < sim->graveyard->len; i++)
        g_ptr_array_add(sim->components, g_ptr_array_index(sim->graveyard, i));
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        if (c->kind->destroy != NULL)
            c->kind->destroy(c);
    }
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        ts_stat_set_free(c->stats);
        g_free(c->ports);
        g_free(c->arrivals);
        g_free(c->port_first);
        g_free(c->port_count);
        g_free((char *)c->path);
        g_free(c);
    }
    g_ptr_array_unref(sim->components);
    g_ptr_array_unref(sim->graveyard);
    g_hash_table_unref(sim->by_path);
    g_ptr_array_unref(sim->links);
    for (guint i = 0; i < sim->stat_rules->len; i++)
        g_pattern_spec_free(g_array_index(sim->stat_rules, TsStatRule, i).pattern);
    g_array_unref(sim->stat_rules);
    if (sim->trace_glob)
        g_pattern_spec_free(sim->trace_glob);
    ts_evq_clear_(&sim->evq);
    ts_event_pool_clear_(&sim->pool);
    g_free(sim->stop_message);
    g_free(sim->stop_reason);
    g_free(sim->stop_who);
    g_free(sim);
}

gboolean ts_sim_set_queue(TsSim *sim, TsEvqKind kind, GError **error)
{
    g_return_val_if_fail(sim != NULL, FALSE);
    g_return_val_if_fail((unsigned)kind < TS_EVQ_N_KINDS, FALSE);
    if (sim->evq.pushes != 0) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_STATE,
                    "the event queue can only be chosen before the first event is scheduled");
        return FALSE;
    }
    ts_evq_clear_(&sim->evq);
    ts_evq_init_(&sim->evq, kind);
    return TRUE;
}

TsEvqKind ts_sim_queue(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, TS_EVQ_DEFAULT);
    return sim->evq.kind;
}

void ts_sim_set_seed(TsSim *sim, guint64 seed)
{
    g_return_if_fail(sim != NULL);
    sim->seed = seed;
}

guint64 ts_sim_seed(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, 0);
    return sim->seed;
}

void ts_sim_reserve_events(TsSim *sim, gsize n)
{
    g_return_if_fail(sim != NULL);
    ts_event_pool_reserve(&sim->pool, n);
    /* Pairing nodes are indexed by slot: cover the whole pool. */
    ts_evq_reserve(&sim->evq, sim->evq.kind == TS_EVQ_PAIRING
                                  ? (gsize)sim->pool.n_chunks * TS_EVENT_POOL_CHUNK
                                  : n);
}

/* ---- abort and trace ---- */

void ts_sim_abort_(const TsSim *sim, const TsComponent *component, const char *location,
                   const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    fprintf(stderr, "tilesim: broken invariant at tick %" G_GUINT64_FORMAT " ps in %s: %s (%s)\n",
            sim ? sim->now : 0, component ? component->path : "(kernel)", msg,
            location ? location : "?");
    fflush(stderr);
    abort();
}

void ts_component_abort_(const TsComponent *component, const char *location, const char *format,
                         ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    ts_sim_abort_(component ? component->sim : NULL, component, location, "%s", msg);
}

void ts_sim_trace_emit_(TsSim *sim, guint32 category, const TsEvent *event, const char *message)
{
    if (sim->trace_func == NULL)
        return;
    TsTraceRecord r = {
        .category = category,
        .now = sim->now,
        .event_tick = event ? event->tick : sim->now,
        .source = sim->current,
        .target = event ? event->target : NULL,
        .event_type = event ? event->type : 0,
        .size_bytes = event ? event->size_bytes : 0,
        .port = event ? event->port : TS_PORT_NONE,
        .message = message,
    };
    sim->trace_func(&r, sim->trace_data);
}

void ts_sim_trace_apply_(TsSim *sim, TsComponent *c)
{
    gboolean match =
        sim->trace_glob == NULL || g_pattern_spec_match_string(sim->trace_glob, c->path);
    c->trace_mask = match ? sim->trace_request : 0;
    sim->trace_mask |= c->trace_mask;
}

void ts_sim_set_trace(TsSim *sim, guint32 mask, const char *path_glob, TsTraceFunc func,
                      gpointer user_data)
{
    g_return_if_fail(sim != NULL);
    g_return_if_fail(mask == 0 || func != NULL);
    sim->trace_func = func;
    sim->trace_data = user_data;
    sim->trace_request = mask & TS_TRACE_ALL;
    if (sim->trace_glob)
        g_pattern_spec_free(sim->trace_glob);
    sim->trace_glob = path_glob ? g_pattern_spec_new(path_glob) : NULL;
    sim->trace_mask = 0;
    for (guint i = 0; i < sim->components->len; i++)
        ts_sim_trace_apply_(sim, g_ptr_array_index(sim->components, i));
}

void ts_component_trace_(const TsComponent *component, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    g_autofree char *msg = g_strdup_vprintf(format, ap);
    va_end(ap);
    TsSim *sim = component->sim;
    TsComponent *saved = sim->current;
    sim->current = (TsComponent *)component;
    ts_sim_trace_emit_(sim, TS_TRACE_MODEL, NULL, msg);
    sim->current = saved;
}

static const char *category_name(guint32 c)
{
    switch (c) {
    case TS_TRACE_DISPATCH:
        return "dispatch";
    case TS_TRACE_SCHEDULE:
        return "schedule";
    case TS_TRACE_SEND:
        return "send";
    case TS_TRACE_MODEL:
        return "model";
    }
    return "?";
}

void ts_trace_print(const TsTraceRecord *r, gpointer user_data)
{
    FILE *f = user_data ? user_data : stderr;
    if (r->category == TS_TRACE_MODEL) {
        fprintf(f, "%" G_GUINT64_FORMAT " model %s: %s\n", r->now,
                r->source ? r->source->path : "-", r->message ? r->message : "");
        return;
    }
    fprintf(f, "%" G_GUINT64_FORMAT " %s %s -> %s type=%u at=%" G_GUINT64_FORMAT, r->now,
            category_name(r->category), r->source ? r->source->path : "-",
            r->target ? r->target->path : "-", r->event_type, r->event_tick);
    if (r->port != TS_PORT_NONE)
        fprintf(f, " port=%u bytes=%u", r->port, r->size_bytes);
    fputc('\n', f);
}

/* ---- events ---- */

TsEvent *ts_sim_event_new(TsSim *sim, TsComponent *target, guint32 type)
{
    g_return_val_if_fail(sim != NULL, NULL);
    TsEvent *ev = ts_event_pool_alloc_(&sim->pool);
    ev->target = target;
    ev->type = type;
    ev->size_bytes = 0;
    ev->port = TS_PORT_NONE;
    ev->priority = 0;
    memset(&ev->payload, 0, sizeof ev->payload);
    return ev;
}

void ts_sim_event_discard(TsSim *sim, TsEvent *event)
{
    g_return_if_fail(sim != NULL && event != NULL);
    g_return_if_fail((event->flags & (TS_EVENT_FLAG_QUEUED | TS_EVENT_FLAG_FREE)) == 0);
    ts_event_pool_release_(&sim->pool, event);
}

static G_GNUC_NORETURN G_GNUC_NO_INLINE void abort_past(TsSim *sim, const TsEvent *ev, TsTick tick,
                                                        const char *location)
{
    ts_sim_abort_(sim, sim->current ? sim->current : ev->target, location,
                  "event of type %u for %s scheduled in the past (tick %" G_GUINT64_FORMAT
                  " ps < now %" G_GUINT64_FORMAT " ps)",
                  ev->type, ev->target ? ev->target->path : "?", tick, sim->now);
}

static G_GNUC_NORETURN G_GNUC_NO_INLINE void abort_never(TsSim *sim, const TsEvent *ev,
                                                         const char *location)
{
    ts_sim_abort_(sim, sim->current ? sim->current : ev->target, location,
                  "event of type %u for %s scheduled at TS_TICK_NEVER (a time computation "
                  "overflowed, e.g. ts_clock_cycles_to_ticks)",
                  ev->type, ev->target ? ev->target->path : "?");
}

static inline void schedule(TsSim *sim, TsEvent *ev, TsTick tick, const char *location)
{
    if (G_UNLIKELY(tick < sim->now))
        abort_past(sim, ev, tick, location);
    /* TS_TICK_NEVER is the overflow sentinel of the time helpers, and the run loop's
     * exclusive limit: an event there would never run (ts_sim_run would end "until"). */
    if (G_UNLIKELY(tick == TS_TICK_NEVER))
        abort_never(sim, ev, location);
    if (G_UNLIKELY(ev->flags & (TS_EVENT_FLAG_QUEUED | TS_EVENT_FLAG_FREE)))
        ts_sim_abort_(sim, sim->current, location,
                      "event of type %u scheduled twice or after "
                      "being freed",
                      ev->type);
    if (G_UNLIKELY(ev->target == NULL))
        ts_sim_abort_(sim, sim->current, location,
                      "event of type %u scheduled with no target (events without one must go "
                      "through ts_port_send)",
                      ev->type);
    ev->tick = tick;
    ev->flags |= TS_EVENT_FLAG_QUEUED;
    ts_evq_push_(&sim->evq, tick, ev->priority, ev->slot);
    if (G_UNLIKELY(sim->trace_mask & TS_TRACE_SCHEDULE) &&
        (ev->target->trace_mask & TS_TRACE_SCHEDULE))
        ts_sim_trace_emit_(sim, TS_TRACE_SCHEDULE, ev, NULL);
}

void ts_sim_schedule_at_(TsSim *sim, TsEvent *event, TsTick tick, const char *location)
{
    g_return_if_fail(sim != NULL && event != NULL && event->target != NULL);
    schedule(sim, event, tick, location);
}

void ts_sim_schedule_in_at_(TsSim *sim, TsEvent *event, TsTick delay_ps, const char *location)
{
    g_return_if_fail(sim != NULL && event != NULL && event->target != NULL);
    TsTick tick;
    if (__builtin_add_overflow(sim->now, delay_ps, &tick))
        ts_sim_abort_(sim, sim->current, location,
                      "delay of %" G_GUINT64_FORMAT " ps overflows simulated time", delay_ps);
    schedule(sim, event, tick, location);
}

/* ---- arrival queues ---- */

static G_GNUC_NO_INLINE void grow_arrivals(TsComponent *r)
{
    const guint32 cap = r->arrivals_cap ? 2 * r->arrivals_cap : 64;
    if (G_UNLIKELY(cap == 0 || cap > TS_EVENT_POOL_MAX_SLOTS))
        ts_sim_abort_(r->sim, r, G_STRLOC, "arrival queue of more than 2^28 events");
    TsEvent **a = g_new(TsEvent *, cap);
    for (guint32 i = 0; i < r->arrivals_n; i++)
        a[i] = r->arrivals[(r->arrivals_head + i) & (r->arrivals_cap - 1)];
    g_free(r->arrivals);
    r->arrivals = a;
    r->arrivals_cap = cap;
    r->arrivals_head = 0;
}

/* A batched send arriving at `tick`: appended to the receiver's arrival queue, or scheduled as
 * an event when it precedes the queue's last arrival. The receiver hears of it through its
 * `arrival` callback when it lies before the receiver's watch tick; a receiver without one
 * through a TS_EVENT_ARRIVAL event when it makes the queue non-empty. */
static inline void enqueue_arrival(TsSim *sim, TsEvent *ev, TsTick tick, const char *location)
{
    TsComponent *r = ev->target;
    const guint32 n = r->arrivals_n;
    if (n != 0) {
        const TsEvent *last = r->arrivals[(r->arrivals_head + n - 1) & (r->arrivals_cap - 1)];
        if (tick < last->tick || (tick == last->tick && ev->priority < last->priority)) {
            schedule(sim, ev, tick, location);
            return;
        }
    }
    if (G_UNLIKELY(tick == TS_TICK_NEVER))
        abort_never(sim, ev, location);
    if (G_UNLIKELY(ev->flags & (TS_EVENT_FLAG_QUEUED | TS_EVENT_FLAG_FREE)))
        ts_sim_abort_(sim, sim->current, location,
                      "event of type %u sent twice or after being freed", ev->type);
    if (G_UNLIKELY(n == r->arrivals_cap))
        grow_arrivals(r);
    ev->tick = tick;
    ev->flags |= TS_EVENT_FLAG_QUEUED;
    r->arrivals[(r->arrivals_head + n) & (r->arrivals_cap - 1)] = ev;
    r->arrivals_n = n + 1;
    if (r->kind->arrival != NULL) {
        if (tick < r->arrivals_watch)
            r->kind->arrival(r, ev);
    } else if (n == 0) {
        TsEvent *note = ts_sim_event_new(sim, r, TS_EVENT_ARRIVAL);
        note->port = ev->port;
        note->priority = ev->priority;
        schedule(sim, note, tick, location);
    }
}

void ts_component_drop_arrival(TsComponent *component)
{
    if (G_UNLIKELY(component->arrivals_n == 0))
        ts_sim_abort_(component->sim, component, G_STRLOC, "dropping from an empty arrival queue");
    TsEvent *ev = component->arrivals[component->arrivals_head];
    component->arrivals_head = (component->arrivals_head + 1) & (component->arrivals_cap - 1);
    component->arrivals_n--;
    ev->flags = 0;
    ts_event_pool_release_(&component->sim->pool, ev);
}

/* ---- links (the send path is hot in models, so it lives here) ---- */

TsTick ts_port_send_at_(TsPort *port, TsEvent *event, guint32 size_bytes, const char *location)
{
    g_return_val_if_fail(port != NULL && event != NULL, TS_TICK_NEVER);
    return ts_port_send_from_at_(port, event, size_bytes, port->owner->sim->now, location);
}

TsTick ts_port_send_from_at_(TsPort *port, TsEvent *event, guint32 size_bytes, TsTick depart_tick,
                             const char *location)
{
    g_return_val_if_fail(port != NULL && event != NULL, TS_TICK_NEVER);
    TsSim *sim = port->owner->sim;
    if (G_UNLIKELY(depart_tick < sim->now))
        ts_sim_abort_(sim, port->owner, location,
                      "send on port '%s' departing in the past (tick %" G_GUINT64_FORMAT
                      " ps < now %" G_GUINT64_FORMAT " ps)",
                      port->spec->name, depart_tick, sim->now);
    if (G_UNLIKELY(port->link == NULL))
        ts_sim_abort_(sim, port->owner, location, "send on unconnected port '%s'",
                      port->spec->name);
    if (port->credited) {
        if (G_UNLIKELY(port->credits == 0))
            ts_sim_abort_(sim, port->owner, location,
                          "send on credited port '%s' element %u without a credit "
                          "(the receiver's queue is full)",
                          port->spec->name, port->element);
        port->credits--;
    }
    TsLink *link = port->link;
    TsLinkDir *d = &link->dir[port->dir];
    guint64 bw = link->spec.bw_bytes_per_s;
    TsTick done = depart_tick;
    if (bw != 0) {
        TsU128 start = (TsU128)depart_tick * bw;
        if (d->free_scaled > start)
            start = d->free_scaled;
        TsU128 end = start + (TsU128)size_bytes * TS_PS_PER_S;
        d->free_scaled = end;
        TsU128 q = (end + bw - 1) / bw;
        if (G_UNLIKELY(q > G_MAXUINT64))
            ts_sim_abort_(sim, port->owner, location, "link transfer overflows simulated time");
        done = (TsTick)q;
    }
    TsTick arrival;
    if (G_UNLIKELY(__builtin_add_overflow(done, link->spec.latency_ps, &arrival)))
        ts_sim_abort_(sim, port->owner, location, "link transfer overflows simulated time");
    d->transfers++;
    d->bytes += size_bytes;
    event->target = port->peer->owner;
    event->port = port->peer->index;
    event->size_bytes = size_bytes;
    if (port->batch && G_LIKELY(sim->trace_mask == 0)) {
        enqueue_arrival(sim, event, arrival, location);
        return arrival;
    }
    if (G_UNLIKELY(sim->trace_mask & TS_TRACE_SEND) && (port->owner->trace_mask & TS_TRACE_SEND)) {
        event->tick = arrival;
        ts_sim_trace_emit_(sim, TS_TRACE_SEND, event, NULL);
    }
    schedule(sim, event, arrival, location);
    return arrival;
}

TsTick ts_port_free_tick(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, TS_TICK_NEVER);
    TsSim *sim = port->owner->sim;
    if (port->link == NULL || port->link->spec.bw_bytes_per_s == 0)
        return sim->now;
    guint64 bw = port->link->spec.bw_bytes_per_s;
    TsU128 f = port->link->dir[port->dir].free_scaled;
    TsU128 q = (f + bw - 1) / bw;
    if (q > G_MAXUINT64)
        return TS_TICK_NEVER;
    return MAX(sim->now, (TsTick)q);
}

guint32 ts_port_credits(const TsPort *port)
{
    g_return_val_if_fail(port != NULL, 0);
    return port->credited ? port->credits : G_MAXUINT32;
}

static void add_credits(TsPort *port, guint32 n)
{
    if (G_UNLIKELY(port->credits > G_MAXUINT32 - n))
        ts_sim_abort_(port->owner->sim, port->owner, G_STRLOC,
                      "credits of port '%s' overflow 2^32-1", port->spec->name);
    port->credits += n;
}

void ts_port_grant_credits(TsPort *port, guint32 n)
{
    g_return_if_fail(port != NULL);
    TsSim *sim = port->owner->sim;
    if (G_UNLIKELY(port->link == NULL))
        ts_sim_abort_(sim, port->owner, G_STRLOC, "credits granted on unconnected port '%s'",
                      port->spec->name);
    if (n == 0)
        return;
    TsPort *sender = port->peer;
    /* Before the run, or to a quiet sender not waiting on them: no event. */
    if (!sim->running || (sender->quiet && sender->credits > 0 && port->link->spec.latency_ps == 0)) {
        add_credits(sender, n);
        return;
    }
    /* A quiet sender waiting on them with a credit callback: the callback, at once. */
    TsComponent *s = sender->owner;
    if (sender->quiet && s->kind->credit != NULL && port->link->spec.latency_ps == 0 &&
        sim->trace_mask == 0) {
        add_credits(sender, n);
        TsComponent *granting = sim->current;
        sim->current = s;
        s->kind->credit(s, sender);
        sim->current = granting;
        return;
    }
    TsEvent *ev = ts_sim_event_new(sim, sender->owner, TS_EVENT_CREDIT);
    ev->port = sender->index;
    ev->payload.u32[0] = n;
    TsTick arrival;
    if (G_UNLIKELY(__builtin_add_overflow(sim->now, port->link->spec.latency_ps, &arrival)))
        ts_sim_abort_(sim, port->owner, G_STRLOC, "credit return overflows simulated time");
    schedule(sim, ev, arrival, G_STRLOC);
}

/* ---- run loop ---- */

typedef enum { LOOP_EMPTY, LOOP_TICK, LOOP_EVENTS } LoopEnd;

/* The event loop, specialised at compile time on the queue structure and on tracing. */
static inline __attribute__((always_inline)) LoopEnd
loop(TsSim *sim, TsTick limit, const TsEvqKind kind, const gboolean traced)
{
    TsEvq *q = &sim->evq;
    TsEventPool *pool = &sim->pool;
    for (;;) {
        if (G_UNLIKELY(sim->events >= sim->event_limit))
            return LOOP_EVENTS;
        if (G_UNLIKELY(q->size == 0))
            return LOOP_EMPTY;
        TsEvqKey top = ts_evq_top_k_(q, kind);
        TsTick tick = ts_evq_key_tick_(top);
        if (G_UNLIKELY(tick >= limit))
            return LOOP_TICK;
        /* Memory-level parallelism for large models: this record was prefetched during the
         * previous handler, so its target is at hand; fetch the target's first two lines
         * while the queue pops, and the next record while this handler runs. */
        TsEvent *ev = ts_event_pool_at_(pool, ts_evq_key_slot_(top));
        TsComponent *c = ev->target;
        __builtin_prefetch(c);
        __builtin_prefetch((const char *)c + 64);
        ts_evq_pop_k_(q, kind);
        if (G_LIKELY(q->size != 0))
            __builtin_prefetch(ts_event_pool_at_(pool, ts_evq_key_slot_(ts_evq_top_k_(q, kind))));
        sim->now = tick;
        ev->flags = 0;
        sim->current = c;
        if (G_UNLIKELY(ev->type == TS_EVENT_CREDIT))
            add_credits(&c->ports[ev->port], ev->payload.u32[0]);
        if (traced && (c->trace_mask & TS_TRACE_DISPATCH))
            ts_sim_trace_emit_(sim, TS_TRACE_DISPATCH, ev, NULL);
        c->handle(c, ev);
        sim->events++;
        if ((ev->flags & (TS_EVENT_FLAG_QUEUED | TS_EVENT_FLAG_FREE)) == 0)
            ts_event_pool_release_(pool, ev);
    }
}

static G_GNUC_NO_INLINE LoopEnd loop_heap4(TsSim *sim, TsTick limit)
{
    return loop(sim, limit, TS_EVQ_HEAP4, FALSE);
}

static G_GNUC_NO_INLINE LoopEnd loop_heap2(TsSim *sim, TsTick limit)
{
    return loop(sim, limit, TS_EVQ_HEAP2, FALSE);
}

static G_GNUC_NO_INLINE LoopEnd loop_pairing(TsSim *sim, TsTick limit)
{
    return loop(sim, limit, TS_EVQ_PAIRING, FALSE);
}

static G_GNUC_NO_INLINE LoopEnd loop_traced(TsSim *sim, TsTick limit)
{
    switch (sim->evq.kind) {
    case TS_EVQ_HEAP2:
        return loop(sim, limit, TS_EVQ_HEAP2, TRUE);
    case TS_EVQ_PAIRING:
        return loop(sim, limit, TS_EVQ_PAIRING, TRUE);
    default:
        return loop(sim, limit, TS_EVQ_HEAP4, TRUE);
    }
}

static void set_message(TsSim *sim, char *msg)
{
    g_free(sim->stop_message);
    sim->stop_message = msg;
}

static const char *next_target_path(TsSim *sim)
{
    if (sim->evq.size == 0)
        return "-";
    TsEvent *ev = ts_event_pool_at_(&sim->pool, ts_evq_key_slot_(ts_evq_top_(&sim->evq)));
    return ev->target->path;
}

static TsRunStatus run(TsSim *sim, TsTick until)
{
    g_return_val_if_fail(sim != NULL, TS_RUN_EMPTY);
    g_return_val_if_fail(sim->phase == TS_PHASE_BUILT, TS_RUN_EMPTY);
    g_return_val_if_fail(sim->current == NULL, TS_RUN_EMPTY); /* no nested runs */

    sim->stop_requested = FALSE;
    g_clear_pointer(&sim->stop_reason, g_free);
    g_clear_pointer(&sim->stop_who, g_free);
    sim->event_limit = sim->wd_max_events ? sim->wd_max_events : G_MAXUINT64;
    TsTick limit = until;
    gboolean time_watchdog = FALSE;
    if (sim->wd_max_tick != TS_TICK_NEVER && sim->wd_max_tick + 1 < limit) {
        limit = sim->wd_max_tick + 1;
        time_watchdog = TRUE;
    }

    LoopEnd end;
    sim->running = TRUE;
    sim->run_limit = limit;
    if (sim->trace_mask != 0) {
        end = loop_traced(sim, limit);
    } else {
        switch (sim->evq.kind) {
        case TS_EVQ_HEAP2:
            end = loop_heap2(sim, limit);
            break;
        case TS_EVQ_PAIRING:
            end = loop_pairing(sim, limit);
            break;
        default:
            end = loop_heap4(sim, limit);
            break;
        }
    }
    sim->running = FALSE;
    sim->current = NULL;
    sim->run_limit = 0;

    TsRunStatus st;
    switch (end) {
    case LOOP_EMPTY:
        st = TS_RUN_EMPTY;
        set_message(sim, g_strdup_printf("event queue empty at tick %" G_GUINT64_FORMAT
                                         " ps after %" G_GUINT64_FORMAT " events",
                                         sim->now, sim->events));
        break;
    case LOOP_TICK:
        if (time_watchdog) {
            st = TS_RUN_WATCHDOG_TIME;
            TsTick next = ts_evq_key_tick_(ts_evq_top_(&sim->evq));
            set_message(sim, g_strdup_printf("watchdog: simulated-time limit of %" G_GUINT64_FORMAT
                                             " ps reached: next event at tick %" G_GUINT64_FORMAT
                                             " ps for %s (%" G_GUINT64_FORMAT
                                             " events processed, %zu pending)",
                                             sim->wd_max_tick, next, next_target_path(sim),
                                             sim->events, (size_t)sim->evq.size));
        } else {
            st = TS_RUN_UNTIL;
            sim->now = MAX(sim->now, until);
            set_message(sim, g_strdup_printf("reached end tick %" G_GUINT64_FORMAT
                                             " ps after %" G_GUINT64_FORMAT " events (%zu pending)",
                                             until, sim->events, (size_t)sim->evq.size));
        }
        break;
    case LOOP_EVENTS:
    default:
        if (sim->stop_requested) {
            st = TS_RUN_STOPPED;
            set_message(sim,
                        g_strdup_printf("stop requested by %s at tick %" G_GUINT64_FORMAT " ps: %s",
                                        sim->stop_who ? sim->stop_who : "(driver)", sim->now,
                                        sim->stop_reason ? sim->stop_reason : "no reason"));
        } else {
            st = TS_RUN_WATCHDOG_EVENTS;
            set_message(sim, g_strdup_printf("watchdog: event limit of %" G_GUINT64_FORMAT
                                             " events reached at tick %" G_GUINT64_FORMAT
                                             " ps (%zu pending, next for %s)",
                                             sim->wd_max_events, sim->now, (size_t)sim->evq.size,
                                             next_target_path(sim)));
        }
        break;
    }
    sim->event_limit = G_MAXUINT64;
    sim->last_status = st;
    return st;
}

TsRunStatus ts_sim_run(TsSim *sim)
{
    return run(sim, TS_TICK_NEVER);
}

TsRunStatus ts_sim_run_until(TsSim *sim, TsTick end_tick)
{
    return run(sim, end_tick);
}

gboolean ts_sim_continue_at(TsSim *sim, TsTick tick, guint8 priority)
{
    /* Continue only if every pending key is at or above the first key after (tick, priority)
     * (priority + 1 carries into the tick for 255). The queue test comes first: it fails most. */
    const TsEvqKey after = ((TsEvqKey)tick << 64) + ((TsEvqKey)(priority + 1u) << 56);
    if (sim->evq.size != 0 && ts_evq_top_(&sim->evq) < after)
        return FALSE;
    /* Outside a run run_limit is 0; a traced run dispatches every event through the loop. */
    if (tick >= sim->run_limit || sim->events + 1 >= sim->event_limit || sim->trace_mask != 0 ||
        sim->current == NULL)
        return FALSE;
    if (G_UNLIKELY(tick < sim->now))
        ts_sim_abort_(sim, sim->current, G_STRLOC,
                      "continuation at tick %" G_GUINT64_FORMAT " ps is in the past (now %"
                      G_GUINT64_FORMAT " ps)",
                      tick, sim->now);
    sim->events++;
    sim->now = tick;
    return TRUE;
}

TsTick ts_sim_quiet_until(const TsSim *sim)
{
    if (sim->current == NULL || sim->trace_mask != 0 || sim->event_limit != G_MAXUINT64)
        return sim->now;
    TsTick h = sim->run_limit;
    if (sim->evq.size != 0)
        h = MIN(h, ts_evq_key_tick_(ts_evq_top_(&sim->evq)));
    /* The running component's queued arrivals are not in the event queue (any other
     * component with arrivals keeps an event of its own no later than it must read them). */
    if (sim->current->arrivals_n != 0)
        h = MIN(h, ts_component_next_arrival(sim->current)->tick);
    return MAX(h, sim->now);
}

void ts_sim_request_stop(TsSim *sim, const TsComponent *who, const char *reason)
{
    g_return_if_fail(sim != NULL);
    sim->stop_requested = TRUE;
    sim->event_limit = 0; /* the loop's one limit test catches it after this handler */
    g_free(sim->stop_reason);
    g_free(sim->stop_who);
    sim->stop_reason = g_strdup(reason);
    sim->stop_who = who ? g_strdup(who->path) : NULL;
}

void ts_sim_set_watchdog(TsSim *sim, guint64 max_events, TsTick max_tick)
{
    g_return_if_fail(sim != NULL);
    sim->wd_max_events = max_events;
    sim->wd_max_tick = max_tick;
}

const char *ts_sim_stop_message(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, NULL);
    return sim->stop_message ? sim->stop_message : "not run";
}

TsRunStatus ts_sim_last_status(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, TS_RUN_EMPTY);
    return sim->last_status;
}

const char *ts_run_status_name(TsRunStatus status)
{
    switch (status) {
    case TS_RUN_EMPTY:
        return "empty";
    case TS_RUN_UNTIL:
        return "until";
    case TS_RUN_STOPPED:
        return "stopped";
    case TS_RUN_WATCHDOG_EVENTS:
        return "watchdog_events";
    case TS_RUN_WATCHDOG_TIME:
        return "watchdog_time";
    }
    return "invalid";
}

void ts_sim_finish(TsSim *sim)
{
    g_return_if_fail(sim != NULL);
    if (sim->finished)
        return;
    sim->finished = TRUE;
    for (guint i = 0; i < sim->components->len; i++) {
        TsComponent *c = g_ptr_array_index(sim->components, i);
        if (c->kind->finish != NULL) {
            sim->current = c;
            c->kind->finish(c);
        }
    }
    sim->current = NULL;
}

TsTick ts_sim_now(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, 0);
    return sim->now;
}

guint64 ts_sim_events_processed(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, 0);
    return sim->events;
}

gsize ts_sim_pending(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, 0);
    return sim->evq.size;
}

TsComponent *ts_sim_current(const TsSim *sim)
{
    g_return_val_if_fail(sim != NULL, NULL);
    return sim->current;
}

void ts_sim_get_kernel_stats(const TsSim *sim, TsSimKernelStats *stats)
{
    g_return_if_fail(sim != NULL && stats != NULL);
    stats->events = sim->events;
    ts_event_pool_get_stats(&sim->pool, &stats->pool);
    ts_evq_get_stats(&sim->evq, &stats->queue);
}
