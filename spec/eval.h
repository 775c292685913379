#pragma once
// Explicit evaluation of a Machine: initial states, guards, successors,
// properties. The IR is lowered once per *action instance* (an action with
// concrete argument values) to a flat register bytecode with the arguments
// folded in, so the hot path runs short straight-line programs over int32
// registers and allocates nothing.
//
// Every explicit engine (explorer, replay, lockstep conformance, the replay of
// solver counterexamples) goes through this one boundary.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "spec/budget.h"
#include "spec/ir.h"
#include "spec/state.h"
#include "spec/trace.h"

namespace stateproof::spec {

/// An action with concrete arguments: one label of the transition system.
struct Instance {
    uint32_t action;
    std::vector<int32_t> args;
    /// The guard folds to false for these arguments: never enabled anywhere.
    bool never_enabled = false;
};

/// A failure while evaluating the spec (index out of bounds, value out of
/// range, division by zero, a failed assert). Engines add the action and the
/// state and turn it into a SpecError.
class EvalError : public std::runtime_error {
  public:
    EvalError(SourceLoc loc, std::string message)
        : std::runtime_error(message), loc(loc), message(std::move(message)) {}
    SourceLoc loc;
    std::string message;
};

namespace detail {
struct Program;
struct CompiledInstance;
struct MatchPattern;
struct ErrorInfo;
}  // namespace detail

/// The machine lowered to bytecode. Immutable once built; share it between
/// Evaluators. Keeps a reference to the Machine, which must outlive it.
class CompiledMachine {
  public:
    /// With a budget, instance enumeration and compilation count against
    /// --max-seconds and --max-memory (LimitReached names the action).
    explicit CompiledMachine(const Machine& m, Budget* budget = nullptr);
    ~CompiledMachine();
    CompiledMachine(const CompiledMachine&) = delete;
    CompiledMachine& operator=(const CompiledMachine&) = delete;

    const Machine& machine() const { return m_; }
    const StateLayout& layout() const { return layout_; }
    uint32_t instance_count() const { return uint32_t(instances_.size()); }
    const Instance& instance(uint32_t i) const { return instances_[i]; }
    /// The instances of action `a` are [first_instance(a), first_instance(a+1)),
    /// arguments in mixed-radix order (last parameter fastest).
    uint32_t first_instance(uint32_t action) const { return first_instance_[action]; }
    /// The instance for these argument values; requires each value in its domain.
    uint32_t instance_of(uint32_t action, std::span<const int32_t> args) const;

    /// `name(p=v, q=w)` for people.
    std::string describe(uint32_t instance) const;
    std::string describe_event(const EventValue& e) const;
    std::string describe_state(const int32_t* values, const std::string& indent = "  ") const;

  private:
    friend class Evaluator;
    const Machine& m_;
    StateLayout layout_;
    std::vector<Instance> instances_;
    std::vector<uint32_t> first_instance_;
    std::vector<detail::CompiledInstance> compiled_;
    std::vector<detail::Program> invariants_pre_;
    std::vector<detail::Program> invariants_post_;
    std::vector<detail::Program> transitions_;
    std::vector<detail::Program> init_constraints_;
    std::unique_ptr<detail::Program> final_;
    std::vector<detail::MatchPattern> patterns_;
    std::vector<detail::ErrorInfo> errors_;
    // Instances indexed by one required `scalar == value` guard conjunct.
    struct Dispatch {
        struct Key {
            uint32_t scalar;
            int32_t lo;
            uint32_t first;  // into offsets: one entry per value, plus one
        };
        std::vector<Key> keys;
        std::vector<uint32_t> offsets;
        std::vector<uint32_t> instances;
        std::vector<uint32_t> always;  // no such conjunct
    } dispatch_;
    void build_dispatch();
    uint32_t registers_ = 0;
    uint32_t max_events_ = 0;  ///< int32 words of the event buffer
};

/// Scratch space for evaluation: one per thread. Holds a pre-state, the
/// post-state of the last fired instance and its events.
class Evaluator {
  public:
    explicit Evaluator(const CompiledMachine& cm);

    const CompiledMachine& compiled() const { return cm_; }

    /// Calls `f(values)` for every initial state (free scalars enumerated,
    /// init constraints applied), in a fixed order.
    void for_each_initial(const std::function<void(const int32_t*)>& f);

    /// Loads the pre-state.
    void load(const uint64_t* packed);
    /// Loads the pre-state lazily: it is unpacked only when something needs
    /// its values (a residual guard, a body that is not on the packed fast
    /// path, a property). `packed` must stay valid until the next load.
    void load_lazily(const uint64_t* packed) { lazy_ = packed; }
    void load_values(const int32_t* values);
    const int32_t* pre() {
        ensure_loaded();
        return regs_.data();
    }

    /// Calls `f(i)` for every instance that may be enabled in the loaded
    /// pre-state, skipping those whose `scalar == constant` guard conjunct is
    /// false there (instances are indexed by one such conjunct). Each must
    /// still be tested with enabled()/enabled_packed(). Deterministic order.
    template <class F>
    void for_each_candidate(F&& f) const {
        const auto& d = cm_.dispatch_;
        for (const auto& key : d.keys) {
            int32_t value = lazy_ ? cm_.layout_.get(lazy_, key.scalar) : regs_[key.scalar];
            uint32_t v = uint32_t(value - key.lo);
            for (uint32_t k = d.offsets[key.first + v]; k < d.offsets[key.first + v + 1]; ++k) f(d.instances[k]);
        }
        for (uint32_t i : d.always) f(i);
    }

    /// The guard of instance `i` in the loaded pre-state.
    bool enabled(uint32_t i);
    /// The same, faster, when `p` is the packed form of the loaded pre-state:
    /// `scalar == constant` conjuncts are tested as masks on the packed words.
    bool enabled_packed(uint32_t i, const uint64_t* p);

    /// Runs the body of instance `i` from the pre-state (its guard must hold).
    /// The post-state and events are then available. Throws EvalError.
    void fire(uint32_t i);
    /// Fires instance `i` straight on packed states when its body allows
    /// (only static assignments of constants or `scalar +/- constant`):
    /// writes the successor of `pre` to `out` and returns true. Returns false,
    /// touching nothing, when the body needs fire(). Afterwards post() and the
    /// transition-property registers are NOT set; events are empty.
    bool fire_packed(uint32_t i, const uint64_t* pre, uint64_t* out);
    const int32_t* post() const { return regs_.data() + layout_scalars_; }
    /// Loads a packed state as the post-state (to check invariants on a state
    /// that was fired earlier and packed).
    void load_post(const uint64_t* packed);
    /// The packed post-state, given the packed pre-state it was fired from.
    void pack_post(const uint64_t* pre_packed, uint64_t* out) const;
    /// Events of the last fire, decoded.
    std::vector<EventValue> events() const;
    /// Raw event words of the last fire: [event, args...]*.
    std::span<const int32_t> raw_events() const { return {events_.data(), events_len_}; }

    /// Invariant `prop` (an index into Machine::properties) in the pre-state /
    /// post-state. Transition property `prop` over the last fire.
    bool invariant_pre(uint32_t prop);
    bool invariant_post(uint32_t prop);
    bool transition(uint32_t prop);
    /// The spec's `final` predicate in the pre-state (false if it has none).
    bool final_pre();

  private:
    int32_t run(const detail::Program& p);
    void ensure_loaded() {
        if (lazy_) {
            cm_.layout_.unpack(lazy_, regs_.data());
            lazy_ = nullptr;
        }
    }
    const uint64_t* lazy_ = nullptr;

    const CompiledMachine& cm_;
    uint32_t layout_scalars_;
    std::vector<int32_t> regs_;
    std::vector<int32_t> events_;
    uint32_t events_len_ = 0;
    uint32_t last_instance_ = 0;
};

}  // namespace stateproof::spec
