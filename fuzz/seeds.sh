#!/usr/bin/env bash
# Seeds for the fuzz targets whose input is not a fixture file as it stands: writes seed-* files
# for TARGET into CORPUS, built from the test fixtures (the Makefile caches them in
# build-fuzz/fuzz-seeds/TARGET; `make fuzz` copies them into the git-ignored work corpus
# fuzz/corpus-<name>). Targets whose fixtures are usable as they are get their fixture folders as
# extra corpus directories instead (FUZZ_TARGETS in the Makefile); for them this writes nothing.
#
#   fuzz/seeds.sh TARGET CORPUS      (run from the source tree's root; needs jq)
#
# Idempotent: the same fixtures give the same files, overwritten in place.
set -euo pipefail

target=$1
out=$2
mkdir -p "$out"
testdata=tests/testdata

# block_scalar FILE KEY: the text of the YAML block scalar `KEY: |` in FILE, de-indented (the
# webhook's policy.yaml inside a ConfigMap or a kustomize patch).
block_scalar() {
  awk -v key="$2" '
    !inside && index($0, key ": |") { inside = 1; base = -1; next }
    inside {
      if ($0 ~ /^[[:space:]]*$/) { print ""; next }
      match($0, /^ */); indent = RLENGTH
      if (base < 0) base = indent
      if (indent < base) exit
      print substr($0, base + 1)
    }' "$1"
}

# A List whose compact form is larger than this keeps only its first items (a seed must fit in
# fuzz_dump's -max_len; tests/testdata/scenarios/many-pods is 1.3 MB).
big_list=65536

# compact_all ITEMS FILE...: each FILE as one line of compact JSON, in order; with ITEMS > 0 every
# List keeps only its first ITEMS items. One jq run for all files: jq starts slowly.
compact_all() {
  local n=$1
  shift
  jq -c --argjson n "$n" --argjson big "$big_list" '
    if type == "object" and (.items | type) == "array" then
      if $n > 0 then .items |= .[0:$n]
      elif (tojson | length) > $big then .items |= .[0:5]
      else . end
    else . end' "$@"
}

# emit_parts DIR ITEMS FILE...: fuzz_dump's input (see fuzz/fuzz_dump.cc) for FILEs of DIR: a
# `=== FILE` line, then the file as one line of JSON.
emit_parts() {
  local dir=$1 n=$2 i
  shift 2
  local -a files=("$@") paths=() lines=()
  for i in "${!files[@]}"; do paths+=("$dir/${files[i]}"); done
  mapfile -t lines < <(compact_all "$n" "${paths[@]}")
  if ((${#lines[@]} != ${#files[@]})); then
    echo "seeds.sh: a file of $dir is not one JSON document" >&2
    return 1
  fi
  for i in "${!files[@]}"; do printf '=== %s\n%s\n' "${files[i]}" "${lines[i]}"; done
}

json_files() { (cd "$1" && find . -name '*.json' | sed 's|^\./||' | LC_ALL=C sort); }

# arc_part FILE: the `az connectedk8s show` output a dump folder may carry.
arc_part() {
  printf '=== arc-status.json\n'
  jq -c . "$1"
}

# dump_seeds NAME DIR [ARC_STATUS]: seeds from one dump folder: the whole folder, the whole
# folder with two items per List, and nodes.json + version.json with each other file.
dump_seeds() {
  local name=$1 dir=$2 arc=${3:-} file base i
  local -a files=() lines=()
  mapfile -t files < <(json_files "$dir")
  {
    emit_parts "$dir" 0 "${files[@]}"
    if [[ -n "$arc" ]]; then arc_part "$arc"; fi
  } > "$out/seed-$name-all"
  emit_parts "$dir" 2 "${files[@]}" > "$out/seed-$name-small"
  # The per-file seeds reuse the whole-folder seed's lines rather than running jq per file.
  mapfile -t lines < "$out/seed-$name-all"
  local -A part=()
  for ((i = 0; i + 1 < ${#lines[@]}; i += 2)); do part[${lines[i]#=== }]=${lines[i + 1]}; done
  for file in "${files[@]}"; do
    case "$file" in nodes.json | version.json) continue ;; esac
    {
      for base in nodes.json version.json "$file"; do
        if [[ -n "${part[$base]:-}" ]]; then printf '=== %s\n%s\n' "$base" "${part[$base]}"; fi
      done
    } > "$out/seed-$name-${file//\//_}"
  done
}

# scenario_seeds: each scenario of tests/testdata/scenarios, built as its end-to-end test builds
# it, as the files that differ from the recorded cluster plus nodes.json and version.json.
scenario_seeds() {
  # shellcheck source=tests/plugin/scenario_lib.sh
  source tests/plugin/scenario_lib.sh
  local root name file dir base="$testdata/clusters/aksarc-healthy"
  local -a files=()
  root=$(mktemp -d)
  for dir in "$testdata"/scenarios/*/; do
    name=$(basename "$dir")
    scenario_materialise "$testdata" "$name" "$root" 2> /dev/null || continue
    files=()
    while IFS= read -r file; do
      case "$file" in
        nodes.json | version.json) files+=("$file") ;;
        *) cmp -s "$root/$name/$file" "$base/$file" || files+=("$file") ;;
      esac
    done < <(json_files "$root/$name")
    {
      emit_parts "$root/$name" 0 "${files[@]}"
      if [[ -f "$dir/arc-status.json" ]]; then arc_part "$dir/arc-status.json"; fi
    } > "$out/seed-scenario-$name"
  done
  rm -rf "$root"
}

case "$target" in
  fuzz_webhook_config)
    # The configurations of the golden tests, the defaults, and the manifests' policy.yaml.
    for f in "$testdata"/admission/*.config.yaml data/default-policy.yaml; do
      cat "$f" > "$out/seed-$(basename "$f")" # not cp: a read-only source stays overwritable
    done
    block_scalar manifests/base/configmap.yaml policy.yaml > "$out/seed-manifests-base-policy.yaml"
    block_scalar manifests/components/warn/kustomization.yaml value \
      > "$out/seed-manifests-warn-policy.yaml"
    ;;
  fuzz_kubeconfig)
    # Two files merged as KUBECONFIG=a:b (the NUL byte separates them; see fuzz_kubeconfig.cc).
    {
      cat "$testdata/kubeconfig/merge-a.yaml"
      printf '\0'
      cat "$testdata/kubeconfig/merge-b.yaml"
    } > "$out/seed-merge-a-b"
    ;;
  fuzz_exec_credential)
    # What plugins print (the shapes of the client-go documentation, and of the fake plugin of
    # tests/plugin/scenario_harness.sh), and bare timestamps.
    printf '%s\n' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"my-bearer-token","expirationTimestamp":"2026-11-25T20:00:00Z"}}' \
      > "$out/seed-v1-token"
    printf '%s\n' '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","spec":{"interactive":false},"status":{"token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln","expirationTimestamp":"2026-11-25T20:00:00.123456+01:00"}}' \
      > "$out/seed-v1beta1-token"
    printf '%s\n' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}}' \
      > "$out/seed-v1-certificate"
    printf '%s\n' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}' \
      > "$out/seed-v1-no-status"
    printf '2026-11-25T20:00:00Z' > "$out/seed-time-utc"
    printf '1999-12-31t23:59:60.5-23:59' > "$out/seed-time-offset"
    ;;
  fuzz_dump)
    for dir in "$testdata"/clusters/*/; do
      dir=${dir%/}
      [[ -f "$dir/nodes.json" || -f "$dir/version.json" ]] || continue
      arc="$dir.arc-status.json"
      [[ -f "$arc" ]] || arc=""
      dump_seeds "$(basename "$dir")" "$dir" "$arc"
    done
    scenario_seeds
    ;;
  fuzz_policy_data)
    # The calendar as shipped and without its notes; the gate and alpha-API tables cut to what
    # the parsers read, so the fuzzer mutates kilobytes rather than the shipped 200 and 120 KiB;
    # those two alone and as a NUL-separated pair.
    cat data/aksarc-versions.json > "$out/seed-aksarc-versions.json"
    jq -c 'del(.sources, .conflicts, .unconfirmed, .asOfNote, .relatedPlatformsNotCovered)' \
      data/aksarc-versions.json > "$out/seed-aksarc-versions-bare.json"
    jq -c '{gates: .gates[0:30]}' data/feature-gates.json > "$out/seed-feature-gates-30.json"
    jq -c '{versions: (.versions | map({minor,
              alpha: ((.alpha // [])[0:3] | map({groupVersion})),
              beta: ((.beta // [])[0:3] | map({groupVersion})),
              excludedPackages: ((.excludedPackages // [])[0:2] | map({groupVersion}))}))}' \
      data/alpha-apis.json > "$out/seed-alpha-apis-small.json"
    {
      cat "$out/seed-feature-gates-30.json"
      printf '\0'
      cat "$out/seed-alpha-apis-small.json"
    } > "$out/seed-gates-and-alpha-apis"
    ;;
  *) ;; # the fixture folders are the seeds (FUZZ_TARGETS in the Makefile)
esac
