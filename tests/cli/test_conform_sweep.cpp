// conform --sweep (cli/conform_sweep.*) through the built binary: every
// configuration of spec/asyncgen.sm's hook constants, on the C++ model and
// on the Python driver behind tests/drivers/fault_driver.py.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "support/spec_fixtures.h"

using namespace stateproof;
using nlohmann::json;

namespace {

std::vector<std::string> sweep_args(std::vector<std::string> extra) {
    std::vector<std::string> args = {"conform", testing::source_path("spec/asyncgen.sm"), "--sweep", "--const", "SLOTS=1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool python311() {
    return std::system("python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1") == 0;
}

// The Python driver (CPython 3.11 under its own profile: no divergence of its
// own) behind the fault injector, which renames exceptions in the runs of the
// configurations `when` names. FINALIZER is fixed and every input sequence of
// 3 steps runs, to keep it short: 6 configurations.
testing::RunResult sweep_through_proxy(const std::string& when, std::vector<std::string> extra) {
    std::string cmd = "python3 " + testing::source_path("tests/drivers/fault_driver.py") + " --rename 0 " + when;
    std::vector<std::string> args = {"--const", "profile=cpython311", "--const", "FINALIZER=true", "--depth", "3", "--driver", cmd};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::run_stateproof(sweep_args(args));
}

}  // namespace

TEST_CASE("conform --sweep runs every configuration of the bool and enum constants but profile", "[cli][conform][model]") {
    // Issue 12, part 4: the hook and re-entrancy paths without knowing which --const to set.
    auto r = testing::run_stateproof(sweep_args({"--const", "profile=cpython311", "--impl", "cpp", "--json"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["swept"] == json({"FIRSTITER", "FINALIZER", "REENTRANT"}));
    CHECK(j["consts"] == json({{"profile", "cpython311"}, {"SLOTS", "1"}}));
    CHECK(j["divergences"].empty());
    CHECK(j["exit_code"] == 0);
    REQUIRE(j["configurations"].size() == 12);
    CHECK(j["configurations_total"] == 12);
    // Declaration order, the first constant slowest, values as declared.
    CHECK(j["configurations"][0]["consts"] == json({{"FIRSTITER", "none"}, {"FINALIZER", "false"}, {"REENTRANT", "false"}}));
    CHECK(j["configurations"][1]["consts"] == json({{"FIRSTITER", "none"}, {"FINALIZER", "false"}, {"REENTRANT", "true"}}));
    CHECK(j["configurations"][11]["consts"] == json({{"FIRSTITER", "raises"}, {"FINALIZER", "true"}, {"REENTRANT", "true"}}));
    std::set<std::string> seen;
    uint64_t scenarios = 0;
    for (const auto& c : j["configurations"]) {
        seen.insert(c["consts"].dump());
        CHECK(c["scenarios"].get<uint64_t>() > 100);
        CHECK(c["transitions_covered"] == c["spec_transitions"]);
        CHECK(c["divergences"] == 0);
        scenarios += c["scenarios"].get<uint64_t>();
    }
    CHECK(seen.size() == 12);
    CHECK(j["scenarios"] == scenarios);
    // Re-entrant runs have steps the others have not: the constants reach the runs.
    CHECK(j["configurations"][1]["scenarios"] != j["configurations"][0]["scenarios"]);

    auto text = testing::run_stateproof(sweep_args({"--const", "profile=cpython311", "--impl", "cpp"}));
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("sweep of " + testing::source_path("spec/asyncgen.sm") + " (profile=cpython311 SLOTS=1)") == 0);
    CHECK(text.out.find("  FIRSTITER  FINALIZER  REENTRANT   scenarios  divergence classes\n") != std::string::npos);
    CHECK(text.out.find("  raises     true       true") != std::string::npos);
    CHECK(text.out.find("12 configurations, " + std::to_string(scenarios) + " scenarios") != std::string::npos);
    CHECK(text.out.find("divergences: 0 classes") != std::string::npos);
}

TEST_CASE("conform --sweep leaves the constants set with --const out of the sweep", "[cli][conform][model]") {
    auto r = testing::run_stateproof(
        sweep_args({"--const", "profile=cpython311", "--const", "FIRSTITER=raises", "--impl", "cpp", "--json"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json j = json::parse(r.out);
    CHECK(j["swept"] == json({"FINALIZER", "REENTRANT"}));
    CHECK(j["consts"]["FIRSTITER"] == "raises");
    REQUIRE(j["configurations"].size() == 4);
    for (const auto& c : j["configurations"]) CHECK_FALSE(c["consts"].contains("FIRSTITER"));

    // Nothing left to sweep: one run, said so, not an error.
    auto one = testing::run_stateproof(sweep_args({"--const", "profile=cpython311", "--const", "FIRSTITER=raises", "--const",
                                                   "FINALIZER=true", "--const", "REENTRANT=true", "--impl", "cpp"}));
    INFO(one.err);
    CHECK(one.exit_code == 0);
    CHECK(one.out.find("nothing to sweep: ") != std::string::npos);
    CHECK(one.out.find("\n1 configuration, ") != std::string::npos);
}

TEST_CASE("conform --sweep does not combine with --profile auto", "[cli][conform]") {
    auto r = testing::run_stateproof(sweep_args({"--profile", "auto", "--impl", "cpp"}));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--sweep and --profile auto do not combine") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("a divergence found in one configuration of a sweep names that configuration", "[cli][conform][python]") {
    if (!python311()) {
        WARN("python3 3.11 is not installed: the sweep test with the Python driver is skipped");
        return;
    }
    std::string dir = testing::temp_dir();
    auto r = sweep_through_proxy("--when FIRSTITER=raises --when REENTRANT=true",
                                 {"--json", "--save-traces", dir + "/traces", "--junit", dir + "/j.xml",
                                  "--write-baseline", dir + "/baseline.json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json j = json::parse(r.out);
    REQUIRE(j["configurations"].size() == 6);
    json guilty = {{"FIRSTITER", "raises"}, {"REENTRANT", "true"}};
    for (const auto& c : j["configurations"]) CHECK((c["divergences"] > 0) == (c["consts"] == guilty));
    REQUIRE_FALSE(j["divergences"].empty());
    for (const auto& d : j["divergences"]) {
        CHECK(d["configurations"].size() == 1);
        CHECK(d["configurations"][0]["consts"] == guilty);
        CHECK(d["configurations"][0]["occurrences"] == d["occurrences"]);
        CHECK(d["scenario_consts"] == guilty);
        CHECK(d["in_baseline"] == false);
    }
    CHECK(j["new_divergences"] == j["divergences"].size());

    // Each saved trace carries the configuration its scenario ran under, so
    // replay (which takes the constants from the header) reproduces it.
    std::string trace = dir + "/traces/divergence-1.jsonl";
    json header = json::parse(slurp(trace).substr(0, slurp(trace).find('\n')));
    CHECK(header["consts"]["FIRSTITER"] == "raises");
    CHECK(header["consts"]["REENTRANT"] == "true");
    CHECK(header["consts"]["FINALIZER"] == "true");
    auto replay = testing::run_stateproof({"replay", testing::source_path("spec/asyncgen.sm"), trace});
    CHECK(replay.exit_code == 1);
    CHECK(replay.out.find("step " + std::to_string(j["divergences"][0]["scenario"].size()) + " is not a behaviour") !=
          std::string::npos);

    std::string xml = slurp(dir + "/j.xml");
    CHECK(xml.find("failures=\"" + std::to_string(j["divergences"].size()) + "\"") != std::string::npos);
    CHECK(xml.find("FIRSTITER=raises REENTRANT=true") != std::string::npos);

    // The baseline matches by signature: with it, the same sweep finds nothing new.
    auto again = sweep_through_proxy("--when FIRSTITER=raises --when REENTRANT=true",
                                     {"--baseline", dir + "/baseline.json"});
    CHECK(again.exit_code == 0);
    CHECK(again.out.find("(0 new, " + std::to_string(j["divergences"].size()) + " in the baseline)") != std::string::npos);
    CHECK(again.out.find("    FIRSTITER=raises REENTRANT=true  ") != std::string::npos);
    // The text report reads by cause too: each cause names its classes and
    // the configurations of the one it shows.
    CHECK(again.out.find(" in the baseline) from " + std::to_string(j["groups"].size()) + " cause") != std::string::npos);
    CHECK(again.out.find("\ncause 1 (in the baseline), seen in ") != std::string::npos);
    CHECK(again.out.find("  in 1 of 6 configurations:\n") != std::string::npos);
}

TEST_CASE("a divergence found in several configurations of a sweep is one class that names them all", "[cli][conform][python]") {
    if (!python311()) {
        WARN("python3 3.11 is not installed: the sweep test with the Python driver is skipped");
        return;
    }
    auto r = sweep_through_proxy("--when FIRSTITER=raises", {"--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    json j = json::parse(r.out);
    std::set<std::string> signatures;
    size_t in_both = 0;
    for (const auto& d : j["divergences"]) {
        CHECK(signatures.insert(d["signature"].get<std::string>()).second);  // one entry per class
        uint64_t sum = 0;
        for (const auto& c : d["configurations"]) {
            CHECK(c["consts"]["FIRSTITER"] == "raises");
            sum += c["occurrences"].get<uint64_t>();
        }
        CHECK(d["occurrences"] == sum);
        in_both += d["configurations"].size() == 2;
    }
    CHECK(in_both > 0);

    // By cause, as one run's report is: every class in exactly one cause,
    // whose key is the class's group and whose scenarios are its classes'.
    REQUIRE_FALSE(j["groups"].empty());
    CHECK(j["groups"].size() <= j["divergences"].size());
    std::set<size_t> grouped;
    for (const auto& g : j["groups"]) {
        uint64_t sum = 0;
        for (size_t k : g["divergences"]) {
            CHECK(grouped.insert(k).second);
            REQUIRE(k < j["divergences"].size());
            CHECK(j["divergences"][k]["group"] == g["key"]);
            sum += j["divergences"][k]["occurrences"].get<uint64_t>();
        }
        CHECK(g["occurrences"] == sum);
    }
    CHECK(grouped.size() == j["divergences"].size());
}
