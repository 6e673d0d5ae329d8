// Tests sim/swarm/seeded_random.hpp: the engine is the standard's mt19937_64 (its
// 10000th value from the default seed is the one the standard names), the same seed
// gives the same draws, and the reductions stay in range, reach every value and are not
// visibly biased.
#include "sim/swarm/seeded_random.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <vector>

BOOST_AUTO_TEST_SUITE(seeded_random)

BOOST_AUTO_TEST_CASE(the_engine_is_the_standard_mt19937_64) {
    // C++ [rand.predef]: the 10000th invocation of a default-constructed mt19937_64
    // (seed 5489) produces 9981545732273789042.
    sts::sim::seeded_random rng(5489);
    std::uint64_t value = 0;
    for (int i = 0; i < 10000; ++i) value = rng.next();
    BOOST_TEST(value == 9981545732273789042ULL);
}

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_draws_and_another_seed_others) {
    sts::sim::seeded_random a(42), b(42), c(43);
    std::vector<std::uint64_t> da, db, dc;
    for (int i = 0; i < 100; ++i) {
        da.push_back(a.below(1000));
        db.push_back(b.below(1000));
        dc.push_back(c.below(1000));
    }
    BOOST_TEST(da == db);
    BOOST_TEST(da != dc);
}

BOOST_AUTO_TEST_CASE(below_stays_in_range_and_reaches_every_value_evenly) {
    sts::sim::seeded_random rng(7);
    std::array<unsigned, 6> counts{};
    for (int i = 0; i < 60000; ++i) {
        const auto v = rng.below(6);
        BOOST_REQUIRE(v < 6);
        ++counts[v];
    }
    for (const auto n : counts) BOOST_TEST((n > 9000 && n < 11000), "count " << n);
    BOOST_TEST(rng.below(1) == 0U);
    // A bound just above half the range rejects almost half the outputs; still in range.
    const std::uint64_t big = (1ULL << 63) + 1;
    for (int i = 0; i < 1000; ++i) BOOST_REQUIRE(rng.below(big) < big);
}

BOOST_AUTO_TEST_CASE(between_includes_both_ends_and_weighted_follows_its_weights) {
    sts::sim::seeded_random rng(9);
    bool low = false, high = false;
    for (int i = 0; i < 1000; ++i) {
        const auto v = rng.between(3, 5);
        BOOST_REQUIRE(v >= 3);
        BOOST_REQUIRE(v <= 5);
        low = low || v == 3;
        high = high || v == 5;
    }
    BOOST_TEST(low);
    BOOST_TEST(high);
    std::array<unsigned, 3> counts{};
    for (int i = 0; i < 40000; ++i) ++counts[rng.weighted({1, 0, 3})];
    BOOST_TEST(counts[1] == 0U);
    BOOST_TEST((counts[0] > 9000 && counts[0] < 11000), "weight 1 of 4 drew " << counts[0]);
}

BOOST_AUTO_TEST_SUITE_END()
