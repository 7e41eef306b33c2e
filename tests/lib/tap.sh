# Sourced by the shell tests: TAP-like lines and a failure count.
#   expect "what" command args...   runs the command; "ok - what" or "not ok - what"
#   finish                          prints the count; returns non-zero if anything failed
failed=0
ok() { echo "ok - $1"; }
not_ok() {
  echo "not ok - $1"
  failed=$((failed + 1))
}
expect() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
  echo "$failed failed"
  [[ "$failed" -eq 0 ]]
}
