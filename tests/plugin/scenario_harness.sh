# Test harness of kubectl_check_test.sh (sourced): TAP-style results, certificates, test API
# servers (one per fixture, started concurrently), kubeconfigs, running the plugin through
# kubectl, and judging a scenario live and from its dump. Expects $work, $bin_dir, $testdata,
# $server_bin set by the caller.
# shellcheck disable=SC2154,SC2016 # variables come from kubectl_check_test.sh; eval strings

passed=0
failed=0
declare -A port=() server_pid=()
token="s3cret-token-$$"

ok() { passed=$((passed + 1)); echo "ok - $1"; }
# not_ok NAME [DETAILS]: details are indented and cut to 40 lines.
not_ok() {
  failed=$((failed + 1))
  echo "not ok - $1"
  if [[ -n "${2:-}" ]]; then printf '%s\n' "$2" | head -40 | sed 's/^/    /'; fi
}
# expect NAME COMMAND...: ok when the command succeeds; on failure shows $out and $err.
expect() {
  local _title=$1
  shift
  if "$@"; then ok "$_title"; else
    not_ok "$_title" "rc=${rc:-?}"$'\n'"stderr: ${err:-}"$'\n'"stdout: $(head -c 1500 <<< "${out:-}")"
  fi
}

harness_cleanup() {
  local name
  for name in "${!server_pid[@]}"; do kill "${server_pid[$name]}" 2> /dev/null || true; done
  for name in "${!server_pid[@]}"; do wait "${server_pid[$name]}" 2> /dev/null || true; done
  rm -rf "$work"
}

# A CA, a server certificate for 127.0.0.1, localhost and aksarc.test, a client certificate
# (CN=cert-user), as tests/apiserver/kubectl_test.sh makes them.
make_certs() {
  (
    cd "$work" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 \
      -subj "/CN=aksarc-test-ca" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
      -subj "/CN=127.0.0.1" 2> /dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:aksarc.test\nextendedKeyUsage=serverAuth\n' \
      > server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
      -extfile server.ext -out server.crt 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr \
      -subj "/O=system:masters/CN=cert-user" 2> /dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
      -extfile client.ext -out client.crt 2> /dev/null
  )
}

# An exec credential plugin: prints an ExecCredential of the apiVersion given as $1 with the test
# token, valid for an hour; counts its runs in exec-runs.<version> and keeps the
# KUBERNETES_EXEC_INFO it was given. Fails unless the kubeconfig's env reached it.
make_exec_plugin() {
  cat > "$work/exec-cred.sh" << EOF
#!/bin/sh
[ "\$AKSARC_TEST_ENV" = "from-kubeconfig" ] || { echo "env from the kubeconfig missing" >&2; exit 1; }
echo run >> "$work/exec-runs.\$1"
printf '%s' "\$KUBERNETES_EXEC_INFO" > "$work/exec-info.\$1"
exp=\$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
printf '{"apiVersion": "client.authentication.k8s.io/%s", "kind": "ExecCredential", "status": {"token": "%s", "expirationTimestamp": "%s"}}\n' "\$1" "$token" "\$exp"
EOF
  chmod +x "$work/exec-cred.sh"
}

# start_server NAME FIXTURE [SERVER ARGS...]: starts a server in the background; wait_servers
# then reads its port into port[NAME].
start_server() {
  local name=$1 fixture=$2
  shift 2
  mkdir -p "$work/srv"
  "$server_bin" --fixture-dir "$fixture" --port 0 --tls-cert-file "$work/server.crt" \
    --tls-private-key-file "$work/server.key" --client-ca-file "$work/ca.crt" \
    --token "$token" --request-log "$work/srv/$name.log" --max-lifetime-seconds 300 "$@" \
    > "$work/srv/$name.out" 2> "$work/srv/$name.err" &
  server_pid[$name]=$!
}

# Waits (at most 10 s) until every started server printed its port.
wait_servers() {
  local name p pending
  for _ in $(seq 1 100); do
    pending=0
    for name in "${!server_pid[@]}"; do
      [[ -n "${port[$name]:-}" ]] && continue
      p=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$work/srv/$name.out")
      if [[ -n "$p" ]]; then port[$name]=$p; else pending=1; fi
    done
    ((pending)) || return 0
    sleep 0.1
  done
  for name in "${!server_pid[@]}"; do
    [[ -n "${port[$name]:-}" ]] || not_ok "server $name did not start" "$(cat "$work/srv/$name.err")"
  done
}

# write_kubeconfig FILE PORT: token user, CA file, one context "test".
write_kubeconfig() {
  cat > "$1" << KC
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: https://127.0.0.1:$2
    certificate-authority: $work/ca.crt
users:
- name: test
  user:
    token: $token
contexts:
- name: test
  context: {cluster: test, user: test}
current-context: test
KC
}

# kp ARGS...: `kubectl aksarc-support ARGS` through kubectl's plugin dispatch (at most 60 s);
# sets out, err, rc.
kp() {
  local errfile="$work/stderr.$BASHPID" # scenarios run in parallel subshells
  rc=0
  out=$(PATH="$bin_dir:$PATH" timeout 60 kubectl aksarc-support "$@" 2> "$errfile") || rc=$?
  err=$(cat "$errfile")
}

# True when every jq expression in FILE holds for the JSON in $out; names the first that fails.
asserts_hold() {
  local expr
  while IFS= read -r expr; do
    if ! jq -e "$expr" <<< "$out" > /dev/null 2>&1; then
      err="assert failed: $expr"
      return 1
    fi
  done < <(scenario_lines "$1")
}

# run_scenario NAME: the live report (exit code, asserts, golden), then the dump's (same
# findings) unless the scenario injects server faults.
run_scenario() {
  local name=$1 src="$testdata/scenarios/$1" want live_json
  [[ -n "${port[$name]:-}" ]] || return 0 # its server did not start (already reported)
  local -a args
  mapfile -t args < <(scenario_args "$src/args" "$src")
  want=$(scenario_lines "$src/expected-exit")
  write_kubeconfig "$work/scen/$name.kubeconfig" "${port[$name]}"
  kp --kubeconfig "$work/scen/$name.kubeconfig" -o json "${args[@]}"
  live_json=$out
  local verdict
  verdict=$(jq -r '.verdict // "?"' <<< "$out" 2> /dev/null || echo "?")
  expect "scenario $name: live exit $want ($verdict)" test "$rc" = "$want"
  if [[ -f "$src/asserts" ]]; then
    expect "scenario $name: live asserts ($(scenario_lines "$src/asserts" | wc -l))" asserts_hold "$src/asserts"
  fi
  expect "scenario $name: live .cluster names the server" \
    eval 'jq -e --arg p "${port[$name]}" ".cluster | contains(\$p)" <<< "$out" > /dev/null'
  check_golden "$name" "$live_json"
  [[ -s "$src/server-args" ]] && return 0
  kp --from-dump "$work/scen/$name" -o json "${args[@]}"
  expect "scenario $name: --from-dump exit $want" test "$rc" = "$want"
  local diff_text
  diff_text=$(diff <(scenario_findings <<< "$live_json") <(scenario_findings <<< "$out") 2>&1) || true
  expect "scenario $name: --from-dump gives the live findings" test -z "$diff_text"
  [[ -z "$diff_text" ]] || echo "$diff_text" | head -30 | sed 's/^/    /'
}

# check_golden NAME JSON: compares with (or, with AKSARC_UPDATE_GOLDEN=1, writes) expected.json.
check_golden() {
  local golden="$testdata/scenarios/$1/expected.json" normal
  normal=$(scenario_normalise <<< "$2" 2> /dev/null) || normal=""
  if [[ "${AKSARC_UPDATE_GOLDEN:-}" == 1 ]]; then
    if [[ -n "$normal" ]]; then
      printf '%s\n' "$normal" > "$golden"
      ok "scenario $1: golden written"
    else
      not_ok "scenario $1: golden not written (not JSON)" "$2"
    fi
    return 0
  fi
  if [[ ! -f "$golden" ]]; then
    not_ok "scenario $1: no expected.json (run with AKSARC_UPDATE_GOLDEN=1)"
    return 0
  fi
  local diff_text
  diff_text=$(diff <(jq -S . "$golden") <(printf '%s\n' "$normal") 2>&1) || true
  if [[ -z "$diff_text" ]]; then ok "scenario $1: report equals expected.json"; else
    not_ok "scenario $1: report differs from expected.json" "$diff_text"
  fi
}

# run_parallel FUNCTION ITEM...: runs `FUNCTION ITEM` for every item, four at a time, each in a
# subshell writing its own results file; then prints the results in order and counts them.
run_parallel() {
  local fn=$1 item running=0 file n
  local -a pids=()
  shift
  mkdir -p "$work/res"
  for item in "$@"; do
    ("$fn" "$item" && echo "# $fn $item done") > "$work/res/$fn.$item.txt" 2>&1 &
    pids+=($!)
    running=$((running + 1))
    if ((running >= 4)); then
      wait -n 2> /dev/null || true # any child: the servers do not end on their own
      running=$((running - 1))
    fi
  done
  wait "${pids[@]}" 2> /dev/null || true
  for item in "$@"; do
    file="$work/res/$fn.$item.txt"
    cat "$file"
    n=$(grep -c '^ok - ' "$file" || true)
    passed=$((passed + n))
    n=$(grep -c '^not ok - ' "$file" || true)
    failed=$((failed + n))
    grep -q "^# $fn $item done$" "$file" || not_ok "$fn $item: did not run to the end"
  done
}

# cli_group NAME: the group of CLI tests cli_NAME (scenario_cli_tests.sh).
cli_group() { "cli_$1"; }
