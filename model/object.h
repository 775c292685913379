#pragma once
// A small Python object model: values, objects with an instance dict, types
// with bases, a C3 MRO and a type dict, callables, and the descriptor
// protocol. Just enough to run semantics.md sections 5 and 6 for real;
// attribute.h and subscript.h hold those algorithms.
//
// A callable "raises" by throwing PyException (exceptions.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/exceptions.h"

namespace stateproof::model {

struct Object;
struct Type;
struct Function;
using ObjectRef = std::shared_ptr<Object>;
using TypeRef = std::shared_ptr<Type>;
using FunctionRef = std::shared_ptr<const Function>;

/// Python's None.
struct None {
    bool operator==(const None&) const = default;
};

/// A Python value: None, an int, a str, an object (instances and classes),
/// or a function. Objects and functions are references, as in Python.
using Value = std::variant<None, int64_t, std::string, ObjectRef, FunctionRef>;

/// A name -> value dict (the instance dict, a type's dict).
using Dict = std::map<std::string, Value>;

/// A callable: the positional arguments in, a value out, or it throws PyException.
struct Function {
    std::string name;
    std::function<Value(const std::vector<Value>&)> body;
};

/// An object: its type and, if it has one, its instance dict (`__dict__`).
struct Object : std::enable_shared_from_this<Object> {
    explicit Object(TypeRef t, bool with_dict = true) : type(std::move(t)), has_dict(with_dict) {}
    virtual ~Object() = default;
    TypeRef type;  ///< type(obj); for a class, its metaclass
    Dict dict;     ///< the instance dict; a class's own dict for a Type
    bool has_dict;
    /// What a builtin object wraps, where a C object has fields: a property's
    /// fget, a staticmethod's function, a deque's items, a GenericAlias's
    /// origin and argument.
    std::vector<Value> payload;
};

/// A class. Its `dict` (from Object) is the type dict; `type` is the metaclass.
struct Type : Object {
    Type(TypeRef metaclass, std::string n) : Object(std::move(metaclass)), name(std::move(n)) {}
    std::string name;
    std::vector<TypeRef> bases;
    /// The C3 linearisation, this type first. Raw pointers: `this` and the
    /// bases' MROs are kept alive through `bases` (no reference cycle).
    std::vector<Type*> mro;
    /// A C sequence's sq_item slot (e.g. deque): set for builtin sequences
    /// that have no mp_subscript for arbitrary keys (semantics.md 6, step 2).
    std::function<Value(const Value& self, int64_t index)> sq_item;

    TypeRef ref() { return std::static_pointer_cast<Type>(shared_from_this()); }
    /// _PyType_Lookup: the first dict along the MRO that holds `name`.
    std::optional<Value> lookup(const std::string& name) const;
    /// True if `other` is on this type's MRO (issubclass).
    bool is_subtype(const Type& other) const;
};

// ---------------------------------------------------------------- builtins
/// `object`, `type` and the builtin types the model needs.
TypeRef object_type();
TypeRef type_type();
TypeRef none_type();
TypeRef int_type();
TypeRef str_type();
TypeRef function_type();
TypeRef property_type();
TypeRef staticmethod_type();
TypeRef classmethod_type();

/// The builtin `object.__getattribute__` (the generic algorithm) and
/// `type.__getattribute__` (type_getattro): slot_tp_getattr_hook compares the
/// looked-up `__getattribute__` with these to skip the Python-level call.
FunctionRef object_getattribute();
FunctionRef type_getattribute();

// ---------------------------------------------------------------- values
Value none();
Value str(std::string s);
Value function(std::string name, std::function<Value(const std::vector<Value>&)> body);
/// property(fget): a data descriptor (its type has __get__ and __set__).
Value property(Value fget);
/// staticmethod(f) / classmethod(f): non-data descriptors.
Value staticmethod(Value f);
Value classmethod(Value f);

/// type(v).
TypeRef type_of(const Value& v);
/// The object a value refers to, or null for None/int/str/function.
ObjectRef as_object(const Value& v);
/// The class a value refers to, or null if it is not a class.
TypeRef as_type(const Value& v);
/// `a is b`.
bool is(const Value& a, const Value& b);
bool is_none(const Value& v);
/// repr() of a None, int or str ("None", "1", "'x'"); other values print as <object>.
std::string repr(const Value& v);
/// The value as a Value (a class is a value too).
inline Value value_of(const TypeRef& t) { return ObjectRef(t); }

// ---------------------------------------------------------------- classes
/// `class name(*bases, metaclass=meta): <dict>`, as type.__new__ does it:
/// bases default to (object,); the metaclass defaults to type(bases[0]);
/// the MRO is the C3 linearisation (mro.cpp); a plain function under
/// `__class_getitem__` becomes a classmethod (type_new_set_classmethod).
/// Throws PyException(TypeError) for a duplicate base or when no consistent
/// MRO exists, with CPython's messages.
TypeRef new_class(std::string name, std::vector<TypeRef> bases = {}, Dict dict = {}, TypeRef meta = nullptr);
/// An instance of `t` with an empty instance dict.
ObjectRef new_instance(TypeRef t);

/// The C3 linearisation of a class with these bases (mro_internal ->
/// mro_implementation). Throws PyException(TypeError) with CPython's message.
std::vector<Type*> c3_linearize(Type* cls, const std::vector<TypeRef>& bases);

// ---------------------------------------------------------------- calls and descriptors
/// `f(*args)`: a function's body, or type(f).__call__. Throws
/// TypeError("'X' object is not callable") otherwise.
Value call(const Value& f, const std::vector<Value>& args);
/// type(d) has __get__ (a descriptor).
bool has_get(const Value& d);
/// PyDescr_IsData: type(d) has __get__ and __set__ or __delete__.
bool is_data_descriptor(const Value& d);
/// type(d).__get__(d, obj, owner).
Value descr_get(const Value& d, const Value& obj, const Value& owner);
/// Binds a hook found on type(obj) the way call_attribute does: through
/// type(hook).__get__(hook, obj, type(obj)) if it has one, else as is.
Value bind_hook(const Value& hook, const Value& obj);

}  // namespace stateproof::model
