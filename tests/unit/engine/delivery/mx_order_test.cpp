// Tests engine/delivery/mx_order.hpp: ascending preference, a seeded shuffle within equal
// preferences that is repeatable and depends on the seed and the domain, and duplicates.
#include "engine/delivery/mx_order.hpp"

#include "tests/support/covers.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

using sts::delivery::mx_candidate;
using sts::delivery::order_mx;

std::vector<std::string> hosts_of(const std::vector<mx_candidate>& v) {
    std::vector<std::string> out;
    for (const auto& c : v) out.push_back(c.host);
    return out;
}

std::vector<mx_candidate> six_equal() {
    return {{"a.example", 10}, {"b.example", 10}, {"c.example", 10},
            {"d.example", 10}, {"e.example", 10}, {"f.example", 10}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_mx_order)

BOOST_AUTO_TEST_CASE(lower_preference_comes_first_whatever_the_input_order,
                     *sts::test::covers("STS-MX-08", "DANE-16"))
{
    const auto ordered = order_mx({{"c.example", 30}, {"a.example", 10}, {"b.example", 20}}, "example", 1);
    BOOST_TEST(hosts_of(ordered) == (std::vector<std::string>{"a.example", "b.example", "c.example"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(equal_preferences_stay_behind_better_ones_for_every_seed, *sts::test::covers("DANE-16"))
{
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
        const auto ordered = order_mx({{"x.example", 20}, {"y.example", 20}, {"z.example", 5}}, "example", seed);
        BOOST_TEST(ordered.front().host == "z.example");
        BOOST_TEST(ordered[1].preference == 20);
        BOOST_TEST(ordered[2].preference == 20);
    }
}

BOOST_AUTO_TEST_CASE(the_same_seed_and_domain_give_the_same_order_for_any_input_order)
{
    auto input = six_equal();
    const auto first = hosts_of(order_mx(input, "example.com", 42));
    std::reverse(input.begin(), input.end());
    BOOST_TEST(hosts_of(order_mx(input, "example.com", 42)) == first, boost::test_tools::per_element());
    std::rotate(input.begin(), input.begin() + 2, input.end());
    BOOST_TEST(hosts_of(order_mx(input, "EXAMPLE.com", 42)) == first, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(equal_preferences_are_shuffled_by_seed_and_by_domain)
{
    // Over many seeds each of six hosts leads at least once, so the order is not fixed.
    std::set<std::string> leaders;
    std::set<std::vector<std::string>> orders;
    for (std::uint64_t seed = 0; seed < 300; ++seed) {
        const auto ordered = hosts_of(order_mx(six_equal(), "example.com", seed));
        leaders.insert(ordered.front());
        orders.insert(ordered);
    }
    BOOST_TEST(leaders.size() == 6u);
    BOOST_TEST(orders.size() > 100u);
    // Two domains sharing an MX set do not always get the same order under one seed.
    std::size_t differing = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string d = "d" + std::to_string(i) + ".example";
        if (hosts_of(order_mx(six_equal(), d, 7)) != hosts_of(order_mx(six_equal(), "example.com", 7))) ++differing;
    }
    BOOST_TEST(differing > 40u);
}

BOOST_AUTO_TEST_CASE(a_host_listed_twice_is_tried_once_at_its_best_preference)
{
    const auto ordered = order_mx({{"a.example", 30}, {"b.example", 20}, {"a.example", 10}}, "example", 3);
    BOOST_TEST(ordered.size() == 2u);
    BOOST_TEST(ordered[0].host == "a.example");
    BOOST_TEST(ordered[0].preference == 10);
    BOOST_TEST(ordered[1].host == "b.example");
}

BOOST_AUTO_TEST_CASE(an_empty_list_stays_empty)
{
    BOOST_TEST(order_mx({}, "example", 1).empty());
}

BOOST_AUTO_TEST_SUITE_END()
