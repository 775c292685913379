#include "explorer/diff.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <span>
#include <unordered_map>

#include "explorer/state_store.h"
#include "spec/budget.h"
#include "spec/diagnostics.h"
#include "spec/explain.h"

namespace stateproof::explorer {

using namespace stateproof::spec;

void check_same_inputs(const CompiledMachine& l, const CompiledMachine& r) {
    const Machine& a = l.machine();
    const Machine& b = r.machine();
    if (a.actions.size() != b.actions.size()) throw InternalError("diff: the two configurations have different actions");
    for (uint32_t k = 0; k < a.actions.size(); ++k) {
        const auto& x = a.actions[k];
        const auto& y = b.actions[k];
        if (x.name != y.name || x.params.size() != y.params.size())
            throw InternalError("diff: the two configurations declare different actions");
        for (size_t p = 0; p < x.params.size(); ++p) {
            const Type& tx = a.types[x.params[p].type];
            const Type& ty = b.types[y.params[p].type];
            if (tx.lo != ty.lo || tx.hi != ty.hi || tx.kind != ty.kind)
                throw UsageError("diff compares two configurations over the same inputs, but the values of parameter '" +
                                 x.params[p].name + "' of action '" + x.name + "' differ: " +
                                 a.format_value(x.params[p].type, tx.lo) + ".." + a.format_value(x.params[p].type, tx.hi) +
                                 " on the left, " + b.format_value(y.params[p].type, ty.lo) + ".." +
                                 b.format_value(y.params[p].type, ty.hi) +
                                 " on the right (give the constant that sets it the same value on both sides)");
        }
    }
    if (a.events.size() != b.events.size()) throw InternalError("diff: the two configurations declare different events");
    for (uint32_t k = 0; k < a.events.size(); ++k)
        if (a.events[k].name != b.events[k].name || a.events[k].params.size() != b.events[k].params.size())
            throw InternalError("diff: the two configurations declare different events");
    if (l.instance_count() != r.instance_count()) throw InternalError("diff: different instance counts");
}

namespace {

// Interned sets of state ids (sorted, two or more members): one arena, no
// allocation per set.
class SetStore {
  public:
    uint32_t intern(const std::vector<uint32_t>& ids) {
        uint64_t h = hash_ids(ids.data(), ids.size());
        auto& bucket = index_[h];
        for (uint32_t s : bucket)
            if (std::equal(ids.begin(), ids.end(), members(s).begin(), members(s).end())) return s;
        uint32_t id = uint32_t(start_.size());
        start_.push_back(arena_.size());
        arena_.insert(arena_.end(), ids.begin(), ids.end());
        bucket.push_back(id);
        return id;
    }
    std::span<const uint32_t> members(uint32_t s) const {
        uint64_t b = start_[s], e = s + 1 < start_.size() ? start_[s + 1] : arena_.size();
        return {arena_.data() + b, size_t(e - b)};
    }
    uint64_t memory_bytes() const { return arena_.capacity() * 4 + start_.capacity() * 8 + index_.size() * 48; }

  private:
    static uint64_t hash_ids(const uint32_t* p, size_t n) {
        uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
        for (size_t k = 0; k < n; ++k) {
            uint64_t x = p[k] + h;
            x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
            x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
            h = x ^ (x >> 31);
        }
        return h;
    }
    std::vector<uint32_t> arena_;
    std::vector<uint64_t> start_;
    std::unordered_map<uint64_t, std::vector<uint32_t>> index_;
};

constexpr uint64_t kSetBit = uint64_t(1) << 63;

// One configuration: its states (interned), sets of them, and the step of a
// set on one input grouped by the events emitted.
struct Side {
    Side(const CompiledMachine& cm, uint64_t memory_limit)
        : cm(cm), ev(cm), words(cm.layout().words()), store(words, cm.layout().bits(), memory_limit, true),
          buf(words) {}

    uint32_t intern_state(const uint64_t* packed) {
        return store.insert(packed, hash_state(packed, words), kNoParent).first;
    }
    // A sorted, deduplicated list of state ids as one word.
    uint64_t intern_set(std::vector<uint32_t>& ids) {
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        if (ids.size() == 1) return ids[0];
        return kSetBit | sets.intern(ids);
    }
    std::span<const uint32_t> members(const uint64_t& w) const {
        if (w & kSetBit) return sets.members(uint32_t(w & ~kSetBit));
        return {reinterpret_cast<const uint32_t*>(&w), 1};  // little-endian: the low half
    }

    uint64_t initial() {
        std::vector<uint32_t> ids;
        ev.for_each_initial([&](const int32_t* v) {
            cm.layout().pack(v, buf.data());
            ids.push_back(intern_state(buf.data()));
        });
        return intern_set(ids);
    }

    // Every (instance, events, successor) of the members of `w`, sorted by
    // instance then events. Events are kept as offsets into `event_words`.
    struct Move {
        uint32_t instance;
        uint32_t ev_begin, ev_end;  // into event_words
        uint32_t to;
    };
    void expand(uint64_t w) {
        moves.clear();
        event_words.clear();
        for (uint32_t s : members(w)) {
            std::copy(store.state(s), store.state(s) + words, buf.begin());
            ev.load_lazily(buf.data());
            ev.for_each_candidate([&](uint32_t i) {
                if (!ev.enabled_packed(i, buf.data())) return;
                doing = i;
                ev.fire(i);
                auto raw = ev.raw_events();
                uint32_t b = uint32_t(event_words.size());
                event_words.insert(event_words.end(), raw.begin(), raw.end());
                post.resize(words);
                ev.pack_post(buf.data(), post.data());
                // The store's states never move as it grows (VirtualArray).
                moves.push_back({i, b, uint32_t(event_words.size()), intern_state(post.data())});
            });
        }
        std::sort(moves.begin(), moves.end(), [&](const Move& a, const Move& b) {
            if (a.instance != b.instance) return a.instance < b.instance;
            return std::lexicographical_compare(event_words.begin() + a.ev_begin, event_words.begin() + a.ev_end,
                                                event_words.begin() + b.ev_begin, event_words.begin() + b.ev_end);
        });
    }
    std::span<const int32_t> events_of(const Move& m) const {
        return {event_words.data() + m.ev_begin, size_t(m.ev_end - m.ev_begin)};
    }
    std::vector<EventValue> decode(std::span<const int32_t> raw) const {
        std::vector<EventValue> out;
        const Machine& m = cm.machine();
        for (size_t k = 0; k < raw.size();) {
            uint32_t e = uint32_t(raw[k++]);
            size_t n = m.events[e].params.size();
            out.emplace_back(e, std::vector<int32_t>(raw.begin() + k, raw.begin() + k + n));
            k += n;
        }
        return out;
    }
    StateValues values(uint32_t s) const {
        StateValues v(cm.machine().scalars.size());
        cm.layout().unpack(store.state(s), v.data());
        return v;
    }

    const CompiledMachine& cm;
    Evaluator ev;
    uint32_t words;
    ExactStore store;
    SetStore sets;
    std::vector<uint64_t> buf, post;
    std::vector<Move> moves;
    std::vector<int32_t> event_words;
    uint32_t doing = 0;
};

// A range of moves with one instance and one event list.
struct Outcome {
    size_t begin, end;
};

void outcomes(const Side& s, size_t& at, uint32_t instance, std::vector<Outcome>& out) {
    out.clear();
    while (at < s.moves.size() && s.moves[at].instance == instance) {
        size_t b = at;
        auto e = s.events_of(s.moves[b]);
        while (at < s.moves.size() && s.moves[at].instance == instance &&
               std::ranges::equal(s.events_of(s.moves[at]), e))
            ++at;
        out.push_back({b, at});
    }
}

}  // namespace

std::string alternatives_class(const CompiledMachine& cm, const std::vector<std::vector<EventValue>>& alts) {
    if (alts.empty()) return "does not allow it";
    std::vector<std::string> names;
    for (const auto& a : alts) names.push_back(event_class(cm, a));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : " or ") + n;
    return s;
}

DiffResult diff(const CompiledMachine& lcm, const CompiledMachine& rcm, const DiffOptions& o) {
    check_same_inputs(lcm, rcm);
    auto start = std::chrono::steady_clock::now();
    Limits limits;
    limits.max_seconds = o.max_seconds;
    limits.max_seconds_given = o.max_seconds_given;
    limits.max_memory_bytes = o.max_memory_bytes;
    Budget budget(limits);
    budget.phase("exploring the product of the two configurations", "product states");

    DiffResult r;
    Side L(lcm, o.max_memory_bytes), R(rcm, o.max_memory_bytes);
    ExactStore product(2, 128, o.max_memory_bytes, true);
    std::vector<uint32_t> via;        // per product state: the input that first reached it
    std::vector<uint32_t> via_events; // ... and the events it emitted (an index into `event_lists`)
    std::vector<uint32_t> depth;
    std::map<std::vector<int32_t>, uint32_t> event_index;
    std::vector<std::vector<int32_t>> event_lists;
    std::map<std::string, DiffClass> classes;
    std::vector<std::string> order;  // signatures, as found (BFS: shortest first)
    std::map<std::string, StateId> last_seen;  // per class: the product state it was last seen in
    std::map<std::string, std::pair<uint64_t, StateId>> group_seen;  // per cause: product states, the last

    uint64_t node[2];
    const Machine& lm = lcm.machine();
    const char* side_name = "left";
    try {
        side_name = "left";
        node[0] = L.initial();
        side_name = "right";
        node[1] = R.initial();
        product.insert(node, hash_state(node, 2), kNoParent);
        via.push_back(UINT32_MAX);
        via_events.push_back(UINT32_MAX);
        depth.push_back(0);
        const StateValues left_initial = L.values(L.members(node[0])[0]);
        const StateValues right_initial = R.values(R.members(node[1])[0]);

        // The inputs and events that lead to product state `id`.
        auto path_to = [&](StateId id, Scenario& sc, std::vector<std::vector<EventValue>>& evs) {
            sc.clear();
            evs.clear();
            for (StateId x = id; product.parent(x) != kNoParent; x = product.parent(x)) {
                sc.push_back(via[x]);
                evs.push_back(L.decode(event_lists[via_events[x]]));
            }
            std::reverse(sc.begin(), sc.end());
            std::reverse(evs.begin(), evs.end());
        };

        std::vector<Outcome> lo, ro;
        std::vector<uint32_t> ids;
        std::vector<int32_t> key;
        for (uint64_t head = 0; head < product.size(); ++head) {
            if ((head & 255) == 0) {
                if (o.interrupted && (r.interrupted_by = o.interrupted())) break;
                if ((head & 4095) == 0) budget.check();
            }
            const StateId id = StateId(head);
            const uint64_t a = product.state(id)[0], b = product.state(id)[1];
            if (L.members(a).size() > 1 || R.members(b).size() > 1) r.deterministic = false;
            r.depth = std::max(r.depth, depth[id]);
            side_name = "left";
            L.expand(a);
            side_name = "right";
            R.expand(b);
            size_t li = 0, ri = 0;
            while (li < L.moves.size() || ri < R.moves.size()) {
                uint32_t i = std::min(li < L.moves.size() ? L.moves[li].instance : UINT32_MAX,
                                      ri < R.moves.size() ? R.moves[ri].instance : UINT32_MAX);
                outcomes(L, li, i, lo);
                outcomes(R, ri, i, ro);
                // Both sorted by events: merge, stepping into the common ones.
                size_t x = 0, y = 0;
                bool differ = false;
                while (x < lo.size() || y < ro.size()) {
                    int c;
                    if (x == lo.size()) c = 1;
                    else if (y == ro.size()) c = -1;
                    else {
                        auto e = L.events_of(L.moves[lo[x].begin]);
                        auto f = R.events_of(R.moves[ro[y].begin]);
                        c = std::lexicographical_compare(e.begin(), e.end(), f.begin(), f.end())   ? -1
                            : std::lexicographical_compare(f.begin(), f.end(), e.begin(), e.end()) ? 1
                                                                                                   : 0;
                    }
                    if (c != 0) {
                        differ = true;
                        (c < 0 ? x : y)++;
                        continue;
                    }
                    ++r.product_transitions;
                    ids.clear();
                    for (size_t k = lo[x].begin; k < lo[x].end; ++k) ids.push_back(L.moves[k].to);
                    uint64_t next[2];
                    next[0] = L.intern_set(ids);
                    ids.clear();
                    for (size_t k = ro[y].begin; k < ro[y].end; ++k) ids.push_back(R.moves[k].to);
                    next[1] = R.intern_set(ids);
                    auto [to, fresh] = product.insert(next, hash_state(next, 2), id);
                    if (fresh) {
                        // The event lists that led somewhere are few: numbered once.
                        auto ev = L.events_of(L.moves[lo[x].begin]);
                        key.assign(ev.begin(), ev.end());
                        auto it = event_index.find(key);
                        if (it == event_index.end()) {
                            it = event_index.emplace(key, uint32_t(event_lists.size())).first;
                            event_lists.push_back(key);
                        }
                        via.push_back(i);
                        via_events.push_back(it->second);
                        depth.push_back(depth[id] + 1);
                        budget.tick();
                        if (o.max_states && product.size() > o.max_states)
                            throw LimitReached("--max-states " + std::to_string(o.max_states) + " reached");
                    }
                    ++x, ++y;
                }
                if (!differ) continue;
                // A difference: the two sides' event lists for input i here.
                std::vector<std::vector<EventValue>> left, right;
                for (const auto& oc : lo) left.push_back(L.decode(L.events_of(L.moves[oc.begin])));
                for (const auto& oc : ro) right.push_back(R.decode(R.events_of(R.moves[oc.begin])));
                const std::string action = lm.actions[lcm.instance(i).action].name;
                std::string sig = action + ": left " + alternatives_class(lcm, left) + " | right " +
                                  alternatives_class(rcm, right);
                auto [cit, first] = classes.try_emplace(sig);
                DiffClass& d = cit->second;
                // Counted once per product state (its inputs come one after another).
                if (first || last_seen[sig] != id) ++d.occurrences;
                last_seen[sig] = id;
                if (!first) {
                    auto& [n, last] = group_seen.try_emplace(d.group, 0, kNoParent).first->second;
                    if (last != id) ++n, last = id;
                    continue;  // BFS: the first one found is the shortest
                }
                order.push_back(sig);
                d.signature = sig;
                path_to(id, d.scenario, d.before);
                d.scenario.push_back(i);
                d.left = left;
                d.right = right;
                if (left.empty() || right.empty()) {
                    d.group = action + ": " + (left.empty() ? "left" : "right") + " does not allow it";
                    const Side& s = left.empty() ? L : R;
                    StateValues v = s.values(s.members(left.empty() ? a : b)[0]);
                    d.guard_false = false_conjuncts(s.cm.machine(), s.cm.instance(i).action, v.data(), s.cm.instance(i).args);
                } else {
                    // The first event list one side has and the other has not,
                    // against the other side's alternative closest to it.
                    const std::vector<EventValue>* only_left = nullptr;
                    for (const auto& e : left)
                        if (std::find(right.begin(), right.end(), e) == right.end() && !only_left) only_left = &e;
                    if (only_left) d.group = first_difference(lcm, right, *only_left, "right", "left", true);
                    else
                        for (const auto& e : right)
                            if (std::find(left.begin(), left.end(), e) == left.end()) {
                                d.group = first_difference(lcm, left, e, "left", "right", false);
                                break;
                            }
                }
                {
                    auto& [n, last] = group_seen.try_emplace(d.group, 0, kNoParent).first->second;
                    if (last != id) ++n, last = id;
                }
                d.left_states = L.members(a).size();
                d.right_states = R.members(b).size();
                d.left_state = L.values(L.members(a)[0]);
                d.right_state = R.values(R.members(b)[0]);
                d.left_initial = left_initial;
                d.right_initial = right_initial;
            }
        }
    } catch (const StoreFull& full) {
        r.stopped_early = "--max-memory " + std::to_string(o.max_memory_bytes >> 20) + " MiB reached (a store would need " +
                          std::to_string(full.would_need_bytes >> 20) + " MiB)";
    } catch (const LimitReached& e) {
        r.stopped_early = e.what();
    } catch (const EvalError& e) {
        const Side& s = std::string(side_name) == "left" ? L : R;
        throw SpecError(s.cm.machine().source, e.loc, e.message,
                        "  while firing " + s.cm.describe(s.doing) + " in the " + side_name + " configuration\n");
    }
    r.product_states = product.size();
    r.left_states = L.store.size();
    r.right_states = R.store.size();
    for (const auto& sig : order) r.classes.push_back(std::move(classes[sig]));
    std::stable_sort(r.classes.begin(), r.classes.end(),
                     [](const DiffClass& x, const DiffClass& y) { return x.scenario.size() < y.scenario.size(); });
    // Grouped as conform's divergences are (DivergenceGroup), by `group`.
    std::vector<Divergence> keys(r.classes.size());
    for (size_t k = 0; k < r.classes.size(); ++k) {
        keys[k].group = r.classes[k].group;
        keys[k].occurrences = r.classes[k].occurrences;
    }
    r.groups = group_divergences(keys);
    // A product state where two classes of one cause show counts once.
    for (auto& g : r.groups) g.occurrences = group_seen[g.key].first;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace stateproof::explorer
