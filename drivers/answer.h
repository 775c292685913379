#pragma once
// One answer line of the driver protocol (docs/driver-protocol.md), parsed
// apart from the process that wrote it, so it can be tested and fuzzed on
// its own (fuzz/fuzz_answer.cpp).

#include <cstdint>
#include <string>
#include <vector>

#include "explorer/conform.h"
#include "spec/eval.h"

namespace stateproof::drivers {

/// An answer that breaks the protocol: the Fault of the scenario it answers.
struct BadAnswer {
    explorer::Fault fault;
};

/// Parses the answer `line` to scenario `sc`, sent with id `id`, into `obs`
/// (one observed step per step answered, the last one stopped if the driver
/// could not take it). Throws BadAnswer for anything outside the protocol:
/// what a driver writes is the implementation's behaviour, never bad input.
void read_answer(const spec::CompiledMachine& cm, const std::string& line, const explorer::Scenario& sc, uint64_t id,
                 std::vector<spec::ObservedStep>& obs);

}  // namespace stateproof::drivers
