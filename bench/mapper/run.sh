#!/usr/bin/env bash
# Mapper benchmark: builds tilesim in Release (./build-bench) and runs mapper_bench on the
# BERT-base problems of ../shared/reference/timeloop. Extra arguments go to mapper_bench, e.g.
#   bench/mapper/run.sh --exhaustive            (also prove each optimum: seconds each)
#   bench/mapper/run.sh --problems bert_attn_qk --exhaustive
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTILESIM_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target mapper_bench -j"$(nproc)" >/dev/null
exec build-bench/bench/mapper/mapper_bench "$@"
