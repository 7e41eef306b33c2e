# Sourced by the bad-input catalogues (tests/reliability/catalogue_*.sh). Each case is one bad
# input with the answer it must get; the runner compares, prints a TAP-like line and appends a
# row to the results table that RELIABILITY.md summarises.
#
#   catalogue_begin <interface group>        once, before the cases ($RELIABILITY_OUT or a temp
#                                            dir receives catalogue-<group>.tsv)
#   record_case <id> <interface> <input> <expected> <observed> <pass: 0|1>
#                                            one case; id is unique (e.g. WH-BODY-012)
#   case_eq <id> <interface> <input> <expected> <observed>
#                                            passes when observed == expected
#   case_has <id> <interface> <input> <expected-substring> <observed>
#                                            passes when observed contains the expected text
#   catalogue_end                            prints "<group>: N cases, F failed"; returns 1 on
#                                            any failure
#
# Fields are single-line (tabs and newlines in them are replaced by spaces, and they are cut at
# 300 characters) so the table stays one row per case.
catalogue_group=""
catalogue_cases=0
catalogue_failed=0
catalogue_file=""

catalogue_begin() {
  catalogue_group=$1
  local out=${RELIABILITY_OUT:-}
  if [[ -z "$out" ]]; then
    out=$(mktemp -d)
  fi
  mkdir -p "$out"
  catalogue_file="$out/catalogue-$catalogue_group.tsv"
  printf 'id\tinterface\tinput\texpected\tobserved\tresult\n' >"$catalogue_file"
}

catalogue_field() {
  local text=${1//$'\t'/ }
  text=${text//$'\n'/ }
  text=${text//$'\r'/ }
  printf '%s' "${text:0:300}"
}

record_case() {
  local id=$1 iface=$2 input=$3 expected=$4 observed=$5 passed=$6 result=pass
  catalogue_cases=$((catalogue_cases + 1))
  if [[ "$passed" == 1 ]]; then
    echo "ok - $id $iface: $input"
  else
    result=FAIL
    catalogue_failed=$((catalogue_failed + 1))
    echo "not ok - $id $iface: $input"
    echo "    expected: $(catalogue_field "$expected")"
    echo "    observed: $(catalogue_field "$observed")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$(catalogue_field "$iface")" \
    "$(catalogue_field "$input")" "$(catalogue_field "$expected")" \
    "$(catalogue_field "$observed")" "$result" >>"$catalogue_file"
}

case_eq() {
  local passed=0
  [[ "$5" == "$4" ]] && passed=1
  record_case "$1" "$2" "$3" "$4" "$5" "$passed"
}

case_has() {
  local passed=0
  [[ "$5" == *"$4"* ]] && passed=1
  record_case "$1" "$2" "$3" "$4" "$5" "$passed"
}

catalogue_end() {
  echo "$catalogue_group: $catalogue_cases cases, $catalogue_failed failed ($catalogue_file)"
  [[ "$catalogue_failed" -eq 0 ]]
}
