/* Private to sim/core: layout of TsSim, ports and links, shared by ts-sim.c (events, run
 * loop, tracing), ts-sim-graph.c (components, ports, links, build) and ts-sim-json.c (the
 * statistics dump). The hot fields sit together at the start of TsSim. */
#ifndef TS_SIM_PRIVATE_H
#define TS_SIM_PRIVATE_H

#include "ts-sim.h"

#include "ts-event-private.h"
#include "ts-evq-private.h"

G_BEGIN_DECLS

typedef unsigned __int128 TsU128;

/* One direction of a link. Time `free_scaled` is kept in units of 1/bw ps (ps x bytes/s), so
 * back-to-back transfers accumulate no rounding: only the reported arrival tick is rounded. */
typedef struct TsLinkDir {
    TsU128 free_scaled; /* exact end of the last transfer, x bw */
    guint64 transfers;
    guint64 bytes;
} TsLinkDir;

typedef struct TsLink {
    TsPort *end[2]; /* dir[i] carries end[i] -> end[1-i] */
    TsLinkSpec spec;
    TsLinkDir dir[2];
} TsLink;

struct TsPort {
    TsComponent *owner;
    const TsPortSpec *spec;
    guint16 index;      /* flat index in owner->ports (TsEvent.port) */
    guint16 spec_index; /* entry of owner->kind->ports */
    guint32 element;    /* element of a port array, 0 for scalar ports */
    guint8 dir;         /* direction of `link` used by sends from this port */
    guint8 credited;    /* spec has TS_PORT_CREDITED: sends consume credits */
    guint8 quiet;       /* spec has TS_PORT_CREDIT_QUIET */
    guint8 batch;       /* spec has TS_PORT_BATCH: sends go to the peer's arrival queue */
    guint32 credits;    /* sends left (credited ports) */
    TsLink *link;       /* NULL while unconnected */
    TsPort *peer;
};

typedef enum { TS_PHASE_CONFIG, TS_PHASE_BUILT } TsPhase;

typedef struct {
    GPatternSpec *pattern;
    gboolean enable;
} TsStatRule;

struct TsSim {
    /* hot */
    TsTick now;
    guint64 events;       /* handler executions so far */
    guint64 event_limit;  /* the loop stops when events >= event_limit (watchdog or stop) */
    guint32 trace_mask;   /* union of the components' masks; 0 = no tracing anywhere */
    TsComponent *current; /* component whose handler runs */
    TsTick run_limit;     /* the running loop dispatches only events with tick < run_limit */
    TsEvq evq;
    TsEventPool pool;

    /* cold */
    TsPhase phase;
    gboolean finished;
    gboolean stop_requested;
    guint64 seed;
    GPtrArray *components; /* TsComponent*, creation order */
    TsComponent *initialising; /* component whose init runs (port arrays may be sized) */
    gboolean running;          /* inside ts_sim_run{,_until}: credits travel as events */
    GPtrArray *graveyard;  /* components whose init failed after scheduling events */
    gboolean init_failed_with_events;
    GHashTable *by_path;   /* path -> TsComponent* (lookup only, never iterated) */
    GPtrArray *links;      /* TsLink*, creation order */
    GArray *stat_rules;    /* TsStatRule */
    guint64 wd_max_events; /* 0 = none */
    TsTick wd_max_tick;    /* TS_TICK_NEVER = none */
    TsRunStatus last_status;
    char *stop_message;
    char *stop_reason; /* from ts_sim_request_stop */
    char *stop_who;
    TsTraceFunc trace_func;
    gpointer trace_data;
    guint32 trace_request;    /* mask asked for by ts_sim_set_trace */
    GPatternSpec *trace_glob; /* NULL = every component */
};

/* Formats a broken-invariant report and aborts (ts-sim.c). */
G_GNUC_NORETURN void ts_sim_abort_(const TsSim *sim, const TsComponent *component,
                                   const char *location, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

/* Emits a trace record to the sink (ts-sim.c). */
void ts_sim_trace_emit_(TsSim *sim, guint32 category, const TsEvent *event, const char *message);

/* Recomputes sim->trace_mask and per-component masks (ts-sim.c). */
void ts_sim_trace_apply_(TsSim *sim, TsComponent *component);

G_END_DECLS

#endif /* TS_SIM_PRIVATE_H */
