#include "cli/impl_cpp.h"

#include "cli/impl_cpp_model.h"
#include "spec/diagnostics.h"

namespace stateproof::cli {

std::unique_ptr<explorer::Implementation> make_cpp_implementation(const spec::CompiledMachine& cm) {
    const std::string& name = cm.machine().name;
    if (name == "AttributeLookup") return impl_cpp::make_attribute_lookup(cm);
    if (name == "Subscript") return impl_cpp::make_subscript(cm);
    if (name == "AsyncGen") return impl_cpp::make_asyncgen(cm);
    throw spec::UsageError("--impl cpp: model/ has no implementation of machine " + name +
                           " (it implements AsyncGen, AttributeLookup and Subscript)");
}

}  // namespace stateproof::cli
