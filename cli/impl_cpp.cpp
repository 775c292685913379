#include "cli/impl_cpp.h"

#include "spec/diagnostics.h"

namespace stateproof::cli {

std::unique_ptr<explorer::Implementation> make_cpp_implementation(const spec::CompiledMachine& cm) {
    throw spec::UsageError("--impl cpp: model/ has no implementation of machine " + cm.machine().name + " yet");
}

}  // namespace stateproof::cli
