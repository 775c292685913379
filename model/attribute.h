#pragma once
// Attribute lookup, semantics.md 5: the slot (slot_tp_getattr_hook, S0-S2),
// the generic algorithm (_PyObject_GenericGetAttrWithDict, G1-G7) and the
// lookup on a class object (type_getattro). Each records its hook and
// descriptor calls into the current TraceRecording (trace.h).

#include <string>

#include "model/object.h"

namespace stateproof::model {

/// `obj.name` / getattr(obj, name) (PyObject_GetAttr -> tp_getattro).
/// S0: __getattribute__ and __getattr__ are looked up on type(obj) only.
/// S1: object's / type's own __getattribute__ run the generic / class
/// algorithm; any other is bound and called with the name. S2: an
/// AttributeError (a subclass too) from it calls __getattr__ once, bound
/// through its descriptor; its value or exception is final. Throws the
/// PyException that escapes.
Value getattr(const Value& obj, const std::string& name);
/// The same with a name that may not be a str: TypeError("attribute name
/// must be string, not 'int'") (the 3.10+ message; 3.8/3.9 say
/// "getattr(): attribute name must be string").
Value getattr_any_name(const Value& obj, const Value& name);
/// getattr(obj, name, default): a final AttributeError becomes `dflt`;
/// other exceptions propagate.
Value getattr(const Value& obj, const std::string& name, const Value& dflt);
/// hasattr(obj, name): false on a final AttributeError; other exceptions propagate.
bool hasattr(const Value& obj, const std::string& name);

/// object.__getattribute__(obj, name): the generic algorithm G, with no
/// __getattr__ fallback (that lives in the slot). Data descriptor on the
/// type > instance dict > non-data descriptor > plain class attribute >
/// AttributeError("'T' object has no attribute 'name'").
Value generic_getattr(const Value& obj, const std::string& name);

/// type.__getattribute__(cls, name) (type_getattro): a data descriptor of
/// the metaclass, then the class's MRO (descriptors bound with
/// __get__(None, cls)), then the metaclass's non-data descriptor or plain
/// attribute, else AttributeError("type object 'C' has no attribute 'name'").
Value type_getattro(const TypeRef& cls, const std::string& name);

}  // namespace stateproof::model
