#include "cli/cmd_diff.h"

#include <iostream>
#include <memory>
#include <set>

#include "cli/interrupt.h"
#include "cli/output_file.h"
#include "cli/print_json.h"
#include "cli/print_junit.h"
#include "cli/print_text.h"
#include "explorer/diff.h"
#include "spec/check.h"

namespace stateproof::cli {

using namespace stateproof::spec;

CLI::App* setup_diff(CLI::App& app, DiffCommand& o) {
    CLI::App* c = app.add_subcommand(
        "diff", "Compare two configurations of a spec over every input sequence (exactly, no driver): the shortest inputs after which they emit different events");
    add_spec_options(*c, o.spec);
    c->add_option("--against", o.against,
                  "The right configuration: the left one (--const) with this constant changed (repeatable), e.g. --against profile=cpython312")
        ->type_name("NAME=VALUE")
        ->required();
    add_limit_options(*c, o.limits);
    c->add_flag("--full-states", o.full_states, "Print every variable of both states before each difference, not only the ones the steps changed");
    c->add_flag("--json", o.json, "Print the result as JSON");
    c->add_option("--junit", o.junit, "Write a JUnit XML report (one test case per difference class) to FILE")->type_name("FILE");
    return c;
}

DiffSides load_sides(const DiffCommand& o, Budget* budget) {
    DiffSides s;
    ConstOverrides left = o.spec.overrides();
    ConstOverrides right = left;
    ConstOrigins origins;
    std::set<std::string> seen;
    for (const std::string& a : o.against) {
        auto eq = a.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == a.size())
            throw UsageError("--against " + a + ": expected NAME=VALUE, e.g. --against profile=cpython312");
        std::string name = a.substr(0, eq);
        if (!seen.insert(name).second) throw UsageError("--against " + name + " is given twice");
        right[name] = a.substr(eq + 1);
        origins[name] = "--against";
    }
    s.left_m = std::make_unique<Machine>(load_spec(o.spec.path, left, budget));
    s.right_m = std::make_unique<Machine>(load_spec(o.spec.path, right, budget, origins));
    s.left = std::make_unique<CompiledMachine>(*s.left_m, budget);
    s.right = std::make_unique<CompiledMachine>(*s.right_m, budget);
    explorer::check_same_inputs(*s.left, *s.right);
    return s;
}

int run_diff(const DiffCommand& o) {
    if (!o.junit.empty()) check_output_file("--junit", o.junit);
    Limits limits = o.limits.limits();
    Budget budget(limits);
    DiffSides sides = load_sides(o, &budget);
    catch_interrupts();  // from here on a signal ends the search with its report
    explorer::DiffOptions d;
    Limits rest = budget.remaining(limits);
    d.max_states = o.limits.max_states;
    d.max_seconds = rest.max_seconds;
    d.max_seconds_given = limits.seconds_for_messages();
    d.max_memory_bytes = limits.max_memory_bytes;
    d.interrupted = interrupt_signal;
    explorer::DiffResult r = explorer::diff(*sides.left, *sides.right, d);

    int code = r.interrupted_by          ? 128 + r.interrupted_by
               : !r.stopped_early.empty() ? exit_code::limit
               : !r.classes.empty()       ? exit_code::violated
                                          : exit_code::holds;
    LateOutputs outputs;
    if (!o.junit.empty()) outputs.attempt([&] { write_file_atomically(o.junit, junit_diff_xml(sides, o.spec.path, r)); });
    if (o.json) std::cout << diff_json(sides, o.spec.path, r, code).dump(2) << "\n";
    else {
        TraceStyle style;
        style.full_states = o.full_states;
        std::cout << format_diff(sides, o.spec.path, r, style);
    }
    int with_outputs = outputs.finish(code);
    return r.interrupted_by ? code : with_outputs;
}

}  // namespace stateproof::cli
