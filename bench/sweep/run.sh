#!/usr/bin/env bash
# Sweep benchmark: design points per second of `tilesim sweep` with 1 and 2 threads and with
# 2 MPI ranks of 1 thread (when OpenMPI is installed), the scaling efficiency of each against
# 1 thread (rate / (2 x rate of 1 thread)), and the time of the whole 1,000-point sweep of one
# BERT-base layer (bert-layer-1000.yaml) with 2 threads. The rates come from the first N points
# (default 60) of the same sweep, each run into a fresh database.
# Usage: bench/sweep/run.sh [BUILD_DIR] [N] [quick]   (default build-bench, 60; quick: no
# 1,000-point sweep)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
n=${2:-60}
quick=${3:-}
bin=$build/tilesim
spec=bench/sweep/bert-layer-1000.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints "wall_seconds cpu_seconds" (cpu: user + system of the run and its children).
measure() {
    local out=$1; shift
    local TIMEFORMAT="%R %U %S"
    # its own session: the kernel's per-session CPU share (autogroup) then treats each run alike
    { time setsid -w "$@" "$spec" --out "$work/$out" -q --no-progress --no-plots >/dev/null 2>&1; } 2>&1 |
        awk '{ print $1, $2 + $3 }'
}
calc() { awk "BEGIN { print $1 }"; }

echo "machine: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-26s %8s %8s %10s %12s %11s\n" "run ($n points)" "wall s" "CPU s" "points/s" \
    "CPU s/point" "efficiency"
report() { # label wall cpu
    local rate
    rate=$(calc "$n / $2")
    printf "%-26s %8.2f %8.2f %10.3f %12.3f %11s\n" "$1" "$2" "$3" "$rate" "$(calc "$3 / $n")" \
        "$4"
}
read -r w1 c1 < <(measure t1 "$bin" sweep --threads 1 --max-points "$n")
report "1 thread" "$w1" "$c1" "-"
read -r w2 c2 < <(measure t2 "$bin" sweep --threads 2 --max-points "$n")
report "2 threads" "$w2" "$c2" "$(printf "%.1f%%" "$(calc "100 * $w1 / (2 * $w2)")")"
if command -v mpirun >/dev/null 2>&1; then
    read -r wm cm < <(measure mpi mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" sweep \
                      --threads 1 --max-points "$n")
    report "2 MPI ranks x 1 thread" "$wm" "$cm" "$(printf "%.1f%%" "$(calc "100 * $w1 / (2 * $wm)")")"
else
    echo "2 MPI ranks: skipped (no mpirun)"
fi
echo "(efficiency: rate / (2 x the 1-thread rate), from wall time; CPU s/point shows the"
echo " parallel runs' overhead independently of other load on the machine)"
# identical results whatever the thread or rank count
for d in t2 mpi; do
    [ -f "$work/$d/sweep.db" ] || continue
    a=$(sqlite3 "$work/t1/sweep.db" "SELECT * FROM points ORDER BY id; SELECT * FROM op_results ORDER BY point_id, position;" | sha256sum)
    b=$(sqlite3 "$work/$d/sweep.db" "SELECT * FROM points ORDER BY id; SELECT * FROM op_results ORDER BY point_id, position;" | sha256sum)
    [ "$a" = "$b" ] && echo "$d: rows identical to 1 thread" || { echo "$d: rows DIFFER"; exit 2; }
done
[ "$quick" = quick ] && exit 0
read -r wf cf < <(measure full "$bin" sweep --threads 2)
done_=$(sqlite3 "$work/full/sweep.db" "SELECT count(*) FROM points WHERE status != 'pending';")
printf "1,000-point sweep, 2 threads: %.1f s wall, %.1f CPU s (%s points, %.2f points/s; target < 600 s)\n" \
    "$wf" "$cf" "$done_" "$(calc "$done_ / $wf")"
