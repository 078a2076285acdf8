#!/usr/bin/env bash
# The dram component's scheduling decisions as byte-comparable reports: `tilesim dram-trace
# --check --json` over DRAMsim3's two DDR4-2400 configs (with and without refresh) and all ten
# reference traces (the paced ones also over DRAMsim3's 402,000-cycle window), and over
# architectures on the presets (HBM2, DDR4-2400/3200, LPDDR4-3200, GDDR6) with controller
# variants (close page, 2 ranks, rank-simultaneous and per-bank refresh, per-rank queues,
# unified queue, small queues, no refresh, HBM2 pseudo-channels) on generated mixed read/write
# traces (repeated addresses: merged reads, reads served from the write buffer, write drains).
# Every report must show 0 timing violations. Run it on two builds and diff the folders: a
# change to the scheduler's cost must leave every byte as it was.
# Needs ../shared/reference (or TILESIM_SHARED) and xz.
# Usage: bench/dram/identity.sh BUILD_DIR OUT_DIR
# e.g.   bench/dram/identity.sh build-bench /tmp/after && diff -r /tmp/before /tmp/after
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/dram/identity.sh BUILD_DIR OUT_DIR" >&2; exit 1; }
[ -x "$1/tilesim" ] || { echo "identity.sh: $1/tilesim not built" >&2; exit 1; }
bin=$(realpath "$1/tilesim")
mkdir -p "$2"
out=$(realpath "$2")
cd "$(dirname "$0")/../.."
ref=${TILESIM_SHARED:-../shared}/reference/dram
[ -d "$ref" ] || { echo "identity.sh: $ref not found (set TILESIM_SHARED)" >&2; exit 1; }
ref=$(realpath "$ref")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" # generated inputs by relative name: the reports do not depend on the folder

n=0
bad=0
run() { # NAME dram-trace ARGS...
    local name=$1
    shift
    "$bin" dram-trace "$@" --check --json "$out/$name.json" >/dev/null 2>err.txt || {
        echo "identity.sh: $name failed:" >&2
        cat err.txt >&2
        bad=1
    }
    grep -q '"timing_violations" : 0' "$out/$name.json" || {
        echo "identity.sh: $name: timing violations" >&2
        bad=1
    }
    n=$((n + 1))
}

# DRAMsim3's configs and traces.
for ini in ds3_DDR4_8Gb_x8_2400_1rank ds3_DDR4_8Gb_x8_2400_1rank_noref; do
    for p in seq rand rowhit1b rowconf1b rowconfallb; do
        run "$ini-$p-sat" --config "$ref/$ini.ini" --trace "$ref/traces/ds3_ddr4_${p}_sat.trace.xz"
        run "$ini-$p-paced" --config "$ref/$ini.ini" --trace "$ref/traces/ds3_ddr4_${p}_paced.trace"
        run "$ini-$p-paced-window" --config "$ref/$ini.ini" \
            --trace "$ref/traces/ds3_ddr4_${p}_paced.trace" --cycles 402000
    done
done

# Generated traces: LINES requests over SPAN bytes (64-byte aligned), a write one time in
# WFRAC, a burst of same-cycle requests then a gap, every 7th address repeating a recent one.
gen() { # FILE LINES SPAN WFRAC SEED
    awk -v n="$2" -v span="$3" -v wf="$4" -v seed="$5" 'BEGIN {
        srand(seed); c = 0
        for (i = 0; i < n; i++) {
            if (i % 7 == 6 && i > 20) a = recent[int(rand() * 16)]
            else a = int(rand() * span / 64) * 64
            recent[i % 16] = a
            if (rand() < 0.2) c += int(rand() * 40)
            printf "0x%X %s %d\n", a, (rand() < wf ? "WRITE" : "READ"), c
        }
    }' >"$1"
}
gen small.trace 20000 $((1 << 20)) 0.3 11 # a few rows per bank: hits and conflicts
gen wide.trace 20000 $((1 << 32)) 0.3 12  # random over 4 GiB: misses
gen rd.trace 20000 $((1 << 24)) 0.0 13    # reads only, some locality
# saturated: every request at cycle 0, mixed
awk 'BEGIN { srand(14); for (i = 0; i < 40000; i++) printf "0x%X %s 0\n", \
    int(rand() * 2^22) * 64, (rand() < 0.3 ? "WRITE" : "READ") }' >sat.trace

arch() { # NAME PRESET CONTROLLER-AND-ATTRIBUTES (YAML flow mapping body)
    cat >"$1.yaml" <<EOF
architecture:
  name: $1
  clock: 1GHz
  levels:
    - {name: DRAM, class: dram, preset: $2, attributes: {$3}}
    - {name: MAC, class: mac}
EOF
}
arch hbm2 HBM2 ""
arch hbm2_close HBM2 "controller: {page_policy: close}"
arch hbm2_pc HBM2 "pseudo_channels: 2"
arch hbm2_perrank HBM2 "controller: {queue_structure: per_rank}"
arch hbm2_small HBM2 "controller: {trans_queue_size: 4, cmd_queue_size: 2, write_buf_size: 2}"
arch ddr4_2r DDR4-2400 "ranks: 2"
arch ddr4_2r_sim DDR4-2400 "ranks: 2, controller: {refresh_policy: rank_simultaneous}"
arch ddr4_2r_perrank DDR4-2400 "ranks: 2, controller: {queue_structure: per_rank}"
arch ddr4_bankref DDR4-2400 "tREFIb: 585, tRFCb: 105, controller: {refresh_policy: bank_staggered}"
arch ddr4_unified DDR4-2400 "controller: {unified_queue: true}"
arch ddr4_noref_close DDR4-2400 "controller: {refresh_policy: none, page_policy: close}"
arch ddr4_3200 DDR4-3200 ""
arch lpddr4 LPDDR4-3200 ""
arch gddr6 GDDR6 ""
for a in hbm2 hbm2_close hbm2_pc hbm2_perrank hbm2_small ddr4_2r ddr4_2r_sim ddr4_2r_perrank \
    ddr4_bankref ddr4_unified ddr4_noref_close ddr4_3200 lpddr4 gddr6; do
    for t in small wide sat; do
        run "$a-$t" --config "$a.yaml" --trace "$t.trace"
    done
done
for a in hbm2 ddr4_2r_perrank; do
    run "$a-rd" --config "$a.yaml" --trace rd.trace
done
echo "identity.sh: $n reports in $out"
exit $bad
