#include "cli/baseline.h"

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "spec/json_error.h"

namespace stateproof::cli {

using namespace stateproof::spec;
using nlohmann::json;

std::set<std::string> read_baseline(const std::string& path) {
    std::ifstream in(path);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        JsonSyntaxError at = describe_json_error(e, in);
        throw UsageError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                         ": not a baseline: not JSON: " + at.what);
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

std::string format_baseline(const CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r) {
    const Machine& m = cm.machine();
    json b = {{"spec", spec_path}, {"implementation", r.implementation}, {"divergences", json::array()}};
    for (const auto& c : m.consts) b["consts"][c.name] = m.format_value(c.type, c.value);
    for (const auto& d : r.divergences) {
        std::string scen;
        for (uint32_t i : d.scenario) scen += (scen.empty() ? "" : "; ") + cm.describe(i);
        b["divergences"].push_back({{"signature", d.signature}, {"shortest_scenario", scen}});
    }
    return b.dump(2) + "\n";
}

std::string format_sweep_baseline(const std::string& spec_path, const Sweep& sweep) {
    json b = {{"spec", spec_path}, {"swept", sweep.swept}, {"divergences", json::array()}};
    if (!sweep.runs.empty()) {
        b["implementation"] = sweep.runs.front().r.implementation;
        for (const auto& [name, value] : sweep.fixed()) b["consts"][name] = value;
    }
    for (const auto& c : sweep.classes) {
        const ProfileRun& shown = sweep.runs[c.shown];
        const explorer::Divergence& d = sweep.shown(c);
        std::string scen;
        for (uint32_t i : d.scenario) scen += (scen.empty() ? "" : "; ") + shown.cm->describe(i);
        json where = json::array();
        for (const auto& [k, n] : c.found_in) where.push_back(format_configuration(sweep.runs[k].config));
        b["divergences"].push_back({{"signature", d.signature}, {"shortest_scenario", scen},
                                    {"scenario_configuration", format_configuration(shown.config)},
                                    {"configurations", where}});
    }
    return b.dump(2) + "\n";
}

size_t new_divergences(const explorer::ConformResult& r) {
    size_t fresh = 0;
    for (const auto& d : r.divergences) fresh += !d.in_baseline;
    return fresh;
}

}  // namespace stateproof::cli
