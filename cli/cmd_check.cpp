#include "cli/cmd_check.h"

#include <cstdio>
#include <iostream>

#include "cli/engines.h"
#include "cli/output_file.h"
#include "cli/print_json.h"
#include "cli/print_text.h"
#include "cli/progress.h"
#include "explorer/check.h"
#include "spec/trace.h"

namespace stateproof::cli {

using namespace stateproof::spec;

CLI::App* setup_check(CLI::App& app, CheckCommand& o) {
    CLI::App* c = app.add_subcommand("check", "Check every invariant and transition property of a spec (and deadlock freedom)");
    add_spec_options(*c, o.spec);
    c->add_option("--invariant", o.invariants,
                  "Check only this property (repeatable; 'deadlock' names deadlock freedom)")
        ->type_name("NAME");
    std::string engines;
    for (const auto& e : engine_names()) engines += (engines.empty() ? "" : "|") + e;
    c->add_option("--engine", o.engine, "Engine: " + engines)->capture_default_str()->check(CLI::IsMember(engine_names()));
    c->add_option("--depth", o.depth, "Bound for the bounded engines (0 = engine default)")->capture_default_str();
    c->add_flag("--json", o.json, "Print the result as JSON (counterexamples in ITF)");
    c->add_option("--cex", o.cex_file,
                  "Write the counterexample as ITF JSON to FILE ({property} in FILE is replaced by the property name)")
        ->type_name("FILE");
    c->add_flag("--full-states", o.full_states, "Print every variable at every step, not only the changed ones");
    c->add_flag("--no-deadlock", o.no_deadlock, "Do not report states without an enabled action");
    c->add_flag("--fingerprint", o.fingerprint,
                "Store 64-bit fingerprints instead of whole states (8 bytes per state; reports the collision probability)");
    add_limit_options(*c, o.limits);
    return c;
}

int run_check(const CheckCommand& o) {
    Machine m = o.spec.load();
    CompiledMachine cm(m);
    EngineRequest req;
    req.deadlock = !o.no_deadlock;
    explorer::select_properties(m, o.invariants, req.properties, req.deadlock);
    req.limits = o.limits.limits();
    req.fingerprint = o.fingerprint;
    if (o.depth) req.depth = o.depth;
    req.progress = progress_printer(o.json);

    CheckResult r = run_engine(o.engine, cm, req);

    if (!o.cex_file.empty()) {
        const std::string placeholder = "{property}";
        bool per_property = o.cex_file.find(placeholder) != std::string::npos;
        std::vector<const PropertyResult*> violated;
        for (const auto& p : r.properties)
            if (p.cex) violated.push_back(&p);
        for (const PropertyResult* p : violated) {
            std::string path = o.cex_file;
            if (per_property) path.replace(path.find(placeholder), placeholder.size(), p->name);
            write_file_atomically(path, to_itf(m, *p->cex, p->name + " violated").dump(2) + "\n");
            if (!per_property) {
                if (violated.size() > 1)
                    std::fprintf(stderr,
                                 "note: %s holds the counterexample of %s; %zu more properties are violated (put "
                                 "{property} in the --cex file name to write each)\n",
                                 o.cex_file.c_str(), p->name.c_str(), violated.size() - 1);
                break;
            }
        }
    }

    if (o.json) {
        std::cout << check_json(m, r).dump(2) << "\n";
    } else {
        TraceStyle style;
        style.full_states = o.full_states;
        std::cout << format_check(m, r, style);
    }
    return exit_code_of(r);
}

}  // namespace stateproof::cli
