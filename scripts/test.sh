#!/usr/bin/env bash
# Installs missing Debian packages, builds tilesim twice and runs every CTest suite in both:
#   build-debug  Debug, -Werror
#   build-asan   Debug with AddressSanitizer + UndefinedBehaviorSanitizer
# Tests labelled `slow` (full-size variants) are left out: `bench/run.sh slow` runs them in a
# Release tree. Extra arguments go to ctest (e.g. -L golden). Exits non-zero on any build or
# test failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)

echo "== Debug build (-Werror) =="
cmake -S . -B build-debug -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-debug -j"$jobs"
ctest --test-dir build-debug --output-on-failure -j"$jobs" -LE slow "$@"

echo "== ASan + UBSan build =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTILESIM_SANITIZE=ON \
      -DTILESIM_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE slow "$@"
