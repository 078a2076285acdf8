/* The one memory-request payload of the DES: what a requester (a buffer, a DMA engine, a
 * trace driver, the mapping executor) sends to a memory model (dram, sram, host link) and
 * what comes back. It travels inline in an event (32 bytes) on credited ports:
 *
 *   requester --TS_EVENT_MEM_REQUEST--> memory      (needs a credit on the requester's port)
 *   requester <--TS_EVENT_MEM_RESPONSE-- memory     (one per request, same payload, done_tick set)
 *   requester <--TS_EVENT_CREDIT-------- memory     (a queue slot freed: one more request allowed)
 *
 * The memory grants as many credits as its request queue has slots (ts_port_grant_credits) and
 * returns one each time a request leaves that queue, so no queue grows without bound and a
 * full memory back-pressures its requesters. A requester sends a request only with room for
 * its response (it sized its own outstanding-request table), so responses need no credits. */
#ifndef TS_MEM_H
#define TS_MEM_H

#include "ts-event.h"

G_BEGIN_DECLS

typedef enum {
    TS_MEM_READ = 0,
    TS_MEM_WRITE = 1,
} TsMemOp;

#define TS_MEM_TENSOR_NONE G_MAXUINT16

typedef struct TsMemReq {
    guint64 addr;     /* byte address in the memory's address space */
    guint64 tag;      /* requester-defined (an outstanding-table slot, a tile id): echoed back */
    guint32 bytes;    /* size of the access in bytes */
    guint16 tensor;   /* workload tensor the data belongs to, or TS_MEM_TENSOR_NONE */
    guint8 op;        /* TsMemOp */
    guint8 flags;     /* requester-defined */
    union {
        TsTick done_tick;  /* responses: tick the memory completed the access (data returned
                              or write accepted) */
        guint64 dma_calls; /* requests: TS_MEM_DMA_CALLS_DEFAULT (0), or the DMA calls the
                              access stands for, set with ts_mem_req_set_dma_calls */
    };
} TsMemReq;

/* The DMA calls of a request to a memory that charges a fixed setup per DMA call (a DPU's
 * MRAM, ts-sram.h). By default (0, what a zeroed event carries) the memory counts one call
 * per max_dma_bytes of the request; a requester whose one request stands for several
 * transfers (the mapping executor's aggregated accesses inside a tile step: many tiles, each
 * its own calls) sets the count it stands for, 0 included. Memories without a per-call
 * setup ignore it. The response's done_tick overwrites it. */
#define TS_MEM_DMA_CALLS_DEFAULT G_GUINT64_CONSTANT(0)
#define TS_MEM_DMA_CALLS_SET (G_GUINT64_CONSTANT(1) << 63)

/* The dma_calls word for exactly `calls` calls (calls < 2^63). */
static inline guint64 ts_mem_dma_calls(guint64 calls)
{
    return TS_MEM_DMA_CALLS_SET | calls;
}

static inline void ts_mem_req_set_dma_calls(TsMemReq *req, guint64 calls)
{
    req->dma_calls = ts_mem_dma_calls(calls);
}

/* The calls a request stands for: the count set, or `per_max` (the memory's default: one per
 * max_dma_bytes of the request) when none is set. */
static inline guint64 ts_mem_req_dma_calls(const TsMemReq *req, guint64 per_max)
{
    return (req->dma_calls & TS_MEM_DMA_CALLS_SET) ? req->dma_calls & ~TS_MEM_DMA_CALLS_SET
                                                   : per_max;
}

G_STATIC_ASSERT(sizeof(TsMemReq) == TS_EVENT_PAYLOAD_BYTES);

/* The request inside an event's payload (no copy). */
static inline TsMemReq *ts_mem_req(TsEvent *event)
{
    return (TsMemReq *)(void *)event->payload.bytes;
}

static inline const TsMemReq *ts_mem_req_const(const TsEvent *event)
{
    return (const TsMemReq *)(const void *)event->payload.bytes;
}

G_END_DECLS

#endif /* TS_MEM_H */
