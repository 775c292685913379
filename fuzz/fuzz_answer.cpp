// libFuzzer target: the driver-answer reader (drivers/answer.h). The input
// is one line a driver wrote in answer to a scenario (id 1) of the first
// instances of each shipped spec.
//
// What a driver writes is never bad input: a line outside the protocol is a
// BadAnswer, the Fault of that scenario. Anything else (a crash, a sanitizer
// report, any exception) is a finding.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/answer.h"
#include "fuzz/shipped_machines.h"

using namespace stateproof;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string line(reinterpret_cast<const char*>(data), size);
    for (const fuzz::ShippedMachine& s : fuzz::shipped_machines()) {
        explorer::Scenario scenario;
        for (uint32_t i = 0; i < std::min<uint32_t>(6, s.compiled->instance_count()); ++i) scenario.push_back(i);
        std::vector<spec::ObservedStep> observed;
        try {
            drivers::read_answer(*s.compiled, line, scenario, 1, observed);
        } catch (const drivers::BadAnswer&) {
        } catch (const std::exception& e) {
            fuzz::unexpected(e);
        } catch (...) {
            fuzz::unexpected_unknown();
        }
    }
    return 0;
}
