#!/usr/bin/env bash
# Installs missing Debian packages, the locked npm packages of web/ and builds build/mobilelink
# and the tests. The build bundles the web assets (web/build.sh) and compiles them in.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# CMake runs web/build.sh too. Running it here first keeps the npm download out of the compile
# step, so a missing npm package fails before the C++ build starts.
./web/build.sh build/web-dist >/dev/null
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C build -j"$(nproc)" "$@"
