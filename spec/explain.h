#pragma once
// Explaining the IR to people: expressions printed back in spec syntax, and
// guards taken apart to say which conjunct was false, and why.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "spec/ir.h"

namespace stateproof::spec {

/// `e` in spec syntax, with action arguments substituted where `args` is
/// given: `aw[0].kind == Free and not running`.
std::string print_expr(const Machine& m, ExprId e, std::span<const int32_t> args = {});

/// Evaluates a state predicate or term directly on the IR (no bytecode), in
/// state `pre` with action arguments `args`. For explanations and
/// cross-checks, not for speed. Returns nullopt where evaluation fails (an
/// index out of bounds, division by zero) or needs a post-state or a step.
std::optional<int32_t> evaluate(const Machine& m, ExprId e, const int32_t* pre, std::span<const int32_t> args);

/// The conjuncts of action `a`'s guard that are false in `pre` for these
/// arguments, each as "`conjunct` is false (x = 1, y = Busy)" naming the
/// values of the state it reads.
std::vector<std::string> false_conjuncts(const Machine& m, uint32_t action, const int32_t* pre,
                                         std::span<const int32_t> args);

}  // namespace stateproof::spec
