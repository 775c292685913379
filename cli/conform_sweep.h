#pragma once
// `conform --sweep`: one run per combination of the spec's bool and enum
// constants (but `profile`, and those --const fixes), and the divergence
// classes of all the runs merged into one list: a class is its signature,
// whatever configuration it was found in.

#include <string>
#include <utility>
#include <vector>

#include "cli/conform_profiles.h"

namespace stateproof::cli {

/// One divergence class across the configurations of a sweep.
struct SweepClass {
    /// Where its shortest scenario is (the first run with one that short):
    /// runs[shown].r.divergences[index]. That scenario ran under that run's
    /// constants.
    size_t shown = 0, index = 0;
    /// The runs it was found in, in sweep order, with its scenarios in each.
    std::vector<std::pair<size_t, uint64_t>> found_in;
    uint64_t occurrences = 0;  ///< scenarios, over every configuration
    bool in_baseline = false;
};

struct Sweep {
    std::vector<std::string> swept;   ///< the constants varied, in declaration order
    uint64_t configurations = 1;      ///< how many combinations there are
    std::vector<ProfileRun> runs;     ///< those that ran, in sweep order (fewer if interrupted)
    std::vector<SweepClass> classes;  ///< merge_classes(runs)
    /// The classes by cause (Divergence::group of each class's shortest
    /// scenario); DivergenceGroup::classes index `classes`.
    std::vector<explorer::DivergenceGroup> groups;
    int interrupted_by = 0;           ///< the signal that ended the sweep, or 0
    std::string cut;                  ///< the limit that ended it between two runs, or empty

    const explorer::Divergence& shown(const SweepClass& c) const { return runs[c.shown].r.divergences[c.index]; }
    /// A class as one divergence of the whole sweep: its shortest scenario,
    /// with the scenarios and baseline status of every configuration.
    explorer::Divergence merged(const SweepClass& c) const;
    /// The constants every run shared (all but the swept ones), NAME -> VALUE
    /// in declaration order; empty before the first run.
    Configuration fixed() const;
    size_t new_classes() const;
    /// Over every run: scenarios, steps and seconds, for the reports' totals.
    struct Totals {
        uint64_t scenarios = 0, steps = 0;
        double seconds = 0;
    };
    Totals totals() const;
    /// 128 + the signal if interrupted, 3 if a run stopped early, 1 if a class
    /// is new, else 0.
    int exit_code() const;
};

/// The constants --sweep varies, in declaration order: every bool or enum
/// constant of `base` but `profile` and those in `fixed` (set by --const).
std::vector<std::string> swept_constants(const spec::Machine& base, const spec::ConstOverrides& fixed);

/// Every configuration of the swept constants, in a stable order (the first
/// declared varies slowest, values in declaration order); a single run when
/// there is nothing to sweep. Throws UsageError with --profile auto.
Sweep run_sweep(const ConformCommand& o);

/// The classes of every run, merged by signature: shortest scenario first,
/// then in the order they were first found.
std::vector<SweepClass> merge_classes(const std::vector<ProfileRun>& runs);

}  // namespace stateproof::cli
