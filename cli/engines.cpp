#include "cli/engines.h"

#include <algorithm>

#include "explorer/check.h"
#include "solver/solver.h"
#include "spec/diagnostics.h"

namespace stateproof::cli {

const std::vector<std::string>& engine_names() {
    static const std::vector<std::string> names = {"explicit", "bmc", "kind", "all"};
    return names;
}

// A proof is only as good as the encoding it was made on, so before a
// k-induction answer is printed the explorer checks the same properties
// wherever it can enumerate the space: any contradiction (a proof of a
// property the explorer refutes, a counterexample of another length) is a bug
// in stateproof, reported with both answers, never a verdict.
static void cross_check(const spec::CompiledMachine& cm, const EngineRequest& req, spec::CheckResult& r) {
    explorer::CheckOptions o;
    o.limits = req.limits;
    // --max-seconds holds for the whole check: the explorer gets what the
    // induction left of it.
    if (o.limits.max_seconds > 0) {
        double left = o.limits.max_seconds - r.stats.seconds;
        if (left <= 0) {
            r.cross_check = spec::CrossCheck{};
            r.cross_check->why_not = "no time was left under --max-seconds";
            return;
        }
        o.limits.max_seconds = left;
    }
    if (!o.limits.max_states || o.limits.max_states > req.cross_check_states) o.limits.max_states = req.cross_check_states;
    o.deadlock = req.deadlock;
    o.properties = req.properties;
    spec::CheckResult e = explorer::check_explicit(cm, o);
    if (e.stats.interrupted_by) r.stats.interrupted_by = e.stats.interrupted_by;
    // A partial search's verdicts still count (its counterexamples are
    // shortest, its unknowns contradict nothing), but only a complete one
    // confirms the proofs.
    std::vector<std::string> d = compare_results({r, e});
    if (!d.empty()) {
        std::string msg = "k-induction's answer does not survive the explorer's cross-check (a bug in stateproof):";
        for (const auto& x : d) msg += "\n  " + x;
        throw spec::InternalError(msg);
    }
    spec::CrossCheck c;
    c.states = e.stats.states;
    c.seconds = e.stats.seconds;
    c.complete = e.stats.complete;
    if (!c.complete) c.why_not = "the explorer stopped after " + std::to_string(e.stats.states) + " states (" + e.stats.stopped_by + ")";
    r.cross_check = c;
}

spec::CheckResult run_engine(const std::string& engine, const spec::CompiledMachine& cm, const EngineRequest& req) {
    if (engine == "explicit") {
        explorer::CheckOptions o;
        o.limits = req.limits;
        o.fingerprint = req.fingerprint;
        o.deadlock = req.deadlock;
        o.properties = req.properties;
        o.progress = req.progress;
        return explorer::check_explicit(cm, o);
    }
    if (engine == "bmc" || engine == "kind") {
        solver::SolverOptions o;
        o.properties = req.properties;
        o.deadlock = req.deadlock;
        o.depth = req.depth.value_or(kDefaultDepth);
        o.bounded_ok = req.bounded_ok;
        o.max_seconds = req.limits.max_seconds;
        o.max_seconds_given = req.limits.max_seconds_given;
        o.max_memory_mib = req.limits.max_memory_bytes / (1024 * 1024);
        o.interrupted = req.limits.interrupted;
        o.leave_context = req.leave_solver_context;
        if (engine == "bmc") return solver::check_bmc(cm, o);
        spec::CheckResult r = solver::check_kinduction(cm, o);
        // An interrupted induction is reported as it stands.
        if (req.cross_check_states && !r.stats.interrupted_by) cross_check(cm, req, r);
        return r;
    }
    throw spec::UsageError("--engine " + engine + ": unknown engine");
}

std::vector<std::string> compare_results(const std::vector<spec::CheckResult>& results) {
    std::vector<std::string> out;
    if (results.empty()) return out;
    for (size_t p = 0; p < results[0].properties.size(); ++p) {
        const std::string& name = results[0].properties[p].name;
        for (size_t a = 0; a < results.size(); ++a) {
            for (size_t b = a + 1; b < results.size(); ++b) {
                const auto& x = results[a].properties[p];
                const auto& y = results[b].properties[p];
                auto says = [](const spec::CheckResult& r, const spec::PropertyResult& q) {
                    std::string v = q.verdict == spec::Verdict::Violated ? "violated (" + std::to_string(q.cex->length()) + " steps)"
                                    : q.verdict == spec::Verdict::Holds ? "holds" : "unknown";
                    return r.engine + " says " + v + (q.reason.empty() ? "" : " [" + q.reason + "]");
                };
                // A bounded "holds" contradicts only a counterexample within its bound.
                auto contradicts = [](const spec::PropertyResult& v, const spec::PropertyResult& h) {
                    return v.verdict == spec::Verdict::Violated && h.verdict == spec::Verdict::Holds &&
                           (!h.bound || v.cex->length() <= *h.bound);
                };
                bool conflict = contradicts(x, y) || contradicts(y, x) ||
                                (x.verdict == spec::Verdict::Violated && y.verdict == spec::Verdict::Violated &&
                                 x.cex->length() != y.cex->length());
                if (conflict) out.push_back(name + ": " + says(results[a], x) + ", but " + says(results[b], y));
            }
        }
    }
    return out;
}

Comparison run_all_engines(const spec::CompiledMachine& cm, const EngineRequest& req) {
    Comparison c;
    c.results.push_back(run_engine("explicit", cm, req));
    // The bounded engines go one step past the explorer's diameter, so every
    // transition out of the deepest states is checked too.
    EngineRequest bounded = req;
    if (!bounded.depth && c.results[0].stats.complete) bounded.depth = c.results[0].stats.depth + 1;
    // Induction that does not close within that bound is not a failure here:
    // the explorer's answer is complete, and the table shows "holds (<= K)".
    bounded.bounded_ok = true;
    // The explorer's own answer is the cross-check here: compared below.
    bounded.cross_check_states = 0;
    // --max-seconds holds for the three together: each gets what is left.
    auto left = [&](EngineRequest r) {
        if (r.limits.max_seconds > 0) {
            double spent = 0;
            for (const auto& x : c.results) spent += x.stats.seconds;
            r.limits.max_seconds = std::max(r.limits.max_seconds - spent, 1e-3);
        }
        return r;
    };
    c.results.push_back(run_engine("bmc", cm, left(bounded)));
    c.results.push_back(run_engine("kind", cm, left(bounded)));
    c.disagreements = compare_results(c.results);
    return c;
}

}  // namespace stateproof::cli
