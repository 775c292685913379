#pragma once
// The runs behind `conform`: one, under the spec's constants; with
// `--profile auto` one per value of the spec's `profile` constant; with
// `--sweep` one per combination of its other bool and enum constants
// (cli/conform_sweep.h). Each run starts its own implementation.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/cmd_conform.h"
#include "explorer/conform.h"
#include "spec/eval.h"

namespace stateproof::cli {

/// The values of the constants a run varies, NAME -> VALUE in the spec's
/// declaration order: {profile} under --profile auto, the swept constants
/// under --sweep, empty for a single run.
using Configuration = std::vector<std::pair<std::string, std::string>>;

/// One conformance run: the spec under its constants, the implementation
/// started for it (and ended before this returns), and what was found.
struct ProfileRun {
    std::string profile;                 ///< "" unless --profile auto
    Configuration config;                ///< what this run varied
    std::unique_ptr<spec::Machine> m;    // at a fixed address: cm refers to it
    std::unique_ptr<spec::CompiledMachine> cm;
    explorer::ConformResult r;
};

ProfileRun run_conform_once(const ConformCommand& o, const spec::ConstOverrides& overrides, std::string profile);
/// One run per combination of the values of the bool or enum constants
/// `vary` of `base` (on top of `overrides`): the first named varies slowest,
/// values in declaration order (false before true). A signal ends the
/// sequence after the run it interrupted. A limit (--max-seconds, or
/// --max-memory while a later configuration's spec is loaded) ends it too,
/// keeping the runs so far: `cut` then says why fewer than all ran. Names
/// each run on stderr unless --json.
std::vector<ProfileRun> run_each_configuration(const ConformCommand& o, const spec::Machine& base,
                                               const spec::ConstOverrides& overrides,
                                               const std::vector<std::string>& vary, std::string* cut = nullptr);
/// --profile auto: every value of the spec's enum constant `profile`, in
/// declaration order; `profiles` gets how many there are (fewer run when a
/// limit ends the sequence, and `cut` says which). Throws UsageError if there is none, or
/// --const sets it.
std::vector<ProfileRun> run_every_profile(const ConformCommand& o, size_t* profiles = nullptr,
                                          std::string* cut = nullptr);
/// The closest profile: the fewest divergence classes, then the fewest
/// scenarios that diverged.
const ProfileRun& closest(const std::vector<ProfileRun>& runs);

/// `FIRSTITER=ok FINALIZER=false`.
std::string format_configuration(const Configuration& c);

}  // namespace stateproof::cli
