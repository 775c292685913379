#include "model/asyncgen.h"

#include "model/asyncgen_messages.h"

#include <utility>

namespace stateproof::model {

namespace {

namespace msg = asyncgen_msg;

thread_local AsyncGenHooks t_hooks;
thread_local std::function<void(const PyException&)> t_unraisable;
thread_local std::function<void(const std::string&)> t_warning;

bool is_exit(const PyException& e) {
    // async_gen_unwrap_value and gen_close's "the generator is closed" errors.
    return e.matches(exc::StopAsyncIteration()) || e.matches(exc::GeneratorExit());
}

std::string text(const PyException& e) { return e.what(); }

std::string text(const Outcome& o) {
    switch (o.kind) {
    case Outcome::Kind::Stop: return "StopIteration(" + repr(o.value) + ")";
    case Outcome::Kind::Passed: return "passed " + repr(o.value);
    case Outcome::Kind::Raised: return text(*o.error);
    default: return "None";
    }
}

}  // namespace

Value AsyncGenBody::ResumePoint::await_resume() const {
    p->stop = Stop::Created;  // running again; the next suspension sets it
    if (p->thrown) {
        PyException e = std::move(*p->thrown);
        p->thrown.reset();
        // The awaited object is generator-based: a StopIteration thrown into
        // it reaches the body as a RuntimeError (PEP 479 in its frame).
        if (in_await && e.matches(exc::StopIteration())) throw PyException(exc::RuntimeError(), "generator raised StopIteration");
        throw e;
    }
    return std::move(p->in);
}

void set_asyncgen_hooks(AsyncGenHooks hooks) { t_hooks = std::move(hooks); }
const AsyncGenHooks& asyncgen_hooks() { return t_hooks; }
void set_unraisable_hook(std::function<void(const PyException&)> hook) { t_unraisable = std::move(hook); }
void set_warning_hook(std::function<void(const std::string&)> hook) { t_warning = std::move(hook); }

// ------------------------------------------------------------------ the frame

/// What running the frame produced (the input of async_gen_unwrap_value).
struct FrameResult {
    enum class Kind : uint8_t { Wrapped, Plain, Error };
    Kind kind;
    Value value;
    std::optional<PyException> error;
    /// The error is "already executing" (the frame was running): the
    /// reference lifecycle treats it apart.
    bool already_executing = false;

    static FrameResult wrapped(Value v) { return {Kind::Wrapped, std::move(v), std::nullopt}; }
    static FrameResult plain(Value v) { return {Kind::Plain, std::move(v), std::nullopt}; }
    static FrameResult failed(PyException e) { return {Kind::Error, None{}, std::move(e)}; }
};

struct GenState {
    AsyncGenBody body;
    AsyncGenMode mode;
    std::string name;
    uint64_t refs = 1;
    bool executing = false;
    bool done = false;       // finished, or abandoned without running
    bool running = false;    // ag_running_async
    bool closed = false;     // ag_closed
    bool hooks_inited = false;
    bool finalized = false;
    std::function<void(AsyncGen&)> finalizer;  // stored by async_gen_init_hooks
    AwaitableState* stepping = nullptr;        // whose step is running the frame (nullptr: the collector)
    AwaitableState* driver = nullptr;          // whose step left the frame suspended in an await
    uint64_t awaitables_made = 0;
    AsyncGenTrace* trace = nullptr;

    bool legacy() const { return mode == AsyncGenMode::CPython311 || mode == AsyncGenMode::CPython312; }
    // Before gh-117714 (close() throws GeneratorExit in) and gh-89091 (a
    // never-awaited awaitable warns): both reached 3.13 only.
    bool close_legacy() const { return legacy() || mode == AsyncGenMode::CPython3124; }

    FrameState frame() const {
        if (done || body.handle().done()) return FrameState::Done;
        if (executing) return FrameState::Executing;
        switch (body.handle().promise().stop) {
        case AsyncGenBody::Stop::Created: return FrameState::Created;
        case AsyncGenBody::Stop::Yielded: return FrameState::Suspended;
        default: return FrameState::SuspendedInAwait;
        }
    }

    void record(AsyncGenEvent::Kind k, std::string what, int64_t aw = -1, std::string arg = {}, std::string result = {}) {
        if (trace) trace->add({k, std::move(what), aw, std::move(arg), std::move(result)});
    }

    /// Abandons the frame: no more body code runs (its locals are destroyed).
    void abandon() {
        body.reset();
        done = true;
    }

    FrameResult already_executing() {
        FrameResult r = FrameResult::failed(PyException(exc::ValueError(), msg::already_executing));
        r.already_executing = true;
        return r;
    }

    // Runs the frame until it suspends or ends (gen_send_ex2's core).
    FrameResult resume(AwaitableState* by) {
        auto& p = body.handle().promise();
        executing = true;
        stepping = by;
        driver = nullptr;
        struct Done {
            GenState& g;
            ~Done() { g.executing = false; }
        } guard{*this};
        body.handle().resume();
        if (body.handle().done()) {
            stepping = nullptr;
            if (!p.escaped) return FrameResult::failed(PyException(exc::StopAsyncIteration(), ""));
            try {
                std::rethrow_exception(std::exchange(p.escaped, nullptr));
            } catch (const PyException& e) {
                // PEP 479 / PEP 525: the frame turns these into RuntimeErrors.
                if (e.matches(exc::StopIteration())) return FrameResult::failed(PyException(exc::RuntimeError(), msg::raised_stop));
                if (e.matches(exc::StopAsyncIteration()))
                    return FrameResult::failed(PyException(exc::RuntimeError(), msg::raised_stop_async));
                return FrameResult::failed(e);
            }
            // Anything else is not a Python exception (e.g. a script that
            // ended): it leaves through the caller.
        }
        stepping = nullptr;
        if (p.stop == AsyncGenBody::Stop::Yielded) return FrameResult::wrapped(std::move(p.out));
        driver = by;
        return FrameResult::plain(std::move(p.out));
    }

    // gen_send_ex2 with a value: its checks in order, then the frame runs.
    FrameResult send(AwaitableState* by, Value v) {
        FrameState f = frame();
        if (f == FrameState::Created && !is_none(v))
            return FrameResult::failed(PyException(exc::TypeError(), msg::agen_just_started));
        if (f == FrameState::Executing) return already_executing();
        if (f == FrameState::Done) return FrameResult::failed(PyException(exc::StopAsyncIteration(), ""));
        body.handle().promise().in = std::move(v);
        return resume(by);
    }

    // _gen_throw: an exception raised where the frame is suspended.
    FrameResult throw_(AwaitableState* by, PyException e) {
        FrameState f = frame();
        if (f == FrameState::Executing) return already_executing();
        if (f == FrameState::Done) return FrameResult::failed(std::move(e));  // re-raised; the body is not entered
        if (f == FrameState::Created) {
            // Raised at function entry: no body code runs, the frame is done.
            // Up to 3.11 it passes the frame's PEP 479 handler.
            abandon();
            if (mode == AsyncGenMode::CPython311) {
                if (e.matches(exc::StopIteration())) return FrameResult::failed(PyException(exc::RuntimeError(), msg::raised_stop));
                if (e.matches(exc::StopAsyncIteration()))
                    return FrameResult::failed(PyException(exc::RuntimeError(), msg::raised_stop_async));
            }
            return FrameResult::failed(std::move(e));
        }
        body.handle().promise().thrown = std::move(e);
        return resume(by);
    }

    // async_gen_unwrap_value: a yield or an error ends the run; the errors
    // that mean "finished" mark the generator closed.
    void unwrap(const FrameResult& r) {
        if (r.kind == FrameResult::Kind::Error) {
            if (is_exit(*r.error)) closed = true;
            running = false;
        } else if (r.kind == FrameResult::Kind::Wrapped) {
            running = false;
        }
    }

    // _PyGen_Finalize, when the last reference goes.
    void finalize();
};

struct AwaitableState {
    AsyncGen gen;
    Awaitable::Kind kind;
    Awaitable::State st = Awaitable::State::Init;
    Value sendval;                      // ags_sendval
    std::optional<PyException> thrown;  // athrow's exception
    uint64_t id;

    AwaitableState(AsyncGen g, Awaitable::Kind k, Value v, std::optional<PyException> e, uint64_t n)
        : gen(std::move(g)), kind(k), sendval(std::move(v)), thrown(std::move(e)), id(n) {}
    ~AwaitableState();

    GenState& g() { return *gen.s_; }
    bool is_asend() const { return kind == Awaitable::Kind::Anext || kind == Awaitable::Kind::Asend; }
    bool reference() { return g().mode == AsyncGenMode::Reference; }

    Outcome error(const char* m, const ExceptionClass& c = exc::RuntimeError()) { return Outcome::raised(PyException(c, m)); }

    // The outcome of a finished run; with `closing`, the step is a 3.13
    // close(), whose own mapping applies (gh-117714).
    static Outcome out_error(PyException e, bool closing) {
        if (closing && (e.matches(exc::StopIteration()) || is_exit(e))) return Outcome::close_returned();
        return Outcome::raised(std::move(e));
    }
    static Outcome out_passed(Value v, bool closing) {
        // After 'coroutine ignored GeneratorExit' the awaitable stays usable.
        if (closing) return Outcome::raised(PyException(exc::RuntimeError(), msg::coro_ignored_exit));
        return Outcome::passed(std::move(v));
    }
    static Outcome out_stop(Value v, bool closing) {
        return closing ? Outcome::close_returned() : Outcome::stop(std::move(v));
    }
    static Outcome unwrapped_out(FrameResult r, bool closing) {
        switch (r.kind) {
        case FrameResult::Kind::Wrapped: return out_stop(std::move(r.value), closing);
        case FrameResult::Kind::Plain: return out_passed(std::move(r.value), closing);
        default: return out_error(std::move(*r.error), closing);
        }
    }

    // The reference lifecycle refuses a re-entrant step on its own: the
    // generator's flags stay as they are (CPython clears ag_running_async
    // through async_gen_unwrap_value while the body still runs).
    Outcome refuse_reentrant(FrameResult r) {
        if (g().stepping != this) st = Awaitable::State::Closed;
        return Outcome::raised(std::move(*r.error));
    }

    // async_gen_athrow_send's "yield_close": the body yielded in answer to GeneratorExit.
    Outcome yield_close(bool closing) {
        g().running = false;
        st = Awaitable::State::Closed;
        // REPAIR (semantics.md 3 D1, 7 I1): a closed generator never yields
        // again. CPython leaves the frame suspended with ag_closed set, and
        // the next __anext__() delivers a value.
        if (reference()) g().abandon();
        return out_error(PyException(exc::RuntimeError(), msg::ignored_exit), closing);
    }

    // async_gen_athrow_send's check_error in aclose() mode.
    Outcome aclose_check_error(PyException e, bool closing) {
        g().running = false;
        st = Awaitable::State::Closed;
        if (is_exit(e)) return out_stop(None{}, closing);
        return out_error(std::move(e), closing);
    }

    // ---------------------------------------------------------------- ASEND
    Outcome asend_finish(FrameResult r, bool closing) {
        if (r.already_executing && reference()) return refuse_reentrant(std::move(r));
        g().unwrap(r);
        if (r.kind != FrameResult::Kind::Plain) st = Awaitable::State::Closed;
        return unwrapped_out(std::move(r), closing);
    }

    // async_gen_asend_send
    Outcome asend_send(Value v) {
        if (st == Awaitable::State::Closed) return error(msg::reuse_asend);
        if (st == Awaitable::State::Init && g().running) {
            // 3.12.4 and 3.13 close the awaitable (gh-117881).
            if (!g().legacy()) st = Awaitable::State::Closed;
            return error(msg::anext_running);
        }
        bool first = st == Awaitable::State::Init;
        // CPython: a send argument that is not None replaces the awaitable's
        // value, even __anext__()'s (D4, I9). REPAIR: the reference delivers
        // the awaitable's own value (None for __anext__()).
        if (first && (reference() || is_none(v))) v = sendval;
        st = Awaitable::State::Iter;
        g().running = true;
        return asend_finish(g().send(this, std::move(v)), false);
    }

    // async_gen_asend_throw (also under 3.13's close())
    Outcome asend_throw(PyException e, bool closing) {
        if (st == Awaitable::State::Closed) return error(msg::reuse_asend);
        if (!g().legacy()) {
            if (st == Awaitable::State::Init && g().running) {
                st = Awaitable::State::Closed;
                return error(msg::anext_running);
            }
            if (st == Awaitable::State::Init) {
                st = Awaitable::State::Iter;
                g().running = true;
            }
        }
        // Up to 3.12.3: no running check, INIT stays INIT, running not set.
        return asend_finish(g().throw_(this, std::move(e)), closing);
    }

    // ---------------------------------------------------------------- ATHROW
    const char* running_msg() const { return kind == Awaitable::Kind::Aclose ? msg::aclose_running : msg::athrow_running; }

    // After async_gen_athrow_send or (from 3.12.4) _throw ran the frame. For
    // athrow(), `ends` says whether a finished run closes the awaitable.
    Outcome athrow_finish(FrameResult r, bool ends, bool closing) {
        if (r.already_executing && reference()) return refuse_reentrant(std::move(r));
        if (kind == Awaitable::Kind::Athrow) {
            g().unwrap(r);
            if (r.kind != FrameResult::Kind::Plain && ends) {
                g().running = false;
                st = Awaitable::State::Closed;
            }
            return unwrapped_out(std::move(r), closing);
        }
        if (r.kind == FrameResult::Kind::Wrapped) return yield_close(closing);
        if (r.kind == FrameResult::Kind::Plain) return out_passed(std::move(r.value), closing);
        return aclose_check_error(std::move(*r.error), closing);
    }

    // After async_gen_athrow_send ran the frame. The first send goes through
    // check_error, which closes the awaitable; a later one returns the
    // unwrapped result as is, so the awaitable stays ITER after it finished
    // (D8). REPAIR (D8, I4, I7): in the reference a finished awaitable is dead.
    Outcome athrow_send_finish(FrameResult r, bool first) { return athrow_finish(std::move(r), first || reference(), false); }

    // async_gen_athrow_send
    Outcome athrow_send(Value v) {
        if (st == Awaitable::State::Closed) return error(msg::reuse_athrow);
        if (g().frame() == FrameState::Done) {
            // Before any other check; athrow's exception is dropped (D5).
            st = Awaitable::State::Closed;
            return Outcome::stop(None{});
        }
        if (st == Awaitable::State::Init) {
            if (g().running) {
                st = Awaitable::State::Closed;
                return error(running_msg());
            }
            if (g().closed) {
                st = Awaitable::State::Closed;
                // REPAIR (D2, I3): aclose() of a closed generator does
                // nothing. CPython raises StopAsyncIteration.
                if (reference() && kind == Awaitable::Kind::Aclose) return Outcome::stop(None{});
                return Outcome::raised(PyException(exc::StopAsyncIteration(), ""));
            }
            if (!is_none(v)) {
                // REPAIR (D7, I8): the refused first send ends the awaitable.
                // CPython leaves it INIT, and a later send(None) goes on.
                if (reference()) st = Awaitable::State::Closed;
                return error(msg::coro_just_started);
            }
            st = Awaitable::State::Iter;
            g().running = true;
            if (kind == Awaitable::Kind::Aclose) {
                g().closed = true;
                return athrow_send_finish(g().throw_(this, PyException(exc::GeneratorExit(), "")), true);
            }
            return athrow_send_finish(g().throw_(this, *thrown), true);
        }
        return athrow_send_finish(g().send(this, std::move(v)), false);
    }

    // async_gen_athrow_throw (also under 3.13's close())
    Outcome athrow_throw(PyException e, bool closing) {
        if (st == Awaitable::State::Closed) return error(msg::reuse_athrow);
        if (g().legacy()) {
            // Before 3.12.4: no running check and no state change.
            FrameResult r = g().throw_(this, std::move(e));
            if (kind == Awaitable::Kind::Athrow) {
                g().unwrap(r);
                return unwrapped_out(std::move(r), false);
            }
            if (r.kind == FrameResult::Kind::Wrapped) return yield_close(false);  // even with no GeneratorExit thrown (D3)
            if (r.kind == FrameResult::Kind::Plain) return Outcome::passed(std::move(r.value));
            // bpo-35409, but running and the state stay as they were (I5).
            if (is_exit(*r.error)) return Outcome::stop(None{});
            return Outcome::raised(std::move(*r.error));
        }
        // From 3.12.4 (gh-117881, gh-117894), and under 3.13's close() (gh-117714).
        if (st == Awaitable::State::Init && g().running) {
            st = Awaitable::State::Closed;
            return error(running_msg());
        }
        if (st == Awaitable::State::Init) {
            st = Awaitable::State::Iter;
            g().running = true;
            // REPAIR (D3): an aclose() begun by a throw() has begun closing.
            // CPython does not set ag_closed on this path.
            if (reference() && kind == Awaitable::Kind::Aclose) g().closed = true;
        }
        return athrow_finish(g().throw_(this, std::move(e)), true, closing);
    }

    // async_gen_asend_close / async_gen_athrow_close
    Outcome close() {
        // Up to 3.12 close() only marks the awaitable; the generator is not
        // touched (D9, I6).
        if (g().close_legacy() || st == Awaitable::State::Closed) {
            st = Awaitable::State::Closed;
            return Outcome::close_returned();
        }
        // gh-117714 (3.13): throw GeneratorExit in, and map the result.
        if (is_asend()) return asend_throw(PyException(exc::GeneratorExit(), ""), true);
        return athrow_throw(PyException(exc::GeneratorExit(), ""), true);
    }
};

AwaitableState::~AwaitableState() {
    GenState& s = g();
    s.record(AsyncGenEvent::Kind::Dropped, "", int64_t(id));
    // gh-89091 (3.13): a coroutine method never awaited warns.
    if (!s.close_legacy() && st == Awaitable::State::Init) {
        // async_gen_asend_finalize warns with the name "asend" for
        // __anext__()'s awaitable too (one type, _Py_ID(asend)); confirmed
        // on 3.13.0.
        static const char* names[] = {"asend", "asend", "athrow", "aclose"};
        std::string w = std::string("coroutine method '") + names[int(kind)] + "' of '" + s.name + "' was never awaited";
        s.record(AsyncGenEvent::Kind::Hook, "warning", -1, w);
        if (t_warning) t_warning(w);
    }
    if (s.stepping == this) s.stepping = nullptr;
    if (s.driver == this) {
        s.driver = nullptr;
        // REPAIR (I6): dropping the awaitable that drives an await abandons
        // the generator. CPython keeps ag_running_async set, and every later
        // __anext__() fails with 'already running'.
        if (s.mode == AsyncGenMode::Reference && s.running && s.frame() == FrameState::SuspendedInAwait) {
            s.abandon();
            s.closed = true;
            s.running = false;
        }
    }
}

void GenState::finalize() {
    finalized = true;
    record(AsyncGenEvent::Kind::Finalized, "");
    FrameState f = frame();
    if (f == FrameState::Done) return;
    if (finalizer && !closed) {
        // The hook decides (asyncio schedules aclose()); CPython does not close.
        record(AsyncGenEvent::Kind::Hook, "finalizer");
        AsyncGen self(this);
        finalizer(self);
        return;
    }
    if (f == FrameState::Created) {  // gen_close of a never-started frame: silent
        abandon();
        return;
    }
    // gen_close: GeneratorExit thrown in; a yield or an await ignores it;
    // GeneratorExit and StopIteration are accepted; anything else (a
    // StopAsyncIteration from a body that returns included) is unraisable.
    FrameResult r = throw_(nullptr, PyException(exc::GeneratorExit(), ""));
    std::optional<PyException> unraisable;
    if (r.kind != FrameResult::Kind::Error) unraisable = PyException(exc::RuntimeError(), msg::ignored_exit);
    else if (!r.error->matches(exc::GeneratorExit()) && !r.error->matches(exc::StopIteration())) unraisable = r.error;
    running = false;
    if (unraisable) {
        record(AsyncGenEvent::Kind::Hook, "unraisable", -1, text(*unraisable));
        if (t_unraisable) t_unraisable(*unraisable);
    }
}

// ------------------------------------------------------------------ AsyncGen

AsyncGen::AsyncGen(AsyncGenBody body, AsyncGenMode mode, std::string name) : s_(new GenState{}) {
    s_->body = std::move(body);
    s_->mode = mode;
    s_->name = std::move(name);
}

AsyncGen::AsyncGen(GenState* s) : s_(s) { ++s_->refs; }
AsyncGen::AsyncGen(const AsyncGen& o) : s_(o.s_) {
    if (s_) ++s_->refs;
}
AsyncGen::AsyncGen(AsyncGen&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
AsyncGen& AsyncGen::operator=(AsyncGen o) noexcept {
    std::swap(s_, o.s_);
    return *this;
}

AsyncGen::~AsyncGen() {
    if (!s_ || --s_->refs > 0) return;
    // The last reference: finalize once (PEP 442), holding the object while
    // the finalizer or the body runs; a finalizer that keeps a reference
    // resurrects it.
    if (!s_->finalized) {
        ++s_->refs;
        try {
            s_->finalize();
        } catch (...) {
            // A body that was ended from outside (not a Python exception)
            // unwinds here; nothing can report it any more.
        }
        if (--s_->refs > 0) return;
    }
    delete s_;
}

Awaitable AsyncGen::make(Awaitable::Kind k, Value v, std::optional<PyException> e) {
    static const char* names[] = {"__anext__", "asend", "athrow", "aclose"};
    std::string arg = !s_->trace ? std::string() : e ? text(*e) : k == Awaitable::Kind::Asend ? repr(v) : std::string();
    // async_gen_init_hooks: once, before the awaitable is made; a raising
    // firstiter makes this call raise.
    if (!s_->hooks_inited) {
        s_->hooks_inited = true;
        s_->finalizer = t_hooks.finalizer;
        if (t_hooks.firstiter) {
            s_->record(AsyncGenEvent::Kind::Hook, "firstiter");
            try {
                t_hooks.firstiter(*this);
            } catch (const PyException& ex) {
                s_->record(AsyncGenEvent::Kind::Call, names[int(k)], -1, arg, text(ex));
                throw;
            }
        }
    }
    uint64_t id = s_->awaitables_made++;
    if (s_->trace) s_->record(AsyncGenEvent::Kind::Call, names[int(k)], int64_t(id), arg, "awaitable " + std::to_string(id));
    return Awaitable(std::make_shared<AwaitableState>(*this, k, std::move(v), std::move(e), id));
}

Awaitable AsyncGen::anext() { return make(Awaitable::Kind::Anext, None{}, std::nullopt); }
Awaitable AsyncGen::asend(Value v) { return make(Awaitable::Kind::Asend, std::move(v), std::nullopt); }
Awaitable AsyncGen::athrow(PyException e) { return make(Awaitable::Kind::Athrow, None{}, std::move(e)); }
Awaitable AsyncGen::aclose() { return make(Awaitable::Kind::Aclose, None{}, std::nullopt); }

FrameState AsyncGen::frame() const { return s_->frame(); }
bool AsyncGen::running() const { return s_->running; }
bool AsyncGen::closed() const { return s_->closed; }
bool AsyncGen::hooks_inited() const { return s_->hooks_inited; }
AsyncGenMode AsyncGen::mode() const { return s_->mode; }
const std::string& AsyncGen::name() const { return s_->name; }
void AsyncGen::set_trace(AsyncGenTrace* trace) { s_->trace = trace; }
AsyncGenTrace* AsyncGen::trace() const { return s_->trace; }

// ------------------------------------------------------------------ Awaitable

Outcome Awaitable::send(Value v) {
    AwaitableState& a = *s_;
    std::string arg = a.g().trace ? repr(v) : std::string();
    Outcome o = a.is_asend() ? a.asend_send(std::move(v)) : a.athrow_send(std::move(v));
    if (a.g().trace) a.g().record(AsyncGenEvent::Kind::Step, "send", int64_t(a.id), arg, text(o));
    return o;
}

Outcome Awaitable::throw_(PyException e) {
    AwaitableState& a = *s_;
    std::string arg = a.g().trace ? text(e) : std::string();
    Outcome o = a.is_asend() ? a.asend_throw(std::move(e), false) : a.athrow_throw(std::move(e), false);
    if (a.g().trace) a.g().record(AsyncGenEvent::Kind::Step, "throw", int64_t(a.id), arg, text(o));
    return o;
}

Outcome Awaitable::close() {
    AwaitableState& a = *s_;
    Outcome o = a.close();
    if (a.g().trace) a.g().record(AsyncGenEvent::Kind::Step, "close", int64_t(a.id), "", text(o));
    return o;
}

Awaitable::Kind Awaitable::kind() const { return s_->kind; }
Awaitable::State Awaitable::state() const { return s_->st; }
uint64_t Awaitable::id() const { return s_->id; }

}  // namespace stateproof::model
