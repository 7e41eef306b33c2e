#!/usr/bin/env bash
# Checks that the Go peer decides like aksarc-support-webhook.
# Usage: bench/peers/equivalence.sh WEBHOOK_BIN GO_WEBHOOK_BIN [BODIES_DIR...]
# Starts both servers on ephemeral loopback ports with the same certificate, posts every
# tests/testdata/admission/*.request.json and every *.json of the BODIES_DIRs to both, and compares
# the decisions: HTTP status, apiVersion, response.uid, response.allowed, response.status.code, the
# set of rule IDs in response.auditAnnotations.rule, and whether warnings are present (messages
# may differ). Prints one line per mismatch and "N bodies, M identical decisions"; exits 1 on any
# mismatch, 2 when a server cannot be started. Both servers are stopped on every exit.
# Environment: CLUSTER_VERSION (default 1.30, as the golden tests; empty: none, both judge against
# the newest minor in the data), POLICY_CONFIG (a policy YAML given to both with --config).
# Needs curl, jq and openssl.
set -euo pipefail
usage="usage: bench/peers/equivalence.sh WEBHOOK_BIN GO_WEBHOOK_BIN [BODIES_DIR...]"
ours_bin=${1:?$usage}
go_bin=${2:?$usage}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cluster_version=${CLUSTER_VERSION-1.30}
for tool in curl jq openssl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 2; }
done
for bin in "$ours_bin" "$go_bin"; do
  [[ -x $bin ]] || { echo "error: $bin is not an executable" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/equivalence.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../../scripts/certs.sh
source "$repo/scripts/certs.sh"
issue_serving_cert "$tmp" "equivalence-ca" "IP:127.0.0.1" || { echo "error: openssl failed" >&2; exit 2; }

common=(--tls-cert-file "$tmp/tls.crt" --tls-private-key-file "$tmp/tls.key" --port 0
        --bind-address 127.0.0.1)
[[ -n $cluster_version ]] && common+=(--cluster-version "$cluster_version")
[[ -n ${POLICY_CONFIG:-} ]] && common+=(--config "$POLICY_CONFIG")

# start NAME BIN ARGS...: runs the server, waits for its "listening" line, sets port_NAME.
start() {
  local name=$1 bin=$2 line=""
  shift 2
  "$bin" "$@" >"$tmp/$name.log" 2>"$tmp/$name.err" &
  pids+=($!)
  for _ in $(seq 100); do
    line=$(grep -m1 '"msg":"listening"' "$tmp/$name.log" 2>/dev/null || true)
    [[ -n $line ]] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z $line ]]; then
    echo "error: $name did not start:" >&2
    cat "$tmp/$name.err" "$tmp/$name.log" >&2
    exit 2
  fi
  printf -v "port_$name" '%s' "$(grep -o '"port":[0-9]*' <<<"$line" | cut -d: -f2)"
}
start ours "$ours_bin" "${common[@]}"
start go "$go_bin" "${common[@]}" --data-dir "$repo/data"

# decision PORT BODY: one line summing up the answer.
decision() {
  local port=$1 body=$2 out=$tmp/answer.json status
  status=$(curl -sS --cacert "$tmp/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$body" -o "$out" -w '%{http_code}' "https://127.0.0.1:$port/validate" \
    2>"$tmp/curl.err") || status="curl-failed:$(head -c 200 "$tmp/curl.err")"
  local summary
  summary=$(jq -c '{apiVersion, uid: .response.uid, allowed: .response.allowed,
      code: .response.status.code,
      rules: ((.response.auditAnnotations.rule // "") | split(",") | map(select(. != "")) | sort),
      warnings: ((.response.warnings // []) | length > 0)}' "$out" 2>/dev/null) ||
    summary="not-json:$(head -c 100 "$out" 2>/dev/null)"
  echo "http=$status $summary"
}

bodies=("$repo"/tests/testdata/admission/*.request.json)
for dir in "$@"; do
  [[ -d $dir ]] || { echo "error: $dir is not a directory" >&2; exit 2; }
  shopt -s nullglob
  bodies+=("$dir"/*.json)
  shopt -u nullglob
done

total=0 same=0
for body in "${bodies[@]}"; do
  total=$((total + 1))
  a=$(decision "$port_ours" "$body")
  b=$(decision "$port_go" "$body")
  if [[ $a == "$b" ]]; then
    same=$((same + 1))
  else
    echo "MISMATCH ${body#"$repo"/}: ours $a | go $b"
  fi
done
echo "$total bodies, $same identical decisions"
[[ $total -eq $same ]]
