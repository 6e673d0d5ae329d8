// Tests engine/tlsrpt/failure_reason.hpp: the closed set of failure reasons and how each
// one is reported in TLS-RPT.
#include "engine/tlsrpt/failure_reason.hpp"

#include "tests/support/covers.hpp"

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

using sts::tlsrpt::classification;
using sts::tlsrpt::classify;
using sts::tlsrpt::failure_reason;
using sts::tlsrpt::policy_type;
using sts::tlsrpt::result_type;

namespace {

bool is_kebab_case(std::string_view text) {
    if (text.empty() || text.front() == '-' || text.back() == '-') return false;
    char previous = 0;
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok || (c == '-' && previous == '-')) return false;
        previous = c;
    }
    return true;
}

void check_all(std::initializer_list<failure_reason> reasons, result_type expected_result,
               std::optional<policy_type> expected_policy) {
    for (const auto reason : reasons) {
        BOOST_TEST_CONTEXT(to_string(reason)) {
            const classification c = classify(reason);
            BOOST_REQUIRE(c.result.has_value());
            BOOST_TEST(to_string(*c.result) == to_string(expected_result));
            BOOST_TEST((c.policy == expected_policy));
            BOOST_TEST(c.reportable());
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tlsrpt_failure_reason)

BOOST_AUTO_TEST_CASE(the_list_of_reasons_holds_every_enumerator_once_in_order) {
    const auto& all = sts::tlsrpt::all_failure_reasons;
    for (std::size_t i = 0; i < all.size(); ++i) {
        BOOST_TEST(static_cast<std::size_t>(all[i]) == i);
    }
    // The value after the last listed one is no enumerator: the list is not missing a
    // newer reason.
    BOOST_TEST(to_string(static_cast<failure_reason>(all.size())).empty());
}

BOOST_AUTO_TEST_CASE(every_reason_has_a_unique_kebab_case_name_that_parses_back) {
    std::set<std::string_view> names;
    for (const auto reason : sts::tlsrpt::all_failure_reasons) {
        const auto name = to_string(reason);
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST(is_kebab_case(name));
            BOOST_TEST(names.insert(name).second);
            const auto parsed = sts::tlsrpt::parse_failure_reason(name);
            BOOST_REQUIRE(parsed.has_value());
            BOOST_TEST((*parsed == reason));
        }
    }
    BOOST_TEST(!sts::tlsrpt::parse_failure_reason("").has_value());
    BOOST_TEST(!sts::tlsrpt::parse_failure_reason("MX-CONNECT-TIMEOUT").has_value());
}

BOOST_AUTO_TEST_CASE(every_reason_classifies_with_its_name_as_the_failure_reason_code) {
    for (const auto reason : sts::tlsrpt::all_failure_reasons) {
        const classification c = classify(reason);
        BOOST_TEST_CONTEXT(to_string(reason)) {
            BOOST_TEST(c.failure_reason_code == to_string(reason));
            BOOST_TEST(c.reportable() == c.result.has_value());
            // A reason that is not reported has no policy to file it under.
            if (!c.reportable()) BOOST_TEST(!c.policy.has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(every_rfc_result_type_is_produced_by_some_reason) {
    std::set<std::string_view> produced;
    for (const auto reason : sts::tlsrpt::all_failure_reasons) {
        if (const auto r = classify(reason).result) produced.insert(to_string(*r));
    }
    for (const auto type : sts::tlsrpt::all_result_types) {
        BOOST_TEST_CONTEXT(to_string(type)) { BOOST_TEST(produced.count(to_string(type)) == 1u); }
    }
}

BOOST_AUTO_TEST_CASE(certificate_not_trusted_and_validation_failure_carry_a_failure_reason_code,
                     *sts::test::covers("TLSRPT-29")) {
    std::size_t seen = 0;
    for (const auto reason : sts::tlsrpt::all_failure_reasons) {
        const classification c = classify(reason);
        if (c.result == result_type::certificate_not_trusted || c.result == result_type::validation_failure) {
            ++seen;
            BOOST_TEST_CONTEXT(to_string(reason)) { BOOST_TEST(!c.failure_reason_code.empty()); }
        }
    }
    BOOST_TEST(seen >= 2u);
    // An unknown CA in particular.
    BOOST_TEST(classify(failure_reason::mx_certificate_untrusted).failure_reason_code == "mx-certificate-untrusted");
}

BOOST_AUTO_TEST_CASE(transient_connection_failures_are_not_reported,
                     *sts::test::covers("TLSRPT-30", "STS-APPLY-18")) {
    for (const auto reason : {failure_reason::mx_connect_refused, failure_reason::mx_connect_timeout,
                              failure_reason::mx_connection_lost, failure_reason::smtp_timeout,
                              failure_reason::mx_lookup_failed, failure_reason::dane_tlsa_lookup_timeout,
                              failure_reason::smtp_command_transient_failure}) {
        BOOST_TEST_CONTEXT(to_string(reason)) { BOOST_TEST(!classify(reason).reportable()); }
    }
}

BOOST_AUTO_TEST_CASE(missing_refused_or_failed_starttls_is_starttls_not_supported,
                     *sts::test::covers("STS-APPLY-19", "STS-SEC-01")) {
    check_all({failure_reason::starttls_not_offered, failure_reason::starttls_refused_transient,
               failure_reason::starttls_refused_permanent, failure_reason::tls_handshake_failed},
              result_type::starttls_not_supported, std::nullopt);
}

BOOST_AUTO_TEST_CASE(policy_fetch_failures_are_sts_policy_fetch_error_under_sts,
                     *sts::test::covers("STS-FETCH-08", "STS-FETCH-09", "STS-FETCH-13", "STS-FETCH-14",
                                        "STS-FETCH-18", "STS-RPT-01")) {
    check_all({failure_reason::policy_http_status_not_200, failure_reason::policy_http_redirect,
               failure_reason::policy_fetch_timeout, failure_reason::policy_body_too_large,
               failure_reason::policy_host_not_found, failure_reason::policy_host_dns_failed,
               failure_reason::policy_host_connect_refused, failure_reason::policy_tls_handshake_failed,
               failure_reason::proxy_auth_required, failure_reason::proxy_bad_gateway,
               failure_reason::proxy_stalled},
              result_type::sts_policy_fetch_error, policy_type::sts);
}

BOOST_AUTO_TEST_CASE(failed_txt_lookup_is_reported_as_a_fetch_error, *sts::test::covers("STS-RPT-02")) {
    check_all({failure_reason::txt_lookup_failed}, result_type::sts_policy_fetch_error, policy_type::sts);
}

BOOST_AUTO_TEST_CASE(policy_host_certificate_problems_are_sts_webpki_invalid, *sts::test::covers("STS-FETCH-03")) {
    check_all({failure_reason::policy_certificate_self_signed, failure_reason::policy_certificate_expired,
               failure_reason::policy_certificate_untrusted, failure_reason::policy_certificate_name_mismatch,
               failure_reason::policy_certificate_not_yet_valid, failure_reason::policy_certificate_chain_incomplete},
              result_type::sts_webpki_invalid, policy_type::sts);
}

BOOST_AUTO_TEST_CASE(unparseable_policy_body_is_sts_policy_invalid, *sts::test::covers("STS-PARSE-18")) {
    check_all({failure_reason::policy_body_invalid}, result_type::sts_policy_invalid, policy_type::sts);
}

BOOST_AUTO_TEST_CASE(mx_certificate_failures_map_to_the_certificate_result_types,
                     *sts::test::covers("STS-APPLY-02", "STS-APPLY-03", "STS-APPLY-04")) {
    check_all({failure_reason::mx_certificate_expired}, result_type::certificate_expired, std::nullopt);
    check_all({failure_reason::mx_certificate_untrusted, failure_reason::mx_certificate_self_signed,
               failure_reason::mx_certificate_chain_incomplete},
              result_type::certificate_not_trusted, std::nullopt);
    check_all({failure_reason::mx_certificate_host_mismatch}, result_type::certificate_host_mismatch, std::nullopt);
}

BOOST_AUTO_TEST_CASE(mx_not_in_the_policy_is_validation_failure_with_the_mox_code,
                     *sts::test::covers("STS-RPT-04")) {
    const classification c = classify(failure_reason::mx_not_listed_in_policy);
    BOOST_TEST((c.result == result_type::validation_failure));
    BOOST_TEST((c.policy == policy_type::sts));
    BOOST_TEST(c.failure_reason_code == "mtasts-policy-mx-mismatch");
}

BOOST_AUTO_TEST_CASE(dane_failures_are_filed_under_tlsa, *sts::test::covers("DANE-30", "DANE-08", "DANE-14")) {
    check_all({failure_reason::dane_no_tlsa_match}, result_type::tlsa_invalid, policy_type::tlsa);
    check_all({failure_reason::dane_tlsa_lookup_bogus, failure_reason::dane_tlsa_lookup_failed,
               failure_reason::mx_rrset_bogus},
              result_type::dnssec_invalid, policy_type::tlsa);
    check_all({failure_reason::dane_required_no_usable_tlsa, failure_reason::dane_required_mx_insecure},
              result_type::dane_required, policy_type::tlsa);
}

BOOST_AUTO_TEST_SUITE_END()
