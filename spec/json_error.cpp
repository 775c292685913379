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

// Parses to the first error and keeps where it is and the token there: the
// one way to learn where json::parse met a number out of range, since its
// out_of_range exception carries no position.
struct FirstError : nlohmann::json_sax<nlohmann::json> {
    uint64_t byte = 0;  // as parse_error::byte: 1-based, just past the token
    std::string token;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t position, const std::string& last_token, const nlohmann::detail::exception&) override {
        byte = position;
        token = last_token;
        return false;
    }
};

}  // namespace

JsonSyntaxError describe_json_error(const nlohmann::json::exception& e, std::istream& text) {
    // e.byte is 1-based: the byte at which the parser gave up (one past the
    // end when the input ran out).
    uint64_t byte = 0;
    std::string number;
    if (const auto* p = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
        byte = p->byte;
    } else {
        text.clear();
        text.seekg(0);
        FirstError first;
        nlohmann::json::sax_parse(text, &first);
        number = first.token;
        // The error is reported at the number's last byte; point at its first.
        byte = first.byte >= number.size() ? first.byte + 1 - number.size() : 1;
    }
    text.clear();
    text.seekg(0);
    JsonSyntaxError out;
    uint64_t at = byte ? byte - 1 : 0;
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
    if (const auto* p = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
        bool at_end = pos < at || text.peek() == std::char_traits<char>::eof();
        out.what = reason(*p, at_end);
    } else {
        out.what = "the number " + (number.empty() ? std::string("here") : number) +
                   " is out of range (beyond a double's)";
    }
    return out;
}

JsonSyntaxError describe_json_error(const nlohmann::json::exception& e, const std::string& text) {
    std::istringstream in(text);
    return describe_json_error(e, in);
}

}  // namespace stateproof::spec
