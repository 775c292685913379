#!/usr/bin/env bash
# The main verification: checks every shipped spec and profile, and fails if
# any exit code differs from the one README.md documents (0: every property
# holds, or the implementation conforms; 1: CPython breaks some of them, with
# counterexamples printed).
set -uo pipefail
cd "$(dirname "$0")/.."
sp=build/stateproof
status=0
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
expect 0 check spec/asyncgen.sm --const profile=reference
expect 0 check spec/asyncgen.sm --const profile=reference --const REENTRANT=true --const FINALIZER=true
expect 1 check spec/asyncgen.sm --const profile=cpython311
expect 1 check spec/asyncgen.sm --const profile=cpython312
expect 1 check spec/asyncgen.sm --const profile=cpython3124
expect 1 check spec/asyncgen.sm --const profile=cpython313
expect 0 check spec/attribute.sm
for profile in cpython311 cpython39 cpython38; do
  expect 0 check spec/subscript.sm --const profile=$profile
done
# The properties that hold are also proved for every depth by k-induction,
# and the C++ implementation (model/) conforms to each spec.
expect 0 check spec/asyncgen.sm --const profile=reference --engine kind
expect 0 check spec/attribute.sm --engine kind
expect 0 check spec/subscript.sm --const profile=cpython311 --engine kind
for profile in reference cpython311 cpython3124 cpython313; do
  expect 0 conform spec/asyncgen.sm --const profile=$profile --impl cpp
done
expect 0 conform spec/attribute.sm --impl cpp
if [ $status -eq 0 ]; then echo "all verdicts as documented"; else echo "some verdicts differ from README.md" >&2; fi
exit $status
