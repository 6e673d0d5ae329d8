// Tests engine/dns/stub_resolver.hpp against the real mock DNS server (mocks/dns/server.hpp)
// on the simulated network: answers of each type the engine reads, denials, failures, the
// AD bit, retries and timeouts in virtual time, the TCP retry after TC, forged and broken
// replies, CNAME chains, caching by TTL, and replay. Every wait is virtual time; the mock's
// query log is the witness of what went on the wire.
#include "engine/dns/stub_resolver.hpp"

#include "engine/dns/query.hpp"
#include "mocks/dns/server.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/covers.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace dns = sts::dns;
namespace net = sts::net;
using namespace std::chrono_literals;
using sts::core::time_point;
using sts::mocks::dns_delay;
using sts::mocks::dns_fault_for;
using sts::mocks::dns_fault_kind;
using sts::mocks::dns_server;
using sts::mocks::dns_server_config;
using sts::mocks::dns_transport;
using sts::mocks::zone_record;
using status = sts::mocks::dnssec_status;
using bytes = std::vector<std::uint8_t>;

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};
const net::endpoint server_at{"192.0.2.53", 53};
const std::string source_address = "192.0.2.25";
constexpr auto latency = 10ms;  // one way

zone_record rec(std::string name, dns::rdata data, status s = status::secure, std::uint32_t ttl = 300) {
    return zone_record{dns::record{std::move(name), dns::rr_class::in, ttl, std::move(data)}, s};
}

dns_server_config world_config() {
    dns_server_config c;
    c.host_name = "resolver.test";
    c.listen = server_at;
    auto& records = c.zone.records;
    records.push_back(rec(
        "example.com", dns::soa_rdata{"ns.example.com", "hostmaster.example.com", 1, 3600, 600, 86400, 60}));
    records.push_back(rec("example.com", dns::mx_rdata{10, "MX1.Example.COM"}));
    records.push_back(rec("example.com", dns::mx_rdata{20, "mx2.example.com"}));
    records.push_back(rec("mx1.example.com", dns::a_rdata{"192.0.2.10"}));
    records.push_back(rec("mx2.example.com", dns::a_rdata{"192.0.2.20"}, status::insecure));
    records.push_back(rec("_mta-sts.example.com", dns::txt_rdata{{"v=STSv1; ", "id=20240926T1;"}}));
    records.push_back(rec("_25._tcp.mx1.example.com", dns::tlsa_rdata{3, 1, 1, bytes(32, 0x5A)}));
    records.push_back(rec("bogus.example.com", dns::a_rdata{"192.0.2.66"}, status::bogus));
    records.push_back(rec("short.example.com", dns::a_rdata{"192.0.2.30"}, status::secure, 30));
    for (int i = 0; i < 4; ++i) {
        records.push_back(
            rec("big.example.com", dns::txt_rdata{{std::string(200, static_cast<char>('a' + i))}}));
    }
    // A three-link chain, all secure: _mta-sts.user.example → ... → the provider's TXT.
    records.push_back(rec("_mta-sts.user.example", dns::cname_rdata{"_mta-sts.hop1.example"}));
    records.push_back(
        rec("_mta-sts.hop1.example", dns::cname_rdata{"_MTA-STS.hop2.example"}, status::secure, 120));
    records.push_back(rec("_mta-sts.hop2.example", dns::cname_rdata{"_mta-sts.provider.example"}));
    records.push_back(rec("_mta-sts.provider.example", dns::txt_rdata{{"v=STSv1; id=provider1;"}}));
    // A chain with an insecure link in the middle.
    records.push_back(rec("www.example.com", dns::cname_rdata{"cdn.unsigned.example"}, status::secure));
    records.push_back(rec("cdn.unsigned.example", dns::cname_rdata{"edge.signed.example"}, status::insecure));
    records.push_back(rec("edge.signed.example", dns::a_rdata{"192.0.2.80"}, status::secure));
    // A chain whose target has no record of the asked type.
    records.push_back(rec("alias.example.com", dns::cname_rdata{"mx1.example.com"}));
    // A loop.
    records.push_back(rec("loop1.example", dns::cname_rdata{"loop2.example"}));
    records.push_back(rec("loop2.example", dns::cname_rdata{"loop1.example"}));
    return c;
}

struct world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network net{sched};
    sts::mocks::transcript record;
    sts::mocks::mock_context ctx{sched.io(), net, sched, sched, record};
    std::unique_ptr<dns_server> server;
    std::vector<dns::query_trace> traces;
    std::unique_ptr<dns::stub_resolver> resolver;

    explicit world(dns_server_config config = world_config(),
                   dns::stub_resolver_config rc = default_config()) {
        net.set_latency(latency);
        server = std::make_unique<dns_server>(ctx, std::move(config));
        const auto started = server->start();
        BOOST_TEST_REQUIRE(started.has_value(), (started.has_value() ? std::string() : started.error()));
        rc.on_query = [this](const dns::query_trace& t) { traces.push_back(t); };
        resolver = std::make_unique<dns::stub_resolver>(sched.io(), net, sched, sched, std::move(rc));
    }

    static dns::stub_resolver_config default_config() {
        dns::stub_resolver_config rc;
        rc.nameserver = server_at;
        rc.source_address = source_address;
        rc.timeout = 5s;
        rc.attempts = 2;
        rc.seed = 42;
        return rc;
    }

    const sts::mocks::dns_query_log& log() const { return server->queries(); }
};

struct completed {
    dns::lookup_result result;
    time_point at{};
};

// Starts one lookup, runs the world until it completes, and checks the handler ran exactly
// once and not from inside lookup().
completed resolve(world& w, const std::string& name, dns::rr_type type) {
    unsigned calls = 0;
    completed out;
    w.resolver->lookup(name, type, [&](dns::lookup_result r) {
        ++calls;
        out.result = std::move(r);
        out.at = w.sched.now();
    });
    BOOST_TEST_REQUIRE(calls == 0u);
    w.sched.run();
    BOOST_TEST_REQUIRE(calls == 1u);
    return out;
}

std::vector<std::string> a_addresses(const dns::lookup_result& r) {
    std::vector<std::string> out;
    for (const auto& rr : r.records) {
        if (const auto* a = std::get_if<dns::a_rdata>(&rr.data)) out.push_back(a->address);
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(dns_stub_resolver)

BOOST_AUTO_TEST_CASE(an_a_lookup_returns_the_rrset_after_one_round_trip) {
    world w;
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.ok());
    BOOST_TEST(a_addresses(done.result) == std::vector<std::string>{"192.0.2.10"});
    BOOST_TEST(done.result.ttl == 300u);
    BOOST_TEST(done.result.queries_sent == 1u);
    BOOST_TEST(!done.result.from_cache);
    BOOST_TEST(done.result.cname_chain.empty());
    BOOST_TEST(done.result.detail.empty());
    BOOST_TEST((done.at == t0 + 2 * latency));
    BOOST_TEST_REQUIRE(w.log().entries().size() == 1u);
    const auto& q = w.log().entries().front();
    BOOST_TEST((q.transport == dns_transport::udp));
    BOOST_TEST(q.client.address == source_address);
    BOOST_TEST(q.rd);
}

BOOST_AUTO_TEST_CASE(an_mx_lookup_returns_every_record_in_answer_order_with_names_in_lower_case) {
    world w;
    const auto done = resolve(w, "EXAMPLE.com.", dns::rr_type::mx);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.name == "example.com");
    BOOST_TEST_REQUIRE(done.result.records.size() == 2u);
    const auto& first = std::get<dns::mx_rdata>(done.result.records[0].data);
    const auto& second = std::get<dns::mx_rdata>(done.result.records[1].data);
    BOOST_TEST(first.preference == 10u);
    BOOST_TEST(first.exchange == "mx1.example.com");
    BOOST_TEST(second.exchange == "mx2.example.com");
    BOOST_TEST(done.result.records[0].name == "example.com");
}

BOOST_AUTO_TEST_CASE(a_txt_lookup_is_one_query_and_keeps_the_strings_apart,
                     *sts::test::covers("STS-DISC-01")) {
    world w;
    const auto done = resolve(w, "_mta-sts.example.com", dns::rr_type::txt);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST_REQUIRE(done.result.records.size() == 1u);
    const auto& txt = std::get<dns::txt_rdata>(done.result.records[0].data);
    BOOST_TEST(txt.strings == (std::vector<std::string>{"v=STSv1; ", "id=20240926T1;"}));
    BOOST_TEST(w.log().count("_mta-sts.example.com", dns::rr_type::txt) == 1u);
    BOOST_TEST(w.log().entries().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_tlsa_lookup_returns_the_association_data) {
    world w;
    const auto done = resolve(w, "_25._tcp.mx1.example.com", dns::rr_type::tlsa);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST_REQUIRE(done.result.records.size() == 1u);
    const auto& tlsa = std::get<dns::tlsa_rdata>(done.result.records[0].data);
    BOOST_TEST(tlsa.usage == 3u);
    BOOST_TEST(tlsa.selector == 1u);
    BOOST_TEST(tlsa.matching_type == 1u);
    BOOST_TEST(tlsa.association_data == bytes(32, 0x5A));
}

BOOST_AUTO_TEST_CASE(queries_ask_for_the_ad_bit_and_a_secure_answer_is_reported_secure,
                     *sts::test::covers("DANE-01")) {
    world w;
    const auto done = resolve(w, "_25._tcp.mx1.example.com", dns::rr_type::tlsa);
    BOOST_TEST((done.result.security == dns::dnssec_status::secure));
    BOOST_TEST_REQUIRE(w.log().entries().size() == 1u);
    BOOST_TEST(w.log().entries().front().ad);
    BOOST_TEST(w.log().entries().front().ad_set);
}

BOOST_AUTO_TEST_CASE(an_answer_without_ad_is_insecure, *sts::test::covers("DANE-01")) {
    world w;
    const auto done = resolve(w, "mx2.example.com", dns::rr_type::a);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST((done.result.security == dns::dnssec_status::insecure));
    BOOST_TEST(!w.log().entries().front().ad_set);
}

BOOST_AUTO_TEST_CASE(the_do_bit_is_sent_when_configured) {
    auto rc = world::default_config();
    rc.dnssec_ok = true;
    world w(world_config(), rc);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.security == dns::dnssec_status::secure));
    BOOST_TEST(w.log().entries().front().dnssec_ok);
}

BOOST_AUTO_TEST_CASE(a_name_that_does_not_exist_is_nxdomain_with_the_soa_negative_ttl,
                     *sts::test::covers("STS-DISC-13")) {
    world w;
    const auto done = resolve(w, "_mta-sts.nowhere.example.com", dns::rr_type::txt);
    BOOST_TEST((done.result.status == dns::lookup_status::nxdomain));
    BOOST_TEST(done.result.does_not_exist());
    BOOST_TEST(!done.result.transient_failure());
    BOOST_TEST(done.result.records.empty());
    // RFC 2308 §5: min(SOA TTL 300, MINIMUM 60).
    BOOST_TEST(done.result.ttl == 60u);
}

BOOST_AUTO_TEST_CASE(a_name_without_the_type_is_nodata, *sts::test::covers("STS-DISC-13")) {
    world w;
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::txt);
    BOOST_TEST((done.result.status == dns::lookup_status::nodata));
    BOOST_TEST(done.result.does_not_exist());
    BOOST_TEST(done.result.records.empty());
}

BOOST_AUTO_TEST_CASE(a_secure_denial_is_an_answer_with_secure_status, *sts::test::covers("DANE-04")) {
    auto config = world_config();
    config.zone.denial_status = status::secure;
    world w(config);
    const auto denial = resolve(w, "_25._tcp.mx2.example.com", dns::rr_type::tlsa);
    BOOST_TEST((denial.result.status == dns::lookup_status::nxdomain));
    BOOST_TEST((denial.result.security == dns::dnssec_status::secure));
    BOOST_TEST(!denial.result.transient_failure());
    const auto nodata = resolve(w, "mx2.example.com", dns::rr_type::tlsa);
    BOOST_TEST((nodata.result.status == dns::lookup_status::nodata));
    BOOST_TEST((nodata.result.security == dns::dnssec_status::secure));
}

BOOST_AUTO_TEST_CASE(an_insecure_denial_is_still_an_answer, *sts::test::covers("DANE-04")) {
    world w;
    const auto done = resolve(w, "_25._tcp.mx2.example.com", dns::rr_type::tlsa);
    BOOST_TEST((done.result.status == dns::lookup_status::nxdomain));
    BOOST_TEST((done.result.security == dns::dnssec_status::insecure));
    BOOST_TEST(!done.result.transient_failure());
}

BOOST_AUTO_TEST_CASE(servfail_and_refused_are_transient_failures_without_a_retry) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::servfail));
    config.faults.push_back(dns_fault_for("mx2.example.com", dns::rr_type::a, dns_fault_kind::refused));
    world w(config);
    for (const char* name : {"mx1.example.com", "mx2.example.com"}) {
        const auto done = resolve(w, name, dns::rr_type::a);
        BOOST_TEST((done.result.status == dns::lookup_status::servfail), name);
        BOOST_TEST(done.result.transient_failure());
        BOOST_TEST(done.result.records.empty());
        BOOST_TEST(!done.result.detail.empty());
        BOOST_TEST(done.result.queries_sent == 1u);
    }
    BOOST_TEST(w.log().entries().size() == 2u);
}

BOOST_AUTO_TEST_CASE(bogus_data_reaches_the_client_as_a_servfail) {
    world w;
    const auto done = resolve(w, "bogus.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::servfail));
    BOOST_TEST(done.result.transient_failure());
    BOOST_TEST(done.result.records.empty());
    BOOST_TEST(!w.log().entries().front().cd);
}

BOOST_AUTO_TEST_CASE(a_dropped_query_is_sent_again_after_the_timeout_and_the_retry_succeeds) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::drop, 1));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.queries_sent == 2u);
    BOOST_TEST((done.at == t0 + 5s + 2 * latency));
    BOOST_TEST_REQUIRE(w.log().entries().size() == 2u);
    const auto& first = w.log().entries()[0];
    const auto& second = w.log().entries()[1];
    BOOST_TEST((second.at - first.at == 5s));
    // A fresh socket (port) and a fresh ID for the retry (RFC 5452 §9.2).
    BOOST_TEST(first.client.port != second.client.port);
    BOOST_TEST(first.id != second.id);
    BOOST_TEST(w.traces.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_resolver_that_never_answers_times_out_after_every_attempt_in_virtual_time) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::drop));
    auto rc = world::default_config();
    rc.attempts = 3;
    rc.timeout = 7s;
    world w(config, rc);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::timeout));
    BOOST_TEST(done.result.transient_failure());
    BOOST_TEST((done.at == t0 + 3 * 7s));
    BOOST_TEST(done.result.queries_sent == 3u);
    BOOST_TEST(w.log().entries().size() == 3u);
    // Nothing of the lookup stays behind: no socket, no timer.
    BOOST_TEST(w.sched.pending_timers() == 0u);
}

BOOST_AUTO_TEST_CASE(an_unreachable_resolver_times_out_too) {
    world w;
    w.net.set_faults(server_at.address, {.unreachable = true});
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::timeout));
    BOOST_TEST((done.at == t0 + 2 * 5s));
}

BOOST_AUTO_TEST_CASE(a_truncated_reply_is_asked_again_over_tcp_and_the_whole_answer_comes_back) {
    world w;
    const auto done = resolve(w, "big.example.com", dns::rr_type::txt);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.records.size() == 4u);
    BOOST_TEST(done.result.queries_sent == 2u);
    BOOST_TEST_REQUIRE(w.log().entries().size() == 2u);
    BOOST_TEST((w.log().entries()[0].transport == dns_transport::udp));
    BOOST_TEST(w.log().entries()[0].tc_set);
    BOOST_TEST((w.log().entries()[1].transport == dns_transport::tcp));
    BOOST_TEST(w.server->tcp_connections() == 1u);
    BOOST_TEST_REQUIRE(w.traces.size() == 2u);
    BOOST_TEST(!w.traces[0].tcp);
    BOOST_TEST(w.traces[1].tcp);
}

BOOST_AUTO_TEST_CASE(the_truncate_fault_sends_even_a_small_answer_over_tcp) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::truncate));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(a_addresses(done.result) == std::vector<std::string>{"192.0.2.10"});
    BOOST_TEST((done.result.security == dns::dnssec_status::secure));
    BOOST_TEST(w.log().count(dns_transport::tcp) == 1u);
}

BOOST_AUTO_TEST_CASE(a_truncated_reply_with_tcp_refused_is_a_transient_failure) {
    auto config = world_config();
    config.serve_tcp = false;
    world w(config);
    const auto done = resolve(w, "big.example.com", dns::rr_type::txt);
    BOOST_TEST((done.result.status == dns::lookup_status::servfail));
    BOOST_TEST(done.result.transient_failure());
    BOOST_TEST(done.result.detail.find("TCP") != std::string::npos, done.result.detail);
    // The first attempt learnt that UDP is too small: the second goes to TCP at once.
    BOOST_TEST(w.log().count(dns_transport::udp) == 1u);
    BOOST_TEST(w.traces.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_reply_with_the_wrong_id_is_ignored_and_the_right_one_taken) {
    auto config = world_config();
    config.faults.push_back(
        dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::wrong_id_then_answer));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.queries_sent == 1u);
    BOOST_TEST((done.at == t0 + 2 * latency));
}

BOOST_AUTO_TEST_CASE(replies_that_only_ever_carry_the_wrong_id_end_in_a_timeout) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::wrong_id));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::timeout));
    BOOST_TEST((done.at == t0 + 2 * 5s));
    BOOST_TEST(w.log().entries().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_reply_from_another_address_or_port_is_ignored) {
    auto config = world_config();
    // The real answer leaves a second late, giving the forger time.
    config.faults.push_back(dns_delay("mx1.example.com", dns::rr_type::a, 1s));
    world w(config);
    std::optional<completed> out;
    w.resolver->lookup("mx1.example.com", dns::rr_type::a, [&](dns::lookup_result r) {
        out = completed{std::move(r), w.sched.now()};
    });
    w.sched.run_until(t0 + latency + 1ms);
    BOOST_TEST_REQUIRE(w.log().entries().size() == 1u);
    const auto& q = w.log().entries().front();
    // A well-formed reply with the right ID and question, but from the wrong place.
    auto forged = dns::make_response(dns::make_query(q.id, "mx1.example.com", dns::rr_type::a, {.ad = true}));
    forged.header.ad = true;
    forged.answers.push_back(
        dns::record{"mx1.example.com", dns::rr_class::in, 300, dns::a_rdata{"203.0.113.66"}});
    const auto wire = dns::encode(forged);
    BOOST_TEST_REQUIRE(wire.has_value());
    std::vector<std::unique_ptr<net::datagram_socket>> forgers;
    for (const net::endpoint& from :
         {net::endpoint{"203.0.113.9", 53}, net::endpoint{server_at.address, 5353}}) {
        auto bound = w.net.bind_datagram(from);
        BOOST_TEST_REQUIRE(bound.has_value());
        forgers.push_back(std::move(bound).value());
        forgers.back()->async_send_to(std::as_bytes(std::span(wire.value())), q.client,
                                      [](net::error_code, std::size_t) {});
    }
    w.sched.run();
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST((out->result.status == dns::lookup_status::answer));
    BOOST_TEST(a_addresses(out->result) == std::vector<std::string>{"192.0.2.10"});
    BOOST_TEST((out->at == t0 + 1s + 2 * latency));
    for (auto& s : forgers) s->close();
}

BOOST_AUTO_TEST_CASE(garbage_replies_end_as_malformed_after_every_attempt) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::garbage));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::malformed));
    BOOST_TEST(done.result.transient_failure());
    BOOST_TEST(!done.result.detail.empty());
    BOOST_TEST(w.log().entries().size() == 2u);
    BOOST_TEST((done.at == t0 + 2 * 5s));
}

BOOST_AUTO_TEST_CASE(a_reply_truncated_over_tcp_too_is_a_transient_failure_not_nodata) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("example.com", dns::rr_type::mx, dns_fault_kind::truncate_always));
    world w(config);
    const auto done = resolve(w, "example.com", dns::rr_type::mx);
    BOOST_TEST((done.result.status == dns::lookup_status::malformed));
    BOOST_TEST(done.result.transient_failure());
    BOOST_TEST(done.result.detail.find("truncated reply over TCP") != std::string::npos, done.result.detail);
    // UDP, then TCP for each attempt: bounded, no loop between the transports.
    BOOST_TEST(done.result.queries_sent <= 4u);
}

BOOST_AUTO_TEST_CASE(garbage_then_a_good_reply_on_the_retry_is_an_answer) {
    auto config = world_config();
    config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::garbage, 1));
    world w(config);
    const auto done = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.queries_sent == 2u);
}

BOOST_AUTO_TEST_CASE(a_cname_chain_in_the_answer_is_followed_to_the_records,
                     *sts::test::covers("STS-DISC-15")) {
    world w;
    const auto done = resolve(w, "_mta-sts.user.example", dns::rr_type::txt);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(done.result.name == "_mta-sts.user.example");
    BOOST_TEST(done.result.cname_chain ==
               (std::vector<std::string>{"_mta-sts.hop1.example", "_mta-sts.hop2.example",
                                         "_mta-sts.provider.example"}));
    BOOST_TEST_REQUIRE(done.result.records.size() == 1u);
    BOOST_TEST(done.result.records[0].name == "_mta-sts.provider.example");
    // The shortest TTL on the way: the second link's 120 s.
    BOOST_TEST(done.result.ttl == 120u);
    BOOST_TEST((done.result.security == dns::dnssec_status::secure));
    BOOST_TEST(done.result.queries_sent == 1u);
}

BOOST_AUTO_TEST_CASE(an_insecure_link_makes_the_whole_chain_insecure, *sts::test::covers("DANE-09")) {
    world w;
    const auto done = resolve(w, "www.example.com", dns::rr_type::a);
    BOOST_TEST_REQUIRE((done.result.status == dns::lookup_status::answer));
    BOOST_TEST(a_addresses(done.result) == std::vector<std::string>{"192.0.2.80"});
    BOOST_TEST((done.result.security == dns::dnssec_status::insecure));
}

BOOST_AUTO_TEST_CASE(a_bogus_link_fails_the_whole_chain, *sts::test::covers("DANE-09")) {
    auto config = world_config();
    config.zone.records.push_back(rec("via-bogus.example.com", dns::cname_rdata{"bogus.example.com"}));
    world w(config);
    const auto done = resolve(w, "via-bogus.example.com", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::servfail));
    BOOST_TEST(done.result.records.empty());
}

BOOST_AUTO_TEST_CASE(an_answer_that_stops_at_a_cname_is_asked_again_for_the_target) {
    world w;
    const auto done = resolve(w, "alias.example.com", dns::rr_type::txt);
    BOOST_TEST((done.result.status == dns::lookup_status::nodata));
    BOOST_TEST(done.result.cname_chain == std::vector<std::string>{"mx1.example.com"});
    BOOST_TEST(done.result.queries_sent == 2u);
    BOOST_TEST(w.log().count("alias.example.com", dns::rr_type::txt) == 1u);
    BOOST_TEST(w.log().count("mx1.example.com", dns::rr_type::txt) == 1u);
}

BOOST_AUTO_TEST_CASE(a_cname_loop_is_a_transient_failure) {
    world w;
    const auto done = resolve(w, "loop1.example", dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::servfail));
    BOOST_TEST(done.result.queries_sent == 1u);
}

BOOST_AUTO_TEST_CASE(a_second_lookup_within_the_ttl_comes_from_the_cache_and_after_it_goes_out_again) {
    world w;
    const auto first = resolve(w, "short.example.com", dns::rr_type::a);
    BOOST_TEST_REQUIRE((first.result.status == dns::lookup_status::answer));
    BOOST_TEST(first.result.ttl == 30u);
    BOOST_TEST(w.resolver->cached_entries() == 1u);

    w.sched.run_until(t0 + 20s);
    const auto second = resolve(w, "Short.Example.com", dns::rr_type::a);
    BOOST_TEST(second.result.from_cache);
    BOOST_TEST(second.result.queries_sent == 0u);
    BOOST_TEST(second.result.ttl == 10u);  // 30 s from t0 + 20 ms, seen at t0 + 20 s
    BOOST_TEST(a_addresses(second.result) == std::vector<std::string>{"192.0.2.30"});
    BOOST_TEST((second.result.security == dns::dnssec_status::secure));
    BOOST_TEST(w.log().count("short.example.com", dns::rr_type::a) == 1u);
    BOOST_TEST((second.at == t0 + 20s));

    w.sched.run_until(t0 + 31s);
    const auto third = resolve(w, "short.example.com", dns::rr_type::a);
    BOOST_TEST(!third.result.from_cache);
    BOOST_TEST(third.result.queries_sent == 1u);
    BOOST_TEST(w.log().count("short.example.com", dns::rr_type::a) == 2u);
}

BOOST_AUTO_TEST_CASE(a_denial_is_cached_for_its_negative_ttl, *sts::test::covers("STS-DISC-13")) {
    world w;
    resolve(w, "_mta-sts.nowhere.example.com", dns::rr_type::txt);
    w.sched.run_until(t0 + 59s);
    const auto cached = resolve(w, "_mta-sts.nowhere.example.com", dns::rr_type::txt);
    BOOST_TEST(cached.result.from_cache);
    BOOST_TEST((cached.result.status == dns::lookup_status::nxdomain));
    BOOST_TEST(w.log().entries().size() == 1u);
    w.sched.run_until(t0 + 61s);
    const auto again = resolve(w, "_mta-sts.nowhere.example.com", dns::rr_type::txt);
    BOOST_TEST(!again.result.from_cache);
    BOOST_TEST(w.log().entries().size() == 2u);
}

BOOST_AUTO_TEST_CASE(failures_are_asked_again_every_time) {
    world w;
    resolve(w, "bogus.example.com", dns::rr_type::a);
    const auto second = resolve(w, "bogus.example.com", dns::rr_type::a);
    BOOST_TEST(!second.result.from_cache);
    BOOST_TEST(w.log().entries().size() == 2u);
    BOOST_TEST(w.resolver->cached_entries() == 0u);
}

BOOST_AUTO_TEST_CASE(without_the_cache_every_lookup_goes_out) {
    auto rc = world::default_config();
    rc.cache_enabled = false;
    world w(world_config(), rc);
    resolve(w, "mx1.example.com", dns::rr_type::a);
    const auto second = resolve(w, "mx1.example.com", dns::rr_type::a);
    BOOST_TEST(!second.result.from_cache);
    BOOST_TEST(w.log().entries().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_cache_hit_still_runs_the_handler_later_and_once) {
    world w;
    resolve(w, "mx1.example.com", dns::rr_type::a);
    const auto hit = resolve(w, "mx1.example.com", dns::rr_type::a);  // resolve() checks both
    BOOST_TEST(hit.result.from_cache);
}

BOOST_AUTO_TEST_CASE(a_name_that_is_not_a_domain_name_is_malformed_and_sends_nothing) {
    world w;
    const auto done = resolve(w, std::string(300, 'a'), dns::rr_type::a);
    BOOST_TEST((done.result.status == dns::lookup_status::malformed));
    BOOST_TEST(done.result.queries_sent == 0u);
    BOOST_TEST(w.log().entries().empty());
}

BOOST_AUTO_TEST_CASE(every_query_is_traced_with_the_nameserver_and_timeout) {
    world w;
    resolve(w, "_mta-sts.example.com", dns::rr_type::txt);
    BOOST_TEST_REQUIRE(w.traces.size() == 1u);
    BOOST_TEST(w.traces[0].name == "_mta-sts.example.com");
    BOOST_TEST((w.traces[0].type == dns::rr_type::txt));
    BOOST_TEST(w.traces[0].nameserver == server_at.address);
    BOOST_TEST(w.traces[0].timeout_seconds == 5u);
    BOOST_TEST(!w.traces[0].tcp);
}

BOOST_AUTO_TEST_CASE(concurrent_lookups_each_complete_once) {
    world w;
    std::vector<dns::lookup_result> results;
    const std::vector<std::string> names = {"mx1.example.com", "mx2.example.com", "nope.example.com"};
    for (const auto& n : names) {
        w.resolver->lookup(n, dns::rr_type::a,
                           [&](dns::lookup_result r) { results.push_back(std::move(r)); });
    }
    w.sched.run();
    BOOST_TEST_REQUIRE(results.size() == 3u);
    std::vector<std::string> answered;
    for (const auto& r : results) answered.push_back(r.name);
    std::sort(answered.begin(), answered.end());
    BOOST_TEST(answered == names);
}

BOOST_AUTO_TEST_CASE(a_lookup_completes_after_its_resolver_is_gone) {
    world w;
    unsigned calls = 0;
    w.resolver->lookup("mx1.example.com", dns::rr_type::a, [&](dns::lookup_result r) {
        ++calls;
        BOOST_TEST((r.status == dns::lookup_status::answer));
    });
    w.resolver.reset();
    w.sched.run();
    BOOST_TEST(calls == 1u);
}

BOOST_AUTO_TEST_CASE(two_runs_of_one_world_put_the_same_queries_on_the_wire) {
    auto run = [](std::uint64_t seed) {
        auto config = world_config();
        config.faults.push_back(dns_fault_for("mx1.example.com", dns::rr_type::a, dns_fault_kind::drop, 1));
        auto rc = world::default_config();
        rc.seed = seed;
        world w(config, rc);
        resolve(w, "mx1.example.com", dns::rr_type::a);
        resolve(w, "big.example.com", dns::rr_type::txt);
        resolve(w, "_mta-sts.user.example", dns::rr_type::txt);
        std::vector<std::tuple<time_point, std::string, std::uint16_t, std::string, std::uint16_t, bool>> log;
        for (const auto& e : w.log().entries()) {
            log.emplace_back(e.at, e.client.address, e.client.port, e.qname, e.id,
                             e.transport == dns_transport::tcp);
        }
        return log;
    };
    const auto a = run(7);
    const auto b = run(7);
    BOOST_TEST_REQUIRE(a.size() == 5u);
    BOOST_TEST((a == b));
    const auto c = run(8);
    BOOST_TEST_REQUIRE(c.size() == a.size());
    BOOST_TEST(std::get<4>(a[0]) != std::get<4>(c[0]));  // the seed chooses the IDs
}

BOOST_AUTO_TEST_SUITE_END()
