#!/usr/bin/env bash
# make demo, part 1: the support report. Two sample AKS Arc clusters (the healthy one shipped in
# tests/testdata/clusters/aksarc-healthy, and the same cluster after someone edited kube-system
# by hand) are served over HTTPS by the test API server; the plugin reads them through kubectl,
# exactly as it reads a real cluster.
# Usage: scripts/demo_report.sh <build dir>
set -euo pipefail
build=${1:?usage: demo_report.sh <build dir>}
build=$(cd "$build" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
testdata=$here/tests/testdata
server_bin=$build/tests/aksarc-test-apiserver
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
else
  bold="" dim="" off=""
fi
for tool in kubectl jq openssl; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (run make deps)" >&2; exit 1; }
done

# The broken cluster is a scenario of the end-to-end tests: the healthy cluster plus edits.
# shellcheck source=../tests/plugin/scenario_lib.sh
source "$here/tests/plugin/scenario_lib.sh"
scenario_materialise "$testdata" edited-kube-system "$work/clusters"

# shellcheck source=certs.sh
source "$here/scripts/certs.sh"
issue_serving_cert "$work" "aksarc-support demo CA" "IP:127.0.0.1"

# serve NAME FIXTURE: starts a test API server on an ephemeral port; prints the port.
serve() {
  "$server_bin" --fixture-dir "$2" --port 0 --tls-cert-file "$work/tls.crt" \
    --tls-private-key-file "$work/tls.key" --token demo-token --max-lifetime-seconds 120 \
    >"$work/$1.out" 2>"$work/$1.err" &
  pids+=($!)
}
serve healthy "$testdata/clusters/aksarc-healthy"
serve broken "$work/clusters/edited-kube-system"
port_of() {
  for _ in $(seq 1 100); do
    p=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$work/$1.out")
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  echo "error: the test API server did not start:" >&2
  cat "$work/$1.err" >&2
  return 1
}
healthy_port=$(port_of healthy)
broken_port=$(port_of broken)

cat >"$work/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: contoso-aks01
  cluster: {server: "https://127.0.0.1:$healthy_port", certificate-authority: "$work/ca.crt"}
- name: contoso-aks02
  cluster: {server: "https://127.0.0.1:$broken_port", certificate-authority: "$work/ca.crt"}
users:
- name: operator
  user: {token: demo-token}
contexts:
- name: contoso-aks01
  context: {cluster: contoso-aks01, user: operator}
- name: contoso-aks02
  context: {cluster: contoso-aks02, user: operator}
current-context: contoso-aks01
EOF
export KUBECONFIG=$work/kubeconfig PATH=$build:$PATH
# The sample clusters were recorded on 2025-11-25: judge them as of that day.
at=(--at 2025-11-25)
arc=(--arc-status "$testdata/clusters/aksarc-healthy.arc-status.json")

failures=0
run() {  # run <expected exit code> <what it shows> <args...>
  local want=$1 what=$2 code=0
  shift 2
  echo "${bold}\$ kubectl aksarc-support $*${off}   ${dim}# $what${off}"
  kubectl aksarc-support "$@" || code=$?
  echo "${dim}(exit code $code: 0 Supported, 1 could not run, 2 AtRisk, 3 Unsupported)${off}"
  echo
  if [ "$code" != "$want" ]; then
    echo "error: expected exit code $want" >&2
    failures=$((failures + 1))
  fi
}

run 0 "a healthy AKS on Azure Local cluster" --context contoso-aks01 "${at[@]}" "${arc[@]}"
run 3 "the same cluster after hand edits in kube-system; only what is wrong" \
  --context contoso-aks02 "${at[@]}" "${arc[@]}" --only-failed
echo "${bold}\$ kubectl aksarc-support --all-contexts -o json ... | jq${off}   ${dim}# every cluster at once, for scripts${off}"
code=0
kubectl aksarc-support --all-contexts "${at[@]}" "${arc[@]}" -o json >"$work/all.json" || code=$?
jq -c '.items[] | {context, verdict, summary}' "$work/all.json"
echo "${dim}(exit code $code: the worst of the clusters)${off}"
echo
[ "$code" = 3 ] && [ "$(jq '.items | length' "$work/all.json")" = 2 ] || failures=$((failures + 1))
echo "${bold}\$ kubectl aksarc-support explain kube-system-manual-edits${off}"
kubectl aksarc-support explain kube-system-manual-edits | fold -s -w 100
echo
[ "$failures" -eq 0 ]
