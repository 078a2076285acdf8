/* The dram component: a JEDEC DRAM (channels -> ranks -> bank groups -> banks, per-bank state
 * and open row) behind one memory controller per channel (or HBM pseudo-channel) with
 * DRAMsim3's scheduling: a transaction queue (reads, and a write buffer drained in bursts),
 * per-bank (or per-rank) command queues fed one transaction per cycle, open-page FR-FCFS over
 * the queues in round-robin (row hits first, a precharge only when no pending hit remains or
 * after 4 hits), rank- or bank-level refresh with priority, auto-precharge under the close-page
 * policy, and energy from command counts plus per-cycle background (IDD-based, DRAMsim3's
 * method). Event driven: the controller wakes only on the cycles where something can happen,
 * so idle time costs nothing. See docs/des.md for semantics and the differences from DRAMsim3.
 *
 * Configuration: the arch's TsDramSpec (ts_sim_add_component_typed(...,
 * TS_SPEC(TsDramSpec, spec), params, ...); the spec must have timing and outlive the sim) and
 * DES-only params:
 *   check (bool, default false)  re-check every issued command with the legality checker
 * Ports: "req", a port array with one element per (pseudo-)channel, in channel order. Each is
 * joined to a requester port with TS_PORT_CREDITED: the element grants trans_queue_size
 * credits and returns one each time a transaction leaves its transaction queue. Requests are
 * TS_EVENT_MEM_REQUEST events (TsMemReq, one burst each: bytes <= burst_bytes, sent on the
 * element ts_dram_unit_of gives for the address); every request gets one
 * TS_EVENT_MEM_RESPONSE on the same element (reads when their data has crossed the bus,
 * writes one cycle after acceptance, as DRAMsim3's posted writes), done_tick set, or a call
 * of the completion hook instead (ts_dram_set_done_hook).
 * Latency is measured from acceptance into the controller: the first controller cycle after
 * the request arrives.
 *
 * All-bank (PIM) mode, for bank-level PIM (Samsung HBM-PIM's AB-PIM mode, SK hynix AiM):
 * "pim", an optional port array with one element per unit, credited like "req" (4 credits,
 * one back per completed request). A TS_EVENT_MEM_REQUEST there moves `bytes` per PIM unit from
 * byte offset `addr` of every unit's banks (param banks_per_unit, default 1: the banks beside
 * each unit, read in turn) to the units (reads) or back (writes), with all-bank commands
 * (ACTAB, RDAB / WRAB every max(tCCDab, tBURST), PREAB; ts-dram-private.h) sharing the banks
 * with normal-mode traffic by turns and with refresh; one response per request when its last
 * burst has reached the units (reads) or the banks (writes). docs/des.md section 11. */
#ifndef TS_DRAM_H
#define TS_DRAM_H

#include "ts-arch-classes.h"
#include "ts-sim.h"

G_BEGIN_DECLS

extern const TsComponentKind ts_dram_kind;

/* Controller units ((pseudo-)channels) = elements of the "req" port array. */
guint ts_dram_n_units(const TsComponent *dram);
/* The unit (and "req" element) an address belongs to. */
guint ts_dram_unit_of(const TsComponent *dram, guint64 addr);
/* The byte address of burst `column` of (unit, rank, bank group, bank, row) under the DRAM's
 * address mapping (the inverse of its decoding). */
guint64 ts_dram_address(const TsComponent *dram, guint unit, guint rank, guint bankgroup,
                        guint bank, guint64 row, guint64 column);
/* Bytes of one burst of a unit (the largest request). */
guint32 ts_dram_burst_bytes(const TsComponent *dram);

/* Totals over every unit. Completions count when their data returned before the current
 * simulated time. */
typedef struct {
    guint64 cycles; /* controller cycles elapsed (ts_sim_now in tCK, rounded down) */
    guint64 reads_done, writes_done;
    guint64 read_cmds, write_cmds; /* RD/RDA and WR/WRA issued */
    guint64 read_row_hits, write_row_hits;
    guint64 activates, precharges, refreshes, bank_refreshes;
    guint64 read_latency_sum; /* cycles, over reads_done */
    guint64 read_latency_min, read_latency_max;
    guint64 read_latency_median, read_latency_mode; /* of reads_done (lower median; smallest
                                                       of the most frequent values) */
    /* Energy in pJ (IDD currents x VDD x time x devices per rank, per command or cycle). */
    double act_energy_pj, read_energy_pj, write_energy_pj, refresh_energy_pj;
    double background_energy_pj; /* active standby (a bank open) + precharge standby */
    double total_energy_pj;
    guint64 commands_checked, violations; /* legality checker (check = true), else 0 */
    /* All-bank (PIM) mode: commands to every bank of a channel, bursts moved between banks and
     * PIM units inside the device, and cycles with an all-bank row open (ACTAB to PREAB + tRP),
     * summed over units. Their energy is in act / read / write_energy_pj: an ACTAB is an ACT
     * of every bank, a burst IDD4R (IDD4W) over IDD3N for tBURST, no I/O. */
    guint64 ab_activates, ab_precharges, ab_read_cmds, ab_write_cmds;
    guint64 ab_read_bursts, ab_write_bursts, ab_busy_cycles;
} TsDramStats;

/* Fills *stats as of the current simulated time (accounting background energy up to it). */
void ts_dram_get_stats(TsComponent *dram, TsDramStats *stats);

/* Completions without response events, for a requester that only counts them (a trace
 * player): once set (before the run), the dram sends no TS_EVENT_MEM_RESPONSE and calls
 * done(user, req, done_tick) instead, as soon as it knows the request's completion tick, which
 * may lie ahead of the current time (never before it). NULL restores the events. */
typedef void (*TsDramDoneFn)(gpointer user, const TsMemReq *req, TsTick done_tick);
void ts_dram_set_done_hook(TsComponent *dram, TsDramDoneFn done, gpointer user);

/* First legality violation found by the checker, or NULL (borrowed). */
const char *ts_dram_first_violation(const TsComponent *dram);

G_END_DECLS

#endif /* TS_DRAM_H */
