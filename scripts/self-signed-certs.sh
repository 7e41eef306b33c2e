#!/usr/bin/env bash
# Creates the webhook's certificates without cert-manager and without a cluster: a CA, a serving
# certificate for the Service's DNS names signed by it, and the TLS Secret manifest the
# self-signed overlay applies (its caBundle is copied from the Secret's ca.crt by the overlay).
#
#   scripts/self-signed-certs.sh OUT_DIR [--namespace NS] [--service NAME] [--days N]
#   scripts/self-signed-certs.sh manifests/overlays/self-signed/generated
#
# Writes OUT_DIR/{ca.crt,ca.key,tls.crt,tls.key,tls-secret.yaml}. An existing ca.crt/ca.key pair
# in OUT_DIR is kept, so re-running renews only the serving certificate: the caBundle the API
# server trusts stays the same and the running webhook reloads the new certificate without a
# restart. Delete OUT_DIR/ca.* to replace the CA (then the caBundle changes with it).
# Needs openssl (1.1.1 or newer) and base64 (coreutils).
set -euo pipefail

usage() {
  echo "usage: $0 OUT_DIR [--namespace NS] [--service NAME] [--days N]" >&2
  exit 2
}

[[ $# -ge 1 && $1 != -* ]] || usage
out=$1
shift
namespace=aksarc-support
service=aksarc-support-webhook
days=365
ca_days=3650
while [[ $# -gt 0 ]]; do
  case $1 in
    --namespace) namespace=${2:?}; shift 2 ;;
    --service) service=${2:?}; shift 2 ;;
    --days) days=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[[ $days =~ ^[1-9][0-9]*$ ]] || { echo "error: --days must be a positive number" >&2; exit 2; }

mkdir -p "$out"
umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every name the API server may use for the Service (it uses <svc>.<ns>.svc).
names="DNS:$service,DNS:$service.$namespace,DNS:$service.$namespace.svc"
names+=",DNS:$service.$namespace.svc.cluster.local"

if [[ -s $out/ca.crt && -s $out/ca.key ]]; then
  echo "keeping the CA in $out/ca.crt" >&2
else
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$ca_days" \
    -subj "/CN=$service-ca" -keyout "$work/ca.key" -out "$work/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
  mv "$work/ca.key" "$out/ca.key"
  mv "$work/ca.crt" "$out/ca.crt"
fi

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -subj "/CN=$service.$namespace.svc" -keyout "$work/tls.key" -out "$work/tls.csr" \
  2>"$work/err" || { cat "$work/err" >&2; exit 1; }
cat >"$work/tls.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$names
authorityKeyIdentifier=keyid
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$work/tls.ext" \
  -out "$work/tls.crt" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
openssl verify -CAfile "$out/ca.crt" "$work/tls.crt" >/dev/null
mv "$work/tls.key" "$out/tls.key"
mv "$work/tls.crt" "$out/tls.crt"

b64() { base64 -w0 <"$1"; }
cat >"$out/tls-secret.yaml" <<YAML
# Written by scripts/self-signed-certs.sh: holds a private key, do not commit it.
apiVersion: v1
kind: Secret
metadata:
  name: $service-tls
  namespace: $namespace
type: kubernetes.io/tls
data:
  ca.crt: $(b64 "$out/ca.crt")
  tls.crt: $(b64 "$out/tls.crt")
  tls.key: $(b64 "$out/tls.key")
YAML
chmod 0644 "$out/ca.crt" "$out/tls.crt"
echo "wrote $out/tls-secret.yaml (serving certificate for ${names//DNS:/}, $days days)" >&2
