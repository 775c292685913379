#include "model/subscript.h"

#include "model/attribute.h"
#include "model/trace.h"

namespace stateproof::model {

namespace {

// PyNumber_AsSsize_t through __index__ (an int is its own index); nullopt if
// the key has no __index__.
std::optional<int64_t> index_of(const Value& key) {
    if (const int64_t* i = std::get_if<int64_t>(&key)) return *i;
    std::optional<Value> index = type_of(key)->lookup("__index__");
    if (!index) return std::nullopt;
    Value v = call(bind_hook(*index, key), {});
    if (const int64_t* i = std::get_if<int64_t>(&v)) return *i;
    throw type_error("__index__ returned non-int (type " + type_of(v)->name + ")");
}

}  // namespace

TypeRef deque_type() {
    static const TypeRef t = [] {
        TypeRef d = new_class("deque");
        // deque_item: a negative index counts from the end (sq_item's caller
        // adds the length), anything outside is an IndexError.
        d->sq_item = [](const Value& self, int64_t i) {
            const std::vector<Value>& items = as_object(self)->payload;
            int64_t n = int64_t(items.size());
            if (i < 0) i += n;
            if (i < 0 || i >= n) throw PyException(exc::IndexError(), "deque index out of range");
            return items[size_t(i)];
        };
        return d;
    }();
    return t;
}

Value deque(std::vector<Value> items) {
    auto o = std::make_shared<Object>(deque_type(), false);
    o->payload = std::move(items);
    return ObjectRef(o);
}

TypeRef generic_alias_type() {
    static const TypeRef t = new_class("GenericAlias");
    return t;
}

Value getitem(const Value& obj, const Value& key, Profile profile) {
    TypeRef tp = type_of(obj);
    // 1. mp_subscript: a Python __getitem__ on the type fills it.
    if (std::optional<Value> gi = tp->lookup("__getitem__")) {
        record(EventKind::CallGetitem, tp->name);
        return call(bind_hook(*gi, obj), {key});
    }
    // 2. sq_item only.
    if (tp->sq_item) {
        std::optional<int64_t> i = index_of(key);
        if (!i) throw type_error("sequence index must be integer, not '" + type_of(key)->name + "'");
        record(EventKind::SqItem, tp->name);
        return tp->sq_item(obj, *i);
    }
    // 3. A class.
    if (TypeRef cls = as_type(obj)) {
        if (cls == type_type() && profile != Profile::CPython38) {
            record(EventKind::GenericAlias, cls->name);
            auto alias = std::make_shared<Object>(generic_alias_type(), false);
            alias->payload = {obj, key};
            return ObjectRef(alias);
        }
        std::optional<Value> m;
        try {
            m = getattr(obj, "__class_getitem__");
        } catch (const PyException& e) {
            if (!e.matches(exc::AttributeError())) throw;
        }
        // gh-92114: 3.11 treats None as absent; before, None was called.
        if (m && !(profile == Profile::CPython311 && is_none(*m))) {
            record(EventKind::CallClassGetitem, cls->name);
            return call(*m, {key});
        }
        if (profile == Profile::CPython311) throw type_error("type '" + cls->name + "' is not subscriptable");
    }
    // 4. (before 3.11 also for classes: named after the metaclass).
    throw type_error("'" + tp->name + "' object is not subscriptable");
}

}  // namespace stateproof::model
