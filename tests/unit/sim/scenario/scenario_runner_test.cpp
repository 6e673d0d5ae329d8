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
#include <string_view>

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

BOOST_AUTO_TEST_CASE(a_new_txt_id_mid_run_causes_one_refetch_and_the_change_is_in_the_transcript,
                     *covers("STS-CACHE-02", "STS-CACHE-03")) {
    // The second policy names mx2 only; mail sent after the change goes there.
    const auto r = sts::sim::run_scenario(load(std::string(meta) + world("30d") + R"s(
[smtp."mx2.example.test"]
starttls = true

[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[step]]
advance = "1h"
[[step]]
dns_set = [{ name = "_mta-sts.example.test", type = "TXT", data = "v=STSv1; id=20240927T2;" },
           { name = "example.test", type = "MX", data = "10 mx2.example.test" }]
[[step]]
policy = { domain = "example.test", body = "version: STSv1\nmode: enforce\nmx: mx2.example.test\nmax_age: 86400\n" }
[[step]]
send = { from = "a@sender.test", to = ["c@example.test"] }
[[step]]
advance = "1h"

[[expect]]
recipient = "b@example.test"
outcome = "delivered"
via = "mx1.example.test"
attempts = 1
[[expect]]
recipient = "c@example.test"
outcome = "delivered"
via = "mx2.example.test"
[[expect]]
policy_fetches = 2
[[expect]]
dns_queries = { name = "_MTA-STS.example.test.", type = "TXT", count = 2 }
[[expect]]
dns_queries = { name = "example.test", type = "MX", at_least = 2 }
[[expect]]
cache = { domain = "example.test", state = "present", id = "20240927T2", mode = "enforce" }
[[expect]]
cache = { domain = "other.test", state = "absent" }
[[expect]]
tlsrpt = { domain = "example.test", policy = "sts", success = true, count = 2 }
[[expect]]
tlsrpt = { result = "certificate-expired", count = 0 }
[[expect]]
log_contains = "example.test"
[[expect]]
log_contains_absent = "no such text anywhere"
)s"));
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].description + ": " +
                                                r.expectations[*r.first_failure].detail
                                          : std::string()));
    BOOST_TEST(r.semantics == "gateway");
    const auto events = std::count_if(r.timeline.begin(), r.timeline.end(), [](const auto& t) {
        return t.host == "scenario" && t.kind == sts::mocks::transcript_kind::event;
    });
    BOOST_TEST(events == 2);
    BOOST_TEST(r.transcript.find("scenario event dns_set _mta-sts.example.test TXT") != std::string::npos,
               r.transcript);
    BOOST_TEST(r.transcript.find("scenario event policy mta-sts.example.test status 200") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_smtp_change_with_a_new_certificate_is_presented_from_then_on,
                     *covers("STS-APPLY-09")) {
    // mx1 starts valid; after the change it presents an expired certificate, so the second
    // message stays deferred under enforce and TLS-RPT says certificate-expired.
    const auto r = sts::sim::run_scenario(load(std::string(meta) + world("30d") + R"s(
[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[step]]
advance = "1h"
[[step]]
smtp = { host = "mx1.example.test", cert = { not_after = "-1d" } }
[[step]]
send = { from = "a@sender.test", to = ["c@example.test"] }
[[step]]
advance = "10m"

[[expect]]
recipient = "b@example.test"
outcome = "delivered"
[[expect]]
recipient = "c@example.test"
outcome = "deferred"
dsn = false
[[expect]]
recipient = "c@example.test"
outcome = "queued"
[[expect]]
tlsrpt = { domain = "example.test", result = "certificate-expired" }
[[expect]]
tlsrpt = { success = true, count = 1 }
)s"));
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].description + ": " +
                                                r.expectations[*r.first_failure].detail
                                          : std::string()));
}

BOOST_AUTO_TEST_CASE(the_new_expectation_kinds_can_fail_and_say_what_they_found) {
    const auto r = run("30d", R"toml(
[[expect]]
recipient = "b@example.test"
outcome = "deferred"
[[expect]]
recipient = "b@example.test"
outcome = "delivered"
attempts = 3
[[expect]]
log_order = ["Successfully fetched MTA-STS TXT record for domain(example.test)", "no such line"]
[[expect]]
log_contains = "no such text anywhere"
[[expect]]
log_contains_absent = "example.test"
[[expect]]
dns_queries = { name = "_mta-sts.example.test", type = "TXT", count = 5 }
[[expect]]
tlsrpt = { result = "certificate-expired" }
[[expect]]
cache = { domain = "example.test", state = "absent" }
[[expect]]
cache = { domain = "example.test", state = "present", id = "other" }
[[expect]]
recipient = "b@example.test"
outcome = "bounced"
dsn = true
)toml");
    BOOST_TEST(!r.passed);
    BOOST_TEST_REQUIRE(r.expectations.size() == 11u);
    for (std::size_t i = 0; i < 10; ++i) BOOST_TEST(!r.expectations[i].passed, r.expectations[i].description);
    BOOST_TEST(r.expectations[1].detail.find("after 1 attempt(s)") != std::string::npos, r.expectations[1].detail);
    BOOST_TEST(r.expectations[2].detail.find("line 2 of the list") != std::string::npos, r.expectations[2].detail);
    BOOST_TEST(r.expectations[5].detail == "found 1 queries");
    BOOST_TEST(r.expectations[6].detail.find("found 0 matching TLS-RPT records of 1") != std::string::npos,
               r.expectations[6].detail);
    BOOST_TEST(r.expectations[7].detail.find("found an entry with id 20240926T1") != std::string::npos,
               r.expectations[7].detail);
    BOOST_TEST(r.expectations[8].detail == "found id 20240926T1 mode enforce");
}

BOOST_AUTO_TEST_CASE(log_order_holds_for_lines_in_order_and_fails_for_lines_out_of_order) {
    const std::string fetched = "Successfully fetched MTA-STS TXT record for domain(example.test)";
    const auto r = run("30d", R"toml(
[[expect]]
log_order = ["Successfully fetched MTA-STS TXT record for domain(example.test)", "Successfully fetched MTA-STS TXT record for domain(example.test)"]
)toml");
    // One such line only: the second of the list is not found after the first.
    BOOST_TEST(!r.expectations[0].passed);
    BOOST_TEST_REQUIRE(!r.log_lines.empty());
    // The first and last lines of the log, in order, hold; reversed they do not.
    auto text_of = [](const std::string& line) {
        // "<timestamp> <Level>: <text>"
        const auto colon = line.find(": ");
        return line.substr(colon + 2);
    };
    const auto first = text_of(r.log_lines.front());
    const auto last = text_of(r.log_lines.back());
    BOOST_TEST_REQUIRE(first != last);
    const auto in_order = run("30d", "[[expect]]\nlog_order = [\"" + first + "\", \"" + last + "\"]\n");
    BOOST_TEST(in_order.expectations[0].passed, in_order.expectations[0].detail);
    const auto reversed = run("30d", "[[expect]]\nlog_order = [\"" + last + "\", \"" + first + "\"]\n");
    BOOST_TEST(!reversed.expectations[0].passed);
    BOOST_TEST(reversed.expectations[0].detail.find("appears only before") != std::string::npos,
               reversed.expectations[0].detail);
}

BOOST_AUTO_TEST_CASE(dns_faults_set_and_cleared_mid_run_apply_from_the_next_query) {
    const auto r = sts::sim::run_scenario(load(std::string(meta) + world("30d") + R"s(
[[step]]
dns_fault = { name = "example.test", type = "MX", fault = "servfail" }
[[step]]
send = { from = "a@sender.test", to = ["b@example.test"] }
[[step]]
advance = "30s"
[[step]]
dns_fault = { name = "example.test", type = "MX", fault = "none" }
[[step]]
advance = "1h"

[[expect]]
recipient = "b@example.test"
outcome = "delivered"
attempts = 2
)s"));
    BOOST_TEST(r.error == "");
    BOOST_TEST(r.passed, (r.first_failure ? r.expectations[*r.first_failure].detail : std::string()));
    BOOST_TEST(r.transcript.find("scenario event dns_fault example.test MX none (clears the faults)") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_change_that_does_not_form_a_zone_stops_the_run_naming_its_line) {
    // A CNAME next to the MX record of the same name breaks RFC 1034 §3.6.2.
    const auto r = run("30d", R"s(
[[step]]
dns_set = { name = "example.test", type = "CNAME", data = "elsewhere.test" }
)s");
    BOOST_TEST(!r.passed);
    BOOST_TEST(r.error.find("the change did not apply") != std::string::npos, r.error);
    BOOST_TEST(r.error.starts_with("line "), r.error);
}

BOOST_AUTO_TEST_CASE(semantics_rfc8461_is_the_smart_host_route_mode_and_shows_in_the_result) {
    auto spec = load(std::string(meta) + "semantics = \"rfc8461\"\n" + world("30d") + std::string(send_and_wait));
    BOOST_TEST((spec.world.engine.route_mode == sts::tls::route_semantics::rfc8461_smart_host));
    const auto r = sts::sim::run_scenario(spec);
    BOOST_TEST(r.semantics == "rfc8461");
}

BOOST_AUTO_TEST_CASE(runs_with_changes_are_identical) {
    const auto spec = load(std::string(meta) + world("30d") + std::string(send_and_wait) + R"s(
[[step]]
smtp = { host = "mx1.example.test", cert = { not_after = "-1d" } }
[[step]]
dns_set = { name = "_mta-sts.example.test", type = "TXT", data = "v=STSv1; id=2;" }
[[step]]
send = { from = "a@sender.test", to = ["c@example.test"] }
[[step]]
advance = "2h"
)s");
    BOOST_TEST(!sts::sim::check_determinism(spec).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
