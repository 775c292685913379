#pragma once
// What BMC and k-induction share (internal to solver/): one Z3 context, the
// encoder, the properties still open, limits, and the checks of one depth.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <z3++.h>

#include "solver/encode.h"
#include "solver/solver.h"

namespace stateproof::solver {

struct Goal {
    enum class Kind { Invariant, Transition, Deadlock, Error };
    Kind kind;
    uint32_t property = 0;  ///< Machine::properties index (Invariant, Transition)
    size_t result = 0;      ///< index into the CheckResult's properties (Error: none)
    bool refuted = false;   ///< a counterexample was found
    bool proved = false;
};

class Session {
  public:
    Session(const spec::CompiledMachine& cm, const SolverOptions& o, const std::string& engine);

    z3::context ctx;
    Encoder enc;
    std::vector<Goal> goals;
    spec::CheckResult result;
    const SolverOptions& options;

    /// Is `e` satisfiable together with what `s` holds? Honours the time
    /// limit; a model is kept in `model` when sat.
    /// `assume`: literals that switch on guarded constraints for this query only.
    z3::check_result check(z3::solver& s, const z3::expr& e, const std::vector<z3::expr>& assume = {});
    std::optional<z3::model> model;

    /// Base case at state k: run-time errors (throws SpecError), invariants, deadlock.
    void check_state(z3::solver& base, uint32_t k);
    /// Base case of step k (the solver must hold transition(k)): transition properties.
    void check_step(z3::solver& base, uint32_t k);

    bool open(const Goal& g) const { return !g.refuted && !g.proved && !stopped; }
    bool any_open() const;
    /// A predicate saying goal g holds at state (or step) k.
    z3::expr holds(const Goal& g, uint32_t k);

    /// Marks the time or memory limit (or a solver failure) as reached.
    void stop(const std::string& why);
    bool stopped = false;
    std::string stopped_by;
    double seconds() const;

  private:
    void refute(Goal& g, uint32_t steps);
    [[noreturn]] void runtime_error(uint32_t k);
    void init_error();
    void confirm(const Goal& g, const spec::Trace& t);
    std::chrono::steady_clock::time_point start_;
    uint64_t queries_ = 0;
};

}  // namespace stateproof::solver
