#!/usr/bin/env bash
# Times KPI reports over the rollups of 10 million messages' events in a SQLite file.
#
#   bench/kpi.sh [MESSAGES] [RUNS]      (defaults: 10000000 messages, 20 runs per report shape)
#
# build/mobilelink_kpi_bench (bench/kpi_bench.cpp) generates the events, folds them into the
# rollups with the analytics processor and times each report shape, then each of the 63
# combinations of the API's filters (at most 5 runs each). The file needs about
# 3 GB per 10 million messages and is deleted on exit. Nothing listens on the network.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-10000000}
runs=${2:-20}
work=$(mktemp -d /tmp/mobilelink-kpi-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

./scripts/build.sh mobilelink_kpi_bench >/dev/null
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
./build/mobilelink_kpi_bench --messages "$messages" --runs "$runs" --dir "$work" 2>/dev/null
