#include "solver/session.h"

namespace stateproof::solver {

using namespace stateproof::spec;

spec::CheckResult check_kinduction(const CompiledMachine& cm, const SolverOptions& o) {
    Session ses(cm, o, "kind");
    Encoder& enc = ses.enc;
    // Base cases: an incremental BMC from the initial states.
    z3::solver base(ses.ctx, "QF_BV");
    base.add(enc.init());
    // Step cases: a path of k+1 states from anywhere, all distinct (simple
    // paths), along which every property not refuted so far holds before the
    // last state (or step). A property that must then hold at the end is
    // k-inductive; with the base cases up to k it holds everywhere.
    z3::solver step(ses.ctx, "QF_BV");
    step.add(enc.domains(0));
    std::vector<int> proved_at(ses.goals.size(), -1);
    uint32_t k = 0;
    for (; k <= o.depth && ses.any_open(); ++k) {
        ses.check_state(base, k);  // states 0..k reached from the initial states
        if (k > 0 && !ses.stopped) {
            // The step path: states 0..k, transitions 0..k-1.
            for (uint32_t j = 0; j < k; ++j) step.add(enc.distinct(j, k));
            for (size_t gi = 0; gi < ses.goals.size(); ++gi) {
                Goal& g = ses.goals[gi];
                if (g.refuted) continue;
                if (g.kind == Goal::Kind::Transition) {
                    if (k >= 2) step.add(ses.holds(g, k - 2));
                } else {
                    step.add(ses.holds(g, k - 1));
                }
            }
            for (size_t gi = 0; gi < ses.goals.size(); ++gi) {
                Goal& g = ses.goals[gi];
                if (!ses.open(g) || g.kind == Goal::Kind::Error) continue;
                // Base cases so far: states 0..k checked, steps 0..k-1 below.
                if (ses.check(step, !ses.holds(g, g.kind == Goal::Kind::Transition ? k - 1 : k)) == z3::unsat) {
                    g.proved = true;
                    proved_at[gi] = int(k);
                }
            }
        }
        if (k == o.depth || !ses.any_open() || ses.stopped) break;
        base.add(enc.transition(k));
        step.add(enc.transition(k));
        ses.check_step(base, k);
        if (ses.stopped) break;
    }
    CheckResult& r = ses.result;
    r.stats.depth = k;
    r.stats.seconds = ses.seconds();
    r.stats.stopped_by = ses.stopped_by;
    for (size_t gi = 0; gi < ses.goals.size(); ++gi) {
        const Goal& g = ses.goals[gi];
        if (g.kind == Goal::Kind::Error || g.refuted) continue;
        PropertyResult& p = r.properties[g.result];
        if (g.proved) {
            p.verdict = Verdict::Holds;
            p.reason = "proved by k-induction at k = " + std::to_string(proved_at[gi]);
        } else if (o.bounded_ok && !ses.stopped) {
            p.verdict = Verdict::Holds;
            p.reason = "holds up to depth " + std::to_string(k) + ", not proved (bounded answer accepted)";
            p.bound = k;
        } else {
            p.verdict = Verdict::Unknown;
            p.reason = "holds up to depth " + std::to_string(k) + ", not proved" +
                       (ses.stopped ? "; " + ses.stopped_by : " by k-induction up to k = " + std::to_string(k));
        }
    }
    r.stats.complete = !ses.stopped;
    return r;
}

}  // namespace stateproof::solver
