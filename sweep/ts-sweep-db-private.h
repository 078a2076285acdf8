/* Private to sweep/: the SQLite handle behind TsSweepDb and helpers the runner and the exports
 * share. */
#ifndef TS_SWEEP_DB_PRIVATE_H
#define TS_SWEEP_DB_PRIVATE_H

#include <glib.h>
#include "ts-sweep-sqlite-private.h"

#include "ts-sweep.h"

G_BEGIN_DECLS

sqlite3 *ts_sweep_db_handle(TsSweepDb *db);
const char *ts_sweep_db_path(TsSweepDb *db);
/* Runs SQL (no rows); TS_CONFIG_ERROR_IO with SQLite's message on failure. */
gboolean ts_sweep_db_exec(TsSweepDb *db, const char *sql, GError **error);
/* A prepared statement (sqlite3_finalize it), or NULL with error. */
sqlite3_stmt *ts_sweep_db_prepare(TsSweepDb *db, const char *sql, GError **error);
/* Value of a meta key (newly allocated) or NULL. */
char *ts_sweep_db_meta(TsSweepDb *db, const char *key);
/* For --resume on an existing file: creates the schema when the file holds none yet (a run
 * killed while creating it), else checks that it belongs to sweep. */
gboolean ts_sweep_db_prepare_resume(TsSweepDb *db, const TsSweep *sweep, GError **error);

G_END_DECLS

#endif /* TS_SWEEP_DB_PRIVATE_H */
