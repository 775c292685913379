#!/usr/bin/env python3
"""Tests of drivers/python/driver.py at the protocol level, and of the
fault-injecting proxy tests/drivers/fault_driver.py (issue 12).

Standard library only; both run as subprocesses of the interpreter running
this file (so `python3.8 test_driver_py.py` tests the driver on 3.8).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DRIVER = os.path.join(ROOT, "drivers", "python", "driver.py")
PROXY = os.path.join(HERE, "fault_driver.py")
sys.path.insert(0, os.path.join(ROOT, "drivers", "python"))

from stateproof_driver import asyncgen, attribute, subscript, trace  # noqa: E402

HELLO = {"op": "hello", "protocol": 1}
BYE = {"op": "bye"}


def line(msg):
    return (json.dumps(msg) + "\n").encode() if not isinstance(msg, bytes) else msg


def converse(cmd, messages, timeout=60):
    """Writes every message at once (as the checker's batches do), returns
    (answer lines as bytes, exit code)."""
    p = subprocess.run(cmd, input=b"".join(line(m) for m in messages), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.stdout.splitlines(), p.returncode


def driver(messages):
    out, rc = converse([sys.executable, DRIVER], messages)
    return [json.loads(o) for o in out], rc


# Scenarios with known CPython 3.8+ outcomes.
def deque_str(i):  # TypeErr(SequenceIndexMustBeInteger)
    return {"op": "run", "id": i, "machine": "Subscript", "consts": {},
            "steps": [{"action": "choose_target", "args": {"t": "Deque"}},
                      {"action": "choose_key", "args": {"k": "StrKey"}},
                      {"action": "subscript", "args": {}}]}


def deque_at(i, index):  # deque([10, 11])[index]: DequeElement(pos), Result(FromDeque) or Raised(IndexOutOfRange)
    return {"op": "run", "id": i, "machine": "Subscript", "consts": {},
            "steps": [{"action": "choose_target", "args": {"t": "Deque"}},
                      {"action": "choose_key", "args": {"k": "IntKey"}},
                      {"action": "choose_index", "args": {"i": index}},
                      {"action": "subscript", "args": {}}]}


def getitem_raises(i):  # GetitemCalled(IntKey), Raised(KeyError)
    return {"op": "run", "id": i, "machine": "Subscript", "consts": {},
            "steps": [{"action": "choose_target", "args": {"t": "Instance"}},
                      {"action": "choose_getitem", "args": {"g": "RaisesKey"}},
                      {"action": "choose_instance_getitem", "args": {"b": False}},
                      {"action": "choose_key", "args": {"k": "IntKey"}},
                      {"action": "subscript", "args": {}}]}


def attr_dot(i):  # Result(FromClass)
    return {"op": "run", "id": i, "machine": "AttributeLookup", "consts": {},
            "steps": [{"action": "choose_mode", "args": {"m": "Dot"}},
                      {"action": "choose_getattribute", "args": {"g": "Inherited"}},
                      {"action": "choose_type_attr", "args": {"t": "Plain"}},
                      {"action": "choose_instance_dict", "args": {"b": False}},
                      {"action": "choose_getattr", "args": {"k": "Absent"}},
                      {"action": "choose_instance_getattr", "args": {"b": False}},
                      {"action": "lookup", "args": {}}]}


def agen(i, steps, **consts):
    c = {"profile": "cpython311", "SLOTS": 1, "FIRSTITER": "ok", "FINALIZER": False, "REENTRANT": False}
    c.update(consts)
    return {"op": "run", "id": i, "machine": "AsyncGen", "consts": c,
            "steps": [{"action": a, "args": args} for a, args in steps]}


def agen_yield(i):  # FirstIter, NewAwaitable(0) / Resumed(None) / StopIter(0, V1)
    return agen(i, [("anext", {"s": 0}), ("send", {"s": 0, "v": "None"}), ("body_yield", {"v": "V1"})])


SCENARIOS = [deque_str, getitem_raises, attr_dot, agen_yield]


class DriverRobustness(unittest.TestCase):
    def test_a_valid_conversation(self):
        answers, rc = driver([HELLO, agen_yield(1), deque_str(2), BYE])
        self.assertEqual(rc, 0)
        self.assertEqual(len(answers), 3)
        self.assertEqual(answers[0]["op"], "hello")
        self.assertEqual(answers[0]["machines"], ["AsyncGen", "AttributeLookup", "Subscript"])
        self.assertEqual(answers[1], {"op": "trace", "id": 1, "steps": [
            {"events": [{"event": "FirstIter", "args": {}}, {"event": "NewAwaitable", "args": {"s": 0}}]},
            {"events": [{"event": "Resumed", "args": {"v": "None"}}]},
            {"events": [{"event": "StopIter", "args": {"s": 0, "v": "V1"}}]}]})
        self.assertEqual(answers[2]["steps"][2]["events"],
                         [{"event": "TypeErr", "args": {"m": "SequenceIndexMustBeInteger"}}])

    def test_every_malformed_line_gets_one_error_answer_and_the_driver_goes_on(self):
        bad = [b"[1]\n", b"42\n", b'"x"\n', b"null\n", b"true\n", b"{\n", b"not json\n",
               b"[" * 100000 + b"]" * 100000 + b"\n", b'{"a":' * 100000 + b"\n",
               b"\xff\xfe\n", b"\n", b"   \n",
               line({"op": "nope", "id": 3}), line({"id": 4}), line({"op": 5}),
               line({"op": "run", "id": 6})]
        answers, rc = driver([HELLO] + bad + [deque_str(7), BYE])
        self.assertEqual(rc, 0)
        self.assertEqual(len(answers), 1 + len(bad) + 1)
        for a, b in zip(answers[1:-1], bad):
            self.assertEqual(a["op"], "error", b[:40])
            self.assertIsInstance(a["message"], str)
            self.assertIn("id", a)
        self.assertEqual(answers[13]["id"], 3)
        self.assertEqual(answers[-1]["op"], "trace")
        self.assertEqual(answers[-1]["id"], 7)

    def test_a_last_line_without_newline_is_answered(self):
        out, rc = converse([sys.executable, DRIVER], [HELLO, json.dumps(deque_str(1)).encode()])
        self.assertEqual(rc, 0)
        self.assertEqual([json.loads(o)["op"] for o in out], ["hello", "trace"])

    def bad_run(self, run, *needles):
        answers, rc = driver([run, deque_str(99), BYE])
        self.assertEqual(rc, 0)
        self.assertEqual(len(answers), 2)
        a = answers[0]
        self.assertEqual(a["op"], "error", a)
        self.assertEqual(a["id"], run.get("id"))
        for n in needles:
            self.assertIn(n, a["message"])
        self.assertEqual(answers[1]["op"], "trace")
        return a["message"]

    def test_missing_argument(self):
        self.bad_run(agen(1, [("anext", {})]), "step 0", "anext", "missing argument s")
        self.bad_run(agen(2, [("anext", {"s": 0}), ("asend", {"s": 0})]), "step 1", "missing argument v")
        run = agen(3, [])
        run["steps"] = [{"action": "anext"}]
        self.bad_run(run, "step 0", "missing argument s")

    def test_slot_out_of_range(self):
        self.bad_run(agen(1, [("anext", {"s": 1})]), "step 0", "argument s = 1")
        self.bad_run(agen(2, [("anext", {"s": -1})], SLOTS=2), "argument s = -1")
        self.bad_run(agen(3, [("anext", {"s": 0}), ("send", {"s": 3, "v": "None"})], SLOTS=3), "step 1", "argument s = 3")
        run = agen(4, [("anext", {"s": 2})])
        del run["consts"]["SLOTS"]  # the spec's default, 2
        self.bad_run(run, "argument s = 2")
        self.bad_run(deque_at(5, 3), "step 2", "choose_index", "argument i = 3: expected an integer -3..2")
        self.bad_run(deque_at(6, -4), "argument i = -4")
        self.bad_run(deque_at(7, True), "argument i = true")
        self.bad_run(deque_at(8, "0"), 'argument i = "0"')

    def test_a_metaclass_getitem_wins_over_class_getitem(self):
        """C[k] for a class with __class_getitem__ (on it or on its
        metaclass, None, or raising) whose metaclass has __getitem__: the
        metaclass's __getitem__ runs and __class_getitem__ never does
        (PyObject_GetItem tries type(C)'s mp_subscript first), on this
        interpreter as on 3.8 to 3.13."""
        runs, expected = [], []
        for g, outcome in (("Returns", {"event": "Result", "args": {"src": "FromMetaGetitem"}}),
                           ("RaisesKey", {"event": "Raised", "args": {"e": "KeyError"}})):
            for c in ("OnClass", "OnMetaclass", "NoneValue", "Raises"):
                runs.append({"op": "run", "id": len(runs), "machine": "Subscript", "consts": {},
                             "steps": [{"action": "choose_target", "args": {"t": "Class"}},
                                       {"action": "choose_getitem", "args": {"g": g}},
                                       {"action": "choose_class_getitem", "args": {"c": c}},
                                       {"action": "choose_key", "args": {"k": "StrKey"}},
                                       {"action": "subscript", "args": {}}]})
                expected.append([{"event": "MetaGetitemCalled", "args": {"key": "StrKey"}}, outcome])
        answers, rc = driver(runs + [BYE])
        self.assertEqual(rc, 0)
        self.assertEqual([a["steps"][-1]["events"] for a in answers], expected)

    def test_a_deque_at_and_past_its_ends(self):
        """deque([10, 11]) on this interpreter: the same on 3.8 to 3.13."""
        answers, rc = driver([deque_at(i, i) for i in range(-3, 3)] + [BYE])
        self.assertEqual(rc, 0)
        last = [a["steps"][-1]["events"] for a in answers]

        def element(p):
            return [{"event": "DequeElement", "args": {"pos": p}}, {"event": "Result", "args": {"src": "FromDeque"}}]
        out_of_range = [{"event": "Raised", "args": {"e": "IndexOutOfRange"}}]
        self.assertEqual(last, [out_of_range, element(0), element(1), element(0), element(1), out_of_range])

    def test_wrong_type(self):
        self.bad_run(agen(1, [("anext", {"s": "0"})]), "step 0", 'argument s = "0"')
        self.bad_run(agen(2, [("anext", {"s": True})]), "argument s = true")
        self.bad_run(agen(3, [("anext", {"s": 0.0})]), "argument s = 0.0")
        self.bad_run(agen(4, [("anext", {"s": 0}), ("send", {"s": 0, "v": None})]), "step 1", "argument v = null")
        run = attr_dot(5)
        run["steps"][3]["args"]["b"] = "false"
        self.bad_run(run, "step 3", "choose_instance_dict", 'argument b = "false"')

    def test_unknown_names(self):
        self.bad_run(agen(1, [("anext", {"s": 0}), ("send", {"s": 0, "v": "V9"})]), "step 1", 'argument v = "V9"')
        self.bad_run(agen(2, [("athrow", {"s": 0, "e": "NoExc"})]), 'argument e = "NoExc"')
        self.bad_run(agen(3, [("anext", {"s": 0}), ("frobnicate", {})]), "step 1", "unknown action")
        self.bad_run(agen(4, [("anext", {"s": 0, "x": 1})]), "step 0", 'unexpected argument "x"')
        run = deque_str(5)
        run["steps"][0]["args"] = {"t": "Dict"}
        self.bad_run(run, "step 0", 'argument t = "Dict"')
        run = deque_str(6)
        run["machine"] = "Nope"
        self.bad_run(run, "unknown machine")

    def test_malformed_structure(self):
        for field, value, needle in (("steps", {}, "steps"), ("steps", None, "steps"), ("consts", [], "consts"),
                                     ("steps", [1], "step 0"), ("steps", [{"action": "anext", "args": [0]}], "step 0")):
            run = agen(1, [])
            run[field] = value
            self.bad_run(run, needle)
        self.bad_run(agen(2, [], SLOTS=0), "SLOTS")
        self.bad_run(agen(3, [], SLOTS="2"), "SLOTS")
        self.bad_run(agen(4, [], FIRSTITER="sometimes"), "FIRSTITER")
        self.bad_run(agen(5, [], FINALIZER=1), "FINALIZER")
        run = deque_str(6)
        del run["id"]
        self.assertIsNone(driver([run, BYE])[0][0]["id"])

    def test_event_values_are_strings(self):
        """Besides slots and deque positions (integers) and DescriptorGet's
        flag, every event argument is a JSON string."""
        runs = [s(i) for i, s in enumerate(SCENARIOS)] + [
            agen(9, [("anext", {"s": 0}), ("throw", {"s": 0, "e": "ValueError"})]),
            agen(10, [("asend", {"s": 0, "v": "V1"}), ("send", {"s": 0, "v": "V2"})]), deque_at(11, -1)]
        answers, rc = driver(runs + [BYE])
        self.assertEqual(rc, 0)
        seen = 0
        for a in answers:
            self.assertEqual(a["op"], "trace", a)
            for step in a["steps"]:
                for ev in step.get("events", []):
                    for k, v in ev["args"].items():
                        seen += 1
                        if k == "s" or ev["event"] == "DequeElement":
                            self.assertIs(type(v), int)
                        elif ev["event"] == "DescriptorGet":
                            self.assertIs(type(v), bool)
                        else:
                            self.assertIsInstance(v, str, ev)
        self.assertGreater(seen, 5)

    def test_try_mode(self):
        p = subprocess.run([sys.executable, DRIVER, "--try", "AsyncGen", "anext s=0; send s=0 v=None; body_yield v=V1",
                            "SLOTS=1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"StopIter(0, V1)", p.stdout)
        p = subprocess.run([sys.executable, DRIVER, "--try", "AsyncGen", "anext s=1", "SLOTS=1"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"step 0 (anext): argument s = 1", p.stderr)


class UnmappedOutcomes(unittest.TestCase):
    """What the spec has no name for is reported in one documented form."""

    def test_forms(self):
        self.assertEqual(trace.other_exception(RuntimeError("boom")), "Other:RuntimeError:boom")
        self.assertEqual(trace.other_exception(KeyError("k")), "Other:KeyError:'k'")
        self.assertEqual(trace.other_value("x"), "Value:'x'")
        self.assertEqual(trace.other_value(3), "Value:3")

        class BadRepr:
            def __repr__(self):
                raise ValueError

            __str__ = __repr__

        self.assertEqual(trace.other_value(BadRepr()), "Value:<repr raised ValueError>")
        self.assertTrue(trace.other_exception(type("E", (Exception,), {"__str__": BadRepr.__repr__})())
                        .startswith("Other:E:<str raised"))

    def test_runners_use_them(self):
        self.assertEqual(asyncgen.value_name("V1"), "V1")
        self.assertEqual(asyncgen.value_name(None), "None")
        self.assertEqual(asyncgen.value_name(7), "Value:7")
        self.assertEqual(asyncgen.exception_event(OSError("disk")), ("Raised", {"e": "Other:OSError:disk"}))
        self.assertEqual(attribute.error_name(OverflowError("big")), "Other:OverflowError:big")
        self.assertEqual(attribute.error_name(attribute.OtherError("x")), "OtherError")
        self.assertEqual(attribute.source_name("class"), "FromClass")
        self.assertEqual(attribute.source_name(1), "Value:1")  # not HasTrue
        self.assertEqual(subscript.key_name(1.5), "Value:1.5")
        self.assertEqual(subscript.source_name(True), "Value:True")

    def test_the_lookups_own_attribute_error_is_named_by_its_message(self):
        """NoAttribute is AttributeError("'C' object has no attribute 'attr'")
        exactly: an implementation that drops the quotes, or names another
        type, is reported as it is (a divergence), not as NoAttribute."""
        shape = {"mode": "Dot", "ga": "Inherited", "tattr": "Absent", "get": "Returns", "in_dict": False,
                 "gattr": "Absent", "inst_getattr": False}
        events = []
        attribute.lookup(shape, lambda name, **kw: events.append((name, kw)))
        self.assertEqual(events, [("Raised", {"e": "NoAttribute"})])
        for message in ("'C' object has no attribute attr", "C object has no attribute 'attr'",
                        "'D' object has no attribute 'attr'", "stateproof!"):
            self.assertEqual(attribute.error_name(AttributeError(message)), "Other:AttributeError:" + message)
        self.assertEqual(attribute.error_name(AttributeError("stateproof")), "AttributeError")
        self.assertEqual(attribute.error_name(attribute.AttrSubclassError("stateproof")), "AttributeErrorSubclass")
        self.assertEqual(attribute.error_name(attribute.AttrSubclassError("'C' object has no attribute 'attr'")),
                         "Other:AttrSubclassError:'C' object has no attribute 'attr'")

    def test_an_unforeseen_exception_is_an_event_not_a_driver_error(self):
        events = []
        shape = {"target": "Instance", "getitem": "Returns", "inst_getitem": False, "key": "IntKey"}
        old = subscript.build
        subscript.build = lambda shape, emit: (_ for _ in ()).throw(MemoryError("no room"))
        try:
            subscript.subscript(shape, lambda name, **kw: events.append((name, kw)))
        finally:
            subscript.build = old
        self.assertEqual(events, [("Raised", {"e": "Other:MemoryError:no room"})])


def proxy(args, messages, timeout=60):
    return converse([sys.executable, PROXY] + args, messages, timeout)


def batch(n=6):
    return [HELLO] + [SCENARIOS[i % len(SCENARIOS)](100 + i) for i in range(n)] + [BYE]


class FaultDriver(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out, rc = proxy([], batch())
        assert rc == 0, rc
        cls.clean = out  # hello + 6 traces
        assert len(out) == 7, out

    def test_clean_proxy_is_the_driver(self):
        out, rc = converse([sys.executable, DRIVER], batch())
        self.assertEqual(rc, 0)
        self.assertEqual(out, self.clean)

    def check_from(self, args, k, change, only=False):
        out, rc = proxy(args, batch())
        self.assertEqual(rc, 0)
        self.assertEqual(len(out), 7)
        self.assertEqual(out[:k + 1], self.clean[:k + 1])  # hello and runs before K
        for i in range(k, 6):
            got, want = out[1 + i], self.clean[1 + i]
            if only and i > k:
                self.assertEqual(got, want)
            else:
                change(got, want, i)

    def test_garbage(self):
        def change(got, want, i):
            self.assertRaises(ValueError, json.loads, got)
        self.check_from(["--garbage", "2"], 2, change)
        self.check_from(["--garbage", "2", "--only"], 2, change, only=True)

    def test_wrong_id(self):
        def change(got, want, i):
            g, w = json.loads(got), json.loads(want)
            self.assertNotEqual(g["id"], w["id"])
            g["id"] = w["id"]
            self.assertEqual(g, w)
        self.check_from(["--wrong-id", "1"], 1, change)
        self.check_from(["--wrong-id", "1", "--only"], 1, change, only=True)

    def test_extra_steps(self):
        def change(got, want, i):
            g, w = json.loads(got), json.loads(want)
            self.assertEqual(g["steps"], w["steps"] + [{"events": []}])
        self.check_from(["--extra-steps", "0"], 0, change)

    def test_unknown_event(self):
        def change(got, want, i):
            g, w = json.loads(got), json.loads(want)
            self.assertEqual(g["steps"][0]["events"], w["steps"][0]["events"] + [{"event": "Mystery", "args": {}}])
            self.assertEqual(g["steps"][1:], w["steps"][1:])
        self.check_from(["--unknown-event", "3", "--only"], 3, change, only=True)

    def test_rename(self):
        renamed = []

        def change(got, want, i):
            g = json.loads(got)
            for step in g["steps"]:
                for ev in step.get("events", []):
                    a = ev["args"]
                    if ev["event"] in ("Raised", "TypeErr", "Err"):
                        self.assertEqual(a.get("e", a.get("m")), "Other:RuntimeError:injected")
                        renamed.append(ev["event"])
                    if ev["event"] == "Result":
                        self.assertEqual(a["src"], "Value:'injected'")
                        renamed.append("Result")
        self.check_from(["--rename", "0"], 0, change)
        self.assertEqual(sorted(set(renamed)), ["Raised", "Result", "TypeErr"])

    def dies_at(self, args, k, code):
        out, rc = proxy(args, batch())
        self.assertEqual(rc, code)
        self.assertEqual(out, self.clean[:k + 1])  # hello and the runs before K, then nothing

    def test_signal(self):
        self.dies_at(["--signal", "2"], 2, -signal.SIGSEGV)

    def test_exit(self):
        self.dies_at(["--exit", "3", "5"], 3, 5)
        self.dies_at(["--exit", "0", "0"], 0, 0)

    def test_hang(self):
        """Silent and alive from run K on; it goes when its input is closed."""
        p = subprocess.Popen([sys.executable, PROXY, "--hang", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        p.stdin.write(b"".join(line(m) for m in batch()[:-1]))  # no bye, and the pipe stays open
        p.stdin.flush()
        self.assertEqual([p.stdout.readline().rstrip(b"\n") for _ in range(2)], self.clean[:2])
        self.assertTrue(all(self.clean[:2]))
        try:
            p.wait(timeout=2)
            self.fail("the proxy did not hang")
        except subprocess.TimeoutExpired:
            pass
        p.stdin.close()
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(p.stdout.read(), b"")
        p.stdout.close()

    def test_state_file_makes_the_fault_fire_once(self):
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "fired")
            self.dies_at(["--signal", "1", "--state", state], 1, -signal.SIGSEGV)
            self.assertTrue(os.path.exists(state))
            out, rc = proxy(["--signal", "1", "--state", state], batch())  # the restarted proxy
            self.assertEqual((out, rc), (self.clean, 0))
            out, rc = proxy(["--garbage", "4", "--state", state], batch())  # any fault, same file
            self.assertEqual((out, rc), (self.clean, 0))

    def test_the_child_driver_answers_malformed_lines_through_the_proxy(self):
        out, rc = proxy(["--garbage", "0"], [HELLO, b"[1]\n", deque_str(1), BYE])
        self.assertEqual(rc, 0)
        self.assertEqual(len(out), 3)
        self.assertEqual(json.loads(out[1])["op"], "error")  # not a run: not counted, not faulted
        self.assertRaises(ValueError, json.loads, out[2])


if __name__ == "__main__":
    unittest.main(verbosity=1)
