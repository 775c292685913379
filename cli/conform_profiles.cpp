#include "cli/conform_profiles.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/baseline.h"
#include "cli/interrupt.h"
#include "drivers/cpp/implementation.h"
#include "drivers/process.h"
#include "spec/check.h"

namespace stateproof::cli {

using namespace stateproof::spec;
using nlohmann::json;

ProfileRun run_conform_once(const ConformCommand& o, const ConstOverrides& overrides, std::string profile) {
    ProfileRun run;
    run.profile = std::move(profile);
    Limits limits;
    limits.max_memory_bytes = (o.max_memory_mib ? o.max_memory_mib : default_memory_mib()) << 20;
    // Each phase gets what is left of --max-seconds (at least a moment, so
    // that a run begun just before the end stops with its own message).
    auto left = [&o] { return o.max_seconds > 0 ? std::max(o.seconds_left(), 1e-3) : 0.0; };
    limits.max_seconds = left();
    limits.max_seconds_given = o.max_seconds;
    Budget budget(limits);  // the limits hold while loading and compiling too
    run.m = std::make_unique<Machine>(load_spec(o.spec.path, overrides, &budget));
    run.cm = std::make_unique<CompiledMachine>(*run.m, &budget);
    const CompiledMachine& cm = *run.cm;
    explorer::ConformOptions co;
    if (o.depth) {
        co.mode = explorer::ConformOptions::Mode::Depth;
        co.depth = o.depth;
        if (o.suffix) throw UsageError("--suffix goes with --cover transitions, not --depth");
    }
    co.suffix = o.suffix;
    co.max_scenarios = o.max_scenarios;
    co.batch = o.batch;
    co.max_restarts = o.max_restarts;
    co.max_memory_bytes = limits.max_memory_bytes;
    co.max_seconds_given = o.max_seconds;
    if (!o.baseline.empty()) co.baseline = read_baseline(o.baseline);
    co.progress = [&, last = std::chrono::steady_clock::now()](uint64_t done, uint64_t total) mutable {
        auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - last).count() < 1 && done != total) return;
        last = now;
        if (o.json) std::cerr << json{{"progress", {{"scenarios", done}, {"of", total}}}}.dump() << "\n";
        else std::cerr << "progress: " << done << " of " << total << " scenarios\n";
    };
    co.interrupted = interrupt_signal;
    std::unique_ptr<explorer::Implementation> impl;
    if (!o.driver.empty()) impl = std::make_unique<drivers::DriverProcess>(o.driver, cm, o.timeout);
    else impl = drivers::cpp::make_implementation(cm);
    co.max_seconds = left();  // starting the driver took some
    run.r = explorer::conform(cm, *impl, co);
    return run;  // the driver ends here, before any report
}

std::vector<ProfileRun> run_each_configuration(const ConformCommand& o, const Machine& base,
                                               const ConstOverrides& overrides, const std::vector<std::string>& vary,
                                               std::string* cut) {
    // The domains, in the order given; each a bool or an enum.
    std::vector<const ConstValue*> cs;
    uint64_t total = 1;
    for (const auto& name : vary)
        for (const auto& c : base.consts)
            if (c.name == name) {
                cs.push_back(&c);
                total *= base.types[c.type].domain_size();
            }
    std::vector<int32_t> at(cs.size());
    for (size_t k = 0; k < cs.size(); ++k) at[k] = base.types[cs[k]->type].lo;
    std::vector<ProfileRun> runs;
    // At --max-seconds the runs end: the one under way stops early, and no
    // other begins (the first always does, and reports where it stopped).
    for (uint64_t n = 1; n <= total && !interrupt_signal(); ++n) {
        if (n > 1 && o.out_of_time()) {
            char given[32];
            std::snprintf(given, sizeof given, "%g", o.max_seconds);
            if (cut) *cut = std::string("--max-seconds ") + given + " reached";
            break;
        }
        Configuration config;
        ConstOverrides with = overrides;
        for (size_t k = 0; k < cs.size(); ++k) {
            config.emplace_back(cs[k]->name, base.format_value(cs[k]->type, at[k]));
            with[cs[k]->name] = config.back().second;
        }
        if (!o.json) std::cerr << (config.empty() ? "the spec's constants" : format_configuration(config)) << " (" << n << " of " << total << ")...\n";
        try {
            runs.push_back(run_conform_once(o, with, ""));
        } catch (const LimitReached& e) {
            if (n == 1) throw;  // nothing to report yet
            if (cut) *cut = e.what();
            break;
        }
        runs.back().config = std::move(config);
        // The next combination: the last constant varies fastest.
        for (size_t k = cs.size(); k-- > 0;) {
            if (at[k] < base.types[cs[k]->type].hi) {
                ++at[k];
                break;
            }
            at[k] = base.types[cs[k]->type].lo;
        }
    }
    return runs;
}

std::vector<ProfileRun> run_every_profile(const ConformCommand& o, size_t* profiles, std::string* cut) {
    ConstOverrides overrides = o.spec.overrides();
    if (overrides.count("profile")) throw UsageError("--profile auto tries every profile: leave out --const profile=...");
    Machine base = o.spec.load();
    const ConstValue* profile = nullptr;
    for (const auto& c : base.consts)
        if (c.name == "profile") profile = &c;
    if (!profile || base.types[profile->type].kind != Type::Kind::Enum)
        throw UsageError("--profile auto: " + o.spec.path + " has no enum constant 'profile'");
    if (profiles) *profiles = base.types[profile->type].domain_size();
    std::vector<ProfileRun> runs = run_each_configuration(o, base, overrides, {"profile"}, cut);
    for (auto& run : runs) run.profile = run.config[0].second;
    return runs;
}

const ProfileRun& closest(const std::vector<ProfileRun>& runs) {
    auto diverged = [](const ProfileRun& p) {
        uint64_t n = 0;
        for (const auto& d : p.r.divergences) n += d.occurrences;
        return n;
    };
    const ProfileRun* best = &runs.front();
    for (const auto& p : runs)
        if (std::make_pair(p.r.divergences.size(), diverged(p)) < std::make_pair(best->r.divergences.size(), diverged(*best)))
            best = &p;
    return *best;
}

std::string format_configuration(const Configuration& c) {
    std::string s;
    for (const auto& [name, value] : c) s += (s.empty() ? "" : " ") + name + "=" + value;
    return s;
}

}  // namespace stateproof::cli
