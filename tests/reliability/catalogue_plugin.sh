#!/usr/bin/env bash
# The bad-input catalogue of `kubectl aksarc-support` (GitHub issue 6, plugin side): broken
# kubeconfigs and credential plugins, API servers that answer wrongly (status codes, broken
# bodies, endless pagination, redirects, silence, the wrong protocol), broken dumps and policy
# data, and CLI misuse. Each case runs the plugin through the real kubectl's plugin dispatch and
# records the answer it must get (exit code and a stable part of the message) next to the one it
# got. Every case also asserts: a documented exit code (0-3; a signal, 124 for our timeout or
# 134/139 is a failure), no crash text on stderr, and no secret of the input on stdout or stderr.
# Usage: catalogue_plugin.sh <dir with kubectl-aksarc_support> <tests/testdata> <aksarc-test-apiserver>
# The results table goes to $RELIABILITY_OUT/catalogue-plugin.tsv (see catalogue_lib.sh).
set -uo pipefail

usage="usage: catalogue_plugin.sh <plugin-bin-dir> <tests/testdata> <aksarc-test-apiserver>"
bin_dir=$(cd "${1:?$usage}" && pwd)
testdata=$(cd "${2:?$usage}" && pwd)
server_bin=${3:?$usage}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=catalogue_lib.sh
source "$here/catalogue_lib.sh"

for tool in kubectl openssl jq timeout; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool not on PATH"; exit 0; }
done
[[ -x "$bin_dir/kubectl-aksarc_support" ]] || { echo "not ok - no $bin_dir/kubectl-aksarc_support"; exit 1; }
[[ -x "$server_bin" ]] || { echo "not ok - no server binary $server_bin"; exit 1; }

work=$(mktemp -d)
declare -A port=() server_pid=()
running=() # pids of the plugin runs in flight (launch)
cleanup() {
  local name pid
  # Runs still going (an interrupted catalogue): `timeout` passes the signal to kubectl.
  for pid in "${running[@]}"; do
    pkill -TERM -P "$pid" 2> /dev/null || true
    kill "$pid" 2> /dev/null || true
  done
  for name in "${!server_pid[@]}"; do kill "${server_pid[$name]}" 2> /dev/null || true; done
  for name in "${!server_pid[@]}"; do wait "${server_pid[$name]}" 2> /dev/null || true; done
  # An exec plugin the plugin failed to kill would show here (the case reports it); never leave
  # it behind.
  if [[ -s "$work/exec-hang.pid" ]]; then kill "$(cat "$work/exec-hang.pid")" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that EXIT cleans up on ctest's timeout too
started=$SECONDS
catalogue_begin plugin

fixture="$testdata/clusters/aksarc-healthy"
report_args=(--at 2025-11-25 --arc-status "$testdata/scenarios/healthy/arc-status.json" -o json)

# Secrets put into the inputs: none may ever be printed.
token="catalogue-token-$RANDOM$RANDOM-do-not-print"
wrong_token="wrong-token-$RANDOM$RANDOM-do-not-print"
exec_token="exec-token-$RANDOM$RANDOM-do-not-print"
password="basic-auth-password-$RANDOM-do-not-print"
auth_provider_token="auth-provider-token-$RANDOM-do-not-print"
secrets=("$token" "$wrong_token" "$exec_token" "$password" "$auth_provider_token")

# ---- certificates: a CA, a server certificate for 127.0.0.1, a client certificate, another CA
(
  cd "$work" || exit 1
  for ca in ca other-ca; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
      -subj "/CN=$ca" -keyout "$ca.key" -out "$ca.crt" 2> /dev/null || exit 1
  done
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
    -keyout server.key -out server.csr 2> /dev/null &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext &&
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
      -extfile server.ext -out server.crt 2> /dev/null &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=cert-user" \
      -keyout client.key -out client.csr 2> /dev/null &&
    printf 'extendedKeyUsage=clientAuth\n' > client.ext &&
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
      -extfile client.ext -out client.crt 2> /dev/null &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=other" \
      -keyout other.key -out other.csr 2> /dev/null
) || { echo "not ok - cannot create certificates"; exit 1; }
# The private key's body: a message quoting the key would contain it.
secrets+=("$(sed -n 2p "$work/client.key")")
b64() { base64 -w0 < "$1"; }
ca_data=$(b64 "$work/ca.crt")
cert_data=$(b64 "$work/client.crt")
key_data=$(b64 "$work/client.key")
other_key_data=$(b64 "$work/other.key")

# ---- test API servers, one per fault, all started at once ------------------------------------
start_server() { # NAME [SERVER ARGS...]
  local name=$1
  shift
  mkdir -p "$work/srv"
  "$server_bin" --fixture-dir "$fixture" --port 0 --tls-cert-file "$work/server.crt" \
    --tls-private-key-file "$work/server.key" --client-ca-file "$work/ca.crt" --token "$token" \
    --max-lifetime-seconds 280 "$@" > "$work/srv/$name.out" 2> "$work/srv/$name.err" &
  server_pid[$name]=$!
}
wait_servers() { # at most 10 s for every server to print its port
  local name p pending
  for _ in $(seq 1 100); do
    pending=0
    for name in "${!server_pid[@]}"; do
      [[ -n "${port[$name]:-}" ]] && continue
      p=$(sed -n 's|^listening on https\{0,1\}://127.0.0.1:\([0-9]*\)$|\1|p' "$work/srv/$name.out")
      if [[ -n "$p" ]]; then port[$name]=$p; else pending=1; fi
    done
    ((pending)) || return 0
    sleep 0.1
  done
  for name in "${!server_pid[@]}"; do
    [[ -n "${port[$name]:-}" ]] || echo "# server $name did not start: $(cat "$work/srv/$name.err")"
  done
}

start_server good
start_server forbid --forbid nodes
start_server f401 --fail /api/v1/nodes=401
start_server f404 --fail /api/v1/nodes=404
start_server f429 --fail /api/v1/nodes=429
start_server f429bare --fail /api/v1/nodes=429 --no-retry-after
start_server f500 --fail /apis/apps/v1=500
start_server f503 --fail /api/v1/nodes=503
start_server f503all --fail /=503 --no-retry-after
start_server badjson --fault /api/v1/nodes=invalid-json
start_server badjsonall --fault /=invalid-json
start_server truncated --fault /api/v1/nodes=truncated
start_server notlist --fault /api/v1/nodes=not-a-list
start_server endless --fault /api/v1/nodes=endless-pages
start_server repeat --fault /api/v1/nodes=repeat-continue
start_server redirect --fault /api/v1/nodes=redirect
start_server redirectall --fault /=redirect
start_server hang --fault /api/v1/nodes=hang
start_server hangall --fault /=hang
start_server neveraccept --never-accept
start_server plain --plain-http
wait_servers

# ---- kubeconfigs ------------------------------------------------------------------------------
mkdir -p "$work/kc" "$work/home" "$work/exec"
# kc NAME: writes $work/kc/NAME from stdin; prints the path.
kc() {
  cat > "$work/kc/$1"
  printf '%s\n' "$work/kc/$1"
}
# kc_server NAME SERVER [CA_FILE] [TOKEN]: one context "c" for SERVER with a token user.
kc_server() {
  kc "$1" << KC
apiVersion: v1
kind: Config
clusters: [{name: k, cluster: {server: "$2", certificate-authority: "${3:-$work/ca.crt}"}}]
users: [{name: u, user: {token: "${4:-$token}"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
KC
}
srv() { printf 'https://127.0.0.1:%s' "${port[$1]:-1}"; }
good=$(srv good)
# kc_user NAME USER_YAML: the good server's cluster with the given `user:` body (one line of
# flow YAML or an indented block).
kc_user() {
  kc "$1" << KC
apiVersion: v1
kind: Config
clusters:
- name: k
  cluster:
    server: "$good"
    certificate-authority-data: "$ca_data"
users:
- name: u
  user:
$2
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
KC
}
# kc_cluster NAME CLUSTER_YAML: the given `cluster:` body with the good token user.
kc_cluster() {
  kc "$1" << KC
apiVersion: v1
kind: Config
clusters:
- name: k
  cluster:
$2
users: [{name: u, user: {token: "$token"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
KC
}
# exec_user NAME API_VERSION COMMAND [EXTRA]: a user with an exec credential plugin.
exec_user() {
  kc_user "$1" "    exec:
      apiVersion: $2
      command: \"$3\"
      interactiveMode: Never${4:+
$4}"
}
# exec_plugin NAME BODY: an executable $work/exec/NAME, a shell script running BODY.
exec_plugin() {
  printf '#!/bin/sh\n%s\n' "$2" > "$work/exec/$1"
  chmod +x "$work/exec/$1"
}
v1=client.authentication.k8s.io/v1
exec_plugin ok "printf '{\"apiVersion\":\"$v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$token\"}}'"
exec_plugin fails "echo 'login failed: the refresh token expired' >&2; exit 1"
exec_plugin nonjson "echo 'token=$exec_token'"
exec_plugin wrongkind "printf '{\"apiVersion\":\"$v1\",\"kind\":\"Secret\",\"status\":{\"token\":\"$exec_token\"}}'"
exec_plugin wrongapi "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1alpha1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$exec_token\"}}'"
exec_plugin nocred "printf '{\"apiVersion\":\"$v1\",\"kind\":\"ExecCredential\",\"status\":{}}'"
exec_plugin badexpiry "printf '{\"apiVersion\":\"$v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$exec_token\",\"expirationTimestamp\":\"tomorrow at noon\"}}'"
exec_plugin hangs "echo \$\$ > '$work/exec-hang.pid'; exec sleep 300"

# ---- running the plugin and judging its answer ------------------------------------------------
rc=0 out="" err="" secs=0
declare -A run_pid=()
mkdir -p "$work/res"
# launch KEY LIMIT_SECONDS ARGS...: starts `kubectl aksarc-support ARGS` in the background (no
# KUBECONFIG, an empty HOME, stdin not a terminal), killed after LIMIT_SECONDS; collect KEY waits
# for it and sets rc, out, err, secs. Slow cases (retries, timeouts) run side by side this way.
launch_env=()
max_running=6
launch() {
  local key=$1 limit=$2 pid
  local -a alive
  shift 2
  while true; do # at most max_running at once: the machine may have two cores
    alive=()
    for pid in "${running[@]}"; do kill -0 "$pid" 2> /dev/null && alive+=("$pid"); done
    running=("${alive[@]}")
    ((${#running[@]} < max_running)) && break
    sleep 0.05
  done
  (
    t0=$(date +%s%N)
    cd "$work" && env -u KUBECONFIG HOME="$work/home" PATH="$bin_dir:$PATH" NO_COLOR=1 "${launch_env[@]}" \
      timeout -k 2 "$limit" kubectl aksarc-support "$@" < /dev/null > "$work/res/$key.out" 2> "$work/res/$key.err"
    echo $? > "$work/res/$key.rc"
    echo $((($(date +%s%N) - t0) / 1000000)) > "$work/res/$key.ms"
  ) &
  run_pid[$key]=$!
  running+=($!)
}
collect() {
  local key=$1 ms
  wait "${run_pid[$key]}" 2> /dev/null
  rc=$(cat "$work/res/$key.rc" 2> /dev/null || echo "?")
  ms=$(cat "$work/res/$key.ms" 2> /dev/null || echo 0)
  secs="$((ms / 1000)).$((ms % 1000 / 100))"
  out=$(head -c 2000000 "$work/res/$key.out")
  err=$(head -c 200000 "$work/res/$key.err")
}
# run LIMIT_SECONDS ARGS...: launch and collect.
run() {
  launch fg "$@"
  collect fg
}

# later KIND ID ARGS...: at the next flush, collect the run launched as ID and judge it with
# expect_KIND ID ARGS... (in the order queued, so the results table keeps its order).
queue=()
declare -A queue_kind=() queue_args=()
later() {
  local kind=$1 id=$2
  shift 2
  queue+=("$id")
  queue_kind[$id]=$kind
  queue_args[$id]=$(printf '%q ' "$@")
}
flush() {
  local id
  for id in "${queue[@]}"; do
    collect "$id"
    eval "expect_${queue_kind[$id]} \"\$id\" ${queue_args[$id]}"
  done
  queue=()
}

crash_re='terminate called|AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|runtime error:|Segmentation fault|core dumped|Aborted|stack trace|goroutine [0-9]+ \[|panic:|what\(\):|std::'

# The problems every case is checked for, beyond its own expectation; empty when none.
generic_problems() {
  local p="" s
  case "$rc" in
    0 | 1 | 2 | 3) ;;
    124 | 137) p+="hung: killed after the time limit; " ;;
    *) p+="undocumented exit $rc (a signal or crash); " ;;
  esac
  if grep -Eq "$crash_re" <<< "$err"; then p+="crash text on stderr; "; fi
  for s in "${secrets[@]}"; do
    if [[ "$out$err" == *"$s"* ]]; then p+="a secret of the input was printed; "; fi
  done
  printf '%s' "$p"
}

# The first error line (or the first stderr line), for the observed column.
first_error() {
  local line
  line=$(grep -m1 '^error' <<< "$err" || true)
  [[ -n "$line" ]] || line=$(head -1 <<< "$err")
  printf '%s' "$line"
}

# expect_err ID INTERFACE INPUT WANT_RC WANT_TEXT: the last run exited WANT_RC with WANT_TEXT
# (a fixed string) on stderr.
expect_err() {
  local id=$1 iface=$2 input=$3 want_rc=$4 want=$5 problems
  problems=$(generic_problems)
  [[ "$rc" == "$want_rc" ]] || problems+="exit $rc, not $want_rc; "
  [[ "$err" == *"$want"* ]] || problems+="stderr lacks the expected text; "
  local observed
  observed="exit $rc in ${secs}s: $(first_error)"
  [[ -z "$problems" ]] || observed="$problems| $observed"
  record_case "$id" "$iface" "$input" "exit $want_rc: $want" "$observed" "$([[ -z "$problems" ]] && echo 1 || echo 0)"
}

# expect_unknown ID INTERFACE INPUT CHECK WANT_TEXT: a report was made (exit 2, AtRisk, JSON on
# stdout) in which CHECK could not run (status unknown) with WANT_TEXT in its message, while
# checks that do not need the broken data still passed.
expect_unknown() {
  local id=$1 iface=$2 input=$3 check=$4 want=$5 problems message passed
  problems=$(generic_problems)
  [[ "$rc" == 2 ]] || problems+="exit $rc, not 2; "
  message=$(jq -r --arg c "$check" '.findings[] | select(.id == $c and .status == "unknown") | .message' <<< "$out" 2> /dev/null)
  passed=$(jq -r '[.findings[] | select(.status == "pass")] | length' <<< "$out" 2> /dev/null)
  [[ -n "$message" ]] || problems+="$check is not unknown; "
  [[ "$message" == *"$want"* ]] || problems+="its message lacks the expected text; "
  [[ "${passed:-0}" -gt 0 ]] || problems+="no check passed (the report was not made from the rest); "
  local observed="exit $rc in ${secs}s: $check unknown: ${message:-$(first_error)}"
  [[ -z "$problems" ]] || observed="$problems| $observed"
  record_case "$id" "$iface" "$input" "exit 2, $check unknown: $want" "$observed" "$([[ -z "$problems" ]] && echo 1 || echo 0)"
}

# expect_report ID INTERFACE INPUT WANT_RC: a report was made (JSON with a verdict) and the exit
# code is WANT_RC.
expect_report() {
  local id=$1 iface=$2 input=$3 want_rc=$4 problems verdict
  problems=$(generic_problems)
  [[ "$rc" == "$want_rc" ]] || problems+="exit $rc, not $want_rc; "
  verdict=$(jq -r '.verdict // empty' <<< "$out" 2> /dev/null)
  [[ -n "$verdict" ]] || problems+="no report; "
  local observed
  observed="exit $rc in ${secs}s: verdict ${verdict:-none}; $(first_error)"
  [[ -z "$problems" ]] || observed="$problems| $observed"
  record_case "$id" "$iface" "$input" "exit $want_rc with a report" "$observed" "$([[ -z "$problems" ]] && echo 1 || echo 0)"
}

K=kubeconfig
# kcfg ID INPUT FILE WANT_RC WANT_TEXT [EXTRA ARGS...]: the plugin with --kubeconfig FILE.
kcfg() {
  local id=$1 input=$2 file=$3 want_rc=$4 want=$5
  shift 5
  launch "$id" 30 --kubeconfig "$file" "${report_args[@]}" "$@"
  later err "$id" "$K" "$input" "$want_rc" "$want"
}

# ================================ kubeconfigs ===================================================
kc_server good.yaml "$good" > /dev/null
launch PL-KCFG-000 30 --kubeconfig "$work/kc/good.yaml" "${report_args[@]}"
later report PL-KCFG-000 "$K" "a good kubeconfig (control: the servers and the harness work)" 0

kcfg PL-KCFG-001 "--kubeconfig naming a missing file" "$work/kc/missing.yaml" 1 "missing.yaml: no such file"
kcfg PL-KCFG-002 "--kubeconfig naming a directory" "$work/kc" 1 "$work/kc is a directory, not a kubeconfig file"
kcfg PL-KCFG-003 "--kubeconfig path through a regular file (not a directory)" "$work/kc/good.yaml/config" 1 "good.yaml/config: no such file"
cp "$work/kc/good.yaml" "$work/kc/mode000.yaml"
chmod 000 "$work/kc/mode000.yaml"
if [[ $(id -u) == 0 ]]; then
  # root reads it anyway (as kubectl does): a normal report.
  launch PL-KCFG-004 30 --kubeconfig "$work/kc/mode000.yaml" "${report_args[@]}"
  later report PL-KCFG-004 "$K" "kubeconfig with mode 000 (root: readable, as for kubectl)" 0
else
  kcfg PL-KCFG-004 "kubeconfig with mode 000" "$work/kc/mode000.yaml" 1 "cannot read"
fi
: > "$work/kc/empty.yaml"
kcfg PL-KCFG-005 "empty kubeconfig" "$work/kc/empty.yaml" 1 "no context selected"
printf '{{{ : ][\n  - :\n' > "$work/kc/notyaml.yaml"
kcfg PL-KCFG-006 "kubeconfig that is not YAML" "$work/kc/notyaml.yaml" 1 "invalid YAML"
printf -- '- just\n- a list\n' > "$work/kc/list.yaml"
kcfg PL-KCFG-007 "kubeconfig that is YAML but not a map" "$work/kc/list.yaml" 1 "not a kubeconfig (the top level is not a map)"
kc noclusters.yaml << KC > /dev/null
users: [{name: u, user: {token: "$token"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
KC
kcfg PL-KCFG-008 "no clusters section" "$work/kc/noclusters.yaml" 1 "refers to cluster \"k\", which is not in"
kc nousers.yaml << KC > /dev/null
clusters: [{name: k, cluster: {server: "$good", certificate-authority-data: "$ca_data"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
current-context: c
KC
kcfg PL-KCFG-009 "no users section" "$work/kc/nousers.yaml" 1 "refers to user \"u\", which is not in"
kc nocontexts.yaml << KC > /dev/null
clusters: [{name: k, cluster: {server: "$good", certificate-authority-data: "$ca_data"}}]
users: [{name: u, user: {token: "$token"}}]
current-context: c
KC
kcfg PL-KCFG-010 "no contexts section, current-context set" "$work/kc/nocontexts.yaml" 1 "context \"c\""
sed 's/^current-context: c$/current-context: nowhere/' "$work/kc/good.yaml" > "$work/kc/current-nothing.yaml"
kcfg PL-KCFG-011 "current-context naming no context" "$work/kc/current-nothing.yaml" 1 "nowhere"
sed 's/context: {cluster: k, user: u}/context: {cluster: gone, user: u}/' "$work/kc/good.yaml" > "$work/kc/ctx-cluster.yaml"
kcfg PL-KCFG-012 "context naming a missing cluster" "$work/kc/ctx-cluster.yaml" 1 "refers to cluster \"gone\""
sed 's/context: {cluster: k, user: u}/context: {cluster: k, user: gone}/' "$work/kc/good.yaml" > "$work/kc/ctx-user.yaml"
kcfg PL-KCFG-013 "context naming a missing user" "$work/kc/ctx-user.yaml" 1 "refers to user \"gone\""
kc_cluster noserver.yaml "    certificate-authority-data: \"$ca_data\"" > /dev/null
kcfg PL-KCFG-014 "cluster without server" "$work/kc/noserver.yaml" 1 ".server is missing"
kc_cluster http.yaml "    server: \"http://127.0.0.1:${port[good]:-1}\"" > /dev/null
kcfg PL-KCFG-015 "server http:// (not https)" "$work/kc/http.yaml" 1 "only https:// API servers are supported"
kc_cluster garbage-url.yaml "    server: \"https://[::1:6443/\"" > /dev/null
kcfg PL-KCFG-016 "server URL that is garbage (unclosed IPv6 bracket)" "$work/kc/garbage-url.yaml" 1 "bad IPv6 host"
kc_cluster bad-port.yaml "    server: \"https://127.0.0.1:99999\"" > /dev/null
kcfg PL-KCFG-017 "server URL with port 99999" "$work/kc/bad-port.yaml" 1 "has a bad port"
kc_cluster ca-b64.yaml "    server: \"$good\"
    certificate-authority-data: \"not*base64!\"" > /dev/null
kcfg PL-KCFG-018 "certificate-authority-data not base64" "$work/kc/ca-b64.yaml" 1 "certificate-authority-data is not valid base64"
kc_cluster ca-notpem.yaml "    server: \"$good\"
    certificate-authority-data: \"$(printf 'hello, not a certificate' | base64 -w0)\"" > /dev/null
kcfg PL-KCFG-019 "certificate-authority-data base64 of non-PEM" "$work/kc/ca-notpem.yaml" 1 "certificate-authority-data is not PEM data"
kc_user cert-b64.yaml "    client-certificate-data: \"%%%\"
    client-key-data: \"$key_data\"" > /dev/null
kcfg PL-KCFG-020 "client-certificate-data not base64" "$work/kc/cert-b64.yaml" 1 "client-certificate-data is not valid base64"
kc_user key-b64.yaml "    client-certificate-data: \"$cert_data\"
    client-key-data: \"${token}!!\"" > /dev/null
kcfg PL-KCFG-021 "client-key-data not base64 (made of a secret)" "$work/kc/key-b64.yaml" 1 "client-key-data is not valid base64"
kc_user key-notpem.yaml "    client-certificate-data: \"$cert_data\"
    client-key-data: \"$(printf '%s' "$password" | base64 -w0)\"" > /dev/null
kcfg PL-KCFG-022 "client-key-data base64 of a non-PEM secret" "$work/kc/key-notpem.yaml" 1 "client-key-data is not PEM data"
kc_user cert-nokey.yaml "    client-certificate-data: \"$cert_data\"" > /dev/null
kcfg PL-KCFG-023 "client certificate without a key" "$work/kc/cert-nokey.yaml" 1 "client certificate without a key"
kc_user key-mismatch.yaml "    client-certificate-data: \"$cert_data\"
    client-key-data: \"$other_key_data\"" > /dev/null
kcfg PL-KCFG-024 "client key that does not match the certificate" "$work/kc/key-mismatch.yaml" 1 "client-key does not match client-certificate"
kc_user tokenfile.yaml "    tokenFile: $work/no-such-token" > /dev/null
kcfg PL-KCFG-025 "tokenFile missing" "$work/kc/tokenfile.yaml" 1 "tokenFile: cannot read $work/no-such-token"
kc_cluster template.yaml "    server: \"https://\${API_HOST}:6443\"" > /dev/null
kcfg PL-KCFG-026 "server with an unexpanded \${VAR}" "$work/kc/template.yaml" 1 "unexpanded template variable"
kc_user auth-provider.yaml "    auth-provider:
      name: azure
      config: {access-token: \"$auth_provider_token\", tenant-id: t}" > /dev/null
kcfg PL-KCFG-027 "removed auth-provider (azure) with an access token" "$work/kc/auth-provider.yaml" 1 "kubelogin convert-kubeconfig"
kc_user basic.yaml "    username: admin
    password: \"$password\"" > /dev/null
kcfg PL-KCFG-028 "basic auth (username/password)" "$work/kc/basic.yaml" 1 "basic authentication (username/password)"
kc_user exec-noapi.yaml "    exec: {command: \"$work/exec/ok\", interactiveMode: Never}" > /dev/null
kcfg PL-KCFG-029 "exec without apiVersion" "$work/kc/exec-noapi.yaml" 1 "exec.apiVersion must be client.authentication.k8s.io/v1 or v1beta1"
kc_user exec-nocmd.yaml "    exec: {apiVersion: $v1, interactiveMode: Never}" > /dev/null
kcfg PL-KCFG-030 "exec without command" "$work/kc/exec-nocmd.yaml" 1 "exec.command is missing"
exec_user exec-missing.yaml "$v1" "kubelogin-not-installed" "      installHint: \"Install kubelogin: az aks install-cli\"" > /dev/null
kcfg PL-KCFG-031 "exec command not installed, with an installHint" "$work/kc/exec-missing.yaml" 1 "Install kubelogin: az aks install-cli"
exec_user exec-fails.yaml "$v1" "$work/exec/fails" > /dev/null
kcfg PL-KCFG-032 "exec plugin that exits 1" "$work/kc/exec-fails.yaml" 1 "failed with exit code 1"
exec_user exec-nonjson.yaml "$v1" "$work/exec/nonjson" > /dev/null
kcfg PL-KCFG-033 "exec plugin printing non-JSON (with a token in it)" "$work/kc/exec-nonjson.yaml" 1 "did not print a JSON ExecCredential"
exec_user exec-wrongkind.yaml "$v1" "$work/exec/wrongkind" > /dev/null
kcfg PL-KCFG-034 "exec plugin printing kind Secret" "$work/kc/exec-wrongkind.yaml" 1 "printed kind \"Secret\", not ExecCredential"
exec_user exec-wrongapi.yaml "$v1" "$work/exec/wrongapi" > /dev/null
kcfg PL-KCFG-035 "exec plugin printing another apiVersion" "$work/kc/exec-wrongapi.yaml" 1 "is configured for apiVersion $v1"
exec_user exec-nocred.yaml "$v1" "$work/exec/nocred" > /dev/null
kcfg PL-KCFG-036 "exec plugin printing neither token nor certificate" "$work/kc/exec-nocred.yaml" 1 "printed neither status.token nor a client certificate"
exec_user exec-badexpiry.yaml "$v1" "$work/exec/badexpiry" > /dev/null
kcfg PL-KCFG-037 "exec plugin printing an invalid expirationTimestamp" "$work/kc/exec-badexpiry.yaml" 1 "invalid status.expirationTimestamp"
exec_user exec-hangs.yaml "$v1" "$work/exec/hangs" > /dev/null
kcfg PL-KCFG-038 "exec plugin that hangs, --request-timeout 2s" "$work/kc/exec-hangs.yaml" 1 "timed out and was killed" --request-timeout 2s
exec_user exec-ok.yaml "$v1" "$work/exec/ok" > /dev/null
launch PL-KCFG-039 30 --kubeconfig "$work/kc/exec-ok.yaml" "${report_args[@]}"
later report PL-KCFG-039 "$K" "a working exec plugin (control)" 0
kc_server untrusted.yaml "$good" "$work/other-ca.crt" > /dev/null
kcfg PL-KCFG-040 "certificate-authority that did not sign the server's certificate" "$work/kc/untrusted.yaml" 1 "the server's certificate is not trusted"
kc_server ca-missing.yaml "$good" "$work/no-such-ca.crt" > /dev/null
kcfg PL-KCFG-041 "certificate-authority file missing" "$work/kc/ca-missing.yaml" 1 "certificate-authority: cannot read $work/no-such-ca.crt"
kc_cluster insecure-ca.yaml "    server: \"$good\"
    insecure-skip-tls-verify: true
    certificate-authority-data: \"$ca_data\"" > /dev/null
kcfg PL-KCFG-042 "insecure-skip-tls-verify together with a CA" "$work/kc/insecure-ca.yaml" 1 "together with insecure-skip-tls-verify is not allowed"
kc_server wrong-token.yaml "$good" "$work/ca.crt" "$wrong_token" > /dev/null
kcfg PL-KCFG-043 "a token the server rejects (401 on every request)" "$work/kc/wrong-token.yaml" 1 "the API server rejected the credentials"
kcfg PL-KCFG-044 "--context naming no context" "$work/kc/good.yaml" 1 "no-such-context" --context no-such-context
launch PL-KCFG-045 30 "${report_args[@]}"
later err PL-KCFG-045 "$K" "no kubeconfig at all (no flag, no KUBECONFIG, empty HOME)" 1 "no configuration"
launch_env=(KUBECONFIG="$work/kc/gone1:$work/kc/gone2")
launch PL-KCFG-046 30 "${report_args[@]}"
launch_env=()
later err PL-KCFG-046 "$K" "KUBECONFIG listing only missing files" 1 "none of the files in KUBECONFIG exists"
kc_user user-notmap.yaml "    - not a map" > /dev/null
kcfg PL-KCFG-047 "user entry that is a list, not a map" "$work/kc/user-notmap.yaml" 1 ".user is not a map"
kc_cluster insecure-notbool.yaml "    server: \"$good\"
    insecure-skip-tls-verify: maybe" > /dev/null
kcfg PL-KCFG-048 "insecure-skip-tls-verify that is not a boolean" "$work/kc/insecure-notbool.yaml" 1 "insecure-skip-tls-verify is not a boolean"
{
  printf 'clusters: '
  head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'
  printf '\n'
} > "$work/kc/deep.yaml"
kcfg PL-KCFG-049 "kubeconfig nested 100,000 levels deep" "$work/kc/deep.yaml" 1 "deep.yaml: "
{
  cat "$work/kc/good.yaml"
  head -c 17000000 /dev/zero | tr '\0' '#'
  echo
} > "$work/kc/huge.yaml"
kcfg PL-KCFG-050 "kubeconfig of 17 MB" "$work/kc/huge.yaml" 1 "huge.yaml is too large"
flush
collect PL-KCFG-032
exec_runs=$(grep -c 'login failed' <<< "$err" || true)
record_case PL-KCFG-051 "$K" "exec plugin that exits 1: run once, not once per request" "its stderr shown once" \
  "its stderr shown $exec_runs times" "$([[ "$exec_runs" == 1 ]] && echo 1 || echo 0)"
collect PL-KCFG-038
hung_pid=$(cat "$work/exec-hang.pid" 2> /dev/null || true)
still_running=no
if [[ -n "$hung_pid" ]] && kill -0 "$hung_pid" 2> /dev/null; then still_running=yes; fi
record_case PL-KCFG-052 "$K" "exec plugin that hangs: bounded by --request-timeout and killed" \
  "done in under 10 s, the plugin process gone" "done in ${secs}s, plugin still running: $still_running" \
  "$([[ "${secs%.*}" -lt 10 && "$still_running" == no ]] && echo 1 || echo 0)"

echo "# at $((SECONDS - started)) s: API servers"
# ================================ API servers ===================================================
A=api-server
# api_launch KEY SERVER [ARGS...]: the report against SERVER, in the background (collect KEY).
api_launch() {
  local key=$1 server=$2
  shift 2
  [[ -f "$work/kc/api-$server.yaml" ]] || kc_server "api-$server.yaml" "$(srv "$server")" > /dev/null
  launch "$key" 60 --kubeconfig "$work/kc/api-$server.yaml" "${report_args[@]}" "$@"
}
api_launch PL-API-001 forbid
api_launch PL-API-002 f404
api_launch PL-API-003 f429
api_launch PL-API-004 f429bare
api_launch PL-API-005 f500
api_launch PL-API-006 f503
api_launch PL-API-007 f503all
api_launch PL-API-008 badjson
api_launch PL-API-009 badjsonall
api_launch PL-API-010 truncated
api_launch PL-API-011 notlist
api_launch PL-API-012 endless
api_launch PL-API-013 repeat
api_launch PL-API-014 redirect
api_launch PL-API-015 redirectall
api_launch PL-API-016 hang --request-timeout 2s
api_launch PL-API-017 hangall --request-timeout 1s
api_launch PL-API-018 neveraccept --request-timeout 1s
api_launch PL-API-019 plain
kc_server refused.yaml "https://127.0.0.1:1" > /dev/null
launch PL-API-020 30 --kubeconfig "$work/kc/refused.yaml" "${report_args[@]}"
launch PL-API-021 30 --kubeconfig "$work/kc/untrusted.yaml" "${report_args[@]}"
api_launch PL-API-022 forbid -o yaml
api_launch PL-API-023 hang --request-timeout 2s -o table
api_launch PL-API-024 f401

later unknown PL-API-001 "$A" "403 on the nodes list (RBAC)" kubelet-versions "nodes is forbidden: User \"test-user\" cannot list resource \"nodes\""
later unknown PL-API-002 "$A" "404 on the nodes list" kubelet-versions "could not read nodes: "
later unknown PL-API-003 "$A" "429 with Retry-After: 1 on every nodes request" kubelet-versions "HTTP 429) after 4 attempts"
later unknown PL-API-004 "$A" "429 without Retry-After on every nodes request" kubelet-versions "HTTP 429) after 4 attempts"
later unknown PL-API-005 "$A" "500 on every apps/v1 request" kube-system-components "HTTP 500) after 4 attempts"
later unknown PL-API-006 "$A" "503 on every nodes request" kubelet-versions "HTTP 503) after 4 attempts"
later err PL-API-007 "$A" "503 on every request (version, discovery, lists)" 1 "cannot read the cluster at $(srv f503all): "
later unknown PL-API-008 "$A" "200 with invalid JSON on the nodes list" kubelet-versions "HTTP 200: the answer is not JSON"
later err PL-API-009 "$A" "200 with invalid JSON on every request (not an API server)" 1 "/version: HTTP 200: the answer is not JSON"
later unknown PL-API-010 "$A" "nodes list cut short (Content-Length larger than sent, then close)" kubelet-versions "the server closed the connection before the answer was complete"
later unknown PL-API-011 "$A" "nodes list answered with a JSON object that is not a List" kubelet-versions "listing nodes: the answer is not a List"
later unknown PL-API-012 "$A" "endless pagination (a new continue token on every page)" kubelet-versions "listing nodes: page 2 repeats objects of the page before"
later unknown PL-API-013 "$A" "the same continue token on every page" kubelet-versions "listing nodes: the server repeated a continue token"
later unknown PL-API-014 "$A" "302 redirect on the nodes list" kubelet-versions "HTTP 302 redirect to https://login.example.invalid/oauth"
later err PL-API-015 "$A" "302 redirect on every request (a login proxy)" 1 "/version: HTTP 302 redirect to https://login.example.invalid/oauth"
later unknown PL-API-016 "$A" "nodes list accepted and never answered, --request-timeout 2s" kubelet-versions "no answer within 2 s (--request-timeout"
later err PL-API-017 "$A" "every request accepted and never answered, --request-timeout 1s" 1 "no answer within 1 s (--request-timeout"
later err PL-API-018 "$A" "TCP accepted, TLS handshake never answered, --request-timeout 1s" 1 "no TLS handshake within 1 s"
later err PL-API-019 "$A" "plain HTTP server on the https:// URL" 1 "the server did not answer in TLS"
later err PL-API-020 "$A" "connection refused (nothing listens on the port)" 1 "https://127.0.0.1:1/version: cannot connect to the API server"
later err PL-API-021 "$A" "server certificate not trusted: the verification error is named" 1 "self-signed certificate in certificate chain"
later err PL-API-022 "$A" "403 on nodes, -o json then -o yaml (the last wins, as in kubectl): a YAML report" 2 ""
later err PL-API-023 "$A" "hanging nodes list with the table output" 2 ""
later unknown PL-API-024 "$A" "401 on the nodes list, also after the credentials refresh" kubelet-versions "the API server rejected the credentials: "
flush
collect PL-API-022
yaml_verdict=$(sed -n 's/^verdict: "\{0,1\}\([A-Za-z]*\)"\{0,1\}$/\1/p' <<< "$out")
record_case PL-API-025 "$A" "the YAML report of PL-API-022 has its verdict" "verdict AtRisk" "verdict ${yaml_verdict:-none}" \
  "$([[ "$yaml_verdict" == AtRisk ]] && echo 1 || echo 0)"
collect PL-API-023
unknown_rows=$(grep -c 'unknown' <<< "$out" || true)
record_case PL-API-026 "$A" "the table of PL-API-023 lists the checks that could not run" "rows with unknown" \
  "$unknown_rows lines with unknown" "$([[ "$unknown_rows" -gt 0 ]] && echo 1 || echo 0)"

echo "# at $((SECONDS - started)) s: dumps"
# ================================ dumps =========================================================
D=dump
dump_of() { # NAME: a copy of the sample cluster to break
  rm -rf "$work/dumps/$1"
  mkdir -p "$work/dumps"
  cp -r "$fixture" "$work/dumps/$1"
  printf '%s' "$work/dumps/$1"
}
dump_launch() { launch "$1" 60 --from-dump "$2" "${report_args[@]}"; }
dump_launch PL-DUMP-001 "$work/kc/good.yaml"
later err PL-DUMP-001 "$D" "--from-dump naming a file" 1 "is not a cluster dump"
dump_launch PL-DUMP-002 "$work/no-such-dump"
later err PL-DUMP-002 "$D" "--from-dump naming a missing folder" 1 "is not a cluster dump"
mkdir -p "$work/dumps/empty"
dump_launch PL-DUMP-003 "$work/dumps/empty"
later err PL-DUMP-003 "$D" "an empty folder" 1 "is not a cluster dump (no nodes.json or version.json)"
d=$(dump_of notjson)
echo 'this is { not json' > "$d/nodes.json"
dump_launch PL-DUMP-004 "$d"
later err PL-DUMP-004 "$D" "nodes.json not JSON" 1 "nodes.json in the dump is not valid JSON"
d=$(dump_of array)
jq '.items' "$fixture/nodes.json" > "$d/nodes.json"
dump_launch PL-DUMP-005 "$d"
later err PL-DUMP-005 "$D" "nodes.json a JSON array (not a List)" 1 "nodes.json in the dump is not a List"
d=$(dump_of notlist)
echo '{"kind": "NodeList", "metadata": {}}' > "$d/nodes.json"
dump_launch PL-DUMP-006 "$d"
later err PL-DUMP-006 "$D" "nodes.json an object without items" 1 "nodes.json in the dump is not a List"
d=$(dump_of itemtypes)
echo '{"kind": "List", "items": [1, "node", null, [], true, {"metadata": "x"}]}' > "$d/nodes.json"
dump_launch PL-DUMP-007 "$d"
later report PL-DUMP-007 "$D" "nodes.json items of the wrong types (numbers, strings, null, arrays)" 3
d=$(dump_of fieldtypes)
jq '.items |= map(.metadata.labels = 5 | .status.nodeInfo = [] | .spec = "x" | .metadata.name = {})' \
  "$fixture/nodes.json" > "$d/nodes.json"
dump_launch PL-DUMP-008 "$d"
later report PL-DUMP-008 "$D" "node fields of the wrong types (labels a number, nodeInfo an array)" 3
d=$(dump_of truncated)
head -c "$(($(wc -c < "$fixture/nodes.json") / 2))" "$fixture/nodes.json" > "$d/nodes.json"
dump_launch PL-DUMP-009 "$d"
later err PL-DUMP-009 "$D" "nodes.json truncated in the middle" 1 "nodes.json in the dump is not valid JSON"
d=$(dump_of huge)
head -c 30000000 /dev/zero | tr '\0' 'a' > "$work/big.txt"
jq --rawfile big "$work/big.txt" '.items[0].metadata.annotations.huge = $big' \
  "$fixture/nodes.json" > "$d/nodes.json"
rm -f "$work/big.txt"
dump_launch PL-DUMP-010 "$d"
later report PL-DUMP-010 "$D" "a 30 MB string in a node annotation" 0
d=$(dump_of deep)
{
  printf '{"kind":"List","items":[{"metadata":{"name":"deep"},"status":{"nodeInfo":{"kubeletVersion":'
  head -c 200000 /dev/zero | tr '\0' '['
  head -c 200000 /dev/zero | tr '\0' ']'
  printf '}}}]}'
} > "$d/nodes.json"
dump_launch PL-DUMP-011 "$d"
later err PL-DUMP-011 "$D" "nodes.json nested 200,000 levels deep" 1 "nodes.json in the dump nests deeper than"
d=$(dump_of deep-configmaps)
{
  printf '{"kind":"List","items":[{"metadata":{"name":"kube-proxy","namespace":"kube-system"},"data":{"x":'
  head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'
  printf '}}]}'
} > "$d/kube-system/configmaps.json"
dump_launch PL-DUMP-012 "$d"
later err PL-DUMP-012 "$D" "kube-system/configmaps.json nested 100,000 levels deep" 1 "nests deeper than"
d=$(dump_of podsjson)
echo '[' > "$d/kube-system/pods.json"
dump_launch PL-DUMP-013 "$d"
later err PL-DUMP-013 "$D" "kube-system/pods.json not JSON" 1 "kube-system/pods.json in the dump is not valid JSON"
d=$(dump_of version)
echo '["v1.31.10"]' > "$d/version.json"
dump_launch PL-DUMP-014 "$d"
later report PL-DUMP-014 "$D" "version.json a JSON array (the version is read from the kube-apiserver pod instead)" 0
d=$(dump_of utf8)
jq '.items[0].metadata.labels["kubernetes.io/hostname"] = "bad-\u00ff"' "$fixture/nodes.json" |
  sed 's/bad-\xc3\xbf/bad-\xff\xfe/' > "$d/nodes.json"
dump_launch PL-DUMP-015 "$d"
later err PL-DUMP-015 "$D" "invalid UTF-8 in a node label (JSON must be UTF-8)" 1 "nodes.json in the dump is not valid JSON"
d=$(dump_of manifest)
echo '{"lists": "nope", "versionError": 7, "configzErrors": [1]}' > "$d/snapshot.json"
dump_launch PL-DUMP-016 "$d"
later report PL-DUMP-016 "$D" "snapshot.json of the wrong shape" 0
d=$(dump_of nodesdir)
rm "$d/nodes.json"
mkdir "$d/nodes.json"
dump_launch PL-DUMP-017 "$d"
later unknown PL-DUMP-017 "$D" "nodes.json a directory" kubelet-versions "nodes.json is not in the dump"
d=$(dump_of control)
jq '.items[0].metadata.annotations.x = "esc\u001b[2J\u0000nul\r\nline"' "$fixture/nodes.json" > "$d/nodes.json"
launch PL-DUMP-018 60 --from-dump "$d" --at 2025-11-25 --arc-status "$testdata/scenarios/healthy/arc-status.json" -o yaml
later err PL-DUMP-018 "$D" "control characters (ESC, NUL, CR) in a node annotation, -o yaml" 0 ""
flush
collect PL-DUMP-018
yaml_verdict=$(sed -n 's/^verdict: "\{0,1\}\([A-Za-z]*\)"\{0,1\}$/\1/p' <<< "$out")
record_case PL-DUMP-019 "$D" "the YAML report of the case before is complete" "verdict Supported" "verdict ${yaml_verdict:-none}" \
  "$([[ "$yaml_verdict" == Supported ]] && echo 1 || echo 0)"

echo "# at $((SECONDS - started)) s: --policy-data and --arc-status"
# ================================ --policy-data and --arc-status ================================
P=policy-data
data_launch() { launch "$1" 30 --from-dump "$fixture" "${report_args[@]}" --policy-data "$2"; }
data_launch PL-DATA-001 "$work/no-such-data.json"
later err PL-DATA-001 "$P" "--policy-data naming a missing file" 1 "--policy-data: cannot read $work/no-such-data.json"
data_launch PL-DATA-002 "$work/kc"
later err PL-DATA-002 "$P" "--policy-data naming a directory" 1 "--policy-data"
echo 'not json at all' > "$work/data-notjson.json"
data_launch PL-DATA-003 "$work/data-notjson.json"
later err PL-DATA-003 "$P" "--policy-data not JSON" 1 "--policy-data $work/data-notjson.json: "
echo '[1, 2, 3]' > "$work/data-array.json"
data_launch PL-DATA-004 "$work/data-array.json"
later err PL-DATA-004 "$P" "--policy-data a JSON array (wrong shape)" 1 "--policy-data $work/data-array.json: "
echo '{}' > "$work/data-empty-object.json"
data_launch PL-DATA-005 "$work/data-empty-object.json"
later err PL-DATA-005 "$P" "--policy-data an empty object (wrong shape)" 1 "--policy-data $work/data-empty-object.json: "
jq 'walk(if type == "string" then 42 else . end)' "$testdata/../../data/aksarc-versions.json" > "$work/data-types.json" 2> /dev/null ||
  echo '{"asOf": 20250101, "platforms": "azure-local"}' > "$work/data-types.json"
data_launch PL-DATA-006 "$work/data-types.json"
later err PL-DATA-006 "$P" "--policy-data with every string replaced by a number (wrong types)" 1 "--policy-data $work/data-types.json: "
: > "$work/data-empty.json"
data_launch PL-DATA-007 "$work/data-empty.json"
later err PL-DATA-007 "$P" "--policy-data an empty file" 1 "--policy-data $work/data-empty.json: "
{
  printf '{"asOf": '
  head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'
  printf '}'
} > "$work/data-deep.json"
data_launch PL-DATA-008 "$work/data-deep.json"
later err PL-DATA-008 "$P" "--policy-data nested 100,000 levels deep" 1 "--policy-data $work/data-deep.json: nests deeper than 512 levels"
echo '["Connected"]' > "$work/arc-array.json"
launch PL-DATA-009 30 --from-dump "$fixture" --at 2025-11-25 -o json --arc-status "$work/arc-array.json"
later err PL-DATA-009 "$P" "--arc-status a JSON array" 1 "not the JSON object printed by \`az connectedk8s show -o json\`"
echo '{"connectivityStatus": 5, "lastConnectivityTime": [], "provisioningState": {}}' > "$work/arc-types.json"
launch PL-DATA-010 30 --from-dump "$fixture" --at 2025-11-25 -o json --arc-status "$work/arc-types.json"
later unknown PL-DATA-010 "$P" "--arc-status with fields of the wrong types" arc-connectivity ""
{
  printf '{"connectivityStatus": "Connected", "x": '
  head -c 100000 /dev/zero | tr '\0' '['
  head -c 100000 /dev/zero | tr '\0' ']'
  printf '}'
} > "$work/arc-deep.json"
launch PL-DATA-011 30 --from-dump "$fixture" --at 2025-11-25 -o json --arc-status "$work/arc-deep.json"
later err PL-DATA-011 "$P" "--arc-status nested 100,000 levels deep" 1 "--arc-status $work/arc-deep.json: nests deeper than 512 levels"
launch PL-DATA-012 30 snapshot -o "$work/snap-deep" --kubeconfig "$work/kc/good.yaml" --arc-status "$work/arc-deep.json"
later err PL-DATA-012 "$P" "snapshot --arc-status nested 100,000 levels deep" 1 "nests deeper than 512 levels"
flush
record_case PL-DATA-013 "$P" "snapshot with a bad --arc-status leaves no half-written folder" "no $work/snap-deep" \
  "$([[ -e "$work/snap-deep" ]] && echo "$work/snap-deep exists" || echo "no $work/snap-deep")" \
  "$([[ -e "$work/snap-deep" ]] && echo 0 || echo 1)"

echo "# at $((SECONDS - started)) s: CLI misuse"
# ================================ CLI misuse ====================================================
C=cli
launch PL-CLI-001 30 --no-such-flag
later err PL-CLI-001 "$C" "unknown flag --no-such-flag" 1 "error: unknown flag: --no-such-flag"
launch PL-CLI-002 30 -o xml --from-dump "$fixture"
later err PL-CLI-002 "$C" "-o xml" 1 "error: --output: xml not in {table,json,yaml}"
launch PL-CLI-003 30 --all-contexts --from-dump "$fixture"
later err PL-CLI-003 "$C" "--from-dump with --all-contexts" 1 "cannot be combined with --all-contexts"
launch PL-CLI-004 30 --contexts a,b --from-dump "$fixture"
later err PL-CLI-004 "$C" "--from-dump with --contexts" 1 "cannot be combined with --contexts"
launch PL-CLI-005 30 --check no-such-check --from-dump "$fixture"
later err PL-CLI-005 "$C" "--check with an unknown check ID" 1 "no-such-check"
launch PL-CLI-006 30 --at 2025-13-45 --from-dump "$fixture"
later err PL-CLI-006 "$C" "--at that is not a date" 1 "invalid --at \"2025-13-45\""
launch PL-CLI-007 30 --request-timeout soon --kubeconfig "$work/kc/good.yaml"
later err PL-CLI-007 "$C" "--request-timeout that is not a duration" 1 "invalid --request-timeout \"soon\""
launch PL-CLI-008 30 --request-timeout nan --kubeconfig "$work/kc/good.yaml"
later err PL-CLI-008 "$C" "--request-timeout nan" 1 "invalid --request-timeout \"nan\""
launch PL-CLI-009 30 --request-timeout 1e300 --kubeconfig "$work/kc/good.yaml"
later err PL-CLI-009 "$C" "--request-timeout 1e300" 1 "invalid --request-timeout \"1e300\""
launch PL-CLI-010 30 --platform mars --from-dump "$fixture"
later err PL-CLI-010 "$C" "--platform mars" 1 "error: --platform: mars not in {azure-local,windows-server}"
launch PL-CLI-011 30 explain no-such-rule
later err PL-CLI-011 "$C" "explain an unknown ID" 1 "no-such-rule"
launch PL-CLI-012 30 frobnicate --from-dump "$fixture"
later err PL-CLI-012 "$C" "an unknown subcommand" 1 "error: unknown command \"frobnicate\" for \"kubectl aksarc-support\""
launch PL-CLI-013 30 --from-dump "$fixture" --context
later err PL-CLI-013 "$C" "--context without its value" 1 "error: flag needs an argument: --context"
launch PL-CLI-014 30 snapshot
later err PL-CLI-014 "$C" "snapshot without -o" 1 "error: --output-dir is required"
launch PL-CLI-015 30 --check kubelet-versions --skip kubelet-versions --from-dump "$fixture" "${report_args[@]}"
later err PL-CLI-015 "$C" "--check and --skip naming the same check" 1 "--check and --skip both name kubelet-versions"
launch PL-CLI-016 30 --from-dump "$fixture" --context c "${report_args[@]}"
later err PL-CLI-016 "$C" "--from-dump with --context (a live-cluster flag)" 1 "--from-dump reads a saved dump; --context is for a live cluster"
launch PL-CLI-017 30 --kubeconfig "$work/kc/good.yaml" --from-dump "$fixture" "${report_args[@]}"
later err PL-CLI-017 "$C" "--from-dump with --kubeconfig" 1 "--kubeconfig is for a live cluster"
launch PL-CLI-018 30 --from-dump "$fixture" --contexts ""
later err PL-CLI-018 "$C" "--contexts with an empty value" 1 ""
launch PL-CLI-019 30 --check "" --from-dump "$fixture" "${report_args[@]}"
later err PL-CLI-019 "$C" "--check with an empty value (selected no check, reported Unknown)" 1 "one is empty"
flush
collect PL-CLI-001
record_case PL-CLI-020 "$C" "unknown flag: kubectl's pointer to the usage" "See 'kubectl aksarc-support --help' for usage." \
  "$(tail -1 <<< "$err")" "$([[ "$err" == *"See 'kubectl aksarc-support --help' for usage."* ]] && echo 1 || echo 0)"
collect PL-CLI-014
record_case PL-CLI-021 "$C" "snapshot without -o: the usage pointer names the subcommand" "See 'kubectl aksarc-support snapshot --help'" \
  "$(tail -1 <<< "$err")" "$([[ "$err" == *"See 'kubectl aksarc-support snapshot --help'"* ]] && echo 1 || echo 0)"

echo "# catalogue took $((SECONDS - started)) s"
catalogue_end
