#!/usr/bin/env bash
# Installs missing Debian packages, builds, and runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh mobilelink mobilelink_tests
cd build
ctest --output-on-failure --timeout 300 -j2 "$@"
