#include "explorer/check.h"

#include <algorithm>

namespace stateproof::explorer {

using namespace stateproof::spec;

void select_properties(const Machine& m, const std::vector<std::string>& names, std::vector<uint32_t>& properties,
                       bool& deadlock) {
    properties.clear();
    if (names.empty()) {
        for (uint32_t p = 0; p < m.properties.size(); ++p) properties.push_back(p);
        return;
    }
    bool want_deadlock = false;
    for (const std::string& n : names) {
        if (n == kDeadlock) {
            want_deadlock = true;
            continue;
        }
        auto p = m.find_property(n);
        if (!p) {
            std::string known;
            for (const auto& q : m.properties) known += (known.empty() ? "" : ", ") + q.name;
            throw UsageError("--invariant " + n + ": the spec has no property named '" + n + "' (it has: " +
                             (known.empty() ? std::string("none") : known) + "; and 'deadlock')");
        }
        if (std::find(properties.begin(), properties.end(), *p) == properties.end()) properties.push_back(*p);
    }
    deadlock = deadlock && want_deadlock;
}

CheckResult check_explicit(const CompiledMachine& cm, const CheckOptions& o) {
    const Machine& m = cm.machine();
    SearchOptions so;
    so.limits = o.limits;
    so.fingerprint = o.fingerprint;
    so.deadlock = o.deadlock;
    so.properties = o.properties;
    so.progress = o.progress;
    SearchResult sr = search(cm, so);

    CheckResult r;
    r.engine = "explicit";
    r.stats = sr.stats;
    auto unknown_reason = [&] {
        return "no violation in the " + std::to_string(sr.stats.states) + " states found (depth " +
               std::to_string(sr.stats.depth) + "); " + sr.stats.stopped_by;
    };
    for (size_t k = 0; k < o.properties.size(); ++k) {
        PropertyResult p;
        p.property = o.properties[k];
        p.name = m.properties[o.properties[k]].name;
        if (sr.cex[k]) {
            p.verdict = Verdict::Violated;
            p.cex = std::move(sr.cex[k]);
        } else if (sr.stats.complete) {
            p.verdict = Verdict::Holds;
            p.reason = "holds in all " + std::to_string(sr.stats.states) + " reachable states";
        } else {
            p.verdict = Verdict::Unknown;
            p.reason = unknown_reason();
        }
        r.properties.push_back(std::move(p));
    }
    if (o.deadlock) {
        PropertyResult p;
        p.name = kDeadlock;
        if (sr.deadlock_cex) {
            p.verdict = Verdict::Violated;
            p.cex = std::move(sr.deadlock_cex);
            p.reason = "a reachable state where no action is enabled and the spec's 'final' does not hold";
        } else if (sr.stats.complete) {
            p.verdict = Verdict::Holds;
            p.reason = "no reachable state without an enabled action";
        } else {
            p.verdict = Verdict::Unknown;
            p.reason = unknown_reason();
        }
        r.properties.push_back(std::move(p));
    }
    return r;
}

}  // namespace stateproof::explorer
