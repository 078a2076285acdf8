#!/usr/bin/env bash
# Sweep benchmark: design points per second of `tilesim sweep` with 1 and 2 threads and with
# 2 MPI ranks of 1 thread (when OpenMPI is installed), the scaling efficiency of each against
# 1 thread (rate / (2 x rate of 1 thread)), and the time of the whole 1,000-point sweep of one
# BERT-base layer (bert-layer-1000.yaml) with 2 threads. The rates come from the first N points
# (default 60) of the same sweep, each run into a fresh database.
# Usage: bench/sweep/run.sh [BUILD_DIR] [N]     (default build-bench, 60)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-bench}
n=${2:-60}
bin=$build/tilesim
spec=bench/sweep/bert-layer-1000.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# seconds of one run: seconds OUT ARGS...
seconds() {
    local out=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" "$spec" --out "$work/$out" -q --no-progress --no-plots 2>/dev/null
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}

echo "machine: $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
s1=$(seconds t1 "$bin" sweep --threads 1 --max-points "$n")
s2=$(seconds t2 "$bin" sweep --threads 2 --max-points "$n")
calc() { awk "BEGIN { print $1 }"; }
r1=$(calc "$n / $s1")
r2=$(calc "$n / $s2")
printf "%-28s %8s %12s %11s\n" "run ($n points)" "seconds" "points/s" "efficiency"
printf "%-28s %8.2f %12.3f %11s\n" "1 thread" "$s1" "$r1" "-"
printf "%-28s %8.2f %12.3f %10.1f%%\n" "2 threads" "$s2" "$r2" "$(calc "100 * $r2 / (2 * $r1)")"
if command -v mpirun >/dev/null 2>&1; then
    sm=$(seconds mpi mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" sweep --threads 1 \
         --max-points "$n")
    rm_=$(calc "$n / $sm")
    printf "%-28s %8.2f %12.3f %10.1f%%\n" "2 MPI ranks x 1 thread" "$sm" "$rm_" \
        "$(calc "100 * $rm_ / (2 * $r1)")"
else
    echo "2 MPI ranks: skipped (no mpirun)"
fi
# identical results whatever the thread or rank count
for d in t2 mpi; do
    [ -f "$work/$d/sweep.db" ] || continue
    a=$(sqlite3 "$work/t1/sweep.db" "SELECT * FROM points ORDER BY id; SELECT * FROM op_results ORDER BY point_id, position;" | sha256sum)
    b=$(sqlite3 "$work/$d/sweep.db" "SELECT * FROM points ORDER BY id; SELECT * FROM op_results ORDER BY point_id, position;" | sha256sum)
    [ "$a" = "$b" ] && echo "$d: rows identical to 1 thread" || { echo "$d: rows DIFFER"; exit 2; }
done
full=$(seconds full "$bin" sweep --threads 2)
done_=$(sqlite3 "$work/full/sweep.db" "SELECT count(*) FROM points WHERE status != 'pending';")
printf "1,000-point sweep, 2 threads: %.1f s (%s points, %.2f points/s; target < 600 s)\n" \
    "$full" "$done_" "$(calc "$done_ / $full")"
