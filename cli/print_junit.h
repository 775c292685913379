#pragma once
// A conformance result as JUnit XML for CI: one test case per divergence
// class (a failure, or skipped when it is in the baseline), and one that
// passes for every other step.

#include <string>

#include "cli/cmd_diff.h"
#include "cli/conform_sweep.h"
#include "explorer/diff.h"
#include "explorer/conform.h"

namespace stateproof::cli {

std::string junit_xml(const spec::CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r);

/// `diff`: one failing test case per difference class, and one that passes
/// for the rest of the product (or fails when the search stopped early).
std::string junit_diff_xml(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r);

/// `conform --sweep`: one test case per divergence class over every
/// configuration (its text names them), and one per configuration that ran,
/// which passes unless that run stopped early or was interrupted.
std::string junit_sweep_xml(const std::string& spec_path, const Sweep& sweep);

}  // namespace stateproof::cli
