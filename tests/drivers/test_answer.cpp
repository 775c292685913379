// One answer line of the driver protocol (drivers/answer.*), read without a
// driver process.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "drivers/answer.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;

static const char* kSpec = R"(machine T
    enum K { Free, Busy }
    var k : array[2] of K = Free
    event E(s: 0..1, k: K)
    action take(s: 0..1) when k[s] == Free { k[s] := Busy; emit E(s, Busy) }
    action drop(s: 0..1) when k[s] == Busy { k[s] := Free })";

// The fault an answer is, or "" if it is read.
static std::string fault_of(const CompiledMachine& cm, const std::string& line, std::vector<ObservedStep>& obs) {
    explorer::Scenario sc = {0, 2};  // take(s=0), drop(s=0)
    try {
        drivers::read_answer(cm, line, sc, 7, obs);
    } catch (const drivers::BadAnswer& b) {
        return b.fault.kind;
    }
    return "";
}

TEST_CASE("a driver's answer is read into observed steps", "[driver][answer]") {
    Machine m = testing::spec_from_text(kSpec);
    CompiledMachine cm(m);
    std::vector<ObservedStep> obs;
    REQUIRE(fault_of(cm,
                     R"({"op": "trace", "id": 7, "steps": [{"events": [{"event": "E", "args": {"s": 0, "k": "Busy"}}]},)"
                     R"( {"inapplicable": "not taken"}]})",
                     obs) == "");
    REQUIRE(obs.size() == 2);
    CHECK(obs[0].action == *m.find_action("take"));
    CHECK(obs[0].events == std::vector<EventValue>{EventValue{*m.find_event("E"), {0, 1}}});
    CHECK(obs[1].action == *m.find_action("drop"));
    CHECK(obs[1].stopped == "inapplicable: not taken");

    obs.clear();
    REQUIRE(fault_of(cm, R"({"op": "trace", "id": 7, "unsupported": "no hooks", "steps": []})", obs) == "");
    REQUIRE(obs.size() == 1);
    CHECK(obs[0].stopped == "unsupported: no hooks");
}

TEST_CASE("an answer outside the protocol is the scenario's fault", "[driver][answer]") {
    Machine m = testing::spec_from_text(kSpec);
    CompiledMachine cm(m);
    std::vector<ObservedStep> obs;
    CHECK(fault_of(cm, "{\"op\": \"trace\"", obs) == "protocol: an answer is not JSON");
    CHECK(fault_of(cm, "[1]", obs) == "protocol: an answer is not {\"op\": ...}");
    CHECK(fault_of(cm, R"({"op": "error", "id": 7, "message": "bad request"})", obs) == "driver error");
    CHECK(fault_of(cm, R"({"op": "trace", "id": 8, "steps": []})", obs) == "protocol: an answer out of order");
    CHECK(fault_of(cm, R"({"op": "trace", "id": 7, "steps": [{}, {}, {}]})", obs) ==
          "protocol: more steps than the scenario has");
    CHECK(fault_of(cm, R"({"op": "trace", "id": 7, "steps": [{"events": 3}]})", obs) == "protocol: malformed events");
    CHECK(fault_of(cm, R"({"op": "trace", "id": 7, "steps": [{"unsupported": 3}]})", obs) ==
          "protocol: \"unsupported\" is not a string");
}
