// The explorer on specs whose numbers are known independently: a counter
// modulo K (K states, K transitions, diameter K-1, by hand), Peterson's
// protocol with and without its bug (tests/fixtures/peterson_oracle.py, a
// separate Python model), a deadlock, and a run-time error.

#include <catch2/catch.hpp>

#include "explorer/check.h"
#include "explorer/explore.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using namespace stateproof::explorer;
using stateproof::testing::source_path;

static const PropertyResult& prop(const CheckResult& r, const std::string& name) {
    for (const auto& p : r.properties)
        if (p.name == name) return p;
    FAIL("no property " << name);
    return r.properties[0];
}

static CheckResult check_all(const CompiledMachine& cm, bool fingerprint = false) {
    CheckOptions o;
    o.fingerprint = fingerprint;
    for (uint32_t p = 0; p < cm.machine().properties.size(); ++p) o.properties.push_back(p);
    return check_explicit(cm, o);
}

TEST_CASE("a counter modulo K has K states, K transitions and diameter K-1", "[explorer]") {
    auto k = GENERATE(1, 2, 5, 17, 1000);
    Machine m = load_spec(source_path("tests/fixtures/counter_mod.sm"), {{"K", std::to_string(k)}});
    CompiledMachine cm(m);
    ExploreResult r = explore(cm, {});
    CHECK(r.stats.states == uint64_t(k));
    CHECK(r.stats.transitions == uint64_t(k));
    CHECK(r.stats.depth == uint32_t(k - 1));
    CHECK(r.stats.complete);
    CHECK(r.deadlocks == 0);

    CheckResult c = check_all(cm);
    CHECK(prop(c, "below_k").verdict == Verdict::Holds);
    CHECK(prop(c, "wraps_to_zero").verdict == Verdict::Holds);
    // never_last fails in the state reached after K-1 ticks; no_wrap by the K-th tick.
    const PropertyResult& last = prop(c, "never_last");
    REQUIRE(last.verdict == Verdict::Violated);
    CHECK(last.cex->length() == size_t(k - 1));
    CHECK(last.cex->steps.back().state[0] == k - 1);
    const PropertyResult& wrap = prop(c, "no_wrap");
    REQUIRE(wrap.verdict == Verdict::Violated);
    CHECK(wrap.cex->length() == size_t(k));
    CHECK(wrap.cex->steps.back().events.size() == 1);
    CHECK(wrap.cex->steps.back().state[0] == 0);
}

TEST_CASE("Peterson's protocol: counts and the shortest violation match an independent model", "[explorer]") {
    // tests/fixtures/peterson_oracle.py prints: 20 34 6 - / 32 64 8 6
    struct Row {
        const char* buggy;
        uint64_t states, transitions;
        uint32_t diameter;
        size_t cex;
    };
    auto row = GENERATE(Row{"false", 20, 34, 6, 0}, Row{"true", 32, 64, 8, 6});
    Machine m = load_spec(source_path("docs/peterson.sm"), {{"BUGGY", row.buggy}});
    CompiledMachine cm(m);
    ExploreResult e = explore(cm, {});
    CHECK(e.stats.states == row.states);
    CHECK(e.stats.transitions == row.transitions);
    CHECK(e.stats.depth == row.diameter);
    for (const auto& c : e.coverage) CHECK(c.never_fired.empty());

    CheckResult r = check_all(cm);
    const PropertyResult& mutex = prop(r, "mutual_exclusion");
    if (row.cex == 0) {
        CHECK(mutex.verdict == Verdict::Holds);
    } else {
        REQUIRE(mutex.verdict == Verdict::Violated);
        CHECK(mutex.cex->length() == row.cex);
        const auto& last = mutex.cex->steps.back().state;
        CHECK(last[0] == 3);  // pc[0] == Critical
        CHECK(last[1] == 3);
    }
    CHECK(prop(r, "enter_from_waiting").verdict == Verdict::Holds);
    CHECK(prop(r, "deadlock").verdict == Verdict::Holds);
}

TEST_CASE("a counterexample replays step by step through the evaluator", "[explorer]") {
    Machine m = load_spec(source_path("docs/peterson.sm"), {{"BUGGY", "true"}});
    CompiledMachine cm(m);
    CheckResult r = check_all(cm);
    const Trace& t = *prop(r, "mutual_exclusion").cex;
    Evaluator ev(cm);
    for (size_t k = 1; k < t.steps.size(); ++k) {
        ev.load_values(t.steps[k - 1].state.data());
        uint32_t i = cm.instance_of(t.steps[k].action, t.steps[k].args);
        REQUIRE(ev.enabled(i));
        ev.fire(i);
        CHECK(StateValues(ev.post(), ev.post() + m.scalars.size()) == t.steps[k].state);
        CHECK(ev.events() == t.steps[k].events);
    }
}

TEST_CASE("deadlocks are found at their shortest depth unless the state is final", "[explorer]") {
    Machine m = load_spec(source_path("tests/fixtures/deadlock.sm"));
    CompiledMachine cm(m);
    CheckResult r = check_all(cm);
    const PropertyResult& d = prop(r, kDeadlock);
    REQUIRE(d.verdict == Verdict::Violated);
    CHECK(d.cex->length() == 2);

    Machine f = load_spec(source_path("tests/fixtures/deadlock.sm"), {{"MARK_FINAL", "true"}});
    CompiledMachine cf(f);
    CHECK(prop(check_all(cf), kDeadlock).verdict == Verdict::Holds);
}

TEST_CASE("a run-time error stops the search with the action, the state and the path", "[explorer]") {
    Machine m = load_spec(source_path("tests/fixtures/runtime_error.sm"));
    CompiledMachine cm(m);
    std::string rendered;
    try {
        check_all(cm);
    } catch (const SpecError& e) {
        rendered = e.render();
    }
    CHECK(rendered.find("runtime_error.sm:6:21: error: array index 2 out of bounds 0..1\n  action read when arr[i] == false { skip }\n                      ^\n") != std::string::npos);
    CHECK(rendered.find("while evaluating the guard of read() in this state:") != std::string::npos);
    CHECK(rendered.find("    i = 2\n") != std::string::npos);
    CHECK(rendered.find("reached by: init -> advance() -> advance()") != std::string::npos);
}

TEST_CASE("limits stop the search cleanly and say how far it got", "[explorer]") {
    Machine m = load_spec(source_path("tests/fixtures/counter_mod.sm"), {{"K", "1000"}});
    CompiledMachine cm(m);
    CheckOptions o;
    o.properties = {0};  // below_k holds: only a limit can stop the search early
    o.limits.max_states = 100;
    CheckResult r = check_explicit(cm, o);
    CHECK(r.properties[0].verdict == Verdict::Unknown);
    CHECK(r.properties[0].reason.find("--max-states 100 reached") != std::string::npos);
    CHECK(r.stats.states == 100);
    CHECK_FALSE(r.stats.complete);
    CHECK(exit_code_of(r) == exit_code::limit);
}

TEST_CASE("fingerprint mode finds the same states and counterexamples, with a collision estimate", "[explorer]") {
    Machine m = load_spec(source_path("docs/peterson.sm"), {{"BUGGY", "true"}});
    CompiledMachine cm(m);
    CheckResult exact = check_all(cm, false);
    CheckResult fp = check_all(cm, true);
    CHECK(fp.stats.states == exact.stats.states);
    REQUIRE(fp.stats.collision_probability);
    CHECK(*fp.stats.collision_probability < 1e-12);
    CHECK(prop(fp, "mutual_exclusion").cex->length() == prop(exact, "mutual_exclusion").cex->length());

    ExploreOptions eo;
    eo.fingerprint = true;
    ExploreResult e = explore(cm, eo);
    CHECK(e.stats.states == 32);
    CHECK(e.stats.transitions == 64);
}

TEST_CASE("coverage names the actions and argument combinations that never fire", "[explorer]") {
    Machine m = testing::spec_from_text(R"(machine Cov
        var x : 0..3 = 0
        action inc(by: 1..2) when x + by <= 2 { x := x + by }
        action never when x == 3 { x := 0 }
        final x == 2)");
    CompiledMachine cm(m);
    ExploreResult r = explore(cm, {});
    CHECK(r.stats.states == 3);
    REQUIRE(r.coverage.size() == 2);
    CHECK(r.coverage[0].fired == 3);  // 0->1, 0->2, 1->2
    CHECK(r.coverage[0].never_fired.empty());
    CHECK(r.coverage[1].never_fired.size() == 1);
    CHECK(r.deadlocks == 0);  // x == 2 is final
}

TEST_CASE("the state graph and its quotient are captured", "[explorer]") {
    Machine m = load_spec(source_path("docs/peterson.sm"));
    CompiledMachine cm(m);
    ExploreOptions o;
    o.graph = GraphRequest{};
    ExploreResult full = explore(cm, o);
    REQUIRE(full.graph);
    CHECK(full.graph->nodes.size() == 20);
    CHECK(full.graph->edges.size() == 34);
    CHECK(full.graph->initial.size() == 1);

    o.graph->quotient_vars = {*m.find_var("turn")};
    ExploreResult q = explore(cm, o);
    CHECK(q.graph->nodes.size() == 2);  // turn = 0 or 1

    o.graph = GraphRequest{5, {}};
    CHECK(explore(cm, o).graph->too_large);
}
