#pragma once
// Random small specs for differential tests of the engines: a few typed
// variables (bools, ranges, an enum, an array, an array of records), guarded
// actions with a parameter, bodies with if/elif/else nested up to three
// deep, reads after writes in the same branch, writes through computed
// indices, lets, for loops, emits in branches, funs and procs, invariants,
// transition properties and sometimes a `final` predicate. Every spec is
// well-typed; by default it is also free of run-time errors by construction
// (integer updates are reduced modulo their range, computed indices too), so
// the engines must agree on every one.

#include <cstdint>
#include <string>

namespace stateproof::testing {

/// The text of the random spec for this seed (the same text for the same
/// seed on every machine: the generator uses its own arithmetic, not
/// std::uniform_int_distribution).
std::string random_spec(uint64_t seed);

struct RandomSpecOptions {
    /// Also write what can fail when the step runs: indices and divisors
    /// that are not reduced into range, assignments that may leave the
    /// target's range, asserts. For tests that compare how engines fail.
    bool runtime_errors = false;
};
std::string random_spec(uint64_t seed, const RandomSpecOptions& options);

}  // namespace stateproof::testing
