#include "solver/encode.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace stateproof::solver {

using namespace stateproof::spec;

namespace {

bool is_bool(const Machine& m, TypeId t) { return m.types[t].kind == Type::Kind::Bool; }

// Symbolic evaluation of IR expressions and statements over given state terms.
// Values are Z3 booleans for Bool-typed expressions and integers otherwise;
// a bool scalar is stored as the integer 0 or 1.
struct Sym {
    z3::context& c;
    const Machine& m;
    unsigned w;  // bit-vector width
    const std::vector<z3::expr>* pre;   // unprimed reads (the current values in a body)
    const std::vector<z3::expr>* post;  // primed reads (transition properties)
    std::vector<int32_t> args;
    std::vector<std::optional<z3::expr>> locals;
    z3::expr path;
    z3::expr error;
    Encoder* enc = nullptr;  // transition properties: fires/emits of step k
    uint32_t k = 0;

    Sym(z3::context& ctx, const Machine& mach, unsigned width)
        : c(ctx), m(mach), w(width), path(ctx.bool_val(true)), error(ctx.bool_val(false)) {}

    z3::expr num(int64_t v) { return c.bv_val(v, w); }

    z3::expr scalar_read(const std::vector<z3::expr>& s, uint32_t scalar) {
        const z3::expr& v = s[scalar];
        return is_bool(m, m.scalars[scalar].type) ? v == num(1) : v;
    }

    void fail_if(const z3::expr& cond) { error = error || (path && cond); }

    // The scalar a Var/Load expression designates: a static index, or an ite
    // chain over every position its dynamic indices can reach.
    struct Place {
        std::vector<uint32_t> scalars;  // candidate scalars
        std::vector<z3::expr> when;     // the condition selecting each
    };
    Place place(const Expr& e) {
        Place p;
        if (e.op == Op::Var) {
            p.scalars.push_back(uint32_t(e.value));
            p.when.push_back(c.bool_val(true));
            return p;
        }
        std::vector<std::pair<int64_t, z3::expr>> offs{{0, c.bool_val(true)}};
        for (size_t k2 = 0; k2 < e.args.size(); ++k2) {
            const IndexTerm& t = e.index[k2];
            // The index as its position code, like every other integer term:
            // a bool index is a Z3 boolean here, and comparing it with the
            // bounds below would mix sorts (z3++ asserts). Enum indices are
            // already their ordinals; false=0, true=1 as in the evaluator.
            z3::expr idx = as_int(value(e.args[k2]));
            fail_if(idx < num(t.lo) || idx >= num(t.lo + int64_t(t.count)));
            std::vector<std::pair<int64_t, z3::expr>> next;
            for (const auto& [o, w] : offs)
                for (uint32_t i = 0; i < t.count; ++i)
                    next.push_back({o + int64_t(i) * t.stride, w && idx == num(t.lo + int64_t(i))});
            offs.swap(next);
        }
        for (const auto& [o, w] : offs) {
            p.scalars.push_back(uint32_t(e.value + o));
            p.when.push_back(w.simplify());
        }
        return p;
    }

    z3::expr read(const Expr& e) {
        const std::vector<z3::expr>& s = e.primed ? *post : *pre;
        Place p = place(e);
        z3::expr v = scalar_read(s, p.scalars.back());
        for (size_t i = p.scalars.size() - 1; i-- > 0;) v = z3::ite(p.when[i], scalar_read(s, p.scalars[i]), v);
        return v;
    }

    z3::expr as_int(const z3::expr& v) { return v.is_bool() ? z3::ite(v, num(1), num(0)) : v; }

    z3::expr value(ExprId id) {
        const Expr& e = m.expr(id);
        switch (e.op) {
        case Op::Const: return is_bool(m, e.type) ? c.bool_val(e.value != 0) : num(e.value);
        case Op::Param: return is_bool(m, e.type) ? c.bool_val(args[e.value] != 0) : num(args[e.value]);
        case Op::Local: return *locals[e.value];
        case Op::Var:
        case Op::Load: return read(e);
        case Op::Not: return !value(e.args[0]);
        case Op::Neg: return -value(e.args[0]);
        // The evaluator short-circuits `and`, `or`, `=>` and `if`: an operand
        // it does not reach cannot fail, so its run-time errors count only on
        // the path that reaches it.
        case Op::And: {
            z3::expr a = value(e.args[0]);
            return a && under(a, e.args[1]);
        }
        case Op::Or: {
            z3::expr a = value(e.args[0]);
            return a || under(!a, e.args[1]);
        }
        case Op::Implies: {
            z3::expr a = value(e.args[0]);
            return z3::implies(a, under(a, e.args[1]));
        }
        case Op::Ite: {
            z3::expr cond = value(e.args[0]);
            return z3::ite(cond, under(cond, e.args[1]), under(!cond, e.args[2]));
        }
        case Op::Eq: return value(e.args[0]) == value(e.args[1]);
        case Op::Ne: return value(e.args[0]) != value(e.args[1]);
        case Op::Lt: return value(e.args[0]) < value(e.args[1]);
        case Op::Le: return value(e.args[0]) <= value(e.args[1]);
        case Op::Add: return value(e.args[0]) + value(e.args[1]);
        case Op::Sub: return value(e.args[0]) - value(e.args[1]);
        case Op::Mul: return value(e.args[0]) * value(e.args[1]);
        case Op::Div:
        case Op::Mod: {
            z3::expr a = value(e.args[0]), b = value(e.args[1]);
            fail_if(b == num(0));
            // bvsdiv truncates and bvsrem takes the dividend's sign, as C does.
            return e.op == Op::Div ? a / b : z3::srem(a, b);
        }
        case Op::Fired: return fired(e);
        case Op::Emitted: return emitted(e);
        case Op::InRange: {
            z3::expr v = value(e.args[0]);
            const Type& t = m.types[e.type];
            fail_if(v < num(t.lo) || v > num(t.hi));
            return v;
        }
        }
        return c.bool_val(false);
    }

    // The value of `id`, evaluated only where `cond` holds (for fail_if).
    z3::expr under(const z3::expr& cond, ExprId id) {
        z3::expr saved = path;
        path = path && cond;
        z3::expr v = value(id);
        path = saved;
        return v;
    }

    z3::expr fired(const Expr& e) {
        const auto& cm = enc->compiled();
        z3::expr act = enc->act(k);
        z3::expr any = c.bool_val(false);
        for (uint32_t i = cm.first_instance(uint32_t(e.value)); i < cm.first_instance(uint32_t(e.value) + 1); ++i) {
            if (cm.instance(i).never_enabled) continue;
            z3::expr match = act == num(i);
            for (size_t a = 0; a < e.args.size(); ++a)
                if (e.args[a] != kNoExpr) match = match && (as_int(value(e.args[a])) == num(cm.instance(i).args[a]));
            any = any || match;
        }
        return any;
    }

    z3::expr emitted(const Expr& e);
};

// Runs statements, updating `cur` (the current value of every scalar).
// Every read in the block goes to `cur`, so a statement sees the assignments
// before it in its own block and in the enclosing ones, as in the evaluator.
// (An `if` branch runs on a copy of `cur`; before this was set per block, a
// branch read the state from before the `if` and missed its own writes.)
void exec(Sym& s, const std::vector<Stmt>& body, std::vector<z3::expr>& cur, std::vector<BodyEffect::Emit>& emits) {
    const std::vector<z3::expr>* outer = s.pre;
    s.pre = &cur;
    for (const Stmt& st : body) {
        switch (st.kind) {
        case Stmt::Kind::Assign: {
            const Expr& target = s.m.expr(st.target);
            z3::expr v = s.as_int(s.value(st.value));
            const Type& tt = s.m.scalar_type(uint32_t(target.value));
            s.fail_if(v < s.num(tt.lo) || v > s.num(tt.hi));
            Sym::Place p = s.place(target);
            for (size_t i = 0; i < p.scalars.size(); ++i) {
                uint32_t sc = p.scalars[i];
                cur[sc] = p.scalars.size() == 1 ? v : z3::ite(p.when[i], v, cur[sc]);
            }
            break;
        }
        case Stmt::Kind::If: {
            z3::expr cond = s.value(st.value);
            z3::expr saved = s.path;
            std::vector<z3::expr> then_cur = cur, else_cur = cur;
            s.path = saved && cond;
            exec(s, st.then_body, then_cur, emits);
            s.path = saved && !cond;
            exec(s, st.else_body, else_cur, emits);
            s.path = saved;
            for (size_t i = 0; i < cur.size(); ++i)
                cur[i] = z3::eq(then_cur[i], else_cur[i]) ? then_cur[i] : z3::ite(cond, then_cur[i], else_cur[i]);
            break;
        }
        case Stmt::Kind::Emit: {
            BodyEffect::Emit em{st.slot, s.path, {}};
            for (ExprId a : st.args) em.args.push_back(s.as_int(s.value(a)));
            emits.push_back(std::move(em));
            break;
        }
        case Stmt::Kind::Let:
            if (s.locals.size() <= st.slot) s.locals.resize(st.slot + 1);
            s.locals[st.slot] = s.value(st.value);
            break;
        case Stmt::Kind::Assert:
            s.fail_if(!s.value(st.value));
            break;
        }
    }
    s.pre = outer;
}

z3::expr Sym::emitted(const Expr& e) {
    z3::expr act = enc->act(k);
    z3::expr any = c.bool_val(false);
    const auto& active = enc->instances();
    // The patterns are evaluated in the step's own context (pre/post state).
    std::vector<std::optional<z3::expr>> pats;
    for (ExprId a : e.args) pats.push_back(a == kNoExpr ? std::nullopt : std::optional<z3::expr>(as_int(value(a))));
    for (size_t a = 0; a < active.size(); ++a) {
        const BodyEffect& eff = enc->effect(k, a);
        z3::expr here = c.bool_val(false);
        for (const auto& em : eff.emits) {
            if (em.event != uint32_t(e.value)) continue;
            z3::expr match = em.cond;
            for (size_t j = 0; j < pats.size(); ++j)
                if (pats[j]) match = match && (em.args[j] == *pats[j]);
            here = here || match;
        }
        if (!here.is_false()) any = any || (act == num(active[a]) && here);
    }
    return any;
}

}  // namespace

Encoder::Encoder(z3::context& ctx, const CompiledMachine& cm) : ctx_(ctx), cm_(cm), m_(cm.machine()) {
    for (uint32_t i = 0; i < cm.instance_count(); ++i)
        if (!cm.instance(i).never_enabled) active_.push_back(i);
    // Wide enough for every expression's interval, the instance numbers and
    // index offsets, with a sign bit; intermediate sums stay in range because
    // the checker's intervals bound them.
    int64_t most = int64_t(cm.instance_count()) + 1;
    for (const Type& t : m_.types)
        if (t.is_scalar()) most = std::max({most, std::abs(int64_t(t.lo)), std::abs(int64_t(t.hi))});
    for (const Expr& e : m_.exprs)
        for (const IndexTerm& it : e.index) most = std::max<int64_t>(most, int64_t(it.count) * it.stride + std::abs(int64_t(it.lo)));
    width_ = 2;
    while ((int64_t(1) << (width_ - 1)) <= most + 1) ++width_;
    width_ = std::max(width_ + 1, 8u);
}

const std::vector<z3::expr>& Encoder::state(uint32_t k) {
    while (states_.size() <= k) {
        uint32_t j = uint32_t(states_.size());
        std::vector<z3::expr> v;
        for (const Scalar& sc : m_.scalars) v.push_back(ctx_.bv_const((sc.path + "@" + std::to_string(j)).c_str(), width_));
        states_.push_back(std::move(v));
    }
    return states_[k];
}

z3::expr Encoder::act(uint32_t k) {
    if (acts_.size() <= k) acts_.resize(k + 1);
    if (!acts_[k]) acts_[k] = ctx_.bv_const(("act@" + std::to_string(k)).c_str(), width_);
    return *acts_[k];
}

Encoder::StepCache& Encoder::step(uint32_t k) {
    if (steps_.size() <= k) steps_.resize(k + 1);
    StepCache& c = steps_[k];
    if (c.guards.empty()) {
        c.guards.resize(active_.size());
        c.guard_errors.resize(active_.size());
        c.effects.resize(active_.size());
    }
    return c;
}

z3::expr Encoder::domains(uint32_t k) {
    const auto& s = state(k);
    z3::expr all = ctx_.bool_val(true);
    for (uint32_t i = 0; i < m_.scalars.size(); ++i) {
        const Type& t = m_.scalar_type(i);
        all = all && s[i] >= num(t.lo) && s[i] <= num(t.hi);
    }
    return all;
}

z3::expr Encoder::initial_values() {
    const auto& s = state(0);
    z3::expr all = domains(0);
    for (uint32_t i = 0; i < m_.scalars.size(); ++i)
        if (m_.scalars[i].init) all = all && s[i] == num(*m_.scalars[i].init);
    return all;
}

z3::expr Encoder::init() {
    z3::expr all = initial_values();
    Sym sym(ctx_, m_, width_);
    sym.pre = &state(0);
    for (ExprId e : m_.init_constraints) all = all && sym.value(e);
    return all;
}

z3::expr Encoder::init_error() {
    const auto& s = state(0);
    z3::expr any = ctx_.bool_val(false);
    z3::expr before = ctx_.bool_val(true);
    for (ExprId e : m_.init_constraints) {
        Sym sym(ctx_, m_, width_);
        sym.pre = &s;
        z3::expr holds = sym.value(e);
        any = any || (before && sym.error);
        before = before && holds;
    }
    return initial_values() && any;
}

z3::expr Encoder::guard(uint32_t k, size_t a) {
    StepCache& c = step(k);
    if (!c.guards[a]) {
        Sym sym(ctx_, m_, width_);
        sym.pre = &state(k);
        sym.args = cm_.instance(active_[a]).args;
        // A guard that fails at run time (an index out of bounds) is an error
        // of its own, reported by error(); here it just does not hold.
        c.guards[a] = sym.value(m_.actions[cm_.instance(active_[a]).action].guard);
        c.guard_errors[a] = sym.error;
    }
    return *c.guards[a];
}

z3::expr Encoder::guard_error(uint32_t k, size_t a) {
    guard(k, a);
    return *step(k).guard_errors[a];
}

const BodyEffect& Encoder::effect(uint32_t k, size_t a) {
    StepCache& c = step(k);
    if (!c.effects[a]) {
        const Instance& inst = cm_.instance(active_[a]);
        const Action& action = m_.actions[inst.action];
        Sym sym(ctx_, m_, width_);
        std::vector<z3::expr> cur = state(k);
        sym.pre = &cur;
        sym.args = inst.args;
        sym.locals.resize(action.local_count);
        // The guard's own run-time errors count too (it is evaluated first).
        sym.value(action.guard);
        BodyEffect eff{{}, {}, ctx_.bool_val(false)};
        exec(sym, action.body, cur, eff.emits);
        eff.next = std::move(cur);
        eff.error = sym.error;
        c.effects[a] = std::move(eff);
    }
    return *c.effects[a];
}

z3::expr Encoder::transition(uint32_t k) {
    StepCache& c = step(k);
    if (c.transition) return *c.transition;
    const auto& pre = state(k);
    const auto& post = state(k + 1);
    z3::expr a = act(k);
    z3::expr t = domains(k + 1);
    // Which instance fired, and its guard held.
    z3::expr which = ctx_.bool_val(false);
    for (size_t i = 0; i < active_.size(); ++i) which = which || (a == num(active_[i]) && guard(k, i));
    t = t && which;
    // Each scalar after the step: an ite over the instances that change it.
    for (uint32_t sc = 0; sc < m_.scalars.size(); ++sc) {
        z3::expr v = pre[sc];
        for (size_t i = active_.size(); i-- > 0;) {
            const z3::expr& n = effect(k, i).next[sc];
            if (!z3::eq(n, pre[sc])) v = z3::ite(a == num(active_[i]), n, v);
        }
        t = t && post[sc] == v;
    }
    c.transition = t;
    return t;
}

z3::expr Encoder::error(uint32_t k) {
    StepCache& c = step(k);
    if (!c.error) {
        z3::expr any = ctx_.bool_val(false);
        for (size_t i = 0; i < active_.size(); ++i) {
            const BodyEffect& eff = effect(k, i);
            if (eff.error.is_false()) continue;
            // The guard's own failure makes it an error even where it would not hold.
            any = any || ((guard(k, i) || guard_error(k, i)) && eff.error);
        }
        c.error = any.simplify();
    }
    return *c.error;
}

z3::expr Encoder::deadlock(uint32_t k) {
    StepCache& c = step(k);
    if (!c.deadlock) {
        z3::expr enabled = ctx_.bool_val(false);
        for (size_t i = 0; i < active_.size(); ++i) enabled = enabled || guard(k, i);
        z3::expr final_state = ctx_.bool_val(false);
        if (m_.final_pred != kNoExpr) {
            Sym sym(ctx_, m_, width_);
            sym.pre = &state(k);
            // A `final` that fails at run time does not excuse the state: the
            // counterexample's replay meets the failure and reports it, as
            // the explorer does.
            final_state = sym.value(m_.final_pred);
            final_state = final_state && !sym.error;
        }
        c.deadlock = !enabled && !final_state;
    }
    return *c.deadlock;
}

z3::expr Encoder::property(uint32_t p, uint32_t k) {
    const Property& prop = m_.properties[p];
    Sym sym(ctx_, m_, width_);
    sym.pre = &state(k);
    sym.locals.resize(prop.local_count);
    if (prop.kind == Property::Kind::Transition) {
        sym.post = &state(k + 1);
        sym.enc = this;
        sym.k = k;
    }
    // Where evaluating the property fails at run time it does not hold: the
    // state becomes a counterexample, whose replay by the evaluator meets
    // the failure and reports it as the explorer does. Without this, an
    // out-of-bounds read in a property gave the solver an arbitrary value.
    z3::expr v = sym.value(prop.expr);
    return v && !sym.error;
}

z3::expr Encoder::distinct(uint32_t j, uint32_t k) {
    const auto& a = state(j);
    const auto& b = state(k);
    z3::expr d = ctx_.bool_val(false);
    for (size_t i = 0; i < a.size(); ++i) d = d || a[i] != b[i];
    return d;
}

z3::expr Encoder::emits_exactly(uint32_t k, const std::vector<EventValue>& events) {
    // Emit statement j of the fired body lands at position c_j, the number of
    // emits before it whose conditions hold; every emit that happens must
    // match the observed event at its position, and as many must happen.
    z3::expr a = act(k);
    z3::expr all = ctx_.bool_val(false);
    const int n = int(events.size());
    for (size_t i = 0; i < active_.size(); ++i) {
        const BodyEffect& eff = effect(k, i);
        z3::expr ok = ctx_.bool_val(true);
        z3::expr count = num(0);
        for (const auto& em : eff.emits) {
            z3::expr at_some = ctx_.bool_val(false);
            for (int p = 0; p < n; ++p) {
                if (events[p].event != em.event) continue;
                z3::expr match = count == num(p);
                for (size_t j = 0; j < em.args.size(); ++j) match = match && em.args[j] == num(events[p].args[j]);
                at_some = at_some || match;
            }
            ok = ok && z3::implies(em.cond, at_some);
            count = count + z3::ite(em.cond, num(1), num(0));
        }
        ok = ok && count == num(n);
        all = all || (a == num(active_[i]) && ok);
    }
    return all;
}

}  // namespace stateproof::solver
