// Lockstep conformance against hand-written implementations of a small lock
// protocol (one correct, one with an injected bug). The implementations of
// drivers/ (a driver process, model/ in process) are tested in tests/drivers/.

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

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
    HandLock(const CompiledMachine& cm, bool bug, bool foreign = false) : cm_(cm), bug_(bug), foreign_(foreign) {}
    std::string name() const override { return bug_ ? "hand-written lock (with a bug)" : "hand-written lock"; }
    size_t run(const std::vector<Scenario>& batch, std::vector<std::vector<ObservedStep>>& out, Fault&) override {
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
                    if (foreign_ && uses == 3)  // an exception no spec names
                        s.events.push_back(foreign_event("Raised", {{"s", std::to_string(who)}, {"e", "\"Other:RuntimeError:lock broken\""}}));
                    else
                        s.events.push_back({gave, {who, bug_ && uses == 3 ? 2 : uses}});
                }
                obs.push_back(s);
            }
            (void)holder;
            out.push_back(obs);
        }
        ++batches;
        return batch.size();
    }
    int batches = 0;

  private:
    const CompiledMachine& cm_;
    bool bug_;
    bool foreign_;
};

// Every input sequence of up to six steps (three take/give rounds).
ConformResult conform_depth6(const CompiledMachine& cm, Implementation& impl) {
    ConformOptions o;
    o.mode = ConformOptions::Mode::Depth;
    o.depth = 6;
    return conform(cm, impl, o);
}

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

TEST_CASE("at --max-memory a run ends with the report so far", "[conform][limits]") {
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm(m);
    HandLock impl(cm, true);
    ConformOptions o;
    o.batch = 1;
    // Below what the process already uses: the spec's graph and the
    // scenarios (far fewer than the budget's check interval) are made, and
    // the first look after a batch stops the run.
    o.max_memory_bytes = Budget::resident_bytes() - 1;
    ConformResult r = conform(cm, impl, o);
    CHECK(r.stopped_early.find("while running the scenarios: --max-memory") != std::string::npos);
    CHECK(r.stopped_early.find("(after 1 of 4 scenarios)") != std::string::npos);
    CHECK(r.scenarios == 1);
    CHECK(impl.batches == 1);
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
    CHECK(d.group == "spec Gave | implementation Gave");             // no pair differs but by integers: the whole lists
    REQUIRE(r.groups.size() == 1);
    CHECK(r.groups[0].occurrences == 8);
    CHECK(d.scenario.size() == 6);                                    // the third give, the sixth step
    CHECK(d.occurrences == 8);
    CHECK(cm.describe_event(d.spec_alternatives.at(0).at(0)).find(", 3)") != std::string::npos);
    CHECK(cm.describe_event(d.observed.back().events.at(0)).find(", 2)") != std::string::npos);
    // The spec's state before the third give: held, used twice.
    CHECK(d.spec_state_count == 1);
    REQUIRE(d.spec_state.size() == 2);
    CHECK(d.spec_state[1] == 2);
    CHECK(d.spec_state[0] != 2);
    CHECK(d.spec_initial == StateValues{2, 0});
    CHECK(r.any_new());

    o.baseline = {d.signature};
    ConformResult b = conform(cm, impl, o);
    REQUIRE(b.divergences.size() == 1);
    CHECK(b.divergences[0].in_baseline);
    CHECK_FALSE(b.any_new());
}

TEST_CASE("an event outside the spec's vocabulary is a divergence, shown and grouped as reported", "[conform]") {
    // Issue 12: an implementation that raises what no spec names is a finding
    // (exit 1), not bad input. Integers (the slot) leave the class as always.
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm(m);
    HandLock impl(cm, false, true);
    ConformResult r = conform_depth6(cm, impl);
    REQUIRE(r.divergences.size() == 1);
    const Divergence& d = r.divergences[0];
    CHECK(d.signature == "give: spec Gave | implementation Raised(Other:RuntimeError:lock broken)");
    CHECK(d.group == "spec Gave | implementation Raised(Other:RuntimeError:lock broken)");
    CHECK(d.scenario.size() == 6);
    CHECK(d.occurrences == 8);
    REQUIRE(d.observed.back().events.size() == 1);
    CHECK(cm.describe_event(d.observed.back().events[0]).rfind("Raised(", 0) == 0);
    CHECK(cm.describe_event(d.observed.back().events[0]).find(", Other:RuntimeError:lock broken)") != std::string::npos);
    CHECK(r.steps > 0);
}

namespace {

// Issue 12, part 4: one bug seen through different setups. `mode` changes the
// events around the lookup (Setup before, Done after); `color` chooses the
// bug; `size` changes nothing the spec emits.
const char* kFan = R"(machine Fan
    enum Mode { A, B, C }
    var phase : 0..4 = 0
    var mode : Mode = A
    var color : bool = false
    var size : 0..1 = 0
    event Setup(m: Mode)
    event Hit
    event Miss
    event Done(m: Mode)
    action choose_mode(m: Mode) when phase == 0 { mode := m; phase := 1 }
    action choose_color(c: bool) when phase == 1 { color := c; phase := 2 }
    action choose_size(n: 0..1) when phase == 2 { size := n; phase := 3 }
    action go when phase == 3 {
        if mode != A { emit Setup(mode) }
        emit Hit
        emit Done(mode)
        phase := 4
    }
    final phase == 4
)";

// Fan with two bugs: without color, Miss where Hit belongs; with color, a
// Miss after everything else.
class HandFan : public Implementation {
  public:
    explicit HandFan(const CompiledMachine& cm) : cm_(cm) {}
    std::string name() const override { return "hand-written fan (with two bugs)"; }
    size_t run(const std::vector<Scenario>& batch, std::vector<std::vector<ObservedStep>>& out, Fault&) override {
        const Machine& m = cm_.machine();
        const uint32_t setup = *m.find_event("Setup"), hit = *m.find_event("Hit"), miss = *m.find_event("Miss"),
                       done = *m.find_event("Done");
        for (const auto& sc : batch) {
            int mode = 0, color = 0;
            std::vector<ObservedStep> obs;
            for (uint32_t i : sc) {
                ObservedStep s;
                s.action = cm_.instance(i).action;
                s.args = cm_.instance(i).args;
                const std::string& name = m.actions[s.action].name;
                if (name == "choose_mode") mode = s.args[0];
                if (name == "choose_color") color = s.args[0];
                if (name == "go") {
                    if (mode != 0) s.events.push_back({setup, {mode}});
                    s.events.push_back({color ? hit : miss, {}});
                    s.events.push_back({done, {mode}});
                    if (color) s.events.push_back({miss, {}});
                }
                obs.push_back(s);
            }
            out.push_back(obs);
        }
        return batch.size();
    }

  private:
    const CompiledMachine& cm_;
};

}  // namespace

TEST_CASE("classes with the same first differing event pair are one cause, whatever setup led there", "[conform]") {
    Machine m = testing::spec_from_text(kFan);
    CompiledMachine cm(m);
    HandFan impl(cm);
    ConformOptions o;
    o.mode = ConformOptions::Mode::Depth;
    o.depth = 4;
    ConformResult r = conform(cm, impl, o);
    // 3 modes x 2 colors x 2 sizes; every scenario diverges at `go`. A class
    // per mode and bug (the events around the difference differ), each seen
    // with both sizes; a cause per bug.
    CHECK(r.scenarios == 12);
    REQUIRE(r.divergences.size() == 6);
    for (const auto& d : r.divergences) CHECK(d.occurrences == 2);
    REQUIRE(r.groups.size() == 2);
    std::map<std::string, const DivergenceGroup*> by_key;
    for (const auto& g : r.groups) by_key[g.key] = &g;
    REQUIRE(by_key.count("spec Hit | implementation Miss"));
    REQUIRE(by_key.count("spec (no more events) | implementation Miss"));
    for (const auto& [key, g] : by_key) {
        CAPTURE(key);
        CHECK(g->classes.size() == 3);
        CHECK(g->occurrences == 6);
        CHECK(g->any_new);
        std::set<std::string> signatures;
        for (size_t k : g->classes) {
            CHECK(r.divergences.at(k).group == key);
            signatures.insert(r.divergences[k].signature);
        }
        CHECK(signatures.size() == 3);
    }
    // A class's signature is what a baseline keys on; it is unchanged.
    CHECK(std::any_of(r.divergences.begin(), r.divergences.end(), [](const Divergence& d) {
        return d.signature == "go: spec Setup(B) Hit Done(B) | implementation Setup(B) Miss Done(B)";
    }));
    // A group is new while one of its classes is.
    o.baseline = {r.divergences[r.groups[0].classes[0]].signature};
    ConformResult b = conform(cm, impl, o);
    REQUIRE(b.groups.size() == 2);
    CHECK(b.groups[0].any_new);
    for (const auto& k : b.groups[0].classes) o.baseline.insert(b.divergences[k].signature);
    ConformResult c = conform(cm, impl, o);
    CHECK_FALSE(c.groups[0].any_new);
    CHECK(c.groups[1].any_new);
}

namespace {

// A lock that refuses a second take without changing anything: the refusal
// is a self-loop of the spec.
const char* kRetry = R"(machine Retry
    var held : bool = false
    event Taken
    event Busy
    event Released
    action take { if held { emit Busy } else { held := true; emit Taken } }
    action release when held { held := false; emit Released }
)";

// `forget`: the refusal answers Busy, as the spec says, but forgets that the
// lock is held, a fault that only the step after the self-loop shows.
class HandRetry : public Implementation {
  public:
    HandRetry(const CompiledMachine& cm, bool forget) : cm_(cm), forget_(forget) {}
    std::string name() const override { return "hand-written retry lock"; }
    size_t run(const std::vector<Scenario>& batch, std::vector<std::vector<ObservedStep>>& out, Fault&) override {
        const Machine& m = cm_.machine();
        for (const auto& sc : batch) {
            bool held = false;
            std::vector<ObservedStep> obs;
            for (uint32_t i : sc) {
                ObservedStep s;
                s.action = cm_.instance(i).action;
                const std::string& action = m.actions[s.action].name;
                std::string event = action == "release" ? "Released" : held ? "Busy" : "Taken";
                if (action == "release" && !held) {
                    s.stopped = "inapplicable: the lock is not held";
                } else {
                    s.events.push_back({*m.find_event(event), {}});
                    held = action == "take" && !(held && forget_);
                }
                obs.push_back(s);
                if (!s.stopped.empty()) break;
            }
            out.push_back(obs);
        }
        return batch.size();
    }

  private:
    const CompiledMachine& cm_;
    bool forget_;
};

}  // namespace

TEST_CASE("every step after a self-loop is covered: a fault behind one is found", "[conform]") {
    Machine m = testing::spec_from_text(kRetry);
    CompiledMachine cm(m);
    // Three transitions: take from free (the tree edge), take from held (the
    // self-loop), release from held. The self-loop's scenario goes on with
    // every step enabled after it: take, take, take and take, take, release;
    // the release's scenario is take, release.
    auto sc = generate_scenarios(cm, {});
    REQUIRE(sc.size() == 3);
    CHECK(sc[0].size() == 2);
    CHECK(sc[1].size() == 3);
    CHECK(sc[2].size() == 3);

    HandRetry good(cm, false);
    ConformResult ok = conform(cm, good, {});
    CHECK(ok.divergences.empty());
    CHECK(ok.transitions_covered == ok.spec_transitions);

    HandRetry forgets(cm, true);
    ConformResult r = conform(cm, forgets, {});
    REQUIRE(r.divergences.size() == 2);
    std::set<std::string> sigs;
    for (const auto& d : r.divergences) {
        sigs.insert(d.signature);
        CHECK(d.scenario.size() == 3);
    }
    CHECK(sigs.count("take: spec Busy | implementation Taken") == 1);
    CHECK(sigs.count("release: spec Released | implementation stopped: inapplicable: the lock is not held") == 1);
}
