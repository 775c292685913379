#pragma once
// A scripted generator body for tests and conformance: at each resumption
// the body asks a script for its reaction, in the vocabulary of the spec's
// body actions (spec/asyncgen.sm): yield a value, await a suspending
// awaitable, return, raise an exception, or let the exception that was
// thrown in propagate. Whatever it is resumed with (a value, or an exception
// thrown in and caught) is passed to the script, so any scenario can be
// written without a new coroutine.

#include <functional>
#include <optional>
#include <stdexcept>

#include "model/asyncgen_body.h"
#include "model/asyncgen_trace.h"

namespace stateproof::model {

struct Reaction {
    enum class Kind : uint8_t { Yield, Await, Return, Raise, Propagate };
    Kind kind;
    Value value;                        ///< Yield, Await
    std::optional<PyException> error;   ///< Raise

    static Reaction yield(Value v) { return {Kind::Yield, std::move(v), std::nullopt}; }
    static Reaction await(Value v) { return {Kind::Await, std::move(v), std::nullopt}; }
    static Reaction return_() { return {Kind::Return, None{}, std::nullopt}; }
    static Reaction raise(PyException e) { return {Kind::Raise, None{}, std::move(e)}; }
    static Reaction propagate() { return {Kind::Propagate, None{}, std::nullopt}; }
};

/// What the body was resumed with: the value sent, or the exception raised
/// where it was suspended (which it catches, to let the script decide).
struct Resumption {
    Value value;
    std::optional<PyException> thrown;
};

/// The script: the next reaction, or nullopt to end the script, which unwinds
/// the body with EndOfScript (not a Python exception: it leaves through the
/// call that resumed the body).
using Script = std::function<std::optional<Reaction>(const Resumption&)>;

struct EndOfScript {};

/// A reaction the body cannot take (propagate with nothing thrown in).
struct ScriptError : std::logic_error {
    using std::logic_error::logic_error;
};

/// The body; with a trace, each resumption and reaction is recorded.
AsyncGenBody scripted_body(Script script, AsyncGenTrace* trace = nullptr);

}  // namespace stateproof::model
