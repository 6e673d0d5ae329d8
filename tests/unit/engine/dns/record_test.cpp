#include "engine/dns/record.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace sts::dns;

BOOST_AUTO_TEST_SUITE(dns_record)

BOOST_AUTO_TEST_CASE(type_names_use_mnemonics_and_rfc_3597_otherwise) {
    BOOST_TEST(type_name(rr_type::txt) == "TXT");
    BOOST_TEST(type_name(rr_type::tlsa) == "TLSA");
    BOOST_TEST(type_name(rr_type::aaaa) == "AAAA");
    BOOST_TEST(type_name(static_cast<rr_type>(65280)) == "TYPE65280");
    BOOST_TEST(class_name(rr_class::in) == "IN");
    BOOST_TEST(class_name(static_cast<rr_class>(1232)) == "CLASS1232");
}

BOOST_AUTO_TEST_CASE(record_type_follows_its_rdata) {
    BOOST_TEST((type_of(mx_rdata{10, "mx.example"}) == rr_type::mx));
    BOOST_TEST((type_of(tlsa_rdata{}) == rr_type::tlsa));
    BOOST_TEST((type_of(raw_rdata{rr_type::ptr, {}}) == rr_type::ptr));
    const record r{"example.com", rr_class::in, 300, txt_rdata{{"x"}}};
    BOOST_TEST((r.type() == rr_type::txt));
}

BOOST_AUTO_TEST_CASE(txt_text_quotes_each_string_and_escapes_what_is_not_printable) {
    const txt_rdata txt{{"v=STSv1; id=1", std::string("a\"b\\c\0\n\xe9", 8), ""}};
    BOOST_TEST(rdata_to_text(txt) == R"("v=STSv1; id=1" "a\"b\\c\000\010\233" "")");
}

BOOST_AUTO_TEST_CASE(tlsa_text_is_three_numbers_and_upper_case_hex) {
    BOOST_TEST(rdata_to_text(tlsa_rdata{3, 1, 1, {0x0a, 0xbc, 0xff}}) == "3 1 1 0ABCFF");
    BOOST_TEST(rdata_to_text(tlsa_rdata{2, 0, 0, {}}) == "2 0 0");
}

BOOST_AUTO_TEST_CASE(other_rdata_text_matches_master_file_form) {
    BOOST_TEST(rdata_to_text(mx_rdata{10, "mx1.example.com"}) == "10 mx1.example.com");
    BOOST_TEST(rdata_to_text(a_rdata{"192.0.2.1"}) == "192.0.2.1");
    BOOST_TEST(rdata_to_text(raw_rdata{static_cast<rr_type>(99), {0x0a, 0, 0, 1}}) == "\\# 4 0A000001");
    BOOST_TEST(rdata_to_text(raw_rdata{rr_type::opt, {}}) == "\\# 0");
    BOOST_TEST(rdata_to_text(soa_rdata{"ns.example", "h.example", 1, 2, 3, 4, 5}) == "ns.example h.example 1 2 3 4 5");
    const record r{"_mta-sts.example.com", rr_class::in, 300, txt_rdata{{"v=STSv1; id=1"}}};
    BOOST_TEST(record_to_text(r) == R"(_mta-sts.example.com 300 IN TXT "v=STSv1; id=1")");
}

BOOST_AUTO_TEST_SUITE_END()
