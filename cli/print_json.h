#pragma once
// Results as JSON for tools and CI.

#include <nlohmann/json.hpp>

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

nlohmann::json stats_json(const spec::Stats& s);
nlohmann::json consts_json(const spec::Machine& m);

}  // namespace stateproof::cli
