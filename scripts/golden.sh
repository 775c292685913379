#!/usr/bin/env bash
# Golden-output check: runs every case of tests/golden/cases.txt and compares
# what stateproof printed (stdout, stderr, exit code, and the files it wrote)
# with tests/golden/<case>.golden. Refactors must keep it green without
# regenerating the files; a change of output on purpose regenerates them
# (`update`) and says so in its commit.
#
#   scripts/golden.sh [check] [BUILD_DIR]   compare; a unified diff per mismatch, exit 1 on any
#   scripts/golden.sh update [BUILD_DIR]    rewrite tests/golden/*.golden
#
# BUILD_DIR defaults to build/. Outputs that are not deterministic are
# normalised before the comparison (see normalise below):
#   - durations: "12 ms", "1.50 s" (text), "seconds": N (JSON), time="N" (JUnit)
#   - memory:    "memory: N MiB" (explore text), "memory_bytes": N (JSON)
#   - progress lines on stderr ("progress: ..." and {"progress": ...}), which
#     are printed once a second; only conform's last one ("progress: N of N
#     scenarios"), which it always prints, is kept
#   - the scratch directory and the binary's path, should either be printed
set -euo pipefail

mode=check
case "${1:-}" in
  check|update) mode=$1; shift ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
sp=$build/stateproof
golden=$root/tests/golden
[ -x "$sp" ] || { echo "golden.sh: no binary at $sp (build first)" >&2; exit 2; }

# Cases run in a scratch directory in which spec/, docs/ and tests/ point into
# the repository, so the arguments and every path printed are relative and the
# same in any clone; files the cases write go to out/ there, and later cases
# may read them (replay reads a counterexample written by check --cex).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/run" "$work/actual"
for d in spec docs tests; do ln -s "$root/$d" "$work/run/$d"; done
mkdir "$work/run/out"

normalise() {
  sed -E \
    -e 's/\b[0-9]+ ms\b/<time>/g' \
    -e 's/\b[0-9]+\.[0-9]+ s\b/<time>/g' \
    -e 's/^(memory: +)[0-9]+ MiB/\1<memory> MiB/' \
    -e 's/("seconds": ?)[-+.eE0-9]+/\1"<time>"/g' \
    -e 's/("memory_bytes": ?)[0-9]+/\1"<memory>"/g' \
    -e 's/ time="[^"]*"/ time="<time>"/g' \
    -e "s#$work/run/##g" \
    -e "s#$sp#stateproof#g" \
    -e '/^progress: ([0-9]+) of \1 scenarios$/b' \
    -e '/^\{"progress":\{"of":([0-9]+),"scenarios":\1\}\}$/b' \
    -e '/^progress: /d' \
    -e '/^\{"progress":/d'
}

# Appends FILE, normalised, to the case's golden text; marks a missing final newline.
emit() {
  normalise <"$1"
  if [ -s "$1" ] && [ -n "$(tail -c1 "$1")" ]; then printf '\n(no newline at end)\n'; fi
}

run_case() {  # run_case NAME ARGS...
  local name=$1; shift
  local out=$work/actual/$name.golden
  cd "$work/run"
  # What out/ held before, to find the files this case writes.
  find out -type f -exec md5sum {} + | sort >"$work/before"
  local rc=0
  timeout 60 "$sp" "$@" >"$work/stdout" 2>"$work/stderr" </dev/null || rc=$?
  find out -type f -exec md5sum {} + | sort >"$work/after"
  {
    echo "\$ stateproof $*"
    echo "exit $rc"
    echo "--- stdout"
    emit "$work/stdout"
    echo "--- stderr"
    emit "$work/stderr"
    comm -13 "$work/before" "$work/after" | awk '{print $2}' | sort | while read -r f; do
      echo "--- file $f"
      emit "$f"
    done
  } >"$out"
  cd "$root"
}

# One case a line: a name, then the arguments of stateproof (split at spaces;
# no quoting). Blank lines and lines starting with # are skipped.
names=()
while read -r name rest; do
  case "$name" in ''|'#'*) continue ;; esac
  case " ${names[*]-} " in *" $name "*) echo "golden.sh: case $name twice in cases.txt" >&2; exit 2 ;; esac
  read -ra args <<<"$rest"
  run_case "$name" "${args[@]}"
  names+=("$name")
done <"$golden/cases.txt"

if [ "$mode" = update ]; then
  rm -f "$golden"/*.golden
  cp "$work"/actual/*.golden "$golden"/
  echo "golden.sh: wrote ${#names[@]} files to tests/golden/"
  exit 0
fi

status=0
for name in "${names[@]}"; do
  if [ ! -f "$golden/$name.golden" ]; then
    echo "golden.sh: $name: no tests/golden/$name.golden (run scripts/golden.sh update)"
    status=1
  elif ! diff -u --label "tests/golden/$name.golden" --label "now" "$golden/$name.golden" "$work/actual/$name.golden"; then
    status=1
  fi
done
for f in "$golden"/*.golden; do
  [ -e "$f" ] || continue
  [ -e "$work/actual/$(basename "$f")" ] || { echo "golden.sh: $(basename "$f") has no case in cases.txt"; status=1; }
done
if [ $status -eq 0 ]; then echo "golden.sh: all ${#names[@]} cases match"; else echo "golden.sh: output differs from tests/golden/ (diffs above)"; fi
exit $status
