#include "explorer/bfs.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "explorer/state_store.h"

namespace stateproof::explorer {

using namespace stateproof::spec;

namespace {

using Clock = std::chrono::steady_clock;

std::string format_bytes(uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024.0));
    return buf;
}

template <class Store>
class Search {
  public:
    Search(const CompiledMachine& cm, const SearchOptions& o)
        : cm_(cm), m_(cm.machine()), opts_(o), ev_(cm), words_(cm.layout().words()),
          store_(make_store(cm, o)) {}

    SearchResult run() {
        start_ = Clock::now();
        last_progress_ = start_;
        res_.cex.resize(opts_.properties.size());
        res_.coverage.resize(cm_.instance_count());
        for (size_t k = 0; k < opts_.properties.size(); ++k) {
            uint32_t p = opts_.properties[k];
            (m_.properties[p].kind == Property::Kind::Invariant ? invariants_ : transitions_).push_back(k);
        }
        for (uint32_t i = 0; i < cm_.instance_count(); ++i)
            if (!cm_.instance(i).never_enabled) active_.push_back(i);
        if (opts_.graph) {
            res_.graph.emplace();
            res_.graph->quotient = !opts_.graph->quotient_vars.empty();
        }
        cur_.resize(words_);
        succ_.resize(size_t(kBatch) * words_);

        try {
            initial_states();
            explore();
        } catch (const EvalError& e) {
            throw located(e);
        } catch (const StoreFull& full) {
            std::string limit = "memory limit (" + format_bytes(opts_.limits.max_memory_bytes) + ")";
            if constexpr (std::is_same_v<Store, ExactStore>)
                if (opts_.limits.max_memory_bytes && store_.budget() < opts_.limits.max_memory_bytes)
                    limit = "memory the address space allowed the store (" + format_bytes(store_.budget()) +
                            ", see ulimit -v)";
            stop(limit + " reached: the store would need " + format_bytes(full.would_need_bytes));
        }
        finish();
        return std::move(res_);
    }

  private:
    static Store make_store(const CompiledMachine& cm, const SearchOptions& o) {
        if constexpr (std::is_same_v<Store, ExactStore>)
            // Only a full state graph needs the ids of states seen before.
            return ExactStore(cm.layout().words(), cm.layout().bits(), o.limits.max_memory_bytes,
                              o.graph && o.graph->quotient_vars.empty());
        else
            return FingerprintStore(cm.layout().words(), o.limits.max_memory_bytes);
    }

    void stop(std::string why) {
        if (!stopped_) res_.stats.stopped_by = std::move(why);
        stopped_ = true;
    }

    bool decided() const {
        if (!opts_.stop_when_decided) return false;
        if (opts_.properties.empty() && !opts_.deadlock) return false;
        for (const auto& c : res_.cex)
            if (!c) return false;
        return !opts_.deadlock || res_.deadlock_cex.has_value();
    }

    // Inserts a state; returns its id and whether it is new, honouring --max-states.
    std::pair<StateId, bool> insert(const uint64_t* s, uint64_t hash, StateId parent) {
        auto r = store_.insert(s, hash, parent);
        if (r.second && opts_.limits.max_states && store_.size() >= opts_.limits.max_states)
            stop("--max-states " + std::to_string(opts_.limits.max_states) + " reached");
        return r;
    }

    void initial_states() {
        doing_ = Doing::Init;
        ev_.for_each_initial([&](const int32_t* values) {
            if (stopped_) return;
            // The init constraints of the next candidate run after this.
            struct Restore {
                Doing& d;
                ~Restore() { d = Doing::Init; }
            } restore{doing_};
            cm_.layout().pack(values, cur_.data());
            auto [id, fresh] = insert(cur_.data(), hash_state(cur_.data(), words_), kNoParent);
            if (!fresh) return;
            ev_.load_values(values);
            graph_node(id, values, true);
            for (size_t k : invariants_) {
                if (res_.cex[k]) continue;
                at(id, kNoInstance, Doing::Invariant);
                if (!ev_.invariant_pre(opts_.properties[k])) res_.cex[k] = path_to(id, std::nullopt);
            }
        });
    }

    void explore() {
        uint64_t head = 0;
        uint64_t level_end = store_.size();
        uint32_t level = 0;
        // Successors are made in batches that span several states: each is
        // fired, packed and hashed, its index slot prefetched, and the batch
        // inserted when full, so the cache misses of the inserts overlap
        // instead of queueing. A batch never crosses a BFS level.
        while (!stopped_ && !decided()) {
            if (head == level_end) {
                flush(level);
                if (head == store_.size() || stopped_) break;
                ++level;
                level_end = store_.size();
                release(head);
            }
            const StateId id = StateId(head);
            std::copy(store_.state(id), store_.state(id) + words_, cur_.begin());
            ev_.load_lazily(cur_.data());
            bool any = false;
            ev_.for_each_candidate([&](uint32_t i) {
                if (stopped_) return;
                at(id, i, Doing::Guard);
                if (!ev_.enabled_packed(i, cur_.data())) return;
                any = true;
                ++res_.stats.transitions;
                ++res_.coverage[i].fired;
                doing_ = Doing::Body;
                uint64_t* succ = succ_.data() + size_t(pending_) * words_;
                // Transition properties need the post-state registers; without
                // them, simple bodies update the packed state directly.
                if (!transitions_.empty() || !ev_.fire_packed(i, cur_.data(), succ)) {
                    ev_.fire(i);
                    ev_.pack_post(cur_.data(), succ);
                }
                for (size_t k : transitions_) {
                    if (res_.cex[k]) continue;
                    doing_ = Doing::Transition;
                    if (!ev_.transition(opts_.properties[k])) res_.cex[k] = path_to(id, i);
                }
                succ_hash_[pending_] = hash_state(succ, words_);
                succ_inst_[pending_] = i;
                succ_parent_[pending_] = id;
                store_.prefetch(succ_hash_[pending_]);
                if (++pending_ == kBatch) flush(level);
            });
            at(id, kNoInstance, Doing::Invariant);
            if (!any && opts_.deadlock && !ev_.final_pre()) {
                ++res_.deadlocks;
                if (!res_.deadlock_cex) res_.deadlock_cex = path_to(id, std::nullopt);
            }
            ++head;
            if ((head & 255) == 0) tick(head);
        }
        flush(level);
        head_ = head;
        res_.stats.complete = head == store_.size() && !stopped_;
        if (res_.stats.complete) res_.stats.stopped_by.clear();
    }

    // Inserts the pending successors (all of states at BFS level `level`).
    void flush(uint32_t level) {
        const uint32_t n = pending_;
        pending_ = 0;
        for (uint32_t b = 0; b < n && !stopped_; ++b) {
            const uint64_t* succ = succ_.data() + size_t(b) * words_;
            const uint32_t i = succ_inst_[b];
            const StateId id = succ_parent_[b];
            auto [nid, fresh] = insert(succ, succ_hash_[b], id);
            if (fresh || res_.graph) ev_.load_post(succ);
            if (fresh) {
                ++res_.coverage[i].new_states;
                max_depth_ = std::max(max_depth_, level + 1);
                for (size_t k : invariants_) {
                    if (res_.cex[k]) continue;
                    at(nid, kNoInstance, Doing::Invariant);
                    if (!ev_.invariant_post(opts_.properties[k])) res_.cex[k] = path_to(nid, std::nullopt);
                }
                graph_node(nid, ev_.post(), false);
            }
            graph_edge(id, fresh ? nid : kNoParent, i, succ);
        }
    }

    void release(uint64_t head) {
        if constexpr (std::is_same_v<Store, FingerprintStore>) store_.release_before(StateId(head));
        (void)head;
    }

    void tick(uint64_t head) {
        auto now = Clock::now();
        double secs = std::chrono::duration<double>(now - start_).count();
        if (opts_.limits.max_seconds > 0 && secs >= opts_.limits.max_seconds) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "--max-seconds %g reached", opts_.limits.seconds_for_messages());
            stop(buf);
        }
        if (opts_.limits.interrupted && !res_.stats.interrupted_by) {
            if (int sig = opts_.limits.interrupted()) {
                res_.stats.interrupted_by = sig;
                stop("interrupted (signal " + std::to_string(sig) + ")");
            }
        }
        if (opts_.progress && std::chrono::duration<double>(now - last_progress_).count() >= opts_.progress_interval) {
            last_progress_ = now;
            Progress p;
            p.states = store_.size();
            p.queue = store_.size() - head;
            p.transitions = res_.stats.transitions;
            p.depth = max_depth_;
            p.seconds = secs;
            p.states_per_second = secs > 0 ? double(store_.size()) / secs : 0;
            p.memory_bytes = store_.memory_bytes();
            opts_.progress(p);
        }
    }

    void finish() {
        Stats& st = res_.stats;
        st.states = store_.size();
        st.depth = max_depth_;
        st.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        st.memory_bytes = store_.memory_bytes();
        st.queue = store_.size() - std::min<uint64_t>(head_, store_.size());
        if (!st.complete && st.stopped_by.empty() && decided()) st.stopped_by = "every property decided";
        if constexpr (std::is_same_v<Store, FingerprintStore>) {
            // TLC's estimate: n distinct states among m generated, 64-bit fingerprints.
            double n = double(st.states), mgen = double(st.transitions) + n;
            st.collision_probability = n * std::max(0.0, mgen - n) / std::pow(2.0, 64);
        }
    }

    // ---- graph capture
    void graph_node(StateId id, const int32_t* values, bool initial) {
        if (!res_.graph || res_.graph->too_large) return;
        Graph& g = *res_.graph;
        uint32_t node;
        if (!g.quotient) {
            node = uint32_t(g.nodes.size());
            g.nodes.emplace_back(values, values + m_.scalars.size());
        } else {
            StateValues key;
            for (uint32_t v : opts_.graph->quotient_vars) {
                const StateVar& sv = m_.vars[v];
                key.insert(key.end(), values + sv.first_scalar,
                           values + sv.first_scalar + m_.types[sv.type].scalar_count);
            }
            auto [it, fresh] = quotient_ids_.emplace(key, uint32_t(g.nodes.size()));
            if (fresh) g.nodes.push_back(key);
            node = it->second;
        }
        if (node_of_.size() <= id) node_of_.resize(id + 1, 0);
        node_of_[id] = node;
        if (initial && std::find(g.initial.begin(), g.initial.end(), node) == g.initial.end()) g.initial.push_back(node);
        if (g.nodes.size() > opts_.graph->max_nodes) {
            g.too_large = true;
            g.nodes.clear();
            g.edges.clear();
            edge_set_.clear();
            node_of_.clear();
        }
    }
    void graph_edge(StateId from, StateId fresh_to, uint32_t instance, const uint64_t* succ) {
        if (!res_.graph || res_.graph->too_large) return;
        Graph& g = *res_.graph;
        uint32_t to;
        if (fresh_to != kNoParent) {
            to = node_of_[fresh_to];
        } else if (!g.quotient) {
            // An edge to a known state: find its id again.
            auto [nid, fresh] = store_.insert(succ, hash_state(succ, words_), from);
            (void)fresh;
            if (nid == kNoParent) return;  // fingerprint mode keeps no ids of old states
            to = node_of_[nid];
        } else {
            StateValues key;
            const int32_t* post = ev_.post();
            for (uint32_t v : opts_.graph->quotient_vars) {
                const StateVar& sv = m_.vars[v];
                key.insert(key.end(), post + sv.first_scalar, post + sv.first_scalar + m_.types[sv.type].scalar_count);
            }
            to = quotient_ids_.at(key);
        }
        Graph::Edge e{node_of_[from], to, g.quotient ? cm_.instance(instance).action : instance};
        if (edge_set_.insert(e).second) g.edges.push_back(e);
    }

    // ---- counterexamples
    // The packed states from an initial state to `id`, one after another in
    // one vector: a counterexample may have millions of steps.
    std::vector<uint64_t> packed_path(StateId id) {
        if constexpr (std::is_same_v<Store, ExactStore>) {
            size_t n = 0;
            for (StateId s = id; s != kNoParent; s = store_.parent(s)) ++n;
            std::vector<uint64_t> path(n * words_);
            for (StateId s = id; s != kNoParent; s = store_.parent(s))
                std::copy(store_.state(s), store_.state(s) + words_, path.begin() + long(--n * words_));
            return path;
        } else {
            return states_from_fingerprints(store_.fingerprint_path(id));
        }
    }

    // Replays fingerprints forward: each state is the successor with that hash.
    std::vector<uint64_t> states_from_fingerprints(const std::vector<uint64_t>& fps) {
        std::vector<uint64_t> path;
        Evaluator ev(cm_);
        std::vector<uint64_t> buf(words_);
        auto fp_of = [&](const uint64_t* s) {
            uint64_t h = hash_state(s, words_);
            return h ? h : 1;
        };
        ev.for_each_initial([&](const int32_t* v) {
            if (!path.empty()) return;
            cm_.layout().pack(v, buf.data());
            if (fp_of(buf.data()) == fps[0]) path = buf;
        });
        for (size_t k = 1; k < fps.size() && path.size() == k * words_; ++k) {
            const uint64_t* last = path.data() + (k - 1) * words_;
            ev.load(last);
            for (uint32_t i = 0; i < cm_.instance_count(); ++i) {
                if (!ev.enabled(i)) continue;
                ev.fire(i);
                ev.pack_post(path.data() + (k - 1) * words_, buf.data());
                if (fp_of(buf.data()) == fps[k]) {
                    path.insert(path.end(), buf.begin(), buf.end());
                    break;
                }
            }
        }
        if (path.size() != fps.size() * words_)
            throw InternalError("fingerprint mode: the parent log does not replay (a hash collision?)");
        return path;
    }

    Trace path_to(StateId id, std::optional<uint32_t> last) { return trace_through(cm_, packed_path(id), last); }

    // Where evaluation is, for the message if the spec fails at run time: a
    // few stores per step instead of a try/catch around every call.
    enum class Doing { Init, Guard, Body, Transition, Invariant };
    static constexpr uint32_t kNoInstance = UINT32_MAX;
    void at(StateId id, uint32_t instance, Doing doing) {
        at_id_ = id;
        at_instance_ = instance;
        doing_ = doing;
    }

    // An EvalError as a SpecError with the action, the state and the path.
    SpecError located(const EvalError& e) {
        if (doing_ == Doing::Init) {
            // An init constraint failed on a candidate initial state: there
            // is no stored state and no path yet, only the candidate.
            return SpecError(m_.source, e.loc, e.message,
                             "  while evaluating an init constraint on this candidate initial state:\n" +
                                 cm_.describe_state(ev_.pre(), "    "));
        }
        std::vector<int32_t> values(m_.scalars.size());
        std::vector<uint64_t> packed;
        if constexpr (std::is_same_v<Store, ExactStore>) {
            packed.assign(store_.state(at_id_), store_.state(at_id_) + words_);
        } else {
            packed = packed_path(at_id_);
            packed.erase(packed.begin(), packed.end() - long(words_));
        }
        cm_.layout().unpack(packed.data(), values.data());
        std::string detail;
        switch (doing_) {
        case Doing::Guard: detail = "  while evaluating the guard of " + cm_.describe(at_instance_); break;
        case Doing::Body: detail = "  while firing " + cm_.describe(at_instance_); break;
        case Doing::Transition: detail = "  while checking a transition property after " + cm_.describe(at_instance_); break;
        case Doing::Invariant: detail = "  while evaluating a state predicate"; break;
        case Doing::Init: break;
        }
        detail += " in this state:\n" + cm_.describe_state(values.data(), "    ") + "  reached by: init";
        Trace t = path_to(at_id_, std::nullopt);
        for (size_t k = 1; k < t.steps.size(); ++k)
            detail += " -> " + cm_.describe(cm_.instance_of(t.steps[k].action, t.steps[k].args));
        return SpecError(m_.source, e.loc, e.message, detail);
    }

    const CompiledMachine& cm_;
    const Machine& m_;
    const SearchOptions& opts_;
    Evaluator ev_;
    uint32_t words_;
    Store store_;
    SearchResult res_;
    std::vector<size_t> invariants_, transitions_;
    std::vector<uint32_t> active_;
    static constexpr uint32_t kBatch = 64;
    std::vector<uint64_t> cur_, succ_;
    uint64_t succ_hash_[kBatch];
    uint32_t succ_inst_[kBatch];
    StateId succ_parent_[kBatch];
    uint32_t pending_ = 0;
    StateId at_id_ = 0;
    uint32_t at_instance_ = kNoInstance;
    Doing doing_ = Doing::Invariant;
    Clock::time_point start_, last_progress_;
    bool stopped_ = false;
    uint32_t max_depth_ = 0;
    uint64_t head_ = 0;
    std::vector<uint32_t> node_of_;
    std::map<StateValues, uint32_t> quotient_ids_;
    std::set<Graph::Edge> edge_set_;
};

}  // namespace

SearchResult search(const CompiledMachine& cm, const SearchOptions& options) {
    if (options.fingerprint) return Search<FingerprintStore>(cm, options).run();
    return Search<ExactStore>(cm, options).run();
}

Trace trace_through(const CompiledMachine& cm, const std::vector<uint64_t>& states, std::optional<uint32_t> last) {
    Trace t;
    const uint32_t words = cm.layout().words();
    const size_t count = states.size() / words;
    if (count == 0) return t;
    const Machine& m = cm.machine();
    Evaluator ev(cm);
    t.steps.reserve(count + (last ? 1 : 0));
    Step first;
    first.state.resize(m.scalars.size());
    cm.layout().unpack(states.data(), first.state.data());
    t.steps.push_back(std::move(first));
    std::vector<uint64_t> buf(words);
    auto add_step = [&](uint32_t i) {
        Step s;
        s.action = cm.instance(i).action;
        s.args = cm.instance(i).args;
        s.events = ev.events();
        s.state.assign(ev.post(), ev.post() + m.scalars.size());
        t.steps.push_back(std::move(s));
    };
    for (size_t k = 0; k + 1 < count; ++k) {
        const uint64_t* from = states.data() + k * words;
        const uint64_t* to = from + words;
        ev.load(from);
        bool found = false;
        for (uint32_t i = 0; i < cm.instance_count() && !found; ++i) {
            if (!ev.enabled(i)) continue;
            ev.fire(i);
            ev.pack_post(from, buf.data());
            if (std::equal(buf.begin(), buf.end(), to)) {
                add_step(i);
                found = true;
            }
        }
        if (!found) throw InternalError("counterexample path does not replay at step " + std::to_string(k + 1));
    }
    if (last) {
        ev.load(states.data() + (count - 1) * words);
        ev.fire(*last);
        add_step(*last);
    }
    return t;
}

}  // namespace stateproof::explorer
