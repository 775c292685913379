#pragma once
// Trace conformance: does a recorded behaviour belong to the spec? Replay
// keeps the set of spec states consistent with the steps read so far (a spec
// may be nondeterministic), one step at a time, so memory does not grow with
// the trace. On the first step no state explains, it says why.

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "spec/eval.h"
#include "spec/trace.h"

namespace stateproof::explorer {

struct ReplayMismatch {
    uint64_t step = 0;                       ///< 1-based index among the trace's steps
    spec::ObservedStep observed;
    std::vector<spec::ObservedStep> recent;  ///< the last few matched steps before it
    uint64_t state_count = 0;                ///< spec states consistent with the prefix
    std::vector<spec::StateValues> states;   ///< the first few of them
    /// The observed action is enabled in some of those states: the distinct
    /// event lists the spec would emit for it there.
    std::vector<std::vector<spec::EventValue>> would_emit;
    /// It is enabled in none: why not, in the first state (false guard
    /// conjuncts), and what the spec would accept there instead.
    std::vector<std::string> guard_false;
    std::vector<uint32_t> accepted;          ///< instances enabled in the first state
    /// A trace that records its states (ITF): the step is taken with these
    /// events, but leads to no state equal to the recorded one (`step` is 0
    /// when the recorded initial state is none of the spec's). The variables
    /// that differ, against the spec state that differs in fewest values.
    std::vector<spec::VarDifference> state_differs;
};

class Replayer {
  public:
    /// Starts from the spec's initial states. More consistent states than
    /// `max_states` at once throws LimitReached.
    explicit Replayer(const spec::CompiledMachine& cm, uint64_t max_states = 1'000'000);

    /// Starts again from the initial states (cheaper than a new Replayer).
    void reset();

    /// Keeps only the initial states equal to `recorded` (a trace that
    /// records its states, ITF). Returns false, and fills mismatch(), when
    /// none is.
    bool start_at(const spec::StateValues& recorded);

    /// Feeds one step. Returns false, and fills mismatch(), when no state
    /// consistent with the prefix takes this step with these events (or the
    /// implementation could not take it). Throws EvalError-derived SpecError
    /// if the spec fails at run time.
    bool step(const spec::ObservedStep& s);

    const ReplayMismatch& mismatch() const { return mismatch_; }
    /// The packed spec states consistent with the steps so far.
    const std::vector<std::vector<uint64_t>>& states() const { return states_; }
    uint64_t matched() const { return matched_; }
    size_t state_count() const { return states_.size(); }

  private:
    struct Hash {
        size_t operator()(const std::vector<uint64_t>& v) const {
            return spec::hash_state(v.data(), uint32_t(v.size()));
        }
    };
    void explain(const spec::ObservedStep& s, uint32_t instance);
    /// Keeps the candidates equal to the state `s` records; if none is,
    /// explains the difference as a mismatch at step `step` and returns false.
    bool keep_recorded(std::vector<std::vector<uint64_t>>& candidates, const spec::ObservedStep& s, uint64_t step);

    const spec::CompiledMachine& cm_;
    spec::Evaluator ev_;
    uint64_t max_states_;
    std::vector<std::vector<uint64_t>> initial_;
    std::vector<std::vector<uint64_t>> states_;
    std::vector<spec::ObservedStep> recent_;
    uint64_t matched_ = 0;
    ReplayMismatch mismatch_;
};

}  // namespace stateproof::explorer
