// `stateproof diff` as users run it: exit codes, the report, JSON, JUnit,
// bad input and limits.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/spec_fixtures.h"

using namespace stateproof;
using nlohmann::json;
using testing::run_stateproof;
using testing::source_path;

namespace {
std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

TEST_CASE("diff: cpython311 and cpython312 differ; a profile against itself does not", "[cli][diff]") {
    std::string spec = source_path("spec/asyncgen.sm");
    auto d = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--const", "profile=cpython311", "--against",
                             "profile=cpython312"});
    INFO(d.out << d.err);
    CHECK(d.exit_code == 1);
    CHECK(d.out.find("  left:  profile=cpython311") != std::string::npos);
    CHECK(d.out.find("  right: profile=cpython312") != std::string::npos);
    CHECK(d.out.find("<-- first difference") != std::string::npos);
    CHECK(d.out.find("cause 1, seen in ") != std::string::npos);

    auto same = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--const", "profile=cpython312", "--against",
                                "profile=cpython312"});
    INFO(same.out << same.err);
    CHECK(same.exit_code == 0);
    CHECK(same.out.find("observably the same") != std::string::npos);
    CHECK(same.out.find("product: ") != std::string::npos);
}

TEST_CASE("diff --json and --junit report the same classes", "[cli][diff]") {
    std::string dir = testing::temp_dir();
    std::string spec = source_path("spec/asyncgen.sm");
    auto d = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--const", "profile=cpython311", "--against",
                             "profile=cpython312", "--json", "--junit", dir + "/diff.xml"});
    INFO(d.out << d.err);
    REQUIRE(d.exit_code == 1);
    json j = json::parse(d.out);
    CHECK(j["exit_code"] == 1);
    CHECK(j["complete"] == true);
    CHECK(j["left"]["profile"] == "cpython311");
    CHECK(j["right"]["profile"] == "cpython312");
    REQUIRE(j["differences"].size() > 0);
    size_t in_groups = 0;
    for (const auto& g : j["groups"]) in_groups += g["differences"].size();
    CHECK(in_groups == j["differences"].size());
    for (const auto& c : j["differences"]) {
        CHECK(c["left_events"] != c["right_events"]);
        CHECK(c["scenario"].size() >= 1);
        // The steps before the last carry their events; the last does not.
        CHECK_FALSE(c["scenario"].back().contains("events"));
    }
    std::string xml = slurp(dir + "/diff.xml");
    CHECK(xml.find("failures=\"" + std::to_string(j["differences"].size()) + "\"") != std::string::npos);
    CHECK(xml.find("classname=\"diff.AsyncGen\"") != std::string::npos);
}

TEST_CASE("diff: bad input exits 2 naming the argument", "[cli][diff]") {
    std::string spec = source_path("spec/asyncgen.sm");
    auto unknown = run_stateproof({"diff", spec, "--against", "NOPE=1"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("--against NOPE=1") != std::string::npos);
    auto value = run_stateproof({"diff", spec, "--against", "profile=cpython399"});
    CHECK(value.exit_code == 2);
    CHECK(value.err.find("--against profile=cpython399") != std::string::npos);
    auto no_value = run_stateproof({"diff", spec, "--against", "profile"});
    CHECK(no_value.exit_code == 2);
    CHECK(no_value.err.find("--against profile: expected NAME=VALUE") != std::string::npos);
    auto missing = run_stateproof({"diff", spec});
    CHECK(missing.exit_code == 2);
    auto twice = run_stateproof({"diff", spec, "--against", "SLOTS=1", "--against", "SLOTS=2"});
    CHECK(twice.exit_code == 2);
    CHECK(twice.err.find("--against SLOTS is given twice") != std::string::npos);
    // Different inputs: the slot parameters' values differ.
    auto slots = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--against", "SLOTS=2"});
    CHECK(slots.exit_code == 2);
    CHECK(slots.err.find("the same inputs") != std::string::npos);
    // An output that cannot be written is refused before the work.
    auto junit = run_stateproof({"diff", spec, "--against", "profile=cpython312", "--junit", "/nonexistent/dir/x.xml"});
    CHECK(junit.exit_code == 2);
    CHECK(junit.err.find("--junit") != std::string::npos);
}

TEST_CASE("diff at --max-states exits 3 with the report so far", "[cli][diff][limits]") {
    std::string spec = source_path("spec/asyncgen.sm");
    auto r = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--const", "profile=cpython311", "--against",
                             "profile=cpython312", "--max-states", "50"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("stopped early: --max-states 50 reached") != std::string::npos);
    CHECK(r.out.find("product: ") != std::string::npos);
    auto j = run_stateproof({"diff", spec, "--const", "SLOTS=1", "--const", "profile=cpython311", "--against",
                             "profile=cpython312", "--max-states", "50", "--json"});
    CHECK(j.exit_code == 3);
    json doc = json::parse(j.out);
    CHECK(doc["complete"] == false);
    CHECK(doc["exit_code"] == 3);
}

TEST_CASE("an interrupted diff prints the classes found so far and exits 128 + the signal", "[cli][diff][interrupt]") {
    // asyncgen at SLOTS=3: the product takes many seconds; the signal comes after 2.
    std::string dir = testing::temp_dir();
    std::ofstream(dir + "/run.sh") << STATEPROOF_BINARY << " diff " << source_path("spec/asyncgen.sm")
                                   << " --const SLOTS=3 --const profile=cpython311 --against profile=cpython312 --junit "
                                   << dir << "/d.xml >" << dir << "/out 2>" << dir
                                   << "/err &\np=$!; sleep 2; kill -INT $p; wait $p; echo $? >" << dir << "/rc\n";
    REQUIRE(std::system(("bash " + dir + "/run.sh").c_str()) == 0);
    std::string out = slurp(dir + "/out");
    INFO(out << slurp(dir + "/err"));
    CHECK(slurp(dir + "/rc") == "130\n");
    CHECK(out.find("interrupted (signal 2)") != std::string::npos);
    CHECK(out.find("product: ") != std::string::npos);
    // The JUnit report is written whole, its last test case failing: the search did not finish.
    CHECK(slurp(dir + "/d.xml").find("the search stopped early") != std::string::npos);
}
