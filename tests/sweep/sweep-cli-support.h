/* Shared by the sweep command tests (which run programs with tests/support's ts_test_spawn):
 * a small sweep file, an exact dump of a results database's deterministic tables (points and
 * op_results, floats as their bits) for comparing runs row for row, and a sweep run killed with
 * SIGKILL. Static functions. */
#ifndef TS_SWEEP_CLI_SUPPORT_H
#define TS_SWEEP_CLI_SUPPORT_H

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ts-test.h"

/* A sweep of 16 points on the Eyeriss-like library architecture: buffer size x array width x
 * a workload option, three ops of BERT-base, short searches. */
static const char *kSmallSweep G_GNUC_UNUSED =
    "sweep:\n"
    "  name: small\n"
    "  arch: eyeriss-like\n"
    "  workload: bert-base\n"
    "  ops: [KTQ, Out, softmax]\n"
    "  parameters:\n"
    "    glb_kb:\n"
    "      values: [54, 108]\n"
    "      arch:\n"
    "        levels[GlobalBuffer].attributes.size: \"${glb_kb}KB\"\n"
    "    pe_x:\n"
    "      values: [7, 14]\n"
    "      arch: levels[PE_column].spatial.meshX\n"
    "    spad:\n"
    "      values: [112, 224]\n"
    "      arch: levels[PE_column].levels[PE].levels[weights_spad].attributes.entries\n"
    "    seq:\n"
    "      values: [64, 128]\n"
    "  mapper: {search: anneal, budget: 800, seed: 3}\n";

/* Two points, two small ops, short walks: the DES engines stay fast. */
static const char *kDesSweep G_GNUC_UNUSED = "sweep:\n"
                                             "  name: tiny\n"
                                             "  arch: eyeriss-like\n"
                                             "  workload: bert-base\n"
                                             "  seq: 64\n"
                                             "  ops: [KTQ, softmax]\n"
                                             "  parameters:\n"
                                             "    pe_x:\n"
                                             "      values: [7, 14]\n"
                                             "      arch: levels[PE_column].spatial.meshX\n"
                                             "  mapper: {search: anneal, budget: 300, seed: 3}\n"
                                             "  des: {max_steps: 64}\n";

static void dump_value(GString *s, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_NULL:
        g_string_append(s, "NULL");
        break;
    case SQLITE_INTEGER:
        g_string_append_printf(s, "%lld", (long long)sqlite3_column_int64(st, col));
        break;
    case SQLITE_FLOAT:
        g_string_append_printf(s, "%a", sqlite3_column_double(st, col));
        break;
    default:
        g_string_append_printf(s, "'%s'", (const char *)sqlite3_column_text(st, col));
    }
}

/* The points and op_results tables of db_path, row by row, every value exactly; NULL when the
 * file does not open. */
static char *sweep_dump(const char *db_path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", db_path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return NULL;
    }
    GString *s = g_string_new(NULL);
    const char *queries[] = {"SELECT * FROM points ORDER BY id;",
                             "SELECT * FROM op_results ORDER BY point_id, position;"};
    for (guint q = 0; q < G_N_ELEMENTS(queries); q++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "%s: %s\n", db_path, sqlite3_errmsg(db));
            continue;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                g_string_append(s, c ? "|" : "");
                dump_value(s, st, c);
            }
            g_string_append_c(s, '\n');
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return g_string_free(s, FALSE);
}

/* Line of the first difference, for messages. */
static void sweep_report_diff(const char *a, const char *b)
{
    g_auto(GStrv) la = g_strsplit(a, "\n", -1), lb = g_strsplit(b, "\n", -1);
    for (guint i = 0; la[i] || lb[i]; i++) {
        if (la[i] == NULL || lb[i] == NULL || strcmp(la[i], lb[i]) != 0) {
            fprintf(stderr, "first difference at row %u:\n  %s\n  %s\n", i,
                    la[i] ? la[i] : "(none)", lb[i] ? lb[i] : "(none)");
            return;
        }
    }
}

/* Starts `tilesim sweep file --out out --threads 2 -q --no-progress --no-plots [engine args]
 * [--resume]` (engine: "--engine" and its value, or NULL), kills it with SIGKILL after delay_s;
 * returns TRUE when it was still running (FALSE: it had finished). */
static G_GNUC_UNUSED gboolean sweep_run_and_kill(const char *file, const char *out,
                                                 const char *engine, double delay_s,
                                                 gboolean resume)
{
    const char *argv[16] = {ts_test_tilesim_bin(), "sweep", file, "--out", out, "--threads",
                            "2", "-q", "--no-progress", "--no-plots"};
    guint n = 10;
    if (engine != NULL) {
        argv[n++] = "--engine";
        argv[n++] = engine;
    }
    if (resume)
        argv[n++] = "--resume";
    GPid pid = 0;
    g_autoptr(GError) error = NULL;
    gboolean ok = g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                    G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error);
    CU_ASSERT_TRUE_FATAL(ok);
    g_usleep((gulong)(delay_s * 1e6));
    int rc = kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    return rc == 0 && WIFSIGNALED(status);
}

#endif /* TS_SWEEP_CLI_SUPPORT_H */
