#pragma once
// Lockstep conformance: scenarios generated from the spec are run on an
// implementation, and what it observed is replayed against the spec. A
// divergence is the first step the spec cannot explain, reported once per
// class with the shortest scenario that shows it.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "spec/eval.h"
#include "spec/result.h"
#include "spec/trace.h"

namespace stateproof::explorer {

/// An input sequence: actions with arguments (spec instances).
using Scenario = std::vector<uint32_t>;

/// Something that went wrong with the implementation itself while it ran a
/// scenario: it died, stayed silent, or broke the driver protocol. For an
/// implementer this is a finding like any divergence, with its scenario.
struct Fault {
    /// The class, without anything that varies from run to run:
    /// "crash (signal 11)", "exit 3", "hang (> 10 s)", "protocol: an answer is not JSON".
    std::string kind;
    /// For people: what it wrote, the last lines of its stderr.
    std::string detail;
};

/// Something that can run scenarios: the C++ model in-process, or a driver
/// process for a real interpreter.
class Implementation {
  public:
    virtual ~Implementation() = default;
    /// A name for reports: "CPython 3.11.7 (...)", "stateproof model (reference)".
    virtual std::string name() const = 0;
    /// Runs each scenario from a fresh start; out[k] gets scenario k's
    /// observed steps, one per step it took (fewer if it stopped early, with
    /// `stopped` set on the last). Returns how many scenarios were answered,
    /// a prefix of the batch: fewer than all means the implementation failed
    /// on scenario [returned], `fault` says how, and it needs restart()
    /// before it runs again.
    virtual size_t run(const std::vector<Scenario>& batch, std::vector<std::vector<spec::ObservedStep>>& out,
                       Fault& fault) = 0;
    /// Starts it afresh after a fault. Throws UsageError if it cannot start.
    virtual void restart() {}
    /// Asked while it waits for answers: non-zero makes run() return early
    /// (with a Fault of kind "interrupted", which is not a finding).
    std::function<int()> interrupted;
};

struct ConformOptions {
    enum class Mode { CoverTransitions, Depth };
    Mode mode = Mode::CoverTransitions;
    uint32_t depth = 4;        ///< Depth: every input sequence up to this length
    uint32_t suffix = 0;       ///< CoverTransitions: every continuation of this length after each transition (at least 1 after a self-loop)
    uint64_t max_scenarios = 5'000'000;  ///< more is a limit (exit 3) before anything runs
    uint32_t batch = 256;      ///< scenarios per call to Implementation::run
    /// Faults in a row (no scenario answered between them) after which the
    /// run ends (exit 3), keeping what it found: a driver that fails on
    /// everything. Faults between answered scenarios never end it.
    uint32_t max_restarts = 20;
    /// --max-memory: the process's resident memory, checked while the spec's
    /// graph and the scenarios are made (a limit there ends the run before
    /// any scenario, with `stopped_early` saying where) and after each batch
    /// (the run then ends with `stopped_early` and the report so far).
    /// 0 = none.
    uint64_t max_memory_bytes = 0;
    /// --max-seconds: what is left of it for this run, and as the user gave
    /// it (for messages). Checked like max_memory_bytes, and while an
    /// answer is awaited: a driver that takes long ends the run at the
    /// limit, not at its --timeout. 0 = none.
    double max_seconds = 0;
    double max_seconds_given = 0;
    std::set<std::string> baseline;  ///< known divergence signatures
    std::function<void(uint64_t done, uint64_t total)> progress;
    /// Asked between scenarios: non-zero (a signal number) ends the run with
    /// what it has found, `interrupted_by` set.
    std::function<int()> interrupted;
};

struct Divergence {
    std::string signature;               ///< the class: action, the spec's events, the implementation's events; or the fault's kind
    /// A fault of the implementation (its kind; empty for a behaviour the
    /// spec does not allow). `scenario` is then the shortest prefix that
    /// still caused it on a fresh start, and `observed` is empty.
    std::string fault;
    std::string fault_detail;
    bool fault_reproduced = true;         ///< false: no prefix, not even the whole scenario, failed again on a fresh start
    Scenario scenario;                   ///< the shortest scenario that shows it, up to the divergent step
    std::vector<spec::ObservedStep> observed;  ///< what the implementation did, step by step
    std::vector<std::vector<spec::EventValue>> expected;  ///< per step: the spec's events (for the last: its alternatives, or none)
    std::vector<std::vector<spec::EventValue>> spec_alternatives;  ///< at the divergent step
    std::vector<std::string> guard_false;  ///< when the spec does not allow the step there
    /// The spec's state before the divergent step (the first of
    /// `spec_state_count` consistent ones), and the initial state it is shown
    /// against: two faults with the same events can differ here.
    spec::StateValues spec_state, spec_initial;
    uint64_t spec_state_count = 0;
    uint64_t occurrences = 0;             ///< scenarios that diverged this way
    bool in_baseline = false;
    /// The class's cause, whatever setup led there: the first pair of events
    /// that differ, the spec's against the implementation's (`spec X |
    /// implementation Y`, integers left out as in the signature); for a step
    /// the spec does not allow, the action; for a fault, its kind. Classes
    /// with the same cause form one DivergenceGroup.
    std::string group;
};

/// Divergence classes with one cause: one bug seen through different setups
/// (actions, modes, spec alternatives) reads as one group.
struct DivergenceGroup {
    std::string key;                      ///< Divergence::group of its classes
    std::vector<size_t> classes;          ///< indices into ConformResult::divergences, shortest first
    uint64_t occurrences = 0;             ///< scenarios behind all its classes
    bool any_new = false;                 ///< a class of it is not in the baseline
};

struct ConformResult {
    std::string implementation;
    uint64_t scenarios = 0;
    uint64_t steps = 0;
    uint64_t unsupported = 0;             ///< scenarios the implementation reported as unsupported
    uint64_t spec_states = 0;
    uint64_t spec_transitions = 0;
    uint64_t transitions_covered = 0;     ///< spec transitions exercised by some scenario that did not diverge before it
    double seconds = 0;
    std::vector<Divergence> divergences;  ///< one per class, shortest first
    std::vector<DivergenceGroup> groups;  ///< the classes by cause, in the order of their shortest class
    uint64_t restarts = 0;                ///< times the implementation was started again after a fault
    /// Set when the run ended before every scenario ran (too many faults):
    /// why, for the report; what was found until then is kept.
    std::string stopped_early;
    int interrupted_by = 0;               ///< the signal that ended the run early, or 0
    bool any_new() const;
};

/// The scenarios the options select, in increasing length. Throws
/// LimitReached past max_scenarios.
std::vector<Scenario> generate_scenarios(const spec::CompiledMachine& cm, const ConformOptions& options,
                                         uint64_t* spec_states = nullptr, uint64_t* spec_transitions = nullptr);

/// Groups `divergences` by their `group` key (see DivergenceGroup).
std::vector<DivergenceGroup> group_divergences(const std::vector<Divergence>& divergences);

/// Events for a divergence class: names with their enum and bool arguments;
/// integer arguments (slot numbers, counters) are left out. "(nothing)" for none.
std::string event_class(const spec::CompiledMachine& cm, const std::vector<spec::EventValue>& evs);

/// A divergence's cause (Divergence::group): the first pair of events that
/// differ between `got` and the alternative that agrees with it longest,
/// `ALT_LABEL X | GOT_LABEL Y` (the other way round with `got_first`).
std::string first_difference(const spec::CompiledMachine& cm, const std::vector<std::vector<spec::EventValue>>& alternatives,
                             const std::vector<spec::EventValue>& got, const std::string& alt_label = "spec",
                             const std::string& got_label = "implementation", bool got_first = false);

/// Runs the scenarios on `impl` and compares.
ConformResult conform(const spec::CompiledMachine& cm, Implementation& impl, const ConformOptions& options);

}  // namespace stateproof::explorer
