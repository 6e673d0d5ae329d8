// Tests engine/log/delivery_lines.hpp: every delivery line family word for word as
// log-format.md shows it, spacing quirks included, and the quoting of peer text.
#include "engine/log/delivery_lines.hpp"

#include "tests/support/covers.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace sts::log;

sts::smtp::reply make_reply(int code, std::vector<std::string> lines) {
    sts::smtp::reply r;
    r.code = code;
    r.lines = std::move(lines);
    return r;
}

const std::vector<unsigned> rid0{0};
const std::vector<unsigned> rid012{0, 1, 2};

}  // namespace

BOOST_AUTO_TEST_SUITE(log_delivery_lines)

BOOST_AUTO_TEST_CASE(successful_delivery_lines_have_the_documented_forms)
{
    BOOST_TEST(queued_for_delivery(5) == "MID 5 queued for delivery");
    BOOST_TEST(new_smtp_connection(3, "10.0.0.1", "192.0.2.25", 25) ==
               "New SMTP DCID 3 interface 10.0.0.1 address 192.0.2.25 port 25");
    BOOST_TEST(tls_success(3, "TLSv1.3", "TLS_AES_256_GCM_SHA384") ==
               "DCID 3 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384");
    BOOST_TEST(policy_successful("example.test") == "MTA-STS policy for the domain (example.test) Successful.");
    BOOST_TEST(delivery_start(3, 5, rid0) == "Delivery start DCID 3 MID 5 to RID [0]");
    BOOST_TEST(message_done(3, 5, rid0) == "Message done DCID 3 MID 5 to RID [0]");
    BOOST_TEST(response(5, rid0, make_reply(250, {"2.0.0 Ok: queued as 1A2B"})) ==
               "MID 5 RID [0] Response '2.0.0 Ok: queued as 1A2B'");
    BOOST_TEST(message_finished(5) == "Message finished MID 5 done");
    BOOST_TEST(connection_close(3) == "DCID 3 close");
}

BOOST_AUTO_TEST_CASE(rid_lists_are_separated_by_a_comma_and_a_space)
{
    BOOST_TEST(delivery_start(1, 2, rid012) == "Delivery start DCID 1 MID 2 to RID [0, 1, 2]");
    BOOST_TEST(rid_list({}) == "[]");
}

BOOST_AUTO_TEST_CASE(tls_failure_lines_have_the_documented_forms, *sts::test::covers("STS-APPLY-09"))
{
    BOOST_TEST(starttls_not_supported(4) == "DCID 4 STARTTLS command not supported.");
    BOOST_TEST(tls_failed(4, "TLS handshake failed") == "DCID 4 TLS failed: TLS handshake failed");
    BOOST_TEST(tls_deferring_verify_error(4, "peer cert does not match domain") ==
               "DCID 4 TLS deferring: verify error: peer cert does not match domain");
    BOOST_TEST(tls_required_not_negotiated(4) == "DCID 4 TLS was required but could not be successfully negotiated");
}

BOOST_AUTO_TEST_CASE(delayed_and_bounced_lines_have_the_documented_forms)
{
    const auto reply = make_reply(451, {"4.7.1 Try again later"});
    const std::string tuple = sts::smtp::log_reply_tuple(reply);
    recipient_event e{7, 5, "alice@sender.test", "bob@example.test", 0, "4.7.1", "Unknown address error", tuple};
    BOOST_TEST(delayed(e) ==
               "Delayed: DCID 7 MID 5 From: <alice@sender.test> To: <bob@example.test> RID 0 - 4.7.1 - "
               "Unknown address error ('451', ['4.7.1 Try again later'])");
    const std::string none = no_reply_tuple("");
    e = {0, 5, "alice@sender.test", "bob@example.test", 2, "5.4.7", "Delivery expired (message too old)", none};
    BOOST_TEST(bounced(e) ==
               "Bounced: DCID 0 MID 5 From: <alice@sender.test> To: <bob@example.test> RID 2 - 5.4.7 - "
               "Delivery expired (message too old) ('000', [])");
}

BOOST_AUTO_TEST_CASE(the_reply_part_without_a_reply_quotes_our_words)
{
    BOOST_TEST(no_reply_tuple("TLS was required but could not be successfully negotiated") ==
               "('000', ['TLS was required but could not be successfully negotiated'])");
    BOOST_TEST(no_reply_tuple("it's") == "('000', ['it\\'s'])");
}

BOOST_AUTO_TEST_CASE(connection_error_line_has_the_documented_form)
{
    BOOST_TEST(connection_error(9, "example.test", "192.0.2.25", 25, "connection refused", "10.0.0.1",
                                "network error") ==
               "Connection Error: DCID 9 domain: example.test IP: 192.0.2.25 port: 25 details: connection refused "
               "interface: 10.0.0.1 reason: network error");
}

BOOST_AUTO_TEST_CASE(peer_text_is_quoted_so_it_cannot_forge_log_lines)
{
    BOOST_TEST(tls_failed(1, "bad\r\nInfo: forged") == "DCID 1 TLS failed: bad\\x0d\\x0aInfo: forged");
    const auto reply = make_reply(250, {"ok\x1b[31m"});
    BOOST_TEST(response(1, rid0, reply) == "MID 1 RID [0] Response 'ok\\x1b[31m'");
    recipient_event e{1, 1, "a\nb@x", "c@y", 0, "4.0.0", "t", "('000', [])"};
    BOOST_TEST(delayed(e).find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(our_own_lines_keep_their_stable_wording)
{
    BOOST_TEST(tls_verify_error_not_enforced(2, "certificate has expired") ==
               "DCID 2 TLS verify error: certificate has expired (not enforced)");
    BOOST_TEST(starttls_plaintext_discarded(2) == "DCID 2 STARTTLS plaintext after the 220 reply discarded");
    const auto at = sts::core::time_point{} + std::chrono::days(19992) + std::chrono::hours(15);
    BOOST_TEST(next_attempt(5, rid0, at) == "MID 5 RID [0] next attempt at Thu Sep 26 15:00:00 2024");
    BOOST_TEST(dsn_generated(5, rid0, "alice@sender.test") == "MID 5 RID [0] bounce DSN generated to <alice@sender.test>");
    BOOST_TEST(bounce_recheck(5, "example.test", "bounce") ==
               "MID 5 MTA-STS policy for the domain (example.test) re-checked before bounce: bounce");
    BOOST_TEST(conservation_violated(3, 1, 1, 0) ==
               "Message conservation violated: accepted 3 delivered 1 bounced 1 queued 0");
}

BOOST_AUTO_TEST_SUITE_END()
