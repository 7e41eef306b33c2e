#!/usr/bin/env bash
# Security properties of the webhook, checked on the running binary:
#   1. TLS: every protocol version and every cipher suite this OpenSSL knows is offered, one at a
#      time, for an EC and an RSA serving key; only TLS 1.2 with ECDHE + AEAD suites and TLS 1.3
#      may be accepted. The accepted suites are listed (tls-suites.tsv in the out dir).
#   2. No secret in the logs: requests carrying secrets (a Secret's data and stringData, a token
#      in userInfo.extra, an Authorization header, a password in a container's env, a secret in a
#      malformed body), a private key that fails to load at start-up and on reload. Marker strings
#      and the key's own base64 must appear in no log line, no stderr, no /metrics and no answer
#      (answers go into the API server's audit log).
#   3. Non-root, read-only: the webhook runs as uid/gid 65532 (the image's USER) in a mount
#      namespace where every filesystem is read-only, serves, picks up a rotated certificate
#      and exits 0 on SIGTERM. (The manifests' securityContext is checked by the manifests test.)
#
# Usage: security.sh <aksarc-support-webhook> <tests/testdata> [out dir]
set -u
webhook=${1:?usage: security.sh <webhook> <tests/testdata> [out dir]}
testdata=${2:?usage: security.sh <webhook> <tests/testdata> [out dir]}
out_dir=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/tap.sh"
source "$here/webhook_lib.sh"
for tool in jq curl openssl setpriv unshare; do
  command -v "$tool" >/dev/null || { echo "security: $tool is not installed" >&2; exit 2; }
done
rel_ca && rel_serving_cert ec || { echo "security: openssl failed" >&2; exit 2; }
openssl req -newkey rsa:2048 -nodes -subj "/CN=aksarc-support" -keyout "$work/rsa.key" \
  -out "$work/rsa.csr" 2>/dev/null &&
  openssl x509 -req -in "$work/rsa.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
    -set_serial 7 -days 1 -extfile "$work/ec.ext" -out "$work/rsa.crt" 2>/dev/null ||
  { echo "security: openssl failed" >&2; exit 2; }

# --- 1. protocol versions and cipher suites ------------------------------------------------------
# SECLEVEL=0 lets this client offer what a modern OpenSSL would not, so a refusal is the server's.
# handshake PORT ARGS...: prints "PROTOCOL SUITE" when a suite was negotiated, "refused: ALERT"
# when the server's alert ended the handshake, "no answer" otherwise (a refusal is only counted
# when it was seen, so a slow machine cannot pass a check by timing out). Tried up to 3 times.
handshake() {
  local try out
  for try in 1 2 3; do
    out=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$1" "${@:2}" 2>&1 |
      awk '$1 == "Protocol" && $2 == ":" {p = $3} $1 == "Cipher" && $2 == ":" {c = $3}
           /^New, TLSv1.3, Cipher is / && c == "" {p = "TLSv1.3"; c = $NF}
           /alert/ && a == "" {a = $0; sub(/.*alert /, "", a); sub(/:.*/, "", a)}
           END {if (c != "" && c != "0000" && c != "(NONE)") print p " " c
                else if (a != "") {
                  if (a == "number 70") a = "protocol_version alert (70)"
                  if (a == "number 40") a = "handshake_failure alert (40)"
                  print "refused: " a
                } else print "no answer"}')
    [[ "$out" != "no answer" ]] && break
  done
  echo "$out"
}
accepted() { [[ "$1" != refused:* && "$1" != "no answer" ]]; }
refused() { [[ "$1" == refused:* ]]; }
suites_rows=()
allowed_re='^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$'
scan_key() {  # scan_key NAME: every protocol and suite against a webhook serving NAME.{crt,key}
  local key=$1 v suite got accepted12=0
  start_webhook "$webhook" "tls-$key" --tls-cert-file "$work/$key.crt" \
    --tls-private-key-file "$work/$key.key" --cluster-version 1.30 || return 1
  for v in -tls1 -tls1_1; do
    got=$(handshake "$port" "$v" -cipher 'ALL:@SECLEVEL=0')
    expect "$key key: ${v#-} is refused ($got)" refused "$got"
    suites_rows+=("$key	${v#-}	(any)	$got")
  done
  # A server that supports any suite of those offered negotiates one, so offering a whole class
  # at once and being refused shows that every suite of the class is refused. The classes are
  # reported one by one, then everything outside ECDHE+AEAD together, then each AEAD suite alone.
  local all allowed others class n
  all=$(openssl ciphers 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' | tr ':' '\n' | grep -v '^TLS_')
  allowed=$(grep -E "$allowed_re" <<<"$all")
  others=$(grep -vE "$allowed_re" <<<"$all" | paste -sd:)
  # (PSK and SRP suites are in the "everything outside" offer only: offered alone, this client
  # has no PSK identity or SRP user and does not even send a ClientHello.)
  for class in aNULL eNULL EXPORT RC4 3DES DES IDEA SEED CAMELLIA ARIA kRSA kDHE \
    'ECDHE+SHA1' 'ECDHE+SHA256:ECDHE+SHA384:!AESGCM:!CHACHA20' AESCCM; do
    n=$(openssl ciphers "$class:@SECLEVEL=0" 2>/dev/null | tr ':' '\n' | grep -vc '^TLS_')
    ((n == 0)) && continue
    got=$(handshake "$port" -tls1_2 -cipher "$class:@SECLEVEL=0")
    expect "$key key: TLS 1.2 $class suites ($n) are refused ($got)" refused "$got"
    suites_rows+=("$key	TLSv1.2	$class ($n suites)	$got")
  done
  got=$(handshake "$port" -tls1_2 -cipher "$others:@SECLEVEL=0")
  n=$(tr ':' '\n' <<<"$others" | grep -c .)
  expect "$key key: TLS 1.2 refuses every suite outside ECDHE+AEAD ($n offered at once: $got)" \
    refused "$got"
  for suite in $allowed; do
    got=$(handshake "$port" -tls1_2 -cipher "$suite")
    accepted "$got" && accepted12=$((accepted12 + 1))
    suites_rows+=("$key	TLSv1.2	$suite	$got")
  done
  expect "$key key: TLS 1.2 accepts ECDHE with AES-GCM or ChaCha20-Poly1305 ($accepted12 suites)" \
    test "$accepted12" -gt 0
  for suite in TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256 \
    TLS_AES_128_CCM_SHA256 TLS_AES_128_CCM_8_SHA256; do
    got=$(handshake "$port" -tls1_3 -ciphersuites "$suite")
    suites_rows+=("$key	TLSv1.3	$suite	$got")
  done
  got=$(handshake "$port" -tls1_3)
  expect "$key key: TLS 1.3 is accepted ($got)" accepted "$got"
  kill "$pid"
  wait "$pid" 2>/dev/null
}
# Control: the same client against a server that allows everything (openssl s_server) does
# negotiate these, so the refusals above are the webhook's and not the client's limits.
control() {
  local got cport=""
  (exec openssl s_server -www -accept 127.0.0.1:0 -cert "$work/ec.crt" -key "$work/ec.key" \
    -cipher 'ALL:@SECLEVEL=0' -naccept 10 >"$work/control.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 50); do
    cport=$(sed -n 's/^ACCEPT 127.0.0.1:\([0-9]*\)$/\1/p' "$work/control.log")
    [[ -n "$cport" ]] && break
    sleep 0.1
  done
  for args in "-tls1_1 -cipher ALL:@SECLEVEL=0" "-tls1_2 -cipher ECDHE+SHA1:@SECLEVEL=0" \
    "-tls1_2 -cipher ECDHE+SHA256:ECDHE+SHA384:!AESGCM:!CHACHA20:@SECLEVEL=0"; do
    # shellcheck disable=SC2086  # the arguments are split on purpose
    got=$(handshake "$cport" $args)
    expect "control: a permissive server negotiates $args ($got)" accepted "$got"
  done
}
control
scan_key ec
scan_key rsa

# --- 2. no secret in logs, errors, metrics or answers --------------------------------------------
marker=SECRET-MARKER-$RANDOM$RANDOM
b64() { printf '%s' "$1" | base64 -w0; }
review_of() {  # review_of OPERATION OBJECT-JSON [EXTRA-JSON]: an AdmissionReview around OBJECT
  jq -n --arg op "$1" --argjson obj "$2" --argjson extra "${3:-{\}}" '{
    apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview",
    request: ({uid: "5ec2e7-0000", operation: $op, namespace: $obj.metadata.namespace,
      name: $obj.metadata.name,
      kind: {group: "", version: "v1", kind: $obj.kind},
      resource: {group: "", version: "v1", resource: (($obj.kind | ascii_downcase) + "s")},
      userInfo: {username: "alice", groups: ["system:authenticated"],
                 extra: {"authentication.kubernetes.io/credential-id": ["\($extra.marker // "")"]}},
      object: $obj, oldObject: (if $op == "UPDATE" then $obj else null end)})}'
}
secret_obj=$(jq -n --arg m "$marker" --arg d "$(b64 "$marker-data")" '{apiVersion: "v1",
  kind: "Secret", metadata: {name: "creds", namespace: "kube-system",
  labels: {"kubernetes.azure.com/managedby": "aks"}},
  data: {password: $d}, stringData: {token: "\($m)-stringdata"}, type: "Opaque"}')
pod_obj=$(jq -n --arg m "$marker" '{apiVersion: "v1", kind: "Pod",
  metadata: {name: "app", namespace: "kube-system"},
  spec: {containers: [{name: "app", image: "nginx",
    env: [{name: "PASSWORD", value: "\($m)-env"}],
    command: ["kubelet", "--token=\($m)-arg", "--feature-gates=AllAlpha=true"]}]}}')
review_of CREATE "$secret_obj" "{\"marker\":\"$marker-extra\"}" >"$work/secret-create.json"
review_of UPDATE "$secret_obj" >"$work/secret-update.json"
review_of DELETE "$secret_obj" >"$work/secret-delete.json"
review_of CREATE "$pod_obj" >"$work/pod-create.json"
printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","token":"%s-broken",' \
  "$marker" >"$work/broken.json"

mkdir -p "$work/tls"
cp "$work/ec.crt" "$work/tls/tls.crt"
cp "$work/ec.key" "$work/tls/tls.key"
start_webhook "$webhook" secrets --tls-cert-file "$work/tls/tls.crt" \
  --tls-private-key-file "$work/tls/tls.key" --cluster-version 1.30 --reload-interval 0.2 ||
  { finish; exit 1; }
answers=""
for f in secret-create secret-update secret-delete pod-create broken; do
  answers+=$(curl -s --max-time 5 --cacert "$work/ca.crt" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $marker-header" --data-binary "@$work/$f.json" \
    "https://127.0.0.1:$port/validate")
  answers+=$'\n'
done
expect "the Secret and Pod reviews were judged (5 answers)" \
  test "$(grep -c '"response"' <<<"$answers")" -eq 5
# A key that fails to load, with a marker inside: on reload, and at start-up.
{
  echo "-----BEGIN PRIVATE KEY-----"
  echo "$marker-key"
  echo "-----END PRIVATE KEY-----"
} >"$work/bad.key"
cp "$work/bad.key" "$work/tls/tls.key.new" && mv "$work/tls/tls.key.new" "$work/tls/tls.key"
for _ in $(seq 1 50); do grep -q 'reload failed' "$work/secrets.log" && break; sleep 0.1; done
expect "a broken key on reload is refused and logged" grep -q 'reload failed' "$work/secrets.log"
metrics_text=$(curl -s --max-time 5 --cacert "$work/ca.crt" "https://127.0.0.1:$port/metrics")
"$webhook" --tls-cert-file "$work/ec.crt" --tls-private-key-file "$work/bad.key" --port 0 \
  >"$work/startup.log" 2>"$work/startup.err"
expect "a broken key at start-up: exit 1" test $? -eq 1
key_body=$(sed -n '2p' "$work/ec.key" | cut -c1-40)
everything=$(cat "$work/secrets.log" "$work/secrets.err" "$work/startup.log" "$work/startup.err" \
  "$work"/tls-*.log "$work"/tls-*.err; echo "$metrics_text"; echo "$answers")
for leak in "$marker" "$(b64 "$marker-data")" "$key_body" "PRIVATE KEY"; do
  expect "no log line, error, metric or answer contains ${leak:0:24}..." \
    test "$(grep -c -F -- "$leak" <<<"$everything")" -eq 0
done
expect "the decisions were logged (so the logs were looked at)" \
  test "$(grep -c '"msg":"decision"' "$work/secrets.log")" -ge 4

# --- 3. non-root, read-only filesystems ------------------------------------------------------------
# kubelet mounts the Secret read-only and the pod's fsGroup makes the key readable: here the
# files belong to uid 65532 and every mount the process sees is read-only.
mkdir -p "$work/ro"
chmod 755 "$work"
publish "$work/ro/tls" tls.crt="$work/ec.crt" tls.key="$work/ec.key"
chown -R 65532:65532 "$work/ro"
cat >"$work/ro-run.sh" <<RUN
for m in \$(findmnt -rno TARGET | grep -Ev '^/(proc|sys|dev)(/|\$)'); do
  mount -o bind,remount,ro "\$m" 2>/dev/null || mount --bind -o ro "\$m" "\$m"
done
exec setpriv --reuid=65532 --regid=65532 --clear-groups --inh-caps=-all --bounding-set=-all \
  "$webhook" --bind-address 127.0.0.1 --port 0 --tls-cert-file "$work/ro/tls/tls.crt" \
  --tls-private-key-file "$work/ro/tls/tls.key" --cluster-version 1.30 --reload-interval 0.2
RUN
unshare --mount --propagation private bash "$work/ro-run.sh" >"$work/ro.log" 2>"$work/ro.err" &
pid=$!
pids+=("$pid")
port=""
for _ in $(seq 1 100); do
  port=$(grep -m1 '"msg":"listening"' "$work/ro.log" 2>/dev/null | jq -r '.port // empty')
  [[ -n "$port" ]] && break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  not_ok "the webhook starts as uid 65532 on read-only filesystems: $(cat "$work/ro.err")"
else
  uid=$(awk '/^Uid:/ {print $2 "/" $3}' "/proc/$(pgrep -n -f "$work/ro/tls/tls.crt")/status")
  expect "it runs as uid 65532 ($uid)" test "$uid" = 65532/65532
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$work/ca.crt" \
    -H 'Content-Type: application/json' --data-binary "@$work/pod-create.json" \
    "https://127.0.0.1:$port/validate")
  expect "it answers reviews on read-only filesystems ($code)" test "$code" = 200
  rel_serving_cert ec2
  publish "$work/ro/tls" tls.crt="$work/ec2.crt" tls.key="$work/ec2.key"
  chown -R 65532:65532 "$work/ro"
  want=$(openssl x509 -noout -serial -in "$work/ec2.crt" | cut -d= -f2)
  for _ in $(seq 1 50); do [[ "$(served_serial "$port")" == "$want" ]] && break; sleep 0.1; done
  expect "it picks up a rotated certificate" test "$(served_serial "$port")" = "$want"
  kill -TERM "$(pgrep -n -f "$work/ro/tls/tls.crt")"
  wait "$pid"
  expect "it exits 0 on SIGTERM" test $? -eq 0
  expect "nothing on stderr (no write was attempted and failed)" test ! -s "$work/ro.err"
fi

if [[ -n "$out_dir" ]]; then
  mkdir -p "$out_dir"
  {
    printf 'key\tprotocol\tsuite\tresult\n'
    printf '%s\n' "${suites_rows[@]}"
  } >"$out_dir/tls-suites.tsv"
fi
printf '%s\n' "${suites_rows[@]}" | awk -F'\t' '$4 !~ /^refused/ {print "# " $1 " key: " $2 " " $3 ": " $4}'
finish
