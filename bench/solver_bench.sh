#!/usr/bin/env bash
# The Z3 engines on the shipped specs (issue 4's benchmark):
#   1. k-induction on every property of each spec's reference configuration,
#      all together (how the CLI runs it) and each property alone: seconds and k;
#   2. BMC time to reach each depth up to the explorer's diameter + 1, next to
#      the explorer's time for the same question (all properties, exhaustive).
#
#   bench/solver_bench.sh [--quick]    --quick: skip the per-property and per-depth runs of asyncgen
#
# Needs build/stateproof (scripts/build.sh) and python3 (to read --json).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
sp=build/stateproof
[ -x $sp ] || { echo "missing $sp: run scripts/build.sh" >&2; exit 2; }

json() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

echo "== k-induction, all properties together"
printf "%-42s | %8s | %s\n" "spec (consts)" seconds "properties proved (k)"
for cfg in "spec/asyncgen.sm profile=reference" "spec/asyncgen.sm profile=reference SLOTS=3" \
           "spec/attribute.sm" "spec/subscript.sm profile=cpython311" "docs/peterson.sm"; do
  set -- $cfg
  spec=$1; shift
  args=(); for c in "$@"; do args+=(--const "$c"); done
  out=$($sp check "$spec" --engine kind --depth 40 --json "${args[@]}" || true)
  secs=$(echo "$out" | json "'%.2f' % j['stats']['seconds']")
  summary=$(echo "$out" | json "', '.join(sorted({p['reason'].rsplit(' ',1)[-1] if p['reason'].startswith('proved') else p['verdict'] for p in j['properties']}))")
  n=$(echo "$out" | json "sum(p['reason'].startswith('proved') for p in j['properties'])")
  total=$(echo "$out" | json "len(j['properties'])")
  printf "%-42s | %8s | %s of %s (k in {%s})\n" "$cfg" "$secs" "$n" "$total" "$summary"
done

[ $quick = 1 ] && exit 0

echo
echo "== k-induction, each property of spec/asyncgen.sm (reference, SLOTS=2) alone"
printf "%-34s | %8s | %s\n" property seconds answer
for p in $($sp check spec/asyncgen.sm --json | json "' '.join(p['name'] for p in j['properties'])"); do
  out=$($sp check spec/asyncgen.sm --engine kind --depth 12 --invariant "$p" --json || true)
  printf "%-34s | %8s | %s\n" "$p" "$(echo "$out" | json "'%.2f' % j['stats']['seconds']")" \
    "$(echo "$out" | json "j['properties'][0]['reason']")"
done

echo
echo "== BMC time to each depth vs the explorer, spec/asyncgen.sm (all properties)"
for prof in reference cpython313; do
  ex=$($sp check spec/asyncgen.sm --const profile=$prof --json || true)
  diam=$(echo "$ex" | json "j['stats']['depth']")
  printf "profile %s: explorer %s s for all %s states (diameter %s)\n" "$prof" \
    "$(echo "$ex" | json "'%.3f' % j['stats']['seconds']")" "$(echo "$ex" | json "j['stats']['states']")" "$diam"
  printf "  %5s | %8s | %s\n" depth seconds "violated so far"
  for d in $(seq 1 $((diam + 1))); do
    out=$($sp check spec/asyncgen.sm --const profile=$prof --engine bmc --depth "$d" --json || true)
    printf "  %5s | %8s | %s\n" "$d" "$(echo "$out" | json "'%.2f' % j['stats']['seconds']")" \
      "$(echo "$out" | json "sum(p['verdict']=='violated' for p in j['properties'])")"
  done
done
