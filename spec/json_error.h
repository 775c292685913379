#pragma once
// A JSON syntax error said in our words: where (line and column) and what,
// without the library's "[json.exception.parse_error.101] ..." wrapping, for
// every file a user hands over as JSON (traces, ITF counterexamples,
// baselines).

#include <cstdint>
#include <istream>
#include <string>

#include <nlohmann/json.hpp>

namespace stateproof::spec {

struct JsonSyntaxError {
    uint64_t line = 1;    ///< 1-based, in the text that was parsed
    uint64_t column = 1;  ///< 1-based byte column in that line
    std::string what;     ///< e.g. "the JSON ends too soon (a truncated file?)"
};

/// Where `e`, thrown by json::parse, happened in the text read from `text`
/// (read again from its start, up to the error's byte), and what is wrong
/// there. Besides a parse_error, json::parse throws out_of_range (406) for a
/// number beyond a double's range, such as 1e400, which is valid JSON
/// syntax (RFC 8259, section 6, leaves the range to implementations): it is
/// located by parsing the text again up to it.
JsonSyntaxError describe_json_error(const nlohmann::json::exception& e, std::istream& text);

/// The same for a text in memory (one line of a JSON-lines file).
JsonSyntaxError describe_json_error(const nlohmann::json::exception& e, const std::string& text);

}  // namespace stateproof::spec
