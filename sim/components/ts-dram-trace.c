/* DRAMsim3 traces and the trace driver component (ts-dram-trace.h). */
#include "ts-dram-trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ts-config.h"
#include "ts-dram-private.h"

/* ---- loading ---- */

static const char *const write_ops[] = {"WRITE", "write", "P_MEM_WR", "BOFF", NULL};
static const char *const read_ops[] = {"READ",      "read",      "P_MEM_RD", "P_FETCH",
                                       "P_LOCK_RD", "P_LOCK_WR", NULL};

static gboolean in_list(const char *s, const char *const *list)
{
    for (guint i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean parse_line(char *line, guint lineno, const char *path, TsDramTraceEntry *e,
                           gboolean *blank, GError **error)
{
    char *tok[4] = {0};
    guint n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 3) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                        "%s:%u: expected 'ADDRESS OP CYCLE', got an extra token '%s'", path, lineno,
                        t);
            return FALSE;
        }
        tok[n++] = t;
    }
    *blank = n == 0;
    if (n == 0)
        return TRUE;
    if (n != 3) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_SYNTAX,
                    "%s:%u: expected 'ADDRESS OP CYCLE' (e.g. 0x1f40 READ 200), got %u token%s",
                    path, lineno, n, n == 1 ? "" : "s");
        return FALSE;
    }
    const char *a = tok[0];
    if (a[0] == '0' && (a[1] == 'x' || a[1] == 'X'))
        a += 2;
    char *end = NULL;
    errno = 0;
    e->addr = g_ascii_strtoull(a, &end, 16);
    if (*a == '\0' || *end != '\0' || errno != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                    "%s:%u: address '%s' is not a hexadecimal number below 2^64", path, lineno,
                    tok[0]);
        return FALSE;
    }
    if (in_list(tok[1], write_ops)) {
        e->is_write = TRUE;
    } else if (in_list(tok[1], read_ops)) {
        e->is_write = FALSE;
    } else {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_REFERENCE,
                    "%s:%u: unknown operation '%s' (reads: READ, read, P_MEM_RD, P_FETCH, "
                    "P_LOCK_RD, P_LOCK_WR; writes: WRITE, write, P_MEM_WR, BOFF)",
                    path, lineno, tok[1]);
        return FALSE;
    }
    errno = 0;
    e->cycle = g_ascii_strtoull(tok[2], &end, 10);
    if (!g_ascii_isdigit(tok[2][0]) || *end != '\0' || errno != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_TYPE,
                    "%s:%u: cycle '%s' is not a decimal number below 2^64", path, lineno, tok[2]);
        return FALSE;
    }
    return TRUE;
}

/* A hexadecimal digit's value + 1; 0 for any other character. */
static const guint8 hex_digit[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The fields of the common line, "0xHEX READ|WRITE DECIMAL" with blanks (spaces, tabs) before
 * and between, read without tokenising: the first character after the cycle's digits and the
 * spaces, tabs and CRs after them; NULL for anything else (other operations, a missing "0x",
 * more digits than surely fit 64 bits, stray characters, a blank line). Stops at the first
 * character that does not fit, so a newline (or NUL) after the data bounds every read. */
static inline const char *fast_fields(const char *p, TsDramTraceEntry *e)
{
    while (*p == ' ' || *p == '\t')
        p++;
    if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
        return NULL;
    p += 2;
    guint64 v = 0;
    const char *digits = p;
    for (guint d; (d = hex_digit[(guchar)*p]) != 0; p++)
        v = v << 4 | (d - 1u);
    if (p == digits || p - digits > 16 || (*p != ' ' && *p != '\t'))
        return NULL;
    e->addr = v;
    while (*p == ' ' || *p == '\t')
        p++;
    if (p[0] == 'R' && p[1] == 'E' && p[2] == 'A' && p[3] == 'D' && (p[4] == ' ' || p[4] == '\t')) {
        e->is_write = FALSE;
        p += 4;
    } else if (p[0] == 'W' && p[1] == 'R' && p[2] == 'I' && p[3] == 'T' && p[4] == 'E' &&
               (p[5] == ' ' || p[5] == '\t')) {
        e->is_write = TRUE;
        p += 5;
    } else {
        return NULL;
    }
    while (*p == ' ' || *p == '\t')
        p++;
    v = 0;
    digits = p;
    for (; (guint)(guchar)*p - '0' < 10u; p++)
        v = v * 10 + (guint)(*p - '0');
    if (p == digits || p - digits > 19) /* 19 digits are below 2^64 */
        return NULL;
    e->cycle = v;
    while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

/* The common line as a NUL-terminated line without its newline: FALSE for anything else, which
 * parse_line then reads or reports, so both paths accept the same lines with the same values. */
static inline gboolean fast_line(const char *p, TsDramTraceEntry *e)
{
    const char *end = fast_fields(p, e);
    return end != NULL && *end == '\0';
}

/* ---- the reader ---- */

/* A line as fgets reads it into a TS_DRAM_TRACE_MAX_LINE + 2 byte buffer: up to and including
 * the newline, or this many bytes (a longer line, refused unless it holds a NUL), or the rest
 * of the file. */
#define CHUNK_MAX (TS_DRAM_TRACE_MAX_LINE + 1u)

typedef enum { READER_OPEN = 1, READER_END = 0, READER_FAILED = -1 } ReaderState;

struct TsDramTraceReader {
    int state;                /* ReaderState: what next returns once not READER_OPEN */
    const TsDramTrace *trace; /* in memory; NULL for a file */
    char *path;
    int fd;              /* -1 once closed */
    GPid pid;            /* xz, 0 when none or reaped */
    char *buf;           /* cap + 1 bytes; buf[end] is a sentinel newline (NUL after a last line) */
    gsize cap, pos, end; /* unread bytes are buf[pos .. end) */
    gboolean eof;        /* the file gave its last byte */
    guint64 bytes_read;
    guint lineno;
    guint64 n;         /* requests returned */
    guint64 max_cycle; /* the latest request cycle so far */
    guint64 max_index; /* the first request with it */
    guint max_line;    /* its line (file); trace->last_line in memory */
    GError *error;
};

TsDramTraceReader *ts_dram_trace_reader_open(const char *path, gsize buffer_bytes, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: no such trace file", path);
        return NULL;
    }
    int fd = -1;
    GPid pid = 0;
    if (g_str_has_suffix(path, ".xz")) {
        const char *argv[] = {"xz", "-dc", "--", path, NULL};
        GError *local = NULL;
        if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                      &pid, NULL, &fd, NULL, &local)) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                        "%s: cannot run xz to decompress it (%s); install xz-utils", path,
                        local->message);
            g_error_free(local);
            return NULL;
        }
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: %s", path,
                        g_strerror(errno));
            return NULL;
        }
    }
    TsDramTraceReader *r = g_new0(TsDramTraceReader, 1);
    r->state = READER_OPEN;
    r->path = g_strdup(path);
    r->fd = fd;
    r->pid = pid;
    r->cap = MAX(buffer_bytes ? buffer_bytes : TS_DRAM_TRACE_BUFFER_BYTES, (gsize)CHUNK_MAX);
    r->buf = g_malloc(r->cap + 1);
    r->buf[0] = '\n';
    return r;
}

TsDramTraceReader *ts_dram_trace_reader_new_for_trace(const TsDramTrace *trace)
{
    g_return_val_if_fail(trace != NULL, NULL);
    TsDramTraceReader *r = g_new0(TsDramTraceReader, 1);
    r->state = READER_OPEN;
    r->trace = trace;
    r->fd = -1;
    r->max_line = trace->last_line;
    return r;
}

/* Closes the file and reaps xz: its exit status, or -1 when there was none to wait for. */
static int reader_close(TsDramTraceReader *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    int status = -1;
    if (r->pid != 0) {
        int st = 0;
        while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
            ;
        g_spawn_close_pid(r->pid);
        r->pid = 0;
        status = st;
    }
    return status;
}

void ts_dram_trace_reader_free(TsDramTraceReader *reader)
{
    if (reader == NULL)
        return;
    reader_close(reader);
    g_free(reader->buf);
    g_free(reader->path);
    g_clear_error(&reader->error);
    g_free(reader);
}

static G_GNUC_PRINTF(3, 4) int reader_fail(TsDramTraceReader *r, int code, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    r->error = g_error_new_valist(TS_CONFIG_ERROR, code, format, ap);
    va_end(ap);
    r->state = READER_FAILED;
    reader_close(r);
    return READER_FAILED;
}

/* The next line into *line (NUL-terminated in place after its *len bytes, which may end with
 * its newline), as fgets would give it: 1; 0 at the end of the file; -1 on a read error. The
 * line stays valid until the next call. */
static int reader_chunk(TsDramTraceReader *r, char **line, gsize *len)
{
    for (;;) {
        char *p = r->buf + r->pos;
        gsize avail = r->end - r->pos;
        const char *nl = memchr(p, '\n', MIN(avail, (gsize)CHUNK_MAX));
        gsize n = nl ? (gsize)(nl - p) + 1 : avail >= CHUNK_MAX ? CHUNK_MAX : 0;
        if (n == 0 && r->eof) {
            if (avail == 0)
                return 0;
            n = avail; /* a last line without a newline */
        }
        if (n > 0) {
            *line = p;
            *len = n;
            r->pos += n;
            return 1;
        }
        /* Less than a line left: move it to the front and fill the buffer behind it. */
        memmove(r->buf, p, avail);
        r->pos = 0;
        r->end = avail;
        r->buf[r->end] = '\n';
        for (;;) {
            ssize_t got = read(r->fd, r->buf + r->end, r->cap - r->end);
            if (got > 0) {
                r->end += (gsize)got;
                r->buf[r->end] = '\n';
                r->bytes_read += (guint64)got;
                break;
            }
            if (got == 0) {
                r->eof = TRUE;
                break;
            }
            if (errno != EINTR)
                return -1;
        }
    }
}

static int reader_next_file(TsDramTraceReader *r, TsDramTraceEntry *e)
{
    for (;;) {
        /* The common line, whole in the buffer (its newline before the sentinel, or the last
         * line of the file), read in place; every other line goes through reader_chunk. */
        const char *p = r->buf + r->pos;
        const char *q = fast_fields(p, e);
        if (G_LIKELY(q != NULL && *q == '\n' && q - p <= (gssize)TS_DRAM_TRACE_MAX_LINE) &&
            (q < r->buf + r->end || r->eof)) {
            r->pos = MIN((gsize)(q - r->buf) + 1, r->end);
            if (G_UNLIKELY(++r->lineno > 4 * TS_DRAM_TRACE_MAX_ENTRIES))
                return reader_fail(r, TS_CONFIG_ERROR_LIMIT,
                                   "%s:%u: more than %" G_GSIZE_FORMAT " lines", r->path, r->lineno,
                                   4 * TS_DRAM_TRACE_MAX_ENTRIES);
            break;
        }
        char *line = NULL;
        gsize len = 0;
        int got = reader_chunk(r, &line, &len);
        if (got < 0)
            return reader_fail(r, TS_CONFIG_ERROR_IO, "%s: %s", r->path, g_strerror(errno));
        if (got == 0) {
            int status = reader_close(r);
            if (status != -1 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
                return reader_fail(r, TS_CONFIG_ERROR_IO,
                                   "%s: xz failed to decompress it (exit status %d)", r->path,
                                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            if (r->n == 0)
                return reader_fail(r, TS_CONFIG_ERROR_INVALID, "%s: the trace is empty", r->path);
            r->state = READER_END;
            return READER_END;
        }
        r->lineno++;
        /* fgets's view: the line up to its first NUL */
        if (len == CHUNK_MAX && strnlen(line, len) == len && line[len - 1] != '\n')
            return reader_fail(r, TS_CONFIG_ERROR_LIMIT, "%s:%u: line longer than %u characters",
                               r->path, r->lineno, TS_DRAM_TRACE_MAX_LINE);
        if (r->lineno > 4 * TS_DRAM_TRACE_MAX_ENTRIES)
            return reader_fail(r, TS_CONFIG_ERROR_LIMIT,
                               "%s:%u: more than %" G_GSIZE_FORMAT " lines", r->path, r->lineno,
                               4 * TS_DRAM_TRACE_MAX_ENTRIES);
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        else if (memchr(line, '\0', len) == NULL)
            line[len] = '\0'; /* the last line, without a newline: the spare byte after it */
        gboolean blank = FALSE;
        if (!fast_line(line, e)) {
            GError *error = NULL;
            if (!parse_line(line, r->lineno, r->path, e, &blank, &error)) {
                r->error = error;
                r->state = READER_FAILED;
                reader_close(r);
                return READER_FAILED;
            }
            if (blank)
                continue;
        }
        break;
    }
    if (r->n >= TS_DRAM_TRACE_MAX_ENTRIES)
        return reader_fail(r, TS_CONFIG_ERROR_LIMIT,
                           "%s:%u: more than %" G_GSIZE_FORMAT " requests", r->path, r->lineno,
                           TS_DRAM_TRACE_MAX_ENTRIES);
    if (r->n == 0 || e->cycle > r->max_cycle) {
        r->max_cycle = e->cycle;
        r->max_index = r->n;
        r->max_line = r->lineno;
    }
    r->n++;
    return 1;
}

/* ts_dram_trace_reader_next, inlined into the driver: a trace in memory costs an array read. */
static inline int reader_next(TsDramTraceReader *r, TsDramTraceEntry *entry)
{
    if (G_UNLIKELY(r->state != READER_OPEN))
        return r->state;
    if (r->trace == NULL)
        return reader_next_file(r, entry);
    if (r->n == r->trace->n) {
        r->state = READER_END;
        return READER_END;
    }
    *entry = r->trace->entries[r->n];
    if (r->n == 0 || entry->cycle > r->max_cycle) {
        r->max_cycle = entry->cycle;
        r->max_index = r->n;
    }
    r->n++;
    return 1;
}

int ts_dram_trace_reader_next(TsDramTraceReader *reader, TsDramTraceEntry *entry)
{
    return reader_next(reader, entry);
}

gboolean ts_dram_trace_reader_finish(TsDramTraceReader *reader, GError **error)
{
    TsDramTraceEntry e;
    while (ts_dram_trace_reader_next(reader, &e) > 0)
        ;
    if (reader->state == READER_FAILED) {
        if (error != NULL)
            g_propagate_error(error, g_error_copy(reader->error));
        return FALSE;
    }
    return TRUE;
}

const GError *ts_dram_trace_reader_error(const TsDramTraceReader *reader)
{
    return reader->error;
}

guint64 ts_dram_trace_reader_count(const TsDramTraceReader *reader)
{
    return reader->n;
}

const char *ts_dram_trace_reader_path(const TsDramTraceReader *reader)
{
    return reader->trace ? reader->trace->file : reader->path;
}

void ts_dram_trace_reader_io(const TsDramTraceReader *reader, gsize *buffer_bytes,
                             guint64 *bytes_read)
{
    if (buffer_bytes)
        *buffer_bytes = reader->cap;
    if (bytes_read)
        *bytes_read = reader->bytes_read;
}

/* ---- whole traces ---- */

TsDramTrace *ts_dram_trace_load(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_open(path, 0, error);
    if (r == NULL)
        return NULL;
    GArray *arr = g_array_new(FALSE, FALSE, sizeof(TsDramTraceEntry));
    TsDramTraceEntry e;
    while (ts_dram_trace_reader_next(r, &e) > 0)
        g_array_append_val(arr, e);
    if (!ts_dram_trace_reader_finish(r, error)) {
        g_array_unref(arr);
        return NULL;
    }
    TsDramTrace *t = g_new0(TsDramTrace, 1);
    t->n = arr->len;
    t->entries = (TsDramTraceEntry *)(void *)g_array_free(arr, FALSE);
    t->file = g_strdup(path);
    t->last_line = r->max_line;
    return t;
}

void ts_dram_trace_free(TsDramTrace *trace)
{
    if (trace == NULL)
        return;
    g_free(trace->entries);
    g_free(trace->file);
    g_free(trace);
}

gboolean ts_dram_trace_save(const TsDramTrace *trace, const char *path, GError **error)
{
    g_return_val_if_fail(trace != NULL && path != NULL, FALSE);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path, g_strerror(e));
        return FALSE;
    }
    for (gsize i = 0; i < trace->n; i++) {
        const TsDramTraceEntry *e = &trace->entries[i];
        fprintf(f, "0x%" G_GINT64_MODIFIER "X %s %" G_GUINT64_FORMAT "\n", e->addr,
                e->is_write ? "WRITE" : "READ", e->cycle);
    }
    gboolean ok = !ferror(f);
    int e = errno;
    if (fclose(f) != 0 && ok)
        ok = FALSE, e = errno;
    if (!ok) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: write failed: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

/* ---- the driver ---- */

typedef struct {
    TsDramTraceReader *reader;
    TsComponent *dram;
    gboolean stop_when_done;
    gboolean *taken; /* non-NULL: the driver owns the reader and sets *taken in its init */
} DriverSpec;

typedef struct {
    TsComponent base;
    TsDramTraceReader *reader;
    gboolean owns_reader;
    TsComponent *dram;
    gboolean stop_when_done;
    gsize next;           /* requests sent */
    TsDramTraceEntry cur; /* the request to send next, when have_cur */
    gboolean have_cur;
    gboolean eof;     /* the reader has given every request: `next` of them in all */
    guint64 cycle_ok; /* request cycles up to this one are known to fit simulated time */
    GError *error;    /* a read error or a cycle past simulated time: the run stopped */
    TsPort **ports;   /* per channel */
    guint32 burst_bytes;
    guint64 next_cycle;    /* earliest cycle of the next send (one per cycle) */
    gboolean wake_pending; /* a self event is queued */
    /* Departure ticks of the latest sends (a ring of `sent_cap`, at least the credits of every
     * port: a request that has not departed yet holds one), to count the requests sent before
     * the end of a window. */
    TsTick *sent_tick;
    guint32 sent_cap;
    guint32 sent_pos;     /* ring slot of request `next` (next % sent_cap) */
    guint64 responses;    /* requests whose completion tick is known */
    TsTick last_response; /* the latest of those ticks */
} Driver;

#define DRIVER_WAKE 1u
#define DRIVER_MARK 2u /* a no-op that makes a run reach the end of its window */
#define DRIVER_DONE 3u /* the last request completes: stops the run (stop_when_done) */
/* Requests are sent at most this many cycles ahead of their departure (a wake-up at that
 * distance sends the next ones); they wait in the dram's arrival queue, which credits bound. */
#define SEND_AHEAD 32u

static const TsPortSpec driver_ports[] = {
    {"mem", TRUE, "one per DRAM (pseudo-)channel",
     TS_PORT_ARRAY | TS_PORT_CREDITED | TS_PORT_CREDIT_QUIET | TS_PORT_BATCH},
};

/* Room left after the latest request's cycle for the run that serves the queued requests
 * after it (2^36 cycles: 2^27 requests of a few hundred cycles each). */
#define CYCLE_MARGIN (G_GUINT64_CONSTANT(1) << 36)

/* Whether a request at `cycle`, and CYCLE_MARGIN cycles after it, lie within simulated time
 * (2^64 ps) at `clk`. Idle time costs no work (refresh while idle is counted, not ticked), so
 * this is the only bound on request cycles. Monotonic in cycle. */
static gboolean cycle_fits(const TsClock *clk, guint64 cycle)
{
    return cycle <= G_MAXUINT64 - CYCLE_MARGIN &&
           ts_clock_cycles_to_ticks(clk, cycle + CYCLE_MARGIN) != TS_TICK_NEVER;
}

/* Once a request cycle does not fit: reads the rest of the trace (an error of its text comes
 * first, as a whole-trace load reports it before any run) and names the first request with the
 * latest cycle of the whole trace, as its line. FALSE with the error. */
static gboolean driver_check_rest(Driver *d, GError **error)
{
    TsDramTraceReader *r = d->reader;
    if (!ts_dram_trace_reader_finish(r, error))
        return FALSE;
    if (cycle_fits(&d->base.clock, r->max_cycle))
        return TRUE;
    const guint64 all = ts_clock_ticks_to_cycles(&d->base.clock, TS_TICK_NEVER - 1);
    const guint64 max = all > CYCLE_MARGIN ? all - CYCLE_MARGIN : 0;
    const char *file = ts_dram_trace_reader_path(r);
    g_autofree char *where =
        r->max_line ? g_strdup_printf("%s:%u", file, r->max_line)
                    : g_strdup_printf("%s: request %" G_GUINT64_FORMAT, file, r->max_index);
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_RANGE,
                "%s: cycle %" G_GUINT64_FORMAT
                " (and 2^36 cycles after it) overflows simulated time (2^64 ps) at this clock:"
                " at most %" G_GUINT64_FORMAT,
                where, r->max_cycle, max);
    return FALSE;
}

/* Reads the next request into d->cur. FALSE at the end (d->eof) or on an error (d->error,
 * with the run asked to stop once the sim runs). */
static gboolean driver_fetch(Driver *d)
{
    int got = reader_next(d->reader, &d->cur);
    if (G_LIKELY(got > 0)) {
        if (G_LIKELY(d->cur.cycle <= d->cycle_ok))
            return TRUE;
        if (cycle_fits(&d->base.clock, d->cur.cycle)) {
            d->cycle_ok = d->cur.cycle;
            return TRUE;
        }
        driver_check_rest(d, &d->error);
    } else if (got == 0) {
        d->have_cur = FALSE;
        d->eof = TRUE;
        return FALSE;
    } else {
        d->error = g_error_copy(ts_dram_trace_reader_error(d->reader));
    }
    d->have_cur = FALSE;
    if (d->base.sim != NULL && ts_sim_current(d->base.sim) != NULL)
        ts_sim_request_stop(d->base.sim, &d->base, "the trace cannot be run");
    return FALSE;
}

static gboolean driver_init(TsComponent *self, const void *spec, const TsParams *params,
                            GError **error)
{
    (void)params;
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    const DriverSpec *s = spec;
    d->reader = s->reader;
    if (s->taken != NULL) {
        d->owns_reader = TRUE;
        *s->taken = TRUE;
    }
    d->dram = s->dram;
    d->stop_when_done = s->stop_when_done;
    d->burst_bytes = ts_dram_burst_bytes(s->dram);
    const TsClock *c = &s->dram->clock;
    if (!ts_component_set_clock_period(self, c->period_num, c->period_den, error))
        return FALSE;
    d->have_cur = TRUE;
    if (!driver_fetch(d)) { /* the first request (a file without one is the reader's error) */
        if (d->error == NULL)
            g_set_error(&d->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "%s: the trace is empty", ts_dram_trace_reader_path(d->reader));
        g_propagate_error(error, g_steal_pointer(&d->error));
        return FALSE;
    }
    return ts_component_set_port_count(self, "mem", ts_dram_n_units(s->dram), error);
}

/* Every request of the trace has completed: stops the run at the last completion. */
static void driver_all_done(Driver *d)
{
    ts_sim_schedule(d->base.sim, ts_sim_event_new(d->base.sim, &d->base, DRIVER_DONE),
                    d->last_response);
}

static void driver_wake_at(Driver *d, guint64 cycle)
{
    if (d->wake_pending)
        return;
    d->wake_pending = TRUE;
    TsEvent *ev = ts_sim_event_new(d->base.sim, &d->base, DRIVER_WAKE);
    ts_sim_schedule(d->base.sim, ev, ts_dram_cycle_tick(&d->base.clock, cycle));
}

/* Sends requests in trace order, each at the first clock edge at or after its cycle, after
 * the previous send's cycle and after now, while its channel has a credit; the first one
 * without a credit waits for the credit event (TS_EVENT_CREDIT). A request is sent up to
 * SEND_AHEAD cycles ahead of its edge (ts_port_send_from departs at the edge): only the
 * driver's own sends take credits, so a credit held now is still there at the edge, and every
 * request departs exactly when a driver acting at each edge would send it, with one wake-up
 * per SEND_AHEAD requests at most. */
static void driver_pump(Driver *d)
{
    const TsClock *clk = &d->base.clock;
    if (!d->have_cur)
        return;
    if (G_UNLIKELY(d->sent_tick == NULL)) { /* first pump: every credit has been granted */
        guint n = ts_dram_n_units(d->dram);
        guint64 credits = 0;
        for (guint i = 0; i < n; i++)
            credits += ts_port_credits(d->ports[i]);
        d->sent_cap = (guint32)MIN(credits + 1, (guint64)G_MAXUINT32);
        d->sent_tick = g_new(TsTick, d->sent_cap);
    }
    guint64 c = ts_dram_edge_at_or_after(clk, ts_sim_now(d->base.sim));
    for (;;) {
        const TsDramTraceEntry *e = &d->cur;
        TsPort *p = d->ports[ts_dram_unit_of(d->dram, e->addr)];
        if (ts_port_credits(p) == 0)
            return; /* the credit event resumes */
        guint64 at = MAX(MAX(e->cycle, d->next_cycle), c);
        if (at > c + SEND_AHEAD) {
            driver_wake_at(d, at - 1); /* then the next SEND_AHEAD requests go */
            return;
        }
        TsTick depart = ts_dram_cycle_tick(clk, at);
        TsEvent *ev = ts_sim_event_new(d->base.sim, NULL, TS_EVENT_MEM_REQUEST);
        *ts_mem_req(ev) = (TsMemReq){.addr = e->addr,
                                     .tag = d->next,
                                     .bytes = d->burst_bytes,
                                     .tensor = TS_MEM_TENSOR_NONE,
                                     .op = e->is_write ? TS_MEM_WRITE : TS_MEM_READ};
        ev->priority = 1; /* after the controller's own work of its cycle, as DRAMsim3 orders it */
        ts_port_send_from(p, ev, 0, depart);
        d->sent_tick[d->sent_pos] = depart;
        d->sent_pos = d->sent_pos + 1 == d->sent_cap ? 0 : d->sent_pos + 1;
        d->next++;
        d->next_cycle = at + 1;
        if (!driver_fetch(d)) {
            if (d->eof && d->stop_when_done && d->responses == d->next)
                driver_all_done(d);
            return;
        }
    }
}

/* Requests whose departure tick lies before `end`. */
static guint64 driver_sent_before(const Driver *d, TsTick end)
{
    guint64 n = d->next;
    for (guint64 k = 0; n > 0 && k < d->sent_cap && d->sent_tick[(n - 1) % d->sent_cap] >= end; k++)
        n--;
    return n;
}

/* The dram's completion hook: the driver only counts completions, so they come without
 * response events, each as soon as the dram knows its tick. */
static void driver_done(gpointer user, const TsMemReq *req, TsTick done_tick)
{
    (void)req;
    Driver *d = user;
    d->responses++;
    d->last_response = MAX(d->last_response, done_tick);
    if (d->stop_when_done && d->eof && d->responses == d->next)
        driver_all_done(d);
}

static void driver_handle(TsComponent *self, TsEvent *ev)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    if (ev->type == DRIVER_MARK)
        return;
    if (ev->type == DRIVER_DONE) {
        ts_sim_request_stop(self->sim, self, "every request of the trace completed");
        return;
    }
    if (ev->type == DRIVER_WAKE)
        d->wake_pending = FALSE;
    driver_pump(d);
}

/* A credit reached a channel that had none: send what it allows, as the credit event would. */
static void driver_credit(TsComponent *self, TsPort *port)
{
    (void)port;
    driver_pump(TS_COMPONENT_DOWNCAST(Driver, self));
}

static void driver_setup(TsComponent *self)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    guint n = ts_dram_n_units(d->dram);
    d->ports = g_new(TsPort *, n);
    for (guint i = 0; i < n; i++)
        d->ports[i] = ts_component_port_at(self, 0, i);
    ts_dram_set_done_hook(d->dram, driver_done, d);
    driver_wake_at(d, d->cur.cycle);
}

static void driver_destroy(TsComponent *self)
{
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, self);
    g_free(d->ports);
    g_free(d->sent_tick);
    g_clear_error(&d->error);
    if (d->owns_reader)
        ts_dram_trace_reader_free(d->reader);
}

static const TsComponentKind driver_kind = {
    .name = "dram_trace_driver",
    .description = "replays a DRAMsim3 trace as DRAMsim3's trace CPU",
    .instance_size = sizeof(Driver),
    .ports = driver_ports,
    .n_ports = G_N_ELEMENTS(driver_ports),
    .spec_type = "DriverSpec",
    .init = driver_init,
    .setup = driver_setup,
    .handle = driver_handle,
    .destroy = driver_destroy,
    .credit = driver_credit,
};

static TsSim *sim_new(const TsDramSpec *spec, TsDramTraceReader *reader, gboolean owns,
                      gboolean *taken, gboolean check, gboolean stop_when_done,
                      TsComponent **dram_out, GError **error)
{
    g_autoptr(TsSim) sim = ts_sim_new();
    g_autoptr(TsParams) p = ts_params_new();
    ts_params_set_bool(p, "check", check);
    TsComponent *dram =
        ts_sim_add_component_typed(sim, &ts_dram_kind, "dram", TS_SPEC(TsDramSpec, spec), p, error);
    if (dram == NULL)
        return NULL;
    DriverSpec ds = {reader, dram, stop_when_done, owns ? taken : NULL};
    TsComponent *drv =
        ts_sim_add_component_typed(sim, &driver_kind, "cpu", TS_SPEC(DriverSpec, &ds), NULL, error);
    if (drv == NULL)
        return NULL;
    const TsLinkSpec wire = {0, 0};
    for (guint u = 0; u < ts_dram_n_units(dram); u++) {
        char a[32], b[32];
        g_snprintf(a, sizeof a, "mem[%u]", u);
        g_snprintf(b, sizeof b, "req[%u]", u);
        if (!ts_sim_connect(sim, drv, a, dram, b, &wire, error))
            return NULL;
    }
    if (!ts_sim_build(sim, error))
        return NULL;
    /* Pending events stay few (wake-ups, credits, responses in flight): one chunk. */
    ts_sim_reserve_events(sim, 4096);
    *dram_out = dram;
    return g_steal_pointer(&sim);
}

TsSim *ts_dram_trace_sim_new(const TsDramSpec *spec, const TsDramTrace *trace, gboolean check,
                             gboolean stop_when_done, TsComponent **dram_out, GError **error)
{
    g_return_val_if_fail(spec != NULL && trace != NULL && trace->n > 0, NULL);
    TsDramTraceReader *r = ts_dram_trace_reader_new_for_trace(trace);
    gboolean taken = FALSE; /* the driver frees the reader once its init has run */
    TsSim *sim = sim_new(spec, r, TRUE, &taken, check, stop_when_done, dram_out, error);
    if (!taken)
        ts_dram_trace_reader_free(r);
    return sim;
}

TsSim *ts_dram_trace_sim_new_reader(const TsDramSpec *spec, TsDramTraceReader *reader,
                                    gboolean check, gboolean stop_when_done, TsComponent **dram_out,
                                    GError **error)
{
    g_return_val_if_fail(spec != NULL && reader != NULL, NULL);
    return sim_new(spec, reader, FALSE, NULL, check, stop_when_done, dram_out, error);
}

/* A run that failed with `local`: an error of the trace's text, read to its end, comes first,
 * as a whole-trace load reports it before any run; then a request cycle past simulated time
 * (once the driver knows the clock); then `local`. */
static gboolean run_fail(TsDramTraceReader *reader, Driver *d, GError *local, GError **error)
{
    GError *first = NULL;
    if (d != NULL ? !driver_check_rest(d, &first) : !ts_dram_trace_reader_finish(reader, &first)) {
        g_error_free(local);
        if (ts_dram_trace_reader_error(reader) == NULL)
            g_prefix_error(&first, "%s: ", d->base.path);
        g_propagate_error(error, first);
    } else {
        g_propagate_error(error, local);
    }
    return FALSE;
}

gboolean ts_dram_trace_run(const TsDramSpec *spec, const TsDramTrace *trace, guint64 cycles,
                           gboolean check, TsDramTraceResult *res, GError **error)
{
    g_return_val_if_fail(spec != NULL && trace != NULL && res != NULL, FALSE);
    g_autoptr(TsDramTraceReader) r = ts_dram_trace_reader_new_for_trace(trace);
    return ts_dram_trace_run_reader(spec, r, cycles, check, res, error);
}

gboolean ts_dram_trace_run_reader(const TsDramSpec *spec, TsDramTraceReader *reader, guint64 cycles,
                                  gboolean check, TsDramTraceResult *res, GError **error)
{
    g_return_val_if_fail(spec != NULL && reader != NULL && res != NULL, FALSE);
    memset(res, 0, sizeof *res);
    TsComponent *dram = NULL;
    GError *local = NULL;
    g_autoptr(TsSim) sim =
        ts_dram_trace_sim_new_reader(spec, reader, check, cycles == 0, &dram, &local);
    if (sim == NULL)
        return run_fail(reader, NULL, local, error);
    TsComponent *drv = ts_sim_find_component(sim, "cpu");
    Driver *d = TS_COMPONENT_DOWNCAST(Driver, drv);
    gint64 t0 = g_get_monotonic_time();
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    if (cycles > 0) {
        TsTick end = ts_clock_cycles_to_ticks(&dram->clock, cycles);
        if (end == TS_TICK_NEVER) {
            g_set_error(&local, TS_CORE_ERROR, TS_CORE_ERROR_OVERFLOW,
                        "a window of %" G_GUINT64_FORMAT
                        " cycles overflows simulated time (2^64 ps) at this clock: at most "
                        "%" G_GUINT64_FORMAT,
                        cycles, ts_clock_ticks_to_cycles(&dram->clock, TS_TICK_NEVER - 1));
            return run_fail(reader, d, local, error);
        }
        /* The mark keeps simulated time moving to the window's end even when every event
         * before it has run (a run without refresh can go quiet). */
        ts_sim_schedule(sim, ts_sim_event_new(sim, drv, DRIVER_MARK), end);
        ts_sim_run_until(sim, end);
    } else {
        ts_sim_run(sim);
        if (d->error == NULL) {
            /* Stopped at the last response's delivery: the window ends right after it. */
            guint64 last = ts_clock_ticks_to_cycles(&dram->clock, d->last_response);
            TsTick end = ts_clock_cycles_to_ticks(&dram->clock, last + 1);
            ts_sim_schedule(sim, ts_sim_event_new(sim, drv, DRIVER_MARK), end);
            ts_sim_run_until(sim, end);
        }
    }
    res->wall_seconds = (double)(g_get_monotonic_time() - t0) / 1e6;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    res->cpu_seconds = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    /* The rest of the trace after a window (and its end after a complete run): every line is
     * checked and counted, and a request cycle past simulated time is refused, wherever. */
    if (d->error == NULL)
        driver_check_rest(d, &d->error);
    if (d->error != NULL) {
        GError *e = g_steal_pointer(&d->error);
        if (ts_dram_trace_reader_error(reader) == NULL)
            g_prefix_error(&e, "%s: ", drv->path);
        g_propagate_error(error, e);
        return FALSE;
    }
    res->events = ts_sim_events_processed(sim);
    ts_dram_get_stats(dram, &res->stats);
    res->cycles = res->stats.cycles;
    res->requests_sent = driver_sent_before(TS_COMPONENT_DOWNCAST(Driver, drv), ts_sim_now(sim));
    res->tck_ps = (double)spec->tck_num_ps / (double)spec->tck_den;
    double bytes = (double)(res->stats.reads_done + res->stats.writes_done) *
                   (double)ts_dram_burst_bytes(dram);
    res->bw_gbps = res->cycles ? bytes / ((double)res->cycles * res->tck_ps * 1e-3) : 0.0;
    res->avg_read_latency_cycles =
        res->stats.reads_done ? (double)res->stats.read_latency_sum / (double)res->stats.reads_done
                              : 0.0;
    guint64 col = res->stats.read_cmds + res->stats.write_cmds;
    res->row_hit_rate =
        col ? (double)(res->stats.read_row_hits + res->stats.write_row_hits) / (double)col : 0.0;
    /* No ts_sim_finish: the sim is freed here, so the statistics its finish hooks would add
     * (the dram's counters, from a second pass over its latency histograms) have no reader. */
    return TRUE;
}
