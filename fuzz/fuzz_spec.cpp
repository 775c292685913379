// libFuzzer target: the spec frontend. The input is a spec's text; it is
// lexed, parsed, checked, inlined and compiled (what every command does
// first), then its first initial states are evaluated with every enabled
// action fired once, so the evaluator meets what the checker let through.
//
// Documented errors are fine: SpecError (a located error, exit 2),
// UsageError, LimitReached (the budget below, exit 3) and EvalError (a
// run-time error, which the engines report as a SpecError). Anything else
// (a crash, a sanitizer report, another exception) is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/shipped_machines.h"
#include "spec/budget.h"
#include "spec/check.h"
#include "spec/diagnostics.h"
#include "spec/eval.h"

using namespace stateproof;

namespace {

// Small limits, so that a spec that is only too big (inlining is exponential
// in the nesting of calls, see spec/check.h) stops with LimitReached well
// inside libFuzzer's -timeout and -rss_limit_mb (scripts/fuzz.sh).
spec::Limits fuzz_limits() {
    spec::Limits l;
    l.max_seconds = 2;
    l.max_memory_bytes = uint64_t(1536) << 20;
    return l;
}

constexpr int kInitialStates = 4;
constexpr uint32_t kInstances = 512;

void evaluate(const spec::CompiledMachine& cm) {
    const spec::Machine& m = cm.machine();
    spec::Evaluator ev(cm);
    std::vector<std::vector<int32_t>> initial;
    struct Enough {};  // there may be very many initial states: stop at kInitialStates
    try {
        ev.for_each_initial([&](const int32_t* values) {
            initial.emplace_back(values, values + cm.layout().scalars());
            if (initial.size() == kInitialStates) throw Enough{};
        });
    } catch (const Enough&) {
    } catch (const spec::EvalError&) {
        return;
    }
    for (const auto& state : initial) {
        for (uint32_t i = 0; i < cm.instance_count() && i < kInstances; ++i) {
            try {
                ev.load_values(state.data());
                for (uint32_t p = 0; p < m.properties.size(); ++p)
                    if (m.properties[p].kind == spec::Property::Kind::Invariant) ev.invariant_pre(p);
                if (!ev.enabled(i)) continue;
                ev.fire(i);
                for (uint32_t p = 0; p < m.properties.size(); ++p) {
                    if (m.properties[p].kind == spec::Property::Kind::Invariant) ev.invariant_post(p);
                    else ev.transition(p);
                }
            } catch (const spec::EvalError&) {
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        spec::Budget budget(fuzz_limits());
        spec::Machine m = spec::load_spec_text("fuzz.sm", std::move(text), {}, &budget);
        spec::CompiledMachine cm(m, &budget);
        evaluate(cm);
    } catch (const spec::SpecError&) {
    } catch (const spec::UsageError&) {
    } catch (const spec::LimitReached&) {
    } catch (const std::exception& e) {
        fuzz::unexpected(e);
    } catch (...) {
        fuzz::unexpected_unknown();
    }
    return 0;
}
