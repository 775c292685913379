#pragma once
// Models back to the project's own values (internal to solver/).

#include <z3++.h>

#include "solver/encode.h"
#include "spec/trace.h"

namespace stateproof::solver {

/// A bit-vector numeral of the encoding as the signed value it stands for.
int32_t signed_value(const z3::expr& bv, unsigned width);

/// The path of `steps` steps in `model`, as a Trace, replayed through the
/// explicit evaluator (each step's instance enabled, its post-state and
/// events as decoded). Throws InternalError if it does not replay, and the
/// evaluator's EvalError if the spec fails on the way (for error traces).
spec::Trace decode(Encoder& enc, const z3::model& model, uint32_t steps);

/// The states of the path only, without replaying (for traces that end in a
/// run-time error, which the caller replays itself).
std::vector<spec::StateValues> decode_states(Encoder& enc, const z3::model& model, uint32_t steps);

}  // namespace stateproof::solver
