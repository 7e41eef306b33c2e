#!/usr/bin/env bash
# aksarc-support-webhook over real HTTPS on loopback, with curl and openssl as the clients (the
# way the API server calls it). Usage: https_test.sh <aksarc-support-webhook> <tests/testdata>
#
# Every instance listens on 127.0.0.1 port 0 (the kernel picks a free port; the "listening" log
# line names it). Every wait is bounded. Processes and the temp dir are removed on exit.
set -u
webhook=${1:?usage: https_test.sh <aksarc-support-webhook> <tests/testdata dir>}
testdata=${2:?usage: https_test.sh <aksarc-support-webhook> <tests/testdata dir>}
work=$(mktemp -d)
pids=()
passed=0
failed=0
started_at=$(date +%s)

cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

summary() {
  echo "# took $(($(date +%s) - started_at)) s"
  echo "$passed passed, $failed failed"
}
pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  [ $# -gt 1 ] && printf '       %s\n' "${2:0:600}"
  return 0
}
expect_eq() {  # expect_eq <what> <expected> <actual>
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}
expect_contains() {  # expect_contains <what> <needle> <haystack>
  if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1" "no '$2' in: $3"; fi
}
expect_lacks() {  # expect_lacks <what> <needle> <haystack>
  if [[ "$3" != *"$2"* ]]; then pass "$1"; else fail "$1" "unexpected '$2' in: $3"; fi
}
# Polls a command until it succeeds; false after <tries> x 0.1 s.
wait_until() {  # wait_until <tries> <command...>
  local tries=$1 i
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# --- certificates ---------------------------------------------------------------------------
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
make_ca() {  # make_ca <name> <CN>
  ec_key "$work/$1.key"
  openssl req -x509 -new -key "$work/$1.key" -days 2 -subj "/CN=$2" -out "$work/$1.crt" 2>/dev/null
}
make_cert() {  # make_cert <name> <CA name> <CN> <extensions>
  ec_key "$work/$1.key"
  openssl req -new -key "$work/$1.key" -subj "/CN=$3" -out "$work/$1.csr" 2>/dev/null
  printf '%b' "$4" >"$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/$2.crt" -CAkey "$work/$2.key" -CAcreateserial \
    -days 2 -extfile "$work/$1.ext" -out "$work/$1.crt" 2>/dev/null
}
server_ext='subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
client_ext='extendedKeyUsage=clientAuth\n'
make_ca ca "aksarc test serving CA"
make_cert server1 ca aksarc-support "$server_ext"
make_cert server2 ca aksarc-support "$server_ext"
make_ca client-ca "aksarc test client CA"
make_cert apiserver client-ca kube-apiserver "$client_ext"
make_cert intruder client-ca intruder "$client_ext"
make_ca other-ca "some other CA"
make_cert stranger other-ca kube-apiserver "$client_ext"
fingerprint() { openssl x509 -noout -fingerprint -sha256 -in "$1" | cut -d= -f2; }

# The serving pair as kubelet mounts a Secret: tls.crt -> ..data/tls.crt, ..data -> ..v1.
secret=$work/secret
publish_secret() {  # publish_secret <version> <cert name>
  mkdir -p "$secret/$1"
  cp "$work/$2.crt" "$secret/$1/tls.crt"
  cp "$work/$2.key" "$secret/$1/tls.key"
  ln -sfn "$1" "$secret/..data_tmp"
  mv -T "$secret/..data_tmp" "$secret/..data"  # rename(2): the swap is atomic
  [ -L "$secret/tls.crt" ] || ln -s ..data/tls.crt "$secret/tls.crt"
  [ -L "$secret/tls.key" ] || ln -s ..data/tls.key "$secret/tls.key"
}
mkdir -p "$secret"
publish_secret ..v1 server1

# --- requests ---------------------------------------------------------------------------------
cat >"$work/pod-create.json" <<'EOF'
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
 "uid":"0d1b7c7e-1111-4b5e-9a0b-5c6f2f1e0a01",
 "kind":{"group":"","version":"v1","kind":"Pod"},
 "resource":{"group":"","version":"v1","resource":"pods"},
 "namespace":"default","name":"web","operation":"CREATE",
 "userInfo":{"username":"alice@contoso.com","groups":["system:authenticated"]},
 "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},
           "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}},
 "oldObject":null,"dryRun":false}}
EOF
node_deny=$testdata/admission/deny-node-hostname-label-changed.request.json
node_uid=705ab4f5-6393-11e8-b7cc-42010a800002
head -c $((8 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$work/8mib.json"

# --- running the webhook ------------------------------------------------------------------------
base_url=""
port=""
pid=""
start_webhook() {  # start_webhook <name> <extra flags...>; sets pid, port, base_url
  local name=$1
  shift
  "$webhook" --bind-address 127.0.0.1 --port 0 --reload-interval 0.2 "$@" \
    >"$work/$name.log" 2>"$work/$name.err" &
  pid=$!
  pids+=("$pid")
  if ! wait_until 100 grep -q '"msg":"listening"' "$work/$name.log"; then
    fail "$name starts" "$(cat "$work/$name.err" "$work/$name.log")"
    return 1
  fi
  port=$(grep -o '"port":[0-9]*' "$work/$name.log" | head -1 | cut -d: -f2)
  base_url="https://127.0.0.1:$port"
}
https() { curl -sS --max-time 10 --cacert "$work/ca.crt" "$@"; }
review() {  # review <url> <file> [curl args...]: prints the body
  local url=$1 file=$2
  shift 2
  https -H 'Content-Type: application/json' --data-binary "@$file" "$@" "$url/validate"
}
metrics() { https "$base_url/metrics"; }
metric_value() {  # metric_value <exact series>: prints the value, or 0 when absent
  local v
  v=$(metrics | grep -F "$1 " | awk '{print $2}')
  echo "${v:-0}"
}
metric_is() { [ "$(metric_value "$1")" = "$2" ]; }  # for wait_until: re-evaluated each try
served_fingerprint() {
  echo | timeout 5 openssl s_client -connect "127.0.0.1:$1" -servername localhost 2>/dev/null |
    openssl x509 -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2
}
serves() { [ "$(served_fingerprint "$1")" = "$2" ]; }

printf 'clusterVersion: "1.30"\n' >"$work/policy.yaml"
cp "$work/policy.yaml" "$work/policy-1.30.yaml"
start_webhook main --tls-cert-file "$secret/tls.crt" --tls-private-key-file "$secret/tls.key" \
  --config "$work/policy.yaml" --read-timeout 2 || { summary; exit 1; }
main_pid=$pid
main_url=$base_url
main_port=$port
expect_eq "readyz answers 200 once listening" 200 \
  "$(https -o /dev/null -w '%{http_code}' "$main_url/readyz")"
expect_eq "healthz answers ok" ok "$(https "$main_url/healthz")"

# --- admission round trips ----------------------------------------------------------------------
body=$(review "$main_url" "$work/pod-create.json")
expect_contains "pod CREATE in default by a user is allowed" '"allowed":true' "$body"
expect_contains "the uid is echoed" '"uid":"0d1b7c7e-1111-4b5e-9a0b-5c6f2f1e0a01"' "$body"
expect_contains "the answer is an AdmissionReview" '"kind":"AdmissionReview"' "$body"

body=$(review "$main_url" "$node_deny" -H 'Content-Type: application/json; charset=utf-8')
expect_contains "NODE UPDATE of kubernetes.io/hostname by system:masters is denied" \
  '"allowed":false' "$body"
expect_contains "the denial is 403" '"code":403' "$body"
expect_contains "the denial names NODE-2" 'NODE-2' "$body"
expect_contains "the denial echoes the uid" "\"uid\":\"$node_uid\"" "$body"
expect_contains "the decision is logged as one JSON line" \
  "\"uid\":\"$node_uid\",\"user\":\"kubernetes-admin\",\"operation\":\"UPDATE\",\"kind\":\"Node\"" \
  "$(cat "$work/main.log")"
expect_lacks "the log holds no request body" '"labels"' "$(cat "$work/main.log")"

# --- what clients get wrong ---------------------------------------------------------------------
out=$(https -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$work/8mib.json" "$main_url/validate")
expect_eq "8 MiB body is refused with 413 (Expect: 100-continue)" 413 "$out"
out=$(https -w '\n%{http_code}' -H 'Expect:' -H 'Content-Type: application/json' \
  --data-binary "@$work/8mib.json" "$main_url/validate")
expect_eq "8 MiB body sent in full is refused with 413" 413 "${out##*$'\n'}"
expect_contains "413 says what the limit is" "7 MiB" "$out"
out=$(https -w '\n%{http_code}' -H 'Content-Type: text/plain' --data-binary "@$work/pod-create.json" \
  "$main_url/validate")
expect_eq "wrong content type gets 415" 415 "${out##*$'\n'}"
expect_contains "415 says what is expected" "application/json" "$out"
out=$(https -i "$main_url/validate")
expect_contains "GET /validate gets 405" "405 Method Not Allowed" "$out"
expect_contains "405 names the allowed method" "Allow: POST" "$out"
printf '{"apiVersion": "admission.k8s.io/v1", "kind": ' >"$work/truncated.json"
out=$(review "$main_url" "$work/truncated.json" -w '\n%{http_code}')
expect_eq "malformed JSON gets 400" 400 "${out##*$'\n'}"
expect_contains "malformed JSON gets an errored AdmissionReview" '"allowed":false' "$out"
expect_eq "unknown path gets 404" 404 "$(https -o /dev/null -w '%{http_code}' "$main_url/mutate")"
# Garbage: not TLS at all, and not HTTP inside TLS. The server must answer the next client.
# (in a subshell: a write to a socket the server already reset raises SIGPIPE)
(exec 3<>"/dev/tcp/127.0.0.1/$main_port" && printf 'GET / HTTP/1.1\r\n\r\n' >&3) 2>/dev/null
printf 'NOT HTTP AT ALL\r\n\r\n' | timeout 5 openssl s_client -connect "127.0.0.1:$main_port" \
  -quiet >/dev/null 2>&1
head -c 20000 /dev/zero | tr '\0' 'a' >"$work/long-path"
https -o /dev/null "$main_url/$(cat "$work/long-path")" 2>/dev/null
expect_eq "still healthy after garbage and a 20 kB URI" ok "$(https "$main_url/healthz")"
# A client that connects and says nothing is dropped after --read-timeout (2 s here).
t0=$(date +%s%N)
exec 3<>"/dev/tcp/127.0.0.1/$main_port"
timeout 8 cat <&3 >/dev/null
exec 3<&-
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
if ((elapsed_ms >= 1500 && elapsed_ms < 6000)); then
  pass "a silent client is dropped after the read timeout (${elapsed_ms} ms)"
else
  fail "a silent client is dropped after the read timeout" "took ${elapsed_ms} ms"
fi

# A client that trickles its body one byte at a time (each read inside the read timeout) is cut
# once the body has taken longer than the read timeout in total.
t0=$(date +%s%N)
{
  printf 'POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
  printf 'Content-Length: 100\r\n\r\n'
  for _ in 1 2 3 4 5 6 7 8; do sleep 1; printf 'a'; done
} | timeout 12 openssl s_client -connect "127.0.0.1:$main_port" -quiet >/dev/null 2>&1
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
if ((elapsed_ms >= 1500 && elapsed_ms < 6000)); then
  pass "a client trickling its body is cut after the read timeout (${elapsed_ms} ms)"
else
  fail "a client trickling its body is cut after the read timeout" "took ${elapsed_ms} ms"
fi

# --- TLS versions -------------------------------------------------------------------------------
# SECLEVEL=0 lets this OpenSSL 3 client offer TLS 1.0/1.1, so a failure is the server's refusal.
tls_try() {  # tls_try <s_client version flag>: prints the negotiated protocol or the error
  echo | timeout 5 openssl s_client -connect "127.0.0.1:$main_port" "$1" \
    -cipher 'DEFAULT:@SECLEVEL=0' 2>&1 |
    grep -E -o 'alert protocol version|New, [A-Za-z0-9.()]*, Cipher is [A-Za-z0-9_()-]*' | tr '\n' ' '
}
out=$(tls_try -tls1_1)
expect_contains "TLS 1.1 is refused by the server (protocol_version alert)" "alert protocol version" "$out"
out=$(tls_try -tls1)
expect_contains "TLS 1.0 is refused by the server" "alert protocol version" "$out"
out=$(tls_try -tls1_2)
expect_contains "TLS 1.2 is accepted" "New, TLSv1.2, Cipher is ECDHE-" "$out"
expect_contains "TLS 1.2 negotiates an AEAD suite" "GCM" "$out"
out=$(tls_try -tls1_3)
expect_contains "TLS 1.3 is accepted" "New, TLSv1.3, Cipher is TLS_" "$out"
out=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$main_port" -tls1_2 \
  -cipher 'ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA' 2>&1)
expect_contains "TLS 1.2 CBC suites are refused" "handshake failure" "$out"

# --- metrics count what happened ----------------------------------------------------------------
m=$(metrics)
expect_contains "metrics: one NODE-2 denial" \
  'aksarc_webhook_requests_total{decision="deny",rule="NODE-2",kind="Node"} 1' "$m"
expect_contains "metrics: one allowed Pod" \
  'aksarc_webhook_requests_total{decision="allow",rule="",kind="Pod"} 1' "$m"
expect_contains "metrics: one malformed review" \
  'aksarc_webhook_requests_total{decision="error",rule="",kind=""} 1' "$m"
expect_contains "metrics: two 413" 'aksarc_webhook_http_requests_total{code="413"} 2' "$m"
expect_contains "metrics: one 415" 'aksarc_webhook_http_requests_total{code="415"} 1' "$m"
expect_contains "metrics: one 405" 'aksarc_webhook_http_requests_total{code="405"} 1' "$m"
expect_contains "metrics: latency histogram counts the 3 decisions" \
  'aksarc_webhook_request_duration_seconds_count 3' "$m"
expect_contains "metrics: histogram has a 10 s bucket" \
  'aksarc_webhook_request_duration_seconds_bucket{le="10"} 3' "$m"
expect_contains "metrics: ready" 'aksarc_webhook_ready 1' "$m"

# --- certificate rotation -----------------------------------------------------------------------
old_fp=$(fingerprint "$work/server1.crt")
new_fp=$(fingerprint "$work/server2.crt")
expect_eq "serves the first certificate" "$old_fp" "$(served_fingerprint "$main_port")"
# A slow request in flight across the swap, and a loop of new connections during it.
head -c 150000 /dev/zero | tr '\0' ' ' >"$work/padding"
{ head -c -2 "$work/pod-create.json"; cat "$work/padding"; echo '}'; } >"$work/pod-slow.json"
review "$main_url" "$work/pod-slow.json" --limit-rate 100K -o "$work/slow.out" \
  -w '%{http_code}' >"$work/slow.code" 2>&1 &
slow_pid=$!
rm -f "$work/stop-loop"
(
  n=0 bad=0
  while [ ! -e "$work/stop-loop" ] && [ "$n" -lt 500 ]; do
    code=$(review "$main_url" "$work/pod-create.json" -o /dev/null -w '%{http_code}' 2>/dev/null)
    n=$((n + 1))
    [ "$code" = 200 ] || bad=$((bad + 1))
  done
  echo "$n $bad" >"$work/loop.result"
) &
loop_pid=$!
sleep 0.3
publish_secret ..v2 server2
if wait_until 50 serves "$main_port" "$new_fp"; then
  pass "after the symlink swap new handshakes get the new certificate"
else
  fail "after the symlink swap new handshakes get the new certificate" \
    "served $(served_fingerprint "$main_port"), want $new_fp"
fi
sleep 1  # keep the loop going on the new certificate too
touch "$work/stop-loop"
wait "$loop_pid"
wait "$slow_pid"
read -r loop_n loop_bad <"$work/loop.result"
if [ "$loop_n" -gt 3 ] && [ "$loop_bad" -eq 0 ]; then
  pass "no request failed during rotation ($loop_n requests)"
else
  fail "no request failed during rotation" "$loop_bad of $loop_n failed"
fi
expect_eq "a slow request in flight across the rotation completes" 200 "$(cat "$work/slow.code")"
expect_contains "rotation is logged with the new fingerprint" "$new_fp" "$(cat "$work/main.log")"
expect_eq "metrics: one certificate reload" 1 \
  "$(metric_value 'aksarc_webhook_reloads_total{what="certificate",result="success"}')"
# A key that does not match is rejected; the good pair stays.
mkdir -p "$secret/..v3"
cp "$work/server1.crt" "$secret/..v3/tls.crt"
cp "$work/server2.key" "$secret/..v3/tls.key"
ln -sfn ..v3 "$secret/..data_tmp" && mv -T "$secret/..data_tmp" "$secret/..data"
wait_until 50 metric_is 'aksarc_webhook_reloads_total{what="certificate",result="failure"}' 1
expect_eq "a mismatched key is rejected (failure counted)" 1 \
  "$(metric_value 'aksarc_webhook_reloads_total{what="certificate",result="failure"}')"
expect_eq "the last good certificate stays after a bad one" "$new_fp" \
  "$(served_fingerprint "$main_port")"

# --- configuration reload -----------------------------------------------------------------------
printf 'clusterVersion: "1.30"\nrules:\n  NODE-2: warn\n' >"$work/policy.new"
mv "$work/policy.new" "$work/policy.yaml"
node_allowed() { review "$main_url" "$node_deny" | grep -q '"allowed":true'; }
if wait_until 50 node_allowed; then
  pass "config reload: NODE-2 in warn mode allows the same request"
else
  fail "config reload: NODE-2 in warn mode allows the same request" "$(review "$main_url" "$node_deny")"
fi
body=$(review "$main_url" "$node_deny")
expect_contains "warn mode answers with a warning" '"warnings":[' "$body"
printf 'clusterVersion: "1.30"\nrules:\n  NODE-2: [not a mode\n' >"$work/policy.new"
mv "$work/policy.new" "$work/policy.yaml"
wait_until 50 metric_is 'aksarc_webhook_reloads_total{what="config",result="failure"}' 1
expect_eq "an invalid config is rejected (failure counted)" 1 \
  "$(metric_value 'aksarc_webhook_reloads_total{what="config",result="failure"}')"
expect_contains "the rejection is logged" '"msg":"reload failed; keeping the last good config"' \
  "$(cat "$work/main.log")"
body=$(review "$main_url" "$node_deny")
expect_contains "the last good config (warn) stays in force" '"allowed":true' "$body"
expect_eq "metrics: one successful config reload" 1 \
  "$(metric_value 'aksarc_webhook_reloads_total{what="config",result="success"}')"

# --- start-up errors: one line on stderr, non-zero exit -----------------------------------------
startup_error() {  # startup_error <what> <expected text> <flags...>
  local what=$1 text=$2 rc err
  shift 2
  timeout 10 "$webhook" --bind-address 127.0.0.1 "$@" >"$work/startup.out" 2>"$work/startup.err"
  rc=$?
  err=$(cat "$work/startup.err")
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$(wc -l <"$work/startup.err")" -eq 1 ] &&
    [[ "$err" == *"$text"* ]]; then
    pass "$what: exit $rc, one line"
  else
    fail "$what" "exit $rc, stderr: $err"
  fi
}
startup_error "port in use" "Address already in use" --port "$main_port" \
  --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.key"
startup_error "missing certificate" "cannot load certificate $work/nope.crt" \
  --tls-cert-file "$work/nope.crt" --tls-private-key-file "$work/server1.key" --port 0
startup_error "key not a PEM key" "cannot load private key" \
  --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.crt" --port 0
startup_error "key does not match" "does not match" \
  --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server2.key" --port 0
printf 'rules:\n  NODE-2: sometimes\n' >"$work/bad-policy.yaml"
startup_error "invalid configuration" "invalid configuration" --config "$work/bad-policy.yaml" \
  --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.key" --port 0
startup_error "usage error" "--port" --port 99999 \
  --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.key"

# --- mTLS ---------------------------------------------------------------------------------------
cp "$work/client-ca.crt" "$work/client-ca-live.crt"
start_webhook mtls --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.key" \
  --config "$work/policy-1.30.yaml" --client-ca-file "$work/client-ca-live.crt" --client-cn kube-apiserver ||
  { summary; exit 1; }
mtls_url=$base_url
with_client() {  # with_client <cert name or ""> <curl args...>: prints "<http code> <curl exit>"
  local who=$1 rc code
  shift
  local args=()
  [ -n "$who" ] && args=(--cert "$work/$who.crt" --key "$work/$who.key")
  code=$(https -o /dev/null -w '%{http_code}' "${args[@]}" "$@" 2>/dev/null)
  rc=$?
  echo "$code $rc"
}
expect_eq "mTLS: the API server's certificate gets an answer" "200 0" \
  "$(with_client apiserver "$mtls_url/healthz")"
out=$(with_client apiserver -H 'Content-Type: application/json' --data-binary "@$node_deny" \
  "$mtls_url/validate")
expect_eq "mTLS: the API server's certificate can call /validate" "200 0" "$out"
for client in "" intruder stranger; do
  for version in --tlsv1.2 --tlsv1.3; do
    out=$(with_client "$client" "$version" --tls-max "${version#--tlsv}" "$mtls_url/healthz")
    label=${client:-no certificate}
    if [ "${out%% *}" = 000 ] && [ "${out##* }" != 0 ]; then
      pass "mTLS: $label over TLS ${version#--tlsv} fails the handshake (curl exit ${out##* })"
    else
      fail "mTLS: $label over TLS ${version#--tlsv} fails the handshake" "got $out"
    fi
  done
done

# The client CA file is reloaded too: trust the other CA instead, and the roles swap.
cp "$work/other-ca.crt" "$work/client-ca-live.crt.new"
mv "$work/client-ca-live.crt.new" "$work/client-ca-live.crt"
stranger_in() { [ "$(with_client stranger "$mtls_url/healthz")" = "200 0" ]; }
if wait_until 50 stranger_in; then
  pass "mTLS: after the client CA file changes, the new CA's client is accepted"
else
  fail "mTLS: after the client CA file changes, the new CA's client is accepted" \
    "$(with_client stranger "$mtls_url/healthz")"
fi
out=$(with_client apiserver "$mtls_url/healthz")
expect_eq "mTLS: and the old CA's client is refused" 000 "${out%% *}"

# --- cluster version from the API server --------------------------------------------------------
mkdir -p "$work/apiserver" "$work/sa"
printf '{"major":"1","minor":"29","gitVersion":"v1.29.4"}' >"$work/apiserver/version"
echo "test-token" >"$work/sa/token"
cp "$work/ca.crt" "$work/sa/ca.crt"
(cd "$work/apiserver" && exec openssl s_server -WWW -accept 127.0.0.1:0 -cert "$work/server1.crt" \
  -key "$work/server1.key" >"$work/apiserver.log" 2>&1) &
pids+=($!)
if wait_until 50 grep -q ACCEPT "$work/apiserver.log"; then
  api_port=$(grep -o 'ACCEPT 127.0.0.1:[0-9]*' "$work/apiserver.log" | cut -d: -f2)
  KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$api_port start_webhook incluster \
    --tls-cert-file "$work/server1.crt" --tls-private-key-file "$work/server1.key" \
    --service-account-dir "$work/sa"
  expect_contains "in a cluster, the version comes from GET /version" '"cluster_version":"1.29"' \
    "$(grep '"msg":"listening"' "$work/incluster.log")"
  kill "$pid"
else
  fail "a fake API server starts" "$(cat "$work/apiserver.log")"
fi
start_webhook nocluster --tls-cert-file "$work/server1.crt" --tls-private-key-file \
  "$work/server1.key" --service-account-dir "$work/no-sa"
expect_contains "outside a cluster without a version, a warning says how to set one" \
  '"level":"warn","msg":"cluster version unknown' "$(cat "$work/nocluster.log")"
kill "$pid"

# --- SIGTERM: finish what is in flight, exit 0 ---------------------------------------------------
review "$main_url" "$work/pod-slow.json" --limit-rate 100K -o /dev/null -w '%{http_code}' \
  >"$work/term.code" 2>&1 &
term_client=$!
sleep 0.5
kill -TERM "$main_pid"
t0=$(date +%s)
wait "$term_client"
expect_eq "a request in flight at SIGTERM completes" 200 "$(cat "$work/term.code")"
exited=""
for _ in $(seq 1 150); do
  kill -0 "$main_pid" 2>/dev/null || { exited=yes; break; }
  sleep 0.1
done
if [ -n "$exited" ]; then
  wait "$main_pid"
  expect_eq "SIGTERM: exit code 0 (after $(($(date +%s) - t0)) s)" 0 "$?"
else
  fail "SIGTERM: the webhook exits within 15 s"
fi
expect_contains "shutdown is logged" '"msg":"stopped"' "$(cat "$work/main.log")"

summary
[ "$failed" -eq 0 ]
