// spec/attribute.sm and spec/subscript.sm: state counts derived by hand from
// the shape choices, every property holding, every action firing, and the
// behaviours semantics.md sections 5 and 6 describe, read off the explorer's
// lookups. (Conformance with CPython is tests/explorer/test_conform.cpp.)

#include <catch2/catch.hpp>

#include <set>

#include "explorer/check.h"
#include "explorer/explore.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using testing::source_path;

namespace {

struct Explored {
    Machine m;
    std::unique_ptr<CompiledMachine> cm;
    explorer::ExploreResult r;
};

Explored explore_spec(const std::string& path, ConstOverrides consts = {}) {
    Explored e{load_spec(source_path(path), consts), nullptr, {}};
    e.cm = std::make_unique<CompiledMachine>(e.m);
    e.r = explorer::explore(*e.cm, {});
    return e;
}

bool all_hold(const Explored& e) {
    explorer::CheckOptions o;
    for (uint32_t p = 0; p < e.m.properties.size(); ++p) o.properties.push_back(p);
    return explorer::check_explicit(*e.cm, o).all_hold();
}

// The events of the final step for a path of setup choices, by replaying
// those actions from the initial state.
std::vector<std::string> outcome(const Explored& e, const std::vector<std::pair<std::string, std::string>>& steps) {
    Evaluator ev(*e.cm);
    StateValues st;
    ev.for_each_initial([&](const int32_t* v) { st.assign(v, v + e.m.scalars.size()); });
    std::vector<std::string> events;
    for (const auto& [action, arg] : steps) {
        uint32_t a = *e.m.find_action(action);
        std::vector<int32_t> args;
        if (!arg.empty()) args.push_back(*e.m.parse_value(e.m.actions[a].params[0].type, arg));
        uint32_t i = e.cm->instance_of(a, args);
        ev.load_values(st.data());
        REQUIRE(ev.enabled(i));
        ev.fire(i);
        st.assign(ev.post(), ev.post() + e.m.scalars.size());
        events.clear();
        for (const auto& x : ev.events()) events.push_back(e.cm->describe_event(x));
    }
    return events;
}

}  // namespace

TEST_CASE("attribute lookup: 5760 shapes, 15197 states, every property holds", "[spec][attribute]") {
    Explored e = explore_spec("spec/attribute.sm");
    // 1 + 4 modes + 24 __getattribute__ + 96 type attributes + 192 __get__
    // (descriptors only) + 480 dicts + 2880 __getattr__ + 5760 instance hooks
    // + 5760 lookups done.
    CHECK(e.r.stats.states == 15197);
    CHECK(e.r.deadlocks == 0);
    for (const auto& c : e.r.coverage) CHECK(c.never_fired.empty());
    CHECK(all_hold(e));
}

TEST_CASE("attribute lookup follows semantics.md section 5", "[spec][attribute]") {
    Explored e = explore_spec("spec/attribute.sm");
    auto lookup = [&](std::string mode, std::string ga, std::string tattr, std::string get, std::string dict,
                      std::string gattr) {
        std::vector<std::pair<std::string, std::string>> s = {{"choose_mode", mode}, {"choose_getattribute", ga},
                                                              {"choose_type_attr", tattr}};
        if (tattr == "DataDescriptor" || tattr == "NonDataDescriptor") s.push_back({"choose_get", get});
        s.insert(s.end(), {{"choose_instance_dict", dict}, {"choose_getattr", gattr},
                           {"choose_instance_getattr", "true"}, {"lookup", ""}});
        return outcome(e, s);
    };
    using V = std::vector<std::string>;
    // A property raising AttributeError falls back to __getattr__ (the dict is skipped).
    CHECK(lookup("Dot", "Inherited", "DataDescriptor", "RaisesAttr", "true", "Returns") ==
          V{"DescriptorGet(true)", "GetattrCalled", "Result(FromGetattr)"});
    // The instance dict beats a non-data descriptor, which is not called.
    CHECK(lookup("Dot", "Inherited", "NonDataDescriptor", "Returns", "true", "Absent") == V{"Result(FromInstanceDict)"});
    // An AttributeError subclass from __getattribute__ reaches __getattr__; another error does not.
    CHECK(lookup("Dot", "RaisesAttrSub", "Absent", "", "false", "Static") ==
          V{"GetattributeCalled", "GetattrCalled", "Result(FromGetattr)"});
    CHECK(lookup("Dot", "RaisesOther", "Plain", "", "false", "Returns") == V{"GetattributeCalled", "Raised(OtherError)"});
    // object.__getattribute__ skips the class's hook and never falls back.
    CHECK(lookup("ObjectGetattribute", "RaisesAttr", "DataDescriptor", "RaisesAttr", "false", "Returns") ==
          V{"DescriptorGet(true)", "Raised(AttributeError)"});
    // Nothing has the name: the lookup's own AttributeError, "'C' object has
    // no attribute 'attr'" (NoAttribute), unless __getattr__ takes it;
    // object.__getattribute__ never gives it to __getattr__.
    CHECK(lookup("Dot", "Inherited", "Absent", "", "false", "Absent") == V{"Raised(NoAttribute)"});
    CHECK(lookup("Dot", "Delegates", "Absent", "", "false", "Absent") == V{"GetattributeCalled", "Raised(NoAttribute)"});
    CHECK(lookup("Dot", "Inherited", "Absent", "", "false", "Returns") == V{"GetattrCalled", "Result(FromGetattr)"});
    CHECK(lookup("ObjectGetattribute", "Returns", "Absent", "", "false", "Returns") == V{"Raised(NoAttribute)"});
    CHECK(lookup("Hasattr", "Inherited", "Absent", "", "false", "Absent") == V{"Result(HasFalse)"});
    // hasattr and getattr's default catch AttributeError only.
    CHECK(lookup("Hasattr", "Inherited", "DataDescriptor", "RaisesOther", "false", "Returns") ==
          V{"DescriptorGet(true)", "Raised(OtherError)"});
    CHECK(lookup("GetattrDefault", "Inherited", "Absent", "", "false", "RaisesAttrSub") ==
          V{"GetattrCalled", "Result(FromDefault)"});
}

TEST_CASE("subscription: 65 shapes, 172 states, every property holds in each profile", "[spec][subscript]") {
    auto profile = GENERATE("cpython311", "cpython39", "cpython38");
    Explored e = explore_spec("spec/subscript.sm", {{"profile", profile}});
    // 1 + 4 targets + 8 __getitem__ (instance, class) + 8 instance hooks + 20
    // __class_getitem__ + 60 keys + 6 deque indices + 65 subscriptions done
    // (an int key for the deque is one of 6 indices).
    CHECK(e.r.stats.states == 172);
    for (const auto& c : e.r.coverage) CHECK(c.never_fired.empty());
    CHECK(all_hold(e));
}

TEST_CASE("subscription follows semantics.md section 6, with each version's messages", "[spec][subscript]") {
    using V = std::vector<std::string>;
    auto cls = [](const Explored& e, std::string meta, std::string cgi) {
        return outcome(e, {{"choose_target", "Class"}, {"choose_getitem", meta}, {"choose_class_getitem", cgi},
                           {"choose_key", "StrKey"}, {"subscript", ""}});
    };
    Explored e311 = explore_spec("spec/subscript.sm");
    Explored e39 = explore_spec("spec/subscript.sm", {{"profile", "cpython39"}});
    Explored e38 = explore_spec("spec/subscript.sm", {{"profile", "cpython38"}});
    // A metaclass __getitem__ shadows __class_getitem__.
    CHECK(cls(e311, "Returns", "OnClass") == V{"MetaGetitemCalled(StrKey)", "Result(FromMetaGetitem)"});
    // __class_getitem__ found on the metaclass by the class attribute lookup.
    CHECK(cls(e311, "Absent", "OnMetaclass") == V{"ClassGetitemCalled(StrKey)", "Result(FromClassGetitem)"});
    // gh-92114: messages before and after 3.11.
    CHECK(cls(e311, "Absent", "NoneValue") == V{"TypeErr(TypeNotSubscriptable)"});
    CHECK(cls(e39, "Absent", "NoneValue") == V{"TypeErr(NoneNotCallable)"});
    CHECK(cls(e39, "Absent", "Absent") == V{"TypeErr(TypeObjectNotSubscriptable)"});
    auto type_itself = [](const Explored& e) {
        return outcome(e, {{"choose_target", "TypeItself"}, {"choose_key", "IntKey"}, {"subscript", ""}});
    };
    CHECK(type_itself(e39) == V{"Result(GenericAlias)"});
    // deque([10, 11]): a negative index counts from the end once; past
    // either end, IndexError (PySequence_GetItem, deque_item).
    auto deque_at = [](const Explored& e, std::string i) {
        return outcome(e, {{"choose_target", "Deque"}, {"choose_key", "IntKey"}, {"choose_index", i}, {"subscript", ""}});
    };
    CHECK(deque_at(e311, "1") == V{"DequeElement(1)", "Result(FromDeque)"});
    CHECK(deque_at(e311, "-1") == V{"DequeElement(1)", "Result(FromDeque)"});
    CHECK(deque_at(e311, "-2") == V{"DequeElement(0)", "Result(FromDeque)"});
    CHECK(deque_at(e38, "2") == V{"Raised(IndexOutOfRange)"});
    CHECK(deque_at(e38, "-3") == V{"Raised(IndexOutOfRange)"});
    CHECK(type_itself(e38) == V{"TypeErr(TypeObjectNotSubscriptable)"});
}
