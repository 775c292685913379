#pragma once
// The baseline file of `conform`: the divergence classes already known, so
// that CI fails only on new ones. Written by --write-baseline, read by
// --baseline; a divergence is matched by its signature alone, which names no
// constant: a class known under one configuration of a sweep is known under
// all of them, as a sweep's report counts it as one class.

#include <set>
#include <string>

#include "cli/conform_sweep.h"
#include "explorer/conform.h"

namespace stateproof::cli {

/// The signatures listed in the baseline at `path`. Throws UsageError naming
/// the file if it is not JSON or has no "divergences" array of entries with a
/// "signature" string.
std::set<std::string> read_baseline(const std::string& path);

/// The baseline text of a result: {"spec", "implementation", "consts",
/// "divergences": [{"signature", "shortest_scenario"}]}, indented, ending in
/// a newline.
std::string format_baseline(const spec::CompiledMachine& cm, const std::string& spec_path,
                            const explorer::ConformResult& r);

/// The baseline text of a sweep: as format_baseline, "consts" the fixed
/// ones, "swept" the constants swept, and each divergence with the
/// "configurations" it was found in (for people; matching ignores them).
std::string format_sweep_baseline(const std::string& spec_path, const Sweep& sweep);

/// How many divergence classes are not in the baseline (all of them without one).
size_t new_divergences(const explorer::ConformResult& r);

}  // namespace stateproof::cli
