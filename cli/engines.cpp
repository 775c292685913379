#include "cli/engines.h"

#include "explorer/check.h"

namespace stateproof::cli {

const std::vector<std::string>& engine_names() {
    static const std::vector<std::string> names = {"explicit"};
    return names;
}

spec::CheckResult run_engine(const std::string& engine, const spec::CompiledMachine& cm, const EngineRequest& req) {
    if (engine == "explicit") {
        explorer::CheckOptions o;
        o.limits = req.limits;
        o.fingerprint = req.fingerprint;
        o.deadlock = req.deadlock;
        o.properties = req.properties;
        o.progress = req.progress;
        return explorer::check_explicit(cm, o);
    }
    throw spec::UsageError("--engine " + engine + ": unknown engine");
}

}  // namespace stateproof::cli
