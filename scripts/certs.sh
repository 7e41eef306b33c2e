# Sourced by the demos and shell tests: a throw-away CA and a serving certificate on loopback.
# Needs openssl. The certificates live one day; nothing here is for production (see
# scripts/self-signed-certs.sh for the cluster's own).

# issue_serving_cert DIR CA_NAME SUBJECT_ALT_NAMES: writes DIR/ca.{crt,key} and DIR/tls.{crt,key}
# (P-256), the serving certificate valid for SUBJECT_ALT_NAMES (e.g. "IP:127.0.0.1,DNS:localhost").
issue_serving_cert() {
  local dir=$1 ca_name=$2 names=$3
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=$ca_name" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=aksarc-support" \
      -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null &&
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$names" >"$dir/tls.ext" &&
    openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 1 -extfile "$dir/tls.ext" -out "$dir/tls.crt" 2>/dev/null
}
