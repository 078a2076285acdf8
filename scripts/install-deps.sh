#!/usr/bin/env bash
# Installs the Debian packages tilesim needs to build and test, and nothing else.
# A no-op when everything is present; uses sudo only when not already root.
set -euo pipefail

packages=(cmake gcc make pkgconf libyaml-dev libglib2.0-dev libgsl-dev libcunit1-dev
          libjson-glib-dev xz-utils)

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
