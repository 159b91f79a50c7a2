#!/usr/bin/env bash
# Sets up and runs the demo: installs what is missing, builds, starts the fake provider on
# 127.0.0.1:8090 and the server on 127.0.0.1:8080 with config/demo.yaml (SQLite under ./var/).
# Ctrl-C stops both. The script exits with an error before starting the server when either port
# is already in use or the fake provider does not respond within 5 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly fake_url="http://127.0.0.1:8090"
readonly fake_wait_s=5

# Succeeds when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

fail() {
  echo "demo: $*" >&2
  exit 1
}

./scripts/build.sh mobilelink
mkdir -p var

for port in 8090 8080; do
  if port_in_use "$port"; then
    fail "port $port on 127.0.0.1 is already in use; stop the process that listens there" \
      "(find it with: ss -ltnp 'sport = :$port') and run the demo again"
  fi
done

./build/mobilelink fake-provider --listen 127.0.0.1:8090 --config config/demo.yaml \
  --state var/fake-provider.jsonl >var/fake-provider.log 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true' EXIT

# Starts the server only once this fake provider, and not some other process, responds.
deadline=$((SECONDS + fake_wait_s))
until curl -fsS --max-time 1 "$fake_url/_fake/behaviour" >/dev/null 2>&1; do
  if ! kill -0 "$fake_pid" 2>/dev/null; then
    tail -n 20 var/fake-provider.log >&2 || true
    fail "the fake provider exited during start; its log is above and in var/fake-provider.log"
  fi
  if ((SECONDS >= deadline)); then
    fail "the fake provider did not answer GET $fake_url/_fake/behaviour within" \
      "${fake_wait_s} s; see var/fake-provider.log"
  fi
  sleep 0.2
done
if ! kill -0 "$fake_pid" 2>/dev/null; then
  fail "the fake provider exited after start; see var/fake-provider.log"
fi

# The demo flows read these customers; importing again replaces the same records.
./build/mobilelink customers import data/demo/customers.csv --config config/demo.yaml
./build/mobilelink customers import data/demo/transactions.csv --config config/demo.yaml

echo "fake provider on $fake_url (log: var/fake-provider.log)"
echo "web chat: http://127.0.0.1:8080/chat"
./build/mobilelink serve --config config/demo.yaml
