#!/usr/bin/env bash
# Byte-identity reports of the dram component: runs `tilesim dram-trace --check --json` over
# DRAMsim3's reference configs and traces (shared/reference/dram: both .ini files, every trace,
# saturated to completion and paced over DRAMsim3's 402,000-cycle window, the saturated ones
# also over the golden suite's 200,000 cycles) and over generated traces on native
# architectures: every preset under random mixed traffic (reads and writes, sequential
# streams, a hot set that merges reads and hits buffered writes, bursts and gaps) with the
# controller variants (close page, 2 ranks, rank-simultaneous and per-bank refresh, per-rank
# and per-bank queues, unified queue, tiny queues, no refresh, HBM2 pseudo-channels) and
# HBM2 saturated sequential and random; and traces with long idle gaps (10^5 .. 10^8 cycles,
# and requests accepted one cycle before, on and after a refresh falling due for every preset's
# refresh interval) on both DRAMsim3 configs and every preset with the refresh variants (one
# and two ranks, rank-simultaneous and per-bank refresh, close page, none), until done and
# over a window. One JSON report per run in OUT_DIR (file names and
# every path inside are relative, so two builds' directories compare with `diff -r`); a run
# that exits non-zero or reports a timing violation fails the script.
# A change that must not alter results: run it with the old and the new binary and diff.
# Usage: bench/dram/dram-identity.sh TILESIM_BIN OUT_DIR   (needs ../shared/reference, xz)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 TILESIM_BIN OUT_DIR" >&2; exit 1; }
bin=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
ref=$(realpath "${TILESIM_SHARED:-$src/../shared}/reference/dram")
mkdir -p "$2"
out=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$ref" ref

# gen N SEED MODE > FILE: MODE mixed (70% reads), seq or rand (reads only, one per cycle).
# Park-Miller generator: exact in awk's doubles, the same on every awk.
gen() {
    awk -v n="$1" -v seed="$2" -v mode="$3" '
    function hex(a) { return sprintf("0x%X%07X", int(a / 268435456), a % 268435456) }
    BEGIN {
        s = seed; cyc = 0; seqa = 0
        for (i = 0; i < n; i++) {
            s = (s * 16807) % 2147483647; r = s
            if (mode == "seq") { printf "%s READ %d\n", hex(i * 64), i; continue }
            if (mode == "rand") { printf "%s READ %d\n", hex((r % 134217728) * 64), i; continue }
            if (r % 8 == 0) cyc += int(r / 8) % 200
            s = (s * 16807) % 2147483647; k = s % 10
            if (k < 3) { seqa += 64; a = seqa }
            else if (k < 5) a = (s % 256) * 64
            else { s = (s * 16807) % 2147483647; a = s * 64 }
            s = (s * 16807) % 2147483647
            printf "%s %s %d\n", hex(a), (s % 10 < 3) ? "WRITE" : "READ", cyc
        }
    }'
}

# gaps SEED > FILE: 60 bursts of 1-5 requests (40% writes); every third gap 10^5 .. 10^8
# cycles, the others end with a request accepted (its cycle + 1) at -1, 0 or +1 cycles from a
# multiple of one of the presets' refresh intervals (tREFI, tREFI / 2, tREFIb).
gaps() {
    awk -v seed="$1" '
    function hex(a) { return sprintf("0x%X%07X", int(a / 268435456), a % 268435456) }
    function rnd() { s = (s * 16807) % 2147483647; return s }
    BEGIN {
        s = seed; cyc = 0
        np = split("9360 4680 585 12480 6240 780 6246 3123 3900 1950 128 3333 1666 208", P, " ")
        for (b = 0; b < 60; b++) {
            n = 1 + rnd() % 5
            for (j = 0; j < n; j++) {
                a = rnd() * 64
                printf "%s %s %d\n", hex(a), (rnd() % 10 < 4) ? "WRITE" : "READ", cyc
                cyc += rnd() % 4
            }
            if (b % 3 == 0) { cyc += 100000 * (1 + rnd() % 1000); continue }
            p = P[1 + b % np]; d = rnd() % 3 - 1
            cyc = (int(cyc / p) + 2 + rnd() % 50) * p + d - 1
        }
    }'
}

run() { # NAME CONFIG TRACE [ARGS...]
    local name=$1 cfg=$2 tr=$3
    shift 3
    if ! "$bin" dram-trace --config "$cfg" --trace "$tr" --check --json "$out/$name.json" "$@" \
        >/dev/null 2>"$work/err"; then
        echo "dram-identity: $name failed:" >&2
        cat "$work/err" >&2
        exit 1
    fi
    grep -q '"timing_violations" : 0' "$out/$name.json" || {
        echo "dram-identity: $name: timing violations" >&2
        exit 1
    }
}

for ini in ds3_DDR4_8Gb_x8_2400_1rank ds3_DDR4_8Gb_x8_2400_1rank_noref; do
    for p in seq rand rowhit1b rowconf1b rowconfallb; do
        run "$ini-$p-sat" "ref/$ini.ini" "ref/traces/ds3_ddr4_${p}_sat.trace.xz"
        run "$ini-$p-paced" "ref/$ini.ini" "ref/traces/ds3_ddr4_${p}_paced.trace" --cycles 402000
        [ "$ini" = ds3_DDR4_8Gb_x8_2400_1rank ] &&
            run "$ini-$p-sat-200k" "ref/$ini.ini" "ref/traces/ds3_ddr4_${p}_sat.trace.xz" \
                --cycles 200000
    done
done

gaps 4242 >gaps.trace
for ini in ds3_DDR4_8Gb_x8_2400_1rank ds3_DDR4_8Gb_x8_2400_1rank_noref; do
    run "$ini-gaps" "ref/$ini.ini" gaps.trace
done
gen 20000 12345 mixed >mixed.trace
gen 100000 1 seq >seq.trace
gen 100000 777 rand >rand.trace
arch() { # FILE PRESET ATTRIBUTES CONTROLLER
    cat >"$1" <<EOF
architecture:
  name: dram-identity
  clock: 1GHz
  levels:
    - name: DRAM
      class: dram
      preset: $2
      attributes: {$3${3:+, }controller: {$4}}
EOF
}
# Per-bank refresh intervals for presets that define none: tREFI / banks, tRFC / 4.
declare -A bankref=([DDR4-2400]="tREFIb: 585, tRFCb: 105" [DDR4-3200]="tREFIb: 780, tRFCb: 140"
    [LPDDR4-3200]="tREFIb: 780, tRFCb: 72" [HBM2]="" [GDDR6]="tREFIb: 208, tRFCb: 52")
for preset in DDR4-2400 DDR4-3200 LPDDR4-3200 HBM2 GDDR6; do
    declare -A variants=(
        [default]="|"
        [close]="|page_policy: close"
        [2ranks]="ranks: 2|"
        [2ranks-simultaneous]="ranks: 2|refresh_policy: rank_simultaneous"
        [bank-refresh]="${bankref[$preset]}|refresh_policy: bank_staggered"
        [per-rank]="|queue_structure: per_rank"
        [per-bank]="|queue_structure: per_bank"
        [unified]="|unified_queue: true"
        [small-queues]="|trans_queue_size: 4, cmd_queue_size: 2, write_buf_size: 2"
        [no-refresh]="|refresh_policy: none"
    )
    for v in default close 2ranks 2ranks-simultaneous bank-refresh per-rank per-bank unified \
        small-queues no-refresh; do
        arch "$preset-$v.yaml" "$preset" "${variants[$v]%%|*}" "${variants[$v]#*|}"
        run "$preset-$v-mixed" "$preset-$v.yaml" mixed.trace
        case $v in
        default | close | 2ranks | 2ranks-simultaneous | bank-refresh | no-refresh)
            run "$preset-$v-gaps" "$preset-$v.yaml" gaps.trace
            run "$preset-$v-gaps-window" "$preset-$v.yaml" gaps.trace --cycles 300000001 ;;
        esac
    done
done
arch HBM2-pc.yaml HBM2 "pseudo_channels: 2" ""
run HBM2-pseudo-channels-mixed HBM2-pc.yaml mixed.trace
arch HBM2-sat.yaml HBM2 "" ""
run HBM2-seq-sat HBM2-sat.yaml seq.trace
run HBM2-rand-sat HBM2-sat.yaml rand.trace
run HBM2-rand-sat-window HBM2-sat.yaml rand.trace --cycles 50000
echo "dram-identity: $(ls "$out" | wc -l) reports in $out"
