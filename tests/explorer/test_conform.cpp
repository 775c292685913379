// Lockstep conformance against hand-written implementations of a small lock
// protocol (one correct, one with an injected bug), and against a real driver
// process (the Python driver on CPython, for the async generator spec).

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "drivers/cpp/implementation.h"
#include "explorer/conform.h"
#include "spec/check.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using namespace stateproof::explorer;

namespace {

// holder: 2 = nobody; at most three uses, then nothing can be taken.
const char* kLock = R"(machine Lock
    var holder : 0..2 = 2
    var uses : 0..3 = 0
    event Took(s: 0..1)
    event Gave(s: 0..1, n: 0..3)
    action take(s: 0..1) when holder == 2 and uses < 3 { holder := s; emit Took(s) }
    action give(s: 0..1) when holder == s { holder := 2; uses := uses + 1; emit Gave(s, uses) }
    final uses == 3
)";

// The lock written by hand, as an implementation would be: it knows nothing
// of the spec but the event names. `bug`: the third give reports n = 2.
class HandLock : public Implementation {
  public:
    HandLock(const CompiledMachine& cm, bool bug) : cm_(cm), bug_(bug) {}
    std::string name() const override { return bug_ ? "hand-written lock (with a bug)" : "hand-written lock"; }
    void run(const std::vector<Scenario>& batch, std::vector<std::vector<ObservedStep>>& out) override {
        const Machine& m = cm_.machine();
        const uint32_t took = *m.find_event("Took"), gave = *m.find_event("Gave");
        for (const auto& sc : batch) {
            int holder = -1, uses = 0;
            std::vector<ObservedStep> obs;
            for (uint32_t i : sc) {
                ObservedStep s;
                s.action = cm_.instance(i).action;
                s.args = cm_.instance(i).args;
                int who = s.args[0];
                if (m.actions[s.action].name == "take") {
                    holder = who;
                    s.events.push_back({took, {who}});
                } else {
                    holder = -1;
                    ++uses;
                    s.events.push_back({gave, {who, bug_ && uses == 3 ? 2 : uses}});
                }
                obs.push_back(s);
            }
            (void)holder;
            out.push_back(obs);
        }
        ++batches;
    }
    int batches = 0;

  private:
    const CompiledMachine& cm_;
    bool bug_;
};

}  // namespace

TEST_CASE("covering every transition needs only the scenarios that no other scenario extends", "[conform]") {
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm(m);
    uint64_t states = 0, transitions = 0;
    auto sc = generate_scenarios(cm, {}, &states, &transitions);
    // By hand: 10 states (holder x uses, nobody at uses = 3), 12 transitions
    // (two takes from each free state below 3 uses, one give from each held
    // state); 9 of them first reach a state; the 3 others, and the tree edge
    // into the dead end (nobody, 3 uses), each need a scenario.
    CHECK(states == 10);
    CHECK(transitions == 12);
    CHECK(sc.size() == 4);
    for (size_t k = 1; k < sc.size(); ++k) CHECK(sc[k - 1].size() <= sc[k].size());

    ConformOptions depth;
    depth.mode = ConformOptions::Mode::Depth;
    depth.depth = 4;
    CHECK(generate_scenarios(cm, depth).size() == 4);  // take, give, take, give: 2 x 2
    depth.depth = 9;
    auto all = generate_scenarios(cm, depth);
    CHECK(all.size() == 8);  // every full run ends after three gives: 2 x 2 x 2
    CHECK(all.front().size() == 6);

    ConformOptions suffix;
    suffix.suffix = 1;
    CHECK(generate_scenarios(cm, suffix).size() > sc.size());
}

TEST_CASE("a correct implementation conforms and covers every spec transition", "[conform]") {
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm(m);
    HandLock impl(cm, false);
    ConformOptions o;
    o.batch = 2;
    ConformResult r = conform(cm, impl, o);
    CHECK(r.divergences.empty());
    CHECK(r.scenarios == 4);
    CHECK(r.transitions_covered == r.spec_transitions);
    CHECK(impl.batches == 2);
}

TEST_CASE("an injected bug is one divergence class with its shortest scenario", "[conform]") {
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm(m);
    HandLock impl(cm, true);
    ConformOptions o;
    o.mode = ConformOptions::Mode::Depth;
    o.depth = 6;
    ConformResult r = conform(cm, impl, o);
    REQUIRE(r.divergences.size() == 1);
    const Divergence& d = r.divergences[0];
    CHECK(d.signature == "give: spec Gave | implementation Gave");  // the slot and count are integers: one class
    CHECK(d.scenario.size() == 6);                                    // the third give, the sixth step
    CHECK(d.occurrences == 8);
    CHECK(cm.describe_event(d.spec_alternatives.at(0).at(0)).find(", 3)") != std::string::npos);
    CHECK(cm.describe_event(d.observed.back().events.at(0)).find(", 2)") != std::string::npos);
    CHECK(r.any_new());

    o.baseline = {d.signature};
    ConformResult b = conform(cm, impl, o);
    REQUIRE(b.divergences.size() == 1);
    CHECK(b.divergences[0].in_baseline);
    CHECK_FALSE(b.any_new());
}

TEST_CASE("conform against the Python driver finds no divergence with CPython (SLOTS=1)", "[conform][python]") {
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.8 or later) is not installed: the driver test is skipped");
        return;
    }
    std::string dir = testing::temp_dir();
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "profile=cpython311",
                                      "--const", "SLOTS=1", "--driver",
                                      "python3 " + testing::source_path("drivers/python/driver.py"), "--json",
                                      "--junit", dir + "/junit.xml"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["divergences"].empty());
    CHECK(j["scenarios"].get<uint64_t>() > 1000);
    CHECK(j["transitions_covered"] == j["spec_transitions"]);
    CHECK(j["implementation"].get<std::string>().rfind("CPython 3.", 0) == 0);
    std::ifstream junit(dir + "/junit.xml");
    std::string xml((std::istreambuf_iterator<char>(junit)), {});
    CHECK(xml.find("failures=\"0\"") != std::string::npos);
}

TEST_CASE("the attribute and subscription specs conform with the CPython that runs the tests", "[conform][python]") {
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.11 or later) is not installed: the driver test is skipped");
        return;
    }
    auto spec = GENERATE("spec/attribute.sm", "spec/subscript.sm");
    auto r = testing::run_stateproof({"conform", testing::source_path(spec), "--driver",
                                      "python3 " + testing::source_path("drivers/python/driver.py"), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["divergences"].empty());
    CHECK(j["transitions_covered"] == j["spec_transitions"]);
}

TEST_CASE("a driver that fails is a usage error that quotes its stderr", "[conform]") {
    auto spec = testing::source_path("spec/asyncgen.sm");
    auto dead = testing::run_stateproof({"conform", spec, "--driver", "echo oops >&2; exit 3"});
    CHECK(dead.exit_code == 2);
    CHECK(dead.err.find("it exited") != std::string::npos);
    CHECK(dead.err.find("oops") != std::string::npos);
    auto wrong = testing::run_stateproof(
        {"conform", spec, "--driver", "read line; echo '{\"op\": \"hello\", \"protocol\": 7}'"});
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.err.find("it speaks protocol 7; stateproof speaks 1") != std::string::npos);
    auto none = testing::run_stateproof({"conform", spec});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("conform needs --impl cpp or --driver 'CMD'") != std::string::npos);
}

TEST_CASE("the C++ model conforms to the attribute and subscription specs, every profile", "[conform][model]") {
    struct Run {
        const char* spec;
        const char* profile;  // "" for no --const
    };
    Run run = GENERATE(Run{"spec/attribute.sm", ""}, Run{"spec/subscript.sm", "profile=cpython311"},
                       Run{"spec/subscript.sm", "profile=cpython39"}, Run{"spec/subscript.sm", "profile=cpython38"});
    std::vector<std::string> args{"conform", testing::source_path(run.spec), "--impl", "cpp", "--json"};
    if (*run.profile) args.insert(args.end(), {"--const", run.profile});
    auto r = testing::run_stateproof(args);
    INFO(run.spec << " " << run.profile << "\n" << r.err << r.out);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["divergences"].empty());
    CHECK(j["scenarios"].get<uint64_t>() > 0);
    CHECK(j["transitions_covered"] == j["spec_transitions"]);
}

TEST_CASE("the C++ model of one CPython era diverges from the spec of another", "[conform][model]") {
    // The conformance check must be able to fail: the 3.11 model against the
    // spec's 3.9 profile differs exactly on the gh-92114 messages (a class
    // without __class_getitem__, and __class_getitem__ = None).
    Machine m311 = load_spec(testing::source_path("spec/subscript.sm"), {{"profile", "cpython311"}});
    Machine m39 = load_spec(testing::source_path("spec/subscript.sm"), {{"profile", "cpython39"}});
    CompiledMachine cm311(m311), cm39(m39);
    auto impl = drivers::cpp::make_implementation(cm311);
    ConformOptions o;
    ConformResult r = conform(cm39, *impl, o);
    REQUIRE(r.divergences.size() == 2);
    std::string signatures = r.divergences[0].signature + "\n" + r.divergences[1].signature;
    CHECK(signatures.find("spec TypeErr(NoneNotCallable) | implementation TypeErr(TypeNotSubscriptable)") != std::string::npos);
    CHECK(signatures.find("spec TypeErr(TypeObjectNotSubscriptable) | implementation TypeErr(TypeNotSubscriptable)") !=
          std::string::npos);
}

TEST_CASE("the cpp implementation refuses a machine model/ does not implement", "[conform][model]") {
    auto r = testing::run_stateproof({"conform", testing::source_path("tests/fixtures/counter_mod.sm"), "--impl", "cpp"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("model/ has no implementation of machine CounterMod") != std::string::npos);
}

TEST_CASE("the C++ async generators conform to spec/asyncgen.sm in every mode and hook configuration", "[conform][model]") {
    for (std::string profile : {"reference", "cpython311", "cpython312", "cpython313"}) {
        for (auto extra : std::vector<ConstOverrides>{{}, {{"REENTRANT", "true"}}, {{"FINALIZER", "true"}},
                                                      {{"FIRSTITER", "raises"}}, {{"FIRSTITER", "none"}}}) {
            ConstOverrides consts = extra;
            consts["profile"] = profile;
            consts["SLOTS"] = "1";
            Machine m = load_spec(testing::source_path("spec/asyncgen.sm"), consts);
            CompiledMachine cm(m);
            auto impl = drivers::cpp::make_implementation(cm);
            ConformResult r = conform(cm, *impl, ConformOptions{});
            INFO(profile << " " << (extra.empty() ? "" : extra.begin()->first + "=" + extra.begin()->second));
            for (const auto& d : r.divergences) INFO(d.signature);
            CHECK(r.divergences.empty());
            CHECK(r.scenarios > 1000);
            CHECK(r.transitions_covered == r.spec_transitions);
        }
    }
}

TEST_CASE("the C++ async generators in CPython 3.11 mode break the reference lifecycle where CPython does", "[conform][model]") {
    Machine m311 = load_spec(testing::source_path("spec/asyncgen.sm"), {{"profile", "cpython311"}, {"SLOTS", "1"}});
    Machine mref = load_spec(testing::source_path("spec/asyncgen.sm"), {{"profile", "reference"}, {"SLOTS", "1"}});
    CompiledMachine cm311(m311), cmref(mref);
    auto impl = drivers::cpp::make_implementation(cm311);  // the mode comes from the machine it is made for
    ConformResult r = conform(cmref, *impl, ConformOptions{});
    std::string all;
    for (const auto& d : r.divergences) all += d.signature + "\n";
    INFO(all);
    CHECK(r.divergences.size() >= 5);
    // D4/I9: asend's first send(v) delivers v instead of the awaitable's value.
    CHECK(all.find("send: spec Resumed(None) | implementation Resumed(V1)") != std::string::npos);
    // D9: 3.11's awaitable close() only marks it; the reference (as 3.13) throws GeneratorExit in.
    CHECK(all.find("close: spec ThrownIn(GeneratorExit) | implementation CloseReturned") != std::string::npos);
    // D8/I7: a finished athrow() awaitable can be sent to again and resumes the body.
    CHECK(all.find("send: spec Err(ReuseAthrow) | implementation ThrownIn(ValueError)") != std::string::npos);
}
