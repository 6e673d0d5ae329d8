// Tests sim/network/memory_stream.hpp: ordered delivery on virtual time, end-of-stream and
// reset, and real OpenSSL TLS (asio::ssl over engine/net/asio_stream.hpp) on an in-memory
// link, with a stalled peer costing no real time.
#include "sim/network/memory_stream.hpp"

#include "engine/net/asio_stream.hpp"
#include "sim/scheduler.hpp"
#include "tests/support/test_certificate.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/ssl.h>

#include <string>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using sts::core::time_point;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s)); }

struct pair_fixture {
    sts::sim::scheduler sched{t0};
    sts::sim::stream_pair pair = sts::sim::make_stream_pair(sched, {"192.0.2.1", 40000}, {"192.0.2.25", 25},
                                                            {.latency = 20ms});
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sim_memory_stream, pair_fixture)

BOOST_AUTO_TEST_CASE(bytes_arrive_in_order_after_the_link_latency) {
    std::string received;
    std::array<std::byte, 4> buf{};
    time_point arrived_at{};
    std::function<void()> read_more = [&] {
        pair.server->async_read_some(buf, [&](sts::net::error_code ec, std::size_t n) {
            if (ec) return;
            if (received.empty()) arrived_at = sched.now();
            received.append(reinterpret_cast<const char*>(buf.data()), n);
            read_more();
        });
    };
    read_more();
    const std::string a = "EHLO ", b = "client.example\r\n";
    pair.client->async_write_some(bytes_of(a), [](auto, auto) {});
    pair.client->async_write_some(bytes_of(b), [](auto, auto) {});
    sched.run();
    BOOST_TEST(received == "EHLO client.example\r\n");
    BOOST_TEST((arrived_at == t0 + 20ms));
}

BOOST_AUTO_TEST_CASE(close_delivers_end_of_stream_after_data_in_flight) {
    std::vector<std::string> events;
    std::array<std::byte, 64> buf{};
    std::function<void()> read_more = [&] {
        pair.server->async_read_some(buf, [&](sts::net::error_code ec, std::size_t n) {
            events.push_back(ec ? ec.message() == asio::error::make_error_code(asio::error::eof).message()
                                      ? std::string("eof") : ec.message()
                                : std::string(reinterpret_cast<const char*>(buf.data()), n));
            if (!ec) read_more();
        });
    };
    read_more();
    const std::string quit = "QUIT\r\n";
    pair.client->async_write_some(bytes_of(quit), [](auto, auto) {});
    pair.client->close();
    sched.run();
    const std::vector<std::string> want{"QUIT\r\n", "eof"};
    BOOST_TEST(events == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reset_fails_pending_reads_at_both_ends_with_connection_reset) {
    std::array<std::byte, 8> a{}, b{};
    sts::net::error_code ea, eb;
    pair.client->async_read_some(a, [&](sts::net::error_code ec, std::size_t) { ea = ec; });
    pair.server->async_read_some(b, [&](sts::net::error_code ec, std::size_t) { eb = ec; });
    pair.server->reset();
    sched.run();
    BOOST_TEST((ea == asio::error::connection_reset));
    BOOST_TEST((eb == asio::error::connection_reset));
}

BOOST_AUTO_TEST_CASE(a_stalled_peer_is_timed_out_in_virtual_time) {
    // The server accepts and never answers; the client gives up after a 60 s virtual
    // timeout by closing its end, which aborts the pending read.
    std::array<std::byte, 8> buf{};
    sts::net::error_code seen;
    time_point aborted_at{};
    pair.client->async_read_some(buf, [&](sts::net::error_code ec, std::size_t) {
        seen = ec;
        aborted_at = sched.now();
    });
    sched.schedule(sched.now() + 60s, [&](auto) { pair.client->close(); });
    sched.run();
    BOOST_TEST((seen == asio::error::operation_aborted));
    BOOST_TEST((aborted_at == t0 + 60s));
}

BOOST_AUTO_TEST_CASE(tls_handshake_and_data_run_over_the_in_memory_link) {
    const auto id = sts::test::make_self_signed({"mx1.example.test"}, std::chrono::floor<std::chrono::seconds>(t0 - 24h),
                                                std::chrono::floor<std::chrono::seconds>(t0 + 24h));
    asio::ssl::context server_ctx(asio::ssl::context::tls_server);
    server_ctx.use_certificate_chain(asio::buffer(id.certificate_pem));
    server_ctx.use_private_key(asio::buffer(id.private_key_pem), asio::ssl::context::pem);
    asio::ssl::context client_ctx(asio::ssl::context::tls_client);
    client_ctx.add_certificate_authority(asio::buffer(id.certificate_pem));
    client_ctx.set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(client_ctx.native_handle(), TLS1_2_VERSION);
    // Verify at virtual time: the certificate is valid around t0, which is not "now".
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(client_ctx.native_handle()),
                               std::chrono::floor<std::chrono::seconds>(t0).time_since_epoch().count());
    X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(client_ctx.native_handle()), "mx1.example.test", 0);

    auto ex = sched.io().get_executor();
    asio::ssl::stream<sts::net::asio_stream> client(sts::net::asio_stream(ex, *pair.client), client_ctx);
    asio::ssl::stream<sts::net::asio_stream> server(sts::net::asio_stream(ex, *pair.server), server_ctx);
    SSL_set_tlsext_host_name(client.native_handle(), "mx1.example.test");

    std::string server_got, protocol;
    bool client_done = false;
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        co_await server.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        std::string buf(5, '\0');
        co_await asio::async_read(server, asio::buffer(buf), asio::use_awaitable);
        server_got = buf;
    }, asio::detached);
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
        co_await client.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        protocol = SSL_get_version(client.native_handle());
        co_await asio::async_write(client, asio::buffer(std::string("hello")), asio::use_awaitable);
        client_done = true;
    }, asio::detached);
    sched.run();
    BOOST_TEST(client_done);
    BOOST_TEST(server_got == "hello");
    BOOST_TEST(protocol == "TLSv1.3");
    // Round trips cost virtual latency only: TLS 1.3 is 1.5 round trips plus the data.
    BOOST_TEST((sched.now() > t0));
    BOOST_TEST((sched.now() < t0 + 1s));
}

BOOST_AUTO_TEST_SUITE_END()
