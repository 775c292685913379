#pragma once
#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace stateproof::cli {

struct ReplayCommand {
    SpecOptions spec;
    std::vector<std::string> traces;
    bool json = false;
    std::string engine = "explicit";
    double max_seconds = 0;  ///< for all traces together; 0 = none
};

CLI::App* setup_replay(CLI::App& app, ReplayCommand& o);
/// 0 every trace is a behaviour of the spec, 1 one is not, 2 bad input,
/// 3 --max-seconds reached, 128 + the signal when interrupted.
int run_replay(const ReplayCommand& o);

}  // namespace stateproof::cli
