/* Running DRAM traces on the dram component: DRAMsim3's trace format ("0xADDR OP CYCLE" per
 * line; OP WRITE / write / P_MEM_WR / BOFF is a write, READ / read / P_MEM_RD / P_FETCH /
 * P_LOCK_RD / P_LOCK_WR a read; .xz files are read through `xz -dc`; traces are also written
 * in it), and the trace driver component that replays one as DRAMsim3's trace CPU does: in
 * order, at most one request per cycle, a request no earlier than its cycle, and only with a
 * credit from its channel (head-of-line blocking when that channel's transaction queue is
 * full). */
#ifndef TS_DRAM_TRACE_H
#define TS_DRAM_TRACE_H

#include "ts-dram.h"

G_BEGIN_DECLS

typedef struct {
    guint64 addr;
    guint64 cycle;
    gboolean is_write;
} TsDramTraceEntry;

typedef struct {
    TsDramTraceEntry *entries;
    gsize n;
    char *file;
    guint32 last_line; /* line of the (first) latest request cycle in the file; 0: not loaded */
} TsDramTrace;

#define TS_DRAM_TRACE_MAX_ENTRIES ((gsize)1 << 27)

/* Loads a trace. NULL with TS_CONFIG_ERROR naming file:line and the offending token on bad
 * input (or more than TS_DRAM_TRACE_MAX_ENTRIES lines). */
TsDramTrace *ts_dram_trace_load(const char *path, GError **error);
void ts_dram_trace_free(TsDramTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsDramTrace, ts_dram_trace_free)

/* Writes `trace` to `path` in DRAMsim3's trace format, one "0xADDR READ|WRITE CYCLE" line per
 * entry in order, the address in upper-case hex as in DRAMsim3's reference traces (the form
 * ts_dram_trace_load and DRAMsim3's trace CPU read), replacing the file. FALSE with a
 * G_FILE_ERROR naming the path when it cannot be written. */
gboolean ts_dram_trace_save(const TsDramTrace *trace, const char *path, GError **error);

/* The result of a trace run: the DRAM's statistics plus the derived figures of the JSON
 * report. */
typedef struct {
    TsDramStats stats;
    guint64 cycles; /* the window (--cycles) or the cycle after the last response */
    guint64 requests_sent;
    double tck_ps;
    double bw_gbps; /* (reads + writes done) x burst bytes / (cycles x tCK) */
    double avg_read_latency_cycles;
    double row_hit_rate; /* row hits / column commands */
    double wall_seconds; /* time spent in the event loop */
    double cpu_seconds;  /* CPU time of this thread in the event loop */
    guint64 events;
} TsDramTraceResult;

/* A simulation of a trace driver replaying `trace` into a dram component of `spec`, built and
 * ready to run (ts_sim_run_until), for callers that run it in phases; *dram is the DRAM
 * component. With stop_when_done the driver stops the run when every request has completed.
 * `trace` and `spec` must outlive the sim. NULL with an error for a spec the model cannot
 * run. */
TsSim *ts_dram_trace_sim_new(const TsDramSpec *spec, const TsDramTrace *trace, gboolean check,
                             gboolean stop_when_done, TsComponent **dram, GError **error);

/* Runs `trace` on a DRAM of `spec` (derived, with timing) for `cycles` controller cycles, or
 * until every request has completed when cycles is 0. check runs the legality checker on
 * every command. FALSE with an error for a spec the model cannot run. */
gboolean ts_dram_trace_run(const TsDramSpec *spec, const TsDramTrace *trace, guint64 cycles,
                           gboolean check, TsDramTraceResult *result, GError **error);

G_END_DECLS

#endif /* TS_DRAM_TRACE_H */
