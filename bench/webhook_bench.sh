#!/usr/bin/env bash
# The webhook against its Go peer, side by side in one run (issue 5): both servers get the same
# certificate (P-256, TLS 1.3 negotiated by both), keep-alive connections, and the same wrk load
# on loopback, alternating server by server within every round, so drift on the machine lands on
# both. For each body x connection count x server x round: a fresh server, one wrk run of
# DURATION seconds, then
#   requests/s, p50/p99/p99.9 latency (wrk), server CPU time per request (utime+stime from
#   /proc/PID/stat, before and after), peak RSS (VmHWM from /proc/PID/status)
# plus new TLS connections per second (Connection: close) and time from start to ready.
# Writes OUT_DIR/webhook.tsv, OUT_DIR/startup.tsv and OUT_DIR/decision.json (in-process cost).
#
# Usage: bench/webhook_bench.sh BUILD_DIR GO_WEBHOOK_BIN OUT_DIR
#   env: ROUNDS (3), DURATION (5 s), CONNECTIONS ("8 32"), BODIES ("pod-create node-update
#        configmap-update"), WRK_THREADS (1: the machine's other core is the server's)
set -euo pipefail
build=${1:?usage: webhook_bench.sh BUILD_DIR GO_WEBHOOK_BIN OUT_DIR}
peer=${2:?usage: webhook_bench.sh BUILD_DIR GO_WEBHOOK_BIN OUT_DIR}
out=${3:?usage: webhook_bench.sh BUILD_DIR GO_WEBHOOK_BIN OUT_DIR}
rounds=${ROUNDS:-3}
duration=${DURATION:-5}
connections=${CONNECTIONS:-8 32}
bodies=${BODIES:-pod-create node-update configmap-update}
wrk_threads=${WRK_THREADS:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
ours=$build/aksarc-support-webhook

for tool in wrk curl jq openssl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (make bench installs it)" >&2; exit 1; }
done
for bin in "$ours" "$peer" "$build/bench/aksarc-bench-startup"; do
  [ -x "$bin" ] || { echo "error: $bin is missing (make bench builds it)" >&2; exit 1; }
done

mkdir -p "$out"
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=../scripts/certs.sh
source "$here/scripts/certs.sh"
issue_serving_cert "$work" "aksarc-support bench CA" "IP:127.0.0.1,DNS:localhost"
"$here/bench/bodies/generate.sh" "$work/bodies"

# Both judge against Kubernetes 1.31 with the default policy.
declare -A cmd
cmd[aksarc]="$ours --tls-cert-file $work/tls.crt --tls-private-key-file $work/tls.key --bind-address 127.0.0.1 --cluster-version 1.31"
cmd[go-peer]="$peer --tls-cert-file $work/tls.crt --tls-private-key-file $work/tls.key --bind-address 127.0.0.1 --cluster-version 1.31 --data-dir $here/data"

# A port below the kernel's ephemeral range (32768-60999), where client connections of this very
# benchmark could hold it, and not listened on. The start-up probe needs it in advance.
free_port() {
  local p
  while :; do
    p=$((10000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# start_server NAME: starts it on a port the kernel picks (--port 0; both servers log it in
# their "listening" line) and waits until /readyz answers; sets pid and port.
start_server() {
  local name=$1
  # shellcheck disable=SC2086
  ${cmd[$name]} --port 0 >"$work/$name.log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 250); do
    if [ -z "$port" ]; then
      port=$(grep -m1 '"msg":"listening"' "$work/$name.log" 2>/dev/null | jq -r '.port // empty' || true)
    fi
    if [ -n "$port" ] && curl -sfk "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  echo "error: $name did not become ready; its log:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

stop_server() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# run_load NAME BODY CONNS CLOSE: one wrk run against a fresh server; prints a TSV row.
run_load() {
  local name=$1 body=$2 conns=$3 close=$4 before after json
  start_server "$name"
  # One request first, so one-time set-up (lazy initialisation, first handshake) is not load.
  curl -sfk -H 'Content-Type: application/json' --data-binary "@$work/bodies/$body.json" \
    "https://127.0.0.1:$port/validate" >/dev/null
  before=$(cpu_ticks "$pid")
  json=$(REVIEW_BODY="$work/bodies/$body.json" REVIEW_CLOSE=$close \
    wrk -t "$wrk_threads" -c "$conns" -d "${duration}s" --timeout 5s \
    -s "$here/bench/wrk/post_review.lua" "https://127.0.0.1:$port" | grep '^{')
  after=$(cpu_ticks "$pid")
  local rss
  rss=$(peak_rss_kb "$pid")
  stop_server
  jq -r --arg s "$name" --arg b "$body" --arg c "$conns" --arg close "$close" \
    --argjson ticks "$((after - before))" --argjson hz "$(getconf CLK_TCK)" --argjson rss "$rss" '
    [$s, $b, $c, $close, .requests, (.requests / (.duration_us / 1e6) | floor), .p50_us, .p99_us,
     .p999_us, (if .requests > 0 then ($ticks / $hz * 1e6 / .requests * 10 | round / 10) else 0 end),
     $rss, .errors] | @tsv' <<<"$json"
}

tsv=$out/webhook.tsv
printf 'server\tbody\tconnections\tclose\trequests\trps\tp50_us\tp99_us\tp999_us\tcpu_us_per_req\tpeak_rss_kb\terrors\n' >"$tsv"
servers=(aksarc go-peer)
for round in $(seq 1 "$rounds"); do
  # Alternate which server goes first from round to round.
  if ((round % 2 == 0)); then servers=(go-peer aksarc); else servers=(aksarc go-peer); fi
  for body in $bodies; do
    for conns in $connections; do
      for s in "${servers[@]}"; do
        row=$(run_load "$s" "$body" "$conns" 0)
        printf '%s\n' "$row" >>"$tsv"
        echo "round $round: $row" >&2
      done
    done
  done
  # New TLS connections per second: every request on a new connection (Pod CREATE body).
  for s in "${servers[@]}"; do
    row=$(run_load "$s" pod-create 8 1)
    printf '%s\n' "$row" >>"$tsv"
    echo "round $round (new connections): $row" >&2
  done
done

# Time from start to ready, 5 starts each.
startup=$out/startup.tsv
printf 'server\tready_ms\n' >"$startup"
for s in aksarc go-peer; do
  p=$(free_port)
  # shellcheck disable=SC2086
  ms=$("$build/bench/aksarc-bench-startup" --port "$p" --runs 5 -- ${cmd[$s]} --port "$p" |
    jq -r '.ready_ms | map(tostring) | join(",")')
  printf '%s\t%s\n' "$s" "$ms" >>"$startup"
  echo "start to ready, $s: $ms ms" >&2
done

# The decision in-process (no HTTP): medians of 5 repetitions per stage and body.
if [ -x "$build/bench/aksarc-bench-decision" ]; then
  "$build/bench/aksarc-bench-decision" --bodies "$work/bodies" --benchmark_repetitions=5 \
    --benchmark_min_time=0.2 --benchmark_format=json >"$out/decision.json" 2>/dev/null
fi
