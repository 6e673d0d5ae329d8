// Tests engine/mtasts/cache_file.hpp: the persisted policy cache's text survives a round
// trip field for field, a restart from it keeps enforcing, and damaged, truncated,
// foreign or hostile text never crashes, never restores a partial entry, and is reported
// with its line and column.
#include "engine/mtasts/cache_file.hpp"

#include "engine/core/limits.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/mtasts/policy_cache.hpp"
#include "tests/support/covers.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::cache_entry)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::cache_action)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::mtasts::cache_state)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::vector<sts::mtasts::cache_entry>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<sts::core::time_point>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(sts::core::time_point)

namespace {

using namespace sts::mtasts;
using namespace std::chrono_literals;
using sts::core::time_point;
using sts::test::covers;
namespace limits = sts::core::limits;

const time_point t0 = std::chrono::sys_days{std::chrono::year{2024} / 5 / 1} + 10h;

policy make_policy(mode m, std::chrono::seconds max_age, std::vector<std::string> mx) {
    policy p;
    p.policy_mode = m;
    p.max_age = max_age;
    p.policy_strings = {"version: STSv1", "mode: " + std::string(to_string(m))};
    for (const auto& pattern : mx) p.policy_strings.push_back("mx: " + pattern);
    p.policy_strings.push_back("max_age: " + std::to_string(max_age.count()));
    p.mx_patterns = std::move(mx);
    return p;
}

cache_entry make_entry(std::string domain, mode m = mode::enforce, std::vector<std::string> mx = {"mx.example.com"}) {
    cache_entry e;
    e.domain = std::move(domain);
    e.policy_id = "20240501T100000";
    e.cached_policy = make_policy(m, std::chrono::seconds{604800}, std::move(mx));
    e.fetched_at = t0;
    e.last_used_at = t0 + 90min + 123ms;
    e.refresh_due_at = t0 + 24h;
    return e;
}

// Three entries that between them give every field a value other than its default.
std::vector<cache_entry> varied_entries() {
    auto a = make_entry("a.example", mode::enforce, {"mail.a.example", "*.backup.a.example"});
    a.refresh_failures = 4;
    a.refresh_alert_raised = true;
    a.fetched_at = t0 - 1ms;
    a.cached_policy.max_age = std::chrono::seconds{9'999'999'999};
    // Bytes a policy line should never hold, but a file must carry them faithfully.
    a.cached_policy.policy_strings.push_back(" ext: back\\slash\ttab \xC3\xA9 ");
    auto b = make_entry("b.example", mode::testing, {"mx.b.example"});
    b.refresh_due_at.reset();
    b.policy_id = "ABCdef0123456789ABCdef0123456789";
    auto c = make_entry("c.example", mode::none, {});
    c.cached_policy.policy_strings.clear();
    c.fetched_at = std::chrono::sys_days{std::chrono::year{1969} / 12 / 31} + 23h + 59min + 59s + 999ms;
    return {b, c, a};  // not in domain order on purpose
}

std::vector<cache_entry> sorted_by_domain(std::vector<cache_entry> v) {
    std::stable_sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.domain < y.domain; });
    return v;
}

bool has_finding(const cache_file_contents& c, std::string_view requirement, std::size_t line) {
    return std::any_of(c.findings.begin(), c.findings.end(),
                       [&](const auto& f) { return f.requirement == requirement && f.line == line; });
}

std::string findings_text(const cache_file_contents& c) {
    std::string text;
    for (const auto& f : c.findings) {
        text += std::to_string(f.line) + ":" + std::to_string(f.column) + " " + f.rule + " [" + f.requirement + "]\n";
    }
    return text;
}

// The 1-based line at which `needle` first appears in `text` at or after `from`.
std::size_t line_of(const std::string& text, const std::string& needle, std::size_t from = 0) {
    const auto at = text.find(needle, from);
    return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mtasts_cache_file)

// --- round trip -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_field_survives_a_round_trip, *covers("STS-SEC-04", "STS-CACHE-01")) {
    const auto entries = varied_entries();
    const auto decoded = decode_cache(encode_cache(entries), "test");
    BOOST_TEST(decoded.recognised);
    BOOST_TEST(decoded.findings.empty(), findings_text(decoded));
    BOOST_TEST(decoded.entries == sorted_by_domain(entries));
}

BOOST_AUTO_TEST_CASE(output_is_in_domain_order_and_the_same_for_the_same_entries) {
    auto entries = varied_entries();
    const std::string text = encode_cache(entries);
    std::reverse(entries.begin(), entries.end());
    BOOST_TEST(encode_cache(entries) == text);
    BOOST_TEST(text.find("domain a.example") < text.find("domain b.example"));
    BOOST_TEST(text.find("domain b.example") < text.find("domain c.example"));
}

BOOST_AUTO_TEST_CASE(the_format_is_the_documented_one) {
    auto e = make_entry("example.com", mode::enforce, {"mail.example.com", "*.example.net"});
    e.cached_policy.policy_strings = {"version: STSv1", "mode: enforce"};
    const std::string expected =
        "mtasts-sim-cache 1\n"
        "# MTA-STS policy cache (RFC 8461 section 3.3), one block per Policy Domain. Times are UTC.\n"
        "\n"
        "domain example.com\n"
        "policy_id 20240501T100000\n"
        "fetched_at 2024-05-01T10:00:00.000Z\n"
        "last_used_at 2024-05-01T11:30:00.123Z\n"
        "refresh_due_at 2024-05-02T10:00:00.000Z\n"
        "refresh_failures 0\n"
        "refresh_alert no\n"
        "mode enforce\n"
        "max_age 604800\n"
        "mx mail.example.com\n"
        "mx *.example.net\n"
        "policy_line version: STSv1\n"
        "policy_line mode: enforce\n"
        "end\n"
        "\n"
        "end-of-file 1\n";
    BOOST_TEST(encode_cache({e}) == expected);
}

BOOST_AUTO_TEST_CASE(an_empty_cache_is_a_valid_file) {
    const auto decoded = decode_cache(encode_cache({}), "test");
    BOOST_TEST(decoded.recognised);
    BOOST_TEST(decoded.entries.empty());
    BOOST_TEST(decoded.findings.empty());
}

BOOST_AUTO_TEST_CASE(a_restart_from_the_file_keeps_enforcing_while_the_txt_record_is_suppressed,
                     *covers("STS-SEC-04", "STS-CACHE-04", "STS-CACHE-05")) {
    policy_cache before;
    const auto first = before.begin("example.com", txt_outcome::found("id1"), t0);
    BOOST_TEST(first.action() == cache_action::fetch);
    before.complete_fetch("example.com", "id1", make_policy(mode::enforce, std::chrono::seconds{86400}, {"mx.example.com"}),
                          t0);

    policy_cache after;
    const auto decoded = decode_cache(encode_cache(before.entries()), "test");
    for (const auto& e : decoded.entries) BOOST_TEST(!after.restore(e).has_value());
    BOOST_TEST(after.entries() == before.entries());

    // RFC 8461 §10.2: an attacker blocks the TXT record after the restart.
    const auto d = after.begin("example.com", txt_outcome::no_record(), t0 + 86399s);
    BOOST_TEST(d.state == cache_state::txt_gone_cache_valid);
    BOOST_TEST((d.effective.policy_mode() == mode::enforce));
    BOOST_TEST(after.begin("example.com", txt_outcome::no_record(), t0 + 86400s).state ==
               cache_state::txt_gone_no_cache);
}

BOOST_AUTO_TEST_CASE(a_long_max_age_is_kept_as_it_is, *covers("STS-SEC-14")) {
    auto e = make_entry("example.com");
    e.cached_policy.max_age = std::chrono::seconds{31557600};
    const auto decoded = decode_cache(encode_cache({e}), "test");
    BOOST_REQUIRE(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.entries[0].expires_at() == t0 + std::chrono::seconds{31557600});
}

BOOST_AUTO_TEST_CASE(crlf_line_ends_comments_blank_lines_and_capitals_in_the_domain_are_accepted) {
    std::string text = encode_cache({make_entry("example.com")});
    std::string crlf;
    for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const auto a = decode_cache(crlf, "test");
    BOOST_TEST(a.findings.empty(), findings_text(a));
    BOOST_TEST(a.entries.size() == 1U);

    text.replace(text.find("domain example.com"), 18, "# edited by hand\n\ndomain Example.COM");
    const auto b = decode_cache(text, "test");
    BOOST_TEST(b.findings.empty(), findings_text(b));
    BOOST_REQUIRE(b.entries.size() == 1U);
    BOOST_TEST(b.entries[0].domain == "example.com");
}

// --- times ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(times_are_iso_8601_utc_with_milliseconds) {
    BOOST_TEST(format_cache_time(t0 + 5ms) == "2024-05-01T10:00:00.005Z");
    BOOST_TEST(format_cache_time(time_point{}) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(format_cache_time(time_point{} - 1ms) == "1969-12-31T23:59:59.999Z");
    BOOST_TEST((parse_cache_time("2024-05-01T10:00:00.005Z") == t0 + 5ms));
    BOOST_TEST((parse_cache_time("2024-05-01T10:00:00Z") == t0));
    BOOST_TEST((parse_cache_time("2024-02-29T00:00:00Z").has_value()));
    for (const auto* bad : {"2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:60:00Z",
                            "2024-05-01T10:00:60Z", "2024-05-01T10:00:00", "2024-05-01 10:00:00Z",
                            "2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00.0005Z", "+2024-05-01T10:00:00Z",
                            "2024-13-01T10:00:00Z", "2024-00-01T10:00:00Z", "", "2024-05-01T10:00:00.00xZ"}) {
        BOOST_TEST(!parse_cache_time(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(times_outside_four_digit_years_are_clamped) {
    BOOST_TEST(format_cache_time(time_point::max()) == "9999-12-31T23:59:59.999Z");
    BOOST_TEST(format_cache_time(time_point::min()) == "0000-01-01T00:00:00.000Z");
    BOOST_TEST(parse_cache_time(format_cache_time(time_point::max())).has_value());
}

// --- damaged entries --------------------------------------------------------------------

struct bad_line_case {
    std::string line;
    std::string requirement;
    std::size_t column;
};

BOOST_AUTO_TEST_CASE(a_bad_field_drops_its_entry_and_names_line_column_and_rule,
                     *covers("STS-DISC-06", "STS-PARSE-03", "STS-PARSE-04", "STS-PARSE-05")) {
    // Each case replaces one field of a good entry (or adds a line to it).
    const std::vector<std::pair<std::string, bad_line_case>> cases = {
        {"policy_id 20240501T100000", {"policy_id 2024-05-01", "STS-DISC-06", 11}},
        {"policy_id 20240501T100000", {"policy_id 012345678901234567890123456789012", "STS-DISC-06", 11}},
        {"mode enforce", {"mode Enforce", "STS-PARSE-03", 6}},
        {"max_age 604800", {"max_age 0", "STS-PARSE-04", 9}},
        {"max_age 604800", {"max_age 12345678901", "STS-PARSE-04", 9}},
        {"max_age 604800", {"max_age -1", "STS-PARSE-04", 9}},
        {"mx mx.example.com", {"mx mx.example.com.", "STS-PARSE-05", 4}},
        {"mx mx.example.com", {"mx a.example, b.example", "STS-PARSE-05", 4}},
        {"fetched_at 2024-05-01T10:00:00.000Z", {"fetched_at yesterday", "STS-CACHE-01", 12}},
        {"refresh_due_at 2024-05-02T10:00:00.000Z", {"refresh_due_at never", "STS-CACHE-07", 16}},
        {"refresh_failures 0", {"refresh_failures 99999999999", "STS-CACHE-09", 18}},
        {"refresh_alert no", {"refresh_alert true", "STS-CACHE-09", 15}},
        {"refresh_alert no", {"refresh_alert", "STS-SEC-04", 14}},
        {"mode enforce", {"mode enforce\\q", "STS-SEC-04", 13}},
        {"mode enforce", {"mode enforce\\x4", "STS-SEC-04", 13}},
        {"end", {"colour blue\nend", "STS-SEC-04", 1}},
        {"end", {"mode testing\nend", "STS-SEC-04", 1}},
    };
    for (const auto& [field, c] : cases) {
        BOOST_TEST_CONTEXT("replacing \"" << field << "\" by \"" << c.line << "\"") {
            const std::string good = encode_cache({make_entry("x.example"), make_entry("y.example")});
            std::string text = good;
            const auto at = text.find("\n" + field + "\n");
            BOOST_REQUIRE(at != std::string::npos);
            text.replace(at + 1, field.size(), c.line);
            const std::size_t line = line_of(text, "\n" + c.line.substr(0, c.line.find('\n')) + "\n") + 1;
            const auto decoded = decode_cache(text, "test");
            BOOST_TEST(decoded.recognised);
            // The damaged entry is dropped, the good one kept.
            BOOST_REQUIRE(decoded.entries.size() == 1U);
            BOOST_TEST(decoded.entries[0].domain == "y.example");
            BOOST_TEST_REQUIRE(decoded.findings.size() == 1U, findings_text(decoded));
            BOOST_TEST(decoded.findings[0].requirement == c.requirement);
            BOOST_TEST(decoded.findings[0].line == line);
            BOOST_TEST(decoded.findings[0].column == c.column);
        }
    }
}

BOOST_AUTO_TEST_CASE(an_enforce_entry_without_mx_is_dropped, *covers("STS-PARSE-08")) {
    std::string text = encode_cache({make_entry("x.example")});
    text.erase(text.find("mx mx.example.com\n"), 18);
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.empty());
    BOOST_TEST(has_finding(decoded, "STS-PARSE-08", line_of(text, "\nend\n") + 1), findings_text(decoded));
}

BOOST_AUTO_TEST_CASE(a_missing_field_drops_the_entry_and_names_the_field) {
    std::string text = encode_cache({make_entry("x.example")});
    text.erase(text.find("last_used_at "), text.find("refresh_due_at") - text.find("last_used_at "));
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.empty());
    BOOST_REQUIRE(decoded.findings.size() == 1U);
    BOOST_TEST(decoded.findings[0].rule.find("last_used_at") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_first_of_two_entries_for_a_domain_wins, *covers("STS-SEC-04")) {
    auto first = make_entry("x.example", mode::enforce);
    auto second = make_entry("x.example", mode::none, {});
    const std::string text = encode_cache({first, second});
    const auto decoded = decode_cache(text, "test");
    BOOST_REQUIRE(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.entries[0] == first);
    const std::size_t second_line = line_of(text, "domain x.example", text.find("domain x.example") + 1);
    BOOST_TEST(has_finding(decoded, "STS-SEC-04", second_line), findings_text(decoded));
}

BOOST_AUTO_TEST_CASE(a_mode_none_entry_needs_no_mx, *covers("STS-CACHE-10")) {
    const auto decoded = decode_cache(encode_cache({make_entry("x.example", mode::none, {})}), "test");
    BOOST_TEST(decoded.findings.empty(), findings_text(decoded));
    BOOST_TEST(decoded.entries.size() == 1U);
}

BOOST_AUTO_TEST_CASE(a_wrong_end_of_file_count_is_reported_but_the_entries_are_kept) {
    std::string text = encode_cache({make_entry("x.example")});
    text.replace(text.find("end-of-file 1"), 13, "end-of-file 2");
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.size() == 1U);
    BOOST_TEST(has_finding(decoded, "STS-SEC-04", line_of(text, "end-of-file")));
}

BOOST_AUTO_TEST_CASE(text_after_the_end_of_file_line_is_reported_once) {
    const std::string text = encode_cache({make_entry("x.example")}) + "domain y.example\nmode none\n";
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.findings.size() == 1U);
}

// --- truncated, foreign and hostile files -------------------------------------------------

BOOST_AUTO_TEST_CASE(a_file_cut_anywhere_restores_only_whole_entries_and_says_it_is_truncated,
                     *covers("STS-SEC-04")) {
    const auto entries = sorted_by_domain(varied_entries());
    const std::string text = encode_cache(entries);
    for (std::size_t cut = 0; cut + 1 < text.size(); ++cut) {
        BOOST_TEST_CONTEXT("cut at byte " << cut) {
            const auto decoded = decode_cache(std::string_view(text).substr(0, cut), "test");
            // An entry is restored complete or not at all: never with part of its mx list.
            BOOST_TEST(decoded.entries.size() <= entries.size());
            for (std::size_t i = 0; i < decoded.entries.size(); ++i) BOOST_TEST(decoded.entries[i] == entries[i]);
            BOOST_TEST(!decoded.findings.empty());
        }
    }
    // Only the final newline may go unnoticed.
    BOOST_TEST(decode_cache(std::string_view(text).substr(0, text.size() - 1), "test").findings.empty());
}

BOOST_AUTO_TEST_CASE(another_format_version_is_not_read_at_all) {
    std::string text = encode_cache({make_entry("x.example")});
    text.replace(0, 18, "mtasts-sim-cache 2");
    const auto decoded = decode_cache(text, "'cache.txt'");
    BOOST_TEST(!decoded.recognised);
    BOOST_TEST(decoded.entries.empty());
    BOOST_REQUIRE(decoded.findings.size() == 1U);
    BOOST_TEST(decoded.findings[0].line == 1U);
    BOOST_TEST(decoded.findings[0].detail == "2");
    BOOST_TEST(decoded.findings[0].rule.find("'cache.txt'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_cache_file_is_not_recognised) {
    for (const std::string& text : {std::string(), std::string("\n"), std::string("mtasts-sim-cache\n"),
                                   std::string("version: STSv1\nmode: enforce\n"), std::string("\xEF\xBB\xBFmtasts-sim-cache 1\n")}) {
        const auto decoded = decode_cache(text, "test");
        BOOST_TEST(!decoded.recognised);
        BOOST_TEST(decoded.entries.empty());
        BOOST_TEST(decoded.findings.size() == 1U);
    }
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_and_give_no_entries) {
    std::mt19937 random(4);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 200; ++round) {
        std::string text = round % 2 == 0 ? "mtasts-sim-cache 1\n" : "";
        const int size = 1 + round * 37;
        for (int i = 0; i < size; ++i) text += static_cast<char>(byte(random));
        const auto decoded = decode_cache(text, "test");
        BOOST_TEST(decoded.entries.empty());
        BOOST_TEST(decoded.findings.size() <= limits::cache_file_findings_max + 1);
    }
}

BOOST_AUTO_TEST_CASE(random_damage_to_a_good_file_only_yields_entries_the_cache_accepts) {
    const auto entries = sorted_by_domain(varied_entries());
    const std::string good = encode_cache(entries);
    std::mt19937 random(8461);
    std::uniform_int_distribution<std::size_t> where(0, good.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 500; ++round) {
        std::string text = good;
        for (int k = 0; k < 1 + round % 4; ++k) text[where(random)] = static_cast<char>(byte(random));
        const auto decoded = decode_cache(text, "test");
        for (const auto& e : decoded.entries) {
            // A flipped byte may change a value into another valid one (a digit of max_age,
            // say); the domain must still be one of ours or a valid name, and never twice.
            BOOST_TEST(std::count_if(decoded.entries.begin(), decoded.entries.end(),
                                     [&](const auto& x) { return x.domain == e.domain; }) == 1);
            BOOST_TEST(!policy_cache().restore(e).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(an_over_long_line_is_refused_without_dropping_other_entries) {
    std::string text = encode_cache({make_entry("x.example"), make_entry("y.example")});
    const std::string huge = "policy_line " + std::string(limits::cache_file_line_bytes_max, 'a');
    text.insert(text.find("\nend\n") + 1, huge + "\n");
    const auto decoded = decode_cache(text, "test");
    BOOST_REQUIRE(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.entries[0].domain == "y.example");
    BOOST_REQUIRE(decoded.findings.size() == 1U);
    BOOST_TEST(decoded.findings[0].detail.size() <= sts::core::peer_text_bytes_max + 64);
}

BOOST_AUTO_TEST_CASE(policy_lines_beyond_the_policy_body_cap_drop_the_entry, *covers("STS-FETCH-14")) {
    std::string lines;
    const std::string line = "policy_line " + std::string(1000, 'a') + "\n";
    for (std::size_t i = 0; i <= limits::policy_body_bytes_max / 1000; ++i) lines += line;
    std::string text = encode_cache({make_entry("x.example")});
    text.insert(text.find("\nend\n") + 1, lines);
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.empty());
    BOOST_TEST(has_finding(decoded, "STS-FETCH-14", line_of(text, "policy_line a") + limits::policy_body_bytes_max / 1000));
}

BOOST_AUTO_TEST_CASE(mx_patterns_beyond_the_policy_cap_drop_the_entry) {
    std::string lines;
    for (std::size_t i = 0; i < limits::policy_mx_patterns_max; ++i) lines += "mx m" + std::to_string(i) + ".example\n";
    std::string text = encode_cache({make_entry("x.example")});
    text.insert(text.find("\nend\n") + 1, lines);
    const auto decoded = decode_cache(text, "test");
    BOOST_TEST(decoded.entries.empty());
    BOOST_TEST(decoded.findings.size() == 1U);
}

BOOST_AUTO_TEST_CASE(entries_beyond_the_cache_size_are_ignored_and_reported) {
    std::vector<cache_entry> entries;
    for (const auto* d : {"a.example", "b.example", "c.example"}) entries.push_back(make_entry(d));
    const auto decoded = decode_cache(encode_cache(entries), "test", 2);
    BOOST_REQUIRE(decoded.entries.size() == 2U);
    BOOST_TEST(decoded.entries[1].domain == "b.example");
    BOOST_TEST(decoded.findings.size() == 1U);
}

BOOST_AUTO_TEST_CASE(findings_are_capped_and_the_rest_counted) {
    std::string text = "mtasts-sim-cache 1\n";
    for (int i = 0; i < 1000; ++i) text += "nonsense\n";
    const auto decoded = decode_cache(text, "test");
    BOOST_REQUIRE(decoded.findings.size() == limits::cache_file_findings_max + 1);
    BOOST_TEST(decoded.findings.back().rule.find("more findings") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_entry_interrupted_by_another_is_dropped_and_the_other_kept) {
    std::string text = encode_cache({make_entry("x.example"), make_entry("y.example")});
    text.erase(text.find("\nend\n") + 1, 4);  // x.example loses its "end"
    const auto decoded = decode_cache(text, "test");
    BOOST_REQUIRE(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.entries[0].domain == "y.example");
    BOOST_TEST(has_finding(decoded, "STS-SEC-04", line_of(text, "domain x.example")));
}

BOOST_AUTO_TEST_CASE(values_that_would_break_the_format_are_escaped) {
    auto e = make_entry("x.example");
    e.cached_policy.policy_strings = {"a\nend\nend-of-file 0", "\\x41", " ", ""};
    const std::string text = encode_cache({e});
    BOOST_TEST(text.find("policy_line a\\x0Aend\\x0Aend-of-file 0\n") != std::string::npos);
    BOOST_TEST(text.find("policy_line \\\\x41\n") != std::string::npos);
    BOOST_TEST(text.find("policy_line \\x20\n") != std::string::npos);
    const auto decoded = decode_cache(text, "test");
    BOOST_REQUIRE(decoded.entries.size() == 1U);
    BOOST_TEST(decoded.entries[0] == e);

    // An editor that strips the space after an empty policy line loses nothing.
    std::string stripped = text;
    stripped.replace(stripped.rfind("policy_line \n"), 13, "policy_line\n");
    const auto again = decode_cache(stripped, "test");
    BOOST_TEST(again.findings.empty(), findings_text(again));
    BOOST_TEST(again.entries == decoded.entries);
}

BOOST_AUTO_TEST_SUITE_END()
