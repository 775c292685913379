#include "fuzz/shipped_machines.h"

#include <cstdio>
#include <cstdlib>
#include <typeinfo>

#include "spec/check.h"

namespace stateproof::fuzz {

const std::vector<ShippedMachine>& shipped_machines() {
    static const std::vector<ShippedMachine> machines = [] {
        std::vector<ShippedMachine> out;
        for (const char* name : {"asyncgen", "attribute", "subscript"}) {
            ShippedMachine s;
            s.machine = std::make_unique<spec::Machine>(
                spec::load_spec(std::string(STATEPROOF_SOURCE_DIR) + "/spec/" + name + ".sm"));
            s.compiled = std::make_unique<spec::CompiledMachine>(*s.machine);
            out.push_back(std::move(s));
        }
        return out;
    }();
    return machines;
}

void unexpected(const std::exception& e) {
    std::fprintf(stderr, "fuzz: an exception that is no documented error: %s: %s\n", typeid(e).name(), e.what());
    std::abort();
}

void unexpected_unknown() {
    std::fprintf(stderr, "fuzz: an exception that is not a std::exception\n");
    std::abort();
}

}  // namespace stateproof::fuzz
