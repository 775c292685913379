#include "spec/budget.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "spec/diagnostics.h"

namespace stateproof::spec {

// Units of work between two looks at the clock and /proc: a look costs a few
// microseconds, a unit (an IR node, an action instance) a fraction of one.
static constexpr uint64_t kCheckEvery = 4096;

Budget::Budget(const Limits& limits)
    : limited_(limits.max_seconds > 0 || limits.max_memory_bytes > 0), max_seconds_(limits.max_seconds),
      max_seconds_given_(limits.seconds_for_messages()),
      max_memory_bytes_(limits.max_memory_bytes), start_(std::chrono::steady_clock::now()),
      next_check_(limited_ ? kCheckEvery : UINT64_MAX) {}

uint64_t Budget::resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    int n = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    long page = sysconf(_SC_PAGE_SIZE);
    return n == 2 && page > 0 ? resident * uint64_t(page) : 0;
}

double Budget::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

Limits Budget::remaining(Limits limits) const {
    if (limits.max_seconds > 0) limits.max_seconds = std::max(limits.max_seconds - seconds(), 1e-3);
    return limits;
}

static std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

void Budget::check() { check_growth(0); }

void Budget::check_growth(uint64_t bytes) {
    next_check_ = count_ + kCheckEvery;
    if (!limited_) return;
    std::string where = "while " + (phase_.empty() ? std::string("reading the spec") : phase_);
    if (!unit_.empty()) where += " (" + std::to_string(count_ - phase_start_) + " " + unit_ + " made)";
    where += ": ";
    if (max_seconds_ > 0) {
        if (seconds() >= max_seconds_) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", max_seconds_given_);
            throw LimitReached(where + "--max-seconds " + buf + " reached");
        }
    }
    if (max_memory_bytes_ > 0) {
        uint64_t rss = resident_bytes();
        if (rss + bytes > max_memory_bytes_)
            throw LimitReached(where + "--max-memory " + mib(max_memory_bytes_) + " reached (resident memory " +
                               mib(rss) + (bytes ? ", " + mib(bytes) + " more needed" : std::string()) +
                               ")");
    }
}

}  // namespace stateproof::spec
