#include "solver/decode.h"

#include "spec/diagnostics.h"

namespace stateproof::solver {

using namespace stateproof::spec;

int32_t signed_value(const z3::expr& bv, unsigned width) {
    uint64_t u = bv.get_numeral_uint64();
    if (width < 64 && (u >> (width - 1)) & 1) u |= ~uint64_t(0) << width;  // sign-extend
    return int32_t(int64_t(u));
}

std::vector<StateValues> decode_states(Encoder& enc, const z3::model& model, uint32_t steps) {
    std::vector<StateValues> out;
    for (uint32_t k = 0; k <= steps; ++k) {
        StateValues v;
        for (const z3::expr& x : enc.state(k)) v.push_back(signed_value(model.eval(x, true), enc.width()));
        out.push_back(std::move(v));
    }
    return out;
}

Trace decode(Encoder& enc, const z3::model& model, uint32_t steps) {
    const CompiledMachine& cm = enc.compiled();
    const Machine& m = cm.machine();
    std::vector<StateValues> states = decode_states(enc, model, steps);
    Trace t;
    t.steps.push_back(Step{Step::kInitial, {}, {}, states[0]});
    Evaluator ev(cm);
    for (uint32_t k = 0; k < steps; ++k) {
        uint32_t inst = uint32_t(signed_value(model.eval(enc.act(k), true), enc.width()));
        if (inst >= cm.instance_count())
            throw InternalError("solver counterexample: step " + std::to_string(k + 1) + " names no action instance");
        ev.load_values(states[k].data());
        if (!ev.enabled(inst))
            throw InternalError("solver counterexample does not replay: " + cm.describe(inst) + " is not enabled at step " +
                                std::to_string(k + 1));
        ev.fire(inst);
        StateValues post(ev.post(), ev.post() + m.scalars.size());
        if (post != states[k + 1])
            throw InternalError("solver counterexample does not replay: the state after step " + std::to_string(k + 1) +
                                " (" + cm.describe(inst) + ") differs from the evaluator's");
        t.steps.push_back(Step{cm.instance(inst).action, cm.instance(inst).args, ev.events(), std::move(post)});
    }
    return t;
}

}  // namespace stateproof::solver
