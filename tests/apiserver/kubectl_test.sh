#!/usr/bin/env bash
# The real kubectl against aksarc-test-apiserver serving tests/testdata/clusters/aksarc-healthy:
# tables, pagination, selectors, raw proxy GETs, JSON output, token and client-cert auth, 403.
# Usage: kubectl_test.sh <aksarc-test-apiserver binary> <tests/testdata>
set -u

server_bin=${1:?usage: kubectl_test.sh <server-binary> <testdata-dir>}
testdata=${2:?usage: kubectl_test.sh <server-binary> <testdata-dir>}
fixture="$testdata/clusters/aksarc-healthy"
passed=0
failed=0
server_pid=""
work=$(mktemp -d)

cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [[ -n "${2:-}" ]] && echo "$2" | sed 's/^/       /'; }

for tool in kubectl openssl jq; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not on PATH"; echo "0 passed, 0 failed"; exit 0; }
done

# --- certificates: a CA, a server cert for 127.0.0.1, a client cert (CN=cert-user) -------------
make_certs() {
  cd "$work" || return 1
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 \
    -subj "/CN=aksarc-test-ca" 2>/dev/null || return 1
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
    -subj "/CN=127.0.0.1" 2>/dev/null || return 1
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
    -extfile server.ext -out server.crt 2>/dev/null || return 1
  openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
    -subj "/O=system:masters/CN=cert-user" 2>/dev/null || return 1
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
    -extfile client.ext -out client.crt 2>/dev/null || return 1
  cd - >/dev/null
}
make_certs || { echo "cannot create certificates"; echo "0 passed, 1 failed"; exit 1; }

token="s3cret-token-$$"
log="$work/requests.log"

# start_server [extra flags...]: starts the server on an ephemeral port, sets $port.
start_server() {
  stop_server
  : > "$log"
  "$server_bin" --fixture-dir "$fixture" --port 0 --tls-cert-file "$work/server.crt" \
    --tls-private-key-file "$work/server.key" --client-ca-file "$work/ca.crt" \
    --token "$token" --request-log "$log" --max-lifetime-seconds 120 "$@" \
    > "$work/server.out" 2> "$work/server.err" &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$work/server.out")
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$work/server.err"; return 1; }
  write_kubeconfig
}

stop_server() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  server_pid=""
}

write_kubeconfig() {
  cat > "$work/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: aksarc
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $work/ca.crt
users:
- name: token-user
  user:
    token: $token
- name: wrong-token
  user:
    token: not-the-token
- name: cert-user
  user:
    client-certificate: $work/client.crt
    client-key: $work/client.key
contexts:
- name: token
  context: {cluster: aksarc, user: token-user}
- name: wrong
  context: {cluster: aksarc, user: wrong-token}
- name: cert
  context: {cluster: aksarc, user: cert-user}
current-context: token
KC
}

k() { timeout 60 kubectl --kubeconfig "$work/kubeconfig" --request-timeout=20s "$@"; }

# --- the tests ---------------------------------------------------------------------------------
start_server || { echo "server did not start"; echo "0 passed, 1 failed"; exit 1; }

out=$(k get nodes 2>&1)
rows=$(echo "$out" | awk 'NR > 1 && $2 == "Ready" && $NF == "v1.31.10"' | wc -l)
if [[ "$rows" -eq 3 ]] && echo "$out" | grep -Eq '^moc-l0ttdmaioew +Ready +control-plane '; then
  pass "kubectl get nodes: 3 Ready nodes, v1.31.10, control-plane role"
else
  fail "kubectl get nodes" "$out"
fi
echo "$out" | head -1 | grep -Eq '^NAME +STATUS +ROLES +AGE +VERSION$' \
  && pass "kubectl get nodes: NAME STATUS ROLES AGE VERSION columns" \
  || fail "kubectl get nodes columns" "$out"

out=$(k get pods -n kube-system 2>&1)
if echo "$out" | grep -Eq '^kube-apiserver-moc-l0ttdmaioew +1/1 +Running +0 ' \
  && echo "$out" | grep -Eq '^csi-akshcicsi-controller-[a-z0-9]+-[a-z0-9]+ +5/5 +Running' \
  && [[ $(echo "$out" | grep -c '^coredns-') -eq 2 ]]; then
  pass "kubectl get pods -n kube-system lists the pods with READY and STATUS"
else
  fail "kubectl get pods -n kube-system" "$out"
fi

total=$(jq -s '[.[].items[]] | length' "$fixture"/*/pods.json)
: > "$log"
out=$(k get pods -A --chunk-size=2 --no-headers 2>&1)
pages=$(grep -c 'GET /api/v1/pods?.*continue=' "$log")
if [[ $(echo "$out" | wc -l) -eq "$total" && "$pages" -ge 2 ]]; then
  pass "kubectl get pods -A --chunk-size=2 paginates ($total pods, $pages continue requests)"
else
  fail "kubectl get pods -A --chunk-size=2 (want $total rows, continue requests: $pages)" \
    "$out"$'\n'"$(cat "$log")"
fi

out=$(k get pods -n kube-system -l k8s-app=kube-proxy --no-headers 2>&1)
if [[ $(echo "$out" | grep -c '^kube-proxy-') -eq 3 && $(echo "$out" | wc -l) -eq 3 ]]; then
  pass "kubectl get pods -l k8s-app=kube-proxy filters to the 3 kube-proxy pods"
else
  fail "label selector" "$out"
fi

out=$(k get pods -A -l 'k8s-app in (kube-dns,calico-node),!pod-template-generation' --no-headers 2>&1)
[[ $(echo "$out" | wc -l) -eq 2 ]] && pass "set-based label selector with !key" \
  || fail "set-based label selector" "$out"

out=$(k get pods -A --field-selector spec.nodeName=moc-l0ttdmaioew --no-headers 2>&1)
if [[ -n "$out" ]] && ! echo "$out" | grep -q Error && echo "$out" | grep -q 'etcd-moc-l0ttdmaioew'; then
  pass "field selector spec.nodeName"
else
  fail "field selector spec.nodeName" "$out"
fi

out=$(k get pods -A --field-selector spec.image=x 2>&1)
echo "$out" | grep -q 'field label not supported: spec.image' \
  && pass "unsupported field selector is a 400 with the server's message" \
  || fail "unsupported field selector" "$out"

out=$(k get --raw /api/v1/nodes/moc-l1hj0nllpvs/proxy/configz 2>&1)
[[ $(echo "$out" | jq -r '.kubeletconfig.providerID' 2>/dev/null) == "moc://moc-l1hj0nllpvs" ]] \
  && pass "kubectl get --raw .../proxy/configz" || fail "configz" "$out"

out=$(k get nodes -o json 2>&1)
[[ $(echo "$out" | jq '.items | length' 2>/dev/null) -eq 3 ]] \
  && pass "kubectl get nodes -o json | jq: 3 items" || fail "get nodes -o json" "$out"

out=$(k get deploy coredns -n kube-system -o jsonpath='{.spec.replicas}' 2>&1)
[[ "$out" == "2" ]] && pass "kubectl get deploy coredns (short name, single object)" \
  || fail "get deploy coredns" "$out"

out=$(k get cm -n azure-arc azure-clusterconfig -o jsonpath='{.data.AZURE_ARC_AGENT_VERSION}' 2>&1)
[[ -n "$out" && "$out" != *rror* ]] && pass "kubectl get cm azure-clusterconfig" \
  || fail "get cm azure-clusterconfig" "$out"

out=$(k get pod nope -n kube-system 2>&1); rc=$?
[[ $rc -ne 0 ]] && echo "$out" | grep -q 'pods "nope" not found' \
  && pass "absent object: NotFound" || fail "absent object" "$out"

out=$(k get ns --no-headers 2>&1)
[[ $(echo "$out" | awk '$2 == "Active"' | wc -l) -eq 3 ]] && pass "namespaces synthesised" \
  || fail "namespaces" "$out"

# Protocol details kubectl does not show, checked with curl.
if command -v curl >/dev/null; then
  c() { timeout 20 curl -sS --cacert "$work/ca.crt" -H "Authorization: Bearer $token" "$@"; }
  base="https://127.0.0.1:$port"
  out=$(c -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' "$base/api/v1/nodes" 2>&1)
  [[ $(echo "$out" | jq -r '[.kind, (.rows | length), .rows[0].object.kind] | join(" ")' 2>/dev/null) \
    == "Table 3 PartialObjectMetadata" ]] && pass "curl: Table with PartialObjectMetadata rows" \
    || fail "curl: Table" "$out"
  out=$(c -H 'Accept: application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' \
    "$base/api/v1/namespaces/kube-system/configmaps?limit=2" 2>&1)
  [[ $(echo "$out" | jq -r '[.kind, (.items | length), (.metadata.continue | length > 0)] | join(" ")' 2>/dev/null) \
    == "PartialObjectMetadataList 2 true" ]] && pass "curl: PartialObjectMetadataList with limit" \
    || fail "curl: PartialObjectMetadataList" "$out"
  out=$(c -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.kubernetes.protobuf' \
    "$base/api/v1/nodes" 2>&1)
  [[ "$out" == "406" ]] && pass "curl: protobuf only is 406" || fail "curl: 406" "$out"
  out=$(c "$base/apis/apps/v1" 2>&1)
  [[ $(echo "$out" | jq -r '.resources[] | select(.name == "deployments") | .shortNames[0]' 2>/dev/null) \
    == "deploy" ]] && pass "curl: apps/v1 discovery with shortNames" || fail "curl: discovery" "$out"
fi

out=$(k --context wrong get nodes 2>&1); rc=$?
[[ $rc -ne 0 ]] && echo "$out" | grep -q Unauthorized \
  && pass "wrong token: Unauthorized, non-zero exit" || fail "wrong token (rc=$rc)" "$out"

out=$(k --context cert get nodes --no-headers 2>&1); rc=$?
[[ $rc -eq 0 && $(echo "$out" | wc -l) -eq 3 ]] && pass "client-certificate auth" \
  || fail "client-certificate auth (rc=$rc)" "$out"

start_server --forbid nodes --forbid pods:kube-system \
  || { fail "restart with --forbid"; echo "$passed passed, $failed failed"; exit 1; }
out=$(k get nodes 2>&1); rc=$?
[[ $rc -ne 0 ]] && echo "$out" | grep -q 'Forbidden' \
  && echo "$out" | grep -q 'cannot list resource "nodes" in API group "" at the cluster scope' \
  && pass "--forbid nodes: kubectl get nodes is Forbidden" || fail "--forbid nodes (rc=$rc)" "$out"
out=$(k --context cert get pods -n kube-system 2>&1); rc=$?
[[ $rc -ne 0 ]] && echo "$out" | grep -q 'User "cert-user" cannot list resource "pods" in API group "" in the namespace "kube-system"' \
  && pass "--forbid pods:kube-system names the cert user and namespace" \
  || fail "--forbid pods:kube-system (rc=$rc)" "$out"
out=$(k get pods -n default --no-headers 2>&1); rc=$?
[[ $rc -eq 0 ]] && echo "$out" | grep -q '^inventory-api-' \
  && pass "--forbid pods:kube-system leaves default readable" \
  || fail "pods in default (rc=$rc)" "$out"

start_server --fail /api/v1/nodes=429 --fail-times 1 \
  || { fail "restart with --fail"; echo "$passed passed, $failed failed"; exit 1; }
out=$(k get nodes --no-headers 2>&1); rc=$?
hits=$(grep -c '^GET /api/v1/nodes.* 429$' "$log")
[[ $rc -eq 0 && $(echo "$out" | wc -l) -eq 3 && "$hits" -eq 1 ]] \
  && pass "--fail 429 --fail-times 1: kubectl retries after Retry-After and succeeds" \
  || fail "--fail 429 (rc=$rc, 429s=$hits)" "$out"$'\n'"$(cat "$log")"

start_server --delay-ms 1500 \
  || { fail "restart with --delay-ms"; echo "$passed passed, $failed failed"; exit 1; }
out=$(timeout 60 kubectl --kubeconfig "$work/kubeconfig" --request-timeout=1s get nodes 2>&1); rc=$?
[[ $rc -ne 0 ]] && echo "$out" | grep -Eqi 'timeout|deadline|Client.Timeout' \
  && pass "--delay-ms 1500 trips kubectl --request-timeout=1s" || fail "--delay-ms (rc=$rc)" "$out"

stop_server
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
