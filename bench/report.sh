#!/usr/bin/env bash
# Writes BENCHMARKS.md from the results bench/run.sh collected: medians with their spread
# (min-max over the rounds) and the ratio to the peer, for every measurement.
# Usage: bench/report.sh RESULTS_DIR OUT_FILE
set -euo pipefail
results=${1:?usage: report.sh RESULTS_DIR OUT_FILE}
out=${2:?usage: report.sh RESULTS_DIR OUT_FILE}

# stats FILE FILTER_AWK COLUMN: "median min max n" of COLUMN over the rows FILTER_AWK selects.
stats() {
  awk -F'\t' -v col="$3" "NR > 1 && ($2) { print \$col }" "$1" | sort -g |
    awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "- - - 0"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      print m, v[1], v[NR], NR }'
}

# fmt MEDIAN MIN MAX: "median (min-max)", numbers shortened.
fmt() {
  awk -v m="$1" -v lo="$2" -v hi="$3" 'function f(x) {
      if (x == "-") return "-"
      if (x >= 100) return sprintf("%.0f", x)
      if (x >= 10) return sprintf("%.1f", x)
      return sprintf("%.2f", x) }
    BEGIN { printf "%s (%s–%s)", f(m), f(lo), f(hi) }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx", a / b }'; }

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) (results in \`$results\`). Every figure is"
  echo "the **median** of the rounds, with the spread **(min–max)** beside it; ratios compare medians"
  echo "of the same run on the same machine."
  echo
  echo "## Machine"
  echo
  echo "- CPU: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo) ($(nproc) cores), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM"
  echo "- Kernel: $(uname -r); $(. /etc/os-release && echo "$PRETTY_NAME")"
  if [ -f "$results/versions.txt" ]; then sed "s/^/- /" "$results/versions.txt"; fi
  echo
  echo "Reproduce: \`make bench\` (about 10 minutes; \`BENCH_ROUNDS\`, \`BENCH_DURATION\` change the"
  echo "rounds and the seconds per load run)."
  echo
  echo "The targets (issue 5), read off the **bold** ratios below: webhook throughput ≥ 2x the Go"
  echo "peer on Node UPDATE and ConfigMap UPDATE and ≥ 1.5x on Pod CREATE, p99 no worse, CPU per"
  echo "request ≤ 0.5x, RSS under load < 30 MB; the Node UPDATE decision in-process < 20 µs; the"
  echo "plugin's report on 5,000 nodes ≤ 0.25x kubectl's time and peak RSS for the same data, and"
  echo "< 150 ms on 50 nodes. The errors column is the most any run saw (wrk: connect, read, write,"
  echo "timeout and non-2xx)."
  echo

  w=$results/webhook.tsv
  if [ -f "$w" ]; then
    echo "## Webhook vs the Go peer"
    echo
    echo "aksarc-support-webhook against bench/peers/go-webhook (same rules on net/http + crypto/tls +"
    echo "encoding/json), both on loopback with the same P-256 certificate and TLS 1.3, keep-alive,"
    echo "loaded by wrk (1 thread: the machine's other core is the server's) posting the same"
    echo "AdmissionReview; a fresh server per run, the two alternating run by run. CPU is the server's"
    echo "user+system time per request (/proc/PID/stat), RSS its peak (VmHWM). Ratios: aksarc ÷ Go"
    echo "(higher is better for req/s, lower for everything else)."
    echo
    echo "| body | conns | server | req/s | p50 µs | p99 µs | p99.9 µs | CPU µs/req | peak RSS MB | errors |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for body in pod-create node-update configmap-update; do
      for conns in $(awk -F'\t' 'NR > 1 && $4 == 0 {print $3}' "$w" | sort -un); do
        declare -A med=()
        for s in aksarc go-peer; do
          row="| $body | $conns | $s"
          for col in 6 7 8 9 10 11 12; do
            read -r m lo hi n < <(stats "$w" "\$1 == \"$s\" && \$2 == \"$body\" && \$3 == $conns && \$4 == 0" "$col")
            med[$s$col]=$m
            if [ "$col" = 11 ]; then
              m=$(awk -v x="$m" 'BEGIN{print x / 1024}'); lo=$(awk -v x="$lo" 'BEGIN{print x / 1024}'); hi=$(awk -v x="$hi" 'BEGIN{print x / 1024}')
            fi
            if [ "$col" = 12 ]; then row="$row | $hi"; else row="$row | $(fmt "$m" "$lo" "$hi")"; fi
          done
          echo "$row |"
        done
        echo "| | | **ratio** | **$(ratio "${med[aksarc6]}" "${med[go-peer6]}")** | $(ratio "${med[aksarc7]}" "${med[go-peer7]}") | $(ratio "${med[aksarc8]}" "${med[go-peer8]}") | $(ratio "${med[aksarc9]}" "${med[go-peer9]}") | **$(ratio "${med[aksarc10]}" "${med[go-peer10]}")** | $(ratio "${med[aksarc11]}" "${med[go-peer11]}") | |"
      done
    done
    echo
    echo "New TLS connections (every request on a new connection, Pod CREATE body, 8 connections):"
    echo
    echo "| server | connections/s | CPU µs/connection | p99 µs |"
    echo "|---|---|---|---|"
    declare -A nc=()
    for s in aksarc go-peer; do
      read -r m lo hi n < <(stats "$w" "\$1 == \"$s\" && \$4 == 1" 6)
      nc[$s]=$m
      read -r cm clo chi n < <(stats "$w" "\$1 == \"$s\" && \$4 == 1" 10)
      read -r pm plo phi n < <(stats "$w" "\$1 == \"$s\" && \$4 == 1" 8)
      echo "| $s | $(fmt "$m" "$lo" "$hi") | $(fmt "$cm" "$clo" "$chi") | $(fmt "$pm" "$plo" "$phi") |"
    done
    echo "| **ratio** | **$(ratio "${nc[aksarc]}" "${nc[go-peer]}")** | | |"
    echo
  fi

  st=$results/startup.tsv
  if [ -f "$st" ]; then
    echo "Time from start to ready (first 200 from /readyz over TLS; 5 starts each):"
    echo
    echo "| server | ms |"
    echo "|---|---|"
    for s in aksarc go-peer; do
      vals=$(awk -F'\t' -v s="$s" '$1 == s {print $2}' "$st" | tr ',' '\n' | sort -g)
      read -r m lo hi < <(awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}' <<<"$vals")
      echo "| $s | $(fmt "$m" "$lo" "$hi") |"
    done
    echo
  fi

  d=$results/decision.json
  if [ -f "$d" ]; then
    echo "## The decision in-process"
    echo
    echo "aksarc-bench-decision (Google Benchmark): one AdmissionReview judged without HTTP, split into"
    echo "its stages. Validate = the one pass over the body (core/json_view.h); Decide = reading the"
    echo "fields the rules need in place and judging; Serialize = the answer; Review = all of it."
    echo "DomParse is what building an nlohmann document of the body costs, as the engine did before."
    echo "Median of 5 repetitions (min–max), CPU nanoseconds."
    echo
    echo "| stage | pod-create (3 KB) | node-update (10 KB) | configmap-update (536 KB) |"
    echo "|---|---|---|---|"
    for stage in Review Validate Decide Serialize DomParse; do
      row="| $stage"
      for body in pod-create node-update configmap-update; do
        cell=$(jq -r --arg n "$stage/$body" '
          [.benchmarks[] | select(.run_name == $n and .run_type == "iteration") | .cpu_time] as $v
          | if ($v | length) == 0 then "-" else
              ($v | sort) as $s | ($s | length) as $k
              | (if $k % 2 == 1 then $s[($k - 1) / 2] else ($s[$k / 2 - 1] + $s[$k / 2]) / 2 end) as $m
              | "\($m | floor) (\($s[0] | floor)–\($s[-1] | floor))" end' "$d")
        row="$row | $cell"
      done
      echo "$row |"
    done
    echo
  fi

  p=$results/plugin.tsv
  if [ -f "$p" ]; then
    echo "## The plugin vs kubectl"
    echo
    echo "Synthetic clusters from aksarc-bench-cluster (grown from the shipped sample AKS Arc cluster:"
    echo "3 control-plane nodes with their static pods, workers in node pools with the kube-system"
    echo "DaemonSet pods and a kubelet configz each, application namespaces of ~150 pods in"
    echo "Deployments), served over HTTPS by the test API server. **plugin** = the full report"
    echo "(\`kubectl-aksarc_support --at 2025-11-25 -o json\`, every check); **kubectl-same** = the real"
    echo "kubectl fetching the lists the checks read (4 invocations: nodes, daemonsets, deployments and"
    echo "webhook configurations in all namespaces; pods and configmaps in kube-system; configmaps in"
    echo "azure-arc and aksarc-support) — kubectl cannot fetch the kubelet configz the plugin reads"
    echo "besides (one request per node); **kubectl-nodes-pods** = \`kubectl get nodes,pods -A -o json\`"
    echo "(skipped above 1,000 nodes: one run on 150,000 pods took 491 s and 11.4 GB). Wall time and"
    echo "peak RSS from GNU time."
    echo
    if [ -f "$results/plugin-env.txt" ]; then
      grep -E '^(kubectl|plugin|server load)' "$results/plugin-env.txt" | sed 's/^/- /'
      echo
    fi
    awk -F'\t' 'NR > 1 { k = $1 "\t" $2; n[k]++; t[k, n[k]] = $4; r[k, n[k]] = $5 }
      function med(a, k, c,   i, j, x, v) {
        for (i = 1; i <= c; i++) v[i] = a[k, i]
        for (i = 2; i <= c; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
        return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2 }
      END {
        for (k in n) { split(k, p, "\t"); if (p[2] != "plugin") continue
          for (b in n) { split(b, q, "\t"); if (q[1] != p[1] || q[2] == "plugin") continue
            printf "- %s nodes, plugin ÷ %s: **%.2fx the time, %.2fx the peak RSS**\n", p[1], q[2],
              med(t, k, n[k]) / med(t, b, n[b]), med(r, k, n[k]) / med(r, b, n[b]) } } }' "$p" | sort
    echo
    echo "| cluster | tool | wall s | peak RSS MB | requests |"
    echo "|---|---|---|---|---|"
    for size in $(awk -F'\t' 'NR > 1 {print $1}' "$p" | sort -un); do
      for tool in $(awk -F'\t' -v z="$size" 'NR > 1 && $1 == z {print $2}' "$p" | awk '!seen[$0]++'); do
        read -r m lo hi n < <(stats "$p" "\$1 == \"$size\" && \$2 == \"$tool\"" 4)
        read -r rm rlo rhi n < <(stats "$p" "\$1 == \"$size\" && \$2 == \"$tool\"" 5)
        read -r qm qlo qhi n < <(stats "$p" "\$1 == \"$size\" && \$2 == \"$tool\"" 6)
        rm=$(awk -v x="$rm" 'BEGIN{print x / 1024}'); rlo=$(awk -v x="$rlo" 'BEGIN{print x / 1024}'); rhi=$(awk -v x="$rhi" 'BEGIN{print x / 1024}')
        echo "| $size | $tool | $(fmt "$m" "$lo" "$hi") | $(fmt "$rm" "$rlo" "$rhi") | $qm |"
      done
    done
    echo
  fi
} >"$out"
echo "wrote $out" >&2
