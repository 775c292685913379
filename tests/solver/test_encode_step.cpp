// The Z3 encoding of one step against the evaluator, transition by
// transition. Verdict-level agreement (test_engines_agree.cpp) cannot see a
// wrong successor that no property happens to observe; here, for every
// reachable state and every action instance, the one-step encoding with the
// source state fixed must give exactly what the evaluator gives: the guard,
// the guard's and the body's run-time errors, every scalar of the successor,
// the emitted events in order, and the transition and state properties.
// The assembled step relation (transition(), emits_exactly(), error(),
// deadlock()) is evaluated too, so a wrong ite chain over the instances is
// caught as well as a wrong body.
//
// Z3 evaluates the encoding's own terms under a model that fixes the source
// state (and, for the step relation, the instance and the successor): no
// second interpreter of the formulas is involved.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>

#include "explorer/bfs.h"
#include "solver/decode.h"
#include "solver/encode.h"
#include "spec/check.h"
#include "support/random_spec.h"
#include "support/spec_fixtures.h"

using namespace stateproof;
using namespace stateproof::spec;
using testing::source_path;

namespace {

struct StepCounts {
    uint64_t states = 0, enabled = 0, disabled = 0, errors = 0;
};

class StepComparer {
  public:
    explicit StepComparer(const CompiledMachine& cm) : cm_(cm), m_(cm.machine()), enc_(ctx_, cm), ev_(cm) {}

    // Empty when the encoding agrees with the evaluator in every reachable
    // state (at most `max_states` of them); otherwise the first difference.
    // `stride` > 1 compares every stride-th state in BFS order (the others
    // are still enumerated, so the sample spans every depth).
    std::string compare(uint64_t max_states, StepCounts& counts, uint64_t stride = 1) {
        // The reachable states, through the steps that do not fail: unlike
        // the explorer, which stops at the first run-time error, this goes on
        // past failing instances, so the states where they fail are compared
        // too. (The explorer's own state graph is compared with this one on
        // specs without errors below.)
        std::vector<StateValues> initial;
        try {
            ev_.for_each_initial([&](const int32_t* v) { initial.emplace_back(v, v + m_.scalars.size()); });
        } catch (const EvalError&) {
            ++counts.errors;
            return compare_init_error();
        }
        if (std::string d = compare_initial(initial); !d.empty()) return d;
        std::set<StateValues> seen(initial.begin(), initial.end());
        std::vector<StateValues> queue(initial.begin(), initial.end());
        for (size_t head = 0; head < queue.size(); ++head) {
            if (queue.size() > max_states) return "more than " + std::to_string(max_states) + " reachable states";
            const StateValues s = queue[head];
            if (head % stride == 0) {
                ++counts.states;
                if (std::string d = compare_state(s, counts); !d.empty()) return d;
            }
            for (uint32_t i = 0; i < cm_.instance_count(); ++i) {
                ev_.load_values(s.data());
                try {
                    if (!ev_.enabled(i)) continue;
                    ev_.fire(i);
                } catch (const EvalError&) {
                    continue;
                }
                StateValues next(ev_.post(), ev_.post() + s.size());
                if (seen.insert(next).second) queue.push_back(std::move(next));
            }
        }
        reachable_ = std::move(seen);
        return "";
    }

    /// The states compare() reached.
    const std::set<StateValues>& reachable() const { return reachable_; }

  private:
    z3::expr val(int32_t v) { return ctx_.bv_val(v, enc_.width()); }

    z3::model model_of(const StateValues& s, std::optional<uint32_t> act = {}, const int32_t* post = nullptr) {
        z3::model mdl(ctx_);
        const auto& s0 = enc_.state(0);
        for (size_t i = 0; i < s.size(); ++i) {
            z3::func_decl d = s0[i].decl();
            z3::expr v = val(s[i]);
            mdl.add_const_interp(d, v);
        }
        if (act) {
            z3::func_decl d = enc_.act(0).decl();
            z3::expr v = val(int32_t(*act));
            mdl.add_const_interp(d, v);
        }
        if (post) {
            const auto& s1 = enc_.state(1);
            for (size_t i = 0; i < s.size(); ++i) {
                z3::func_decl d = s1[i].decl();
                z3::expr v = val(post[i]);
                mdl.add_const_interp(d, v);
            }
        }
        return mdl;
    }

    bool truth(z3::model& mdl, const z3::expr& e) {
        z3::expr v = mdl.eval(e, true);
        if (v.is_true()) return true;
        if (v.is_false()) return false;
        throw std::runtime_error("not a truth value under a full model: " + v.to_string());
    }
    int32_t number(z3::model& mdl, const z3::expr& e) { return solver::signed_value(mdl.eval(e, true), enc_.width()); }

    std::string where(const StateValues& s, std::optional<uint32_t> inst) const {
        std::string out = "in state\n" + cm_.describe_state(s.data(), "    ");
        if (inst) out += "  action " + cm_.describe(*inst) + "\n";
        return out;
    }

    std::string describe_events(const std::vector<EventValue>& ev) const {
        std::string out = "[";
        for (size_t i = 0; i < ev.size(); ++i) out += (i ? ", " : "") + cm_.describe_event(ev[i]);
        return out + "]";
    }

    // An init constraint fails in the evaluator: the encoding must find a
    // failure of the init constraints too.
    std::string compare_init_error() {
        z3::solver s(ctx_, "QF_BV");
        s.add(enc_.init_error());
        if (s.check() != z3::sat) return "an init constraint fails in the evaluator, never in the encoding";
        return "";
    }

    // The encoding's initial states are exactly the evaluator's.
    std::string compare_initial(const std::vector<StateValues>& initial) {
        std::set<StateValues> expected(initial.begin(), initial.end());
        {
            z3::solver s(ctx_, "QF_BV");
            s.add(enc_.init_error());
            if (s.check() == z3::sat) return "the encoding finds a run-time error in the init constraints, the evaluator does not";
        }
        z3::solver s(ctx_, "QF_BV");
        s.add(enc_.init());
        std::set<StateValues> found;
        const auto& s0 = enc_.state(0);
        while (found.size() <= expected.size() && s.check() == z3::sat) {
            z3::model mdl = s.get_model();
            StateValues v;
            z3::expr block = ctx_.bool_val(false);
            for (const auto& x : s0) {
                v.push_back(number(mdl, x));
                block = block || x != val(v.back());
            }
            found.insert(v);
            s.add(block);
        }
        if (found != expected) {
            for (const auto& v : found)
                if (!expected.count(v)) return "the encoding has an initial state the explorer does not:\n" + where(v, {});
            for (const auto& v : expected)
                if (!found.count(v)) return "the encoding lacks an initial state of the explorer:\n" + where(v, {});
        }
        return "";
    }

    // Every term of the one-step encoding that depends on the source state
    // alone, made once: evaluating them in one call lets Z3 share the work
    // on their common subterms (one call per term took 60 ms per state).
    struct Terms {
        struct PerInstance {
            size_t guard_error, guard, body_error;
            std::vector<std::pair<uint32_t, size_t>> next;  // (scalar, term) where the body may write
            struct Emit {
                uint32_t event;
                size_t cond;
                std::vector<size_t> args;
            };
            std::vector<Emit> emits;
        };
        std::vector<PerInstance> inst;  // per active instance
        size_t error, deadlock;
        std::vector<std::pair<uint32_t, size_t>> invariants;  // (property, term)
        std::vector<z3::expr> all;
        // Over the step (instance and successor fixed too): evaluated apart.
        std::vector<std::pair<uint32_t, z3::expr>> transitions;  // (property, term)
    };

    size_t add(Terms& t, const z3::expr& e) {
        t.all.push_back(e);
        return t.all.size() - 1;
    }

    const Terms& terms() {
        if (terms_) return *terms_;
        Terms t;
        const auto& pre = enc_.state(0);
        for (size_t ai = 0; ai < enc_.instances().size(); ++ai) {
            Terms::PerInstance pi;
            pi.guard_error = add(t, enc_.guard_error(0, ai));
            pi.guard = add(t, enc_.guard(0, ai));
            const solver::BodyEffect& eff = enc_.effect(0, ai);
            pi.body_error = add(t, eff.error);
            for (uint32_t sc = 0; sc < pre.size(); ++sc)
                if (!z3::eq(eff.next[sc], pre[sc])) pi.next.push_back({sc, add(t, eff.next[sc])});
            for (const auto& em : eff.emits) {
                Terms::PerInstance::Emit e{em.event, add(t, em.cond), {}};
                for (const auto& a : em.args) e.args.push_back(add(t, a));
                pi.emits.push_back(std::move(e));
            }
            t.inst.push_back(std::move(pi));
        }
        t.error = add(t, enc_.error(0));
        t.deadlock = add(t, enc_.deadlock(0));
        for (uint32_t p = 0; p < m_.properties.size(); ++p)
            if (m_.properties[p].kind == Property::Kind::Invariant) t.invariants.push_back({p, add(t, enc_.property(p, 0))});
            else t.transitions.push_back({p, enc_.property(p, 0)});
        terms_ = std::move(t);
        return *terms_;
    }

    // The values of `terms` under `mdl`, in one evaluation: they are the
    // arguments of an uninterpreted `pack`, which evaluation leaves alone.
    std::vector<z3::expr> evaluate(z3::model& mdl, const std::vector<z3::expr>& terms) {
        z3::sort_vector sorts(ctx_);
        z3::expr_vector args(ctx_);
        for (const auto& t : terms) {
            sorts.push_back(t.get_sort());
            args.push_back(t);
        }
        z3::func_decl pack = ctx_.function("pack", sorts, ctx_.bool_sort());
        z3::expr v = mdl.eval(pack(args), false);
        if (!v.is_app() || !z3::eq(v.decl(), pack) || v.num_args() != terms.size())
            throw std::runtime_error("the packed evaluation did not keep its shape: " + v.to_string().substr(0, 200));
        std::vector<z3::expr> out;
        for (unsigned i = 0; i < v.num_args(); ++i) {
            z3::expr a = v.arg(i);
            if (!(a.is_true() || a.is_false() || a.is_numeral()))
                throw std::runtime_error("a term is not a value under a full model: " + a.to_string().substr(0, 200));
            out.push_back(a);
        }
        return out;
    }

    static std::string fails_in_one(const std::string& what, bool in_evaluator) {
        return what + (in_evaluator ? " fails at run time in the evaluator but not in the encoding "
                                    : " fails at run time in the encoding but not in the evaluator ");
    }

    std::string compare_state(const StateValues& s, StepCounts& counts) {
        z3::model mdl = model_of(s);
        const Terms& t = terms();
        std::vector<z3::expr> v = evaluate(mdl, t.all);
        auto truth_of = [&](size_t i) { return v[i].is_true(); };
        auto number_of = [&](size_t i) { return solver::signed_value(v[i], enc_.width()); };
        const auto& active = enc_.instances();
        bool any_error = false, any_enabled = false;
        // The step relation itself (transition(), over all instances) is
        // large: it is evaluated for one enabled and one disabled instance
        // per state, in turn, so every instance is covered over the states.
        const size_t turn = counts.states;
        struct Fired {
            uint32_t instance;
            StateValues post;
            std::vector<EventValue> events;
        };
        std::vector<Fired> enabled_list;
        std::vector<uint32_t> disabled_list;
        size_t a = 0;
        for (uint32_t i = 0; i < cm_.instance_count(); ++i) {
            bool is_active = a < active.size() && active[a] == i;
            ev_.load_values(s.data());
            bool en = false, guard_failed = false, body_failed = false;
            try {
                en = ev_.enabled(i);
            } catch (const EvalError&) {
                guard_failed = true;
            }
            if (!is_active) {
                if (en || guard_failed) return "an instance the encoding leaves out (never enabled) is enabled " + where(s, i);
                continue;
            }
            const Terms::PerInstance& pi = t.inst[a++];
            if (truth_of(pi.guard_error) != guard_failed) return fails_in_one("the guard", guard_failed) + where(s, i);
            if (guard_failed) {
                any_error = true;
                ++counts.errors;
                continue;
            }
            if (truth_of(pi.guard) != en)
                return std::string("the guard is ") + (en ? "true" : "false") + " in the evaluator and " +
                       (en ? "false" : "true") + " in the encoding " + where(s, i);
            if (!en) {
                ++counts.disabled;
                disabled_list.push_back(i);
                continue;
            }
            any_enabled = true;
            try {
                ev_.fire(i);
            } catch (const EvalError&) {
                body_failed = true;
            }
            if (truth_of(pi.body_error) != body_failed) return fails_in_one("the body", body_failed) + where(s, i);
            if (body_failed) {
                any_error = true;
                ++counts.errors;
                continue;
            }
            ++counts.enabled;
            const int32_t* post = ev_.post();
            StateValues encoded_post = s;  // what the encoding leaves unwritten keeps its value
            for (const auto& [sc, ti] : pi.next) encoded_post[sc] = number_of(ti);
            for (size_t sc = 0; sc < s.size(); ++sc)
                if (encoded_post[sc] != post[sc])
                    return "the successor differs at " + m_.scalars[sc].path + ": evaluator " +
                           m_.format_value(m_.scalars[sc].type, post[sc]) + ", encoding " +
                           m_.format_value(m_.scalars[sc].type, encoded_post[sc]) + " " + where(s, i);
            std::vector<EventValue> events = ev_.events(), encoded;
            for (const auto& em : pi.emits) {
                if (!truth_of(em.cond)) continue;
                EventValue e{em.event, {}};
                for (size_t x : em.args) e.args.push_back(number_of(x));
                encoded.push_back(std::move(e));
            }
            if (!(encoded == events))
                return "the events differ: evaluator " + describe_events(events) + ", encoding " +
                       describe_events(encoded) + " " + where(s, i);
            // The transition properties, with this instance and successor.
            std::vector<z3::expr> step_terms;
            std::vector<bool> want;
            for (const auto& [p, term] : t.transitions) {
                // A property that fails at run time does not hold in the
                // encoding (its counterexample's replay reports the failure).
                bool w = false;
                try {
                    w = ev_.transition(p);
                } catch (const EvalError&) {
                }
                want.push_back(w);
                step_terms.push_back(term);
            }
            enabled_list.push_back({i, StateValues(post, post + s.size()), events});
            if (step_terms.empty()) continue;
            z3::model step = model_of(s, i, post);
            std::vector<z3::expr> sv = evaluate(step, step_terms);
            for (size_t k = 0; k < want.size(); ++k)
                if (sv[k].is_true() != want[k])
                    return "transition property " + m_.properties[t.transitions[k].first].name + " is " +
                           (want[k] ? "true" : "false") + " in the evaluator, not in the encoding, " + where(s, i);
        }
        // The step relation and the events as the trace query sees them are
        // formulas over every instance, costly to make and evaluate: they are
        // checked for one enabled instance per state, in turn, so that each
        // instance is covered over the run.
        if (!enabled_list.empty()) {
            const Fired& f = enabled_list[turn % enabled_list.size()];
            z3::model step = model_of(s, f.instance, f.post.data());
            std::vector<z3::expr> sv = evaluate(step, {enc_.transition(0), enc_.emits_exactly(0, f.events)});
            if (!sv[0].is_true()) return "transition(0) does not hold for the evaluator's successor " + where(s, f.instance);
            if (!sv[1].is_true())
                return "emits_exactly(0) rejects the evaluator's events " + describe_events(f.events) + " " +
                       where(s, f.instance);
        }
        // A disabled instance, in turn: the step relation refuses it.
        if (!disabled_list.empty()) {
            uint32_t i = disabled_list[turn % disabled_list.size()];
            z3::model step = model_of(s, i, s.data());
            if (truth(step, enc_.transition(0))) return "transition(0) lets a disabled instance fire " + where(s, i);
        }
        if (truth_of(t.error) != any_error)
            return std::string("error(0) is ") + (any_error ? "false" : "true") + " where the evaluator says " +
                   (any_error ? "some" : "no") + " instance fails " + where(s, {});
        ev_.load_values(s.data());
        bool fin = false;  // a `final` that fails does not excuse a deadlock
        try {
            fin = ev_.final_pre();
        } catch (const EvalError&) {
        }
        if (!any_error && truth_of(t.deadlock) != (!any_enabled && !fin))
            return "deadlock(0) differs from the evaluator " + where(s, {});
        for (const auto& [p, ti] : t.invariants) {
            ev_.load_values(s.data());
            bool want = false;
            try {
                want = ev_.invariant_pre(p);
            } catch (const EvalError&) {
            }
            if (truth_of(ti) != want)
                return "invariant " + m_.properties[p].name + " is " + (want ? "true" : "false") +
                       " in the evaluator, not in the encoding, " + where(s, {});
        }
        return "";
    }

    const CompiledMachine& cm_;
    const Machine& m_;
    std::set<StateValues> reachable_;
    z3::context ctx_;
    std::optional<Terms> terms_;
    solver::Encoder enc_;
    Evaluator ev_;
};

std::string compare_steps(const CompiledMachine& cm, uint64_t max_states, StepCounts& counts, uint64_t stride = 1) {
    StepComparer c(cm);
    if (std::string d = c.compare(max_states, counts, stride); !d.empty()) return d;
    if (counts.errors) return "";
    // Without run-time errors, the states compared are the explorer's.
    explorer::SearchOptions so;
    so.deadlock = false;
    so.stop_when_decided = false;
    so.graph = explorer::GraphRequest{max_states, {}};
    explorer::SearchResult r = explorer::search(cm, so);
    std::set<StateValues> nodes(r.graph->nodes.begin(), r.graph->nodes.end());
    if (nodes != c.reachable()) return "the explorer reaches other states than the ones compared";
    return "";
}

uint64_t env_or(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("the one-step encoding equals the evaluator on the reproducers of the encoding bug", "[solver][encode]") {
    // shared/repro/nested_if.sm: a read after a write inside a nested if.
    const char* nested_if = R"(machine R
var x : 0..1 = 0
var y : 0..1 = 0
action go when x == 0 {
    if y == 0 {
        x := 1
        if x == 1 { y := 1 }
    }
}
invariant y_stays_0: y == 0
)";
    Machine m = load_spec_text("nested_if.sm", nested_if);
    CompiledMachine cm(m);
    StepCounts counts;
    CHECK(compare_steps(cm, 100, counts) == "");
    CHECK(counts.enabled == 1);
}

// Arrays indexed by bool and by enums (issue 23): a bool index is a Z3
// boolean, and BMC and k-induction crashed on it; the verdicts are compared
// in test_bool_enum_index.cpp, the step relation here.
TEST_CASE("the one-step encoding equals the evaluator on arrays indexed by bool and by enums", "[solver][encode][index]") {
    for (const char* file : {"bool_index.sm", "bool_index_param.sm", "bool_index_let.sm", "bool_index_record.sm",
                             "enum_index.sm", "enum_index_violated.sm", "enum_bool_events.sm"}) {
        SECTION(file) {
            Machine m = load_spec(source_path(std::string("tests/fixtures/soundness/") + file));
            CompiledMachine cm(m);
            StepCounts counts;
            CHECK(compare_steps(cm, 20000, counts) == "");
            // In bool_index_record.sm act0 is never enabled (a5 stays 4):
            // there only its guard is compared.
            CHECK(counts.enabled + counts.disabled > 0);
        }
    }
}

// Every reachable state of every shipped spec and profile with SLOTS=1, and
// with SLOTS=2 every state in CI's sample (about 1,500 per profile, spread
// over every depth; one state takes about 5 ms, and the SLOTS=2 spaces have
// 41,000-87,000 states). STATEPROOF_STEP_ALL=1 compares every SLOTS=2 state
// too (about 30 minutes on one core); STATEPROOF_STEP_SAMPLE=N every N-th
// (the sanitizer run of scripts/test.sh takes a sparser sample: there the
// solver, not the code the sanitizers watch, takes the time).
TEST_CASE("the one-step encoding equals the evaluator on every shipped spec and profile", "[solver][encode][shipped]") {
    struct Case {
        std::string spec;
        ConstOverrides consts;
    };
    std::vector<Case> cases;
    for (const char* profile : {"reference", "cpython311", "cpython312", "cpython3124", "cpython313"})
        for (const char* slots : {"1", "2"}) cases.push_back({"spec/asyncgen.sm", {{"profile", profile}, {"SLOTS", slots}}});
    // The hook and re-entrancy paths, which the default constants leave out.
    cases.push_back({"spec/asyncgen.sm", {{"profile", "cpython313"}, {"SLOTS", "1"}, {"FIRSTITER", "raises"}}});
    cases.push_back({"spec/asyncgen.sm", {{"profile", "cpython311"}, {"SLOTS", "1"}, {"FINALIZER", "true"}, {"REENTRANT", "true"}}});
    cases.push_back({"spec/asyncgen.sm", {{"profile", "reference"}, {"SLOTS", "1"}, {"FINALIZER", "true"}, {"REENTRANT", "true"}}});
    cases.push_back({"spec/attribute.sm", {}});
    for (const char* profile : {"cpython311", "cpython39", "cpython38"}) cases.push_back({"spec/subscript.sm", {{"profile", profile}}});
    cases.push_back({"docs/peterson.sm", {}});
    cases.push_back({"docs/peterson.sm", {{"BUGGY", "true"}}});
    const bool all = env_or("STATEPROOF_STEP_ALL", 0) != 0;
    const uint64_t every = std::max<uint64_t>(1, env_or("STATEPROOF_STEP_SAMPLE", 50));
    for (const auto& c : cases) {
        std::string what = c.spec;
        for (const auto& [k, v] : c.consts) what += " " + k + "=" + v;
        SECTION(what) {
            Machine m = load_spec(source_path(c.spec), c.consts);
            CompiledMachine cm(m);
            StepCounts counts;
            bool sampled = !all && c.consts.count("SLOTS") && c.consts.at("SLOTS") == "2";
            CHECK(compare_steps(cm, 200000, counts, sampled ? every : 1) == "");
            CHECK(counts.enabled > 0);
            UNSCOPED_INFO(what << ": " << counts.states << " states, " << counts.enabled << " enabled instances");
        }
    }
}

// Seeds 1..N (N = 300, or STATEPROOF_STEP_SPECS); STATEPROOF_STEP_SEED=S runs
// only seed S. Half of the specs may fail at run time (unreduced indices and
// divisors, out-of-range assignments, asserts), so the errors are compared too.
TEST_CASE("the one-step encoding equals the evaluator on random specs", "[solver][encode][random]") {
    uint64_t first = 1, last = env_or("STATEPROOF_STEP_SPECS", 300);
    if (const char* s = std::getenv("STATEPROOF_STEP_SEED")) first = last = std::strtoull(s, nullptr, 10);
    StepCounts total;
    uint64_t specs = 0, rejected = 0;
    for (uint64_t seed = first; seed <= last; ++seed) {
        for (bool errors : {false, true}) {
            testing::RandomSpecOptions o;
            o.runtime_errors = errors;
            std::string text = testing::random_spec(seed, o);
            INFO("seed " << seed << (errors ? " with run-time errors" : "") << " (STATEPROOF_STEP_SEED=" << seed << "):\n"
                         << text);
            Machine m;
            try {
                m = load_spec_text("random-" + std::to_string(seed) + ".sm", text);
            } catch (const SpecError& e) {
                // The checker rejects what folds to a certain failure (a
                // constant index out of bounds) and init constraints that
                // are always false; nothing else.
                if (!errors) REQUIRE(std::string(e.what()).find("init constraint is always false") != std::string::npos);
                ++rejected;
                continue;
            }
            CompiledMachine cm(m);
            StepCounts counts;
            std::string d = compare_steps(cm, 100000, counts);
            if (!d.empty()) FAIL(d);
            ++specs;
            total.states += counts.states;
            total.enabled += counts.enabled;
            total.disabled += counts.disabled;
            total.errors += counts.errors;
        }
    }
    // The generator is useful only if every kind of step occurs.
    if (last - first >= 100) {
        CHECK(total.enabled > 1000);
        CHECK(total.disabled > 100);
        CHECK(total.errors > 50);
        CHECK(rejected < specs / 4);
    }
    WARN(specs << " random specs (" << rejected << " rejected by the checker), " << total.states << " states, " << total.enabled << " enabled, " << total.disabled
               << " disabled, " << total.errors << " failing instances compared");
}
