# The plugin's CLI beyond the scenarios (sourced by kubectl_check_test.sh after the scenario
# servers run): kubeconfig auth paths, contexts, several clusters, output formats, flags,
# snapshot, the catalog subcommands. Uses $work, $token, port[], healthy_args, kp, expect.
# shellcheck disable=SC2154,SC2016,SC2034 # variables come from kubectl_check_test.sh; eval strings

# write_auth_kubeconfig PORT: one context per way of reaching the healthy scenario's server.
write_auth_kubeconfig() {
  local p=$1 ca_data cert_data key_data
  ca_data=$(base64 -w0 < "$work/ca.crt")
  cert_data=$(base64 -w0 < "$work/client.crt")
  key_data=$(base64 -w0 < "$work/client.key")
  printf '%s\n' "$token" > "$work/token.txt"
  cat > "$work/auth.kubeconfig" << KC
apiVersion: v1
kind: Config
clusters:
- name: ca-file
  cluster: {server: "https://127.0.0.1:$p", certificate-authority: "$work/ca.crt"}
- name: ca-data
  cluster: {server: "https://127.0.0.1:$p", certificate-authority-data: "$ca_data"}
- name: insecure
  cluster: {server: "https://127.0.0.1:$p", insecure-skip-tls-verify: true}
- name: no-ca
  cluster: {server: "https://127.0.0.1:$p"}
- name: server-name
  cluster: {server: "https://127.0.0.1:$p", certificate-authority: "$work/ca.crt", tls-server-name: aksarc.test}
- name: server-name-wrong
  cluster: {server: "https://127.0.0.1:$p", certificate-authority: "$work/ca.crt", tls-server-name: wrong.example}
- name: unreachable
  cluster: {server: "https://127.0.0.1:1", certificate-authority: "$work/ca.crt"}
- name: slow
  cluster: {server: "https://127.0.0.1:${port[slow]:-1}", certificate-authority: "$work/ca.crt"}
- name: relabelled
  cluster: {server: "https://127.0.0.1:${port[relabelled-nodes]:-1}", certificate-authority: "$work/ca.crt"}
- name: perms
  cluster: {server: "https://127.0.0.1:${port[missing-permissions]:-1}", certificate-authority: "$work/ca.crt"}
users:
- name: token
  user: {token: "$token"}
- name: token-file
  user: {tokenFile: "$work/token.txt"}
- name: cert-file
  user: {client-certificate: "$work/client.crt", client-key: "$work/client.key"}
- name: cert-data
  user: {client-certificate-data: "$cert_data", client-key-data: "$key_data"}
- name: wrong-token
  user: {token: not-the-token}
- name: exec-v1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: "$work/exec-cred.sh"
      args: [v1]
      env: [{name: AKSARC_TEST_ENV, value: from-kubeconfig}]
      interactiveMode: Never
      provideClusterInfo: true
- name: exec-v1beta1
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: "$work/exec-cred.sh"
      args: [v1beta1]
      env: [{name: AKSARC_TEST_ENV, value: from-kubeconfig}]
- name: auth-provider
  user:
    auth-provider:
      name: azure
      config: {apiserver-id: 6dae42f8-4368-4678-94ff-3960e28e3630, client-id: 80faf920-1908-4b52-b5ef-a8e7bedfc67a, tenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47}
contexts:
- {name: token, context: {cluster: ca-file, user: token}}
- {name: token-file, context: {cluster: ca-file, user: token-file}}
- {name: cert-file, context: {cluster: ca-file, user: cert-file}}
- {name: cert-data, context: {cluster: ca-data, user: cert-data}}
- {name: insecure, context: {cluster: insecure, user: token}}
- {name: no-ca, context: {cluster: no-ca, user: token}}
- {name: server-name, context: {cluster: server-name, user: token}}
- {name: server-name-wrong, context: {cluster: server-name-wrong, user: token}}
- {name: exec-v1, context: {cluster: ca-file, user: exec-v1}}
- {name: exec-v1beta1, context: {cluster: ca-file, user: exec-v1beta1}}
- {name: auth-provider, context: {cluster: ca-file, user: auth-provider}}
- {name: wrong-token, context: {cluster: ca-file, user: wrong-token}}
- {name: unreachable, context: {cluster: unreachable, user: token}}
- {name: slow, context: {cluster: slow, user: token}}
- {name: relabelled, context: {cluster: relabelled, user: token}}
- {name: perms, context: {cluster: perms, user: token}}
current-context: token
KC
  # Several clusters: Supported, Unsupported, AtRisk and one that cannot be reached.
  cat > "$work/multi.kubeconfig" << KC
apiVersion: v1
kind: Config
clusters:
- {name: healthy, cluster: {server: "https://127.0.0.1:$p", certificate-authority: "$work/ca.crt"}}
- {name: relabelled, cluster: {server: "https://127.0.0.1:${port[relabelled-nodes]:-1}", certificate-authority: "$work/ca.crt"}}
- {name: perms, cluster: {server: "https://127.0.0.1:${port[missing-permissions]:-1}", certificate-authority: "$work/ca.crt"}}
- {name: down, cluster: {server: "https://127.0.0.1:1", certificate-authority: "$work/ca.crt"}}
users:
- {name: token, user: {token: "$token"}}
contexts:
- {name: healthy, context: {cluster: healthy, user: token}}
- {name: relabelled, context: {cluster: relabelled, user: token}}
- {name: perms, context: {cluster: perms, user: token}}
- {name: down, context: {cluster: down, user: token}}
current-context: healthy
KC
}

write_auth_kubeconfig "${port[healthy]:-1}"
ak=(--kubeconfig "$work/auth.kubeconfig")
is_rc() { [[ "$rc" == "$1" ]]; }
verdict_is() { is_rc "$1" && [[ $(jq -r .verdict <<< "$out" 2> /dev/null) == "$2" ]]; }
err_has() { grep -Eqi -- "$1" <<< "$err"; }
out_has() { grep -Eqi -- "$1" <<< "$out"; }
no_escape() { ! grep -q $'\x1b' <<< "$out"; }
# SGR colour sequences (progress lines on a TTY may use other escapes, such as erase-line)
no_colour() { ! grep -qE $'\x1b\\[[0-9;]*m' <<< "$out"; }

# --- auth paths through kubectl's plugin dispatch ---------------------------------------------
cli_auth() {
  for ctx in token token-file cert-file cert-data insecure server-name; do
    kp "${ak[@]}" --context "$ctx" -o json "${healthy_args[@]}"
    expect "auth $ctx: exit 0, Supported" verdict_is 0 Supported
  done
  rc=0
  KUBECONFIG="$work/auth.kubeconfig" kp -o json "${healthy_args[@]}"
  expect "KUBECONFIG env and its current-context (token): exit 0" verdict_is 0 Supported
  kp "${ak[@]}" --context no-ca -o json "${healthy_args[@]}"
  expect "a cluster without CA: TLS verification fails, exit 1 with a certificate message" \
    eval 'is_rc 1 && err_has "certificate|verify|x509|tls"'
  kp "${ak[@]}" --context server-name-wrong -o json "${healthy_args[@]}"
  expect "tls-server-name is honoured: a wrong name fails verification, exit 1" \
    eval 'is_rc 1 && err_has "certificate|verify|x509|tls|name"'

  for v in v1 v1beta1; do
    rm -f "$work/exec-runs.$v"
    rc=0
    out=$("$bin_dir/kubectl-aksarc_support" "${ak[@]}" --context "exec-$v" -o json \
      "${healthy_args[@]}" 2> "$work/stderr") || rc=$?
    err=$(cat "$work/stderr")
    runs=$(wc -l < "$work/exec-runs.$v" 2> /dev/null || echo 0)
    expect "exec credential plugin $v: exit 0, Supported, the plugin ran once ($runs) for all requests" \
      eval 'verdict_is 0 Supported && [[ $runs -eq 1 ]]'
    expect "exec credential plugin $v: KUBERNETES_EXEC_INFO names $v" \
      eval 'jq -e --arg v "client.authentication.k8s.io/$v" ".apiVersion == \$v" "$work/exec-info.$v" > /dev/null'
    rm -f "$work/exec-runs.$v"
    kp "${ak[@]}" --context "exec-$v" -o json "${healthy_args[@]}"
    runs=$(wc -l < "$work/exec-runs.$v" 2> /dev/null || echo 0)
    expect "exec credential plugin $v through kubectl: exit 0, the credential plugin ran once" \
      eval 'verdict_is 0 Supported && [[ $runs -eq 1 ]]'
  done
  expect "exec v1 with provideClusterInfo: KUBERNETES_EXEC_INFO carries the cluster's server" \
    eval 'jq -e ".spec.cluster.server | test(\"127.0.0.1\")" "$work/exec-info.v1" > /dev/null'

  kp "${ak[@]}" --context auth-provider "${healthy_args[@]}"
  expect "removed auth-provider: exit 1, the message names kubelogin" \
    eval 'is_rc 1 && err_has kubelogin && err_has auth-provider'
  kp "${ak[@]}" --context wrong-token "${healthy_args[@]}"
  expect "wrong token: exit 1, the message says Unauthorized (401)" \
    eval 'is_rc 1 && err_has "401|unauthorized"'
  t0=$SECONDS
  kp "${ak[@]}" --context unreachable --request-timeout 2s "${healthy_args[@]}"
  expect "unreachable server: exit 1 in $((SECONDS - t0)) s, the message names the server" \
    eval 'is_rc 1 && [[ $((SECONDS - t0)) -lt 20 ]] && err_has "127.0.0.1:1"'
  if [[ -n "${port[slow]:-}" ]]; then
    t0=$SECONDS
    kp "${ak[@]}" --context slow --request-timeout 1s "${healthy_args[@]}"
    expect "server slower than --request-timeout 1s: exit 1 in $((SECONDS - t0)) s, says timeout" \
      eval 'is_rc 1 && [[ $((SECONDS - t0)) -lt 30 ]] && err_has "time|deadline"'
  fi

  kp "${ak[@]}" --context no-such-context "${healthy_args[@]}"
  expect "--context that the kubeconfig lacks: exit 1 naming it" eval 'is_rc 1 && err_has no-such-context'
  kp --kubeconfig "$work/no-such-kubeconfig" "${healthy_args[@]}"
  expect "unreadable --kubeconfig: exit 1 naming it" eval 'is_rc 1 && err_has no-such-kubeconfig'
  kp "${ak[@]}" --request-timeout soon "${healthy_args[@]}"
  expect "malformed --request-timeout: exit 1" is_rc 1

  # kubectl's overrides: --user and --cluster replace the context's
  kp "${ak[@]}" --context wrong-token --user token -o json "${healthy_args[@]}"
  expect "--user token overrides the context's wrong user: exit 0" verdict_is 0 Supported
  kp "${ak[@]}" --context unreachable --cluster ca-file -o json "${healthy_args[@]}"
  expect "--cluster ca-file overrides the context's unreachable cluster: exit 0" verdict_is 0 Supported
  # KUBECONFIG with two files, merged: a context in the first, its cluster and user in the second
  printf '%s\n' 'apiVersion: v1' 'kind: Config' 'contexts:' \
    '- {name: merged, context: {cluster: ca-data, user: cert-data}}' 'current-context: merged' \
    > "$work/first.kubeconfig"
  KUBECONFIG="$work/first.kubeconfig:$work/auth.kubeconfig" kp -o json "${healthy_args[@]}"
  expect "KUBECONFIG=a:b merged: the first file's current-context, the second's cluster and user" \
    verdict_is 0 Supported

  # --context picks the cluster: same kubeconfig, another server
  kp "${ak[@]}" --context relabelled -o json "${healthy_args[@]}"
  expect "--context relabelled reads the relabelled cluster: exit 3" verdict_is 3 Unsupported

}

# --- several clusters -----------------------------------------------------------------------
cli_multi() {
  mk=(--kubeconfig "$work/multi.kubeconfig")
  kp "${mk[@]}" --all-contexts -o json "${healthy_args[@]}"
  expect "--all-contexts -o json: SupportReportList, 3 reports, 1 error naming 'down', exit 3" \
    eval 'is_rc 3 && jq -e "(.kind == \"SupportReportList\") and (.items | length == 3) and
      ([.items[].verdict] | sort == [\"AtRisk\", \"Supported\", \"Unsupported\"]) and
      (.errors | length == 1) and .errors[0].context == \"down\" and (.errors[0].message | length > 0)" <<< "$out" > /dev/null'
  kp "${mk[@]}" --all-contexts "${healthy_args[@]}"
  expect "--all-contexts table: the 3 reports, then a summary CONTEXT VERDICT FAIL WARN UNKNOWN of all 4" \
    eval 'is_rc 3 && out_has "^CONTEXT +VERDICT +FAIL +WARN +UNKNOWN" &&
      out_has "^healthy +Supported" && out_has "^relabelled +Unsupported" && out_has "^perms +AtRisk" &&
      out_has "^down +" &&
      [[ $(grep -c "^Verdict " <<< "$out") -eq 3 ]]'
  kp "${mk[@]}" --contexts healthy,perms -o json "${healthy_args[@]}"
  expect "--contexts healthy,perms: exit 2 (AtRisk)" eval 'is_rc 2 && jq -e ".items | length == 2" <<< "$out" > /dev/null'
  kp "${mk[@]}" --contexts healthy,down -o json "${healthy_args[@]}"
  expect "--contexts healthy,down: exit 1 (a context could not be read)" is_rc 1
  kp "${mk[@]}" --contexts healthy -o json "${healthy_args[@]}"
  expect "--contexts healthy: exit 0" is_rc 0

}

# --- output ----------------------------------------------------------------------------------
cli_output() {
  kp "${ak[@]}" "${healthy_args[@]}"
  table=$out
  expect "-o table (default): exit 0, lists findings and the verdict, no ANSI escapes off a TTY" \
    eval 'is_rc 0 && out_has "control-plane-version" && out_has "Supported" && no_escape'
  kp "${ak[@]}" check "${healthy_args[@]}"
  expect "explicit check subcommand prints the same table" eval 'is_rc 0 && [[ "$out" == "$table" ]]'
  if command -v script > /dev/null; then
    printf '#!/bin/sh\nPATH="%s:$PATH" exec kubectl aksarc-support --kubeconfig "%s" %s\n' \
      "$bin_dir" "$work/auth.kubeconfig" "${healthy_args[*]}" > "$work/tty.sh"
    chmod +x "$work/tty.sh"
    out=$(TERM=xterm timeout 60 script -qec "$work/tty.sh" /dev/null 2>&1 || true)
    expect "-o table on a TTY is coloured" eval '! no_colour'
    out=$(NO_COLOR=1 TERM=xterm timeout 60 script -qec "$work/tty.sh" /dev/null 2>&1 || true)
    expect "-o table on a TTY with NO_COLOR has no colour" eval 'no_colour && out_has "Supported"'
  fi
  kp "${ak[@]}" -o json "${healthy_args[@]}"
  live_healthy=$out
  kp "${ak[@]}" -o yaml "${healthy_args[@]}"
  expect "-o yaml: exit 0, key lines of the SupportReport" \
    eval 'is_rc 0 && out_has "^apiVersion: \"?aksarc-support.io/v1alpha1\"?$" && out_has "^kind: \"?SupportReport\"?$" &&
      out_has "^verdict: \"?Supported\"?$" && out_has "^findings:" && out_has "^ +id: \"?control-plane-version\"?$" &&
      out_has "^summary:" && no_escape'
  if python3 -c 'import yaml' 2> /dev/null; then
    yaml_json=$(python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))' <<< "$out" 2>&1 || true)
    expect "-o yaml parses (python3 yaml) to the -o json document" \
      eval 'diff <(jq -S . <<< "$yaml_json") <(jq -S . <<< "$live_healthy") > /dev/null'
  fi

  kp "${ak[@]}" --context relabelled --only-failed -o json "${healthy_args[@]}"
  expect "--only-failed -o json: only fail/warn/unknown findings, the fails included, exit 3" \
    eval 'is_rc 3 && jq -e "(.findings | length > 0) and all(.findings[]; .status == \"fail\" or .status == \"warn\" or .status == \"unknown\") and any(.findings[]; .status == \"fail\")" <<< "$out" > /dev/null'
  kp "${ak[@]}" --context relabelled --only-failed "${healthy_args[@]}"
  expect "--only-failed table: shows node-system-labels, hides the passing cni check" \
    eval 'is_rc 3 && out_has "node-system-labels" && ! out_has "(^| )cni( |$)"'

}

# --- flags and their errors ---------------------------------------------------------------
cli_flags() {
  kp "${ak[@]}" --check kubelet-versions,cni -o json "${healthy_args[@]}"
  expect "--check kubelet-versions,cni: only those two checks" \
    eval 'is_rc 0 && jq -e "[.findings[].id] | unique == [\"cni\", \"kubelet-versions\"]" <<< "$out" > /dev/null'
  kp "${ak[@]}" --skip cni,node-os-image -o json "${healthy_args[@]}"
  expect "--skip cni,node-os-image: both absent, the others present" \
    eval 'is_rc 0 && jq -e "([.findings[].id] | index(\"cni\") == null and index(\"node-os-image\") == null and index(\"kubelet-versions\") != null)" <<< "$out" > /dev/null'
  kp "${ak[@]}" check -o json --check kubelet-versions --at 2025-11-25
  expect "flags after the subcommand: check -o json --check ... --at ..." \
    eval 'jq -e "([.findings[].id] | unique == [\"kubelet-versions\"]) and .asOf == \"2025-11-25\"" <<< "$out" > /dev/null'
  kp "${ak[@]}" --check no-such-check "${healthy_args[@]}"
  expect "--check with an unknown ID: exit 1 naming it" eval 'is_rc 1 && err_has no-such-check'
  kp "${ak[@]}" --skip also-not-a-check "${healthy_args[@]}"
  expect "--skip with an unknown ID: exit 1 naming it" eval 'is_rc 1 && err_has also-not-a-check'
  kp "${ak[@]}" --no-such-flag
  expect "an unknown flag: exit 1" is_rc 1
  kp "${ak[@]}" --at 2025-13-45
  expect "--at 2025-13-45 (not a date): exit 1" eval 'is_rc 1 && err_has "2025-13-45|--at"'
  kp "${ak[@]}" -o xml "${healthy_args[@]}"
  expect "-o xml: exit 1" is_rc 1
  kp "${ak[@]}" --platform mars "${healthy_args[@]}"
  expect "--platform mars: exit 1" is_rc 1
  kp "${ak[@]}" --arc-status "$work/no-such-file.json" --at 2025-11-25
  expect "--arc-status with a missing file: exit 1 naming it" eval 'is_rc 1 && err_has no-such-file'
  kp "${ak[@]}" -o json --at 2025-11-25
  expect "without --arc-status: arc-connectivity unknown, says to run az connectedk8s show, exit 2" \
    eval 'is_rc 2 && jq -e ".findings[] | select(.id == \"arc-connectivity\") | .status == \"unknown\" and (.remediation | test(\"az connectedk8s show\"))" <<< "$out" > /dev/null'

  # --policy-data: a replacement table; an old one warns on stderr, stdout stays the report.
  repo=$(cd "$here/../.." && pwd) # the source tree, for data/aksarc-versions.json
  jq '.asOf = "2024-01-01" | (.platforms["azure-local"].minors[] | select(.minor == "1.31") | .endOfSupport) = "2025-12-20"' \
    "$repo/data/aksarc-versions.json" > "$work/old-policy.json"
  kp "${ak[@]}" --policy-data "$work/old-policy.json" -o json "${healthy_args[@]}"
  expect "--policy-data: its end date for 1.31 (2025-12-20) makes the version a VER-1 warning, exit 2" \
    eval 'is_rc 2 && jq -e ".findings[] | select(.id == \"control-plane-version\") | .status == \"warn\" and .rule == \"VER-1\" and (.message | test(\"2025-12-20\"))" <<< "$out" > /dev/null'
  expect "--policy-data older than 120 days: a warning on stderr, stdout is still one JSON report" \
    eval 'err_has "120|old|stale|2024-01-01" && jq -e ".kind == \"SupportReport\"" <<< "$out" > /dev/null'
  kp "${ak[@]}" --policy-data "$work/no-such-policy.json" "${healthy_args[@]}"
  expect "--policy-data with a missing file: exit 1" is_rc 1

}

# --- snapshot and dumps -----------------------------------------------------------------------
cli_snapshot() {
  kp "${ak[@]}" snapshot -o "$work/snap"
  expect "snapshot -o DIR: exit 0, writes nodes.json, version.json, discovery.json, configz" \
    eval 'is_rc 0 && [[ -f $work/snap/nodes.json && -f $work/snap/version.json && -f $work/snap/discovery.json ]] &&
      ls "$work"/snap/nodes/*/configz.json > /dev/null 2>&1'
  expect "snapshot holds no Secret data (the cluster has a Secret)" \
    eval '! grep -rqe "c3VwZXItc2VjcmV0LWRiLXBhc3N3b3JkLTQ3MTE=" -e "super-secret-db-password" "$work/snap"'
  kp --from-dump "$work/snap" -o json "${healthy_args[@]}"
  snap_diff=$(diff <(scenario_findings <<< "$live_healthy") <(scenario_findings <<< "$out") 2>&1 || true)
  expect "--from-dump of the snapshot gives the live findings" eval 'is_rc 0 && [[ -z "$snap_diff" ]]'
  [[ -z "$snap_diff" ]] || echo "$snap_diff" | head -20 | sed 's/^/    /'
  kp "${ak[@]}" snapshot -o "$work/snap"
  expect "snapshot into a non-empty folder: exit 1" is_rc 1
  kp "${ak[@]}" snapshot -o "$work/snap-arc" --arc-status "$testdata/scenarios/arc-disconnected/arc-status.json"
  kp --from-dump "$work/snap-arc" -o json --at 2025-11-25
  expect "snapshot --arc-status keeps the Arc status: --from-dump alone judges it (LIFE-3 fail)" \
    eval 'is_rc 3 && [[ -f $work/snap-arc/arc-status.json ]] && jq -e ".findings[] | select(.id == \"arc-connectivity\") | .status == \"fail\"" <<< "$out" > /dev/null'
  kp --from-dump "$work/snap-arc" --all-contexts "${healthy_args[@]}"
  expect "--from-dump with --all-contexts: exit 1" is_rc 1
  kp --from-dump "$work/no-such-dump" "${healthy_args[@]}"
  expect "--from-dump of a missing folder: exit 1" is_rc 1
  # a real `kubectl cluster-info dump`: no version, discovery, configz or managedFields in it
  if timeout 60 kubectl "${ak[@]}" cluster-info dump --all-namespaces --output-directory "$work/kdump" \
    > /dev/null 2>&1; then
    kp --from-dump "$work/kdump" -o json "${healthy_args[@]}"
    expect "--from-dump of kubectl cluster-info dump: judged; what a dump lacks is unknown and names snapshot, exit 2" \
      eval 'is_rc 2 && jq -e "(.findings[] | select(.id == \"kubelet-versions\") | .status == \"pass\") and
        (.findings[] | select(.id == \"control-plane-version\") | .status == \"pass\") and
        (.findings[] | select(.id == \"node-system-labels\") | .status == \"pass\") and
        (.findings[] | select(.id == \"alpha-apis-served\") | .status == \"unknown\" and (.message | test(\"snapshot\")))" <<< "$out" > /dev/null'
  else
    not_ok "kubectl cluster-info dump against the test server"
  fi

}

# --- catalog subcommands ----------------------------------------------------------------------
cli_catalog() {
  kp checks
  expect "checks: table ID RULE TITLE with the checks" \
    eval 'is_rc 0 && out_has "^ID +RULE +TITLE" && out_has "^kubelet-versions +VER-2 " && out_has "^arc-connectivity +LIFE-3 "'
  kp checks -o json
  catalog=$out
  expect "checks -o json: CheckList whose IDs are exactly those of a full report" \
    eval 'is_rc 0 && jq -e ".kind == \"CheckList\" and all(.items[]; (.id | length > 0) and (.rule | length > 0) and (.title | length > 0) and (.explanation | length > 0) and (.reads | type == \"array\"))" <<< "$catalog" > /dev/null &&
      [[ "$(jq -c "[.items[].id] | sort" <<< "$catalog")" == "$(jq -c "[.findings[].id] | unique" <<< "$live_healthy")" ]]'
  kp explain kubelet-versions
  expect "explain kubelet-versions: exit 0, explains what it reads" eval 'is_rc 0 && out_has kubeletVersion'
  kp explain VER-2
  expect "explain VER-2 (a rule): explains every check enforcing it" \
    eval 'is_rc 0 && out_has "control-plane-version" && out_has "kubelet-versions"'
  kp explain no-such-check
  expect "explain no-such-check: exit 1 naming it" eval 'is_rc 1 && err_has no-such-check'
  kp versions
  expect "versions: exit 0, both platforms and Kubernetes 1.31" \
    eval 'is_rc 0 && out_has "azure.local" && out_has "windows.server" && out_has "^1\.31 "'
  kp versions --platform windows-server --at 2025-03-01 -o json
  expect "versions --platform windows-server --at 2025-03-01 -o json: only Windows Server, 1.28 supported" \
    eval 'is_rc 0 && jq -e "(.kind == \"VersionTable\") and ([.platforms[].platform] == [\"windows-server\"]) and any(.platforms[0].minors[]; .minor == \"1.28\" and .status == \"supported\")" <<< "$out" > /dev/null'
  kp versions --platform azure-local --at 2026-02-01 -o json
  expect "versions --at 2026-02-01: Azure Local 1.30 ending-soon, 1.29 removed" \
    eval 'is_rc 0 && jq -e "[.platforms[0].minors[] | select(.minor == \"1.30\" or .minor == \"1.29\") | .status] == [\"removed\", \"ending-soon\"]" <<< "$out" > /dev/null'
  kp versions --platform azure-local --at 2025-11-25 -o json
  expect "versions --at 2025-11-25: Azure Local 1.30 still supported" \
    eval 'is_rc 0 && jq -e ".platforms[0].minors[] | select(.minor == \"1.30\") | .status == \"supported\"" <<< "$out" > /dev/null'
  kp version
  expect "version: exit 0, prints a version" eval 'is_rc 0 && out_has "[0-9]+\.[0-9]+"'
  kp --help
  expect "--help documents the exit codes 0 1 2 3" \
    eval 'is_rc 0 && out_has "exit" && out_has "\b0\b" && out_has "\b1\b" && out_has "\b2\b" && out_has "\b3\b" && out_has "unsupported"'

}

# The groups are independent: they run in parallel (run_parallel), each in its own subshell.
kp "${ak[@]}" -o json "${healthy_args[@]}"
live_healthy=$out
run_parallel cli_group auth multi output flags snapshot catalog

# Secrets: the healthy cluster has one; no check reads Secrets, and none was ever requested.
expect "no request for Secrets reached the healthy cluster's server" \
  eval '[[ -s $work/srv/healthy.log ]] && ! grep -q "secrets" "$work/srv/healthy.log"'
