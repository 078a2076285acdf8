/* Architecture layer test binary: registers the suites of each test file (Timeloop import and
 * its golden energies, native format, errors, library, check) and runs them. */
#include <stdio.h>

#include "ts-test.h"

void ts_test_register_timeloop(void);

int main(int argc, char **argv)
{
    CU_initialize_registry();
    ts_test_register_timeloop();
    return ts_test_run(argc, argv);
}
