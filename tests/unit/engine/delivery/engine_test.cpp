// Tests engine/delivery/engine.hpp end to end: a whole mock world from TOML on the
// simulated network, the real stub resolver, policy fetcher, SMTP client and TLS, driven
// by the scheduler in virtual time (days of retries cost milliseconds). Each case checks
// the outcome, the mail log, the TLS-RPT records, what the receiving MX saw, and that the
// conservation count held after every single log line the engine wrote.
#include "engine/delivery/engine.hpp"

#include "mocks/transcript.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "sim/world/world.hpp"
#include "sim/world/world_loader.hpp"

#include "tests/support/covers.hpp"

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

// Checks the conservation invariant each time the engine writes a line, which is after
// (or between) every state change it makes.
class conservation_sink final : public sts::log::sink {
public:
    void write(const sts::log::entry& e) override {
        memory.write(e);
        if (engine != nullptr && !engine->counts().conserved()) ++violations;
    }
    sts::log::memory_sink memory;
    const delivery::engine* engine = nullptr;
    int violations = 0;
};

struct harness {
    sts::sim::scheduler sched{sts::sim::default_world_start};
    sts::sim::sim_network network{sched};
    std::unique_ptr<sts::sim::world> world;
    conservation_sink log;
    std::unique_ptr<delivery::engine> engine;

    explicit harness(std::string_view text, std::chrono::seconds lifetime = 72h,
                     std::vector<std::chrono::seconds> delays = {}, std::size_t concurrency = 10) {
        auto spec = sts::sim::load_world_text(text, "engine_test.toml");
        BOOST_TEST_REQUIRE(spec.has_value());
        world = std::make_unique<sts::sim::world>(std::move(spec).value(),
                                                  sts::sim::world_network{sched.io(), network, sched, sched});
        auto started = world->start();
        BOOST_TEST_REQUIRE(started.has_value(), (started.has_value() ? "" : started.error()));

        delivery::engine_config config;
        for (const auto& [key, profile] : world->spec().profiles) {
            BOOST_TEST_REQUIRE(!config.profiles.add(key, profile).has_value());
        }
        config.nameserver = world->dns_endpoint();
        config.trust_store_pem = world->trust_store_pem();
        config.interface_address = "10.0.0.1";
        config.queue_lifetime = lifetime;
        if (!delays.empty()) config.retry_delays = std::move(delays);
        config.concurrent_deliveries_max = concurrency;
        auto made = delivery::engine::create(std::move(config),
                                             delivery::engine_ports{sched.io(), network, sched, sched, log});
        BOOST_TEST_REQUIRE(made.has_value(), (made.has_value() ? "" : made.error()));
        engine = std::move(made).value();
        log.engine = engine.get();
    }

    ~harness() {
        log.engine = nullptr;
        if (engine) engine->stop();
    }

    std::uint64_t send(std::string to = "bob@example.test") {
        return engine->submit(delivery::message{"alice@sender.test", {std::move(to)},
                                                "From: alice@sender.test\r\nSubject: hi\r\n\r\nHello.\r\n"});
    }

    void run_for(sts::core::duration d) { sched.run_until(sched.now() + d); }

    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (const auto& e : log.memory.entries()) out.push_back(e.text);
        return out;
    }

    bool logged(std::string_view needle) const {
        const auto t = texts();
        return std::any_of(t.begin(), t.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
    }

    // The index of the first line containing `needle` at or after `from`, or npos.
    std::size_t find_line(std::string_view needle, std::size_t from = 0) const {
        const auto t = texts();
        for (std::size_t i = from; i < t.size(); ++i)
            if (t[i].find(needle) != std::string::npos) return i;
        return std::string::npos;
    }

    // SMTP commands the named MX received.
    std::vector<std::string> commands_at(std::string_view host) const {
        std::vector<std::string> out;
        for (const auto& e : world->transcript().entries())
            if (e.host == host && e.kind == mocks::transcript_kind::smtp_command) out.push_back(e.text);
        return out;
    }

    std::size_t txt_queries() const {
        std::size_t n = 0;
        for (const auto& e : world->transcript().entries())
            if (e.kind == mocks::transcript_kind::dns_query && e.text.find("_mta-sts.example.test") != std::string::npos)
                ++n;
        return n;
    }

    void check_conservation() const {
        BOOST_TEST(engine->counts().conserved());
        BOOST_TEST(log.violations == 0);
        BOOST_TEST(!logged("conservation violated"));
        for (const auto& e : log.memory.entries()) BOOST_TEST((e.sev != sts::log::severity::critical), e.text);
    }
};

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
    harness h(enforce_world);
    const auto mid = h.send();
    h.run_for(10min);

    const auto c = h.engine->counts();
    BOOST_TEST(c.accepted == 1u);
    BOOST_TEST(c.delivered == 1u);
    BOOST_TEST(c.queued == 0u);
    const auto outcomes = h.engine->outcomes();
    BOOST_TEST_REQUIRE(outcomes.size() == 1u);
    BOOST_TEST(outcomes[0].mid == mid);
    BOOST_TEST((outcomes[0].state == delivery::recipient_state::delivered));
    BOOST_TEST(outcomes[0].delivered_via == "mx1.example.test");
    BOOST_TEST(outcomes[0].tls_protocol.rfind("TLSv1.", 0) == 0);
    BOOST_TEST(has_mail_command(h.commands_at("mx1.example.test")));

    // log-format.md: the successful first delivery, in order.
    std::size_t at = 0;
    for (const std::string_view step :
         {std::string_view("MID 1 queued for delivery"), std::string_view("New SMTP DCID 1 interface 10.0.0.1 address"),
          std::string_view("DCID 1 TLS success protocol TLSv1."),
          std::string_view("MTA-STS policy for the domain (example.test) Successful."),
          std::string_view("Delivery start DCID 1 MID 1 to RID [0]"), std::string_view("Message done DCID 1 MID 1 to RID [0]"),
          std::string_view("MID 1 RID [0] Response '"), std::string_view("Message finished MID 1 done"),
          std::string_view("DCID 1 close")}) {
        const auto found = h.find_line(step, at);
        BOOST_TEST_REQUIRE(found != std::string::npos, "missing in order: " << step);
        at = found + 1;
    }

    // RFC 8460: one successful sts session.
    const auto& rpt = h.engine->tlsrpt_records();
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
    harness h(unlisted_mx_world);
    h.send();
    h.run_for(30s);

    const auto c = h.engine->counts();
    BOOST_TEST(c.delivered == 0u);
    BOOST_TEST(c.bounced == 0u);
    BOOST_TEST(c.queued == 1u);
    BOOST_TEST(c.dsns == 0u);
    BOOST_TEST(!has_mail_command(h.commands_at("mx2.example.test")));
    BOOST_TEST(h.logged("Delayed: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.5 - "
                        "MTA-STS policy enforce"));
    const auto& rpt = h.engine->tlsrpt_records();
    BOOST_TEST_REQUIRE(!rpt.empty());
    BOOST_TEST(!rpt[0].success);
    BOOST_TEST(rpt[0].mx_host == "mx2.example.test");
    BOOST_TEST((rpt[0].reason == sts::tlsrpt::failure_reason::mx_not_listed_in_policy));
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(an_enforce_failure_is_retried_rechecked_in_dns_and_bounced_with_a_dsn_at_the_lifetime,
                     *sts::test::covers("STS-APPLY-14", "STS-APPLY-15", "STS-APPLY-16"))
{
    harness h(unlisted_mx_world, 2h, {10min});
    h.send();
    h.run_for(1h);
    BOOST_TEST(h.engine->counts().queued == 1u);
    BOOST_TEST(h.engine->dsns().empty());
    h.run_for(3h);

    const auto c = h.engine->counts();
    BOOST_TEST(c.bounced == 1u);
    BOOST_TEST(c.queued == 0u);
    BOOST_TEST(c.dsns == 1u);
    const auto outcomes = h.engine->outcomes();
    BOOST_TEST_REQUIRE(outcomes.size() == 1u);
    BOOST_TEST(outcomes[0].attempts >= 12u);  // every 10 minutes for two hours, and at the deadline
    BOOST_TEST(!has_mail_command(h.commands_at("mx2.example.test")));

    // The re-check came after the last failed attempt and before the bounce and the DSN.
    const auto last_delayed = h.find_line("MID 1 MTA-STS policy for the domain (example.test) re-checked before bounce: bounce");
    BOOST_TEST_REQUIRE(last_delayed != std::string::npos);
    const auto bounced = h.find_line("Bounced: DCID 0 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 5.4.7 - "
                                     "Delivery expired (message too old)",
                                     last_delayed);
    BOOST_TEST(bounced != std::string::npos);
    BOOST_TEST(h.find_line("bounce DSN generated to <alice@sender.test>", bounced) != std::string::npos);
    BOOST_TEST(h.find_line("Message finished MID 1 done", bounced) != std::string::npos);
    // One TXT query per attempt, plus the re-check's.
    BOOST_TEST(h.txt_queries() > outcomes[0].attempts);

    const auto& dsn = h.engine->dsns().front();
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
    harness h(unreachable_world);  // the default schedule and a 72 h lifetime
    h.send();
    h.run_for(71h);
    BOOST_TEST(h.engine->counts().queued == 1u);
    BOOST_TEST(h.logged("Connection Error: DCID 1 domain: example.test IP: 10.25.9.9 port: 25 details: "));
    BOOST_TEST(h.logged("Delayed: DCID 1 MID 1 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.4.1 - "));
    h.run_for(2h);

    const auto c = h.engine->counts();
    BOOST_TEST(c.bounced == 1u);
    BOOST_TEST(c.dsns == 1u);
    BOOST_TEST(!h.logged("re-checked before bounce"));  // not an MTA-STS failure
    // RFC 8460 §4.3.4 [TLSRPT-30]: connection failures are not TLS-RPT failures.
    BOOST_TEST(h.engine->tlsrpt_records().empty());
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(stripped_starttls_under_enforce_never_sends_the_message_in_clear,
                     *sts::test::covers("STS-APPLY-09", "STS-APPLY-19", "STS-SEC-01"))
{
    harness h(stripped_world);
    h.send();
    h.run_for(30s);

    BOOST_TEST(h.engine->counts().delivered == 0u);
    BOOST_TEST(h.engine->counts().queued == 1u);
    BOOST_TEST(!has_mail_command(h.commands_at("mx1.example.test")));
    BOOST_TEST(h.logged("DCID 1 STARTTLS command not supported."));
    BOOST_TEST(h.logged("DCID 1 TLS was required but could not be successfully negotiated"));
    BOOST_TEST(h.find_line("DCID 1 close") < h.find_line("Delayed: DCID 1 MID 1"));
    const auto& rpt = h.engine->tlsrpt_records();
    BOOST_TEST_REQUIRE(rpt.size() == 1u);
    BOOST_TEST(!rpt[0].success);
    BOOST_TEST((rpt[0].reason == sts::tlsrpt::failure_reason::starttls_not_offered));
    BOOST_TEST((rpt[0].policy == sts::tlsrpt::policy_type::sts));
    h.check_conservation();
}

BOOST_AUTO_TEST_CASE(several_messages_are_all_delivered_within_the_concurrency_limit)
{
    harness h(enforce_world, 72h, {}, 2);
    for (int i = 0; i < 5; ++i) h.send();
    h.run_for(10min);
    BOOST_TEST(h.engine->counts().delivered == 5u);
    BOOST_TEST(h.logged("Message finished MID 5 done"));
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
        harness h(unlisted_mx_world, 1h, {15min});
        h.send();
        h.send("carol@example.test");
        h.run_for(2h);
        h.check_conservation();
        return std::pair(h.log.memory.lines(), h.engine->dsns());
    };
    const auto first = run();
    const auto second = run();
    BOOST_TEST(first.first == second.first, boost::test_tools::per_element());
    BOOST_TEST((first.second == second.second));
    BOOST_TEST(first.second.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_message_whose_only_recipient_is_refused_at_rcpt_is_finished_once) {
    harness h(R"(
[profile.default]
tls = "preferred"
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
[smtp."mx1.example.test"]
replies = [{ step = "rcpt", reply = "550 5.1.1 no such user" }]
)");
    h.send();
    h.run_for(1h);
    const auto t = h.texts();
    BOOST_TEST(std::count(t.begin(), t.end(), std::string("Message finished MID 1 done")) == 1);
    BOOST_TEST(h.logged("Bounced: DCID 1 MID 1"));
    BOOST_TEST(h.engine->counts().bounced == 1u);
    h.check_conservation();
}

BOOST_AUTO_TEST_SUITE_END()
