#include <catch2/catch.hpp>

#include "spec/lexer.h"

using namespace stateproof::spec;

static std::vector<Token> lex_text(const std::string& text) {
    return lex(std::make_shared<const SourceFile>("<test>", text));
}

TEST_CASE("the lexer splits operators longest first and keeps positions", "[spec][lexer]") {
    auto t = lex_text("x := a..b => c == d -- comment\n  y' != 0");
    std::vector<Tok> kinds;
    for (const auto& k : t) kinds.push_back(k.kind);
    REQUIRE(kinds == std::vector<Tok>{Tok::Ident, Tok::Assign, Tok::Ident, Tok::DotDot, Tok::Ident, Tok::Arrow,
                                      Tok::Ident, Tok::Eq, Tok::Ident, Tok::Ident, Tok::Prime, Tok::Ne, Tok::Int,
                                      Tok::End});
    CHECK(t[9].loc.line == 2);
    CHECK(t[9].loc.col == 3);
    CHECK(t[12].number == 0);
}

TEST_CASE("keywords are not identifiers, and a lone underscore is the wildcard", "[spec][lexer]") {
    auto t = lex_text("action when _ _x");
    CHECK(t[0].kind == Tok::KwAction);
    CHECK(t[1].kind == Tok::KwWhen);
    CHECK(t[2].kind == Tok::Underscore);
    CHECK(t[3].kind == Tok::Ident);
    CHECK(t[3].text == "_x");
}

TEST_CASE("lexical errors name the position", "[spec][lexer]") {
    auto message = [](const std::string& text) -> std::string {
        try {
            lex_text(text);
        } catch (const SpecError& e) {
            return e.what();
        }
        return "";
    };
    CHECK(message("x := 1 @") == "<test>:1:8: error: unexpected character '@'");
    CHECK(message("\n \"abc") == "<test>:2:2: error: unterminated string literal");
    CHECK(message("x := 99999999999") == "<test>:1:6: error: integer literal too large (the limit is 2147483647)");
    CHECK(message("x := 12ab") == "<test>:1:8: error: unexpected character 'a' after a number");
}
