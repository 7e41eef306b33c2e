#!/usr/bin/env bash
# The reliability suite (make reliability; a shortened run is the reliability_short ctest):
# the bad-input catalogues, the security checks, SIGTERM under load and the soak. Each part
# writes its figures into OUT; report.sh turns them (and the fuzz summary) into RELIABILITY.md.
#
# Usage: run.sh <build dir> <out dir> full|short
#   full:  catalogues, security, SIGTERM x3, soak 10 min (rotation every 30 s, reload every 10 s)
#   short: security, SIGTERM x1, soak 45 s (rotation every 10 s, reload every 3 s); the
#          catalogues run as their own ctests
# SOAK_SECONDS overrides the soak's length.
set -u
build=${1:?usage: run.sh <build dir> <out dir> full|short}
out=${2:?usage: run.sh <build dir> <out dir> full|short}
mode=${3:?usage: run.sh <build dir> <out dir> full|short}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
webhook="$build/aksarc-support-webhook"
testdata="$root/tests/testdata"
export RELIABILITY_OUT="$out"
failed=0

part() {  # part NAME COMMAND...: runs one part, its output in OUT/NAME.log, and says how it went
  local name=$1 start rc
  shift
  start=$(date +%s)
  "$@" >"$out/$name.log" 2>&1
  rc=$?
  printf '%-20s %s (%d s)\n' "$name" "$([[ $rc -eq 0 ]] && echo passed || echo FAILED)" \
    "$(($(date +%s) - start))" | tee -a "$out/parts.txt"
  if [[ $rc -ne 0 ]]; then
    grep -E '^not ok|FAIL' "$out/$name.log" | head -20
    failed=$((failed + 1))
  fi
  grep -E '^# ' "$out/$name.log" | head -12
}

: >"$out/parts.txt"
if [[ "$mode" == full ]]; then
  part catalogue-webhook bash "$root/tests/reliability/catalogue_webhook.sh" "$webhook" "$testdata"
  part catalogue-plugin bash "$root/tests/reliability/catalogue_plugin.sh" "$build" "$testdata" \
    "$build/aksarc-test-apiserver"
  part security bash "$root/tests/reliability/security.sh" "$webhook" "$testdata" "$out"
  part sigterm bash "$root/tests/reliability/sigterm_load.sh" "$webhook" "$testdata" 3 "$out"
  part soak bash "$root/tests/reliability/soak.sh" "$webhook" "$testdata" "${SOAK_SECONDS:-600}" 30 10 \
    "$out"
else
  part security bash "$root/tests/reliability/security.sh" "$webhook" "$testdata" "$out"
  part sigterm bash "$root/tests/reliability/sigterm_load.sh" "$webhook" "$testdata" 1 "$out"
  part soak bash "$root/tests/reliability/soak.sh" "$webhook" "$testdata" "${SOAK_SECONDS:-45}" 10 3 \
    "$out"
fi
echo "reliability ($mode): $failed part(s) failed; figures in $out"
[[ $failed -eq 0 ]]
