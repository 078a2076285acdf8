#include "ts-test.h"
int main(int argc, char **argv) { CU_initialize_registry(); return ts_test_run(argc, argv); }
