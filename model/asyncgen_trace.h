#pragma once
// What an asynchronous generator did, step by step: each client call and
// awaitable step with its argument and outcome, each body resumption and
// reaction, each hook call. Appended while it happens, written as JSON lines.

#include <cstdint>
#include <string>
#include <vector>

namespace stateproof::model {

struct AsyncGenEvent {
    enum class Kind : uint8_t {
        Call,         ///< agen.__anext__() / asend / athrow / aclose: `what`, `arg`; `result` "awaitable N" or the exception
        Step,         ///< awaitable N .send / .throw / .close: `what`, `arg`, `result`
        Dropped,      ///< awaitable N was deallocated
        Resumed,      ///< the body was resumed with the value `arg`
        ThrownIn,     ///< the body was resumed by the exception `arg`
        Reaction,     ///< the body's reaction `what` (yield, await, return, raise, propagate) with `arg`
        Hook,         ///< `what`: firstiter, finalizer, unraisable (arg: the error), warning (arg: the text)
        Finalized,    ///< the generator was finalized (its last reference went)
    };
    Kind kind;
    std::string what;
    int64_t awaitable = -1;
    std::string arg;
    std::string result;
    bool operator==(const AsyncGenEvent&) const = default;
};

struct AsyncGenTrace {
    std::vector<AsyncGenEvent> events;
    void add(AsyncGenEvent e) { events.push_back(std::move(e)); }
    /// One JSON object per event, one per line.
    std::string to_json_lines() const;
};

}  // namespace stateproof::model
