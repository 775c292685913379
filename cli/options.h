#pragma once
// Option groups shared by the subcommands, and their conversion to the
// checker's types.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "spec/check.h"
#include "spec/result.h"

namespace stateproof::cli {

struct SpecOptions {
    std::string path;
    std::vector<std::string> consts;  ///< NAME=VALUE

    /// Parses the --const list. Throws UsageError on a malformed entry.
    spec::ConstOverrides overrides() const;
    /// Loads and checks the spec with the overrides (within the budget's limits).
    spec::Machine load(spec::Budget* budget = nullptr) const;
};

struct LimitOptions {
    uint64_t max_states = 0;
    double max_seconds = 0;
    uint64_t max_memory_mib = 0;  ///< 0 = default (75% of physical memory)

    spec::Limits limits() const;
};

/// Adds the SPEC positional argument and --const.
void add_spec_options(CLI::App& app, SpecOptions& o);
/// Adds --max-states, --max-seconds, --max-memory.
void add_limit_options(CLI::App& app, LimitOptions& o);

/// 75% of the machine's physical memory, in MiB.
uint64_t default_memory_mib();

}  // namespace stateproof::cli
