#include "engine/dns/address.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

// Parses IPv6 text and formats it again: RFC 5952's canonical form.
std::string canonical_ipv6(const std::string& text) {
    const auto parsed = sts::dns::parse_ipv6(text);
    BOOST_TEST_REQUIRE(parsed.has_value(), text);
    return sts::dns::format_ipv6(*parsed);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_address)

BOOST_AUTO_TEST_CASE(dotted_decimal_round_trips) {
    const auto parsed = sts::dns::parse_ipv4("192.0.2.255");
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST((*parsed == sts::dns::ipv4_bytes{192, 0, 2, 255}));
    BOOST_TEST(sts::dns::format_ipv4(*parsed) == "192.0.2.255");
    BOOST_TEST(sts::dns::format_ipv4({0, 0, 0, 0}) == "0.0.0.0");
}

BOOST_AUTO_TEST_CASE(ambiguous_or_malformed_ipv4_text_is_refused) {
    for (const char* text : {"192.0.2", "192.0.2.1.", "192.0.2.256", "192.0.02.1", "1.2.3.4 ", "", "1..2.3",
                             "1.2.3.1000", "a.b.c.d", "-1.2.3.4"}) {
        BOOST_TEST(!sts::dns::parse_ipv4(text).has_value(), text);
    }
}

BOOST_AUTO_TEST_CASE(ipv6_output_follows_rfc_5952) {
    // §4.2.1: shorten as much as possible.
    BOOST_TEST(canonical_ipv6("2001:db8:0:0:0:0:2:1") == "2001:db8::2:1");
    // §4.2.2: a single zero group is not shortened.
    BOOST_TEST(canonical_ipv6("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
    // §4.2.3: the longest run wins, and the first on a tie.
    BOOST_TEST(canonical_ipv6("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
    BOOST_TEST(canonical_ipv6("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
    // §4.1 and §4.3: no leading zeros, lower case.
    BOOST_TEST(canonical_ipv6("2001:0DB8:00AB:0000:0000:0000:0000:0001") == "2001:db8:ab::1");
    BOOST_TEST(canonical_ipv6("::") == "::");
    BOOST_TEST(canonical_ipv6("0::1") == "::1");
    BOOST_TEST(canonical_ipv6("1::") == "1::");
    // §5: IPv4-mapped addresses end in dotted decimal.
    BOOST_TEST(canonical_ipv6("0:0:0:0:0:ffff:c000:0201") == "::ffff:192.0.2.1");
    BOOST_TEST(canonical_ipv6("::1.2.3.4") == "::102:304");
}

BOOST_AUTO_TEST_CASE(malformed_ipv6_text_is_refused) {
    for (const char* text : {"", ":", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8",
                             "g::", "1.2.3.4::", "::1:", ":1::", "2001:db8::1%eth0", "::ffff:1.2.3", "::1.2.3.4:5",
                             "1:2:3:4:5:6:7:1.2.3.4"}) {
        BOOST_TEST(!sts::dns::parse_ipv6(text).has_value(), text);
    }
}

BOOST_AUTO_TEST_CASE(full_ipv6_with_ipv4_tail_is_accepted) {
    BOOST_TEST(canonical_ipv6("1:2:3:4:5:6:1.2.3.4") == "1:2:3:4:5:6:102:304");
}

BOOST_AUTO_TEST_SUITE_END()
