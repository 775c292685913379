#include "cli/cmd_replay.h"

#include <cctype>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <memory>

#include <nlohmann/json.hpp>

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
    if (header)
        for (const auto& [k, v] : header->consts) consts[k] = v;
    for (const auto& [k, v] : o.spec.overrides()) consts[k] = v;
    auto& slot = cache[consts];
    if (!slot) {
        slot = std::make_unique<Loaded>();
        slot->m = load_spec(o.spec.path, consts);
        slot->cm = std::make_unique<CompiledMachine>(slot->m);
    }
    return *slot;
}

std::string describe_observed(const CompiledMachine& cm, const ObservedStep& s) {
    std::string out = cm.describe(cm.instance_of(s.action, s.args)) + " ->";
    if (s.events.empty()) out += " (no events)";
    for (const auto& e : s.events) out += " " + cm.describe_event(e);
    return out;
}

std::string describe_events(const CompiledMachine& cm, const std::vector<EventValue>& evs) {
    if (evs.empty()) return "(no events)";
    std::string out;
    for (const auto& e : evs) out += (out.empty() ? "" : " ") + cm.describe_event(e);
    return out;
}

// A counterexample written by `check --cex` (one ITF JSON document) is a
// trace too: its header comes from "#meta", its steps from the states' meta.
struct ItfTrace {
    TraceHeader header;
    json doc;
};

std::optional<ItfTrace> read_itf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char c = 0;
    while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    if (c != '{') return std::nullopt;
    in.seekg(0);
    json doc = json::parse(in, nullptr, false);
    // A JSON-lines trace is not one document; it fails to parse as one.
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("states") || !doc.contains("#meta")) return std::nullopt;
    ItfTrace t;
    const json& meta = doc["#meta"];
    if (meta.is_object()) {
        if (meta.contains("machine") && meta["machine"].is_string()) t.header.machine = meta["machine"].get<std::string>();
        if (meta.contains("consts") && meta["consts"].is_object())
            for (const auto& [k, v] : meta["consts"].items())
                t.header.consts.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
    t.header.implementation = "counterexample (ITF)";
    t.doc = std::move(doc);
    return t;
}

std::vector<ObservedStep> itf_steps(const Machine& m, const ItfTrace& itf, const std::string& path) {
    Trace t = from_itf(m, itf.doc, path);
    std::vector<ObservedStep> out;
    for (size_t k = 1; k < t.steps.size(); ++k) {
        ObservedStep s;
        s.action = t.steps[k].action;
        s.args = t.steps[k].args;
        s.events = t.steps[k].events;
        s.line = k;  // ITF has no lines; the state index stands in
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

std::string format_mismatch(const CompiledMachine& cm, const std::string& file, const explorer::ReplayMismatch& r) {
    const Machine& m = cm.machine();
    std::string out = file + ":" + std::to_string(r.observed.line) + ": step " + std::to_string(r.step) +
                      " is not a behaviour of " + m.source->name;
    std::string consts = format_consts(m);
    if (!consts.empty()) out += " (" + consts + ")";
    out += "\n  the implementation did:  " + describe_observed(cm, r.observed) + "\n";
    if (!r.observed.stopped.empty()) out += "  and stopped there: " + r.observed.stopped + "\n";
    std::string ctx = std::to_string(r.state_count) + " spec state" + (r.state_count == 1 ? "" : "s") +
                      " consistent with the " + std::to_string(r.step - 1) + " step" + (r.step == 2 ? "" : "s") +
                      " before";
    if (!r.would_emit.empty()) {
        out += "  the spec, in the " + ctx + ", would emit:\n";
        for (const auto& e : r.would_emit)
            out += "                           " + cm.describe(cm.instance_of(r.observed.action, r.observed.args)) +
                   " -> " + describe_events(cm, e) + "\n";
    } else if (r.observed.stopped.empty()) {
        out += "  the spec does not allow " + cm.describe(cm.instance_of(r.observed.action, r.observed.args)) +
               " in the " + ctx + ":\n";
        for (const auto& g : r.guard_false) out += "    " + g + "\n";
        out += "  it would accept:";
        if (r.accepted.empty()) out += " nothing (a deadlock)";
        for (size_t k = 0; k < r.accepted.size(); ++k) {
            if (k == 12) {
                out += " ... (" + std::to_string(r.accepted.size() - 12) + " more)";
                break;
            }
            out += (k ? ", " : " ") + cm.describe(r.accepted[k]);
        }
        out += "\n";
    }
    if (!r.recent.empty()) {
        out += "  the last matched steps:\n";
        for (const auto& s : r.recent) out += "    line " + std::to_string(s.line) + "  " + describe_observed(cm, s) + "\n";
    }
    if (!r.states.empty()) {
        out += "  the spec state" + std::string(r.states.size() > 1 ? "s (first " + std::to_string(r.states.size()) + ")" : "") + ":\n";
        Trace t;
        for (const auto& s : r.states) {
            t.steps.assign(1, Step{Step::kInitial, {}, {}, s});
            std::string lines = format_trace(m, t, {});
            out += lines.substr(lines.find('\n') + 1);
        }
    }
    return out;
}

int run_replay(const ReplayCommand& o) {
    std::map<ConstOverrides, std::unique_ptr<Loaded>> cache;
    bool all_ok = true;
    json results = json::array();
    for (const std::string& path : o.traces) {
        std::optional<ItfTrace> itf = read_itf(path);
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
        std::vector<ObservedStep> itf_list;
        if (itf) itf_list = itf_steps(L.m, *itf, path);
        size_t itf_next = 0;
        auto next = [&](ObservedStep& s) {
            if (!itf) return reader->next(L.m, s);
            if (itf_next == itf_list.size()) return false;
            s = itf_list[itf_next++];
            return true;
        };
        if (o.engine == "smt") {
            // The query needs the whole trace in memory.
            std::vector<ObservedStep> steps;
            ObservedStep s;
            while (next(s)) steps.push_back(s);
            solver::TraceQueryResult q = solver::query_trace(*L.cm, steps);
            if (q.unknown) throw LimitReached(path + ": the solver gave up: " + q.reason);
            all_ok &= q.matches;
            json r = {{"trace", path}, {"conforms", q.matches}, {"steps_matched", q.steps_matched}, {"engine", "smt"}};
            if (!q.matches) {
                r["reason"] = q.reason;
                if (q.steps_matched < steps.size()) r["line"] = steps[q.steps_matched].line;
            }
            if (!o.json) {
                if (q.matches) std::cout << path << ": conforms (" << q.steps_matched << " steps; smt)\n";
                else std::cout << path << ":" << (q.steps_matched < steps.size() ? std::to_string(steps[q.steps_matched].line) : "?")
                               << ": not a behaviour of " << o.spec.path << ": " << q.reason << " (smt)\n";
            }
            results.push_back(r);
            continue;
        }
        explorer::Replayer replayer(*L.cm);
        ObservedStep s;
        bool ok = true;
        while (next(s)) {
            if (!replayer.step(s)) {
                ok = false;
                break;
            }
        }
        all_ok &= ok;
        json r = {{"trace", path}, {"conforms", ok}, {"steps_matched", replayer.matched()}};
        if (header) r["implementation"] = header->implementation;
        if (!ok) {
            const auto& mm = replayer.mismatch();
            r["line"] = mm.observed.line;
            r["step"] = mm.step;
            r["observed"] = step_to_json(L.m, mm.observed);
            json would = json::array();
            for (const auto& e : mm.would_emit) {
                ObservedStep w = mm.observed;
                w.events = e;
                w.stopped.clear();
                would.push_back(step_to_json(L.m, w)["events"]);
            }
            r["spec_would_emit"] = would;
            r["guard_false"] = mm.guard_false;
            json acc = json::array();
            for (uint32_t i : mm.accepted) acc.push_back(L.cm->describe(i));
            r["spec_would_accept"] = acc;
            if (!o.json) std::cout << format_mismatch(*L.cm, path, mm) << "\n";
        } else if (!o.json) {
            std::cout << path << ": conforms (" << replayer.matched() << " steps)\n";
        }
        results.push_back(r);
    }
    if (o.json) std::cout << json{{"spec", o.spec.path}, {"traces", results}, {"exit_code", all_ok ? 0 : 1}}.dump(2) << "\n";
    return all_ok ? exit_code::holds : exit_code::violated;
}

}  // namespace stateproof::cli
