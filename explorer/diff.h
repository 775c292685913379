#pragma once
// `stateproof diff`: two configurations of one spec (the same spec under two
// sets of constants) compared over every input sequence, exactly.
//
// The two machines run side by side over the same inputs (action instances).
// A configuration may be nondeterministic (several initial states), so what
// an observer can tell about it after some steps is the SET of its states
// consistent with the events seen, as the Replayer keeps it: the search is
// over pairs of such sets (the product of the two determinized machines),
// breadth-first, so each difference is found first after its shortest input
// sequence. When both are deterministic a pair of sets is a pair of states.
//
// Observably the same is trace equivalence: after an input sequence whose
// events so far agree, for the next input the set of event lists the left
// configuration can emit equals the right's, and the input is possible on
// both sides or on neither. A difference is reported once per class (the
// action and the two sides' events, integers left out, as conform's
// signatures), grouped by cause (the first differing pair of events), with
// its shortest scenario and the steps before it (the same on both sides).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "explorer/conform.h"
#include "spec/eval.h"

namespace stateproof::explorer {

struct DiffOptions {
    uint64_t max_states = 0;          ///< product states; 0 = none. More ends the search (stopped_early)
    double max_seconds = 0;           ///< 0 = none
    double max_seconds_given = 0;     ///< for messages
    uint64_t max_memory_bytes = 0;    ///< the stores, and the process's resident memory; 0 = none
    /// Asked now and then: non-zero (a signal number) ends the search with
    /// what it has found, `interrupted_by` set.
    std::function<int()> interrupted;
};

/// One class of differences. `scenario`: the shortest input sequence, the
/// last input the one where the two differ; `before`: the events of the
/// steps before it (one list per step, the same on both sides).
struct DiffClass {
    std::string signature;   ///< `action: left X | right Y` (conform's event classes)
    std::string group;       ///< the cause: `left X | right Y`, the first events that differ, or `action: left does not allow it`
    Scenario scenario;
    std::vector<std::vector<spec::EventValue>> before;
    /// At the last step: each side's event lists (empty: the input is not
    /// possible there), sorted.
    std::vector<std::vector<spec::EventValue>> left, right;
    /// When one side does not allow the step: why not, in its first state
    /// (false guard conjuncts).
    std::vector<std::string> guard_false;
    /// Each side's first state before the difference (of `left_states` /
    /// `right_states` consistent with the steps before), and its initial
    /// state, for showing what the steps changed.
    spec::StateValues left_state, right_state, left_initial, right_initial;
    uint64_t left_states = 0, right_states = 0;
    uint64_t occurrences = 0;  ///< product states (pairs of sets) where it was seen, with any input of the action
};

struct DiffResult {
    uint64_t product_states = 0;
    uint64_t product_transitions = 0;  ///< (pair, input, common events) steps explored
    uint64_t left_states = 0, right_states = 0;  ///< distinct states of each machine met
    uint32_t depth = 0;                ///< the longest input sequence explored
    bool deterministic = true;         ///< every set met held one state on each side
    double seconds = 0;
    std::vector<DiffClass> classes;    ///< shortest first
    /// The classes by cause: DivergenceGroup::classes index `classes`;
    /// `occurrences` counts the product states where any of them was seen.
    std::vector<DivergenceGroup> groups;
    std::string stopped_early;         ///< a limit ended the search (what was found is kept)
    int interrupted_by = 0;
    bool complete() const { return stopped_early.empty() && !interrupted_by; }
};

/// Throws UsageError when the two do not take the same inputs (different
/// actions, parameter domains or events): `left_name`/`right_name` name them.
/// One side's possible event lists for an input, as a class: each list's
/// event_class, sorted, without repeats, joined by " or "; "does not allow
/// it" for none.
std::string alternatives_class(const spec::CompiledMachine& cm,
                               const std::vector<std::vector<spec::EventValue>>& alternatives);
void check_same_inputs(const spec::CompiledMachine& left, const spec::CompiledMachine& right);

/// The product search. `left` and `right` must take the same inputs.
DiffResult diff(const spec::CompiledMachine& left, const spec::CompiledMachine& right, const DiffOptions& options);

}  // namespace stateproof::explorer
