#include "cli/cmd_replay.h"

#include <chrono>
#include <iostream>
#include <map>
#include <sstream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/interrupt.h"
#include "cli/print_json.h"
#include "cli/print_text.h"
#include "explorer/replay.h"
#include "solver/solver.h"
#include "spec/trace.h"

namespace stateproof::cli {

using namespace stateproof::spec;
using nlohmann::json;

CLI::App* setup_replay(CLI::App& app, ReplayCommand& o) {
    CLI::App* c = app.add_subcommand("replay", "Check recorded traces (JSON lines) against a spec");
    c->add_option("SPEC", o.spec.path, "The spec file (.sm)")->required()->check(CLI::ExistingFile);
    c->add_option("TRACE", o.traces, "Trace files: JSON lines (docs/trace-format.md), or a counterexample written by check --cex (ITF)")->required()->check(CLI::ExistingFile);
    c->add_option("--const", o.spec.consts,
                  "Override a constant (repeatable); by default each trace's header constants apply")
        ->type_name("NAME=VALUE");
    c->add_flag("--json", o.json, "Print the result as JSON");
    c->add_option("--engine", o.engine,
                  "explicit: replay over the spec's states (streaming, explains a mismatch); "
                  "smt: the trace as a Z3 query, checked prefix by prefix")
        ->capture_default_str()
        ->check(CLI::IsMember({"explicit", "smt"}));
    c->add_option("--max-seconds", o.max_seconds, "Stop after this many seconds (0 = no limit); exit code 3")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    return c;
}

namespace {

struct Loaded {
    Machine m;
    std::unique_ptr<CompiledMachine> cm;
};

// One machine per distinct set of constants: header constants, then --const.
const Loaded& machine_for(const ReplayCommand& o, const std::optional<TraceHeader>& header,
                          std::map<ConstOverrides, std::unique_ptr<Loaded>>& cache) {
    ConstOverrides consts;
    ConstOrigins origins;  // a wrong header constant is the header's fault, not --const's
    if (header)
        for (const auto& [k, v] : header->consts) {
            consts[k] = v;
            origins[k] = header->where + ": the header's constant";
        }
    for (const auto& [k, v] : o.spec.overrides()) {
        consts[k] = v;
        origins.erase(k);
    }
    auto& slot = cache[consts];
    if (!slot) {
        slot = std::make_unique<Loaded>();
        slot->m = load_spec(o.spec.path, consts, nullptr, origins);
        slot->cm = std::make_unique<CompiledMachine>(slot->m);
    }
    return *slot;
}

}  // namespace

int run_replay(const ReplayCommand& o) {
    std::map<ConstOverrides, std::unique_ptr<Loaded>> cache;
    bool all_ok = true;
    json results = json::array();
    // A limit or a signal ends the run with the traces checked so far and
    // how far the current one got (issue 13, parts 4 and 5).
    catch_interrupts();
    auto start = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    auto limit_text = [&] {
        std::ostringstream t;
        t << "--max-seconds " << o.max_seconds << " reached";
        return t.str();
    };
    auto stopped = [&](const std::string& path, uint64_t replayed, uint64_t total, const std::string& why, int sig) {
        int code = sig ? 128 + sig : exit_code::limit;
        if (o.json) {
            results.push_back(replay_stopped_json(path, replayed, total, why, sig));
            json j = replay_json(o.spec.path, results, false);
            j["exit_code"] = code;
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << format_replay_stopped(path, replayed, total, why);
        }
        return code;
    };
    for (const std::string& path : o.traces) {
        std::optional<ItfTrace> itf = read_itf_file(path);
        std::unique_ptr<TraceReader> reader;
        std::optional<TraceHeader> header;
        if (itf) {
            header = itf->header;
        } else {
            reader = std::make_unique<TraceReader>(path);
            header = reader->header();
        }
        if (header && !header->machine.empty()) {
            Machine probe = load_spec(o.spec.path, {});
            if (probe.name != header->machine)
                throw UsageError(path + ": the trace is of machine " + header->machine + ", the spec is " + probe.name);
        }
        const Loaded& L = machine_for(o, header, cache);
        // Steps one at a time: streamed from a JSON-lines file, or from the ITF document.
        ItfBehaviour recorded;
        if (itf) recorded = itf_behaviour(L.m, *itf);
        size_t itf_next = 0;
        auto next = [&](ObservedStep& s) {
            if (!itf) return reader->next(L.m, s);
            if (itf_next == recorded.steps.size()) return false;
            s = recorded.steps[itf_next++];
            return true;
        };
        // An ITF trace records its states: they are compared too (issue 13, part 5).
        std::optional<StateValues> initial;
        if (itf) initial = recorded.initial;
        if (o.engine == "smt") {
            // The query needs the whole trace in memory.
            std::vector<ObservedStep> steps;
            ObservedStep s;
            while (next(s)) steps.push_back(s);
            if (steps.empty()) throw UsageError(path + ": the trace has no steps: nothing was checked");
            double left = 0;
            if (o.max_seconds > 0) {
                left = o.max_seconds - seconds();
                if (left <= 0) return stopped(path, 0, steps.size(), limit_text(), 0);
            }
            // The process ends after the replay: Z3's teardown is skipped.
            solver::TraceQueryResult q = solver::query_trace(*L.cm, steps, left, interrupt_signal, true, initial);
            if (q.unknown) {
                // The limit is the whole run's, not the solver's share of it.
                std::string why = q.interrupted_by || o.max_seconds <= 0 || q.reason.rfind("--max-seconds", 0) != 0
                                      ? q.reason
                                      : limit_text() + q.reason.substr(q.reason.find(" reached") + 8);
                if (!q.interrupted_by && o.max_seconds <= 0) throw LimitReached(path + ": the solver gave up: " + q.reason);
                return stopped(path, q.steps_matched, steps.size(), why, q.interrupted_by);
            }
            all_ok &= q.matches;
            if (o.json) results.push_back(trace_query_json(path, steps, q));
            else std::cout << format_trace_query(path, o.spec.path, steps, q);
            continue;
        }
        explorer::Replayer replayer(*L.cm);
        ObservedStep s;
        bool ok = !initial || replayer.start_at(*initial);
        while (ok && next(s)) {
            if (int sig = interrupt_signal())
                return stopped(path, replayer.matched(), 0, "interrupted (signal " + std::to_string(sig) + ")", sig);
            if (o.max_seconds > 0 && seconds() >= o.max_seconds)
                return stopped(path, replayer.matched(), 0, limit_text(), 0);
            if (!replayer.step(s)) {
                ok = false;
                break;
            }
        }
        // A signal that cut the reading short is not the trace's end.
        if (int sig = interrupt_signal(); sig && ok)
            return stopped(path, replayer.matched(), 0, "interrupted (signal " + std::to_string(sig) + ")", sig);
        // "conforms (0 steps)" would pass a CI job whose trace came out empty.
        if (ok && replayer.matched() == 0) throw UsageError(path + ": the trace has no steps: nothing was checked");
        all_ok &= ok;
        const explorer::ReplayMismatch* mismatch = ok ? nullptr : &replayer.mismatch();
        if (o.json) results.push_back(replay_trace_json(*L.cm, path, header, replayer.matched(), mismatch));
        else std::cout << format_replay(*L.cm, path, replayer.matched(), mismatch);
    }
    if (o.json) std::cout << replay_json(o.spec.path, results, all_ok).dump(2) << "\n";
    return all_ok ? exit_code::holds : exit_code::violated;
}

}  // namespace stateproof::cli
