#pragma once
// What the fuzz targets share: the shipped specs, loaded once, to read traces
// and answers against; and how a target reports an exception that is not one
// of the documented errors.

#include <exception>
#include <memory>
#include <vector>

#include "spec/eval.h"
#include "spec/ir.h"

namespace stateproof::fuzz {

struct ShippedMachine {
    std::unique_ptr<spec::Machine> machine;
    std::unique_ptr<spec::CompiledMachine> compiled;
};

/// spec/asyncgen.sm, spec/attribute.sm and spec/subscript.sm with their
/// default constants, loaded on the first call.
const std::vector<ShippedMachine>& shipped_machines();

/// An exception that is no documented error (not SpecError, UsageError,
/// LimitReached, nor the target's own): a finding. Prints its type and
/// message, then aborts, which libFuzzer reports as a crash and keeps the input.
[[noreturn]] void unexpected(const std::exception& e);
[[noreturn]] void unexpected_unknown();

}  // namespace stateproof::fuzz
