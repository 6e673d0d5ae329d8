#include "engine/dns/name.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace {

using sts::dns::format_name;
using sts::dns::label_sequence;
using sts::dns::parse_name;
using bytes = std::vector<std::uint8_t>;

std::string rule_of(std::string_view text) {
    const auto parsed = parse_name(text);
    BOOST_TEST_REQUIRE(!parsed.has_value());
    return parsed.error().rule;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_name)

BOOST_AUTO_TEST_CASE(trailing_dot_is_optional_and_case_is_kept) {
    const auto plain = parse_name("MX1.Example.com");
    const auto absolute = parse_name("MX1.Example.com.");
    BOOST_TEST_REQUIRE(plain.has_value());
    BOOST_TEST_REQUIRE(absolute.has_value());
    BOOST_TEST((*plain == label_sequence{"MX1", "Example", "com"}));
    BOOST_TEST((*absolute == *plain));
    BOOST_TEST(format_name(*absolute) == "MX1.Example.com");
}

BOOST_AUTO_TEST_CASE(root_is_written_as_a_dot_or_as_nothing) {
    BOOST_TEST(parse_name(".")->empty());
    BOOST_TEST(parse_name("")->empty());
    BOOST_TEST(format_name({}) == ".");
}

BOOST_AUTO_TEST_CASE(escapes_put_any_byte_into_a_label) {
    const auto parsed = parse_name(R"(a\.b.\000\255\\x.\"q)");
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST_REQUIRE(parsed->size() == 3u);
    BOOST_TEST((*parsed)[0] == "a.b");
    BOOST_TEST((*parsed)[1] == std::string("\0\xff\\x", 4));
    BOOST_TEST((*parsed)[2] == "\"q");
}

BOOST_AUTO_TEST_CASE(formatting_escapes_unprintable_and_special_bytes) {
    BOOST_TEST(format_name({std::string("a b\0\x7f", 5), "c.d", "e\\;"}) == R"(a\032b\000\127.c\.d.e\\\;)");
    // ... and parsing the output gives the same labels back.
    const label_sequence odd = {std::string("\x01\x80 ()@$\"", 8), "_mta-sts"};
    const auto back = parse_name(format_name(odd));
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((*back == odd));
}

BOOST_AUTO_TEST_CASE(empty_labels_are_refused_with_their_position) {
    const auto parsed = parse_name("a..b");
    BOOST_TEST_REQUIRE(!parsed.has_value());
    BOOST_TEST(parsed.error().column == 3u);
    BOOST_TEST(rule_of(".a") == "domain name has an empty label");
    BOOST_TEST(rule_of("a..") == "domain name has an empty label");
}

BOOST_AUTO_TEST_CASE(label_of_63_bytes_is_accepted_and_64_refused) {
    BOOST_TEST(parse_name(std::string(63, 'a') + ".com").has_value());
    BOOST_TEST(rule_of(std::string(64, 'a') + ".com") == "label is longer than 63 bytes");
    // An escape counts as the one byte it stands for.
    BOOST_TEST(parse_name(std::string(62, 'a') + "\\046").has_value());
}

BOOST_AUTO_TEST_CASE(name_of_255_wire_bytes_is_accepted_and_256_refused) {
    const std::string label63(63, 'a');
    const std::string base = label63 + "." + label63 + "." + label63 + ".";
    BOOST_TEST(parse_name(base + std::string(61, 'b')).has_value());
    BOOST_TEST(rule_of(base + std::string(62, 'b')) == "domain name is longer than 255 bytes");
}

BOOST_AUTO_TEST_CASE(malformed_escapes_are_refused) {
    BOOST_TEST(rule_of("a\\") == "backslash at the end of a domain name");
    BOOST_TEST(rule_of("a\\25") == "\\DDD escape needs three digits");
    BOOST_TEST(rule_of("a\\2x5") == "\\DDD escape needs three digits");
    BOOST_TEST(rule_of("a\\256") == "\\DDD escape is above 255");
}

BOOST_AUTO_TEST_CASE(wire_form_is_length_prefixed_labels_ending_in_the_root) {
    const auto encoded = sts::dns::name_to_wire("mx.Example.");
    BOOST_TEST_REQUIRE(encoded.has_value());
    const bytes expected = {2, 'm', 'x', 7, 'E', 'x', 'a', 'm', 'p', 'l', 'e', 0};
    BOOST_TEST(*encoded == expected, boost::test_tools::per_element());
    const auto decoded = sts::dns::name_from_wire(expected);
    BOOST_TEST_REQUIRE(decoded.has_value());
    BOOST_TEST(*decoded == "mx.Example");
    BOOST_TEST(!sts::dns::name_to_wire("a..b").has_value());
}

BOOST_AUTO_TEST_CASE(standalone_wire_names_refuse_pointers_trailing_bytes_and_missing_root) {
    BOOST_TEST(!sts::dns::name_from_wire(bytes{1, 'a', 0xC0, 0x00}).has_value());
    const auto trailing = sts::dns::name_from_wire(bytes{1, 'a', 0, 7});
    BOOST_TEST_REQUIRE(!trailing.has_value());
    BOOST_TEST(trailing.error().column == 4u);
    BOOST_TEST(!sts::dns::name_from_wire(bytes{1, 'a'}).has_value());
    BOOST_TEST(!sts::dns::name_from_wire(bytes{}).has_value());
    BOOST_TEST(*sts::dns::name_from_wire(bytes{0}) == ".");
}

BOOST_AUTO_TEST_CASE(same_name_ignores_ascii_case_and_the_trailing_dot_only) {
    BOOST_TEST(sts::dns::same_name("MX1.Example.COM.", "mx1.example.com"));
    BOOST_TEST(sts::dns::same_name(".", ""));
    BOOST_TEST(!sts::dns::same_name("mx1.example.com", "mx1.example.co"));
    BOOST_TEST(!sts::dns::same_name("a.example", "a.b.example"));
    // Non-ASCII bytes are not case-folded (RFC 4343 §3).
    BOOST_TEST(!sts::dns::same_name("\\195\\137", "\\195\\169"));
    BOOST_TEST(!sts::dns::same_name("a..b", "a..b"));
}

BOOST_AUTO_TEST_CASE(writer_points_at_byte_identical_suffixes_only) {
    sts::dns::wire_writer writer(true);
    for (int i = 0; i < 12; ++i) writer.u8(0);  // a header's worth of bytes
    sts::dns::write_name(writer, {"mx1", "example", "com"});
    sts::dns::write_name(writer, {"mx2", "example", "com"});
    sts::dns::write_name(writer, {"mx2", "EXAMPLE", "com"});
    const bytes out = std::move(writer).release();
    const bytes expected_tail = {
        3, 'm', 'x', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,  // offset 12
        3, 'm', 'x', '2', 0xC0, 16,                                                   // "example.com" at 16
        3, 'm', 'x', '2', 7, 'E', 'X', 'A', 'M', 'P', 'L', 'E', 0xC0, 24,             // "com" at 24
    };
    BOOST_TEST(bytes(out.begin() + 12, out.end()) == expected_tail, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
