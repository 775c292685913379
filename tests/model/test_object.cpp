// model/ attribute lookup (semantics.md 5) and C3 MROs. Each test is the twin
// of the Python snippet above it; every snippet's result was confirmed on
// CPython 3.11.7.

#include <catch2/catch.hpp>

#include "model/attribute.h"
#include "model/trace.h"
#include "tests/model/model_helpers.h"

using namespace stateproof::model;
using namespace stateproof::model::testing;

namespace {

// An __getattr__(self, name) that counts its calls and returns "getattr".
Value counting_getattr(int& calls) {
    return function("__getattr__", [&calls](const std::vector<Value>&) {
        ++calls;
        return str("getattr");
    });
}

Value raising(const ExceptionClass& c, std::string message) {
    return function("f", [c, message](const std::vector<Value>&) -> Value { throw PyException(c, message); });
}

// class ND:  def __get__(self, obj, typ=None): return "descriptor"
Value non_data_descriptor() {
    TypeRef nd = new_class("ND", {}, {{"__get__", returns("descriptor")}});
    return ObjectRef(new_instance(nd));
}

}  // namespace

// ------------------------------------------------------------------ C3 MRO

// class A: pass; class B(A): pass; class C(A): pass; class D(B, C): pass
// [k.__name__ for k in D.__mro__]              -> ['D', 'B', 'C', 'A', 'object']
// class E: pass; class F(E): pass; class G(F, D): pass
// [k.__name__ for k in G.__mro__]              -> ['G', 'F', 'E', 'D', 'B', 'C', 'A', 'object']
TEST_CASE("model: the MRO is the C3 linearisation, a diamond included", "[model]") {
    TypeRef a = new_class("A"), b = new_class("B", {a}), c = new_class("C", {a}), d = new_class("D", {b, c});
    CHECK(mro_names(d) == std::vector<std::string>{"D", "B", "C", "A", "object"});
    TypeRef e = new_class("E"), f = new_class("F", {e}), g = new_class("G", {f, d});
    CHECK(mro_names(g) == std::vector<std::string>{"G", "F", "E", "D", "B", "C", "A", "object"});
    CHECK(d->type == type_type());
}

// type("Bad", (A, B), {})   -> TypeError: Cannot create a consistent method resolution
//                              order (MRO) for bases A, B
// class X: pass; class Y: pass; class P(X, Y): pass; class Q(Y, X): pass
// type("Z", (P, Q), {})     -> TypeError: ... for bases X, Y
// type("Dup", (A, A), {})   -> TypeError: duplicate base class A
TEST_CASE("model: no consistent MRO is CPython's TypeError", "[model]") {
    TypeRef a = new_class("A"), b = new_class("B", {a});
    CHECK(raised([&] { new_class("Bad", {a, b}); }) ==
          "TypeError: Cannot create a consistent method resolution\norder (MRO) for bases A, B");
    TypeRef x = new_class("X"), y = new_class("Y"), p = new_class("P", {x, y}), q = new_class("Q", {y, x});
    CHECK(raised([&] { new_class("Z", {p, q}); }) ==
          "TypeError: Cannot create a consistent method resolution\norder (MRO) for bases X, Y");
    CHECK(raised([&] { new_class("Dup", {a, a}); }) == "TypeError: duplicate base class A");
}

// ------------------------------------------------------------------ G: the generic order

// class K:
//     @property
//     def attr(self): return "property"
// k = K(); k.__dict__["attr"] = "instance"; k.attr   -> 'property'
TEST_CASE("model: a data descriptor beats the instance dict", "[model]") {
    TypeRef k = new_class("K", {}, {{"attr", property(returns("property"))}});
    ObjectRef obj = new_instance(k);
    obj->dict["attr"] = str("instance");
    Trace trace;
    TraceRecording rec(trace);
    CHECK(text(getattr(obj, "attr")) == "property");
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::LookupGetattribute, "K"}, {EventKind::DescrGet, "property"}});
}

// class ND: def __get__(self, obj, typ=None): return "descriptor"
// class K2: attr = ND()
// k2 = K2(); k2.attr                                 -> 'descriptor'
// k2.__dict__["attr"] = "instance"; k2.attr          -> 'instance'
// class K3: attr = "class"
// k3 = K3(); k3.attr -> 'class'; k3.__dict__["attr"] = "instance"; k3.attr -> 'instance'
TEST_CASE("model: the instance dict beats a non-data descriptor and a plain class attribute", "[model]") {
    ObjectRef k2 = new_instance(new_class("K2", {}, {{"attr", non_data_descriptor()}}));
    CHECK(text(getattr(k2, "attr")) == "descriptor");
    k2->dict["attr"] = str("instance");
    Trace trace;
    {
        TraceRecording rec(trace);
        CHECK(text(getattr(k2, "attr")) == "instance");
    }
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::LookupGetattribute, "K2"}, {EventKind::DictHit, "attr"}});

    ObjectRef k3 = new_instance(new_class("K3", {}, {{"attr", str("class")}}));
    CHECK(text(getattr(k3, "attr")) == "class");
    k3->dict["attr"] = str("instance");
    CHECK(text(getattr(k3, "attr")) == "instance");
}

// class K6: pass
// K6().attr          -> AttributeError: 'K6' object has no attribute 'attr'
// getattr(K6(), 1)   -> TypeError: attribute name must be string, not 'int'
TEST_CASE("model: a missing attribute and a name that is not a str", "[model]") {
    ObjectRef k6 = new_instance(new_class("K6"));
    CHECK(raised([&] { getattr(k6, "attr"); }) == "AttributeError: 'K6' object has no attribute 'attr'");
    CHECK(raised([&] { getattr_any_name(k6, Value(int64_t(1))); }) ==
          "TypeError: attribute name must be string, not 'int'");
}

// ------------------------------------------------------------------ S0-S2: the slot

// class K4:
//     @property
//     def attr(self): raise AttributeError("from property")
//     def __getattr__(self, name): calls.append(name); return "getattr"
// (K4().attr, calls)   -> ('getattr', ['attr'])
TEST_CASE("model: a property raising AttributeError calls __getattr__ exactly once", "[model]") {
    int calls = 0;
    TypeRef k4 = new_class("K4", {}, {{"attr", property(raising(exc::AttributeError(), "from property"))},
                                      {"__getattr__", counting_getattr(calls)}});
    Trace trace;
    TraceRecording rec(trace);
    CHECK(text(getattr(new_instance(k4), "attr")) == "getattr");
    CHECK(calls == 1);
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::LookupGetattribute, "K4"},
                                                  {EventKind::DescrGet, "property"},
                                                  {EventKind::Raise, "AttributeError"},
                                                  {EventKind::CallGetattr, "K4"}});
    CHECK(trace.to_json_lines() ==
          "{\"arg\":\"K4\",\"event\":\"LOOKUP_GETATTRIBUTE\"}\n{\"arg\":\"property\",\"event\":\"DESCR_GET\"}\n"
          "{\"arg\":\"AttributeError\",\"event\":\"RAISE\"}\n{\"arg\":\"K4\",\"event\":\"CALL_GETATTR\"}\n");
}

// class K5:
//     @property
//     def attr(self): raise ValueError("boom")
//     def __getattr__(self, name): calls2.append(name); return "getattr"
// K5().attr -> ValueError: boom;   calls2 -> []
TEST_CASE("model: an exception other than AttributeError propagates without __getattr__", "[model]") {
    int calls = 0;
    ExceptionClass value_error = ExceptionClass::derive("ValueError", exc::Exception());
    TypeRef k5 = new_class("K5", {}, {{"attr", property(raising(value_error, "boom"))}, {"__getattr__", counting_getattr(calls)}});
    CHECK(raised([&] { getattr(new_instance(k5), "attr"); }) == "ValueError: boom");
    CHECK(calls == 0);
}

// k6 = K6(); k6.__getattr__ = lambda name: "instance getattr"
// k6.attr   -> AttributeError: 'K6' object has no attribute 'attr'
TEST_CASE("model: an __getattr__ in the instance dict is ignored", "[model]") {
    ObjectRef k6 = new_instance(new_class("K6"));
    k6->dict["__getattr__"] = returns("instance getattr");
    CHECK(raised([&] { getattr(k6, "attr"); }) == "AttributeError: 'K6' object has no attribute 'attr'");
}

// class K7:
//     @staticmethod
//     def __getattr__(name): return "static:" + name
// K7().attr   -> 'static:attr'
// class Base: def __getattr__(self, name): return "base getattr"
// class Derived(Base): pass;  Derived().attr   -> 'base getattr'
TEST_CASE("model: __getattr__ is bound through its descriptor and found along the MRO", "[model]") {
    Value static_getattr = staticmethod(function("__getattr__", [](const std::vector<Value>& a) {
        REQUIRE(a.size() == 1);  // no self: staticmethod.__get__ returned the bare function
        return str("static:" + text(a[0]));
    }));
    CHECK(text(getattr(new_instance(new_class("K7", {}, {{"__getattr__", static_getattr}})), "attr")) == "static:attr");
    TypeRef base = new_class("Base", {}, {{"__getattr__", returns("base getattr")}});
    CHECK(text(getattr(new_instance(new_class("Derived", {base})), "attr")) == "base getattr");
}

// class K8:
//     def __getattribute__(self, name): return "getattribute"
//     def __getattr__(self, name): calls3.append(name); return "getattr"
// (K8().attr, calls3)   -> ('getattribute', [])
// class MyAttrError(AttributeError): pass
// class K9: __getattribute__ raises MyAttrError("sub"); __getattr__ counts
// (K9().attr, calls4)   -> ('getattr', ['attr'])
// class K10: __getattribute__ raises KeyError("other"); __getattr__ returns
// K10().attr            -> KeyError: 'other'
TEST_CASE("model: a custom __getattribute__ that returns or raises", "[model]") {
    int calls = 0;
    SECTION("returning: __getattr__ is not called") {
        TypeRef k8 = new_class("K8", {}, {{"__getattribute__", returns("getattribute")}, {"__getattr__", counting_getattr(calls)}});
        CHECK(text(getattr(new_instance(k8), "attr")) == "getattribute");
        CHECK(calls == 0);
    }
    SECTION("raising an AttributeError subclass: __getattr__ once") {
        ExceptionClass mine = ExceptionClass::derive("MyAttrError", exc::AttributeError());
        TypeRef k9 = new_class("K9", {}, {{"__getattribute__", raising(mine, "sub")}, {"__getattr__", counting_getattr(calls)}});
        Trace trace;
        TraceRecording rec(trace);
        CHECK(text(getattr(new_instance(k9), "attr")) == "getattr");
        CHECK(calls == 1);
        CHECK(trace.events == std::vector<TraceEvent>{{EventKind::LookupGetattribute, "K9"},
                                                      {EventKind::CallGetattribute, "K9"},
                                                      {EventKind::Raise, "MyAttrError"},
                                                      {EventKind::CallGetattr, "K9"}});
    }
    SECTION("raising another exception: it propagates") {
        TypeRef k10 = new_class("K10", {}, {{"__getattribute__", raising(exc::KeyError(), "'other'")}, {"__getattr__", counting_getattr(calls)}});
        CHECK(raised([&] { getattr(new_instance(k10), "attr"); }) == "KeyError: 'other'");
        CHECK(calls == 0);
    }
}

// class Delegates:
//     def __getattribute__(self, name): return object.__getattribute__(self, name)
//     def __getattr__(self, name): return "getattr"
// Delegates().attr   -> 'getattr'
TEST_CASE("model: a __getattribute__ delegating to object's falls back to __getattr__", "[model]") {
    Value delegate = function("__getattribute__", [](const std::vector<Value>& a) {
        return call(object_getattribute(), {a.at(0), a.at(1)});
    });
    TypeRef d = new_class("Delegates", {}, {{"__getattribute__", delegate}, {"__getattr__", returns("getattr")}});
    CHECK(text(getattr(new_instance(d), "attr")) == "getattr");
}

// class K11:
//     def __getattr__(self, name): calls5.append(name); raise AttributeError("again")
// K11().attr -> AttributeError: again;   calls5 -> ['attr']
TEST_CASE("model: what __getattr__ raises is final, AttributeError too", "[model]") {
    int calls = 0;
    Value again = function("__getattr__", [&calls](const std::vector<Value>&) -> Value {
        ++calls;
        throw attribute_error("again");
    });
    CHECK(raised([&] { getattr(new_instance(new_class("K11", {}, {{"__getattr__", again}})), "attr"); }) ==
          "AttributeError: again");
    CHECK(calls == 1);
}

// class K12: def __getattr__(self, name): return "getattr"
// object.__getattribute__(K12(), "attr")   -> AttributeError: 'K12' object has no attribute 'attr'
TEST_CASE("model: object.__getattribute__ called explicitly never falls back", "[model]") {
    ObjectRef k12 = new_instance(new_class("K12", {}, {{"__getattr__", returns("getattr")}}));
    CHECK(text(getattr(k12, "attr")) == "getattr");
    CHECK(raised([&] { call(object_getattribute(), {k12, str("attr")}); }) ==
          "AttributeError: 'K12' object has no attribute 'attr'");
}

// getattr(K6(), "attr", "dflt") -> 'dflt';  hasattr(K6(), "attr") -> False;  hasattr(K3(), "attr") -> True
// hasattr(K10(), "attr") -> KeyError: 'other';  getattr(K10(), "attr", "dflt") -> KeyError: 'other'
TEST_CASE("model: getattr with a default and hasattr swallow only AttributeError", "[model]") {
    ObjectRef k6 = new_instance(new_class("K6"));
    CHECK(text(getattr(k6, "attr", str("dflt"))) == "dflt");
    CHECK_FALSE(hasattr(k6, "attr"));
    CHECK(hasattr(new_instance(new_class("K3", {}, {{"attr", str("class")}})), "attr"));
    ObjectRef k10 = new_instance(new_class("K10", {}, {{"__getattribute__", raising(exc::KeyError(), "'other'")}}));
    CHECK(raised([&] { hasattr(k10, "attr"); }) == "KeyError: 'other'");
    CHECK(raised([&] { getattr(k10, "attr", str("dflt")); }) == "KeyError: 'other'");
}

// ------------------------------------------------------------------ type_getattro

// class Meta(type):
//     @property
//     def attr(cls): return "meta property"
//     plain = "meta plain"
//     def method(cls): return "meta method"
// class CM(metaclass=Meta): attr = "class attr"; plain = "class plain"
// CM.attr -> 'meta property';  CM.plain -> 'class plain';  CM.method() -> 'meta method'
// CM.nothing -> AttributeError: type object 'CM' has no attribute 'nothing'
TEST_CASE("model: on a class: metaclass data descriptor, then the class's MRO, then the metaclass", "[model]") {
    TypeRef meta = new_class("Meta", {type_type()},
                             {{"attr", property(returns("meta property"))},
                              {"plain", str("meta plain")},
                              {"method", function("method", [](const std::vector<Value>& a) {
                                   REQUIRE(as_type(a.at(0)));  // bound to the class
                                   return str("meta method");
                               })}});
    TypeRef cm = new_class("CM", {}, {{"attr", str("class attr")}, {"plain", str("class plain")}}, meta);
    Value c = value_of(cm);
    CHECK(text(getattr(c, "attr")) == "meta property");
    CHECK(text(getattr(c, "plain")) == "class plain");
    CHECK(text(call(getattr(c, "method"), {})) == "meta method");
    CHECK(raised([&] { getattr(c, "nothing"); }) == "AttributeError: type object 'CM' has no attribute 'nothing'");
}

// class CP:
//     @property
//     def attr(self): return "x"
// type(CP.attr).__name__   -> 'property'
// class Meta2(type): def __getattr__(cls, name): return "meta getattr " + name
// class CM2(metaclass=Meta2): pass;  CM2.nothing   -> 'meta getattr nothing'
TEST_CASE("model: on a class: a class's descriptor is bound without an instance, and the metaclass's __getattr__ is the fallback", "[model]") {
    TypeRef cp = new_class("CP", {}, {{"attr", property(returns("x"))}});
    CHECK(type_of(getattr(value_of(cp), "attr"))->name == "property");
    TypeRef meta2 = new_class("Meta2", {type_type()}, {{"__getattr__", function("__getattr__", [](const std::vector<Value>& a) {
                                                            return str("meta getattr " + text(a.at(1)));
                                                        })}});
    TypeRef cm2 = new_class("CM2", {}, {}, meta2);
    Trace trace;
    TraceRecording rec(trace);
    CHECK(text(getattr(value_of(cm2), "nothing")) == "meta getattr nothing");
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::LookupGetattribute, "Meta2"},
                                                  {EventKind::Raise, "AttributeError"},
                                                  {EventKind::CallGetattr, "Meta2"}});
}
