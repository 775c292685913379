"""Runs Subscript scenarios (spec/subscript.sm) on this interpreter.

The setup steps choose what is subscripted (an instance, a class, `type`
itself, a deque of two) and its hooks; `subscript` builds it, evaluates `target[key]`
and records each hook call with the key it received, then the result.
Python 3.8 syntax only.
"""

import collections

from .trace import Inapplicable, other_exception, other_value


class OtherError(Exception):
    pass


SETUP = {
    "choose_target": "target",
    "choose_getitem": "getitem",
    "choose_instance_getitem": "inst_getitem",
    "choose_class_getitem": "cgi",
    "choose_key": "key",
    "choose_index": "index",
}

# The actions this runner takes and their arguments (driver.py checks every
# request against them): enums as in spec/subscript.sm.
ACTIONS = {
    "choose_target": {"t": ("Instance", "Class", "TypeItself", "Deque")},
    "choose_getitem": {"g": ("Absent", "Returns", "RaisesKey", "RaisesOther")},
    "choose_instance_getitem": {"b": "bool"},
    "choose_class_getitem": {"c": ("Absent", "OnClass", "OnMetaclass", "NoneValue", "Raises")},
    "choose_key": {"k": ("IntKey", "StrKey")},
    "choose_index": {"i": range(-3, 3)},  # the spec's Index, -3..2
    "subscript": {},
}

KEYS = {"IntKey": 0, "StrKey": "k"}

MESSAGES = {
    "'C' object is not subscriptable": "ObjectNotSubscriptable",
    "type 'C' is not subscriptable": "TypeNotSubscriptable",
    "'type' object is not subscriptable": "TypeObjectNotSubscriptable",
    "'NoneType' object is not callable": "NoneNotCallable",
    "sequence index must be integer, not 'str'": "SequenceIndexMustBeInteger",
}

# The spec's deque: its elements, by position.
DEQUE = (10, 11)


def key_name(k):
    for name, value in KEYS.items():
        if type(value) is type(k) and value == k:
            return name
    return other_value(k)


def build(shape, emit):
    target = shape["target"]
    if target == "TypeItself":
        return type
    if target == "Deque":
        return collections.deque(DEQUE)
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


SOURCES = {"getitem": "FromGetitem", "meta": "FromMetaGetitem", "class_getitem": "FromClassGetitem"}


def source_name(result):
    for value, name in SOURCES.items():
        if type(value) is type(result) and value == result:
            return name
    return other_value(result)


def key_of(shape):
    if shape["target"] == "Deque" and shape["key"] == "IntKey":
        return shape.get("index", 0)
    return KEYS[shape["key"]]


def subscript(shape, emit):
    try:
        obj = build(shape, emit)
        result = obj[key_of(shape)]
    except TypeError as e:
        name = MESSAGES.get(str(e)) if type(e) is TypeError else None
        emit("TypeErr", m=name if name is not None else other_exception(e))
        return
    except KeyError as e:
        emit("Raised", e="KeyError" if type(e) is KeyError else other_exception(e))
        return
    except IndexError as e:  # deque_item (Modules/_collectionsmodule.c)
        ok = type(e) is IndexError and str(e) == "deque index out of range"
        emit("Raised", e="IndexOutOfRange" if ok else other_exception(e))
        return
    except OtherError:
        emit("Raised", e="OtherError")
        return
    except Exception as e:  # what the spec has no name for: report it as seen
        emit("Raised", e=other_exception(e))
        return
    if obj is type:
        emit("Result", src="GenericAlias" if type(result).__name__ == "GenericAlias" else other_value(result))
    elif isinstance(obj, collections.deque):
        if type(result) is int and result in DEQUE:
            emit("DequeElement", pos=DEQUE.index(result))
            emit("Result", src="FromDeque")
        else:
            emit("Result", src=other_value(result))
    else:
        emit("Result", src=source_name(result))


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
