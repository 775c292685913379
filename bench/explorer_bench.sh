#!/usr/bin/env bash
# The explorer benchmark: `stateproof explore` on bench/scalable.sm for growing
# N, side by side with SPIN on the same model (bench/scalable.pml), on one core.
# Prints N, states (both tools must agree), transitions, seconds, states per
# second, peak memory (/usr/bin/time) and bytes per state.
#
#   bench/explorer_bench.sh [--repeat R] [N ...]   default: 6 7 8 9 10, best of 1
#   bench/explorer_bench.sh --quick                 N = 6 7 8
#
# With --repeat, each tool runs R times and the fastest run is shown (the
# machine is shared; the slower runs measure the neighbours).
#
# Needs: build/stateproof (scripts/build.sh), Debian's spin and gcc, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=(6 7 8 9 10)
repeat=1
[ "${1:-}" = "--repeat" ] && { repeat=$2; shift 2; }
[ "${1:-}" = "--quick" ] && { sizes=(6 7 8); shift; }
[ $# -gt 0 ] && sizes=("$@")
for tool in spin gcc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install spin gcc time" >&2; exit 2; }
done
[ -x build/stateproof ] || { echo "missing build/stateproof: run scripts/build.sh" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field NAME FILE: a "Name: value" line of /usr/bin/time -v
field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }

printf "%-3s | %-10s | %-11s | %-30s | %-30s\n" N states transitions "stateproof: s, states/s, MiB, B/state" "SPIN (BFS): s, states/s, MiB, B/state"
printf -- "----+------------+-------------+--------------------------------+-------------------------------\n"
for n in "${sizes[@]}"; do
  # stateproof
  sp_secs=""
  for _ in $(seq "$repeat"); do
    /usr/bin/time -v -o "$work/sp.time" build/stateproof explore bench/scalable.sm --const N="$n" --json \
        > "$work/sp.json" 2>/dev/null
    read -r sp_states sp_trans secs < <(python3 -c "import json,sys; j=json.load(open('$work/sp.json')); print(j['states'], j['transitions'], j['seconds'])")
    if [ -z "$sp_secs" ] || python3 -c "import sys; sys.exit(not ($secs < $sp_secs))"; then
      sp_secs=$secs
      sp_kb=$(field "Maximum resident set size (kbytes)" "$work/sp.time")
    fi
  done

  # SPIN: compile outside the timed run; breadth-first, no partial-order
  # reduction and no never claim, so it stores every state as stateproof does.
  (cd "$work" && spin -DN="$n" -a "$OLDPWD/bench/scalable.pml" >/dev/null &&
     gcc -O2 -DSAFETY -DNOCLAIM -DNOREDUCE -DBFS -o pan pan.c)
  hash=$(python3 -c "import math; print(max(20, math.ceil(math.log2($sp_states * 2))))")
  pan_secs=""
  for _ in $(seq "$repeat"); do
    /usr/bin/time -v -o "$work/pan.time" "$work/pan" -w"$hash" > "$work/pan.out" 2>&1 || true
    pan_states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/pan.out")
    secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) seconds.*/\1/p' "$work/pan.out")
    if [ -z "$pan_secs" ] || python3 -c "import sys; sys.exit(not ($secs < $pan_secs))"; then
      pan_secs=$secs
      pan_kb=$(field "Maximum resident set size (kbytes)" "$work/pan.time")
    fi
  done
  if [ "$pan_states" != "$sp_states" ]; then
    echo "!! N=$n: SPIN stored $pan_states states, stateproof $sp_states" >&2
    exit 1
  fi
  python3 - "$n" "$sp_states" "$sp_trans" "$sp_secs" "$sp_kb" "$pan_secs" "$pan_kb" <<'PY'
import sys
n, states, trans, s1, kb1, s2, kb2 = sys.argv[1:]
states, trans = int(states), int(trans)
def cell(secs, kb):
    secs = float(secs); kb = int(kb)
    rate = states / secs if secs > 0 else float("inf")
    return "%6.2f, %9.0f, %6.0f, %5.1f" % (secs, rate, kb / 1024, kb * 1024 / states)
print("%-3s | %10d | %11d | %-30s | %-30s" % (n, states, trans, cell(s1, kb1), cell(s2, kb2)))
PY
done
