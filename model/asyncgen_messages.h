#pragma once
// CPython's own error messages for asynchronous generators
// (Objects/genobject.c), as Python shows them. model/asyncgen.cpp raises
// them; whoever reads an Outcome (the conformance adapter, tests) tells the
// model's own errors from the body's by these texts, so they live here once.

namespace stateproof::model::asyncgen_msg {

// A value other than None sent to a frame that has not started: TypeError
// from gen_send_ex2, RuntimeError from async_gen_athrow_send.
inline constexpr const char* agen_just_started = "can't send non-None value to a just-started async generator";
inline constexpr const char* coro_just_started = "can't send non-None value to a just-started coroutine";
// ValueError (gen_send_ex2: the frame is executing).
inline constexpr const char* already_executing = "async generator already executing";
// RuntimeError, the awaitables' checks of ag_running_async.
inline constexpr const char* anext_running = "anext(): asynchronous generator is already running";
inline constexpr const char* athrow_running = "athrow(): asynchronous generator is already running";
inline constexpr const char* aclose_running = "aclose(): asynchronous generator is already running";
// RuntimeError, an awaitable used after it finished (AWAITABLE_STATE_CLOSED).
inline constexpr const char* reuse_asend = "cannot reuse already awaited __anext__()/asend()";
inline constexpr const char* reuse_athrow = "cannot reuse already awaited aclose()/athrow()";
// RuntimeError, a body that answers GeneratorExit with a value (gen_close,
// async_gen_athrow_send).
inline constexpr const char* ignored_exit = "async generator ignored GeneratorExit";
inline constexpr const char* coro_ignored_exit = "coroutine ignored GeneratorExit";
// RuntimeError, PEP 479 / PEP 525 conversions (_PyGen_SetStopIterationValue's callers).
inline constexpr const char* raised_stop = "async generator raised StopIteration";
inline constexpr const char* raised_stop_async = "async generator raised StopAsyncIteration";

}  // namespace stateproof::model::asyncgen_msg
