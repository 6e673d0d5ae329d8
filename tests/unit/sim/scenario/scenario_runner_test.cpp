// Tests sim/scenario/scenario_runner.hpp on the simulated network: a scenario whose
// expectations all hold passes (with the implicit conservation check), a failing one
// reports its first unmet expectation with what was found and the engine log around it,
// every expectation kind can fail, a restart keeps the cached policy and the outcomes of
// the stopped engine, and two runs of one scenario give byte-identical logs and
// transcripts.
#include "sim/scenario/scenario_runner.hpp"

#include "sim/scenario/scenario_loader.hpp"
#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

namespace {

// The first mistake, for a failure message; Boost evaluates the message even on success.
template <class Result>
std::string first_error(const Result& r) {
    return r.has_value() ? std::string() : r.error().front().to_string();
}

using sts::test::covers;

// example.test: enforce policy naming mx1, whose certificate ends `{not_after}` from the start.
std::string world(std::string_view not_after) {
    return std::string(R"s(
[profile."example.test"]
tls = "preferred"
mta_sts = true

[profile.default]
tls = "preferred"

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"

[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"

[policy_host."example.test"]
body = """
version: STSv1
mode: enforce
mx: mx1.example.test
max_age: 86400
"""

[smtp."mx1.example.test"]
starttls = true
cert = { names = ["mx1.example.test"], not_after = ")s") +
           std::string(not_after) + "\" }\n";
}

constexpr std::string_view meta = R"s([scenario]
name = "test/scenario"
seed = 3
)s";

constexpr std::string_view send_and_wait = R"s(
[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[step]]
advance = "1h"
)s";

sts::sim::scenario_spec load(const std::string& text) {
    auto r = sts::sim::load_scenario_text(text, "t.toml");
    BOOST_TEST_REQUIRE(r.has_value(), first_error(r));
    return std::move(*r);
}

sts::sim::scenario_result run(std::string_view not_after, std::string_view tail) {
    return sts::sim::run_scenario(
        load(std::string(meta) + world(not_after) + std::string(send_and_wait) + std::string(tail)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(scenario_runner)

BOOST_AUTO_TEST_CASE(a_scenario_whose_expectations_hold_passes, *covers("STS-APPLY-01", "STS-MX-01")) {
    const auto r = run("30d", R"toml(
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
via = "MX1.example.test."
tls = "TLSv1.3"
[[expect]]
log = "Successfully fetched MTA-STS TXT record for domain(example.test)"
[[expect]]
policy_fetches = 1
[[expect]]
contacted = "mta-sts.example.test"
[[expect]]
not_contacted = "mx2.example.test"
)toml");
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.passed);
    BOOST_TEST(!r.first_failure.has_value());
    BOOST_TEST_REQUIRE(r.expectations.size() == 6u);
    BOOST_TEST(r.expectations.back().description == "conserved");
    BOOST_TEST(std::all_of(r.expectations.begin(), r.expectations.end(), [](const auto& e) { return e.passed; }));
    BOOST_TEST(r.name == "test/scenario");
    BOOST_TEST(!r.log_lines.empty());
    BOOST_TEST(!r.transcript.empty());
}

BOOST_AUTO_TEST_CASE(the_first_unmet_expectation_is_reported_with_the_log_around_it,
                     *covers("STS-APPLY-02", "STS-APPLY-09")) {
    // The certificate expired: under enforce the message stays queued, so the second
    // expectation (delivered) is the first unmet one; the third is unmet too.
    const auto r = run("-1d", R"s(
[[expect]]
contacted = "mx1.example.test"
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
[[expect]]
policy_fetches = 5
)s");
    BOOST_TEST(!r.passed);
    BOOST_TEST_REQUIRE(r.first_failure.has_value());
    BOOST_TEST(*r.first_failure == 1u);
    const auto& e = r.expectations[1];
    BOOST_TEST(!e.passed);
    BOOST_TEST(e.description == "recipient b@example.test outcome delivered");
    BOOST_TEST(e.detail.starts_with("found queued after"), e.detail);
    BOOST_TEST(e.line > 0u);
    BOOST_TEST(r.expectations[0].passed);
    BOOST_TEST(!r.expectations[2].passed);
    BOOST_TEST(r.expectations[2].detail == "found 1 policy fetches");
    BOOST_TEST_REQUIRE(!r.failure_log.empty());
    BOOST_TEST(r.failure_log.size() <= sts::sim::failure_log_lines_max);
    BOOST_TEST(std::any_of(r.failure_log.begin(), r.failure_log.end(),
                           [](const std::string& l) { return l.find("example.test") != std::string::npos; }));
}

BOOST_AUTO_TEST_CASE(every_expectation_kind_can_fail) {
    const auto r = run("30d", R"toml(
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
tls = "none"
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
via = "mx2.example.test"
[[expect]]
recipient = "nobody@example.test"
outcome = "bounced"
[[expect]]
log = "no such line"
[[expect]]
log_absent = "Successfully fetched MTA-STS TXT record for domain(example.test)"
[[expect]]
contacted = "mx9.example.test"
[[expect]]
not_contacted = "mx1.example.test"
[[expect]]
policy_fetches = 0
)toml");
    BOOST_TEST(!r.passed);
    BOOST_TEST_REQUIRE(r.expectations.size() == 9u);
    for (std::size_t i = 0; i < 8; ++i) BOOST_TEST(!r.expectations[i].passed, r.expectations[i].description);
    BOOST_TEST(r.expectations[8].passed);  // conserved
    BOOST_TEST(r.expectations[0].detail.find("tls TLSv1.3") != std::string::npos, r.expectations[0].detail);
    BOOST_TEST(r.expectations[2].detail == "no message was sent to this recipient");
    BOOST_TEST(r.expectations[4].detail.find("Info: Successfully fetched") != std::string::npos,
               r.expectations[4].detail);
    BOOST_TEST(r.expectations[6].detail.find("transcript entries") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_restart_keeps_the_cached_policy_and_earlier_outcomes, *covers("STS-CACHE-02")) {
    const auto r = run("30d", R"s(
[[step]]
restart = true
[[step]]
send = { from = "a@sender.test", to = ["c@example.test"] }
[[step]]
advance = "1h"
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
[[expect]]
recipient = "c@example.test"
outcome = "delivered"
via = "mx1.example.test"
[[expect]]
policy_fetches = 1
)s");
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].detail : std::string()));
}

BOOST_AUTO_TEST_CASE(without_an_advance_step_nothing_is_delivered) {
    const auto r = sts::sim::run_scenario(load(std::string(meta) + world("30d") + R"s(
[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[expect]]
recipient = "b@example.test"
outcome = "queued"
[[expect]]
policy_fetches = 0
)s"));
    BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].detail : std::string()));
}

BOOST_AUTO_TEST_CASE(two_runs_of_a_scenario_are_identical) {
    const auto spec = load(std::string(meta) + world("-1d") + std::string(send_and_wait) + R"s(
[[step]]
restart = true
[[step]]
advance = "2h"
)s");
    const auto first = sts::sim::run_scenario(spec);
    const auto second = sts::sim::run_scenario(spec);
    BOOST_TEST_REQUIRE(!first.log_lines.empty());
    BOOST_TEST(first.log_lines == second.log_lines, boost::test_tools::per_element());
    BOOST_TEST(first.transcript == second.transcript);
    BOOST_TEST(!sts::sim::check_determinism(spec).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
