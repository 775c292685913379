#include "explorer/replay.h"

#include <algorithm>

#include "spec/explain.h"

namespace stateproof::explorer {

using namespace stateproof::spec;

static constexpr size_t kRecent = 8;     // matched steps kept for context
static constexpr size_t kShownStates = 4;

Replayer::Replayer(const CompiledMachine& cm, uint64_t max_states) : cm_(cm), ev_(cm), max_states_(max_states) {
    const uint32_t words = cm.layout().words();
    std::unordered_set<std::vector<uint64_t>, Hash> seen;
    ev_.for_each_initial([&](const int32_t* v) {
        std::vector<uint64_t> p(words);
        cm.layout().pack(v, p.data());
        if (seen.insert(p).second) initial_.push_back(std::move(p));
        if (initial_.size() > max_states_)
            throw LimitReached("replay: more than " + std::to_string(max_states_) + " initial states");
    });
    states_ = initial_;
}

void Replayer::reset() {
    states_ = initial_;
    recent_.clear();
    matched_ = 0;
}

bool Replayer::start_at(const StateValues& recorded) {
    ObservedStep initial;
    initial.state = recorded;
    return keep_recorded(states_, initial, 0);
}

bool Replayer::keep_recorded(std::vector<std::vector<uint64_t>>& candidates, const ObservedStep& s, uint64_t step) {
    const StateValues& recorded = *s.state;
    const StateLayout& layout = cm_.layout();
    std::vector<uint64_t> want(layout.words());
    layout.pack(recorded.data(), want.data());
    auto equal = std::find(candidates.begin(), candidates.end(), want);
    if (equal != candidates.end()) {
        // Packing is one-to-one, so at most one candidate is equal.
        std::vector<uint64_t> keep = std::move(*equal);
        candidates.assign(1, std::move(keep));
        return true;
    }
    // Against the candidate that differs in fewest scalars, so that the
    // report names what was edited, not everything a far state differs in.
    const Machine& m = cm_.machine();
    std::vector<int32_t> values(m.scalars.size()), closest;
    size_t fewest = SIZE_MAX;
    for (const auto& c : candidates) {
        layout.unpack(c.data(), values.data());
        size_t n = 0;
        for (size_t i = 0; i < values.size(); ++i) n += values[i] != recorded[i];
        if (n < fewest) fewest = n, closest = values;
    }
    ReplayMismatch& r = mismatch_;
    r = ReplayMismatch{};
    r.step = step;
    r.observed = s;
    r.recent = recent_;
    r.state_count = states_.size();  // the states before the step (at step 0, the initial ones)
    if (!closest.empty()) r.state_differs = state_difference(m, recorded, closest);
    return false;
}

bool Replayer::step(const ObservedStep& s) {
    const uint32_t instance = cm_.instance_of(s.action, s.args);
    if (!s.stopped.empty()) {
        explain(s, instance);
        return false;
    }
    const uint32_t words = cm_.layout().words();
    std::vector<std::vector<uint64_t>> next;
    std::unordered_set<std::vector<uint64_t>, Hash> seen;
    std::vector<uint64_t> buf(words);
    for (const auto& st : states_) {
        ev_.load(st.data());
        if (!ev_.enabled(instance)) continue;
        ev_.fire(instance);
        if (ev_.events() != s.events) continue;
        ev_.pack_post(st.data(), buf.data());
        if (seen.insert(buf).second) next.push_back(buf);
        if (next.size() > max_states_)
            throw LimitReached("replay: more than " + std::to_string(max_states_) +
                               " spec states are consistent with the trace at step " + std::to_string(matched_ + 1));
    }
    if (next.empty()) {
        explain(s, instance);
        return false;
    }
    if (s.state && !keep_recorded(next, s, matched_ + 1)) return false;
    states_.swap(next);
    ++matched_;
    recent_.push_back(s);
    if (recent_.size() > kRecent) recent_.erase(recent_.begin());
    return true;
}

void Replayer::explain(const ObservedStep& s, uint32_t instance) {
    ReplayMismatch& r = mismatch_;
    r = ReplayMismatch{};
    r.step = matched_ + 1;
    r.observed = s;
    r.recent = recent_;
    r.state_count = states_.size();
    const Machine& m = cm_.machine();
    std::vector<int32_t> values(m.scalars.size());
    for (size_t k = 0; k < states_.size(); ++k) {
        cm_.layout().unpack(states_[k].data(), values.data());
        if (k < kShownStates) r.states.push_back(values);
        ev_.load(states_[k].data());
        if (!ev_.enabled(instance)) continue;
        ev_.fire(instance);
        auto e = ev_.events();
        if (std::find(r.would_emit.begin(), r.would_emit.end(), e) == r.would_emit.end()) r.would_emit.push_back(e);
    }
    if (r.would_emit.empty() && !states_.empty()) {
        cm_.layout().unpack(states_[0].data(), values.data());
        r.guard_false = false_conjuncts(m, s.action, values.data(), s.args);
        ev_.load(states_[0].data());
        for (uint32_t i = 0; i < cm_.instance_count(); ++i)
            if (ev_.enabled(i)) r.accepted.push_back(i);
    }
}

}  // namespace stateproof::explorer
