// BMC and k-induction on small fixtures whose answers are known by hand.

#include <catch2/catch.hpp>

#include "explorer/check.h"
#include "solver/solver.h"
#include "spec/diagnostics.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using testing::source_path;

namespace {

solver::SolverOptions all_properties(const Machine& m, uint32_t depth) {
    solver::SolverOptions o;
    for (uint32_t p = 0; p < m.properties.size(); ++p) o.properties.push_back(p);
    o.depth = depth;
    return o;
}

const PropertyResult& named(const CheckResult& r, const std::string& name) {
    for (const auto& p : r.properties)
        if (p.name == name) return p;
    FAIL("no property " << name);
    throw;
}

}  // namespace

TEST_CASE("bmc finds the counter's counterexamples at their exact depth, the same as the explorer's", "[solver][bmc]") {
    // x counts 0,1,2,3,4,0,...: never_last fails after 4 steps, no_wrap on the 5th.
    Machine m = load_spec(source_path("tests/fixtures/counter_mod.sm"));
    CompiledMachine cm(m);
    CheckResult r = solver::check_bmc(cm, all_properties(m, 8));
    CHECK(named(r, "never_last").verdict == Verdict::Violated);
    CHECK(named(r, "never_last").cex->length() == 4);
    CHECK(named(r, "no_wrap").cex->length() == 5);
    CHECK(named(r, "below_k").verdict == Verdict::Holds);
    CHECK(*named(r, "below_k").bound == 8);
    CHECK(named(r, "wraps_to_zero").verdict == Verdict::Holds);
    // One path only, so the decoded counterexample is the explorer's, state by state.
    explorer::CheckOptions eo;
    eo.properties = all_properties(m, 0).properties;
    CheckResult e = explorer::check_explicit(cm, eo);
    CHECK(*named(r, "no_wrap").cex == *named(e, "no_wrap").cex);
    CHECK(*named(r, "never_last").cex == *named(e, "never_last").cex);
}

TEST_CASE("bmc below a counterexample's depth says holds up to that depth, not holds", "[solver][bmc]") {
    Machine m = load_spec(source_path("tests/fixtures/counter_mod.sm"), {{"K", "9"}});
    CompiledMachine cm(m);
    CheckResult r = solver::check_bmc(cm, all_properties(m, 5));
    const auto& p = named(r, "never_last");  // violated after 8 steps
    CHECK(p.verdict == Verdict::Holds);
    REQUIRE(p.bound);
    CHECK(*p.bound == 5);
    CHECK(p.reason.find("up to depth 5") != std::string::npos);
    CHECK(exit_code_of(r) == 0);
}

TEST_CASE("bmc stops at a run-time error of the spec with the explorer's message", "[solver][bmc]") {
    Machine m = load_spec(source_path("tests/fixtures/runtime_error.sm"));
    CompiledMachine cm(m);
    std::string bmc_error, explicit_error;
    try {
        solver::check_bmc(cm, all_properties(m, 10));
    } catch (const SpecError& e) {
        bmc_error = e.what();
    }
    try {
        explorer::CheckOptions eo;
        explorer::check_explicit(cm, eo);
    } catch (const SpecError& e) {
        explicit_error = e.what();
    }
    CHECK(bmc_error != "");
    CHECK(bmc_error == explicit_error);
}

TEST_CASE("k-induction proves Peterson's mutual exclusion, and refutes the buggy variant", "[solver][kind]") {
    Machine ok = load_spec(source_path("docs/peterson.sm"));
    CompiledMachine cok(ok);
    CheckResult r = solver::check_kinduction(cok, all_properties(ok, 30));
    const auto& mx = named(r, "mutual_exclusion");
    CHECK(mx.verdict == Verdict::Holds);
    CHECK(mx.reason.rfind("proved by k-induction at k = ", 0) == 0);
    REQUIRE(mx.proved_at_k);
    CHECK(mx.reason == "proved by k-induction at k = " + std::to_string(*mx.proved_at_k));
    CHECK_FALSE(mx.bound);

    Machine bad = load_spec(source_path("docs/peterson.sm"), {{"BUGGY", "true"}});
    CompiledMachine cbad(bad);
    CheckResult b = solver::check_kinduction(cbad, all_properties(bad, 30));
    CHECK(named(b, "mutual_exclusion").verdict == Verdict::Violated);
    CHECK(named(b, "mutual_exclusion").cex->length() == 6);
}

TEST_CASE("k-induction that does not close is unknown, or a bounded holds when asked for", "[solver][kind]") {
    // Mutual exclusion is not 1-inductive: a state with both flags raised and
    // both waiting is unreachable but not excluded by the invariant alone.
    Machine m = load_spec(source_path("docs/peterson.sm"));
    CompiledMachine cm(m);
    auto o = all_properties(m, 1);
    CheckResult r = solver::check_kinduction(cm, o);
    const auto& mx = named(r, "mutual_exclusion");
    CHECK(mx.verdict == Verdict::Unknown);
    CHECK(mx.reason == "holds up to depth 1, not proved by k-induction up to k = 1");
    CHECK(exit_code_of(r) == 3);
    o.bounded_ok = true;
    CheckResult b = solver::check_kinduction(cm, o);
    CHECK(named(b, "mutual_exclusion").verdict == Verdict::Holds);
    CHECK(*named(b, "mutual_exclusion").bound == 1);
    CHECK(exit_code_of(b) == 0);
}

TEST_CASE("a time limit ends both engines with unknown verdicts that say why", "[solver]") {
    Machine m = load_spec(source_path("spec/asyncgen.sm"), {{"profile", "reference"}});
    CompiledMachine cm(m);
    auto o = all_properties(m, 30);
    o.max_seconds = 0.05;
    for (auto* engine : {&solver::check_bmc, &solver::check_kinduction}) {
        CheckResult r = engine(cm, o);
        CHECK_FALSE(r.stats.complete);
        CHECK(r.stats.stopped_by != "");
        CHECK(exit_code_of(r) == 3);
        for (const auto& p : r.properties) CHECK(p.verdict == Verdict::Unknown);
    }
}
