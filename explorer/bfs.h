#pragma once
// Breadth-first exhaustive search over a compiled machine: the one loop that
// `check` and `explore` share. Finds shortest counterexamples (BFS order),
// deadlocks, per-instance coverage, and optionally the state graph.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/eval.h"
#include "spec/result.h"

namespace stateproof::explorer {

struct Progress {
    uint64_t states = 0;
    uint64_t queue = 0;
    uint64_t transitions = 0;
    uint32_t depth = 0;
    double seconds = 0;
    double states_per_second = 0;
    uint64_t memory_bytes = 0;
};

/// Capture of the state graph for --dot.
struct GraphRequest {
    uint64_t max_nodes = 10000;
    /// Empty: one node per state. Otherwise one node per distinct valuation of
    /// these state variables (Machine::vars indices): the quotient graph.
    std::vector<uint32_t> quotient_vars;
};

struct Graph {
    struct Edge {
        uint32_t from, to;
        uint32_t label;  ///< an instance (full graph) or an action (quotient)
        bool operator<(const Edge& o) const {
            return std::tie(from, to, label) < std::tie(o.from, o.to, o.label);
        }
    };
    std::vector<spec::StateValues> nodes;  ///< full states, or the quotient variables' scalars
    std::vector<uint32_t> initial;         ///< node ids of initial states
    std::vector<Edge> edges;
    bool quotient = false;
    bool too_large = false;                ///< more than max_nodes nodes: nothing kept
};

struct InstanceCoverage {
    uint64_t fired = 0;       ///< transitions taken with this instance
    uint64_t new_states = 0;  ///< states first reached through it
};

struct SearchOptions {
    spec::Limits limits;
    bool fingerprint = false;
    bool deadlock = true;                 ///< look for deadlocks
    std::vector<uint32_t> properties;     ///< Machine::properties to check
    /// Stop as soon as every checked property (and deadlock, if looked for)
    /// has a counterexample. `explore` keeps going to count everything.
    bool stop_when_decided = true;
    std::optional<GraphRequest> graph;
    std::function<void(const Progress&)> progress;
    double progress_interval = 1.0;
};

struct SearchResult {
    spec::Stats stats;
    /// One entry per SearchOptions::properties: a shortest counterexample if violated.
    std::vector<std::optional<spec::Trace>> cex;
    std::optional<spec::Trace> deadlock_cex;  ///< a shortest path to a deadlock
    uint64_t deadlocks = 0;
    std::vector<InstanceCoverage> coverage;   ///< per instance
    std::optional<Graph> graph;
};

/// Runs the search. Stops at the limits (stats.stopped_by says which) rather
/// than fail. Throws SpecError when the spec itself fails at run time (index
/// out of bounds, value out of range, failed assert), with the action, the
/// state and the path to it.
SearchResult search(const spec::CompiledMachine& cm, const SearchOptions& options);

/// Rebuilds a trace through the given packed states (one after another, each
/// a successor of the one before), choosing at each step the first instance
/// that leads there. If `last` is given, one more step fires that instance
/// from the last state.
spec::Trace trace_through(const spec::CompiledMachine& cm, const std::vector<uint64_t>& states,
                          std::optional<uint32_t> last = std::nullopt);

}  // namespace stateproof::explorer
