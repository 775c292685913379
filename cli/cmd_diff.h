#pragma once
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/options.h"
#include "spec/eval.h"

namespace stateproof::cli {

struct DiffCommand {
    SpecOptions spec;                  ///< the left configuration: the spec under --const
    std::vector<std::string> against;  ///< NAME=VALUE: the right one is the left with these
    LimitOptions limits;
    bool json = false;
    bool full_states = false;
    std::string junit;
};

/// The two configurations, loaded and compiled (at fixed addresses: each
/// CompiledMachine refers to its Machine).
struct DiffSides {
    std::unique_ptr<spec::Machine> left_m, right_m;
    std::unique_ptr<spec::CompiledMachine> left, right;
};
/// Throws UsageError for a malformed or repeated --against, a constant the
/// spec does not declare or a value outside its type (named as given), and
/// when the two do not take the same inputs.
DiffSides load_sides(const DiffCommand& o, spec::Budget* budget = nullptr);

CLI::App* setup_diff(CLI::App& app, DiffCommand& o);
/// 0 the two configurations are observably the same, 1 they differ, 2 bad
/// input, 3 a limit (with the report so far), 128 + signal when interrupted.
int run_diff(const DiffCommand& o);

}  // namespace stateproof::cli
