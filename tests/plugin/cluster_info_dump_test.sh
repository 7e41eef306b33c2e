#!/usr/bin/env bash
# The real `kubectl cluster-info dump --output-directory` of the sample cluster (served by the test
# API server), judged with --from-dump: what a dump holds is judged exactly as the live read
# judges it; what a dump lacks (version, discovery, ConfigMaps, webhook configurations) makes only
# the checks needing it `unknown`, each saying so and pointing to `snapshot`.
# Usage: cluster_info_dump_test.sh <plugin-bin-dir> <tests/testdata> <aksarc-test-apiserver>
set -euo pipefail
bin_dir=$(cd "${1:?plugin bin dir}" && pwd)
testdata=$(cd "${2:?testdata dir}" && pwd)
server_bin=${3:?aksarc-test-apiserver}
work=${KEEP_WORK:-$(mktemp -d)}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../lib/tap.sh
source "$testdata/../lib/tap.sh"

# shellcheck source=../../scripts/certs.sh
source "$testdata/../../scripts/certs.sh"
issue_serving_cert "$work" "test CA" "IP:127.0.0.1"
# shellcheck source=../lib/test_apiserver.sh
source "$testdata/../lib/test_apiserver.sh"
start_test_apiserver "$server_bin" "$testdata/clusters/aksarc-healthy" "$work" moc
test_apiserver_kubeconfig "$work" moc || exit 1
export KUBECONFIG=$work/moc.kubeconfig PATH=$bin_dir:$PATH
args=(--at 2025-11-25 --arc-status "$testdata/clusters/aksarc-healthy.arc-status.json" -o json)

timeout 60 kubectl cluster-info dump --all-namespaces --output-directory "$work/dump" >/dev/null
expect "kubectl cluster-info dump wrote nodes.json and kube-system/pods.json" \
  test -s "$work/dump/nodes.json" -a -s "$work/dump/kube-system/pods.json"

rc=0
timeout 60 kubectl aksarc-support "${args[@]}" >"$work/live.json" || rc=$?
expect "live: Supported, exit 0" test "$rc" = 0
rc=0
timeout 60 kubectl aksarc-support "${args[@]}" --from-dump "$work/dump" >"$work/dump.json" \
  2>"$work/dump.err" || rc=$?
expect "dump: AtRisk (exit 2), not an error" test "$rc" = 2
expect "dump: nothing on stderr but warnings" \
  bash -c "! grep -v '^warning:' '$work/dump.err' | grep -q ."

# Each check the dump can feed gives the same result as the live read; the API server version,
# which a dump does not record, comes from the kube-apiserver pod's image instead of /version.
version_checks='["control-plane-version", "version-skew"]'
same=$(jq -n --slurpfile a "$work/live.json" --slurpfile b "$work/dump.json" \
  --argjson v "$version_checks" '
  def judged: [.findings[] | select(.status != "unknown") | select(.id as $i | $v | index($i) | not)];
  [$b[0] | judged[] | .id] as $ids
  | [$a[0] | judged[] | select(.id as $i | $ids | index($i))] == ($b[0] | judged)')
expect "dump: every judged finding equals the live one" test "$same" = true
from_image=$(jq -r '[.findings[] | select(.id == "control-plane-version" or .id == "version-skew")
  | .status] | join(",")' "$work/dump.json")
expect "dump: control-plane version and skew judged from the kube-apiserver image ($from_image)" \
  test "$from_image" = "pass,pass"
expect "dump: the version's evidence is the kube-apiserver pod's image" \
  test "$(jq -r '.findings[] | select(.id == "control-plane-version") | .evidence[0]
                 | "\(.kind) \(.field) \(.value)"' "$work/dump.json")" = \
  "Pod spec.containers[kube-apiserver].image ecpacr.azurecr.io/kube-apiserver:v1.31.10"
unknown=$(jq -r '[.findings[] | select(.status == "unknown") | .id] | sort | join(",")' \
  "$work/dump.json")
expect "dump: unknown exactly where a dump lacks data ($unknown)" test "$unknown" = \
  "alpha-apis-served,kube-proxy-feature-gates,kube-system-manual-edits,kubelet-feature-gates,support-webhook"
expect "dump: each unknown says what the dump lacks and points to snapshot" \
  test "$(jq '[.findings[] | select(.status == "unknown")
               | select(.message | test("not in the dump") and test("snapshot"))] | length' \
          "$work/dump.json")" = 5
expect "dump: kubelet versions still judged from nodes.json" \
  test "$(jq -r '.findings[] | select(.id == "kubelet-versions") | .status' "$work/dump.json")" = pass

finish
