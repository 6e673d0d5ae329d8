// Tests sim/replay/trace_comparison.hpp: the customer's and the engine's traces are compared
// with timestamps dropped and MIDs, DCIDs and addresses renumbered in order of appearance
// (so the same story with other numbers agrees, and a story that reuses a number where the
// other does not differs), extra suffixes and absent From/To parts do not count, lines of
// our own wording count only when the customer's log has that family, lines of other
// domains and resolver-trace lines are left out, and the first difference is where the
// keys first part, or where the shorter trace ends.
#include "sim/replay/trace_comparison.hpp"

#include "tests/support/covers.hpp"
#include "tests/unit/sim/replay/trace_text.hpp"

#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

namespace {

using namespace sts;
using test::debug_at;
using test::log_at;
using test::trace_of;

sim::comparison_scope scope_of(std::vector<std::string> domains,
                               std::optional<std::vector<std::uint64_t>> mids = std::nullopt) {
    sim::comparison_scope scope;
    scope.domains = std::move(domains);
    scope.mids = std::move(mids);
    return scope;
}

sim::trace_alignment align(const std::vector<std::string>& customer, const std::vector<std::string>& engine,
                           std::vector<std::string> domains = {"x.example"}) {
    const sim::comparison_scope scope = scope_of(std::move(domains));
    return sim::align_traces(trace_of(customer), trace_of(engine), scope, scope);
}

std::string keys(const std::vector<sim::compared_line>& lines) {
    std::string out;
    for (const auto& l : lines) out += l.key + "\n";
    return out;
}

std::string both(const sim::trace_alignment& a) {
    return "customer:\n" + keys(a.customer) + "engine:\n" + keys(a.engine);
}

// A deferred delivery to x.example as a customer's gateway logs it.
std::vector<std::string> customer_deferral() {
    return {
        log_at("09:00:05", "MID 120 queued for delivery"),
        log_at("09:00:05", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
        log_at("09:00:06", "Applying MTA-STS policy for the domain (x.example)"),
        log_at("09:00:06", "New SMTP DCID 31 interface 192.0.2.10 address 203.0.113.7 port 25"),
        log_at("09:00:06", "DCID 31 TLS deferring: verify error: certificate has expired"),
        log_at("09:00:06", "DCID 31 TLS was required but could not be successfully negotiated"),
        log_at("09:00:06", "DCID 31 close"),
        log_at("09:00:06",
               "Delayed: DCID 31 MID 120 From: <orders@gw.example> To: <sales@x.example> RID 0 - 4.7.5 - "
               "TLS was required but could not be successfully negotiated ('000', ['TLS was required but "
               "could not be successfully negotiated'])"),
    };
}

// The same story in the engine's numbers and times.
std::vector<std::string> engine_deferral() {
    return {
        log_at("15:23:39", "MID 1 queued for delivery"),
        log_at("15:23:39", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
        log_at("15:23:39", "Applying MTA-STS policy for the domain (x.example)"),
        log_at("15:23:39", "New SMTP DCID 1 interface 10.0.0.1 address 10.25.0.1 port 25"),
        log_at("15:23:40", "DCID 1 TLS deferring: verify error: certificate has expired"),
        log_at("15:23:40", "DCID 1 TLS was required but could not be successfully negotiated"),
        log_at("15:23:40", "DCID 1 close"),
        log_at("15:23:40",
               "Delayed: DCID 1 MID 1 From: <orders@gw.example> To: <sales@x.example> RID 0 - 4.7.5 - "
               "TLS was required but could not be successfully negotiated ('000', ['TLS was required but "
               "could not be successfully negotiated'])"),
    };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replay_trace_comparison)

BOOST_AUTO_TEST_CASE(the_same_story_with_other_times_ids_and_addresses_agrees) {
    const auto a = align(customer_deferral(), engine_deferral());
    BOOST_TEST(!a.first_difference.has_value(), both(a));
    BOOST_TEST(a.customer.size() == 8u);
    BOOST_TEST(a.engine.size() == 8u);
    BOOST_TEST(a.customer[3].key == a.engine[3].key);
    BOOST_TEST(a.customer[3].key.find("203.0.113.7") == std::string::npos, "the address is renumbered");
    BOOST_TEST(a.customer[3].key.find("31") == std::string::npos, "the DCID is renumbered");
    BOOST_TEST(a.customer[3].number == 4u);
    BOOST_TEST(a.customer[3].text.find("DCID 31") != std::string::npos, "the text stays as read");
}

BOOST_AUTO_TEST_CASE(a_new_connection_where_the_other_trace_reuses_one_differs) {
    auto customer = customer_deferral();
    customer[6] = log_at("09:00:06", "DCID 32 close");
    const auto a = align(customer, engine_deferral());
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 6u);
    BOOST_TEST(a.customer[6].number == 7u);
}

BOOST_AUTO_TEST_CASE(a_second_address_where_the_other_trace_reuses_the_first_differs) {
    auto customer = customer_deferral();
    auto engine = engine_deferral();
    customer.push_back(
        log_at("09:30:00", "New SMTP DCID 58 interface 192.0.2.10 address 203.0.113.7 port 25"));
    engine.push_back(log_at("15:53:00", "New SMTP DCID 2 interface 10.0.0.1 address 10.25.0.2 port 25"));
    const auto a = align(customer, engine);
    BOOST_TEST_REQUIRE(a.first_difference.has_value(), both(a));
    BOOST_TEST(*a.first_difference == 8u);
}

BOOST_AUTO_TEST_CASE(a_different_verify_error_is_the_first_difference) {
    auto engine = engine_deferral();
    engine[4] = log_at("15:23:40", "DCID 1 TLS deferring: verify error: peer cert does not match domain");
    const auto a = align(customer_deferral(), engine);
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 4u);
    BOOST_TEST(a.customer[4].number == 5u);
}

BOOST_AUTO_TEST_CASE(the_case_of_a_verify_error_does_not_count) {
    auto engine = engine_deferral();
    engine[4] = log_at("15:23:40", "DCID 1 TLS deferring: verify error: Certificate Has Expired");
    BOOST_TEST(!align(customer_deferral(), engine).first_difference.has_value());
}

BOOST_AUTO_TEST_CASE(extra_suffixes_and_the_older_ip_form_do_not_count) {
    auto customer = customer_deferral();
    customer[1] = log_at("09:00:05",
                         "Successfully fetched MTA-STS TXT record for domain(x.example) from cache server 2");
    customer[4] =
        log_at("09:00:06", "DCID 31 IP 203.0.113.7 TLS deferring: verify error: certificate has expired");
    customer[6] = log_at("09:00:06", "DCID 31 close (idle)");
    const auto a = align(customer, engine_deferral());
    BOOST_TEST(!a.first_difference.has_value(), both(a));
}

BOOST_AUTO_TEST_CASE(delayed_lines_without_from_and_to_agree_with_those_that_have_them) {
    auto customer = customer_deferral();
    customer[7] = log_at("09:00:06",
                         "Delayed: DCID 31 MID 120 RID 0 - 4.7.5 - TLS was required but could not be "
                         "successfully negotiated ('000', ['TLS was required but could not be successfully "
                         "negotiated'])");
    const auto a = align(customer, engine_deferral());
    BOOST_TEST(!a.first_difference.has_value(), both(a));
}

BOOST_AUTO_TEST_CASE(the_gateways_own_wording_after_000_does_not_count_but_a_receivers_reply_does) {
    auto customer = customer_deferral();
    customer[7] = log_at("09:00:06",
                         "Delayed: DCID 31 MID 120 From: <orders@gw.example> To: <sales@x.example> RID 0 - "
                         "4.7.5 - TLS negotiation failed ('000', ['TLS negotiation failed'])");
    BOOST_TEST(!align(customer, engine_deferral()).first_difference.has_value());

    auto c2 = customer_deferral();
    auto e2 = engine_deferral();
    c2[7] = log_at("09:00:06",
                   "Delayed: DCID 31 MID 120 From: <a@gw.example> To: <b@x.example> RID 0 - 4.2.2 - full "
                   "('452', ['4.2.2 mailbox of b full'])");
    e2[7] = log_at("15:23:40",
                   "Delayed: DCID 1 MID 1 From: <a@gw.example> To: <b@x.example> RID 0 - 4.2.2 - full "
                   "('452', ['4.2.2 try later'])");
    const auto a = align(c2, e2);
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 7u);
}

BOOST_AUTO_TEST_CASE(addresses_inside_a_reply_are_renumbered) {
    auto c = customer_deferral();
    auto e = engine_deferral();
    c[7] = log_at("09:00:06",
                  "Delayed: DCID 31 MID 120 RID 0 - 4.7.1 - no ('450', ['4.7.1 client 192.0.2.10 blocked'])");
    e[7] = log_at("15:23:40",
                  "Delayed: DCID 1 MID 1 RID 0 - 4.7.1 - no ('450', ['4.7.1 client 10.0.0.1 blocked'])");
    const auto a = align(c, e);
    BOOST_TEST(!a.first_difference.has_value(), both(a));
}

BOOST_AUTO_TEST_CASE(a_family_of_our_own_wording_counts_only_when_the_customer_has_it) {
    auto engine = engine_deferral();
    engine.insert(engine.begin() + 1,
                  debug_at("15:23:39", "No MTA-STS TXT record found for domain(other.example)"));
    engine.insert(engine.begin() + 7,
                  log_at("15:23:40", "DCID 1 TLS verify error: certificate has expired (not enforced)"));
    auto a = align(customer_deferral(), engine, {"x.example", "other.example"});
    BOOST_TEST(!a.first_difference.has_value(), both(a));
    BOOST_TEST(a.left_out_engine == 2u);

    auto customer = customer_deferral();
    customer.push_back(
        log_at("09:00:07", "DCID 31 TLS verify error: certificate has expired (not enforced)"));
    a = align(customer, engine);
    BOOST_TEST_REQUIRE(a.first_difference.has_value(), both(a));
    BOOST_TEST(*a.first_difference == 6u, "the engine's (not enforced) line is compared now");
}

BOOST_AUTO_TEST_CASE(product_lines_count_even_when_the_customer_lacks_them) {
    auto engine = engine_deferral();
    engine.insert(engine.begin() + 3,
                  log_at("15:23:39", "MTA-STS policy for the domain (x.example) Successful."));
    const auto a = align(customer_deferral(), engine);
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 3u);
}

BOOST_AUTO_TEST_CASE(resolver_trace_and_retry_plan_lines_are_left_out_on_both_sides) {
    auto customer = customer_deferral();
    customer.insert(customer.begin() + 1, debug_at("09:00:05", "DNS query: Q(_mta-sts.x.example, 'TXT')"));
    customer.insert(customer.begin() + 2,
                    debug_at("09:00:05", "DNS query: QIP (_mta-sts.x.example,'TXT','10.10.1.53',60)"));
    customer.push_back(debug_at("09:00:06", "MID 120 RID [0] next attempt at Mon Mar  4 09:30:06 2024"));
    const auto a = align(customer, engine_deferral());
    BOOST_TEST(!a.first_difference.has_value(), both(a));
    BOOST_TEST(a.left_out_customer == 3u);
}

BOOST_AUTO_TEST_CASE(lines_of_other_domains_are_not_compared) {
    auto customer = customer_deferral();
    customer.insert(customer.begin() + 2,
                    log_at("09:00:05", "Successfully fetched MTA-STS TXT record for domain(y.example)"));
    customer.push_back(
        log_at("09:00:09",
               "Delayed: DCID 40 MID 121 From: <a@gw.example> To: <b@y.example> RID 0 - 4.4.1 - "
               "x ('000', ['x'])"));
    const auto a = align(customer, engine_deferral());
    BOOST_TEST(!a.first_difference.has_value(), both(a));
    BOOST_TEST(a.customer.size() == 8u);
}

BOOST_AUTO_TEST_CASE(a_message_without_a_domain_is_compared_only_when_the_scope_lists_its_mid) {
    const auto t =
        trace_of({log_at("09:00:00", "MID 7 queued for delivery"),
                  log_at("09:00:01", "New SMTP DCID 3 interface 192.0.2.10 address 203.0.113.3 port 25"),
                  log_at("09:00:01", "Delivery start DCID 3 MID 7 to RID [0]"),
                  log_at("09:00:02", "MID 8 queued for delivery")});
    std::size_t left_out = 0;
    const auto any = scope_of({"x.example"});
    BOOST_TEST(sim::comparable_lines(t, any, {}, left_out).size() == 4u, "one domain: every message is its");
    const auto only_8 = scope_of({"x.example"}, std::vector<std::uint64_t>{8});
    const auto lines = sim::comparable_lines(t, only_8, {}, left_out);
    BOOST_TEST_REQUIRE(lines.size() == 1u);
    BOOST_TEST(lines[0].number == 4u);
}

BOOST_AUTO_TEST_CASE(unclassified_lines_are_not_compared) {
    auto customer = customer_deferral();
    customer.insert(customer.begin() + 3, "garbage the customer's terminal added");
    BOOST_TEST(!align(customer, engine_deferral()).first_difference.has_value());
}

BOOST_AUTO_TEST_CASE(the_certificate_subject_a_fetch_error_quotes_does_not_count) {
    const std::vector<std::string> customer = {debug_at(
        "09:00:00",
        "Request to fetch STS policy failed due to certificate of mta-sts.x.example "
        "(CN=*.hosting.example, O=Hosting Inc) not valid: certificate has expired. For domain x.example")};
    const std::vector<std::string> engine = {
        debug_at("15:00:00",
                 "Request to fetch STS policy failed due to certificate of mta-sts.x.example "
                 "(CN=mta-sts.x.example) not valid: certificate has expired. For domain x.example")};
    const auto a = align(customer, engine);
    BOOST_TEST(a.customer.size() == 1u);
    BOOST_TEST(!a.first_difference.has_value(), both(a));
}

BOOST_AUTO_TEST_CASE(a_shorter_engine_trace_differs_where_it_ends) {
    auto engine = engine_deferral();
    engine.resize(5);
    const auto a = align(customer_deferral(), engine);
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 5u);
    BOOST_TEST(a.engine.size() == 5u);
}

BOOST_AUTO_TEST_CASE(a_shorter_customer_trace_differs_where_it_ends) {
    auto customer = customer_deferral();
    customer.resize(3);
    const auto a = align(customer, engine_deferral());
    BOOST_TEST_REQUIRE(a.first_difference.has_value());
    BOOST_TEST(*a.first_difference == 3u);
}

BOOST_AUTO_TEST_CASE(two_empty_traces_agree) {
    const auto a = align({}, {});
    BOOST_TEST(!a.first_difference.has_value());
    BOOST_TEST(a.customer.empty());
}

BOOST_AUTO_TEST_CASE(the_families_of_a_trace_are_those_of_its_scope) {
    const auto t =
        trace_of({log_at("09:00:00", "Successfully fetched MTA-STS TXT record for domain(x.example)"),
                  debug_at("09:00:00", "No MTA-STS TXT record found for domain(y.example)")});
    const auto families = sim::families_of(t, scope_of({"x.example"}));
    BOOST_TEST(families.contains(sim::line_family::txt_found));
    BOOST_TEST(!families.contains(sim::line_family::txt_absent));
}

BOOST_AUTO_TEST_SUITE_END()
