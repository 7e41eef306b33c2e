#!/usr/bin/env bash
# Shell completion the way users get it: the real kubectl's `__complete` (what its bash, zsh, fish
# and PowerShell scripts call) finds kubectl_complete-aksarc_support on PATH and relays the
# plugin's candidates and directive. Also the helper on its own.
# Usage: complete_test.sh <dir holding kubectl-aksarc_support> <tests/testdata>
set -euo pipefail
bindir=$(cd "$1" && pwd)
data=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A kubeconfig with two contexts; no server is ever contacted.
cat >"$tmp/kubeconfig" <<'EOF'
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:1
users:
- name: u
  user:
    token: t
contexts:
- name: arc-east
  context: {cluster: c, user: u}
- name: arc-west
  context: {cluster: c, user: u}
current-context: arc-east
EOF
export HOME=$tmp
export KUBECONFIG=$tmp/kubeconfig
export PATH="$bindir:$PATH"
unset BASH_COMP_DEBUG_FILE

failed=0
ok() { echo "ok - $1"; }
not_ok() {
  echo "not ok - $1"
  failed=1
}

# ask <args...>: kubectl's answer. Sets `values` (candidates without descriptions, one per
# line), `lines` (as printed) and `directive` (the ":N" line).
ask() {
  local out
  out=$(timeout 20 kubectl __complete aksarc-support "$@" 2>/dev/null) || out=":error $?"
  directive=$(tail -n 1 <<<"$out")
  lines=$(sed '$d' <<<"$out")
  values=$(cut -f 1 <<<"$lines")
}

# expect <description> <directive> <expected values, space-separated, in order>
expect() {
  local what=$1 want_directive=$2 want_values
  want_values=$(tr ' ' '\n' <<<"$3")
  if [[ $directive == "$want_directive" && $values == "$want_values" ]]; then
    ok "$what"
  else
    not_ok "$what (got directive '$directive', values: $(tr '\n' ' ' <<<"$values"))"
  fi
}

# expect_has <description> <directive> <value>...: each value is among the candidates.
expect_has() {
  local what=$1 want_directive=$2 v
  shift 2
  if [[ $directive != "$want_directive" ]]; then
    not_ok "$what (directive '$directive', want '$want_directive')"
    return
  fi
  for v in "$@"; do
    if ! grep -Fxq -- "$v" <<<"$values"; then
      not_ok "$what ('$v' missing; got: $(tr '\n' ' ' <<<"$values"))"
      return
    fi
  done
  ok "$what"
}

expect_lacks() {  # expect_lacks <description> <value>
  if grep -Fxq -- "$2" <<<"$values"; then not_ok "$1"; else ok "$1"; fi
}

# --- the helper is where kubectl looks for it ---------------------------------------------------
if [[ -x $bindir/kubectl_complete-aksarc_support && -x $bindir/kubectl-aksarc_support ]]; then
  ok "kubectl_complete-aksarc_support is executable beside the plugin"
else
  not_ok "kubectl_complete-aksarc_support is executable beside the plugin"
fi

# --- subcommands -------------------------------------------------------------------------------
ask ''
expect_has "subcommands" ":4" check checks explain versions snapshot version install review
if [[ $(wc -l <<<"$values") -eq 8 ]]; then ok "exactly the eight subcommands"; else
  not_ok "exactly the eight subcommands (got: $(tr '\n' ' ' <<<"$values"))"
fi
expect_lacks "hidden __complete is not offered" "__complete"
if grep -Eq $'^review\t.+' <<<"$lines"; then ok "subcommands carry descriptions"; else
  not_ok "subcommands carry descriptions"
fi
ask ver
expect "subcommands filtered by prefix" ":4" "versions version"
ask ex
expect "one match" ":4" "explain"

# --- flags -------------------------------------------------------------------------------------
ask --
expect_has "root flags" ":4" --kubeconfig --context --contexts --all-contexts --from-dump \
  --platform --at --arc-status --policy-data --check --skip --output --only-failed
expect_lacks "no subcommand-only flag at the root" "--filename"
if grep -Eq $'^--kubeconfig\t.+' <<<"$lines"; then ok "flags carry descriptions"; else
  not_ok "flags carry descriptions"
fi
ask check --co
expect "check: flags by prefix (root's through fallthrough)" ":4" "--context --contexts"
ask review --
expect_has "review: its own flags" ":4" --filename --config --cluster-version --output
if [[ $(grep -cFx -- --output <<<"$values") -eq 1 ]]; then ok "review's -o shadows the root's"; else
  not_ok "review's -o shadows the root's"
fi
ask --context arc-east --c
expect_lacks "a flag already given is not offered again" "--context"
expect_has "a repeatable one is" ":4" --check --cluster

# --- values ------------------------------------------------------------------------------------
ask --context ''
expect "--context: the kubeconfig's contexts" ":4" "arc-east arc-west"
ask check --context arc-w
expect "--context filtered by prefix" ":4" "arc-west"
ask --context=arc-
expect "--context=value form" ":4" "arc-east arc-west"
ask --kubeconfig "$data/kubeconfig/merge-a.yaml" --context ''
expect "--kubeconfig given first: its contexts" ":4" "ctx-a ctx-shared"
ask --kubeconfig="$data/kubeconfig/merge-b.yaml" check --context ''
expect "--kubeconfig=FILE form" ":4" "ctx-b ctx-shared"
ask --contexts arc-east,
expect "--contexts: after the last comma, keeping the prefix" ":4" "arc-east,arc-west"

ask --check ''
expect_has "--check: check IDs" ":4" control-plane-version kubelet-versions node-os-image cni
check_count=$(wc -l <<<"$values")
if grep -Eq $'^kubelet-versions\tVER-[0-9]+: ' <<<"$lines"; then ok "check IDs carry rule and title"; else
  not_ok "check IDs carry rule and title"
fi
ask --skip kube-system-i
expect "--skip: check IDs by prefix" ":4" "kube-system-images"
ask --check=cni,kubelet-v
expect "--check=a,b form: the last item, prefix kept" ":4" "cni,kubelet-versions"
ask --skip cni,
if [[ $(wc -l <<<"$values") -eq $((check_count - 1)) ]] && ! grep -Fxq cni,cni <<<"$values" &&
  grep -Fxq cni,kubelet-versions <<<"$values"; then
  ok "a comma list does not offer an ID it already has"
else
  not_ok "a comma list does not offer an ID it already has"
fi
ask explain ''
if [[ $directive == ":4" && $(wc -l <<<"$values") -eq $check_count ]]; then
  ok "explain: every check ID"
else
  not_ok "explain: every check ID (directive $directive)"
fi
ask explain node-r
expect "explain: by prefix" ":4" "node-role-taints"
ask explain cni ''
expect "explain takes one ID" ":4" ""

ask -o ''
expect "-o: output formats" ":4" "table json yaml"
ask --output j
expect "--output by prefix" ":4" "json"
ask --output=y
expect "--output=value form" ":4" "yaml"
ask review -o t
expect "review -o" ":4" "table"
ask --platform ''
expect "--platform" ":4" "azure-local windows-server"
ask --platform=a
expect "--platform=value form" ":4" "azure-local"

# --- paths: the shell completes file names (0) or folders (16) -----------------------------------
for flag in --kubeconfig --arc-status --policy-data; do
  ask "$flag" ''
  expect "$flag: file names" ":0" ""
done
ask --kubeconfig=/tm
expect "--kubeconfig=value form: file names" ":0" ""
ask --from-dump ''
expect "--from-dump: folders" ":16" ""
ask install --certs-dir ''
expect "install --certs-dir: folders" ":16" ""
ask install --mode ''
expect "install --mode: its choices" ":4" "warn enforce"
ask snapshot -o ''
expect "snapshot -o: folders" ":16" ""
ask review -f ''
expect "review -f: file names" ":0" ""
ask review ''
expect "review's files: file names" ":0" ""

# --- everything else offers nothing and no file names --------------------------------------------
ask --at ''
expect "--at: nothing" ":4" ""
ask versions ''
expect "versions takes no argument" ":4" ""
ask --context check ''
expect_has "a flag's value is not read as a subcommand" ":4" explain

# --- the helper on its own -----------------------------------------------------------------------
out=$(PATH=/usr/bin:/bin timeout 20 "$bindir/kubectl_complete-aksarc_support" -o '' 2>&1)
if [[ $out == $'table\njson\nyaml\n:4' ]]; then
  ok "helper alone finds the plugin beside itself"
else
  not_ok "helper alone finds the plugin beside itself (got: $out)"
fi
mkdir "$tmp/elsewhere"
cp "$bindir/kubectl_complete-aksarc_support" "$tmp/elsewhere/"
out=$(timeout 20 "$tmp/elsewhere/kubectl_complete-aksarc_support" --platform w 2>&1)
if [[ $out == $'windows-server\n:4' ]]; then
  ok "helper elsewhere finds the plugin on PATH"
else
  not_ok "helper elsewhere finds the plugin on PATH (got: $out)"
fi

exit "$failed"
