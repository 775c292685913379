#include "model/exceptions.h"

#include <algorithm>

namespace stateproof::model {

bool ExceptionClass::derives_from(const ExceptionClass& base) const {
    return std::find(mro.begin(), mro.end(), base.name()) != mro.end();
}

ExceptionClass ExceptionClass::derive(std::string name, const ExceptionClass& base) {
    ExceptionClass c{{std::move(name)}};
    c.mro.insert(c.mro.end(), base.mro.begin(), base.mro.end());
    return c;
}

namespace exc {
const ExceptionClass& BaseException() {
    static const ExceptionClass c{{"BaseException"}};
    return c;
}
const ExceptionClass& Exception() {
    static const ExceptionClass c = ExceptionClass::derive("Exception", BaseException());
    return c;
}
const ExceptionClass& AttributeError() {
    static const ExceptionClass c = ExceptionClass::derive("AttributeError", Exception());
    return c;
}
const ExceptionClass& TypeError() {
    static const ExceptionClass c = ExceptionClass::derive("TypeError", Exception());
    return c;
}
const ExceptionClass& LookupError() {
    static const ExceptionClass c = ExceptionClass::derive("LookupError", Exception());
    return c;
}
const ExceptionClass& KeyError() {
    static const ExceptionClass c = ExceptionClass::derive("KeyError", LookupError());
    return c;
}
const ExceptionClass& IndexError() {
    static const ExceptionClass c = ExceptionClass::derive("IndexError", LookupError());
    return c;
}
const ExceptionClass& GeneratorExit() {
    static const ExceptionClass c = ExceptionClass::derive("GeneratorExit", BaseException());
    return c;
}
const ExceptionClass& StopIteration() {
    static const ExceptionClass c = ExceptionClass::derive("StopIteration", Exception());
    return c;
}
const ExceptionClass& StopAsyncIteration() {
    static const ExceptionClass c = ExceptionClass::derive("StopAsyncIteration", Exception());
    return c;
}
const ExceptionClass& RuntimeError() {
    static const ExceptionClass c = ExceptionClass::derive("RuntimeError", Exception());
    return c;
}
const ExceptionClass& ValueError() {
    static const ExceptionClass c = ExceptionClass::derive("ValueError", Exception());
    return c;
}
}  // namespace exc

PyException::PyException(ExceptionClass cls, std::string message)
    : cls_(std::move(cls)), message_(std::move(message)), what_(cls_.name() + ": " + message_) {}

PyException attribute_error(std::string message) { return PyException(exc::AttributeError(), std::move(message)); }
PyException type_error(std::string message) { return PyException(exc::TypeError(), std::move(message)); }

}  // namespace stateproof::model
