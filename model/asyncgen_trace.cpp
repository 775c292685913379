#include "model/asyncgen_trace.h"

#include <nlohmann/json.hpp>

namespace stateproof::model {

std::string AsyncGenTrace::to_json_lines() const {
    static const char* kinds[] = {"call", "step", "dropped", "resumed", "thrown_in", "reaction", "hook", "finalized"};
    std::string out;
    for (const auto& e : events) {
        nlohmann::json j = {{"kind", kinds[int(e.kind)]}};
        if (!e.what.empty()) j["what"] = e.what;
        if (e.awaitable >= 0) j["awaitable"] = e.awaitable;
        if (!e.arg.empty()) j["arg"] = e.arg;
        if (!e.result.empty()) j["result"] = e.result;
        out += j.dump() + "\n";
    }
    return out;
}

}  // namespace stateproof::model
