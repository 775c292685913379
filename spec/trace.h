#pragma once
// Traces as values (the counterexample every engine produces, the behaviour
// replay checks), and their JSON form in the Informal Trace Format (ITF) that
// Apalache and Quint use. Printers for people live in cli/.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "spec/ir.h"
#include "spec/state.h"

namespace stateproof::spec {

/// An emitted event with its argument values.
///
/// An implementation may report an event outside the spec's vocabulary: a
/// name the spec has no event for, or an argument that is missing, unknown or
/// outside its domain. Such an event is kept verbatim as a *foreign* event
/// (`event == kForeign`): it equals no event the spec can emit, so the step
/// that observed it is a divergence, reported with what the implementation
/// actually said. It is never an error of the checker's input.
struct EventValue {
    static constexpr uint32_t kForeign = UINT32_MAX;
    EventValue() = default;
    EventValue(uint32_t event, std::vector<int32_t> args) : event(event), args(std::move(args)) {}

    uint32_t event = kForeign;
    std::vector<int32_t> args;
    /// Foreign events only: the name as reported, and each argument's name
    /// with its value as JSON text, in the order reported.
    std::string foreign_name;
    std::vector<std::pair<std::string, std::string>> foreign_args;

    bool foreign() const { return event == kForeign; }
    bool operator==(const EventValue&) const = default;
};

/// A foreign event (see EventValue): `args` pairs an argument's name with its
/// value as JSON text (`"\"Other:KeyError:'x'\""`, `3`, `true`).
EventValue foreign_event(std::string name, std::vector<std::pair<std::string, std::string>> args);

/// One step of a trace: the action taken (none for the initial state), its
/// arguments, what it emitted, and the state after it.
struct Step {
    static constexpr uint32_t kInitial = UINT32_MAX;
    uint32_t action = kInitial;
    std::vector<int32_t> args;
    std::vector<EventValue> events;
    StateValues state;
    bool operator==(const Step&) const = default;
};

/// A behaviour of a machine: steps[0] is an initial state.
struct Trace {
    std::vector<Step> steps;
    bool operator==(const Trace&) const = default;
    /// Number of actions taken (steps minus the initial state).
    size_t length() const { return steps.empty() ? 0 : steps.size() - 1; }
};

/// The ITF JSON of a trace: `vars` are the machine's state variables, each
/// state holds their values (records as objects, arrays as `{"#map": ...}`,
/// enums as strings), and each state's `#meta` names the action, arguments
/// and events that led to it.
nlohmann::json to_itf(const Machine& m, const Trace& t, const std::string& description = {});

class StreamedJson;
/// The same document with its states deferred to `out` (spec/json_stream.h):
/// written one state at a time, for a counterexample too long to hold as one
/// JSON tree. `m` and `t` must live until `out` has written it.
nlohmann::json itf_streamed(const Machine& m, const Trace& t, const std::string& description, StreamedJson& out);

/// Reads an ITF trace back. Throws UsageError naming `source` and the state
/// index on anything that does not fit the machine (unknown variable or
/// action, value out of its domain, missing field).
Trace from_itf(const Machine& m, const nlohmann::json& itf, const std::string& source);

/// `name(p=v, q=w)`: an action with its arguments, for people.
std::string describe_call(const Machine& m, uint32_t action, const std::vector<int32_t>& args);
/// `Name(v, w)`: an event with its arguments, for people. A foreign event is
/// shown as reported, string values without their quotes.
std::string describe_event(const Machine& m, const EventValue& e);

/// The value of state variable `var` in `state` as ITF JSON.
nlohmann::json var_to_json(const Machine& m, uint32_t var, const StateValues& state);

// ---------------------------------------------------------------- JSON-lines traces
// What an implementation did, one step a line (docs/trace-format.md):
//   {"stateproof_trace": 1, "spec": ..., "machine": ..., "consts": {...}, "implementation": ...}
//   {"action": "anext", "args": {"s": 0}, "events": [{"event": "NewAwaitable", "args": {"s": 0}}]}
// Names and values are the spec's own, so any implementation that can write
// JSON can be checked.

inline constexpr int kTraceFormatVersion = 1;

struct TraceHeader {
    std::string spec;
    std::string machine;
    std::string implementation;
    std::vector<std::pair<std::string, std::string>> consts;  ///< as --const NAME=VALUE text
    /// Where the header is, for errors about it: "trace.jsonl:1", or
    /// "cex.itf.json: #meta".
    std::string where;
};

/// One step an implementation took and what it observed.
struct ObservedStep {
    uint32_t action = 0;
    std::vector<int32_t> args;
    std::vector<EventValue> events;
    /// Set when the implementation could not take the step ("inapplicable:
    /// ..." or "unsupported: ..."); the trace ends there.
    std::string stopped;
    uint64_t line = 0;  ///< 1-based line in the trace file (0 if not from a file)
    /// The state after the step as the trace records it (an ITF trace does,
    /// a JSON-lines trace does not): replay keeps only the spec states equal
    /// to it, so a counterexample whose values were edited does not conform.
    std::optional<StateValues> state;
};

/// A state variable whose value differs between a recorded state and the
/// spec's, each value as ITF JSON text.
struct VarDifference {
    std::string var;
    std::string recorded;
    std::string spec;
    bool operator==(const VarDifference&) const = default;
};

/// The variables whose values differ between `recorded` and `spec_state`, in
/// declaration order.
std::vector<VarDifference> state_difference(const Machine& m, const StateValues& recorded, const StateValues& spec_state);

/// JSON for one step (the trace line) and one header.
nlohmann::json step_to_json(const Machine& m, const ObservedStep& s);
nlohmann::json header_to_json(const TraceHeader& h);

/// Events from their JSON form ([{"event": NAME, "args": {...}}]). An event
/// the spec has no name or value for is a foreign event, not an error; only
/// what is not events at all (not an array of such objects, arguments that
/// are not an object of scalars) throws UsageError naming `where`.
std::vector<EventValue> events_from_json(const Machine& m, const nlohmann::json& j, const std::string& where);

/// Reads a JSON-lines trace one step at a time, so memory does not grow with
/// the trace. Every malformed line (bad JSON, unknown action, missing or
/// out-of-domain action argument, events that are not events) is a UsageError
/// naming the file and line; an event outside the spec's vocabulary is read
/// as a foreign event, for replay to report as a non-conforming step.
class TraceReader {
  public:
    /// Opens `path` and reads the header line (which is optional: a trace may
    /// start with its first step). Throws UsageError if the file cannot be read.
    explicit TraceReader(std::string path);
    /// The same, from `text` in memory; `name` stands for the path in errors.
    TraceReader(std::string name, std::string text);
    ~TraceReader();
    TraceReader(const TraceReader&) = delete;
    TraceReader& operator=(const TraceReader&) = delete;

    const std::optional<TraceHeader>& header() const { return header_; }
    const std::string& path() const { return path_; }

    /// Parses the next step against machine `m`; false at the end of the file.
    bool next(const Machine& m, ObservedStep& out);

  private:
    void read_header();
    bool read_line(std::string& line);
    std::string path_;
    struct File;
    std::unique_ptr<File> file_;
    std::optional<TraceHeader> header_;
    std::string pending_;  // a first line that was a step, not a header
    bool has_pending_ = false;
    uint64_t line_ = 0;
};

/// Parses one step from its JSON (a trace line); `where` names it in errors.
ObservedStep step_from_json(const Machine& m, const nlohmann::json& j, const std::string& where);

// ---------------------------------------------------------------- ITF traces to replay
// A counterexample written by `check --cex` (one ITF JSON document) is a
// trace too: its header comes from "#meta", its steps from the states' meta.

struct ItfTrace {
    std::string path;
    TraceHeader header;
    /// The whole document; its steps are read once the machine (which the
    /// header's constants choose) is known. A shared_ptr, so that this header
    /// needs only json_fwd.hpp.
    std::shared_ptr<const nlohmann::json> doc;
};

/// The ITF counterexample at `path`, or nullopt if the file is not one: a
/// JSON-lines trace (whose first line is a whole JSON value), or a file that
/// cannot be read (TraceReader says so). Throws UsageError naming the line
/// and column for one JSON document that is not valid JSON (a truncated ITF
/// file), and for a "#meta" whose "consts" is not as a header's must be.
std::optional<ItfTrace> read_itf_file(const std::string& path);
/// The same, from `text` in memory; `name` stands for the path in errors.
std::optional<ItfTrace> read_itf_text(const std::string& name, const std::string& text);

/// An ITF trace as a recorded behaviour: the initial state it records, and
/// its steps as an implementation's, each with the state it records after it.
struct ItfBehaviour {
    StateValues initial;
    std::vector<ObservedStep> steps;
};

/// The behaviour an ITF trace records, for replay; a step's `line` is its
/// state index, since ITF has no lines. Throws UsageError naming the file on
/// anything that does not fit machine `m` (see from_itf).
ItfBehaviour itf_behaviour(const Machine& m, const ItfTrace& itf);

}  // namespace stateproof::spec
