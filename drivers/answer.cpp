#include "drivers/answer.h"

#include <nlohmann/json.hpp>

#include "spec/diagnostics.h"
#include "spec/trace.h"

namespace stateproof::drivers {

using namespace stateproof::spec;
using nlohmann::json;

namespace {

[[noreturn]] void failed(std::string kind, const std::string& detail) {
    throw BadAnswer{{std::move(kind), detail}};
}

}  // namespace

void read_answer(const CompiledMachine& cm, const std::string& line, const explorer::Scenario& sc, uint64_t id,
                 std::vector<ObservedStep>& obs) {
    const Machine& m = cm.machine();
    std::string shown = line.size() > 200 ? line.substr(0, 200) + "..." : line;
    json reply = json::parse(line, nullptr, false);
    if (reply.is_discarded()) failed("protocol: an answer is not JSON", shown);
    if (!reply.is_object() || !reply.contains("op") || !reply["op"].is_string())
        failed("protocol: an answer is not {\"op\": ...}", shown);
    std::string op = reply["op"].get<std::string>();
    if (op == "error")
        failed("driver error", reply.contains("message") && reply["message"].is_string() ? reply["message"].get<std::string>() : shown);
    if (op != "trace") failed("protocol: an answer that is not a trace", shown);
    // Answers come in order: the next one is for the first scenario not answered.
    if (!reply.contains("id") || reply["id"] != json(id))
        failed("protocol: an answer out of order",
               "an answer for scenario id " + reply.value("id", json()).dump() + " when " + std::to_string(id) + " was next");
    if (reply.contains("unsupported")) {
        if (!reply["unsupported"].is_string()) failed("protocol: \"unsupported\" is not a string", shown);
        ObservedStep s;
        s.action = cm.instance(sc[0]).action;
        s.args = cm.instance(sc[0]).args;
        s.stopped = "unsupported: " + reply["unsupported"].get<std::string>();
        obs.push_back(s);
        return;
    }
    if (!reply.contains("steps") || !reply["steps"].is_array()) failed("protocol: an answer without \"steps\"", shown);
    const json& steps = reply["steps"];
    if (steps.size() > sc.size())
        failed("protocol: more steps than the scenario has",
               std::to_string(steps.size()) + " steps answered for a scenario of " + std::to_string(sc.size()));
    for (size_t j = 0; j < steps.size(); ++j) {
        ObservedStep s;
        s.action = cm.instance(sc[j]).action;
        s.args = cm.instance(sc[j]).args;
        const json& st = steps[j];
        if (!st.is_object()) failed("protocol: a step is not a JSON object", shown);
        std::string where = "step " + std::to_string(j + 1);
        if (st.contains("events")) {
            try {
                s.events = events_from_json(m, st["events"], where);
            } catch (const UsageError& e) {
                failed("protocol: malformed events", e.what());
            }
        }
        for (const char* key : {"inapplicable", "unsupported"}) {
            if (!st.contains(key)) continue;
            if (!st[key].is_string()) failed(std::string("protocol: \"") + key + "\" is not a string", shown);
            s.stopped = std::string(key) + ": " + st[key].get<std::string>();
        }
        bool stopped = !s.stopped.empty();
        obs.push_back(std::move(s));
        if (stopped) break;
    }
}

}  // namespace stateproof::drivers
