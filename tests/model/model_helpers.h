#pragma once
// Small helpers for the model/ tests: Python's results written as C++ values.

#include <string>
#include <vector>

#include "model/object.h"

namespace stateproof::model::testing {

/// "Class: message" of the PyException `f` throws, or "no exception".
template <class F>
std::string raised(F&& f) {
    try {
        f();
    } catch (const PyException& e) {
        return e.what();
    }
    return "no exception";
}

/// The str a value holds (the tests' results are strings), or "<not a str>".
inline std::string text(const Value& v) {
    const std::string* s = std::get_if<std::string>(&v);
    return s ? *s : "<not a str>";
}

/// A function returning a constant str.
inline Value returns(std::string s) {
    return function("f", [s](const std::vector<Value>&) { return str(s); });
}

/// The names along a class's MRO.
inline std::vector<std::string> mro_names(const TypeRef& t) {
    std::vector<std::string> names;
    for (const Type* k : t->mro) names.push_back(k->name);
    return names;
}

}  // namespace stateproof::model::testing
