#include <algorithm>

#include "solver/session.h"

namespace stateproof::solver {

using namespace stateproof::spec;

spec::CheckResult check_bmc(const CompiledMachine& cm, const SolverOptions& o) {
    Session ses(cm, o, "bmc");
    z3::solver base(ses.ctx, "QF_BV");
    int64_t reached = -1;  // -1: stopped before depth 0 was checked
    try {
        ses.phase = "encoding the initial states";
        base.add(ses.enc.init());
        for (uint32_t k = 0; k <= o.depth && ses.any_open() && !ses.expired(); ++k) {
            ses.phase = "checking depth " + std::to_string(k);
            ses.check_state(base, k);
            if (ses.stopped) break;
            reached = k;  // states 0..k and the steps between them are checked
            if (k == o.depth || !ses.any_open()) break;
            // Encoding a step of a large spec takes long too: the limit is
            // asked before its terms go to the solver.
            ses.phase = "encoding step " + std::to_string(k + 1);
            z3::expr step = ses.enc.transition(k);
            if (ses.expired()) break;
            // Incremental: the solver keeps every step added so far.
            base.add(step);
            ses.phase = "checking step " + std::to_string(k + 1);
            ses.check_step(base, k);
            if (ses.stopped) break;
            if (!ses.any_open()) reached = k + 1;
        }
    } catch (const z3::exception& e) {
        ses.failed(e);  // out of --max-memory, or interrupted while encoding
    }
    CheckResult& r = ses.result;
    r.stats.depth = uint32_t(std::max<int64_t>(reached, 0));
    r.stats.seconds = ses.seconds();
    r.stats.stopped_by = ses.stopped_by;
    r.stats.interrupted_by = ses.interrupted_by;
    for (const Goal& g : ses.goals) {
        if (g.kind == Goal::Kind::Error || g.refuted) continue;
        PropertyResult& p = r.properties[g.result];
        if (ses.stopped) {
            p.verdict = Verdict::Unknown;
            p.reason = (reached < 0 ? std::string("not checked at any depth")
                                    : "no violation up to depth " + std::to_string(reached)) +
                       "; " + ses.stopped_by;
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
