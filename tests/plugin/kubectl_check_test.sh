#!/usr/bin/env bash
# End to end: `kubectl aksarc-support` through the real kubectl's plugin dispatch, against
# aksarc-test-apiserver serving the scenario clusters of tests/testdata/scenarios (and the same
# clusters read back with --from-dump). Scenarios, every auth path of the kubeconfig, several
# contexts, output formats, flags, the other subcommands and exit codes.
# Usage: kubectl_check_test.sh <plugin-bin-dir> <tests/testdata> <aksarc-test-apiserver binary>
# AKSARC_UPDATE_GOLDEN=1 rewrites the scenarios' expected.json from the live reports.
set -euo pipefail

bin_dir=$(cd "${1:?usage: kubectl_check_test.sh <plugin-bin-dir> <testdata> <server-binary>}" && pwd)
testdata=$(cd "${2:?usage: kubectl_check_test.sh <plugin-bin-dir> <testdata> <server-binary>}" && pwd)
server_bin=${3:?usage: kubectl_check_test.sh <plugin-bin-dir> <testdata> <server-binary>}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scenario_lib.sh
source "$here/scenario_lib.sh"
# shellcheck source=scenario_harness.sh
source "$here/scenario_harness.sh"

for tool in kubectl openssl jq; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool not on PATH"; exit 0; }
done
[[ -x "$bin_dir/kubectl-aksarc_support" ]] || { echo "not ok - no $bin_dir/kubectl-aksarc_support"; exit 1; }
[[ -x "$server_bin" ]] || { echo "not ok - no server binary $server_bin"; exit 1; }

work=$(mktemp -d)
trap harness_cleanup EXIT
trap 'exit 130' INT TERM # so that EXIT cleans up (stops the servers) on ctest's timeout too
started=$SECONDS

make_certs || { echo "not ok - cannot create certificates"; exit 1; }
make_exec_plugin

# --- scenarios: one server per scenario (all started at once), live and --from-dump -----------
scenarios=()
for dir in "$testdata"/scenarios/*/; do scenarios+=("$(basename "$dir")"); done
for name in "${scenarios[@]}"; do
  if ! scenario_materialise "$testdata" "$name" "$work/scen"; then
    not_ok "scenario $name: materialise"
    continue
  fi
  mapfile -t sargs < <(scenario_args "$testdata/scenarios/$name/server-args" "$testdata/scenarios/$name")
  start_server "$name" "$work/scen/$name" "${sargs[@]}" || not_ok "scenario $name: server start"
done
# the healthy cluster behind a server slower than the client's --request-timeout
[[ -d "$work/scen/healthy" ]] && start_server slow "$work/scen/healthy" --delay-ms 3000
wait_servers
run_parallel run_scenario "${scenarios[@]}"

# --- everything else, against the healthy scenario's server ------------------------------------
healthy_args=(--at 2025-11-25 --arc-status "$testdata/scenarios/healthy/arc-status.json")
source "$here/scenario_cli_tests.sh"

echo "# $passed passed, $failed failed in $((SECONDS - started)) s"
[[ $failed -eq 0 ]]
