/* The sram component: one storage level of the architecture (sram, regfile, a PIM core's
 * WRAM/MRAM, or any storage level without a timing model of its own, as a bandwidth server)
 * with all its utilized instances working in lockstep, so a request's bytes are per instance.
 * Reads and writes are served by a read and a write port at the level's read_bandwidth /
 * write_bandwidth words per cycle (one shared port at shared_bandwidth when given, the read /
 * write bandwidths then capping their direction from the request's start there; 0 is
 * unlimited), in arrival order; with banks (TsSramSpec.banks > 1) each row of width_bits is in
 * bank row % banks, a bank serves `ports` rows per cycle, and a request waits for its busiest
 * bank. Bank-conflict cycles count only the wait for banks still busy with earlier requests
 * (the request's end beyond its end with every bank free at its start); a request whose rows
 * keep a bank busy longer than its port on an otherwise idle sram is bank-bandwidth-limited,
 * not in conflict. Reads complete
 * read_latency_cycles later (pipelined). A PIM DPU's MRAM charges its DMA setup (alpha read /
 * write cycles of the DPU clock) per DMA call on top of beta per byte: a request is one call
 * per max_dma_bytes (the SDK's largest mram_read / mram_write), ceil(bytes / max) calls, unless
 * the request carries the calls it stands for (TsMemReq.dma_calls, ts-mem.h: an aggregate of
 * several tiles' transfers); a request flagged TS_SRAM_HOST_ACCESS (the host's transfer over
 * a host link) pays none.
 *
 * Configuration: ts_sim_add_component_typed(..., TS_SPEC(TsLevel, level), params, ...) with the
 * arch's storage level record (kept by pointer; must outlive the sim) and DES-only params:
 *   requesters   (int, default 1)  elements of the "req" port array
 *   queue_depth  (int, default 8)  credits granted to each requester (queued requests)
 * Ports: "req[i]", credited requester ports. Protocol: ts-mem.h (TsMemReq: addr is the byte
 * address within one instance, bytes per instance, op read / write); every request gets one
 * TS_EVENT_MEM_RESPONSE at its completion and returns its credit when it starts service. */
#ifndef TS_SRAM_H
#define TS_SRAM_H

#include "ts-arch.h"
#include "ts-sim.h"

G_BEGIN_DECLS

/* TsMemReq flag: the host reads or writes the level through a host link, not the DPU's DMA
 * engine: no DMA setup. */
#define TS_SRAM_HOST_ACCESS 0x1u

extern const TsComponentKind ts_sram_kind;

typedef struct {
    guint64 read_requests, write_requests;
    guint64 read_bytes, write_bytes;
    /* busy time served up to the current simulated time (a request's service still ahead is
     * not counted yet): the read port (the shared port when shared), the write port (0 when
     * shared) */
    double read_busy_cycles;
    double write_busy_cycles;
    double bank_conflict_cycles; /* delay from banks busy with other requests */
    guint64 banks;
} TsSramStats;

/* Totals since the start of the simulation. */
void ts_sram_get_stats(const TsComponent *sram, TsSramStats *stats);

/* Cycles (of the component's clock) a request of `bytes` would take on an idle component:
 * port time, DMA setup and read latency, no queuing. */
double ts_sram_unloaded_cycles(const TsComponent *sram, guint64 bytes, TsMemOp op);
/* The same for a request as it would be sent (bytes, op, flags and dma_calls read). */
double ts_sram_request_unloaded_cycles(const TsComponent *sram, const TsMemReq *req);
/* Cycles a request as it would be sent holds its port: what it adds to the busy statistics
 * (TsSramStats read_busy_cycles, or write_busy_cycles: *read_stat tells which; a shared port's
 * requests count as reads), whenever it is served. */
double ts_sram_request_busy_cycles(const TsComponent *sram, const TsMemReq *req,
                                   gboolean *read_stat);

G_END_DECLS

#endif /* TS_SRAM_H */
