#include "model/attribute.h"

#include "model/trace.h"

namespace stateproof::model {

Value generic_getattr(const Value& obj, const std::string& name) {
    TypeRef tp = type_of(obj);
    // G2: the type attribute first (_PyType_Lookup over the MRO).
    std::optional<Value> d = tp->lookup(name);
    // G3: a data descriptor wins, and whatever its __get__ raises is the
    // result (no fall-through to the dict: a property raising AttributeError
    // is how __getattr__ gets called for it).
    if (d && is_data_descriptor(*d)) {
        record(EventKind::DescrGet, type_of(*d)->name);
        return descr_get(*d, obj, value_of(tp));
    }
    // G4: the instance dict.
    if (ObjectRef o = as_object(obj); o && o->has_dict) {
        auto it = o->dict.find(name);
        if (it != o->dict.end()) {
            record(EventKind::DictHit, name);
            return it->second;
        }
    }
    // G5: a non-data descriptor (a function becomes a bound method).
    if (d && has_get(*d)) {
        record(EventKind::DescrGet, type_of(*d)->name);
        return descr_get(*d, obj, value_of(tp));
    }
    // G6: a plain class attribute.
    if (d) {
        record(EventKind::TypeHit, tp->name);
        return *d;
    }
    // G7.
    throw attribute_error("'" + tp->name + "' object has no attribute '" + name + "'");
}

Value type_getattro(const TypeRef& cls, const std::string& name) {
    const TypeRef& meta = cls->type;
    Value cls_value = value_of(cls);
    // 1. A data descriptor on the metaclass wins over the class's own dicts.
    std::optional<Value> meta_attr = meta->lookup(name);
    if (meta_attr && is_data_descriptor(*meta_attr)) {
        record(EventKind::DescrGet, type_of(*meta_attr)->name);
        return descr_get(*meta_attr, cls_value, value_of(meta));
    }
    // 2. The class's MRO; a descriptor there is bound with no instance.
    if (std::optional<Value> attr = cls->lookup(name)) {
        if (has_get(*attr)) {
            record(EventKind::DescrGet, type_of(*attr)->name);
            return descr_get(*attr, none(), cls_value);
        }
        record(EventKind::TypeHit, cls->name);
        return *attr;
    }
    // 3. The metaclass's non-data descriptor or plain attribute.
    if (meta_attr) {
        if (has_get(*meta_attr)) {
            record(EventKind::DescrGet, type_of(*meta_attr)->name);
            return descr_get(*meta_attr, cls_value, value_of(meta));
        }
        record(EventKind::TypeHit, meta->name);
        return *meta_attr;
    }
    throw attribute_error("type object '" + cls->name + "' has no attribute '" + name + "'");
}

Value getattr(const Value& obj, const std::string& name) {
    TypeRef tp = type_of(obj);
    // S0: both hooks come from the type's MRO, never from the instance dict.
    // object defines __getattribute__, so it is always found.
    Value gab = tp->lookup("__getattribute__").value();
    std::optional<Value> ga = tp->lookup("__getattr__");
    record(EventKind::LookupGetattribute, tp->name);
    try {
        // S1: the builtin __getattribute__s run their C algorithm directly.
        TypeRef cls = as_type(obj);
        if (is(gab, object_getattribute())) return generic_getattr(obj, name);
        if (is(gab, type_getattribute()) && cls) return type_getattro(cls, name);
        // Otherwise call_attribute: bind it through its __get__, call with the name.
        record(EventKind::CallGetattribute, tp->name);
        return call(bind_hook(gab, obj), {str(name)});
    } catch (const PyException& e) {
        record(EventKind::Raise, e.cls().name());
        // S2: only an AttributeError (or a subclass) reaches __getattr__.
        if (!ga || !e.matches(exc::AttributeError())) throw;
    }
    // slot_tp_getattr_hook calls __getattr__ exactly once; its outcome is final.
    record(EventKind::CallGetattr, tp->name);
    try {
        return call(bind_hook(*ga, obj), {str(name)});
    } catch (const PyException& e) {
        record(EventKind::Raise, e.cls().name());
        throw;
    }
}

Value getattr_any_name(const Value& obj, const Value& name) {
    if (const std::string* s = std::get_if<std::string>(&name)) return getattr(obj, *s);
    throw type_error("attribute name must be string, not '" + type_of(name)->name + "'");
}

Value getattr(const Value& obj, const std::string& name, const Value& dflt) {
    // PyObject_GetOptionalAttr: only a final AttributeError is swallowed.
    try {
        return getattr(obj, name);
    } catch (const PyException& e) {
        if (!e.matches(exc::AttributeError())) throw;
        return dflt;
    }
}

bool hasattr(const Value& obj, const std::string& name) {
    try {
        getattr(obj, name);
        return true;
    } catch (const PyException& e) {
        if (!e.matches(exc::AttributeError())) throw;
        return false;
    }
}

}  // namespace stateproof::model
