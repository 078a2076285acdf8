/* The executor's timeline as a Chrome trace-event JSON file (the format the Perfetto UI and
 * chrome://tracing load): one process, a track (thread) per simulated component named after
 * its architecture level and kind, plus an "ops" track; every request a job made is a complete
 * slice ("ph":"X") on its component's track from when it was sent to when it was answered
 * (fills, write-backs, compute steps, elementwise chunks), each op instance a slice on "ops",
 * and counters ("ph":"C") of the executor's transfers in flight. Timestamps are microseconds
 * (the format's unit) from simulated picoseconds.
 *
 * Bounded: with a bound of B events, the first B/2 events are written in full, then every 2nd
 * of the next B/4, every 4th of the next B/8, and so on, so the file never holds more than B
 * events; the sampling is stated in "otherData" and in the note the executor returns (the CLI
 * prints it on stderr).
 *
 * The file is written to a temporary file beside the path and renamed over it once complete,
 * so a failed run never leaves a truncated trace or destroys an existing file. */
#include "ts-exec-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

gboolean ts_exec_trace_open(Exec *x, const char *path, uint64_t max_events, GError **error)
{
    Trace *t = &x->trace;
    memset(t, 0, sizeof *t);
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(tmpl, O_WRONLY, 0644);
    t->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (t->f == NULL) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            g_unlink(tmpl);
        }
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "--trace %s: %s", path,
                    g_strerror(e));
        return FALSE;
    }
    t->path = g_strdup(path);
    t->tmp_path = g_steal_pointer(&tmpl);
    t->max_events = MAX(max_events, 16);
    t->stride = 1;
    t->segment_end = t->max_events / 2;
    x->tracing = TRUE;
    fprintf(t->f, "{\"traceEvents\":[\n");
    fprintf(t->f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":");
    g_autofree char *pname = g_strdup_printf("tilesim DES: %s", ts_arch_name(x->arch));
    json_str(t->f, pname);
    fprintf(t->f, "}}");
    fprintf(t->f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{"
                  "\"name\":\"ops\"}}");
    for (guint i = 0; i < x->n_units; i++) {
        const Unit *u = &x->unit[i];
        g_autofree char *n = g_strdup_printf(
            "%s (%s)", ts_arch_level(x->arch, (guint)u->level)->name, u->comp->kind->name);
        fprintf(t->f,
                ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"args\":{"
                "\"name\":",
                i + 1);
        json_str(t->f, n);
        fprintf(t->f, "}}");
        if (i < TS_EXEC_MAX_UNITS)
            t->queue_name[i] = g_strdup_printf("queue %s", n);
        fprintf(t->f,
                ",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%u,"
                "\"args\":{\"sort_index\":%u}}",
                i + 1, i + 1);
    }
    return TRUE;
}

/* Whether the next event is written (the bound's sampling); counts it either way. */
static gboolean admit(Trace *t)
{
    t->seen++;
    if (t->seen % t->stride != 0) {
        t->dropped++;
        return FALSE;
    }
    if (t->events >= t->max_events) {
        t->dropped++;
        return FALSE;
    }
    t->events++;
    if (t->events >= t->segment_end && t->events < t->max_events) {
        /* halve the rate for the next half of what is left */
        t->stride *= 2;
        t->segment_end += MAX((t->max_events - t->segment_end) / 2, 1);
    }
    return TRUE;
}

void ts_exec_trace_slice(Exec *x, guint track, const char *name, const char *cat, TsTick start,
                         TsTick end, const char *args_json)
{
    Trace *t = &x->trace;
    if (!x->tracing || !admit(t))
        return;
    fprintf(t->f, ",\n{\"name\":");
    json_str(t->f, name);
    fprintf(t->f, ",\"cat\":\"%s\",\"ph\":\"X\",\"ts\":%.6f,\"dur\":%.6f,\"pid\":1,\"tid\":%u", cat,
            (double)start / 1e6, (double)(end - start) / 1e6, track);
    if (args_json)
        fprintf(t->f, ",\"args\":%s", args_json);
    fputc('}', t->f);
}

void ts_exec_trace_counter(Exec *x, const char *name, TsTick at, double value)
{
    Trace *t = &x->trace;
    if (!x->tracing || !admit(t))
        return;
    fprintf(t->f, ",\n{\"name\":");
    json_str(t->f, name);
    fprintf(t->f, ",\"ph\":\"C\",\"ts\":%.6f,\"pid\":1,\"args\":{\"value\":%.6g}}",
            (double)at / 1e6, value);
}

static const char *job_name(guint kind)
{
    switch (kind) {
    case JOB_FILL:
        return "fill";
    case JOB_WRITEBACK:
        return "write-back";
    case JOB_STEP:
        return "step";
    case JOB_EW_READ:
        return "read";
    case JOB_EW_COMPUTE:
        return "compute";
    case JOB_LUT_SEARCH:
        return "centroid search";
    case JOB_LUT_SCATTER:
        return "scatter";
    case JOB_LUT_KERNEL:
        return "LUT kernel";
    case JOB_LUT_GATHER:
        return "gather";
    default:
        return "write";
    }
}

void ts_exec_trace_job(Exec *x, const OpCtx *c, const Job *j)
{
    if (!x->tracing)
        return;
    const char *what = job_name(j->kind);
    const char *tensor =
        j->kind == JOB_FILL || j->kind == JOB_WRITEBACK ? c->op->tensors[j->tensor].name : NULL;
    for (guint i = 0; i < j->n_parts; i++) {
        const Part *p = &j->part[i];
        if (p->done_tick <= p->sent_tick && p->bytes == 0 && p->op != PART_COMPUTE)
            continue;
        char name[160];
        if (tensor != NULL)
            g_snprintf(name, sizeof name, "%s %s v%" G_GUINT64_FORMAT " (%s)", what, tensor,
                       j->version, p->op == TS_MEM_WRITE ? "write" : "read");
        else if (p->op == PART_COMPUTE)
            g_snprintf(name, sizeof name, "%s %s %" G_GUINT64_FORMAT, c->op->name, what, j->step);
        else
            g_snprintf(name, sizeof name, "%s %s %" G_GUINT64_FORMAT " (%s)", c->op->name, what,
                       j->step, p->op == TS_MEM_WRITE ? "write" : "read");
        char args[200];
        g_snprintf(args, sizeof args,
                   "{\"op\":\"%s\",\"instance\":%" G_GUINT64_FORMAT ",\"bytes\":%" G_GUINT64_FORMAT
                   ",\"work\":%" G_GUINT64_FORMAT "}",
                   c->op->name ? c->op->name : "?", c->instance, p->bytes,
                   p->op == PART_COMPUTE ? p->work : 0);
        ts_exec_trace_slice(x, p->unit + 1u, name, what, p->sent_tick, p->done_tick, args);
    }
    guint inflight = 0;
    for (guint i = 0; i < x->n_jobs; i++)
        inflight += x->jobs[i].in_use;
    ts_exec_trace_counter(x, "jobs in flight", j->end, (double)(inflight - 1));
    /* requests waiting for each unit's credits, or a DRAM's streams with bursts to send */
    guint32 seen = 0;
    for (guint i = 0; i < j->n_parts; i++) {
        const guint ui = j->part[i].unit;
        if (ui >= TS_EXEC_MAX_UNITS || (seen >> ui & 1u) || x->trace.queue_name[ui] == NULL)
            continue;
        seen |= 1u << ui;
        const Unit *u = &x->unit[ui];
        guint depth = u->wait_len;
        for (int s = u->s_head; s >= 0; s = x->stream_next[s])
            depth++;
        ts_exec_trace_counter(x, x->trace.queue_name[ui], j->end, (double)depth);
    }
}

void ts_exec_trace_op(Exec *x, const OpCtx *c)
{
    if (!x->tracing)
        return;
    char name[128], args[128];
    g_snprintf(name, sizeof name, "%s #%" G_GUINT64_FORMAT, c->op->name ? c->op->name : "?",
               c->instance);
    g_snprintf(args, sizeof args, "{\"einsum\":%s,\"depth\":%u,\"steps\":%" G_GUINT64_FORMAT "}",
               c->einsum ? "true" : "false", c->depth, c->n_steps);
    ts_exec_trace_slice(x, 0, name, "op", c->start_tick, c->end_tick, args);
}

char *ts_exec_trace_close(Exec *x, gboolean keep, GError **error)
{
    Trace *t = &x->trace;
    x->tracing = FALSE;
    for (guint i = 0; i < TS_EXEC_MAX_UNITS; i++)
        g_clear_pointer(&t->queue_name[i], g_free);
    if (!keep) {
        fclose(t->f);
        t->f = NULL;
        g_unlink(t->tmp_path);
        g_clear_pointer(&t->tmp_path, g_free);
        g_clear_pointer(&t->path, g_free);
        return NULL;
    }
    g_autofree char *note =
        t->dropped == 0
            ? g_strdup_printf("%s: %" G_GUINT64_FORMAT " events (bound %" G_GUINT64_FORMAT
                              ", none dropped)",
                              t->path, t->events, t->max_events)
            : g_strdup_printf("%s: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                              " events written (bound %" G_GUINT64_FORMAT
                              "): the first half of the bound in full, then every 2nd, 4th, ... "
                              "event (final stride %" G_GUINT64_FORMAT ")",
                              t->path, t->events, t->seen, t->max_events, t->stride);
    fprintf(t->f, "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":{\"tool\":\"tilesim\","
                  "\"engine\":\"des\",\"arch\":");
    json_str(t->f, ts_arch_name(x->arch));
    fprintf(t->f,
            ",\"max_events\":%" G_GUINT64_FORMAT ",\"events_written\":%" G_GUINT64_FORMAT
            ",\"events_dropped\":%" G_GUINT64_FORMAT ",\"sampling_stride\":%" G_GUINT64_FORMAT
            ",\"note\":",
            t->max_events, t->events, t->dropped, t->stride);
    json_str(t->f, note);
    fprintf(t->f, "}}\n");
    gboolean ok = fflush(t->f) == 0 && !ferror(t->f);
    int e = errno;
    ok = fclose(t->f) == 0 && ok;
    t->f = NULL;
    if (ok && g_rename(t->tmp_path, t->path) != 0) {
        e = errno;
        ok = FALSE;
    }
    if (!ok)
        g_unlink(t->tmp_path);
    g_clear_pointer(&t->tmp_path, g_free);
    if (!ok) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "--trace %s: %s", t->path,
                    g_strerror(e));
        g_free(t->path);
        return NULL;
    }
    g_free(t->path);
    return g_steal_pointer(&note);
}
