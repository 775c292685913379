#include "cli/cmd_check.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/engines.h"
#include "cli/interrupt.h"
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
    // Through a function, so that an explicit --depth 0 (the initial states
    // only) is told apart from no --depth; as a plain 0 it meant the default.
    c->add_option_function<uint32_t>(
         "--depth", [&o](const uint32_t& d) { o.depth = d; },
         "Bound for bmc and kind (default " + std::to_string(kDefaultDepth) +
             "; 0 checks the initial states only; with --engine all, the explorer's diameter + 1)");
    c->add_flag("--bounded", o.bounded,
                "kind: accept 'holds up to depth K' as an answer (exit 0) when induction does not close");
    c->add_flag("--no-cross-check", o.no_cross_check,
                "kind: do not re-check the answer with the explorer (by default it does so on spaces of up to " +
                    std::to_string(kCrossCheckStates) + " states)");
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

// --engine all: every engine's verdict side by side; a disagreement is a bug
// in stateproof, reported with both answers (exit 2).
static int run_check_all(const CheckCommand& o, const Machine& m, const CompiledMachine& cm, const EngineRequest& req) {
    Comparison c = run_all_engines(cm, req);
    if (o.json) {
        StreamedJson traces;
        traces.write(std::cout, comparison_json(m, c.results, c.disagreements, &traces));
        std::cout << "\n";
    }
    else std::cout << format_comparison(m, c.results);
    if (!c.disagreements.empty()) {
        std::string msg = "the engines disagree (a bug in stateproof):";
        for (const auto& d : c.disagreements) msg += "\n  " + d;
        throw InternalError(msg);
    }
    // A violation from any engine wins; otherwise the worst of the rest
    // (an engine that stopped at a limit makes the whole answer incomplete).
    int code = exit_code::holds;
    for (const auto& r : c.results)
        if (r.any_violated()) return exit_code::violated;
    for (const auto& r : c.results) code = std::max(code, exit_code_of(r));
    return code;
}

int run_check(const CheckCommand& o) {
    // With {property} in a folder name the folders are the user's to make.
    if (!o.cex_file.empty() && std::filesystem::path(o.cex_file).parent_path().string().find("{property}") == std::string::npos)
        check_output_file("--cex", o.cex_file);
    Budget budget(o.limits.limits());  // the limits hold while loading and compiling too
    Machine m = o.spec.load(&budget);
    CompiledMachine cm(m, &budget);
    EngineRequest req;
    req.deadlock = !o.no_deadlock;
    explorer::select_properties(m, o.invariants, req.properties, req.deadlock);
    req.limits = budget.remaining(o.limits.limits());
    req.fingerprint = o.fingerprint;
    req.depth = o.depth;
    req.progress = progress_printer(o.json);

    req.bounded_ok = o.bounded;
    if (o.no_cross_check) req.cross_check_states = 0;
    // The explorer stops between states, the solver engines between phases
    // or at once inside a Z3 query (their watchdog interrupts it).
    catch_interrupts();
    req.limits.interrupted = interrupt_signal;
    req.leave_solver_context = true;
    if (o.engine == "all") return run_check_all(o, m, cm, req);
    CheckResult r = run_engine(o.engine, cm, req);

    LateOutputs outputs;
    if (!o.cex_file.empty()) {
        const std::string placeholder = "{property}";
        bool per_property = o.cex_file.find(placeholder) != std::string::npos;
        std::vector<const PropertyResult*> violated;
        for (const auto& p : r.properties)
            if (p.cex) violated.push_back(&p);
        for (const PropertyResult* p : violated) {
            std::string path = o.cex_file;
            if (per_property) path.replace(path.find(placeholder), placeholder.size(), p->name);
            outputs.attempt([&] {
                StreamedJson states;
                nlohmann::json doc = itf_streamed(m, *p->cex, p->name + " violated", states);
                write_file_atomically(path, [&](std::ostream& out) {
                    states.write(out, doc);
                    out << "\n";
                });
            });
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
        StreamedJson traces;
        traces.write(std::cout, check_json(m, r, &traces));
        std::cout << "\n";
    } else {
        TraceStyle style;
        style.full_states = o.full_states;
        write_check(std::cout, m, r, style);
    }
    int code = exit_code_of(r);
    int with_outputs = outputs.finish(code);
    return r.stats.interrupted_by ? code : with_outputs;  // an interrupt keeps its own code
}

}  // namespace stateproof::cli
