// The driver-process client (drivers/process.*) through the built binary: the
// Python driver on the CPython that runs the tests, and drivers that fail.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/spec_fixtures.h"

using namespace stateproof;

TEST_CASE("conform against the Python driver finds no divergence with CPython (SLOTS=1)", "[conform][python]") {
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.8 or later) is not installed: the driver test is skipped");
        return;
    }
    std::string dir = testing::temp_dir();
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "profile=cpython311",
                                      "--const", "SLOTS=1", "--driver",
                                      "python3 " + testing::source_path("drivers/python/driver.py"), "--json",
                                      "--junit", dir + "/junit.xml"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["divergences"].empty());
    CHECK(j["scenarios"].get<uint64_t>() > 1000);
    CHECK(j["transitions_covered"] == j["spec_transitions"]);
    CHECK(j["implementation"].get<std::string>().rfind("CPython 3.", 0) == 0);
    std::ifstream junit(dir + "/junit.xml");
    std::string xml((std::istreambuf_iterator<char>(junit)), {});
    CHECK(xml.find("failures=\"0\"") != std::string::npos);
}

TEST_CASE("the attribute and subscription specs conform with the CPython that runs the tests", "[conform][python]") {
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.11 or later) is not installed: the driver test is skipped");
        return;
    }
    auto spec = GENERATE("spec/attribute.sm", "spec/subscript.sm");
    auto r = testing::run_stateproof({"conform", testing::source_path(spec), "--driver",
                                      "python3 " + testing::source_path("drivers/python/driver.py"), "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["divergences"].empty());
    CHECK(j["transitions_covered"] == j["spec_transitions"]);
}

TEST_CASE("a driver that fails is a usage error that quotes its stderr", "[conform]") {
    auto spec = testing::source_path("spec/asyncgen.sm");
    auto dead = testing::run_stateproof({"conform", spec, "--driver", "echo oops >&2; exit 3"});
    CHECK(dead.exit_code == 2);
    CHECK(dead.err.find("it exited") != std::string::npos);
    CHECK(dead.err.find("oops") != std::string::npos);
    auto wrong = testing::run_stateproof(
        {"conform", spec, "--driver", "read line; echo '{\"op\": \"hello\", \"protocol\": 7}'"});
    CHECK(wrong.exit_code == 2);
    CHECK(wrong.err.find("it speaks protocol 7; stateproof speaks 1") != std::string::npos);
    auto none = testing::run_stateproof({"conform", spec});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("conform needs --impl cpp or --driver 'CMD'") != std::string::npos);
}
