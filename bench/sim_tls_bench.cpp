// Full TLS handshakes over the simulated network: both ends in this process, on one
// thread, real OpenSSL (TLS 1.3, ECDSA P-256 leaf from the test CA, chain and host name
// verified at virtual time), carried by in-memory links on the discrete-event scheduler.
// scripts/bench reports handshakes/s beside `openssl s_time -new` over loopback measured in
// the same run: the floor a simulated scenario's TLS cost can be compared against.
#include <utility>  // Boost 1.74's Asio uses std::exchange without including <utility>

#include "engine/net/asio_stream.hpp"
#include "mocks/certs/cert_factory.hpp"
#include "sim/network/memory_stream.hpp"
#include "sim/scheduler.hpp"

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

const sts::core::time_point t0{std::chrono::sys_days{std::chrono::year{2024} / 9 / 26} + 15h};

void sim_tls13_handshake(benchmark::State& state) {
    sts::mocks::cert_factory factory(7);
    sts::mocks::leaf_spec spec;
    spec.dns_names = {"mx1.example.test"};
    const auto creds = factory.issue_leaf(spec);
    if (!creds) {
        state.SkipWithError("certificate");
        return;
    }
    const auto chain = creds->chain_pem();
    const auto key = creds->key_pem();
    const auto trust = factory.trust_store_pem();
    asio::ssl::context server_ctx(asio::ssl::context::tls_server);
    server_ctx.use_certificate_chain(asio::buffer(chain));
    server_ctx.use_private_key(asio::buffer(key), asio::ssl::context::pem);
    SSL_CTX_set_session_cache_mode(server_ctx.native_handle(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(server_ctx.native_handle(), 0);
    asio::ssl::context client_ctx(asio::ssl::context::tls_client);
    client_ctx.add_certificate_authority(asio::buffer(trust));
    client_ctx.set_verify_mode(asio::ssl::verify_peer);
    SSL_CTX_set_min_proto_version(client_ctx.native_handle(), TLS1_2_VERSION);
    X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(client_ctx.native_handle()),
                               std::chrono::floor<std::chrono::seconds>(t0).time_since_epoch().count());
    X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(client_ctx.native_handle()), "mx1.example.test", 0);

    std::int64_t done = 0;
    for (auto _ : state) {
        sts::sim::scheduler sched(t0);
        auto pair = sts::sim::make_stream_pair(sched, {"10.0.0.1", 49152}, {"10.25.0.1", 25}, {});
        auto ex = sched.io().get_executor();
        asio::ssl::stream<sts::net::asio_stream> client(sts::net::asio_stream(ex, *pair.client), client_ctx);
        asio::ssl::stream<sts::net::asio_stream> server(sts::net::asio_stream(ex, *pair.server), server_ctx);
        SSL_set_tlsext_host_name(client.native_handle(), "mx1.example.test");
        bool ok = false;
        server.async_handshake(asio::ssl::stream_base::server, [](boost::system::error_code) {});
        client.async_handshake(asio::ssl::stream_base::client,
                               [&ok](boost::system::error_code ec) { ok = !ec; });
        sched.run();
        if (!ok) {
            state.SkipWithError("handshake failed");
            return;
        }
        ++done;
    }
    state.SetItemsProcessed(done);
}

}  // namespace

BENCHMARK(sim_tls13_handshake)->UseRealTime();
