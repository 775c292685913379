#!/usr/bin/env bash
# Mutation benchmark for `conform --impl cpp` (issue 12, part 4): how many
# hand-seeded faults in model/ each scenario selection finds. Each mutant in
# bench/mutants/ is a one-to-three-line mistake, a `git diff` against the
# tree, whose header names the spec and constants under which the mutated
# code runs (`# spec: SPEC [--const NAME=VALUE ...]`). For each mutant the
# script applies it to a scratch copy of this tree, rebuilds the `stateproof`
# target there, runs conform in each mode,
#   plain     --cover transitions at the spec's defaults for the constants
#             --sweep varies (bool and enum constants other than profile):
#             only profile and range constants such as SLOTS are taken from
#             the header (what one runs without knowing where the fault is)
#   default   --cover transitions at the mutant's constants
#   sweep     --sweep with the same constants as plain, if this build has
#             it (every combination of the swept constants), else n/a
#   suffix1   --cover transitions --suffix 1 at the mutant's constants
# and reverts it. A mutant is killed when conform reports a divergence
# (exit 1), survives when it reports none (exit 0); anything else (exit 2,
# exit 3 at --max-scenarios, a timeout, a build failure) is shown as it is
# and counts as not killed. Prints one row per mutant (the divergence classes
# each killing run found, and the seconds of its conform runs) and the score
# per mode.
#
#   bench/mutation_bench.sh [PATCH...]     default: bench/mutants/*.patch
#
# Environment: MAX_SCENARIOS (default 5000000), RUN_TIMEOUT seconds per
# conform run (default 300), JOBS (default 2), SCRATCH=DIR to use (and keep)
# DIR as the scratch copy, so a second run skips the first full build.
# The caller's tree and build/ are never touched: the scratch copy holds the
# tracked and untracked (not ignored) files of the working tree.
set -euo pipefail
patches=()
for p in "$@"; do
  [ -f "$p" ] || { echo "no such patch: $p" >&2; exit 2; }
  patches+=("$(realpath "$p")")
done
cd "$(dirname "$0")/.."
src=$(pwd)
[ ${#patches[@]} -gt 0 ] || patches=("$src"/bench/mutants/*.patch)
max=${MAX_SCENARIOS:-5000000}
limit=${RUN_TIMEOUT:-300}
jobs=${JOBS:-2}

# Interrupted, a kept scratch copy is left unmutated (the revert gives the
# file a new time, so the next build recompiles it); a temporary one goes.
applied=
cleanup() {
  if [ -n "$applied" ]; then (cd "$scratch" && git apply -R "$applied") || true; fi
  if [ -z "${SCRATCH:-}" ]; then rm -rf "$scratch"; fi
}
if [ -n "${SCRATCH:-}" ]; then
  scratch=$SCRATCH
  mkdir -p "$scratch"
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/mutation_bench.XXXXXX")
fi
trap cleanup EXIT
start=$(date +%s)

# The copy keeps modification times, so a kept scratch build stays current.
# (Files deleted from the working tree but still tracked are left out.)
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar -cf - --null -T - | tar -C "$scratch" -xf -
cmake -S "$scratch" -B "$scratch/build" -DCMAKE_BUILD_TYPE=Release -DSTATEPROOF_WERROR=ON >/dev/null
echo "building $scratch/build/stateproof ..." >&2
cmake --build "$scratch/build" --target stateproof -j"$jobs" >"$scratch/build.log" 2>&1 ||
  { tail -20 "$scratch/build.log" >&2; echo "the unmutated tree does not build" >&2; exit 2; }
sp=$scratch/build/stateproof
has_sweep=0
"$sp" conform --help | grep -q -- --sweep && has_sweep=1
echo "scratch build ready after $(($(date +%s) - start)) s; --sweep: $([ $has_sweep = 1 ] && echo yes || echo no)" >&2

modes=(plain default sweep suffix1)
declare -A killed=()
for m in "${modes[@]}"; do killed[$m]=0; done

# run MODE CONFORM-ARGS...: one conform run; sets $cell to "killed N" (N
# divergence classes), "survived", "exit C" or "timeout", and adds its
# seconds to $secs. (Not in a subshell: it counts into killed[].)
run() {
  local mode=$1; shift
  local out rc t0
  t0=$(date +%s.%N)
  set +e
  out=$(cd "$scratch" && timeout "$limit" "$sp" conform "$@" --impl cpp --max-scenarios "$max" --json 2>/dev/null)
  rc=$?
  set -e
  secs=$(python3 -c "print('%.1f' % ($secs + $(date +%s.%N) - $t0))")
  case $rc in
    0) cell=survived ;;
    1) killed[$mode]=$((${killed[$mode]} + 1))
       cell="killed $(echo "$out" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["divergences"]))' 2>/dev/null || echo '?')" ;;
    124) cell=timeout ;;
    *) cell="exit $rc" ;;
  esac
}

# swept SPEC NAME: whether --sweep varies the constant (bool or enum type, not profile).
swept() {
  [ "$2" != profile ] && grep -Eq "^const $2 : *(bool|[A-Za-z_][A-Za-z0-9_]*) *=" "$src/$1"
}

row() { printf '%-37s | %-9s | %-9s | %-9s | %-9s | %7s | %s\n' "$@"; }
row mutant plain default sweep suffix1 seconds spec
total=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  read -ra spec < <(sed -n 's/^# spec: //p' "$p" | head -1)
  [ ${#spec[@]} -gt 0 ] || { echo "$p: no '# spec:' line" >&2; exit 2; }
  # The header's constants without those --sweep varies.
  base=("${spec[0]}")
  for ((i = 1; i < ${#spec[@]}; i++)); do
    if [ "${spec[i]}" = --const ] && swept "${spec[0]}" "${spec[i + 1]%%=*}"; then i=$((i + 1)); continue; fi
    base+=("${spec[i]}")
  done
  total=$((total + 1))
  secs=0
  # A patch that no longer applies (model/ changed under it) is shown, not fatal.
  if ! (cd "$scratch" && git apply "$p" 2>/dev/null); then
    row "$name" "no apply" "no apply" "no apply" "no apply" 0 "${spec[*]}"
    continue
  fi
  applied=$p
  if cmake --build "$scratch/build" --target stateproof -j"$jobs" >"$scratch/build.log" 2>&1; then
    run plain "${base[@]}"; b=$cell
    run default "${spec[@]}"; d=$cell
    if [ $has_sweep = 1 ]; then run sweep "${base[@]}" --sweep; s=$cell; else s=n/a; fi
    run suffix1 "${spec[@]}" --suffix 1; x=$cell
  else
    b="no build"; d="no build"; s="no build"; x="no build"
  fi
  (cd "$scratch" && git apply -R "$p")
  applied=
  row "$name" "$b" "$d" "$s" "$x" "$secs" "${spec[*]}"
done
# The revert leaves the scratch build at the unmutated tree (for SCRATCH reuse).
cmake --build "$scratch/build" --target stateproof -j"$jobs" >"$scratch/build.log" 2>&1 || true

echo
for m in "${modes[@]}"; do
  if [ $m = sweep ] && [ $has_sweep = 0 ]; then echo "$m: n/a (this build has no conform --sweep)"; continue; fi
  echo "$m: ${killed[$m]}/$total killed"
done
echo "wall time: $(($(date +%s) - start)) s"
