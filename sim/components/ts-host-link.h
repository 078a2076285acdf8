/* The host_link component: a link between a host and devices (a PCIe or DDR channel to PIM
 * DIMMs) with a bandwidth per direction, a latency per transfer, a DMA setup cost per transfer
 * and contention: a transfer is a call the host makes and waits for (UPMEM's dpu_push_xfer is
 * synchronous), so calls of either direction are served one at a time in arrival order, each
 * occupying the link for its setup, bytes and latency (docs/pim.md, "Host-link calls"). A transfer
 * goes to (comes from) `targets` devices and moves bytes x targets: scattered (each target its
 * own bytes), gathered (device -> host, bytes from each target) or, flagged
 * TS_HOST_LINK_BROADCAST, broadcast (the same bytes to every target, every copy counted, as
 * PrIM measures its CPU-DPU broadcast bandwidth). The rate is ts_host_link_rate() of the kind
 * (parallel h2d, parallel d2h, broadcast) with `targets` devices, the analytical model's own
 * function: with PIM DIMM keys the device, rank and host-wide rates of docs/pim.md ("Host
 * transfers"); without them the link's h2d, d2h and broadcast bandwidths. A serial transfer is
 * one single-target transfer per device.
 *
 * Configuration: TS_SPEC(TsLevel, level) with the arch's host_link level (its spec a
 * TsHostLinkSpec; kept by pointer) and DES-only params `requesters` (elements of "req", default
 * 1) and `queue_depth` (credits per requester, default 8). Protocol: ts-mem.h with op
 * TS_MEM_WRITE = host -> device (h2d), TS_MEM_READ = device -> host (d2h); bytes per target;
 * addr = the number of targets (0 taken as 1); flags TS_HOST_LINK_BROADCAST. One response per
 * transfer when the call returns (DMA setup + bytes x targets / rate + the latency after it
 * starts: ts_host_link_transfer_s() of one call on an idle link); the credit returns when it
 * starts. */
#ifndef TS_HOST_LINK_H
#define TS_HOST_LINK_H

#include "ts-arch.h"
#include "ts-sim.h"

G_BEGIN_DECLS

extern const TsComponentKind ts_host_link_kind;

#define TS_HOST_LINK_BROADCAST 0x1u

typedef struct {
    guint64 h2d_transfers, d2h_transfers;
    guint64 h2d_bytes, d2h_bytes; /* bytes delivered (every target's copy) */
    double h2d_busy_ps, d2h_busy_ps; /* calls' time (setup, bytes, latency) per direction */
} TsHostLinkStats;

void ts_host_link_get_stats(const TsComponent *link, TsHostLinkStats *stats);

/* Picoseconds a transfer would take on an idle link (setup, bytes, latency). */
double ts_host_link_unloaded_ps(const TsComponent *link, guint64 bytes, guint64 targets,
                                gboolean broadcast, TsMemOp op);
/* Picoseconds a call as it would be sent (bytes, targets in addr, TS_HOST_LINK_BROADCAST, op)
 * holds the link: what it adds to h2d_busy_ps (a write) or d2h_busy_ps (a read). */
double ts_host_link_request_busy_ps(const TsComponent *link, const TsMemReq *req);

G_END_DECLS

#endif /* TS_HOST_LINK_H */
