#include "solver/session.h"

#include <sstream>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "solver/decode.h"
#include "spec/diagnostics.h"

namespace stateproof::solver {

using namespace stateproof::spec;

Session::Session(const CompiledMachine& cm, const SolverOptions& o, const std::string& engine)
    : ctx_(std::make_unique<z3::context>()), ctx(*ctx_), enc(ctx, cm), options(o), start_(std::chrono::steady_clock::now()) {
    if (o.max_memory_mib) z3::set_param("memory_max_size", std::to_string(o.max_memory_mib).c_str());
    const Machine& m = cm.machine();
    result.engine = engine;
    // Run-time errors of the spec are a goal of their own: found, they stop
    // the check with the spec error, as in the explicit engine.
    goals.push_back(Goal{Goal::Kind::Error});
    for (uint32_t p : o.properties) {
        PropertyResult r;
        r.name = m.properties[p].name;
        r.property = p;
        goals.push_back(Goal{m.properties[p].kind == Property::Kind::Invariant ? Goal::Kind::Invariant : Goal::Kind::Transition,
                             p, result.properties.size()});
        result.properties.push_back(std::move(r));
    }
    if (o.deadlock) {
        PropertyResult r;
        r.name = kDeadlock;
        goals.push_back(Goal{Goal::Kind::Deadlock, 0, result.properties.size()});
        result.properties.push_back(std::move(r));
    }
    if (o.max_seconds > 0 || o.interrupted) watchdog_ = std::thread([this] { watch(); });
}

Session::~Session() {
    if (watchdog_.joinable()) {
        {
            std::lock_guard<std::mutex> lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        watchdog_.join();
    }
    if (options.leave_context) {
        z3::context* left = ctx_.release();  // see SolverOptions::leave_context
#if defined(__SANITIZE_ADDRESS__)
        // Left on purpose, not lost: LeakSanitizer would fail the exit.
        __lsan_ignore_object(left);
#endif
        static_cast<void>(left);
    }
}

void Session::watch() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
        cv_.wait_for(lock, std::chrono::milliseconds(20));
        if (done_ || fired_.load()) continue;
        int f = 0;
        if (options.max_seconds > 0 && seconds() >= options.max_seconds) f = -1;
        else if (options.interrupted) f = options.interrupted();
        if (f) {
            fired_ = f;
            // Once: Z3 keeps the cancellation, so every later call fails
            // too; the engines stop at their next question (expired()).
            ctx.interrupt();
        }
    }
}

bool Session::expired() {
    int f = fired_.load();
    if (!f && options.max_seconds > 0 && seconds() >= options.max_seconds) f = -1;
    if (!f && options.interrupted) f = options.interrupted();
    if (!f) return false;
    // A stop for another reason (the solver gave up) stays the reason;
    // a signal still sets the exit code.
    if (f > 0) interrupted_by = f;
    std::string where = phase.empty() ? "" : " while " + phase;
    if (f < 0) {
        std::ostringstream limit;
        limit << (options.max_seconds_given > 0 ? options.max_seconds_given : options.max_seconds);
        stop("--max-seconds " + limit.str() + " reached" + where);
    } else {
        stop("interrupted (signal " + std::to_string(f) + ")" + where);
    }
    return true;
}

void Session::failed(const z3::exception& e) {
    if (expired()) return;
    std::string where = phase.empty() ? "" : " while " + phase;
    std::string msg = e.msg();
    if (options.max_memory_mib && msg.find("memory") != std::string::npos)
        stop("--max-memory " + std::to_string(options.max_memory_mib) + " reached" + where);
    else
        stop("the solver failed" + where + ": " + msg);
}

double Session::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Session::stop(const std::string& why) {
    if (!stopped) stopped_by = why;
    stopped = true;
}

bool Session::any_open() const {
    for (size_t i = 1; i < goals.size(); ++i)
        if (open(goals[i])) return true;
    return false;
}

z3::check_result Session::check(z3::solver& s, const z3::expr& e, const std::vector<z3::expr>& extra) {
    // The time limit is the watchdog's (it interrupts the query), so no
    // Z3 timeout is set: it would start a timer thread per query.
    if (stopped || expired()) return z3::unknown;
    // A fresh literal guards the query (check under an assumption, no
    // push/pop): everything the solver learnt stays, and the guarded clause is
    // switched off for good afterwards.
    z3::expr guard = ctx.bool_const(("q" + std::to_string(queries_++)).c_str());
    z3::check_result r;
    try {
        // Z3 takes SIGINT over during a query by default ("interrupted from
        // keyboard"); the signal is ours to report (cli/interrupt.cpp).
        z3::params p(ctx);
        p.set("ctrl_c", false);
        s.set(p);
        s.add(z3::implies(guard, e));
        z3::expr_vector assume(ctx);
        assume.push_back(guard);
        for (const auto& a : extra) assume.push_back(a);
        r = s.check(assume);
        if (r == z3::sat) model = s.get_model();
        else if (r == z3::unknown && !expired()) stop("the solver gave up: " + s.reason_unknown());
        s.add(!guard);
    } catch (const z3::exception& ex) {
        failed(ex);
        r = z3::unknown;
    }
    return r;
}

z3::expr Session::holds(const Goal& g, uint32_t k) {
    switch (g.kind) {
    case Goal::Kind::Invariant:
    case Goal::Kind::Transition: return enc.property(g.property, k);
    case Goal::Kind::Deadlock: return !enc.deadlock(k);
    case Goal::Kind::Error: return !enc.error(k);
    }
    return ctx.bool_val(true);
}

void Session::refute(Goal& g, uint32_t steps) {
    // Decoded first: cut short by an interrupt (z3::exception), the goal stays open.
    Trace cex = decode(enc, *model, steps);
    confirm(g, cex);
    g.refuted = true;
    PropertyResult& r = result.properties[g.result];
    r.verdict = Verdict::Violated;
    r.cex = std::move(cex);
    if (g.kind == Goal::Kind::Deadlock)
        r.reason = "a reachable state where no action is enabled and the spec's 'final' does not hold";
}

void Session::confirm(const Goal& g, const Trace& t) {
    // decode() replayed the path; here the evaluator also sees the violation
    // at its end, so no counterexample is printed on the solver's word alone.
    const CompiledMachine& cm = enc.compiled();
    const Machine& m = cm.machine();
    Evaluator ev(cm);
    const Step& last = t.steps.back();
    std::string path = "init";
    for (size_t j = 1; j < t.steps.size(); ++j)
        path += " -> " + cm.describe(cm.instance_of(t.steps[j].action, t.steps[j].args));
    auto fails = [&](const EvalError& e, const std::string& doing, const StateValues& state) {
        return SpecError(m.source, e.loc, e.message,
                         "  while " + doing + " in this state (found by the " + result.engine + " engine):\n" +
                             cm.describe_state(state.data(), "    ") + "  reached by: " + path);
    };
    bool violated = false;
    switch (g.kind) {
    case Goal::Kind::Invariant:
        ev.load_values(last.state.data());
        try {
            violated = !ev.invariant_pre(g.property);
        } catch (const EvalError& e) {
            throw fails(e, "evaluating a state predicate", last.state);
        }
        break;
    case Goal::Kind::Transition: {
        const StateValues& before = t.steps[t.steps.size() - 2].state;
        ev.load_values(before.data());
        ev.fire(cm.instance_of(last.action, last.args));
        try {
            violated = !ev.transition(g.property);
        } catch (const EvalError& e) {
            throw fails(e, "checking a transition property after " + cm.describe(cm.instance_of(last.action, last.args)),
                        before);
        }
        break;
    }
    case Goal::Kind::Deadlock: {
        ev.load_values(last.state.data());
        bool enabled = false;
        for (uint32_t i = 0; i < cm.instance_count() && !enabled; ++i) enabled = ev.enabled(i);
        try {
            violated = !enabled && !ev.final_pre();
        } catch (const EvalError& e) {
            throw fails(e, "evaluating the final predicate", last.state);
        }
        break;
    }
    case Goal::Kind::Error: return;
    }
    if (!violated)
        throw InternalError("solver counterexample for " + result.properties[g.result].name +
                            " replays, but the evaluator finds no violation at its end");
}

void Session::runtime_error(uint32_t k) {
    // Replay the path with the evaluator; the step that fails raises the
    // EvalError, which is reported like the explicit engine's.
    const CompiledMachine& cm = enc.compiled();
    std::vector<StateValues> states = decode_states(enc, *model, k);
    Evaluator ev(cm);
    std::string path = "init";
    for (uint32_t j = 0; j < k; ++j) {
        uint32_t inst = uint32_t(signed_value(model->eval(enc.act(j), true), enc.width()));
        path += " -> " + cm.describe(inst);
    }
    ev.load_values(states[k].data());
    for (uint32_t i = 0; i < cm.instance_count(); ++i) {
        try {
            if (!ev.enabled(i)) continue;
            ev.fire(i);
        } catch (const EvalError& e) {
            throw SpecError(cm.machine().source, e.loc, e.message,
                            "  while evaluating " + cm.describe(i) + " in this state (found by the " + result.engine +
                                " engine):\n" + cm.describe_state(states[k].data(), "    ") + "  reached by: " + path);
        }
        ev.load_values(states[k].data());
    }
    throw InternalError("the solver found a run-time error at depth " + std::to_string(k) + " that the evaluator does not");
}

void Session::init_error() {
    // The init constraints fail on some candidate initial state: the
    // evaluator, enumerating the candidates as the explorer does, meets the
    // first such failure and reports it the same way.
    z3::solver s(ctx, "QF_BV");
    if (check(s, enc.init_error()) != z3::sat) return;
    Evaluator ev(enc.compiled());
    try {
        ev.for_each_initial([](const int32_t*) {});
    } catch (const EvalError& e) {
        throw SpecError(enc.machine().source, e.loc, e.message,
                        "  while evaluating an init constraint on this candidate initial state (found by the " +
                            result.engine + " engine):\n" + enc.compiled().describe_state(ev.pre(), "    "));
    }
    throw InternalError("the solver found a run-time error in an init constraint that the evaluator does not");
}

void Session::check_state(z3::solver& base, uint32_t k) {
    if (k == 0) init_error();
    if (check(base, enc.error(k)) == z3::sat) runtime_error(k);
    for (Goal& g : goals) {
        if (!open(g) || g.kind == Goal::Kind::Transition || g.kind == Goal::Kind::Error) continue;
        if (check(base, !holds(g, k)) == z3::sat) refute(g, k);
    }
}

void Session::check_step(z3::solver& base, uint32_t k) {
    for (Goal& g : goals) {
        if (!open(g) || g.kind != Goal::Kind::Transition) continue;
        if (check(base, !holds(g, k)) == z3::sat) refute(g, k + 1);
    }
}

}  // namespace stateproof::solver
