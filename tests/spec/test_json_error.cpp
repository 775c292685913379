// JSON syntax errors in our words (spec/json_error.*).

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "spec/json_error.h"

using namespace stateproof::spec;
using nlohmann::json;

// What json::parse throws for `text`, described.
static JsonSyntaxError error_of(const std::string& text) {
    try {
        json parsed = json::parse(text);
    } catch (const json::exception& e) {
        return describe_json_error(e, text);
    }
    FAIL("json::parse accepted " << text);
    return {};
}

TEST_CASE("a syntax error is placed at its line and column", "[spec][json]") {
    JsonSyntaxError e = error_of("{\"a\": 1,\n \"b\": ]}");
    CHECK(e.line == 2);
    CHECK(e.column == 7);
    CHECK(e.what.find("unexpected ']'") != std::string::npos);
    CHECK(error_of("{\"a\": [1, 2").what == "the JSON ends too soon (a truncated file?)");
}

TEST_CASE("a number beyond a double's range is placed and named, not the library's out_of_range", "[spec][json]") {
    // Found by fuzz/fuzz_trace: 1e400 is valid JSON syntax, and nlohmann
    // throws out_of_range (406), not parse_error, which the readers let
    // through with the library's message and no place.
    for (std::string number : {"1e400", "-1e400", "123456789e999"}) {
        std::string text = "{\"s\": \"1e400\",\n  \"args\": {\"s\": " + number + "}}";
        JsonSyntaxError e = error_of(text);
        CHECK(e.line == 2);
        CHECK(e.column == text.substr(text.rfind('\n') + 1).find(number) + 1);
        CHECK(e.what == "the number " + number + " is out of range (beyond a double's)");
        std::istringstream in(text);
        std::string ignored;
        std::getline(in, ignored);  // the stream is read again from its start
        try {
            json parsed = json::parse(text);
        } catch (const json::exception& x) {
            JsonSyntaxError s = describe_json_error(x, in);
            CHECK(s.line == e.line);
            CHECK(s.column == e.column);
        }
    }
}
