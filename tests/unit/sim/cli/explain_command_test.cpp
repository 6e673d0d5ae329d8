// Tests `mtasts-sim explain` (run_explain in sim/cli/cli.hpp) on scenarios of the suite:
// the decision trace names the profile, the policy and its source, each MX host's MTA-STS
// match, DANE outcome and TLS requirement with the rule that decided it, and the
// connections the engine made.
#include "sim/cli/cli.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

struct outcome {
    int status;
    std::string out;
    std::string err;
};

outcome explain(std::vector<std::string> args) {
    std::istringstream in;
    std::ostringstream out, err;
    const int status = sts::sim::cli::run_explain(args, {in, out, err});
    return {status, out.str(), err.str()};
}

std::string suite_file(const std::string& relative) { return std::string(STS_SOURCE_DIR) + "/scenarios/" + relative; }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(explain_command)

BOOST_AUTO_TEST_CASE(an_unlisted_mx_under_enforce_is_explained_as_skipped, *sts::test::covers("STS-MX-01")) {
    const auto r = explain({suite_file("apply/enforce-mx-not-in-policy-queued.toml")});
    BOOST_TEST(r.status == sts::sim::cli::exit_status::ok, r.out << r.err);
    BOOST_TEST(has(r.out, "Plan 1 for the domain example.test"), r.out);
    BOOST_TEST(has(r.out, "profile: example.test (TLS preferred, DANE none, MTA-STS on)"), r.out);
    BOOST_TEST(has(r.out, "the policy was fetched and cached"), r.out);
    BOOST_TEST(has(r.out, "policy: mode enforce, mx mx9.example.test, max_age 86400 s"), r.out);
    BOOST_TEST(has(r.out, "MX mx1.example.test (preference 10"), r.out);
    BOOST_TEST(has(r.out, "MTA-STS: the host is not listed in the enforce policy"), r.out);
    BOOST_TEST(has(r.out, "requirement: skipped: never contacted"), r.out);
    BOOST_TEST(has(r.out, "rule sts_enforce_mx_mismatch"), r.out);
    BOOST_TEST(has(r.out, "Connections (from the mail log)\n  none\n"), r.out);
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_under_testing_is_explained_as_delivered_anyway,
                     *sts::test::covers("STS-APPLY-12")) {
    const auto r = explain({suite_file("apply/testing-expired-mx-cert-delivered.toml")});
    BOOST_TEST(r.status == sts::sim::cli::exit_status::ok, r.out << r.err);
    BOOST_TEST(has(r.out, "policy: mode testing"), r.out);
    BOOST_TEST(has(r.out, "MTA-STS: the host matches the testing policy's mx patterns"), r.out);
    BOOST_TEST(has(r.out, "rule sts_testing"), r.out);
    BOOST_TEST(has(r.out, "DCID 1 to mx1.example.test"), r.out);
    BOOST_TEST(has(r.out, "(not enforced)"), r.out);
}

BOOST_AUTO_TEST_CASE(usable_tlsa_records_are_explained_as_taking_over_from_mta_sts,
                     *sts::test::covers("STS-DANE-01")) {
    const auto r = explain({suite_file("dane/pass-skips-sts-enforce.toml")});
    BOOST_TEST(r.status == sts::sim::cli::exit_status::ok, r.out << r.err);
    BOOST_TEST(has(r.out, "DANE opportunistic"), r.out);
    BOOST_TEST(has(r.out, "DANE applies: secure, usable TLSA records"), r.out);
    BOOST_TEST(has(r.out, "TLS required, certificate checked against the TLSA records"), r.out);
    BOOST_TEST(has(r.out, "rule dane_usable"), r.out);
}

BOOST_AUTO_TEST_CASE(recipient_keeps_only_that_domain) {
    const auto r = explain({suite_file("apply/enforce-mx-not-in-policy-queued.toml"), "--recipient", "x@other.test"});
    BOOST_TEST(has(r.out, "No delivery to the domain other.test was planned."), r.out);
    BOOST_TEST(!has(r.out, "Plan 1 for the domain example.test"), r.out);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
    BOOST_TEST(explain({}).status == sts::sim::cli::exit_status::usage);
    BOOST_TEST(explain({"a.toml", "b.toml"}).status == sts::sim::cli::exit_status::usage);
    BOOST_TEST(explain({"a.toml", "--recipient"}).status == sts::sim::cli::exit_status::usage);
    BOOST_TEST(explain({"/nonexistent/scenario.toml"}).status == sts::sim::cli::exit_status::usage);
    BOOST_TEST(explain({"--help"}).status == sts::sim::cli::exit_status::ok);
}

BOOST_AUTO_TEST_SUITE_END()
