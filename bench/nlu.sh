#!/usr/bin/env bash
# Evaluates the intent detector on the bundled CLINC150 variants with `mobilelink nlu eval`:
# train on train + oos_train, choose thresholds on val + oos_val, report on test + oos_test.
# Prints one JSON object per data set. Arguments are passed to `nlu eval`, so one attempt of
# the table in docs/nlu.md is, for example, `bench/nlu.sh --linear-word-ngrams 3`.
# NLU_VARIANTS selects the data sets (default: "full small imbalanced").
# The embedding member reads the word vectors that scripts/fetch-word-vectors.sh downloads once
# (118 MB). NLU_WORD_VECTORS=none leaves the member out.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh mobilelink >/dev/null
vectors=()
if [[ "${NLU_WORD_VECTORS:-}" != "none" ]]; then
  vectors=(--word-vectors "$(./scripts/fetch-word-vectors.sh)")
fi
for variant in ${NLU_VARIANTS:-full small imbalanced}; do
  echo "# data_${variant}.json ${vectors[*]} $*"
  ./build/mobilelink nlu eval --data "data/clinc150/data_${variant}.json" "${vectors[@]}" "$@"
done
