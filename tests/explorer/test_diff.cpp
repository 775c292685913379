// diff: two configurations of one spec over every input sequence. Small specs
// whose answer is known by hand, and a cross-check of the product search
// against brute force (every input sequence up to a depth, each side's set of
// consistent states kept by the Replayer, as conform keeps it).

// GCC 12 at -O3 reports a null argument to memmove inside an inlined
// std::vector<int> copy in this file's brute-force search (a false positive:
// bisected to that half of the file, not to any one copy in it).
#pragma GCC diagnostic ignored "-Wnonnull"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "explorer/diff.h"
#include "explorer/replay.h"
#include "spec/check.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using namespace stateproof::explorer;

namespace {

struct Pair {
    Pair(const std::string& text, const ConstOverrides& left, const ConstOverrides& right)
        : lm(testing::spec_from_text(text, left)), rm(testing::spec_from_text(text, right)), l(lm), r(rm) {}
    Pair(const std::string& path, const ConstOverrides& left, const ConstOverrides& right, bool)
        : lm(load_spec(path, left)), rm(load_spec(path, right)), l(lm), r(rm) {}
    Machine lm, rm;
    CompiledMachine l, r;
};

// Hit on the K-th step, Miss on the others: K=3 against K=5 differ first
// after exactly three inputs.
const char* kSteps = R"(machine Steps
    const K : 1..9 = 3
    var n : 0..9 = 0
    event Hit
    event Miss
    action step when n < 9 {
        if n + 1 == K { emit Hit } else { emit Miss }
        n := n + 1
    }
)";

// Three initial states the events cannot tell apart until `read`; WIDE lets
// seed 2 be read as Blue, else it reads as Red: the sets of possible events
// differ in one alternative.
const char* kPick = R"(machine Pick
    enum Color { Red, Green, Blue }
    const WIDE : bool = false
    var seed : Color
    var done : bool = false
    event Got(c: Color)
    event Noted
    action note when not done { emit Noted }
    action read when not done {
        done := true
        if WIDE or seed != Blue { emit Got(seed) } else { emit Got(Red) }
    }
)";

}  // namespace

TEST_CASE("diff: two deterministic configurations differ first after exactly K inputs", "[diff]") {
    for (int k : {1, 3, 6}) {
        Pair p(kSteps, {{"K", std::to_string(k)}}, {{"K", "9"}});
        DiffResult r = diff(p.l, p.r, {});
        CAPTURE(k);
        REQUIRE(r.complete());
        REQUIRE(r.deterministic);
        REQUIRE(r.classes.size() == 1);
        const DiffClass& d = r.classes[0];
        CHECK(d.signature == "step: left Hit | right Miss");
        CHECK(d.group == "left Hit | right Miss");
        CHECK(d.scenario.size() == size_t(k));
        REQUIRE(d.before.size() == size_t(k - 1));
        for (const auto& evs : d.before) {
            REQUIRE(evs.size() == 1);
            CHECK(p.lm.events[evs[0].event].name == "Miss");
        }
        // The pairs before the difference: (0,0) .. (k-1,k-1); nothing after it.
        CHECK(r.product_states == uint64_t(k));
        CHECK(d.occurrences == 1);
        REQUIRE(r.groups.size() == 1);
        CHECK(r.groups[0].occurrences == 1);
    }
}

TEST_CASE("diff: a configuration against itself is observably the same", "[diff]") {
    Pair p(kSteps, {{"K", "4"}}, {{"K", "4"}});
    DiffResult r = diff(p.l, p.r, {});
    CHECK(r.complete());
    CHECK(r.classes.empty());
    CHECK(r.product_states == 10);  // n = 0..9, the same on both sides
    CHECK(r.product_transitions == 9);
}

TEST_CASE("diff: nondeterministic configurations are compared as sets of possible events", "[diff]") {
    Pair p(kPick, {{"WIDE", "false"}}, {{"WIDE", "true"}});
    DiffResult r = diff(p.l, p.r, {});
    REQUIRE(r.complete());
    CHECK_FALSE(r.deterministic);
    // Only `read` differs, right away (after `note`s too, but those are longer).
    REQUIRE(r.classes.size() == 1);
    const DiffClass& d = r.classes[0];
    CHECK(d.scenario.size() == 1);
    CHECK(d.signature == "read: left Got(Green) or Got(Red) | right Got(Blue) or Got(Green) or Got(Red)");
    // The cause: the alternative only the right has, against the left's
    // closest one (conform's rule: ties go to the first key).
    CHECK(d.group == "left Got(Green) | right Got(Blue)");
    CHECK(d.left.size() == 2);
    CHECK(d.right.size() == 3);
    CHECK(d.left_states == 3);
    CHECK(d.right_states == 3);
    // The same spec under WIDE=true twice: the same sets everywhere.
    Pair same(kPick, {{"WIDE", "true"}}, {{"WIDE", "true"}});
    CHECK(diff(same.l, same.r, {}).classes.empty());
}

TEST_CASE("diff: an input possible on one side only is a difference", "[diff]") {
    const char* spec = R"(machine Gate
        const OPEN : bool = false
        var used : bool = false
        event Went
        action go when OPEN or used { emit Went }
        action use when not used { used := true }
    )";
    Pair p(spec, {}, {{"OPEN", "true"}});
    DiffResult r = diff(p.l, p.r, {});
    REQUIRE(r.classes.size() == 1);
    CHECK(r.classes[0].signature == "go: left does not allow it | right Went");
    CHECK(r.classes[0].group == "go: left does not allow it");
    CHECK(r.classes[0].scenario.size() == 1);
    CHECK_FALSE(r.classes[0].guard_false.empty());
}

TEST_CASE("diff: the product search stops at --max-states with what it found", "[diff]") {
    Pair p(kSteps, {{"K", "9"}}, {{"K", "9"}});
    DiffOptions o;
    o.max_states = 4;
    DiffResult r = diff(p.l, p.r, o);
    CHECK_FALSE(r.complete());
    CHECK(r.stopped_early.find("--max-states 4") != std::string::npos);
    int asked = 0;
    DiffOptions stop;
    stop.interrupted = [&] { return ++asked > 0 ? 2 : 0; };
    DiffResult s = diff(p.l, p.r, stop);
    CHECK(s.interrupted_by == 2);
}

TEST_CASE("diff: configurations with different inputs are refused", "[diff]") {
    const char* spec = R"(machine Slots
        const N : 1..3 = 1
        var x : 0..3 = 0
        action set(s: 0..N-1) { x := s }
    )";
    Pair p(spec, {{"N", "1"}}, {{"N", "2"}});
    CHECK_THROWS_AS(diff(p.l, p.r, {}), UsageError);
}

// ---- brute force: every input sequence up to `depth`, each side's states
// kept by a Replayer; a difference where the two sides' possible event lists
// for the next input differ. The shortest length at which each signature is
// first seen must be what the product search reports.
namespace {

std::vector<std::vector<EventValue>> possible(const CompiledMachine& cm, const Replayer& rep, uint32_t i) {
    Evaluator ev(cm);
    std::vector<std::vector<EventValue>> out;
    for (const auto& st : rep.states()) {
        ev.load(st.data());
        if (!ev.enabled(i)) continue;
        ev.fire(i);
        auto e = ev.events();
        if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](const EventValue& x, const EventValue& y) {
            return std::tie(x.event, x.args) < std::tie(y.event, y.args);
        });
    });
    return out;
}

void brute(const CompiledMachine& l, const CompiledMachine& r, const Replayer& lr, const Replayer& rr, uint32_t len,
           uint32_t depth, std::map<std::string, uint32_t>& found) {
    if (len == depth) return;
    for (uint32_t i = 0; i < l.instance_count(); ++i) {
        auto a = possible(l, lr, i), b = possible(r, rr, i);
        if (a != b) {
            std::string sig = l.machine().actions[l.instance(i).action].name + ": left " + alternatives_class(l, a) +
                              " | right " + alternatives_class(r, b);
            auto [it, fresh] = found.emplace(sig, len + 1);
            if (!fresh) it->second = std::min(it->second, len + 1);
        }
        for (const auto& e : a) {
            if (std::find(b.begin(), b.end(), e) == b.end()) continue;
            ObservedStep s;
            s.action = l.instance(i).action;
            { const auto& a_ = l.instance(i).args; s.args.assign(a_.begin(), a_.end()); }
            s.events.assign(e.begin(), e.end());
            Replayer nl = lr, nr = rr;
            REQUIRE(nl.step(s));
            REQUIRE(nr.step(s));
            brute(l, r, nl, nr, len + 1, depth, found);
        }
    }
}

void cross_check(const Pair& p, uint32_t depth) {
    DiffResult r = diff(p.l, p.r, {});
    REQUIRE(r.complete());
    std::map<std::string, uint32_t> want;
    brute(p.l, p.r, Replayer(p.l), Replayer(p.r), 0, depth, want);
    std::map<std::string, uint32_t> got;
    for (const auto& d : r.classes)
        if (d.scenario.size() <= depth) got[d.signature] = uint32_t(d.scenario.size());
    CHECK_FALSE(want.empty());  // each pair below differs within `depth`
    CHECK(got == want);
    // And each reported scenario really shows its difference: replayed with
    // the events before it on both sides, the last input's events differ.
    for (const auto& d : r.classes) {
        Replayer lr(p.l), rr(p.r);
        for (size_t k = 0; k + 1 < d.scenario.size(); ++k) {
            ObservedStep s;
            s.action = p.l.instance(d.scenario[k]).action;
            { const auto& a_ = p.l.instance(d.scenario[k]).args; s.args.assign(a_.begin(), a_.end()); }
            s.events.assign(d.before[k].begin(), d.before[k].end());
            REQUIRE(lr.step(s));
            REQUIRE(rr.step(s));
        }
        CHECK(possible(p.l, lr, d.scenario.back()) == d.left);
        CHECK(possible(p.r, rr, d.scenario.back()) == d.right);
        CHECK(d.left != d.right);
    }
}

}  // namespace

TEST_CASE("diff: the product search agrees with brute force over every input sequence", "[diff]") {
    SECTION("steps") { cross_check(Pair(kSteps, {{"K", "2"}}, {{"K", "4"}}), 6); }
    SECTION("pick") { cross_check(Pair(kPick, {{"WIDE", "false"}}, {{"WIDE", "true"}}), 4); }
    SECTION("a nondeterministic counter whose hidden seed decides when it wraps") {
        const char* spec = R"(machine Wrapper
            const LATE : bool = false
            var seed : 0..1
            var n : 0..4 = 0
            event Tick
            event Wrap(s: 0..1)
            action tick when n < 4 {
                if n == 2 + seed or (LATE and n == 3) { emit Wrap(seed) } else { emit Tick }
                n := n + 1
            }
            action reset when n > 0 { n := 0 }
        )";
        cross_check(Pair(spec, {}, {{"LATE", "true"}}), 6);
    }
    SECTION("asyncgen, cpython311 against cpython312, one slot") {
        std::string path = testing::source_path("spec/asyncgen.sm");
        cross_check(Pair(path, {{"profile", "cpython311"}, {"SLOTS", "1"}}, {{"profile", "cpython312"}, {"SLOTS", "1"}}, true),
                    3);
    }
}
