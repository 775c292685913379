#pragma once
// Random small specs for differential tests of the engines: a few typed
// variables (bools, ranges, an enum, an array, an array of records), guarded
// actions with a parameter, bodies with if/elif/else nested up to three
// deep, reads after writes in the same branch, writes through computed
// indices, lets, for loops, emits in branches, funs and procs, invariants,
// transition properties and sometimes a `final` predicate. Besides these,
// the shapes that broke the engines before (issue 23): arrays of arrays two
// and three deep, arrays of records of arrays, arrays indexed by bool and by
// the enum, indices computed from parameters and variables (`p + 1`,
// `1 - p`, `(x + p) % 3`), and wide elements (up to 30 bits) that fill more
// than one 64-bit word, so variables land next to and across word
// boundaries of the packed state. Every spec is
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
    /// The issue 23 shapes: nested arrays, records of arrays, computed
    /// indices, wide elements. Off only to reproduce the older generator's
    /// kind of spec (the seeds give other specs either way).
    bool nested = true;
    /// Array dimensions and action parameters of type bool and of the enum
    /// (needs the Z3 encoding of bool indices, c0cf59f).
    bool bool_enum_indices = true;
};
std::string random_spec(uint64_t seed, const RandomSpecOptions& options);

}  // namespace stateproof::testing
