#!/usr/bin/env bash
# Prints the raw and gzip (level 9) size in bytes of each file of the built web bundle, as a
# Markdown table for docs/web.md. Builds the bundle first with web/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
./web/build.sh "$out_dir" >/dev/null
echo "| file | raw bytes | gzip bytes |"
echo "| --- | ---: | ---: |"
for file in "$out_dir"/*.js "$out_dir"/*.css; do
  name=$(basename "$file" | sed -E 's/-[A-Z0-9]{8}\././')
  raw=$(wc -c <"$file")
  gzipped=$(gzip -9 -c "$file" | wc -c)
  echo "| $name | $raw | $gzipped |"
done
