/* Running a sweep: rank 0 owns the database and hands out pending points one at a time, in
 * ascending order, to its own thread pool and to the worker ranks as they ask (dynamic
 * distribution); each completed point is stored in its own transaction as it arrives. Rows do
 * not depend on which thread or rank computed them, so 1 or 2 threads and 1 or 3 ranks give
 * identical databases. When fewer points remain than threads, each point's searches use the
 * spare threads (the search's result does not depend on its thread count). Progress on stderr
 * through ts-progress.h: a bar on a terminal, a line every 10 s otherwise. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-progress.h"
#include "ts-sweep-db-private.h"
#include "ts-sweep-private.h"

enum { TAG_READY = 1, TAG_WORK, TAG_STOP, TAG_RESULT, TAG_ERROR, TAG_DONE };

/* Bytes of searched sub-problems a process keeps (ts_sweep_cache_new). */
#define CACHE_BYTES ((gsize)256 << 20)

typedef struct {
    guint point;
    guint threads;
} Task;

typedef struct {
    TsSweepResult result;
    GError *error;
} Outcome;

typedef struct {
    const TsSweep *sweep;
    const TsSweepEngine *engine;
    TsSweepCache *cache;
    GAsyncQueue *done; /* Outcome* */
    GThreadPool *pool;
    guint threads;
} Workers;

static void outcome_free(Outcome *o)
{
    ts_sweep_result_clear(&o->result);
    g_clear_error(&o->error);
    g_free(o);
}

static void work(gpointer data, gpointer user)
{
    Task *t = data;
    Workers *w = user;
    Outcome *o = g_new0(Outcome, 1);
    gint64 t0 = g_get_monotonic_time();
    TsSweepEvalContext ctx = {t->threads, w->cache};
    if (!w->engine->evaluate(w->sweep, t->point, &ctx, &o->result, &o->error) && o->error == NULL)
        g_set_error(&o->error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "point %u: the engine failed without a message", t->point);
    o->result.point = t->point;
    o->result.seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    o->result.rank = ts_sweep_mpi_rank();
    g_async_queue_push(w->done, o);
    g_free(t);
}

/* Search threads of a point when `remaining` points (this one included) are left to hand out:
 * one while there are enough points for every thread, then the spare threads. */
static guint point_threads(guint threads, guint remaining)
{
    return remaining >= threads ? 1 : MAX(1u, threads / MAX(remaining, 1u));
}

static gboolean workers_start(Workers *w, const TsSweep *sweep, const TsSweepRunOptions *o,
                              guint threads, GError **error)
{
    memset(w, 0, sizeof *w);
    w->sweep = sweep;
    w->engine = o->engine;
    w->threads = threads;
    w->cache = o->cache ? ts_sweep_cache_new(CACHE_BYTES) : NULL;
    w->done = g_async_queue_new_full((GDestroyNotify)outcome_free);
    w->pool = g_thread_pool_new(work, w, (gint)threads, FALSE, error);
    return w->pool != NULL;
}

static void workers_push(Workers *w, guint point, guint remaining)
{
    Task *t = g_new0(Task, 1);
    t->point = point;
    t->threads = point_threads(w->threads, remaining);
    g_thread_pool_push(w->pool, t, NULL);
}

static void workers_stop(Workers *w)
{
    if (w->pool)
        g_thread_pool_free(w->pool, FALSE, TRUE);
    if (w->done)
        g_async_queue_unref(w->done);
    ts_sweep_cache_free(w->cache);
    memset(w, 0, sizeof *w);
}

/* ---- Progress ----------------------------------------------------------------------------- */

typedef struct {
    TsProgress *line; /* the shared progress line (ts-progress.h) */
    guint todo, done, total, before;
    guint invalid, unmapped;
    TsSweepObjective rank;
    double best;
    gint64 best_point;
} Progress;

static void progress_show(Progress *p, gboolean final)
{
    if (p->line == NULL)
        return;
    double secs = ts_progress_elapsed_s(p->line);
    char best[128] = "";
    if (p->best_point >= 0)
        g_snprintf(best, sizeof best, "best %s %.4g %s (point %" G_GINT64_FORMAT ")",
                   ts_sweep_objective_name(p->rank), p->best, ts_sweep_objective_unit(p->rank),
                   p->best_point);
    char bad[64] = "";
    if (p->invalid || p->unmapped)
        g_snprintf(bad, sizeof bad, "%u invalid, %u unmapped", p->invalid, p->unmapped);
    guint shown = p->before + p->done;
    /* The share and ETA count this run's points (a resumed run starts past the others). */
    TsProgressLine l = {.fraction = p->todo ? (double)p->done / p->todo : NAN,
                        .share = "of this run",
                        .done = shown,
                        .total = p->total,
                        .unit = "points",
                        .rate = secs > 0 ? p->done / secs : NAN,
                        .best = p->best_point >= 0 ? best : NULL,
                        .extra = bad[0] ? bad : NULL};
    ts_progress_show(p->line, &l, final);
    if (final)
        ts_progress_finish(p->line, TRUE);
}

static void progress_add(Progress *p, const TsSweepResult *r)
{
    p->done++;
    p->invalid += r->status == TS_SWEEP_INVALID;
    p->unmapped += r->status == TS_SWEEP_UNMAPPED;
    double v = ts_sweep_result_objective(r, p->rank);
    if (isfinite(v) &&
        (p->best_point < 0 || v < p->best || (v == p->best && (gint64)r->point < p->best_point))) {
        p->best = v;
        p->best_point = r->point;
    }
}

/* Best value among points finished by earlier runs. */
static void progress_prior_best(Progress *p, TsSweepDb *db)
{
    static const char *const cols[TS_SWEEP_OBJ_COUNT_] = {
        [TS_SWEEP_OBJ_ENERGY] = "energy_pj",      [TS_SWEEP_OBJ_LATENCY] = "latency_s",
        [TS_SWEEP_OBJ_CYCLES] = "cycles",         [TS_SWEEP_OBJ_EDP] = "edp_j_cycles",
        [TS_SWEEP_OBJ_AREA] = "area_um2",         [TS_SWEEP_OBJ_DES_LATENCY] = "des_latency_s",
        [TS_SWEEP_OBJ_DES_CYCLES] = "des_cycles",
    };
    g_autofree char *sql = g_strdup_printf("SELECT id, %s FROM points WHERE status = 'ok' AND %s "
                                           "IS NOT NULL ORDER BY %s, id LIMIT 1;",
                                           cols[p->rank], cols[p->rank], cols[p->rank]);
    sqlite3_stmt *st = ts_sweep_db_prepare(db, sql, NULL);
    if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
        p->best_point = sqlite3_column_int64(st, 0);
        p->best = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
}

/* ---- Rank 0 ------------------------------------------------------------------------------- */

typedef struct {
    TsSweepDb *db;
    gint64 run_id;
    GArray *pending;
    guint todo, cursor;
    Workers w;
    guint local_in_flight;
    GError *fail;
    gboolean db_failed; /* stop storing: the database refused a write */
    Progress progress;
    TsSweepRunStats *stats;
} Coordinator;

static void fail_once(Coordinator *c, GError *error)
{
    if (c->fail == NULL)
        c->fail = error;
    else
        g_error_free(error);
}

static void store(Coordinator *c, const TsSweepResult *r)
{
    if (c->db_failed)
        return;
    GError *error = NULL;
    if (!ts_sweep_db_store(c->db, c->run_id, r, &error)) {
        c->db_failed = TRUE;
        fail_once(c, error);
        return;
    }
    c->stats->done_now++;
    c->stats->ok += r->status == TS_SWEEP_OK;
    c->stats->invalid += r->status == TS_SWEEP_INVALID;
    c->stats->unmapped += r->status == TS_SWEEP_UNMAPPED;
    c->stats->cache_hits += r->cache_hits;
    progress_add(&c->progress, r);
    progress_show(&c->progress, FALSE);
}

/* Answers one request of a worker rank: the next point, or stop. */
static void reply(Coordinator *c, int rank)
{
    if (c->fail == NULL && c->cursor < c->todo) {
        guint32 msg[2] = {g_array_index(c->pending, guint, c->cursor), c->todo - c->cursor};
        c->cursor++;
        ts_sweep_mpi_send(rank, TAG_WORK, msg, sizeof msg);
    } else {
        ts_sweep_mpi_send(rank, TAG_STOP, NULL, 0);
    }
}

static gboolean open_db(const TsSweep *sweep, const TsSweepRunOptions *o, TsSweepDb **out,
                        GError **error)
{
    if (g_mkdir_with_parents(o->out_dir, 0755) != 0) {
        int e = errno;
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: cannot create: %s", o->out_dir,
                    g_strerror(e));
        return FALSE;
    }
    g_autofree char *path = g_build_filename(o->out_dir, "sweep.db", NULL);
    if (o->resume && g_file_test(path, G_FILE_TEST_EXISTS)) {
        *out = ts_sweep_db_open(path, TRUE, error);
        if (*out != NULL && !ts_sweep_db_prepare_resume(*out, sweep, error))
            g_clear_pointer(out, ts_sweep_db_close);
    } else {
        *out = ts_sweep_db_create(path, sweep, error);
    }
    return *out != NULL;
}

static gboolean coordinate(const TsSweep *sweep, const TsSweepRunOptions *o, TsSweepDb *db,
                           guint threads, TsSweepRunStats *stats, GError **error)
{
    Coordinator c = {0};
    c.db = db;
    c.stats = stats;
    stats->total = ts_sweep_n_points(sweep);
    /* A failure here still runs the loop below with nothing to hand out, so that the worker
     * ranks get their stop and nobody waits forever. */
    TsSweepRunInfo info = {ts_sweep_mpi_size(), threads, o->engine->name};
    GError *setup = NULL;
    c.pending = ts_sweep_db_pending(db, &setup);
    if (c.pending != NULL)
        c.run_id = ts_sweep_db_begin_run(db, &info, &setup);
    if (setup == NULL)
        workers_start(&c.w, sweep, o, threads, &setup);
    if (setup != NULL) {
        fail_once(&c, setup);
        c.db_failed = TRUE;
    }
    if (c.pending == NULL)
        c.pending = g_array_new(FALSE, FALSE, sizeof(guint));
    stats->done_before = c.fail ? 0 : stats->total - c.pending->len;
    c.todo = c.fail ? 0 : o->max_points ? MIN(o->max_points, c.pending->len) : c.pending->len;
    c.progress = (Progress){.line = ts_progress_new("tilesim sweep", o->progress),
                            .todo = c.todo,
                            .total = stats->total,
                            .before = stats->done_before,
                            .rank = sweep->rank,
                            .best_point = -1};
    progress_prior_best(&c.progress, db);
    int n_workers = ts_sweep_mpi_size() - 1, workers_done = 0;
    gint64 t0 = g_get_monotonic_time();
    for (;;) {
        while (c.fail == NULL && c.local_in_flight < threads && c.cursor < c.todo) {
            workers_push(&c.w, g_array_index(c.pending, guint, c.cursor), c.todo - c.cursor);
            c.cursor++;
            c.local_in_flight++;
        }
        if (c.local_in_flight == 0 && workers_done == n_workers &&
            (c.cursor == c.todo || c.fail != NULL))
            break;
        Outcome *out = NULL;
        if (c.w.done != NULL)
            out = g_async_queue_timeout_pop(c.w.done, n_workers > 0 ? 1000 : 200000);
        else
            g_usleep(1000);
        if (out != NULL) {
            c.local_in_flight--;
            if (out->error != NULL)
                fail_once(&c, g_steal_pointer(&out->error));
            else
                store(&c, &out->result);
            outcome_free(out);
        }
        int src = 0, tag = 0;
        GBytes *bytes = NULL;
        while (ts_sweep_mpi_poll(&src, &tag, &bytes)) {
            if (tag == TAG_RESULT) {
                TsSweepResult r;
                GError *e = NULL;
                if (ts_sweep_result_deserialize(bytes, &r, &e))
                    store(&c, &r);
                else
                    fail_once(&c, e);
                ts_sweep_result_clear(&r);
                reply(&c, src);
            } else if (tag == TAG_ERROR) {
                gsize n = 0;
                const char *msg = g_bytes_get_data(bytes, &n);
                fail_once(&c, g_error_new(TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID, "rank %d: %.*s",
                                          src, (int)n, msg));
                reply(&c, src);
            } else if (tag == TAG_READY) {
                reply(&c, src);
            } else if (tag == TAG_DONE) {
                workers_done++;
            }
            g_bytes_unref(bytes);
        }
        progress_show(&c.progress, FALSE);
    }
    progress_show(&c.progress, TRUE);
    ts_progress_free(c.progress.line);
    stats->seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    if (c.w.cache)
        ts_sweep_cache_stats(c.w.cache, &stats->cache_lookups, NULL, NULL, NULL);
    workers_stop(&c.w);
    g_array_unref(c.pending);
    GError *end = NULL;
    if (c.run_id > 0 && !ts_sweep_db_end_run(db, c.run_id, stats->done_now, stats->cache_hits,
                                             stats->seconds, &end))
        fail_once(&c, end);
    if (c.fail != NULL) {
        g_propagate_error(error, c.fail);
        return FALSE;
    }
    return TRUE;
}

/* ---- Worker ranks ------------------------------------------------------------------------- */

static gboolean serve(const TsSweep *sweep, const TsSweepRunOptions *o, guint threads,
                      TsSweepRunStats *stats, GError **error)
{
    Workers w;
    if (!workers_start(&w, sweep, o, threads, error)) {
        workers_stop(&w);
        ts_sweep_mpi_send(0, TAG_DONE, NULL, 0); /* rank 0 must not wait for this rank */
        return FALSE;
    }
    guint outstanding = 0, in_flight = 0;
    for (guint i = 0; i < threads; i++, outstanding++)
        ts_sweep_mpi_send(0, TAG_READY, NULL, 0);
    gint64 t0 = g_get_monotonic_time();
    while (outstanding > 0 || in_flight > 0) {
        int src = 0, tag = 0;
        GBytes *bytes = NULL;
        while (ts_sweep_mpi_poll(&src, &tag, &bytes)) {
            if (tag == TAG_WORK && g_bytes_get_size(bytes) == 2 * sizeof(guint32)) {
                const guint32 *msg = g_bytes_get_data(bytes, NULL);
                workers_push(&w, msg[0], msg[1]);
                in_flight++;
                outstanding--;
            } else if (tag == TAG_STOP) {
                outstanding--;
            }
            g_bytes_unref(bytes);
        }
        Outcome *out = g_async_queue_timeout_pop(w.done, 1000);
        if (out == NULL)
            continue;
        in_flight--;
        if (out->error != NULL) {
            ts_sweep_mpi_send(0, TAG_ERROR, out->error->message, strlen(out->error->message));
        } else {
            GBytes *b = ts_sweep_result_serialize(&out->result);
            gsize n = 0;
            const void *data = g_bytes_get_data(b, &n);
            ts_sweep_mpi_send(0, TAG_RESULT, data, n);
            g_bytes_unref(b);
            stats->done_now++;
            stats->cache_hits += out->result.cache_hits;
        }
        outstanding++; /* a result or an error asks for the next point */
        outcome_free(out);
    }
    ts_sweep_mpi_send(0, TAG_DONE, NULL, 0);
    stats->seconds = (double)(g_get_monotonic_time() - t0) * 1e-6;
    workers_stop(&w);
    return TRUE;
}

gboolean ts_sweep_run(const TsSweep *sweep, const TsSweepRunOptions *o, TsSweepRunStats *stats,
                      GError **error)
{
    g_return_val_if_fail(sweep != NULL && o != NULL && o->out_dir != NULL && o->engine != NULL &&
                             stats != NULL,
                         FALSE);
    memset(stats, 0, sizeof *stats);
    guint threads = o->threads;
    if (threads == 0)
        threads = MAX(1u, g_get_num_processors() / (guint)MAX(ts_sweep_mpi_local_size(), 1));
    stats->threads = threads;
    stats->processes = ts_sweep_mpi_size();
    int rank = ts_sweep_mpi_rank();
    TsSweepDb *db = NULL;
    gboolean ok = rank != 0 || open_db(sweep, o, &db, error);
    if (!ts_sweep_mpi_root_ok(ok)) {
        if (rank != 0)
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO,
                        "rank 0 could not open the results database (its message says why)");
        return FALSE;
    }
    if (rank != 0)
        return serve(sweep, o, threads, stats, error);
    ok = coordinate(sweep, o, db, threads, stats, error);
    ts_sweep_db_close(db);
    return ok;
}
