#include <algorithm>

#include "solver/session.h"

namespace stateproof::solver {

using namespace stateproof::spec;

// k-induction over all properties at once. The step case of depth k is a
// path of states 0..k from any state; its hypotheses (each property on the
// first k states or k-1 steps, each path position distinct) are added under
// activation literals, so every query chooses which of them it assumes:
//  - only properties that survive the step case together are assumed
//    (a Houdini-style fixpoint per k): a property assumed while it was false
//    on some reachable state would make every proof that used it unsound;
//  - a transition property is checked on step k-1 without requiring state k
//    to differ from the others: the violating step may return to a state on
//    the path (a self-loop), while the path up to its source can always be
//    shortened to a simple one.
spec::CheckResult check_kinduction(const CompiledMachine& cm, const SolverOptions& o) {
    Session ses(cm, o, "kind");
    Encoder& enc = ses.enc;
    z3::context& ctx = ses.ctx;
    // Base cases: an incremental BMC from the initial states.
    z3::solver base(ctx, "QF_BV");
    z3::solver step(ctx, "QF_BV");
    std::vector<z3::expr> assumed;  // per goal: switches on its hypotheses
    std::vector<z3::expr> distinct; // per k >= 1: state k differs from states 0..k-1
    for (size_t gi = 0; gi < ses.goals.size(); ++gi)
        assumed.push_back(ctx.bool_const(("assume" + std::to_string(gi)).c_str()));
    std::vector<int> proved_at(ses.goals.size(), -1);
    uint32_t k = 0;
    int64_t checked = -1; // the base cases hold on states 0..checked (-1: none checked)
    try {
        ses.phase = "encoding the initial states";
        base.add(enc.init());
        step.add(enc.domains(0));
        for (; k <= o.depth && ses.any_open() && !ses.expired(); ++k) {
            ses.phase = "checking depth " + std::to_string(k);
            ses.check_state(base, k); // states 0..k reached from the initial states
            if (!ses.stopped) checked = int64_t(k);
            if (k > 0 && !ses.stopped) {
                ses.phase = "proving the induction step at k = " + std::to_string(k);
                distinct.push_back(ctx.bool_const(("distinct" + std::to_string(k)).c_str()));
                z3::expr d = ctx.bool_val(true);
                for (uint32_t j = 0; j < k; ++j)
                    d = d && enc.distinct(j, k);
                step.add(z3::implies(distinct.back(), d));
                for (size_t gi = 1; gi < ses.goals.size(); ++gi) {
                    const Goal& g = ses.goals[gi];
                    if (g.kind == Goal::Kind::Transition) {
                        if (k >= 2) step.add(z3::implies(assumed[gi], ses.holds(g, k - 2)));
                    } else {
                        step.add(z3::implies(assumed[gi], ses.holds(g, k - 1)));
                    }
                }
                // The candidates: every property not refuted (proved ones stay
                // as hypotheses). Drop those whose step case fails until the
                // rest are inductive together.
                std::vector<bool> in(ses.goals.size(), false);
                for (size_t gi = 1; gi < ses.goals.size(); ++gi)
                    in[gi] = !ses.goals[gi].refuted;
                for (bool changed = true; changed && !ses.stopped;) {
                    changed = false;
                    for (size_t gi = 1; gi < ses.goals.size() && !ses.stopped; ++gi) {
                        const Goal& g = ses.goals[gi];
                        if (!in[gi] || g.proved) continue;
                        bool transition = g.kind == Goal::Kind::Transition;
                        std::vector<z3::expr> a;
                        for (size_t h = 1; h < ses.goals.size(); ++h)
                            if (in[h]) a.push_back(assumed[h]);
                        for (size_t j = 0; j < distinct.size() - (transition ? 1 : 0); ++j)
                            a.push_back(distinct[j]);
                        if (ses.check(step, !ses.holds(g, transition ? k - 1 : k), a) !=
                            z3::unsat) {
                            in[gi] = false;
                            changed = true;
                        }
                    }
                }
                if (!ses.stopped)
                    for (size_t gi = 1; gi < ses.goals.size(); ++gi) {
                        Goal& g = ses.goals[gi];
                        if (in[gi] && !g.proved) {
                            g.proved = true;
                            proved_at[gi] = int(k);
                        }
                    }
            }
            if (k == o.depth || !ses.any_open() || ses.stopped) break;
            ses.phase = "encoding step " + std::to_string(k + 1);
            z3::expr t = enc.transition(k);
            if (ses.expired()) break;
            base.add(t);
            step.add(t);
            ses.phase = "checking step " + std::to_string(k + 1);
            ses.check_step(base, k);
            if (ses.stopped) break;
        }
    } catch (const z3::exception& e) {
        ses.failed(e); // out of --max-memory, or interrupted while encoding
    }
    CheckResult& r = ses.result;
    // Stopped while checking depth k, the base cases hold up to the one before.
    if (ses.stopped) k = uint32_t(std::max<int64_t>(checked, 0));
    r.stats.depth = k;
    r.stats.seconds = ses.seconds();
    r.stats.stopped_by = ses.stopped_by;
    r.stats.interrupted_by = ses.interrupted_by;
    for (size_t gi = 0; gi < ses.goals.size(); ++gi) {
        const Goal& g = ses.goals[gi];
        if (g.kind == Goal::Kind::Error || g.refuted) continue;
        PropertyResult& p = r.properties[g.result];
        if (g.proved) {
            p.verdict = Verdict::Holds;
            p.proved_at_k = proved_at[gi];
            p.reason = "proved by k-induction at k = " + std::to_string(proved_at[gi]);
        } else if (o.bounded_ok && !ses.stopped) {
            p.verdict = Verdict::Holds;
            p.reason =
                "holds up to depth " + std::to_string(k) + ", not proved (bounded answer accepted)";
            p.bound = k;
        } else {
            p.verdict = Verdict::Unknown;
            p.reason = (ses.stopped && checked < 0 ? std::string("not checked at any depth")
                                                   : "holds up to depth " + std::to_string(k) + ", not proved") +
                       (ses.stopped ? "; " + ses.stopped_by
                                    : " by k-induction up to k = " + std::to_string(k));
        }
    }
    r.stats.complete = !ses.stopped;
    return r;
}

} // namespace stateproof::solver
