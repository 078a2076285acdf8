#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds tilesim (Release) in ./build.
# Usage: scripts/build.sh [extra cmake configure arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$(nproc)"
