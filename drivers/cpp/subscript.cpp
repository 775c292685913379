// Subscript (spec/subscript.sm) on model/: the twin of
// drivers/python/stateproof_driver/subscript.py. The setup steps choose the
// target (an instance, a class, `type`, a deque of two) and its hooks; `subscript`
// builds it from model/ objects whose hooks emit the spec's events with the
// key they received, evaluates target[key] and reports the outcome. The
// spec's `profile` constant selects the CPython era of model::getitem.

#include <map>

#include "drivers/cpp/adapter.h"
#include "model/subscript.h"
#include "spec/diagnostics.h"

namespace stateproof::drivers::cpp {

namespace {

using namespace stateproof::model;
using Emit = std::function<void(const std::string&, const std::vector<std::string>&)>;

const ExceptionClass& other_error() {
    static const ExceptionClass c = ExceptionClass::derive("OtherError", exc::Exception());
    return c;
}

// The spec's deque, deque([10, 11]); an int key for it is the spec's index.
const std::vector<int64_t> kDeque{10, 11};

Value key_value(const Shape& shape) {
    const std::string& key = shape.at("key");
    if (key != "IntKey") return str("k");
    if (shape.at("target") == "Deque" && shape.count("index")) return Value(int64_t(std::stoll(shape.at("index"))));
    return Value(int64_t(0));
}

std::string key_name(const Value& k) {
    if (const int64_t* i = std::get_if<int64_t>(&k); i && *i == 0) return "IntKey";
    if (const std::string* s = std::get_if<std::string>(&k); s && *s == "k") return "StrKey";
    return other_value(k);
}

std::string get(const Shape& shape, const std::string& key, const std::string& dflt) {
    auto it = shape.find(key);
    return it == shape.end() ? dflt : it->second;
}

Value build(const Shape& shape, const Emit& emit) {
    const std::string& target = shape.at("target");
    if (target == "TypeItself") return value_of(type_type());
    if (target == "Deque") return deque({Value(kDeque[0]), Value(kDeque[1])});
    std::string getitem = get(shape, "getitem", "Absent");

    auto make_getitem = [&](std::string event, std::string result) {
        return function("__getitem__", [=](const std::vector<Value>& a) {
            emit(event, {key_name(a.at(1))});
            if (getitem == "RaisesKey") throw PyException(exc::KeyError(), "stateproof");
            if (getitem == "RaisesOther") throw PyException(other_error(), "stateproof");
            return str(result);
        });
    };

    if (target == "Instance") {
        Dict ns;
        if (getitem != "Absent") ns["__getitem__"] = make_getitem("GetitemCalled", "getitem");
        ObjectRef obj = new_instance(new_class("C", {}, std::move(ns)));
        if (get(shape, "inst_getitem", "false") == "true") {
            obj->dict["__getitem__"] = function("instance_getitem", [=](const std::vector<Value>&) {
                emit("InstanceGetitemCalled", {});
                return str("instance");
            });
        }
        return obj;
    }

    // A class: its metaclass may have __getitem__; __class_getitem__ may be
    // on the class, on the metaclass, None, or raise.
    Dict meta_ns;
    if (getitem != "Absent") meta_ns["__getitem__"] = make_getitem("MetaGetitemCalled", "meta");
    std::string cgi = get(shape, "cgi", "Absent");
    Value class_getitem = function("__class_getitem__", [=](const std::vector<Value>& a) {
        emit("ClassGetitemCalled", {key_name(a.at(1))});
        if (cgi == "Raises") throw PyException(other_error(), "stateproof");
        return str("class_getitem");
    });
    // new_class makes a plain __class_getitem__ a classmethod, as type.__new__ does.
    if (cgi == "OnMetaclass") meta_ns["__class_getitem__"] = class_getitem;
    // A metaclass only where the shape needs one: before 3.11 the
    // not-subscriptable message names the metaclass ("'type' object ...").
    TypeRef meta = meta_ns.empty() ? type_type() : new_class("Meta", {type_type()}, std::move(meta_ns));
    Dict ns;
    if (cgi == "OnClass" || cgi == "Raises") ns["__class_getitem__"] = class_getitem;
    else if (cgi == "NoneValue") ns["__class_getitem__"] = none();
    return value_of(new_class("C", {}, std::move(ns), meta));
}

std::string message_name(const PyException& e) {
    static const std::map<std::string, std::string> names{
        {"'C' object is not subscriptable", "ObjectNotSubscriptable"},
        {"type 'C' is not subscriptable", "TypeNotSubscriptable"},
        {"'type' object is not subscriptable", "TypeObjectNotSubscriptable"},
        {"'NoneType' object is not callable", "NoneNotCallable"},
        {"sequence index must be integer, not 'str'", "SequenceIndexMustBeInteger"}};
    auto it = names.find(e.message());
    return it == names.end() ? other_exception(e) : it->second;
}

std::string source_of(const Value& obj, const Value& result) {
    if (is(obj, value_of(type_type())))
        return type_of(result) == generic_alias_type() ? "GenericAlias" : other_value(result);
    static const std::map<std::string, std::string> sources{
        {"getitem", "FromGetitem"}, {"meta", "FromMetaGetitem"}, {"class_getitem", "FromClassGetitem"}};
    if (const std::string* s = std::get_if<std::string>(&result)) {
        auto it = sources.find(*s);
        return it == sources.end() ? other_value(result) : it->second;
    }
    return other_value(result);
}

// The position of a deque's element, or -1 for a value the deque does not hold.
int deque_position(const Value& result) {
    if (const int64_t* i = std::get_if<int64_t>(&result))
        for (size_t k = 0; k < kDeque.size(); ++k)
            if (*i == kDeque[k]) return int(k);
    return -1;
}

void subscript(const Shape& shape, Profile profile, const Emit& emit) {
    Value obj = build(shape, emit);
    Value result;
    try {
        result = getitem(obj, key_value(shape), profile);
    } catch (const PyException& e) {
        if (e.matches(exc::TypeError())) emit("TypeErr", {message_name(e)});
        else if (e.matches(exc::KeyError())) emit("Raised", {"KeyError"});
        else if (e.cls() == exc::IndexError() && e.message() == "deque index out of range")
            emit("Raised", {"IndexOutOfRange"});
        else if (e.matches(other_error())) emit("Raised", {"OtherError"});
        else emit("Raised", {other_exception(e)});
        return;
    }
    if (type_of(obj) == deque_type()) {
        int pos = deque_position(result);
        if (pos >= 0) emit("DequeElement", {std::to_string(pos)});
        emit("Result", {pos >= 0 ? "FromDeque" : other_value(result)});
        return;
    }
    emit("Result", {source_of(obj, result)});
}

const std::map<std::string, std::string>& setup_actions() {
    static const std::map<std::string, std::string> s{{"choose_target", "target"},
                                                      {"choose_getitem", "getitem"},
                                                      {"choose_instance_getitem", "inst_getitem"},
                                                      {"choose_class_getitem", "cgi"},
                                                      {"choose_key", "key"},
                                                      {"choose_index", "index"}};
    return s;
}

Profile profile_of(const spec::Machine& m) {
    std::string p = const_text(m, "profile");
    if (p == "cpython311" || p.empty()) return Profile::CPython311;
    if (p == "cpython39") return Profile::CPython39;
    if (p == "cpython38") return Profile::CPython38;
    throw spec::UsageError("--impl cpp: model/ has no Subscript profile " + p);
}

}  // namespace

std::unique_ptr<explorer::Implementation> make_subscript(const spec::CompiledMachine& cm) {
    Profile profile = profile_of(cm.machine());
    auto run = [profile](const spec::CompiledMachine& c, const explorer::Scenario& sc,
                         std::vector<spec::ObservedStep>& out) {
        run_shaped_scenario(c, sc, out, setup_actions(), "subscript", [profile](Shape& shape, StepEvents& events) {
            if (!shape.count("target") || !shape.count("key"))
                return events.stop("subscript before the target and key are chosen");
            subscript(shape, profile,
                      [&](const std::string& name, const std::vector<std::string>& args) { events.emit(name, args); });
        });
    };
    return make_model_implementation(cm, "stateproof model/ (C++ object model)", run);
}

}  // namespace stateproof::drivers::cpp
