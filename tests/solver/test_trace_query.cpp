// Trace conformance as a Z3 query (solver/trace_query.cpp) against the
// explicit replayer (explorer/replay.cpp): on counterexamples of the shipped
// specs and on every single-step mutation of them, both must say whether the
// trace is a behaviour of the spec and, if not, at which step it stops being one.

#include <catch2/catch.hpp>

#include <algorithm>
#include <csignal>

#include "explorer/check.h"
#include "explorer/replay.h"
#include "solver/solver.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using testing::source_path;

namespace {

std::vector<ObservedStep> observed(const Trace& t) {
    std::vector<ObservedStep> out;
    for (size_t k = 1; k < t.steps.size(); ++k) out.push_back({t.steps[k].action, t.steps[k].args, t.steps[k].events, {}, k, {}});
    return out;
}

// The explicit answer: (conforms, steps matched).
std::pair<bool, uint64_t> replay(const CompiledMachine& cm, const std::vector<ObservedStep>& steps) {
    explorer::Replayer r(cm);
    for (const auto& s : steps)
        if (!r.step(s)) return {false, r.matched()};
    return {true, r.matched()};
}

std::vector<Trace> counterexamples(const CompiledMachine& cm) {
    explorer::CheckOptions o;
    for (uint32_t p = 0; p < cm.machine().properties.size(); ++p) o.properties.push_back(p);
    std::vector<Trace> out;
    for (const auto& p : explorer::check_explicit(cm, o).properties)
        if (p.cex) out.push_back(*p.cex);
    return out;
}

// Every way of changing one step: drop it, drop its events, give it another
// action instance, or duplicate it.
std::vector<std::vector<ObservedStep>> mutations(const CompiledMachine& cm, const std::vector<ObservedStep>& steps) {
    std::vector<std::vector<ObservedStep>> out;
    for (size_t k = 0; k < steps.size(); ++k) {
        auto drop = steps;
        drop.erase(drop.begin() + long(k));
        out.push_back(drop);
        if (!steps[k].events.empty()) {
            auto silent = steps;
            silent[k].events.clear();
            out.push_back(silent);
        }
        auto twice = steps;
        twice.insert(twice.begin() + long(k), steps[k]);
        out.push_back(twice);
        uint32_t inst = cm.instance_of(steps[k].action, steps[k].args);
        auto other = steps;
        uint32_t o = (inst + 1 + uint32_t(k)) % cm.instance_count();
        other[k].action = cm.instance(o).action;
        other[k].args = cm.instance(o).args;
        out.push_back(other);
    }
    return out;
}

// A behaviour of up to `steps` steps from the first initial state, taking
// a different enabled instance each step (the k-th enabled one, cyclically),
// so that it is not a shortest path to a violation as counterexamples are.
std::vector<ObservedStep> walk(const CompiledMachine& cm, size_t steps) {
    Evaluator ev(cm);
    StateValues s;
    ev.for_each_initial([&](const int32_t* v) {
        if (s.empty()) s.assign(v, v + cm.machine().scalars.size());
    });
    std::vector<ObservedStep> out;
    for (size_t k = 0; k < steps; ++k) {
        std::vector<uint32_t> enabled;
        for (uint32_t i = 0; i < cm.instance_count(); ++i) {
            ev.load_values(s.data());
            if (ev.enabled(i)) enabled.push_back(i);
        }
        if (enabled.empty()) break;
        uint32_t i = enabled[k % enabled.size()];
        ev.load_values(s.data());
        ev.fire(i);
        out.push_back({cm.instance(i).action, cm.instance(i).args, ev.events(), {}, k + 1, {}});
        s.assign(ev.post(), ev.post() + s.size());
    }
    return out;
}

}  // namespace

TEST_CASE("a counterexample is a behaviour of its spec, and not of the reference profile", "[solver][trace]") {
    Machine m311 = load_spec(source_path("spec/asyncgen.sm"), {{"profile", "cpython311"}, {"SLOTS", "1"}});
    Machine mref = load_spec(source_path("spec/asyncgen.sm"), {{"profile", "reference"}, {"SLOTS", "1"}});
    CompiledMachine c311(m311), cref(mref);
    std::vector<Trace> cexs = counterexamples(c311);
    REQUIRE(cexs.size() == 7);
    size_t rejected = 0;
    for (const Trace& t : cexs) {
        auto steps = observed(t);
        auto q = solver::query_trace(c311, steps);
        CHECK(q.matches);
        CHECK(q.steps_matched == steps.size());
        // The reference profile forbids most of what the counterexamples show
        // (the rest differ only in states, not in what a client observes):
        // both engines give the same answer and stop at the same step.
        auto e = replay(cref, steps);
        auto r = solver::query_trace(cref, steps);
        CHECK(r.matches == e.first);
        CHECK(r.steps_matched == e.second);
        if (!e.first) {
            ++rejected;
            CHECK(r.reason.rfind("step " + std::to_string(e.second + 1) + " (", 0) == 0);
        }
    }
    CHECK(rejected >= 4);
}

TEST_CASE("the query and the replayer agree on every mutation of the counterexamples", "[solver][trace][agree]") {
    struct Case {
        std::string spec;
        ConstOverrides consts;
    };
    std::vector<Case> cases = {
        {"spec/asyncgen.sm", {{"profile", "cpython313"}, {"SLOTS", "1"}}},
        {"docs/peterson.sm", {{"BUGGY", "true"}}},
        {"tests/fixtures/counter_mod.sm", {}},
    };
    for (const auto& c : cases) {
        Machine m = load_spec(source_path(c.spec), c.consts);
        CompiledMachine cm(m);
        size_t conforming = 0, diverging = 0;
        // The asyncgen counterexamples are long and each query unrolls the
        // whole spec: the three shortest keep the test quick and still cover
        // every kind of step (client calls, awaitable steps, body reactions).
        std::vector<Trace> traces = counterexamples(cm);
        std::sort(traces.begin(), traces.end(), [](const Trace& a, const Trace& b) { return a.length() < b.length(); });
        if (c.spec == "spec/asyncgen.sm" && traces.size() > 3) traces.resize(3);
        for (const Trace& t : traces) {
            for (const auto& steps : mutations(cm, observed(t))) {
                auto e = replay(cm, steps);
                auto q = solver::query_trace(cm, steps);
                INFO(c.spec << ": " << steps.size() << " steps, replayer " << e.first << "/" << e.second << ", query "
                            << q.matches << "/" << q.steps_matched << " " << q.reason);
                CHECK(q.matches == e.first);
                CHECK(q.steps_matched == e.second);
                (e.first ? conforming : diverging)++;
            }
        }
        // Mutations give both answers, so the comparison means something.
        CHECK(conforming > 0);
        CHECK(diverging > 0);
    }
}

TEST_CASE("the query and the replayer agree on every edit of a recorded state", "[solver][trace][agree]") {
    // A counterexample as an ITF trace records every state: edit one scalar
    // of one state to another value of its domain, and both engines must
    // refuse the trace at that state (or, where the spec reaches the edited
    // state too, accept it), the initial state included.
    struct Case {
        std::string spec;
        ConstOverrides consts;
    };
    std::vector<Case> cases = {
        {"docs/peterson.sm", {{"BUGGY", "true"}}},
        {"tests/fixtures/counter_mod.sm", {}},
        {"spec/asyncgen.sm", {{"profile", "cpython313"}, {"SLOTS", "1"}}},
    };
    for (const auto& c : cases) {
        Machine m = load_spec(source_path(c.spec), c.consts);
        CompiledMachine cm(m);
        size_t conforming = 0, diverging = 0, at_start = 0;
        std::vector<Trace> traces = counterexamples(cm);
        std::sort(traces.begin(), traces.end(), [](const Trace& a, const Trace& b) { return a.length() < b.length(); });
        // asyncgen's shortest counterexample alone: it has many scalars, and
        // each edit is a query over the whole unrolled spec.
        traces.resize(std::min(traces.size(), size_t(c.spec == "spec/asyncgen.sm" ? 1 : 2)));
        INFO(c.spec);
        REQUIRE_FALSE(traces.empty());
        for (const Trace& t : traces) {
            std::vector<ObservedStep> steps = observed(t);
            for (size_t k = 0; k < steps.size(); ++k) steps[k].state = t.steps[k + 1].state;
            for (size_t k = 0; k < t.steps.size(); ++k) {
                for (size_t i = 0; i < m.scalars.size(); ++i) {
                    const Type& ty = m.types[m.scalars[i].type];
                    if (ty.domain_size() < 2) continue;
                    StateValues initial = t.steps[0].state;
                    std::vector<ObservedStep> edited = steps;
                    StateValues& where = k == 0 ? initial : *edited[k - 1].state;
                    where[i] = where[i] == ty.hi ? ty.lo : where[i] + 1;
                    explorer::Replayer r(cm);
                    bool ok = r.start_at(initial);
                    for (size_t j = 0; ok && j < edited.size(); ++j) ok = r.step(edited[j]);
                    auto q = solver::query_trace(cm, edited, 0, {}, false, initial);
                    INFO(c.spec << ": state " << k << ", scalar " << m.scalars[i].path << ": replayer " << ok << "/"
                                << r.matched() << ", query " << q.matches << "/" << q.steps_matched << " " << q.reason);
                    CHECK(q.matches == ok);
                    CHECK(q.steps_matched == r.matched());
                    if (!ok) {
                        CHECK(q.at_initial_state == (r.mismatch().step == 0));
                        // Both say whether the state or the step itself is what does not fit.
                        CHECK(q.state_differs.empty() == r.mismatch().state_differs.empty());
                    }
                    (ok ? conforming : diverging)++;
                    at_start += !ok && q.at_initial_state;
                }
            }
        }
        CHECK(diverging > 0);
        CHECK(at_start > 0);
    }
}

TEST_CASE("the trace query stops at its time limit with an unknown answer", "[solver][trace]") {
    Machine m = load_spec(source_path("spec/asyncgen.sm"), {{"profile", "cpython311"}});
    CompiledMachine cm(m);
    auto cexs = counterexamples(cm);
    REQUIRE(!cexs.empty());
    auto q = solver::query_trace(cm, observed(cexs[0]), 1e-9);
    CHECK(q.unknown);
    CHECK_FALSE(q.matches);
    CHECK(q.reason.find("--max-seconds") != std::string::npos);
}

// Arrays indexed by bool and by enums (issue 23): the encoding crashed on a
// bool index, in the trace query (replay --engine smt) as in BMC.
TEST_CASE("the query and the replayer agree on arrays indexed by bool and by enums", "[solver][trace][index]") {
    size_t conforming = 0, diverging = 0;
    for (const char* file : {"bool_index.sm", "bool_index_param.sm", "bool_index_let.sm", "bool_index_record.sm",
                             "enum_index.sm", "enum_index_violated.sm", "enum_bool_events.sm"}) {
        Machine m = load_spec(source_path(std::string("tests/fixtures/soundness/") + file));
        CompiledMachine cm(m);
        std::vector<ObservedStep> w = walk(cm, 8);
        std::vector<std::vector<ObservedStep>> traces = mutations(cm, w);
        traces.push_back(w);
        // Every instance as a first step, enabled in an initial state or not
        // (in bool_index_record.sm none is, and the walk is empty).
        for (uint32_t i = 0; i < cm.instance_count(); ++i)
            traces.push_back({{cm.instance(i).action, cm.instance(i).args, {}, {}, 1, {}}});
        for (const auto& steps : traces) {
            auto e = replay(cm, steps);
            auto q = solver::query_trace(cm, steps);
            INFO(file << ": " << steps.size() << " steps, replayer " << e.first << "/" << e.second << ", query " << q.matches
                      << "/" << q.steps_matched << " " << q.reason);
            CHECK(q.matches == e.first);
            CHECK(q.steps_matched == e.second);
            (e.first ? conforming : diverging)++;
        }
    }
    CHECK(conforming > 0);
    CHECK(diverging > 0);
}

TEST_CASE("on a long behaviour the query, starting afresh where the state is known, agrees with the replayer", "[solver][trace][agree]") {
    // Issue 13, part 5: the query restarts its solver whenever the steps so
    // far leave one possible state; a mutation anywhere in a 300-step trace
    // is found at the same step as by the replayer.
    for (const char* spec : {"docs/peterson.sm", "tests/fixtures/counter_mod.sm"}) {
        Machine m = load_spec(source_path(spec));
        CompiledMachine cm(m);
        std::vector<ObservedStep> steps = walk(cm, 300);
        REQUIRE(steps.size() == 300);
        auto whole = solver::query_trace(cm, steps);
        CHECK(whole.matches);
        CHECK(whole.steps_matched == 300);
        std::vector<std::vector<ObservedStep>> all = mutations(cm, steps);
        size_t diverging = 0;
        for (size_t i = 0; i < all.size(); i += 97) {
            auto e = replay(cm, all[i]);
            auto q = solver::query_trace(cm, all[i]);
            INFO(spec << ": mutation " << i << ", replayer " << e.first << "/" << e.second << ", query " << q.matches
                      << "/" << q.steps_matched << " " << q.reason);
            CHECK(q.matches == e.first);
            CHECK(q.steps_matched == e.second);
            diverging += !e.first;
        }
        CHECK(diverging > 0);
    }
}

TEST_CASE("a signal stops the trace query with how far it got", "[solver][trace][interrupt]") {
    Machine m = load_spec(source_path("docs/peterson.sm"));
    CompiledMachine cm(m);
    std::vector<ObservedStep> steps = walk(cm, 50);
    int asked = 0;
    // The signal comes after the first queries.
    auto q = solver::query_trace(cm, steps, 0, [&asked] { return ++asked > 20 ? SIGTERM : 0; });
    CHECK(q.unknown);
    CHECK_FALSE(q.matches);
    CHECK(q.interrupted_by == SIGTERM);
    CHECK(q.steps_matched < steps.size());
    INFO(q.reason);
    CHECK(q.reason.rfind("interrupted (signal " + std::to_string(SIGTERM) + ") while replaying step ", 0) == 0);
    CHECK(q.reason.find(" of 50") != std::string::npos);
}
