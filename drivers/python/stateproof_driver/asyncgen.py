"""Runs AsyncGen scenarios (spec/asyncgen.sm) on this interpreter's real async generators.

The generator's body is scripted: each time it is resumed it records what it
received (Resumed / ThrownIn), then takes its next reaction from the scenario
itself (body_yield, body_await, body_return, body_raise, body_propagate).
Client steps between a resumption and the body's reaction are performed from
inside the running body (re-entrant calls). Awaitables are stepped by hand
with send/throw/close; there is no event loop.

Nothing the body holds refers back to the generator, so dropping the last
reference finalizes it at once, as in a program (no cycle waits for the
collector). Python 3.8 syntax only.
"""

import gc
import sys
import warnings
import weakref

from .trace import Inapplicable, other_exception, other_value

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

# The actions this runner takes and their arguments (driver.py checks every
# request against them): "slot" is 0..SLOTS-1, a tuple lists the names.
_V, _E = tuple(VALUES), tuple(EXCEPTIONS)
ACTIONS = {
    "anext": {"s": "slot"}, "asend": {"s": "slot", "v": _V}, "athrow": {"s": "slot", "e": _E},
    "aclose": {"s": "slot"}, "send": {"s": "slot", "v": _V}, "throw": {"s": "slot", "e": _E},
    "close": {"s": "slot"}, "drop": {"s": "slot"}, "collect": {},
    "body_yield": {"v": _V}, "body_await": {"v": _V}, "body_return": {}, "body_raise": {"e": _E},
    "body_propagate": {},
}
CONSTS = {"FIRSTITER": ("none", "ok", "raises"), "FINALIZER": "bool", "REENTRANT": "bool"}
DEFAULT_SLOTS = 2  # spec/asyncgen.sm's default

# An error the spec treats as an exception kind (Exc), not a message (Msg):
# what a StopIteration thrown at an await becomes in the awaited generator.
GEN_STOP_ITERATION = (RuntimeError, "generator raised StopIteration")

# gh-89091 (3.13): an awaitable of an async generator method that was never
# awaited warns when it is deallocated; earlier versions never do, so their
# drops need not capture warnings (a third of a drop's cost).
WARNS_NEVER_AWAITED = sys.version_info >= (3, 13)

REACTIONS = ("body_yield", "body_await", "body_return", "body_raise", "body_propagate")

# Cycles the interpreter itself makes (tracebacks, warnings) are collected now
# and then rather than after every scenario: a collection costs about the
# same whatever garbage there is, so rarely is cheaper.
COLLECT_EVERY = 20000


class _EndOfScenario(BaseException):
    """Unwinds a body that asks for a reaction the scenario does not have."""


class Suspend:
    """The body's `await` target: suspends once, passing `x` to the event
    loop, and returns what it is sent. Thrown exceptions pass through it."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def __await__(self):
        return (yield self.x)


def value_name(v):
    if v is None:
        return "None"
    if type(v) is str and v in VALUES and VALUES[v] == v:  # V1, V2: the values are their names
        return v
    return other_value(v)


def exception_event(e):
    """The event name and arguments for an exception that escaped a step."""
    typ, msg = type(e), str(e)
    if (typ, msg) == GEN_STOP_ITERATION:
        return "Raised", {"e": "GenStopIteration"}
    name = MESSAGES.get((typ, msg))
    if name is not None:
        return "Err", {"m": name}
    for name, t in EXCEPTIONS.items():
        if typ is t:
            return "Raised", {"e": name}
    return "Raised", {"e": other_exception(e)}


def make_exception(name):
    return EXCEPTIONS[name](TAG)


async def scripted_body(ctl):
    """The async generator under test. `ctl` decides every reaction."""
    value, exc = None, None
    while True:
        if exc is None:
            ctl.emit("Resumed", v=value_name(value))
        else:
            name, args = exception_event(exc)
            ctl.emit("ThrownIn", e=args["e"] if name == "Raised" else other_exception(exc))
        action, args = ctl.next_reaction()
        if action == "body_yield":
            try:
                value, exc = (yield VALUES[args["v"]]), None
            except _EndOfScenario:
                raise
            except BaseException as e:  # the script decides what it catches
                e.__traceback__ = None  # no frame cycle: the generator must die by refcount
                value, exc = None, e
        elif action == "body_await":
            try:
                value, exc = (await Suspend(VALUES[args["v"]])), None
            except _EndOfScenario:
                raise
            except BaseException as e:
                e.__traceback__ = None
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


class Control:
    """What the body and the hooks talk to. It holds the scenario only weakly,
    so no reference cycle goes through the generator."""

    def __init__(self, scenario):
        self.scenario = weakref.ref(scenario)
        self.rec = scenario.rec
        self.finished = False
        self.ended = False  # the body asked for a reaction the scenario does not have
        self.firstiter_raises = scenario.firstiter_raises

    def emit(self, name, **args):
        if not self.finished:
            self.rec.emit(name, **args)

    def next_reaction(self):
        sc = self.scenario()
        if sc is None or self.finished:
            self.ended = True
            raise _EndOfScenario()
        try:
            step = sc.next_reaction()
        except _EndOfScenario:
            self.ended = True
            raise
        return step["action"], step.get("args", {})

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
        if self.finished or isinstance(u.exc_value, _EndOfScenario):
            return
        name, args = exception_event(u.exc_value)
        self.rec.emit("Unraisable" + name, **args)


_scenarios_run = 0


class Scenario:
    def __init__(self, steps, consts, rec):
        self.steps = steps
        self.rec = rec
        self.i = 0
        self.slots = {}
        first = consts.get("FIRSTITER", "ok")
        self.firstiter_raises = first == "raises"
        self.use_firstiter = first != "none"
        self.use_finalizer = bool(consts.get("FINALIZER", False))
        self.ctl = Control(self)
        self.ag = scripted_body(self.ctl)

    def next_reaction(self):
        """Performs re-entrant client steps, then takes the next reaction step."""
        while True:
            if self.i >= len(self.steps):
                raise _EndOfScenario()
            step = self.steps[self.i]
            if step["action"] in REACTIONS:
                self.rec.begin(self.i)
                self.i += 1
                return step
            self.client_step()

    def run(self):
        global _scenarios_run
        ctl = self.ctl
        old_hooks = sys.get_asyncgen_hooks()
        old_unraisable = sys.unraisablehook
        sys.set_asyncgen_hooks(ctl.firstiter if self.use_firstiter else None,
                               ctl.finalize if self.use_finalizer else None)
        sys.unraisablehook = ctl.unraisable
        try:
            while self.i < len(self.steps):
                if self.steps[self.i]["action"] in REACTIONS:
                    self.rec.begin(self.i)
                    raise Inapplicable("the body is not running")
                try:
                    self.client_step()
                except _EndOfScenario:
                    break
        except Inapplicable as e:
            self.rec.stop = (self.rec.current, "inapplicable", str(e))
        finally:
            # Cleanup (finalizing the generator may resume its body) is not
            # part of the scenario: stop recording first.
            ctl.finished = True
            self.rec.current = -1
            self.slots.clear()
            self.ag = None
            _scenarios_run += 1
            if _scenarios_run % COLLECT_EVERY == 0:
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
            except (_EndOfScenario, Inapplicable):
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
            except (_EndOfScenario, Inapplicable):
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
            if WARNS_NEVER_AWAITED:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    del self.slots[s]
                for w in caught:
                    if issubclass(w.category, RuntimeWarning) and "was never awaited" in str(w.message):
                        self.rec.emit("NeverAwaited", s=s)
            else:
                del self.slots[s]
            self.rec.emit("Dropped", s=s)
        elif action == "collect":
            if self.slots:
                raise Inapplicable("awaitables still hold the generator")
            alive = weakref.ref(self.ag)
            self.ag = None
            if alive() is not None:  # a cycle after all: let the collector finalize it
                gc.collect()
            if self.ctl.ended:  # the body was resumed and the scenario ends there
                raise _EndOfScenario()
            self.rec.emit("Collected")
        else:
            raise Inapplicable("unknown action " + action)

    def outcome(self, s, e):
        name, args = exception_event(e)
        self.rec.emit(name, s=s, **args)


def run(steps, consts, rec):
    Scenario(steps, consts, rec).run()
