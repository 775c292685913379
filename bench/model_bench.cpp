// model/'s cost per operation (Google Benchmark): making an async generator
// and taking its value with __anext__() until it ends, a step on a live
// generator, dropping a suspended one (GeneratorExit thrown in), aclose(),
// and an attribute lookup. The README quotes these.
//
//   cmake --build build --target model_bench && build/bench/model_bench

#include <benchmark/benchmark.h>

#include <vector>

#include "model/asyncgen.h"
#include "model/attribute.h"
#include "model/object.h"

using namespace stateproof::model;

namespace {

// The trivial body: `async def agen(): while True: yield 1`.
AsyncGenBody counting() {
    Value one = int64_t(1);
    for (;;) co_yield one;
}

// `async def agen(): yield 1` (it ends after one value).
AsyncGenBody once() {
    Value one = int64_t(1);
    co_yield one;
}

// A whole life without exceptions: make, a value, the end (StopAsyncIteration), drop.
void BM_CreateRunToEndDrop(benchmark::State& state) {
    for (auto _ : state) {
        AsyncGen g(once(), AsyncGenMode::CPython311);
        benchmark::DoNotOptimize(g.anext().send(None{}));
        benchmark::DoNotOptimize(g.anext().send(None{}));
    }
}
BENCHMARK(BM_CreateRunToEndDrop);

// _PyGen_Finalize on a suspended frame: GeneratorExit is thrown in and comes
// back out (two C++ throws: into the body, and out of the frame's result).
void BM_DropSuspended(benchmark::State& state) {
    std::vector<AsyncGen> gens;
    gens.reserve(4096);
    for (auto _ : state) {
        if (gens.empty()) {
            state.PauseTiming();
            for (int i = 0; i < 4096; ++i) {
                gens.emplace_back(counting(), AsyncGenMode::Reference);
                benchmark::DoNotOptimize(gens.back().anext().send(None{}));
            }
            state.ResumeTiming();
        }
        gens.pop_back();
    }
}
BENCHMARK(BM_DropSuspended);

void BM_AnextStep(benchmark::State& state) {
    AsyncGen g(counting(), AsyncGenMode::CPython311);
    for (auto _ : state) {
        Outcome o = g.anext().send(None{});
        benchmark::DoNotOptimize(o);
    }
}
BENCHMARK(BM_AnextStep);

void BM_CreateStepAclose(benchmark::State& state) {
    for (auto _ : state) {
        AsyncGen g(counting(), AsyncGenMode::CPython313);
        benchmark::DoNotOptimize(g.anext().send(None{}));
        benchmark::DoNotOptimize(g.aclose().send(None{}));  // GeneratorExit in, the body lets it out
    }
}
BENCHMARK(BM_CreateStepAclose);

void BM_GetattrInstanceDict(benchmark::State& state) {
    TypeRef base = new_class("B", {}, {{"m", str("class attr")}});
    TypeRef c = new_class("C", {base});
    ObjectRef obj = new_instance(c);
    obj->dict["x"] = int64_t(1);
    Value v = obj;
    for (auto _ : state) benchmark::DoNotOptimize(getattr(v, "x"));
}
BENCHMARK(BM_GetattrInstanceDict);

}  // namespace

BENCHMARK_MAIN();
