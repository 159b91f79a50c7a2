#!/usr/bin/env bash
# Times a clean build of build/mobilelink and the tests on this machine, with ccache off, in a
# temporary build folder that is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
folder=$(mktemp -d /tmp/mobilelink-clean-build.XXXXXX)
trap 'rm -rf "$folder"' EXIT
CCACHE_DISABLE=1 cmake -S . -B "$folder" -G Ninja >/dev/null
steps=$(ninja -C "$folder" -t commands mobilelink mobilelink_tests | wc -l)
echo "# clean build, ${steps} commands, -j$(nproc), ccache off"
time CCACHE_DISABLE=1 ninja -C "$folder" -j"$(nproc)" mobilelink mobilelink_tests >/dev/null
