// cli/engines.cpp: the rule that decides when engines disagree.

#include <catch2/catch.hpp>

#include "cli/engines.h"

using namespace stateproof;
using namespace stateproof::spec;

namespace {

CheckResult one(const std::string& engine, Verdict v, std::optional<uint32_t> cex_len = {}, std::optional<uint32_t> bound = {}) {
    CheckResult r;
    r.engine = engine;
    PropertyResult p;
    p.name = "prop";
    p.verdict = v;
    p.bound = bound;
    if (cex_len) {
        Trace t;
        t.steps.resize(*cex_len + 1);
        p.cex = t;
    }
    r.properties.push_back(p);
    return r;
}

}  // namespace

TEST_CASE("engines disagree on holds against violated, and on counterexample lengths", "[cli][solver]") {
    using cli::compare_results;
    CHECK(compare_results({one("explicit", Verdict::Holds), one("bmc", Verdict::Holds, {}, 9)}).empty());
    CHECK(compare_results({one("explicit", Verdict::Violated, 4), one("bmc", Verdict::Violated, 4)}).empty());
    // Unknown never disagrees.
    CHECK(compare_results({one("explicit", Verdict::Violated, 4), one("kind", Verdict::Unknown)}).empty());
    // A bounded holds contradicts only a counterexample within its bound.
    CHECK(compare_results({one("explicit", Verdict::Violated, 12), one("bmc", Verdict::Holds, {}, 9)}).empty());
    auto d = compare_results({one("explicit", Verdict::Violated, 5), one("bmc", Verdict::Holds, {}, 9)});
    REQUIRE(d.size() == 1);
    CHECK(d[0] == "prop: explicit says violated (5 steps), but bmc says holds");
    auto l = compare_results({one("explicit", Verdict::Violated, 5), one("bmc", Verdict::Violated, 6), one("kind", Verdict::Holds)});
    CHECK(l.size() == 3);
}
