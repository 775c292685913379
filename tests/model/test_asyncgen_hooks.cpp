// model/asyncgen: the firstiter/finalizer hooks and finalization
// (semantics.md 4), lifetimes (clean under AddressSanitizer), the trace
// recorder, and hand-written coroutine bodies. Each test is the twin of the
// Python snippet above it, run with the prelude of
// tests/model/asyncgen_helpers.h on the interpreter named there; its printed
// result follows "->".

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/model/asyncgen_helpers.h"
#include "tests/model/model_helpers.h"

using namespace stateproof::model;
using namespace stateproof::model::testing;
using R = Reaction;

namespace {

// Python's `finally: log.append(...)` in C++: a local whose destructor runs
// when the frame unwinds or is destroyed.
struct Probe {
    std::vector<std::string>* log;
    const char* what;
    ~Probe() { log->push_back(what); }
};

// async def g():
//     try: yield 1; yield 2
//     finally: log.append('finally')
AsyncGenBody yields_with_finally(std::vector<std::string>* log) {
    Probe p{log, "finally"};
    Value one = I(1), two = I(2);
    co_yield one;
    co_yield two;
}

// async def g():
//     try:
//         await S('a')
//         yield 1
//     finally: log.append('finally')
AsyncGenBody awaits_with_finally(std::vector<std::string>* log) {
    Probe p{log, "finally"};
    Suspend s{Str("a")};
    co_await s;
    Value one = I(1);
    co_yield one;
}

AsyncGenHooks logging_hooks(std::vector<std::string>& log) {
    return {[&log](AsyncGen&) { log.push_back("firstiter"); }, [&log](AsyncGen&) { log.push_back("finalizer"); }};
}

}  // namespace

// ------------------------------------------------------------ firstiter

// 3.11.7:
//   log = []
//   sys.set_asyncgen_hooks(firstiter=lambda ag: log.append('firstiter'),
//                          finalizer=lambda ag: log.append('finalizer'))
//   async def g():
//       try: yield 1
//       finally: log.append('finally')
//   ag = g();          log  -> []
//   a = ag.__anext__(); log  -> ['firstiter']
//   b = ag.aclose();   log  -> ['firstiter']
//   del a, b, ag; gc.collect(); log  -> ['firstiter', 'finalizer']
TEST_CASE("model: asyncgen firstiter is called once, on the first method call, not at creation or when awaited",
          "[model][asyncgen][hooks]") {
    std::vector<std::string> log;
    HookScope hooks(logging_hooks(log));
    {
        AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
        CHECK(log.empty());
        CHECK_FALSE(ag.hooks_inited());
        Awaitable a = ag.anext();
        CHECK(log == std::vector<std::string>{"firstiter"});
        Awaitable b = ag.aclose();
        CHECK(log == std::vector<std::string>{"firstiter"});
        CHECK(ag.hooks_inited());
    }
    // Never awaited, so the frame never started: the finalizer is called and
    // the frame freed without running the finally.
    CHECK(log == std::vector<std::string>{"firstiter", "finalizer"});
}

// 3.11.7:
//   def firstiter(ag):
//       log.append('firstiter'); raise ValueError('no')
//   sys.set_asyncgen_hooks(firstiter=firstiter, finalizer=lambda ag: log.append('finalizer'))
//   ag = g()
//   r(lambda: ag.__anext__()), log              -> ValueError('no') ['firstiter']
//   r(lambda: ag.__anext__().send(None)), log   -> StopIteration(1) ['firstiter']
//   del ag; gc.collect(); log                   -> ['firstiter', 'finalizer']
TEST_CASE("model: asyncgen a raising firstiter makes the call raise, is not called again, and the finalizer is stored",
          "[model][asyncgen][hooks]") {
    std::vector<std::string> log;
    HookScope hooks({[&log](AsyncGen&) {
                         log.push_back("firstiter");
                         throw PyException(exc::ValueError(), "no");
                     },
                     [&log](AsyncGen&) { log.push_back("finalizer"); }});
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()});
        CHECK(raised([&] { ag.anext(); }) == "ValueError: no");
        CHECK(log == std::vector<std::string>{"firstiter"});
        CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
        CHECK(log == std::vector<std::string>{"firstiter"});
    }
    CHECK(log == std::vector<std::string>{"firstiter", "finalizer"});
}

// ------------------------------------------------------------ finalizer

// 3.11.7 (hooks and g as in the firstiter test above):
//   ag = g(); r(lambda: ag.__anext__().send(None)); del ag; gc.collect(); log
//       -> ['firstiter', 'finalizer']                (no 'finally': not closed)
//   ag = g(); r(lambda: ag.__anext__().send(None)); r(lambda: ag.aclose().send(None))
//       -> StopIteration(None)
//   del ag; gc.collect(); log
//       -> ['firstiter', 'finally']                  (closed: no finalizer)
TEST_CASE("model: asyncgen the finalizer is called instead of closing an unfinished generator, and not for a closed one",
          "[model][asyncgen][hooks]") {
    std::vector<std::string> log;
    HookScope hooks(logging_hooks(log));
    auto seen = new_log();
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()}, AsyncGenMode::CPython311, seen);
        ag.anext().send(NoneV());
    }
    CHECK(log == std::vector<std::string>{"firstiter", "finalizer"});
    CHECK(*seen == std::vector<std::string>{"send None"});  // no GeneratorExit thrown in

    log.clear();
    {
        AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
        ag.anext().send(NoneV());
        CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
    CHECK(log == std::vector<std::string>{"firstiter", "finally"});
}

// ------------------------------------------------------------ unraisable

// 3.11.7, no asyncgen hooks:
//   sys.unraisablehook = lambda u: log.append(f"{type(u.exc_value).__name__}({str(u.exc_value)!r})")
//   async def g():
//       try: yield 1
//       finally: yield 2
//   ag = g(); r(lambda: ag.__anext__().send(None)); del ag; gc.collect(); log
//       -> ["RuntimeError('async generator ignored GeneratorExit')"]
//   async def g():
//       try: yield 1
//       finally: await S('x')
//   (the same)  -> ["RuntimeError('async generator ignored GeneratorExit')"]
//   async def g():
//       try: yield 1
//       except GeneratorExit: return
//   (the same)  -> ["StopAsyncIteration('')"]
TEST_CASE("model: asyncgen finalizing a body that yields, awaits or returns on GeneratorExit reports it as unraisable",
          "[model][asyncgen][hooks]") {
    std::vector<std::string> log;
    HookScope scope;
    set_unraisable_hook([&log](const PyException& e) { log.push_back(show(e)); });
    auto drop_after_first = [](Reaction on_close) {
        AsyncGen ag = scripted({R::yield(I(1)), on_close, R::return_()});
        ag.anext().send(NoneV());
    };
    drop_after_first(R::yield(I(2)));
    CHECK(log == std::vector<std::string>{"RuntimeError('async generator ignored GeneratorExit')"});
    log.clear();
    drop_after_first(R::await(Str("x")));
    CHECK(log == std::vector<std::string>{"RuntimeError('async generator ignored GeneratorExit')"});
    log.clear();
    drop_after_first(R::return_());
    CHECK(log == std::vector<std::string>{"StopAsyncIteration('')"});
    // GeneratorExit let through is the normal close: nothing reported.
    log.clear();
    drop_after_first(R::propagate());
    CHECK(log.empty());
}

// ------------------------------------------------------------ 3.13's never-awaited warning

// 3.13.0:
//   import warnings; warnings.simplefilter('always')
//   warnings.showwarning = lambda message, *a, **k: print("  warning:", message)
//   async def g(): yield 1
//   ag = g()
//   a = ag.__anext__(); del a   ->   warning: coroutine method 'asend' of 'g' was never awaited
//   b = ag.asend(1); del b      ->   warning: coroutine method 'asend' of 'g' was never awaited
//   c = ag.athrow(ValueError); del c  ->   warning: coroutine method 'athrow' of 'g' was never awaited
//   d = ag.aclose(); del d      ->   warning: coroutine method 'aclose' of 'g' was never awaited
//   e = ag.__anext__(); r(lambda: e.send(None)); del e   -> (no warning)
// 3.11.7: no warning at all.
TEST_CASE("model: asyncgen 3.13 warns about an awaitable dropped before it was awaited; 3.11 does not",
          "[model][asyncgen][hooks]") {
    std::vector<std::string> warnings;
    HookScope scope;
    set_warning_hook([&warnings](const std::string& w) { warnings.push_back(w); });
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()}, AsyncGenMode::CPython313);
        ag.anext();
        ag.asend(I(1));
        ag.athrow(E(exc::ValueError()));
        ag.aclose();
        ag.anext().send(NoneV());
    }
    CHECK(warnings == std::vector<std::string>{"coroutine method 'asend' of 'g' was never awaited",
                                               "coroutine method 'asend' of 'g' was never awaited",
                                               "coroutine method 'athrow' of 'g' was never awaited",
                                               "coroutine method 'aclose' of 'g' was never awaited"});
    warnings.clear();
    for (AsyncGenMode mode : {AsyncGenMode::CPython311, AsyncGenMode::CPython3124}) {
        // 3.12.7 (Pyodide 0.27.7) does not warn either: gh-89091 is 3.13 only.
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()}, mode);
        ag.anext();
        ag.aclose();
    }
    CHECK(warnings.empty());
}

// ------------------------------------------------------------ lifetime

// 3.11.7, no hooks:
//   async def g():
//       try: yield 1; yield 2
//       finally: log.append('finally')
//   ag = g(); r(lambda: ag.__anext__().send(None)); del ag; gc.collect(); log  -> ['finally']
//   async def g():
//       try:
//           await S('a'); yield 1
//       finally: log.append('finally')
//   ag = g(); A = ag.__anext__(); r(lambda: A.send(None))  -> passed 'a'
//   del A, ag; gc.collect(); log                           -> ['finally']
TEST_CASE("model: asyncgen a generator dropped in a yield or in an await is closed and its frame destroyed",
          "[model][asyncgen][lifetime]") {
    HookScope scope;
    std::vector<std::string> log;
    {
        AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
        CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
        CHECK(log.empty());
    }
    CHECK(log == std::vector<std::string>{"finally"});
    log.clear();
    {
        AsyncGen ag(awaits_with_finally(&log), AsyncGenMode::CPython311, "g");
        Awaitable a = ag.anext();
        CHECK(show(a.send(NoneV())) == "passed 'a'");
        CHECK(flags(ag) == "SuspendedInAwait running=1 closed=0");
        CHECK(log.empty());
    }
    CHECK(log == std::vector<std::string>{"finally"});
}

// With a finalizer hook CPython does not close the frame; it frees it
// without running the finally. Here the frame is destroyed all the same:
// the local's destructor runs, the body is never resumed.
TEST_CASE("model: asyncgen a generator left to its finalizer still has its frame destroyed when it is freed",
          "[model][asyncgen][lifetime]") {
    std::vector<std::string> log;
    HookScope hooks(logging_hooks(log));
    {
        AsyncGen ag(awaits_with_finally(&log), AsyncGenMode::CPython311, "g");
        Awaitable a = ag.anext();
        CHECK(show(a.send(NoneV())) == "passed 'a'");
    }
    CHECK(log == std::vector<std::string>{"firstiter", "finalizer", "finally"});
}

// 3.11.7, no hooks (awaits_with_finally's g):
//   ag = g(); A = ag.__anext__(); r(lambda: A.send(None))   -> passed 'a'
//   del ag; gc.collect(); log                               -> []
//   r(lambda: A.send(None)), log                            -> StopIteration(1) []
//   del A; gc.collect(); log                                -> ['finally']
// (yields_with_finally's g):
//   ag = g(); a = ag.__anext__(); b = ag.aclose(); del ag; gc.collect()
//   r(lambda: a.send(None)), log    -> StopIteration(1) []
//   r(lambda: b.send(None)), log    -> StopIteration(None) ['finally']
//   r(lambda: a.send(None))         -> RuntimeError('cannot reuse already awaited __anext__()/asend()')
TEST_CASE("model: asyncgen awaitables keep their generator alive after every handle is dropped, and still work",
          "[model][asyncgen][lifetime]") {
    HookScope scope;
    std::vector<std::string> log;
    {
        std::optional<AsyncGen> ag(std::in_place, awaits_with_finally(&log), AsyncGenMode::CPython311, "g");
        Awaitable a = ag->anext();
        CHECK(show(a.send(NoneV())) == "passed 'a'");
        ag.reset();
        CHECK(log.empty());
        CHECK(show(a.send(NoneV())) == "StopIteration(1)");
        CHECK(log.empty());
    }
    CHECK(log == std::vector<std::string>{"finally"});
    log.clear();
    {
        std::unique_ptr<Awaitable> a, b;  // (std::optional trips GCC 12's -Wmaybe-uninitialized)
        {
            AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
            a = std::make_unique<Awaitable>(ag.anext());
            b = std::make_unique<Awaitable>(ag.aclose());
        }
        CHECK(show(a->send(NoneV())) == "StopIteration(1)");
        CHECK(log.empty());
        CHECK(show(b->send(NoneV())) == "StopIteration(None)");
        CHECK(log == std::vector<std::string>{"finally"});
        CHECK(show(a->send(NoneV())) == "RuntimeError('cannot reuse already awaited __anext__()/asend()')");
        a.reset();
        b.reset();
    }
    CHECK(log == std::vector<std::string>{"finally"});
}

// 3.11.7:
//   kept = []
//   def finalizer(ag): log.append('finalizer'); kept.append(ag)
//   sys.set_asyncgen_hooks(finalizer=finalizer)
//   ag = g(); r(lambda: ag.__anext__().send(None)); del ag; gc.collect()   (yields_with_finally's g)
//   log                                            -> ['finalizer']
//   r(lambda: kept[0].__anext__().send(None)), log -> StopIteration(2) ['finalizer']
//   r(lambda: kept[0].aclose().send(None)), log    -> StopIteration(None) ['finalizer', 'finally']
//   kept.clear(); gc.collect(); log                -> ['finalizer', 'finally']
TEST_CASE("model: asyncgen a finalizer can keep the generator and use it later; it is not finalized twice",
          "[model][asyncgen][lifetime][hooks]") {
    std::vector<std::string> log;
    std::vector<AsyncGen> kept;
    HookScope hooks({nullptr, [&](AsyncGen& ag) {
                         log.push_back("finalizer");
                         kept.push_back(ag);
                     }});
    {
        AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
        ag.anext().send(NoneV());
    }
    REQUIRE(kept.size() == 1);
    CHECK(log == std::vector<std::string>{"finalizer"});
    CHECK(flags(kept[0]) == "Suspended running=0 closed=0");
    CHECK(show(kept[0].anext().send(NoneV())) == "StopIteration(2)");
    CHECK(log == std::vector<std::string>{"finalizer"});
    CHECK(show(kept[0].aclose().send(NoneV())) == "StopIteration(None)");
    CHECK(log == std::vector<std::string>{"finalizer", "finally"});
    kept.clear();
    CHECK(log == std::vector<std::string>{"finalizer", "finally"});
}

// A resurrected generator dropped again while still suspended is not handed
// to the finalizer a second time (PEP 442: tp_finalize runs once); its frame
// is freed.
TEST_CASE("model: asyncgen a resurrected generator dropped again is freed without a second finalizer call",
          "[model][asyncgen][lifetime][hooks]") {
    std::vector<std::string> log;
    std::vector<AsyncGen> kept;
    HookScope hooks({nullptr, [&](AsyncGen& ag) {
                         log.push_back("finalizer");
                         kept.push_back(ag);
                     }});
    {
        AsyncGen ag(yields_with_finally(&log), AsyncGenMode::CPython311, "g");
        ag.anext().send(NoneV());
    }
    REQUIRE(kept.size() == 1);
    kept.clear();
    CHECK(log == std::vector<std::string>{"finalizer", "finally"});
}

// ------------------------------------------------------------ hand-written body

// 3.11.7:
//   async def g():
//       try: yield 1
//       except GeneratorExit:
//           log.append('cleanup')
//           await S('c')
//           log.append('cleaned')
//           raise
//   ag = g(); r(lambda: ag.__anext__().send(None)); c = ag.aclose()
//   r(lambda: c.send(None)), log           -> passed 'c' ['cleanup']
//   r(lambda: c.send(None)), log, flags(ag) -> StopIteration(None) ['cleanup', 'cleaned'] (False, True, False)
namespace {
AsyncGenBody cleans_up_on_close(std::vector<std::string>* log) {
    bool closing = false;
    Value one = I(1);
    try {
        co_yield one;
    } catch (const PyException& e) {
        if (!e.matches(exc::GeneratorExit())) throw;
        log->push_back("cleanup");
        closing = true;  // co_await is not allowed inside a handler: await after it
    }
    if (closing) {
        Suspend s{Str("c")};
        co_await s;
        log->push_back("cleaned");
        throw PyException(exc::GeneratorExit(), "");
    }
}
}  // namespace

TEST_CASE("model: asyncgen a hand-written body catches GeneratorExit around co_yield, awaits its cleanup, re-raises",
          "[model][asyncgen]") {
    HookScope scope;
    std::vector<std::string> log;
    AsyncGen ag(cleans_up_on_close(&log), AsyncGenMode::CPython311, "g");
    CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
    Awaitable c = ag.aclose();
    CHECK(show(c.send(NoneV())) == "passed 'c'");
    CHECK(log == std::vector<std::string>{"cleanup"});
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=1");
    CHECK(show(c.send(NoneV())) == "StopIteration(None)");
    CHECK(log == std::vector<std::string>{"cleanup", "cleaned"});
    CHECK(flags(ag) == "Done running=0 closed=1");
}

// ------------------------------------------------------------ trace

// The traced run is the twin of (3.11.7):
//   async def g():
//       yield 1          # aclose()'s GeneratorExit goes through
//   ag = g(); a = ag.__anext__()
//   r(lambda: a.send(None))              -> StopIteration(1)
//   r(lambda: ag.aclose().send(None))    -> StopIteration(None)
TEST_CASE("model: asyncgen the trace records calls, steps, resumptions, reactions and drops, as JSON lines",
          "[model][asyncgen][trace]") {
    HookScope scope;
    AsyncGenTrace tr;
    {
        AsyncGen ag(scripted_body(seq({R::yield(I(1)), R::propagate()}), &tr), AsyncGenMode::CPython311, "g");
        ag.set_trace(&tr);
        CHECK(ag.trace() == &tr);
        Awaitable a = ag.anext();
        CHECK(show(a.send(NoneV())) == "StopIteration(1)");
        CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
    }
    using K = AsyncGenEvent::Kind;
    std::vector<AsyncGenEvent> want{
        {K::Call, "__anext__", 0, "", "awaitable 0"},
        {K::Resumed, "", -1, "None", ""},
        {K::Reaction, "yield", -1, "1", ""},
        {K::Step, "send", 0, "None", "StopIteration(1)"},
        {K::Call, "aclose", 1, "", "awaitable 1"},
        {K::ThrownIn, "", -1, "GeneratorExit: ", ""},
        {K::Reaction, "propagate", -1, "None", ""},
        {K::Step, "send", 1, "None", "StopIteration(None)"},
        {K::Dropped, "", 1, "", ""},
        {K::Dropped, "", 0, "", ""},
        {K::Finalized, "", -1, "", ""},
    };
    REQUIRE(tr.events.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        INFO("event " << i << ": " << tr.events[i].what << " " << tr.events[i].arg << " " << tr.events[i].result);
        CHECK(tr.events[i] == want[i]);
    }

    std::istringstream lines(tr.to_json_lines());
    std::vector<nlohmann::json> js;
    for (std::string line; std::getline(lines, line);) js.push_back(nlohmann::json::parse(line));
    REQUIRE(js.size() == want.size());
    CHECK(js[0] == nlohmann::json{{"kind", "call"}, {"what", "__anext__"}, {"awaitable", 0}, {"result", "awaitable 0"}});
    CHECK(js[1] == nlohmann::json{{"kind", "resumed"}, {"arg", "None"}});
    CHECK(js[3] == nlohmann::json{{"kind", "step"}, {"what", "send"}, {"awaitable", 0}, {"arg", "None"},
                                  {"result", "StopIteration(1)"}});
    CHECK(js[5] == nlohmann::json{{"kind", "thrown_in"}, {"arg", "GeneratorExit: "}});
    CHECK(js[8] == nlohmann::json{{"kind", "dropped"}, {"awaitable", 1}});
    CHECK(js[10] == nlohmann::json{{"kind", "finalized"}});
}
