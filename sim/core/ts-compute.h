/* The compute-step payload of the DES: what a controller (the mapping executor) sends to a
 * compute component (mac_array, vector_unit) and what comes back, on credited ports as the
 * memory protocol (ts-mem.h):
 *
 *   controller --TS_EVENT_COMPUTE_REQUEST--> compute   (needs a credit on the sender's port)
 *   controller <--TS_EVENT_COMPUTE_RESPONSE-- compute  (one per request, when its results are out)
 *   controller <--TS_EVENT_CREDIT------------ compute  (a queued step started: one more allowed)
 *
 * A step is `work` units on each of `instances` utilized instances in lockstep (MACs on a MAC
 * array, element-passes on a vector unit); the component serves steps in order, back to back. */
#ifndef TS_COMPUTE_H
#define TS_COMPUTE_H

#include "ts-event.h"

G_BEGIN_DECLS

typedef struct TsComputeReq {
    guint64 tag;       /* requester-defined, echoed back */
    guint64 work;      /* per utilized instance: MACs (mac_array), element-passes (vector_unit) */
    guint32 instances; /* utilized instances (statistics: work x instances is the total) */
    guint16 op;        /* vector_unit: index of the operation in its spec's ops; else 0 */
    guint16 flags;     /* requester-defined */
    guint64 cycles;    /* response: cycles of the component's clock the step occupied it */
} TsComputeReq;

G_STATIC_ASSERT(sizeof(TsComputeReq) == TS_EVENT_PAYLOAD_BYTES);

static inline TsComputeReq *ts_compute_req(TsEvent *event)
{
    return (TsComputeReq *)(void *)event->payload.bytes;
}

static inline const TsComputeReq *ts_compute_req_const(const TsEvent *event)
{
    return (const TsComputeReq *)(const void *)event->payload.bytes;
}

G_END_DECLS

#endif /* TS_COMPUTE_H */
