#pragma once
// What every engine answers: a verdict per property, with evidence and stats.
// Engines are peers with one shape of result; printers are elsewhere.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spec/trace.h"

namespace stateproof::spec {

enum class Verdict { Holds, Violated, Unknown };

/// Name of the deadlock pseudo-property (a reachable non-final state with no
/// enabled action).
inline constexpr const char* kDeadlock = "deadlock";

struct PropertyResult {
    std::string name;          ///< a Machine::properties name, or kDeadlock
    std::optional<uint32_t> property;  ///< index into Machine::properties; nullopt for deadlock
    Verdict verdict = Verdict::Unknown;
    std::optional<Trace> cex;  ///< Violated: a shortest counterexample
    /// Holds: how (e.g. "all 1234 reachable states", "proved by k-induction at k = 3");
    /// Unknown: why not (e.g. "holds up to depth 12; --max-states 1000 reached").
    std::string reason;
    /// Holds only up to this many steps (a bounded engine's answer): any
    /// counterexample is longer.
    std::optional<uint32_t> bound;
    /// Holds for every depth: k-induction closed at this k.
    std::optional<uint32_t> proved_at_k;
};

struct Limits {
    uint64_t max_states = 0;        ///< 0 = none
    double max_seconds = 0;         ///< 0 = none; what is left of --max-seconds for this phase
    /// --max-seconds as the user gave it, for messages: a later phase gets
    /// what the earlier ones left (max_seconds), but "--max-seconds 2
    /// reached" must name the 2 that was asked for. 0 = max_seconds.
    double max_seconds_given = 0;
    double seconds_for_messages() const { return max_seconds_given > 0 ? max_seconds_given : max_seconds; }
    uint64_t max_memory_bytes = 0;  ///< 0 = none
    /// Asked now and then: non-zero (the signal, SIGINT or SIGTERM) stops
    /// the search like a limit, with what it found so far.
    std::function<int()> interrupted;
};

struct Stats {
    uint64_t states = 0;
    uint64_t transitions = 0;
    uint32_t depth = 0;            ///< deepest BFS level reached (the diameter when complete)
    double seconds = 0;
    uint64_t memory_bytes = 0;     ///< peak bytes of the state store
    uint64_t queue = 0;            ///< states found but not yet expanded when the search stopped
    bool complete = false;         ///< the whole reachable state space was explored
    std::string stopped_by;        ///< the limit that stopped the search, if any
    int interrupted_by = 0;        ///< the signal that stopped it, or 0
    std::optional<double> collision_probability;  ///< fingerprint mode only
};

/// An independent re-check of a symbolic engine's answer by the explorer.
struct CrossCheck {
    bool complete = false;  ///< the explorer enumerated the whole space and agrees
    uint64_t states = 0;    ///< states it enumerated
    double seconds = 0;
    std::string why_not;    ///< when not complete: why (the space is too large)
};

struct CheckResult {
    std::string engine;  ///< "explicit", "bmc", "kind"
    std::vector<PropertyResult> properties;
    Stats stats;
    /// k-induction: the explorer's check of the same properties, where the
    /// space fits (a proof is printed only after it agreed).
    std::optional<CrossCheck> cross_check;

    bool any_violated() const;
    bool all_hold() const;
};

/// Exit code for a check: 128 + the signal if it was interrupted, else 1 if
/// any property is violated, else 3 if any is unknown, else 0.
int exit_code_of(const CheckResult& r);

}  // namespace stateproof::spec
