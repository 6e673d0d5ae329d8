// The mail-log traces of ../shared/spec/log-format.md, produced by the whole engine against
// the mock world on the simulated network and compared line for line, timestamps
// included: the virtual clock makes every timestamp exact, so a line that moved, changed
// its wording, its spacing quirk or its level fails the case. The expected lists are
// written out in full on purpose — they are the documented forms customers' tooling
// greps, and a reader should be able to lay them beside log-format.md.
//
// Traces: (a) a successful first delivery under an enforce policy, at info and at debug
// level, and the cached second delivery; (b) a policy fetch through a proxy that times
// out, after which the message goes out without MTA-STS; (c) a hosted domain whose MX
// certificate names the provider, deferred under Required-Verify and delivered under
// Required-Verify-Hosted-Domains.
#include "tests/support/engine_world.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using sts::test::check_lines;
using sts::test::run;
namespace delivery = sts::delivery;

// example.test: one MX (mx1, valid certificate for its name), a `_mta-sts` TXT record and
// an enforce policy listing mx1. `engine` and `policy` are extra lines of those tables;
// `more` further tables.
std::string good_policy_world(const std::string& log_level, const std::string& engine = "",
                              const std::string& policy = "", const std::string& more = "") {
    return "[engine]\nlog_level = \"" + log_level + "\"\nqueue_lifetime = \"2h\"\nretry = [\"10m\"]\n" + engine +
           R"(
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
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
)" + policy + R"(
[smtp."mx1.example.test"]
)" + more;
}

// customer.test is hosted by a provider: its MX aspmx.provider.test presents a
// certificate for the provider's name only, as Google Workspace or Microsoft 365 do.
std::string hosted_world(const std::string& tls_setting) {
    return R"([engine]
queue_lifetime = "2h"
retry = ["10m"]

[profile."customer.test"]
tls = ")" + tls_setting + R"("

[[dns]]
name = "customer.test"
type = "MX"
data = "10 aspmx.provider.test"

[smtp."aspmx.provider.test"]
cert = { names = ["aspmx.provider.test"] }
)";
}

const std::vector<std::string> first_delivery_info = {
    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
    "Thu Sep 26 15:23:39 2024 Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
    "Thu Sep 26 15:23:39 2024 Info: Applying MTA-STS policy for the domain (example.test)",
    "Thu Sep 26 15:23:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
    "Thu Sep 26 15:23:39 2024 Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
    "Thu Sep 26 15:23:39 2024 Info: MTA-STS policy for the domain (example.test) Successful.",
    "Thu Sep 26 15:23:39 2024 Info: Delivery start DCID 1 MID 1 to RID [0]",
    "Thu Sep 26 15:23:39 2024 Info: Message done DCID 1 MID 1 to RID [0]",
    "Thu Sep 26 15:23:39 2024 Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'",
    "Thu Sep 26 15:23:39 2024 Info: Message finished MID 1 done",
    "Thu Sep 26 15:23:39 2024 Info: DCID 1 close",
};

void check_delivered_over_tls(run& r, const std::string& host) {
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == host);
    BOOST_TEST(o.tls_protocol == "TLSv1.3");
    BOOST_TEST(r.received(host) == 1u);
    BOOST_TEST(r.received_in_clear(host) == 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_traces)

// --- (a) successful first delivery ---

BOOST_AUTO_TEST_CASE(a_first_delivery_under_an_enforce_policy_logs_the_documented_info_trace,
                     *sts::test::covers("STS-APPLY-01", "STS-DISC-01", "STS-FETCH-01"))
{
    run r(good_policy_world("info"));
    r.send("bob@example.test");
    r.run_for(1min);
    check_lines(r.lines(), first_delivery_info);
    check_delivered_over_tls(r, "mx1.example.test");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(the_same_delivery_at_debug_level_adds_the_txt_lookup_and_fetch_lines_in_order,
                     *sts::test::covers("STS-APPLY-01", "STS-DISC-01", "STS-FETCH-01"))
{
    run r(good_policy_world("debug"));
    r.send("bob@example.test");
    r.run_for(1min);
    // The encache counter is the record's expiry: start + TTL 300 s, in epoch seconds.
    check_lines(r.lines(),
                {
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
                    "Thu Sep 26 15:23:39 2024 Debug: DNS query: Q(_mta-sts.example.test, 'TXT')",
                    "Thu Sep 26 15:23:39 2024 Debug: DNS encache (_mta-sts.example.test, TXT, [(1727364519L, 0, "
                    "'insecure', ('v=STSv1; id=20240926T1;',))])",
                    "Thu Sep 26 15:23:39 2024 Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
                    "Thu Sep 26 15:23:39 2024 Debug: Fetching MTA-STS policy for domain(example.test)",
                    "Thu Sep 26 15:23:39 2024 Debug: Fetched MTA-STS policy for domain(example.test) mode enforce "
                    "max_age 86400",
                    "Thu Sep 26 15:23:39 2024 Info: Applying MTA-STS policy for the domain (example.test)",
                    "Thu Sep 26 15:23:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
                    "Thu Sep 26 15:23:39 2024 Info: MTA-STS policy for the domain (example.test) Successful.",
                    "Thu Sep 26 15:23:39 2024 Info: Delivery start DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:23:39 2024 Info: Message done DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'",
                    "Thu Sep 26 15:23:39 2024 Info: Message finished MID 1 done",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 close",
                });
    check_delivered_over_tls(r, "mx1.example.test");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_second_delivery_finds_the_cached_policy_in_place_of_the_fetch_lines,
                     *sts::test::covers("STS-CACHE-02", "STS-APPLY-01"))
{
    run r(good_policy_world("debug"));
    r.send("bob@example.test");
    r.run_for(1min);
    const auto first = r.lines().size();
    r.send("carol@example.test");
    r.run_for(1min);
    auto lines = r.lines();
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(first));
    // The TXT answer is still in the resolver's cache (TTL 300 s): no encache line; the id
    // matches the cached policy: no fetch.
    check_lines(lines,
                {
                    "Thu Sep 26 15:24:39 2024 Info: MID 2 queued for delivery",
                    "Thu Sep 26 15:24:39 2024 Debug: DNS query: Q(_mta-sts.example.test, 'TXT')",
                    "Thu Sep 26 15:24:39 2024 Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
                    "Thu Sep 26 15:24:39 2024 Debug: Valid cache entry found for the domain (example.test).",
                    "Thu Sep 26 15:24:39 2024 Info: Applying MTA-STS policy for the domain (example.test)",
                    "Thu Sep 26 15:24:39 2024 Info: New SMTP DCID 2 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 2 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
                    "Thu Sep 26 15:24:39 2024 Info: MTA-STS policy for the domain (example.test) Successful.",
                    "Thu Sep 26 15:24:39 2024 Info: Delivery start DCID 2 MID 2 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: Message done DCID 2 MID 2 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: MID 2 RID [0] Response '2.0.0 Ok: queued as M2'",
                    "Thu Sep 26 15:24:39 2024 Info: Message finished MID 2 done",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 2 close",
                });
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests().size() == 1u);
    BOOST_TEST(r.engine().counts().delivered == 2u);
    r.check_conservation();
}

// --- (b) policy fetch timeout via proxy ---

BOOST_AUTO_TEST_CASE(a_policy_fetch_timing_out_through_the_proxy_logs_the_documented_failure_and_delivers_without_mta_sts,
                     *sts::test::covers("STS-FETCH-13", "STS-FETCH-16", "STS-CACHE-06", "STS-RPT-01"))
{
    // The policy host accepts the tunnelled connection and never starts TLS: the fetch
    // runs into its one-minute deadline (RFC 8461 §3.3).
    run r(good_policy_world("debug", "proxy = \"webproxy\"\n", "fault = \"stall-before-tls\"\n",
                            "\n[proxy.\"webproxy\"]\n"));
    r.send("bob@example.test");
    r.run_for(5min);
    check_lines(r.lines(),
                {
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
                    "Thu Sep 26 15:23:39 2024 Debug: DNS query: Q(_mta-sts.example.test, 'TXT')",
                    "Thu Sep 26 15:23:39 2024 Debug: DNS encache (_mta-sts.example.test, TXT, [(1727364519L, 0, "
                    "'insecure', ('v=STSv1; id=20240926T1;',))])",
                    "Thu Sep 26 15:23:39 2024 Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
                    "Thu Sep 26 15:23:39 2024 Debug: Fetching MTA-STS policy for domain(example.test)",
                    "Thu Sep 26 15:23:39 2024 Debug: Requesting MTA-STS policy fetch via proxy",
                    "Thu Sep 26 15:24:39 2024 Debug: Request to fetch STS policy failed due to connection timeout. "
                    "For domain example.test",
                    "Thu Sep 26 15:24:39 2024 Info: Encountered failure while fetching MTA-STS policy for "
                    "domain(example.test)",
                    "Thu Sep 26 15:24:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
                    "Thu Sep 26 15:24:39 2024 Info: Delivery start DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: Message done DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'",
                    "Thu Sep 26 15:24:39 2024 Info: Message finished MID 1 done",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 1 close",
                });
    check_delivered_over_tls(r, "mx1.example.test");
    // The fetch really went through the proxy: one CONNECT to the policy host.
    const auto* proxy = r.sim().world().proxy("webproxy");
    BOOST_TEST_REQUIRE(proxy != nullptr);
    BOOST_TEST(proxy->connects().size() == 1u);
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests().empty());
    // RFC 8461 §6: the fetch failure is reported under sts, as a timeout.
    std::vector<delivery::tlsrpt_record> failures;
    for (const auto& rec : r.engine().tlsrpt_records())
        if (!rec.success) failures.push_back(rec);
    BOOST_TEST_REQUIRE(failures.size() == 1u);
    BOOST_TEST((failures[0].policy == sts::tlsrpt::policy_type::sts));
    BOOST_TEST((failures[0].reason == sts::tlsrpt::failure_reason::policy_fetch_timeout));
    BOOST_TEST((failures[0].result == sts::tlsrpt::result_type::sts_policy_fetch_error));
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(a_stalling_proxy_gives_the_same_timeout_trace_at_info_level_without_the_debug_lines,
                     *sts::test::covers("STS-FETCH-13", "STS-FETCH-16"))
{
    run r(good_policy_world("info", "proxy = \"webproxy\"\n", "", "\n[proxy.\"webproxy\"]\nfault = \"stall\"\n"));
    r.send("bob@example.test");
    r.run_for(5min);
    check_lines(r.lines(),
                {
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
                    "Thu Sep 26 15:23:39 2024 Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
                    "Thu Sep 26 15:24:39 2024 Info: Encountered failure while fetching MTA-STS policy for "
                    "domain(example.test)",
                    "Thu Sep 26 15:24:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
                    "Thu Sep 26 15:24:39 2024 Info: Delivery start DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: Message done DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:24:39 2024 Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'",
                    "Thu Sep 26 15:24:39 2024 Info: Message finished MID 1 done",
                    "Thu Sep 26 15:24:39 2024 Info: DCID 1 close",
                });
    check_delivered_over_tls(r, "mx1.example.test");
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests().empty());
    r.check_conservation();
}

// --- (c) hosted domain ---

BOOST_AUTO_TEST_CASE(required_verify_defers_a_hosted_domain_with_peer_cert_does_not_match_domain)
{
    run r(hosted_world("required-verify"));
    r.send("bob@customer.test");
    r.run_for(5min);  // before the first retry
    const std::string why = "TLS was required but could not be successfully negotiated (peer cert does not match domain)";
    check_lines(r.lines(),
                {
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
                    "Thu Sep 26 15:23:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 TLS deferring: verify error: peer cert does not match domain",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 TLS was required but could not be successfully negotiated",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 close",
                    "Thu Sep 26 15:23:39 2024 Info: Delayed: DCID 1 MID 1 From: <alice@sender.test> To: "
                    "<bob@customer.test> RID 0 - 4.7.5 - " + why + " ('000', ['" + why + "'])",
                });
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::queued));
    BOOST_TEST(r.mail_commands("aspmx.provider.test", false) == 0u);
    BOOST_TEST(r.mail_commands("aspmx.provider.test", true) == 0u);
    BOOST_TEST(r.received("aspmx.provider.test") == 0u);
    BOOST_TEST(r.engine().dsns().empty());
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(required_verify_keeps_deferring_the_hosted_domain_on_every_retry_until_it_bounces)
{
    run r(hosted_world("required-verify"));
    r.send("bob@customer.test");
    r.run_for(1h);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.connections_to("aspmx.provider.test") == 7u);  // 0, 10, ..., 60 minutes
    r.run_for(2h);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::bounced));
    BOOST_TEST(r.engine().dsns().size() == 1u);
    BOOST_TEST(r.received("aspmx.provider.test") == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(required_verify_hosted_delivers_the_same_hosted_domain_over_verified_tls)
{
    run r(hosted_world("required-verify-hosted"));
    r.send("bob@customer.test");
    r.run_for(1min);
    check_lines(r.lines(),
                {
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 queued for delivery",
                    "Thu Sep 26 15:23:39 2024 Info: New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
                    "Thu Sep 26 15:23:39 2024 Info: Delivery start DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:23:39 2024 Info: Message done DCID 1 MID 1 to RID [0]",
                    "Thu Sep 26 15:23:39 2024 Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'",
                    "Thu Sep 26 15:23:39 2024 Info: Message finished MID 1 done",
                    "Thu Sep 26 15:23:39 2024 Info: DCID 1 close",
                });
    check_delivered_over_tls(r, "aspmx.provider.test");
    // SNI is the MX host name (the reference identity Hosted-Domains checks).
    BOOST_TEST(r.sim().world().smtp_host("aspmx.provider.test")->received().front().sni == "aspmx.provider.test");
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(required_verify_hosted_still_refuses_a_certificate_that_names_neither_the_mx_nor_the_domain)
{
    // Hosted-Domains widens the reference identity to the MX host name, not to anything:
    // a certificate for another provider's host is still a mismatch.
    auto world = hosted_world("required-verify-hosted");
    world.replace(world.find("names = [\"aspmx.provider.test\"]"), std::string("names = [\"aspmx.provider.test\"]").size(),
                  "names = [\"mx.other-provider.test\"]");
    run r(world);
    r.send("bob@customer.test");
    r.run_for(5min);
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.logged_containing("TLS was required but could not be successfully negotiated"));
    BOOST_TEST(r.received("aspmx.provider.test") == 0u);
    BOOST_TEST(r.mail_commands("aspmx.provider.test", false) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
