#pragma once
// The Z3 engines: bounded model checking, k-induction, and trace conformance
// as a satisfiability query. Each takes the compiled machine (the one IR) and
// answers in the engines' common result type; counterexamples are decoded
// into spec::Trace and replayed through the explicit evaluator before they
// are returned (one that does not replay is an InternalError).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/eval.h"
#include "spec/result.h"
#include "spec/trace.h"

namespace stateproof::solver {

struct SolverOptions {
    std::vector<uint32_t> properties;  ///< Machine::properties to check
    bool deadlock = true;
    uint32_t depth = 20;               ///< BMC: steps to unroll; k-induction: the largest k
    bool bounded_ok = false;           ///< k-induction: "holds up to depth K" is an answer (exit 0)
    double max_seconds = 0;            ///< 0 = none; on expiry the rest is Unknown
    double max_seconds_given = 0;      ///< for messages: --max-seconds as given (0 = max_seconds)
    uint64_t max_memory_mib = 0;       ///< Z3's memory limit; 0 = none
    /// Asked now and then (as spec::Limits::interrupted): non-zero, the
    /// signal, stops the engine like a limit, with what it found so far.
    std::function<int()> interrupted;
    /// Do not tear the Z3 context down at the end: the process exits right
    /// after (the CLI), and Z3 4.8's teardown of a large encoding takes
    /// minutes (arr1000.sm: over 60 s for a 4 s search); the OS reclaims it.
    bool leave_context = false;
};

/// Bounded model checking, one incremental solver: at each depth the
/// invariants, deadlocks and run-time errors of the new states and the
/// transition properties of the new steps are checked, so the first
/// counterexample found for a property is a shortest one. A property with
/// none is Holds "up to depth K (bounded)". Throws SpecError when a reachable
/// step fails at run time (as the explorer does).
spec::CheckResult check_bmc(const spec::CompiledMachine& cm, const SolverOptions& options);

/// k-induction with simple-path constraints: base cases by BMC, and a step
/// case that assumes every property not yet refuted on the k states before
/// (strengthening them together). Holds "proved by k-induction at k = N", or
/// Unknown "holds up to depth K, not proved" (Holds with bounded_ok).
spec::CheckResult check_kinduction(const spec::CompiledMachine& cm, const SolverOptions& options);

struct TraceQueryResult {
    bool matches = false;
    uint64_t steps_matched = 0;   ///< the longest prefix the spec can produce
    std::string reason;           ///< when it does not match: why, for people
    bool unknown = false;         ///< the solver gave up (time or memory), or a signal came
    int interrupted_by = 0;       ///< the signal that stopped it, or 0
    /// A trace that records its states (ITF): the state after step
    /// steps_matched + 1 (the initial state when `at_initial_state`) is none
    /// the spec reaches there; the variables that differ from one it reaches.
    std::vector<spec::VarDifference> state_differs;
    bool at_initial_state = false;
};

/// Is this sequence of steps (actions, arguments and the events each emitted,
/// in order) a behaviour of the spec? Checked one step at a time on one
/// incremental solver, so the answer names the first step that cannot match.
/// When the steps so far leave one possible state, the solver starts afresh
/// from it, so the time grows with the trace's length, not its square.
/// A step that records its state (`ObservedStep::state`), and `initial` when
/// given, must equal the spec's state there.
TraceQueryResult query_trace(const spec::CompiledMachine& cm, const std::vector<spec::ObservedStep>& steps,
                             double max_seconds = 0, std::function<int()> interrupted = {},
                             bool leave_context = false, const std::optional<spec::StateValues>& initial = {});

}  // namespace stateproof::solver
