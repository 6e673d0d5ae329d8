// Tests engine/mtasts/policy_parser.hpp: the RFC 8461 §3.2 policy grammar, the examples of
// requirements.md §3 (STS-PARSE-01..19), the choices of docs/interpretations.md "Policy
// files", the line numbers of the findings, and hostile bodies.
#include "engine/mtasts/policy_parser.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;
using sts::mtasts::mode;
using sts::mtasts::parse_policy;
using sts::mtasts::policy_parse_result;
using sts::test::covers;

namespace {

// The example policy of RFC 8461 §3.2.
constexpr std::string_view golden =
    "version: STSv1\n"
    "mode: enforce\n"
    "mx: mail.example.com\n"
    "mx: *.example.net\n"
    "mx: backupmx.example.com\n"
    "max_age: 604800\n";

// The lines joined with `terminator` after each one.
std::string body_of(std::initializer_list<std::string_view> lines,
                    std::string_view terminator = "\n") {
    std::string body;
    for (const std::string_view line : lines) {
        body += line;
        body += terminator;
    }
    return body;
}

// A valid enforce policy whose mode line (line 2) is `mode_line`.
std::string with_mode_line(std::string_view mode_line) {
    return body_of({"version: STSv1", mode_line, "mx: mail.example.com", "max_age: 86400"});
}

// A valid enforce policy whose max_age line (line 4) is `max_age_line`.
std::string with_max_age_line(std::string_view max_age_line) {
    return body_of({"version: STSv1", "mode: enforce", "mx: mail.example.com", max_age_line});
}

// A valid enforce policy whose only mx line (line 3) is `mx_line`.
std::string with_mx_line(std::string_view mx_line) {
    return body_of({"version: STSv1", "mode: enforce", mx_line, "max_age: 86400"});
}

// A valid enforce policy followed by `extra` as line 5.
std::string with_extra_line(std::string_view extra) {
    return body_of(
        {"version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400", extra});
}

bool has_finding(const sts::core::findings& found, std::string_view requirement,
                 std::size_t line) {
    return std::any_of(found.begin(), found.end(), [&](const sts::core::finding& f) {
        return f.requirement == requirement && f.line == line;
    });
}

// The body is invalid, and the only error is `requirement` on `line`.
void expect_single_error(const policy_parse_result& r, std::string_view requirement,
                         std::size_t line) {
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST_REQUIRE(r.errors.size() == 1u);
    BOOST_TEST(r.errors[0].requirement == requirement);
    BOOST_TEST(r.errors[0].line == line);
    BOOST_TEST(!r.errors[0].rule.empty());
}

std::vector<std::size_t> error_lines(const policy_parse_result& r) {
    std::vector<std::size_t> lines;
    for (const auto& e : r.errors) lines.push_back(e.line);
    return lines;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_policy_parser)

// --- STS-PARSE-01, -15: the example policy ----------------------------------------------

BOOST_AUTO_TEST_CASE(rfc_example_policy_parses_as_enforce_with_three_patterns,
                     *covers("STS-PARSE-01", "STS-PARSE-15")) {
    const auto r = parse_policy(golden);
    BOOST_TEST(r.errors.empty());
    BOOST_TEST(r.notes.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::enforce));
    BOOST_TEST(r.parsed->max_age.count() == 604800);
    const std::vector<std::string> patterns{"mail.example.com", "*.example.net",
                                            "backupmx.example.com"};
    BOOST_TEST(r.parsed->mx_patterns == patterns, boost::test_tools::per_element());
    const std::vector<std::string> strings{"version: STSv1",       "mode: enforce",
                                           "mx: mail.example.com", "mx: *.example.net",
                                           "mx: backupmx.example.com", "max_age: 604800"};
    BOOST_TEST(r.parsed->policy_strings == strings, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(policy_strings_keep_each_line_as_declared_including_extensions) {
    const auto r = parse_policy(with_extra_line("note: kept  ") + "\n");
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST_REQUIRE(r.parsed->policy_strings.size() == 5u);
    BOOST_TEST(r.parsed->policy_strings[4] == "note: kept  ");
}

BOOST_AUTO_TEST_CASE(line_without_colon_is_rejected_on_its_line, *covers("STS-PARSE-01")) {
    expect_single_error(parse_policy(with_extra_line("just some words")), "STS-PARSE-01", 5);
}

// --- STS-PARSE-02: version --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(lower_case_version_value_is_rejected, *covers("STS-PARSE-02")) {
    const auto r = parse_policy(
        body_of({"version: stsv1", "mode: enforce", "mx: mail.example.com", "max_age: 1"}));
    expect_single_error(r, "STS-PARSE-02", 1);
    BOOST_TEST(r.errors[0].column == 10u);
}

BOOST_AUTO_TEST_CASE(capitalised_version_key_is_an_extension_so_version_is_missing,
                     *covers("STS-PARSE-02", "STS-PARSE-08")) {
    const auto r = parse_policy(
        body_of({"Version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 1"}));
    expect_single_error(r, "STS-PARSE-08", 0);
    BOOST_TEST(r.errors[0].rule.find("version") != std::string::npos);
}

// --- STS-PARSE-03: mode -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(each_defined_mode_value_is_parsed, *covers("STS-PARSE-03")) {
    for (const auto& [text, want] : {std::pair{"mode: enforce", mode::enforce},
                                     std::pair{"mode: testing", mode::testing},
                                     std::pair{"mode: none", mode::none}}) {
        BOOST_TEST_CONTEXT(text) {
            const auto r = parse_policy(with_mode_line(text));
            BOOST_TEST(r.errors.empty());
            BOOST_TEST_REQUIRE(r.parsed.has_value());
            BOOST_TEST((r.parsed->policy_mode == want));
        }
    }
}

BOOST_AUTO_TEST_CASE(mode_with_other_case_old_draft_value_or_punctuation_is_rejected,
                     *covers("STS-PARSE-03")) {
    for (const char* line : {"mode: Enforce", "mode: report", "mode: enforce;", "mode: ENFORCE",
                             "mode: enforce testing", "mode:"}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(with_mode_line(line)), "STS-PARSE-03", 2);
        }
    }
}

// --- STS-PARSE-04: max_age --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(max_age_of_exactly_one_year_is_accepted_without_note,
                     *covers("STS-PARSE-04")) {
    const auto r = parse_policy(with_max_age_line("max_age: 31557600"));
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST(r.parsed->max_age.count() == 31557600);
    BOOST_TEST(r.notes.empty());
}

BOOST_AUTO_TEST_CASE(max_age_with_leading_zeros_is_accepted, *covers("STS-PARSE-04")) {
    const auto r = parse_policy(with_max_age_line("max_age: 0000086400"));
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST(r.parsed->max_age.count() == 86400);
}

BOOST_AUTO_TEST_CASE(max_age_that_is_not_one_to_ten_digits_is_rejected,
                     *covers("STS-PARSE-04")) {
    for (const char* line : {"max_age: -1", "max_age: 1e5", "max_age: 86400s", "max_age:",
                             "max_age: 12345678901", "max_age: +86400", "max_age: 86 400",
                             "max_age: 0x10"}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(with_max_age_line(line)), "STS-PARSE-04", 4);
        }
    }
}

BOOST_AUTO_TEST_CASE(max_age_above_one_year_is_clamped_to_one_year_with_a_note,
                     *covers("STS-PARSE-04")) {
    for (const char* line : {"max_age: 31557601", "max_age: 9999999999"}) {
        BOOST_TEST_CONTEXT(line) {
            const auto r = parse_policy(with_max_age_line(line));
            BOOST_TEST(r.errors.empty());
            BOOST_TEST_REQUIRE(r.parsed.has_value());
            BOOST_TEST(r.parsed->max_age.count() == 31557600);
            BOOST_TEST_REQUIRE(r.notes.size() == 1u);
            BOOST_TEST(r.notes[0].requirement == "STS-PARSE-04");
            BOOST_TEST(r.notes[0].line == 4u);
            // The TLS-RPT policy string still says what the publisher wrote.
            BOOST_TEST(r.parsed->policy_strings[3] == line);
        }
    }
}

BOOST_AUTO_TEST_CASE(max_age_zero_is_valid_with_a_note, *covers("STS-PARSE-04")) {
    const auto r = parse_policy(with_max_age_line("max_age: 0"));
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST(r.parsed->max_age.count() == 0);
    BOOST_TEST(has_finding(r.notes, "STS-PARSE-04", 4));
}

// --- STS-PARSE-05, -06, -07: mx patterns ------------------------------------------------

BOOST_AUTO_TEST_CASE(host_names_and_leftmost_wildcards_are_valid_patterns,
                     *covers("STS-PARSE-05")) {
    for (const char* line : {"mx: mail.example.com", "mx: *.example.net", "mx: localhost",
                             "mx: a-b.example", "mx: 1mx.example.com", "mx:mail.example.com"}) {
        BOOST_TEST_CONTEXT(line) {
            const auto r = parse_policy(with_mx_line(line));
            BOOST_TEST(r.errors.empty());
            BOOST_TEST(r.parsed.has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(patterns_are_lower_cased, *covers("STS-PARSE-05")) {
    const auto r = parse_policy(with_mx_line("mx: *.MAIL.Example.COM"));
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST_REQUIRE(r.parsed->mx_patterns.size() == 1u);
    BOOST_TEST(r.parsed->mx_patterns[0] == "*.mail.example.com");
}

BOOST_AUTO_TEST_CASE(misplaced_wildcards_underscores_and_bad_labels_are_invalid_patterns,
                     *covers("STS-PARSE-05")) {
    const std::string long_label(64, 'a');
    const std::string long_line = "mx: " + long_label + ".example";
    for (const std::string& line : std::vector<std::string>{
             "mx: *mail.example.com", "mx: mail.*.example.com", "mx: *", "mx: *.", "mx: **.example",
          "mx: *.*.example.com", "mx: mx_1.example.com", "mx: -mx.example.com",
          "mx: mx-.example.com", "mx: a..example", "mx: .example.com", "mx:", long_line}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(with_mx_line(line)), "STS-PARSE-05", 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(pattern_with_trailing_dot_is_invalid, *covers("STS-PARSE-05")) {
    const auto r = parse_policy(with_mx_line("mx: mail.example.com."));
    expect_single_error(r, "STS-PARSE-05", 3);
    BOOST_TEST(r.errors[0].column == 21u);
}

BOOST_AUTO_TEST_CASE(comma_or_space_separated_lists_are_not_split_but_rejected,
                     *covers("STS-PARSE-06")) {
    for (const char* line : {"mx: a.example, b.example", "mx: a.example b.example",
                             "mx: a.example,b.example", "mx: a.example\tb.example"}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(with_mx_line(line)), "STS-PARSE-06", 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_label_pattern_is_kept_and_u_label_pattern_is_rejected,
                     *covers("STS-PARSE-07", "STS-PARSE-17")) {
    const auto a_label = parse_policy(with_mx_line("mx: xn--bcher-kva.example"));
    BOOST_TEST_REQUIRE(a_label.parsed.has_value());
    BOOST_TEST(a_label.parsed->mx_patterns.at(0) == "xn--bcher-kva.example");

    const auto u_label = parse_policy(with_mx_line("mx: b\xC3\xBC" "cher.example"));
    expect_single_error(u_label, "STS-PARSE-07", 3);
    BOOST_TEST(u_label.errors[0].column == 6u);
}

// --- STS-PARSE-08: required fields ------------------------------------------------------

BOOST_AUTO_TEST_CASE(policy_without_version_mode_or_max_age_is_rejected,
                     *covers("STS-PARSE-08")) {
    for (const auto& [body, missing] :
         {std::pair{body_of({"mode: enforce", "mx: a.example", "max_age: 1"}), "version"},
          std::pair{body_of({"version: STSv1", "mx: a.example", "max_age: 1"}), "mode"},
          std::pair{body_of({"version: STSv1", "mode: enforce", "mx: a.example"}), "max_age"}}) {
        BOOST_TEST_CONTEXT(missing) {
            const auto r = parse_policy(body);
            expect_single_error(r, "STS-PARSE-08", 0);
            BOOST_TEST(r.errors[0].rule.find(missing) != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(enforce_or_testing_without_mx_is_rejected, *covers("STS-PARSE-08")) {
    for (const char* line : {"mode: enforce", "mode: testing"}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(body_of({"version: STSv1", line, "max_age: 1"})),
                                "STS-PARSE-08", 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(mode_none_without_mx_is_valid, *covers("STS-PARSE-08")) {
    const auto r = parse_policy(body_of({"version: STSv1", "mode: none", "max_age: 86400"}));
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::none));
    BOOST_TEST(r.parsed->mx_patterns.empty());
}

BOOST_AUTO_TEST_CASE(empty_body_lacks_every_required_field, *covers("STS-PARSE-08")) {
    const auto r = parse_policy("");
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST(r.errors.size() == 3u);
    for (const auto& e : r.errors) BOOST_TEST(e.requirement == "STS-PARSE-08");
}

BOOST_AUTO_TEST_CASE(invalid_mx_line_is_reported_once_not_again_as_missing_mx,
                     *covers("STS-PARSE-08")) {
    expect_single_error(parse_policy(with_mx_line("mx: a,b")), "STS-PARSE-06", 3);
}

// --- STS-PARSE-09: line terminators -----------------------------------------------------

BOOST_AUTO_TEST_CASE(lf_crlf_mixed_and_unterminated_bodies_give_the_same_policy,
                     *covers("STS-PARSE-09")) {
    const auto reference = parse_policy(golden);
    BOOST_TEST_REQUIRE(reference.parsed.has_value());
    std::string crlf = body_of({"version: STSv1", "mode: enforce", "mx: mail.example.com",
                                "mx: *.example.net", "mx: backupmx.example.com",
                                "max_age: 604800"},
                               "\r\n");
    const std::string mixed =
        "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmx: *.example.net\n"
        "mx: backupmx.example.com\r\nmax_age: 604800";
    std::string unterminated_lf(golden);
    unterminated_lf.pop_back();
    std::string unterminated_crlf = crlf;
    unterminated_crlf.resize(crlf.size() - 2);
    for (const std::string& body : {crlf, mixed, unterminated_lf, unterminated_crlf}) {
        BOOST_TEST_CONTEXT(sts::core::quote_peer_text(body)) {
            const auto r = parse_policy(body);
            BOOST_TEST(r.errors.empty());
            BOOST_TEST(r.notes.empty());
            BOOST_TEST_REQUIRE(r.parsed.has_value());
            BOOST_TEST((*r.parsed == *reference.parsed));
        }
    }
}

BOOST_AUTO_TEST_CASE(bare_cr_only_body_is_rejected, *covers("STS-PARSE-09")) {
    const auto r = parse_policy(body_of(
        {"version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 86400"}, "\r"));
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST_REQUIRE(!r.errors.empty());
    BOOST_TEST(r.errors[0].requirement == "STS-PARSE-09");
    BOOST_TEST(r.errors[0].line == 1u);
    BOOST_TEST(r.errors[0].column == 15u);
}

BOOST_AUTO_TEST_CASE(body_ending_in_cr_without_its_lf_is_rejected_on_the_last_line,
                     *covers("STS-PARSE-09")) {
    // A CRLF cut before its LF: the lone CR is not a terminator.
    std::string body(golden);
    body.back() = '\r';
    const auto r = parse_policy(body);
    expect_single_error(r, "STS-PARSE-09", 6);
    BOOST_TEST(r.errors[0].column == 16u);
}

BOOST_AUTO_TEST_CASE(bare_cr_inside_a_line_is_rejected, *covers("STS-PARSE-09")) {
    expect_single_error(parse_policy(with_extra_line("note: a\rb")), "STS-PARSE-09", 5);
}

// --- STS-PARSE-10, -11: whitespace ------------------------------------------------------

BOOST_AUTO_TEST_CASE(colon_may_be_followed_by_any_whitespace_or_none,
                     *covers("STS-PARSE-10")) {
    for (const char* line : {"mode:enforce", "mode:   enforce", "mode:\t\tenforce"}) {
        BOOST_TEST_CONTEXT(line) {
            const auto r = parse_policy(with_mode_line(line));
            BOOST_TEST(r.errors.empty());
            BOOST_TEST_REQUIRE(r.parsed.has_value());
            BOOST_TEST((r.parsed->policy_mode == mode::enforce));
        }
    }
}

BOOST_AUTO_TEST_CASE(whitespace_before_the_colon_is_rejected_at_its_column,
                     *covers("STS-PARSE-10")) {
    const auto r = parse_policy(with_mode_line("mode : enforce"));
    // The line is still read as the mode, so "no mode" is not reported as well.
    expect_single_error(r, "STS-PARSE-10", 2);
    BOOST_TEST(r.errors[0].column == 5u);
}

BOOST_AUTO_TEST_CASE(trailing_whitespace_after_a_field_is_allowed, *covers("STS-PARSE-11")) {
    const auto r = parse_policy(body_of(
        {"version: STSv1 ", "mode: enforce  ", "mx: mail.example.com\t", "max_age: 86400 \t"}));
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST(r.parsed->mx_patterns.at(0) == "mail.example.com");
    BOOST_TEST(r.parsed->max_age.count() == 86400);
}

BOOST_AUTO_TEST_CASE(leading_whitespace_is_rejected, *covers("STS-PARSE-11")) {
    for (const char* line : {" mode: enforce", "\tmode: enforce"}) {
        BOOST_TEST_CONTEXT(line) {
            expect_single_error(parse_policy(with_mode_line(line)), "STS-PARSE-11", 2);
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_or_whitespace_line_between_fields_is_rejected,
                     *covers("STS-PARSE-11")) {
    for (const char* blank : {"", " ", "\t"}) {
        BOOST_TEST_CONTEXT("blank line '" << blank << "'") {
            const auto r = parse_policy(
                body_of({"version: STSv1", "mode: enforce", blank, "mx: a.example", "max_age: 1"}));
            expect_single_error(r, "STS-PARSE-11", 3);
        }
    }
}

BOOST_AUTO_TEST_CASE(empty_line_before_the_first_field_is_rejected, *covers("STS-PARSE-11")) {
    expect_single_error(parse_policy("\n" + std::string(golden)), "STS-PARSE-11", 1);
}

BOOST_AUTO_TEST_CASE(empty_lines_at_the_end_of_the_body_are_tolerated_with_one_note,
                     *covers("STS-PARSE-11")) {
    for (const std::string& tail : {std::string("\n"), std::string("\n\n\n"),
                                    std::string("\r\n\r\n")}) {
        BOOST_TEST_CONTEXT(sts::core::quote_peer_text(tail)) {
            const auto r = parse_policy(std::string(golden) + tail);
            BOOST_TEST(r.errors.empty());
            BOOST_TEST_REQUIRE(r.parsed.has_value());
            BOOST_TEST(r.parsed->policy_strings.size() == 6u);
            BOOST_TEST_REQUIRE(r.notes.size() == 1u);
            BOOST_TEST(r.notes[0].requirement == "STS-PARSE-11");
            BOOST_TEST(r.notes[0].line == 7u);
        }
    }
}

BOOST_AUTO_TEST_CASE(whitespace_line_at_the_end_of_the_body_is_rejected,
                     *covers("STS-PARSE-11")) {
    expect_single_error(parse_policy(std::string(golden) + " \n"), "STS-PARSE-11", 7);
}

// --- STS-PARSE-12, -13, -19: extensions -------------------------------------------------

BOOST_AUTO_TEST_CASE(extension_with_utf8_value_is_accepted_and_ignored,
                     *covers("STS-PARSE-12", "STS-PARSE-13")) {
    const auto plain = parse_policy(golden);
    const auto r = parse_policy(std::string(golden) + "note: hello w\xC3\xB6rld\n");
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == plain.parsed->policy_mode));
    BOOST_TEST(r.parsed->mx_patterns == plain.parsed->mx_patterns);
    BOOST_TEST(r.parsed->max_age == plain.parsed->max_age);
}

BOOST_AUTO_TEST_CASE(extension_values_with_three_and_four_byte_utf8_are_accepted,
                     *covers("STS-PARSE-12")) {
    for (const char* line : {"note: \xE2\x82\xAC 5", "note: \xF0\x9F\x98\x80", "note: a  b",
                             "note: \xED\x9F\xBF", "note: \xF4\x8F\xBF\xBF"}) {
        BOOST_TEST_CONTEXT(sts::core::quote_peer_text(line)) {
            const auto r = parse_policy(with_extra_line(line));
            BOOST_TEST(r.errors.empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(extension_value_with_control_character_or_bad_utf8_is_rejected,
                     *covers("STS-PARSE-12")) {
    using namespace std::string_literals;
    for (const std::string& line :
         {"note: a\tb"s, "note: a\x7f"s, "note: a\0b"s, "note: a\x01"s,
          "note: \xC3\x28"s,          // truncated two-byte sequence
          "note: \xC0\xAF"s,          // overlong
          "note: \xED\xA0\x80"s,      // UTF-16 surrogate
          "note: \xF4\x90\x80\x80"s,  // above U+10FFFF
          "note: \xFF"s, "note: \xE2\x82"s, "note:"s, "note:   "s}) {
        BOOST_TEST_CONTEXT(sts::core::quote_peer_text(line)) {
            expect_single_error(parse_policy(with_extra_line(line)), "STS-PARSE-12", 5);
        }
    }
}

BOOST_AUTO_TEST_CASE(extension_names_follow_the_one_to_32_character_rule,
                     *covers("STS-PARSE-12", "STS-PARSE-19")) {
    const std::string name32(32, 'n');
    const std::string name33(33, 'n');
    for (const std::string& ok : {name32, std::string("a1-_."), std::string("9x"),
                                  std::string("X")}) {
        BOOST_TEST_CONTEXT(ok) {
            BOOST_TEST(parse_policy(with_extra_line(ok + ": v")).errors.empty());
        }
    }
    for (const std::string& bad : {name33, std::string("_x"), std::string("-x"),
                                   std::string(".x"), std::string("a b"), std::string(""),
                                   std::string("a/b")}) {
        BOOST_TEST_CONTEXT(bad) {
            expect_single_error(parse_policy(with_extra_line(bad + ": v")), "STS-PARSE-12", 5);
        }
    }
}

BOOST_AUTO_TEST_CASE(unknown_fields_and_case_variants_do_not_change_enforcement,
                     *covers("STS-PARSE-13", "STS-PARSE-02")) {
    const auto r = parse_policy(std::string(golden) + "foo: bar\nMode: none\nMX: evil.example\n");
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::enforce));
    BOOST_TEST(r.parsed->mx_patterns.size() == 3u);
}

// --- STS-PARSE-14, -15, -16: repetition and order ---------------------------------------

BOOST_AUTO_TEST_CASE(first_mode_wins_and_later_one_is_noted, *covers("STS-PARSE-14")) {
    const auto r = parse_policy(std::string(golden) + "mode: none\n");
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::enforce));
    BOOST_TEST(has_finding(r.notes, "STS-PARSE-14", 7));
}

BOOST_AUTO_TEST_CASE(first_max_age_wins, *covers("STS-PARSE-14")) {
    const auto r = parse_policy(
        body_of({"version: STSv1", "mode: none", "max_age: 86400", "max_age: 1"}));
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST(r.parsed->max_age.count() == 86400);
    BOOST_TEST(has_finding(r.notes, "STS-PARSE-14", 4));
}

BOOST_AUTO_TEST_CASE(repeated_version_line_is_fine, *covers("STS-PARSE-14")) {
    const auto r = parse_policy("version: STSv1\n" + std::string(golden));
    BOOST_TEST(r.errors.empty());
    BOOST_TEST(r.parsed.has_value());
}

BOOST_AUTO_TEST_CASE(later_mode_with_invalid_value_is_ignored_after_a_valid_one,
                     *covers("STS-PARSE-14", "STS-PARSE-03")) {
    // Ambiguity A3: the second line is a duplicate (and would match the extension rule).
    const auto r = parse_policy(std::string(golden) + "mode: bogus\n");
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::enforce));
    BOOST_TEST(has_finding(r.notes, "STS-PARSE-14", 7));
}

BOOST_AUTO_TEST_CASE(invalid_first_mode_is_not_rescued_by_a_later_valid_one,
                     *covers("STS-PARSE-14", "STS-PARSE-03")) {
    const auto r = parse_policy(
        body_of({"version: STSv1", "mode: bogus", "mode: enforce", "mx: a.example", "max_age: 1"}));
    expect_single_error(r, "STS-PARSE-03", 2);
}

BOOST_AUTO_TEST_CASE(later_duplicate_must_still_be_a_well_formed_line,
                     *covers("STS-PARSE-14", "STS-PARSE-12")) {
    expect_single_error(parse_policy(std::string(golden) + "mode: en\tforce\n"), "STS-PARSE-12",
                        7);
}

BOOST_AUTO_TEST_CASE(field_order_is_free, *covers("STS-PARSE-16")) {
    const auto r = parse_policy(body_of({"mx: mail.example.com", "max_age: 604800",
                                         "mode: testing", "version: STSv1"}));
    BOOST_TEST(r.errors.empty());
    BOOST_TEST_REQUIRE(r.parsed.has_value());
    BOOST_TEST((r.parsed->policy_mode == mode::testing));
}

BOOST_AUTO_TEST_CASE(more_mx_patterns_than_the_limit_give_one_error, *covers("STS-PARSE-15")) {
    std::string body = "version: STSv1\nmode: enforce\nmax_age: 1\n";
    const std::size_t count = sts::core::limits::policy_mx_patterns_max + 5;
    for (std::size_t i = 0; i < count; ++i) body += "mx: m" + std::to_string(i) + ".example\n";
    const auto r = parse_policy(body);
    expect_single_error(r, "STS-PARSE-15", 3 + sts::core::limits::policy_mx_patterns_max + 1);

    body.resize(body.find("mx: m" + std::to_string(sts::core::limits::policy_mx_patterns_max)));
    const auto at_limit = parse_policy(body);
    BOOST_TEST_REQUIRE(at_limit.parsed.has_value());
    BOOST_TEST(at_limit.parsed->mx_patterns.size() == sts::core::limits::policy_mx_patterns_max);
}

// --- STS-PARSE-17: non-ASCII ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(non_ascii_in_a_key_or_defined_value_is_rejected, *covers("STS-PARSE-17")) {
    expect_single_error(parse_policy(with_mode_line("mode: enf\xC3\xB6rce")), "STS-PARSE-17", 2);
    expect_single_error(parse_policy(with_extra_line("n\xC3\xB6te: x")), "STS-PARSE-17", 5);
    expect_single_error(parse_policy(with_max_age_line("max_age: \xD9\xA1")), "STS-PARSE-17", 4);
}

BOOST_AUTO_TEST_CASE(byte_order_mark_at_the_start_is_rejected, *covers("STS-PARSE-17")) {
    const auto r = parse_policy("\xEF\xBB\xBF" + std::string(golden));
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST(has_finding(r.errors, "STS-PARSE-17", 1));
}

// --- STS-PARSE-18 and reporting ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(one_broken_line_makes_the_whole_body_yield_no_policy,
                     *covers("STS-PARSE-18")) {
    const auto r = parse_policy(std::string(golden) + "oops\n");
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST(!r.errors.empty());
}

BOOST_AUTO_TEST_CASE(every_error_is_reported_with_its_own_line,
                     *covers("STS-PARSE-01", "STS-PARSE-03", "STS-PARSE-05", "STS-PARSE-11")) {
    const auto r = parse_policy(body_of({"version: STSv1", "mode: Enforce", "mx: ok.example",
                                         "mx: bad_one.example", "", "max_age: 1",
                                         "garbage"}));
    const std::vector<std::size_t> want{2, 4, 5, 7};
    BOOST_TEST(error_lines(r) == want, boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(r.errors.size() == 4u);
    BOOST_TEST(r.errors[0].requirement == "STS-PARSE-03");
    BOOST_TEST(r.errors[1].requirement == "STS-PARSE-05");
    BOOST_TEST(r.errors[2].requirement == "STS-PARSE-11");
    BOOST_TEST(r.errors[3].requirement == "STS-PARSE-01");
}

BOOST_AUTO_TEST_CASE(error_detail_quotes_the_line_as_escaped_text) {
    using namespace std::string_literals;
    const auto r = parse_policy(with_mode_line("mode: \"x\"\x01"s));
    BOOST_TEST_REQUIRE(r.errors.size() == 1u);
    BOOST_TEST(r.errors[0].detail == "mode: \\\"x\\\"\\x01");
}

// --- hostile input ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(body_over_the_size_cap_gives_one_error_and_no_further_work,
                     *covers("STS-FETCH-14")) {
    const std::string ten_mb_line(10 * 1024 * 1024, 'x');
    expect_single_error(parse_policy(ten_mb_line), "STS-FETCH-14", 0);

    std::mt19937 rng(20240926);
    std::string random(1024 * 1024, '\0');
    for (char& c : random) c = static_cast<char>(rng() & 0xFF);
    expect_single_error(parse_policy(random), "STS-FETCH-14", 0);

    std::string many_lines;
    for (int i = 0; i < 100000; ++i) many_lines += "mx: a.example\n";
    expect_single_error(parse_policy(many_lines), "STS-FETCH-14", 0);
}

BOOST_AUTO_TEST_CASE(body_of_exactly_the_size_cap_is_parsed, *covers("STS-FETCH-14")) {
    std::string body(golden);
    const std::string filler = "x: " + std::string(60, 'y') + "\n";
    while (body.size() + filler.size() + 8 <= sts::core::limits::policy_body_bytes_max) {
        body += filler;
    }
    body += "z: " + std::string(sts::core::limits::policy_body_bytes_max - body.size() - 4, 'y') +
            "\n";
    BOOST_TEST_REQUIRE(body.size() == sts::core::limits::policy_body_bytes_max);
    BOOST_TEST(parse_policy(body).parsed.has_value());
    expect_single_error(parse_policy(body + "\n"), "STS-FETCH-14", 0);
}

BOOST_AUTO_TEST_CASE(random_bytes_under_the_cap_give_bounded_errors_and_no_policy) {
    std::mt19937 rng(8461);
    for (int round = 0; round < 20; ++round) {
        std::string random(sts::core::limits::policy_body_bytes_max, '\0');
        for (char& c : random) c = static_cast<char>(rng() & 0xFF);
        const auto r = parse_policy(random);
        BOOST_TEST(!r.parsed.has_value());
        BOOST_TEST(!r.errors.empty());
        BOOST_TEST(r.errors.size() <= sts::core::limits::policy_findings_max);
        BOOST_TEST(r.notes.size() <= sts::core::limits::policy_findings_max);
    }
}

BOOST_AUTO_TEST_CASE(many_broken_lines_stop_at_the_findings_limit) {
    std::string body;
    while (body.size() + 2 <= sts::core::limits::policy_body_bytes_max) body += "x\n";
    const auto r = parse_policy(body);
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST_REQUIRE(r.errors.size() == sts::core::limits::policy_findings_max);
    BOOST_TEST(r.errors.back().rule.find("not reported") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(nul_bytes_are_rejected_not_treated_as_the_end_of_the_body) {
    using namespace std::string_literals;
    const auto r = parse_policy("version: STSv1\0\n"s + std::string(golden).substr(15));
    expect_single_error(r, "STS-PARSE-02", 1);

    const auto all_nul = parse_policy(std::string(4096, '\0'));
    BOOST_TEST(!all_nul.parsed.has_value());
    BOOST_TEST(has_finding(all_nul.errors, "STS-PARSE-01", 1));
}

BOOST_AUTO_TEST_CASE(body_of_only_newlines_is_one_note_and_the_missing_fields,
                     *covers("STS-PARSE-08", "STS-PARSE-11")) {
    const auto r = parse_policy(std::string(sts::core::limits::policy_body_bytes_max, '\n'));
    BOOST_TEST(!r.parsed.has_value());
    BOOST_TEST(r.notes.size() == 1u);
    BOOST_TEST(r.errors.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
