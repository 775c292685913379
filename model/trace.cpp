#include "model/trace.h"

#include <nlohmann/json.hpp>

namespace stateproof::model {

namespace {
thread_local Trace* current = nullptr;
}

const char* event_name(EventKind k) {
    switch (k) {
        case EventKind::LookupGetattribute: return "LOOKUP_GETATTRIBUTE";
        case EventKind::CallGetattribute: return "CALL_GETATTRIBUTE";
        case EventKind::DescrGet: return "DESCR_GET";
        case EventKind::DictHit: return "DICT_HIT";
        case EventKind::TypeHit: return "TYPE_HIT";
        case EventKind::Raise: return "RAISE";
        case EventKind::CallGetattr: return "CALL_GETATTR";
        case EventKind::CallGetitem: return "CALL_GETITEM";
        case EventKind::SqItem: return "SQ_ITEM";
        case EventKind::CallClassGetitem: return "CALL_CLASS_GETITEM";
        case EventKind::GenericAlias: return "GENERIC_ALIAS";
    }
    return "?";
}

std::string Trace::to_json_lines() const {
    std::string out;
    for (const TraceEvent& e : events) out += nlohmann::json{{"event", event_name(e.kind)}, {"arg", e.arg}}.dump() + "\n";
    return out;
}

TraceRecording::TraceRecording(Trace& trace) : outer_(current) { current = &trace; }
TraceRecording::~TraceRecording() { current = outer_; }

void record(EventKind kind, std::string arg) {
    if (current) current->events.push_back({kind, std::move(arg)});
}

}  // namespace stateproof::model
