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

// Issue 23, part 3: with a quantifier's or loop's value folded in, an `if`
// arm, a short-circuited operand or a settled quantifier body is code the
// evaluator never runs; a value error there is not an error. Where the code
// does run, the same error still stops the spec.
TEST_CASE("value errors in code the evaluator never runs are not errors", "[spec][check]") {
    const std::string head = "machine M\nvar a : array[3] of 0..1 = 0\nvar x : 0..3 = 0\n";
    struct Row {
        const char* text;  // after the declarations
        const char* error; // "" when the spec loads
    };
    Row r = GENERATE(values<Row>({
        // An `if` arm not taken, in an expression and as a statement.
        {"invariant ok: forall q in 0..2: (if q < 2 then a[q + 1] == 0 else true)", ""},
        {"invariant ok: forall q in 0..2: (if q == 2 then true else a[q + 1] == 0)", ""},
        {"action go { for j in 0..2 { if j < 2 { a[j + 1] := 1 } } }", ""},
        {"action go { for j in 0..2 { if j == 2 { x := 0 } elif j == 1 { x := 1 } else { a[j + 2] := 1 } } }", ""},
        {"action go { for j in 0..2 { if j == 2 { x := 0 } elif j < 2 { x := j } else { a[j + 3] := 1 } } }", ""},
        // Short-circuited operands, and the body of a settled quantifier.
        {"invariant ok: forall q in 0..2: q < 2 and a[q + 1] == 0 or q == 2", ""},
        {"invariant ok: forall q in 0..2: q == 0 or 6 / q >= 2", ""},
        {"invariant ok: forall q in 0..2: q != 0 => 6 / q >= 2", ""},
        {"invariant ok: forall q in 0..3: q < 3 and (forall p in 0..3: p > q or a[p] == 0) or true", ""},
        {"invariant ok: not (exists q in 0..3: q == 0 or a[q] == 9)", ""},
        // A constant out of range for its target, and an emitted argument.
        {"event E(v: 0..1)\naction go { for j in 0..3 { if j < 2 { x := j; emit E(j) } } }", ""},
        {"action go { for j in 0..3 { if j > 1 { x := j } else { a[j] := j } } }", ""},
        // Reached: still errors.
        {"invariant ok: forall q in 0..2: a[q + 1] == 0", "array index 3 out of bounds 0..2"},
        {"invariant ok: forall q in 0..2: (if q < 3 then a[q + 1] == 0 else true)", "array index 3 out of bounds 0..2"},
        {"invariant ok: forall q in 0..2: q > 0 => 6 / (q - 1) >= 0", "division by zero"},
        // ... but not once the quantifier is settled: false at q = 0.
        {"invariant ok: forall q in 0..2: q > 0 and 6 / (q - 1) >= 0", ""},
        {"action go { for j in 0..2 { if j < 3 { a[j + 1] := 1 } } }", "array index 3 out of bounds 0..2"},
        {"action go { x := 0 } \ninvariant ok: forall q in 0..2: q == 0 or a[2 * q] == 0", "array index 4 out of bounds 0..2"},
        // A dead arm is still type-checked.
        {"invariant ok: forall q in 0..2: (if q < 2 then true else a[q] == false)", "cannot compare"},
    }));
    INFO(r.text);
    std::string err = spec_error(head + r.text);
    if (std::string(r.error).empty()) CHECK(err == "");
    else CHECK(err.find(r.error) != std::string::npos);
}
