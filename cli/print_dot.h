#pragma once
#include <string>

#include "explorer/bfs.h"

namespace stateproof::cli {

/// The captured state graph in Graphviz DOT: initial nodes doubled, edges
/// labelled with the action (and arguments, for the full graph).
std::string format_dot(const spec::Machine& m, const spec::CompiledMachine& cm, const explorer::Graph& g,
                       const std::vector<uint32_t>& quotient_vars);

}  // namespace stateproof::cli
