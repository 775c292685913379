#pragma once
// Errors that leave stateproof, and the one place their exit codes are fixed.
//
//   SpecError     bad spec text or a spec that fails at run time   exit 2
//   UsageError    bad command line or bad input file (trace, ITF)   exit 2
//   LimitReached  --max-states / --max-seconds / memory hit          exit 3
//   InternalError a broken invariant of stateproof itself             exit 2
//
// Repeated messages come from the named factories in `errors::` so tests can
// match them.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stateproof::spec {

/// One spec file's text, kept so that any later error can quote its line.
struct SourceFile {
    std::string name;  ///< the path as the user gave it
    std::string text;
    std::vector<uint32_t> line_starts;  ///< byte offset of each line

    SourceFile(std::string name, std::string text);
    /// The text of 1-based line `line`, without its newline ("" if out of range).
    std::string_view line_text(uint32_t line) const;
};

/// A position in a spec file; line and col are 1-based, 0 means unknown.
struct SourceLoc {
    uint32_t line = 0;
    uint32_t col = 0;
};

/// An error located in a spec (lexical, syntax, name, type, or run-time).
class SpecError : public std::runtime_error {
  public:
    SpecError(std::shared_ptr<const SourceFile> file, SourceLoc loc, std::string message,
              std::string detail = {});
    const SourceLoc& loc() const { return loc_; }
    const std::string& message() const { return message_; }
    const std::string& file_name() const;
    /// `file:line:col: error: message`, the source line, a caret under the
    /// column, then `detail` (e.g. the action and state of a run-time error).
    std::string render() const;

  private:
    std::shared_ptr<const SourceFile> file_;
    SourceLoc loc_;
    std::string message_;
    std::string detail_;
};

/// Bad command-line arguments or a malformed input file other than a spec.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A resource limit stopped the work before a verdict.
class LimitReached : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// stateproof broke one of its own invariants (e.g. engines disagree, a
/// solver counterexample does not replay). Always a bug in stateproof.
class InternalError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace exit_code {
inline constexpr int holds = 0;
inline constexpr int violated = 1;
inline constexpr int bad_input = 2;
inline constexpr int limit = 3;
}  // namespace exit_code

}  // namespace stateproof::spec
