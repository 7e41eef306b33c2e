#!/usr/bin/env bash
# `make bench`: both comparisons of issue 5 in one run, then BENCHMARKS.md.
#   1. builds the Go peer webhook (bench/peers/build.sh) and checks that it decides every golden
#      AdmissionReview and benchmark body as ours does (bench/peers/equivalence.sh): a faster
#      server that judged differently would prove nothing;
#   2. the webhook against the peer (bench/webhook_bench.sh) and the in-process decision cost;
#   3. the plugin against kubectl on synthetic clusters (bench/plugin_bench.sh);
#   4. BENCHMARKS.md (bench/report.sh).
# Usage: bench/run.sh BUILD_DIR RESULTS_DIR [REPORT_FILE]
#   env: BENCH_ROUNDS (3), BENCH_DURATION (4 s per load run), BENCH_SIZES (50,5000)
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR RESULTS_DIR [REPORT_FILE]}
results=${2:?usage: run.sh BUILD_DIR RESULTS_DIR [REPORT_FILE]}
here=$(cd "$(dirname "$0")/.." && pwd)
report=${3:-$here/BENCHMARKS.md}
rounds=${BENCH_ROUNDS:-3}
start=$(date +%s)
mkdir -p "$results"
rm -f "$results"/*.tsv "$results"/decision.json

echo "== building the Go peer" >&2
"$here/bench/peers/build.sh" "$build/peers" >&2

echo "== checking that both webhooks decide alike" >&2
"$here/bench/bodies/generate.sh" "$results/bodies"
CLUSTER_VERSION=1.31 "$here/bench/peers/equivalence.sh" "$build/aksarc-support-webhook" \
  "$build/peers/go-webhook" "$results/bodies" | tail -1 | tee "$results/equivalence.txt" >&2

{
  echo "Go peer: $(go version | awk '{print $3}'), wrk $(wrk --version 2>&1 | awk 'NR == 1 {print $2}'), OpenSSL $(openssl version | awk '{print $2}'), cpp-httplib $(pkg-config --modversion cpp-httplib)"
  echo "Decisions compared before measuring: $(cat "$results/equivalence.txt")"
} >"$results/versions.txt"

echo "== webhook vs Go peer" >&2
ROUNDS=$rounds DURATION=${BENCH_DURATION:-4} "$here/bench/webhook_bench.sh" "$build" \
  "$build/peers/go-webhook" "$results"

echo "== plugin vs kubectl" >&2
"$here/bench/plugin_bench.sh" "$build" "$results" --runs "$rounds" \
  --sizes "${BENCH_SIZES:-50,5000}"

"$here/bench/report.sh" "$results" "$report"
echo "== done in $(($(date +%s) - start)) s; results in $results, report in $report" >&2
