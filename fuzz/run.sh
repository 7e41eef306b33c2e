#!/usr/bin/env bash
# Runs the libFuzzer targets one after the other and writes a summary (make fuzz, make
# fuzz-smoke). A target whose binary was not built is skipped with a message. Every target runs
# even after another one found something; the exit status is 1 when any did, after the summary is
# written.
#
#   fuzz/run.sh MODE BUILD SECONDS SUMMARY SEED_CACHE TARGET:MAX_LEN:SEED_DIR,SEED_DIR ...
#
# MODE fuzz: the work corpus is fuzz/corpus-<name> (git-ignored; <name> is the target without
#   "fuzz_", dashes for underscores), kept between runs; the derived seeds of SEED_CACHE/<target>
#   (fuzz/seeds.sh) are copied into it first. Crash inputs go to BUILD/fuzz-artifacts/<target>/.
# MODE smoke: the work corpus is a temporary folder, seeded from SEED_CACHE/<target> as a
#   read-only corpus; it is removed when nothing was found, else kept with the crash inputs and
#   logs, and its path printed.
# The fixture folders SEED_DIR are read-only seeds in both modes.
#
# SUMMARY is a TSV: target, seconds (libFuzzer's own count, else wall time), runs,
# execs_per_second, corpus_entries (libFuzzer's corpus at the end: inputs that add coverage),
# findings (0, or the crash/leak/timeout input's path; the log's path when there is none).
# Sanitizers: ASan (leaks included) and UBSan, which stops at the first report so that undefined
# behaviour counts as a finding. FUZZ_TIMEOUT (seconds per input, default 30) turns a hang into one.
set -uo pipefail

mode=$1 build=$2 seconds=$3 summary=$4 seed_cache=$5
shift 5
timeout=${FUZZ_TIMEOUT:-30}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

if [[ "$mode" == smoke ]]; then
  work=$(mktemp -d)
  artifacts_root=$work
else
  work=fuzz
  artifacts_root=$build/fuzz-artifacts
fi

mkdir -p "$(dirname "$summary")"
printf 'target\tseconds\truns\texecs_per_second\tcorpus_entries\tfindings\n' > "$summary"
failed=0

# last_number LOG REGEX: group 1 of the last line matching REGEX (sed -E; REGEX has no '#').
last_number() { sed -nE "s#$2#\\1#p" "$1" | tail -1; }

for spec in "$@"; do
  IFS=: read -r target max_len seeds <<< "$spec"
  binary=$build/fuzz/$target
  if [[ ! -x "$binary" ]]; then
    echo "fuzz: $target skipped (not built: no fuzz/$target.cc or no CMake target)"
    continue
  fi
  name=${target#fuzz_}
  if [[ "$mode" == smoke ]]; then
    corpus=$work/corpus-${name//_/-}
    extra=("$seed_cache/$target")
  else
    corpus=fuzz/corpus-${name//_/-}
    extra=()
    mkdir -p "$corpus"
    if compgen -G "$seed_cache/$target/*" > /dev/null; then cp -f "$seed_cache/$target"/* "$corpus"/; fi
  fi
  mkdir -p "$corpus" "$artifacts_root/$target"
  seed_dirs=()
  IFS=, read -ra fixture_dirs <<< "$seeds"
  for dir in "${fixture_dirs[@]}" "${extra[@]}"; do
    [[ -n "$dir" && -d "$dir" ]] && seed_dirs+=("$dir")
  done
  log=$artifacts_root/$target/fuzz.log
  start=$(date +%s)
  "$binary" -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" \
    -print_final_stats=1 -artifact_prefix="$artifacts_root/$target/" \
    "$corpus" "${seed_dirs[@]}" < /dev/null > "$log" 2>&1
  status=$?
  wall=$(($(date +%s) - start))

  done_runs=$(last_number "$log" '^Done ([0-9]+) runs in [0-9]+ second.*')
  done_secs=$(last_number "$log" '^Done [0-9]+ runs in ([0-9]+) second.*')
  runs=${done_runs:-$(last_number "$log" '^stat::number_of_executed_units: ([0-9]+).*')}
  runs=${runs:-$(last_number "$log" '^#([0-9]+)[[:space:]].*')}
  runs=${runs:-0}
  secs=${done_secs:-$wall}
  ((secs > 0)) || secs=1
  corp=$(last_number "$log" '.* corp: ([0-9]+)/.*')
  corp=${corp:-0}
  finding=0
  if ((status != 0)); then
    finding=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -1)
    finding=${finding:-$log}
    failed=1
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$secs" "$runs" $((runs / secs)) "$corp" "$finding" \
    >> "$summary"
  if ((status != 0)); then
    tail -40 "$log"
    echo "fuzz: $target FAILED after $runs runs: $finding (log $log)"
  else
    echo "fuzz: $target: $runs runs in $secs s ($((runs / secs))/s), corpus $corp"
  fi
done

echo "fuzz: summary in $summary"
column -t -s $'\t' "$summary" 2> /dev/null || cat "$summary"
if ((failed)); then
  echo "fuzz: findings: crash inputs and logs are in $artifacts_root"
  exit 1
fi
if [[ "$mode" == smoke ]]; then rm -rf "$work"; fi
exit 0
