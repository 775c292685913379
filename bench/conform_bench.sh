#!/usr/bin/env bash
# Lockstep conformance throughput (issue 6's benchmark): `conform` with the
# in-process C++ implementation (--impl cpp) and with the Python driver, on
# each shipped spec, with --cover transitions and --cover transitions
# --suffix 2. Prints scenarios, steps, seconds, steps/s and scenarios/s; the
# checker's own work (generating the scenarios, replaying what was observed)
# is included, as a user sees it.
#
#   bench/conform_bench.sh [PYTHON]     default PYTHON: python3
#
# Needs build/stateproof (scripts/build.sh) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-python3}
sp=build/stateproof
[ -x $sp ] || { echo "missing $sp: run scripts/build.sh" >&2; exit 2; }

row() {  # row LABEL ARGS...
  local label=$1; shift
  local out
  out=$($sp conform "$@" --json 2>/dev/null || true)
  echo "$out" | python3 -c "
import json, sys
j = json.loads(sys.stdin.read())
s = j['seconds']
print('%-58s | %9d | %10d | %7.2f | %9.0f | %8.0f | %s' % ('$label', j['scenarios'], j['steps'], s, j['steps'] / s, j['scenarios'] / s,
      'no divergence' if not j['divergences'] else '%d classes' % len(j['divergences'])))"
}

printf "%-58s | %9s | %10s | %7s | %9s | %8s | %s\n" run scenarios steps seconds steps/s scen./s result
echo "--- in process (--impl cpp)"
for p in reference cpython311 cpython312 cpython313; do
  row "asyncgen $p (SLOTS=2)" spec/asyncgen.sm --const profile=$p --impl cpp
done
for p in reference cpython311 cpython313; do
  row "asyncgen $p SLOTS=1 --suffix 2" spec/asyncgen.sm --const profile=$p --const SLOTS=1 --impl cpp --suffix 2
done
row "attribute --suffix 2" spec/attribute.sm --impl cpp --suffix 2
row "subscript cpython311 --suffix 2" spec/subscript.sm --impl cpp --suffix 2
echo "--- Python driver ($($py -c 'import sys; print(sys.version.split()[0])'))"
drv="$py drivers/python/driver.py"
row "asyncgen cpython311 SLOTS=1" spec/asyncgen.sm --const profile=cpython311 --const SLOTS=1 --driver "$drv"
row "asyncgen cpython311 SLOTS=1 --suffix 2" spec/asyncgen.sm --const profile=cpython311 --const SLOTS=1 --driver "$drv" --suffix 2
row "asyncgen cpython311 (SLOTS=2)" spec/asyncgen.sm --const profile=cpython311 --driver "$drv"
row "attribute --suffix 2" spec/attribute.sm --driver "$drv" --suffix 2
row "subscript cpython311 --suffix 2" spec/subscript.sm --driver "$drv" --suffix 2
