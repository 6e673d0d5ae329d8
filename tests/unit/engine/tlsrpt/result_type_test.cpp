// Tests engine/tlsrpt/result_type.hpp: the RFC 8460 §4.3 result type strings.
#include "engine/tlsrpt/result_type.hpp"

#include "tests/support/covers.hpp"

#include <set>
#include <string>
#include <string_view>

using sts::tlsrpt::result_type;

BOOST_AUTO_TEST_SUITE(tlsrpt_result_type)

BOOST_AUTO_TEST_CASE(every_result_type_round_trips_through_its_string) {
    for (const auto type : sts::tlsrpt::all_result_types) {
        const auto text = to_string(type);
        BOOST_TEST_CONTEXT(text) {
            const auto parsed = sts::tlsrpt::parse_result_type(text);
            BOOST_REQUIRE(parsed.has_value());
            BOOST_TEST((*parsed == type));
        }
    }
}

BOOST_AUTO_TEST_CASE(the_strings_are_exactly_the_eleven_rfc_8460_spellings) {
    // RFC 8460 §4.3.1, §4.3.2.1, §4.3.2.2, as listed in requirements.md §11.2.
    const std::set<std::string, std::less<>> rfc{
        "starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
        "certificate-not-trusted", "validation-failure",     "tlsa-invalid",
        "dnssec-invalid",         "dane-required",          "sts-policy-fetch-error",
        "sts-policy-invalid",     "sts-webpki-invalid"};
    std::set<std::string, std::less<>> ours;
    for (const auto type : sts::tlsrpt::all_result_types) ours.emplace(to_string(type));
    BOOST_TEST(ours == rfc, boost::test_tools::per_element());
    BOOST_TEST(sts::tlsrpt::all_result_types.size() == rfc.size());
}

BOOST_AUTO_TEST_CASE(enumerators_map_to_their_own_spelling) {
    BOOST_TEST(to_string(result_type::starttls_not_supported) == "starttls-not-supported");
    BOOST_TEST(to_string(result_type::sts_policy_fetch_error) == "sts-policy-fetch-error");
    BOOST_TEST(to_string(result_type::sts_webpki_invalid) == "sts-webpki-invalid");
    BOOST_TEST(to_string(result_type::dane_required) == "dane-required");
}

BOOST_AUTO_TEST_CASE(other_spellings_are_not_result_types) {
    for (const std::string_view text : {"", "STARTTLS-NOT-SUPPORTED", "starttls_not_supported",
                                        "sts-policy-fetch-error ", " tlsa-invalid", "certificate-expired\n",
                                        "sts-policy-fetch", "success"}) {
        BOOST_TEST_CONTEXT(text) { BOOST_TEST(!sts::tlsrpt::parse_result_type(text).has_value()); }
    }
}

BOOST_AUTO_TEST_SUITE_END()
