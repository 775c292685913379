#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "explorer/check.h"
#include "spec/trace.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using nlohmann::json;

static const char* kSpec = R"(machine T
    enum K { Free, Busy }
    type R = record { k: K, n: 0..3 }
    var r : array[2] of R = {k: Free, n: 0}
    var flag : bool = false
    event E(s: 0..1, k: K)
    action take(s: 0..1) when r[s].k == Free { r[s].k := Busy; r[s].n := (r[s].n + 1) % 4; emit E(s, Busy) }
    action drop(s: 0..1) when r[s].k == Busy { r[s].k := Free; flag := true }
    invariant never_both: not (r[0].k == Busy and r[1].k == Busy))";

// The explorer's counterexample to never_both (two takes).
static Trace never_both_cex(const Machine& m) {
    CompiledMachine cm(m);
    explorer::CheckOptions o;
    o.properties = {0};
    return *explorer::check_explicit(cm, o).properties[0].cex;
}

TEST_CASE("a counterexample survives the trip through ITF JSON", "[spec][trace]") {
    Machine m = testing::spec_from_text(kSpec);
    CompiledMachine cm(m);
    explorer::CheckOptions o;
    o.properties = {0};
    CheckResult r = explorer::check_explicit(cm, o);
    REQUIRE(r.properties[0].verdict == Verdict::Violated);
    const Trace& t = *r.properties[0].cex;
    REQUIRE(t.length() == 2);

    json itf = to_itf(m, t, "never_both violated");
    CHECK(itf["#meta"]["format"] == "ITF");
    CHECK(itf["vars"] == json::array({"r", "flag"}));
    CHECK(itf["states"][0]["r"]["#map"][1][1]["k"] == "Free");
    CHECK(itf["states"][1]["#meta"]["action"] == "take");
    CHECK(itf["states"][1]["#meta"]["events"][0]["event"] == "E");
    CHECK(itf["states"][1]["#meta"]["events"][0]["args"]["k"] == "Busy");
    CHECK(itf["states"][2]["r"]["#map"][1][1]["n"] == 1);
    CHECK(itf["states"][2]["flag"] == false);

    // Parsed back from text it is the same trace.
    Trace back = from_itf(m, json::parse(itf.dump()), "cex.json");
    CHECK(back == t);
}

TEST_CASE("an ITF trace that does not fit the machine is refused with its place", "[spec][trace]") {
    Machine m = testing::spec_from_text(kSpec);
    Trace t = never_both_cex(m);
    json good = to_itf(m, t);
    auto refusal = [&](const std::function<void(json&)>& mutate) -> std::string {
        json j = good;
        mutate(j);
        try {
            from_itf(m, j, "t.itf.json");
        } catch (const UsageError& e) {
            return e.what();
        }
        return "";
    };
    CHECK(refusal([](json& j) { j["states"][1]["r"]["#map"][0][1]["k"] = "Gone"; }) ==
          "t.itf.json: state 1: r[0].k: value \"Gone\" is not in K");
    CHECK(refusal([](json& j) { j["states"][2]["#meta"]["action"] = "fly"; }) ==
          "t.itf.json: state 2: unknown action 'fly'");
    CHECK(refusal([](json& j) { j["states"][0].erase("flag"); }) == "t.itf.json: state 0: missing variable 'flag'");
    CHECK(refusal([](json& j) { j["states"][1]["r"]["#map"][0][1]["n"] = 9; }) ==
          "t.itf.json: state 1: r[0].n: value 9 is not in 0..3");
    CHECK(refusal([](json& j) { j.erase("states"); }) == "t.itf.json: not an ITF trace (no \"states\" array)");
    // Arguments: an object (checked before any parameter is looked up, so an
    // event without parameters gets the same check), and no unknown names.
    CHECK(refusal([](json& j) { j["states"][1]["#meta"]["events"][0]["args"] = json::array(); }) ==
          "t.itf.json: state 1: the args of event E must be an object");
    CHECK(refusal([](json& j) { j["states"][1]["#meta"]["events"][0]["args"]["extra"] = 1; }) ==
          "t.itf.json: state 1: unknown argument 'extra' of event E");
    CHECK(refusal([](json& j) { j["states"][1]["#meta"]["args"]["x"] = 0; }) ==
          "t.itf.json: state 1: unknown argument 'x' of take");
}

TEST_CASE("replay reads a counterexample file as a trace, and leaves JSON lines alone", "[spec][trace]") {
    Machine m = testing::spec_from_text(kSpec);
    Trace t = never_both_cex(m);
    std::filesystem::path dir = testing::temp_dir();
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream((dir / name).string()) << text;
        return (dir / name).string();
    };

    std::string cex = write("cex.itf.json", to_itf(m, t, "never_both violated").dump(2));
    std::optional<ItfTrace> itf = read_itf_file(cex);
    REQUIRE(itf);
    CHECK(itf->header.machine == "T");
    CHECK(itf->header.implementation == "counterexample (ITF)");
    ItfBehaviour b = itf_behaviour(m, *itf);
    const std::vector<ObservedStep>& steps = b.steps;
    REQUIRE(steps.size() == 2);
    CHECK(b.initial == t.steps[0].state);
    CHECK(steps[0].action == t.steps[1].action);
    CHECK(steps[1].events == t.steps[2].events);
    CHECK(steps[1].state == t.steps[2].state);  // the recorded states, for replay to compare
    CHECK(steps[1].line == 2);  // the state index stands in for a line

    // A truncated ITF file is not JSON at the place it stops, in our words.
    std::string whole = to_itf(m, t).dump(2);
    std::string cut = whole.substr(0, whole.size() / 2);
    uint64_t lines = std::count(cut.begin(), cut.end(), '\n');
    uint64_t column = cut.size() - cut.rfind('\n');
    try {
        read_itf_file(write("cut.itf.json", cut));
        FAIL("a truncated ITF file was accepted");
    } catch (const UsageError& e) {
        std::string msg = e.what();
        CHECK(msg.substr(msg.find("cut.itf.json")) == "cut.itf.json:" + std::to_string(lines + 1) + ":" +
                                                         std::to_string(column) +
                                                         ": not JSON: the JSON ends too soon (a truncated file?)");
    }
    // "#meta"'s consts are a header's: an object, not silently ignored.
    json odd = to_itf(m, t);
    odd["#meta"]["consts"] = "LIMIT=1";
    CHECK_THROWS_WITH(read_itf_file(write("odd.itf.json", odd.dump())),
                      Catch::Contains("odd.itf.json: #meta: the header's \"consts\" must be an object"));

    // Not ITF: the JSON-lines reader's business, including a file it cannot open.
    CHECK_FALSE(read_itf_file(write("t.jsonl", "{\"action\": \"take\", \"args\": {\"s\": 0}, \"events\": []}\n")));
    CHECK_FALSE(read_itf_file((dir / "missing.json").string()));

    // An ITF document that does not fit the machine is refused naming the file.
    json bad = to_itf(m, t);
    bad["states"][2]["#meta"]["action"] = "fly";
    std::string bad_path = write("bad.itf.json", bad.dump());
    std::optional<ItfTrace> bad_itf = read_itf_file(bad_path);
    REQUIRE(bad_itf);
    CHECK_THROWS_WITH(itf_behaviour(m, *bad_itf), bad_path + ": state 2: unknown action 'fly'");
}

TEST_CASE("a trace in memory reads as the same trace in a file", "[spec][trace]") {
    Machine m = testing::spec_from_text(kSpec);
    std::filesystem::path dir = testing::temp_dir();
    std::string text =
        "{\"stateproof_trace\": 1, \"spec\": \"t.sm\", \"machine\": \"T\", \"consts\": {}, \"implementation\": \"x\"}\n"
        "\n"
        "{\"action\": \"take\", \"args\": {\"s\": 1}, \"events\": [{\"event\": \"E\", \"args\": {\"s\": 1, \"k\": \"Busy\"}}]}\n"
        "{\"action\": \"drop\", \"args\": {\"s\": 1}}\n"
        "{\"action\": \"fly\"}\n";
    std::string path = (dir / "t.jsonl").string();
    std::ofstream(path) << text;

    auto read_all = [&](TraceReader& r) {
        std::vector<ObservedStep> steps;
        ObservedStep s;
        try {
            while (r.next(m, s)) steps.push_back(s);
        } catch (const UsageError& e) {
            std::string msg = e.what();
            return std::make_pair(steps, msg.substr(msg.find("t.jsonl")));
        }
        return std::make_pair(steps, std::string());
    };
    TraceReader from_file(path);
    TraceReader from_text("t.jsonl", text);
    REQUIRE(from_text.header());
    CHECK(from_text.header()->implementation == "x");
    CHECK(from_text.header()->where == "t.jsonl:1");
    auto [file_steps, file_error] = read_all(from_file);
    auto [text_steps, text_error] = read_all(from_text);
    REQUIRE(text_steps.size() == 2);
    CHECK(text_steps[0].line == 3);
    CHECK(text_steps[1].action == *m.find_action("drop"));
    CHECK(text_error == "t.jsonl:5: unknown action 'fly' (machine T)");
    CHECK(text_error == file_error);
    CHECK(text_steps.size() == file_steps.size());

    // An ITF counterexample in memory, and text that is not one.
    Trace t = never_both_cex(m);
    std::optional<ItfTrace> itf = read_itf_text("cex.itf.json", to_itf(m, t).dump());
    REQUIRE(itf);
    CHECK(itf_behaviour(m, *itf).steps.size() == t.length());
    CHECK_FALSE(read_itf_text("t.jsonl", text));
    CHECK_THROWS_WITH(read_itf_text("cut.itf.json", "{\"states\": ["),
                      "cut.itf.json:1:13: not JSON: the JSON ends too soon (a truncated file?)");
}

TEST_CASE("a trace with a number beyond a double's range is refused at its place", "[spec][trace]") {
    // Found by fuzz/fuzz_trace: the readers let nlohmann's out_of_range
    // through, "[json.exception.out_of_range.406] number overflow parsing
    // '1e400'" with no file or line.
    Machine m = testing::spec_from_text(kSpec);
    std::string step = "{\"action\": \"take\", \"args\": {\"s\": 1e400}}";
    std::string col = std::to_string(step.find("1e400") + 1);
    std::string why = ": not JSON: the number 1e400 is out of range (beyond a double's)";
    CHECK_THROWS_WITH(TraceReader("h.jsonl", "{\"stateproof_trace\": 1e400}\n"), "h.jsonl:1:22" + why);
    ObservedStep s;
    TraceReader second("t.jsonl", "{\"action\": \"take\", \"args\": {\"s\": 0}}\n" + step + "\n");
    CHECK(second.next(m, s));
    CHECK_THROWS_WITH(second.next(m, s), "t.jsonl:2:" + col + why);
    CHECK_THROWS_WITH(read_itf_text("c.itf.json", "{\"#meta\": {},\n \"states\": [1e400]}"), "c.itf.json:2:13" + why);
}
