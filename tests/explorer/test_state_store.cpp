#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "explorer/state_store.h"
#include "spec/state.h"

using namespace stateproof::explorer;
using stateproof::spec::hash_state;

TEST_CASE("the exact store keeps every distinct state through index growth", "[explorer][store]") {
    ExactStore store(2, 128, 0);
    std::mt19937_64 rng(7);
    std::set<std::pair<uint64_t, uint64_t>> reference;
    std::vector<std::pair<uint64_t, uint64_t>> order;
    for (int i = 0; i < 300000; ++i) {
        // Few distinct values, so duplicates are common.
        uint64_t s[2] = {rng() % 200000, rng() % 2};
        auto [id, fresh] = store.insert(s, hash_state(s, 2), i == 0 ? kNoParent : 0);
        bool expect_fresh = reference.insert({s[0], s[1]}).second;
        REQUIRE(fresh == expect_fresh);
        if (fresh) {
            REQUIRE(id == order.size());
            order.push_back({s[0], s[1]});
        }
        REQUIRE(store.state(id)[0] == s[0]);
        REQUIRE(store.state(id)[1] == s[1]);
    }
    CHECK(store.size() == reference.size());
    for (StateId id = 0; id < order.size(); ++id) {
        CHECK(store.state(id)[0] == order[id].first);
    }
}

TEST_CASE("the exact store refuses to pass its memory limit", "[explorer][store]") {
    ExactStore store(1, 64, 4 << 20);  // 4 MiB
    bool full = false;
    uint64_t inserted = 0;
    try {
        for (uint64_t i = 0; i < 10'000'000; ++i) {
            store.insert(&i, hash_state(&i, 1), kNoParent);
            ++inserted;
        }
    } catch (const StoreFull& f) {
        full = true;
        CHECK(f.would_need_bytes > (4u << 20));
    }
    CHECK(full);
    CHECK(store.memory_bytes() <= (4u << 20));
    CHECK(inserted > 50000);
    // Everything inserted before the refusal is still there.
    for (uint64_t i = 0; i < inserted; i += 997) CHECK(!store.insert(&i, hash_state(&i, 1), kNoParent).second);
}

TEST_CASE("the exact store reserves about its memory limit of address space, not three times it", "[explorer][store]") {
    // `ulimit -v` counts reserved address space: a store that reserved the
    // limit once per array could not start under a limit of its own size.
    for (uint32_t words : {1u, 2u, 8u}) {
        for (uint64_t budget : {uint64_t(64) << 20, uint64_t(8) << 30}) {
            ExactStore::Reservation r;
            uint64_t total = ExactStore::plan(budget, words, r);
            CHECK(total == r.states + r.parents + r.slots);
            CHECK(double(total) <= 1.15 * double(budget) + double(12 << 20));
            // Each array can take what the budget allows it at most: as many
            // states as fit with their parents and the smallest index.
            uint64_t most_states = uint64_t(double(budget) / (8.0 * words + 4 + 8 / 0.72));
            CHECK(r.states >= most_states * 8 * words);
            CHECK(r.parents >= most_states * 4);
        }
    }
    // A store with a limit fills up to that limit (exit 3 later), never to a
    // capacity of its own far below it.
    for (uint32_t words : {1u, 3u}) {
        const uint64_t limit = 8 << 20;
        ExactStore store(words, 64 * words, limit);
        uint64_t inserted = 0;
        std::vector<uint64_t> s(words, 0);
        try {
            for (uint64_t i = 0; i < 10'000'000; ++i) {
                s[0] = i;
                store.insert(s.data(), hash_state(s.data(), words), kNoParent);
                ++inserted;
            }
        } catch (const StoreFull&) {
        }
        CHECK(store.memory_bytes() <= limit);
        CHECK(store.budget() == limit);
        CHECK(inserted > uint64_t(0.5 * double(limit) / (8.0 * words + 4 + 12 / 0.72)));
    }
}

TEST_CASE("inline slots and tag slots find the same duplicates", "[explorer][store]") {
    ExactStore inline_store(1, 40, 0, false);  // one-word states kept in their slots
    ExactStore tag_store(1, 40, 0, true);
    std::mt19937_64 rng(11);
    std::set<uint64_t> reference;
    for (int i = 0; i < 400000; ++i) {
        uint64_t s = rng() % 150000;  // includes the all-zero state
        auto a = inline_store.insert(&s, hash_state(&s, 1), kNoParent);
        auto b = tag_store.insert(&s, hash_state(&s, 1), kNoParent);
        REQUIRE(a.second == reference.insert(s).second);
        REQUIRE(a.second == b.second);
        if (a.second) REQUIRE(a.first == b.first);
        if (!b.second) REQUIRE(tag_store.state(b.first)[0] == s);
    }
    CHECK(inline_store.size() == reference.size());
}

TEST_CASE("the fingerprint store answers like the exact store on distinct states", "[explorer][store]") {
    FingerprintStore fp(1, 0);
    ExactStore exact(1, 64, 0);
    for (uint64_t i = 0; i < 100000; ++i) {
        uint64_t s = (i * 7919) % 50000;
        bool a = fp.insert(&s, hash_state(&s, 1), kNoParent).second;
        bool b = exact.insert(&s, hash_state(&s, 1), kNoParent).second;
        REQUIRE(a == b);
    }
    CHECK(fp.size() == 50000);
}
