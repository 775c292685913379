#include "model/object.h"

#include "model/attribute.h"

namespace stateproof::model {

namespace {

// A builtin class: metaclass `type`, base `object`, the given dict.
TypeRef builtin_type(std::string name, Dict dict) {
    auto t = std::make_shared<Type>(type_type(), std::move(name));
    t->bases = {object_type()};
    t->mro = {t.get(), object_type().get()};
    t->dict = std::move(dict);
    return t;
}

Value method(std::string name, std::function<Value(const std::vector<Value>&)> body) {
    return function(std::move(name), std::move(body));
}

// `f` bound to `self`: calling it prepends self (a bound method object).
Value bound_method(const Value& f, const Value& self) {
    return function("bound method", [f, self](const std::vector<Value>& args) {
        std::vector<Value> all{self};
        all.insert(all.end(), args.begin(), args.end());
        return call(f, all);
    });
}

const Value& payload_of(const Value& self, size_t i) { return as_object(self)->payload.at(i); }

// `object` and `type` refer to each other (type(object) is type, type's
// base is object), so they are made together.
struct Roots {
    TypeRef object;
    TypeRef type;
};

const Roots& roots() {
    static const Roots r = [] {
        Roots x;
        x.object = std::make_shared<Type>(nullptr, "object");
        x.object->mro = {x.object.get()};
        x.type = std::make_shared<Type>(nullptr, "type");
        x.type->bases = {x.object};
        x.type->mro = {x.type.get(), x.object.get()};
        x.object->type = x.type;
        x.type->type = x.type;  // a reference cycle, held for the whole run
        return x;
    }();
    return r;
}

}  // namespace

std::optional<Value> Type::lookup(const std::string& n) const {
    for (const Type* t : mro) {
        auto it = t->dict.find(n);
        if (it != t->dict.end()) return it->second;
    }
    return std::nullopt;
}

bool Type::is_subtype(const Type& other) const {
    for (const Type* t : mro)
        if (t == &other) return true;
    return false;
}

// ---------------------------------------------------------------- builtins
TypeRef object_type() {
    static const TypeRef t = [] {
        TypeRef o = roots().object;
        o->dict["__getattribute__"] = object_getattribute();
        return o;
    }();
    return t;
}

TypeRef type_type() {
    static const TypeRef t = [] {
        TypeRef ty = roots().type;
        ty->dict["__getattribute__"] = type_getattribute();
        return ty;
    }();
    return t;
}

TypeRef none_type() {
    static const TypeRef t = builtin_type("NoneType", {});
    return t;
}

TypeRef int_type() {
    static const TypeRef t = builtin_type("int", {});
    return t;
}

TypeRef str_type() {
    static const TypeRef t = builtin_type("str", {});
    return t;
}

// function.__get__: a function is a non-data descriptor; bound to an
// instance it becomes a method, looked up on a class it stays itself.
TypeRef function_type() {
    static const TypeRef t = builtin_type(
        "function", {{"__get__", method("__get__", [](const std::vector<Value>& a) {
                          return is_none(a.at(1)) ? a.at(0) : bound_method(a.at(0), a.at(1));
                      })}});
    return t;
}

// property: a data descriptor; its __get__ calls fget(obj), and is the
// property itself when looked up on the class.
TypeRef property_type() {
    static const TypeRef t = builtin_type(
        "property",
        {{"__get__", method("__get__",
                            [](const std::vector<Value>& a) {
                                return is_none(a.at(1)) ? a.at(0) : call(payload_of(a.at(0), 0), {a.at(1)});
                            })},
         {"__set__", method("__set__", [](const std::vector<Value>&) -> Value {
              throw attribute_error("can't set attribute");
          })}});
    return t;
}

TypeRef staticmethod_type() {
    static const TypeRef t = builtin_type(
        "staticmethod",
        {{"__get__", method("__get__", [](const std::vector<Value>& a) { return payload_of(a.at(0), 0); })}});
    return t;
}

// classmethod.__get__ binds to the owner (type(obj) when no owner is given).
TypeRef classmethod_type() {
    static const TypeRef t = builtin_type(
        "classmethod", {{"__get__", method("__get__", [](const std::vector<Value>& a) {
                             Value owner = is_none(a.at(2)) ? value_of(type_of(a.at(1))) : a.at(2);
                             return bound_method(payload_of(a.at(0), 0), owner);
                         })}});
    return t;
}

FunctionRef object_getattribute() {
    static const FunctionRef f = std::make_shared<const Function>(Function{
        "object.__getattribute__", [](const std::vector<Value>& a) {
            if (a.size() != 2 || !std::holds_alternative<std::string>(a[1]))
                throw type_error("expected 2 arguments: an object and an attribute name");
            return generic_getattr(a[0], std::get<std::string>(a[1]));
        }});
    return f;
}

FunctionRef type_getattribute() {
    static const FunctionRef f = std::make_shared<const Function>(Function{
        "type.__getattribute__", [](const std::vector<Value>& a) {
            TypeRef cls = a.size() == 2 ? as_type(a[0]) : nullptr;
            if (!cls || !std::holds_alternative<std::string>(a[1]))
                throw type_error("expected 2 arguments: a class and an attribute name");
            return type_getattro(cls, std::get<std::string>(a[1]));
        }});
    return f;
}

// ---------------------------------------------------------------- values
Value none() { return None{}; }
Value str(std::string s) { return s; }

Value function(std::string name, std::function<Value(const std::vector<Value>&)> body) {
    return std::make_shared<const Function>(Function{std::move(name), std::move(body)});
}

namespace {
Value wrapper(const TypeRef& t, Value wrapped) {
    auto o = std::make_shared<Object>(t, false);
    o->payload = {std::move(wrapped)};
    return ObjectRef(o);
}
}  // namespace

Value property(Value fget) { return wrapper(property_type(), std::move(fget)); }
Value staticmethod(Value f) { return wrapper(staticmethod_type(), std::move(f)); }
Value classmethod(Value f) { return wrapper(classmethod_type(), std::move(f)); }

TypeRef type_of(const Value& v) {
    switch (v.index()) {
        case 0: return none_type();
        case 1: return int_type();
        case 2: return str_type();
        case 3: return std::get<ObjectRef>(v)->type;
        default: return function_type();
    }
}

ObjectRef as_object(const Value& v) {
    const ObjectRef* o = std::get_if<ObjectRef>(&v);
    return o ? *o : nullptr;
}

TypeRef as_type(const Value& v) { return std::dynamic_pointer_cast<Type>(as_object(v)); }

bool is(const Value& a, const Value& b) {
    if (a.index() != b.index()) return false;
    if (auto* o = std::get_if<ObjectRef>(&a)) return *o == std::get<ObjectRef>(b);
    if (auto* f = std::get_if<FunctionRef>(&a)) return *f == std::get<FunctionRef>(b);
    return a == b;  // None, small ints and interned strings compare by value
}

std::string repr(const Value& v) {
    if (std::holds_alternative<None>(v)) return "None";
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* s = std::get_if<std::string>(&v)) {
        // Python quotes with ' unless the text holds a ' and no ".
        bool dq = s->find('\'') != std::string::npos && s->find('"') == std::string::npos;
        return dq ? "\"" + *s + "\"" : "'" + *s + "'";
    }
    return "<object>";
}

bool is_none(const Value& v) { return std::holds_alternative<None>(v); }

// ---------------------------------------------------------------- classes
TypeRef new_class(std::string name, std::vector<TypeRef> bases, Dict dict, TypeRef meta) {
    if (bases.empty()) bases = {object_type()};
    if (!meta) {
        // _PyType_CalculateMetaclass: the most derived of the bases' metaclasses.
        meta = type_type();
        for (const TypeRef& b : bases) {
            if (meta->is_subtype(*b->type)) continue;
            if (!b->type->is_subtype(*meta))
                throw type_error(
                    "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the "
                    "metaclasses of all its bases");
            meta = b->type;
        }
    }
    auto t = std::make_shared<Type>(meta, std::move(name));
    t->bases = std::move(bases);
    t->mro = c3_linearize(t.get(), t->bases);
    // type_new_set_classmethod: these two are implicitly classmethods.
    for (const char* implicit : {"__class_getitem__", "__init_subclass__"}) {
        auto it = dict.find(implicit);
        if (it != dict.end() && std::holds_alternative<FunctionRef>(it->second)) it->second = classmethod(it->second);
    }
    t->dict = std::move(dict);
    return t;
}

ObjectRef new_instance(TypeRef t) { return std::make_shared<Object>(std::move(t)); }

// ---------------------------------------------------------------- calls and descriptors
Value call(const Value& f, const std::vector<Value>& args) {
    if (auto* fn = std::get_if<FunctionRef>(&f)) return (*fn)->body(args);
    if (auto c = type_of(f)->lookup("__call__"); c && as_object(f)) {
        std::vector<Value> all{f};
        all.insert(all.end(), args.begin(), args.end());
        return call(*c, all);
    }
    throw type_error("'" + type_of(f)->name + "' object is not callable");
}

bool has_get(const Value& d) { return type_of(d)->lookup("__get__").has_value(); }

bool is_data_descriptor(const Value& d) {
    TypeRef t = type_of(d);
    return t->lookup("__get__") && (t->lookup("__set__") || t->lookup("__delete__"));
}

Value descr_get(const Value& d, const Value& obj, const Value& owner) {
    std::optional<Value> get = type_of(d)->lookup("__get__");
    if (!get) throw type_error("'" + type_of(d)->name + "' object is not a descriptor");
    return call(*get, {d, obj, owner});
}

Value bind_hook(const Value& hook, const Value& obj) {
    return has_get(hook) ? descr_get(hook, obj, value_of(type_of(obj))) : hook;
}

}  // namespace stateproof::model
