/* The results database of a sweep (schema in docs/sweeps.md): SQLite in WAL mode with full
 * synchronisation, created once with every point pending, then one transaction per completed
 * point, so a run killed at any moment (even while creating the file) resumes with no point
 * lost or stored twice. The inputs, settings and tool version are stored with the results and
 * checked on resume. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "ts-sweep-db-private.h"
#include "ts-sweep-private.h"

/* Version 2 added the discrete-event columns (kDesColumns); a version 1 database is migrated
 * when opened for writing (the columns added, NULL for the points it holds). */
#define SCHEMA_VERSION "2"

/* Columns of the discrete-event engines (des, both), NULL for analytical sweeps. */
static const struct {
    const char *table, *column;
} kDesColumns[] = {
    {"points", "des_cycles REAL"},        {"points", "des_latency_s REAL"},
    {"points", "des_energy_pj REAL"},     {"points", "des_diff REAL"},
    {"points", "des_bound TEXT"},         {"points", "des_not_run TEXT"},
    {"points", "des_events INTEGER"},     {"op_results", "des_cycles REAL"},
    {"op_results", "des_latency_s REAL"}, {"op_results", "des_energy_pj REAL"},
    {"op_results", "des_bound TEXT"},     {"op_results", "des_not_run TEXT"},
    {"point_runs", "des_seconds REAL"},
};

/* ALTER TABLE statements adding the DES columns (newly allocated). */
static char *des_columns_sql(void)
{
    GString *sql = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(kDesColumns); i++)
        g_string_append_printf(sql, "ALTER TABLE %s ADD COLUMN %s;", kDesColumns[i].table,
                               kDesColumns[i].column);
    return g_string_free(sql, FALSE);
}

struct TsSweepDb {
    sqlite3 *db;
    char *path;
    gboolean writable;
};

sqlite3 *ts_sweep_db_handle(TsSweepDb *db)
{
    return db->db;
}

const char *ts_sweep_db_path(TsSweepDb *db)
{
    return db->path;
}

static gboolean fail(TsSweepDb *db, GError **error, const char *what)
{
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: %s: %s", db->path, what,
                sqlite3_errmsg(db->db));
    return FALSE;
}

gboolean ts_sweep_db_exec(TsSweepDb *db, const char *sql, GError **error)
{
    char *msg = NULL;
    if (sqlite3_exec(db->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return TRUE;
    g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: %s (in: %.60s)", db->path,
                msg ? msg : "error", sql);
    sqlite3_free(msg);
    return FALSE;
}

sqlite3_stmt *ts_sweep_db_prepare(TsSweepDb *db, const char *sql, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(db, error, "prepare");
        return NULL;
    }
    return st;
}

static TsSweepDb *open_handle(const char *path, int flags, GError **error)
{
    if (!ts_sweep_sqlite_load(error))
        return NULL;
    TsSweepDb *db = g_new0(TsSweepDb, 1);
    db->path = g_strdup(path);
    db->writable = (flags & SQLITE_OPEN_READWRITE) != 0;
    if (sqlite3_open_v2(path, &db->db, flags, NULL) != SQLITE_OK) {
        fail(db, error, "cannot open");
        ts_sweep_db_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db->db, 10000);
    if (db->writable && !ts_sweep_db_exec(db,
                                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                          "PRAGMA foreign_keys=ON;",
                                          error)) {
        ts_sweep_db_close(db);
        return NULL;
    }
    return db;
}

void ts_sweep_db_close(TsSweepDb *db)
{
    if (db == NULL)
        return;
    if (db->db != NULL) {
        if (db->writable)
            sqlite3_exec(db->db, "PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
        sqlite3_close(db->db);
    }
    g_free(db->path);
    g_free(db);
}

/* ---- Creation ----------------------------------------------------------------------------- */

static gboolean put_meta(TsSweepDb *db, sqlite3_stmt *st, const char *key, const char *value,
                         GError **error)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (value != NULL)
        sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 2);
    if (sqlite3_step(st) != SQLITE_DONE)
        return fail(db, error, "writing meta");
    return TRUE;
}

static void bind_value(sqlite3_stmt *st, int col, const TsSweepValue *v)
{
    if (v->is_number && v->number == floor(v->number) && fabs(v->number) < 9e15)
        sqlite3_bind_int64(st, col, (sqlite3_int64)v->number);
    else if (v->is_number)
        sqlite3_bind_double(st, col, v->number);
    else
        sqlite3_bind_text(st, col, v->text, -1, SQLITE_STATIC);
}

static char *iso_now(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    return g_date_time_format_iso8601(now);
}

/* Creates the schema and the pending points in one transaction. */
static gboolean init_schema(TsSweepDb *db, const TsSweep *sweep, GError **error)
{
    guint np = ts_sweep_n_params(sweep);
    GString *points = g_string_new("CREATE TABLE points (id INTEGER PRIMARY KEY");
    for (guint k = 0; k < np; k++)
        g_string_append_printf(points, ", \"%s\"", ts_sweep_param_name(sweep, k));
    g_string_append(points,
                    ", status TEXT NOT NULL DEFAULT 'pending', reason TEXT, energy_pj REAL, "
                    "cycles REAL, latency_s REAL, macs REAL, utilization REAL, edp_j_cycles REAL, "
                    "pj_per_mac REAL, area_um2 REAL);");
    const char *rest =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE parameters (position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "  kind TEXT NOT NULL, targets TEXT);"
        "CREATE TABLE op_results (point_id INTEGER NOT NULL REFERENCES points(id), "
        "  position INTEGER NOT NULL, op TEXT NOT NULL, count INTEGER NOT NULL, kind TEXT, "
        "  macs INTEGER, energy_pj REAL, cycles REAL, latency_s REAL, utilization REAL, "
        "  edp_j_cycles REAL, bound TEXT, evaluated INTEGER, valid INTEGER, mapping TEXT, "
        "  PRIMARY KEY (point_id, position));"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, "
        "  host TEXT, processes INTEGER, threads INTEGER, engine TEXT, version TEXT, "
        "  points_done INTEGER, cache_hits INTEGER, seconds REAL);"
        "CREATE TABLE point_runs (point_id INTEGER PRIMARY KEY REFERENCES points(id), "
        "  run_id INTEGER REFERENCES runs(id), rank INTEGER, seconds REAL, cache_hits INTEGER);";
    g_autofree char *des = des_columns_sql();
    gboolean ok = ts_sweep_db_exec(db, "BEGIN IMMEDIATE;", error) &&
                  ts_sweep_db_exec(db, points->str, error) && ts_sweep_db_exec(db, rest, error) &&
                  ts_sweep_db_exec(db, des, error);
    g_string_free(points, TRUE);
    if (!ok)
        return FALSE;

    sqlite3_stmt *meta =
        ts_sweep_db_prepare(db, "INSERT INTO meta (key, value) VALUES (?, ?);", error);
    if (meta == NULL)
        return FALSE;
    g_autofree char *created = iso_now();
    g_autofree char *npts = g_strdup_printf("%u", ts_sweep_n_points(sweep));
    ok = put_meta(db, meta, "schema_version", SCHEMA_VERSION, error) &&
         put_meta(db, meta, "tool", "tilesim", error) &&
         put_meta(db, meta, "version", TILESIM_VERSION, error) &&
         put_meta(db, meta, "created", created, error) &&
         put_meta(db, meta, "sweep_name", ts_sweep_name(sweep), error) &&
         put_meta(db, meta, "sweep_file", ts_sweep_path(sweep), error) &&
         put_meta(db, meta, "sweep_text", ts_sweep_text(sweep), error) &&
         put_meta(db, meta, "points_text", ts_sweep_points_text(sweep), error) &&
         put_meta(db, meta, "settings", ts_sweep_settings_json(sweep), error) &&
         put_meta(db, meta, "engine", ts_sweep_engine_name(sweep), error) &&
         put_meta(db, meta, "n_points", npts, error);
    for (guint i = 0; ok && i < ts_sweep_n_inputs(sweep); i++) {
        const char *label, *path, *sha;
        ts_sweep_input(sweep, i, &label, &path, &sha);
        g_autofree char *k1 = g_strdup_printf("input.%u.%s", i, label);
        g_autofree char *k2 = g_strdup_printf("input.%u.path", i);
        ok = put_meta(db, meta, k1, sha, error) && put_meta(db, meta, k2, path, error);
    }
    sqlite3_finalize(meta);

    sqlite3_stmt *par = ts_sweep_db_prepare(
        db, "INSERT INTO parameters (position, name, kind, targets) VALUES (?, ?, ?, ?);", error);
    for (guint k = 0; ok && par && k < np; k++) {
        sqlite3_reset(par);
        sqlite3_bind_int(par, 1, (int)k);
        sqlite3_bind_text(par, 2, ts_sweep_param_name(sweep, k), -1, SQLITE_STATIC);
        sqlite3_bind_text(par, 3, ts_sweep_param_kind(sweep, k), -1, SQLITE_STATIC);
        sqlite3_bind_text(par, 4, ts_sweep_param_targets(sweep, k), -1, SQLITE_STATIC);
        ok = sqlite3_step(par) == SQLITE_DONE || fail(db, error, "writing parameters");
    }
    sqlite3_finalize(par);
    ok = ok && par != NULL;

    GString *ins = g_string_new("INSERT INTO points (id");
    for (guint k = 0; k < np; k++)
        g_string_append_printf(ins, ", \"%s\"", ts_sweep_param_name(sweep, k));
    g_string_append(ins, ") VALUES (?");
    for (guint k = 0; k < np; k++)
        g_string_append(ins, ", ?");
    g_string_append(ins, ");");
    sqlite3_stmt *pt = ok ? ts_sweep_db_prepare(db, ins->str, error) : NULL;
    g_string_free(ins, TRUE);
    for (guint i = 0; ok && pt && i < ts_sweep_n_points(sweep); i++) {
        sqlite3_reset(pt);
        sqlite3_bind_int64(pt, 1, i);
        for (guint k = 0; k < np; k++)
            bind_value(pt, (int)k + 2, ts_sweep_value(sweep, i, k));
        ok = sqlite3_step(pt) == SQLITE_DONE || fail(db, error, "writing points");
    }
    sqlite3_finalize(pt);
    ok = ok && pt != NULL;
    if (!ok) {
        sqlite3_exec(db->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    return ts_sweep_db_exec(db, "COMMIT;", error);
}

/* TRUE when the file holds no table yet (created, then killed before its first commit). */
static gboolean is_empty(TsSweepDb *db, gboolean *empty, GError **error)
{
    sqlite3_stmt *st =
        ts_sweep_db_prepare(db, "SELECT count(*) FROM sqlite_master WHERE type='table';", error);
    if (st == NULL)
        return FALSE;
    gboolean ok = sqlite3_step(st) == SQLITE_ROW;
    *empty = ok && sqlite3_column_int(st, 0) == 0;
    sqlite3_finalize(st);
    return ok || fail(db, error, "reading the schema");
}

TsSweepDb *ts_sweep_db_create(const char *path, const TsSweep *sweep, GError **error)
{
    g_return_val_if_fail(path != NULL && sweep != NULL, NULL);
    /* Reserve the name atomically: an existing file is never overwritten. */
    int fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: cannot create: %s%s", path,
                    g_strerror(e),
                    e == EEXIST ? " (give --resume to continue that sweep, or another --out)" : "");
        return NULL;
    }
    close(fd);
    TsSweepDb *db = open_handle(path, SQLITE_OPEN_READWRITE, error);
    if (db == NULL)
        return NULL;
    if (!init_schema(db, sweep, error)) {
        ts_sweep_db_close(db);
        return NULL;
    }
    return db;
}

/* Brings a database of an earlier schema to this one (writable), or says why it cannot be
 * read. A file without a meta table (killed while being created, or not a sweep database) is
 * left to the callers' checks. */
static gboolean check_schema(TsSweepDb *db, GError **error)
{
    g_autofree char *version = ts_sweep_db_meta(db, "schema_version");
    if (version == NULL || strcmp(version, SCHEMA_VERSION) == 0)
        return TRUE;
    if (strcmp(version, "1") != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s has schema version %s, this tilesim reads up to %s: use the tilesim "
                    "that made it",
                    db->path, version, SCHEMA_VERSION);
        return FALSE;
    }
    if (!db->writable) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s has schema version 1 (before the discrete-event columns) and is open "
                    "read-only: `tilesim sweep --export --out DIR` migrates it to version %s",
                    db->path, SCHEMA_VERSION);
        return FALSE;
    }
    g_autofree char *des = des_columns_sql();
    if (!ts_sweep_db_exec(db, "BEGIN IMMEDIATE;", error))
        return FALSE;
    if (!ts_sweep_db_exec(db, des, error) ||
        !ts_sweep_db_exec(
            db, "UPDATE meta SET value = '" SCHEMA_VERSION "' WHERE key = 'schema_version';",
            error)) {
        sqlite3_exec(db->db, "ROLLBACK;", NULL, NULL, NULL);
        g_prefix_error(error, "migrating to schema version %s: ", SCHEMA_VERSION);
        return FALSE;
    }
    return ts_sweep_db_exec(db, "COMMIT;", error);
}

TsSweepDb *ts_sweep_db_open(const char *path, gboolean writable, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_IO, "%s: no such sweep database", path);
        return NULL;
    }
    TsSweepDb *db =
        open_handle(path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, error);
    if (db != NULL && !check_schema(db, error)) {
        ts_sweep_db_close(db);
        return NULL;
    }
    return db;
}

gboolean ts_sweep_db_prepare_resume(TsSweepDb *db, const TsSweep *sweep, GError **error)
{
    gboolean empty = FALSE;
    if (!is_empty(db, &empty, error))
        return FALSE;
    if (empty)
        return init_schema(db, sweep, error);
    return ts_sweep_db_matches(db, sweep, error);
}

/* ---- Reading ------------------------------------------------------------------------------ */

char *ts_sweep_db_meta(TsSweepDb *db, const char *key)
{
    sqlite3_stmt *st = ts_sweep_db_prepare(db, "SELECT value FROM meta WHERE key = ?;", NULL);
    if (st == NULL)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

gboolean ts_sweep_db_matches(TsSweepDb *db, const TsSweep *sweep, GError **error)
{
    g_autofree char *tool = ts_sweep_db_meta(db, "tool");
    if (g_strcmp0(tool, "tilesim") != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s: not a tilesim sweep database (no meta table naming the tool)", db->path);
        return FALSE;
    }
    g_autofree char *version = ts_sweep_db_meta(db, "version");
    if (g_strcmp0(version, TILESIM_VERSION) != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s was made by tilesim %s, this is %s: its results would mix versions; "
                    "start a new --out",
                    db->path, version ? version : "?", TILESIM_VERSION);
        return FALSE;
    }
    for (guint i = 0; i < ts_sweep_n_inputs(sweep); i++) {
        const char *label, *path, *sha;
        ts_sweep_input(sweep, i, &label, &path, &sha);
        g_autofree char *k = g_strdup_printf("input.%u.%s", i, label);
        g_autofree char *was = ts_sweep_db_meta(db, k);
        if (g_strcmp0(was, sha) != 0) {
            g_autofree char *kp = g_strdup_printf("input.%u.path", i);
            g_autofree char *was_path = ts_sweep_db_meta(db, kp);
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "%s belongs to another sweep: the %s input %s %s since it was made "
                        "(then %s): resuming would mix results; start a new --out",
                        db->path, label, path, was ? "changed" : "was not part of it",
                        was_path ? was_path : "absent");
            return FALSE;
        }
    }
    g_autofree char *settings = ts_sweep_db_meta(db, "settings");
    if (g_strcmp0(settings, ts_sweep_settings_json(sweep)) != 0) {
        g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                    "%s belongs to another sweep: its settings were %s, now %s (engine, mapper and "
                    "--factorization, --systolic-folds, objectives, --cross); start a new --out",
                    db->path, settings ? settings : "?", ts_sweep_settings_json(sweep));
        return FALSE;
    }
    return TRUE;
}

GArray *ts_sweep_db_pending(TsSweepDb *db, GError **error)
{
    g_return_val_if_fail(db != NULL, NULL);
    sqlite3_stmt *st = ts_sweep_db_prepare(
        db, "SELECT id FROM points WHERE status = 'pending' ORDER BY id;", error);
    if (st == NULL)
        return NULL;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        guint id = (guint)sqlite3_column_int64(st, 0);
        g_array_append_val(ids, id);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        g_array_unref(ids);
        fail(db, error, "reading points");
        return NULL;
    }
    return ids;
}

/* ---- Runs and points ---------------------------------------------------------------------- */

gint64 ts_sweep_db_begin_run(TsSweepDb *db, const TsSweepRunInfo *info, GError **error)
{
    g_return_val_if_fail(db != NULL && info != NULL, 0);
    sqlite3_stmt *st =
        ts_sweep_db_prepare(db,
                            "INSERT INTO runs (started, host, processes, threads, engine, version) "
                            "VALUES (?, ?, ?, ?, ?, ?);",
                            error);
    if (st == NULL)
        return 0;
    g_autofree char *now = iso_now();
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g_get_host_name(), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, info->processes);
    sqlite3_bind_int(st, 4, (int)info->threads);
    sqlite3_bind_text(st, 5, info->engine, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, TILESIM_VERSION, -1, SQLITE_STATIC);
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok) {
        fail(db, error, "recording the run");
        return 0;
    }
    return sqlite3_last_insert_rowid(db->db);
}

gboolean ts_sweep_db_end_run(TsSweepDb *db, gint64 run_id, guint points_done, guint64 cache_hits,
                             double seconds, GError **error)
{
    sqlite3_stmt *st = ts_sweep_db_prepare(
        db,
        "UPDATE runs SET finished = ?, points_done = ?, cache_hits = ?, seconds = ? "
        "WHERE id = ?;",
        error);
    if (st == NULL)
        return FALSE;
    g_autofree char *now = iso_now();
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, points_done);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)cache_hits);
    sqlite3_bind_double(st, 4, seconds);
    sqlite3_bind_int64(st, 5, run_id);
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok || fail(db, error, "recording the run");
}

static void bind_real(sqlite3_stmt *st, int col, gboolean ok, double v)
{
    if (ok && isfinite(v))
        sqlite3_bind_double(st, col, v);
    else
        sqlite3_bind_null(st, col);
}

static void bind_text(sqlite3_stmt *st, int col, const char *text)
{
    if (text != NULL)
        sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, col);
}

gboolean ts_sweep_db_store(TsSweepDb *db, gint64 run_id, const TsSweepResult *r, GError **error)
{
    g_return_val_if_fail(db != NULL && r != NULL, FALSE);
    if (!ts_sweep_db_exec(db, "BEGIN IMMEDIATE;", error))
        return FALSE;
    sqlite3_stmt *up = ts_sweep_db_prepare(
        db,
        "UPDATE points SET status = ?, reason = ?, energy_pj = ?, cycles = ?, latency_s = ?, "
        "macs = ?, utilization = ?, edp_j_cycles = ?, pj_per_mac = ?, area_um2 = ?, "
        "des_cycles = ?, des_latency_s = ?, des_energy_pj = ?, des_diff = ?, des_bound = ?, "
        "des_not_run = ?, des_events = ? "
        "WHERE id = ? AND status = 'pending';",
        error);
    sqlite3_stmt *op = ts_sweep_db_prepare(
        db,
        "INSERT INTO op_results (point_id, position, op, count, kind, macs, energy_pj, cycles, "
        "latency_s, utilization, edp_j_cycles, bound, evaluated, valid, mapping, des_cycles, "
        "des_latency_s, des_energy_pj, des_bound, des_not_run) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);",
        error);
    sqlite3_stmt *pr = ts_sweep_db_prepare(
        db,
        "INSERT OR REPLACE INTO point_runs (point_id, run_id, rank, seconds, cache_hits, "
        "des_seconds) VALUES (?, ?, ?, ?, ?, ?);",
        error);
    gboolean ok = up && op && pr;
    if (ok) {
        gboolean good = r->status == TS_SWEEP_OK;
        sqlite3_bind_text(up, 1, ts_sweep_status_name(r->status), -1, SQLITE_STATIC);
        if (r->reason)
            sqlite3_bind_text(up, 2, r->reason, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(up, 2);
        const double v[] = {r->energy_pj,   r->cycles,       r->latency_s,  r->macs,
                            r->utilization, r->edp_j_cycles, r->pj_per_mac, r->area_um2};
        for (guint i = 0; i < G_N_ELEMENTS(v); i++)
            bind_real(up, (int)i + 3, good, v[i]);
        const double dv[] = {r->des_cycles, r->des_latency_s, r->des_energy_pj, r->des_diff};
        for (guint i = 0; i < G_N_ELEMENTS(dv); i++)
            bind_real(up, (int)i + 11, good, dv[i]);
        bind_text(up, 15, good ? r->des_bound : NULL);
        bind_text(up, 16, good ? r->des_not_run : NULL);
        if (good && r->des_events > 0)
            sqlite3_bind_int64(up, 17, (sqlite3_int64)r->des_events);
        else
            sqlite3_bind_null(up, 17);
        sqlite3_bind_int64(up, 18, r->point);
        ok = sqlite3_step(up) == SQLITE_DONE || fail(db, error, "storing a point");
        if (ok && sqlite3_changes(db->db) != 1) {
            g_set_error(error, TS_CONFIG_ERROR, TS_CONFIG_ERROR_INVALID,
                        "%s: point %u is not pending (stored twice, or not a point of this "
                        "sweep)",
                        db->path, r->point);
            ok = FALSE;
        }
    }
    for (guint i = 0; ok && i < r->n_ops; i++) {
        const TsSweepOp *o = &r->ops[i];
        sqlite3_reset(op);
        sqlite3_bind_int64(op, 1, r->point);
        sqlite3_bind_int(op, 2, (int)i);
        sqlite3_bind_text(op, 3, o->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(op, 4, (sqlite3_int64)o->count);
        sqlite3_bind_text(op, 5, o->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(op, 6, (sqlite3_int64)o->macs);
        bind_real(op, 7, TRUE, o->energy_pj);
        bind_real(op, 8, TRUE, o->cycles);
        bind_real(op, 9, TRUE, o->latency_s);
        bind_real(op, 10, TRUE, o->utilization);
        bind_real(op, 11, TRUE, o->energy_pj * 1e-12 * o->cycles); /* one instance */
        sqlite3_bind_text(op, 12, o->bound, -1, SQLITE_STATIC);
        sqlite3_bind_int64(op, 13, (sqlite3_int64)o->evaluated);
        sqlite3_bind_int64(op, 14, (sqlite3_int64)o->valid);
        bind_text(op, 15, o->mapping);
        bind_real(op, 16, TRUE, o->des_cycles);
        bind_real(op, 17, TRUE, o->des_latency_s);
        bind_real(op, 18, TRUE, o->des_energy_pj);
        bind_text(op, 19, o->des_bound);
        bind_text(op, 20, o->des_not_run);
        ok = sqlite3_step(op) == SQLITE_DONE || fail(db, error, "storing an op");
    }
    if (ok) {
        sqlite3_bind_int64(pr, 1, r->point);
        sqlite3_bind_int64(pr, 2, run_id);
        sqlite3_bind_int(pr, 3, r->rank);
        sqlite3_bind_double(pr, 4, r->seconds);
        sqlite3_bind_int(pr, 5, (int)r->cache_hits);
        bind_real(pr, 6, r->des_seconds > 0, r->des_seconds);
        ok = sqlite3_step(pr) == SQLITE_DONE || fail(db, error, "storing a point's run");
    }
    sqlite3_finalize(up);
    sqlite3_finalize(op);
    sqlite3_finalize(pr);
    if (!ok) {
        sqlite3_exec(db->db, "ROLLBACK;", NULL, NULL, NULL);
        return FALSE;
    }
    return ts_sweep_db_exec(db, "COMMIT;", error);
}
