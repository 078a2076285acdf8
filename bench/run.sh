#!/usr/bin/env bash
# All benchmarks in one command: installs missing packages, builds a Release tree in
# ./build-bench and runs, in order, PHOLD against ROSS's rates (bench/phold/run.sh), the
# analytical model's evaluation rate (model_eval) and the mapper's speed and quality against
# Timeloop's mapper runs (mapper_bench), the systolic-array model on a BERT-base layer
# (systolic_bench), the DRAM model on DRAMsim3's traces (dram_bench), the mapping executor on
# BERT-base (des_exec_bench), design-space sweeps
# (bench/sweep/run.sh: points per second with 1 and 2 threads and 2 MPI ranks, the 1,000-point
# sweep), DES sweeps (bench/sweep/des.sh: the Gemmini BERT-base sweep with the analytical
# engine and with --engine both, points per second and the DES's seconds) and PrIM's UPMEM
# figures on the pim_core component (prim_bench: exits 1 when a figure is more than 10% off).
# Needs ../shared/reference for the Timeloop, DRAMsim3 and PrIM inputs.
# `slow` builds a Release tree with the tests in ./build-slow and runs the CTest tests
# labelled `slow` (full-size variants the default test command leaves out).
# Usage: bench/run.sh [phold|model|mapper|systolic|dram|des_exec|sweep|sweep_des|prim|slow ...]
# (default: the nine benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
which=("$@")
[ ${#which[@]} -gt 0 ] || which=(phold model mapper systolic dram des_exec sweep sweep_des prim)
if [[ " ${which[*]} " =~ \ (phold|model|mapper|systolic|dram|des_exec|sweep|sweep_des|prim)\  ]]; then
    cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTILESIM_BUILD_TESTS=OFF >/dev/null
    cmake --build build-bench --target phold evq_hold model_eval mapper_bench systolic_bench \
        dram_bench des_exec_bench prim_bench tilesim -j"$(nproc)" >/dev/null
fi
for w in "${which[@]}"; do
    case $w in
    phold)
        echo "== PHOLD (DES kernel) vs ROSS sequential =="
        bench/phold/run.sh build-bench ;;
    model)
        echo "== Analytical model: evaluations per CPU-second (BERT-base FF1, Eyeriss-like) =="
        build-bench/bench/model_eval/model_eval ;;
    mapper)
        echo "== Mapper vs Timeloop's mapper (BERT-base problems, Eyeriss-like 3-level) =="
        build-bench/bench/mapper/mapper_bench ;;
    systolic)
        echo "== Systolic array (SCALE-Sim semantics): BERT-base layer, 32x32, CALC and USER =="
        build-bench/bench/systolic/systolic_bench ;;
    dram)
        echo "== DRAM model on DRAMsim3's DDR4-2400 traces (and HBM2): requests/s, cycles/s =="
        build-bench/bench/dram/dram_bench --shared ../shared ;;
    des_exec)
        echo "== Mapping executor (DES): BERT-base FF1 and whole layer on gemmini-like =="
        build-bench/bench/des_exec/des_exec_bench gemmini-like ;;
    sweep)
        echo "== Sweeps: points per second, threads and MPI ranks, 1,000 points =="
        bench/sweep/run.sh build-bench ;;
    sweep_des)
        echo "== DES sweeps: Gemmini BERT-base configurations, analytical vs --engine both =="
        bench/sweep/des.sh build-bench ;;
    prim)
        echo "== PrIM's UPMEM figures: DES pim_core and the host-link model (within 10%) =="
        build-bench/bench/prim/prim_bench --shared ../shared ;;
    slow)
        echo "== Slow tests (label slow) in a Release tree =="
        cmake -S . -B build-slow -DCMAKE_BUILD_TYPE=Release -DTILESIM_BUILD_BENCH=OFF >/dev/null
        cmake --build build-slow -j"$(nproc)" >/dev/null
        ctest --test-dir build-slow -L slow --output-on-failure ;;
    *)
        echo "bench/run.sh: unknown benchmark '$w' (phold, model, mapper, systolic, dram, des_exec, sweep, sweep_des, prim, slow)" >&2
        exit 1 ;;
    esac
done
