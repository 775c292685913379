#pragma once
// model/ (stateproof's own C++ implementation) behind the Implementation
// interface, for `conform --impl cpp`. The only place the checker sees model/.

#include <memory>

#include "explorer/conform.h"

namespace stateproof::drivers::cpp {

/// The in-process implementation for the spec's machine. Throws UsageError
/// if model/ has no implementation of that machine.
std::unique_ptr<explorer::Implementation> make_implementation(const spec::CompiledMachine& cm);

}  // namespace stateproof::drivers::cpp
