#!/usr/bin/env bash
# Evaluates the intent detector on the bundled CLINC150 variants with `mobilelink nlu eval`:
# train on train + oos_train, choose thresholds on val + oos_val, report on test + oos_test.
# Prints one JSON object per data set.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh mobilelink >/dev/null
for variant in full small imbalanced; do
  echo "# data_${variant}.json"
  ./build/mobilelink nlu eval --data "data/clinc150/data_${variant}.json"
done
