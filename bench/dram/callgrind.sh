#!/usr/bin/env bash
# Instruction counts of the dram model per bench trace, under valgrind's callgrind: repeatable
# on a shared, loaded machine where CPU time varies by tens of percent. For each trace of
# dram_bench, one run of the trace (`dram_bench --repeat 1`: no warm-up run, no legality
# checker, the JSON line printed outside the count): the instructions executed inside
# ts_dram_trace_run (building the simulation, the event loop and the statistics), the event
# loop's alone (inside ts_sim_run and ts_sim_run_until: what dram_bench's CPU time measures, 99%
# of the run), each per request, and inside ts_dram_trace_load (reading the trace file:
# decompression runs in a separate xz process and is not counted). These are instructions, not
# time: on the 2-core VM (AMD EPYC, Zen 5, about 3.3 GHz) the loop retires about 16 G
# instructions per CPU-second on hbm2 seq sat (some 4.9 per cycle; 1.02 G in 63-66 ms), 19 G on
# ddr4 seq sat, 12.5 G on ddr4 rand sat and 8 G on hbm2 rand sat (branch mispredictions), so
# instructions per request compare builds, and a rate derived from them needs the machine's
# measured instructions per second on that trace.
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
# The event loop's share of the last count: ts_sim_run and ts_sim_run_until, inclusive.
loop_count() {
    callgrind_annotate --inclusive=yes --threshold=100 "$tmp/out" 2>/dev/null |
        awk '/:ts_sim_run(_until)? \[/ { v = $1; gsub(",", "", v); n += v } END { print n + 0 }'
}
printf '%-24s %9s %15s %12s %15s %12s %15s\n' trace requests "run instr" "instr/req" \
    "loop instr" "loop/req" "load instr"
for t in "${traces[@]}"; do
    run=$(count ts_dram_trace_run "$t")
    loop=$(loop_count)
    req=$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$tmp/json")
    load=0
    case $t in ddr4*) load=$(count ts_dram_trace_load "$t") ;; esac
    printf '%-24s %9s %15s %12.0f %15s %12.0f %15s\n' "$t" "$req" "$run" \
        "$(echo "$run / $req" | bc -l)" "$loop" "$(echo "$loop / $req" | bc -l)" "$load"
done
