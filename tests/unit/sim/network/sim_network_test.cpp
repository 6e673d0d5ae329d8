// Tests sim/network/sim_network.hpp: connections, refusals, unreachable hosts cancelled by
// the caller's timer, datagrams and the contact record, all in virtual time.
#include "sim/network/sim_network.hpp"

#include "sim/scheduler.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/error.hpp>

#include <string>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sts::core::time_point;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};

struct world {
    sts::sim::scheduler sched{t0};
    sts::sim::sim_network net{sched};
    world() { net.set_latency(10ms); }
};

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s)); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_network, world)

BOOST_AUTO_TEST_CASE(connect_to_a_listener_delivers_both_ends_after_one_round_trip) {
    std::unique_ptr<sts::net::byte_stream> accepted, connected;
    time_point accepted_at{}, connected_at{};
    auto l = net.listen({"192.0.2.25", 25}, [&](std::unique_ptr<sts::net::byte_stream> s) {
        accepted = std::move(s);
        accepted_at = sched.now();
    });
    BOOST_REQUIRE(l.has_value());
    net.async_connect("192.0.2.1", {"192.0.2.25", 25}, [&](sts::net::error_code ec, auto s) {
        BOOST_TEST(!ec);
        connected = std::move(s);
        connected_at = sched.now();
    });
    sched.run();
    BOOST_REQUIRE(accepted);
    BOOST_REQUIRE(connected);
    BOOST_TEST((accepted_at == t0 + 10ms));
    BOOST_TEST((connected_at == t0 + 20ms));
    BOOST_TEST(connected->local_endpoint().address == "192.0.2.1");
    BOOST_TEST(connected->local_endpoint().port == 49152);  // the first ephemeral port, always
    BOOST_TEST(accepted->remote_endpoint().port == 49152);
    BOOST_REQUIRE_EQUAL(net.contacts().size(), 1u);
    BOOST_TEST(net.contacts()[0].outcome == "accepted");
}

BOOST_AUTO_TEST_CASE(connect_without_a_listener_is_refused) {
    sts::net::error_code seen;
    net.async_connect("192.0.2.1", {"192.0.2.26", 25}, [&](sts::net::error_code ec, auto s) {
        seen = ec;
        BOOST_TEST(!s);
    });
    sched.run();
    BOOST_TEST((seen == asio::error::connection_refused));
    BOOST_TEST(net.contacts()[0].outcome == "refused");
}

BOOST_AUTO_TEST_CASE(connect_to_an_unreachable_host_waits_until_the_caller_cancels) {
    net.set_faults("192.0.2.27", {.unreachable = true});
    sts::net::error_code seen;
    time_point completed_at{};
    const auto id = net.async_connect("192.0.2.1", {"192.0.2.27", 25}, [&](sts::net::error_code ec, auto) {
        seen = ec;
        completed_at = sched.now();
    });
    sched.schedule(t0 + 30s, [&, id](auto) { net.cancel_connect(id); });
    sched.run();
    BOOST_TEST((seen == asio::error::operation_aborted));
    BOOST_TEST((completed_at == t0 + 30s));
    BOOST_TEST(net.contacts()[0].outcome == "unreachable");
}

BOOST_AUTO_TEST_CASE(datagrams_reach_the_bound_socket_and_carry_the_sender) {
    auto server = net.bind_datagram({"192.0.2.53", 53});
    auto client = net.bind_datagram({"192.0.2.1", 0});
    BOOST_REQUIRE(server.has_value());
    BOOST_REQUIRE(client.has_value());
    std::array<std::byte, 512> buf{};
    std::string got;
    sts::net::endpoint from;
    (*server)->async_receive_from(buf, [&](sts::net::error_code ec, std::size_t n, sts::net::endpoint f) {
        BOOST_TEST(!ec);
        got.assign(reinterpret_cast<const char*>(buf.data()), n);
        from = f;
    });
    const std::string query = "query";
    (*client)->async_send_to(bytes_of(query), {"192.0.2.53", 53}, [](auto, auto) {});
    sched.run();
    BOOST_TEST(got == "query");
    BOOST_TEST(from.address == "192.0.2.1");
    BOOST_TEST(from.port == (*client)->local_endpoint().port);
}

BOOST_AUTO_TEST_CASE(datagrams_to_an_unreachable_host_are_dropped_and_recorded) {
    net.set_faults("192.0.2.53", {.unreachable = true});
    auto server = net.bind_datagram({"192.0.2.53", 53});
    auto client = net.bind_datagram({"192.0.2.1", 0});
    std::array<std::byte, 16> buf{};
    bool received = false;
    (*server)->async_receive_from(buf, [&](sts::net::error_code ec, std::size_t, sts::net::endpoint) { received = !ec; });
    const std::string query = "query";
    (*client)->async_send_to(bytes_of(query), {"192.0.2.53", 53}, [](auto, auto) {});
    sched.run();
    BOOST_TEST(!received);
    BOOST_TEST(net.contacts().back().outcome == "dropped");
}

BOOST_AUTO_TEST_CASE(a_second_listener_on_the_same_endpoint_is_refused) {
    auto first = net.listen({"192.0.2.25", 25}, [](auto) {});
    auto second = net.listen({"192.0.2.25", 25}, [](auto) {});
    BOOST_TEST(first.has_value());
    BOOST_REQUIRE(!second.has_value());
    BOOST_TEST((second.error() == asio::error::address_in_use));
}

BOOST_AUTO_TEST_SUITE_END()
