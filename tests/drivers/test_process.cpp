// The driver-process client (drivers/process.*) through the built binary: the
// Python driver on the CPython that runs the tests, and drivers that fail.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

TEST_CASE("a driver slower to say hello than --timeout is not a hang: --timeout bounds the scenarios", "[conform][python]") {
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 8))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.8 or later) is not installed: the driver test is skipped");
        return;
    }
    // An interpreter starting on a loaded machine: 2 s before the hello.
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/subscript.sm"), "--timeout", "1", "--driver",
                                      "sleep 2; exec python3 " + testing::source_path("drivers/python/driver.py")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
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

namespace {

// conform against the Python driver behind tests/drivers/fault_driver.py:
// CPython 3.11 against the 3.13 profile (SLOTS=1, every input sequence of 3
// steps), so a clean run has divergences of its own to keep.
nlohmann::json conform_through_proxy(const std::string& fault, int expected_exit, std::string* err = nullptr) {
    std::string cmd = "python3 " + testing::source_path("tests/drivers/fault_driver.py") + " " + fault;
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "profile=cpython313",
                                      "--const", "SLOTS=1", "--depth", "3", "--timeout", "2", "--driver", cmd, "--json"});
    INFO(fault << "\n" << r.err);
    REQUIRE(r.exit_code == expected_exit);
    if (err) *err = r.err;
    return nlohmann::json::parse(r.out);
}

std::set<std::string> signatures(const nlohmann::json& j) {
    std::set<std::string> s;
    for (const auto& d : j["divergences"]) s.insert(d["signature"].get<std::string>());
    return s;
}

bool python311() {
    return std::system("python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("a driver that crashes, exits, hangs or breaks the protocol is a finding, and the run goes on", "[conform][python]") {
    // Issue 12: the fault is a class of its own with its scenario; the driver
    // is started again, and every divergence before and after it is kept.
    if (!python311()) {
        WARN("python3 3.11 is not installed: the fault-injection test is skipped");
        return;
    }
    nlohmann::json clean = conform_through_proxy("", 1);
    std::set<std::string> clean_classes = signatures(clean);
    REQUIRE(clean_classes.size() >= 5);

    std::string state = testing::temp_dir() + "/fault-fired";
    struct Case {
        std::string fault;
        std::string kind;
    };
    for (const Case& c : {Case{"--signal 5", "crash (signal 11)"}, Case{"--exit 5 3", "exit 3"},
                          Case{"--hang 5", "hang (> 2 s)"}, Case{"--garbage 5", "protocol: an answer is not JSON"},
                          Case{"--wrong-id 5", "protocol: an answer out of order"},
                          Case{"--extra-steps 5", "protocol: more steps than the scenario has"}}) {
        CAPTURE(c.fault);
        std::remove(state.c_str());
        nlohmann::json j = conform_through_proxy(c.fault + " --state " + state, 1);
        CHECK(j["scenarios"] == clean["scenarios"]);
        CHECK(j["restarts"] == 1);
        std::set<std::string> got = signatures(j);
        CHECK(got.count(c.kind) == 1);
        for (const auto& s : clean_classes) CHECK(got.count(s) == 1);
        CHECK(got.size() == clean_classes.size() + 1);
        for (const auto& d : j["divergences"]) {
            if (d["signature"] != c.kind) continue;
            CHECK(d["fault"] == c.kind);
            CHECK(d["occurrences"] == 1);
            CHECK_FALSE(d["fault_reproduced"].get<bool>());  // it fires once (--state): a fresh driver is clean
            CHECK(d["scenario"].size() >= 1);
        }
    }
}

TEST_CASE("a crash that a scenario causes is shrunk to the shortest prefix that causes it again", "[conform][python]") {
    if (!python311()) {
        WARN("python3 3.11 is not installed: the fault-injection test is skipped");
        return;
    }
    // Every scenario with a step `collect` kills the driver: the report holds
    // one class, the one-step scenario, reproduced on a fresh driver.
    nlohmann::json clean = conform_through_proxy("", 1);
    nlohmann::json j = conform_through_proxy("--signal 0 --on collect", 1);
    CHECK(j["scenarios"] == clean["scenarios"]);
    CHECK(j["restarts"].get<uint64_t>() >= 1);
    bool seen = false;
    for (const auto& d : j["divergences"]) {
        if (d["signature"] != "crash (signal 11)") continue;
        seen = true;
        CHECK(d["fault_reproduced"].get<bool>());
        REQUIRE(d["scenario"].size() == 1);
        CHECK(d["scenario"][0]["action"] == "collect");
        CHECK(d["occurrences"] == j["restarts"]);
    }
    CHECK(seen);

    // A driver that fails on everything ends the run: exit 3, the report so far.
    nlohmann::json all = conform_through_proxy("--exit 0 3", 3);
    CHECK(all["exit_code"] == 3);
    CHECK(all["stopped_early"].get<std::string>().find("in a row") != std::string::npos);
    CHECK(signatures(all).count("exit 3") == 1);
}

TEST_CASE("events and values no spec names are divergences with what the driver said", "[conform][python]") {
    if (!python311()) {
        WARN("python3 3.11 is not installed: the fault-injection test is skipped");
        return;
    }
    nlohmann::json clean = conform_through_proxy("", 1);
    for (const char* fault : {"--rename 5", "--unknown-event 5"}) {
        CAPTURE(fault);
        nlohmann::json j = conform_through_proxy(fault, 1);
        CHECK(j["scenarios"] == clean["scenarios"]);
        CHECK_FALSE(j.contains("restarts"));
        std::string all = j["divergences"].dump();
        CHECK(all.find(std::string(fault) == "--rename 5" ? "Other:RuntimeError:injected" : "Mystery") != std::string::npos);
    }
}

TEST_CASE("an interrupted conform prints the report so far, writes its outputs and exits 128 + the signal", "[conform][python]") {
    // Issue 12, part 2: SIGINT or SIGTERM during a long run keeps what was found.
    if (!python311()) {
        WARN("python3 3.11 is not installed: the interrupt test is skipped");
        return;
    }
    std::string dir = testing::temp_dir();
    for (const char* sig : {"INT", "TERM"}) {
        CAPTURE(sig);
        std::ofstream(dir + "/run.sh") << STATEPROOF_BINARY << " conform " << testing::source_path("spec/asyncgen.sm")
                                       << " --const profile=cpython311 --driver 'python3 "
                                       << testing::source_path("drivers/python/driver.py") << "' --junit " << dir
                                       << "/j.xml >" << dir << "/out 2>" << dir << "/err &\n"
                                       << "p=$!; sleep 3; kill -" << sig << " $p; wait $p; echo $? >" << dir << "/rc\n";
        std::remove((dir + "/j.xml").c_str());
        REQUIRE(std::system(("bash " + dir + "/run.sh").c_str()) == 0);
        auto slurp = [&](const std::string& name) {
            std::ifstream in(dir + "/" + name);
            return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        };
        CHECK(slurp("rc") == (std::string(sig) == "INT" ? "130\n" : "143\n"));
        std::string out = slurp("out");
        INFO(out << slurp("err"));
        CHECK(out.find("interrupted (signal ") != std::string::npos);
        CHECK(out.find("divergences: 0 classes") != std::string::npos);
        std::string xml = slurp("j.xml");
        CHECK(xml.size() > 100);
        CHECK(xml.find("</testsuites>") != std::string::npos);
    }
}

TEST_CASE("conform --profile auto runs every profile and reports the closest", "[conform][python]") {
    // Issue 12, part 3: CPython 3.11 is the cpython311 profile, with no divergence.
    if (!python311()) {
        WARN("python3 3.11 is not installed: the --profile auto test is skipped");
        return;
    }
    std::string driver = "python3 " + testing::source_path("drivers/python/driver.py");
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "SLOTS=1",
                                      "--profile", "auto", "--driver", driver, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["closest_profile"] == "cpython311");
    CHECK(j["consts"]["profile"] == "cpython311");
    CHECK(j["divergences"].empty());
    REQUIRE(j["profiles"].size() == 5);  // every member of spec/asyncgen.sm's enum Profile
    for (const auto& p : j["profiles"]) {
        CHECK((p["profile"] == "cpython311") == (p["divergences"] == 0));
        // Causes group classes: none without a class, never more than classes.
        CHECK((p["causes"] == 0) == (p["divergences"] == 0));
        CHECK(p["causes"] <= p["divergences"]);
    }

    auto both = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const",
                                         "profile=cpython311", "--profile", "auto", "--driver", driver});
    CHECK(both.exit_code == 2);
    CHECK(both.err.find("leave out --const profile=") != std::string::npos);
}

TEST_CASE("conform --profile auto picks each CPython release's own profile (pyenv)", "[conform][python][pyenv]") {
    // Issue 12, "how it is tested": every release line the profiles were
    // written from, run as the interpreter itself. 3.8-3.10 behave as 3.11
    // here (the asyncgen rules the profiles differ in came in 3.12 and 3.13).
    const std::vector<std::pair<std::string, std::string>> releases = {
        {"3.8.18", "cpython311"}, {"3.11.7", "cpython311"}, {"3.12.1", "cpython312"}, {"3.13.0", "cpython313"}};
    const char* home = std::getenv("HOME");
    for (const auto& [version, profile] : releases) {
        std::string python = std::string(home ? home : "") + "/.pyenv/versions/" + version + "/bin/python3";
        if (std::system(("test -x " + python).c_str()) != 0) {
            WARN("CPython " + version + " is not installed under ~/.pyenv: its --profile auto check is skipped");
            continue;
        }
        auto r = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "SLOTS=1",
                                          "--profile", "auto", "--driver",
                                          python + " " + testing::source_path("drivers/python/driver.py"), "--json"});
        INFO(version << ": " << r.err);
        REQUIRE(r.exit_code == 0);
        auto j = nlohmann::json::parse(r.out);
        CHECK(j["implementation"].get<std::string>().rfind("CPython " + version, 0) == 0);
        CHECK(j["closest_profile"] == profile);
        CHECK(j["divergences"].empty());
        // Every other profile is told apart by at least one divergence.
        for (const auto& p : j["profiles"]) CHECK((p["profile"] == profile) == (p["divergences"] == 0));
    }
}

// Issue 14, part 4: what `diff A --against B` predicts is what conform sees
// when the spec, in profile A, meets the interpreter B stands for. diff is
// exhaustive over the product and conform covers each spec transition once,
// so conform's classes must be among diff's (a class diff did not predict is
// a wrong profile or a wrong diff), and where conform's scenarios reach every
// difference the two sets are equal.
TEST_CASE("diff's classes between two profiles contain conform's between the spec and the other release (pyenv)",
          "[diff][conform][python][pyenv]") {
    struct Case {
        std::string left, right, version;
        bool equal;  // conform's transition cover reaches every class diff finds
    };
    const std::vector<Case> cases = {{"cpython311", "cpython312", "3.12.1", true},
                                     {"cpython312", "cpython311", "3.11.7", true},
                                     {"cpython3124", "cpython313", "3.13.0", false}};
    const char* home = std::getenv("HOME");
    auto rename = [](std::string sig) {  // diff's "left X | right Y" as conform's "spec X | implementation Y"
        sig.replace(sig.find(": left "), 7, ": spec ");
        sig.replace(sig.find(" | right "), 9, " | implementation ");
        return sig;
    };
    for (const auto& c : cases) {
        std::string python = std::string(home ? home : "") + "/.pyenv/versions/" + c.version + "/bin/python3";
        if (std::system(("test -x " + python).c_str()) != 0) {
            WARN("CPython " + c.version + " is not installed under ~/.pyenv: its diff/conform agreement is skipped");
            continue;
        }
        INFO(c.left << " against " << c.right << " / CPython " << c.version);
        auto d = testing::run_stateproof({"diff", testing::source_path("spec/asyncgen.sm"), "--const", "SLOTS=1", "--const",
                                          "profile=" + c.left, "--against", "profile=" + c.right, "--json"});
        REQUIRE(d.exit_code == 1);
        std::set<std::string> predicted;
        const auto dj = nlohmann::json::parse(d.out);
        for (const auto& x : dj["differences"]) predicted.insert(rename(x["signature"].get<std::string>()));
        auto k = testing::run_stateproof({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "SLOTS=1",
                                          "--const", "profile=" + c.left, "--driver",
                                          python + " " + testing::source_path("drivers/python/driver.py"), "--json"});
        INFO(k.err);
        REQUIRE(k.exit_code == 1);
        std::set<std::string> seen;
        const auto kj = nlohmann::json::parse(k.out);
        for (const auto& x : kj["divergences"]) seen.insert(x["signature"].get<std::string>());
        CHECK_FALSE(seen.empty());
        for (const auto& sig : seen) {
            INFO("conform saw it, diff did not predict it: " << sig);
            CHECK(predicted.count(sig) == 1);
        }
        if (c.equal) CHECK(seen == predicted);
    }
}

TEST_CASE("one fault seen through many setups is one cause per differing event pair, with every scenario behind it", "[conform][python]") {
    // Issue 12, part 4: the proxy renames every exception and result of the
    // attribute lookup, so every scenario diverges at its `lookup`, in as many
    // classes as there are setups (hooks and descriptors that ran before),
    // but the causes are only the spec's results against the renamed ones.
    if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1") != 0) {
        WARN("python3 (3.11 or later) is not installed: the driver test is skipped");
        return;
    }
    std::string cmd = "python3 " + testing::source_path("tests/drivers/fault_driver.py") + " --rename 0";
    auto r = testing::run_stateproof({"conform", testing::source_path("spec/attribute.sm"), "--driver", cmd, "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    auto j = nlohmann::json::parse(r.out);
    const auto& divs = j["divergences"];
    const auto& groups = j["groups"];
    REQUIRE(groups.size() > 1);
    CHECK(groups.size() < divs.size());
    uint64_t total = 0, biggest = 0;
    std::set<size_t> seen;
    for (const auto& g : groups) {
        std::string key = g["key"];
        CAPTURE(key);
        bool renamed = key.find("| implementation Raised(Other:RuntimeError:injected)") != std::string::npos ||
                       key.find("| implementation Result(Value:'injected')") != std::string::npos;
        CHECK(renamed);
        uint64_t sum = 0;
        for (size_t k : g["divergences"]) {
            CHECK(divs.at(k)["group"] == key);
            CHECK(seen.insert(k).second);  // a class is in one group
            sum += divs[k]["occurrences"].get<uint64_t>();
        }
        CHECK(g["occurrences"] == sum);
        biggest = std::max<uint64_t>(biggest, g["divergences"].size());
        total += sum;
    }
    CHECK(seen.size() == divs.size());
    CHECK(biggest > 1);
    // Every scenario ends with the lookup, so every one diverged.
    CHECK(total == j["scenarios"].get<uint64_t>());

    auto text = testing::run_stateproof({"conform", testing::source_path("spec/attribute.sm"), "--driver", cmd});
    CHECK(text.exit_code == 1);
    CHECK(text.out.find("divergences: " + std::to_string(divs.size()) + " classes (" + std::to_string(divs.size()) +
                        " new, 0 in the baseline) from " + std::to_string(groups.size()) + " causes\n") !=
          std::string::npos);
    size_t causes = 0, lines = 0;
    for (size_t at = 0; (at = text.out.find("\ncause ", at)) != std::string::npos; ++at) ++causes;
    for (size_t at = 0; (at = text.out.find("\n    divergence ", at)) != std::string::npos; ++at) ++lines;
    CHECK(causes == groups.size());
    CHECK(lines == divs.size());
}

// Issue 13, part 2: --max-seconds holds in every phase of conform, a driver
// that stops answering included (its --timeout, 60 s, is not waited out),
// and for --profile auto and --sweep as a whole.
TEST_CASE("conform holds --max-seconds against a silent driver, in --profile auto and in --sweep", "[conform][limits]") {
    auto timed = [](const std::vector<std::string>& args, double& seconds) {
        auto start = std::chrono::steady_clock::now();
        auto r = testing::run_stateproof(args);
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    };
    double seconds = 0;
    if (python311()) {
        std::string cmd = "python3 " + testing::source_path("tests/drivers/fault_driver.py") + " --hang 3";
        auto r = timed({"conform", testing::source_path("spec/asyncgen.sm"), "--const", "profile=cpython311", "--const",
                        "SLOTS=1", "--driver", cmd, "--max-seconds", "10", "--json"},
                       seconds);
        INFO(r.err);
        REQUIRE(r.exit_code == 3);
        CHECK(seconds < 40);  // a loaded machine's margin: the driver's --timeout alone is 60 s
        auto j = nlohmann::json::parse(r.out);
        CHECK(j["stopped_early"].get<std::string>().find("--max-seconds 10 reached") != std::string::npos);
        CHECK(j["exit_code"] == 3);
        CHECK(j["scenarios"].get<uint64_t>() >= 3);  // the ones answered before it
        CHECK(j["divergences"].empty());             // the limit is not the driver's fault
    } else {
        WARN("python3 3.11 is not installed: the silent-driver part is skipped");
    }

    // --profile auto at SLOTS=2: the reference run (299,886 scenarios) or
    // the cpython311 one after it (3.6 million) is cut short, and no other
    // begins. 5 s leave the first profile's front end time to finish under
    // the sanitizers on a loaded machine.
    auto a = timed({"conform", testing::source_path("spec/asyncgen.sm"), "--impl", "cpp", "--profile", "auto",
                    "--max-seconds", "5", "--json"},
                   seconds);
    INFO(a.err);
    REQUIRE(a.exit_code == 3);
    CHECK(seconds < 30);
    auto ja = nlohmann::json::parse(a.out);
    CHECK(ja["exit_code"] == 3);
    CHECK(ja["profiles"].size() < 5);
    CHECK(ja["profiles_stopped_early"].get<std::string>().find("of 5 profiles run") != std::string::npos);

    // --sweep: 12 configurations at SLOTS=2, each of hundreds of thousands
    // of scenarios.
    auto s = timed({"conform", testing::source_path("spec/asyncgen.sm"), "--impl", "cpp", "--const", "profile=cpython311",
                    "--sweep", "--max-seconds", "5", "--json"},
                   seconds);
    INFO(s.err);
    REQUIRE(s.exit_code == 3);
    CHECK(seconds < 30);
    auto js = nlohmann::json::parse(s.out);
    // Cut short in a run, or between two.
    bool stopped = js["configurations"].size() < js["configurations_total"].get<size_t>();
    for (const auto& c : js["configurations"]) stopped |= c.contains("stopped_early");
    CHECK(stopped);
}
