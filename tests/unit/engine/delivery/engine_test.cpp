// Tests engine/delivery/engine.hpp end to end: a whole mock world from TOML on the
// simulated network, the real stub resolver, policy fetcher, SMTP client and TLS, driven
// by the scheduler in virtual time (days of retries cost milliseconds). Each case checks
// the outcome, the mail log, the TLS-RPT records, what the receiving MX saw, and that the
// conservation count held after every single log line the engine wrote.
#include "engine/delivery/engine.hpp"

#include "mocks/transcript.hpp"

#include "tests/support/covers.hpp"
#include "tests/support/engine_world.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace delivery = sts::delivery;
namespace mocks = sts::mocks;

// The shared harness: the world's mocks and the engine on the simulated network, with the
// conservation invariant checked after every line the engine writes.
using harness = sts::test::run;

// `world` with the [engine] settings a case needs: a queue lifetime, a retry schedule
// (empty: the default) and at most `concurrency` deliveries in flight.
std::string with_engine(std::string_view world, std::string_view lifetime = "72h",
                        std::vector<std::string_view> delays = {}, std::size_t concurrency = 10) {
    std::string t = "[engine]\nqueue_lifetime = \"" + std::string(lifetime) + "\"\nconcurrency = " +
                    std::to_string(concurrency) + "\n";
    if (!delays.empty()) {
        t += "retry = [";
        for (const auto d : delays) t += "\"" + std::string(d) + "\",";
        t.back() = ']';
        t += "\n";
    }
    return t + std::string(world);
}

std::vector<std::string> commands_at(const harness& h, std::string_view host) {
    return h.transcript_of(host, mocks::transcript_kind::smtp_command);
}

bool has_mail_command(const std::vector<std::string>& commands) {
    return std::any_of(commands.begin(), commands.end(), [](const std::string& c) {
        return c.rfind("MAIL", 0) == 0 || c.rfind("mail", 0) == 0 || c.rfind("DATA", 0) == 0;
    });
}

constexpr std::string_view enforce_world = R"(
[world]
seed = 5
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
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
[smtp."mx1.example.test"]
)";

// The MX record names mx2, which the enforce policy does not list.
constexpr std::string_view unlisted_mx_world = R"(
[world]
seed = 5
[profile."example.test"]
tls = "preferred"
mta_sts = true
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx2.example.test"
[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"
[policy_host."example.test"]
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
[smtp."mx1.example.test"]
[smtp."mx2.example.test"]
)";

// STARTTLS stripped by a man in the middle: the MX no longer offers it.
constexpr std::string_view stripped_world = R"(
[world]
seed = 5
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
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
[smtp."mx1.example.test"]
starttls = false
)";

// No MTA-STS; the only MX has an address where nothing listens.
constexpr std::string_view unreachable_world = R"(
[world]
seed = 5
[profile."example.test"]
tls = "preferred"
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx9.example.test"
[[dns]]
name = "mx9.example.test"
type = "A"
data = "10.25.9.9"
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_engine)

BOOST_AUTO_TEST_CASE(a_message_is_delivered_over_tls_under_an_enforce_policy,
                     *sts::test::covers("STS-APPLY-01", "STS-APPLY-06"))
{
    harness h(with_engine(enforce_world));
    const auto mid = h.send();
    h.run_for(10min);

    const auto c = h.engine().counts();
    BOOST_TEST(c.accepted == 1u);
    BOOST_TEST(c.delivered == 1u);
    BOOST_TEST(c.queued == 0u);
    const auto outcomes = h.engine().outcomes();
    BOOST_TEST_REQUIRE(outcomes.size() == 1u);
    BOOST_TEST(outcomes[0].mid == mid);
    BOOST_TEST((outcomes[0].state == delivery::recipient_state::delivered));
    BOOST_TEST(outcomes[0].delivered_via == "mx1.example.test");
    BOOST_TEST(outcomes[0].tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(has_mail_command(commands_at(h, "mx1.example.test")));

    // log-format.md: the successful first delivery, in order.
    std::size_t at = 0;
    for (const std::string_view step :
         {std::string_view("MID 1 queued for delivery"), std::string_view("New SMTP DCID 1 interface 10.0.0.1 address"),
          std::string_view("DCID 1 TLS success protocol TLSv1."),
          std::string_view("MTA-STS policy for the domain (example.test) Successful."),
          std::string_view("Delivery start DCID 1 MID 1 to RID [0]"), std::string_view("Message done DCID 1 MID 1 to RID [0]"),
          std::string_view("MID 1 RID [0] Response '"), std::string_view("Message finished MID 1 done"),
          std::string_view("DCID 1 close")}) {
        const auto found = h.find(step, at);
        BOOST_TEST_REQUIRE(found != std::string::npos, "missing in order: " << step);
        at = found + 1;
    }

    // RFC 8460: one successful sts session.
    const auto& rpt = h.engine().tlsrpt_records();
    BOOST_TEST_REQUIRE(rpt.size() == 1u);
    BOOST_TEST(rpt[0].success);
    BOOST_TEST((rpt[0].policy == sts::tlsrpt::policy_type::sts));
    BOOST_TEST(rpt[0].policy_id == "20240926T1");
    BOOST_TEST(rpt[0].mx_host == "mx1.example.test");
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_mx_the_enforce_policy_does_not_list_gets_no_message_and_the_message_stays_queued,
                     *sts::test::covers("STS-APPLY-09", "STS-APPLY-15"))
{
    harness h(with_engine(unlisted_mx_world));
    h.send();
    h.run_for(30s);

    const auto c = h.engine().counts();
    BOOST_TEST(c.delivered == 0u);
    BOOST_TEST(c.bounced == 0u);
    BOOST_TEST(c.queued == 1u);
    BOOST_TEST(c.dsns == 0u);
    BOOST_TEST(!has_mail_command(commands_at(h, "mx2.example.test")));
    BOOST_TEST(h.logged_containing("Delayed: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.5 - "
                        "MTA-STS policy enforce"));
    const auto& rpt = h.engine().tlsrpt_records();
    BOOST_TEST_REQUIRE(!rpt.empty());
    BOOST_TEST(!rpt[0].success);
    BOOST_TEST(rpt[0].mx_host == "mx2.example.test");
    BOOST_TEST((rpt[0].reason == sts::tlsrpt::failure_reason::mx_not_listed_in_policy));
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_enforce_failure_is_retried_rechecked_in_dns_and_bounced_with_a_dsn_at_the_lifetime,
                     *sts::test::covers("STS-APPLY-14", "STS-APPLY-15", "STS-APPLY-16"))
{
    harness h(with_engine(unlisted_mx_world, "2h", {"10m"}));
    h.send();
    h.run_for(1h);
    BOOST_TEST(h.engine().counts().queued == 1u);
    BOOST_TEST(h.engine().dsns().empty());
    h.run_for(3h);

    const auto c = h.engine().counts();
    BOOST_TEST(c.bounced == 1u);
    BOOST_TEST(c.queued == 0u);
    BOOST_TEST(c.dsns == 1u);
    const auto outcomes = h.engine().outcomes();
    BOOST_TEST_REQUIRE(outcomes.size() == 1u);
    BOOST_TEST(outcomes[0].attempts >= 12u);  // every 10 minutes for two hours, and at the deadline
    BOOST_TEST(!has_mail_command(commands_at(h, "mx2.example.test")));

    // The re-check came after the last failed attempt and before the bounce and the DSN.
    const auto last_delayed = h.find("MID 1 MTA-STS policy for the domain (example.test) re-checked before bounce: bounce");
    BOOST_TEST_REQUIRE(last_delayed != std::string::npos);
    const auto bounced = h.find("Bounced: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 5.4.7 - "
                                     "Delivery expired (message too old)",
                                     last_delayed);
    BOOST_TEST(bounced != std::string::npos);
    BOOST_TEST(h.find("bounce DSN generated to <alice@sender.test>", bounced) != std::string::npos);
    BOOST_TEST(h.find("Message finished MID 1 done", bounced) != std::string::npos);
    // One TXT query per attempt, plus the re-check's.
    BOOST_TEST(h.txt_queries() > outcomes[0].attempts);

    const auto& dsn = h.engine().dsns().front();
    BOOST_TEST(dsn.mail_from == "");
    BOOST_TEST_REQUIRE(dsn.rcpt_to.size() == 1u);
    BOOST_TEST(dsn.rcpt_to[0] == "alice@sender.test");
    BOOST_TEST(dsn.data.find("Final-Recipient: rfc822; bob@example.test") != std::string::npos);
    BOOST_TEST(dsn.data.find("MTA-STS policy enforce") != std::string::npos);
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_unreachable_mx_is_deferred_on_the_schedule_then_bounced_after_the_lifetime,
                     *sts::test::covers("STS-APPLY-18"))
{
    harness h(with_engine(unreachable_world));  // the default schedule and a 72 h lifetime
    h.send();
    h.run_for(71h);
    BOOST_TEST(h.engine().counts().queued == 1u);
    BOOST_TEST(h.logged_containing("Connection Error: DCID 1 domain: example.test IP: 10.25.9.9 port: 25 details: "));
    BOOST_TEST(h.logged_containing("Delayed: DCID 1 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.4.1 - "));
    h.run_for(2h);

    const auto c = h.engine().counts();
    BOOST_TEST(c.bounced == 1u);
    BOOST_TEST(c.dsns == 1u);
    BOOST_TEST(!h.logged_containing("re-checked before bounce"));  // not an MTA-STS failure
    // RFC 8460 §4.3.4 [TLSRPT-30]: connection failures are not TLS-RPT failures.
    BOOST_TEST(h.engine().tlsrpt_records().empty());
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(stripped_starttls_under_enforce_never_sends_the_message_in_clear,
                     *sts::test::covers("STS-APPLY-09", "STS-APPLY-19", "STS-SEC-01"))
{
    harness h(with_engine(stripped_world));
    h.send();
    h.run_for(30s);

    BOOST_TEST(h.engine().counts().delivered == 0u);
    BOOST_TEST(h.engine().counts().queued == 1u);
    BOOST_TEST(!has_mail_command(commands_at(h, "mx1.example.test")));
    BOOST_TEST(h.logged_containing("DCID 1 STARTTLS command not supported."));
    BOOST_TEST(h.logged_containing("DCID 1 TLS was required but could not be successfully negotiated"));
    BOOST_TEST(h.find("DCID 1 close") < h.find("Delayed: DCID 1 MID 1"));
    const auto& rpt = h.engine().tlsrpt_records();
    BOOST_TEST_REQUIRE(rpt.size() == 1u);
    BOOST_TEST(!rpt[0].success);
    BOOST_TEST((rpt[0].reason == sts::tlsrpt::failure_reason::starttls_not_offered));
    BOOST_TEST((rpt[0].policy == sts::tlsrpt::policy_type::sts));
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(several_messages_are_all_delivered_within_the_concurrency_limit)
{
    harness h(with_engine(enforce_world, "72h", {}, 2));
    for (int i = 0; i < 5; ++i) h.send();
    h.run_for(10min);
    BOOST_TEST(h.engine().counts().delivered == 5u);
    BOOST_TEST(h.logged_containing("Message finished MID 5 done"));
    // At most two sessions are open at any time: each new one after an earlier close.
    int open = 0;
    int open_max = 0;
    for (const auto& t : h.texts()) {
        if (t.rfind("New SMTP DCID", 0) == 0) open_max = std::max(open_max, ++open);
        if (t.rfind("DCID", 0) == 0 && t.ends_with(" close")) --open;
    }
    BOOST_TEST(open_max == 2);
    BOOST_TEST(open == 0);
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(two_runs_of_one_world_write_the_same_log_and_records)
{
    const auto run = [] {
        harness h(with_engine(unlisted_mx_world, "1h", {"15m"}));
        h.send();
        h.send("carol@example.test");
        h.run_for(2h);
        h.check_conservation();
        return std::pair(h.lines(), h.engine().dsns());
    };
    const auto first = run();
    const auto second = run();
    BOOST_TEST(first.first == second.first, boost::test_tools::per_element());
    BOOST_TEST((first.second == second.second));
    BOOST_TEST(first.second.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_message_whose_only_recipient_is_refused_at_rcpt_is_finished_once) {
    harness h(std::string(R"(
[profile.default]
tls = "preferred"
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
[smtp."mx1.example.test"]
replies = [{ step = "rcpt", reply = "550 5.1.1 no such user" }]
)"));
    h.send();
    h.run_for(1h);
    const auto t = h.texts();
    BOOST_TEST(std::count(t.begin(), t.end(), std::string("Message finished MID 1 done")) == 1);
    BOOST_TEST(h.logged_containing("Bounced: DCID 1 MID 1"));
    BOOST_TEST(h.engine().counts().bounced == 1u);
    h.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
