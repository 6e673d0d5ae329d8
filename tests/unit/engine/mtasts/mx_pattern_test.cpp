// Tests engine/mtasts/mx_pattern.hpp.
#include "engine/mtasts/mx_pattern.hpp"

#include "tests/support/covers.hpp"

#include <ostream>
#include <string>

namespace sts::mtasts {
// Lets BOOST_TEST print the values it compares; internal linkage, found by ADL.
[[maybe_unused]] static std::ostream& operator<<(std::ostream& os, mx_match m) { return os << to_string(m); }
}  // namespace sts::mtasts

using namespace sts::mtasts;

BOOST_AUTO_TEST_SUITE(mtasts_mx_pattern)

BOOST_AUTO_TEST_CASE(pattern_without_wildcard_matches_only_the_identical_name, *sts::test::covers("STS-MX-03")) {
    BOOST_TEST(match_mx_pattern("mail.example.com", "mail.example.com") == mx_match::exact);
    BOOST_TEST(!mx_pattern_matches("mail.example.com", "mail.example.com.evil.net"));
    BOOST_TEST(!mx_pattern_matches("mail.example.com", "sub.mail.example.com"));
    BOOST_TEST(!mx_pattern_matches("mail.example.com", "example.com"));
    BOOST_TEST(!mx_pattern_matches("mail.example.com", "evilmail.example.com"));
    BOOST_TEST(match_mx_pattern("mail.example.com", "example.com") == mx_match::no_match);
}

BOOST_AUTO_TEST_CASE(wildcard_matches_exactly_one_leftmost_label, *sts::test::covers("STS-MX-04")) {
    BOOST_TEST(match_mx_pattern("*.example.com", "mail.example.com") == mx_match::wildcard);
    BOOST_TEST(!mx_pattern_matches("*.example.com", "example.com"));
    BOOST_TEST(!mx_pattern_matches("*.example.com", "foo.bar.example.com"));
    BOOST_TEST(!mx_pattern_matches("*.example.com", "x.example.com.au"));
    BOOST_TEST(!mx_pattern_matches("*.example.com", "xexample.com"));
}

BOOST_AUTO_TEST_CASE(names_match_case_insensitively, *sts::test::covers("STS-MX-05")) {
    BOOST_TEST(match_mx_pattern("mx1.example.com", "MX1.Example.COM") == mx_match::exact);
    BOOST_TEST(match_mx_pattern("*.EXAMPLE.com", "mx1.example.com") == mx_match::wildcard);
    BOOST_TEST(match_mx_pattern("*.example.com", "MX1.EXAMPLE.COM") == mx_match::wildcard);
}

BOOST_AUTO_TEST_CASE(trailing_root_dot_of_the_mx_host_is_ignored, *sts::test::covers("STS-MX-06")) {
    BOOST_TEST(match_mx_pattern("mx1.example.com", "mx1.example.com.") == mx_match::exact);
    BOOST_TEST(match_mx_pattern("*.example.com", "mx1.example.com.") == mx_match::wildcard);
    // Only one dot is a root dot; a second leaves an empty label.
    BOOST_TEST(match_mx_pattern("mx1.example.com", "mx1.example.com..") == mx_match::invalid_host);
}

BOOST_AUTO_TEST_CASE(pattern_with_a_trailing_dot_is_invalid_and_never_matches,
                     *sts::test::covers("STS-MX-06", "STS-PARSE-05")) {
    BOOST_TEST(match_mx_pattern("mx1.example.com.", "mx1.example.com.") == mx_match::invalid_pattern);
    BOOST_TEST(!mx_pattern_matches("mx1.example.com.", "mx1.example.com"));
}

BOOST_AUTO_TEST_CASE(idn_names_match_only_as_a_labels, *sts::test::covers("STS-MX-07", "STS-PARSE-07")) {
    BOOST_TEST(match_mx_pattern("xn--bcher-kva.example", "xn--bcher-kva.example") == mx_match::exact);
    BOOST_TEST(match_mx_pattern("*.xn--bcher-kva.example", "mx.XN--BCHER-KVA.example") == mx_match::wildcard);
    // A U-label is never a valid pattern, nor a host that matches anything.
    BOOST_TEST(match_mx_pattern("b\xc3\xbc" "cher.example", "b\xc3\xbc" "cher.example") ==
               mx_match::invalid_pattern);
    BOOST_TEST(match_mx_pattern("xn--bcher-kva.example", "b\xc3\xbc" "cher.example") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("*.example", "b\xc3\xbc" "cher.example") == mx_match::invalid_host);
}

BOOST_AUTO_TEST_CASE(broad_wildcard_admits_any_single_label_host_under_it, *sts::test::covers("STS-MX-09")) {
    BOOST_TEST(mx_pattern_matches("*.example.com", "dhcp-123.example.com"));
    BOOST_TEST(mx_pattern_matches("*.example.com", "0.example.com"));
}

BOOST_AUTO_TEST_CASE(implicit_mx_matches_the_domain_itself, *sts::test::covers("STS-MX-10")) {
    BOOST_TEST(mx_pattern_matches("example.com", "example.com"));
    BOOST_TEST(!mx_pattern_matches("mail.example.com", "example.com"));
    BOOST_TEST(!mx_pattern_matches("*.example.com", "example.com"));
}

BOOST_AUTO_TEST_CASE(empty_labels_and_malformed_hosts_never_match) {
    BOOST_TEST(match_mx_pattern("*.example.com", ".example.com") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("mail.example.com", "mail..example.com") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("*.example.com", "*.example.com") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("*.example.com", "mx_1.example.com") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("*.example.com", "") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("*.example.com", ".") == mx_match::invalid_host);
    BOOST_TEST(match_mx_pattern("", "") == mx_match::invalid_pattern);
}

BOOST_AUTO_TEST_CASE(valid_patterns_are_a_domain_with_an_optional_wildcard_label,
                     *sts::test::covers("STS-PARSE-05")) {
    BOOST_TEST(is_valid_mx_pattern("mail.example.com"));
    BOOST_TEST(is_valid_mx_pattern("*.example.net"));
    BOOST_TEST(is_valid_mx_pattern("MAIL.Example.com"));
    BOOST_TEST(is_valid_mx_pattern("xn--bcher-kva.example"));
}

BOOST_AUTO_TEST_CASE(malformed_patterns_are_invalid, *sts::test::covers("STS-PARSE-05")) {
    for (const char* pattern : {"*mail.example.com", "mail.*.example.com", "*", "*.", "mx_1.example.com",
                                "mail.example.com.", "", "*.*.example.com", "**.example.com", ".example.com",
                                "mail..example.com", "-mail.example.com", "mail.example.com, b.example"}) {
        BOOST_TEST_CONTEXT("pattern " << pattern) {
            BOOST_TEST(!is_valid_mx_pattern(pattern));
            BOOST_TEST(match_mx_pattern(pattern, "mail.example.com") == mx_match::invalid_pattern);
        }
    }
}

BOOST_AUTO_TEST_CASE(pattern_over_the_name_length_limit_is_invalid) {
    const std::string long_name = std::string(63, 'a') + '.' + std::string(63, 'b') + '.' + std::string(63, 'c') +
                                  '.' + std::string(62, 'd');
    BOOST_TEST(!is_valid_mx_pattern(long_name));
    BOOST_TEST(!is_valid_mx_pattern("*." + long_name));
}

BOOST_AUTO_TEST_CASE(policy_allows_an_mx_host_when_any_pattern_matches, *sts::test::covers("STS-MX-01", "STS-PARSE-15")) {
    policy p;
    p.policy_mode = mode::enforce;
    p.mx_patterns = {"mx2.example.com", "*.backup.example.com", "mx3.example.com"};
    BOOST_TEST(policy_allows_mx(p, "mx2.example.com"));
    BOOST_TEST(policy_allows_mx(p, "b1.backup.example.com."));
    BOOST_TEST(policy_allows_mx(p, "MX3.example.com"));
    BOOST_TEST(!policy_allows_mx(p, "mx1.example.com"));
    BOOST_TEST(!policy_allows_mx(p, "backup.example.com"));
    BOOST_TEST(!policy_allows_mx(policy{}, "mx2.example.com"));
}

BOOST_AUTO_TEST_SUITE_END()
