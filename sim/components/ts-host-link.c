/* The host_link component (ts-host-link.h): one FIFO server for the calls of both directions
 * kept in fixed-point picoseconds, so a stream of transfers at a bandwidth that is not a whole
 * number of bytes per picosecond accumulates no rounding. */
#include "ts-host-link.h"

#include "ts-arch-classes.h"
#include "ts-unit-private.h"

typedef struct {
    TsComponent base;
    const TsHostLinkSpec *spec;
    guint32 queue_depth;
    TsServer calls;    /* fixed-point ps: one call at a time, either direction */
    guint64 h2d_busy_fp, d2h_busy_fp;
    TsHostLinkStats st;
    TsCounter *c_h2d, *c_d2h;
} Link;

static const TsParamSpec params[] = {
    {"requesters", TS_PARAM_INT, "ports", "1", 1, 4096, "elements of the req port array"},
    {"queue_depth", TS_PARAM_INT, "transfers", "8", 1, 1 << 20,
     "credits per requester: transfers queued before they start"},
};

static const TsPortSpec ports[] = {
    {"req", FALSE, "transfers in (TsMemReq), completions out", TS_PORT_ARRAY},
};

static const TsStatSpec stats[] = {
    {"h2d_bytes", TS_STAT_COUNTER, "bytes", "bytes host -> device"},
    {"d2h_bytes", TS_STAT_COUNTER, "bytes", "bytes device -> host"},
};

static Link *link_of(TsComponent *c)
{
    return TS_COMPONENT_DOWNCAST(Link, c);
}

static gboolean link_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    Link *k = link_of(self);
    const TsLevel *l = spec;
    if (l->klass != TS_CLASS_HOST_LINK || l->spec == NULL) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "level %s is not a host_link with a spec", l->name);
        return FALSE;
    }
    k->spec = l->spec;
    if (!(k->spec->h2d_bw_bytes_per_s > 0) || !(k->spec->d2h_bw_bytes_per_s > 0)) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID,
                    "host link %s needs a bandwidth in each direction", l->name);
        return FALSE;
    }
    if (!ts_unit_init_req(self, p, &k->queue_depth, error))
        return FALSE;
    k->c_h2d = ts_component_counter(self, "h2d_bytes");
    k->c_d2h = ts_component_counter(self, "d2h_bytes");
    return TRUE;
}

static void link_setup(TsComponent *self)
{
    ts_unit_grant_req_credits(self, link_of(self)->queue_depth);
}

/* Bytes that cross (every target's copy counts) and the rate they cross at: the rate of the
 * transfer kind with that many targets (ts_host_link_rate, the analytical model's function). */
static double crossing(const TsHostLinkSpec *s, guint64 bytes, guint64 targets, gboolean broadcast,
                       gboolean h2d, double *bw)
{
    targets = MAX(targets, 1);
    const TsXferKind kind = !h2d        ? TS_XFER_PARALLEL_D2H
                            : broadcast ? TS_XFER_BROADCAST
                                        : TS_XFER_PARALLEL_H2D;
    *bw = ts_host_link_rate(s, kind, targets);
    return (double)bytes * (double)targets;
}

/* A call's time on the link (setup, latency and its bytes; fixed-point ps) and the bytes that
 * cross. */
static guint64 call_fp(const Link *k, const TsMemReq *r, double *bytes)
{
    double bw;
    *bytes = crossing(k->spec, r->bytes, r->addr, r->flags & TS_HOST_LINK_BROADCAST,
                      r->op == TS_MEM_WRITE, &bw);
    return (guint64)ceil((k->spec->dma_setup_ps + k->spec->latency_ps) * (double)TS_FP_ONE) +
           ts_fp_div(*bytes * 1e12, bw);
}

static void link_serve(TsComponent *self, TsEvent *ev)
{
    Link *k = link_of(self);
    TsMemReq *r = ts_mem_req(ev);
    TsPort *port = ts_component_port_of_event(self, ev);
    const gboolean h2d = r->op == TS_MEM_WRITE;
    double bytes;
    const guint64 now = (guint64)ts_sim_now(self->sim) << TS_FP_SHIFT;
    const guint64 dur = call_fp(k, r, &bytes);
    const guint64 start = ts_server_take(&k->calls, now, dur);
    const TsTick start_tick = (TsTick)((start + TS_FP_ONE - 1) >> TS_FP_SHIFT);
    const TsTick at = (TsTick)((k->calls.free_fp + TS_FP_ONE - 1) >> TS_FP_SHIFT);
    *(h2d ? &k->h2d_busy_fp : &k->d2h_busy_fp) += dur;
    if (h2d) {
        k->st.h2d_transfers++;
        k->st.h2d_bytes += (guint64)bytes;
        ts_counter_add(k->c_h2d, (guint64)bytes);
    } else {
        k->st.d2h_transfers++;
        k->st.d2h_bytes += (guint64)bytes;
        ts_counter_add(k->c_d2h, (guint64)bytes);
    }
    ts_unit_credit_at(self, port, start_tick);
    ev->type = TS_EVENT_MEM_RESPONSE;
    r->done_tick = at;
    ts_port_send_from(port, ev, 0, at);
}

static void link_handle(TsComponent *self, TsEvent *ev)
{
    ts_unit_dispatch(self, ev, TS_EVENT_MEM_REQUEST, link_serve);
}

double ts_host_link_request_busy_ps(const TsComponent *c, const TsMemReq *req)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_host_link_kind && req != NULL, 0.0);
    double bytes;
    return (double)call_fp(TS_COMPONENT_DOWNCAST(const Link, c), req, &bytes) / (double)TS_FP_ONE;
}

const TsComponentKind ts_host_link_kind = {
    .name = "host_link",
    .description = "host <-> device link: bandwidth per direction, latency, DMA setup, "
                   "contention, scatter / gather / broadcast",
    .instance_size = sizeof(Link),
    TS_COMPONENT_KIND_TABLES(params, ports, stats),
    .spec_type = "TsLevel",
    .init = link_init,
    .setup = link_setup,
    .handle = link_handle,
};

void ts_host_link_get_stats(const TsComponent *c, TsHostLinkStats *out)
{
    g_return_if_fail(c != NULL && c->kind == &ts_host_link_kind && out != NULL);
    const Link *k = TS_COMPONENT_DOWNCAST(const Link, c);
    *out = k->st;
    out->h2d_busy_ps = (double)k->h2d_busy_fp / (double)TS_FP_ONE;
    out->d2h_busy_ps = (double)k->d2h_busy_fp / (double)TS_FP_ONE;
}

double ts_host_link_unloaded_ps(const TsComponent *c, guint64 bytes, guint64 targets,
                                gboolean broadcast, TsMemOp op)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_host_link_kind, 0.0);
    const Link *k = TS_COMPONENT_DOWNCAST(const Link, c);
    double bw;
    double b = crossing(k->spec, bytes, targets, broadcast, op == TS_MEM_WRITE, &bw);
    return k->spec->dma_setup_ps + b * 1e12 / bw + k->spec->latency_ps;
}
