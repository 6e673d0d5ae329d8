// Tests engine/tlsrpt/a_label.hpp: domains in the A-label form TLS-RPT reports require.
#include "engine/tlsrpt/a_label.hpp"

#include "tests/support/covers.hpp"

#include <string>

using sts::tlsrpt::to_a_label_domain;

BOOST_AUTO_TEST_SUITE(tlsrpt_a_label)

BOOST_AUTO_TEST_CASE(ascii_names_are_lower_cased_and_lose_the_root_dot, *sts::test::covers("TLSRPT-23")) {
    BOOST_TEST((to_a_label_domain("Example.COM") == "example.com"));
    BOOST_TEST((to_a_label_domain("mx.example.com.") == "mx.example.com"));
    BOOST_TEST((to_a_label_domain("xn--bcher-kva.example") == "xn--bcher-kva.example"));
}

BOOST_AUTO_TEST_CASE(unicode_labels_become_punycode_a_labels, *sts::test::covers("TLSRPT-23", "TLSRPT-15")) {
    // Vectors checked against an independent Punycode encoder (Python's "punycode" codec).
    BOOST_TEST((to_a_label_domain("b\xC3\xBC" "cher.example") == "xn--bcher-kva.example"));
    BOOST_TEST((to_a_label_domain("B\xC3\xBC" "cher.example") == "xn--bcher-kva.example"));
    BOOST_TEST((to_a_label_domain("m\xC3\xBCnchen-ost.example") == "xn--mnchen-ost-9db.example"));
    BOOST_TEST((to_a_label_domain("\xE4\xBE\x8B\xE3\x81\x88.\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88") ==
                "xn--r8jz45g.xn--zckzah"));
}

BOOST_AUTO_TEST_CASE(names_that_cannot_be_a_domain_give_nothing) {
    BOOST_TEST(!to_a_label_domain("").has_value());
    BOOST_TEST(!to_a_label_domain(".").has_value());
    BOOST_TEST(!to_a_label_domain("a..b").has_value());
    BOOST_TEST(!to_a_label_domain("bad\xFF.example").has_value());      // not UTF-8
    BOOST_TEST(!to_a_label_domain("\xC0\xAF.example").has_value());     // overlong
    BOOST_TEST(!to_a_label_domain("\xED\xA0\x80.example").has_value());  // surrogate
    BOOST_TEST(!to_a_label_domain("under_score.example").has_value());
    BOOST_TEST(!to_a_label_domain(std::string(64, 'a') + ".example").has_value());
    BOOST_TEST(!to_a_label_domain(std::string(10'000'000, 'a')).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
