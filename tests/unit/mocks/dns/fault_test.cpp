// Tests mocks/dns/fault.hpp: which fault applies to an arriving question (name without
// regard to case, type, transport, occurrence), with no answer logic involved.
#include "mocks/dns/fault.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

namespace {

namespace dns = sts::dns;
using sts::mocks::dns_fault;
using sts::mocks::dns_fault_for;
using sts::mocks::dns_fault_kind;
using sts::mocks::dns_fault_table;
using sts::mocks::dns_transport;

constexpr auto udp = dns_transport::udp;
constexpr auto tcp = dns_transport::tcp;

// The kind chosen, or none when no fault applies.
dns_fault_kind chosen(dns_fault_table& table, std::string_view name, dns::rr_type type,
                      dns_transport t = udp) {
    const auto* f = table.select(name, type, t);
    return f == nullptr ? dns_fault_kind::none : f->kind;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_dns_fault)

BOOST_AUTO_TEST_CASE(a_fault_matches_its_name_without_regard_to_case_and_only_that_name) {
    dns_fault_table table(
        {dns_fault_for("_MTA-STS.example.com", dns::rr_type::txt, dns_fault_kind::servfail)});
    BOOST_TEST((chosen(table, "_mta-sts.EXAMPLE.com.", dns::rr_type::txt) == dns_fault_kind::servfail));
    BOOST_TEST((chosen(table, "mta-sts.example.com", dns::rr_type::txt) == dns_fault_kind::none));
    BOOST_TEST((chosen(table, "x._mta-sts.example.com", dns::rr_type::txt) == dns_fault_kind::none));
}

BOOST_AUTO_TEST_CASE(a_fault_with_a_type_spares_other_types_and_one_without_hits_all) {
    dns_fault_table table({dns_fault_for("mx1.example.com", dns::rr_type::tlsa, dns_fault_kind::drop),
                           dns_fault_for("mx2.example.com", std::nullopt, dns_fault_kind::nxdomain)});
    BOOST_TEST((chosen(table, "mx1.example.com", dns::rr_type::tlsa) == dns_fault_kind::drop));
    BOOST_TEST((chosen(table, "mx1.example.com", dns::rr_type::a) == dns_fault_kind::none));
    BOOST_TEST((chosen(table, "mx2.example.com", dns::rr_type::a) == dns_fault_kind::nxdomain));
    BOOST_TEST((chosen(table, "mx2.example.com", dns::rr_type::aaaa) == dns_fault_kind::nxdomain));
}

BOOST_AUTO_TEST_CASE(a_fault_with_a_transport_spares_the_other_transport) {
    auto f = dns_fault_for("example.com", std::nullopt, dns_fault_kind::drop);
    f.transport = udp;
    dns_fault_table table({f});
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::mx, udp) == dns_fault_kind::drop));
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::mx, tcp) == dns_fault_kind::none));
}

BOOST_AUTO_TEST_CASE(an_occurrence_fault_hits_only_the_nth_matching_query) {
    dns_fault_table table({dns_fault_for("example.com", dns::rr_type::mx, dns_fault_kind::drop, 2)});
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::mx) == dns_fault_kind::none));
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::a) == dns_fault_kind::none));  // not counted
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::mx) == dns_fault_kind::drop));
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::mx) == dns_fault_kind::none));
}

BOOST_AUTO_TEST_CASE(the_first_listed_fault_wins_and_every_matching_fault_counts_the_query) {
    dns_fault_table table({dns_fault_for("example.com", std::nullopt, dns_fault_kind::drop, 1),
                           dns_fault_for("example.com", std::nullopt, dns_fault_kind::servfail, 2),
                           dns_fault_for("example.com", std::nullopt, dns_fault_kind::refused)});
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::a) == dns_fault_kind::drop));
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::a) == dns_fault_kind::servfail));
    BOOST_TEST((chosen(table, "example.com", dns::rr_type::a) == dns_fault_kind::refused));
}

BOOST_AUTO_TEST_CASE(a_delay_is_a_fault_of_kind_none_with_a_duration) {
    const auto f = sts::mocks::dns_delay("example.com", dns::rr_type::a, std::chrono::seconds{2});
    BOOST_TEST((f.kind == dns_fault_kind::none));
    BOOST_TEST((f.delay == std::chrono::seconds{2}));
    dns_fault_table table({f});
    BOOST_TEST(table.select("example.com", dns::rr_type::a, udp) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
