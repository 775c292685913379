// model/asyncgen: the protocol of semantics.md 1 (every row of the 1.6
// table), its RuntimeErrors, PEP 479, and the differences between modes
// (semantics.md 2 and 3). Each test is the twin of the Python snippet above
// it, run with the prelude of tests/model/asyncgen_helpers.h on the
// interpreter named there (3.11.7 unless said otherwise); its printed result
// follows "->".

#include <catch2/catch.hpp>

#include "tests/model/asyncgen_helpers.h"

using namespace stateproof::model;
using namespace stateproof::model::testing;
using R = Reaction;

// ------------------------------------------------------------ 1.6, row Y(v)

// 3.11.7:
//   async def g():
//       x = yield 1
//       try: yield x
//       except ValueError: yield 'v'
//       try: yield 3
//       except GeneratorExit: yield 4
//   ag = g()
//   r(lambda: ag.__anext__().send(None)), flags(ag)         -> StopIteration(1) (False, False, False)
//   r(lambda: ag.asend(5).send(None)), flags(ag)            -> StopIteration(5) (False, False, False)
//   r(lambda: ag.athrow(ValueError).send(None)), flags(ag)  -> StopIteration('v') (False, False, False)
//   r(lambda: ag.__anext__().send(None))                    -> StopIteration(3)
//   r(lambda: ag.aclose().send(None)), flags(ag)            -> RuntimeError('async generator ignored GeneratorExit') (False, False, False)
TEST_CASE("model: asyncgen 1.6 row Y: anext/asend/athrow finish with the value, aclose is 'ignored GeneratorExit'",
          "[model][asyncgen]") {
    auto seen = new_log();
    int step = 0;
    AsyncGen ag(scripted_body([&step, seen](const Resumption& in) -> std::optional<Reaction> {
                    seen->push_back(in.thrown ? "throw " + show(*in.thrown) : "send " + repr(in.value));
                    switch (step++) {
                    case 0: return R::yield(I(1));
                    case 1: return R::yield(in.value);  // x = yield 1; yield x
                    case 2: return in.thrown && in.thrown->matches(exc::ValueError()) ? R::yield(Str("v")) : R::propagate();
                    case 3: return R::yield(I(3));
                    case 4: return in.thrown && in.thrown->matches(exc::GeneratorExit()) ? R::yield(I(4)) : R::propagate();
                    default: return R::return_();
                    }
                }),
                AsyncGenMode::CPython311, "g");
    CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
    CHECK(show(ag.asend(I(5)).send(NoneV())) == "StopIteration(5)");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
    CHECK(show(ag.athrow(E(exc::ValueError())).send(NoneV())) == "StopIteration('v')");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
    CHECK(show(ag.anext().send(NoneV())) == "StopIteration(3)");
    CHECK(show(ag.aclose().send(NoneV())) == "RuntimeError('async generator ignored GeneratorExit')");
    CHECK(flags(ag) == "Suspended running=0 closed=1");
    CHECK(*seen ==
          std::vector<std::string>{"send None", "send 5", "throw ValueError('')", "send None", "throw GeneratorExit('')"});
}

// ------------------------------------------------------------ 1.6, row P(x)

// 3.11.7:
//   async def g():
//       await S('a')
//       try: yield 1
//       except ValueError: await S('b')
//       try: yield 2
//       except GeneratorExit:
//           await S('c')
//           yield 3
//   ag = g(); a = ag.__anext__()
//   r(lambda: a.send(None)), flags(ag)   -> passed 'a' (True, False, True)
//   r(lambda: a.send(None)), flags(ag)   -> StopIteration(1) (False, False, False)
//   t = ag.athrow(ValueError)
//   r(lambda: t.send(None)), flags(ag)   -> passed 'b' (True, False, True)
//   r(lambda: t.send(None)), flags(ag)   -> StopIteration(2) (False, False, False)
//   c = ag.aclose()
//   r(lambda: c.send(None)), flags(ag)   -> passed 'c' (True, False, True)
//   r(lambda: c.send(None)), flags(ag)   -> RuntimeError('async generator ignored GeneratorExit') (False, False, False)
TEST_CASE("model: asyncgen 1.6 row P: every awaitable passes the await's value through and leaves running set",
          "[model][asyncgen]") {
    auto seen = new_log();
    AsyncGen ag = scripted({R::await(Str("a")), R::yield(I(1)), R::await(Str("b")), R::yield(I(2)), R::await(Str("c")),
                            R::yield(I(3)), R::return_()},
                           AsyncGenMode::CPython311, seen);
    Awaitable a = ag.anext();
    CHECK(show(a.send(NoneV())) == "passed 'a'");
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=0");
    CHECK(show(a.send(NoneV())) == "StopIteration(1)");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
    Awaitable t = ag.athrow(E(exc::ValueError()));
    CHECK(show(t.send(NoneV())) == "passed 'b'");
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=0");
    CHECK(show(t.send(NoneV())) == "StopIteration(2)");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
    Awaitable c = ag.aclose();
    CHECK(show(c.send(NoneV())) == "passed 'c'");
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=1");
    CHECK(show(c.send(NoneV())) == "RuntimeError('async generator ignored GeneratorExit')");
    CHECK(flags(ag) == "Suspended running=0 closed=1");
    CHECK(c.state() == Awaitable::State::Closed);
    CHECK(seen->at(2) == "throw ValueError('')");
    CHECK(seen->at(4) == "throw GeneratorExit('')");
}

// ------------------------------------------------------------ 1.6, row RET

// 3.11.7:
//   async def g(): yield 1
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.__anext__().send(None)), flags(ag)         -> StopAsyncIteration('') (False, True, False)
//   async def g():
//       try: yield 1
//       except ValueError: return
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.athrow(ValueError).send(None)), flags(ag)  -> StopAsyncIteration('') (False, True, False)
//   async def g():
//       try: yield 1
//       except GeneratorExit: return
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.aclose().send(None)), flags(ag)            -> StopIteration(None) (False, True, False)
TEST_CASE("model: asyncgen 1.6 row RET: StopAsyncIteration and closed for anext/athrow, StopIteration(None) for aclose",
          "[model][asyncgen]") {
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::return_()});
        CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
        CHECK(show(ag.anext().send(NoneV())) == "StopAsyncIteration('')");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::return_()});
        ag.anext().send(NoneV());
        CHECK(show(ag.athrow(E(exc::ValueError())).send(NoneV())) == "StopAsyncIteration('')");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::return_()});
        ag.anext().send(NoneV());
        CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
}

// ------------------------------------------------------------ 1.6, row raise GeneratorExit

// 3.11.7:
//   async def g():
//       yield 1
//       raise GeneratorExit
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.__anext__().send(None)), flags(ag)         -> GeneratorExit('') (False, True, False)
//   async def g():
//       try: yield 1
//       except ValueError: raise GeneratorExit
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.athrow(ValueError).send(None)), flags(ag)  -> GeneratorExit('') (False, True, False)
//   async def g(): yield 1            # GeneratorExit goes through
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.aclose().send(None)), flags(ag)            -> StopIteration(None) (False, True, False)
TEST_CASE("model: asyncgen 1.6 row GeneratorExit: raised and closed for anext/athrow, StopIteration(None) for aclose",
          "[model][asyncgen]") {
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::raise(E(exc::GeneratorExit()))});
        ag.anext().send(NoneV());
        CHECK(show(ag.anext().send(NoneV())) == "GeneratorExit('')");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::raise(E(exc::GeneratorExit()))});
        ag.anext().send(NoneV());
        CHECK(show(ag.athrow(E(exc::ValueError())).send(NoneV())) == "GeneratorExit('')");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()});
        ag.anext().send(NoneV());
        CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
}

// ------------------------------------------------------------ 1.6, row raise X

// 3.11.7:
//   async def g():
//       yield 1
//       raise ValueError('x')
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.__anext__().send(None)), flags(ag)              -> ValueError('x') (False, True, False)
//   async def g(): yield 1
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.athrow(ValueError('v')).send(None)), flags(ag)  -> ValueError('v') (False, True, False)
//   async def g():
//       try: yield 1
//       except GeneratorExit: raise ValueError('x')
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.aclose().send(None)), flags(ag)                 -> ValueError('x') (False, True, False)
TEST_CASE("model: asyncgen 1.6 row X: another exception propagates from every method, closed only by aclose",
          "[model][asyncgen]") {
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::raise(E(exc::ValueError(), "x"))});
        ag.anext().send(NoneV());
        CHECK(show(ag.anext().send(NoneV())) == "ValueError('x')");
        CHECK(flags(ag) == "Done running=0 closed=0");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::propagate()});
        ag.anext().send(NoneV());
        CHECK(show(ag.athrow(E(exc::ValueError(), "v")).send(NoneV())) == "ValueError('v')");
        CHECK(flags(ag) == "Done running=0 closed=0");
    }
    {
        // aclose() sets ag_closed before it throws GeneratorExit in.
        AsyncGen ag = scripted({R::yield(I(1)), R::raise(E(exc::ValueError(), "x"))});
        ag.anext().send(NoneV());
        CHECK(show(ag.aclose().send(NoneV())) == "ValueError('x')");
        CHECK(flags(ag) == "Done running=0 closed=1");
    }
}

// ------------------------------------------------------------ 1.6, row frame CREATED

// 3.11.7:
//   ran = []
//   async def g():
//       ran.append('body')
//       yield 1
//   ag = g()
//   r(lambda: ag.asend(5).send(None)), flags(ag), ran              -> TypeError("can't send non-None value to a just-started async generator") (False, False, False) []
//   r(lambda: ag.athrow(ValueError('v')).send(None)), flags(ag), ran -> ValueError('v') (False, True, False) []
//   r(lambda: ag.__anext__().send(None))                            -> StopAsyncIteration('')
//   ag = g()
//   r(lambda: ag.aclose().send(None)), flags(ag), ran              -> StopIteration(None) (False, True, False) []
//   r(lambda: ag.__anext__().send(None))                            -> StopAsyncIteration('')
TEST_CASE("model: asyncgen 1.6 row CREATED: asend(v) is a TypeError, athrow raises E and aclose closes, no body code",
          "[model][asyncgen]") {
    auto seen = new_log();
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311, seen);
        Awaitable a = ag.asend(I(5));
        CHECK(show(a.send(NoneV())) == "TypeError(\"can't send non-None value to a just-started async generator\")");
        CHECK(a.state() == Awaitable::State::Closed);
        CHECK(flags(ag) == "Created running=0 closed=0");
        CHECK(show(ag.athrow(E(exc::ValueError(), "v")).send(NoneV())) == "ValueError('v')");
        CHECK(flags(ag) == "Done running=0 closed=0");
        CHECK(show(ag.anext().send(NoneV())) == "StopAsyncIteration('')");
    }
    {
        AsyncGen ag = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311, seen);
        CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
        CHECK(flags(ag) == "Done running=0 closed=1");
        CHECK(show(ag.anext().send(NoneV())) == "StopAsyncIteration('')");
    }
    CHECK(seen->empty());  // the body never ran
}

// ------------------------------------------------------------ 1.6, row frame DONE

// 3.11.7:
//   async def g(): yield 1
//   ag = g(); r(lambda: ag.__anext__().send(None)); r(lambda: ag.__anext__().send(None))
//   flags(ag)                                         -> (False, True, False)
//   r(lambda: ag.__anext__().send(None))              -> StopAsyncIteration('')
//   r(lambda: ag.asend(5).send(None))                 -> StopAsyncIteration('')
//   r(lambda: ag.athrow(ValueError('v')).send(None))  -> StopIteration(None)
//   r(lambda: ag.aclose().send(None))                 -> StopIteration(None)
TEST_CASE("model: asyncgen 1.6 row DONE: anext/asend StopAsyncIteration, athrow discards E, aclose StopIteration(None)",
          "[model][asyncgen]") {
    auto seen = new_log();
    AsyncGen ag = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311, seen);
    ag.anext().send(NoneV());
    ag.anext().send(NoneV());
    REQUIRE(flags(ag) == "Done running=0 closed=1");
    size_t resumptions = seen->size();
    CHECK(show(ag.anext().send(NoneV())) == "StopAsyncIteration('')");
    CHECK(show(ag.asend(I(5)).send(NoneV())) == "StopAsyncIteration('')");
    CHECK(show(ag.athrow(E(exc::ValueError(), "v")).send(NoneV())) == "StopIteration(None)");
    CHECK(show(ag.aclose().send(NoneV())) == "StopIteration(None)");
    CHECK(seen->size() == resumptions);
    CHECK(flags(ag) == "Done running=0 closed=1");
}

// ------------------------------------------------------------ already running / executing / reuse

// 3.11.7:
//   async def g():
//       await S('a')
//       yield 1
//   ag = g(); A = ag.__anext__()
//   r(lambda: A.send(None)), flags(ag)                 -> passed 'a' (True, False, True)
//   r(lambda: ag.__anext__().send(None))               -> RuntimeError('anext(): asynchronous generator is already running')
//   r(lambda: ag.asend(None).send(None))               -> RuntimeError('anext(): asynchronous generator is already running')
//   r(lambda: ag.athrow(ValueError('v')).send(None))   -> RuntimeError('athrow(): asynchronous generator is already running')
//   r(lambda: ag.aclose().send(None))                  -> RuntimeError('aclose(): asynchronous generator is already running')
//   r(lambda: A.send(None)), flags(ag)                 -> StopIteration(1) (False, False, False)
TEST_CASE("model: asyncgen anext/asend/athrow/aclose while another awaitable drives an await are 'already running'",
          "[model][asyncgen]") {
    AsyncGen ag = scripted({R::await(Str("a")), R::yield(I(1)), R::return_()});
    Awaitable a = ag.anext();
    CHECK(show(a.send(NoneV())) == "passed 'a'");
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=0");
    CHECK(show(ag.anext().send(NoneV())) == "RuntimeError('anext(): asynchronous generator is already running')");
    CHECK(show(ag.asend(NoneV()).send(NoneV())) == "RuntimeError('anext(): asynchronous generator is already running')");
    CHECK(show(ag.athrow(E(exc::ValueError(), "v")).send(NoneV())) ==
          "RuntimeError('athrow(): asynchronous generator is already running')");
    CHECK(show(ag.aclose().send(NoneV())) == "RuntimeError('aclose(): asynchronous generator is already running')");
    CHECK(flags(ag) == "SuspendedInAwait running=1 closed=0");
    CHECK(show(a.send(NoneV())) == "StopIteration(1)");
    CHECK(flags(ag) == "Suspended running=0 closed=0");
}

// 3.11.7 (3.13.0 gives 'anext(): ... already running' for the third, gh-117881):
//   res = []
//   async def g():
//       res.append(r(lambda: ag.__anext__().send(None)))
//       res.append(r(lambda: ag.aclose().send(None)))
//       res.append(r(lambda: ag.__anext__().throw(KeyError)))
//       yield 1
//   ag = g()
//   r(lambda: ag.__anext__().send(None))   -> StopIteration(1)
//   res -> ["RuntimeError('anext(): asynchronous generator is already running')",
//           "RuntimeError('aclose(): asynchronous generator is already running')",
//           "ValueError('async generator already executing')"]
TEST_CASE("model: asyncgen a re-entrant call from inside the body: 'already running', and via throw() 'already executing'",
          "[model][asyncgen]") {
    std::vector<std::string> res;
    AsyncGen* self = nullptr;  // a pointer, not a copy: a copy in its own body would never be freed
    int step = 0;
    AsyncGen ag(scripted_body([&](const Resumption&) -> std::optional<Reaction> {
                    if (step++ > 0) return R::return_();
                    CHECK(self->frame() == FrameState::Executing);
                    res.push_back(show(self->anext().send(NoneV())));
                    res.push_back(show(self->aclose().send(NoneV())));
                    res.push_back(show(self->anext().throw_(E(exc::KeyError()))));
                    return R::yield(I(1));
                }),
                AsyncGenMode::CPython311, "g");
    self = &ag;
    CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
    CHECK(res == std::vector<std::string>{"RuntimeError('anext(): asynchronous generator is already running')",
                                          "RuntimeError('aclose(): asynchronous generator is already running')",
                                          "ValueError('async generator already executing')"});
    CHECK(flags(ag) == "Suspended running=0 closed=0");

    // 3.13 checks ag_running in asend().throw() too (gh-117881).
    res.clear();
    step = 0;
    AsyncGen ag13(scripted_body([&](const Resumption&) -> std::optional<Reaction> {
                      if (step++ > 0) return R::return_();
                      res.push_back(show(self->anext().throw_(E(exc::KeyError()))));
                      return R::yield(I(1));
                  }),
                  AsyncGenMode::CPython313, "g");
    self = &ag13;
    CHECK(show(ag13.anext().send(NoneV())) == "StopIteration(1)");
    CHECK(res == std::vector<std::string>{"RuntimeError('anext(): asynchronous generator is already running')"});
}

// 3.11.7:
//   async def g():
//       yield 1
//       yield 2
//   ag = g(); a = ag.__anext__()
//   r(lambda: a.send(None))               -> StopIteration(1)
//   r(lambda: a.send(None))               -> RuntimeError('cannot reuse already awaited __anext__()/asend()')
//   r(lambda: a.throw(ValueError('v')))   -> RuntimeError('cannot reuse already awaited __anext__()/asend()')
//   c = ag.aclose()
//   r(lambda: c.send(None))               -> StopIteration(None)
//   r(lambda: c.send(None))               -> RuntimeError('cannot reuse already awaited aclose()/athrow()')
//   r(lambda: c.throw(ValueError('v')))   -> RuntimeError('cannot reuse already awaited aclose()/athrow()')
TEST_CASE("model: asyncgen a finished awaitable cannot be reused", "[model][asyncgen]") {
    AsyncGen ag = scripted({R::yield(I(1)), R::propagate()});  // at `yield 1` the GeneratorExit goes through
    Awaitable a = ag.anext();
    CHECK(show(a.send(NoneV())) == "StopIteration(1)");
    CHECK(show(a.send(NoneV())) == "RuntimeError('cannot reuse already awaited __anext__()/asend()')");
    CHECK(show(a.throw_(E(exc::ValueError(), "v"))) == "RuntimeError('cannot reuse already awaited __anext__()/asend()')");
    Awaitable c = ag.aclose();
    CHECK(show(c.send(NoneV())) == "StopIteration(None)");
    CHECK(show(c.send(NoneV())) == "RuntimeError('cannot reuse already awaited aclose()/athrow()')");
    CHECK(show(c.throw_(E(exc::ValueError(), "v"))) == "RuntimeError('cannot reuse already awaited aclose()/athrow()')");
    CHECK(flags(ag) == "Done running=0 closed=1");
}

// 3.11.7 (D7):
//   async def g():
//       try: yield 1
//       except ValueError: yield 'caught'
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   t = ag.athrow(ValueError('v'))
//   r(lambda: t.send(1))      -> RuntimeError("can't send non-None value to a just-started coroutine")
//   r(lambda: t.send(None))   -> StopIteration('caught')
TEST_CASE("model: asyncgen athrow(E).send(1) on a suspended generator is the just-started RuntimeError and stays INIT",
          "[model][asyncgen]") {
    auto seen = new_log();
    AsyncGen ag = scripted({R::yield(I(1)), R::yield(Str("caught")), R::return_()}, AsyncGenMode::CPython311, seen);
    ag.anext().send(NoneV());
    Awaitable t = ag.athrow(E(exc::ValueError(), "v"));
    CHECK(show(t.send(I(1))) == "RuntimeError(\"can't send non-None value to a just-started coroutine\")");
    CHECK(t.state() == Awaitable::State::Init);
    CHECK(seen->size() == 1);  // the body was not resumed
    CHECK(show(t.send(NoneV())) == "StopIteration('caught')");
    CHECK(seen->back() == "throw ValueError('v')");
}

// ------------------------------------------------------------ PEP 479

// 3.11.7:
//   async def g():
//       yield 1
//       raise StopIteration('s')
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.__anext__().send(None)), flags(ag)  -> RuntimeError('async generator raised StopIteration') (False, True, False)
//   async def g():
//       yield 1
//       raise StopAsyncIteration
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.__anext__().send(None)), flags(ag)  -> RuntimeError('async generator raised StopAsyncIteration') (False, True, False)
TEST_CASE("model: asyncgen a body raising StopIteration or StopAsyncIteration raises RuntimeError (PEP 479)",
          "[model][asyncgen]") {
    AsyncGen a = scripted({R::yield(I(1)), R::raise(E(exc::StopIteration(), "s"))});
    a.anext().send(NoneV());
    CHECK(show(a.anext().send(NoneV())) == "RuntimeError('async generator raised StopIteration')");
    CHECK(flags(a) == "Done running=0 closed=0");
    AsyncGen b = scripted({R::yield(I(1)), R::raise(E(exc::StopAsyncIteration()))});
    b.anext().send(NoneV());
    CHECK(show(b.anext().send(NoneV())) == "RuntimeError('async generator raised StopAsyncIteration')");
    CHECK(flags(b) == "Done running=0 closed=0");
}

// 3.11.7 (the same on 3.12.1 and 3.13.0):
//   async def g():
//       try: await S('a')
//       except RuntimeError as e: yield str(e)
//   ag = g(); A = ag.__anext__()
//   r(lambda: A.send(None))            -> passed 'a'
//   r(lambda: A.throw(StopIteration))  -> StopIteration('generator raised StopIteration')
//   async def g(): yield 1
//   ag = g(); r(lambda: ag.__anext__().send(None))
//   r(lambda: ag.athrow(StopIteration).send(None))  -> RuntimeError('async generator raised StopIteration')
TEST_CASE("model: asyncgen StopIteration thrown in at an await arrives as RuntimeError('generator raised StopIteration')",
          "[model][asyncgen]") {
    // except RuntimeError as e: yield str(e)
    int step = 0;
    AsyncGen ag(scripted_body([&step](const Resumption& in) -> std::optional<Reaction> {
                    if (step++ == 0) return R::await(Str("a"));
                    if (in.thrown && in.thrown->matches(exc::RuntimeError())) return R::yield(Str(in.thrown->message()));
                    return R::return_();
                }),
                AsyncGenMode::CPython311, "g");
    Awaitable a = ag.anext();
    CHECK(show(a.send(NoneV())) == "passed 'a'");
    CHECK(show(a.throw_(E(exc::StopIteration()))) == "StopIteration('generator raised StopIteration')");
    // At a yield it reaches the body unchanged and leaves it as PEP 479's error.
    AsyncGen b = scripted({R::yield(I(1)), R::propagate()});
    b.anext().send(NoneV());
    CHECK(show(b.athrow(E(exc::StopIteration())).send(NoneV())) == "RuntimeError('async generator raised StopIteration')");
}

// ------------------------------------------------------------ mode differences

// D1, 3.11.7 and 3.13.0 alike:
//   async def g():
//       try: yield 1
//       except GeneratorExit: yield 2
//       yield 3
//   ag = g()
//   r(lambda: ag.__anext__().send(None))   -> StopIteration(1)
//   r(lambda: ag.aclose().send(None))      -> RuntimeError('async generator ignored GeneratorExit')
//   r(lambda: ag.__anext__().send(None))   -> StopIteration(3)
// The reference text promises StopAsyncIteration after aclose(): Reference
// abandons the frame instead.
TEST_CASE("model: asyncgen D1: after aclose's ignored GeneratorExit CPython yields again, Reference has ended the frame",
          "[model][asyncgen]") {
    auto body = [] { return std::vector<Reaction>{R::yield(I(1)), R::yield(I(2)), R::yield(I(3)), R::return_()}; };
    for (AsyncGenMode m : {AsyncGenMode::CPython311, AsyncGenMode::CPython313}) {
        AsyncGen ag = scripted(body(), m);
        CHECK(show(ag.anext().send(NoneV())) == "StopIteration(1)");
        CHECK(show(ag.aclose().send(NoneV())) == "RuntimeError('async generator ignored GeneratorExit')");
        CHECK(flags(ag) == "Suspended running=0 closed=1");
        CHECK(show(ag.anext().send(NoneV())) == "StopIteration(3)");
    }
    AsyncGen ref = scripted(body(), AsyncGenMode::Reference);
    CHECK(show(ref.anext().send(NoneV())) == "StopIteration(1)");
    CHECK(show(ref.aclose().send(NoneV())) == "RuntimeError('async generator ignored GeneratorExit')");
    CHECK(flags(ref) == "Done running=0 closed=1");
    CHECK(show(ref.anext().send(NoneV())) == "StopAsyncIteration('')");
}

// D2, 3.11.7 (the D1 generator, after its aclose()):
//   r(lambda: ag.aclose().send(None)), flags(ag)   -> StopAsyncIteration('') (False, False, False)
//   r(lambda: ag.athrow(ValueError).send(None))    -> StopAsyncIteration('')  (ValueError is not thrown)
//   r(lambda: ag.__anext__().send(None))           -> StopIteration(3)
// (3.13.0 the same.)
// The reference text says aclose() of a closed generator finishes: StopIteration(None).
TEST_CASE("model: asyncgen D2: aclose of a closed, unfinished generator is StopAsyncIteration; Reference finishes",
          "[model][asyncgen]") {
    auto seen = new_log();
    AsyncGen ag = scripted({R::yield(I(1)), R::yield(I(2)), R::yield(I(3)), R::return_()}, AsyncGenMode::CPython311, seen);
    ag.anext().send(NoneV());
    ag.aclose().send(NoneV());
    REQUIRE(flags(ag) == "Suspended running=0 closed=1");
    size_t resumptions = seen->size();
    CHECK(show(ag.aclose().send(NoneV())) == "StopAsyncIteration('')");
    CHECK(show(ag.athrow(E(exc::ValueError())).send(NoneV())) == "StopAsyncIteration('')");
    CHECK(seen->size() == resumptions);
    CHECK(flags(ag) == "Suspended running=0 closed=1");
    CHECK(show(ag.anext().send(NoneV())) == "StopIteration(3)");

    AsyncGen ref = scripted({R::yield(I(1)), R::yield(I(2)), R::yield(I(3)), R::return_()}, AsyncGenMode::Reference);
    ref.anext().send(NoneV());
    ref.aclose().send(NoneV());
    CHECK(show(ref.aclose().send(NoneV())) == "StopIteration(None)");
}

// gh-117714. 3.11.7:
//   async def g():
//       await S('a')
//       yield 1
//   ag = g(); A = ag.__anext__()
//   r(lambda: A.send(None))                -> passed 'a'
//   A.close(); flags(ag)                   -> None (True, False, True)
//   r(lambda: ag.__anext__().send(None))   -> RuntimeError('anext(): asynchronous generator is already running')
// 3.13.0, the same snippet:
//   A.close(); flags(ag)                   -> None (False, True, False)
//   r(lambda: ag.__anext__().send(None))   -> StopAsyncIteration('')
TEST_CASE("model: asyncgen 3.13's awaitable close() throws GeneratorExit in; 3.11's only marks the awaitable",
          "[model][asyncgen]") {
    AsyncGen old = scripted({R::await(Str("a")), R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311);
    Awaitable a = old.anext();
    CHECK(show(a.send(NoneV())) == "passed 'a'");
    CHECK(show(a.close()) == "closed None");
    CHECK(a.state() == Awaitable::State::Closed);
    CHECK(flags(old) == "SuspendedInAwait running=1 closed=0");
    CHECK(show(old.anext().send(NoneV())) == "RuntimeError('anext(): asynchronous generator is already running')");

    auto seen = new_log();
    // The GeneratorExit thrown in at the await goes through the body.
    AsyncGen now = scripted({R::await(Str("a")), R::propagate()}, AsyncGenMode::CPython313, seen);
    Awaitable b = now.anext();
    CHECK(show(b.send(NoneV())) == "passed 'a'");
    CHECK(show(b.close()) == "closed None");
    CHECK(seen->back() == "throw GeneratorExit('')");
    CHECK(flags(now) == "Done running=0 closed=1");
    CHECK(show(now.anext().send(NoneV())) == "StopAsyncIteration('')");
}

// 3.13.0 (D9):
//   async def g():
//       try: yield 1
//       except GeneratorExit: yield 2
//   ag = g(); r(lambda: ag.__anext__().send(None)); B = ag.__anext__()
//   B.close(), flags(ag)   -> None (False, False, False)     (3.11.7: the same, but nothing was thrown in)
TEST_CASE("model: asyncgen 3.13's close() of an INIT __anext__() returns None even when the body yields",
          "[model][asyncgen]") {
    auto seen = new_log();
    AsyncGen ag = scripted({R::yield(I(1)), R::yield(I(2)), R::return_()}, AsyncGenMode::CPython313, seen);
    ag.anext().send(NoneV());
    Awaitable b = ag.anext();
    CHECK(show(b.close()) == "closed None");
    CHECK(seen->back() == "throw GeneratorExit('')");
    CHECK(flags(ag) == "Suspended running=0 closed=0");

    auto seen11 = new_log();
    AsyncGen old = scripted({R::yield(I(1)), R::yield(I(2)), R::return_()}, AsyncGenMode::CPython311, seen11);
    old.anext().send(NoneV());
    CHECK(show(old.anext().close()) == "closed None");
    CHECK(seen11->size() == 1);  // nothing thrown in
}

// 3.11.7:
//   async def g(): yield 1
//   ag = g(); r(lambda: ag.athrow(StopIteration).send(None)), flags(ag)
//       -> RuntimeError('async generator raised StopIteration') (False, True, False)
//   ag = g(); r(lambda: ag.athrow(StopAsyncIteration).send(None))
//       -> RuntimeError('async generator raised StopAsyncIteration')
// 3.12.1 (and 3.13.0), the same snippet:
//       -> StopIteration(None) (False, True, False)     (the StopIteration itself, raised out of send())
//       -> StopAsyncIteration('')
TEST_CASE("model: asyncgen a StopIteration thrown into a never-started frame: 3.11 converts it (PEP 479), 3.12 does not",
          "[model][asyncgen]") {
    AsyncGen a11 = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311);
    CHECK(show(a11.athrow(E(exc::StopIteration())).send(NoneV())) == "RuntimeError('async generator raised StopIteration')");
    CHECK(flags(a11) == "Done running=0 closed=0");
    AsyncGen b11 = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython311);
    CHECK(show(b11.athrow(E(exc::StopAsyncIteration())).send(NoneV())) ==
          "RuntimeError('async generator raised StopAsyncIteration')");

    AsyncGen a12 = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython312);
    Outcome o = a12.athrow(E(exc::StopIteration())).send(NoneV());
    // Python cannot tell a raised StopIteration() from a finished awaitable.
    REQUIRE(o.kind == Outcome::Kind::Raised);
    CHECK(o.error->cls().name() == "StopIteration");
    CHECK(flags(a12) == "Done running=0 closed=0");
    AsyncGen b12 = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython312);
    CHECK(show(b12.athrow(E(exc::StopAsyncIteration())).send(NoneV())) == "StopAsyncIteration('')");
    AsyncGen a13 = scripted({R::yield(I(1)), R::return_()}, AsyncGenMode::CPython313);
    CHECK(show(a13.athrow(E(exc::StopIteration())).send(NoneV())) == "StopIteration('')");
}

// CPython 3.12.7 (Pyodide 0.27.7; 3.11.7 and 3.12.1 give StopIteration(2)
// for the last line, 3.13.0 the same as 3.12.7):
//   @types.coroutine
//   def aw(): return (yield 'a')
//   async def k(): await aw(); yield 1; yield 2
//   ag = k(); A = ag.__anext__(); r(lambda: A.send(None))   -> 'a'
//   B = ag.__anext__(); r(lambda: B.send(None))  -> RuntimeError('anext(): asynchronous generator is already running')
//   r(lambda: A.send(None))                      -> StopIteration(1)
//   r(lambda: B.send(None))                      -> RuntimeError('cannot reuse already awaited __anext__()/asend()')
// and, the D9 snippet above on 3.12.7: B.close() -> None with nothing thrown
// in (3.13.0 throws GeneratorExit in).
TEST_CASE("model: asyncgen 3.12.4+ closes an awaitable refused as 'already running' (gh-117881) but keeps 3.12's close()",
          "[model][asyncgen]") {
    for (AsyncGenMode mode : {AsyncGenMode::CPython312, AsyncGenMode::CPython3124, AsyncGenMode::CPython313}) {
        INFO("mode " << int(mode));
        bool backported = mode != AsyncGenMode::CPython312;
        AsyncGen ag = scripted({R::await(Str("a")), R::yield(I(1)), R::yield(I(2)), R::return_()}, mode);
        Awaitable a = ag.anext();
        CHECK(show(a.send(NoneV())) == "passed 'a'");
        Awaitable b = ag.anext();
        CHECK(show(b.send(NoneV())) == "RuntimeError('anext(): asynchronous generator is already running')");
        CHECK(show(a.send(NoneV())) == "StopIteration(1)");
        CHECK(show(b.send(NoneV())) == (backported ? "RuntimeError('cannot reuse already awaited __anext__()/asend()')"
                                                   : "StopIteration(2)"));

        auto seen = new_log();
        AsyncGen g = scripted({R::yield(I(1)), R::yield(I(2)), R::return_()}, mode, seen);
        g.anext().send(NoneV());
        CHECK(show(g.anext().close()) == "closed None");
        CHECK(seen->size() == (mode == AsyncGenMode::CPython313 ? 2u : 1u));  // 3.13 throws GeneratorExit in
    }
}
