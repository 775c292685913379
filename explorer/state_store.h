#pragma once
// The visited set of the explicit search.
//
// ExactStore keeps every packed state (so no state is ever lost) in chunks
// that never move, a hash index of 64-bit slots (32 bits of hash tag, 32 bits
// of state id), and one parent id per state. BFS order is insertion order, so
// the queue is just the id range not yet expanded.
//
// FingerprintStore keeps only a 64-bit hash per visited state (8 bytes per
// slot), the states of the BFS frontier, and a parent log on disk for
// rebuilding counterexamples. Two distinct states with one hash would be
// merged: the search reports the estimated probability that this happened.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stateproof::explorer {

using StateId = uint32_t;
inline constexpr StateId kNoParent = UINT32_MAX;

/// Thrown when the next allocation would pass the memory limit.
struct StoreFull {
    uint64_t would_need_bytes;
};

class ExactStore {
  public:
    /// `words`: 64-bit words per packed state. `memory_limit` 0 = none.
    ExactStore(uint32_t words, uint64_t memory_limit);

    /// Inserts a state unless present. Returns its id and whether it is new.
    /// Throws StoreFull rather than pass the memory limit, and before the id
    /// space (2^32 - 2 states) runs out.
    std::pair<StateId, bool> insert(const uint64_t* state, uint64_t hash, StateId parent);

    const uint64_t* state(StateId id) const {
        return chunks_[id >> kChunkBits].get() + uint64_t(id & kChunkMask) * words_;
    }
    StateId parent(StateId id) const { return parents_[id]; }
    uint64_t size() const { return size_; }
    uint64_t memory_bytes() const;
    uint32_t words() const { return words_; }

  private:
    static constexpr uint32_t kChunkBits = 16;
    static constexpr uint32_t kChunkMask = (1u << kChunkBits) - 1;

    void grow_index();
    void reserve_memory(uint64_t extra) const;

    uint32_t words_;
    uint64_t memory_limit_;
    std::vector<std::unique_ptr<uint64_t[]>> chunks_;
    std::vector<StateId> parents_;
    std::vector<uint64_t> slots_;  // 0 = empty; else (tag << 32) | (id + 1)
    uint32_t slot_bits_ = 0;
    uint64_t size_ = 0;
};

class FingerprintStore {
  public:
    FingerprintStore(uint32_t words, uint64_t memory_limit);
    ~FingerprintStore();
    FingerprintStore(const FingerprintStore&) = delete;
    FingerprintStore& operator=(const FingerprintStore&) = delete;

    /// Inserts the state's fingerprint unless present; a new state is queued.
    /// Returns its queue position (valid until the state is popped and its
    /// level discarded) and whether it is new.
    std::pair<StateId, bool> insert(const uint64_t* state, uint64_t hash, StateId parent);

    /// Queue access: positions are consecutive in BFS order, like ExactStore ids.
    const uint64_t* state(StateId pos) const;
    uint64_t fingerprint(StateId pos) const;
    uint64_t size() const { return size_; }
    uint64_t memory_bytes() const;
    /// Frees queued states before position `pos` (already expanded).
    void release_before(StateId pos);

    /// Fingerprints from an initial state to the state at `pos`, using the
    /// parent log (reads the log file once).
    std::vector<uint64_t> fingerprint_path(StateId pos) const;

  private:
    void grow_index();

    uint32_t words_;
    uint64_t memory_limit_;
    std::vector<uint64_t> slots_;  // 0 = empty
    uint32_t slot_bits_ = 0;
    uint64_t size_ = 0;
    // Queue: states and fingerprints of positions [queue_base_, size_).
    std::vector<uint64_t> queue_states_;
    std::vector<uint64_t> queue_fps_;
    uint64_t queue_base_ = 0;
    std::FILE* log_ = nullptr;  // (fingerprint, parent fingerprint) per state
};

}  // namespace stateproof::explorer
