#include "engine/dns/message.hpp"

#include "engine/core/limits.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

namespace {

using sts::dns::decode;
using sts::dns::encode;
using sts::dns::message;
using sts::dns::record;
using sts::dns::rr_class;
using sts::dns::rr_type;
using bytes = std::vector<std::uint8_t>;

bytes wire(std::initializer_list<int> values) {
    bytes out;
    for (const int v : values) out.push_back(static_cast<std::uint8_t>(v));
    return out;
}

void append(bytes& out, const bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

void append_text(bytes& out, const std::string& text) { out.insert(out.end(), text.begin(), text.end()); }

// A header with ID 0x0001, flags 0 and the given section counts.
bytes header_with_counts(int qd, int an, int ns, int ar) {
    return wire({0x00, 0x01, 0x00, 0x00, qd >> 8, qd & 0xFF, an >> 8, an & 0xFF, ns >> 8, ns & 0xFF, ar >> 8,
                 ar & 0xFF});
}

// Type, class IN, TTL 0 and RDLENGTH, as they follow an owner name.
bytes record_fields(int type, int rdlength) {
    return wire({type >> 8, type & 0xFF, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, rdlength >> 8, rdlength & 0xFF});
}

// The error's 1-based byte offset, or 0 when decoding succeeded (which no caller expects).
std::size_t error_column(const bytes& input) {
    const auto decoded = decode(input);
    BOOST_TEST_REQUIRE(!decoded.has_value());
    BOOST_TEST_MESSAGE("rule: " << decoded.error().rule);
    return decoded.error().column;
}

std::string error_rule(const bytes& input) {
    const auto decoded = decode(input);
    BOOST_TEST_REQUIRE(!decoded.has_value());
    return decoded.error().rule;
}

// The rule and offset of a failed decode, for test messages (which Boost.Test builds even
// when the check passes, so this must not touch error() of a value).
std::string failure_text(const sts::core::result<message, sts::core::finding>& decoded) {
    if (decoded) return {};
    return decoded.error().rule + " at column " + std::to_string(decoded.error().column);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// dig +dnssec _mta-sts.example.com TXT, as a resolver answers it: the TXT record holds two
// character-strings and its owner is a pointer to the question name; OPT echoes DO=0.
const bytes mta_sts_txt_response = [] {
    bytes b = wire({0xBE, 0xEF, 0x81, 0xA0, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01});
    append(b, wire({8}));
    append_text(b, "_mta-sts");
    append(b, wire({7}));
    append_text(b, "example");
    append(b, wire({3}));
    append_text(b, "com");
    append(b, wire({0, 0x00, 0x10, 0x00, 0x01}));
    append(b, wire({0xC0, 0x0C, 0x00, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0E, 0x10, 0x00, 0x1D}));
    append(b, wire({16}));
    append_text(b, "v=STSv1; id=2024");
    append(b, wire({11}));
    append_text(b, "0101T000000");
    append(b, wire({0x00, 0x00, 0x29, 0x04, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}));
    return b;
}();

// example.com MX with two exchanges, each compressed as "mxN" + pointer to "example.com"
// in the question (offset 12), owners pointing there too. AA, RD and RA set.
const bytes mx_response = [] {
    bytes b = wire({0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00});
    append(b, wire({7}));
    append_text(b, "example");
    append(b, wire({3}));
    append_text(b, "com");
    append(b, wire({0, 0x00, 0x0F, 0x00, 0x01}));
    append(b, wire({0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x08, 0x00, 0x0A, 3}));
    append_text(b, "mx1");
    append(b, wire({0xC0, 0x0C}));
    append(b, wire({0xC0, 0x0C, 0x00, 0x0F, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2C, 0x00, 0x08, 0x00, 0x14, 3}));
    append_text(b, "mx2");
    append(b, wire({0xC0, 0x0C}));
    return b;
}();

message mx_model() {
    message m;
    m.header.id = 0x1234;
    m.header.qr = true;
    m.header.aa = true;
    m.header.rd = true;
    m.header.ra = true;
    m.questions.push_back({"example.com", rr_type::mx, rr_class::in});
    m.answers.push_back(record{"example.com", rr_class::in, 300, sts::dns::mx_rdata{10, "mx1.example.com"}});
    m.answers.push_back(record{"example.com", rr_class::in, 300, sts::dns::mx_rdata{20, "mx2.example.com"}});
    return m;
}

// One record of every typed RDATA and two raw ones, spread over the three record sections.
message every_type_model() {
    message m;
    m.header.id = 0xA55A;
    m.header.qr = true;
    m.header.ad = true;
    m.header.cd = true;
    m.header.rcode = sts::dns::rcode::nxdomain;
    m.questions.push_back({"_25._tcp.mx1.example.com", rr_type::tlsa, rr_class::in});
    m.answers = {
        record{"example.com", rr_class::in, 60, sts::dns::a_rdata{"192.0.2.1"}},
        record{"example.com", rr_class::in, 60, sts::dns::aaaa_rdata{"2001:db8::1"}},
        record{"example.com", rr_class::in, 60, sts::dns::mx_rdata{10, "mx1.example.com"}},
        record{"_mta-sts.example.com", rr_class::in, 60,
               sts::dns::txt_rdata{{"v=STSv1; id=1", "", std::string("bin\0\xff\"\\", 7)}}},
        record{"www.example.com", rr_class::in, 60, sts::dns::cname_rdata{"example.com"}},
        record{"_25._tcp.mx1.example.com", rr_class::in, 60,
               sts::dns::tlsa_rdata{3, 1, 1, {0xDE, 0xAD, 0xBE, 0xEF}}},
        record{"example.com", rr_class::in, 60, sts::dns::raw_rdata{static_cast<rr_type>(65280), {1, 2, 3}}},
    };
    m.authorities = {
        record{"example.com", rr_class::in, 3600, sts::dns::ns_rdata{"ns1.example.net"}},
        record{"example.com", rr_class::in, 3600,
               sts::dns::soa_rdata{"ns1.example.net", "hostmaster.example.com", 2024010101, 7200, 900, 1209600, 300}},
    };
    m.additionals = {
        record{".", static_cast<rr_class>(1232), 0x8000, sts::dns::raw_rdata{rr_type::opt, {}}},
    };
    return m;
}

// A message whose one answer's owner reaches the root through `pointers` compression
// pointers: the first answer's raw RDATA holds the root label and a backward chain of
// pointers, and the second answer's owner points at the last of them.
bytes pointer_chain(std::size_t pointers) {
    bytes b = header_with_counts(0, 2, 0, 0);
    const std::size_t rdata_at = 12 + 1 + 10;
    const int rdlength = static_cast<int>(1 + 2 * (pointers - 1));
    append(b, wire({0}));
    append(b, record_fields(0xFF00, rdlength));
    append(b, wire({0}));
    std::size_t previous = rdata_at;
    for (std::size_t i = 1; i < pointers; ++i) {
        const std::size_t here = b.size();
        append(b, wire({0xC0 | static_cast<int>(previous >> 8), static_cast<int>(previous & 0xFF)}));
        previous = here;
    }
    append(b, wire({0xC0 | static_cast<int>(previous >> 8), static_cast<int>(previous & 0xFF)}));
    append(b, record_fields(0xFF00, 0));
    return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_message)

BOOST_AUTO_TEST_CASE(every_record_type_round_trips_with_and_without_compression) {
    const message m = every_type_model();
    for (const bool compress : {true, false}) {
        const auto encoded = encode(m, {compress});
        BOOST_TEST_REQUIRE(encoded.has_value());
        const auto decoded = decode(*encoded);
        BOOST_TEST_REQUIRE(decoded.has_value(), failure_text(decoded));
        BOOST_TEST((*decoded == m));
        BOOST_TEST(decoded->answers.size() == 7u);
    }
}

BOOST_AUTO_TEST_CASE(compression_makes_the_message_shorter_and_is_only_used_when_asked) {
    const auto compressed = encode(mx_model(), {true});
    const auto plain = encode(mx_model(), {false});
    BOOST_TEST_REQUIRE(compressed.has_value());
    BOOST_TEST_REQUIRE(plain.has_value());
    BOOST_TEST(compressed->size() < plain->size());
    for (std::size_t i = 12; i < plain->size(); ++i) BOOST_TEST(((*plain)[i] & 0xC0) != 0xC0, "byte " << i);
}

BOOST_AUTO_TEST_CASE(mx_response_encodes_to_the_bytes_a_server_sends_with_pointers_to_the_question) {
    const auto encoded = encode(mx_model());
    BOOST_TEST_REQUIRE(encoded.has_value());
    BOOST_TEST(*encoded == mx_response, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(compressed_mx_response_decodes_to_exchanges_and_preferences) {
    const auto decoded = decode(mx_response);
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST((*decoded == mx_model()));
    const auto& mx = std::get<sts::dns::mx_rdata>(decoded->answers.at(1).data);
    BOOST_TEST(mx.preference == 20);
    BOOST_TEST(mx.exchange == "mx2.example.com");
}

BOOST_AUTO_TEST_CASE(mta_sts_txt_response_keeps_its_two_character_strings_apart) {
    const auto decoded = decode(mta_sts_txt_response);
    BOOST_TEST_REQUIRE(decoded.has_value(), failure_text(decoded));
    BOOST_TEST(decoded->header.id == 0xBEEF);
    BOOST_TEST(decoded->header.qr);
    BOOST_TEST(decoded->header.ad);
    BOOST_TEST(!decoded->header.aa);
    BOOST_TEST(decoded->questions.at(0).qname == "_mta-sts.example.com");
    BOOST_TEST((decoded->questions.at(0).qtype == rr_type::txt));
    const auto& answer = decoded->answers.at(0);
    BOOST_TEST(answer.name == "_mta-sts.example.com");
    BOOST_TEST(answer.ttl == 3600u);
    const auto& txt = std::get<sts::dns::txt_rdata>(answer.data);
    BOOST_TEST_REQUIRE(txt.strings.size() == 2u);
    BOOST_TEST(txt.strings[0] == "v=STSv1; id=2024");
    BOOST_TEST(txt.strings[1] == "0101T000000");
    BOOST_TEST_REQUIRE(decoded->additionals.size() == 1u);
    BOOST_TEST((decoded->additionals[0].type() == rr_type::opt));
    BOOST_TEST((decoded->additionals[0].rclass == static_cast<rr_class>(1232)));
}

BOOST_AUTO_TEST_CASE(header_flags_map_to_their_bits) {
    bytes b = header_with_counts(0, 0, 0, 0);
    b[2] = 0x82;  // QR, TC
    b[3] = 0x30;  // AD, CD
    auto decoded = decode(b);
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST(decoded->header.qr);
    BOOST_TEST(decoded->header.tc);
    BOOST_TEST(decoded->header.ad);
    BOOST_TEST(decoded->header.cd);
    BOOST_TEST(!decoded->header.rd);
    BOOST_TEST(!decoded->header.ra);
    BOOST_TEST(!decoded->header.aa);

    b[2] = 0x2D;  // opcode 5 (UPDATE), AA, RD
    b[3] = 0x85;  // RA, RCODE 5
    decoded = decode(b);
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST((decoded->header.opcode == sts::dns::opcode::update));
    BOOST_TEST(decoded->header.aa);
    BOOST_TEST(decoded->header.rd);
    BOOST_TEST(decoded->header.ra);
    BOOST_TEST(!decoded->header.tc);
    BOOST_TEST(!decoded->header.ad);
    BOOST_TEST((decoded->header.rcode == sts::dns::rcode::refused));
    const auto reencoded = encode(*decoded);
    BOOST_TEST_REQUIRE(reencoded.has_value());
    BOOST_TEST(*reencoded == b, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(names_differing_only_in_case_keep_their_case) {
    message m;
    m.questions.push_back({"Example.COM", rr_type::mx, rr_class::in});
    m.answers.push_back(record{"example.com", rr_class::in, 1, sts::dns::mx_rdata{1, "MX1.example.com"}});
    m.answers.push_back(record{"EXAMPLE.com", rr_class::in, 1, sts::dns::mx_rdata{2, "mx1.Example.COM"}});
    const auto encoded = encode(m);
    BOOST_TEST_REQUIRE(encoded.has_value());
    const auto decoded = decode(*encoded);
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST((*decoded == m));
}

BOOST_AUTO_TEST_CASE(trailing_root_dot_in_the_model_is_dropped_on_decode) {
    message m;
    m.questions.push_back({"example.com.", rr_type::a, rr_class::in});
    const auto decoded = decode(*encode(m));
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST(decoded->questions.at(0).qname == "example.com");
}

BOOST_AUTO_TEST_CASE(empty_and_short_messages_are_refused_at_the_header) {
    BOOST_TEST(error_column({}) == 1u);
    BOOST_TEST(contains(error_rule({}), "header"));
    bytes eleven = header_with_counts(0, 0, 0, 0);
    eleven.pop_back();
    BOOST_TEST(error_column(eleven) == 12u);
}

BOOST_AUTO_TEST_CASE(message_over_65535_bytes_is_refused_before_parsing) {
    bytes b = header_with_counts(0, 0, 0, 0);
    b.resize(65536);
    BOOST_TEST(contains(error_rule(b), "65535"));
    b.resize(65535);  // the largest message is parsed (and fails later, on trailing bytes)
    BOOST_TEST(contains(error_rule(b), "follow the last record"));
}

BOOST_AUTO_TEST_CASE(counts_the_remaining_bytes_cannot_hold_are_refused_at_the_count) {
    BOOST_TEST(error_column(header_with_counts(0, 1, 0, 0)) == 7u);
    BOOST_TEST(error_column(header_with_counts(1, 0, 0, 0)) == 5u);
    BOOST_TEST(error_column(header_with_counts(0, 0, 0, 0xFFFF)) == 11u);
    // Two questions of five bytes fit in ten bytes; an additional record on top does not.
    bytes b = header_with_counts(2, 0, 0, 1);
    append(b, wire({0, 0, 1, 0, 1, 0, 0, 1, 0, 1}));
    BOOST_TEST(error_column(b) == 11u);
}

BOOST_AUTO_TEST_CASE(counts_over_the_section_limit_are_refused_even_when_bytes_would_fit) {
    const auto over = static_cast<int>(sts::core::limits::dns_records_per_section_max + 1);
    bytes b = header_with_counts(over, 0, 0, 0);
    b.resize(b.size() + 5 * static_cast<std::size_t>(over), 0);
    BOOST_TEST(error_column(b) == 5u);
    BOOST_TEST(contains(error_rule(b), "limit"));
}

BOOST_AUTO_TEST_CASE(question_cut_short_before_its_type_is_refused) {
    bytes b = header_with_counts(1, 0, 0, 0);
    append(b, wire({0, 0, 1, 0, 1}));
    BOOST_TEST_REQUIRE(decode(b).has_value());
    b[12] = 1;  // now a name of two one-byte labels fills all five bytes
    b[14] = 1;
    b[16] = 0;
    BOOST_TEST(error_column(b) == 18u);
    BOOST_TEST(contains(error_rule(b), "QTYPE"));
}

BOOST_AUTO_TEST_CASE(rdata_running_past_the_message_is_refused_at_rdlength) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(1, 10));
    append(b, wire({192, 0, 2, 1}));
    BOOST_TEST(error_column(b) == 12u + 1 + 8 + 1);
    BOOST_TEST(contains(error_rule(b), "RDLENGTH 10"));
}

BOOST_AUTO_TEST_CASE(record_cut_short_before_rdlength_is_refused) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({3, 'a', 'b', 'c', 0}));
    bytes fields = record_fields(1, 0);
    fields.resize(6);  // TYPE, CLASS and half the TTL: eleven bytes, as many as the count needs
    append(b, fields);
    BOOST_TEST(error_column(b) == 18u);
    BOOST_TEST(contains(error_rule(b), "cut short before its RDATA"));
}

BOOST_AUTO_TEST_CASE(address_rdata_of_the_wrong_length_is_refused) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(1, 5));
    append(b, wire({192, 0, 2, 1, 7}));
    BOOST_TEST(error_column(b) == 24u);
    BOOST_TEST(contains(error_rule(b), "A RDATA must be 4 bytes, not 5"));

    bytes six = header_with_counts(0, 1, 0, 0);
    append(six, wire({0}));
    append(six, record_fields(28, 15));
    six.resize(six.size() + 15, 0);
    BOOST_TEST(contains(error_rule(six), "AAAA RDATA must be 16 bytes"));
}

BOOST_AUTO_TEST_CASE(rdata_longer_than_its_fields_is_refused) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(15, 5));
    append(b, wire({0, 10, 0, 0xAA, 0xBB}));  // preference, root exchange, two stray bytes
    BOOST_TEST(error_column(b) == 27u);
    BOOST_TEST(contains(error_rule(b), "2 bytes after its last field"));
}

BOOST_AUTO_TEST_CASE(name_in_rdata_may_not_run_past_rdlength) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(5, 3));
    append(b, wire({3, 'w', 'w', 'w', 0}));  // the CNAME needs five bytes, RDLENGTH says three
    BOOST_TEST(contains(error_rule(b), "past the end of its field"));
}

BOOST_AUTO_TEST_CASE(txt_string_running_past_the_rdata_is_refused) {
    bytes b = header_with_counts(0, 1, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(16, 4));
    append(b, wire({3, 'a', 'b', 'c'}));
    BOOST_TEST_REQUIRE(decode(b).has_value());
    b[b.size() - 4] = 4;
    BOOST_TEST(error_column(b) == 24u);
    BOOST_TEST(contains(error_rule(b), "TXT character-string of 4 bytes"));
}

BOOST_AUTO_TEST_CASE(empty_txt_and_short_tlsa_rdata_are_refused) {
    bytes txt = header_with_counts(0, 1, 0, 0);
    append(txt, wire({0}));
    append(txt, record_fields(16, 0));
    BOOST_TEST(contains(error_rule(txt), "no character-string"));

    bytes tlsa = header_with_counts(0, 1, 0, 0);
    append(tlsa, wire({0}));
    append(tlsa, record_fields(52, 2));
    append(tlsa, wire({3, 1}));
    BOOST_TEST(contains(error_rule(tlsa), "TLSA RDATA is cut short"));
}

BOOST_AUTO_TEST_CASE(label_length_64_is_a_reserved_label_type) {
    bytes b = header_with_counts(1, 0, 0, 0);
    append(b, wire({64}));
    b.resize(b.size() + 64, 'a');
    append(b, wire({0, 0, 1, 0, 1}));
    BOOST_TEST(error_column(b) == 13u);
    BOOST_TEST(contains(error_rule(b), "reserved label type"));
    b[12] = 0x80;
    BOOST_TEST(contains(error_rule(b), "reserved label type"));
}

BOOST_AUTO_TEST_CASE(name_of_255_bytes_is_accepted_and_256_refused) {
    const auto name_message = [](std::size_t last_label_bytes) {
        bytes b = header_with_counts(1, 0, 0, 0);
        for (int i = 0; i < 3; ++i) {
            append(b, wire({63}));
            b.resize(b.size() + 63, 'a');
        }
        b.push_back(static_cast<std::uint8_t>(last_label_bytes));
        b.resize(b.size() + last_label_bytes, 'b');
        append(b, wire({0, 0, 1, 0, 1}));
        return b;
    };
    const auto ok = decode(name_message(61));
    BOOST_TEST_REQUIRE(ok.has_value());
    BOOST_TEST(ok->questions.at(0).qname.size() == 253u);
    const bytes too_long = name_message(62);
    BOOST_TEST(error_column(too_long) == 12u + 255 + 1);
    BOOST_TEST(contains(error_rule(too_long), "longer than 255"));
}

BOOST_AUTO_TEST_CASE(forward_pointer_is_refused) {
    bytes b = header_with_counts(1, 0, 0, 0);
    append(b, wire({0xC0, 0x0E, 0, 0, 1, 0, 1}));
    BOOST_TEST(error_column(b) == 13u);
    BOOST_TEST(contains(error_rule(b), "does not point backwards"));
}

BOOST_AUTO_TEST_CASE(pointer_to_itself_is_refused) {
    bytes b = header_with_counts(1, 0, 0, 0);
    append(b, wire({0xC0, 0x0C, 0, 1, 0, 1}));
    BOOST_TEST(error_column(b) == 13u);
    BOOST_TEST(contains(error_rule(b), "does not point backwards"));
}

BOOST_AUTO_TEST_CASE(pointer_into_the_header_is_refused) {
    bytes b = header_with_counts(1, 0, 0, 0);
    append(b, wire({0xC0, 0x04, 0, 1, 0, 1}));
    BOOST_TEST(contains(error_rule(b), "into the header"));
}

BOOST_AUTO_TEST_CASE(two_pointer_loop_is_refused_at_the_pointer_that_goes_forward) {
    // Answer 1 (offset 12) has raw RDATA at offset 23 holding a pointer to offset 25;
    // answer 2's owner at offset 25 points back to 23: 25 -> 23 -> 25 -> ...
    bytes b = header_with_counts(0, 2, 0, 0);
    append(b, wire({0}));
    append(b, record_fields(0xFF00, 2));
    append(b, wire({0xC0, 25}));
    append(b, wire({0xC0, 23}));
    append(b, record_fields(0xFF00, 0));
    BOOST_TEST(error_column(b) == 24u);
    BOOST_TEST(contains(error_rule(b), "does not point backwards"));
}

BOOST_AUTO_TEST_CASE(pointer_chains_are_followed_up_to_the_limit_and_no_further) {
    const std::size_t max = sts::core::limits::dns_compression_pointers_max;
    const auto at_limit = decode(pointer_chain(max));
    BOOST_TEST_REQUIRE(at_limit.has_value(), failure_text(at_limit));
    BOOST_TEST(at_limit->answers.at(1).name == ".");
    BOOST_TEST(contains(error_rule(pointer_chain(max + 1)), "compression pointers"));
    BOOST_TEST(contains(error_rule(pointer_chain(100)), "compression pointers"));
}

BOOST_AUTO_TEST_CASE(bytes_after_the_last_record_are_refused) {
    bytes b = mx_response;
    b.push_back(0);
    BOOST_TEST(error_column(b) == mx_response.size() + 1);
    BOOST_TEST(contains(error_rule(b), "follow the last record"));
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_valid_response_is_refused) {
    for (const bytes* full : {&mx_response, &mta_sts_txt_response}) {
        for (std::size_t length = 0; length < full->size(); ++length) {
            const bytes cut(full->begin(), full->begin() + static_cast<std::ptrdiff_t>(length));
            BOOST_TEST(!decode(cut).has_value(), "length " << length);
        }
    }
}

BOOST_AUTO_TEST_CASE(model_values_the_wire_cannot_carry_fail_to_encode) {
    const auto fails = [](const record& r, const std::string& part) {
        message m;
        m.answers.push_back(r);
        const auto encoded = encode(m);
        BOOST_TEST_REQUIRE(!encoded.has_value());
        BOOST_TEST(contains(encoded.error().rule, part), encoded.error().rule);
    };
    fails(record{"a..b", rr_class::in, 0, sts::dns::a_rdata{"192.0.2.1"}}, "empty label");
    fails(record{"a", rr_class::in, 0, sts::dns::a_rdata{"192.0.2.256"}}, "IPv4");
    fails(record{"a", rr_class::in, 0, sts::dns::aaaa_rdata{"2001:db8::1::2"}}, "IPv6");
    fails(record{"a", rr_class::in, 0, sts::dns::txt_rdata{{std::string(256, 'x')}}}, "255");
    fails(record{"a", rr_class::in, 0, sts::dns::txt_rdata{}}, "at least one");
    fails(record{"a", rr_class::in, 0, sts::dns::mx_rdata{1, std::string(64, 'x')}}, "63");

    message big;
    for (int i = 0; i < 300; ++i) {
        big.answers.push_back(record{"a", rr_class::in, 0, sts::dns::txt_rdata{{std::string(255, 'x')}}});
    }
    const auto encoded = encode(big);
    BOOST_TEST_REQUIRE(!encoded.has_value());
    BOOST_TEST(contains(encoded.error().rule, "65535"));

    message bad_rcode;
    bad_rcode.header.rcode = static_cast<sts::dns::rcode>(16);
    BOOST_TEST(!encode(bad_rcode).has_value());
}

BOOST_AUTO_TEST_CASE(raw_rdata_lets_a_malformed_record_be_sent_and_decode_refuses_it) {
    message m;
    m.answers.push_back(record{"example.com", rr_class::in, 0, sts::dns::raw_rdata{rr_type::a, {1, 2, 3}}});
    const auto encoded = encode(m);
    BOOST_TEST_REQUIRE(encoded.has_value());
    BOOST_TEST(contains(error_rule(*encoded), "A RDATA must be 4 bytes, not 3"));
}

BOOST_AUTO_TEST_CASE(a_megabyte_of_random_bytes_is_an_error_value) {
    std::mt19937 random(20240101);
    bytes noise(1 << 20);
    for (auto& b : noise) b = static_cast<std::uint8_t>(random() & 0xFF);
    BOOST_TEST(!decode(noise).has_value());
    // Every 64 KiB window of it too: the largest size decode() parses at all.
    for (std::size_t start = 0; start + 65535 <= noise.size(); start += 65535) {
        BOOST_TEST(!decode(std::span(noise).subspan(start, 65535)).has_value(), "window at " << start);
    }
}

BOOST_AUTO_TEST_CASE(randomly_damaged_messages_fail_cleanly_or_round_trip) {
    // A small fixed-seed mutation run, so the unit tests exercise what the fuzzer checks:
    // damaged bytes either give a finding inside the input or a model that survives encode
    // and decode unchanged.
    const auto original = encode(every_type_model());
    BOOST_TEST_REQUIRE(original.has_value());
    std::mt19937 random(8461);
    std::size_t decoded_count = 0;
    std::size_t refused_count = 0;
    for (int round = 0; round < 20000; ++round) {
        bytes damaged = *original;
        const int flips = 1 + static_cast<int>(random() % 3);
        for (int i = 0; i < flips; ++i) {
            damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random() & 0xFF);
        }
        const auto decoded = decode(damaged);
        if (!decoded) {
            ++refused_count;
            BOOST_TEST_REQUIRE(decoded.error().column >= 1u);
            BOOST_TEST_REQUIRE(decoded.error().column <= damaged.size() + 1);
            continue;
        }
        ++decoded_count;
        const auto again = encode(*decoded);
        BOOST_TEST_REQUIRE(again.has_value());
        const auto redecoded = decode(*again);
        BOOST_TEST_REQUIRE(redecoded.has_value());
        BOOST_TEST_REQUIRE((*redecoded == *decoded));
    }
    BOOST_TEST_MESSAGE("damaged messages decoded: " << decoded_count << ", refused: " << refused_count);
    BOOST_TEST(decoded_count > 0u);
    BOOST_TEST(refused_count > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
