#pragma once
// The IR as Z3 formulas: one copy of the state per step, the initial states,
// and the step relation. Internal to solver/ (it exposes z3 types); engines
// outside solver/ use bmc.h, kinduction.h and trace_query.h.
//
// Every scalar and integer expression is a signed bit-vector of one width,
// chosen from the intervals the checker computed for every expression, so
// no arithmetic overflows and C's truncating division is bvsdiv/bvsrem.
// (Bit-vectors let Z3 bit-blast these small finite domains to SAT, which is
// much faster here than its integer arithmetic.) A step k chooses one
// action instance, `act(k)`; the state after it is, per scalar, an ite chain
// over the instances that may write it (frame conditions are the default
// branch). Bodies run sequentially: assignments are applied in order and
// if/else branches are merged with ite, so a statement sees the effect of the
// ones before it, as in the explicit evaluator.

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "spec/eval.h"

namespace stateproof::solver {

/// What one instance's body does from given pre-state terms.
struct BodyEffect {
    std::vector<z3::expr> next;  ///< per scalar: its value after the body
    struct Emit {
        uint32_t event;
        z3::expr cond;  ///< the path condition under which it is emitted
        std::vector<z3::expr> args;
    };
    std::vector<Emit> emits;     ///< in program order
    z3::expr error;              ///< the body fails at run time (index, range, division, assert)
};

class Encoder {
  public:
    Encoder(z3::context& ctx, const spec::CompiledMachine& cm);

    const spec::Machine& machine() const { return m_; }
    const spec::CompiledMachine& compiled() const { return cm_; }
    z3::context& ctx() { return ctx_; }
    /// The bit-vector width of every integer term, and a constant of it.
    unsigned width() const { return width_; }
    z3::expr num(int64_t v) { return ctx_.bv_val(v, width_); }

    /// The state terms of step k (made on first use): one integer per scalar.
    const std::vector<z3::expr>& state(uint32_t k);
    /// The instance fired by step k (from state k to state k+1).
    z3::expr act(uint32_t k);

    /// Every scalar of state k lies in its domain.
    z3::expr domains(uint32_t k);
    /// State 0 is an initial state.
    z3::expr init();
    /// State 0 sets every variable's initial value and an init constraint
    /// fails at run time on it (the evaluator runs them in order and stops
    /// at the first that is false, so constraint j fails only if the ones
    /// before it hold).
    z3::expr init_error();
    /// Step k: some instance whose guard holds fires, and state k+1 is its result.
    z3::expr transition(uint32_t k);
    /// Some enabled instance fails at run time in state k (a spec error).
    z3::expr error(uint32_t k);
    /// No instance is enabled in state k and the spec's `final` does not hold.
    z3::expr deadlock(uint32_t k);
    /// Property p holds: an invariant in state k, or a transition property of step k.
    z3::expr property(uint32_t p, uint32_t k);
    /// States j and k differ somewhere.
    z3::expr distinct(uint32_t j, uint32_t k);
    /// The events step k emits are exactly `events`, in order.
    z3::expr emits_exactly(uint32_t k, const std::vector<spec::EventValue>& events);

    /// The instances the encoding considers (never-enabled ones are left out).
    const std::vector<uint32_t>& instances() const { return active_; }
    /// The guard of active instance `a` in state k, and what its body does there.
    z3::expr guard(uint32_t k, size_t a);
    /// The guard of active instance `a` fails at run time in state k.
    z3::expr guard_error(uint32_t k, size_t a);
    const BodyEffect& effect(uint32_t k, size_t a);

  private:
    struct StepCache {
        std::optional<z3::expr> transition, error, deadlock;
        std::vector<std::optional<z3::expr>> guards;        // per active index
        std::vector<std::optional<z3::expr>> guard_errors;  // per active index
        std::vector<std::optional<BodyEffect>> effects;     // per active index
    };
    StepCache& step(uint32_t k);
    /// State 0 lies in the domains and sets every declared initial value.
    z3::expr initial_values();

    z3::context& ctx_;
    unsigned width_ = 8;
    const spec::CompiledMachine& cm_;
    const spec::Machine& m_;
    std::vector<uint32_t> active_;
    // Deques: references to a step's terms stay valid as later steps are made.
    std::deque<std::vector<z3::expr>> states_;
    std::vector<std::optional<z3::expr>> acts_;
    std::deque<StepCache> steps_;
};

}  // namespace stateproof::solver
