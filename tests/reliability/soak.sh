#!/usr/bin/env bash
# The soak: the webhook at saturation (wrk on loopback) while its serving certificate is rotated
# the way kubelet updates a mounted Secret (a ..data symlink swap) and its configuration is
# republished the same way, some of the new configurations invalid.
#
# Usage: soak.sh <aksarc-support-webhook> <tests/testdata> <seconds> <rotate every s>
#                <reload every s> [out dir]
#
# Passes when: no request failed (wrk: no socket error, no timeout, no non-2xx answer); every
# rotation was served to new handshakes within 5 s; every valid configuration was loaded and
# every invalid one refused (the metrics count both); RSS at the end is less than 5 % above
# RSS after the warm-up (64 connections for 5 s, then the first tenth of the run, at least
# 10 s); the open descriptors after
# the load, once idle connections have timed out, are as many as before it; nothing on stderr.
set -u
webhook=${1:?usage: soak.sh <webhook> <tests/testdata> <seconds> <rotate s> <reload s> [out]}
testdata=${2:?}
seconds=${3:?}
rotate_every=${4:?}
reload_every=${5:?}
out_dir=${6:-}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/tap.sh"
source "$here/webhook_lib.sh"

for tool in wrk jq curl openssl; do
  command -v "$tool" >/dev/null || { echo "soak: $tool is not installed" >&2; exit 2; }
done
body="$testdata/admission/deny-node-azure-label-added.request.json"
[[ -f "$body" ]] || { echo "soak: no $body" >&2; exit 2; }

# The configurations published in turn: valid ones change NODE-2's mode (so the decisions
# change), invalid ones are a YAML error, an unknown rule, a wrong type and an empty mode.
configs=(
  'clusterVersion: "1.30"\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-2: [not a mode\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-2: warn\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-99: deny\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-2: audit\n'
  'clusterVersion: [1, 30]\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-2: deny\n'
  'clusterVersion: "1.30"\nrules:\n  NODE-2: ""\n'
)
config_valid=(1 0 1 0 1 0 1 0)

rel_ca && rel_serving_cert cert0 || { echo "soak: openssl failed" >&2; exit 2; }
publish "$work/tls" tls.crt="$work/cert0.crt" tls.key="$work/cert0.key"
printf "${configs[0]}" >"$work/config0.yaml"
publish "$work/config" config.yaml="$work/config0.yaml"

idle_timeout=2
start_webhook "$webhook" soak --tls-cert-file "$work/tls/tls.crt" \
  --tls-private-key-file "$work/tls/tls.key" --config "$work/config/config.yaml" \
  --reload-interval 1 --idle-timeout "$idle_timeout" || { finish; exit 1; }
fds_before=$(proc_fds "$pid")
metrics() { curl -s --max-time 5 --cacert "$work/ca.crt" "https://127.0.0.1:$port/metrics"; }
metric() { metrics | awk -v s="$1" '$1 == s {print $2; f=1} END {if (!f) print 0}'; }

# Warm-up: as many connections as worker threads (64), so every thread has served TLS once.
# Each thread keeps per-thread state (OpenSSL's per-thread random generators and error queue,
# malloc's per-thread caches) from its first connection on; without this, RSS creeps up for
# minutes as the pool hands work to threads that had none yet, which looks like a leak and is
# not one (with --threads 4 RSS stays flat within 10 kB).
wrk_load "$port" "$body" 5 64 0 "$work/warmup-keepalive.json" &
warm_keep=$!
wrk_load "$port" "$body" 5 8 1 "$work/warmup-close.json"
wait "$warm_keep"
# Load: keep-alive connections, as the API server keeps them, and a few that open a new TLS
# connection per request, so rotated certificates are handshaken all the time.
wrk_load "$port" "$body" "$seconds" 16 0 "$work/wrk-keepalive.json" &
wrk_keep=$!
wrk_load "$port" "$body" "$seconds" 2 1 "$work/wrk-close.json" &
wrk_close=$!
started=$(date +%s)
deadline=$((started + seconds))

# Samples every 2 s: elapsed, RSS, peak RSS, descriptors, threads.
(
  while (($(date +%s) < deadline)); do
    printf '%s\t%s\t%s\t%s\t%s\n' "$(($(date +%s) - started))" "$(proc_rss_kb "$pid")" \
      "$(proc_hwm_kb "$pid")" "$(proc_fds "$pid")" \
      "$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
    sleep 2
  done
) >"$work/samples.tsv" &
sampler=$!

# Rotation and reload on one clock, so their counts are exact.
rotations=0 rotations_seen=0 max_seen_ms=0 published_valid=0 published_invalid=0 next_config=1
last_rotate=$started last_reload=$started
while (($(date +%s) + 1 < deadline)); do
  sleep 0.5
  now=$(date +%s)
  if ((now - last_rotate >= rotate_every)); then
    last_rotate=$now
    rotations=$((rotations + 1))
    rel_serving_cert "cert$rotations"
    want=$(openssl x509 -noout -serial -in "$work/cert$rotations.crt" | cut -d= -f2)
    publish "$work/tls" tls.crt="$work/cert$rotations.crt" tls.key="$work/cert$rotations.key"
    t0=$(date +%s%N)
    for _ in $(seq 1 50); do
      if [[ "$(served_serial "$port")" == "$want" ]]; then
        rotations_seen=$((rotations_seen + 1))
        ms=$((($(date +%s%N) - t0) / 1000000))
        ((ms > max_seen_ms)) && max_seen_ms=$ms
        break
      fi
      sleep 0.1
    done
    rm -f "$work/cert$((rotations - 1)).key"
  fi
  if ((now - last_reload >= reload_every)); then
    last_reload=$now
    i=$((next_config % ${#configs[@]}))
    next_config=$((next_config + 1))
    printf "${configs[$i]}" >"$work/config$next_config.yaml"
    publish "$work/config" config.yaml="$work/config$next_config.yaml"
    if [[ "${config_valid[$i]}" == 1 ]]; then
      published_valid=$((published_valid + 1))
    else
      published_invalid=$((published_invalid + 1))
    fi
  fi
done
wait "$wrk_keep" "$wrk_close"
wait "$sampler"
sleep 2  # the last publication is picked up (--reload-interval 1)

loaded=$(metric 'aksarc_webhook_reloads_total{what="config",result="success"}')
refused=$(metric 'aksarc_webhook_reloads_total{what="config",result="failure"}')
cert_loaded=$(metric 'aksarc_webhook_reloads_total{what="certificate",result="success"}')
# Idle keep-alive connections close after --idle-timeout; then the descriptors must be back.
sleep $((idle_timeout + 2))
fds_after=$(proc_fds "$pid")

requests=$(json_sum requests "$work"/warmup-*.json "$work"/wrk-*.json)
errors=$(json_sum errors "$work"/warmup-*.json "$work"/wrk-*.json)
status_errors=$(json_sum status_errors "$work"/warmup-*.json "$work"/wrk-*.json)
warmup=$((seconds / 10 > 10 ? seconds / 10 : 10))
rss_warm=$(awk -F'\t' -v w="$warmup" '$1 >= w {print $2; exit}' "$work/samples.tsv")
rss_end=$(tail -1 "$work/samples.tsv" | cut -f2)
rss_max=$(cut -f2 "$work/samples.tsv" | sort -n | tail -1)
fds_max=$(cut -f4 "$work/samples.tsv" | sort -n | tail -1)
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN {printf "%.2f", (b - a) * 100 / a}')

expect "wrk sent requests ($requests in ${seconds} s)" test "$requests" -gt 0
expect "no request failed (socket errors, timeouts and non-2xx: $errors)" test "$errors" -eq 0
expect "no error status ($status_errors)" test "$status_errors" -eq 0
expect "every rotation served within 5 s ($rotations_seen of $rotations, slowest ${max_seen_ms} ms)" \
  test "$rotations_seen" -eq "$rotations"
expect "every rotation reloaded ($cert_loaded certificate reloads for $rotations rotations)" \
  test "$cert_loaded" -eq "$rotations"
expect "every valid configuration loaded ($loaded of $published_valid)" \
  test "$loaded" -eq "$published_valid"
expect "every invalid configuration refused ($refused of $published_invalid)" \
  test "$refused" -eq "$published_invalid"
expect "RSS growth under 5 % (${rss_warm} kB after warm-up -> ${rss_end} kB: ${growth} %)" \
  awk -v g="$growth" 'BEGIN {exit !(g < 5)}'
expect "no descriptor growth ($fds_before before the load, $fds_after after, $fds_max at most)" \
  test "$fds_after" -le "$fds_before"
expect "the webhook still runs" kill -0 "$pid"
# Then it must stop cleanly; under AddressSanitizer a leak report would land on stderr here.
kill -TERM "$pid"
wait "$pid"
expect "after the soak, SIGTERM: exit 0" test $? -eq 0
expect "nothing on stderr" test ! -s "$work/soak.err"
expect "no error logged except the refused configurations" \
  test "$(grep '"level":"error"' "$work/soak.log" | grep -vc 'reload failed; keeping the last good config')" -eq 0

if [[ -n "$out_dir" ]]; then
  mkdir -p "$out_dir"
  cp "$work/samples.tsv" "$out_dir/soak-samples.tsv"
  jq -n --argjson seconds "$seconds" --argjson requests "$requests" --argjson errors "$errors" \
    --argjson rotations "$rotations" --argjson rotations_seen "$rotations_seen" \
    --argjson slowest_rotation_ms "$max_seen_ms" --argjson configs_valid "$published_valid" \
    --argjson configs_invalid "$published_invalid" --argjson configs_loaded "$loaded" \
    --argjson configs_refused "$refused" --argjson rss_warm_kb "$rss_warm" \
    --argjson rss_end_kb "$rss_end" --argjson rss_max_kb "$rss_max" --arg rss_growth_pct "$growth" \
    --argjson fds_before "$fds_before" --argjson fds_after "$fds_after" --argjson fds_max "$fds_max" \
    --argjson rotate_every "$rotate_every" --argjson reload_every "$reload_every" \
    '$ARGS.named' >"$out_dir/soak.json"
fi
echo "# $requests requests in ${seconds} s ($((requests / seconds))/s), $errors failed;" \
  "$rotations rotations, $published_valid+$published_invalid configurations;" \
  "RSS ${rss_warm} -> ${rss_end} kB (${growth} %); fds $fds_before -> $fds_after"
finish
