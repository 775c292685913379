#include <catch2/catch.hpp>

#include "spec/check.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using stateproof::testing::spec_error;
using stateproof::testing::spec_from_text;

TEST_CASE("variables are flattened into named scalars with their initial values", "[spec][check]") {
    Machine m = spec_from_text(R"(machine M
        enum K { Free, Busy }
        type Aw = record { kind: K, n: 0..3 }
        var aw : array[2] of Aw = {kind: Busy, n: 2}
        var b : bool
        init not b)");
    REQUIRE(m.scalars.size() == 5);
    CHECK(m.scalars[0].path == "aw[0].kind");
    CHECK(m.scalars[1].path == "aw[0].n");
    CHECK(m.scalars[3].path == "aw[1].n");
    CHECK(m.scalars[4].path == "b");
    CHECK(m.scalars[0].init == 1);  // Busy, replicated into every element
    CHECK(m.scalars[3].init == 2);
    CHECK(!m.scalars[4].init);      // free, narrowed by the init constraint
    CHECK(m.init_constraints.size() == 1);
}

TEST_CASE("constant overrides resize arrays and select profile branches", "[spec][check]") {
    const std::string text = R"(machine M
        enum Profile { reference, legacy }
        const profile : Profile = reference
        const SLOTS : 1..8 = 2
        var a : array[SLOTS] of bool = false
        var x : 0..1 = 0
        action act {
            if profile == legacy { x := 1 } else { x := 0 }
        })";
    Machine def = spec_from_text(text);
    CHECK(def.scalars.size() == 3);
    Machine big = spec_from_text(text, {{"SLOTS", "5"}, {"profile", "legacy"}});
    CHECK(big.scalars.size() == 6);
    // The constant condition is folded away: one assignment is left, to 1.
    const Action& a = big.actions[0];
    REQUIRE(a.body.size() == 1);
    CHECK(a.body[0].kind == Stmt::Kind::Assign);
    CHECK(big.expr(a.body[0].value).value == 1);
    CHECK(big.consts[0].overridden);
}

TEST_CASE("bad --const overrides are usage errors that list what is allowed", "[spec][check]") {
    const std::string text = "machine M\nenum P { a, b }\nconst profile : P = a\nconst N : 1..3 = 2\n";
    auto usage = [&](ConstOverrides o) -> std::string {
        try {
            spec_from_text(text, o);
        } catch (const UsageError& e) {
            return e.what();
        }
        return "";
    };
    CHECK(usage({{"profile", "c"}}) == "--const profile=c: 'c' is not a value of P (one of: a, b)");
    CHECK(usage({{"N", "7"}}) == "--const N=7: '7' is not a value of 1..3");
    CHECK(usage({{"Q", "1"}}) == "--const Q=1: <test> declares no constant named 'Q' (constants: profile, N)");
}

TEST_CASE("enum members resolve from context when enums share a name", "[spec][check]") {
    Machine m = spec_from_text(R"(machine M
        enum E { A, B }
        enum F { A, C }
        var e : E = B
        var f : F = A
        action act when e == A { f := A }
        invariant i: F.A == f or f == C)");
    CHECK(m.scalars[1].init == 0);
    CHECK(spec_error("machine M\nenum E { A }\nenum F { A }\ninvariant i: A == A\n")
              .find("ambiguous enum member 'A' (in E, F); write E.A") != std::string::npos);
}

TEST_CASE("integer expressions carry interval ranges", "[spec][check]") {
    Machine m = spec_from_text(R"(machine M
        var x : 0..3 = 0
        var y : 2..5 = 2
        invariant i: x + y - 1 >= 0)");
    const Property& p = m.properties[0];
    const Expr& ge = m.expr(p.expr);  // 0 <= x + y - 1
    const Expr& sum = m.expr(ge.args[1]);
    CHECK(m.types[sum.type].lo == 1);
    CHECK(m.types[sum.type].hi == 7);
}

TEST_CASE("arithmetic that can leave 32 bits is rejected", "[spec][check]") {
    CHECK(spec_error("machine M\nvar x : 0..2000000000 = 0\ninvariant i: x + x > 0\n")
              .find("this arithmetic can overflow 32 bits") != std::string::npos);
}

TEST_CASE("functions and procedures are inlined and see only their parameters", "[spec][check]") {
    CHECK(spec_error(R"(machine M
        var x : bool = false
        proc p() { x := y }
        action a { let y = true; p() })")
              .find("unknown identifier 'y'") != std::string::npos);
    Machine m = spec_from_text(R"(machine M
        var x : 0..3 = 0
        fun inc(v: 0..3) : 0..3 = (v + 1) % 4
        proc bump() { x := inc(x) }
        action a { bump(); bump() })");
    CHECK(m.actions[0].body.size() == 2);
}

TEST_CASE("quantifiers and count unroll over finite domains", "[spec][check]") {
    Machine m = spec_from_text(R"(machine M
        var a : array[3] of bool = false
        invariant none: not (exists i in 0..2: a[i])
        invariant few: (count i in 0..2: a[i]) <= 1
        invariant vacuous: forall i in 0..2: a[i] => a[i])");
    CHECK(m.properties.size() == 3);
    // a[i] => a[i] is not folded (same value, but expressions are not compared); it stays a predicate.
    CHECK(m.expr(m.properties[0].expr).op == Op::Not);
}

TEST_CASE("transition-property operators are refused elsewhere", "[spec][check]") {
    CHECK(spec_error("machine M\nvar x : bool = false\naction a when x' { skip }\n")
              .find("next(...) is only allowed in transition properties") != std::string::npos);
    CHECK(spec_error("machine M\naction a { skip }\ninvariant i: fires a\n")
              .find("'fires' is only allowed in transition properties") != std::string::npos);
    CHECK(spec_error("machine M\nevent E\ntransition t: emits E(1)\n")
              .find("event 'E' has 0 parameter(s), 1 given") != std::string::npos);
}

TEST_CASE("locals may not shadow globals, and declarations come before use", "[spec][check]") {
    CHECK(spec_error("machine M\nvar x : bool = false\naction a(x: bool) { skip }\n")
              .find("'x' shadows the global declared at line 2") != std::string::npos);
    CHECK(spec_error("machine M\naction a { skip }\nvar late : bool = false\ninvariant i: late\naction b { late := nope }\n")
              .find("unknown identifier 'nope'") != std::string::npos);
}
