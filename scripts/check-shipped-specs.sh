#!/usr/bin/env bash
# The main verification: checks every shipped spec, and fails if any verdict
# differs from the one README.md documents.
set -uo pipefail
cd "$(dirname "$0")/.."
sp=build/stateproof
status=0
shopt -s nullglob
expect() {  # expect EXIT_CODE ARGS...
  local want=$1; shift
  echo "== stateproof $*"
  "$sp" "$@"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "!! expected exit code $want, got $got" >&2
    status=1
  fi
  echo
}
for spec in spec/*.sm; do
  expect 0 check "$spec"
done
exit $status
