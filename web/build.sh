#!/usr/bin/env bash
# Installs the locked npm packages when node_modules is missing or older than the lock file,
# then bundles the web sources into the directory given as $1 (default web/dist).
set -euo pipefail
cd "$(dirname "$0")"
out_dir=${1:-dist}
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  if ! command -v npm >/dev/null; then
    echo "web/build.sh: npm is missing; run scripts/install-deps.sh" >&2
    exit 1
  fi
  npm ci --no-audit --no-fund
fi
node build.mjs "$out_dir"
