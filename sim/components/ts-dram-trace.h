/* Running DRAM traces on the dram component: DRAMsim3's trace format ("0xADDR OP CYCLE" per
 * line; OP WRITE / write / P_MEM_WR / BOFF is a write, READ / read / P_MEM_RD / P_FETCH /
 * P_LOCK_RD / P_LOCK_WR a read; .xz files are read through `xz -dc`; traces are also written
 * in it), read whole (ts_dram_trace_load) or streamed through a fixed buffer as the run needs
 * the next requests (TsDramTraceReader), and the trace driver component that replays one as
 * DRAMsim3's trace CPU does: in order, at most one request per cycle, a request no earlier
 * than its cycle, and only with a credit from its channel (head-of-line blocking when that
 * channel's transaction queue is full). */
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

/* At most this many requests, and 4 times as many lines, in a trace (read whole or streamed):
 * the request bound keeps the run after the last request's cycle within the 2^36 cycles the
 * driver leaves before the end of simulated time. */
#define TS_DRAM_TRACE_MAX_ENTRIES ((gsize)1 << 27)
/* Lines longer than this many characters (without the newline) are refused. */
#define TS_DRAM_TRACE_MAX_LINE 4096u
/* The buffer a streamed trace is read through, unless the caller gives another size. */
#define TS_DRAM_TRACE_BUFFER_BYTES ((gsize)1 << 16)

/* Loads a trace whole (through a TsDramTraceReader: the same lines are accepted with the same
 * values and the same errors). NULL with TS_CONFIG_ERROR naming file:line and the offending
 * token on bad input (or more than TS_DRAM_TRACE_MAX_ENTRIES requests). */
TsDramTrace *ts_dram_trace_load(const char *path, GError **error);
void ts_dram_trace_free(TsDramTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsDramTrace, ts_dram_trace_free)

/* Writes `trace` to `path` in DRAMsim3's trace format, one "0xADDR READ|WRITE CYCLE" line per
 * entry in order, the address in upper-case hex as in DRAMsim3's reference traces (the form
 * ts_dram_trace_load and DRAMsim3's trace CPU read), replacing the file. FALSE with a
 * G_FILE_ERROR naming the path when it cannot be written. */
gboolean ts_dram_trace_save(const TsDramTrace *trace, const char *path, GError **error);

/* A trace read request by request: from a file, through one buffer of a fixed size allocated
 * at open (memory does not depend on the trace's length), or from a TsDramTrace in memory.
 * Lines are read as by fgets into a TS_DRAM_TRACE_MAX_LINE + 2 byte buffer: a line is up to
 * and including its newline, a last line may lack one, CR and tabs are blanks, blank lines
 * are skipped; line numbers count every line. */
typedef struct TsDramTraceReader TsDramTraceReader;

/* Opens `path` (.xz: decompressed by a child `xz -dc`) to be read through a buffer of
 * `buffer_bytes` (0: TS_DRAM_TRACE_BUFFER_BYTES; at least TS_DRAM_TRACE_MAX_LINE + 1 is
 * used). NULL with TS_CONFIG_ERROR_IO when the file is missing, unreadable or xz cannot run.
 * Nothing is read until the first ts_dram_trace_reader_next. */
TsDramTraceReader *ts_dram_trace_reader_open(const char *path, gsize buffer_bytes, GError **error);
/* A reader over `trace` (borrowed: it must outlive the reader), entry after entry. */
TsDramTraceReader *ts_dram_trace_reader_new_for_trace(const TsDramTrace *trace);
void ts_dram_trace_reader_free(TsDramTraceReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsDramTraceReader, ts_dram_trace_reader_free)

/* The next request into *entry: 1; 0 at the end of a trace read without error (a file's xz
 * exited with status 0 and the trace held a request); -1 on an error, kept by the reader
 * (ts_dram_trace_reader_error): the errors of ts_dram_trace_load, each for the first bad line
 * met, or TS_CONFIG_ERROR_IO naming the path for a read error. After 0 or -1, every later call
 * returns the same. */
int ts_dram_trace_reader_next(TsDramTraceReader *reader, TsDramTraceEntry *entry);
/* Reads the rest of the trace, checking every line: TRUE at its end, FALSE with a copy of the
 * reader's error. */
gboolean ts_dram_trace_reader_finish(TsDramTraceReader *reader, GError **error);
/* The reader's error (borrowed), NULL while none. */
const GError *ts_dram_trace_reader_error(const TsDramTraceReader *reader);
/* Requests read so far (the trace's length once next has returned 0). */
guint64 ts_dram_trace_reader_count(const TsDramTraceReader *reader);
/* The file's path (a trace's file name in memory, which may be NULL). */
const char *ts_dram_trace_reader_path(const TsDramTraceReader *reader);
/* The size of the read buffer in bytes (0 in memory) and the bytes read from the file (or
 * from xz's output) so far: at most that size beyond the lines already returned. */
void ts_dram_trace_reader_io(const TsDramTraceReader *reader, gsize *buffer_bytes,
                             guint64 *bytes_read);

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
    double wall_seconds; /* time spent in the event loop (reading a streamed trace included) */
    double cpu_seconds;  /* CPU time of this thread in the event loop (the same) */
    guint64 events;
} TsDramTraceResult;

/* A simulation of a trace driver replaying `trace` into a dram component of `spec`, built and
 * ready to run (ts_sim_run_until), for callers that run it in phases; *dram is the DRAM
 * component. With stop_when_done the driver stops the run when every request has completed.
 * `trace` and `spec` must outlive the sim. NULL with an error for a spec the model cannot
 * run. */
TsSim *ts_dram_trace_sim_new(const TsDramSpec *spec, const TsDramTrace *trace, gboolean check,
                             gboolean stop_when_done, TsComponent **dram, GError **error);

/* As ts_dram_trace_sim_new with requests streamed from `reader` (not freed by the sim: it must
 * outlive it). The driver reads the first request in its init and each next one after sending
 * the previous; a read error, or a request cycle past simulated time, stops the run
 * (ts_dram_trace_run_reader reports it). */
TsSim *ts_dram_trace_sim_new_reader(const TsDramSpec *spec, TsDramTraceReader *reader,
                                    gboolean check, gboolean stop_when_done, TsComponent **dram,
                                    GError **error);

/* Runs `trace` on a DRAM of `spec` (derived, with timing) for `cycles` controller cycles, or
 * until every request has completed when cycles is 0. check runs the legality checker on
 * every command. FALSE with an error for a spec the model cannot run. */
gboolean ts_dram_trace_run(const TsDramSpec *spec, const TsDramTrace *trace, guint64 cycles,
                           gboolean check, TsDramTraceResult *result, GError **error);

/* As ts_dram_trace_run with the requests streamed from `reader`, which is read to its end
 * (after a --cycles window too, so that every line is checked and the count is the trace's).
 * FALSE with the error that ts_dram_trace_load followed by ts_dram_trace_run would give:
 * an error of the trace's text (ts_dram_trace_reader_error is then set: no result is valid,
 * however far the run had gone), else one of the spec, a request cycle past simulated time
 * (naming the line of the first of the latest cycle) or the window. */
gboolean ts_dram_trace_run_reader(const TsDramSpec *spec, TsDramTraceReader *reader, guint64 cycles,
                                  gboolean check, TsDramTraceResult *result, GError **error);

G_END_DECLS

#endif /* TS_DRAM_TRACE_H */
