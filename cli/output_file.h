#pragma once
#include <string>

namespace stateproof::cli {

/// Writes `text` to `path` through a temporary file in the same directory and
/// a rename, so a failure never leaves a half-written file. Throws UsageError
/// if the file cannot be written.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace stateproof::cli
