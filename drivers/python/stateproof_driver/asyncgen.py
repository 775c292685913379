"""Runs AsyncGen scenarios (spec/asyncgen.sm) on this interpreter's real async generators.

The generator's body is scripted: each time it is resumed it records what it
received (Resumed / ThrownIn), then takes its next reaction from the scenario
itself (body_yield, body_await, body_return, body_raise, body_propagate).
Client steps between a resumption and the body's reaction are performed from
inside the running body (re-entrant calls). Awaitables are stepped by hand
with send/throw/close; there is no event loop.

Python 3.8 syntax only.
"""

import gc
import sys
import warnings

from .trace import Inapplicable

VALUES = {"None": None, "V1": "V1", "V2": "V2"}

# Exceptions the scenarios throw or the body raises carry this message, so
# they are told apart from the interpreter's own errors of the same type.
TAG = "stateproof"

EXCEPTIONS = {
    "ValueError": ValueError,
    "KeyError": KeyError,
    "GeneratorExit": GeneratorExit,
    "StopIteration": StopIteration,
    "StopAsyncIteration": StopAsyncIteration,
}

# The interpreter's own errors, by type and message, as the spec's Msg enum.
MESSAGES = {
    (TypeError, "can't send non-None value to a just-started async generator"): "AgenJustStarted",
    (RuntimeError, "can't send non-None value to a just-started coroutine"): "CoroJustStarted",
    (ValueError, "async generator already executing"): "AlreadyExecuting",
    (RuntimeError, "anext(): asynchronous generator is already running"): "AnextRunning",
    (RuntimeError, "athrow(): asynchronous generator is already running"): "AthrowRunning",
    (RuntimeError, "aclose(): asynchronous generator is already running"): "AcloseRunning",
    (RuntimeError, "cannot reuse already awaited __anext__()/asend()"): "ReuseAsend",
    (RuntimeError, "cannot reuse already awaited aclose()/athrow()"): "ReuseAthrow",
    (RuntimeError, "async generator ignored GeneratorExit"): "IgnoredGeneratorExit",
    (RuntimeError, "coroutine ignored GeneratorExit"): "CoroIgnoredGeneratorExit",
    (RuntimeError, "async generator raised StopIteration"): "RaisedStopIteration",
    (RuntimeError, "async generator raised StopAsyncIteration"): "RaisedStopAsyncIteration",
}

REACTIONS = ("body_yield", "body_await", "body_return", "body_raise", "body_propagate")


class _EndOfScenario(BaseException):
    """Unwinds a body that asks for a reaction the scenario does not have."""


class Suspend:
    """The body's `await` target: suspends once, passing `x` to the event
    loop, and returns what it is sent. Thrown exceptions pass through it."""

    def __init__(self, x):
        self.x = x

    def __await__(self):
        return (yield self.x)


def value_name(v):
    for name, value in VALUES.items():
        if value == v:
            return name
    return repr(v)


def exception_event(e):
    """The event for an exception that escaped a step."""
    for (typ, msg), name in MESSAGES.items():
        if type(e) is typ and str(e) == msg:
            return "Err", {"m": name}
    for name, typ in EXCEPTIONS.items():
        if type(e) is typ:
            return "Raised", {"e": name}
    return "Raised", {"e": "Other:" + type(e).__name__ + ":" + str(e)}


def make_exception(name):
    return EXCEPTIONS[name](TAG)


class Scenario:
    def __init__(self, steps, consts, rec):
        self.steps = steps
        self.rec = rec
        self.i = 0
        self.slots = {}
        self.finished = False
        self.firstiter_raises = consts.get("FIRSTITER", "ok") == "raises"
        self.hooks = consts.get("FIRSTITER", "ok") != "none"
        self.finalizer = bool(consts.get("FINALIZER", False))
        self.ag = self.body()

    # -- the scripted body
    async def body(self):
        value, exc = None, None
        while True:
            if exc is None:
                self.rec.emit("Resumed", v=value_name(value))
            else:
                self.rec.emit("ThrownIn", e=exception_event(exc)[1].get("e", type(exc).__name__))
            step = self.next_reaction()
            action, args = step["action"], step.get("args", {})
            if action == "body_yield":
                try:
                    value, exc = (yield VALUES[args["v"]]), None
                except BaseException as e:  # noqa: B902 - the script decides
                    if isinstance(e, _EndOfScenario):
                        raise
                    value, exc = None, e
            elif action == "body_await":
                try:
                    value, exc = (await Suspend(VALUES[args["v"]])), None
                except BaseException as e:
                    if isinstance(e, _EndOfScenario):
                        raise
                    value, exc = None, e
            elif action == "body_return":
                return
            elif action == "body_raise":
                raise make_exception(args["e"])
            elif action == "body_propagate":
                if exc is None:
                    raise Inapplicable("body_propagate without an exception thrown in")
                raise exc
            else:
                raise Inapplicable("unknown body reaction " + action)

    def next_reaction(self):
        """Performs re-entrant client steps, then takes the next reaction step."""
        while True:
            if self.finished or self.i >= len(self.steps):
                raise _EndOfScenario()
            step = self.steps[self.i]
            if step["action"] in REACTIONS:
                self.rec.begin(self.i)
                self.i += 1
                return step
            self.client_step()

    # -- hooks (sys.set_asyncgen_hooks)
    def firstiter(self, ag):
        if self.finished:
            return
        self.rec.emit("FirstIter")
        if self.firstiter_raises:
            raise KeyError(TAG)

    def finalize(self, ag):
        if not self.finished:
            self.rec.emit("FinalizerCalled")

    def unraisable(self, u):
        if self.finished:
            return
        name, args = exception_event(u.exc_value)
        self.rec.emit("Unraisable" + name, **args)

    # -- the client
    def run(self):
        old_hooks = sys.get_asyncgen_hooks()
        old_unraisable = sys.unraisablehook
        if self.hooks:
            sys.set_asyncgen_hooks(self.firstiter, self.finalize if self.finalizer else None)
        else:
            sys.set_asyncgen_hooks(None, None)
        sys.unraisablehook = self.unraisable
        try:
            while self.i < len(self.steps):
                if self.steps[self.i]["action"] in REACTIONS:
                    raise Inapplicable("the body is not running")
                try:
                    self.client_step()
                except _EndOfScenario:
                    break
        finally:
            # Cleanup (collecting the generator may resume its body) is not
            # part of the scenario: stop recording first.
            self.finished = True
            self.rec.current = -1
            self.slots.clear()
            self.ag = None
            gc.collect()
            sys.set_asyncgen_hooks(*old_hooks)
            sys.unraisablehook = old_unraisable

    def client_step(self):
        step = self.steps[self.i]
        self.rec.begin(self.i)
        self.i += 1
        action, args = step["action"], step.get("args", {})
        s = args.get("s")
        if action in ("anext", "asend", "athrow", "aclose"):
            if self.ag is None:
                raise Inapplicable("the generator was collected")
            try:
                if action == "anext":
                    aw = self.ag.__anext__()
                elif action == "asend":
                    aw = self.ag.asend(VALUES[args["v"]])
                elif action == "athrow":
                    aw = self.ag.athrow(make_exception(args["e"]))
                else:
                    aw = self.ag.aclose()
            except _EndOfScenario:
                raise
            except BaseException as e:
                self.outcome(s, e)
                return
            self.slots[s] = aw
            self.rec.emit("NewAwaitable", s=s)
        elif action in ("send", "throw", "close"):
            aw = self.slots.get(s)
            if aw is None:
                raise Inapplicable("no awaitable in slot %d" % s)
            try:
                if action == "send":
                    r = aw.send(VALUES[args["v"]])
                elif action == "throw":
                    r = aw.throw(make_exception(args["e"]))
                else:
                    aw.close()
                    self.rec.emit("CloseReturned", s=s)
                    return
            except _EndOfScenario:
                raise
            except StopIteration as e:
                if e.args and e.args[0] == TAG:
                    # Our own thrown StopIteration escaping unconverted (3.12+
                    # throwing into a never-started generator), not a result.
                    self.rec.emit("Raised", s=s, e="StopIteration")
                else:
                    self.rec.emit("StopIter", s=s, v=value_name(e.value))
                return
            except BaseException as e:
                self.outcome(s, e)
                return
            self.rec.emit("Passed", s=s, v=value_name(r))
        elif action == "drop":
            if s not in self.slots:
                raise Inapplicable("no awaitable in slot %d" % s)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                del self.slots[s]
                gc.collect()
            for w in caught:
                if issubclass(w.category, RuntimeWarning) and "was never awaited" in str(w.message):
                    self.rec.emit("NeverAwaited", s=s)
            self.rec.emit("Dropped", s=s)
        elif action == "collect":
            if self.slots:
                raise Inapplicable("awaitables still hold the generator")
            self.ag = None
            gc.collect()
            self.rec.emit("Collected")
        else:
            raise Inapplicable("unknown action " + action)

    def outcome(self, s, e):
        if isinstance(e, (_EndOfScenario, Inapplicable)):
            raise e
        name, args = exception_event(e)
        self.rec.emit(name, s=s, **args)


def run(steps, consts, rec):
    Scenario(steps, consts, rec).run()
