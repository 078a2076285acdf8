#!/usr/bin/env bash
# Instruction counts of the dram model per bench trace, under valgrind's callgrind: repeatable
# on a shared, loaded machine where CPU time varies by tens of percent. For each trace of
# dram_bench, the instructions executed inside ts_dram_trace_run (the simulation: building it,
# the event loop and the statistics) and inside ts_dram_trace_load (reading the trace file:
# decompression runs in a separate xz process and is not counted), with the count per request.
# Needs a Release tree (bench/run.sh dram builds one in build-bench/) and valgrind.
# Usage: bench/dram/callgrind.sh [BUILD_DIR] [TRACE_SUBSTRING ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
shift || true
bin=$build/bench/dram/dram_bench
[ -x "$bin" ] || { echo "callgrind.sh: $bin not built (run bench/run.sh dram)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not installed" >&2; exit 1; }
traces=("$@")
if [ ${#traces[@]} -eq 0 ]; then
    for mode in sat paced; do
        for p in seq rand rowhit1b rowconf1b rowconfallb; do traces+=("ddr4 $p $mode"); done
    done
    traces+=("hbm2 seq sat" "hbm2 rand sat")
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Inclusive instructions of one function: callgrind counts only while inside it.
count() { # FUNCTION TRACE
    valgrind --tool=callgrind --toggle-collect="$1" --callgrind-out-file="$tmp/out" \
        "$bin" --shared "${TILESIM_SHARED:-../shared}" --repeat 1 --only "$2" --json \
        >"$tmp/json" 2>/dev/null
    awk '/^summary:/ { print $2 }' "$tmp/out"
}
printf '%-24s %9s %15s %12s %15s\n' trace requests "run instr" "instr/req" "load instr"
for t in "${traces[@]}"; do
    run=$(count ts_dram_trace_run "$t")
    req=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$tmp/json")
    load=0
    case $t in ddr4*) load=$(count ts_dram_trace_load "$t") ;; esac
    printf '%-24s %9s %15s %12.0f %15s\n' "$t" "$req" "$run" "$(echo "$run / $req" | bc -l)" "$load"
done
