// Tests engine/core/domain_name.hpp.
#include "engine/core/domain_name.hpp"

#include "tests/support/covers.hpp"

#include <string>

using namespace sts::core;

BOOST_AUTO_TEST_SUITE(core_domain_name)

BOOST_AUTO_TEST_CASE(lower_casing_touches_only_ascii_capitals) {
    BOOST_TEST(to_ascii_lower("MX1.Example.COM") == "mx1.example.com");
    BOOST_TEST(to_ascii_lower("a-Z_09.@[`{") == "a-z_09.@[`{");
    // Bytes of a UTF-8 "Ü" (0xC3 0x9C) stay as they are: no locale-dependent folding.
    BOOST_TEST(to_ascii_lower("\xc3\x9c") == "\xc3\x9c");
    BOOST_TEST(ascii_lower('Q') == 'q');
    BOOST_TEST(ascii_lower('\xc9') == '\xc9');
}

BOOST_AUTO_TEST_CASE(one_trailing_root_dot_is_stripped_and_no_more) {
    BOOST_TEST(strip_root_dot("mx.example.com.") == "mx.example.com");
    BOOST_TEST(strip_root_dot("mx.example.com") == "mx.example.com");
    BOOST_TEST(strip_root_dot("a..") == "a.");
    BOOST_TEST(strip_root_dot(".") == "");
    BOOST_TEST(strip_root_dot("") == "");
}

BOOST_AUTO_TEST_CASE(ldh_labels_are_letters_digits_and_inner_hyphens, *sts::test::covers("STS-PARSE-05")) {
    BOOST_TEST(is_ldh_label("a"));
    BOOST_TEST(is_ldh_label("9"));
    BOOST_TEST(is_ldh_label("dhcp-123"));
    BOOST_TEST(is_ldh_label("xn--bcher-kva"));
    BOOST_TEST(!is_ldh_label(""));
    BOOST_TEST(!is_ldh_label("-mx"));
    BOOST_TEST(!is_ldh_label("mx-"));
    BOOST_TEST(!is_ldh_label("mx_1"));
    BOOST_TEST(!is_ldh_label("*"));
    BOOST_TEST(!is_ldh_label("b\xc3\xbc" "cher"));
    BOOST_TEST(!is_ldh_label("mx 1"));
}

BOOST_AUTO_TEST_CASE(labels_of_63_characters_are_allowed_and_64_are_not) {
    BOOST_TEST(is_ldh_label(std::string(63, 'a')));
    BOOST_TEST(!is_ldh_label(std::string(64, 'a')));
    BOOST_TEST(is_ldh_domain(std::string(63, 'a') + ".example"));
    BOOST_TEST(!is_ldh_domain(std::string(64, 'a') + ".example"));
}

BOOST_AUTO_TEST_CASE(domains_are_at_most_253_characters_without_the_root_dot) {
    // Four labels of 63 plus three dots is 255; trim to exactly 253 and 254.
    std::string name = std::string(63, 'a') + '.' + std::string(63, 'b') + '.' + std::string(63, 'c') + '.' +
                       std::string(61, 'd');
    BOOST_REQUIRE_EQUAL(name.size(), 253u);
    BOOST_TEST(is_ldh_domain(name));
    BOOST_TEST(!is_ldh_domain(name + "d"));
}

BOOST_AUTO_TEST_CASE(domains_are_dot_separated_ldh_labels_without_empty_ones, *sts::test::covers("STS-PARSE-05")) {
    BOOST_TEST(is_ldh_domain("mail.example.com"));
    BOOST_TEST(is_ldh_domain("localhost"));
    BOOST_TEST(is_ldh_domain("MAIL.Example.com"));
    BOOST_TEST(is_ldh_domain("xn--bcher-kva.example"));
    BOOST_TEST(!is_ldh_domain(""));
    BOOST_TEST(!is_ldh_domain("."));
    BOOST_TEST(!is_ldh_domain("mail.example.com."));
    BOOST_TEST(!is_ldh_domain(".example.com"));
    BOOST_TEST(!is_ldh_domain("mail..example.com"));
    BOOST_TEST(!is_ldh_domain("mx_1.example.com"));
    BOOST_TEST(!is_ldh_domain("*.example.com"));
    BOOST_TEST(!is_ldh_domain("b\xc3\xbc" "cher.example"));
    BOOST_TEST(!is_ldh_domain(std::string("mail\0.example", 13)));
}

BOOST_AUTO_TEST_CASE(a_labels_are_recognised_by_their_ace_prefix_in_any_case) {
    BOOST_TEST(is_a_label("xn--bcher-kva"));
    BOOST_TEST(is_a_label("XN--bcher-kva"));
    BOOST_TEST(!is_a_label("xn--"));
    BOOST_TEST(!is_a_label("xn-bcher"));
    BOOST_TEST(!is_a_label("bücher"));
    BOOST_TEST(!is_a_label(""));
}

BOOST_AUTO_TEST_CASE(names_compare_equal_under_ascii_case_folding_only) {
    BOOST_TEST(equal_ignoring_case("MX1.Example.COM", "mx1.example.com"));
    BOOST_TEST(equal_ignoring_case("", ""));
    BOOST_TEST(!equal_ignoring_case("mx1.example.com", "mx1.example.com."));
    BOOST_TEST(!equal_ignoring_case("mx1", "mx2"));
    // 0xC9 and 0xE9 differ by 0x20 like 'A'/'a' but are not ASCII letters.
    BOOST_TEST(!equal_ignoring_case("\xc9", "\xe9"));
    BOOST_TEST(equal_ignoring_case("\xc9", "\xc9"));
}

BOOST_AUTO_TEST_SUITE_END()
