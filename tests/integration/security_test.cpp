// Downgrade attacks against the whole engine on the simulated network: STARTTLS stripped
// from EHLO, a receiver that speaks only TLS 1.1, plaintext injected after the 220 to
// STARTTLS (the CVE-2011-0411 family), STARTTLS answered 454, and a handshake answered
// with garbage or a closed connection — each under an enforce MTA-STS policy and under
// mandatory DANE with usable TLSA, where no message may ever travel in clear; and the same
// faults under Preferred TLS with no policy, where the gateway falls back to clear text
// only when STARTTLS fails before its 220 (seg-behaviour.md, Preferred).
//
// "Never in clear" is read from the receiver's side: the world's transcript records every
// command per connection and when TLS was established on it, so a MAIL command before TLS
// is caught even if the engine's own log said otherwise. A refused message must stay
// queued (deferred, retried) and bounce with a DSN only at the end of its queue lifetime
// (RFC 8461 §5, §5.1), and the conservation count must hold throughout.
#include "tests/support/engine_world.hpp"

#include "tests/support/covers.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <string>

namespace {

using namespace std::chrono_literals;
using sts::test::run;
namespace delivery = sts::delivery;
namespace tlsrpt = sts::tlsrpt;

const std::string mx1 = "mx1.example.test";

enum class guard {
    enforce,        // MTA-STS on, enforce policy listing mx1
    dane,           // DANE mandatory, secure MX/A/TLSA, TLSA 3 1 1 of mx1's certificate
    preferred_only  // Preferred TLS, no MTA-STS, no DANE
};

// example.test with one MX whose [smtp] table gets `fault`. The queue retries every 20
// minutes and gives up after an hour.
std::string world(guard g, const std::string& fault) {
    std::string t = R"([engine]
queue_lifetime = "1h"
retry = ["20m"]

[profile."example.test"]
tls = "preferred"
)";
    if (g == guard::enforce) t += "mta_sts = true\n";
    if (g == guard::dane) t += "dane = \"mandatory\"\n";
    const std::string dnssec = g == guard::dane ? "secure" : "insecure";
    t += R"(
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
dnssec = ")" + dnssec + R"("
)";
    if (g == guard::dane) {
        t += R"(
[[dns]]
name = "mx1.example.test"
type = "A"
data = "10.25.0.1"
dnssec = "secure"

[[dns]]
name = "_25._tcp.mx1.example.test"
type = "TLSA"
data = "3 1 1 cert:mx1.example.test"
dnssec = "secure"
)";
    }
    if (g == guard::enforce) {
        t += R"(
[[dns]]
name = "_mta-sts.example.test"
type = "TXT"
data = "v=STSv1; id=20240926T1;"

[policy_host."example.test"]
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
)";
    }
    return t + "\n[smtp.\"mx1.example.test\"]\n" + fault + "\n";
}

tlsrpt::policy_type policy_of(guard g) {
    return g == guard::enforce ? tlsrpt::policy_type::sts : tlsrpt::policy_type::tlsa;
}

// The downgrade is refused on every attempt: mx1 is contacted, never gets MAIL in clear
// (nor at all: TLS never came up), the message stays queued without a DSN while its
// lifetime runs, then bounces with one DSN. Every failed session is reported under the
// governing policy, with `result` when the case names the result type.
void check_refused_then_bounced(run& r, guard g, std::optional<tlsrpt::result_type> result = std::nullopt) {
    r.send("bob@example.test");
    r.run_for(30min);  // the first attempt and one retry
    BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
    BOOST_TEST(r.connections_to(mx1) == 2u);
    BOOST_TEST(r.engine().dsns().empty());
    BOOST_TEST(r.logged_containing("TLS was required but could not be successfully negotiated"));
    BOOST_TEST(r.logged_containing("Delayed: DCID 1 MID 1"));
    r.check_conservation();

    r.run_for(2h);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::bounced));
    BOOST_TEST(o.attempts >= 3u);
    BOOST_TEST(r.engine().dsns().size() == 1u);
    BOOST_TEST(r.logged_containing("Bounced: DCID"));
    BOOST_TEST(r.mail_commands(mx1, false) == 0u);
    BOOST_TEST(r.mail_commands(mx1, true) == 0u);
    BOOST_TEST(r.received(mx1) == 0u);

    const auto& records = r.engine().tlsrpt_records();
    BOOST_TEST(!records.empty());
    for (const auto& rec : records) {
        BOOST_TEST(!rec.success);
        BOOST_TEST((rec.policy == policy_of(g)));
        if (result) BOOST_TEST((rec.result == *result));
    }
    r.check_conservation();
}

// The injected "250 ..." sits in the same read as the 220 to STARTTLS. A client that kept
// it would hand it to TLS (a failed handshake) or take it for a reply inside TLS; ours
// discards it, logs that, and delivers over TLS with an ordinary dialogue.
void check_injection_discarded_and_delivered_over_tls(run& r) {
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(!o.tls_protocol.empty());
    BOOST_TEST(r.logged_containing("DCID 1 STARTTLS plaintext after the 220 reply discarded"));
    const auto& seen = r.sim().world().transcript().entries();
    BOOST_TEST(std::any_of(seen.begin(), seen.end(), [](const sts::mocks::transcript_entry& e) {
        return e.host == mx1 && e.text.rfind("injected plaintext after the reply", 0) == 0;
    }));
    BOOST_TEST(r.mail_commands(mx1, false) == 0u);
    BOOST_TEST(r.mail_commands(mx1, true) == 1u);
    BOOST_TEST(r.received(mx1) == 1u);
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    BOOST_TEST(r.connections_to(mx1) == 1u);
    r.check_conservation();
}

// What a receiver (or a man in the middle) can do to TLS; under a policy that demands
// TLS none of it may lead to a delivery in clear or over TLS below 1.2. The TLS-RPT result
// type is checked where it is specific to the attack.
struct tls_attack {
    std::string_view what;
    std::string fault;  // lines added to mx1's table
    std::optional<tlsrpt::result_type> result;
};
const tls_attack tls_attacks[] = {
    {"STARTTLS stripped", "starttls = false", tlsrpt::result_type::starttls_not_supported},
    {"only TLS 1.1 spoken", "tls_max = \"1.1\"", std::nullopt},
    {"STARTTLS answered 454", "starttls_reply = \"454 4.7.0 TLS not available\"", std::nullopt},
    {"handshake answered with garbage", "handshake = \"garbage-reply\"", std::nullopt},
    {"connection closed instead of the handshake", "handshake = \"close-after-reply\"", std::nullopt},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(integration_security)

// --- enforce MTA-STS policy ---

BOOST_AUTO_TEST_CASE(enforce_never_delivers_in_clear_or_below_tls_1_2_whatever_the_receiver_does_to_tls,
                     *sts::test::covers("STS-SEC-01", "STS-APPLY-07", "STS-APPLY-08", "STS-APPLY-09", "STS-APPLY-15",
                                        "STS-APPLY-16", "STS-APPLY-19"))
{
    for (const auto& row : tls_attacks) {
        BOOST_TEST_CONTEXT(row.what) {
            run r(world(guard::enforce, row.fault));
            check_refused_then_bounced(r, guard::enforce, row.result);
        }
    }
}

BOOST_AUTO_TEST_CASE(enforce_discards_plaintext_injected_after_the_220_and_delivers_over_verified_tls,
                     *sts::test::covers("STS-APPLY-01"))
{
    run r(world(guard::enforce, "injection = \"250 2.0.0 injected\""));
    check_injection_discarded_and_delivered_over_tls(r);
    BOOST_TEST(r.logged_containing("MTA-STS policy for the domain (example.test) Successful."));
}

// --- mandatory DANE, usable TLSA ---

BOOST_AUTO_TEST_CASE(mandatory_dane_never_delivers_in_clear_or_below_tls_1_2_whatever_the_receiver_does_to_tls,
                     *sts::test::covers("DANE-10", "DANE-25"))
{
    // The receiver closing instead of the handshake is the enforce table's last row only.
    for (const auto& row : std::span(tls_attacks).first(4)) {
        BOOST_TEST_CONTEXT(row.what) {
            run r(world(guard::dane, row.fault));
            check_refused_then_bounced(r, guard::dane, row.result);
        }
    }
}

BOOST_AUTO_TEST_CASE(mandatory_dane_discards_plaintext_injected_after_the_220_and_delivers_over_dane_tls,
                     *sts::test::covers("DANE-10"))
{
    run r(world(guard::dane, "injection = \"250 2.0.0 injected\""));
    check_injection_discarded_and_delivered_over_tls(r);
}

// --- Preferred, no policy: clear text only before the 220 ---

BOOST_AUTO_TEST_CASE(preferred_without_a_policy_delivers_in_clear_when_starttls_is_not_offered,
                     *sts::test::covers("STS-APPLY-17"))
{
    run r(world(guard::preferred_only, "starttls = false"));
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    BOOST_TEST(r.logged_containing("DCID 1 STARTTLS command not supported."));
    BOOST_TEST(r.mail_commands(mx1, false) == 1u);
    BOOST_TEST(r.received_in_clear(mx1) == 1u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(preferred_without_a_policy_delivers_in_clear_when_starttls_is_answered_454,
                     *sts::test::covers("STS-APPLY-17"))
{
    run r(world(guard::preferred_only, "starttls_reply = \"454 4.7.0 TLS not available\""));
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol.empty());
    BOOST_TEST(r.logged_containing("DCID 1 TLS failed: STARTTLS command rejected"));
    BOOST_TEST(r.mail_commands(mx1, false) == 1u);
    BOOST_TEST(r.received_in_clear(mx1) == 1u);
    BOOST_TEST(r.connections_to(mx1) == 1u);  // the clear-text fallback stays on the same connection
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(preferred_without_a_policy_never_falls_back_to_clear_text_after_a_failed_handshake)
{
    // The 220 to STARTTLS was received: an error after it does not fall back to clear text
    // (seg-behaviour.md, Preferred); the message is deferred and retried.
    for (const std::string fault : {"handshake = \"garbage-reply\"", "handshake = \"close-after-reply\""}) {
        BOOST_TEST_CONTEXT(fault) {
            run r(world(guard::preferred_only, fault));
            r.send("bob@example.test");
            r.run_for(30min);
            BOOST_TEST((r.only_outcome().state == delivery::recipient_state::queued));
            BOOST_TEST(r.connections_to(mx1) == 2u);
            BOOST_TEST(r.logged_containing("DCID 1 TLS failed: "));
            BOOST_TEST(r.mail_commands(mx1, false) == 0u);
            BOOST_TEST(r.received(mx1) == 0u);
            r.check_conservation();
        }
    }
}

BOOST_AUTO_TEST_CASE(preferred_without_a_policy_accepts_tls_1_1_because_only_a_policy_sets_a_floor,
                     *sts::test::covers("STS-APPLY-17"))
{
    run r(world(guard::preferred_only, "tls_max = \"1.1\""));
    r.send("bob@example.test");
    r.run_for(5min);
    const auto o = r.only_outcome();
    BOOST_TEST((o.state == delivery::recipient_state::delivered));
    BOOST_TEST(o.tls_protocol == "TLSv1.1");
    BOOST_TEST(r.mail_commands(mx1, false) == 0u);
    BOOST_TEST(r.received_in_clear(mx1) == 0u);
    r.check_conservation();
}

BOOST_AUTO_TEST_CASE(preferred_without_a_policy_also_discards_injected_plaintext)
{
    run r(world(guard::preferred_only, "injection = \"250 2.0.0 injected\""));
    check_injection_discarded_and_delivered_over_tls(r);
}

BOOST_AUTO_TEST_SUITE_END()
