#pragma once
// The body of an asynchronous generator as a C++20 coroutine: `co_yield v`
// is Python's `yield v` inside `async def`, `co_await Suspend{v}` is an
// `await` of an object that suspends once (passing v through to the event
// loop) and returns what it is sent. Exceptions thrown into the generator
// are raised at the suspension point as PyException; an exception that
// leaves the body ends it, as in Python.
//
// The body is only the frame; model/asyncgen.h drives it with CPython's
// protocol (gen_send_ex2, _gen_throw in Objects/genobject.c).

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "model/exceptions.h"
#include "model/object.h"

namespace stateproof::model {

/// The awaitable a body awaits (name it, then `co_await` it: see promise_type): it suspends the generator's frame once,
/// passing `value` to whoever drives the generator (a value that is not a
/// wrapped yield, so the awaitable's send() returns it instead of finishing).
struct Suspend {
    Value value;
};

class AsyncGenBody {
  public:
    struct promise_type;
    using Handle = std::coroutine_handle<promise_type>;

    /// Where the frame stopped last.
    enum class Stop : uint8_t { Created, Yielded, Awaiting };

    struct ResumePoint {
        promise_type* p;
        bool in_await;
        bool await_ready() const noexcept { return false; }
        void await_suspend(Handle) const noexcept {}
        /// What the frame was resumed with: the value sent, or the exception
        /// thrown in, raised here.
        Value await_resume() const;
    };

    struct promise_type {
        Stop stop = Stop::Created;
        Value out;                          // what the last suspension produced
        Value in;                           // the value sent at the next resumption
        std::optional<PyException> thrown;  // or the exception thrown in
        std::exception_ptr escaped;         // what left the body, if anything did

        AsyncGenBody get_return_object() { return AsyncGenBody(Handle::from_promise(*this)); }
        std::suspend_always initial_suspend() const noexcept { return {}; }
        std::suspend_always final_suspend() const noexcept { return {}; }
        void return_void() const noexcept {}
        void unhandled_exception() noexcept { escaped = std::current_exception(); }
        // By reference: GCC 12 mishandles non-trivial temporaries that a
        // co_yield or co_await operand passes by value (their bytes are
        // copied into the frame), so the operands are lvalues taken by
        // reference and copied here.
        ResumePoint yield_value(const Value& v) {
            stop = Stop::Yielded;
            out = v;
            return {this, false};
        }
        ResumePoint await_transform(const Suspend& s) {
            stop = Stop::Awaiting;
            out = s.value;
            return {this, true};
        }
    };

    AsyncGenBody() = default;
    AsyncGenBody(AsyncGenBody&& o) noexcept : h_(std::exchange(o.h_, {})) {}
    AsyncGenBody& operator=(AsyncGenBody&& o) noexcept {
        if (this != &o) {
            reset();
            h_ = std::exchange(o.h_, {});
        }
        return *this;
    }
    AsyncGenBody(const AsyncGenBody&) = delete;
    AsyncGenBody& operator=(const AsyncGenBody&) = delete;
    ~AsyncGenBody() { reset(); }

    Handle handle() const { return h_; }
    /// Destroys the frame wherever it is suspended (its locals are destroyed;
    /// no more body code runs).
    void reset() {
        if (h_) h_.destroy();
        h_ = {};
    }

  private:
    explicit AsyncGenBody(Handle h) : h_(h) {}
    Handle h_;
};

}  // namespace stateproof::model
