#pragma once
#include <CLI/CLI.hpp>

#include "cli/options.h"

namespace stateproof::cli {

struct ConformCommand {
    SpecOptions spec;
    std::string impl;
    std::string driver;
    uint32_t depth = 0;
    std::string cover = "transitions";
    uint32_t suffix = 0;
    uint64_t max_scenarios = 5'000'000;
    uint32_t batch = 256;
    double timeout = 60;
    uint32_t max_restarts = 20;
    uint64_t max_memory_mib = 0;  ///< 0 = default (75% of physical memory)
    std::string profile;  ///< "auto": every value of the spec's profile constant
    bool sweep = false;   ///< every combination of the other bool and enum constants
    bool json = false;
    bool full_states = false;  ///< the spec's state before a difference: every variable
    std::string junit;
    std::string baseline;
    std::string write_baseline;
    std::string save_traces;
};

CLI::App* setup_conform(CLI::App& app, ConformCommand& o);
/// 0 no divergence outside the baseline, 1 a new divergence, 2 bad input, 3 a limit.
int run_conform(const ConformCommand& o);

}  // namespace stateproof::cli
