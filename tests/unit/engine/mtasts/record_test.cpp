// Tests engine/mtasts/record.hpp.
#include "engine/mtasts/record.hpp"

#include "engine/core/limits.hpp"
#include "tests/support/covers.hpp"

#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace sts::mtasts {
// Lets BOOST_TEST print the values it compares; internal linkage, found by ADL.
[[maybe_unused]] static std::ostream& operator<<(std::ostream& os, discovery_status s) { return os << to_string(s); }
}  // namespace sts::mtasts

using namespace sts::mtasts;
using sts::test::covers;

namespace {

using rrset = std::vector<std::vector<std::string>>;

// The requirement ids of the findings, in order.
std::vector<std::string> requirements_of(const sts::core::findings& fs) {
    std::vector<std::string> ids;
    for (const auto& f : fs) ids.push_back(f.requirement);
    return ids;
}

// Parses `text` expecting failure and returns the findings.
sts::core::findings invalid(std::string_view text) {
    auto parsed = parse_record(text);
    BOOST_REQUIRE_MESSAGE(!parsed.has_value(), "expected \"" << text << "\" to be invalid");
    return parsed.error();
}

// Parses `text` expecting success and returns the record.
sts_record valid(std::string_view text) {
    auto parsed = parse_record(text);
    // The message is built even on success, so it must not touch error() then.
    BOOST_REQUIRE_MESSAGE(parsed.has_value(), "expected \"" << text << "\" to be valid; first finding: "
                                                            << (parsed ? "" : parsed.error().front().rule));
    return parsed.value();
}

// The RRset made of one RR per record, each a single character-string.
discovery_result discover(std::initializer_list<std::string> records) {
    rrset set;
    for (const auto& r : records) set.push_back({r});
    return discover_record(set);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_record)

BOOST_AUTO_TEST_CASE(record_with_a_non_ascii_byte_is_invalid, *covers("STS-DISC-02")) {
    const auto fs = invalid("v=STSv1; id=a; x=\xc3\xa9");
    BOOST_REQUIRE_EQUAL(fs.size(), 1u);
    BOOST_TEST(fs[0].requirement == "STS-DISC-02");
    BOOST_TEST(fs[0].column == 18u);
    BOOST_TEST(fs[0].detail == "x=\\xc3\\xa9");
    BOOST_TEST(discover({"v=STSv1; id=a; x=\xc3\xa9"}).status == discovery_status::invalid_record);
}

BOOST_AUTO_TEST_CASE(non_ascii_byte_in_the_version_or_id_is_reported_as_non_ascii, *covers("STS-DISC-02")) {
    BOOST_TEST(requirements_of(invalid("v=STSv1\xff; id=a")) == std::vector<std::string>{"STS-DISC-02"});
    const auto fs = invalid("v=STSv1; id=a\x80");
    BOOST_TEST(fs.front().requirement == "STS-DISC-02");
    BOOST_TEST(fs.front().column == 14u);
}

BOOST_AUTO_TEST_CASE(record_without_an_id_is_invalid, *covers("STS-DISC-03")) {
    const auto fs = invalid("v=STSv1;");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-03"});
    BOOST_TEST(fs[0].column == 9u);
    BOOST_TEST(requirements_of(invalid("v=STSv1")) == std::vector<std::string>{"STS-DISC-03"});
    BOOST_TEST(requirements_of(invalid("v=STSv1; foo=bar")) == std::vector<std::string>{"STS-DISC-03"});
    // "v=STSv1;" passes the discovery filter, so it is the record, and it is invalid.
    BOOST_TEST(discover({"v=STSv1;"}).status == discovery_status::invalid_record);
}

BOOST_AUTO_TEST_CASE(version_with_other_case_is_not_a_version, *covers("STS-DISC-05")) {
    for (const char* text : {"V=STSv1; id=1", "v=stsv1; id=1", "v=STSV1; id=1"}) {
        BOOST_TEST_CONTEXT(text) {
            const auto fs = invalid(text);
            BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-05"});
            BOOST_TEST(fs[0].column == 1u);
            const auto d = discover({text});
            BOOST_TEST(d.status == discovery_status::no_record);
            BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-05"});
        }
    }
}

BOOST_AUTO_TEST_CASE(version_must_be_the_first_field, *covers("STS-DISC-05")) {
    const auto fs = invalid("id=1; v=STSv1");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-05"});
    BOOST_TEST(fs[0].column == 7u);
    BOOST_TEST(discover({"id=1; v=STSv1"}).status == discovery_status::no_record);
    BOOST_TEST(requirements_of(invalid(" v=STSv1; id=1")) == std::vector<std::string>{"STS-DISC-05"});
}

BOOST_AUTO_TEST_CASE(fields_after_the_version_may_come_in_any_order, *covers("STS-DISC-05", "STS-DISC-09")) {
    const auto r = valid("v=STSv1; ext=1; id=abc");
    BOOST_TEST(r.id == "abc");
    BOOST_REQUIRE_EQUAL(r.extensions.size(), 1u);
    BOOST_TEST(r.extensions[0].first == "ext");
    BOOST_TEST(r.extensions[0].second == "1");
    BOOST_TEST(discover({"v=STSv1; ext=1; id=abc"}).record->id == "abc");
}

BOOST_AUTO_TEST_CASE(id_of_32_characters_is_accepted, *covers("STS-DISC-06")) {
    const std::string id = "abcdefghijklmnopqrstuvwxyzABCD12";
    BOOST_REQUIRE_EQUAL(id.size(), 32u);
    BOOST_TEST(valid("v=STSv1; id=" + id).id == id);
}

BOOST_AUTO_TEST_CASE(id_of_33_characters_is_rejected, *covers("STS-DISC-06")) {
    const auto fs = invalid("v=STSv1; id=" + std::string(33, '7'));
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-06"});
    BOOST_TEST(fs[0].column == 45u);
}

BOOST_AUTO_TEST_CASE(id_with_a_hyphen_is_rejected, *covers("STS-DISC-06")) {
    const auto fs = invalid("v=STSv1; id=ab-1");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-06"});
    BOOST_TEST(fs[0].column == 15u);
    BOOST_TEST(fs[0].detail == "id=ab-1");
}

BOOST_AUTO_TEST_CASE(empty_id_is_rejected, *covers("STS-DISC-06")) {
    const auto fs = invalid("v=STSv1; id=");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-06"});
    BOOST_TEST(fs[0].column == 13u);
    BOOST_TEST(requirements_of(invalid("v=STSv1; id=;")) == std::vector<std::string>{"STS-DISC-06"});
}

BOOST_AUTO_TEST_CASE(upper_case_id_key_is_only_an_extension_so_the_id_is_missing,
                     *covers("STS-DISC-06", "STS-DISC-03")) {
    const auto fs = invalid("v=STSv1; ID=abc");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-03"});
}

BOOST_AUTO_TEST_CASE(delimiters_may_have_whitespace_around_the_semicolon, *covers("STS-DISC-07")) {
    BOOST_TEST(valid("v=STSv1;id=a").id == "a");
    BOOST_TEST(valid("v=STSv1;\tid=a;  ").id == "a");
    BOOST_TEST(valid("v=STSv1; id=a ;\tx=y\t; ").extensions.size() == 1u);
    BOOST_TEST(valid("v=STSv1; id=a;").id == "a");
}

BOOST_AUTO_TEST_CASE(trailing_whitespace_without_a_final_semicolon_is_invalid, *covers("STS-DISC-07")) {
    const auto fs = invalid("v=STSv1; id=a  ");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-07"});
    BOOST_TEST(fs[0].column == 14u);
    BOOST_TEST(discover({"v=STSv1; id=a  "}).status == discovery_status::invalid_record);
    BOOST_TEST(requirements_of(invalid("v=STSv1 ")) == (std::vector<std::string>{"STS-DISC-07", "STS-DISC-03"}));
}

BOOST_AUTO_TEST_CASE(empty_field_between_two_semicolons_is_invalid, *covers("STS-DISC-07")) {
    const auto fs = invalid("v=STSv1;; id=a");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-07"});
    BOOST_TEST(fs[0].column == 9u);
    BOOST_TEST(requirements_of(invalid("v=STSv1; id=a; ;")) == std::vector<std::string>{"STS-DISC-07"});
}

BOOST_AUTO_TEST_CASE(text_after_the_version_needs_a_semicolon_first, *covers("STS-DISC-07")) {
    const auto fs = invalid("v=STSv1 id=a");
    BOOST_TEST(fs[0].requirement == "STS-DISC-07");
    BOOST_TEST(fs[0].column == 9u);
}

BOOST_AUTO_TEST_CASE(extension_fields_are_kept_in_order_and_otherwise_ignored, *covers("STS-DISC-08", "STS-DISC-09")) {
    const auto r = valid("v=STSv1; id=a; foo_bar=baz; A.b-c_9=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~");
    BOOST_TEST(r.id == "a");
    BOOST_REQUIRE_EQUAL(r.extensions.size(), 2u);
    BOOST_TEST(r.extensions[0].first == "foo_bar");
    BOOST_TEST(r.extensions[0].second == "baz");
    BOOST_TEST(r.extensions[1].first == "A.b-c_9");
    BOOST_TEST(r.extensions[1].second == "!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~");
}

BOOST_AUTO_TEST_CASE(extension_with_an_empty_value_is_invalid, *covers("STS-DISC-08")) {
    const auto fs = invalid("v=STSv1; id=a; foo=");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-08"});
    BOOST_TEST(fs[0].column == 20u);
}

BOOST_AUTO_TEST_CASE(extension_value_with_a_space_is_invalid, *covers("STS-DISC-08")) {
    const auto fs = invalid("v=STSv1; id=a; foo=b c");
    BOOST_TEST(requirements_of(fs) == std::vector<std::string>{"STS-DISC-08"});
    BOOST_TEST(fs[0].column == 21u);
}

BOOST_AUTO_TEST_CASE(extension_names_follow_the_32_character_grammar, *covers("STS-DISC-08")) {
    BOOST_TEST(valid("v=STSv1; id=a; " + std::string(32, 'n') + "=v").extensions.size() == 1u);
    BOOST_TEST(requirements_of(invalid("v=STSv1; id=a; " + std::string(33, 'n') + "=v")) ==
               std::vector<std::string>{"STS-DISC-08"});
    for (const char* text : {"v=STSv1; id=a; _x=1", "v=STSv1; id=a; -x=1", "v=STSv1; id=a; =1",
                             "v=STSv1; id=a; x!=1", "v=STSv1; id=a; noequals", "v=STSv1; id=a; x=a=b",
                             "v=STSv1; id=a; x=\x7f", "v=STSv1; id=a; x=\x01"}) {
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(requirements_of(invalid(text)) == std::vector<std::string>{"STS-DISC-08"});
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_fields_change_nothing, *covers("STS-DISC-09")) {
    const auto plain = discover({"v=STSv1; id=a"});
    const auto with_future = discover({"v=STSv1; id=a; future=1"});
    BOOST_REQUIRE(plain.status == discovery_status::found);
    BOOST_REQUIRE(with_future.status == discovery_status::found);
    BOOST_TEST(plain.record->id == with_future.record->id);
}

BOOST_AUTO_TEST_CASE(every_bad_field_is_reported_with_its_column) {
    const auto fs = invalid("v=STSv1; id=a-b; x=; y=1; z");
    BOOST_TEST(requirements_of(fs) == (std::vector<std::string>{"STS-DISC-06", "STS-DISC-08", "STS-DISC-08"}));
    BOOST_TEST(fs[0].column == 14u);
    BOOST_TEST(fs[1].column == 20u);
    BOOST_TEST(fs[2].column == 27u);
}

BOOST_AUTO_TEST_CASE(records_not_beginning_with_the_version_are_set_aside, *covers("STS-DISC-10")) {
    const auto d = discover({"v=spf1 -all", "v=STSv1; id=a"});
    BOOST_REQUIRE(d.status == discovery_status::found);
    BOOST_TEST(d.record->id == "a");
    BOOST_REQUIRE_EQUAL(d.findings.size(), 1u);
    BOOST_TEST(d.findings[0].requirement == "STS-DISC-10");
    BOOST_TEST(d.findings[0].line == 1u);
}

BOOST_AUTO_TEST_CASE(two_sts_records_mean_no_available_policy, *covers("STS-DISC-11")) {
    const auto d = discover({"v=STSv1; id=a", "v=STSv1; id=b"});
    BOOST_TEST(d.status == discovery_status::multiple_records);
    BOOST_TEST(!d.record.has_value());
    BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-11"});
    // Two copies of the same record are still two records.
    BOOST_TEST(discover({"v=STSv1; id=a", "v=STSv1; id=a"}).status == discovery_status::multiple_records);
}

BOOST_AUTO_TEST_CASE(an_invalid_record_among_two_sts_records_still_counts, *covers("STS-DISC-11")) {
    BOOST_TEST(discover({"v=STSv1; id=a", "v=STSv1; id=a-b"}).status == discovery_status::multiple_records);
}

BOOST_AUTO_TEST_CASE(single_invalid_record_means_no_available_policy, *covers("STS-DISC-12")) {
    const auto d = discover({"v=spf1 -all", "v=STSv1; id=a b"});
    BOOST_TEST(d.status == discovery_status::invalid_record);
    BOOST_TEST(!d.record.has_value());
    BOOST_TEST(requirements_of(d.findings) == (std::vector<std::string>{"STS-DISC-10", "STS-DISC-06"}));
    BOOST_TEST(d.findings[1].line == 2u);
    BOOST_TEST(d.findings[1].column == 14u);
}

BOOST_AUTO_TEST_CASE(empty_rrset_means_no_record, *covers("STS-DISC-13")) {
    const auto d = discover_record(rrset{});
    BOOST_TEST(d.status == discovery_status::no_record);
    BOOST_TEST(d.findings.empty());
}

BOOST_AUTO_TEST_CASE(character_strings_are_joined_without_spaces, *covers("STS-DISC-14")) {
    const auto a = discover_record(rrset{{"v=STSv1; id=ab", "cd"}});
    BOOST_REQUIRE(a.status == discovery_status::found);
    BOOST_TEST(a.record->id == "abcd");
    const auto b = discover_record(rrset{{"v=STS", "v1; id=x"}});
    BOOST_REQUIRE(b.status == discovery_status::found);
    BOOST_TEST(b.record->id == "x");
    // Empty character-strings are legal on the wire and add nothing.
    const auto c = discover_record(rrset{{"", "v=STSv1;", "", " id=y", ""}});
    BOOST_REQUIRE(c.status == discovery_status::found);
    BOOST_TEST(c.record->id == "y");
}

BOOST_AUTO_TEST_CASE(every_split_into_character_strings_gives_the_same_record, *covers("STS-DISC-14")) {
    const std::string text = "v=STSv1; id=20240926T1; ext=x";
    const auto whole = discover_record(rrset{{text}});
    BOOST_REQUIRE(whole.status == discovery_status::found);
    for (std::size_t i = 0; i <= text.size(); ++i) {
        for (std::size_t j = i; j <= text.size(); ++j) {
            const auto split = discover_record(rrset{{text.substr(0, i), text.substr(i, j - i), text.substr(j)}});
            BOOST_TEST_CONTEXT("split at " << i << ", " << j) {
                BOOST_TEST(split.status == discovery_status::found);
                BOOST_TEST((split.record == whole.record));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(other_versions_do_not_pass_the_filter, *covers("STS-DISC-21")) {
    for (const char* text : {"v=STSv2; id=a", "v=STSv10; id=a"}) {
        BOOST_TEST_CONTEXT(text) {
            const auto d = discover({text});
            BOOST_TEST(d.status == discovery_status::no_record);
            BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-21"});
            BOOST_TEST(requirements_of(invalid(text)) == std::vector<std::string>{"STS-DISC-21"});
        }
    }
}

BOOST_AUTO_TEST_CASE(another_version_is_not_counted_against_the_stsv1_record, *covers("STS-DISC-21", "STS-DISC-10")) {
    // postfix-mta-sts-resolver filters on "v=STSv1" without ';' and so finds two records here.
    const auto d = discover({"v=STSv10; id=a", "v=STSv1; id=b"});
    BOOST_REQUIRE(d.status == discovery_status::found);
    BOOST_TEST(d.record->id == "b");
}

BOOST_AUTO_TEST_CASE(first_of_two_ids_wins_and_is_noted, *covers("STS-DISC-04")) {
    const auto ab = valid("v=STSv1; id=a; id=b");
    BOOST_TEST(ab.id == "a");
    BOOST_REQUIRE_EQUAL(ab.notes.size(), 1u);
    BOOST_TEST(ab.notes[0].requirement == "STS-DISC-04");
    BOOST_TEST(ab.notes[0].column == 16u);
    const auto ba = valid("v=STSv1; id=b; id=a");
    BOOST_TEST(ba.id == "b");
    BOOST_TEST(discover({"v=STSv1; id=b; x=1; id=a"}).record->id == "b");
}

BOOST_AUTO_TEST_CASE(a_later_malformed_id_still_makes_the_record_invalid, *covers("STS-DISC-06")) {
    BOOST_TEST(requirements_of(invalid("v=STSv1; id=a; id=b-c")) == std::vector<std::string>{"STS-DISC-06"});
}

BOOST_AUTO_TEST_CASE(whitespace_before_the_first_semicolon_parses_but_is_not_discovered,
                     *covers("STS-DISC-10", "STS-DISC-07")) {
    // Valid under the ABNF (sts-field-delim = *WSP ";" *WSP) ...
    BOOST_TEST(valid("v=STSv1 ;id=x").id == "x");
    // ... but the record does not begin with "v=STSv1;" (ambiguity A8).
    const auto d = discover({"v=STSv1 ;id=x"});
    BOOST_TEST(d.status == discovery_status::no_record);
    BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-10"});
    BOOST_TEST(d.findings[0].column == 8u);
    // So it is not counted against a well-formed record either.
    const auto two = discover({"v=STSv1 ;id=x", "v=STSv1; id=y"});
    BOOST_REQUIRE(two.status == discovery_status::found);
    BOOST_TEST(two.record->id == "y");
}

BOOST_AUTO_TEST_CASE(bare_version_without_semicolon_is_not_discovered, *covers("STS-DISC-10")) {
    const auto d = discover({"v=STSv1"});
    BOOST_TEST(d.status == discovery_status::no_record);
    BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-10"});
}

BOOST_AUTO_TEST_CASE(rrset_with_more_records_than_the_limit_is_refused_unparsed, *covers("STS-DISC-11")) {
    rrset set(sts::core::limits::txt_records_max, std::vector<std::string>{"v=spf1 -all"});
    BOOST_TEST(discover_record(set).status == discovery_status::no_record);
    set.push_back({"v=STSv1; id=a"});
    const auto d = discover_record(set);
    BOOST_TEST(d.status == discovery_status::oversized_rrset);
    BOOST_TEST(requirements_of(d.findings) == std::vector<std::string>{"STS-DISC-11"});
}

BOOST_AUTO_TEST_CASE(record_longer_than_the_limit_is_refused_unparsed) {
    const std::string padding(sts::core::limits::txt_record_bytes_max - 13, 'x');
    const auto at_limit = discover_record(rrset{{"v=STSv1; id=a", ";x=", padding.substr(3)}});
    BOOST_TEST(at_limit.status == discovery_status::found);
    const auto over = discover_record(rrset{{"v=STSv1; id=a", ";x=", padding.substr(2)}});
    BOOST_TEST(over.status == discovery_status::oversized_rrset);
    BOOST_TEST(over.findings.at(0).line == 1u);
    BOOST_TEST(!parse_record(std::string(sts::core::limits::txt_record_bytes_max + 1, 'v')).has_value());
}

BOOST_AUTO_TEST_CASE(findings_stop_at_the_limit) {
    std::string text = "v=STSv1; id=a";
    for (int i = 0; i < 30000; ++i) text += ";;";
    const auto fs = invalid(text);
    BOOST_TEST(fs.size() == sts::core::limits::txt_record_findings_max);
    BOOST_TEST(fs.back().rule.find("too many") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(peer_text_in_findings_is_escaped_and_capped) {
    const auto fs = invalid("v=STSv1; id=a; x=\x1b[31m" + std::string(1000, 'y') + " z");
    BOOST_REQUIRE(!fs.empty());
    BOOST_TEST(fs[0].detail.find('\x1b') == std::string::npos);
    BOOST_TEST(fs[0].detail.size() < 120u);
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_and_give_a_status) {
    std::mt19937 rng(20240926);
    const std::string alphabet = "v=STSid1;; \t=xX.-_\xc3\xa9\x00";
    for (int round = 0; round < 2000; ++round) {
        rrset set(rng() % 3 + 1);
        for (auto& rr : set) {
            rr.resize(rng() % 3 + 1);
            for (auto& s : rr) {
                const std::size_t n = rng() % 24;
                if (round % 2 == 0) s = "v=STSv1;";
                for (std::size_t k = 0; k < n; ++k) {
                    s += round % 4 < 2 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
                }
            }
        }
        const auto d = discover_record(set);
        BOOST_TEST((d.status == discovery_status::found) == d.record.has_value());
        if (d.status == discovery_status::invalid_record) BOOST_TEST(!d.findings.empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()
