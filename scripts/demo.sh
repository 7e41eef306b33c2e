#!/usr/bin/env bash
# make demo: the webhook on loopback with a fresh self-signed certificate, judging a handful of
# realistic AdmissionReviews (from tests/testdata/admission) over real HTTPS, printed readably.
# Usage: scripts/demo.sh <path to aksarc-support-webhook>
set -euo pipefail
webhook=${1:?usage: demo.sh <aksarc-support-webhook binary>}
here=$(cd "$(dirname "$0")/.." && pwd)
cases=$here/tests/testdata/admission
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  red=$'\e[31m' green=$'\e[32m' yellow=$'\e[33m' bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
else
  red="" green="" yellow="" bold="" dim="" off=""
fi

# A CA and a serving certificate for 127.0.0.1, as the self-signed install does for the Service.
# shellcheck source=certs.sh
source "$here/scripts/certs.sh"
issue_serving_cert "$work" "aksarc-support demo CA" "IP:127.0.0.1,DNS:localhost"
printf 'clusterVersion: "1.30"\n' >"$work/policy.yaml"

# Start on a free ephemeral port (retry if another process took it first).
for _ in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  "$webhook" --tls-cert-file "$work/tls.crt" --tls-private-key-file "$work/tls.key" \
    --bind-address 127.0.0.1 --port "$port" --config "$work/policy.yaml" >"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do
    curl -sf --cacert "$work/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break 2
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; pid=""
done
if [ -z "$pid" ]; then
  echo "error: the webhook did not start; its log:" >&2
  cat "$work/log" >&2
  exit 1
fi

echo "${bold}aksarc-support webhook${off} on https://127.0.0.1:$port (self-signed certificate, policy for Kubernetes 1.30)"
echo
n=0
failures=0
show() {  # show <case name> <what a person did>
  local name=$1 what=$2 body allowed rules msg warnings
  n=$((n + 1))
  body=$(curl -s --cacert "$work/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$cases/$name.request.json" "https://127.0.0.1:$port/validate")
  allowed=$(jq -r '.response.allowed' <<<"$body")
  rules=$(jq -r '.response.auditAnnotations.rule // empty' <<<"$body")
  if [ "$allowed" = true ]; then
    printf '%2d. %-72s %sALLOWED%s\n' "$n" "$what" "$green" "$off"
  elif [ "$allowed" = false ]; then
    printf '%2d. %-72s %sDENIED%s  %s\n' "$n" "$what" "$red" "$off" "$rules"
    msg=$(jq -r '.response.status.message' <<<"$body")
    fold -s -w 96 <<<"$msg" | sed "s/^/      $dim/; s/\$/$off/"
  else
    printf '%2d. %-72s %sNO ANSWER%s\n' "$n" "$what" "$yellow" "$off"
    failures=$((failures + 1))
  fi
  warnings=$(jq -r '.response.warnings // [] | .[]' <<<"$body")
  [ -n "$warnings" ] && [ "$allowed" = true ] && sed "s/^/      ${yellow}Warning:${off} /" <<<"$warnings"
  return 0
}

show allow-node-user-label-added "kubectl label node moc-l1hj0nllpvs app.contoso.com/tier=gold"
show deny-node-hostname-label-changed "kubectl label --overwrite node moc-l1hj0nllpvs kubernetes.io/hostname=node-a"
show deny-kube-system-coredns-configmap-edit "kubectl edit configmap coredns -n kube-system (cache 30 -> 300)"
show allow-kube-system-coredns-custom "kubectl apply coredns-custom ConfigMap in kube-system"
show allow-kube-system-drain-eviction "kubectl drain: evict a CoreDNS pod in kube-system"
show allow-kube-system-rollout-restart "kubectl rollout restart deployment coredns -n kube-system"
show deny-prev-kube-proxy-daemonset-shell-flag "DaemonSet running kube-proxy --feature-gates=NFTablesProxyMode=true"
show deny-prev-alpha-api-object "create admissionregistration.k8s.io/v1alpha1 MutatingAdmissionPolicy"
show exempt-node-own-kubelet "kubelet of moc-l1hj0nllpvs updates its own Node labels"

echo
echo "${dim}Decision log (one JSON line per request, as the webhook writes it to stdout):${off}"
grep -F '"decision"' "$work/log" | tail -n 3 | cut -c1-220
echo
echo "${dim}Metrics (GET /metrics, excerpt):${off}"
curl -s --cacert "$work/ca.crt" "https://127.0.0.1:$port/metrics" | grep -E '^aksarc_webhook_requests_total' | head -n 8
[ "$failures" -eq 0 ]
