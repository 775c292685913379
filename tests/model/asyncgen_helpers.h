#pragma once
// Helpers for the model/asyncgen tests: outcomes and generator flags written
// the way the Python twins print them, and scripted bodies from a list.
//
// The Python prelude every snippet in tests/model/test_asyncgen_*.cpp runs
// after (the awaitables are driven by hand, no event loop):
//
//   import sys, types, gc
//   @types.coroutine
//   def S(x):            # an await that suspends once, passing x through
//       return (yield x)
//   def r(f):            # what a call does, as show(Outcome) prints it
//       try: v = f()
//       except StopIteration as e: return f"StopIteration({e.value!r})"
//       except BaseException as e: return f"{type(e).__name__}({str(e)!r})"
//       return f"passed {v!r}"
//   def flags(ag):       # ag_running, frame DONE?, suspended in an await?
//       return (ag.ag_running, ag.ag_frame is None, ag.ag_await is not None)
//
// ag_closed is not visible from Python; where a test checks closed(), the
// value is the one semantics.md 1.6 gives (from genobject.c), and where it
// matters it is observed through its effects (D2, the finalizer hook).

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/asyncgen.h"
#include "model/scripted_body.h"

namespace stateproof::model::testing {

inline Value I(int64_t i) { return Value{i}; }
inline Value Str(std::string s) { return Value{std::move(s)}; }
inline Value NoneV() { return Value{None{}}; }

using stateproof::model::repr;  // Python's repr of an int, a str or None

/// What the prelude's r() prints for the same call: "StopIteration(1)",
/// "passed 'a'", "RuntimeError('...')". close() returning None is "closed None"
/// (r() would print "passed None").
inline std::string show(const PyException& e) { return e.cls().name() + "(" + repr(Value{e.message()}) + ")"; }
inline std::string show(const Outcome& o) {
    switch (o.kind) {
    case Outcome::Kind::Stop: return "StopIteration(" + repr(o.value) + ")";
    case Outcome::Kind::Passed: return "passed " + repr(o.value);
    case Outcome::Kind::Raised: return show(*o.error);
    case Outcome::Kind::CloseReturned: return "closed None";
    }
    return "?";
}

inline const char* frame_name(FrameState f) {
    switch (f) {
    case FrameState::Created: return "Created";
    case FrameState::Suspended: return "Suspended";
    case FrameState::SuspendedInAwait: return "SuspendedInAwait";
    case FrameState::Executing: return "Executing";
    case FrameState::Done: return "Done";
    }
    return "?";
}

/// The generator's flags in one string, so a failing check shows them all.
inline std::string flags(const AsyncGen& g) {
    return std::string(frame_name(g.frame())) + " running=" + (g.running() ? "1" : "0") +
           " closed=" + (g.closed() ? "1" : "0");
}

inline PyException E(const ExceptionClass& c, std::string m = "") { return PyException(c, std::move(m)); }

/// A script that takes the reactions in order, whatever it is resumed
/// with, and writes each resumption into `seen` ("send 5", "throw
/// ValueError('v')"). Past the end it ends the script (EndOfScript).
inline Script seq(std::vector<Reaction> rs, std::shared_ptr<std::vector<std::string>> seen = nullptr) {
    auto next = std::make_shared<size_t>(0);
    return [rs = std::move(rs), seen, next](const Resumption& in) -> std::optional<Reaction> {
        if (seen) seen->push_back(in.thrown ? "throw " + show(*in.thrown) : "send " + repr(in.value));
        if (*next >= rs.size()) return std::nullopt;
        return rs[(*next)++];
    };
}

inline AsyncGen scripted(std::vector<Reaction> rs, AsyncGenMode mode = AsyncGenMode::CPython311,
                         std::shared_ptr<std::vector<std::string>> seen = nullptr) {
    return AsyncGen(scripted_body(seq(std::move(rs), std::move(seen))), mode, "g");
}

inline std::shared_ptr<std::vector<std::string>> new_log() { return std::make_shared<std::vector<std::string>>(); }

/// Sets the thread's hooks for one test and clears them (all three) after it.
struct HookScope {
    HookScope() = default;
    explicit HookScope(AsyncGenHooks h) { set_asyncgen_hooks(std::move(h)); }
    HookScope(const HookScope&) = delete;
    HookScope& operator=(const HookScope&) = delete;
    ~HookScope() {
        set_asyncgen_hooks({});
        set_unraisable_hook(nullptr);
        set_warning_hook(nullptr);
    }
};

}  // namespace stateproof::model::testing
