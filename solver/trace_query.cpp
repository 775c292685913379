#include <optional>

#include "solver/session.h"

#include "solver/decode.h"
#include "spec/diagnostics.h"

namespace stateproof::solver {

using namespace stateproof::spec;

TraceQueryResult query_trace(const CompiledMachine& cm, const std::vector<ObservedStep>& steps, double max_seconds,
                             std::function<int()> interrupted, bool leave_context,
                             const std::optional<StateValues>& initial) {
    SolverOptions o;
    o.deadlock = false;
    o.max_seconds = max_seconds;
    o.interrupted = std::move(interrupted);
    o.leave_context = leave_context;
    Session ses(cm, o, "smt");
    Encoder& enc = ses.enc;
    std::optional<z3::solver> s;
    s.emplace(ses.ctx, "QF_BV");
    TraceQueryResult r;
    auto gave_up = [&] {
        r.unknown = true;
        r.interrupted_by = ses.interrupted_by;
        r.reason = ses.stopped_by;
        return r;
    };
    // The window: how often to ask whether the state is determined. Doubled
    // after each "no" (a spec that stays nondeterministic pays a few extra
    // queries), back to every step after a "yes".
    uint32_t every = 1, next_ask = 1;
    // State k equals a recorded state (an ITF trace records every state).
    auto equals = [&](uint32_t k, const StateValues& values) {
        z3::expr e = ses.ctx.bool_val(true);
        const std::vector<z3::expr>& x = enc.state(k);
        for (size_t i = 0; i < values.size(); ++i) e = e && x[i] == enc.num(values[i]);
        return e;
    };
    // What the recorded state k differs in from the spec's state k in the
    // solver's model (one state the spec reaches there, not always the closest).
    auto differences = [&](uint32_t k, const StateValues& recorded) {
        StateValues spec_state;
        for (const z3::expr& x : enc.state(k)) spec_state.push_back(signed_value(ses.model->eval(x, true), enc.width()));
        return state_difference(cm.machine(), recorded, spec_state);
    };
    try {
        ses.phase = "encoding the initial states";
        s->add(enc.init());
        if (initial) {
            z3::expr want = equals(0, *initial);
            z3::check_result c = ses.check(*s, want);
            if (c == z3::unknown) return gave_up();
            if (c == z3::unsat) {
                r.at_initial_state = true;
                r.reason = "the initial state is none of the spec's";
                z3::check_result any = ses.check(*s, ses.ctx.bool_val(true));
                if (any == z3::unknown) return gave_up();
                if (any == z3::sat) r.state_differs = differences(0, *initial);
                return r;
            }
            s->add(want);
        }
        // Prefix by prefix: the first step after which the constraints become
        // unsatisfiable is the first one the spec cannot produce.
        for (uint32_t k = 0; k < steps.size(); ++k) {
            const ObservedStep& st = steps[k];
            uint32_t inst = cm.instance_of(st.action, st.args);
            if (!st.stopped.empty()) {
                r.reason = "step " + std::to_string(k + 1) + ": the implementation stopped (" + st.stopped + ")";
                return r;
            }
            ses.phase = "replaying step " + std::to_string(k + 1) + " of " + std::to_string(steps.size());
            if (ses.expired()) return gave_up();
            s->add(enc.transition(k));
            s->add(enc.act(k) == enc.num(inst));
            z3::check_result c = ses.check(*s, enc.emits_exactly(k, st.events));
            if (c == z3::unknown) return gave_up();
            if (c == z3::unsat) {
                // Which part fails: the step itself, or its events?
                z3::check_result p = ses.check(*s, ses.ctx.bool_val(true));
                if (p == z3::unknown) return gave_up();
                r.reason = "step " + std::to_string(k + 1) + " (" + cm.describe(inst) + "): " +
                           (p == z3::sat ? "the spec cannot emit these events there" : "the spec does not allow this step there");
                return r;
            }
            s->add(enc.emits_exactly(k, st.events));
            if (st.state) {
                z3::expr want = equals(k + 1, *st.state);
                z3::check_result same_state = ses.check(*s, want);
                if (same_state == z3::unknown) return gave_up();
                if (same_state == z3::unsat) {
                    // The step and its events were sat a moment ago: a model is at hand.
                    if (ses.check(*s, ses.ctx.bool_val(true)) != z3::sat) return gave_up();
                    r.reason = "step " + std::to_string(k + 1) + " (" + cm.describe(inst) +
                               "): the spec reaches no state equal to the one the trace records after it";
                    r.state_differs = differences(k + 1, *st.state);
                    return r;
                }
                s->add(want);
            }
            r.steps_matched = k + 1;
            if (k + 1 == steps.size() || k + 1 < next_ask) continue;
            // One solver for the whole trace answers each query over every
            // step before it: the time grew about n^2.7 (400 steps: 45 s).
            // When the steps so far leave exactly one possible state k+1 (the
            // model's), every later query is the same from that state alone:
            // start a fresh solver there, so each query sees a few steps.
            z3::model m = *ses.model;
            z3::expr same = ses.ctx.bool_val(true);
            for (const z3::expr& x : enc.state(k + 1)) same = same && x == m.eval(x, true);
            z3::check_result other = ses.check(*s, !same);
            if (other == z3::unknown) return gave_up();
            if (other == z3::unsat) {
                s.emplace(ses.ctx, "QF_BV");
                s->add(same);
                every = 1;
            } else {
                every *= 2;
            }
            next_ask = k + 1 + every;
        }
    } catch (const z3::exception& e) {
        ses.failed(e);
        return gave_up();
    }
    r.matches = true;
    return r;
}

}  // namespace stateproof::solver
