#include "spec/state.h"

#include <bit>

namespace stateproof::spec {

StateLayout::StateLayout(const Machine& m) {
    uint32_t word = 0, used = 0;
    for (const Scalar& s : m.scalars) {
        const Type& t = m.types[s.type];
        uint64_t n = t.domain_size();
        uint32_t bits = n <= 1 ? 0 : uint32_t(std::bit_width(n - 1));
        if (used + bits > 64) {
            ++word;
            used = 0;
        }
        FieldLayout f{word, used, bits, bits == 64 ? ~0ULL : ((1ULL << bits) - 1), t.lo};
        fields_.push_back(f);
        used += bits;
        bits_ += bits;
    }
    words_ = word + 1;
}

}  // namespace stateproof::spec
