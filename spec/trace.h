#pragma once
// Traces as values (the counterexample every engine produces, the behaviour
// replay checks), and their JSON form in the Informal Trace Format (ITF) that
// Apalache and Quint use. Printers for people live in cli/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "spec/ir.h"
#include "spec/state.h"

namespace stateproof::spec {

/// An emitted event with its argument values.
struct EventValue {
    uint32_t event;
    std::vector<int32_t> args;
    bool operator==(const EventValue&) const = default;
};

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

/// Reads an ITF trace back. Throws UsageError naming `source` and the state
/// index on anything that does not fit the machine (unknown variable or
/// action, value out of its domain, missing field).
Trace from_itf(const Machine& m, const nlohmann::json& itf, const std::string& source);

/// The value of state variable `var` in `state` as ITF JSON.
nlohmann::json var_to_json(const Machine& m, uint32_t var, const StateValues& state);

}  // namespace stateproof::spec
