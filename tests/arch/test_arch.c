/* Architecture layer test binary: registers the suites of each test file (Timeloop import and
 * its golden energies, native format and library, errors, check) and runs them. */
#include <stdio.h>

#include "ts-test.h"

void ts_test_register_timeloop(void);
void ts_test_register_timeloop_experiments(void);
void ts_test_register_native(void);
void ts_test_register_errors(void);
void ts_test_register_tables(void);
void ts_test_register_errors_slow(void);

int main(int argc, char **argv)
{
    CU_initialize_registry();
    if (ts_test_slow(argc, argv)) {
        ts_test_register_errors_slow();
        return ts_test_run(argc, argv);
    }
    ts_test_register_timeloop();
    ts_test_register_timeloop_experiments();
    ts_test_register_native();
    ts_test_register_errors();
    ts_test_register_tables();
    return ts_test_run(argc, argv);
}
