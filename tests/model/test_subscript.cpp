// model/ subscription (semantics.md 6). Each test is the twin of the Python
// snippet above it; every snippet's result was confirmed on CPython 3.11.7,
// and on 3.9.18 and 3.8.18 where a profile is named.

#include <catch2/catch.hpp>

#include "model/subscript.h"
#include "model/trace.h"
#include "tests/model/model_helpers.h"

using namespace stateproof::model;
using namespace stateproof::model::testing;

namespace {

// def __getitem__(self, key): return ("getitem", key), as "getitem:<key>".
Value echo_getitem(std::string tag) {
    return function("__getitem__", [tag](const std::vector<Value>& a) {
        const Value& key = a.at(1);
        if (const int64_t* i = std::get_if<int64_t>(&key)) return str(tag + ":" + std::to_string(*i));
        return str(tag + ":'" + text(key) + "'");
    });
}

int64_t as_int(const Value& v) {
    const int64_t* i = std::get_if<int64_t>(&v);
    return i ? *i : -999;
}

}  // namespace

// class G: def __getitem__(self, key): return ("getitem", key)
// G()[0] -> ('getitem', 0);  G()["k"] -> ('getitem', 'k')
// class GK: def __getitem__(self, key): raise KeyError(key)
// GK()["k"] -> KeyError: 'k'
TEST_CASE("model: type(obj).__getitem__ gets the key unconverted, and its exception is the result", "[model]") {
    ObjectRef g = new_instance(new_class("G", {}, {{"__getitem__", echo_getitem("getitem")}}));
    Trace trace;
    {
        TraceRecording rec(trace);
        CHECK(text(getitem(g, Value(int64_t(0)))) == "getitem:0");
    }
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::CallGetitem, "G"}});
    CHECK(text(getitem(g, str("k"))) == "getitem:'k'");
    Value key_error = function("__getitem__", [](const std::vector<Value>&) -> Value {
        throw PyException(exc::KeyError(), "'k'");
    });
    ObjectRef gk = new_instance(new_class("GK", {}, {{"__getitem__", key_error}}));
    CHECK(raised([&] { getitem(gk, str("k")); }) == "KeyError: 'k'");
}

// class N: pass
// n = N(); n.__getitem__ = lambda key: "instance"; n[0]   -> TypeError: 'N' object is not subscriptable
TEST_CASE("model: an __getitem__ in the instance dict is ignored", "[model]") {
    ObjectRef n = new_instance(new_class("N"));
    n->dict["__getitem__"] = returns("instance");
    CHECK(raised([&] { getitem(n, Value(int64_t(0))); }) == "TypeError: 'N' object is not subscriptable");
    CHECK(raised([&] { getitem(Value(None{}), Value(int64_t(0))); }) == "TypeError: 'NoneType' object is not subscriptable");
}

// d = collections.deque([10, 20, 30])
// d[1] -> 20;  d[-1] -> 30;  d["k"] -> TypeError: sequence index must be integer, not 'str'
// d[5] -> IndexError: deque index out of range
// At the ends (PySequence_GetItem adds len to a negative index once; deque_item
// refuses the rest), 3.8 to 3.13 alike:
// d[2] -> 30;  d[3] -> IndexError: deque index out of range
// d[-3] -> 10; d[-4] -> IndexError: deque index out of range
// class Idx: def __index__(self): return 2
// d[Idx()] -> 30
TEST_CASE("model: a sequence with sq_item only takes the key's __index__", "[model]") {
    Value d = deque({Value(int64_t(10)), Value(int64_t(20)), Value(int64_t(30))});
    CHECK(as_int(getitem(d, Value(int64_t(1)))) == 20);
    CHECK(as_int(getitem(d, Value(int64_t(-1)))) == 30);
    CHECK(raised([&] { getitem(d, str("k")); }) == "TypeError: sequence index must be integer, not 'str'");
    CHECK(raised([&] { getitem(d, Value(int64_t(5))); }) == "IndexError: deque index out of range");
    CHECK(as_int(getitem(d, Value(int64_t(2)))) == 30);
    CHECK(raised([&] { getitem(d, Value(int64_t(3))); }) == "IndexError: deque index out of range");
    CHECK(as_int(getitem(d, Value(int64_t(-3)))) == 10);
    CHECK(raised([&] { getitem(d, Value(int64_t(-4))); }) == "IndexError: deque index out of range");
    TypeRef idx = new_class("Idx", {}, {{"__index__", function("__index__", [](const std::vector<Value>&) {
                                             return Value(int64_t(2));
                                         })}});
    CHECK(as_int(getitem(d, ObjectRef(new_instance(idx)))) == 30);
}

// type[int] -> type[int];  type(type[int]).__name__ -> 'GenericAlias'   (3.9+)
// 3.8: type[int] -> TypeError: 'type' object is not subscriptable
TEST_CASE("model: type[k] is a GenericAlias from 3.9", "[model]") {
    Value type = value_of(type_type());
    Value alias = getitem(type, value_of(int_type()));
    CHECK(type_of(alias) == generic_alias_type());
    CHECK(is(as_object(alias)->payload.at(0), type));
    CHECK(is(as_object(alias)->payload.at(1), value_of(int_type())));
    CHECK(type_of(getitem(type, value_of(int_type()), Profile::CPython39)) == generic_alias_type());
    CHECK(raised([&] { getitem(type, value_of(int_type()), Profile::CPython38); }) ==
          "TypeError: 'type' object is not subscriptable");
}

// class CG: def __class_getitem__(cls, key): return ("cgi", cls.__name__, key)
// CG[0] -> ('cgi', 'CG', 0)
// class CR: def __class_getitem__(cls, key): raise ValueError("no")
// CR[0] -> ValueError: no
TEST_CASE("model: __class_getitem__ is implicitly a classmethod called with the key", "[model]") {
    Value cgi = function("__class_getitem__", [](const std::vector<Value>& a) {
        REQUIRE(a.size() == 2);
        TypeRef cls = as_type(a[0]);
        REQUIRE(cls);
        return str("cgi:" + cls->name + ":" + std::to_string(as_int(a[1])));
    });
    TypeRef cg = new_class("CG", {}, {{"__class_getitem__", cgi}});
    Trace trace;
    {
        TraceRecording rec(trace);
        CHECK(text(getitem(value_of(cg), Value(int64_t(0)))) == "cgi:CG:0");
    }
    REQUIRE(!trace.events.empty());
    CHECK(trace.events.back() == TraceEvent{EventKind::CallClassGetitem, "CG"});
    ExceptionClass value_error = ExceptionClass::derive("ValueError", exc::Exception());
    Value raises = function("__class_getitem__", [value_error](const std::vector<Value>&) -> Value {
        throw PyException(value_error, "no");
    });
    CHECK(raised([&] { getitem(value_of(new_class("CR", {}, {{"__class_getitem__", raises}})), Value(int64_t(0))); }) ==
          "ValueError: no");
}

// class CN: __class_getitem__ = None;  class CA: pass
// class MA(type): pass;  class CMA(metaclass=MA): pass
//            CN[0]                                     CA[0]                                  CMA[0]
// 3.11.7:    TypeError: type 'CN' is not subscriptable  TypeError: type 'CA' is not subscriptable  TypeError: type 'CMA' is not subscriptable
// 3.9.18:    TypeError: 'NoneType' object is not callable  TypeError: 'type' object is not subscriptable  TypeError: 'MA' object is not subscriptable
// 3.8.18:    as 3.9.18
TEST_CASE("model: a class that is not subscriptable: the message of each CPython era", "[model]") {
    struct Row {
        Profile profile;
        const char* none_value;
        const char* absent;
        const char* with_metaclass;
    };
    Row row = GENERATE(Row{Profile::CPython311, "TypeError: type 'CN' is not subscriptable",
                           "TypeError: type 'CA' is not subscriptable", "TypeError: type 'CMA' is not subscriptable"},
                       Row{Profile::CPython39, "TypeError: 'NoneType' object is not callable",
                           "TypeError: 'type' object is not subscriptable", "TypeError: 'MA' object is not subscriptable"},
                       Row{Profile::CPython38, "TypeError: 'NoneType' object is not callable",
                           "TypeError: 'type' object is not subscriptable", "TypeError: 'MA' object is not subscriptable"});
    Value zero = int64_t(0);
    TypeRef cn = new_class("CN", {}, {{"__class_getitem__", none()}});
    CHECK(raised([&] { getitem(value_of(cn), zero, row.profile); }) == row.none_value);
    CHECK(raised([&] { getitem(value_of(new_class("CA")), zero, row.profile); }) == row.absent);
    TypeRef ma = new_class("MA", {type_type()});
    CHECK(raised([&] { getitem(value_of(new_class("CMA", {}, {}, ma)), zero, row.profile); }) == row.with_metaclass);
}

// class MG(type): def __getitem__(cls, key): return ("meta", key)
// class CMG(metaclass=MG): def __class_getitem__(cls, key): return "cgi"
// CMG[0] -> ('meta', 0)
TEST_CASE("model: a metaclass __getitem__ shadows __class_getitem__", "[model]") {
    TypeRef mg = new_class("MG", {type_type()}, {{"__getitem__", echo_getitem("meta")}});
    TypeRef cmg = new_class("CMG", {}, {{"__class_getitem__", returns("cgi")}}, mg);
    Trace trace;
    TraceRecording rec(trace);
    CHECK(text(getitem(value_of(cmg), Value(int64_t(0)))) == "meta:0");
    CHECK(trace.events == std::vector<TraceEvent>{{EventKind::CallGetitem, "MG"}});
}

// class MC(type): def __class_getitem__(cls, key): return ("meta cgi", key)
// class CMC(metaclass=MC): pass;  CMC[0] -> ('meta cgi', 0)
// class MX(type):
//     @property
//     def __class_getitem__(cls): raise KeyError("lookup")
// class CMX(metaclass=MX): pass;  CMX[0] -> KeyError: 'lookup'
TEST_CASE("model: __class_getitem__ is found by a full class lookup, and its lookup errors propagate", "[model]") {
    TypeRef mc = new_class("MC", {type_type()}, {{"__class_getitem__", echo_getitem("meta cgi")}});
    CHECK(text(getitem(value_of(new_class("CMC", {}, {}, mc)), Value(int64_t(0)))) == "meta cgi:0");
    Value lookup_error = property(function("__class_getitem__", [](const std::vector<Value>&) -> Value {
        throw PyException(exc::KeyError(), "'lookup'");
    }));
    TypeRef mx = new_class("MX", {type_type()}, {{"__class_getitem__", lookup_error}});
    CHECK(raised([&] { getitem(value_of(new_class("CMX", {}, {}, mx)), Value(int64_t(0))); }) == "KeyError: 'lookup'");
}
