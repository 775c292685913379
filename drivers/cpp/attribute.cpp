// AttributeLookup (spec/attribute.sm) on model/: the twin of
// drivers/python/stateproof_driver/attribute.py. The setup steps choose a
// class shape; `lookup` builds it from model/ classes whose callables emit
// the spec's events as they run, performs one lookup and reports the result.

#include <map>

#include "drivers/cpp/adapter.h"
#include "model/attribute.h"

namespace stateproof::drivers::cpp {

namespace {

using namespace stateproof::model;
using Emit = std::function<void(const std::string&, const std::vector<std::string>&)>;

const char* const kName = "attr";

const ExceptionClass& attr_subclass_error() {
    static const ExceptionClass c = ExceptionClass::derive("AttrSubclassError", exc::AttributeError());
    return c;
}

const ExceptionClass& other_error() {
    static const ExceptionClass c = ExceptionClass::derive("OtherError", exc::Exception());
    return c;
}

// A hook's behaviour: return `value`, or raise the kind's exception.
Value behave(const std::string& kind, const std::string& value) {
    if (kind == "Returns") return str(value);
    if (kind == "RaisesAttr") throw attribute_error("stateproof");
    if (kind == "RaisesAttrSub") throw PyException(attr_subclass_error(), "stateproof");
    throw PyException(other_error(), "stateproof");
}

std::string error_name(const PyException& e) {
    // The scenario's hooks raise with "stateproof"; the lookup's own error
    // (_PyObject_GenericGetAttrWithDict) names the object's type and the
    // attribute, quoted.
    if (e.cls() == exc::AttributeError() && e.message() == "stateproof") return "AttributeError";
    if (e.cls() == exc::AttributeError() && e.message() == "'C' object has no attribute 'attr'") return "NoAttribute";
    if (e.cls() == attr_subclass_error() && e.message() == "stateproof") return "AttributeErrorSubclass";
    if (e.cls() == other_error()) return "OtherError";
    return other_exception(e);
}


// The instance of the class the shape describes.
ObjectRef build(const Shape& shape, const Emit& emit) {
    Dict ns;
    const std::string& tattr = shape.at("tattr");
    if (tattr == "DataDescriptor" || tattr == "NonDataDescriptor") {
        bool data = tattr == "DataDescriptor";
        std::string get_kind = shape.at("get");
        Dict members{{"__get__", function("__get__", [=](const std::vector<Value>&) {
                          emit("DescriptorGet", {data ? "true" : "false"});
                          return behave(get_kind, "descriptor");
                      })}};
        if (data) members["__set__"] = function("__set__", [](const std::vector<Value>&) { return none(); });
        ns[kName] = ObjectRef(new_instance(new_class("Descriptor", {}, std::move(members))));
    } else if (tattr == "Plain") {
        ns[kName] = str("class");
    }

    std::string ga = shape.at("ga");
    if (ga != "Inherited") {
        ns["__getattribute__"] = function("__getattribute__", [=](const std::vector<Value>& a) {
            emit("GetattributeCalled", {});
            if (ga == "Delegates") return call(object_getattribute(), {a.at(0), a.at(1)});
            return behave(ga, "getattribute");
        });
    }

    std::string gattr = shape.at("gattr");
    if (gattr == "Static") {
        ns["__getattr__"] = staticmethod(function("static_getattr", [=](const std::vector<Value>&) {
            emit("GetattrCalled", {});
            return str("getattr");
        }));
    } else if (gattr != "Absent") {
        ns["__getattr__"] = function("__getattr__", [=](const std::vector<Value>&) {
            emit("GetattrCalled", {});
            return behave(gattr, "getattr");
        });
    }

    ObjectRef obj = new_instance(new_class("C", {}, std::move(ns)));
    if (shape.at("in_dict") == "true") obj->dict[kName] = str("instance");
    if (shape.at("inst_getattr") == "true") {
        obj->dict["__getattr__"] = function("instance_getattr", [=](const std::vector<Value>&) {
            emit("InstanceGetattrCalled", {});
            return str("instance getattr");
        });
    }
    return obj;
}

std::string source_of(const Value& result) {
    static const std::map<std::string, std::string> sources{
        {"getattribute", "FromGetattribute"}, {"descriptor", "FromDescriptor"}, {"instance", "FromInstanceDict"},
        {"class", "FromClass"},               {"getattr", "FromGetattr"},       {"default", "FromDefault"}};
    if (const std::string* s = std::get_if<std::string>(&result)) {
        auto it = sources.find(*s);
        if (it != sources.end()) return it->second;
    }
    return other_value(result);
}

void lookup(const Shape& shape, const Emit& emit) {
    ObjectRef obj = build(shape, emit);
    const std::string& mode = shape.at("mode");
    std::string src;
    try {
        if (mode == "Dot") {
            src = source_of(getattr(obj, kName));
        } else if (mode == "GetattrDefault") {
            src = source_of(getattr(obj, kName, str("default")));
        } else if (mode == "Hasattr") {
            src = hasattr(obj, kName) ? "HasTrue" : "HasFalse";
        } else {
            // object.__getattribute__(obj, 'attr'), called like any function.
            src = source_of(call(object_getattribute(), {obj, str(kName)}));
        }
    } catch (const PyException& e) {
        emit("Raised", {error_name(e)});
        return;
    }
    emit("Result", {src});
}

const std::map<std::string, std::string>& setup_actions() {
    static const std::map<std::string, std::string> s{
        {"choose_mode", "mode"},           {"choose_getattribute", "ga"},    {"choose_type_attr", "tattr"},
        {"choose_get", "get"},             {"choose_instance_dict", "in_dict"}, {"choose_getattr", "gattr"},
        {"choose_instance_getattr", "inst_getattr"}};
    return s;
}

void run_scenario(const spec::CompiledMachine& cm, const explorer::Scenario& sc, std::vector<spec::ObservedStep>& out) {
    run_shaped_scenario(cm, sc, out, setup_actions(), "lookup", [](Shape& shape, StepEvents& events) {
        shape.try_emplace("get", "Returns");
        std::string missing;
        for (const auto& [_, key] : setup_actions())
            if (!shape.count(key)) missing += (missing.empty() ? "" : ", ") + key;
        if (!missing.empty()) return events.stop("lookup before the shape is chosen: " + missing);
        lookup(shape, [&](const std::string& name, const std::vector<std::string>& args) { events.emit(name, args); });
    });
}

}  // namespace

std::unique_ptr<explorer::Implementation> make_attribute_lookup(const spec::CompiledMachine& cm) {
    return make_model_implementation(cm, "stateproof model/ (C++ object model)", run_scenario);
}

}  // namespace stateproof::drivers::cpp
