// Tests sim/world/world.hpp on the simulated network: a world loaded from TOML comes up,
// its DNS server answers for the records of the file and the A records it adds for mock
// hosts, TLSA data computed from a `cert:` reference matches the certificate the host
// presents, a client reaches its SMTP receiver, and the same seed gives the same world.
#include "sim/world/world.hpp"

#include "engine/dns/query.hpp"
#include "engine/net/asio_timer.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "mocks/certs/tlsa.hpp"
#include "sim/network/sim_network.hpp"
#include "sim/scheduler.hpp"
#include "sim/world/world_loader.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace {

namespace dns = sts::dns;
namespace net = sts::net;
using namespace std::chrono_literals;

constexpr std::string_view world_text = R"(
[world]
seed = 11
[[dns]]
name = "example.test"
type = "MX"
data = "10 mx1.example.test"
[[dns]]
name = "_25._tcp.mx1.example.test"
type = "TLSA"
data = "3 1 1 cert:mx1.example.test"
dnssec = "secure"
[[dns]]
name = "mx2.example.test"
type = "A"
data = "192.0.2.99"
[policy_host."example.test"]
body = "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n"
[smtp."mx1.example.test"]
[smtp."mx2.example.test"]
)";

struct sim_world {
    sts::sim::scheduler sched{sts::sim::default_world_start};
    sts::sim::sim_network network{sched};
    std::unique_ptr<sts::sim::world> w;

    explicit sim_world(std::string_view text = world_text) {
        auto spec = sts::sim::load_world_text(text, "w.toml");
        BOOST_TEST_REQUIRE(spec.has_value());
        w = std::make_unique<sts::sim::world>(std::move(spec).value(),
                                              sts::sim::world_network{sched.io(), network, sched, sched});
        auto started = w->start();
        BOOST_TEST_REQUIRE(started.has_value(), (started.has_value() ? "" : started.error()));
    }
};

dns::message ask(sim_world& s, const std::string& name, dns::rr_type type) {
    // RFC 6840 §5.7: the AD bit is only set for a query that asks for it.
    dns::query_flags flags;
    flags.ad = true;
    auto wire = dns::encode(dns::make_query(0x4242, name, type, flags));
    BOOST_TEST_REQUIRE(wire.has_value());
    auto bound = s.network.bind_datagram({"10.99.0.1", 0});
    BOOST_TEST_REQUIRE(bound.has_value());
    auto socket = std::move(bound).value();
    std::vector<std::byte> buffer(65535);
    std::optional<dns::message> reply;
    net::deadline_guard guard(s.sched, s.sched.now() + 5s, [&] { socket->close(); });
    socket->async_receive_from(buffer, [&](net::error_code ec, std::size_t n, net::endpoint) {
        if (ec) return;
        const auto* p = reinterpret_cast<const std::uint8_t*>(buffer.data());
        if (auto m = dns::decode(std::span(p, n)); m.has_value()) reply = std::move(m).value();
        guard.disarm();
        socket->close();
    });
    socket->async_send_to(std::as_bytes(std::span(wire.value())), s.w->dns_endpoint(), [](net::error_code, std::size_t) {});
    s.sched.run();
    BOOST_TEST_REQUIRE(reply.has_value());
    return *reply;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(world_assembly)

BOOST_AUTO_TEST_CASE(hosts_get_deterministic_addresses_and_every_service_is_listed) {
    sim_world s;
    const auto& e = s.w->endpoints();
    BOOST_TEST_REQUIRE(e.size() == 4u);
    BOOST_TEST(e[0].service == "dns");
    BOOST_TEST((e[0].at == net::endpoint{"10.53.0.1", 53}));
    BOOST_TEST((s.w->endpoint_of("mta-sts.example.test", "https") == net::endpoint{"10.44.0.1", 443}));
    BOOST_TEST((s.w->endpoint_of("mx1.example.test", "smtp") == net::endpoint{"10.25.0.1", 25}));
    BOOST_TEST((s.w->endpoint_of("mx2.example.test", "smtp") == net::endpoint{"10.25.0.2", 25}));
}

BOOST_AUTO_TEST_CASE(the_dns_server_answers_file_records_and_added_host_addresses) {
    sim_world s;
    const auto mx = ask(s, "example.test", dns::rr_type::mx);
    BOOST_TEST_REQUIRE(mx.answers.size() == 1u);
    BOOST_TEST((std::get<dns::mx_rdata>(mx.answers[0].data).exchange == "mx1.example.test"));
    const auto a = ask(s, "mx1.example.test", dns::rr_type::a);
    BOOST_TEST_REQUIRE(a.answers.size() == 1u);
    BOOST_TEST(std::get<dns::a_rdata>(a.answers[0].data).address == "10.25.0.1");
    // The file's own A record wins over the one assembly would add.
    const auto a2 = ask(s, "mx2.example.test", dns::rr_type::a);
    BOOST_TEST_REQUIRE(a2.answers.size() == 1u);
    BOOST_TEST(std::get<dns::a_rdata>(a2.answers[0].data).address == "192.0.2.99");
    const auto policy = ask(s, "mta-sts.example.test", dns::rr_type::a);
    BOOST_TEST_REQUIRE(policy.answers.size() == 1u);
    BOOST_TEST(std::get<dns::a_rdata>(policy.answers[0].data).address == "10.44.0.1");
}

BOOST_AUTO_TEST_CASE(tlsa_data_from_a_cert_reference_matches_the_presented_certificate) {
    sim_world s;
    const auto reply = ask(s, "_25._tcp.mx1.example.test", dns::rr_type::tlsa);
    BOOST_TEST(reply.header.ad);
    BOOST_TEST_REQUIRE(reply.answers.size() == 1u);
    const auto& tlsa = std::get<dns::tlsa_rdata>(reply.answers[0].data);
    // The same seed and spec give the same leaf from a factory of our own.
    sts::mocks::cert_factory factory(11);
    auto creds = factory.issue_leaf(s.w->spec().smtp_hosts[0].cert);
    BOOST_TEST_REQUIRE(creds.has_value());
    const auto expected = sts::mocks::tlsa_record(creds.value().leaf, sts::mocks::tlsa_usage::dane_ee,
                                                  sts::mocks::tlsa_selector::subject_public_key_info,
                                                  sts::mocks::tlsa_matching::sha256);
    BOOST_TEST((tlsa == expected));
    BOOST_TEST(tlsa.association_data.size() == 32u);
}

BOOST_AUTO_TEST_CASE(a_client_connects_to_an_smtp_host_and_reads_its_greeting) {
    sim_world s;
    std::unique_ptr<net::byte_stream> stream;
    std::string greeting;
    std::vector<std::byte> buffer(512);
    s.network.async_connect("10.99.0.1", *s.w->endpoint_of("mx1.example.test", "smtp"),
                            [&](net::error_code ec, std::unique_ptr<net::byte_stream> st) {
                                BOOST_TEST_REQUIRE(!ec);
                                stream = std::move(st);
                                stream->async_read_some(buffer, [&](net::error_code rec, std::size_t n) {
                                    if (!rec) greeting.assign(reinterpret_cast<const char*>(buffer.data()), n);
                                    stream->close();
                                });
                            });
    s.sched.run_until(s.sched.now() + 10s);
    BOOST_TEST(greeting.starts_with("220 mx1.example.test"), greeting);
    BOOST_TEST(s.w->transcript().entries().size() >= 2u);
}

BOOST_AUTO_TEST_CASE(the_trust_store_is_the_test_root) {
    sim_world s;
    BOOST_TEST(s.w->trust_store_pem() == sts::mocks::cert_factory(11).trust_store_pem());
    BOOST_TEST(s.w->trust_store_pem().find("BEGIN CERTIFICATE") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(two_worlds_with_one_seed_answer_identically) {
    sim_world one;
    sim_world two;
    const auto a = ask(one, "_25._tcp.mx1.example.test", dns::rr_type::tlsa);
    const auto b = ask(two, "_25._tcp.mx1.example.test", dns::rr_type::tlsa);
    BOOST_TEST((a == b));
    BOOST_TEST(one.w->transcript().render() == two.w->transcript().render());
}

BOOST_AUTO_TEST_SUITE_END()
