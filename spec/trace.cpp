#include "spec/trace.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spec/json_error.h"
#include "spec/json_stream.h"

namespace stateproof::spec {

using nlohmann::json;

namespace {

json scalar_json(const Machine& m, TypeId t, int32_t v) {
    const Type& ty = m.types[t];
    switch (ty.kind) {
    case Type::Kind::Bool: return json(v != 0);
    case Type::Kind::Enum: return json(m.format_value(t, v));
    default: return json(v);
    }
}

// Writes the value of type `t` whose scalars start at state[pos].
json value_json(const Machine& m, TypeId t, const StateValues& state, uint32_t& pos) {
    const Type& ty = m.types[t];
    switch (ty.kind) {
    case Type::Kind::Array: {
        json pairs = json::array();
        const Type& it = m.types[ty.index];
        for (int64_t i = it.lo; i <= it.hi; ++i)
            pairs.push_back(json::array({scalar_json(m, ty.index, int32_t(i)), value_json(m, ty.elem, state, pos)}));
        return json{{"#map", pairs}};
    }
    case Type::Kind::Record: {
        json obj = json::object();
        for (const auto& f : ty.fields) obj[f.name] = value_json(m, f.type, state, pos);
        return obj;
    }
    default:
        return scalar_json(m, t, state[pos++]);
    }
}

[[noreturn]] void bad(const std::string& source, const std::string& where, const std::string& msg) {
    throw UsageError(source + ": " + where + ": " + msg);
}

// For an ITF args object with more keys than `params`: names the first
// key that is not a parameter of `owner`.
std::string unknown_argument(const json& args, const std::vector<Param>& params, const std::string& owner) {
    for (const auto& item : args.items()) {
        const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
        if (std::none_of(params.begin(), params.end(), [&](const Param& p) { return p.name == key; }))
            return "unknown argument '" + key + "' of " + owner;
    }
    return "too many arguments of " + owner;
}

// The value `j` denotes in type `t`, if it is one.
std::optional<int32_t> scalar_value(const Machine& m, TypeId t, const json& j) {
    const Type& ty = m.types[t];
    std::optional<int32_t> v;
    switch (ty.kind) {
    case Type::Kind::Bool:
        if (j.is_boolean()) v = j.get<bool>() ? 1 : 0;
        break;
    case Type::Kind::Enum:
        if (j.is_string()) v = m.parse_value(t, j.get<std::string>());
        break;
    default:
        if (j.is_number_integer()) {
            int64_t x = j.get<int64_t>();
            if (x >= ty.lo && x <= ty.hi) v = int32_t(x);
        } else if (j.is_object() && j.contains("#bigint") && j["#bigint"].is_string()) {
            v = m.parse_value(t, j["#bigint"].get<std::string>());
        }
        break;
    }
    return v;
}

int32_t scalar_from(const Machine& m, TypeId t, const json& j, const std::string& source, const std::string& where) {
    std::optional<int32_t> v = scalar_value(m, t, j);
    if (!v) bad(source, where, "value " + j.dump() + " is not in " + m.type_name(t));
    return *v;
}

void value_from(const Machine& m, TypeId t, const json& j, StateValues& out, const std::string& source,
                const std::string& where) {
    const Type& ty = m.types[t];
    switch (ty.kind) {
    case Type::Kind::Array: {
        if (!j.is_object() || !j.contains("#map") || !j["#map"].is_array())
            bad(source, where, "expected an array as {\"#map\": [[index, value], ...]}");
        const Type& it = m.types[ty.index];
        std::vector<const json*> slots(it.domain_size(), nullptr);
        for (const json& pair : j["#map"]) {
            if (!pair.is_array() || pair.size() != 2) bad(source, where, "a #map entry must be [index, value]");
            int32_t k = scalar_from(m, ty.index, pair[0], source, where + " index");
            slots[size_t(k - it.lo)] = &pair[1];
        }
        for (size_t k = 0; k < slots.size(); ++k) {
            std::string w = where + "[" + m.format_value(ty.index, it.lo + int32_t(k)) + "]";
            if (!slots[k]) bad(source, w, "missing array element");
            value_from(m, ty.elem, *slots[k], out, source, w);
        }
        return;
    }
    case Type::Kind::Record:
        if (!j.is_object()) bad(source, where, "expected a record (JSON object)");
        for (const auto& f : ty.fields) {
            if (!j.contains(f.name)) bad(source, where, "missing field '" + f.name + "'");
            value_from(m, f.type, j[f.name], out, source, where + "." + f.name);
        }
        return;
    default:
        out.push_back(scalar_from(m, t, j, source, where));
    }
}

}  // namespace

std::string describe_call(const Machine& m, uint32_t action, const std::vector<int32_t>& args) {
    const Action& a = m.actions[action];
    std::string s = a.name + "(";
    for (size_t k = 0; k < a.params.size(); ++k) {
        if (k) s += ", ";
        s += a.params[k].name + "=" + m.format_value(a.params[k].type, args[k]);
    }
    return s + ")";
}

EventValue foreign_event(std::string name, std::vector<std::pair<std::string, std::string>> args) {
    EventValue e;
    e.foreign_name = std::move(name);
    e.foreign_args = std::move(args);
    return e;
}

std::string describe_event(const Machine& m, const EventValue& e) {
    if (e.foreign()) {
        std::string s = e.foreign_name;
        if (!e.foreign_args.empty()) {
            s += "(";
            for (size_t k = 0; k < e.foreign_args.size(); ++k) {
                json v = json::parse(e.foreign_args[k].second, nullptr, false);
                s += (k ? ", " : "") + (v.is_string() ? v.get<std::string>() : e.foreign_args[k].second);
            }
            s += ")";
        }
        return s;
    }
    const EventDef& d = m.events[e.event];
    std::string s = d.name;
    if (!d.params.empty()) {
        s += "(";
        for (size_t k = 0; k < d.params.size(); ++k) {
            if (k) s += ", ";
            s += m.format_value(d.params[k].type, e.args[k]);
        }
        s += ")";
    }
    return s;
}

json var_to_json(const Machine& m, uint32_t var, const StateValues& state) {
    uint32_t pos = m.vars[var].first_scalar;
    return value_json(m, m.vars[var].type, state, pos);
}

static json itf_document(const Machine& m, const std::string& description) {
    json doc;
    doc["#meta"] = {{"format", "ITF"},
                    {"format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html"},
                    {"source", m.source ? m.source->name : std::string()},
                    {"machine", m.name}};
    if (!description.empty()) doc["#meta"]["description"] = description;
    // The constants it was found with, so `replay` can rebuild the same machine.
    json consts = json::object();
    for (const ConstValue& c : m.consts) consts[c.name] = m.format_value(c.type, c.value);
    if (!consts.empty()) doc["#meta"]["consts"] = consts;
    json vars = json::array();
    for (const auto& v : m.vars) vars.push_back(v.name);
    doc["vars"] = vars;
    doc["states"] = json::array();
    return doc;
}

static json itf_state(const Machine& m, const Trace& t, size_t i) {
    const Step& s = t.steps[i];
    json st;
    json meta = {{"index", i}};
    if (s.action != Step::kInitial) {
        const Action& a = m.actions[s.action];
        meta["action"] = a.name;
        json args = json::object();
        for (size_t k = 0; k < a.params.size(); ++k) args[a.params[k].name] = scalar_json(m, a.params[k].type, s.args[k]);
        meta["args"] = args;
        json events = json::array();
        for (const EventValue& e : s.events) {
            const EventDef& d = m.events[e.event];
            json eargs = json::object();
            for (size_t k = 0; k < d.params.size(); ++k) eargs[d.params[k].name] = scalar_json(m, d.params[k].type, e.args[k]);
            events.push_back({{"event", d.name}, {"args", eargs}});
        }
        meta["events"] = events;
    }
    st["#meta"] = meta;
    for (uint32_t v = 0; v < m.vars.size(); ++v) st[m.vars[v].name] = var_to_json(m, v, s.state);
    return st;
}

json to_itf(const Machine& m, const Trace& t, const std::string& description) {
    json doc = itf_document(m, description);
    for (size_t i = 0; i < t.steps.size(); ++i) doc["states"].push_back(itf_state(m, t, i));
    return doc;
}

json itf_streamed(const Machine& m, const Trace& t, const std::string& description, StreamedJson& out) {
    json doc = itf_document(m, description);
    doc["states"] = out.defer(t.steps.size(), [&m, &t](size_t i) { return itf_state(m, t, i); });
    return doc;
}

Trace from_itf(const Machine& m, const json& itf, const std::string& source) {
    if (!itf.is_object() || !itf.contains("states") || !itf["states"].is_array())
        throw UsageError(source + ": not an ITF trace (no \"states\" array)");
    Trace t;
    const json& states = itf["states"];
    for (size_t i = 0; i < states.size(); ++i) {
        const json& st = states[i];
        std::string where = "state " + std::to_string(i);
        if (!st.is_object()) bad(source, where, "a state must be a JSON object");
        Step s;
        for (const auto& [key, value] : st.items()) {
            if (key == "#meta") continue;
            if (!m.find_var(key)) bad(source, where, "unknown variable '" + key + "'");
        }
        for (const auto& v : m.vars) {
            if (!st.contains(v.name)) bad(source, where, "missing variable '" + v.name + "'");
            value_from(m, v.type, st[v.name], s.state, source, where + ": " + v.name);
        }
        if (st.contains("#meta") && st["#meta"].is_object() && st["#meta"].contains("action")) {
            const json& meta = st["#meta"];
            if (!meta["action"].is_string()) bad(source, where, "#meta.action must be a string");
            auto a = m.find_action(meta["action"].get<std::string>());
            if (!a) bad(source, where, "unknown action '" + meta["action"].get<std::string>() + "'");
            s.action = *a;
            const Action& act = m.actions[*a];
            json args = meta.contains("args") ? meta["args"] : json::object();
            if (!args.is_object()) bad(source, where, "#meta.args must be an object");
            for (const auto& p : act.params) {
                if (!args.contains(p.name)) bad(source, where, "missing argument '" + p.name + "' of " + act.name);
                s.args.push_back(scalar_from(m, p.type, args[p.name], source, where + ": argument " + p.name));
            }
            if (args.size() > act.params.size()) bad(source, where, unknown_argument(args, act.params, act.name));
            if (meta.contains("events")) {
                if (!meta["events"].is_array()) bad(source, where, "#meta.events must be an array");
                for (const json& e : meta["events"]) {
                    if (!e.is_object() || !e.contains("event") || !e["event"].is_string())
                        bad(source, where, "an event needs a name: {\"event\": NAME, \"args\": {...}}");
                    auto ev = m.find_event(e["event"].get<std::string>());
                    if (!ev) bad(source, where, "unknown event '" + e["event"].get<std::string>() + "'");
                    EventValue val{*ev, {}};
                    json eargs = e.contains("args") ? e["args"] : json::object();
                    const EventDef& decl = m.events[*ev];
                    // Checked even for an event without parameters: a recorder
                    // that writes args wrongly is wrong everywhere.
                    if (!eargs.is_object()) bad(source, where, "the args of event " + decl.name + " must be an object");
                    for (const auto& p : decl.params) {
                        if (!eargs.contains(p.name))
                            bad(source, where, "missing argument '" + p.name + "' of event " + decl.name);
                        val.args.push_back(scalar_from(m, p.type, eargs[p.name], source, where + ": event argument " + p.name));
                    }
                    if (eargs.size() > decl.params.size())
                        bad(source, where, unknown_argument(eargs, decl.params, "event " + decl.name));
                    s.events.push_back(std::move(val));
                }
            }
        } else if (i > 0) {
            bad(source, where, "#meta.action is missing (every state after the first names the action that led to it)");
        }
        t.steps.push_back(std::move(s));
    }
    return t;
}

}  // namespace stateproof::spec

// ---------------------------------------------------------------- JSON-lines traces
namespace stateproof::spec {

namespace {

json args_json(const Machine& m, const std::vector<Param>& params, const std::vector<int32_t>& values) {
    json a = json::object();
    for (size_t k = 0; k < params.size(); ++k) a[params[k].name] = scalar_json(m, params[k].type, values[k]);
    return a;
}

std::vector<int32_t> args_from(const Machine& m, const std::vector<Param>& params, const json& j,
                               const std::string& where, const std::string& owner) {
    if (!j.is_object()) throw UsageError(where + ": \"args\" of " + owner + " must be a JSON object");
    for (const auto& item : j.items()) {
        // Not a structured binding: clang 14 (the fuzz build's) cannot capture one in a lambda.
        const std::string& key = item.key();
        bool known = std::any_of(params.begin(), params.end(), [&](const Param& p) { return p.name == key; });
        if (!known) throw UsageError(where + ": " + owner + " has no parameter '" + key + "'");
    }
    std::vector<int32_t> out;
    for (const auto& p : params) {
        if (!j.contains(p.name)) throw UsageError(where + ": missing argument '" + p.name + "' of " + owner);
        out.push_back(scalar_from(m, p.type, j[p.name], where, "argument '" + p.name + "' of " + owner));
    }
    return out;
}

}  // namespace

json header_to_json(const TraceHeader& h) {
    json consts = json::object();
    for (const auto& [k, v] : h.consts) consts[k] = v;
    return {{"stateproof_trace", kTraceFormatVersion}, {"spec", h.spec}, {"machine", h.machine},
            {"consts", consts}, {"implementation", h.implementation}};
}

json step_to_json(const Machine& m, const ObservedStep& s) {
    const Action& a = m.actions[s.action];
    json events = json::array();
    for (const EventValue& e : s.events) {
        if (e.foreign()) {
            json args = json::object();
            for (const auto& [k, v] : e.foreign_args) args[k] = json::parse(v, nullptr, false);
            events.push_back({{"event", e.foreign_name}, {"args", args}});
            continue;
        }
        events.push_back({{"event", m.events[e.event].name}, {"args", args_json(m, m.events[e.event].params, e.args)}});
    }
    json j = {{"action", a.name}, {"args", args_json(m, a.params, s.args)}, {"events", events}};
    if (!s.stopped.empty()) j["stopped"] = s.stopped;
    return j;
}

std::vector<EventValue> events_from_json(const Machine& m, const json& j, const std::string& where) {
    if (!j.is_array()) throw UsageError(where + ": \"events\" must be a JSON array");
    std::vector<EventValue> out;
    for (const json& e : j) {
        if (!e.is_object() || !e.contains("event") || !e["event"].is_string())
            throw UsageError(where + ": an event is {\"event\": NAME, \"args\": {...}}");
        std::string name = e["event"].get<std::string>();
        const json& args = e.contains("args") ? e["args"] : json::object();
        if (!args.is_object()) throw UsageError(where + ": \"args\" of event " + name + " must be a JSON object");
        std::vector<std::pair<std::string, std::string>> reported;
        for (const auto& [key, value] : args.items()) {
            if (value.is_structured())
                throw UsageError(where + ": argument '" + key + "' of event " + name +
                                 " must be a string, number or boolean, not " + value.dump().substr(0, 80));
            reported.emplace_back(key, value.dump());
        }
        // The spec's event when every argument is one of its values; what the
        // implementation said, verbatim, otherwise.
        std::optional<EventValue> known;
        if (auto id = m.find_event(name); id && args.size() == m.events[*id].params.size()) {
            known = EventValue{*id, {}};
            for (const Param& p : m.events[*id].params) {
                std::optional<int32_t> v = args.contains(p.name) ? scalar_value(m, p.type, args[p.name]) : std::nullopt;
                if (!v) {
                    known.reset();
                    break;
                }
                known->args.push_back(*v);
            }
        }
        if (!known && m.find_event(name)) {
            // A spec event with a value outside its domain: its arguments in
            // the spec's order, as the spec's own events print, then any it
            // does not declare (JSON objects come in key order).
            const auto& params = m.events[*m.find_event(name)].params;
            auto rank = [&](const std::string& key) {
                auto at = std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.name == key; });
                return size_t(at - params.begin());
            };
            std::stable_sort(reported.begin(), reported.end(),
                             [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
        }
        out.push_back(known ? std::move(*known) : foreign_event(name, std::move(reported)));
    }
    return out;
}

ObservedStep step_from_json(const Machine& m, const json& j, const std::string& where) {
    if (!j.is_object() || !j.contains("action") || !j["action"].is_string())
        throw UsageError(where + ": a step is {\"action\": NAME, \"args\": {...}, \"events\": [...]}");
    ObservedStep s;
    std::string name = j["action"].get<std::string>();
    auto a = m.find_action(name);
    if (!a) throw UsageError(where + ": unknown action '" + name + "' (machine " + m.name + ")");
    s.action = *a;
    s.args = args_from(m, m.actions[*a].params, j.contains("args") ? j["args"] : json::object(), where, "action " + name);
    if (j.contains("events")) s.events = events_from_json(m, j["events"], where);
    if (j.contains("stopped")) {
        if (!j["stopped"].is_string()) throw UsageError(where + ": \"stopped\" must be a string");
        s.stopped = j["stopped"].get<std::string>();
    }
    return s;
}

// A trace file, or a trace in memory (then `f` is null).
struct TraceReader::File {
    std::FILE* f = nullptr;
    std::string text;
    size_t pos = 0;
    ~File() {
        if (f) std::fclose(f);
    }
    int get() {
        if (f) return std::fgetc(f);
        return pos < text.size() ? static_cast<unsigned char>(text[pos++]) : EOF;
    }
    bool error() const { return f && std::ferror(f); }
};

// A header's "consts": {"NAME": VALUE} with VALUE as --const takes it (a
// string, or an integer or bool written as JSON). Anything else is an error
// of the header, not silently a trace without constants.
static std::vector<std::pair<std::string, std::string>> header_consts(const json& consts, const std::string& where) {
    if (!consts.is_object())
        throw UsageError(where + ": the header's \"consts\" must be an object {\"NAME\": VALUE, ...}, not " +
                         std::string(consts.type_name()));
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [k, v] : consts.items()) {
        if (v.is_string()) out.emplace_back(k, v.get<std::string>());
        else if (v.is_number_integer() || v.is_boolean()) out.emplace_back(k, v.dump());
        else
            throw UsageError(where + ": the header's constant " + k + " must be a string, an integer or a bool, not " +
                             (v.is_primitive() ? v.dump() : "an " + std::string(v.type_name())));
    }
    return out;
}

TraceReader::TraceReader(std::string path) : path_(std::move(path)), file_(std::make_unique<File>()) {
    file_->f = std::fopen(path_.c_str(), "rb");
    if (!file_->f) throw UsageError(path_ + ": cannot open trace file");
    read_header();
}

TraceReader::TraceReader(std::string name, std::string text) : path_(std::move(name)), file_(std::make_unique<File>()) {
    file_->text = std::move(text);
    read_header();
}

void TraceReader::read_header() {
    std::string first;
    while (read_line(first)) {
        if (first.find_first_not_of(" \t\r") == std::string::npos) continue;
        json j;
        try {
            j = json::parse(first);
        } catch (const json::exception& e) {
            JsonSyntaxError where = describe_json_error(e, first);
            throw UsageError(path_ + ":" + std::to_string(line_) + ":" + std::to_string(where.column) +
                             ": not JSON: " + where.what);
        }
        if (j.is_object() && j.contains("stateproof_trace")) {
            if (!j["stateproof_trace"].is_number_integer() || j["stateproof_trace"].get<int>() != kTraceFormatVersion)
                throw UsageError(path_ + ":" + std::to_string(line_) + ": unsupported trace format version " +
                                 j["stateproof_trace"].dump() + " (this stateproof reads version " +
                                 std::to_string(kTraceFormatVersion) + ")");
            TraceHeader h;
            auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
            h.spec = str("spec");
            h.machine = str("machine");
            h.implementation = str("implementation");
            h.where = path_ + ":" + std::to_string(line_);
            if (j.contains("consts")) h.consts = header_consts(j["consts"], h.where);
            header_ = h;
        } else {
            pending_ = first;
            has_pending_ = true;
        }
        break;
    }
}

TraceReader::~TraceReader() = default;

bool TraceReader::read_line(std::string& line) {
    line.clear();
    int c;
    bool any = false;
    while ((c = file_->get()) != EOF) {
        any = true;
        if (c == '\n') break;
        line.push_back(char(c));
        if (line.size() > (64u << 20)) throw UsageError(path_ + ":" + std::to_string(line_ + 1) + ": line longer than 64 MiB");
    }
    if (file_->error()) throw UsageError(path_ + ": read error");
    if (!any) return false;
    ++line_;
    return true;
}

bool TraceReader::next(const Machine& m, ObservedStep& out) {
    std::string text;
    uint64_t line;
    if (has_pending_) {
        text = std::move(pending_);
        has_pending_ = false;
        line = line_;
    } else {
        do {
            if (!read_line(text)) return false;
        } while (text.find_first_not_of(" \t\r") == std::string::npos);
        line = line_;
    }
    std::string where = path_ + ":" + std::to_string(line);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        JsonSyntaxError at = describe_json_error(e, text);
        throw UsageError(where + ":" + std::to_string(at.column) + ": not JSON: " + at.what);
    }
    out = step_from_json(m, j, where);
    out.line = line;
    return true;
}

}  // namespace stateproof::spec

// ---------------------------------------------------------------- ITF traces to replay
namespace stateproof::spec {

static std::optional<ItfTrace> read_itf(const std::string& path, std::istream& in) {
    char c = 0;
    while (in.get(c) && std::isspace(static_cast<unsigned char>(c))) {
    }
    if (c != '{') return std::nullopt;
    in.seekg(0);
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::exception& e) {
        // A JSON-lines trace is not one document: its first line is a whole
        // JSON value and the parse fails after it. A document that fails
        // inside its first line or later (a truncated ITF file) is reported
        // where it fails, not as a JSON-lines trace at its first line.
        in.clear();
        in.seekg(0);
        std::string first;
        while (std::getline(in, first) && first.find_first_not_of(" \t\r") == std::string::npos) {
        }
        if (json::accept(first)) return std::nullopt;
        JsonSyntaxError at = describe_json_error(e, in);
        throw UsageError(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) +
                         ": not JSON: " + at.what);
    }
    if (!doc.is_object() || !doc.contains("states") || !doc.contains("#meta")) return std::nullopt;
    ItfTrace t;
    t.path = path;
    const json& meta = doc["#meta"];
    if (meta.is_object()) {
        if (meta.contains("machine") && meta["machine"].is_string()) t.header.machine = meta["machine"].get<std::string>();
        t.header.where = path + ": #meta";
        if (meta.contains("consts")) t.header.consts = header_consts(meta["consts"], t.header.where);
    }
    t.header.implementation = "counterexample (ITF)";
    t.doc = std::make_shared<const json>(std::move(doc));
    return t;
}

std::optional<ItfTrace> read_itf_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return read_itf(path, in);
}

std::optional<ItfTrace> read_itf_text(const std::string& name, const std::string& text) {
    std::istringstream in(text);
    return read_itf(name, in);
}

ItfBehaviour itf_behaviour(const Machine& m, const ItfTrace& itf) {
    Trace t = from_itf(m, *itf.doc, itf.path);
    ItfBehaviour out;
    if (t.steps.empty()) return out;
    out.initial = std::move(t.steps[0].state);
    for (size_t k = 1; k < t.steps.size(); ++k) {
        ObservedStep s;
        s.action = t.steps[k].action;
        s.args = std::move(t.steps[k].args);
        s.events = std::move(t.steps[k].events);
        s.state = std::move(t.steps[k].state);
        s.line = k;  // ITF has no lines; the state index stands in
        out.steps.push_back(std::move(s));
    }
    return out;
}

std::vector<VarDifference> state_difference(const Machine& m, const StateValues& recorded, const StateValues& spec_state) {
    std::vector<VarDifference> out;
    for (uint32_t v = 0; v < m.vars.size(); ++v) {
        json a = var_to_json(m, v, recorded), b = var_to_json(m, v, spec_state);
        if (a != b) out.push_back({m.vars[v].name, a.dump(), b.dump()});
    }
    return out;
}

}  // namespace stateproof::spec
