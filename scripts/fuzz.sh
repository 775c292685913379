#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer, assembles their seed corpus from the shipped
# specs and the tests' specs and traces, and runs each target for SECONDS
# (default 60), one after the other:
#
#   scripts/fuzz.sh                 # 60 s per target
#   scripts/fuzz.sh 3600            # an hour per target
#   scripts/fuzz.sh 600 fuzz_trace  # one target
#
# Everything lives in build-fuzz/: the corpus each target grows (corpus/T,
# kept between runs, so a longer run starts where the last one stopped), the
# seeds (seeds/T, made afresh each run) and what a run finds
# (crashes/T-crash-..., -leak-, -timeout-, -oom-), with the run's log
# (logs/T.log). Exits 1 if a target found anything; re-run one input with
# `build-fuzz/fuzz/T build-fuzz/crashes/FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_spec fuzz_trace fuzz_answer)

out=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
    -DSTATEPROOF_WERROR=ON -DSTATEPROOF_FUZZ=ON >/dev/null
cmake --build "$out" -j"$(nproc)" --target "${targets[@]}"

# Seeds: every spec and trace the repository ships, and the driver answers
# in fuzz/seeds/answer (lines the Python driver wrote, ids set to 1).
rm -rf "$out/seeds"
mkdir -p "$out/seeds/fuzz_spec" "$out/seeds/fuzz_trace" "$out/seeds/fuzz_answer" "$out/crashes" "$out/logs"
find spec tests -name '*.sm' | while read -r f; do cp "$f" "$out/seeds/fuzz_spec/$(echo "$f" | tr / _)"; done
find tests docs -name '*.jsonl' -o -name '*.itf.json' | while read -r f; do
    cp "$f" "$out/seeds/fuzz_trace/$(echo "$f" | tr / _)"
done
cp fuzz/seeds/answer/* "$out/seeds/fuzz_answer/"

declare -A max_len=([fuzz_spec]=32768 [fuzz_trace]=32768 [fuzz_answer]=4096)
declare -A dict=([fuzz_spec]=fuzz/spec.dict [fuzz_trace]=fuzz/json.dict [fuzz_answer]=fuzz/json.dict)
status=0
for t in "${targets[@]}"; do
    mkdir -p "$out/corpus/$t"
    echo "fuzz: $t for $seconds s (log: $out/logs/$t.log)" >&2
    # -rss_limit_mb leaves room for ASan's shadow memory; fuzz_spec's own
    # budget (1.5 GiB, 2 s) stops a spec that is only too big before it.
    if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$out/fuzz/$t" "$out/corpus/$t" "$out/seeds/$t" -dict="${dict[$t]}" -max_len="${max_len[$t]}" \
        -rss_limit_mb=2560 -timeout=20 -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$t-" >"$out/logs/$t.log" 2>&1; then
        echo "fuzz: $t FOUND SOMETHING; the input is in $out/crashes/, the report in $out/logs/$t.log:" >&2
        grep -E "ERROR|SUMMARY|fuzz: |runtime error|Test unit written" "$out/logs/$t.log" | head -20 >&2
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE" "$out/logs/$t.log" | sed "s/^/  $t: /" >&2 || true
done
exit $status
