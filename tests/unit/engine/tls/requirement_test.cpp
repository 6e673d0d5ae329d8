// Tests engine/tls/requirement.hpp: the golden table of decide() over every combination of
// its inputs (tests/golden/tls_decision.tsv), invariants that must hold on every row, and
// targeted rows that carry the requirement ids they prove.
//
// Regenerate the golden file after an intended change, then review the diff line by line:
//   STS_UPDATE_GOLDEN=1 build/tests/unit_tests --run_test=tls_requirement
// (the case still fails once, so nobody forgets the review).
#include "engine/tls/requirement.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/engine/tls/enum_printing.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace sts::tls;
using sts::test::covers;
using sts::tlsrpt::failure_reason;
using sts::tlsrpt::policy_type;
using sts::tlsrpt::result_type;

namespace {

// Two representative names: a provider-hosted MX and the customer's domain, so the table
// shows which of them a certificate has to carry.
constexpr std::string_view mx_name = "mx1.hoster.example";
constexpr std::string_view domain_name = "customer.example";

const tls_setting all_tls[] = {tls_setting::no,
                               tls_setting::preferred,
                               tls_setting::required,
                               tls_setting::preferred_verify,
                               tls_setting::required_verify,
                               tls_setting::required_verify_hosted};
const dane_setting all_dane[] = {dane_setting::none, dane_setting::opportunistic,
                                 dane_setting::mandatory};
const std::optional<route_semantics> all_routes[] = {
    std::nullopt, route_semantics::gateway_bypass, route_semantics::rfc8461_smart_host};
const dane_outcome all_dane_outcomes[] = {dane_outcome::not_applicable, dane_outcome::mx_insecure,
                                          dane_outcome::mx_lookup_failed, dane_outcome::tlsa_usable,
                                          dane_outcome::tlsa_unusable, dane_outcome::lookup_failed};
const sts_outcome all_sts[] = {sts_outcome::no_policy,          sts_outcome::mode_none,
                               sts_outcome::testing_mx_match,   sts_outcome::testing_mx_mismatch,
                               sts_outcome::enforce_mx_match,   sts_outcome::enforce_mx_mismatch};

decision_input make_input(tls_setting tls, dane_setting dane, bool mta_sts, dane_outcome dane_result,
                          sts_outcome sts, std::optional<route_semantics> route = std::nullopt) {
    decision_input in;
    in.settings = profile{tls, dane, mta_sts};
    in.smtp_route = route;
    in.dane = dane_result;
    in.sts = sts;
    in.mx_host = mx_name;
    in.next_hop_domain = domain_name;
    return in;
}

// Calls f(input) for every combination, in the golden file's row order.
template <class F>
void for_each_input(F&& f) {
    for (auto tls : all_tls)
        for (auto dane : all_dane)
            for (bool mta_sts : {false, true})
                for (auto route : all_routes)
                    for (auto dane_result : all_dane_outcomes)
                        for (auto sts : all_sts) f(make_input(tls, dane, mta_sts, dane_result, sts, route));
}

std::string join(const std::vector<std::string>& names) {
    if (names.empty()) return "-";
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ',';
        out += n;
    }
    return out;
}

const char* const header =
    "tls\tdane\tmta_sts\troute\tdane_outcome\tsts_outcome\t"
    "action\tlevel\tnames\ttls_min\taudit\taudit_names\taudit_tls_min\ttlsrpt_policy\t"
    "pre_connect_report\trule\n";

std::string row(const decision_input& in) {
    const connection_requirement r = decide(in);
    std::ostringstream out;
    out << to_string(in.settings.tls) << '\t' << to_string(in.settings.dane) << '\t'
        << (in.settings.mta_sts ? "on" : "off") << '\t'
        << (in.smtp_route ? to_string(*in.smtp_route) : std::string_view("-")) << '\t'
        << to_string(in.dane) << '\t' << to_string(in.sts) << '\t' << to_string(r.what) << '\t'
        << to_string(r.security) << '\t' << join(r.reference_names) << '\t'
        << to_string(r.tls_version_min) << '\t' << to_string(r.audit) << '\t'
        << join(r.audit_names) << '\t'
        << (r.audit == audit_kind::none ? std::string_view("-") : to_string(r.audit_tls_version_min))
        << '\t' << to_string(r.report_policy) << '\t'
        << (r.report_result() ? to_string(*r.report_result()) : std::string_view("-")) << '\t'
        << to_string(r.rule) << '\n';
    return out.str();
}

std::string golden_table() {
    std::string out = header;
    for_each_input([&](const decision_input& in) { out += row(in); });
    return out;
}

const std::string golden_path = std::string(STS_SOURCE_DIR) + "/tests/golden/tls_decision.tsv";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool connects(action a) { return a != action::skip_mx && a != action::defer; }

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_requirement)

BOOST_AUTO_TEST_CASE(decide_matches_the_golden_table_for_every_input_combination) {
    const std::string actual = golden_table();
    if (const char* update = std::getenv("STS_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::ofstream(golden_path, std::ios::binary) << actual;
        BOOST_FAIL("rewrote " << golden_path << "; review the diff, then run again without STS_UPDATE_GOLDEN");
    }
    std::ifstream file(golden_path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(file, "cannot read " << golden_path);
    std::stringstream expected;
    expected << file.rdbuf();

    const auto want = lines_of(expected.str());
    const auto got = lines_of(actual);
    for (std::size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
        if (want[i] != got[i]) {
            BOOST_ERROR("first difference at " << golden_path << ':' << i + 1 << "\n  golden: "
                                               << want[i] << "\n  actual: " << got[i]);
            return;
        }
    }
    BOOST_TEST(want.size() == got.size(), "golden has " << want.size() << " lines, decide() gives " << got.size());
}

BOOST_AUTO_TEST_CASE(golden_table_has_one_row_per_combination) {
    BOOST_TEST(lines_of(golden_table()).size() == 1u + 6u * 3u * 2u * 3u * 6u * 6u);
}

BOOST_AUTO_TEST_CASE(every_rule_decides_at_least_one_combination) {
    std::set<std::string_view> reached;
    for_each_input([&](const decision_input& in) { reached.insert(to_string(decide(in).rule)); });
    for (int r = 0; r <= static_cast<int>(decision_rule::dane_unusable_tls_setting); ++r) {
        const auto name = to_string(static_cast<decision_rule>(r));
        BOOST_TEST(reached.count(name) == 1u, "rule " << name << " is never reached");
    }
}

BOOST_AUTO_TEST_CASE(level_always_agrees_with_the_action) {
    for_each_input([](const decision_input& in) {
        const auto r = decide(in);
        switch (r.what) {
            case action::no_tls: BOOST_TEST(!offers_tls(r.security)); break;
            case action::try_tls: BOOST_TEST(may_fall_back_to_clear(r.security)); BOOST_TEST(offers_tls(r.security)); break;
            case action::require_tls: BOOST_TEST((must_encrypt(r.security) && !must_authenticate(r.security))); break;
            case action::require_pkix:
                BOOST_TEST(must_verify_pkix(r.security));
                BOOST_TEST(!r.reference_names.empty());
                break;
            case action::require_dane:
                BOOST_TEST(dane_based(r.security));
                BOOST_TEST(!r.reference_names.empty());
                break;
            case action::skip_mx:
            case action::defer: BOOST_TEST(r.report_result().has_value()); break;
        }
        if (r.audit != audit_kind::none) BOOST_TEST(!r.audit_names.empty());
    });
}

BOOST_AUTO_TEST_CASE(tls_setting_no_never_negotiates_tls_whatever_dane_and_mta_sts_say) {
    for_each_input([](const decision_input& in) {
        if (in.settings.tls != tls_setting::no) return;
        const auto r = decide(in);
        BOOST_TEST(r.what == action::no_tls);
        BOOST_TEST(r.rule == decision_rule::tls_no);
    });
}

BOOST_AUTO_TEST_CASE(secure_tlsa_never_allows_clear_text_once_dane_is_in_force,
                     *covers("DANE-10", "DANE-11", "DANE-25")) {
    for_each_input([](const decision_input& in) {
        const bool dane_in_force = in.settings.tls != tls_setting::no &&
                                   in.settings.dane != dane_setting::none &&
                                   in.smtp_route != route_semantics::gateway_bypass;
        if (!dane_in_force) return;
        if (in.dane != dane_outcome::tlsa_usable && in.dane != dane_outcome::tlsa_unusable) return;
        BOOST_TEST(must_encrypt(decide(in).security));
    });
}

BOOST_AUTO_TEST_CASE(tlsa_lookup_failure_is_never_rescued_by_mta_sts, *covers("DANE-08", "STS-DANE-02", "DANE-37")) {
    for_each_input([](const decision_input& in) {
        if (in.settings.tls == tls_setting::no || in.settings.dane == dane_setting::none ||
            in.smtp_route == route_semantics::gateway_bypass || in.dane != dane_outcome::lookup_failed) {
            return;
        }
        const auto r = decide(in);
        BOOST_TEST(r.what == action::skip_mx);
        BOOST_TEST(r.report_result() == result_type::dnssec_invalid);
    });
}

BOOST_AUTO_TEST_CASE(enforce_policy_never_lets_an_unlisted_mx_through_without_dane,
                     *covers("STS-MX-01", "STS-APPLY-09", "STS-SEC-02")) {
    for_each_input([](const decision_input& in) {
        if (in.settings.tls == tls_setting::no || !in.settings.mta_sts ||
            in.smtp_route == route_semantics::gateway_bypass || in.sts != sts_outcome::enforce_mx_mismatch) {
            return;
        }
        const auto r = decide(in);
        const bool dane_used = in.settings.dane != dane_setting::none && in.dane == dane_outcome::tlsa_usable;
        if (!dane_used) BOOST_TEST(!connects(r.what));
    });
}

BOOST_AUTO_TEST_CASE(enforce_with_matching_mx_requires_pkix_for_the_mx_host_and_tls_1_2,
                     *covers("STS-APPLY-01", "STS-APPLY-04", "STS-APPLY-07", "STS-MX-02")) {
    for (auto tls : {tls_setting::preferred, tls_setting::required_verify, tls_setting::required_verify_hosted}) {
        const auto r = decide(make_input(tls, dane_setting::none, true, dane_outcome::not_applicable,
                                         sts_outcome::enforce_mx_match));
        BOOST_TEST(r.what == action::require_pkix);
        BOOST_TEST(r.reference_names == std::vector<std::string>{std::string(mx_name)},
                   boost::test_tools::per_element());
        BOOST_TEST(r.tls_version_min == version_floor::tls1_2);
        BOOST_TEST(r.report_policy == policy_type::sts);
        BOOST_TEST(r.rule == decision_rule::sts_enforce);
    }
}

BOOST_AUTO_TEST_CASE(enforce_skips_an_unlisted_mx_so_the_next_preference_is_tried,
                     *covers("STS-MX-01", "STS-MX-08", "STS-APPLY-09", "STS-APPLY-10")) {
    // MX [10 unlisted, 20 listed]: each host is decided on its own; the first is skipped
    // (not deferred: defer would stop the walk) and the second is used.
    auto first = make_input(tls_setting::preferred, dane_setting::none, true, dane_outcome::not_applicable,
                            sts_outcome::enforce_mx_mismatch);
    auto second = first;
    second.sts = sts_outcome::enforce_mx_match;
    const auto r1 = decide(first);
    BOOST_TEST(r1.what == action::skip_mx);
    BOOST_TEST(r1.report_result() == result_type::validation_failure);
    BOOST_TEST(r1.report_reason == failure_reason::mx_not_listed_in_policy);
    BOOST_TEST(r1.rule == decision_rule::sts_enforce_mx_mismatch);
    BOOST_TEST(decide(second).what == action::require_pkix);
}

BOOST_AUTO_TEST_CASE(testing_with_unlisted_mx_delivers_under_the_tls_setting_and_reports,
                     *covers("STS-APPLY-12", "STS-RPT-04")) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::none, true,
                                     dane_outcome::not_applicable, sts_outcome::testing_mx_mismatch));
    BOOST_TEST(r.what == action::try_tls);
    BOOST_TEST(r.report_policy == policy_type::sts);
    BOOST_TEST(r.report_result() == result_type::validation_failure);
    BOOST_TEST(r.rule == decision_rule::sts_testing_mx_mismatch);
}

BOOST_AUTO_TEST_CASE(testing_with_listed_mx_audits_the_policy_checks_without_enforcing_them,
                     *covers("STS-APPLY-12", "STS-RPT-03")) {
    const auto r = decide(make_input(tls_setting::required, dane_setting::none, true,
                                     dane_outcome::not_applicable, sts_outcome::testing_mx_match));
    BOOST_TEST(r.what == action::require_tls);
    BOOST_TEST(r.tls_version_min == version_floor::none);
    BOOST_TEST(r.audit == audit_kind::tlsrpt);
    BOOST_TEST(r.audit_names == std::vector<std::string>{std::string(mx_name)}, boost::test_tools::per_element());
    BOOST_TEST(r.audit_tls_version_min == version_floor::tls1_2);
    BOOST_TEST(!r.report_reason.has_value());
}

BOOST_AUTO_TEST_CASE(mode_none_behaves_as_if_there_were_no_policy, *covers("STS-APPLY-13", "STS-APPLY-17")) {
    for (auto tls : all_tls) {
        auto none = decide(make_input(tls, dane_setting::none, true, dane_outcome::not_applicable,
                                      sts_outcome::mode_none));
        auto absent = decide(make_input(tls, dane_setting::none, true, dane_outcome::not_applicable,
                                        sts_outcome::no_policy));
        BOOST_TEST(none.report_policy == policy_type::no_policy_found);
        none.rule = absent.rule;  // the rule names differ on purpose; nothing else may
        BOOST_TEST((none == absent));
    }
}

BOOST_AUTO_TEST_CASE(mta_sts_off_in_the_profile_ignores_any_policy) {
    for (auto sts : all_sts) {
        const auto r = decide(make_input(tls_setting::preferred, dane_setting::none, false,
                                         dane_outcome::not_applicable, sts));
        BOOST_TEST(r.what == action::try_tls);
        BOOST_TEST(r.rule == decision_rule::tls_setting);
    }
}

BOOST_AUTO_TEST_CASE(usable_tlsa_wins_over_an_enforce_policy_that_would_pass, *covers("STS-DANE-01", "DANE-10")) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, true,
                                     dane_outcome::tlsa_usable, sts_outcome::enforce_mx_match));
    BOOST_TEST(r.what == action::require_dane);
    BOOST_TEST(r.report_policy == policy_type::tlsa);
    BOOST_TEST(r.rule == decision_rule::dane_usable_sts_skipped);
}

BOOST_AUTO_TEST_CASE(usable_tlsa_is_used_even_for_an_mx_the_enforce_policy_does_not_list,
                     *covers("STS-DANE-03")) {
    // A20: the open case, decided for DANE precedence (docs/tls-decision.md).
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, true,
                                     dane_outcome::tlsa_usable, sts_outcome::enforce_mx_mismatch));
    BOOST_TEST(r.what == action::require_dane);
    BOOST_TEST(r.rule == decision_rule::dane_usable_over_sts_mx_mismatch);
}

BOOST_AUTO_TEST_CASE(dane_reference_names_are_the_tlsa_base_domain_then_the_next_hop, *covers("DANE-31", "DANE-23")) {
    auto in = make_input(tls_setting::preferred, dane_setting::opportunistic, false, dane_outcome::tlsa_usable,
                         sts_outcome::no_policy);
    in.tlsa_base_domain = "mx1.expanded.example";
    const std::vector<std::string> want{"mx1.expanded.example", std::string(domain_name)};
    BOOST_TEST(decide(in).reference_names == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bogus_mx_rrset_defers_the_whole_domain, *covers("DANE-05")) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, true,
                                     dane_outcome::mx_lookup_failed, sts_outcome::enforce_mx_match));
    BOOST_TEST(r.what == action::defer);
    BOOST_TEST(r.report_result() == result_type::dnssec_invalid);
}

BOOST_AUTO_TEST_CASE(tlsa_lookup_failure_skips_the_host_even_with_an_enforce_policy_listing_it,
                     *covers("DANE-08", "DANE-13", "STS-DANE-02", "DANE-02")) {
    const auto r = decide(make_input(tls_setting::required_verify_hosted, dane_setting::opportunistic, true,
                                     dane_outcome::lookup_failed, sts_outcome::enforce_mx_match));
    BOOST_TEST(r.what == action::skip_mx);
    BOOST_TEST(r.report_policy == policy_type::tlsa);
    BOOST_TEST(r.rule == decision_rule::dane_lookup_failed);
}

BOOST_AUTO_TEST_CASE(only_unusable_tlsa_makes_encryption_mandatory_without_authentication,
                     *covers("DANE-11", "DANE-25")) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, false,
                                     dane_outcome::tlsa_unusable, sts_outcome::no_policy));
    BOOST_TEST(r.what == action::require_tls);
    BOOST_TEST(r.security == level::encrypt);
    BOOST_TEST(r.report_policy == policy_type::tlsa);
    BOOST_TEST(r.rule == decision_rule::dane_unusable_tls_setting);
}

BOOST_AUTO_TEST_CASE(insecure_or_absent_tlsa_leaves_opportunistic_tls, *covers("DANE-04", "DANE-12", "DANE-19")) {
    for (auto o : {dane_outcome::not_applicable, dane_outcome::mx_insecure}) {
        const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, false, o,
                                         sts_outcome::no_policy));
        BOOST_TEST(r.what == action::try_tls);
        BOOST_TEST(r.rule == decision_rule::tls_setting);
    }
}

BOOST_AUTO_TEST_CASE(mandatory_dane_without_usable_tlsa_skips_the_host, *covers("DANE-14")) {
    for (auto o : {dane_outcome::not_applicable, dane_outcome::tlsa_unusable}) {
        const auto r = decide(make_input(tls_setting::preferred, dane_setting::mandatory, true, o,
                                         sts_outcome::enforce_mx_match));
        BOOST_TEST(r.what == action::skip_mx);
        BOOST_TEST(r.report_result() == result_type::dane_required);
    }
}

BOOST_AUTO_TEST_CASE(mandatory_dane_with_insecure_mx_rrset_defers_the_domain, *covers("DANE-17")) {
    const auto mandatory = decide(make_input(tls_setting::preferred, dane_setting::mandatory, false,
                                             dane_outcome::mx_insecure, sts_outcome::no_policy));
    BOOST_TEST(mandatory.what == action::defer);
    BOOST_TEST(mandatory.rule == decision_rule::dane_mandatory_mx_insecure);
    const auto opportunistic = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, false,
                                                 dane_outcome::mx_insecure, sts_outcome::no_policy));
    BOOST_TEST(opportunistic.what == action::try_tls);
}

BOOST_AUTO_TEST_CASE(opportunistic_dane_failing_falls_to_mta_sts_when_it_applies) {
    // seg-behaviour.md: "When MTA-STS does apply, it applies."
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::opportunistic, true,
                                     dane_outcome::not_applicable, sts_outcome::enforce_mx_match));
    BOOST_TEST(r.what == action::require_pkix);
    BOOST_TEST(r.rule == decision_rule::sts_enforce);
}

BOOST_AUTO_TEST_CASE(gateway_route_bypasses_mta_sts_and_dane) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::mandatory, true,
                                     dane_outcome::lookup_failed, sts_outcome::enforce_mx_mismatch,
                                     route_semantics::gateway_bypass));
    BOOST_TEST(r.what == action::try_tls);
    BOOST_TEST(r.rule == decision_rule::route_bypass);
}

BOOST_AUTO_TEST_CASE(rfc8461_smart_host_applies_the_relays_policy, *covers("STS-DISC-17")) {
    const auto r = decide(make_input(tls_setting::preferred, dane_setting::none, true, dane_outcome::not_applicable,
                                     sts_outcome::enforce_mx_mismatch, route_semantics::rfc8461_smart_host));
    BOOST_TEST(r.what == action::skip_mx);
    BOOST_TEST(r.rule == decision_rule::sts_enforce_mx_mismatch);
}

BOOST_AUTO_TEST_CASE(verify_settings_differ_only_in_the_reference_identity) {
    const auto verify = decide(make_input(tls_setting::required_verify, dane_setting::none, false,
                                          dane_outcome::not_applicable, sts_outcome::no_policy));
    const auto hosted = decide(make_input(tls_setting::required_verify_hosted, dane_setting::none, false,
                                          dane_outcome::not_applicable, sts_outcome::no_policy));
    BOOST_TEST(verify.what == action::require_pkix);
    BOOST_TEST(verify.reference_names == std::vector<std::string>{std::string(domain_name)},
               boost::test_tools::per_element());
    BOOST_TEST(hosted.reference_names == std::vector<std::string>{std::string(mx_name)},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(preferred_verify_checks_the_domain_but_only_logs_the_result) {
    const auto r = decide(make_input(tls_setting::preferred_verify, dane_setting::none, false,
                                     dane_outcome::not_applicable, sts_outcome::no_policy));
    BOOST_TEST(r.what == action::try_tls);
    BOOST_TEST(r.audit == audit_kind::log_only);
    BOOST_TEST(r.audit_names == std::vector<std::string>{std::string(domain_name)},
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(security_levels_are_ordered_with_named_predicates) {
    BOOST_TEST(!offers_tls(level::none));
    BOOST_TEST((offers_tls(level::may) && may_fall_back_to_clear(level::may) && !must_encrypt(level::may)));
    BOOST_TEST((must_encrypt(level::encrypt) && !must_authenticate(level::encrypt)));
    BOOST_TEST((must_verify_pkix(level::verify) && !dane_based(level::verify)));
    BOOST_TEST((dane_based(level::dane) && must_authenticate(level::dane) && !must_verify_pkix(level::dane)));
    BOOST_TEST(!may_fall_back_to_clear(level::encrypt));
}

BOOST_AUTO_TEST_CASE(every_failure_known_before_connecting_is_filed_as_requirements_11_3_says,
                     *covers("STS-RPT-04", "DANE-05", "DANE-08", "DANE-14", "DANE-17")) {
    // requirements.md §11.3 (A17, A21), written out here rather than read from
    // tlsrpt::classify(), so that decide() and classify() are both checked against it.
    struct filing {
        result_type result;
        policy_type policy;
    };
    const std::map<failure_reason, filing> expected{
        {failure_reason::mx_not_listed_in_policy, {result_type::validation_failure, policy_type::sts}},
        {failure_reason::mx_rrset_bogus, {result_type::dnssec_invalid, policy_type::tlsa}},
        {failure_reason::dane_tlsa_lookup_failed, {result_type::dnssec_invalid, policy_type::tlsa}},
        {failure_reason::dane_required_mx_insecure, {result_type::dane_required, policy_type::tlsa}},
        {failure_reason::dane_required_no_usable_tlsa, {result_type::dane_required, policy_type::tlsa}},
    };
    std::set<failure_reason> reached;
    for_each_input([&](const decision_input& in) {
        const auto r = decide(in);
        if (!r.report_reason) return;
        reached.insert(*r.report_reason);
        const auto want = expected.find(*r.report_reason);
        BOOST_TEST_CONTEXT(row(in)) {
            BOOST_REQUIRE(want != expected.end());
            BOOST_TEST(r.report_result() == want->second.result);
            BOOST_TEST(r.report_policy == want->second.policy);
            // The policy type decide() records agrees with the one classify() files the
            // reason under.
            BOOST_TEST(sts::tlsrpt::classify(*r.report_reason).policy == std::optional(r.report_policy));
        }
    });
    BOOST_TEST(reached.size() == expected.size());
}

BOOST_AUTO_TEST_SUITE_END()
