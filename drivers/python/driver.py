#!/usr/bin/env python3
"""stateproof driver for Python interpreters (protocol 1; docs/driver-protocol.md).

Reads JSON lines on stdin, writes JSON lines on stdout:
  {"op": "hello", "protocol": 1}            -> {"op": "hello", "protocol": 1, "implementation": ..., "machines": [...]}
  {"op": "run", "id": N, "machine": M, "consts": {...}, "steps": [{"action": A, "args": {...}}, ...]}
                                            -> {"op": "trace", "id": N, "steps": [{"events": [...]}, ...]}
  {"op": "bye"}                             -> exits
Every other line gets exactly one answer: a request it cannot take (not a
JSON object, unknown op, machine or action, a missing, wrongly typed or
out-of-range argument) gets {"op": "error", "id": N, "message": ...} naming
the step and argument, and serving goes on. What the implementation does is
never an error: outcomes the spec has no name for are reported as
Other:Type:message and Value:repr (stateproof_driver/trace.py).
Standard library only; runs on Python 3.8 and later.

For people: `driver.py --try MACHINE "anext s=0; send s=0 v=None; body_yield v=V1"`
prints the events of one scenario.
"""

import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from stateproof_driver import asyncgen, attribute, subscript  # noqa: E402
from stateproof_driver.trace import Inapplicable, Recorder, Unsupported  # noqa: E402

PROTOCOL = 1
MODULES = {"AsyncGen": asyncgen, "AttributeLookup": attribute, "Subscript": subscript}
MACHINES = {name: module.run for name, module in MODULES.items()}


def implementation():
    return "%s %s (%s)" % (platform.python_implementation(), platform.python_version(), sys.version.replace("\n", " "))


class BadRequest(Exception):
    """A request this driver cannot take: a bug on the checker's side of the
    pipe (or the driver's), never the implementation's behaviour."""


def _kind_name(kind):
    if kind == "slot":
        return "a slot (an integer 0..SLOTS-1)"
    if kind == "bool":
        return "true or false"
    if isinstance(kind, range):
        return "an integer %d..%d" % (kind.start, kind.stop - 1)
    return "one of " + ", ".join(kind)


def _compile(params):
    """A check of one step's args for an action's params (name -> kind): one
    expression, since it runs for every step of every request."""
    env, conds = {}, ["type(a) is dict", "len(a) == %d" % len(params)]
    for i, (name, kind) in enumerate(params.items()):
        if kind == "slot":
            conds.append("type(a.get(%r)) is int and 0 <= a[%r] < n" % (name, name))
        elif kind == "bool":
            conds.append("type(a.get(%r)) is bool" % (name,))
        elif isinstance(kind, range):
            conds.append("type(a.get(%r)) is int and %d <= a[%r] < %d" % (name, kind.start, name, kind.stop))
        else:
            env["K%d" % i] = frozenset(kind)
            conds.append("a.get(%r) in K%d" % (name, i))
    return eval("lambda a, n: " + " and ".join(conds), env)


# Per machine, per action: the check of its arguments.
_CHECKS = {m: {a: _compile(params) for a, params in module.ACTIONS.items()} for m, module in MODULES.items()}
_NO_ARGS = {}


def _check_consts(machine, consts):
    """Checks the constants the machine's runner reads; returns SLOTS (or None)."""
    if not isinstance(consts, dict):
        raise BadRequest("consts is not an object")
    module = MODULES[machine]
    for name, kind in getattr(module, "CONSTS", {}).items():
        if name in consts and not _fits(consts[name], kind, None):
            raise BadRequest("const %s = %s: expected %s" % (name, json.dumps(consts[name]), _kind_name(kind)))
    slots = consts.get("SLOTS", getattr(module, "DEFAULT_SLOTS", None))
    if slots is not None and (type(slots) is not int or slots < 1):
        raise BadRequest("const SLOTS = %s: expected a positive integer" % json.dumps(slots))
    return slots


_last_consts = [None, None, None]  # machine, consts, SLOTS of the last valid request


def validate(machine, steps, consts):
    """Checks a run request against what the machine's runner expects; raises
    BadRequest naming the step and the argument. The runners may then index
    arguments without checking."""
    checks = _CHECKS.get(machine) if isinstance(machine, str) else None
    if checks is None:
        raise BadRequest("unknown machine %s (this driver runs %s)" % (json.dumps(machine), ", ".join(sorted(MACHINES))))
    if _last_consts[0] == machine and _last_consts[1] == consts:  # the usual case: as in the last request
        slots = _last_consts[2]
    else:
        slots = _check_consts(machine, consts)
        _last_consts[:] = [machine, dict(consts), slots]
    if type(steps) is not list:
        raise BadRequest("steps is not an array")
    try:
        for step in steps:
            if not checks[step["action"]](step.get("args", _NO_ARGS), slots):
                break
        else:
            return
    except (TypeError, AttributeError, KeyError):  # not an object, no or an unknown action, unhashable names
        pass
    _explain(machine, steps, consts, slots)


def _explain(machine, steps, consts, slots):
    """Why the steps are not what the runner expects: raises BadRequest naming
    the step and the argument (the slow path of validate)."""
    actions = MODULES[machine].ACTIONS
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            raise BadRequest("step %d is not an object" % i)
        action = step.get("action")
        params = actions.get(action) if isinstance(action, str) else None
        if params is None:
            raise BadRequest("step %d: unknown action %s for %s" % (i, json.dumps(action), machine))
        args = step.get("args", {})
        if not isinstance(args, dict):
            raise BadRequest("step %d (%s): args is not an object" % (i, action))
        for name, kind in params.items():
            if name not in args:
                raise BadRequest("step %d (%s): missing argument %s" % (i, action, name))
            if not _fits(args[name], kind, slots):
                raise BadRequest("step %d (%s): argument %s = %s: expected %s"
                                 % (i, action, name, json.dumps(args[name]), _kind_name(kind)))
        for name in args:
            if name not in params:
                raise BadRequest("step %d (%s): unexpected argument %s" % (i, action, json.dumps(name)))
    raise BadRequest("the steps do not fit the runner (no single step to blame)")


def _fits(value, kind, slots):
    if kind == "slot":
        return type(value) is int and 0 <= value < (slots or 0)
    if kind == "bool":
        return type(value) is bool
    if isinstance(kind, range):
        return type(value) is int and value in kind
    return type(value) is str and value in kind


def run_scenario(machine, steps, consts):
    validate(machine, steps, consts)
    rec = Recorder(steps)
    try:
        MACHINES[machine](steps, consts, rec)
    except Inapplicable as e:
        if rec.stop is None:
            rec.stop = (max(rec.current, 0), "inapplicable", str(e))
    except Unsupported as e:
        if rec.stop is None:
            rec.stop = (max(rec.current, 0), "unsupported", str(e))
    return rec.result()


# Compact, and no cycle check: replies are plain trees built here.
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def _error(msg_id, message):
    return {"op": "error", "id": msg_id, "message": message}


def answer(raw):
    """The one answer to one input line (bytes), or None for bye. Never raises
    (short of KeyboardInterrupt): a request it cannot take gets an error answer."""
    try:
        line = raw.decode("utf-8").strip()
    except UnicodeDecodeError as e:
        return _error(None, "request is not UTF-8: %s" % e)
    if not line:
        return _error(None, "empty request")
    try:
        msg = json.loads(line)
    except RecursionError:
        return _error(None, "bad JSON: nested too deeply")
    except Exception as e:  # ValueError, and anything else the parser may raise
        return _error(None, "bad JSON: %s" % e)
    if not isinstance(msg, dict):
        return _error(None, "request is not a JSON object: %s" % line[:80])
    msg_id = msg.get("id")
    op = msg.get("op")
    if op == "hello":
        return {"op": "hello", "protocol": PROTOCOL, "implementation": implementation(), "machines": sorted(MACHINES)}
    if op == "bye":
        return None
    if op != "run":
        return _error(msg_id, "unknown op %s" % json.dumps(op))
    try:
        steps = run_scenario(msg.get("machine"), msg.get("steps"), msg.get("consts", {}))
        return {"op": "trace", "id": msg_id, "steps": steps}
    except BadRequest as e:
        return _error(msg_id, "bad request: %s" % e)
    except Unsupported as e:
        return {"op": "trace", "id": msg_id, "unsupported": str(e), "steps": []}
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # a bug in the driver: report it, keep serving
        return _error(msg_id, "driver bug: %s: %s" % (type(e).__name__, e))


def serve(inp, out):
    """inp yields bytes lines; out is a text stream. One answer line per input
    line, in order, except bye (which ends serving)."""
    for raw in inp:
        reply = answer(raw)
        if reply is None:
            return
        try:
            text = _encode(reply)
        except Exception as e:  # not expected: replies hold only JSON values
            text = _encode(_error(None, "driver bug: unencodable answer: %s: %s" % (type(e).__name__, e)))
        out.write(text + "\n")
        out.flush()


def parse_try(text):
    """`anext s=0; send s=0 v=None` -> steps."""
    steps = []
    for part in text.split(";"):
        words = part.split()
        if not words:
            continue
        args = {}
        for w in words[1:]:
            k, _, v = w.partition("=")
            args[k] = int(v) if v.lstrip("-").isdigit() else (v == "true" if v in ("true", "false") else v)
        steps.append({"action": words[0], "args": args})
    return steps


def main(argv):
    if len(argv) >= 3 and argv[0] == "--try":
        consts = {}
        for c in argv[3:]:
            k, _, v = c.partition("=")
            consts[k] = int(v) if v.isdigit() else (v == "true" if v in ("true", "false") else v)
        steps = parse_try(argv[2])
        try:
            results = run_scenario(argv[1], steps, consts)
        except (BadRequest, Unsupported) as e:
            print("%s: %s" % ("bad request" if isinstance(e, BadRequest) else "unsupported", e), file=sys.stderr)
            return 2
        for step, res in zip(steps, results):
            args = " ".join("%s=%s" % kv for kv in step.get("args", {}).items())
            evs = res.get("events", [])
            shown = ", ".join(e["event"] + ("(" + ", ".join("%s" % v for v in e["args"].values()) + ")" if e["args"] else "") for e in evs)
            extra = "".join("  [%s: %s]" % (k, res[k]) for k in ("inapplicable", "unsupported") if k in res)
            print("%-28s -> %s%s" % ((step["action"] + " " + args).strip(), shown, extra))
        return 0
    try:
        serve(sys.stdin.buffer, sys.stdout)
    except BrokenPipeError:  # the checker went away: nobody is left to answer
        # No second complaint when the interpreter flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
