#pragma once
// Property checking by exhaustive search: the explicit engine's verdicts.

#include <functional>
#include <string>
#include <vector>

#include "explorer/bfs.h"
#include "spec/eval.h"
#include "spec/result.h"

namespace stateproof::explorer {

struct CheckOptions {
    spec::Limits limits;
    bool fingerprint = false;
    bool deadlock = true;             ///< report deadlocks as a violation
    std::vector<uint32_t> properties; ///< Machine::properties to check
    std::function<void(const Progress&)> progress;
};

/// Checks the given properties (and deadlock freedom) over every reachable
/// state. A violated property gets a shortest counterexample; a property
/// with none holds if the search finished, and is Unknown if a limit stopped
/// it first (the reason says how far it got).
spec::CheckResult check_explicit(const spec::CompiledMachine& cm, const CheckOptions& options);

/// Resolves property names (`deadlock` included) to what CheckOptions needs.
/// Empty `names` selects every property and deadlock. Throws UsageError for a
/// name the spec does not define, listing the names it does.
void select_properties(const spec::Machine& m, const std::vector<std::string>& names,
                       std::vector<uint32_t>& properties, bool& deadlock);

}  // namespace stateproof::explorer
