#!/usr/bin/env bash
# A counterexample of a million steps is written whole, as text, as JSON and
# as an ITF file, within 1.5 GB of address space (issue 13, part 1: the JSON
# report once held the whole ITF tree, several hundred bytes a step, and a
# 10-million-step counterexample ran out of memory).
# Usage: test_long_cex.sh STATEPROOF
set -euo pipefail
sp="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
n=1000000
cat > "$dir/long.sm" <<SPEC
machine C
var x : 0..$n = 0
action inc when x < $n { x := x + 1 }
invariant small: x < $n
SPEC
run() {  # exit 1 (violated) is the expected verdict
  set +e
  (ulimit -v 1500000 && "$sp" check "$dir/long.sm" --no-deadlock --max-memory 256 "$@")
  local rc=$?
  set -e
  [ "$rc" -eq 1 ] || { echo "check $* exited $rc, expected 1" >&2; exit 1; }
}
run --json --cex "$dir/cex.itf.json" > "$dir/report.json" 2>/dev/null
run > "$dir/report.txt" 2>/dev/null
python3 - "$dir" "$n" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
report = json.load(open(f"{d}/report.json"))
p = report["properties"][0]
assert p["verdict"] == "violated" and p["cex_length"] == n, p.get("cex_length")
states = p["cex"]["states"]
assert len(states) == n + 1 and states[-1]["x"] == n and states[-1]["#meta"]["index"] == n, len(states)
itf = json.load(open(f"{d}/cex.itf.json"))
assert itf["states"] == states, "the --cex file differs from the report's counterexample"
text = open(f"{d}/report.txt").read()
assert f"counterexample of {n} steps below" in text
assert text.rstrip().endswith(f"x: {n - 1} -> {n}"), text[-200:]
print(f"a counterexample of {n} steps: text, JSON and ITF whole")
PY
