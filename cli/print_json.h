#pragma once
// Results as JSON for tools and CI.

#include <nlohmann/json.hpp>

#include "explorer/conform.h"
#include "explorer/explore.h"
#include "spec/result.h"

namespace stateproof::cli {

/// {"spec", "machine", "consts", "engine", "stats", "properties": [{"name",
/// "kind", "verdict", "reason", "cex_length", "cex" (ITF)}], "exit_code"}.
nlohmann::json check_json(const spec::Machine& m, const spec::CheckResult& r);

/// {"spec", "machine", "consts", "states", "transitions", "diameter",
/// "deadlocks", "complete", "coverage": [...], ...}.
nlohmann::json explore_json(const spec::Machine& m, const spec::CompiledMachine& cm, const explorer::ExploreResult& r);

/// `--engine all`: {"spec", "engines": [check_json...], "disagreements": [...]}.
nlohmann::json comparison_json(const spec::Machine& m, const std::vector<spec::CheckResult>& results,
                               const std::vector<std::string>& disagreements);

/// `conform --json`: {"spec", "implementation", "consts", "scenarios", "steps",
/// "unsupported", "spec_states", "spec_transitions", "transitions_covered",
/// "seconds", "divergences": [{"signature", "in_baseline", "occurrences",
/// "scenario", "spec_events_at_divergence", "guard_false"}], "new_divergences",
/// "exit_code"}.
nlohmann::json conform_json(const spec::CompiledMachine& cm, const std::string& spec_path,
                            const explorer::ConformResult& r);

nlohmann::json stats_json(const spec::Stats& s);
nlohmann::json consts_json(const spec::Machine& m);

}  // namespace stateproof::cli
