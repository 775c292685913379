#include "cli/cmd_explore.h"

#include <iostream>

#include "cli/interrupt.h"
#include "cli/output_file.h"
#include "cli/print_dot.h"
#include "cli/print_json.h"
#include "cli/print_text.h"
#include "cli/progress.h"
#include "explorer/explore.h"

namespace stateproof::cli {

using namespace stateproof::spec;

CLI::App* setup_explore(CLI::App& app, ExploreCommand& o) {
    CLI::App* c = app.add_subcommand("explore", "Count reachable states and transitions; diameter, deadlocks, action coverage");
    add_spec_options(*c, o.spec);
    c->add_flag("--json", o.json, "Print the result as JSON");
    c->add_option("--dot", o.dot_file, "Write the state graph in Graphviz DOT to FILE")->type_name("FILE");
    c->add_option("--dot-vars", o.dot_vars,
                  "With --dot: one node per valuation of these variables (the quotient graph), not per state")
        ->type_name("VAR")
        ->delimiter(',');
    c->add_option("--dot-max", o.dot_max, "With --dot: refuse graphs with more nodes than this")->capture_default_str();
    c->add_flag("--no-deadlock", o.no_deadlock, "Do not look for states without an enabled action");
    c->add_flag("--fingerprint", o.fingerprint, "Store 64-bit fingerprints instead of whole states");
    c->add_flag("--full-states", o.full_states, "Print every variable in the deadlock trace");
    add_limit_options(*c, o.limits);
    return c;
}

int run_explore(const ExploreCommand& o) {
    if (!o.dot_file.empty()) check_output_file("--dot", o.dot_file);
    Budget budget(o.limits.limits());  // the limits hold while loading and compiling too
    Machine m = o.spec.load(&budget);
    CompiledMachine cm(m, &budget);
    explorer::ExploreOptions eo;
    eo.limits = budget.remaining(o.limits.limits());
    catch_interrupts();  // SIGINT/SIGTERM: the report of what was explored, exit 128 + the signal
    eo.limits.interrupted = interrupt_signal;
    eo.fingerprint = o.fingerprint;
    eo.deadlock = !o.no_deadlock;
    eo.progress = progress_printer(o.json);
    std::vector<uint32_t> qvars;
    if (!o.dot_file.empty()) {
        if (o.fingerprint) throw UsageError("--dot needs the exact store; drop --fingerprint");
        explorer::GraphRequest g;
        g.max_nodes = o.dot_max;
        for (const std::string& v : o.dot_vars) {
            auto id = m.find_var(v);
            if (!id) throw UsageError("--dot-vars " + v + ": the spec has no state variable named '" + v + "'");
            qvars.push_back(*id);
        }
        g.quotient_vars = qvars;
        eo.graph = g;
    } else if (!o.dot_vars.empty()) {
        throw UsageError("--dot-vars needs --dot FILE");
    }

    explorer::ExploreResult r = explorer::explore(cm, eo);

    LateOutputs outputs;
    if (r.graph && r.stats.interrupted_by)
        outputs.attempt([&] { throw UsageError("--dot " + o.dot_file + ": not written: the search was interrupted, the graph is not whole"); });
    else if (r.graph) outputs.attempt([&] {
        if (r.graph->too_large)
            throw UsageError("--dot: the graph has more than " + std::to_string(o.dot_max) +
                             " nodes; nothing was written. Raise --dot-max, or draw the quotient graph with "
                             "--dot-vars VAR,... (one node per valuation of those variables)");
        write_file_atomically(o.dot_file, format_dot(m, cm, *r.graph, qvars));
    });
    if (o.json) {
        StreamedJson traces;
        traces.write(std::cout, explore_json(m, cm, r, &traces));
        std::cout << "\n";
    } else {
        TraceStyle style;
        style.full_states = o.full_states;
        write_explore(std::cout, m, cm, r, style);
    }
    if (r.stats.interrupted_by) {
        outputs.finish(0);
        return 128 + r.stats.interrupted_by;
    }
    return outputs.finish(r.stats.complete ? exit_code::holds : exit_code::limit);
}

}  // namespace stateproof::cli
