#!/usr/bin/env bash
# Measures Mobile Link's webhook throughput and reply latency on this machine, beside nginx's
# loopback ceiling measured by the same load generator in the same run.
#
#   bench/run.sh [SECONDS]      (default 10 seconds per load run)
#
# 1. nginx answering `return 200` to the same 400-byte form POST (mobilelink_loadgen --mode plain);
# 2. webhook-to-reply latency at fixed offered rates: `mobilelink replay --rate 2000`, then
#    `--rate 500`, of the CLINC150 test split, timing each reply's arrival at the fake provider,
#    with the server's own queue-to-accepted histogram after the first run;
# 3. signed inbound Twilio webhooks, each a new message that is verified, stored durably
#    (SQLite WAL, synchronous=FULL), answered by the bot and queued (mobilelink_loadgen --mode twilio).
# Every server listens on 127.0.0.1, every load run is bounded by SECONDS or a message count,
# and every process started here is stopped by its pid on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
work=$(mktemp -d /tmp/mobilelink-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

./scripts/build.sh mobilelink mobilelink_loadgen >/dev/null
if ! command -v nginx >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null
fi

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"

cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work;
  server { listen 127.0.0.1:18181; location / { return 200; } }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
echo "# nginx return 200, 32 connections, ${seconds}s"
./build/mobilelink_loadgen --mode plain --port 18181 --path /webhooks/twilio/sms \
  --connections 32 --seconds "$seconds"

sed -e "s#public_url: http://127.0.0.1:8080#public_url: http://127.0.0.1:18180#" \
    -e "s#path: var/mobilelink.db#path: $work/mobilelink.db#" \
    -e "s#127.0.0.1:8090#127.0.0.1:18190#g" \
    -e "s#log_level: info#log_level: warn#" config/demo.yaml >"$work/config.yaml"
./build/mobilelink fake-provider --listen 127.0.0.1:18190 --config "$work/config.yaml" \
  >"$work/fake.log" 2>&1 &
pids+=($!)
./build/mobilelink serve --config "$work/config.yaml" --listen 127.0.0.1:18180 \
  >"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  curl -sf http://127.0.0.1:18180/readyz >/dev/null && break
  sleep 0.1
done

echo "# mobilelink webhook-to-reply latency at 2000 messages/s offered (CLINC150 test split)"
./build/mobilelink replay --input data/clinc150/data_full.json --inbox sms \
  --url http://127.0.0.1:18180 --provider http://127.0.0.1:18190 --config "$work/config.yaml" \
  --rate 2000 --concurrency 256 --limit $((2000 * seconds)) | tail -1 || echo "# the replay above reported messages without a reply (its exit status was not 0)"
echo "# server-side queue-to-accepted reply time after that run (mobilelink_reply_latency_seconds)"
curl -s http://127.0.0.1:18180/metrics | grep -E '^mobilelink_reply_latency_seconds_(bucket|count)'
echo "# mobilelink webhook-to-reply latency at 500 messages/s offered"
./build/mobilelink replay --input data/clinc150/data_full.json --inbox sms \
  --url http://127.0.0.1:18180 --provider http://127.0.0.1:18190 --config "$work/config.yaml" \
  --rate 500 --concurrency 64 --limit 3000 | tail -1 || echo "# the replay above reported messages without a reply (its exit status was not 0)"
echo "# mobilelink signed Twilio webhooks, 32 connections, ${seconds}s"
./build/mobilelink_loadgen --mode twilio --port 18180 --signed-base http://127.0.0.1:18180 \
  --connections 32 --seconds "$seconds"
# Let the outbox of that run drain before reading the counters.
for _ in $(seq 1 300); do
  depth=$(curl -s http://127.0.0.1:18180/metrics | awk '/^mobilelink_outbox_depth /{print $2}')
  [[ "${depth:-0}" == "0" ]] && break
  sleep 0.2
done
curl -s http://127.0.0.1:18180/metrics | grep -E '^mobilelink_(store_commits_total|outbound_sends_total)'

echo "# resident memory of the server after the runs (KiB): $(ps -o rss= -p "${pids[2]}")"
echo "# busiest server threads other than the main one, % of one core, over 2 s of a second webhook run"
./build/mobilelink_loadgen --mode twilio --port 18180 --signed-base http://127.0.0.1:18180 \
  --connections 32 --seconds 5 >/dev/null &
load_pid=$!
sleep 2
top -H -b -n 2 -d 2 -p "${pids[2]}" |
  awk -v main="${pids[2]}" '/^top/{n++} n==2 && $1 ~ /^[0-9]+$/ && $1 != main' | sort -k9 -nr | head -3
wait "$load_pid"
