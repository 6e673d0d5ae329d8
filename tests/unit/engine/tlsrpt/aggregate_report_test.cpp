// Tests engine/tlsrpt/aggregate_report.hpp: the daily RFC 8460 §4 report, checked by
// parsing its JSON back with an independent parser.
#include "engine/tlsrpt/aggregate_report.hpp"

#include "tests/support/covers.hpp"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <chrono>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

using sts::delivery::tlsrpt_record;
using sts::tlsrpt::build_daily_reports;
using sts::tlsrpt::failure_reason;
using sts::tlsrpt::policy_type;
using sts::tlsrpt::report_file;
using sts::tlsrpt::reporter_identity;
using sts::tlsrpt::result_type;
using namespace std::chrono_literals;

namespace {

// 2024-09-26T00:00:00Z; 1727308800 Unix seconds (checked with Python's calendar.timegm).
const std::chrono::sys_days day_one = std::chrono::sys_days{std::chrono::year{2024} / 9 / 26};
constexpr std::int64_t day_one_unix = 1727308800;

reporter_identity reporter() {
    reporter_identity r;
    r.organization_name = "Sender Org";
    r.contact_info = "tlsrpt@sender.example";
    r.submitter_domain = "sender.example";
    r.sending_ip = "192.0.2.1";
    r.report_id_seed = 7;
    return r;
}

tlsrpt_record sts_record(bool success, std::chrono::milliseconds into_day = 10h) {
    tlsrpt_record r;
    r.at = sts::core::time_point{day_one.time_since_epoch() + into_day};
    r.policy_domain = "example.com";
    r.policy = policy_type::sts;
    r.policy_id = "20240926";
    r.policy_strings = {"version: STSv1", "mode: enforce", "mx: mx1.example.com", "mx: *.example.net",
                        "max_age: 86400"};
    r.mx_patterns = {"mx1.example.com", "*.example.net"};
    r.mx_host = "mx1.example.com";
    r.receiving_ip = "198.51.100.7";
    r.success = success;
    return r;
}

tlsrpt_record sts_failure(failure_reason reason) {
    auto r = sts_record(false);
    r.reason = reason;
    r.result = sts::tlsrpt::classify(reason).result;
    return r;
}

nlohmann::json only_report_json(const std::vector<tlsrpt_record>& records) {
    const auto reports = build_daily_reports(records, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    return nlohmann::json::parse(reports[0].json_text);
}

// Every object's members are unique and in name order, at every depth (I-JSON plus the
// stable order the reports promise).
bool members_sorted_and_unique(const nlohmann::ordered_json& value) {
    if (value.is_object()) {
        std::string previous;
        bool first = true;
        for (const auto& [name, member] : value.items()) {
            if (!first && !(previous < name)) return false;
            first = false;
            previous = name;
            if (!members_sorted_and_unique(member)) return false;
        }
    } else if (value.is_array()) {
        for (const auto& element : value) {
            if (!members_sorted_and_unique(element)) return false;
        }
    }
    return true;
}

std::optional<std::string> gunzip(const std::vector<std::uint8_t>& bytes) {
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) return std::nullopt;
    std::vector<Bytef> input(bytes.begin(), bytes.end());
    stream.next_in = input.data();
    stream.avail_in = static_cast<uInt>(input.size());
    std::string out;
    std::vector<char> buffer(4096);
    int status = Z_OK;
    while (status == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
        stream.avail_out = static_cast<uInt>(buffer.size());
        status = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer.data(), buffer.size() - stream.avail_out);
    }
    inflateEnd(&stream);
    if (status != Z_STREAM_END) return std::nullopt;
    return out;
}

const nlohmann::json* find_detail(const nlohmann::json& details, std::string_view result) {
    for (const auto& d : details) {
        if (d.at("result-type") == result) return &d;
    }
    return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_aggregate_report)

BOOST_AUTO_TEST_CASE(the_top_level_members_are_the_rfc_ones, *sts::test::covers("TLSRPT-22")) {
    const auto j = only_report_json({sts_record(true)});
    std::set<std::string> names;
    for (const auto& [name, value] : j.items()) names.insert(name);
    const std::set<std::string> expected{"organization-name", "date-range", "contact-info", "report-id", "policies"};
    BOOST_TEST((names == expected));
    BOOST_TEST(j.at("organization-name") == "Sender Org");
    BOOST_TEST(j.at("contact-info") == "tlsrpt@sender.example");
    BOOST_TEST(j.at("report-id").is_string());
    BOOST_TEST(j.at("report-id").get<std::string>().ends_with("@sender.example"));
}

BOOST_AUTO_TEST_CASE(the_date_range_is_one_full_utc_day, *sts::test::covers("TLSRPT-19", "TLSRPT-22")) {
    // Sessions at 00:00:00.000 and 23:59:59.999 belong to the same day.
    const auto j = only_report_json({sts_record(true, 0ms), sts_record(true, 24h - 1ms)});
    BOOST_TEST(j.at("date-range").at("start-datetime") == "2024-09-26T00:00:00Z");
    BOOST_TEST(j.at("date-range").at("end-datetime") == "2024-09-27T00:00:00Z");
    BOOST_TEST(j.at("policies")[0].at("summary").at("total-successful-session-count") == 2);
}

BOOST_AUTO_TEST_CASE(policies_is_an_array_even_with_one_policy, *sts::test::covers("TLSRPT-21")) {
    const auto j = only_report_json({sts_record(true)});
    BOOST_TEST(j.at("policies").is_array());
    BOOST_TEST(j.at("policies").size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_policy_object_has_type_strings_domain_and_mx_hosts, *sts::test::covers("TLSRPT-23", "TLSRPT-24")) {
    const auto j = only_report_json({sts_record(true)});
    const auto& policy = j.at("policies")[0].at("policy");
    BOOST_TEST(policy.at("policy-type") == "sts");
    BOOST_TEST(policy.at("policy-domain") == "example.com");
    const std::vector<std::string> strings = policy.at("policy-string");
    BOOST_TEST(strings == sts_record(true).policy_strings, boost::test_tools::per_element());
    // Ambiguity A18: mx-host is an array of the policy's patterns.
    BOOST_REQUIRE(policy.at("mx-host").is_array());
    const std::vector<std::string> mx = policy.at("mx-host");
    BOOST_TEST(mx == sts_record(true).mx_patterns, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_idn_policy_domain_is_written_as_an_a_label, *sts::test::covers("TLSRPT-23", "TLSRPT-15")) {
    auto r = sts_record(true);
    r.policy_domain = "B\xC3\xBC" "cher.example";
    const auto reports = build_daily_reports(std::vector{r}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    BOOST_TEST(reports[0].policy_domain == "xn--bcher-kva.example");
    const auto j = nlohmann::json::parse(reports[0].json_text);
    BOOST_TEST(j.at("policies")[0].at("policy").at("policy-domain") == "xn--bcher-kva.example");
    BOOST_TEST(reports[0].file_name.find("!xn--bcher-kva.example!") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(five_successes_and_two_failures_are_counted, *sts::test::covers("TLSRPT-25")) {
    std::vector<tlsrpt_record> records(5, sts_record(true));
    records.push_back(sts_failure(failure_reason::mx_certificate_expired));
    records.push_back(sts_failure(failure_reason::starttls_not_offered));
    const auto j = only_report_json(records);
    const auto& summary = j.at("policies")[0].at("summary");
    BOOST_TEST(summary.at("total-successful-session-count").is_number_integer());
    BOOST_TEST(summary.at("total-successful-session-count") == 5);
    BOOST_TEST(summary.at("total-failure-session-count").is_number_integer());
    BOOST_TEST(summary.at("total-failure-session-count") == 2);
    BOOST_TEST(j.at("policies")[0].at("failure-details").size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_failure_details_entry_has_the_rfc_members, *sts::test::covers("TLSRPT-26")) {
    auto r = sts_failure(failure_reason::mx_certificate_host_mismatch);
    r.receiving_helo = "mx1.example.com";
    const auto j = only_report_json({r});
    const auto& details = j.at("policies")[0].at("failure-details");
    BOOST_REQUIRE_EQUAL(details.size(), 1u);
    const auto& d = details[0];
    BOOST_TEST(d.at("result-type") == "certificate-host-mismatch");
    BOOST_TEST(d.at("sending-mta-ip") == "192.0.2.1");
    BOOST_TEST(d.at("receiving-mx-hostname") == "mx1.example.com");
    BOOST_TEST(d.at("receiving-mx-helo") == "mx1.example.com");
    BOOST_TEST(d.at("receiving-ip") == "198.51.100.7");
    BOOST_TEST(d.at("failed-session-count").is_number_integer());
    BOOST_TEST(d.at("failed-session-count") == 1);
    BOOST_TEST(d.at("failure-reason-code") == "mx-certificate-host-mismatch");
    BOOST_TEST(!d.contains("additional-information"));
}

BOOST_AUTO_TEST_CASE(a_fetch_failure_leaves_out_the_mx_members, *sts::test::covers("TLSRPT-26", "STS-RPT-01")) {
    auto r = sts_failure(failure_reason::policy_http_status_not_200);
    r.mx_host.clear();
    r.receiving_ip.clear();
    r.policy_strings.clear();
    r.mx_patterns.clear();
    const auto j = only_report_json({r});
    const auto& p = j.at("policies")[0];
    BOOST_TEST(p.at("policy").at("policy-type") == "sts");
    BOOST_TEST(p.at("policy").at("policy-string").empty());
    const auto& d = p.at("failure-details")[0];
    BOOST_TEST(d.at("result-type") == "sts-policy-fetch-error");
    BOOST_TEST(!d.contains("receiving-mx-hostname"));
    BOOST_TEST(!d.contains("receiving-ip"));
    BOOST_TEST(!d.contains("receiving-mx-helo"));
    BOOST_TEST(d.at("sending-mta-ip") == "192.0.2.1");
}

BOOST_AUTO_TEST_CASE(ip_addresses_are_written_in_canonical_form, *sts::test::covers("TLSRPT-27")) {
    auto v4 = sts_failure(failure_reason::starttls_not_offered);
    v4.sending_ip = "192.0.002.010";
    auto v6 = sts_failure(failure_reason::starttls_not_offered);
    v6.sending_ip = "2001:DB8:0:0:0:0:0:1";
    v6.receiving_ip = "2001:0db8:0000:0000:0001:0000:0000:0001";
    const auto j = only_report_json({v4, v6});
    std::set<std::string> sending;
    std::set<std::string> receiving;
    for (const auto& d : j.at("policies")[0].at("failure-details")) {
        sending.insert(d.at("sending-mta-ip").get<std::string>());
        receiving.insert(d.at("receiving-ip").get<std::string>());
    }
    const std::set<std::string> expected_sending{"192.0.2.10", "2001:db8::1"};
    const std::set<std::string> expected_receiving{"198.51.100.7", "2001:db8::1:0:0:1"};
    BOOST_TEST((sending == expected_sending));
    BOOST_TEST((receiving == expected_receiving));
}

BOOST_AUTO_TEST_CASE(one_session_with_two_failures_is_counted_under_each_type, *sts::test::covers("TLSRPT-28")) {
    auto r = sts_failure(failure_reason::mx_certificate_expired);
    r.further_reasons = {failure_reason::mx_certificate_host_mismatch};
    const auto j = only_report_json({r, sts_failure(failure_reason::mx_certificate_expired)});
    const auto& p = j.at("policies")[0];
    BOOST_TEST(p.at("summary").at("total-failure-session-count") == 2);
    const auto& details = p.at("failure-details");
    BOOST_REQUIRE_EQUAL(details.size(), 2u);
    const auto* expired = find_detail(details, "certificate-expired");
    const auto* mismatch = find_detail(details, "certificate-host-mismatch");
    BOOST_REQUIRE(expired != nullptr);
    BOOST_REQUIRE(mismatch != nullptr);
    BOOST_TEST(expired->at("failed-session-count") == 2);
    BOOST_TEST(mismatch->at("failed-session-count") == 1);
}

BOOST_AUTO_TEST_CASE(untrusted_and_catch_all_failures_carry_a_reason_code,
                     *sts::test::covers("TLSRPT-29", "STS-APPLY-03")) {
    auto unknown = sts_record(false);
    unknown.result = result_type::validation_failure;  // no reason recorded
    const auto j = only_report_json({sts_failure(failure_reason::mx_certificate_untrusted),
                                     sts_failure(failure_reason::mx_not_listed_in_policy), unknown});
    const auto& details = j.at("policies")[0].at("failure-details");
    BOOST_REQUIRE_EQUAL(details.size(), 3u);
    std::set<std::string> codes;
    for (const auto& d : details) {
        BOOST_REQUIRE(d.contains("failure-reason-code"));
        const auto code = d.at("failure-reason-code").get<std::string>();
        BOOST_TEST(!code.empty());
        codes.insert(code);
    }
    const auto* untrusted = find_detail(details, "certificate-not-trusted");
    BOOST_REQUIRE(untrusted != nullptr);
    BOOST_TEST(untrusted->at("failure-reason-code") == "mx-certificate-untrusted");
    // Ambiguity A17: an MX missing from the policy is a validation-failure with its own code.
    BOOST_TEST(codes.count(std::string(to_string(failure_reason::mx_not_listed_in_policy))) == 1u);
    BOOST_TEST(codes.size() == 3u);
}

BOOST_AUTO_TEST_CASE(identical_failures_share_one_entry_and_differing_ones_do_not) {
    auto other_ip = sts_failure(failure_reason::starttls_not_offered);
    other_ip.receiving_ip = "198.51.100.8";
    const auto j = only_report_json({sts_failure(failure_reason::starttls_not_offered),
                                     sts_failure(failure_reason::starttls_not_offered),
                                     sts_failure(failure_reason::starttls_not_offered), other_ip});
    const auto& details = j.at("policies")[0].at("failure-details");
    BOOST_REQUIRE_EQUAL(details.size(), 2u);
    std::multiset<int> counts;
    for (const auto& d : details) counts.insert(d.at("failed-session-count").get<int>());
    const std::multiset<int> expected{1, 3};
    BOOST_TEST((counts == expected));
}

BOOST_AUTO_TEST_CASE(transient_failures_are_left_out, *sts::test::covers("TLSRPT-30", "STS-APPLY-18")) {
    auto timeout = sts_record(false);
    timeout.reason = failure_reason::mx_connect_timeout;
    const auto j = only_report_json({sts_record(true), timeout});
    const auto& p = j.at("policies")[0];
    BOOST_TEST(p.at("summary").at("total-failure-session-count") == 0);
    BOOST_TEST(p.at("failure-details").empty());
}

BOOST_AUTO_TEST_CASE(sessions_without_a_policy_are_reported_as_no_policy_found, *sts::test::covers("TLSRPT-32")) {
    tlsrpt_record r;
    r.at = sts::core::time_point{day_one.time_since_epoch() + 1h};
    r.policy_domain = "plain.example";
    r.mx_host = "mx.plain.example";
    r.receiving_ip = "203.0.113.5";
    r.success = true;
    const auto j = only_report_json({r, r});
    const auto& p = j.at("policies")[0];
    BOOST_TEST(p.at("policy").at("policy-type") == "no-policy-found");
    BOOST_TEST(p.at("policy").at("policy-string").is_array());
    BOOST_TEST(!p.at("policy").contains("mx-host"));
    BOOST_TEST(p.at("summary").at("total-successful-session-count") == 2);
}

BOOST_AUTO_TEST_CASE(a_policy_change_during_the_day_gives_two_policy_elements, *sts::test::covers("TLSRPT-21")) {
    auto later = sts_record(true, 20h);
    later.policy_strings[1] = "mode: testing";
    const auto j = only_report_json({sts_record(true), later});
    BOOST_TEST(j.at("policies").size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_report_is_i_json_with_sorted_unique_members, *sts::test::covers("TLSRPT-20")) {
    auto r = sts_failure(failure_reason::mx_certificate_self_signed);
    r.receiving_helo = "evil\xFF\"helo\n";  // peer bytes that are not UTF-8
    auto n = sts_record(true);
    n.policy = policy_type::no_policy_found;
    n.policy_strings.clear();
    n.mx_patterns.clear();
    const auto reports = build_daily_reports(std::vector{r, n}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    // nlohmann's parser rejects invalid UTF-8, so parsing proves the text is valid.
    const auto ordered = nlohmann::ordered_json::parse(reports[0].json_text);
    BOOST_TEST(members_sorted_and_unique(ordered));
    BOOST_TEST(ordered.at("policies").size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_file_name_follows_rfc_8460_section_5_1, *sts::test::covers("TLSRPT-15")) {
    const auto reports = build_daily_reports(std::vector{sts_record(true)}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    const std::regex shape(R"(sender\.example!example\.com!(\d+)!(\d+)!([0-9a-f]{16})\.json\.gz)");
    std::smatch m;
    BOOST_REQUIRE(std::regex_match(reports[0].file_name, m, shape));
    BOOST_TEST(std::stoll(m[1].str()) == day_one_unix);
    BOOST_TEST(std::stoll(m[2].str()) == day_one_unix + 86400);
    // The unique id is the local part of the report-id.
    BOOST_TEST(reports[0].report_id == m[3].str() + "@sender.example");
    BOOST_TEST(sts::tlsrpt::report_file_name("s.example", "p.example", day_one, "", false) ==
               "s.example!p.example!1727308800!1727395200.json");
}

BOOST_AUTO_TEST_CASE(the_gzip_form_is_the_json_compressed, *sts::test::covers("TLSRPT-16", "TLSRPT-17")) {
    const auto reports = build_daily_reports(std::vector{sts_record(true)}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 1u);
    const auto& gz = reports[0].gzip_bytes;
    BOOST_REQUIRE(gz.size() > 2u);
    BOOST_TEST(gz[0] == 0x1f);
    BOOST_TEST(gz[1] == 0x8b);
    BOOST_TEST((gunzip(gz) == reports[0].json_text));
    BOOST_TEST(reports[0].file_name.ends_with(".json.gz"));
    BOOST_TEST(sts::tlsrpt::gzip_media_type == "application/tlsrpt+gzip");
    BOOST_TEST(sts::tlsrpt::json_media_type == "application/tlsrpt+json");
}

BOOST_AUTO_TEST_CASE(identical_input_gives_byte_identical_reports) {
    std::vector<tlsrpt_record> records{sts_record(true), sts_failure(failure_reason::mx_certificate_expired)};
    const auto first = build_daily_reports(records, reporter());
    const auto second = build_daily_reports(records, reporter());
    BOOST_TEST((first == second));
    // Record order within a day does not change the report either.
    std::swap(records[0], records[1]);
    BOOST_TEST((build_daily_reports(records, reporter()) == first));
    // Another seed gives other report ids, and so other reports.
    auto other = reporter();
    other.report_id_seed = 8;
    const auto reseeded = build_daily_reports(records, other);
    BOOST_REQUIRE_EQUAL(reseeded.size(), 1u);
    BOOST_TEST(reseeded[0].report_id != first[0].report_id);
}

BOOST_AUTO_TEST_CASE(records_on_two_days_give_two_reports_in_day_order, *sts::test::covers("TLSRPT-19")) {
    const std::vector<tlsrpt_record> records{sts_record(true, 24h + 1h), sts_record(true, 2h),
                                             sts_failure(failure_reason::starttls_not_offered)};
    const auto reports = build_daily_reports(records, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 2u);
    BOOST_TEST((reports[0].day == day_one));
    BOOST_TEST((reports[1].day == day_one + std::chrono::days{1}));
    BOOST_TEST(reports[0].report_id != reports[1].report_id);
    const auto second = nlohmann::json::parse(reports[1].json_text);
    BOOST_TEST(second.at("date-range").at("start-datetime") == "2024-09-27T00:00:00Z");
    BOOST_TEST(second.at("policies")[0].at("summary").at("total-successful-session-count") == 1);
    const auto first = nlohmann::json::parse(reports[0].json_text);
    BOOST_TEST(first.at("policies")[0].at("summary").at("total-failure-session-count") == 1);
}

BOOST_AUTO_TEST_CASE(each_policy_domain_gets_its_own_report) {
    auto other = sts_record(true);
    other.policy_domain = "a.example";
    const auto reports = build_daily_reports(std::vector{sts_record(true), other}, reporter());
    BOOST_REQUIRE_EQUAL(reports.size(), 2u);
    BOOST_TEST(reports[0].policy_domain == "a.example");
    BOOST_TEST(reports[1].policy_domain == "example.com");
    BOOST_TEST(reports[0].report_id != reports[1].report_id);
}

BOOST_AUTO_TEST_CASE(no_records_give_no_reports) {
    BOOST_TEST(build_daily_reports({}, reporter()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
