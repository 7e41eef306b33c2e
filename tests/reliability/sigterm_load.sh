#!/usr/bin/env bash
# SIGTERM under load: the webhook is stopped while wrk saturates it, over keep-alive connections
# and over a new TLS connection per request. Every request the webhook accepted must be
# answered, and it must exit 0.
#
# Usage: sigterm_load.sh <aksarc-support-webhook> <tests/testdata> [rounds] [out dir]
#
# How "every accepted request answered" is measured: wrk runs longer than the webhook lives, so
# nothing is in flight on wrk's side when it stops. A request that was sent on an open connection
# and got no answer shows up in wrk as a read or write error or a timeout: those must be 0 (a
# refused connection after the listening socket is shut is a connect error, and allowed: it never
# carried a request). And every decision the webhook logged must have reached wrk: decisions
# logged == responses wrk counted, with no 5xx among them.
set -u
webhook=${1:?usage: sigterm_load.sh <webhook> <tests/testdata> [rounds] [out dir]}
testdata=${2:?usage: sigterm_load.sh <webhook> <tests/testdata> [rounds] [out dir]}
rounds=${3:-3}
out_dir=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/tap.sh"
source "$here/webhook_lib.sh"

for tool in wrk jq curl openssl; do
  command -v "$tool" >/dev/null || { echo "sigterm_load: $tool is not installed" >&2; exit 2; }
done
rel_ca && rel_serving_cert serving || { echo "sigterm_load: openssl failed" >&2; exit 2; }
body="$testdata/admission/deny-node-azure-label-added.request.json"
[[ -f "$body" ]] || { echo "sigterm_load: no $body" >&2; exit 2; }

load_seconds=8   # wrk outlives the webhook, which gets SIGTERM after term_after seconds
term_after=3
rows=()
for round in $(seq 1 "$rounds"); do
  start_webhook "$webhook" "term$round" --tls-cert-file "$work/serving.crt" \
    --tls-private-key-file "$work/serving.key" --cluster-version 1.30 || { finish; exit 1; }
  wrk_load "$port" "$body" "$load_seconds" 16 0 "$work/keepalive$round.json" &
  keep=$!
  wrk_load "$port" "$body" "$load_seconds" 4 1 "$work/close$round.json" &
  close=$!
  sleep "$term_after"
  t0=$(date +%s%N)
  kill -TERM "$pid"
  exited=""
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { exited=yes; break; }
    sleep 0.05
  done
  if [[ -z "$exited" ]]; then
    not_ok "round $round: the webhook exits within 15 s of SIGTERM"
    kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid"
  rc=$?
  stop_ms=$((($(date +%s%N) - t0) / 1000000))
  wait "$keep" "$close"
  log="$work/term$round.log"
  decisions=$(grep -c '"msg":"decision"' "$log")
  answered=$(json_sum requests "$work/keepalive$round.json" "$work/close$round.json")
  lost=$(($(json_sum read_errors "$work/keepalive$round.json" "$work/close$round.json") +
    $(json_sum write_errors "$work/keepalive$round.json" "$work/close$round.json") +
    $(json_sum timeouts "$work/keepalive$round.json" "$work/close$round.json")))
  bad_status=$(json_sum status_errors "$work/keepalive$round.json" "$work/close$round.json")
  refused=$(json_sum connect_errors "$work/keepalive$round.json" "$work/close$round.json")
  expect "round $round: exit code 0 after SIGTERM under load (got $rc, ${stop_ms} ms)" \
    test "$rc" -eq 0
  expect "round $round: no request lost (read/write errors and timeouts: $lost)" test "$lost" -eq 0
  expect "round $round: no error status ($bad_status)" test "$bad_status" -eq 0
  expect "round $round: every logged decision reached the client ($decisions logged, $answered answered)" \
    test "$decisions" -eq "$answered"
  expect "round $round: the shutdown is logged" grep -q '"msg":"stopped"' "$log"
  expect "round $round: nothing on stderr" test ! -s "$work/term$round.err"
  rows+=("$round	$answered	$decisions	$lost	$bad_status	$refused	$rc	$stop_ms")
done

if [[ -n "$out_dir" ]]; then
  mkdir -p "$out_dir"
  {
    printf 'round\tanswered\tdecisions_logged\tlost\terror_status\trefused_after_stop\texit_code\tstop_ms\n'
    printf '%s\n' "${rows[@]}"
  } >"$out_dir/sigterm.tsv"
fi
printf '%s\n' "${rows[@]}" | awk -F'\t' '{print "# round " $1 ": " $2 " answered, " $3 " logged, " $4 " lost, exit " $7 ", stopped in " $8 " ms"}'
finish
