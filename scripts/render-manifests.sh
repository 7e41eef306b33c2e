#!/usr/bin/env bash
# Renders every install variant of the webhook's manifests with the real `kubectl kustomize`:
#   <mode>-<certificates>[-no-match-conditions].yaml
#     mode:          enforce | warn            (components/warn)
#     certificates:  cert-manager | self-signed (overlays/cert-manager | overlays/self-signed)
#     -no-match-conditions: for Kubernetes older than 1.28 (components/no-match-conditions)
# `kubectl aksarc-support install` embeds these files (manifests/rendered/, checked by
# tests/manifests/install_test.sh to equal a fresh rendering). Self-signed variants carry the
# placeholders @CA_CRT@, @TLS_CRT@ and @TLS_KEY@ where the Secret's base64 data goes (the
# overlay copies ca.crt into every caBundle); the plugin fills them in. With a CERTS_DIR written
# by scripts/self-signed-certs.sh, the real values are rendered instead (for comparisons).
# Usage: scripts/render-manifests.sh OUT_DIR [CERTS_DIR]
set -euo pipefail
out=${1:?usage: render-manifests.sh OUT_DIR [CERTS_DIR]}
certs=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cp -R "$here/manifests" "$work/manifests"
secret=$work/manifests/overlays/self-signed/generated/tls-secret.yaml
if [[ -n "$certs" ]]; then
  cp "$certs/tls-secret.yaml" "$secret"
else
  cat >"$secret" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: aksarc-support-webhook-tls
  namespace: aksarc-support
type: kubernetes.io/tls
data:
  ca.crt: "@CA_CRT@"
  tls.crt: "@TLS_CRT@"
  tls.key: "@TLS_KEY@"
YAML
fi
for mode in enforce warn; do
  for certificates in cert-manager self-signed; do
    for conditions in "" -no-match-conditions; do
      name=$mode-$certificates$conditions
      dir=$work/variants/$name
      mkdir -p "$dir"
      {
        echo "apiVersion: kustomize.config.k8s.io/v1beta1"
        echo "kind: Kustomization"
        echo "resources:"
        echo "  - ../../manifests/overlays/$certificates"
        if [[ $mode == warn || -n $conditions ]]; then echo "components:"; fi
        if [[ $mode == warn ]]; then echo "  - ../../manifests/components/warn"; fi
        if [[ -n $conditions ]]; then echo "  - ../../manifests/components/no-match-conditions"; fi
      } >"$dir/kustomization.yaml"
      kubectl kustomize "$dir" >"$out/$name.yaml"
    done
  done
done
