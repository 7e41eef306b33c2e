#!/usr/bin/env bash
# `kubectl aksarc-support install` through the real kubectl: its output equals the real
# `kubectl kustomize` rendering of the same overlay and components (with the certificates of
# scripts/self-signed-certs.sh), the embedded renderings are current, the cluster's version picks
# the matchConditions variant, generated certificates verify for the Service's names, and bad
# input is exit 1 with a message.
# Usage: install_test.sh <repo root> <plugin bin dir> <aksarc-test-apiserver> <tests/testdata>
set -euo pipefail
root=$(cd "${1:?repo root}" && pwd)
bin_dir=$(cd "${2:?plugin bin dir}" && pwd)
server_bin=${3:?aksarc-test-apiserver}
testdata=$(cd "${4:?testdata}" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../lib/tap.sh
source "$root/tests/lib/tap.sh"
export PATH=$bin_dir:$PATH
# install ARGS...: sets out, err, rc.
install() {
  rc=0
  out=$(timeout 60 kubectl aksarc-support install "$@" 2>"$work/stderr") || rc=$?
  err=$(cat "$work/stderr")
}

# The embedded renderings are what kustomize renders today.
bash "$root/scripts/render-manifests.sh" "$work/fresh"
for f in "$root"/manifests/rendered/*.yaml; do
  expect "manifests/rendered/$(basename "$f") is current (else run scripts/render-manifests.sh manifests/rendered)" \
    cmp -s "$f" "$work/fresh/$(basename "$f")"
done

# Every variant equals kustomize's rendering with the script's certificates.
bash "$root/scripts/self-signed-certs.sh" "$work/certs" 2>/dev/null
bash "$root/scripts/render-manifests.sh" "$work/real" "$work/certs"
for mode in enforce warn; do
  for version in 1.31 1.27; do
    suffix=""
    [[ $version == 1.27 ]] && suffix=-no-match-conditions
    install --mode "$mode" --kubernetes-version "$version" --certs-dir "$work/certs"
    expect "install --mode $mode (Kubernetes $version) = kubectl kustomize $mode-self-signed$suffix" \
      bash -c "[[ $rc == 0 ]] && diff -q <(printf '%s\n' \"\$1\") '$work/real/$mode-self-signed$suffix.yaml' >/dev/null" _ "$out"
    install --mode "$mode" --kubernetes-version "$version" --cert-manager
    expect "install --mode $mode --cert-manager (Kubernetes $version) = kubectl kustomize $mode-cert-manager$suffix" \
      bash -c "[[ $rc == 0 ]] && diff -q <(printf '%s\n' \"\$1\") '$work/real/$mode-cert-manager$suffix.yaml' >/dev/null" _ "$out"
  done
done
install --kubernetes-version v1.31.10 --cert-manager
expect "--mode defaults to warn (the first step of a rollout)" \
  bash -c "diff -q <(printf '%s\n' \"\$1\") '$work/real/warn-cert-manager.yaml' >/dev/null" _ "$out"

# The version comes from the cluster when not given.
source "$root/scripts/certs.sh"
issue_serving_cert "$work" "test CA" "IP:127.0.0.1"
cp -R "$testdata/clusters/aksarc-healthy" "$work/old"
jq '.gitVersion = "v1.27.3" | .minor = "27"' "$testdata/clusters/aksarc-healthy/version.json" \
  >"$work/old/version.json"
# shellcheck source=../lib/test_apiserver.sh
source "$root/tests/lib/test_apiserver.sh"
start_test_apiserver "$server_bin" "$testdata/clusters/aksarc-healthy" "$work" new
start_test_apiserver "$server_bin" "$work/old" "$work" old
test_apiserver_kubeconfig "$work" new
test_apiserver_kubeconfig "$work" old
install --kubeconfig "$work/new.kubeconfig" --cert-manager --mode enforce
expect "a 1.31 cluster gets matchConditions" \
  bash -c "[[ $rc == 0 ]] && grep -q '^  matchConditions:' <<<\"\$1\" && grep -q 'Kubernetes 1.31' <<<\"\$2\"" _ "$out" "$err"
install --kubeconfig "$work/old.kubeconfig" --cert-manager --mode enforce
expect "a 1.27 cluster gets the variant without matchConditions" \
  bash -c "[[ $rc == 0 ]] && ! grep -q '^  matchConditions:' <<<\"\$1\" &&
           diff -q <(printf '%s\n' \"\$1\") '$work/real/enforce-cert-manager-no-match-conditions.yaml' >/dev/null" _ "$out"

# Certificates made by the plugin: the serving certificate verifies for the Service's names,
# every caBundle is the Secret's CA.
install --kubernetes-version 1.31
secret_field() {
  grep -E "^  $1: " <<<"$out" | head -1 | awk '{ print $2 }'
}
secret_field ca.crt | base64 -d >"$work/gen-ca.crt"
secret_field tls.crt | base64 -d >"$work/gen-tls.crt"
for name in aksarc-support-webhook.aksarc-support.svc aksarc-support-webhook.aksarc-support.svc.cluster.local; do
  expect "a generated certificate verifies for $name" bash -c \
    "openssl verify -CAfile '$work/gen-ca.crt' -verify_hostname '$name' '$work/gen-tls.crt' >/dev/null"
done
expect "a generated certificate does not verify for another name" \
  bash -c "! openssl verify -CAfile '$work/gen-ca.crt' -verify_hostname evil.example '$work/gen-tls.crt' >/dev/null 2>&1"
ca_b64=$(secret_field ca.crt)
expect "every caBundle is the Secret's CA (4 webhooks)" \
  test "$(grep -c "caBundle: $ca_b64\$" <<<"$out")" = 4
expect "without --certs-dir the user is told the CA key is not kept" grep -q "certs-dir" <<<"$err"
expect "no placeholder is left" bash -c "! grep -q '@[A-Z_]*@' <<<\"\$1\"" _ "$out"

install --kubernetes-version 1.31 --certs-dir "$work/kept"
first=$out
expect "--certs-dir writes the CA and certificate, keys private" \
  bash -c "test -s '$work/kept/ca.crt' -a -s '$work/kept/tls.crt' &&
           [[ \$(stat -c %a '$work/kept/ca.key') == 600 && \$(stat -c %a '$work/kept/tls.key') == 600 ]]"
install --kubernetes-version 1.31 --certs-dir "$work/kept"
expect "a second install with the same --certs-dir prints the same manifests" test "$out" = "$first"
rm "$work/kept/tls.crt" "$work/kept/tls.key"
ca_before=$(cat "$work/kept/ca.crt")
install --kubernetes-version 1.31 --certs-dir "$work/kept"
expect "renewing the serving certificate keeps the CA (same caBundle)" \
  bash -c "[[ $rc == 0 ]] && [[ \"\$(cat '$work/kept/ca.crt')\" == \"\$1\" ]] && [[ \"\$2\" != \"\$3\" ]]" _ "$ca_before" "$out" "$first"

# Bad input: exit 1, a message, nothing on stdout.
printf 'not a certificate\n' >"$work/kept/tls.crt"
install --kubernetes-version 1.31 --certs-dir "$work/kept"
expect "an unreadable certificate in --certs-dir: exit 1 naming the file" \
  bash -c "[[ $rc == 1 && -z \"\$1\" ]] && grep -q 'tls.crt: not a PEM certificate' <<<\"\$2\"" _ "$out" "$err"
install --mode audit --kubernetes-version 1.31
expect "--mode audit: exit 1" test "$rc" = 1
install --kubernetes-version 1.31 --cert-manager --certs-dir "$work/x"
expect "--cert-manager with --certs-dir: exit 1" bash -c "[[ $rc == 1 ]] && grep -q certs-dir <<<\"\$1\"" _ "$err"
install --kubernetes-version latest
expect "a malformed --kubernetes-version: exit 1" bash -c "[[ $rc == 1 ]] && grep -q kubernetes-version <<<\"\$1\"" _ "$err"
install --kubeconfig "$work/missing.kubeconfig"
expect "no cluster and no --kubernetes-version: exit 1 saying how to give it" \
  bash -c "[[ $rc == 1 && -z \"\$1\" ]] && grep -q -- '--kubernetes-version' <<<\"\$2\"" _ "$out" "$err"

finish
