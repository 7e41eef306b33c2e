# Sourced by the webhook reliability runs (soak, SIGTERM under load, security): a temp dir and
# the processes started, both cleaned up at exit; certificates and files published the way
# kubelet publishes a mounted Secret or ConfigMap; the webhook on an ephemeral port; wrk load;
# and what /proc says about the process.

# $work: the run's temp dir; `pids`: every process started, killed and reaped at exit.
work=$(mktemp -d)
pids=()
rel_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap rel_cleanup EXIT

# rel_ca: a throw-away CA in $work/ca.{crt,key} (P-256, one day).
rel_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
    -subj "/CN=aksarc reliability CA" -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
}

# rel_serving_cert NAME: $work/NAME.{crt,key}, a serving certificate for 127.0.0.1 from that CA,
# with its own serial, so a client can tell which one it was served.
rel_serving_cert() {
  local name=$1
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=aksarc-support" \
    -keyout "$work/$name.key" -out "$work/$name.csr" 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' \
      >"$work/$name.ext" &&
    openssl x509 -req -in "$work/$name.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
      -set_serial "0x$(openssl rand -hex 8)" -days 1 -extfile "$work/$name.ext" \
      -out "$work/$name.crt" 2>/dev/null
}

# publish DIR KEY=FILE...: what kubelet's atomic writer does for a Secret or ConfigMap volume.
# The files go into a fresh timestamped directory, the ..data symlink is swapped to it in one
# rename, and the visible names (DIR/KEY -> ..data/KEY) never change; the old directory is
# then removed. A reader never sees a half-written pair.
publish_seq=0
publish() {
  local dir=$1 pair
  shift
  publish_seq=$((publish_seq + 1))
  local version="..$(date +%Y_%m_%d_%H_%M_%S).$publish_seq"
  mkdir -p "$dir/$version"
  for pair in "$@"; do cp "${pair#*=}" "$dir/$version/${pair%%=*}"; done
  local old
  old=$(readlink "$dir/..data" 2>/dev/null || true)
  ln -s "$version" "$dir/..data_tmp"
  mv -T "$dir/..data_tmp" "$dir/..data"
  for pair in "$@"; do
    [[ -L "$dir/${pair%%=*}" ]] || ln -s "..data/${pair%%=*}" "$dir/${pair%%=*}"
  done
  [[ -n "$old" ]] && rm -rf "${dir:?}/$old"
  return 0
}

# start_webhook BINARY NAME FLAGS...: starts it on 127.0.0.1 port 0, logging to $work/NAME.log,
# and waits (10 s at most) for its "listening" line and /readyz; sets pid and port.
start_webhook() {
  local binary=$1 name=$2
  shift 2
  "$binary" --bind-address 127.0.0.1 --port 0 "$@" >"$work/$name.log" 2>"$work/$name.err" &
  pid=$!
  pids+=("$pid")
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -m1 '"msg":"listening"' "$work/$name.log" 2>/dev/null | jq -r '.port // empty')
    [[ -n "$port" ]] && curl -sf --max-time 2 --cacert "$work/ca.crt" \
      "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the webhook $name did not start:" >&2
  cat "$work/$name.err" "$work/$name.log" >&2
  return 1
}

# The process's resident set (kB), its peak (kB) and its open descriptors, from /proc.
proc_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
proc_hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
proc_fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# served_serial PORT: the serial number of the certificate a new handshake gets.
served_serial() {
  echo | timeout 5 openssl s_client -connect "127.0.0.1:$1" -CAfile "$work/ca.crt" 2>/dev/null |
    openssl x509 -noout -serial 2>/dev/null | cut -d= -f2
}

# wrk_load PORT BODY SECONDS CONNECTIONS CLOSE OUT: wrk posting BODY to /validate; CLOSE=1 sends
# Connection: close (a new TLS handshake per request). Its JSON summary line goes to OUT.
wrk_load() {
  local port=$1 body=$2 seconds=$3 conns=$4 close=$5 out=$6 script
  script="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bench/wrk/post_review.lua"
  REVIEW_BODY=$body REVIEW_CLOSE=$close wrk -t 1 -c "$conns" -d "${seconds}s" --timeout 5s \
    -s "$script" "https://127.0.0.1:$port" 2>&1 | grep '^{"requests"' >"$out"
}

# json_sum FIELD FILE...: the sum of FIELD over wrk summary files.
json_sum() {
  local field=$1
  shift
  cat "$@" | jq -s "map(.$field) | add // 0"
}
