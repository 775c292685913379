#include "explorer/explore.h"

namespace stateproof::explorer {

using namespace stateproof::spec;

ExploreResult explore(const CompiledMachine& cm, const ExploreOptions& o) {
    SearchOptions so;
    so.limits = o.limits;
    so.fingerprint = o.fingerprint;
    so.deadlock = o.deadlock;
    so.stop_when_decided = false;
    so.graph = o.graph;
    so.progress = o.progress;
    SearchResult sr = search(cm, so);

    ExploreResult r;
    r.stats = sr.stats;
    r.deadlocks = sr.deadlocks;
    r.first_deadlock = std::move(sr.deadlock_cex);
    r.graph = std::move(sr.graph);
    const Machine& m = cm.machine();
    for (uint32_t a = 0; a < m.actions.size(); ++a) {
        ActionCoverage c;
        c.action = a;
        for (uint32_t i = cm.first_instance(a); i < cm.first_instance(a + 1); ++i) {
            // Arguments the guard rules out by themselves (e.g. `when v != None`)
            // restrict the domain on purpose: they are not unexplored behaviour.
            if (cm.instance(i).never_enabled) continue;
            ++c.instances;
            c.fired += sr.coverage[i].fired;
            c.new_states += sr.coverage[i].new_states;
            if (sr.coverage[i].fired == 0) c.never_fired.push_back(i);
        }
        r.coverage.push_back(std::move(c));
    }
    return r;
}

}  // namespace stateproof::explorer
