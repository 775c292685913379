// The spec front end's cost on inputs built to be big (Google Benchmark): an
// enum of N members (duplicates were once found by scanning the members so
// far, and 100,000 members took 15 s: issue 13). It reports its complexity in
// N, so a quadratic step shows as O(N^2) here, not as a timing in a unit test.
//
//   cmake --build build --target frontend_bench && build/bench/frontend_bench

#include <benchmark/benchmark.h>

#include <string>

#include "spec/check.h"

using namespace stateproof::spec;

namespace {

std::string big_enum(int64_t n) {
    std::string t = "machine Big\nenum E { ";
    for (int64_t i = 0; i < n; ++i) t += (i ? ", m" : "m") + std::to_string(i);
    return t + " }\nvar e : E = m0\naction step when e == m0 { e := m" + std::to_string(n - 1) + " }\n";
}

void BM_LoadEnum(benchmark::State& state) {
    std::string text = big_enum(state.range(0));
    for (auto _ : state) benchmark::DoNotOptimize(load_spec_text("big.sm", text));
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_LoadEnum)->RangeMultiplier(4)->Range(4096, 262144)->Unit(benchmark::kMillisecond)->Complexity();

}  // namespace

BENCHMARK_MAIN();
