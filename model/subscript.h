#pragma once
// Subscription `obj[key]`, semantics.md 6 (PyObject_GetItem in
// Objects/abstract.c), with the TypeError messages of three CPython eras.

#include <vector>

#include "model/object.h"

namespace stateproof::model {

/// Which CPython's messages and special cases (semantics.md 2, gh-92114).
enum class Profile {
    CPython311,  ///< 3.11 to 3.14
    CPython39,   ///< 3.9, 3.10: "'type' object is not subscriptable"; __class_getitem__ = None is called
    CPython38    ///< 3.8: as 3.9, and type[k] is not a GenericAlias yet
};

/// `obj[key]`:
/// 1. type(obj).__getitem__ (the type only, never the instance dict), called
///    with the key as it is; its outcome is the result.
/// 2. A C sequence (sq_item only): the key's __index__, else TypeError
///    "sequence index must be integer, not 'T'".
/// 3. A class: `type` itself gives GenericAlias(type, key) (3.9+); otherwise
///    getattr(cls, '__class_getitem__') (a full class lookup: the metaclass
///    too; a non-AttributeError propagates), called with the key unless it
///    is None (3.11+: then "type 'C' is not subscriptable").
/// 4. TypeError "'T' object is not subscriptable".
/// Throws the PyException that escapes.
Value getitem(const Value& obj, const Value& key, Profile profile = Profile::CPython311);

/// collections.deque: a builtin sequence with sq_item and no mp_subscript.
TypeRef deque_type();
Value deque(std::vector<Value> items);

/// types.GenericAlias, what `type[k]` makes; its payload is (origin, arg).
TypeRef generic_alias_type();

}  // namespace stateproof::model
