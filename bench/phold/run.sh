#!/usr/bin/env bash
# Runs PHOLD's four ROSS configurations (fixed delay) and the exp variant (mean 2, end
# doubled) on the tilesim DES kernel and prints committed events, the median rate over
# REPEAT runs and the ratio to ROSS's sequential median (shared/reference/des/README.md).
# Usage: bench/phold/run.sh [BUILD_DIR] (default build-bench, a Release build: bench/run.sh makes it).
#   REPEAT=5 QUEUE=heap4 RNG=taus2 bench/phold/run.sh build-bench
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-bench}
bin=$build/bench/phold/phold
repeat=${REPEAT:-3}
queue=${QUEUE:-heap4}
rng=${RNG:-taus2}
[[ -x $bin ]] || { echo "no $bin: run bench/run.sh, or cmake -B build-bench -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench --target phold" >&2; exit 1; }

field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# name nlp start end ross_fixed ross_exp
configs=(
  "n1024_s1   1024  1  50000 3.76 3.78"
  "n1024_s16  1024  16 1250  1.71 2.05"
  "n16384_s1  16384 1  1000  0.96 1.26"
  "n16384_s16 16384 16 40    0.40 0.39"
)
printf "queue=%s rng=%s repeat=%s (median)\n" "$queue" "$rng" "$repeat"
printf "%-8s %-11s %12s %10s %10s %7s %5s\n" variant config committed "M ev/s" "ROSS M/s" ratio allocs
for variant in fixed exp; do
  for c in "${configs[@]}"; do
    read -r name nlp start end ross_fixed ross_exp <<<"$c"
    mean=1.0; ross=$ross_fixed
    if [[ $variant == exp ]]; then mean=2.0; end=$((end * 2)); ross=$ross_exp; fi
    rates=(); committed=; allocs=
    for ((i = 0; i < repeat; i++)); do
      out=$("$bin" --nlp "$nlp" --start-events "$start" --end "$end" --mean "$mean" \
                   --queue "$queue" --rng "$rng" --json)
      rates+=("$(echo "$out" | field events_per_s)")
      committed=$(echo "$out" | field committed_events)
      allocs=$(echo "$out" | field pool_chunk_allocs_in_loop)
    done
    median=$(printf "%s\n" "${rates[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    awk -v v="$variant" -v n="$name" -v c="$committed" -v r="$median" -v ross="$ross" -v al="$allocs" \
      'BEGIN { printf "%-8s %-11s %12d %10.2f %10.2f %6.1fx %5d\n", v, n, c, r/1e6, ross, r/1e6/ross, al }'
  done
done
