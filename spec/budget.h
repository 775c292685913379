#pragma once
// The limits (--max-seconds, --max-memory) in the phases before the search:
// parsing, checking and inlining, instance enumeration and compilation.
//
// A user of SPIN or TLC expects a limit to hold in every phase, and a run
// that hits one to end with exit 3 and say where it stopped. The search
// counts its memory in the state store; these phases have no one store, so
// their memory is the process's resident set (/proc/self/statm), read every
// few thousand units of work along with the clock.

#include <chrono>
#include <cstdint>
#include <string>

#include "spec/result.h"

namespace stateproof::spec {

class Budget {
  public:
    /// No limits: tick() never throws.
    Budget() = default;
    explicit Budget(const Limits& limits);

    /// What the work counted from now on is, for the message: "checking
    /// the spec", "enumerating the instances of action a3"; with a `unit`
    /// ("instances"), the message also says how many ticks the phase made.
    void phase(std::string what, std::string unit = "") {
        phase_ = std::move(what);
        unit_ = std::move(unit);
        phase_start_ = count_;
    }
    const std::string& phase() const { return phase_; }

    /// Counts `work` units (an IR node, an action instance, a token); now and
    /// then checks the limits and throws LimitReached("while PHASE: ...").
    void tick(uint64_t work = 1) {
        count_ += work;
        if (count_ >= next_check_) check();
    }
    /// Checks the limits now.
    void check();
    /// Checks the limits now, as if `bytes` more were resident: before a
    /// container doubles, so the doubling itself does not pass the limit.
    void check_growth(uint64_t bytes);

    /// Seconds since the budget was made.
    double seconds() const;
    /// `limits` with --max-seconds lowered by the time spent so far, so the
    /// search gets what is left of it.
    Limits remaining(Limits limits) const;

    /// The process's resident memory in bytes, 0 if unknown.
    static uint64_t resident_bytes();

  private:
    bool limited_ = false;
    double max_seconds_ = 0;
    double max_seconds_given_ = 0;  // for messages (Limits::max_seconds_given)
    uint64_t max_memory_bytes_ = 0;
    std::chrono::steady_clock::time_point start_;
    std::string phase_;
    std::string unit_;
    uint64_t phase_start_ = 0;
    uint64_t count_ = 0;
    uint64_t next_check_ = UINT64_MAX;
};

}  // namespace stateproof::spec
