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

struct EngineRequest {
    std::vector<uint32_t> properties;  ///< Machine::properties to check
    bool deadlock = true;
    spec::Limits limits;
    bool fingerprint = false;          ///< explicit engine: fingerprint store
    std::optional<uint32_t> depth;     ///< bound for the bounded engines
    std::function<void(const explorer::Progress&)> progress;
};

/// Engine names accepted by --engine.
const std::vector<std::string>& engine_names();

/// Runs one engine ("explicit", ...) on the request. Throws UsageError for an
/// unknown engine name.
spec::CheckResult run_engine(const std::string& engine, const spec::CompiledMachine& cm, const EngineRequest& req);

}  // namespace stateproof::cli
