#pragma once
// The runs behind `conform`: one, under the spec's constants, or with
// `--profile auto` one per value of the spec's `profile` constant.

#include <memory>
#include <string>
#include <vector>

#include "cli/cmd_conform.h"
#include "explorer/conform.h"
#include "spec/eval.h"

namespace stateproof::cli {

/// One conformance run: the spec under its constants, the implementation
/// started for it (and ended before this returns), and what was found.
struct ProfileRun {
    std::string profile;                 ///< "" unless --profile auto
    std::unique_ptr<spec::Machine> m;    // at a fixed address: cm refers to it
    std::unique_ptr<spec::CompiledMachine> cm;
    explorer::ConformResult r;
};

ProfileRun run_conform_once(const ConformCommand& o, const spec::ConstOverrides& overrides, std::string profile);
/// --profile auto: every value of the spec's enum constant `profile`, in
/// declaration order. Throws UsageError if there is none, or --const sets it.
std::vector<ProfileRun> run_every_profile(const ConformCommand& o);
/// The closest profile: the fewest divergence classes, then the fewest
/// scenarios that diverged.
const ProfileRun& closest(const std::vector<ProfileRun>& runs);

}  // namespace stateproof::cli
