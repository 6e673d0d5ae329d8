// Tests sim/replay/trace.hpp: a customer's log separated into messages by MID and DCID,
// each message tied to its recipient domain (the To: of a Delayed or Bounced line, the
// domain of a Connection Error, the planning line before its connection), the planning
// lines given to the delivery they plan, and the bound on the lines kept.
#include "sim/replay/trace.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/sim/replay/trace_text.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace sts;
using sim::line_family;
using test::debug_at;
using test::log_at;
using test::trace_of;

// The index of the message with this MID; fails the case when there is none.
std::size_t message_index(const sim::trace& t, std::uint64_t mid) {
    for (std::size_t k = 0; k < t.messages.size(); ++k) {
        if (t.messages[k].mid == mid) return k;
    }
    BOOST_FAIL("no message with MID " << mid);
    return 0;
}

// The MID of the message owning line `number` (1-based), or 0 for none (the tests' MIDs
// are never 0).
std::uint64_t owner_mid(const sim::trace& t, std::size_t number) {
    const auto& owner = t.owner.at(number - 1);
    if (!owner) return 0;
    return t.messages[*owner].mid;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_trace)

BOOST_AUTO_TEST_CASE(interleaved_messages_of_two_domains_are_separated_by_mid_and_dcid) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 1 queued for delivery"),                                           // 1
        log_at("09:00:00", "MID 2 queued for delivery"),                                           // 2
        log_at("09:00:01", "New SMTP DCID 10 interface 192.0.2.10 address 203.0.113.1 port 25"),   // 3
        log_at("09:00:01", "New SMTP DCID 20 interface 192.0.2.10 address 198.51.100.2 port 25"),  // 4
        log_at("09:00:01", "DCID 20 STARTTLS command not supported."),                             // 5
        log_at("09:00:01", "DCID 10 TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"),  // 6
        log_at("09:00:02", "Delivery start DCID 10 MID 1 to RID [0]"),                             // 7
        log_at("09:00:02", "DCID 20 TLS was required but could not be successfully negotiated"),   // 8
        log_at("09:00:02", "DCID 20 close"),                                                       // 9
        log_at("09:00:02",
               "Delayed: DCID 20 MID 2 From: <a@gw.example> To: <b@beta.example> RID 0 - 4.7.5 - "
               "TLS was required but could not be successfully negotiated ('000', ['TLS was required "
               "but could not be successfully negotiated'])"),            // 10
        log_at("09:00:02", "Message done DCID 10 MID 1 to RID [0]"),      // 11
        log_at("09:00:02", "MID 1 RID [0] Response '2.0.0 Ok: queued'"),  // 12
        log_at("09:00:02", "Message finished MID 1 done"),                // 13
        log_at("09:00:02", "DCID 10 close"),                              // 14
        log_at("09:00:03",
               "Bounced: DCID 10 MID 1 From: <a@gw.example> To: <c@alpha.example> RID 1 - 5.1.1 - "
               "Unknown address ('550', ['5.1.1 no such user'])"),  // 15
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 2u);
    for (std::size_t n : {1u, 3u, 6u, 7u, 11u, 12u, 13u, 14u, 15u})
        BOOST_TEST(owner_mid(t, n) == 1u, "line " << n);
    for (std::size_t n : {2u, 4u, 5u, 8u, 9u, 10u}) BOOST_TEST(owner_mid(t, n) == 2u, "line " << n);

    const auto& one = t.messages[message_index(t, 1)];
    const auto& two = t.messages[message_index(t, 2)];
    BOOST_TEST(one.domain == "alpha.example");
    BOOST_TEST(two.domain == "beta.example");
    BOOST_TEST(one.dcids == std::vector<std::uint64_t>{10});
    BOOST_TEST(two.dcids == std::vector<std::uint64_t>{20});
    BOOST_TEST(one.rids == (std::vector<std::uint64_t>{0, 1}));
    BOOST_TEST(one.lines == (std::vector<std::size_t>{0, 2, 5, 6, 10, 11, 12, 13, 14}));
    BOOST_TEST(two.lines == (std::vector<std::size_t>{1, 3, 4, 7, 8, 9}));
    BOOST_TEST(sim::trace_domains(t) == (std::vector<std::string>{"alpha.example", "beta.example"}));
}

BOOST_AUTO_TEST_CASE(a_delayed_line_gives_the_message_its_sender_and_recipient_by_rid) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 7 queued for delivery"),
        log_at("09:00:01",
               "Delayed: DCID 3 MID 7 From: <Orders@GW.example> To: <Sales@Shop.Example> RID 1 - 4.4.1 - "
               "No answer ('000', ['no answer'])"),
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 1u);
    const auto& m = t.messages[0];
    BOOST_TEST(m.domain == "shop.example");
    BOOST_TEST(m.domain_line == 2u);
    BOOST_TEST(m.sender == "Orders@GW.example");
    BOOST_TEST_REQUIRE(m.recipients.size() == 2u);
    BOOST_TEST(m.recipients[0].empty());
    BOOST_TEST(m.recipients[1] == "Sales@Shop.Example");
}

BOOST_AUTO_TEST_CASE(the_to_address_names_the_domain_before_the_planning_line_does) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 4 queued for delivery"),
        log_at("09:00:00", "Applying MTA-STS policy for the domain (relay.example)"),
        log_at("09:00:01", "New SMTP DCID 8 interface 192.0.2.10 address 203.0.113.9 port 25"),
        log_at("09:00:02",
               "Delayed: DCID 8 MID 4 From: <a@gw.example> To: <x@final.example> RID 0 - 4.4.2 - "
               "Connection lost ('000', ['lost'])"),
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 1u);
    BOOST_TEST(t.messages[0].domain == "final.example");
    BOOST_TEST(t.messages[0].domain_line == 4u);
}

BOOST_AUTO_TEST_CASE(a_connection_error_names_the_domain_of_a_message_without_to_addresses) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 9 queued for delivery"),
        log_at("09:00:01",
               "Connection Error: DCID 3 domain: Far.Example IP: 203.0.113.5 port: 25 details: timeout "
               "interface: 192.0.2.10 reason: connection refused"),
        log_at("09:00:01", "Delayed: DCID 3 MID 9 RID 0 - 4.4.1 - No answer ('000', ['connection refused'])"),
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 1u);
    BOOST_TEST(t.messages[0].domain == "far.example");
    BOOST_TEST(t.messages[0].domain_line == 2u, "the line that named the domain");
    BOOST_TEST(owner_mid(t, 2) == 9u);
    BOOST_TEST(t.line_domain[1] == "far.example");
}

BOOST_AUTO_TEST_CASE(
    a_message_delivered_without_a_to_address_takes_the_domain_planned_before_its_connection) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 2 queued for delivery"),                                          // 1
        log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(plan.example)"),   // 2
        log_at("09:00:00", "Applying MTA-STS policy for the domain (plan.example)"),              // 3
        log_at("09:00:01", "New SMTP DCID 4 interface 192.0.2.10 address 203.0.113.4 port 25"),   // 4
        log_at("09:00:01", "DCID 4 TLS success protocol TLSv1.3 cipher TLS_AES_128_GCM_SHA256"),  // 5
        log_at("09:00:01", "MTA-STS policy for the domain (plan.example) Successful."),           // 6
        log_at("09:00:01", "Delivery start DCID 4 MID 2 to RID [0]"),                             // 7
        log_at("09:00:02", "Message done DCID 4 MID 2 to RID [0]"),                               // 8
        log_at("09:00:02", "Message finished MID 2 done"),                                        // 9
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 1u);
    BOOST_TEST(t.messages[0].domain == "plan.example");
    BOOST_TEST(t.messages[0].domain_line == 3u, "the last planning line before the connection");
    for (std::size_t n = 1; n <= 9; ++n) BOOST_TEST(owner_mid(t, n) == 2u, "line " << n);
}

BOOST_AUTO_TEST_CASE(planning_lines_go_to_the_next_message_of_their_domain) {
    const auto t = trace_of({
        log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(a.example)"),  // 1
        log_at("09:00:00", "Applying MTA-STS policy for the domain (a.example)"),             // 2
        log_at("09:00:00",
               "Successfully fetched MTA-STS TXT record for domain(b.example)"),  // 3 (no message of b)
        log_at("09:00:01", "New SMTP DCID 1 interface 192.0.2.10 address 203.0.113.1 port 25"),  // 4
        log_at("09:00:02",
               "Delayed: DCID 1 MID 11 From: <s@gw.example> To: <r@a.example> RID 0 - 4.4.2 - "
               "Connection lost ('000', ['lost'])"),                                             // 5
        log_at("09:30:00", "Valid cache entry found for the domain (a.example).", "Debug"),      // 6
        log_at("09:30:00", "Applying MTA-STS policy for the domain (a.example)"),                // 7
        log_at("09:30:01", "New SMTP DCID 2 interface 192.0.2.10 address 203.0.113.1 port 25"),  // 8
        log_at("09:30:02",
               "Delayed: DCID 2 MID 12 From: <s@gw.example> To: <q@a.example> RID 0 - 4.4.2 - "
               "Connection lost ('000', ['lost'])"),  // 9
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 2u);
    BOOST_TEST(owner_mid(t, 1) == 11u);
    BOOST_TEST(owner_mid(t, 2) == 11u);
    BOOST_TEST(owner_mid(t, 3) == 0u, "b.example has no message after the line");
    BOOST_TEST(t.line_domain[2] == "b.example");
    BOOST_TEST(owner_mid(t, 6) == 12u);
    BOOST_TEST(owner_mid(t, 7) == 12u);
    BOOST_TEST(t.has_debug);
    BOOST_TEST(sim::trace_domains(t) == (std::vector<std::string>{"a.example", "b.example"}));
}

BOOST_AUTO_TEST_CASE(a_txt_lookup_failure_counts_as_planning_for_the_domain_it_names) {
    const auto t = trace_of({
        log_at("09:00:00", "DNS Temporary Failure _mta-sts.slow.example TXT - ServFail"),
        log_at("09:00:01", "New SMTP DCID 6 interface 192.0.2.10 address 203.0.113.6 port 25"),
        log_at("09:00:01", "Delivery start DCID 6 MID 30 to RID [0]"),
        log_at("09:00:01", "Message done DCID 6 MID 30 to RID [0]"),
    });
    BOOST_TEST_REQUIRE(t.messages.size() == 1u);
    BOOST_TEST(t.messages[0].domain == "slow.example");
    BOOST_TEST(owner_mid(t, 1) == 30u);
}

BOOST_AUTO_TEST_CASE(a_line_that_names_no_domain_continues_the_line_before_it) {
    const auto t = trace_of({
        debug_at("09:00:00", "Fetching MTA-STS policy for domain(proxied.example)"),
        debug_at("09:00:00", "Requesting MTA-STS policy fetch via proxy"),
    });
    BOOST_TEST(t.line_domain[1] == "proxied.example");
    BOOST_TEST(t.messages.empty());
}

BOOST_AUTO_TEST_CASE(unclassified_lines_are_kept_and_owned_by_no_message) {
    const auto t = trace_of({
        log_at("09:00:00", "MID 1 queued for delivery"),
        "this is not a mail log line at all",
        log_at(
            "09:00:01",
            "Delayed: DCID 1 MID 1 From: <a@gw.example> To: <b@c.example> RID 0 - 4.4.1 - x ('000', ['x'])"),
    });
    BOOST_TEST_REQUIRE(t.lines.size() == 3u);
    BOOST_TEST((t.lines[1].family == line_family::unclassified));
    BOOST_TEST(!t.owner[1].has_value());
    BOOST_TEST(t.line_domain[1].empty());
    BOOST_TEST(!t.has_debug);
}

BOOST_AUTO_TEST_CASE(a_log_of_the_maximum_number_of_lines_is_kept_whole) {
    std::string text;
    for (std::size_t i = 0; i < sim::trace_lines_max; ++i)
        text += log_at("09:00:00", "MID " + std::to_string(i + 1) + " queued for delivery") + "\n";
    std::istringstream in(text);
    auto t = sim::read_trace(in);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(t.value().lines.size() == sim::trace_lines_max);
    BOOST_TEST(!t.value().cut);
}

BOOST_AUTO_TEST_CASE(lines_after_the_cap_are_counted_not_kept) {
    std::string text;
    const std::size_t total = sim::trace_lines_max + 25;
    for (std::size_t i = 0; i < total; ++i)
        text += log_at("09:00:00", "MID " + std::to_string(i + 1) + " queued for delivery") + "\n";
    std::istringstream in(text);
    auto t = sim::read_trace(in);
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(t.value().lines.size() == sim::trace_lines_max);
    BOOST_TEST(t.value().cut);
    BOOST_TEST(t.value().stats.logical_lines == total);
    BOOST_TEST(t.value().messages.size() == sim::trace_lines_max);
    BOOST_TEST(t.value().messages.back().mid == sim::trace_lines_max, "the first lines are the ones kept");
}

BOOST_AUTO_TEST_CASE(input_that_is_not_a_log_is_refused_with_the_reason) {
    std::string junk(4096, '\0');
    for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 131 + 7) % 256);
    std::istringstream in(junk);
    auto t = sim::read_trace(in);
    BOOST_TEST_REQUIRE(!t.has_value());
    BOOST_TEST(!t.error().message.empty());
}

BOOST_AUTO_TEST_SUITE_END()
