"""Runs Subscript scenarios (spec/subscript.sm) on this interpreter.

The setup steps choose what is subscripted (an instance, a class, `type`
itself, a deque) and its hooks; `subscript` builds it, evaluates `target[key]`
and records each hook call with the key it received, then the result.
Python 3.8 syntax only.
"""

import collections

from .trace import Inapplicable


class OtherError(Exception):
    pass


SETUP = {
    "choose_target": "target",
    "choose_getitem": "getitem",
    "choose_instance_getitem": "inst_getitem",
    "choose_class_getitem": "cgi",
    "choose_key": "key",
}

KEYS = {"IntKey": 0, "StrKey": "k"}

MESSAGES = {
    "'C' object is not subscriptable": "ObjectNotSubscriptable",
    "type 'C' is not subscriptable": "TypeNotSubscriptable",
    "'type' object is not subscriptable": "TypeObjectNotSubscriptable",
    "'NoneType' object is not callable": "NoneNotCallable",
    "sequence index must be integer, not 'str'": "SequenceIndexMustBeInteger",
}


def key_name(k):
    for name, value in KEYS.items():
        if type(value) is type(k) and value == k:
            return name
    return "Unexpected:%r" % (k,)


def build(shape, emit):
    target = shape["target"]
    if target == "TypeItself":
        return type
    if target == "Deque":
        return collections.deque([1])
    getitem = shape.get("getitem", "Absent")

    def make_getitem(event, result):
        def __getitem__(self, key):
            emit(event, key=key_name(key))
            if getitem == "RaisesKey":
                raise KeyError("stateproof")
            if getitem == "RaisesOther":
                raise OtherError("stateproof")
            return result
        return __getitem__

    if target == "Instance":
        ns = {}
        if getitem != "Absent":
            ns["__getitem__"] = make_getitem("GetitemCalled", "getitem")
        obj = type("C", (object,), ns)()
        if shape.get("inst_getitem"):
            def instance_getitem(key):
                emit("InstanceGetitemCalled")
                return "instance"
            obj.__dict__["__getitem__"] = instance_getitem
        return obj

    # A class: its metaclass may have __getitem__; __class_getitem__ may be on
    # the class, on the metaclass (found by the class attribute lookup), None,
    # or raise.
    meta_ns = {}
    if getitem != "Absent":
        meta_ns["__getitem__"] = make_getitem("MetaGetitemCalled", "meta")
    cgi = shape.get("cgi", "Absent")

    def class_getitem(cls, key):
        emit("ClassGetitemCalled", key=key_name(key))
        if cgi == "Raises":
            raise OtherError("stateproof")
        return "class_getitem"

    if cgi == "OnMetaclass":
        meta_ns["__class_getitem__"] = class_getitem
    # A metaclass only where the shape needs one: before 3.11 the
    # not-subscriptable message names the metaclass ("'type' object ...").
    meta = type("Meta", (type,), meta_ns) if meta_ns else type
    ns = {}
    if cgi in ("OnClass", "Raises"):
        ns["__class_getitem__"] = classmethod(class_getitem)
    elif cgi == "NoneValue":
        ns["__class_getitem__"] = None
    return meta("C", (object,), ns)


SOURCES = {"getitem": "FromGetitem", "meta": "FromMetaGetitem", "class_getitem": "FromClassGetitem", 1: "FromDeque"}


def subscript(shape, emit):
    obj = build(shape, emit)
    try:
        result = obj[KEYS[shape["key"]]]
    except TypeError as e:
        emit("TypeErr", m=MESSAGES.get(str(e), "Unexpected:%s" % e))
        return
    except KeyError:
        emit("Raised", e="KeyError")
        return
    except OtherError:
        emit("Raised", e="OtherError")
        return
    if obj is type:
        emit("Result", src="GenericAlias" if type(result).__name__ == "GenericAlias" else "Unexpected:%r" % (result,))
    else:
        emit("Result", src=SOURCES.get(result, "Unexpected:%r" % (result,)))


def run(steps, consts, rec):
    shape = {}
    for i, step in enumerate(steps):
        rec.begin(i)
        action, args = step["action"], step.get("args", {})
        if action in SETUP:
            (value,) = args.values()
            shape[SETUP[action]] = value
        elif action == "subscript":
            if "target" not in shape or "key" not in shape:
                raise Inapplicable("subscript before the target and key are chosen")
            subscript(shape, lambda name, **kw: rec.emit(name, **kw))
        else:
            raise Inapplicable("unknown action " + action)
