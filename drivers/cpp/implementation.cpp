#include "drivers/cpp/implementation.h"

#include "drivers/cpp/adapter.h"
#include "spec/diagnostics.h"

namespace stateproof::drivers::cpp {

std::unique_ptr<explorer::Implementation> make_implementation(const spec::CompiledMachine& cm) {
    const std::string& name = cm.machine().name;
    if (name == "AttributeLookup") return make_attribute_lookup(cm);
    if (name == "Subscript") return make_subscript(cm);
    if (name == "AsyncGen") return make_asyncgen(cm);
    throw spec::UsageError("--impl cpp: model/ has no implementation of machine " + name +
                           " (it implements AsyncGen, AttributeLookup and Subscript)");
}

}  // namespace stateproof::drivers::cpp
