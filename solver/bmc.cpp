#include "solver/session.h"

namespace stateproof::solver {

using namespace stateproof::spec;

spec::CheckResult check_bmc(const CompiledMachine& cm, const SolverOptions& o) {
    Session ses(cm, o, "bmc");
    z3::solver base(ses.ctx, "QF_BV");
    base.add(ses.enc.init());
    uint32_t reached = 0;
    for (uint32_t k = 0; k <= o.depth && ses.any_open(); ++k) {
        ses.check_state(base, k);
        if (k == o.depth || !ses.any_open() || ses.stopped) {
            reached = k;
            break;
        }
        // Incremental: the solver keeps every step added so far.
        base.add(ses.enc.transition(k));
        ses.check_step(base, k);
        reached = k + 1;
        if (ses.stopped) break;
    }
    CheckResult& r = ses.result;
    r.stats.depth = reached;
    r.stats.seconds = ses.seconds();
    r.stats.stopped_by = ses.stopped_by;
    for (const Goal& g : ses.goals) {
        if (g.kind == Goal::Kind::Error || g.refuted) continue;
        PropertyResult& p = r.properties[g.result];
        if (ses.stopped) {
            p.verdict = Verdict::Unknown;
            p.reason = "no violation up to depth " + std::to_string(reached) + "; " + ses.stopped_by;
        } else {
            p.verdict = Verdict::Holds;
            p.reason = "no violation up to depth " + std::to_string(o.depth) + " (bounded)";
            p.bound = o.depth;
        }
    }
    r.stats.complete = !ses.stopped;
    return r;
}

}  // namespace stateproof::solver
