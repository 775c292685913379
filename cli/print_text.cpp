#include "cli/print_text.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include "cli/baseline.h"
#include "cli/conform_sweep.h"
#include "spec/eval.h"

namespace stateproof::cli {

using namespace stateproof::spec;

std::string format_seconds(double s) {
    char buf[32];
    if (s < 1) std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000);
    else std::snprintf(buf, sizeof buf, "%.2f s", s);
    return buf;
}

// A variable's value in one line: records as {f: v, ...}, arrays as [a, b],
// with a run of equal elements folded ("[{...} x 2]").
static std::string compact_value(const Machine& m, TypeId t, const StateValues& state, uint32_t& pos) {
    const Type& ty = m.types[t];
    if (ty.kind == Type::Kind::Record) {
        std::string s = "{";
        for (size_t i = 0; i < ty.fields.size(); ++i) {
            if (i) s += ", ";
            s += ty.fields[i].name + ": " + compact_value(m, ty.fields[i].type, state, pos);
        }
        return s + "}";
    }
    if (ty.kind == Type::Kind::Array) {
        std::vector<std::string> elems;
        for (uint32_t i = 0; i < m.types[ty.index].domain_size(); ++i) elems.push_back(compact_value(m, ty.elem, state, pos));
        bool same = std::all_of(elems.begin(), elems.end(), [&](const std::string& e) { return e == elems[0]; });
        if (same && elems.size() > 1) return "[" + elems[0] + " x " + std::to_string(elems.size()) + "]";
        std::string s = "[";
        for (size_t i = 0; i < elems.size(); ++i) s += (i ? ", " : "") + elems[i];
        return s + "]";
    }
    return m.format_value(t, state[pos++]);
}

std::string format_trace(const Machine& m, const Trace& t, const TraceStyle& style) {
    std::ostringstream out;
    write_trace(out, m, t, style);
    return out.str();
}

void write_trace(std::ostream& out, const Machine& m, const Trace& t, const TraceStyle& style) {
    const std::string& in = style.indent;
    const size_t width = std::to_string(t.steps.size()).size();
    for (size_t i = 0; i < t.steps.size(); ++i) {
        const Step& s = t.steps[i];
        std::string num = std::to_string(i);
        out << in << std::string(width - num.size(), ' ') << num << "  ";
        std::string pad = in + std::string(width + 4, ' ');
        if (s.action == Step::kInitial) {
            out << "initial state\n";
            for (const StateVar& v : m.vars) {
                uint32_t pos = v.first_scalar;
                out << pad << v.name << " = " << compact_value(m, v.type, s.state, pos) << "\n";
            }
            continue;
        }
        out << describe_call(m, s.action, s.args) << "\n";
        for (const EventValue& e : s.events) out << pad << "emits " << describe_event(m, e) << "\n";
        const Step& prev = t.steps[i - 1];
        bool changed = false;
        for (uint32_t k = 0; k < m.scalars.size(); ++k) {
            bool diff = prev.state[k] != s.state[k];
            changed |= diff;
            if (diff)
                out << pad << m.scalars[k].path << ": " << m.format_value(m.scalars[k].type, prev.state[k]) << " -> "
                    << m.format_value(m.scalars[k].type, s.state[k]) << "\n";
            else if (style.full_states)
                out << pad << m.scalars[k].path << " = " << m.format_value(m.scalars[k].type, s.state[k]) << "\n";
        }
        if (!changed && !style.full_states) out << pad << "(no variable changes)\n";
    }
}

std::string format_consts(const Machine& m) {
    std::string s;
    for (const ConstValue& c : m.consts) {
        if (!s.empty()) s += " ";
        s += c.name + "=" + m.format_value(c.type, c.value);
    }
    return s;
}

static const char* verdict_word(Verdict v) {
    switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "VIOLATED";
    default: return "unknown";
    }
}

static std::string property_where(const Machine& m, const PropertyResult& p) {
    if (!p.property) return "deadlock freedom";
    const Property& prop = m.properties[*p.property];
    std::string kind = prop.kind == Property::Kind::Invariant ? "invariant" : "transition property";
    return kind + ", " + m.source->name + ":" + std::to_string(prop.loc.line);
}

std::string format_check(const Machine& m, const CheckResult& r, const TraceStyle& style) {
    std::ostringstream out;
    write_check(out, m, r, style);
    return out.str();
}

void write_check(std::ostream& out, const Machine& m, const CheckResult& r, const TraceStyle& style) {
    out << "machine " << m.name << " (" << m.source->name << ")";
    std::string consts = format_consts(m);
    if (!consts.empty()) out << ", " << consts;
    out << "\nengine " << r.engine << ": ";
    const Stats& st = r.stats;
    if (r.engine == "explicit") {
        out << st.states << " states, " << st.transitions << " transitions, depth " << st.depth << ", "
            << format_seconds(st.seconds);
        if (st.collision_probability) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.3g", *st.collision_probability);
            out << "\nfingerprint mode: estimated probability that a hash collision lost a state: " << buf;
        }
    } else {
        out << "depth " << st.depth << ", " << format_seconds(st.seconds);
    }
    if (!st.complete && !st.stopped_by.empty()) out << " (stopped: " << st.stopped_by << ")";
    if (r.cross_check) {
        if (r.cross_check->complete)
            out << "\ncross-checked: the explorer agrees on all " << r.cross_check->states << " reachable states ("
                << format_seconds(r.cross_check->seconds) << ")";
        else
            out << "\nnot cross-checked: " << r.cross_check->why_not << "; the proofs rest on the encoding alone";
    }
    out << "\n\n";
    size_t name_w = 0;
    for (const auto& p : r.properties) name_w = std::max(name_w, p.name.size());
    for (const auto& p : r.properties) {
        std::string v = verdict_word(p.verdict);
        out << "  " << v << std::string(10 - v.size(), ' ') << p.name << std::string(name_w - p.name.size() + 2, ' ');
        if (p.verdict == Verdict::Violated) {
            out << "counterexample of " << p.cex->length() << " step" << (p.cex->length() == 1 ? "" : "s") << " below";
        } else {
            out << p.reason;
        }
        out << "\n";
    }
    for (const auto& p : r.properties) {
        if (p.verdict != Verdict::Violated) continue;
        out << "\n" << p.name << " (" << property_where(m, p) << ") is violated";
        if (p.property && m.properties[*p.property].kind == Property::Kind::Transition)
            out << " by the last step";
        else if (!p.property)
            out << ": no action is enabled in the last state";
        else
            out << " in the last state";
        out << ":\n";
        write_trace(out, m, *p.cex, style);
    }
}

std::string format_explore(const Machine& m, const CompiledMachine& cm, const explorer::ExploreResult& r,
                           const TraceStyle& style) {
    std::ostringstream out;
    write_explore(out, m, cm, r, style);
    return out.str();
}

void write_explore(std::ostream& out, const Machine& m, const CompiledMachine& cm, const explorer::ExploreResult& r,
                   const TraceStyle& style) {
    const Stats& st = r.stats;
    out << "machine " << m.name << " (" << m.source->name << ")";
    std::string consts = format_consts(m);
    if (!consts.empty()) out << ", " << consts;
    out << "\n";
    out << "states:      " << st.states << (st.complete ? "" : " (incomplete)") << "\n";
    out << "transitions: " << st.transitions << "\n";
    out << "diameter:    " << st.depth << (st.complete ? "" : " (so far)") << "\n";
    out << "deadlocks:   " << r.deadlocks << "\n";
    out << "time:        " << format_seconds(st.seconds) << "\n";
    out << "memory:      " << (st.memory_bytes + 1048575) / 1048576 << " MiB (state store)\n";
    if (st.collision_probability) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.3g", *st.collision_probability);
        out << "fingerprint collision probability (estimate): " << buf << "\n";
    }
    if (!st.complete) out << "stopped:     " << st.stopped_by << "; " << st.queue << " states were not expanded\n";
    out << "\naction coverage (fired = transitions taken, new = states first reached by it):\n";
    size_t w = 6;
    for (const auto& c : r.coverage) w = std::max(w, m.actions[c.action].name.size());
    out << "  " << "action" << std::string(w - 6 + 2, ' ') << "      fired        new  never fired\n";
    std::vector<std::string> never;
    for (const auto& c : r.coverage) {
        const std::string& n = m.actions[c.action].name;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%11llu %10llu", (unsigned long long)c.fired, (unsigned long long)c.new_states);
        out << "  " << n << std::string(w - n.size() + 2, ' ') << buf << "  ";
        if (c.never_fired.empty()) out << "-";
        else if (c.never_fired.size() == c.instances) out << "ALL (the action never fires)";
        else out << c.never_fired.size() << " of " << c.instances << " argument combinations";
        out << "\n";
        if (c.never_fired.size() != c.instances)
            for (uint32_t i : c.never_fired) never.push_back(cm.describe(i));
    }
    if (!never.empty()) {
        out << "\nargument combinations that never fire:\n";
        size_t shown = 0;
        for (const auto& s : never) {
            if (shown++ == 50) {
                out << "  ... and " << never.size() - 50 << " more\n";
                break;
            }
            out << "  " << s << "\n";
        }
    }
    if (r.first_deadlock) {
        out << "\na shortest path to a deadlock:\n";
        write_trace(out, m, *r.first_deadlock, style);
    }
}

std::string format_comparison(const Machine& m, const std::vector<CheckResult>& results) {
    std::ostringstream out;
    out << "machine " << m.name << " (" << m.source->name << ")";
    std::string consts = format_consts(m);
    if (!consts.empty()) out << ", " << consts;
    out << "\n";
    for (const auto& r : results)
        out << "  " << r.engine << std::string(10 - r.engine.size(), ' ') << format_seconds(r.stats.seconds)
            << (r.engine == "explicit" ? ", " + std::to_string(r.stats.states) + " states, diameter " + std::to_string(r.stats.depth)
                                       : ", depth " + std::to_string(r.stats.depth))
            << "\n";
    out << "\n";
    size_t w = 8;
    for (const auto& p : results[0].properties) w = std::max(w, p.name.size());
    out << "  property" << std::string(w - 8 + 2, ' ');
    for (const auto& r : results) out << r.engine << std::string(22 - r.engine.size(), ' ');
    out << "\n";
    for (size_t i = 0; i < results[0].properties.size(); ++i) {
        const std::string& name = results[0].properties[i].name;
        out << "  " << name << std::string(w - name.size() + 2, ' ');
        for (const auto& r : results) {
            const auto& p = r.properties[i];
            std::string cell = p.verdict == Verdict::Violated ? "VIOLATED (" + std::to_string(p.cex->length()) + ")"
                               : p.verdict == Verdict::Unknown ? "unknown"
                               : p.proved_at_k ? "proved (k=" + std::to_string(*p.proved_at_k) + ")"
                               : p.bound ? "holds (<= " + std::to_string(*p.bound) + ")" : "holds";
            out << cell << std::string(cell.size() < 22 ? 22 - cell.size() : 1, ' ');
        }
        out << "\n";
    }
    return out.str();
}

std::string format_events(const CompiledMachine& cm, const std::vector<EventValue>& evs, const std::string& none) {
    if (evs.empty()) return none;
    std::string s;
    for (const auto& e : evs) s += (s.empty() ? "" : " ") + cm.describe_event(e);
    return s;
}

std::string format_observed(const CompiledMachine& cm, const ObservedStep& s) {
    return cm.describe(cm.instance_of(s.action, s.args)) + " -> " + format_events(cm, s.events);
}

// A fault of the implementation: the scenario that causes it, and what it left.
static std::string format_fault(const CompiledMachine& cm, const explorer::Divergence& d) {
    std::ostringstream out;
    out << "  " << (d.fault_reproduced ? "the shortest scenario that causes it on a fresh start"
                                       : "the scenario it failed on (it did not fail again on a fresh start)")
        << " (" << d.scenario.size() << " step" << (d.scenario.size() == 1 ? "" : "s") << "):\n";
    for (size_t k = 0; k < d.scenario.size(); ++k)
        out << "  " << (k + 1 < 10 ? " " : "") << k + 1 << "  " << cm.describe(d.scenario[k])
            << (k + 1 == d.scenario.size() ? "  <-- the implementation failed in this scenario" : "") << "\n";
    std::string detail = d.fault_detail;
    for (size_t at = 0; (at = detail.find('\n', at)) != std::string::npos; at += 3) detail.replace(at, 1, "\n  ");
    if (!detail.empty()) out << "  " << detail << (detail.back() == '\n' ? "" : "\n");
    return out.str();
}

// A shortest scenario, one line a step: the steps before the last with their
// events (`before(k)`, the same wherever it ran), the last marked as the first
// difference. Returns the indent of the lines that explain the last step.
static std::string scenario_steps(std::ostream& out, const CompiledMachine& cm, const explorer::Scenario& sc,
                                  const std::function<const std::vector<EventValue>&(size_t)>& before) {
    size_t w = 0;
    for (uint32_t i : sc) w = std::max(w, cm.describe(i).size());
    for (size_t k = 0; k < sc.size(); ++k) {
        std::string act = cm.describe(sc[k]);
        out << "  " << (k + 1 < 10 ? " " : "") << k + 1 << "  " << act << std::string(w - act.size() + 2, ' ');
        out << (k + 1 < sc.size() ? format_events(cm, before(k), "-") : "<-- first difference") << "\n";
    }
    return std::string(w + 8, ' ');
}

// A divergence class's shortest scenario up to the first difference, and the
// spec's state before it; `which` names it in the first line ("", or
// "divergence 3, " when a group shows one of its classes).
static std::string divergence_body(const CompiledMachine& cm, const explorer::Divergence& d, const std::string& which,
                                   const TraceStyle& style) {
    if (!d.fault.empty()) return format_fault(cm, d);
    std::ostringstream out;
    out << "  the shortest scenario (" << which << d.scenario.size() << " step" << (d.scenario.size() == 1 ? "" : "s") << "):\n";
    std::string pad = scenario_steps(out, cm, d.scenario, [&](size_t k) -> const std::vector<EventValue>& {
        return d.observed[k].events;
    });
    const ObservedStep& last = d.observed.back();
    out << pad << "implementation: "
        << (last.stopped.empty() ? format_events(cm, last.events, "-") : "stopped (" + last.stopped + ")") << "\n";
    if (d.spec_alternatives.empty()) {
        out << pad << "spec: does not allow this step here\n";
        for (const auto& g : d.guard_false) out << pad << "  " << g << "\n";
    } else {
        for (const auto& alt : d.spec_alternatives) out << pad << "spec:           " << format_events(cm, alt, "-") << "\n";
    }
    if (!d.spec_state.empty()) {
        // Changed-only, as counterexamples are: what the scenario did to the
        // spec's state; --full-states shows every variable, as check's does.
        const Machine& m = cm.machine();
        out << "  the spec's state before the difference";
        if (d.spec_state_count > 1) out << " (1 of " << d.spec_state_count << " consistent with the steps before)";
        out << (style.full_states ? ":\n" : ", where it differs from the initial state:\n");
        bool any = false;
        for (uint32_t k = 0; k < m.scalars.size(); ++k) {
            if (!style.full_states && d.spec_state[k] == d.spec_initial[k]) continue;
            any = true;
            out << "    " << m.scalars[k].path << " = " << m.format_value(m.scalars[k].type, d.spec_state[k]) << "\n";
        }
        if (!any) out << "    (nowhere: it is the initial state)\n";
    }
    return out.str();
}

static std::string scenarios_word(uint64_t n) { return std::to_string(n) + " scenario" + (n == 1 ? "" : "s"); }

std::string format_divergence(const CompiledMachine& cm, const explorer::Divergence& d, size_t number,
                              const TraceStyle& style, const std::string& where) {
    std::ostringstream out;
    out << "divergence " << number << (d.in_baseline ? " (in the baseline)" : " (new)") << ", seen in "
        << scenarios_word(d.occurrences) << ":\n  " << d.signature << "\n" << where;
    return out.str() + divergence_body(cm, d, "", style);
}

// A cause's first lines: its key and the classes it holds (`divergences`
// is what DivergenceGroup::classes indexes).
static std::string cause_header(const explorer::DivergenceGroup& g, size_t number,
                                const std::vector<explorer::Divergence>& divergences) {
    std::ostringstream out;
    out << "cause " << number << (g.any_new ? " (new)" : " (in the baseline)") << ", seen in "
        << scenarios_word(g.occurrences) << ":\n  " << g.key << "\n";
    out << "  " << g.classes.size() << " class" << (g.classes.size() == 1 ? "" : "es") << ":\n";
    for (size_t k : g.classes) {
        const explorer::Divergence& d = divergences[k];
        out << "    divergence " << k + 1 << (d.in_baseline ? " (in the baseline), " : " (new), ")
            << scenarios_word(d.occurrences) << ": " << d.signature << "\n";
    }
    return out.str();
}

std::string format_divergence_group(const CompiledMachine& cm, const explorer::ConformResult& r, size_t group,
                                    const TraceStyle& style) {
    const explorer::DivergenceGroup& g = r.groups[group];
    // The classes are shortest first: the group's first shows its cause soonest.
    size_t first = g.classes.front();
    return cause_header(g, group + 1, r.divergences) +
           divergence_body(cm, r.divergences[first], "divergence " + std::to_string(first + 1) + ", ", style);
}

// A diff class's body: the scenario up to the first difference, both sides'
// events there, and the two states before it.
static std::string diff_body(const DiffSides& sides, const explorer::DiffClass& d, const std::string& which,
                             const TraceStyle& style) {
    const CompiledMachine& cm = *sides.left;
    std::ostringstream out;
    out << "  the shortest scenario (" << which << d.scenario.size() << " step" << (d.scenario.size() == 1 ? "" : "s")
        << "):\n";
    std::string pad = scenario_steps(out, cm, d.scenario, [&](size_t k) -> const std::vector<EventValue>& {
        return d.before[k];
    });
    auto side = [&](const char* label, const std::vector<std::vector<EventValue>>& alts) {
        if (alts.empty()) {
            out << pad << label << "does not allow this step here\n";
            for (const auto& g : d.guard_false) out << pad << "  " << g << "\n";
        }
        for (const auto& a : alts) out << pad << label << format_events(cm, a, "-") << "\n";
    };
    side("left:  ", d.left);
    side("right: ", d.right);
    // The two states before the difference: by variable when the two have
    // the same variables, the values that differ between them or that the
    // steps changed (every variable with --full-states).
    const Machine& lm = *sides.left_m;
    const Machine& rm = *sides.right_m;
    bool same_vars = lm.scalars.size() == rm.scalars.size();
    for (size_t k = 0; same_vars && k < lm.scalars.size(); ++k) same_vars = lm.scalars[k].path == rm.scalars[k].path;
    std::string of;  // a nondeterministic side: the first of its consistent states
    if (d.left_states > 1) of = "1 of " + std::to_string(d.left_states) + " on the left";
    if (d.right_states > 1) of += (of.empty() ? "" : ", ") + ("1 of " + std::to_string(d.right_states) + " on the right");
    out << "  the states before the difference" << (of.empty() ? "" : " (" + of + " consistent with the steps before)");
    if (same_vars) {
        out << (style.full_states ? ":\n" : ", where the two differ or the steps changed them:\n");
        bool any = false;
        for (uint32_t k = 0; k < lm.scalars.size(); ++k) {
            bool changed = d.left_state[k] != d.left_initial[k] || d.right_state[k] != d.right_initial[k];
            if (!style.full_states && !changed && d.left_state[k] == d.right_state[k]) continue;
            any = true;
            std::string l = lm.format_value(lm.scalars[k].type, d.left_state[k]);
            std::string r = rm.format_value(rm.scalars[k].type, d.right_state[k]);
            out << "    " << lm.scalars[k].path << " = " << l;
            if (l != r) out << "  (right: " << r << ")";
            out << "\n";
        }
        if (!any) out << "    (nowhere: both are their initial states)\n";
    } else {
        out << ":\n";
        for (int s = 0; s < 2; ++s) {
            const Machine& m = s ? rm : lm;
            const StateValues& v = s ? d.right_state : d.left_state;
            const StateValues& i = s ? d.right_initial : d.left_initial;
            out << "    " << (s ? "right" : "left") << ":\n";
            for (uint32_t k = 0; k < m.scalars.size(); ++k)
                if (style.full_states || v[k] != i[k])
                    out << "      " << m.scalars[k].path << " = " << m.format_value(m.scalars[k].type, v[k]) << "\n";
        }
    }
    return out.str();
}

static std::string states_word(uint64_t n) { return std::to_string(n) + " product state" + (n == 1 ? "" : "s"); }

std::string format_diff_class(const DiffSides& sides, const explorer::DiffClass& d, size_t number, const TraceStyle& style) {
    std::ostringstream out;
    out << "difference " << number << ", seen in " << states_word(d.occurrences) << ":\n  " << d.signature << "\n";
    return out.str() + diff_body(sides, d, "", style);
}

std::string format_diff(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r,
                        const TraceStyle& style) {
    std::ostringstream out;
    out << "diff " << spec_path << "\n  left:  " << format_consts(*sides.left_m) << "\n  right: "
        << format_consts(*sides.right_m) << "\n";
    out << "product: " << r.product_states << " states (" << (r.deterministic ? "pairs of states" : "pairs of sets of states")
        << "; left " << r.left_states << ", right " << r.right_states << " states), " << r.product_transitions
        << " transitions, inputs up to " << r.depth << " long, in " << format_seconds(r.seconds) << "\n";
    if (!r.stopped_early.empty()) out << "stopped early: " << r.stopped_early << " (the report holds what was found before)\n";
    if (r.interrupted_by)
        out << "interrupted (signal " << r.interrupted_by << "): the report holds what was found before it\n";
    if (r.classes.empty()) {
        out << (r.complete() ? "observably the same: every input sequence gives the same events on both sides\n"
                             : "no difference found so far\n");
        return out.str();
    }
    out << "differences: " << r.classes.size() << " class" << (r.classes.size() == 1 ? "" : "es") << " from "
        << r.groups.size() << " cause" << (r.groups.size() == 1 ? "" : "s") << "\n";
    for (size_t n = 0; n < r.groups.size(); ++n) {
        const explorer::DivergenceGroup& g = r.groups[n];
        out << "\ncause " << n + 1 << ", seen in " << states_word(g.occurrences) << ":\n  " << g.key << "\n";
        out << "  " << g.classes.size() << " class" << (g.classes.size() == 1 ? "" : "es") << ":\n";
        for (size_t k : g.classes)
            out << "    difference " << k + 1 << ", " << states_word(r.classes[k].occurrences) << ": "
                << r.classes[k].signature << "\n";
        size_t first = g.classes.front();
        out << diff_body(sides, r.classes[first], "difference " + std::to_string(first + 1) + ", ", style);
    }
    return out.str();
}

std::string format_profile_table(const std::string& spec_path, const std::vector<ProfileRun>& runs,
                                 const ProfileRun& chosen, const std::string& stopped_early) {
    const explorer::ConformResult& r = chosen.r;
    std::ostringstream out;
    out << "profiles of " << spec_path << " against " << r.implementation << ":\n";
    out << "  profile          scenarios  divergence classes  causes\n";
    for (const auto& p : runs) {
        char line[160];
        std::snprintf(line, sizeof line, "  %-15s %10llu  %18zu  %6zu%s\n", p.profile.c_str(),
                      static_cast<unsigned long long>(p.r.scenarios), p.r.divergences.size(), p.r.groups.size(),
                      &p == &chosen ? "   <-- closest" : "");
        out << line;
    }
    if (!stopped_early.empty()) {
        out << "\n" << stopped_early << ":\n\n";
        return out.str();
    }
    out << "\n" << r.implementation << " is " << chosen.profile;
    if (r.divergences.empty()) out << ", with no divergence\n\n";
    else
        out << " except these " << r.divergences.size() << " class" << (r.divergences.size() == 1 ? "" : "es") << " from "
            << r.groups.size() << " cause" << (r.groups.size() == 1 ? "" : "s") << ":\n\n";
    return out.str();
}

std::string format_conform(const CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r,
                           const TraceStyle& style) {
    const Machine& m = cm.machine();
    size_t fresh = new_divergences(r);
    std::ostringstream out;
    out << "conform " << spec_path << " (" << format_consts(m) << ")\n  against " << r.implementation << "\n";
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f%%", r.spec_transitions ? 100.0 * double(r.transitions_covered) / double(r.spec_transitions) : 100.0);
    out << "scenarios: " << r.scenarios << " (" << r.steps << " steps) in " << format_seconds(r.seconds)
        << "; spec transitions covered: " << pct << " (" << r.transitions_covered << " of " << r.spec_transitions << ")\n";
    if (r.unsupported) out << "unsupported by the implementation: " << r.unsupported << " scenarios\n";
    if (r.restarts) out << "restarted after a fault: " << r.restarts << " time" << (r.restarts == 1 ? "" : "s") << "\n";
    if (!r.stopped_early.empty()) out << "stopped early: " << r.stopped_early << "\n";
    if (r.interrupted_by)
        out << "interrupted (signal " << r.interrupted_by << "): the report holds the " << r.scenarios
            << " scenarios run before it\n";
    out << "divergences: " << r.divergences.size() << " class" << (r.divergences.size() == 1 ? "" : "es") << " ("
        << fresh << " new, " << r.divergences.size() - fresh << " in the baseline)";
    if (!r.groups.empty()) out << " from " << r.groups.size() << " cause" << (r.groups.size() == 1 ? "" : "s");
    out << "\n";
    for (size_t g = 0; g < r.groups.size(); ++g) out << "\n" << format_divergence_group(cm, r, g, style);
    return out.str();
}

// Where a sweep found a class (or a cause: its classes' configurations
// merged): each configuration, with its scenarios; `shown` is the run whose
// scenario the report shows.
static std::string sweep_where(const Sweep& sweep, const std::vector<std::pair<size_t, uint64_t>>& found_in,
                               size_t shown) {
    if (sweep.swept.empty()) return "";
    std::ostringstream where;
    where << "  in " << found_in.size() << " of " << sweep.runs.size() << " configuration"
          << (sweep.runs.size() == 1 ? "" : "s") << ":\n";
    size_t w = 0;
    for (const auto& [k, n] : found_in) w = std::max(w, format_configuration(sweep.runs[k].config).size());
    for (const auto& [k, n] : found_in) {
        std::string name = format_configuration(sweep.runs[k].config);
        where << "    " << name << std::string(w - name.size() + 2, ' ') << n << " scenario" << (n == 1 ? "" : "s")
              << (k == shown ? "  <-- the scenario below" : "") << "\n";
    }
    return where.str();
}

std::string format_sweep_divergence(const Sweep& sweep, const SweepClass& c, size_t number, const TraceStyle& style) {
    return format_divergence(*sweep.runs[c.shown].cm, sweep.merged(c), number, style,
                             sweep_where(sweep, c.found_in, c.shown));
}

std::string format_sweep(const std::string& spec_path, const Sweep& sweep, const TraceStyle& style) {
    std::ostringstream out;
    if (sweep.runs.empty()) return "sweep of " + spec_path + ": interrupted before the first configuration ran\n";
    const ProfileRun& first = sweep.runs.front();
    std::string fixed;
    for (const auto& [name, value] : sweep.fixed()) fixed += (fixed.empty() ? "" : " ") + name + "=" + value;
    out << "sweep of " << spec_path << (fixed.empty() ? "" : " (" + fixed + ")") << "\n  against "
        << first.r.implementation << "\n";
    if (sweep.swept.empty())
        out << "nothing to sweep: " << spec_path
            << " has no bool or enum constant but profile that --const leaves free; one run, under its constants\n";
    // One column per swept constant, then the run's counts and anything unusual about it.
    std::vector<size_t> w;
    for (size_t k = 0; k < sweep.swept.size(); ++k) {
        w.push_back(sweep.swept[k].size());
        for (const auto& run : sweep.runs) w[k] = std::max(w[k], run.config[k].second.size());
    }
    for (size_t k = 0; k < sweep.swept.size(); ++k) out << "  " << sweep.swept[k] << std::string(w[k] - sweep.swept[k].size(), ' ');
    out << "   scenarios  divergence classes\n";
    for (const auto& run : sweep.runs) {
        const explorer::ConformResult& r = run.r;
        for (size_t k = 0; k < run.config.size(); ++k)
            out << "  " << run.config[k].second << std::string(w[k] - run.config[k].second.size(), ' ');
        char line[64];
        std::snprintf(line, sizeof line, "  %10llu  %zu", static_cast<unsigned long long>(r.scenarios), r.divergences.size());
        out << line;
        if (r.unsupported) out << "   (" << r.unsupported << " unsupported)";
        if (r.restarts) out << "   (restarted " << r.restarts << " time" << (r.restarts == 1 ? "" : "s") << ")";
        if (!r.stopped_early.empty()) out << "   stopped early: " << r.stopped_early;
        if (r.interrupted_by) out << "   interrupted (signal " << r.interrupted_by << ")";
        out << "\n";
    }
    const Sweep::Totals total = sweep.totals();
    out << "\n" << sweep.runs.size() << " configuration" << (sweep.runs.size() == 1 ? "" : "s") << ", " << total.scenarios
        << " scenarios (" << total.steps << " steps) in " << format_seconds(total.seconds) << "\n";
    if (sweep.interrupted_by)
        out << "interrupted (signal " << sweep.interrupted_by << "): the report holds the " << sweep.runs.size() << " of "
            << sweep.configurations << " configurations run before it\n";
    else if (sweep.runs.size() < sweep.configurations)
        out << "stopped early: " << sweep.cut << "; the report holds the " << sweep.runs.size() << " of "
            << sweep.configurations << " configurations run before it\n";
    size_t fresh = sweep.new_classes();
    out << "divergences: " << sweep.classes.size() << " class" << (sweep.classes.size() == 1 ? "" : "es") << " (" << fresh
        << " new, " << sweep.classes.size() - fresh << " in the baseline)";
    if (!sweep.groups.empty()) out << " from " << sweep.groups.size() << " cause" << (sweep.groups.size() == 1 ? "" : "s");
    out << "\n";
    // By cause, as one run's report is: each cause's shortest class in full,
    // with the configurations it was found in.
    std::vector<explorer::Divergence> merged;
    for (const auto& c : sweep.classes) merged.push_back(sweep.merged(c));
    for (size_t g = 0; g < sweep.groups.size(); ++g) {
        size_t first = sweep.groups[g].classes.front();
        const SweepClass& c = sweep.classes[first];
        std::map<size_t, uint64_t> runs;  // the cause's configurations, in sweep order
        for (size_t k : sweep.groups[g].classes)
            for (const auto& [run, n] : sweep.classes[k].found_in) runs[run] += n;
        out << "\n" << cause_header(sweep.groups[g], g + 1, merged)
            << sweep_where(sweep, {runs.begin(), runs.end()}, c.shown)
            << divergence_body(*sweep.runs[c.shown].cm, merged[first], "divergence " + std::to_string(first + 1) + ", ",
                               style);
    }
    return out.str();
}

// "    closed: the trace has true, the spec false", one line a variable.
static std::string format_differences(const std::vector<VarDifference>& d) {
    std::string out;
    for (const auto& v : d) out += "    " + v.var + ": the trace has " + v.recorded + ", the spec " + v.spec + "\n";
    return out;
}

// The steps a replay matched last, for context.
static std::string format_recent(const CompiledMachine& cm, const std::vector<ObservedStep>& recent) {
    if (recent.empty()) return "";
    std::string out = "  the last matched steps:\n";
    for (const auto& s : recent) out += "    line " + std::to_string(s.line) + "  " + format_observed(cm, s) + "\n";
    return out;
}

std::string format_mismatch(const CompiledMachine& cm, const std::string& file, const explorer::ReplayMismatch& r) {
    const Machine& m = cm.machine();
    std::string consts = format_consts(m);
    if (r.step == 0) {
        // The recorded initial state (ITF) is none of the spec's.
        return file + ":0: the initial state is not one of " + m.source->name + (consts.empty() ? "" : " (" + consts + ")") +
               "\n  against the closest of the spec's " + std::to_string(r.state_count) + " initial state" +
               (r.state_count == 1 ? "" : "s") + ", it differs in:\n" + format_differences(r.state_differs);
    }
    std::string out = file + ":" + std::to_string(r.observed.line) + ": step " + std::to_string(r.step) +
                      " is not a behaviour of " + m.source->name;
    if (!consts.empty()) out += " (" + consts + ")";
    out += "\n  the implementation did:  " + format_observed(cm, r.observed) + "\n";
    if (!r.state_differs.empty()) {
        out += "  the spec takes this step with these events, but reaches no state equal to the one the trace\n"
               "  records after it; against the closest, it differs in:\n" +
               format_differences(r.state_differs);
        return out + format_recent(cm, r.recent);
    }
    if (!r.observed.stopped.empty()) out += "  and stopped there: " + r.observed.stopped + "\n";
    std::string ctx = std::to_string(r.state_count) + " spec state" + (r.state_count == 1 ? "" : "s") +
                      " consistent with the " + std::to_string(r.step - 1) + " step" + (r.step == 2 ? "" : "s") +
                      " before";
    if (!r.would_emit.empty()) {
        out += "  the spec, in the " + ctx + ", would emit:\n";
        for (const auto& e : r.would_emit)
            out += "                           " + cm.describe(cm.instance_of(r.observed.action, r.observed.args)) +
                   " -> " + format_events(cm, e) + "\n";
    } else if (r.observed.stopped.empty()) {
        out += "  the spec does not allow " + cm.describe(cm.instance_of(r.observed.action, r.observed.args)) +
               " in the " + ctx + ":\n";
        for (const auto& g : r.guard_false) out += "    " + g + "\n";
        out += "  it would accept:";
        if (r.accepted.empty()) out += " nothing (a deadlock)";
        for (size_t k = 0; k < r.accepted.size(); ++k) {
            if (k == 12) {
                out += " ... (" + std::to_string(r.accepted.size() - 12) + " more)";
                break;
            }
            out += (k ? ", " : " ") + cm.describe(r.accepted[k]);
        }
        out += "\n";
    }
    out += format_recent(cm, r.recent);
    if (!r.states.empty()) {
        out += "  the spec state" + std::string(r.states.size() > 1 ? "s (first " + std::to_string(r.states.size()) + ")" : "") + ":\n";
        Trace t;
        for (const auto& s : r.states) {
            t.steps.assign(1, Step{Step::kInitial, {}, {}, s});
            std::string lines = format_trace(m, t, {});
            out += lines.substr(lines.find('\n') + 1);
        }
    }
    return out;
}

static std::string count_of_steps(uint64_t n) { return std::to_string(n) + (n == 1 ? " step" : " steps"); }

std::string format_replay(const CompiledMachine& cm, const std::string& file, uint64_t matched,
                          const explorer::ReplayMismatch* mismatch) {
    if (mismatch) return format_mismatch(cm, file, *mismatch) + "\n";
    return file + ": conforms (" + count_of_steps(matched) + ")\n";
}

std::string format_replay_stopped(const std::string& file, uint64_t replayed, uint64_t total, const std::string& why) {
    return file + ": stopped after replaying " + std::to_string(replayed) +
           (total ? " of " + std::to_string(total) : "") + " steps (" + why + ")\n";
}

std::string format_trace_query(const std::string& file, const std::string& spec_path,
                               const std::vector<ObservedStep>& steps, const solver::TraceQueryResult& q) {
    if (q.matches) return file + ": conforms (" + count_of_steps(q.steps_matched) + "; smt)\n";
    std::string line = q.at_initial_state                 ? "0"
                       : q.steps_matched < steps.size() ? std::to_string(steps[q.steps_matched].line)
                                                        : "?";
    std::string out = file + ":" + line + ": not a behaviour of " + spec_path + ": " + q.reason + " (smt)\n";
    if (!q.state_differs.empty())
        out += std::string(q.at_initial_state ? "  against one of the spec's initial states"
                                              : "  against a state the spec reaches there") +
               ", it differs in:\n" + format_differences(q.state_differs);
    return out;
}

}  // namespace stateproof::cli
