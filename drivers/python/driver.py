#!/usr/bin/env python3
"""stateproof driver for Python interpreters (protocol 1; docs/driver-protocol.md).

Reads JSON lines on stdin, writes JSON lines on stdout:
  {"op": "hello", "protocol": 1}            -> {"op": "hello", "protocol": 1, "implementation": ..., "machines": [...]}
  {"op": "run", "id": N, "machine": M, "consts": {...}, "steps": [{"action": A, "args": {...}}, ...]}
                                            -> {"op": "trace", "id": N, "steps": [{"events": [...]}, ...]}
  {"op": "bye"}                             -> exits
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
MACHINES = {"AsyncGen": asyncgen.run, "AttributeLookup": attribute.run, "Subscript": subscript.run}


def implementation():
    return "%s %s (%s)" % (platform.python_implementation(), platform.python_version(), sys.version.replace("\n", " "))


def run_scenario(machine, steps, consts):
    rec = Recorder(steps)
    runner = MACHINES.get(machine)
    if runner is None:
        raise Unsupported("this driver does not know machine " + machine)
    try:
        runner(steps, consts, rec)
    except Inapplicable as e:
        if rec.stop is None:
            rec.stop = (max(rec.current, 0), "inapplicable", str(e))
    except Unsupported as e:
        if rec.stop is None:
            rec.stop = (max(rec.current, 0), "unsupported", str(e))
    return rec.result()


# Compact, and no cycle check: replies are plain trees built here.
_encode = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def serve(inp, out):
    for line in inp:
        line = line.strip()
        if not line:
            continue
        try:
            msg = json.loads(line)
        except ValueError as e:
            out.write(json.dumps({"op": "error", "message": "bad JSON: %s" % e}) + "\n")
            out.flush()
            continue
        op = msg.get("op")
        if op == "hello":
            reply = {"op": "hello", "protocol": PROTOCOL, "implementation": implementation(),
                     "machines": sorted(MACHINES)}
        elif op == "run":
            try:
                steps = run_scenario(msg.get("machine", ""), msg.get("steps", []), msg.get("consts", {}))
                reply = {"op": "trace", "id": msg.get("id"), "steps": steps}
            except Unsupported as e:
                reply = {"op": "trace", "id": msg.get("id"), "unsupported": str(e), "steps": []}
            except Exception as e:  # a bug in the driver: report it, keep serving
                reply = {"op": "error", "id": msg.get("id"), "message": "%s: %s" % (type(e).__name__, e)}
        elif op == "bye":
            return
        else:
            reply = {"op": "error", "message": "unknown op %r" % (op,)}
        out.write(_encode(reply) + "\n")
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
            consts[k] = v == "true" if v in ("true", "false") else v
        steps = parse_try(argv[2])
        for step, res in zip(steps, run_scenario(argv[1], steps, consts)):
            args = " ".join("%s=%s" % kv for kv in step.get("args", {}).items())
            evs = res.get("events", [])
            shown = ", ".join(e["event"] + ("(" + ", ".join("%s" % v for v in e["args"].values()) + ")" if e["args"] else "") for e in evs)
            extra = "".join("  [%s: %s]" % (k, res[k]) for k in ("inapplicable", "unsupported") if k in res)
            print("%-28s -> %s%s" % ((step["action"] + " " + args).strip(), shown, extra))
        return 0
    serve(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
