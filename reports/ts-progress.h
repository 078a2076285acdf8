/* Progress of a long run on stderr, one format for every command (map, simulate, compare,
 * sweep): on a terminal a line redrawn in place (a bar when the share done is known, what is
 * being worked on, the rate, the best so far, elapsed time and an ETA), elsewhere a plain line
 * every 10 s. Nothing appears for a run that ends within its first second, and nothing ever
 * goes to stdout, which may carry JSON or CSV. */
#ifndef TS_PROGRESS_H
#define TS_PROGRESS_H

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

typedef struct TsProgress TsProgress;

/* A snapshot of the run. Unknown figures are NAN (or NULL for text). */
typedef struct {
    const char *what;  /* what is being worked on ("FF1 (op 8/12)"), or NULL */
    double fraction;   /* share done, 0 .. 1 (draws a bar, gives the ETA), or NAN */
    const char *share; /* how the share is measured ("of the space", "of the budget"), or NULL */
    double done;       /* units done ("evaluations", "points"), or NAN */
    double total;      /* units in all (shown as done/total), or NAN */
    const char *unit;  /* unit name, plural */
    double rate;       /* units per second, or NAN */
    const char *best;  /* "best edp 1.2e+02 J x cycles", or NULL */
    const char *extra; /* anything else ("2 invalid"), or NULL */
} TsProgressLine;

/* Fills the share done, the count of evaluations and their rate of a mapping search's progress
 * report (ts-search.h): the share of the space walked for the ordered walks, else of budget
 * (valid evaluations; 0 = unknown share). The other fields are left as they are. */
void ts_progress_search_line(TsProgressLine *line, double space_fraction, guint64 valid,
                             guint64 evaluated, double elapsed_s, guint64 budget);

/* A progress reporter for command (the prefix of plain lines: "tilesim map"). enabled FALSE
 * (--no-progress, a non-zero MPI rank) gives a reporter that prints nothing. On a terminal
 * (stderr is a tty) the line is redrawn at most every 0.2 s, else a plain line is printed at
 * most every 10 s; nothing is printed during the first second. */
TsProgress *ts_progress_new(const char *command, gboolean enabled);
/* As ts_progress_new, writing to out (borrowed, stays open) as a terminal (tty) or not, with
 * the given redraw or line interval and initial quiet period in seconds (tests). */
TsProgress *ts_progress_new_full(const char *command, FILE *out, gboolean tty, double interval_s,
                                 double quiet_s);
void ts_progress_free(TsProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TsProgress, ts_progress_free)

/* Shows line if the interval has passed (force: now, when anything has been shown before or
 * the run is past its first second). Elapsed time is measured from ts_progress_new or the last
 * ts_progress_restart. */
void ts_progress_show(TsProgress *progress, const TsProgressLine *line, gboolean force);

/* Elapsed seconds since ts_progress_new or the last restart. */
double ts_progress_elapsed_s(const TsProgress *progress);
/* Starts timing a new part of the run (the next op): elapsed and ETA restart from 0, the
 * first-second rule does not apply again once something has been shown. */
void ts_progress_restart(TsProgress *progress);

/* Ends the display: on a terminal, with keep the last line stays (a newline), else it is
 * erased. Plain lines need nothing. */
void ts_progress_finish(TsProgress *progress, gboolean keep);

/* TRUE when lines are redrawn on a terminal (FALSE when disabled or stderr is not a tty). */
gboolean ts_progress_is_tty(const TsProgress *progress);

G_END_DECLS

#endif /* TS_PROGRESS_H */
