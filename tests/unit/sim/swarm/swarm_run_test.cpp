// Tests sim/swarm/swarm_run.hpp end to end: generated seeds run and keep every invariant
// with the engine as it is, the results come back in seed order whatever the thread
// count, and the invariants catch the engine breaking a rule on purpose (planted bugs:
// enforce failures only reported, MX matching skipped).
#include "sim/swarm/swarm_run.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using sts::test::covers;

std::string violations_of(const sts::sim::swarm_seed_result& r) {
    std::string out;
    for (const auto& v : r.violations) out += v.invariant + ": " + v.detail + "\n";
    return out;
}

// The first seed from 1 whose run breaks `invariant` with `bug` planted, or 0.
std::uint64_t first_seed_breaking(sts::core::planted_bug bug, const std::string& invariant, std::uint64_t seeds) {
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const auto r = sts::sim::run_swarm_seed(seed, bug);
        for (const auto& v : r.violations)
            if (v.invariant == invariant) return seed;
    }
    return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(swarm_run)

BOOST_AUTO_TEST_CASE(generated_seeds_keep_every_invariant) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const auto r = sts::sim::run_swarm_seed(seed);
        BOOST_TEST(r.passed(), "seed " << seed << ":\n" << violations_of(r));
    }
}

BOOST_AUTO_TEST_CASE(results_come_in_seed_order_with_several_threads) {
    std::vector<std::uint64_t> order;
    sts::sim::run_swarm(100, 6, 3, sts::core::planted_bug::none,
                        [&](const sts::sim::swarm_seed_result& r) { order.push_back(r.seed); });
    BOOST_TEST(order == (std::vector<std::uint64_t>{100, 101, 102, 103, 104, 105}));
}

BOOST_AUTO_TEST_CASE(enforce_treated_as_testing_is_caught_as_plaintext_under_enforce, *covers("STS-APPLY-09")) {
    BOOST_TEST(first_seed_breaking(sts::core::planted_bug::enforce_treated_as_testing, "plaintext", 300) != 0U);
}

BOOST_AUTO_TEST_CASE(skipped_mx_matching_is_caught_as_a_connection_to_an_unlisted_mx, *covers("STS-MX-01")) {
    BOOST_TEST(first_seed_breaking(sts::core::planted_bug::skip_mx_match, "unlisted_mx", 300) != 0U);
}

BOOST_AUTO_TEST_SUITE_END()
