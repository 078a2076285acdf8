/* Pieces the request-serving components (sram, host_link, mac_array, vector_unit) share: a
 * FIFO server whose busy-until time is kept in fixed point (1/65536 of its clock's cycle, or of
 * a picosecond for a link), so that back-to-back transfers at a fractional words-per-cycle
 * rate accumulate no rounding; clocks set from a level's frequency given as a double; credits
 * returned when a queued request starts service. Not installed. */
#ifndef TS_UNIT_PRIVATE_H
#define TS_UNIT_PRIVATE_H

#include <math.h>

#include "ts-sim.h"

G_BEGIN_DECLS

#define TS_FP_SHIFT 16
#define TS_FP_ONE (G_GUINT64_CONSTANT(1) << TS_FP_SHIFT)

typedef struct {
    guint64 free_fp; /* the server is busy until this time (fixed point) */
    guint64 busy_fp; /* total time it served (fixed point) */
} TsServer;

/* Serves a job of dur_fp arriving at now_fp: returns its start; the server is then busy until
 * start + dur_fp. */
static inline guint64 ts_server_take(TsServer *s, guint64 now_fp, guint64 dur_fp)
{
    guint64 start = MAX(now_fp, s->free_fp);
    s->free_fp = start + dur_fp;
    s->busy_fp += dur_fp;
    return start;
}

/* Time served up to now_fp. The service ahead of now_fp is one contiguous span up to free_fp
 * (every accepted job starts at the later of its arrival, at or before now_fp, and the previous
 * job's end), so it is what busy_fp holds beyond now_fp. */
static inline guint64 ts_server_served(const TsServer *s, guint64 now_fp)
{
    return s->free_fp > now_fp ? s->busy_fp - MIN(s->free_fp - now_fp, s->busy_fp) : s->busy_fp;
}

/* Fixed-point time of amount / rate (rate > 0), rounded up. */
static inline guint64 ts_fp_div(double amount, double rate)
{
    return (guint64)ceil(amount * (double)TS_FP_ONE / rate);
}

/* Fixed-point cycles -> the tick of the first clock edge at or after them. */
static inline TsTick ts_fp_cycles_to_tick(const TsClock *clock, guint64 fp)
{
    return ts_clock_cycles_to_ticks(clock, (fp + TS_FP_ONE - 1) >> TS_FP_SHIFT);
}

/* The clock edge at or after the current time, as fixed-point cycles. */
static inline guint64 ts_fp_now_cycles(const TsComponent *c)
{
    return ts_clock_edge_index_at_or_after(&c->clock, ts_sim_now(c->sim)) << TS_FP_SHIFT;
}

/* Sets a component's clock from a frequency in Hz that need not be whole (833.333 MHz): the
 * period rounded to a millionth of a picosecond. */
gboolean ts_unit_set_clock_hz(TsComponent *component, double hz, GError **error);

/* The self-event type of a credit returned later (ts_unit_credit_at), in the kinds' own event
 * numbering (below TS_EVENT_TYPE_RESERVED, apart from the request types). */
enum { TS_UNIT_EV_CREDIT = 1 };

/* Returns one credit to the sender on `port` at `tick` (now: at once; later: through a
 * self-event of type TS_UNIT_EV_CREDIT whose payload u32[0] is the flat port index, which the
 * kind's handler passes to ts_unit_credit_event: ts_unit_dispatch does). */
void ts_unit_credit_at(TsComponent *self, TsPort *port, TsTick tick);
void ts_unit_credit_event(TsComponent *self, const TsEvent *event);

/* The "req" port array and credit depth of a request-serving kind whose param table has
 * "requesters" (elements of the array) and "queue_depth" (credits per requester):
 * ts_unit_init_req sizes the array from the first and stores the second in *queue_depth (FALSE
 * with error when the array cannot be sized); ts_unit_grant_req_credits, from the kind's setup,
 * grants queue_depth credits to each connected element of the kind's port 0 array. */
gboolean ts_unit_init_req(TsComponent *self, const TsParams *params, guint32 *queue_depth,
                          GError **error);
void ts_unit_grant_req_credits(TsComponent *self, guint32 queue_depth);

/* The handler of a request-serving kind: an event of request_type goes to serve, a credit
 * self-event to ts_unit_credit_event, anything else aborts the run. Inline, so that serve is
 * a direct call on the event loop's path. */
static inline void ts_unit_dispatch(TsComponent *self, TsEvent *ev, guint32 request_type,
                                    void (*serve)(TsComponent *self, TsEvent *ev))
{
    if (ev->type == request_type)
        serve(self, ev);
    else if (ev->type == TS_UNIT_EV_CREDIT)
        ts_unit_credit_event(self, ev);
    else
        TS_ABORT(self, "unexpected event type 0x%x", ev->type);
}

G_END_DECLS

#endif /* TS_UNIT_PRIVATE_H */
