#include "spec/result.h"

#include <algorithm>

#include "spec/diagnostics.h"

namespace stateproof::spec {

bool CheckResult::any_violated() const {
    return std::any_of(properties.begin(), properties.end(),
                       [](const PropertyResult& p) { return p.verdict == Verdict::Violated; });
}

bool CheckResult::all_hold() const {
    return std::all_of(properties.begin(), properties.end(),
                       [](const PropertyResult& p) { return p.verdict == Verdict::Holds; });
}

int exit_code_of(const CheckResult& r) {
    if (r.stats.interrupted_by) return 128 + r.stats.interrupted_by;
    if (r.any_violated()) return exit_code::violated;
    if (!r.all_hold()) return exit_code::limit;
    return exit_code::holds;
}

}  // namespace stateproof::spec
