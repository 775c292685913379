#pragma once
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace stateproof::cli {

/// Writes `text` to `path` through a temporary file in the same directory and
/// a rename, so a failure never leaves a half-written file. Throws UsageError
/// if the file cannot be written.
void write_file_atomically(const std::string& path, const std::string& text);
/// The same, for a file written piece by piece by `write` (a long
/// counterexample, not held in memory as one string).
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// Before any work: throws UsageError, naming `option`, unless `path` can be
/// written by write_file_atomically (its folder exists and is writable, and
/// it is not itself a folder). A run of minutes must not end by losing its
/// result to a typo in an output path.
void check_output_file(const std::string& option, const std::string& path);
/// The same for a folder that is created when missing (--save-traces): it is
/// a writable folder, or the nearest folder above it that exists is.
void check_output_dir(const std::string& option, const std::string& path);

/// The output files written after the work. A failure then (the disk filled
/// up, the folder went away) is kept, not thrown, so the other files and the
/// report on stdout still appear; finish() names each failure on stderr.
class LateOutputs {
  public:
    /// Runs `write` (which throws UsageError on failure) and keeps its error.
    void attempt(const std::function<void()>& write);
    /// Prints the failures to stderr; returns 2 (bad input: an output the
    /// user asked for is missing) if there was one, else `code`.
    int finish(int code) const;

  private:
    std::vector<std::string> errors_;
};

}  // namespace stateproof::cli
