# Scenario clusters for the plugin's end-to-end test (sourced by kubectl_check_test.sh).
# A scenario is a folder tests/testdata/scenarios/<name>/ that describes how a cluster differs
# from a base; scenario_materialise turns it into a fixture folder (served by
# aksarc-test-apiserver, and read back with --from-dump). Format: tests/testdata/scenarios/README.md.
# Needs: jq, cp. Functions return non-zero with a message on stderr when a scenario is malformed.

# scenario_lines FILE: the file's lines without comments (#...) and blank lines.
scenario_lines() {
  [[ -f "$1" ]] || return 0
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$1" || true
}

# scenario_base TESTDATA SCENARIO_DIR: the base folder the scenario starts from, as
# "clusters/<name>" or "scenarios/<name>" (relative to TESTDATA).
scenario_base() {
  local base="clusters/aksarc-healthy"
  if [[ -f "$2/base" ]]; then base=$(scenario_lines "$2/base" | head -1); fi
  printf '%s\n' "$base"
}

# scenario_apply_edit DIR FILE FILTER: rewrites DIR/FILE with jq FILTER. A missing file starts as
# an empty List; the filter `delete` removes the file or folder.
scenario_apply_edit() {
  local dir=$1 file=$2 filter=$3 target="$1/$2"
  case "$file" in /* | *..*) echo "scenario edit: bad file name '$file'" >&2; return 1 ;; esac
  if [[ "$filter" == "delete" ]]; then rm -rf "$target"; return 0; fi
  mkdir -p "$(dirname "$target")"
  [[ -f "$target" ]] || echo '{"kind": "List", "apiVersion": "v1", "items": []}' > "$target"
  if ! jq "$filter" "$target" > "$target.new"; then
    echo "scenario edit failed: $file: $filter" >&2
    rm -f "$target.new"
    return 1
  fi
  mv "$target.new" "$target"
}

# scenario_apply_edits DIR EDITS_FILE: applies `FILE<TAB>FILTER` lines in order; a line starting
# with whitespace continues the previous filter.
scenario_apply_edits() {
  local dir=$1 edits=$2 line file="" filter=""
  [[ -f "$edits" ]] || return 0
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
    if [[ "$line" =~ ^[[:space:]] ]]; then
      [[ -n "$file" ]] || { echo "scenario edits: continuation without a FILE line" >&2; return 1; }
      filter+=$'\n'"$line"
      continue
    fi
    if [[ -n "$file" ]]; then scenario_apply_edit "$dir" "$file" "$filter" || return 1; fi
    [[ "$line" == *$'\t'* ]] || { echo "scenario edits: no TAB in '$line'" >&2; return 1; }
    file=${line%%$'\t'*}
    filter=${line#*$'\t'}
  done < "$edits"
  if [[ -n "$file" ]]; then scenario_apply_edit "$dir" "$file" "$filter" || return 1; fi
}

# scenario_materialise TESTDATA NAME ROOT: builds scenario NAME into ROOT/NAME: its base first
# (a scenario base is built once into ROOT/<base> and copied), then files/, then edits. Does
# nothing when ROOT/NAME exists.
scenario_materialise() {
  local testdata=$1 name=$2 root=$3 depth=${4:-0}
  local src="$testdata/scenarios/$name" out="$3/$2" base
  [[ -d "$out" ]] && return 0
  [[ -d "$src" ]] || { echo "no scenario '$name' in $testdata/scenarios" >&2; return 1; }
  ((depth < 5)) || { echo "scenario '$name': base chain too deep" >&2; return 1; }
  base=$(scenario_base "$testdata" "$src")
  case "$base" in
    clusters/*)
      [[ -d "$testdata/$base" ]] || { echo "scenario '$name': no base $base" >&2; return 1; }
      mkdir -p "$out.tmp" && cp -R "$testdata/$base/." "$out.tmp/" ;;
    scenarios/*)
      scenario_materialise "$testdata" "${base#scenarios/}" "$root" $((depth + 1)) || return 1
      mkdir -p "$out.tmp" && cp -R "$root/${base#scenarios/}/." "$out.tmp/" ;;
    *) echo "scenario '$name': base must be clusters/<name> or scenarios/<name>" >&2; return 1 ;;
  esac
  if [[ -d "$src/files" ]]; then cp -R "$src/files/." "$out.tmp/"; fi
  scenario_apply_edits "$out.tmp" "$src/edits" || return 1
  mv "$out.tmp" "$out"
}

# scenario_args FILE SCENARIO_DIR: prints the arguments in FILE, one per line, with $SCENARIO
# replaced by the scenario's source folder (for --arc-status, --policy-data files).
scenario_args() {
  local line
  scenario_lines "$1" | while IFS= read -r line; do
    # One flag (and its value) per line; split on the first space only, like a shell would for
    # "--flag value", so values with spaces need "--flag=value".
    line=${line//\$SCENARIO/$2}
    if [[ "$line" == --*" "* ]]; then
      printf '%s\n' "${line%% *}" "${line#* }"
    else
      printf '%s\n' "$line"
    fi
  done
}

# scenario_normalise: the JSON report on stdin without what depends on where it was read from
# (.cluster, and the test server's ephemeral port inside messages).
scenario_normalise() {
  jq -S 'del(.cluster) | walk(if type == "string" then gsub("127\\.0\\.0\\.1:[0-9]+"; "127.0.0.1:PORT") else . end)'
}

# scenario_findings: the findings of the JSON report on stdin, for comparing two reads of the
# same cluster (live and dump).
scenario_findings() {
  jq -S '{verdict, platform, summary, findings}'
}
