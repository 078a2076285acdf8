#!/usr/bin/env bash
# DRAMsim3 itself beside the dram model, on the same machine and the same traces. dram_bench
# writes each of its traces in DRAMsim3's trace format (--write-traces) with the cycles tilesim
# needs for it; then, per trace, --repeat rounds each run, one after the other (so a busy
# machine's load falls on all three alike): DRAMsim3's own dramsim3main and `tilesim
# dram-trace`, on the same trace file and the same .ini (the DDR4-2400 reference config of
# ../shared/reference/dram; for HBM2, DRAMsim3's configs/HBM2_8Gb_x128.ini from the given
# checkout), each timed as a whole process (user + system CPU seconds, bash's `time`), and
# dram_bench on that trace alone (--repeat 1: the event loop's thread CPU time, trace loading
# and process start excluded, the figure bench/README.md and docs/des.md quote). DRAMsim3
# ticks a fixed number of cycles (-c): each trace runs for the cycles tilesim needs to complete
# it (saturated) or the 402,000-cycle window (paced), and the reads DRAMsim3 completed in them
# are printed (its trace reader issues the last line twice: a completed saturated trace may
# show one read more). Prints per trace the median [min-max] of M cycles/s of each and the
# ratios of the medians.
# Usage: bench/dram/dramsim3.sh DRAMSIM3MAIN [BUILD_DIR] [--configs DIR] [--repeat N]
#        [--only SUBSTRING] [--keep DIR]
#   DRAMSIM3MAIN  your DRAMsim3 build's dramsim3main (e.g. ~/DRAMsim3/build/dramsim3main)
#   BUILD_DIR     tilesim Release tree with dram_bench and tilesim (default build-bench;
#                 bench/run.sh dram builds it)
#   --configs     DRAMsim3's configs folder (default: DRAMSIM3MAIN's ../configs)
#   --repeat      rounds per trace (default 3)
#   --only        traces whose name contains SUBSTRING (e.g. "hbm2", "rand sat")
#   --keep        write the traces and DRAMsim3's outputs there instead of a temporary folder
set -euo pipefail
usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 1; }
[ $# -ge 1 ] || usage
ds3=$(realpath "$1")
shift
build=build-bench
configs=$(dirname "$ds3")/../configs
repeat=3
only=
keep=
while [ $# -gt 0 ]; do
    case $1 in
    --configs) configs=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -*) usage ;;
    *) build=$1; shift ;;
    esac
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "dramsim3.sh: --repeat must be a positive integer" >&2; exit 1; }
[ -x "$ds3" ] || { echo "dramsim3.sh: $ds3 is not an executable" >&2; exit 1; }
cd "$(dirname "$0")/../.."
shared=$(realpath "${TILESIM_SHARED:-../shared}")
bench=$build/bench/dram/dram_bench
tilesim=$build/tilesim
for b in "$bench" "$tilesim"; do
    [ -x "$b" ] || { echo "dramsim3.sh: $b not built (run bench/run.sh dram)" >&2; exit 1; }
done
ddr4_ini=$shared/reference/dram/ds3_DDR4_8Gb_x8_2400_1rank.ini
hbm2_ini=$configs/HBM2_8Gb_x128.ini
[ -f "$ddr4_ini" ] || { echo "dramsim3.sh: $ddr4_ini missing (set TILESIM_SHARED)" >&2; exit 1; }
if [ -n "$keep" ]; then
    dir=$keep
    mkdir -p "$dir"
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi

"$bench" --shared "$shared" --repeat 1 ${only:+--only "$only"} --write-traces "$dir" >/dev/null

# CPU seconds (user + system) of one run of "$@", output discarded.
cpu() {
    local TIMEFORMAT='%3U %3S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1) || return 1
    awk '{ printf "%.3f\n", $1 + $2 }' <<<"$t"
}
# median min max of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'; }

echo "DRAMsim3 $ds3; tilesim $build; $repeat rounds per trace; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %9s %9s | %-24s | %-24s | %-24s | %7s %7s\n' trace requests cycles ds3_reads \
    "DRAMsim3 process" "tilesim process" "tilesim event loop" "ratio" "ratio"
printf '%-22s %8s %9s %9s | %-24s | %-24s | %-24s | %7s %7s\n' "" "" "" "" \
    "M cycles/s med [range]" "M cycles/s med [range]" "M cycles/s med [range]" "process" "loop"
tail -n +2 "$dir/cases.tsv" | while IFS=$'\t' read -r name config file requests cycles _; do
    ini=$ddr4_ini
    if [ "$config" = hbm2 ]; then
        ini=$hbm2_ini
        if [ ! -f "$ini" ]; then
            printf '%-22s skipped: %s not found (give --configs)\n' "$name" "$ini"
            continue
        fi
    fi
    out=$dir/ds3-${file%.trace}
    mkdir -p "$out"
    : >"$dir/ds3.cpu"
    : >"$dir/ts.cpu"
    : >"$dir/loop.cps"
    for ((i = 0; i < repeat; i++)); do
        cpu "$ds3" "$ini" -c "$cycles" -t "$dir/$file" -o "$out" >>"$dir/ds3.cpu" ||
            { echo "dramsim3.sh: $ds3 failed on $file" >&2; exit 1; }
        cpu "$tilesim" dram-trace --config "$ini" --trace "$dir/$file" >>"$dir/ts.cpu" ||
            { echo "dramsim3.sh: tilesim dram-trace failed on $file" >&2; exit 1; }
        "$bench" --shared "$shared" --repeat 1 --only "$name" --json |
            sed -n 's/.*"cycles_per_s":\([0-9]*\).*/\1/p' >>"$dir/loop.cps"
    done
    reads=$(grep -o '"num_reads_done":[0-9]*' "$out/dramsim3.json" | awk -F: '{ s += $2 } END { print s }')
    read -r dmed dmin dmax < <(stats <"$dir/ds3.cpu")
    read -r tmed tmin tmax < <(stats <"$dir/ts.cpu")
    read -r lmed lmin lmax < <(stats <"$dir/loop.cps")
    awk -v n="$name" -v q="$requests" -v c="$cycles" -v r="$reads" -v dmed="$dmed" \
        -v dmin="$dmin" -v dmax="$dmax" -v tmed="$tmed" -v tmin="$tmin" -v tmax="$tmax" \
        -v lmed="$lmed" -v lmin="$lmin" -v lmax="$lmax" 'BEGIN {
        f = c / 1e6
        printf "%-22s %8d %9d %9d | %6.3f [%6.3f-%6.3f] | %6.2f [%6.2f-%6.2f] | %6.2f [%6.2f-%6.2f] | %6.1fx %6.1fx\n",
            n, q, c, r, f / dmed, f / dmax, f / dmin, f / tmed, f / tmax, f / tmin,
            lmed / 1e6, lmin / 1e6, lmax / 1e6, dmed / tmed, lmed / 1e6 / (f / dmed)
    }'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ratio process: tilesim dram-trace's median cycles/s over DRAMsim3's (whole processes, start,"
echo "config and trace parsing included); loop: dram_bench's event-loop median over DRAMsim3's."
