/* Shared support for the CUnit suites: a main() driver that returns non-zero on failure,
 * the location of ../shared/reference (overridable with TILESIM_SHARED), and skip helpers
 * for golden tests whose reference files are absent. */
#ifndef TS_TEST_H
#define TS_TEST_H

#include <CUnit/CUnit.h>
#include <glib.h>

/* Directory holding DESIGN.md and reference/; NULL when absent (a user's clone).
 * Honours $TILESIM_SHARED, else the ../shared beside the source tree. Borrowed string. */
const char *ts_test_shared_dir(void);

/* Path under ../shared/reference/ (newly allocated), or NULL when the shared tree is absent. */
char *ts_test_reference_path(const char *relative);

/* Path under the source tree (newly allocated). */
char *ts_test_source_path(const char *relative);

/* Seed for randomised tests: $TILESIM_TEST_SEED or the given default; printed once. */
guint64 ts_test_seed(guint64 default_seed);

/* Runs every registered suite with the basic interface; returns 0 when all passed,
 * 1 when any failed, 77 (CTest's skip code) when skip_all is set. */
int ts_test_run(int argc, char **argv);

/* Marks the whole binary as skipped (reason printed) if nothing else fails. */
void ts_test_skip_all(const char *reason);

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
