// Deferred arrays (spec/json_stream.cpp): a document written with its long
// arrays made one element at a time must be byte for byte the document that
// holds them, wherever they sit.

#include <catch2/catch.hpp>

#include <sstream>

#include "spec/json_stream.h"

using stateproof::spec::StreamedJson;
using nlohmann::json;

namespace {

json element(size_t i) {
    // Objects, arrays, strings with line breaks and escapes: each reindented.
    return {{"index", i}, {"list", {i, "a\nb", json::object(), json::array()}}, {"nested", {{"x", {{"y", i * 2}}}}}};
}

std::string streamed(const std::function<json(StreamedJson&, const std::function<json(size_t)>&)>& build) {
    StreamedJson s;
    json doc = build(s, element);
    std::ostringstream out;
    s.write(out, doc);
    return out.str();
}

json whole(size_t n) {
    json a = json::array();
    for (size_t i = 0; i < n; ++i) a.push_back(element(i));
    return a;
}

}  // namespace

TEST_CASE("a deferred array is written as the document holding it would be", "[spec][json]") {
    for (size_t n : {0, 1, 3}) {
        INFO(n << " elements");
        // At the top of an object, nested in objects, in an array, alone.
        CHECK(streamed([&](StreamedJson& s, auto f) { return json{{"a", 1}, {"states", s.defer(n, f)}, {"z", "x"}}; }) ==
              json({{"a", 1}, {"states", whole(n)}, {"z", "x"}}).dump(2));
        CHECK(streamed([&](StreamedJson& s, auto f) {
                  return json{{"p", {{"q", {{"cex", {{"#meta", {{"k", "v"}}}, {"states", s.defer(n, f)}}}}}}}};
              }) == json({{"p", {{"q", {{"cex", {{"#meta", {{"k", "v"}}}, {"states", whole(n)}}}}}}}}).dump(2));
        CHECK(streamed([&](StreamedJson& s, auto f) { return json::array({1, s.defer(n, f), s.defer(n + 1, f)}); }) ==
              json::array({1, whole(n), whole(n + 1)}).dump(2));
        CHECK(streamed([&](StreamedJson& s, auto f) { return s.defer(n, f); }) == whole(n).dump(2));
    }
}

TEST_CASE("a string that looks like a placeholder is left as it is", "[spec][json]") {
    json doc = {{"name", "\u0001stateproof-deferred-1-2:0"}, {"other", "\u0001"}};
    StreamedJson s;
    std::ostringstream out;
    s.write(out, doc);
    CHECK(out.str() == doc.dump(2));
}
