#!/usr/bin/env bash
# Sets up and runs the demo: installs what is missing, builds, starts the fake provider on
# 127.0.0.1:8090 and the server on 127.0.0.1:8080 with config/demo.yaml (SQLite under ./var/).
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh mobilelink
mkdir -p var
./build/mobilelink fake-provider --listen 127.0.0.1:8090 --config config/demo.yaml \
  --state var/fake-provider.jsonl >var/fake-provider.log 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true' EXIT
echo "fake provider on http://127.0.0.1:8090 (log: var/fake-provider.log)"
echo "web chat: http://127.0.0.1:8080/chat/chat"
./build/mobilelink serve --config config/demo.yaml
