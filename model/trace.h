#pragma once
// The lookup trace: each hook and descriptor call the model makes, in order
// (semantics.md 5, "Observable events for a model"), written as JSON lines.
//
// Recording is scoped: while a TraceRecording is alive on this thread, the
// lookups append to its trace. Callables written by users of the model (a
// __getattribute__ that calls object.__getattribute__) need no trace
// parameter that way.

#include <string>
#include <vector>

namespace stateproof::model {

enum class EventKind {
    LookupGetattribute,  ///< the slot found type(obj).__getattribute__ (arg: type(obj))
    CallGetattribute,    ///< ... and it is not object's / type's, so it is called (arg: type(obj))
    DescrGet,            ///< a descriptor's __get__ is called (arg: type(descriptor))
    DictHit,             ///< the instance dict held the name (arg: the name)
    TypeHit,             ///< a plain class attribute (arg: the class whose MRO held it)
    Raise,               ///< an exception left a lookup step (arg: its class)
    CallGetattr,         ///< __getattr__ is called after an AttributeError (arg: type(obj))
    CallGetitem,         ///< type(obj).__getitem__ is called (arg: type(obj))
    SqItem,              ///< a C sequence's sq_item with the __index__ of the key (arg: type(obj))
    CallClassGetitem,    ///< __class_getitem__ is called (arg: the class)
    GenericAlias         ///< type[k] made a types.GenericAlias
};

/// LOOKUP_GETATTRIBUTE, DESCR_GET, ...: the event's name in traces.
const char* event_name(EventKind k);

struct TraceEvent {
    EventKind kind;
    std::string arg;
    bool operator==(const TraceEvent&) const = default;
};

struct Trace {
    std::vector<TraceEvent> events;
    /// One line per event: {"event": "DESCR_GET", "arg": "property"}.
    std::string to_json_lines() const;
};

/// Records into `trace` for its lifetime (nesting restores the outer one).
class TraceRecording {
  public:
    explicit TraceRecording(Trace& trace);
    ~TraceRecording();
    TraceRecording(const TraceRecording&) = delete;
    TraceRecording& operator=(const TraceRecording&) = delete;

  private:
    Trace* outer_;
};

/// Appends to the current recording, if any.
void record(EventKind kind, std::string arg);

}  // namespace stateproof::model
