/* Shared support for the CUnit suites: a main() driver that returns non-zero on failure,
 * the location of ../shared/reference (overridable with TILESIM_SHARED), and skip helpers
 * for golden tests whose reference files are absent. */
#ifndef TS_TEST_H
#define TS_TEST_H

#include <CUnit/CUnit.h>
#include <glib.h>

/* Whether needle occurs in haystack (a NULL haystack holds nothing); when not, both are
 * printed to stderr (the haystack's first 3000 bytes). ts_test_expect_in asserts it at the
 * caller's line. */
gboolean ts_test_contains(const char *haystack, const char *needle);
#define ts_test_expect_in(haystack, needle) CU_ASSERT(ts_test_contains((haystack), (needle)))

/* Directory holding DESIGN.md and reference/; NULL when absent (a user's clone).
 * Honours $TILESIM_SHARED, else the ../shared beside the source tree. Borrowed string. */
const char *ts_test_shared_dir(void);

/* Path under ../shared/reference/ (newly allocated), or NULL when the shared tree is absent. */
char *ts_test_reference_path(const char *relative);

/* Path under the source tree (newly allocated). */
char *ts_test_source_path(const char *relative);

/* Seed for randomised tests: $TILESIM_TEST_SEED or the given default; printed once. */
guint64 ts_test_seed(guint64 default_seed);

/* Splits one CSV line into its fields (double-quoted fields with "" escapes; no embedded
 * newlines; a trailing CR dropped). Owned array of owned strings. */
GPtrArray *ts_test_csv_split(const char *line);
/* Index of the column named name in a header row from ts_test_csv_split; fails the current
 * test and returns 0 when absent. */
int ts_test_csv_column(GPtrArray *header, const char *name);

/* ts_test_spawn for callers that keep only the texts: stdout and stderr are returned (owned)
 * when out / err are not NULL. Returns the exit status, or -1 when TILESIM_BIN is unset
 * (callers skip) or the program could not run. */
int ts_test_tilesim(const char *const *args, char **out, char **err);

/* TRUE when the binary runs its slow variant (argument --slow): full-size problems that are
 * registered with CTest under the label `slow` and run by `bench/run.sh slow` in a Release
 * tree, never by scripts/test.sh. */
gboolean ts_test_slow(int argc, char **argv);

/* Removes path and, for a directory, everything below it (temporary test outputs). */
void ts_test_remove_tree(const char *path);

/* A suite's temporary directory at teardown: removed with everything in it, or kept and named
 * on stderr when TILESIM_TEST_KEEP is set; *dir is freed and set to NULL. */
void ts_test_tmpdir_done(char **dir);

/* A path named `name` in this test process's own temporary directory (created on first use,
 * removed with everything in it by ts_test_run), so tests running at once never share a file.
 * Free with g_free. */
char *ts_test_tmp_path(const char *name);

/* Runs every registered suite with the basic interface; returns 0 when all passed,
 * 1 when any failed, 77 (CTest's skip code) when skip_all is set. */
int ts_test_run(int argc, char **argv);

/* Marks the whole binary as skipped (reason printed) if nothing else fails. */
void ts_test_skip_all(const char *reason);

/* ---- Running the built tilesim ($TILESIM_BIN) ---- */

typedef struct {
    int status; /* exit status, or -1 when the process did not exit normally */
    char *out;  /* stdout and stderr, owned */
    char *err;
    double seconds; /* wall time */
} TsTestRun;

/* The one runner of the built executable: runs $TILESIM_BIN (set by CTest; `tilesim` from PATH
 * otherwise) with the NULL-terminated args (argv[1..]) and captures its output; with
 * as_nobody and when running as root, as user nobody (setpriv), so permission checks behave
 * as for an ordinary user. Returns r->status; -1 (and the current test fails) when the
 * program could not run. Free with ts_test_run_clear. */
int ts_test_spawn(TsTestRun *r, const char *const *args, gboolean as_nobody);
/* Runs tilesim with args: whether it exits with status 1 and says needle on stderr (what it
 * printed goes to stderr when not). Assert it at the call: CU_ASSERT(ts_test_refused(...)). */
gboolean ts_test_refused(const char *const *args, const char *needle);
/* The same runner for another program (argv[0], searched in PATH: sqlite3, mpirun, ...). */
int ts_test_spawn_program(TsTestRun *r, const char *const *argv);
/* The executable ts_test_spawn runs: $TILESIM_BIN, else `tilesim` (for callers that start it
 * themselves, e.g. asynchronously to kill it, or under mpirun). Borrowed. */
const char *ts_test_tilesim_bin(void);
/* Runs `sh -c SCRIPT` with $TILESIM_BIN in the environment as TILESIM (for redirections). */
int ts_test_shell(TsTestRun *r, const char *script);
void ts_test_run_clear(TsTestRun *r);

/* GThreadFunc: opens the FIFO path for writing and writes "y\n" as `yes` does until the
 * reader closes it (the caller ignores SIGPIPE). An endless input for the bounded reader. */
gpointer ts_test_feed_forever(gpointer path);

/* Macro for a golden test whose reference input is missing: prints and returns. */
#define TS_TEST_REQUIRE_SHARED()                                                                   \
    do {                                                                                           \
        if (ts_test_shared_dir() == NULL) {                                                        \
            fprintf(stderr, "SKIP %s: ../shared/reference not found (set TILESIM_SHARED)\n",       \
                    __func__);                                                                     \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#endif /* TS_TEST_H */
