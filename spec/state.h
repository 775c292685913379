#pragma once
// Packed states: every scalar takes the bits its domain needs, within 64-bit
// words (a field never straddles two words, so get/set are one shift and mask).

#include <cstdint>
#include <cstring>
#include <vector>

#include "spec/ir.h"

namespace stateproof::spec {

/// A state as values, one int32 per scalar (Machine::scalars order).
using StateValues = std::vector<int32_t>;

struct FieldLayout {
    uint32_t word;
    uint32_t shift;
    uint32_t bits;   ///< 0 for a one-value domain
    uint64_t mask;   ///< (1 << bits) - 1, unshifted
    int32_t lo;      ///< stored value = value - lo
};

class StateLayout {
  public:
    explicit StateLayout(const Machine& m);

    uint32_t words() const { return words_; }
    uint32_t bits() const { return bits_; }
    uint32_t scalars() const { return uint32_t(fields_.size()); }
    const FieldLayout& field(uint32_t s) const { return fields_[s]; }

    int32_t get(const uint64_t* packed, uint32_t s) const {
        const FieldLayout& f = fields_[s];
        return int32_t((packed[f.word] >> f.shift) & f.mask) + f.lo;
    }
    void set(uint64_t* packed, uint32_t s, int32_t v) const {
        const FieldLayout& f = fields_[s];
        packed[f.word] = (packed[f.word] & ~(f.mask << f.shift)) |
                         ((uint64_t(uint32_t(v - f.lo)) & f.mask) << f.shift);
    }
    void pack(const int32_t* values, uint64_t* out) const {
        std::memset(out, 0, words_ * sizeof(uint64_t));
        for (uint32_t s = 0; s < fields_.size(); ++s) {
            const FieldLayout& f = fields_[s];
            out[f.word] |= (uint64_t(uint32_t(values[s] - f.lo)) & f.mask) << f.shift;
        }
    }
    void unpack(const uint64_t* packed, int32_t* out) const {
        for (uint32_t s = 0; s < fields_.size(); ++s) out[s] = get(packed, s);
    }

  private:
    std::vector<FieldLayout> fields_;
    uint32_t words_ = 1;
    uint32_t bits_ = 0;
};

/// 64-bit hash of a packed state (splitmix64-style finalisation per word).
inline uint64_t hash_state(const uint64_t* w, uint32_t words) {
    uint64_t h = 0x9e3779b97f4a7c15ULL * (words + 1);
    for (uint32_t i = 0; i < words; ++i) {
        uint64_t x = w[i] + h;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        h = x ^ (x >> 31);
    }
    return h;
}

}  // namespace stateproof::spec
