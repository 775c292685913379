#pragma once
// The one place that knows every engine: dispatch by name.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "explorer/bfs.h"
#include "spec/eval.h"
#include "spec/result.h"

namespace stateproof::cli {

/// The largest explicit space k-induction's answers are re-checked on by
/// default: the shipped specs' spaces (up to 127K states at SLOTS=3) fit.
inline constexpr uint64_t kCrossCheckStates = 2'000'000;

struct EngineRequest {
    std::vector<uint32_t> properties;  ///< Machine::properties to check
    bool deadlock = true;
    spec::Limits limits;
    bool fingerprint = false;          ///< explicit engine: fingerprint store
    std::optional<uint32_t> depth;     ///< bound for the bounded engines
    bool bounded_ok = false;           ///< k-induction: accept "holds up to depth K"
    /// k-induction: re-check the answer with the explorer when the space has
    /// at most this many states (0: do not).
    uint64_t cross_check_states = kCrossCheckStates;
    std::function<void(const explorer::Progress&)> progress;
    /// The solver engines skip Z3's teardown (see SolverOptions::leave_context):
    /// for a process that ends after the check.
    bool leave_solver_context = false;
};

/// Engine names accepted by --engine.
const std::vector<std::string>& engine_names();

/// The depth the bounded engines use when --depth is not given.
inline constexpr uint32_t kDefaultDepth = 20;

/// Runs one engine ("explicit", "bmc", "kind") on the request. Throws
/// UsageError for an unknown engine name.
spec::CheckResult run_engine(const std::string& engine, const spec::CompiledMachine& cm, const EngineRequest& req);

/// `--engine all`: the explorer, BMC and k-induction on the same request.
struct Comparison {
    std::vector<spec::CheckResult> results;  ///< explicit, bmc, kind
    /// Verdicts that contradict each other (Holds against Violated, or
    /// counterexamples of different lengths): each a sentence naming both.
    std::vector<std::string> disagreements;
};
Comparison run_all_engines(const spec::CompiledMachine& cm, const EngineRequest& req);

/// The comparison rule, on its own for tests: Unknown and bounded answers
/// never disagree; Holds against Violated does, and two counterexamples of
/// different lengths do (every engine finds a shortest one).
std::vector<std::string> compare_results(const std::vector<spec::CheckResult>& results);

}  // namespace stateproof::cli
