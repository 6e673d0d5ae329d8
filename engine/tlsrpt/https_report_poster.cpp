#include <utility>  // Boost 1.74's Asio uses std::exchange without including it (toolchain.md)

#include "engine/tlsrpt/https_report_poster.hpp"

#include "engine/core/clock.hpp"
#include "engine/core/peer_text.hpp"
#include "engine/dns/asio_lookup.hpp"
#include "engine/dns/resolver.hpp"
#include "engine/net/asio_connect.hpp"
#include "engine/net/asio_stream.hpp"
#include "engine/net/asio_timer.hpp"
#include "engine/net/network.hpp"
#include "engine/tls/borrowed_context.hpp"
#include "engine/tls/client_tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <exception>
#include <memory>
#include <vector>

namespace sts::tlsrpt {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

using tls_stream = asio::ssl::stream<net::asio_stream>;

struct ports {
    net::network* network;
    net::timer_service* timers;
    const core::clock* clock;
    dns::resolver* resolver;
    tls::client_tls* tls;
    https_report_poster_config config;
};

class upload_session {
public:
    upload_session(ports p, report_upload upload)
        : p_(std::move(p)), upload_(std::move(upload)), deadline_(p_.clock->now() + p_.config.timeout) {}

    asio::awaitable<upload_result> run() {
        const std::string host = upload_.endpoint.host;
        auto answer = co_await dns::async_lookup_until(*p_.resolver, *p_.timers, host, dns::rr_type::a, deadline_,
                                                       asio::use_awaitable);
        std::vector<std::string> addresses;
        if (answer && answer->ok())
            for (const auto& r : answer->records)
                if (const auto* a = std::get_if<dns::a_rdata>(&r.data)) addresses.push_back(a->address);
        if (addresses.empty()) {
            result_.detail = !answer ? fmt::format("resolving {} timed out", host)
                                     : fmt::format("{} has no address ({})", host, dns::to_string(answer->status));
            co_return std::move(result_);
        }
        const net::endpoint remote{addresses.front(), upload_.endpoint.port.value_or(p_.config.port)};
        result_.connected_to = net::to_string(remote);
        auto id = std::make_shared<std::optional<net::connect_id>>();
        net::network* network = p_.network;
        boost::system::error_code ec;
        std::unique_ptr<net::byte_stream> stream;
        {
            net::deadline_guard guard(*p_.timers, deadline_, [network, id] {
                if (*id) network->cancel_connect(**id);
            });
            stream = co_await net::async_connect(*p_.network, p_.config.source_address, remote, id,
                                                 asio::redirect_error(asio::use_awaitable, ec));
            if (guard.expired() && stream) stream.reset();
        }
        if (!stream) {
            result_.detail = fmt::format("connecting to {} ({}) failed: {}", host, result_.connected_to,
                                         ec ? ec.message() : std::string("timed out"));
            co_return std::move(result_);
        }
        co_await exchange(*stream);
        stream->close();
        co_return std::move(result_);
    }

private:
    asio::awaitable<void> exchange(net::byte_stream& stream) {
        net::byte_stream* raw = &stream;
        net::deadline_guard guard(*p_.timers, deadline_, [raw] { raw->close(); });
        const auto executor = co_await asio::this_coro::executor;
        net::asio_stream plain(executor, stream);
        auto context = tls::borrow_context(p_.tls->context());
        tls_stream tls(plain, context);
        const std::string host = upload_.endpoint.host;
        tls::peer_check check;
        check.sni = host;
        check.reference_names = {host};
        check.min_version = tls::version_floor::tls1_2;
        ssl_st* ssl = tls.native_handle();
        if (auto prepared = p_.tls->prepare(ssl, check); !prepared) {
            result_.detail = fmt::format("TLS setup for {} refused: {}", host, prepared.error());
            co_return;
        }
        boost::system::error_code ec;
        co_await tls.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            const auto words = guard.expired() ? std::string("timed out") : p_.tls->handshake_failure(ssl).second;
            result_.detail = fmt::format("TLS handshake with {} failed: {}", host, words.empty() ? ec.message() : words);
            co_return;
        }
        // interpretation (TLSRPT-08): verified like a policy host; see the header.
        const tls::peer_observation seen = p_.tls->observe(ssl, check);
        if (seen.chain != tls::chain_status::trusted || !seen.reference_name_match) {
            result_.detail = fmt::format("certificate of {} ({}) not valid for it: {}", host,
                                         core::quote_peer_text(seen.leaf_subject),
                                         seen.chain != tls::chain_status::trusted ? seen.chain_detail
                                                                                  : "no DNS-ID matches the host");
            co_return;
        }
        // RFC 8460 §5.4 [TLSRPT-17]: a POST whose media type says whether it is compressed.
        http::request<http::string_body> post{http::verb::post, upload_.endpoint.target, 11};
        post.set(http::field::host, host);
        post.set(http::field::content_type, upload_.content_type);
        post.set(http::field::connection, "close");
        post.body() = upload_.body;
        post.prepare_payload();
        co_await http::async_write(tls, post, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            result_.detail = fmt::format("sending the report to {} failed: {}", host,
                                         guard.expired() ? std::string("timed out") : ec.message());
            co_return;
        }
        beast::flat_buffer buffer;
        http::response_parser<http::empty_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(p_.config.header_bytes_max));
        co_await http::async_read_header(tls, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            result_.detail = fmt::format("no answer from {} to the report: {}", host,
                                         guard.expired() ? std::string("timed out") : ec.message());
            co_return;
        }
        guard.disarm();
        result_.http_status = parser.get().result_int();
        // RFC 8460 §5.4 [TLSRPT-17]: any 2xx accepts the report; anything else is a failure.
        result_.accepted = result_.http_status >= 200 && result_.http_status <= 299;
        if (!result_.accepted) {
            const auto reason = parser.get().reason();
            result_.detail = fmt::format("{} answered {} {}", host, result_.http_status,
                                         core::quote_peer_text(std::string_view(reason.data(), reason.size())));
        }
    }

    ports p_;
    report_upload upload_;
    core::time_point deadline_;
    upload_result result_;
};

asio::awaitable<upload_result> run_upload(std::unique_ptr<upload_session> session) {
    co_return co_await session->run();
}

}  // namespace

https_report_poster::https_report_poster(boost::asio::io_context& io, net::network& network,
                                         net::timer_service& timers, const core::clock& clock,
                                         dns::resolver& resolver, tls::client_tls& tls,
                                         https_report_poster_config config)
    : io_(&io),
      network_(&network),
      timers_(&timers),
      clock_(&clock),
      resolver_(&resolver),
      tls_(&tls),
      config_(std::move(config)) {}

void https_report_poster::post(report_upload upload, upload_handler handler) {
    auto session = std::make_unique<upload_session>(ports{network_, timers_, clock_, resolver_, tls_, config_},
                                                    std::move(upload));
    asio::co_spawn(*io_, run_upload(std::move(session)),
                   [h = std::move(handler)](std::exception_ptr error, upload_result result) mutable {
                       if (error) std::rethrow_exception(error);
                       h(std::move(result));
                   });
}

}  // namespace sts::tlsrpt
