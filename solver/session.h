#pragma once
// What BMC and k-induction share (internal to solver/): one Z3 context, the
// encoder, the properties still open, limits, and the checks of one depth.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

  private:
    std::unique_ptr<z3::context> ctx_;  // first: the terms below die before it

  public:
    z3::context& ctx;
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
    int interrupted_by = 0;  ///< the signal that stopped the session, or 0
    double seconds() const;

    /// What the engine is doing now ("encoding step 8"), for the message
    /// that says where a limit or a signal stopped it.
    std::string phase;
    /// Has the watchdog seen the time limit pass or a signal come? Then the
    /// session is stopped (say so once, naming the phase). Engines ask
    /// between phases; a Z3 query running then is interrupted at once.
    bool expired();
    /// Z3 ran out of the memory --max-memory allows (or failed otherwise)
    /// outside a query: stop, naming the phase.
    void failed(const z3::exception& e);

  private:
    void refute(Goal& g, uint32_t steps);
    [[noreturn]] void runtime_error(uint32_t k);
    void init_error();
    void confirm(const Goal& g, const spec::Trace& t);
    std::chrono::steady_clock::time_point start_;
    uint64_t queries_ = 0;
    // The watchdog: a thread that holds the wall-clock limit and notices
    // signals in every phase, interrupting the Z3 query running then
    // (z3::context::interrupt is the one call Z3 allows from another thread).
    void watch();
    std::thread watchdog_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::atomic<int> fired_{0};  // 0, -1 for the time limit, or the signal
};

}  // namespace stateproof::solver
