#include "cli/options.h"

#include <unistd.h>

namespace stateproof::cli {

spec::ConstOverrides SpecOptions::overrides() const {
    spec::ConstOverrides out;
    for (const std::string& c : consts) {
        auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == c.size())
            throw spec::UsageError("--const " + c + ": expected NAME=VALUE, e.g. --const SLOTS=3 or --const profile=cpython311");
        std::string name = c.substr(0, eq);
        if (out.count(name)) throw spec::UsageError("--const " + name + " is given twice");
        out[name] = c.substr(eq + 1);
    }
    return out;
}

spec::Machine SpecOptions::load(spec::Budget* budget) const { return spec::load_spec(path, overrides(), budget); }

uint64_t default_memory_mib() {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return 4096;
    return uint64_t(pages) * uint64_t(page) / (1024 * 1024) * 3 / 4;
}

spec::Limits LimitOptions::limits() const {
    spec::Limits l;
    l.max_states = max_states;
    l.max_seconds = max_seconds;
    l.max_seconds_given = max_seconds;
    l.max_memory_bytes = (max_memory_mib ? max_memory_mib : default_memory_mib()) * 1024 * 1024;
    return l;
}

void add_spec_options(CLI::App& app, SpecOptions& o) {
    app.add_option("SPEC", o.path, "The spec file (.sm)")->required()->check(CLI::ExistingFile);
    app.add_option("--const", o.consts, "Override a constant of the spec (repeatable), e.g. --const profile=cpython311")
        ->type_name("NAME=VALUE");
}

void add_limit_options(CLI::App& app, LimitOptions& o) {
    app.add_option("--max-states", o.max_states, "Stop after this many states (0 = no limit); exit code 3")
        ->capture_default_str();
    app.add_option("--max-seconds", o.max_seconds, "Stop after this many seconds (0 = no limit); exit code 3")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--max-memory", o.max_memory_mib,
                   "Stop before the state store passes this many MiB; exit code 3 (default: 75% of RAM, " +
                       std::to_string(default_memory_mib()) + ")");
}

}  // namespace stateproof::cli
