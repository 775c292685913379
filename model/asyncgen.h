#pragma once
// Python's asynchronous generators on C++20 coroutines: the generator
// (agen.__anext__(), asend(v), athrow(e), aclose()), the awaitables those
// return (send, throw, close), the firstiter/finalizer hooks, and what
// happens when an unfinished generator or awaitable is dropped.
//
// The protocol follows CPython's Objects/genobject.c (gen_send_ex2,
// _gen_throw, async_gen_unwrap_value, async_gen_asend_send/_throw/_close,
// async_gen_athrow_send/_throw/_close, async_gen_init_hooks,
// _PyGen_Finalize), in the mode chosen when the generator is made:
//   CPython311  CPython 3.8 to 3.11, quirks included;
//   CPython312  3.12.0 to 3.12.3: CPython311, but an exception thrown into a
//               never-started frame leaves it unconverted;
//   CPython3124 3.12.4 and later 3.12: CPython313 with 3.12's close() and
//               no never-awaited warning (gh-117881 and gh-117894 were
//               backported, gh-117714 and gh-89091 were not);
//   CPython313  3.13 and 3.14 (gh-117881, gh-117894, gh-117714, gh-89091);
//   Reference   the lifecycle the language reference promises: CPython313
//               with the discrepancies of semantics.md section 3 repaired.
// spec/asyncgen.sm states the same rules as a state machine, and
// `stateproof conform spec/asyncgen.sm --impl cpp` checks this code against it.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/asyncgen_body.h"
#include "model/asyncgen_trace.h"
#include "model/exceptions.h"
#include "model/object.h"

namespace stateproof::model {

enum class AsyncGenMode : uint8_t { Reference, CPython311, CPython312, CPython3124, CPython313 };

/// gi_frame_state, with "suspended in an await" (_PyGen_yf != NULL) apart.
enum class FrameState : uint8_t { Created, Suspended, SuspendedInAwait, Executing, Done };

/// What one step of an awaitable did, as a Python caller of send()/throw()/close() sees it.
struct Outcome {
    enum class Kind : uint8_t {
        Stop,           ///< raised StopIteration(value): the awaitable finished with `value`
        Passed,         ///< returned `value`: passed through to the event loop
        Raised,         ///< raised `error`
        CloseReturned,  ///< close() returned None
    };
    Kind kind = Kind::CloseReturned;
    Value value;
    std::optional<PyException> error;

    static Outcome stop(Value v) { return {Kind::Stop, std::move(v), std::nullopt}; }
    static Outcome passed(Value v) { return {Kind::Passed, std::move(v), std::nullopt}; }
    static Outcome raised(PyException e) { return {Kind::Raised, None{}, std::move(e)}; }
    static Outcome close_returned() { return {Kind::CloseReturned, None{}, std::nullopt}; }
};

class AsyncGen;
struct GenState;
struct AwaitableState;

/// An awaitable made by __anext__(), asend(), athrow() or aclose(). It holds
/// its generator alive, as in Python. Dropping the last copy is the object's
/// deallocation (3.13 warns about one never awaited).
class Awaitable {
  public:
    enum class Kind : uint8_t { Anext, Asend, Athrow, Aclose };
    /// AwaitableState: INIT, ITER, CLOSED.
    enum class State : uint8_t { Init, Iter, Closed };

    Outcome send(Value v);
    Outcome throw_(PyException e);
    Outcome close();

    Kind kind() const;
    State state() const;
    /// A number for traces: the order the generator's awaitables were made in.
    uint64_t id() const;

  private:
    friend class AsyncGen;
    explicit Awaitable(std::shared_ptr<AwaitableState> s) : s_(std::move(s)) {}
    std::shared_ptr<AwaitableState> s_;
};

/// sys.set_asyncgen_hooks: per thread. firstiter is called on the first
/// method call of each generator (and may raise, which makes that call
/// raise); finalizer is stored then and called instead of closing when the
/// unfinished generator is dropped.
struct AsyncGenHooks {
    std::function<void(AsyncGen&)> firstiter;
    std::function<void(AsyncGen&)> finalizer;
};
void set_asyncgen_hooks(AsyncGenHooks hooks);
const AsyncGenHooks& asyncgen_hooks();

/// sys.unraisablehook (per thread): errors from finalizing a generator.
/// Without a hook they are dropped.
void set_unraisable_hook(std::function<void(const PyException&)> hook);
/// warnings.showwarning for RuntimeWarning (per thread), e.g. 3.13's
/// "coroutine method 'asend' of ... was never awaited".
void set_warning_hook(std::function<void(const std::string&)> hook);

/// A reference to an asynchronous generator object. Copies share it; when
/// the last reference (including those its awaitables hold) goes, the
/// generator is finalized as _PyGen_Finalize does: the finalizer hook, or
/// closing a suspended frame (throwing GeneratorExit in), with any error
/// reported to the unraisable hook.
class AsyncGen {
  public:
    AsyncGen(AsyncGenBody body, AsyncGenMode mode = AsyncGenMode::Reference, std::string name = "agen");
    AsyncGen(const AsyncGen& o);
    AsyncGen(AsyncGen&& o) noexcept;
    AsyncGen& operator=(AsyncGen o) noexcept;
    ~AsyncGen();

    /// The methods: each returns an awaitable, or throws what firstiter raised.
    Awaitable anext();
    Awaitable asend(Value v);
    Awaitable athrow(PyException e);
    Awaitable aclose();

    FrameState frame() const;
    bool running() const;  ///< ag_running_async
    bool closed() const;   ///< ag_closed
    bool hooks_inited() const;
    AsyncGenMode mode() const;
    const std::string& name() const;

    /// Records every call, step, body reaction and hook call into `trace`
    /// (nullptr: none). The trace must outlive the recording.
    void set_trace(AsyncGenTrace* trace);
    AsyncGenTrace* trace() const;

  private:
    friend class Awaitable;
    friend struct AwaitableState;
    friend struct GenState;
    explicit AsyncGen(GenState* s);  // takes a new reference
    Awaitable make(Awaitable::Kind k, Value v, std::optional<PyException> e);
    GenState* s_;
};

}  // namespace stateproof::model
