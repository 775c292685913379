#!/usr/bin/env bash
# The Pyodide driver host (drivers/pyodide/run.js) end to end: one short
# conformance check, Pyodide 0.29.3 (CPython 3.13.2) against the cpython313
# profile at SLOTS=1, must conform with no divergence, and the Python exit
# code must reach the process. Skipped (exit 77, ctest's SKIP_RETURN_CODE)
# when node or the npm-installed Pyodide is missing:
# scripts/install-deps.sh installs both.
# usage: test_pyodide.sh STATEPROOF_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
cd "$2" || exit 1
version=0.29.3

if ! command -v node >/dev/null; then
  echo "SKIPPED: no node on PATH (scripts/install-deps.sh installs it)"
  exit 77
fi
if [ ! -f "drivers/pyodide/node_modules/pyodide-$version/pyodide.js" ]; then
  echo "SKIPPED: Pyodide $version is not installed (npm ci --prefix drivers/pyodide, or scripts/install-deps.sh)"
  exit 77
fi

fail=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; fail=1; fi
}

out=$("$bin" conform spec/asyncgen.sm --const SLOTS=1 --const profile=cpython313 \
  --driver "node drivers/pyodide/run.js $version" 2>&1)
rc=$?
echo "$out" | grep -v '^progress:'
check "conform exits 0 (got $rc)" test "$rc" -eq 0
check "the driver runs CPython 3.13.2" grep -q '^  against CPython 3\.13\.2 ' <<<"$out"
check "every transition of the spec covered" grep -q 'spec transitions covered: 100\.0%' <<<"$out"
check "no divergence" grep -q '^divergences: 0 classes' <<<"$out"

# driver.py --try with an unknown machine exits 2 (its own sys.exit(2)).
node drivers/pyodide/run.js "$version" --try NoSuchMachine "x" >/dev/null 2>&1
rc=$?
check "driver.py's exit code 2 is the process's (got $rc)" test "$rc" -eq 2
exit $fail
