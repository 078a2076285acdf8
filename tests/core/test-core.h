/* Shared pieces of the sim/core CUnit suites: the small component kinds the tests build
 * graphs from (recorder, driver, ticker, pingpong) and each suite's registration function. */
#ifndef TS_TEST_CORE_H
#define TS_TEST_CORE_H

#include "ts-sim.h"
#include "ts-test.h"

/* One delivered event as a recorder/driver saw it. */
typedef struct {
    TsTick tick;
    guint32 type;
    guint8 priority;
    guint16 port;
    guint32 size_bytes;
} TestRecord;

/* "recorder": records every event; an event of type >= TEST_SPAWN also schedules a new event
 * of type (type - TEST_SPAWN + 1000) for itself at the same tick. Ports: "in" (optional). */
#define TEST_SPAWN 100000
typedef struct {
    TsComponent base;
    GArray *log; /* TestRecord */
    TsCounter *events;
} TestRecorder;
extern const TsComponentKind test_recorder_kind;

/* "driver": on a self-event of type TEST_DRIVER_SEND sends a new event of payload.u64[0]
 * bytes through port "link" (optional); records every event that arrives through the port. */
#define TEST_DRIVER_SEND 1
typedef struct {
    TsComponent base;
    GArray *log; /* TestRecord of arrivals */
} TestDriver;
extern const TsComponentKind test_driver_kind;
/* Schedules a send of `bytes` from driver `d` at tick `tick`. */
void test_driver_send_at(TsComponent *d, TsTick tick, guint64 bytes);

/* "ticker": reschedules itself every period_ps (param, default 1000) starting at tick 0;
 * requests a stop every stop_every events (param, 0 = never). */
typedef struct {
    TsComponent base;
    TsTick period_ps;
    gint64 stop_every;
    guint64 count;
} TestTicker;
extern const TsComponentKind test_ticker_kind;

/* "pingpong": see test_core_sim.c (two of them exchange `rounds` pings over a link). */
typedef struct {
    TsComponent base;
    gboolean initiator;
    gint64 rounds, ping_bytes, pong_bytes, think_cycles, done;
    TsTick ping_sent;
    TsCounter *sent;
    TsCounter *received;
    TsAccumulator *rtt;
    TsHistogram *rtt_hist;
} TestPingPong;
extern const TsComponentKind test_pingpong_kind;

/* Builds the ping-pong pair "pp.ping" (initiator, 1 GHz) and "pp.pong" (1.2 GHz) joined by a
 * 1500 ps, 2 GB/s link; `rounds` round trips. The sim is built (setup sent ping 1). */
TsSim *test_pingpong_sim(gint64 rounds, TsEvqKind queue, gboolean disable_hist);

/* Asserts that err is a TS_CORE_ERROR of `code` with exactly `text` as its message. */
#define ASSERT_ERROR(err, code, text)                                                              \
    do {                                                                                           \
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);                                                         \
        CU_ASSERT_TRUE(g_error_matches((err), TS_CORE_ERROR, (code)));                             \
        CU_ASSERT_STRING_EQUAL((err)->message, (text));                                            \
        if (strcmp((err)->message, (text)) != 0)                                                   \
            fprintf(stderr, "\n  got:  %s\n  want: %s\n", (err)->message, (text));                 \
    } while (0)

/* Runs body(data) in a child process that must abort (a broken invariant); returns what the
 * child printed on stderr (newly allocated, at most 1023 bytes). */
char *test_run_expecting_abort(void (*body)(gpointer data), gpointer data);

void test_core_register_time(void);
void test_core_register_queue(void);
void test_core_register_sim(void);
void test_core_register_graph(void);
void test_core_register_stats(void);
void test_core_register_seams(void);

#endif /* TS_TEST_CORE_H */
