#include "cli/print_dot.h"

#include <algorithm>
#include <sstream>

#include "spec/eval.h"

namespace stateproof::cli {

using namespace stateproof::spec;

static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string format_dot(const Machine& m, const CompiledMachine& cm, const explorer::Graph& g,
                       const std::vector<uint32_t>& quotient_vars) {
    std::ostringstream out;
    out << "digraph \"" << escape(m.name) << "\" {\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n"
        << "  edge [fontname=\"monospace\", fontsize=9];\n";
    for (size_t n = 0; n < g.nodes.size(); ++n) {
        std::string label;
        if (!g.quotient) {
            for (uint32_t s = 0; s < m.scalars.size(); ++s)
                label += escape(m.scalars[s].path + "=" + m.format_value(m.scalars[s].type, g.nodes[n][s])) + "\\n";
        } else {
            uint32_t pos = 0;
            for (uint32_t v : quotient_vars) {
                const StateVar& sv = m.vars[v];
                for (uint32_t k = 0; k < m.types[sv.type].scalar_count; ++k, ++pos) {
                    uint32_t s = sv.first_scalar + k;
                    label += escape(m.scalars[s].path + "=" + m.format_value(m.scalars[s].type, g.nodes[n][pos])) + "\\n";
                }
            }
        }
        bool initial = std::find(g.initial.begin(), g.initial.end(), n) != g.initial.end();
        out << "  n" << n << " [label=\"" << label << "\"" << (initial ? ", peripheries=2" : "")
            << "];\n";
    }
    for (const auto& e : g.edges) {
        std::string label = g.quotient ? m.actions[e.label].name : cm.describe(e.label);
        out << "  n" << e.from << " -> n" << e.to << " [label=\"" << escape(label) << "\"];\n";
    }
    out << "}\n";
    return out.str();
}

}  // namespace stateproof::cli
