#pragma once
// Shared helpers for tests: fixture paths, loading specs from text, and
// running the built stateproof binary.

#include <string>
#include <vector>

#include "spec/check.h"

namespace stateproof::testing {

/// Absolute path of a file under the source tree, e.g. "tests/fixtures/mutex.sm".
std::string source_path(const std::string& relative);

/// Loads a spec from text (named "<test>" in messages).
spec::Machine spec_from_text(const std::string& text, const spec::ConstOverrides& overrides = {});

/// The SpecError message (render()) that loading `text` produces; "" if it loads.
std::string spec_error(const std::string& text);

struct RunResult {
    int exit_code;
    std::string out;
    std::string err;
};

/// Runs the built stateproof binary with these arguments (no shell).
RunResult run_stateproof(const std::vector<std::string>& args);

/// A fresh empty directory for a test's files.
std::string temp_dir();

}  // namespace stateproof::testing
