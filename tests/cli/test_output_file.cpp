// Output files (cli/output_file.*): paths checked before the work, and
// outputs that fail late without taking the others with them.

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <fstream>

#include "cli/output_file.h"
#include "spec/diagnostics.h"
#include "support/spec_fixtures.h"

using namespace stateproof;

namespace {

std::string usage_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const spec::UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("an output path is checked before any work: a missing folder, a folder, a file in the way", "[cli][output]") {
    std::string dir = testing::temp_dir();
    std::ofstream(dir + "/file") << "x";
    CHECK(usage_error([&] { cli::check_output_file("--junit", dir + "/missing/r.xml"); }) ==
          "--junit " + dir + "/missing/r.xml: cannot write: directory " + dir + "/missing does not exist");
    CHECK(usage_error([&] { cli::check_output_file("--cex", dir); }) == "--cex " + dir + ": cannot write: it is a directory");
    CHECK(usage_error([&] { cli::check_output_file("--dot", dir + "/file/g.dot"); }) ==
          "--dot " + dir + "/file/g.dot: cannot write: " + dir + "/file is not a directory");
    CHECK(usage_error([&] { cli::check_output_file("--junit", dir + "/new.xml"); }).empty());
    CHECK(usage_error([&] { cli::check_output_file("--junit", dir + "/file"); }).empty());  // replaced whole
    // A folder to be made: the nearest part that exists must be a folder.
    CHECK(usage_error([&] { cli::check_output_dir("--save-traces", dir + "/a/b/c"); }).empty());
    CHECK(usage_error([&] { cli::check_output_dir("--save-traces", dir + "/file/t"); }) ==
          "--save-traces " + dir + "/file/t: cannot create files there: " + dir + "/file is not a directory");
    CHECK(!std::filesystem::exists(dir + "/a"));  // checking makes nothing
}

TEST_CASE("an output that fails late leaves the others written, and the code says so", "[cli][output]") {
    std::string dir = testing::temp_dir();
    cli::LateOutputs outputs;
    outputs.attempt([&] { cli::write_file_atomically(dir + "/gone/a.txt", "a"); });
    outputs.attempt([&] { cli::write_file_atomically(dir + "/b.txt", "b"); });
    CHECK(std::filesystem::exists(dir + "/b.txt"));
    CHECK(outputs.finish(1) == spec::exit_code::bad_input);
    CHECK(cli::LateOutputs().finish(1) == 1);
    // Nothing temporary is left behind in the folder that was written.
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
    CHECK(files == 1);
}

TEST_CASE("conform, check and explore refuse an unwritable output before they start", "[cli][output]") {
    std::string dir = testing::temp_dir();
    std::string spec = testing::source_path("spec/asyncgen.sm");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"conform", spec, "--impl", "cpp", "--junit", dir + "/missing/j.xml"},
             {"conform", spec, "--impl", "cpp", "--write-baseline", dir},
             {"conform", spec, "--impl", "cpp", "--sweep", "--junit", dir + "/missing/j.xml"},
             {"check", spec, "--cex", dir + "/missing/c.json"},
             {"explore", spec, "--dot", dir}}) {
        auto r = testing::run_stateproof(args);
        INFO(args[0] << " " << args.back() << "\n" << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());  // no report: nothing ran
        CHECK(r.err.find("progress") == std::string::npos);
        CHECK(r.err.find("cannot write") != std::string::npos);
    }
}
