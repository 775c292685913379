#include "cli/print_junit.h"

#include <sstream>

#include "cli/print_text.h"

namespace stateproof::cli {

using namespace stateproof::spec;

namespace {

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
        case '&': o += "&amp;"; break;
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '"': o += "&quot;"; break;
        default:
            // XML 1.0 has no control characters (a driver's stderr may hold some).
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += "\xEF\xBF\xBD";
            else o += c;
        }
    }
    return o;
}

// One divergence class as a test case: a failure with its report, or
// skipped when the baseline knows it.
void divergence_testcase(std::ostringstream& x, const std::string& machine, const std::string& signature,
                         bool in_baseline, const std::string& report, const char* command = "conform") {
    x << "    <testcase classname=\"" << command << "." << xml_escape(machine) << "\" name=\"" << xml_escape(signature) << "\">\n";
    if (in_baseline)
        x << "      <skipped message=\"known divergence (in the baseline)\"/>\n";
    else
        x << "      <failure message=\"" << xml_escape(signature) << "\">" << xml_escape(report) << "</failure>\n";
    x << "    </testcase>\n";
}

}  // namespace

std::string junit_diff_xml(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r) {
    const Machine& m = *sides.left_m;
    std::ostringstream x;
    bool stopped = !r.complete();
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    x << "  <testsuite name=\"stateproof diff " << xml_escape(spec_path) << "\" tests=\"" << r.classes.size() + 1
      << "\" failures=\"" << r.classes.size() + (stopped ? 1 : 0) << "\" skipped=\"0\" time=\"" << r.seconds << "\">\n";
    x << "    <properties><property name=\"left\" value=\"" << xml_escape(format_consts(m))
      << "\"/><property name=\"right\" value=\"" << xml_escape(format_consts(*sides.right_m)) << "\"/></properties>\n";
    size_t n = 0;
    for (const auto& d : r.classes)
        divergence_testcase(x, m.name, d.signature, false, format_diff_class(sides, d, ++n), "diff");
    x << "    <testcase classname=\"diff." << xml_escape(m.name) << "\" name=\"" << r.product_states
      << " product states, every other input with the same events on both sides\"";
    if (stopped)
        x << ">\n      <failure message=\"the search stopped early\">"
          << xml_escape(r.stopped_early.empty() ? "interrupted by signal " + std::to_string(r.interrupted_by) : r.stopped_early)
          << "</failure>\n    </testcase>\n";
    else x << "/>\n";
    x << "  </testsuite>\n</testsuites>\n";
    return x.str();
}

std::string junit_xml(const CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r) {
    const Machine& m = cm.machine();
    size_t failures = 0, skipped = 0;
    for (const auto& d : r.divergences) (d.in_baseline ? skipped : failures)++;
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    x << "  <testsuite name=\"stateproof conform " << xml_escape(spec_path) << "\" tests=\"" << r.divergences.size() + 1
      << "\" failures=\"" << failures << "\" skipped=\"" << skipped << "\" time=\"" << r.seconds << "\">\n";
    x << "    <properties><property name=\"implementation\" value=\"" << xml_escape(r.implementation)
      << "\"/><property name=\"consts\" value=\"" << xml_escape(format_consts(m)) << "\"/></properties>\n";
    size_t n = 0;
    for (const auto& d : r.divergences) divergence_testcase(x, m.name, d.signature, d.in_baseline, format_divergence(cm, d, ++n));
    x << "    <testcase classname=\"conform." << xml_escape(m.name) << "\" name=\"" << r.scenarios
      << " scenarios, every other step as the spec says\"/>\n";
    x << "  </testsuite>\n</testsuites>\n";
    return x.str();
}

std::string junit_sweep_xml(const std::string& spec_path, const Sweep& sweep) {
    size_t failures = 0, skipped = 0;
    double seconds = 0;
    for (const auto& c : sweep.classes) (c.in_baseline ? skipped : failures)++;
    for (const auto& run : sweep.runs) {
        seconds += run.r.seconds;
        failures += !run.r.stopped_early.empty() || run.r.interrupted_by;
    }
    std::string name = sweep.runs.empty() ? "" : sweep.runs.front().m->name;
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
    x << "  <testsuite name=\"stateproof conform --sweep " << xml_escape(spec_path) << "\" tests=\""
      << sweep.classes.size() + sweep.runs.size() << "\" failures=\"" << failures << "\" skipped=\"" << skipped
      << "\" time=\"" << seconds << "\">\n";
    if (!sweep.runs.empty()) {
        std::string swept;
        for (const auto& s : sweep.swept) swept += (swept.empty() ? "" : " ") + s;
        x << "    <properties><property name=\"implementation\" value=\""
          << xml_escape(sweep.runs.front().r.implementation) << "\"/><property name=\"swept\" value=\""
          << xml_escape(swept) << "\"/></properties>\n";
    }
    size_t n = 0;
    for (const auto& c : sweep.classes) {
        divergence_testcase(x, name, sweep.shown(c).signature, c.in_baseline, format_sweep_divergence(sweep, c, ++n));
    }
    for (const auto& run : sweep.runs) {
        const explorer::ConformResult& r = run.r;
        std::string config = run.config.empty() ? "the spec's constants" : format_configuration(run.config);
        x << "    <testcase classname=\"conform." << xml_escape(name) << "\" name=\"" << xml_escape(config) << ": "
          << r.scenarios << " scenarios, " << r.divergences.size() << " divergence classes\"";
        if (!r.stopped_early.empty() || r.interrupted_by)
            x << ">\n      <failure message=\""
              << xml_escape(r.interrupted_by ? "interrupted (signal " + std::to_string(r.interrupted_by) + ")"
                                             : "stopped early: " + r.stopped_early)
              << "\"/>\n    </testcase>\n";
        else
            x << "/>\n";
    }
    x << "  </testsuite>\n</testsuites>\n";
    return x.str();
}

}  // namespace stateproof::cli
