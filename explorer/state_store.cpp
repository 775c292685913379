#include "explorer/state_store.h"

#include "spec/state.h"

#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace stateproof::explorer {

// The index grows by half at 72% load: linear probing stays short, and a state
// costs 11-17 bytes of index (and 27 while the index is being copied) on top
// of its packed words and parent.
static constexpr double kMaxLoad = 0.72;
static constexpr uint32_t kInitialSlotBits = 12;
static constexpr uint64_t kMaxSlots = uint64_t(1) << 32;  // the tag and the id are 32 bits
static constexpr uint64_t kHugePage = 2 << 20;
static constexpr uint64_t kInlineMark = uint64_t(1) << 63;
static constexpr uint64_t kMinBudget = 16 << 20;

static uint64_t round_up(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

VirtualArray::VirtualArray(uint64_t capacity) {
    capacity_ = round_up(std::max<uint64_t>(capacity, kHugePage), kHugePage);
    // Reserve one huge page more, to align the start.
    uint64_t span = capacity_ + kHugePage;
    void* p = ::mmap(nullptr, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    uintptr_t start = reinterpret_cast<uintptr_t>(p);
    uintptr_t aligned = round_up(start, kHugePage);
    if (aligned > start) ::munmap(p, aligned - start);
    uintptr_t end = start + span, used_end = aligned + capacity_;
    if (end > used_end) ::munmap(reinterpret_cast<void*>(used_end), end - used_end);
    base_ = reinterpret_cast<void*>(aligned);
}

VirtualArray::~VirtualArray() {
    if (base_) ::munmap(base_, capacity_);
}

VirtualArray::VirtualArray(VirtualArray&& o) noexcept
    : base_(std::exchange(o.base_, nullptr)), capacity_(std::exchange(o.capacity_, 0)),
      committed_(std::exchange(o.committed_, 0)) {}

VirtualArray& VirtualArray::operator=(VirtualArray&& o) noexcept {
    if (this != &o) {
        if (base_) ::munmap(base_, capacity_);
        base_ = std::exchange(o.base_, nullptr);
        capacity_ = std::exchange(o.capacity_, 0);
        committed_ = std::exchange(o.committed_, 0);
    }
    return *this;
}

void VirtualArray::commit(uint64_t bytes) {
    if (bytes <= committed_) return;
    // Whole huge pages at a time once the array is large, so the kernel can
    // back them with huge pages; small arrays grow in small steps.
    uint64_t step = bytes < 4 * kHugePage ? 64 << 10 : kHugePage;
    uint64_t target = std::min(round_up(bytes, step), capacity_);
    if (bytes > capacity_) throw std::bad_alloc();
    char* from = static_cast<char*>(base_) + committed_;
    if (::mprotect(from, target - committed_, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
    ::madvise(from, target - committed_, MADV_HUGEPAGE);  // a hint; fine if refused
    committed_ = target;
}

// What the store may commit in all: the memory limit, or the machine's memory
// without one.
static uint64_t budget_of(uint64_t memory_limit) {
    if (memory_limit) return memory_limit;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : uint64_t(64) << 30;
}

// The address space still free under `ulimit -v` (RLIMIT_AS counts every
// mapping, PROT_NONE and MAP_NORESERVE ones too), or UINT64_MAX.
static uint64_t address_space_left() {
    rlimit r{};
    if (getrlimit(RLIMIT_AS, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
    uint64_t used = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        unsigned long long pages = 0;
        if (std::fscanf(f, "%llu", &pages) == 1) used = pages * uint64_t(sysconf(_SC_PAGE_SIZE));
        std::fclose(f);
    }
    return uint64_t(r.rlim_cur) > used ? uint64_t(r.rlim_cur) - used : 0;
}

uint64_t ExactStore::plan(uint64_t budget, uint32_t words, Reservation& out) {
    // A state costs 8 * words bytes of packed state, 4 of parent, and 11 to
    // 17 bytes of index (load at most kMaxLoad, growth by half). With at most
    // `budget` committed in all, the states and parents arrays never hold
    // more than budget / (8 * words + 4 + 8 / kMaxLoad) states, and the index
    // is largest when it has just grown: 12 / kMaxLoad bytes a state, with
    // the states and parents beside it. Reserving exactly that (about 1.1 x
    // the budget in all, not 3 x) lets a search run under `ulimit -v`.
    const double per_state = 8.0 * words + 4 + 8 / kMaxLoad;
    const double n = double(budget) / per_state;
    const double index_per_state = 12 / kMaxLoad;
    const double n_at_largest_index = double(budget) / (8.0 * words + 4 + index_per_state);
    const uint64_t slack = 2 * kHugePage;  // commit() rounds up to whole steps
    out.states = uint64_t(n * 8.0 * words) + slack;
    out.parents = std::min<uint64_t>(uint64_t(n * 4) + slack, uint64_t(UINT32_MAX) * 4);
    out.slots = std::min<uint64_t>({uint64_t(n_at_largest_index * index_per_state) + slack, budget + slack, kMaxSlots * 8});
    return out.states + out.parents + out.slots;
}

ExactStore::ExactStore(uint32_t words, uint32_t bits, uint64_t memory_limit, bool need_ids)
    : words_(words), inline_(words == 1 && bits < 64 && !need_ids), memory_limit_(memory_limit) {
    // Under `ulimit -v`, half of what is left: the other half is for the
    // rest of the search (evaluator, counterexamples, the heap).
    uint64_t budget = std::min(budget_of(memory_limit), address_space_left() / 2);
    // If the kernel still refuses (overcommit rules, another limit), a
    // smaller store that stops early with exit 3 beats no search at all.
    for (;;) {
        Reservation r;
        plan(budget, words, r);
        try {
            states_ = VirtualArray(r.states);
            parents_ = VirtualArray(r.parents);
            slots_ = VirtualArray(r.slots);
            break;
        } catch (const std::bad_alloc&) {
            states_ = VirtualArray();
            parents_ = VirtualArray();
            if (budget <= kMinBudget) throw;
            budget /= 2;
        }
    }
    budget_ = budget;
    memory_limit_ = budget;
    slot_count_ = uint64_t(1) << kInitialSlotBits;
    slots_.commit(slot_count_ * 8);
}

uint64_t ExactStore::memory_bytes() const { return states_.committed() + parents_.committed() + slots_.committed(); }

void ExactStore::reserve_memory(uint64_t extra) const {
    if (memory_limit_ && memory_bytes() + extra > memory_limit_) throw StoreFull{memory_bytes() + extra};
}

void ExactStore::grow_index() {
    uint64_t count = std::min(slot_count_ + slot_count_ / 2, kMaxSlots);
    if (count == slot_count_ || count * 8 > slots_.capacity()) throw StoreFull{memory_bytes()};
    reserve_memory(count * 8 - slots_.committed() + count / 8);
    // In place, so the old and the new index never exist side by side: more
    // of the reserved range is committed, then every entry is moved to a slot
    // of the new size. An entry being placed skips placed slots and swaps
    // with an unplaced one; a placed entry's probe path thus crosses only
    // placed slots, which are never emptied again, so every entry stays
    // findable.
    const uint64_t old_count = slot_count_;
    slots_.commit(count * 8);
    slot_count_ = count;
    uint64_t* slots = slots_.data();
    std::vector<uint64_t> placed((count + 63) / 64, 0);
    auto is_placed = [&](uint64_t i) { return (placed[i >> 6] >> (i & 63)) & 1; };
    auto tag_of = [&](uint64_t v) {
        if (!inline_) return v >> 32;
        uint64_t state = v & ~kInlineMark;
        return spec::hash_state(&state, 1) >> 32;
    };
    // From the end: a slot's new home is about 1.5 times its old one, and
    // every slot above k is already placed or empty, so reads and writes both
    // stream downwards and swaps are rare (only near the start, where an entry
    // sits far past its home).
    for (uint64_t k = old_count; k-- > 0;) {
        if (!slots[k] || is_placed(k)) continue;
        uint64_t v = slots[k];
        slots[k] = 0;
        uint64_t i = home(tag_of(v));
        for (;;) {
            if (is_placed(i)) {
                i = i + 1 == count ? 0 : i + 1;
                continue;
            }
            std::swap(v, slots[i]);
            placed[i >> 6] |= uint64_t(1) << (i & 63);
            if (!v) break;
            i = home(tag_of(v));  // place the entry that was displaced
        }
    }
}

std::pair<StateId, bool> ExactStore::insert(const uint64_t* state, uint64_t hash, StateId parent) {
    const uint64_t tag = hash >> 32;
    uint64_t* slots = slots_.data();
    uint64_t i = home(tag);
    const uint64_t inline_value = state[0] | kInlineMark;
    for (;;) {
        uint64_t s = slots[i];
        if (!s) break;
        if (inline_) {
            if (s == inline_value) return {kNoParent, false};
        } else if ((s >> 32) == tag) {
            StateId id = StateId((s & 0xffffffffu) - 1);
            const uint64_t* other = this->state(id);
            uint32_t w = 0;
            while (w < words_ && other[w] == state[w]) ++w;
            if (w == words_) return {id, false};
        }
        i = i + 1 == slot_count_ ? 0 : i + 1;
    }
    if (size_ >= uint64_t(UINT32_MAX) - 1) throw StoreFull{memory_bytes()};
    StateId id = StateId(size_);
    uint64_t need = (size_ + 1) * words_ * 8;
    if (need > states_.committed()) {
        reserve_memory(need - states_.committed());
        if (need > states_.capacity()) throw StoreFull{memory_bytes() + kHugePage};
        states_.commit(need);
    }
    if ((size_ + 1) * 4 > parents_.committed()) {
        reserve_memory((size_ + 1) * 4 - parents_.committed());
        if ((size_ + 1) * 4 > parents_.capacity()) throw StoreFull{memory_bytes() + kHugePage};
        parents_.commit((size_ + 1) * 4);
    }
    std::copy(state, state + words_, states_.data() + size_ * words_);
    reinterpret_cast<StateId*>(parents_.data())[size_] = parent;
    slots[i] = inline_ ? inline_value : (tag << 32) | (uint64_t(id) + 1);
    ++size_;
    if (double(size_) > kMaxLoad * double(slot_count_)) grow_index();
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
