#pragma once
#include <CLI/CLI.hpp>

#include <optional>

#include "cli/options.h"

namespace stateproof::cli {

struct CheckCommand {
    SpecOptions spec;
    LimitOptions limits;
    std::vector<std::string> invariants;
    std::string engine = "explicit";
    std::optional<uint32_t> depth;  ///< unset: the engine's default; 0 checks the initial states only
    bool json = false;
    std::string cex_file;
    bool full_states = false;
    bool no_deadlock = false;
    bool fingerprint = false;
    bool bounded = false;
    bool no_cross_check = false;
};

CLI::App* setup_check(CLI::App& app, CheckCommand& o);
/// Returns the exit code: 0 all hold, 1 a violation, 3 a limit stopped it.
int run_check(const CheckCommand& o);

}  // namespace stateproof::cli
