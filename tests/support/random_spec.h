#pragma once
// Random small specs for differential tests of the engines: a few typed
// variables, guarded actions with a parameter, if/else and emits, invariants,
// transition properties and sometimes a `final` predicate. Every spec is
// well-typed and free of run-time errors by construction (integer updates
// are reduced modulo their range), so the engines must agree on every one.

#include <cstdint>
#include <string>

namespace stateproof::testing {

/// The text of the random spec for this seed (the same text for the same
/// seed on every machine: the generator uses its own arithmetic, not
/// std::uniform_int_distribution).
std::string random_spec(uint64_t seed);

}  // namespace stateproof::testing
