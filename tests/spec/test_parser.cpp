#include <catch2/catch.hpp>

#include "spec/parser.h"

using namespace stateproof::spec;

static ast::Spec parse_text(const std::string& text) {
    return parse(std::make_shared<const SourceFile>("<test>", text));
}

TEST_CASE("the parser reads every kind of declaration", "[spec][parser]") {
    ast::Spec s = parse_text(R"(machine M
        const N : 1..4 = 2
        enum E { A, B, }
        type T = record { x: bool, y: 0..N }
        var v : array[N] of T = {x: false, y: 0}
        event Ev(p: E)
        fun f(a: E) : bool = a == A
        proc p(a: E) { emit Ev(a) }
        action act(a: E) when f(a) { p(a); v[0].x := true }
        init v[1].y == 0
        final false
        invariant inv: forall i in 0..N-1: v[i].y <= N
        transition tr: fires act(_) => emits Ev(A) or v[0].x'
    )");
    CHECK(s.machine_name == "M");
    std::vector<ast::Decl::Kind> kinds;
    for (const auto& d : s.decls) kinds.push_back(d.kind);
    using K = ast::Decl::Kind;
    CHECK(kinds == std::vector<K>{K::Const, K::Enum, K::Type, K::Var, K::Event, K::Fun, K::Proc, K::Action, K::Init,
                                  K::Final, K::Invariant, K::Transition});
    CHECK(s.decls[1].members == std::vector<std::string>{"A", "B"});
    CHECK(s.decls[7].params.size() == 1);
    CHECK(s.decls[7].body.size() == 2);
}

TEST_CASE("operator precedence follows the documented table", "[spec][parser]") {
    // a or b and not c == d + e * f  parses as  a or (b and (not (c == (d + (e * f)))))
    ast::Spec s = parse_text("machine M invariant i: a or b and not c == d + e * f");
    const ast::Expr& e = *s.decls[0].value;
    REQUIRE(e.kind == ast::Expr::Kind::Binary);
    CHECK(e.name == "or");
    const ast::Expr& conj = *e.args[1];
    CHECK(conj.name == "and");
    const ast::Expr& neg = *conj.args[1];
    CHECK(neg.kind == ast::Expr::Kind::Unary);
    const ast::Expr& eq = *neg.args[0];
    CHECK(eq.name == "==");
    CHECK(eq.args[1]->name == "+");
    CHECK(eq.args[1]->args[1]->name == "*");
}

TEST_CASE("implication is right-associative and binds loosest", "[spec][parser]") {
    ast::Spec s = parse_text("machine M invariant i: a => b => c or d");
    const ast::Expr& e = *s.decls[0].value;
    CHECK(e.name == "=>");
    CHECK(e.args[0]->name == "a");
    CHECK(e.args[1]->name == "=>");
    CHECK(e.args[1]->args[1]->name == "or");
}

TEST_CASE("statements need no separators, and if/elif/else chains keep every branch", "[spec][parser]") {
    ast::Spec s = parse_text(R"(machine M
        action a {
            x := 1
            y[0].f := x
            if c { skip } elif d { skip } elif e { skip } else { skip }
            for i in 0..2 { skip }
            let z = 3; assert z == 3, "three"
        })");
    const auto& body = s.decls[0].body;
    REQUIRE(body.size() == 6);
    CHECK(body[2].conds.size() == 3);
    CHECK(body[2].blocks.size() == 4);
    CHECK(body[5].message == "three");
}
