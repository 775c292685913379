#pragma once
// Python exceptions as C++ values. A callable of the model "raises" by
// throwing PyException; the lookup code catches it where CPython checks
// PyErr_ExceptionMatches (e.g. slot_tp_getattr_hook's AttributeError test).

#include <exception>
#include <string>
#include <vector>

namespace stateproof::model {

/// An exception class, known by its MRO of class names (most derived first),
/// which is all that matching needs.
struct ExceptionClass {
    std::vector<std::string> mro;

    const std::string& name() const { return mro.front(); }
    /// True if this class is `base` or derives from it (issubclass).
    bool derives_from(const ExceptionClass& base) const;
    /// A new class `name(base)`, as `class name(base): pass` makes.
    static ExceptionClass derive(std::string name, const ExceptionClass& base);
    bool operator==(const ExceptionClass&) const = default;
};

/// The builtin exception classes the model raises.
namespace exc {
const ExceptionClass& BaseException();
const ExceptionClass& Exception();
const ExceptionClass& AttributeError();
const ExceptionClass& TypeError();
const ExceptionClass& LookupError();
const ExceptionClass& KeyError();
const ExceptionClass& IndexError();
// The asynchronous generator protocol's (model/asyncgen.h).
const ExceptionClass& GeneratorExit();
const ExceptionClass& StopIteration();
const ExceptionClass& StopAsyncIteration();
const ExceptionClass& RuntimeError();
const ExceptionClass& ValueError();
}  // namespace exc

/// A raised Python exception: its class and its str().
class PyException : public std::exception {
  public:
    PyException(ExceptionClass cls, std::string message);
    const ExceptionClass& cls() const { return cls_; }
    const std::string& message() const { return message_; }
    /// PyErr_ExceptionMatches: an instance of `c` or of a subclass.
    bool matches(const ExceptionClass& c) const { return cls_.derives_from(c); }
    /// "TypeError: message", as a traceback's last line.
    const char* what() const noexcept override { return what_.c_str(); }

  private:
    ExceptionClass cls_;
    std::string message_;
    std::string what_;
};

/// Shorthands for the errors the lookups raise.
PyException attribute_error(std::string message);
PyException type_error(std::string message);

}  // namespace stateproof::model
