// Tests sim/network/socket_network.hpp: the same ports over real loopback sockets, each
// host on its own 127.0.0.0/8 address.
#include "sim/network/socket_network.hpp"

#include <boost/test/unit_test.hpp>

#include <utility>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include <string>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {
std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s)); }
}  // namespace

BOOST_AUTO_TEST_SUITE(sim_socket_network)

BOOST_AUTO_TEST_CASE(a_connection_between_two_loopback_addresses_carries_bytes) {
    asio::io_context io;
    sts::sim::socket_network net(io);
    std::unique_ptr<sts::net::byte_stream> server_end, client_end;
    std::string received;
    std::array<std::byte, 64> buf{};
    auto listener = net.listen({"127.0.0.25", 0}, [&](std::unique_ptr<sts::net::byte_stream> s) {
        server_end = std::move(s);
        server_end->async_read_some(buf, [&](sts::net::error_code ec, std::size_t n) {
            BOOST_TEST(!ec);
            received.assign(reinterpret_cast<const char*>(buf.data()), n);
            io.stop();  // the listener keeps the io_context busy; the exchange is done
        });
    });
    BOOST_REQUIRE(listener.has_value());
    const auto port = (*listener)->local_endpoint().port;
    BOOST_TEST(port != 0);
    const std::string hello = "220 hello\r\n";
    net.async_connect("127.0.0.2", {"127.0.0.25", port}, [&](sts::net::error_code ec, auto s) {
        BOOST_REQUIRE(!ec);
        client_end = std::move(s);
        BOOST_TEST(client_end->local_endpoint().address == "127.0.0.2");
        client_end->async_write_some(bytes_of(hello), [](auto, auto) {});
    });
    io.run_for(5s);  // returns as soon as the exchange is done; 5 s is only a safety net
    BOOST_TEST(received == hello);
    BOOST_REQUIRE(server_end);
    BOOST_TEST(server_end->remote_endpoint().address == "127.0.0.2");
}

BOOST_AUTO_TEST_CASE(a_datagram_between_loopback_addresses_carries_its_sender) {
    asio::io_context io;
    sts::sim::socket_network net(io);
    auto server = net.bind_datagram({"127.0.0.53", 0});
    auto client = net.bind_datagram({"127.0.0.3", 0});
    BOOST_REQUIRE(server.has_value());
    BOOST_REQUIRE(client.has_value());
    std::array<std::byte, 64> buf{};
    std::string got;
    sts::net::endpoint from;
    (*server)->async_receive_from(buf, [&](sts::net::error_code ec, std::size_t n, sts::net::endpoint f) {
        BOOST_TEST(!ec);
        got.assign(reinterpret_cast<const char*>(buf.data()), n);
        from = f;
        io.stop();
    });
    const std::string query = "query";
    (*client)->async_send_to(bytes_of(query), (*server)->local_endpoint(), [](auto, auto) {});
    io.run_for(5s);
    BOOST_TEST(got == query);
    BOOST_TEST(from.address == "127.0.0.3");
}

BOOST_AUTO_TEST_CASE(connecting_to_a_closed_port_is_refused) {
    asio::io_context io;
    sts::sim::socket_network net(io);
    // Bind and close a listener to find a port nobody listens on.
    std::uint16_t port = 0;
    {
        auto l = net.listen({"127.0.0.26", 0}, [](auto) {});
        BOOST_REQUIRE(l.has_value());
        port = (*l)->local_endpoint().port;
    }
    sts::net::error_code seen;
    net.async_connect("127.0.0.2", {"127.0.0.26", port}, [&](sts::net::error_code ec, auto) { seen = ec; });
    io.run_for(5s);
    BOOST_TEST((seen == asio::error::connection_refused));
}

BOOST_AUTO_TEST_SUITE_END()
