#!/usr/bin/env bash
# The plugin through the real kubectl: discovery by `kubectl plugin list`, then
# `kubectl aksarc-support review` on fixtures, checking exit codes and every output format.
# Usage: kubectl_review_test.sh <dir holding kubectl-aksarc_support> <tests/testdata>
set -u
bindir=$1
data=$2
export PATH="$bindir:$PATH"
export KUBECONFIG=/dev/null  # no cluster is needed, and none must be contacted
passed=0
failed=0
check() {  # check <description> <command...>
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}
has() {  # has <description> <extended regex> <text>
  if grep -Eq -- "$2" <<<"$3"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi
}
run() {  # run <args...>: sets out, err, rc
  out=$(timeout 30 kubectl aksarc-support "$@" 2>/tmp/aksarc-plugin-err.$$)
  rc=$?
  err=$(cat /tmp/aksarc-plugin-err.$$)
}
a=$data/admission

check "kubectl plugin list finds the plugin" bash -c \
  "kubectl plugin list 2>/dev/null | grep -q 'kubectl-aksarc_support'"

run review "$a/allow-node-user-label-added.request.json"
check "allowed review exits 0" test "$rc" -eq 0
has "table shows allow" '^allow ' "$out"

run review "$a/allow-node-cordon.request.json" "$a/deny-node-hostname-label-changed.request.json"
check "a denied review exits 3" test "$rc" -eq 3
has "table names the rule" '^deny +NODE-2 +UPDATE +Node moc-l1hj0nllpvs' "$out"
has "table explains the denial" 'kubernetes.io/hostname changed' "$out"

run review -o json "$a/deny-kube-system-coredns-configmap-edit.request.json"
json_ok=$(jq -r '.[0].decision == "deny" and .[0].rules == ["MGD-1"] and .[0].review.response.allowed == false' <<<"$out")
has "json output parses and carries the review" '^true$' "$json_ok"

run review -o yaml "$a/allow-kube-system-drain-eviction.request.json"
has "yaml output" '^- decision: "allow"' "$out"
has "yaml output nests the review" '^      allowed: true' "$out"

run review "$a/error-invalid-json.request.json"
check "invalid input exits 2" test "$rc" -eq 2

run review /nonexistent/file.json
check "unreadable file exits 2" test "$rc" -eq 2
has "with one clear line" '^error: cannot read /nonexistent/file.json$' "$err"

run review --cluster-version banana "$a/allow-node-cordon.request.json"
check "bad --cluster-version is a usage error (1)" test "$rc" -eq 1
has "and says why" 'not a Kubernetes version' "$err"

run review -o xml "$a/allow-node-cordon.request.json"
check "unknown output format is a usage error (1)" test "$rc" -eq 1

run
check "no subcommand is a usage error (1)" test "$rc" -eq 1

run --help
check "--help exits 0" test "$rc" -eq 0
has "--help documents exit codes" 'Exit codes' "$out"

# A bare AdmissionRequest (as policy tools store them) is judged as the API server would send it.
run review "$data/samples/admission/24-pod-create-in-kube-system-bare-request.json"
check "bare request in kube-system is denied" test "$rc" -eq 3
has "by MGD-1" '^deny +MGD-1' "$out"

# Configuration: NODE-2 in warn mode turns the denial into an allowed review with a warning.
cfg=$(mktemp)
printf 'rules:\n  NODE-2: warn\n' >"$cfg"
run review --config "$cfg" "$a/deny-node-hostname-label-changed.request.json"
check "warn mode allows (exit 0)" test "$rc" -eq 0
has "and reports warn" '^warn ' "$out"
printf 'rules: [oops\n' >"$cfg"
run review --config "$cfg" "$a/allow-node-cordon.request.json"
check "invalid config is a usage error (1)" test "$rc" -eq 1
has "naming the problem" 'invalid YAML' "$err"
rm -f "$cfg" /tmp/aksarc-plugin-err.$$

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
