#!/usr/bin/env bash
# Installs the Debian packages tilesim needs to build and test, and nothing else.
# A no-op when everything is present; uses sudo only when not already root.
set -euo pipefail

# Sweeps: libsqlite3-dev (results database) and sqlite3 (the shell docs/sweeps.md opens it
# with; a test does too); libplplot-dev and plplot-driver-cairo (SVG/PNG plots; libplplot-dev
# also brings PLplot's Fortran, Qt and wxWidgets bindings, about 25 MiB to download);
# libpng-dev (the plot tests decode the PNGs); libopenmpi-dev and openmpi-bin (sweeps across
# MPI ranks: optional at build time, but installed so CI runs the 3-rank test: about 10 MiB
# to download, 45 MiB installed).
packages=(cmake gcc make pkgconf libyaml-dev libglib2.0-dev libgsl-dev libcunit1-dev
          libjson-glib-dev xz-utils libsqlite3-dev sqlite3 libplplot-dev plplot-driver-cairo
          libpng-dev libopenmpi-dev openmpi-bin)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "tilesim: installing missing packages: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
