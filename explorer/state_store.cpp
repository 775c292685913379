#include "explorer/state_store.h"

#include <cstring>
#include <stdexcept>

namespace stateproof::explorer {

// Index slots are grown at 70% load: linear probing stays short, and a state
// costs 11-23 bytes of index on top of its packed words and parent.
static constexpr double kMaxLoad = 0.7;
static constexpr uint32_t kInitialSlotBits = 12;

ExactStore::ExactStore(uint32_t words, uint64_t memory_limit)
    : words_(words), memory_limit_(memory_limit) {
    slot_bits_ = kInitialSlotBits;
    slots_.assign(size_t(1) << slot_bits_, 0);
}

uint64_t ExactStore::memory_bytes() const {
    return chunks_.size() * (uint64_t(1) << kChunkBits) * words_ * 8 + parents_.capacity() * 4 +
           slots_.capacity() * 8;
}

void ExactStore::reserve_memory(uint64_t extra) const {
    if (memory_limit_ && memory_bytes() + extra > memory_limit_) throw StoreFull{memory_bytes() + extra};
}

void ExactStore::grow_index() {
    // 2^32 slots (32 GiB) is past any memory this runs on; the tag is 32 bits.
    uint32_t bits = slot_bits_ + 1;
    if (bits > 32) throw StoreFull{memory_bytes()};
    reserve_memory((uint64_t(1) << bits) * 8);
    std::vector<uint64_t> next(size_t(1) << bits, 0);
    const uint64_t mask = (uint64_t(1) << bits) - 1;
    for (uint64_t s : slots_) {
        if (!s) continue;
        // The slot position comes from the tag's top bits: no state is rehashed.
        uint64_t i = (s >> 32) >> (32 - bits);
        while (next[i]) i = (i + 1) & mask;
        next[i] = s;
    }
    slots_.swap(next);
    slot_bits_ = bits;
}

std::pair<StateId, bool> ExactStore::insert(const uint64_t* state, uint64_t hash, StateId parent) {
    const uint64_t tag = hash >> 32;
    const uint64_t mask = slots_.size() - 1;
    uint64_t i = tag >> (32 - slot_bits_);
    for (;;) {
        uint64_t s = slots_[i];
        if (!s) break;
        if ((s >> 32) == tag) {
            StateId id = StateId((s & 0xffffffffu) - 1);
            if (std::memcmp(this->state(id), state, words_ * 8) == 0) return {id, false};
        }
        i = (i + 1) & mask;
    }
    if (size_ >= uint64_t(UINT32_MAX) - 1) throw StoreFull{memory_bytes()};
    StateId id = StateId(size_);
    if ((id & kChunkMask) == 0) {
        reserve_memory((uint64_t(1) << kChunkBits) * words_ * 8);
        chunks_.push_back(std::make_unique<uint64_t[]>((size_t(1) << kChunkBits) * words_));
    }
    if (parents_.size() == parents_.capacity()) reserve_memory(parents_.capacity() * 4 + 4096);
    std::memcpy(chunks_[id >> kChunkBits].get() + uint64_t(id & kChunkMask) * words_, state, words_ * 8);
    parents_.push_back(parent);
    slots_[i] = (tag << 32) | (uint64_t(id) + 1);
    ++size_;
    if (double(size_) > kMaxLoad * double(slots_.size())) grow_index();
    return {id, true};
}

// ---------------------------------------------------------------- fingerprints

FingerprintStore::FingerprintStore(uint32_t words, uint64_t memory_limit)
    : words_(words), memory_limit_(memory_limit) {
    slot_bits_ = kInitialSlotBits;
    slots_.assign(size_t(1) << slot_bits_, 0);
    log_ = std::tmpfile();
    if (!log_) throw std::runtime_error("fingerprint mode: cannot create a temporary file for the parent log");
}

FingerprintStore::~FingerprintStore() {
    if (log_) std::fclose(log_);
}

uint64_t FingerprintStore::memory_bytes() const {
    return slots_.capacity() * 8 + queue_states_.capacity() * 8 + queue_fps_.capacity() * 8;
}

void FingerprintStore::grow_index() {
    uint32_t bits = slot_bits_ + 1;
    if (bits > 40) throw StoreFull{memory_bytes()};
    if (memory_limit_ && memory_bytes() + (uint64_t(1) << bits) * 8 > memory_limit_)
        throw StoreFull{memory_bytes() + (uint64_t(1) << bits) * 8};
    std::vector<uint64_t> next(size_t(1) << bits, 0);
    const uint64_t mask = (uint64_t(1) << bits) - 1;
    for (uint64_t fp : slots_) {
        if (!fp) continue;
        uint64_t i = fp >> (64 - bits);
        while (next[i]) i = (i + 1) & mask;
        next[i] = fp;
    }
    slots_.swap(next);
    slot_bits_ = bits;
}

std::pair<StateId, bool> FingerprintStore::insert(const uint64_t* state, uint64_t hash, StateId parent) {
    const uint64_t fp = hash ? hash : 1;
    const uint64_t mask = slots_.size() - 1;
    uint64_t i = fp >> (64 - slot_bits_);
    while (slots_[i]) {
        if (slots_[i] == fp) return {kNoParent, false};
        i = (i + 1) & mask;
    }
    if (size_ >= uint64_t(UINT32_MAX) - 1) throw StoreFull{memory_bytes()};
    if (memory_limit_ && queue_states_.size() == queue_states_.capacity() &&
        memory_bytes() + queue_states_.capacity() * 8 + 4096 > memory_limit_)
        throw StoreFull{memory_bytes() + queue_states_.capacity() * 8};
    slots_[i] = fp;
    StateId pos = StateId(size_++);
    queue_states_.insert(queue_states_.end(), state, state + words_);
    queue_fps_.push_back(fp);
    uint64_t rec[2] = {fp, parent == kNoParent ? 0 : fingerprint(parent)};
    if (std::fwrite(rec, sizeof rec, 1, log_) != 1)
        throw std::runtime_error("fingerprint mode: cannot write the parent log (disk full?)");
    if (double(size_) > kMaxLoad * double(slots_.size())) grow_index();
    return {pos, true};
}

const uint64_t* FingerprintStore::state(StateId pos) const {
    return queue_states_.data() + (uint64_t(pos) - queue_base_) * words_;
}

uint64_t FingerprintStore::fingerprint(StateId pos) const { return queue_fps_[uint64_t(pos) - queue_base_]; }

void FingerprintStore::release_before(StateId pos) {
    uint64_t n = uint64_t(pos) - queue_base_;
    if (n == 0) return;
    queue_states_.erase(queue_states_.begin(), queue_states_.begin() + n * words_);
    queue_fps_.erase(queue_fps_.begin(), queue_fps_.begin() + n);
    queue_base_ = pos;
}

std::vector<uint64_t> FingerprintStore::fingerprint_path(StateId pos) const {
    std::fflush(log_);
    std::rewind(log_);
    std::unordered_map<uint64_t, uint64_t> parent;
    uint64_t rec[2];
    while (std::fread(rec, sizeof rec, 1, log_) == 1) parent.emplace(rec[0], rec[1]);
    std::fseek(log_, 0, SEEK_END);
    std::vector<uint64_t> path;
    uint64_t fp = fingerprint(pos);
    while (fp) {
        path.push_back(fp);
        auto it = parent.find(fp);
        fp = it == parent.end() ? 0 : it->second;
        if (path.size() > size_) break;  // defensive: a cycle would mean a corrupt log
    }
    return {path.rbegin(), path.rend()};
}

}  // namespace stateproof::explorer
