#pragma once
#include <chrono>

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
    double max_seconds = 0;       ///< 0 = none; for the whole command (every profile or configuration)
    /// When the command began (the options are made at start-up): every
    /// run of --profile auto or --sweep gets what is left of --max-seconds.
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    double seconds_left() const {
        return max_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }
    bool out_of_time() const { return max_seconds > 0 && seconds_left() <= 0; }
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
