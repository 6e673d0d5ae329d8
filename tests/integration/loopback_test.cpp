// The same slice on loopback (issue 4): the engine and the mocks of one world talk over
// real sockets on 127.0.0.0/8 (sim/network/socket_network), with the real clock counted
// from the world's start, instead of the in-memory network and the virtual clock. The
// cases are the ones that finish at once — no timeout is waited for — and compare the mail
// log with the timestamps stripped (real time), so the wording, order and levels must be
// exactly those of the simulated run, only the addresses and ports differ.
//
// Every case has its own port base (services listen at base + 25, 53, 443, 3128) so a
// socket still in TIME_WAIT from another case never collides.
#include "tests/support/engine_world.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using sts::test::check_lines;
using sts::test::run;
namespace delivery = sts::delivery;
namespace sim = sts::sim;

sim::simulation_options loopback(std::uint16_t port_base) { return {sim::network_kind::loopback, port_base}; }

// example.test with one MX and a `_mta-sts` record; the policy lists `policy_mx`.
std::string policy_world(const std::string& policy_mx, const std::string& engine = "", const std::string& more = "") {
    return "[engine]\nqueue_lifetime = \"2h\"\nretry = [\"10m\"]\n" + engine + R"(
[profile."example.test"]
tls = "preferred"
mta_sts = true

[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"

[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"

[policy_host."example.test"]
body = "version: STSv1\nmode: enforce\nmx: )" +
           policy_mx + R"(\nmax_age: 86400\n"

[smtp."mx1.example.test"]
)" + more;
}

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

std::vector<std::string> success_lines(const std::string& mx_port, bool policy) {
    std::vector<std::string> lines{"Info: MID 1 queued for delivery"};
    if (policy) {
        lines.push_back("Info: Successfully fetched MTA-STS TXT record for domain(example.test)");
        lines.push_back("Info: Applying MTA-STS policy for the domain (example.test)");
    }
    lines.push_back("Info: New SMTP DCID 1 interface 127.0.0.1 address 127.25.0.1 port " + mx_port);
    lines.push_back("Info: DCID 1 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384");
    if (policy) lines.push_back("Info: MTA-STS policy for the domain (example.test) Successful.");
    for (const char* l : {"Info: Delivery start DCID 1 MID 1 to RID [0]", "Info: Message done DCID 1 MID 1 to RID [0]",
                          "Info: MID 1 RID [0] Response '2.0.0 Ok: queued as M1'", "Info: Message finished MID 1 done",
                          "Info: DCID 1 close"})
        lines.emplace_back(l);
    return lines;
}

void check_delivered_over_tls(run& r, const std::string& host) {
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.delivered_via == host);
    BOOST_TEST(o.tls_protocol == "TLSv1.3");
    BOOST_TEST(r.received(host) == 1u);
    BOOST_TEST(r.received_in_clear(host) == 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_loopback)

BOOST_AUTO_TEST_CASE(a_first_delivery_under_an_enforce_policy_logs_the_documented_trace_on_loopback,
                     *sts::test::covers("STS-APPLY-01", "STS-DISC-01", "STS-FETCH-01"))
{
    run r(policy_world("mx1.example.test"), loopback(33000));
    r.send("bob@example.test");
    r.run_for(20s);
    check_lines(r.lines_without_time(), success_lines("33025", true));
    check_delivered_over_tls(r, "mx1.example.test");
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests().size() == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(the_policy_is_fetched_through_the_proxy_on_loopback, *sts::test::covers("STS-FETCH-01"))
{
    run r(policy_world("mx1.example.test", "proxy = \"webproxy\"\nlog_level = \"debug\"\n",
                       "\n[proxy.\"webproxy\"]\n"),
          loopback(33100));
    r.send("bob@example.test");
    r.run_for(20s);
    check_delivered_over_tls(r, "mx1.example.test");
    BOOST_TEST(r.logged_containing("Requesting MTA-STS policy fetch via proxy"));
    BOOST_TEST(r.logged_containing("Fetched MTA-STS policy for domain(example.test) mode enforce max_age 86400"));
    BOOST_TEST(r.sim().world().proxy("webproxy")->connects().size() == 1u);
    BOOST_TEST(r.sim().world().policy_host("example.test")->requests().size() == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_the_enforce_policy_does_not_list_is_skipped_on_loopback,
                     *sts::test::covers("STS-MX-01", "STS-APPLY-09", "STS-APPLY-15"))
{
    run r(policy_world("mx9.example.test"), loopback(33200));
    r.send("bob@example.test");
    r.run_for(20s);  // returns once the message waits for its retry
    const std::string why = "MTA-STS policy enforce: MX host mx1.example.test refused: mtasts-policy-mx-mismatch";
    check_lines(r.lines_without_time(),
                {
                    "Info: MID 1 queued for delivery",
                    "Info: Successfully fetched MTA-STS TXT record for domain(example.test)",
                    "Info: Applying MTA-STS policy for the domain (example.test)",
                    "Warning: MX host mx1.example.test is not listed in the MTA-STS policy for the domain "
                    "(example.test), skipping it",
                    "Info: Delayed: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.5 - " +
                        why + " ('000', ['" + why + "'])",
                });
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.mail_commands("mx1.example.test", false) == 0u);
    BOOST_TEST(r.mail_commands("mx1.example.test", true) == 0u);
    BOOST_TEST(r.received("mx1.example.test") == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(required_verify_defers_a_hosted_domain_on_loopback)
{
    run r(hosted_world("required-verify"), loopback(33300));
    r.send("bob@customer.test");
    r.run_for(20s);
    const std::string why = "TLS was required but could not be successfully negotiated (peer cert does not match domain)";
    check_lines(r.lines_without_time(),
                {
                    "Info: MID 1 queued for delivery",
                    "Info: New SMTP DCID 1 interface 127.0.0.1 address 127.25.0.1 port 33325",
                    "Info: DCID 1 TLS deferring: verify error: peer cert does not match domain",
                    "Info: DCID 1 TLS was required but could not be successfully negotiated",
                    "Info: DCID 1 close",
                    "Info: Delayed: DCID 1 MID 1 From: <alice@sender.test> To: <bob@customer.test> RID 0 - 4.7.5 - " +
                        why + " ('000', ['" + why + "'])",
                });
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.mail_commands("aspmx.provider.test", false) == 0u);
    BOOST_TEST(r.received("aspmx.provider.test") == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(required_verify_hosted_delivers_the_hosted_domain_on_loopback)
{
    run r(hosted_world("required-verify-hosted"), loopback(33400));
    r.send("bob@customer.test");
    r.run_for(20s);
    check_lines(r.lines_without_time(), success_lines("33425", false));
    check_delivered_over_tls(r, "aspmx.provider.test");
    r.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
