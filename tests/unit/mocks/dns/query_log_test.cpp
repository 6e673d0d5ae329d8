// Tests mocks/dns/query_log.hpp: counting queries by name, type and transport, the bound
// on kept entries, and the one-line transcript form.
#include "mocks/dns/query_log.hpp"

#include "tests/support/covers.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

namespace {

namespace dns = sts::dns;
using sts::mocks::dns_query_entry;
using sts::mocks::dns_query_log;
using sts::mocks::dns_transport;

dns_query_entry entry(std::string qname, dns::rr_type type, dns_transport t = dns_transport::udp) {
    dns_query_entry e;
    e.qname = std::move(qname);
    e.qtype = type;
    e.transport = t;
    e.client = {"192.0.2.1", 49152};
    e.answered = true;
    return e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mocks_dns_query_log)

BOOST_AUTO_TEST_CASE(queries_are_counted_by_name_without_regard_to_case_and_by_type,
                     *sts::test::covers("STS-DISC-01", "DANE-07")) {
    dns_query_log log;
    log.add(entry("_mta-sts.Example.com", dns::rr_type::txt));
    log.add(entry("example.com", dns::rr_type::mx));
    log.add(entry("_25._tcp.mx1.example.com", dns::rr_type::tlsa, dns_transport::tcp));
    BOOST_TEST(log.count("_mta-sts.example.com", dns::rr_type::txt) == 1u);
    BOOST_TEST(log.count("_mta-sts.example.com.", dns::rr_type::a) == 0u);
    BOOST_TEST(log.count(dns::rr_type::tlsa) == 1u);
    BOOST_TEST(log.count(dns::rr_type::aaaa) == 0u);
    BOOST_TEST(log.count(dns_transport::udp) == 2u);
    BOOST_TEST(log.count(dns_transport::tcp) == 1u);
}

BOOST_AUTO_TEST_CASE(queries_without_a_question_count_for_no_name_or_type) {
    dns_query_log log;
    log.add(dns_query_entry{});  // qname empty, qtype A by default
    BOOST_TEST(log.count(dns::rr_type::a) == 0u);
    BOOST_TEST(log.entries().size() == 1u);
}

BOOST_AUTO_TEST_CASE(past_its_bound_the_log_counts_entries_instead_of_keeping_them) {
    dns_query_log log(2);
    for (int i = 0; i < 5; ++i) log.add(entry("example.com", dns::rr_type::a));
    BOOST_TEST(log.entries().size() == 2u);
    BOOST_TEST(log.entries_dropped() == 3u);
}

BOOST_AUTO_TEST_CASE(an_entry_is_described_on_one_line_with_peer_bytes_escaped) {
    auto e = entry("_mta-sts.example.com", dns::rr_type::txt);
    e.id = 4660;
    e.rd = true;
    e.ad = true;
    e.ad_set = true;
    e.answer_count = 1;
    BOOST_TEST(sts::mocks::describe(e) ==
               "udp 192.0.2.1:49152 id 4660 _mta-sts.example.com TXT rd,ad -> NOERROR ad answers 1");
    auto dropped = entry("a\\010b.example", dns::rr_type::a);
    dropped.answered = false;
    dropped.fault = sts::mocks::dns_fault_kind::drop;
    dropped.delay = std::chrono::milliseconds{1500};
    const auto line = sts::mocks::describe(dropped);
    BOOST_TEST(line == "udp 192.0.2.1:49152 id 0 a\\\\010b.example A - -> no reply fault drop after 1500 ms");
    BOOST_TEST(line.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
