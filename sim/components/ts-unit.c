/* Helpers shared by the request-serving components (ts-unit-private.h). */
#include "ts-unit-private.h"

gboolean ts_unit_set_clock_hz(TsComponent *component, double hz, GError **error)
{
    if (!(hz >= 1.0) || !(hz <= 1e12)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "clock %g Hz is outside 1 Hz .. 1 THz", hz);
        return FALSE;
    }
    if (hz == floor(hz))
        return ts_component_set_clock(component, (guint64)hz, error);
    /* period in ps as a fraction with denominator 10^6 (reduced by the kernel) */
    const guint64 den = 1000000;
    guint64 num = (guint64)llround(1e12 / hz * (double)den);
    return ts_component_set_clock_period(component, num, den, error);
}

void ts_unit_credit_at(TsComponent *self, TsPort *port, TsTick tick)
{
    if (tick <= ts_sim_now(self->sim)) {
        ts_port_grant_credits(port, 1);
        return;
    }
    TsEvent *ev = ts_sim_event_new(self->sim, self, TS_UNIT_EV_CREDIT);
    ev->payload.u32[0] = ts_port_spec_index(port);
    ev->payload.u32[1] = ts_port_element(port);
    ts_sim_schedule(self->sim, ev, tick);
}

void ts_unit_credit_event(TsComponent *self, const TsEvent *event)
{
    ts_port_grant_credits(ts_component_port_at(self, event->payload.u32[0], event->payload.u32[1]),
                          1);
}

gboolean ts_unit_init_req(TsComponent *self, const TsParams *params, guint32 *queue_depth,
                          GError **error)
{
    if (!ts_component_set_port_count(self, "req", (guint)ts_params_get_int(params, "requesters"),
                                     error))
        return FALSE;
    *queue_depth = (guint32)ts_params_get_int(params, "queue_depth");
    return TRUE;
}

void ts_unit_grant_req_credits(TsComponent *self, guint32 queue_depth)
{
    for (guint i = 0; i < ts_component_port_count(self, 0); i++) {
        TsPort *port = ts_component_port_at(self, 0, i);
        if (ts_port_is_connected(port))
            ts_port_grant_credits(port, queue_depth);
    }
}
