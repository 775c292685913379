#include "explorer/conform.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "explorer/replay.h"
#include "explorer/state_store.h"
#include "spec/diagnostics.h"

namespace stateproof::explorer {

using namespace stateproof::spec;

bool ConformResult::any_new() const {
    return std::any_of(divergences.begin(), divergences.end(), [](const Divergence& d) { return !d.in_baseline; });
}

namespace {

// The spec's reachable graph, kept for scenario generation and for measuring
// which transitions the implementation went through.
struct SpecGraph {
    SpecGraph(const CompiledMachine& cm, uint64_t max_memory_bytes, spec::Budget& budget)
        : cm(cm), ev(cm), words(cm.layout().words()), store(words, cm.layout().bits(), max_memory_bytes, true),
          budget(budget) {}

    struct Transition {
        StateId from;
        uint32_t instance;
        StateId to;
        bool tree;  // `to` was first reached through this transition
    };

    void build() {
        try {
            build_graph();
        } catch (const StoreFull&) {
            throw LimitReached("while building the spec's state graph (" + std::to_string(store.size()) +
                               " states made): --max-memory " + std::to_string(store.budget() >> 20) + " MiB reached");
        }
    }

    void build_graph() {
        budget.phase("building the spec's state graph", "states");
        std::vector<uint64_t> buf(words);
        ev.for_each_initial([&](const int32_t* v) {
            cm.layout().pack(v, buf.data());
            if (store.insert(buf.data(), hash_state(buf.data(), words), kNoParent).second) via.push_back(UINT32_MAX);
        });
        std::vector<uint64_t> cur(words);
        for (uint64_t head = 0; head < store.size(); ++head) {
            StateId id = StateId(head);
            std::copy(store.state(id), store.state(id) + words, cur.begin());
            ev.load(cur.data());
            bool any = false;
            for (uint32_t i = 0; i < cm.instance_count(); ++i) {
                if (!ev.enabled(i)) continue;
                any = true;
                ev.fire(i);
                ev.pack_post(cur.data(), buf.data());
                auto [to, fresh] = store.insert(buf.data(), hash_state(buf.data(), words), id);
                if (fresh) {
                    via.push_back(i);
                    budget.tick();
                }
                transitions.push_back({id, i, to, fresh});
            }
            dead.push_back(!any);
        }
    }

    Scenario path_to(StateId id) const {
        Scenario s;
        for (StateId x = id; store.parent(x) != kNoParent; x = store.parent(x)) s.push_back(via[x]);
        std::reverse(s.begin(), s.end());
        return s;
    }

    std::optional<StateId> find(const std::vector<uint64_t>& packed) {
        auto [id, fresh] = store.insert(packed.data(), hash_state(packed.data(), words), kNoParent);
        if (fresh) return std::nullopt;  // not reachable: cannot happen for states replay reached
        return id;
    }

    const CompiledMachine& cm;
    Evaluator ev;
    uint32_t words;
    ExactStore store;
    std::vector<uint32_t> via;    // per state: the instance of its tree edge
    std::vector<bool> dead;       // per state: nothing enabled
    std::vector<Transition> transitions;
    spec::Budget& budget;
};

// Every continuation of `length` steps from packed state `from` (shorter where
// nothing is enabled), appended to `prefix`.
void continuations(const CompiledMachine& cm, const std::vector<uint64_t>& from, uint32_t length, Scenario& prefix,
                   std::vector<Scenario>& out, uint64_t limit, spec::Budget& budget) {
    if (out.size() > limit) throw LimitReached("conform: more than " + std::to_string(limit) + " scenarios");
    budget.tick();
    if (length == 0) {
        out.push_back(prefix);
        return;
    }
    Evaluator ev(cm);
    ev.load(from.data());
    std::vector<std::pair<uint32_t, std::vector<uint64_t>>> next;
    std::vector<uint64_t> buf(cm.layout().words());
    for (uint32_t i = 0; i < cm.instance_count(); ++i) {
        if (!ev.enabled(i)) continue;
        ev.fire(i);
        ev.pack_post(from.data(), buf.data());
        next.push_back({i, buf});
    }
    if (next.empty()) {
        out.push_back(prefix);
        return;
    }
    for (auto& [i, st] : next) {
        prefix.push_back(i);
        continuations(cm, st, length - 1, prefix, out, limit, budget);
        prefix.pop_back();
    }
}

}  // namespace

// Events for a divergence class: names with their enum and bool arguments;
// integer arguments (slot numbers, counters) are left out, so one
// discrepancy seen through different slots is one class.
std::string event_class(const CompiledMachine& cm, const std::vector<EventValue>& evs) {
    if (evs.empty()) return "(nothing)";
    const Machine& m = cm.machine();
    std::string s;
    for (const auto& e : evs) {
        if (e.foreign()) {
            // As reported; numbers are left out like the spec's integers.
            std::string args;
            for (const auto& [name, value] : e.foreign_args) {
                nlohmann::json v = nlohmann::json::parse(value, nullptr, false);
                if (v.is_number()) continue;
                args += (args.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : value);
            }
            s += (s.empty() ? "" : " ") + e.foreign_name + (args.empty() ? "" : "(" + args + ")");
            continue;
        }
        const EventDef& d = m.events[e.event];
        std::string args;
        for (size_t k = 0; k < d.params.size(); ++k) {
            if (m.types[d.params[k].type].kind == Type::Kind::Int) continue;
            args += (args.empty() ? "" : ", ") + m.format_value(d.params[k].type, e.args[k]);
        }
        s += (s.empty() ? "" : " ") + d.name + (args.empty() ? "" : "(" + args + ")");
    }
    return s;
}

// A divergence's cause (Divergence::group): the first pair of events that
// differ, the spec's against the implementation's, compared as event_class
// shows them. Of several spec alternatives the one that agrees with the
// implementation longest is the one it meant (ties: the first key). The
// events before the pair are the setup's and the events after it follow from
// it, so classes that differ only there share their cause. When only
// integers differ, there is no such pair: the whole lists are the cause.
std::string first_difference(const CompiledMachine& cm, const std::vector<std::vector<EventValue>>& alternatives,
                             const std::vector<EventValue>& got, const std::string& alt_label,
                             const std::string& got_label, bool got_first) {
    auto names = [&](const std::vector<EventValue>& evs) {
        std::vector<std::string> out;
        for (const auto& e : evs) out.push_back(event_class(cm, {e}));
        return out;
    };
    const std::vector<std::string> impl = names(got);
    std::string best;
    size_t best_agree = 0;
    for (const auto& alt : alternatives) {
        const std::vector<std::string> spec = names(alt);
        size_t k = 0;
        while (k < spec.size() && k < impl.size() && spec[k] == impl[k]) ++k;
        std::string a, g;
        if (k == spec.size() && k == impl.size()) {
            a = event_class(cm, alt);
            g = event_class(cm, got);
        } else {
            a = k < spec.size() ? spec[k] : "(no more events)";
            g = k < impl.size() ? impl[k] : "(no more events)";
        }
        std::string key = got_first ? got_label + " " + g + " | " + alt_label + " " + a
                                    : alt_label + " " + a + " | " + got_label + " " + g;
        if (best.empty() || k > best_agree || (k == best_agree && key < best)) {
            best = key;
            best_agree = k;
        }
    }
    return best;
}

std::vector<DivergenceGroup> group_divergences(const std::vector<Divergence>& divergences) {
    std::vector<DivergenceGroup> groups;
    std::map<std::string, size_t> index;
    for (size_t k = 0; k < divergences.size(); ++k) {
        const Divergence& d = divergences[k];
        auto [it, fresh] = index.emplace(d.group, groups.size());
        if (fresh) groups.push_back({d.group, {}, 0, false});
        DivergenceGroup& g = groups[it->second];
        g.classes.push_back(k);
        g.occurrences += d.occurrences;
        g.any_new |= !d.in_baseline;
    }
    return groups;
}

static spec::Limits budget_limits(const ConformOptions& o) {
    spec::Limits l;
    l.max_memory_bytes = o.max_memory_bytes;
    l.max_seconds = o.max_seconds;
    l.max_seconds_given = o.max_seconds_given;
    return l;
}

static std::vector<Scenario> generate(SpecGraph& g, const ConformOptions& o) {
    const CompiledMachine& cm = g.cm;
    g.budget.phase("generating the scenarios", "scenarios");
    std::vector<Scenario> out;
    if (o.mode == ConformOptions::Mode::Depth) {
        std::vector<uint64_t> buf(g.words);
        for (uint64_t id = 0; id < g.store.size() && g.store.parent(StateId(id)) == kNoParent; ++id) {
            std::vector<uint64_t> init(g.store.state(StateId(id)), g.store.state(StateId(id)) + g.words);
            Scenario prefix;
            continuations(cm, init, o.depth, prefix, out, o.max_scenarios, g.budget);
        }
    } else {
        for (const auto& t : g.transitions) {
            // A transition that first reached a state with successors is the
            // prefix of that state's own scenarios: it needs none of its own.
            if (t.tree && !g.dead[t.to]) continue;
            Scenario s = g.path_to(t.from);
            s.push_back(t.instance);
            std::vector<uint64_t> to(g.store.state(t.to), g.store.state(t.to) + g.words);
            // A self-loop changes none of the spec's variables, so nothing in
            // its own scenario shows whether the implementation left its
            // hidden state alone (an awaitable retried while running must
            // stay as it was): every next step follows it.
            uint32_t suffix = t.from == t.to ? std::max<uint32_t>(o.suffix, 1) : o.suffix;
            continuations(cm, to, suffix, s, out, o.max_scenarios, g.budget);
            if (out.size() > o.max_scenarios)
                throw LimitReached("conform: more than " + std::to_string(o.max_scenarios) + " scenarios");
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Scenario& a, const Scenario& b) { return a.size() < b.size(); });
    return out;
}

std::vector<Scenario> generate_scenarios(const CompiledMachine& cm, const ConformOptions& o, uint64_t* spec_states,
                                         uint64_t* spec_transitions) {
    spec::Budget budget(budget_limits(o));
    SpecGraph g(cm, o.max_memory_bytes, budget);
    g.build();
    if (spec_states) *spec_states = g.store.size();
    if (spec_transitions) *spec_transitions = g.transitions.size();
    return generate(g, o);
}

ConformResult conform(const CompiledMachine& cm, Implementation& impl, const ConformOptions& o) {
    auto start = std::chrono::steady_clock::now();
    spec::Budget budget(budget_limits(o));
    SpecGraph g(cm, o.max_memory_bytes, budget);
    ConformResult r;
    r.implementation = impl.name();
    std::vector<Scenario> scenarios;
    try {
        g.build();
        scenarios = generate(g, o);
    } catch (const LimitReached& e) {
        // Nothing ran yet; the report says where the making stopped (a
        // sweep keeps the runs before this one).
        r.stopped_early = e.what();
        r.spec_states = g.store.size();
        r.spec_transitions = g.transitions.size();
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    }
    r.spec_states = g.store.size();
    r.spec_transitions = g.transitions.size();
    std::unordered_set<uint64_t> covered;
    std::map<std::string, Divergence> classes;

    Replayer rep(cm);
    StateValues initial(cm.machine().scalars.size());
    if (g.store.size()) cm.layout().unpack(g.store.state(StateId(0)), initial.data());
    // One scenario's answer, compared with the spec step by step.
    auto check = [&](const Scenario& sc, const std::vector<ObservedStep>& obs) {
        ++r.scenarios;
        if (!obs.empty() && obs.back().stopped.rfind("unsupported", 0) == 0) {
            ++r.unsupported;
            return;
        }
        rep.reset();
        size_t step = 0;
        bool diverged = false;
        std::vector<StateId> pre;
        for (; step < obs.size(); ++step) {
            if (obs[step].action != cm.instance(sc[step]).action || obs[step].args != cm.instance(sc[step]).args)
                throw UsageError("the implementation reported step " + std::to_string(step + 1) +
                                 " as a different action than the scenario's");
            pre.clear();
            for (const auto& st : rep.states())
                if (auto id = g.find(st)) pre.push_back(*id);
            if (!rep.step(obs[step])) {
                diverged = true;
                break;
            }
            ++r.steps;
            for (StateId id : pre) covered.insert((uint64_t(id) << 32) | sc[step]);
        }
        if (!diverged && obs.size() < sc.size()) {
            // It stopped early without saying why: a divergence at the next step.
            ObservedStep missing;
            missing.action = cm.instance(sc[obs.size()]).action;
            missing.args = cm.instance(sc[obs.size()]).args;
            missing.stopped = "the implementation returned no result for this step";
            rep.step(missing);
            diverged = true;
            step = obs.size();
        }
        if (!diverged) return;
        const ReplayMismatch& mm = rep.mismatch();
        const ObservedStep& bad = step < obs.size() ? obs[step] : mm.observed;
        std::string expected;
        std::vector<std::string> alts;
        for (const auto& e : mm.would_emit) alts.push_back(event_class(cm, e));
        std::sort(alts.begin(), alts.end());
        for (const auto& a : alts) expected += (expected.empty() ? "" : " or ") + a;
        if (alts.empty()) expected = "does not allow it";
        std::string got = bad.stopped.empty() ? event_class(cm, bad.events) : "stopped: " + bad.stopped;
        std::string sig = cm.machine().actions[cm.instance(sc[step]).action].name + ": spec " + expected +
                          " | implementation " + got;
        Divergence& d = classes[sig];
        ++d.occurrences;
        if (d.occurrences == 1 || step + 1 < d.scenario.size()) {
            d.signature = sig;
            // A function of the signature's parts, so one class has one cause.
            if (!bad.stopped.empty()) d.group = "implementation " + got;
            else if (alts.empty()) d.group = cm.machine().actions[cm.instance(sc[step]).action].name + ": spec does not allow it";
            else d.group = first_difference(cm, mm.would_emit, bad.events);
            d.scenario.assign(sc.begin(), sc.begin() + step + 1);
            d.observed.assign(obs.begin(), obs.begin() + std::min(obs.size(), step + 1));
            if (d.observed.size() < d.scenario.size()) d.observed.push_back(mm.observed);
            d.spec_alternatives = mm.would_emit;
            d.guard_false = mm.guard_false;
            d.spec_state_count = mm.state_count;
            if (!mm.states.empty()) {
                d.spec_state = mm.states[0];
                d.spec_initial = initial;
            }
            // The spec's events for the matched steps: what was observed.
            d.expected.clear();
            for (size_t j = 0; j < step; ++j) d.expected.push_back(obs[j].events);
            d.in_baseline = o.baseline.count(sig) > 0;
        }
    };

    auto stop_asked = [&] {
        if (!r.interrupted_by && o.interrupted) r.interrupted_by = o.interrupted();
        return r.interrupted_by != 0;
    };
    auto out_of_time = [&] { return o.max_seconds > 0 && budget.seconds() >= o.max_seconds; };
    // While an answer is awaited: a signal, or the end of --max-seconds
    // (any non-zero value makes run() return early; the loop below tells
    // the two apart).
    impl.interrupted = [&]() -> int {
        if (int sig = o.interrupted ? o.interrupted() : 0) return sig;
        return out_of_time() ? -1 : 0;
    };
    bool alive = true;
    auto restart = [&]() -> bool {
        if (!r.stopped_early.empty()) return false;
        try {
            impl.restart();
        } catch (const UsageError& e) {
            r.stopped_early = std::string("the implementation could not be started again: ") + e.what();
            return false;
        }
        alive = true;
        return true;
    };
    // A fault: a class of its own, with the shortest prefix of the scenario
    // that causes it again on a fresh start (each prefix tried on a restarted
    // implementation, shortest first, so the first hit is the shortest).
    auto record_fault = [&](const Scenario& sc, const Fault& f, bool shrink) {
        ++r.scenarios;
        Divergence& d = classes[f.kind];
        ++d.occurrences;
        if (d.occurrences > 1 && sc.size() >= d.scenario.size()) return;
        d.signature = f.kind;
        d.group = f.kind;
        d.fault = f.kind;
        d.fault_detail = f.detail;
        d.scenario = sc;
        d.fault_reproduced = false;
        d.in_baseline = o.baseline.count(f.kind) > 0;
        for (size_t len = 1; shrink && len <= sc.size(); ++len) {
            if (stop_asked() || out_of_time() || !restart()) break;
            std::vector<std::vector<ObservedStep>> out;
            Fault again;
            if (impl.run({Scenario(sc.begin(), sc.begin() + len)}, out, again) == 1) continue;
            alive = false;
            if (again.kind != f.kind) continue;
            d.scenario.assign(sc.begin(), sc.begin() + len);
            d.fault_detail = again.detail;
            d.fault_reproduced = true;
            break;
        }
    };

    std::vector<std::vector<ObservedStep>> observed;
    uint32_t in_a_row = 0;
    for (size_t first = 0; first < scenarios.size() && r.stopped_early.empty() && !stop_asked(); first += o.batch) {
        size_t n = std::min<size_t>(o.batch, scenarios.size() - first);
        size_t done = 0;
        while (done < n) {
            if (stop_asked() || (!alive && !restart())) break;
            std::vector<Scenario> batch(scenarios.begin() + first + done, scenarios.begin() + first + n);
            observed.clear();
            Fault fault;
            size_t answered = impl.run(batch, observed, fault);
            for (size_t k = 0; k < answered; ++k) check(batch[k], observed[k]);
            done += answered;
            if (answered) in_a_row = 0;
            if (done == n) break;
            if (stop_asked() || out_of_time()) break;  // not the implementation's fault
            // The implementation failed on batch[answered]: a finding. The
            // scenarios after it go to a fresh start, unless it fails on
            // everything: faults in a row, with no scenario answered between.
            alive = false;
            if (++in_a_row > o.max_restarts) {
                r.stopped_early = "the implementation failed on " + std::to_string(in_a_row) +
                                  " scenarios in a row (last: " + fault.kind + "); --max-restarts is " +
                                  std::to_string(o.max_restarts);
                record_fault(batch[answered], fault, false);
                ++done;
                break;
            }
            ++r.restarts;
            record_fault(batch[answered], fault, true);
            ++done;
        }
        if (o.progress) o.progress(first + done, scenarios.size());
        // The divergences found so far grow with the run: at the limit it
        // ends with them, like --max-restarts.
        try {
            budget.phase("running the scenarios");
            budget.check();
        } catch (const LimitReached& e) {
            if (r.stopped_early.empty()) r.stopped_early = e.what();
        }
    }
    if (!r.stopped_early.empty())
        r.stopped_early += " (after " + std::to_string(r.scenarios) + " of " + std::to_string(scenarios.size()) + " scenarios)";
    r.transitions_covered = covered.size();
    for (auto& [sig, d] : classes) r.divergences.push_back(std::move(d));
    std::stable_sort(r.divergences.begin(), r.divergences.end(),
                     [](const Divergence& a, const Divergence& b) { return a.scenario.size() < b.scenario.size(); });
    r.groups = group_divergences(r.divergences);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    impl.interrupted = o.interrupted;  // the callback above refers to this call's locals
    return r;
}

}  // namespace stateproof::explorer
