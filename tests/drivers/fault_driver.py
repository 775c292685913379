#!/usr/bin/env python3
"""A driver that misbehaves on purpose, for testing how the checker copes.

It starts drivers/python/driver.py (with the interpreter running this file)
as a child, passes each request line to it and each answer line back, one
request at a time and in order, and injects one fault from run request K on.
K counts the `run` requests this process has received, from 0 (hello and
bye are not counted; ids play no part: today's checker numbers scenarios
from 1, so run K is usually scenario id K+1). Standard library only.

    fault_driver.py [FAULT] [--only] [--state FILE] [--driver PATH]

FAULT, one of:
  --rename K         in answers to run K, K+1, ...: every Raised `e`, Err and
                     TypeErr `m` becomes "Other:RuntimeError:injected" and
                     every Result `src` "Value:'injected'"
  --unknown-event K  in answers to run K, ...: {"event": "Mystery", "args": {}}
                     is appended to the first step's events
  --extra-steps K    answers to run K, ... get one more step, {"events": []}
  --wrong-id K       answers to run K, ... carry id + 1000000 (or -1 if the
                     request had no integer id)
  --garbage K        run K, ... are answered with a line that is not JSON
  --signal K         on receiving run K, before answering it, the proxy kills
                     itself with SIGSEGV (os.kill(os.getpid(), SIGSEGV))
  --exit K CODE      on receiving run K, the proxy exits with CODE
  --hang K           on receiving run K, the proxy stops answering: it stays
                     alive and silent, reading and dropping input, until its
                     stdin is closed, then exits 0
Without FAULT it is a clean proxy. All answers before run K are the child's,
unchanged.

--only        the fault hits run K alone; later runs are answered cleanly
              (meaningful for the answer-changing faults; the signal, exit
              and hang faults end the process anyway)
--state FILE  the fault is armed only in a proxy started while FILE does not
              exist; the proxy creates FILE when the fault first fires, so a
              proxy the checker restarts (after a crash, exit or hang) is
              clean. Delete FILE to re-arm.
--on ACTION   only runs with a step of action ACTION are hit (the fault
              then depends on what a scenario does, as a real crash would:
              a fresh proxy fails again on it, so its scenario can be shrunk)
--when NAME=VALUE  only runs whose request sets the constant NAME to VALUE
              (`true`, `false`, a number or an enum member; repeatable, all
              must hold): a fault in one configuration of a `conform --sweep`
--driver PATH the child driver script (default: drivers/python/driver.py of
              this source tree).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DRIVER = os.path.join(HERE, "..", "..", "drivers", "python", "driver.py")

RENAMED = {
    "Raised": ("e", "Other:RuntimeError:injected"),
    "Err": ("m", "Other:RuntimeError:injected"),
    "TypeErr": ("m", "Other:RuntimeError:injected"),
    "Result": ("src", "Value:'injected'"),
}
GARBAGE = b"this is not JSON {\n"


def parse_args(argv):
    p = argparse.ArgumentParser(description="a fault-injecting proxy for drivers/python/driver.py")
    g = p.add_mutually_exclusive_group()
    for name in ("rename", "unknown-event", "extra-steps", "wrong-id", "garbage", "signal", "hang"):
        g.add_argument("--" + name, type=int, metavar="K")
    g.add_argument("--exit", type=int, nargs=2, metavar=("K", "CODE"))
    p.add_argument("--only", action="store_true", help="the fault hits run K alone")
    p.add_argument("--state", metavar="FILE", help="fire at most once per FILE")
    p.add_argument("--on", metavar="ACTION", help="only runs with a step of this action are hit")
    p.add_argument("--when", action="append", default=[], metavar="NAME=VALUE",
                   help="only runs with this constant (repeatable)")
    p.add_argument("--driver", default=DEFAULT_DRIVER, metavar="PATH")
    a = p.parse_args(argv)
    fault, k, code = None, None, None
    for name in ("rename", "unknown_event", "extra_steps", "wrong_id", "garbage", "signal", "hang"):
        if getattr(a, name) is not None:
            fault, k = name, getattr(a, name)
    if a.exit is not None:
        fault, (k, code) = "exit", a.exit
    return a, fault, k, code


def const_text(v):
    """A constant's value as --const spells it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def modify(fault, line):
    """The answer line with the fault applied (answers that are not traces,
    or not JSON, pass unchanged)."""
    if fault == "garbage":
        return GARBAGE
    try:
        msg = json.loads(line.decode("utf-8"))
    except ValueError:
        return line
    if not isinstance(msg, dict) or msg.get("op") != "trace":
        return line
    steps = msg.get("steps")
    if not isinstance(steps, list):
        steps = msg["steps"] = []
    if fault == "rename":
        for step in steps:
            for ev in step.get("events", []) if isinstance(step, dict) else []:
                if isinstance(ev, dict) and ev.get("event") in RENAMED:
                    key, value = RENAMED[ev["event"]]
                    if isinstance(ev.get("args"), dict) and key in ev["args"]:
                        ev["args"][key] = value
    elif fault == "unknown_event":
        if not steps:
            steps.append({"events": []})
        steps[0].setdefault("events", []).append({"event": "Mystery", "args": {}})
    elif fault == "extra_steps":
        steps.append({"events": []})
    elif fault == "wrong_id":
        i = msg.get("id")
        msg["id"] = i + 1000000 if type(i) is int else -1
    return (json.dumps(msg, separators=(",", ":")) + "\n").encode("utf-8")


def main(argv):
    args, fault, k, code = parse_args(argv)
    if fault is not None and args.state and os.path.exists(args.state):
        fault = None  # it fired already, in an earlier process
    child = subprocess.Popen([sys.executable, args.driver], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = sys.stdout.buffer
    runs = 0
    fired = False
    for line in sys.stdin.buffer:
        is_run = False
        try:
            msg = json.loads(line.decode("utf-8"))
            is_run = isinstance(msg, dict) and msg.get("op") == "run"
            is_bye = isinstance(msg, dict) and msg.get("op") == "bye"
        except (ValueError, RecursionError):
            is_bye = False
        index = runs
        if is_run:
            runs += 1
        hit = (fault is not None and is_run and (index == k if args.only else index >= k))
        if hit and args.on is not None:
            steps = msg.get("steps")
            hit = isinstance(steps, list) and any(isinstance(st, dict) and st.get("action") == args.on for st in steps)
        if hit and args.when:
            consts = msg.get("consts")
            hit = isinstance(consts, dict) and all(const_text(consts.get(c.split("=", 1)[0])) == c.split("=", 1)[1]
                                                   for c in args.when)
        if hit and not fired:
            fired = True
            if args.state:
                with open(args.state, "w") as f:
                    f.write("%s fired at run %d\n" % (fault, index))
        if hit and fault == "signal":
            os.kill(os.getpid(), signal.SIGSEGV)
            time.sleep(10)  # the signal is delivered before this returns
        if hit and fault == "exit":
            os._exit(code)
        if hit and fault == "hang":
            # Silent from here on. Input is read and dropped, and when the
            # checker closes the pipe the proxy goes (no orphan is left if the
            # checker does not kill it); a checker must see the hang by its
            # timeout, before it closes the pipe.
            child.kill()
            for _ in sys.stdin.buffer:
                pass
            os._exit(0)
        try:
            child.stdin.write(line if line.endswith(b"\n") else line + b"\n")
            child.stdin.flush()
        except BrokenPipeError:
            break
        if is_bye:
            break
        answer = child.stdout.readline()
        if not answer:
            break  # the child died: so does the proxy, like a driver would
        out.write(modify(fault, answer) if hit else answer)
        out.flush()
    try:
        child.stdin.close()
    except BrokenPipeError:
        pass
    rc = child.wait()
    return rc if rc > 0 else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
