/* Private to sweep/: SQLite loaded when a sweep database is first opened, not at process start
 * (most tilesim commands never touch a database). Include this instead of <sqlite3.h>: each
 * SQLite function used in sweep/ is a macro for the entry point of the loaded library, the way
 * OpenGL loaders map gl* names, so the calls read as SQLite's own API. Adding a call of another
 * SQLite function means adding it to TS_SWEEP_SQLITE_FUNCTIONS. */
#ifndef TS_SWEEP_SQLITE_PRIVATE_H
#define TS_SWEEP_SQLITE_PRIVATE_H

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define TS_SWEEP_SQLITE_FUNCTIONS(X)                                                           \
    X(sqlite3_bind_double) X(sqlite3_bind_int) X(sqlite3_bind_int64) X(sqlite3_bind_null)      \
    X(sqlite3_bind_text) X(sqlite3_busy_timeout) X(sqlite3_changes) X(sqlite3_close)           \
    X(sqlite3_column_double) X(sqlite3_column_int) X(sqlite3_column_int64)                     \
    X(sqlite3_column_text) X(sqlite3_column_type) X(sqlite3_errmsg) X(sqlite3_exec)            \
    X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_last_insert_rowid) X(sqlite3_open_v2)        \
    X(sqlite3_prepare_v2) X(sqlite3_reset) X(sqlite3_step)

typedef struct {
#define TS_SWEEP_SQLITE_FIELD(f) __typeof__(f) *f;
    TS_SWEEP_SQLITE_FUNCTIONS(TS_SWEEP_SQLITE_FIELD)
#undef TS_SWEEP_SQLITE_FIELD
} TsSweepSqlite;

/* Loads SQLite (TILESIM_SQLITE_SONAME) once; thread-safe. FALSE with TS_CONFIG_ERROR_IO naming
 * the library when it cannot be loaded. */
gboolean ts_sweep_sqlite_load(GError **error);
/* The loaded entry points; loads SQLite first when needed (exiting with status 1 and the
 * loader's message when it cannot: callers that can report an error call ts_sweep_sqlite_load
 * first). */
const TsSweepSqlite *ts_sweep_sqlite(void);

#ifndef TS_SWEEP_SQLITE_LOADER /* ts-sweep-sqlite.c names SQLite's real functions */
#define sqlite3_bind_double (ts_sweep_sqlite()->sqlite3_bind_double)
#define sqlite3_bind_int (ts_sweep_sqlite()->sqlite3_bind_int)
#define sqlite3_bind_int64 (ts_sweep_sqlite()->sqlite3_bind_int64)
#define sqlite3_bind_null (ts_sweep_sqlite()->sqlite3_bind_null)
#define sqlite3_bind_text (ts_sweep_sqlite()->sqlite3_bind_text)
#define sqlite3_busy_timeout (ts_sweep_sqlite()->sqlite3_busy_timeout)
#define sqlite3_changes (ts_sweep_sqlite()->sqlite3_changes)
#define sqlite3_close (ts_sweep_sqlite()->sqlite3_close)
#define sqlite3_column_double (ts_sweep_sqlite()->sqlite3_column_double)
#define sqlite3_column_int (ts_sweep_sqlite()->sqlite3_column_int)
#define sqlite3_column_int64 (ts_sweep_sqlite()->sqlite3_column_int64)
#define sqlite3_column_text (ts_sweep_sqlite()->sqlite3_column_text)
#define sqlite3_column_type (ts_sweep_sqlite()->sqlite3_column_type)
#define sqlite3_errmsg (ts_sweep_sqlite()->sqlite3_errmsg)
#define sqlite3_exec (ts_sweep_sqlite()->sqlite3_exec)
#define sqlite3_finalize (ts_sweep_sqlite()->sqlite3_finalize)
#define sqlite3_free (ts_sweep_sqlite()->sqlite3_free)
#define sqlite3_last_insert_rowid (ts_sweep_sqlite()->sqlite3_last_insert_rowid)
#define sqlite3_open_v2 (ts_sweep_sqlite()->sqlite3_open_v2)
#define sqlite3_prepare_v2 (ts_sweep_sqlite()->sqlite3_prepare_v2)
#define sqlite3_reset (ts_sweep_sqlite()->sqlite3_reset)
#define sqlite3_step (ts_sweep_sqlite()->sqlite3_step)
#endif

G_END_DECLS

#endif /* TS_SWEEP_SQLITE_PRIVATE_H */
