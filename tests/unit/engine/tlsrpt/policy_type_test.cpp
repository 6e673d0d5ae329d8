// Tests engine/tlsrpt/policy_type.hpp: the RFC 8460 §4.4 policy-type strings.
#include "engine/tlsrpt/policy_type.hpp"

#include "tests/support/covers.hpp"

#include <set>
#include <string>
#include <string_view>

BOOST_AUTO_TEST_SUITE(tlsrpt_policy_type)

BOOST_AUTO_TEST_CASE(policy_types_are_tlsa_sts_and_no_policy_found_and_round_trip,
                     *sts::test::covers("TLSRPT-23", "TLSRPT-32")) {
    const std::set<std::string, std::less<>> rfc{"tlsa", "sts", "no-policy-found"};
    std::set<std::string, std::less<>> ours;
    for (const auto type : sts::tlsrpt::all_policy_types) {
        const auto text = to_string(type);
        ours.emplace(text);
        const auto parsed = sts::tlsrpt::parse_policy_type(text);
        BOOST_REQUIRE(parsed.has_value());
        BOOST_TEST((*parsed == type));
    }
    BOOST_TEST(ours == rfc, boost::test_tools::per_element());
    BOOST_TEST(to_string(sts::tlsrpt::policy_type::no_policy_found) == "no-policy-found");
}

BOOST_AUTO_TEST_CASE(other_spellings_are_not_policy_types) {
    for (const std::string_view text : {"", "STS", "dane", "no_policy_found", "no-policy", "tlsa "}) {
        BOOST_TEST_CONTEXT(text) { BOOST_TEST(!sts::tlsrpt::parse_policy_type(text).has_value()); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
