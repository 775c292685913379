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

/// A growable array at a fixed address: its whole virtual range is reserved
/// up front (2 MiB aligned, backed by huge pages where the kernel agrees: the
/// store reads its index and states at random, and with 4 KiB pages every
/// lookup would also miss the TLB), and a prefix is committed as it grows.
/// Growing never moves or copies anything; new memory reads as zero.
class VirtualArray {
  public:
    VirtualArray() = default;
    /// Reserves `capacity` bytes of address space (no memory yet).
    explicit VirtualArray(uint64_t capacity);
    ~VirtualArray();
    VirtualArray(VirtualArray&& o) noexcept;
    VirtualArray& operator=(VirtualArray&& o) noexcept;
    VirtualArray(const VirtualArray&) = delete;
    VirtualArray& operator=(const VirtualArray&) = delete;

    uint64_t* data() const { return static_cast<uint64_t*>(base_); }
    uint64_t committed() const { return committed_; }
    uint64_t capacity() const { return capacity_; }
    /// Makes the first `bytes` usable. Throws std::bad_alloc past the
    /// capacity or if the kernel refuses.
    void commit(uint64_t bytes);

  private:
    void* base_ = nullptr;
    uint64_t capacity_ = 0;
    uint64_t committed_ = 0;
};

class ExactStore {
  public:
    /// `words`: 64-bit words per packed state; `bits`: how many of them are
    /// used. `memory_limit` 0 = none. `need_ids`: insert() must return the id
    /// of a state that is already present (else it may return kNoParent).
    ExactStore(uint32_t words, uint32_t bits, uint64_t memory_limit, bool need_ids = true);

    /// Inserts a state unless present. Returns its id and whether it is new;
    /// for a state already present the id is kNoParent unless need_ids.
    /// Throws StoreFull rather than pass the memory limit, and before the id
    /// space (2^32 - 2 states) runs out.
    std::pair<StateId, bool> insert(const uint64_t* state, uint64_t hash, StateId parent);

    /// Hints that a state with this hash will be looked up soon.
    void prefetch(uint64_t hash) const { __builtin_prefetch(slots_.data() + home(hash >> 32)); }

    const uint64_t* state(StateId id) const { return states_.data() + uint64_t(id) * words_; }
    StateId parent(StateId id) const { return reinterpret_cast<const StateId*>(parents_.data())[id]; }
    uint64_t size() const { return size_; }
    /// Bytes committed for states, parents and the index.
    uint64_t memory_bytes() const;
    uint32_t words() const { return words_; }
    /// What the store may commit: the memory limit, or less when the address
    /// space (`ulimit -v`) or the kernel allowed only a smaller reservation.
    uint64_t budget() const { return budget_; }

    /// Address space for each array so that no more than `budget` bytes can
    /// be committed in all; returns the sum.
    struct Reservation {
        uint64_t states = 0, parents = 0, slots = 0;
    };
    static uint64_t plan(uint64_t budget, uint32_t words, Reservation& out);

  private:
    void grow_index();
    void reserve_memory(uint64_t extra) const;
    // The home slot of a 32-bit tag: multiply-shift maps it onto any table
    // size, so the index can grow by half instead of doubling.
    uint64_t home(uint64_t tag) const { return (tag * slot_count_) >> 32; }

    uint32_t words_;
    // Inline slots: a one-word state of fewer than 64 bits is kept in its
    // index slot (with the top bit set, so no slot is 0), and a duplicate is
    // recognised without reading the states. Otherwise a slot is a 32-bit hash
    // tag and the state's id + 1.
    bool inline_;
    uint64_t memory_limit_;
    uint64_t budget_ = 0;
    VirtualArray states_;   // packed states by id: BFS order
    VirtualArray parents_;  // StateId by id
    VirtualArray slots_;    // the index
    uint64_t slot_count_ = 0;
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
    void prefetch(uint64_t hash) const {
        uint64_t fp = hash ? hash : 1;
        __builtin_prefetch(&slots_[fp >> (64 - slot_bits_)]);
    }

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
