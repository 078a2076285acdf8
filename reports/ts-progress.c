/* The progress line: formatting of a TsProgressLine and the pacing rules (terminal redraws,
 * periodic plain lines, a quiet first second). */
#include "ts-progress.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#define BAR_WIDTH 24

struct TsProgress {
    char *command;
    FILE *out;           /* NULL: disabled */
    gboolean tty;        /* redraw in place */
    gint64 interval_us;  /* between redraws / lines */
    gint64 quiet_us;     /* nothing before this much time since the start */
    gint64 born, start;  /* creation; start of the current part (restart) */
    gint64 last;         /* last time something was shown; 0 = never */
    gboolean shown;      /* a tty line is on screen */
};

TsProgress *ts_progress_new_full(const char *command, FILE *out, gboolean tty, double interval_s,
                                 double quiet_s)
{
    TsProgress *p = g_new0(TsProgress, 1);
    p->command = g_strdup(command ? command : "tilesim");
    p->out = out;
    p->tty = out != NULL && tty;
    p->interval_us = (gint64)(MAX(interval_s, 0.0) * 1e6);
    p->quiet_us = (gint64)(MAX(quiet_s, 0.0) * 1e6);
    p->born = p->start = g_get_monotonic_time();
    return p;
}

TsProgress *ts_progress_new(const char *command, gboolean enabled)
{
    gboolean tty = isatty(STDERR_FILENO) != 0;
    return ts_progress_new_full(command, enabled ? stderr : NULL, tty, tty ? 0.2 : 10.0, 1.0);
}

void ts_progress_free(TsProgress *progress)
{
    if (progress == NULL)
        return;
    g_free(progress->command);
    g_free(progress);
}

gboolean ts_progress_is_tty(const TsProgress *progress)
{
    return progress != NULL && progress->tty;
}

double ts_progress_elapsed_s(const TsProgress *progress)
{
    g_return_val_if_fail(progress != NULL, 0.0);
    return (double)(g_get_monotonic_time() - progress->start) * 1e-6;
}

void ts_progress_restart(TsProgress *progress)
{
    g_return_if_fail(progress != NULL);
    progress->start = g_get_monotonic_time();
}

/* 1234567 -> "1.23 M"; small numbers as they are. */
static void human(GString *s, double v)
{
    if (!isfinite(v))
        g_string_append(s, "-");
    else if (fabs(v) >= 1e9)
        g_string_append_printf(s, "%.3g G", v / 1e9);
    else if (fabs(v) >= 1e6)
        g_string_append_printf(s, "%.3g M", v / 1e6);
    else if (fabs(v) >= 1e4)
        g_string_append_printf(s, "%.3g k", v / 1e3);
    else if (v == floor(v))
        g_string_append_printf(s, "%.0f", v);
    else
        g_string_append_printf(s, "%.3g", v);
}

static void duration(GString *s, double secs)
{
    if (!isfinite(secs) || secs < 0)
        g_string_append(s, "-");
    else if (secs < 60)
        g_string_append_printf(s, "%.1f s", secs);
    else if (secs < 3600)
        g_string_append_printf(s, "%d min %02d s", (int)(secs / 60), (int)fmod(secs, 60));
    else
        g_string_append_printf(s, "%d h %02d min", (int)(secs / 3600),
                               (int)fmod(secs / 60, 60));
}

static char *format_line(const TsProgress *p, const TsProgressLine *l)
{
    GString *s = g_string_new(NULL);
    double elapsed = ts_progress_elapsed_s(p);
    gboolean share = isfinite(l->fraction);
    double f = share ? CLAMP(l->fraction, 0.0, 1.0) : 0.0;
    if (p->tty && share) {
        guint fill = (guint)(f * BAR_WIDTH + 1e-9);
        g_string_append_c(s, '[');
        for (guint i = 0; i < BAR_WIDTH; i++)
            g_string_append_c(s, i < fill ? '#' : '.');
        g_string_append(s, "] ");
    }
    if (l->what)
        g_string_append_printf(s, "%s: ", l->what);
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    if (share)
        g_ptr_array_add(parts, g_strdup_printf("%.1f%% %s", 100.0 * f,
                                               l->share ? l->share : "done"));
    if (isfinite(l->done)) {
        GString *d = g_string_new(NULL);
        human(d, l->done);
        if (isfinite(l->total)) {
            g_string_append(d, "/");
            human(d, l->total);
        }
        g_string_append_printf(d, " %s", l->unit ? l->unit : "");
        if (isfinite(l->rate)) {
            g_string_append(d, " (");
            human(d, l->rate);
            g_string_append(d, "/s)");
        }
        g_ptr_array_add(parts, g_string_free(d, FALSE));
    }
    if (l->extra)
        g_ptr_array_add(parts, g_strdup(l->extra));
    if (l->best)
        g_ptr_array_add(parts, g_strdup(l->best));
    GString *t = g_string_new(NULL);
    duration(t, elapsed);
    g_string_append(t, " elapsed");
    if (share && f > 0 && f < 1) {
        g_string_append(t, ", ETA ");
        duration(t, elapsed * (1.0 - f) / f);
    }
    g_ptr_array_add(parts, g_string_free(t, FALSE));
    for (guint i = 0; i < parts->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)parts->pdata[i]);
    g_ptr_array_free(parts, TRUE);
    return g_string_free(s, FALSE);
}

void ts_progress_show(TsProgress *progress, const TsProgressLine *line, gboolean force)
{
    g_return_if_fail(progress != NULL && line != NULL);
    TsProgress *p = progress;
    if (p->out == NULL)
        return;
    gint64 now = g_get_monotonic_time();
    if (now - p->born < p->quiet_us && p->last == 0)
        return;
    if (!force && p->last != 0 && now - p->last < p->interval_us)
        return;
    if (!force && p->last == 0 && !p->tty && now - p->born < p->interval_us)
        return; /* plain lines: the first one after one interval */
    g_autofree char *text = format_line(p, line);
    if (p->tty) {
        fprintf(p->out, "\r\033[K%s", text);
        p->shown = TRUE;
    } else {
        fprintf(p->out, "%s: %s\n", p->command, text);
    }
    fflush(p->out);
    p->last = now;
}

void ts_progress_finish(TsProgress *progress, gboolean keep)
{
    if (progress == NULL || progress->out == NULL || !progress->shown)
        return;
    fputs(keep ? "\n" : "\r\033[K", progress->out);
    fflush(progress->out);
    progress->shown = FALSE;
}

void ts_progress_search_line(TsProgressLine *line, double space_fraction, guint64 valid,
                             guint64 evaluated, double elapsed_s, guint64 budget)
{
    g_return_if_fail(line != NULL);
    line->fraction = space_fraction;
    line->share = "of the space";
    if (!(space_fraction >= 0)) {
        line->fraction = budget > 0 ? MIN((double)valid / (double)budget, 1.0) : NAN;
        line->share = "of the budget";
    }
    line->done = (double)evaluated;
    line->total = NAN;
    line->unit = "evaluated";
    line->rate = elapsed_s > 0 ? (double)evaluated / elapsed_s : NAN;
}
