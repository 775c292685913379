#!/usr/bin/env bash
# The Pyodide driver host (drivers/pyodide/run.js) end to end: a short
# conformance check of each Pyodide release against its profile at SLOTS=1
# (0.29.3, CPython 3.13.2: cpython313; 0.27.7, CPython 3.12.7: cpython3124)
# must conform with no divergence, and the Python exit code must reach the
# process. Skipped (exit 77, ctest's SKIP_RETURN_CODE)
# when node or the npm-installed Pyodide is missing:
# scripts/install-deps.sh installs both.
# usage: test_pyodide.sh STATEPROOF_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
cd "$2" || exit 1
versions="0.29.3:cpython313:3.13.2 0.27.7:cpython3124:3.12.7"

if ! command -v node >/dev/null; then
  echo "SKIPPED: no node on PATH (scripts/install-deps.sh installs it)"
  exit 77
fi
for v in $versions; do
  version=${v%%:*}
  if [ ! -f "drivers/pyodide/node_modules/pyodide-$version/pyodide.js" ]; then
    echo "SKIPPED: Pyodide $version is not installed (npm ci --prefix drivers/pyodide, or scripts/install-deps.sh)"
    exit 77
  fi
done

fail=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; fail=1; fi
}

for v in $versions; do
  IFS=: read -r version profile python <<<"$v"
  out=$("$bin" conform spec/asyncgen.sm --const SLOTS=1 --const profile="$profile" \
    --driver "node drivers/pyodide/run.js $version" 2>&1)
  rc=$?
  echo "$out" | grep -v '^progress:'
  check "Pyodide $version against $profile: conform exits 0 (got $rc)" test "$rc" -eq 0
  check "the driver runs CPython $python" grep -q "^  against CPython ${python//./\\.} " <<<"$out"
  check "every transition of the spec covered" grep -q 'spec transitions covered: 100\.0%' <<<"$out"
  check "no divergence" grep -q '^divergences: 0 classes' <<<"$out"
done

# driver.py --try with an unknown machine exits 2 (its own sys.exit(2)).
node drivers/pyodide/run.js "$version" --try NoSuchMachine "x" >/dev/null 2>&1
rc=$?
check "driver.py's exit code 2 is the process's (got $rc)" test "$rc" -eq 2
exit $fail
