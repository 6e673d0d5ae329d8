// Tests engine/tls/verdict.hpp: what a requirement from decide() makes of a handshake.
#include "engine/tls/verdict.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/engine/tls/enum_printing.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

using namespace sts::tls;
using sts::test::covers;
using sts::tlsrpt::failure_reason;
using sts::tlsrpt::result_type;

namespace {

connection_requirement require(tls_setting tls, dane_setting dane, dane_outcome dane_result, sts_outcome sts) {
    decision_input in;
    in.settings = profile{tls, dane, true};
    in.dane = dane_result;
    in.sts = sts;
    in.mx_host = "mx1.example.com";
    in.next_hop_domain = "example.com";
    return decide(in);
}

connection_requirement enforce() {
    return require(tls_setting::preferred, dane_setting::none, dane_outcome::not_applicable,
                   sts_outcome::enforce_mx_match);
}
connection_requirement testing() {
    return require(tls_setting::preferred, dane_setting::none, dane_outcome::not_applicable,
                   sts_outcome::testing_mx_match);
}
connection_requirement dane_usable() {
    return require(tls_setting::preferred, dane_setting::opportunistic, dane_outcome::tlsa_usable,
                   sts_outcome::enforce_mx_match);
}

connection_verdict refused_and_reported(failure_reason reason) {
    return connection_verdict{next_step::refuse, reason, reason};
}

handshake_facts good() { return handshake_facts{}; }
handshake_facts with_starttls(starttls_result s) {
    handshake_facts f;
    f.starttls = s;
    return f;
}
handshake_facts with_chain(chain_status c) {
    handshake_facts f;
    f.chain = c;
    return f;
}

// Every requirement decide() can give for one MX host and domain, without repeats.
std::vector<connection_requirement> every_requirement() {
    std::vector<connection_requirement> out;
    for (auto tls : {tls_setting::no, tls_setting::preferred, tls_setting::required, tls_setting::preferred_verify,
                     tls_setting::required_verify, tls_setting::required_verify_hosted})
        for (auto dane : {dane_setting::none, dane_setting::opportunistic, dane_setting::mandatory})
            for (auto dane_result : {dane_outcome::not_applicable, dane_outcome::mx_insecure,
                                     dane_outcome::mx_lookup_failed, dane_outcome::tlsa_usable,
                                     dane_outcome::tlsa_unusable, dane_outcome::lookup_failed})
                for (auto sts : {sts_outcome::no_policy, sts_outcome::mode_none, sts_outcome::testing_mx_match,
                                 sts_outcome::testing_mx_mismatch, sts_outcome::enforce_mx_match,
                                 sts_outcome::enforce_mx_mismatch}) {
                    auto r = require(tls, dane, dane_result, sts);
                    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
                }
    return out;
}

// Every combination of handshake facts.
std::vector<handshake_facts> every_handshake() {
    std::vector<handshake_facts> out;
    for (auto s : {starttls_result::not_offered, starttls_result::refused_transient,
                   starttls_result::refused_permanent, starttls_result::handshake_failed,
                   starttls_result::established})
        for (auto v : {tls_version::ssl3, tls_version::tls1_0, tls_version::tls1_1, tls_version::tls1_2,
                       tls_version::tls1_3})
            for (auto c : {chain_status::trusted, chain_status::expired, chain_status::untrusted})
                for (bool reference : {true, false})
                    for (bool audit : {true, false})
                        for (bool tlsa : {true, false}) {
                            out.push_back(handshake_facts{s, v, c, reference, audit, tlsa});
                        }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tls_verdict)

BOOST_AUTO_TEST_CASE(enforce_delivers_over_a_valid_session, *covers("STS-APPLY-01", "STS-APPLY-07")) {
    for (auto v : {tls_version::tls1_2, tls_version::tls1_3}) {
        auto f = good();
        f.version = v;
        BOOST_TEST((evaluate(enforce(), f) == connection_verdict{next_step::deliver, std::nullopt, std::nullopt}));
    }
}

BOOST_AUTO_TEST_CASE(enforce_refuses_and_reports_each_certificate_failure,
                     *covers("STS-APPLY-02", "STS-APPLY-03", "STS-APPLY-04", "STS-SEC-03")) {
    const auto expired = evaluate(enforce(), with_chain(chain_status::expired));
    BOOST_TEST((expired == refused_and_reported(failure_reason::mx_certificate_expired)));
    BOOST_TEST(expired.tlsrpt_result() == result_type::certificate_expired);
    const auto untrusted = evaluate(enforce(), with_chain(chain_status::untrusted));
    BOOST_TEST((untrusted == refused_and_reported(failure_reason::mx_certificate_untrusted)));
    BOOST_TEST(untrusted.tlsrpt_result() == result_type::certificate_not_trusted);
    auto wrong_name = good();
    wrong_name.reference_name_match = false;
    const auto mismatch = evaluate(enforce(), wrong_name);
    BOOST_TEST((mismatch == refused_and_reported(failure_reason::mx_certificate_host_mismatch)));
    BOOST_TEST(mismatch.tlsrpt_result() == result_type::certificate_host_mismatch);
}

BOOST_AUTO_TEST_CASE(enforce_never_falls_back_to_clear_when_starttls_fails,
                     *covers("STS-APPLY-09", "STS-APPLY-19", "STS-SEC-01")) {
    for (auto s : {starttls_result::not_offered, starttls_result::refused_transient,
                   starttls_result::refused_permanent, starttls_result::handshake_failed}) {
        const auto v = evaluate(enforce(), with_starttls(s));
        BOOST_TEST((v.what == next_step::refuse));
        BOOST_TEST(v.tlsrpt_result() == result_type::starttls_not_supported);
    }
}

BOOST_AUTO_TEST_CASE(enforce_refuses_tls_below_1_2, *covers("STS-APPLY-08")) {
    auto f = good();
    f.version = tls_version::tls1_0;
    const auto v = evaluate(enforce(), f);
    BOOST_TEST((v.what == next_step::refuse));
    BOOST_TEST(v.failure == failure_reason::tls_version_too_old);
    BOOST_TEST(v.tlsrpt_result() == result_type::validation_failure);
}

BOOST_AUTO_TEST_CASE(testing_delivers_despite_failures_and_reports_them, *covers("STS-APPLY-12", "STS-RPT-03")) {
    const auto v = evaluate(testing(), with_chain(chain_status::expired));
    BOOST_TEST((v == connection_verdict{next_step::deliver_and_report, failure_reason::mx_certificate_expired,
                                        failure_reason::mx_certificate_expired}));
    BOOST_TEST(v.tlsrpt_result() == result_type::certificate_expired);
    auto old = good();
    old.version = tls_version::tls1_1;
    BOOST_TEST((evaluate(testing(), old).what == next_step::deliver_and_report));
    BOOST_TEST((evaluate(testing(), good()).what == next_step::deliver));
}

BOOST_AUTO_TEST_CASE(testing_falls_back_to_clear_without_starttls_and_reports_it, *covers("STS-APPLY-12")) {
    // A24: testing mail goes out as if MTA-STS had not failed, clear text included.
    const auto v = evaluate(testing(), with_starttls(starttls_result::not_offered));
    BOOST_TEST((v == connection_verdict{next_step::fall_back_to_clear, failure_reason::starttls_not_offered,
                                        failure_reason::starttls_not_offered}));
    BOOST_TEST(v.tlsrpt_result() == result_type::starttls_not_supported);
}

BOOST_AUTO_TEST_CASE(testing_with_unlisted_mx_reports_nothing_more_after_connecting, *covers("STS-APPLY-12")) {
    const auto req = require(tls_setting::preferred, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::testing_mx_mismatch);
    const auto v = evaluate(req, with_chain(chain_status::untrusted));
    BOOST_TEST((v.what == next_step::deliver));
    BOOST_TEST(!v.reported.has_value());
}

BOOST_AUTO_TEST_CASE(mode_none_delivers_over_a_bad_certificate_without_a_report,
                     *covers("STS-APPLY-13", "STS-RPT-03")) {
    const auto req = require(tls_setting::preferred, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::mode_none);
    BOOST_TEST((evaluate(req, with_chain(chain_status::untrusted)) ==
                connection_verdict{next_step::deliver, std::nullopt, std::nullopt}));
}

BOOST_AUTO_TEST_CASE(preferred_falls_back_to_clear_only_before_the_220) {
    const auto req = require(tls_setting::preferred, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::no_policy);
    BOOST_TEST((evaluate(req, with_starttls(starttls_result::not_offered)).what == next_step::fall_back_to_clear));
    for (auto s : {starttls_result::refused_transient, starttls_result::refused_permanent}) {
        BOOST_TEST((evaluate(req, with_starttls(s)).what == next_step::fall_back_to_clear));
    }
    const auto after = evaluate(req, with_starttls(starttls_result::handshake_failed));
    BOOST_TEST((after.what == next_step::refuse));
    BOOST_TEST(after.failure == failure_reason::tls_handshake_failed);
    BOOST_TEST(!after.reported.has_value());
}

BOOST_AUTO_TEST_CASE(preferred_verify_logs_a_failed_verification_and_delivers) {
    const auto req = require(tls_setting::preferred_verify, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::no_policy);
    auto f = good();
    f.audit_name_match = false;
    BOOST_TEST((evaluate(req, f) == connection_verdict{next_step::deliver_and_report,
                                                       failure_reason::mx_certificate_host_mismatch, std::nullopt}));
    BOOST_TEST((evaluate(req, with_starttls(starttls_result::not_offered)).what == next_step::fall_back_to_clear));
}

BOOST_AUTO_TEST_CASE(required_verify_refuses_a_hosted_domain_certificate) {
    // The product's troubleshooting case: "peer cert does not match domain" → use setting 6.
    const auto req = require(tls_setting::required_verify, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::no_policy);
    auto f = good();
    f.reference_name_match = false;
    const auto v = evaluate(req, f);
    BOOST_TEST((v.what == next_step::refuse));
    BOOST_REQUIRE(v.failure.has_value());
    BOOST_TEST(log_wording(*v.failure) == "peer cert does not match domain");
    BOOST_TEST(!v.reported.has_value());
}

BOOST_AUTO_TEST_CASE(required_verify_under_testing_reports_only_the_policys_own_check, *covers("STS-APPLY-12")) {
    // The profile checks the domain and refuses; the testing policy checks the MX host,
    // which matched, so the TLS-RPT report has nothing to say.
    const auto req = require(tls_setting::required_verify, dane_setting::none, dane_outcome::not_applicable,
                             sts_outcome::testing_mx_match);
    auto f = good();
    f.reference_name_match = false;
    const auto v = evaluate(req, f);
    BOOST_TEST((v.what == next_step::refuse));
    BOOST_TEST(!v.reported.has_value());
}

BOOST_AUTO_TEST_CASE(dane_mismatch_refuses_even_with_a_valid_webpki_certificate,
                     *covers("STS-DANE-01", "DANE-30", "DANE-36")) {
    auto f = good();
    f.tlsa_match = false;
    const auto v = evaluate(dane_usable(), f);
    BOOST_TEST((v == refused_and_reported(failure_reason::dane_no_tlsa_match)));
    BOOST_TEST(v.tlsrpt_result() == result_type::tlsa_invalid);
}

BOOST_AUTO_TEST_CASE(dane_match_ignores_expiry_and_names, *covers("DANE-26", "DANE-27")) {
    auto f = with_chain(chain_status::expired);
    f.reference_name_match = false;
    BOOST_TEST((evaluate(dane_usable(), f).what == next_step::deliver));
}

BOOST_AUTO_TEST_CASE(dane_without_starttls_never_goes_clear, *covers("DANE-10", "DANE-25")) {
    const auto usable = evaluate(dane_usable(), with_starttls(starttls_result::not_offered));
    BOOST_TEST((usable == refused_and_reported(failure_reason::starttls_not_offered)));
    const auto unusable = require(tls_setting::preferred, dane_setting::opportunistic, dane_outcome::tlsa_unusable,
                                  sts_outcome::no_policy);
    BOOST_TEST((evaluate(unusable, with_starttls(starttls_result::not_offered)).what == next_step::refuse));
}

BOOST_AUTO_TEST_CASE(unusable_tlsa_accepts_an_unauthenticated_session, *covers("DANE-11")) {
    const auto req = require(tls_setting::preferred, dane_setting::opportunistic, dane_outcome::tlsa_unusable,
                             sts_outcome::no_policy);
    auto f = with_chain(chain_status::untrusted);
    f.reference_name_match = false;
    BOOST_TEST((evaluate(req, f) == connection_verdict{next_step::deliver, std::nullopt, std::nullopt}));
}

BOOST_AUTO_TEST_CASE(hosts_that_must_not_be_contacted_are_refused, *covers("DANE-37")) {
    const auto req = require(tls_setting::preferred, dane_setting::opportunistic, dane_outcome::lookup_failed,
                             sts_outcome::no_policy);
    const auto v = evaluate(req, good());
    BOOST_TEST((v.what == next_step::refuse));
    // The reason decide() gave, already recorded before connecting: not reported twice.
    BOOST_TEST(v.failure == failure_reason::dane_tlsa_lookup_failed);
    BOOST_TEST(!v.reported.has_value());
}

BOOST_AUTO_TEST_CASE(every_failure_the_verdict_can_give_classifies_to_the_result_type_it_reports,
                     *covers("STS-RPT-03", "STS-APPLY-19", "DANE-30", "TLSRPT-29")) {
    // requirements.md §11.3 and the documented interpretations (STS-APPLY-19: a failed
    // handshake is "no STARTTLS"; A16: an old TLS version is validation-failure), written
    // out here rather than read from tlsrpt::classify(), so that both evaluate() and
    // classify() are checked against it.
    const std::map<failure_reason, result_type> expected{
        {failure_reason::starttls_not_offered, result_type::starttls_not_supported},
        {failure_reason::starttls_refused_transient, result_type::starttls_not_supported},
        {failure_reason::starttls_refused_permanent, result_type::starttls_not_supported},
        {failure_reason::tls_handshake_failed, result_type::starttls_not_supported},
        {failure_reason::tls_version_too_old, result_type::validation_failure},
        {failure_reason::mx_certificate_expired, result_type::certificate_expired},
        {failure_reason::mx_certificate_untrusted, result_type::certificate_not_trusted},
        {failure_reason::mx_certificate_host_mismatch, result_type::certificate_host_mismatch},
        {failure_reason::dane_no_tlsa_match, result_type::tlsa_invalid},
    };
    // Sweep first and check afterwards: millions of passing assertions would drown a
    // failure in the log.
    std::set<failure_reason> produced;   // after a connection, in `failure` or `reported`
    std::set<failure_reason> reported;   // in `reported`
    std::map<failure_reason, std::set<std::optional<result_type>>> results;  // what the verdict reports
    std::set<failure_reason> filed_under_another_policy;
    for (const auto& req : every_requirement()) {
        const bool connects = req.what != action::skip_mx && req.what != action::defer;
        for (const auto& facts : every_handshake()) {
            const connection_verdict v = evaluate(req, facts);
            if (v.failure && connects) produced.insert(*v.failure);
            if (!v.reported) continue;
            produced.insert(*v.reported);
            reported.insert(*v.reported);
            results[*v.reported].insert(v.tlsrpt_result());
            const auto filed = sts::tlsrpt::classify(*v.reported).policy;
            if (filed && *filed != req.report_policy) filed_under_another_policy.insert(*v.reported);
        }
    }

    for (const auto reason : produced) {
        BOOST_TEST_CONTEXT(to_string(reason)) {
            const auto want = expected.find(reason);
            BOOST_REQUIRE_MESSAGE(want != expected.end(), "evaluate() gives a reason this test does not know");
            BOOST_TEST(sts::tlsrpt::classify(reason).result == std::optional(want->second));
            if (reported.count(reason) == 1) {
                BOOST_TEST(results[reason] == std::set<std::optional<result_type>>{want->second},
                           boost::test_tools::per_element());
            }
        }
    }
    // Every reason the verdict yields after connecting is reachable, and is reported under
    // some policy.
    BOOST_TEST(produced.size() == expected.size());
    BOOST_TEST(reported.size() == expected.size());
    BOOST_TEST(filed_under_another_policy.empty());
}

BOOST_AUTO_TEST_CASE(log_wording_keeps_the_products_lines_and_names_every_other_reason) {
    BOOST_TEST(log_wording(failure_reason::starttls_not_offered) == "STARTTLS command not supported");
    BOOST_TEST(log_wording(failure_reason::mx_certificate_host_mismatch) == "peer cert does not match domain");
    for (const auto reason : sts::tlsrpt::all_failure_reasons) BOOST_TEST(!log_wording(reason).empty());
    BOOST_TEST(log_wording(failure_reason::mx_not_listed_in_policy) == "mtasts-policy-mx-mismatch");
}

BOOST_AUTO_TEST_CASE(certificate_failures_are_worded_as_openssl_verify_messages) {
    // The product quotes the verifier after "verify error:", so a customer's trace and
    // ours read alike (replay compares them).
    BOOST_TEST(log_wording(failure_reason::mx_certificate_chain_incomplete) == "unable to get local issuer certificate");
    BOOST_TEST(log_wording(failure_reason::mx_certificate_untrusted) == "unable to get local issuer certificate");
    BOOST_TEST(log_wording(failure_reason::mx_certificate_self_signed) == "self-signed certificate");
    BOOST_TEST(log_wording(failure_reason::mx_certificate_not_yet_valid) == "certificate is not yet valid");
    BOOST_TEST(log_wording(failure_reason::mx_certificate_expired) == "certificate has expired");
}

BOOST_AUTO_TEST_SUITE_END()
