#pragma once
// A conformance result as JUnit XML for CI: one test case per divergence
// class (a failure, or skipped when it is in the baseline), and one that
// passes for every other step.

#include <string>

#include "explorer/conform.h"

namespace stateproof::cli {

std::string junit_xml(const spec::CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r);

}  // namespace stateproof::cli
