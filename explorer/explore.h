#pragma once
// State-space statistics: counts, diameter, deadlocks, action coverage, graph.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "explorer/bfs.h"

namespace stateproof::explorer {

struct ExploreOptions {
    spec::Limits limits;
    bool fingerprint = false;
    bool deadlock = true;
    std::optional<GraphRequest> graph;
    std::function<void(const Progress&)> progress;
};

/// Coverage of one action over the reachable states.
struct ActionCoverage {
    uint32_t action;
    uint64_t instances = 0;    ///< argument combinations its guard can allow
    uint64_t fired = 0;        ///< transitions taken (states where it was enabled, summed over instances)
    uint64_t new_states = 0;   ///< states first reached through it
    std::vector<uint32_t> never_fired;  ///< instances that fired nowhere
};

struct ExploreResult {
    spec::Stats stats;
    uint64_t deadlocks = 0;
    std::optional<spec::Trace> first_deadlock;  ///< a shortest path to one
    std::vector<ActionCoverage> coverage;       ///< per action, in declaration order
    std::optional<Graph> graph;
};

/// Explores the whole reachable state space (within the limits).
ExploreResult explore(const spec::CompiledMachine& cm, const ExploreOptions& options);

}  // namespace stateproof::explorer
