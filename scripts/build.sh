#!/usr/bin/env bash
# Installs missing Debian packages and builds build/mobilelink and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C build -j"$(nproc)" "$@"
