// The limits in the phases before the search: parsing, checking and
// inlining, instance enumeration (spec/budget.h).

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "spec/budget.h"
#include "spec/check.h"
#include "spec/diagnostics.h"
#include "spec/eval.h"
#include "support/spec_fixtures.h"

using namespace stateproof::spec;

namespace {

// `depth` functions, each using the one before three times: inlining makes
// 3^depth copies of f0 (the shape of ../shared/repro/expinline.sm).
std::string exponential_inlining(int depth) {
    std::string t = "machine E\nvar x : 0..1 = 0\nfun f0(y: 0..1) : 0..1 = y\n";
    for (int k = 1; k <= depth; ++k) {
        std::string p = "f" + std::to_string(k - 1) + "(y)";
        t += "fun f" + std::to_string(k) + "(y: 0..1) : 0..1 = if " + p + " == 0 then " + p + " else " + p + "\n";
    }
    t += "action a(v: 0..1) when f" + std::to_string(depth) + "(v) == x { x := 1 - x }\n";
    return t;
}

// `actions` actions of `values` instances each (../shared/repro/instances.sm).
std::string many_instances(int actions, int values) {
    std::string n = std::to_string(values);
    std::string t = "machine I\nvar x : 0.." + n + " = 0\n";
    for (int a = 0; a < actions; ++a)
        t += "action a" + std::to_string(a) + "(p: 0.." + std::to_string(values - 1) + ") when p == x and x < " + n +
             " { x := x + 1 }\n";
    return t;
}

std::string limit_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const LimitReached& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("without limits a budget never stops the work", "[spec][budget]") {
    Budget none;
    for (int i = 0; i < 100000; ++i) none.tick();
    Limits generous;
    generous.max_seconds = 3600;
    Budget b(generous);
    b.phase("counting");
    for (int i = 0; i < 100000; ++i) b.tick();
    CHECK(b.seconds() < 3600);
}

TEST_CASE("the checker stops at --max-seconds while it inlines, naming the declaration", "[spec][budget]") {
    Limits l;
    l.max_seconds = 0.2;
    Budget b(l);
    auto start = std::chrono::steady_clock::now();
    std::string msg = limit_message([&] { load_spec_text("<test>", exponential_inlining(40), {}, &b); });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(msg.find("while checking 'f") != std::string::npos);
    CHECK(msg.find("--max-seconds 0.2 reached") != std::string::npos);
    CHECK(s < 5);
}

TEST_CASE("the checker stops at --max-memory while it inlines", "[spec][budget]") {
    Limits l;
    l.max_memory_bytes = Budget::resident_bytes() + (64 << 20);
    Budget b(l);
    std::string msg = limit_message([&] { load_spec_text("<test>", exponential_inlining(40), {}, &b); });
    CHECK(msg.find("while checking 'f") != std::string::npos);
    CHECK(msg.find("--max-memory") != std::string::npos);
    // The same spec, small enough, loads under a limit as far above what is
    // resident now (under AddressSanitizer the memory freed by the first
    // attempt stays resident, in quarantine).
    l.max_memory_bytes = Budget::resident_bytes() + (64 << 20);
    Budget again(l);
    CHECK(load_spec_text("<test>", exponential_inlining(6), {}, &again).actions.size() == 1);
}

TEST_CASE("instance enumeration stops at --max-memory, naming the action", "[spec][budget]") {
    Machine m = stateproof::testing::spec_from_text(many_instances(20, 1000000));
    Limits l;
    l.max_memory_bytes = Budget::resident_bytes() + (64 << 20);
    Budget b(l);
    std::string msg = limit_message([&] { CompiledMachine cm(m, &b); });
    CHECK(msg.find("while enumerating and compiling the 1000000 instances of action 'a0' (") != std::string::npos);
    CHECK(msg.find(" instances made): --max-memory") != std::string::npos);
    CHECK(msg.find("--max-memory") != std::string::npos);
    CHECK(Budget::resident_bytes() < l.max_memory_bytes + (64 << 20));
    // A few actions fit (under a limit above what is resident now, as above).
    Machine small = stateproof::testing::spec_from_text(many_instances(2, 1000));
    l.max_memory_bytes = Budget::resident_bytes() + (64 << 20);
    Budget b2(l);
    CompiledMachine cm(small, &b2);
    CHECK(cm.instance_count() == 2000);
}

TEST_CASE("an enum of 300,000 members loads, and a duplicate member is refused", "[spec][budget]") {
    // Duplicates were found by scanning the members so far: 100,000 members
    // took 15 s. Generated here, not shipped (issue 13). How the time grows
    // with the members is bench/frontend_bench's question (BM_LoadEnum).
    auto text = [](int n) {
        std::string t = "machine Big\nenum E { ";
        for (int i = 0; i < n; ++i) t += (i ? ", m" : "m") + std::to_string(i);
        return t + " }\nvar e : E = m0\naction step when e == m0 { e := m" + std::to_string(n - 1) + " }\n";
    };
    Machine m = stateproof::testing::spec_from_text(text(300000));
    REQUIRE(m.enums.size() == 1);
    CHECK(m.enums[0].members.size() == 300000);
    CHECK(stateproof::testing::spec_error("machine D\nenum E { a, b, a }\nvar e : E = a\n")
              .find("duplicate member 'a' in enum 'E'") != std::string::npos);
    CHECK(stateproof::testing::spec_error("machine D\nenum E { a, b }\nenum F { c, a }\nvar e : E = a\n") == "");
}
