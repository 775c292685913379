// libFuzzer target: the trace readers of `stateproof replay`. The input is a
// trace file's text, read as a JSON-lines trace (header, then every step)
// and, if it is one, as an ITF counterexample, against each shipped spec.
//
// Documented errors are fine: UsageError (a malformed trace, exit 2).
// Anything else (a crash, a sanitizer report, another exception such as
// nlohmann's own or std::out_of_range) is a finding.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/shipped_machines.h"
#include "spec/diagnostics.h"
#include "spec/trace.h"

using namespace stateproof;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    for (const fuzz::ShippedMachine& s : fuzz::shipped_machines()) {
        try {
            spec::TraceReader reader("fuzz.jsonl", text);
            spec::ObservedStep step;
            while (reader.next(*s.machine, step)) {
            }
        } catch (const spec::UsageError&) {
        } catch (const std::exception& e) {
            fuzz::unexpected(e);
        } catch (...) {
            fuzz::unexpected_unknown();
        }
        try {
            if (auto itf = spec::read_itf_text("fuzz.itf.json", text)) spec::itf_behaviour(*s.machine, *itf);
        } catch (const spec::UsageError&) {
        } catch (const std::exception& e) {
            fuzz::unexpected(e);
        } catch (...) {
            fuzz::unexpected_unknown();
        }
    }
    return 0;
}
