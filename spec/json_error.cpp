#include "spec/json_error.h"

#include <sstream>

#include <nlohmann/json.hpp>

namespace stateproof::spec {

namespace {

// nlohmann says "[json.exception.parse_error.101] parse error at line 1,
// column 2: syntax error while parsing object key - unexpected end of input;
// expected string literal"; what follows the last " - " is the part a user
// can act on. The end of input gets plainer words: it is how a truncated
// file shows.
std::string reason(const nlohmann::json::parse_error& e, bool at_end) {
    if (at_end) return "the JSON ends too soon (a truncated file?)";
    std::string w = e.what();
    size_t dash = w.rfind(" - ");
    if (dash != std::string::npos) return w.substr(dash + 3);
    size_t colon = w.find(": ");
    return colon == std::string::npos ? "not valid JSON" : w.substr(colon + 2);
}

}  // namespace

JsonSyntaxError describe_json_error(const nlohmann::json::parse_error& e, std::istream& text) {
    // e.byte is 1-based: the byte at which the parser gave up (one past the
    // end when the input ran out).
    text.clear();
    text.seekg(0);
    JsonSyntaxError out;
    uint64_t at = e.byte ? e.byte - 1 : 0;
    uint64_t pos = 0;
    char c;
    for (; pos < at && text.get(c); ++pos) {
        if (c == '\n') {
            ++out.line;
            out.column = 1;
        } else {
            ++out.column;
        }
    }
    bool at_end = pos < at || text.peek() == std::char_traits<char>::eof();
    out.what = reason(e, at_end);
    return out;
}

JsonSyntaxError describe_json_error(const nlohmann::json::parse_error& e, const std::string& text) {
    std::istringstream in(text);
    return describe_json_error(e, in);
}

}  // namespace stateproof::spec
