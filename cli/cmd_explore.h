#pragma once
#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace stateproof::cli {

struct ExploreCommand {
    SpecOptions spec;
    LimitOptions limits;
    bool json = false;
    std::string dot_file;
    std::vector<std::string> dot_vars;
    uint64_t dot_max = 10000;
    bool no_deadlock = false;
    bool fingerprint = false;
    bool full_states = false;
};

CLI::App* setup_explore(CLI::App& app, ExploreCommand& o);
/// Returns the exit code: 0 explored completely, 3 a limit stopped it.
int run_explore(const ExploreCommand& o);

}  // namespace stateproof::cli
