# Sourced by the shell tests: the test API server (tests/apiserver) on an ephemeral port, and a
# kubeconfig for it. Needs scripts/certs.sh's DIR/ca.crt and DIR/tls.{crt,key} first.

# start_test_apiserver BINARY FIXTURE DIR NAME [extra args...]: starts the server (token "t",
# stops by itself after 120 s) in the background; its output goes to DIR/NAME.out. Appends the
# pid to the caller's `pids` array.
start_test_apiserver() {
  local binary=$1 fixture=$2 dir=$3 name=$4
  shift 4
  "$binary" --fixture-dir "$fixture" --port 0 --token t --tls-cert-file "$dir/tls.crt" \
    --tls-private-key-file "$dir/tls.key" --max-lifetime-seconds 120 "$@" \
    >"$dir/$name.out" 2>&1 &
  pids+=($!)
}

# test_apiserver_kubeconfig DIR NAME: waits (at most 10 s) for server NAME's port and writes
# DIR/NAME.kubeconfig (one context "NAME", token user, CA DIR/ca.crt). Fails when it never came
# up, printing its output.
test_apiserver_kubeconfig() {
  local dir=$1 name=$2 port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$dir/$name.out")
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    echo "the test API server $name did not start:" >&2
    cat "$dir/$name.out" >&2
    return 1
  fi
  cat >"$dir/$name.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: $name, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$dir/ca.crt"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: $name, context: {cluster: $name, user: u}}]
current-context: $name
KC
}
