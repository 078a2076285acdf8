/* The DES kernel's public API (include this one header): a simulation (TsSim) of components
 * (instances of const vtable kinds with spec tables for params, ports and statistics, each
 * configured from a typed spec checked by name plus DES-only parameters), per-instance port
 * arrays, links with latency and exact-rational bandwidth between named ports, credit-based
 * flow control on credited ports (ts-mem.h defines the memory-request payload that travels on
 * them), pooled events ordered by (tick, priority, insertion sequence), run control with a
 * watchdog, per-event tracing behind a mask, and a JSON statistics dump. Time is integer
 * picoseconds; clocks have exact rational periods (ts-time.h). */
#ifndef TS_SIM_H
#define TS_SIM_H

#include <stddef.h>

#include "ts-event.h"
#include "ts-evq.h"
#include "ts-compute.h"
#include "ts-mem.h"
#include "ts-params.h"
#include "ts-rng.h"
#include "ts-stats.h"
#include "ts-time.h"

G_BEGIN_DECLS

typedef struct TsSim TsSim;
typedef struct TsComponent TsComponent;
typedef struct TsPort TsPort;

/* Port flags (TsPortSpec.flags). */
enum {
    /* A port array: each instance sets its element count in init
     * (ts_component_set_port_count; 0 until then) and elements are named "name[i]" when
     * connecting, as SST's "port%(n)d" (a buffer feeding 168 PEs, a host link feeding 1,024
     * DPUs). A required array needs every element connected. */
    TS_PORT_ARRAY = 1u << 0,
    /* Sends need a credit: the receiver grants credits for the queue slots it has
     * (ts_port_grant_credits) and each send consumes one, so the receiver's queue is bounded
     * and a full queue back-pressures the sender. Sending with no credit is a broken
     * invariant (abort). */
    TS_PORT_CREDITED = 1u << 1,
    /* With TS_PORT_CREDITED, for a sender that waits only on a port with no credit left:
     * credits granted over a link of zero latency while the port holds at least one are added
     * at once, without a TS_EVENT_CREDIT event (nothing waits on them; the next send reads
     * them); while it holds none they come as the event, as without the flag, or through the
     * kind's `credit` callback when it has one. */
    TS_PORT_CREDIT_QUIET = 1u << 2,
    /* With TS_PORT_CREDITED, on a sender: sends go to the receiving component's arrival queue
     * instead of the event queue, so a batch of timed requests costs the receiver no event
     * each (the peer port must have TS_PORT_ARRIVALS; ts_sim_connect checks). See "Arrival
     * queues" below. */
    TS_PORT_BATCH = 1u << 3,
    /* On a receiver: it reads what TS_PORT_BATCH senders send to this port from its
     * component's arrival queue (ts_component_arrival_due), not as events. */
    TS_PORT_ARRIVALS = 1u << 4,
};

/* One entry of a kind's port table (static const data). */
typedef struct TsPortSpec {
    const char *name;  /* e.g. "mem_req" */
    gboolean required; /* build fails while a required port is unconnected */
    const char *description;
    guint32 flags; /* TS_PORT_ARRAY, TS_PORT_CREDITED, TS_PORT_CREDIT_QUIET, TS_PORT_BATCH,
                      TS_PORT_ARRIVALS */
} TsPortSpec;

/* A component kind: a const vtable plus spec tables, normally a static const object.
 * Instances are allocated by the kernel (instance_size bytes, zeroed) and embed
 * `TsComponent base` as their first member. All callbacks take the base pointer; convert
 * with TS_COMPONENT_DOWNCAST (never cast the function pointers). */
typedef struct TsComponentKind {
    const char *name; /* e.g. "dram" */
    const char *description;
    gsize instance_size; /* sizeof the instance struct, >= sizeof(TsComponent) */
    const TsParamSpec *params;
    guint n_params;
    const TsPortSpec *ports; /* scalar port i is ts_component_port(c, i) */
    guint n_ports;
    const TsStatSpec *stats;
    guint n_stats;
    /* Name of the typed spec init takes (the arch's class spec, e.g. "TsDramSpec", or a
     * model's own struct), or NULL for a kind configured by params only. The kernel checks
     * the name given to ts_sim_add_component_typed against it before calling init. */
    const char *spec_type;
    /* Reads the typed spec (NULL when spec_type is NULL; owned by the caller, which keeps it
     * alive as long as the sim: the component may keep the pointer) and the resolved DES-only
     * params (every spec key present, typed per spec; borrowed for the call), sets the clock,
     * sizes port arrays and registers statistics. May schedule events to itself. Returns
     * FALSE with a GError on bad configuration. Required. */
    gboolean (*init)(TsComponent *self, const void *spec, const TsParams *params, GError **error);
    /* Called once by ts_sim_build after the graph is checked: ports may be used. Optional. */
    void (*setup)(TsComponent *self);
    /* Handles one event, borrowed: the handler may schedule or send it again (ownership goes
     * back to the queue) or discard it; otherwise the kernel recycles it on return. Required. */
    void (*handle)(TsComponent *self, TsEvent *event);
    /* Called once by ts_sim_finish: final statistics. Optional. */
    void (*finish)(TsComponent *self);
    /* Releases what init allocated; the kernel frees the instance itself. Optional. */
    void (*destroy)(TsComponent *self);
    /* For a kind with TS_PORT_ARRIVALS ports: called, from the sender's handler, for each
     * arrival queued with a tick before the component's watch tick
     * (ts_component_watch_arrivals; every arrival until it sets one), the arrival borrowed.
     * The component makes sure it reads the arrival in time, typically by moving its own
     * wake-up earlier; it changes nothing else. Optional: without it the kernel schedules a
     * TS_EVENT_ARRIVAL event for the component at the tick and priority of each arrival that
     * makes the queue non-empty. */
    void (*arrival)(TsComponent *self, const TsEvent *arrival);
    /* For a kind with TS_PORT_CREDIT_QUIET ports: credits granted during an untraced run over a
     * zero-latency link to such a port holding none are added and handed to this callback at
     * once, from the granting component's handler, instead of a TS_EVENT_CREDIT event. The
     * component may send (at or after now) and schedule, as its handler of that event would;
     * it must act the same whichever events of the tick come before or after. Optional. */
    void (*credit)(TsComponent *self, TsPort *port);
} TsComponentKind;

/* The spec-table fields of a TsComponentKind initializer from a kind's three static arrays:
 * `.params = params, .n_params = G_N_ELEMENTS(params)`, and the same for ports and stats. The
 * arguments must be arrays (not pointers) for G_N_ELEMENTS to count them. */
#define TS_COMPONENT_KIND_TABLES(params_, ports_, stats_)                                          \
    .params = (params_), .n_params = G_N_ELEMENTS(params_), .ports = (ports_),                     \
    .n_ports = G_N_ELEMENTS(ports_), .stats = (stats_), .n_stats = G_N_ELEMENTS(stats_)

/* Base of every component instance. All fields are kernel-owned; models read them. */
struct TsComponent {
    void (*handle)(TsComponent *self, TsEvent *event); /* copy of kind->handle */
    TsSim *sim;
    const TsComponentKind *kind;
    const char *path;   /* hierarchical name, e.g. "chip.pe[3][7].rf"; owned by the sim */
    guint32 id;         /* creation order, 0-based */
    guint32 trace_mask; /* TS_TRACE_* categories traced for this component */
    TsClock clock;      /* period_num == 0 until ts_component_set_clock{,_period} */
    TsPort *ports;      /* every port element, flat (opaque; see ts_component_port_at) */
    guint16 *port_first;  /* per kind->ports entry: flat index of its element 0 */
    guint16 *port_count;  /* per kind->ports entry: elements (1 for scalar ports) */
    guint32 n_port_slots; /* flat ports in total (TsEvent.port indexes them) */
    TsStatSet *stats;   /* enabled statistics, registration order */
    /* Arrival queue (ts_component_arrival_due): events sent by TS_PORT_BATCH senders, in
     * (tick, priority) order; a ring of arrivals_cap (a power of two) from arrivals_head. */
    TsEvent **arrivals;
    guint32 arrivals_cap, arrivals_head, arrivals_n;
    TsTick arrivals_watch; /* `arrival` is called for arrivals before this tick (NEVER: all) */
};

#define ts_container_of(ptr, Type, member) ((Type *)(void *)((char *)(ptr)-offsetof(Type, member)))
/* The instance of type Type whose `base` member is `base_ptr`. */
#define TS_COMPONENT_DOWNCAST(Type, base_ptr) ts_container_of(base_ptr, Type, base)

/* A link's timing: each direction serialises transfers at bw_bytes_per_s (0 = unlimited)
 * and then adds latency_ps. Directions are independent (full duplex). */
typedef struct TsLinkSpec {
    TsTick latency_ps;
    guint64 bw_bytes_per_s; /* 0 = no serialisation; at most 2^50 (about 1 PB/s) */
} TsLinkSpec;

/* Outcome of a run. */
typedef enum {
    TS_RUN_EMPTY,           /* the queue drained */
    TS_RUN_UNTIL,           /* the next event lies at or after the requested end tick */
    TS_RUN_STOPPED,         /* a component called ts_sim_request_stop */
    TS_RUN_WATCHDOG_EVENTS, /* the watchdog's event limit was reached */
    TS_RUN_WATCHDOG_TIME,   /* the next event lies beyond the watchdog's time limit */
} TsRunStatus;

/* Trace categories (bit mask). */
enum {
    TS_TRACE_DISPATCH = 1u << 0, /* each event handed to a handler (by target) */
    TS_TRACE_SCHEDULE = 1u << 1, /* each event queued (by target) */
    TS_TRACE_SEND = 1u << 2,     /* each transfer on a link (by sender) */
    TS_TRACE_MODEL = 1u << 3,    /* TS_TRACE() points in models (by component) */
    TS_TRACE_ALL = 0xfu,
};

/* What a trace sink receives; pointers are borrowed for the call. */
typedef struct TsTraceRecord {
    guint32 category;          /* one TS_TRACE_* bit */
    TsTick now;                /* simulated time of the record */
    TsTick event_tick;         /* delivery tick of the event concerned */
    const TsComponent *source; /* component running when the record was made, or NULL */
    const TsComponent *target; /* event target, or NULL */
    guint32 event_type;
    guint32 size_bytes;
    guint16 port;        /* receiving port index or TS_PORT_NONE */
    const char *message; /* TS_TRACE_MODEL text, else NULL */
} TsTraceRecord;

typedef void (*TsTraceFunc)(const TsTraceRecord *record, gpointer user_data);

/* Kernel counters for reports and allocation checks. */
typedef struct TsSimKernelStats {
    guint64 events; /* handler executions */
    TsEventPoolStats pool;
    TsEvqStats queue;
} TsSimKernelStats;

/* ---- lifecycle ---- */

/* New empty simulation (queue TS_EVQ_DEFAULT, seed 0). Free with ts_sim_free (accepts
 * NULL), which calls every component's destroy in creation order. */
TsSim *ts_sim_new(void);
void ts_sim_free(TsSim *sim);

/* Chooses the queue structure; only before the first event is scheduled (else FALSE with
 * TS_CORE_ERROR_STATE). */
gboolean ts_sim_set_queue(TsSim *sim, TsEvqKind kind, GError **error);
TsEvqKind ts_sim_queue(const TsSim *sim);

/* Master seed recorded for the run; components derive their generators from it with
 * ts_rng_new(ts_sim_seed(sim), component path). */
void ts_sim_set_seed(TsSim *sim, guint64 seed);
guint64 ts_sim_seed(const TsSim *sim);

/* Pre-sizes the pool and queue for n pending events (no allocation until exceeded). */
void ts_sim_reserve_events(TsSim *sim, gsize n);

/* Adds a statistics rule: statistics whose "component-path.stat-name" matches the glob
 * (GPatternSpec: * and ?) are enabled (or disabled). Rules apply in order, the last match
 * wins, at registration time; with no match a statistic is enabled. */
void ts_sim_enable_stats(TsSim *sim, const char *glob, gboolean enable);

/* ---- graph ---- */

/* Creates a component of `kind` named `path` (segments `name` or `name[i][j]...` joined by
 * '.'), checks the typed spec, resolves `params` (may be NULL) against kind->params and calls
 * kind->init. `spec_type` names the struct `spec` points to; it must equal kind->spec_type
 * (both NULL for a params-only kind). Use TS_SPEC(Type, ptr) for the pair: it takes the name
 * from the type and checks the pointer's type at compile time. Returns the instance (owned by
 * the sim) or NULL with TS_CORE_ERROR_{BAD_NAME, DUPLICATE_NAME, STATE, SPEC_TYPE,
 * UNKNOWN_PARAM, PARAM_*}, or init's own error prefixed with the path. */
TsComponent *ts_sim_add_component_typed(TsSim *sim, const TsComponentKind *kind, const char *path,
                                        const char *spec_type, const void *spec,
                                        const TsParams *params, GError **error);
#define TS_SPEC(Type, ptr) #Type, (const Type *)(ptr)

/* ts_sim_add_component_typed for a kind configured by params only (kind->spec_type NULL). */
TsComponent *ts_sim_add_component(TsSim *sim, const TsComponentKind *kind, const char *path,
                                  const TsParams *params, GError **error);

/* Component by path, or NULL (borrowed). */
TsComponent *ts_sim_find_component(TsSim *sim, const char *path);
guint ts_sim_n_components(const TsSim *sim);
TsComponent *ts_sim_component(TsSim *sim, guint index); /* creation order */

/* Joins port `port_a` of `a` and `port_b` of `b` with a link. A port name is a scalar port
 * ("mem") or an element of a port array ("pe[3]"). FALSE with
 * TS_CORE_ERROR_UNKNOWN_PORT (naming path and port, listing the kind's ports),
 * TS_CORE_ERROR_PORT_CONNECTED (a port already linked: names both existing ends),
 * TS_CORE_ERROR_INVALID (a port to itself, bandwidth too large) or TS_CORE_ERROR_STATE
 * (after build). */
gboolean ts_sim_connect(TsSim *sim, TsComponent *a, const char *port_a, TsComponent *b,
                        const char *port_b, const TsLinkSpec *link, GError **error);

/* As ts_sim_connect with components given by path (TS_CORE_ERROR_UNKNOWN_COMPONENT). */
gboolean ts_sim_connect_paths(TsSim *sim, const char *path_a, const char *port_a,
                              const char *path_b, const char *port_b, const TsLinkSpec *link,
                              GError **error);

/* Checks the graph (every required port connected: else TS_CORE_ERROR_PORT_UNCONNECTED
 * listing each "path:port") and calls each kind's setup in creation order. Once only. */
gboolean ts_sim_build(TsSim *sim, GError **error);

/* ---- events ---- */

/* A fresh event for `target` (header initialised: priority 0, port TS_PORT_NONE, size 0,
 * payload zeroed). `target` may be NULL for an event that will go through ts_port_send, which
 * sets it; scheduling an event with no target is a broken invariant. Borrowed until scheduled, sent
 * or discarded. Never fails (the pool grows). */
TsEvent *ts_sim_event_new(TsSim *sim, TsComponent *target, guint32 type);

/* Queues `event` for delivery to event->target at absolute `tick` (>= now and < TS_TICK_NEVER;
 * an earlier tick, or TS_TICK_NEVER, the overflow result of the time helpers, is a broken
 * invariant: abort naming tick, component and the caller's source location). Ownership passes
 * to the queue. */
#define ts_sim_schedule(sim, event, tick) ts_sim_schedule_at_((sim), (event), (tick), G_STRLOC)
/* Same, `delay_ps` after now. */
#define ts_sim_schedule_in(sim, event, delay_ps)                                                   \
    ts_sim_schedule_in_at_((sim), (event), (delay_ps), G_STRLOC)

/* Returns an unscheduled event (or the one being handled) to the pool. */
void ts_sim_event_discard(TsSim *sim, TsEvent *event);

void ts_sim_schedule_at_(TsSim *sim, TsEvent *event, TsTick tick, const char *location);
void ts_sim_schedule_in_at_(TsSim *sim, TsEvent *event, TsTick delay_ps, const char *location);

/* ---- ports ---- */

/* Scalar port `index` of kind->ports (API misuse beyond n_ports or on an array). Borrowed;
 * valid once init has returned. */
TsPort *ts_component_port(TsComponent *component, guint index);
/* Element `element` of kind->ports[index] (scalar ports have the one element 0). */
TsPort *ts_component_port_at(TsComponent *component, guint index, guint element);
/* The port an event arrived on (event->port must not be TS_PORT_NONE). */
TsPort *ts_component_port_of_event(TsComponent *component, const TsEvent *event);
/* Port by name ("mem", "pe[3]"), or NULL. */
TsPort *ts_component_port_by_name(TsComponent *component, const char *name);

/* Sets the element count of port array `name` (a TS_PORT_ARRAY entry of kind->ports); only
 * from init. FALSE with TS_CORE_ERROR_UNKNOWN_PORT (no such array) or TS_CORE_ERROR_INVALID
 * (more than 65,534 ports in the component). */
gboolean ts_component_set_port_count(TsComponent *component, const char *name, guint count,
                                     GError **error);
/* Elements of kind->ports[index]. */
guint ts_component_port_count(const TsComponent *component, guint index);

/* Name of the port's spec entry ("pe" for every element of the array "pe"), the element
 * index (0 for scalar ports) and the spec index. */
const char *ts_port_name(const TsPort *port);
guint ts_port_element(const TsPort *port);
guint ts_port_spec_index(const TsPort *port);
TsComponent *ts_port_component(const TsPort *port);
gboolean ts_port_is_connected(const TsPort *port);
/* Component on the other end, or NULL. */
TsComponent *ts_port_peer_component(const TsPort *port);

/* Sends `event` over the port's link: it arrives at the peer (event->target and ->port are
 * set to the receiving component and port index, ->size_bytes to size_bytes) at
 *   ceil(max(now, free) + size_bytes / bw) + latency_ps
 * where `free` is the exact (rational) time the sending direction finishes its earlier
 * transfers; `free` advances to the end of this transfer. Returns the arrival tick. Sending
 * on an unconnected port is a broken invariant (abort). */
#define ts_port_send(port, event, size_bytes)                                                      \
    ts_port_send_at_((port), (event), (size_bytes), G_STRLOC)
TsTick ts_port_send_at_(TsPort *port, TsEvent *event, guint32 size_bytes, const char *location);

/* As ts_port_send for a transfer that cannot leave before `depart_tick` (>= now): it starts
 * at max(depart_tick, free). For a model that knows when its data leaves, e.g. a DRAM's read
 * data CL + burst cycles after the READ command, so one send replaces a wake-up event. */
#define ts_port_send_from(port, event, size_bytes, depart_tick)                                    \
    ts_port_send_from_at_((port), (event), (size_bytes), (depart_tick), G_STRLOC)
TsTick ts_port_send_from_at_(TsPort *port, TsEvent *event, guint32 size_bytes, TsTick depart_tick,
                             const char *location);

/* First tick at which the sending direction of `port` is idle (now if idle already). */
TsTick ts_port_free_tick(const TsPort *port);

/* ---- credits (flow control on TS_PORT_CREDITED ports) ---- */

/* Credits the sender at `port` holds: sends it may still make before the receiver frees a
 * slot. Ports without TS_PORT_CREDITED report G_MAXUINT32 (never limited). */
guint32 ts_port_credits(const TsPort *port);

/* Called by the receiver on its own end `port` of a link whose other end is credited: grants
 * `n` credits (free queue slots) to the sender. Before the run starts (init, setup) they are
 * added at once; during a run they travel back over the link as an event of type
 * TS_EVENT_CREDIT that arrives after the link latency (no bandwidth is used): the kernel adds
 * them to the sender's port before the sender's handler sees that event (event->port is the
 * sender's port, payload.u32[0] the credits), so the handler can send again; on a
 * TS_PORT_CREDIT_QUIET sender holding credits over a zero-latency link they are added at once
 * instead. A sender whose credits would exceed 2^32-1 is a broken invariant. */
void ts_port_grant_credits(TsPort *port, guint32 n);

/* ---- arrival queues (TS_PORT_BATCH senders, TS_PORT_ARRIVALS receivers) ----
 * A send from a TS_PORT_BATCH port computes the arrival tick as any send, then appends the
 * event, with that tick, its priority and its receiving port, to the receiving component's
 * arrival queue instead of the event queue. The receiver reads it when its own simulation
 * reaches that point: before it acts at (tick, priority) (an event it handles, a
 * continuation), it takes every arrival at or before (tick, priority) (an arrival ties before
 * an event of the same tick and priority) and handles each as it would have handled the event,
 * so its state is the events' own; what its handling does to other components happens when it
 * reads the arrival, so those effects must not depend on when (counting, scheduling at later
 * ticks). The receiver learns of arrivals in one of two ways. With an `arrival` callback in its
 * kind, the kernel calls it for each arrival before the receiver's watch tick: a receiver
 * that sets the watch to its next event's tick hears only of arrivals it might have to read
 * before then (the others it finds in the queue at that event). Without one, the kernel
 * schedules a TS_EVENT_ARRIVAL event (event->port the receiving port, no payload) for the
 * receiver at the tick and priority of each arrival that makes the queue non-empty, and while
 * the queue holds arrivals the receiver keeps itself an event (or a continuation) no later
 * than the first one it must read. Credits bound the queue (the
 * receiver grants one per slot, as for events); it grows, rarely, while it holds more than
 * ever before. A send whose arrival precedes the queue's last (another sender's, or an
 * earlier departure) and every send of a traced run (tracing shows every event) are
 * scheduled as events instead; the receiver handles those as before, after taking the
 * arrivals at or before them. */

/* The first arrival of `component`'s queue if it lies at or before (tick, priority), else
 * NULL. Borrowed: read it, then ts_component_drop_arrival. */
static inline const TsEvent *ts_component_arrival_due(const TsComponent *component, TsTick tick,
                                                      guint8 priority)
{
    if (component->arrivals_n == 0)
        return NULL;
    const TsEvent *ev = component->arrivals[component->arrivals_head];
    if (ev->tick < tick || (ev->tick == tick && ev->priority <= priority))
        return ev;
    return NULL;
}

/* The first arrival of `component`'s queue (borrowed), or NULL when it is empty. */
static inline const TsEvent *ts_component_next_arrival(const TsComponent *component)
{
    return component->arrivals_n ? component->arrivals[component->arrivals_head] : NULL;
}

/* Sets the tick before which queued arrivals call the kind's `arrival` callback. */
static inline void ts_component_watch_arrivals(TsComponent *component, TsTick tick)
{
    component->arrivals_watch = tick;
}

/* Arrival i of `component`'s queue (0 the first; i < component->arrivals_n), borrowed. */
static inline const TsEvent *ts_component_arrival_at(const TsComponent *component, guint32 i)
{
    return component->arrivals[(component->arrivals_head + i) & (component->arrivals_cap - 1)];
}

/* Removes the first arrival of the queue (which must not be empty) and recycles it. */
void ts_component_drop_arrival(TsComponent *component);

/* ---- components ---- */

/* Sets the component's clock (TS_CORE_ERROR_INVALID for 0 Hz or above 1 THz). */
gboolean ts_component_set_clock(TsComponent *component, guint64 freq_hz, GError **error);
/* Sets the component's clock from an exact period of num/den ps (ts_clock_init_period). */
gboolean ts_component_set_clock_period(TsComponent *component, guint64 num_ps, guint64 den,
                                       GError **error);

/* Tick of the edge `cycles` cycles after the first edge at or after now, on the component's
 * clock (which must be set). For "act N cycles from now" without drift. */
TsTick ts_component_cycles_from_now(const TsComponent *component, guint64 cycles);

/* Registers a statistic named in kind->stats (an unknown name or a kind mismatch is API
 * misuse). Returns NULL when the statistic is disabled by the sim's rules: the inline
 * updates accept NULL, so disabled statistics cost one pointer test. */
TsCounter *ts_component_counter(TsComponent *component, const char *name);
TsAccumulator *ts_component_accumulator(TsComponent *component, const char *name);
TsHistogram *ts_component_histogram(TsComponent *component, const char *name, double lo,
                                    double bin_width, guint32 n_bins);

/* Broken invariant in a model: prints "tilesim: broken invariant at tick T ps in PATH: MSG
 * (file:line)" on stderr and aborts. Only for bugs, never for bad input. */
#define TS_ABORT(component, ...) ts_component_abort_((component), G_STRLOC, __VA_ARGS__)
G_GNUC_NORETURN void ts_component_abort_(const TsComponent *component, const char *location,
                                         const char *format, ...) G_GNUC_PRINTF(3, 4);

/* Model trace point: formats only when TS_TRACE_MODEL is enabled for the component. */
#define TS_TRACE(component, ...)                                                                   \
    do {                                                                                           \
        if (G_UNLIKELY((component)->trace_mask & TS_TRACE_MODEL))                                  \
            ts_component_trace_((component), __VA_ARGS__);                                         \
    } while (0)
void ts_component_trace_(const TsComponent *component, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* ---- run control ---- */

/* Processes events in (tick, priority, sequence) order until the queue empties, a component
 * requests a stop, or the watchdog trips. Requires a built sim. Resumable: call again to go
 * on. */
TsRunStatus ts_sim_run(TsSim *sim);

/* As ts_sim_run, processing only events with tick < end_tick; when it stops for that reason
 * (TS_RUN_UNTIL) simulated time advances to end_tick. */
TsRunStatus ts_sim_run_until(TsSim *sim, TsTick end_tick);

/* Lets the running handler go on as the handler of a later event of its own without a queue
 * round trip: TRUE when an event for the current component at (`tick`, `priority`), scheduled
 * now, would be the next one dispatched, i.e. every pending event comes after it in the
 * (tick, priority, sequence) order (a pending event at the same tick and priority was
 * scheduled earlier and goes first), tick < the run's end tick and the time watchdog's limit,
 * the event watchdog allows one more event, no stop was requested, and no tracing is enabled
 * (so traces show every event). The kernel then counts the current handler as done and the
 * continuation as a dispatched event (ts_sim_events_processed is the same as with the event)
 * and sets now to `tick`; the caller goes on as that event's handler, with the event record
 * it holds. FALSE changes nothing: schedule the event as usual. Only from inside a handler;
 * event order, and so every result, is that of scheduling the event. */
gboolean ts_sim_continue_at(TsSim *sim, TsTick tick, guint8 priority);

/* The quiet horizon, for a handler that can account for its own later work in closed form
 * instead of as events: the first tick at which anything other than the running handler's own
 * later events can happen, i.e. the earliest pending event's tick, capped at the run's end
 * tick (which includes the time watchdog's limit). Work the handler would do at ticks before
 * it, in events of its own that create no other events, is not interleaved with anything. The
 * running component's own queued arrivals (ts_component_arrival_due) count as pending events.
 * Returns the current tick (nothing may be skipped) outside a handler, while tracing (traces
 * show every event), after a stop request and with an event watchdog (whose count such work
 * would change). */
TsTick ts_sim_quiet_until(const TsSim *sim);

/* Asks the running loop to return TS_RUN_STOPPED once the current handler returns. `who` (may
 * be NULL) and `reason` (copied) appear in ts_sim_stop_message. */
void ts_sim_request_stop(TsSim *sim, const TsComponent *who, const char *reason);

/* Watchdog: stop before the event that would exceed `max_events` handler executions in the
 * sim's lifetime (0 = no limit), or before the first event with tick > max_tick
 * (TS_TICK_NEVER = no limit). */
void ts_sim_set_watchdog(TsSim *sim, guint64 max_events, TsTick max_tick);

/* Human-readable reason of the last run's end (borrowed, valid until the next run). */
const char *ts_sim_stop_message(const TsSim *sim);
TsRunStatus ts_sim_last_status(const TsSim *sim);
const char *ts_run_status_name(TsRunStatus status);

/* Calls each component's finish once, in creation order (later calls do nothing). */
void ts_sim_finish(TsSim *sim);

TsTick ts_sim_now(const TsSim *sim);
guint64 ts_sim_events_processed(const TsSim *sim);
gsize ts_sim_pending(const TsSim *sim);
/* Component whose handler is running (NULL outside handlers). */
TsComponent *ts_sim_current(const TsSim *sim);
void ts_sim_get_kernel_stats(const TsSim *sim, TsSimKernelStats *stats);

/* ---- tracing ---- */

/* Enables trace categories `mask` for components whose path matches `path_glob` (NULL = all)
 * and sends records to `func` (NULL with mask 0 turns tracing off). With mask 0 the event
 * loop runs a variant with no trace checks at all. */
void ts_sim_set_trace(TsSim *sim, guint32 mask, const char *path_glob, TsTraceFunc func,
                      gpointer user_data);

/* Stock sink: one text line per record on the FILE* given as user_data. */
void ts_trace_print(const TsTraceRecord *record, gpointer user_data);

/* ---- statistics output ---- */

/* The whole run as JSON (see docs/des.md): {"tick_ps", "events", "status", "queue", "seed",
 * "kernel": {...}, "components": [{"path", "kind", "freq_hz", "period_ps", "stats": {...}}...],
 * "links": [...]}, components and statistics in creation/registration order. New node. */
JsonNode *ts_sim_stats_to_json_node(TsSim *sim);
/* Same, serialised (newly allocated string). */
char *ts_sim_stats_to_json(TsSim *sim, gboolean pretty);
/* Same, written to `filename` (FALSE with a GFileError on failure). */
gboolean ts_sim_stats_write_json(TsSim *sim, const char *filename, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsSim, ts_sim_free)

G_END_DECLS

#endif /* TS_SIM_H */
