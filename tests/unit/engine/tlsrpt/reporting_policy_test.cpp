// Tests engine/tlsrpt/reporting_policy.hpp: the _smtp._tls TXT record of RFC 8460 §3.
#include "engine/tlsrpt/reporting_policy.hpp"

#include "tests/support/covers.hpp"

#include <random>
#include <string>
#include <vector>

using sts::tlsrpt::discover_reporting_policy;
using sts::tlsrpt::parse_reporting_policy;
using sts::tlsrpt::reporting_discovery_status;
using sts::tlsrpt::rua_scheme;

namespace {

using rrset = std::vector<std::vector<std::string>>;

// The requirement ids of a refusal, for checking that the right rule refused it.
bool refused_for(std::string_view text, std::string_view requirement) {
    const auto parsed = parse_reporting_policy(text);
    if (parsed.has_value()) return false;
    for (const auto& f : parsed.error()) {
        if (f.requirement == requirement) return true;
    }
    return false;
}

bool accepted(std::string_view text) { return parse_reporting_policy(text).has_value(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_reporting_policy)

BOOST_AUTO_TEST_CASE(the_policy_lives_under_smtp_tls_of_the_policy_domain, *sts::test::covers("TLSRPT-01")) {
    BOOST_TEST(sts::tlsrpt::reporting_policy_owner("example.com") == "_smtp._tls.example.com");
    BOOST_TEST(sts::tlsrpt::reporting_policy_owner("example.com.") == "_smtp._tls.example.com");
}

BOOST_AUTO_TEST_CASE(a_minimal_record_with_one_mailto_uri_is_accepted, *sts::test::covers("TLSRPT-03")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1; rua=mailto:reports@example.com");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->rua.size(), 1u);
    BOOST_TEST((parsed->rua[0].scheme == rua_scheme::mailto));
    BOOST_TEST(parsed->rua[0].uri == "mailto:reports@example.com");
    BOOST_TEST(parsed->rua[0].mailbox == "reports@example.com");
    BOOST_TEST(parsed->notes.empty());
}

BOOST_AUTO_TEST_CASE(a_comma_list_with_whitespace_gives_every_endpoint_in_order, *sts::test::covers("TLSRPT-03")) {
    const auto parsed =
        parse_reporting_policy("v=TLSRPTv1; rua=mailto:a@x.example ,\t https://r.example/p?x=1 , mailto:b@y.example");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->rua.size(), 3u);
    BOOST_TEST(parsed->rua[0].uri == "mailto:a@x.example");
    BOOST_TEST((parsed->rua[1].scheme == rua_scheme::https));
    BOOST_TEST(parsed->rua[1].uri == "https://r.example/p?x=1");
    BOOST_TEST(parsed->rua[1].mailbox.empty());
    BOOST_TEST(parsed->rua[2].mailbox == "b@y.example");
}

BOOST_AUTO_TEST_CASE(a_record_without_rua_is_invalid, *sts::test::covers("TLSRPT-03")) {
    BOOST_TEST(refused_for("v=TLSRPTv1;", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; ext=1", "TLSRPT-03"));
    // Keys are case-sensitive: "RUA" is an unknown field, so rua is still missing.
    BOOST_TEST(refused_for("v=TLSRPTv1; RUA=mailto:a@x.example", "TLSRPT-03"));
}

BOOST_AUTO_TEST_CASE(uris_of_other_schemes_are_ignored_with_a_note, *sts::test::covers("TLSRPT-03")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1; rua=ftp://r.example/x, mailto:r@x.example");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->rua.size(), 1u);
    BOOST_TEST(parsed->rua[0].uri == "mailto:r@x.example");
    BOOST_REQUIRE_EQUAL(parsed->notes.size(), 1u);
    BOOST_TEST(parsed->notes[0].requirement == "TLSRPT-03");
}

BOOST_AUTO_TEST_CASE(a_rua_with_no_usable_scheme_makes_the_record_invalid, *sts::test::covers("TLSRPT-03")) {
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=ftp://r.example/x", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=http://r.example/x, tel:+15551234", "TLSRPT-03"));
}

BOOST_AUTO_TEST_CASE(schemes_are_case_insensitive, *sts::test::covers("TLSRPT-03")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1;rua=MAILTO:r@x.example,HTTPS://r.example/");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->rua.size(), 2u);
    BOOST_TEST((parsed->rua[0].scheme == rua_scheme::mailto));
    BOOST_TEST((parsed->rua[1].scheme == rua_scheme::https));
}

BOOST_AUTO_TEST_CASE(bang_comma_and_semicolon_inside_a_uri_must_be_percent_encoded, *sts::test::covers("TLSRPT-03")) {
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:a!b@x.example", "TLSRPT-03"));
    BOOST_TEST(accepted("v=TLSRPTv1; rua=mailto:a%21b@x.example"));
    BOOST_TEST(accepted("v=TLSRPTv1; rua=https://r.example/a%2Cb%3Bc"));
    // An unencoded ',' splits the URI; the second half is no URI at all.
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=https://r.example/a,b", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:a%2@x.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:a%zz@x.example", "TLSRPT-03"));
}

BOOST_AUTO_TEST_CASE(malformed_endpoints_are_refused, *sts::test::covers("TLSRPT-03")) {
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:a@x.example,", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:nobody", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:@x.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=https:/r.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=https://", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=r@x.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:a b@x.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r\xC3\xA9@x.example", "TLSRPT-03"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=1mailto:r@x.example", "TLSRPT-03"));
}

BOOST_AUTO_TEST_CASE(a_too_long_uri_is_refused) {
    const std::string uri = "https://r.example/" + std::string(5000, 'a');
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=" + uri, "TLSRPT-03"));
}

BOOST_AUTO_TEST_CASE(only_a_bounded_number_of_endpoints_is_kept, *sts::test::covers("TLSRPT-07")) {
    std::string text = "v=TLSRPTv1; rua=mailto:r0@x.example";
    for (int i = 1; i < 100; ++i) text += ",mailto:r" + std::to_string(i) + "@x.example";
    const auto parsed = parse_reporting_policy(text);
    BOOST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->rua.size() == 16u);
    BOOST_TEST(parsed->rua.front().uri == "mailto:r0@x.example");
    BOOST_TEST(!parsed->notes.empty());
}

BOOST_AUTO_TEST_CASE(a_second_rua_field_is_ignored_with_a_note, *sts::test::covers("TLSRPT-03")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1; rua=mailto:a@x.example; rua=mailto:b@x.example");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->rua.size(), 1u);
    BOOST_TEST(parsed->rua[0].mailbox == "a@x.example");
    BOOST_TEST(parsed->notes.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_version_is_case_sensitive_and_first, *sts::test::covers("TLSRPT-02")) {
    BOOST_TEST(refused_for("v=tlsrptv1; rua=mailto:r@x.example", "TLSRPT-02"));
    BOOST_TEST(refused_for("V=TLSRPTv1; rua=mailto:r@x.example", "TLSRPT-02"));
    BOOST_TEST(refused_for("rua=mailto:r@x.example; v=TLSRPTv1", "TLSRPT-02"));
    BOOST_TEST(refused_for("v=TLSRPTv2; rua=mailto:r@x.example", "TLSRPT-02"));
    BOOST_TEST(refused_for("v=TLSRPTv10; rua=mailto:r@x.example", "TLSRPT-02"));
    BOOST_TEST(refused_for("v=TLSRPTv1 x; rua=mailto:r@x.example", "TLSRPT-02"));
    BOOST_TEST(accepted("v=TLSRPTv1 ;rua=mailto:r@x.example"));
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_accepted_and_kept_aside, *sts::test::covers("TLSRPT-06")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1; rua=mailto:r@x.example; foo=bar; x-y.z_1=a:b");
    BOOST_REQUIRE(parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed->extensions.size(), 2u);
    BOOST_TEST(parsed->extensions[0].first == "foo");
    BOOST_TEST(parsed->extensions[0].second == "bar");
    BOOST_TEST(parsed->extensions[1].first == "x-y.z_1");
    BOOST_TEST(parsed->rua.size() == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_fields_must_follow_the_extension_grammar, *sts::test::covers("TLSRPT-06")) {
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; foo", "TLSRPT-06"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; foo=", "TLSRPT-06"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; -foo=bar", "TLSRPT-06"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; foo=b ar", "TLSRPT-06"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; foo=a=b", "TLSRPT-06"));
    BOOST_TEST(refused_for("v=TLSRPTv1; rua=mailto:r@x.example; " + std::string(33, 'n') + "=v", "TLSRPT-06"));
    BOOST_TEST(accepted("v=TLSRPTv1; rua=mailto:r@x.example; " + std::string(32, 'n') + "=v"));
}

BOOST_AUTO_TEST_CASE(delimiters_follow_the_abnf, *sts::test::covers("TLSRPT-03")) {
    BOOST_TEST(accepted("v=TLSRPTv1;rua=mailto:r@x.example;"));
    BOOST_TEST(accepted("v=TLSRPTv1;\trua=mailto:r@x.example \t; \t"));
    BOOST_TEST(!accepted("v=TLSRPTv1;; rua=mailto:r@x.example"));
    BOOST_TEST(!accepted("v=TLSRPTv1; rua=mailto:r@x.example;;"));
    BOOST_TEST(!accepted("v=TLSRPTv1; rua=mailto:r@x.example "));
}

BOOST_AUTO_TEST_CASE(findings_carry_the_column_of_the_problem, *sts::test::covers("TLSRPT-03")) {
    const auto parsed = parse_reporting_policy("v=TLSRPTv1; rua=mailto:a!b@x.example");
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_REQUIRE_EQUAL(parsed.error().size(), 1u);
    BOOST_TEST(parsed.error()[0].column == 25u);  // the '!'
}

BOOST_AUTO_TEST_CASE(discovery_finds_the_one_record_among_others, *sts::test::covers("TLSRPT-04")) {
    const rrset set{{"v=spf1 -all"}, {"v=TLSRPTv1; rua=mailto:r@x.example"}, {"google-site-verification=abc"}};
    const auto d = discover_reporting_policy(set);
    BOOST_TEST((d.status == reporting_discovery_status::found));
    BOOST_REQUIRE(d.policy.has_value());
    BOOST_TEST(d.policy->rua.size() == 1u);
    BOOST_TEST(d.findings.size() == 2u);  // the two records set aside
    BOOST_TEST(d.findings[1].line == 3u);
}

BOOST_AUTO_TEST_CASE(two_tlsrpt_records_mean_no_tlsrpt, *sts::test::covers("TLSRPT-04")) {
    const rrset set{{"v=TLSRPTv1; rua=mailto:a@x.example"}, {"v=TLSRPTv1; rua=mailto:b@x.example"}};
    const auto d = discover_reporting_policy(set);
    BOOST_TEST((d.status == reporting_discovery_status::multiple_records));
    BOOST_TEST(!d.policy.has_value());
}

BOOST_AUTO_TEST_CASE(records_not_beginning_with_the_exact_prefix_are_dropped, *sts::test::covers("TLSRPT-04", "TLSRPT-02")) {
    // "v=TLSRPTv1 ;" and the wrong case do not begin with "v=TLSRPTv1;": they are not
    // counted, so the one valid record stands alone.
    const rrset set{{"v=tlsrptv1; rua=mailto:a@x.example"}, {"v=TLSRPTv1 ; rua=mailto:b@x.example"},
                    {"v=TLSRPTv1; rua=mailto:c@x.example"}};
    const auto d = discover_reporting_policy(set);
    BOOST_TEST((d.status == reporting_discovery_status::found));
    BOOST_REQUIRE(d.policy.has_value());
    BOOST_TEST(d.policy->rua[0].mailbox == "c@x.example");
    BOOST_TEST(d.findings[0].requirement == "TLSRPT-02");

    const rrset only_wrong_case{{"v=tlsrptv1; rua=mailto:a@x.example"}};
    BOOST_TEST((discover_reporting_policy(only_wrong_case).status == reporting_discovery_status::no_record));
}

BOOST_AUTO_TEST_CASE(an_empty_rrset_has_no_record, *sts::test::covers("TLSRPT-04")) {
    const rrset empty;
    BOOST_TEST((discover_reporting_policy(empty).status == reporting_discovery_status::no_record));
}

BOOST_AUTO_TEST_CASE(one_invalid_record_means_no_tlsrpt, *sts::test::covers("TLSRPT-04", "TLSRPT-03")) {
    const rrset set{{"v=TLSRPTv1;"}};
    const auto d = discover_reporting_policy(set);
    BOOST_TEST((d.status == reporting_discovery_status::invalid_record));
    BOOST_REQUIRE(!d.findings.empty());
    BOOST_TEST(d.findings[0].line == 1u);
    BOOST_TEST(d.findings[0].requirement == "TLSRPT-03");
}

BOOST_AUTO_TEST_CASE(strings_are_joined_without_spaces_at_every_split, *sts::test::covers("TLSRPT-05")) {
    const std::string text = "v=TLSRPTv1;rua=mailto:r@x.example, https://r.example/p";
    for (std::size_t a = 0; a <= text.size(); ++a) {
        for (std::size_t b = a; b <= text.size(); ++b) {
            const rrset set{{text.substr(0, a), text.substr(a, b - a), text.substr(b)}};
            const auto d = discover_reporting_policy(set);
            BOOST_TEST_CONTEXT("split at " << a << "," << b) {
                BOOST_TEST((d.status == reporting_discovery_status::found));
                BOOST_REQUIRE(d.policy.has_value());
                BOOST_TEST(d.policy->rua.size() == 2u);
                BOOST_TEST(d.policy->rua[0].mailbox == "r@x.example");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(the_rfc_example_split_is_valid, *sts::test::covers("TLSRPT-05")) {
    const rrset set{{"v=TLSRPTv1;rua=mai", "lto:r@x.example"}};
    BOOST_TEST((discover_reporting_policy(set).status == reporting_discovery_status::found));
    // A space inserted at the join would break the URI.
    const rrset spaced{{"v=TLSRPTv1;rua=mai", " lto:r@x.example"}};
    BOOST_TEST((discover_reporting_policy(spaced).status == reporting_discovery_status::invalid_record));
}

BOOST_AUTO_TEST_CASE(oversized_rrsets_are_refused_before_parsing, *sts::test::covers("TLSRPT-04")) {
    const rrset many(65, std::vector<std::string>{"v=TLSRPTv1; rua=mailto:r@x.example"});
    BOOST_TEST((discover_reporting_policy(many).status == reporting_discovery_status::oversized_rrset));
    const rrset long_record{{"v=TLSRPTv1; rua=mailto:r@x.example; x=", std::string(70000, 'a')}};
    BOOST_TEST((discover_reporting_policy(long_record).status == reporting_discovery_status::oversized_rrset));
    BOOST_TEST(!accepted("v=TLSRPTv1; rua=mailto:r@x.example; x=" + std::string(70000, 'a')));
}

BOOST_AUTO_TEST_CASE(hostile_input_gives_bounded_findings) {
    std::string semicolons = "v=TLSRPTv1";
    semicolons.append(60000, ';');
    const auto parsed = parse_reporting_policy(semicolons);
    BOOST_REQUIRE(!parsed.has_value());
    BOOST_TEST(parsed.error().size() <= 16u);

    std::string commas = "v=TLSRPTv1; rua=";
    commas.append(60000, ',');
    const auto parsed_commas = parse_reporting_policy(commas);
    BOOST_REQUIRE(!parsed_commas.has_value());
    BOOST_TEST(parsed_commas.error().size() <= 16u);

    std::mt19937 gen(8460);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 500; ++round) {
        std::string text = round % 2 == 0 ? "v=TLSRPTv1;" : "";
        const int length = byte(gen) * 4;
        for (int i = 0; i < length; ++i) text += static_cast<char>(byte(gen));
        const auto result = parse_reporting_policy(text);
        if (!result.has_value()) {
            BOOST_TEST(!result.error().empty());
            BOOST_TEST(result.error().size() <= 16u);
            for (const auto& f : result.error()) {
                for (const char c : f.detail) BOOST_TEST((c >= 0x20 && c < 0x7f));
            }
        }
        const rrset set{{text}};
        (void)discover_reporting_policy(set);
    }
}

BOOST_AUTO_TEST_SUITE_END()
