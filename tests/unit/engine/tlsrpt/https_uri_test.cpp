// Tests engine/tlsrpt/https_uri.hpp: the https: rua URI the report poster accepts.
// The upload itself runs against the mock report endpoint in scenarios/tlsrpt/.
#include "engine/tlsrpt/https_uri.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using sts::tlsrpt::parse_https_uri;

BOOST_AUTO_TEST_SUITE(tlsrpt_https_uri)

BOOST_AUTO_TEST_CASE(host_path_and_default_port_are_split, *sts::test::covers("TLSRPT-03"))
{
    const auto uri = parse_https_uri("https://Reports.Example.TEST/v1/tlsrpt?x=1");
    BOOST_REQUIRE(uri.has_value());
    BOOST_TEST(uri->host == "reports.example.test");
    BOOST_TEST(!uri->port.has_value());
    BOOST_TEST(uri->target == "/v1/tlsrpt?x=1");
}

BOOST_AUTO_TEST_CASE(an_explicit_port_is_kept_and_an_empty_path_is_the_root) {
    const auto uri = parse_https_uri("HTTPS://reports.example.test:8443");
    BOOST_REQUIRE(uri.has_value());
    BOOST_TEST(*uri->port == 8443);
    BOOST_TEST(uri->target == "/");
}

BOOST_AUTO_TEST_CASE(a_query_without_a_path_gets_the_root_path) {
    const auto uri = parse_https_uri("https://r.example.test?id=7");
    BOOST_REQUIRE(uri.has_value());
    BOOST_TEST(uri->target == "/?id=7");
}

BOOST_AUTO_TEST_CASE(other_schemes_user_info_bad_ports_and_bad_hosts_are_refused) {
    for (const char* text : {"http://r.example.test/", "mailto:a@b.test", "https://user@r.example.test/",
                             "https://r.example.test:0/", "https://r.example.test:70000/", "https://r.example.test:x/",
                             "https://bad_host!/", "https:///path", "https://r.example.test/a b"}) {
        std::string why;
        BOOST_TEST(!parse_https_uri(text, &why).has_value(), text);
        BOOST_TEST(!why.empty(), text);
    }
}

BOOST_AUTO_TEST_CASE(the_reason_quotes_the_peer_text) {
    std::string why;
    BOOST_TEST(!parse_https_uri("ftp://x\x01y", &why).has_value());
    BOOST_TEST(why.find('\x01') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
