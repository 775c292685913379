#include "cli/conform_sweep.h"

#include <algorithm>
#include <map>

#include "cli/interrupt.h"
#include "spec/check.h"

namespace stateproof::cli {

using namespace stateproof::spec;

size_t Sweep::new_classes() const {
    size_t n = 0;
    for (const auto& c : classes) n += !c.in_baseline;
    return n;
}

explorer::Divergence Sweep::merged(const SweepClass& c) const {
    explorer::Divergence d = shown(c);
    d.occurrences = c.occurrences;
    d.in_baseline = c.in_baseline;
    return d;
}

Configuration Sweep::fixed() const {
    Configuration fixed;
    if (runs.empty()) return fixed;
    const Machine& m = *runs.front().m;
    for (const ConstValue& c : m.consts)
        if (std::find(swept.begin(), swept.end(), c.name) == swept.end())
            fixed.emplace_back(c.name, m.format_value(c.type, c.value));
    return fixed;
}

Sweep::Totals Sweep::totals() const {
    Totals t;
    for (const auto& run : runs) {
        t.scenarios += run.r.scenarios;
        t.steps += run.r.steps;
        t.seconds += run.r.seconds;
    }
    return t;
}

int Sweep::exit_code() const {
    if (interrupted_by) return 128 + interrupted_by;
    for (const auto& run : runs)
        if (!run.r.stopped_early.empty()) return 3;
    if (runs.size() < configurations) return 3;  // a limit ended it between two runs (`cut`)
    return new_classes() ? 1 : 0;
}

std::vector<std::string> swept_constants(const Machine& base, const ConstOverrides& fixed) {
    std::vector<std::string> names;
    for (const auto& c : base.consts) {
        Type::Kind k = base.types[c.type].kind;
        // profile says which interpreter the spec stands for; a sweep is of
        // one interpreter's configurations (--profile auto finds which).
        if ((k == Type::Kind::Bool || k == Type::Kind::Enum) && c.name != "profile" && !fixed.count(c.name))
            names.push_back(c.name);
    }
    return names;
}

Sweep run_sweep(const ConformCommand& o) {
    if (o.profile == "auto")
        throw UsageError("--sweep and --profile auto do not combine: find the profile with --profile auto, then "
                         "sweep it with --const profile=NAME --sweep");
    ConstOverrides fixed = o.spec.overrides();
    Machine base = o.spec.load();
    Sweep s;
    s.swept = swept_constants(base, fixed);
    for (const auto& name : s.swept)
        for (const auto& c : base.consts)
            if (c.name == name) s.configurations *= base.types[c.type].domain_size();
    s.runs = run_each_configuration(o, base, fixed, s.swept, &s.cut);
    s.classes = merge_classes(s.runs);
    // One bug seen in several configurations is one cause, as in one run.
    std::vector<explorer::Divergence> merged;
    for (const auto& c : s.classes) merged.push_back(s.merged(c));
    s.groups = explorer::group_divergences(merged);
    // A signal between two runs ends the sweep with no run interrupted.
    for (const auto& run : s.runs)
        if (run.r.interrupted_by) s.interrupted_by = run.r.interrupted_by;
    if (!s.interrupted_by) s.interrupted_by = interrupt_signal();
    return s;
}

std::vector<SweepClass> merge_classes(const std::vector<ProfileRun>& runs) {
    std::vector<SweepClass> classes;
    std::map<std::string, size_t> by_signature;
    for (size_t k = 0; k < runs.size(); ++k)
        for (size_t i = 0; i < runs[k].r.divergences.size(); ++i) {
            const explorer::Divergence& d = runs[k].r.divergences[i];
            auto [it, fresh] = by_signature.emplace(d.signature, classes.size());
            if (fresh) classes.push_back({k, i, {}, 0, false});
            SweepClass& c = classes[it->second];
            if (d.scenario.size() < runs[c.shown].r.divergences[c.index].scenario.size()) {
                c.shown = k;
                c.index = i;
            }
            c.found_in.emplace_back(k, d.occurrences);
            c.occurrences += d.occurrences;
            c.in_baseline = c.in_baseline || d.in_baseline;
        }
    auto length = [&](const SweepClass& c) { return runs[c.shown].r.divergences[c.index].scenario.size(); };
    std::stable_sort(classes.begin(), classes.end(),
                     [&](const SweepClass& a, const SweepClass& b) { return length(a) < length(b); });
    return classes;
}

}  // namespace stateproof::cli
