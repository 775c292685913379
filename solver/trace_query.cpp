#include "solver/session.h"

#include "solver/decode.h"
#include "spec/diagnostics.h"

namespace stateproof::solver {

using namespace stateproof::spec;

TraceQueryResult query_trace(const CompiledMachine& cm, const std::vector<ObservedStep>& steps, double max_seconds) {
    SolverOptions o;
    o.deadlock = false;
    o.max_seconds = max_seconds;
    Session ses(cm, o, "smt");
    Encoder& enc = ses.enc;
    z3::solver s(ses.ctx, "QF_BV");
    s.add(enc.init());
    TraceQueryResult r;
    // Prefix by prefix: the first step after which the constraints become
    // unsatisfiable is the first one the spec cannot produce.
    for (uint32_t k = 0; k < steps.size(); ++k) {
        const ObservedStep& st = steps[k];
        uint32_t inst = cm.instance_of(st.action, st.args);
        if (!st.stopped.empty()) {
            r.reason = "step " + std::to_string(k + 1) + ": the implementation stopped (" + st.stopped + ")";
            return r;
        }
        s.add(enc.transition(k));
        s.add(enc.act(k) == enc.num(inst));
        z3::check_result c = ses.check(s, enc.emits_exactly(k, st.events));
        if (c == z3::unknown) {
            r.unknown = true;
            r.reason = ses.stopped_by;
            return r;
        }
        if (c == z3::unsat) {
            // Which part fails: the step itself, or its events?
            bool possible = ses.check(s, ses.ctx.bool_val(true)) == z3::sat;
            r.reason = "step " + std::to_string(k + 1) + " (" + cm.describe(inst) + "): " +
                       (possible ? "the spec cannot emit these events there" : "the spec does not allow this step there");
            return r;
        }
        s.add(enc.emits_exactly(k, st.events));
        r.steps_matched = k + 1;
    }
    r.matches = true;
    return r;
}

}  // namespace stateproof::solver
