"""Runs AttributeLookup scenarios (spec/attribute.sm) on this interpreter.

The setup steps choose a class shape; the `lookup` step builds real classes
for it (instrumented __getattribute__, descriptor __get__, __getattr__) and
performs one attribute lookup, recording each hook and descriptor call in
order and then the result. Python 3.8 syntax only.
"""

from .trace import Inapplicable, other_exception, other_value

NAME = "attr"


class AttrSubclassError(AttributeError):
    """An AttributeError subclass: the fallback to __getattr__ must see it."""


class OtherError(Exception):
    pass


RAISES = {
    "RaisesAttr": AttributeError,
    "RaisesAttrSub": AttrSubclassError,
    "RaisesOther": OtherError,
}

SETUP = {
    "choose_mode": "mode",
    "choose_getattribute": "ga",
    "choose_type_attr": "tattr",
    "choose_get": "get",
    "choose_instance_dict": "in_dict",
    "choose_getattr": "gattr",
    "choose_instance_getattr": "inst_getattr",
}


# The actions this runner takes and their arguments (driver.py checks every
# request against them): enums as in spec/attribute.sm.
ACTIONS = {
    "choose_mode": {"m": ("Dot", "GetattrDefault", "Hasattr", "ObjectGetattribute")},
    "choose_getattribute": {"g": ("Inherited", "Returns", "Delegates", "RaisesAttr", "RaisesAttrSub", "RaisesOther")},
    "choose_type_attr": {"t": ("Absent", "DataDescriptor", "NonDataDescriptor", "Plain")},
    "choose_get": {"k": ("Returns", "RaisesAttr", "RaisesAttrSub", "RaisesOther")},
    "choose_instance_dict": {"b": "bool"},
    "choose_getattr": {"k": ("Absent", "Returns", "RaisesAttr", "RaisesAttrSub", "RaisesOther", "Static")},
    "choose_instance_getattr": {"b": "bool"},
    "lookup": {},
}


# What the lookup itself raises when nothing has the name
# (_PyObject_GenericGetAttrWithDict, Objects/object.c): str() of it, 3.8-3.13.
NO_ATTRIBUTE = "'C' object has no attribute 'attr'"


def error_name(e):
    """The spec's name of an exception, by type and message: the scenario's
    hooks raise theirs with "stateproof"; the lookup's own says which object
    and which name, quoted."""
    try:
        message = str(e)
    except Exception:
        message = None
    if type(e) is AttributeError and message == "stateproof":
        return "AttributeError"
    if type(e) is AttributeError and message == NO_ATTRIBUTE:
        return "NoAttribute"
    if type(e) is AttrSubclassError and message == "stateproof":
        return "AttributeErrorSubclass"
    if type(e) is OtherError:
        return "OtherError"
    return other_exception(e)


def build(shape, emit):
    """A class and an instance for the shape; the functions emit as they run."""
    ns = {}

    def behave(kind, value):
        if kind == "Returns":
            return value
        raise RAISES[kind]("stateproof")

    tattr = shape["tattr"]
    if tattr in ("DataDescriptor", "NonDataDescriptor"):
        data = tattr == "DataDescriptor"
        get_kind = shape["get"]

        def __get__(self, obj, typ=None):
            emit("DescriptorGet", data=data)
            return behave(get_kind, "descriptor")

        members = {"__get__": __get__}
        if data:
            members["__set__"] = lambda self, obj, value: None
        ns[NAME] = type("Descriptor", (object,), members)()
    elif tattr == "Plain":
        ns[NAME] = "class"

    ga = shape["ga"]
    if ga != "Inherited":
        def __getattribute__(self, name):
            emit("GetattributeCalled")
            if ga == "Delegates":
                return object.__getattribute__(self, name)
            return behave(ga, "getattribute")

        ns["__getattribute__"] = __getattribute__

    gattr = shape["gattr"]
    if gattr == "Static":
        def static_getattr(name):
            emit("GetattrCalled")
            return "getattr"

        ns["__getattr__"] = staticmethod(static_getattr)
    elif gattr != "Absent":
        def __getattr__(self, name):
            emit("GetattrCalled")
            return behave(gattr, "getattr")

        ns["__getattr__"] = __getattr__

    cls = type("C", (object,), ns)
    obj = cls()
    d = object.__getattribute__(obj, "__dict__")
    if shape["in_dict"]:
        d[NAME] = "instance"
    if shape["inst_getattr"]:
        def instance_getattr(name):
            emit("InstanceGetattrCalled")
            return "instance getattr"

        d["__getattr__"] = instance_getattr
    return obj


SOURCES = {
    "getattribute": "FromGetattribute",
    "descriptor": "FromDescriptor",
    "instance": "FromInstanceDict",
    "class": "FromClass",
    "getattr": "FromGetattr",
    "default": "FromDefault",
    True: "HasTrue",
    False: "HasFalse",
}


def source_name(result):
    for value, name in SOURCES.items():
        if type(value) is type(result) and value == result:
            return name
    return other_value(result)


def lookup(shape, emit):
    try:
        obj = build(shape, emit)
    except Exception as e:  # the interpreter refused the class shape: say so
        emit("Raised", e=other_exception(e))
        return
    mode = shape["mode"]
    try:
        if mode == "Dot":
            result = getattr(obj, NAME)
        elif mode == "GetattrDefault":
            result = getattr(obj, NAME, "default")
        elif mode == "Hasattr":
            result = hasattr(obj, NAME)
        else:
            result = object.__getattribute__(obj, NAME)
    except BaseException as e:
        emit("Raised", e=error_name(e))
        return
    emit("Result", src=source_name(result))


def run(steps, consts, rec):
    shape = {}
    for i, step in enumerate(steps):
        rec.begin(i)
        action, args = step["action"], step.get("args", {})
        if action in SETUP:
            (value,) = args.values()
            shape[SETUP[action]] = value
        elif action == "lookup":
            for key, default in (("get", "Returns"),):
                shape.setdefault(key, default)
            missing = [k for k in SETUP.values() if k not in shape]
            if missing:
                raise Inapplicable("lookup before the shape is chosen: " + ", ".join(missing))
            lookup(shape, lambda name, **kw: rec.emit(name, **kw))
        else:
            raise Inapplicable("unknown action " + action)
