#include "cli/cmd_conform.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/baseline.h"
#include "cli/conform_profiles.h"
#include "cli/conform_sweep.h"
#include "cli/interrupt.h"
#include "cli/output_file.h"
#include "cli/print_json.h"
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
    c->add_option("--timeout", o.timeout, "Seconds to wait for a driver's answer; longer is a fault (hang) of the scenario")->capture_default_str()->check(CLI::PositiveNumber);
    c->add_option("--profile", o.profile, "auto: run under every value of the spec's 'profile' constant, print a table, and report the closest")->check(CLI::IsMember({"auto"}));
    c->add_flag("--sweep", o.sweep, "Run under every combination of the spec's bool and enum constants but profile and those set with --const, and report each divergence class once with the configurations it was found in");
    c->add_option("--max-restarts", o.max_restarts, "Faults (crash, exit, hang, protocol) in a row, with no scenario answered between, after which the run ends with exit 3 and the report so far")->capture_default_str();
    c->add_option("--max-memory", o.max_memory_mib,
                   "Stop when the run's memory (the spec's graph, the scenarios, the divergences found) passes this "
                   "many MiB; exit code 3 with the report so far (default: 75% of RAM, " +
                       std::to_string(default_memory_mib()) + ")");
    c->add_option("--max-seconds", o.max_seconds,
                   "Stop after this many seconds (0 = no limit), whatever phase the run is in; exit code 3 with the "
                   "report so far")
        ->check(CLI::NonNegativeNumber);
    c->add_flag("--full-states", o.full_states, "Print every variable of the spec's state before each difference, not only the ones that differ from the initial state");
    c->add_flag("--json", o.json, "Print the result as JSON");
    c->add_option("--junit", o.junit, "Write a JUnit XML report (one test case per divergence class) to FILE")->type_name("FILE");
    c->add_option("--baseline", o.baseline, "Known divergences (a file written by --write-baseline): only new ones fail")->type_name("FILE")->check(CLI::ExistingFile);
    c->add_option("--write-baseline", o.write_baseline, "Write the divergences found to FILE as a baseline")->type_name("FILE");
    c->add_option("--save-traces", o.save_traces, "Write each divergence's scenario as a JSON-lines trace into DIR")->type_name("DIR");
    return c;
}

namespace {

// One divergence's scenario as a trace `replay` reproduces: its header
// carries the constants the scenario ran under.
void save_trace(const CompiledMachine& cm, const ConformCommand& o, const std::string& implementation,
                const explorer::Divergence& d, size_t n) {
    namespace fs = std::filesystem;
    const Machine& m = cm.machine();
    TraceHeader h{o.spec.path, m.name, implementation, {}, {}};
    for (const auto& c : m.consts) h.consts.emplace_back(c.name, m.format_value(c.type, c.value));
    std::string text = header_to_json(h).dump() + "\n";
    for (const auto& s : d.observed) text += step_to_json(m, s).dump() + "\n";
    // A fault has no answer: the steps that cause it, the last marked.
    for (size_t k = 0; !d.fault.empty() && k < d.scenario.size(); ++k) {
        ObservedStep s;
        s.action = cm.instance(d.scenario[k]).action;
        s.args = cm.instance(d.scenario[k]).args;
        if (k + 1 == d.scenario.size()) s.stopped = "fault: " + d.fault;
        json st = step_to_json(m, s);
        st.erase("events");
        text += st.dump() + "\n";
    }
    write_file_atomically((fs::path(o.save_traces) / ("divergence-" + std::to_string(n) + ".jsonl")).string(), text);
}

void make_trace_dir(const ConformCommand& o) {
    std::error_code ec;
    std::filesystem::create_directories(o.save_traces, ec);
    if (ec) throw UsageError("--save-traces " + o.save_traces + ": cannot create the directory: " + ec.message());
}

int run_sweep_command(const ConformCommand& o) {
    Sweep sweep = run_sweep(o);
    LateOutputs outputs;
    if (!o.junit.empty()) outputs.attempt([&] { write_file_atomically(o.junit, junit_sweep_xml(o.spec.path, sweep)); });
    if (!o.save_traces.empty()) outputs.attempt([&] {
        make_trace_dir(o);
        size_t n = 0;
        for (const auto& c : sweep.classes)
            save_trace(*sweep.runs[c.shown].cm, o, sweep.runs[c.shown].r.implementation, sweep.shown(c), ++n);
    });
    if (!o.write_baseline.empty())
        outputs.attempt([&] { write_file_atomically(o.write_baseline, format_sweep_baseline(o.spec.path, sweep)); });
    if (o.json) std::cout << sweep_json(o.spec.path, sweep).dump(2) << "\n";
    else {
        TraceStyle style;
        style.full_states = o.full_states;
        std::cout << format_sweep(o.spec.path, sweep, style);
    }
    return outputs.finish(sweep.exit_code());
}

}  // namespace

int run_conform(const ConformCommand& o) {
    if (o.impl.empty() && o.driver.empty()) throw UsageError("conform needs --impl cpp or --driver 'CMD'");
    if (!o.junit.empty()) check_output_file("--junit", o.junit);
    if (!o.write_baseline.empty()) check_output_file("--write-baseline", o.write_baseline);
    if (!o.save_traces.empty()) check_output_dir("--save-traces", o.save_traces);
    catch_interrupts();  // from here on a signal ends the run with its report
    if (o.sweep) return run_sweep_command(o);
    std::vector<ProfileRun> runs;
    size_t profiles = 1;
    std::string cut;
    if (o.profile == "auto") runs = run_every_profile(o, &profiles, &cut);
    else runs.push_back(run_conform_once(o, o.spec.overrides(), ""));
    const ProfileRun& chosen = closest(runs);
    // --profile auto cut short by a limit: the closest of the profiles that
    // ran is no answer (another might have no divergence).
    std::string profiles_cut;
    if (runs.size() < profiles || (runs.size() > 1 && std::any_of(runs.begin(), runs.end(), [](const ProfileRun& p) {
                                       return !p.r.stopped_early.empty();
                                   })))
        profiles_cut = "--profile auto stopped early" + (cut.empty() ? std::string() : " (" + cut + ")") + ": " +
                       std::to_string(runs.size()) + " of " + std::to_string(profiles) +
                       " profiles run, not all to the end; the closest so far is " + chosen.profile;
    const CompiledMachine& cm = *chosen.cm;
    const explorer::ConformResult& r = chosen.r;

    LateOutputs outputs;
    if (!o.junit.empty()) outputs.attempt([&] { write_file_atomically(o.junit, junit_xml(cm, o.spec.path, r)); });
    if (!o.save_traces.empty()) outputs.attempt([&] {
        make_trace_dir(o);
        size_t n = 0;
        for (const auto& d : r.divergences) save_trace(cm, o, r.implementation, d, ++n);
    });
    if (!o.write_baseline.empty())
        outputs.attempt([&] { write_file_atomically(o.write_baseline, format_baseline(cm, o.spec.path, r)); });

    if (o.json) {
        json j = conform_json(cm, o.spec.path, r);
        if (o.profile == "auto") {
            j["profiles"] = profile_table_json(runs);
            j["closest_profile"] = chosen.profile;
            if (!profiles_cut.empty()) {
                j["profiles_stopped_early"] = profiles_cut;
                j["exit_code"] = r.interrupted_by ? 128 + r.interrupted_by : exit_code::limit;
            }
        }
        std::cout << j.dump(2) << "\n";
    } else {
        if (o.profile == "auto") std::cout << format_profile_table(o.spec.path, runs, chosen, profiles_cut);
        TraceStyle style;
        style.full_states = o.full_states;
        std::cout << format_conform(cm, o.spec.path, r, style);
    }
    int code = r.interrupted_by                                      ? 128 + r.interrupted_by
               : !r.stopped_early.empty() || !profiles_cut.empty() ? exit_code::limit
               : new_divergences(r)                                ? exit_code::violated
                                                                   : exit_code::holds;
    int with_outputs = outputs.finish(code);
    return r.interrupted_by ? code : with_outputs;  // an interrupt keeps its own code
}

}  // namespace stateproof::cli
