// Replay of JSON-lines traces: conforming traces, the explanation of the first
// step the spec cannot explain, and malformed traces (file and line, exit 2).

#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "explorer/replay.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using nlohmann::json;

namespace {

// A two-slot lock: `take(s)` when free, `give(s)` by the holder.
const char* kLock = R"(machine Lock
    var holder : 0..2 = 2            -- 2: nobody
    var uses : 0..3 = 0
    event Took(s: 0..1)
    event Gave(s: 0..1, n: 0..3)
    action take(s: 0..1) when holder == 2 and uses < 3 { holder := s; emit Took(s) }
    action give(s: 0..1) when holder == s { holder := 2; uses := uses + 1; emit Gave(s, uses) }
)";

std::string write_trace(const std::vector<std::string>& lines) {
    std::string path = testing::temp_dir() + "/t.jsonl";
    std::ofstream out(path);
    for (const auto& l : lines) out << l << "\n";
    return path;
}

std::string step(const std::string& action, int s, const std::string& events) {
    return R"({"action": ")" + action + R"(", "args": {"s": )" + std::to_string(s) + R"(}, "events": )" + events + "}";
}

struct Fixture {
    Machine m = testing::spec_from_text(kLock);
    CompiledMachine cm{m};
};

// Replays a file; returns the number of steps matched, or the mismatch.
std::optional<explorer::ReplayMismatch> replay_file(const Fixture& f, const std::string& path, uint64_t* matched = nullptr) {
    TraceReader r(path);
    explorer::Replayer rep(f.cm);
    ObservedStep s;
    while (r.next(f.m, s))
        if (!rep.step(s)) return rep.mismatch();
    if (matched) *matched = rep.matched();
    return std::nullopt;
}

}  // namespace

TEST_CASE("a trace the spec can produce replays to the end", "[replay]") {
    Fixture f;
    std::string path = write_trace({
        R"({"stateproof_trace": 1, "spec": "lock.sm", "machine": "Lock", "consts": {}, "implementation": "test"})",
        step("take", 1, R"([{"event": "Took", "args": {"s": 1}}])"),
        step("give", 1, R"([{"event": "Gave", "args": {"s": 1, "n": 1}}])"),
        "",
        step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
    });
    uint64_t matched = 0;
    CHECK_FALSE(replay_file(f, path, &matched));
    CHECK(matched == 3);
    TraceReader r(path);
    REQUIRE(r.header());
    CHECK(r.header()->implementation == "test");
}

TEST_CASE("a wrong event is reported with what the spec would have emitted", "[replay]") {
    Fixture f;
    std::string path = write_trace({
        step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
        step("give", 0, R"([{"event": "Gave", "args": {"s": 0, "n": 2}}])"),
    });
    auto mm = replay_file(f, path);
    REQUIRE(mm);
    CHECK(mm->step == 2);
    CHECK(mm->observed.line == 2);
    CHECK(mm->state_count == 1);
    REQUIRE(mm->would_emit.size() == 1);
    CHECK(f.cm.describe_event(mm->would_emit[0][0]) == "Gave(0, 1)");
    REQUIRE(mm->recent.size() == 1);
    CHECK(mm->guard_false.empty());
}

TEST_CASE("a step the spec does not allow is explained by its false guard conjuncts", "[replay]") {
    Fixture f;
    std::string path = write_trace({
        step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
        step("take", 1, R"([{"event": "Took", "args": {"s": 1}}])"),
    });
    auto mm = replay_file(f, path);
    REQUIRE(mm);
    CHECK(mm->would_emit.empty());
    REQUIRE(mm->guard_false.size() == 1);
    CHECK(mm->guard_false[0] == "`holder == 2` is false (holder = 0)");
    REQUIRE(mm->accepted.size() == 1);
    CHECK(f.cm.describe(mm->accepted[0]) == "give(s=0)");
}

TEST_CASE("an event outside the spec's vocabulary is a step that does not conform, shown as reported", "[replay]") {
    // Issue 12: what the implementation reports is never bad input. An unknown
    // event, a value outside its domain, a missing or an extra argument: each
    // is a well-formed step the spec cannot explain.
    Fixture f;
    for (const char* events : {R"([{"event": "Boom", "args": {"why": "Other:RuntimeError:no"}}])",
                               R"([{"event": "Took", "args": {"s": 7}}])", R"([{"event": "Took", "args": {}}])",
                               R"([{"event": "Took", "args": {"s": 0, "t": true}}])",
                               R"([{"event": "Took", "args": {"s": "zero"}}])"}) {
        CAPTURE(events);
        auto mm = replay_file(f, write_trace({step("take", 0, events)}));
        REQUIRE(mm);
        CHECK(mm->step == 1);
        CHECK(mm->observed.line == 1);
        REQUIRE(mm->observed.events.size() == 1);
        CHECK(mm->observed.events[0].foreign());
        REQUIRE(mm->would_emit.size() == 1);
        CHECK(f.cm.describe_event(mm->would_emit[0][0]) == "Took(0)");
    }
    auto mm = replay_file(f, write_trace({step("take", 0, R"([{"event": "Boom", "args": {"n": 3, "why": "Other:RuntimeError:no"}}])")}));
    REQUIRE(mm);
    CHECK(f.cm.describe_event(mm->observed.events[0]) == "Boom(3, Other:RuntimeError:no)");
    // Written back as it was read.
    CHECK(step_to_json(f.m, mm->observed)["events"] ==
          json::parse(R"([{"event": "Boom", "args": {"n": 3, "why": "Other:RuntimeError:no"}}])"));
}

TEST_CASE("malformed traces are usage errors naming the file and line", "[replay]") {
    Fixture f;
    auto error_of = [&](const std::vector<std::string>& lines) -> std::string {
        std::string path = write_trace(lines);
        try {
            replay_file(f, path);
        } catch (const UsageError& e) {
            std::string msg = e.what();
            return msg.substr(msg.find("t.jsonl"));
        }
        return "";
    };
    // Where the line stops, in our words, not the JSON library's.
    CHECK(error_of({step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"), "{\"action\": \"give\", \"args\": {\"s\": 0"}) ==
          "t.jsonl:2:35: not JSON: the JSON ends too soon (a truncated file?)");
    CHECK(error_of({"{\"action\": take}"}) == "t.jsonl:1:13: not JSON: invalid literal; last read: '\"action\": ta'");
    // A header's constants are the header's: an object of strings, integers or bools.
    CHECK(error_of({R"({"stateproof_trace": 1, "consts": [1]})", step("take", 0, "[]")}) ==
          "t.jsonl:1: the header's \"consts\" must be an object {\"NAME\": VALUE, ...}, not array");
    CHECK(error_of({R"({"stateproof_trace": 1, "consts": {"LIMIT": null}})", step("take", 0, "[]")}) ==
          "t.jsonl:1: the header's constant LIMIT must be a string, an integer or a bool, not null");
    CHECK(error_of({step("fly", 0, "[]")}) == "t.jsonl:1: unknown action 'fly' (machine Lock)");
    CHECK(error_of({step("take", 5, "[]")}) == "t.jsonl:1: argument 's' of action take: value 5 is not in 0..1");
    CHECK(error_of({R"({"action": "take", "args": {}})"}) == "t.jsonl:1: missing argument 's' of action take");
    CHECK(error_of({step("take", 0, R"([{"event": "Took", "args": [0]}])")}) ==
          "t.jsonl:1: \"args\" of event Took must be a JSON object");
    CHECK(error_of({step("take", 0, R"([{"event": "Took", "args": {"s": [0]}}])")}) ==
          "t.jsonl:1: argument 's' of event Took must be a string, number or boolean, not [0]");
    CHECK(error_of({step("take", 0, R"([{"name": "Took"}])")}) == "t.jsonl:1: an event is {\"event\": NAME, \"args\": {...}}");
    CHECK(error_of({R"({"stateproof_trace": 9})"}).rfind("t.jsonl:1: unsupported trace format version 9", 0) == 0);
    CHECK(error_of({"[1, 2]"}) == "t.jsonl:1: a step is {\"action\": NAME, \"args\": {...}, \"events\": [...]}");
}

TEST_CASE("the replay command exits 0, 1 or 2 and applies the trace's constants", "[replay][cli]") {
    std::string dir = testing::temp_dir();
    std::string spec = dir + "/lock.sm";
    {
        std::string text = kLock;
        text.replace(text.find("uses < 3"), 8, "uses < LIMIT");
        text.replace(text.find("var holder"), 0, "const LIMIT : 1..3 = 3\n    ");
        std::ofstream(spec) << text;
    }
    // Under LIMIT=1 a second take is refused; under the default 3 it is fine.
    std::vector<std::string> steps = {step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
                                      step("give", 0, R"([{"event": "Gave", "args": {"s": 0, "n": 1}}])"),
                                      step("take", 1, R"([{"event": "Took", "args": {"s": 1}}])")};
    std::vector<std::string> limited = steps;
    limited.insert(limited.begin(), R"({"stateproof_trace": 1, "machine": "Lock", "consts": {"LIMIT": "1"}})");

    // An empty trace, or a header alone, checks nothing: not "conforms".
    for (const auto& empty : {write_trace({}), write_trace({limited[0]})})
        for (const char* engine : {"explicit", "smt"}) {
            auto e = testing::run_stateproof({"replay", spec, empty, "--engine", engine});
            CHECK(e.exit_code == 2);
            CHECK(e.out.find("conforms") == std::string::npos);
            CHECK(e.err.find("t.jsonl: the trace has no steps: nothing was checked") != std::string::npos);
        }
    std::string one = write_trace(limited);
    auto r = testing::run_stateproof({"replay", spec, one});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("t.jsonl:4: step 3 is not a behaviour of") != std::string::npos);
    CHECK(r.out.find("`uses < 1` is false (uses = 1)") != std::string::npos);
    // --const wins over the header.
    auto o = testing::run_stateproof({"replay", spec, one, "--const", "LIMIT=3"});
    CHECK(o.exit_code == 0);
    CHECK(o.out.find("conforms (3 steps)") != std::string::npos);
    // A header constant the spec refuses is the header's fault, named as
    // such (not "--const"); --const in its place takes the blame for its own.
    std::vector<std::string> wrong = steps;
    wrong.insert(wrong.begin(), R"({"stateproof_trace": 1, "machine": "Lock", "consts": {"LIMIT": 9}})");
    auto hw = testing::run_stateproof({"replay", spec, write_trace(wrong)});
    CHECK(hw.exit_code == 2);
    CHECK(hw.err.find("t.jsonl:1: the header's constant LIMIT=9: '9' is not a value of 1..3") != std::string::npos);
    auto wc = testing::run_stateproof({"replay", spec, write_trace(wrong), "--const", "LIMIT=3"});
    CHECK(wc.exit_code == 0);
    auto wo = testing::run_stateproof({"replay", spec, one, "--const", "LIMIT=7"});
    CHECK(wo.exit_code == 2);
    CHECK(wo.err.find("--const LIMIT=7: '7' is not a value of 1..3") != std::string::npos);
    std::vector<std::string> unknown = steps;
    unknown.insert(unknown.begin(), R"({"stateproof_trace": 1, "machine": "Lock", "consts": {"NOPE": "1"}})");
    auto u = testing::run_stateproof({"replay", spec, write_trace(unknown)});
    CHECK(u.exit_code == 2);
    CHECK(u.err.find("t.jsonl:1: the header's constant NOPE=1: ") != std::string::npos);
    CHECK(u.err.find("declares no constant named 'NOPE'") != std::string::npos);

    std::string bad = write_trace({step("take", 0, R"([])")});
    auto b = testing::run_stateproof({"replay", spec, bad});
    CHECK(b.exit_code == 1);
    CHECK(b.out.find("the spec, in the 1 spec state consistent with the 0 steps before, would emit:") != std::string::npos);

    // A value no spec names is the implementation's behaviour: exit 1 at its line.
    std::string foreign = write_trace({step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
                                       step("give", 0, R"([{"event": "Raised", "args": {"e": "Other:KeyError:'s'"}}])")});
    auto fo = testing::run_stateproof({"replay", spec, foreign});
    CHECK(fo.exit_code == 1);
    CHECK(fo.out.find("t.jsonl:2: step 2 is not a behaviour of") != std::string::npos);
    CHECK(fo.out.find("give(s=0) -> Raised(Other:KeyError:'s')") != std::string::npos);
    CHECK(fo.out.find("give(s=0) -> Gave(0, 1)") != std::string::npos);
    CHECK(fo.err.empty());
    // A spec event with a value outside its domain keeps the spec's argument
    // order (s, then n), not the JSON object's key order.
    std::string odd = write_trace({step("take", 0, R"([{"event": "Took", "args": {"s": 0}}])"),
                                   step("give", 0, R"([{"event": "Gave", "args": {"s": 0, "n": "Value:'x'"}}])")});
    auto od = testing::run_stateproof({"replay", spec, odd});
    CHECK(od.exit_code == 1);
    CHECK(od.out.find("give(s=0) -> Gave(0, Value:'x')") != std::string::npos);
    auto fj = testing::run_stateproof({"replay", spec, foreign, "--json"});
    CHECK(fj.exit_code == 1);
    CHECK(json::parse(fj.out)["traces"][0]["observed"]["events"][0]["args"]["e"] == "Other:KeyError:'s'");

    auto wrong_machine = write_trace({R"({"stateproof_trace": 1, "machine": "Other"})"});
    auto w = testing::run_stateproof({"replay", spec, wrong_machine});
    CHECK(w.exit_code == 2);
    CHECK(w.err.find("the trace is of machine Other, the spec is Lock") != std::string::npos);
}

TEST_CASE("a trace that records its states (ITF) conforms only where each state is the spec's", "[replay]") {
    // Four initial states the events cannot tell apart: only the recorded
    // states say which one the trace is in.
    Machine m = testing::spec_from_text(R"(machine Hidden
        var seed : 0..3
        var n : 0..3 = 0
        event Ticked(n: 0..3)
        action tick when n < 3 { n := n + 1; emit Ticked(n) }
    )");
    CompiledMachine cm(m);
    auto tick = [&](int32_t seed, int32_t count) {
        ObservedStep s;
        s.action = *m.find_action("tick");
        s.events = {EventValue(*m.find_event("Ticked"), {count})};
        s.state = StateValues{seed, count};
        s.line = uint64_t(count);
        return s;
    };

    explorer::Replayer same(cm);
    REQUIRE(same.start_at({2, 0}));
    CHECK(same.state_count() == 1);
    CHECK(same.step(tick(2, 1)));
    CHECK(same.step(tick(2, 2)));

    // The events fit; the recorded value of the hidden variable was edited.
    explorer::Replayer edited(cm);
    REQUIRE(edited.start_at({2, 0}));
    REQUIRE(edited.step(tick(2, 1)));
    CHECK_FALSE(edited.step(tick(3, 2)));
    const explorer::ReplayMismatch& r = edited.mismatch();
    CHECK(r.step == 2);
    CHECK(r.observed.line == 2);
    CHECK(r.state_differs == std::vector<VarDifference>{{"seed", "3", "2"}});
    CHECK(r.would_emit.empty());

    // Without recorded states the same steps conform: the comparison is what refuses them.
    explorer::Replayer blind(cm);
    ObservedStep a = tick(2, 1), b = tick(3, 2);
    a.state.reset();
    b.state.reset();
    CHECK(blind.step(a));
    CHECK(blind.step(b));

    // An initial state no spec state equals: step 0, against the closest
    // (the one with the same seed, which differs in n alone).
    explorer::Replayer wrong_start(cm);
    CHECK_FALSE(wrong_start.start_at({1, 3}));
    CHECK(wrong_start.mismatch().step == 0);
    CHECK(wrong_start.mismatch().state_count == 4);
    CHECK(wrong_start.mismatch().state_differs == std::vector<VarDifference>{{"n", "3", "0"}});
}
