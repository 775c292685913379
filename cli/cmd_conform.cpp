#include "cli/cmd_conform.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/process.h"
#include "drivers/cpp/implementation.h"
#include "cli/output_file.h"
#include "cli/print_junit.h"
#include "cli/print_text.h"
#include "explorer/conform.h"
#include "spec/trace.h"

namespace stateproof::cli {

using namespace stateproof::spec;
using nlohmann::json;

CLI::App* setup_conform(CLI::App& app, ConformCommand& o) {
    CLI::App* c = app.add_subcommand("conform", "Run scenarios generated from a spec on an implementation and compare step by step");
    add_spec_options(*c, o.spec);
    auto* impl = c->add_option("--impl", o.impl, "In-process implementation: cpp (stateproof's model/)")->check(CLI::IsMember({"cpp"}));
    auto* drv = c->add_option("--driver", o.driver, "Driver command, run with sh -c (docs/driver-protocol.md)")->type_name("CMD");
    impl->excludes(drv);
    drv->excludes(impl);
    c->add_option("--depth", o.depth, "Every input sequence up to this length (instead of --cover)");
    c->add_option("--cover", o.cover, "Scenario selection: every spec transition at least once")->capture_default_str()->check(CLI::IsMember({"transitions"}));
    c->add_option("--suffix", o.suffix, "With --cover: append every continuation of this length")->capture_default_str();
    c->add_option("--max-scenarios", o.max_scenarios, "Refuse (exit 3) to run more scenarios than this")->capture_default_str();
    c->add_option("--batch", o.batch, "Scenarios per round trip to the implementation")->capture_default_str()->check(CLI::Range(1u, 100000u));
    c->add_option("--timeout", o.timeout, "Seconds to wait for a driver's answer")->capture_default_str()->check(CLI::PositiveNumber);
    c->add_flag("--json", o.json, "Print the result as JSON");
    c->add_option("--junit", o.junit, "Write a JUnit XML report (one test case per divergence class) to FILE")->type_name("FILE");
    c->add_option("--baseline", o.baseline, "Known divergences (a file written by --write-baseline): only new ones fail")->type_name("FILE")->check(CLI::ExistingFile);
    c->add_option("--write-baseline", o.write_baseline, "Write the divergences found to FILE as a baseline")->type_name("FILE");
    c->add_option("--save-traces", o.save_traces, "Write each divergence's scenario as a JSON-lines trace into DIR")->type_name("DIR");
    return c;
}

namespace {

std::set<std::string> read_baseline(const std::string& path) {
    std::ifstream in(path);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw UsageError(path + ": not a baseline (JSON): " + e.what());
    }
    if (!j.is_object() || !j.contains("divergences") || !j["divergences"].is_array())
        throw UsageError(path + ": not a baseline: no \"divergences\" array");
    std::set<std::string> out;
    for (const auto& d : j["divergences"]) {
        if (!d.is_object() || !d.contains("signature") || !d["signature"].is_string())
            throw UsageError(path + ": a baseline entry needs a \"signature\" string");
        out.insert(d["signature"].get<std::string>());
    }
    return out;
}

void save_traces(const CompiledMachine& cm, const ConformCommand& o, const explorer::ConformResult& r) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(o.save_traces, ec);
    if (ec) throw UsageError("--save-traces " + o.save_traces + ": cannot create the directory: " + ec.message());
    const Machine& m = cm.machine();
    TraceHeader h{o.spec.path, m.name, r.implementation, {}};
    for (const auto& c : m.consts) h.consts.emplace_back(c.name, m.format_value(c.type, c.value));
    size_t n = 0;
    for (const auto& d : r.divergences) {
        std::string text = header_to_json(h).dump() + "\n";
        for (const auto& s : d.observed) text += step_to_json(m, s).dump() + "\n";
        write_file_atomically((fs::path(o.save_traces) / ("divergence-" + std::to_string(++n) + ".jsonl")).string(), text);
    }
}

}  // namespace

int run_conform(const ConformCommand& o) {
    if (o.impl.empty() && o.driver.empty()) throw UsageError("conform needs --impl cpp or --driver 'CMD'");
    Machine m = o.spec.load();
    CompiledMachine cm(m);
    explorer::ConformOptions co;
    if (o.depth) {
        co.mode = explorer::ConformOptions::Mode::Depth;
        co.depth = o.depth;
        if (o.suffix) throw UsageError("--suffix goes with --cover transitions, not --depth");
    }
    co.suffix = o.suffix;
    co.max_scenarios = o.max_scenarios;
    co.batch = o.batch;
    if (!o.baseline.empty()) co.baseline = read_baseline(o.baseline);
    co.progress = [&, last = std::chrono::steady_clock::now()](uint64_t done, uint64_t total) mutable {
        auto now = std::chrono::steady_clock::now();
        if (std::chrono::duration<double>(now - last).count() < 1 && done != total) return;
        last = now;
        if (o.json) std::cerr << json{{"progress", {{"scenarios", done}, {"of", total}}}}.dump() << "\n";
        else std::cerr << "progress: " << done << " of " << total << " scenarios\n";
    };

    std::unique_ptr<explorer::Implementation> impl;
    if (!o.driver.empty()) impl = std::make_unique<drivers::DriverProcess>(o.driver, cm, o.timeout);
    else impl = drivers::cpp::make_implementation(cm);
    explorer::ConformResult r = explorer::conform(cm, *impl, co);

    if (!o.junit.empty()) write_file_atomically(o.junit, junit_xml(cm, o.spec.path, r));
    if (!o.save_traces.empty()) save_traces(cm, o, r);
    if (!o.write_baseline.empty()) {
        json b = {{"spec", o.spec.path}, {"implementation", r.implementation}, {"divergences", json::array()}};
        for (const auto& c : m.consts) b["consts"][c.name] = m.format_value(c.type, c.value);
        for (const auto& d : r.divergences) {
            std::string scen;
            for (uint32_t i : d.scenario) scen += (scen.empty() ? "" : "; ") + cm.describe(i);
            b["divergences"].push_back({{"signature", d.signature}, {"shortest_scenario", scen}});
        }
        write_file_atomically(o.write_baseline, b.dump(2) + "\n");
    }

    size_t fresh = 0;
    for (const auto& d : r.divergences) fresh += !d.in_baseline;
    if (o.json) {
        json divs = json::array();
        for (const auto& d : r.divergences) {
            json steps = json::array();
            for (const auto& s : d.observed) steps.push_back(step_to_json(m, s));
            json alts = json::array();
            for (const auto& a : d.spec_alternatives) {
                ObservedStep w = d.observed.back();
                w.events = a;
                w.stopped.clear();
                alts.push_back(step_to_json(m, w)["events"]);
            }
            divs.push_back({{"signature", d.signature}, {"in_baseline", d.in_baseline}, {"occurrences", d.occurrences},
                            {"scenario", steps}, {"spec_events_at_divergence", alts}, {"guard_false", d.guard_false}});
        }
        json j = {{"spec", o.spec.path},       {"implementation", r.implementation},
                  {"scenarios", r.scenarios},  {"steps", r.steps},
                  {"unsupported", r.unsupported}, {"spec_states", r.spec_states},
                  {"spec_transitions", r.spec_transitions}, {"transitions_covered", r.transitions_covered},
                  {"seconds", r.seconds},      {"divergences", divs},
                  {"new_divergences", fresh},  {"exit_code", fresh ? 1 : 0}};
        for (const auto& c : m.consts) j["consts"][c.name] = m.format_value(c.type, c.value);
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "conform " << o.spec.path << " (" << format_consts(m) << ")\n  against " << r.implementation << "\n";
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.1f%%", r.spec_transitions ? 100.0 * double(r.transitions_covered) / double(r.spec_transitions) : 100.0);
        std::cout << "scenarios: " << r.scenarios << " (" << r.steps << " steps) in " << format_seconds(r.seconds)
                  << "; spec transitions covered: " << pct << " (" << r.transitions_covered << " of " << r.spec_transitions << ")\n";
        if (r.unsupported) std::cout << "unsupported by the implementation: " << r.unsupported << " scenarios\n";
        std::cout << "divergences: " << r.divergences.size() << " class" << (r.divergences.size() == 1 ? "" : "es")
                  << " (" << fresh << " new, " << r.divergences.size() - fresh << " in the baseline)\n";
        size_t n = 0;
        for (const auto& d : r.divergences) std::cout << "\n" << format_divergence(cm, d, ++n);
    }
    return fresh ? exit_code::violated : exit_code::holds;
}

}  // namespace stateproof::cli
