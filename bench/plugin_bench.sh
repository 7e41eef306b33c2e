#!/usr/bin/env bash
# The plugin against kubectl on synthetic AKS Arc clusters (issue 5), same machine, same server.
#
# Usage: bench/plugin_bench.sh BUILD_DIR OUT_DIR [--runs N] [--sizes 50,5000]
#                              [--baseline-max-nodes 1000]
#
# For each size (nodes; pods = 30 per node, so 5,000 nodes carry 150,000 pods) it generates the
# cluster with aksarc-bench-cluster (cached in OUT_DIR/clusters), serves it with the test API
# server over HTTPS, then alternates N runs of:
#   plugin          kubectl-aksarc_support --kubeconfig K --at 2025-11-25 -o json (the full report;
#                   with the template's recorded Arc status, --arc-status, so it is Supported)
#   kubectl-nodes-pods   kubectl get nodes,pods -A -o json             (the issue's baseline;
#                   only on sizes up to --baseline-max-nodes: on 150,000 pods it runs for
#                   minutes and takes >10 GB, more than `make bench` can afford)
#   kubectl-same    kubectl fetching the lists the plugin's checks read, in 4 invocations:
#                   nodes,daemonsets,deployments,validatingwebhookconfigurations -A; pods and
#                   configmaps in kube-system; configmaps in azure-arc; configmaps in
#                   aksarc-support. kubectl cannot read the kubelet configz of every node in one
#                   call: the plugin makes one request per node there that kubectl does not.
# Wall time and peak RSS come from GNU time (for kubectl-same: the sum of the wall times and the
# largest RSS of the 4 processes); requests are counted in the server's request log.
# Writes OUT_DIR/plugin.tsv (size, tool, run, wall_s, maxrss_kb, requests) and prints medians
# with min-max and the ratios. Exit codes: 0 done, 1 a step failed (message on stderr), 2 bad
# arguments.
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR OUT_DIR [--runs N] [--sizes 50,5000] [--baseline-max-nodes N]" >&2
  exit 2
}
die() {
  echo "plugin_bench: $*" >&2
  exit 1
}

[[ $# -ge 2 ]] || usage
build=$(cd "$1" 2>/dev/null && pwd) || { echo "plugin_bench: no build folder $1" >&2; exit 2; }
mkdir -p "$2" || die "cannot create $2"
out=$(cd "$2" && pwd)
shift 2
runs=3
sizes=50,5000
baseline_max=1000
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; runs=$2; shift 2 ;;
    --sizes) [[ $# -ge 2 && $2 =~ ^[0-9]+(,[0-9]+)*$ ]] || usage; sizes=$2; shift 2 ;;
    --baseline-max-nodes) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage; baseline_max=$2; shift 2 ;;
    *) echo "plugin_bench: unknown argument $1" >&2; usage ;;
  esac
done
IFS=, read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do
  [[ $n -ge 5 ]] || { echo "plugin_bench: a size is a node count of at least 5, not $n" >&2; exit 2; }
done

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
generator=$build/bench/aksarc-bench-cluster
server=$build/tests/aksarc-test-apiserver
plugin=$build/kubectl-aksarc_support
for b in "$generator" "$server" "$plugin"; do
  [[ -x $b ]] || die "$b is missing: build first (cmake --build $build)"
done

# GNU time for wall time and peak RSS (the shell's `time` has no RSS).
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing GNU time (Debian package time)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null ||
      die "apt-get install time failed"
  else
    die "GNU time (/usr/bin/time) is missing: apt-get install time (as root)"
  fi
fi

# One real kubectl binary: the kubectl on PATH may be a dispatcher that picks a version per
# server and sends its own requests. Prefer $KUBECTL, then the dispatcher's v1.31 (the server's
# minor), then the newest versioned binary beside it, then kubectl itself.
find_kubectl() {
  if [[ -n ${KUBECTL:-} ]]; then
    echo "$KUBECTL"
    return
  fi
  local onpath
  onpath=$(command -v kubectl) || die "kubectl is not installed (set KUBECTL=/path/to/kubectl)"
  local dir
  dir=$(dirname "$(readlink -f "$onpath")")
  if [[ -x $dir/kubectl.1.31 ]]; then
    echo "$dir/kubectl.1.31"
  elif compgen -G "$dir/kubectl.1.*" >/dev/null; then
    printf "%s\n" "$dir"/kubectl.1.* | sort -V | tail -1
  else
    echo "$onpath"
  fi
}
kubectl=$(find_kubectl)
[[ -x $kubectl ]] || die "$kubectl is not executable"
kubectl_version=$("$kubectl" version --client -o json 2>/dev/null |
  sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' | head -1)
[[ -n $kubectl_version ]] || die "$kubectl does not answer 'version --client'"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# shellcheck source=../scripts/certs.sh
source "$repo/scripts/certs.sh"
mkdir -p "$out/certs" "$out/clusters" "$out/logs"
issue_serving_cert "$out/certs" aksarc-bench-ca "IP:127.0.0.1,DNS:localhost" ||
  die "openssl could not make the certificates"
report=(--at 2025-11-25 --arc-status "$repo/tests/testdata/clusters/aksarc-healthy.arc-status.json" -o json)
kube_cache=$out/kube-cache # kubectl's discovery cache, warmed before measuring (as in daily use)

tsv=$out/plugin.tsv
printf 'size\ttool\trun\twall_s\tmaxrss_kb\trequests\n' >"$tsv"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024) " MiB"}' /proc/meminfo)"
  echo "kubectl: $kubectl ($kubectl_version)"
  echo "plugin: $("$plugin" version 2>/dev/null | head -1)"
} >"$out/plugin-env.txt"
cat "$out/plugin-env.txt"

# generate N: the cached cluster of N nodes, made again when the generator is newer.
generate() {
  local nodes=$1 pods=$(($1 * 30))
  local dir=$out/clusters/n$nodes
  if [[ ! -f $dir/.aksarc-bench-cluster || $generator -nt $dir/.aksarc-bench-cluster ]]; then
    "$generator" --nodes "$nodes" --pods "$pods" --out "$dir" >&2 || die "generating $nodes nodes failed"
  fi
  echo "$dir"
}

# start_server NAME DIR: serves DIR; sets $port and $load (seconds until it listened).
start_server() {
  local name=$1 dir=$2
  : >"$out/logs/$name.requests"
  local start=$EPOCHREALTIME
  "$server" --fixture-dir "$dir" --port 0 --token t --tls-cert-file "$out/certs/tls.crt" \
    --tls-private-key-file "$out/certs/tls.key" --max-lifetime-seconds 1200 \
    --request-log "$out/logs/$name.requests" >"$out/logs/$name.server" 2>&1 &
  pids+=($!)
  port=""
  for _ in $(seq 1 1200); do # big fixtures take seconds to load
    port=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$out/logs/$name.server")
    [[ -n $port ]] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n $port ]] || die "the test API server did not start on $dir: $(cat "$out/logs/$name.server")"
  load=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')
}

write_kubeconfig() {
  local file=$1
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters: [{name: bench, cluster: {server: "https://127.0.0.1:$port", certificate-authority: "$out/certs/ca.crt"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: bench, context: {cluster: bench, user: u}}]
current-context: bench
KC
}

# measure SIZE TOOL RUN LOG CMD...: one measured run appended to the TSV.
measure() {
  local size=$1 tool=$2 run=$3 log=$4
  shift 4
  local before after
  before=$(wc -l <"$log")
  if ! /usr/bin/time -f '%e %M' -o "$out/logs/time.txt" "$@" >/dev/null 2>"$out/logs/last.err"; then
    die "$tool failed on $size nodes: $(tail -3 "$out/logs/last.err")"
  fi
  sleep 0.2 # the server logs a request after answering it
  after=$(wc -l <"$log")
  local wall rss
  read -r wall rss <"$out/logs/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$run" "$wall" "$rss" $((after - before)) >>"$tsv"
  printf '  %-20s run %s: %6.2f s %8d KB %6d requests\n' "$tool" "$run" "$wall" "$rss" $((after - before)) >&2
}

for nodes in "${size_list[@]}"; do
  echo "== $nodes nodes, $((nodes * 30)) pods" >&2
  gen_start=$EPOCHREALTIME
  dir=$(generate "$nodes")
  echo "  cluster ready in $(awk -v a="$gen_start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}') s ($(du -sh "$dir" | cut -f1))" >&2
  start_server "n$nodes" "$dir"
  echo "  test API server loaded it in $load s" >&2
  echo "server load n$nodes: $load s" >>"$out/plugin-env.txt"
  kc=$out/n$nodes.kubeconfig
  write_kubeconfig "$kc"
  log=$out/logs/n$nodes.requests
  k=("$kubectl" --kubeconfig "$kc" --cache-dir "$kube_cache")

  # The report must judge the synthetic cluster as the template: Supported (exit 0).
  "$plugin" "${report[@]}" --kubeconfig "$kc" >"$out/n$nodes.report.json" ||
    die "the plugin's report on $nodes nodes is not Supported (exit $?): see $out/n$nodes.report.json"
  "${k[@]}" get nodes -o name >/dev/null || die "kubectl cannot reach the server" # warms its cache

  same=$(
    cat <<SH
set -e
${k[*]} get nodes,daemonsets,deployments,validatingwebhookconfigurations -A -o json >/dev/null
${k[*]} get pods,configmaps -n kube-system -o json >/dev/null
${k[*]} get configmaps -n azure-arc -o json >/dev/null
${k[*]} get configmaps -n aksarc-support -o json >/dev/null
SH
  )
  for run in $(seq 1 "$runs"); do
    measure "$nodes" plugin "$run" "$log" "$plugin" "${report[@]}" --kubeconfig "$kc"
    if [[ $nodes -le $baseline_max ]]; then
      measure "$nodes" kubectl-nodes-pods "$run" "$log" "${k[@]}" get nodes,pods -A -o json
    fi
    measure "$nodes" kubectl-same "$run" "$log" bash -c "$same"
  done
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
  unset 'pids[-1]'
done

# Medians with min-max per size and tool, and the plugin's share of kubectl's time and memory.
summary=$(awk -F'\t' '
  NR == 1 { next }
  { key = $1 "\t" $2; n[key]++; w[key, n[key]] = $4; m[key, n[key]] = $5; r[key] = $6
    if (!(key in seen)) { seen[key] = 1; order[++keys] = key } }
  function median(a, key, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = a[key, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    lo = v[1]; hi = v[count]
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
  }
  END {
    printf "%-6s %-20s %22s %26s %9s\n", "nodes", "tool", "wall s: median (min-max)", "peak RSS MB: median (min-max)", "requests"
    for (i = 1; i <= keys; i++) {
      key = order[i]; split(key, p, "\t")
      mw = median(w, key, n[key]); wlo = lo; whi = hi
      mm = median(m, key, n[key]); mlo = lo; mhi = hi
      med_w[key] = mw; med_m[key] = mm
      printf "%-6s %-20s %8.2f (%.2f-%.2f) %12.1f (%.1f-%.1f) %9d\n", p[1], p[2], mw, wlo, whi, mm / 1024, mlo / 1024, mhi / 1024, r[key]
    }
    for (i = 1; i <= keys; i++) {
      key = order[i]; split(key, p, "\t")
      if (p[2] != "plugin") continue
      for (t in med_w) {
        split(t, q, "\t")
        if (q[1] != p[1] || q[2] == "plugin") continue
        printf "%s nodes: plugin / %s: time %.2f, peak RSS %.2f\n", p[1], q[2], med_w[key] / med_w[t], med_m[key] / med_m[t]
      }
    }
  }' "$tsv")
echo "$summary" | tee "$out/plugin-summary.txt"
echo "(details: $tsv, $out/plugin-env.txt)"
