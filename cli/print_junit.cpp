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

}  // namespace

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
    for (const auto& d : r.divergences) {
        x << "    <testcase classname=\"conform." << xml_escape(m.name) << "\" name=\"" << xml_escape(d.signature) << "\">\n";
        std::string body = format_divergence(cm, d, ++n);
        if (d.in_baseline)
            x << "      <skipped message=\"known divergence (in the baseline)\"/>\n";
        else
            x << "      <failure message=\"" << xml_escape(d.signature) << "\">" << xml_escape(body) << "</failure>\n";
        x << "    </testcase>\n";
    }
    x << "    <testcase classname=\"conform." << xml_escape(m.name) << "\" name=\"" << r.scenarios
      << " scenarios, every other step as the spec says\"/>\n";
    x << "  </testsuite>\n</testsuites>\n";
    return x.str();
}

}  // namespace stateproof::cli
