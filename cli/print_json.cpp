#include "cli/print_json.h"

#include <algorithm>

#include "cli/baseline.h"
#include "spec/eval.h"
#include "spec/trace.h"

namespace stateproof::cli {

using namespace stateproof::spec;
using nlohmann::json;

json stats_json(const Stats& s) {
    json j = {{"states", s.states},   {"transitions", s.transitions}, {"depth", s.depth},
              {"seconds", s.seconds}, {"memory_bytes", s.memory_bytes}, {"complete", s.complete},
              {"queue", s.queue}};
    if (!s.stopped_by.empty()) j["stopped_by"] = s.stopped_by;
    if (s.collision_probability) j["collision_probability"] = *s.collision_probability;
    return j;
}

json consts_json(const Machine& m) {
    json j = json::object();
    for (const ConstValue& c : m.consts) {
        if (m.types[c.type].kind == Type::Kind::Int) j[c.name] = c.value;
        else if (m.types[c.type].kind == Type::Kind::Bool) j[c.name] = c.value != 0;
        else j[c.name] = m.format_value(c.type, c.value);
    }
    return j;
}

static const char* verdict_name(Verdict v) {
    switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "violated";
    default: return "unknown";
    }
}

// A trace as ITF: whole, or with its states deferred to `traces`.
static json itf_json(const Machine& m, const Trace& t, const std::string& description, StreamedJson* traces) {
    return traces ? itf_streamed(m, t, description, *traces) : to_itf(m, t, description);
}

json check_json(const Machine& m, const CheckResult& r, StreamedJson* traces) {
    json props = json::array();
    for (const PropertyResult& p : r.properties) {
        json j = {{"name", p.name}, {"verdict", verdict_name(p.verdict)}};
        if (p.property) {
            const Property& prop = m.properties[*p.property];
            j["kind"] = prop.kind == Property::Kind::Invariant ? "invariant" : "transition";
            j["line"] = prop.loc.line;
        } else {
            j["kind"] = "deadlock";
        }
        if (!p.reason.empty()) j["reason"] = p.reason;
        if (p.cex) {
            j["cex_length"] = p.cex->length();
            j["cex"] = itf_json(m, *p.cex, p.name + " violated", traces);
        }
        props.push_back(j);
    }
    json j = {{"spec", m.source->name}, {"machine", m.name},       {"consts", consts_json(m)},
              {"engine", r.engine},     {"stats", stats_json(r.stats)}, {"properties", props},
              {"exit_code", exit_code_of(r)}};
    if (r.cross_check) {
        j["cross_check"] = {{"complete", r.cross_check->complete},
                            {"states", r.cross_check->states},
                            {"seconds", r.cross_check->seconds}};
        if (!r.cross_check->complete) j["cross_check"]["why_not"] = r.cross_check->why_not;
    }
    return j;
}

json explore_json(const Machine& m, const CompiledMachine& cm, const explorer::ExploreResult& r, StreamedJson* traces) {
    json cov = json::array();
    for (const auto& c : r.coverage) {
        json never = json::array();
        for (uint32_t i : c.never_fired) never.push_back(cm.describe(i));
        cov.push_back({{"action", m.actions[c.action].name},
                       {"instances", c.instances},
                       {"fired", c.fired},
                       {"new_states", c.new_states},
                       {"never_fired", never}});
    }
    json j = {{"spec", m.source->name},
              {"machine", m.name},
              {"consts", consts_json(m)},
              {"states", r.stats.states},
              {"transitions", r.stats.transitions},
              {"diameter", r.stats.depth},
              {"deadlocks", r.deadlocks},
              {"complete", r.stats.complete},
              {"seconds", r.stats.seconds},
              {"memory_bytes", r.stats.memory_bytes},
              {"coverage", cov}};
    if (!r.stats.stopped_by.empty()) j["stopped_by"] = r.stats.stopped_by;
    if (r.stats.collision_probability) j["collision_probability"] = *r.stats.collision_probability;
    if (r.first_deadlock) j["first_deadlock"] = itf_json(m, *r.first_deadlock, "a shortest path to a deadlock", traces);
    return j;
}

json comparison_json(const Machine& m, const std::vector<CheckResult>& results,
                     const std::vector<std::string>& disagreements, StreamedJson* traces) {
    json j = {{"spec", m.source->name}, {"engines", json::array()}, {"disagreements", disagreements}};
    for (const auto& r : results) j["engines"].push_back(check_json(m, r, traces));
    return j;
}

json divergence_json(const CompiledMachine& cm, const explorer::Divergence& d) {
    const Machine& m = cm.machine();
    json steps = json::array();
    if (!d.fault.empty()) {
        // No answer to show: the scenario's steps, as a request would carry them.
        for (uint32_t i : d.scenario) {
            ObservedStep s;
            s.action = cm.instance(i).action;
            s.args = cm.instance(i).args;
            json st = step_to_json(m, s);
            st.erase("events");
            steps.push_back(st);
        }
        return {{"signature", d.signature}, {"group", d.group}, {"in_baseline", d.in_baseline},
                {"occurrences", d.occurrences}, {"scenario", steps}, {"fault", d.fault},
                {"fault_detail", d.fault_detail}, {"fault_reproduced", d.fault_reproduced}};
    }
    for (const auto& s : d.observed) steps.push_back(step_to_json(m, s));
    json alts = json::array();
    for (const auto& a : d.spec_alternatives) {
        ObservedStep w = d.observed.back();
        w.events = a;
        w.stopped.clear();
        alts.push_back(step_to_json(m, w)["events"]);
    }
    json div = {{"signature", d.signature}, {"group", d.group}, {"in_baseline", d.in_baseline},
                {"occurrences", d.occurrences}, {"scenario", steps}, {"spec_events_at_divergence", alts},
                {"guard_false", d.guard_false}};
    if (!d.spec_state.empty()) {
        // Every variable by name, valued as in ITF (--cex): the first of
        // spec_state_count states consistent with the steps before.
        json st = json::object();
        for (uint32_t v = 0; v < m.vars.size(); ++v) st[m.vars[v].name] = var_to_json(m, v, d.spec_state);
        div["spec_state"] = st;
        div["spec_state_count"] = d.spec_state_count;
    }
    return div;
}

// The classes by cause; "divergences" are indices into the report's list.
static json groups_json(const std::vector<explorer::DivergenceGroup>& groups) {
    json out = json::array();
    for (const auto& g : groups)
        out.push_back({{"key", g.key}, {"occurrences", g.occurrences}, {"divergences", g.classes}, {"new", g.any_new}});
    return out;
}

json conform_json(const CompiledMachine& cm, const std::string& spec_path, const explorer::ConformResult& r) {
    const Machine& m = cm.machine();
    size_t fresh = new_divergences(r);
    json divs = json::array();
    for (const auto& d : r.divergences) divs.push_back(divergence_json(cm, d));
    // The classes by cause: `divergences` holds the indices into the list above.
    json groups = groups_json(r.groups);
    json j = {{"spec", spec_path},       {"implementation", r.implementation},
              {"scenarios", r.scenarios},  {"steps", r.steps},
              {"unsupported", r.unsupported}, {"spec_states", r.spec_states},
              {"spec_transitions", r.spec_transitions}, {"transitions_covered", r.transitions_covered},
              {"seconds", r.seconds},      {"divergences", divs},       {"groups", groups},
              {"new_divergences", fresh},  {"exit_code", r.interrupted_by ? 128 + r.interrupted_by : !r.stopped_early.empty() ? 3 : fresh ? 1 : 0}};
    if (r.interrupted_by) j["interrupted_by_signal"] = r.interrupted_by;
    if (r.restarts) j["restarts"] = r.restarts;
    if (!r.stopped_early.empty()) j["stopped_early"] = r.stopped_early;
    for (const auto& c : m.consts) j["consts"][c.name] = m.format_value(c.type, c.value);
    return j;
}

json diff_json(const DiffSides& sides, const std::string& spec_path, const explorer::DiffResult& r, int exit_code) {
    const Machine& lm = *sides.left_m;
    const Machine& rm = *sides.right_m;
    const CompiledMachine& cm = *sides.left;
    json diffs = json::array();
    for (const auto& d : r.classes) {
        json steps = json::array();
        ObservedStep s;
        for (size_t k = 0; k < d.scenario.size(); ++k) {
            s.action = cm.instance(d.scenario[k]).action;
            s.args = cm.instance(d.scenario[k]).args;
            s.events = k < d.before.size() ? d.before[k] : std::vector<EventValue>{};
            json st = step_to_json(lm, s);
            if (k == d.before.size()) st.erase("events");
            steps.push_back(st);
        }
        auto alternatives = [&](const Machine& m, const std::vector<std::vector<EventValue>>& alts) {
            json out = json::array();
            for (const auto& a : alts) {
                s.events = a;
                out.push_back(step_to_json(m, s)["events"]);
            }
            return out;
        };
        auto state = [](const Machine& m, const StateValues& v) {
            json st = json::object();
            for (uint32_t k = 0; k < m.vars.size(); ++k) st[m.vars[k].name] = var_to_json(m, k, v);
            return st;
        };
        diffs.push_back({{"signature", d.signature}, {"group", d.group}, {"occurrences", d.occurrences},
                         {"scenario", steps}, {"left_events", alternatives(lm, d.left)},
                         {"right_events", alternatives(rm, d.right)}, {"guard_false", d.guard_false},
                         {"left_state", state(lm, d.left_state)}, {"right_state", state(rm, d.right_state)},
                         {"left_state_count", d.left_states}, {"right_state_count", d.right_states}});
    }
    json groups = json::array();
    for (const auto& g : r.groups)
        groups.push_back({{"key", g.key}, {"occurrences", g.occurrences}, {"differences", g.classes}});
    json j = {{"spec", spec_path},
              {"left", consts_json(lm)},
              {"right", consts_json(rm)},
              {"product_states", r.product_states},
              {"product_transitions", r.product_transitions},
              {"left_states", r.left_states},
              {"right_states", r.right_states},
              {"depth", r.depth},
              {"deterministic", r.deterministic},
              {"seconds", r.seconds},
              {"complete", r.complete()},
              {"differences", diffs},
              {"groups", groups},
              {"exit_code", exit_code}};
    if (!r.stopped_early.empty()) j["stopped_early"] = r.stopped_early;
    if (r.interrupted_by) j["interrupted_by_signal"] = r.interrupted_by;
    return j;
}

// [{"var": NAME, "trace": VALUE, "spec": VALUE}], values as ITF JSON.
static json differences_json(const std::vector<VarDifference>& d) {
    json out = json::array();
    for (const auto& v : d)
        out.push_back({{"var", v.var}, {"trace", json::parse(v.recorded)}, {"spec", json::parse(v.spec)}});
    return out;
}

json replay_trace_json(const CompiledMachine& cm, const std::string& path, const std::optional<TraceHeader>& header,
                       uint64_t matched, const explorer::ReplayMismatch* mismatch) {
    const Machine& m = cm.machine();
    bool ok = !mismatch;
    json r = {{"trace", path}, {"conforms", ok}, {"steps_matched", matched}};
    if (header) r["implementation"] = header->implementation;
    if (!ok) {
        const auto& mm = *mismatch;
        r["line"] = mm.observed.line;
        r["step"] = mm.step;
        // Step 0: the recorded initial state (ITF) is none of the spec's.
        if (mm.step == 0) r["initial_state"] = true;
        else r["observed"] = step_to_json(m, mm.observed);
        json would = json::array();
        for (const auto& e : mm.would_emit) {
            ObservedStep w = mm.observed;
            w.events = e;
            w.stopped.clear();
            would.push_back(step_to_json(m, w)["events"]);
        }
        r["spec_would_emit"] = would;
        r["guard_false"] = mm.guard_false;
        json acc = json::array();
        for (uint32_t i : mm.accepted) acc.push_back(cm.describe(i));
        r["spec_would_accept"] = acc;
        r["state_differs"] = differences_json(mm.state_differs);
    }
    return r;
}

json trace_query_json(const std::string& path, const std::vector<ObservedStep>& steps, const solver::TraceQueryResult& q) {
    json r = {{"trace", path}, {"conforms", q.matches}, {"steps_matched", q.steps_matched}, {"engine", "smt"}};
    if (!q.matches) {
        r["reason"] = q.reason;
        if (q.at_initial_state) r["line"] = 0;
        else if (q.steps_matched < steps.size()) r["line"] = steps[q.steps_matched].line;
        r["state_differs"] = differences_json(q.state_differs);
    }
    return r;
}

json replay_stopped_json(const std::string& path, uint64_t replayed, uint64_t total, const std::string& why, int signal) {
    json r = {{"trace", path}, {"stopped", why}, {"steps_replayed", replayed}};
    if (total) r["steps"] = total;
    if (signal) r["interrupted_by_signal"] = signal;
    return r;
}

json replay_json(const std::string& spec_path, const json& traces, bool all_conform) {
    return {{"spec", spec_path}, {"traces", traces}, {"exit_code", all_conform ? 0 : 1}};
}

json profile_table_json(const std::vector<ProfileRun>& runs) {
    json table = json::array();
    for (const auto& p : runs)
        table.push_back({{"profile", p.profile}, {"scenarios", p.r.scenarios}, {"divergences", p.r.divergences.size()},
                         {"causes", p.r.groups.size()}, {"new_divergences", new_divergences(p.r)}});
    return table;
}

static json configuration_json(const Configuration& c) {
    json j = json::object();
    for (const auto& [name, value] : c) j[name] = value;
    return j;
}

json sweep_json(const std::string& spec_path, const Sweep& sweep) {
    json j = {{"spec", spec_path}, {"swept", sweep.swept}, {"configurations_total", sweep.configurations}};
    json table = json::array();
    for (const auto& run : sweep.runs) {
        const explorer::ConformResult& r = run.r;
        json row = {{"consts", configuration_json(run.config)}, {"scenarios", r.scenarios}, {"steps", r.steps},
                    {"unsupported", r.unsupported}, {"spec_transitions", r.spec_transitions},
                    {"transitions_covered", r.transitions_covered}, {"seconds", r.seconds},
                    {"divergences", r.divergences.size()}, {"new_divergences", new_divergences(r)}};
        if (r.restarts) row["restarts"] = r.restarts;
        if (!r.stopped_early.empty()) row["stopped_early"] = r.stopped_early;
        if (r.interrupted_by) row["interrupted_by_signal"] = r.interrupted_by;
        table.push_back(row);
    }
    j["configurations"] = table;
    if (!sweep.cut.empty()) j["stopped_early"] = sweep.cut;
    if (!sweep.runs.empty()) {
        j["implementation"] = sweep.runs.front().r.implementation;
        j["consts"] = configuration_json(sweep.fixed());
    }
    json divs = json::array();
    for (const auto& c : sweep.classes) {
        const ProfileRun& shown = sweep.runs[c.shown];
        json d = divergence_json(*shown.cm, sweep.shown(c));
        d["occurrences"] = c.occurrences;
        d["in_baseline"] = c.in_baseline;
        d["scenario_consts"] = configuration_json(shown.config);
        json where = json::array();
        for (const auto& [k, n] : c.found_in)
            where.push_back({{"consts", configuration_json(sweep.runs[k].config)}, {"occurrences", n}});
        d["configurations"] = where;
        divs.push_back(d);
    }
    const Sweep::Totals total = sweep.totals();
    j["groups"] = groups_json(sweep.groups);
    j["scenarios"] = total.scenarios;
    j["steps"] = total.steps;
    j["seconds"] = total.seconds;
    j["divergences"] = divs;
    j["new_divergences"] = sweep.new_classes();
    j["exit_code"] = sweep.exit_code();
    if (sweep.interrupted_by) j["interrupted_by_signal"] = sweep.interrupted_by;
    return j;
}

}  // namespace stateproof::cli
