// Tests sim/swarm/swarm_invariants.hpp: a clean run breaks nothing, and each invariant
// (finished, conservation, plaintext under a TLS-requiring profile, enforce and DANE,
// unlisted MX under enforce, bounded fetches per policy id) detects a hand-made violation,
// while the exemptions it grants (after a promise ends, a DANE host off the policy list,
// fetches after a new id or outside the back-off window) stay exempt. The MX pattern
// matcher follows RFC 8461 §4.1.
#include "sim/swarm/swarm_invariants.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::test::covers;
namespace sim = sts::sim;
using kind = sts::mocks::transcript_kind;

const sts::core::time_point t0 = sim::default_world_start;

// d.test: MX hosts mx1 and mx2, an enforce policy listing mx1 from the start on, its
// policy host mta-sts.d.test; one message to u@d.test.
sim::swarm_facts facts() {
    sim::swarm_facts f;
    sim::swarm_domain_facts d;
    d.name = "d.test";
    d.mx_hosts = {"mx1.d.test", "mx2.d.test"};
    d.enforce_until = sts::core::time_point::max();
    d.enforce_mx_patterns = {"mx1.d.test"};
    d.policy_host = "mta-sts.d.test";
    f.domains.push_back(d);
    f.recipients = {"u@d.test"};
    return f;
}

// The run that keeps every rule: one connection to mx1, the message over TLS.
sim::scenario_result clean() {
    sim::scenario_result r;
    r.expectations.push_back({"conserved", 0, true, ""});
    r.timeline.push_back({t0 + 1s, "mta-sts.d.test", kind::http_request, "GET /.well-known/mta-sts.txt HTTP/1.1"});
    r.timeline.push_back({t0 + 2s, "mx1.d.test", kind::event, "accept connection 1 from 10.0.0.2:40000"});
    r.timeline.push_back({t0 + 3s, "mx1.d.test", kind::delivery, "from=<s@x.test> to=<u@d.test> size=100 tls=TLSv1.3"});
    sts::delivery::recipient_outcome o;
    o.recipient = "u@d.test";
    o.state = sts::delivery::recipient_state::delivered;
    o.delivered_via = "mx1.d.test";
    o.tls_protocol = "TLSv1.3";
    r.outcomes.push_back(o);
    return r;
}

bool has(const std::vector<sim::swarm_violation>& v, const std::string& invariant) {
    for (const auto& each : v)
        if (each.invariant == invariant) return true;
    return false;
}

std::string all(const std::vector<sim::swarm_violation>& v) {
    std::string out;
    for (const auto& each : v) out += each.invariant + ": " + each.detail + "\n";
    return out;
}

// The clean run, its delivery made in clear.
sim::scenario_result in_clear() {
    auto r = clean();
    r.timeline[2].text = "from=<s@x.test> to=<u@d.test> size=100 tls=none";
    r.outcomes[0].tls_protocol.clear();
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(swarm_invariants)

BOOST_AUTO_TEST_CASE(a_clean_run_breaks_no_invariant) {
    const auto v = sim::check_swarm_invariants(facts(), clean());
    BOOST_TEST(v.empty(), all(v));
}

BOOST_AUTO_TEST_CASE(a_run_that_did_not_finish_is_a_violation) {
    auto r = clean();
    r.error = "line 12: the change did not apply";
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), r), "finished"));
}

BOOST_AUTO_TEST_CASE(each_break_of_conservation_is_a_violation) {
    auto unconserved = clean();
    unconserved.expectations[0] = {"conserved", 0, false, "engine 1: accepted 1 != delivered 0 + bounced 0 + queued 0"};
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), unconserved), "conservation"));

    auto lost = clean();
    lost.outcomes.clear();
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), lost), "conservation"));

    auto never_received = clean();
    never_received.timeline.pop_back();
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), never_received), "conservation"));

    auto twice = clean();
    twice.timeline.push_back({t0 + 9s, "mx1.d.test", kind::delivery, "from=<s@x.test> to=<u@d.test> size=100 tls=TLSv1.3"});
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), twice), "conservation"));
}

BOOST_AUTO_TEST_CASE(plaintext_while_an_enforce_policy_governs_is_a_violation, *covers("STS-APPLY-09")) {
    const auto v = sim::check_swarm_invariants(facts(), in_clear());
    BOOST_TEST(has(v, "plaintext"), all(v));
}

BOOST_AUTO_TEST_CASE(plaintext_after_the_enforce_promise_ended_is_not_judged) {
    auto f = facts();
    f.domains[0].enforce_until = t0 + 3s;  // the delivery is at t0 + 3s: no longer promised
    const auto v = sim::check_swarm_invariants(f, in_clear());
    BOOST_TEST(v.empty(), all(v));
}

BOOST_AUTO_TEST_CASE(plaintext_to_a_domain_whose_profile_requires_tls_is_a_violation) {
    auto f = facts();
    f.domains[0].enforce_until.reset();
    BOOST_TEST(sim::check_swarm_invariants(f, in_clear()).empty());
    f.domains[0].tls_required = true;
    BOOST_TEST(has(sim::check_swarm_invariants(f, in_clear()), "plaintext"));
}

BOOST_AUTO_TEST_CASE(plaintext_to_a_host_with_secure_tlsa_records_is_a_violation, *covers("DANE-25")) {
    auto f = facts();
    f.domains[0].enforce_until.reset();
    f.domains[0].dane_hosts["mx1.d.test"] = sts::core::time_point::max();
    BOOST_TEST(has(sim::check_swarm_invariants(f, in_clear()), "plaintext"));
}

BOOST_AUTO_TEST_CASE(a_connection_to_an_mx_no_enforce_policy_lists_is_a_violation, *covers("STS-MX-01")) {
    auto r = clean();
    r.timeline.push_back({t0 + 4s, "mx2.d.test", kind::event, "accept connection 1 from 10.0.0.2:40001"});
    BOOST_TEST(has(sim::check_swarm_invariants(facts(), r), "unlisted_mx"));
    // A wildcard that covers mx2 allows it.
    auto f = facts();
    f.domains[0].enforce_mx_patterns.push_back("*.d.test");
    BOOST_TEST(sim::check_swarm_invariants(f, r).empty());
}

BOOST_AUTO_TEST_CASE(a_dane_host_off_the_policy_list_is_exempt) {
    auto r = clean();
    r.timeline.push_back({t0 + 4s, "mx2.d.test", kind::event, "accept connection 1 from 10.0.0.2:40001"});
    auto f = facts();
    f.domains[0].dane_enabled = true;
    f.domains[0].tlsa_hosts = {"mx2.d.test"};
    BOOST_TEST(sim::check_swarm_invariants(f, r).empty());
}

BOOST_AUTO_TEST_CASE(too_many_fetches_of_one_policy_id_in_a_back_off_window_is_a_violation, *covers("STS-CACHE-02")) {
    auto r = clean();
    r.timeline.push_back({t0 + 60s, "mta-sts.d.test", kind::http_request, "GET"});
    r.timeline.push_back({t0 + 120s, "mta-sts.d.test", kind::http_request, "GET"});
    const auto v = sim::check_swarm_invariants(facts(), r);
    BOOST_TEST(has(v, "fetch_bound"), all(v));
}

BOOST_AUTO_TEST_CASE(fetches_spread_over_windows_or_ids_are_within_the_bound) {
    auto spread = clean();
    spread.timeline.push_back({t0 + 6min, "mta-sts.d.test", kind::http_request, "GET"});
    spread.timeline.push_back({t0 + 12min, "mta-sts.d.test", kind::http_request, "GET"});
    spread.timeline.push_back({t0 + 18min, "mta-sts.d.test", kind::http_request, "GET"});
    BOOST_TEST(sim::check_swarm_invariants(facts(), spread).empty());

    auto new_id = clean();
    new_id.timeline.push_back({t0 + 60s, "mta-sts.d.test", kind::http_request, "GET"});
    new_id.timeline.push_back({t0 + 120s, "mta-sts.d.test", kind::http_request, "GET"});
    auto f = facts();
    f.domains[0].txt_changes = {t0 + 90s};  // a new id between the second and the third
    BOOST_TEST(sim::check_swarm_invariants(f, new_id).empty());
}

BOOST_AUTO_TEST_CASE(mx_patterns_match_as_rfc_8461_says, *covers("STS-MX-01")) {
    BOOST_TEST(sim::swarm_mx_pattern_matches("mx1.d.test", "MX1.D.TEST."));
    BOOST_TEST(sim::swarm_mx_pattern_matches("*.d.test", "mx1.d.test"));
    BOOST_TEST(!sim::swarm_mx_pattern_matches("*.d.test", "a.mx1.d.test"));
    BOOST_TEST(!sim::swarm_mx_pattern_matches("*.d.test", "d.test"));
    BOOST_TEST(!sim::swarm_mx_pattern_matches("mx1.d.test", "mx2.d.test"));
}

BOOST_AUTO_TEST_SUITE_END()
