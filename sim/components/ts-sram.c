/* The sram component (ts-sram.h): per request, the port server(s) of its direction and, with
 * banks, a server per bank; the request completes when the slowest of them is done. Servers
 * keep fixed-point cycle times (ts-unit-private.h), so fractional words-per-cycle rates are
 * exact over long runs. Nothing is allocated per request: the request event itself travels
 * back as the response. */
#include "ts-sram.h"

#include <string.h>

#include "ts-arch-classes.h"
#include "ts-unit-private.h"

typedef struct {
    TsComponent base;
    const TsLevel *level;
    double word_bytes;
    double read_wpc, write_wpc, shared_wpc; /* words per cycle; 0 = unlimited */
    guint64 row_bytes, banks, bank_ports;
    guint64 read_latency;                   /* cycles */
    double dma_read_setup, dma_write_setup; /* cycles of this clock, per DMA call */
    guint64 dma_max_bytes;                  /* largest DMA call (0: unbounded) */
    guint32 queue_depth;
    TsServer rd, wr, sh;
    TsServer *bank;
    TsSramStats st;
    guint64 conflict_fp;
    TsCounter *c_reads, *c_writes, *c_rbytes, *c_wbytes;
} Sram;

static const TsParamSpec params[] = {
    {"requesters", TS_PARAM_INT, "ports", "1", 1, 4096, "elements of the req port array"},
    {"queue_depth", TS_PARAM_INT, "requests", "8", 1, 1 << 20,
     "credits per requester: requests queued before service"},
};

static const TsPortSpec ports[] = {
    {"req", FALSE, "memory requests in (TsMemReq), responses out", TS_PORT_ARRAY},
};

static const TsStatSpec stats[] = {
    {"read_requests", TS_STAT_COUNTER, "requests", "read requests served"},
    {"write_requests", TS_STAT_COUNTER, "requests", "write requests served"},
    {"read_bytes", TS_STAT_COUNTER, "bytes", "bytes read per instance"},
    {"write_bytes", TS_STAT_COUNTER, "bytes", "bytes written per instance"},
};

static Sram *sram_of(TsComponent *c)
{
    return TS_COMPONENT_DOWNCAST(Sram, c);
}

static gboolean sram_init(TsComponent *self, const void *spec, const TsParams *p, GError **error)
{
    Sram *s = sram_of(self);
    const TsLevel *l = spec;
    if (!l->is_storage) {
        g_set_error(error, TS_CORE_ERROR, TS_CORE_ERROR_INVALID, "level %s is not a storage level",
                    l->name);
        return FALSE;
    }
    s->level = l;
    s->word_bytes = MAX(l->word_bits, 1u) / 8.0;
    s->read_wpc = l->read_bw_words_per_cycle;
    s->write_wpc = l->write_bw_words_per_cycle;
    s->shared_wpc = l->shared_bw_words_per_cycle;
    s->row_bytes = MAX((guint64)((double)MAX(l->block_size, 1u) * s->word_bytes), 1);
    s->banks = 1;
    s->bank_ports = 1;
    if ((l->klass == TS_CLASS_SRAM || l->klass == TS_CLASS_REGFILE) && l->spec != NULL) {
        const TsSramSpec *sp = l->spec;
        s->banks = MAX(sp->banks, 1);
        s->bank_ports = MAX(sp->ports, 1);
        s->read_latency = sp->read_latency_cycles;
        if (sp->width_bits >= 8)
            s->row_bytes = sp->width_bits / 8;
    }
    if (l->klass == TS_CLASS_PIM_CORE && l->spec != NULL && l->class_text != NULL &&
        strcmp(l->class_text, "pim_core.mram") == 0) {
        const TsPimCoreSpec *pc = l->spec;
        double scale = pc->frequency_hz > 0 ? l->clock_hz / pc->frequency_hz : 1.0;
        s->dma_read_setup = pc->dma_alpha_read_cycles * scale;
        s->dma_write_setup = pc->dma_alpha_write_cycles * scale;
        s->dma_max_bytes = pc->max_dma_bytes;
    }
    if (!ts_unit_set_clock_hz(self, l->clock_hz, error))
        return FALSE;
    if (!ts_unit_init_req(self, p, &s->queue_depth, error))
        return FALSE;
    s->bank = g_new0(TsServer, s->banks);
    s->st.banks = s->banks;
    s->c_reads = ts_component_counter(self, "read_requests");
    s->c_writes = ts_component_counter(self, "write_requests");
    s->c_rbytes = ts_component_counter(self, "read_bytes");
    s->c_wbytes = ts_component_counter(self, "write_bytes");
    return TRUE;
}

static void sram_setup(TsComponent *self)
{
    ts_unit_grant_req_credits(self, sram_of(self)->queue_depth);
}

/* Port time of a request in fixed-point cycles (0 when unlimited). */
static guint64 port_fp(double words, double wpc)
{
    return wpc > 0.0 ? ts_fp_div(words, wpc) : 0;
}

/* A DPU's MRAM: the request's DMA calls (ts-mem.h: the count it carries, by default one per
 * max_dma_bytes; none for the host's access), alpha each; 0 elsewhere. */
static double dma_setup(const Sram *s, const TsMemReq *r)
{
    const gboolean write = r->op == TS_MEM_WRITE;
    const double alpha = write ? s->dma_write_setup : s->dma_read_setup;
    if (alpha <= 0.0 || (r->flags & TS_SRAM_HOST_ACCESS))
        return 0.0;
    const guint64 per_max = s->dma_max_bytes > 0 && r->bytes > s->dma_max_bytes
                                ? (r->bytes + s->dma_max_bytes - 1) / s->dma_max_bytes
                                : 1;
    return alpha * (double)ts_mem_req_dma_calls(r, per_max);
}

/* The time a request holds its port (the direction's, or the shared one): DMA setup and its
 * words at the port's rate, fixed-point cycles; what the busy statistics add for it. */
static guint64 port_hold_fp(const Sram *s, const TsMemReq *r)
{
    const gboolean write = r->op == TS_MEM_WRITE;
    const double words = (double)r->bytes / s->word_bytes;
    const guint64 setup_fp = (guint64)ceil(dma_setup(s, r) * (double)TS_FP_ONE);
    const double wpc = s->shared_wpc > 0.0 ? s->shared_wpc : (write ? s->write_wpc : s->read_wpc);
    return setup_fp + port_fp(words, wpc);
}

static void serve(TsComponent *self, TsEvent *ev)
{
    Sram *s = sram_of(self);
    TsMemReq *r = ts_mem_req(ev);
    TsPort *port = ts_component_port_of_event(self, ev);
    const gboolean write = r->op == TS_MEM_WRITE;
    const double words = (double)r->bytes / s->word_bytes;
    const guint64 now = ts_fp_now_cycles(self);
    /* The direction's port, and the shared port when the level has one. */
    TsServer *dir = write ? &s->wr : &s->rd;
    TsServer *srv = s->shared_wpc > 0.0 ? &s->sh : dir;
    const guint64 start = ts_server_take(srv, now, port_hold_fp(s, r));
    guint64 done = srv->free_fp;
    guint64 port_done = done;
    if (s->shared_wpc > 0.0 && (write ? s->write_wpc : s->read_wpc) > 0.0) {
        /* a direction cap under the shared port */
        ts_server_take(dir, start, port_fp(words, write ? s->write_wpc : s->read_wpc));
        done = MAX(done, dir->free_fp);
        port_done = done;
    }
    if (s->banks > 1 && r->bytes > 0) {
        const guint64 row0 = r->addr / s->row_bytes;
        const guint64 rows = (r->addr + r->bytes - 1) / s->row_bytes - row0 + 1;
        guint64 alone = port_done; /* its end with every bank free at its start */
        for (guint64 b = 0; b < s->banks && b < rows; b++) {
            /* rows row0 + b, row0 + b + banks, ... fall in bank (row0 + b) % banks */
            guint64 n = (rows - b + s->banks - 1) / s->banks;
            TsServer *bk = &s->bank[(row0 + b) % s->banks];
            const guint64 dur = ts_fp_div((double)n, (double)s->bank_ports);
            ts_server_take(bk, start, dur);
            done = MAX(done, bk->free_fp);
            alone = MAX(alone, start + dur);
        }
        /* conflicts: the wait for banks still busy with earlier requests */
        s->conflict_fp += done - alone;
    }
    if (!write)
        done += s->read_latency << TS_FP_SHIFT;
    if (write) {
        s->st.write_requests++;
        s->st.write_bytes += r->bytes;
        ts_counter_inc(s->c_writes);
        ts_counter_add(s->c_wbytes, r->bytes);
    } else {
        s->st.read_requests++;
        s->st.read_bytes += r->bytes;
        ts_counter_inc(s->c_reads);
        ts_counter_add(s->c_rbytes, r->bytes);
    }
    ts_unit_credit_at(self, port, ts_fp_cycles_to_tick(&self->clock, start));
    TsTick at = ts_fp_cycles_to_tick(&self->clock, done);
    ev->type = TS_EVENT_MEM_RESPONSE;
    r->done_tick = at;
    ts_port_send_from(port, ev, 0, at);
}

static void sram_handle(TsComponent *self, TsEvent *ev)
{
    ts_unit_dispatch(self, ev, TS_EVENT_MEM_REQUEST, serve);
}

static void sram_destroy(TsComponent *self)
{
    g_free(sram_of(self)->bank);
}

const TsComponentKind ts_sram_kind = {
    .name = "sram",
    .description = "a storage level (SRAM, register file, PIM memory) as read/write port and bank "
                   "servers, all utilized instances in lockstep",
    .instance_size = sizeof(Sram),
    TS_COMPONENT_KIND_TABLES(params, ports, stats),
    .spec_type = "TsLevel",
    .init = sram_init,
    .setup = sram_setup,
    .handle = sram_handle,
    .destroy = sram_destroy,
};

void ts_sram_get_stats(const TsComponent *c, TsSramStats *out)
{
    g_return_if_fail(c != NULL && c->kind == &ts_sram_kind && out != NULL);
    const Sram *s = TS_COMPONENT_DOWNCAST(const Sram, c);
    *out = s->st;
    const double one = (double)TS_FP_ONE;
    const guint64 now = ts_fp_now_cycles(c);
    if (s->shared_wpc > 0.0) {
        out->read_busy_cycles = (double)ts_server_served(&s->sh, now) / one;
        out->write_busy_cycles = 0.0;
    } else {
        out->read_busy_cycles = (double)ts_server_served(&s->rd, now) / one;
        out->write_busy_cycles = (double)ts_server_served(&s->wr, now) / one;
    }
    out->bank_conflict_cycles = (double)s->conflict_fp / one;
}

double ts_sram_request_unloaded_cycles(const TsComponent *c, const TsMemReq *req)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_sram_kind && req != NULL, 0.0);
    const Sram *s = TS_COMPONENT_DOWNCAST(const Sram, c);
    const gboolean write = req->op == TS_MEM_WRITE;
    const double words = (double)req->bytes / s->word_bytes;
    double wpc = s->shared_wpc > 0.0 ? s->shared_wpc : (write ? s->write_wpc : s->read_wpc);
    double t = dma_setup(s, req) + (wpc > 0.0 ? words / wpc : 0.0);
    return t + (write ? 0.0 : (double)s->read_latency);
}

double ts_sram_request_busy_cycles(const TsComponent *c, const TsMemReq *req, gboolean *read_stat)
{
    g_return_val_if_fail(c != NULL && c->kind == &ts_sram_kind && req != NULL, 0.0);
    const Sram *s = TS_COMPONENT_DOWNCAST(const Sram, c);
    if (read_stat != NULL)
        *read_stat = s->shared_wpc > 0.0 || req->op != TS_MEM_WRITE;
    return (double)port_hold_fp(s, req) / (double)TS_FP_ONE;
}

double ts_sram_unloaded_cycles(const TsComponent *c, guint64 bytes, TsMemOp op)
{
    const TsMemReq req = {.bytes = (guint32)MIN(bytes, (guint64)G_MAXUINT32), .op = (guint8)op};
    return ts_sram_request_unloaded_cycles(c, &req);
}
