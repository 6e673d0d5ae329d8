#include "engine/dns/query.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

using namespace sts::dns;

BOOST_AUTO_TEST_SUITE(dns_query)

BOOST_AUTO_TEST_CASE(query_encodes_to_the_bytes_dig_sends) {
    // dig +noedns _mta-sts.example.com TXT with ID 0x0a0b: RD set, one question.
    const std::vector<std::uint8_t> expected = {
        0x0a, 0x0b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
        8,    '_',  'm',  't',  'a',  '-',  's',  't',  's',                     //
        7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',  3,    'c',  'o',  'm', 0,  //
        0x00, 0x10, 0x00, 0x01,
    };
    const auto encoded = encode(make_query(0x0a0b, "_mta-sts.example.com", rr_type::txt));
    BOOST_TEST_REQUIRE(encoded.has_value());
    BOOST_TEST(*encoded == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dnssec_ok_query_carries_an_opt_record_with_the_do_bit) {
    const message q = make_query(7, "example.com", rr_type::mx, {.rd = false, .ad = true, .dnssec_ok = true});
    BOOST_TEST(dnssec_ok(q));
    const auto decoded = decode(*encode(q));
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST(dnssec_ok(*decoded));
    BOOST_TEST(decoded->header.ad);
    BOOST_TEST(!decoded->header.rd);
    BOOST_TEST_REQUIRE(decoded->additionals.size() == 1u);
    const record& opt = decoded->additionals[0];
    BOOST_TEST(opt.name == ".");
    BOOST_TEST((opt.type() == rr_type::opt));
    BOOST_TEST(static_cast<unsigned>(opt.rclass) == edns_udp_payload_bytes);
    BOOST_TEST(!dnssec_ok(make_query(7, "example.com", rr_type::mx)));
    BOOST_TEST(make_query(7, "example.com", rr_type::mx).additionals.empty());
}

BOOST_AUTO_TEST_CASE(response_echoes_id_question_and_request_bits) {
    const message q = make_query(0xBEEF, "Example.com", rr_type::tlsa, {.rd = true, .cd = true});
    const message r = make_response(q, rcode::nxdomain);
    BOOST_TEST(r.header.id == 0xBEEF);
    BOOST_TEST(r.header.qr);
    BOOST_TEST(r.header.rd);
    BOOST_TEST(r.header.cd);
    BOOST_TEST(!r.header.aa);
    BOOST_TEST(!r.header.ad);
    BOOST_TEST((r.header.rcode == rcode::nxdomain));
    BOOST_TEST((r.questions == q.questions));
    BOOST_TEST(r.answers.empty());
    BOOST_TEST(r.additionals.empty());
}

BOOST_AUTO_TEST_CASE(response_to_an_edns_query_echoes_opt_and_its_do_bit) {
    const message secure = make_response(make_query(1, "example.com", rr_type::a, {.dnssec_ok = true}));
    BOOST_TEST(dnssec_ok(secure));
    message plain_edns = make_query(1, "example.com", rr_type::a, {.dnssec_ok = true});
    plain_edns.additionals[0].ttl = 0;  // OPT present, DO clear
    const message echoed = make_response(plain_edns);
    BOOST_TEST_REQUIRE(echoed.additionals.size() == 1u);
    BOOST_TEST(!dnssec_ok(echoed));
}

BOOST_AUTO_TEST_SUITE_END()
