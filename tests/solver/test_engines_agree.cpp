// Engines agree: the explorer, BMC and k-induction answer the same questions
// on the shipped specs and on random small specs, and must give the same
// verdicts and counterexamples of the same (shortest) length.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "explorer/bfs.h"
#include "explorer/check.h"
#include "solver/solver.h"
#include "support/random_spec.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using testing::source_path;

namespace {

struct Answers {
    CheckResult expl, bmc, kind;
};

// The explorer's answer, then BMC at its diameter + 1 (every step out of the
// deepest states is checked too) and k-induction up to the same k.
Answers all_engines(const CompiledMachine& cm, bool deadlock) {
    const Machine& m = cm.machine();
    Answers a;
    explorer::CheckOptions eo;
    eo.deadlock = deadlock;
    for (uint32_t p = 0; p < m.properties.size(); ++p) eo.properties.push_back(p);
    a.expl = explorer::check_explicit(cm, eo);
    solver::SolverOptions so;
    so.properties = eo.properties;
    so.deadlock = deadlock;
    so.depth = a.expl.stats.depth + 1;
    if (!a.expl.stats.complete) {
        // The explorer stops early only when every property is refuted; the
        // longest counterexample is then the depth that matters.
        REQUIRE(!a.expl.all_hold());
        so.depth = 0;
        for (const auto& p : a.expl.properties) {
            REQUIRE(p.verdict == Verdict::Violated);
            so.depth = std::max(so.depth, uint32_t(p.cex->length()));
        }
    }
    a.bmc = solver::check_bmc(cm, so);
    a.kind = solver::check_kinduction(cm, so);
    return a;
}

// Empty when they agree; otherwise one line per property that differs.
std::string disagreements(const Answers& a) {
    std::string out;
    REQUIRE(a.expl.properties.size() == a.bmc.properties.size());
    REQUIRE(a.expl.properties.size() == a.kind.properties.size());
    for (size_t i = 0; i < a.expl.properties.size(); ++i) {
        const PropertyResult& e = a.expl.properties[i];
        const PropertyResult& b = a.bmc.properties[i];
        const PropertyResult& k = a.kind.properties[i];
        auto show = [](const PropertyResult& r) {
            return r.verdict == Verdict::Violated ? "violated(" + std::to_string(r.cex->length()) + ")"
                   : r.verdict == Verdict::Holds  ? "holds[" + r.reason + "]"
                                                  : "unknown[" + r.reason + "]";
        };
        bool ok = e.verdict != Verdict::Unknown && b.verdict == e.verdict;
        if (ok && e.verdict == Verdict::Violated) ok = b.cex->length() == e.cex->length();
        // k-induction may fail to close (Unknown) on a property that holds,
        // but it never proves a violated one nor refutes a true one.
        if (e.verdict == Verdict::Violated) ok = ok && k.verdict == Verdict::Violated && k.cex->length() == e.cex->length();
        else ok = ok && k.verdict != Verdict::Violated;
        if (!ok) out += e.name + ": explicit " + show(e) + ", bmc " + show(b) + ", kind " + show(k) + "\n";
    }
    return out;
}

size_t count(const CheckResult& r, Verdict v) {
    size_t n = 0;
    for (const auto& p : r.properties) n += p.verdict == v;
    return n;
}

}  // namespace

// asyncgen.sm runs with one awaitable slot here (SLOTS=1): the default two
// slots give the cpython profiles diameters of 24-25, where BMC takes minutes;
// bench/solver_bench.sh measures that configuration.
TEST_CASE("every engine gives the same verdicts on every shipped spec and profile", "[solver][agree]") {
    struct Case {
        std::string spec;
        ConstOverrides consts;
        size_t expect_violated;
    };
    std::vector<Case> cases = {
        {"spec/asyncgen.sm", {{"profile", "reference"}, {"SLOTS", "1"}}, 0},
        {"spec/asyncgen.sm", {{"profile", "cpython311"}, {"SLOTS", "1"}}, 7},
        {"spec/asyncgen.sm", {{"profile", "cpython312"}, {"SLOTS", "1"}}, 7},
        {"spec/asyncgen.sm", {{"profile", "cpython3124"}, {"SLOTS", "1"}}, 6},
        {"spec/asyncgen.sm", {{"profile", "cpython313"}, {"SLOTS", "1"}}, 6},
        {"spec/attribute.sm", {}, 0},
        {"spec/subscript.sm", {{"profile", "cpython311"}}, 0},
        {"spec/subscript.sm", {{"profile", "cpython39"}}, 0},
        {"spec/subscript.sm", {{"profile", "cpython38"}}, 0},
        {"docs/peterson.sm", {}, 0},
        {"docs/peterson.sm", {{"BUGGY", "true"}}, 1},
    };
    for (const auto& c : cases) {
        std::string what = c.spec;
        for (const auto& [k, v] : c.consts) what += " " + k + "=" + v;
        SECTION(what) {
            Machine m = load_spec(source_path(c.spec), c.consts);
            CompiledMachine cm(m);
            Answers a = all_engines(cm, true);
            CHECK(disagreements(a) == "");
            CHECK(count(a.expl, Verdict::Violated) == c.expect_violated);
            // Under the reference profile k-induction proves everything.
            if (c.consts.count("profile") && c.consts.at("profile") == "reference")
                CHECK(count(a.kind, Verdict::Holds) == a.kind.properties.size());
        }
    }
}

// Seeds 1..N (N = 300, or STATEPROOF_RANDOM_SPECS); STATEPROOF_RANDOM_SEED=S
// runs only seed S. A mismatch prints the seed and the spec.
TEST_CASE("every engine gives the same verdicts on random small specs", "[solver][agree][random]") {
    uint64_t first = 1, last = 300;
    if (const char* n = std::getenv("STATEPROOF_RANDOM_SPECS")) last = std::strtoull(n, nullptr, 10);
    if (const char* s = std::getenv("STATEPROOF_RANDOM_SEED")) first = last = std::strtoull(s, nullptr, 10);
    size_t violated = 0, proved = 0, properties = 0, with_deadlock = 0, unsatisfiable_init = 0;
    for (uint64_t seed = first; seed <= last; ++seed) {
        // The issue 23 shapes (nested arrays, wide elements) are off here
        // unless STATEPROOF_RANDOM_NESTED=1: with them 300 seeds ran for
        // more than 14 minutes (BMC and k-induction at the diameter); the
        // one-step test compares the encoding on them transition by
        // transition instead.
        testing::RandomSpecOptions o;
        o.nested = std::getenv("STATEPROOF_RANDOM_NESTED") != nullptr;
        std::string text = testing::random_spec(seed, o);
        INFO("seed " << seed << " (STATEPROOF_RANDOM_SEED=" << seed << "):\n" << text);
        Machine m;
        try {
            m = load_spec_text("random-" + std::to_string(seed) + ".sm", text);
        } catch (const SpecError& e) {
            // The one error the generator cannot rule out cheaply: an init
            // constraint that no initial state satisfies.
            REQUIRE(std::string(e.what()).find("init constraint is always false") != std::string::npos);
            ++unsatisfiable_init;
            continue;
        }
        CompiledMachine cm(m);
        Answers a = all_engines(cm, true);
        std::string d = disagreements(a);
        if (!d.empty()) FAIL(d);
        properties += a.expl.properties.size();
        violated += count(a.expl, Verdict::Violated);
        for (const auto& p : a.kind.properties)
            proved += p.verdict == Verdict::Holds && p.reason.rfind("proved by k-induction", 0) == 0;
        for (const auto& p : a.expl.properties) with_deadlock += p.name == kDeadlock && p.verdict == Verdict::Violated;
    }
    // The generator is useful only if it gives both answers often.
    if (last - first >= 100) {
        CHECK(violated > properties / 10);
        CHECK(proved > properties / 10);
        CHECK(with_deadlock > 0);
        CHECK(unsatisfiable_init < (last - first) / 20);
    }
}

// Properties that are false by construction: for every event the explorer
// sees emitted, "never emits it", and for every value a scalar takes in a
// reachable state, "never has it". Every one is violated, so an encoding that
// loses an emit or a write (the if-branch bug: GetattrCalled was never
// emitted in Z3's view of attribute.sm) cannot pass by proving it vacuously.
TEST_CASE("the engines refute properties that are false by construction", "[solver][agree][vacuity]") {
    struct Case {
        std::string spec;
        ConstOverrides consts;
        bool values;  // also one invariant per reachable scalar value
    };
    std::vector<Case> cases = {
        {"spec/attribute.sm", {}, true},
        {"spec/subscript.sm", {{"profile", "cpython311"}}, true},
        {"docs/peterson.sm", {}, true},
        {"spec/asyncgen.sm", {{"profile", "reference"}, {"SLOTS", "1"}}, false},
        {"spec/asyncgen.sm", {{"profile", "cpython313"}, {"SLOTS", "1"}}, false},
    };
    for (const auto& c : cases) {
        std::string what = c.spec;
        for (const auto& [k, v] : c.consts) what += " " + k + "=" + v;
        SECTION(what) {
            Machine base = load_spec(source_path(c.spec), c.consts);
            CompiledMachine bcm(base);
            // What the explorer sees: emitted events and scalar values.
            explorer::SearchOptions so;
            so.deadlock = false;
            so.stop_when_decided = false;
            so.graph = explorer::GraphRequest{1000000, {}};
            explorer::SearchResult r = explorer::search(bcm, so);
            REQUIRE(r.graph);
            REQUIRE(!r.graph->too_large);
            std::set<uint32_t> events;
            Evaluator ev(bcm);
            for (const auto& s : r.graph->nodes)
                for (uint32_t i = 0; i < bcm.instance_count(); ++i) {
                    ev.load_values(s.data());
                    if (!ev.enabled(i)) continue;
                    ev.fire(i);
                    for (const auto& e : ev.events()) events.insert(e.event);
                }
            std::string extra;
            for (uint32_t e : events) extra += "transition never_" + base.events[e].name + ": not emits " + base.events[e].name + "\n";
            if (c.values) {
                std::set<std::pair<uint32_t, int32_t>> values;
                for (const auto& s : r.graph->nodes)
                    for (uint32_t sc = 0; sc < s.size(); ++sc) values.insert({sc, s[sc]});
                int n = 0;
                for (const auto& [sc, v] : values) {
                    const Scalar& x = base.scalars[sc];
                    const Type& t = base.types[x.type];
                    std::string value = t.kind == Type::Kind::Enum ? base.enums[t.enum_id].name + "." + base.format_value(x.type, v)
                                                                   : base.format_value(x.type, v);
                    extra += "invariant never_value" + std::to_string(n++) + ": " + x.path + " != " + value + "\n";
                }
            }
            std::ifstream in(source_path(c.spec));
            std::stringstream text;
            text << in.rdbuf();
            Machine m = load_spec_text(c.spec, text.str() + "\n" + extra, c.consts);
            CompiledMachine cm(m);
            Answers a = all_engines(cm, false);
            CHECK(disagreements(a) == "");
            size_t added = 0;
            for (size_t i = 0; i < a.expl.properties.size(); ++i) {
                const std::string& name = a.expl.properties[i].name;
                if (name.rfind("never_", 0) != 0) continue;
                ++added;
                INFO(name);
                CHECK(a.expl.properties[i].verdict == Verdict::Violated);
                CHECK(a.bmc.properties[i].verdict == Verdict::Violated);
                CHECK(a.kind.properties[i].verdict == Verdict::Violated);
            }
            CHECK(added >= events.size());
            CHECK(!events.empty());
        }
    }
}
