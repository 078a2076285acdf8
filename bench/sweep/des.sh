#!/usr/bin/env bash
# DES sweep benchmark: `tilesim sweep` of one sweep file (default the Gemmini BERT-base
# configurations, examples/sweeps/gemmini-bert-base.yaml: 20 points x 9 ops) with the analytical
# engine and with `--engine both` (each op's best mapping then run through the mapping
# executor), each into a fresh database with the same thread count. Prints per run wall and CPU
# seconds and points per second, and for `both` the DES's own seconds (the sum of
# point_runs.des_seconds: the executor's wall time per point, outside the mapping), its events
# and events per DES second, the points whose DES ran every op, and the CPU seconds `both`
# adds over `analytical` (the DES's CPU cost: on a busy machine the wall times measure the
# other load, the CPU times do not). Checks that the analytical columns of both runs are identical (the DES adds
# columns, never changes the mapping).
# Usage: bench/sweep/des.sh [BUILD_DIR] [SWEEP_FILE] [THREADS]   (default build-bench, the
# Gemmini file, 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
spec=${2:-examples/sweeps/gemmini-bert-base.yaml}
threads=${3:-2}
bin=$build/tilesim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints "wall_seconds cpu_seconds" (cpu: user + system of the run and its children).
measure() {
    local out=$1; shift
    local TIMEFORMAT="%R %U %S"
    # its own session: the kernel's per-session CPU share (autogroup) treats each run alike
    { time setsid -w "$bin" sweep "$spec" --out "$work/$out" --threads "$threads" -q \
        --no-progress --no-plots "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1, $2 + $3 }'
}
calc() { awk "BEGIN { print $1 }"; }
q() { sqlite3 "$work/$1/sweep.db" "$2"; }

echo "machine: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: $spec, $threads threads"
read -r wa ca < <(measure ana --engine analytical)
read -r wb cb < <(measure both --engine both)
n=$(q both "SELECT count(*) FROM points WHERE status = 'ok';")
total=$(q both "SELECT count(*) FROM points;")
printf "%-12s %8s %8s %10s %12s\n" "engine" "wall s" "CPU s" "points/s" "CPU s/point"
printf "%-12s %8.2f %8.2f %10.3f %12.3f\n" analytical "$wa" "$ca" "$(calc "$total / $wa")" \
    "$(calc "$ca / $total")"
printf "%-12s %8.2f %8.2f %10.3f %12.3f\n" both "$wb" "$cb" "$(calc "$total / $wb")" \
    "$(calc "$cb / $total")"
read -r des_s events full < <(q both "SELECT sum(r.des_seconds), sum(p.des_events),
    sum(p.des_cycles IS NOT NULL) FROM point_runs r JOIN points p ON p.id = r.point_id;" |
    tr '|' ' ')
printf "DES: %.2f s wall over %s ok points (%.3f s per point; %s with every op simulated), %s events\n" \
    "$des_s" "$n" "$(calc "$des_s / $n")" "$full" "$events"
printf "     (%.2f M events per DES wall second); --engine both costs %.2f CPU s (%+.1f%%) over\n" \
    "$(calc "$events / $des_s / 1e6")" "$(calc "$cb - $ca")" "$(calc "100 * ($cb / $ca - 1)")"
echo "     the analytical run (the DES's CPU time, the mapping being the same)"
# the analytical columns are the same with and without the DES
cols="id, status, reason, energy_pj, cycles, latency_s, macs, utilization, edp_j_cycles"
a=$(q ana "SELECT $cols FROM points ORDER BY id;" | sha256sum)
b=$(q both "SELECT $cols FROM points ORDER BY id;" | sha256sum)
[ "$a" = "$b" ] && echo "analytical columns identical in both runs" ||
    { echo "analytical columns DIFFER between the runs"; exit 2; }
